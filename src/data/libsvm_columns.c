/* The LibSVM reader's staging list (libsvm_stage.h) and the columns made from it: the
 * reader appends every entry of the file once, row after row; here they go to their
 * columns, dense ones (an entry in at least half the rows) as n_rows values, sparse ones
 * in two arrays shared by all the sparse columns (one allocation instead of two a column,
 * and one array of ones for the values of a file whose values are all 1). */
#include "libsvm_stage.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

int st__libsvm_stage_reserve(st__libsvm_stage *st, size_t cap)
{
    uint32_t *index_grown = st__realloc_array(st->index, cap, sizeof *index_grown);
    if (index_grown == NULL)
        return 0;
    st->index = index_grown;
    if (st->value != NULL) {
        float *value_grown = st__realloc_array(st->value, cap, sizeof *value_grown);
        if (value_grown == NULL)
            return 0;
        st->value = value_grown;
    }
    st->cap = cap;
    return 1;
}

int st__libsvm_stage_values(st__libsvm_stage *st)
{
    if ((st->value = st__malloc_array(st->cap ? st->cap : 1, sizeof *st->value)) == NULL)
        return 0;
    for (size_t e = 0; e < st->n; e++)
        st->value[e] = 1.0f;
    return 1;
}

int st__libsvm_stage_row(st__libsvm_stage *st, int cls)
{
    if (st->n_rows == st->rows_cap) {
        size_t cap = st->rows_cap < 1024 ? 1024 : st->rows_cap * 2;
        size_t *end_grown = st__realloc_array(st->row_end, cap, sizeof *end_grown);
        if (end_grown == NULL)
            return 0;
        st->row_end = end_grown;
        float *label_grown = st__realloc_array(st->label, cap, sizeof *label_grown);
        if (label_grown == NULL)
            return 0;
        st->label = label_grown;
        st->rows_cap = cap;
    }
    st->row_end[st->n_rows] = st->n;
    st->label[st->n_rows++] = (float)cls;
    return 1;
}

void st__libsvm_stage_free(st__libsvm_stage *st)
{
    st__free(st->index), st__free(st->value), st__free(st->row_end), st__free(st->label);
    memset(st, 0, sizeof *st);
}

/* Where the next entry of a sparse column goes, by index slot (NULL: not sparse). The
 * fill writes each entry through these 16 bytes instead of the column's feature (128
 * bytes away in a table of a million), a cache miss fewer per entry. */
typedef struct libsvm_fill {
    uint32_t *rows;
    float *values;
} libsvm_fill;

/* Sets bit `row` of f's zero_entries (allocated on the first such entry, for n_rows). */
static int mark_zero_entry(st__feature *f, size_t n_rows, size_t row)
{
    if (f->zero_entries == NULL &&
        (f->zero_entries = st__calloc((n_rows + 31) / 32, sizeof *f->zero_entries)) == NULL)
        return 0;
    f->zero_entries[row / 32] |= 1u << (row % 32);
    return 1;
}

/* Gives ds its features: those stored sparse take their entries from the shared arrays,
 * the others get n_rows values, zeroed, as do the labels. all_ones: the sparse columns
 * share one array of ones for their values (read-only, as a dataset's entries are once
 * read). Returns 0 when out of memory. */
static int add_columns(st_dataset *ds, const st__libsvm_shape *sh, size_t n_rows, int all_ones)
{
    const size_t n_features = sh->n_features;
    st__free(ds->features);
    ds->n_features = 0;
    if ((ds->features = st__calloc(n_features ? n_features : 1, sizeof *ds->features)) == NULL)
        return 0;
    ds->n_features = n_features; /* calloc: every level dictionary is empty */
    size_t total = 0, longest = 0;
    for (size_t j = 0; j < n_features; j++)
        if (sh->sparse[j]) {
            total += sh->entries[j];
            longest = sh->entries[j] > longest ? sh->entries[j] : longest;
        }
    const size_t n_values = all_ones ? longest : total;
    ds->shared_rows = st__malloc_array(total ? total : 1, sizeof *ds->shared_rows);
    ds->shared_values = st__malloc_array(n_values ? n_values : 1, sizeof *ds->shared_values);
    if (ds->shared_rows == NULL || ds->shared_values == NULL)
        return 0;
    ds->n_shared_values = n_values;
    for (size_t e = 0; all_ones && e < n_values; e++)
        ds->shared_values[e] = 1.0f;
    size_t at = 0;
    for (size_t j = 0; j < n_features; j++)
        if (sh->sparse[j]) {
            st__feature *f = &ds->features[j];
            f->sparse = 1;
            f->shared_entries = 1;
            f->entry_rows = ds->shared_rows + at;
            f->entry_values = ds->shared_values + (all_ones ? 0 : at);
            f->n_entries = sh->entries[j];
            at += sh->entries[j];
        }
    ds->row_cap = 0; /* every dense column and the labels get n_rows now */
    if (!st__dataset_reserve_rows(ds, n_rows ? n_rows : 1))
        return 0;
    for (size_t j = 0; j < n_features; j++)
        if (!sh->sparse[j])
            memset(ds->features[j].values, 0, n_rows * sizeof(float));
    return 1;
}

/* Names the features "f<index>" (the digits by hand: snprintf for each of a million
 * columns was a visible share of reading the file). */
static int name_features(st_dataset *ds, const st__libsvm_shape *sh)
{
    for (size_t s = 0; s < sh->n_slots; s++) {
        char digits[24], name[32];
        if (sh->feature_of[s] == (size_t)-1)
            continue;
        unsigned long v = (unsigned long)((long)s + sh->base);
        size_t nd = 0;
        do {
            digits[nd++] = (char)('0' + v % 10);
            v /= 10;
        } while (v > 0);
        size_t len = 0;
        name[len++] = 'f';
        while (nd > 0)
            name[len++] = digits[--nd];
        if (!st__dataset_set_name(ds, sh->feature_of[s], name, len))
            return 0;
    }
    return 1;
}

/* The staged rows into ds's columns, row after row, so each sparse column's entries are
 * in ascending rows: fill[s] is where sparse slot s's next entry goes. */
static int fill_columns(const st__libsvm_stage *st, st_dataset *ds, const st__libsvm_shape *sh,
                        libsvm_fill *fill)
{
    size_t e = 0;
    for (size_t i = 0; i < st->n_rows; i++) {
        ds->labels[i] = st->label[i];
        for (; e < st->row_end[i]; e++) {
            const size_t slot = (size_t)((long)st->index[e] - sh->base);
            const float value = st->value != NULL ? st->value[e] : 1.0f;
            libsvm_fill *to = &fill[slot];
            size_t j;
            if (to->rows != NULL) {
                *to->rows++ = (uint32_t)i;
                if (st->value != NULL) /* else the values are the shared ones */
                    *to->values++ = value;
            } else if ((j = sh->feature_of[slot]) != (size_t)-1) {
                st__feature *f = &ds->features[j];
                f->values[i] = value;
                /* an entry whose value is 0 is stored as an absent one is: mark it, so that
                   models reading absent entries as missing (XGBoost's) can tell them apart */
                if (value == 0 && !mark_zero_entry(f, ds->row_cap, i))
                    return 0;
            }
        }
    }
    return 1;
}

int st__libsvm_fill_dataset(st_dataset *ds, const st__libsvm_shape *sh,
                            const st__libsvm_stage *st)
{
    if (!add_columns(ds, sh, st->n_rows, st->value == NULL))
        return 0;
    libsvm_fill *fill = st__calloc(sh->n_slots ? sh->n_slots : 1, sizeof *fill);
    if (fill == NULL || !name_features(ds, sh)) {
        st__free(fill);
        return -1;
    }
    for (size_t s = 0; s < sh->n_slots; s++)
        if (sh->feature_of[s] != (size_t)-1 && sh->sparse[sh->feature_of[s]]) {
            fill[s].rows = ds->features[sh->feature_of[s]].entry_rows;
            fill[s].values = ds->features[sh->feature_of[s]].entry_values;
        }
    const int ok = fill_columns(st, ds, sh, fill);
    st__free(fill);
    return ok ? 1 : -1;
}
