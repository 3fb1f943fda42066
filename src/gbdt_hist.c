/* Gradient-boosted trees: histograms of gradient, Hessian and row count per bin (LightGBM
 * src/treelearner/feature_histogram.hpp, Ke et al., "LightGBM", NIPS 2017, Alg. 1).
 * A leaf's gradients are first gathered into row order ("ordered gradients"). The
 * features are then split into one contiguous group per thread; a thread walks the rows
 * in order, reads each row's codes (one cache line, the codes being row-major) and adds
 * the row to the histogram of each feature of its group. Every feature's histogram is so
 * summed in row order by one thread, whatever the thread count, which keeps models
 * identical. Only the smaller child of a split is built this way; the larger one is its
 * parent's histogram minus the smaller's (the subtraction trick, same paper, 4.1). */
#include "gbdt_impl.h"

#include <string.h>

#include "parallel.h"

/* Below this many (row, feature) pairs a leaf is built on one thread. */
#define HIST_PARALLEL_MIN 262144
/* Rows ahead whose codes are prefetched when gathering (XGBoost's kPrefetchOffset). */
#define PREFETCH_AHEAD 16

/* Features feats[k0..k1) over a leaf's rows; g, h in the order of rows (rows NULL: all).
 * One version per code type T (uint8_t, or uint16_t for more than 255 bins). */
#define DEFINE_GROUP_HIST(NAME, T)                                                        \
    static void NAME(const st__gbdt_bins *b, const T *codes, const uint32_t *feats,       \
                     size_t k0, size_t k1, const uint32_t *rows, size_t n,                \
                     const double *g, const double *h, st__gbdt_bin_stat *hist)           \
    {                                                                                     \
        const size_t nf = b->n_features;                                                  \
        for (size_t k = k0; k < k1; k++)                                                  \
            memset(hist + b->offset[feats[k]], 0,                                         \
                   ((size_t)b->n_bins[feats[k]] + 1) * sizeof *hist);                     \
        for (size_t r = 0; r < n; r++) {                                                  \
            if (rows != NULL && r + PREFETCH_AHEAD < n)                                   \
                __builtin_prefetch(codes + (size_t)rows[r + PREFETCH_AHEAD] * nf);        \
            const T *c = codes + (rows != NULL ? (size_t)rows[r] : r) * nf;               \
            const double gr = g[r], hr = h[r];                                            \
            for (size_t k = k0; k < k1; k++) {                                            \
                const uint32_t j = feats[k];                                              \
                st__gbdt_bin_stat *s = &hist[b->offset[j] + c[j]];                        \
                s->g += gr;                                                               \
                s->h += hr;                                                               \
                s->n += 1;                                                                \
            }                                                                             \
        }                                                                                 \
    }
DEFINE_GROUP_HIST(group_hist_u8, uint8_t)
DEFINE_GROUP_HIST(group_hist_u16, uint16_t)

static void group_hist(const st__gbdt_bins *b, const uint32_t *feats, size_t k0, size_t k1,
                       const uint32_t *rows, size_t n, const double *g, const double *h,
                       st__gbdt_bin_stat *hist)
{
    if (b->wide)
        group_hist_u16(b, b->codes16, feats, k0, k1, rows, n, g, h, hist);
    else
        group_hist_u8(b, b->codes, feats, k0, k1, rows, n, g, h, hist);
}

void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const double *g, const double *h,
                         double *og, double *oh, st__gbdt_bin_stat *hist, int nt)
{
    const int par = (double)n * (double)n_feats >= HIST_PARALLEL_MIN && nt > 1;
    if (rows != NULL) {
        const long nn = (long)n;
#pragma omp parallel for num_threads(nt) schedule(static) if (par)
        for (long r = 0; r < nn; r++) {
            og[r] = g[rows[r]];
            oh[r] = h[rows[r]];
        }
        g = og;
        h = oh;
    }
    const int groups = par ? (nt < (int)n_feats ? nt : (int)n_feats) : 1;
#pragma omp parallel for num_threads(groups) schedule(static, 1) if (groups > 1)
    for (int t = 0; t < groups; t++)
        group_hist(b, feats, n_feats * (size_t)t / (size_t)groups,
                   n_feats * ((size_t)t + 1) / (size_t)groups, rows, n, g, h, hist);
}

void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_bin_stat *parent, const st__gbdt_bin_stat *child)
{
    for (size_t f = 0; f < n_feats; f++) {
        const size_t k0 = b->offset[feats[f]], k1 = b->offset[feats[f] + 1];
        for (size_t k = k0; k < k1; k++) {
            parent[k].g -= child[k].g;
            parent[k].h -= child[k].h;
            parent[k].n -= child[k].n;
        }
    }
}
