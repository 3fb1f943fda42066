/* st_dataset_column_is_id: the rule of include/stratum/dataset.h on hand-built columns, at
 * its edges (50 rows, 90% present, 95% distinct), on 32-bit float ids, on categorical ids
 * read from CSV, and its errors. */
#include "test_util.h"

#include <stdio.h>

#define ROWS 100

/* is_id of one numeric column of n values */
static int numeric_is_id(const float *v, size_t n)
{
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_from_arrays(n, 1, v, NULL, NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    int is_id = -1;
    assert_int_equal(st_dataset_column_is_id(ds, 0, &is_id, &err), ST_OK);
    st_dataset_free(ds);
    return is_id;
}

static void row_numbers_and_their_edges(void **state)
{
    (void)state;
    float v[ROWS];
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(i + 1); /* 1, 2, ..., 100: row numbers */
    assert_int_equal(numeric_is_id(v, ROWS), 1);
    assert_int_equal(numeric_is_id(v, 50), 1);  /* 50 rows: enough */
    assert_int_equal(numeric_is_id(v, 49), 0);  /* 49: too few to tell */
    for (int i = 0; i < 5; i++)                 /* 95 distinct of 100: still an id */
        v[i] = 6;
    assert_int_equal(numeric_is_id(v, ROWS), 1);
    v[ROWS - 1] = 7;                            /* 94 distinct (6..99): no longer */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(ROWS - i) * 1000 + 17;   /* descending, any step: distinct integers */
    assert_int_equal(numeric_is_id(v, ROWS), 1);
    v[3] = 3017.5f;                             /* one value with a fraction: a measurement */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
}

static void missing_values(void **state)
{
    (void)state;
    float v[ROWS];
    for (int i = 0; i < ROWS; i++)
        v[i] = i < 10 ? NAN : (float)i; /* 90 present of 100: enough */
    assert_int_equal(numeric_is_id(v, ROWS), 1);
    v[10] = NAN;                        /* 89 present: not */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
}

static void measurements_and_codes_are_not_ids(void **state)
{
    (void)state;
    float v[ROWS];
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(i % 10); /* a code 0..9 */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
    for (int i = 0; i < ROWS; i++)
        v[i] = 0.5f + (float)i; /* distinct, not integers */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(i / 2); /* each id twice (a patient with two visits): 50% distinct */
    assert_int_equal(numeric_is_id(v, ROWS), 0);
}

/* Nine-digit ids: 900000000 + 7i are distinct integers, but 32-bit floats there are 64
 * apart, so the 100 fall on about 11 distinct floats; ids 64 apart stay distinct. */
static void large_ids_as_floats(void **state)
{
    (void)state;
    float v[ROWS];
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(900000000.0 + 64.0 * i);
    assert_int_equal(numeric_is_id(v, ROWS), 1);
    for (int i = 0; i < ROWS; i++)
        v[i] = (float)(900000000.0 + 7.0 * i);
    assert_int_equal(numeric_is_id(v, ROWS), 0);
}

static void categorical_ids(void **state)
{
    (void)state;
    char csv[8192];
    size_t len = (size_t)snprintf(csv, sizeof csv, "pid,ward,y\n");
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "P%04d,%s,%d\n", i,
                                i % 3 ? "east" : "west", i % 2);
    st_read_options opt = st_read_options_default();
    opt.label = "y";
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_read_csv_buffer(csv, len, "ids.csv", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    int is_id = -1;
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_column_is_id(ds, 0, &is_id, &err), ST_OK);
    assert_int_equal(is_id, 1); /* pid: one level per row */
    assert_int_equal(st_dataset_column_is_id(ds, 1, &is_id, &err), ST_OK);
    assert_int_equal(is_id, 0); /* ward: two levels */
    assert_int_equal(st_dataset_column_is_id(ds, 2, &is_id, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_column_is_id: feature 2 of 2");
    assert_int_equal(is_id, 0);
    assert_int_equal(st_dataset_column_is_id(NULL, 0, &is_id, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_column_is_id: NULL argument");
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(row_numbers_and_their_edges),
        cmocka_unit_test(missing_values),
        cmocka_unit_test(measurements_and_codes_are_not_ids),
        cmocka_unit_test(large_ids_as_floats),
        cmocka_unit_test(categorical_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
