/* New datasets from some rows and features of another: st_dataset_subset and
 * st_dataset_select (cross-validation folds, dropping a group column). */
#include "dataset_impl.h"

#include <stratum/folds.h>

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static int replace_name(char **dst, const char *src)
{
    char *copy = st__strdup(src);
    if (copy == NULL)
        return 0;
    st__free(*dst);
    *dst = copy;
    return 1;
}

/* Copies the level dictionary: interning the levels in code order gives the same codes. */
static int copy_levels(st__category_dict *dst, const st__category_dict *src)
{
    for (size_t k = 0; k < src->n_levels; k++) {
        const char *text = st__category_dict_level(src, k);
        if (st__category_dict_intern(dst, text, strlen(text)) != (long)k)
            return 0;
    }
    return 1;
}

static void copy_rows(float *dst, const float *src, const size_t *rows, size_t n)
{
    if (rows == NULL) {
        memcpy(dst, src, n * sizeof *dst);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = src[rows[i]];
}

/* The rows' bits of a LibSVM feature's zero_entries (NULL stays NULL). */
static int copy_zero_entries(st__feature *dst, const st__feature *src, const size_t *rows,
                             size_t n)
{
    if (src->zero_entries == NULL)
        return 1;
    if ((dst->zero_entries = st__calloc((n + 31) / 32, sizeof *dst->zero_entries)) == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const size_t r = rows != NULL ? rows[i] : i;
        if ((src->zero_entries[r / 32] >> (r % 32)) & 1u)
            dst->zero_entries[i / 32] |= 1u << (i % 32);
    }
    return 1;
}

static st_status check_args(const st_dataset *ds, const size_t *rows, size_t n_rows,
                            const size_t *features, size_t n_features, st_error *err)
{
    if (ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: dataset is NULL");
    if (rows != NULL && n_rows == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: expected at least one "
                        "row, got 0");
    for (size_t i = 0; rows != NULL && i < n_rows; i++)
        if (rows[i] >= ds->n_rows)
            return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: rows[%zu] is %zu, "
                            "expected a row index below %zu", i, rows[i], ds->n_rows);
    if (features != NULL && n_features == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: expected at least one "
                        "feature, got 0");
    for (size_t a = 0; features != NULL && a < n_features; a++) {
        if (features[a] >= ds->n_features)
            return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: features[%zu] is "
                            "%zu, expected a feature index below %zu", a, features[a],
                            ds->n_features);
        for (size_t b = 0; b < a; b++)
            if (features[b] == features[a])
                return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: feature %zu "
                                "is listed twice; expected each at most once", features[a]);
    }
    return ST_OK;
}

st_status st_dataset_select(const st_dataset *ds, const size_t *rows, size_t n_rows,
                            const size_t *features, size_t n_features, st_dataset **out,
                            st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_select: out is NULL");
    *out = NULL;
    st_status rc = check_args(ds, rows, n_rows, features, n_features, err);
    if (rc != ST_OK)
        return rc;
    size_t nr = rows != NULL ? n_rows : ds->n_rows;
    size_t nf = features != NULL ? n_features : ds->n_features;
    st_dataset *sub = st__dataset_new(nf, nr, ds->labels != NULL, ds->weights != NULL);
    if (sub == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a subset of %zu rows", nr);
    sub->n_rows = nr;
    sub->delimiter = ds->delimiter;
    sub->libsvm = ds->libsvm;
    sub->libsvm_first = ds->libsvm_first;
    sub->libsvm_last = ds->libsvm_last;
    int ok = replace_name(&sub->label_name, ds->label_name) &&
             replace_name(&sub->weight_name, ds->weight_name) &&
             replace_name(&sub->class_name[0], ds->class_name[0]) &&
             replace_name(&sub->class_name[1], ds->class_name[1]) &&
             replace_name(&sub->source, ds->source);
    for (size_t a = 0; ok && a < nf; a++) {
        const st__feature *src = &ds->features[features != NULL ? features[a] : a];
        st__feature *dst = &sub->features[a];
        dst->type = src->type;
        dst->cells = src->cells;
        ok = st__dataset_set_name(sub, a, src->name, strlen(src->name)) &&
             copy_levels(&dst->levels, &src->levels) &&
             copy_zero_entries(dst, src, rows, nr);
        if (ok)
            copy_rows(dst->values, src->values, rows, nr);
    }
    if (!ok) {
        st_dataset_free(sub);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a subset of %zu rows", nr);
    }
    if (ds->labels != NULL)
        copy_rows(sub->labels, ds->labels, rows, nr);
    if (ds->weights != NULL)
        copy_rows(sub->weights, ds->weights, rows, nr);
    *out = sub;
    return ST_OK;
}

st_status st_dataset_subset(const st_dataset *ds, const size_t *rows, size_t n_rows,
                            st_dataset **out, st_error *err)
{
    if (rows == NULL) {
        if (out != NULL)
            *out = NULL;
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_subset: rows is NULL");
    }
    return st_dataset_select(ds, rows, n_rows, NULL, 0, out, err);
}
