/* stratum/gbdt.h: histogram gradient-boosted decision trees for binary classification.
 * Include <stratum.h> rather than this file.
 *
 * The model is LightGBM's: F(x) = init_score + sum_t f_t(x), P(y = 1 | x) = 1 / (1 + e^-F),
 * trained on the (weighted) binary log loss. Each tree f_t is grown leaf-wise (best-first):
 * the leaf whose best split reduces the loss most is split next, up to num_leaves leaves
 * (and max_depth levels when > 0). Features are first cut into at most max_bin bins at
 * quantiles of a row sample, plus one bin for missing values; a split sends bins <= t to
 * the left and the missing bin to the side that reduces the loss more (learned per split).
 * With G, H the sums of gradient and Hessian over a leaf's rows, the split gain and the
 * leaf value are (LightGBM, XGBoost; T(G) = sign(G) * max(|G| - lambda_l1, 0)):
 *
 *     score(G, H) = T(G)^2 / (H + lambda_l2)
 *     gain        = score(G_L, H_L) + score(G_R, H_R) - score(G, H)   must be > min_gain_to_split
 *     leaf value  = -learning_rate * T(G) / (H + lambda_l2)
 *
 * (XGBoost reports half this gain and calls min_gain_to_split gamma / 2.) The initial score
 * is log(p / (1 - p)) of the weighted positive rate p.
 *
 * Categorical features are split natively, into a set of levels that goes left and the
 * rest (LightGBM's method; Fisher 1958 for the sort), except those of more than
 * max_cat_levels levels (default 255), which are split as ordered level codes (levels in
 * byte order), as LightGBM advises for high cardinality: set splits over hundreds of
 * levels overfit, and codes such as ICD-9 diagnoses are ordered meaningfully. Each level seen in the bin sample
 * gets a bin of its own; when there are more than max_bin of them, the max_bin - 1 most
 * frequent keep theirs (ties: the lower level code) and all the others share one "other"
 * bin, as do the levels of the dictionary absent from the sample. Missing values have
 * their bin too, which takes part in the search like a level. In a leaf:
 *   - when the feature has at most max_cat_to_onehot level bins, each bin in turn is put
 *     alone on the left (one-vs-rest), with the gain above;
 *   - otherwise the bins with at least cat_smooth rows (and at least one) are sorted by
 *     G / (H + cat_smooth) (ties: the lower bin), and the left side is grown one bin at a
 *     time from each end of that order, up to min(max_cat_threshold, (bins + 1) / 2)
 *     bins. A candidate is scored only once at least min_data_per_group rows joined the
 *     left side since the last one scored, and the right side keeps min_data_per_group
 *     rows. The children's scores and leaf values use lambda_l2 + cat_l2 (the parent's
 *     score lambda_l2), and leaves made by such a split keep that penalty for their value.
 *   Ties keep the first candidate: one-vs-rest by bin; sorted from the low end first.
 * The node stores the set of level codes going left and where missing values go; at
 * prediction a level the model does not know goes where missing values go (st_gbdt_predict
 * matches levels by text; st_gbdt_predict_row takes any code outside [0, n_levels) or
 * not whole as unknown). Bins not sampled and rare levels (the "other" bin) follow it.
 * Models without categorical features are unchanged by all this, byte for byte.
 *
 *     st_gbdt_params prm = st_gbdt_params_default();
 *     prm.num_trees = 300; prm.class_weight = ST_GBDT_CLASS_WEIGHT_BALANCED;
 *     st_gbdt *m = NULL;
 *     if (st_gbdt_train(train, &prm, &m, &err) != ST_OK) { ... err.message ... }
 *     st_gbdt_predict(m, test, ST_GBDT_PROBABILITY, 0, p, st_dataset_n_rows(test), &err);
 *     st_gbdt_save(m, "model.txt", &err);
 *     st_gbdt_free(m);
 *
 * Determinism: the same data, parameters and seed give the same model, byte for byte,
 * whatever n_threads is: histograms are built per feature (each summed in row order) and
 * every choice breaks ties by the lowest index. A trained model is read-only: any number
 * of threads may predict with it at once. Training does not modify the dataset. */
#ifndef STRATUM_GBDT_H
#define STRATUM_GBDT_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_gbdt st_gbdt;

typedef enum st_gbdt_class_weight {
    ST_GBDT_CLASS_WEIGHT_NONE = 0,    /* every class weighs 1 */
    ST_GBDT_CLASS_WEIGHT_BALANCED = 1 /* class c weighs n_rows / (2 * rows of class c) */
} st_gbdt_class_weight;

/* Training options, named and defaulted as in LightGBM. Start from st_gbdt_params_default(). */
typedef struct st_gbdt_params {
    int num_trees;                  /* boosting rounds, > 0 (default 100) */
    int num_leaves;                 /* max leaves per tree, in [2, 131072] (default 31) */
    int max_depth;                  /* max tree depth; <= 0 for no limit (default -1) */
    double learning_rate;           /* shrinkage, > 0 (default 0.1) */
    int max_bin;                    /* max bins per feature besides the missing bin, in
                                       [2, 255] (default 255; bin codes are one byte) */
    int min_data_in_leaf;           /* min rows in a leaf, >= 1 (default 20) */
    double min_sum_hessian_in_leaf; /* min Hessian sum in a leaf, >= 0 (default 1e-3) */
    double lambda_l1;               /* L1 penalty on leaf values, >= 0 (default 0) */
    double lambda_l2;               /* L2 penalty on leaf values, >= 0 (default 0) */
    double min_gain_to_split;       /* min gain of a split, >= 0 (default 0) */
    double feature_fraction;        /* share of features drawn per tree, in (0, 1] (default 1) */
    double bagging_fraction;        /* share of rows drawn, in (0, 1] (default 1) */
    int bagging_freq;               /* redraw the rows every k trees; 0 = no bagging (default 0) */
    double scale_pos_weight;        /* extra weight of positive rows, > 0 (default 1) */
    st_gbdt_class_weight class_weight; /* default ST_GBDT_CLASS_WEIGHT_NONE; multiplies the
                                       row weights and scale_pos_weight */
    int bin_sample_rows;            /* rows sampled to find the bin bounds, > 0 (default
                                       200000, LightGBM's bin_construct_sample_cnt) */
    uint64_t seed;                  /* seeds the bin sample, bagging and feature_fraction
                                       (default 0) */
    int n_threads;                  /* threads; 0 = all (default 0); never changes the model */
    /* Categorical features (LightGBM's names and defaults; see "Categorical features"
     * above). */
    int max_cat_to_onehot;          /* at most this many level bins: one-vs-rest splits,
                                       >= 1 (default 4) */
    int max_cat_threshold;          /* most levels put on the left side of a gradient-
                                       sorted split, >= 1 (default 32) */
    double cat_l2;                  /* extra L2 penalty in gradient-sorted splits, >= 0
                                       (default 10) */
    double cat_smooth;              /* added to a level's Hessian sum when sorting; levels
                                       with fewer rows are not moved left, >= 0 (default 10) */
    int min_data_per_group;         /* min rows per group of levels added to the left side,
                                       and on the right side, >= 1 (default 100) */
    int max_cat_levels;             /* a categorical feature of more levels is split as
                                       ordered level codes instead; 0 = no limit, >= 0
                                       (default 255; stratum's own, not LightGBM's) */
} st_gbdt_params;

/* The defaults described above. */
ST_API st_gbdt_params st_gbdt_params_default(void);

/* NULL when the parameters are valid, else a static message such as "num_leaves must be in
 * [2, 131072]". st_gbdt_train calls it too. */
ST_API const char *st_gbdt_params_check(const st_gbdt_params *prm);

/* Trains on a labelled dataset (st_dataset_check_trainable must pass). prm may be NULL for
 * the defaults. On success *out is a new model; on failure it is NULL. */
ST_API st_status st_gbdt_train(const st_dataset *ds, const st_gbdt_params *prm,
                               st_gbdt **out /* OUT */, st_error *err);

typedef enum st_gbdt_output {
    ST_GBDT_PROBABILITY = 0, /* P(y = 1) */
    ST_GBDT_RAW_SCORE = 1    /* F(x), the log-odds */
} st_gbdt_output;

/* Writes one value per row of ds into out[0..n_out-1] (n_out must be at least n_rows),
 * using n_threads threads (0 = all). Columns are found by feature name, so their order
 * and any extra columns do not matter; a feature of the model absent from ds is an error.
 * Categorical levels are matched by text; a level unseen in training counts as missing. */
ST_API st_status st_gbdt_predict(const st_gbdt *m, const st_dataset *ds, st_gbdt_output kind,
                                 int n_threads, double *out, size_t n_out, st_error *err);

/* One row: x holds st_gbdt_n_features(m) values in the model's feature order (NaN =
 * missing; categorical features as the model's level codes, see st_gbdt_level; a code
 * outside [0, st_gbdt_n_levels) or not whole is an unknown level, as missing). Allocates
 * nothing; returns the value, or NaN when m or x is NULL. */
ST_API double st_gbdt_predict_row(const st_gbdt *m, const float *x, st_gbdt_output kind);

/* The model's features, in training order; levels of categorical feature j (0 for a
 * numeric one) and the text of level k (NULL when out of range). */
ST_API size_t st_gbdt_n_features(const st_gbdt *m);
ST_API const char *st_gbdt_feature_name(const st_gbdt *m, size_t j);
ST_API size_t st_gbdt_n_levels(const st_gbdt *m, size_t j);
ST_API const char *st_gbdt_level(const st_gbdt *m, size_t j, size_t k);
ST_API size_t st_gbdt_n_trees(const st_gbdt *m);
ST_API double st_gbdt_init_score(const st_gbdt *m);

typedef enum st_gbdt_importance {
    ST_GBDT_IMPORTANCE_SPLIT = 0, /* number of splits on the feature */
    ST_GBDT_IMPORTANCE_GAIN = 1   /* total gain of those splits */
} st_gbdt_importance;

/* Writes the importance of each feature into out[0..n_features-1]. */
ST_API st_status st_gbdt_feature_importance(const st_gbdt *m, st_gbdt_importance kind,
                                            double *out, size_t n_out, st_error *err);

/* Model files: a versioned text file ("stratum-model 1 gbdt" on the first line) with the
 * training parameters, the features (and levels), the initial score and every tree,
 * ending in a checksum line. Numbers read back exactly, so a loaded model predicts
 * bit-identically. A categorical split is a node line with "cats" in place of its
 * threshold, followed by "cats N CODE..." (the level codes going left, increasing); a
 * model with categorical features also keeps the six categorical parameters after its
 * features. Files of earlier stratum versions (ordered-code splits) still load. Saving
 * replaces path atomically; loading fails with ST_ERR_FORMAT and "path:line: ..." on a
 * file that is not a gbdt model, is newer, truncated, corrupt or malformed, with
 * ST_ERR_IO when it cannot be read. On failure *out is NULL. */
ST_API st_status st_gbdt_save(const st_gbdt *m, const char *path, st_error *err);
ST_API st_status st_gbdt_load(const char *path, st_gbdt **out /* OUT */, st_error *err);

/* Frees the model. NULL is a harmless no-op. */
ST_API void st_gbdt_free(st_gbdt *m);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_GBDT_H */
