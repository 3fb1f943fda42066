/* st_dataset_read_csv and st_dataset_read_csv_buffer on good and malformed input. */
#include "test_util.h"

#include <stdlib.h>

#define CSV st_dataset_read_csv_buffer

/* ---- helpers ------------------------------------------------------------------------------ */

/* Feature `name` holds exactly these values, one per row. */
static void assert_column(const st_dataset *ds, const char *name, const float *expected,
                          size_t n)
{
    assert_int_equal(st_dataset_n_rows(ds), n);
    assert_floats(column(ds, name), expected, n);
}

/* Levels of the categorical feature `name`, in order. */
static void assert_levels(const st_dataset *ds, const char *name, const char *const *levels,
                          size_t n)
{
    long j = st_dataset_find_feature(ds, name);
    assert_true(j >= 0);
    assert_int_equal(st_dataset_feature_type(ds, (size_t)j), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_n_levels(ds, (size_t)j), n);
    for (size_t k = 0; k < n; k++)
        assert_string_equal(st_dataset_level(ds, (size_t)j, k), levels[k]);
}

/* Feature `name` is numeric, without levels. */
static void assert_numeric(const st_dataset *ds, const char *name)
{
    long j = st_dataset_find_feature(ds, name);
    assert_true(j >= 0);
    assert_int_equal(st_dataset_feature_type(ds, (size_t)j), ST_FEATURE_NUMERIC);
    assert_int_equal(st_dataset_n_levels(ds, (size_t)j), 0);
}

/* A file under tests/fixtures that must read. */
static st_dataset *read_file(const char *relative, const st_read_options *opt)
{
    char path[1024];
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_read_csv(test_data_path(relative, path, sizeof path), opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* A file under tests/fixtures that must fail; the message starts "path:line:column: ". */
static void assert_file_fails(const char *relative, st_status status, long line, long column,
                              const char *fragment)
{
    char path[1024], prefix[1100];
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    test_data_path(relative, path, sizeof path);
    assert_int_equal(st_dataset_read_csv(path, NULL, &ds, &err), status);
    assert_null(ds);
    assert_int_equal(err.code, status);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    if (column > 0)
        snprintf(prefix, sizeof prefix, "%s:%ld:%ld: ", path, line, column);
    else
        snprintf(prefix, sizeof prefix, "%s:%ld: ", path, line);
    assert_true(strncmp(err.message, prefix, strlen(prefix)) == 0);
    assert_contains(err.message, fragment);
}

/* Appends printf-style text to a growing buffer. */
typedef struct text_buffer {
    char *data;
    size_t len, cap;
} text_buffer;

static void append(text_buffer *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n + 1;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
}

/* ---- good files --------------------------------------------------------------------------- */

/* Quoted fields keep embedded commas, "" escapes and newlines. */
static void test_quoted_fields(void **state)
{
    (void)state;
    st_dataset *ds = read_file("csv/good_quoted.csv", NULL);
    static const char *const notes[] = {"hello, world", "she said \"hi\"", "two\nlines"};
    assert_int_equal(st_dataset_n_features(ds), 2);
    assert_levels(ds, "note", notes, 3);
    assert_column(ds, "note", (const float[]){0, 1, 2}, 3);
    assert_numeric(ds, "id");
    assert_column(ds, "id", (const float[]){1, 2, 3}, 3);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1}, 3);
    assert_int_equal(st_dataset_delimiter(ds), ',');
    st_dataset_free(ds);
}

/* A UTF-8 byte order mark is dropped and CRLF ends lines (inside quotes it is kept). */
static void test_crlf_and_bom(void **state)
{
    (void)state;
    st_dataset *ds = read_file("csv/good_crlf_bom.csv", NULL);
    static const char *const smoker[] = {"no", "yes\r\nno"};
    assert_string_equal(st_dataset_feature_name(ds, 0), "age");
    assert_string_equal(st_dataset_label_name(ds), "label");
    assert_column(ds, "age", (const float[]){30, 40}, 2);
    assert_levels(ds, "smoker", smoker, 2);
    assert_column(ds, "smoker", (const float[]){1, 0}, 2);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* ';' is detected from the header. */
static void test_semicolon_detected(void **state)
{
    (void)state;
    st_dataset *ds = read_file("csv/good_semicolon.csv", NULL);
    static const char *const cities[] = {"Bergen", "Oslo"};
    assert_int_equal(st_dataset_delimiter(ds), ';');
    assert_column(ds, "age", (const float[]){50, 61}, 2);
    assert_levels(ds, "city", cities, 2);
    assert_column(ds, "city", (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* Tab is detected from the header even when values hold commas. */
static void test_tab_detected(void **state)
{
    (void)state;
    st_dataset *ds = read_file("csv/good_tab.csv", NULL);
    static const char *const cities[] = {"Bergen", "Oslo, Norway"};
    assert_int_equal(st_dataset_delimiter(ds), '\t');
    assert_levels(ds, "city", cities, 2);
    assert_column(ds, "city", (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* Delimiters inside quoted header names do not count. */
static void test_detection_skips_quotes(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "\"x;y;z;w\",a,label\n1,2,1\n", NULL);
    assert_int_equal(st_dataset_delimiter(ds), ',');
    assert_string_equal(st_dataset_feature_name(ds, 0), "x;y;z;w");
    assert_string_equal(st_dataset_feature_name(ds, 1), "a");
    st_dataset_free(ds);
}

/* A forced delimiter wins over the one the header suggests. */
static void test_forced_delimiter(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.delimiter = ';';
    st_dataset *ds = read_ok(CSV, "x,y;label\n1,2;1\n3,4;0\n", &opt);
    static const char *const xy[] = {"1,2", "3,4"};
    assert_int_equal(st_dataset_delimiter(ds), ';');
    assert_int_equal(st_dataset_n_features(ds), 1);
    assert_levels(ds, "x,y", xy, 2);
    st_dataset_free(ds);

    opt.delimiter = '\t';
    ds = read_ok(CSV, "a\tlabel\n1;2\t1\n", &opt);
    assert_string_equal(st_dataset_feature_name(ds, 0), "a");
    st_dataset_free(ds);
}

/* Forcing ',' on a ';' file leaves one column, so the label is not found. */
static void test_forced_delimiter_file(void **state)
{
    (void)state;
    char path[1024];
    st_error err;
    st_dataset *ds = NULL;
    st_read_options opt = st_read_options_default();
    opt.delimiter = ',';
    test_data_path("csv/good_semicolon.csv", path, sizeof path);
    assert_int_equal(st_dataset_read_csv(path, &opt, &ds, &err), ST_ERR_DATA);
    assert_null(ds);
    assert_contains(err.message, "the header has: age;city;label");
}

/* The default missing texts become NaN, never 0, in numeric and categorical columns. */
static void test_default_missing_values(void **state)
{
    (void)state;
    st_dataset *ds = read_file("csv/good_missing.csv", NULL);
    static const char *const b_levels[] = {"x", "y"};
    assert_numeric(ds, "a");
    assert_column(ds, "a", (const float[]){1, NAN, NAN, NAN, NAN, NAN, NAN}, 7);
    assert_levels(ds, "b", b_levels, 2);
    assert_column(ds, "b", (const float[]){0, NAN, NAN, NAN, NAN, NAN, 1}, 7);
    st_dataset_free(ds);
}

/* The remaining default texts: N/A, n/a, nan, -nan, NULL, #N/A, <NA>. */
static void test_more_default_missing_values(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "a,label\nN/A,1\nn/a,0\nnan,1\n-nan,0\nNULL,1\n#N/A,0\n"
                                  "<NA>,1\n2.5,0\n", NULL);
    assert_numeric(ds, "a");
    assert_column(ds, "a", (const float[]){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 2.5f}, 8);
    st_dataset_free(ds);
}

/* A custom list replaces the default one. */
static void test_custom_na_values(void **state)
{
    (void)state;
    static const char *const na[] = {"-999", ".", "NA"};
    st_read_options opt = st_read_options_default();
    opt.na_values = na;
    opt.n_na_values = 3;
    st_dataset *ds = read_ok(CSV, "a,b,c,label\n-999,.,?,1\n5,z,?,0\nNA,w,q,1\n", &opt);
    static const char *const b_levels[] = {"w", "z"};
    static const char *const c_levels[] = {"?", "q"};
    assert_numeric(ds, "a");
    assert_column(ds, "a", (const float[]){NAN, 5, NAN}, 3);
    assert_levels(ds, "b", b_levels, 2);
    assert_column(ds, "b", (const float[]){NAN, 1, 0}, 3);
    /* "?" is missing only in the default list */
    assert_levels(ds, "c", c_levels, 2);
    assert_column(ds, "c", (const float[]){0, 0, 1}, 3);
    st_dataset_free(ds);
}

/* Levels are sorted in byte order: upper case before lower, UTF-8 after ASCII. */
static void test_levels_sorted_by_bytes(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "food,label\nzeta,1\nAlpha,0\n\xC3\xA9" "clair,1\nbeta,0\n"
                                  "zeta,1\nZulu,0\n", NULL);
    static const char *const levels[] = {"Alpha", "Zulu", "beta", "zeta", "\xC3\xA9" "clair"};
    assert_levels(ds, "food", levels, 5);
    assert_column(ds, "food", (const float[]){3, 0, 4, 2, 3, 1}, 6);
    st_dataset_free(ds);
}

/* Levels that share their first 8 bytes, or differ only in length around 8 bytes, stay
 * apart (the level table decides short levels by length and first 8 bytes, longer ones by
 * their text); 3,000 levels make the table grow several times between repeats. */
static void test_levels_long_and_many(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "code,label\nabcdefgh,1\nabcdefghX,0\nabcdefg,1\n"
                                  "abcdefghY,0\nabcdefghX,1\nabcdefgh,0\nabcdefghXY,1\n"
                                  "abcdefg,0\nabcdefghY,1\n", NULL);
    static const char *const levels[] = {"abcdefg", "abcdefgh", "abcdefghX", "abcdefghXY",
                                         "abcdefghY"};
    assert_levels(ds, "code", levels, 5);
    assert_column(ds, "code", (const float[]){1, 2, 0, 4, 2, 1, 3, 0, 4}, 9);
    st_dataset_free(ds);
    text_buffer b = {malloc(64), 0, 64};
    append(&b, "code,label\n");
    for (int rep = 0; rep < 2; rep++)
        for (int k = 0; k < 3000; k++) /* k and its square: short and long levels */
            append(&b, "%s%d,%d\n", k % 2 ? "level-with-a-long-prefix-" : "c", k * k, k % 2);
    ds = test_read_ok(CSV, b.data, b.len, NULL, __FILE__, __LINE__);
    long j = st_dataset_find_feature(ds, "code");
    assert_int_equal(st_dataset_n_levels(ds, (size_t)j), 3000);
    const float *v = column(ds, "code");
    for (int k = 0; k < 3000; k++) {
        char want[64];
        snprintf(want, sizeof want, "%s%d", k % 2 ? "level-with-a-long-prefix-" : "c", k * k);
        assert_string_equal(st_dataset_level(ds, (size_t)j, (size_t)v[k]), want);
        assert_true(v[k] == v[3000 + k]);
    }
    st_dataset_free(ds);
    free(b.data);
}

/* A column numeric for 1000 rows then text: the early rows get level codes too. */
static void test_numeric_then_categorical(void **state)
{
    (void)state;
    /* blank lines and skipped rows before the switch must not shift the early rows */
    text_buffer b = {malloc(64), 0, 64};
    append(&b, "num,code,label\n");
    for (int i = 0; i < 1200; i++) {
        if (i % 100 == 50)
            append(&b, "\n");
        if (i % 100 == 70)
            append(&b, "-1,zzz,\n"); /* missing label: skipped, its "zzz" never a level */
        if (i == 10)
            append(&b, "%d,,%d\n", i, i % 2);
        else if (i == 1000)
            append(&b, "%d,other,%d\n", i, i % 2);
        else
            append(&b, "%d,%d,%d\n", i, i % 3, i % 2);
    }
    st_read_options opt = st_read_options_default();
    opt.skip_missing_labels = 1;
    st_dataset *ds = test_read_ok(CSV, b.data, b.len, &opt, __FILE__, __LINE__);
    free(b.data);

    static const char *const levels[] = {"0", "1", "2", "other"};
    assert_int_equal(st_dataset_n_rows(ds), 1200);
    assert_int_equal(st_dataset_rows_skipped(ds), 12);
    assert_int_equal(st_dataset_blank_lines(ds), 12);
    assert_levels(ds, "code", levels, 4);
    assert_numeric(ds, "num");
    const float *code = column(ds, "code"), *num = column(ds, "num");
    const float *labels = st_dataset_labels(ds);
    for (int i = 0; i < 1200; i++) {
        float expected = i == 10 ? NAN : i == 1000 ? 3.0f : (float)(i % 3);
        assert_floats(&code[i], &expected, 1);
        assert_true(num[i] == (float)i);
        assert_true(labels[i] == (float)(i % 2));
    }
    st_dataset_free(ds);
}

/* The label column chosen by name. */
static void test_label_by_name(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.label = "outcome";
    st_dataset *ds = read_ok(CSV, "outcome,a,b\n1,2,3\n0,4,5\n", &opt);
    assert_string_equal(st_dataset_label_name(ds), "outcome");
    assert_int_equal(st_dataset_n_features(ds), 2);
    assert_string_equal(st_dataset_feature_name(ds, 0), "a");
    assert_string_equal(st_dataset_feature_name(ds, 1), "b");
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    assert_column(ds, "b", (const float[]){3, 5}, 2);
    st_dataset_free(ds);
}

/* The label column chosen by index wins over the name. */
static void test_label_by_index(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.label_index = 2;
    st_dataset *ds = read_ok(CSV, "outcome,a,label\nyes,0,1\nno,1,0\n", &opt);
    static const char *const outcome[] = {"no", "yes"};
    assert_string_equal(st_dataset_label_name(ds), "label");
    opt.label_index = 0;
    st_dataset *by_first = read_ok(CSV, "outcome,a,label\nyes,0,1\nno,1,0\n", &opt);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    assert_levels(ds, "outcome", outcome, 2);
    assert_string_equal(st_dataset_label_name(by_first), "outcome");
    assert_floats(st_dataset_labels(by_first), (const float[]){1, 0}, 2);
    assert_string_equal(st_dataset_feature_name(by_first, 1), "label");
    st_dataset_free(ds);
    st_dataset_free(by_first);
}

/* Without a label column and with label_required = 0 the data is unlabelled. */
static void test_unlabelled(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.label_required = 0;
    st_dataset *ds = read_ok(CSV, "a,b\n1,2\n", &opt);
    assert_null(st_dataset_labels(ds));
    assert_string_equal(st_dataset_label_name(ds), "");
    assert_int_equal(st_dataset_n_features(ds), 2);
    st_dataset_free(ds);

    opt = st_read_options_default();
    opt.label = NULL;
    ds = read_ok(CSV, "a,label\n1,2\n", &opt);
    assert_null(st_dataset_labels(ds));
    assert_int_equal(st_dataset_n_features(ds), 2);
    st_dataset_free(ds);
}

/* The default rule: 1/true/yes positive, 0/false/no/-1 negative, any case, numbers by value. */
static void test_default_label_rule(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "a,label\n1,1\n2,0\n3,true\n4,FALSE\n5,Yes\n6,no\n7,-1\n"
                                  "8,1.0\n9,0.0\n10, yes \n", NULL);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1, 0, 1, 0, 0, 1, 0, 1}, 10);
    assert_string_equal(st_dataset_class_name(ds, 1), "1");
    assert_string_equal(st_dataset_class_name(ds, 0), "0");
    st_dataset_free(ds);
}

/* A named positive value; the one other value is negative; class names as in the file. */
static void test_positive_by_value(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.positive = "yes";
    st_dataset *ds = read_ok(CSV, "a,label\n1,no\n2,yes\n3,no\n", &opt);
    assert_floats(st_dataset_labels(ds), (const float[]){0, 1, 0}, 3);
    assert_string_equal(st_dataset_class_name(ds, 1), "yes");
    assert_string_equal(st_dataset_class_name(ds, 0), "no");
    st_dataset_free(ds);

    opt.positive = "no";
    ds = read_ok(CSV, "a,label\n1,no\n2,yes\n3,no\n", &opt);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 1}, 3);
    assert_string_equal(st_dataset_class_name(ds, 0), "yes");
    st_dataset_free(ds);

    opt.positive = "stroke";
    ds = read_ok(CSV, "a,label\n1,healthy\n2,healthy\n", &opt);
    assert_floats(st_dataset_labels(ds), (const float[]){0, 0}, 2);
    assert_string_equal(st_dataset_class_name(ds, 0), "healthy");
    assert_string_equal(st_dataset_class_name(ds, 1), "");
    st_dataset_free(ds);
}

/* Class names are the first text seen for each class. */
static void test_class_names(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "a,label\n1,True\n2,0\n3,1\n4,no\n", NULL);
    assert_string_equal(st_dataset_class_name(ds, 1), "True");
    assert_string_equal(st_dataset_class_name(ds, 0), "0");
    assert_string_equal(st_dataset_class_name(ds, 2), "");
    st_dataset_free(ds);
}

/* A weight column gives row weights and is not a feature. */
static void test_weight_column(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.weight = "w";
    st_dataset *ds = read_ok(CSV, "a,w,label\n1,0.5,1\n2,2,0\n3,0,1\n", &opt);
    assert_int_equal(st_dataset_n_features(ds), 1);
    assert_string_equal(st_dataset_weight_name(ds), "w");
    assert_floats(st_dataset_weights(ds), (const float[]){0.5f, 2, 0}, 3);
    assert_int_equal(st_dataset_find_feature(ds, "w"), -1);
    st_dataset_free(ds);

    ds = read_ok(CSV, "a,w,label\n1,0.5,1\n", NULL);
    assert_null(st_dataset_weights(ds));
    assert_string_equal(st_dataset_weight_name(ds), "");
    st_dataset_free(ds);
}

/* Ignored columns are left out. */
static void test_ignore_columns(void **state)
{
    (void)state;
    static const char *const ignore[] = {"id", "leak"};
    st_read_options opt = st_read_options_default();
    opt.ignore = ignore;
    opt.n_ignore = 2;
    st_dataset *ds = read_ok(CSV, "id,a,leak,b,label\nP1,1,9,2,1\nP2,3,9,4,0\n", &opt);
    assert_int_equal(st_dataset_n_features(ds), 2);
    assert_string_equal(st_dataset_feature_name(ds, 0), "a");
    assert_string_equal(st_dataset_feature_name(ds, 1), "b");
    assert_column(ds, "b", (const float[]){2, 4}, 2);
    st_dataset_free(ds);
}

/* Blank lines are skipped and counted, a trailing one included. */
static void test_blank_lines(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, "a,label\n\n1,1\n\n\r\n2,0\n\n", NULL);
    assert_int_equal(st_dataset_blank_lines(ds), 4);
    assert_column(ds, "a", (const float[]){1, 2}, 2);
    st_dataset_free(ds);
}

/* Rows with a missing label are skipped and counted when asked. */
static void test_skip_missing_labels(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.skip_missing_labels = 1;
    st_dataset *ds = read_ok(CSV, "a,label\n1,1\n2,\n3,NA\n4,0\n", &opt);
    assert_int_equal(st_dataset_rows_skipped(ds), 2);
    assert_column(ds, "a", (const float[]){1, 4}, 2);
    assert_floats(st_dataset_labels(ds), (const float[]){1, 0}, 2);
    st_dataset_free(ds);
}

/* An empty header cell is named as pandas names it. */
static void test_unnamed_column(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, ",a,label\n0,1,1\n", NULL);
    assert_string_equal(st_dataset_feature_name(ds, 0), "Unnamed: 0");
    st_dataset_free(ds);
}

/* A 20000 x 10 table takes about 4 bytes per stored value (10 features and the label),
 * plus a fixed part under 4.75 kB: the dataset, 11 column records with their CSV cell
 * facts, and the names (4,094 bytes until the dataset gained the LibSVM reader's shared
 * entry arrays, 24 bytes, which a CSV dataset leaves NULL, and the cell facts their count
 * and first cell of infinities, 24 bytes a column). */
static void test_memory_four_bytes_per_value(void **state)
{
    (void)state;
    text_buffer b = {malloc(64), 0, 64};
    append(&b, "f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,label\n");
    for (int i = 0; i < 20000; i++)
        append(&b, "%d,%d.5,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", i, i, i % 7, i % 11, i % 13, -i,
               i * 2, i % 5, i % 3, i % 17, i % 2);
    st_dataset *ds = test_read_ok(CSV, b.data, b.len, NULL, __FILE__, __LINE__);
    free(b.data);
    const size_t floats = 20000 * 11;
    size_t bytes = st_dataset_memory_bytes(ds);
    assert_int_equal(st_dataset_n_rows(ds), 20000);
    assert_true(bytes >= floats * 4);
    assert_true(bytes <= floats * 4 + 4864);
    assert_true(column(ds, "f1")[19999] == 19999.5f);
    st_dataset_free(ds);
}

/* ---- malformed files -------------------------------------------------------------------- */

/* Each bad file fails at the right place, with the path in the message. */
static void test_bad_files(void **state)
{
    (void)state;
    assert_file_fails("csv/bad_ragged.csv", ST_ERR_PARSE, 3, 4, "found 2 fields; expected 3");
    assert_file_fails("csv/bad_unterminated.csv", ST_ERR_PARSE, 3, 1,
                      "quoted field never closed");
    assert_file_fails("csv/bad_after_quote.csv", ST_ERR_PARSE, 3, 3,
                      "found 'z' after a closing quote");
    assert_file_fails("csv/bad_nul.csv", ST_ERR_PARSE, 3, 2, "NUL byte");
    assert_file_fails("csv/bad_utf8.csv", ST_ERR_PARSE, 3, 6, "invalid UTF-8 byte 0xF8");
    assert_file_fails("csv/bad_empty.csv", ST_ERR_DATA, 1, 0, "the file is empty");
    assert_file_fails("csv/bad_header_only.csv", ST_ERR_DATA, 1, 0,
                      "no data rows after the header");
    assert_file_fails("csv/bad_duplicate.csv", ST_ERR_DATA, 1, 5,
                      "duplicate column name 'a' (columns 1 and 3)");
    assert_file_fails("csv/bad_label_value.csv", ST_ERR_DATA, 4, 3, "label '2' is not a class");
}

/* A path that does not exist is an I/O error. */
static void test_missing_file(void **state)
{
    (void)state;
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    assert_int_equal(st_dataset_read_csv("/nonexistent/dir/none.csv", NULL, &ds, &err), ST_ERR_IO);
    assert_null(ds);
    assert_int_equal(err.code, ST_ERR_IO);
    assert_int_equal(err.line, 0);
    assert_contains(err.message, "/nonexistent/dir/none.csv");
    assert_contains(err.message, "cannot open");
}

/* Rows with too few and too many fields. */
static void test_ragged_rows(void **state)
{
    (void)state;
    /* a short line: the column just past its end */
    assert_read_fails(CSV, "a,b,label\n1,2,1\n3,4\n", NULL, ST_ERR_PARSE, 3, 4,
                      "found 2 fields; expected 3, as in the header");
    assert_read_fails(CSV, "a,b,label\n1,2,1\n3,\"4\"\r\n", NULL, ST_ERR_PARSE, 3, 6,
                      "found 2 fields; expected 3");
    /* a long line: the first extra field */
    assert_read_fails(CSV, "a,b,label\n1,2,1,9\n", NULL, ST_ERR_PARSE, 2, 7,
                      "found 4 fields; expected 3");
    /* the column is counted in the last field's line, so that line is reported */
    assert_read_fails(CSV, "a,b,label\n\"x\ny\",2\n", NULL, ST_ERR_PARSE, 3, 5,
                      "found 2 fields; expected 3");
}

/* Quotes that never close, and text after a closing quote. */
static void test_bad_quotes(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,label\n1,1\n2,\"open\n", NULL, ST_ERR_PARSE, 3, 3,
                      "quoted field never closed");
    assert_read_fails(CSV, "a,label\n\"ab\"c,1\n", NULL, ST_ERR_PARSE, 2, 5,
                      "found 'c' after a closing quote; expected the delimiter");
    assert_read_fails(CSV, "a,label\n1,\"x\"\"\" y\n", NULL, ST_ERR_PARSE, 2, 8,
                      "found ' ' after a closing quote");
}

/* NUL bytes, in plain and quoted fields, even on a later line of a quoted field. */
static void test_nul_byte(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,label\n1,0\n2\0,1\n", NULL, ST_ERR_PARSE, 3, 2, "NUL byte");
    assert_read_fails(CSV, "a,label\n\"x\ny\0\",1\n", NULL, ST_ERR_PARSE, 3, 2, "NUL byte");
    assert_read_fails(CSV, "a,la\0bel\n1,0\n", NULL, ST_ERR_PARSE, 1, 5, "NUL byte");
}

/* Invalid UTF-8 in a categorical value or a column name; the column is the bad byte's. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,label\nab\xFF" "z,1\n", NULL, ST_ERR_PARSE, 2, 3,
                      "invalid UTF-8 byte 0xFF; expected UTF-8 text");
    assert_read_fails(CSV, "a,label\n1,1\nx,0\n\"ab\xC0\xAF\",1\n", NULL, ST_ERR_PARSE, 4, 4,
                      "invalid UTF-8 byte 0xC0");
    assert_read_fails(CSV, "ok,b\xED\xA0\x80,label\n1,2,1\n", NULL, ST_ERR_PARSE, 1, 5,
                      "invalid UTF-8 byte 0xED");
    /* a sequence cut short by the end of the field */
    assert_read_fails(CSV, "a,label\nx\xE2\x82,1\n", NULL, ST_ERR_PARSE, 2, 2,
                      "invalid UTF-8 byte 0xE2");
}

/* No header, or a header and no rows. */
static void test_empty_input(void **state)
{
    (void)state;
    assert_read_fails(CSV, "", NULL, ST_ERR_DATA, 1, 0, "the file is empty");
    assert_read_fails(CSV, "\n\n", NULL, ST_ERR_DATA, 1, 0, "the file is empty");
    assert_read_fails(CSV, "a,label\n", NULL, ST_ERR_DATA, 1, 0, "no data rows after the header");
    assert_read_fails(CSV, "a,label", NULL, ST_ERR_DATA, 1, 0, "no data rows after the header");
    assert_read_fails(CSV, "a,label\n\n\n", NULL, ST_ERR_DATA, 3, 0,
                      "no data rows after the header");
    st_read_options opt = st_read_options_default();
    opt.skip_missing_labels = 1;
    assert_read_fails(CSV, "a,label\n1,\n2,NA\n", &opt, ST_ERR_DATA, 3, 0,
                      "(every row's label is missing)");
}

/* Two columns with one name; the header's own line is reported after blank lines. */
static void test_duplicate_columns(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,b,a,label\n1,2,3,1\n", NULL, ST_ERR_DATA, 1, 5,
                      "duplicate column name 'a' (columns 1 and 3)");
    assert_read_fails(CSV, "\n\nx,x,label\n1,2,1\n", NULL, ST_ERR_DATA, 3, 3,
                      "duplicate column name 'x' (columns 1 and 2)");
}

/* No label column: the message lists the columns there are. */
static void test_missing_label_column(void **state)
{
    (void)state;
    assert_read_fails(CSV, "age,sex\n1,m\n", NULL, ST_ERR_DATA, 1, 0,
                      "no column named 'label' (the label; choose it with --label); the header "
                      "has: age, sex");
    assert_read_fails(CSV, "\nage,sex\n1,m\n", NULL, ST_ERR_DATA, 2, 0,
                      "no column named 'label'");
}

/* An --ignore or --weight name that is not a column. */
static void test_unknown_columns(void **state)
{
    (void)state;
    static const char *const ignore[] = {"a", "zzz"};
    st_read_options opt = st_read_options_default();
    opt.ignore = ignore;
    opt.n_ignore = 2;
    assert_read_fails(CSV, "a,b,label\n1,2,1\n", &opt, ST_ERR_DATA, 1, 0,
                      "no column named 'zzz' (asked to ignore it); the header has: a, b, label");
    opt = st_read_options_default();
    opt.weight = "w";
    assert_read_fails(CSV, "a,b,label\n1,2,1\n", &opt, ST_ERR_DATA, 1, 0,
                      "no column named 'w' (the weight column)");
    opt.weight = "label";
    assert_read_fails(CSV, "a,b,label\n1,2,1\n", &opt, ST_ERR_INVALID_ARG, 0, 0,
                      "the weight column 'label' is also the label column");
}

/* label_index past the last column. */
static void test_label_index_out_of_range(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.label_index = 3;
    assert_read_fails(CSV, "a,b,label\n1,2,1\n", &opt, ST_ERR_DATA, 1, 0,
                      "label column index 3 is past the last column (the header has 3 columns, "
                      "indices 0 to 2)");
}

/* A label that is neither class, by the default rule and with a named positive class. */
static void test_label_not_a_class(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,label\n1,1\n2,2\n", NULL, ST_ERR_DATA, 3, 3,
                      "field 2 (label): label '2' is not a class: expected 1, true or yes");
    assert_read_fails(CSV, "a,label\n1,maybe\n", NULL, ST_ERR_DATA, 2, 3,
                      "label 'maybe' is not a class");
    st_read_options opt = st_read_options_default();
    opt.positive = "yes";
    assert_read_fails(CSV, "a,label\n1,yes\n2,no\n3,maybe\n", &opt, ST_ERR_DATA, 4, 3,
                      "label 'maybe' is not a class: expected the positive class 'yes' or the "
                      "negative class 'no'");
}

/* A missing label is an error unless rows are skipped. */
static void test_missing_label(void **state)
{
    (void)state;
    assert_read_fails(CSV, "a,label\n1,1\n2,NA\n", NULL, ST_ERR_DATA, 3, 3,
                      "the label is missing ('NA')");
    assert_read_fails(CSV, "a,label\n1,\n", NULL, ST_ERR_DATA, 2, 3, "the label is missing ('')");
}

/* Weights must be present, numbers, finite and >= 0. */
static void test_bad_weights(void **state)
{
    (void)state;
    st_read_options opt = st_read_options_default();
    opt.weight = "w";
    assert_read_fails(CSV, "a,w,label\n1,1,1\n2,-2,0\n", &opt, ST_ERR_DATA, 3, 3,
                      "field 2 (w): weight '-2' is negative, infinite or NaN");
    assert_read_fails(CSV, "a,w,label\n1,NAN,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "weight 'NAN' is negative, infinite or NaN");
    assert_read_fails(CSV, "a,w,label\n1,inf,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "weight 'inf' is negative, infinite or NaN");
    assert_read_fails(CSV, "a,w,label\n1,1e39,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "weight '1e39' is beyond a 32-bit float's range");
    assert_read_fails(CSV, "a,w,label\n1,NaN,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "the weight is missing ('NaN')");
    assert_read_fails(CSV, "a,w,label\n1,,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "the weight is missing ('')");
    assert_read_fails(CSV, "a,w,label\n1,heavy,1\n", &opt, ST_ERR_DATA, 2, 3,
                      "weight 'heavy' is not a number");
}

/* Bad arguments: NULL out, NULL data with a size. */
static void test_bad_arguments(void **state)
{
    (void)state;
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    assert_int_equal(CSV("a,label\n1,1\n", 12, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(CSV(NULL, 5, NULL, NULL, &ds, &err), ST_ERR_INVALID_ARG);
    assert_null(ds);
    /* no err is fine too */
    ds = UNSET_DATASET;
    assert_int_equal(CSV("a,label\n1,7\n", 12, NULL, NULL, &ds, NULL), ST_ERR_DATA);
    assert_null(ds);
}

/* Empty header cells are named as pandas names them, and two of them do not clash. */
static void test_empty_header_names(void **state)
{
    (void)state;
    st_dataset *ds = read_ok(CSV, ",,label\n1,2,1\n3,4,0\n", NULL);
    assert_string_equal(st_dataset_feature_name(ds, 0), "Unnamed: 0");
    assert_string_equal(st_dataset_feature_name(ds, 1), "Unnamed: 1");
    st_dataset_free(ds);
}

/* The label or weight column cannot also be ignored; a delimiter outside , ; tab | is refused. */
static void test_conflicting_options(void **state)
{
    (void)state;
    const char *ignore_label[] = {"label"};
    st_read_options opt = st_read_options_default();
    opt.ignore = ignore_label;
    opt.n_ignore = 1;
    assert_read_fails(CSV, "a,label\n1,1\n", &opt, ST_ERR_INVALID_ARG, 0, 0,
                      "column 'label' is the label column; it cannot also be ignored");
    const char *ignore_weight[] = {"w"};
    opt.ignore = ignore_weight;
    opt.weight = "w";
    assert_read_fails(CSV, "a,w,label\n1,1,1\n", &opt, ST_ERR_INVALID_ARG, 0, 0,
                      "column 'w' is the weight column");
    opt = st_read_options_default();
    opt.delimiter = ':';
    assert_read_fails(CSV, "a:label\n1:1\n", &opt, ST_ERR_INVALID_ARG, 0, 0,
                      "delimiter ':' is not supported");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_semicolon_detected),
        cmocka_unit_test(test_tab_detected),
        cmocka_unit_test(test_detection_skips_quotes),
        cmocka_unit_test(test_forced_delimiter),
        cmocka_unit_test(test_forced_delimiter_file),
        cmocka_unit_test(test_default_missing_values),
        cmocka_unit_test(test_more_default_missing_values),
        cmocka_unit_test(test_custom_na_values),
        cmocka_unit_test(test_levels_sorted_by_bytes),
        cmocka_unit_test(test_levels_long_and_many),
        cmocka_unit_test(test_numeric_then_categorical),
        cmocka_unit_test(test_label_by_name),
        cmocka_unit_test(test_label_by_index),
        cmocka_unit_test(test_unlabelled),
        cmocka_unit_test(test_default_label_rule),
        cmocka_unit_test(test_positive_by_value),
        cmocka_unit_test(test_class_names),
        cmocka_unit_test(test_weight_column),
        cmocka_unit_test(test_ignore_columns),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_skip_missing_labels),
        cmocka_unit_test(test_unnamed_column),
        cmocka_unit_test(test_memory_four_bytes_per_value),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_bad_quotes),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_duplicate_columns),
        cmocka_unit_test(test_missing_label_column),
        cmocka_unit_test(test_unknown_columns),
        cmocka_unit_test(test_label_index_out_of_range),
        cmocka_unit_test(test_label_not_a_class),
        cmocka_unit_test(test_missing_label),
        cmocka_unit_test(test_bad_weights),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_empty_header_names),
        cmocka_unit_test(test_conflicting_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
