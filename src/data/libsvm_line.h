/* Internal: one LibSVM line, parsed by the rules of st_dataset_read_libsvm
 * (libsvm_reader.c), for readers that do not hold the whole file (stb_bin_libsvm.c). */
#ifndef STRATUM_LIBSVM_LINE_H
#define STRATUM_LIBSVM_LINE_H

#include <stddef.h>
#include <string.h>

#include <stratum/common.h>
#include <stratum/dataset.h>

#include "label_rule.h"

/* A dataset keeps a column (a name and a description, about 200 bytes) for every index up
 * to the largest, and binned files and models a feature per index, so a stray huge index
 * in a small file would ask for gigabytes (10^8 was tried as a fixed cap: the fuzzer's
 * 24-byte file with index 99,999,920 then asked for some 13 GB). The cap grows with the
 * file instead: an index may be as large as the file has bytes, and at least this; the
 * memory for the columns stays within some 200 times the file's size, which a file that
 * uses its indices (a few bytes an entry) never comes near. */
#define ST__LIBSVM_MAX_INDEX 1000000L
/* The largest index a file of file_bytes bytes may use. */
static inline long st__libsvm_index_cap(size_t file_bytes)
{
    return file_bytes > (size_t)ST__LIBSVM_MAX_INDEX
               ? (file_bytes < 2147483647UL ? (long)file_bytes : 2147483647L)
               : ST__LIBSVM_MAX_INDEX;
}

/* Called for each index:value pair of a line, indices increasing; non-OK stops the line. */
typedef st_status (*st__libsvm_pair_fn)(void *ctx, long index, double value);

typedef struct st__libsvm_line {
    const char *source;        /* the file name in messages */
    st__label_rule labels;     /* classifies labels; learns the two classes */
    long max_index, min_index; /* over every pair seen (start at -1 and LONG_MAX) */
    long index_cap;            /* larger indices are refused; 0: ST__LIBSVM_MAX_INDEX */
    int cls;                   /* the class of the last line */
    st__libsvm_pair_fn on_pair;
    void *pair_ctx;
    st_error *err;
} st__libsvm_line;

/* The line [p, end-of-line) without its comment and line end in *line_end; returns the
 * next line start. */
const char *st__libsvm_line_bounds(const char *p, const char *end, const char **line_end);
/* Checks and parses the line [p, e) (number `line` of the file, not blank, no NUL):
 * sets r->cls, tracks the indices and calls r->on_pair (when set) per pair. Indices below
 * base are refused (base 1: a file read as one-based). Errors carry file:line:column. */
st_status st__libsvm_scan_line(st__libsvm_line *r, long line, const char *p, const char *e,
                               long base);

/* Whether the feature named name ("f<index>") is among o's ignored columns. */
static inline int st__libsvm_ignored(const st_read_options *o, const char *name)
{
    for (size_t k = 0; k < o->n_ignore; k++)
        if (strcmp(o->ignore[k], name) == 0)
            return 1;
    return 0;
}

#endif
