/* Gradient-boosted trees: histograms of packed quantized gradients (gbdt_quant.h). The
 * same walk as gbdt_hist.c's kernel, a row's codes read once and the row added to every
 * feature asked for, but each addition is of one 64-bit word into a cell of 8 bytes: a
 * 28-feature histogram of 255 bins is 57 KB instead of 229 KB, and a row brings 8 bytes
 * of gradients instead of 16. */
#include "gbdt_bins.h"
#include "gbdt_quant.h"

#include <string.h>

/* Rows ahead whose codes and words are prefetched (as gbdt_hist.c). */
#define PREFETCH_AHEAD 16
/* Features per pass over the rows whose offsets are kept in a local array. */
#define FEATS_CHUNK 256

#define DEFINE_PACKED_HIST(NAME, T)                                                       \
    static void NAME(const T *codes, size_t nf, const uint32_t *feats, const uint32_t *off,  \
                     size_t n_feats, const uint32_t *rows, size_t r0, size_t r1,          \
                     const uint64_t *packed, uint64_t *pw)                                \
    {                                                                                     \
        const int all = n_feats == nf; /* then feats[k] = k */                            \
        for (size_t r = r0; r < r1; r++) {                                                \
            if (rows != NULL && r + PREFETCH_AHEAD < r1) {                                \
                const size_t ia = rows[r + PREFETCH_AHEAD];                               \
                __builtin_prefetch(codes + ia * nf);                                      \
                __builtin_prefetch(packed + ia);                                          \
            }                                                                             \
            const size_t i = rows != NULL ? rows[r] : r;                                  \
            const T *c = codes + i * nf;                                                  \
            const uint64_t v = packed[i];                                                 \
            if (all)                                                                      \
                for (size_t k = 0; k < n_feats; k++)                                      \
                    pw[off[k] + c[k]] += v;                                               \
            else                                                                          \
                for (size_t k = 0; k < n_feats; k++)                                      \
                    pw[off[k] + c[feats[k]]] += v;                                        \
        }                                                                                 \
    }
DEFINE_PACKED_HIST(packed_hist_u8, uint8_t)
DEFINE_PACKED_HIST(packed_hist_u16, uint16_t)

void st__gbdt_hist_build_packed(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                                const uint32_t *rows, size_t r0, size_t r1,
                                const uint64_t *packed, uint64_t *pw, st__gbdt_hist_cell *hist,
                                const size_t *live, size_t n_live,
                                const st__gbdt_quant_layout *lay)
{
    /* the cells to fill: the live ranges, or every column's */
    const size_t n_rng = live != NULL ? n_live : n_feats;
#define RNG_LO(q) (live != NULL ? live[2 * (q)] : st__gbdt_col_begin(b, feats[q]))
#define RNG_HI(q) (live != NULL ? live[2 * (q) + 1] : st__gbdt_col_end(b, feats[q]))
    for (size_t q = 0; q < n_rng; q++)
        memset(pw + RNG_LO(q), 0, (RNG_HI(q) - RNG_LO(q)) * sizeof *pw);
    const size_t nf = st__gbdt_code_stride(b);
    uint32_t off[FEATS_CHUNK];
    for (size_t f0 = 0; f0 < n_feats; f0 += FEATS_CHUNK) {
        const size_t m = n_feats - f0 < FEATS_CHUNK ? n_feats - f0 : FEATS_CHUNK;
        for (size_t k = 0; k < m; k++)
            off[k] = (uint32_t)st__gbdt_col_begin(b, feats[f0 + k]);
        if (b->wide)
            packed_hist_u16(b->codes16, nf, feats + f0, off, m, rows, r0, r1, packed, pw);
        else
            packed_hist_u8(b->codes, nf, feats + f0, off, m, rows, r0, r1, packed, pw);
    }
    for (size_t q = 0; q < n_rng; q++)
        for (size_t k = RNG_LO(q); k < RNG_HI(q); k++)
            hist[k] = st__gbdt_quant_unpack(pw[k], lay);
#undef RNG_LO
#undef RNG_HI
}
