/* Gradient-boosted trees: the codes of exclusive feature bundles (gbdt_bundle.c lays the
 * bundles out). A bundle's column of codes holds, per row, the code of its one member off
 * its default bin there (0 when none is); the same non-zero codes are also listed row by
 * row as histogram cells, so that a leaf's histogram of the bundles costs one cell update
 * per non-zero entry of its rows (gbdt_hist.c), not one per bundle. */
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

void st__gbdt_bundle_codes(const st_dataset *ds, const st__gbdt_bins *b, size_t c)
{
    const size_t n = b->n_rows, nc = b->n_cols;
    if (b->wide) {
        for (size_t i = 0; i < n; i++)
            b->codes16[i * nc + c] = b->cols16[c * n + i] = 0;
    } else {
        memset(b->cols + c * n, 0, n);
        for (size_t i = 0; i < n; i++)
            b->codes[i * nc + c] = 0;
    }
    for (size_t q = b->member_off[c]; q < b->member_off[c + 1]; q++) {
        const size_t j = b->member[q];
        const uint32_t *r;
        const float *x;
        size_t ne;
        st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);
        const double *bd = b->bounds + b->offset[j];
        /* whether j has a missing bin among its codes: its first code's cell */
        const int has_nan = b->first_code[j] < b->code_off[c + 1] &&
                            b->code_cell[b->first_code[j]] == b->offset[j];
        for (size_t e = 0; e < ne; e++) {
            const unsigned bin = st__gbdt_bin_in(bd, b->n_bins[j], x[e]);
            if (bin == b->default_bin[j])
                continue;
            const unsigned k = code_of(b, j, bin, has_nan);
            if (b->wide)
                b->codes16[(size_t)r[e] * nc + c] = b->cols16[c * n + r[e]] = (uint16_t)k;
            else
                b->codes[(size_t)r[e] * nc + c] = b->cols[c * n + r[e]] = (uint8_t)k;
        }
    }
}

/* Rows per block of st__gbdt_bundle_rows. */
#define ROW_BLOCK 4096

/* The non-zero bundle codes of row i, as cells, into out (NULL: counted only). */
#define DEFINE_ROW_CELLS(NAME, T)                                                         \
    static size_t NAME(const st__gbdt_bins *b, const T *codes, size_t i, uint32_t *out)   \
    {                                                                                     \
        const size_t nc = b->n_cols;                                                      \
        const T *c = codes + i * nc;                                                      \
        size_t m = 0;                                                                     \
        for (size_t k = b->n_single; k < nc; k++)                                         \
            if (c[k] != 0) {                                                              \
                if (out != NULL)                                                          \
                    out[m] = b->code_cell[b->code_off[k] + c[k]];                         \
                m++;                                                                      \
            }                                                                             \
        return m;                                                                         \
    }
DEFINE_ROW_CELLS(row_cells_u8, uint8_t)
DEFINE_ROW_CELLS(row_cells_u16, uint16_t)

static size_t row_cells(const st__gbdt_bins *b, size_t i, uint32_t *out)
{
    return b->wide ? row_cells_u16(b, b->codes16, i, out) : row_cells_u8(b, b->codes, i, out);
}

st_status st__gbdt_bundle_rows(st__gbdt_bins *b, int nt, st_error *err)
{
    if (b->col_of == NULL || b->n_single == b->n_cols)
        return ST_OK;
    const size_t n = b->n_rows;
    b->bundle_row = st__malloc_array(n + 1, sizeof *b->bundle_row);
    if (b->bundle_row == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the bundles of %zu rows", n);
    const long n_blocks = (long)((n + ROW_BLOCK - 1) / ROW_BLOCK);
    b->bundle_row[0] = 0;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long bl = 0; bl < n_blocks; bl++) {
        const size_t i0 = (size_t)bl * ROW_BLOCK, i1 = i0 + ROW_BLOCK < n ? i0 + ROW_BLOCK : n;
        for (size_t i = i0; i < i1; i++)
            b->bundle_row[i + 1] = row_cells(b, i, NULL);
    }
    for (size_t i = 0; i < n; i++)
        b->bundle_row[i + 1] += b->bundle_row[i];
    b->bundle_cell = st__malloc_array(b->bundle_row[n] ? b->bundle_row[n] : 1,
                                      sizeof *b->bundle_cell);
    if (b->bundle_cell == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the %zu bundled entries of %zu "
                        "rows", b->bundle_row[n], n);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long bl = 0; bl < n_blocks; bl++) {
        const size_t i0 = (size_t)bl * ROW_BLOCK, i1 = i0 + ROW_BLOCK < n ? i0 + ROW_BLOCK : n;
        for (size_t i = i0; i < i1; i++)
            row_cells(b, i, b->bundle_cell + b->bundle_row[i]);
    }
    return ST_OK;
}
