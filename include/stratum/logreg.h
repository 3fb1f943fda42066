/* stratum/logreg.h: regularised (elastic-net) logistic regression. Include <stratum.h>
 * rather than this file.
 *
 * The problem solved, in glmnet's notation, for rows i with label y_i in {0,1}, weight w_i
 * (row weight times class weight) and linear predictor eta_i = b0 + x_i . b:
 *
 *     minimise  (1 / sum_i w_i) * sum_i w_i * logloss(y_i, eta_i)
 *               + lambda * (alpha * ||b||_1 + (1 - alpha) / 2 * ||b||_2^2)
 *
 * The intercept b0 is not penalised. alpha = 0 is ridge, alpha = 1 the lasso.
 *
 * Features are expanded before fitting: a numeric feature gives one column (missing values
 * imputed by the unweighted mean or median of its present training values, 0 when it has
 * none); a categorical feature with k levels gives k one-hot columns "name=level", all of
 * them, as glmnet users write them (a missing value is all zeros); with missing_indicators,
 * each feature that had missing training values also gives a 0/1 column "name_missing".
 * With lambda = 0 the full one-hot is collinear with the intercept: the fit is still
 * found (predictions are unique) but those coefficients are not.
 * With standardize (the default) every column is scaled to unit weighted standard
 * deviation before the penalty applies, as glmnet does, and the coefficients are reported
 * back on the original scale. A column that is constant in the training data gets a zero
 * coefficient.
 *
 *     st_logreg_params prm = st_logreg_params_default();
 *     prm.lambda = 0.01; prm.alpha = 1;            // lasso
 *     st_logreg *m = NULL;
 *     if (st_logreg_train(train, &prm, &m, &err) != ST_OK) { ... err.message ... }
 *     double *p = malloc(st_dataset_n_rows(test) * sizeof *p);
 *     st_logreg_predict(m, test, p, st_dataset_n_rows(test), &err);   // P(y = 1)
 *     st_logreg_free(m);
 *
 * Solvers: without an L1 part (alpha = 0 or lambda = 0) and with at most 256 expanded
 * columns, damped exact Newton with a Cholesky factorisation; otherwise glmnet-style
 * coordinate descent on proximal Newton (IRLS) steps; but a mostly-zero design (kept
 * sparse, docs/train-logreg.md) without an L1 part runs truncated Newton (conjugate
 * gradients on Hessian-vector products) when it has more than 256 columns and along its
 * lambda path. All stop when the relative gap is
 * below tol: the smaller of the duality gap and the decrease the (proximal) Newton model
 * still predicts, divided by the objective. The first bounds the distance to the
 * minimum and the second estimates it, staying accurate where the first cannot be
 * evaluated well (1e6-scale columns with standardize off, the lasso near its optimum) or
 * does not exist (lambda = 0).
 *
 * Non-convergence: with lambda = 0 and linearly separable classes the unpenalised
 * coefficients are infinite; training detects it (some iterate classifies every row
 * correctly) and fails with ST_ERR_NUMERIC. Any other failure to reach tol within max_iter
 * iterations returns ST_OK with st_logreg_converged() == 0 and the gap reached.
 *
 * Results are bit-identical for any n_threads (and any OpenBLAS thread count): every sum
 * is taken in an order fixed by the data, never by the thread count, which is why the
 * solvers use their own kernels rather than BLAS. A trained model is read-only: any
 * number of threads may predict with it at once. Training does not modify the dataset. */
#ifndef STRATUM_LOGREG_H
#define STRATUM_LOGREG_H

#include <stddef.h>
#include "calibration.h"
#include "common.h"
#include "dataset.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_logreg st_logreg;

typedef enum st_impute {
    ST_IMPUTE_MEAN = 0,  /* mean of the present training values */
    ST_IMPUTE_MEDIAN = 1 /* median of the present training values */
} st_impute;

/* What a progress callback (st_logreg_params.progress) is told. */
typedef struct st_logreg_progress {
    int iteration;   /* solver iterations of the current fit so far, 0 .. max_iter */
    int max_iter;    /* the most there may be (prm->max_iter); most fits need far fewer */
    size_t lambda;   /* st_logreg_path_fit: fits of the path finished so far; else 0 */
    size_t n_lambda; /* st_logreg_path_fit: the number of lambdas; else 0 */
    size_t inner_fold;    /* choosing lambda (ST_LOGREG_LAMBDA_CV): the inner fold whose
                             path is fitted, 1-based; 0 for the fit the caller asked for */
    size_t n_inner_folds; /* choosing lambda: the inner paths to fit (cv_folds, or 1 from
                             ST_LOGREG_CV_SPLIT_ROWS rows on); else 0 */
} st_logreg_progress;

/* Called on the calling thread after each solver iteration and, on a lambda path, after
 * each lambda, for a caller that shows progress (the library never prints). It only
 * reads p, which is valid during the call; the fit is the same with or without it. */
typedef void (*st_logreg_progress_fn)(const st_logreg_progress *p, void *user_data);

/* lambda's default: chosen by an inner cross-validation along the lambda path (below). */
#define ST_LOGREG_LAMBDA_CV (-1.0)
/* Large data: from ST_LOGREG_CV_SPLIT_ROWS training rows on, choosing lambda fits one path
 * with the first of the cv_folds folds held out (a stratified 1/cv_folds validation split,
 * as boosted trees choose their number of trees from ST_GBDT_AUTO_FOLD_ROWS rows on)
 * instead of cv_folds paths, scores each fit on the held-out rows as it is made and stops
 * once ST_LOGREG_CV_PATIENCE fits in a row have not lowered the lowest held-out deviance
 * (the lambdas below, never fitted, are not candidates). The standard error of lambda_1se
 * is then the held-out rows' (st_logreg_lambda_choice.n_folds is 1). Below that row count
 * the choice is the full k-fold one, unchanged, and its cv_folds paths run side by side,
 * one thread each, when n_threads allows more than one, progress is NULL and the design
 * has fewer than 150 columns (no fit calls LAPACK); the choice is the same either way.
 * should_stop is still asked on the calling thread only, between the solver iterations of
 * the paths that thread fits; a stop it asks for reaches the others at their next one. */
#define ST_LOGREG_CV_SPLIT_ROWS 10000
#define ST_LOGREG_CV_PATIENCE 10

/* Which lambda of the inner cross-validation is kept (cv.glmnet's two choices). */
typedef enum st_lambda_rule {
    ST_LAMBDA_MIN = 0, /* lambda_min: the lowest mean CV deviance */
    ST_LAMBDA_1SE = 1  /* lambda_1se: the largest lambda within one standard error of it */
} st_lambda_rule;

/* Training options. Start from st_logreg_params_default().
 *
 * Choosing lambda (the default, since stratum 0.x; before, lambda defaulted to 1e-4, a
 * nearly unpenalised fit that overfits small cohorts): with lambda = ST_LOGREG_LAMBDA_CV,
 * st_logreg_train first runs st_logreg_choose_lambda (stratum/logreg_path.h) on the
 * training rows, cv_folds stratified folds seeded by cv_seed, the path's 100 lambdas,
 * keeping lambda_rule's choice, then fits all rows at that lambda. The model's
 * st_logreg_lambda_choice says what was chosen and its params (and file) hold the
 * chosen lambda. A caller who sets lambda >= 0 gets exactly the fit of earlier versions.
 * Only st_logreg_train chooses: the path, binned and distributed fits need lambda >= 0
 * (the path ignores it). */
typedef struct st_logreg_params {
    double lambda;               /* penalty strength >= 0, or ST_LOGREG_LAMBDA_CV (default
                                    ST_LOGREG_LAMBDA_CV: chosen by cross-validation) */
    double alpha;                /* L1 share of the penalty, in [0,1] (default 0: ridge) */
    int standardize;             /* 1: penalise standardised columns (default 1) */
    st_impute impute;            /* missing numeric values (default ST_IMPUTE_MEAN) */
    int missing_indicators;      /* 1: add "name_missing" columns (default 0) */
    st_class_weight class_weight; /* default ST_CLASS_WEIGHT_NONE (stratum/common.h) */
    double positive_weight;      /* with ST_CLASS_WEIGHT_POSITIVE: > 0 (default 1) */
    double tol;                  /* relative gap to stop at, > 0 (default 1e-8; see above) */
    int max_iter;                /* Newton / proximal Newton iterations, > 0 (default 100);
                                    each proximal Newton iteration runs up to 100000
                                    coordinate descent sweeps */
    int n_threads;               /* threads for the numeric kernels; 0 = all (default 0) */
    st_logreg_progress_fn progress; /* NULL (default), or called as described above by
                                    st_logreg_train and st_logreg_path_fit (not by the
                                    streamed and binned fits); not kept in the model */
    void *progress_data;         /* passed to progress as is; the library never reads it */
    /* Used only with lambda = ST_LOGREG_LAMBDA_CV; not kept in model files. */
    size_t cv_folds;             /* inner folds, >= 2 (default 5) */
    unsigned long long cv_seed;  /* seeds the inner folds (default ST_DEFAULT_SEED, 42) */
    st_lambda_rule lambda_rule;  /* default ST_LAMBDA_MIN (measured: bench/RESULTS.md,
                                    "Defaults against the peers") */
    /* Stopping early (stratum/common.h; not kept in the model nor its file). */
    st_should_stop_fn should_stop; /* NULL (default), or asked where progress is told
                                    (before each solver iteration, so before each fit of
                                    a path and of choosing lambda) by st_logreg_train and
                                    st_logreg_path_fit (not by the streamed, binned and
                                    distributed fits): nonzero fails the fit with
                                    ST_ERR_CANCELLED */
    void *should_stop_data;      /* passed to should_stop as is */
} st_logreg_params;

/* What the inner cross-validation chose (st_logreg_choose_lambda, st_logreg_lambda_choice).
 * The deviance is cv.glmnet's: -2 log-likelihood per unit of row weight, p clipped to
 * [1e-5, 1 - 1e-5], averaged over folds weighted by their row weight; se is its standard
 * error over the folds as cv.glmnet computes it. */
typedef struct st_logreg_lambda_choice {
    double lambda;               /* the lambda kept (lambda_min or lambda_1se by rule) */
    st_lambda_rule rule;
    double lambda_min, lambda_1se;
    double cv_deviance, cv_se;   /* at the lambda kept */
    size_t index;                /* of the lambda kept on the path, 0-based */
    size_t n_lambda;             /* lambdas on the path */
    size_t n_folds;              /* inner folds scored: cv_folds, or 1 (one held-out fold)
                                    from ST_LOGREG_CV_SPLIT_ROWS rows on */
} st_logreg_lambda_choice;

/* 1 and *out filled when m's lambda was chosen by cross-validation in this process
 * (st_logreg_train with ST_LOGREG_LAMBDA_CV); 0 otherwise (a given lambda, or a model
 * loaded from a file, whose lambda line holds the value chosen). */
ST_API int st_logreg_lambda_choice_of(const st_logreg *m, st_logreg_lambda_choice *out /* OUT */);

/* The defaults described above. */
ST_API st_logreg_params st_logreg_params_default(void);

/* NULL when the parameters are valid, else a static message such as "alpha must be in
 * [0, 1]". st_logreg_train calls it too. */
ST_API const char *st_logreg_params_check(const st_logreg_params *prm);

/* Fits a model to a labelled dataset (st_dataset_check_trainable must pass). prm may be
 * NULL for the defaults (lambda chosen by inner cross-validation, see above; each of
 * those folds needs rows of both classes, else ST_ERR_DATA). On success *out is a new
 * model; on failure it is NULL. */
ST_API st_status st_logreg_train(const st_dataset *ds, const st_logreg_params *prm,
                                 st_logreg **out /* OUT */, st_error *err);

/* Writes P(y = 1) for each of the n_rows(ds) rows into out[0..n_out-1] (n_out must be at
 * least n_rows), through the model's calibration map when it has one (see
 * st_logreg_set_calibration below). Columns are found by feature name, so their order and any extra columns
 * do not matter; a feature of the model absent from ds is an error, except a numeric
 * feature "f<k>" a LibSVM dataset never mentions, which is 0 in every row, as an absent
 * LibSVM entry is (stratum/dataset.h, "LibSVM datasets"). Categorical levels
 * are matched by text; a level not seen in training gets an all-zero one-hot. */
ST_API st_status st_logreg_predict(const st_logreg *m, const st_dataset *ds, double *out,
                                   size_t n_out, st_error *err);

/* The fitted model, on the original scale of the features. Coefficient k belongs to the
 * expanded column named st_logreg_coef_name(m, k): "age", "sex=F", "bp_missing" (NULL when
 * k is out of range); the columns come in dataset order, each feature followed by its
 * indicator. A column constant in training has coefficient 0. The pointers stay valid
 * until st_logreg_free. */
ST_API size_t st_logreg_n_coefs(const st_logreg *m);
ST_API const double *st_logreg_coefs(const st_logreg *m);
ST_API const char *st_logreg_coef_name(const st_logreg *m, size_t k);
ST_API double st_logreg_intercept(const st_logreg *m);

/* The model's original input features, in dataset order: st_logreg_n_features of them,
 * named st_logreg_feature_name(m, j) (NULL when j is out of range; valid until
 * st_logreg_free). st_logreg_coef_feature gives the feature that expanded column k
 * ("sex=F", "bp_missing") belongs to, or -1 when k is out of range. */
ST_API size_t st_logreg_n_features(const st_logreg *m);
ST_API const char *st_logreg_feature_name(const st_logreg *m, size_t j);
ST_API long st_logreg_coef_feature(const st_logreg *m, size_t k);
/* How far the rows of ds are the model's training rows: see "Training-rows fingerprint" in
 * stratum/dataset.h; as st_gbdt_training_overlap (a model trained from a binned file or
 * saved before fingerprints existed gives out->available = 0). */
ST_API st_status st_logreg_training_overlap(const st_logreg *m, const st_dataset *ds,
                                            st_training_overlap *out /* OUT */,
                                            st_error *err);

/* Per-row contributions ("why this risk"). For every row of ds, writes n_features + 1
 * values to out, row-major (row i at out[i * (n_features + 1)]): first the contribution of
 * each original feature j, in the order of st_logreg_feature_name, then the bias. With x_k
 * the model's expanded columns of the row (imputed value, one-hot, missing indicator; see
 * the top of this file), w_k their coefficients and mu_k their training means,
 *
 *     contribution of feature j = sum over j's columns k of w_k (x_k - mu_k)
 *     bias                      = intercept + sum_k w_k mu_k
 *
 * all on the log-odds scale, so each row's n_features + 1 values sum (to rounding) to the
 * log-odds logit(p) of the probability st_logreg_predict gives the row. The bias is the
 * log-odds of a row at every training mean; a feature's contribution says how far this
 * row's value moves the log-odds from there: positive raises the risk, negative lowers it.
 * (For a linear model with independent features these are its exact SHAP values.) A
 * categorical feature's one-hot columns and a feature's missing indicator add into that
 * feature's single value. The means are weighted by the row weights but not by class
 * weights. n_out must be at least n_rows * (n_features + 1). Features are found in ds by
 * name, as in st_logreg_predict. Fails with ST_ERR_INVALID_ARG for a model loaded from a
 * file saved before stratum stored training means (train it again). Read-only on the
 * model: safe from many threads. */
ST_API st_status st_logreg_contrib(const st_logreg *m, const st_dataset *ds, double *out,
                                   size_t n_out, st_error *err);

/* The bias above, intercept + sum_k w_k mu_k (NaN without stored means); and the training
 * means mu_k and standard deviations (divisor: total row weight) of the n_coefs expanded
 * columns, NULL for a model from an older file. coef_k * sd_k is coefficient k
 * standardised: the change in log-odds per training standard deviation of its column. */
ST_API double st_logreg_bias(const st_logreg *m);
ST_API const double *st_logreg_col_means(const st_logreg *m);
ST_API const double *st_logreg_col_sds(const st_logreg *m);

/* How training went: iterations used, the final value of the objective above (on the
 * solver's scale, i.e. standardised when standardize is on), its relative gap (see
 * Solvers above), and whether that gap reached tol. */
ST_API int st_logreg_iterations(const st_logreg *m);
ST_API double st_logreg_objective(const st_logreg *m);
ST_API double st_logreg_gap(const st_logreg *m);
ST_API int st_logreg_converged(const st_logreg *m);

/* Wald statistics of the intercept and coefficients, on the original scale:
 *
 *     se         sqrt of the diagonal of the covariance below
 *     z          estimate / se;  p_value = 2 (1 - Phi(|z|)), two-sided
 *     ci         estimate -+ Phi^-1((1 + level) / 2) * se  (level 0.95: -+ 1.96 se)
 *     odds ratio exp(estimate), with interval exp(ci)
 *
 * The covariance is the inverse of the Hessian of the training objective (penalty
 * included) at the solution, scaled to the un-normalised weights: for an unpenalised fit,
 * (sum_i w_i p_i (1 - p_i) [1 x_i][1 x_i]^T)^-1, the usual Wald covariance. Weights count
 * as frequency weights: a row of weight 2 is two identical rows (class weights too), so
 * multiplying every weight by k divides the standard errors by sqrt(k). Under a ridge
 * penalty (lambda > 0) the estimates are biased toward 0 and these intervals and p-values
 * are approximate: they ignore the bias and are narrower than the sampling variability
 * of an unpenalised fit. They are computed at training, when the fit has no L1 part
 * (alpha = 0 or lambda = 0) and at most 256 expanded columns, and are not stored in
 * model files. A column constant in training gets NaN statistics.
 *
 * st_logreg_has_coef_stats: 1 when they are available. st_logreg_coef_stats writes
 * n_coefs + 1 entries to out, the intercept first, then coefficient k at out[1 + k];
 * level is the confidence level in (0, 1). It fails with ST_ERR_INVALID_ARG, saying why,
 * when they are not available: an L1 penalty, more than 256 columns, a model loaded from a
 * file, or a singular Hessian (collinear columns with lambda = 0, such as every level of a
 * one-hot next to the intercept); that check comes first, so a call with out = NULL
 * yields just the reason. */
typedef struct st_logreg_coef_stat {
    double estimate;          /* intercept or coefficient, original scale */
    double se;                /* standard error */
    double z;                 /* estimate / se */
    double p_value;           /* two-sided, for estimate = 0 */
    double ci_low, ci_high;   /* Wald confidence interval */
    double odds_ratio;        /* exp(estimate) */
    double or_low, or_high;   /* exp(ci_low), exp(ci_high) */
} st_logreg_coef_stat;

ST_API int st_logreg_has_coef_stats(const st_logreg *m);
ST_API st_status st_logreg_coef_stats(const st_logreg *m, double level,
                                      st_logreg_coef_stat *out /* OUT */, size_t n_out,
                                      st_error *err);

/* Model files: a versioned, human-readable text file ("stratum-model 1 logreg" on the
 * first line) holding the training parameters, the feature transformation, the named
 * coefficients and the training diagnostics, ending in a checksum line. Numbers are
 * written so that they read back exactly: a loaded model predicts bit-identically.
 *
 * st_logreg_save replaces path atomically: it writes a temporary file next to it and
 * renames it over path, so a failed or interrupted save leaves any old file unchanged
 * (ST_ERR_IO). st_logreg_load fails with ST_ERR_FORMAT and "path:line: ..." on a file that
 * is not a model, is of a newer format version, is truncated, corrupt (checksum mismatch)
 * or malformed; with ST_ERR_IO when the file cannot be read. On failure *out is NULL. */
ST_API st_status st_logreg_save(const st_logreg *m, const char *path, st_error *err);
ST_API st_status st_logreg_load(const char *path, st_logreg **out /* OUT */, st_error *err);

/* Frees the model. NULL is a harmless no-op. */
ST_API void st_logreg_free(st_logreg *m);

/* Text columns (stratum/text.h). A model trained on the term columns of text featurizers
 * can keep them, so that whoever scores it featurizes raw text as the training did:
 * st_logreg_add_text_featurizer hands f to the model (which frees it; on failure the caller
 * keeps it), to be done before the model is shared or saved; st_logreg_save writes them
 * after the rest (a model without them is written as before) and st_logreg_load reads them.
 * The scoring functions take the featurized dataset: st_text_transform(the model's
 * featurizers, raw data) first. Accessors: how many, and the k-th (owned by the model). */
ST_API st_status st_logreg_add_text_featurizer(st_logreg *m, st_text_featurizer *f,
                                               st_error *err);
ST_API size_t st_logreg_n_text_featurizers(const st_logreg *m);
ST_API const st_text_featurizer *st_logreg_text_featurizer(const st_logreg *m, size_t k);

/* Post-processing (stratum/calibration.h): a calibration map applied to every probability
 * st_logreg_predict returns, and a decision threshold on those (calibrated) probabilities.
 * A trained model has neither. Both are saved in the model file and loaded back exactly.
 *
 * The setters modify the model: call them while building it (the training pipeline,
 * before saving it or sharing it between threads), never while another thread uses it.
 * st_logreg_set_calibration keeps a copy of c (NULL removes the map; c stays the
 * caller's). st_logreg_set_threshold validates t (st_decision_threshold_check; NULL
 * removes the threshold) and fails with ST_ERR_INVALID_ARG, leaving the model unchanged.
 *
 * st_logreg_calibration returns the model's map (NULL when none; owned by the model,
 * valid until it is freed or the map is replaced). st_logreg_threshold returns the
 * threshold, NaN when there is none; a row is positive when its probability is >= it.
 * st_logreg_threshold_info fills *t and returns 1, or returns 0 when there is none. */
ST_API st_status st_logreg_set_calibration(st_logreg *m, const st_calibration *c,
                                           st_error *err);
ST_API st_status st_logreg_set_threshold(st_logreg *m, const st_decision_threshold *t,
                                         st_error *err);
ST_API const st_calibration *st_logreg_calibration(const st_logreg *m);
ST_API double st_logreg_threshold(const st_logreg *m);
ST_API int st_logreg_threshold_info(const st_logreg *m, st_decision_threshold *t /* OUT */);
/* The positive class's label text when the default rule would not read it so (see
 * st_model_positive_class), else NULL; owned by the model. */
ST_API const char *st_logreg_positive_class(const st_logreg *m);
/* For a caller that trained on 0/1 labels it coded from its own (the Python package's
 * classes_): records the texts of the positive and the negative class, as training from a
 * file does, when the default rule would not read them so (NULL or "" records none).
 * Only while the model is not shared between threads. ST_ERR_INVALID_ARG (m NULL),
 * ST_ERR_NOMEM or ST_OK. */
ST_API st_status st_logreg_set_class_texts(st_logreg *m, const char *positive, const char *negative,
                                        st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_LOGREG_H */
