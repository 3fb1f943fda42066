/* Internal: the training rows of gradient-boosted trees as bin codes (gbdt_bin.c, and
 * gbdt_categorical.c for categorical features). */
#ifndef STRATUM_GBDT_BINS_H
#define STRATUM_GBDT_BINS_H

#include <stdint.h>

#include <stratum/gbdt.h>

/* ---- binning (gbdt_bin.c) ---- */
/* The training rows as bin codes. Feature j has n_bins[j] value bins, codes 1..n_bins[j]
 * (value v is in the first bin b with v <= bound of b), and code 0 for missing. Its
 * histogram and bounds occupy entries [offset[j], offset[j] + n_bins[j] + 1) of arrays of
 * total_bins entries; bounds[offset[j]] is unused and the last bound is +inf. The codes
 * are kept twice: row-major (row i's codes at codes[i * n_features]) for histograms, so
 * that gathering a leaf's rows reads one cache line per row (XGBoost's and LightGBM's
 * row-wise histograms), and feature-major (feature j's at cols[j * n_rows]) for the
 * partition, which reads one feature of many rows. */
typedef struct st__gbdt_bins {
    size_t n_rows, n_features, total_bins;
    uint8_t *codes;   /* n_rows * n_features, row-major */
    uint8_t *cols;    /* n_features * n_rows, feature-major */
    /* When some feature has more than 255 bins (max_bin > 255), the codes are two bytes:
     * codes16 and cols16, laid out as codes and cols, are used instead (those are NULL).
     * Each kernel picks its one- or two-byte version once per call. */
    int wide;
    uint16_t *codes16, *cols16;
    int *n_bins;
    size_t *offset;   /* n_features + 1 */
    double *bounds;   /* total_bins (and the bins of dropped features: gbdt_bundle.c) */
    /* Categorical features (gbdt_categorical.c): one bin per level, no bounds (they hold
     * NaN). Level k of categorical feature j has code level_bin[level_off[j] + k]. */
    uint8_t *is_cat;      /* n_features: 1 for a categorical feature */
    size_t *level_off;    /* n_features + 1 */
    uint8_t *level_bin;   /* level_off[n_features] */
    int codes_borrowed;   /* codes/cols/codes16/cols16 belong to someone else (a mapped
                             binned file): st__gbdt_bins_free leaves them */
    /* Exclusive feature bundling (gbdt_bundle.c; LightGBM's, Ke et al. 2017, 3.2). All NULL
     * when every feature has a column of codes of its own (dense data, binned files): then
     * the columns are the features and column j's histogram cells are those of feature j.
     * Otherwise the sparse numeric features are packed into bundles, columns whose rows
     * no two members are non-zero in: codes and cols have n_cols columns instead of
     * n_features. Column c's histogram cells are [col_off[c], col_off[c + 1]); a bundle's
     * first cell counts the rows where every member is at its default bin, then come its
     * members' own cells at offset[f] (so offset is no longer increasing in f, and
     * offset[f] + n_bins[f] + 1 ends feature f's). Code k of column c adds to cell
     * code_cell[code_off[c] + k]; a member's default bin (the bin of 0, default_bin[f])
     * is never coded (its cell holds 0): st__gbdt_best_split derives it from the leaf's
     * total. */
    size_t n_cols;
    uint32_t *col_of;     /* n_features: each feature's column */
    size_t *col_off;      /* n_cols + 1 */
    size_t *code_off;     /* n_cols + 1 */
    uint32_t *code_cell;  /* code_off[n_cols] */
    size_t *member_off;   /* n_cols + 1: the features of column c are member[member_off[c]..) */
    uint32_t *member;     /* n_features */
    uint16_t *default_bin; /* n_features: 0 for a feature with a column of its own */
    uint32_t *first_code; /* n_features: a bundled feature's first code in code_cell */
    /* Columns [0, n_single) are single features, with codes in codes and cols as above
     * (n_single of them a row: st__gbdt_code_stride); the others are bundles, kept
     * sparse (gbdt_bundle_codes.c), so that memory follows the non-zeros whatever the
     * number of bundles. Row by row, as histogram cells: row i's non-zero bundle codes
     * are cells bundle_cell[bundle_row[i] .. bundle_row[i + 1]); the histogram of the
     * bundles costs one cell update per non-zero (gbdt_hist.c), and adds every row to
     * total_cell, the leaf's total (its sums of g, h and rows). Column by column: bundle
     * c = n_single + q has codes bcol_code[e] in the rows bcol_row[e] (ascending) for e
     * in [bcol_off[q], bcol_off[q + 1]), code 0 in every other row. All NULL (and
     * total_cell 0) when nothing is bundled. */
    size_t n_single;
    size_t *bundle_row;    /* n_rows + 1 */
    uint32_t *bundle_cell; /* bundle_row[n_rows] */
    size_t total_cell;     /* the last cell of total_bins */
    size_t *bcol_off;      /* n_cols - n_single + 1 */
    uint32_t *bcol_row;    /* bcol_off[n_cols - n_single] */
    uint16_t *bcol_code;
} st__gbdt_bins;

/* Codes a row in codes (and rows a column in cols): the columns with dense codes. */
static inline size_t st__gbdt_code_stride(const st__gbdt_bins *b)
{
    return b->col_of != NULL ? b->n_single : b->n_features;
}

/* Code of bundle column c (>= n_single) in row i: a binary search of its rows. */
static inline unsigned st__gbdt_bundle_code_at(const st__gbdt_bins *b, size_t c, size_t i)
{
    const size_t q = c - b->n_single;
    size_t lo = b->bcol_off[q], hi = b->bcol_off[q + 1];
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (b->bcol_row[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->bcol_off[q + 1] && b->bcol_row[lo] == i ? b->bcol_code[lo] : 0;
}

/* Columns of codes: n_features unless bundled. */
static inline size_t st__gbdt_n_cols(const st__gbdt_bins *b)
{
    return b->col_of != NULL ? b->n_cols : b->n_features;
}

/* First histogram cell of column c and one past its last. */
static inline size_t st__gbdt_col_begin(const st__gbdt_bins *b, size_t c)
{
    return b->col_of != NULL ? b->col_off[c] : b->offset[c];
}
static inline size_t st__gbdt_col_end(const st__gbdt_bins *b, size_t c)
{
    return b->col_of != NULL ? b->col_off[c + 1] : b->offset[c + 1];
}

/* The bin of value v among bounds bd[1..nb] (NaN: 0): the first bin whose bound is >= v
 * (bd[nb] = +inf always is), as st__gbdt_bin_of. A binary search whose steps do not
 * branch: the comparisons are coin tosses a branch predictor would miss half of the
 * time. The step is masked rather than chosen with ?:, which GCC compiled to a branch:
 * coding the 28 million values of higgs 1M then took 1.25 s of CPU, 4% of a 500-tree
 * fit, against 0.33 s now. */
static inline unsigned st__gbdt_bin_in(const double *bd, int nb, float v)
{
    if (v != v)
        return 0;
    const double *base = bd + 1, x = (double)v;
    size_t len = (size_t)nb;
    while (len > 1) {
        const size_t half = len / 2;
        base += half & ((size_t)0 - (size_t)(base[half - 1] < x));
        len -= half;
    }
    return (unsigned)(base - bd);
}

/* Feature f's bin from code k of its column: a bundled feature's code of another member
 * (or of none) is its default bin. */
static inline unsigned st__gbdt_decode(const st__gbdt_bins *b, size_t f, unsigned k)
{
    if (b->col_of == NULL || b->default_bin[f] == 0)
        return k;
    const size_t x = (size_t)b->code_cell[b->code_off[b->col_of[f]] + k] - b->offset[f];
    return x <= (size_t)b->n_bins[f] ? (unsigned)x : b->default_bin[f];
}

/* Feature f's bin in row i, from the feature-major codes (f not dropped). */
static inline unsigned st__gbdt_code_at(const st__gbdt_bins *b, size_t f, size_t i)
{
    const size_t c = b->col_of != NULL ? b->col_of[f] : f;
    if (b->col_of != NULL && c >= b->n_single)
        return st__gbdt_decode(b, f, st__gbdt_bundle_code_at(b, c, i));
    const unsigned k = b->wide ? b->cols16[c * b->n_rows + i] : b->cols[c * b->n_rows + i];
    return st__gbdt_decode(b, f, k);
}

/* ---- bundling (gbdt_bundle.c) ---- */
/* With n_bins, is_cat and the bounds of every feature found (tmp: feature j's bounds at
 * tmp + tmp_off[j] + 1): bundles the sparse numeric features of ds, lays out offset,
 * total_bins, bounds and the column tables above, and allocates codes and cols. Nothing
 * to bundle: offset, total_bins and bounds as without bundling, the tables NULL.
 * A sparse numeric feature with fewer than min_rows non-default rows (min_data_in_leaf)
 * can never split (LightGBM's feature_pre_filter): it is dropped, in no column
 * (col_of UINT32_MAX) and with no histogram cells; its bins (offset, default_bin)
 * and bounds lie after the cells' total_bins, so that st__gbdt_unbundle restores it. */
st_status st__gbdt_bundle(const st_dataset *ds, st__gbdt_bins *b, const double *tmp,
                          const size_t *tmp_off, size_t min_rows, st_error *err);
/* Undoes the bundling of b (nothing when it has none): one column per feature, offsets
 * and bounds laid out as without bundling, the tables freed; the codes are freed too (the
 * caller codes the rows again, as the distributed trainer does for its own rows). */
st_status st__gbdt_unbundle(st__gbdt_bins *b, st_error *err);
/* The bundles' sparse codes (bundle_row, bundle_cell, bcol_*) from their members'
 * entries in ds (gbdt_bundle_codes.c). */
st_status st__gbdt_bundle_codes(const st_dataset *ds, st__gbdt_bins *b, st_error *err);

st_status st__gbdt_bins_build(const st_dataset *ds, const st_gbdt_params *prm, int n_threads,
                              st__gbdt_bins *out, st_error *err);
void st__gbdt_bins_free(st__gbdt_bins *b);

/* The bounds rule above on k sorted distinct values v with counts cnt: bounds[1..nb]
 * (bounds has room for min(max(k, 1), max_bin) + 1 entries); returns nb. The binned file
 * (stb_bounds.c) applies it to a quantile summary. */
int st__gbdt_find_bounds(const float *v, const double *cnt, size_t k, int max_bin,
                         double *bounds);
/* The categorical rule (gbdt_categorical.c) on the counts of k levels: map[0..k) = each
 * level's bin; returns the bin count, -1 when out of memory. max_bin is capped at 255. */
int st__gbdt_level_bins(const size_t *counts, size_t k, int max_bin, uint8_t *map);

/* Code of value v for feature j (binary search over its bounds; a categorical feature's
 * level code through level_bin). */
uint16_t st__gbdt_bin_of(const st__gbdt_bins *b, size_t j, float v);

/* ---- categorical bins (gbdt_categorical.c) ---- */
/* Bins of the categorical features of b (is_cat, level_off, level_bin, n_bins), from the
 * sample rows[0..s); those of more than max_cat_levels levels are left to the numeric
 * binning (is_cat 0). */
st_status st__gbdt_cat_bins(const st_dataset *ds, const size_t *rows, size_t s,
                            const st_gbdt_params *prm, st__gbdt_bins *b, st_error *err);

#endif
