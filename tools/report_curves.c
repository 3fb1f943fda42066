/* The curves and operating points that the reports of evaluate, cv and compare draw. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cli.h"

/* Simplified within 1/4000 of the unit square: finer than the chart's own simplification,
 * so what is kept here changes nothing drawn; it only bounds the memory compare keeps. */
#define CURVE_EPS 0.00025
#define CURVE_MAX 8000

int report_curve_make(int pr, const double *p, const float *y, const float *w, size_t n,
                      report_curve *out)
{
    memset(out, 0, sizeof *out);
    st_error err;
    memset(&err, 0, sizeof err);
    size_t m = 0;
    st_status rc = pr ? st_pr_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, &err)
                      : st_roc_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    double *a = malloc((m ? m : 1) * sizeof *a), *b = malloc((m ? m : 1) * sizeof *b);
    double *t = malloc((m ? m : 1) * sizeof *t);
    if (a == NULL || b == NULL || t == NULL) {
        free(a), free(b), free(t);
        fprintf(stderr, "stratum: out of memory for a curve of %zu points\n", m);
        return EXIT_FAILED;
    }
    /* ROC: a = fpr, b = tpr; PR: a = precision, b = recall, drawn as (recall, precision) */
    rc = pr ? st_pr_curve(p, y, w, n, a, b, t, m, &m, &err)
            : st_roc_curve(p, y, w, n, a, b, t, m, &m, &err);
    free(t);
    if (rc != ST_OK) {
        free(a), free(b);
        return cli_fail(&err, rc);
    }
    out->x = pr ? b : a;
    out->y = pr ? a : b;
    out->n = report_simplify(out->x, out->y, m, 1, 1, CURVE_EPS, CURVE_MAX);
    return EXIT_OK;
}

void report_curve_free(report_curve *c)
{
    free(c->x), free(c->y);
    memset(c, 0, sizeof *c);
}

int report_oof_make(const cv_setup *s, const cv_fold_result *res, const double *oof,
                    report_oof *out)
{
    memset(out, 0, sizeof *out);
    size_t n = st_dataset_n_rows(s->ds), reps = s->n_repeats, m = s->n_folds * reps;
    const float *y = st_dataset_labels(s->ds), *w = st_dataset_weights(s->ds);
    float *yy = malloc(n * reps * sizeof *yy), *ww = w ? malloc(n * reps * sizeof *ww) : NULL;
    if (yy == NULL || (w != NULL && ww == NULL)) {
        free(yy), free(ww);
        fprintf(stderr, "stratum: out of memory for the report's curves\n");
        return EXIT_FAILED;
    }
    for (size_t r = 0; r < reps; r++) { /* the repeats pooled: each row once per repeat */
        memcpy(yy + r * n, y, n * sizeof *yy);
        if (w != NULL)
            memcpy(ww + r * n, w, n * sizeof *ww);
    }
    int status = report_curve_make(0, oof, yy, ww, n * reps, &out->roc);
    if (status == EXIT_OK)
        status = report_curve_make(1, oof, yy, ww, n * reps, &out->pr);
    if (status == EXIT_OK) {
        st_eval_params ep = st_eval_params_default();
        ep.n_bootstrap = 0;
        st_eval ev;
        st_error err;
        memset(&err, 0, sizeof err);
        st_status rc = st_evaluate(oof, yy, ww, n * reps, &ep, &ev, &err);
        if (rc != ST_OK) {
            status = cli_fail(&err, rc);
        } else {
            memcpy(out->calibration, ev.calibration, sizeof out->calibration);
            out->prevalence = ev.value[ST_METRIC_PREVALENCE];
        }
    }
    free(yy), free(ww);
    if (status != EXIT_OK) {
        report_oof_free(out);
        return status;
    }
    out->mark_fpr = 1 - cv_summarise(res, m, ST_METRIC_SPECIFICITY).mean;
    out->mark_recall = cv_summarise(res, m, ST_METRIC_RECALL).mean;
    out->mark_precision = cv_summarise(res, m, ST_METRIC_PRECISION).mean;
    out->mean_threshold = cv_summarise(res, m, -1).mean;
    return EXIT_OK;
}

void report_oof_free(report_oof *o)
{
    report_curve_free(&o->roc);
    report_curve_free(&o->pr);
}

/* The axis maximum of the calibration plot: the bins' largest value rounded up to a
 * tenth, so that a model of rare events is not squeezed into a corner. */
double report_calibration_top(const st_calibration_bin *bins)
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

static const char *class_weight_text(st_class_weight k, double v, char *buf, size_t size)
{
    if (k == ST_CLASS_WEIGHT_NONE)
        return "none";
    if (k == ST_CLASS_WEIGHT_BALANCED)
        return "balanced";
    snprintf(buf, size, "%g", v);
    return buf;
}

void report_model_text(const cv_setup *s, cv_model model, int with_weights, char *buf,
                       size_t size)
{
    char cw[32], weights[96] = "";
    if (model == CV_LOGREG) {
        const st_logreg_params *p = &s->prm;
        if (with_weights)
            snprintf(weights, sizeof weights, ", class weight %s",
                     class_weight_text(p->class_weight, p->positive_weight, cw, sizeof cw));
        char lambda[48];
        if (p->lambda == ST_LOGREG_LAMBDA_CV)
            snprintf(lambda, sizeof lambda, "lambda by inner %zu-fold CV", p->cv_folds);
        else
            snprintf(lambda, sizeof lambda, "lambda %g", p->lambda);
        snprintf(buf, size, "logreg, %s, alpha %g%s%s%s", lambda, p->alpha, weights,
                 p->standardize ? "" : ", not standardised",
                 p->missing_indicators ? ", missing indicators" : "");
    } else {
        const st_gbdt_params *g = &s->gprm;
        if (with_weights)
            snprintf(weights, sizeof weights, ", class weight %s, scale_pos_weight %g",
                     g->class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced" : "none",
                     g->scale_pos_weight *
                         (g->class_weight == ST_CLASS_WEIGHT_POSITIVE ? g->positive_weight : 1));
        char trees[48];
        if (g->num_trees == ST_GBDT_NUM_TREES_AUTO)
            snprintf(trees, sizeof trees, "trees by early stopping");
        else
            snprintf(trees, sizeof trees, "%d trees", g->num_trees);
        snprintf(buf, size, "gbdt, %s, %d leaves, learning rate %g, min data in leaf %d%s",
                 trees, g->num_leaves, g->learning_rate, g->min_data_in_leaf, weights);
    }
}
