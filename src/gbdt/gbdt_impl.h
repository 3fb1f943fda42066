/* Internal: the gradient-boosted trees model and the pieces of its training, one file
 * each, laid out after LightGBM's src/io (bins), src/treelearner (histograms, splits,
 * partition, leaf-wise growth) and src/boosting (the boosting loop):
 *
 *   gbdt_params.c      defaults and checks
 *   gbdt_bin.c         quantile bins per feature -> uint8 (or uint16) bin codes
 *   gbdt_hist.c        gradient/Hessian histograms and parent - sibling subtraction
 *   gbdt_fixed.c       fixed-point sums (order-independent) and the reducer's calls
 *   gbdt_split.c       best split of a leaf from its histogram (gain, default direction)
 *   gbdt_split_categorical.c  the same for a categorical feature (category sets)
 *   gbdt_categorical.c categorical bins, and the category sets stored in the model
 *   gbdt_partition.c   stable partition of a leaf's rows
 *   gbdt_grow.c        one tree, leaf-wise
 *   gbdt_objective.c   binary log loss: gradients, Hessians, initial score
 *   gbdt_boost.c       the boosting loop (st__gbdt_train_core, on binned rows: see
 *                      gbdt_train_core.h), bagging, feature_fraction
 *   gbdt_train.c       st_gbdt_train / st_gbdt_train_ex: a dataset's bins, then the core
 *   gbdt_schema.c      the features' names, types and levels a training gives its model
 *   gbdt_model.c       the model object: tree storage, accessors, importance, free
 *   gbdt_predict.c     prediction (batch by column name, and one row)
 *   gbdt_monitor.c     validation metrics after each tree, early stopping, callbacks
 *   gbdt_model_io.c    saving; gbdt_model_load.c loading (through model_reader.c)
 *   gbdt_monotone.c    monotone constraints while growing; gbdt_monotone_model.c their
 *                      copy in the model, accessor and model-file line */
#ifndef STRATUM_GBDT_IMPL_H
#define STRATUM_GBDT_IMPL_H

#include <stratum/gbdt.h>

#include <stdint.h>

#include "eval/calibration_impl.h"

/* ---- the model ---- */

typedef struct st__gbdt_feature {
    char *name;
    st_feature_type type;
    size_t n_levels; /* categorical: levels in byte order; the codes are indices into it */
    char **levels;
} st__gbdt_feature;

/* An internal node: rows with value <= threshold go left, missing ones (NaN, or a level
 * the model does not know) to default_left ? left : right. A child >= 0 is a node index
 * within the same tree; a child < 0 is leaf ~child. */
typedef struct st__gbdt_node {
    double threshold;
    double gain;     /* the split's gain, for importance */
    int32_t feature;
    int32_t left, right;
    int32_t default_left;
    /* 0 for a split on a threshold. A categorical split ("the value is one of these
     * levels") instead sends a level code c left when bit c of its left set is on; the set
     * starts at m->cat_bits[cat_set - 1] and has one bit per level of the feature (32 a
     * word, low bit first). Missing values and codes outside the set (levels the model
     * does not know) go by default_left. During growth (st__gbdt_grower) any nonzero
     * value marks a categorical node, whose set is over bins, in node_set. */
    int64_t cat_set;
    double cover;    /* Hessian sum of the training rows that reached the node (XGBoost's
                        sum_hessian, LightGBM's internal_weight), for TreeSHAP */
} st__gbdt_node;

struct st_gbdt {
    st_gbdt_params params;       /* as trained (n_threads is not saved) */
    size_t n_features;
    st__gbdt_feature *features;
    double init_score;           /* log-odds before the first tree */
    size_t n_trees;
    size_t *node_start;          /* n_trees + 1: tree t's nodes are [node_start[t], [t+1]) */
    size_t *leaf_start;          /* n_trees + 1: the same for leaf values */
    st__gbdt_node *nodes;
    double *leaf_values;         /* shrunk by learning_rate */
    size_t node_cap, leaf_cap; /* allocated nodes and leaf values */
    size_t tree_cap;           /* entries of node_start and leaf_start (trees + 1 at most) */
    /* validation (st_gbdt_train_ex): the metric is params.metric */
    int best_iteration;        /* 1-based; 0 when trained without a validation set */
    double best_score;
    st__post post;             /* calibration map and decision threshold (none when zero) */
    signed char *monotone;     /* n_features constraints, or NULL when there is none;
                                  params.monotone points here */
    uint32_t *cat_bits;        /* the left sets of categorical nodes, one after another */
    size_t cat_words, cat_cap; /* words used and allocated */
    /* TreeSHAP (gbdt_shap.c) needs the covers and the depth of the trees */
    double *leaf_covers;       /* Hessian sum of each leaf's training rows, as leaf_values */
    int covers_missing;        /* some tree came without covers (a file from before them) */
    size_t max_depth;          /* the deepest leaf of any tree, in edges from its root */
};

/* The routing rule of every tree walk on a model (prediction, one row or a dataset, and
 * anything else that follows a row down a tree): does a row whose value of the node's
 * feature is v (NaN = missing; a categorical feature's level code) go left at nd? */
static inline int st__gbdt_goes_left(const st_gbdt *m, const st__gbdt_node *nd, float v)
{
    if (v != v)
        return nd->default_left;
    if (nd->cat_set == 0)
        return (double)v <= nd->threshold;
    const size_t n_levels = m->features[nd->feature].n_levels;
    if (!(v >= 0 && (double)v < (double)n_levels) || (float)(size_t)v != v)
        return nd->default_left; /* not a level of the model: as missing */
    const size_t c = (size_t)v;
    return (int)((m->cat_bits[(size_t)nd->cat_set - 1 + c / 32] >> (c % 32)) & 1u);
}

/* Is bin `code` in a set of bins (bit b = bin b; bit 0 is the missing bin)? */
static inline int st__gbdt_bin_in_set(const uint32_t *bin_set, unsigned code)
{
    return (int)((bin_set[code / 32] >> (code % 32)) & 1u);
}

/* The same rule as st__gbdt_goes_left on bin codes, during training: node nd of the tree
 * being grown, split at node_bin (bins 1..node_bin go left) or, when categorical, on the
 * set of bins bin_set (whose bit 0 is default_left). st__gbdt_partition runs the numeric
 * case in a branch-free loop of its own. */
static inline int st__gbdt_bin_goes_left(const st__gbdt_node *nd, int node_bin,
                                         const uint32_t *bin_set, unsigned code)
{
    if (nd->cat_set != 0)
        return st__gbdt_bin_in_set(bin_set, code);
    return code == 0 ? nd->default_left : code <= (unsigned)node_bin;
}

/* Words of a categorical node's left set for a feature of n_levels levels. */
static inline size_t st__gbdt_set_words(size_t n_levels)
{
    return (n_levels + 31) / 32;
}

/* Raw score of one tree for a row given by a value getter. */
static inline double st__gbdt_tree_value(const st_gbdt *m, size_t t, const float *x)
{
    const st__gbdt_node *nodes = m->nodes + m->node_start[t];
    const double *leaves = m->leaf_values + m->leaf_start[t];
    if (m->node_start[t + 1] == m->node_start[t])
        return leaves[0];
    int32_t k = 0;
    while (k >= 0) {
        const st__gbdt_node *nd = &nodes[k];
        k = st__gbdt_goes_left(m, nd, x[nd->feature]) ? nd->left : nd->right;
    }
    return leaves[~k];
}

/* Appends a tree of n_leaves leaves (n_leaves - 1 nodes); node_start and leaf_start must
 * already have room (tree_cap). 0 when out of memory. */
int st__gbdt_append_tree(st_gbdt *m, const st__gbdt_node *nodes, const double *leaf_values,
                         size_t n_leaves);
/* The same with the leaves' covers (n_leaves values; the nodes carry theirs). A tree
 * appended without them (leaf_covers NULL, or st__gbdt_append_tree) marks the model
 * covers_missing. */
int st__gbdt_append_tree_covers(st_gbdt *m, const st__gbdt_node *nodes,
                                const double *leaf_values, const double *leaf_covers,
                                size_t n_leaves);

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

/* ---- histograms (gbdt_hist.c) ---- */

/* A row's gradient times 2^scale_g and Hessian times 2^scale_h, rounded to integers
 * (gbdt_fixed.c); side by side, so that a row scattered in memory costs one cache line. */
typedef struct st__gbdt_gh {
    int64_t g, h;
} st__gbdt_gh;

/* A histogram bin in fixed point: the sums of its rows' st__gbdt_gh and their count.
 * Integer sums: the same in any order, and exact under subtraction. The fourth, unused
 * word makes a cell 32 bytes, so that adding a row to it is one 4-lane vector addition
 * of (g, h, 1, 0) rather than three separate read-modify-writes (gbdt_hist.c). */
typedef struct st__gbdt_hist_cell {
    int64_t g, h, n, unused;
} st__gbdt_hist_cell;

/* A bin as the split search reads it: the sums back in doubles. */
typedef struct st__gbdt_bin_stat {
    double g, h, n; /* sums of gradient, Hessian and row count */
} st__gbdt_bin_stat;

/* hist[offset..] = sums over rows[0..n) (all rows 0..n-1 when rows is NULL) of the
 * n_feats features feats[0..n_feats), from the fixed-point gradients and Hessians gh
 * (indexed by row); other features are left untouched. work: (n_threads - 1) *
 * total_bins cells of scratch for the threads' own histograms (NULL: one thread). The
 * result does not depend on n_threads. */
void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const st__gbdt_gh *gh,
                         st__gbdt_hist_cell *hist, st__gbdt_hist_cell *work, int n_threads);

/* dst[k] += src[k] for every bin of the features feats[0..n_feats). */
void st__gbdt_hist_add(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                       st__gbdt_hist_cell *dst, const st__gbdt_hist_cell *src);

/* parent[k] -= child[k] for every bin of the features feats[0..n_feats): the parent's
 * histogram becomes the sibling's. (The bins of other features are never read.) */
void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_hist_cell *parent, const st__gbdt_hist_cell *child);

/* stat[k] = hist[k] in doubles (g 2^-scale_g, h 2^-scale_h, n) for the bins of the
 * features feats[0..n_feats). */
void st__gbdt_hist_to_stat(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                           const st__gbdt_hist_cell *hist, int scale_g, int scale_h,
                           st__gbdt_bin_stat *stat);

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

/* LightGBM's ThresholdL1 and leaf objective: T(G)^2 / (H + l2); and -T(G) / (H + l2). */
double st__gbdt_leaf_score(double g, double h, const st_gbdt_params *prm);
double st__gbdt_leaf_output(double g, double h, const st_gbdt_params *prm);

/* Best split of a leaf with sums (g, h, n) from its histogram, over features with use[j]
 * (all when NULL), honouring the monotone constraints mono (NULL when the model has
 * none). per_feature: n_features entries of scratch. */
void st__gbdt_best_split(const st__gbdt_bins *b, const uint8_t *use,
                         const st__gbdt_bin_stat *hist, double g, double h, double n,
                         const st_gbdt_params *prm, const st__gbdt_mono *mono,
                         st__gbdt_split *per_feature, int n_threads, st__gbdt_split *best);

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
    st__gbdt_hist_cell *work;      /* (n_seg - 1) * total_bins: the segments' own */
    st__gbdt_bin_stat *stat;       /* total_bins: the histogram being searched, in doubles */
    int64_t *pack;                 /* 3 * total_bins: a histogram's cells for the reducer */
    st__gbdt_split *per_feature;   /* n_features */
    uint32_t *feats;               /* the features of this tree */
    size_t n_feats;
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

/* Monotone constraints in the grower (gbdt_monotone.c), used only when gr->monotone is not
 * NULL: the bounds of children l and r after leaf l is split by s (before l's are
 * overwritten: r takes l's, then both are cut at the midpoint of a constrained split),
 * and gr->values clamped into each leaf's bounds (times learning_rate). */
void st__gbdt_mono_split_bounds(st__gbdt_grower *gr, int l, int r, const st__gbdt_split *s);
void st__gbdt_mono_clamp_values(st__gbdt_grower *gr);

/* ---- categorical features (gbdt_categorical.c) ---- */

/* Bins of the categorical features of b (is_cat, level_off, level_bin, n_bins), from the
 * sample rows[0..s); those of more than max_cat_levels levels are left to the numeric
 * binning (is_cat 0). */
st_status st__gbdt_cat_bins(const st_dataset *ds, const size_t *rows, size_t s,
                            const st_gbdt_params *prm, st__gbdt_bins *b, st_error *err);

/* Appends a zeroed set of n_words words to m->cat_bits; its cat_set value (offset + 1),
 * or 0 when out of memory. */
int64_t st__gbdt_add_cat_set(st_gbdt *m, size_t n_words);

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

/* ---- random numbers: splitmix64 (Steele, Lea, Flood 2014), seeded per use ---- */

static inline uint64_t st__gbdt_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 bits. */
static inline double st__gbdt_rand_unit(uint64_t *state)
{
    return (double)(st__gbdt_rand(state) >> 11) * 0x1.0p-53;
}

/* ---- validation (gbdt_predict.c, gbdt_monitor.c) ---- */

/* Rows of ds in the model's feature order: x[i * n_features + j] is feature j of row i
 * (columns found by name, categorical levels translated by text, unknown ones NaN), as
 * st_gbdt_predict reads them. x: n_rows * n_features floats. */
st_status st__gbdt_gather_rows(const st_gbdt *m, const st_dataset *ds, float *x,
                               st_error *err);

typedef struct st__gbdt_monitor st__gbdt_monitor;

/* Starts watching prm->metric on valid (may be NULL) for a model whose features are
 * already set; cb may be NULL. The training metric, when cb asks for it, is computed on
 * the rows of labels ty and row weights tw (NULL = 1), tn of them. *out NULL when there
 * is nothing to watch or report. */
st_status st__gbdt_monitor_new(const st_gbdt *m, const float *ty, const float *tw, size_t tn,
                               const st_dataset *valid, const st_gbdt_params *prm,
                               const st_gbdt_train_callbacks *cb, int n_threads,
                               st__gbdt_monitor **out, st_error *err);
/* After tree t (0-based) was appended to m and the training raw scores train_score
 * updated: updates the validation scores, the best iteration and calls the callback.
 * *stop is set when early stopping says so. */
st_status st__gbdt_monitor_step(st__gbdt_monitor *mon, st_gbdt *m, const double *train_score,
                                int t, int *stop, st_error *err);
/* Records the best iteration in m and, under early stopping, drops the trees after it. */
void st__gbdt_monitor_finish(const st__gbdt_monitor *mon, st_gbdt *m);
void st__gbdt_monitor_free(st__gbdt_monitor *mon);

/* ---- monotone constraints in the model (gbdt_monotone_model.c) ---- */

struct st__text;
struct st__mreader;
/* m->monotone = a copy of mono's n_features entries, or NULL when it has no nonzero;
 * m->params.monotone follows. */
st_status st__gbdt_monotone_copy(st_gbdt *m, const signed char *mono, st_error *err);
/* The line "monotone J:+1 K:-1 ..." (constrained features by index, increasing), written
 * only when the model has constraints; and its reader, which takes the next line only
 * when it is one, and validates it against m's features. */
void st__gbdt_monotone_write(struct st__text *t, const st_gbdt *m);
st_status st__gbdt_monotone_read(struct st__mreader *r, st_gbdt *m);

/* ---- a dataset's columns in the model's feature order (gbdt_predict.c) ---- */

/* For each model feature, the dataset column (col) and, for categorical ones, the model
 * code of every dataset level (-1 when unknown) at map + map_off[j]. Batch prediction and
 * TreeSHAP gather rows through it. */
typedef struct st__gbdt_columns {
    const float **col;
    size_t *map_off;
    float *map;
} st__gbdt_columns;

/* Finds every model feature in ds by name (ST_ERR_DATA when one is absent or of another
 * type); free with st__gbdt_columns_free, also after a failure. */
st_status st__gbdt_columns_map(const st_gbdt *m, const st_dataset *ds, st__gbdt_columns *cm,
                               st_error *err);
void st__gbdt_columns_free(st__gbdt_columns *cm);
/* Row i of the dataset into x[0..n_features), as st_gbdt_predict_row takes it. */
void st__gbdt_columns_row(const st_gbdt *m, const st__gbdt_columns *cm, size_t i, float *x);

/* Reads a model from memory (st_gbdt_load reads the file and calls this; so does the
 * fuzzer). name is used in messages only. */
st_status st__gbdt_load_buffer(const char *data, size_t size, const char *name, st_gbdt **out,
                               st_error *err);

/* A model saved by XGBoost as JSON (gbdt_import_xgboost.c), from memory; st_gbdt_load
 * calls it for files whose first non-blank byte is '{' (st__gbdt_is_json). */
st_status st__gbdt_import_xgboost(const char *data, size_t size, const char *name,
                                  st_gbdt **out, st_error *err);
int st__gbdt_is_json(const char *data, size_t size);

#endif
