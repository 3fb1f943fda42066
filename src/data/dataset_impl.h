/* Internal: the dataset structure, shared by the readers and the accessors. */
#ifndef STRATUM_DATASET_IMPL_H
#define STRATUM_DATASET_IMPL_H

#include <stratum/dataset.h>

#include <stdint.h>

#include "category_dict.h"

/* What the CSV reader saw in a column's present cells (st_column_cells in the public
 * header). Fixed-size, so that subsets copy it with the feature. */
#define ST__CELL_EXAMPLE_BYTES 64
typedef struct st__cell_facts {
    size_t n_numbers, n_censored, n_decimal_comma, n_text, n_made_missing;
    long first_line, first_column;
    size_t n_rounded, n_overflow; /* numbers a 32-bit float cannot hold (st_column_cells) */
    long lossy_line, lossy_column;
    size_t n_infinite; /* cells infinite as written (st_column_cells) */
    long infinite_line, infinite_column;
    size_t n_examples;
    char examples[3][ST__CELL_EXAMPLE_BYTES];
    int forced; /* ST__FORCED_* */
} st__cell_facts;

enum { ST__FORCED_NONE = 0, ST__FORCED_NUMERIC = 1, ST__FORCED_CATEGORICAL = 2 };

/* One column. Kept small (128 bytes with a 64-bit size_t), since a LibSVM or CSR
 * dataset may have a million of them: what only CSV columns need is behind `cells`. */
typedef struct st__feature {
    char *name;
    st_feature_type type;
    /* Sparse numeric features (sparse = 1): n_entries entries, rows strictly ascending;
     * every other row holds 0. An entry may hold 0 (present) or NaN (missing).
     * shared_entries: entry_rows and entry_values point into the dataset's shared_rows and
     * shared_values (the LibSVM reader's one allocation for all sparse columns) and are
     * not freed with the feature.
     * borrowed_values: values are the caller's (st_dataset_from_arrays_borrowed), never
     * written nor freed by the library. */
    unsigned char sparse, shared_entries, borrowed_values;
    float *values;               /* dense: n_rows values (capacity row_cap while reading);
                                    NULL for a sparse feature */
    uint32_t *entry_rows;
    float *entry_values;
    size_t n_entries;
    st__category_dict levels;    /* categorical features only */
    uint32_t *zero_entries;      /* LibSVM, dense features: bit i set when row i's line has
                                    an entry for this feature whose value is 0 (stored as 0,
                                    like an absent entry); NULL when the file has no such
                                    entry. Sparse features store such entries instead. */
    st__cell_facts *cells;       /* CSV columns: what the reader saw (csv_cells.c), a slot
                                    of the dataset's cell_facts; NULL for the others */
} st__feature;

struct st_dataset {
    size_t n_rows, n_features;
    size_t row_cap;              /* allocated rows per column while reading */
    st__feature *features;
    float *labels;               /* NULL when unlabelled */
    float *weights;              /* NULL when unweighted */
    char *label_name, *weight_name;
    char *class_name[2];
    size_t rows_skipped, blank_lines;
    char delimiter;
    char *source;                /* the file's name as given to the reader; "" otherwise */
    int header_numeric;          /* every header field a number: see st_dataset_header_is_numeric */
    /* LibSVM files (libsvm_reader.c): the indices the file spans, [libsvm_first,
     * libsvm_last]; features outside it are ones the file never mentions. libsvm is 0 for
     * CSV and array datasets. */
    int libsvm;
    long libsvm_first, libsvm_last;
    int from_sparse;             /* built from a sparse matrix (st_dataset_from_csr, _csc):
                                    an entry not given is absent, as in LibSVM rows */
    size_t csv_chunks;           /* CSV: chunks of the file read on other threads and kept
                                    (csv_reader_chunks.c); 0 when it was read in turn */
    st__cell_facts *cell_facts;  /* CSV datasets: n_features facts, features[j].cells
                                    pointing into it (owned); NULL otherwise */
    /* the entries of the features with shared_entries, one allocation each (owned);
       NULL otherwise. shared_values holds n_shared_values floats: every shared entry's
       value, or, when every value is 1, as many ones as the longest column has entries */
    uint32_t *shared_rows;
    float *shared_values;
    size_t n_shared_values;
};

/* An empty dataset with n_features unnamed numeric columns and room for row_cap rows.
 * labelled/weighted choose whether those arrays exist. NULL when out of memory. */
st_dataset *st__dataset_new(size_t n_features, size_t row_cap, int labelled, int weighted);

/* st_dataset_from_arrays (borrow 0: x copied) and st_dataset_from_arrays_borrowed (borrow
 * 1: the features are views of x's columns); fn names the caller in messages. */
st_status st__dataset_from_arrays(const char *fn, int borrow, size_t n_rows, size_t n_features,
                                  const float *x, const float *labels, const float *weights,
                                  const char *const *names, st_dataset **out, st_error *err);

/* Gives every feature its CSV cell facts, zeroed (st__feature.cells). Returns 0 when out
 * of memory. */
int st__dataset_add_cell_facts(st_dataset *ds);

/* Gives feature j its name (copied). Returns 0 when out of memory. */
int st__dataset_set_name(st_dataset *ds, size_t j, const char *name, size_t len);

/* Makes feature f sparse with room for n_entries entries (its dense values freed; the
 * entries are filled by the caller, n_entries counting them). Returns 0 when out of
 * memory. Call before st__dataset_reserve_rows, which then leaves f alone. */
int st__feature_make_sparse(st__feature *f, size_t n_entries);

/* Checks labels (each 0 or 1) and weights (finite, >= 0) given to fn (may be NULL). */
st_status st__check_labels_weights(const char *fn, size_t n_rows, const float *labels,
                                   const float *weights, st_error *err);

/* Index of sparse feature f's entry for row i, or -1 when the row has none. */
long st__sparse_find(const st__feature *f, size_t i);

/* Makes room for at least rows rows in every dense array. Returns 0 when out of memory. */
int st__dataset_reserve_rows(st_dataset *ds, size_t rows);

/* Gives back unused capacity once reading is done (failure to shrink is harmless). */
void st__dataset_shrink(st_dataset *ds);

/* Sorts the levels of every categorical feature and renumbers the codes. */
int st__dataset_sort_levels(st_dataset *ds);

/* A reader of a text buffer, such as st_dataset_read_csv_buffer. */
typedef st_status (*st__buffer_reader)(const char *data, size_t size, const char *name,
                                       const st_read_options *opt, st_dataset **out,
                                       st_error *err);

/* Reads the file at path into memory and hands it to reader; who (the public function's
 * name) names a NULL out or path in the message. */
st_status st__dataset_read_file(const char *who, const char *path, st__buffer_reader reader,
                                const st_read_options *opt, st_dataset **out, st_error *err);

/* Feature j's zero_entries bitmap (LibSVM, dense features: rows whose line has an entry
 * j:0), or NULL (always for sparse features). For prediction, which reads a LibSVM row's
 * absent entries as its model says (gbdt/, logreg/): an entry of a dense feature is
 * present when its value is not 0 or its bit is set. */
const uint32_t *st__dataset_zero_entries(const st_dataset *ds, size_t j);

/* The error for a model whose feature j has type model_type where ds's column has the
 * other: names ds's file, and for a column of numbers made categorical the first cell that
 * is not a number (line, column, text) and the read option that matches the model. For
 * the scoring functions of gbdt/ and logreg/ (in csv_cells.c). */
st_status st__dataset_type_mismatch(const st_dataset *ds, size_t j, st_feature_type model_type,
                                    st_error *err);

/* st_csv_column_texts on a CSV file in memory (opt not NULL). */
st_status st__csv_column_texts_buffer(const char *data, size_t size, const char *name,
                                     const st_read_options *opt, const char *column,
                                     char ***texts, size_t *n_texts, st_error *err);

/* Reads opt->weight_file (when not NULL) into ds's weights, one line per row; the file's
 * errors name it and the line (data_name is the data's, for messages). In weight_file.c. Called by the CSV and LibSVM readers once the rows are in. */
st_status st__dataset_read_weight_file(st_dataset *ds, const st_read_options *opt,
                                       const char *data_name, st_error *err);

#endif
