/* A STREAM-like memory bandwidth probe (McCalpin's STREAM "triad" and "copy" kernels,
 * written anew): a[i] = b[i] + s * c[i] over three arrays far larger than the caches,
 * on 1 and on 2 OpenMP threads, best of RUNS passes. Bytes counted as STREAM counts
 * them (triad: 3 x 8 bytes per element; copy: 2 x 8), so write-allocate traffic is not
 * included. Used by bench/RESULTS.md ("Profiling: boosted trees") to say how close the
 * histogram kernel runs to the machine's memory bandwidth.
 *
 *   cc -O2 -fopenmp bench/stream_triad.c -o bench/out/stream_triad && bench/out/stream_triad
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N (1L << 25) /* 32 Mi doubles = 256 MiB per array */
#define RUNS 5

int main(void)
{
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
    if (a == NULL || b == NULL || c == NULL)
        return 1;
    for (int nt = 1; nt <= 2; nt++) {
#pragma omp parallel for num_threads(nt) schedule(static)
        for (long i = 0; i < N; i++) {
            a[i] = 0;
            b[i] = 1;
            c[i] = 2;
        }
        double best_triad = 1e30, best_copy = 1e30;
        for (int r = 0; r < RUNS; r++) {
            double t0 = omp_get_wtime();
#pragma omp parallel for num_threads(nt) schedule(static)
            for (long i = 0; i < N; i++)
                a[i] = b[i] + 3.0 * c[i];
            double t1 = omp_get_wtime();
#pragma omp parallel for num_threads(nt) schedule(static)
            for (long i = 0; i < N; i++)
                c[i] = a[i];
            double t2 = omp_get_wtime();
            if (t1 - t0 < best_triad)
                best_triad = t1 - t0;
            if (t2 - t1 < best_copy)
                best_copy = t2 - t1;
        }
        printf("threads %d: triad %.1f GB/s, copy %.1f GB/s (check %g)\n", nt,
               3.0 * 8 * N / best_triad / 1e9, 2.0 * 8 * N / best_copy / 1e9, a[N / 2]);
    }
    free(a);
    free(b);
    free(c);
    return 0;
}
