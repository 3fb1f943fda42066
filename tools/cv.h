/* stratum cv: what the command has set up (data, folds, options) and the two ways of
 * running it: one lambda with metrics per fold (cv_logreg.c), or the lambda path
 * cv.glmnet-style (cv_path.c). */
#ifndef STRATUM_CV_H
#define STRATUM_CV_H

#include "cli.h"

typedef enum cv_measure { CV_DEVIANCE, CV_AUC, CV_PR_AUC } cv_measure;

typedef struct cv_setup {
    const st_dataset *ds;   /* the features to train on (a group or fold column removed) */
    const char *data_path;
    const int *fold;        /* fold[r * n + i]: test fold of row i in repeat r */
    size_t n_folds, n_repeats;
    const char *how;        /* "stratified", "grouped by COL", "given by COL" */
    st_logreg_params prm;
    st_eval_params eval;    /* threshold rule and its options; no bootstrap */
    const char *rule_word;
    const char *oof_path;   /* --oof FILE or NULL */
    cli_format format;
    int quiet;
} cv_setup;

/* Reads DATA, takes the group or fold column (if any) out of the features and makes the
 * folds: *fold gets n_repeats * n_rows entries (free it), *n_folds their number. Returns an
 * exit code, with a message on stderr on failure. */
int cv_prepare(const char *path, const cli_common *c, const char *group_col,
               const char *fold_col, size_t folds, size_t repeats, st_dataset **ds, int **fold,
               size_t *n_folds);

/* Row indices of the training and test parts of fold f in repeat r; returns their sizes
 * through *n_train and *n_test. train and test have room for n rows. */
void cv_split(const cv_setup *s, size_t r, size_t f, size_t *train, size_t *n_train,
              size_t *test, size_t *n_test);

/* Two-sided 95% quantile of Student's t with df degrees of freedom. */
double cv_t975(size_t df);

int cv_run_logreg(const cv_setup *s);
int cv_run_path(const cv_setup *s, const st_logreg_path_options *popt, cv_measure measure);

#endif
