/* Fitting a model's post-processing from out-of-fold predictions, for stratum train
 * (--recalibrate, --threshold-rule, --threshold) and stratum compare --recalibrate: an
 * inner stratified k-fold cross-validation of the training rows gives each row a
 * prediction from a model that did not see it; the calibration map is fitted on those
 * (with the row weights, not the class weights: the map must give frequencies), and the
 * threshold rule is applied to the calibrated out-of-fold probabilities. The final model
 * is trained on all the rows by the caller. */
#ifndef STRATUM_POST_FIT_H
#define STRATUM_POST_FIT_H

#include "cv.h"

/* Option codes of --recalibrate and --calibration-folds, and of stratum train's
 * threshold options (parsed by cli_cv_options.c's cv_option, as for stratum cv). */
enum { OPT_RECALIBRATE = 7001, OPT_CALIBRATION_FOLDS, OPT_POST_RULE, OPT_POST_THRESHOLD,
       OPT_POST_BETA, OPT_POST_MIN_RECALL, OPT_POST_MIN_PRECISION, OPT_POST_OOF };

#define CLI_POST_FIT_OPTIONS                                                               \
    {"recalibrate", required_argument, NULL, OPT_RECALIBRATE},                             \
    {"calibration-folds", required_argument, NULL, OPT_CALIBRATION_FOLDS}

typedef struct post_opts {
    st_calibration_method method; /* --recalibrate (default none) */
    long folds;                   /* --calibration-folds (default 5) */
    st_eval_params eval;          /* the threshold rule and its parameters */
    int threshold_given;          /* --threshold T: store T as given */
    const char *oof;              /* stratum train --oof FILE, or NULL */
} post_opts;

post_opts post_opts_default(void);

/* --recalibrate or --calibration-folds for `command`: 1 handled, 0 not ours, -1 bad value
 * (usage error printed). */
int post_option(const char *command, post_opts *o, int code, const char *arg);

/* 1 when the options ask for an inner cross-validation (a map or a data-driven rule). */
int post_needs_cv(const post_opts *o);
/* 1 when the model gets a threshold. */
int post_wants_threshold(const post_opts *o);

/* The library's st_cv_post_result as the commands read it (its fields point into lib). */
typedef struct post_result {
    st_cv_post_result *lib;       /* owns what the pointers below point to */
    st_calibration *cal;          /* NULL: none */
    int has_threshold;
    st_decision_threshold threshold;
    size_t n, n_folds;            /* rows; folds of the inner cross-validation (0: none) */
    int *fold;                    /* n: inner test fold of each row, or NULL */
    double *oof_raw, *oof;        /* n: out-of-fold probabilities before and after the map */
    st_eval before, after;        /* st_evaluate of oof_raw and oof at the threshold */
} post_result;

/* Fits on ds with the family and options of `model` (model, prm, gprm, groups, text;
 * other fields are not used) and folds seeded by seed: st_cv_post_fit. On failure the
 * message is in err and *res holds nothing to free. */
st_status post_fit(const cv_setup *model, const st_dataset *ds, const post_opts *o,
                   unsigned long long seed, post_result *res, st_error *err);
void post_result_free(post_result *res);

/* Describes the result on stderr, for stratum train. */
void post_report(const post_opts *o, const post_result *res);

/* Writes the inner out-of-fold predictions as CSV, row,fold,label,p_raw,p. Returns an
 * exit code. */
int post_write_oof(const char *path, const st_dataset *ds, const post_result *res);

/* stratum train's side: its getopt entries (with cli_cv_options.h's threshold options),
 * help lines, one option (1 handled, 0 not ours, -1 bad value), the check once all are
 * read (copies the threshold options into po; -1 to go on, else an exit code), and the
 * run: fit, report on stderr unless quiet, write --oof. */
#define CLI_POST_TRAIN_OPTIONS                                                             \
    CLI_POST_FIT_OPTIONS,                                                                  \
    {"threshold-rule", required_argument, NULL, OPT_POST_RULE},                            \
    {"threshold", required_argument, NULL, OPT_POST_THRESHOLD},                            \
    {"beta", required_argument, NULL, OPT_POST_BETA},                                      \
    {"min-recall", required_argument, NULL, OPT_POST_MIN_RECALL},                          \
    {"min-precision", required_argument, NULL, OPT_POST_MIN_PRECISION},                    \
    {"oof", required_argument, NULL, OPT_POST_OOF}
extern const char post_train_help[];
int post_train_option(const char *command, post_opts *po, int code, const char *arg);
int post_train_check(const char *command, const post_opts *po);
int post_train_run(const cv_setup *model, const st_dataset *ds, const post_opts *po,
                   unsigned long long seed, int quiet, post_result *res);

#endif
