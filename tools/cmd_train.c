/* stratum train logreg DATA -o MODEL: fit, save, and report how the fit went; or, with
 * --lambda-path, fit the regularisation path and tabulate it (cli_path.c). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_logreg_options.h"
#include "cli_progress.h"
#include "cli_text.h"
#include "cmd_train_gbdt.h"
#include "post_fit.h"
#include "train_binned.h"
#include "train_gbdt_distributed.h"
#include "train_logreg_distributed.h"

static const char train_help[] =
    "Usage: stratum train logreg DATA -o MODEL [options]\n"
    "       stratum train logreg DATA --lambda-path [-o PATH.csv] [options]\n"
    "       stratum train gbdt DATA -o MODEL [options]   (see 'stratum train gbdt --help')\n"
    "\n"
    "Trains an elastic-net logistic regression on a labelled CSV or LibSVM file and saves\n"
    "it to MODEL (replaced atomically). A summary goes to stderr (unless --quiet) and the\n"
    "coefficients to stdout; without an L1 part (alpha 0 or lambda 0) and with at most 256\n"
    "columns, also Wald statistics: standard error, z, two-sided p-value, 95% interval,\n"
    "odds ratio and its interval (approximate under a penalty, lambda > 0).\n"
    "\n"
    "DATA may be a binned file made by 'stratum bin --values' (recognised by its content):\n"
    "the fit then streams the file's raw values block by block from the mapping, never\n"
    "holding all rows, and gives the model training on the CSV gives (to --tol). Not with\n"
    "--impute median, --missing-indicators, --lambda-path or post-fit options.\n"
    "\n"
    "With --lambda-path, fits N lambdas from lambda_max (the smallest lambda giving all-zero\n"
    "coefficients, as glmnet) down to lambda_max * R on a log scale, each fit warm-started\n"
    "from the last, and prints one row per lambda: lambda, df (non-zero coefficients),\n"
    "dev_ratio (share of the null deviance explained), intercept and coefficients. With -o\n"
    "the table goes to that file (CSV, or JSON/Markdown with --format), replaced atomically.\n"
    "\n"
    "Options:\n"
    "  -o, --output MODEL     model file to write (required without --lambda-path; must\n"
    "                         not be DATA; a model is not written to standard output, so\n"
    "                         '-' is refused: ./- names a file '-'). With --lambda-path,\n"
    "                         '-' is standard output, where the table goes by default.\n"
    "                         DATA '-' is standard input\n"
    "  --lambda L             penalty strength >= 0 (default: chosen by an inner 5-fold\n"
    "                         cross-validation along the lambda path, as cv.glmnet; on\n"
    "                         10,000 rows or more one held-out fold, the path stopped 10\n"
    "                         lambdas past its lowest held-out deviance; 0.0001 with\n"
    "                         --text-col)\n"
    "  --lambda-rule R        without --lambda: min (lowest CV deviance) or 1se (largest\n"
    "                         lambda within one standard error of it) (default: min)\n"
    "  --alpha A              L1 share of the penalty in [0, 1]; 0 ridge, 1 lasso (default: 0)\n"
    "  --class-weight W       none, balanced, or a number > 0 weighing positives\n"
    "                         (default: none)\n"
    "  --no-standardize       penalise the raw columns (default: standardised columns)\n"
    "  --impute M             missing numeric values: mean or median (default: mean)\n"
    "  --missing-indicators   add a 0/1 column per feature with missing values (default: off)\n"
    "  --max-iter N           Newton iterations, > 0 (default: 100)\n"
    "  --tol T                relative gap to stop at, > 0 (default: 1e-08)\n"
    "  --all                  text output: every coefficient (default: the 30 largest\n"
    "                         |coefficient x training SD|; csv and json always list all)\n"
    "  --lambda-path          fit the regularisation path instead of one model (--lambda is\n"
    "                         then not used)\n"
    "  --n-lambda N           lambdas on the path, > 0 (default: 100)\n"
    "  --lambda-min-ratio R   smallest / largest lambda on the path, in (0, 1] (default:\n"
    "                         0.0001, or 0.01 when there are more columns than rows)\n";

/* stratum train --help, before either family is named: both families in full. */
static const char train_overview[] =
    "Usage: stratum train logreg DATA -o MODEL [options]   elastic-net logistic regression\n"
    "       stratum train gbdt DATA -o MODEL [options]     gradient-boosted trees (LightGBM's\n"
    "                                                      options and defaults)\n"
    "\n"
    "Trains a model of one of two families on a labelled CSV or LibSVM file and saves it to\n"
    "MODEL. Both families' options follow: logistic regression, then boosted trees. For one\n"
    "family only: 'stratum train logreg --help' or 'stratum train gbdt --help'.\n"
    "\n"
    "=== stratum train logreg: logistic regression ===\n"
    "\n";

enum { OPT_ALL = 3101, OPT_LAMBDA_PATH, OPT_N_LAMBDA, OPT_LAMBDA_MIN_RATIO, OPT_DISTRIBUTED };

/* What train does besides the training parameters. */
typedef struct train_mode {
    int all;                      /* --all */
    int path;                     /* --lambda-path */
    st_logreg_path_options popt;  /* --n-lambda, --lambda-min-ratio */
} train_mode;

/* Applies one option of train_mode; returns 1 handled, 0 not one, -1 bad value. */
static int mode_option(train_mode *t, int code, const char *arg)
{
    long v;
    switch (code) {
    case OPT_ALL: t->all = 1; return 1;
    case OPT_LAMBDA_PATH: t->path = 1; return 1;
    case OPT_N_LAMBDA:
        if (!cli_parse_int(arg, 1, 100000L, &v))
            return cli_usage_error("train", "--n-lambda '%s': expected a whole number in "
                                   "[1, 100000]", arg), -1;
        t->popt.n_lambda = (size_t)v;
        return 1;
    case OPT_LAMBDA_MIN_RATIO:
        if (!cli_parse_double(arg, &t->popt.lambda_min_ratio) ||
            !(t->popt.lambda_min_ratio > 0 && t->popt.lambda_min_ratio <= 1))
            return cli_usage_error("train", "--lambda-min-ratio '%s': expected a number in "
                                   "(0, 1]", arg), -1;
        return 1;
    default: return 0;
    }
}

/* Applies -o; returns 1 handled, 0 not it. */
static int output_option(int code, const char *arg, const char **out)
{
    if (code != 'o')
        return 0;
    *out = arg;
    return 1;
}

/* st_logreg_save on a thread of its own. */
typedef struct save_job {
    const st_logreg *m;
    const char *path;
    st_status rc;
    st_error err;
} save_job;

static void *save_main(void *arg)
{
    save_job *job = arg;
    job->rc = st_logreg_save(job->m, job->path, &job->err);
    return NULL;
}

/* Saves m to path and, meanwhile, formats its coefficient table into *table (malloc'd;
 * NULL when it could not be made in memory: then print it after): on two cores the model
 * file's text and its fsync run beside the table's printing, half of the time after the
 * fit for a model of 50,000 coefficients. The table reaches stdout only once the save has
 * succeeded, so the output is what saving, then printing, gives. The model is read-only
 * after training: both read it at once. */
static st_status save_with_table(const st_logreg *m, const char *path, cli_format format,
                                 int all, double fit_seconds, char **table, size_t *len,
                                 st_error *err)
{
    save_job job = {.m = m, .path = path};
    pthread_t thread;
    const int threaded = pthread_create(&thread, NULL, save_main, &job) == 0;
    if (!threaded)
        save_main(&job);
    *table = NULL;
    FILE *mem = open_memstream(table, len);
    if (mem != NULL) {
        const int ok = cli_format_coefs(mem, m, format, all, fit_seconds);
        if (fclose(mem) != 0 || !ok) {
            free(*table);
            *table = NULL;
        }
    }
    if (threaded)
        pthread_join(thread, NULL);
    if (job.rc != ST_OK && err != NULL)
        *err = job.err;
    return job.rc;
}

static void print_summary(size_t n_rows, size_t n_positive, const st_logreg *m,
                          const char *model_path, double fit_seconds)
{
    size_t nz = 0, n = st_logreg_n_coefs(m);
    for (size_t k = 0; k < n; k++)
        nz += st_logreg_coefs(m)[k] != 0;
    fprintf(stderr, "trained logreg on %zu rows (%zu positive) in %.3f s: %d iterations, "
            "converged %s, objective %.6g, gap %.3g, %zu of %zu coefficients non-zero; "
            "saved %s\n", n_rows, n_positive, fit_seconds,
            st_logreg_iterations(m), st_logreg_converged(m) ? "yes" : "no",
            st_logreg_objective(m), st_logreg_gap(m), nz, n, model_path);
    st_logreg_lambda_choice c;
    if (st_logreg_lambda_choice_of(m, &c) && c.n_folds == 1) /* large data: one split */
        fprintf(stderr, "lambda %.6g chosen on one held-out stratified fold (%zu rows or "
                "more: the path on the other folds, stopped %d lambdas past the lowest "
                "held-out deviance; %s, deviance %.6g, se %.3g; lambda_min %.6g, lambda_1se "
                "%.6g)\n", c.lambda, (size_t)ST_LOGREG_CV_SPLIT_ROWS, ST_LOGREG_CV_PATIENCE,
                c.rule == ST_LAMBDA_1SE ? "lambda_1se" : "lambda_min", c.cv_deviance, c.cv_se,
                c.lambda_min, c.lambda_1se);
    else if (st_logreg_lambda_choice_of(m, &c))
        fprintf(stderr, "lambda %.6g chosen by %zu-fold cross-validation (%s, CV deviance "
                "%.6g, se %.3g; lambda_min %.6g, lambda_1se %.6g)\n", c.lambda, c.n_folds,
                c.rule == ST_LAMBDA_1SE ? "lambda_1se" : "lambda_min", c.cv_deviance, c.cv_se,
                c.lambda_min, c.lambda_1se);
}

static int train_main(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        CLI_LOGREG_OPTIONS,
        {"all", no_argument, NULL, OPT_ALL},
        {"lambda-path", no_argument, NULL, OPT_LAMBDA_PATH},
        {"n-lambda", required_argument, NULL, OPT_N_LAMBDA},
        {"lambda-min-ratio", required_argument, NULL, OPT_LAMBDA_MIN_RATIO},
        {"distributed", no_argument, NULL, OPT_DISTRIBUTED},
        CLI_POST_TRAIN_OPTIONS,
        CLI_TEXT_OPTIONS,
        CLI_TEXT_OUT_OF_CORE_OPTION,
        {NULL, 0, NULL, 0}};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s%s%s\n%s\n", train_overview, train_help, post_train_help,
               train_logreg_distributed_help);
        cli_print_spellings(stdout, options);
        printf("\n=== stratum train gbdt: gradient-boosted trees ===\n\n");
        train_gbdt_print_help();
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error("train", "expected a model kind: stratum train logreg DATA -o MODEL");
    if (strcmp(argv[1], "gbdt") == 0)
        return cmd_train_gbdt(argc - 1, argv + 1);
    if (strcmp(argv[1], "logreg") != 0)
        return cli_usage_error("train", "unknown model kind '%s': expected logreg or gbdt",
                               argv[1]);
    argc--, argv++; /* getopt now sees "logreg" as the program name */
    cli_common common;
    cli_common_init(&common);
    st_logreg_params prm = st_logreg_params_default();
    const char *model_path = NULL;
    train_mode mode = {.popt = st_logreg_path_options_default()};
    post_opts post = post_opts_default();
    int code, distributed = 0;
    cli_text text;
    cli_text_init(&text);
    st_text_featurizer **feats = NULL;
    optind = 1;
    while ((code = cli_getopt("train", argc, argv, "qho:", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled == 0)
            handled = cli_text_option("train", &text, code, optarg);
        if (handled == 0)
            handled = output_option(code, optarg, &model_path);
        if (handled == 0)
            handled = cli_logreg_option("train", &prm, code, optarg);
        if (handled == 0)
            handled = mode_option(&mode, code, optarg);
        if (handled == 0)
            handled = post_train_option("train", &post, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == OPT_DISTRIBUTED) {
            distributed = 1;
            continue;
        }
        if (code == 'h') {
            printf("%s%s\n%s%s\n%s\n", train_help, post_train_help, cli_text_help,
                   cli_text_out_of_core_help, train_logreg_distributed_help);
            cli_print_spellings(stdout, options);
            printf("\n%s", cli_common_help);
            return EXIT_OK;
        }
        return cli_usage_error("train", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage_error("train", "expected one DATA file, got %d", argc - optind);
    if (cli_common_check("train", &common) != EXIT_OK)
        return EXIT_USAGE;
    if (model_path == NULL && !mode.path)
        return cli_usage_error("train", "-o MODEL is required");
    if (mode.path && cli_is_dash(model_path))
        model_path = NULL; /* the path table: "-" is standard output, the default */
    const char *data_path = cli_data_path(argv[optind]);
    int post_status = post_train_check("train", &post);
    if (post_status != -1)
        return post_status;
    if (mode.path && (post_needs_cv(&post) || post_wants_threshold(&post)))
        return cli_usage_error("train", "--lambda-path fits a path, not one model: "
                               "--recalibrate and thresholds apply without it");
    const cli_file in[] = {{"DATA", data_path}, {"--weight-file", common.weight_file}};
    const cli_file out[] = {{"-o", model_path}, {"--oof", post.oof}};
    /* --distributed: names only here, on every rank; whether the outputs can be written is
     * checked once MPI is up, on rank 0, which writes them (train_distributed_check_files) */
    const int checked = (distributed ? cli_check_file_names : cli_check_files)(in, 2, out, 2);
    if (checked != EXIT_OK)
        return checked;
    prm.n_threads = common.threads;
    cli_text_params(&text, &prm);
    if (cli_logreg_check("train", &prm) != EXIT_OK)
        return EXIT_USAGE;
    cli_logreg_text_lambda(&prm, text.n_cols);
    if (cli_text_check("train", &text, &common, distributed || st_binned_is_file(data_path) ? "text "
                       "columns need the CSV in one process" : NULL) != EXIT_OK)
        return EXIT_USAGE;
    if (text.out_of_core && (mode.path || post_needs_cv(&post) || post_wants_threshold(&post)))
        return cli_usage_error("train", "--out-of-core fits one model from a file: "
                               "--lambda-path, --recalibrate and thresholds need the data "
                               "in memory");
    if (cli_text_out_of_core_check(&text, &prm) != EXIT_OK)
        return EXIT_USAGE;
    prm.cv_seed = common.seed;
    if ((distributed || st_binned_is_file(data_path)) && prm.lambda == ST_LOGREG_LAMBDA_CV)
        return cli_usage_error("train", "%s needs --lambda: the default chooses lambda by "
                               "cross-validation, which needs the CSV in memory",
                               distributed ? "--distributed" : "a binned file");
    if (distributed) {
        if (mode.path || post_needs_cv(&post) || post_wants_threshold(&post))
            return cli_usage_error("train", "--distributed fits one model on a binned file: "
                                   "--lambda-path, --recalibrate and thresholds need the CSV "
                                   "in one process");
        if (prm.impute != ST_IMPUTE_MEAN || prm.missing_indicators)
            return cli_usage_error("train", "--distributed reads a binned file: it imputes the "
                                   "mean and has no missing indicators");
        return train_logreg_distributed(data_path, model_path, &prm, &common, mode.all);
    }
    if (st_binned_is_file(data_path)) {
        if (mode.path || post_needs_cv(&post) || post_wants_threshold(&post))
            return cli_usage_error("train", "%s is a binned file: --lambda-path, "
                                   "--recalibrate and thresholds need the CSV", data_path);
        if (prm.impute != ST_IMPUTE_MEAN || prm.missing_indicators)
            return cli_usage_error("train", "%s is a binned file: logistic regression on it "
                                   "imputes the mean and has no missing indicators (train on "
                                   "the CSV for --impute median or --missing-indicators)",
                                   data_path);
        return cli_train_logreg_binned(data_path, model_path, &prm, &common, mode.all);
    }
    st_read_options opt = cli_read_options(&common);
    opt.label_required = 1;
    st_error err;
    st_dataset *ds = NULL;
    st_logreg *m = NULL;
    /* text columns become term columns as the file is read */
    st_status rc = cli_text_read(&text, data_path, &opt, &ds, &feats, &err);
    if (rc == ST_OK) {
        cli_warn_data(ds, data_path);
        if (cli_warn_identifiers(ds, data_path) != EXIT_OK ||
            cli_warn_mostly_numeric(ds, data_path) != EXIT_OK ||
            cli_warn_rounded_numbers(ds, data_path) != EXIT_OK) {
            cli_text_free(feats, text.n_cols);
            st_dataset_free(ds);
            return EXIT_FAILED;
        }
    }
    if (rc == ST_OK && mode.path) {
        int code_path = cli_train_path(ds, &prm, &mode.popt, model_path, common.format,
                                       common.quiet);
        cli_text_free(feats, text.n_cols);
        st_dataset_free(ds);
        return code_path;
    }
    post_result post_res = {0};
    if (rc == ST_OK) {
        cv_setup family = {.model = CV_LOGREG, .prm = prm};
        int st = post_train_run(&family, ds, &post, common.seed, common.quiet, &post_res);
        if (st != EXIT_OK) {
            cli_text_free(feats, text.n_cols);
            st_dataset_free(ds);
            return st;
        }
    }
    double fit_seconds = cli_seconds(); /* the fit alone: not reading, not calibrating */
    const st_train_source src = st_source_dataset(ds);
    cli_progress_logreg_params(&prm); /* the fit is the same either way */
    cli_progress_begin("train", 0, "iterations");
    if (rc == ST_OK && text.out_of_core) /* ds keeps its labels and ordinary columns */
        rc = cli_text_train_out_of_core(&text, &ds, &prm, model_path, common.quiet, &m, &err);
    else if (rc == ST_OK && (rc = st_logreg_fit(&src, &prm, &m, &err)) != ST_OK)
        cli_name_file(&err, data_path); /* (one class, a constant column, ...) */
    fit_seconds = cli_seconds() - fit_seconds;
    cli_progress_end();
    if (rc == ST_OK)
        rc = st_logreg_set_calibration(m, post_res.cal, &err);
    if (rc == ST_OK && post_res.has_threshold)
        rc = st_logreg_set_threshold(m, &post_res.threshold, &err);
    post_result_free(&post_res);
    if (rc == ST_OK)
        rc = cli_text_attach(m, &feats, text.n_cols, &err); /* saved in the model */
    cli_text_free(feats, text.n_cols);
    /* the data is done with: its memory serves the model's text and table */
    st_label_summary ls;
    st_dataset_label_summary(ds, &ls, NULL);
    const size_t n_rows = st_dataset_n_rows(ds);
    st_dataset_free(ds);
    char *table = NULL;
    size_t table_len = 0;
    if (rc == ST_OK)
        rc = save_with_table(m, model_path, common.format, mode.all, fit_seconds, &table,
                             &table_len, &err);
    if (rc != ST_OK) {
        free(table);
        st_logreg_free(m);
        return cli_fail(&err, rc);
    }
    if (!common.quiet)
        print_summary(n_rows, ls.n_positive, m, model_path, fit_seconds);
    if (table != NULL) {
        cli_coefs_note(m, common.quiet);
        fwrite(table, 1, table_len, stdout);
        free(table);
    } else {
        cli_print_coefs(m, common.format, mode.all, common.quiet, fit_seconds);
    }
    st_logreg_free(m);
    return EXIT_OK;
}

int cmd_train(int argc, char **argv)
{
    /* under mpirun with --distributed, a usage error found before MPI_Init is rank 0's
     * to print: one line, not one per rank */
    train_distributed_mute_begin(argc, argv);
    const int code = train_main(argc, argv);
    train_distributed_launch_end(code);
    return code;
}
