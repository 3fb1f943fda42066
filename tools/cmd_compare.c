/* stratum compare DATA: cross-validates every model family x class-weight setting on the
 * same folds (cv_run_folds, as stratum cv), scores any --model files on those folds
 * (compare_fixed.c) and prints one table (compare_output.c). */
#define _POSIX_C_SOURCE 200809L /* open_memstream, strtok_r */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cv_options.h"
#include "cli_progress.h"
#include "cli_gbdt_options.h"
#include "cli_logreg_options.h"
#include "cli_text.h"
#include "compare.h"
#include "explain.h"
#include "report_cli.h"
#include "post_fit.h"

static const char compare_help[] =
    "Usage: stratum compare DATA [--models logreg,gbdt] [--weights none,balanced,2,5,10,25]\n"
    "                            [--model FILE ...] [options]\n"
    "\n"
    "Cross-validates each model family with each class-weight setting on the same folds\n"
    "(those of 'stratum cv' for the same --seed) and prints one row per setting: ROC-AUC,\n"
    "PR-AUC, precision, recall, F1 (at the threshold the rule picks on each training part),\n"
    "Brier score and log loss, each as the mean over the folds and a t-based 95% interval\n"
    "for the mean; '*' marks the best mean of each column (the lowest for Brier and log\n"
    "loss). A weight W > 0 is logreg's --class-weight W and gbdt's --scale-pos-weight W.\n"
    "\n"
    "Options:\n"
    "  --models LIST          comma list of logreg and gbdt, or none to compare only\n"
    "                         --model files (default: logreg,gbdt)\n"
    "  --weights LIST         comma list of none, balanced and numbers > 0\n"
    "                         (default: none,balanced,2,5,10,25)\n"
    "  --folds K              number of folds, >= 2 (default: 5)\n"
    "  --repeats R            repetitions with different shuffles, >= 1 (default: 1)\n"
    "  --group-col COL        keep rows with the same value of COL in one fold (default: none)\n"
    "  --fold-col COL         use COL's distinct values as the folds (default: none)\n"
    "  --threshold-rule R     fixed (0.5), f1, fbeta, youden, min-recall or min-precision,\n"
    "                         chosen on each training part (default: f1)\n"
    "  --beta B, --min-recall R, --min-precision P, --threshold-folds K   as for 'stratum cv'\n"
    "  --recalibrate M        platt or isotonic: each setting gets a second row, its\n"
    "                         probabilities recalibrated as 'stratum train --recalibrate'\n"
    "                         does, inside each fold: the map is fitted on the out-of-fold\n"
    "                         predictions of an inner cross-validation of the training\n"
    "                         part (--calibration-folds K, default 5), and that row's\n"
    "                         threshold is chosen on them; the test fold is never used\n"
    "                         (default: none)\n"
    "  --model FILE           also score an existing model, not refitted: a stratum model\n"
    "                         of either family, an XGBoost JSON model (save_model of a\n"
    "                         binary:logistic booster) or a LightGBM text model\n"
    "                         (objective=binary); repeatable, up to 8. Its row\n"
    "                         (named by the file's base name, weight '(fixed)') has each\n"
    "                         fold's metrics on that fold's test part and its threshold\n"
    "                         chosen by the rule on the training part's predictions. The\n"
    "                         model may have been trained on some of these rows: then\n"
    "                         its metrics are optimistic, not cross-validated, and a\n"
    "                         note after the table says so from the model's fingerprint\n"
    "                         of its training rows (models stratum trained). Its\n"
    "                         features must be columns of DATA; a threshold stored in it\n"
    "                         is not used; it is never recalibrated (default: none)\n"
    "  --oof FILE             write every setting's out-of-fold probabilities as CSV:\n"
    "                         row,fold,repeat,label and one column per setting, named\n"
    "                         MODEL_WEIGHT (and MODEL_WEIGHT_METHOD for a recalibrated\n"
    "                         row), e.g. logreg_balanced_platt, or a --model file's base\n"
    "                         name (default: not written)\n"
    "Family options, as for 'stratum train' (not --class-weight or --scale-pos-weight,\n"
    "which --weights sets): --lambda, --alpha, --no-standardize, --impute,\n"
    "--missing-indicators, --max-iter, --tol for logreg; --num-trees, --num-leaves,\n"
    "--max-depth, --learning-rate, --max-bin, --min-data-in-leaf, --min-sum-hessian-in-leaf,\n"
    "--lambda-l1, --lambda-l2, --min-gain-to-split, --feature-fraction, --bagging-fraction,\n"
    "--bagging-freq, --monotone NAME:+1,NAME2:-1 for gbdt.\n"
    "  --report FILE.html     also write a self-contained HTML report: one out-of-fold ROC,\n"
    "                         precision-recall and calibration line per setting, each\n"
    "                         setting's operating point marked, and the table (default: not\n"
    "                         written)\n"
    "Output: --format text, csv, markdown or json (default: text); a line per setting with\n"
    "its mean ROC-AUC on stderr unless -q, and on a terminal a progress line (setting,\n"
    "fold, trees, folds done, elapsed, ETA) redrawn in place (--progress, --no-progress).\n";

enum { OPT_MODELS = 6001, OPT_WEIGHTS, OPT_MODEL };
enum { MAX_WEIGHTS = 16, MAX_FIXED = 8 };

/* A class-weight setting: ST_CLASS_WEIGHT_NONE, _BALANCED or _POSITIVE with value. */
typedef struct weight_setting {
    st_class_weight kind;
    double value;
    const char *text;
} weight_setting;

typedef struct compare_opts {
    int use[2];                     /* indexed by cv_model */
    weight_setting weight[MAX_WEIGHTS];
    size_t n_weights;
    char weight_text[512];
    const char *fixed[MAX_FIXED];   /* --model FILE, in order */
    st_training_overlap fixed_overlap[MAX_FIXED]; /* how far DATA is each one's training
                                                     rows */
    size_t n_fixed;
} compare_opts;

static int parse_models(compare_opts *o, const char *arg)
{
    char buf[64];
    if (strlen(arg) >= sizeof buf)
        return cli_usage_error("compare", "--models '%s': expected logreg, gbdt or both", arg),
               -1;
    strcpy(buf, arg);
    o->use[CV_LOGREG] = o->use[CV_GBDT] = 0;
    if (strcmp(arg, "none") == 0) /* only --model files */
        return 1;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int m = strcmp(t, "logreg") == 0 ? CV_LOGREG : strcmp(t, "gbdt") == 0 ? CV_GBDT : -1;
        if (m < 0 || o->use[m])
            return cli_usage_error("compare", "--models '%s': expected a comma list of "
                                   "logreg and gbdt, each at most once, or none", arg), -1;
        o->use[m] = 1;
    }
    if (!o->use[CV_LOGREG] && !o->use[CV_GBDT])
        return cli_usage_error("compare", "--models '%s': expected logreg, gbdt, both or "
                               "none", arg), -1;
    return 1;
}

static int parse_model_file(compare_opts *o, const char *arg)
{
    if (o->n_fixed == MAX_FIXED)
        return cli_usage_error("compare", "--model: expected at most %d models", MAX_FIXED), -1;
    for (size_t k = 0; k < o->n_fixed; k++)
        if (strcmp(compare_file_name(o->fixed[k]), compare_file_name(arg)) == 0)
            return cli_usage_error("compare", "--model %s: a model named '%s' is already "
                                   "compared; rows are named by the file's base name", arg,
                                   compare_file_name(arg)), -1;
    o->fixed[o->n_fixed++] = arg;
    return 1;
}

static int parse_weights(compare_opts *o, const char *arg)
{
    if (strlen(arg) >= sizeof o->weight_text)
        return cli_usage_error("compare", "--weights: expected a shorter list"), -1;
    strcpy(o->weight_text, arg);
    o->n_weights = 0;
    char *save = NULL;
    for (char *t = strtok_r(o->weight_text, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        weight_setting w = {ST_CLASS_WEIGHT_POSITIVE, 0, t};
        if (strcmp(t, "none") == 0)
            w.kind = ST_CLASS_WEIGHT_NONE;
        else if (strcmp(t, "balanced") == 0)
            w.kind = ST_CLASS_WEIGHT_BALANCED;
        else if (!cli_parse_double(t, &w.value) || !(w.value > 0) || isinf(w.value))
            return cli_usage_error("compare", "--weights '%s': expected none, balanced or a "
                                   "number > 0, got '%s'", arg, t), -1;
        if (o->n_weights == MAX_WEIGHTS)
            return cli_usage_error("compare", "--weights '%s': expected at most %d settings",
                                   arg, MAX_WEIGHTS), -1;
        o->weight[o->n_weights++] = w;
    }
    if (o->n_weights == 0)
        return cli_usage_error("compare", "--weights '%s': expected at least one setting",
                               arg), -1;
    return 1;
}

/* Returns -1 to go on, else an exit code. */
static int parse(int argc, char **argv, compare_opts *co, cv_opts *o, cli_common *c,
                 cv_setup *s, post_opts *post)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS, CLI_LOGREG_OPTIONS, CLI_GBDT_OPTIONS, CLI_CV_FOLD_OPTIONS,
        CLI_CV_RULE_OPTIONS, CLI_POST_FIT_OPTIONS,
        {"oof", required_argument, NULL, OPT_OOF},
        {"models", required_argument, NULL, OPT_MODELS},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"model", required_argument, NULL, OPT_MODEL},
        {"report", required_argument, NULL, OPT_REPORT},
        CLI_TEXT_OPTIONS,
        {NULL, 0, NULL, 0}};
    int code;
    optind = 1;
    while ((code = cli_getopt("compare", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        if (code == OPT_CLASS_WEIGHT || code == OPT_GBDT_SCALE_POS)
            return cli_usage_error("compare", "%s: expected no class weight option; --weights "
                                   "sets them per row", code == OPT_CLASS_WEIGHT ?
                                   "--class-weight" : "--scale-pos-weight");
        int handled = cli_common_option(c, code, optarg);
        if (handled == 0)
            handled = cli_text_option("compare", s->text, code, optarg);
        if (handled == 0)
            handled = cli_logreg_option("compare", &s->prm, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_option("compare", &s->gprm, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_monotone_option("compare", code, optarg, &s->monotone_spec);
        if (handled == 0)
            handled = cv_option("compare", o, code, optarg);
        if (handled == 0)
            handled = post_option("compare", post, code, optarg);
        if (handled == 0 && code == OPT_MODELS)
            handled = parse_models(co, optarg);
        if (handled == 0 && code == OPT_WEIGHTS)
            handled = parse_weights(co, optarg);
        if (handled == 0 && code == OPT_MODEL)
            handled = parse_model_file(co, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s\n%s\n", compare_help, cli_text_help);
            cli_print_spellings(stdout, options);
            printf("\n%s", cli_common_help);
            return EXIT_OK;
        }
        return cli_usage_error("compare", "unknown option or missing value '%s'",
                               argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("compare", "expected one DATA file, got %d", argc - optind);
    if (o->report != NULL && cli_same_file(o->report, argv[optind])) {
        fprintf(stderr, "stratum: --report %s is the input data file; choose another output "
                "path\n", o->report);
        return EXIT_FAILED;
    }
    if (o->fold_col != NULL && (o->group_col != NULL || o->folds_given || o->repeats_given))
        return cli_usage_error("compare", "--fold-col excludes --group-col, --folds and "
                               "--repeats");
    if (o->oof != NULL && cli_same_file(o->oof, argv[optind])) {
        fprintf(stderr, "stratum: --oof %s is the input data file; choose another output "
                "path\n", o->oof);
        return EXIT_FAILED;
    }
    if (!co->use[CV_LOGREG] && !co->use[CV_GBDT] && co->n_fixed == 0)
        return cli_usage_error("compare", "--models none leaves nothing to compare; add "
                               "--model FILE");
    for (size_t k = 0; k < co->n_fixed; k++) {
        const int oof = o->oof != NULL && cli_same_file(o->oof, co->fixed[k]);
        if (oof || (o->report != NULL && cli_same_file(o->report, co->fixed[k]))) {
            fprintf(stderr, "stratum: %s %s is the --model file %s; choose another output "
                    "path\n", oof ? "--oof" : "--report", oof ? o->oof : o->report,
                    co->fixed[k]);
            return EXIT_FAILED;
        }
    }
    if (s->monotone_spec != NULL && !co->use[CV_GBDT])
        return cli_usage_error("compare", "--monotone constrains gbdt, which --models leaves "
                               "out");
    if (cli_text_check("compare", s->text, NULL) != EXIT_OK)
        return EXIT_USAGE;
    cli_text_params(s->text, &s->prm);
    cli_logreg_text_lambda(&s->prm, s->text->n_cols);
    c->text_cols = s->text->cols, c->n_text_cols = s->text->n_cols;
    return -1;
}

/* The setting's class weights in a copy of the shared setup. */
static cv_setup setting(const cv_setup *base, cv_model model, const weight_setting *w)
{
    cv_setup s = *base;
    s.model = model;
    s.prm.class_weight = w->kind;
    s.prm.positive_weight = w->kind == ST_CLASS_WEIGHT_POSITIVE ? w->value : 1;
    s.gprm.class_weight = w->kind == ST_CLASS_WEIGHT_BALANCED ? ST_GBDT_CLASS_WEIGHT_BALANCED
                                                              : ST_GBDT_CLASS_WEIGHT_NONE;
    s.gprm.scale_pos_weight = w->kind == ST_CLASS_WEIGHT_POSITIVE ? w->value : 1;
    return s;
}

/* The calibrated results of res[0..m) as plain fold results, for cv_summarise. */
static void calibrated_results(const cv_fold_result *res, size_t m, cv_fold_result *out)
{
    for (size_t i = 0; i < m; i++) {
        memcpy(out[i].value, res[i].value_cal, sizeof out[i].value);
        out[i].threshold = res[i].threshold_cal;
    }
}

/* --oof: row,fold,repeat,label and a column per row of the table (oof[k * R * n ...]). */
static int write_oof(const cv_setup *s, const compare_row *rows, size_t n_rows,
                     const double *oof, const char *path)
{
    size_t n = st_dataset_n_rows(s->ds), rn = n * s->n_repeats;
    const float *y = st_dataset_labels(s->ds);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (mem == NULL) {
        fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
        return EXIT_FAILED;
    }
    fprintf(mem, "row,fold,repeat,label");
    for (size_t k = 0; k < n_rows; k++) {
        /* A --model row is named by its file's base name, which may hold a comma or a
         * quote: every name goes out as a CSV field. */
        char name[512];
        if (rows[k].file != NULL)
            snprintf(name, sizeof name, "%s", compare_file_name(rows[k].file));
        else
            snprintf(name, sizeof name, "%s_%s%s%s", cv_model_name(rows[k].model),
                     rows[k].weight,
                     rows[k].calibration != NULL && strcmp(rows[k].calibration, "none") != 0
                         ? "_" : "",
                     rows[k].calibration != NULL && strcmp(rows[k].calibration, "none") != 0
                         ? rows[k].calibration : "");
        fputc(',', mem);
        csv_field(mem, name);
    }
    fputc('\n', mem);
    for (size_t r = 0; r < s->n_repeats; r++)
        for (size_t i = 0; i < n; i++) {
            fprintf(mem, "%zu,%d,%zu,%d", i + 1, s->fold[r * n + i] + 1, r + 1, (int)y[i]);
            for (size_t k = 0; k < n_rows; k++)
                fprintf(mem, ",%.17g", oof[k * rn + r * n + i]);
            fputc('\n', mem);
        }
    int bad = ferror(mem);
    fclose(mem);
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = bad ? ST_ERR_NOMEM : st_file_write_atomic(path, buf, size, &err);
    free(buf);
    if (bad) {
        fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
        return EXIT_FAILED;
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

/* The rows of the --model files after the n_rows settings: each model's predictions
 * p_fixed[k * n_rows(ds) ...] scored on the folds; oof and oofs as for run_settings. */
static int run_fixed(const cv_setup *s, const compare_opts *co, const double *p_fixed,
                     cv_fold_result *res, compare_row *rows, size_t *n, double *oof,
                     report_oof *oofs)
{
    size_t m = s->n_folds * s->n_repeats, nr = st_dataset_n_rows(s->ds);
    size_t rn = nr * s->n_repeats;
    int status = EXIT_OK;
    for (size_t k = 0; status == EXIT_OK && k < co->n_fixed; k++) {
        double *o = oof != NULL ? oof + *n * rn : NULL;
        status = compare_fixed_folds(s, co->fixed[k], p_fixed + k * nr, res, o);
        if (status == EXIT_OK && oofs != NULL)
            status = report_oof_make(s, res, o, &oofs[*n]);
        if (status != EXIT_OK)
            break;
        compare_row *row = &rows[(*n)++];
        memset(row, 0, sizeof *row);
        row->file = co->fixed[k];
        row->overlap = co->fixed_overlap[k];
        row->weight = "(fixed)";
        row->calibration = s->recal != NULL ? "none" : NULL;
        for (int c = 0; c < COMPARE_N_COLS; c++)
            row->col[c] = cv_summarise(res, m, (int)compare_metrics[c]);
        char auc[32] = "undefined";
        if (!isnan(row->col[0].mean))
            snprintf(auc, sizeof auc, "%.4f", row->col[0].mean);
        if (!s->quiet)
            fprintf(stderr, "%s (fixed model): mean ROC-AUC %s over %zu of %zu folds\n",
                    compare_row_model(row), auc, row->col[0].defined, m);
    }
    return status;
}

/* Cross-validates every setting into rows[] (n of them), with --recalibrate two rows per
 * setting, then scores the --model files (p_fixed: their predictions), a row each; oof
 * (NULL: not kept) gets each row's out-of-fold probabilities and, when oofs is not NULL
 * (oof then is not NULL either), oofs[] the report's curves of each row. Returns an exit
 * code. */
static int run_settings(const cv_setup *base, const compare_opts *co, const double *p_fixed,
                        compare_row *rows, size_t *n, double *oof, report_oof *oofs)
{
    size_t m = base->n_folds * base->n_repeats;
    size_t rn = st_dataset_n_rows(base->ds) * base->n_repeats;
    cv_fold_result *res = calloc(m, sizeof *res), *cal = calloc(m, sizeof *cal);
    if (res == NULL || cal == NULL) {
        free(res), free(cal);
        fprintf(stderr, "stratum: out of memory for %zu fold results\n", m);
        return EXIT_FAILED;
    }
    const char *method = base->recal != NULL ? st_calibration_method_name(base->recal->method)
                                             : NULL;
    int status = EXIT_OK;
    *n = 0;
    const size_t n_settings = (size_t)(co->use[CV_LOGREG] + co->use[CV_GBDT]) * co->n_weights;
    size_t setting_no = 0;
    cli_progress_begin("compare", n_settings * m, "folds");
    for (int model = CV_LOGREG; status == EXIT_OK && model <= CV_GBDT; model++) {
        for (size_t w = 0; co->use[model] && status == EXIT_OK && w < co->n_weights; w++) {
            cv_setup s = setting(base, (cv_model)model, &co->weight[w]);
            cli_progress_label("setting %zu/%zu: %s, weight %s", ++setting_no, n_settings,
                               cv_model_name((cv_model)model), co->weight[w].text);
            double *o_raw = oof != NULL ? oof + *n * rn : NULL;
            double *o_cal = oof != NULL && method != NULL ? oof + (*n + 1) * rn : NULL;
            status = cv_run_folds_cal(&s, res, o_raw, o_cal, 0);
            if (status == EXIT_OK && oofs != NULL)
                status = report_oof_make(&s, res, o_raw, &oofs[*n]);
            if (status != EXIT_OK)
                break;
            compare_row *row = &rows[(*n)++];
            memset(row, 0, sizeof *row);
            row->model = (cv_model)model;
            row->weight = co->weight[w].text;
            row->calibration = method != NULL ? "none" : NULL;
            for (int k = 0; k < COMPARE_N_COLS; k++)
                row->col[k] = cv_summarise(res, m, (int)compare_metrics[k]);
            if (method != NULL) {
                compare_row *crow = &rows[(*n)++];
                *crow = *row;
                crow->calibration = method;
                calibrated_results(res, m, cal);
                for (int k = 0; k < COMPARE_N_COLS; k++)
                    crow->col[k] = cv_summarise(cal, m, (int)compare_metrics[k]);
                if (oofs != NULL)
                    status = report_oof_make(&s, cal, o_cal, &oofs[*n - 1]);
            }
            char auc[32] = "undefined";
            if (!isnan(row->col[0].mean))
                snprintf(auc, sizeof auc, "%.4f", row->col[0].mean);
            cli_progress_clear();
            if (!base->quiet)
                fprintf(stderr, "%s, weight %s: mean ROC-AUC %s over %zu of %zu folds\n",
                        cv_model_name(row->model), row->weight, auc, row->col[0].defined, m);
        }
    }
    cli_progress_end();
    if (status == EXIT_OK)
        status = run_fixed(base, co, p_fixed, res, rows, n, oof, oofs);
    free(res), free(cal);
    return status;
}

int cmd_compare(int argc, char **argv)
{
    compare_opts co = {.use = {1, 1}};
    parse_weights(&co, "none,balanced,2,5,10,25");
    cv_opts o = cv_opts_default();
    o.eval.rule = ST_THRESHOLD_MAX_F1;
    cli_common common;
    cli_common_init(&common);
    cli_text text;
    cli_text_init(&text);
    cv_setup s = {.model = CV_LOGREG, .prm = st_logreg_params_default(),
                  .gprm = st_gbdt_params_default(), .text = &text};
    post_opts post = post_opts_default();
    int status = parse(argc, argv, &co, &o, &common, &s, &post);
    if (status != -1)
        return status;
    s.prm.n_threads = s.gprm.n_threads = common.threads;
    s.gprm.seed = common.seed;
    s.prm.cv_seed = common.seed;
    if (post.method != ST_CALIBRATION_NONE) {
        post.eval = o.eval; /* the rule, also applied to the calibrated inner predictions */
        post.eval.n_bootstrap = 0;
        post.eval.n_threads = common.threads;
        s.recal = &post;
        s.recal_seed = common.seed;
    }
    st_dataset *ds = NULL;
    int *fold = NULL;
    char how[300];
    compare_row rows[4 * MAX_WEIGHTS + MAX_FIXED];
    report_oof oofs[4 * MAX_WEIGHTS + MAX_FIXED];
    memset(oofs, 0, sizeof oofs);
    size_t n_rows = 0;
    double *oof = NULL, *p_fixed = NULL;
    signed char *monotone = NULL;
    status = cv_opts_prepare(&o, &common, argv[optind], &s, &ds, &fold, how, sizeof how);
    if (status == EXIT_OK)
        status = cli_gbdt_monotone_resolve("compare", s.monotone_spec, ds, &monotone);
    s.gprm.monotone = monotone;
    /* the --model files first: a wrong one fails before the settings' training */
    if (status == EXIT_OK && co.n_fixed > 0 &&
        (p_fixed = malloc(co.n_fixed * st_dataset_n_rows(ds) * sizeof *p_fixed)) == NULL) {
        fprintf(stderr, "stratum: out of memory for the --model predictions\n");
        status = EXIT_FAILED;
    }
    for (size_t k = 0; status == EXIT_OK && k < co.n_fixed; k++)
        status = compare_fixed_predict(&s, co.fixed[k], p_fixed + k * st_dataset_n_rows(ds),
                                       &co.fixed_overlap[k]);
    if (status == EXIT_OK && (o.oof != NULL || o.report != NULL)) {
        size_t per = st_dataset_n_rows(ds) * s.n_repeats;
        size_t columns = (size_t)(co.use[CV_LOGREG] + co.use[CV_GBDT]) * co.n_weights *
                         (s.recal != NULL ? 2 : 1) + co.n_fixed;
        if ((oof = malloc(columns * per * sizeof *oof)) == NULL) {
            fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
            status = EXIT_FAILED;
        }
    }
    if (status == EXIT_OK)
        status = run_settings(&s, &co, p_fixed, rows, &n_rows, oof,
                              o.report != NULL ? oofs : NULL);
    if (status == EXIT_OK && o.oof != NULL)
        status = write_oof(&s, rows, n_rows, oof, o.oof);
    if (status == EXIT_OK)
        compare_mark_best(rows, n_rows);
    if (status == EXIT_OK && o.report != NULL)
        status = report_compare(o.report, &s, rows, oofs, n_rows);
    if (status == EXIT_OK) {
        compare_print(&s, rows, n_rows);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the table to stdout\n");
            status = EXIT_FAILED;
        }
    }
    for (size_t i = 0; i < 4 * MAX_WEIGHTS + MAX_FIXED; i++)
        report_oof_free(&oofs[i]);
    free(oof), free(p_fixed);
    free(monotone);
    free(fold);
    free((void *)s.groups);
    free((void *)s.fold_ids);
    st_dataset_free(ds);
    return status;
}
