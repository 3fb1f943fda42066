/* Internal: the CSV reader's state, shared by the reader (csv_reader.c) and the readers of
 * its chunks (csv_reader_chunks.c), which read the rows of a large file on several threads. */
#ifndef STRATUM_CSV_READER_IMPL_H
#define STRATUM_CSV_READER_IMPL_H

#include <stddef.h>
#include <stratum/dataset.h>

#include "csv_header.h"
#include "dataset_impl.h"
#include "csv_tokenizer.h"
#include "label_rule.h"
#include "na_values.h"

enum column_role {
    ROLE_FEATURE = ST__CSV_FEATURE,
    ROLE_LABEL = ST__CSV_LABEL,
    ROLE_WEIGHT = ST__CSV_WEIGHT,
    ROLE_IGNORED = ST__CSV_IGNORED
};

typedef struct csv_reader {
    const st_read_options *opt;
    const char *source;
    st__csv_tokenizer tok;
    st__na_set na;
    st__label_rule labels;
    size_t n_cols;
    unsigned char *role;     /* per column */
    size_t *feature_of;      /* per column: feature index for ROLE_FEATURE */
    size_t *switch_row;      /* per feature: first row read as categorical (0: from the start) */
    int any_late_switch;
    int first_is_data;       /* no header: the record in tok is the first row, still unread */
    int in_chunk;            /* a chunk's reader: a column's type never changes here; the
                                record that would change it is left to the reader in turn */
    char decimal;            /* the decimal mark, '.' or ',' */
    st_dataset *ds;
    st_error *err;
} csv_reader;

/* csv_record.c: reads the record in r->tok into row r->ds->n_rows; *kept says whether it
 * became a row (blank lines and rows skipped for a missing label do not). */
st_status st__csv_read_record(csv_reader *r, int *kept);

/* The level code of field f's text in feat's levels, added when new (its UTF-8 checked),
 * into *slot; an error names the field (col is its column). */
st_status st__csv_intern_level(csv_reader *r, st__feature *feat, const st__csv_field *f,
                               size_t col, float *slot);

/* ST_ERR_NOMEM with r->err saying where the reader was. */
st_status st__csv_nomem(csv_reader *r);

/* Reads as many of the rows from r->tok's position on as it can on up to n_threads threads,
 * and leaves r->tok at the first record still to read in turn (the end of the data when
 * none is). A chunk stops before a record that would change a column's type, or that is
 * not read without an error: reading it, and everything after it, in turn gives the same
 * dataset, and the same error, as reading the whole file in turn; *again is then 1 (the
 * rest after it may be shared in turn). Text too small to share, or whose records cannot
 * be found without reading them in turn (quoted fields, lone CR line ends), is left to the
 * caller whole, with *again 0. ST_OK, or ST_ERR_NOMEM with r->err set. */
st_status st__csv_read_chunks(csv_reader *r, int n_threads, int *again);

#endif
