/* Allocation failure in cross-validation (stratum/cv.h): st_cv_run with text columns, a
 * rule on inner folds and groups, boosted trees with a held-out validation share, and
 * st_cv_path_run and st_cv_post_fit (a map and a rule), with the Nth allocation failing for N = 0, 1, 2, ... until the cycle
 * succeeds. Each failing run returns ST_ERR_NOMEM, leaves no block allocated and its OUT
 * pointer NULL. */
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
    static const char *const text_cols[] = {"note"};
    static const double groups[16] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};
    st_error err;
    st_cv_params p = st_cv_params_default();
    p.n_folds = 2;
    p.n_threads = 1;
    p.logreg.lambda = 0.1;
    p.text_cols = text_cols;
    p.n_text_cols = 1;
    p.groups = groups;
    p.eval.rule = ST_THRESHOLD_MAX_F1;
    p.threshold_folds = 2;
    st_cv_result *res = (st_cv_result *)(uintptr_t)1;
    st_status rc = st_cv_run(data, &p, &res, &err);
    if (rc != ST_OK) {
        assert_null(res);
        return rc;
    }
    st_cv_result_free(res);
    st_cv_params g = st_cv_params_default();
    g.family = ST_CV_GBDT;
    g.n_folds = 2;
    g.n_threads = 1;
    g.gbdt.num_trees = 2;
    g.gbdt.min_data_in_leaf = 1;
    g.valid_fraction = 0.3;
    res = (st_cv_result *)(uintptr_t)1;
    rc = st_cv_run(data, &g, &res, &err);
    if (rc != ST_OK) {
        assert_null(res);
        return rc;
    }
    st_cv_result_free(res);
    st_cv_params q = st_cv_params_default();
    q.n_folds = 2;
    q.n_threads = 1;
    st_logreg_path_options po = st_logreg_path_options_default();
    po.n_lambda = 3;
    st_cv_path_result *path = (st_cv_path_result *)(uintptr_t)1;
    rc = st_cv_path_run(data, &q, &po, ST_CV_AUC, &path, &err);
    if (rc != ST_OK) {
        assert_null(path);
        return rc;
    }
    st_cv_path_result_free(path);
    st_cv_post_params pp = st_cv_post_params_default();
    pp.method = ST_CALIBRATION_ISOTONIC;
    pp.folds = 2;
    pp.eval.rule = ST_THRESHOLD_YOUDEN;
    st_cv_post_result *post = (st_cv_post_result *)(uintptr_t)1;
    rc = st_cv_post_fit(data, &p, &pp, &post, &err);
    if (rc != ST_OK) {
        assert_null(post);
        return rc;
    }
    st_cv_post_result_free(post);
    return ST_OK;
}

static void test_cv_oom(void **state)
{
    (void)state;
    test_oom_sweep(cycle, NULL, 200000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cv_oom)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
