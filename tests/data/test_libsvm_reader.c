/* st_dataset_read_libsvm(_buffer), and st_dataset_read choosing between CSV and LibSVM. */
#include "test_util.h"

#define SVM st_dataset_read_libsvm_buffer

/* ---- helpers ------------------------------------------------------------------------------ */

/* The feature names are exactly these, in order. */
static void assert_names(const st_dataset *ds, const char *const *names, size_t n)
{
    assert_int_equal(st_dataset_n_features(ds), n);
    for (size_t j = 0; j < n; j++) {
        assert_string_equal(st_dataset_feature_name(ds, j), names[j]);
        assert_int_equal(st_dataset_feature_type(ds, j), ST_FEATURE_NUMERIC);
    }
}

typedef st_status (*path_reader)(const char *path, const st_read_options *opt, st_dataset **out,
                                 st_error *err);

static st_dataset *read_path(path_reader reader, const char *relative, const st_read_options *opt)
{
    char path[1024];
    st_error err;
    st_dataset *ds = NULL;
    if (reader(test_data_path(relative, path, sizeof path), opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* The contents of good_one_based.svm, however it was read. */
static void assert_one_based_file(const st_dataset *ds)
{
    static const char *const names[] = {"f1", "f2", "f3"};
    assert_names(ds, names, 3);
    assert_int_equal(st_dataset_n_rows(ds), 3);
    assert_floats(column(ds, "f1"), (const float[]){0.5f, 0, 1}, 3);
    assert_floats(column(ds, "f2"), (const float[]){0, 1.5f, 0}, 3);
    assert_floats(column(ds, "f3"), (const float[]){2, 0, 0}, 3);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1}, 3);
}

/* ---- good input --------------------------------------------------------------------------- */

/* A one-based file with qid, comments and a blank line; +1/-1 labels keep their texts. */
static void test_one_based_file(void **state)
{
    (void)state;
    st_dataset *ds = read_path(st_dataset_read_libsvm, "libsvm/good_one_based.svm", NULL);
    assert_one_based_file(ds);
    assert_string_equal(st_dataset_class_name(ds, 1), "+1");
    assert_string_equal(st_dataset_class_name(ds, 0), "-1");
    assert_string_equal(st_dataset_label_name(ds), "label");
    assert_int_equal(st_dataset_delimiter(ds), 0);
    assert_null(st_dataset_weights(ds));
    st_dataset_free(ds);
}

/* An index 0 anywhere makes the file zero-based: names start at f0. */
static void test_zero_based_detected(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "1 0:1 2:3\n0 1:2\n", NULL);
    static const char *const names[] = {"f0", "f1", "f2"};
    assert_names(ds, names, 3);
    assert_floats(column(ds, "f0"), (const float[]){1, 0}, 2);
    assert_floats(column(ds, "f1"), (const float[]){0, 2}, 2);
    assert_floats(column(ds, "f2"), (const float[]){3, 0}, 2);
    st_dataset_free(ds);
}

/* Without an index 0 the file is one-based, even when index 1 never occurs. */
static void test_one_based_detected(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "1 2:1\n0 3:7\n", NULL);
    static const char *const names[] = {"f1", "f2", "f3"};
    assert_names(ds, names, 3);
    assert_floats(column(ds, "f1"), (const float[]){0, 0}, 2);
    assert_floats(column(ds, "f3"), (const float[]){0, 7}, 2);
    st_dataset_free(ds);
}

/* Forcing zero-based adds an f0 column of zeros; forcing one-based keeps f1 first. */
static void test_forced_base(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.libsvm_zero_based = 1;
    st_dataset *ds = read_ok(SVM, "1 1:1 2:2\n0 2:5\n", &opt);
    static const char *const zero_based[] = {"f0", "f1", "f2"};
    assert_names(ds, zero_based, 3);
    assert_floats(column(ds, "f0"), (const float[]){0, 0}, 2);
    assert_floats(column(ds, "f1"), (const float[]){1, 0}, 2);
    assert_floats(column(ds, "f2"), (const float[]){2, 5}, 2);
    st_dataset_free(ds);

    opt.libsvm_zero_based = 0;
    ds = read_ok(SVM, "1 1:1 2:2\n0 2:5\n", &opt);
    static const char *const one_based[] = {"f1", "f2"};
    assert_names(ds, one_based, 2);
    assert_floats(column(ds, "f2"), (const float[]){2, 5}, 2);
    st_dataset_free(ds);
}

/* Absent features are 0, not missing; a written "nan" is missing. */
static void test_absent_is_zero(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "1 1:4 5:1\n0\n1 3:nan\n", NULL);
    assert_int_equal(st_dataset_n_features(ds), 5);
    assert_floats(column(ds, "f1"), (const float[]){4, 0, 0}, 3);
    assert_floats(column(ds, "f3"), (const float[]){0, 0, NAN}, 3);
    assert_floats(column(ds, "f5"), (const float[]){1, 0, 0}, 3);
    st_dataset_free(ds);
}

/* What the dataset remembers of the file: which stored zeros were written ("k:0", or a
 * value that is 0 as a float), the index range, and so which "f<k>" it never mentions;
 * subsets keep it; CSV datasets have none of it. */
static void test_entries_and_range(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "1 1:4 3:0\n0 2:1e-50\n", NULL);
    assert_int_equal(st_dataset_is_libsvm(ds), 1);
    const long f1 = st_dataset_find_feature(ds, "f1"), f2 = st_dataset_find_feature(ds, "f2"),
               f3 = st_dataset_find_feature(ds, "f3");
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f1, 0), 1);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f1, 1), 0);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f2, 0), 0);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f2, 1), 1);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f3, 0), 1);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f3, 1), 0);
    assert_int_equal(st_dataset_entry_present(ds, (size_t)f3, 2), 0); /* no row 2 */
    static const struct { const char *name; int unmentioned; } names[] = {
        {"f0", 1}, {"f1", 0}, {"f3", 0}, {"f4", 1}, {"f99999999999999", 1}, {"f03", 0},
        {"f", 0}, {"g4", 0}, {"f4x", 0}, {"F4", 0}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        assert_int_equal(st_dataset_libsvm_unmentioned(ds, names[k].name), names[k].unmentioned);
    st_dataset *sub = NULL;
    st_error err;
    const size_t rows[] = {1, 0};
    assert_int_equal(st_dataset_subset(ds, rows, 2, &sub, &err), ST_OK);
    assert_int_equal(st_dataset_is_libsvm(sub), 1);
    assert_int_equal(st_dataset_entry_present(sub, (size_t)f3, 1), 1);
    assert_int_equal(st_dataset_entry_present(sub, (size_t)f3, 0), 0);
    assert_int_equal(st_dataset_libsvm_unmentioned(sub, "f4"), 1);
    st_dataset_free(sub);
    st_dataset_free(ds);
    /* zero-based: f0 is in range */
    ds = read_ok(SVM, "1 0:1 2:1\n", NULL);
    assert_int_equal(st_dataset_libsvm_unmentioned(ds, "f0"), 0);
    assert_int_equal(st_dataset_libsvm_unmentioned(ds, "f3"), 1);
    st_dataset_free(ds);
    static const char csv[] = "label,f1\n1,0\n";
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "t.csv", NULL, &ds, &err),
                     ST_OK);
    assert_int_equal(st_dataset_is_libsvm(ds), 0);
    assert_int_equal(st_dataset_libsvm_unmentioned(ds, "f7"), 0);
    assert_int_equal(st_dataset_entry_present(ds, 0, 0), 1);
    st_dataset_free(ds);
}

/* Comments, blank lines, CRLF, tabs and leading spaces. */
static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "# a header comment\n\n  1 1:2\t2:3 # why\r\n\r\n#\n"
                                  "-1 2:-4.5e1\r\n   \n", NULL);
    assert_int_equal(st_dataset_n_rows(ds), 2);
    assert_floats(column(ds, "f1"), (const float[]){2, 0}, 2);
    assert_floats(column(ds, "f2"), (const float[]){3, -45}, 2);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* Labels by the default rule and by a named positive value. */
static void test_labels(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(SVM, "1 1:1\n0 1:1\n-1 1:1\n+1 1:1\n1.0 1:1\n", NULL);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 0, 1, 1}, 5);
    assert_string_equal(st_dataset_class_name(ds, 1), "1");
    assert_string_equal(st_dataset_class_name(ds, 0), "0");
    st_dataset_free(ds);

    st_read_options opt = st_read_options_default();
    opt.positive = "2";
    ds = read_ok(SVM, "4 1:1\n2 1:1\n2.0 1:1\n", &opt);
    assert_floats(st_dataset_labels(ds), (const float[]){0, 1, 1}, 3);
    assert_string_equal(st_dataset_class_name(ds, 0), "4");
    assert_string_equal(st_dataset_class_name(ds, 1), "2");
    st_dataset_free(ds);
}

/* Ignored features are left out by their f<index> name. */
static void test_ignore_by_name(void **state)
{
    (void)state;
    static const char *const ignore[] = {"f2"};
    st_read_options opt = st_read_options_default();
    opt.ignore = ignore;
    opt.n_ignore = 1;
    st_dataset *ds = read_path(st_dataset_read_libsvm, "libsvm/good_one_based.svm", &opt);
    static const char *const names[] = {"f1", "f3"};
    assert_names(ds, names, 2);
    assert_floats(column(ds, "f3"), (const float[]){2, 0, 0}, 3);
    /* found by name past the ignored column too (f<k> is no longer column k - 1) */
    assert_int_equal(st_dataset_find_feature(ds, "f1"), 0);
    assert_int_equal(st_dataset_find_feature(ds, "f3"), 1);
    assert_int_equal(st_dataset_find_feature(ds, "f2"), -1);
    assert_int_equal(st_dataset_find_feature(ds, "f03"), -1);
    assert_int_equal(st_dataset_find_feature(ds, "f4"), -1);
    st_dataset_free(ds);
}

/* ---- format detection --------------------------------------------------------------------- */

/* .svm is LibSVM by its extension, even when the first line alone would not tell. */
static void test_read_by_extension(void **state)
{
    (void)state;
    st_dataset *ds = read_path(st_dataset_read, "libsvm/good_one_based.svm", NULL);
    assert_one_based_file(ds);
    st_dataset_free(ds);

    ds = read_path(st_dataset_read, "libsvm/first_line_has_no_pairs.svm", NULL);
    assert_int_equal(st_dataset_n_features(ds), 1);
    assert_floats(column(ds, "f1"), (const float[]){0, 2}, 2);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* Other extensions are decided by the first data line. */
static void test_read_by_content(void **state)
{
    (void)state;
    st_dataset *ds = read_path(st_dataset_read, "libsvm/sparse.txt", NULL);
    static const char *const sparse[] = {"f1", "f2", "f3", "f4"};
    assert_names(ds, sparse, 4);
    assert_floats(column(ds, "f4"), (const float[]){1, 0}, 2);
    st_dataset_free(ds);

    ds = read_path(st_dataset_read, "libsvm/zero_based", NULL); /* comment line first */
    static const char *const zero_based[] = {"f0", "f1", "f2"};
    assert_names(ds, zero_based, 3);
    assert_floats(column(ds, "f2"), (const float[]){0, 4}, 2);
    st_dataset_free(ds);

    ds = read_path(st_dataset_read, "libsvm/table.txt", NULL);
    assert_int_equal(st_dataset_delimiter(ds), ',');
    assert_string_equal(st_dataset_feature_name(ds, 0), "a");
    assert_floats(column(ds, "a"), (const float[]){1, 2}, 2);
    st_dataset_free(ds);
}

/* A .csv file is read as CSV whatever it looks like. */
static void test_csv_extension_wins(void **state)
{
    (void)state;
    char path[1024];
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    test_data_path("libsvm/looks_like_libsvm.csv", path, sizeof path);
    assert_int_equal(st_dataset_read(path, NULL, &ds, &err), ST_ERR_DATA);
    assert_null(ds);
    assert_contains(err.message, "no column named 'label'");
    assert_contains(err.message, "the header has: 1 1:2");
}

/* A missing file and a NULL path. */
static void test_read_bad_paths(void **state)
{
    (void)state;
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    assert_int_equal(st_dataset_read("/nonexistent/x.svm", NULL, &ds, &err), ST_ERR_IO);
    assert_null(ds);
    assert_contains(err.message, "/nonexistent/x.svm");
    ds = UNSET_DATASET;
    assert_int_equal(st_dataset_read_libsvm("/nonexistent/x.svm", NULL, &ds, &err), ST_ERR_IO);
    assert_null(ds);
    ds = UNSET_DATASET;
    assert_int_equal(st_dataset_read(NULL, NULL, &ds, &err), ST_ERR_INVALID_ARG);
    assert_null(ds);
}

/* ---- malformed input ---------------------------------------------------------------------- */

/* A token that is not index:value. */
static void test_bad_pair(void **state)
{
    (void)state;
    assert_read_fails(SVM, "1 1:1 x\n", NULL, ST_ERR_PARSE, 1, 7,
                      "'x': expected index:value with a whole index and a number");
    assert_read_fails(SVM, "1 1:1\n0 3:abc\n", NULL, ST_ERR_PARSE, 2, 3, "'3:abc': expected");
    assert_read_fails(SVM, "1 :5\n", NULL, ST_ERR_PARSE, 1, 3, "':5': expected index:value");
    assert_read_fails(SVM, "1 -1:5\n", NULL, ST_ERR_PARSE, 1, 3, "'-1:5': expected");
    assert_read_fails(SVM, "1 2:\n", NULL, ST_ERR_PARSE, 1, 3, "'2:': expected");
    assert_read_fails(SVM, "1 1.5:2\n", NULL, ST_ERR_PARSE, 1, 3, "'1.5:2': expected");
}

/* Indices must increase along a line. */
static void test_non_increasing_indices(void **state)
{
    (void)state;
    assert_read_fails(SVM, "1 3:1 2:1\n", NULL, ST_ERR_PARSE, 1, 7,
                      "'2:1': feature indices must increase along a line; index 2 comes "
                      "after 3");
    assert_read_fails(SVM, "1 1:1\n0 2:1  2:3\n", NULL, ST_ERR_PARSE, 2, 8,
                      "'2:3': feature indices must increase along a line; index 2 is "
                      "repeated");
}

/* A label that is neither class is unusable data, as in a CSV file. */
static void test_bad_label(void **state)
{
    (void)state;
    assert_read_fails(SVM, "0 1:1\n2 1:1\n", NULL, ST_ERR_DATA, 2, 1,
                      "'2': expected 1, true or yes (positive) or 0, false, no or -1");
    assert_read_fails(SVM, "# c\n  yes 1:1\n  x 1:1\n", NULL, ST_ERR_DATA, 3, 3, "'x': expected");
    st_read_options opt = st_read_options_default();
    opt.positive = "2";
    assert_read_fails(SVM, "2 1:1\n4 1:1\n3 1:1\n", &opt, ST_ERR_DATA, 3, 1,
                      "'3': expected the positive class '2' or the negative class '4'");
}

/* Index 0 in a file forced one-based names its line and column. */
static void test_zero_index_forced_one_based(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.libsvm_zero_based = 0;
    assert_read_fails(SVM, "1 1:2\n0 0:1 2:1\n", &opt, ST_ERR_PARSE, 2, 3,
                      "'0:1': feature index 0 in a file read as one-based");

    char path[1024];
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    test_data_path("libsvm/bad_zero_index.svm", path, sizeof path);
    assert_int_equal(st_dataset_read_libsvm(path, &opt, &ds, &err), ST_ERR_PARSE);
    assert_null(ds);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_contains(err.message, path);
}

/* An index past 10^6 (a column of some 200 bytes each) in a small file is refused at its
 * line, instead of allocating gigabytes; a million columns are read. */
static void test_huge_index(void **state)
{
    (void)state;
    assert_read_fails(SVM, "1 1:1\n0 3:1 2000000000:1\n", NULL, ST_ERR_DATA, 2, 7,
                      "'2000000000:1': feature index above 1000000, the largest this file "
                      "may use: stratum keeps a column for every index up to the largest, "
                      "so indices must stay at most 1000000 or the file's size in bytes, "
                      "whichever is larger");
    assert_read_fails(SVM, "1 1000001:1\n", NULL, ST_ERR_DATA, 1, 3,
                      "'1000001:1': feature index above 1000000,");
    st_dataset *ds = read_ok(SVM, "1 1000000:1\n0 1:1\n", NULL);
    assert_int_equal(st_dataset_n_features(ds), 1000000);
    st_dataset_free(ds);
}

/* The cap grows with the file: a file of 1,200,000 bytes may use index 1,100,000 (its size
 * is the cap), not 1,300,000. */
static void test_index_cap_grows(void **state)
{
    (void)state;
    const size_t size = 1200000, head = 12; /* "1 1100000:1\n" */
    char *text = malloc(size + 1);
    assert_non_null(text);
    memcpy(text, "1 1100000:1\n", head);
    for (size_t at = head; at < size; at += 6)
        memcpy(text + at, "0 1:1\n", 6); /* 199,998 more lines */
    text[size] = '\0';
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(SVM(text, size, "grow.svm", NULL, &ds, &err), ST_OK);
    assert_int_equal(st_dataset_n_features(ds), 1100000);
    assert_int_equal(st_dataset_n_rows(ds), 199999);
    st_dataset_free(ds);
    memcpy(text, "1 1300000:1\n", head);
    assert_int_equal(SVM(text, size, "grow.svm", NULL, &ds, &err), ST_ERR_DATA);
    assert_null(ds);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.message,
                        "grow.svm:1:3: '1300000:1': feature index above 1200000, the largest "
                        "this file may use: stratum keeps a column for every index up to the "
                        "largest, so indices must stay at most 1000000 or the file's size in "
                        "bytes, whichever is larger");
    free(text);
}

/* NUL bytes are not text. */
static void test_nul_byte(void **state)
{
    (void)state;
    assert_read_fails(SVM, "1 1:1\n0 1:\0\n", NULL, ST_ERR_PARSE, 2, 5, "NUL byte");
}

/* Nothing but comments and blank lines. */
static void test_no_data_lines(void **state)
{
    (void)state;
    assert_read_fails(SVM, "# only a comment\n\n   \n", NULL, ST_ERR_DATA, 0, 0, "no data lines");
    assert_read_fails(SVM, "", NULL, ST_ERR_DATA, 0, 0, "no data lines");
}

/* LibSVM has no weight column; NULL out is refused. */
static void test_bad_options(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.weight = "w";
    assert_read_fails(SVM, "1 1:1\n", &opt, ST_ERR_INVALID_ARG, 0, 0,
                      "LibSVM files have no weight column");
    st_error err;
    assert_int_equal(SVM("1 1:1\n", 6, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_based_file),
        cmocka_unit_test(test_zero_based_detected),
        cmocka_unit_test(test_one_based_detected),
        cmocka_unit_test(test_forced_base),
        cmocka_unit_test(test_absent_is_zero),
        cmocka_unit_test(test_entries_and_range),
        cmocka_unit_test(test_comments_and_blank_lines),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_ignore_by_name),
        cmocka_unit_test(test_read_by_extension),
        cmocka_unit_test(test_read_by_content),
        cmocka_unit_test(test_csv_extension_wins),
        cmocka_unit_test(test_read_bad_paths),
        cmocka_unit_test(test_bad_pair),
        cmocka_unit_test(test_non_increasing_indices),
        cmocka_unit_test(test_bad_label),
        cmocka_unit_test(test_zero_index_forced_one_based),
        cmocka_unit_test(test_huge_index),
        cmocka_unit_test(test_index_cap_grows),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_no_data_lines),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
