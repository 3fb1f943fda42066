/* stratum cv logreg DATA: k-fold cross-validation of logistic regression, at one lambda
 * (cv_logreg.c) or over the lambda path as cv.glmnet (cv_path.c). This file reads the
 * options and the data and makes the folds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_logreg_options.h"
#include "cv.h"

static const char cv_help[] =
    "Usage: stratum cv logreg DATA [options]\n"
    "       stratum cv logreg DATA --lambda-path [--measure M] [options]\n"
    "\n"
    "Cross-validates an elastic-net logistic regression. The rows are split into k folds,\n"
    "stratified by label (each fold within one row of the class counts / k), optionally\n"
    "repeated with new shuffles; with --group-col, rows of a group (e.g. a patient) stay in\n"
    "one fold, groups with a positive row spread over the folds first; with --fold-col,\n"
    "the folds are that column's distinct values. Group and fold columns are not used as\n"
    "features.\n"
    "\n"
    "At one lambda: each fold's model is trained on the other folds and evaluated on it\n"
    "(the metrics of 'stratum evaluate', without bootstrap); each metric is reported as\n"
    "the mean and standard deviation over the folds and a t-based 95% interval for the\n"
    "mean, mean -+ t(0.975, m-1) sd / sqrt(m) over the m folds where it is defined (folds\n"
    "share training rows, so the interval is optimistic). A --threshold-rule is applied\n"
    "to each training part's own predictions; the test fold never chooses its threshold.\n"
    "\n"
    "With --lambda-path, as R's cv.glmnet: the path on all rows fixes the lambdas, each\n"
    "training part is fitted on them, and the table gives the mean measure over the test\n"
    "folds and its standard error per lambda; lambda_min is the largest lambda with the\n"
    "best mean, lambda_1se the largest lambda whose mean is within one standard error of\n"
    "it. Deviance is glmnet's: -2 log-likelihood per row, probabilities clipped to\n"
    "[1e-5, 1 - 1e-5], averaged with the row weights.\n"
    "\n"
    "Options:\n"
    "  --folds K              number of folds, >= 2 (default: 5)\n"
    "  --repeats R            repetitions with different shuffles, >= 1 (default: 1)\n"
    "  --group-col COL        keep rows with the same value of COL in one fold (default: none)\n"
    "  --fold-col COL         use COL's distinct values as the folds, in ascending order\n"
    "                         (default: none; excludes --folds, --repeats, --group-col)\n"
    "  --oof FILE             write the out-of-fold predictions as CSV: row (1-based, in the\n"
    "                         order read),fold,repeat,label,p (default: not written)\n"
    "  --threshold T          predict positive when p >= T (default: 0.5)\n"
    "  --threshold-rule R     f1, fbeta, youden, min-recall or min-precision, chosen on each\n"
    "                         training part (default: fixed, i.e. --threshold)\n"
    "  --beta B               beta of F-beta, > 0 (default: 2)\n"
    "  --min-recall R         for min-recall, in [0, 1] (default: 0.9)\n"
    "  --min-precision P      for min-precision, in [0, 1] (default: 0.5)\n"
    "  --lambda-path          cross-validate the lambda path (--lambda is then not used)\n"
    "  --measure M            with --lambda-path: deviance, auc or pr-auc (default: deviance)\n"
    "  --n-lambda N           lambdas on the path, > 0 (default: 100)\n"
    "  --lambda-min-ratio R   smallest / largest lambda, in (0, 1] (default: 0.0001, or 0.01\n"
    "                         when there are more columns than rows)\n"
    "Training options, as for 'stratum train logreg':\n"
    "  --lambda L             penalty strength >= 0 (default: 0.0001)\n"
    "  --alpha A              L1 share of the penalty in [0, 1] (default: 0)\n"
    "  --class-weight W       none, balanced, or a number > 0 weighing positives (default: none)\n"
    "  --no-standardize       penalise the raw columns (default: standardised columns)\n"
    "  --impute M             missing numeric values: mean or median (default: mean)\n"
    "  --missing-indicators   add a 0/1 column per feature with missing values (default: off)\n"
    "  --max-iter N           Newton iterations, > 0 (default: 100)\n"
    "  --tol T                relative gap to stop at, > 0 (default: 1e-08)\n"
    "Output: --format text or csv (default: text); per-fold progress on stderr unless -q.\n";

enum { OPT_FOLDS = 4001, OPT_REPEATS, OPT_GROUP_COL, OPT_FOLD_COL, OPT_OOF, OPT_THRESHOLD,
       OPT_RULE, OPT_BETA, OPT_MIN_RECALL, OPT_MIN_PRECISION, OPT_PATH, OPT_MEASURE,
       OPT_N_LAMBDA, OPT_MIN_RATIO };

static const char *const rule_words[] = {"fixed", "f1", "fbeta", "youden", "min-recall",
                                         "min-precision"};

typedef struct cv_opts {
    long folds, repeats;
    int folds_given, repeats_given, threshold_given;
    const char *group_col, *fold_col, *oof;
    st_eval_params eval;
    int path;
    cv_measure measure;
    st_logreg_path_options popt;
} cv_opts;

static int bad(const char *option, const char *arg, const char *expected)
{
    cli_usage_error("cv", "--%s '%s': expected %s", option, arg, expected);
    return -1;
}

/* One of cv's own options: 1 handled, 0 not ours, -1 bad value. */
static int cv_option(cv_opts *o, int code, const char *arg)
{
    double v;
    long n;
    switch (code) {
    case OPT_FOLDS:
        if (!cli_parse_int(arg, 2, 1000000, &o->folds))
            return bad("folds", arg, "a whole number from 2 to 1000000");
        o->folds_given = 1;
        return 1;
    case OPT_REPEATS:
        if (!cli_parse_int(arg, 1, 1000, &o->repeats))
            return bad("repeats", arg, "a whole number from 1 to 1000");
        o->repeats_given = 1;
        return 1;
    case OPT_GROUP_COL: o->group_col = arg; return 1;
    case OPT_FOLD_COL: o->fold_col = arg; return 1;
    case OPT_OOF: o->oof = arg; return 1;
    case OPT_THRESHOLD:
        if (!cli_parse_double(arg, &v) || v != v)
            return bad("threshold", arg, "a number");
        o->eval.threshold = v;
        o->threshold_given = 1;
        return 1;
    case OPT_RULE:
        for (size_t i = 0; i < sizeof rule_words / sizeof rule_words[0]; i++)
            if (strcmp(arg, rule_words[i]) == 0) {
                o->eval.rule = (st_threshold_rule)i;
                return 1;
            }
        return bad("threshold-rule", arg, "f1, fbeta, youden, min-recall or min-precision");
    case OPT_BETA:
        if (!cli_parse_double(arg, &v) || !(v > 0) || v > 1e6)
            return bad("beta", arg, "a number > 0");
        o->eval.beta = v;
        return 1;
    case OPT_MIN_RECALL:
    case OPT_MIN_PRECISION:
        if (!cli_parse_double(arg, &v) || !(v >= 0 && v <= 1))
            return bad(code == OPT_MIN_RECALL ? "min-recall" : "min-precision", arg,
                       "a number from 0 to 1");
        *(code == OPT_MIN_RECALL ? &o->eval.min_recall : &o->eval.min_precision) = v;
        return 1;
    case OPT_PATH: o->path = 1; return 1;
    case OPT_MEASURE:
        if (strcmp(arg, "deviance") == 0) o->measure = CV_DEVIANCE;
        else if (strcmp(arg, "auc") == 0) o->measure = CV_AUC;
        else if (strcmp(arg, "pr-auc") == 0) o->measure = CV_PR_AUC;
        else return bad("measure", arg, "deviance, auc or pr-auc");
        return 1;
    case OPT_N_LAMBDA:
        if (!cli_parse_int(arg, 1, 100000L, &n))
            return bad("n-lambda", arg, "a whole number in [1, 100000]");
        o->popt.n_lambda = (size_t)n;
        return 1;
    case OPT_MIN_RATIO:
        if (!cli_parse_double(arg, &v) || !(v > 0 && v <= 1))
            return bad("lambda-min-ratio", arg, "a number in (0, 1]");
        o->popt.lambda_min_ratio = v;
        return 1;
    default: return 0;
    }
}

/* Checks that the options fit together; returns -1 to go on, else an exit code. */
static int check_options(const cv_opts *o, const cli_common *c)
{
    if (o->threshold_given && o->eval.rule != ST_THRESHOLD_FIXED)
        return cli_usage_error("cv", "--threshold and --threshold-rule %s exclude each other",
                               rule_words[o->eval.rule]);
    if (o->fold_col != NULL && (o->group_col != NULL || o->folds_given || o->repeats_given))
        return cli_usage_error("cv", "--fold-col excludes --group-col, --folds and --repeats");
    if (o->path && (o->oof != NULL || o->eval.rule != ST_THRESHOLD_FIXED || o->threshold_given))
        return cli_usage_error("cv", "--lambda-path reports the CV measure per lambda; "
                               "--oof and thresholds apply without it");
    if (!o->path && o->measure != CV_DEVIANCE)
        return cli_usage_error("cv", "--measure applies with --lambda-path only");
    if (c->format != FORMAT_TEXT && c->format != FORMAT_CSV)
        return cli_usage_error("cv", "--format: expected text or csv for cv");
    return -1;
}

static int parse(int argc, char **argv, cv_opts *o, cli_common *c, st_logreg_params *prm)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS, CLI_LOGREG_OPTIONS,
        {"folds", required_argument, NULL, OPT_FOLDS},
        {"repeats", required_argument, NULL, OPT_REPEATS},
        {"group-col", required_argument, NULL, OPT_GROUP_COL},
        {"fold-col", required_argument, NULL, OPT_FOLD_COL},
        {"oof", required_argument, NULL, OPT_OOF},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"threshold-rule", required_argument, NULL, OPT_RULE},
        {"beta", required_argument, NULL, OPT_BETA},
        {"min-recall", required_argument, NULL, OPT_MIN_RECALL},
        {"min-precision", required_argument, NULL, OPT_MIN_PRECISION},
        {"lambda-path", no_argument, NULL, OPT_PATH},
        {"measure", required_argument, NULL, OPT_MEASURE},
        {"n-lambda", required_argument, NULL, OPT_N_LAMBDA},
        {"lambda-min-ratio", required_argument, NULL, OPT_MIN_RATIO},
        {NULL, 0, NULL, 0}};
    int code;
    optind = 1;
    opterr = 0;
    while ((code = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        int handled = cli_common_option(c, code, optarg);
        if (handled == 0)
            handled = cli_logreg_option("cv", prm, code, optarg);
        if (handled == 0)
            handled = cv_option(o, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s\n%s", cv_help, cli_common_help);
            return EXIT_OK;
        }
        return cli_usage_error("cv", "unknown option or missing value '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("cv", "expected one DATA file, got %d", argc - optind);
    if (o->oof != NULL && cli_same_file(o->oof, argv[optind])) {
        fprintf(stderr, "stratum: --oof %s is the input data file; choose another output "
                "path\n", o->oof);
        return EXIT_FAILED;
    }
    return check_options(o, c);
}

int cmd_cv(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s\n%s", cv_help, cli_common_help);
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error("cv", "expected a model kind: stratum cv logreg DATA");
    if (strcmp(argv[1], "logreg") != 0)
        return cli_usage_error("cv", "unknown model kind '%s': expected logreg", argv[1]);
    argc--, argv++;
    cv_opts o = {.folds = 5, .repeats = 1, .eval = st_eval_params_default(),
                 .measure = CV_DEVIANCE, .popt = st_logreg_path_options_default()};
    cli_common common;
    cli_common_init(&common);
    st_logreg_params prm = st_logreg_params_default();
    int status = parse(argc, argv, &o, &common, &prm);
    if (status != -1)
        return status;
    prm.n_threads = common.threads;
    const char *data_path = argv[optind];
    st_dataset *ds = NULL;
    int *fold = NULL;
    size_t n_folds = 0;
    status = cv_prepare(data_path, &common, o.group_col, o.fold_col, (size_t)o.folds,
                        (size_t)o.repeats, &ds, &fold, &n_folds);
    if (status == EXIT_OK) {
        char how[300];
        if (o.group_col != NULL)
            snprintf(how, sizeof how, "stratified, grouped by %s,", o.group_col);
        else if (o.fold_col != NULL)
            snprintf(how, sizeof how, "(folds given by %s)", o.fold_col);
        else
            snprintf(how, sizeof how, "stratified");
        o.eval.n_bootstrap = 0;
        o.eval.n_threads = common.threads;
        cv_setup s = {.ds = ds, .data_path = data_path, .fold = fold, .n_folds = n_folds,
                      .n_repeats = o.fold_col != NULL ? 1 : (size_t)o.repeats, .how = how,
                      .prm = prm, .eval = o.eval, .rule_word = rule_words[o.eval.rule],
                      .oof_path = o.oof, .format = common.format, .quiet = common.quiet};
        status = o.path ? cv_run_path(&s, &o.popt, o.measure) : cv_run_logreg(&s);
    }
    free(fold);
    st_dataset_free(ds);
    return status;
}
