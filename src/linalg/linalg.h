/* Internal: the library's only use of BLAS and LAPACK (OpenBLAS and LAPACKE), behind
 * wrappers whose results do not depend on any thread count (see linalg.c). Column-major
 * throughout. Callers choose by shape between these and their hand-written kernels
 * (bench/RESULTS.md, "BLAS and LAPACK against the hand-written kernels"): today the
 * Cholesky factor, solve and inverse from ST__LR_LAPACK_MIN_M (logreg_solver.h) on.
 *
 * Process-global state: OpenBLAS keeps one thread count for the whole process. Every
 * wrapper sets it to 1 for the length of its call and puts back the value it found,
 * from the calling thread. An application
 * that calls BLAS from another thread while stratum fits a model may see its BLAS calls
 * run with that thread count meanwhile (its results are unaffected, only its speed).
 * The wrappers must be called outside any OpenMP parallel region: Debian's default
 * OpenBLAS (libopenblas0-pthread) runs its own thread pool. */
#ifndef STRATUM_LINALG_H
#define STRATUM_LINALG_H

#include <stddef.h>

/* Whether OpenBLAS and LAPACKE are loaded, loading them on the first call (thread-safe).
 * 0 only when the libraries cannot be opened (not installed): every wrapper below then
 * does nothing and reports failure, and callers use their hand-written kernels. */
int st__la_available(void);

/* Rows per dsyrk call of st__la_weighted_gram: the block is copied (weighted) into a
 * buffer of ST__LA_GRAM_BLOCK x m doubles. 256, 512, 1024 and 2048 measured within
 * noise of each other at 400 columns; 256 keeps the buffer small. */
#define ST__LA_GRAM_BLOCK 256

/* Doubles of `work` st__la_weighted_gram needs for an m x m result. */
size_t st__la_gram_work_size(size_t m);

/* Not called by the solvers: logreg_gram.c's hand-written kernel on 2 threads measured
 * faster at every width (bench/RESULTS.md); kept as the measured alternative, which
 * bench/linalg_time.c times and tests/test_linalg.c checks.
 * The weighted Gram matrix g = sum_i v_i z_i z_i^T, z_i = (1, x[cols[0] * n + i], ...,
 * x[cols[a - 1] * n + i]), m = a + 1, into g (m x m, column-major, both triangles), over
 * the rows i of a fixed subsample: the rows [0, n) are cut into `stripes` stripes
 * [n s / stripes, n (s + 1) / stripes), and of each stripe the first `chunk` rows of
 * every `every * chunk` are used (every = 1: all rows).
 * Needs v_i >= 0 (the rows are scaled by sqrt(v_i)) and m <= INT_MAX; work has
 * st__la_gram_work_size(m) doubles.
 * Determinism: the rows used are packed, in stripe and row order, into blocks of
 * ST__LA_GRAM_BLOCK rows fixed by (n, stripes, chunk, every) alone, and each block is
 * added to g by one dsyrk (C += A^T A) on one OpenBLAS thread, in block order: one
 * fixed sequence of operations, whatever the thread counts. */
void st__la_weighted_gram(size_t n, const double *x, const size_t *cols, size_t a,
                          const double *v, size_t stripes, size_t chunk, size_t every,
                          double *g, double *work);

/* H = U^T U (LAPACKE_dpotrf, upper) for the upper triangle of the m x m column-major h,
 * U written over it; the strict lower triangle is left alone. Returns 0, or -1 when H
 * is not numerically positive definite (or holds a NaN). One OpenBLAS thread. */
int st__la_cholesky(double *h, size_t m);

/* Solves U^T U x = b in place (LAPACKE_dpotrs), U from st__la_cholesky. One thread. */
void st__la_cholesky_solve(const double *u, size_t m, double *b);

/* H^-1 from U (LAPACKE_dpotri) over u, both triangles filled. Returns 0, or -1 when U
 * has a zero on its diagonal. One OpenBLAS thread. */
int st__la_cholesky_inverse(double *u, size_t m);

/* OpenBLAS's build description (openblas_get_config()), for benchmarks and reports. */
const char *st__la_blas_config(void);

#endif
