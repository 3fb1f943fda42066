/* Internal: the gradient-boosted trees model and the pieces of its training, one file
 * each, laid out after LightGBM's src/io (bins), src/treelearner (histograms, splits,
 * partition, leaf-wise growth) and src/boosting (the boosting loop):
 *
 *   gbdt_params.c      defaults and checks
 *   gbdt_bin.c         quantile bins per feature -> uint8 bin codes
 *   gbdt_hist.c        gradient/Hessian histograms and parent - sibling subtraction
 *   gbdt_split.c       best split of a leaf from its histogram (gain, default direction)
 *   gbdt_partition.c   stable partition of a leaf's rows
 *   gbdt_grow.c        one tree, leaf-wise
 *   gbdt_objective.c   binary log loss: gradients, Hessians, initial score
 *   gbdt_boost.c       the boosting loop (st_gbdt_train), bagging, feature_fraction
 *   gbdt_model.c       the model object: tree storage, accessors, importance, free
 *   gbdt_predict.c     prediction (batch by column name, and one row)
 *   gbdt_model_io.c    saving; gbdt_model_load.c loading (through model_reader.c) */
#ifndef STRATUM_GBDT_IMPL_H
#define STRATUM_GBDT_IMPL_H

#include <stratum/gbdt.h>

#include <stdint.h>

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
    /* TreeSHAP (gbdt_shap.c) needs the covers and the depth of the trees */
    double *leaf_covers;       /* Hessian sum of each leaf's training rows, as leaf_values */
    int covers_missing;        /* some tree came without covers (a file from before them) */
    size_t max_depth;          /* the deepest leaf of any tree, in edges from its root */
};

/* Whether row x goes to the left child of node nd. Every traversal of the trees
 * (prediction, TreeSHAP) decides through this one function. */
static inline int st__gbdt_goes_left(const st__gbdt_node *nd, const float *x)
{
    float v = x[nd->feature];
    return v != v ? nd->default_left : (double)v <= nd->threshold;
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
        k = st__gbdt_goes_left(&nodes[k], x) ? nodes[k].left : nodes[k].right;
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
    int *n_bins;
    size_t *offset;   /* n_features + 1 */
    double *bounds;   /* total_bins */
} st__gbdt_bins;

st_status st__gbdt_bins_build(const st_dataset *ds, const st_gbdt_params *prm, int n_threads,
                              st__gbdt_bins *out, st_error *err);
void st__gbdt_bins_free(st__gbdt_bins *b);

/* Code of value v for feature j (binary search over its bounds). */
uint8_t st__gbdt_bin_of(const st__gbdt_bins *b, size_t j, float v);

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
 * (all when NULL). per_feature: n_features entries of scratch. */
void st__gbdt_best_split(const st__gbdt_bins *b, const uint8_t *use,
                         const st__gbdt_bin_stat *hist, double g, double h, double n,
                         const st_gbdt_params *prm, st__gbdt_split *per_feature,
                         int n_threads, st__gbdt_split *best);

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
