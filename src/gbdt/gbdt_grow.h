/* Internal: growing one tree of gradient-boosted trees, leaf-wise (gbdt_grow.c), and the
 * log-loss gradients it grows on (gbdt_objective.c). */
#ifndef STRATUM_GBDT_GROW_H
#define STRATUM_GBDT_GROW_H

#include "gbdt_model.h"
#include "gbdt_quant.h"
#include "gbdt_split.h"

/* ---- one tree (gbdt_grow.c) ---- */
struct st__gbdt_reducer;

/* Working memory of the tree learner, allocated once per training. */
typedef struct st__gbdt_grower {
    const st__gbdt_bins *bins;
    const st_gbdt_params *prm;
    int n_threads;
    const struct st__gbdt_reducer *reducer; /* NULL in one process (gbdt_train_core.h) */
    uint64_t n_rows_global;        /* rows of all processes, for the fixed-point scales */
    uint32_t *rows, *scratch;      /* n_rows each: the rows of every leaf, by segment */
    int n_seg;                     /* row segments, one per thread (gbdt_grow.c) */
    st__gbdt_gh *gh;               /* n_rows: this tree's gradients in fixed point */
    int scale_g, scale_h;          /* ... at scales 2^scale_g, 2^scale_h */
    st__gbdt_hist_cell **hist;     /* num_leaves histograms of total_bins */
    st__gbdt_hist_cell *work;      /* (n_seg - 1) * st__gbdt_hist_stride: the segments' own */
    /* 16-byte cells (gbdt_hist_narrow.c): narrow_bits the count bits the Hessians' scale
       leaves free in every tree (0: none, wide cells; st__gbdt_narrow_count_bits of the
       rows of all processes, so that every process scales alike), count_bits this tree's
       (set with the scales: 0 when it could not be), nwork n_seg * st__gbdt_hist_stride
       cells of scratch, NULL unless the codes are plain (no bundles) */
    int narrow_bits, count_bits;
    st__gbdt_hist_cell16 *nwork;
    st__gbdt_bin_stat *stat;       /* total_bins: the histogram being searched, in doubles */
    int64_t *pack;                 /* 3 * total_bins: a histogram's cells for the reducer */
    uint32_t *feats;               /* the features of this tree (none dropped: gbdt_bins.h) */
    size_t n_feats;
    /* per leaf l, the features that may still split in it, ascending, at act[l * n_live]
       (n_act[l] of them): its parent's less those st__gbdt_best_split found unable to */
    uint32_t *act;
    size_t *n_act, n_live;         /* n_live: features not dropped */
    uint8_t *keep;                 /* n_live: st__gbdt_best_split's verdicts */
    size_t *live, n_live_rng;      /* the live cells of the leaf being split (gbdt_hist.h) */
    uint32_t *cols;                /* their columns of codes (gbdt_bins.h), ascending */
    size_t n_cols;
    /* per leaf l and segment s, at [l * n_seg + s] */
    size_t *begin, *count;         /* its local rows of the segment in rows[] */
    /* per leaf */
    int64_t *n_all;                /* its rows over all processes */
    int *depth;
    double *sum_g, *sum_h;
    st__gbdt_split *best;
    int32_t *parent_node;          /* node whose child pointer leads to the leaf, or -1 */
    int *is_left;
    /* the tree being built */
    st__gbdt_node *nodes;
    int *node_bin;                 /* the split bin of each node, for out-of-bag rows */
    double *values;
    int n_leaves;
    /* monotone constraints: NULL when the model has none; else per leaf, the bounds of
       its output before learning_rate (gbdt_monotone.c) */
    const signed char *monotone;
    double *lo, *hi;
    uint32_t (*node_set)[8];       /* categorical nodes: their left bins */
    double *extra_l2;              /* per leaf: L2 added by the split that made it */
    /* quantized gradients (prm->quantized_grad; gbdt_quant.c), else quant 0 and the rest
       NULL: gh then holds the tree's levels and fine the fixed-point gradients (the two
       trade places every tree), packed the levels as packed words (gbdt_quant.h), each
       level worth unit_g (unit_h) */
    int quant;
    st__gbdt_gh *fine;
    uint64_t *packed;
    uint64_t *pwork;               /* n_seg * st__gbdt_hist_stride: each segment's packed
                                      histogram */
    int64_t *fine_sum;             /* 3 per leaf: fine sums of g and h; a node's h sum */
    st__gbdt_quant_layout qlay;
    double unit_g, unit_h;
} st__gbdt_grower;

/* reducer: NULL in one process; n_rows_global: b->n_rows then. */
st_status st__gbdt_grower_init(st__gbdt_grower *gr, const st__gbdt_bins *b,
                               const st_gbdt_params *prm,
                               const struct st__gbdt_reducer *reducer, uint64_t n_rows_global,
                               int n_threads, st_error *err);
void st__gbdt_grower_free(st__gbdt_grower *gr);

/* Grows one tree on rows[0..n_rows) (a bag; the grower's rows array is filled by the
 * caller) with the fixed-point gradients gr->gh at scales gr->scale_g,
 * gr->scale_h (of every local row, filled by the caller: st__gbdt_logloss_fixed) and the
 * features with use[j]. Every histogram built is summed across processes, so the tree is
 * that of all rows.
 * Leaves gr->nodes, gr->values (already multiplied by learning_rate) and gr->n_leaves,
 * and each leaf's local rows, segment s of leaf l in gr->rows[begin[q] .. begin[q] +
 * count[q]) with q = l * n_seg + s (gr->rows may have traded places with gr->scratch).
 * Fails only when the reducer does. */
st_status st__gbdt_grow(st__gbdt_grower *gr, size_t n_rows, const uint8_t *use,
                        st_error *err);

/* The cells a split of leaf l touches (gbdt_grow_cells.c): gr->live and gr->n_live_rng
 * from l's list of features and the tree's first column. */
void st__gbdt_live_cells(st__gbdt_grower *gr, int l);
/* hist summed across processes (nothing without a reducer), over the cells of the tree's
 * columns, or with live over gr->live only. Fails only when the reducer does. */
st_status st__gbdt_grow_reduce_hist(st__gbdt_grower *gr, st__gbdt_hist_cell *hist, int live,
                                    st_error *err);

/* Monotone constraints in the grower (gbdt_monotone.c), used only when gr->monotone is not
 * NULL: the bounds of children l and r after leaf l is split by s (before l's are
 * overwritten: r takes l's, then both are cut at the midpoint of a constrained split),
 * and gr->values clamped into each leaf's bounds (times learning_rate). */
void st__gbdt_mono_split_bounds(st__gbdt_grower *gr, int l, int r, const st__gbdt_split *s);
void st__gbdt_mono_clamp_values(st__gbdt_grower *gr);

/* ---- quantized gradients (gbdt_quant.c) ---- */
/* The grower's arrays for quantized gradients (gr->quant = 1); freed by
 * st__gbdt_quant_free (on a partly filled grower too). */
st_status st__gbdt_quant_init(st__gbdt_grower *gr, st_error *err);
void st__gbdt_quant_free(st__gbdt_grower *gr);
/* After st__gbdt_logloss_fixed filled gr->gh: the fine gradients move to gr->fine and
 * gr->gh, gr->packed, gr->unit_g and gr->unit_h receive tree `tree`'s levels, dithered by
 * a hash of (seed, tree, row0 + local row). */
void st__gbdt_quantize_grad(st__gbdt_grower *gr, uint64_t seed, int tree, uint64_t row0);
/* After the tree is grown: gr->sum_g and gr->sum_h of each leaf from the fine gradients of
 * its rows, and every node's cover from them. */
void st__gbdt_quant_renew(st__gbdt_grower *gr);

/* ---- category sets of a grown tree (gbdt_categorical.c) ---- */
/* Turns the categorical nodes among nodes[0..n_nodes) of a grown tree from bin sets
 * (node_set[k]) into level sets stored in m. 0 when out of memory. */
int st__gbdt_store_cat_sets(st_gbdt *m, const st__gbdt_bins *b, st__gbdt_node *nodes,
                            const uint32_t (*node_set)[8], size_t n_nodes);

/* ---- objective (gbdt_objective.c) ---- */
/* Binary log loss on raw scores F with labels y in {0,1} and weights w (NULL = 1):
 * g_i = w_i (p_i - y_i), h_i = w_i p_i (1 - p_i), p_i = 1 / (1 + e^-F_i). */
void st__gbdt_logloss_grad(const double *score, const float *y, const double *w, size_t n,
                           double *g, double *h, int n_threads);
/* (the initial score, partition-independent: gbdt_boost.c) */

#endif
