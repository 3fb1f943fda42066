/* Allocation failure in gradient-boosted trees: train, save, load and predict are run with
 * the Nth allocation failing, for N = 0, 1, 2, ... until the cycle succeeds. Each failing
 * run must return ST_ERR_NOMEM, leave no block allocated and leave its OUT pointer NULL
 * (SQLite's malloc test loop). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"

static st_dataset *data;
static char model_path[] = "/tmp/stratum_gbdt_oom_XXXXXX";

/* A categorical feature and a numeric one with missing values. */
static int setup(void **state)
{
    static const char csv[] =
        "x,site,label\n1,a,0\n2,b,0\nNA,a,1\n4,c,1\n5,b,0\n6,,1\n7,c,1\n8,a,0\n9,b,1\n10,c,0\n";
    st_read_options opt = st_read_options_default();
    int fd = mkstemp(model_path);
    if (fd < 0)
        return -1;
    close(fd);
    return st_dataset_read_csv_buffer(csv, sizeof csv - 1, "oom", &opt, &data, NULL) == ST_OK
               ? 0 : -1;
}

static int teardown(void **state)
{
    st_dataset_free(data);
    unlink(model_path);
    return 0;
}

/* train -> save -> load -> predict -> explain, with monotone constraints `monotone` (or
 * none); the OUT pointers are NULL after every failure. */
static st_status cycle(void *ctx)
{
    const signed char *monotone = ctx;
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 3;
    prm.num_leaves = 4;
    prm.min_data_in_leaf = 1;
    prm.bagging_fraction = 0.7;
    prm.bagging_freq = 1;
    prm.feature_fraction = 0.5;
    prm.n_threads = 1;
    prm.monotone = monotone;
    st_gbdt *m = (st_gbdt *)(uintptr_t)1, *back = (st_gbdt *)(uintptr_t)1;
    st_error err;
    st_status rc = st_gbdt_train(data, &prm, &m, &err);
    if (rc != ST_OK) {
        assert_null(m);
        return rc;
    }
    rc = st_gbdt_save(m, model_path, &err);
    if (rc == ST_OK) {
        rc = st_gbdt_load(model_path, &back, &err);
        if (rc != ST_OK)
            assert_null(back);
    }
    if (rc == ST_OK) {
        double p[10];
        rc = st_gbdt_predict(back, data, ST_GBDT_PROBABILITY, 1, p, 10, &err);
        /* TreeSHAP: room for 10 rows of up to 8 features' interactions */
        double shap[10 * 9 * 9];
        if (rc == ST_OK)
            rc = st_gbdt_contrib(back, data, 2, shap, sizeof shap / sizeof shap[0], &err);
        if (rc == ST_OK)
            rc = st_gbdt_interactions(back, data, 2, shap, sizeof shap / sizeof shap[0], &err);
        st_gbdt_free(back);
    }
    st_gbdt_free(m);
    return rc;
}

static void oom_loop(const signed char *monotone)
{
    test_oom_sweep(cycle, (void *)monotone, 10000);
}

/* train_ex with a validation set, early stopping, a callback asking for the training
 * metric and two-byte bin codes (300 distinct values, max_bin 1000), then save and load. */
static int no_cancel(const st_gbdt_progress *p, void *user_data)
{
    (void)p;
    (void)user_data;
    return 0;
}

static st_status cycle_valid(void *ctx)
{
    const st_dataset *wide = ctx;
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 3;
    prm.num_leaves = 4;
    prm.max_bin = 1000;
    prm.bagging_fraction = 0.7;
    prm.bagging_freq = 1;
    prm.early_stopping_rounds = 2;
    prm.metric = ST_GBDT_METRIC_AUC;
    prm.n_threads = 1;
    const st_gbdt_train_callbacks cb = {no_cancel, NULL, 1};
    st_gbdt *m = (st_gbdt *)(uintptr_t)1, *back = (st_gbdt *)(uintptr_t)1;
    st_error err;
    st_status rc = st_gbdt_train_ex(wide, wide, &prm, &cb, &m, &err);
    if (rc != ST_OK) {
        assert_null(m);
        return rc;
    }
    rc = st_gbdt_save(m, model_path, &err);
    if (rc == ST_OK) {
        rc = st_gbdt_load(model_path, &back, &err);
        if (rc != ST_OK)
            assert_null(back);
        st_gbdt_free(back);
    }
    st_gbdt_free(m);
    return rc;
}

static void test_gbdt_valid_oom(void **state)
{
    (void)state;
    float x[300], y[300];
    for (int i = 0; i < 300; i++) {
        x[i] = (float)((i * 7) % 300);
        y[i] = (float)((i * 7) % 300 >= 120) == (i % 5 != 0);
    }
    st_dataset *wide = NULL;
    assert_int_equal(st_dataset_from_arrays(300, 1, x, y, NULL, NULL, &wide, NULL), ST_OK);
    test_oom_sweep(cycle_valid, wide, 10000);
    st_dataset_free(wide);
}

/* The default number of trees on a small cohort: its five inner fits run side by side on
 * two threads (gbdt_auto.c), each allocating; every failure, in whichever fit, must come
 * back as ST_ERR_NOMEM with nothing left allocated. */
static st_status cycle_auto(void *ctx)
{
    const st_dataset *small = ctx;
    st_gbdt_params prm = st_gbdt_params_default(); /* num_trees: ST_GBDT_NUM_TREES_AUTO */
    prm.num_leaves = 4;
    prm.min_data_in_leaf = 2;
    prm.n_threads = 2;
    st_gbdt *m = (st_gbdt *)(uintptr_t)1;
    st_error err;
    st_status rc = st_gbdt_train(small, &prm, &m, &err);
    if (rc != ST_OK)
        assert_null(m);
    st_gbdt_free(m);
    return rc;
}

static void test_gbdt_auto_oom(void **state)
{
    (void)state;
    float x[2 * 60], y[60];
    for (int i = 0; i < 60; i++) {
        x[i] = (float)((i * 7) % 60);
        x[60 + i] = (float)(i % 3);
        y[i] = (float)(((i * 7) % 60 >= 25) == (i % 4 != 0));
    }
    st_dataset *small = NULL;
    assert_int_equal(st_dataset_from_arrays(60, 2, x, y, NULL, NULL, &small, NULL), ST_OK);
    test_oom_sweep(cycle_auto, small, 100000);
    st_dataset_free(small);
}

/* The whole cycle fails cleanly at every allocation. */
static void test_gbdt_oom(void **state)
{
    (void)state;
    oom_loop(NULL);
}

/* The same with a monotone constraint on x (its bounds, its copy and its model line). */
static void test_gbdt_oom_monotone(void **state)
{
    (void)state;
    static const signed char up[2] = {1, 0};
    oom_loop(up);
}

/* The same on sparse features (bundled, src/gbdt/gbdt_bundle.c): a CSR table of 10 rows
 * and 5 features with a NaN entry, an explicit zero and an all-zero feature; predicted
 * and explained from their entries. */
static void test_gbdt_oom_sparse(void **state)
{
    (void)state;
    const int64_t indptr[] = {0, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13};
    const int32_t indices[] = {0, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2, 0, 1};
    const float values[] = {1, 2, NAN, 3, 1, 0, 1, 2, 1, 1, 2, 1, 3};
    const float y[] = {0, 1, 0, 1, 0, 1, 1, 0, 1, 0};
    st_dataset *sparse = NULL, *dense = data;
    assert_int_equal(st_dataset_from_csr(10, 5, indptr, indices, values, y, NULL, NULL,
                                         &sparse, NULL),
                     ST_OK);
    data = sparse;
    oom_loop(NULL);
    data = dense;
    st_dataset_free(sparse);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_gbdt_oom),
                                       cmocka_unit_test(test_gbdt_oom_sparse),
                                       cmocka_unit_test(test_gbdt_valid_oom),
                                       cmocka_unit_test(test_gbdt_auto_oom),
                                       cmocka_unit_test(test_gbdt_oom_monotone)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
