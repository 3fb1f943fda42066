/* Internal: the split search of gradient-boosted trees (gbdt_split.c,
 * gbdt_split_categorical.c), its monotone constraints (gbdt_monotone.c) and the partition
 * of a leaf's rows by a split (gbdt_partition.c). The leaf score and output are in
 * gbdt_leaf.h. */
#ifndef STRATUM_GBDT_SPLIT_H
#define STRATUM_GBDT_SPLIT_H

#include "gbdt_hist.h"

/* ---- monotone constraints (gbdt_monotone.c) ---- */
/* What a split search needs to honour the constraints at one leaf. */
typedef struct st__gbdt_mono {
    const signed char *dir; /* per feature: +1, -1 or 0 */
    double lo, hi;          /* the leaf's outputs (before learning_rate) stay in [lo, hi] */
} st__gbdt_mono;

/* (st__gbdt_monotone_check, on a schema: gbdt_train_core.h) */
/* 1 when mono is not NULL and has a nonzero among its n entries. */
int st__gbdt_monotone_any(const signed char *mono, size_t n);
/* The leaf score of a leaf with sums (g, h) and output w: -(2 T(g) w + (h + l2) w^2). */
double st__gbdt_mono_score(const st__gbdt_mono *mc, double g, double h,
                           const st_gbdt_params *prm);
/* Gain of a candidate split of feature f into *gain, with the children's outputs clamped
 * into [mc->lo, mc->hi]; 0 when their order breaks f's constraint. parent is
 * st__gbdt_mono_score of the leaf. */
int st__gbdt_mono_gain(const st__gbdt_mono *mc, int f, double gl, double hl, double gr,
                       double hr, double parent, const st_gbdt_params *prm, double *gain);

/* ---- splits (gbdt_split.c) ---- */
typedef struct st__gbdt_split {
    double gain;      /* > min_gain_to_split when valid; -inf when there is no split */
    int feature, bin; /* bins 1..bin go left */
    int default_left; /* the missing bin goes left */
    double gl, hl, nl, gr, hr, nr; /* sums of each side */
    int categorical;               /* a category set: the bins in left_bins go left */
    uint32_t left_bins[8];         /* bit b: bin b (0 = missing) goes left; 256 bins */
    double extra_l2;               /* L2 added to lambda_l2 for the children's values */
} st__gbdt_split;

/* Best split of a leaf with sums (g, h, n) from its fixed-point histogram cells (total:
 * the leaf's integer sums g, h, n, which give bundled features' default bins; ig and ih:
 * what one unit of the integer g and h sums is worth, 2^-scale_g and 2^-scale_h in full
 * precision, a level with quantized gradients), over the features feats[0..n_feats) (ascending), honouring the
 * monotone constraints mono (NULL when the model has none). hist: total_bins entries of
 * scratch, each searched feature's cells in doubles. keep[q] (n_feats entries) is set to
 * 0 when feats[q] can split neither in this leaf nor in any leaf below it: a bundled
 * feature with fewer than min_data_in_leaf rows (or min_sum_hessian_in_leaf Hessian) of
 * the leaf off its default bin; else 1. */
void st__gbdt_best_split(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         uint8_t *keep, const st__gbdt_hist_cell *cells, const int64_t *total,
                         double ig, double ih, st__gbdt_bin_stat *hist, double g,
                         double h, double n, const st_gbdt_params *prm,
                         const st__gbdt_mono *mono, int nt, st__gbdt_split *best);

/* The best split of one categorical feature (gbdt_split_categorical.c): its histogram
 * hs[0..nb] (bin 0 = missing), the leaf's sums G, H, N; gain -inf when there is none. */
void st__gbdt_split_categorical(const st__gbdt_bin_stat *hs, int nb, int feature, double G,
                                double H, double N, const st_gbdt_params *prm,
                                st__gbdt_split *best);

/* ---- partition (gbdt_partition.c) ---- */
/* Reorders rows[0..n) so that the rows going left under the split of feature f at bin
 * come first, each side in its original order; returns how many go left. scratch: n
 * entries. */
size_t st__gbdt_partition(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f, int bin,
                          int default_left, uint32_t *scratch);
/* The same for a categorical split: rows whose bin is in bin_set go left. */
size_t st__gbdt_partition_set(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f,
                              const uint32_t *bin_set, uint32_t *scratch);
/* Either, as split s says. scratch: n entries. */
size_t st__gbdt_partition_split(uint32_t *rows, size_t n, const st__gbdt_bins *b,
                                const st__gbdt_split *s, uint32_t *scratch);

#endif
