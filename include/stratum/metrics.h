/* stratum/metrics.h: evaluating a binary classifier's scores against 0/1 labels, with the
 * metrics that matter on imbalanced data. Include <stratum.h> rather than this file.
 *
 *     st_eval_params prm = st_eval_params_default();     // threshold 0.5, 1000 resamples
 *     prm.rule = ST_THRESHOLD_MAX_F1;
 *     st_eval ev;
 *     if (st_evaluate(p, st_dataset_labels(ds), st_dataset_weights(ds), n, &prm, &ev, &err)
 *         != ST_OK) { ... err.message ... }
 *     printf("PR-AUC %.3f (95%% CI %.3f-%.3f)\n", ev.value[ST_METRIC_PR_AUC],
 *            ev.ci_low[ST_METRIC_PR_AUC], ev.ci_high[ST_METRIC_PR_AUC]);
 *
 * Inputs, for every function here: n scores (any finite numbers; the probability metrics
 * need them in [0, 1]), n labels each exactly 0 or 1, and n row weights that are finite and
 * >= 0, or NULL for unit weights. Labels and weights are floats, as st_dataset_labels and
 * st_dataset_weights return them. A row of weight 0 counts for nothing. A positive is
 * predicted when score >= threshold. Every count below is a sum of weights.
 *
 * Definitions (they agree with scikit-learn 1.2 given sample_weight wherever scikit-learn
 * defines the value):
 *   ROC-AUC   area under the ROC curve by the trapezoid rule over the distinct scores, so
 *             tied scores count one half (roc_auc_score)
 *   PR-AUC    average precision: sum over distinct scores, from the highest, of
 *             (recall_k - recall_{k-1}) * precision_k, step-wise with no interpolation
 *             (average_precision_score)
 *   log loss  weighted mean of -y log p - (1 - y) log(1 - p), p clipped to
 *             [eps, 1 - eps] with eps = DBL_EPSILON (log_loss, eps="auto")
 *   Brier     weighted mean of (p - y)^2 (brier_score_loss)
 *   prevalence  positive weight / total weight
 *   at the threshold, from the confusion matrix tp fp tn fn:
 *   precision tp / (tp + fp)        recall (sensitivity) tp / (tp + fn)
 *   specificity tn / (tn + fp)      NPV tn / (tn + fn)      accuracy (tp + tn) / total
 *   F-beta    (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp); F1 is b = 1
 *   balanced accuracy (recall + specificity) / 2
 *   MCC       (tp tn - fp fn) / sqrt((tp + fp)(tp + fn)(tn + fp)(tn + fn))
 *   calibration intercept and slope: a and b of the weighted logistic regression
 *             y ~ a + b logit(p) (p clipped as for log loss), fitted by Newton's method;
 *             a is the joint fit's intercept, not calibration-in-the-large:
 *   calibration-in-the-large  a of y ~ a + logit(p), the slope fixed at 1 (logit(p) an
 *             offset): 0 when the mean risk is right, < 0 when it is overestimated
 *
 * Undefined values are NaN and flagged, never 0: a ratio whose denominator is 0 (precision
 * when nothing is predicted positive, AUCs or recall without positive weight, MCC when a
 * row or column of the confusion matrix is empty, ...), the probability metrics when a
 * score lies outside [0, 1], the calibration intercept and slope when their maximum-
 * likelihood fit does not exist (one class, constant scores, or scores that separate the
 * classes: every positive scoring at or above every negative, or at or below, where the
 * likelihood rises without bound as the slope grows) or does not converge, and
 * calibration-in-the-large with one class. scikit-learn returns 0 or a partial average in several of
 * these cases (zero_division, matthews_corrcoef, balanced_accuracy_score).
 *
 * Everything is deterministic: the same inputs and seed give bit-identical results for any
 * number of threads. No function keeps state between calls. */
#ifndef STRATUM_METRICS_H
#define STRATUM_METRICS_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Index of each metric in st_eval's arrays. The numbers are stable; new metrics are
 * added before ST_METRIC_COUNT. */
typedef enum st_metric {
    ST_METRIC_ROC_AUC = 0,
    ST_METRIC_PR_AUC,
    ST_METRIC_LOG_LOSS,
    ST_METRIC_BRIER,
    ST_METRIC_PREVALENCE,
    ST_METRIC_PRECISION,
    ST_METRIC_RECALL,
    ST_METRIC_SPECIFICITY,
    ST_METRIC_NPV,
    ST_METRIC_ACCURACY,
    ST_METRIC_F1,
    ST_METRIC_FBETA,
    ST_METRIC_BALANCED_ACCURACY,
    ST_METRIC_MCC,
    ST_METRIC_CALIBRATION_INTERCEPT,
    ST_METRIC_CALIBRATION_SLOPE,
    ST_METRIC_CALIBRATION_IN_THE_LARGE,
    ST_METRIC_COUNT
} st_metric;

/* A static, stable snake_case name: "roc_auc", "pr_auc", "log_loss", "brier",
 * "prevalence", "precision", "recall", "specificity", "npv", "accuracy", "f1", "fbeta",
 * "balanced_accuracy", "mcc", "calibration_intercept", "calibration_slope",
 * "calibration_in_the_large"; NULL when m is out of range. */
ST_API const char *st_metric_name(st_metric m);
/* The label people read for the same metric (text, markdown and HTML tables): "ROC-AUC",
 * "PR-AUC" (average precision), "log loss", "Brier", "prevalence", "precision",
 * "recall", "specificity", "NPV", "accuracy", "F1", "F-beta", "balanced accuracy", "MCC",
 * "calibration intercept", "calibration slope", "calibration-in-the-large"; NULL when m is
 * out of range. st_metric_name is the key of machine-read output (JSON, CSV). */
ST_API const char *st_metric_label(st_metric m);

/* How the threshold is chosen. The data-driven rules look only at the distinct scores of
 * rows with non-zero weight, and break ties by taking the highest threshold. */
typedef enum st_threshold_rule {
    ST_THRESHOLD_FIXED = 0,     /* the threshold given */
    ST_THRESHOLD_MAX_F1,        /* the score that maximises F1 */
    ST_THRESHOLD_MAX_FBETA,     /* the score that maximises F-beta */
    ST_THRESHOLD_YOUDEN,        /* the score that maximises recall + specificity - 1 */
    ST_THRESHOLD_MIN_RECALL,    /* the highest score keeping recall >= min_recall */
    ST_THRESHOLD_MIN_PRECISION  /* the lowest score with precision >= min_precision */
} st_threshold_rule;

/* Options of st_evaluate. Start from st_eval_params_default(). */
typedef struct st_eval_params {
    st_threshold_rule rule; /* default ST_THRESHOLD_FIXED */
    double threshold;       /* for ST_THRESHOLD_FIXED, any number (default 0.5); NaN for
                               none: every metric at the threshold is then undefined */
    double beta;            /* F-beta's beta, > 0 (default 2: recall counts 4 times as much) */
    double min_recall;      /* for ST_THRESHOLD_MIN_RECALL, in [0, 1] (default 0.9) */
    double min_precision;   /* for ST_THRESHOLD_MIN_PRECISION, in [0, 1] (default 0.5) */
    int n_bootstrap;        /* bootstrap resamples, 0 = no CIs (default 1000) */
    unsigned long long seed; /* of the resampling (default ST_DEFAULT_SEED, 42) */
    int n_threads;          /* threads for the resampling; 0 = all (default 0) */
    /* How a resample draws its rows. 0 (default): n rows from all rows, as a cohort is
       sampled, so the number of positives varies as it would in another cohort of n; the
       intervals of prevalence, precision, F1, Brier score and log loss need that variation
       (with the class counts held fixed they covered the truth 25 to 70% of the time at
       2 to 5% prevalence). A resample with one class leaves the metrics that need both
       undefined, and such resamples are left out (ci_resamples counts the rest).
       1: the positives from the positive rows and the negatives from the negative rows,
       for a case-control sample whose class counts the design fixed. */
    int stratified;
} st_eval_params;

ST_API st_eval_params st_eval_params_default(void);

/* NULL when the parameters are valid, else a static message. st_evaluate calls it too. */
ST_API const char *st_eval_params_check(const st_eval_params *prm);

/* Weighted confusion matrix at a threshold. */
typedef struct st_confusion {
    double tp, fp, tn, fn;
} st_confusion;

#define ST_CALIBRATION_BINS 10

/* One bin of the calibration table: the rows sorted by score (ties in row order) are
 * cut into ST_CALIBRATION_BINS groups of equal row count (sizes differ by at most one). */
typedef struct st_calibration_bin {
    size_t n_rows;         /* rows in the bin */
    double weight;         /* their total weight */
    double score_min, score_max; /* range of their scores */
    double mean_predicted; /* weighted mean score; NaN when weight is 0 */
    double observed;       /* weighted share of positives; NaN when weight is 0 */
} st_calibration_bin;

/* Everything st_evaluate measures. Plain data: no destructor. */
typedef struct st_eval {
    size_t n_rows, n_positive, n_negative; /* rows, whatever their weight */
    double weight_positive, weight_negative;
    double threshold;       /* the threshold used; NaN when the rule could not be met (then
                               every metric at the threshold is undefined) */
    st_confusion confusion; /* at threshold; all four NaN when threshold is NaN (no row is
                               predicted either way) */
    double value[ST_METRIC_COUNT];  /* indexed by st_metric; NaN when undefined */
    unsigned undefined;     /* bit (1u << m) set when value[m] is undefined */
    /* Bootstrap percentile CI (see st_evaluate); NaN when n_bootstrap is 0, when value[m]
     * is undefined (an undefined value has no interval) or when the metric is undefined in
     * every resample. */
    int n_bootstrap;
    double ci_low[ST_METRIC_COUNT], ci_high[ST_METRIC_COUNT];
    int ci_resamples[ST_METRIC_COUNT]; /* resamples in which the metric was defined, of
                                          those the CI rests on (0 when value[m] is
                                          undefined) */
    /* DeLong's estimate of the variance of ROC-AUC and its 95% CI, AUC -+ 1.96 SE clipped
     * to [0, 1]. Unweighted only: NaN when weights are given (use the bootstrap CI) or
     * when a class has fewer than 2 rows. */
    double delong_variance, delong_low, delong_high;
    st_calibration_bin calibration[ST_CALIBRATION_BINS]; /* all n_rows = 0 when n < 10 */
} st_eval;

/* 1 when value[m] of ev is undefined. */
static inline int st_eval_undefined(const st_eval *ev, st_metric m)
{
    return (ev->undefined >> (unsigned)m) & 1u;
}

/* Computes every metric, the threshold by prm->rule, and the confidence intervals.
 *
 * The bootstrap draws, in resample b, n rows with replacement from all n rows (by default;
 * the number of positives varies from resample to resample), or with prm->stratified as
 * many positive rows from the positive rows as there are and likewise the negatives, so
 * each resample keeps the class counts (then, without weights, the prevalence is the same
 * in every resample: a zero-width CI). Its random numbers come from splitmix64 seeded by
 * (seed, b), so results do not depend on the thread count. Metrics at the threshold are
 * evaluated at the threshold chosen on the full data (the operating point is held fixed).
 * The CI of each metric is the 2.5th and 97.5th percentile (linear interpolation, as
 * numpy.percentile) of its values over the resamples in which it is defined; a metric
 * undefined on the full data has no CI.
 *
 * Fails with ST_ERR_INVALID_ARG for NULL arrays, n = 0 or bad parameters, ST_ERR_DATA for a
 * non-finite score, a label other than 0/1 or a bad weight (naming the row), and
 * ST_ERR_NOMEM. One class only is not an error: the metrics that need both are undefined.
 * prm may be NULL for the defaults. On failure *out holds no results: counts 0, every
 * value, CI and the threshold NaN. */
ST_API st_status st_evaluate(const double *scores, const float *labels, const float *weights,
                             size_t n, const st_eval_params *prm, st_eval *out /* OUT */,
                             st_error *err);

/* The sentence that names ev's metrics whose bootstrap interval has width 0 (ci_low ==
 * ci_high, the value defined), as a note under a table of them should: "recall,
 * specificity have an interval of width 0: every resample gave the same value, as happens
 * when a count it rests on is 0 or all of its rows; that is no certainty (0 of k rows has
 * an exact 95% interval up to about 3/k)". Written into buf (cut to size, NUL-terminated;
 * "" when none; buf may be NULL with size 0 to count only). The prevalence of a stratified
 * bootstrap (stratified 1) is fixed by design and not named. Returns how many metrics the
 * sentence names. */
ST_API size_t st_eval_zero_width_note(const st_eval *ev, int stratified, char *buf,
                                      size_t size);

/* The ROC curve: one point per distinct score of the rows with non-zero weight, from the
 * highest, preceded by the point (0, 0) at threshold +infinity (the points of scikit-learn's
 * roc_curve with drop_intermediate=False). fpr or tpr is NaN when that class has no weight.
 * Call with cap = 0 (arrays may be NULL) to learn the size in *n_points; with cap >=
 * *n_points the arrays are filled; a smaller cap is ST_ERR_INVALID_ARG. */
ST_API st_status st_roc_curve(const double *scores, const float *labels, const float *weights,
                              size_t n, double *fpr, double *tpr, double *thresholds,
                              size_t cap, size_t *n_points /* OUT */, st_error *err);

/* The precision-recall curve: one point per distinct score of the rows with non-zero
 * weight, from the highest (scikit-learn's precision_recall_curve in reverse, without its
 * final (recall 0, precision 1) point). Recall is NaN without positive weight. Sizes as
 * for st_roc_curve. */
ST_API st_status st_pr_curve(const double *scores, const float *labels, const float *weights,
                             size_t n, double *precision, double *recall, double *thresholds,
                             size_t cap, size_t *n_points /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_METRICS_H */
