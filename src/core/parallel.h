/* Internal: the one place that asks OpenMP how many threads there are, and the one runner
 * of coarse tasks. Parallel regions otherwise live only in the numeric kernels. */
#ifndef STRATUM_PARALLEL_H
#define STRATUM_PARALLEL_H

#include <omp.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stratum/common.h>
#include <threads.h>

/* Threads to use for a request: n_threads > 0 as asked, 0 for all that OpenMP offers. */
static inline int st__n_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}

/* A caller's should_stop for tasks run side by side (st__run_tasks): stratum/common.h
 * promises it is called on the calling thread, so only that thread (the one that set the
 * relay up) asks it: whenever one of its own tasks asks the relay, and every millisecond
 * while it waits for the tasks other threads still run (st__run_tasks); a yes is kept where
 * every task sees it at its next check (its next tree or solver iteration). */
typedef struct st__stop_relay {
    st_should_stop_fn fn; /* the caller's (not NULL) */
    void *data;
    thrd_t caller;
    atomic_int stopped;
} st__stop_relay;

/* For tasks given a copy of the caller's should_stop fields (*fn, *data): when *fn is set,
 * sets r up for it on the calling thread, points the fields at r and returns r, the relay
 * to hand st__run_fallible; NULL (fields unchanged) when there is no should_stop. */
st__stop_relay *st__stop_relay_wrap(st__stop_relay *r, st_should_stop_fn *fn, void **data);

/* The relay's should_stop (data: an st__stop_relay), safe to call from any thread. */
int st__stop_relay_ask(void *data);

/* Runs task(ctx, i) for i = 0 .. n - 1, on up to n_threads threads (dealt one at a time),
 * or in order on this thread when n_threads <= 1 or n <= 1. For independent pieces of work
 * too small to share inside (the inner fits of a small cohort): each task runs on one
 * thread, writes only its own outputs, and calls no BLAS and no caller's callback (a
 * caller's should_stop goes through relay, NULL when there is none). */
void st__run_tasks(size_t n, int n_threads, void (*task)(void *ctx, size_t i), void *ctx,
                   st__stop_relay *relay);

/* st__run_tasks for tasks that can fail: task(ctx, i, err_i) returns a status, each task
 * with its own st_error. Returns the first failure in task order with its error in *err
 * (err may be NULL): what running them in turn would have reported. ST_ERR_NOMEM when the
 * tasks' statuses cannot be allocated. */
st_status st__run_fallible(size_t n, int n_threads,
                           st_status (*task)(void *ctx, size_t i, st_error *err), void *ctx,
                           st__stop_relay *relay, st_error *err);

#endif
