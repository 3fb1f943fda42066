/* The runner of coarse tasks (parallel.h). */
#include "parallel.h"

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
