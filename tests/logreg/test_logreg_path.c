/* The lambda path (sequence, lambda_max, warm-started fits against cold ones, thread
 * independence, bad arguments) and the Wald statistics of logistic regression (when they
 * exist, why not, invariances). The numbers themselves are checked against glmnet and
 * statsmodels by logreg_vs_glmnet.py and logreg_vs_statsmodels.py. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <stdlib.h>
#include <unistd.h>

/* xorshift64*, so the data are the same everywhere. */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

/* n x p numeric features (column j scaled by 1 + j), labels from a logistic model;
 * weights in [0.5, 2.5) times weight_scale when weight_scale > 0. */
static st_dataset *simulate(size_t n, size_t p, uint64_t seed, double weight_scale)
{
    float *x = malloc(n * p * sizeof *x), *y = malloc(n * sizeof *y);
    float *w = weight_scale > 0 ? malloc(n * sizeof *w) : NULL;
    assert_true(x != NULL && y != NULL && (weight_scale <= 0 || w != NULL));
    uint64_t s = seed;
    for (size_t k = 0; k < n * p; k++)
        x[k] = (float)((uniform(&s) - 0.5) * (1.0 + (double)(k / n)));
    for (size_t i = 0; i < n; i++) {
        double eta = -1;
        for (size_t j = 0; j < p; j++)
            eta += (j % 2 ? -1.0 : 2.0) / (1.0 + (double)j) * x[j * n + i];
        y[i] = uniform(&s) < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
        if (w != NULL)
            w[i] = (float)((0.5 + 2 * uniform(&s)) * weight_scale);
    }
    st_error err;
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(n, p, x, y, w, NULL, &ds, &err), ST_OK);
    free(x), free(y), free(w);
    return ds;
}

static st_logreg_path *fit_path(const st_dataset *ds, const st_logreg_params *prm,
                                const st_logreg_path_options *opt)
{
    st_error err;
    st_logreg_path *path = NULL;
    st_status rc = st_logreg_path_fit(ds, prm, opt, &path, &err);
    if (rc != ST_OK)
        fail_msg("st_logreg_path_fit: %s", err.message);
    return path;
}

/* The default sequence: 100 lambdas, log-spaced from lambda_max down to 1e-4 of it; the
 * lasso's first fit is all zeros with deviance ratio 0, and later fits explain more. */
static void test_path_default_sequence(void **state)
{
    (void)state;
    st_dataset *ds = simulate(400, 6, 1, 0);
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 1;
    st_logreg_path *path = fit_path(ds, &prm, NULL);
    size_t nl = st_logreg_path_n_lambda(path), p = st_logreg_path_n_coefs(path);
    const double *lam = st_logreg_path_lambdas(path);
    assert_int_equal(nl, 100);
    assert_int_equal(p, 6);
    assert_string_equal(st_logreg_path_coef_name(path, 0), "f0");
    assert_null(st_logreg_path_coef_name(path, 6));
    assert_same_double(lam[0], st_logreg_path_lambda_max(path));
    assert_close(lam[99] / lam[0], 1e-4, 1e-15);
    for (size_t l = 1; l < nl; l++)
        assert_close(lam[l] / lam[l - 1], pow(1e-4, 1.0 / 99), 1e-12);
    assert_int_equal(st_logreg_path_df(path)[0], 0);
    assert_close(st_logreg_path_dev_ratios(path)[0], 0, 1e-12);
    assert_true(st_logreg_path_df(path)[1] >= 1);
    for (size_t l = 0; l < nl; l++) {
        assert_true(st_logreg_path_converged(path, l));
        double d = st_logreg_path_dev_ratios(path)[l];
        assert_true(d >= 0 && d < 1);
        if (l > 0)
            assert_true(d >= st_logreg_path_dev_ratios(path)[l - 1] - 1e-9);
    }
    assert_null(st_logreg_path_coefs(path, nl));
    assert_int_equal(st_logreg_path_converged(path, nl), 0);
    st_logreg_path_free(path);
    st_dataset_free(ds);
}

/* lambda_max is the smallest lambda at which the lasso keeps every coefficient at 0: a
 * fit just below it has a non-zero one. Ridge uses alpha = 0.001 in its formula. */
static void test_path_lambda_max(void **state)
{
    (void)state;
    st_dataset *ds = simulate(300, 4, 2, 1);
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 0.5;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 1;
    st_logreg_path *path = fit_path(ds, &prm, &opt);
    double lmax = st_logreg_path_lambda_max(path);
    assert_int_equal(st_logreg_path_df(path)[0], 0);
    st_logreg_path_free(path);

    double below = 0.99 * lmax;
    opt.lambda = &below;
    path = fit_path(ds, &prm, &opt);
    assert_true(st_logreg_path_df(path)[0] >= 1);
    st_logreg_path_free(path);

    prm.alpha = 0;
    opt.lambda = NULL;
    path = fit_path(ds, &prm, &opt);
    assert_close(st_logreg_path_lambda_max(path), lmax * 0.5 / 0.001, 1e-12 * lmax * 500);
    st_logreg_path_free(path);
    st_dataset_free(ds);
}

/* With more columns than rows the default sequence stops at 1e-2 of lambda_max; an
 * explicit ratio and count are honoured. */
static void test_path_wide_ratio(void **state)
{
    (void)state;
    st_dataset *ds = simulate(30, 40, 3, 0);
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 1;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 10;
    st_logreg_path *path = fit_path(ds, &prm, &opt);
    const double *lam = st_logreg_path_lambdas(path);
    assert_close(lam[9] / lam[0], 1e-2, 1e-15);
    st_logreg_path_free(path);
    opt.lambda_min_ratio = 0.5;
    opt.n_lambda = 3;
    path = fit_path(ds, &prm, &opt);
    lam = st_logreg_path_lambdas(path);
    assert_int_equal(st_logreg_path_n_lambda(path), 3);
    assert_close(lam[2] / lam[0], 0.5, 1e-15);
    st_logreg_path_free(path);
    st_dataset_free(ds);
}

/* Each warm-started fit on the path is the fit st_logreg_train finds from scratch. */
static void test_path_matches_train(void **state)
{
    (void)state;
    st_dataset *ds = simulate(500, 5, 4, 1);
    for (int a = 0; a < 3; a++) {
        st_logreg_params prm = st_logreg_params_default();
        prm.alpha = a * 0.5;
        prm.tol = 1e-12;
        st_logreg_path_options opt = st_logreg_path_options_default();
        opt.n_lambda = 20;
        st_logreg_path *path = fit_path(ds, &prm, &opt);
        for (size_t l = 5; l < 20; l += 7) {
            st_error err;
            st_logreg *m = NULL;
            prm.lambda = st_logreg_path_lambdas(path)[l];
            assert_int_equal(st_logreg_train(ds, &prm, &m, &err), ST_OK);
            assert_close(st_logreg_path_intercepts(path)[l], st_logreg_intercept(m), 1e-5);
            for (size_t k = 0; k < 5; k++)
                assert_close(st_logreg_path_coefs(path, l)[k], st_logreg_coefs(m)[k], 1e-5);
            /* st_logreg_path_predict: the path's fit l predicts as the model does */
            double p_path[500], p_model[500];
            assert_int_equal(st_logreg_path_predict(path, ds, l, p_path, 500, &err), ST_OK);
            assert_int_equal(st_logreg_predict(m, ds, p_model, 500, &err), ST_OK);
            for (size_t i = 0; i < 500; i += 37)
                assert_close(p_path[i], p_model[i], 1e-6);
            st_logreg_free(m);
        }
        st_logreg_path_free(path);
    }
    st_dataset_free(ds);
}

/* st_logreg_path_predict refuses a NULL path, an index past the path and a short buffer. */
static void test_path_predict_bad_args(void **state)
{
    (void)state;
    st_dataset *ds = simulate(50, 2, 3, 0);
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 3;
    st_logreg_path *path = fit_path(ds, NULL, &opt);
    double p[50];
    st_error err;
    assert_int_equal(st_logreg_path_predict(NULL, ds, 0, p, 50, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_path_predict(path, ds, 3, p, 50, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "out of range"));
    assert_int_equal(st_logreg_path_predict(path, ds, 2, p, 49, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_path_predict(path, ds, 2, p, 50, &err), ST_OK);
    st_logreg_path_free(path);
    st_dataset_free(ds);
}

/* The path does not depend on the thread count, bit for bit (more rows than one block). */
static void test_path_threads(void **state)
{
    (void)state;
    st_dataset *ds = simulate(9000, 4, 5, 1);
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 0.7;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 8;
    prm.n_threads = 1;
    st_logreg_path *one = fit_path(ds, &prm, &opt);
    prm.n_threads = 3;
    st_logreg_path *three = fit_path(ds, &prm, &opt);
    for (size_t l = 0; l < 8; l++) {
        assert_same_double(st_logreg_path_intercepts(one)[l], st_logreg_path_intercepts(three)[l]);
        assert_same_double(st_logreg_path_dev_ratios(one)[l], st_logreg_path_dev_ratios(three)[l]);
        for (size_t k = 0; k < 4; k++)
            assert_same_double(st_logreg_path_coefs(one, l)[k], st_logreg_path_coefs(three, l)[k]);
    }
    st_logreg_path_free(one);
    st_logreg_path_free(three);
    st_dataset_free(ds);
}

/* Bad arguments fail with ST_ERR_INVALID_ARG, a message, and *out NULL; NULL is safe
 * everywhere. */
static void test_path_bad_args(void **state)
{
    (void)state;
    st_dataset *ds = simulate(50, 2, 6, 0);
    st_error err;
    st_logreg_path *path = (st_logreg_path *)(uintptr_t)1;
    assert_int_equal(st_logreg_path_fit(NULL, NULL, NULL, &path, &err), ST_ERR_INVALID_ARG);
    assert_null(path);
    assert_contains(err.message, "dataset is NULL");
    assert_int_equal(st_logreg_path_fit(ds, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = 0;
    assert_int_equal(st_logreg_path_fit(ds, NULL, &opt, &path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "n_lambda");
    opt = st_logreg_path_options_default();
    opt.lambda_min_ratio = 2;
    assert_int_equal(st_logreg_path_fit(ds, NULL, &opt, &path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "lambda_min_ratio");
    double bad[2] = {0.1, -1};
    opt = st_logreg_path_options_default();
    opt.n_lambda = 2;
    opt.lambda = bad;
    assert_int_equal(st_logreg_path_fit(ds, NULL, &opt, &path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "every lambda");
    st_logreg_params prm = st_logreg_params_default();
    prm.alpha = 2;
    assert_int_equal(st_logreg_path_fit(ds, &prm, NULL, &path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "alpha");
    assert_null(path);
    st_logreg_path_free(NULL);
    assert_int_equal(st_logreg_path_n_lambda(NULL), 0);
    assert_null(st_logreg_path_lambdas(NULL));
    assert_null(st_logreg_path_coefs(NULL, 0));
    assert_true(isnan(st_logreg_path_lambda_max(NULL)));
    st_dataset_free(ds);
}

static st_logreg *train(const st_dataset *ds, double lambda, double alpha, int standardize)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = lambda;
    prm.alpha = alpha;
    prm.standardize = standardize;
    prm.tol = 1e-13;
    st_error err;
    st_logreg *m = NULL;
    if (st_logreg_train(ds, &prm, &m, &err) != ST_OK)
        fail_msg("st_logreg_train: %s", err.message);
    return m;
}

static void stats_of(const st_logreg *m, st_logreg_coef_stat *out, size_t n)
{
    st_error err;
    if (st_logreg_coef_stats(m, 0.95, out, n, &err) != ST_OK)
        fail_msg("st_logreg_coef_stats: %s", err.message);
}

/* Unpenalised statistics do not depend on standardisation; intervals, z, p-values and
 * odds ratios follow from estimate and se; doubling every weight divides se by sqrt(2). */
static void test_stats_invariances(void **state)
{
    (void)state;
    st_dataset *ds = simulate(600, 3, 7, 1), *ds2 = simulate(600, 3, 7, 2);
    st_logreg *a = train(ds, 0, 0, 1), *b = train(ds, 0, 0, 0), *c = train(ds2, 0, 0, 1);
    st_logreg_coef_stat sa[4], sb[4], sc[4];
    assert_true(st_logreg_has_coef_stats(a));
    stats_of(a, sa, 4), stats_of(b, sb, 4), stats_of(c, sc, 4);
    for (int k = 0; k < 4; k++) {
        assert_close(sa[k].estimate, sb[k].estimate, 1e-8 * sa[k].se);
        assert_close(sa[k].se, sb[k].se, 1e-8 * sa[k].se);
        assert_close(sc[k].se * sqrt(2.0), sa[k].se, 1e-6 * sa[k].se);
        assert_close(sa[k].z, sa[k].estimate / sa[k].se, 1e-12 * fabs(sa[k].z));
        assert_close(sa[k].ci_high - sa[k].estimate, 1.959963984540054 * sa[k].se,
                     1e-12 * sa[k].se);
        assert_close(sa[k].p_value, erfc(fabs(sa[k].z) / sqrt(2.0)), 1e-15);
        assert_close(sa[k].or_low, exp(sa[k].ci_low), 1e-12 * sa[k].or_low);
    }
    assert_same_double(sa[0].estimate, st_logreg_intercept(a));
    assert_same_double(sa[2].estimate, st_logreg_coefs(a)[1]);
    st_logreg_coef_stat s99[4];
    assert_int_equal(st_logreg_coef_stats(a, 0.99, s99, 4, NULL), ST_OK);
    assert_close(s99[1].ci_high - s99[1].estimate, 2.5758293035489004 * s99[1].se,
                 1e-12 * s99[1].se);
    /* a ridge penalty shrinks the standard errors */
    st_logreg *r = train(ds, 0.05, 0, 1);
    st_logreg_coef_stat sr[4];
    stats_of(r, sr, 4);
    for (int k = 1; k < 4; k++)
        assert_true(sr[k].se < sa[k].se);
    st_logreg_free(a), st_logreg_free(b), st_logreg_free(c), st_logreg_free(r);
    st_dataset_free(ds), st_dataset_free(ds2);
}

/* Why statistics are missing: an L1 penalty, a model loaded from a file, collinear
 * columns with lambda = 0; and bad arguments. A constant column gets NaN. */
static void test_stats_unavailable(void **state)
{
    (void)state;
    st_dataset *ds = simulate(200, 2, 8, 0);
    st_error err;
    st_logreg_coef_stat out[4];
    st_logreg *m = train(ds, 0.01, 1, 1);
    assert_false(st_logreg_has_coef_stats(m));
    assert_int_equal(st_logreg_coef_stats(m, 0.95, out, 4, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "L1 penalty");
    st_logreg_free(m);

    m = train(ds, 0.01, 0, 1);
    assert_int_equal(st_logreg_coef_stats(m, 1.5, out, 4, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "level");
    assert_int_equal(st_logreg_coef_stats(m, 0.95, out, 2, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "needs 3");
    assert_int_equal(st_logreg_coef_stats(m, 0.95, NULL, 3, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_coef_stats(NULL, 0.95, out, 3, &err), ST_ERR_INVALID_ARG);
    assert_false(st_logreg_has_coef_stats(NULL));
    char path[] = "/tmp/stratum_stats_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    st_logreg_free(m);
    assert_int_equal(st_logreg_load(path, &m, &err), ST_OK);
    remove(path);
    assert_false(st_logreg_has_coef_stats(m));
    assert_int_equal(st_logreg_coef_stats(m, 0.95, out, 3, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "loaded from a file");
    st_logreg_free(m);
    st_dataset_free(ds);

    /* x1 = 2 x0 exactly: singular without a penalty; x2 constant: NaN */
    float x[3 * 8] = {1, 2, 3, 4, 5, 6, 7, 8, 2, 4, 6, 8, 10, 12, 14, 16,
                      3, 3, 3, 3, 3, 3, 3, 3};
    float y[8] = {0, 1, 0, 0, 1, 1, 0, 1};
    assert_int_equal(st_dataset_from_arrays(8, 3, x, y, NULL, NULL, &ds, &err), ST_OK);
    m = train(ds, 0, 0, 1);
    assert_int_equal(st_logreg_coef_stats(m, 0.95, out, 4, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "singular");
    st_logreg_free(m);
    m = train(ds, 0.1, 0, 1);
    stats_of(m, out, 4);
    assert_true(out[1].se > 0 && out[2].se > 0);
    assert_nan(out[3].se);
    assert_nan(out[3].p_value);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* Standard errors do not depend on the thread count, bit for bit. */
static void test_stats_threads(void **state)
{
    (void)state;
    st_dataset *ds = simulate(9000, 5, 10, 1);
    st_logreg_coef_stat s1[6], s3[6];
    st_logreg_params prm = st_logreg_params_default();
    st_logreg *m1 = NULL, *m3 = NULL;
    prm.n_threads = 1;
    assert_int_equal(st_logreg_train(ds, &prm, &m1, NULL), ST_OK);
    prm.n_threads = 3;
    assert_int_equal(st_logreg_train(ds, &prm, &m3, NULL), ST_OK);
    stats_of(m1, s1, 6), stats_of(m3, s3, 6);
    for (int k = 0; k < 6; k++) {
        assert_same_double(s1[k].se, s3[k].se);
        assert_same_double(s1[k].p_value, s3[k].p_value);
    }
    st_logreg_free(m1), st_logreg_free(m3);
    st_dataset_free(ds);
}

/* More than 256 expanded columns: no statistics, and the reason says so. */
static void test_stats_too_wide(void **state)
{
    (void)state;
    st_dataset *ds = simulate(300, 260, 9, 0);
    st_logreg *m = train(ds, 0.1, 0, 1);
    st_error err;
    assert_int_equal(st_logreg_coef_stats(m, 0.95, NULL, 0, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "256");
    st_logreg_free(m);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_default_sequence),
        cmocka_unit_test(test_path_lambda_max),
        cmocka_unit_test(test_path_wide_ratio),
        cmocka_unit_test(test_path_matches_train),
        cmocka_unit_test(test_path_threads),
        cmocka_unit_test(test_path_bad_args),
        cmocka_unit_test(test_path_predict_bad_args),
        cmocka_unit_test(test_stats_invariances),
        cmocka_unit_test(test_stats_unavailable),
        cmocka_unit_test(test_stats_threads),
        cmocka_unit_test(test_stats_too_wide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
