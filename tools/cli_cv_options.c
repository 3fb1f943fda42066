/* The cross-validation options shared by cv and compare. */
#include <string.h>

#include "cli_cv_options.h"

const char *const cv_rule_words[6] = {"fixed", "f1", "fbeta", "youden", "min-recall",
                                      "min-precision"};

cv_opts cv_opts_default(void)
{
    cv_opts o = {.folds = 5, .repeats = 1, .threshold_folds = 3,
                 .eval = st_eval_params_default(),
                 .measure = CV_DEVIANCE, .popt = st_logreg_path_options_default()};
    return o;
}

static int bad(const char *command, const char *option, const char *arg, const char *expected)
{
    cli_usage_error(command, "--%s '%s': expected %s", option, arg, expected);
    return -1;
}

int cv_option(const char *command, cv_opts *o, int code, const char *arg)
{
    const char *c = command;
    double v;
    long n;
    switch (code) {
    case OPT_FOLDS:
        if (!cli_parse_int(arg, 2, 1000000, &o->folds))
            return bad(c, "folds", arg, "a whole number from 2 to 1000000");
        o->folds_given = 1;
        return 1;
    case OPT_REPEATS:
        if (!cli_parse_int(arg, 1, 1000, &o->repeats))
            return bad(c, "repeats", arg, "a whole number from 1 to 1000");
        o->repeats_given = 1;
        return 1;
    case OPT_GROUP_COL: o->group_col = arg; return 1;
    case OPT_FOLD_COL: o->fold_col = arg; return 1;
    case OPT_OOF: o->oof = arg; return 1;
    case OPT_REPORT: o->report = arg; return 1;
    case OPT_THRESHOLD_FOLDS:
        if (!cli_parse_int(arg, 0, 100, &o->threshold_folds) || o->threshold_folds == 1)
            return bad(c, "threshold-folds", arg, "0 (in-sample) or a whole number from 2 "
                       "to 100");
        return 1;
    case OPT_THRESHOLD:
        if (!cli_parse_double(arg, &v) || v != v)
            return bad(c, "threshold", arg, "a number");
        o->eval.threshold = v;
        o->threshold_given = 1;
        return 1;
    case OPT_RULE:
        for (size_t i = 0; i < 6; i++)
            if (strcmp(arg, cv_rule_words[i]) == 0) {
                o->eval.rule = (st_threshold_rule)i;
                return 1;
            }
        return bad(c, "threshold-rule", arg, "f1, fbeta, youden, min-recall or min-precision");
    case OPT_BETA:
        if (!cli_parse_double(arg, &v) || !(v > 0) || v > 1e6)
            return bad(c, "beta", arg, "a number > 0");
        o->eval.beta = v;
        return 1;
    case OPT_MIN_RECALL:
    case OPT_MIN_PRECISION:
        if (!cli_parse_double(arg, &v) || !(v >= 0 && v <= 1))
            return bad(c, code == OPT_MIN_RECALL ? "min-recall" : "min-precision", arg,
                       "a number from 0 to 1");
        *(code == OPT_MIN_RECALL ? &o->eval.min_recall : &o->eval.min_precision) = v;
        return 1;
    case OPT_PATH: o->path = 1; return 1;
    case OPT_MEASURE:
        if (strcmp(arg, "deviance") == 0) o->measure = CV_DEVIANCE;
        else if (strcmp(arg, "auc") == 0) o->measure = CV_AUC;
        else if (strcmp(arg, "pr-auc") == 0) o->measure = CV_PR_AUC;
        else return bad(c, "measure", arg, "deviance, auc or pr-auc");
        return 1;
    case OPT_N_LAMBDA:
        if (!cli_parse_int(arg, 1, 100000L, &n))
            return bad(c, "n-lambda", arg, "a whole number in [1, 100000]");
        o->popt.n_lambda = (size_t)n;
        return 1;
    case OPT_MIN_RATIO:
        if (!cli_parse_double(arg, &v) || !(v > 0 && v <= 1))
            return bad(c, "lambda-min-ratio", arg, "a number in (0, 1]");
        o->popt.lambda_min_ratio = v;
        return 1;
    default: return 0;
    }
}

int cv_opts_prepare(const cv_opts *o, const cli_common *c, const char *data_path,
                    cv_setup *s, st_dataset **ds, int **fold, char *how_buf, size_t how_size)
{
    size_t n_folds = 0;
    double *groups = NULL;
    int status = cv_prepare(data_path, c, o->group_col, o->fold_col, (size_t)o->folds,
                            (size_t)o->repeats, ds, fold, &n_folds, &groups);
    if (status != EXIT_OK)
        return status;
    if (o->group_col != NULL)
        snprintf(how_buf, how_size, "stratified, grouped by %s,", o->group_col);
    else if (o->fold_col != NULL)
        snprintf(how_buf, how_size, "(folds given by %s)", o->fold_col);
    else
        snprintf(how_buf, how_size, "stratified");
    s->ds = *ds;
    s->data_path = data_path;
    s->fold = *fold;
    s->groups = o->group_col != NULL ? groups : NULL; /* owned by s: the caller frees it */
    s->fold_ids = o->fold_col != NULL ? groups : NULL; /* the same */
    s->fold_seed = c->seed;
    s->n_folds = n_folds;
    s->n_repeats = o->fold_col != NULL ? 1 : (size_t)o->repeats;
    s->how = how_buf;
    s->eval = o->eval;
    s->eval.n_bootstrap = 0;
    s->threshold_folds = (size_t)o->threshold_folds;
    s->threshold_seed = c->seed;
    s->eval.n_threads = c->threads;
    s->rule_word = cv_rule_words[o->eval.rule];
    s->format = c->format;
    s->quiet = c->quiet;
    return EXIT_OK;
}
