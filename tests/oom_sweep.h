/* The allocation-failure sweep shared by the *_oom tests (linked against stratum_fault):
 * run a cycle with the Nth allocation failing, for N = 0, 1, 2, ..., until it succeeds.
 * Include after <cmocka.h> and "core/alloc.h". */
#ifndef STRATUM_OOM_SWEEP_H
#define STRATUM_OOM_SWEEP_H

/* Calls cycle(ctx) with allocation N failing for N = 0, 1, ... Each failing run must
 * return ST_ERR_NOMEM and leave as many blocks allocated as before it (no leak); the sweep
 * ends at the first run that succeeds, which must come before max_failures. Returns how
 * many runs failed (the cycle's allocation count up to its last fallible one). */
static inline long test_oom_sweep(st_status (*cycle)(void *ctx), void *ctx, long max_failures)
{
    const long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        const st_status rc = cycle(ctx);
        st__fault_fail_after(-1);
        if (st__fault_live_blocks() != baseline)
            fail_msg("allocation %ld failing leaks %ld blocks", n,
                     st__fault_live_blocks() - baseline);
        if (rc == ST_OK)
            return n;
        assert_int_equal(rc, ST_ERR_NOMEM);
        if (n >= max_failures)
            fail_msg("the cycle still fails after %ld allocations failed in turn", n + 1);
    }
}

#endif
