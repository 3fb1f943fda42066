/* st_dataset_from_arrays_categorical against the CSV reader, its oracle: the same table
 * written as text and read with st_dataset_read_csv_buffer gives the same dataset (values,
 * levels in byte order, labels, weights, memory); and by hand: levels only as used, equal
 * texts merged, -1 missing, the numeric columns views of x. Then each refusal, with the
 * feature, row or level it names, and allocation failures in turn. */
#include "test_util.h"

#include "core/alloc.h"
#include "oom_sweep.h"

#define N 6

/* f0 numeric; f1 categorical with levels {"b", "a", "unused", "b"(again), "ä"}; f2
 * categorical whose only level is "x". The CSV with the same table below. */
static const float x[3 * N] = {1, 2, NAN, 4, 5, 6, /* f1, f2 never read: */ -9, -9, -9,
                               -9, -9, -9, -9, -9, -9, -9, -9, -9};
static const int32_t codes1[N] = {0, 1, -1, 3, 4, 0};
static const char *const levels1[] = {"b", "a", "unused", "b", "\xc3\xa4"};
static const int32_t codes2[N] = {0, 0, 0, -1, 0, 0};
static const char *const levels2[] = {"x"};
static const float labels[N] = {0, 1, 0, 1, 1, 0};
static const float weights[N] = {1, 2, 1, 0.5f, 1, 3};
static const char *const names[] = {"f0", "f1", "f2"};
static const char csv[] = "f0,f1,f2,label,w\n"
                          "1,b,x,0,1\n2,a,x,1,2\n,,x,0,1\n4,b,,1,0.5\n5,\xc3\xa4,x,1,1\n6,b,x,0,3\n";

static st_categorical_column cat(size_t feature, const int32_t *codes,
                                 const char *const *levels, size_t n)
{
    st_categorical_column c = {feature, codes, levels, n};
    return c;
}

static st_status build(const st_categorical_column *cols, size_t n_cols, st_dataset **ds,
                       st_error *err)
{
    return st_dataset_from_arrays_categorical(N, 3, x, labels, weights, names, cols, n_cols,
                                              ds, err);
}

static void same_as_the_csv_reader(void **state)
{
    (void)state;
    st_categorical_column cols[] = {cat(2, codes2, levels2, 1), cat(1, codes1, levels1, 5)};
    st_dataset *a = NULL, *b = NULL;
    st_error err;
    if (build(cols, 2, &a, &err) != ST_OK)
        fail_msg("%s", err.message);
    st_read_options o = st_read_options_default();
    o.weight = "w";
    if (st_dataset_read_csv_buffer(csv, strlen(csv), "t.csv", &o, &b, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(st_dataset_n_rows(a), st_dataset_n_rows(b));
    for (size_t j = 0; j < 3; j++) {
        assert_int_equal(st_dataset_feature_type(a, j), st_dataset_feature_type(b, j));
        assert_memory_equal(st_dataset_feature_values(a, j), st_dataset_feature_values(b, j),
                            N * sizeof(float));
        assert_int_equal(st_dataset_n_levels(a, j), st_dataset_n_levels(b, j));
        for (size_t k = 0; k < st_dataset_n_levels(a, j); k++)
            assert_string_equal(st_dataset_level(a, j, k), st_dataset_level(b, j, k));
    }
    assert_memory_equal(st_dataset_labels(a), st_dataset_labels(b), N * sizeof(float));
    assert_memory_equal(st_dataset_weights(a), st_dataset_weights(b), N * sizeof(float));
    /* by hand: levels a, b, ä (byte order; "unused" never used; "b" twice is one level) */
    assert_int_equal(st_dataset_n_levels(a, 1), 3);
    assert_string_equal(st_dataset_level(a, 1, 0), "a");
    assert_string_equal(st_dataset_level(a, 1, 1), "b");
    assert_string_equal(st_dataset_level(a, 1, 2), "\xc3\xa4");
    const float *v = st_dataset_feature_values(a, 1);
    assert_true(v[0] == 1 && v[1] == 0 && isnan(v[2]) && v[3] == 1 && v[4] == 2 && v[5] == 1);
    assert_ptr_equal(st_dataset_feature_values(a, 0), x); /* a view, not a copy */
    st_dataset_free(a);
    st_dataset_free(b);
}

static void refuses(const st_categorical_column *cols, size_t n, st_status status,
                    const char *fragment)
{
    st_dataset *ds = UNSET_DATASET;
    st_error err;
    assert_int_equal(build(cols, n, &ds, &err), status);
    assert_null(ds);
    assert_contains(err.message, fragment);
}

static void refusals(void **state)
{
    (void)state;
    const int32_t out_of_range[N] = {0, 5, 0, 0, 0, 0}, minus_two[N] = {0, 0, -2, 0, 0, 0};
    st_categorical_column c = cat(1, out_of_range, levels1, 5);
    refuses(&c, 1, ST_ERR_DATA, "feature 'f1': codes[1] is 5; expected -1 (missing) or a "
            "level, 0 to 4");
    c = cat(1, minus_two, levels1, 5);
    refuses(&c, 1, ST_ERR_DATA, "codes[2] is -2");
    const char *const empty[] = {"b", ""}, *const null_level[] = {"b", NULL};
    const char *const bad_utf8[] = {"b", "z\xff"};
    const int32_t uses_1[N] = {0, 1, 0, 0, 0, 0}, uses_0[N] = {0, 0, 0, 0, 0, 0};
    c = cat(1, uses_1, empty, 2);
    refuses(&c, 1, ST_ERR_DATA, "feature 'f1': level 1 is the empty text");
    c = cat(1, uses_0, empty, 2); /* an unused empty level is no level at all */
    st_dataset *ds = NULL;
    assert_int_equal(build(&c, 1, &ds, NULL), ST_OK);
    assert_int_equal(st_dataset_n_levels(ds, 1), 1);
    st_dataset_free(ds);
    c = cat(1, uses_1, null_level, 2);
    refuses(&c, 1, ST_ERR_INVALID_ARG, "levels[1] is NULL");
    c = cat(1, uses_1, bad_utf8, 2);
    refuses(&c, 1, ST_ERR_DATA, "level 1 has the invalid UTF-8 byte 0xFF at byte 1");
    st_categorical_column twice[] = {cat(1, uses_0, levels1, 5), cat(1, uses_0, levels1, 5)};
    refuses(twice, 2, ST_ERR_INVALID_ARG, "feature 1 is given twice");
    c = cat(3, uses_0, levels1, 5);
    refuses(&c, 1, ST_ERR_INVALID_ARG, "categorical[0].feature is 3; expected a feature below 3");
    c = cat(1, NULL, levels1, 5);
    refuses(&c, 1, ST_ERR_INVALID_ARG, "categorical[0] has NULL codes or levels");
    refuses(NULL, 1, ST_ERR_INVALID_ARG, "categorical is NULL");
    /* the labels are checked as st_dataset_from_arrays checks them */
    const float bad_labels[N] = {0, 1, 2, 0, 0, 0};
    c = cat(1, uses_0, levels1, 5);
    assert_int_equal(st_dataset_from_arrays_categorical(N, 3, x, bad_labels, NULL, NULL, &c, 1,
                                                        &ds, NULL), ST_ERR_DATA);
    assert_null(ds);
}

static st_status build_and_free(void *ctx)
{
    (void)ctx;
    st_categorical_column cols[] = {cat(1, codes1, levels1, 5), cat(2, codes2, levels2, 1)};
    st_dataset *ds = UNSET_DATASET;
    st_status rc = build(cols, 2, &ds, NULL);
    if (rc == ST_OK)
        st_dataset_free(ds);
    else
        assert_null(ds);
    return rc;
}

static void allocation_failures(void **state)
{
    (void)state;
    assert_true(test_oom_sweep(build_and_free, NULL, 200) > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_the_csv_reader),
        cmocka_unit_test(refusals),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
