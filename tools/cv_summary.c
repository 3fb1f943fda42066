/* A metric summarised across cross-validation folds: mean, standard deviation and a
 * t-based 95% interval for the mean, clipped to the metric's range (cv.h). Used by the cv
 * report, compare and the reports' curves. */
#include <math.h>

#include "cv.h"

/* The range a metric can take, to which its interval is clipped. */
static void metric_range(int metric, double *lo, double *hi)
{
    *lo = -INFINITY, *hi = INFINITY;
    if (metric == ST_METRIC_MCC)
        *lo = -1, *hi = 1;
    else if (metric == ST_METRIC_LOG_LOSS)
        *lo = 0;
    else if (metric >= 0 && metric != ST_METRIC_CALIBRATION_INTERCEPT &&
             metric != ST_METRIC_CALIBRATION_SLOPE &&
             metric != ST_METRIC_CALIBRATION_IN_THE_LARGE)
        *lo = 0, *hi = 1;
}

cv_summary cv_summarise(const cv_fold_result *res, size_t m, int metric)
{
    cv_summary s = {0, NAN, NAN, NAN, NAN};
    double sum = 0, ss = 0;
    for (size_t i = 0; i < m; i++) {
        double v = metric < 0 ? res[i].threshold : res[i].value[metric];
        if (!isnan(v)) {
            s.defined++;
            sum += v;
        }
    }
    if (s.defined == 0)
        return s;
    s.mean = sum / (double)s.defined;
    for (size_t i = 0; i < m; i++) {
        double v = metric < 0 ? res[i].threshold : res[i].value[metric];
        if (!isnan(v))
            ss += (v - s.mean) * (v - s.mean);
    }
    if (s.defined > 1) {
        s.sd = sqrt(ss / (double)(s.defined - 1));
        double half = cv_t975(s.defined - 1) * s.sd / sqrt((double)s.defined);
        double lo, hi;
        metric_range(metric, &lo, &hi);
        s.low = fmax(lo, s.mean - half);
        s.high = fmin(hi, s.mean + half);
    }
    return s;
}
