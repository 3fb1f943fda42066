/* src/fit/cv*.c: cross-validation (stratum/cv.h). cv_run.c runs the folds and fills the
 * result, cv_fold.c does one fold (fit, threshold, evaluation), cv_part.c fits a family on
 * one training part and predicts (text featurized on that part alone), cv_inner.c gives
 * the inner out-of-fold predictions, cv_holdout.c the validation split, cv_summary.c the
 * summaries, cv_check.c the parameters' checks and the folds, cv_path.c the lambda path
 * cross-validated (st_cv_path_run), cv_post.c the calibration map and threshold fitted on
 * inner out-of-fold predictions (st_cv_post_fit). They call the families, text/ and eval/ through their public functions. */
#ifndef STRATUM_FIT_CV_IMPL_H
#define STRATUM_FIT_CV_IMPL_H

#include <stratum.h>

#define ST__CV_MAX_TEXT_COLS 64

/* The texts of each text column tokenised once for all the folds of one dataset (the
 * folds' parts are subsets of it; st_text_corpus_matches checks), owned. */
typedef struct st__cv_text {
    st_text_corpus *corpus[ST__CV_MAX_TEXT_COLS];
} st__cv_text;

void st__cv_text_free(st__cv_text *t);

/* st_cv_fit_predict with a text cache (NULL: none kept). */
st_status st__cv_fit_predict(const st_cv_params *prm, st__cv_text *text, const st_dataset *tr,
                             const st_dataset *te, double *p_train, double *p_test,
                             st_cv_params *chosen, st_error *err);

/* st_cv_oof with a text cache; fold_out (n_rows(ds) entries) and *n_folds_out, when not
 * NULL, get the inner folds. folds_name is what the caller's API calls folds, for the
 * message when the folds cannot be made ("st_cv_post_params.folds"). */
st_status st__cv_oof(const st_cv_params *prm, st__cv_text *text, const st_dataset *ds,
                     size_t folds, const char *folds_name, unsigned long long seed,
                     double *oof, int *fold_out, size_t *n_folds_out, st_error *err);

/* One fold: rows train[0..n_train) fit, test[0..n_test) are evaluated; p_test gets the
 * test predictions, *res its metrics and threshold. */
st_status st__cv_fold(const st_dataset *ds, const st_cv_params *prm, st__cv_text *text,
                      size_t repeat, size_t fold, const size_t *train, size_t n_train,
                      const size_t *test, size_t n_test, double *p_test, st_cv_fold *res,
                      st_error *err);

/* NULL when p can be run on ds, else what is wrong (a static or buf) (cv_check.c). */
const char *st__cv_check(const st_dataset *ds, const st_cv_params *p, char *buf, size_t size);

/* p's folds of ds's rows: fold_of gets n_repeats * n_rows entries (1 repeat with fold_ids),
 * *n_folds their number (st_folds_make). */
st_status st__cv_folds(const st_dataset *ds, const st_cv_params *p, int *fold_of,
                       size_t *n_folds, st_error *err);

/* "logreg" or "gbdt". */
const char *st__cv_family_name(st_cv_family family);

/* st_cv_summarise with the interval's variance factor 1/d + test_train (the corrected
 * resampled t of st_cv_summarise_folds; 0: the plain t interval). */
st_cv_summary st__cv_summarise_corrected(const double *values, size_t m, int metric,
                                         double test_train);

#endif
