/* Logistic regression: the objective's derivatives against finite differences, optimality
 * (KKT) conditions at the solutions of ridge, lasso and elastic net, lambda_max, the hard
 * cases (separable classes, constant and 1e6-scale columns), the design (one-hot, missing
 * values, prediction by name) and bit-identical results across thread counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "logreg/logreg_solver.h"

/* cmocka 1.1.5 has no assert_double_equal. */
#define assert_close(a, b, tol)                                                                 \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!(fabs(a_ - b_) <= (tol) * (1 + fabs(b_))))                                         \
            fail_msg("%s = %.17g, expected %.17g (tol %g)", #a, a_, b_, (double)(tol));         \
    } while (0)

/* A small deterministic generator (xorshift64*), so the data are the same everywhere. */
static uint64_t rng_state;
static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}
static double gaussian(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* n x p column-major features, labels drawn from a logistic model with a few non-zero
 * true coefficients, optional random weights. */
typedef struct sim {
    size_t n, p;
    float *x, *y, *w;
} sim;

static sim simulate(size_t n, size_t p, uint64_t seed, int weighted, double scale_last)
{
    sim s = {n, p, malloc(n * p * sizeof(float)), malloc(n * sizeof(float)), NULL};
    rng_state = seed;
    for (size_t k = 0; k < n * p; k++)
        s.x[k] = (float)gaussian();
    for (size_t i = 0; i < n; i++) {
        double eta = -0.5;
        for (size_t j = 0; j < p; j++)
            eta += (j % 3 == 0 ? 1.0 / (1 + (double)j) : 0.0) * s.x[j * n + i];
        s.y[i] = uniform() < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
    }
    if (scale_last != 1)
        for (size_t i = 0; i < n; i++)
            s.x[(p - 1) * n + i] = (float)(s.x[(p - 1) * n + i] * scale_last);
    if (weighted) {
        s.w = malloc(n * sizeof(float));
        for (size_t i = 0; i < n; i++)
            s.w[i] = (float)(0.2 + 2 * uniform());
    }
    return s;
}

static void sim_free(sim *s) { free(s->x), free(s->y), free(s->w); }

static st_dataset *sim_dataset(const sim *s)
{
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_from_arrays(s->n, s->p, s->x, s->y, s->w, NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static st_logreg *train(const st_dataset *ds, const st_logreg_params *prm)
{
    st_logreg *m = NULL;
    st_error err;
    if (st_logreg_train(ds, prm, &m, &err) != ST_OK)
        fail_msg("train: %s", err.message);
    return m;
}

/* The weights the library normalises to sum 1. */
static double *norm_weights(const sim *s)
{
    double *c = malloc(s->n * sizeof *c), tot = 0;
    for (size_t i = 0; i < s->n; i++)
        tot += (c[i] = s->w != NULL ? s->w[i] : 1.0);
    for (size_t i = 0; i < s->n; i++)
        c[i] /= tot;
    return c;
}

/* Checks the optimality conditions of the objective at the model (standardize = 0, or
 * standardize = 1 with the coefficients moved to the standardised scale): the smooth
 * gradient g_j = sum_i c_i (p_i - y_i) x_ij + l2 b_j satisfies g_j = -l1 sign(b_j) where
 * b_j != 0 and |g_j| <= l1 where b_j = 0; the intercept's gradient is 0. */
static void check_kkt(const sim *s, const st_logreg *m, double lambda, double alpha,
                      int standardized, double tol)
{
    const double *b = st_logreg_coefs(m), l1 = lambda * alpha, l2 = lambda * (1 - alpha);
    double *c = norm_weights(s), *r = malloc(s->n * sizeof *r), g0 = 0;
    for (size_t i = 0; i < s->n; i++) {
        double eta = st_logreg_intercept(m);
        for (size_t j = 0; j < s->p; j++)
            eta += b[j] * s->x[j * s->n + i];
        r[i] = c[i] * (1 / (1 + exp(-eta)) - s->y[i]);
        g0 += r[i];
    }
    assert_close(g0, 0, tol);
    size_t nonzero = 0;
    for (size_t j = 0; j < s->p; j++) {
        const float *xj = s->x + j * s->n;
        double sd = 1, mu = 0, var = 0, g = 0;
        for (size_t i = 0; i < s->n; i++)
            mu += c[i] * xj[i];
        for (size_t i = 0; i < s->n; i++)
            var += c[i] * (xj[i] - mu) * (xj[i] - mu);
        if (standardized)
            sd = sqrt(var);
        for (size_t i = 0; i < s->n; i++)
            g += r[i] * xj[i];
        double bs = b[j] * sd; /* coefficient on the solver's scale */
        g = g / sd + l2 * bs; /* d/d(b sd) of the loss, as sum_i r_i = 0 */
        if (bs != 0) {
            nonzero++;
            assert_close(g, -l1 * (bs > 0 ? 1 : -1), tol);
        } else if (fabs(g) > l1 + tol) {
            fail_msg("zero coefficient %zu has |gradient| %.10g > l1 %.10g", j, fabs(g), l1);
        }
    }
    assert_true(nonzero > 0);
    free(c), free(r);
}

static double objective(const st__lr_problem *pb, const double *beta, double *eta)
{
    st__lr_margins(pb, beta[0], beta + 1, eta);
    return st__lr_loss(pb, eta, NULL, 0, NULL) + st__lr_penalty(pb, beta + 1);
}

/* Finite differences of the objective agree with its gradient and Hessian-vector product,
 * and the assembled Hessian agrees with the Hessian-vector product. */
static void test_objective_derivatives(void **state)
{
    (void)state;
    sim s = simulate(300, 5, 7, 1, 1);
    size_t n = s.n, p = s.p, m = p + 1;
    double *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y), *c = norm_weights(&s);
    for (size_t k = 0; k < n * p; k++)
        x[k] = s.x[k];
    for (size_t i = 0; i < n; i++)
        y[i] = s.y[i];
    double partial[8];
    st__lr_problem pb = {n, p, x, y, c, 0, 0.05, 2, partial, NULL, NULL, NULL, NULL,
                         {0}, NULL, NULL};
    double beta[6] = {0.3, -0.2, 0.5, 0.1, -0.7, 0.25}, s_dir[6] = {0.1, 1, -0.5, 0.3, 0.2, -1};
    double eta[300], prob[300], work[300], g[6], hv[6], h[36];
    const double eps = 1e-5;
#define F(bb) objective(&pb, bb, eta)
    st__lr_margins(&pb, beta[0], beta + 1, eta);
    st__lr_loss(&pb, eta, NULL, 0, prob);
    st__lr_gradient(&pb, prob, beta + 1, g, work);
    st__lr_hessvec(&pb, prob, s_dir, hv, work);
    st__lr_hessian(&pb, prob, h, work);
    for (size_t k = 0; k < m; k++) {
        double bp[6], bm[6];
        memcpy(bp, beta, sizeof bp), memcpy(bm, beta, sizeof bm);
        bp[k] += eps, bm[k] -= eps;
        assert_close((F(bp) - F(bm)) / (2 * eps), g[k], 1e-8);
    }
    /* Hv against differences of the gradient along s */
    double bp[6], bm[6], gp[6], gm[6];
    for (size_t k = 0; k < m; k++)
        bp[k] = beta[k] + eps * s_dir[k], bm[k] = beta[k] - eps * s_dir[k];
    st__lr_margins(&pb, bp[0], bp + 1, eta), st__lr_loss(&pb, eta, NULL, 0, prob);
    st__lr_gradient(&pb, prob, bp + 1, gp, work);
    st__lr_margins(&pb, bm[0], bm + 1, eta), st__lr_loss(&pb, eta, NULL, 0, prob);
    st__lr_gradient(&pb, prob, bm + 1, gm, work);
    for (size_t k = 0; k < m; k++)
        assert_close((gp[k] - gm[k]) / (2 * eps), hv[k], 1e-7);
    /* the assembled Hessian (upper triangle) times s equals Hv */
    for (size_t r = 0; r < m; r++) {
        double acc = 0;
        for (size_t k = 0; k < m; k++)
            acc += (r <= k ? h[r + k * m] : h[k + r * m]) * s_dir[k];
        assert_close(acc, hv[r], 1e-12);
    }
    /* the loss is stable where a naive log(1 + exp(z)) overflows */
    double big[300];
    for (size_t i = 0; i < n; i++)
        big[i] = y[i] > 0.5 ? -800.0 : 800.0;
    double lbig = st__lr_loss(&pb, big, NULL, 0, prob);
    assert_true(isfinite(lbig));
    assert_close(lbig, 800.0, 1e-12);
#undef F
    free(x), free(y), free(c);
    sim_free(&s);
}

/* The duality gap is non-negative everywhere and tends to 0 at the optimum. */
static void test_duality_gap(void **state)
{
    (void)state;
    sim s = simulate(400, 6, 11, 0, 1);
    st_dataset *ds = sim_dataset(&s);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.02, prm.alpha = 0.5, prm.standardize = 0, prm.tol = 1e-12;
    st_logreg *m = train(ds, &prm);
    assert_true(st_logreg_converged(m));
    assert_true(st_logreg_gap(m) <= 1e-12 && st_logreg_gap(m) >= 0);
    /* at a perturbed point the gap is positive */
    size_t n = s.n, p = s.p;
    double *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y), *c = norm_weights(&s);
    for (size_t k = 0; k < n * p; k++)
        x[k] = s.x[k];
    for (size_t i = 0; i < n; i++)
        y[i] = s.y[i];
    double partial[4], eta[400], prob[400], work[400], wp[6], b[6];
    st__lr_problem pb = {n, p, x, y, c, 0.01, 0.01, 1, partial, NULL, NULL, NULL, NULL,
                         {0}, NULL, NULL};
    for (int trial = 0; trial < 20; trial++) {
        for (size_t j = 0; j < p; j++)
            b[j] = gaussian();
        double b0 = gaussian();
        st__lr_margins(&pb, b0, b, eta);
        double f = st__lr_loss(&pb, eta, NULL, 0, prob) + st__lr_penalty(&pb, b);
        assert_true(st__lr_duality_gap(&pb, prob, f, work, wp) > 0);
    }
    free(x), free(y), free(c);
    st_logreg_free(m);
    st_dataset_free(ds);
    sim_free(&s);
}

/* KKT conditions to 1e-6 for ridge (Newton), lasso and elastic net (coordinate descent),
 * weighted, with and without standardisation. */
static void test_kkt(void **state)
{
    (void)state;
    sim s = simulate(500, 8, 3, 1, 1);
    st_dataset *ds = sim_dataset(&s);
    const double cases[][3] = {/* lambda, alpha, standardize */
                               {0.01, 0, 0}, {0.01, 0, 1},  {0.02, 1, 0},  {0.02, 1, 1},
                               {0.03, 0.5, 0}, {0.03, 0.5, 1}, {1e-4, 0.9, 1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        st_logreg_params prm = st_logreg_params_default();
        prm.lambda = cases[k][0], prm.alpha = cases[k][1], prm.standardize = (int)cases[k][2];
        prm.tol = 1e-12;
        st_logreg *m = train(ds, &prm);
        assert_true(st_logreg_converged(m));
        check_kkt(&s, m, prm.lambda, prm.alpha, prm.standardize, 1e-6);
        st_logreg_free(m);
    }
    st_dataset_free(ds);
    sim_free(&s);
}

/* On many rows Newton's first iterations use Hessians from a subsample of row chunks
 * (logreg_newton.c). A column non-zero only in rows the subsample skips (a rare one-hot
 * level) makes that Hessian singular (lambda = 0) or nearly so (tiny ridge): the solver
 * must fall back to exact Hessians and still reach the optimum (KKT conditions). */
static void test_subsampled_hessian_rare_column(void **state)
{
    (void)state;
    sim s = simulate(40000, 6, 11, 0, 1);
    float *rare = s.x + 5 * s.n;
    for (size_t i = 0; i < s.n; i++) /* rows 300..305: in the second chunk of 256 rows */
        rare[i] = i >= 300 && i < 306 ? 1.0f : 0.0f;
    for (size_t i = 300; i < 306; i++)
        s.y[i] = i % 2 ? 1.0f : 0.0f;
    st_dataset *ds = sim_dataset(&s);
    const double lambdas[2] = {0, 1e-7};
    for (int k = 0; k < 2; k++) {
        for (int standardize = 0; standardize < 2; standardize++) {
            st_logreg_params prm = st_logreg_params_default();
            prm.lambda = lambdas[k];
            prm.standardize = standardize;
            prm.tol = 1e-12;
            st_logreg *m = train(ds, &prm);
            assert_true(st_logreg_converged(m));
            assert_true(st_logreg_iterations(m) < 30);
            check_kkt(&s, m, prm.lambda, 0, standardize, 1e-6);
            st_logreg_free(m);
        }
    }
    st_dataset_free(ds);
    sim_free(&s);
}

/* Coordinate descent on a ridge problem reaches the same optimum as Newton. */
static void test_cd_matches_newton(void **state)
{
    (void)state;
    sim s = simulate(400, 6, 5, 1, 1);
    size_t n = s.n, p = s.p;
    double *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y), *c = norm_weights(&s);
    for (size_t j = 0; j < p; j++) { /* centre, as the design does */
        double mu = 0;
        for (size_t i = 0; i < n; i++)
            mu += c[i] * s.x[j * n + i];
        for (size_t i = 0; i < n; i++)
            x[j * n + i] = s.x[j * n + i] - mu;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = s.y[i];
    double partial[4], b1[6] = {0}, b2[6] = {0}, a1 = 0, a2 = 0;
    st__lr_problem pb = {n, p, x, y, c, 0, 0.01, 1, partial, NULL, NULL, NULL, NULL,
                         {0}, NULL, NULL};
    st__lr_info i1, i2;
    assert_int_equal(st__lr_newton(&pb, &a1, b1, 1e-13, 100, &i1, NULL), ST_OK);
    assert_int_equal(st__lr_cd(&pb, &a2, b2, 1e-13, 100, &i2, NULL), ST_OK);
    assert_true(i1.converged && i2.converged);
    assert_close(a2, a1, 1e-6);
    for (size_t j = 0; j < p; j++)
        assert_close(b2[j], b1[j], 1e-6);
    free(x), free(y), free(c);
    sim_free(&s);
}

/* The Gram kernel on a column subset against the sums written out, and the fused step
 * kernel against the separate margin, loss and X^T v kernels, on 9000 rows (several row
 * stripes and step blocks, two threads). */
static void test_gram_and_full_step(void **state)
{
    (void)state;
    sim s = simulate(9000, 7, 77, 1, 1);
    const size_t n = s.n, p = s.p;
    double *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y), *c = norm_weights(&s);
    double *v = malloc(n * sizeof *v), *eta = malloc(n * sizeof *eta);
    double *deta = malloc(n * sizeof *deta), *prob = malloc(n * sizeof *prob);
    double *r = malloc(n * sizeof *r), *e2 = malloc(n * sizeof *e2);
    double *parts = malloc(st__lr_full_step_parts(n, p) * sizeof *parts);
    for (size_t k = 0; k < n * p; k++)
        x[k] = s.x[k];
    for (size_t i = 0; i < n; i++) {
        y[i] = s.y[i];
        v[i] = c[i] * (0.1 + 0.2 * (double)(i % 5));
    }
    double partial[8];
    st__lr_problem pb = {n, p, x, y, c, 0, 0.01, 2, partial, NULL, NULL, NULL, NULL,
                         {0}, NULL, NULL};
    const size_t cols[3] = {1, 4, 6}, a = 3, m = a + 1;
    double g[16], *scratch = malloc(st__lr_gram_scratch_size(m) * sizeof *scratch);
    st__lr_gram(&pb, v, cols, a, g, scratch);
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < m; k++) {
            double ref = 0;
            for (size_t i = 0; i < n; i++)
                ref += v[i] * (j ? x[cols[j - 1] * n + i] : 1) * (k ? x[cols[k - 1] * n + i] : 1);
            assert_close(g[j * m + k], ref, 1e-12);
        }
    double b[7] = {0.2, 0, -0.4, 0.1, 0, 0.3, -0.2}, d[7] = {0.05, -0.1, 0, 0.2, 0, 0, 0.1};
    st__lr_margins(&pb, -1.5, b, eta);
    double g0, grad[7];
    double loss = st__lr_full_step(&pb, eta, 0.3, d, deta, prob, r, &g0, grad, parts);
    double b1[7];
    for (size_t j = 0; j < p; j++)
        b1[j] = b[j] + d[j];
    st__lr_margins(&pb, -1.2, b1, e2);
    assert_close(loss, st__lr_loss(&pb, e2, NULL, 0, v), 1e-12); /* v: the probabilities */
    double ref0 = 0, refg[7];
    for (size_t i = 0; i < n; i++) {
        assert_close(eta[i] + deta[i], e2[i], 1e-12);
        assert_close(prob[i], v[i], 1e-12);
        r[i] = c[i] * (y[i] - v[i]);
        ref0 += r[i];
    }
    st__lr_xt(&pb, r, refg);
    assert_close(g0, ref0, 1e-12);
    for (size_t j = 0; j < p; j++)
        assert_close(grad[j], refg[j], 1e-12);
    free(x), free(y), free(c), free(v), free(eta), free(deta), free(prob), free(r), free(e2);
    free(parts), free(scratch);
    sim_free(&s);
}

/* Beyond ST__LR_CD_GRAM_MAX_COLS columns st__lr_cd keeps its covariance-free sweeps; they
 * and the Gram-matrix solver are independent algorithms for the same lasso problem and
 * must agree. */
static void test_cd_variants_agree(void **state)
{
    (void)state;
    const size_t p = ST__LR_CD_GRAM_MAX_COLS + 8;
    sim s = simulate(700, p, 91, 0, 1);
    const size_t n = s.n;
    double *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y), *c = norm_weights(&s);
    for (size_t j = 0; j < p; j++) { /* centre, as the design does */
        double mu = 0;
        for (size_t i = 0; i < n; i++)
            mu += c[i] * s.x[j * n + i];
        for (size_t i = 0; i < n; i++)
            x[j * n + i] = s.x[j * n + i] - mu;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = s.y[i];
    double partial[4], *b1 = calloc(p, sizeof *b1), *b2 = calloc(p, sizeof *b2), a1 = 0, a2 = 0;
    st__lr_problem pb = {n, p, x, y, c, 0.02, 0.001, 1, partial, NULL, NULL, NULL, NULL,
                         {0}, NULL, NULL};
    st__lr_info i1, i2;
    assert_int_equal(st__lr_cd(&pb, &a1, b1, 1e-10, 200, &i1, NULL), ST_OK);
    assert_int_equal(st__lr_cd_gram(&pb, &a2, b2, 1e-10, 200, &i2, NULL), ST_OK);
    assert_true(i1.converged && i2.converged);
    assert_close(i2.objective, i1.objective, 1e-8);
    assert_close(a2, a1, 1e-4);
    size_t nz = 0;
    for (size_t j = 0; j < p; j++) {
        assert_close(b2[j], b1[j], 1e-4);
        nz += b1[j] != 0;
    }
    assert_true(nz > 0 && nz < p); /* the lasso selected some columns, not all */
    free(x), free(y), free(c), free(b1), free(b2);
    sim_free(&s);
}

/* lambda >= lambda_max = max_j |x_j^T (c * (y - ybar))| / alpha (standardised columns)
 * zeroes every coefficient; just below it, some coefficient enters. */
static void test_lambda_max(void **state)
{
    (void)state;
    sim s = simulate(300, 6, 9, 1, 1);
    st_dataset *ds = sim_dataset(&s);
    double *c = norm_weights(&s), ybar = 0;
    for (size_t i = 0; i < s.n; i++)
        ybar += c[i] * s.y[i];
    double gmax = 0;
    for (size_t j = 0; j < s.p; j++) {
        const float *xj = s.x + j * s.n;
        double mu = 0, var = 0, g = 0;
        for (size_t i = 0; i < s.n; i++)
            mu += c[i] * xj[i];
        for (size_t i = 0; i < s.n; i++)
            var += c[i] * (xj[i] - mu) * (xj[i] - mu);
        for (size_t i = 0; i < s.n; i++)
            g += c[i] * (s.y[i] - ybar) * (xj[i] - mu) / sqrt(var);
        gmax = fmax(gmax, fabs(g));
    }
    const double alphas[] = {1, 0.5};
    for (size_t a = 0; a < 2; a++) {
        double lmax = gmax / alphas[a];
        st_logreg_params prm = st_logreg_params_default();
        prm.alpha = alphas[a], prm.lambda = lmax * 1.0001, prm.tol = 1e-10;
        st_logreg *m = train(ds, &prm);
        for (size_t j = 0; j < s.p; j++)
            assert_true(st_logreg_coefs(m)[j] == 0);
        assert_close(st_logreg_intercept(m), log(ybar / (1 - ybar)), 1e-9);
        st_logreg_free(m);
        prm.lambda = lmax * 0.98;
        m = train(ds, &prm);
        size_t nz = 0;
        for (size_t j = 0; j < s.p; j++)
            nz += st_logreg_coefs(m)[j] != 0;
        assert_true(nz >= 1);
        st_logreg_free(m);
    }
    free(c);
    st_dataset_free(ds);
    sim_free(&s);
}

/* Separable classes: unpenalised is ST_ERR_NUMERIC with a clear message; any penalty gives
 * finite coefficients. */
static void test_separable(void **state)
{
    (void)state;
    float x[40], y[20];
    for (int i = 0; i < 20; i++) {
        x[i] = (float)i;              /* separates at 9.5 */
        x[20 + i] = (float)(i % 3);   /* noise */
        y[i] = i >= 10 ? 1.0f : 0.0f;
    }
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(20, 2, x, y, NULL, NULL, &ds, NULL), ST_OK);
    const double alphas[] = {0, 1, 0.5};
    for (size_t a = 0; a < 3; a++) {
        st_logreg_params prm = st_logreg_params_default();
        prm.lambda = 0, prm.alpha = alphas[a];
        st_logreg *m = (st_logreg *)&prm;
        st_error err;
        assert_int_equal(st_logreg_train(ds, &prm, &m, &err), ST_ERR_NUMERIC);
        assert_null(m);
        assert_non_null(strstr(err.message, "separable"));
        prm.lambda = 1e-6;
        m = train(ds, &prm);
        for (size_t j = 0; j < 2; j++)
            assert_true(isfinite(st_logreg_coefs(m)[j]));
        assert_true(st_logreg_coefs(m)[0] > 1);
        st_logreg_free(m);
    }
    st_dataset_free(ds);
}

/* Constant columns get 0 without dividing by zero; a feature scaled by 1e6 gives the same
 * fit as unscaled, with its coefficient scaled by 1e-6 (standardisation), and with
 * standardisation off the solver still converges. */
static void test_constant_and_scaled_columns(void **state)
{
    (void)state;
    sim s = simulate(400, 4, 21, 0, 1), t = simulate(400, 4, 21, 0, 1e6);
    for (size_t i = 0; i < s.n; i++)
        s.x[2 * s.n + i] = t.x[2 * t.n + i] = 3.25f; /* constant */
    st_dataset *ds = sim_dataset(&s), *dt = sim_dataset(&t);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 1e-3, prm.tol = 1e-12;
    for (int alpha = 0; alpha <= 1; alpha++) {
        prm.alpha = alpha;
        prm.standardize = 1;
        st_logreg *ms = train(ds, &prm), *mt = train(dt, &prm);
        const double *bs = st_logreg_coefs(ms), *bt = st_logreg_coefs(mt);
        assert_true(bs[2] == 0 && bt[2] == 0);
        for (size_t j = 0; j < 4; j++)
            assert_true(isfinite(bs[j]) && isfinite(bt[j]));
        assert_close(bt[3] * 1e6, bs[3], 1e-5);
        assert_close(bt[0], bs[0], 1e-5);
        assert_close(st_logreg_intercept(mt), st_logreg_intercept(ms), 1e-5);
        st_logreg_free(ms), st_logreg_free(mt);
        prm.standardize = 0;
        mt = train(dt, &prm);
        assert_true(st_logreg_converged(mt));
        for (size_t j = 0; j < 4; j++)
            assert_true(isfinite(st_logreg_coefs(mt)[j]));
        st_logreg_free(mt);
    }
    st_dataset_free(ds), st_dataset_free(dt);
    sim_free(&s), sim_free(&t);
}

/* Running out of iterations is reported, not an error; lambda = 0 with a constant column
 * (a singular Hessian) still converges, with that coefficient 0. */
static void test_iteration_cap_and_singular(void **state)
{
    (void)state;
    sim s = simulate(500, 5, 31, 0, 1);
    for (size_t i = 0; i < s.n; i++)
        s.x[4 * s.n + i] = -2.5f;
    st_dataset *ds = sim_dataset(&s);
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 1, prm.lambda = 1e-3, prm.max_iter = 1, prm.tol = 1e-14;
    st_logreg *m = train(ds, &prm);
    assert_false(st_logreg_converged(m));
    assert_int_equal(st_logreg_iterations(m), 1);
    assert_true(st_logreg_gap(m) > 1e-14 && isfinite(st_logreg_gap(m)));
    for (size_t j = 0; j < s.p; j++)
        assert_true(isfinite(st_logreg_coefs(m)[j]));
    st_logreg_free(m);
    prm = st_logreg_params_default();
    prm.lambda = 0, prm.standardize = 0, prm.tol = 1e-12;
    m = train(ds, &prm);
    assert_true(st_logreg_converged(m));
    assert_true(st_logreg_coefs(m)[4] == 0);
    check_kkt(&s, m, 0, 0, 0, 1e-6);
    st_logreg_free(m);
    st_dataset_free(ds);
    sim_free(&s);
}

static st_dataset *csv(const char *text)
{
    st_dataset *ds = NULL;
    st_error err;
    st_read_options ro = st_read_options_default();
    ro.label_required = 0;
    if (st_dataset_read_csv_buffer(text, strlen(text), "test.csv", &ro, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static const char train_csv[] =
    "age,sex,bp,label\n"
    "63,M,140,1\n45,F,,0\n50,F,120,0\n70,M,150,1\n38,F,110,0\n59,M,,1\n44,M,125,0\n"
    "66,F,145,1\n52,F,,0\n48,M,130,0\n71,F,160,1\n35,M,115,0\n";

/* One-hot and indicator names; prediction finds columns by name and levels by text, maps
 * an unseen level to all zeros, imputes a missing value with the training median. */
static void test_design_and_predict(void **state)
{
    (void)state;
    st_dataset *tr = csv(train_csv);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05, prm.missing_indicators = 1, prm.impute = ST_IMPUTE_MEDIAN;
    st_logreg *m = train(tr, &prm);
    const char *names[] = {"age", "sex=F", "sex=M", "bp", "bp_missing"};
    assert_int_equal(st_logreg_n_coefs(m), 5);
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(st_logreg_coef_name(m, k), names[k]);
    assert_null(st_logreg_coef_name(m, 5));
    const double *b = st_logreg_coefs(m), b0 = st_logreg_intercept(m);
    double median_bp = 130; /* of 140 120 150 110 125 145 130 160 115 */

    /* other column order, an extra column, an unseen level and missing values */
    st_dataset *te = csv("bp,extra,sex,age\n,1,F,60\n135,2,X,40\n150,3,M,\n");
    double out[3];
    st_error err;
    assert_int_equal(st_logreg_predict(m, te, out, 3, &err), ST_OK);
    double mean_age = (63 + 45 + 50 + 70 + 38 + 59 + 44 + 66 + 52 + 48 + 71 + 35) / 12.0;
    double median_age = (50 + 52) / 2.0;
    (void)mean_age;
    double eta[3] = {b0 + b[0] * 60 + b[1] + b[3] * median_bp + b[4],
                     b0 + b[0] * 40 + b[3] * 135,
                     b0 + b[0] * median_age + b[2] + b[3] * 150};
    for (int i = 0; i < 3; i++)
        assert_close(out[i], 1 / (1 + exp(-eta[i])), 1e-12);
    /* on the training data, probabilities match the fit */
    double ptr[12];
    assert_int_equal(st_logreg_predict(m, tr, ptr, 12, NULL), ST_OK);
    for (int i = 0; i < 12; i++)
        assert_true(ptr[i] > 0 && ptr[i] < 1);
    assert_int_equal(st_logreg_predict(m, tr, ptr, 11, &err), ST_ERR_INVALID_ARG);

    st_dataset *missing = csv("age,sex\n60,F\n");
    assert_int_equal(st_logreg_predict(m, missing, out, 3, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "'bp'"));
    st_dataset *wrong = csv("age,sex,bp\n60,F,high\n");
    assert_int_equal(st_logreg_predict(m, wrong, out, 3, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "numeric in the model"));
    st_dataset_free(missing), st_dataset_free(wrong);
    st_dataset_free(te), st_dataset_free(tr);
    st_logreg_free(m);
}

/* Parameter validation and NULL handling. */
static void test_params_and_errors(void **state)
{
    (void)state;
    st_logreg_params prm = st_logreg_params_default();
    assert_null(st_logreg_params_check(&prm));
    assert_non_null(st_logreg_params_check(NULL));
    prm.alpha = 1.5;
    assert_string_equal(st_logreg_params_check(&prm), "alpha must be in [0, 1]");
    prm = st_logreg_params_default(), prm.lambda = -0.5; /* -1 is ST_LOGREG_LAMBDA_CV */
    assert_non_null(st_logreg_params_check(&prm));
    prm = st_logreg_params_default(), prm.lambda = NAN;
    assert_non_null(st_logreg_params_check(&prm));
    prm = st_logreg_params_default(), prm.tol = 0;
    assert_non_null(st_logreg_params_check(&prm));
    prm = st_logreg_params_default(), prm.class_weight = ST_CLASS_WEIGHT_POSITIVE;
    prm.positive_weight = 0;
    assert_non_null(st_logreg_params_check(&prm));

    st_dataset *ds = csv(train_csv);
    st_logreg *m = (st_logreg *)ds;
    st_error err;
    assert_int_equal(st_logreg_train(ds, &prm, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_non_null(strstr(err.message, "positive_weight"));
    assert_int_equal(st_logreg_train(NULL, NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_train(ds, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    st_dataset *one = csv("a,label\n1,0\n2,0\n");
    assert_int_not_equal(st_logreg_train(one, NULL, &m, &err), ST_OK);
    assert_null(m);
    assert_int_equal(st_logreg_predict(NULL, ds, (double[1]){0}, 1, &err), ST_ERR_INVALID_ARG);
    st_logreg_free(NULL);
    assert_int_equal(st_logreg_n_coefs(NULL), 0);
    st_dataset_free(one), st_dataset_free(ds);
}

/* Balanced class weights equal an explicit positive weight of n_neg / n_pos. */
static void test_class_weights(void **state)
{
    (void)state;
    sim s = simulate(300, 4, 13, 0, 1);
    st_dataset *ds = sim_dataset(&s);
    size_t pos = 0;
    for (size_t i = 0; i < s.n; i++)
        pos += s.y[i] > 0.5f;
    st_logreg_params a = st_logreg_params_default(), b = a;
    a.class_weight = ST_CLASS_WEIGHT_BALANCED, a.tol = 1e-13;
    b.class_weight = ST_CLASS_WEIGHT_POSITIVE, b.tol = 1e-13;
    b.positive_weight = (double)(s.n - pos) / (double)pos;
    st_logreg *ma = train(ds, &a), *mb = train(ds, &b), *mn = train(ds, NULL);
    for (size_t j = 0; j < s.p; j++)
        assert_close(st_logreg_coefs(ma)[j], st_logreg_coefs(mb)[j], 1e-9);
    /* the reweighting moves the intercept toward balance */
    assert_true(fabs(st_logreg_intercept(ma)) < fabs(st_logreg_intercept(mn)) ||
                st_logreg_intercept(mn) < 0);
    st_logreg_free(ma), st_logreg_free(mb), st_logreg_free(mn);
    st_dataset_free(ds);
    sim_free(&s);
}

/* The same fit, bit for bit, on 1 and 3 threads, for both solvers. */
static void test_thread_determinism(void **state)
{
    (void)state;
    sim s = simulate(20000, 12, 17, 1, 1);
    st_dataset *ds = sim_dataset(&s);
    for (int alpha = 0; alpha <= 1; alpha++) {
        st_logreg_params prm = st_logreg_params_default();
        prm.alpha = alpha, prm.lambda = 1e-3;
        prm.n_threads = 1;
        st_logreg *m1 = train(ds, &prm);
        prm.n_threads = 3;
        st_logreg *m3 = train(ds, &prm);
        assert_memory_equal(st_logreg_coefs(m1), st_logreg_coefs(m3), s.p * sizeof(double));
        double i1 = st_logreg_intercept(m1), i3 = st_logreg_intercept(m3);
        assert_memory_equal(&i1, &i3, sizeof i1);
        st_logreg_free(m1), st_logreg_free(m3);
    }
    st_dataset_free(ds);
    sim_free(&s);
}

/* A narrow sparse design (three numbers and a 150-level code: ridge builds it sparse, and
 * its exact Newton forms the Hessian column pairs on several threads): coefficients and
 * standard errors bit for bit the same on 1 and 3 threads. */
static void test_sparse_thread_determinism(void **state)
{
    (void)state;
    const size_t n = 20000;
    char *text = malloc(n * 64 + 64), *at = text;
    at += sprintf(at, "x1,x2,x3,code,label\n");
    unsigned long r = 12345;
    for (size_t i = 0; i < n; i++) {
        double u[4];
        for (int k = 0; k < 4; k++) {
            r = r * 6364136223846793005UL + 1442695040888963407UL;
            u[k] = (double)(r >> 11) / 9007199254740992.0;
        }
        int code = (int)(u[3] * u[3] * 150); /* rarer levels toward 150 */
        double eta = -2 + 1.5 * u[0] - u[1] + (code % 7) * 0.2;
        int y = u[2] < 1 / (1 + exp(-eta));
        at += sprintf(at, "%.4f,%.4f,%.4f,L%d,%d\n", u[0], u[1], u[2] * u[0], code, y);
    }
    st_dataset *ds = csv(text);
    free(text);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 1e-3;
    prm.n_threads = 1;
    st_logreg *m1 = train(ds, &prm);
    prm.n_threads = 3;
    st_logreg *m3 = train(ds, &prm);
    const size_t p = st_logreg_n_coefs(m1);
    assert_true(p > 100);
    assert_memory_equal(st_logreg_coefs(m1), st_logreg_coefs(m3), p * sizeof(double));
    st_logreg_coef_stat *s1 = malloc((p + 1) * sizeof *s1), *s3 = malloc((p + 1) * sizeof *s3);
    st_error err;
    assert_int_equal(st_logreg_coef_stats(m1, 0.95, s1, p + 1, &err), ST_OK);
    assert_int_equal(st_logreg_coef_stats(m3, 0.95, s3, p + 1, &err), ST_OK);
    for (size_t k = 0; k <= p; k++)
        assert_memory_equal(&s1[k].se, &s3[k].se, sizeof s1[k].se);
    free(s1), free(s3);
    st_logreg_free(m1), st_logreg_free(m3);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objective_derivatives),
        cmocka_unit_test(test_duality_gap),
        cmocka_unit_test(test_kkt),
        cmocka_unit_test(test_cd_matches_newton),
        cmocka_unit_test(test_subsampled_hessian_rare_column),
        cmocka_unit_test(test_gram_and_full_step),
        cmocka_unit_test(test_cd_variants_agree),
        cmocka_unit_test(test_lambda_max),
        cmocka_unit_test(test_separable),
        cmocka_unit_test(test_constant_and_scaled_columns),
        cmocka_unit_test(test_iteration_cap_and_singular),
        cmocka_unit_test(test_design_and_predict),
        cmocka_unit_test(test_params_and_errors),
        cmocka_unit_test(test_class_weights),
        cmocka_unit_test(test_thread_determinism),
        cmocka_unit_test(test_sparse_thread_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
