/* The held-out deviance that chooses lambda (cv.glmnet's type.measure = "deviance"),
 * shared by the path's scoring of each fit (logreg_path.c) and the choice over folds
 * (logreg_choose.c). */
#include "logreg_path_run.h"

#include <math.h>

/* The standard error of the weighted mean row deviance of a sample stratified by label:
 * sqrt(sum over the classes c of (W_c / W)^2 s_c^2 / (n_c - 1)), s_c^2 the weighted
 * variance of class c's row deviances (the folds deal each class evenly, so the spread
 * between the classes is not sampling error; NaN when a class has fewer than 2 rows). */
static double stratified_se(const double *p, const float *y, const float *w, size_t n)
{
    double sw[2] = {0, 0}, sum[2] = {0, 0}, ss[2] = {0, 0};
    size_t count[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int c = y[i] > 0.5f;
        double wi = w != NULL ? w[i] : 1, pi = fmin(fmax(p[i], 1e-5), 1 - 1e-5);
        sw[c] += wi;
        sum[c] += wi * -2 * log(c ? pi : 1 - pi);
        count[c]++;
    }
    for (size_t i = 0; i < n; i++) {
        int c = y[i] > 0.5f;
        double wi = w != NULL ? w[i] : 1, pi = fmin(fmax(p[i], 1e-5), 1 - 1e-5);
        double d = -2 * log(c ? pi : 1 - pi) - sum[c] / sw[c];
        ss[c] += wi * d * d;
    }
    const double total = sw[0] + sw[1];
    double var = 0;
    for (int c = 0; c < 2; c++) {
        if (count[c] < 2 || !(sw[c] > 0))
            return NAN;
        var += (sw[c] / total) * (sw[c] / total) * (ss[c] / sw[c]) / (double)(count[c] - 1);
    }
    return sqrt(var);
}

double st__lr_cv_deviance(const double *p, const float *y, const float *w, size_t n,
                          double *weight, double *se)
{
    double total = 0, sum = 0;
    for (size_t i = 0; i < n; i++)
        total += w != NULL ? w[i] : 1;
    for (size_t i = 0; i < n; i++) {
        double wi = w != NULL ? w[i] : 1, pi = fmin(fmax(p[i], 1e-5), 1 - 1e-5);
        sum += wi * -2 * (y[i] > 0.5f ? log(pi) : log(1 - pi));
    }
    *weight = total;
    const double mean = total > 0 ? sum / total : NAN;
    if (se != NULL)
        *se = stratified_se(p, y, w, n);
    return mean;
}
