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
 *     prm.num_trees = 300; prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
 *     st_gbdt *m = NULL;
 *     if (st_gbdt_train(train, &prm, &m, &err) != ST_OK) { ... err.message ... }
 *     st_gbdt_predict(m, test, ST_GBDT_PROBABILITY, 0, p, st_dataset_n_rows(test), &err);
 *     st_gbdt_save(m, "model.txt", &err);
 *     st_gbdt_free(m);
 *
 * With a validation set and early stopping (see st_gbdt_train_ex):
 *
 *     prm.num_trees = 2000; prm.early_stopping_rounds = 50; prm.metric = ST_GBDT_METRIC_AUC;
 *     st_gbdt_train_ex(train, valid, &prm, NULL, &m, &err);   // keeps the best iteration's trees
 *     printf("%d trees, valid AUC %.4f\n", st_gbdt_best_iteration(m), st_gbdt_best_score(m, NULL));
 *
 * Determinism: the same data, parameters and seed give the same model, byte for byte,
 * whatever n_threads is, and however the rows are split across the processes of a
 * distributed training. The gradient and Hessian histograms are summed in 64-bit fixed
 * point: per tree, each row's gradient becomes round(g 2^s) for one power-of-two scale s
 * (and the Hessian likewise its own), the largest at which no sum of all the rows can
 * overflow, so that a row's value is kept to 2^-(62 - log2 n_rows) of the largest
 * gradient (about 2^-42 of it for a million rows); integer sums do not depend on the
 * order of their terms. The initial score's weight sums are taken the same way, and the
 * class counts of class_weight balanced are counted. Bagging keeps a row by a hash of
 * (seed, tree, row index), not by a draw from a sequence; feature_fraction draws the
 * features of each tree from (seed, tree). Every choice breaks ties by the lowest index.
 * A trained model is read-only: any number of threads may predict with it at once.
 * Training does not modify the dataset. */
#ifndef STRATUM_GBDT_H
#define STRATUM_GBDT_H

#include <stddef.h>
#include <stdint.h>
#include "calibration.h"
#include "common.h"
#include "dataset.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_gbdt st_gbdt;

/* Deprecated: boosted trees take logistic regression's st_class_weight (stratum/common.h);
 * these names of its first two values remain for code written before. */
typedef st_class_weight st_gbdt_class_weight;
#define ST_GBDT_CLASS_WEIGHT_NONE ST_CLASS_WEIGHT_NONE
#define ST_GBDT_CLASS_WEIGHT_BALANCED ST_CLASS_WEIGHT_BALANCED

/* The metric watched on a validation set (st_gbdt_train_ex). All three are the
 * definitions of stratum/metrics.h (st_evaluate), on the predicted probabilities with the
 * validation set's row weights (class weights and scale_pos_weight play no part). */
typedef enum st_gbdt_metric {
    ST_GBDT_METRIC_LOGLOSS = 0, /* log loss; lower is better (LightGBM binary_logloss) */
    ST_GBDT_METRIC_AUC = 1,     /* ROC-AUC; higher is better (LightGBM auc) */
    ST_GBDT_METRIC_PR_AUC = 2   /* PR-AUC as average precision; higher is better (LightGBM
                                   average_precision) */
} st_gbdt_metric;

/* "logloss", "auc" or "pr-auc" (the words of model files and of the CLI's --metric); NULL
 * when m is out of range. */
ST_API const char *st_gbdt_metric_name(st_gbdt_metric m);

/* Training options, named and defaulted as in LightGBM. Start from st_gbdt_params_default(). */
/* num_trees' default: the number of trees chosen by early stopping (below). */
#define ST_GBDT_NUM_TREES_AUTO 0
/* The most levels num_grad_quant_bins accepts (below). */
#define ST_GBDT_GRAD_QUANT_BINS_MAX 1024

/* Choosing the number of trees (the default, num_trees = ST_GBDT_NUM_TREES_AUTO; before,
 * num_trees defaulted to 100 trees trained without validation, which overfit small
 * cohorts). st_gbdt_train and st_gbdt_train_ex without a validation set then hold out
 * stratified folds of the training rows (st_folds_make, seeded by prm->seed): with fewer
 * than ST_GBDT_AUTO_FOLD_ROWS rows, each of ST_GBDT_AUTO_FOLDS folds in turn, else the
 * first fold only. Each held-out fold is the validation set of a training on the other
 * rows of up to ST_GBDT_AUTO_MAX_TREES trees with early_stopping_rounds
 * ST_GBDT_AUTO_STOPPING_ROUNDS on prm->metric; the mean of their best iterations, rounded,
 * is the number of trees of the final model, trained on all rows exactly as with that
 * num_trees given. From ST_GBDT_AUTO_FOLD_ROWS rows on, with metric log loss and class
 * weights (class_weight balanced, computed on the other folds, or scale_pos_weight != 1),
 * the held-out rows weigh their row weight times their class's weight, so that early
 * stopping watches the weighted loss the trees minimise (below it, unweighted as before).
 * Below ST_GBDT_AUTO_FOLD_ROWS rows the held-out trainings run side by side, one thread
 * each, when n_threads allows more than one (each is too small to share its own work);
 * the choice, and so the model, is the same either way. should_stop is still asked on the
 * calling thread only, between the trees that thread trains; a stop it asks for reaches
 * the trainings on the other threads at their next tree.
 * st_gbdt_auto_trees tells what was chosen; the model (and its file) holds it as
 * num_trees. A caller who sets num_trees > 0 gets exactly the training of
 * earlier versions. Only st_gbdt_train(_ex) on a dataset choose: with a validation set,
 * a binned file or distributed training, num_trees must be > 0. */
#define ST_GBDT_AUTO_MAX_TREES 1000
#define ST_GBDT_AUTO_STOPPING_ROUNDS 20
#define ST_GBDT_AUTO_FOLDS 5
#define ST_GBDT_AUTO_FOLD_ROWS 10000

typedef struct st_gbdt_params {
    int num_trees;                  /* boosting rounds, > 0, or ST_GBDT_NUM_TREES_AUTO
                                       (default: chosen by early stopping, see above) */
    int num_leaves;                 /* max leaves per tree, in [2, 131072] (default 31) */
    int max_depth;                  /* max tree depth; <= 0 for no limit (default -1) */
    double learning_rate;           /* shrinkage, > 0 (default 0.1) */
    int max_bin;                    /* max bins per feature besides the missing bin, in
                                       [2, 65535] (default 255; bin codes are one byte,
                                       two when some feature gets more than 255 bins) */
    int min_data_in_leaf;           /* min rows in a leaf, >= 1 (default 20) */
    double min_sum_hessian_in_leaf; /* min Hessian sum in a leaf, >= 0 (default 1e-3) */
    double lambda_l1;               /* L1 penalty on leaf values, >= 0 (default 0) */
    double lambda_l2;               /* L2 penalty on leaf values, >= 0 (default 0) */
    double min_gain_to_split;       /* min gain of a split, >= 0 (default 0) */
    double feature_fraction;        /* share of features drawn per tree, in (0, 1] (default 1) */
    double bagging_fraction;        /* share of rows drawn, in (0, 1] (default 1): each row
                                       is kept with this probability, independently */
    int bagging_freq;               /* redraw the rows every k trees; 0 = no bagging (default 0) */
    double scale_pos_weight;        /* extra weight of positive rows, > 0 (default 1;
                                       LightGBM's name, kept as it was: it multiplies
                                       whatever class_weight gives the positives) */
    st_class_weight class_weight;   /* as logistic regression's (default
                                       ST_CLASS_WEIGHT_NONE): BALANCED, or POSITIVE with
                                       positives weighing positive_weight; multiplies the
                                       row weights. POSITIVE w is scale_pos_weight w
                                       (times scale_pos_weight's own value): the same
                                       model, byte for byte, saved as "class_weight none"
                                       with that scale_pos_weight; the CLI's
                                       --class-weight W sets scale_pos_weight W */
    double positive_weight;         /* with ST_CLASS_WEIGHT_POSITIVE: > 0, finite
                                       (default 1); ignored otherwise */
    int bin_sample_rows;            /* rows sampled to find the bin bounds, > 0 (default
                                       200000, LightGBM's bin_construct_sample_cnt) */
    uint64_t seed;                  /* seeds the bin sample, bagging, feature_fraction
                                       and the folds of ST_GBDT_NUM_TREES_AUTO (default
                                       ST_DEFAULT_SEED, 42, as the CLI's --seed; 0 before) */
    int n_threads;                  /* threads; 0 = all (default 0); never changes the model */
    /* Validation (st_gbdt_train_ex with a validation set; ignored without one). */
    int early_stopping_rounds;      /* stop when the validation metric has not improved for
                                       this many trees and keep the trees up to its best;
                                       0 = off (default 0); needs a validation set */
    st_gbdt_metric metric;          /* monitored on the validation set (default
                                       ST_GBDT_METRIC_LOGLOSS) */
    const signed char *monotone;    /* monotone constraints, one per feature of the training
                                       dataset in its order, or NULL for none (default);
                                       see "Monotone constraints" below */
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
    /* Quantized-gradient training (LightGBM's use_quantized_grad; Shi et al., "Quantized
     * Training of Gradient Boosting Decision Trees", NeurIPS 2022). Off by default. */
    int quantized_grad;             /* 1: each tree's split search reads gradients and
                                       Hessians rounded to num_grad_quant_bins levels
                                       (stochastically, by a hash of (seed, tree, row), so
                                       the model still does not depend on the thread
                                       count); the leaf values are then computed from the
                                       full-precision gradients of each leaf's rows. Faster
                                       histograms, slightly different trees. Not supported
                                       with monotone constraints nor in a distributed
                                       training (ST_ERR_INVALID_ARG). 0 or 1 (default 0) */
    int num_grad_quant_bins;        /* levels with quantized_grad: gradients become
                                       integers in [-B/2, B/2] (rounded up for odd B) and
                                       Hessians in [0, B], in [2, 1024] (default 4);
                                       checked even when quantized_grad is 0 */
    /* Stopping early (stratum/common.h; not kept in the model nor its file). */
    st_should_stop_fn should_stop;  /* NULL (default), or asked before each tree, of the
                                       final training and of the early-stopping trainings
                                       of ST_GBDT_NUM_TREES_AUTO: nonzero fails the
                                       training with ST_ERR_CANCELLED ("stopped ... after
                                       N trees"). Not asked by a distributed training */
    void *should_stop_data;         /* passed to should_stop as is */
} st_gbdt_params;

/* Monotone constraints. monotone[j] = +1 makes every tree, hence the model, non-decreasing
 * in feature j: with the other features fixed, raising x_j never lowers the prediction;
 * -1 makes it non-increasing; 0 leaves j free. Only numeric features may be constrained
 * (a nonzero entry on a categorical feature is an ST_ERR_INVALID_ARG error of
 * st_gbdt_train, as is an entry outside {-1, 0, +1}). The array is the caller's: it is
 * read during st_gbdt_train only and copied into the model (st_gbdt_monotone, model file).
 * All zeros is the same as NULL and gives the same model, byte for byte.
 *
 * The method is XGBoost's and LightGBM's "basic" one: each leaf carries bounds
 * [lo, hi] on its output (unbounded at the root). When the model has a constraint, every
 * candidate split (on any feature) computes both children's outputs, clamps them into the
 * leaf's bounds, and is rejected when they are in
 * the wrong order for a constrained feature (left > right for +1, left < right for -1);
 * its gain is that of the clamped outputs, score(G, H, w) = -(2 T(G) w + (H + lambda_l2)
 * w^2), which equals score(G, H) when w is not clamped; the leaf's own score is taken
 * the same way. After a split on a constrained feature the children's bounds meet at the
 * midpoint of their two outputs (for +1: the left child's hi and the right child's lo);
 * after any other split both children keep the leaf's bounds. Leaf values are clamped
 * into their bounds. So every leaf left of a +1 split is at most every leaf right of it.
 * Missing values are not ordered: a missing x_j goes where the split's learned default
 * direction sends it (as in XGBoost), and the guarantee covers present values only, with
 * any of the other features present or missing. */

/* The defaults described above. */
ST_API st_gbdt_params st_gbdt_params_default(void);

/* What choosing the number of trees did (st_gbdt_auto_trees). */
typedef struct st_gbdt_auto_trees_info {
    int num_trees;        /* trees of the final model, trained on all rows */
    int n_validations;    /* held-out folds used (ST_GBDT_AUTO_FOLDS, or 1 on large data) */
    int best[ST_GBDT_AUTO_FOLDS]; /* each one's best iteration (n_validations of them) */
} st_gbdt_auto_trees_info;

/* 1 and *out filled when m's number of trees was chosen by early stopping in this
 * process (num_trees = ST_GBDT_NUM_TREES_AUTO); 0 otherwise (given, or loaded from a
 * file, whose num_trees line holds the number chosen). */
ST_API int st_gbdt_auto_trees(const st_gbdt *m, st_gbdt_auto_trees_info *out /* OUT */);

/* NULL when the parameters are valid, else a static message such as "num_leaves must be in
 * [2, 131072]". st_gbdt_train calls it too. */
ST_API const char *st_gbdt_params_check(const st_gbdt_params *prm);

/* Trains on a labelled dataset (st_dataset_check_trainable must pass). prm may be NULL for
 * the defaults; prm->monotone, when not NULL, must hold st_dataset_n_features(ds) entries.
 * On success *out is a new model; on failure it is NULL. */
ST_API st_status st_gbdt_train(const st_dataset *ds, const st_gbdt_params *prm,
                               st_gbdt **out /* OUT */, st_error *err);

/* What a progress callback is told after each tree. */
typedef struct st_gbdt_progress {
    int iteration;       /* trees so far, 1 .. num_trees */
    int num_trees;       /* the most there will be (prm->num_trees) */
    double train_metric; /* the metric on the training rows at the iterations asked for by
                            train_metric_every; else NaN. (All rows, out of the bag ones
                            included.) */
    double valid_metric; /* the metric on the validation set; NaN without one */
    int best_iteration;  /* the iteration with the best valid_metric so far (the earliest
                            on a tie); 0 without a validation set */
    double best_score;   /* its valid_metric; NaN without a validation set */
} st_gbdt_progress;

/* Called on the training thread after each tree. Return 0 to go on, anything else to
 * cancel: training then fails with ST_ERR_CANCELLED and produces no model. */
typedef int (*st_gbdt_progress_fn)(const st_gbdt_progress *p, void *user_data);

typedef struct st_gbdt_train_callbacks {
    st_gbdt_progress_fn progress; /* may be NULL */
    void *user_data;              /* passed to progress as is; the library never reads it */
    int train_metric_every;       /* k > 0: also compute prm->metric on the training rows
                                     (their row weights, no class weights) at iteration 1
                                     and every k-th, for train_metric (a sort of n_rows
                                     each time for the AUCs); 0 = never (default) */
} st_gbdt_train_callbacks;

/* st_gbdt_train with a validation set and a progress callback; valid and cb may each be
 * NULL (both NULL is st_gbdt_train). Neither dataset is modified or kept.
 *
 * valid must have labels; its columns are matched to the training features by name, as
 * st_gbdt_predict does (order and extra columns do not matter; a missing feature is
 * ST_ERR_DATA; a categorical level unseen in training counts as missing). After each tree
 * its probabilities are updated by that tree alone and prm->metric is computed on them.
 * The best iteration is the one with the lowest log loss or the highest AUC, the earliest
 * on a tie. With prm->early_stopping_rounds = k > 0, training stops once k trees in a row
 * have not improved on the best, and the model keeps only the trees up to the best
 * iteration (so it predicts exactly as a model trained with num_trees = best iteration);
 * without early stopping every tree is kept. Either way the model records the best
 * iteration and score (st_gbdt_best_iteration), and so does its file.
 *
 * Fails with ST_ERR_INVALID_ARG when early_stopping_rounds > 0 without a validation set,
 * ST_ERR_DATA when valid has no labels, lacks a feature, or has a single class under
 * ST_GBDT_METRIC_AUC or ST_GBDT_METRIC_PR_AUC, and ST_ERR_CANCELLED when the callback
 * returned non-zero. The trees do not depend on valid or cb: with the same data and
 * parameters they are those of st_gbdt_train, cut at the best iteration under early
 * stopping. On failure *out is NULL. */
ST_API st_status st_gbdt_train_ex(const st_dataset *train, const st_dataset *valid,
                                  const st_gbdt_params *prm,
                                  const st_gbdt_train_callbacks *cb, st_gbdt **out /* OUT */,
                                  st_error *err);

/* The best iteration on the validation set of st_gbdt_train_ex (1-based), or 0 when the
 * model was trained without one; and its score under *metric (metric may be NULL), or NaN
 * when there is none. */
ST_API int st_gbdt_best_iteration(const st_gbdt *m);
ST_API double st_gbdt_best_score(const st_gbdt *m, st_gbdt_metric *metric /* OUT */);

typedef enum st_gbdt_output {
    ST_GBDT_PROBABILITY = 0, /* P(y = 1), through the model's calibration map if it has
                                one (st_gbdt_set_calibration) */
    ST_GBDT_RAW_SCORE = 1    /* F(x), the log-odds */
} st_gbdt_output;

/* Writes one value per row of ds into out[0..n_out-1] (n_out must be at least n_rows),
 * using n_threads threads (0 = all). Columns are found by feature name, so their order
 * and any extra columns do not matter; a feature of the model absent from ds is an error,
 * except a feature "f<k>" a LibSVM dataset never mentions, whose entries are all absent
 * (absent entries read as st_gbdt_absent_is_missing says; stratum/dataset.h).
 * Categorical levels are matched by text; a level unseen in training counts as missing.
 * From 1,024 rows on, a model whose trees have at most 64 leaves and only threshold
 * splits is walked by QuickScorer (Lucchese et al., SIGIR 2015: a word of reachable
 * leaves per tree and row, each feature's nodes in threshold order): `stratum predict` of
 * 250,000 rows by 500 trees of 31 leaves took 36% less CPU than walking each row down
 * each tree. Each row still adds its trees in tree order, so every value is the one
 * st_gbdt_predict_row gives, to the bit. */
ST_API st_status st_gbdt_predict(const st_gbdt *m, const st_dataset *ds, st_gbdt_output kind,
                                 int n_threads, double *out, size_t n_out, st_error *err);

/* One row into *out: x holds n_x = st_gbdt_n_features(m) values in the model's feature
 * order (NaN = missing; categorical features as the model's level codes, see
 * st_gbdt_level; a code outside [0, st_gbdt_n_levels) or not whole is an unknown level,
 * as missing). Allocates nothing. ST_ERR_INVALID_ARG for a NULL argument, n_x other than
 * the model's features or an unknown kind. (Every predict function takes its arguments
 * in one order: model, data, options, out, n_out, err.) */
ST_API st_status st_gbdt_predict_row(const st_gbdt *m, const float *x, size_t n_x,
                                     st_gbdt_output kind, double *out /* OUT */, st_error *err);

/* The model's features, in training order; levels of categorical feature j (0 for a
 * numeric one) and the text of level k (NULL when out of range). */
ST_API size_t st_gbdt_n_features(const st_gbdt *m);
ST_API const char *st_gbdt_feature_name(const st_gbdt *m, size_t j);
ST_API size_t st_gbdt_n_levels(const st_gbdt *m, size_t j);
ST_API const char *st_gbdt_level(const st_gbdt *m, size_t j, size_t k);
ST_API size_t st_gbdt_n_trees(const st_gbdt *m);
/* How far the rows of ds are the model's training rows: see "Training-rows fingerprint" in
 * stratum/dataset.h. ds's columns are found by the model's feature names (a feature ds has
 * not is missing in every row). A model without a fingerprint (imported, trained from a
 * binned file alone, or saved before fingerprints existed) gives out->available = 0 and
 * ST_OK. Fails only on NULL arguments or when out of memory; prints nothing. */
ST_API st_status st_gbdt_training_overlap(const st_gbdt *m, const st_dataset *ds,
                                          st_training_overlap *out /* OUT */, st_error *err);
ST_API double st_gbdt_init_score(const st_gbdt *m);
/* The model's monotone constraint on feature j: +1, -1, or 0 (none; also when m is NULL
 * or j is out of range). */
ST_API int st_gbdt_monotone(const st_gbdt *m, size_t j);

typedef enum st_gbdt_importance {
    ST_GBDT_IMPORTANCE_SPLIT = 0, /* number of splits on the feature */
    ST_GBDT_IMPORTANCE_GAIN = 1   /* total gain of those splits */
} st_gbdt_importance;

/* Writes the importance of each feature into out[0..n_features-1]. */
ST_API st_status st_gbdt_feature_importance(const st_gbdt *m, st_gbdt_importance kind,
                                            double *out, size_t n_out, st_error *err);

/* Model files: a versioned text file ("stratum-model 1 gbdt" on the first line) with the
 * training parameters, the features (and levels), the monotone constraints if any, the
 * initial score and every tree (followed, for a model trained with a validation set, by
 * its metric, early stopping rounds, best iteration and best score), ending in a checksum
 * line. Numbers read back exactly, so a loaded model predicts bit-identically. A
 * categorical split is a node line with "cats" in place of its threshold, followed by
 * "cats N CODE..." (the level codes going left, increasing); a model with categorical
 * features also keeps the six categorical parameters after its features, and one trained
 * with quantized gradients a line "quantized_grad BINS" after its seed. Saving
 * replaces path atomically; loading fails with ST_ERR_FORMAT and "path:line: ..." on a
 * file that is not a gbdt model, is newer, truncated, corrupt or malformed, with
 * ST_ERR_IO when it cannot be read. On failure *out is NULL. */
ST_API st_status st_gbdt_save(const st_gbdt *m, const char *path, st_error *err);
/* st_gbdt_load also imports a model saved by XGBoost's Booster.save_model("m.json") (a
 * file whose first non-blank character is '{'): objective binary:logistic, booster gbtree,
 * numeric splits. It then predicts as XGBoost does (x < split value goes left, missing
 * values to the default side, init_score = logit(base_score)), carries the covers
 * (sum_hessian) for SHAP values, gain importance from loss_changes, and saves as a stratum
 * model. Features are named by learner.feature_names, or f0, f1, ... as XGBoost names
 * them when it was trained without names (feature fk is index k of a LibSVM file, as
 * XGBoost reads it). Other objectives, multi-class models, dart and
 * gblinear boosters and categorical splits are refused with ST_ERR_FORMAT and a message
 * naming the file and what is unsupported; malformed JSON is ST_ERR_PARSE with
 * path:line:column. The training parameters of an imported model are the defaults,
 * except num_trees and num_leaves (its largest tree).
 *
 * It also imports a model saved by LightGBM as text (the CLI's output_model, Python's
 * Booster.save_model("model.txt"); a file whose first two lines are "tree" and
 * "version=v2" to "v4"): objective=binary, one tree per iteration. It then predicts as
 * LightGBM does: value <= threshold goes left; a feature's missing type decides where
 * missing values go: NaN (missing values to the split's default side), Zero (NaN and
 * values with |v| <= 1e-35 to the default side) or None (NaN is taken as 0).
 * A categorical split is on integer codes: the value is truncated toward zero, and a code
 * in the split's set goes left; NaN, values <= -1 and other codes go right. stratum reads
 * a column of integer codes as numeric, so every feature of an imported LightGBM model is
 * numeric (st_gbdt_n_levels is 0) and DATA holds the codes LightGBM was trained on.
 * P(y = 1) = 1 / (1 + exp(-S * raw)) with the objective's sigmoid S: the leaf values are
 * multiplied by S when S != 1, so that the raw score and the SHAP contributions are S
 * times LightGBM's (as given, for S = 1). Covers for SHAP values are the trees' row
 * counts (internal_count, leaf_count), as in LightGBM's own TreeSHAP; gains are
 * split_gain. Values are compared as the floats stratum stores, LightGBM compares
 * doubles: the two agree unless a threshold lies within float rounding of a value.
 * Features are named by feature_names (LightGBM's Column_0, ... when it had no header).
 * Other objectives, multi-class models, random forests (average_output) and linear trees
 * are refused with ST_ERR_FORMAT and "path:line: ... is not supported", as is a file
 * that is truncated (no "end of trees" line) or malformed. Such a model saves as a stratum
 * model only when it has neither categorical nor zero-as-missing splits (st_gbdt_save
 * fails with ST_ERR_INVALID_ARG otherwise). */
ST_API st_status st_gbdt_load(const char *path, st_gbdt **out /* OUT */, st_error *err);

/* Which iterations (boosting rounds) of a model file st_gbdt_load_ex keeps. An iteration
 * is one tree of a stratum model and num_parallel_tree trees of an XGBoost one. */
typedef struct st_gbdt_load_options {
    /* Keep iterations [iteration_begin, iteration_end), as XGBoost's iteration_range
     * (0 <= begin < end <= the file's iterations, else ST_ERR_INVALID_ARG). iteration_end
     * 0 (the default) keeps every iteration, except that a file saved by XGBoost after
     * early stopping (its learner attribute best_iteration) keeps iterations [0,
     * best_iteration + 1), the trees XGBClassifier.predict_proba uses; to use them all
     * give [0, n) with n from st_gbdt_loaded_iterations. A stratum model trained with
     * early stopping already holds only its trees up to the best iteration. */
    int iteration_begin, iteration_end;
} st_gbdt_load_options;

/* iteration_begin = iteration_end = 0. */
ST_API st_gbdt_load_options st_gbdt_load_options_default(void);

/* st_gbdt_load with options (opt NULL: the defaults, which is st_gbdt_load). A UBJSON
 * model (XGBoost 2's default, save_model("m.ubj")) is refused with ST_ERR_FORMAT and
 * "path: UBJSON is not supported: save the model as .json". */
ST_API st_status st_gbdt_load_ex(const char *path, const st_gbdt_load_options *opt,
                                 st_gbdt **out /* OUT */, st_error *err);

/* The iterations a loaded model kept, [*begin, *end) of the *total in its file (each may
 * be NULL); for a model not loaded from a file, 0, its trees and its trees. Returns 1
 * when the file's best iteration cut the range short (an XGBoost model whose
 * best_iteration is before its last, loaded with iteration_end 0), else 0. */
ST_API int st_gbdt_loaded_iterations(const st_gbdt *m, int *begin, int *end, int *total);

/* How the model reads an entry absent from a row of a LibSVM dataset (stratum/dataset.h,
 * "LibSVM datasets") or of one built from a sparse matrix (st_dataset_from_csr, _csc:
 * scipy.sparse in Python): 1 as missing (NaN, sent down each split's default side), for a
 * model imported from XGBoost, whose DMatrix reads LibSVM and sparse matrices so, and for a
 * stratum model file saved
 * from one (its "absent_entries missing" line); 0 as the value 0, for models stratum
 * trained (a LibSVM dataset stores absent entries as 0, and they were trained on that).
 * Either way an explicit "index:0" is the value 0, and a feature "f<k>" whose index the
 * file never reaches is every row's absent entry. CSV and dense array datasets have no absent
 * entries: a missing value there is NaN for every model. */
ST_API int st_gbdt_absent_is_missing(const st_gbdt *m);

/* Frees the model. NULL is a harmless no-op. */
ST_API void st_gbdt_free(st_gbdt *m);

/* Post-processing (stratum/calibration.h): a calibration map applied to every
 * ST_GBDT_PROBABILITY output (st_gbdt_predict and st_gbdt_predict_row; ST_GBDT_RAW_SCORE
 * stays the trees' uncalibrated log-odds), and a decision threshold on the calibrated
 * probability. A trained model has neither; both are saved and loaded back exactly. The
 * rules are those of st_logreg_set_calibration and friends (stratum/logreg.h): the
 * setters are for the training pipeline, before the model is saved or shared between
 * threads; the map returned is the model's; the threshold is NaN when there is none. */
ST_API st_status st_gbdt_set_calibration(st_gbdt *m, const st_calibration *c, st_error *err);
ST_API st_status st_gbdt_set_threshold(st_gbdt *m, const st_decision_threshold *t,
                                       st_error *err);
ST_API const st_calibration *st_gbdt_calibration(const st_gbdt *m);
ST_API double st_gbdt_threshold(const st_gbdt *m);
ST_API int st_gbdt_threshold_info(const st_gbdt *m, st_decision_threshold *t /* OUT */);
/* The positive class's label text when the default rule would not read it so (see
 * st_model_positive_class), else NULL; owned by the model. */
ST_API const char *st_gbdt_positive_class(const st_gbdt *m);
/* For a caller that trained on 0/1 labels it coded from its own (the Python package's
 * classes_): records the texts of the positive and the negative class, as training from a
 * file does, when the default rule would not read them so (NULL or "" records none).
 * Only while the model is not shared between threads. ST_ERR_INVALID_ARG (m NULL),
 * ST_ERR_NOMEM or ST_OK. */
ST_API st_status st_gbdt_set_class_texts(st_gbdt *m, const char *positive, const char *negative,
                                        st_error *err);

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

/* Text columns (stratum/text.h), as for logistic regression (stratum/logreg.h): a model
 * trained on the term columns of text featurizers keeps them, so that whoever scores it
 * featurizes raw text as the training did. st_gbdt_add_text_featurizer hands f to the model
 * (which frees it; on failure the caller keeps it), before the model is shared or saved;
 * st_gbdt_save writes them after the rest (a model without them is written as before) and
 * st_gbdt_load reads them. The scoring functions take the featurized dataset:
 * st_text_transform(the model's featurizers, raw data) first. Accessors: how many, and the
 * k-th (owned by the model). */
ST_API st_status st_gbdt_add_text_featurizer(st_gbdt *m, st_text_featurizer *f,
                                             st_error *err);
ST_API size_t st_gbdt_n_text_featurizers(const st_gbdt *m);
ST_API const st_text_featurizer *st_gbdt_text_featurizer(const st_gbdt *m, size_t k);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_GBDT_H */
