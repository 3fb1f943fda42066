/* Internal: what a CSV cell holds when it is not missing (a number, a censored value, a
 * number with a decimal comma, or text), the tallies the reader keeps per column, and the
 * read options that choose column types. */
#ifndef STRATUM_CSV_CELLS_H
#define STRATUM_CSV_CELLS_H

#include <stddef.h>

#include "dataset_impl.h"

enum { ST__CELL_CENSORED, ST__CELL_DECIMAL_COMMA, ST__CELL_TEXT };

/* Parses all of [s, s+len) as a number written with the decimal mark `decimal` ('.' or
 * ','); with ',', a '.' makes the text not a number. Returns 1 and stores the value, or 0. */
int st__cell_number(const char *s, size_t len, char decimal, double *out);

/* The kind of a present cell that st__cell_number refused: ST__CELL_CENSORED ("<0.005",
 * with *bound the number), ST__CELL_DECIMAL_COMMA ("1,00" when decimal is '.' and the
 * delimiter is not ','; *bound is the number) or ST__CELL_TEXT. */
int st__cell_kind(const char *s, size_t len, char decimal, char delimiter, double *bound);

/* Counts a cell of that kind in c, and keeps its position when it is the first and its
 * text when it is one of the first three distinct. */
void st__cells_note(st__cell_facts *c, int kind, const char *s, size_t len, long line,
                    long column);

/* 2^24: every whole number up to it is a float; beyond, a number may not be one. */
#define ST__FLOAT_EXACT_MAX 16777216.0

/* For a number v of a numeric column with |v| > ST__FLOAT_EXACT_MAX: counts it in c when
 * its float loses it (a whole number stored rounded, or a finite number stored as
 * infinity), keeping the first such cell's position, or when it is infinite as written
 * ('inf', '1e400': n_infinite); the first cell stored as infinity either way is kept too. */
void st__cells_note_lossy(st__cell_facts *c, double v, long line, long column);

/* Applies o->numeric and o->categorical to ds's features (named already): sets
 * cells.forced, and the type of the forced categorical ones. A name that is not a feature,
 * or in both lists, is an error naming source. */
st_status st__cells_force_types(st_dataset *ds, const st_read_options *o, const char *source,
                                st_error *err);

/* 1 when o asks for something only the in-memory CSV reader does (numeric, categorical,
 * a censored policy, a decimal comma); then *what names the option for a message. */
int st__read_options_retype(const st_read_options *o, const char **what);

#endif
