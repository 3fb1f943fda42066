/* Centring and scaling of one design column (logreg_design.h), shared by the dense design
 * (logreg_design.c) and the dense columns of the sparse one (logreg_sparse_design.c). */
#include "logreg_design.h"

#include <math.h>
#include <string.h>

void st__lr_standardise(double *x, size_t n, const double *c, int scale_it, double *mean,
                        double *scale)
{
    double lo = INFINITY, hi = -INFINITY, mu = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i] == 0)
            continue;
        lo = x[i] < lo ? x[i] : lo; /* not fmin/fmax: no NaN here, and they are calls */
        hi = x[i] > hi ? x[i] : hi;
        mu += c[i] * x[i];
    }
    if (!(lo < hi)) { /* constant (or no weighted row): a column of zeros */
        *mean = lo < INFINITY ? lo : 0;
        *scale = 0;
        memset(x, 0, n * sizeof *x);
        return;
    }
    double var = 0;
    for (size_t i = 0; i < n; i++)
        var += c[i] * (x[i] - mu) * (x[i] - mu);
    double s = scale_it ? sqrt(var) : 1.0;
    if (!(s > 0)) /* two distinct values but variance underflowed: treat as constant */
        s = 1.0;
    *mean = mu;
    *scale = s;
    for (size_t i = 0; i < n; i++)
        x[i] = (x[i] - mu) / s;
}
