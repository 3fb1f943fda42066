/* Internal: the training-rows fingerprint a model keeps (stratum/dataset.h, "Training-rows
 * fingerprint"): a 64-bit hash of each training row's feature values and the bottom-k
 * sketch of them (the ST__SKETCH_K smallest distinct hashes), written into and read from
 * the model file as one line:
 *
 *     row_sketch v2 N_ROWS N_DISTINCT K HEX_1 ... HEX_K   the K hashes ascending, 16 hex
 *                                                         digits each
 *
 * and compared with the rows of a dataset being scored. The hash of a row depends only on
 * its values (not on the thread count or on the columns' order in the file: features are
 * taken in the model's order, found by name).
 *
 * Versions of the row hash (row_hash.c): 2 (the "v2" field) combines the row's non-zero
 * cells only, so hashing costs entries + rows + features; 1 (no version field, models
 * saved before it) chained every cell, rows x features. A model's rows are compared with
 * the version it was saved with. */
#ifndef STRATUM_ROW_SKETCH_H
#define STRATUM_ROW_SKETCH_H

#include <stratum/dataset.h>

#include <stdint.h>

#include "io/model_reader.h"
#include "io/model_text.h"

/* k of the bottom-k sketch: 256 hashes, 4 KB of model text. */
#define ST__SKETCH_K 256

typedef struct st__row_sketch {
    uint64_t n_rows;     /* training rows; 0: the model has no fingerprint */
    uint64_t n_distinct; /* distinct row hashes among them */
    size_t k;            /* hashes kept: min(ST__SKETCH_K, n_distinct) */
    uint64_t *hash;      /* k ascending hashes (owned) */
    int version;         /* of the row hash: 1 or 2 (ST__SKETCH_VERSION, what training makes) */
} st__row_sketch;

#define ST__SKETCH_VERSION 2

/* One model feature the rows are hashed over: its name, found in the dataset by name. */
typedef const char *(*st__sketch_name_fn)(const void *model, size_t j);

/* The version-`version` hashes of ds's n rows into hash[n], over n_names features named by
 * name(model, j) in that order (model NULL: ds's own features in order); a feature ds has
 * not is missing in every row. Numeric values hash their float bits (every NaN alike, -0
 * as 0), categorical ones their level text. Version 2 shares the rows among n_threads
 * threads (st__n_threads; the hashes do not depend on it). Fails only when out of memory
 * (the table of ds's feature names, version 2's column list and level words). */
st_status st__row_hashes(const st_dataset *ds, int version, const void *model, size_t n_names,
                         st__sketch_name_fn name, int n_threads, uint64_t *hash,
                         st_error *err);

/* Version 2's hashes of rows that are never a dataset (the out-of-core writer of text
 * rows adds each row's cells as it writes them): the word of numeric cell v of feature j
 * (v not 0, which adds nothing; NaN is missing), and a row's hash from the sum of its cells'
 * words over n_names features, every one present. The same hashes as st__row_hashes
 * gives for those rows as a dataset. */
uint64_t st__row_hash_numeric_cell(size_t j, float v);
uint64_t st__row_hash_finish(uint64_t sum, size_t n_names);

/* Builds the sketch of ds's rows over its own features, in order (training: the model's
 * features are the dataset's), hashing on n_threads threads (the fit's). Fails only when
 * out of memory. */
st_status st__row_sketch_build(const st_dataset *ds, int n_threads, st__row_sketch *s,
                               st_error *err);
/* The sketch of n row hashes (sorted in place), as st__row_sketch_build makes it from the
 * hashes of a dataset's rows. Fails only when out of memory. */
st_status st__row_sketch_from_hashes(uint64_t *hash, size_t n, st__row_sketch *s,
                                     st_error *err);

void st__row_sketch_free(st__row_sketch *s);
/* Copies src into dst (empty on failure); fails only when out of memory. */
st_status st__row_sketch_copy(st__row_sketch *dst, const st__row_sketch *src, st_error *err);

/* The row_sketch line, when s has one. */
void st__row_sketch_write(st__text *t, const st__row_sketch *s);
/* Reads the optional row_sketch line (the reader is left where it was when the next line
 * is something else). */
st_status st__row_sketch_read(st__mreader *r, st__row_sketch *s);

/* Compares the rows of ds, hashed over the model's features, with the sketch (see
 * st_training_overlap). */
st_status st__row_sketch_overlap(const st__row_sketch *s, const st_dataset *ds,
                                 const void *model, size_t n_names, st__sketch_name_fn name,
                                 st_training_overlap *out, st_error *err);

#endif
