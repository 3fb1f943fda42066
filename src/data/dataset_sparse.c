/* Sparse numeric features (dataset_impl.h: entry rows and values, implicit zeros): their
 * accessors, dense copies, non-zero counts, and datasets built from a caller's compressed
 * sparse row or column matrix (st_dataset_from_csr, st_dataset_from_csc). */
#include "dataset_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

int st__feature_make_sparse(st__feature *f, size_t n_entries)
{
    size_t room = n_entries == 0 ? 1 : n_entries;
    uint32_t *rows = st__malloc_array(room, sizeof *rows);
    float *values = st__malloc_array(room, sizeof *values);
    if (rows == NULL || values == NULL) {
        st__free(rows);
        st__free(values);
        return 0;
    }
    st__free(f->values);
    f->values = NULL;
    if (!f->shared_entries) {
        st__free(f->entry_rows);
        st__free(f->entry_values);
    }
    f->shared_entries = 0;
    f->entry_rows = rows;
    f->entry_values = values;
    f->n_entries = 0;
    f->sparse = 1;
    return 1;
}

long st__sparse_find(const st__feature *f, size_t i)
{
    size_t lo = 0, hi = f->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->entry_rows[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n_entries && f->entry_rows[lo] == i ? (long)lo : -1;
}

int st_dataset_entry_present(const st_dataset *ds, size_t j, size_t i)
{
    if (ds == NULL || j >= ds->n_features || i >= ds->n_rows)
        return 0;
    const st__feature *f = &ds->features[j];
    if (f->sparse)
        return st__sparse_find(f, i) >= 0;
    if (!ds->libsvm || f->values[i] != 0)
        return 1;
    return f->zero_entries != NULL && ((f->zero_entries[i / 32] >> (i % 32)) & 1u);
}

int st_dataset_feature_is_sparse(const st_dataset *ds, size_t j)
{
    return ds != NULL && j < ds->n_features && ds->features[j].sparse;
}

st_status st_dataset_feature_entries(const st_dataset *ds, size_t j, const uint32_t **rows,
                                     const float **values, size_t *n_entries, st_error *err)
{
    if (ds == NULL || rows == NULL || values == NULL || n_entries == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_feature_entries: NULL argument");
    if (j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_feature_entries: feature %zu of "
                        "%zu", j, ds->n_features);
    const st__feature *f = &ds->features[j];
    if (!f->sparse)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_feature_entries: feature '%s' "
                        "is stored dense; read it with st_dataset_feature_values", f->name);
    *rows = f->entry_rows;
    *values = f->entry_values;
    *n_entries = f->n_entries;
    return ST_OK;
}

st_status st_dataset_feature_copy(const st_dataset *ds, size_t j, float *out, st_error *err)
{
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_feature_copy: NULL argument");
    if (j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_feature_copy: feature %zu of %zu",
                        j, ds->n_features);
    const st__feature *f = &ds->features[j];
    if (!f->sparse) {
        memcpy(out, f->values, ds->n_rows * sizeof *out);
        return ST_OK;
    }
    for (size_t i = 0; i < ds->n_rows; i++)
        out[i] = 0.0f;
    for (size_t e = 0; e < f->n_entries; e++)
        out[f->entry_rows[e]] = f->entry_values[e];
    return ST_OK;
}

size_t st_dataset_feature_nonzeros(const st_dataset *ds, size_t j)
{
    if (ds == NULL || j >= ds->n_features)
        return 0;
    const st__feature *f = &ds->features[j];
    if (f->type == ST_FEATURE_CATEGORICAL)
        return ds->n_rows; /* a level is a value, never the number 0 */
    const float *v = f->sparse ? f->entry_values : f->values;
    const size_t n = f->sparse ? f->n_entries : ds->n_rows;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += v[i] != 0.0f; /* NaN != 0: a missing value counts */
    return count;
}

size_t st_dataset_nonzeros(const st_dataset *ds)
{
    size_t total = 0;
    for (size_t j = 0; ds != NULL && j < ds->n_features; j++)
        total += st_dataset_feature_nonzeros(ds, j);
    return total;
}

/* ---- from a compressed sparse matrix ---- */

typedef struct compressed {
    const char *fn;          /* "st_dataset_from_csr" or "st_dataset_from_csc" */
    const char *major;       /* "row" (CSR) or "column" (CSC) */
    size_t n_major, n_minor; /* rows and features, or features and rows */
    const int64_t *indptr;
    const int32_t *indices;
} compressed;

/* indptr non-decreasing from 0; indices in range and strictly ascending per major line. */
static st_status check_compressed(const compressed *c, st_error *err)
{
    if (c->indptr[0] != 0)
        return st__fail(err, ST_ERR_DATA, "%s: indptr[0] is %lld, expected 0", c->fn,
                        (long long)c->indptr[0]);
    for (size_t a = 0; a < c->n_major; a++) {
        const int64_t lo = c->indptr[a], hi = c->indptr[a + 1];
        if (hi < lo)
            return st__fail(err, ST_ERR_DATA, "%s: indptr[%zu] is %lld, below indptr[%zu] "
                            "= %lld; expected non-decreasing offsets", c->fn, a + 1,
                            (long long)hi, a, (long long)lo);
        for (int64_t p = lo; p < hi; p++) {
            const int32_t k = c->indices[p];
            if (k < 0 || (size_t)k >= c->n_minor)
                return st__fail(err, ST_ERR_DATA, "%s: %s %zu, position %lld: index %ld, "
                                "expected 0 to %zu", c->fn, c->major, a, (long long)p,
                                (long)k, c->n_minor - 1);
            if (p > lo && k <= c->indices[p - 1])
                return st__fail(err, ST_ERR_DATA, "%s: %s %zu, position %lld: index %ld "
                                "after %ld; expected strictly ascending indices within a %s "
                                "(sort them, and sum or drop repeated ones)", c->fn, c->major,
                                a, (long long)p, (long)k, (long)c->indices[p - 1], c->major);
        }
    }
    return ST_OK;
}

static st_status check_arguments(const char *fn, size_t n_rows, size_t n_features,
                                 size_t n_major, const int64_t *indptr, const int32_t *indices,
                                 const float *data, st_error *err)
{
    if (n_rows == 0 || n_features == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: expected at least one row and one "
                        "feature, got %zu rows and %zu features", fn, n_rows, n_features);
    if (n_rows > UINT32_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %zu rows, expected at most %lu", fn,
                        n_rows, (unsigned long)UINT32_MAX);
    if (indptr == NULL || (indptr[n_major] > 0 && (indices == NULL || data == NULL)))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: indptr, indices or data is NULL", fn);
    return ST_OK;
}

/* The dataset shell: labels, weights, names, every feature sparse with the given entry
 * counts (filled by the caller). */
static st_status new_sparse(const char *fn, size_t n_rows, size_t n_features,
                            const size_t *counts, const float *labels, const float *weights,
                            const char *const *names, st_dataset **out, st_error *err)
{
    st_status rc = st__check_labels_weights(fn, n_rows, labels, weights, err);
    if (rc != ST_OK)
        return rc;
    st_dataset *ds = st__dataset_new(n_features, 1, labels != NULL, weights != NULL);
    int ok = ds != NULL;
    if (ok)
        ds->from_sparse = 1;
    for (size_t j = 0; ok && j < n_features; j++) {
        char generated[32];
        const char *name = names != NULL ? names[j] : NULL;
        if (name == NULL) {
            snprintf(generated, sizeof generated, "f%zu", j);
            name = generated;
        }
        ok = st__dataset_set_name(ds, j, name, strlen(name)) &&
             st__feature_make_sparse(&ds->features[j], counts[j]);
    }
    ok = ok && st__dataset_reserve_rows(ds, n_rows);
    if (!ok) {
        st_dataset_free(ds);
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    }
    ds->n_rows = n_rows;
    if (labels != NULL)
        memcpy(ds->labels, labels, n_rows * sizeof(float));
    if (weights != NULL)
        memcpy(ds->weights, weights, n_rows * sizeof(float));
    *out = ds;
    return ST_OK;
}

st_status st_dataset_from_csr(size_t n_rows, size_t n_features, const int64_t *indptr,
                              const int32_t *indices, const float *data, const float *labels,
                              const float *weights, const char *const *names,
                              st_dataset **out, st_error *err)
{
    const char *fn = "st_dataset_from_csr";
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    st_status rc = check_arguments(fn, n_rows, n_features, n_rows, indptr, indices, data, err);
    const compressed c = {fn, "row", n_rows, n_features, indptr, indices};
    if (rc != ST_OK || (rc = check_compressed(&c, err)) != ST_OK)
        return rc;
    size_t *counts = st__calloc(n_features, sizeof *counts);
    if (counts == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    for (int64_t p = 0; p < indptr[n_rows]; p++)
        counts[indices[p]]++;
    rc = new_sparse(fn, n_rows, n_features, counts, labels, weights, names, out, err);
    st__free(counts);
    if (rc != ST_OK)
        return rc;
    /* rows in order, so each column's entries come out ascending */
    for (size_t i = 0; i < n_rows; i++)
        for (int64_t p = indptr[i]; p < indptr[i + 1]; p++) {
            st__feature *f = &(*out)->features[indices[p]];
            f->entry_rows[f->n_entries] = (uint32_t)i;
            f->entry_values[f->n_entries++] = data[p];
        }
    return ST_OK;
}

st_status st_dataset_from_csc(size_t n_rows, size_t n_features, const int64_t *indptr,
                              const int32_t *indices, const float *data, const float *labels,
                              const float *weights, const char *const *names,
                              st_dataset **out, st_error *err)
{
    const char *fn = "st_dataset_from_csc";
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    st_status rc = check_arguments(fn, n_rows, n_features, n_features, indptr, indices, data,
                                   err);
    const compressed c = {fn, "column", n_features, n_rows, indptr, indices};
    if (rc != ST_OK || (rc = check_compressed(&c, err)) != ST_OK)
        return rc;
    size_t *counts = st__malloc_array(n_features, sizeof *counts);
    if (counts == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    for (size_t j = 0; j < n_features; j++)
        counts[j] = (size_t)(indptr[j + 1] - indptr[j]);
    rc = new_sparse(fn, n_rows, n_features, counts, labels, weights, names, out, err);
    st__free(counts);
    if (rc != ST_OK)
        return rc;
    for (size_t j = 0; j < n_features; j++) {
        st__feature *f = &(*out)->features[j];
        for (int64_t p = indptr[j]; p < indptr[j + 1]; p++) {
            f->entry_rows[f->n_entries] = (uint32_t)indices[p];
            f->entry_values[f->n_entries++] = data[p];
        }
    }
    return ST_OK;
}
