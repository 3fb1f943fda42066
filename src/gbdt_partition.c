/* Gradient-boosted trees: splitting a leaf's rows between its children (LightGBM
 * src/treelearner/data_partition.hpp). The partition is stable: each child keeps its rows
 * in increasing order. (The histograms, in fixed point, no longer need the order; the
 * out-of-bag walk and the tests read it, and it keeps the gathers cache-friendly.) A big
 * leaf is partitioned on several threads, block by block, with the same result. */
#include "gbdt_impl.h"

#include <string.h>

#include "parallel.h"

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

size_t st__gbdt_partition(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f, int bin,
                          int default_left, uint32_t *scratch)
{
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
    const size_t off = (size_t)f * b->n_rows;
    if (b->wide) /* (a categorical feature's codes stay below 256 even then) */
        return partition_set_u16(rows, n, b->cols16 + off, bin_set, scratch);
    return partition_set_u8(rows, n, b->cols + off, bin_set, scratch);
}

/* ---- on several threads ---- */

/* Below this many rows a leaf is partitioned on one thread. */
#define PARTITION_PARALLEL_MIN 65536
#define PARTITION_MAX_BLOCKS 64

/* Rows in[0..n) to left[] and right[], each in order; returns how many went left. */
#define DEFINE_SPLIT_BLOCK(NAME, T)                                                       \
    static size_t NAME(const uint32_t *in, size_t n, const T *codes, const st__gbdt_split *s, \
                       uint32_t *left, uint32_t *right)                                   \
    {                                                                                     \
        size_t nl = 0, nr = 0;                                                            \
        const unsigned t = (unsigned)s->bin, dl = s->default_left ? 1u : 0u;              \
        for (size_t i = 0; i < n; i++) {                                                  \
            const uint32_t r = in[i];                                                     \
            const unsigned c = codes[r];                                                  \
            const unsigned go = s->categorical                                            \
                ? (unsigned)st__gbdt_bin_in_set(s->left_bins, c) : c == 0 ? dl : c <= t;  \
            left[nl] = r;                                                                 \
            right[nr] = r;                                                                \
            nl += go;                                                                     \
            nr += 1u - go;                                                                \
        }                                                                                 \
        return nl;                                                                        \
    }
DEFINE_SPLIT_BLOCK(split_block_u8, uint8_t)
DEFINE_SPLIT_BLOCK(split_block_u16, uint16_t)

size_t st__gbdt_partition_split(uint32_t *rows, size_t n, const st__gbdt_bins *b,
                                const st__gbdt_split *s, uint32_t *scratch,
                                uint32_t *scratch2, int nt)
{
    if (nt < 2 || n < PARTITION_PARALLEL_MIN || scratch2 == NULL)
        return s->categorical
            ? st__gbdt_partition_set(rows, n, b, s->feature, s->left_bins, scratch)
            : st__gbdt_partition(rows, n, b, s->feature, s->bin, s->default_left, scratch);
    const int blocks = nt < PARTITION_MAX_BLOCKS ? nt : PARTITION_MAX_BLOCKS;
    size_t nl[PARTITION_MAX_BLOCKS];
    const size_t off = (size_t)s->feature * b->n_rows;
    size_t total_left = 0;
    /* each block splits its rows into scratch (left) and scratch2 (right) at its own
       offset; then, knowing every block's counts, copies them to their places: the left
       rows of all blocks in block order, then the right ones */
#pragma omp parallel num_threads(blocks)
    {
        const int t = omp_get_thread_num(), bt = omp_get_num_threads();
        const size_t b0 = n * (size_t)t / (size_t)bt, b1 = n * ((size_t)t + 1) / (size_t)bt;
        nl[t] = b->wide ? split_block_u16(rows + b0, b1 - b0, b->cols16 + off, s,
                                          scratch + b0, scratch2 + b0)
                        : split_block_u8(rows + b0, b1 - b0, b->cols + off, s,
                                         scratch + b0, scratch2 + b0);
#pragma omp barrier
        size_t left_before = 0, all_left = 0;
        for (int u = 0; u < bt; u++) {
            left_before += u < t ? nl[u] : 0;
            all_left += nl[u];
        }
        const size_t right_before = b0 - left_before; /* rows of earlier blocks, less left */
        memcpy(rows + left_before, scratch + b0, nl[t] * sizeof *rows);
        memcpy(rows + all_left + right_before, scratch2 + b0,
               (b1 - b0 - nl[t]) * sizeof *rows);
#pragma omp single nowait
        total_left = all_left;
    }
    return total_left;
}
