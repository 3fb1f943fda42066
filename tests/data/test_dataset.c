/* Datasets built from arrays, their accessors, summaries and the trainability check. */
#include "test_util.h"

/* 3 rows x 2 features, column-major, with one missing value. */
static const float x3x2[] = {1, 2, 3, 10, NAN, 30};

static st_dataset *from_arrays(size_t n_rows, size_t n_features, const float *x,
                               const float *labels, const float *weights,
                               const char *const *names)
{
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_from_arrays(n_rows, n_features, x, labels, weights, names, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* from_arrays must fail with this status and message, leaving *out NULL. */
static void assert_from_arrays_fails(size_t n_rows, size_t n_features, const float *x,
                                     const float *labels, const float *weights,
                                     st_status status, const char *fragment)
{
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    assert_int_equal(st_dataset_from_arrays(n_rows, n_features, x, labels, weights, NULL, &ds,
                                            &err), status);
    assert_null(ds);
    assert_int_equal(err.code, status);
    assert_contains(err.message, fragment);
}

/* ---- st_dataset_from_arrays --------------------------------------------------------------- */

/* The arrays and names are copied: changing them afterwards changes nothing. */
static void test_from_arrays_copies(void **state)
{
    (void)state;
    float x[6], labels[3] = {0, 1, 1}, weights[3] = {1, 2, 0.5f};
    char age[] = "age", bmi[] = "bmi";
    const char *names[] = {age, bmi};
    memcpy(x, x3x2, sizeof x);
    st_dataset *ds = from_arrays(3, 2, x, labels, weights, names);
    x[0] = 99;
    labels[0] = 1;
    weights[0] = 7;
    age[0] = 'X';
    assert_int_equal(st_dataset_n_rows(ds), 3);
    assert_int_equal(st_dataset_n_features(ds), 2);
    assert_string_equal(st_dataset_feature_name(ds, 0), "age");
    assert_string_equal(st_dataset_feature_name(ds, 1), "bmi");
    assert_floats(st_dataset_feature_values(ds, 0), (const float[]){1, 2, 3}, 3);
    assert_floats(st_dataset_feature_values(ds, 1), (const float[]){10, NAN, 30}, 3);
    assert_floats(st_dataset_labels(ds), (const float[]){0, 1, 1}, 3);
    assert_floats(st_dataset_weights(ds), (const float[]){1, 2, 0.5f}, 3);
    assert_true(st_dataset_feature_values(ds, 0) != x);
    assert_int_equal(st_dataset_find_feature(ds, "bmi"), 1);
    assert_int_equal(st_dataset_feature_type(ds, 1), ST_FEATURE_NUMERIC);
    st_dataset_free(ds);
}

/* Without names features are f0, f1, ...; a NULL entry is generated too. */
static void test_from_arrays_names(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, NULL, NULL, NULL);
    assert_string_equal(st_dataset_feature_name(ds, 0), "f0");
    assert_string_equal(st_dataset_feature_name(ds, 1), "f1");
    assert_null(st_dataset_labels(ds));
    assert_null(st_dataset_weights(ds));
    st_dataset_free(ds);

    const char *names[] = {"age", NULL};
    ds = from_arrays(3, 2, x3x2, NULL, NULL, names);
    assert_string_equal(st_dataset_feature_name(ds, 0), "age");
    assert_string_equal(st_dataset_feature_name(ds, 1), "f1");
    st_dataset_free(ds);
}

/* What an array-built dataset reports about its origin. */
static void test_from_arrays_metadata(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, (const float[]){0, 1, 1}, NULL, NULL);
    assert_string_equal(st_dataset_label_name(ds), "");
    assert_string_equal(st_dataset_weight_name(ds), "");
    assert_int_equal(st_dataset_delimiter(ds), 0);
    assert_int_equal(st_dataset_rows_skipped(ds), 0);
    assert_int_equal(st_dataset_blank_lines(ds), 0);
    assert_int_equal(st_dataset_n_levels(ds, 0), 0);
    assert_true(st_dataset_memory_bytes(ds) >= 3 * 3 * sizeof(float));
    st_dataset_free(ds);
}

/* Labels other than 0 and 1 are refused, NaN included. */
static void test_from_arrays_bad_labels(void **state)
{
    (void)state;
    assert_from_arrays_fails(3, 2, x3x2, (const float[]){0, 2, 1}, NULL, ST_ERR_DATA,
                             "labels[1] is 2, expected 0 or 1");
    assert_from_arrays_fails(3, 2, x3x2, (const float[]){0, 1, -1}, NULL, ST_ERR_DATA,
                             "labels[2] is -1");
    assert_from_arrays_fails(3, 2, x3x2, (const float[]){NAN, 1, 0}, NULL, ST_ERR_DATA,
                             "labels[0] is nan");
}

/* Weights must be finite and >= 0. */
static void test_from_arrays_bad_weights(void **state)
{
    (void)state;
    assert_from_arrays_fails(3, 2, x3x2, NULL, (const float[]){1, 1, -1}, ST_ERR_DATA,
                             "weights[2] is -1, expected a finite value >= 0");
    assert_from_arrays_fails(3, 2, x3x2, NULL, (const float[]){NAN, 1, 1}, ST_ERR_DATA,
                             "weights[0] is nan");
    assert_from_arrays_fails(3, 2, x3x2, NULL, (const float[]){1, INFINITY, 1}, ST_ERR_DATA,
                             "weights[1] is inf");
}

/* No rows, no features, no x, no out. */
static void test_from_arrays_bad_arguments(void **state)
{
    (void)state;
    assert_from_arrays_fails(0, 2, x3x2, NULL, NULL, ST_ERR_INVALID_ARG,
                             "got 0 rows and 2 features");
    assert_from_arrays_fails(3, 0, x3x2, NULL, NULL, ST_ERR_INVALID_ARG,
                             "expected at least one row and one feature");
    assert_from_arrays_fails(3, 2, NULL, NULL, NULL, ST_ERR_INVALID_ARG, "x is NULL");
    st_error err;
    assert_int_equal(st_dataset_from_arrays(3, 2, x3x2, NULL, NULL, NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_contains(err.message, "out is NULL");
    assert_int_equal(st_dataset_from_arrays(3, 2, x3x2, NULL, NULL, NULL, NULL, NULL),
                     ST_ERR_INVALID_ARG);
}

/* st_dataset_from_arrays_borrowed: the features are the caller's columns themselves (a
 * change to x shows), labels, weights and names are copied; freeing the dataset leaves x
 * alone (a double free would fail under the sanitizers); a model trained on it is the one
 * trained on the copied dataset, byte for byte; its refusals are st_dataset_from_arrays's. */
static void test_from_arrays_borrowed(void **state)
{
    (void)state;
    enum { N = 200, D = 3 };
    static float x[N * D], y[N], w[N];
    unsigned long long s = 77;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < D; j++)
            x[j * N + i] = (float)test_uniform(&s);
        y[i] = x[i] + 0.3 * test_uniform(&s) > 0.6 ? 1.0f : 0.0f;
        w[i] = 1 + (float)(i % 3);
    }
    st_error err;
    st_dataset *b = NULL;
    assert_int_equal(st_dataset_from_arrays_borrowed(N, D, x, y, w, NULL, &b, &err), ST_OK);
    st_dataset *c = from_arrays(N, D, x, y, w, NULL);
    for (size_t j = 0; j < D; j++)
        assert_ptr_equal(st_dataset_feature_values(b, j), x + j * N);
    assert_true(st_dataset_labels(b) != y && st_dataset_weights(b) != w);
    assert_floats(st_dataset_labels(b), y, N);
    assert_floats(st_dataset_weights(b), w, N);
    assert_string_equal(st_dataset_feature_name(b, 2), "f2");
    st_logreg_params lp = st_logreg_params_default();
    lp.lambda = 0.01;
    st_logreg *mb = NULL, *mc = NULL;
    assert_int_equal(st_logreg_train(b, &lp, &mb, &err), ST_OK);
    assert_int_equal(st_logreg_train(c, &lp, &mc, &err), ST_OK);
    for (size_t k = 0; k < st_logreg_n_coefs(mb); k++)
        assert_same_double(st_logreg_coefs(mb)[k], st_logreg_coefs(mc)[k]);
    st_logreg_free(mb), st_logreg_free(mc);
    st_gbdt_params gp = st_gbdt_params_default();
    gp.num_trees = 10, gp.min_data_in_leaf = 5;
    st_gbdt *gb = NULL, *gc = NULL;
    assert_int_equal(st_gbdt_train(b, &gp, &gb, &err), ST_OK);
    assert_int_equal(st_gbdt_train(c, &gp, &gc, &err), ST_OK);
    double pb[N], pc[N];
    assert_int_equal(st_gbdt_predict(gb, c, ST_GBDT_RAW_SCORE, 1, pb, N, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(gc, b, ST_GBDT_RAW_SCORE, 1, pc, N, &err), ST_OK);
    for (size_t i = 0; i < N; i++)
        assert_same_double(pb[i], pc[i]);
    st_gbdt_free(gb), st_gbdt_free(gc);
    const float before = x[5];
    x[5] = 42;
    assert_true(st_dataset_feature_values(b, 0)[5] == 42); /* a view, not a copy */
    x[5] = before;
    st_dataset_free(b);
    st_dataset_free(c);
    assert_true(x[5] == before); /* x is still the caller's */
    st_dataset *bad = UNSET_DATASET;
    assert_int_equal(st_dataset_from_arrays_borrowed(0, D, x, NULL, NULL, NULL, &bad, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(bad);
    assert_contains(err.message, "st_dataset_from_arrays_borrowed: expected at least one row");
    const float bad_y[2] = {0, 2};
    assert_int_equal(st_dataset_from_arrays_borrowed(2, 1, x, bad_y, NULL, NULL, &bad, &err),
                     ST_ERR_DATA);
    assert_null(bad);
}

/* ---- accessors ---------------------------------------------------------------------------- */

/* Every accessor is safe on NULL. */
static void test_accessors_on_null(void **state)
{
    (void)state;
    assert_int_equal(st_dataset_n_rows(NULL), 0);
    assert_int_equal(st_dataset_n_features(NULL), 0);
    assert_null(st_dataset_feature_name(NULL, 0));
    assert_int_equal(st_dataset_feature_type(NULL, 0), ST_FEATURE_NUMERIC);
    assert_int_equal(st_dataset_find_feature(NULL, "f0"), -1);
    assert_null(st_dataset_feature_values(NULL, 0));
    assert_int_equal(st_dataset_n_levels(NULL, 0), 0);
    assert_null(st_dataset_level(NULL, 0, 0));
    assert_null(st_dataset_labels(NULL));
    assert_null(st_dataset_weights(NULL));
    assert_string_equal(st_dataset_label_name(NULL), "");
    assert_string_equal(st_dataset_class_name(NULL, 1), "");
    assert_string_equal(st_dataset_weight_name(NULL), "");
    assert_int_equal(st_dataset_rows_skipped(NULL), 0);
    assert_int_equal(st_dataset_blank_lines(NULL), 0);
    assert_int_equal(st_dataset_memory_bytes(NULL), 0);
    assert_int_equal(st_dataset_delimiter(NULL), 0);
}

/* Out-of-range indices give NULL, -1 or nothing, never a crash. */
static void test_accessors_out_of_range(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, NULL, NULL, NULL);
    assert_null(st_dataset_feature_name(ds, 2));
    assert_null(st_dataset_feature_values(ds, 2));
    assert_int_equal(st_dataset_feature_type(ds, 2), ST_FEATURE_NUMERIC);
    assert_int_equal(st_dataset_n_levels(ds, 2), 0);
    assert_null(st_dataset_level(ds, 0, 0));
    assert_null(st_dataset_level(ds, 5, 0));
    assert_int_equal(st_dataset_find_feature(ds, "f2"), -1);
    assert_int_equal(st_dataset_find_feature(ds, NULL), -1);
    assert_string_equal(st_dataset_class_name(ds, 2), "");
    assert_string_equal(st_dataset_class_name(ds, -1), "");
    st_dataset_free(ds);
}

/* Freeing NULL does nothing. */
static void test_free_null(void **state)
{
    (void)state;
    st_dataset_free(NULL);
}

/* ---- summaries ---------------------------------------------------------------------------- */

/* 2 4 4 4 5 5 7 9 and a NaN: mean 5, sum of squares 32, sample sd sqrt(32 / 7). */
static void test_column_summary(void **state)
{
    (void)state;
    const float x[] = {2, 4, NAN, 4, 4, 5, 5, 7, 9};
    st_dataset *ds = from_arrays(9, 1, x, NULL, NULL, NULL);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 0, &s, NULL), ST_OK);
    assert_int_equal(s.n_present, 8);
    assert_int_equal(s.n_missing, 1);
    assert_close(s.min, 2.0, 0.0);
    assert_close(s.max, 9.0, 0.0);
    assert_close(s.mean, 5.0, 1e-12);
    assert_close(s.sd, 2.1380899352993950, 1e-12);
    assert_int_equal(s.n_levels, 0);
    st_dataset_free(ds);
}

/* A large offset does not cost precision: 1000001..1000003 has sd exactly 1. */
static void test_column_summary_large_offset(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 1, (const float[]){1000001, 1000002, 1000003}, NULL, NULL,
                                 NULL);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 0, &s, NULL), ST_OK);
    assert_close(s.mean, 1000002.0, 1e-9);
    assert_close(s.sd, 1.0, 1e-9);
    st_dataset_free(ds);
}

/* One value: no sd. No value: nothing but counts. */
static void test_column_summary_few_values(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, (const float[]){NAN, -3.5f, NAN, NAN, NAN, NAN}, NULL,
                                 NULL, NULL);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 0, &s, NULL), ST_OK);
    assert_int_equal(s.n_present, 1);
    assert_close(s.min, -3.5, 0.0);
    assert_close(s.max, -3.5, 0.0);
    assert_close(s.mean, -3.5, 0.0);
    assert_nan(s.sd);
    assert_int_equal(st_dataset_column_summary(ds, 1, &s, NULL), ST_OK);
    assert_int_equal(s.n_present, 0);
    assert_int_equal(s.n_missing, 3);
    assert_nan(s.min);
    assert_nan(s.max);
    assert_nan(s.mean);
    assert_nan(s.sd);
    st_dataset_free(ds);
}

/* A categorical column reports levels and presence, no numbers. */
static void test_column_summary_categorical(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(st_dataset_read_csv_buffer, "c,label\nb,1\na,0\nb,1\n,0\nc,1\n",
                             NULL);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 0, &s, NULL), ST_OK);
    assert_int_equal(s.n_levels, 3);
    assert_int_equal(s.n_present, 4);
    assert_int_equal(s.n_missing, 1);
    assert_nan(s.min);
    assert_nan(s.mean);
    st_dataset_free(ds);
}

/* Bad arguments to the summary. */
static void test_column_summary_bad_arguments(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, NULL, NULL, NULL);
    st_column_summary s;
    st_error err;
    assert_int_equal(st_dataset_column_summary(NULL, 0, &s, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_column_summary(ds, 0, NULL, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_column_summary(ds, 2, &s, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "feature 2 of 2");
    st_dataset_free(ds);
}

/* Rows per level, missing rows not counted; too small an array is refused. */
static void test_level_counts(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(st_dataset_read_csv_buffer,
                             "c,n,label\nb,1,1\na,2,0\nb,3,1\n,4,0\nc,5,1\n", NULL);
    size_t counts[4] = {99, 99, 99, 99};
    assert_int_equal(st_dataset_level_counts(ds, 0, counts, 3, NULL), ST_OK);
    assert_int_equal(counts[0], 1); /* a */
    assert_int_equal(counts[1], 2); /* b */
    assert_int_equal(counts[2], 1); /* c */
    assert_int_equal(counts[3], 99);

    st_error err;
    assert_int_equal(st_dataset_level_counts(ds, 0, counts, 2, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "room for 2 counts, feature 'c' has 3 levels");
    assert_int_equal(st_dataset_level_counts(ds, 2, counts, 4, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_level_counts(ds, 0, NULL, 4, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_level_counts(NULL, 0, counts, 4, &err), ST_ERR_INVALID_ARG);

    /* a numeric column has no levels: the array comes back zeroed */
    assert_int_equal(st_dataset_level_counts(ds, 1, counts, 2, NULL), ST_OK);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 0);
    st_dataset_free(ds);
}

/* 2 of 5 rows positive; weights 3 1 1 1 2 put 4 of 8 on them. */
static void test_label_summary_weighted(void **state)
{
    (void)state;
    const float x[] = {0, 0, 0, 0, 0};
    const float labels[] = {1, 0, 0, 1, 0};
    st_dataset *ds = from_arrays(5, 1, x, labels, (const float[]){3, 1, 1, 1, 2}, NULL);
    st_label_summary s;
    assert_int_equal(st_dataset_label_summary(ds, &s, NULL), ST_OK);
    assert_int_equal(s.n_positive, 2);
    assert_int_equal(s.n_negative, 3);
    assert_close(s.positive_rate, 0.4, 1e-15);
    assert_close(s.weighted_positive_rate, 0.5, 1e-15);
    st_dataset_free(ds);

    ds = from_arrays(5, 1, x, labels, NULL, NULL);
    assert_int_equal(st_dataset_label_summary(ds, &s, NULL), ST_OK);
    assert_close(s.weighted_positive_rate, 0.4, 1e-15);
    st_dataset_free(ds);
}

/* No labels, no dataset, no output. */
static void test_label_summary_errors(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, NULL, NULL, NULL);
    st_label_summary s;
    st_error err;
    assert_int_equal(st_dataset_label_summary(ds, &s, &err), ST_ERR_DATA);
    assert_contains(err.message, "no label column");
    assert_int_equal(st_dataset_label_summary(NULL, &s, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_label_summary(ds, NULL, &err), ST_ERR_INVALID_ARG);
    st_dataset_free(ds);
}

/* ---- st_dataset_check_trainable ---------------------------------------------------------- */

/* Two classes with weight on both can train. */
static void test_trainable(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, (const float[]){0, 1, 0}, NULL, NULL);
    st_error err;
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_OK);
    st_dataset_free(ds);
}

/* A single class is refused, naming the label and the class. */
static void test_single_class(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.label = "outcome";
    st_dataset *ds = read_ok(st_dataset_read_csv_buffer, "a,outcome\n1,yes\n2,yes\n", &opt);
    st_error err;
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_ERR_DATA);
    assert_int_equal(err.code, ST_ERR_DATA);
    assert_contains(err.message, "every row of label 'outcome' is positive (2 rows)");
    st_dataset_free(ds);

    ds = from_arrays(3, 2, x3x2, (const float[]){0, 0, 0}, NULL, NULL);
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_ERR_DATA);
    assert_contains(err.message, "every label is 0 (3 rows)");
    st_dataset_free(ds);
}

/* A class whose rows all weigh zero is as good as absent. */
static void test_zero_weight_class(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, (const float[]){0, 1, 1},
                                 (const float[]){1, 0, 0}, NULL);
    st_error err;
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_ERR_DATA);
    assert_contains(err.message, "the weights of one class sum to zero");
    st_dataset_free(ds);

    ds = from_arrays(3, 2, x3x2, (const float[]){0, 1, 1}, (const float[]){0, 0, 0}, NULL);
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_ERR_DATA);
    st_dataset_free(ds);
}

/* Unlabelled data cannot train; neither can no dataset. */
static void test_unlabelled_not_trainable(void **state)
{
    (void)state;
    st_dataset *ds = from_arrays(3, 2, x3x2, NULL, NULL, NULL);
    st_error err;
    assert_int_equal(st_dataset_check_trainable(ds, &err), ST_ERR_DATA);
    assert_contains(err.message, "no label column; training needs one");
    assert_int_equal(st_dataset_check_trainable(NULL, &err), ST_ERR_INVALID_ARG);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_arrays_copies),
        cmocka_unit_test(test_from_arrays_names),
        cmocka_unit_test(test_from_arrays_metadata),
        cmocka_unit_test(test_from_arrays_bad_labels),
        cmocka_unit_test(test_from_arrays_bad_weights),
        cmocka_unit_test(test_from_arrays_bad_arguments),
        cmocka_unit_test(test_from_arrays_borrowed),
        cmocka_unit_test(test_accessors_on_null),
        cmocka_unit_test(test_accessors_out_of_range),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_column_summary),
        cmocka_unit_test(test_column_summary_large_offset),
        cmocka_unit_test(test_column_summary_few_values),
        cmocka_unit_test(test_column_summary_categorical),
        cmocka_unit_test(test_column_summary_bad_arguments),
        cmocka_unit_test(test_level_counts),
        cmocka_unit_test(test_label_summary_weighted),
        cmocka_unit_test(test_label_summary_errors),
        cmocka_unit_test(test_trainable),
        cmocka_unit_test(test_single_class),
        cmocka_unit_test(test_zero_weight_class),
        cmocka_unit_test(test_unlabelled_not_trainable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
