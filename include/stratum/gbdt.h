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
 * is log(p / (1 - p)) of the weighted positive rate p. Categorical features are, for now,
 * split as ordered level codes (levels in byte order); native categorical partitions are
 * not implemented.
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
 * missing; categorical features as the model's level codes, see st_gbdt_level). Allocates
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
 * bit-identically. Saving replaces path atomically; loading fails with ST_ERR_FORMAT and
 * "path:line: ..." on a file that is not a gbdt model, is newer, truncated, corrupt or
 * malformed, with ST_ERR_IO when it cannot be read. On failure *out is NULL. */
ST_API st_status st_gbdt_save(const st_gbdt *m, const char *path, st_error *err);
/* st_gbdt_load also imports a model saved by XGBoost's Booster.save_model("m.json") (a
 * file whose first non-blank character is '{'): objective binary:logistic, booster gbtree,
 * numeric splits. It then predicts as XGBoost does (x < split value goes left, missing
 * values to the default side, init_score = logit(base_score)), carries the covers
 * (sum_hessian) for SHAP values, gain importance from loss_changes, and saves as a stratum
 * model. Features are named by learner.feature_names, or f0, f1, ... as XGBoost names
 * them when it was trained without names. Other objectives, multi-class models, dart and
 * gblinear boosters and categorical splits are refused with ST_ERR_FORMAT and a message
 * naming the file and what is unsupported; malformed JSON is ST_ERR_PARSE with
 * path:line:column. The training parameters of an imported model are the defaults,
 * except num_trees and num_leaves (its largest tree). */
ST_API st_status st_gbdt_load(const char *path, st_gbdt **out /* OUT */, st_error *err);

/* Frees the model. NULL is a harmless no-op. */
ST_API void st_gbdt_free(st_gbdt *m);

/* ---- Explaining predictions: SHAP values (TreeSHAP) ----
 *
 * The contribution of feature j to a row's raw score F(x) is its Shapley value in the
 * game whose value for a set S of known features is E[F(x) | x_S], the expectation taken
 * over the training rows as the trees split them ("path-dependent" or "interventional
 * on the tree paths": where a split's feature is unknown, both children count in
 * proportion to the training Hessian they received, the node's cover). This is Lundberg,
 * Erion and Lee, "Consistent individualized feature attribution for tree ensembles"
 * (2018), Algorithm 2, computed exactly in O(trees x leaves x depth^2) per row; XGBoost's
 * pred_contribs and pred_interactions compute the same numbers (sum_hessian is its
 * cover). Contributions are in log-odds: for every row
 *
 *     contrib[0] + ... + contrib[n_features - 1] + bias = F(x)
 *
 * where bias, the last column, is init_score + the sum over trees of the tree's expected
 * value E[f_t] (the same for every row). A feature the trees never split on gets 0; so
 * does one whose value makes no difference to the leaf the row reaches.
 *
 * Interaction values (Lundberg et al. 2018, section 4; Fujimoto, Kojadinovic and Marichal
 * 2006): for features i != j, Phi[i][j] = Phi[j][i] is half the difference between j's
 * contribution with i known and with i unknown; the diagonal Phi[i][i] = contrib[i] -
 * sum_{j != i} Phi[i][j] is i's main effect, so each row i of the matrix sums to
 * contrib[i]. The last row and column belong to the bias: Phi[n][n] = bias, and the rest
 * of that row and column is 0, exactly XGBoost's layout.
 *
 * Models trained by stratum, and models imported from XGBoost, carry the covers; a model
 * file written before stratum stored them cannot be explained (ST_ERR_INVALID_ARG: train
 * it again). The same model and row give the same values, bit for bit, whatever n_threads
 * is. */

/* SHAP contributions of every row of ds. Columns are found by name as in st_gbdt_predict.
 * out: n_rows x (n_features + 1) doubles, row-major (n_out at least that); column
 * n_features is the bias. Each row sums to the raw score (log-odds). n_threads as in
 * st_gbdt_predict. */
ST_API st_status st_gbdt_contrib(const st_gbdt *m, const st_dataset *ds, int n_threads,
                                 double *out, size_t n_out, st_error *err);

/* SHAP interaction values of every row of ds. out: n_rows x (n_features + 1) x
 * (n_features + 1) doubles (XGBoost's pred_interactions layout: row r's matrix starts at
 * out + r * (n_features + 1)^2, row-major); off-diagonal [i][j] the interaction value,
 * diagonal the main effect, bias last. Each row of a matrix sums to that feature's
 * contribution. Costs about 2 x (features per tree) times st_gbdt_contrib. */
ST_API st_status st_gbdt_interactions(const st_gbdt *m, const st_dataset *ds, int n_threads,
                                      double *out, size_t n_out, st_error *err);

/* One row, allocation-free. x holds st_gbdt_n_features(m) values in the model's feature
 * order, as st_gbdt_predict_row takes them. scratch is caller-owned working memory of at
 * least st_gbdt_shap_scratch_size(m) bytes, aligned for double (as malloc returns it);
 * one scratch per thread: with separate scratch, any number of threads may explain rows
 * of the same model at once. out: n_features + 1 doubles for the contributions, (n_features
 * + 1)^2 for the interactions (n_out at least that). */
ST_API size_t st_gbdt_shap_scratch_size(const st_gbdt *m); /* bytes; 0 when m is NULL or
                                                             the size overflows */
ST_API st_status st_gbdt_contrib_row(const st_gbdt *m, const float *x, void *scratch,
                                     size_t scratch_size, double *out, size_t n_out,
                                     st_error *err);
ST_API st_status st_gbdt_interactions_row(const st_gbdt *m, const float *x, void *scratch,
                                          size_t scratch_size, double *out, size_t n_out,
                                          st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_GBDT_H */
