/* stratum/fit.h: one training entry point per model family, whatever holds the rows.
 * Include <stratum.h> rather than this file.
 *
 * A training source says where the rows are: a dataset in memory (st_dataset_read), a
 * binned file mapped from disk (st_binned_open, for data larger than memory), or a
 * dataset in memory binned with a binned file's bins. st_gbdt_fit and st_logreg_fit take
 * any of them and call the family's trainer for that form, so a caller that handles
 * several forms writes one call:
 *
 *     st_train_source src = st_source_binned(bins);        // or st_source_dataset(ds)
 *     st_gbdt *m = NULL;
 *     if (st_gbdt_fit(&src, &prm, NULL, &m, &err) != ST_OK) { ... err.message ... }
 *
 * The model is byte for byte the one the form's own function gives (st_gbdt_train_ex,
 * st_gbdt_train_binned, st_gbdt_train_with_bins; st_logreg_train,
 * st_logreg_train_binned), which stay available. Distributed training takes a
 * communicator as well and keeps its own functions (stratum/mpi.h).
 *
 * Ownership: a source only borrows its dataset, binned file and validation set; they must
 * outlive the call and are not modified or kept. */
#ifndef STRATUM_FIT_H
#define STRATUM_FIT_H

#include "binned.h"
#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "logreg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_source_kind {
    ST_SOURCE_DATASET = 0,       /* rows in memory: dataset */
    ST_SOURCE_BINNED = 1,        /* a binned file (.stb): binned */
    ST_SOURCE_DATASET_BINNED = 2 /* rows in memory (dataset) binned with binned's bins;
                                    boosted trees only */
} st_source_kind;

typedef struct st_train_source {
    st_source_kind kind;
    const st_dataset *dataset; /* borrowed; ST_SOURCE_DATASET, ST_SOURCE_DATASET_BINNED */
    const st_binned *binned;   /* borrowed; ST_SOURCE_BINNED, ST_SOURCE_DATASET_BINNED */
    const st_dataset *valid;   /* borrowed, may be NULL: a labelled validation set for
                                  boosted trees (st_gbdt_train_ex); must be NULL for
                                  logistic regression */
} st_train_source;

/* Sources of each kind, with no validation set (set .valid afterwards to add one). */
ST_API st_train_source st_source_dataset(const st_dataset *ds);
ST_API st_train_source st_source_binned(const st_binned *b);
ST_API st_train_source st_source_dataset_binned(const st_dataset *ds, const st_binned *bins);

/* Boosted trees on src: st_gbdt_train_ex (a dataset), st_gbdt_train_binned (a binned
 * file) or st_gbdt_train_with_bins (a dataset on a file's bins), with src->valid and cb
 * (may be NULL) as those take them. ST_ERR_INVALID_ARG when src is NULL, of an unknown
 * kind, or lacks the dataset or file its kind needs. On failure *out is NULL. */
ST_API st_status st_gbdt_fit(const st_train_source *src, const st_gbdt_params *prm,
                             const st_gbdt_train_callbacks *cb, st_gbdt **out /* OUT */,
                             st_error *err);

/* Logistic regression on src: st_logreg_train (a dataset) or st_logreg_train_binned (a
 * binned file made with raw values). ST_ERR_INVALID_ARG as st_gbdt_fit, and for
 * ST_SOURCE_DATASET_BINNED or a validation set, which logistic regression does not take.
 * On failure *out is NULL. */
ST_API st_status st_logreg_fit(const st_train_source *src, const st_logreg_params *prm,
                               st_logreg **out /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_FIT_H */
