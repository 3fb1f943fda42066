/* A monotonic clock for the CLI's own timings (stratum train reports how long the fit
 * took, apart from reading the data). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <time.h>

double cli_seconds(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        return 0;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
