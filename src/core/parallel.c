/* The runner of coarse tasks (parallel.h). */
#include "parallel.h"

#include "alloc.h"
#include "error.h"

void st__run_tasks(size_t n, int n_threads, void (*task)(void *ctx, size_t i), void *ctx)
{
    if (n_threads <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++)
            task(ctx, i);
        return;
    }
    const long nn = (long)n;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1)
    for (long i = 0; i < nn; i++)
        task(ctx, (size_t)i);
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
                           st_error *err)
{
    fallible f = {task, ctx, st__malloc_array(n ? n : 1, sizeof *f.rc),
                  st__malloc_array(n ? n : 1, sizeof *f.err)};
    st_status rc = ST_OK;
    if (f.rc == NULL || f.err == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the statuses of %zu tasks", n);
    else
        st__run_tasks(n, n_threads, run_one, &f);
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        if ((rc = f.rc[i]) != ST_OK && err != NULL)
            *err = f.err[i];
    st__free(f.rc), st__free(f.err);
    return rc;
}
