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
 * OpenMP region (OpenBLAS here is the pthread build, with its own thread pool).
 *
 * Loaded on first use: OpenBLAS and LAPACKE are opened with dlopen the first time a
 * wrapper runs (st__la_available), not linked, since most fits never call them (sparse
 * and wide designs, boosted trees, every command but a Newton fit from 150 columns or its
 * standard errors) and loading them cost every start of the program 9 ms of CPU (16,000
 * relocations of LAPACK, libgfortran and OpenBLAS, and OpenBLAS starting its thread
 * pool) and 4.7 MB of resident memory. The function table is written once, under
 * pthread_once, and only read after: no mutable state.
 *
 * Not found: when either library cannot be opened, or the environment variable
 * STRATUM_NO_BLAS is set to anything but "" or "0" (read once, at that first use: how the
 * tests and a user check the fallback), every wrapper reports failure and the callers use
 * their hand-written kernels: the same model to rounding, slower from 151 coefficients,
 * and not the same bits. The library cannot print, so it says so through st_blas_state()
 * (stratum/common.h), which the program turns into one warning line. */
#define _POSIX_C_SOURCE 200809L
#include "linalg.h"

#include <cblas.h>
#include <dlfcn.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stratum/common.h>

/* The run-time names of the libraries CMake found (Debian: libopenblas0-pthread and
 * liblapacke); src/CMakeLists.txt may set them. */
#ifndef ST__OPENBLAS_SONAME
#define ST__OPENBLAS_SONAME "libopenblas.so.0"
#endif
#ifndef ST__LAPACKE_SONAME
#define ST__LAPACKE_SONAME "liblapacke.so.3"
#endif

/* The functions this file calls, looked up once. */
typedef struct la_functions {
    __typeof__(cblas_dsyrk) *dsyrk;
    __typeof__(LAPACKE_dpotrf) *dpotrf;
    __typeof__(LAPACKE_dpotrs) *dpotrs;
    __typeof__(LAPACKE_dpotri) *dpotri;
#ifdef OPENBLAS_VERSION
    __typeof__(openblas_get_num_threads) *get_num_threads;
    __typeof__(openblas_set_num_threads) *set_num_threads;
    __typeof__(openblas_get_config) *get_config;
#endif
    int loaded;
} la_functions;

static la_functions la;
static pthread_once_t la_once = PTHREAD_ONCE_INIT;
/* st_blas_state's answer: written once, at the end of la_load, read from any thread */
static _Atomic int la_state = ST_BLAS_NOT_NEEDED;

/* dlsym into a function pointer of the right type (C forbids the cast, POSIX allows it). */
#define LA_SYM(handle, field, name) memcpy(&la.field, &(void *){dlsym(handle, name)}, sizeof la.field)

static void la_load(void)
{
    const char *off = getenv("STRATUM_NO_BLAS");
    const int refused = off != NULL && off[0] != '\0' && strcmp(off, "0") != 0;
    void *blas = refused ? NULL : dlopen(ST__OPENBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
    void *lapacke = blas != NULL ? dlopen(ST__LAPACKE_SONAME, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (blas == NULL || lapacke == NULL) {
        atomic_store(&la_state, ST_BLAS_MISSING);
        return; /* never closed: the process keeps them, as a link would */
    }
    LA_SYM(blas, dsyrk, "cblas_dsyrk");
    LA_SYM(lapacke, dpotrf, "LAPACKE_dpotrf");
    LA_SYM(lapacke, dpotrs, "LAPACKE_dpotrs");
    LA_SYM(lapacke, dpotri, "LAPACKE_dpotri");
    int ok = la.dsyrk != NULL && la.dpotrf != NULL && la.dpotrs != NULL && la.dpotri != NULL;
#ifdef OPENBLAS_VERSION
    LA_SYM(blas, get_num_threads, "openblas_get_num_threads");
    LA_SYM(blas, set_num_threads, "openblas_set_num_threads");
    LA_SYM(blas, get_config, "openblas_get_config");
    ok = ok && la.get_num_threads != NULL && la.set_num_threads != NULL &&
         la.get_config != NULL;
#endif
    la.loaded = ok;
    atomic_store(&la_state, ok ? ST_BLAS_LOADED : ST_BLAS_MISSING);
}

st_blas_state_t st_blas_state(void)
{
    return (st_blas_state_t)atomic_load(&la_state);
}

int st__la_available(void)
{
    pthread_once(&la_once, la_load);
    return la.loaded;
}

/* Sets OpenBLAS's thread count to want for one call; returns the count it had. */
static int threads_begin(int want)
{
#ifdef OPENBLAS_VERSION
    int had = la.get_num_threads();
    if (had != want)
        la.set_num_threads(want);
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
        la.set_num_threads(had);
#else
    (void)had, (void)want;
#endif
}

size_t st__la_gram_work_size(size_t m) { return (size_t)ST__LA_GRAM_BLOCK * m; }

/* g (upper triangle) += w^T w for the first k rows of the block w (ST__LA_GRAM_BLOCK
 * rows a column). */
static void add_block(size_t m, size_t k, const double *w, double *g)
{
    la.dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)m, (int)k, 1.0, w,
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
    if (!st__la_available())
        return;
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
    if (m > INT_MAX || !st__la_available())
        return -1;
    const int had = threads_begin(1);
    lapack_int info = la.dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)m, h, (lapack_int)m);
    threads_end(had, 1);
    return info == 0 ? 0 : -1;
}

void st__la_cholesky_solve(const double *u, size_t m, double *b)
{
    if (m == 0 || m > INT_MAX || !st__la_available())
        return;
    const int had = threads_begin(1);
    la.dpotrs(LAPACK_COL_MAJOR, 'U', (lapack_int)m, 1, u, (lapack_int)m, b,
                   (lapack_int)m);
    threads_end(had, 1);
}

int st__la_cholesky_inverse(double *u, size_t m)
{
    if (m == 0)
        return 0;
    if (m > INT_MAX || !st__la_available())
        return -1;
    const int had = threads_begin(1);
    lapack_int info = la.dpotri(LAPACK_COL_MAJOR, 'U', (lapack_int)m, u, (lapack_int)m);
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
    if (!st__la_available())
        return "none: " ST__OPENBLAS_SONAME " or " ST__LAPACKE_SONAME " could not be loaded";
#ifdef OPENBLAS_VERSION
    return la.get_config();
#else
    return "a BLAS other than OpenBLAS";
#endif
}
