/* Gradient-boosted trees: histograms of gradient, Hessian and row count per bin (LightGBM
 * src/treelearner/feature_histogram.hpp, Ke et al., "LightGBM", NIPS 2017, Alg. 1).
 * The gradients and Hessians come in fixed point (gbdt_fixed.c), so a bin's sums are the
 * same whatever order its rows are added in. The rows are split into one contiguous block
 * per thread; a thread walks its rows in order, reads each row's codes (one cache line,
 * the codes being row-major) and adds the row to the histogram of every feature asked
 * for, its own histogram; the threads' histograms are then added up. Only the smaller
 * child of a split is built this way; the larger one is its parent's histogram minus the
 * smaller's (the subtraction trick, same paper, 4.1), exactly. */
#include "gbdt_impl.h"

#include <math.h>
#include <string.h>

#include "parallel.h"

/* Below this many (row, feature) pairs a leaf is built on one thread. */
#define HIST_PARALLEL_MIN 262144
/* Rows ahead whose codes are prefetched when walking a leaf's rows (XGBoost's
 * kPrefetchOffset). */
#define PREFETCH_AHEAD 16

/* Features feats[0..n_feats) over rows[r0..r1) (rows NULL: rows r0..r1-1) into hist,
 * zeroed first. One version per code type T (uint8_t, or uint16_t for more than 255
 * bins). */
#define DEFINE_BLOCK_HIST(NAME, T)                                                        \
    static void NAME(const st__gbdt_bins *b, const T *codes, const uint32_t *feats,       \
                     size_t n_feats, const uint32_t *rows, size_t r0, size_t r1,          \
                     const int64_t *qg, const int64_t *qh, st__gbdt_hist_cell *hist)      \
    {                                                                                     \
        const size_t nf = b->n_features;                                                  \
        for (size_t k = 0; k < n_feats; k++)                                              \
            memset(hist + b->offset[feats[k]], 0,                                         \
                   ((size_t)b->n_bins[feats[k]] + 1) * sizeof *hist);                     \
        for (size_t r = r0; r < r1; r++) {                                                \
            if (rows != NULL && r + PREFETCH_AHEAD < r1)                                  \
                __builtin_prefetch(codes + (size_t)rows[r + PREFETCH_AHEAD] * nf);        \
            const size_t i = rows != NULL ? rows[r] : r;                                  \
            const T *c = codes + i * nf;                                                  \
            const int64_t gi = qg[i], hi = qh[i];                                         \
            for (size_t k = 0; k < n_feats; k++) {                                        \
                const uint32_t j = feats[k];                                              \
                st__gbdt_hist_cell *s = &hist[b->offset[j] + c[j]];                       \
                s->g += gi;                                                               \
                s->h += hi;                                                               \
                s->n += 1;                                                                \
            }                                                                             \
        }                                                                                 \
    }
DEFINE_BLOCK_HIST(block_hist_u8, uint8_t)
DEFINE_BLOCK_HIST(block_hist_u16, uint16_t)

static void block_hist(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                       const uint32_t *rows, size_t r0, size_t r1, const int64_t *qg,
                       const int64_t *qh, st__gbdt_hist_cell *hist)
{
    if (b->wide)
        block_hist_u16(b, b->codes16, feats, n_feats, rows, r0, r1, qg, qh, hist);
    else
        block_hist_u8(b, b->codes, feats, n_feats, rows, r0, r1, qg, qh, hist);
}

void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const int64_t *qg, const int64_t *qh,
                         st__gbdt_hist_cell *hist, st__gbdt_hist_cell *work, int nt)
{
    const int blocks = (double)n * (double)n_feats >= HIST_PARALLEL_MIN && nt > 1 &&
                       work != NULL ? nt : 1;
#pragma omp parallel for num_threads(blocks) schedule(static, 1) if (blocks > 1)
    for (int t = 0; t < blocks; t++)
        block_hist(b, feats, n_feats, rows, n * (size_t)t / (size_t)blocks,
                   n * ((size_t)t + 1) / (size_t)blocks, qg, qh,
                   t == 0 ? hist : work + (size_t)(t - 1) * b->total_bins);
    for (int t = 1; t < blocks; t++) {
        const st__gbdt_hist_cell *w = work + (size_t)(t - 1) * b->total_bins;
        for (size_t f = 0; f < n_feats; f++) {
            const size_t k0 = b->offset[feats[f]], k1 = b->offset[feats[f] + 1];
            for (size_t k = k0; k < k1; k++) {
                hist[k].g += w[k].g;
                hist[k].h += w[k].h;
                hist[k].n += w[k].n;
            }
        }
    }
}

void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child)
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

void st__gbdt_hist_to_stat(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                           const st__gbdt_hist_cell *hist, int scale_g, int scale_h,
                           st__gbdt_bin_stat *stat)
{
    const double ig = ldexp(1, -scale_g), ih = ldexp(1, -scale_h);
    for (size_t f = 0; f < n_feats; f++) {
        const size_t k0 = b->offset[feats[f]], k1 = b->offset[feats[f] + 1];
        for (size_t k = k0; k < k1; k++) {
            stat[k].g = (double)hist[k].g * ig;
            stat[k].h = (double)hist[k].h * ih;
            stat[k].n = (double)hist[k].n;
        }
    }
}
