/* Internal: the one place that asks OpenMP how many threads there are. Parallel regions
 * themselves live only in the numeric kernels. */
#ifndef STRATUM_PARALLEL_H
#define STRATUM_PARALLEL_H

#include <omp.h>

/* Threads to use for a request: n_threads > 0 as asked, 0 for all that OpenMP offers. */
static inline int st__n_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}

#endif
