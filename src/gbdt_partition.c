/* Gradient-boosted trees: splitting a leaf's rows between its children (LightGBM
 * src/treelearner/data_partition.hpp). The partition is stable: each child keeps its rows
 * in increasing order, which makes the children's histogram sums, and so the model,
 * independent of how the work is scheduled. */
#include "gbdt_impl.h"

#include <string.h>

size_t st__gbdt_partition(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f, int bin,
                          int default_left, uint32_t *scratch)
{
    const uint8_t *codes = b->cols + (size_t)f * b->n_rows;
    size_t nl = 0, nr = 0;
    const unsigned t = (unsigned)bin, dl = default_left ? 1u : 0u;
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = rows[i];
        const unsigned c = codes[r];
        const unsigned left = c == 0 ? dl : c <= t;
        /* both stores happen; only one of the counters moves (branch-free) */
        rows[nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1u - left;
    }
    memcpy(rows + nl, scratch, nr * sizeof *rows);
    return nl;
}

size_t st__gbdt_partition_set(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f,
                              const uint32_t *bin_set, uint32_t *scratch)
{
    const uint8_t *codes = b->cols + (size_t)f * b->n_rows;
    size_t nl = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = rows[i];
        const unsigned left = (unsigned)st__gbdt_bin_in_set(bin_set, codes[r]);
        rows[nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1u - left;
    }
    memcpy(rows + nl, scratch, nr * sizeof *rows);
    return nl;
}
