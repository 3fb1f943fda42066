/* src/eval/: judging scores, above io/ and core/ only: the metrics and their bootstrap and
 * DeLong intervals (metrics_*.c, metrics_impl.h), decision thresholds by rule, calibration
 * maps (Platt, isotonic) and the post-processing both model families carry in their files
 * (calibration_impl.h, postprocess.c), and cross-validation folds. The model families call
 * it (validation metrics, calibration); it calls neither of them.
 *
 * This file: st_evaluate: the metrics of a set of scores, the threshold by rule, bootstrap and DeLong
 * confidence intervals, and the calibration table. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "metrics_impl.h"

/* The one naming of the metrics: the key (JSON, CSV) and the label people read (text,
 * markdown, HTML), indexed by st_metric. */
static const char *const metric_names[ST_METRIC_COUNT][2] = {
    {"roc_auc", "ROC-AUC"},
    {"pr_auc", "PR-AUC"},
    {"log_loss", "log loss"},
    {"brier", "Brier"},
    {"prevalence", "prevalence"},
    {"precision", "precision"},
    {"recall", "recall"},
    {"specificity", "specificity"},
    {"npv", "NPV"},
    {"accuracy", "accuracy"},
    {"f1", "F1"},
    {"fbeta", "F-beta"},
    {"balanced_accuracy", "balanced accuracy"},
    {"mcc", "MCC"},
    {"calibration_intercept", "calibration intercept"},
    {"calibration_slope", "calibration slope"},
    {"calibration_in_the_large", "calibration-in-the-large"}};

const char *st_metric_name(st_metric m)
{
    return (int)m >= 0 && m < ST_METRIC_COUNT ? metric_names[m][0] : NULL;
}

const char *st_metric_label(st_metric m)
{
    return (int)m >= 0 && m < ST_METRIC_COUNT ? metric_names[m][1] : NULL;
}

st_eval_params st_eval_params_default(void)
{
    st_eval_params p;
    memset(&p, 0, sizeof p);
    p.rule = ST_THRESHOLD_FIXED;
    p.threshold = 0.5;
    p.beta = 2;
    p.min_recall = 0.9;
    p.min_precision = 0.5;
    p.n_bootstrap = 1000;
    p.seed = ST_DEFAULT_SEED;
    p.n_threads = 0;
    return p;
}

const char *st_eval_params_check(const st_eval_params *prm)
{
    if (prm == NULL)
        return "the parameters must not be NULL";
    if ((int)prm->rule < ST_THRESHOLD_FIXED || prm->rule > ST_THRESHOLD_MIN_PRECISION)
        return "unknown threshold rule";
    if (!(prm->beta > 0) || !isfinite(prm->beta))
        return "beta must be a finite number > 0";
    if (!(prm->min_recall >= 0 && prm->min_recall <= 1))
        return "min_recall must be in [0, 1]";
    if (!(prm->min_precision >= 0 && prm->min_precision <= 1))
        return "min_precision must be in [0, 1]";
    if (prm->n_bootstrap < 0)
        return "n_bootstrap must be >= 0";
    if (prm->n_threads < 0)
        return "n_threads must be >= 0";
    return NULL;
}

static void clear(st_eval *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->threshold = NAN;
    for (int m = 0; m < ST_METRIC_COUNT; m++)
        ev->value[m] = ev->ci_low[m] = ev->ci_high[m] = NAN;
    ev->delong_variance = ev->delong_low = ev->delong_high = NAN;
}

static void delong(const st__scored *s, st_eval *ev)
{
    double auc;
    double var = st__delong_variance(s, &auc);
    if (isnan(var))
        return;
    double half = 1.959963984540054 * sqrt(var); /* the normal's 97.5th percentile */
    ev->delong_variance = var;
    ev->delong_low = fmax(0, auc - half);
    ev->delong_high = fmin(1, auc + half);
}

st_status st_evaluate(const double *scores, const float *labels, const float *weights,
                      size_t n, const st_eval_params *prm, st_eval *out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "out must not be NULL");
    clear(out);
    st_eval_params defaults = st_eval_params_default();
    if (prm == NULL)
        prm = &defaults;
    const char *bad = st_eval_params_check(prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s", bad);
    st__scored s;
    st_status rc = st__scored_build(scores, labels, weights, n, &s, err);
    if (rc != ST_OK)
        return rc;
    st_eval *ev = out;
    ev->n_rows = n;
    ev->n_positive = s.n_pos;
    ev->n_negative = s.n_neg;
    for (size_t k = 0; k < n; k++) {
        if (s.y[k])
            ev->weight_positive += s.w[k];
        else
            ev->weight_negative += s.w[k];
    }
    ev->threshold = st__choose_threshold(&s, prm);
    const double start[3] = {0, 1, 0};
    st__cal_groups groups;
    if (!st__cal_groups_alloc(&groups, s.n)) {
        st__scored_free(&s);
        clear(out);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the calibration fit of %zu rows",
                        n);
    }
    st__metrics_compute(&s, NULL, ev->threshold, prm->beta, start, &groups, ev->value,
                        &ev->undefined, &ev->confusion);
    st__cal_groups_free(&groups);
    delong(&s, ev);
    st__calibration_table(&s, ev->calibration);
    if (prm->n_bootstrap > 0)
        rc = st__bootstrap(&s, prm, ev, err);
    st__scored_free(&s);
    if (rc != ST_OK)
        clear(out);
    return rc;
}
