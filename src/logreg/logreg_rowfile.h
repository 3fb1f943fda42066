/* Internal: out-of-core logistic regression over a temporary row file
 * (stratum/logreg_rowfile.h is the public side).
 *
 * The row file holds a design's rows in blocks, CSR: for each block a header (rows, then
 * entries as a 64-bit count), each row's number of entries (32-bit), the entries' column
 * indices (32-bit, ascending within a row) and their values (32-bit floats: the dataset's
 * own values, so nothing is rounded on the way). A block holds whole rows and at most
 * ST__LR_ROWFILE_BLOCK_ENTRIES entries (or one row, when a single row has more). The
 * file is read front to back once per pass; only one block is in memory at a time.
 *
 * The columns are the raw values; the solver's column is (x - mean) / scale with the
 * design's mean and scale (logreg_design.h), folded into every pass as the in-memory
 * sparse design folds them (logreg_sparse_ops.c), so nothing is densified. */
#ifndef STRATUM_LOGREG_ROWFILE_H
#define STRATUM_LOGREG_ROWFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stratum/common.h>
#include <stratum/dataset.h>
#include <stratum/logreg.h>
#include <stratum/logreg_rowfile.h>

#include "data/row_sketch.h"
#include "logreg_driver.h"
#include "logreg_solver.h"

/* Entries per block at most (8 bytes each in memory: 8 MB). */
#define ST__LR_ROWFILE_BLOCK_ENTRIES ((size_t)1 << 20)

/* An open row file and the buffer of the block being read. Owns fp (the file itself is
 * unlinked as soon as it is created, so it disappears when fp is closed, also when the
 * process dies) and the buffers. */
typedef struct st__lr_rowfile {
    FILE *fp;
    size_t n, p;            /* rows, columns */
    uint64_t nnz;           /* entries in the file */
    size_t max_rows, max_entries; /* the largest block's */
    uint32_t *len, *col;    /* the current block: rows' entry counts, column indices */
    float *val;             /* and values */
    size_t block_rows;      /* the current block's rows and entries */
    size_t block_entries;
    char where[64];         /* "a temporary file in DIR" for messages */
} st__lr_rowfile;

/* Creates an empty row file in dir (NULL: $TMPDIR, else /tmp) for n rows of p columns. */
st_status st__lr_rowfile_create(st__lr_rowfile *rf, const char *dir, size_t n, size_t p,
                                st_error *err);

/* Appends a block of rows: len[rows], col and val of the block's entries (their sum). */
st_status st__lr_rowfile_append(st__lr_rowfile *rf, const uint32_t *len, size_t rows,
                                const uint32_t *col, const float *val, size_t entries,
                                st_error *err);

/* Ends the writing: allocates the buffer for the largest block. */
st_status st__lr_rowfile_finish(st__lr_rowfile *rf, st_error *err);

/* Rewinds to the first block. */
st_status st__lr_rowfile_rewind(st__lr_rowfile *rf, st_error *err);

/* Reads the next block into rf->len, col, val (block_rows, block_entries). *more is 0
 * at the end of the file (nothing read). */
st_status st__lr_rowfile_next(st__lr_rowfile *rf, int *more, st_error *err);

/* Closes (and so removes) the file, frees the buffers, empties *rf. */
void st__lr_rowfile_close(st__lr_rowfile *rf);

/* The data form of the driver over a row file (logreg_rowfile_form.c): every operation a
 * pass over the file, one thread, entries in file order (so the model does not depend on
 * the thread count). pb (n, y, c, l1, l2, partial, threads) and rf, mean and scale (p
 * each: the solver's column k is (x_k - mean_k) / scale_k, scale 0 for a column left out)
 * are borrowed. A failed read is kept and returned by the next operation that can fail.
 * NULL when out of memory. */
typedef struct st__lr_rowfile_form st__lr_rowfile_form;
st__lr_rowfile_form *st__lr_rowfile_form_new(const st__lr_problem *pb, st__lr_rowfile *rf,
                                             const double *mean, const double *scale);
void st__lr_rowfile_form_free(st__lr_rowfile_form *fm);
st__lr_data st__lr_rowfile_data(st__lr_rowfile_form *fm);

/* The public handle (stratum/logreg_rowfile.h): the file, the problem's row vectors and
 * the model being made (its features, column names, moments and fingerprint, taken from
 * the dataset when the file is written; its coefficients once trained). */
struct st_logreg_rowfile {
    st__lr_rowfile rf;
    st_logreg_params prm;
    size_t n, p;
    double *y, *c;          /* n: labels, normalised row weights */
    double total;           /* the weights' sum before normalising */
    double *mean, *scale;   /* p: the solver's column k is (x_k - mean_k) / scale_k */
    struct st_logreg *m;    /* the model, coefficients missing until trained; owned */
};

/* A new handle for n rows and p columns with params prm (copied; no progress): its row
 * vectors, moments and model (features and coef_names zeroed) allocated; NULL when out of
 * memory (logreg_rowfile_train.c). */
st_logreg_rowfile *st__lr_rowfile_new(size_t n, size_t p, const st_logreg_params *prm);

/* What st_logreg_rowfile_write refuses in prm, and more than 2^32 - 1 rows or columns:
 * ST_ERR_INVALID_ARG with its message. */
st_status st__lr_rowfile_check(const st_logreg_params *prm, size_t n, size_t p, st_error *err);

/* The model's features and column names from ds's features, the model's first ones
 * (numeric features only, else ST_ERR_INVALID_ARG naming the first other), their fills,
 * means and scales (logreg_rowfile_write.c); r->n, p, prm, c and m (with features and
 * coef_names allocated) set. */
st_status st__lr_rowfile_plan(const st_dataset *ds, struct st_logreg_rowfile *r,
                              st_error *err);

/* The rows of ds into a new row file r->rf in dir, after st__lr_rowfile_plan. */
st_status st__lr_rowfile_write_rows(const st_dataset *ds, struct st_logreg_rowfile *r,
                                    const char *dir, st_error *err);

#endif
