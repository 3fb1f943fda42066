/* stratum/folds.h: cross-validation fold assignment and row subsets of a dataset. Include
 * <stratum.h> rather than this file.
 *
 *     st_folds_params fp = st_folds_params_default();       // 5 folds, 1 repeat, seed 42
 *     size_t n = st_dataset_n_rows(ds), k;
 *     int *fold = malloc(n * fp.n_repeats * sizeof *fold);
 *     st_folds_make(st_dataset_labels(ds), n, &fp, fold, n * fp.n_repeats, &k, &err);
 *     // row i is in the test part of fold fold[r * n + i] (0..k-1) in repeat r
 *
 * Three ways of making folds:
 *
 * - Stratified (the default): in each repeat the rows of each class are shuffled and dealt
 *   to the folds in turn, the negatives continuing where the positives stopped. Each fold
 *   then holds floor or ceil of n_c / k rows of each class c (within one row of the ideal
 *   n_c / k) and floor or ceil of n / k rows in all.
 * - Grouped (groups given): rows with the same group id are always in the same fold. The
 *   groups are split into two strata, those containing a positive row and those that do
 *   not (roughly what scikit-learn's StratifiedGroupKFold aims at). Within each stratum the
 *   groups are shuffled, then taken largest first (ties in shuffled order), and each goes
 *   to the fold with the fewest positive rows so far (groups with a positive) or the
 *   fewest rows so far (groups without), ties to the lowest fold. Balance is as good as
 *   the group sizes allow, not guaranteed within one row. Needs at least k groups.
 * - Given (fold_ids given): the caller's fold column; its distinct values, in ascending
 *   order, are folds 0, 1, ... (so k is their number, at least 2), one repeat only.
 *
 * Repeat r shuffles with its own stream, splitmix64 seeded by (seed, r): the same seed
 * gives the same folds on any machine and thread count, and repeat 0 does not depend on
 * how many repeats there are. Row weights play no part. */
#ifndef STRATUM_FOLDS_H
#define STRATUM_FOLDS_H

#include <stddef.h>
#include "common.h"
#include "dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of st_folds_make. Start from st_folds_params_default(). */
typedef struct st_folds_params {
    size_t n_folds;           /* k >= 2 (default 5); not used with fold_ids */
    size_t n_repeats;         /* R >= 1 (default 1); must be 1 with fold_ids */
    unsigned long long seed;  /* of the shuffles (default ST_DEFAULT_SEED, 42) */
    const double *groups;     /* NULL (default), or n finite group ids: rows with equal ids
                                 share a fold. Borrowed for the call only. */
    const double *fold_ids;   /* NULL (default), or n finite fold ids chosen by the caller;
                                 excludes groups. Borrowed for the call only. */
} st_folds_params;

ST_API st_folds_params st_folds_params_default(void);

/* Assigns each of n rows a test fold in each repeat: fold[r * n + i] in 0..k-1 is the fold
 * of row i in repeat r, and k is written to *n_folds. labels: n values, 0 or 1 (may be NULL
 * with fold_ids). fold must have room for n * n_repeats values (n_fold). Fails with
 * ST_ERR_INVALID_ARG for NULL arrays, bad options or too small a buffer, and ST_ERR_DATA
 * when the rows cannot make the folds (fewer rows or groups than folds, a non-finite group
 * or fold id, naming the row; one distinct fold id). prm may be NULL for the defaults. */
ST_API st_status st_folds_make(const float *labels, size_t n, const st_folds_params *prm,
                               int *fold /* OUT */, size_t n_fold, size_t *n_folds /* OUT */,
                               st_error *err);

/* A new dataset of the given rows of ds, in that order (a row may repeat): feature names,
 * types, level dictionaries (all levels, even those absent from the rows), labels,
 * weights, label, weight and class names are copied. rows must be < st_dataset_n_rows(ds)
 * and n_rows >= 1. On failure *out is NULL. */
ST_API st_status st_dataset_subset(const st_dataset *ds, const size_t *rows, size_t n_rows,
                                   st_dataset **out /* OUT */, st_error *err);

/* The same, and keeping only the features listed (indices into ds, each at most once, in
 * the order given). rows NULL keeps every row (n_rows is then ignored); features NULL keeps
 * every feature (n_features ignored). Used to drop a group or fold column before
 * training. */
ST_API st_status st_dataset_select(const st_dataset *ds, const size_t *rows, size_t n_rows,
                                   const size_t *features, size_t n_features,
                                   st_dataset **out /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_FOLDS_H */
