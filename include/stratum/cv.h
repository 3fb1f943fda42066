/* stratum/cv.h: k-fold cross-validation of logistic regression or boosted trees at one
 * setting, as `stratum cv` runs it (docs/cv.md, docs/library.md). Include <stratum.h>
 * rather than this file.
 *
 *     st_cv_params cp = st_cv_params_default();      // logreg, 5 stratified folds, seed 42
 *     cp.family = ST_CV_GBDT;
 *     st_cv_result *res = NULL;
 *     if (st_cv_run(ds, &cp, &res, &err) != ST_OK) { puts(err.message); ... }
 *     printf("ROC-AUC %.4f [%.4f, %.4f]\n", res->summary[ST_METRIC_ROC_AUC].mean,
 *            res->summary[ST_METRIC_ROC_AUC].low, res->summary[ST_METRIC_ROC_AUC].high);
 *     st_cv_result_free(res);
 *
 * The rows are split into folds by st_folds_make (stratum/folds.h: stratified, grouped, or
 * given), repeated with new shuffles. Each fold's model is trained on the other folds'
 * rows and predicts the fold; the fold is evaluated with st_evaluate (no bootstrap) at a
 * threshold chosen without it: a fixed one, or a rule applied to out-of-fold predictions of
 * an inner stratified cross-validation of the training part (threshold_folds, grouped like
 * the outer folds), or to the training part's own predictions (threshold_folds 0). Text
 * columns are featurized by featurizers fitted on each training part alone. Each metric is
 * then summarised over the folds where it is defined: mean, SD and a 95% interval for the
 * mean by the corrected resampled t (st_cv_summarise_folds). The same data, parameters and seeds give the same result
 * whatever the thread count. Nothing is printed; progress goes to the callback. */
#ifndef STRATUM_CV_H
#define STRATUM_CV_H

#include <stddef.h>

#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "logreg.h"
#include "logreg_path.h"
#include "calibration.h"
#include "metrics.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_cv_family { ST_CV_LOGREG = 0, ST_CV_GBDT = 1 } st_cv_family;

/* What the progress callback is told: a fold starts, or it is done (its metrics). */
typedef enum st_cv_event {
    ST_CV_FOLD_START = 0,
    ST_CV_FOLD_DONE = 1,
    ST_CV_ALL_ROWS_START = 2, /* st_cv_path_run: the path on all rows (repeat, fold 0) */
    ST_CV_ALL_ROWS_DONE = 3
} st_cv_event;

typedef struct st_cv_progress {
    st_cv_event event;
    size_t repeat, fold;          /* 0-based, of n_repeats and n_folds */
    size_t n_repeats, n_folds;
    size_t n_train, n_test;       /* rows of the fold's two parts (FOLD_DONE only) */
    const double *value;          /* FOLD_DONE of st_cv_run: the fold's ST_METRIC_COUNT metrics
                                     (NaN when undefined), valid during the call; else NULL */
    size_t n_lambda;              /* st_cv_path_run from ALL_ROWS_DONE on: the lambdas on the
                                     path (the path may stop before popt->n_lambda); else 0 */
} st_cv_progress;

/* Called on the calling thread; it only reads p. The result is the same with or without. */
typedef void (*st_cv_progress_fn)(const st_cv_progress *p, void *user_data);

struct st_cv_params;

/* One fold as its model left it, for a caller that does more with each fold (stratum
 * compare calibrates it on an inner cross-validation of the training part). Valid during
 * the call only. */
typedef struct st_cv_part {
    size_t repeat, fold;                  /* 0-based */
    const st_dataset *train, *test;       /* the two parts, text columns not featurized */
    const size_t *train_rows, *test_rows; /* their rows in the dataset cross-validated */
    const double *p_test;                 /* the fold model's P(y = 1) of test's rows */
    const struct st_cv_params *chosen;    /* the parameters with the lambda or number of
                                             trees the fold's fit chose (when it chose) and
                                             groups of train's rows: for inner
                                             cross-validations of train (st_cv_oof) */
} st_cv_part;

/* Returns ST_OK to go on; anything else stops st_cv_run with that status and err. */
typedef st_status (*st_cv_part_fn)(const st_cv_part *part, void *user_data, st_error *err);

/* The model and the folds. Start from st_cv_params_default(). Nothing here is kept after
 * st_cv_run returns; every pointer is borrowed for the call. */
typedef struct st_cv_params {
    st_cv_family family;          /* ST_CV_LOGREG (default) or ST_CV_GBDT */
    st_logreg_params logreg;      /* its parameters for logreg (st_logreg_params_default();
                                     lambda chosen by each training part's own inner
                                     cross-validation, seeded by logreg.cv_seed); its
                                     progress callback, if any, is passed on */
    st_gbdt_params gbdt;          /* its parameters for gbdt (st_gbdt_params_default()) */
    const st_gbdt_train_callbacks *gbdt_callbacks; /* NULL (default), or given to each
                                     st_gbdt_train_ex (progress of the trees) */
    double valid_fraction;        /* gbdt: share of each training part held out, stratified
                                     and seeded by gbdt.seed, as the validation set for early
                                     stopping; the test fold never is (0 = none, default) */
    int n_threads;                /* threads of the fits, predictions and metrics; 0 = all
                                     (default); replaces those of logreg, gbdt and eval */
    /* The folds (st_folds_make). */
    size_t n_folds;               /* k >= 2 (default 5); not used with fold_ids */
    size_t n_repeats;             /* >= 1 (default 1); 1 with fold_ids */
    unsigned long long seed;      /* of the folds and of the inner threshold folds
                                     (default ST_DEFAULT_SEED, 42, as the CLI's --seed) */
    const double *groups;         /* NULL, or a group id per row (e.g. a patient): a group is
                                     never split across folds, nor across the inner folds */
    const double *fold_ids;       /* NULL, or the fold of each row given by the caller (its
                                     distinct values in ascending order); excludes groups */
    /* The threshold each fold is evaluated at. */
    st_eval_params eval;          /* rule and its options (n_bootstrap and n_threads unused;
                                     default: fixed 0.5) */
    size_t threshold_folds;       /* with a rule: inner folds it is applied on, >= 2, or 0 for
                                     the training part's own predictions (default 3) */
    /* Text columns (stratum/text.h), featurized per training part. */
    const char *const *text_cols; /* n_text_cols feature names, or NULL */
    size_t n_text_cols;
    st_text_options text;         /* their featurizer (st_text_options_default()) */
    st_cv_progress_fn progress;   /* NULL (default) or called at each fold's start and end */
    void *progress_data;          /* passed to progress as is */
    st_cv_part_fn on_part;        /* NULL (default) or called after each fold's evaluation */
    void *part_data;              /* passed to on_part as is */
    /* Stopping early (stratum/common.h). */
    st_should_stop_fn should_stop; /* NULL (default), or asked before each fold (and inner
                                     fold) and passed to each fit whose logreg or gbdt
                                     should_stop is NULL (asked there between trees or
                                     solver iterations): nonzero fails st_cv_run (and
                                     st_cv_fit_predict, st_cv_oof, st_cv_post_fit,
                                     st_cv_path_run) with ST_ERR_CANCELLED */
    void *should_stop_data;       /* passed to should_stop as is */
} st_cv_params;

ST_API st_cv_params st_cv_params_default(void);

/* A metric over the folds: mean, SD and the 95% interval mean -+ t(0.975, m-1) sd / sqrt(m)
 * over the m folds where it is defined, clipped to the metric's range ([0, 1] for most,
 * [-1, 1] for MCC, [0, inf) for log loss). mean is NaN when m is 0; sd, low and high when
 * m < 2. */
typedef struct st_cv_summary {
    size_t defined;               /* m */
    double mean, sd, low, high;
} st_cv_summary;

/* One fold of one repeat. */
typedef struct st_cv_fold {
    size_t repeat, fold;          /* 0-based */
    size_t n_train, n_test;
    double value[ST_METRIC_COUNT]; /* st_evaluate's metrics on the test fold; NaN when
                                     undefined there (e.g. ROC-AUC with one class) */
    double threshold;             /* the threshold the metrics are at (NaN: no threshold met
                                     the rule) */
} st_cv_fold;

/* What st_cv_run returns; owned by the caller, freed with st_cv_result_free. */
typedef struct st_cv_result {
    st_cv_family family;
    size_t n_rows, n_folds, n_repeats;
    st_cv_fold *folds;            /* n_repeats * n_folds, repeat-major: folds[r * n_folds + f] */
    int *fold_of;                 /* n_repeats * n_rows: test fold (0-based) of row i in
                                     repeat r at [r * n_rows + i] */
    double *oof;                  /* n_repeats * n_rows: P(y = 1) of row i in repeat r from the
                                     model that did not see it, at [r * n_rows + i] */
    st_cv_summary summary[ST_METRIC_COUNT]; /* each metric over all folds and repeats */
    st_cv_summary threshold;      /* the thresholds, summarised the same way */
} st_cv_result;

/* Cross-validates prm's model on ds (labels required). On success *out is a new result;
 * on failure *out is NULL and err says why: bad parameters (naming the field), rows that
 * cannot make the folds (st_folds_make's message), or a fold that fails ("logreg, fold 2 of
 * repeat 1: " and the trainer's message). prm may be NULL for the defaults. */
ST_API st_status st_cv_run(const st_dataset *ds, const st_cv_params *prm,
                           st_cv_result **out /* OUT */, st_error *err);
ST_API void st_cv_result_free(st_cv_result *res); /* NULL-safe */

/* The summary of m values (NaN ones are skipped) of metric `metric`, or of thresholds when
 * metric < 0 (no clipping): the mean, SD and Student's t interval of m independent values,
 * mean +- t975(d - 1) sd / sqrt(d) over the d defined ones. */
ST_API st_cv_summary st_cv_summarise(const double *values, size_t m, int metric);

/* The summary of metric `metric` (thresholds when < 0) over m cross-validation folds, as in
 * st_cv_result: the interval is the corrected resampled t of Nadeau and Bengio (2003),
 * mean +- t975(d - 1) sd sqrt(1/d + n_test/n_train) (the folds' total test and training
 * rows), not sd / sqrt(d): the folds' training sets overlap and repeats reuse the same
 * rows, so the folds are not independent, and the plain interval shrank with every repeat
 * (16 repeats of 5 folds: 5 times narrower, for no new data; in simulation it covered the
 * truth 41% of the time at 10 repeats). More repeats now narrow it only as far as the data
 * allow; it remains approximate (below nominal for prevalence-dependent metrics on small
 * data). NULL folds or no memory: an empty summary (defined 0). */
ST_API st_cv_summary st_cv_summarise_folds(const st_cv_fold *folds, size_t m, int metric);

/* The two-sided 95% quantile of Student's t with df degrees of freedom (NaN for 0). */
ST_API double st_cv_t975(size_t df);

/* The pieces st_cv_run is made of, for callers that run their own folds (stratum compare
 * and train --recalibrate): fits prm's model on tr (its text columns featurized by tr
 * alone) and writes P(y = 1) for te's rows into p_test and, when p_train is not NULL, for
 * tr's rows into p_train. When the fit chose its lambda or number of trees by itself and
 * chosen is not NULL, chosen->logreg.lambda or chosen->gbdt.num_trees gets that value. */
ST_API st_status st_cv_fit_predict(const st_cv_params *prm, const st_dataset *tr,
                                   const st_dataset *te, double *p_train, double *p_test,
                                   st_cv_params *chosen, st_error *err);

/* Out-of-fold predictions of an inner cross-validation of ds: oof[i] (n_rows(ds) of them)
 * from prm's model trained without row i's fold, `folds` folds stratified (grouped by
 * prm->groups when not NULL, then one id per row of ds) and seeded by seed. prm's own fold
 * fields are not used. */
ST_API st_status st_cv_oof(const st_cv_params *prm, const st_dataset *ds, size_t folds,
                           unsigned long long seed, double *oof, st_error *err);

/* The stratified hold-out split of a validation set (`--valid-fraction`): each class's rows
 * are shuffled (splitmix64 seeded by seed) and round(fraction * n_c) of them (at least 1,
 * at most n_c - 1; a class of one row stays in training) go to *valid, the others to
 * *train, both in ds's row order. fraction in (0, 1); ds needs labels. */
ST_API st_status st_cv_holdout_split(const st_dataset *ds, double fraction,
                                     unsigned long long seed, st_dataset **train /* OUT */,
                                     st_dataset **valid /* OUT */, st_error *err);

/* A model's post-processing fitted on out-of-fold predictions (`stratum train
 * --recalibrate`, `--threshold-rule`; `stratum compare --recalibrate`): an inner stratified
 * k-fold cross-validation of the training rows (grouped by the model's groups) gives each
 * row a prediction from a model that did not see it; the calibration map is fitted on
 * those (with the row weights, not the class weights: the map must give frequencies), and
 * the threshold rule is applied to the calibrated out-of-fold probabilities. The final
 * model is trained on all the rows by the caller. Start from st_cv_post_params_default(). */
typedef struct st_cv_post_params {
    st_calibration_method method; /* ST_CALIBRATION_NONE (default), _PLATT or _ISOTONIC */
    size_t folds;                 /* inner folds, >= 2 (default 5) */
    st_eval_params eval;          /* the threshold rule and its parameters (n_bootstrap
                                     unused); default fixed */
    int threshold_given;          /* with the fixed rule: 1 stores eval.threshold as the
                                     model's threshold; 0 (default): no threshold */
    unsigned long long seed;      /* of the inner folds (default ST_DEFAULT_SEED, 42) */
} st_cv_post_params;

ST_API st_cv_post_params st_cv_post_params_default(void);

/* What st_cv_post_fit returns; owned by the caller, freed with st_cv_post_result_free
 * (which frees cal too: st_logreg_set_calibration and st_gbdt_set_calibration copy it). */
typedef struct st_cv_post_result {
    st_calibration *cal;          /* the map, or NULL (method NONE) */
    int has_threshold;
    st_decision_threshold threshold; /* when has_threshold: the value, rule and parameter */
    size_t n_rows, n_folds;       /* rows; inner folds (0: no inner cross-validation ran) */
    int *fold;                    /* n_rows: inner test fold of each row, or NULL */
    double *oof_raw, *oof;        /* n_rows: out-of-fold probabilities before and after the
                                     map, or NULL */
    st_eval before, after;        /* st_evaluate of oof_raw and oof at the threshold (NaN
                                     when none), without bootstrap */
} st_cv_post_result;

/* Fits post's map and threshold for model's family and parameters (its fold fields are
 * not used; its groups, when not NULL, are one id per row of ds) on ds. Without a map or
 * a rule no model is trained (threshold_given only sets the threshold). Fails with
 * ST_ERR_DATA when no threshold meets the rule. */
ST_API st_status st_cv_post_fit(const st_dataset *ds, const st_cv_params *model,
                                const st_cv_post_params *post,
                                st_cv_post_result **out /* OUT */, st_error *err);
ST_API void st_cv_post_result_free(st_cv_post_result *res); /* NULL-safe */

/* The lambda path cross-validated as R's cv.glmnet does (`stratum cv logreg --lambda-path`,
 * glmnet 4.1's cv.lognet, cvcompute, cvstats and getOptcv.glmnet): the path on all rows
 * fixes the lambdas; each fold's training part is fitted on them; each test fold gets the
 * measure at every lambda: deviance -2 (y log p + (1 - y) log(1 - p)) with p clipped to
 * [1e-5, 1 - 1e-5], averaged with the row weights, or ROC-AUC or average precision
 * (st_evaluate). The curve is cvm = sum_f W_f v_f / sum_f W_f (W_f the total weight of fold
 * f) and cvsd = sqrt((sum_f W_f (v_f - cvm)^2 / sum_f W_f) / (F - 1)) over the F folds where
 * the value is defined (the folds of every repeat pooled). lambda_min is the largest lambda
 * with the best cvm (AUCs maximised), lambda_1se the largest lambda whose cvm is within one
 * cvsd of it. */
typedef enum st_cv_measure { ST_CV_DEVIANCE = 0, ST_CV_AUC = 1, ST_CV_PR_AUC = 2 } st_cv_measure;

/* What st_cv_path_run returns; owned by the caller, freed with st_cv_path_result_free. */
typedef struct st_cv_path_result {
    size_t n_rows, n_folds, n_repeats;
    size_t n_lambda;
    double *lambda;               /* n_lambda, decreasing: the path fitted on all rows */
    size_t *df;                   /* n_lambda: non-zero coefficients at each, on all rows */
    double *cvm, *cvsd;           /* n_lambda: the curve and its standard error (NaN where
                                     undefined) */
    size_t *defined;              /* n_lambda: folds where the measure is defined */
    int have_choice;              /* 0 when the measure is undefined at every lambda */
    size_t i_min, i_1se;          /* 0-based indices of lambda_min and lambda_1se */
    size_t n_fits, n_unconverged; /* path fits ((folds x repeats + 1) x n_lambda) and those
                                     that did not reach logreg.tol within max_iter */
    int *fold_of;                 /* n_repeats * n_rows, as in st_cv_result */
} st_cv_path_result;

/* Cross-validates the lambda path of prm->logreg (family logreg; no text columns yet;
 * threshold fields unused) with the path options popt (NULL: the defaults) on ds. The
 * progress callback hears ALL_ROWS_START/DONE, then each fold's START and DONE. */
ST_API st_status st_cv_path_run(const st_dataset *ds, const st_cv_params *prm,
                                const st_logreg_path_options *popt, st_cv_measure measure,
                                st_cv_path_result **out /* OUT */, st_error *err);
ST_API void st_cv_path_result_free(st_cv_path_result *res); /* NULL-safe */

#ifdef __cplusplus
}
#endif

#endif
