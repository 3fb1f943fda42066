/* Allocation failure in the lambda path, in training with standard errors and in the
 * streamed fit (src/logreg/logreg_stream.c): with the Nth allocation failing, for N = 0, 1, 2,
 * ... until the call succeeds, each failing call returns ST_ERR_NOMEM with *out NULL (the
 * fit empty) and leaves no block allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>

#include <stratum.h>

#include "core/alloc.h"
#include "logreg/logreg_stream.h"

static const char csv[] =
    "age,sex,bp,label\n"
    "63,M,140,1\n45,F,,0\n51,F,130,0\n70,M,NA,1\n38,F,120,0\n59,M,150,1\n44,F,125,0\n"
    "66,M,,1\n52,F,135,0\n47,M,128,0\n71,F,145,1\n36,M,118,0\n55,F,138,1\n49,M,122,0\n";

typedef st_status (*fit_fn)(const st_dataset *ds, void **out, st_error *err);

static st_status fit_path(const st_dataset *ds, void **out, st_error *err)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 0.5;
    prm.n_threads = 1;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 4;
    return st_logreg_path_fit(ds, &prm, &opt, (st_logreg_path **)out, err);
}

static st_status fit_ridge(const st_dataset *ds, void **out, st_error *err)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05;
    prm.n_threads = 1;
    st_status rc = st_logreg_train(ds, &prm, (st_logreg **)out, err);
    if (rc == ST_OK)
        assert_true(st_logreg_has_coef_stats(*out));
    return rc;
}

/* The default fit: lambda chosen on 5 inner folds, their paths side by side on two threads
 * (logreg_choose.c), each allocating. */
static st_status fit_default(const st_dataset *ds, void **out, st_error *err)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.n_threads = 2;
    return st_logreg_train(ds, &prm, (st_logreg **)out, err);
}

/* Runs fit with allocation n failing for n = 0, 1, 2, ... (from every_after on, every 97th
 * only) until it succeeds: each failure must be ST_ERR_NOMEM with nothing left allocated,
 * whichever fit or thread it hit. */
static void run_until_success(fit_fn fit, void (*release)(void *), long every_after)
{
    st_error err;
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "oom.csv", NULL, &ds,
                                                &err), ST_OK);
    long baseline = st__fault_live_blocks(), n;
    for (n = 0; n < 100000; n += n < every_after ? 1 : 97) {
        void *out = (void *)1;
        st__fault_fail_after(n);
        st_status rc = fit(ds, &out, &err);
        st__fault_fail_after(-1);
        if (rc == ST_OK) {
            release(out);
            break;
        }
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_int_equal(err.code, ST_ERR_NOMEM);
        assert_null(out);
        assert_int_equal(st__fault_live_blocks(), baseline);
    }
    assert_true(n > 5 && (every_after == LONG_MAX || n > every_after));
    assert_true(n < 100000);
    assert_int_equal(st__fault_live_blocks(), baseline);
    st_dataset_free(ds);
}

static void free_path(void *p) { st_logreg_path_free(p); }
static void free_model(void *m) { st_logreg_free(m); }

/* The path (elastic net, coordinate descent) under every allocation failure. */
static void test_path_oom(void **state)
{
    (void)state;
    run_until_success(fit_path, free_path, LONG_MAX);
}

/* A ridge fit with its standard errors under every allocation failure. */
static void test_ridge_stats_oom(void **state)
{
    (void)state;
    run_until_success(fit_ridge, free_model, LONG_MAX);
}

/* The default fit, its inner folds side by side, under allocation failure: the first 64
 * allocations failing in turn, then every 97th (a default fit makes thousands: 100 lambdas
 * on each of 5 folds; a full sweep took 30 s), until the fit succeeds. */
static void test_default_oom(void **state)
{
    (void)state;
    run_until_success(fit_default, free_model, 64);
}

/* A block source over a fixed numeric table: age and bp (one missing) of the rows above. */
static const float stream_x[2][14] = {
    {63, 45, 51, 70, 38, 59, 44, 66, 52, 47, 71, 36, 55, 49},
    {140, 125, 130, NAN, 120, 150, 125, 160, 135, 128, 145, 118, 138, 122}};
static const float stream_y[14] = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0};

static st_status stream_rewind(void *ctx, st_error *err)
{
    (void)err;
    *(size_t *)ctx = 0;
    return ST_OK;
}

static st_status stream_next(void *ctx, float *x, float *y, float *w, size_t *n_rows,
                             st_error *err)
{
    (void)err;
    size_t *pos = ctx, nb = 14 - *pos < 5 ? 14 - *pos : 5;
    for (size_t i = 0; i < nb; i++) {
        x[i] = stream_x[0][*pos + i], x[5 + i] = stream_x[1][*pos + i];
        y[i] = stream_y[*pos + i], w[i] = 1;
    }
    *pos += nb;
    *n_rows = nb;
    return ST_OK;
}

/* The streamed elastic net (coordinate descent) and ridge (Newton) under every allocation
 * failure: ST_ERR_NOMEM, the fit left empty, nothing leaked. */
static void test_stream_oom(void **state)
{
    (void)state;
    size_t pos = 0;
    st__lr_source src = {.n_features = 2, .block_rows = 5, .layout = ST__LR_FEATURE_MAJOR,
                         .ctx = &pos, .rewind = stream_rewind, .next = stream_next};
    for (int a = 0; a < 2; a++) {
        st_logreg_params prm = st_logreg_params_default();
        prm.lambda = 0.05;
        prm.alpha = a ? 0.5 : 0;
        long baseline = st__fault_live_blocks(), n;
        for (n = 0; n < 100000; n++) {
            st__lr_stream_fit fit;
            st_error err;
            st__fault_fail_after(n);
            st_status rc = st__lr_stream_train(&src, &prm, &fit, &err);
            st__fault_fail_after(-1);
            if (rc == ST_OK) {
                assert_true(fit.info.converged);
                st__lr_stream_fit_free(&fit);
                break;
            }
            assert_int_equal(rc, ST_ERR_NOMEM);
            assert_null(fit.coefs);
            assert_int_equal(st__fault_live_blocks(), baseline);
        }
        assert_true(n > 5 && n < 100000);
        assert_int_equal(st__fault_live_blocks(), baseline);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_oom),
        cmocka_unit_test(test_ridge_stats_oom),
        cmocka_unit_test(test_default_oom),
        cmocka_unit_test(test_stream_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
