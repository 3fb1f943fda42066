/* Internal: gradient/Hessian histograms of gradient-boosted trees in fixed point
 * (gbdt_hist.c). */
#ifndef STRATUM_GBDT_HIST_H
#define STRATUM_GBDT_HIST_H

#include "gbdt_bins.h"

/* ---- histograms (gbdt_hist.c) ---- */
/* A row's gradient times 2^scale_g and Hessian times 2^scale_h, rounded to integers
 * (gbdt_fixed.c); side by side, so that a row scattered in memory costs one cache line. */
typedef struct st__gbdt_gh {
    int64_t g, h;
} st__gbdt_gh;

/* A histogram bin in fixed point: the sums of its rows' st__gbdt_gh and their count.
 * Integer sums: the same in any order, and exact under subtraction. The fourth, unused
 * word makes a cell 32 bytes, so that adding a row to it is one 4-lane vector addition
 * of (g, h, 1, 0) rather than three separate read-modify-writes (gbdt_hist.c). */
typedef struct st__gbdt_hist_cell {
    int64_t g, h, n, unused;
} st__gbdt_hist_cell;

/* A histogram bin in 16 bytes (gbdt_hist_narrow.c): the sum of its rows' g, and in hn
 * the sum of their h shifted left by count_bits plus their count, which the low
 * count_bits bits hold. Exact while the Hessians' fixed-point scale leaves count_bits
 * bits free (st__gbdt_fixed_scale_counted, gbdt_train_core.h) and fewer than
 * 2^count_bits rows are summed. */
typedef struct st__gbdt_hist_cell16 {
    int64_t g;
    uint64_t hn;
} st__gbdt_hist_cell16;

/* A bin as the split search reads it: the sums back in doubles. */
typedef struct st__gbdt_bin_stat {
    double g, h, n; /* sums of gradient, Hessian and row count */
} st__gbdt_bin_stat;

/* Cells from one thread's histogram to the next in a scratch array of several
 * (st__gbdt_hist_build's work, the tree learner's segments): total_bins rounded up to a
 * multiple of 16 cells, so that two threads' histograms never share a cache line, nor
 * the pair of lines the hardware prefetches together. Without it a table of 2,638 cells
 * (the clinical benchmark's) put the first cells of the second thread's 16-byte
 * histogram, its first feature's, in the line of the first thread's last feature's:
 * both among the cells most rows add to, and 2 threads spent 2.4 times one thread's CPU
 * time in the histogram kernel. */
static inline size_t st__gbdt_hist_stride(const st__gbdt_bins *b)
{
    return (b->total_bins + 15) / 16 * 16;
}

/* The functions below work on columns of codes (gbdt_bins.h): features when nothing is
 * bundled, and feats[] lists columns.
 * hist[cells of the columns] = sums over rows[0..n) (all rows 0..n-1 when rows is NULL) of the
 * n_feats columns feats[0..n_feats), from the fixed-point gradients and Hessians gh
 * (indexed by row); other columns are left untouched, except with sparse bundles
 * (gbdt_bins.h): then every bundle's non-zeros are added, whether listed or not, and
 * the total cell is set (the rows' sums). work: (n_threads - 1) * st__gbdt_hist_stride
 * cells of scratch for the threads' own histograms (NULL: one thread). The
 * result does not depend on n_threads. */
void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                         st__gbdt_hist_cell *hist, st__gbdt_hist_cell *work, int n_threads);

/* Live cells: the growing tree reads, in a leaf's histogram, only the cells of the
 * features that may still split there (gbdt_grow.c); live[2q .. 2q+1] = [first cell, one
 * past the last) of n_live ranges. The _live functions below touch only those: the others
 * hold whatever the rows added to them (in unsigned arithmetic, wrapping), never read. */
/* As st__gbdt_hist_build on one thread, zeroing only the live cells of hist first. */
void st__gbdt_hist_build_live(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                              const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                              st__gbdt_hist_cell *hist, const size_t *live, size_t n_live);
/* dst[k] += src[k] over the live cells. */
void st__gbdt_hist_add_live(st__gbdt_hist_cell *dst, const st__gbdt_hist_cell *src,
                            const size_t *live, size_t n_live);
/* parent[k] -= child[k] over the live cells. */
void st__gbdt_hist_subtract_live(st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child,
                                 const size_t *live, size_t n_live);

/* As st__gbdt_hist_build_live on one thread, over rows[r0..r1) (rows NULL: rows r0..r1-1)
 * of the columns feats[0..n_feats) of plain codes (b without bundles: b->col_of and
 * b->bundle_row NULL), but summed in 16-byte cells (st__gbdt_hist_cell16, count_bits as
 * there) in nw (total_bins cells of scratch), then unpacked into hist over the live cells
 * live[0..n_live) or, with live NULL, every cell of the columns. hist's cells are
 * overwritten, not added to; the result equals st__gbdt_hist_build_live's
 * (gbdt_hist_narrow.c). */
void st__gbdt_hist_build_narrow(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                                const uint32_t *rows, size_t r0, size_t r1,
                                const st__gbdt_gh *gh, int count_bits,
                                st__gbdt_hist_cell16 *nw, st__gbdt_hist_cell *hist,
                                const size_t *live, size_t n_live);

/* dst[k] += src[k] for every bin of the features feats[0..n_feats) (and the total cell
 * when bundled: gbdt_bins.h). */
void st__gbdt_hist_add(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                       st__gbdt_hist_cell *dst, const st__gbdt_hist_cell *src);

/* parent[k] -= child[k] for every bin of the features feats[0..n_feats) (and the total
 * cell): the parent's histogram becomes the sibling's. (The bins of other features are
 * never read.) */
void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child);

/* stat[k] = hist[k] in doubles (g 2^-scale_g, h 2^-scale_h, n) for the bins of the
 * features feats[0..n_feats). */
void st__gbdt_hist_to_stat(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                           const st__gbdt_hist_cell *hist, int scale_g, int scale_h,
                           st__gbdt_bin_stat *stat);

#endif
