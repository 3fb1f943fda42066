/* One pass over the sorted view computes every metric of a (re)weighted sample: the
 * rank metrics over groups of tied scores, the probability metrics per row, and the
 * confusion matrix at the threshold. The sums run in sorted order, which the data fix. */
#include <math.h>

#include "metrics_impl.h"

static void set(double *value, unsigned *undefined, st_metric m, double v, int defined)
{
    value[m] = defined ? v : NAN;
    if (!defined)
        *undefined |= 1u << (unsigned)m;
}

static void set_ratio(double *value, unsigned *undefined, st_metric m, double num, double den)
{
    set(value, undefined, m, den != 0 ? num / den : NAN, den != 0);
}

void st__metrics_from_confusion(const st_confusion *cm, double beta, double *value,
                                unsigned *undefined)
{
    double tp = cm->tp, fp = cm->fp, tn = cm->tn, fn = cm->fn;
    set_ratio(value, undefined, ST_METRIC_PRECISION, tp, tp + fp);
    set_ratio(value, undefined, ST_METRIC_RECALL, tp, tp + fn);
    set_ratio(value, undefined, ST_METRIC_SPECIFICITY, tn, tn + fp);
    set_ratio(value, undefined, ST_METRIC_NPV, tn, tn + fn);
    set_ratio(value, undefined, ST_METRIC_ACCURACY, tp + tn, tp + tn + fp + fn);
    set_ratio(value, undefined, ST_METRIC_F1, 2 * tp, 2 * tp + fp + fn);
    double b2 = beta * beta;
    set_ratio(value, undefined, ST_METRIC_FBETA, (1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp);
    int ba = tp + fn != 0 && tn + fp != 0;
    set(value, undefined, ST_METRIC_BALANCED_ACCURACY,
        ba ? (tp / (tp + fn) + tn / (tn + fp)) / 2 : NAN, ba);
    /* each factor pair under its own root: the product of four sums of weights can
     * overflow where the result does not */
    double d = sqrt((tp + fp) * (tp + fn)) * sqrt((tn + fp) * (tn + fn));
    set_ratio(value, undefined, ST_METRIC_MCC, tp * tn - fp * fn, d);
}

void st__metrics_compute(const st__scored *s, const double *mult, double t, double beta,
                         const double cal_start[3], st__cal_groups *groups, double *value,
                         unsigned *undefined, st_confusion *cm)
{
    if (cal_start != NULL)
        groups->n = 0;
    double tp_cum = 0, fp_cum = 0, area = 0, ap = 0, loss = 0, brier = 0;
    st_confusion c = {0, 0, 0, 0};
    *undefined = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = st__group_end(s, i);
        double tp_group = 0, fp_group = 0;
        int predicted = s->score[i] >= t; /* false for t = NaN */
        for (size_t k = i; k < end; k++) {
            double w = mult != NULL ? s->w[k] * mult[k] : s->w[k];
            if (w == 0)
                continue;
            double p = s->score[k], y = s->y[k];
            if (s->y[k])
                tp_group += w;
            else
                fp_group += w;
            loss += w * s->loss[k];
            brier += w * (p - y) * (p - y);
        }
        if (cal_start != NULL && tp_group + fp_group > 0) { /* the calibration fits' view */
            groups->x[groups->n] = s->logit[i];
            groups->w1[groups->n] = tp_group;
            groups->w0[groups->n++] = fp_group;
        }
        /* trapezoid: the group moves the ROC curve by fp_group right and tp_group up */
        area += fp_group * (tp_cum + 0.5 * tp_group);
        tp_cum += tp_group;
        fp_cum += fp_group;
        if (tp_group > 0)
            ap += tp_group * (tp_cum / (tp_cum + fp_cum));
        if (predicted) {
            c.tp += tp_group;
            c.fp += fp_group;
        } else {
            c.fn += tp_group;
            c.tn += fp_group;
        }
        i = end;
    }
    double pos = tp_cum, neg = fp_cum, total = pos + neg;
    set(value, undefined, ST_METRIC_ROC_AUC, area / (pos * neg), pos > 0 && neg > 0);
    set(value, undefined, ST_METRIC_PR_AUC, ap / pos, pos > 0);
    set(value, undefined, ST_METRIC_LOG_LOSS, loss / total, s->in_unit && total > 0);
    set(value, undefined, ST_METRIC_BRIER, brier / total, s->in_unit && total > 0);
    set_ratio(value, undefined, ST_METRIC_PREVALENCE, pos, total);
    st__metrics_from_confusion(&c, beta, value, undefined);
    if (isnan(t)) {
        for (int m = ST_METRIC_PRECISION; m <= ST_METRIC_MCC; m++)
            set(value, undefined, (st_metric)m, NAN, 0);
    }
    /* the calibration fits are iterative passes over the rows: skipped (undefined) when
       the caller has no start for them, as per-tree validation metrics need none */
    const int fit = cal_start != NULL && s->in_unit && pos > 0 && neg > 0;
    double cal[2] = {NAN, NAN};
    int fitted = fit && st__calibration_fit(groups, cal_start, cal);
    set(value, undefined, ST_METRIC_CALIBRATION_INTERCEPT, cal[0], fitted);
    set(value, undefined, ST_METRIC_CALIBRATION_SLOPE, cal[1], fitted);
    double citl = NAN;
    fitted = fit && st__calibration_in_the_large(groups, cal_start[2], &citl);
    set(value, undefined, ST_METRIC_CALIBRATION_IN_THE_LARGE, citl, fitted);
    if (cm != NULL) /* no threshold: no row is predicted either way */
        *cm = isnan(t) ? (st_confusion){NAN, NAN, NAN, NAN} : c;
}
