/* DeLong, DeLong & Clarke-Pearson (1988) variance of the ROC-AUC, computed in O(n) on the
 * sorted view as in Sun & Xu (2014), "Fast implementation of DeLong's algorithm": the
 * structural component of a positive is the share of negatives scored below it (ties
 * one half), V10_i = (negatives below + negatives tied / 2) / n_neg, and of a negative the
 * share of positives scored above it, V01_j = (positives above + positives tied / 2) /
 * n_pos. The AUC is the mean of either, and
 *     var(AUC) = S10 / n_pos + S01 / n_neg,
 * with S10 and S01 the sample variances (n - 1) of the components. */
#include <math.h>

#include "metrics_impl.h"

double st__delong_variance(const st__scored *s, double *auc)
{
    double m = (double)s->n_pos, n = (double)s->n_neg;
    *auc = NAN;
    if (!s->unit_weights || s->n_pos < 2 || s->n_neg < 2)
        return NAN;
    /* first pass: the AUC as the mean of V10; second: the squared deviations */
    double sum10 = 0, ss10 = 0, ss01 = 0, a = 0;
    for (int pass = 0; pass < 2; pass++) {
        double pos_above = 0, neg_above = 0;
        for (size_t i = 0; i < s->n;) {
            size_t end = st__group_end(s, i);
            double pos_tied = 0, neg_tied = 0;
            for (size_t k = i; k < end; k++) {
                if (s->y[k])
                    pos_tied++;
                else
                    neg_tied++;
            }
            double neg_below = n - neg_above - neg_tied;
            double v10 = (neg_below + neg_tied / 2) / n, v01 = (pos_above + pos_tied / 2) / m;
            if (pass == 0) {
                sum10 += pos_tied * v10;
            } else {
                ss10 += pos_tied * (v10 - a) * (v10 - a);
                ss01 += neg_tied * (v01 - a) * (v01 - a);
            }
            pos_above += pos_tied;
            neg_above += neg_tied;
            i = end;
        }
        a = sum10 / m;
    }
    *auc = a;
    return ss10 / ((m - 1) * m) + ss01 / ((n - 1) * n);
}
