/* A large CSV file read on several threads (csv_reader_chunks.c) gives the dataset reading
 * it in turn gives, and the same error: every value, level (in its order), label, weight,
 * class text, tally, first noted cell and example, and the memory the dataset holds. The
 * files are made here, about 6 MB each (the first megabyte is read in turn and the rest
 * shared in chunks of at least a megabyte), with what makes the chunks' work differ from
 * one reader's: levels first seen in late chunks, a column that turns categorical in a late
 * chunk, stray texts in a forced-numeric column, censored values, blank lines, missing
 * labels, the first positive label after the first megabyte, and errors in a late chunk.
 * Each file is read on 1, 2, 3 and 5 threads; the dataset's count of chunks kept shows
 * that the threads did read (or, for quoted fields and lone CR line ends, that they did
 * not). */
#include "test_util.h"

#include "data/dataset_impl.h"

#define ROWS 200000

/* What to plant in the generated file. */
typedef struct plan {
    int late_text;       /* row of a text cell in the numeric column x (-1: none) */
    int stray_every;     /* every k-th row's column s holds "pending" (0: never) */
    int censored_every;  /* every k-th row's x holds "<0.5" (0: never) */
    int censored_from;   /* ... from this row on */
    int blank_every;     /* a blank line after every k-th row */
    int missing_label_every;
    int positives_from;  /* no positive label before this row */
    int bad_label_at;    /* a label "2" at this row (-1: none) */
    int short_row_at;    /* a row with a field missing (-1: none) */
    int bad_utf8_at;     /* an invalid UTF-8 level in column code (-1: none) */
    int quote_at;        /* a quoted field at this row (-1: none) */
    int lone_cr;         /* lines end with CR alone */
    int crlf;            /* lines end with CRLF */
    int yes_no;          /* labels yes/no rather than 1/0 */
} plan;

static plan plain(void)
{
    plan p = {-1, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0};
    return p;
}

/* The file: x (numbers), n (integers), code (levels, new ones keep appearing), s (numbers
 * or stray text), w (weights), label. Returns a malloc'd buffer of *size bytes. */
static char *make_csv(const plan *p, size_t *size)
{
    size_t cap = (size_t)ROWS * 64 + 256, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    const char *eol = p->lone_cr ? "\r" : p->crlf ? "\r\n" : "\n";
    len += (size_t)sprintf(buf + len, "x,n,code,s,w,label%s", eol);
    unsigned long long rng = 20261207;
    for (int i = 0; i < ROWS; i++) {
        char x[32], code[32], s[32], label[8];
        if (i == p->late_text)
            strcpy(x, "high");
        else if (p->censored_every && i >= p->censored_from && i % p->censored_every == 7)
            strcpy(x, "<0.5");
        else
            sprintf(x, "%.6f", test_uniform(&rng) * 4 - 2);
        /* levels c0.. grow with the row: every chunk sees levels no chunk before it saw */
        unsigned level = (unsigned)(test_uniform(&rng) * (1 + i / 20));
        if (i == p->bad_utf8_at)
            strcpy(code, "k\xff");
        else if (i == p->quote_at)
            strcpy(code, "\"q,uoted\"");
        else
            sprintf(code, "c%u", level);
        if (p->stray_every && i % p->stray_every == 3)
        {
            /* examples: "pending" in the head, the next two distinct texts in later chunks */
            int k = i / p->stray_every;
            sprintf(s, k < 12 ? "pending" : k < 30 ? "pending soon" : "pending %d", k % 3);
        }
        else if (i % 11 == 0)
            strcpy(s, "NA");
        else
            sprintf(s, "%d", (int)(test_uniform(&rng) * 1000));
        int positive = i >= p->positives_from && test_uniform(&rng) < 0.05;
        if (i == p->bad_label_at)
            strcpy(label, "2");
        else if (p->missing_label_every && i % p->missing_label_every == 5)
            strcpy(label, "");
        else
            strcpy(label, p->yes_no ? (positive ? "yes" : "no") : (positive ? "1" : "0"));
        if (i == p->short_row_at)
            len += (size_t)sprintf(buf + len, "%s,%d,%s,%s,%s%s", x, i % 97, code, s, label, eol);
        else
            len += (size_t)sprintf(buf + len, "%s,%d,%s,%s,%.2f,%s%s", x, i % 97, code, s,
                                   0.5 + (i % 7) * 0.25, label, eol);
        if (p->blank_every && i % p->blank_every == 2)
            len += (size_t)sprintf(buf + len, "%s", eol);
        assert_true(len + 128 < cap);
    }
    *size = len;
    return buf;
}

static st_status read_csv(const char *buf, size_t size, const st_read_options *base,
                          int n_threads, st_dataset **ds, st_error *err)
{
    st_read_options o = *base;
    o.weight = "w";
    o.n_threads = n_threads;
    return st_dataset_read_csv_buffer(buf, size, "big.csv", &o, ds, err);
}

static void same_floats(const float *a, const float *b, size_t n)
{
    assert_true((a == NULL) == (b == NULL));
    if (a != NULL)
        assert_memory_equal(a, b, n * sizeof *a); /* NaNs included, bit for bit */
}

static void same_text(const char *a, const char *b)
{
    assert_true((a == NULL) == (b == NULL));
    if (a != NULL)
        assert_string_equal(a, b);
}

static void same_dataset(const st_dataset *a, const st_dataset *b)
{
    const size_t n = st_dataset_n_rows(a), m = st_dataset_n_features(a);
    assert_int_equal(st_dataset_n_rows(b), n);
    assert_int_equal(st_dataset_n_features(b), m);
    for (size_t j = 0; j < m; j++) {
        assert_string_equal(st_dataset_feature_name(a, j), st_dataset_feature_name(b, j));
        assert_int_equal(st_dataset_feature_type(a, j), st_dataset_feature_type(b, j));
        same_floats(st_dataset_feature_values(a, j), st_dataset_feature_values(b, j), n);
        assert_int_equal(st_dataset_n_levels(a, j), st_dataset_n_levels(b, j));
        for (size_t k = 0; k < st_dataset_n_levels(a, j); k++)
            assert_string_equal(st_dataset_level(a, j, k), st_dataset_level(b, j, k));
        st_column_cells ca, cb;
        assert_int_equal(st_dataset_column_cells(a, j, &ca, NULL), ST_OK);
        assert_int_equal(st_dataset_column_cells(b, j, &cb, NULL), ST_OK);
        assert_int_equal(ca.n_numbers, cb.n_numbers);
        assert_int_equal(ca.n_censored, cb.n_censored);
        assert_int_equal(ca.n_decimal_comma, cb.n_decimal_comma);
        assert_int_equal(ca.n_text, cb.n_text);
        assert_int_equal(ca.n_made_missing, cb.n_made_missing);
        assert_int_equal(ca.first_line, cb.first_line);
        assert_int_equal(ca.first_column, cb.first_column);
        assert_int_equal(ca.n_examples, cb.n_examples);
        for (size_t k = 0; k < ca.n_examples; k++)
            assert_string_equal(ca.examples[k], cb.examples[k]);
        assert_int_equal(ca.forced, cb.forced);
        assert_int_equal(ca.mostly_numeric, cb.mostly_numeric);
    }
    same_floats(st_dataset_labels(a), st_dataset_labels(b), n);
    same_floats(st_dataset_weights(a), st_dataset_weights(b), n);
    same_text(st_dataset_class_name(a, 0), st_dataset_class_name(b, 0));
    same_text(st_dataset_class_name(a, 1), st_dataset_class_name(b, 1));
    assert_int_equal(st_dataset_rows_skipped(a), st_dataset_rows_skipped(b));
    assert_int_equal(st_dataset_blank_lines(a), st_dataset_blank_lines(b));
    assert_int_equal(st_dataset_memory_bytes(a), st_dataset_memory_bytes(b));
}

/* Reads p's file on 1, 2, 3 and 5 threads and checks they agree. shared: whether the
 * threads are expected to have read chunks. Returns the one-thread dataset. */
static st_dataset *check_plan(const plan *p, const st_read_options *o, int shared)
{
    size_t size;
    char *buf = make_csv(p, &size);
    st_dataset *one = NULL;
    st_error err;
    if (read_csv(buf, size, o, 1, &one, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(one->csv_chunks, 0);
    const int threads[] = {2, 3, 5};
    for (size_t t = 0; t < 3; t++) {
        st_dataset *ds = NULL;
        if (read_csv(buf, size, o, threads[t], &ds, &err) != ST_OK)
            fail_msg("%d threads: %s", threads[t], err.message);
        same_dataset(one, ds);
        if (shared)
            assert_true(ds->csv_chunks >= 2);
        else
            assert_int_equal(ds->csv_chunks, 0);
        st_dataset_free(ds);
    }
    free(buf);
    return one;
}

static void check_error(const plan *p, const st_read_options *o, const char *expected)
{
    size_t size;
    char *buf = make_csv(p, &size);
    st_dataset *ds = NULL;
    st_error one, many;
    assert_int_not_equal(read_csv(buf, size, o, 1, &ds, &one), ST_OK);
    assert_null(ds);
    assert_non_null(strstr(one.message, expected));
    for (int t = 2; t <= 5; t += 3) {
        assert_int_not_equal(read_csv(buf, size, o, t, &ds, &many), ST_OK);
        assert_null(ds);
        assert_string_equal(one.message, many.message);
        assert_int_equal(one.code, many.code);
    }
    free(buf);
}

static void plain_file(void **state)
{
    (void)state;
    plan p = plain();
    st_read_options o = st_read_options_default();
    st_dataset *ds = check_plan(&p, &o, 1);
    assert_int_equal(st_dataset_n_rows(ds), ROWS);
    assert_int_equal(st_dataset_feature_type(ds, 2), ST_FEATURE_CATEGORICAL);
    assert_true(st_dataset_n_levels(ds, 2) > 2000); /* most first seen after the head */
    st_dataset_free(ds);
}

static void no_line_end_after_the_last_row(void **state)
{
    (void)state;
    plan p = plain();
    size_t size;
    char *buf = make_csv(&p, &size);
    assert_true(buf[size - 1] == '\n');
    st_read_options o = st_read_options_default();
    st_dataset *one = NULL, *two = NULL;
    st_error err;
    if (read_csv(buf, size - 1, &o, 1, &one, &err) != ST_OK ||
        read_csv(buf, size - 1, &o, 2, &two, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_true(two->csv_chunks >= 2);
    same_dataset(one, two);
    assert_int_equal(st_dataset_n_rows(two), ROWS);
    st_dataset_free(one);
    st_dataset_free(two);
    free(buf);
}

static void column_turns_categorical_late(void **state)
{
    (void)state;
    st_read_options o = st_read_options_default();
    const int rows[] = {120000, ROWS - 1};
    for (int k = 0; k < 2; k++) {
        plan p = plain();
        p.late_text = rows[k];
        st_dataset *ds = check_plan(&p, &o, 1);
        assert_int_equal(st_dataset_feature_type(ds, 0), ST_FEATURE_CATEGORICAL);
        st_column_cells c;
        assert_int_equal(st_dataset_column_cells(ds, 0, &c, NULL), ST_OK);
        assert_int_equal(c.first_line, rows[k] + 2);
        st_dataset_free(ds);
    }
}

static void tallies_and_examples(void **state)
{
    (void)state;
    plan p = plain();
    p.stray_every = 4000; /* from row 3 on */
    p.censored_every = 5000;
    st_read_options o = st_read_options_default();
    const char *numeric[] = {"s"};
    o.numeric = numeric;
    o.n_numeric = 1;
    o.censored = ST_CENSORED_BOUND;
    st_dataset *ds = check_plan(&p, &o, 1);
    st_column_cells c;
    assert_int_equal(st_dataset_column_cells(ds, 3, &c, NULL), ST_OK);
    assert_int_equal(c.n_made_missing, (ROWS + 3999) / 4000);
    assert_int_equal(c.n_examples, 3);
    assert_string_equal(c.examples[1], "pending soon");
    assert_string_equal(c.examples[2], "pending 0");
    st_dataset_free(ds);
    /* the same texts, forced categorical: noted as text in every chunk */
    o = st_read_options_default();
    const char *categorical[] = {"s"};
    o.categorical = categorical;
    o.n_categorical = 1;
    ds = check_plan(&p, &o, 1);
    st_dataset_free(ds);
}

static void blank_lines_and_skipped_rows(void **state)
{
    (void)state;
    plan p = plain();
    p.blank_every = 997;
    p.missing_label_every = 1013;
    st_read_options o = st_read_options_default();
    o.skip_missing_labels = 1;
    st_dataset *ds = check_plan(&p, &o, 1);
    assert_true(st_dataset_blank_lines(ds) > 80);
    assert_true(st_dataset_rows_skipped(ds) > 80);
    st_dataset_free(ds);
    p.crlf = 1;
    st_dataset_free(check_plan(&p, &o, 1));
}

static void first_positive_after_the_head(void **state)
{
    (void)state;
    plan p = plain();
    p.positives_from = 80000;
    st_read_options o = st_read_options_default();
    st_dataset_free(check_plan(&p, &o, 1));
    /* a positive class named: the negative one is known from the head, so shared */
    p.yes_no = 1;
    o.positive = "yes";
    st_dataset *ds = check_plan(&p, &o, 1);
    assert_string_equal(st_dataset_class_name(ds, 1), "yes");
    st_dataset_free(ds);
}

static void read_in_turn_when_records_cannot_be_cut(void **state)
{
    (void)state;
    st_read_options o = st_read_options_default();
    plan p = plain();
    p.quote_at = 150000;
    st_dataset_free(check_plan(&p, &o, 0));
    p = plain();
    p.lone_cr = 1;
    st_dataset_free(check_plan(&p, &o, 0));
}

static void errors_in_late_chunks(void **state)
{
    (void)state;
    st_read_options o = st_read_options_default();
    plan p = plain();
    p.bad_label_at = 170000;
    check_error(&p, &o, "big.csv:170002:");
    p = plain();
    p.short_row_at = 95000;
    check_error(&p, &o, "found 5 fields; expected 6");
    p = plain();
    p.bad_utf8_at = 180000;
    check_error(&p, &o, "invalid UTF-8");
    p = plain();
    p.censored_every = 5000;
    p.censored_from = 150000;
    o.censored = ST_CENSORED_ERROR;
    check_error(&p, &o, "censored");
}

static void negative_threads_refused(void **state)
{
    (void)state;
    st_read_options o = st_read_options_default();
    o.n_threads = -1;
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv_buffer("x,label\n1,0\n", 12, "t.csv", &o, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_null(ds);
    assert_non_null(strstr(err.message, "n_threads"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_file),
        cmocka_unit_test(no_line_end_after_the_last_row),
        cmocka_unit_test(column_turns_categorical_late),
        cmocka_unit_test(tallies_and_examples),
        cmocka_unit_test(blank_lines_and_skipped_rows),
        cmocka_unit_test(first_positive_after_the_head),
        cmocka_unit_test(read_in_turn_when_records_cannot_be_cut),
        cmocka_unit_test(errors_in_late_chunks),
        cmocka_unit_test(negative_threads_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
