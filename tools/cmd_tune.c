/* stratum tune logreg|gbdt DATA: a successive-halving search of the family's parameters,
 * scored by cross-validation on cv's folds (the library's st_tune_run, stratum/tune.h);
 * prints what it tried, the best against the defaults on the same folds, and writes the
 * best refitted on all rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cv_options.h"
#include "cli_gbdt_options.h"
#include "cli_logreg_options.h"
#include "tune_output.h"

enum { OPT_TUNE_METRIC = 6001, OPT_TUNE_TRIALS, OPT_TUNE_BUDGET, OPT_TUNE_NESTED,
       OPT_TUNE_OUT, OPT_TUNE_TABLE, OPT_TUNE_TOP, OPT_TUNE_BRACKETS, OPT_TUNE_RESOURCE,
       OPT_TUNE_TEXT_COL };

static const char tune_help[] =
    "Usage: stratum tune logreg|gbdt DATA [options]\n"
    "\n"
    "Searches the family's parameters by successive halving (as scikit-learn's\n"
    "HalvingRandomSearchCV over rows): --trials candidates, the first the defaults (with\n"
    "the options you fix), the others drawn at random (with --seed) from the space below;\n"
    "each rung cross-validates its candidates on a stratified\n"
    "sample of the rows, kept in their folds, and the best third (and the defaults) go on\n"
    "to a rung of three times the rows, the last rung using all rows. The folds are those of 'stratum cv' with\n"
    "the same --folds, --group-col and --seed, so the best's score is what 'stratum cv'\n"
    "prints for its parameters. The best is refitted on all rows (--out); the defaults are\n"
    "cross-validated on the same folds beside it, so you see what tuning bought. Its CV\n"
    "score is optimistic (it was chosen as the best): --nested K runs the whole search\n"
    "inside each of K outer folds for an honest estimate of 'tune, then train'.\n"
    "\n"
    "The space (an option you give is fixed and not searched; log: uniform in the log):\n"
    "  logreg: --lambda log in [1e-4, 1], --alpha in [0, 1], --class-weight none|balanced\n"
    "  gbdt:   --num-leaves log in [4, 64], --min-data-in-leaf log in [2, 100],\n"
    "          --learning-rate log in [0.01, 0.3], --feature-fraction in [0.5, 1],\n"
    "          --bagging-fraction in [0.5, 1] (every tree), --lambda-l2 log in [1e-3, 10],\n"
    "          --class-weight none|balanced; trees chosen by early stopping in each fit\n"
    "\n"
    "The same data, options, --seed and --trials give the same table and the same model,\n"
    "byte for byte, on any number of threads. With --time-budget they do not: once the\n"
    "budget is spent, the candidate running stops at its next tree or solver iteration\n"
    "(listed as stopped at the budget, not ranked) and nothing else starts; the best is\n"
    "the top of the last rung reached, on that rung's rows, and the defaults are\n"
    "cross-validated on all rows only within the budget. The search stays within the\n"
    "budget plus one tree or solver iteration; then the best is refitted on all rows,\n"
    "which is not counted in it. Which candidates ran depends on the machine's speed and\n"
    "load; a finished candidate's score never does.\n"
    "--time-budget without --trials runs brackets: the search of 27 candidates, then\n"
    "again with the next 27 (candidates 28 to 54, ...), until the budget is spent; the\n"
    "best is the top of the brackets' last rungs, all on all rows and the same folds. A\n"
    "run of K brackets the budget did not cut is repeated exactly by --brackets K.\n"
    "\n"
    "Options:\n"
    "  --metric M             roc_auc, pr_auc, log_loss or brier (default: roc_auc)\n"
    "  --trials N             candidates drawn (in each bracket), >= 1 (default: 27:\n"
    "                         rungs of 27, 9, 3, 1)\n"
    "  --time-budget S        seconds, > 0: stop the search after S, then refit the best\n"
    "                         (default: none; with --nested each outer fold's search\n"
    "                         gets S too); without --trials, brackets until S is spent\n"
    "  --brackets K           run K brackets of --trials candidates (default: 1, or until\n"
    "                         the budget is spent with --time-budget alone)\n"
    "  --resource rows|trees  what rungs grow in (default: rows); trees: gbdt with\n"
    "                         --num-trees N, every rung on all rows with N/3^k trees\n"
    "  --folds K              folds, >= 2 (default: 5)\n"
    "  --group-col COL        keep rows with the same value of COL in one fold\n"
    "  --nested K             also estimate the tuned procedure on K outer folds, >= 2\n"
    "  -o, --output FILE      write the best model, refitted on all rows (replaced\n"
    "                         atomically; default: not written)\n"
    "  --table FILE.csv       write every candidate tried at every rung (default: not\n"
    "                         written)\n"
    "  --top N                rows of the table on stdout (default: 10)\n"
    "Fixed training options, as for 'stratum train logreg' (logreg) or 'stratum train gbdt':\n"
    "  logreg: --lambda, --alpha, --class-weight, --no-standardize, --impute,\n"
    "          --missing-indicators, --max-iter, --tol\n"
    "  gbdt:   --num-trees, --num-leaves, --max-depth, --learning-rate, --max-bin,\n"
    "          --min-data-in-leaf, --min-sum-hessian-in-leaf, --lambda-l1, --lambda-l2,\n"
    "          --min-gain-to-split, --feature-fraction, --bagging-fraction, --bagging-freq,\n"
    "          --scale-pos-weight, --class-weight, --monotone (every candidate keeps\n"
    "          the constraints), --quantized-grad, --num-grad-quant-bins and the\n"
    "          categorical options\n"
    "Text columns (--text-col) are not tuned yet.\n"
    "Output: a line per rung on stderr unless -q; the table, the best and the defaults on\n"
    "stdout.\n";

typedef struct tune_opts {
    st_tune_params tp;
    const char *out, *table;
    long top;
    int trials_given, brackets_given;
    const char *monotone_spec; /* --monotone, resolved once the data is read */
} tune_opts;

/* The st_tune_param bit an option fixes, or 0. */
static unsigned fixed_bit(int code)
{
    switch (code) {
    case OPT_LAMBDA: return ST_TUNE_LAMBDA;
    case OPT_ALPHA: return ST_TUNE_ALPHA;
    case OPT_CLASS_WEIGHT:
    case OPT_GBDT_CLASS_WEIGHT:
    case OPT_GBDT_SCALE_POS: return ST_TUNE_CLASS_WEIGHT;
    case OPT_GBDT_NUM_LEAVES: return ST_TUNE_NUM_LEAVES;
    case OPT_GBDT_MIN_DATA: return ST_TUNE_MIN_DATA_IN_LEAF;
    case OPT_GBDT_LEARNING_RATE: return ST_TUNE_LEARNING_RATE;
    case OPT_GBDT_FEATURE_FRACTION: return ST_TUNE_FEATURE_FRACTION;
    case OPT_GBDT_BAGGING_FRACTION:
    case OPT_GBDT_BAGGING_FREQ: return ST_TUNE_BAGGING_FRACTION;
    case OPT_GBDT_L2: return ST_TUNE_LAMBDA_L2;
    default: return 0;
    }
}

static const char *const metric_words[] = {"roc_auc", "pr_auc", "log_loss", "brier"};
static const st_metric metric_ids[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_LOG_LOSS,
                                       ST_METRIC_BRIER};

/* tune's own options: 1 handled, 0 not one, -1 bad value (usage error printed). */
static int tune_option(tune_opts *o, int code, const char *arg)
{
    long n;
    double v;
    switch (code) {
    case OPT_TUNE_METRIC:
        for (size_t i = 0; i < 4; i++)
            if (strcmp(arg, metric_words[i]) == 0) {
                o->tp.metric = metric_ids[i];
                return 1;
            }
        return cli_usage_error("tune", "--metric '%s': expected roc_auc, pr_auc, log_loss or "
                               "brier", arg), -1;
    case OPT_TUNE_TRIALS:
        if (!cli_parse_int(arg, 1, 100000, &n))
            return cli_usage_error("tune", "--trials '%s': expected a whole number from 1 to "
                                   "100000", arg), -1;
        o->tp.n_trials = (size_t)n;
        o->trials_given = 1;
        return 1;
    case OPT_TUNE_BRACKETS:
        if (!cli_parse_int(arg, 1, 10000, &n))
            return cli_usage_error("tune", "--brackets '%s': expected a whole number from 1 to "
                                   "10000", arg), -1;
        o->tp.n_brackets = (size_t)n;
        o->brackets_given = 1;
        return 1;
    case OPT_TUNE_RESOURCE:
        if (strcmp(arg, "rows") == 0 || strcmp(arg, "trees") == 0) {
            o->tp.resource = arg[0] == 'r' ? ST_TUNE_RESOURCE_ROWS : ST_TUNE_RESOURCE_TREES;
            return 1;
        }
        return cli_usage_error("tune", "--resource '%s': expected rows or trees", arg), -1;
    case OPT_TUNE_BUDGET:
        if (!cli_parse_double(arg, &v) || !(v > 0) || isinf(v))
            return cli_usage_error("tune", "--time-budget '%s': expected a number of seconds "
                                   "> 0", arg), -1;
        o->tp.time_budget = v;
        return 1;
    case OPT_TUNE_NESTED:
        if (!cli_parse_int(arg, 2, 1000, &n))
            return cli_usage_error("tune", "--nested '%s': expected a whole number from 2 to "
                                   "1000", arg), -1;
        o->tp.nested_folds = (size_t)n;
        return 1;
    case 'o':
    case OPT_TUNE_OUT: o->out = arg; return 1;
    case OPT_TUNE_TABLE: o->table = arg; return 1;
    case OPT_TUNE_TOP:
        if (!cli_parse_int(arg, 0, 1000000, &o->top))
            return cli_usage_error("tune", "--top '%s': expected a whole number >= 0", arg), -1;
        return 1;
    default: return 0;
    }
}

#define TUNE_OWN_OPTIONS                                                                   \
    {"metric", required_argument, NULL, OPT_TUNE_METRIC},                                  \
    {"trials", required_argument, NULL, OPT_TUNE_TRIALS},                                  \
    {"brackets", required_argument, NULL, OPT_TUNE_BRACKETS},                              \
    {"resource", required_argument, NULL, OPT_TUNE_RESOURCE},                              \
    {"text-col", required_argument, NULL, OPT_TUNE_TEXT_COL},                              \
    {"time-budget", required_argument, NULL, OPT_TUNE_BUDGET},                             \
    {"nested", required_argument, NULL, OPT_TUNE_NESTED},                                  \
    {"output", required_argument, NULL, OPT_TUNE_OUT},                                     \
    {"out", required_argument, NULL, OPT_TUNE_OUT}, /* (its first name) */                 \
    {"table", required_argument, NULL, OPT_TUNE_TABLE},                                    \
    {"top", required_argument, NULL, OPT_TUNE_TOP},                                        \
    {"folds", required_argument, NULL, OPT_FOLDS},                                         \
    {"group-col", required_argument, NULL, OPT_GROUP_COL}

static int parse(int argc, char **argv, tune_opts *o, cv_opts *cvo, cli_common *c)
{
    static const struct option logreg_options[] = {
        CLI_COMMON_OPTIONS, CLI_LOGREG_OPTIONS, TUNE_OWN_OPTIONS, {NULL, 0, NULL, 0}};
    static const struct option gbdt_options[] = {
        CLI_COMMON_OPTIONS, CLI_GBDT_OPTIONS, CLI_GBDT_CLASS_WEIGHT_OPTION, TUNE_OWN_OPTIONS,
        {NULL, 0, NULL, 0}};
    const int gbdt = o->tp.cv.family == ST_CV_GBDT;
    int code;
    optind = 1;
    while ((code = cli_getopt("tune", argc, argv, "qho:", gbdt ? gbdt_options
                                                                : logreg_options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        if (code == 'h') {
            printf("%s\n%s", tune_help, cli_common_help);
            return EXIT_OK;
        }
        if (code == OPT_TUNE_TEXT_COL)
            return cli_usage_error("tune", "--text-col: text columns are not tuned yet: tune "
                                   "the table without them, or compare settings with 'stratum "
                                   "cv logreg --text-col'");
        /* the constraints hold for every candidate (the pointer goes with cv.gbdt) */
        int handled = gbdt ? cli_gbdt_monotone_option("tune", code, optarg, &o->monotone_spec)
                           : 0;
        if (handled == 0)
            handled = cli_common_option(c, code, optarg);
        if (handled == 0)
            handled = gbdt ? cli_gbdt_option("tune", &o->tp.cv.gbdt, code, optarg)
                           : cli_logreg_option("tune", &o->tp.cv.logreg, code, optarg);
        if (handled == 1)
            o->tp.fixed |= fixed_bit(code);
        if (handled == 0)
            handled = tune_option(o, code, optarg);
        if (handled == 0 && (code == OPT_FOLDS || code == OPT_GROUP_COL))
            handled = cv_option("tune", cvo, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled == 0)
            return cli_usage_error("tune", "unknown option or missing value '%s'",
                                   argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("tune", "expected one DATA file, got %d", argc - optind);
    if (cli_common_check("tune", c) != EXIT_OK)
        return EXIT_USAGE;
    const unsigned space = gbdt ? ST_TUNE_CLASS_WEIGHT | ST_TUNE_NUM_LEAVES |
                                      ST_TUNE_MIN_DATA_IN_LEAF | ST_TUNE_LEARNING_RATE |
                                      ST_TUNE_FEATURE_FRACTION | ST_TUNE_BAGGING_FRACTION |
                                      ST_TUNE_LAMBDA_L2
                                : ST_TUNE_LAMBDA | ST_TUNE_ALPHA | ST_TUNE_CLASS_WEIGHT;
    if ((o->tp.fixed & space) == space) /* every candidate would be the same */
        return cli_usage_error("tune", "every parameter of the space is fixed by an option: "
                               "nothing to search; 'stratum cv %s' estimates that one setting",
                               gbdt ? "gbdt" : "logreg");
    if (o->tp.resource == ST_TUNE_RESOURCE_TREES &&
        (o->tp.cv.family != ST_CV_GBDT || o->tp.cv.gbdt.num_trees <= 0))
        return cli_usage_error("tune", "--resource trees: expected 'tune gbdt' with --num-trees "
                               "N (the last rung's trees; the default number of trees is "
                               "chosen by early stopping inside every fit)");
    /* a budget alone: brackets of --trials candidates until it is spent */
    if (o->tp.time_budget > 0 && !o->trials_given && !o->brackets_given)
        o->tp.n_brackets = 0;
    if (c->format != FORMAT_TEXT)
        return cli_usage_error("tune", "--format: tune prints text (the table: --table)");
    cli_data_args(argv, optind, 1); /* "-": standard input */
    const cli_file in[] = {{"DATA", argv[optind]}, {"--weight-file", c->weight_file}};
    const cli_file out[] = {{"-o", o->out}, {"--table", o->table}};
    const int checked = cli_check_files(in, 2, out, 2);
    if (checked != EXIT_OK)
        return checked;
    return -1;
}

static void progress(const st_tune_progress *p, void *data)
{
    const st_tune_params *tp = data;
    const char *label = st_metric_label(tp->metric);
    char bracket[40] = ""; /* only when there can be more than one */
    if (tp->n_brackets != 1)
        snprintf(bracket, sizeof bracket, "bracket %zu, ", p->bracket + 1);
    switch (p->event) {
    case ST_TUNE_RUNG_START:
        fprintf(stderr, "tune: %srung %zu of %zu: %zu candidate%s on %zu rows", bracket,
                p->rung + 1, p->n_rungs, p->n_candidates, p->n_candidates == 1 ? "" : "s",
                p->n_rows);
        if (p->n_trees > 0)
            fprintf(stderr, ", %d tree%s", p->n_trees, p->n_trees == 1 ? "" : "s");
        fputc('\n', stderr);
        break;
    case ST_TUNE_RUNG_DONE:
        fprintf(stderr, "tune: %srung %zu of %zu: best candidate %zu, %s %.4f [%.4f, %.4f]\n",
                bracket, p->rung + 1, p->n_rungs, p->candidate->id + 1, label,
                p->candidate->score.mean, p->candidate->score.low, p->candidate->score.high);
        break;
    case ST_TUNE_BUDGET_SPENT:
        fprintf(stderr, "tune: time budget of %g s spent in %srung %zu: ", tp->time_budget,
                bracket, p->rung + 1);
        if (p->candidate != NULL)
            fprintf(stderr, "candidate %zu stopped (not ranked), ", p->candidate->id + 1);
        fprintf(stderr, "no more candidates\n");
        break;
    case ST_TUNE_REFIT_START:
        fprintf(stderr, "tune: refitting candidate %zu on all %zu rows%s\n",
                p->candidate->id + 1, p->n_rows,
                tp->time_budget > 0 ? " (not counted in the time budget)" : "");
        break;
    case ST_TUNE_NESTED_FOLD_DONE:
        fprintf(stderr, "tune: nested fold %zu of %zu: ROC-AUC %.4f, PR-AUC %.4f\n",
                p->fold + 1, p->n_folds, p->value[0], p->value[1]);
        break;
    default: break;
    }
}

static double clock_seconds(void *unused)
{
    (void)unused;
    return cli_seconds();
}

int cmd_tune(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s\n%s", tune_help, cli_common_help);
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage_error("tune", "expected a model kind: stratum tune logreg|gbdt DATA");
    tune_opts o = {.tp = st_tune_params_default(), .top = 10};
    if (strcmp(argv[1], "gbdt") == 0)
        o.tp.cv.family = ST_CV_GBDT;
    else if (strcmp(argv[1], "logreg") != 0)
        return cli_usage_error("tune", "unknown model kind '%s': expected logreg or gbdt",
                               argv[1]);
    argc--, argv++;
    cv_opts cvo = cv_opts_default();
    cli_common common;
    cli_common_init(&common);
    int status = parse(argc, argv, &o, &cvo, &common);
    if (status != -1)
        return status;
    cv_setup s = {.model = o.tp.cv.family == ST_CV_GBDT ? CV_GBDT : CV_LOGREG};
    st_dataset *ds = NULL;
    int *fold = NULL;
    char how[300];
    status = cv_opts_prepare(&cvo, &common, argv[optind], &s, &ds, &fold, how, sizeof how);
    st_tune_result *res = NULL;
    signed char *monotone = NULL;
    if (status == EXIT_OK)
        status = cli_gbdt_monotone_resolve("tune", o.monotone_spec, ds, &monotone);
    o.tp.cv.gbdt.monotone = monotone;
    if (status == EXIT_OK) {
        st_tune_params *tp = &o.tp;
        tp->cv.n_threads = common.threads;
        tp->cv.logreg.cv_seed = common.seed;
        tp->cv.gbdt.seed = common.seed;
        tp->cv.n_folds = (size_t)cvo.folds;
        tp->cv.seed = common.seed;
        tp->cv.groups = s.groups;
        if (tp->time_budget > 0)
            tp->clock = clock_seconds;
        if (!common.quiet)
            tp->progress = progress, tp->progress_data = tp;
        st_error err;
        st_status rc = st_tune_run(ds, tp, &res, &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
    }
    if (status == EXIT_OK && o.table != NULL)
        status = tune_write_table(o.table, res);
    if (status == EXIT_OK && o.out != NULL) {
        st_error err;
        st_status rc = st_model_save(res->model, o.out, &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
    }
    if (status == EXIT_OK) {
        tune_print_report(res, (size_t)o.top, o.table != NULL, argv[optind],
                          how);
        if (o.out != NULL)
            printf("Model written to %s\n", o.out);
    }
    st_tune_result_free(res);
    free(monotone);
    free(fold);
    free((void *)s.groups);
    st_dataset_free(ds);
    return status;
}
