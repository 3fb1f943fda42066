/* stratum cv: pieces both modes use. */
#include <math.h>

#include "cv.h"

void cv_split(const cv_setup *s, size_t r, size_t f, size_t *train, size_t *n_train,
              size_t *test, size_t *n_test)
{
    size_t n = st_dataset_n_rows(s->ds);
    const int *fold = s->fold + r * n;
    *n_train = *n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)fold[i] == f)
            test[(*n_test)++] = i;
        else
            train[(*n_train)++] = i;
    }
}

double cv_t975(size_t df)
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

const char *cv_threshold_where(const cv_setup *s, char *buf, size_t size)
{
    if (s->eval.rule == ST_THRESHOLD_FIXED)
        snprintf(buf, size, "%s", "");
    else if (s->threshold_folds >= 2)
        snprintf(buf, size, ", chosen on the out-of-fold predictions of a %zu-fold inner "
                 "cross-validation of each training part", s->threshold_folds);
    else
        snprintf(buf, size, "%s", ", chosen on each training part's own predictions");
    return buf;
}
