/* stratum cv logreg|gbdt DATA: k-fold cross-validation of logistic regression or boosted
 * trees at one setting (cv_report.c), or of the logreg lambda path as cv.glmnet
 * (cv_path.c). This file reads the options and the data and makes the folds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cv_options.h"
#include "cli_gbdt_options.h"
#include "cli_logreg_options.h"
#include "cli_text.h"

static const char cv_help[] =
    "Usage: stratum cv logreg DATA [options]\n"
    "       stratum cv logreg DATA --lambda-path [--measure M] [options]\n"
    "       stratum cv gbdt DATA [options]\n"
    "\n"
    "Cross-validates an elastic-net logistic regression or gradient-boosted trees. The\n"
    "rows are split into k folds, stratified by label (each fold within one row of the\n"
    "class counts / k), optionally repeated with new shuffles; with --group-col, rows of a\n"
    "group (e.g. a patient) stay in one fold, groups with a positive row spread over the\n"
    "folds first; with --fold-col, the folds are that column's distinct values; the same\n"
    "--seed gives the same folds for both families. Group and fold columns are not used as\n"
    "features.\n"
    "\n"
    "At one lambda: each fold's model is trained on the other folds and evaluated on it\n"
    "(the metrics of 'stratum evaluate', without bootstrap); each metric is reported as\n"
    "the mean and standard deviation over the folds and a 95% interval for the mean,\n"
    "mean -+ t(0.975, m-1) sd sqrt(1/m + n_test/n_train) over the m folds where it is\n"
    "defined: the corrected resampled t (Nadeau and Bengio 2003), since folds share\n"
    "training rows and repeats reuse them (sd / sqrt(m) would shrink with every repeat). A --threshold-rule is applied\n"
    "to out-of-fold predictions of an inner cross-validation of each training part\n"
    "(--threshold-folds); the test fold never chooses its threshold.\n"
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
    "  --report FILE.html     also write a self-contained HTML report: out-of-fold ROC,\n"
    "                         precision-recall and calibration plots, the summary and each\n"
    "                         fold's metrics (default: not written)\n"
    "  --threshold T          predict positive when p >= T (default: 0.5)\n"
    "  --threshold-rule R     f1, fbeta, youden, min-recall or min-precision, chosen on each\n"
    "                         training part (default: fixed, i.e. --threshold)\n"
    "  --beta B               beta of F-beta, > 0 (default: 2)\n"
    "  --min-recall R         for min-recall, in [0, 1] (default: 0.9)\n"
    "  --min-precision P      for min-precision, in [0, 1] (default: 0.5)\n"
    "  --threshold-folds K    the rule is applied to out-of-fold predictions of K inner\n"
    "                         stratified folds of each training part (K + 1 fits per fold;\n"
    "                         grouped by --group-col when given);\n"
    "                         0: to the training part's own predictions, cheaper but\n"
    "                         overconfident for gbdt (default: 3)\n"
    "  --lambda-path          cross-validate the lambda path (--lambda is then not used)\n"
    "  --measure M            with --lambda-path: deviance, auc or pr-auc (default: deviance)\n"
    "  --n-lambda N           lambdas on the path, > 0 (default: 100)\n"
    "  --lambda-min-ratio R   smallest / largest lambda, in (0, 1] (default: 0.0001, or 0.01\n"
    "                         when there are more columns than rows)\n"
    "Training options for logreg, as for 'stratum train logreg':\n"
    "  --lambda L             penalty strength >= 0 (default: chosen by an inner 5-fold\n"
    "                         cross-validation along the lambda path, as cv.glmnet; inside\n"
    "                         each training part; on 10,000 rows or more one held-out fold,\n"
    "                         the path stopped 10 lambdas past its lowest held-out deviance;\n"
    "                         0.0001 with --text-col)\n"
    "  --lambda-rule R        without --lambda: min (lowest CV deviance) or 1se (largest\n"
    "                         lambda within one standard error of it) (default: min)\n"
    "  --alpha A              L1 share of the penalty in [0, 1] (default: 0)\n"
    "  --class-weight W       none, balanced, or a number > 0 weighing positives (default: none)\n"
    "  --no-standardize       penalise the raw columns (default: standardised columns)\n"
    "  --impute M             missing numeric values: mean or median (default: mean)\n"
    "  --missing-indicators   add a 0/1 column per feature with missing values (default: off)\n"
    "  --max-iter N           Newton iterations, > 0 (default: 100)\n"
    "  --tol T                relative gap to stop at, > 0 (default: 1e-08)\n"
    "Training options for gbdt, as for 'stratum train gbdt' (--lambda-path is logreg's):\n";

/* Checks that the options fit together; returns -1 to go on, else an exit code. */
static int check_options(const cv_opts *o, const cli_common *c)
{
    if (o->threshold_given && o->eval.rule != ST_THRESHOLD_FIXED)
        return cli_usage_error("cv", "--threshold and --threshold-rule %s exclude each other",
                               cv_rule_words[o->eval.rule]);
    if (o->fold_col != NULL && (o->group_col != NULL || o->folds_given || o->repeats_given))
        return cli_usage_error("cv", "--fold-col excludes --group-col, --folds and --repeats");
    if (o->path && o->report != NULL)
        return cli_usage_error("cv", "--report applies without --lambda-path");
    if (o->path && (o->oof != NULL || o->eval.rule != ST_THRESHOLD_FIXED || o->threshold_given))
        return cli_usage_error("cv", "--lambda-path reports the CV measure per lambda; "
                               "--oof and thresholds apply without it");
    if (!o->path && o->measure != CV_DEVIANCE)
        return cli_usage_error("cv", "--measure applies with --lambda-path only");
    if (c->format != FORMAT_TEXT && c->format != FORMAT_CSV)
        return cli_usage_error("cv", "--format: expected text or csv for cv");
    return -1;
}

static void print_help(void)
{
    printf("%s%s\n%s%s%s%s\n%s", cv_help, cli_gbdt_help, cli_text_help,
           "Validation and early stopping for gbdt: inside each training fold (the test fold\n"
           "is never used to choose the trees):\n", cli_gbdt_cv_valid_help,
           "Output: --format text or csv (default: "
           "text); a line per fold with its ROC-AUC on stderr unless -q, and on a terminal a\n"
           "progress line (fold, trees, elapsed, ETA) redrawn in place (--progress,\n"
           "--no-progress).\n", cli_common_help);
}

static int parse(int argc, char **argv, cv_opts *o, cli_common *c, cv_setup *s)
{
    static const struct option logreg_options[] = {
        CLI_COMMON_OPTIONS, CLI_LOGREG_OPTIONS, CLI_CV_FOLD_OPTIONS, CLI_CV_RULE_OPTIONS,
        {"oof", required_argument, NULL, OPT_OOF},
        {"report", required_argument, NULL, OPT_REPORT},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"lambda-path", no_argument, NULL, OPT_PATH},
        {"measure", required_argument, NULL, OPT_MEASURE},
        {"n-lambda", required_argument, NULL, OPT_N_LAMBDA},
        {"lambda-min-ratio", required_argument, NULL, OPT_MIN_RATIO},
        CLI_TEXT_OPTIONS,
        {NULL, 0, NULL, 0}};
    static const struct option gbdt_options[] = {
        CLI_COMMON_OPTIONS, CLI_GBDT_OPTIONS, CLI_GBDT_CLASS_WEIGHT_OPTION,
        CLI_GBDT_VALID_OPTIONS,
        CLI_CV_FOLD_OPTIONS, CLI_CV_RULE_OPTIONS,
        {"oof", required_argument, NULL, OPT_OOF},
        {"report", required_argument, NULL, OPT_REPORT},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        CLI_TEXT_OPTIONS,
        {NULL, 0, NULL, 0}};
    const struct option *options = s->model == CV_GBDT ? gbdt_options : logreg_options;
    cli_gbdt_valid valid = cli_gbdt_valid_default();
    int code;
    optind = 1;
    while ((code = cli_getopt("cv", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(c, code, optarg);
        if (handled == 0)
            handled = cli_text_option("cv", s->text, code, optarg);
        if (handled == 0)
            handled = s->model == CV_GBDT ? cli_gbdt_option("cv", &s->gprm, code, optarg)
                                          : cli_logreg_option("cv", &s->prm, code, optarg);
        if (handled == 0 && s->model == CV_GBDT)
            handled = cli_gbdt_valid_option("cv", &valid, &s->gprm, code, optarg);
        if (handled == 0 && s->model == CV_GBDT)
            handled = cli_gbdt_monotone_option("cv", code, optarg, &s->monotone_spec);
        if (handled == 0)
            handled = cv_option("cv", o, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            print_help();
            return EXIT_OK;
        }
        return cli_usage_error("cv", "unknown option or missing value '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("cv", "expected one DATA file, got %d", argc - optind);
    cli_data_args(argv, optind, 1); /* "-": standard input */
    if (cli_common_check("cv", c) != EXIT_OK)
        return EXIT_USAGE;
    if (cli_text_check("cv", s->text, c, o->path ? "not with --lambda-path yet" : NULL) != EXIT_OK)
        return EXIT_USAGE;
    cli_text_params(s->text, &s->prm);
    if (cli_logreg_check("cv", &s->prm) != EXIT_OK)
        return EXIT_USAGE;
    cli_logreg_text_lambda(&s->prm, s->text->n_cols);
    c->text_cols = s->text->cols, c->n_text_cols = s->text->n_cols;
    if (cli_gbdt_valid_check("cv", &valid, &s->gprm) != EXIT_OK)
        return EXIT_USAGE;
    s->valid_fraction = valid.fraction;
    const cli_file in[] = {{"DATA", argv[optind]}, {"--weight-file", c->weight_file}};
    const cli_file out[] = {{"--oof", o->oof}, {"--report", o->report}};
    const int checked = cli_check_files(in, 2, out, 2);
    if (checked != EXIT_OK)
        return checked;
    return check_options(o, c);
}

int cmd_cv(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        print_help();
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error("cv", "expected a model kind: stratum cv logreg|gbdt DATA");
    cv_setup s = {.model = CV_LOGREG, .prm = st_logreg_params_default(),
                  .gprm = st_gbdt_params_default()};
    if (strcmp(argv[1], "gbdt") == 0)
        s.model = CV_GBDT;
    else if (strcmp(argv[1], "logreg") != 0)
        return cli_usage_error("cv", "unknown model kind '%s': expected logreg or gbdt",
                               argv[1]);
    argc--, argv++;
    cv_opts o = cv_opts_default();
    cli_common common;
    cli_common_init(&common);
    cli_text text;
    cli_text_init(&text);
    s.text = &text;
    int status = parse(argc, argv, &o, &common, &s);
    if (status != -1)
        return status;
    s.prm.n_threads = s.gprm.n_threads = common.threads;
    s.gprm.seed = common.seed;
    s.prm.cv_seed = common.seed;
    s.oof_path = o.oof;
    s.report_path = o.report;
    st_dataset *ds = NULL;
    int *fold = NULL;
    char how[300];
    signed char *monotone = NULL;
    status = cv_opts_prepare(&o, &common, argv[optind], &s, &ds, &fold, how, sizeof how);
    if (status == EXIT_OK)
        status = cli_gbdt_monotone_resolve("cv", s.monotone_spec, ds, &monotone);
    s.gprm.monotone = monotone;
    if (status == EXIT_OK)
        status = o.path ? cv_run_path(&s, &o.popt, o.measure) : cv_run(&s);
    free(monotone);
    free(fold);
    free((void *)s.groups);
    free((void *)s.fold_ids);
    st_dataset_free(ds);
    return status;
}
