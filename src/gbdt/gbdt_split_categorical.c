/* Gradient-boosted trees: the best split of a leaf on a categorical feature, a set of
 * bins (levels, the missing bin, the "other" bin) that goes left (LightGBM
 * FeatureHistogram::FindBestThresholdCategorical; Fisher, "On grouping for maximum
 * homogeneity", JASA 1958: sorting the categories by their mean response makes the best
 * binary partition a prefix of the order, exactly for squared loss and as a heuristic for
 * second-order boosting).
 *   - Few bins (nb <= max_cat_to_onehot): each non-empty bin alone on the left
 *     (one-vs-rest), scored with lambda_l2 as a threshold split is.
 *   - Otherwise the bins with at least max(cat_smooth, 1) rows are sorted by
 *     G / (H + cat_smooth), which shrinks small bins towards 0 (ties: the lower bin), and
 *     the left side grows one bin at a time from the low end, then from the high end, up
 *     to min(max_cat_threshold, (used + 1) / 2) bins. A prefix is scored only when at
 *     least min_data_per_group rows joined since the last prefix scored, and while the
 *     right side keeps min_data_per_group rows; children are scored with lambda_l2 +
 *     cat_l2 (the parent with lambda_l2), against overfitting the order itself.
 * Both sides need min_data_in_leaf rows and min_sum_hessian_in_leaf Hessian, and the gain
 * must exceed min_gain_to_split. Ties keep the first candidate, so the choice depends only
 * on the histogram. */
#include "gbdt_model.h"
#include "gbdt_hist.h"
#include "gbdt_split.h"
#include "gbdt_leaf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct ranked_bin {
    double key;
    int bin;
} ranked_bin;

static int by_key(const void *a, const void *b)
{
    const ranked_bin *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->bin - y->bin;
}

static void set_bit(uint32_t *set, int b)
{
    set[b / 32] |= 1u << (b % 32);
}

/* Records a split with sides (gl, hl, nl) / rest as *best when it beats it. */
static int better(double gain, double gl, double hl, double nl, double G, double H, double N,
                  const st_gbdt_params *prm, st__gbdt_split *best)
{
    if (!(gain > prm->min_gain_to_split && gain > best->gain))
        return 0;
    best->gain = gain;
    best->gl = gl, best->hl = hl, best->nl = nl;
    best->gr = G - gl, best->hr = H - hl, best->nr = N - nl;
    return 1;
}

static void one_vs_rest(const st__gbdt_bin_stat *hs, int nb, double G, double H, double N,
                        double parent, const st_gbdt_params *prm, st__gbdt_split *best)
{
    const double min_n = prm->min_data_in_leaf, min_h = prm->min_sum_hessian_in_leaf;
    for (int t = 0; t <= nb; t++) {
        const double gl = hs[t].g, hl = hs[t].h, nl = hs[t].n;
        if (nl < min_n || hl < min_h || N - nl < min_n || H - hl < min_h)
            continue;
        const double gain = st__gbdt_leaf_score(gl, hl, prm) +
                            st__gbdt_leaf_score(G - gl, H - hl, prm) - parent;
        if (better(gain, gl, hl, nl, G, H, N, prm, best)) {
            memset(best->left_bins, 0, sizeof best->left_bins);
            set_bit(best->left_bins, t);
            best->extra_l2 = 0;
        }
    }
}

static void sorted_scan(const st__gbdt_bin_stat *hs, int nb, double G, double H, double N,
                        double parent, const st_gbdt_params *prm, st__gbdt_split *best)
{
    const double min_n = prm->min_data_in_leaf, min_h = prm->min_sum_hessian_in_leaf;
    const double min_group = prm->min_data_per_group;
    const double min_rows = prm->cat_smooth > 1 ? prm->cat_smooth : 1;
    ranked_bin order[256];
    int used = 0;
    for (int t = 0; t <= nb; t++) {
        const double d = hs[t].h + prm->cat_smooth; /* 0 with weightless rows, no smoothing */
        if (hs[t].n >= min_rows)
            order[used++] = (ranked_bin){d > 0 ? hs[t].g / d : 0, t};
    }
    qsort(order, (size_t)used, sizeof *order, by_key);
    const int max_left = prm->max_cat_threshold < (used + 1) / 2 ? prm->max_cat_threshold
                                                                 : (used + 1) / 2;
    st_gbdt_params child = *prm;
    child.lambda_l2 = prm->lambda_l2 + prm->cat_l2;
    int best_dir = -1, best_len = 0;
    for (int dir = 0; dir < 2; dir++) {
        double gl = 0, hl = 0, nl = 0, group = 0;
        for (int i = 0; i < used && i < max_left; i++) {
            const ranked_bin *rb = &order[dir == 0 ? i : used - 1 - i];
            gl += hs[rb->bin].g;
            hl += hs[rb->bin].h;
            nl += hs[rb->bin].n;
            group += hs[rb->bin].n;
            if (nl < min_n || hl < min_h)
                continue;
            const double nr = N - nl, hr = H - hl;
            if (nr < min_n || nr < min_group || hr < min_h)
                break; /* the right side only shrinks from here */
            if (group < min_group)
                continue;
            group = 0;
            const double gain = st__gbdt_leaf_score(gl, hl, &child) +
                                st__gbdt_leaf_score(G - gl, hr, &child) - parent;
            if (better(gain, gl, hl, nl, G, H, N, prm, best)) {
                best_dir = dir;
                best_len = i + 1;
            }
        }
    }
    if (best_dir < 0)
        return;
    memset(best->left_bins, 0, sizeof best->left_bins);
    for (int i = 0; i < best_len; i++)
        set_bit(best->left_bins, order[best_dir == 0 ? i : used - 1 - i].bin);
    best->extra_l2 = prm->cat_l2;
}

void st__gbdt_split_categorical(const st__gbdt_bin_stat *hs, int nb, int feature, double G,
                                double H, double N, const st_gbdt_params *prm,
                                st__gbdt_split *best)
{
    const double parent = st__gbdt_leaf_score(G, H, prm);
    memset(best, 0, sizeof *best);
    best->gain = -INFINITY;
    best->feature = feature;
    best->categorical = 1;
    best->bin = 0; /* no threshold bin (bin 0's bound is a placeholder NaN) */
    if (nb <= prm->max_cat_to_onehot)
        one_vs_rest(hs, nb, G, H, N, parent, prm, best);
    else
        sorted_scan(hs, nb, G, H, N, parent, prm, best);
    best->default_left = st__gbdt_bin_in_set(best->left_bins, 0);
}
