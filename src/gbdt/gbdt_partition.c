/* Gradient-boosted trees: splitting a leaf's rows between its children (LightGBM
 * src/treelearner/data_partition.hpp). The partition is stable: each child keeps its rows
 * in increasing order. (The histograms, in fixed point, no longer need the order; the
 * out-of-bag walk and the tests read it, and it keeps the gathers cache-friendly.) Each
 * call runs on one thread: the grower gives each thread its own segment of a leaf's rows
 * (gbdt_grow.c). */
#include "gbdt_model.h"
#include "gbdt_bins.h"
#include "gbdt_split.h"

#include <string.h>

/* The partition over one feature's codes, of type T (uint8_t, or uint16_t for more than
 * 255 bins). */
#define DEFINE_PARTITION(NAME, T)                                                         \
    static size_t NAME(uint32_t *rows, size_t n, const T *codes, unsigned t, unsigned dl, \
                       uint32_t *scratch)                                                 \
    {                                                                                     \
        size_t nl = 0, nr = 0;                                                            \
        for (size_t i = 0; i < n; i++) {                                                  \
            const uint32_t r = rows[i];                                                   \
            const unsigned c = codes[r];                                                  \
            const unsigned left = c == 0 ? dl : c <= t;                                   \
            /* both stores happen; only one of the counters moves (branch-free) */        \
            rows[nl] = r;                                                                 \
            scratch[nr] = r;                                                              \
            nl += left;                                                                   \
            nr += 1u - left;                                                              \
        }                                                                                 \
        memcpy(rows + nl, scratch, nr * sizeof *rows);                                    \
        return nl;                                                                        \
    }
DEFINE_PARTITION(partition_u8, uint8_t)
DEFINE_PARTITION(partition_u16, uint16_t)

/* The first of er[p..ne) that is at least r (ne when none is), by galloping from p: the
 * rows of a leaf and a bundle's rows both increase, so each search starts where the
 * previous one ended and costs the log of the distance it moves. */
static size_t gallop(const uint32_t *er, size_t p, size_t ne, uint32_t r)
{
    if (p >= ne || er[p] >= r)
        return p;
    size_t step = 1;
    while (p + step < ne && er[p + step] < r)
        step *= 2;
    size_t lo = p + step / 2 + 1, hi = p + step < ne ? p + step : ne; /* er[lo - 1] < r */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (er[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The partition by a bundled feature's bin (gbdt_bundle.c), over its bundle's sparse
 * codes (rows er[0..ne) with codes ec, code 0 elsewhere; gbdt_bins.h): code k is cell
 * tab[k], which is the feature's bin cell - off when within its nb + 1 cells, else the
 * code of another member (or none) and the feature at its default bin d. rows[0..n)
 * increase. */
static size_t partition_bundled(uint32_t *rows, size_t n, const uint32_t *er,
                                const uint16_t *ec, size_t ne, const uint32_t *tab, size_t off,
                                unsigned nb, unsigned d, unsigned t, unsigned dl,
                                uint32_t *scratch)
{
    size_t nl = 0, nr = 0, p = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = rows[i];
        p = gallop(er, p, ne, r);
        const unsigned k = p < ne && er[p] == r ? ec[p] : 0;
        const size_t x = (size_t)tab[k] - off;
        const unsigned c = x <= nb ? (unsigned)x : d;
        const unsigned left = c == 0 ? dl : c <= t;
        rows[nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1u - left;
    }
    memcpy(rows + nl, scratch, nr * sizeof *rows);
    return nl;
}

size_t st__gbdt_partition(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f, int bin,
                          int default_left, uint32_t *scratch)
{
    if (b->col_of != NULL) {
        const size_t c = b->col_of[f], off = c * b->n_rows;
        const unsigned t = (unsigned)bin, dl = default_left ? 1u : 0u;
        const unsigned d = b->default_bin[f], nb = (unsigned)b->n_bins[f];
        const uint32_t *tab = b->code_cell + b->code_off[c];
        if (d == 0) /* a column of its own: its codes are its bins */
            return b->wide ? partition_u16(rows, n, b->cols16 + off, t, dl, scratch)
                           : partition_u8(rows, n, b->cols + off, t, dl, scratch);
        const size_t e0 = b->bcol_off[c - b->n_single], e1 = b->bcol_off[c - b->n_single + 1];
        return partition_bundled(rows, n, b->bcol_row + e0, b->bcol_code + e0, e1 - e0, tab,
                                 b->offset[f], nb, d, t, dl, scratch);
    }
    const size_t off = (size_t)f * b->n_rows;
    const unsigned t = (unsigned)bin, dl = default_left ? 1u : 0u;
    if (b->wide)
        return partition_u16(rows, n, b->cols16 + off, t, dl, scratch);
    return partition_u8(rows, n, b->cols + off, t, dl, scratch);
}

/* The partition by a set of bins, over one feature's codes of type T. */
#define DEFINE_PARTITION_SET(NAME, T)                                                     \
    static size_t NAME(uint32_t *rows, size_t n, const T *codes, const uint32_t *bin_set, \
                       uint32_t *scratch)                                                 \
    {                                                                                     \
        size_t nl = 0, nr = 0;                                                            \
        for (size_t i = 0; i < n; i++) {                                                  \
            const uint32_t r = rows[i];                                                   \
            const unsigned left = (unsigned)st__gbdt_bin_in_set(bin_set, codes[r]);       \
            rows[nl] = r;                                                                 \
            scratch[nr] = r;                                                              \
            nl += left;                                                                   \
            nr += 1u - left;                                                              \
        }                                                                                 \
        memcpy(rows + nl, scratch, nr * sizeof *rows);                                    \
        return nl;                                                                        \
    }
DEFINE_PARTITION_SET(partition_set_u8, uint8_t)
DEFINE_PARTITION_SET(partition_set_u16, uint16_t)

size_t st__gbdt_partition_set(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f,
                              const uint32_t *bin_set, uint32_t *scratch)
{
    /* (a categorical feature is never bundled: its codes are in its own column) */
    const size_t off = (size_t)(b->col_of != NULL ? b->col_of[f] : (uint32_t)f) * b->n_rows;
    if (b->wide) /* (a categorical feature's codes stay below 256 even then) */
        return partition_set_u16(rows, n, b->cols16 + off, bin_set, scratch);
    return partition_set_u8(rows, n, b->cols + off, bin_set, scratch);
}

size_t st__gbdt_partition_split(uint32_t *rows, size_t n, const st__gbdt_bins *b,
                                const st__gbdt_split *s, uint32_t *scratch)
{
    return s->categorical
        ? st__gbdt_partition_set(rows, n, b, s->feature, s->left_bins, scratch)
        : st__gbdt_partition(rows, n, b, s->feature, s->bin, s->default_left, scratch);
}
