/* Gradient-boosted trees: the binary log loss objective (LightGBM
 * src/objective/binary_objective.hpp; Friedman, "Greedy function approximation", 2001).
 * For a raw score F and label y in {0, 1}, with p = 1 / (1 + e^-F):
 *     loss = -w (y log p + (1 - y) log(1 - p)),  dloss/dF = w (p - y),  d2loss/dF2 = w p (1 - p).
 * The initial score is the constant minimising the weighted loss: log(p / (1 - p)) with p
 * the weighted positive rate (LightGBM BoostFromScore). */
#include "gbdt_impl.h"

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

double st__gbdt_init_score(const float *y, const double *w, size_t n)
{
    double pos = 0, all = 0;
    for (size_t i = 0; i < n; i++) {
        const double wi = w != NULL ? w[i] : 1;
        pos += wi * (double)y[i];
        all += wi;
    }
    const double p = pos / all;
    return log(p / (1 - p));
}
