/* Choosing lambda on large data (ST_LOGREG_CV_SPLIT_ROWS rows or more): one held-out
 * stratified fold and a path stopped ST_LOGREG_CV_PATIENCE lambdas past the lowest held-out
 * deviance, instead of the k-fold choice below that row count. Checked at the boundary
 * (one row less still makes every fold), against the rule worked out here from the public
 * pieces (st_folds_make's first fold, st_logreg_path_fit on the other rows, the deviance
 * and its label-stratified standard error computed in this file), for any thread count,
 * and the final model is the fit at the chosen lambda, byte for byte. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stratum.h>

#include "test_util.h"

enum { N_FEATURES = 8 };

/* n rows of N_FEATURES uniform features, the label drawn from a logistic model on the
 * first four (about 15% positive), the rest noise; seeded, so the same on every machine. */
static st_dataset *generated(size_t n)
{
    float *x = malloc(n * N_FEATURES * sizeof *x), *y = malloc(n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    unsigned long long s = 20261206ULL;
    static const double beta[N_FEATURES] = {1.5, -1.0, 0.8, 0.5, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        double eta = -2.2;
        for (size_t j = 0; j < N_FEATURES; j++) {
            x[j * n + i] = (float)(2 * test_uniform(&s) - 1);
            eta += beta[j] * x[j * n + i];
        }
        y[i] = test_uniform(&s) < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
    }
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_from_arrays(n, N_FEATURES, x, y, NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(x), free(y);
    return ds;
}

static void test_boundary(void **state)
{
    (void)state;
    st_error err;
    st_logreg_lambda_choice c;
    st_logreg_path_options po = st_logreg_path_options_default();
    po.n_lambda = 12; /* the boundary does not depend on the path's length: kept short */
    st_dataset *below = generated(ST_LOGREG_CV_SPLIT_ROWS - 1), *at = generated(ST_LOGREG_CV_SPLIT_ROWS);
    assert_int_equal(st_logreg_choose_lambda(below, NULL, &po, &c, &err), ST_OK);
    assert_int_equal(c.n_folds, 5);
    assert_int_equal(st_logreg_choose_lambda(at, NULL, &po, &c, &err), ST_OK);
    assert_int_equal(c.n_folds, 1);
    assert_int_equal(c.n_lambda, 12);
    st_dataset_free(below), st_dataset_free(at);
}

/* -2 log-likelihood of one row, p clipped as cv.glmnet clips it */
static double row_deviance(double p, float y)
{
    p = fmin(fmax(p, 1e-5), 1 - 1e-5);
    return -2 * (y > 0.5f ? log(p) : log(1 - p));
}

static void test_split_is_the_held_out_rule(void **state)
{
    (void)state;
    const size_t n = ST_LOGREG_CV_SPLIT_ROWS + 500;
    st_dataset *ds = generated(n);
    st_error err;
    st_logreg_params prm = st_logreg_params_default();
    st_logreg_lambda_choice c, c1se;
    assert_int_equal(st_logreg_choose_lambda(ds, &prm, NULL, &c, &err), ST_OK);
    prm.lambda_rule = ST_LAMBDA_1SE;
    assert_int_equal(st_logreg_choose_lambda(ds, &prm, NULL, &c1se, &err), ST_OK);
    prm.lambda_rule = ST_LAMBDA_MIN;
    assert_int_equal(c.n_folds, 1);

    /* the lambdas: 100 from lambda_max down to 1e-7 of it (ridge: 1e-4 x alpha 0.001) */
    st_logreg_path_options po = st_logreg_path_options_default();
    po.n_lambda = 1;
    st_logreg_path *one = NULL;
    assert_int_equal(st_logreg_path_fit(ds, NULL, &po, &one, &err), ST_OK);
    double lambda[100];
    for (size_t l = 0; l < 100; l++)
        lambda[l] = st_logreg_path_lambda_max(one) * exp(log(1e-7) * (double)l / 99);
    st_logreg_path_free(one);

    /* the first of 5 stratified folds (seed cv_seed) held out, the path on the others */
    int *fold = malloc(n * sizeof *fold);
    size_t *tr_rows = malloc(n * sizeof *tr_rows), *te_rows = malloc(n * sizeof *te_rows), k = 0;
    assert_non_null(fold), assert_non_null(tr_rows), assert_non_null(te_rows);
    st_folds_params fp = st_folds_params_default();
    fp.seed = prm.cv_seed;
    assert_int_equal(st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &k, &err), ST_OK);
    size_t n_tr = 0, n_te = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == 0)
            te_rows[n_te++] = i;
        else
            tr_rows[n_tr++] = i;
    }
    st_dataset *tr = NULL, *te = NULL;
    assert_int_equal(st_dataset_subset(ds, tr_rows, n_tr, &tr, &err), ST_OK);
    assert_int_equal(st_dataset_subset(ds, te_rows, n_te, &te, &err), ST_OK);
    po.n_lambda = 100;
    po.lambda = lambda;
    po.glmnet_exit = 1;
    st_logreg_path *path = NULL;
    assert_int_equal(st_logreg_path_fit(tr, NULL, &po, &path, &err), ST_OK);

    /* each fit's held-out deviance in turn, stopping ST_LOGREG_CV_PATIENCE past the best */
    const float *y = st_dataset_labels(te);
    double *p = malloc(n_te * sizeof *p), dev[100], se[100];
    assert_non_null(p);
    size_t best = 0, last = 0;
    for (size_t l = 0; l < st_logreg_path_n_lambda(path); l++) {
        assert_int_equal(st_logreg_path_predict(path, te, l, p, n_te, &err), ST_OK);
        double sum = 0, cls_n[2] = {0, 0}, cls_sum[2] = {0, 0}, cls_ss[2] = {0, 0};
        for (size_t i = 0; i < n_te; i++) {
            int cl = y[i] > 0.5f;
            sum += row_deviance(p[i], y[i]);
            cls_n[cl] += 1, cls_sum[cl] += row_deviance(p[i], y[i]);
        }
        for (size_t i = 0; i < n_te; i++) {
            int cl = y[i] > 0.5f;
            double d = row_deviance(p[i], y[i]) - cls_sum[cl] / cls_n[cl];
            cls_ss[cl] += d * d;
        }
        dev[l] = sum / (double)n_te;
        se[l] = 0;
        for (int cl = 0; cl < 2; cl++)
            se[l] += pow(cls_n[cl] / (double)n_te, 2) * cls_ss[cl] / cls_n[cl] / (cls_n[cl] - 1);
        se[l] = sqrt(se[l]);
        last = l;
        if (dev[l] < dev[best])
            best = l;
        if (l - best >= ST_LOGREG_CV_PATIENCE)
            break;
    }
    /* the data make an interior minimum, so the path did stop early */
    assert_true(last == best + ST_LOGREG_CV_PATIENCE);
    assert_true(last < 99);
    assert_int_equal(c.index, best);
    assert_same_double(c.lambda, lambda[best]);
    assert_same_double(c.lambda_min, lambda[best]);
    assert_close(c.cv_deviance, dev[best], 1e-12);
    assert_close(c.cv_se, se[best], 1e-9);
    size_t i1 = 0; /* lambda_1se: the largest lambda within one se of the minimum */
    while (!(dev[i1] <= dev[best] + se[best]))
        i1++;
    assert_same_double(c1se.lambda, lambda[i1]);
    assert_same_double(c.lambda_1se, lambda[i1]);

    /* the model: the fit at the chosen lambda, the same on 1 and 2 threads */
    st_logreg_params p1 = st_logreg_params_default(), p2 = p1, fixed = p1;
    p1.n_threads = 1, p2.n_threads = 2;
    fixed.lambda = c.lambda;
    st_logreg *m1 = NULL, *m2 = NULL, *mf = NULL;
    assert_int_equal(st_logreg_train(ds, &p1, &m1, &err), ST_OK);
    assert_int_equal(st_logreg_train(ds, &p2, &m2, &err), ST_OK);
    assert_int_equal(st_logreg_train(ds, &fixed, &mf, &err), ST_OK);
    st_logreg_lambda_choice c2;
    assert_int_equal(st_logreg_lambda_choice_of(m2, &c2), 1);
    assert_same_double(c2.lambda, c.lambda);
    assert_same_double(c2.cv_deviance, c.cv_deviance);
    assert_same_double(c2.cv_se, c.cv_se);
    assert_memory_equal(st_logreg_coefs(m1), st_logreg_coefs(mf), N_FEATURES * sizeof(double));
    assert_memory_equal(st_logreg_coefs(m2), st_logreg_coefs(mf), N_FEATURES * sizeof(double));
    assert_same_double(st_logreg_intercept(m1), st_logreg_intercept(mf));
    st_logreg_free(m1), st_logreg_free(m2), st_logreg_free(mf);
    st_logreg_path_free(path);
    st_dataset_free(tr), st_dataset_free(te), st_dataset_free(ds);
    free(p), free(fold), free(tr_rows), free(te_rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_split_is_the_held_out_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
