/* Internal: a CSV header record read against the read options: the checks and column roles
 * that the in-memory reader (csv_reader.c) and the streamed binner (stb_bin_csv.c) share. */
#ifndef STRATUM_CSV_HEADER_H
#define STRATUM_CSV_HEADER_H

#include <stratum/dataset.h>

#include "csv_tokenizer.h"

enum { ST__CSV_FEATURE, ST__CSV_LABEL, ST__CSV_WEIGHT, ST__CSV_IGNORED };

/* Checks the header record in t (of the file named source): names valid UTF-8 and unique.
 * Without a header (o->has_header 0) t holds the first record of data, the columns are
 * named by position and a name in o is a position ("0" the first column).
 * Then gives each column its role under o: role[c] for c < t->n_fields (caller-owned,
 * zeroed = ST__CSV_FEATURE on entry) and *label_col, *weight_col (-1 when there is none).
 * A label named in o (o->label, "label" when NULL) but absent is an error when
 * label_needed, and label_why then says what it is for in the message; a weight or an
 * ignored column that is absent is always one. Errors name the file and the header line. */
st_status st__csv_header_roles(const st__csv_tokenizer *t, const st_read_options *o,
                               int label_needed, const char *label_why, const char *source,
                               unsigned char *role, long *label_col, long *weight_col,
                               st_error *err);

/* The index of the column named name in the header record in t (a position, "0" the
 * first, when o has no header), or -1. */
long st__csv_find_column(const st__csv_tokenizer *t, const st_read_options *o, const char *name);

/* The name of column c of the header record in t: its text, "Unnamed: c" when empty (as
 * pandas names it), or "c" when o reads the file without a header (has_header 0). Returns
 * the field's text or buf; *len is the name's length (not NUL-terminated in the field). */
const char *st__csv_column_name(const st__csv_tokenizer *t, const st_read_options *o, size_t c,
                                char buf[32], size_t *len);

/* 1 when o reads a header and every field of the header record in t is a number (a row of
 * data most likely, the file having no header); 0 otherwise. */
int st__csv_header_is_numeric(const st__csv_tokenizer *t, const st_read_options *o);

#endif
