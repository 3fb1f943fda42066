/* Streamed logistic regression (src/logreg/logreg_stream.c): fitted from an in-memory block
 * source over shipped cohorts, it must give the coefficients st_logreg_train gives on the
 * same data (ridge, lasso, elastic net; standardised or not; class weights; missing values
 * imputed; a constant column and one near 1e6), whatever the block size and layout, in
 * at most two passes per iteration; the same result with 1 and 2 threads;
 * and clean errors (bad parameters, a failing source, infinite values, out of memory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "logreg/logreg_stream.h"

/* A block source over a dataset whose features are all numeric. */
typedef struct mem_source {
    const st_dataset *ds;
    size_t pos, block_rows;
    st__lr_layout layout;
    long fail_at; /* >= 0: the call to next that fails (counted over the whole fit) */
    long calls;
} mem_source;

static st_status mem_rewind(void *ctx, st_error *err)
{
    (void)err;
    ((mem_source *)ctx)->pos = 0;
    return ST_OK;
}

static st_status mem_next(void *ctx, float *x, float *y, float *w, size_t *n_rows,
                          st_error *err)
{
    mem_source *s = ctx;
    if (s->fail_at >= 0 && s->calls++ == s->fail_at) {
        snprintf(err->message, sizeof err->message, "source failed on purpose");
        return ST_ERR_IO;
    }
    const size_t n = st_dataset_n_rows(s->ds), p = st_dataset_n_features(s->ds);
    size_t nb = n - s->pos < s->block_rows ? n - s->pos : s->block_rows;
    const float *lab = st_dataset_labels(s->ds), *wt = st_dataset_weights(s->ds);
    for (size_t j = 0; j < p; j++) {
        const float *v = st_dataset_feature_values(s->ds, j) + s->pos;
        for (size_t i = 0; i < nb; i++) {
            if (s->layout == ST__LR_FEATURE_MAJOR)
                x[j * s->block_rows + i] = v[i];
            else
                x[i * p + j] = v[i];
        }
    }
    for (size_t i = 0; i < nb; i++) {
        y[i] = lab[s->pos + i];
        w[i] = wt != NULL ? wt[s->pos + i] : 1.0f;
    }
    s->pos += nb;
    *n_rows = nb;
    return ST_OK;
}

static st__lr_source source_of(mem_source *m)
{
    st__lr_source src = {.n_features = st_dataset_n_features(m->ds),
                         .block_rows = m->block_rows, .layout = m->layout, .ctx = m,
                         .rewind = mem_rewind, .next = mem_next};
    return src;
}

static st_dataset *read_dataset(const char *name, const char *ignore)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", STRATUM_DATASETS, name);
    st_read_options opt = st_read_options_default();
    opt.label_required = 1;
    const char *ign[1] = {ignore};
    if (ignore != NULL)
        opt.ignore = ign, opt.n_ignore = 1;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(path, &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    for (size_t j = 0; j < st_dataset_n_features(ds); j++)
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_NUMERIC)
            fail_msg("%s: feature %s is not numeric", name, st_dataset_feature_name(ds, j));
    return ds;
}

/* max_k |a_k - b_k| / max(max_k |b_k|, 1e-300), over the intercept and coefficients. */
static double rel_diff(const st__lr_stream_fit *f, const st_logreg *m)
{
    const double *c = st_logreg_coefs(m);
    double scale = fabs(st_logreg_intercept(m)), diff = fabs(f->intercept - st_logreg_intercept(m));
    for (size_t j = 0; j < f->n_features; j++) {
        scale = fmax(scale, fabs(c[j]));
        diff = fmax(diff, fabs(f->coefs[j] - c[j]));
    }
    return diff / fmax(scale, 1e-300);
}

/* Streams ds with the given block size and layout and compares with st_logreg_train. */
static void compare(const st_dataset *ds, const st_logreg_params *prm, size_t block_rows,
                    st__lr_layout layout, const char *what)
{
    st_logreg *m = NULL;
    st_error err;
    if (st_logreg_train(ds, prm, &m, &err) != ST_OK)
        fail_msg("%s: in memory: %s", what, err.message);
    mem_source ms = {.ds = ds, .block_rows = block_rows, .layout = layout, .fail_at = -1};
    st__lr_source src = source_of(&ms);
    st__lr_stream_fit fit;
    if (st__lr_stream_train(&src, prm, &fit, &err) != ST_OK)
        fail_msg("%s: streamed: %s", what, err.message);
    double d = rel_diff(&fit, m);
    double fobj = fabs(fit.info.objective - st_logreg_objective(m)) / st_logreg_objective(m);
    if (!(d <= 1e-6) || !(fobj <= 1e-9) || !fit.info.converged ||
        fit.n_rows != st_dataset_n_rows(ds))
        fail_msg("%s: coefficients differ by %.3g (relative), objectives by %.3g, converged "
                 "%d after %d iterations, %zu rows", what, d, fobj, fit.info.converged,
                 fit.info.iterations, fit.n_rows);
    /* one pass per iteration when full steps are taken, plus the preprocessing and the
     * first model: here never more than two per iteration */
    if (fit.passes > 2 + 2 * (size_t)fit.info.iterations)
        fail_msg("%s: %zu passes for %d iterations", what, fit.passes, fit.info.iterations);
    /* an L1 zero is a zero in both */
    for (size_t j = 0; j < fit.n_features; j++)
        if ((fit.coefs[j] == 0) != (st_logreg_coefs(m)[j] == 0) && prm->alpha > 0 &&
            fmax(fabs(fit.coefs[j]), fabs(st_logreg_coefs(m)[j])) > 1e-9)
            fail_msg("%s: coefficient %zu is %g streamed, %g in memory", what, j,
                     fit.coefs[j], st_logreg_coefs(m)[j]);
    st__lr_stream_fit_free(&fit);
    st_logreg_free(m);
}

static st_logreg_params params(double lambda, double alpha)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = lambda;
    prm.alpha = alpha;
    prm.tol = 1e-13;
    prm.max_iter = 1000;
    return prm;
}

/* sepsis_survival: 110,204 rows, 3 features, so many blocks; L2, L1 and elastic net. */
static void test_sepsis(void **state)
{
    (void)state;
    st_dataset *ds = read_dataset("sepsis_survival.csv", NULL);
    const double alphas[3] = {0, 1, 0.5};
    const char *names[3] = {"sepsis L2", "sepsis L1", "sepsis EN"};
    for (int a = 0; a < 3; a++) {
        st_logreg_params prm = params(1e-3, alphas[a]);
        compare(ds, &prm, 8192, ST__LR_FEATURE_MAJOR, names[a]);
    }
    st_logreg_params prm = params(1e-4, 0);
    prm.standardize = 0;
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    compare(ds, &prm, 5000, ST__LR_ROW_MAJOR, "sepsis L2 balanced, not standardised");
    st_dataset_free(ds);
}

/* wdbc: 30 correlated features on very different scales; hepatitis: missing values. */
static void test_wide_and_missing(void **state)
{
    (void)state;
    st_dataset *ds = read_dataset("wdbc.csv", "id");
    const double alphas[3] = {0, 1, 0.3};
    const char *names[3] = {"wdbc L2", "wdbc L1", "wdbc EN"};
    for (int a = 0; a < 3; a++) {
        st_logreg_params prm = params(alphas[a] > 0 ? 0.01 : 1e-3, alphas[a]);
        compare(ds, &prm, 100, a == 1 ? ST__LR_ROW_MAJOR : ST__LR_FEATURE_MAJOR, names[a]);
    }
    st_dataset_free(ds);
    ds = read_dataset("hepatitis.csv", NULL);
    const char *hn[3] = {"hepatitis L2", "hepatitis L1", "hepatitis EN"};
    for (int a = 0; a < 3; a++) {
        st_logreg_params prm = params(alphas[a] > 0 ? 0.02 : 0.01, alphas[a]);
        prm.class_weight = ST_CLASS_WEIGHT_POSITIVE;
        prm.positive_weight = 3;
        compare(ds, &prm, 37, ST__LR_FEATURE_MAJOR, hn[a]);
    }
    st_dataset_free(ds);
}

/* A constant column, a column near 1e6 with a small spread (standardised or not) and
 * missing values, on a seeded table: the streamed preprocessing (merged moments) must
 * centre them as st_logreg_train does. */
static void test_hard_columns(void **state)
{
    (void)state;
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "label,const,big,x\n");
    unsigned long r = 12345;
    for (int i = 0; i < 600; i++) {
        r = r * 6364136223846793005UL + 1442695040888963407UL;
        double u = (double)(r >> 11) / 9007199254740992.0;
        r = r * 6364136223846793005UL + 1442695040888963407UL;
        double v = (double)(r >> 11) / 9007199254740992.0;
        int y = u + 0.5 * v > 0.9;
        if (i % 7 == 3)
            len += (size_t)snprintf(text + len, cap - len, "%d,5,%.2f,\n", y, 1e6 + 40 * u);
        else
            len += (size_t)snprintf(text + len, cap - len, "%d,5,%.2f,%.6f\n", y, 1e6 + 40 * u, v);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv_buffer(text, len, "hard.csv", &opt, &ds, &err), ST_OK);
    for (int standardize = 0; standardize < 2; standardize++) {
        st_logreg_params prm = params(1e-3, 0);
        prm.standardize = standardize;
        compare(ds, &prm, 64, ST__LR_ROW_MAJOR, standardize ? "hard L2" : "hard L2 raw");
        prm = params(1e-3, 0.5);
        prm.standardize = standardize;
        compare(ds, &prm, 64, ST__LR_FEATURE_MAJOR, standardize ? "hard EN" : "hard EN raw");
    }
    st_dataset_free(ds);
    free(text);
}

/* The same bits with 1 and 2 threads. */
static void test_threads(void **state)
{
    (void)state;
    st_dataset *ds = read_dataset("wdbc.csv", "id");
    st__lr_stream_fit f[2];
    for (int t = 0; t < 2; t++) {
        st_logreg_params prm = params(0.01, 0.5);
        prm.n_threads = t + 1;
        mem_source ms = {.ds = ds, .block_rows = 256, .layout = ST__LR_FEATURE_MAJOR,
                         .fail_at = -1};
        st__lr_source src = source_of(&ms);
        st_error err;
        assert_int_equal(st__lr_stream_train(&src, &prm, &f[t], &err), ST_OK);
    }
    assert_memory_equal(f[0].coefs, f[1].coefs, f[0].n_features * sizeof *f[0].coefs);
    assert_memory_equal(&f[0].intercept, &f[1].intercept, sizeof f[0].intercept);
    st__lr_stream_fit_free(&f[0]);
    st__lr_stream_fit_free(&f[1]);
    st_dataset_free(ds);
}

static void test_errors(void **state)
{
    (void)state;
    st_dataset *ds = read_dataset("sepsis_survival.csv", NULL);
    mem_source ms = {.ds = ds, .block_rows = 4096, .layout = ST__LR_FEATURE_MAJOR,
                     .fail_at = -1};
    st__lr_source src = source_of(&ms);
    st__lr_stream_fit fit;
    st_error err;
    st_logreg_params prm = params(1e-3, 0);
    prm.impute = ST_IMPUTE_MEDIAN;
    assert_int_equal(st__lr_stream_train(&src, &prm, &fit, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "imputes the mean"));
    assert_null(fit.coefs);
    prm = params(-0.5, 0); /* -1 is ST_LOGREG_LAMBDA_CV, which the binned fit rejects */
    assert_int_equal(st__lr_stream_train(&src, &prm, &fit, &err), ST_ERR_INVALID_ARG);
    st__lr_source bad = src;
    bad.block_rows = 0;
    prm = params(1e-3, 0);
    assert_int_equal(st__lr_stream_train(&bad, &prm, &fit, &err), ST_ERR_INVALID_ARG);
    /* a source failing in the preprocessing, and later in an iteration */
    for (long at = 0; at < 200; at += 57) {
        ms.fail_at = at, ms.calls = 0;
        assert_int_equal(st__lr_stream_train(&src, &prm, &fit, &err), ST_ERR_IO);
        assert_string_equal(err.message, "source failed on purpose");
        assert_null(fit.coefs);
    }
    st_dataset_free(ds);
    /* an infinite value */
    const char *text = "label,a\n1,1\n0,1e400\n1,2\n0,0\n";
    st_read_options opt = st_read_options_default();
    assert_int_equal(st_dataset_read_csv_buffer(text, strlen(text), "t.csv", &opt, &ds, &err),
                     ST_OK);
    ms = (mem_source){.ds = ds, .block_rows = 3, .layout = ST__LR_ROW_MAJOR, .fail_at = -1};
    src = source_of(&ms);
    assert_int_equal(st__lr_stream_train(&src, &prm, &fit, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "infinite in row 2"));
    st_dataset_free(ds);
    /* one class only */
    text = "label,a\n1,1\n1,3\n1,2\n";
    assert_int_equal(st_dataset_read_csv_buffer(text, strlen(text), "t.csv", &opt, &ds, &err),
                     ST_OK);
    ms.ds = ds;
    assert_int_equal(st__lr_stream_train(&src, &prm, &fit, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "both classes"));
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sepsis),
        cmocka_unit_test(test_wide_and_missing),
        cmocka_unit_test(test_hard_columns),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
