/* The sparse form of the logistic-regression design (logreg_sparse.h): the columns a
 * planned design (logreg_design.c) describes, built from their entries only, with their
 * means and scales.
 *
 * Means and scales are those of the dense design (weighted by the normalised row weights
 * c; divisor sum c = 1, as glmnet), computed from the entries: for a column with entries
 * x_e on rows E and zeros elsewhere, mu = sum_E c_i x_i and
 * var = sum_E c_i (x_i - mu)^2 + mu^2 (1 - sum_E c_i), the two-pass formula with the
 * zeros' share added in one term. A column constant over the rows of positive weight gets
 * scale 0 and stays out of the fit, as in the dense design. */
#include "logreg_design.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "logreg_sparse.h"

void st__lr_sparse_free(st__lr_sparse *sp)
{
    if (sp == NULL)
        return;
    st__free(sp->cols), st__free(sp->rows), st__free(sp->vals);
    st__free(sp);
}

/* Is stored value v of a categorical column level l (a valid code)? */
static int level_of(float v, size_t n_levels, size_t *l)
{
    if (isnan(v) || !(v >= 0) || (size_t)v >= n_levels)
        return 0;
    *l = (size_t)v;
    return 1;
}

/* Mean and scale of a column whose entries are (rows, vals) (vals NULL: all 1) and whose
 * other rows are 0; n_pos rows have positive weight. */
void st__lr_sparse_moments(const uint32_t *rows, const double *vals, size_t nnz,
                           const double *c, size_t n_pos, int scale_it, double *mean,
                           double *scale)
{
    double lo = INFINITY, hi = -INFINITY, mu = 0, cin = 0;
    size_t pos_in = 0;
    for (size_t e = 0; e < nnz; e++) {
        double ci = c[rows[e]], x = vals != NULL ? vals[e] : 1.0;
        if (ci == 0)
            continue;
        pos_in++;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        mu += ci * x;
        cin += ci;
    }
    if (pos_in < n_pos) { /* a row of positive weight holds an implicit 0 */
        lo = 0 < lo ? 0 : lo;
        hi = 0 > hi ? 0 : hi;
    }
    if (!(lo < hi)) {
        *mean = lo < INFINITY ? lo : 0;
        *scale = 0;
        return;
    }
    double var = 0;
    for (size_t e = 0; e < nnz; e++) {
        double x = (vals != NULL ? vals[e] : 1.0) - mu;
        var += c[rows[e]] * x * x;
    }
    var += mu * mu * fmax(0, 1 - cin);
    double s = scale_it ? sqrt(var) : 1.0;
    *mean = mu;
    *scale = s > 0 ? s : 1.0;
}

/* A dense numeric column: imputed, then standardised in place as logreg_design.c does;
 * the solver sees it with mu 0 and s 1. */
static void dense_column(const float *v, double fill, double *x, size_t n, const double *c,
                         int scale_it, double *mean, double *scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = isnan(v[i]) ? fill : v[i];
    st__lr_standardise(x, n, c, scale_it, mean, scale);
}

static void entries_of(const st_dataset *ds, size_t j, const uint32_t **rows,
                       const float **vals, size_t *m)
{
    if (st_dataset_feature_entries(ds, j, rows, vals, m, NULL) != ST_OK)
        *rows = NULL, *vals = NULL, *m = 0;
}

/* Are all m entries exactly 1 (a binary indicator, as most LibSVM codes are)? Such a
 * column is stored as its rows alone, like a one-hot column: the same products (1 x v is
 * v), half the memory and one load fewer per entry. */
static int all_ones(const float *v, size_t m)
{
    for (size_t e = 0; e < m; e++)
        if (v[e] != 1.0f)
            return 0;
    return 1;
}

/* A sparse numeric feature's column: its entries, a missing one holding the fill, and its
 * indicator from the missing entries. The column's rows are the dataset's own (borrowed:
 * the design lives within the fit, which the dataset outlives), not a copy. */
static void build_sparse_feature(st__lr_sparse *sp, const st_dataset *ds, size_t j,
                                 const st__lr_feature *f, uint32_t **rp, double **vp)
{
    const uint32_t *rows;
    const float *v;
    size_t m;
    entries_of(ds, j, &rows, &v, &m);
    st__lr_scol *col = &sp->cols[f->col];
    col->nnz = m, col->rows = rows, col->vals = NULL;
    if (!all_ones(v, m)) {
        for (size_t e = 0; e < m; e++)
            (*vp)[e] = isnan(v[e]) ? f->fill : v[e];
        col->vals = *vp;
        *vp += m;
    }
    if (f->indicator >= 0) {
        st__lr_scol *ind = &sp->cols[f->indicator];
        size_t q = 0;
        for (size_t e = 0; e < m; e++)
            if (isnan(v[e]))
                (*rp)[q++] = rows[e];
        ind->nnz = q, ind->rows = *rp, ind->vals = NULL;
        *rp += q;
    }
}

/* Entries and values the design of ds needs: row indices (one-hot, indicators; a sparse
 * feature's own rows are borrowed) and stored values (dense numeric columns, sparse ones
 * not all 1). */
static void count_storage(const st_dataset *ds, const st__lr_design *d, size_t *n_rows_out,
                          size_t *n_vals_out, size_t *n_borrowed_out)
{
    const size_t n = d->n_rows;
    size_t nr = 0, nv = 0, nb = 0;
    for (size_t j = 0; j < d->n_features; j++) {
        const st__lr_feature *f = &d->features[j];
        if (st_dataset_feature_is_sparse(ds, j)) { /* entries; the indicator's the NaN ones */
            const uint32_t *rows;
            const float *v;
            size_t m;
            entries_of(ds, j, &rows, &v, &m);
            nb += m, nv += all_ones(v, m) ? 0 : m;
            for (size_t e = 0; f->indicator >= 0 && e < m; e++)
                nr += isnan(v[e]);
            continue;
        }
        const float *v = st_dataset_feature_values(ds, j);
        size_t present = 0, l;
        if (f->type == ST_FEATURE_NUMERIC) {
            nv += n;
            for (size_t i = 0; i < n; i++)
                present += !isnan(v[i]);
        } else {
            for (size_t i = 0; i < n; i++)
                present += level_of(v[i], f->n_levels, &l);
            nr += present;
        }
        if (f->indicator >= 0) {
            size_t missing = 0;
            for (size_t i = 0; i < n; i++)
                missing += isnan(v[i]);
            nr += missing;
        }
    }
    *n_rows_out = nr;
    *n_vals_out = nv;
    *n_borrowed_out = nb;
}

/* Feature f's columns from its values v: one-hot columns by a counting sort of the rows
 * by level (each level's rows stay ascending), the indicator from the missing rows.
 * *rp and *vp advance past what it stores. cnt has n_levels + 1 slots. */
static void build_feature(st__lr_sparse *sp, const st__lr_feature *f, const float *v,
                          size_t *cnt, uint32_t **rp, double **vp)
{
    const size_t n = sp->n;
    if (f->type == ST_FEATURE_NUMERIC) {
        st__lr_scol *col = &sp->cols[f->col];
        col->nnz = n, col->rows = NULL, col->vals = *vp;
        *vp += n;
    } else {
        memset(cnt, 0, (f->n_levels + 1) * sizeof *cnt);
        size_t l;
        for (size_t i = 0; i < n; i++)
            if (level_of(v[i], f->n_levels, &l))
                cnt[l + 1]++;
        for (size_t q = 0; q < f->n_levels; q++) {
            st__lr_scol *col = &sp->cols[f->col + q];
            col->nnz = cnt[q + 1], col->rows = *rp + cnt[q], col->vals = NULL;
            cnt[q + 1] += cnt[q];
        }
        for (size_t i = 0; i < n; i++)
            if (level_of(v[i], f->n_levels, &l))
                (*rp)[cnt[l]++] = (uint32_t)i;
        *rp += cnt[f->n_levels];
    }
    if (f->indicator >= 0) {
        st__lr_scol *col = &sp->cols[f->indicator];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (isnan(v[i]))
                (*rp)[m++] = (uint32_t)i;
        col->nnz = m, col->rows = *rp, col->vals = NULL;
        *rp += m;
    }
}

st_status st__lr_sparse_build(const st_dataset *ds, const double *c, const st_logreg_params *prm,
                              st__lr_design *d, st_error *err)
{
    const size_t n = d->n_rows, p = d->n_cols;
    size_t n_idx = 0, n_vals = 0, n_borrowed = 0, max_levels = 0;
    count_storage(ds, d, &n_idx, &n_vals, &n_borrowed);
    for (size_t j = 0; j < d->n_features; j++)
        max_levels = d->features[j].n_levels > max_levels ? d->features[j].n_levels : max_levels;
    st__lr_sparse *sp = st__calloc(1, sizeof *sp);
    size_t *cnt = st__malloc_array(max_levels + 1, sizeof *cnt);
    d->mean = st__malloc_array(p ? p : 1, sizeof *d->mean);
    d->scale = st__malloc_array(p ? p : 1, sizeof *d->scale);
    if (sp != NULL) {
        sp->n = n, sp->p = p, sp->nnz = n_idx + n_borrowed + n_vals;
        sp->cols = st__calloc(p ? p : 1, sizeof *sp->cols);
        sp->rows = st__malloc_array(n_idx ? n_idx : 1, sizeof *sp->rows);
        sp->vals = st__malloc_array(n_vals ? n_vals : 1, sizeof *sp->vals);
    }
    d->sp = sp;
    if (sp == NULL || cnt == NULL || d->mean == NULL || d->scale == NULL || sp->cols == NULL ||
        sp->rows == NULL || sp->vals == NULL) {
        st__free(cnt);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a sparse logistic regression "
                        "design of %zu entries", n_idx + n_borrowed + n_vals);
    }
    uint32_t *rp = sp->rows;
    double *vp = sp->vals;
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        n_pos += c[i] > 0;
    for (size_t j = 0; j < d->n_features; j++) {
        const st__lr_feature *f = &d->features[j];
        if (st_dataset_feature_is_sparse(ds, j)) { /* standardised with the sparse columns */
            build_sparse_feature(sp, ds, j, f, &rp, &vp);
            continue;
        }
        const float *v = st_dataset_feature_values(ds, j);
        build_feature(sp, f, v, cnt, &rp, &vp);
        if (f->type == ST_FEATURE_NUMERIC) {
            st__lr_scol *col = &sp->cols[f->col];
            dense_column(v, f->fill, (double *)col->vals, n, c, prm->standardize,
                         &d->mean[f->col], &d->scale[f->col]);
            col->mu = 0, col->s = d->scale[f->col] > 0 ? 1 : 0;
        }
    }
    st__free(cnt);
    for (size_t k = 0; k < p; k++) {
        st__lr_scol *col = &sp->cols[k];
        if (col->rows == NULL)
            continue; /* dense, done above */
        st__lr_sparse_moments(col->rows, col->vals, col->nnz, c, n_pos, prm->standardize,
                       &d->mean[k], &d->scale[k]);
        col->mu = d->mean[k], col->s = d->scale[k];
    }
    return ST_OK;
}
