/* The runner of coarse tasks (parallel.h). */
#include "parallel.h"

#include "alloc.h"
#include "error.h"

/* The calling thread, its own tasks done: asks the caller's should_stop every millisecond
 * until the other threads' tasks are done too, or it says stop. */
static void watch(st__stop_relay *relay, atomic_size_t *done, size_t n)
{
    const struct timespec ms = {0, 1000000};
    while (atomic_load(done) < n && !st__stop_relay_ask(relay))
        thrd_sleep(&ms, NULL);
}

void st__run_tasks(size_t n, int n_threads, void (*task)(void *ctx, size_t i), void *ctx,
                   st__stop_relay *relay)
{
    if (n_threads <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++)
            task(ctx, i);
        return;
    }
    const long nn = (long)n;
    atomic_size_t done;
    atomic_init(&done, 0);
#pragma omp parallel num_threads(n_threads)
    {
#pragma omp for schedule(dynamic, 1) nowait
        for (long i = 0; i < nn; i++) {
            task(ctx, (size_t)i);
            atomic_fetch_add(&done, 1);
        }
        if (relay != NULL && omp_get_thread_num() == 0) /* the calling thread */
            watch(relay, &done, n);
    }
}

typedef struct fallible {
    st_status (*task)(void *ctx, size_t i, st_error *err);
    void *ctx;
    st_status *rc;
    st_error *err;
} fallible;

static void run_one(void *ctx, size_t i)
{
    fallible *f = ctx;
    st_error_clear(&f->err[i]);
    f->rc[i] = f->task(f->ctx, i, &f->err[i]);
}

st_status st__run_fallible(size_t n, int n_threads,
                           st_status (*task)(void *ctx, size_t i, st_error *err), void *ctx,
                           st__stop_relay *relay, st_error *err)
{
    fallible f = {task, ctx, st__malloc_array(n ? n : 1, sizeof *f.rc),
                  st__malloc_array(n ? n : 1, sizeof *f.err)};
    st_status rc = ST_OK;
    if (f.rc == NULL || f.err == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the statuses of %zu tasks", n);
    else
        st__run_tasks(n, n_threads, run_one, &f, relay);
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        if ((rc = f.rc[i]) != ST_OK && err != NULL)
            *err = f.err[i];
    st__free(f.rc), st__free(f.err);
    return rc;
}

st__stop_relay *st__stop_relay_wrap(st__stop_relay *r, st_should_stop_fn *fn, void **data)
{
    if (*fn == NULL)
        return NULL;
    r->fn = *fn;
    r->data = *data;
    r->caller = thrd_current();
    atomic_init(&r->stopped, 0);
    *fn = st__stop_relay_ask, *data = r;
    return r;
}

int st__stop_relay_ask(void *data)
{
    st__stop_relay *r = data;
    if (atomic_load(&r->stopped))
        return 1;
    if (!thrd_equal(thrd_current(), r->caller) || !r->fn(r->data))
        return 0;
    atomic_store(&r->stopped, 1);
    return 1;
}
