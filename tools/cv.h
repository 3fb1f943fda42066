/* stratum cv and stratum compare: what the command has set up (data, folds, options) and
 * the ways of running it: one model setting with metrics per fold (the library's st_cv_run,
 * stratum/cv.h, driven by cv_folds.c and reported by cv_report.c), or the logreg lambda
 * path cv.glmnet-style (cv_path.c). */
#ifndef STRATUM_CLI_CV_H
#define STRATUM_CLI_CV_H

#include "cli.h"

typedef enum cv_measure { CV_DEVIANCE, CV_AUC, CV_PR_AUC } cv_measure;

typedef enum cv_model { CV_LOGREG, CV_GBDT } cv_model;

typedef struct cv_setup {
    const st_dataset *ds;   /* the features to train on (a group or fold column removed) */
    const char *data_path;
    const int *fold;        /* fold[r * n + i]: test fold of row i in repeat r */
    size_t n_folds, n_repeats;
    const char *how;        /* "stratified", "grouped by COL", "given by COL" */
    cv_model model;         /* which family to fit */
    st_logreg_params prm;   /* its options when logreg */
    st_gbdt_params gprm;    /* its options when gbdt (n_threads and seed set) */
    double valid_fraction;  /* gbdt: share of each training part held out as the
                               validation set (early stopping); 0 = none */
    st_eval_params eval;    /* threshold rule and its options; no bootstrap */
    size_t threshold_folds; /* the rule is applied to out-of-fold predictions of an inner
                               stratified k-fold split of each training part (k of them);
                               0: to the training part's own in-sample predictions */
    unsigned long long threshold_seed; /* seeds those inner folds */
    const double *groups;   /* --group-col: group id of each row of ds, or NULL; the inner
                               folds (thresholds, recalibration) then keep each group in
                               one inner fold too, so no patient leaks across them */
    const double *fold_ids; /* --fold-col: its value in each row of ds, or NULL */
    unsigned long long fold_seed; /* --seed: seeds the folds */
    const char *rule_word;
    const char *oof_path;   /* --oof FILE or NULL */
    const char *report_path; /* --report FILE.html or NULL */
    const char *monotone_spec; /* gbdt's --monotone text, or NULL; resolved into gprm */
    cli_format format;
    int quiet;
    /* stratum compare --recalibrate: each setting also calibrated in each fold on an inner
     * cross-validation of its training part (st_compare_run) and reported; NULL: not */
    const struct post_opts *recal;
    struct cli_text *text;  /* --text-col and its options (cli_text.h), or NULL: each
                               training part fits its own featurizers */
} cv_setup;

/* Reads DATA, takes the group or fold column (if any) out of the features and makes the
 * folds: *fold gets n_repeats * n_rows entries (free it), *n_folds their number; with
 * group_col or fold_col, *groups gets that column's value in each row (free it), else
 * NULL. Returns an
 * exit code, with a message on stderr on failure. */
int cv_prepare(const char *path, const cli_common *c, const char *group_col,
               const char *fold_col, size_t folds, size_t repeats, st_dataset **ds, int **fold,
               size_t *n_folds, double **groups);

/* Row indices of the training and test parts of fold f in repeat r; returns their sizes
 * through *n_train and *n_test. train and test have room for n rows. */
void cv_split(const cv_setup *s, size_t r, size_t f, size_t *train, size_t *n_train,
              size_t *test, size_t *n_test);

/* Where s's threshold rule is applied, for reports: ", chosen on the out-of-fold
 * predictions of a 3-fold inner cross-validation of each training part", or on its own
 * predictions (--threshold-folds 0); "" for a fixed threshold. */
const char *cv_threshold_where(const cv_setup *s, char *buf, size_t size);

/* A metric across folds: mean, SD and a t-based 95% interval for the mean, clipped to the
 * metric's range, over the folds where it is defined (NaN when it cannot be computed). */
typedef st_cv_summary cv_summary;

/* "logreg" or "gbdt". */
const char *cv_model_name(cv_model model);

/* s's model and folds as the library's parameters (text columns included), with the
 * progress line's callbacks (cli_progress.h) for the fits (cv_fit.c). The fits themselves
 * (cross-validation, the inner folds of thresholds and calibration maps) are the
 * library's: st_cv_run, st_cv_path_run, st_cv_post_fit. */
st_cv_params cv_params_of(const cv_setup *s);

/* What the reports (stratum/report.h) show that only the command knows: DATA's path, how
 * the folds were made, the rule's word. */
st_report_context cv_report_context(const cv_setup *s);

/* Runs the cross-validation of one model setting: *cv gets the library's result (free
 * it: its folds, n_folds * n_repeats repeat-major, and each metric's summary over them).
 * Per-fold progress goes to stderr when `progress`; a failure is one line on stderr.
 * Returns an exit code. Whatever the thread count, the numbers are the same for a seed. */
int cv_run_folds(const cv_setup *s, st_cv_result **cv, int progress);

/* stratum cv at one setting: runs the folds, writes --oof, prints the report. */
int cv_run(const cv_setup *s);
int cv_run_path(const cv_setup *s, const st_logreg_path_options *popt, cv_measure measure);

#endif
