/* Calibration map and decision threshold from inner out-of-fold predictions (post_fit.h):
 * the options, and the library's st_cv_post_fit reported on stderr and written as CSV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cv_options.h"
#include "post_fit.h"

post_opts post_opts_default(void)
{
    post_opts o = {.method = ST_CALIBRATION_NONE, .folds = 5, .eval = st_eval_params_default()};
    o.eval.n_bootstrap = 0;
    return o;
}

int post_option(const char *command, post_opts *o, int code, const char *arg)
{
    switch (code) {
    case OPT_RECALIBRATE:
        if (strcmp(arg, "platt") == 0) o->method = ST_CALIBRATION_PLATT;
        else if (strcmp(arg, "isotonic") == 0) o->method = ST_CALIBRATION_ISOTONIC;
        else if (strcmp(arg, "none") == 0) o->method = ST_CALIBRATION_NONE;
        else return cli_usage_error(command, "--recalibrate '%s': expected platt, isotonic or "
                                    "none", arg), -1;
        return 1;
    case OPT_CALIBRATION_FOLDS:
        if (!cli_parse_int(arg, 2, 1000, &o->folds))
            return cli_usage_error(command, "--calibration-folds '%s': expected a whole number "
                                   "from 2 to 1000", arg), -1;
        return 1;
    default: return 0;
    }
}

int post_needs_cv(const post_opts *o)
{
    return o->method != ST_CALIBRATION_NONE || o->eval.rule != ST_THRESHOLD_FIXED;
}

int post_wants_threshold(const post_opts *o)
{
    return o->eval.rule != ST_THRESHOLD_FIXED || o->threshold_given;
}

void post_result_free(post_result *res)
{
    st_cv_post_result_free(res->lib); /* owns the map and the arrays */
    memset(res, 0, sizeof *res);
}

st_status post_fit(const cv_setup *model, const st_dataset *ds, const post_opts *o,
                   unsigned long long seed, post_result *res, st_error *err)
{
    memset(res, 0, sizeof *res);
    st_cv_params mp = cv_params_of(model);
    st_cv_post_params pp = st_cv_post_params_default();
    pp.method = o->method;
    pp.folds = (size_t)o->folds;
    pp.eval = o->eval;
    pp.threshold_given = o->threshold_given;
    pp.seed = seed;
    st_cv_post_result *lib = NULL;
    st_status rc = st_cv_post_fit(ds, &mp, &pp, &lib, err);
    if (rc != ST_OK)
        return rc;
    res->lib = lib;
    res->cal = lib->cal;
    res->has_threshold = lib->has_threshold;
    res->threshold = lib->threshold;
    res->n = lib->n_rows, res->n_folds = lib->n_folds;
    res->fold = lib->fold, res->oof_raw = lib->oof_raw, res->oof = lib->oof;
    res->before = lib->before, res->after = lib->after;
    return ST_OK;
}

static void metric_text(char *buf, size_t size, const st_eval *ev, st_metric m)
{
    if (st_eval_undefined(ev, m))
        snprintf(buf, size, "undefined");
    else
        snprintf(buf, size, "%.4f", ev->value[m]);
}

void post_report(const post_opts *o, const post_result *res)
{
    char a[32], b[32], c[32], d[32];
    if (res->cal != NULL) {
        double pb = st_calibration_platt_b(res->cal);
        if (st_calibration_method_of(res->cal) == ST_CALIBRATION_PLATT)
            fprintf(stderr, "recalibration: platt, p' = 1 / (1 + exp(-(%.6g logit(p) %c "
                    "%.6g)))", st_calibration_platt_a(res->cal), pb < 0 ? '-' : '+', fabs(pb));
        else
            fprintf(stderr, "recalibration: isotonic, %zu breakpoints",
                    st_calibration_n_points(res->cal));
        fprintf(stderr, ", fitted on %zu out-of-fold predictions (%zu-fold inner "
                "cross-validation)\n", res->n, res->n_folds);
        metric_text(a, sizeof a, &res->before, ST_METRIC_BRIER);
        metric_text(b, sizeof b, &res->after, ST_METRIC_BRIER);
        metric_text(c, sizeof c, &res->before, ST_METRIC_LOG_LOSS);
        metric_text(d, sizeof d, &res->after, ST_METRIC_LOG_LOSS);
        fprintf(stderr, "  out-of-fold Brier %s -> %s, log loss %s -> %s", a, b, c, d);
        metric_text(a, sizeof a, &res->before, ST_METRIC_CALIBRATION_IN_THE_LARGE);
        metric_text(b, sizeof b, &res->after, ST_METRIC_CALIBRATION_IN_THE_LARGE);
        fprintf(stderr, ", calibration-in-the-large %s -> %s\n", a, b);
    }
    if (!res->has_threshold)
        return;
    const st_decision_threshold *t = &res->threshold;
    if (t->rule == ST_THRESHOLD_FIXED) {
        fprintf(stderr, "threshold: %.6g (given)\n", t->value);
        return;
    }
    fprintf(stderr, "threshold: %.6g, chosen by %s", t->value, cv_rule_words[t->rule]);
    if (!isnan(t->rule_param))
        fprintf(stderr, " %g", t->rule_param);
    metric_text(a, sizeof a, &res->after, ST_METRIC_RECALL);
    metric_text(b, sizeof b, &res->after, ST_METRIC_PRECISION);
    metric_text(c, sizeof c, &res->after, ST_METRIC_F1);
    fprintf(stderr, " on the %zu out-of-fold%s probabilities (%zu-fold inner cross-validation): "
            "recall %s, precision %s, F1 %s\n", res->n, res->cal != NULL ? " calibrated" : "",
            res->n_folds, a, b, c);
    (void)o;
}

int post_write_oof(const char *path, const st_dataset *ds, const post_result *res)
{
    const float *y = st_dataset_labels(ds);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = cli_open_memstream(&buf, &size, "the out-of-fold predictions");
    if (mem == NULL)
        return EXIT_FAILED;
    fprintf(mem, "row,fold,label,p_raw,p\n");
    for (size_t i = 0; i < res->n; i++)
        fprintf(mem, "%zu,%d,%d,%.17g,%.17g\n", i + 1, res->fold[i] + 1, (int)y[i],
                res->oof_raw[i], res->oof[i]);
    return cli_write_memstream(mem, &buf, &size, path, "the out-of-fold predictions");
}

const char post_train_help[] =
    "Calibration and decision threshold (stored in the model):\n"
    "  --recalibrate M        platt or isotonic: fit a calibration map on out-of-fold\n"
    "                         predictions of an inner cross-validation of DATA (default:\n"
    "                         none); the model's probabilities then go through it\n"
    "  --threshold-rule R     store a decision threshold chosen on the (calibrated)\n"
    "                         out-of-fold probabilities: f1, fbeta, youden, min-recall\n"
    "                         (highest keeping recall >= --min-recall) or min-precision\n"
    "                         (lowest with precision >= --min-precision) (default: none)\n"
    "  --threshold T          store the decision threshold T in [0, 1] (default: none)\n"
    "  --beta B               beta of F-beta, > 0 (default: 2)\n"
    "  --min-recall R         for min-recall, in [0, 1] (default: 0.9)\n"
    "  --min-precision P      for min-precision, in [0, 1] (default: 0.5)\n"
    "  --calibration-folds K  folds of the inner stratified cross-validation, seeded by\n"
    "                         --seed (default: 5)\n"
    "  --oof FILE             write its out-of-fold predictions as CSV:\n"
    "                         row,fold,label,p_raw,p (p after the map) (default: not written)\n"
    "The final model is trained on all of DATA. 'stratum predict' adds a 0/1\n"
    "'predicted_label' column (p >= threshold) for a model with a threshold.\n";

int post_train_option(const char *command, post_opts *po, int code, const char *arg)
{
    int handled = post_option(command, po, code, arg);
    if (handled != 0)
        return handled;
    /* the threshold options, parsed as stratum cv parses them */
    static const int cv_code[] = {OPT_RULE, OPT_THRESHOLD, OPT_BETA, OPT_MIN_RECALL,
                                  OPT_MIN_PRECISION, OPT_OOF};
    if (code < OPT_POST_RULE || code > OPT_POST_OOF)
        return 0;
    cv_opts co = cv_opts_default();
    co.eval = po->eval;
    handled = cv_option(command, &co, cv_code[code - OPT_POST_RULE], arg);
    po->eval = co.eval;
    po->threshold_given |= co.threshold_given;
    if (co.oof != NULL)
        po->oof = co.oof;
    return handled;
}

int post_train_check(const char *command, const post_opts *po)
{
    if (po->threshold_given && po->eval.rule != ST_THRESHOLD_FIXED)
        return cli_usage_error(command, "--threshold and --threshold-rule %s exclude each "
                               "other", cv_rule_words[po->eval.rule]);
    if (po->threshold_given && !(po->eval.threshold >= 0 && po->eval.threshold <= 1))
        return cli_usage_error(command, "--threshold %g: expected a number from 0 to 1",
                               po->eval.threshold);
    if (po->oof != NULL && !post_needs_cv(po))
        return cli_usage_error(command, "--oof writes the inner cross-validation's "
                               "predictions: it needs --recalibrate or --threshold-rule");
    /* a rule's parameter without its rule would be stored nowhere: said, not dropped
       (a value other than the default is what tells it was given) */
    const st_eval_params d = st_eval_params_default();
    const st_threshold_rule rule = po->eval.rule;
    if (po->eval.beta != d.beta && rule != ST_THRESHOLD_MAX_FBETA)
        return cli_usage_error(command, "--beta applies to --threshold-rule fbeta");
    if (po->eval.min_recall != d.min_recall && rule != ST_THRESHOLD_MIN_RECALL)
        return cli_usage_error(command, "--min-recall applies to --threshold-rule min-recall");
    if (po->eval.min_precision != d.min_precision && rule != ST_THRESHOLD_MIN_PRECISION)
        return cli_usage_error(command, "--min-precision applies to --threshold-rule "
                               "min-precision");
    if (po->folds != post_opts_default().folds && !post_needs_cv(po))
        return cli_usage_error(command, "--calibration-folds sets the inner cross-validation "
                               "of --recalibrate or --threshold-rule; neither is given");
    return -1;
}

int post_train_run(const cv_setup *model, const st_dataset *ds, const post_opts *po,
                   unsigned long long seed, int quiet, post_result *res)
{
    const char *oof_path = po->oof;
    st_error err;
    st_status rc = post_fit(model, ds, po, seed, res, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    if (!quiet)
        post_report(po, res);
    int status = EXIT_OK;
    if (oof_path != NULL)
        status = post_write_oof(oof_path, ds, res);
    if (status != EXIT_OK)
        post_result_free(res);
    return status;
}
