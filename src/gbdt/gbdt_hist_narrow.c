/* Gradient-boosted trees: histograms in 16-byte cells (gbdt_hist.h, narrow cells). The
 * same walk as gbdt_hist.c's kernel, a row's codes read once and the row added to every
 * feature asked for, but a row adds one pair of 64-bit lanes, (g, (h << count_bits) + 1),
 * to a cell of 16 bytes rather than (g, h, 1, 0) to a cell of 32: the Hessian sum and the
 * row count share a word, the count in its low count_bits bits (LightGBM's cells are 16
 * bytes too, a pair of doubles, with the count estimated from the Hessian; here it stays
 * exact). A 28-feature histogram of 255 bins is then 114 KB instead of 229 KB, twice as
 * much of it in level 1, and its additions 128-bit instead of 256-bit. The Hessians'
 * fixed-point scale leaves room for the count (st__gbdt_fixed_scale_counted): the sums
 * never carry into the Hessian bits, so unpacking gives exactly the wide kernel's cells. */
#include "gbdt_bins.h"
#include "gbdt_hist.h"

#include <string.h>

#include "core/vector_clones.h"

/* Rows ahead whose codes and gradients are prefetched (as gbdt_hist.c). */
#define PREFETCH_AHEAD 16
/* Features per pass over the rows whose offsets are kept in a local array. */
#define FEATS_CHUNK 256

/* A narrow cell as one value of two uint64 lanes (GCC's vector extension): one 128-bit
 * load, addition and store per (row, feature). Lanes unsigned: the cells of columns that
 * are not live may wrap (gbdt_hist.h), and the Hessian word is a sum of shifted values. */
typedef uint64_t cell2 __attribute__((vector_size(16), aligned(8), may_alias));

/* The feature loops are unrolled 4 times: GCC does not unroll at -O2, and the loop's own
 * counter, compare and branch were 3 of its 9 instructions per (row, feature). */

#define DEFINE_NARROW_HIST(NAME, T)                                                       \
    ST__VECTOR_CLONES                                                                     \
    static void NAME(const T *codes, size_t nf, const uint32_t *feats, const uint32_t *off,  \
                     size_t n_feats, const uint32_t *rows, size_t r0, size_t r1,          \
                     const st__gbdt_gh *gh, int cb, st__gbdt_hist_cell16 *nw)             \
    {                                                                                     \
        const int all = n_feats == nf; /* then feats[k] = k */                            \
        for (size_t r = r0; r < r1; r++) {                                                \
            if (rows != NULL && r + PREFETCH_AHEAD < r1) {                                \
                const size_t ia = rows[r + PREFETCH_AHEAD];                               \
                __builtin_prefetch(codes + ia * nf);                                      \
                __builtin_prefetch(codes + ia * nf + nf - 1); /* (a row across 2 lines) */ \
                __builtin_prefetch(gh + ia);                                              \
            }                                                                             \
            const size_t i = rows != NULL ? rows[r] : r;                                  \
            const T *c = codes + i * nf;                                                  \
            const cell2 v = {(uint64_t)gh[i].g, ((uint64_t)gh[i].h << cb) + 1};           \
            if (all) {                                                                    \
                _Pragma("GCC unroll 4")                                                   \
                for (size_t k = 0; k < n_feats; k++)                                      \
                    *(cell2 *)(void *)&nw[off[k] + c[k]] += v;                            \
            } else {                                                                      \
                _Pragma("GCC unroll 4")                                                   \
                for (size_t k = 0; k < n_feats; k++)                                      \
                    *(cell2 *)(void *)&nw[off[k] + c[feats[k]]] += v;                     \
            }                                                                             \
        }                                                                                 \
    }
DEFINE_NARROW_HIST(narrow_hist_u8, uint8_t)
DEFINE_NARROW_HIST(narrow_hist_u16, uint16_t)

void st__gbdt_hist_build_narrow(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                                const uint32_t *rows, size_t r0, size_t r1,
                                const st__gbdt_gh *gh, int count_bits,
                                st__gbdt_hist_cell16 *nw, st__gbdt_hist_cell *hist,
                                const size_t *live, size_t n_live)
{
    /* the cells to fill: the live ranges, or every column's */
    const size_t n_rng = live != NULL ? n_live : n_feats;
#define RNG_LO(q) (live != NULL ? live[2 * (q)] : st__gbdt_col_begin(b, feats[q]))
#define RNG_HI(q) (live != NULL ? live[2 * (q) + 1] : st__gbdt_col_end(b, feats[q]))
    for (size_t q = 0; q < n_rng; q++)
        memset(nw + RNG_LO(q), 0, (RNG_HI(q) - RNG_LO(q)) * sizeof *nw);
    const size_t nf = st__gbdt_code_stride(b);
    uint32_t off[FEATS_CHUNK];
    for (size_t f0 = 0; f0 < n_feats; f0 += FEATS_CHUNK) {
        const size_t m = n_feats - f0 < FEATS_CHUNK ? n_feats - f0 : FEATS_CHUNK;
        for (size_t k = 0; k < m; k++)
            off[k] = (uint32_t)st__gbdt_col_begin(b, feats[f0 + k]);
        if (b->wide)
            narrow_hist_u16(b->codes16, nf, feats + f0, off, m, rows, r0, r1, gh, count_bits,
                            nw);
        else
            narrow_hist_u8(b->codes, nf, feats + f0, off, m, rows, r0, r1, gh, count_bits, nw);
    }
    const uint64_t nmask = ((uint64_t)1 << count_bits) - 1;
    for (size_t q = 0; q < n_rng; q++)
        for (size_t k = RNG_LO(q); k < RNG_HI(q); k++)
            hist[k] = (st__gbdt_hist_cell){nw[k].g, (int64_t)(nw[k].hn >> count_bits),
                                           (int64_t)(nw[k].hn & nmask), 0};
#undef RNG_LO
#undef RNG_HI
}
