/* The logistic regression training options (--lambda, --alpha, --class-weight, ...) that
 * stratum train and stratum cv share. */
#ifndef STRATUM_CLI_LOGREG_OPTIONS_H
#define STRATUM_CLI_LOGREG_OPTIONS_H

#include "cli.h"

enum { OPT_LAMBDA = 3001, OPT_ALPHA, OPT_CLASS_WEIGHT, OPT_NO_STANDARDIZE, OPT_IMPUTE,
       OPT_MISSING_INDICATORS, OPT_MAX_ITER, OPT_TOL, OPT_LAMBDA_RULE };

/* getopt_long entries for them. */
#define CLI_LOGREG_OPTIONS                                                                 \
    {"lambda", required_argument, NULL, OPT_LAMBDA},                                       \
    {"alpha", required_argument, NULL, OPT_ALPHA},                                         \
    {"class-weight", required_argument, NULL, OPT_CLASS_WEIGHT},                           \
    {"no-standardize", no_argument, NULL, OPT_NO_STANDARDIZE},                             \
    {"impute", required_argument, NULL, OPT_IMPUTE},                                       \
    {"missing-indicators", no_argument, NULL, OPT_MISSING_INDICATORS},                     \
    {"max-iter", required_argument, NULL, OPT_MAX_ITER},                                   \
    {"tol", required_argument, NULL, OPT_TOL},                                             \
    {"lambda-rule", required_argument, NULL, OPT_LAMBDA_RULE}

/* Applies one of them to p; returns 1 handled, 0 not one of them, -1 bad value (a usage
 * error naming `command` is printed). */
int cli_logreg_option(const char *command, st_logreg_params *p, int code, const char *arg);

/* lambda's default for a model of text columns: CLI_TEXT_DEFAULT_LAMBDA rather than the
 * inner cross-validation, which on datasets/medical_abstracts.csv cost 0.0024 ROC-AUC and
 * 0.0075 PR-AUC and 4.6 times scikit-learn's time against 0.45 (bench/RESULTS.md, "Free
 * text"; issue 16's criterion). An explicit --lambda stays. Nothing without text columns. */
#define CLI_TEXT_DEFAULT_LAMBDA 1e-4
void cli_logreg_text_lambda(st_logreg_params *p, size_t n_text_cols);

/* After parsing, before cli_logreg_text_lambda: --lambda-rule 1se with a --lambda given
 * (the rule chooses lambda by cross-validation; a given one leaves it nothing to choose)
 * is a usage error: EXIT_USAGE with the message printed, else EXIT_OK. */
int cli_logreg_check(const char *command, const st_logreg_params *p);

#endif
