/* Internal: quantized-gradient training of boosted trees (Shi et al., "Quantized Training
 * of Gradient Boosting Decision Trees", NeurIPS 2022; LightGBM's use_quantized_grad).
 * Each tree's gradients and Hessians are rounded to a few integer levels (gbdt_quant.c),
 * the split search runs on histograms of those levels, and the leaf values are then
 * renewed from the full-precision gradients of each leaf's rows.
 *
 * A row's levels and its count travel as one 64-bit word (the packed word): the count in
 * the low bits, the Hessian level above it, the signed gradient level in the top bits.
 * Adding the words of rows adds the three fields at once, without a carry from one field
 * into the next while the rows are at most layout.max_rows (the Hessian and the count are
 * never negative, and a negative gradient's borrow runs off the top of the word), so a
 * histogram of packed words is built with one 64-bit addition per (row, feature), in cells
 * of 8 bytes rather than 32 (gbdt_hist_packed.c), and then unpacked into ordinary cells.
 * Beyond max_rows rows (a segment of a leaf: gbdt_grow.c) the ordinary 32-byte cells are
 * built from the same levels: the sums, hence the model, are the same either way.
 * (LightGBM keeps 16-bit (g, h) pairs in small leaves and 32-bit ones in larger leaves, and
 * estimates a leaf's row count from its Hessian sum; the count here is exact, so
 * min_data_in_leaf means what it means in full precision, and a word holds the sums of up
 * to about a million rows at the default 4 levels (max_rows = 2^20 - 1).) */
#ifndef STRATUM_GBDT_QUANT_H
#define STRATUM_GBDT_QUANT_H

#include "gbdt_hist.h"

/* Where the fields of a packed word are: the count in bits [0, shift_h), the Hessian
 * level in [shift_h, shift_g), the gradient level, two's complement, in [shift_g, 64). */
typedef struct st__gbdt_quant_layout {
    int shift_h, shift_g;
    uint64_t max_rows; /* the most rows whose words sum without a carry between fields */
} st__gbdt_quant_layout;

/* The layout for `bins` levels (gradients in [-ceil(bins/2), ceil(bins/2)], Hessians in
 * [0, bins]) that holds the most rows: the largest k with k count bits, then enough bits
 * for (2^k - 1) Hessians of `bins` and (2^k - 1) gradients of ceil(bins/2) plus a sign,
 * within 64 bits; max_rows = 2^k - 1 (gbdt_quant.c). bins in [2, 1024]. */
st__gbdt_quant_layout st__gbdt_quant_layout_for(int bins);

/* A row's packed word: levels g and h, count 1. */
static inline uint64_t st__gbdt_quant_pack(int64_t g, int64_t h, const st__gbdt_quant_layout *lay)
{
    return ((uint64_t)g << lay->shift_g) + ((uint64_t)h << lay->shift_h) + 1;
}

/* The sums of g, h and the count held in the sum x of at most max_rows packed words. */
static inline st__gbdt_hist_cell st__gbdt_quant_unpack(uint64_t x, const st__gbdt_quant_layout *lay)
{
    const int gb = 64 - lay->shift_g; /* gradient bits */
    const uint64_t top = x >> lay->shift_g;
    const int64_t g = top >> (gb - 1) ? -(int64_t)(((uint64_t)1 << gb) - top) : (int64_t)top;
    const uint64_t hmask = ((uint64_t)1 << (lay->shift_g - lay->shift_h)) - 1;
    const uint64_t nmask = ((uint64_t)1 << lay->shift_h) - 1;
    return (st__gbdt_hist_cell){g, (int64_t)((x >> lay->shift_h) & hmask),
                                (int64_t)(x & nmask), 0};
}

/* The columns feats[0..n_feats) of plain codes (b without bundles: b->col_of and
 * b->bundle_row NULL) over rows[r0..r1) (rows NULL: rows r0..r1-1), at most max_rows of
 * them, from the packed words `packed` (indexed by row): summed into pw (total_bins
 * words of scratch), then unpacked into hist, over the live cells live[0..n_live) (as
 * st__gbdt_hist_build_live) or, with live NULL, every cell of the columns. hist's cells
 * are overwritten, not added to: the result equals st__gbdt_hist_build_live's on the
 * levels (gbdt_hist_packed.c). */
void st__gbdt_hist_build_packed(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                                const uint32_t *rows, size_t r0, size_t r1,
                                const uint64_t *packed, uint64_t *pw, st__gbdt_hist_cell *hist,
                                const size_t *live, size_t n_live,
                                const st__gbdt_quant_layout *lay);

#endif
