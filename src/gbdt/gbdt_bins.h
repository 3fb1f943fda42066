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
    double *bounds;   /* total_bins */
    /* Categorical features (gbdt_categorical.c): one bin per level, no bounds (they hold
     * NaN). Level k of categorical feature j has code level_bin[level_off[j] + k]. */
    uint8_t *is_cat;      /* n_features: 1 for a categorical feature */
    size_t *level_off;    /* n_features + 1 */
    uint8_t *level_bin;   /* level_off[n_features] */
    int codes_borrowed;   /* codes/cols/codes16/cols16 belong to someone else (a mapped
                             binned file): st__gbdt_bins_free leaves them */
} st__gbdt_bins;

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
