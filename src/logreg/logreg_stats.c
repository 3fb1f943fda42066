/* Wald statistics of a logistic regression: standard errors from the inverse of the
 * (penalised) Hessian at the solution, computed once at training, and the z values,
 * p-values, confidence intervals and odds ratios derived from them on request.
 *
 * The covariance is formed on the solver's (centred, standardised) scale, where the
 * Hessian is well conditioned, and carried to the original scale through the linear map
 * b_j = s_j / scale_j, b0 = s0 - sum_j mean_j b_j. The factorisation is st__lr_cholesky
 * (our loop, or LAPACKE_dpotrf from ST__LR_LAPACK_MIN_M on) and the inverse m solves
 * with it or, from the same order on, LAPACKE_dpotri; the LAPACK calls run on one
 * OpenBLAS thread (src/linalg), so the result does not depend on any thread count. */
#include "logreg_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "linalg/linalg.h"
#include "logreg_solver.h"

/* Covariance of the fitted (b0, b) on the original scale, Wald's approximation: the
 * inverse Fisher information sum_i w_i p_i (1 - p_i) [1 x_i][1 x_i]^T (plus the ridge
 * term, for a penalised fit: the inverse of the penalised Hessian), see McCullagh and
 * Nelder, Generalized Linear Models, 1989, section 4.4.
 * Given: pb at the solution (b0, b) on the solver's scale; the design's mean and scale;
 *        total = sum of the un-normalised weights (pb->c are normalised to sum 1, so the
 *        information is total times the Hessian of F).
 * Output: se[0..p], intercept first. Returns ST_OK, ST_ERR_NOMEM or ST_ERR_NUMERIC
 * (singular Hessian: collinear columns, e.g. a full one-hot next to the intercept with
 * lambda = 0). */
st_status st__lr_standard_errors(const st__lr_problem *pb, double b0, const double *b,
                                 const double *mean, const double *scale, double total,
                                 double *se)
{
    const size_t n = pb->n, m = pb->p + 1;
    int overflow = 0;
    size_t mm = st__mul_size(m, m, &overflow);
    double *h = overflow ? NULL : st__malloc_array(mm, sizeof *h);
    double *eta = st__malloc_array(n, sizeof *eta), *prob = st__malloc_array(n, sizeof *prob);
    st_status rc = ST_ERR_NOMEM;
    if (h != NULL && eta != NULL && prob != NULL) {
        st__lr_margins(pb, b0, b, eta);
        st__lr_loss(pb, eta, NULL, 0, prob);
        if (st__lr_hessian(pb, prob, h, eta) == 0) /* eta is spare now: the work array */
            rc = st__lr_standard_errors_h(pb, h, mean, scale, total, se);
    }
    st__free(h), st__free(eta), st__free(prob);
    return rc;
}

st_status st__lr_standard_errors_h(const st__lr_problem *pb, const double *h_in,
                                   const double *mean, const double *scale, double total,
                                   double *se)
{
    const size_t p = pb->p, m = p + 1;
    st_status rc = ST_OK;
    int overflow = 0;
    size_t mm = st__mul_size(m, m, &overflow);
    double *h = overflow ? NULL : st__malloc_array(mm, sizeof *h);
    double *cov = overflow ? NULL : st__malloc_array(mm, sizeof *cov);
    double *a = st__malloc_array(m, sizeof *a);
    if (h == NULL || cov == NULL || a == NULL) {
        rc = ST_ERR_NOMEM;
        goto done;
    }
    memcpy(h, h_in, mm * sizeof *h);
    /* A constant column is all zeros: give it a unit diagonal so H stays invertible;
     * its standard error is NaN below. */
    for (size_t j = 0; j < p; j++)
        if (!(scale[j] > 0))
            h[(1 + j) * m + 1 + j] = 1;
    for (size_t k = 0; k < m; k++)
        a[k] = h[k * m + k];
    if (st__lr_cholesky(h, m) != 0) {
        rc = ST_ERR_NUMERIC;
        goto done;
    }
    /* U_kk^2 / H_kk is 1 - R^2 of column k on the columns before it, whatever the
     * scaling: below 1e-10 the column is collinear to rounding and its variance noise. */
    for (size_t k = 0; k < m; k++)
        if (h[k * m + k] * h[k * m + k] < 1e-10 * a[k]) {
            rc = ST_ERR_NUMERIC;
            goto done;
        }
    if (m >= ST__LR_LAPACK_MIN_M && st__la_available()) { /* H^-1 by LAPACKE_dpotri */
        memcpy(cov, h, mm * sizeof *cov);
        if (st__la_cholesky_inverse(cov, m) != 0) {
            rc = ST_ERR_NUMERIC;
            goto done;
        }
    } else {
        for (size_t k = 0; k < m; k++) { /* column k of H^-1 */
            double *col = cov + k * m;
            memset(col, 0, m * sizeof *col);
            col[k] = 1;
            st__lr_cholesky_solve(h, m, col);
        }
    }
    /* b_j = a_j s_j with a_j = 1 / scale_j; b0 = s0 + sum_j a_0j s_j, a_0j = -mean_j a_j */
    a[0] = 1;
    for (size_t j = 0; j < p; j++)
        a[1 + j] = scale[j] > 0 ? -mean[j] / scale[j] : 0;
    double v0 = 0;
    for (size_t k = 0; k < m; k++) {
        double s = 0;
        for (size_t l = 0; l < m; l++)
            s += cov[k * m + l] * a[l];
        v0 += a[k] * s;
    }
    se[0] = sqrt(fmax(v0, 0) / total);
    for (size_t j = 0; j < p; j++)
        se[1 + j] = scale[j] > 0 ? sqrt(fmax(cov[(1 + j) * m + 1 + j], 0) / total) / scale[j]
                                 : NAN;
done:
    st__free(h), st__free(cov), st__free(a);
    return rc;
}

/* Phi^-1(q) for q in (0.5, 1): Newton's method on Phi(x) = q from x = 0. Phi is concave
 * on x > 0, so the iterates rise monotonically to the root without overshooting. */
static double normal_quantile_upper(double q)
{
    double x = 0;
    for (int it = 0; it < 200; it++) {
        double f = 0.5 * erfc(-x / sqrt(2.0)) - q;
        double d = exp(-0.5 * x * x) / sqrt(2 * 3.14159265358979323846);
        double step = f / d;
        x -= step;
        if (fabs(step) <= 1e-15 * fmax(1, fabs(x)))
            break;
    }
    return x;
}

static const char *no_se_reason(int state)
{
    switch (state) {
    case ST__LR_SE_NOT_TRAINED:
        return "the model was loaded from a file, and model files do not keep standard "
               "errors; train it again";
    case ST__LR_SE_LASSO:
        return "the fit has an L1 penalty (alpha > 0 and lambda > 0), for which Wald "
               "statistics are not defined";
    case ST__LR_SE_TOO_WIDE:
        return "the design has more than 256 columns; standard errors are computed only "
               "up to 256";
    case ST__LR_SE_STREAMED:
        return "the model was streamed from a binned file, which gives no standard "
               "errors; train on the CSV for them";
    default:
        return "the Hessian at the solution is singular (collinear columns, e.g. every "
               "level of a one-hot feature next to the intercept with lambda = 0); use "
               "lambda > 0";
    }
}

int st_logreg_has_coef_stats(const st_logreg *m)
{
    return m != NULL && m->se_state == ST__LR_SE_OK;
}

st_status st_logreg_coef_stats(const st_logreg *m, double level, st_logreg_coef_stat *out,
                               size_t n_out, st_error *err)
{
    if (m == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_coef_stats: model is NULL");
    if (m->se_state != ST__LR_SE_OK) /* first, so that a caller can ask just for why */
        return st__fail(err, ST_ERR_INVALID_ARG, "no coefficient statistics: %s",
                        no_se_reason(m->se_state));
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_coef_stats: out is NULL");
    if (!(level > 0 && level < 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_coef_stats: level %g is not "
                        "in (0, 1)", level);
    if (n_out < m->n_coefs + 1)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_coef_stats: out has %zu "
                        "entries, the model needs %zu (intercept and %zu coefficients)",
                        n_out, m->n_coefs + 1, m->n_coefs);
    const double zq = normal_quantile_upper(0.5 + 0.5 * level);
    for (size_t k = 0; k <= m->n_coefs; k++) {
        st_logreg_coef_stat *s = &out[k];
        s->estimate = k == 0 ? m->intercept : m->coefs[k - 1];
        s->se = m->se[k];
        s->z = s->estimate / s->se;
        s->p_value = erfc(fabs(s->z) / sqrt(2.0));
        s->ci_low = s->estimate - zq * s->se;
        s->ci_high = s->estimate + zq * s->se;
        s->odds_ratio = exp(s->estimate);
        s->or_low = exp(s->ci_low);
        s->or_high = exp(s->ci_high);
    }
    return ST_OK;
}
