/* The training entry points over a data source (stratum/fit.h): each kind of source gives
 * byte for byte the model of the form's own trainer, and a source that lacks what its kind
 * needs, or asks a family for what it does not take, is ST_ERR_INVALID_ARG with a message
 * naming the function. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stratum.h>

#include "test_util.h"

static const char *thyroid(void)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/thyroid_sick.csv", STRATUM_DATASETS);
    return path;
}

static st_dataset *read_thyroid(void)
{
    st_read_options ro = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(thyroid(), &ro, &ds, &err) != ST_OK)
        fail_msg("read: %s", err.message);
    return ds;
}

/* A binned file of the shipped cohort with raw values (for logistic regression), opened. */
static st_binned *binned_ok(const char *path)
{
    st_read_options ro = st_read_options_default();
    st_bin_options bo = st_bin_options_default();
    bo.store_values = 1;
    st_error err;
    if (st_bin_file(thyroid(), &ro, &bo, path, NULL, &err) != ST_OK)
        fail_msg("bin: %s", err.message);
    st_binned *b = NULL;
    if (st_binned_open(path, &b, &err) != ST_OK)
        fail_msg("open: %s", err.message);
    return b;
}

/* The saved bytes of a model, through a file (the comparison the CLI's tests make). */
static char *gbdt_bytes(const st_gbdt *m, size_t *n)
{
    st_error err;
    assert_int_equal(st_gbdt_save(m, "test_fit_gbdt.model", &err), ST_OK);
    char *s = read_all_n("test_fit_gbdt.model", n);
    unlink("test_fit_gbdt.model");
    return s;
}

static char *logreg_bytes(const st_logreg *m, size_t *n)
{
    st_error err;
    assert_int_equal(st_logreg_save(m, "test_fit_logreg.model", &err), ST_OK);
    char *s = read_all_n("test_fit_logreg.model", n);
    unlink("test_fit_logreg.model");
    return s;
}

static void assert_same_gbdt(const st_gbdt *a, const st_gbdt *b)
{
    size_t na, nb;
    char *sa = gbdt_bytes(a, &na), *sb = gbdt_bytes(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(sa, sb, na);
    free(sa);
    free(sb);
}

static st_gbdt_params small_gbdt(void)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 8;
    p.n_threads = 2;
    return p;
}

static void gbdt_each_kind(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    st_binned *b = binned_ok("test_fit_gbdt.stb");
    st_gbdt_params p = small_gbdt();
    st_error err;
    st_gbdt *fit = NULL, *own = NULL;

    st_train_source src = st_source_dataset(ds);
    assert_int_equal(st_gbdt_fit(&src, &p, NULL, &fit, &err), ST_OK);
    assert_int_equal(st_gbdt_train(ds, &p, &own, &err), ST_OK);
    assert_same_gbdt(fit, own);
    st_gbdt_free(fit), st_gbdt_free(own);

    src = st_source_binned(b);
    assert_int_equal(st_gbdt_fit(&src, &p, NULL, &fit, &err), ST_OK);
    assert_int_equal(st_gbdt_train_binned(b, NULL, &p, NULL, &own, &err), ST_OK);
    assert_same_gbdt(fit, own);
    st_gbdt_free(fit), st_gbdt_free(own);

    src = st_source_dataset_binned(ds, b);
    assert_int_equal(st_gbdt_fit(&src, &p, NULL, &fit, &err), ST_OK);
    assert_int_equal(st_gbdt_train_with_bins(ds, b, NULL, &p, NULL, &own, &err), ST_OK);
    assert_same_gbdt(fit, own);
    st_gbdt_free(fit), st_gbdt_free(own);

    /* a validation set is passed on: early stopping needs one, and records the best tree */
    p.num_trees = 200;
    p.early_stopping_rounds = 3;
    src = st_source_dataset(ds);
    assert_int_equal(st_gbdt_fit(&src, &p, NULL, &fit, &err), ST_ERR_INVALID_ARG);
    src.valid = ds;
    assert_int_equal(st_gbdt_fit(&src, &p, NULL, &fit, &err), ST_OK);
    assert_true(st_gbdt_best_iteration(fit) > 0);
    assert_int_equal(st_gbdt_train_ex(ds, ds, &p, NULL, &own, &err), ST_OK);
    assert_same_gbdt(fit, own);
    st_gbdt_free(fit), st_gbdt_free(own);

    st_binned_close(b);
    unlink("test_fit_gbdt.stb");
    st_dataset_free(ds);
}

static void logreg_each_kind(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    st_binned *b = binned_ok("test_fit_logreg.stb");
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 0.01;
    st_error err;
    st_logreg *fit = NULL, *own = NULL;
    size_t na, nb;

    st_train_source src = st_source_dataset(ds);
    assert_int_equal(st_logreg_fit(&src, &p, &fit, &err), ST_OK);
    assert_int_equal(st_logreg_train(ds, &p, &own, &err), ST_OK);
    char *sa = logreg_bytes(fit, &na), *sb = logreg_bytes(own, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(sa, sb, na);
    free(sa), free(sb);
    st_logreg_free(fit), st_logreg_free(own);

    src = st_source_binned(b);
    assert_int_equal(st_logreg_fit(&src, &p, &fit, &err), ST_OK);
    assert_int_equal(st_logreg_train_binned(b, &p, &own, &err), ST_OK);
    sa = logreg_bytes(fit, &na), sb = logreg_bytes(own, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(sa, sb, na);
    free(sa), free(sb);
    st_logreg_free(fit), st_logreg_free(own);

    st_binned_close(b);
    unlink("test_fit_logreg.stb");
    st_dataset_free(ds);
}

/* A failing call leaves *out NULL and says what is wrong. */
static void expect_gbdt_error(const st_train_source *src, const char *fragment)
{
    st_gbdt_params p = small_gbdt();
    st_gbdt *m = (st_gbdt *)1;
    st_error err;
    assert_int_equal(st_gbdt_fit(src, &p, NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_contains(err.message, fragment);
}

static void expect_logreg_error(const st_train_source *src, const char *fragment)
{
    st_logreg *m = (st_logreg *)1;
    st_error err;
    assert_int_equal(st_logreg_fit(src, NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_contains(err.message, fragment);
}

static void bad_sources(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    expect_gbdt_error(NULL, "st_gbdt_fit: source is NULL");
    expect_logreg_error(NULL, "st_logreg_fit: source is NULL");
    st_train_source src = st_source_dataset(NULL);
    expect_gbdt_error(&src, "a dataset source without a dataset");
    src = st_source_binned(NULL);
    expect_logreg_error(&src, "a binned-file source without a binned file");
    src = st_source_dataset_binned(ds, NULL);
    expect_gbdt_error(&src, "needs both a dataset and a binned file");
    src.kind = (st_source_kind)7;
    expect_gbdt_error(&src, "unknown source kind 7");
    src = st_source_dataset(ds);
    src.valid = ds;
    expect_logreg_error(&src, "takes no validation set");
    st_dataset_free(ds);
}

static void logreg_not_on_bins(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    st_binned *b = binned_ok("test_fit_bins.stb");
    st_train_source src = st_source_dataset_binned(ds, b);
    expect_logreg_error(&src, "trains on raw values, not on bins");
    st_binned_close(b);
    unlink("test_fit_bins.stb");
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gbdt_each_kind),
        cmocka_unit_test(logreg_each_kind),
        cmocka_unit_test(bad_sources),
        cmocka_unit_test(logreg_not_on_bins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
