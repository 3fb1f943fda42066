/* Gradient-boosted trees: a leaf's score and output from its gradient and Hessian sums,
 * with the L1 and L2 leaf penalties (LightGBM's ThresholdL1, CalculateSplittedLeafOutput).
 * Inline: the split search calls them once per candidate threshold. Used by the split
 * search (gbdt_split.c, gbdt_split_categorical.c), the monotone constraints and the
 * grower. */
#ifndef STRATUM_GBDT_LEAF_H
#define STRATUM_GBDT_LEAF_H

#include <math.h>

#include <stratum/gbdt.h>

static inline double st__gbdt_threshold_l1(double g, double l1)
{
    double a = fabs(g) - l1;
    return a > 0 ? (g > 0 ? a : -a) : 0;
}

/* A leaf without Hessian (no rows, or only rows of weight 0) and no L2 penalty scores 0
 * and outputs 0 rather than 0 / 0. */
static inline double st__gbdt_leaf_score(double g, double h, const st_gbdt_params *prm)
{
    const double t = st__gbdt_threshold_l1(g, prm->lambda_l1), d = h + prm->lambda_l2;
    return d > 0 ? t * t / d : 0;
}

static inline double st__gbdt_leaf_output(double g, double h, const st_gbdt_params *prm)
{
    const double d = h + prm->lambda_l2;
    return d > 0 ? -st__gbdt_threshold_l1(g, prm->lambda_l1) / d : 0;
}

#endif
