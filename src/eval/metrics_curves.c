/* ROC and precision-recall curves into caller buffers, one point per distinct score of the
 * rows with non-zero weight. */
#include <math.h>

#include "core/error.h"
#include "metrics_impl.h"

typedef enum curve_kind { CURVE_ROC, CURVE_PR } curve_kind;

/* Points of the curve: the distinct scores with weight, plus (0, 0) for ROC. */
static size_t count_points(const st__scored *s, curve_kind kind)
{
    size_t count = kind == CURVE_ROC ? 1 : 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = st__group_end(s, i);
        double w = 0;
        for (size_t k = i; k < end; k++)
            w += s->w[k];
        count += w > 0;
        i = end;
    }
    return count;
}

static void fill(const st__scored *s, curve_kind kind, double *x, double *y, double *thr)
{
    double pos = 0, neg = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (s->y[k])
            pos += s->w[k];
        else
            neg += s->w[k];
    }
    size_t p = 0;
    if (kind == CURVE_ROC) {
        x[0] = neg > 0 ? 0 : NAN;
        y[0] = pos > 0 ? 0 : NAN;
        thr[0] = INFINITY;
        p = 1;
    }
    double tp = 0, fp = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = st__group_end(s, i);
        double w = 0;
        for (size_t k = i; k < end; k++) {
            w += s->w[k];
            if (s->y[k])
                tp += s->w[k];
            else
                fp += s->w[k];
        }
        if (w > 0) {
            if (kind == CURVE_ROC) {
                x[p] = neg > 0 ? fp / neg : NAN;
                y[p] = pos > 0 ? tp / pos : NAN;
            } else {
                x[p] = tp / (tp + fp);
                y[p] = pos > 0 ? tp / pos : NAN;
            }
            thr[p++] = s->score[i];
        }
        i = end;
    }
}

static st_status curve(const double *scores, const float *labels, const float *weights,
                       size_t n, curve_kind kind, double *x, double *y, double *thr, size_t cap,
                       size_t *n_points, st_error *err)
{
    if (n_points == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "n_points must not be NULL");
    *n_points = 0;
    st__scored s;
    st_status rc = st__scored_build(scores, labels, weights, n, &s, err);
    if (rc != ST_OK)
        return rc;
    size_t need = count_points(&s, kind);
    *n_points = need;
    if (cap > 0 && cap < need)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "the curve has %zu points; the buffers hold %zu",
                      need, cap);
    else if (cap > 0 && (x == NULL || y == NULL || thr == NULL))
        rc = st__fail(err, ST_ERR_INVALID_ARG, "the curve buffers must not be NULL");
    else if (cap > 0)
        fill(&s, kind, x, y, thr);
    st__scored_free(&s);
    return rc;
}

st_status st_roc_curve(const double *scores, const float *labels, const float *weights,
                       size_t n, double *fpr, double *tpr, double *thresholds, size_t cap,
                       size_t *n_points, st_error *err)
{
    return curve(scores, labels, weights, n, CURVE_ROC, fpr, tpr, thresholds, cap, n_points,
                 err);
}

st_status st_pr_curve(const double *scores, const float *labels, const float *weights,
                      size_t n, double *precision, double *recall, double *thresholds,
                      size_t cap, size_t *n_points, st_error *err)
{
    return curve(scores, labels, weights, n, CURVE_PR, precision, recall, thresholds, cap,
                 n_points, err);
}
