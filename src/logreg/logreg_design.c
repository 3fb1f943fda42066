/* The design of a logistic regression: imputation, one-hot expansion, missing-value
 * indicators and standardisation, from float columns to one dense double matrix.
 *
 * Columns are always centred on their weighted mean: with a free intercept this changes
 * neither the solution nor the penalty, but it decouples the intercept from the slopes,
 * which both solvers converge faster for. With standardize they are also divided by their
 * weighted (1/sum w, as glmnet) standard deviation. A column that is constant over the
 * rows of positive weight becomes all zeros with scale 0: nothing is divided by zero and
 * its coefficient stays 0. */
#include "logreg_design.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/dataset_column.h"
#include "logreg_sparse.h"

void st__lr_names_free(char **names, size_t n)
{
    if (names == NULL)
        return;
    for (size_t k = 0; k < n; k++)
        st__free(names[k]);
    st__free(names);
}

void st__lr_features_free(st__lr_feature *f, size_t n)
{
    if (f == NULL)
        return;
    for (size_t j = 0; j < n; j++) {
        st__free(f[j].name);
        st__lr_names_free(f[j].levels, f[j].n_levels);
    }
    st__free(f);
}

void st__lr_design_free(st__lr_design *d)
{
    st__lr_features_free(d->features, d->n_features);
    st__lr_names_free(d->col_names, d->n_cols);
    st__free(d->mean), st__free(d->scale), st__free(d->x), st__free(d->plain_sd);
    st__lr_sparse_free(d->sp);
    memset(d, 0, sizeof *d);
}

static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Mean or median of the present values of v; 0 when none is present. Returns -1 when out
 * of memory. Unweighted, like scikit-learn's SimpleImputer. */
static int fill_value(const float *v, size_t n, st_impute how, double *out)
{
    size_t m = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            m++, sum += v[i];
    *out = 0;
    if (m == 0)
        return 0;
    if (how == ST_IMPUTE_MEAN) {
        *out = sum / (double)m;
        return 0;
    }
    float *tmp = st__malloc_array(m, sizeof *tmp);
    if (tmp == NULL)
        return -1;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            tmp[m++] = v[i];
    qsort(tmp, m, sizeof *tmp, compare_float);
    *out = m % 2 ? tmp[m / 2] : 0.5 * ((double)tmp[m / 2 - 1] + tmp[m / 2]);
    st__free(tmp);
    return 0;
}

static char *joined(const char *a, const char *sep, const char *b)
{
    size_t len = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *s = st__malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s%s%s", a, sep, b);
    return s;
}

/* A sparse feature's entries (a numeric feature stored by st_dataset_feature_entries). */
static void entries_of(const st_dataset *ds, size_t j, const uint32_t **rows,
                       const float **vals, size_t *m)
{
    if (st_dataset_feature_entries(ds, j, rows, vals, m, NULL) != ST_OK)
        *rows = NULL, *vals = NULL, *m = 0;
}

/* fill_value for a sparse feature: its entries and n - m implicit zeros, all present
 * (an implicit zero is a value, never missing). Returns -1 when out of memory. */
static int fill_sparse(const float *v, size_t m, size_t n, st_impute how, double *out)
{
    size_t present = n, k = 0;
    double sum = 0;
    for (size_t e = 0; e < m; e++)
        if (isnan(v[e]))
            present--;
        else
            sum += v[e];
    *out = 0;
    if (present == 0)
        return 0;
    if (how == ST_IMPUTE_MEAN) {
        *out = sum / (double)present;
        return 0;
    }
    float *tmp = st__malloc_array(present, sizeof *tmp); /* the zeros, then the entries */
    if (tmp == NULL)
        return -1;
    for (; k < n - m; k++)
        tmp[k] = 0;
    for (size_t e = 0; e < m; e++)
        if (!isnan(v[e]))
            tmp[k++] = v[e];
    qsort(tmp, present, sizeof *tmp, compare_float);
    *out = present % 2 ? tmp[present / 2]
                       : 0.5 * ((double)tmp[present / 2 - 1] + tmp[present / 2]);
    st__free(tmp);
    return 0;
}

/* plan_features for sparse (numeric) feature j, from its entries. */
static int plan_sparse(const st_dataset *ds, size_t j, const st_logreg_params *prm,
                       st__lr_feature *f, size_t *col)
{
    const uint32_t *rows;
    const float *v;
    size_t m;
    entries_of(ds, j, &rows, &v, &m);
    if ((f->name = st__strdup(st_dataset_feature_name(ds, j))) == NULL)
        return -1;
    f->type = ST_FEATURE_NUMERIC;
    f->col = (*col)++;
    f->indicator = -1;
    if (fill_sparse(v, m, st_dataset_n_rows(ds), prm->impute, &f->fill) != 0)
        return -1;
    int any_nan = 0;
    for (size_t e = 0; e < m; e++)
        any_nan |= isnan(v[e]);
    if (prm->missing_indicators && any_nan)
        f->indicator = (long)(*col)++;
    return 0;
}

/* Learns what each feature becomes and names the expanded columns. Returns 0 or -1 (out
 * of memory). */
static int plan_features(const st_dataset *ds, const st_logreg_params *prm, st__lr_design *d,
                         float *scratch)
{
    const size_t n = d->n_rows;
    d->features = st__calloc(d->n_features, sizeof *d->features);
    if (d->features == NULL)
        return -1;
    size_t col = 0;
    for (size_t j = 0; j < d->n_features; j++) {
        st__lr_feature *f = &d->features[j];
        if (st_dataset_feature_is_sparse(ds, j)) {
            if (plan_sparse(ds, j, prm, f, &col) != 0)
                return -1;
            continue;
        }
        const float *v = st__column_values(ds, j, scratch);
        f->name = st__strdup(st_dataset_feature_name(ds, j));
        if (f->name == NULL)
            return -1;
        f->type = st_dataset_feature_type(ds, j);
        f->col = col;
        if (f->type == ST_FEATURE_NUMERIC) {
            if (fill_value(v, n, prm->impute, &f->fill) != 0)
                return -1;
            col++;
        } else {
            size_t k = st_dataset_n_levels(ds, j);
            f->levels = st__calloc(k, sizeof *f->levels);
            if (f->levels == NULL)
                return -1;
            f->n_levels = k;
            for (size_t l = 0; l < k; l++)
                if ((f->levels[l] = st__strdup(st_dataset_level(ds, j, l))) == NULL)
                    return -1;
            col += k;
        }
        f->indicator = -1;
        if (prm->missing_indicators) {
            size_t i = 0;
            while (i < n && !isnan(v[i]))
                i++;
            if (i < n)
                f->indicator = (long)col++;
        }
    }
    d->n_cols = col;
    d->col_names = st__calloc(col, sizeof *d->col_names);
    if (d->col_names == NULL)
        return -1;
    for (size_t j = 0; j < d->n_features; j++) {
        const st__lr_feature *f = &d->features[j];
        if (f->type == ST_FEATURE_NUMERIC)
            d->col_names[f->col] = st__strdup(f->name);
        for (size_t l = 0; l < f->n_levels; l++)
            if ((d->col_names[f->col + l] = joined(f->name, "=", f->levels[l])) == NULL)
                return -1;
        if (f->indicator >= 0)
            d->col_names[f->indicator] = joined(f->name, "_missing", "");
    }
    for (size_t k = 0; k < col; k++)
        if (d->col_names[k] == NULL)
            return -1;
    return 0;
}

/* Writes the raw (imputed, expanded) columns of feature j. */
static void fill_columns(const st__lr_design *d, const st__lr_feature *f, const float *v)
{
    const size_t n = d->n_rows;
    double *x = d->x + f->col * n;
    if (f->type == ST_FEATURE_NUMERIC) {
        for (size_t i = 0; i < n; i++)
            x[i] = isnan(v[i]) ? f->fill : v[i];
    } else {
        memset(x, 0, f->n_levels * n * sizeof *x);
        for (size_t i = 0; i < n; i++)
            if (!isnan(v[i]) && v[i] >= 0 && (size_t)v[i] < f->n_levels)
                x[(size_t)v[i] * n + i] = 1;
    }
    if (f->indicator >= 0) {
        double *ind = d->x + (size_t)f->indicator * n;
        for (size_t i = 0; i < n; i++)
            ind[i] = isnan(v[i]) ? 1 : 0;
    }
}

/* standardise_numeric when every row has the same weight 1/n: the sums need no weights
 * (the common case: no row or class weights). Four accumulators, added in a fixed order,
 * so that the additions overlap instead of waiting on each other. */
static void standardise_uniform(const float *v, double fill, double *x, size_t n, int scale_it,
                                double *mean, double *scale, double *sd_out)
{
    const size_t n4 = n & ~(size_t)3;
    double lo = INFINITY, hi = -INFINITY, s[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n4; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double xi = isnan(v[i + q]) ? fill : v[i + q];
            lo = xi < lo ? xi : lo;
            hi = xi > hi ? xi : hi;
            s[q] += xi;
        }
    double sum = (s[0] + s[1]) + (s[2] + s[3]);
    for (size_t i = n4; i < n; i++) {
        double xi = isnan(v[i]) ? fill : v[i];
        lo = xi < lo ? xi : lo;
        hi = xi > hi ? xi : hi;
        sum += xi;
    }
    if (!(lo < hi)) {
        *mean = lo < INFINITY ? lo : 0;
        *scale = 0;
        *sd_out = 0;
        memset(x, 0, n * sizeof *x);
        return;
    }
    const double mu = sum / (double)n;
    double q4[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n4; i += 4)
        for (size_t q = 0; q < 4; q++) {
            double xi = (isnan(v[i + q]) ? fill : v[i + q]) - mu;
            q4[q] += xi * xi;
        }
    double var = (q4[0] + q4[1]) + (q4[2] + q4[3]);
    for (size_t i = n4; i < n; i++) {
        double xi = (isnan(v[i]) ? fill : v[i]) - mu;
        var += xi * xi;
    }
    var /= (double)n;
    *sd_out = sqrt(var);
    double sd = scale_it ? sqrt(var) : 1.0;
    if (!(sd > 0))
        sd = 1.0;
    *mean = mu;
    *scale = sd;
    for (size_t i = 0; i < n; i++)
        x[i] = ((isnan(v[i]) ? fill : v[i]) - mu) / sd;
}

/* The same for a numeric feature's column straight from its float values v (missing
 * ones imputed with fill): the statistics are read from v, and x written once. The sums
 * run in the same order over the same (double) values as fill_columns + st__lr_standardise,
 * so the result is identical, with a third of the memory traffic. */
static void standardise_numeric(const float *v, double fill, double *x, size_t n,
                                const double *c, int scale_it, double *mean, double *scale)
{
    double lo = INFINITY, hi = -INFINITY, mu = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i] == 0)
            continue;
        double xi = isnan(v[i]) ? fill : v[i];
        lo = xi < lo ? xi : lo;
        hi = xi > hi ? xi : hi;
        mu += c[i] * xi;
    }
    if (!(lo < hi)) {
        *mean = lo < INFINITY ? lo : 0;
        *scale = 0;
        memset(x, 0, n * sizeof *x);
        return;
    }
    double var = 0;
    for (size_t i = 0; i < n; i++) {
        double xi = isnan(v[i]) ? fill : v[i];
        var += c[i] * (xi - mu) * (xi - mu);
    }
    double s = scale_it ? sqrt(var) : 1.0;
    if (!(s > 0))
        s = 1.0;
    *mean = mu;
    *scale = s;
    for (size_t i = 0; i < n; i++)
        x[i] = ((isnan(v[i]) ? fill : v[i]) - mu) / s;
}


st_status st__lr_infinite_value(const st_dataset *ds, size_t j, float v, size_t i,
                                st_error *err)
{
    /* the file's line and character when the dataset was read from text: the column's
       first cell stored as infinity (on the whole file, that of row i: the check goes in
       row order; a subset's row i may be a later one) */
    st_column_cells c;
    if (st_dataset_column_cells(ds, j, &c, NULL) == ST_OK && c.infinite_line > 0)
        return st__fail(err, ST_ERR_DATA, "feature '%s' is %s in data row %zu (its first "
                        "infinite cell in the file: line %ld, character %ld, %s); logistic "
                        "regression needs finite values: fix the cell, or empty it to make it "
                        "missing", st_dataset_feature_name(ds, j),
                        v > 0 ? "+infinity" : "-infinity", i + 1, c.infinite_line,
                        c.infinite_column, c.n_infinite > 0
                        ? "'inf' or a number beyond even a double's range, such as 1e400"
                        : "a number beyond a 32-bit float's range, about 3.4e38");
    return st__fail(err, ST_ERR_DATA, "feature '%s' is %s in data row %zu (a number beyond "
                    "the float range?); logistic regression needs finite values",
                    st_dataset_feature_name(ds, j), v > 0 ? "+infinity" : "-infinity", i + 1);
}

/* An infinite value (often a number past the float range, like 1e400, in the file) would
 * make every solver fail obscurely; name it instead. Missing values are fine: imputed. */
st_status st__lr_check_finite_feature(const st_dataset *ds, size_t j, st_error *err)
{
    if (st_dataset_feature_is_sparse(ds, j)) { /* its entries only */
        const uint32_t *rows;
        const float *v;
        size_t m;
        entries_of(ds, j, &rows, &v, &m);
        for (size_t e = 0; e < m; e++)
            if (isinf(v[e]))
                return st__lr_infinite_value(ds, j, v[e], rows[e], err);
        return ST_OK;
    }
    const size_t n = st_dataset_n_rows(ds);
    const float *v = st_dataset_feature_values(ds, j);
    int any = 0; /* a vectorised scan first; the row is looked for only when needed */
    for (size_t i = 0; i < n; i++)
        any |= fabsf(v[i]) == INFINITY;
    for (size_t i = 0; any && i < n; i++)
        if (isinf(v[i]))
            return st__lr_infinite_value(ds, j, v[i], i, err);
    return ST_OK;
}

static st_status check_finite(const st_dataset *ds, st_error *err)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_status rc = st__lr_check_finite_feature(ds, j, err);
        if (rc != ST_OK)
            return rc;
    }
    return ST_OK;
}

int st__lr_design_sparse(size_t n_rows, size_t n_cols, size_t nnz, double alpha)
{
    if (n_rows > UINT32_MAX)
        return 0;
    /* the cells, n_rows x n_cols, computed as a double: no overflow; the bounds are far
       from where its rounding could matter */
    const double cells = (double)n_rows * (double)n_cols;
    if (n_cols > ST__LR_SPARSE_MIN_COLS)
        return (double)nnz <= cells / 4;
    const size_t min_cols = alpha > 0 ? ST__LR_SPARSE_L1_MIN_COLS : ST__LR_SPARSE_RIDGE_MIN_COLS;
    return n_cols > min_cols && (double)nnz <= cells / 5;
}

/* At most how many of d's cells are not 0: a numeric value column n rows, a categorical
 * feature's one-hot columns together n, an indicator its missing rows. */
static size_t design_nonzeros(const st_dataset *ds, const st__lr_design *d)
{
    size_t nnz = 0;
    for (size_t j = 0; j < d->n_features; j++) {
        if (st_dataset_feature_is_sparse(ds, j)) { /* its entries, the indicator's fewer */
            const uint32_t *rows;
            const float *v;
            size_t m;
            entries_of(ds, j, &rows, &v, &m);
            nnz += d->features[j].indicator >= 0 ? 2 * m : m;
            continue;
        }
        nnz += d->n_rows;
        if (d->features[j].indicator >= 0) {
            const float *v = st_dataset_feature_values(ds, j);
            for (size_t i = 0; i < d->n_rows; i++)
                nnz += isnan(v[i]);
        }
    }
    return nnz;
}

st_status st__lr_design_build(const st_dataset *ds, const double *c, const st_logreg_params *prm,
                              st__lr_design *d, st_error *err)
{
    memset(d, 0, sizeof *d);
    /* sparse features are read one dense copy at a time, a scratch column per thread */
    const int nt = st__n_threads(prm->n_threads);
    float *scratch = NULL;
    if (st__dataset_any_sparse(ds) &&
        (scratch = st__malloc_array((size_t)nt * st_dataset_n_rows(ds), sizeof *scratch)) == NULL)
        goto nomem;
    st_status rc = check_finite(ds, err);
    if (rc != ST_OK) {
        st__free(scratch);
        return rc;
    }
    d->n_rows = st_dataset_n_rows(ds);
    d->n_features = st_dataset_n_features(ds);
    if (plan_features(ds, prm, d, scratch) != 0)
        goto nomem;
    if (st__lr_design_sparse(d->n_rows, d->n_cols, design_nonzeros(ds, d), prm->alpha)) {
        st__free(scratch);
        rc = st__lr_sparse_build(ds, c, prm, d, err);
        if (rc != ST_OK)
            st__lr_design_free(d);
        return rc;
    }
    int overflow = 0;
    size_t cells = st__mul_size(d->n_rows, d->n_cols, &overflow);
    d->mean = st__malloc_array(d->n_cols, sizeof *d->mean);
    d->scale = st__malloc_array(d->n_cols, sizeof *d->scale);
    d->x = overflow ? NULL : st__malloc_array(cells, sizeof *d->x);
    unsigned char *is_numeric_value = st__calloc(d->n_cols > 0 ? d->n_cols : 1, 1);
    if (d->mean == NULL || d->scale == NULL || d->x == NULL || is_numeric_value == NULL) {
        st__free(is_numeric_value);
        goto nomem;
    }
    st__advise_huge_pages(d->x, cells * sizeof *d->x);
    for (size_t j = 0; j < d->n_features; j++)
        if (d->features[j].type == ST_FEATURE_NUMERIC)
            is_numeric_value[d->features[j].col] = 1;
    int uniform = d->n_rows > 0; /* every row the same weight */
    for (size_t i = 1; i < d->n_rows && uniform; i++)
        uniform = c[i] == c[0];
    if (uniform) {
        if ((d->plain_sd = st__malloc_array(d->n_cols, sizeof *d->plain_sd)) == NULL) {
            st__free(is_numeric_value);
            goto nomem;
        }
        for (size_t k = 0; k < d->n_cols; k++)
            d->plain_sd[k] = NAN;
    }
    /* Column by column, each on one thread: nothing depends on the thread count. */
    const int big = d->n_rows * d->n_cols > 65536;
    const long nf = (long)d->n_features, nc = (long)d->n_cols;
    /* A numeric feature's value column is standardised straight from the dataset; the
     * others (one-hot, indicators) are filled, then standardised in place. */
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (big)
    for (long j = 0; j < nf; j++) {
        const st__lr_feature *f = &d->features[j];
        const float *v = st__column_values(ds, (size_t)j, scratch == NULL ? NULL
                                           : scratch + (size_t)omp_get_thread_num() * d->n_rows);
        if (f->type == ST_FEATURE_NUMERIC && uniform)
            standardise_uniform(v, f->fill, d->x + f->col * d->n_rows, d->n_rows,
                                prm->standardize, &d->mean[f->col], &d->scale[f->col],
                                &d->plain_sd[f->col]);
        else if (f->type == ST_FEATURE_NUMERIC)
            standardise_numeric(v, f->fill, d->x + f->col * d->n_rows, d->n_rows, c,
                                prm->standardize, &d->mean[f->col], &d->scale[f->col]);
        else
            fill_columns(d, f, v);
        if (f->type == ST_FEATURE_NUMERIC && f->indicator >= 0) {
            double *ind = d->x + (size_t)f->indicator * d->n_rows;
            for (size_t i = 0; i < d->n_rows; i++)
                ind[i] = isnan(v[i]) ? 1 : 0;
        }
    }
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (big)
    for (long k = 0; k < nc; k++) {
        if (is_numeric_value[k])
            continue;
        st__lr_standardise(d->x + (size_t)k * d->n_rows, d->n_rows, c, prm->standardize,
                    &d->mean[k], &d->scale[k]);
    }
    st__free(is_numeric_value);
    st__free(scratch);
    return ST_OK;
nomem:
    st__free(scratch);
    st__lr_design_free(d);
    return st__fail(err, ST_ERR_NOMEM, "out of memory for the logistic regression design "
                    "(%zu rows)", st_dataset_n_rows(ds));
}
