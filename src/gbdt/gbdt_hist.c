/* Gradient-boosted trees: histograms of gradient, Hessian and row count per bin (LightGBM
 * src/treelearner/feature_histogram.hpp, Ke et al., "LightGBM", NIPS 2017, Alg. 1).
 * The gradients and Hessians come in fixed point (gbdt_fixed.c), so a bin's sums are the
 * same whatever order its rows are added in. The rows are split into one contiguous block
 * per thread; a thread walks its rows in order, reads each row's codes (one cache line,
 * the codes being row-major) and adds the row to the histogram of every feature asked
 * for, its own histogram; the threads' histograms are then added up. Only the smaller
 * child of a split is built this way; the larger one is its parent's histogram minus the
 * smaller's (the subtraction trick, same paper, 4.1), exactly. Bundles of sparse
 * features are added from their rows' non-zero codes only (sparse_hist), and a leaf's
 * histogram is zeroed and updated over its live cells only (gbdt_grow_cells.c). */
#include "gbdt_bins.h"
#include "gbdt_hist.h"

#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "core/vector_clones.h"

/* Below this many (row, feature) pairs a leaf is built on one thread. */
#define HIST_PARALLEL_MIN 262144
/* Rows ahead whose codes are prefetched when walking a leaf's rows (XGBoost's
 * kPrefetchOffset). */
#define PREFETCH_AHEAD 16

/* A cell as one value of four int64 lanes (GCC's vector extension): adding a row is one
 * load, one vector addition and one store, in the AVX2 clone a single 256-bit each,
 * where three separate read-modify-writes of g, h and n made the kernel bound by stores.
 * The type asks for 8-byte alignment only; the trainer puts its histograms on cache
 * lines, so that no cell straddles two. */
typedef int64_t cell_vec __attribute__((vector_size(32), aligned(8), may_alias));
/* The same in unsigned lanes, for adding rows into cells that may be no feature's live
 * cells (st__gbdt_hist_build_live): those are never read, and may wrap. */
typedef uint64_t cell_uvec __attribute__((vector_size(32), aligned(8), may_alias));

/* Adds the row (codes c, lanes v = (g, h, 1, 0)) to the bins of feature k at
 * hist[off[k] + code]: the k-th feature of the row when all features are asked for, else
 * feature feats[k]. */
#define ADD_ROW(CODE_OF_K)                                                                \
    for (size_t k = 0; k < n_feats; k++)                                                  \
        *(cell_uvec *)(void *)&hist[off[k] + (CODE_OF_K)] += v;

/* Columns feats[0..n_feats) over rows[r0..r1) (rows NULL: rows r0..r1-1) added into
 * hist (zeroed by the caller); off[k] is the first cell of column feats[k]. A leaf's rows
 * are scattered over the data: the codes and gradients of the row PREFETCH_AHEAD rows on
 * are asked for in advance, since the work of one row (a few dozen cells) is too short
 * for the processor to reach the next rows' loads by itself. One version per code type T
 * (uint8_t, or uint16_t for more than 255 bins). Without bundles, code k of column j is
 * cell off[j] + k; with them (TAB), cell tab[j][k]. */
#define DEFINE_BLOCK_HIST(NAME, T, CELL)                                                  \
    ST__VECTOR_CLONES                                                                     \
    static void NAME(const st__gbdt_bins *b, const T *codes, const uint32_t *feats,       \
                     const uint32_t *off, const uint32_t *const *tab, size_t n_feats,     \
                     const uint32_t *rows, size_t r0, size_t r1, const st__gbdt_gh *gh,   \
                     st__gbdt_hist_cell *hist)                                            \
    {                                                                                     \
        const size_t nf = st__gbdt_code_stride(b);                                        \
        const int all = n_feats == nf; /* then feats[k] = k */                            \
        (void)tab;                                                                        \
        for (size_t r = r0; r < r1; r++) {                                                \
            if (rows != NULL && r + PREFETCH_AHEAD < r1) {                                \
                const size_t ia = rows[r + PREFETCH_AHEAD];                               \
                __builtin_prefetch(codes + ia * nf);                                      \
                __builtin_prefetch(gh + ia);                                              \
            }                                                                             \
            const size_t i = rows != NULL ? rows[r] : r;                                  \
            const T *c = codes + i * nf;                                                  \
            const cell_uvec v = {(uint64_t)gh[i].g, (uint64_t)gh[i].h, 1, 0};              \
            if (all) {                                                                    \
                ADD_ROW(CELL(c[k]))                                                       \
            } else {                                                                      \
                ADD_ROW(CELL(c[feats[k]]))                                                \
            }                                                                             \
        }                                                                                 \
    }
#define PLAIN_CELL_REL(CODE) (CODE)
/* (ADD_ROW adds to hist[off[k] + X]: the table versions pass X = cell - off[k]) */
#define TABLE_CELL_REL(CODE) (tab[k][CODE] - off[k])
DEFINE_BLOCK_HIST(block_hist_u8, uint8_t, PLAIN_CELL_REL)
DEFINE_BLOCK_HIST(block_hist_u16, uint16_t, PLAIN_CELL_REL)
DEFINE_BLOCK_HIST(block_hist_tab_u8, uint8_t, TABLE_CELL_REL)
DEFINE_BLOCK_HIST(block_hist_tab_u16, uint16_t, TABLE_CELL_REL)

/* The bundles' non-zero codes of rows[r0..r1) (gbdt_bins.h, bundle_cell) added into
 * hist, one cell per non-zero, and every row into the total cell. Code 0 of a bundle
 * (every member at its default) is never added: no search reads it. */
ST__VECTOR_CLONES
static void sparse_hist(const st__gbdt_bins *b, const uint32_t *rows, size_t r0, size_t r1,
                        const st__gbdt_gh *gh, st__gbdt_hist_cell *hist)
{
    cell_uvec total = {0, 0, 0, 0};
    const size_t *ro = b->bundle_row;
    const uint32_t *cell = b->bundle_cell;
    for (size_t r = r0; r < r1; r++) {
        if (r + PREFETCH_AHEAD < r1) {
            const size_t ia = rows != NULL ? rows[r + PREFETCH_AHEAD] : r + PREFETCH_AHEAD;
            __builtin_prefetch(cell + ro[ia]);
            __builtin_prefetch(gh + ia);
        }
        const size_t i = rows != NULL ? rows[r] : r;
        const cell_uvec v = {(uint64_t)gh[i].g, (uint64_t)gh[i].h, 1, 0};
        total += v;
        for (size_t e = ro[i]; e < ro[i + 1]; e++)
            *(cell_uvec *)(void *)&hist[cell[e]] += v;
    }
    *(cell_uvec *)(void *)&hist[b->total_cell] += total;
}

static void block_hist(const st__gbdt_bins *b, const uint32_t *feats, const uint32_t *off,
                       const uint32_t *const *tab, size_t n_feats, const uint32_t *rows,
                       size_t r0, size_t r1, const st__gbdt_gh *gh, st__gbdt_hist_cell *hist)
{
    if (b->col_of != NULL && b->wide)
        block_hist_tab_u16(b, b->codes16, feats, off, tab, n_feats, rows, r0, r1, gh, hist);
    else if (b->col_of != NULL)
        block_hist_tab_u8(b, b->codes, feats, off, tab, n_feats, rows, r0, r1, gh, hist);
    else if (b->wide)
        block_hist_u16(b, b->codes16, feats, off, tab, n_feats, rows, r0, r1, gh, hist);
    else
        block_hist_u8(b, b->codes, feats, off, tab, n_feats, rows, r0, r1, gh, hist);
}

/* Features per call whose offsets are kept in a local array. */
#define FEATS_CHUNK 256

/* With bundles kept sparse: the single columns among cols[0..n_cols) from the codes, a
 * chunk at a time, then the bundles (all of them) and the total from the non-zeros. */
static void sparse_build(const st__gbdt_bins *b, const uint32_t *cols, size_t n_cols,
                         const uint32_t *rows, size_t r0, size_t r1, const st__gbdt_gh *gh,
                         st__gbdt_hist_cell *hist)
{
    uint32_t fk[FEATS_CHUNK], off[FEATS_CHUNK];
    const uint32_t *tab[FEATS_CHUNK];
    size_t m = 0;
    for (size_t k = 0; k <= n_cols; k++) {
        if (m == FEATS_CHUNK || (k == n_cols && m > 0)) {
            block_hist(b, fk, off, tab, m, rows, r0, r1, gh, hist);
            m = 0;
        }
        if (k == n_cols || cols[k] >= b->n_single)
            continue;
        fk[m] = cols[k];
        off[m] = (uint32_t)b->col_off[cols[k]];
        tab[m++] = b->code_cell + b->code_off[cols[k]];
    }
    sparse_hist(b, rows, r0, r1, gh, hist);
}

static void hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                       const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                       st__gbdt_hist_cell *hist, st__gbdt_hist_cell *work, int nt,
                       const size_t *live, size_t n_live)
{
    const int blocks = (double)n * (double)n_feats >= HIST_PARALLEL_MIN && nt > 1 &&
                       work != NULL ? nt : 1;
    const size_t stride = st__gbdt_hist_stride(b); /* (between the threads' histograms) */
    /* one block per iteration rather than per thread number, so that every row is added
       even when the runtime grants fewer threads than asked for */
#pragma omp parallel for num_threads(blocks) schedule(static, 1) if (blocks > 1)
    for (int t = 0; t < blocks; t++) {
        st__gbdt_hist_cell *own = t == 0 ? hist : work + (size_t)(t - 1) * stride;
        const size_t r0 = n * (size_t)t / (size_t)blocks;
        const size_t r1 = n * ((size_t)t + 1) / (size_t)blocks;
        uint32_t off[FEATS_CHUNK];
        const uint32_t *tab[FEATS_CHUNK];
        if (live == NULL) {
            for (size_t k = 0; k < n_feats; k++) {
                const size_t c0 = st__gbdt_col_begin(b, feats[k]);
                memset(own + c0, 0, (st__gbdt_col_end(b, feats[k]) - c0) * sizeof *own);
            }
            if (b->bundle_row != NULL)
                memset(own + b->total_cell, 0, sizeof *own);
        }
        else /* (mostly a few cells a range: stores rather than memset calls) */
            for (size_t q = 0; q < n_live; q++)
                for (size_t k = live[2 * q]; k < live[2 * q + 1]; k++)
                    *(cell_uvec *)(void *)&own[k] = (cell_uvec){0, 0, 0, 0};
        /* (more features than a chunk: a chunk at a time, each over all the rows) */
        if (b->bundle_row == NULL)
            for (size_t f0 = 0; f0 < n_feats; f0 += FEATS_CHUNK) {
                const size_t m = n_feats - f0 < FEATS_CHUNK ? n_feats - f0 : FEATS_CHUNK;
                for (size_t k = 0; k < m; k++) {
                    off[k] = (uint32_t)st__gbdt_col_begin(b, feats[f0 + k]);
                    tab[k] = b->col_of != NULL ? b->code_cell + b->code_off[feats[f0 + k]]
                                               : NULL;
                }
                block_hist(b, feats + f0, off, tab, m, rows, r0, r1, gh, own);
            }
        else
            sparse_build(b, feats, n_feats, rows, r0, r1, gh, own);
    }
    for (int t = 1; t < blocks; t++)
        st__gbdt_hist_add(b, feats, n_feats, hist, work + (size_t)(t - 1) * stride);
}

void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                         st__gbdt_hist_cell *hist, st__gbdt_hist_cell *work, int nt)
{
    hist_build(b, feats, n_feats, rows, n, gh, hist, work, nt, NULL, 0);
}

void st__gbdt_hist_build_live(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                              const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                              st__gbdt_hist_cell *hist, const size_t *live, size_t n_live)
{
    hist_build(b, feats, n_feats, rows, n, gh, hist, NULL, 1, live, n_live);
}

void st__gbdt_hist_add_live(st__gbdt_hist_cell *dst, const st__gbdt_hist_cell *src,
                            const size_t *live, size_t n_live)
{
    for (size_t q = 0; q < n_live; q++)
        for (size_t k = live[2 * q]; k < live[2 * q + 1]; k++)
            *(cell_uvec *)(void *)&dst[k] += *(const cell_uvec *)(const void *)&src[k];
}

void st__gbdt_hist_subtract_live(st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child,
                                 const size_t *live, size_t n_live)
{
    for (size_t q = 0; q < n_live; q++)
        for (size_t k = live[2 * q]; k < live[2 * q + 1]; k++)
            *(cell_uvec *)(void *)&parent[k] -= *(const cell_uvec *)(const void *)&child[k];
}

void st__gbdt_hist_add(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                       st__gbdt_hist_cell *dst, const st__gbdt_hist_cell *src)
{
    if (b->bundle_row != NULL)
        *(cell_uvec *)(void *)&dst[b->total_cell] +=
            *(const cell_uvec *)(const void *)&src[b->total_cell];
    for (size_t f = 0; f < n_feats; f++) {
        const size_t k0 = st__gbdt_col_begin(b, feats[f]), k1 = st__gbdt_col_end(b, feats[f]);
        for (size_t k = k0; k < k1; k++)
            *(cell_vec *)(void *)&dst[k] += *(const cell_vec *)(const void *)&src[k];
    }
}

void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child)
{
    if (b->bundle_row != NULL)
        *(cell_uvec *)(void *)&parent[b->total_cell] -=
            *(const cell_uvec *)(const void *)&child[b->total_cell];
    for (size_t f = 0; f < n_feats; f++) {
        const size_t k0 = st__gbdt_col_begin(b, feats[f]), k1 = st__gbdt_col_end(b, feats[f]);
        for (size_t k = k0; k < k1; k++)
            *(cell_vec *)(void *)&parent[k] -= *(const cell_vec *)(const void *)&child[k];
    }
}

void st__gbdt_hist_to_stat(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                           const st__gbdt_hist_cell *hist, int scale_g, int scale_h,
                           st__gbdt_bin_stat *stat)
{
    const double ig = ldexp(1, -scale_g), ih = ldexp(1, -scale_h);
    for (size_t f = 0; f < n_feats; f++) {
        const size_t k0 = st__gbdt_col_begin(b, feats[f]), k1 = st__gbdt_col_end(b, feats[f]);
        for (size_t k = k0; k < k1; k++) {
            stat[k].g = (double)hist[k].g * ig;
            stat[k].h = (double)hist[k].h * ih;
            stat[k].n = (double)hist[k].n;
        }
    }
}
