/* New datasets from some rows and features of another: st_dataset_subset and
 * st_dataset_select (cross-validation folds, dropping a group column). */
#include "dataset_impl.h"

#include <stratum/folds.h>

#include <stdlib.h>
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

/* Where each source row goes: the destinations of source row r are
 * dest[first[r] .. first[r+1]-1], ascending. rows NULL (every row, in order) needs none. */
typedef struct row_map {
    size_t *first, *dest;
    int ascending; /* rows strictly ascending: each sparse column's entries stay in order */
} row_map;

static int build_row_map(row_map *m, const size_t *rows, size_t n, size_t n_src)
{
    m->first = st__calloc(n_src + 1, sizeof *m->first);
    m->dest = st__malloc_array(n == 0 ? 1 : n, sizeof *m->dest);
    if (m->first == NULL || m->dest == NULL)
        return 0;
    m->ascending = 1;
    for (size_t i = 0; i < n; i++) {
        m->first[rows[i] + 1]++;
        m->ascending &= i == 0 || rows[i] > rows[i - 1];
    }
    for (size_t r = 0; r < n_src; r++)
        m->first[r + 1] += m->first[r];
    size_t *next = m->first; /* filled in place, then shifted back */
    for (size_t i = 0; i < n; i++)
        m->dest[next[rows[i]]++] = i;
    for (size_t r = n_src; r > 0; r--)
        m->first[r] = m->first[r - 1];
    m->first[0] = 0;
    return 1;
}

static void free_row_map(row_map *m)
{
    st__free(m->first);
    st__free(m->dest);
}

typedef struct entry {
    uint32_t row;
    float value;
} entry;

static int compare_entries(const void *a, const void *b)
{
    const uint32_t x = ((const entry *)a)->row, y = ((const entry *)b)->row;
    return (x > y) - (x < y);
}

/* The rows' entries of sparse feature src into dst (made sparse here): time proportional to
 * the entries, and a sort of them when the rows are not ascending. m NULL: every row. */
static int copy_entries(st__feature *dst, const st__feature *src, const row_map *m)
{
    size_t n = m == NULL ? src->n_entries : 0;
    for (size_t e = 0; m != NULL && e < src->n_entries; e++)
        n += m->first[src->entry_rows[e] + 1] - m->first[src->entry_rows[e]];
    if (!st__feature_make_sparse(dst, n))
        return 0;
    if (m == NULL) {
        memcpy(dst->entry_rows, src->entry_rows, n * sizeof *dst->entry_rows);
        memcpy(dst->entry_values, src->entry_values, n * sizeof *dst->entry_values);
        dst->n_entries = n;
        return 1;
    }
    entry *tmp = m->ascending ? NULL : st__malloc_array(n == 0 ? 1 : n, sizeof *tmp);
    if (!m->ascending && tmp == NULL)
        return 0;
    for (size_t e = 0; e < src->n_entries; e++) {
        const uint32_t r = src->entry_rows[e];
        for (size_t k = m->first[r]; k < m->first[r + 1]; k++) {
            if (tmp != NULL) {
                tmp[dst->n_entries++] = (entry){(uint32_t)m->dest[k], src->entry_values[e]};
            } else {
                dst->entry_rows[dst->n_entries] = (uint32_t)m->dest[k];
                dst->entry_values[dst->n_entries++] = src->entry_values[e];
            }
        }
    }
    if (tmp != NULL) {
        qsort(tmp, n, sizeof *tmp, compare_entries);
        for (size_t e = 0; e < n; e++) {
            dst->entry_rows[e] = tmp[e].row;
            dst->entry_values[e] = tmp[e].value;
        }
        st__free(tmp);
    }
    return 1;
}

static st_status check_args(const char *who, const st_dataset *ds, const size_t *rows,
                            size_t n_rows, const size_t *features, size_t n_features,
                            st_error *err)
{
    if (ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: dataset is NULL", who);
    if (rows != NULL && n_rows == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: expected at least one "
                        "row, got 0", who);
    for (size_t i = 0; rows != NULL && i < n_rows; i++)
        if (rows[i] >= ds->n_rows)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: rows[%zu] is %zu, "
                            "expected a row index below %zu", who, i, rows[i], ds->n_rows);
    if (features != NULL && n_features == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: expected at least one "
                        "feature, got 0", who);
    for (size_t a = 0; features != NULL && a < n_features; a++) {
        if (features[a] >= ds->n_features)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: features[%zu] is "
                            "%zu, expected a feature index below %zu", who, a, features[a],
                            ds->n_features);
        for (size_t b = 0; b < a; b++)
            if (features[b] == features[a])
                return st__fail(err, ST_ERR_INVALID_ARG, "%s: feature %zu is listed "
                                "twice; expected each at most once", who, features[a]);
    }
    return ST_OK;
}

/* st_dataset_select, its messages naming who (the public function called). */
static st_status select_rows(const char *who, const st_dataset *ds, const size_t *rows,
                             size_t n_rows, const size_t *features, size_t n_features,
                             st_dataset **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out is NULL", who);
    *out = NULL;
    st_status rc = check_args(who, ds, rows, n_rows, features, n_features, err);
    if (rc != ST_OK)
        return rc;
    size_t nr = rows != NULL ? n_rows : ds->n_rows;
    size_t nf = features != NULL ? n_features : ds->n_features;
    /* sparse features get their entries, not nr rows: the dense ones get rows after */
    st_dataset *sub = st__dataset_new(nf, 1, ds->labels != NULL, ds->weights != NULL);
    row_map map = {NULL, NULL, 1};
    int any_sparse = 0;
    for (size_t a = 0; a < nf; a++)
        any_sparse |= ds->features[features != NULL ? features[a] : a].sparse;
    int ok = sub != NULL && (!any_sparse || rows == NULL ||
                             build_row_map(&map, rows, nr, ds->n_rows)) &&
             (ds->cell_facts == NULL || st__dataset_add_cell_facts(sub));
    for (size_t a = 0; ok && a < nf; a++) {
        const st__feature *src = &ds->features[features != NULL ? features[a] : a];
        if (src->sparse)
            ok = copy_entries(&sub->features[a], src, rows != NULL ? &map : NULL);
    }
    free_row_map(&map);
    if (!ok || !st__dataset_reserve_rows(sub, nr)) {
        st_dataset_free(sub);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a subset of %zu rows", nr);
    }
    sub->n_rows = nr;
    sub->delimiter = ds->delimiter;
    sub->libsvm = ds->libsvm;
    sub->from_sparse = ds->from_sparse;
    sub->libsvm_first = ds->libsvm_first;
    sub->libsvm_last = ds->libsvm_last;
    ok = replace_name(&sub->label_name, ds->label_name) &&
             replace_name(&sub->weight_name, ds->weight_name) &&
             replace_name(&sub->class_name[0], ds->class_name[0]) &&
             replace_name(&sub->class_name[1], ds->class_name[1]) &&
             replace_name(&sub->source, ds->source);
    for (size_t a = 0; ok && a < nf; a++) {
        const st__feature *src = &ds->features[features != NULL ? features[a] : a];
        st__feature *dst = &sub->features[a];
        dst->type = src->type;
        if (src->cells != NULL)
            *dst->cells = *src->cells;
        ok = st__dataset_set_name(sub, a, src->name, strlen(src->name)) &&
             copy_levels(&dst->levels, &src->levels) &&
             copy_zero_entries(dst, src, rows, nr);
        if (ok && !src->sparse)
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

st_status st_dataset_select(const st_dataset *ds, const size_t *rows, size_t n_rows,
                            const size_t *features, size_t n_features, st_dataset **out,
                            st_error *err)
{
    return select_rows("st_dataset_select", ds, rows, n_rows, features, n_features, out, err);
}

st_status st_dataset_subset(const st_dataset *ds, const size_t *rows, size_t n_rows,
                            st_dataset **out, st_error *err)
{
    if (rows == NULL) {
        if (out != NULL)
            *out = NULL;
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_subset: rows is NULL");
    }
    return select_rows("st_dataset_subset", ds, rows, n_rows, NULL, 0, out, err);
}
