/* Gradient-boosted trees: the binary log loss objective (LightGBM
 * src/objective/binary_objective.hpp; Friedman, "Greedy function approximation", 2001).
 * For a raw score F and label y in {0, 1}, with p = 1 / (1 + e^-F):
 *     loss = -w (y log p + (1 - y) log(1 - p)),  dloss/dF = w (p - y),  d2loss/dF2 = w p (1 - p).
 * The initial score is the constant minimising the weighted loss: log(p / (1 - p)) with p
 * the weighted positive rate (LightGBM BoostFromScore), here log(W+ / W-) with the
 * weight sums W+, W- of each class in fixed point (gbdt_fixed.c) and summed across
 * processes, so that it does not depend on how the rows are split. */
#include "gbdt_train_core.h"

#include <math.h>

#include "parallel.h"

void st__gbdt_logloss_grad(const double *score, const float *y, const double *w, size_t n,
                           double *g, double *h, int nt)
{
    const long nn = (long)n;
#pragma omp parallel for num_threads(nt) schedule(static) if (n >= 16384 && nt > 1)
    for (long i = 0; i < nn; i++) {
        const double p = 1 / (1 + exp(-score[i]));
        const double wi = w != NULL ? w[i] : 1;
        g[i] = wi * (p - (double)y[i]);
        h[i] = wi * (p * (1 - p));
    }
}

st_status st__gbdt_init_score(const float *y, const double *w, size_t n, uint64_t n_global,
                              const st__gbdt_reducer *red, double *out, st_error *err)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        max = w[i] > max ? w[i] : max;
    st_status rc = st__gbdt_reduce_max(red, &max, 1, err);
    if (rc != ST_OK)
        return rc;
    const int s = st__gbdt_fixed_scale(max, n_global);
    int64_t sum[2] = {0, 0}; /* positive rows, all rows */
    for (size_t i = 0; i < n; i++) {
        const int64_t q = st__gbdt_to_fixed(w[i], s);
        sum[0] += y[i] != 0 ? q : 0;
        sum[1] += q;
    }
    if ((rc = st__gbdt_reduce_sum(red, sum, 2, err)) != ST_OK)
        return rc;
    *out = log((double)sum[0] / (double)(sum[1] - sum[0]));
    return ST_OK;
}
