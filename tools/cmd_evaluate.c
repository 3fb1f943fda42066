/* stratum evaluate: metrics of scores against labels, with confidence intervals.
 *
 *     stratum evaluate --scores FILE [--score-col p] [--label-col y] [--weight-col w]
 *     stratum evaluate MODEL DATA
 *
 * JSON output (--format json), schema "stratum-evaluate 1". Keys are never removed or
 * renamed within a schema version; new keys may be added. Undefined numbers are null.
 *
 *   {
 *     "schema": "stratum-evaluate 1",
 *     "source": {"scores": PATH, "score_col": NAME}
 *             | {"model": PATH, "model_kind": "logreg", "data": PATH},
 *     "rows": N, "n_positive": N, "n_negative": N,   rows, whatever their weight
 *     "weighted": BOOL, "weight_positive": X, "weight_negative": X,
 *     "threshold": {"rule": "fixed"|"f1"|"fbeta"|"youden"|"min-recall"|"min-precision",
 *                   "value": X|null (null: no threshold meets the rule),
 *                   "beta": X, "min_recall": X, "min_precision": X,
 *                   "from_model": BOOL (the threshold stored in MODEL, used by default;
 *                   "rule" is then "fixed")},
 *     "training_rows": null | {"training_rows": N, "scored_rows": N, "scored_share": X,
 *                   "training_share": X, "exact": BOOL},   MODEL DATA only: how far DATA
 *         is the model's training rows, from the model's fingerprint (null: it has none;
 *         st_gbdt_training_overlap in stratum/gbdt.h),
 *     "bootstrap": {"resamples": N (0 = off), "seed": N, "level": 0.95,
 *                   "stratified": true|false},
 *     "metrics": {NAME: {"value": X|null, "defined": BOOL, "ci_low": X|null,
 *                        "ci_high": X|null, "ci_resamples": N}, ...}
 *         NAME, in this order: roc_auc pr_auc log_loss brier prevalence precision recall
 *         specificity npv accuracy f1 fbeta balanced_accuracy mcc calibration_intercept
 *         calibration_slope calibration_in_the_large (definitions in include/stratum/metrics.h);
 *         ci_resamples counts the resamples in which the metric was defined,
 *     "delong": {"variance": X|null, "se": X|null, "ci_low": X|null, "ci_high": X|null},
 *         DeLong's ROC-AUC variance and 95% CI; null for weighted data or < 2 rows of a class,
 *     "confusion": {"tp": X, "fp": X, "tn": X, "fn": X},   weighted counts at the threshold
 *         (null when no threshold meets the rule),
 *     "subgroups": {"column": NAME, "threshold": X|null, "groups": [{"value": TEXT,
 *                   "rows": N, "n_positive": N, "n_negative": N, "weight_positive": X,
 *                   "weight_negative": X, "missing": BOOL, "confusion": {...}, "delong": {"variance": X|null,
 *                   "ci_low": X|null, "ci_high": X|null}, "metrics": {...}}, ...]},
 *         only with --by COL: one group per level of COL (ascending; the rows without a
 *         value last, "missing": true, named "(missing)", or "(missing value)" when a level
 *         is written "(missing)"), each at the threshold chosen on all rows, with the same
 *         "metrics" object; a number column's levels are its cells' texts as written,
 *         ascending by value,
 *     "calibration": [{"bin": 1..10, "rows": N, "weight": X, "score_min": X,
 *                      "score_max": X, "mean_predicted": X|null, "observed": X|null}, ...]
 *         10 bins of equal row count in ascending score; [] with fewer than 10 rows
 *   }
 *
 * Numbers are written with %.17g, so they read back exactly.
 *
 * CSV output is "metric,value,ci_low,ci_high" with one line per metric, then roc_auc_delong,
 * threshold, tp, fp, tn, fn; with --by, lines "METRIC[COL=VALUE]" follow for each group.
 * Undefined values are empty fields. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_text.h"
#include "cmd_train_gbdt.h"
#include "evaluate_output.h"

static const char evaluate_help[] =
    "Usage: stratum evaluate --scores FILE [options]\n"
    "       stratum evaluate MODEL DATA [options]\n"
    "\n"
    "Measures how well scores separate the classes and how well they are calibrated:\n"
    "ROC-AUC, PR-AUC (average precision), log loss, Brier score, and at a threshold the\n"
    "confusion matrix, precision, recall, specificity, NPV, accuracy, F1, F-beta, balanced\n"
    "accuracy and MCC, each with a 95% bootstrap CI; DeLong's CI for ROC-AUC;\n"
    "calibration intercept and slope and a 10-bin calibration table. A value that is not\n"
    "defined (e.g. precision when nothing is predicted positive) shows as 'undefined'.\n"
    "MODEL is a model saved by 'stratum train', an XGBoost model saved as JSON or a\n"
    "LightGBM model saved as text (objective=binary).\n"
    "With --scores, FILE holds a score column and a label column (e.g. the output of\n"
    "'stratum predict' with the labels added); with MODEL DATA the model scores DATA.\n"
    "A model trained by stratum keeps a fingerprint of its training rows: when DATA is,\n"
    "or partly is, those rows, a note says so ('note: these 3,772 rows are the model's\n"
    "training rows: the metrics below are optimistic; evaluate on held-out data').\n"
    "\n"
    "Options:\n"
    "  --scores FILE          CSV of scores and labels to evaluate (instead of MODEL DATA)\n"
    "  --score-col COL        the score column of FILE (default: p)\n"
    "  --label-col COL        the label column; same as --label (default: label)\n"
    "  --threshold T          predict positive when score >= T (default: the threshold\n"
    "                         stored in MODEL, if it has one, else 0.5)\n"
    "  --threshold-rule R     choose the threshold from the data instead: f1 (max F1),\n"
    "                         fbeta (max F-beta), youden (max sensitivity + specificity),\n"
    "                         min-recall (highest keeping recall >= --min-recall),\n"
    "                         min-precision (lowest with precision >= --min-precision)\n"
    "                         (default: fixed, i.e. --threshold)\n"
    "  --beta B               beta of F-beta, > 0 (default: 2)\n"
    "  --min-recall R         for --threshold-rule min-recall, in [0, 1] (default: 0.9)\n"
    "  --min-precision P      for --threshold-rule min-precision, in [0, 1] (default: 0.5)\n"
    "  --bootstrap N          bootstrap resamples for the CIs, 0 = none (default: 1000);\n"
    "                         --seed and --threads apply. A resample draws n rows from\n"
    "                         all rows, so the number of positives varies as in another\n"
    "                         cohort of the same size\n"
    "  --stratified-bootstrap draw each resample's positives from the positive rows and\n"
    "                         its negatives from the negative rows, for a case-control\n"
    "                         sample whose class counts the design fixed (default: off)\n"
    "  --by COL               also evaluate each level of column COL (e.g. sex, site; at\n"
    "                         most 100, plus missing) at the threshold chosen on all rows;\n"
    "                         numbers are grouped by their texts as written, read again\n"
    "                         from the file (default: none)\n"
    "  --roc-curve FILE       also write the ROC curve as CSV: threshold,fpr,tpr, one line\n"
    "                         per distinct score (default: not written)\n"
    "  --pr-curve FILE        also write the precision-recall curve as CSV:\n"
    "                         threshold,precision,recall (default: not written)\n"
    "  --report FILE.html     also write a self-contained HTML report: curves with the\n"
    "                         operating point, calibration plot, metrics table and, with\n"
    "                         --by, the subgroup table (default: not written)\n"
    "\n"
    "Scores read from FILE keep their full double precision, as MODEL DATA scores do: a\n"
    "score of 0.999999999 on a negative row costs -log(1e-9) = 20.72 of log loss, as in\n"
    "scikit-learn, not the 36.04 of the 32-bit float it would round to (1.0, clipped).\n";

static const char *const rule_words[] = {"fixed", "f1", "fbeta", "youden", "min-recall",
                                         "min-precision"};

typedef struct eval_opts {
    const char *scores_path;
    const char *score_col;
    const char *roc_path, *pr_path;
    const char *by;
    const char *report_path;
    int threshold_given, rule_given;
    st_eval_params prm;
} eval_opts;

static int bad(const char *option, const char *arg, const char *expected)
{
    fprintf(stderr, "stratum evaluate: --%s '%s': expected %s\n", option, arg, expected);
    return -1;
}

/* Handles one of evaluate's own options: 1 handled, 0 not ours, -1 bad value. */
static int eval_option(eval_opts *o, cli_common *common, int code, const char *arg)
{
    double v;
    long n;
    switch (code) {
    case 2001: o->scores_path = cli_data_path(arg); return 1;
    case 2002: o->score_col = arg; return 1;
    case 2003: return cli_common_option(common, 1001, arg); /* --label-col = --label */
    case 2004:
        if (!cli_parse_double(arg, &v) || v != v)
            return bad("threshold", arg, "a number");
        o->prm.threshold = v;
        o->threshold_given = 1;
        return 1;
    case 2005:
        for (size_t i = 0; i < sizeof rule_words / sizeof rule_words[0]; i++)
            if (strcmp(arg, rule_words[i]) == 0) {
                o->prm.rule = (st_threshold_rule)i;
                o->rule_given = 1;
                return 1;
            }
        return bad("threshold-rule", arg, "f1, fbeta, youden, min-recall or min-precision");
    case 2006:
        if (!cli_parse_double(arg, &v) || !(v > 0) || v > 1e6)
            return bad("beta", arg, "a number > 0");
        o->prm.beta = v;
        return 1;
    case 2007:
        if (!cli_parse_double(arg, &v) || !(v >= 0 && v <= 1))
            return bad("min-recall", arg, "a number from 0 to 1");
        o->prm.min_recall = v;
        return 1;
    case 2008:
        if (!cli_parse_double(arg, &v) || !(v >= 0 && v <= 1))
            return bad("min-precision", arg, "a number from 0 to 1");
        o->prm.min_precision = v;
        return 1;
    case 2009:
        if (!cli_parse_int(arg, 0, 1000000, &n))
            return bad("bootstrap", arg, "a whole number from 0 to 1000000");
        o->prm.n_bootstrap = (int)n;
        return 1;
    case 2014: o->prm.stratified = 1; return 1;
    case 2010: o->roc_path = arg; return 1;
    case 2012: o->by = arg; return 1;
    case 2011: o->pr_path = arg; return 1;
    case 2013: o->report_path = arg; return 1;
    default: return 0;
    }
}

/* The score's exact value from its text, as the reader parsed it (a decimal number,
 * optionally with spaces around it): 1, or 0 when the text is not one. The C locale is in
 * force (the CLI never calls setlocale), so strtod's decimal point is '.'. */
static int parse_score(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text)
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0')
        return 0;
    *out = v;
    return 1;
}

/* Scores outside [0, 1] (percentages, log-odds: another scale than probabilities), with
 * a warning naming the first: the thresholds apply to them as they are, and the metrics
 * of probabilities (log loss, Brier, calibration) are undefined. */
static size_t scores_outside(const double *p, size_t n, const char *path)
{
    size_t count = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0 || p[i] > 1) /* (NaN is neither) */
            first = count++ == 0 ? i : first;
    if (count > 0 && path != NULL)
        fprintf(stderr, "stratum: warning: %s: %zu score%s outside [0, 1] (the first, row %zu "
                "of the rows read: %g): not probabilities, so log loss, Brier and calibration "
                "are undefined and a threshold applies to the scores as they are\n", path,
                count, count == 1 ? "" : "s", first + 1, p[first]);
    return count;
}

/* Scores from a column of the scores file; *p is allocated with st_dataset_n_rows values.
 * The dataset stores 32-bit floats, which would round 0.999999999 to 1 (a log loss of
 * 36.04 after the clip instead of 20.72): the column's texts are read again and parsed as
 * doubles, row for row (st_csv_column_texts numbers rows as the reader does). */
static st_status scores_from_column(const st_dataset *ds, const char *path,
                                    const st_read_options *opt, const char *col, double **p,
                                    st_error *err)
{
    long j = st_dataset_find_feature(ds, col);
    if (j < 0) {
        snprintf(err->message, sizeof err->message, col[0] == '#'
                 ? "no score column named '%s' (--score-col takes the column's name; a "
                   "position '#k' is for --label)" : "no score column named '%s' (--score-col)",
                 col);
        return ST_ERR_DATA;
    }
    if (st_dataset_feature_type(ds, (size_t)j) != ST_FEATURE_NUMERIC) {
        snprintf(err->message, sizeof err->message, "score column '%s' is not numeric", col);
        return ST_ERR_DATA;
    }
    size_t n = st_dataset_n_rows(ds);
    float *x = cli_feature_copy(ds, (size_t)j); /* dense or sparse alike */
    if (x == NULL || (*p = malloc((n ? n : 1) * sizeof **p)) == NULL) {
        free(x);
        snprintf(err->message, sizeof err->message, "out of memory for %zu scores", n);
        return ST_ERR_NOMEM;
    }
    char **texts = NULL;
    size_t n_texts = 0;
    st_status rc = ST_OK;
    if (st_dataset_delimiter(ds) != 0) /* a CSV file: its texts hold the digits */
        rc = st_csv_column_texts(path, opt, col, &texts, &n_texts, err);
    if (rc == ST_OK && texts != NULL && n_texts != n) {
        snprintf(err->message, sizeof err->message, "%s: %zu texts of column '%s' for %zu rows",
                 path, n_texts, col, n);
        rc = ST_ERR_DATA;
    }
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        if (isnan(x[i])) { /* named here with the file: the metrics know only a row */
            snprintf(err->message, sizeof err->message, "%s: row %zu (of the rows read) has "
                     "no score in column '%s'; every row needs one", path, i + 1, col);
            rc = ST_ERR_DATA;
        } else if (texts == NULL || !parse_score(texts[i], &(*p)[i])) {
            (*p)[i] = x[i];
        }
    }
    st_texts_free(texts, n_texts);
    free(x);
    return rc;
}

/* One kind of model file: how it is recognised and how it scores a dataset. */
typedef struct model_kind {
    const char *name; /* the third word of the file's first line */
    /* fills p and, when the model stores a decision threshold, *t (else t->value NaN) */
    st_status (*score)(const char *path, const cli_common *c, const st_dataset *ds, double *p,
                       st_decision_threshold *t, st_training_overlap *ov, st_error *err);
} model_kind;

static st_status score_logreg(const char *path, const cli_common *c, const st_dataset *ds,
                              double *p, st_decision_threshold *t, st_training_overlap *ov,
                              st_error *err)
{
    (void)c; /* --iteration-range was refused before the data was read */
    st_logreg *m = NULL;
    st_dataset *text = NULL; /* ds with the model's text columns featurized, if any */
    st_status rc = cli_logreg_load(path, &m, err);
    if (rc == ST_OK && (rc = cli_text_for_model(m, ds, &text, err)) == ST_OK && text != NULL)
        ds = text;
    if (rc == ST_OK)
        rc = st_logreg_predict(m, ds, p, st_dataset_n_rows(ds), err);
    if (rc == ST_OK)
        rc = st_logreg_training_overlap(m, ds, ov, err);
    if (rc == ST_OK && !st_logreg_threshold_info(m, t))
        t->value = NAN;
    st_dataset_free(text);
    st_logreg_free(m);
    return rc;
}

static st_status score_gbdt(const char *path, const cli_common *c, const st_dataset *ds,
                            double *p, st_decision_threshold *t, st_training_overlap *ov,
                            st_error *err)
{
    st_gbdt *m = NULL;
    st_dataset *text = NULL; /* ds with the model's text columns featurized, if any */
    st_status rc = cli_gbdt_load(path, c, &m, err);
    if (rc == ST_OK && st_gbdt_n_text_featurizers(m) > 0) {
        const st_text_featurizer *f[CLI_TEXT_MAX_COLS];
        size_t n = st_gbdt_n_text_featurizers(m);
        n = n < CLI_TEXT_MAX_COLS ? n : CLI_TEXT_MAX_COLS;
        for (size_t k = 0; k < n; k++)
            f[k] = st_gbdt_text_featurizer(m, k);
        if ((rc = st_text_transform(f, n, ds, &text, err)) == ST_OK)
            ds = text;
    }
    if (rc == ST_OK)
        rc = st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 0, p, st_dataset_n_rows(ds), err);
    if (rc == ST_OK)
        rc = st_gbdt_training_overlap(m, ds, ov, err);
    if (rc == ST_OK && !st_gbdt_threshold_info(m, t))
        t->value = NAN;
    st_dataset_free(text);
    st_gbdt_free(m);
    return rc;
}

static const model_kind model_kinds[] = {{"logreg", score_logreg}, {"gbdt", score_gbdt}};

/* The kind named on line 1 ("stratum-model 1 KIND"); logreg when the line is not of that
 * form, so that st_logreg_load reports what is wrong with the file. */
static const char *read_model_kind(const char *path, char *kind, size_t size)
{
    char line[256] = "";
    FILE *f = fopen(path, "rb");
    if (f != NULL) {
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        fclose(f);
    }
    int version;
    char word[64];
    if (sscanf(line, "stratum-model %d %63s", &version, word) == 2)
        snprintf(kind, size, "%s", word);
    else if (cli_model_is_gbdt(path)) /* a model saved by XGBoost or LightGBM */
        snprintf(kind, size, "gbdt");
    else
        snprintf(kind, size, "logreg");
    return kind;
}

/* Reads the data (and the model) and computes the scores; fills *ds and *p. */
static int load(const eval_opts *o, const cli_common *common, const char *model_path,
                const char *data_path, char *kind, size_t kind_size, st_dataset **ds, double **p,
                st_decision_threshold *stored, st_training_overlap *ov)
{
    st_read_options opt = cli_read_options(common);
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_dataset_read(o->scores_path != NULL ? o->scores_path : data_path, &opt, ds,
                                   &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_data(*ds, o->scores_path != NULL ? o->scores_path : data_path);
    if (o->scores_path != NULL) {
        rc = scores_from_column(*ds, o->scores_path, &opt, o->score_col, p, &err);
        return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
    }
    read_model_kind(model_path, kind, kind_size);
    const model_kind *mk = NULL;
    for (size_t i = 0; i < sizeof model_kinds / sizeof model_kinds[0]; i++)
        if (strcmp(kind, model_kinds[i].name) == 0)
            mk = &model_kinds[i];
    if (mk == NULL) {
        fprintf(stderr, "stratum: %s: evaluating %s models is not supported yet\n", model_path,
                kind);
        return EXIT_FAILED;
    }
    if (strcmp(kind, "gbdt") != 0 &&
        cli_iteration_range_not_gbdt(common, "evaluate", model_path) != EXIT_OK)
        return EXIT_USAGE;
    size_t n = st_dataset_n_rows(*ds);
    if ((*p = malloc((n ? n : 1) * sizeof **p)) == NULL) {
        fprintf(stderr, "stratum: out of memory for %zu predictions\n", n);
        return EXIT_FAILED;
    }
    rc = mk->score(model_path, common, *ds, *p, stored, ov, &err);
    if (rc != ST_OK && err.message[0] != '\0' && strstr(err.message, model_path) == NULL)
        cli_name_file(&err, data_path); /* a data error: the model's own name its file */
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

static int parse(int argc, char **argv, eval_opts *o, cli_common *common)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"scores", required_argument, NULL, 2001}, {"score-col", required_argument, NULL, 2002},
        {"label-col", required_argument, NULL, 2003}, {"threshold", required_argument, NULL, 2004},
        {"threshold-rule", required_argument, NULL, 2005}, {"beta", required_argument, NULL, 2006},
        {"min-recall", required_argument, NULL, 2007},
        {"min-precision", required_argument, NULL, 2008},
        {"bootstrap", required_argument, NULL, 2009}, {"roc-curve", required_argument, NULL, 2010},
        {"pr-curve", required_argument, NULL, 2011}, {"by", required_argument, NULL, 2012},
        {"report", required_argument, NULL, 2013},
        {"stratified-bootstrap", no_argument, NULL, 2014}, CLI_ITERATION_OPTION,
        {NULL, 0, NULL, 0}};
    int code;
    optind = 1;
    while ((code = cli_getopt("evaluate", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(common, code, optarg);
        if (handled == 0)
            handled = eval_option(o, common, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s%s\n%s", evaluate_help, cli_iteration_help, cli_common_help);
            return EXIT_OK;
        }
        return cli_usage_error("evaluate", "unknown option or missing value '%s'",
                               argv[optind - 1]);
    }
    if (o->threshold_given && o->rule_given && o->prm.rule != ST_THRESHOLD_FIXED)
        return cli_usage_error("evaluate", "--threshold and --threshold-rule %s exclude each other",
                               rule_words[o->prm.rule]);
    /* (--beta is not checked: it also sets the F-beta row) */
    const st_eval_params d = st_eval_params_default();
    if (o->prm.min_recall != d.min_recall && o->prm.rule != ST_THRESHOLD_MIN_RECALL)
        return cli_usage_error("evaluate", "--min-recall applies to --threshold-rule min-recall");
    if (o->prm.min_precision != d.min_precision && o->prm.rule != ST_THRESHOLD_MIN_PRECISION)
        return cli_usage_error("evaluate", "--min-precision applies to --threshold-rule "
                               "min-precision");
    int n_args = argc - optind;
    if (o->scores_path != NULL && n_args != 0)
        return cli_usage_error("evaluate", "--scores FILE takes no MODEL or DATA arguments");
    if (o->scores_path != NULL && common->iter_end != 0)
        return cli_usage_error("evaluate", "--iteration-range applies to a MODEL, not to "
                               "--scores");
    if (o->scores_path == NULL && n_args != 2)
        return cli_usage_error("evaluate", "expected MODEL and DATA, or --scores FILE; got %d "
                               "arguments", n_args);
    if (cli_common_check("evaluate", common) != EXIT_OK)
        return EXIT_USAGE;
    if (o->scores_path == NULL)
        cli_data_args(argv, optind + 1, 1); /* DATA "-": standard input */
    /* the score column's texts are read again, as doubles (scores_from_column) */
    if (cli_check_reread("evaluate", "--scores reads its file twice (the score column again, "
                         "at full precision)", o->scores_path) != EXIT_OK)
        return EXIT_USAGE;
    if (o->scores_path == NULL &&
        cli_check_model_first("evaluate", argv[optind], argv[optind + 1]) != EXIT_OK)
        return EXIT_USAGE;
    const cli_file in[] = {{"--scores", o->scores_path},
                           {"MODEL", o->scores_path ? NULL : argv[optind]},
                           {"DATA", o->scores_path ? NULL : argv[optind + 1]},
                           {"--weight-file", common->weight_file}};
    const cli_file out[] = {{"--roc-curve", o->roc_path}, {"--pr-curve", o->pr_path},
                            {"--report", o->report_path}};
    const int checked = cli_check_files(in, 4, out, 3);
    if (checked != EXIT_OK)
        return checked;
    if (o->scores_path == NULL && cli_positive_from_model(common, argv[optind]) != EXIT_OK)
        return EXIT_FAILED;
    o->prm.seed = common->seed;
    o->prm.n_threads = common->threads;
    return -1; /* go on */
}

int cmd_evaluate(int argc, char **argv)
{
    eval_opts o;
    memset(&o, 0, sizeof o);
    o.score_col = "p";
    o.prm = st_eval_params_default();
    cli_common common;
    cli_common_init(&common);
    int status = parse(argc, argv, &o, &common);
    if (status != -1)
        return status;
    const char *model_path = o.scores_path == NULL ? argv[optind] : NULL;
    const char *data_path = o.scores_path == NULL ? argv[optind + 1] : NULL;
    char kind[64] = "";
    st_dataset *ds = NULL;
    double *p = NULL;
    st_decision_threshold stored = {NAN, ST_THRESHOLD_FIXED, NAN};
    st_training_overlap overlap;
    memset(&overlap, 0, sizeof overlap);
    status = load(&o, &common, model_path, data_path, kind, sizeof kind, &ds, &p, &stored,
                  &overlap);
    const size_t n_outside = status == EXIT_OK ? scores_outside(p, st_dataset_n_rows(ds),
                                                                o.scores_path) : 0;
    /* a model's stored threshold is the default; --threshold or --threshold-rule override */
    char from_model[160] = "";
    if (status == EXIT_OK && !isnan(stored.value) && !o.threshold_given && !o.rule_given) {
        o.prm.rule = ST_THRESHOLD_FIXED;
        o.prm.threshold = stored.value;
        int k = snprintf(from_model, sizeof from_model, "stored in the model, chosen by %s",
                         rule_words[stored.rule]);
        if (!isnan(stored.rule_param))
            snprintf(from_model + k, sizeof from_model - (size_t)k, " %g", stored.rule_param);
    }
    st_eval ev;
    st_error err;
    memset(&err, 0, sizeof err);
    if (status == EXIT_OK) {
        const float *w = st_dataset_weights(ds);
        st_status rc = st_evaluate(p, st_dataset_labels(ds), w, st_dataset_n_rows(ds), &o.prm,
                                   &ev, &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
        if (status == EXIT_OK && o.roc_path != NULL)
            status = eval_write_curve(o.roc_path, 0, p, st_dataset_labels(ds), w,
                                      st_dataset_n_rows(ds));
        if (status == EXIT_OK && o.pr_path != NULL)
            status = eval_write_curve(o.pr_path, 1, p, st_dataset_labels(ds), w,
                                      st_dataset_n_rows(ds));
    }
    eval_groups groups = {NULL, 0, 0, 0, NULL};
    if (status == EXIT_OK && o.by != NULL) {
        const st_read_options opt = cli_read_options(&common); /* as load read ds */
        status = eval_by(ds, o.by, o.scores_path != NULL ? o.scores_path : data_path, &opt, p,
                         &o.prm, ev.threshold, &groups);
    }
    eval_report r = {&ev, &o.prm, rule_words[o.prm.rule], o.scores_path, o.score_col,
                     model_path, data_path, kind, ds != NULL && st_dataset_weights(ds) != NULL,
                     o.by != NULL ? &groups : NULL, from_model[0] ? from_model : NULL,
                     model_path != NULL ? &overlap : NULL, n_outside};
    if (status == EXIT_OK && o.report_path != NULL)
        status = eval_write_report(o.report_path, &r, p, st_dataset_labels(ds),
                                   st_dataset_weights(ds), st_dataset_n_rows(ds));
    if (status == EXIT_OK) {
        switch (common.format) {
        case FORMAT_TEXT: eval_write_text(stdout, &r); break;
        case FORMAT_JSON: eval_write_json(stdout, &r); break;
        case FORMAT_CSV: eval_write_csv(stdout, &r); break;
        case FORMAT_MARKDOWN: eval_write_markdown(stdout, &r); break;
        }
        if (o.by != NULL && common.format == FORMAT_CSV)
            eval_groups_csv(stdout, &groups);
        else if (o.by != NULL && common.format != FORMAT_JSON)
            eval_groups_table(stdout, &groups, common.format);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the report to stdout\n");
            status = EXIT_FAILED;
        }
    }
    eval_groups_free(&groups);
    free(p);
    st_dataset_free(ds);
    return status;
}
