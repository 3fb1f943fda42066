/* Out-of-core logistic regression: the dataset's rows written once to a temporary file,
 * then fitted from it block by block, so that the fit holds a few vectors of n and of p
 * doubles and one block (8 MB) of the rows, not the design's entries (docs/text.md,
 * "Memory": how `train logreg --text-col ... --out-of-core` uses it).
 *
 *     st_logreg_rowfile *rf;
 *     st_logreg_rowfile_write(ds, &params, NULL, &rf, &err);   // ds read once
 *     st_dataset_free(ds);                                      // its entries are in the file
 *     st_logreg_rowfile_train(rf, &model, &err);
 *     st_logreg_rowfile_free(rf);                               // the file is removed
 *
 * What it fits: ridge (params.alpha 0) at a given params.lambda (not
 * ST_LOGREG_LAMBDA_CV), numeric features (dense or sparse; a missing value takes the
 * training mean, params.impute ST_IMPUTE_MEAN, without missing indicators), the objective
 * and the column means and scales of st_logreg_train (with or without standardisation),
 * by truncated Newton, the solver st_logreg_train takes for wide sparse ridge fits. The
 * model is the same model, up to rounding: the sums run in another order (one thread, in
 * row order, whatever params.n_threads, so its bits do not depend on the thread count).
 * Others are refused (ST_ERR_INVALID_ARG, saying what to pass). Standard errors up to 256
 * columns, as st_logreg_train (from p + 1 passes over the file). */
#ifndef STRATUM_LOGREG_ROWFILE_H_PUBLIC
#define STRATUM_LOGREG_ROWFILE_H_PUBLIC

#include <stdint.h>
#include <stratum/common.h>
#include <stratum/dataset.h>
#include <stratum/logreg.h>
#include <stratum/text.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the out-of-core fit does not do with params, as one sentence saying what to pass
 * instead (the message st_logreg_rowfile_write fails with); NULL when it does it. */
ST_API const char *st_logreg_rowfile_unsupported(const st_logreg_params *params);

/* The rows of a dataset in a temporary file, and what the model needs of the dataset
 * (weights, means, scales, the fingerprint). Owns the file. */
typedef struct st_logreg_rowfile st_logreg_rowfile;

/* Writes ds's rows (the design of params) to a temporary file in temp_dir (NULL: $TMPDIR,
 * else /tmp), created private (mkstemp) and unlinked at once, so it is gone when rf is
 * freed or the process ends; params is copied. ds may be freed afterwards. Fails with
 * ST_ERR_INVALID_ARG for what it does not fit (see above), ST_ERR_IO when the file cannot
 * be created or written (the directory named), ST_ERR_DATA as st_logreg_train. */
ST_API st_status st_logreg_rowfile_write(const st_dataset *ds, const st_logreg_params *params,
                                         const char *temp_dir,
                                         st_logreg_rowfile **out /* OUT, owned */,
                                         st_error *err);

/* The same for the dataset st_text_read_csv would read, written as the file is read:
 * `others` and `rows` from st_text_rows_open (its other columns, then the term columns of
 * its featurizers; rows is read to its end). Each row goes into the file as it is
 * featurized, so the term columns are never in memory: besides the other columns, about
 * 40 bytes a row, 120 a term column and a block of 8 MB (docs/text.md, "Memory"); the
 * file is read once more for the term columns' variances. The model is the one
 * st_logreg_rowfile_write gives on st_text_read_csv's dataset, to the bit. Errors as
 * st_logreg_rowfile_write's and st_text_rows_next's (the file is removed). */
ST_API st_status st_logreg_rowfile_write_text(const st_dataset *others, st_text_rows *rows,
                                              const st_logreg_params *params,
                                              const char *temp_dir,
                                              st_logreg_rowfile **out /* OUT, owned */,
                                              st_error *err);

/* Fits the model from the file (params.progress is called as by st_logreg_train). Can be
 * called once. */
ST_API st_status st_logreg_rowfile_train(st_logreg_rowfile *rf, st_logreg **out /* OUT */,
                                         st_error *err);

/* The file's size in bytes, and its entries (the design's stored non-zeros). */
ST_API uint64_t st_logreg_rowfile_bytes(const st_logreg_rowfile *rf);
ST_API uint64_t st_logreg_rowfile_entries(const st_logreg_rowfile *rf);

/* Removes the file and frees rf (NULL: nothing). */
ST_API void st_logreg_rowfile_free(st_logreg_rowfile *rf);

#ifdef __cplusplus
}
#endif

#endif
