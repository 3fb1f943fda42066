/* A metric summarised across cross-validation folds: mean, standard deviation and a
 * t-based 95% interval for the mean, clipped to the metric's range (stratum/cv.h); over
 * folds, the corrected resampled t of Nadeau and Bengio (2003). */
#include <math.h>

#include "core/alloc.h"
#include "cv_impl.h"

double st_cv_t975(size_t df)
{
    static const double table[30] = {
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
        2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
        2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
        2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
    if (df == 0)
        return NAN;
    if (df <= 30)
        return table[df - 1];
    /* Cornish-Fisher expansion around the normal quantile (Abramowitz and Stegun 26.7.5);
     * better than 1e-5 beyond 30 degrees of freedom */
    const double z = 1.959963984540054, v = (double)df;
    const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
           (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

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

st_cv_summary st__cv_summarise_corrected(const double *values, size_t m, int metric,
                                         double test_train)
{
    st_cv_summary s = {0, NAN, NAN, NAN, NAN};
    double sum = 0, ss = 0;
    for (size_t i = 0; values != NULL && i < m; i++)
        if (!isnan(values[i])) {
            s.defined++;
            sum += values[i];
        }
    if (s.defined == 0)
        return s;
    s.mean = sum / (double)s.defined;
    for (size_t i = 0; i < m; i++)
        if (!isnan(values[i]))
            ss += (values[i] - s.mean) * (values[i] - s.mean);
    if (s.defined > 1) {
        s.sd = sqrt(ss / (double)(s.defined - 1));
        double half = st_cv_t975(s.defined - 1) * s.sd *
                      sqrt(1 / (double)s.defined + test_train);
        double lo, hi;
        metric_range(metric, &lo, &hi);
        s.low = fmax(lo, s.mean - half);
        s.high = fmin(hi, s.mean + half);
    }
    return s;
}

st_cv_summary st_cv_summarise(const double *values, size_t m, int metric)
{
    return st__cv_summarise_corrected(values, m, metric, 0);
}

st_cv_summary st_cv_summarise_folds(const st_cv_fold *folds, size_t m, int metric)
{
    st_cv_summary none = {0, NAN, NAN, NAN, NAN};
    double *v = st__malloc_array(m ? m : 1, sizeof *v);
    if (folds == NULL || v == NULL) { /* no summary rather than a wrong one */
        st__free(v);
        return none;
    }
    double n_test = 0, n_train = 0;
    for (size_t i = 0; i < m; i++) {
        v[i] = metric < 0 ? folds[i].threshold : folds[i].value[metric];
        n_test += (double)folds[i].n_test;
        n_train += (double)folds[i].n_train;
    }
    st_cv_summary s = st__cv_summarise_corrected(v, m, metric,
                                                 n_train > 0 ? n_test / n_train : 0);
    st__free(v);
    return s;
}
