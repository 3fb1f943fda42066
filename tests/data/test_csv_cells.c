/* st_dataset_column_cells and the read options that choose column types (numeric,
 * categorical, censored, decimal) on small CSV buffers whose cells are counted by hand:
 * the counts, the first such cell's line and column, the examples, the mostly-numeric
 * verdict at its edge (more than half), the values each option gives, and the errors. */
#include "test_util.h"

#include <stdio.h>

static st_dataset *read_csv(const char *text, const st_read_options *o)
{
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_read_csv_buffer(text, strlen(text), "t.csv", o, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static st_column_cells cells_of(const st_dataset *ds, const char *name)
{
    st_column_cells c;
    long j = st_dataset_find_feature(ds, name);
    assert_true(j >= 0);
    assert_int_equal(st_dataset_column_cells(ds, (size_t)j, &c, NULL), ST_OK);
    return c;
}

static const char *error_of(const char *text, const st_read_options *o)
{
    static st_error err;
    st_dataset *ds = NULL;
    assert_int_not_equal(st_dataset_read_csv_buffer(text, strlen(text), "t.csv", o, &ds, &err),
                         ST_OK);
    assert_null(ds);
    return err.message;
}

/* x: 1, 2, abc, <0.5, 3, NA, >=7, abc, 4  -- 4 numbers, 2 censored, 2 text, 1 missing */
static const char lab[] = "x,label\n1,0\n2,1\nabc,0\n<0.5,1\n3,0\nNA,1\n>=7,0\nabc,1\n4,0\n";

static void counts_and_first_cell(void **state)
{
    (void)state;
    st_dataset *ds = read_csv(lab, NULL);
    st_column_cells c = cells_of(ds, "x");
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    assert_int_equal(c.n_numbers, 4);
    assert_int_equal(c.n_censored, 2);
    assert_int_equal(c.n_text, 2);
    assert_int_equal(c.n_decimal_comma, 0);
    assert_int_equal(c.n_made_missing, 0);
    assert_int_equal(c.first_line, 4); /* the header is line 1 */
    assert_int_equal(c.first_column, 1);
    assert_int_equal(c.n_examples, 3); /* distinct, in file order */
    assert_string_equal(c.examples[0], "abc");
    assert_string_equal(c.examples[1], "<0.5");
    assert_string_equal(c.examples[2], ">=7");
    assert_int_equal(c.forced, 0);
    assert_int_equal(c.mostly_numeric, 1); /* 6 number-like of 8 */
    assert_string_equal(st_dataset_source(ds), "t.csv");
    /* the report travels with a subset */
    size_t rows[2] = {0, 1};
    st_dataset *sub = NULL;
    assert_int_equal(st_dataset_subset(ds, rows, 2, &sub, NULL), ST_OK);
    assert_int_equal(cells_of(sub, "x").n_text, 2);
    assert_string_equal(st_dataset_source(sub), "t.csv");
    st_dataset_free(sub);
    st_dataset_free(ds);
}

static void mostly_numeric_edge(void **state)
{
    (void)state;
    /* 2 numbers, 2 words: half is not most */
    st_dataset *ds = read_csv("x,label\n1,0\nab,1\n2,0\ncd,1\n", NULL);
    assert_int_equal(cells_of(ds, "x").mostly_numeric, 0);
    st_dataset_free(ds);
    ds = read_csv("x,label\n1,0\nab,1\n2,0\ncd,1\n3,0\n", NULL); /* 3 of 5 */
    assert_int_equal(cells_of(ds, "x").mostly_numeric, 1);
    st_dataset_free(ds);
    /* only censored values and words, no plain number: text such as A1C '>7', 'Norm' */
    ds = read_csv("x,label\n>7,0\n>8,1\nNorm,0\n>7,1\n", NULL);
    assert_int_equal(cells_of(ds, "x").n_censored, 3);
    assert_int_equal(cells_of(ds, "x").mostly_numeric, 0);
    st_dataset_free(ds);
    /* a numeric column is never "mostly numeric": nothing to warn about */
    ds = read_csv("x,label\n1,0\n2,1\n", NULL);
    assert_int_equal(cells_of(ds, "x").n_numbers, 2);
    assert_int_equal(cells_of(ds, "x").mostly_numeric, 0);
    assert_int_equal(cells_of(ds, "x").first_line, 0);
    st_dataset_free(ds);
}

static void forced_numeric_and_censored_policies(void **state)
{
    (void)state;
    const char *names[] = {"x"};
    st_read_options o = st_read_options_default();
    o.numeric = names;
    o.n_numeric = 1;
    /* values by policy, row by row (NA and the texts are missing unless bound) */
    const float nan = NAN;
    const float text[9] = {1, 2, nan, nan, 3, nan, nan, nan, 4};
    const float bound[9] = {1, 2, nan, 0.5f, 3, nan, 7, nan, 4};
    const st_censored_policy policy[2] = {ST_CENSORED_TEXT, ST_CENSORED_BOUND};
    const float *want[2] = {text, bound};
    const size_t made_missing[2] = {4, 2};
    for (int k = 0; k < 2; k++) {
        o.censored = policy[k];
        st_dataset *ds = read_csv(lab, &o);
        assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_NUMERIC);
        const float *v = st_dataset_feature_values(ds, 0);
        for (int i = 0; i < 9; i++)
            if (!(isnan(want[k][i]) ? isnan(v[i]) : v[i] == want[k][i]))
                fail_msg("policy %d row %d: %g, expected %g", k, i, v[i], want[k][i]);
        st_column_cells c = cells_of(ds, "x");
        assert_int_equal(c.n_made_missing, made_missing[k]);
        assert_int_equal(c.forced, 1);
        assert_int_equal(c.mostly_numeric, 0);
        st_dataset_free(ds);
    }
    /* without --numeric: bound or missing make "1, <0.5, >=7" a numeric column */
    const char *censored_only = "x,label\n1,0\n<0.5,1\n>=7,0\n";
    o = st_read_options_default();
    o.censored = ST_CENSORED_BOUND;
    st_dataset *ds = read_csv(censored_only, &o);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_NUMERIC);
    assert_true(st_dataset_feature_values(ds, 0)[2] == 7.0f);
    st_dataset_free(ds);
    o.censored = ST_CENSORED_MISSING;
    ds = read_csv(censored_only, &o);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_NUMERIC);
    assert_true(isnan(st_dataset_feature_values(ds, 0)[1]));
    assert_int_equal(cells_of(ds, "x").n_made_missing, 2);
    st_dataset_free(ds);
    /* missing, then a word: the column turns categorical and the censored cells read
     * before are levels again, not missing */
    ds = read_csv("x,label\n<0.5,1\nabc,0\n", &o);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_n_levels(ds, 0), 2);
    assert_int_equal(cells_of(ds, "x").n_made_missing, 0);
    st_dataset_free(ds);
    o.censored = ST_CENSORED_ERROR;
    assert_string_equal(error_of(lab, &o),
                        "t.csv:5:1: field 1 (x): '<0.5' is a censored value (a bound, not a "
                        "measurement) and the censored policy is 'error'; expected a number, "
                        "or choose --censored bound or missing");
}

static void forced_categorical(void **state)
{
    (void)state;
    const char *names[] = {"x"};
    st_read_options o = st_read_options_default();
    o.categorical = names;
    o.n_categorical = 1;
    o.censored = ST_CENSORED_ERROR; /* text to a categorical column: no error */
    st_dataset *ds = read_csv("x,label\n1.0,0\n1,1\n<2,0\n1.0,1\n", &o);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_n_levels(ds, 0), 3); /* "1.0" and "1" are two texts */
    assert_int_equal(cells_of(ds, "x").forced, 2);
    assert_int_equal(cells_of(ds, "x").mostly_numeric, 0);
    st_dataset_free(ds);
    o.numeric = names;
    o.n_numeric = 1;
    assert_string_equal(error_of(lab, &o), "t.csv: column 'x' is named by both --numeric and "
                                           "--categorical; expected one of them");
    const char *label[] = {"label"};
    o = st_read_options_default();
    o.numeric = label;
    o.n_numeric = 1;
    assert_string_equal(error_of(lab, &o),
                        "t.csv: --numeric names column 'label', which is not a feature column "
                        "of the file (names are matched exactly; the label, weight and "
                        "ignored columns are not features)");
}

static void decimal_commas(void **state)
{
    (void)state;
    const char *text = "x;y;label\n1,5;2;0\n-0,25;1e3;1\n3;4,5;0\n";
    st_dataset *ds = read_csv(text, NULL);
    st_column_cells c = cells_of(ds, "x");
    assert_int_equal(c.n_decimal_comma, 2);
    assert_int_equal(c.n_numbers, 1);
    assert_int_equal(c.mostly_numeric, 1);
    assert_string_equal(c.examples[0], "1,5");
    st_dataset_free(ds);
    st_read_options o = st_read_options_default();
    o.decimal = ',';
    ds = read_csv(text, &o);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_NUMERIC);
    assert_true(st_dataset_feature_values(ds, 0)[0] == 1.5f);
    assert_true(st_dataset_feature_values(ds, 0)[1] == -0.25f);
    assert_true(st_dataset_feature_values(ds, 1)[1] == 1000.0f);
    assert_true(st_dataset_feature_values(ds, 1)[2] == 4.5f);
    st_dataset_free(ds);
    /* with ',' as the mark, '1.5' is text */
    ds = read_csv("x;label\n1,5;0\n1.5;1\n2;0\n", &o);
    assert_int_equal(cells_of(ds, "x").n_text, 1);
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    st_dataset_free(ds);
    /* a quoted "1,5" in a ',' file is not counted as a decimal comma */
    ds = read_csv("x,label\n\"1,5\",0\n2,1\n", NULL);
    assert_int_equal(cells_of(ds, "x").n_decimal_comma, 0);
    assert_int_equal(cells_of(ds, "x").n_text, 1);
    st_dataset_free(ds);
    assert_string_equal(error_of("x,label\n1,0\n", &o),
                        "t.csv: --decimal , needs a field delimiter other than ',', and this "
                        "file's is ',' (detected); a file with decimal commas separates its "
                        "fields with ';' or tab (--delimiter)");
    o.decimal = ':';
    assert_string_equal(error_of("x;label\n1;0\n", &o),
                        "t.csv: decimal mark ':' is not supported; expected '.' or ','");
}

/* Examples as a one-line message shows them: control bytes and bytes of text that is not
 * UTF-8 escaped, long texts cut after 40 bytes (not inside a character) with "..." */
static void examples_shown_on_one_line(void **state)
{
    (void)state;
    const char *text = "x,label\n1,0\n\"a\nb\",1\n2,0\n"
                       "0123456789012345678901234567890123456789XYZ,1\n"
                       "012345678901234567890123456789012345678\xC3\xA9,0\n3,1\n4,0\n";
    const char *names[] = {"x"};
    st_read_options o = st_read_options_default();
    o.numeric = names;
    o.n_numeric = 1;
    st_dataset *ds = read_csv(text, &o);
    st_column_cells c = cells_of(ds, "x");
    assert_int_equal(c.n_examples, 3);
    assert_string_equal(c.examples[0], "a\\x0Ab");
    assert_string_equal(c.examples[1], "0123456789012345678901234567890123456789...");
    assert_string_equal(c.examples[2], "012345678901234567890123456789012345678...");
    st_dataset_free(ds);
    ds = read_csv("x,label\n1,0\nab\xFF,1\n2,0\n", &o);
    assert_string_equal(cells_of(ds, "x").examples[0], "ab\\xFF");
    st_dataset_free(ds);
}

static void libsvm_refuses(void **state)
{
    (void)state;
    const char *names[] = {"f1"};
    st_read_options o = st_read_options_default();
    o.numeric = names;
    o.n_numeric = 1;
    st_error err;
    st_dataset *ds = NULL;
    const char *text = "1 1:0.5\n0 1:2\n";
    assert_int_equal(st_dataset_read_libsvm_buffer(text, strlen(text), "t.svm", &o, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "t.svm: --numeric applies to CSV files; a LibSVM file "
                                     "holds only numbers");
}

/* Every infinity a numeric column holds is counted: 'inf', '-inf', 'Infinity' and 1e400
 * (infinite as written: n_infinite) apart from 4e38 (finite, beyond a float: n_overflow);
 * infinite_line/_column is the first cell stored as infinity, whichever kind. */
static void infinities_counted(void **state)
{
    (void)state;
    st_dataset *ds = read_csv("x,y,label\n1,1,0\n2,4e38,1\ninf,2,0\n-inf,3,1\n"
                              "Infinity,5,0\n1e400,6,1\n-1e400,7,0\n3,8,1\n", NULL);
    st_column_cells x = cells_of(ds, "x"), y = cells_of(ds, "y");
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_NUMERIC);
    assert_int_equal(x.n_infinite, 5);
    assert_int_equal(x.n_overflow, 0);
    assert_int_equal(x.infinite_line, 4);
    assert_int_equal(x.infinite_column, 1);
    assert_int_equal(x.lossy_line, 0); /* no finite number lost */
    assert_int_equal(y.n_infinite, 0);
    assert_int_equal(y.n_overflow, 1);
    assert_int_equal(y.infinite_line, 3);
    assert_int_equal(y.infinite_column, 3);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_first_cell),
        cmocka_unit_test(mostly_numeric_edge),
        cmocka_unit_test(forced_numeric_and_censored_policies),
        cmocka_unit_test(forced_categorical),
        cmocka_unit_test(decimal_commas),
        cmocka_unit_test(examples_shown_on_one_line),
        cmocka_unit_test(libsvm_refuses),
        cmocka_unit_test(infinities_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
