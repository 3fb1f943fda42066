/* Compare in the library (stratum/compare.h) on hand-checked facts: each setting's row is
 * st_cv_run of that family with that class weight on the same folds (every fold's metrics
 * bit for bit); a fixed model's row scores the given predictions on those folds (hand-
 * derived metrics of a near-perfect score); recalibrate adds a calibrated row per setting;
 * best marks the best mean of each table column; the progress callback hears every setting,
 * fold and row; bad parameters fail with a message naming the field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "test_util.h"

/* hepatitis.csv: 155 rows, 32 positives, missing values (imputed by logreg). */
static st_dataset *read_hepatitis(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/hepatitis.csv", STRATUM_DATASETS);
    st_read_options ro = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(path, &ro, &ds, &err) != ST_OK)
        fail_msg("read: %s", err.message);
    return ds;
}

static st_compare_params small_params(void)
{
    st_compare_params cp = st_compare_params_default();
    cp.cv.logreg.lambda = 0.05; /* fixed: one fit per fold */
    cp.cv.gbdt.num_trees = 10;
    cp.cv.gbdt.min_data_in_leaf = 5;
    cp.cv.n_folds = 3;
    cp.cv.n_threads = 1;
    cp.cv.eval.rule = ST_THRESHOLD_MAX_F1;
    return cp;
}

static const st_compare_weight two_weights[] = {{ST_CLASS_WEIGHT_NONE, 1},
                                                {ST_CLASS_WEIGHT_POSITIVE, 5},
                                                {ST_CLASS_WEIGHT_BALANCED, 1}};

static st_compare_result *run(const st_dataset *ds, const st_compare_params *cp)
{
    st_compare_result *res = NULL;
    st_error err;
    if (st_compare_run(ds, cp, &res, &err) != ST_OK)
        fail_msg("st_compare_run: %s", err.message);
    return res;
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The row is st_cv_run of its family and weight: every fold's value and threshold. */
static void assert_row_is_cv(const st_dataset *ds, const st_compare_params *cp,
                             const st_compare_result *res, const st_compare_row *row)
{
    st_cv_params p = cp->cv;
    p.family = row->family;
    if (row->family == ST_CV_LOGREG) {
        p.logreg.class_weight = row->weight.kind;
        p.logreg.positive_weight = row->weight.kind == ST_CLASS_WEIGHT_POSITIVE
                                   ? row->weight.value : 1;
    } else {
        p.gbdt.class_weight = row->weight.kind == ST_CLASS_WEIGHT_BALANCED
                              ? ST_CLASS_WEIGHT_BALANCED : ST_CLASS_WEIGHT_NONE;
        p.gbdt.scale_pos_weight = row->weight.kind == ST_CLASS_WEIGHT_POSITIVE
                                  ? row->weight.value : 1;
    }
    st_cv_result *cv = NULL;
    st_error err;
    if (st_cv_run(ds, &p, &cv, &err) != ST_OK)
        fail_msg("st_cv_run: %s", err.message);
    assert_int_equal(cv->n_folds, res->n_folds);
    const size_t m = res->n_folds * res->n_repeats;
    for (size_t i = 0; i < res->n_rows * res->n_repeats; i++)
        assert_int_equal(cv->fold_of[i], res->fold_of[i]);
    for (size_t k = 0; k < m; k++) {
        assert_true(same_double(cv->folds[k].threshold, row->folds[k].threshold));
        for (int j = 0; j < ST_METRIC_COUNT; j++)
            assert_true(same_double(cv->folds[k].value[j], row->folds[k].value[j]));
    }
    for (int j = 0; j < ST_METRIC_COUNT; j++) {
        assert_true(same_double(cv->summary[j].mean, row->summary[j].mean));
        assert_true(same_double(cv->summary[j].low, row->summary[j].low));
        assert_true(same_double(cv->summary[j].high, row->summary[j].high));
    }
    for (size_t i = 0; row->oof != NULL && i < res->n_rows; i++)
        assert_true(cv->oof[i] == row->oof[i]);
    st_cv_result_free(cv);
}

static void test_rows_are_cv_runs(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_compare_params cp = small_params();
    cp.weights = two_weights;
    cp.n_weights = 3;
    cp.keep_oof = 1;
    st_compare_result *res = run(ds, &cp);
    assert_int_equal(res->n_settings, 6);
    assert_int_equal(res->n_folds, 3);
    for (size_t i = 0; i < 6; i++) {
        const st_compare_row *row = &res->rows[i];
        assert_int_equal(row->fixed, -1);
        assert_int_equal(row->family, i < 3 ? ST_CV_LOGREG : ST_CV_GBDT);
        assert_int_equal(row->weight_index, i % 3);
        assert_int_equal(row->weight.kind, two_weights[i % 3].kind);
        assert_int_equal(row->calibrated, 0);
        assert_row_is_cv(ds, &cp, res, row);
    }
    /* best: the highest mean ROC-AUC, the lowest mean Brier */
    double best_auc = -1, best_brier = 2;
    for (size_t i = 0; i < 6; i++) {
        best_auc = fmax(best_auc, res->rows[i].summary[ST_METRIC_ROC_AUC].mean);
        best_brier = fmin(best_brier, res->rows[i].summary[ST_METRIC_BRIER].mean);
    }
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(res->rows[i].best[ST_METRIC_ROC_AUC],
                         res->rows[i].summary[ST_METRIC_ROC_AUC].mean == best_auc);
        assert_int_equal(res->rows[i].best[ST_METRIC_BRIER],
                         res->rows[i].summary[ST_METRIC_BRIER].mean == best_brier);
        assert_int_equal(res->rows[i].best[ST_METRIC_MCC], 0); /* not a table column */
    }
    st_compare_result_free(res);
    st_dataset_free(ds);
}

/* A fixed model scoring 0.95 on positives and 0.05 on negatives: at the fixed threshold
 * 0.5 every fold has precision = recall = F1 = ROC-AUC = 1, Brier 0.05^2 and log loss
 * -log(0.95); with the F1 rule the threshold picked on the training part still separates
 * the test part. */
static void test_fixed_row(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    const size_t n = st_dataset_n_rows(ds);
    const float *y = st_dataset_labels(ds);
    double *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = y[i] == 1 ? 0.95 : 0.05;
    st_compare_fixed fixed = {"perfect.model", p};
    for (int rule = 0; rule < 2; rule++) {
        st_compare_params cp = small_params();
        cp.logreg = cp.gbdt = 0;
        cp.fixed = &fixed;
        cp.n_fixed = 1;
        cp.keep_oof = 1;
        cp.cv.eval.rule = rule ? ST_THRESHOLD_MAX_F1 : ST_THRESHOLD_FIXED;
        st_compare_result *res = run(ds, &cp);
        assert_int_equal(res->n_settings, 1);
        const st_compare_row *row = &res->rows[0];
        assert_int_equal(row->fixed, 0);
        for (size_t k = 0; k < 3; k++) {
            assert_close(row->folds[k].value[ST_METRIC_ROC_AUC], 1, 0);
            assert_close(row->folds[k].value[ST_METRIC_PRECISION], 1, 0);
            assert_close(row->folds[k].value[ST_METRIC_RECALL], 1, 0);
            assert_close(row->folds[k].value[ST_METRIC_F1], 1, 0);
            assert_close(row->folds[k].value[ST_METRIC_BRIER], 0.0025, 1e-15);
            assert_close(row->folds[k].value[ST_METRIC_LOG_LOSS], -log(0.95), 1e-15);
        }
        assert_int_equal(row->summary[ST_METRIC_ROC_AUC].defined, 3);
        assert_close(row->summary[ST_METRIC_ROC_AUC].mean, 1, 0);
        for (size_t i = 0; i < n; i++) /* the model's own predictions */
            assert_true(row->oof[i] == p[i]);
        assert_int_equal(row->best[ST_METRIC_ROC_AUC], 1);
        st_compare_result_free(res);
    }
    free(p);
    st_dataset_free(ds);
}

/* recalibrate: a calibrated row after each setting, its folds those of the calibrated
 * probabilities (within [0, 1], a Brier score of its own); the raw row unchanged. */
static void test_recalibrate_rows(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_compare_params cp = small_params();
    cp.gbdt = 0;
    cp.weights = two_weights;
    cp.n_weights = 2;
    cp.recalibrate = ST_CALIBRATION_PLATT;
    cp.calibration_folds = 3;
    cp.keep_oof = 1;
    st_compare_result *res = run(ds, &cp);
    assert_int_equal(res->n_settings, 4);
    for (size_t i = 0; i < 4; i++) {
        const st_compare_row *row = &res->rows[i];
        assert_int_equal(row->calibrated, (int)(i % 2));
        assert_int_equal(row->weight_index, i / 2);
        if (i % 2 == 0)
            assert_row_is_cv(ds, &cp, res, row);
        else
            assert_true(row->summary[ST_METRIC_BRIER].mean !=
                        res->rows[i - 1].summary[ST_METRIC_BRIER].mean);
        for (size_t r = 0; r < res->n_rows; r++)
            assert_true(row->oof[r] >= 0 && row->oof[r] <= 1);
    }
    st_compare_result_free(res);
    st_dataset_free(ds);
}

typedef struct counts {
    size_t start, fold_start, fold_done, row_done, fixed_done;
} counts;

static void count(const st_compare_progress *p, void *data)
{
    counts *c = data;
    switch (p->event) {
    case ST_COMPARE_SETTING_START: assert_int_equal(p->setting, c->start++); break;
    case ST_COMPARE_FOLD_START: c->fold_start++; break;
    case ST_COMPARE_FOLD_DONE: c->fold_done++; assert_non_null(p->fold->value); break;
    case ST_COMPARE_ROW_DONE:
        c->row_done++;
        c->fixed_done += p->row->fixed >= 0;
        break;
    }
}

static void test_progress_and_threads(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    const size_t n = st_dataset_n_rows(ds);
    double *p = calloc(n, sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (double)(i % 7) / 7;
    st_compare_fixed fixed = {"x", p};
    st_compare_params cp = small_params();
    cp.weights = two_weights;
    cp.n_weights = 2;
    cp.fixed = &fixed;
    cp.n_fixed = 1;
    counts c = {0};
    cp.progress = count;
    cp.progress_data = &c;
    st_compare_result *one = run(ds, &cp);
    assert_int_equal(c.start, 4);
    assert_int_equal(c.fold_start, 12);
    assert_int_equal(c.fold_done, 12);
    assert_int_equal(c.row_done, 5);
    assert_int_equal(c.fixed_done, 1);
    cp.progress = NULL;
    cp.cv.n_threads = 2; /* the same numbers whatever the thread count */
    st_compare_result *two = run(ds, &cp);
    for (size_t i = 0; i < one->n_settings; i++)
        for (int j = 0; j < ST_METRIC_COUNT; j++)
            assert_true(same_double(one->rows[i].summary[j].mean, two->rows[i].summary[j].mean));
    st_compare_result_free(one);
    st_compare_result_free(two);
    free(p);
    st_dataset_free(ds);
}

static void expect_error(const st_dataset *ds, const st_compare_params *cp, const char *msg)
{
    st_compare_result *res = (st_compare_result *)cp; /* not NULL: must be cleared */
    st_error err;
    assert_int_equal(st_compare_run(ds, cp, &res, &err), ST_ERR_INVALID_ARG);
    assert_null(res);
    assert_string_equal(err.message, msg);
}

static void test_bad_params(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    static const st_compare_weight zero[] = {{ST_CLASS_WEIGHT_NONE, 1},
                                             {ST_CLASS_WEIGHT_POSITIVE, 0}};
    st_compare_params cp = small_params();
    cp.weights = zero;
    cp.n_weights = 2;
    expect_error(ds, &cp, "st_compare_run: weights[1].value: expected a finite number > 0, "
                          "got 0");
    cp = small_params();
    cp.logreg = cp.gbdt = 0;
    expect_error(ds, &cp, "st_compare_run: nothing to compare: expected a family (logreg, "
                          "gbdt) or a fixed model");
    st_compare_fixed none = {"m", NULL};
    cp.fixed = &none;
    cp.n_fixed = 1;
    expect_error(ds, &cp, "st_compare_run: fixed[0].p: expected the model's predictions, "
                          "got NULL");
    cp = small_params();
    cp.recalibrate = ST_CALIBRATION_ISOTONIC;
    cp.calibration_folds = 1;
    expect_error(ds, &cp, "st_compare_run: calibration_folds: expected at least 2");
    cp = small_params();
    cp.cv.n_folds = 1; /* st_cv_run's own check */
    st_compare_result *res = NULL;
    st_error err;
    assert_int_equal(st_compare_run(ds, &cp, &res, &err), ST_ERR_INVALID_ARG);
    assert_null(res);
    assert_non_null(strstr(err.message, "st_compare_run: n_folds"));
    st_dataset_free(ds);
}

/* st_compare_difference on a result built by hand: 5 folds of 80 training and 20 test
 * rows; row 0's ROC-AUC 0.80 0.82 0.78 0.85 0.75, row 1's 0.05 higher on every fold but
 * the third, 0.02 higher there, and undefined on the fifth. The differences 0.05, 0.05,
 * 0.02, 0.05 (the fifth left out): mean 0.0425, SD 0.015, and the corrected resampled t
 * interval 0.0425 -+ 3.182446 * 0.015 * sqrt(1/4 + 20/80) (t975 with 3 df, by hand from a
 * table); not clipped to ROC-AUC's [0, 1], so a difference may be negative. */
static void test_difference(void **state)
{
    (void)state;
    st_cv_fold f0[5], f1[5];
    const double auc[5] = {0.80, 0.82, 0.78, 0.85, 0.75};
    const double up[5] = {0.05, 0.05, 0.02, 0.05, NAN};
    memset(f0, 0, sizeof f0);
    memset(f1, 0, sizeof f1);
    for (int i = 0; i < 5; i++) {
        f0[i].fold = f1[i].fold = (size_t)i;
        f0[i].n_train = f1[i].n_train = 80;
        f0[i].n_test = f1[i].n_test = 20;
        for (int m = 0; m < ST_METRIC_COUNT; m++)
            f0[i].value[m] = f1[i].value[m] = NAN;
        f0[i].value[ST_METRIC_ROC_AUC] = auc[i];
        f1[i].value[ST_METRIC_ROC_AUC] = auc[i] + up[i];
    }
    st_compare_row rows[2];
    memset(rows, 0, sizeof rows);
    rows[0].folds = f0, rows[1].folds = f1;
    st_compare_result res = {100, 5, 1, NULL, 2, rows};
    st_cv_summary d = st_compare_difference(&res, 1, 0, ST_METRIC_ROC_AUC);
    assert_int_equal(d.defined, 4);
    assert_close(d.mean, 0.0425, 1e-12);
    assert_close(d.sd, 0.015, 1e-12);
    const double half = 3.182446 * 0.015 * sqrt(0.25 + 0.25);
    assert_close(d.low, 0.0425 - half, 1e-6);
    assert_close(d.high, 0.0425 + half, 1e-6);
    st_cv_summary back = st_compare_difference(&res, 0, 1, ST_METRIC_ROC_AUC);
    assert_close(back.mean, -0.0425, 1e-12); /* negative, not clipped at 0 */
    assert_close(back.low, -0.0425 - half, 1e-6);
    /* a metric undefined everywhere, rows or metrics out of range: empty */
    assert_int_equal(st_compare_difference(&res, 1, 0, ST_METRIC_BRIER).defined, 0);
    assert_int_equal(st_compare_difference(&res, 2, 0, ST_METRIC_ROC_AUC).defined, 0);
    assert_int_equal(st_compare_difference(&res, 0, 0, ST_METRIC_COUNT).defined, 0);
    assert_int_equal(st_compare_difference(NULL, 0, 1, ST_METRIC_ROC_AUC).defined, 0);
    assert_true(isnan(st_compare_difference(NULL, 0, 1, ST_METRIC_ROC_AUC).mean));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_are_cv_runs), cmocka_unit_test(test_fixed_row),
        cmocka_unit_test(test_recalibrate_rows), cmocka_unit_test(test_progress_and_threads),
        cmocka_unit_test(test_bad_params), cmocka_unit_test(test_difference)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
