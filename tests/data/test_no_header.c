/* Files without a header line (has_header = 0) and row weights from a file of their own
 * (weight_file), as LightGBM's and XGBoost's text data come: the CSV reader, the column
 * texts, the LibSVM reader and the streamed binner. Expected values are the input's own
 * numbers, written out by hand. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <unistd.h>

#define CSV st_dataset_read_csv_buffer

/* Files in a fresh temporary directory, removed by remove_temp_files. */
static char temp_dir[64];
static char temp_paths[32][256];
static size_t n_temp_paths;

/* Writes text to the file `name` there; the path is written to buf. */
static const char *temp_file(char *buf, size_t size, const char *name, const char *text)
{
    if (temp_dir[0] == '\0') {
        snprintf(temp_dir, sizeof temp_dir, "/tmp/stratum_no_header_XXXXXX");
        assert_non_null(mkdtemp(temp_dir));
    }
    snprintf(buf, size, "%s/%s", temp_dir, name);
    FILE *f = fopen(buf, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    assert_true(n_temp_paths < 32);
    snprintf(temp_paths[n_temp_paths++], sizeof temp_paths[0], "%s", buf);
    return buf;
}

/* A path there for an output file (removed at the end as well). */
static const char *temp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", temp_dir, name);
    assert_true(n_temp_paths < 32);
    snprintf(temp_paths[n_temp_paths++], sizeof temp_paths[0], "%s", buf);
    return buf;
}

static int remove_temp_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_temp_paths; i++)
        unlink(temp_paths[i]);
    if (temp_dir[0] != '\0')
        rmdir(temp_dir);
    return 0;
}

static st_read_options no_header(const char *label)
{
    st_read_options o = st_read_options_default();
    o.has_header = 0;
    o.label = label;
    return o;
}

/* The first line is a row; columns are named by position; the label by name "0" or by
 * index. LightGBM's layout: tab-separated, label first. */
static void test_rows_and_names(void **state)
{
    (void)state;
    static const char data[] = "1\t0.5\t2.25\n0\t0.1\t3\n\n1\t0.7\t4\n";
    st_read_options o = no_header("0");
    st_dataset *ds = read_ok(CSV, data, &o);
    assert_int_equal(st_dataset_n_rows(ds), 3);
    assert_int_equal(st_dataset_n_features(ds), 2);
    assert_string_equal(st_dataset_feature_name(ds, 0), "1");
    assert_string_equal(st_dataset_feature_name(ds, 1), "2");
    assert_string_equal(st_dataset_label_name(ds), "0");
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1}, 3);
    assert_floats(column(ds, "1"), (const float[]){0.5f, 0.1f, 0.7f}, 3);
    assert_floats(column(ds, "2"), (const float[]){2.25f, 3, 4}, 3);
    assert_int_equal(st_dataset_blank_lines(ds), 1);
    assert_int_equal(st_dataset_header_is_numeric(ds), 0);
    assert_int_equal(st_dataset_delimiter(ds), '\t');
    st_dataset_free(ds);

    o.label = "label";
    o.label_index = 0; /* --label '#0' */
    ds = read_ok(CSV, data, &o);
    assert_int_equal(st_dataset_n_rows(ds), 3);
    assert_string_equal(st_dataset_label_name(ds), "0");
    st_dataset_free(ds);

    /* weight and ignore by position too; the label in the middle */
    static const char *const ignore[] = {"3"};
    st_read_options w = no_header("1");
    w.weight = "2";
    w.ignore = ignore;
    w.n_ignore = 1;
    ds = read_ok(CSV, "a,1,0.5,x\nb,0,2,y\nb,1,1,z\n", &w);
    assert_int_equal(st_dataset_n_rows(ds), 3);
    assert_int_equal(st_dataset_n_features(ds), 1);
    assert_string_equal(st_dataset_feature_name(ds, 0), "0");
    assert_string_equal(st_dataset_weight_name(ds), "2");
    assert_floats(st_dataset_weights(ds), (const float[]){0.5f, 2, 1}, 3);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1}, 3);
    /* a column turning categorical after its first row: the first row's text is a level */
    assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
    assert_floats(column(ds, "0"), (const float[]){0, 1, 1}, 3);
    st_dataset_free(ds);

    st_dataset *late = read_ok(CSV, "1,5\n0,6\n1,x\n", &o);
    assert_int_equal(st_dataset_feature_type(late, 0), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_n_levels(late, 0), 3);
    assert_string_equal(st_dataset_level(late, 0, 0), "5");
    assert_floats(column(late, "1"), (const float[]){0, 1, 2}, 3);
    st_dataset_free(late);
}

/* Read with a header, a first row of numbers becomes the names: the row is lost (pandas
 * and LightGBM with header=true lose it too) and the dataset says so. */
static void test_numeric_header_flag(void **state)
{
    (void)state;
    st_read_options o = st_read_options_default();
    o.label_index = 0;
    st_dataset *ds = read_ok(CSV, "1\t0.5\t2.25\n0\t0.1\t3\n1\t0.7\t4\n", &o);
    assert_int_equal(st_dataset_n_rows(ds), 2);
    assert_int_equal(st_dataset_header_is_numeric(ds), 1);
    st_dataset_free(ds);
    ds = read_ok(CSV, "label,x\n1,2\n0,3\n", NULL);
    assert_int_equal(st_dataset_header_is_numeric(ds), 0);
    st_dataset_free(ds);
    ds = read_ok(CSV, "label,2\n1,2\n0,3\n", NULL); /* one name that is not a number */
    assert_int_equal(st_dataset_header_is_numeric(ds), 0);
    st_dataset_free(ds);
    /* LightGBM's binary.train: repeated numbers in the first row; the message says why */
    assert_read_fails(CSV, "1\t0.000\t0.5\t0.000\n0\t1\t2\t3\n", &o, ST_ERR_DATA, 1, 13,
                      "duplicate column name '0.000' (columns 2 and 4); expected unique names; "
                      "every name in this line is a number: if the file has no header line, "
                      "read it with --no-header");
    assert_read_fails(CSV, "a,b,a,label\n1,2,3,1\n", NULL, ST_ERR_DATA, 1, 5,
                      "expected unique names");
}

static void test_no_header_errors(void **state)
{
    (void)state;
    st_read_options o = no_header("label");
    assert_read_fails(CSV, "1,2,3\n0,1,2\n", &o, ST_ERR_DATA, 1, 0,
                      "no column named 'label' (the label; choose it with --label); the file is "
                      "read without a header, so its 3 columns are named by position: 0 to 2");
    o.label = "01"; /* a position is written without leading zeros */
    assert_read_fails(CSV, "1,2,3\n0,1,2\n", &o, ST_ERR_DATA, 1, 0, "no column named '01'");
    o.label = "3";
    assert_read_fails(CSV, "1,2,3\n0,1,2\n", &o, ST_ERR_DATA, 1, 0, "no column named '3'");
    o.label = "label";
    o.label_index = 5;
    assert_read_fails(CSV, "1,2,3\n0,1,2\n", &o, ST_ERR_DATA, 1, 0,
                      "label column index 5 is past the last column (the first line has 3 "
                      "columns, indices 0 to 2)");
    o = no_header("0");
    assert_read_fails(CSV, "", &o, ST_ERR_DATA, 1, 0, "the file is empty; expected lines of data");
    assert_read_fails(CSV, "1,2\n0,1,5\n", &o, ST_ERR_PARSE, 2, 5,
                      "found 3 fields; expected 2, as in the header");
}

/* st_csv_column_texts numbers the rows as the reader does: the first line is row 0. */
static void test_column_texts(void **state)
{
    (void)state;
    char path[256];
    temp_file(path, sizeof path, "texts.tsv", "1\tid7\t0.999999999\n\n0\tid8\t0.25\n");
    st_read_options o = no_header("0");
    char **texts = NULL;
    size_t n = 0;
    st_error err;
    assert_int_equal(st_csv_column_texts(path, &o, "2", &texts, &n, &err), ST_OK);
    assert_int_equal(n, 2);
    assert_string_equal(texts[0], "0.999999999");
    assert_string_equal(texts[1], "0.25");
    st_texts_free(texts, n);
    assert_int_equal(st_csv_column_texts(path, &o, "id", &texts, &n, &err), ST_ERR_DATA);
    assert_contains(err.message, "no column 'id': the file is read without a header, so its "
                                 "columns are named by position");
}

/* LightGBM's DATA.weight: line i weighs row i, for CSV and LibSVM alike. */
static void test_weight_file(void **state)
{
    (void)state;
    char wpath[256];
    st_read_options o = no_header("0");
    o.weight_file = temp_file(wpath, sizeof wpath, "ok.weight", "1.5\n0\r\n 2.25 \n\n");
    st_dataset *ds = read_ok(CSV, "1,5\n\n0,6\n1,7\n", &o);
    assert_floats(st_dataset_weights(ds), (const float[]){1.5f, 0, 2.25f}, 3);
    assert_string_equal(st_dataset_weight_name(ds), wpath);
    st_dataset_free(ds);

    st_read_options s = st_read_options_default();
    s.weight_file = wpath;
    ds = read_ok(st_dataset_read_libsvm_buffer, "1 1:5\n0 2:1\n1 1:2\n", &s);
    assert_floats(st_dataset_weights(ds), (const float[]){1.5f, 0, 2.25f}, 3);
    st_dataset_free(ds);
}

/* A bad weight file: the message names it and its line. */
static void assert_weights_fail(const char *weights, st_status status, const char *message)
{
    char wpath[256], expected[512];
    st_read_options o = no_header("0");
    o.weight_file = temp_file(wpath, sizeof wpath, "bad.weight", weights);
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    assert_int_equal(CSV("1,5\n0,6\n1,7\n", 12, "data.csv", &o, &ds, &err), status);
    assert_null(ds);
    snprintf(expected, sizeof expected, message, wpath);
    assert_string_equal(err.message, expected);
}

static void test_bad_weight_files(void **state)
{
    (void)state;
    assert_weights_fail("1\n2\n", ST_ERR_DATA,
                        "%s: 2 weights for the 3 rows of data.csv; expected one line per row");
    assert_weights_fail("1\n2\n3\n4\n", ST_ERR_DATA,
                        "%s:4: more weights than the 3 rows of data.csv; expected one line per "
                        "row");
    assert_weights_fail("1\n\n2\n3\n", ST_ERR_DATA,
                        "%s:2: blank line; expected a weight (one per line, for each row of the "
                        "data)");
    assert_weights_fail("1\n2\nabc\n", ST_ERR_DATA,
                        "%s:3:1: weight 'abc' is not a number; expected a number >= 0");
    assert_weights_fail("1\n-2\n3\n", ST_ERR_DATA,
                        "%s:2:1: weight '-2' is negative, infinite or NaN; expected a finite "
                        "number >= 0");
    assert_weights_fail("1\n2\n1e39\n", ST_ERR_DATA,
                        "%s:3:1: weight '1e39' is beyond a 32-bit float's range (3.4e38); "
                        "expected a smaller number >= 0 (only the weights' ratios matter)");

    st_error err;
    st_dataset *ds = UNSET_DATASET;
    st_read_options o = no_header("0");
    o.weight_file = "/nonexistent/w";
    assert_int_equal(CSV("1,5\n0,6\n", 8, "data.csv", &o, &ds, &err), ST_ERR_IO);
    assert_string_equal(err.message, "/nonexistent/w: cannot open the weight file: No such file "
                                     "or directory");
    char wpath[256];
    o.weight_file = temp_file(wpath, sizeof wpath, "two.weight", "1\n2\n");
    o.weight = "1";
    assert_int_equal(CSV("1,5\n0,6\n", 8, "data.csv", &o, &ds, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "the weight column '1' and the weight file");
    o.weight = NULL;
    o.skip_missing_labels = 1;
    assert_int_equal(CSV("1,5\nNA,6\n0,7\n", 13, "data.csv", &o, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_contains(err.message, "data.csv: 1 rows were skipped for a missing label, so the "
                                 "lines of the weight file");
}

/* The streamed binner reads header-less files and weight files as the reader does: a
 * model trained on its binned file equals one trained on the binned file of the same data
 * with a header and a weight column. */
static void test_binned(void **state)
{
    (void)state;
    char plain[256], headed[256], wpath[256], out1[256], out2[256];
    char body[4096] = "", with_w[4096] = "label,x,y,w\n", weights[1024] = "";
    for (int i = 0; i < 60; i++) {
        char line[128];
        const int y = (i * 7) % 3 == 0;
        const double x = (i * 37 % 101) / 10.0, z = (i * 13 % 17) - 8, w = 0.5 + (i % 4);
        snprintf(line, sizeof line, "%d\t%g\t%g\n", y, x, z);
        strcat(body, line);
        snprintf(line, sizeof line, "%d,%g,%g,%g\n", y, x, z, w);
        strcat(with_w, line);
        snprintf(line, sizeof line, "%g\n", w);
        strcat(weights, line);
    }
    temp_file(plain, sizeof plain, "plain.tsv", body);
    temp_file(headed, sizeof headed, "headed.csv", with_w);
    temp_file(wpath, sizeof wpath, "plain.weight", weights);
    temp_path(out1, sizeof out1, "plain.stb");
    temp_path(out2, sizeof out2, "headed.stb");
    st_read_options o = no_header("0");
    o.weight_file = wpath;
    st_bin_report rep;
    st_error err;
    assert_int_equal(st_bin_file(plain, &o, NULL, out1, &rep, &err), ST_OK);
    assert_int_equal(rep.n_rows, 60);
    assert_int_equal(rep.header_is_numeric, 0);
    st_read_options h = st_read_options_default();
    h.weight = "w";
    assert_int_equal(st_bin_file(headed, &h, NULL, out2, &rep, &err), ST_OK);
    st_binned *b1 = NULL, *b2 = NULL;
    assert_int_equal(st_binned_open(out1, &b1, &err), ST_OK);
    assert_int_equal(st_binned_open(out2, &b2, &err), ST_OK);
    assert_int_equal(st_binned_n_rows(b1), 60);
    assert_string_equal(st_binned_weight_name(b1), wpath);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 5;
    prm.min_data_in_leaf = 3;
    st_gbdt *m1 = NULL, *m2 = NULL;
    assert_int_equal(st_gbdt_train_binned(b1, NULL, &prm, NULL, &m1, &err), ST_OK);
    assert_int_equal(st_gbdt_train_binned(b2, NULL, &prm, NULL, &m2, &err), ST_OK);
    double p1[60], p2[60];
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read(headed, &h, &ds, &err), ST_OK);
    st_read_options pos = no_header("0"); /* m1 knows the features as "1" and "2" */
    st_dataset *dp = NULL;
    assert_int_equal(st_dataset_read(plain, &pos, &dp, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m1, dp, ST_GBDT_PROBABILITY, 0, p1, 60, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m2, ds, ST_GBDT_PROBABILITY, 0, p2, 60, &err), ST_OK);
    for (int i = 0; i < 60; i++)
        assert_same_double(p1[i], p2[i]);
    st_dataset_free(ds);
    st_dataset_free(dp);
    st_gbdt_free(m1);
    st_gbdt_free(m2);
    st_binned_close(b1);
    st_binned_close(b2);

    /* a header of numbers is reported; a weight file one line short fails with its name */
    st_read_options first = st_read_options_default();
    first.label_index = 0;
    assert_int_equal(st_bin_file(plain, &first, NULL, out1, &rep, &err), ST_OK);
    assert_int_equal(rep.n_rows, 59);
    assert_int_equal(rep.header_is_numeric, 1);
    char shortw[256], expected[600];
    o.weight_file = temp_file(shortw, sizeof shortw, "short.weight", "1\n2\n");
    assert_int_equal(st_bin_file(plain, &o, NULL, out1, &rep, &err), ST_ERR_DATA);
    snprintf(expected, sizeof expected, "%s: the weight file ends after 2 lines, before row 3 "
             "of %s; expected one line per row", shortw, plain);
    assert_string_equal(err.message, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_names),
        cmocka_unit_test(test_numeric_header_flag),
        cmocka_unit_test(test_no_header_errors),
        cmocka_unit_test(test_column_texts),
        cmocka_unit_test(test_weight_file),
        cmocka_unit_test(test_bad_weight_files),
        cmocka_unit_test(test_binned),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_files);
}
