/* Gradient-boosted trees: the codes of exclusive feature bundles (gbdt_bundle.c lays the
 * bundles out), kept sparse. In a row, a bundle's code is that of its one member off its
 * default bin there, or 0 when every member is at its default; only the non-zero codes
 * are stored, twice: row by row as histogram cells, so that a leaf's histogram of the
 * bundles costs one cell update per non-zero entry of its rows (gbdt_hist.c), and column
 * by column as (row, code) pairs by increasing row, for the partition (gbdt_partition.c)
 * and the walk of out-of-bag rows. Memory then follows the non-zeros, whatever the number
 * of bundles: on 1,000,000 x 1,000,000 EHR-like data they are thousands, since a
 * frequent code conflicts with every bundle but nearly empty ones. */
#include "gbdt_bins.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Bundle code of feature j's bin x (not its default bin). */
static unsigned code_of(const st__gbdt_bins *b, size_t j, unsigned x, int has_nan)
{
    const unsigned d = b->default_bin[j];
    const unsigned k = x - (has_nan ? 0u : 1u) - (x > d ? 1u : 0u);
    return b->first_code[j] + k - (unsigned)b->code_off[b->col_of[j]];
}

/* Calls EACH(i, c, k) for every entry of a bundled feature off its default bin: row i,
 * bundle column c, code k; feature by feature, each by increasing row. */
#define FOR_EACH_ENTRY(EACH)                                                              \
    for (size_t j = 0; j < b->n_features; j++) {                                          \
        const size_t c = b->col_of[j];                                                    \
        if (c == UINT32_MAX || c < b->n_single)                                           \
            continue;                                                                     \
        const uint32_t *r;                                                                \
        const float *x;                                                                   \
        size_t ne;                                                                        \
        st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);                             \
        const double *bd = b->bounds + b->offset[j];                                      \
        /* whether j has a missing bin among its codes: its first code's cell */          \
        const int has_nan = b->first_code[j] < b->code_off[c + 1] &&                      \
                            b->code_cell[b->first_code[j]] == b->offset[j];               \
        (void)has_nan; /* (counting needs no code) */                                     \
        for (size_t e = 0; e < ne; e++) {                                                 \
            const unsigned bin = st__gbdt_bin_in(bd, b->n_bins[j], x[e]);                 \
            if (bin != b->default_bin[j])                                                 \
                EACH((size_t)r[e], c, code_of(b, j, bin, has_nan));                       \
        }                                                                                 \
    }

/* Turns counts at off[1..m] into starts off[0..m] (off[0] = 0). */
static void counts_to_starts(size_t *off, size_t m)
{
    off[0] = 0;
    for (size_t k = 0; k < m; k++)
        off[k + 1] += off[k];
}

/* After filling with off[k] as the cursor of list k (from its start), off[k] is list k's
 * end: shifts them back into starts. */
static void cursors_to_starts(size_t *off, size_t m)
{
    for (size_t k = m; k > 0; k--)
        off[k] = off[k - 1];
    off[0] = 0;
}

st_status st__gbdt_bundle_codes(const st_dataset *ds, st__gbdt_bins *b, st_error *err)
{
    if (b->col_of == NULL || b->n_single == b->n_cols)
        return ST_OK;
    const size_t n = b->n_rows, nq = b->n_cols - b->n_single, tb = b->total_bins;
    b->bundle_row = st__calloc(n + 1, sizeof *b->bundle_row);
    b->bcol_off = st__calloc(nq + 1, sizeof *b->bcol_off);
    uint32_t *cell_col = st__malloc_array(tb ? tb : 1, sizeof *cell_col);
    uint16_t *cell_code = st__malloc_array(tb ? tb : 1, sizeof *cell_code);
    st_status rc = ST_OK;
    if (b->bundle_row == NULL || b->bcol_off == NULL || cell_col == NULL ||
        cell_code == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the bundles of %zu rows", n);
        goto done;
    }
#define COUNT(I, C, K) (b->bundle_row[(I) + 1]++, b->bcol_off[(C) - b->n_single + 1]++)
    FOR_EACH_ENTRY(COUNT)
#undef COUNT
    counts_to_starts(b->bundle_row, n);
    counts_to_starts(b->bcol_off, nq);
    const size_t nnz = b->bundle_row[n];
    b->bundle_cell = st__malloc_array(nnz ? nnz : 1, sizeof *b->bundle_cell);
    b->bcol_row = st__malloc_array(nnz ? nnz : 1, sizeof *b->bcol_row);
    b->bcol_code = st__malloc_array(nnz ? nnz : 1, sizeof *b->bcol_code);
    if (b->bundle_cell == NULL || b->bcol_row == NULL || b->bcol_code == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the %zu bundled entries of %zu "
                      "rows", nnz, n);
        goto done;
    }
    /* row by row: cells */
#define FILL_ROW(I, C, K)                                                                 \
    (b->bundle_cell[b->bundle_row[I]++] = b->code_cell[b->code_off[C] + (K)])
    FOR_EACH_ENTRY(FILL_ROW)
#undef FILL_ROW
    cursors_to_starts(b->bundle_row, n);
    /* column by column, by increasing row: from the rows, each cell back to its code */
    for (size_t c = b->n_single; c < b->n_cols; c++)
        for (size_t k = 1; k < b->code_off[c + 1] - b->code_off[c]; k++) {
            const uint32_t cell = b->code_cell[b->code_off[c] + k];
            cell_col[cell] = (uint32_t)(c - b->n_single);
            cell_code[cell] = (uint16_t)k;
        }
    for (size_t i = 0; i < n; i++)
        for (size_t e = b->bundle_row[i]; e < b->bundle_row[i + 1]; e++) {
            const uint32_t cell = b->bundle_cell[e];
            const size_t at = b->bcol_off[cell_col[cell]]++;
            b->bcol_row[at] = (uint32_t)i;
            b->bcol_code[at] = cell_code[cell];
        }
    cursors_to_starts(b->bcol_off, nq);
done:
    st__free(cell_col);
    st__free(cell_code);
    return rc;
}
