/* The text featurizer (include/stratum/text.h) on hand-derived values and bad input:
 * invalid UTF-8, empty texts, a text column not in the data or read as numbers, bad
 * options, a damaged featurizer file. The values against scikit-learn are in
 * text_vs_sklearn.py. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

TEST_SCRATCH_DIR("st_text")

static st_dataset *read_csv(const char *csv, const char *text_col)
{
    st_read_options o = st_read_options_default();
    const char *cats[1] = {text_col};
    o.categorical = cats;
    o.n_categorical = text_col != NULL;
    st_dataset *ds = NULL;
    st_error e;
    assert_int_equal(st_dataset_read_csv_buffer(csv, strlen(csv), "notes.csv", &o, &ds, &e),
                     ST_OK);
    return ds;
}

static void assert_terms(const char *text, const st_text_options *o, const char *const *want,
                         size_t n_want)
{
    char **t;
    size_t n;
    st_error e;
    assert_int_equal(st_text_terms(text, strlen(text), o, &t, &n, &e), ST_OK);
    assert_int_equal(n, n_want);
    for (size_t k = 0; k < n; k++)
        assert_string_equal(t[k], want[k]);
    st_text_terms_free(t, n);
}

/* Words of letters and digits, lower-cased by the simple mapping (the two cases where it
 * differs from Python's str.lower() included), n-grams after stop words. */
static void test_terms(void **state)
{
    (void)state;
    st_text_options o = st_text_options_default();
    const char *w1[] = {"ki", "67", "tnf", "α", "2", "5mg", "école", "école", "straße"};
    assert_terms("Ki-67 TNF-\xCE\xB1, 2.5mg; \xC3\x89\x43OLE \xC3\xA9\x63ole Stra\xC3\x9F\x65", &o,
                 w1, 9);
    const char *w2[] = {"istanbul", "σοφιασ", "x²", "under", "score"};
    assert_terms("\xC4\xB0stanbul \xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91\xCE\xA3 x\xC2\xB2 "
                 "under_score", &o, w2, 5);
    assert_terms("", &o, NULL, 0);
    assert_terms(" -- !! \xF0\x9F\x98\x80 ", &o, NULL, 0);
    o.ngram_min = 1, o.ngram_max = 3;
    o.stop_words = ST_TEXT_STOP_ENGLISH;
    const char *w3[] = {"breast", "cancer", "seen", "breast cancer", "cancer seen",
                        "breast cancer seen"};
    assert_terms("The breast cancer was seen", &o, w3, 6);
}

/* MurmurHash3_x86_32 with seed 0, values from scikit-learn's murmurhash3_32. */
static void test_murmur(void **state)
{
    (void)state;
    assert_int_equal(st_text_murmur3_32("", 0, 0), 0);
    assert_int_equal(st_text_murmur3_32("hello", 5, 0), 613153351);
    assert_int_equal(st_text_murmur3_32("abc", 3, 0), -1277324294);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    assert_int_equal(st_text_murmur3_32(fox, strlen(fox), 0), 776992547);
    assert_int_equal(st_text_murmur3_32("\xCE\xB1", 2, 0), 485463464);
}

/* "a b a" and "b c" by hand: tf, L2 rows; with tfidf idf = ln(3/(1+df)) + 1. */
static void test_values(void **state)
{
    (void)state;
    st_dataset *ds = read_csv("age,note,label\n50,a b a,1\n60,b c,0\n70,,0\n", "note");
    st_text_options o = st_text_options_default();
    o.tfidf = 1;
    st_text_featurizer *f = NULL;
    st_dataset *out = NULL;
    st_error e;
    assert_int_equal(st_text_fit_dataset(ds, "note", &o, &f, &e), ST_OK);
    assert_int_equal(st_text_featurizer_n_terms(f), 3);
    assert_string_equal(st_text_featurizer_feature_name(f, 0), "note:a");
    assert_string_equal(st_text_featurizer_term(f, 2), "c");
    double ia = log(4.0 / 2.0) + 1, ib = log(4.0 / 3.0) + 1, ic = ia;
    assert_true(fabs(st_text_featurizer_idf(f, 1) - ib) < 1e-15);
    const st_text_featurizer *fs[1] = {f};
    assert_int_equal(st_text_transform(fs, 1, ds, &out, &e), ST_OK);
    assert_int_equal(st_dataset_n_features(out), 4);
    assert_string_equal(st_dataset_feature_name(out, 0), "age");
    assert_int_equal(st_dataset_n_rows(out), 3);
    const uint32_t *r;
    const float *v;
    size_t n;
    double n0 = sqrt(4 * ia * ia + ib * ib), n1 = sqrt(ib * ib + ic * ic);
    assert_int_equal(st_dataset_feature_entries(out, 1, &r, &v, &n, &e), ST_OK); /* a */
    assert_int_equal(n, 1);
    assert_int_equal(r[0], 0);
    assert_true(fabs(v[0] - 2 * ia / n0) < 1e-7);
    assert_int_equal(st_dataset_feature_entries(out, 2, &r, &v, &n, &e), ST_OK); /* b */
    assert_int_equal(n, 2);
    assert_true(fabs(v[0] - ib / n0) < 1e-7 && fabs(v[1] - ib / n1) < 1e-7);
    assert_int_equal(st_dataset_feature_entries(out, 3, &r, &v, &n, &e), ST_OK); /* c */
    assert_int_equal(n, 1);
    assert_int_equal(r[0], 1); /* the empty third text has no entry anywhere */
    st_dataset_free(out);
    st_text_featurizer_free(f);
    st_dataset_free(ds);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const char *texts[] = {"fine", NULL, "bad \xC3\x28 byte"};
    st_text_featurizer *f = NULL;
    st_error e;
    assert_int_equal(st_text_fit(texts, 3, "note", NULL, &f, &e), ST_ERR_PARSE);
    assert_null(f);
    assert_string_equal(e.message, "text column 'note', row 3 (1-based), byte 4 (0-based): "
                                   "invalid UTF-8");
    const char *over[] = {"\xC0\xAF"}; /* overlong '/' */
    assert_int_equal(st_text_fit(over, 1, "note", NULL, &f, &e), ST_ERR_PARSE);
    assert_string_equal(e.message, "text column 'note', row 1 (1-based), byte 0 (0-based): "
                                   "invalid UTF-8");
    char **t;
    size_t n;
    assert_int_equal(st_text_terms("ok \xED\xA0\x80", 6, NULL, &t, &n, &e), ST_ERR_PARSE);
    assert_string_equal(e.message, "byte 3 (0-based): invalid UTF-8"); /* a surrogate */
    /* a CSV file is checked by its reader, which names the line and column */
    st_dataset *ds = NULL;
    const char *csv = "note,label\nok,1\nbad \xFF,0\n";
    assert_int_equal(st_dataset_read_csv_buffer(csv, strlen(csv), "n.csv", NULL, &ds, &e),
                     ST_ERR_PARSE);
    assert_non_null(strstr(e.message, "n.csv:3:"));
}

static void test_empty_texts(void **state)
{
    (void)state;
    const char *texts[] = {"", NULL, " ... "};
    st_text_featurizer *f = NULL;
    st_error e;
    assert_int_equal(st_text_fit(texts, 3, "note", NULL, &f, &e), ST_ERR_DATA);
    assert_string_equal(e.message, "text column 'note': no term is in at least 1 of the 3 "
                                   "texts (min_df): nothing to learn from");
    const char *rare[] = {"alpha", "beta"};
    st_text_options o = st_text_options_default();
    o.min_df = 2;
    assert_int_equal(st_text_fit(rare, 2, "note", &o, &f, &e), ST_ERR_DATA);
    assert_int_equal(st_text_fit(rare, 0, "note", NULL, &f, &e), ST_ERR_DATA);
}

static void test_missing_column(void **state)
{
    (void)state;
    st_dataset *ds = read_csv("age,note,label\n50,a b,1\n60,b c,0\n", "note");
    st_dataset *other = read_csv("age,memo,label\n50,a b,1\n", NULL);
    st_dataset *nums = read_csv("age,note,label\n50,1,1\n60,2,0\n", NULL);
    st_text_featurizer *f = NULL;
    st_dataset *out = NULL;
    st_error e;
    assert_int_equal(st_text_fit_dataset(ds, "memo", NULL, &f, &e), ST_ERR_DATA);
    assert_string_equal(e.message, "notes.csv: text column 'memo' is not in the data");
    assert_int_equal(st_text_fit_dataset(nums, "note", NULL, &f, &e), ST_ERR_DATA);
    assert_string_equal(e.message, "notes.csv: text column 'note' was read as numbers; read "
                                   "it as text (st_read_options.categorical naming it; "
                                   "--categorical on the command line)");
    assert_int_equal(st_text_fit_dataset(ds, "note", NULL, &f, &e), ST_OK);
    const st_text_featurizer *fs[2] = {f, f};
    assert_int_equal(st_text_transform(fs, 1, other, &out, &e), ST_ERR_DATA);
    assert_null(out);
    assert_string_equal(e.message, "notes.csv: text column 'note' is not in the data");
    assert_int_equal(st_text_transform(fs, 2, ds, &out, &e), ST_ERR_INVALID_ARG);
    assert_string_equal(e.message, "st_text_transform: text column 'note' has two "
                                   "featurizers");
    /* a term column named as another feature */
    st_dataset *clash = read_csv("note:a,note,label\n1,a b,1\n2,b c,0\n", "note");
    assert_int_equal(st_text_transform(fs, 1, clash, &out, &e), ST_ERR_DATA);
    assert_string_equal(e.message, "text column 'note': its term column 'note:a' has the "
                                   "name of another feature of the data");
    /* only a text column: the result has the term columns alone */
    st_dataset *only = read_csv("note,label\na b,1\nb c,0\n", "note");
    assert_int_equal(st_text_transform(fs, 1, only, &out, &e), ST_OK);
    assert_int_equal(st_dataset_n_features(out), 3);
    assert_int_equal(st_dataset_labels(out)[0], 1);
    st_dataset_free(out);
    st_dataset_free(only);
    st_dataset_free(clash);
    st_text_featurizer_free(f);
    st_dataset_free(nums);
    st_dataset_free(other);
    st_dataset_free(ds);
}

static void test_bad_options(void **state)
{
    (void)state;
    const char *texts[] = {"a b"};
    st_text_featurizer *f = NULL;
    st_error e;
    st_text_options o = st_text_options_default();
    o.ngram_min = 2, o.ngram_max = 1;
    assert_int_equal(st_text_fit(texts, 1, "note", &o, &f, &e), ST_ERR_INVALID_ARG);
    assert_string_equal(e.message, "st_text_fit: n-grams 2-1; expected 1 <= min <= max <= 8");
    o = st_text_options_default();
    o.hash_bits = 25;
    assert_int_equal(st_text_fit(texts, 1, "note", &o, &f, &e), ST_ERR_INVALID_ARG);
    assert_string_equal(e.message, "st_text_fit: hash_bits 25; expected 0 (a vocabulary) or "
                                   "1..24");
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Saved and loaded, a featurizer gives the same columns; a damaged file is an error. */
static void test_save_load(void **state)
{
    (void)state;
    const char *texts[] = {"cancer of the breast", "no cancer", "breast"};
    st_text_options o = st_text_options_default();
    o.tfidf = 1, o.ngram_max = 2;
    st_text_featurizer *f = NULL, *g = NULL;
    st_error e;
    char path[256];
    snprintf(path, sizeof path, "%s/f.txt", tmpdir);
    assert_int_equal(st_text_fit(texts, 3, "note", &o, &f, &e), ST_OK);
    assert_int_equal(st_text_featurizer_save(f, path, &e), ST_OK);
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_OK);
    assert_int_equal(st_text_featurizer_n_terms(g), st_text_featurizer_n_terms(f));
    for (size_t k = 0; k < st_text_featurizer_n_terms(f); k++) {
        assert_string_equal(st_text_featurizer_feature_name(g, k),
                            st_text_featurizer_feature_name(f, k));
        assert_true(st_text_featurizer_idf(g, k) == st_text_featurizer_idf(f, k));
    }
    st_text_featurizer_free(g);
    /* terms out of order (checksum recomputed by hand: FNV-1a 64 of the bytes above it) */
    const char *body = "stratum-model 1 text\ntext_featurizer note\ntext_options ngrams 1 1 "
                       "hash_bits 0 min_df 1 tfidf 0 sublinear_tf 0 l2_norm 1 stop_words "
                       "none\ntext_fit_texts 2\ntext_terms 2\nterm 1 b\nterm 1 a\n";
    uint64_t h = 14695981039346656037ull;
    for (const char *p = body; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    char text[1024];
    snprintf(text, sizeof text, "%schecksum %016llx\n", body, (unsigned long long)h);
    write_file(path, text);
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_ERR_FORMAT);
    assert_null(g);
    assert_non_null(strstr(e.message, ":7: terms must be in ascending byte order, each once"));
    st_text_featurizer_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),         cmocka_unit_test(test_murmur),
        cmocka_unit_test(test_values),        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_texts),   cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_bad_options),   cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
