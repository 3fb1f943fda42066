/* Allocation failure in the metrics: st_evaluate (with bootstrap) and st_roc_curve are run
 * with the Nth allocation failing, for N = 0, 1, 2, ... until they succeed. Each failing
 * run must return ST_ERR_NOMEM, leave no block allocated and leave the result zeroed. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"

static const double p[8] = {0.9, 0.8, 0.8, 0.6, 0.5, 0.4, 0.2, 0.1};
static const float y[8] = {1, 0, 1, 1, 0, 0, 1, 0};
static const float w[8] = {1, 2, 1, 0, 1, 1, 1, 1};

static st_status evaluate(void *unused)
{
    (void)unused;
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 5;
    prm.n_threads = 1;
    st_eval ev;
    st_error err;
    st_status rc = st_evaluate(p, y, w, 8, &prm, &ev, &err);
    if (rc != ST_OK)
        assert_true(isnan(ev.value[ST_METRIC_ROC_AUC]) && ev.n_rows == 0);
    return rc;
}

static st_status curve(void *unused)
{
    (void)unused;
    double a[9], b[9], t[9];
    size_t n;
    return st_roc_curve(p, y, w, 8, a, b, t, 9, &n, NULL);
}

/* Runs fn with the Nth allocation failing until it succeeds. */
static void fail_each_allocation(st_status (*fn)(void *))
{
    test_oom_sweep(fn, NULL, 1000);
}

/* st_evaluate fails cleanly at every allocation. */
static void test_evaluate_oom(void **state)
{
    fail_each_allocation(evaluate);
}

/* st_roc_curve fails cleanly at every allocation. */
static void test_curve_oom(void **state)
{
    fail_each_allocation(curve);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evaluate_oom),
        cmocka_unit_test(test_curve_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
