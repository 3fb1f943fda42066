/* The library's calling contract (stratum.h, stratum/common.h) where a user review found it
 * broken:
 *   - err may be NULL when only the status matters: cross-validation, its post-processing,
 *     out-of-fold predictions, compare and tune return their status without it, on valid
 *     calls and on failing ones (a fold's fit refusing its parameters);
 *   - on failure an OUT pointer is NULL, also when an argument was NULL, so "call, then
 *     always free" never frees a stale handle;
 *   - st_cv_post_fit refuses a calibration method outside the enum and a fixed threshold
 *     outside [0, 1] up front (they were accepted, and failed later or silently);
 *   - one class in a dataset built from arrays is named without a label column's name;
 *   - st_read_options' column lists with a count but no list, or with a NULL name, are
 *     ST_ERR_INVALID_ARG naming the field, in the CSV, LibSVM and column-text readers;
 *   - messages name the function called (st_dataset_read_csv, not the buffer reader it
 *     calls; st_dataset_subset, not st_dataset_select). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include <stratum.h>

static st_dataset *small(void)
{
    float x[40], y[40];
    for (int i = 0; i < 40; i++) {
        y[i] = (float)(i % 2);
        x[i] = (float)(i % 7) + y[i];
    }
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(40, 1, x, y, NULL, NULL, &ds, NULL), ST_OK);
    return ds;
}

static st_cv_params cv_params(void)
{
    st_cv_params cp = st_cv_params_default();
    cp.logreg.lambda = 0.1;
    cp.n_folds = 3;
    cp.n_threads = 1;
    return cp;
}

static void test_null_err(void **state)
{
    (void)state;
    st_dataset *ds = small();
    st_cv_params cp = cv_params();
    st_cv_post_params pp = st_cv_post_params_default();
    st_cv_post_result *post = NULL;
    assert_int_equal(st_cv_post_fit(ds, &cp, &pp, &post, NULL), ST_OK);
    st_cv_post_result_free(post);
    double oof[40];
    assert_int_equal(st_cv_oof(&cp, ds, 3, 1, oof, NULL), ST_OK);
    st_cv_result *res = NULL;
    assert_int_equal(st_cv_run(ds, &cp, &res, NULL), ST_OK);
    st_cv_result_free(res);
    cp.logreg.alpha = 5; /* every fold's fit refuses it */
    res = NULL;
    assert_int_not_equal(st_cv_run(ds, &cp, &res, NULL), ST_OK);
    assert_null(res);
    cp = cv_params();
    st_compare_params p = st_compare_params_default();
    p.cv = cp;
    p.gbdt = 0;
    p.recalibrate = ST_CALIBRATION_PLATT;
    st_compare_weight w = {ST_CLASS_WEIGHT_NONE, 0};
    p.weights = &w;
    p.n_weights = 1;
    st_compare_result *cmp = NULL;
    assert_int_equal(st_compare_run(ds, &p, &cmp, NULL), ST_OK);
    st_compare_result_free(cmp);
    st_dataset_free(ds);
}

static void test_out_null_on_null_argument(void **state)
{
    (void)state;
    st_cv_params cp = cv_params();
    st_error err;
    void *stale = (void *)&err; /* any non-NULL value a caller's variable may hold */
    st_cv_result *res = stale;
    assert_int_equal(st_cv_run(NULL, &cp, &res, &err), ST_ERR_INVALID_ARG);
    assert_null(res);
    st_cv_path_result *path = stale;
    assert_int_equal(st_cv_path_run(NULL, &cp, NULL, ST_CV_DEVIANCE, &path, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(path);
    st_cv_post_params pp = st_cv_post_params_default();
    st_cv_post_result *post = stale;
    assert_int_equal(st_cv_post_fit(NULL, &cp, &pp, &post, &err), ST_ERR_INVALID_ARG);
    assert_null(post);
    st_tune_result *tune = stale;
    assert_int_equal(st_tune_run(NULL, NULL, &tune, &err), ST_ERR_INVALID_ARG);
    assert_null(tune);
    st_compare_result *cmp = stale;
    assert_int_equal(st_compare_run(NULL, NULL, &cmp, &err), ST_ERR_INVALID_ARG);
    assert_null(cmp);
    st_dataset *train = stale, *valid = stale;
    assert_int_equal(st_cv_holdout_split(NULL, 0.2, 1, &train, &valid, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(train);
    assert_null(valid);
    assert_non_null(strstr(err.message, "the dataset is NULL"));
}

static void test_post_params(void **state)
{
    (void)state;
    st_dataset *ds = small();
    st_cv_params cp = cv_params();
    st_cv_post_params pp = st_cv_post_params_default();
    pp.method = (st_calibration_method)9;
    st_cv_post_result *post = NULL;
    st_error err;
    assert_int_equal(st_cv_post_fit(ds, &cp, &pp, &post, &err), ST_ERR_INVALID_ARG);
    assert_null(post);
    assert_non_null(strstr(err.message, "method 9"));
    pp = st_cv_post_params_default();
    pp.threshold_given = 1;
    pp.eval.threshold = 7;
    assert_int_equal(st_cv_post_fit(ds, &cp, &pp, &post, &err), ST_ERR_INVALID_ARG);
    assert_null(post);
    assert_non_null(strstr(err.message, "eval.threshold 7"));
    pp.eval.threshold = 0.3;
    assert_int_equal(st_cv_post_fit(ds, &cp, &pp, &post, &err), ST_OK);
    assert_true(post->has_threshold && post->threshold.value == 0.3);
    st_cv_post_result_free(post);
    st_dataset_free(ds);
}

static void test_one_class_arrays(void **state)
{
    (void)state;
    const float x[3] = {1, 2, 3}, y[3] = {0, 0, 0};
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_from_arrays(3, 1, x, y, NULL, NULL, &ds, &err), ST_OK);
    st_logreg *m = NULL;
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 0.1;
    assert_int_equal(st_logreg_train(ds, &p, &m, &err), ST_ERR_DATA);
    assert_string_equal(err.message, "every label is 0 (3 rows); training a classifier needs "
                                     "rows of both classes (labels 0 and 1)");
    st_dataset_free(ds);
}

/* A message names the function the caller called, not the one it calls in turn; a NULL
 * out is refused before a file is read. */
static void test_messages_name_the_call(void **state)
{
    (void)state;
    st_error err;
    assert_int_equal(st_dataset_read_csv("/nonexistent/x.csv", NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_read_csv: out is NULL");
    assert_int_equal(st_dataset_read_libsvm("/nonexistent/x.svm", NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_read_libsvm: out is NULL");
    st_dataset *out = (st_dataset *)&err; /* stale: set to NULL on failure */
    assert_int_equal(st_dataset_read_csv(NULL, NULL, &out, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_read_csv: path is NULL");
    assert_null(out);
    assert_int_equal(st_dataset_read("/nonexistent/x.csv", NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_read: out is NULL");
    st_dataset *ds = small();
    const size_t rows[2] = {0, 99};
    assert_int_equal(st_dataset_subset(ds, rows, 2, &out, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_subset: rows[1] is 99, expected a row index "
                                     "below 40");
    assert_null(out);
    assert_int_equal(st_dataset_select(ds, rows, 2, NULL, 0, &out, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_select: rows[1] is 99, expected a row index "
                                     "below 40");
    st_dataset_free(ds);
}

static void expect_refused(const st_read_options *o, const char *field)
{
    static const char csv[] = "a,b,label\n1,2,1\n3,4,0\n";
    static const char svm[] = "1 1:2 2:3\n0 1:1\n";
    st_dataset *ds = (st_dataset *)(void *)&ds;
    st_error err;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "t.csv", o, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(ds);
    assert_non_null(strstr(err.message, field));
    ds = (st_dataset *)(void *)&ds;
    assert_int_equal(st_dataset_read_libsvm_buffer(svm, sizeof svm - 1, "t.svm", o, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(ds);
    assert_non_null(strstr(err.message, field));
}

static void test_read_option_lists(void **state)
{
    (void)state;
    const char *const null_name[1] = {NULL};
    st_read_options o = st_read_options_default();
    o.n_ignore = 1; /* and no list */
    expect_refused(&o, "st_read_options.ignore is NULL with n_ignore 1");
    o = st_read_options_default();
    o.ignore = null_name;
    o.n_ignore = 1;
    expect_refused(&o, "st_read_options.ignore[0] is NULL");
    o = st_read_options_default();
    o.numeric = NULL;
    o.n_numeric = 2;
    expect_refused(&o, "st_read_options.numeric is NULL with n_numeric 2");
    o = st_read_options_default();
    o.categorical = null_name;
    o.n_categorical = 1;
    expect_refused(&o, "st_read_options.categorical[0] is NULL");
    /* NULL na_values with a count is the default list, as documented: read */
    o = st_read_options_default();
    o.n_na_values = 3;
    static const char csv[] = "a,b,label\n1,NA,1\n3,4,0\n";
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "t.csv", &o, &ds, &err),
                     ST_OK);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_err),
        cmocka_unit_test(test_out_null_on_null_argument),
        cmocka_unit_test(test_post_params),
        cmocka_unit_test(test_one_class_arrays),
        cmocka_unit_test(test_read_option_lists),
        cmocka_unit_test(test_messages_name_the_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
