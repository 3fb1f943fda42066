/* BLAS and LAPACK for the library: this file owns every call to OpenBLAS (CBLAS) and
 * LAPACKE. Nothing else in src/ includes <cblas.h> or <lapacke.h>; callers use the
 * st__la_ wrappers of linalg.h, and choose by shape between them and their own
 * hand-written kernels (the measurements are in bench/RESULTS.md, "BLAS and LAPACK
 * against the hand-written kernels"). This file calls only CBLAS, LAPACKE and the C
 * library: no other part of stratum, so that it can sit anywhere in the tree.
 *
 * Determinism across thread counts (stratum's guarantee: the same data, options and
 * seed give a byte-identical model whatever --threads and OPENBLAS_NUM_THREADS say):
 * OpenBLAS 0.3.21 decides its thread count per call from its process-global count
 * (openblas_set_num_threads, OPENBLAS_NUM_THREADS) and the shape, and some routines
 * change algorithm with it:
 *   - dpotrf (n >= 64) and dlauum (any n; dpotri is LAPACK's dtrtri + dlauum) switch to
 *     parallel algorithms whose last bits differ from the serial ones (measured: 1 vs 2
 *     threads differ at every n from 20 for dpotri, from 64 for dpotrf). The LAPACK
 *     wrappers therefore run with the count set to 1, saved and put back around the call.
 *   - dsyrk (threaded from n = 100) splits the columns of C between its threads; its
 *     reduction over the inner dimension is blocked by GEMM_Q alone in both drivers
 *     (level3_syrk.c, level3_syrk_threaded.c), and we measured bit-identical results
 *     for 1, 2, 3, 4 and 7 threads at n = 41 ... 2001, k = 256 ... 1024. We do not rely
 *     on that: the Gram runs on one thread too (it is the benchmarks' alternative to the
 *     hand-written kernel, not called by the solvers: bench/RESULTS.md).
 * So every wrapper sets OpenBLAS's count to 1 for its call and puts back the count it
 * found: each result is one fixed sequence of floating-point operations.
 * Every BLAS or LAPACK call here is made from the calling thread, never inside an
 * OpenMP region (OpenBLAS here is the pthread build, with its own thread pool). */
#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <string.h>

/* Sets OpenBLAS's thread count to want for one call; returns the count it had. */
static int threads_begin(int want)
{
#ifdef OPENBLAS_VERSION
    int had = openblas_get_num_threads();
    if (had != want)
        openblas_set_num_threads(want);
    return had;
#else
    (void)want; /* another BLAS: built single-threaded, or the guarantee does not hold */
    return 1;
#endif
}

static void threads_end(int had, int want)
{
#ifdef OPENBLAS_VERSION
    if (had != want)
        openblas_set_num_threads(had);
#else
    (void)had, (void)want;
#endif
}

size_t st__la_gram_work_size(size_t m) { return (size_t)ST__LA_GRAM_BLOCK * m; }

/* g (upper triangle) += w^T w for the first k rows of the block w (ST__LA_GRAM_BLOCK
 * rows a column). */
static void add_block(size_t m, size_t k, const double *w, double *g)
{
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)m, (int)k, 1.0, w,
                ST__LA_GRAM_BLOCK, 1.0, g, (int)m);
}

void st__la_weighted_gram(size_t n, const double *x, const size_t *cols, size_t a,
                          const double *v, size_t stripes, size_t chunk, size_t every,
                          double *g, double *work)
{
    const size_t m = a + 1, bl = ST__LA_GRAM_BLOCK;
    if (every < 1)
        every = 1;
    if (chunk < 1)
        chunk = 1;
    if (stripes < 1)
        stripes = 1;
    memset(g, 0, m * m * sizeof *g);
    const int had = threads_begin(1);
    size_t r = 0; /* rows in the block so far */
    for (size_t s = 0; s < stripes; s++) {
        const size_t hi = n * (s + 1) / stripes;
        for (size_t lo = n * s / stripes; lo < hi; lo += every * chunk) {
            const size_t end = hi - lo < chunk ? hi : lo + chunk;
            for (size_t i = lo; i < end;) {
                const size_t take = bl - r < end - i ? bl - r : end - i;
                double *w0 = work + r;
                for (size_t t = 0; t < take; t++)
                    w0[t] = sqrt(v[i + t]);
                for (size_t k = 1; k < m; k++) {
                    const double *xk = x + cols[k - 1] * n + i;
                    double *wk = work + k * bl + r;
                    for (size_t t = 0; t < take; t++)
                        wk[t] = w0[t] * xk[t];
                }
                r += take, i += take;
                if (r == bl) {
                    add_block(m, bl, work, g);
                    r = 0;
                }
            }
        }
    }
    if (r > 0)
        add_block(m, r, work, g);
    threads_end(had, 1);
    for (size_t j = 0; j < m; j++) /* the lower triangle from the upper */
        for (size_t k = 0; k < j; k++)
            g[k * m + j] = g[j * m + k];
}

int st__la_cholesky(double *h, size_t m)
{
    if (m == 0)
        return 0;
    if (m > INT_MAX)
        return -1;
    const int had = threads_begin(1);
    lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)m, h, (lapack_int)m);
    threads_end(had, 1);
    return info == 0 ? 0 : -1;
}

void st__la_cholesky_solve(const double *u, size_t m, double *b)
{
    if (m == 0 || m > INT_MAX)
        return;
    const int had = threads_begin(1);
    LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (lapack_int)m, 1, u, (lapack_int)m, b,
                   (lapack_int)m);
    threads_end(had, 1);
}

int st__la_cholesky_inverse(double *u, size_t m)
{
    if (m == 0)
        return 0;
    if (m > INT_MAX)
        return -1;
    const int had = threads_begin(1);
    lapack_int info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (lapack_int)m, u, (lapack_int)m);
    threads_end(had, 1);
    if (info != 0)
        return -1;
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < j; k++)
            u[k * m + j] = u[j * m + k];
    return 0;
}

const char *st__la_blas_config(void)
{
#ifdef OPENBLAS_VERSION
    return openblas_get_config();
#else
    return "a BLAS other than OpenBLAS";
#endif
}
