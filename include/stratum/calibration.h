/* stratum/calibration.h: recalibrating predicted probabilities, and the decision threshold
 * a model carries. Include <stratum.h> rather than this file.
 *
 * A model trained with class weights ranks rows well but overstates the risk: its
 * probabilities are no longer frequencies. A calibration map p -> p', fitted on
 * out-of-fold predictions (never on the rows a model was trained on), repairs that.
 *
 *     st_calibration *c = NULL;
 *     if (st_calibration_fit_platt(oof_p, labels, weights, n, &c, &err) != ST_OK) { ... }
 *     double q = st_calibration_apply(c, 0.31);
 *     st_logreg_set_calibration(model, c, &err);   // the model keeps a copy
 *     st_calibration_free(c);
 *
 * The two maps, as scikit-learn's CalibratedClassifierCV fits them:
 *
 * - Platt (method="sigmoid"): p' = 1 / (1 + exp(-(a * logit(p) + b))), with logit(p) of p
 *   clipped to [DBL_EPSILON, 1 - DBL_EPSILON] (so p = 0 or 1 stays finite). a and b
 *   minimise the weighted log loss of p' against Platt's smoothed targets, as
 *   scikit-learn 1.2's _sigmoid_calibration does: a positive counts as (N+ + 1) / (N+ + 2)
 *   and a negative as 1 / (N- + 2), where N+ and N- are the positives' and negatives'
 *   total weight (Platt 1999, section 2.2). The smoothing keeps a and b finite when the
 *   classes are separable. The minimum is found by Newton's method with a backtracking
 *   line search and a tiny ridge on the Hessian (Lin, Lin and Weng 2007), started from
 *   a = 0, b = log((N+ + 1) / (N- + 1)); it stops when the Newton step changes a and b by
 *   less than 1e-12 (relative) or after 100 iterations. scikit-learn writes the map as
 *   1 / (1 + exp(A f + B)) with f = logit(p) as the decision function: a = -A, b = -B.
 *
 * - Isotonic: the non-decreasing step function of p closest to the labels in weighted
 *   least squares, by pool-adjacent-violators. Rows of weight 0 are dropped; rows with
 *   equal p are pooled first (weighted mean label, summed weight). It is stored as
 *   breakpoints (x_k, y_k), x strictly increasing and y non-decreasing in [0, 1]: only
 *   the first and last point and the points where y changes on either side are kept
 *   (scikit-learn's trimming). p' is linear between breakpoints and clipped to
 *   [x_first, x_last] outside, as IsotonicRegression(out_of_bounds="clip"). (scikit-learn
 *   also pools p values closer than 1e-15; stratum pools equal values only.)
 *
 * A calibration map is plain immutable data once made: any number of threads may apply
 * it at once. */
#ifndef STRATUM_CALIBRATION_H
#define STRATUM_CALIBRATION_H

#include <stddef.h>
#include "common.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_calibration_method {
    ST_CALIBRATION_NONE = 0,     /* no map: p' = p */
    ST_CALIBRATION_PLATT = 1,    /* logistic in logit(p) */
    ST_CALIBRATION_ISOTONIC = 2  /* monotone, piecewise linear */
} st_calibration_method;

typedef struct st_calibration st_calibration;

/* Fit a map to n scores p (probabilities in [0, 1]), labels (each 0 or 1) and weights
 * (finite, >= 0; NULL for unit weights), as described above. Fails with
 * ST_ERR_INVALID_ARG for NULL arrays or n = 0, ST_ERR_DATA for a score outside [0, 1] or
 * NaN, a bad label or weight (naming the row) or no positive weight in one class,
 * ST_ERR_NUMERIC when Platt's fit does not converge, and ST_ERR_NOMEM. On success *out is
 * a new map (free it with st_calibration_free); on failure NULL. */
ST_API st_status st_calibration_fit_platt(const double *p, const float *labels,
                                          const float *weights, size_t n,
                                          st_calibration **out /* OUT */, st_error *err);
ST_API st_status st_calibration_fit_isotonic(const double *p, const float *labels,
                                             const float *weights, size_t n,
                                             st_calibration **out /* OUT */, st_error *err);

/* Make a map from known parameters: Platt's a and b (finite), or n >= 1 isotonic
 * breakpoints (x strictly increasing in [0, 1], y non-decreasing in [0, 1]; copied).
 * ST_ERR_INVALID_ARG, saying what is wrong, otherwise. */
ST_API st_status st_calibration_make_platt(double a, double b, st_calibration **out /* OUT */,
                                           st_error *err);
ST_API st_status st_calibration_make_isotonic(const double *x, const double *y, size_t n,
                                              st_calibration **out /* OUT */, st_error *err);

/* A copy of c (NULL gives *out = NULL and ST_OK). */
ST_API st_status st_calibration_copy(const st_calibration *c, st_calibration **out /* OUT */,
                                     st_error *err);

/* p' for one probability. NaN stays NaN; c NULL returns p. Allocates nothing. */
ST_API double st_calibration_apply(const st_calibration *c, double p);

/* What the map is: its method (ST_CALIBRATION_NONE for NULL), Platt's a and b (NaN for
 * another method), and the isotonic breakpoints (0 and NULL for another method; the
 * pointers stay valid until st_calibration_free). */
ST_API st_calibration_method st_calibration_method_of(const st_calibration *c);
ST_API double st_calibration_platt_a(const st_calibration *c);
ST_API double st_calibration_platt_b(const st_calibration *c);
ST_API size_t st_calibration_n_points(const st_calibration *c);
ST_API const double *st_calibration_points_x(const st_calibration *c);
ST_API const double *st_calibration_points_y(const st_calibration *c);

/* "none", "platt" or "isotonic"; NULL when out of range. */
ST_API const char *st_calibration_method_name(st_calibration_method m);

/* Frees the map. NULL is a harmless no-op. */
ST_API void st_calibration_free(st_calibration *c);

/* A decision threshold stored in a model (st_logreg_set_threshold, st_gbdt_set_threshold):
 * a row is labelled positive when its final (calibrated, if the model has a map)
 * probability is >= value, the convention of st_evaluate. rule and rule_param record how
 * it was chosen: ST_THRESHOLD_FIXED when it was given; for ST_THRESHOLD_MAX_FBETA the
 * beta, for ST_THRESHOLD_MIN_RECALL / _MIN_PRECISION the minimum; NaN otherwise. */
typedef struct st_decision_threshold {
    double value;            /* in [0, 1] */
    st_threshold_rule rule;
    double rule_param;
} st_decision_threshold;

/* NULL when t is valid (value in [0, 1], a known rule, rule_param in range for its rule:
 * beta > 0, minimum in [0, 1]), else a static message. The setters call it too. */
ST_API const char *st_decision_threshold_check(const st_decision_threshold *t);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_CALIBRATION_H */
