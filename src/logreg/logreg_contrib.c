/* Per-row contributions of a logistic regression model: how far each original feature moves
 * a row's log-odds away from those of the average training row.
 *
 * For the expanded columns x_k of a row (imputed value, one-hot, missing indicator) the
 * raw score is eta = b0 + sum_k w_k x_k. Writing mu_k for the training mean of column k,
 *
 *     eta = (b0 + sum_k w_k mu_k) + sum_j sum_{k in feature j} w_k (x_k - mu_k)
 *
 * The first term is the bias (the raw score of a row sitting at every training mean), and
 * each inner sum the contribution of original feature j: its one-hot columns and its
 * missing indicator together. Under independent features this is the exact SHAP value of a
 * linear model with the training data as background (Lundberg and Lee 2017, linear SHAP).
 * The means are weighted by the row weights (frequency weights), not by class weights: they
 * describe the training rows, whatever the loss was reweighted to. They are computed at
 * training and kept in the model (with the standard deviations, which rank features by
 * standardised coefficient), because a model must explain new data without the old. */
#include "logreg_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/category_dict.h"
#include "core/parallel.h"
#include "data/dataset_column.h"

/* Value of the expanded column `which` of feature f for a stored value v: which >= 0 is
 * one-hot level `which` (v a model level code, or NaN, or -1 for an unseen level), -1 the
 * numeric value itself (imputed when missing), -2 the missing indicator. */
static double column_value(const st__lr_feature *f, double v, long which)
{
    if (which == -2)
        return isnan(v) ? 1 : 0;
    if (which == -1)
        return isnan(v) ? f->fill : v;
    return !isnan(v) && (long)v == which ? 1 : 0;
}

/* Row-weighted mean and standard deviation (divisor: the total weight) of one column. */
/* moments() of a numeric feature's value column without row weights: four accumulators
 * added in a fixed order, so that the additions overlap (two passes over 4 n bytes). */
static void moments_unweighted(double fill, const float *v, size_t n, double *mean, double *sd)
{
    const size_t n4 = n & ~(size_t)3;
    double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n4; i += 4)
        for (size_t k = 0; k < 4; k++)
            s[k] += isnan(v[i + k]) ? fill : v[i + k];
    double sum = (s[0] + s[1]) + (s[2] + s[3]);
    for (size_t i = n4; i < n; i++)
        sum += isnan(v[i]) ? fill : v[i];
    const double mu = n > 0 ? sum / (double)n : 0;
    for (size_t i = 0; i < n4; i += 4)
        for (size_t k = 0; k < 4; k++) {
            double d = (isnan(v[i + k]) ? fill : v[i + k]) - mu;
            q[k] += d * d;
        }
    double var = (q[0] + q[1]) + (q[2] + q[3]);
    for (size_t i = n4; i < n; i++) {
        double d = (isnan(v[i]) ? fill : v[i]) - mu;
        var += d * d;
    }
    *mean = mu;
    *sd = n > 0 ? sqrt(var / (double)n) : 0;
}

static void moments(const st__lr_feature *f, const float *v, const float *w, size_t n,
                    long which, double *mean, double *sd)
{
    if (w == NULL && which == -1) {
        moments_unweighted(f->fill, v, n, mean, sd);
        return;
    }
    double total = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
        double r = w != NULL ? w[i] : 1.0;
        total += r;
        sum += r * column_value(f, v[i], which);
    }
    double mu = total > 0 ? sum / total : 0, var = 0;
    for (size_t i = 0; i < n; i++) {
        double r = w != NULL ? w[i] : 1.0, d = column_value(f, v[i], which) - mu;
        var += r * d * d;
    }
    *mean = mu;
    *sd = total > 0 ? sqrt(var / total) : 0;
}

/* The moments of a 0/1 column holding 1 on rows of total weight w1 out of total: the mean
 * w1 / total and the standard deviation of moments() in closed form. */
static void indicator_moments(double w1, double total, double *mean, double *sd)
{
    double mu = total > 0 ? w1 / total : 0;
    double var = w1 * (1 - mu) * (1 - mu) + (total - w1) * mu * mu;
    *mean = mu;
    *sd = total > 0 ? sqrt(var / total) : 0;
}

/* moments() for every one-hot column of categorical feature f, and its indicator, in one
 * pass over the rows instead of one per level: a sparse design's categorical features
 * have hundreds of levels. The means are moments()'s to the bit (the same sums in the
 * same order); the standard deviations agree to rounding. by_level has n_levels + 1 slots. */
static void level_moments(st_logreg *m, const st__lr_feature *f, const float *v, const float *w,
                          size_t n, double *by_level)
{
    const size_t k = f->n_levels;
    double total = 0;
    for (size_t l = 0; l <= k; l++)
        by_level[l] = 0;
    for (size_t i = 0; i < n; i++) {
        double r = w != NULL ? w[i] : 1.0;
        total += r;
        if (isnan(v[i]))
            by_level[k] += r;
        else if (v[i] >= 0 && (size_t)v[i] < k)
            by_level[(size_t)v[i]] += r;
    }
    for (size_t l = 0; l < k; l++)
        indicator_moments(by_level[l], total, &m->col_mean[f->col + l], &m->col_sd[f->col + l]);
    if (f->indicator >= 0)
        indicator_moments(by_level[k], total, &m->col_mean[f->indicator],
                          &m->col_sd[f->indicator]);
}

/* moments() of a sparse feature's value column and its indicator, from its entries: the
 * implicit zeros' share of the variance in one term, total - (weight of the entries). */
static void sparse_moments(st_logreg *m, const st__lr_feature *f, const st_dataset *ds,
                           size_t j, const float *w, double total)
{
    const uint32_t *rows = NULL;
    const float *v = NULL;
    size_t nnz = 0;
    if (st_dataset_feature_entries(ds, j, &rows, &v, &nnz, NULL) != ST_OK)
        nnz = 0;
    double sum = 0, w_in = 0, w_nan = 0;
    for (size_t e = 0; e < nnz; e++) {
        double r = w != NULL ? w[rows[e]] : 1.0;
        w_in += r;
        w_nan += isnan(v[e]) ? r : 0;
        sum += r * (isnan(v[e]) ? f->fill : v[e]);
    }
    double mu = total > 0 ? sum / total : 0, var = mu * mu * (total - w_in);
    for (size_t e = 0; e < nnz; e++) {
        double r = w != NULL ? w[rows[e]] : 1.0, d = (isnan(v[e]) ? f->fill : v[e]) - mu;
        var += r * d * d;
    }
    m->col_mean[f->col] = mu;
    m->col_sd[f->col] = total > 0 ? sqrt(fmax(var, 0) / total) : 0;
    if (f->indicator >= 0)
        indicator_moments(w_nan, total, &m->col_mean[f->indicator], &m->col_sd[f->indicator]);
}

st_status st__lr_column_moments(st_logreg *m, const st_dataset *ds, const double *mean,
                                const double *plain_sd, int one_pass, st_error *err)
{
    m->col_mean = st__calloc(m->n_coefs + 1, sizeof *m->col_mean);
    m->col_sd = st__calloc(m->n_coefs + 1, sizeof *m->col_sd);
    if (m->col_mean == NULL || m->col_sd == NULL) {
        st__free(m->col_mean), st__free(m->col_sd);
        m->col_mean = m->col_sd = NULL;
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu column means", m->n_coefs);
    }
    const size_t n = st_dataset_n_rows(ds);
    const float *w = st_dataset_weights(ds);
    size_t max_levels = 0;
    for (size_t j = 0; j < m->n_features; j++)
        max_levels = m->features[j].n_levels > max_levels ? m->features[j].n_levels : max_levels;
    double *by_level = one_pass ? st__malloc_array(max_levels + 1, sizeof *by_level) : NULL;
    const int nt = st__n_threads(m->params.n_threads);
    float *scratch = NULL; /* a dense copy of a sparse column per thread */
    if ((one_pass && by_level == NULL) ||
        (!one_pass && st__dataset_any_sparse(ds) &&
         (scratch = st__malloc_array((size_t)nt * n, sizeof *scratch)) == NULL)) {
        st__free(by_level);
        st__free(m->col_mean), st__free(m->col_sd);
        m->col_mean = m->col_sd = NULL;
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu column means", m->n_coefs);
    }
    /* feature by feature, each on one thread: nothing depends on the thread count */
    const long nf = (long)m->n_features;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (n * m->n_coefs > 65536)
    for (long j = 0; j < nf; j++) {
        const st__lr_feature *f = &m->features[j];
        if (one_pass && (f->type == ST_FEATURE_CATEGORICAL ||
                         st_dataset_feature_is_sparse(ds, (size_t)j)))
            continue; /* below */
        /* training: model feature j is the dataset's feature j */
        const float *v = st__column_values(ds, (size_t)j, scratch == NULL ? NULL
                                           : scratch + (size_t)omp_get_thread_num() * n);
        if (f->type == ST_FEATURE_NUMERIC && plain_sd != NULL && !isnan(plain_sd[f->col]))
            m->col_mean[f->col] = mean[f->col], m->col_sd[f->col] = plain_sd[f->col];
        else if (f->type == ST_FEATURE_NUMERIC)
            moments(f, v, w, n, -1, &m->col_mean[f->col], &m->col_sd[f->col]);
        for (size_t l = 0; l < f->n_levels; l++)
            moments(f, v, w, n, (long)l, &m->col_mean[f->col + l], &m->col_sd[f->col + l]);
        if (f->indicator >= 0)
            moments(f, v, w, n, -2, &m->col_mean[f->indicator], &m->col_sd[f->indicator]);
    }
    double total = 0; /* the rows' weight, for sparse_moments */
    for (size_t i = 0; one_pass && i < n; i++)
        total += w != NULL ? w[i] : 1.0;
    for (size_t j = 0; one_pass && j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        if (f->type == ST_FEATURE_CATEGORICAL)
            level_moments(m, f, st_dataset_feature_values(ds, j), w, n, by_level);
        else if (st_dataset_feature_is_sparse(ds, j))
            sparse_moments(m, f, ds, j, w, total);
    }
    st__free(by_level);
    st__free(scratch);
    return ST_OK;
}

size_t st_logreg_n_features(const st_logreg *m) { return m != NULL ? m->n_features : 0; }

const char *st_logreg_feature_name(const st_logreg *m, size_t j)
{
    return m != NULL && j < m->n_features ? m->features[j].name : NULL;
}

long st_logreg_coef_feature(const st_logreg *m, size_t k)
{
    if (m == NULL || k >= m->n_coefs)
        return -1;
    /* the features' first columns usually ascend: a binary search finds the feature whose
     * columns hold k in O(log n) (a text model has tens of thousands, asked for each
     * column); the scan below answers when it does not */
    size_t lo = 0, hi = m->n_features;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->features[mid].col <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        const st__lr_feature *f = &m->features[lo - 1];
        size_t width = f->type == ST_FEATURE_NUMERIC ? 1 : f->n_levels;
        if (k >= f->col && k < f->col + width)
            return (long)(lo - 1);
    }
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        size_t width = f->type == ST_FEATURE_NUMERIC ? 1 : f->n_levels;
        if ((k >= f->col && k < f->col + width) || (f->indicator >= 0 && (size_t)f->indicator == k))
            return (long)j;
    }
    return -1;
}

const double *st_logreg_col_means(const st_logreg *m) { return m != NULL ? m->col_mean : NULL; }
const double *st_logreg_col_sds(const st_logreg *m) { return m != NULL ? m->col_sd : NULL; }

double st_logreg_bias(const st_logreg *m)
{
    if (m == NULL || m->col_mean == NULL)
        return NAN;
    double b = m->intercept;
    for (size_t k = 0; k < m->n_coefs; k++)
        b += m->coefs[k] * m->col_mean[k];
    return b;
}


/* Writes feature f's contribution for every row into out[i * stride]. v is the dataset's
 * column; map (categorical only) takes a dataset level code to the model's, or -1. */
static void feature_contrib(const st_logreg *m, const st__lr_feature *f, const float *v,
                            const long *map, size_t n, double *out, size_t stride)
{
    const double *w = m->coefs, *mu = m->col_mean;
    /* the part of a categorical contribution every row shares: minus the mean one-hot */
    double base = 0;
    for (size_t l = 0; l < f->n_levels; l++)
        base -= w[f->col + l] * mu[f->col + l];
    for (size_t i = 0; i < n; i++) {
        double c;
        if (f->type == ST_FEATURE_NUMERIC) {
            c = w[f->col] * (column_value(f, v[i], -1) - mu[f->col]);
        } else {
            long k = isnan(v[i]) ? -1 : map[(size_t)v[i]];
            c = base + (k >= 0 ? w[f->col + (size_t)k] : 0);
        }
        if (f->indicator >= 0)
            c += w[f->indicator] * ((isnan(v[i]) ? 1 : 0) - mu[f->indicator]);
        out[i * stride] = c;
    }
}

st_status st_logreg_contrib(const st_logreg *m, const st_dataset *ds, double *out, size_t n_out,
                            st_error *err)
{
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_contrib: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    if (m->col_mean == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "the model has no training column means (its "
                        "file was saved by an older stratum); train it again to explain its "
                        "predictions");
    const size_t n = st_dataset_n_rows(ds), stride = m->n_features + 1;
    int overflow = 0;
    size_t need = st__mul_size(n, stride, &overflow);
    if (overflow || n_out < need)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_contrib: out has room for %zu "
                        "values; %zu rows x %zu columns are needed", n_out, n, stride);
    const double bias = st_logreg_bias(m);
    for (size_t i = 0; i < n; i++)
        out[i * stride + m->n_features] = bias;
    long *map = NULL;
    float *zeros = NULL;
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        const float *v;
        st_status rc = st__lr_feature_column(f, ds, &v, &map, &zeros, err);
        if (rc != ST_OK) {
            st__free(map);
            st__free(zeros);
            return rc;
        }
        feature_contrib(m, f, v, map, n, out + j, stride);
    }
    st__free(map);
    st__free(zeros);
    return ST_OK;
}
