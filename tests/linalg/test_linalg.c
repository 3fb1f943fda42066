/* src/linalg (the library's BLAS and LAPACK wrappers) against naive references: the
 * blocked weighted Gram (dsyrk; the benchmarks' alternative to the hand-written kernel)
 * against a triple loop and against the hand-written kernel on the same rows; Cholesky factor, solve and inverse (dpotrf,
 * dpotrs, dpotri) against A itself on random positive definite matrices, and a matrix
 * that is not positive definite. Then the fit through those paths (a design wide enough
 * for them): the same coefficients and standard errors, bit for bit, with 1, 2 and 3
 * OpenMP threads and with OpenBLAS's thread count at 1, 2 and 3, which the wrappers must
 * also leave as they found it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "linalg/linalg.h"
#include "logreg/logreg_solver.h"

/* OpenBLAS's process-wide thread count (its cblas.h is included by src/linalg/linalg.c
 * alone; these two prototypes are all this test needs). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

static uint64_t rng_state = 12345;
static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

#define assert_rel(a, b, tol, scale)                                                            \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!(fabs(a_ - b_) <= (tol) * (scale)))                                                \
            fail_msg("%s = %.17g, expected %.17g (tol %g x %g)", #a, a_, b_, (double)(tol),     \
                     (double)(scale));                                                          \
    } while (0)

/* The weighted Gram over the rows st__la_weighted_gram documents, by a triple loop. */
static void naive_gram(size_t n, const double *x, const size_t *cols, size_t a,
                       const double *v, size_t stripes, size_t chunk, size_t every, double *g)
{
    const size_t m = a + 1;
    memset(g, 0, m * m * sizeof *g);
    for (size_t s = 0; s < stripes; s++) {
        size_t hi = n * (s + 1) / stripes;
        for (size_t lo = n * s / stripes; lo < hi; lo += every * chunk)
            for (size_t i = lo; i < hi && i < lo + chunk; i++)
                for (size_t j = 0; j < m; j++)
                    for (size_t k = 0; k < m; k++) {
                        double zj = j == 0 ? 1 : x[cols[j - 1] * n + i];
                        double zk = k == 0 ? 1 : x[cols[k - 1] * n + i];
                        g[j * m + k] += v[i] * zj * zk;
                    }
    }
}

static void test_weighted_gram(void **state)
{
    (void)state;
    const size_t n = 9001, p = 80, a = 70, m = a + 1;
    double *x = malloc(n * p * sizeof *x), *v = malloc(n * sizeof *v);
    double *c = malloc(n * sizeof *c);
    size_t cols[70];
    for (size_t i = 0; i < n * p; i++)
        x[i] = 4 * uniform() - 2;
    for (size_t i = 0; i < n; i++) {
        v[i] = uniform() * 0.25 / (double)n;
        v[i] = i % 97 == 0 ? 0 : v[i]; /* zero weights too */
        c[i] = 1.0 / (double)n;
    }
    for (size_t k = 0; k < a; k++)
        cols[k] = (7 * k + 3) % p; /* a subset, out of order */
    double *g = malloc(m * m * sizeof *g), *ref = malloc(m * m * sizeof *ref);
    double *h = malloc(m * m * sizeof *h);
    double *work = malloc(st__la_gram_work_size(m) * sizeof *work);
    double *scratch = malloc(st__lr_gram_scratch_size(m) * sizeof *scratch);
    st__lr_problem pb = {.n = n, .p = p, .x = x, .c = c, .n_threads = 2};
    for (size_t every = 1; every <= 3; every += 2) {
        st__la_weighted_gram(n, x, cols, a, v, 16, 64, every, g, work);
        naive_gram(n, x, cols, a, v, 16, 64, every, ref);
        double scale = 0;
        for (size_t k = 0; k < m * m; k++)
            scale = fmax(scale, fabs(ref[k]));
        assert_true(scale > 0);
        for (size_t k = 0; k < m * m; k++)
            assert_rel(g[k], ref[k], 1e-13, scale);
        for (size_t j = 0; j < m; j++) /* symmetric, bit for bit */
            for (size_t k = 0; k < j; k++)
                assert_memory_equal(&g[j * m + k], &g[k * m + j], sizeof(double));
        /* the hand-written kernel (st__lr_gram_sub, 256-row chunks) on the same rows */
        st__la_weighted_gram(n, x, cols, a, v, 16, 256, every, g, work);
        double f = st__lr_gram_sub(&pb, v, cols, a, every, h, scratch);
        assert_true(f >= 1);
        for (size_t k = 0; k < m * m; k++)
            assert_rel(g[k], h[k], 1e-13, scale);
    }
    free(x), free(v), free(c), free(g), free(ref), free(h), free(work), free(scratch);
}

/* A = B^T B / k + shift I, m x m, both triangles. */
static void random_spd(size_t m, double shift, double *a)
{
    const size_t k = m + 5;
    double *b = malloc(k * m * sizeof *b);
    for (size_t i = 0; i < k * m; i++)
        b[i] = 2 * uniform() - 1;
    for (size_t j = 0; j < m; j++)
        for (size_t l = 0; l < m; l++) {
            double s = 0;
            for (size_t i = 0; i < k; i++)
                s += b[j * k + i] * b[l * k + i];
            a[j * m + l] = s / (double)k + (j == l ? shift : 0);
        }
    free(b);
}

static void test_cholesky_solve_inverse(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 5, 64, 150, 151, 190, 300};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        const size_t m = sizes[t];
        double *a = malloc(m * m * sizeof *a), *u = malloc(m * m * sizeof *u);
        double *x = malloc(m * sizeof *x), *b = malloc(m * sizeof *b);
        random_spd(m, 0.01, a);
        memcpy(u, a, m * m * sizeof *u);
        for (size_t j = 0; j < m; j++) /* a marker in the strict lower triangle */
            for (size_t k = j + 1; k < m; k++)
                u[j * m + k] = -7;
        assert_int_equal(st__la_cholesky(u, m), 0);
        double amax = 0;
        for (size_t k = 0; k < m * m; k++)
            amax = fmax(amax, fabs(a[k]));
        for (size_t j = 0; j < m; j++)
            for (size_t k = 0; k < m; k++) {
                if (k > j) {
                    assert_true(u[j * m + k] == -7); /* left alone */
                    continue;
                }
                double s = 0; /* (U^T U)_kj, U upper: column j of U is u[j * m + 0..j] */
                for (size_t r = 0; r <= k; r++)
                    s += u[k * m + r] * u[j * m + r];
                assert_rel(s, a[j * m + k], 1e-12, amax);
            }
        for (size_t k = 0; k < m; k++)
            x[k] = b[k] = uniform() - 0.5;
        st__la_cholesky_solve(u, m, x);
        for (size_t k = 0; k < m; k++) { /* A x = b, relative to |A| |x| */
            double s = 0, xmax = 0;
            for (size_t l = 0; l < m; l++)
                s += a[l * m + k] * x[l], xmax = fmax(xmax, fabs(x[l]));
            assert_rel(s, b[k], 1e-10, amax * xmax * (double)m);
        }
        assert_int_equal(st__la_cholesky_inverse(u, m), 0);
        double imax = 0;
        for (size_t k = 0; k < m * m; k++)
            imax = fmax(imax, fabs(u[k]));
        for (size_t j = 0; j < m; j++)
            for (size_t k = 0; k < m; k++) {
                assert_memory_equal(&u[j * m + k], &u[k * m + j], sizeof(double));
                double s = 0; /* (A A^-1)_kj */
                for (size_t l = 0; l < m; l++)
                    s += a[l * m + k] * u[j * m + l];
                assert_rel(s, j == k ? 1.0 : 0.0, 1e-9, amax * imax * (double)m);
            }
        free(a), free(u), free(x), free(b);
    }
    /* not positive definite: a negative eigenvalue, and a NaN */
    const size_t m = 70;
    double *a = malloc(m * m * sizeof *a);
    random_spd(m, 0.01, a);
    a[40 * m + 40] = -1;
    assert_int_equal(st__la_cholesky(a, m), -1);
    random_spd(m, 0.01, a);
    a[3 * m + 2] = NAN;
    assert_int_equal(st__la_cholesky(a, m), -1);
    free(a);
}

/* The whole fit through LAPACK (Newton on 200 columns: m = 201 >= ST__LR_LAPACK_MIN_M,
 * with its standard errors by dpotri): the same bits with 1, 2, 3 OpenMP threads and with OpenBLAS set to 1, 2 or 3 threads. */
static void test_fit_bits(void **state)
{
    (void)state;
    assert_true(201 >= ST__LR_LAPACK_MIN_M);
    const size_t n = 4000, p = 200;
    float *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n * p; i++)
        x[i] = (float)(2 * uniform() - 1);
    for (size_t i = 0; i < n; i++) {
        double eta = -1 + x[i] - 0.5 * x[3 * n + i] + 0.25 * x[50 * n + i];
        y[i] = uniform() < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
    }
    st_error err;
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(n, p, x, y, NULL, NULL, &ds, &err), ST_OK);
    const int had = openblas_get_num_threads();
    st_logreg_coef_stat first[201], now[201];
    for (int run = 0; run < 5; run++) {
        const int omp = run < 3 ? run + 1 : 2, blas = run < 3 ? 1 : run - 1;
        openblas_set_num_threads(blas);
        st_logreg_params prm = st_logreg_params_default();
        prm.lambda = 1e-3, prm.alpha = 0, prm.n_threads = omp;
        st_logreg *mdl = NULL;
        assert_int_equal(st_logreg_train(ds, &prm, &mdl, &err), ST_OK);
        assert_int_equal(openblas_get_num_threads(), blas); /* put back as found */
        assert_true(st_logreg_has_coef_stats(mdl));
        assert_int_equal(st_logreg_coef_stats(mdl, 0.95, now, p + 1, &err), ST_OK);
        if (run == 0) {
            memcpy(first, now, sizeof first);
            assert_true(st_logreg_converged(mdl));
            assert_true(now[1].se > 0 && isfinite(now[1].se));
        } else {
            for (size_t k = 0; k <= p; k++) {
                assert_memory_equal(&first[k].estimate, &now[k].estimate, sizeof(double));
                assert_memory_equal(&first[k].se, &now[k].se, sizeof(double));
            }
        }
        st_logreg_free(mdl);
    }
    openblas_set_num_threads(had);
    st_dataset_free(ds);
    free(x), free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weighted_gram),
        cmocka_unit_test(test_cholesky_solve_inverse),
        cmocka_unit_test(test_fit_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
