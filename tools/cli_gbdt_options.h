/* The gradient-boosted trees training options (--num-trees, --num-leaves, ...) that
 * stratum train gbdt, stratum cv gbdt and stratum compare share. */
#ifndef STRATUM_CLI_GBDT_OPTIONS_H
#define STRATUM_CLI_GBDT_OPTIONS_H

#include "cli.h"

enum { OPT_GBDT_NUM_TREES = 5001, OPT_GBDT_NUM_LEAVES, OPT_GBDT_MAX_DEPTH,
       OPT_GBDT_LEARNING_RATE, OPT_GBDT_MAX_BIN, OPT_GBDT_MIN_DATA, OPT_GBDT_MIN_HESS,
       OPT_GBDT_L1, OPT_GBDT_L2, OPT_GBDT_MIN_GAIN, OPT_GBDT_FEATURE_FRACTION,
       OPT_GBDT_BAGGING_FRACTION, OPT_GBDT_BAGGING_FREQ, OPT_GBDT_SCALE_POS,
       OPT_GBDT_CLASS_WEIGHT,
       /* categorical splits */
       OPT_GBDT_MAX_CAT_TO_ONEHOT, OPT_GBDT_MAX_CAT_THRESHOLD, OPT_GBDT_CAT_L2,
       OPT_GBDT_CAT_SMOOTH, OPT_GBDT_MIN_DATA_PER_GROUP, OPT_GBDT_MAX_CAT_LEVELS,
       OPT_GBDT_MONOTONE,
       /* quantized gradients */
       OPT_GBDT_QUANTIZED_GRAD, OPT_GBDT_NUM_GRAD_QUANT_BINS };

/* getopt_long entries for them, except --class-weight (CLI_GBDT_CLASS_WEIGHT_OPTION),
 * whose name logreg shares. */
#define CLI_GBDT_OPTIONS                                                                   \
    {"num-trees", required_argument, NULL, OPT_GBDT_NUM_TREES},                            \
    {"num-leaves", required_argument, NULL, OPT_GBDT_NUM_LEAVES},                          \
    {"max-depth", required_argument, NULL, OPT_GBDT_MAX_DEPTH},                            \
    {"learning-rate", required_argument, NULL, OPT_GBDT_LEARNING_RATE},                    \
    {"max-bin", required_argument, NULL, OPT_GBDT_MAX_BIN},                                \
    {"min-data-in-leaf", required_argument, NULL, OPT_GBDT_MIN_DATA},                      \
    {"min-sum-hessian-in-leaf", required_argument, NULL, OPT_GBDT_MIN_HESS},               \
    {"lambda-l1", required_argument, NULL, OPT_GBDT_L1},                                   \
    {"lambda-l2", required_argument, NULL, OPT_GBDT_L2},                                   \
    {"min-gain-to-split", required_argument, NULL, OPT_GBDT_MIN_GAIN},                     \
    {"feature-fraction", required_argument, NULL, OPT_GBDT_FEATURE_FRACTION},              \
    {"bagging-fraction", required_argument, NULL, OPT_GBDT_BAGGING_FRACTION},              \
    {"bagging-freq", required_argument, NULL, OPT_GBDT_BAGGING_FREQ},                      \
    {"scale-pos-weight", required_argument, NULL, OPT_GBDT_SCALE_POS},                     \
    {"monotone", required_argument, NULL, OPT_GBDT_MONOTONE},                              \
    {"max-cat-to-onehot", required_argument, NULL, OPT_GBDT_MAX_CAT_TO_ONEHOT},            \
    {"max-cat-threshold", required_argument, NULL, OPT_GBDT_MAX_CAT_THRESHOLD},            \
    {"cat-l2", required_argument, NULL, OPT_GBDT_CAT_L2},                                  \
    {"cat-smooth", required_argument, NULL, OPT_GBDT_CAT_SMOOTH},                          \
    {"min-data-per-group", required_argument, NULL, OPT_GBDT_MIN_DATA_PER_GROUP},          \
    {"max-cat-levels", required_argument, NULL, OPT_GBDT_MAX_CAT_LEVELS},                  \
    {"quantized-grad", no_argument, NULL, OPT_GBDT_QUANTIZED_GRAD},                         \
    {"num-grad-quant-bins", required_argument, NULL, OPT_GBDT_NUM_GRAD_QUANT_BINS}
#define CLI_GBDT_CLASS_WEIGHT_OPTION                                                       \
    {"class-weight", required_argument, NULL, OPT_GBDT_CLASS_WEIGHT}

/* Help lines for them, LightGBM's names and defaults. */
extern const char cli_gbdt_help[];

/* Applies one of them to p; returns 1 handled, 0 not one of them, -1 bad value (a usage
 * error naming `command` is printed). */
int cli_gbdt_option(const char *command, st_gbdt_params *p, int code, const char *arg);

/* Validation options: --valid-fraction, --early-stopping-rounds and --metric (train and
 * cv), --valid and --metric-freq (train only). */
enum { OPT_GBDT_VALID = 5101, OPT_GBDT_VALID_FRACTION, OPT_GBDT_EARLY_STOPPING,
       OPT_GBDT_METRIC, OPT_GBDT_METRIC_FREQ };

#define CLI_GBDT_VALID_OPTIONS                                                             \
    {"valid-fraction", required_argument, NULL, OPT_GBDT_VALID_FRACTION},                  \
    {"early-stopping-rounds", required_argument, NULL, OPT_GBDT_EARLY_STOPPING},           \
    {"metric", required_argument, NULL, OPT_GBDT_METRIC}
#define CLI_GBDT_VALID_FILE_OPTIONS                                                        \
    {"valid", required_argument, NULL, OPT_GBDT_VALID},                                    \
    {"metric-freq", required_argument, NULL, OPT_GBDT_METRIC_FREQ}

typedef struct cli_gbdt_valid {
    const char *path; /* --valid FILE, or NULL */
    double fraction;  /* --valid-fraction, 0 when not given */
    int metric_freq;  /* --metric-freq (default 10) */
} cli_gbdt_valid;

/* Help lines: train's (all five) and cv's (the first three). */
extern const char cli_gbdt_valid_help[];
extern const char cli_gbdt_cv_valid_help[];

/* The defaults: no validation set, a metric line every 10 trees. */
cli_gbdt_valid cli_gbdt_valid_default(void);

/* Applies one of the validation options to v and p; 1 handled, 0 not one of them, -1 bad
 * value (usage error printed). */
int cli_gbdt_valid_option(const char *command, cli_gbdt_valid *v, st_gbdt_params *p, int code,
                          const char *arg);

/* After parsing: --valid and --valid-fraction exclude each other, and early stopping
 * needs one of them; with either and no --num-trees, num_trees becomes 100 (the most
 * trees, as before the automatic default). Returns EXIT_OK or a usage error. */
int cli_gbdt_valid_check(const char *command, const cli_gbdt_valid *v, st_gbdt_params *p);

/* Holds out about `fraction` of each class of ds, chosen at random with `seed`, as *valid
 * and the rest as *train (both keep the row order). A class with at least 2 rows gives
 * between 1 and all but one of them; a class of one row stays in training
 * (cli_valid_split.c). */
st_status cli_gbdt_valid_split(const st_dataset *ds, double fraction, unsigned long long seed,
                               st_dataset **train, st_dataset **valid, st_error *err);

/* --monotone NAME:+1,NAME2:-1 (cli_gbdt_monotone.c). The names are the data's, so the
 * option is kept as text: cli_gbdt_monotone_option checks its syntax and keeps arg in
 * *spec (1 handled, 0 not --monotone, -1 bad value, usage error printed); once the data
 * is read, cli_gbdt_monotone_resolve turns spec (NULL: none) into one constraint per
 * feature of ds in *out (malloc'd, the caller frees; NULL when spec is) or returns a
 * usage error naming the item (unknown, repeated or categorical feature). */
int cli_gbdt_monotone_option(const char *command, int code, const char *arg, const char **spec);
int cli_gbdt_monotone_resolve(const char *command, const char *spec, const st_dataset *ds,
                              signed char **out);

#endif
