/* Threshold rules: each candidate is a distinct score of the rows with non-zero weight,
 * scanned from the highest, with the confusion matrix of "score >= candidate". */
#include <math.h>

#include "metrics_impl.h"

/* The rule's criterion at one candidate; NaN when undefined there. */
static double criterion(const st_eval_params *prm, const st_confusion *cm)
{
    double v[ST_METRIC_COUNT];
    unsigned undefined = 0;
    st__metrics_from_confusion(cm, prm->beta, v, &undefined);
    switch (prm->rule) {
    case ST_THRESHOLD_MAX_F1: return v[ST_METRIC_F1];
    case ST_THRESHOLD_MAX_FBETA: return v[ST_METRIC_FBETA];
    case ST_THRESHOLD_YOUDEN: return v[ST_METRIC_RECALL] + v[ST_METRIC_SPECIFICITY] - 1;
    case ST_THRESHOLD_MIN_RECALL: return v[ST_METRIC_RECALL];
    case ST_THRESHOLD_MIN_PRECISION: return v[ST_METRIC_PRECISION];
    case ST_THRESHOLD_FIXED: break;
    }
    return NAN;
}

double st__choose_threshold(const st__scored *s, const st_eval_params *prm)
{
    if (prm->rule == ST_THRESHOLD_FIXED)
        return prm->threshold;
    double pos = 0, neg = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (s->y[k])
            pos += s->w[k];
        else
            neg += s->w[k];
    }
    double best = NAN, best_value = NAN, tp = 0, fp = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = st__group_end(s, i);
        double group = 0;
        for (size_t k = i; k < end; k++) {
            group += s->w[k];
            if (s->y[k])
                tp += s->w[k];
            else
                fp += s->w[k];
        }
        double t = s->score[i];
        i = end;
        if (group == 0)
            continue;
        st_confusion cm = {tp, fp, neg - fp, pos - tp};
        double v = criterion(prm, &cm);
        if (isnan(v))
            continue;
        switch (prm->rule) {
        case ST_THRESHOLD_MIN_RECALL: /* recall only grows as t falls: the first will do */
            if (v >= prm->min_recall)
                return t;
            break;
        case ST_THRESHOLD_MIN_PRECISION: /* keep going: the lowest such t wins */
            if (v >= prm->min_precision)
                best = t;
            break;
        default: /* strictly better only, so ties keep the higher threshold */
            if (isnan(best_value) || v > best_value) {
                best_value = v;
                best = t;
            }
        }
    }
    return best;
}
