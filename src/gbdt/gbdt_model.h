/* Gradient-boosted trees (src/gbdt/): the model and the pieces of its training, one file
 * each, laid out after LightGBM's src/io (bins), src/treelearner (histograms, splits,
 * partition, leaf-wise growth) and src/boosting (the boosting loop):
 *
 *   gbdt_params.c      defaults and checks
 *   gbdt_bin.c         quantile bins per feature -> uint8 (or uint16) bin codes
 *   gbdt_bundle.c      exclusive feature bundling: sparse features packed into shared
 *                      columns of codes, their default (zero) bins never stored
 *   gbdt_hist.c        gradient/Hessian histograms per column of codes, parent - sibling
 *                      subtraction, and bundled features' default bins from the totals
 *   gbdt_fixed.c       fixed-point sums (order-independent) and the reducer's calls
 *   gbdt_quant.c       quantized gradients (--quantized-grad): levels by seeded
 *                      stochastic rounding, leaf values renewed from the exact gradients
 *                      (gbdt_quant.h); gbdt_hist_packed.c their histograms of 64-bit
 *                      packed words
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
 *   gbdt_predict.c     prediction (batch by column name, sparse columns by their entries,
 *                      and one row)
 *   gbdt_monitor.c     validation metrics after each tree, early stopping, callbacks
 *   gbdt_model_io.c    saving; gbdt_model_load.c loading (through model_reader.c)
 *   gbdt_shap*.c       TreeSHAP contributions and interactions (gbdt_shap.h)
 *   gbdt_flat.c        the compact tree copy batch prediction walks (gbdt_flat.h)
 *   gbdt_import_xgboost.c  XGBoost JSON models
 *   gbdt_import_lightgbm.c LightGBM text models (model.txt)
 *   gbdt_monotone.c    monotone constraints while growing; gbdt_monotone_model.c their
 *                      copy in the model, accessor and model-file line
 *
 * This folder owns the model (this header), its training (gbdt_bins.h, gbdt_hist.h,
 * gbdt_split.h, gbdt_grow.h, gbdt_train_core.h), prediction (gbdt_flat.h), TreeSHAP
 * (gbdt_shap.h) and model files. It may call core/, io/, data/ and eval/ (metrics for
 * validation, calibration maps); binned/ and mpi/ call into it (gbdt_train_core.h), never
 * the other way round. */
#ifndef STRATUM_GBDT_MODEL_H
#define STRATUM_GBDT_MODEL_H

#include <stratum/gbdt.h>

#include <stdint.h>

#include "data/row_sketch.h"
#include "eval/calibration_impl.h"
#include "io/model_reader.h"
#include "io/model_text.h"

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
                        sum_hessian); for TreeSHAP. A model imported from LightGBM has its
                        row counts here instead, as LightGBM's own TreeSHAP uses them */
} st__gbdt_node;

/* Two kinds of node only a model imported from LightGBM has (gbdt_import_lightgbm.c), which
 * stratum's model files cannot hold (st_gbdt_save refuses them):
 *   - cat_set == ST__GBDT_ZERO_MISSING: a threshold split whose feature LightGBM treats
 *     zero as missing on (its MissingType::Zero): a value v with |v| <= 1e-35 (LightGBM's
 *     kZeroThreshold, a float) goes by default_left, as NaN does;
 *   - cat_set > 0 on a numeric feature: LightGBM's categorical split on integer codes. The
 *     value is truncated toward zero (as C's cast to int) and code c goes left when bit c
 *     of the set is on; the set covers codes 0 .. threshold - 1 (threshold holds that
 *     count, a multiple of 32). NaN, values <= -1 and codes past the set go by
 *     default_left, which the importer sets to 0 (LightGBM sends them right). */
#define ST__GBDT_ZERO_MISSING ((int64_t)-1)
#define ST__GBDT_ZERO_BOUND 1e-35f

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
    /* An entry absent from a LibSVM row is missing to this model (XGBoost imports, and
     * their stratum files: an "absent_entries missing" line), else 0 (stratum/dataset.h) */
    int absent_missing;
    /* What the loader kept (st_gbdt_load_ex): iterations [iter_begin, iter_end) of the
     * file's iter_total, trees_per_iter trees each (XGBoost's num_parallel_tree; 1 for
     * stratum models); iter_from_best: the range came from the file's best_iteration */
    int iter_begin, iter_end, iter_total, trees_per_iter, iter_from_best;
    int best_end;  /* XGBoost early stopping: best_iteration + 1 from the file, else 0 */
    st__row_sketch sketch; /* the training-rows fingerprint (none: n_rows 0) */
    int trees_chosen;      /* 1: auto_trees holds what early stopping chose (gbdt_auto.c) */
    st_gbdt_auto_trees_info auto_trees;
    st_text_featurizer **text; /* n_text featurizers of the model's text columns, owned
                                  (gbdt_text.c); NULL and 0 for models without text */
    size_t n_text;
};

/* The model's text featurizers (gbdt_text.c): freed; written after the fingerprint (one
 * section each, text/text_io.h); read back (optional). */
void st__gbdt_text_free(st_gbdt *m);
void st__gbdt_text_write(st__text *t, const st_gbdt *m, int *exact);
st_status st__gbdt_text_read(st__mreader *r, st_gbdt *m);

/* The routing rule of every tree walk on a model (prediction, one row or a dataset, and
 * anything else that follows a row down a tree): does a row whose value of the node's
 * feature is v (NaN = missing; a categorical feature's level code) go left at nd? */
static inline int st__gbdt_goes_left(const st_gbdt *m, const st__gbdt_node *nd, float v)
{
    if (v != v)
        return nd->default_left;
    if (nd->cat_set == 0)
        return (double)v <= nd->threshold;
    if (nd->cat_set == ST__GBDT_ZERO_MISSING) /* LightGBM: zero is missing too */
        return v >= -ST__GBDT_ZERO_BOUND && v <= ST__GBDT_ZERO_BOUND
                   ? nd->default_left : (double)v <= nd->threshold;
    size_t c;
    if (m->features[nd->feature].type == ST_FEATURE_NUMERIC) { /* LightGBM's integer codes */
        if (!(v > -1.0f && (double)v < nd->threshold))
            return nd->default_left;
        c = v < 1.0f ? 0 : (size_t)v; /* truncated toward zero: (-1, 1) is code 0 */
    } else {
        const size_t n_levels = m->features[nd->feature].n_levels;
        if (!(v >= 0 && (double)v < (double)n_levels) || (float)(size_t)v != v)
            return nd->default_left; /* not a level of the model: as missing */
        c = (size_t)v;
    }
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

/* Keeps trees [t0, t1) only (t0 < t1 <= n_trees), in place: what st_gbdt_load_ex does
 * for an iteration range. 0 when out of memory (the model is then unchanged). */
int st__gbdt_keep_trees(st_gbdt *m, size_t t0, size_t t1);

/* ---- the parameters (gbdt_params.c) ---- */
/* The parameters training uses and the model keeps: class_weight POSITIVE folded into
 * scale_pos_weight (scale_pos_weight times positive_weight, class_weight NONE) and
 * positive_weight 1, so that a model trained with POSITIVE w is the model, and the file,
 * of scale_pos_weight w. */
st_gbdt_params st__gbdt_params_canonical(st_gbdt_params p);

/* ---- category sets in the model (gbdt_categorical.c) ---- */
/* Appends a zeroed set of n_words words to m->cat_bits; its cat_set value (offset + 1),
 * or 0 when out of memory. */
int64_t st__gbdt_add_cat_set(st_gbdt *m, size_t n_words);

/* ---- validation rows (gbdt_predict.c) ---- */
/* Rows of ds in the model's feature order: x[i * n_features + j] is feature j of row i
 * (columns found by name, categorical levels translated by text, unknown ones NaN), as
 * st_gbdt_predict reads them. x: n_rows * n_features floats. */
st_status st__gbdt_gather_rows(const st_gbdt *m, const st_dataset *ds, float *x,
                               st_error *err);

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
    const float **col;   /* dense dataset columns; NULL for a sparse or absent feature */
    size_t *map_off;
    float *map;
    /* a LibSVM dataset scored by a model that reads absent entries as missing
     * (absent_is_missing): a stored 0 is NaN unless its bit in zeros[j] (the dataset's
     * explicit "index:0" entries, or NULL) is set */
    int absent_missing;
    const uint32_t **zeros;
    /* the model features read from dense columns, in order */
    uint32_t *dense;
    size_t n_dense;
    /* the others (sparse dataset columns, and features a LibSVM file never mentions):
     * their value in a row without an entry, base[j] (0, or NaN with absent_missing),
     * and their entries row by row, row i's (model feature, value) at sp_feat, sp_val
     * [sp_ptr[i] .. sp_ptr[i + 1]): no dense copy, O(entries) memory */
    float *base;
    size_t *sp_ptr;      /* n_rows + 1, or NULL when every feature is dense */
    uint32_t *sp_feat;
    float *sp_val;
} st__gbdt_columns;

/* Finds every model feature in ds by name (ST_ERR_DATA when one is absent or of another
 * type); free with st__gbdt_columns_free, also after a failure. */
st_status st__gbdt_columns_map(const st_gbdt *m, const st_dataset *ds, st__gbdt_columns *cm,
                               st_error *err);
void st__gbdt_columns_free(st__gbdt_columns *cm);
/* A row buffer x[0..n_features) made ready: every sparse feature at its base value. */
void st__gbdt_columns_row_init(const st_gbdt *m, const st__gbdt_columns *cm, float *x);
/* Row i of the dataset into a ready buffer x, as st_gbdt_predict_row takes it: the dense
 * features written, the sparse ones' entries scattered (O(dense features + entries));
 * st__gbdt_columns_row_clear puts those back to their base values, making x ready for
 * the next row. */
void st__gbdt_columns_row(const st_gbdt *m, const st__gbdt_columns *cm, size_t i, float *x);
void st__gbdt_columns_row_clear(const st__gbdt_columns *cm, size_t i, float *x);

/* Reads a model from memory (st_gbdt_load reads the file and calls this; so does the
 * fuzzer). name is used in messages only. */
st_status st__gbdt_load_buffer(const char *data, size_t size, const char *name, st_gbdt **out,
                               st_error *err);

/* A model saved by XGBoost as JSON (gbdt_import_xgboost.c), from memory; st_gbdt_load
 * calls it for files whose first non-blank byte is '{' (st__gbdt_is_json). */
st_status st__gbdt_import_xgboost(const char *data, size_t size, const char *name,
                                  st_gbdt **out, st_error *err);
int st__gbdt_is_json(const char *data, size_t size);

/* A model saved by LightGBM as text (model.txt; gbdt_import_lightgbm.c), from memory;
 * st_gbdt_load calls it for files that st__gbdt_is_lightgbm recognises (a first line
 * "tree" followed by a "version=v..." line). */
st_status st__gbdt_import_lightgbm(const char *data, size_t size, const char *name,
                                   st_gbdt **out, st_error *err);
int st__gbdt_is_lightgbm(const char *data, size_t size);

#endif
