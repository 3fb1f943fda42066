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

typedef int64_t cell_vec __attribute__((vector_size(32), aligned(8), may_alias));

/* Feature j's cells of hist into stat in doubles (as st__gbdt_hist_to_stat). A bundled
 * feature's default cell holds 0 (never coded): its value is the leaf's total minus the
 * feature's other cells, exact in fixed point (LightGBM's FixHistogram). Returns 0 when
 * every row of the leaf is at that default bin (no valid split), else 1. */
static int feature_stat(const st__gbdt_bins *b, size_t j, const st__gbdt_hist_cell *hist,
                        const int64_t *total, double ig, double ih, st__gbdt_bin_stat *stat)
{
    const size_t k0 = b->offset[j], nb = (size_t)b->n_bins[j];
    const unsigned d = b->default_bin != NULL ? b->default_bin[j] : 0;
    if (d != 0) {
        cell_vec own = {0, 0, 0, 0};
        for (size_t k = k0; k <= k0 + nb; k++)
            own += *(const cell_vec *)(const void *)&hist[k]; /* (the default cell: 0) */
        if (own[2] == 0)
            return 0;
        const st__gbdt_hist_cell dflt = {total[0] - own[0], total[1] - own[1],
                                         total[2] - own[2], 0};
        for (size_t k = k0; k <= k0 + nb; k++) {
            const st__gbdt_hist_cell *c = k == k0 + d ? &dflt : &hist[k];
            stat[k].g = (double)c->g * ig;
            stat[k].h = (double)c->h * ih;
            stat[k].n = (double)c->n;
        }
        return 1;
    }
    for (size_t k = k0; k <= k0 + nb; k++) {
        stat[k].g = (double)hist[k].g * ig;
        stat[k].h = (double)hist[k].h * ih;
        stat[k].n = (double)hist[k].n;
    }
    return 1;
}

/* Whether candidate a beats b: a larger gain, or the same gain on a lower feature (the
 * serial scan's first maximum, whatever the order the threads met them in); -inf and NaN
 * never win. */
static int beats(const st__gbdt_split *a, const st__gbdt_split *b)
{
    return a->gain > b->gain || (a->gain == b->gain && a->gain > -INFINITY &&
                                 a->feature < b->feature);
}

void st__gbdt_best_split(const st__gbdt_bins *b, const uint8_t *use,
                         const st__gbdt_hist_cell *cells, const int64_t *total, int scale_g,
                         int scale_h, st__gbdt_bin_stat *hist, double g, double h, double n,
                         const st_gbdt_params *prm, const st__gbdt_mono *mono,
                         st__gbdt_split *per_feature, int nt, st__gbdt_split *best)
{
    (void)per_feature; /* (each thread keeps its own best instead: wide data made the
                          n_features candidates' stores and the serial scan cost more
                          than the search) */
    const long nf = (long)b->n_features;
    const double ig = ldexp(1, -scale_g), ih = ldexp(1, -scale_h);
    /* chunks of features: a few per thread and round, not thousands of tiny ones */
    const long chunk = nf / (16L * (nt > 0 ? nt : 1)) > 4 ? nf / (16L * (nt > 0 ? nt : 1)) : 4;
    best->gain = -INFINITY;
    best->feature = -1;
#pragma omp parallel num_threads(nt) if (b->total_bins >= 8192 && nt > 1)
    {
        st__gbdt_split mine = {.gain = -INFINITY, .feature = -1}, cand;
#pragma omp for schedule(dynamic, chunk) nowait
        for (long j = 0; j < nf; j++) {
            /* (a bundled feature with every row of the leaf at its default bin has no
               valid split: most of them, in the deeper leaves) */
            if ((use != NULL && !use[j]) ||
                !feature_stat(b, (size_t)j, cells, total, ig, ih, hist))
                continue;
            if (b->is_cat != NULL && b->is_cat[j])
                st__gbdt_split_categorical(hist + b->offset[j], b->n_bins[j], (int)j, g, h, n,
                                           prm, &cand);
            else
                feature_split(hist + b->offset[j], b->n_bins[j], (int)j, g, h, n, prm, mono,
                              &cand);
            if (beats(&cand, &mine))
                mine = cand;
        }
#pragma omp critical(st__gbdt_best_split)
        if (beats(&mine, best))
            *best = mine;
    }
}
