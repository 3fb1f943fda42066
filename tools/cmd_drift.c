/* stratum drift REFERENCE NEW [--model MODEL]: has the new data moved away from the
 * reference (the training cohort)? */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

static const char drift_help[] =
    "Usage: stratum drift REFERENCE NEW [--model MODEL] [options]\n"
    "       stratum drift DATA --time-col COL [--window month|quarter|year] [options]\n"
    "\n"
    "Compares NEW data with a REFERENCE (the cohort a model was trained on), column by\n"
    "column, matched by name; the files must have the same columns and types. Per column:\n"
    "  PSI     population stability index, sum of (q - p) ln(q / p) over fixed bins (p, q\n"
    "          the shares of REFERENCE's and NEW's rows; an empty bin counts as 0.0001).\n"
    "          Bins: REFERENCE's deciles (--bins), or with a gbdt MODEL the model's own\n"
    "          split thresholds on the column; a categorical column's levels; missing\n"
    "          values are a bin of their own. Conventional bands: < 0.1 stable,\n"
    "          0.1-0.25 moderate shift, > 0.25 major shift.\n"
    "  KS      numeric columns: two-sample Kolmogorov-Smirnov D and its p-value\n"
    "          (as scipy.stats.ks_2samp: exact up to 10000 values a sample,\n"
    "          asymptotic above)\n"
    "  chi2    categorical columns: chi-square test of homogeneity of the level counts\n"
    "          (as scipy.stats.chi2_contingency) and its p-value\n"
    "  missing the share of rows without a value in each file\n"
    "  new levels  levels NEW has and REFERENCE never has, with their row counts\n"
    "Rows count one each (weights are not used); the label column, if any, is not a\n"
    "feature: its prevalence in each file is shown. NEW with blank label cells (outcomes\n"
    "not known yet) is read unlabelled, every row compared (a note says so);\n"
    "--skip-missing-labels drops those rows instead. A column blank in every row of one\n"
    "file is compared as the other file's type, all missing.\n"
    "\n"
    "With --model MODEL (saved by 'stratum train', or an XGBoost/LightGBM model): the\n"
    "score distribution's PSI, predicted prevalence (mean P(y = 1)) in each file, each\n"
    "feature's importance (mean |contribution| to the log-odds over REFERENCE's rows;\n"
    "see --contrib-rows), its drift weighted by it, and the change in its mean\n"
    "contribution (what moves the scores). When the files have labels: ROC-AUC, PR-AUC,\n"
    "Brier, calibration intercept and slope on each with bootstrap 95% intervals,\n"
    "observed against predicted prevalence, and DeLong's test of the AUC change\n"
    "(unpaired: the two files are independent samples).\n"
    "\n"
    "A model of text columns (train --text-col): the files hold the raw texts, which the\n"
    "model's own featurizer reads. Per text column: words per text (mean, PSI on\n"
    "REFERENCE's deciles, KS), the share of empty texts, the share of terms the model has\n"
    "no column for (out of vocabulary), the text's importance and contribution shift\n"
    "(summed over its terms), and the --terms terms of largest |contribution shift|, named\n"
    "by their words (hashed buckets by the forms the model kept), each with the share of\n"
    "texts holding it in each file, the PSI of with / without and a 2 x 2 chi-square test.\n"
    "The text columns are not compared as columns.\n"
    "\n"
    "Exit codes: 0 no --fail-on rule holds, 1 failure (bad data, I/O), 2 usage error,\n"
    "3 the data drifted: a --fail-on rule holds (the report is still written).\n"
    "\n"
    "Over time: --time-col COL cuts one CSV file into periods by its date column COL\n"
    "(YYYY-MM-DD or YYYY-MM; the column is not a feature) and compares each period with\n"
    "the first, which is the reference. Text output: one line per period (its rows,\n"
    "prevalence, the column of largest PSI, how many columns are moderate or major);\n"
    "csv, json and markdown: every column of every period. --fail-on applies to each\n"
    "period.\n"
    "\n"
    "Options:\n"
    "      --model MODEL     also compare the model's scores and performance\n"
    "      --fail-on RULES   exit with 3 when a rule holds, e.g. 'psi>0.25' or\n"
    "                        'psi>0.25,ks-p<0.001' (see below)\n"
    "      --bins N          quantile bins of a numeric column (default 10, 2..1000)\n"
    "      --top K           text output: the K most drifted columns (default all)\n"
    "      --levels N        new levels listed per column in text output (default 3)\n"
    "      --bootstrap N     resamples for the metrics' intervals with --model\n"
    "                        (default 1000; 0 = none)\n"
    "      --contrib-rows N  with --model: importance and shift from at most N rows of\n"
    "                        each file, evenly spaced (default 5000; 0 = every row):\n"
    "                        contributions cost far more than scores\n"
    "      --terms N         a text model: terms listed per text column (default 10)\n"
    "      --time-col COL    one file over time: COL holds each row's date (see above)\n"
    "      --window W        the periods of --time-col: month (default), quarter, year\n"
    "      --report FILE.html also write an HTML report: the columns ranked by PSI, the two\n"
    "                        distributions of the six most drifted over their bins, and\n"
    "                        the model's section; replaced atomically\n"
    "\n";

typedef struct drift_opts {
    const char *model_path;
    const char *time_col, *window;
    const char *report_path;
    drift_rules rules;
    long bins, top, levels, bootstrap, contrib_rows, terms;
} drift_opts;

enum { OPT_MODEL = 2101, OPT_FAIL_ON, OPT_BINS, OPT_TOP, OPT_LEVELS, OPT_BOOTSTRAP,
       OPT_CONTRIB_ROWS, OPT_TIME_COL, OPT_WINDOW, OPT_REPORT, OPT_TERMS };

static const st_drift_result *sort_result;

/* By PSI, largest first; NaN last; ties by name. */
static int by_psi(const void *a, const void *b)
{
    const st_drift_feature *x = &sort_result->features[*(const size_t *)a];
    const st_drift_feature *y = &sort_result->features[*(const size_t *)b];
    const int nx = isnan(x->psi), ny = isnan(y->psi);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->psi != y->psi)
        return x->psi > y->psi ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int parse_option(drift_opts *o, int code, const char *arg)
{
    long *target = NULL, lo = 0, hi = 1000000;
    switch (code) {
    case OPT_MODEL: o->model_path = arg; return 1;
    case OPT_TIME_COL: o->time_col = arg; return 1;
    case OPT_REPORT: o->report_path = arg; return 1;
    case OPT_WINDOW:
        if (strcmp(arg, "month") != 0 && strcmp(arg, "quarter") != 0 && strcmp(arg, "year") != 0) {
            cli_usage_error("drift", "--window '%s': expected month, quarter or year", arg);
            return -1;
        }
        o->window = arg;
        return 1;
    case OPT_FAIL_ON: return drift_rules_parse(&o->rules, arg, 1) ? 1 : -1;
    case OPT_BINS: target = &o->bins, lo = 2, hi = 1000; break;
    case OPT_TOP: target = &o->top; break;
    case OPT_LEVELS: target = &o->levels; break;
    case OPT_TERMS: target = &o->terms; break;
    case OPT_BOOTSTRAP: target = &o->bootstrap, hi = 100000; break;
    case OPT_CONTRIB_ROWS: target = &o->contrib_rows, hi = 2000000000L; break;
    default: return 0;
    }
    if (!cli_parse_int(arg, lo, hi, target)) {
        cli_usage_error("drift", "'%s' is not a whole number in %ld..%ld", arg, lo, hi);
        return -1;
    }
    return 1;
}

/* The columns of both files (st_drift_compare), and with a model its part too
 * (st_drift_compare_model: *dm, whose columns *r then are). EXIT_OK or an exit code
 * (printed). */
static int compare(const st_dataset *const ds[2], const char *const path[2], const cli_model *m,
                   const drift_opts *o, const cli_common *common, st_drift_result **r,
                   st_drift_model_result **dm)
{
    st_drift_model_options mo = st_drift_model_options_default();
    mo.columns.n_bins = (int)o->bins;
    mo.columns.reference_name = path[0];
    mo.columns.new_name = path[1];
    mo.columns.n_threads = common->threads;
    st_error err;
    st_status rc;
    if (o->model_path == NULL) {
        rc = st_drift_compare(ds[0], ds[1], &mo.columns, r, &err);
    } else {
        mo.model_name = o->model_path;
        mo.n_bootstrap = (int)o->bootstrap;
        mo.seed = common->seed;
        mo.contrib_rows = (size_t)o->contrib_rows;
        mo.top_terms = (size_t)o->terms;
        rc = st_drift_compare_model(ds[0], ds[1], m->handle, &mo, dm, &err);
        if (rc == ST_OK)
            *r = (*dm)->columns;
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

static int run(const char *const path[2], const drift_opts *o, const cli_common *common)
{
    st_dataset *ds[2] = {NULL, NULL};
    cli_model m;
    memset(&m, 0, sizeof m);
    st_drift_model_result *dm = NULL;
    st_drift_result *r = NULL;
    size_t *order = NULL;
    int status = EXIT_OK;
    if (o->model_path != NULL)
        status = cli_model_load(o->model_path, common, "drift", &m);
    if (status == EXIT_OK)
        status = drift_read_both(path, &m, common, ds);
    if (status == EXIT_OK)
        status = compare((const st_dataset *const *)ds, path, &m, o, common, &r, &dm);
    if (status == EXIT_OK && (order = malloc((r->n_features + 1) * sizeof *order)) == NULL) {
        fprintf(stderr, "stratum: out of memory\n");
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK) {
        for (size_t j = 0; j < r->n_features; j++)
            order[j] = j;
        sort_result = r;
        qsort(order, r->n_features, sizeof *order, by_psi);
        size_t shown = o->top > 0 && (size_t)o->top < r->n_features ? (size_t)o->top
                                                                    : r->n_features;
        drift_print(stdout, common->format, path[0], path[1], r, dm, o->model_path, order,
                    shown, common->format == FORMAT_TEXT ? (size_t)o->levels : (size_t)-1);
        fflush(stdout);
        if (o->report_path != NULL)
            status = report_drift(o->report_path, path[0], path[1], r, dm, o->model_path);
        size_t unchecked = 0;
        if (status == EXIT_OK && drift_rules_check(&o->rules, r, dm, NULL, &unchecked) > 0)
            status = EXIT_DRIFT;
        if (unchecked > 0) /* a gate that cannot tell must not pass */
            status = EXIT_FAILED;
    }
    free(order);
    if (dm != NULL)
        st_drift_model_result_free(dm); /* and r, its columns */
    else
        st_drift_result_free(r);
    cli_model_free(&m);
    for (int s = 0; s < 2; s++)
        st_dataset_free(ds[s]);
    return status;
}

int cmd_drift(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        CLI_ITERATION_OPTION,
        {"model", required_argument, NULL, OPT_MODEL},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"bins", required_argument, NULL, OPT_BINS},
        {"top", required_argument, NULL, OPT_TOP},
        {"levels", required_argument, NULL, OPT_LEVELS},
        {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
        {"contrib-rows", required_argument, NULL, OPT_CONTRIB_ROWS},
        {"time-col", required_argument, NULL, OPT_TIME_COL},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"report", required_argument, NULL, OPT_REPORT},
        {"terms", required_argument, NULL, OPT_TERMS},
        {NULL, 0, NULL, 0}};
    cli_common common;
    cli_common_init(&common);
    drift_opts o;
    memset(&o, 0, sizeof o);
    o.bins = 10, o.levels = 3, o.bootstrap = 1000, o.contrib_rows = 5000, o.terms = 10;
    int code;
    optind = 1;
    while ((code = cli_getopt("drift", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled == 0)
            handled = parse_option(&o, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s%s\n%s\n%s", drift_help, drift_fail_help, cli_iteration_help,
                   cli_common_help);
            cli_print_spellings(stdout, options);
            return EXIT_OK;
        }
        return cli_usage_error("drift", "unknown option");
    }
    if (o.window != NULL && o.time_col == NULL)
        return cli_usage_error("drift", "--window needs --time-col");
    if (cli_common_check("drift", &common) != EXIT_OK)
        return EXIT_USAGE;
    const drift_rule *model_rule = drift_rules_model_rule(&o.rules);
    if (o.model_path == NULL && model_rule != NULL)
        return cli_usage_error("drift", "--fail-on %s%s...: %s needs --model", model_rule->metric,
                               model_rule->op, strcmp(model_rule->metric, "score-psi") == 0
                               ? "the score's drift" : "the AUC change");
    cli_data_args(argv, optind, argc - optind); /* "-": standard input */
    if (o.time_col != NULL) {
        if (argc - optind != 1)
            return cli_usage_error("drift", "with --time-col: expected one DATA file, got %d",
                                   argc - optind);
        if (o.report_path != NULL)
            return cli_usage_error("drift", "--report is not supported with --time-col yet");
        if (o.model_path != NULL)
            return cli_usage_error("drift", "--time-col with --model is not supported yet: "
                                   "compare two periods' files with --model instead");
        return drift_over_time(argv[optind], o.time_col, o.window ? o.window : "month",
                               (int)o.bins, &o.rules, &common);
    }
    if (argc - optind != 2)
        return cli_usage_error("drift", "expected two data files, REFERENCE and NEW; got %d",
                               argc - optind);
    const char *path[2] = {argv[optind], argv[optind + 1]};
    const cli_file in[] = {{"REFERENCE", path[0]}, {"NEW", path[1]}, {"--model", o.model_path},
                           {"--weight-file", common.weight_file}};
    const cli_file out[] = {{"--report", o.report_path}};
    const int checked = cli_check_files(in, 4, out, 1);
    if (checked != EXIT_OK)
        return checked;
    if (o.model_path != NULL && cli_positive_from_model(&common, o.model_path) != EXIT_OK)
        return EXIT_FAILED;
    return run(path, &o, &common);
}
