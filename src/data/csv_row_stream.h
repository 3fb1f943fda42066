/* Internal: a CSV file's rows streamed from a read-only mapping of the file, numbered as
 * st_dataset_read_csv numbers them (blank lines and, with skip_missing_labels, rows whose
 * label is missing are not rows), for readers that keep only what they make of some
 * columns (the text featurizer's streamed path, src/text/text_stream.c). The pages behind
 * the current row are given back to the kernel as the stream goes (madvise), so the
 * file's bytes are never all resident at once; the file can be read again from its first
 * row (st__csv_row_stream_rewind), which needs a regular file: a pipe is refused. */
#ifndef STRATUM_CSV_ROW_STREAM_H
#define STRATUM_CSV_ROW_STREAM_H

#include <stratum/dataset.h>

#include "csv_tokenizer.h"
#include "na_values.h"

typedef struct st__csv_row_stream {
    const char *path;
    const st_read_options *opt; /* borrowed */
    char *map;                  /* the mapping (NULL for an empty file) */
    size_t map_size;
    const char *data;           /* after a UTF-8 byte order mark */
    size_t size;
    char delimiter, decimal;
    st__na_set na;
    long label_col;             /* for skip_missing_labels; -1 when none */
    size_t n_cols;              /* fields of the header record */
    const char *first_row;      /* where the rows start (after the header) */
    long first_line;            /* its line */
    int first_is_data;          /* no header: the first record is a row */
    st__csv_tokenizer tok;      /* the current row: tok.fields */
    int pending;                /* rewound without a header: tok holds row 0, unread */
    const char *released;       /* pages before this are given back */
} st__csv_row_stream;

/* Maps path and reads its header record (the first non-blank one) with opt's delimiter
 * (or the detected one) and header setting. Errors name the file: it cannot be opened or
 * is not a regular file (ST_ERR_IO; ST_ERR_INVALID_ARG for a pipe or a device, naming
 * `why_regular`, what needs the file twice), it is empty (ST_ERR_DATA). */
st_status st__csv_row_stream_open(st__csv_row_stream *s, const char *path,
                                  const st_read_options *opt, const char *why_regular,
                                  st_error *err);
void st__csv_row_stream_close(st__csv_row_stream *s);

/* The column of the header record named name (a position without a header), or -1. */
long st__csv_row_stream_column(const st__csv_row_stream *s, const char *name);

/* The next row into s->tok.fields (s->tok.n_fields of them): 1, 0 at the end, -1 with err
 * filled (the tokenizer's errors). */
int st__csv_row_stream_next(st__csv_row_stream *s, st_error *err);

/* Back to the first row. */
void st__csv_row_stream_rewind(st__csv_row_stream *s);

/* The file less the fields of the columns drop[0..n_drop-1] (ascending), for reading the
 * other columns without the dropped ones' bytes: every record as it is (the header, blank
 * lines and line ends included; the header whole) but for those fields, each replaced by a quoted field
 * holding only the line breaks it held ("" when none; an unquoted one by nothing). So every
 * kept field keeps its line, and its column unless it follows a dropped field on the same
 * line. *out is new (st__free), *n_out its size. ST_ERR_NOMEM (with err), or ST_ERR_PARSE
 * when the file does not tokenize (err filled; the caller reads the file itself for the
 * reader's message, which names the first error in file order). Leaves s at the start. */
st_status st__csv_row_stream_reduce(st__csv_row_stream *s, const long *drop, size_t n_drop,
                                    char **out, size_t *n_out, st_error *err);

#endif
