/* Allocation failure in compare (stratum/compare.h): st_compare_run with both families, two
 * class weights, recalibration, a fixed model and the out-of-fold predictions kept, with
 * the Nth allocation failing for N = 0, 1, 2, ... until the run succeeds. Each failing run
 * returns ST_ERR_NOMEM, leaves no block allocated and its OUT pointer NULL. (Text columns
 * and a rule on inner folds go through st_cv_run, swept by test_cv_oom; here they made
 * the sweep, quadratic in the cycle's allocations, take three minutes under the
 * sanitizers.) */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"

static st_dataset *data;

static int setup(void **state)
{
    (void)state;
    return (data = test_oom_notes()) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    st_dataset_free(data);
    return 0;
}

static st_status cycle(void *unused)
{
    (void)unused;
    static const st_compare_weight weights[] = {{ST_CLASS_WEIGHT_NONE, 1},
                                                {ST_CLASS_WEIGHT_POSITIVE, 2}};
    static double p[16];
    for (int i = 0; i < 16; i++)
        p[i] = (double)i / 16;
    st_compare_fixed fixed = {"m", p};
    st_error err;
    st_compare_params cp = st_compare_params_default();
    cp.cv.n_folds = 2;
    cp.cv.n_threads = 1;
    cp.cv.logreg.lambda = 0.1;
    cp.cv.gbdt.num_trees = 2;
    cp.cv.gbdt.min_data_in_leaf = 1;
    cp.weights = weights;
    cp.n_weights = 2;
    cp.recalibrate = ST_CALIBRATION_PLATT;
    cp.calibration_folds = 2;
    cp.fixed = &fixed;
    cp.n_fixed = 1;
    cp.keep_oof = 1;
    st_compare_result *res = (st_compare_result *)(uintptr_t)1;
    st_status rc = st_compare_run(data, &cp, &res, &err);
    if (rc != ST_OK) {
        assert_null(res);
        return rc;
    }
    st_compare_result_free(res);
    return ST_OK;
}

static void test_compare_oom(void **state)
{
    (void)state;
    test_oom_sweep(cycle, NULL, 400000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_compare_oom)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
