/* Choosing the number of trees of a class-weighted model on large data (gbdt_auto.c): from
 * ST_GBDT_AUTO_FOLD_ROWS rows on, with the log-loss metric, the held-out fold's rows weigh
 * what their class weighs in training, so early stopping watches the loss the trees
 * minimise. Checked against a training on the same rows with a validation set whose
 * weights are worked out here (the first of st_folds_make's folds; balanced class weights
 * n / (2 n_c) of the training part, times scale_pos_weight), for 1 and 2 threads, and
 * that below the row count the held-out rows stay unweighted (issue 21's models). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stratum.h>

#include "test_util.h"

enum { N_FEATURES = 6 };

/* Column-major features and labels of n seeded rows (about 12% positive). */
static void generate(size_t n, float *x, float *y)
{
    unsigned long long s = 987654321ULL;
    for (size_t i = 0; i < n; i++) {
        double eta = -2.4;
        for (size_t j = 0; j < N_FEATURES; j++) {
            x[j * n + i] = (float)(2 * test_uniform(&s) - 1);
            eta += (j < 3 ? 1.2 : 0) * x[j * n + i] + (j == 0 ? 0.8 * x[i] * x[i] : 0);
        }
        y[i] = test_uniform(&s) < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
    }
}

/* The rows of x, y whose fold is (in_fold) or is not (!in_fold) 0, with weights w (NULL:
 * unweighted), as a dataset. */
static st_dataset *part(const float *x, const float *y, size_t n, const int *fold, int in_fold,
                        const double cw[2])
{
    float *px = malloc(n * N_FEATURES * sizeof *px), *py = malloc(n * sizeof *py);
    float *pw = malloc(n * sizeof *pw);
    assert_non_null(px), assert_non_null(py), assert_non_null(pw);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if ((fold[i] == 0) == in_fold)
            py[m] = y[i], pw[m] = cw != NULL ? (float)cw[y[i] != 0] : 1, m++;
    for (size_t j = 0; j < N_FEATURES; j++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if ((fold[i] == 0) == in_fold)
                px[j * m + k++] = x[j * n + i];
    }
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_from_arrays(m, N_FEATURES, px, py, cw != NULL ? pw : NULL, NULL, &ds, &err) !=
        ST_OK)
        fail_msg("%s", err.message);
    free(px), free(py), free(pw);
    return ds;
}

/* The best iteration of early stopping on fold 0 of n generated rows, the held-out rows
 * weighted by class (weighted) or not, and what the default chose (info). */
static void check(size_t n, const st_gbdt_params *prm, int weighted)
{
    float *x = malloc(n * N_FEATURES * sizeof *x), *y = malloc(n * sizeof *y);
    int *fold = malloc(n * sizeof *fold);
    assert_non_null(x), assert_non_null(y), assert_non_null(fold);
    generate(n, x, y);
    st_error err;
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(n, N_FEATURES, x, y, NULL, NULL, &ds, &err), ST_OK);
    st_folds_params fp = st_folds_params_default();
    fp.seed = prm->seed;
    size_t k = 0;
    assert_int_equal(st_folds_make(y, n, &fp, fold, n, &k, &err), ST_OK);
    double n_tr = 0, n_pos = 0;
    for (size_t i = 0; i < n; i++)
        if (fold[i] != 0)
            n_tr += 1, n_pos += y[i] != 0;
    double cw[2] = {1, prm->scale_pos_weight};
    if (prm->class_weight == ST_CLASS_WEIGHT_BALANCED)
        cw[0] *= n_tr / (2 * (n_tr - n_pos)), cw[1] *= n_tr / (2 * n_pos);
    st_dataset *tr = part(x, y, n, fold, 0, NULL), *te = part(x, y, n, fold, 1, weighted ? cw : NULL);
    st_gbdt_params p = *prm;
    p.num_trees = ST_GBDT_AUTO_MAX_TREES;
    p.early_stopping_rounds = ST_GBDT_AUTO_STOPPING_ROUNDS;
    st_gbdt *by_hand = NULL, *m1 = NULL, *m2 = NULL;
    assert_int_equal(st_gbdt_train_ex(tr, te, &p, NULL, &by_hand, &err), ST_OK);
    st_gbdt_params p1 = *prm, p2 = *prm;
    p1.n_threads = 1, p2.n_threads = 2;
    assert_int_equal(st_gbdt_train(ds, &p1, &m1, &err), ST_OK);
    assert_int_equal(st_gbdt_train(ds, &p2, &m2, &err), ST_OK);
    st_gbdt_auto_trees_info info, info2;
    assert_int_equal(st_gbdt_auto_trees(m1, &info), 1);
    assert_int_equal(st_gbdt_auto_trees(m2, &info2), 1);
    assert_int_equal(info.best[0], st_gbdt_best_iteration(by_hand));
    assert_int_equal(info2.best[0], info.best[0]);
    assert_int_equal(info2.num_trees, info.num_trees);
    if (n >= ST_GBDT_AUTO_FOLD_ROWS) {
        assert_int_equal(info.n_validations, 1);
        assert_int_equal(info.num_trees, info.best[0]);
    }
    /* the same model on 1 and 2 threads: the same probabilities, bit for bit */
    double *pr1 = malloc(n * sizeof *pr1), *pr2 = malloc(n * sizeof *pr2);
    assert_non_null(pr1), assert_non_null(pr2);
    assert_int_equal(st_gbdt_predict(m1, ds, ST_GBDT_PROBABILITY, 1, pr1, n, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m2, ds, ST_GBDT_PROBABILITY, 1, pr2, n, &err), ST_OK);
    assert_memory_equal(pr1, pr2, n * sizeof *pr1);
    free(pr1), free(pr2);
    st_gbdt_free(by_hand), st_gbdt_free(m1), st_gbdt_free(m2);
    st_dataset_free(tr), st_dataset_free(te), st_dataset_free(ds);
    free(x), free(y), free(fold);
}

static void test_large_weighted_held_out(void **state)
{
    (void)state;
    st_gbdt_params prm = st_gbdt_params_default();
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    check(ST_GBDT_AUTO_FOLD_ROWS, &prm, 1);
    prm.class_weight = ST_CLASS_WEIGHT_NONE;
    prm.scale_pos_weight = 5;
    check(ST_GBDT_AUTO_FOLD_ROWS + 1000, &prm, 1);
}

static void test_unweighted_and_small_unchanged(void **state)
{
    (void)state;
    st_gbdt_params prm = st_gbdt_params_default();
    check(ST_GBDT_AUTO_FOLD_ROWS, &prm, 0); /* no class weights: nothing to weigh */
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    check(ST_GBDT_AUTO_FOLD_ROWS / 5, &prm, 0); /* small: the first fold, unweighted */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_weighted_held_out),
        cmocka_unit_test(test_unweighted_and_small_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
