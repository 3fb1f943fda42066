/* The cross-validation options (--folds, --repeats, --group-col, the threshold rule, ...)
 * that stratum cv and stratum compare share. */
#ifndef STRATUM_CLI_CV_OPTIONS_H
#define STRATUM_CLI_CV_OPTIONS_H

#include "cv.h"

enum { OPT_FOLDS = 4001, OPT_REPEATS, OPT_GROUP_COL, OPT_FOLD_COL, OPT_OOF, OPT_THRESHOLD,
       OPT_RULE, OPT_BETA, OPT_MIN_RECALL, OPT_MIN_PRECISION, OPT_PATH, OPT_MEASURE,
       OPT_N_LAMBDA, OPT_MIN_RATIO,
       OPT_REPORT /* --report FILE.html */,
       OPT_THRESHOLD_FOLDS /* --threshold-folds K */ };

/* getopt_long entries for the folds and for the threshold rule. */
#define CLI_CV_FOLD_OPTIONS                                                                \
    {"folds", required_argument, NULL, OPT_FOLDS},                                         \
    {"repeats", required_argument, NULL, OPT_REPEATS},                                     \
    {"group-col", required_argument, NULL, OPT_GROUP_COL},                                 \
    {"fold-col", required_argument, NULL, OPT_FOLD_COL}
#define CLI_CV_RULE_OPTIONS                                                                \
    {"threshold-rule", required_argument, NULL, OPT_RULE},                                 \
    {"beta", required_argument, NULL, OPT_BETA},                                           \
    {"min-recall", required_argument, NULL, OPT_MIN_RECALL},                               \
    {"min-precision", required_argument, NULL, OPT_MIN_PRECISION},                         \
    {"threshold-folds", required_argument, NULL, OPT_THRESHOLD_FOLDS}

/* "fixed", "f1", ... indexed by st_threshold_rule. */
extern const char *const cv_rule_words[6];

typedef struct cv_opts {
    long folds, repeats;
    int folds_given, repeats_given, threshold_given;
    const char *group_col, *fold_col, *oof;
    const char *report; /* --report FILE.html, or NULL */
    long threshold_folds; /* --threshold-folds: inner folds the rule is applied on; 0 =
                             the training part's in-sample predictions (default 3) */
    st_eval_params eval;
    int path;
    cv_measure measure;
    st_logreg_path_options popt;
} cv_opts;

/* The defaults: 5 folds, 1 repeat, fixed threshold 0.5. */
cv_opts cv_opts_default(void);

/* One of cv's own options, for `command`: 1 handled, 0 not ours, -1 bad value (usage
 * error printed). */
int cv_option(const char *command, cv_opts *o, int code, const char *arg);

/* Reads DATA and makes the folds as cv_prepare, then fills the cv_setup fields they
 * decide (ds, fold, n_folds, n_repeats, groups or fold_ids, fold_seed, how in how_buf,
 * eval); the caller frees *fold, s->groups and s->fold_ids. Returns an exit code. */
int cv_opts_prepare(const cv_opts *o, const cli_common *c, const char *data_path,
                    cv_setup *s, st_dataset **ds, int **fold, char *how_buf, size_t how_size);

#endif
