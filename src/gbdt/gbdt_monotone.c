/* Gradient-boosted trees: monotone constraints while growing a tree, by the "basic" method
 * of XGBoost (TreeEvaluator: CalcSplitGain, AddSplit) and LightGBM
 * (monotone_constraints_method=basic). Each leaf carries bounds [lo, hi] on its output;
 * a candidate split clamps both children's outputs into them, is rejected when their
 * order breaks the split feature's constraint, and is scored with the clamped outputs;
 * a split on a constrained feature cuts the children's bounds at the midpoint of their
 * outputs, so that every leaf on the low side of it ends at most (for +1) every leaf on
 * the high side; leaf values are clamped at the end. Bounds only ever narrow going down a
 * tree, which is what makes the whole tree monotone, not just each split. See
 * include/stratum/gbdt.h, "Monotone constraints". */
#include "gbdt_split.h"
#include "gbdt_grow.h"
#include "gbdt_leaf.h"

#include <math.h>

#include "gbdt_train_core.h"

#include "core/error.h"

st_status st__gbdt_monotone_check(const st__gbdt_schema *s, const signed char *mono,
                                  st_error *err)
{
    if (mono == NULL)
        return ST_OK;
    for (size_t j = 0; j < s->n_features; j++) {
        if (mono[j] < -1 || mono[j] > 1)
            return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: monotone[%zu] (feature "
                            "'%s') is %d; expected -1, 0 or +1", j, s->names[j], (int)mono[j]);
        if (mono[j] != 0 && s->is_cat[j])
            return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: a monotone constraint "
                            "on categorical feature '%s': only numeric features can be "
                            "constrained, since levels have no order",
                            s->names[j]);
    }
    return ST_OK;
}

int st__gbdt_monotone_any(const signed char *mono, size_t n)
{
    for (size_t j = 0; mono != NULL && j < n; j++)
        if (mono[j] != 0)
            return 1;
    return 0;
}

static double clamp(double w, double lo, double hi)
{
    return w < lo ? lo : w > hi ? hi : w;
}

static double threshold_l1(double g, double l1)
{
    double a = fabs(g) - l1;
    return a > 0 ? (g > 0 ? a : -a) : 0;
}

/* LightGBM's GetLeafGainGivenOutput: the loss reduction of output w, which for the
 * unclamped w = -T(g) / (h + l2) is T(g)^2 / (h + l2), st__gbdt_leaf_score. */
static double score_given_output(double g, double h, double w, const st_gbdt_params *prm)
{
    return -(2 * threshold_l1(g, prm->lambda_l1) * w + (h + prm->lambda_l2) * w * w);
}

double st__gbdt_mono_score(const st__gbdt_mono *mc, double g, double h,
                           const st_gbdt_params *prm)
{
    const double w = clamp(st__gbdt_leaf_output(g, h, prm), mc->lo, mc->hi);
    return score_given_output(g, h, w, prm);
}

int st__gbdt_mono_gain(const st__gbdt_mono *mc, int f, double gl, double hl, double gr,
                       double hr, double parent, const st_gbdt_params *prm, double *gain)
{
    const double wl = clamp(st__gbdt_leaf_output(gl, hl, prm), mc->lo, mc->hi);
    const double wr = clamp(st__gbdt_leaf_output(gr, hr, prm), mc->lo, mc->hi);
    const int c = mc->dir[f];
    if ((c > 0 && wl > wr) || (c < 0 && wl < wr))
        return 0;
    *gain = score_given_output(gl, hl, wl, prm) + score_given_output(gr, hr, wr, prm) - parent;
    return 1;
}

void st__gbdt_mono_split_bounds(st__gbdt_grower *gr, int l, int r, const st__gbdt_split *s)
{
    const double lo = gr->lo[l], hi = gr->hi[l];
    gr->lo[r] = lo;
    gr->hi[r] = hi;
    const int c = gr->monotone[s->feature];
    if (c == 0)
        return;
    const double wl = clamp(st__gbdt_leaf_output(s->gl, s->hl, gr->prm), lo, hi);
    const double wr = clamp(st__gbdt_leaf_output(s->gr, s->hr, gr->prm), lo, hi);
    /* lo <= mid <= hi since both outputs are clamped: the children's bounds nest */
    const double mid = 0.5 * (wl + wr);
    if (c > 0) {
        gr->hi[l] = mid;
        gr->lo[r] = mid;
    } else {
        gr->lo[l] = mid;
        gr->hi[r] = mid;
    }
}

void st__gbdt_mono_clamp_values(st__gbdt_grower *gr)
{
    const st_gbdt_params *prm = gr->prm;
    for (int l = 0; l < gr->n_leaves; l++)
        gr->values[l] = prm->learning_rate *
                        clamp(st__gbdt_leaf_output(gr->sum_g[l], gr->sum_h[l], prm),
                              gr->lo[l], gr->hi[l]);
}
