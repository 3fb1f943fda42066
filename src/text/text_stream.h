/* Internal: text featurized while a CSV file is read (st_text_read_csv, text_stream.c).
 * A text's terms become (id, tf) pairs: id a column (vocabulary mode) or a bucket (hashing
 * mode, whose columns are known only once every text is counted), tf the signed count.
 * They go straight into the term columns when the columns' sizes are known (vocabulary
 * mode, second pass: a column holds one entry per text with its term, its document
 * frequency), or are kept row by row in chunks until they are (hashing mode). The columns
 * hold tf until st__text_stream_values turns them into the values st_text_transform gives:
 * same formula, same order of sums, same bits. */
#ifndef STRATUM_TEXT_STREAM_H
#define STRATUM_TEXT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "data/csv_row_stream.h"
#include "data/dataset_impl.h"
#include "text_impl.h"

typedef struct st__text_tf {
    uint32_t id;
    int32_t tf;
} st__text_tf;

/* Rows of (id, tf) pairs in chunks of ST__TEXT_CHUNK pairs (8 bytes a pair, 4 a row).
 * A chunk is 32 MB, glibc's largest mmap threshold, so that it is always a mapping of its
 * own, given back to the system when freed: the pairs then make way for the columns they
 * fill. Smaller chunks could come from the heap (the threshold grows with what was freed
 * before: a 16 MB buffer), which keeps freed memory, and the peak doubled (2.48 GB
 * instead of 1.30 for 1,000,000 notes). */
#define ST__TEXT_CHUNK ((size_t)1 << 22)
typedef struct st__text_tf_rows {
    st__text_tf **chunks;
    size_t n_chunks, chunks_cap;
    size_t n_pairs;     /* in all */
    uint32_t *row_n;    /* pairs of each row */
    size_t n_rows, rows_cap;
} st__text_tf_rows;

/* Appends a row of n pairs; 0 when out of memory. */
int st__text_tf_rows_add(st__text_tf_rows *r, const st__text_tf *row, size_t n);
void st__text_tf_rows_free(st__text_tf_rows *r);

/* Appends f's term columns to ds, empty, with room for count[k] entries in column k, named
 * as st_text_transform names them; a name that is already a feature of ds (the first
 * n_others) is ST_ERR_DATA as there. */
st_status st__text_stream_add_columns(st_dataset *ds, size_t n_others,
                                      const st_text_featurizer *f, const size_t *count,
                                      st_error *err);

/* Puts row `row`'s n pairs into the columns from ds->features[first] on: pair (id, tf) into
 * column col_of[id] (col_of NULL: id itself; -1: nowhere), tf kept as the float's bits. */
void st__text_stream_put_row(st_dataset *ds, size_t first, size_t row, const st__text_tf *p,
                             size_t n, const long *col_of);

/* Puts every row of r into the columns as st__text_stream_put_row, freeing r's chunks as
 * it goes (r is empty after). */
void st__text_stream_put_rows(st_dataset *ds, size_t first, st__text_tf_rows *r,
                              const long *col_of);

/* The columns' tf to values: sublinear tf, IDF, each row scaled to unit norm (f's options),
 * as st_text_transform computes them. ST_ERR_NOMEM only. */
st_status st__text_stream_values(st_dataset *ds, size_t first, const st_text_featurizer *f,
                                 st_error *err);

/* The value of a term of count tf (signed) in column col before the row's norm, as
 * text_transform.c's add_row weighs it: tf, or 1 + ln|tf| signed (sublinear), times the
 * column's IDF. */
double st__text_weight(const st_text_featurizer *f, size_t col, int32_t tf);

/* One text's terms as (id, tf) pairs, ids ascending, tf != 0: keys[t] holds term t's key,
 * (id * 2 + (sign < 0)) << 32 | 1, as text_transform.c's rows group them. Returns the
 * pairs written to out (room for n_keys). Sorts keys. */
size_t st__text_stream_pairs(uint64_t *keys, size_t n_keys, st__text_tf *out);

/* A CSV file opened for its text columns to be streamed (text_stream.c): the row stream,
 * each text column's field (and whether it is read as text whatever it holds: named in
 * read_opt's categorical list), and ds, the dataset of its other columns (labels, weights,
 * ordinary features) read by the CSV reader. Owns all of it; ro is the stream's options. */
typedef struct st__text_csv {
    st_read_options ro;
    st_text_options opt;
    st__csv_row_stream s;
    int open;
    long *field;
    int *forced;
    st_dataset *ds;
} st__text_csv;

/* Opens path for text columns cols[0..n_cols-1] (checks as st_text_read_csv's, messages
 * naming fn). On error *c is closed. */
st_status st__text_csv_open(st__text_csv *c, const char *path, const st_read_options *read_opt,
                            const char *const *cols, size_t n_cols, const st_text_options *opt,
                            const char *fn, st_error *err);
/* Closes the stream and frees what c still owns (ds unless taken). */
void st__text_csv_close(st__text_csv *c);

/* One text column's pass over the rows (text_stream_pass.c, text_stream_rows.c): the
 * stream, the column, its analyzer, a row's keys and pairs. */
typedef struct st__text_pass {
    st__csv_row_stream *s;
    size_t col;             /* the text's field */
    const char *column;     /* its name */
    st_text_featurizer *f;
    st__analyzer a;
    uint64_t *keys;
    st__text_tf *pairs;
    size_t cap;             /* of keys and pairs */
    int any_text;           /* a present cell that is not a number */
    int forced_text;        /* read as text whatever it holds (st_read_options.categorical) */
    st_text_featurizer *out; /* the fitted featurizer */
    st_error *err;
} st__text_pass;

/* Analyses the text of the current row into p->a (room for its terms in keys and pairs):
 * a missing cell has no terms; bad UTF-8 is the CSV reader's error (file, line, column). */
st_status st__text_pass_analyse(st__text_pass *p);
/* Frees the analyzer, keys and pairs. */
void st__text_pass_free(st__text_pass *p);

/* n_others for st__text_stream_column: fit the featurizer only (the passes that learn the
 * terms or buckets, their IDF and forms), appending no column to ds. */
#define ST__TEXT_FIT_ONLY ((size_t)-1)

/* Featurizes the text in field col of s's rows (the column `column`, forced_text when it is
 * read as text whatever it holds), fitting *out with opt on ds's rows (the file's rows, its
 * other columns read) and appending its term columns to ds, whose first n_others features
 * are the others (text_stream_pass.c). Errors as st_text_fit_dataset's and the CSV
 * reader's for the text's cells (bad UTF-8 by line and column). */
st_status st__text_stream_column(st__csv_row_stream *s, size_t col, const char *column,
                                 const st_text_options *opt, int forced_text, st_dataset *ds,
                                 size_t n_others, st_text_featurizer **out, st_error *err);

#endif
