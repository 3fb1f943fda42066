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
       OPT_GBDT_CAT_SMOOTH, OPT_GBDT_MIN_DATA_PER_GROUP, OPT_GBDT_MAX_CAT_LEVELS };

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
    {"max-cat-to-onehot", required_argument, NULL, OPT_GBDT_MAX_CAT_TO_ONEHOT},            \
    {"max-cat-threshold", required_argument, NULL, OPT_GBDT_MAX_CAT_THRESHOLD},            \
    {"cat-l2", required_argument, NULL, OPT_GBDT_CAT_L2},                                  \
    {"cat-smooth", required_argument, NULL, OPT_GBDT_CAT_SMOOTH},                          \
    {"min-data-per-group", required_argument, NULL, OPT_GBDT_MIN_DATA_PER_GROUP},          \
    {"max-cat-levels", required_argument, NULL, OPT_GBDT_MAX_CAT_LEVELS}
#define CLI_GBDT_CLASS_WEIGHT_OPTION                                                       \
    {"class-weight", required_argument, NULL, OPT_GBDT_CLASS_WEIGHT}

/* Help lines for them, LightGBM's names and defaults. */
extern const char cli_gbdt_help[];

/* Applies one of them to p; returns 1 handled, 0 not one of them, -1 bad value (a usage
 * error naming `command` is printed). */
int cli_gbdt_option(const char *command, st_gbdt_params *p, int code, const char *arg);

#endif
