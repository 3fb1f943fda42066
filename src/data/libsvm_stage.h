/* Internal: the LibSVM reader's staging list (libsvm_reader.c appends every entry of the
 * file to it in one pass; libsvm_columns.c turns it into the dataset's columns). */
#ifndef STRATUM_LIBSVM_STAGE_H
#define STRATUM_LIBSVM_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "dataset_impl.h"

/* The entries of the lines read so far, in file order: entry e has file index index[e]
 * and value value[e], or 1 while value is NULL (every value so far 1, as in most files of
 * binary codes: they stage 4 bytes an entry); row i's entries end at row_end[i]; label[i]
 * is its class. */
typedef struct st__libsvm_stage {
    uint32_t *index;
    float *value;
    size_t n, cap;
    size_t *row_end;
    float *label;
    size_t n_rows, rows_cap;
} st__libsvm_stage;

/* Room for cap entries in st (values too when it has them). Returns 0 when out of memory. */
int st__libsvm_stage_reserve(st__libsvm_stage *st, size_t cap);
/* Stores every value so far (all 1) now that one is not. Returns 0 when out of memory. */
int st__libsvm_stage_values(st__libsvm_stage *st);
/* Ends the next row: its entries are those since the last row's end; cls its class. */
int st__libsvm_stage_row(st__libsvm_stage *st, int cls);
void st__libsvm_stage_free(st__libsvm_stage *st);

/* Appends one entry (room is made for every ':' of the text, so it grows only if that
 * count was short). Inline: it runs once per entry. Returns 0 when out of memory. */
static inline int st__libsvm_stage_entry(st__libsvm_stage *st, long index, double value)
{
    if (st->n == st->cap && !st__libsvm_stage_reserve(st, st->cap < 4096 ? 4096 : st->cap * 2))
        return 0;
    const float v = (float)value;
    if (st->value == NULL && v != 1.0f && !st__libsvm_stage_values(st))
        return 0;
    st->index[st->n] = (uint32_t)index;
    if (st->value != NULL)
        st->value[st->n] = v;
    st->n++;
    return 1;
}

/* The shape the reader chose for the columns: n_slots indices from base, feature_of[s]
 * slot s's feature (or -1: ignored); per feature, entries[j] and sparse[j] (stored sparse). */
typedef struct st__libsvm_shape {
    size_t n_slots, n_features;
    long base;
    const size_t *feature_of, *entries;
    const unsigned char *sparse;
} st__libsvm_shape;

/* Gives ds (made with no features) the features of sh, named "f<index>", and fills them
 * and the labels from st, row after row (each sparse column's entries ascending): dense
 * columns as n_rows values, sparse ones in two arrays shared by all (st_dataset
 * shared_rows, shared_values; one array of ones when st has no values). Returns 0 when
 * out of memory for the columns, -1 when out of memory after them, 1 when done. */
int st__libsvm_fill_dataset(st_dataset *ds, const st__libsvm_shape *sh,
                            const st__libsvm_stage *st);

#endif
