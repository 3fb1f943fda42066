/* Times stratum's hand-written logistic-regression kernels against the BLAS / LAPACK
 * wrappers of src/linalg (bench/bench_linalg.sh builds and runs it; see bench/README.md).
 *
 *   linalg_time kernels ROWS COLS[,COLS...] RUNS THREADS
 *       On a seeded random dense design of ROWS x COLS (m = COLS + 1 with the
 *       intercept): (a) the weighted Gram / Hessian [1 X]^T diag(v) [1 X], hand kernel
 *       (OpenMP, THREADS threads) vs blocked dsyrk on one OpenBLAS thread
 *       (st__la_weighted_gram); (b) Cholesky factor + solve, hand vs LAPACKE dpotrf + dpotrs;
 *       (c) the inverse for standard errors, hand factor + m solves vs dpotrf + dpotri.
 *       Runs are interleaved (hand, BLAS, hand, ...); prints medians as a Markdown table.
 *       Needs the internal headers (-I src) and the static library.
 *   linalg_time fit ROWS COLS RUNS THREADS LAMBDA
 *       A whole ridge fit (st_logreg_train, alpha 0) with standard errors through the
 *       public API on the same kind of design; prints the median seconds, the solver's
 *       iterations, whether standard errors came out and a checksum of the coefficients
 *       (and standard errors).
 *       Built with -DLINALG_TIME_FIT_ONLY it needs only <stratum/...>, so that it can be
 *       linked against an older libstratum for the "before" figure. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stratum/dataset.h>
#include <stratum/logreg.h>

#ifndef LINALG_TIME_FIT_ONLY
#include "linalg/linalg.h"
#include "logreg/logreg_solver.h"
#endif

static uint64_t rng_state = 20260101;
static double uniform(void) /* xorshift64*, in [0, 1) */
{
    rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int k)
{
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (p == NULL) {
        fprintf(stderr, "linalg_time: out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    return p;
}

static int fit(size_t n, size_t p, int runs, int threads, double lambda)
{
    float *x = xmalloc(n * p * sizeof *x), *y = xmalloc(n * sizeof *y);
    double *beta = xmalloc(p * sizeof *beta);
    for (size_t j = 0; j < p; j++)
        beta[j] = (uniform() - 0.5) * 4 / sqrt((double)p);
    double *eta = calloc(n, sizeof *eta);
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < n; i++) {
            float v = (float)((uniform() - 0.5) * 3.4641016151377544); /* unit variance */
            x[j * n + i] = v;
            eta[i] += beta[j] * v;
        }
    for (size_t i = 0; i < n; i++)
        y[i] = uniform() < 1 / (1 + exp(-(eta[i] - 1))) ? 1.0f : 0.0f;
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_from_arrays(n, p, x, y, NULL, NULL, &ds, &err) != ST_OK) {
        fprintf(stderr, "linalg_time: %s\n", err.message);
        return 1;
    }
    free(x), free(y), free(beta), free(eta);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = lambda;
    prm.alpha = 0;
    prm.n_threads = threads;
    double *secs = xmalloc((size_t)runs * sizeof *secs);
    unsigned long long sum = 0;
    int iters = 0, has_se = 0;
    for (int r = 0; r < runs; r++) {
        st_logreg *m = NULL;
        double t0 = now();
        if (st_logreg_train(ds, &prm, &m, &err) != ST_OK) {
            fprintf(stderr, "linalg_time: %s\n", err.message);
            return 1;
        }
        secs[r] = now() - t0;
        st_logreg_coef_stat *cs = xmalloc((p + 1) * sizeof *cs);
        has_se = st_logreg_has_coef_stats(m);
        sum = 1469598103934665603ULL;
        const double *coefs = st_logreg_coefs(m);
        double b0 = st_logreg_intercept(m);
        for (size_t k = 0; k <= p; k++) {
            uint64_t u;
            memcpy(&u, k == 0 ? &b0 : &coefs[k - 1], 8);
            sum = (sum ^ u) * 1099511628211ULL;
        }
        if (has_se && st_logreg_coef_stats(m, 0.95, cs, p + 1, &err) != ST_OK)
            has_se = 0;
        for (size_t k = 0; k <= p && has_se; k++) {
            uint64_t w;
            memcpy(&w, &cs[k].se, 8);
            sum = (sum ^ w) * 1099511628211ULL;
        }
        iters = st_logreg_iterations(m);
        free(cs);
        st_logreg_free(m);
    }
    printf("{\"rows\": %zu, \"cols\": %zu, \"threads\": %d, \"lambda\": %g, "
           "\"fit_seconds\": %.4f, \"runs\": %d, \"iterations\": %d, \"standard_errors\": %d, "
           "\"checksum\": \"%016llx\"}\n", n, p, threads, lambda, median(secs, runs), runs,
           iters, has_se, sum);
    free(secs);
    st_dataset_free(ds);
    return 0;
}

#ifndef LINALG_TIME_FIT_ONLY
/* Factor + solve, or factor + inverse, of h into u; hand or LAPACK. Returns 0 when the
 * factorisation succeeded. */
static int chol(const double *h, double *u, double *b, size_t m, int lapack, int inverse)
{
    memcpy(u, h, m * m * sizeof *u);
    if ((lapack ? st__la_cholesky(u, m) : st__lr_cholesky_hand(u, m)) != 0)
        return -1;
    if (!inverse) {
        for (size_t k = 0; k < m; k++)
            b[k] = 1.0 + (double)k / (double)m;
        if (lapack)
            st__la_cholesky_solve(u, m, b);
        else
            st__lr_cholesky_solve_hand(u, m, b);
        return 0;
    }
    if (lapack)
        return st__la_cholesky_inverse(u, m);
    for (size_t k = 0; k < m; k++) { /* as logreg_stats.c forms H^-1 by hand */
        double *col = b + k * m;
        memset(col, 0, m * sizeof *col);
        col[k] = 1;
        st__lr_cholesky_solve_hand(u, m, col);
    }
    return 0;
}

static void row(size_t p, const char *kernel, double hand, double blas)
{
    printf("| 100,000 x %zu | %s | %.4f | %.4f | %.2f |\n", p, kernel, hand, blas, blas / hand);
}

static int kernels(size_t n, const char *list, int runs, int threads)
{
    printf("%s\n\n", st__la_blas_config());
    printf("| shape (rows x cols) | kernel | hand-written s | BLAS s | BLAS / hand |\n");
    printf("|---|---|--:|--:|--:|\n");
    for (const char *s = list; *s;) {
        size_t p = strtoul(s, NULL, 10), m = p + 1;
        while (*s && *s != ',')
            s++;
        if (*s == ',')
            s++;
        double *x = xmalloc(n * p * sizeof *x), *c = xmalloc(n * sizeof *c);
        double *v = xmalloc(n * sizeof *v), *g = xmalloc(m * m * sizeof *g);
        double *g2 = xmalloc(m * m * sizeof *g2), *u = xmalloc(m * m * sizeof *u);
        double *b = xmalloc(m * m * sizeof *b);
        size_t *cols = xmalloc((p > 0 ? p : 1) * sizeof *cols);
        double *scratch = xmalloc(st__lr_gram_scratch_size(m) * sizeof *scratch);
        double *work = xmalloc(st__la_gram_work_size(m) * sizeof *work);
        for (size_t i = 0; i < n * p; i++)
            x[i] = (uniform() - 0.5) * 3.4641016151377544;
        for (size_t i = 0; i < n; i++) {
            double pr = 0.02 + 0.96 * uniform();
            c[i] = 1.0 / (double)n;
            v[i] = c[i] * pr * (1 - pr);
        }
        for (size_t j = 0; j < p; j++)
            cols[j] = j;
        st__lr_problem pb = {.n = n, .p = p, .x = x, .c = c, .n_threads = threads};
        double *t[8];
        for (int k = 0; k < 8; k++)
            t[k] = xmalloc((size_t)runs * sizeof *t[k]);
        double maxdiff = 0, maxg = 0;
        for (int r = 0; r < runs; r++) {
            double t0 = now();
            st__lr_gram_sub(&pb, v, cols, p, 1, g, scratch); /* hand-written */
            t[0][r] = now() - t0;
            t0 = now();
            st__la_weighted_gram(n, x, cols, p, v, 16, 256, 1, g2, work);
            t[1][r] = now() - t0;
            for (size_t k = 0; k < m * m; k++) {
                maxdiff = fmax(maxdiff, fabs(g[k] - g2[k]));
                maxg = fmax(maxg, fabs(g[k]));
            }
            for (size_t k = 0; k < m; k++)
                g[k * m + k] += 1e-4; /* a ridge term, as st__lr_hessian adds */
            for (int inv = 0; inv < 2; inv++)
                for (int lap = 0; lap < 2; lap++) {
                    t0 = now();
                    if (chol(g, u, b, m, lap, inv) != 0) {
                        fprintf(stderr, "linalg_time: not positive definite\n");
                        return 1;
                    }
                    t[3 + 2 * inv + lap][r] = now() - t0;
                }
        }
        row(p, "Hessian (weighted Gram)", median(t[0], runs), median(t[1], runs));
        row(p, "Cholesky factor + solve", median(t[3], runs), median(t[4], runs));
        row(p, "inverse (standard errors)", median(t[5], runs), median(t[6], runs));
        fprintf(stderr, "linalg_time: %zu columns: max |G_hand - G_blas| / max |G| = %.2e\n", p,
                maxg > 0 ? maxdiff / maxg : 0);
        for (int k = 0; k < 8; k++)
            free(t[k]);
        free(x), free(c), free(v), free(g), free(g2), free(u), free(b), free(cols);
        free(scratch), free(work);
    }
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "fit") == 0)
        return fit(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10), atoi(argv[4]),
                   atoi(argv[5]), argc > 6 ? atof(argv[6]) : 1e-4);
#ifndef LINALG_TIME_FIT_ONLY
    if (argc >= 6 && strcmp(argv[1], "kernels") == 0)
        return kernels(strtoul(argv[2], NULL, 10), argv[3], atoi(argv[4]), atoi(argv[5]));
#endif
    fprintf(stderr, "usage: linalg_time kernels ROWS COLS[,COLS...] RUNS THREADS\n"
                    "       linalg_time fit ROWS COLS RUNS THREADS [LAMBDA]\n");
    return 2;
}
