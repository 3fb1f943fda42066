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

/* Sixteen rows (x, a short note, label), half positive: the data of the cross-validation
 * sweeps (test_cv_oom, test_compare_oom). Read outside the sweep; the caller frees it. */
static inline st_dataset *test_oom_notes(void)
{
    static const char csv[] =
        "x,note,label\n1,chest pain,0\n2,no pain,0\n3,fever and cough,1\n4,no fever,0\n"
        "5,cough,1\n6,pain,0\n7,fever,1\n8,cough and pain,1\n9,none,0\n10,fever cough,1\n"
        "11,no cough,0\n12,fever,1\n13,pain,0\n14,cough,1\n15,none,0\n16,fever pain,1\n";
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    return st_dataset_read_csv_buffer(csv, sizeof csv - 1, "oom", &opt, &ds, NULL) == ST_OK
               ? ds : NULL;
}

#endif
