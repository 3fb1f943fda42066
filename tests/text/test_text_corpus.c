/* Texts analysed once (st_text_corpus, include/stratum/text.h): on the folds of a dataset,
 * st_text_fit_corpus and st_text_transform_corpus must give exactly what
 * st_text_fit_dataset and st_text_transform give on the same rows (same columns, names,
 * IDF, and the same float values), in vocabulary and hashing mode (few buckets: many
 * collisions, cancelling signs), with n-grams, stop words, min_df, duplicated, empty and
 * missing texts. And a dataset whose texts are not the corpus's is refused. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

static st_dataset *read_csv(const char *csv, const char *text_col)
{
    st_read_options o = st_read_options_default();
    const char *cats[1] = {text_col};
    o.categorical = cats;
    o.n_categorical = 1;
    st_dataset *ds = NULL;
    st_error e;
    assert_int_equal(st_dataset_read_csv_buffer(csv, strlen(csv), "notes.csv", &o, &ds, &e),
                     ST_OK);
    return ds;
}

/* 120 notes from a small vocabulary (accents, digits, stop words), some repeated, some
 * empty or missing, beside a numeric column. */
static char *make_csv(void)
{
    static const char *words[] = {"tumour", "benign", "the", "Cells", "of", "Ki-67",
                                  "café", "CAFÉ", "no", "not", "2.5mg", "node", "α",
                                  "breast", "and", "negative", "margin", "x"};
    size_t cap = 65536, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "age,note,label\n");
    unsigned state = 12345u;
    for (int i = 0; i < 120; i++) {
        len += (size_t)snprintf(csv + len, cap - len, "%d,", 30 + i % 50);
        if (i % 17 == 5) {
            len += (size_t)snprintf(csv + len, cap - len, ",%d\n", i % 2); /* missing */
            continue;
        }
        if (i % 23 == 7) {
            len += (size_t)snprintf(csv + len, cap - len, "\" ... \",%d\n", i % 2);
            continue;
        }
        if (i % 11 == 3)
            state = 777u; /* the same text again */
        len += (size_t)snprintf(csv + len, cap - len, "\"");
        int n = 1 + (int)(state >> 8) % 12;
        for (int w = 0; w < n; w++) {
            state = state * 1103515245u + 12345u;
            len += (size_t)snprintf(csv + len, cap - len, "%s%s", w ? " " : "",
                                    words[(state >> 16) % 18]);
        }
        len += (size_t)snprintf(csv + len, cap - len, "\",%d\n", i % 3 == 0);
    }
    return csv;
}

static void assert_same_features(const st_text_featurizer *a, const st_text_featurizer *b)
{
    assert_int_equal(st_text_featurizer_n_terms(a), st_text_featurizer_n_terms(b));
    assert_int_equal(st_text_featurizer_n_fit_texts(a), st_text_featurizer_n_fit_texts(b));
    for (size_t k = 0; k < st_text_featurizer_n_terms(a); k++) {
        assert_string_equal(st_text_featurizer_feature_name(a, k),
                            st_text_featurizer_feature_name(b, k));
        assert_true(st_text_featurizer_idf(a, k) == st_text_featurizer_idf(b, k));
    }
}

static void assert_same_data(const st_dataset *x, const st_dataset *y)
{
    assert_int_equal(st_dataset_n_rows(x), st_dataset_n_rows(y));
    assert_int_equal(st_dataset_n_features(x), st_dataset_n_features(y));
    for (size_t j = 0; j < st_dataset_n_features(x); j++) {
        assert_string_equal(st_dataset_feature_name(x, j), st_dataset_feature_name(y, j));
        const uint32_t *rx, *ry;
        const float *vx, *vy;
        size_t nx, ny;
        st_error e;
        if (st_dataset_feature_entries(x, j, &rx, &vx, &nx, &e) != ST_OK) { /* dense: age */
            const float *a = st_dataset_feature_values(x, j), *b = st_dataset_feature_values(y, j);
            assert_memory_equal(a, b, st_dataset_n_rows(x) * sizeof *a);
            continue;
        }
        assert_int_equal(st_dataset_feature_entries(y, j, &ry, &vy, &ny, &e), ST_OK);
        assert_int_equal(nx, ny);
        assert_memory_equal(rx, ry, nx * sizeof *rx);
        assert_memory_equal(vx, vy, nx * sizeof *vx);
    }
}

static void check_folds(const st_text_options *o)
{
    char *csv = make_csv();
    st_dataset *ds = read_csv(csv, "note");
    free(csv);
    st_text_corpus *c = NULL;
    st_error e;
    const st_dataset *all[1] = {ds};
    assert_int_equal(st_text_corpus_build(all, 1, "note", o, &c, &e), ST_OK);
    size_t n = st_dataset_n_rows(ds), rows[2][120];
    for (int k = 0; k < 3; k++) {
        size_t n_tr = 0, n_te = 0;
        for (size_t i = 0; i < n; i++) {
            if ((int)(i % 3) == k)
                rows[1][n_te++] = i;
            else
                rows[0][n_tr++] = i;
        }
        st_dataset *tr = NULL, *te = NULL;
        assert_int_equal(st_dataset_subset(ds, rows[0], n_tr, &tr, &e), ST_OK);
        assert_int_equal(st_dataset_subset(ds, rows[1], n_te, &te, &e), ST_OK);
        assert_true(st_text_corpus_matches(c, tr) && st_text_corpus_matches(c, te));
        st_text_featurizer *f = NULL, *g = NULL;
        assert_int_equal(st_text_fit_dataset(tr, "note", o, &f, &e), ST_OK);
        assert_int_equal(st_text_fit_corpus(c, tr, &g, &e), ST_OK);
        assert_same_features(f, g);
        const st_text_featurizer *fs[1] = {f}, *gs[1] = {g};
        const st_text_corpus *cs[1] = {c};
        for (int part = 0; part < 2; part++) {
            const st_dataset *d = part == 0 ? tr : te;
            st_dataset *x = NULL, *y = NULL;
            assert_int_equal(st_text_transform(fs, 1, d, &x, &e), ST_OK);
            assert_int_equal(st_text_transform_corpus(gs, cs, 1, d, &y, &e), ST_OK);
            assert_same_data(x, y);
            st_dataset_free(x);
            st_dataset_free(y);
        }
        st_text_featurizer_free(f);
        st_text_featurizer_free(g);
        st_dataset_free(tr);
        st_dataset_free(te);
    }
    st_text_corpus_free(c);
    st_dataset_free(ds);
}

static void test_vocabulary(void **state)
{
    (void)state;
    st_text_options o = st_text_options_default();
    o.ngram_max = 2, o.min_df = 2, o.tfidf = 1, o.sublinear_tf = 1;
    check_folds(&o);
    o = st_text_options_default();
    o.ngram_max = 3, o.stop_words = ST_TEXT_STOP_ENGLISH;
    check_folds(&o);
}

static void test_hashing(void **state)
{
    (void)state;
    st_text_options o = st_text_options_default();
    o.hash_bits = 3, o.ngram_max = 2, o.tfidf = 1, o.sublinear_tf = 1; /* 8 buckets */
    check_folds(&o);
    o.hash_bits = 12, o.min_df = 2, o.sublinear_tf = 0;
    check_folds(&o);
}

/* A bootstrap repeats rows: a term of one text can reach min_df in the fit though not in
 * the rows the corpus was built from (the corpus sorts only the terms that can, as a rule). */
static void test_repeated_rows(void **state)
{
    (void)state;
    st_dataset *ds = read_csv("age,note,label\n50,zeta only here,1\n60,b c,0\n70,c d a,1\n"
                              "80,b d,0\n", "note");
    st_text_options o = st_text_options_default();
    o.min_df = 3, o.ngram_max = 2, o.tfidf = 1;
    st_text_corpus *c = NULL;
    st_error e;
    assert_int_equal(st_text_corpus_build((const st_dataset *const[]){ds}, 1, "note", &o, &c,
                                          &e), ST_OK);
    size_t rows[7] = {0, 0, 0, 1, 2, 3, 3};
    st_dataset *boot = NULL, *x = NULL, *y = NULL;
    assert_int_equal(st_dataset_subset(ds, rows, 7, &boot, &e), ST_OK);
    st_text_featurizer *f = NULL, *g = NULL;
    assert_int_equal(st_text_fit_dataset(boot, "note", &o, &f, &e), ST_OK);
    assert_int_equal(st_text_fit_corpus(c, boot, &g, &e), ST_OK);
    assert_int_equal(st_text_featurizer_n_terms(g), 7); /* b, d, here, only, only here, ... */
    assert_same_features(f, g);
    assert_int_equal(st_text_transform((const st_text_featurizer *const[]){f}, 1, ds, &x, &e),
                     ST_OK);
    assert_int_equal(st_text_transform_corpus((const st_text_featurizer *const[]){g},
                                              (const st_text_corpus *const[]){c}, 1, ds, &y,
                                              &e), ST_OK);
    assert_same_data(x, y);
    st_dataset_free(x);
    st_dataset_free(y);
    st_text_featurizer_free(f);
    st_text_featurizer_free(g);
    st_dataset_free(boot);
    st_text_corpus_free(c);
    st_dataset_free(ds);
}

static void test_other_texts(void **state)
{
    (void)state;
    st_dataset *ds = read_csv("age,note,label\n50,a b,1\n60,b c,0\n70,c d,1\n", "note");
    st_dataset *other = read_csv("age,note,label\n50,a b,1\n60,b x,0\n70,c d,1\n", "note");
    st_dataset *part = NULL, *memo = NULL;
    st_error e;
    size_t first[2] = {0, 1};
    assert_int_equal(st_dataset_subset(ds, first, 2, &part, &e), ST_OK);
    st_text_corpus *c = NULL, *from_part = NULL;
    const st_dataset *one[1] = {ds}, *some[1] = {part};
    assert_int_equal(st_text_corpus_build(one, 1, "note", NULL, &c, &e), ST_OK);
    assert_int_equal(st_text_corpus_build(some, 1, "note", NULL, &from_part, &e), ST_OK);
    st_text_featurizer *f = NULL;
    assert_false(st_text_corpus_matches(c, other));
    assert_int_equal(st_text_fit_corpus(c, other, &f, &e), ST_ERR_INVALID_ARG);
    assert_null(f);
    assert_string_equal(e.message, "st_text_fit_corpus: text column 'note' of the data has "
                                   "other texts than the corpus (build it from this dataset "
                                   "or one it is a subset of)");
    /* a corpus of some rows does not know the others' texts */
    assert_false(st_text_corpus_matches(from_part, ds));
    assert_int_equal(st_text_fit_corpus(from_part, ds, &f, &e), ST_ERR_INVALID_ARG);
    /* a featurizer of other options than its corpus */
    st_text_options o = st_text_options_default();
    o.ngram_max = 2;
    assert_int_equal(st_text_fit_dataset(ds, "note", &o, &f, &e), ST_OK);
    const st_text_featurizer *fs[1] = {f};
    const st_text_corpus *cs[1] = {c};
    st_dataset *out = NULL;
    assert_int_equal(st_text_transform_corpus(fs, cs, 1, ds, &out, &e), ST_ERR_INVALID_ARG);
    assert_null(out);
    assert_string_equal(e.message, "st_text_transform_corpus: corpus 0 is NULL or not of "
                                   "featurizer 0's column and options");
    /* a column not in the data, as st_text_fit_dataset says it */
    st_text_corpus_free(from_part);
    memo = read_csv("age,memo,label\n50,a b,1\n", "memo");
    assert_int_equal(st_text_corpus_build((const st_dataset *const[]){memo}, 1, "note", NULL,
                                          &from_part, &e), ST_ERR_DATA);
    assert_null(from_part);
    assert_string_equal(e.message, "notes.csv: text column 'note' is not in the data");
    st_text_featurizer_free(f);
    st_text_corpus_free(c);
    st_dataset_free(memo);
    st_dataset_free(part);
    st_dataset_free(other);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_vocabulary),
                                       cmocka_unit_test(test_hashing),
                                       cmocka_unit_test(test_repeated_rows),
                                       cmocka_unit_test(test_other_texts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
