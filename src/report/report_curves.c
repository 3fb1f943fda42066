/* The curves and operating points that the reports of evaluate, cv and compare draw, and
 * the axis of their calibration plots. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* Simplified within 1/4000 of the unit square: finer than the chart's own simplification,
 * so what is kept here changes nothing drawn; it only bounds the memory compare keeps. */
#define CURVE_EPS 0.00025
#define CURVE_MAX 8000

st_status st_report_curve_make(int pr, const double *p, const float *y, const float *w,
                               size_t n, st_report_curve *out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_curve_make: out is NULL");
    memset(out, 0, sizeof *out);
    size_t m = 0;
    st_status rc = pr ? st_pr_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, err)
                      : st_roc_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, err);
    if (rc != ST_OK)
        return rc;
    double *a = st__malloc((m ? m : 1) * sizeof *a), *b = st__malloc((m ? m : 1) * sizeof *b);
    double *t = st__malloc((m ? m : 1) * sizeof *t);
    if (a == NULL || b == NULL || t == NULL) {
        st__free(a), st__free(b), st__free(t);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a curve of %zu points", m);
    }
    /* ROC: a = fpr, b = tpr; PR: a = precision, b = recall, drawn as (recall, precision) */
    rc = pr ? st_pr_curve(p, y, w, n, a, b, t, m, &m, err)
            : st_roc_curve(p, y, w, n, a, b, t, m, &m, err);
    st__free(t);
    if (rc != ST_OK) {
        st__free(a), st__free(b);
        return rc;
    }
    out->x = pr ? b : a;
    out->y = pr ? a : b;
    out->n = st__report_simplify(out->x, out->y, m, 1, 1, CURVE_EPS, CURVE_MAX);
    return ST_OK;
}

void st_report_curve_free(st_report_curve *c)
{
    if (c == NULL)
        return;
    st__free(c->x), st__free(c->y);
    memset(c, 0, sizeof *c);
}

st_cv_summary st__report_fold_summary(const st_cv_fold *folds, size_t m, int metric)
{
    return st_cv_summarise_folds(folds, m, metric);
}

st_status st__report_oof_make(const st_dataset *ds, size_t n_folds, size_t n_repeats,
                              const st_cv_fold *folds, const double *oof,
                              st__report_oof *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = st_dataset_n_rows(ds), reps = n_repeats, m = n_folds * reps;
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    float *yy = st__malloc(n * reps * sizeof *yy);
    float *ww = w ? st__malloc(n * reps * sizeof *ww) : NULL;
    if (yy == NULL || (w != NULL && ww == NULL)) {
        st__free(yy), st__free(ww);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report's curves");
    }
    for (size_t r = 0; r < reps; r++) { /* the repeats pooled: each row once per repeat */
        memcpy(yy + r * n, y, n * sizeof *yy);
        if (w != NULL)
            memcpy(ww + r * n, w, n * sizeof *ww);
    }
    st_status rc = st_report_curve_make(0, oof, yy, ww, n * reps, &out->roc, err);
    if (rc == ST_OK)
        rc = st_report_curve_make(1, oof, yy, ww, n * reps, &out->pr, err);
    if (rc == ST_OK) {
        st_eval_params ep = st_eval_params_default();
        ep.n_bootstrap = 0;
        st_eval ev;
        rc = st_evaluate(oof, yy, ww, n * reps, &ep, &ev, err);
        if (rc == ST_OK) {
            memcpy(out->calibration, ev.calibration, sizeof out->calibration);
            out->prevalence = ev.value[ST_METRIC_PREVALENCE];
        }
    }
    st__free(yy), st__free(ww);
    if (rc != ST_OK) {
        st__report_oof_free(out);
        return rc;
    }
    out->mark_fpr = 1 - st__report_fold_summary(folds, m, ST_METRIC_SPECIFICITY).mean;
    out->mark_recall = st__report_fold_summary(folds, m, ST_METRIC_RECALL).mean;
    out->mark_precision = st__report_fold_summary(folds, m, ST_METRIC_PRECISION).mean;
    out->mean_threshold = st__report_fold_summary(folds, m, -1).mean;
    return ST_OK;
}

void st__report_oof_free(st__report_oof *o)
{
    st_report_curve_free(&o->roc);
    st_report_curve_free(&o->pr);
}

double st_report_calibration_top(const st_calibration_bin *bins)
{
    double top = 0;
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        if (!isnan(bins[b].mean_predicted))
            top = fmax(top, bins[b].mean_predicted);
        if (!isnan(bins[b].observed))
            top = fmax(top, bins[b].observed);
    }
    top = ceil(top * 10 - 1e-9) / 10;
    return top < 0.1 ? 0.1 : top > 1 ? 1 : top;
}
