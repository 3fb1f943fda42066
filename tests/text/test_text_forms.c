/* Hashing mode's surface forms and the spans of terms (include/stratum/text.h,
 * "Explanations"): forms derived by hand from MurmurHash3 buckets (the hash itself is
 * checked against scikit-learn by test_text and text_vs_sklearn), the same whatever the
 * order of the texts, saved and loaded, a file without them (saved before stratum kept
 * them) and damaged form lines; word positions of terms. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

TEST_SCRATCH_DIR("st_text_forms")

static int bucket_of(const char *term, int bits)
{
    int32_t h = st_text_murmur3_32(term, strlen(term), 0);
    uint32_t a = h < 0 ? (uint32_t)(-(int64_t)h) : (uint32_t)h;
    return (int)(a % (1u << bits));
}

/* Two buckets (hash_bits 1), so that terms collide: each column's forms are its terms in
 * the most texts first, ties in byte order, at most 3; n_seen counts them all. */
static const char *const texts[] = {"b a", "a c", "a d e", "f g", "c", "h a", "f"};
/* texts per term: a 4, c 2, f 2, b d e g h 1 */
static const char *const by_rank[] = {"a", "c", "f", "b", "d", "e", "g", "h"};

static void check_forms(const st_text_featurizer *f)
{
    assert_int_equal(st_text_featurizer_n_terms(f), 2);
    for (size_t k = 0; k < 2; k++) {
        const int b = (int)st_text_featurizer_bucket(f, k);
        const char *want[8];
        size_t n = 0;
        for (size_t t = 0; t < 8; t++)
            if (bucket_of(by_rank[t], 1) == b)
                want[n++] = by_rank[t];
        assert_int_equal(st_text_featurizer_n_seen(f, k), n);
        const size_t kept = n < 3 ? n : 3;
        assert_int_equal(st_text_featurizer_n_forms(f, k), kept);
        char label[64];
        int o = snprintf(label, sizeof label, "note:");
        for (size_t i = 0; i < kept; i++) {
            assert_string_equal(st_text_featurizer_form(f, k, i), want[i]);
            o += snprintf(label + o, sizeof label - (size_t)o, "%s%s", i ? " | " : "", want[i]);
        }
        if (n > 3)
            snprintf(label + o, sizeof label - (size_t)o, " | ...");
        assert_string_equal(st_text_featurizer_label(f, k), label);
    }
    assert_null(st_text_featurizer_form(f, 0, 3));
}

static void test_forms(void **state)
{
    (void)state;
    st_text_options o = st_text_options_default();
    o.hash_bits = 1;
    st_text_featurizer *f = NULL, *g = NULL;
    st_error e;
    assert_int_equal(st_text_fit(texts, 7, "note", &o, &f, &e), ST_OK);
    check_forms(f);
    const char *reversed[7];
    for (size_t i = 0; i < 7; i++)
        reversed[i] = texts[6 - i];
    assert_int_equal(st_text_fit(reversed, 7, "note", &o, &g, &e), ST_OK);
    check_forms(g);
    st_text_featurizer_free(g);
    /* vocabulary mode: the term is the label, no forms */
    o.hash_bits = 0;
    assert_int_equal(st_text_fit(texts, 7, "note", &o, &g, &e), ST_OK);
    assert_int_equal(st_text_featurizer_n_forms(g, 0), 0);
    assert_string_equal(st_text_featurizer_label(g, 0), "note:a");
    assert_null(st_text_featurizer_label(g, 99));
    st_text_featurizer_free(g);
    /* saved and loaded: the same forms */
    char path[256];
    snprintf(path, sizeof path, "%s/f.txt", tmpdir);
    assert_int_equal(st_text_featurizer_save(f, path, &e), ST_OK);
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_OK);
    check_forms(g);
    st_text_featurizer_free(g);
    st_text_featurizer_free(f);
}

static void write_with_checksum(const char *path, const char *body)
{
    uint64_t h = 14695981039346656037ull;
    for (const char *p = body; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "%schecksum %016llx\n", body, (unsigned long long)h);
    fclose(fp);
}

#define HEAD                                                                               \
    "stratum-model 1 text\ntext_featurizer note\ntext_options ngrams 1 1 hash_bits 4 "     \
    "min_df 1 tfidf 0 sublinear_tf 0 l2_norm 1 stop_words none\ntext_fit_texts 2\n"      \
    "text_terms 2\nbucket 1 3\nbucket 1 9\n"

/* A file without forms (saved before stratum kept them) loads, its labels the bucket
 * names; damaged form lines are errors naming the line. */
static void test_old_and_damaged_files(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/g.txt", tmpdir);
    st_text_featurizer *g = NULL;
    st_error e;
    write_with_checksum(path, HEAD);
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_OK);
    assert_int_equal(st_text_featurizer_n_forms(g, 1), 0);
    assert_string_equal(st_text_featurizer_label(g, 1), "note:#9");
    st_text_featurizer_free(g);
    write_with_checksum(path, HEAD "text_forms 2\nform 1 1 breast cancer\nform 0 2 b\n");
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_ERR_FORMAT);
    assert_null(g);
    assert_non_null(strstr(e.message, ":10: "));
    assert_non_null(strstr(e.message, "column"));
    write_with_checksum(path, HEAD "text_forms 4\nform 0 5 a\nform 0 5 b\nform 0 5 c\n"
                              "form 0 5 d\n");
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_ERR_FORMAT);
    assert_non_null(strstr(e.message, ":12: expected at most 3 forms a column, in column "
                                      "order, no more than the terms it has seen"));
    write_with_checksum(path, HEAD "text_forms 2\nform 1 1 a\nform 1 1 b\n");
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_ERR_FORMAT);
    assert_non_null(strstr(e.message, ":10: expected at most 3 forms a column"));
    write_with_checksum(path, HEAD "text_forms 2\nform 1 2 a\n");
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_ERR_FORMAT);
    write_with_checksum(path, HEAD "text_forms 2\nform 1 2 a\nform 1 2 breast cancer\n");
    assert_int_equal(st_text_featurizer_load(path, &g, &e), ST_OK);
    assert_string_equal(st_text_featurizer_label(g, 1), "note:a | breast cancer");
    assert_string_equal(st_text_featurizer_label(g, 0), "note:#3");
    st_text_featurizer_free(g);
}

/* Each term's bytes in the text (from its first word's first byte to its last word's
 * end) and its column, counted by hand on "Ki-67 TNF-α, 2.5mg". */
static void test_spans(void **state)
{
    (void)state;
    const char *fit[] = {"ki 67 tnf", "tnf \xCE\xB1"};
    st_text_options o = st_text_options_default();
    o.ngram_max = 2;
    st_text_featurizer *f = NULL;
    st_error e;
    assert_int_equal(st_text_fit(fit, 2, "note", &o, &f, &e), ST_OK);
    /* columns in byte order: 67, 67 tnf, ki, ki 67, tnf, tnf α, α */
    const char *text = "Ki-67 TNF-\xCE\xB1, 2.5mg";
    st_text_span *sp = NULL;
    size_t n = 0;
    assert_int_equal(st_text_spans(f, text, strlen(text), &sp, &n, &e), ST_OK);
    /* words ki [0,2) 67 [3,5) tnf [6,9) α [10,12) 2 [14,15) 5mg [16,19); then 2-grams */
    const size_t want[][3] = {{0, 2, 2},  {3, 5, 0},  {6, 9, 4},  {10, 12, 6},
                              {14, 15, 99}, {16, 19, 99}, {0, 5, 3}, {3, 9, 1},
                              {6, 12, 5}, {10, 15, 99}, {14, 19, 99}};
    assert_int_equal(n, 11);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(sp[k].begin, want[k][0]);
        assert_int_equal(sp[k].end, want[k][1]);
        assert_int_equal(sp[k].column, want[k][2] == 99 ? -1 : (long)want[k][2]);
        assert_int_equal(sp[k].sign, 1);
    }
    st_text_spans_free(sp);
    assert_int_equal(st_text_spans(f, "a\xFF", 2, &sp, &n, &e), ST_ERR_PARSE);
    assert_string_equal(e.message, "text column 'note': byte 1 (0-based): invalid UTF-8");
    assert_null(sp);
    st_text_featurizer_free(f);
    /* hashing: the sign the term counts with */
    o.hash_bits = 8, o.ngram_max = 1;
    assert_int_equal(st_text_fit(fit, 2, "note", &o, &f, &e), ST_OK);
    assert_int_equal(st_text_spans(f, "tnf", 3, &sp, &n, &e), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sp[0].sign, st_text_murmur3_32("tnf", 3, 0) < 0 ? -1 : 1);
    char want_name[32];
    snprintf(want_name, sizeof want_name, "note:#%d", bucket_of("tnf", 8));
    assert_string_equal(st_text_featurizer_feature_name(f, (size_t)sp[0].column), want_name);
    st_text_spans_free(sp);
    st_text_featurizer_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_old_and_damaged_files),
        cmocka_unit_test(test_spans),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
