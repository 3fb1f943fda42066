/* The drift statistics on plain arrays (stratum/drift.h): PSI over bins, the chi-square
 * test of homogeneity and its survival function, the two-sample Kolmogorov-Smirnov
 * statistic, and the unpaired test of two AUCs. The column-by-column comparison of two
 * datasets, which needs the dataset, lives in src/drift/. */
#include <math.h>
#include <stdlib.h>

#include <stratum/drift.h>

#include "core/alloc.h"
#include "core/error.h"

st_status st_drift_psi_counts(const size_t *ref, const size_t *cur, size_t k, double epsilon,
                              double *psi, st_error *err)
{
    if (psi != NULL)
        *psi = NAN;
    if (ref == NULL || cur == NULL || psi == NULL || k == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift PSI: NULL counts or no bins");
    if (!(epsilon > 0 && epsilon <= 0.01))
        return st__fail(err, ST_ERR_INVALID_ARG, "drift PSI: epsilon %g is not in (0, 0.01]",
                        epsilon);
    double nr = 0, nc = 0;
    for (size_t i = 0; i < k; i++)
        nr += (double)ref[i], nc += (double)cur[i];
    if (nr == 0 || nc == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift PSI: the %s counts are all 0",
                        nr == 0 ? "reference" : "new");
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double p = (double)ref[i] / nr, q = (double)cur[i] / nc;
        if (p == 0 && q == 0)
            continue;
        /* only an empty share is replaced (the documented definition, as the common
         * PSI code does): a rare level, even below epsilon, keeps its own share, so that
         * many rare levels moving (a coding change) still add up */
        if (p == 0)
            p = epsilon;
        if (q == 0)
            q = epsilon;
        s += (q - p) * log(q / p);
    }
    *psi = s;
    st_error_clear(err);
    return ST_OK;
}

/* ln Gamma by the C library (lgamma is thread-safe in glibc for its result; the sign it
 * stores is not read). Q(a, x) = Gamma(a, x) / Gamma(a): the series of P for x < a + 1,
 * Lentz's continued fraction of Q otherwise (Numerical Recipes 6.2), each to full double
 * precision. */
static double gamma_q(double a, double x)
{
    if (x <= 0)
        return 1;
    const double lg = lgamma(a);
    if (x < a + 1) {
        double ap = a, del = 1 / a, sum = del;
        for (int i = 0; i < 100000; i++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-17)
                break;
        }
        return 1 - sum * exp(-x + a * log(x) - lg);
    }
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        const double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        const double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-17)
            break;
    }
    return exp(-x + a * log(x) - lg) * h;
}

double st_drift_chi2_sf(double x, double dof)
{
    if (x != x || !(dof > 0))
        return NAN;
    if (x <= 0)
        return 1;
    double q = gamma_q(dof / 2, x / 2);
    return q < 0 ? 0 : q > 1 ? 1 : q;
}

st_status st_drift_chi2_counts(const size_t *ref, const size_t *cur, size_t k, double *chi2,
                               size_t *dof, double *pvalue, st_error *err)
{
    if (chi2 != NULL)
        *chi2 = NAN;
    if (pvalue != NULL)
        *pvalue = NAN;
    if (dof != NULL)
        *dof = 0;
    if (ref == NULL || cur == NULL || chi2 == NULL || dof == NULL || pvalue == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift chi-square: NULL argument");
    double nr = 0, nc = 0;
    size_t cols = 0;
    for (size_t i = 0; i < k; i++) {
        nr += (double)ref[i], nc += (double)cur[i];
        cols += ref[i] + cur[i] > 0;
    }
    if (nr == 0 || nc == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift chi-square: the %s counts are all 0",
                        nr == 0 ? "reference" : "new");
    const double n = nr + nc;
    const int yates = cols == 2; /* chi2_contingency corrects only at 1 degree of freedom */
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        const double col = (double)ref[i] + (double)cur[i];
        if (col == 0)
            continue;
        const double obs[2] = {(double)ref[i], (double)cur[i]};
        const double exp_[2] = {nr * col / n, nc * col / n};
        for (int r = 0; r < 2; r++) {
            double diff = obs[r] - exp_[r];
            if (yates) { /* move each count up to 0.5 toward its expectation */
                const double mag = fabs(diff) < 0.5 ? fabs(diff) : 0.5;
                diff = diff > 0 ? diff - mag : diff + mag;
            }
            s += diff * diff / exp_[r];
        }
    }
    *dof = cols > 0 ? cols - 1 : 0;
    *chi2 = *dof == 0 ? 0 : s;
    *pvalue = *dof == 0 ? 1 : st_drift_chi2_sf(s, (double)*dof);
    st_error_clear(err);
    return ST_OK;
}

st_status st_drift_ks_sorted(const float *a, size_t na, const float *b, size_t nb,
                             double *statistic, double *pvalue, st_error *err)
{
    if (statistic != NULL)
        *statistic = NAN;
    if (pvalue != NULL)
        *pvalue = NAN;
    if (a == NULL || b == NULL || statistic == NULL || pvalue == NULL || na == 0 || nb == 0)
        return st__fail(err, ST_ERR_INVALID_ARG,
                        "drift KS: a sample is empty (no present values)");
    /* F(v) for each distinct value v of either sample (searchsorted side='right', as
     * SciPy): after taking every value <= v from both */
    size_t i = 0, j = 0;
    double dmax = 0, dmin = 0;
    while (i < na || j < nb) {
        const float v = i == na ? b[j] : j == nb ? a[i] : (a[i] < b[j] ? a[i] : b[j]);
        while (i < na && a[i] <= v)
            i++;
        while (j < nb && b[j] <= v)
            j++;
        const double d = (double)i / (double)na - (double)j / (double)nb;
        if (d > dmax)
            dmax = d;
        if (d < dmin)
            dmin = d;
    }
    const double d = -dmin > dmax ? -dmin : dmax;
    const double m = na > nb ? (double)na : (double)nb, n = na > nb ? (double)nb : (double)na;
    *statistic = d;
    if (na <= ST_DRIFT_KS_EXACT_MAX && nb <= ST_DRIFT_KS_EXACT_MAX)
        return st_drift_ks_exact_pvalue(na, nb, d, pvalue, err);
    *pvalue = st_drift_kolmogorov_sf(d, round(m * n / (m + n)));
    st_error_clear(err);
    return ST_OK;
}

void st_drift_auc_test(double auc_ref, double var_ref, double auc_new, double var_new,
                       double *z, double *pvalue)
{
    const double v = var_ref + var_new;
    double zz = NAN, p = NAN;
    if (v > 0 && auc_ref == auc_ref && auc_new == auc_new) {
        zz = (auc_new - auc_ref) / sqrt(v);
        p = erfc(fabs(zz) / sqrt(2.0));
    }
    if (z != NULL)
        *z = zz;
    if (pvalue != NULL)
        *pvalue = p;
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

st_status st_drift_psi_values(const double *ref, size_t nr, const double *cur, size_t nc,
                              int n_bins, double epsilon, double *psi, st_error *err)
{
    if (psi != NULL)
        *psi = NAN;
    if (ref == NULL || cur == NULL || psi == NULL || nr == 0 || nc == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift PSI: a sample is empty");
    if (n_bins < 2 || n_bins > 1000)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift PSI: n_bins %d is not in 2..1000",
                        n_bins);
    double *sorted = st__malloc_array(nr, sizeof *sorted);
    size_t *counts = st__calloc(2 * ((size_t)n_bins + 1), sizeof *counts);
    double *edges = st__malloc_array((size_t)n_bins, sizeof *edges);
    if (sorted == NULL || counts == NULL || edges == NULL) {
        st__free(sorted), st__free(counts), st__free(edges);
        return st__fail(err, ST_ERR_NOMEM, "drift PSI: out of memory for %zu values", nr);
    }
    size_t np = 0;
    for (size_t i = 0; i < nr; i++)
        if (ref[i] == ref[i])
            sorted[np++] = ref[i];
    qsort(sorted, np, sizeof *sorted, cmp_double);
    size_t ne = 0;
    for (int k = 1; np > 0 && k < n_bins; k++) {
        const double e = sorted[(size_t)k * (np - 1) / (size_t)n_bins];
        if (ne == 0 || e > edges[ne - 1])
            edges[ne++] = e;
    }
    /* bins 0..ne (e_{i-1} < v <= e_i), then the missing bin ne + 1 */
    const size_t k = ne + 2;
    for (int s = 0; s < 2; s++) {
        const double *v = s == 0 ? ref : cur;
        const size_t n = s == 0 ? nr : nc;
        size_t *c = counts + (size_t)s * k;
        for (size_t i = 0; i < n; i++) {
            if (v[i] != v[i]) {
                c[ne + 1]++;
                continue;
            }
            size_t lo = 0, hi = ne; /* first edge >= v */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (edges[mid] < v[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            c[lo]++;
        }
    }
    st_status rc = st_drift_psi_counts(counts, counts + k, k, epsilon, psi, err);
    st__free(sorted), st__free(counts), st__free(edges);
    return rc;
}
