/* The other runs of stratum/cv.h on hand-checked facts: st_cv_path_run's curve is the
 * folds' deviances of paths the test fits itself, and st_cv_post_fit's map and threshold
 * are Platt's on st_cv_oof's predictions and F1's on the calibrated ones. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "test_util.h"

/* hepatitis.csv: 155 rows, 32 positives, missing values (imputed by logreg). */
static st_dataset *read_hepatitis(void) { return test_read_shipped("hepatitis.csv"); }

static st_cv_params logreg_params(void)
{
    st_cv_params p = st_cv_params_default();
    p.logreg.lambda = 0.05;
    p.n_threads = 1;
    return p;
}

/* The lambda path: the lambdas are those of the path on all rows; at every lambda, cvm is
 * the fold-size-weighted mean of the folds' deviances (p clipped to [1e-5, 1 - 1e-5]) of a
 * path the test fits itself on each training part, and i_min is where it is lowest. */
static void path_is_glmnet_curve(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    st_logreg_path_options po = st_logreg_path_options_default();
    po.n_lambda = 8;
    st_cv_path_result *res = NULL;
    st_error err;
    assert_int_equal(st_cv_path_run(ds, &p, &po, ST_CV_DEVIANCE, &res, &err), ST_OK);
    st_logreg_path *full = NULL;
    st_logreg_params lp = p.logreg;
    assert_int_equal(st_logreg_path_fit(ds, &lp, &po, &full, &err), ST_OK);
    const size_t nl = st_logreg_path_n_lambda(full), n = res->n_rows;
    assert_int_equal(res->n_lambda, nl);
    assert_memory_equal(res->lambda, st_logreg_path_lambdas(full), nl * sizeof(double));
    double sum[64] = {0};
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *pr = malloc(n * sizeof *pr);
    const float *y = st_dataset_labels(ds);
    for (size_t f = 0; f < res->n_folds; f++) {
        size_t n_train = 0, n_test = 0;
        for (size_t i = 0; i < n; i++)
            if ((size_t)res->fold_of[i] == f)
                test[n_test++] = i;
            else
                train[n_train++] = i;
        st_dataset *tr = NULL, *te = NULL;
        assert_int_equal(st_dataset_subset(ds, train, n_train, &tr, &err), ST_OK);
        assert_int_equal(st_dataset_subset(ds, test, n_test, &te, &err), ST_OK);
        st_logreg_path_options fo = po;
        fo.lambda = res->lambda;
        fo.n_lambda = nl;
        st_logreg_path *path = NULL;
        assert_int_equal(st_logreg_path_fit(tr, &lp, &fo, &path, &err), ST_OK);
        for (size_t l = 0; l < nl; l++) {
            assert_int_equal(st_logreg_path_predict(path, te, l, pr, n_test, &err), ST_OK);
            for (size_t i = 0; i < n_test; i++) {
                double q = fmin(fmax(pr[i], 1e-5), 1 - 1e-5);
                sum[l] += -2 * (y[test[i]] == 1 ? log(q) : log(1 - q));
            }
        }
        st_logreg_path_free(path);
        st_dataset_free(tr);
        st_dataset_free(te);
    }
    size_t best = 0;
    for (size_t l = 0; l < nl; l++) {
        assert_close(res->cvm[l], sum[l] / (double)n, 1e-12);
        if (sum[l] < sum[best])
            best = l;
        assert_int_equal(res->defined[l], 5);
    }
    assert_true(res->have_choice);
    assert_int_equal(res->i_min, best);
    assert_true(res->i_1se <= res->i_min);
    assert_true(res->cvm[res->i_1se] <= res->cvm[best] + res->cvsd[best]);
    assert_int_equal(res->n_fits, nl * 6);
    free(train), free(test), free(pr);
    st_logreg_path_free(full);
    st_cv_path_result_free(res);
    p.family = ST_CV_GBDT;
    assert_int_equal(st_cv_path_run(ds, &p, &po, ST_CV_DEVIANCE, &res, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(res);
    assert_string_equal(err.message, "st_cv_path_run: expected logreg without text columns "
                        "(the path of a gbdt model is not cross-validated)");
    st_cv_path_result_free(NULL);
    st_dataset_free(ds);
}

/* Post-processing: the map is Platt's fitted on st_cv_oof's predictions (the inner folds
 * those of st_folds_make), and the threshold F1's on the calibrated ones. */
static void post_fit_is_platt_on_oof(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    const size_t n = st_dataset_n_rows(ds);
    st_cv_params p = logreg_params();
    st_cv_post_params pp = st_cv_post_params_default();
    pp.method = ST_CALIBRATION_PLATT;
    pp.eval.rule = ST_THRESHOLD_MAX_F1;
    pp.seed = 11;
    st_cv_post_result *res = NULL;
    st_error err;
    assert_int_equal(st_cv_post_fit(ds, &p, &pp, &res, &err), ST_OK);
    double *oof = malloc(n * sizeof *oof), *cal = malloc(n * sizeof *cal);
    int *fold = malloc(n * sizeof *fold);
    assert_int_equal(st_cv_oof(&p, ds, 5, 11, oof, &err), ST_OK);
    assert_memory_equal(oof, res->oof_raw, n * sizeof *oof);
    st_folds_params fp = st_folds_params_default();
    fp.seed = 11;
    size_t k = 0;
    assert_int_equal(st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &k, &err), ST_OK);
    assert_int_equal(res->n_folds, 5);
    assert_memory_equal(fold, res->fold, n * sizeof *fold);
    st_calibration *c = NULL;
    assert_int_equal(st_calibration_fit_platt(oof, st_dataset_labels(ds), NULL, n, &c, &err),
                     ST_OK);
    for (size_t i = 0; i < n; i++) {
        cal[i] = st_calibration_apply(c, oof[i]);
        assert_true(cal[i] == res->oof[i]);
    }
    st_eval_params ep = pp.eval;
    st_eval ev;
    assert_int_equal(st_evaluate(cal, st_dataset_labels(ds), NULL, n, &ep, &ev, &err), ST_OK);
    assert_true(res->has_threshold);
    assert_true(res->threshold.value == ev.threshold);
    assert_int_equal(res->threshold.rule, ST_THRESHOLD_MAX_F1);
    st_calibration_free(c);
    free(oof), free(cal), free(fold);
    st_cv_post_result_free(res);
    /* a bad rule parameter */
    pp.method = ST_CALIBRATION_NONE;
    pp.eval.rule = ST_THRESHOLD_MIN_PRECISION;
    pp.eval.min_precision = 1.01;
    res = (st_cv_post_result *)1;
    assert_int_equal(st_cv_post_fit(ds, &p, &pp, &res, &err), ST_ERR_INVALID_ARG);
    assert_null(res);
    test_assert_contains(err.message, "min_precision must be in [0, 1]", __FILE__, __LINE__);
    st_cv_post_result_free(NULL);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_is_glmnet_curve),
        cmocka_unit_test(post_fit_is_platt_on_oof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
