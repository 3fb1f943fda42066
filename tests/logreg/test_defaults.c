/* The automatic defaults (issue 21): lambda chosen by inner cross-validation
 * (st_logreg_choose_lambda, logreg_choose.c) and the number of trees chosen by early
 * stopping (gbdt_auto.c). Checked by what they must be: the final model is exactly the
 * fit at the chosen value, the choice is a lambda of the path / the rounded mean of the
 * held-out best iterations, the same for any thread count, and bad input fails with its
 * message. The choice itself is checked against cv.glmnet by defaults_vs_glmnet.py. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stratum.h>

#include "test_util.h"

static void test_logreg_default_is_the_fit_at_the_chosen_lambda(void **state)
{
    (void)state;
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_error err;
    st_logreg_params prm = st_logreg_params_default();
    assert_true(prm.lambda == ST_LOGREG_LAMBDA_CV);
    assert_int_equal(prm.cv_folds, 5);
    assert_null(st_logreg_params_check(&prm));
    st_logreg *m = NULL, *fixed = NULL, *m2 = NULL;
    assert_int_equal(st_logreg_train(ds, NULL, &m, &err), ST_OK);
    st_logreg_lambda_choice c;
    assert_int_equal(st_logreg_lambda_choice_of(m, &c), 1);
    assert_int_equal(c.n_folds, 5);
    assert_int_equal(c.n_lambda, 100);
    assert_true(c.rule == ST_LAMBDA_MIN && c.lambda == c.lambda_min);
    assert_true(c.lambda_1se >= c.lambda_min); /* the 1se lambda is never smaller */
    assert_true(c.cv_deviance > 0 && c.cv_se > 0);
    /* a lambda of the path: lambda_max * 1e-7^(index / 99) (ridge: 1e-4 x alpha 0.001) */
    st_logreg_path *one = NULL;
    st_logreg_path_options po = st_logreg_path_options_default();
    po.n_lambda = 1;
    assert_int_equal(st_logreg_path_fit(ds, NULL, &po, &one, &err), ST_OK);
    assert_close(c.lambda, st_logreg_path_lambda_max(one) * pow(1e-7, (double)c.index / 99), 1e-12);
    st_logreg_path_free(one);
    /* the model is the fit at that lambda, byte for byte */
    prm.lambda = c.lambda;
    assert_int_equal(st_logreg_train(ds, &prm, &fixed, &err), ST_OK);
    assert_int_equal(st_logreg_lambda_choice_of(fixed, NULL), 0);
    assert_int_equal(st_logreg_n_coefs(m), st_logreg_n_coefs(fixed));
    assert_memory_equal(st_logreg_coefs(m), st_logreg_coefs(fixed),
                        st_logreg_n_coefs(m) * sizeof(double));
    assert_same_double(st_logreg_intercept(m), st_logreg_intercept(fixed));
    /* the same with one thread and with two */
    st_logreg_params p1 = st_logreg_params_default(), p2 = p1;
    p1.n_threads = 1, p2.n_threads = 2;
    st_logreg_free(m);
    assert_int_equal(st_logreg_train(ds, &p1, &m, &err), ST_OK);
    assert_int_equal(st_logreg_train(ds, &p2, &m2, &err), ST_OK);
    st_logreg_lambda_choice c1, c2;
    st_logreg_lambda_choice_of(m, &c1), st_logreg_lambda_choice_of(m2, &c2);
    assert_same_double(c1.lambda, c.lambda);
    assert_same_double(c2.lambda, c.lambda);
    assert_same_double(c1.cv_deviance, c2.cv_deviance);
    assert_memory_equal(st_logreg_coefs(m), st_logreg_coefs(m2),
                        st_logreg_n_coefs(m) * sizeof(double));
    /* the 1se rule keeps lambda_1se; another seed makes other folds */
    st_logreg_lambda_choice c3;
    p1.lambda_rule = ST_LAMBDA_1SE;
    assert_int_equal(st_logreg_choose_lambda(ds, &p1, NULL, &c3, &err), ST_OK);
    assert_same_double(c3.lambda, c.lambda_1se);
    assert_same_double(c3.lambda_min, c.lambda_min);
    p1.cv_seed = 7;
    assert_int_equal(st_logreg_choose_lambda(ds, &p1, NULL, &c3, &err), ST_OK);
    assert_true(c3.cv_deviance != c.cv_deviance);
    st_logreg_free(m), st_logreg_free(m2), st_logreg_free(fixed);
    st_dataset_free(ds);
}

static st_dataset *csv(const char *text)
{
    st_dataset *ds = NULL;
    st_error err;
    st_read_options ro = st_read_options_default();
    if (st_dataset_read_csv_buffer(text, strlen(text), "test.csv", &ro, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static void test_logreg_default_bad_input(void **state)
{
    (void)state;
    st_error err;
    st_logreg_params prm = st_logreg_params_default();
    prm.cv_folds = 1;
    assert_string_equal(st_logreg_params_check(&prm), "choosing lambda needs cv_folds >= 2 "
                        "and lambda_rule ST_LAMBDA_MIN or _1SE");
    prm = st_logreg_params_default();
    prm.lambda = -0.5;
    assert_string_equal(st_logreg_params_check(&prm),
                        "lambda must be finite and >= 0, or ST_LOGREG_LAMBDA_CV");
    /* one positive row: the inner training part without it has a single class */
    st_dataset *ds = csv("x,label\n1,0\n2,0\n3,1\n4,0\n5,0\n6,0\n7,0\n8,0\n9,0\n10,0\n");
    st_logreg *m = (st_logreg *)ds;
    assert_int_equal(st_logreg_train(ds, NULL, &m, &err), ST_ERR_DATA);
    assert_null(m);
    assert_string_equal(err.message, "choosing lambda, inner fold 1: every row of label "
                        "'label' is negative (8 rows); training a classifier needs rows of "
                        "both classes");
    st_logreg_lambda_choice c;
    st_logreg_path_options po = st_logreg_path_options_default();
    double given[2] = {1, 0.1};
    po.lambda = given, po.n_lambda = 2;
    assert_int_equal(st_logreg_choose_lambda(ds, NULL, &po, &c, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_logreg_choose_lambda: the options must give "
                        "n_lambda >= 1 and no lambda list");
    assert_int_equal(st_logreg_choose_lambda(NULL, NULL, NULL, &c, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_logreg_choose_lambda: dataset is NULL");
    st_dataset_free(ds);
}

static void test_gbdt_default_is_the_training_at_the_chosen_trees(void **state)
{
    (void)state;
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_error err;
    st_gbdt_params prm = st_gbdt_params_default();
    assert_int_equal(prm.num_trees, ST_GBDT_NUM_TREES_AUTO);
    st_gbdt *m = NULL, *fixed = NULL, *m2 = NULL;
    assert_int_equal(st_gbdt_train(ds, NULL, &m, &err), ST_OK);
    st_gbdt_auto_trees_info at;
    assert_int_equal(st_gbdt_auto_trees(m, &at), 1);
    assert_int_equal(at.n_validations, ST_GBDT_AUTO_FOLDS); /* 155 rows: every fold */
    double sum = 0;
    for (int f = 0; f < at.n_validations; f++) {
        assert_true(at.best[f] >= 1 && at.best[f] <= ST_GBDT_AUTO_MAX_TREES);
        sum += at.best[f];
    }
    assert_int_equal(at.num_trees, (int)floor(sum / at.n_validations + 0.5));
    assert_int_equal(st_gbdt_n_trees(m), (size_t)at.num_trees);
    /* the model is the training at that many trees: same predictions, bit for bit */
    prm.num_trees = at.num_trees;
    prm.seed = 0;
    assert_int_equal(st_gbdt_train(ds, &prm, &fixed, &err), ST_OK);
    assert_int_equal(st_gbdt_auto_trees(fixed, NULL), 0);
    size_t n = st_dataset_n_rows(ds);
    double *p = malloc(n * sizeof *p), *q = malloc(n * sizeof *q);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 0, p, n, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(fixed, ds, ST_GBDT_PROBABILITY, 0, q, n, &err), ST_OK);
    assert_memory_equal(p, q, n * sizeof *p);
    /* one thread or two: the same choice and model */
    st_gbdt_params p1 = st_gbdt_params_default(), p2 = p1;
    p1.n_threads = 1, p2.n_threads = 2;
    assert_int_equal(st_gbdt_train(ds, &p1, &m2, &err), ST_OK);
    assert_int_equal(st_gbdt_n_trees(m2), (size_t)at.num_trees);
    assert_int_equal(st_gbdt_predict(m2, ds, ST_GBDT_PROBABILITY, 0, q, n, &err), ST_OK);
    assert_memory_equal(p, q, n * sizeof *p);
    st_gbdt_free(m2);
    assert_int_equal(st_gbdt_train(ds, &p2, &m2, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m2, ds, ST_GBDT_PROBABILITY, 0, q, n, &err), ST_OK);
    assert_memory_equal(p, q, n * sizeof *p);
    /* with a validation set the caller chooses: no automatic number of trees */
    st_gbdt *bad = (st_gbdt *)ds;
    assert_int_equal(st_gbdt_train_ex(ds, ds, NULL, NULL, &bad, &err), ST_ERR_INVALID_ARG);
    assert_null(bad);
    assert_string_equal(err.message, "st_gbdt_train: with a validation set or "
                        "early_stopping_rounds, give num_trees > 0 (the most trees); "
                        "ST_GBDT_NUM_TREES_AUTO holds out its own folds");
    prm = st_gbdt_params_default();
    prm.num_trees = -1;
    assert_string_equal(st_gbdt_params_check(&prm),
                        "num_trees must be > 0, or ST_GBDT_NUM_TREES_AUTO");
    free(p), free(q);
    st_gbdt_free(m), st_gbdt_free(m2), st_gbdt_free(fixed);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logreg_default_is_the_fit_at_the_chosen_lambda),
        cmocka_unit_test(test_logreg_default_bad_input),
        cmocka_unit_test(test_gbdt_default_is_the_training_at_the_chosen_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
