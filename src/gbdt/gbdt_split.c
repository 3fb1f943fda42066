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

/* st__gbdt_leaf_score with the L1 penalty l1 passed in: the scan below is inlined twice,
 * once with l1 the constant 0 (the default), where T(g) is g and the compiler drops the
 * thresholding (its absolute value, subtraction and two selections, twice per candidate
 * threshold). The same value either way: with l1 = 0, T(g) = g but for g = -0, whose
 * square is the same +0. */
static inline double score_l1(double g, double h, double l1, const st_gbdt_params *prm)
{
    const double t = l1 == 0 ? g : st__gbdt_threshold_l1(g, l1), d = h + prm->lambda_l2;
    return d > 0 ? t * t / d : 0;
}

/* One feature's best split into *best (gain -inf when none is valid). With monotone
 * constraints (mono not NULL), gains are those of the clamped outputs (gbdt_monotone.c).
 * l1: prm->lambda_l1 (see score_l1). */
static inline __attribute__((always_inline)) void
feature_scan(const st__gbdt_bin_stat *hs, int nb, int feature, double G, double H, double N,
             const st_gbdt_params *prm, double l1, const st__gbdt_mono *mono,
             st__gbdt_split *best)
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
                gain = score_l1(gl, hl, l1, prm) + score_l1(gr, hr, l1, prm) - parent;
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

static void feature_split(const st__gbdt_bin_stat *hs, int nb, int feature, double G,
                          double H, double N, const st_gbdt_params *prm,
                          const st__gbdt_mono *mono, st__gbdt_split *best)
{
    if (prm->lambda_l1 == 0)
        feature_scan(hs, nb, feature, G, H, N, prm, 0.0, mono, best);
    else
        feature_scan(hs, nb, feature, G, H, N, prm, prm->lambda_l1, mono, best);
}

/* feature_scan without monotone constraints, straight from a plain feature's integer cells
 * c[0..nb] (no bundle default to derive, not categorical): each cell's sums are turned
 * into doubles as st__gbdt_hist_to_stat would (the same products, so the same bits), and
 * thresholds past an empty bin are skipped. An empty bin leaves the left sums as they
 * were, so its threshold has the gain of the one before it, which the scan, keeping the
 * first of equal gains, would not take; threshold 1 is always scored, since before it
 * stands only the start of the scan. On a small leaf most of a feature's 255 bins are
 * empty: the split search was a third of the time of training on a few thousand rows. */
static inline __attribute__((always_inline)) void
cells_scan(const st__gbdt_hist_cell *c, int nb, int feature, double ig, double ih, double G,
           double H, double N, const st_gbdt_params *prm, double l1, st__gbdt_split *best)
{
    const double parent = st__gbdt_leaf_score(G, H, prm);
    const double min_n = prm->min_data_in_leaf, min_h = prm->min_sum_hessian_in_leaf;
    /* the best so far in scalars, the split written once at the end */
    double top = -INFINITY, tg = 0, th = 0, tn = 0;
    int top_t = 0, top_dl = 0;
    const int scans = c[0].n > 0 ? 2 : 1;
    for (int dl = 0; dl < scans; dl++) {
        double gl = dl ? (double)c[0].g * ig : 0, hl = dl ? (double)c[0].h * ih : 0;
        double nl = dl ? (double)c[0].n : 0;
        /* t = nb puts every present value left: a split only when missing goes right */
        const int last = dl == 0 && c[0].n > 0 ? nb : nb - 1;
        for (int t = 1; t <= last; t++) {
            if (c[t].n == 0 && t > 1)
                continue;
            gl += (double)c[t].g * ig;
            hl += (double)c[t].h * ih;
            nl += (double)c[t].n;
            if (nl < min_n || hl < min_h)
                continue;
            const double gr = G - gl, hr = H - hl, nr = N - nl;
            if (nr < min_n || hr < min_h)
                break; /* the right side only shrinks from here */
            const double gain = score_l1(gl, hl, l1, prm) + score_l1(gr, hr, l1, prm) - parent;
            if (gain > prm->min_gain_to_split && gain > top)
                top = gain, tg = gl, th = hl, tn = nl, top_t = t, top_dl = dl;
        }
    }
    if (top == -INFINITY) {
        best->gain = -INFINITY;
        best->feature = feature;
        return;
    }
    *best = (st__gbdt_split){.gain = top, .feature = feature, .bin = top_t,
                             .default_left = top_dl, .gl = tg, .hl = th, .nl = tn,
                             .gr = G - tg, .hr = H - th, .nr = N - tn};
}

static void cells_split(const st__gbdt_hist_cell *c, int nb, int feature, double ig,
                        double ih, double G, double H, double N, const st_gbdt_params *prm,
                        st__gbdt_split *best)
{
    if (prm->lambda_l1 == 0)
        cells_scan(c, nb, feature, ig, ih, G, H, N, prm, 0.0, best);
    else
        cells_scan(c, nb, feature, ig, ih, G, H, N, prm, prm->lambda_l1, best);
}

typedef int64_t cell_vec __attribute__((vector_size(32), aligned(8), may_alias));

/* Whether a bundled feature whose non-default rows in a leaf have count n and Hessian h
 * (fixed point, times ih) can split there or in any leaf below it: every split of it has
 * a side made of those rows only (gbdt_bundle.c), which must meet the leaf constraints.
 * The Hessian test leaves a margin far above the rounding of the scan's double sums, so
 * that it never drops a split the scan would take. */
static int may_split(int64_t n, int64_t h, double ih, double leaf_h, const st_gbdt_params *prm)
{
    const double min_h = prm->min_sum_hessian_in_leaf;
    return n >= (int64_t)prm->min_data_in_leaf &&
           (double)h * ih >= min_h - 1e-9 * (leaf_h + min_h);
}

/* Feature j's cells of hist into stat in doubles (as st__gbdt_hist_to_stat). A bundled
 * feature's default cell holds 0 (never coded): its value is the leaf's total minus the
 * feature's other cells, exact in fixed point (LightGBM's FixHistogram). Returns 0 when
 * the feature's non-default rows in the leaf cannot make a valid split (may_split), here
 * or below, else 1. */
static int feature_stat(const st__gbdt_bins *b, size_t j, const st__gbdt_hist_cell *hist,
                        const int64_t *total, double ig, double ih, double leaf_h,
                        const st_gbdt_params *prm, st__gbdt_bin_stat *stat)
{
    const size_t k0 = b->offset[j], nb = (size_t)b->n_bins[j];
    const unsigned d = b->default_bin != NULL ? b->default_bin[j] : 0;
    if (d != 0) {
        cell_vec own = {0, 0, 0, 0};
        for (size_t k = k0; k <= k0 + nb; k++)
            own += *(const cell_vec *)(const void *)&hist[k]; /* (the default cell: 0) */
        if (!may_split(own[2], own[1], ih, leaf_h, prm))
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

/* What the search of one leaf reads: the arguments of st__gbdt_best_split. */
typedef struct leaf_search {
    const st__gbdt_bins *b;
    const st__gbdt_hist_cell *cells;
    const int64_t *total;
    double ig, ih, g, h, n;
    const st_gbdt_params *prm;
    const st__gbdt_mono *mono;
    st__gbdt_bin_stat *hist;
} leaf_search;

/* Feature j's best split into *cand; returns keep (st__gbdt_best_split). */
static int feature_best(const leaf_search *ls, size_t j, st__gbdt_split *cand)
{
    const st__gbdt_bins *b = ls->b;
    const int cat = b->is_cat != NULL && b->is_cat[j];
    cand->gain = -INFINITY;
    cand->feature = (int)j;
    if (ls->mono == NULL && !cat && (b->default_bin == NULL || b->default_bin[j] == 0)) {
        cells_split(ls->cells + b->offset[j], b->n_bins[j], (int)j, ls->ig, ls->ih, ls->g,
                    ls->h, ls->n, ls->prm, cand);
        return 1; /* (as feature_stat says for a feature without a default bin) */
    }
    /* (a bundled feature with too few rows of the leaf off its default bin has no valid
       split: most of them, in the deeper leaves) */
    if (!feature_stat(b, j, ls->cells, ls->total, ls->ig, ls->ih, ls->h, ls->prm, ls->hist))
        return 0;
    if (cat)
        st__gbdt_split_categorical(ls->hist + b->offset[j], b->n_bins[j], (int)j, ls->g, ls->h,
                                   ls->n, ls->prm, cand);
    else
        feature_split(ls->hist + b->offset[j], b->n_bins[j], (int)j, ls->g, ls->h, ls->n,
                      ls->prm, ls->mono, cand);
    return 1;
}

void st__gbdt_best_split(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         uint8_t *keep, const st__gbdt_hist_cell *cells, const int64_t *total,
                         double ig, double ih, st__gbdt_bin_stat *hist, double g,
                         double h, double n, const st_gbdt_params *prm,
                         const st__gbdt_mono *mono, int nt, st__gbdt_split *best)
{
    const leaf_search ls = {b, cells, total, ig, ih, g, h, n, prm, mono, hist};
    const long nf = (long)n_feats;
    best->gain = -INFINITY;
    best->feature = -1;
    st__gbdt_split cand;
    if (!(nt > 1 && (n_feats >= 2048 || (b->col_of == NULL && b->total_bins >= 8192)))) {
        /* on this thread, outside any parallel region: even a region of one thread ends
           with a system call (libgomp wakes the team's barrier), and a small leaf's whole
           search costs about as much */
        for (long q = 0; q < nf; q++)
            if ((keep[q] = (uint8_t)feature_best(&ls, feats[q], &cand)) && beats(&cand, best))
                *best = cand;
        return;
    }
    /* chunks of features: a few per thread and round, not thousands of tiny ones; each
       thread keeps its own best (wide data made n_features candidates' stores and a
       serial scan of them cost more than the search) */
    const long chunk = nf / (16L * nt) > 4 ? nf / (16L * nt) : 4;
#pragma omp parallel num_threads(nt) private(cand)
    {
        st__gbdt_split mine = {.gain = -INFINITY, .feature = -1};
#pragma omp for schedule(dynamic, chunk) nowait
        for (long q = 0; q < nf; q++)
            if ((keep[q] = (uint8_t)feature_best(&ls, feats[q], &cand)) && beats(&cand, &mine))
                mine = cand;
#pragma omp critical(st__gbdt_best_split)
        if (beats(&mine, best))
            *best = mine;
    }
}
