/* Evaluation metrics (st_evaluate, st_roc_curve, st_pr_curve) on tiny inputs whose values
 * are derived by hand in the comments: ties, one class only, zero weights, every threshold
 * rule, DeLong's variance, calibration, and bootstrap determinism across thread counts. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "core/float_sort.h"

#define TOL 1e-12

/* Six rows, descending scores, labels 1 0 1 1 0 0. */
static const double six_p[6] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
static const float six_y[6] = {1, 0, 1, 1, 0, 0};

static st_eval_params no_bootstrap(void)
{
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 0;
    return prm;
}

static st_eval evaluate_ok(const double *p, const float *y, const float *w, size_t n,
                           const st_eval_params *prm)
{
    st_eval ev;
    st_error err;
    st_status rc = st_evaluate(p, y, w, n, prm, &ev, &err);
    if (rc != ST_OK)
        fail_msg("st_evaluate failed: %s", err.message);
    return ev;
}

/* The defaults are those documented in metrics.h. */
static void test_defaults(void **state)
{
    st_eval_params prm = st_eval_params_default();
    assert_int_equal(prm.rule, ST_THRESHOLD_FIXED);
    assert_close(prm.threshold, 0.5, 0);
    assert_close(prm.beta, 2, 0);
    assert_int_equal(prm.n_bootstrap, 1000);
    assert_null(st_eval_params_check(&prm));
    assert_string_equal(st_metric_name(ST_METRIC_ROC_AUC), "roc_auc");
    assert_string_equal(st_metric_name(ST_METRIC_CALIBRATION_SLOPE), "calibration_slope");
    assert_null(st_metric_name(ST_METRIC_COUNT));
}

/* Every metric of the six rows at threshold 0.5:
 * AUC: positive-negative pairs ordered right 3 + 2 + 2 of 9; AP: (1 + 2/3 + 3/4) / 3;
 * predicted positive 0.9..0.5: tp 3 fp 2 tn 1 fn 0. */
static void test_six_rows(void **state)
{
    st_eval_params prm = no_bootstrap();
    st_eval ev = evaluate_ok(six_p, six_y, NULL, 6, &prm);
    assert_int_equal(ev.undefined & ((1u << ST_METRIC_CALIBRATION_INTERCEPT) - 1), 0);
    assert_close(ev.value[ST_METRIC_ROC_AUC], 7.0 / 9, TOL);
    assert_close(ev.value[ST_METRIC_PR_AUC], 29.0 / 36, TOL);
    assert_close(ev.value[ST_METRIC_BRIER], 1.31 / 6, TOL);
    double ll = -(log(0.9) + log(0.2) + log(0.7) + log(0.6) + log(0.5) + log(0.6)) / 6;
    assert_close(ev.value[ST_METRIC_LOG_LOSS], ll, TOL);
    assert_close(ev.value[ST_METRIC_PREVALENCE], 0.5, TOL);
    assert_close(ev.confusion.tp, 3, 0);
    assert_close(ev.confusion.fp, 2, 0);
    assert_close(ev.confusion.tn, 1, 0);
    assert_close(ev.confusion.fn, 0, 0);
    assert_close(ev.value[ST_METRIC_PRECISION], 0.6, TOL);
    assert_close(ev.value[ST_METRIC_RECALL], 1, TOL);
    assert_close(ev.value[ST_METRIC_SPECIFICITY], 1.0 / 3, TOL);
    assert_close(ev.value[ST_METRIC_NPV], 1, TOL);
    assert_close(ev.value[ST_METRIC_ACCURACY], 4.0 / 6, TOL);
    assert_close(ev.value[ST_METRIC_F1], 0.75, TOL);
    assert_close(ev.value[ST_METRIC_FBETA], 15.0 / 17, TOL); /* 5 tp / (5 tp + 4 fn + fp) */
    assert_close(ev.value[ST_METRIC_BALANCED_ACCURACY], 2.0 / 3, TOL);
    assert_close(ev.value[ST_METRIC_MCC], 3 / sqrt(45), TOL); /* (3*1 - 0) / sqrt(5*3*3*1) */
    assert_close(ev.n_positive, 3, 0);
    assert_close(ev.weight_negative, 3, 0);
    assert_nan(ev.ci_low[ST_METRIC_ROC_AUC]);
}

/* Ties count one half in the AUC and form one step of the PR curve:
 * 0.8+ 0.5+ 0.5- 0.2-: pairs 2 + (0.5 + 1) of 4; AP 1/2 * 1 + 1/2 * 2/3. */
static void test_ties(void **state)
{
    st_eval_params prm = no_bootstrap();
    const double p[4] = {0.8, 0.5, 0.5, 0.2};
    const float y[4] = {1, 1, 0, 0};
    st_eval ev = evaluate_ok(p, y, NULL, 4, &prm);
    assert_close(ev.value[ST_METRIC_ROC_AUC], 0.875, TOL);
    assert_close(ev.value[ST_METRIC_PR_AUC], 5.0 / 6, TOL);
    const double q[4] = {0.5, 0.5, 0.5, 0.5};
    const float z[4] = {1, 0, 1, 0};
    ev = evaluate_ok(q, z, NULL, 4, &prm);
    assert_close(ev.value[ST_METRIC_ROC_AUC], 0.5, TOL);
    assert_close(ev.value[ST_METRIC_PR_AUC], 0.5, TOL);
}

/* One class only: what needs both classes is NaN and flagged, never 0; the rest stays. */
static void test_one_class(void **state)
{
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 50;
    const float neg[6] = {0, 0, 0, 0, 0, 0};
    st_eval ev = evaluate_ok(six_p, neg, NULL, 6, &prm);
    const st_metric undefined[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_RECALL,
        ST_METRIC_BALANCED_ACCURACY, ST_METRIC_MCC,
        ST_METRIC_CALIBRATION_INTERCEPT, ST_METRIC_CALIBRATION_SLOPE,
        ST_METRIC_CALIBRATION_IN_THE_LARGE};
    for (size_t i = 0; i < sizeof undefined / sizeof undefined[0]; i++) {
        assert_true(st_eval_undefined(&ev, undefined[i]));
        assert_nan(ev.value[undefined[i]]);
        assert_nan(ev.ci_low[undefined[i]]);
        assert_int_equal(ev.ci_resamples[undefined[i]], 0);
    }
    assert_false(st_eval_undefined(&ev, ST_METRIC_PRECISION)); /* 0 of 5 predicted */
    assert_close(ev.value[ST_METRIC_PRECISION], 0, 0);
    assert_close(ev.value[ST_METRIC_SPECIFICITY], 1.0 / 6, TOL);
    assert_close(ev.value[ST_METRIC_PREVALENCE], 0, 0);
    assert_close(ev.value[ST_METRIC_F1], 0, 0); /* 0 / (0 + 5 + 0) is defined */
    assert_false(st_eval_undefined(&ev, ST_METRIC_LOG_LOSS));
    assert_nan(ev.delong_variance);
    /* a threshold above every score: nothing predicted positive, precision undefined */
    prm.n_bootstrap = 0;
    prm.threshold = 0.95;
    ev = evaluate_ok(six_p, six_y, NULL, 6, &prm);
    assert_true(st_eval_undefined(&ev, ST_METRIC_PRECISION));
    assert_close(ev.value[ST_METRIC_F1], 0, 0); /* 0 / (0 + 0 + 3) is defined */
    assert_true(st_eval_undefined(&ev, ST_METRIC_MCC));
    assert_false(st_eval_undefined(&ev, ST_METRIC_RECALL));
}

/* A row of weight 0 counts for nothing, and weight 2 is the row twice. */
static void test_weights(void **state)
{
    st_eval_params prm = no_bootstrap();
    const double p[4] = {0.9, 0.8, 0.7, 0.6};
    const float y[4] = {1, 0, 1, 0};
    const float w[4] = {1, 0, 1, 1};
    st_eval ev = evaluate_ok(p, y, w, 4, &prm);
    assert_close(ev.value[ST_METRIC_ROC_AUC], 1, TOL);
    assert_close(ev.value[ST_METRIC_PR_AUC], 1, TOL);
    assert_close(ev.confusion.fp, 1, 0);
    assert_close(ev.weight_negative, 1, 0);
    assert_int_equal(ev.n_negative, 2);

    const float w2[6] = {1, 2, 1, 1, 1, 1};
    const double p7[7] = {0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.4};
    const float y7[7] = {1, 0, 0, 1, 1, 0, 0};
    st_eval a = evaluate_ok(six_p, six_y, w2, 6, &prm), b = evaluate_ok(p7, y7, NULL, 7, &prm);
    for (int m = 0; m < ST_METRIC_COUNT; m++)
        assert_close(a.value[m], b.value[m], 1e-9);
    /* all weight zero: nothing is defined, nothing crashes */
    const float zero[6] = {0, 0, 0, 0, 0, 0};
    ev = evaluate_ok(six_p, six_y, zero, 6, &prm);
    assert_true(st_eval_undefined(&ev, ST_METRIC_ROC_AUC));
    assert_true(st_eval_undefined(&ev, ST_METRIC_LOG_LOSS));
    assert_true(st_eval_undefined(&ev, ST_METRIC_PREVALENCE));
    assert_true(st_eval_undefined(&ev, ST_METRIC_ACCURACY));
}

static double threshold_by(st_threshold_rule rule, double arg, const float *y)
{
    st_eval_params prm = no_bootstrap();
    prm.rule = rule;
    if (rule == ST_THRESHOLD_MIN_RECALL)
        prm.min_recall = arg;
    if (rule == ST_THRESHOLD_MIN_PRECISION)
        prm.min_precision = arg;
    if (rule == ST_THRESHOLD_MAX_FBETA)
        prm.beta = arg;
    st_eval ev = evaluate_ok(six_p, y, NULL, 6, &prm);
    return ev.threshold;
}

/* The rules on the six rows. F1 from 0.9 down: 1/2 2/5 2/3 6/7 3/4 2/3; Youden's J:
 * 1/3 0 1/3 2/3 1/3 0; recall: 1/3 1/3 2/3 1 1 1; precision: 1 1/2 2/3 3/4 3/5 1/2. */
static void test_threshold_rules(void **state)
{
    assert_close(threshold_by(ST_THRESHOLD_MAX_F1, 0, six_y), 0.6, 0);
    assert_close(threshold_by(ST_THRESHOLD_MAX_FBETA, 1, six_y), 0.6, 0);
    /* F10 is almost recall: 1 at 0.6, 0.5 and 0.4; ties keep the highest */
    assert_close(threshold_by(ST_THRESHOLD_MAX_FBETA, 10, six_y), 0.6, 0);
    assert_close(threshold_by(ST_THRESHOLD_YOUDEN, 0, six_y), 0.6, 0);
    assert_close(threshold_by(ST_THRESHOLD_MIN_RECALL, 0.5, six_y), 0.7, 0);
    assert_close(threshold_by(ST_THRESHOLD_MIN_RECALL, 1, six_y), 0.6, 0);
    assert_close(threshold_by(ST_THRESHOLD_MIN_PRECISION, 0.7, six_y), 0.6, 0);
    assert_close(threshold_by(ST_THRESHOLD_MIN_PRECISION, 0.8, six_y), 0.9, 0);
    const float neg[6] = {0, 0, 0, 0, 0, 0};
    assert_nan(threshold_by(ST_THRESHOLD_MIN_PRECISION, 0.1, neg));
    /* without positives F1 is 0 at every threshold: the tie keeps the highest */
    assert_close(threshold_by(ST_THRESHOLD_MAX_F1, 0, neg), 0.9, 0);
    assert_nan(threshold_by(ST_THRESHOLD_YOUDEN, 0, neg));
    st_eval_params prm = no_bootstrap();
    prm.rule = ST_THRESHOLD_MIN_RECALL;
    st_eval ev = evaluate_ok(six_p, neg, NULL, 6, &prm);
    assert_nan(ev.threshold);
    assert_true(st_eval_undefined(&ev, ST_METRIC_SPECIFICITY));
    assert_false(st_eval_undefined(&ev, ST_METRIC_LOG_LOSS));
    /* no threshold: no row is predicted either way, so the confusion matrix is undefined
     * too, not "every row negative" (tn 6) */
    assert_nan(ev.confusion.tp);
    assert_nan(ev.confusion.fp);
    assert_nan(ev.confusion.tn);
    assert_nan(ev.confusion.fn);
}

/* DeLong on the six rows: V10 = 1, 2/3, 2/3 (S10 = 1/27), V01 = 1/3, 1, 1 (S01 = 4/27),
 * var = S10 / 3 + S01 / 3 = 5/81. Weighted data have no DeLong CI. */
static void test_delong(void **state)
{
    st_eval_params prm = no_bootstrap();
    st_eval ev = evaluate_ok(six_p, six_y, NULL, 6, &prm);
    assert_close(ev.delong_variance, 5.0 / 81, TOL);
    double half = 1.959963984540054 * sqrt(5.0 / 81);
    assert_close(ev.delong_low, 7.0 / 9 - half, TOL);
    assert_close(ev.delong_high, 1, 0); /* clipped */
    const float w[6] = {1, 1, 1, 1, 1, 2};
    ev = evaluate_ok(six_p, six_y, w, 6, &prm);
    assert_nan(ev.delong_variance);
}

/* Scores equal to the observed risk of their group are perfectly calibrated: two groups,
 * p = 0.2 with 1 of 5 positive and p = 0.6 with 3 of 5, give intercept 0 and slope 1. The
 * table of 20 rows has bins of 2 in ascending score. */
static void test_calibration(void **state)
{
    double p[20];
    float y[20];
    for (int i = 0; i < 20; i++) {
        p[i] = i < 10 ? 0.2 : 0.6;
        y[i] = i < 10 ? (i % 5 == 0) : (i % 5 < 3);
    }
    st_eval_params prm = no_bootstrap();
    st_eval ev = evaluate_ok(p, y, NULL, 20, &prm);
    assert_close(ev.value[ST_METRIC_CALIBRATION_INTERCEPT], 0, 1e-9);
    assert_close(ev.value[ST_METRIC_CALIBRATION_SLOPE], 1, 1e-9);
    assert_close(ev.value[ST_METRIC_CALIBRATION_IN_THE_LARGE], 0, 1e-9);
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        assert_int_equal(ev.calibration[b].n_rows, 2);
        assert_close(ev.calibration[b].mean_predicted, b < 5 ? 0.2 : 0.6, TOL);
    }
    double observed = 0;
    for (int b = 0; b < 5; b++)
        observed += ev.calibration[b].observed / 5;
    assert_close(observed, 0.2, TOL);
    /* constant scores: the slope is not identifiable, but calibration-in-the-large is
     * logit(observed 8/20) - logit(0.3) */
    for (int i = 0; i < 20; i++)
        p[i] = 0.3;
    ev = evaluate_ok(p, y, NULL, 20, &prm);
    assert_true(st_eval_undefined(&ev, ST_METRIC_CALIBRATION_SLOPE));
    assert_close(ev.value[ST_METRIC_CALIBRATION_IN_THE_LARGE], log(0.4 / 0.6) - log(0.3 / 0.7),
                 1e-9);
    /* fewer than 10 rows: an empty table */
    ev = evaluate_ok(six_p, six_y, NULL, 6, &prm);
    assert_int_equal(ev.calibration[0].n_rows, 0);
    /* scores outside [0, 1] are not probabilities */
    const double raw[6] = {3, -1, 2, 1.5, 0, -2};
    ev = evaluate_ok(raw, six_y, NULL, 6, &prm);
    assert_true(st_eval_undefined(&ev, ST_METRIC_LOG_LOSS));
    assert_true(st_eval_undefined(&ev, ST_METRIC_CALIBRATION_SLOPE));
    assert_false(st_eval_undefined(&ev, ST_METRIC_ROC_AUC));
}

/* Scores that separate the classes: every negative below 0.1, every positive above 0.9
 * (30 rows, ROC-AUC 1). The likelihood of y ~ a + b logit(p) rises towards 0 as b grows
 * (statsmodels raises PerfectSeparationError), so no (a, b) maximises it: the intercept and
 * slope are undefined, and so is their interval in every resample (each one separable
 * too). Before, Newton's method stopped where the log-likelihood saturated in floating
 * point, reporting slope 19.16 with a bootstrap interval. Calibration-in-the-large (slope
 * fixed at 1) still exists. */
static void test_calibration_separable(void **state)
{
    (void)state;
    double p[30] = {0.048, 0.059, 0.088, 0.067, 0.069, 0.063, 0.029, 0.05,  0.099, 0.933,
                    0.928, 0.058, 0.906, 0.067, 0.046, 0.057, 0.905, 0.921, 0.038, 0.08,
                    0.084, 0.962, 0.972, 0.015, 0.075, 0.083, 0.976, 0.054, 0.925, 0.058};
    float y[30];
    for (int i = 0; i < 30; i++)
        y[i] = p[i] > 0.5f;
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 200;
    prm.n_threads = 1;
    st_eval ev = evaluate_ok(p, y, NULL, 30, &prm);
    assert_close(ev.value[ST_METRIC_ROC_AUC], 1, 0);
    const st_metric fit[] = {ST_METRIC_CALIBRATION_INTERCEPT, ST_METRIC_CALIBRATION_SLOPE};
    for (size_t k = 0; k < 2; k++) {
        assert_true(st_eval_undefined(&ev, fit[k]));
        assert_nan(ev.value[fit[k]]);
        assert_nan(ev.ci_low[fit[k]]);
        assert_nan(ev.ci_high[fit[k]]);
        assert_int_equal(ev.ci_resamples[fit[k]], 0);
    }
    assert_false(st_eval_undefined(&ev, ST_METRIC_CALIBRATION_IN_THE_LARGE));
    /* quasi-complete separation: a negative tied with the lowest positive (0.905); a + b x
     * >= 0 on the positives and <= 0 on the negatives at x = logit(0.905) still holds, and
     * the likelihood still rises without bound */
    p[1] = 0.905;
    ev = evaluate_ok(p, y, NULL, 30, &prm);
    assert_true(st_eval_undefined(&ev, ST_METRIC_CALIBRATION_SLOPE));
    assert_nan(ev.ci_low[ST_METRIC_CALIBRATION_SLOPE]);
    /* one negative above the lowest positive: the classes overlap and the fit exists */
    p[1] = 0.95;
    prm.n_bootstrap = 0;
    ev = evaluate_ok(p, y, NULL, 30, &prm);
    assert_false(st_eval_undefined(&ev, ST_METRIC_CALIBRATION_SLOPE));
    assert_true(ev.value[ST_METRIC_CALIBRATION_SLOPE] > 0);
}

/* The bootstrap gives bit-identical CIs for 1 and 3 threads, changes with the seed, and
 * its AUC interval contains the AUC. */
static void test_bootstrap_deterministic(void **state)
{
    enum { N = 300 };
    double p[N];
    float y[N], w[N];
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = (double)((x >> 40) % 20) / 20; /* heavy ties */
        y[i] = ((x >> 20) % 100) < 20 + 40 * p[i];
        w[i] = (float)((x >> 10) % 3);
    }
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 200;
    prm.n_threads = 1;
    st_eval a = evaluate_ok(p, y, w, N, &prm);
    prm.n_threads = 3;
    st_eval b = evaluate_ok(p, y, w, N, &prm);
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        assert_same_double(a.ci_low[m], b.ci_low[m]);
        assert_same_double(a.ci_high[m], b.ci_high[m]);
    }
    assert_true(a.ci_low[ST_METRIC_ROC_AUC] < a.value[ST_METRIC_ROC_AUC]);
    assert_true(a.ci_high[ST_METRIC_ROC_AUC] > a.value[ST_METRIC_ROC_AUC]);
    assert_int_equal(a.ci_resamples[ST_METRIC_ROC_AUC], 200);
    assert_int_equal(a.n_bootstrap, 200);
    prm.seed = 7;
    b = evaluate_ok(p, y, w, N, &prm);
    assert_true(a.ci_low[ST_METRIC_ROC_AUC] != b.ci_low[ST_METRIC_ROC_AUC]);
}

/* The intervals are honest for a cohort: on 200 simulated cohorts of 500 rows (scores p =
 * 0.2 u, u uniform, labels drawn with probability p: calibrated, prevalence 10%, Brier
 * score E[p(1 - p)] = 0.1 - 0.04 / 3), the 95% interval of the Brier score covers the
 * truth in about 95% of them when a resample draws its rows from all rows, and in far
 * fewer when the class counts are held fixed (stratified), which is for case-control
 * samples; prevalence's interval then has width 0. */
static void test_bootstrap_coverage(void **state)
{
    (void)state;
    enum { N = 500, COHORTS = 200 };
    static double p[N];
    static float y[N];
    const double brier = 0.1 - 0.04 / 3;
    uint64_t x = 777;
    int covered[2] = {0, 0};
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 200;
    prm.n_threads = 1;
    for (int c = 0; c < COHORTS; c++) {
        for (int i = 0; i < N; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            p[i] = 0.2 * (double)(x >> 11) / 9007199254740992.0;
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            y[i] = (double)(x >> 11) / 9007199254740992.0 < p[i];
        }
        for (int stratified = 0; stratified <= 1; stratified++) {
            prm.stratified = stratified;
            prm.seed = (unsigned long long)c + 1;
            st_eval ev = evaluate_ok(p, y, NULL, N, &prm);
            covered[stratified] += ev.ci_low[ST_METRIC_BRIER] <= brier &&
                                   brier <= ev.ci_high[ST_METRIC_BRIER];
            if (stratified)
                assert_same_double(ev.ci_low[ST_METRIC_PREVALENCE],
                                   ev.ci_high[ST_METRIC_PREVALENCE]);
            else
                assert_true(ev.ci_low[ST_METRIC_PREVALENCE] < ev.ci_high[ST_METRIC_PREVALENCE]);
        }
    }
    /* 95% of 200 is 190, with a standard error of about 3 */
    print_message("coverage: rows %d, stratified %d of %d\n", covered[0], covered[1], COHORTS);
    if (covered[0] < 180 || covered[0] > 198)
        fail_msg("rows: the Brier interval covered the truth in %d of %d cohorts", covered[0],
                 COHORTS);
    if (covered[1] > 170)
        fail_msg("stratified: the Brier interval covered the truth in %d of %d cohorts; "
                 "expected far fewer", covered[1], COHORTS);
}

/* Bad input fails with a message naming the row; *out is zeroed. */
static void test_bad_input(void **state)
{
    st_eval ev;
    st_error err;
    const double p[3] = {0.1, NAN, 0.3};
    const float y[3] = {0, 1, 2};
    const float w[3] = {1, 1, -1};
    assert_int_equal(st_evaluate(p, six_y, NULL, 3, NULL, &ev, &err), ST_ERR_DATA);
    assert_contains(err.message, "row 2: score");
    assert_nan(ev.value[ST_METRIC_ROC_AUC]);
    assert_int_equal(st_evaluate(six_p, y, NULL, 3, NULL, &ev, &err), ST_ERR_DATA);
    assert_contains(err.message, "row 3: label 2 is not 0 or 1");
    assert_int_equal(st_evaluate(six_p, six_y, w, 3, NULL, &ev, &err), ST_ERR_DATA);
    assert_contains(err.message, "row 3: weight -1");
    assert_int_equal(st_evaluate(NULL, six_y, NULL, 3, NULL, &ev, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_evaluate(six_p, six_y, NULL, 0, NULL, &ev, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_evaluate(six_p, six_y, NULL, 6, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    st_eval_params prm = st_eval_params_default();
    prm.beta = 0;
    assert_int_equal(st_evaluate(six_p, six_y, NULL, 6, &prm, &ev, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "beta");
    prm = st_eval_params_default();
    prm.min_recall = 1.5;
    assert_non_null(st_eval_params_check(&prm));
    prm = st_eval_params_default();
    prm.n_bootstrap = -1;
    assert_non_null(st_eval_params_check(&prm));
}

/* ROC points: (0,0) at +inf, then one per distinct score; PR: one per distinct score. A
 * size query first, then the fill; too small a buffer is an error. */
static void test_curves(void **state)
{
    size_t n = 0;
    st_error err;
    assert_int_equal(st_roc_curve(six_p, six_y, NULL, 6, NULL, NULL, NULL, 0, &n, &err), ST_OK);
    assert_int_equal(n, 7);
    double fpr[7], tpr[7], thr[7];
    assert_int_equal(st_roc_curve(six_p, six_y, NULL, 6, fpr, tpr, thr, 7, &n, &err), ST_OK);
    const double want_fpr[7] = {0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1};
    const double want_tpr[7] = {0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1, 1};
    for (int i = 0; i < 7; i++) {
        assert_close(fpr[i], want_fpr[i], TOL);
        assert_close(tpr[i], want_tpr[i], TOL);
    }
    assert_true(isinf(thr[0]));
    assert_close(thr[6], 0.4, 0);
    assert_int_equal(st_roc_curve(six_p, six_y, NULL, 6, fpr, tpr, thr, 3, &n, &err),
                     ST_ERR_INVALID_ARG);
    assert_contains(err.message, "7 points");
    /* ties and a zero weight: 0.8 and 0.8 are one point, 0.7 (weight 0) none */
    const double p[4] = {0.9, 0.8, 0.8, 0.7};
    const float y[4] = {1, 0, 1, 1};
    const float w[4] = {1, 1, 1, 0};
    double prec[4], rec[4];
    assert_int_equal(st_pr_curve(p, y, w, 4, prec, rec, thr, 4, &n, &err), ST_OK);
    assert_int_equal(n, 2);
    assert_close(prec[0], 1, TOL);
    assert_close(rec[0], 0.5, TOL);
    assert_close(prec[1], 2.0 / 3, TOL);
    assert_close(rec[1], 1, TOL);
    assert_close(thr[1], 0.8, 0);
}

typedef struct scored_row {
    double score;
    size_t row;
} scored_row;

/* The order the metrics read rows in, by definition: score descending, ties by row. */
static int by_score_desc(const void *a, const void *b)
{
    const scored_row *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

/* st__order_desc (the metrics' sort, a radix sort) gives the comparison sort's order:
 * many ties, -0 beside +0, negative and huge values, one value everywhere, one row. */
static void test_score_order(void **state)
{
    (void)state;
    enum { N = 3000 };
    static double v[N];
    static size_t order[N], o[N];
    static uint64_t k[N], t[N];
    static scored_row want[N];
    uint64_t rng = 7;
    for (int round = 0; round < 6; round++) {
        const size_t n = round == 5 ? 1 : N;
        for (size_t i = 0; i < n; i++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            const unsigned r = (unsigned)(rng >> 33);
            v[i] = round == 0   ? (double)(r % 7) / 8          /* ties in [0, 1] */
                   : round == 1 ? (r % 3 == 0 ? -0.0 : r % 3 == 1 ? 0.0 : 1e-300)
                   : round == 2 ? ((double)r - 1073741824.0) * 1e290 /* sign and size */
                   : round == 3 ? 0.25                              /* one value */
                                : (double)r / 4294967296.0;
            want[i] = (scored_row){v[i], i};
        }
        qsort(want, n, sizeof *want, by_score_desc);
        st__order_desc(v, n, order, k, t, o);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(order[i], want[i].row);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_six_rows),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_one_class),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_threshold_rules),
        cmocka_unit_test(test_delong),
        cmocka_unit_test(test_calibration),
        cmocka_unit_test(test_calibration_separable),
        cmocka_unit_test(test_bootstrap_deterministic),
        cmocka_unit_test(test_bootstrap_coverage),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_curves),
        cmocka_unit_test(test_score_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
