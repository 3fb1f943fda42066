/* Internal: the one place that asks OpenMP how many threads there are, and the one runner
 * of coarse tasks. Parallel regions otherwise live only in the numeric kernels. */
#ifndef STRATUM_PARALLEL_H
#define STRATUM_PARALLEL_H

#include <omp.h>
#include <stddef.h>
#include <stratum/common.h>

/* Threads to use for a request: n_threads > 0 as asked, 0 for all that OpenMP offers. */
static inline int st__n_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}

/* Runs task(ctx, i) for i = 0 .. n - 1, on up to n_threads threads (dealt one at a time),
 * or in order on this thread when n_threads <= 1 or n <= 1. For independent pieces of work
 * too small to share inside (the inner fits of a small cohort): each task runs on one
 * thread, writes only its own outputs, and calls no BLAS and no caller's callback. */
void st__run_tasks(size_t n, int n_threads, void (*task)(void *ctx, size_t i), void *ctx);

/* st__run_tasks for tasks that can fail: task(ctx, i, err_i) returns a status, each task
 * with its own st_error. Returns the first failure in task order with its error in *err
 * (err may be NULL): what running them in turn would have reported. ST_ERR_NOMEM when the
 * tasks' statuses cannot be allocated. */
st_status st__run_fallible(size_t n, int n_threads,
                           st_status (*task)(void *ctx, size_t i, st_error *err), void *ctx,
                           st_error *err);

#endif
