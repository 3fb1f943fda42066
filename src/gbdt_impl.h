/* Internal: the gradient-boosted trees model and the pieces of its training, one file
 * each, laid out after LightGBM's src/io (bins), src/treelearner (histograms, splits,
 * partition, leaf-wise growth) and src/boosting (the boosting loop):
 *
 *   gbdt_params.c      defaults and checks
 *   gbdt_bin.c         quantile bins per feature -> uint8 (or uint16) bin codes
 *   gbdt_hist.c        gradient/Hessian histograms and parent - sibling subtraction
 *   gbdt_split.c       best split of a leaf from its histogram (gain, default direction)
 *   gbdt_partition.c   stable partition of a leaf's rows
 *   gbdt_grow.c        one tree, leaf-wise
 *   gbdt_objective.c   binary log loss: gradients, Hessians, initial score
 *   gbdt_boost.c       the boosting loop (st_gbdt_train), bagging, feature_fraction
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

#include "calibration_impl.h"

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
};

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
        float v = x[nd->feature];
        int left = v != v ? nd->default_left : (double)v <= nd->threshold;
        k = left ? nd->left : nd->right;
    }
    return leaves[~k];
}

/* Appends a tree of n_leaves leaves (n_leaves - 1 nodes); node_start and leaf_start must
 * already have room (tree_cap). 0 when out of memory. */
int st__gbdt_append_tree(st_gbdt *m, const st__gbdt_node *nodes, const double *leaf_values,
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
} st__gbdt_bins;

st_status st__gbdt_bins_build(const st_dataset *ds, const st_gbdt_params *prm, int n_threads,
                              st__gbdt_bins *out, st_error *err);
void st__gbdt_bins_free(st__gbdt_bins *b);

/* Code of value v for feature j (binary search over its bounds). */
uint16_t st__gbdt_bin_of(const st__gbdt_bins *b, size_t j, float v);

/* ---- histograms (gbdt_hist.c) ---- */

typedef struct st__gbdt_bin_stat {
    double g, h, n; /* sums of gradient, Hessian and row count */
} st__gbdt_bin_stat;

/* hist[0..total_bins) = sums over rows[0..n) (all rows 0..n-1 when rows is NULL) of the
 * n_feats features feats[0..n_feats); other features are left untouched. og, oh: n
 * doubles of scratch for the gathered gradients. */
void st__gbdt_hist_build(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                         const uint32_t *rows, size_t n, const double *g, const double *h,
                         double *og, double *oh, st__gbdt_bin_stat *hist, int n_threads);

/* parent[k] -= child[k] for every bin of the features feats[0..n_feats): the parent's
 * histogram becomes the sibling's. (The bins of other features are never read.) */
void st__gbdt_hist_subtract(const st__gbdt_bins *b, const uint32_t *feats, size_t n_feats,
                            st__gbdt_bin_stat *parent, const st__gbdt_bin_stat *child);

/* ---- monotone constraints (gbdt_monotone.c) ---- */

/* What a split search needs to honour the constraints at one leaf. */
typedef struct st__gbdt_mono {
    const signed char *dir; /* per feature: +1, -1 or 0 */
    double lo, hi;          /* the leaf's outputs (before learning_rate) stay in [lo, hi] */
} st__gbdt_mono;

/* ST_ERR_INVALID_ARG unless mono (NULL allowed) holds -1, 0 or +1 per feature of ds and
 * no nonzero on a categorical feature. */
st_status st__gbdt_monotone_check(const st_dataset *ds, const signed char *mono,
                                  st_error *err);
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

/* ---- partition (gbdt_partition.c) ---- */

/* Reorders rows[0..n) so that the rows going left under the split of feature f at bin
 * come first, each side in its original order; returns how many go left. scratch: n
 * entries. */
size_t st__gbdt_partition(uint32_t *rows, size_t n, const st__gbdt_bins *b, int f, int bin,
                          int default_left, uint32_t *scratch);

/* ---- one tree (gbdt_grow.c) ---- */

/* Working memory of the tree learner, allocated once per training. */
typedef struct st__gbdt_grower {
    const st__gbdt_bins *bins;
    const st_gbdt_params *prm;
    int n_threads;
    uint32_t *rows, *scratch;      /* n_rows each: the rows of every leaf, leaf by leaf */
    double *og, *oh;               /* n_rows each: gathered gradients */
    st__gbdt_bin_stat **hist;      /* num_leaves histograms of total_bins */
    st__gbdt_split *per_feature;   /* n_features */
    uint32_t *feats;               /* the features of this tree */
    size_t n_feats;
    /* per leaf */
    size_t *begin, *count;
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
} st__gbdt_grower;

st_status st__gbdt_grower_init(st__gbdt_grower *gr, const st__gbdt_bins *b,
                               const st_gbdt_params *prm, int n_threads, st_error *err);
void st__gbdt_grower_free(st__gbdt_grower *gr);

/* Grows one tree on rows[0..n_rows) (a bag; the grower's rows array is filled by the
 * caller) with gradients g, h and the features with use[j]. Leaves gr->nodes, gr->values
 * (already multiplied by learning_rate) and gr->n_leaves, and each leaf's rows in
 * gr->rows[begin[l] .. begin[l] + count[l]). */
void st__gbdt_grow(st__gbdt_grower *gr, size_t n_rows, const double *g, const double *h,
                   const uint8_t *use);

/* Monotone constraints in the grower (gbdt_monotone.c), used only when gr->monotone is not
 * NULL: the bounds of children l and r after leaf l is split by s (before l's are
 * overwritten: r takes l's, then both are cut at the midpoint of a constrained split),
 * and gr->values clamped into each leaf's bounds (times learning_rate). */
void st__gbdt_mono_split_bounds(st__gbdt_grower *gr, int l, int r, const st__gbdt_split *s);
void st__gbdt_mono_clamp_values(st__gbdt_grower *gr);

/* ---- objective (gbdt_objective.c) ---- */

/* Binary log loss on raw scores F with labels y in {0,1} and weights w (NULL = 1):
 * g_i = w_i (p_i - y_i), h_i = w_i p_i (1 - p_i), p_i = 1 / (1 + e^-F_i). */
void st__gbdt_logloss_grad(const double *score, const float *y, const double *w, size_t n,
                           double *g, double *h, int n_threads);
/* log(p / (1 - p)) of the weighted positive rate. */
double st__gbdt_init_score(const float *y, const double *w, size_t n);

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
 * already set; cb may be NULL. *out NULL when there is nothing to watch or report. */
st_status st__gbdt_monitor_new(const st_gbdt *m, const st_dataset *train,
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

/* Reads a model from memory (st_gbdt_load reads the file and calls this; so does the
 * fuzzer). name is used in messages only. */
st_status st__gbdt_load_buffer(const char *data, size_t size, const char *name, st_gbdt **out,
                               st_error *err);

#endif
