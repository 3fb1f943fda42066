/* stratum compare DATA: the options, then the library's st_compare_run (every model family
 * x class-weight setting cross-validated on the same folds, any --model files scored on
 * them; stratum/compare.h) driven by compare_run.c, and the table (compare_output.c),
 * --oof and --report (compare_files.c). */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cv_options.h"
#include "cli_gbdt_options.h"
#include "cli_logreg_options.h"
#include "cli_text.h"
#include "compare.h"
#include "post_fit.h"

static const char compare_help[] =
    "Usage: stratum compare DATA [--models logreg,gbdt] [--weights none,balanced,2,5,10,25]\n"
    "                            [--model FILE ...] [options]\n"
    "\n"
    "Cross-validates each model family with each class-weight setting on the same folds\n"
    "(those of 'stratum cv' for the same --seed) and prints one row per setting: ROC-AUC,\n"
    "PR-AUC, precision, recall, F1 (at the threshold the rule picks on each training part),\n"
    "Brier score and log loss, each as the mean over the folds and a 95% interval for the\n"
    "mean (the corrected resampled t, as 'stratum cv --help' says); '*' marks the best mean of each column (the lowest for Brier and log\n"
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
    "  --reference NAME       a second table gives each row's paired difference from a\n"
    "                         reference row (its value minus the reference's on the same\n"
    "                         test fold): the mean and the corrected resampled t 95%\n"
    "                         interval, '!' when it excludes 0. NAME makes one row the\n"
    "                         reference of all, named as in --oof's header: MODEL_WEIGHT\n"
    "                         (logreg_none, gbdt_balanced, gbdt_5), MODEL_WEIGHT_METHOD\n"
    "                         for a recalibrated row, or a --model file's base name\n"
    "                         (default: each setting against its family's first weight,\n"
    "                         a calibrated row against its setting uncalibrated, a --model\n"
    "                         row against the table's first row)\n"
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
    "--bagging-freq, --monotone NAME:+1,NAME2:-1, --quantized-grad, --num-grad-quant-bins\n"
    "for gbdt.\n"
    "  --report FILE.html     also write a self-contained HTML report: one out-of-fold ROC,\n"
    "                         precision-recall and calibration line per setting, each\n"
    "                         setting's operating point marked, and the table (default: not\n"
    "                         written)\n"
    "Output: --format text, csv, markdown or json (default: text); a line per setting with\n"
    "its mean ROC-AUC on stderr unless -q, and on a terminal a progress line (setting,\n"
    "fold, trees, folds done, elapsed, ETA) redrawn in place (--progress, --no-progress).\n";

enum { OPT_MODELS = 6001, OPT_WEIGHTS, OPT_MODEL, OPT_REFERENCE };
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
    if (o->n_fixed == COMPARE_MAX_FIXED)
        return cli_usage_error("compare", "--model: expected at most %d models", COMPARE_MAX_FIXED), -1;
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
        if (o->n_weights == COMPARE_MAX_WEIGHTS)
            return cli_usage_error("compare", "--weights '%s': expected at most %d settings",
                                   arg, COMPARE_MAX_WEIGHTS), -1;
        o->weight[o->n_weights++] = w;
    }
    if (o->n_weights == 0)
        return cli_usage_error("compare", "--weights '%s': expected at least one setting",
                               arg), -1;
    return 1;
}

/* Returns -1 to go on, else an exit code. */
/* The outputs against the inputs: DATA, the weight file and every --model file. */
static int check_files(const compare_opts *co, const cv_opts *o, const cli_common *c,
                       const char *data_path)
{
    cli_file in[2 + COMPARE_MAX_FIXED];
    size_t n_in = 0;
    in[n_in++] = (cli_file){"DATA", data_path};
    in[n_in++] = (cli_file){"--weight-file", c->weight_file};
    for (size_t k = 0; k < co->n_fixed; k++)
        in[n_in++] = (cli_file){"--model", co->fixed[k]};
    const cli_file out[] = {{"--oof", o->oof}, {"--report", o->report}};
    return cli_check_files(in, n_in, out, 2);
}

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
        {"reference", required_argument, NULL, OPT_REFERENCE},
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
        if (handled == 0 && code == OPT_REFERENCE)
            co->reference = optarg, handled = 1;
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
    cli_data_args(argv, optind, 1); /* "-": standard input */
    if (cli_common_check("compare", c) != EXIT_OK)
        return EXIT_USAGE;
    if (o->fold_col != NULL && (o->group_col != NULL || o->folds_given || o->repeats_given))
        return cli_usage_error("compare", "--fold-col excludes --group-col, --folds and "
                               "--repeats");
    if (!co->use[CV_LOGREG] && !co->use[CV_GBDT] && co->n_fixed == 0)
        return cli_usage_error("compare", "--models none leaves nothing to compare; add "
                               "--model FILE");
    const int checked = check_files(co, o, c, argv[optind]);
    if (checked != EXIT_OK)
        return checked;
    for (size_t k = 0; k < co->n_fixed; k++) /* the first sets the labels, the rest warn */
        if (cli_positive_from_model(c, co->fixed[k]) != EXIT_OK)
            return EXIT_FAILED;
    if (s->monotone_spec != NULL && !co->use[CV_GBDT])
        return cli_usage_error("compare", "--monotone constrains gbdt, which --models leaves "
                               "out");
    if (cli_text_check("compare", s->text, c, NULL) != EXIT_OK)
        return EXIT_USAGE;
    cli_text_params(s->text, &s->prm);
    if (cli_logreg_check("compare", &s->prm) != EXIT_OK)
        return EXIT_USAGE;
    cli_logreg_text_lambda(&s->prm, s->text->n_cols);
    c->text_cols = s->text->cols, c->n_text_cols = s->text->n_cols;
    /* --reference names a row: known before the run, so a wrong name costs no training */
    const char *method = post->method != ST_CALIBRATION_NONE
                             ? st_calibration_method_name(post->method) : NULL;
    if ((co->reference_row = compare_reference_index(co, method)) == -2)
        return EXIT_USAGE;
    return -1;
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
    }
    st_dataset *ds = NULL;
    int *fold = NULL;
    char how[300];
    compare_row rows[4 * COMPARE_MAX_WEIGHTS + COMPARE_MAX_FIXED];
    st_compare_result *cmp = NULL;
    double *p_fixed = NULL;
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
    if (status == EXIT_OK)
        status = compare_run(&s, &co, p_fixed, o.oof != NULL || o.report != NULL, &cmp);
    if (status == EXIT_OK)
        compare_table_rows(&s, &co, cmp, rows);
    if (status == EXIT_OK && o.oof != NULL)
        status = compare_write_oof(&s, rows, cmp, o.oof);
    if (status == EXIT_OK && o.report != NULL)
        status = compare_write_report(&s, &co, rows, p_fixed, cmp, o.report);
    if (status == EXIT_OK) {
        compare_print(&s, rows, cmp->n_settings);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the table to stdout\n");
            status = EXIT_FAILED;
        }
    }
    st_compare_result_free(cmp);
    free(p_fixed);
    free(monotone);
    free(fold);
    free((void *)s.groups);
    free((void *)s.fold_ids);
    st_dataset_free(ds);
    return status;
}
