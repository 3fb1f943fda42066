/* The logistic regression training options shared by train and cv. */
#include <math.h>
#include <string.h>

#include "cli_logreg_options.h"

void cli_logreg_text_lambda(st_logreg_params *p, size_t n_text_cols)
{
    if (n_text_cols > 0 && p->lambda == ST_LOGREG_LAMBDA_CV)
        p->lambda = CLI_TEXT_DEFAULT_LAMBDA;
}

int cli_logreg_check(const char *command, const st_logreg_params *p)
{
    if (p->lambda != ST_LOGREG_LAMBDA_CV && p->lambda_rule == ST_LAMBDA_1SE)
        return cli_usage_error(command, "--lambda-rule 1se chooses lambda by cross-validation; "
                               "with --lambda %g given it has nothing to choose", p->lambda);
    return EXIT_OK;
}

int cli_logreg_option(const char *command, st_logreg_params *p, int code, const char *arg)
{
    long v;
    switch (code) {
    case OPT_LAMBDA:
        if (!cli_parse_double(arg, &p->lambda) || !(p->lambda >= 0) || isinf(p->lambda))
            return cli_usage_error(command, "--lambda '%s': expected a number >= 0", arg), -1;
        return 1;
    case OPT_ALPHA:
        if (!cli_parse_double(arg, &p->alpha) || !(p->alpha >= 0 && p->alpha <= 1))
            return cli_usage_error(command, "--alpha '%s': expected a number in [0, 1]", arg), -1;
        return 1;
    case OPT_CLASS_WEIGHT:
        if (strcmp(arg, "none") == 0) {
            p->class_weight = ST_CLASS_WEIGHT_NONE;
        } else if (strcmp(arg, "balanced") == 0) {
            p->class_weight = ST_CLASS_WEIGHT_BALANCED;
        } else if (cli_parse_double(arg, &p->positive_weight) && p->positive_weight > 0 &&
                   !isinf(p->positive_weight)) {
            p->class_weight = ST_CLASS_WEIGHT_POSITIVE;
        } else {
            return cli_usage_error(command, "--class-weight '%s': expected none, balanced or "
                                   "a number > 0", arg), -1;
        }
        return 1;
    case OPT_LAMBDA_RULE:
        if (strcmp(arg, "min") == 0)
            p->lambda_rule = ST_LAMBDA_MIN;
        else if (strcmp(arg, "1se") == 0)
            p->lambda_rule = ST_LAMBDA_1SE;
        else
            return cli_usage_error(command, "--lambda-rule '%s': expected min or 1se", arg), -1;
        return 1;
    case OPT_NO_STANDARDIZE: p->standardize = 0; return 1;
    case OPT_IMPUTE:
        if (strcmp(arg, "mean") == 0)
            p->impute = ST_IMPUTE_MEAN;
        else if (strcmp(arg, "median") == 0)
            p->impute = ST_IMPUTE_MEDIAN;
        else
            return cli_usage_error(command, "--impute '%s': expected mean or median", arg), -1;
        return 1;
    case OPT_MISSING_INDICATORS: p->missing_indicators = 1; return 1;
    case OPT_MAX_ITER:
        if (!cli_parse_int(arg, 1, 1000000000L, &v))
            return cli_usage_error(command, "--max-iter '%s': expected a whole number > 0",
                                   arg), -1;
        p->max_iter = (int)v;
        return 1;
    case OPT_TOL:
        if (!cli_parse_double(arg, &p->tol) || !(p->tol > 0) || isinf(p->tol))
            return cli_usage_error(command, "--tol '%s': expected a number > 0", arg), -1;
        return 1;
    default: return 0;
    }
}
