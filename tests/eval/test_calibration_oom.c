/* Allocation failure in calibration: fitting both maps, setting them and a threshold on
 * each model family, saving, loading and predicting, with the Nth allocation failing for
 * N = 0, 1, 2, ... until the cycle succeeds. Each failing run returns ST_ERR_NOMEM, leaves
 * no block allocated and its OUT pointers NULL. */
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
static char lr_path[] = "/tmp/stratum_cal_oom_lr_XXXXXX", gb_path[] = "/tmp/stratum_cal_oom_gb_XXXXXX";

static int setup(void **state)
{
    (void)state;
    static const char csv[] = "x,label\n1,0\n2,0\n3,1\n4,0\n5,1\n6,0\n7,1\n8,1\n9,0\n10,1\n";
    st_read_options opt = st_read_options_default();
    int a = mkstemp(lr_path), b = mkstemp(gb_path);
    if (a < 0 || b < 0)
        return -1;
    close(a), close(b);
    return st_dataset_read_csv_buffer(csv, sizeof csv - 1, "oom", &opt, &data, NULL) == ST_OK
               ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    st_dataset_free(data);
    unlink(lr_path);
    unlink(gb_path);
    return 0;
}

static st_status cycle(void *unused)
{
    (void)unused;
    const double p[10] = {0.1, 0.15, 0.3, 0.2, 0.6, 0.4, 0.7, 0.65, 0.5, 0.9};
    const float *y = st_dataset_labels(data);
    st_calibration *platt = (st_calibration *)(uintptr_t)1, *iso = (st_calibration *)(uintptr_t)1;
    st_logreg *lr = NULL, *lr2 = (st_logreg *)(uintptr_t)1;
    st_gbdt *gb = NULL, *gb2 = (st_gbdt *)(uintptr_t)1;
    st_error err;
    st_decision_threshold t = {0.4, ST_THRESHOLD_MIN_RECALL, 0.9};
    double out[10];
    st_status rc = st_calibration_fit_platt(p, y, NULL, 10, &platt, &err);
    if (rc != ST_OK) {
        assert_null(platt);
        return rc;
    }
    rc = st_calibration_fit_isotonic(p, y, NULL, 10, &iso, &err);
    if (rc != ST_OK)
        assert_null(iso);
    st_gbdt_params gp = st_gbdt_params_default();
    gp.num_trees = 2, gp.min_data_in_leaf = 1, gp.n_threads = 1;
    st_logreg_params lp = st_logreg_params_default();
    lp.lambda = 1e-4; /* the old default: this test is about the calibration map */
    if (rc == ST_OK)
        rc = st_logreg_train(data, &lp, &lr, &err);
    if (rc == ST_OK)
        rc = st_gbdt_train(data, &gp, &gb, &err);
    if (rc == ST_OK)
        rc = st_logreg_set_calibration(lr, platt, &err);
    if (rc == ST_OK)
        rc = st_gbdt_set_calibration(gb, iso, &err);
    if (rc == ST_OK)
        rc = st_logreg_set_threshold(lr, &t, &err);
    if (rc == ST_OK)
        rc = st_gbdt_set_threshold(gb, &t, &err);
    if (rc == ST_OK)
        rc = st_logreg_save(lr, lr_path, &err);
    if (rc == ST_OK)
        rc = st_gbdt_save(gb, gb_path, &err);
    if (rc == ST_OK && (rc = st_logreg_load(lr_path, &lr2, &err)) != ST_OK)
        assert_null(lr2);
    if (rc == ST_OK && (rc = st_gbdt_load(gb_path, &gb2, &err)) != ST_OK)
        assert_null(gb2);
    if (rc == ST_OK)
        rc = st_logreg_predict(lr2, data, out, 10, &err);
    if (rc == ST_OK)
        rc = st_gbdt_predict(gb2, data, ST_GBDT_PROBABILITY, 1, out, 10, &err);
    if (lr2 != (st_logreg *)(uintptr_t)1)
        st_logreg_free(lr2);
    if (gb2 != (st_gbdt *)(uintptr_t)1)
        st_gbdt_free(gb2);
    st_logreg_free(lr);
    st_gbdt_free(gb);
    st_calibration_free(platt);
    if (iso != (st_calibration *)(uintptr_t)1)
        st_calibration_free(iso);
    return rc;
}

static void test_calibration_oom(void **state)
{
    (void)state;
    test_oom_sweep(cycle, NULL, 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_calibration_oom)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
