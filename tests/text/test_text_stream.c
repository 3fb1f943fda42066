/* Text featurized while the CSV is read (st_text_read_csv, include/stratum/text.h) against
 * the in-memory path it replaces for training: st_dataset_read, st_text_fit_dataset and
 * st_text_transform. The two must give the same dataset (names, types, labels, weights,
 * every value's bits), the same featurizers (their saved text byte for byte) and the same
 * model file, in vocabulary and hashing mode (few buckets: collisions and cancelling
 * signs), with tf-idf, n-grams, min_df, stop words, two text columns beside ordinary ones,
 * ignored columns, skipped rows and a file without a header; on datasets/medical_abstracts
 * and on a hostile file (quoted texts with "" and line breaks, CRLF, accents, empty and
 * missing texts, texts that are numbers, blank lines). And the same errors: bad UTF-8 (line
 * and column), a text column not in the data, one read as numbers, no term left; a pipe is
 * refused, saying why. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include "core/alloc.h"
#include "data/csv_row_stream.h"

#include <sys/stat.h>
#include <unistd.h>

TEST_SCRATCH_DIR("stratum_text_stream")

#define ABSTRACTS STRATUM_DATASETS "/medical_abstracts.csv"

static char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)size + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    s[size] = '\0';
    *n = (size_t)size;
    return s;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

static void assert_same_floats(const float *a, const float *b, size_t n)
{
    if (n > 0 && (a == NULL || b == NULL))
        assert_ptr_equal(a, b);
    else if (n > 0)
        assert_memory_equal(a, b, n * sizeof *a); /* the bits, NaN included */
}

static void assert_same_data(const st_dataset *x, const st_dataset *y)
{
    size_t n = st_dataset_n_rows(x);
    assert_int_equal(n, st_dataset_n_rows(y));
    assert_int_equal(st_dataset_n_features(x), st_dataset_n_features(y));
    assert_same_floats(st_dataset_labels(x), st_dataset_labels(y), n);
    assert_same_floats(st_dataset_weights(x), st_dataset_weights(y), n);
    for (size_t j = 0; j < st_dataset_n_features(x); j++) {
        assert_string_equal(st_dataset_feature_name(x, j), st_dataset_feature_name(y, j));
        assert_int_equal(st_dataset_feature_type(x, j), st_dataset_feature_type(y, j));
        const uint32_t *rx, *ry;
        const float *vx, *vy;
        size_t nx, ny;
        st_error e;
        if (st_dataset_feature_entries(x, j, &rx, &vx, &nx, &e) != ST_OK) { /* dense */
            assert_same_floats(st_dataset_feature_values(x, j), st_dataset_feature_values(y, j),
                               n);
            st_column_cells cx, cy; /* what the reader saw, positions included */
            assert_int_equal(st_dataset_column_cells(x, j, &cx, &e), ST_OK);
            assert_int_equal(st_dataset_column_cells(y, j, &cy, &e), ST_OK);
            assert_int_equal(cx.n_numbers, cy.n_numbers);
            assert_int_equal(cx.n_text, cy.n_text);
            assert_int_equal(cx.n_censored, cy.n_censored);
            assert_int_equal(cx.first_line, cy.first_line);
            assert_int_equal(cx.first_column, cy.first_column);
            assert_int_equal(cx.n_examples, cy.n_examples);
            for (size_t k = 0; k < cx.n_examples; k++)
                assert_string_equal(cx.examples[k], cy.examples[k]);
            for (size_t k = 0; k < st_dataset_n_levels(x, j); k++)
                assert_string_equal(st_dataset_level(x, j, k), st_dataset_level(y, j, k));
            continue;
        }
        assert_int_equal(st_dataset_feature_entries(y, j, &ry, &vy, &ny, &e), ST_OK);
        assert_int_equal(nx, ny);
        if (nx > 0) {
            assert_memory_equal(rx, ry, nx * sizeof *rx);
            assert_memory_equal(vx, vy, nx * sizeof *vx);
        }
    }
}

/* Both paths on path (not a path_in buffer, which the comparison reuses); with train, a model each (lambda 1e-4, unstandardised, as the CLI's
 * text default), saved with its featurizers and compared byte for byte. */
static void check_same(const char *path, const st_read_options *ro, const char *const *cols,
                       size_t n, const st_text_options *o, int train)
{
    st_error e;
    st_dataset *raw = NULL, *a = NULL, *b = NULL;
    st_text_featurizer *fa[2] = {NULL, NULL}, *fb[2] = {NULL, NULL};
    assert_int_equal(st_dataset_read(path, ro, &raw, &e), ST_OK);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(st_text_fit_dataset(raw, cols[k], o, &fa[k], &e), ST_OK);
    assert_int_equal(st_text_transform((const st_text_featurizer *const *)fa, n, raw, &a, &e),
                     ST_OK);
    st_dataset_free(raw);
    st_status rc = st_text_read_csv(path, ro, cols, n, o, &b, fb, &e);
    if (rc != ST_OK)
        fail_msg("st_text_read_csv: %s", e.message);
    assert_same_data(a, b);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(st_text_featurizer_save(fa[k], path_in("fa.txt"), &e), ST_OK);
        assert_int_equal(st_text_featurizer_save(fb[k], path_in("fb.txt"), &e), ST_OK);
        assert_same_file(path_in("fa.txt"), path_in("fb.txt"));
    }
    if (train) {
        st_logreg_params p = st_logreg_params_default();
        p.lambda = 1e-4;
        p.standardize = 0;
        p.n_threads = 1; /* the model is the same at any thread count */
        st_dataset *d[2] = {a, b};
        st_text_featurizer **f[2] = {fa, fb};
        const char *out[2] = {path_in("a.model"), path_in("b.model")};
        for (int s = 0; s < 2; s++) {
            st_train_source src = st_source_dataset(d[s]);
            st_logreg *m = NULL;
            assert_int_equal(st_logreg_fit(&src, &p, &m, &e), ST_OK);
            for (size_t k = 0; k < n; k++) {
                assert_int_equal(st_logreg_add_text_featurizer(m, f[s][k], &e), ST_OK);
                f[s][k] = NULL;
            }
            assert_int_equal(st_logreg_save(m, out[s], &e), ST_OK);
            st_logreg_free(m);
        }
        assert_same_file(out[0], out[1]);
    }
    for (size_t k = 0; k < n; k++) {
        st_text_featurizer_free(fa[k]);
        st_text_featurizer_free(fb[k]);
    }
    st_dataset_free(a);
    st_dataset_free(b);
}

static st_text_options options(int hash_bits, int ngram_max, size_t min_df, int tfidf)
{
    st_text_options o = st_text_options_default();
    o.hash_bits = hash_bits;
    o.ngram_max = ngram_max;
    o.min_df = min_df;
    o.tfidf = tfidf;
    o.sublinear_tf = 1;
    return o;
}

static void test_abstracts(void **state)
{
    (void)state;
    st_read_options ro = st_read_options_default();
    const char *ign[1] = {"id"}, *cols[1] = {"abstract"};
    ro.ignore = ign;
    ro.n_ignore = 1;
    /* A model is trained on both paths' datasets only where it is cheap (1,024 buckets):
     * on the others, training bit-identical datasets (assert_same_data) with byte-identical
     * featurizers can only give the same model file, and two fits of 64,000 term columns
     * were most of this test's time. */
    st_text_options o = options(0, 2, 2, 1); /* the manual's command */
    check_same(ABSTRACTS, &ro, cols, 1, &o, 0);
    o = options(20, 1, 2, 1);
    check_same(ABSTRACTS, &ro, cols, 1, &o, 0);
    o = options(10, 2, 1, 0); /* 1,024 buckets: many collisions */
    o.sublinear_tf = 0;
    check_same(ABSTRACTS, &ro, cols, 1, &o, 1);
    o = options(0, 3, 5, 1);
    o.stop_words = ST_TEXT_STOP_ENGLISH;
    o.l2_norm = 0;
    check_same(ABSTRACTS, &ro, cols, 1, &o, 0);
}

/* A hostile CSV: id, age (a few cells not numbers), note (text), grade (categorical),
 * summary (text), label; with grade_first, grade before note (so that no feature follows a
 * text: the other columns are read from the file less the texts). */
static void write_hostile(const char *path, int crlf, int grade_first)
{
    static const char *words[] = {"tumour", "benign", "the", "Cells", "of", "Ki-67", "café",
                                  "CAFÉ", "no", "not", "2.5mg", "node", "α", "breast", "and",
                                  "negative", "margin", "x", "Σίσυφος", "chest", "pain"};
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    const char *nl = crlf ? "\r\n" : "\n";
    fprintf(fp, grade_first ? "id,age,grade,note,summary,label%s"
                            : "id,age,note,grade,summary,label%s", nl);
    unsigned long long s = 99;
    for (int i = 0; i < 400; i++) {
        if (i % 37 == 11)
            fprintf(fp, "%s", nl); /* a blank line */
        if (i % 53 == 40)
            fprintf(fp, "%d,unknown,", i);
        else
            fprintf(fp, "%d,%d,", i, 20 + i % 60);
        if (grade_first)
            fprintf(fp, "%s,", i % 3 == 0 ? "low" : "high");
        int kind = i % 19;
        if (kind == 3)
            fprintf(fp, ",");           /* missing */
        else if (kind == 5)
            fprintf(fp, "NA,");         /* missing too */
        else if (kind == 7)
            fprintf(fp, "12,");         /* a number, as text */
        else if (kind == 9)
            fprintf(fp, "\" -- \",");   /* separators only */
        else {
            fprintf(fp, "\"");
            int n = 1 + (int)(test_uniform(&s) * 30);
            for (int w = 0; w < n; w++) {
                const char *sep = w == 0 ? "" : w % 7 == 3 ? "\n" : w % 11 == 5 ? " \"\"" : " ";
                fprintf(fp, "%s%s", sep, words[(int)(test_uniform(&s) * 21)]);
            }
            fprintf(fp, "\",");
        }
        if (!grade_first)
            fprintf(fp, "%s,", i % 3 == 0 ? "low" : "high");
        fprintf(fp, "%s %s,", words[i % 21], words[(i * 7) % 21]);
        fprintf(fp, "%s%s", i % 41 == 13 ? "" : (i % 3 == 0 || kind == 4) ? "1" : "0", nl);
    }
    fclose(fp);
}

static void test_hostile(void **state)
{
    (void)state;
    const char *both[2] = {"note", "summary"}, *sum_first[2] = {"summary", "note"};
    for (int variant = 0; variant < 4; variant++) {
        write_hostile(path_in("hostile.csv"), variant & 1, variant >> 1);
        st_read_options ro = st_read_options_default();
        ro.skip_missing_labels = 1;
        st_text_options o = options(0, 2, 2, 1);
        check_same(path_in("hostile.csv"), &ro, both, 2, &o, 1);
        o = options(4, 2, 1, 1); /* 16 buckets: tf sums that cancel */
        check_same(path_in("hostile.csv"), &ro, both, 2, &o, 1);
        o = options(12, 1, 3, 0);
        o.stop_words = ST_TEXT_STOP_ENGLISH;
        check_same(path_in("hostile.csv"), &ro, sum_first, 2, &o, 0);
        const char *ign[2] = {"id", "grade"};
        ro.ignore = ign;
        ro.n_ignore = 2;
        o = options(0, 1, 1, 0);
        check_same(path_in("hostile.csv"), &ro, both, 1, &o, 1); /* the note alone */
    }
}

/* No header: columns named by position; the label is column 1. */
static void test_no_header(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", path_in("nohead.csv"));
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 60; i++)
        fprintf(fp, "%d,%d,\"%s chest pain %d\"\n", i % 5, i % 2, i % 3 ? "no" : "severe",
                i % 4);
    fclose(fp);
    st_read_options ro = st_read_options_default();
    ro.has_header = 0;
    ro.label = "1";
    const char *cols[1] = {"2"};
    st_text_options o = options(0, 2, 1, 1);
    check_same(path, &ro, cols, 1, &o, 1);
    o = options(8, 2, 1, 1);
    check_same(path, &ro, cols, 1, &o, 0);
}

/* stratum-gen notes (beside id, age and two lab columns), id ignored. */
static void test_generated_notes(void **state)
{
    (void)state;
    char path[512], cmd[1400];
    snprintf(path, sizeof path, "%s", path_in("notes.csv"));
    snprintf(cmd, sizeof cmd, "'%s-gen' notes --rows 1200 --words 60 --numeric 2 --seed 5 "
             "-o '%s'", STRATUM_CLI, path);
    assert_int_equal(system(cmd), 0);
    st_read_options ro = st_read_options_default();
    const char *ign[1] = {"id"}, *cols[1] = {"note"};
    ro.ignore = ign;
    ro.n_ignore = 1;
    st_text_options o = options(20, 1, 2, 0); /* the manual's measured command */
    check_same(path, &ro, cols, 1, &o, 1);
    o = options(20, 2, 2, 1);
    check_same(path, &ro, cols, 1, &o, 1);
    o = options(0, 2, 3, 1);
    check_same(path, &ro, cols, 1, &o, 1);
}

/* The file less the text columns (what the other columns are read from when no feature
 * follows a text): the header whole, a dropped field as a quoted field of its line breaks
 * (nothing when it has none), every other byte as it was, CRLF, a blank line, "" escapes
 * and a BOM (left out, as the reader leaves it out) included. Hand-derived. */
static void test_file_less_texts(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", path_in("less.csv"));
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("\xEF\xBB\xBFid,age,note,summary,label\r\n"
          "1,\"3\"\"0\",\"multi\nline \"\"q\"\" text\",short words,1\r\n"
          "\r\n"
          "2,unknown,plain,\"two\r\nlines\nthree\",0", fp);
    fclose(fp);
    st__csv_row_stream s;
    st_error e;
    st_read_options ro = st_read_options_default();
    assert_int_equal(st__csv_row_stream_open(&s, path, &ro, "", &e), ST_OK);
    long drop[2] = {2, 3};
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(st__csv_row_stream_reduce(&s, drop, 2, &out, &n, &e), ST_OK);
    const char *want = "id,age,note,summary,label\r\n"
                       "1,\"3\"\"0\",\"\n\",,1\r\n"
                       "\r\n"
                       "2,unknown,,\"\n\n\",0";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    st__free(out);
    /* the rows after it, from the first */
    assert_int_equal(st__csv_row_stream_next(&s, &e), 1);
    assert_int_equal(s.tok.fields[0].line, 2);
    assert_int_equal(st__csv_row_stream_next(&s, &e), 1);
    assert_int_equal(s.tok.fields[0].line, 5);
    assert_int_equal(st__csv_row_stream_next(&s, &e), 0);
    st__csv_row_stream_close(&s);
}

/* The same error from both paths, containing `want`. */
static void check_same_error(const char *path, const st_read_options *ro, const char *col,
                             const st_text_options *o, const char *want)
{
    st_error e1, e2;
    st_dataset *raw = NULL, *b = NULL;
    st_text_featurizer *fa = NULL, *fb[1] = {NULL};
    st_status rc1 = st_dataset_read(path, ro, &raw, &e1);
    if (rc1 == ST_OK)
        rc1 = st_text_fit_dataset(raw, col, o, &fa, &e1);
    st_dataset_free(raw);
    assert_int_not_equal(rc1, ST_OK);
    const char *cols[1] = {col};
    st_status rc2 = st_text_read_csv(path, ro, cols, 1, o, &b, fb, &e2);
    assert_int_equal(rc2, rc1);
    assert_null(b);
    assert_null(fb[0]);
    assert_string_equal(e2.message, e1.message);
    if (strstr(e2.message, want) == NULL)
        fail_msg("'%s' does not contain '%s'", e2.message, want);
}

static void test_bad_input(void **state)
{
    (void)state;
    st_read_options ro = st_read_options_default();
    st_text_options o = options(0, 1, 1, 0), h = options(16, 1, 1, 0);
    char path[512];
    snprintf(path, sizeof path, "%s", path_in("bad.csv"));
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "age,note,label\n30,\"fine words\",1\n31,\"a\n\"\"bad\"\" \xff byte\",0\n");
    fclose(fp);
    check_same_error(path, &ro, "note", &o, "bad.csv:3:13: invalid UTF-8 byte 0xFF; "
                                           "expected UTF-8 text");
    check_same_error(path, &ro, "note", &h, "bad.csv:3:13: invalid UTF-8 byte 0xFF");
    check_same_error(ABSTRACTS, &ro, "notes", &o, "medical_abstracts.csv: text column "
                                                 "'notes' is not in the data");
    check_same_error(ABSTRACTS, &ro, "label", &h, "text column 'label' is not in the data");
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "age,note,label\n30,12,1\n31,,0\n32,4.5,1\n");
    fclose(fp);
    check_same_error(path, &ro, "note", &o, "bad.csv: text column 'note' was read as "
                                           "numbers; read it as text");
    const char *numeric[1] = {"note"};
    st_read_options rn = ro;
    rn.numeric = numeric;
    rn.n_numeric = 1;
    check_same_error(path, &rn, "note", &h, "text column 'note' was read as numbers");
    /* named categorical, numbers are words */
    st_read_options rc = ro;
    rc.categorical = numeric;
    rc.n_categorical = 1;
    const char *cols[1] = {"note"};
    check_same(path, &rc, cols, 1, &o, 0);
    /* censored values: numbers unless the censored policy reads them as text */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "age,note,label\n30,<5,1\n31,12,0\n32,>100,1\n");
    fclose(fp);
    st_read_options rb = ro;
    rb.censored = ST_CENSORED_BOUND;
    check_same_error(path, &rb, "note", &o, "text column 'note' was read as numbers");
    check_same(path, &ro, cols, 1, &o, 0);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "age,note,label\n30,\" ... \",1\n31,,0\n32,\"-\",1\n");
    fclose(fp);
    check_same_error(path, &ro, "note", &o, "bad.csv: text column 'note': no term is in at "
                                           "least 1 of the 3 texts (min_df)");
    check_same_error(path, &ro, "note", &h, "no term is in at least 1 of the 3 texts");
    /* a pipe cannot be read twice */
    const char *fifo = path_in("pipe.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    st_error e;
    st_dataset *b = NULL;
    st_text_featurizer *fb[1] = {NULL};
    assert_int_equal(st_text_read_csv(fifo, &ro, cols, 1, &o, &b, fb, &e), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(e.message, "pipe.csv: not a regular file (a pipe, standard input "
                                      "or a device), which cannot be read twice; read it "
                                      "whole (st_dataset_read_csv, then st_text_fit_dataset "
                                      "and st_text_transform)"));
    assert_null(b);
    /* arguments */
    assert_int_equal(st_text_read_csv(ABSTRACTS, &ro, cols, 0, &o, &b, fb, &e),
                     ST_ERR_INVALID_ARG);
    const char *twice[2] = {"abstract", "abstract"};
    st_text_featurizer *f2[2];
    assert_int_equal(st_text_read_csv(ABSTRACTS, &ro, twice, 2, &o, &b, f2, &e),
                     ST_ERR_INVALID_ARG);
    assert_non_null(strstr(e.message, "given twice"));
    assert_int_equal(st_text_read_csv(path_in("absent.csv"), &ro, cols, 1, &o, &b, fb, &e),
                     ST_ERR_IO);
    assert_non_null(strstr(e.message, "absent.csv: cannot open: No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abstracts),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_no_header),
        cmocka_unit_test(test_generated_notes),
        cmocka_unit_test(test_file_less_texts),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
