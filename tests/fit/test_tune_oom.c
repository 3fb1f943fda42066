/* Allocation failure in the search (stratum/tune.h): st_tune_run of logistic regression
 * (two rungs, groups, the defaults scored apart, a nested estimate) and of boosted trees,
 * with the Nth allocation failing for N = 0, 1, 2, ... until the cycle succeeds. Each
 * failing run returns ST_ERR_NOMEM, leaves no block allocated and its OUT pointer NULL. */
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
    char csv[2048];
    size_t n = (size_t)snprintf(csv, sizeof csv, "x,z,label\n");
    for (int i = 0; i < 40; i++) /* label 1 on every third row, x informative, z noise */
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%d,%d,%d\n", i % 3 == 0 ? i + 7 : i,
                              (i * 7) % 11, i % 3 == 0);
    st_read_options opt = st_read_options_default();
    return st_dataset_read_csv_buffer(csv, n, "oom", &opt, &data, NULL) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    st_dataset_free(data);
    return 0;
}

static st_status one(const st_tune_params *p)
{
    st_error err;
    st_tune_result *res = (st_tune_result *)(uintptr_t)1;
    st_status rc = st_tune_run(data, p, &res, &err);
    if (rc != ST_OK) {
        assert_null(res);
        return rc;
    }
    st_tune_result_free(res);
    return ST_OK;
}

static st_status cycle(void *unused)
{
    (void)unused;
    static double groups[40];
    for (int i = 0; i < 40; i++)
        groups[i] = i / 2;
    st_tune_params p = st_tune_params_default();
    p.n_trials = 3; /* rungs of 3 and 1 */
    p.min_rows = 20;
    p.start_from_defaults = 0; /* the defaults scored apart, on all rows */
    p.fixed = ST_TUNE_LAMBDA;  /* one fit per fold, not the inner choice of lambda */
    p.cv.logreg.lambda = 0.1;
    p.nested_folds = 2;
    p.cv.n_folds = 2;
    p.cv.n_threads = 1;
    p.cv.groups = groups;
    st_status rc = one(&p);
    if (rc != ST_OK)
        return rc;
    st_tune_params g = st_tune_params_default();
    g.cv.family = ST_CV_GBDT;
    g.n_trials = 1;
    g.score_defaults = 0;
    g.cv.n_folds = 2;
    g.cv.n_threads = 1;
    g.cv.gbdt.num_trees = 2;
    g.fixed = ST_TUNE_MIN_DATA_IN_LEAF;
    g.cv.gbdt.min_data_in_leaf = 1;
    return one(&g);
}

static void test_tune_oom(void **state)
{
    (void)state;
    const long n = test_oom_sweep(cycle, NULL, 200000);
    printf("the cycle succeeded with %ld allocations allowed to fail first\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_tune_oom)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
