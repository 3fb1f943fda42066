/* Gradient-boosted trees: the best split of a leaf from its histogram (LightGBM
 * FeatureHistogram::FindBestThresholdSequentially; XGBoost "sparsity-aware split finding",
 * Chen & Guestrin, KDD 2016, Alg. 3). For each feature, a threshold t sends value bins
 * 1..t left; the missing bin goes right in one scan and left in a second scan (run only
 * when the leaf has missing values; without any, missing goes right as in XGBoost). With
 * T(G) = sign(G) max(|G| - l1, 0) and score(G, H) = T(G)^2 / (H + l2), the gain is
 * score(L) + score(R) - score(L + R); a split is valid when each side has at least
 * min_data_in_leaf rows and min_sum_hessian_in_leaf Hessian and the gain exceeds
 * min_gain_to_split. Ties keep the first candidate: lowest feature, then missing right,
 * then lowest threshold, so the choice never depends on the thread count. */
#include "gbdt_bins.h"
#include "gbdt_hist.h"
#include "gbdt_split.h"
#include "gbdt_leaf.h"
#include "gbdt_leaf.h"

#include <math.h>

#include "core/parallel.h"

/* One feature's best split into *best (gain -inf when none is valid). With monotone
 * constraints (mono not NULL), gains are those of the clamped outputs (gbdt_monotone.c). */
static void feature_split(const st__gbdt_bin_stat *hs, int nb, int feature, double G,
                          double H, double N, const st_gbdt_params *prm,
                          const st__gbdt_mono *mono, st__gbdt_split *best)
{
    const double parent = mono == NULL ? st__gbdt_leaf_score(G, H, prm)
                                       : st__gbdt_mono_score(mono, G, H, prm);
    const double min_n = prm->min_data_in_leaf, min_h = prm->min_sum_hessian_in_leaf;
    best->gain = -INFINITY;
    best->feature = feature;
    const int scans = hs[0].n > 0 ? 2 : 1;
    for (int dl = 0; dl < scans; dl++) {
        double gl = dl ? hs[0].g : 0, hl = dl ? hs[0].h : 0, nl = dl ? hs[0].n : 0;
        /* t = nb puts every present value left: a split only when missing goes right */
        const int last = dl == 0 && hs[0].n > 0 ? nb : nb - 1;
        for (int t = 1; t <= last; t++) {
            gl += hs[t].g;
            hl += hs[t].h;
            nl += hs[t].n;
            if (nl < min_n || hl < min_h)
                continue;
            const double gr = G - gl, hr = H - hl, nr = N - nl;
            if (nr < min_n || hr < min_h)
                break; /* the right side only shrinks from here */
            double gain;
            if (mono == NULL)
                gain = st__gbdt_leaf_score(gl, hl, prm) + st__gbdt_leaf_score(gr, hr, prm) -
                       parent;
            else if (!st__gbdt_mono_gain(mono, feature, gl, hl, gr, hr, parent, prm, &gain))
                continue;
            if (gain > prm->min_gain_to_split && gain > best->gain) {
                *best = (st__gbdt_split){.gain = gain, .feature = feature, .bin = t,
                                         .default_left = dl, .gl = gl, .hl = hl, .nl = nl,
                                         .gr = gr, .hr = hr, .nr = nr};
            }
        }
    }
}

void st__gbdt_best_split(const st__gbdt_bins *b, const uint8_t *use,
                         const st__gbdt_bin_stat *hist, double g, double h, double n,
                         const st_gbdt_params *prm, const st__gbdt_mono *mono,
                         st__gbdt_split *per_feature, int nt, st__gbdt_split *best)
{
    const long nf = (long)b->n_features;
    /* chunks of features: a few per thread and round, not thousands of tiny ones (wide
       sparse data) */
    const long chunk = nf / (16L * (nt > 0 ? nt : 1)) > 4 ? nf / (16L * (nt > 0 ? nt : 1)) : 4;
#pragma omp parallel for num_threads(nt) schedule(dynamic, chunk) \
    if (b->total_bins >= 8192 && nt > 1)
    for (long j = 0; j < nf; j++) {
        if (use != NULL && !use[j]) {
            per_feature[j].gain = -INFINITY;
            continue;
        }
        /* a bundled (sparse) feature whose rows of the leaf are all at its default bin
           has no valid split: most of them, in the deeper leaves */
        if (b->default_bin != NULL && b->default_bin[j] != 0 &&
            hist[b->offset[j] + b->default_bin[j]].n >= n) {
            per_feature[j].gain = -INFINITY;
            per_feature[j].feature = (int)j;
            continue;
        }
        if (b->is_cat != NULL && b->is_cat[j])
            st__gbdt_split_categorical(hist + b->offset[j], b->n_bins[j], (int)j, g, h, n, prm,
                                       &per_feature[j]);
        else
            feature_split(hist + b->offset[j], b->n_bins[j], (int)j, g, h, n, prm, mono,
                          &per_feature[j]);
    }
    best->gain = -INFINITY;
    best->feature = -1;
    for (long j = 0; j < nf; j++)
        if (per_feature[j].gain > best->gain)
            *best = per_feature[j];
}
