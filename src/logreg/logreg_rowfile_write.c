/* Writing a dataset's design to the row file of out-of-core logistic regression
 * (stratum/logreg_rowfile.h): what the in-memory design learns of each feature (its fill
 * for missing values, mean and scale; logreg_design.c, logreg_sparse_design.c), then the
 * rows, a block of at most ST__LR_ROWFILE_BLOCK_ENTRIES entries at a time, gathered from
 * the columns by a cursor per column. Memory: the columns' cursors (8 bytes a feature),
 * each row's entry count (4 bytes a row) and one block. */
#include "logreg_impl.h"
#include "logreg_rowfile.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/dataset_column.h"

static void entries_of(const st_dataset *ds, size_t j, const uint32_t **rows,
                       const float **vals, size_t *m)
{
    if (st_dataset_feature_entries(ds, j, rows, vals, m, NULL) != ST_OK)
        *rows = NULL, *vals = NULL, *m = 0;
}

/* A feature's value in the file: the fill for a missing one. */
static float value_of(float v, double fill) { return isnan(v) ? (float)fill : v; }

/* Feature j of the model (numeric, one column, no indicator), its fill the mean of the
 * values present (an implicit zero of a sparse column is present), and its column's mean
 * and scale. work: n doubles. Returns 0, or -1 when out of memory. */
static int plan_feature(const st_dataset *ds, size_t j, struct st_logreg_rowfile *r,
                        double *work)
{
    st__lr_feature *f = &r->m->features[j];
    const size_t n = r->n;
    if ((f->name = st__strdup(st_dataset_feature_name(ds, j))) == NULL ||
        (r->m->coef_names[j] = st__strdup(f->name)) == NULL)
        return -1;
    f->type = ST_FEATURE_NUMERIC;
    f->col = j;
    f->indicator = -1;
    size_t present = n, pos = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        pos += r->c[i] > 0;
    if (st_dataset_feature_is_sparse(ds, j)) {
        const uint32_t *rows;
        const float *v;
        size_t m;
        entries_of(ds, j, &rows, &v, &m);
        for (size_t e = 0; e < m; e++)
            if (isnan(v[e]))
                present--;
            else
                sum += v[e];
        f->fill = present > 0 ? sum / (double)present : 0;
        for (size_t e = 0; e < m; e++) /* (m <= n entries: work holds them filled) */
            work[e] = isnan(v[e]) ? f->fill : v[e];
        st__lr_sparse_moments(rows, work, m, r->c, pos, r->prm.standardize, &r->mean[j],
                              &r->scale[j]);
        return 0;
    }
    const float *v = st_dataset_feature_values(ds, j);
    present = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            present++, sum += v[i];
    f->fill = present > 0 ? sum / (double)present : 0;
    for (size_t i = 0; i < n; i++)
        work[i] = isnan(v[i]) ? f->fill : v[i];
    st__lr_standardise(work, n, r->c, r->prm.standardize, &r->mean[j], &r->scale[j]);
    return 0;
}

/* Rows [lo, hi) gathered from the columns into len, col, val; cur[j] is sparse column j's
 * first entry at or after row lo, moved past hi. */
static size_t gather(const st_dataset *ds, size_t lo, size_t hi, size_t *cur,
                     const uint32_t *row_len, uint32_t *len, uint32_t *col, float *val,
                     size_t *at, const st_logreg *m)
{
    size_t e = 0;
    for (size_t i = lo; i < hi; i++) {
        at[i - lo] = e;
        e += row_len[i];
        len[i - lo] = row_len[i];
    }
    for (size_t j = 0; j < m->n_features; j++) {
        const double fill = m->features[j].fill;
        if (st_dataset_feature_is_sparse(ds, j)) {
            const uint32_t *rows;
            const float *v;
            size_t q;
            entries_of(ds, j, &rows, &v, &q);
            size_t k = cur[j];
            for (; k < q && rows[k] < hi; k++) {
                float x = value_of(v[k], fill);
                if (x != 0) {
                    size_t a = at[rows[k] - lo]++;
                    col[a] = (uint32_t)j, val[a] = x;
                }
            }
            cur[j] = k;
            continue;
        }
        const float *v = st_dataset_feature_values(ds, j);
        for (size_t i = lo; i < hi; i++) {
            float x = value_of(v[i], fill);
            if (x != 0) {
                size_t a = at[i - lo]++;
                col[a] = (uint32_t)j, val[a] = x;
            }
        }
    }
    return e;
}

/* Each row's entries (non-zero values after filling), into row_len. */
static void count_rows(const st_dataset *ds, const st_logreg *m, size_t n, uint32_t *row_len)
{
    memset(row_len, 0, n * sizeof *row_len);
    for (size_t j = 0; j < m->n_features; j++) {
        const double fill = m->features[j].fill;
        if (st_dataset_feature_is_sparse(ds, j)) {
            const uint32_t *rows;
            const float *v;
            size_t q;
            entries_of(ds, j, &rows, &v, &q);
            for (size_t k = 0; k < q; k++)
                row_len[rows[k]] += value_of(v[k], fill) != 0;
            continue;
        }
        const float *v = st_dataset_feature_values(ds, j);
        for (size_t i = 0; i < n; i++)
            row_len[i] += value_of(v[i], fill) != 0;
    }
}

st_status st__lr_rowfile_write_rows(const st_dataset *ds, struct st_logreg_rowfile *r,
                                    const char *dir, st_error *err)
{
    const size_t n = r->n, p = r->p;
    st_status rc = st__lr_rowfile_create(&r->rf, dir, n, p, err);
    if (rc != ST_OK)
        return rc;
    uint32_t *row_len = st__malloc_array(n ? n : 1, sizeof *row_len);
    size_t *cur = st__calloc(p ? p : 1, sizeof *cur);
    size_t cap = ST__LR_ROWFILE_BLOCK_ENTRIES, max_row = 0;
    if (row_len != NULL) {
        count_rows(ds, r->m, n, row_len);
        for (size_t i = 0; i < n; i++)
            max_row = row_len[i] > max_row ? row_len[i] : max_row;
        cap = max_row > cap ? max_row : cap;
    }
    size_t max_rows = cap < n ? cap : n; /* a block has at most cap rows (each >= 0) */
    uint32_t *len = st__malloc_array(max_rows + 1, sizeof *len);
    size_t *at = st__malloc_array(max_rows + 1, sizeof *at);
    uint32_t *col = st__malloc_array(cap, sizeof *col);
    float *val = st__malloc_array(cap, sizeof *val);
    if (row_len == NULL || cur == NULL || len == NULL || at == NULL || col == NULL ||
        val == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a block of %zu rows", max_rows);
        goto done;
    }
    for (size_t lo = 0; lo < n && rc == ST_OK;) {
        size_t hi = lo, e = 0; /* whole rows, at most cap entries and max_rows rows */
        while (hi < n && hi - lo < max_rows && e + row_len[hi] <= cap)
            e += row_len[hi++];
        size_t got = gather(ds, lo, hi, cur, row_len, len, col, val, at, r->m);
        rc = st__lr_rowfile_append(&r->rf, len, hi - lo, col, val, got, err);
        lo = hi;
    }
    if (rc == ST_OK)
        rc = st__lr_rowfile_finish(&r->rf, err);
done:
    st__free(row_len), st__free(cur), st__free(len), st__free(at), st__free(col);
    st__free(val);
    return rc;
}

/* Numeric features of finite (or missing) values only. */
static st_status check_features(const st_dataset *ds, size_t p, st_error *err)
{
    for (size_t j = 0; j < p; j++) {
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_NUMERIC)
            return st__fail(err, ST_ERR_INVALID_ARG, "out-of-core training takes numeric "
                            "columns only: '%s' is categorical (drop it with --ignore, or "
                            "train without --out-of-core)", st_dataset_feature_name(ds, j));
        st_status rc = st__lr_check_finite_feature(ds, j, err);
        if (rc != ST_OK)
            return rc;
    }
    return ST_OK;
}

st_status st__lr_rowfile_plan(const st_dataset *ds, struct st_logreg_rowfile *r, st_error *err)
{
    const size_t p = st_dataset_n_features(ds);
    st_status rc = check_features(ds, p, err);
    if (rc != ST_OK)
        return rc;
    double *work = st__malloc_array(r->n ? r->n : 1, sizeof *work);
    if (work == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", r->n);
    for (size_t j = 0; j < p; j++)
        if (plan_feature(ds, j, r, work) != 0) {
            st__free(work);
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu columns",
                            p);
        }
    st__free(work);
    return ST_OK;
}
