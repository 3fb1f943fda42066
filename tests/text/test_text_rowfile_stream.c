/* Out-of-core text training with the featurizer writing the row file as it reads
 * (st_text_rows, st_logreg_rowfile_write_text; `train logreg --text-col ... --out-of-core`)
 * against the path that featurizes the whole file first (st_text_read_csv, then
 * st_logreg_rowfile_write), which test_text_rowfile holds to the in-memory fit:
 *   - st_text_rows gives each row the entries of st_text_read_csv's term columns, the same
 *     columns and the same floats, row by row (two text columns; both modes);
 *   - the trained models are the same file, byte for byte (model text, moments, fills,
 *     fingerprint), and the row files hold the same entries and bytes: with a vocabulary,
 *     standardised, row weights and class weights, a missing ordinary value, two text
 *     columns; hashed into 2^6 buckets (collisions, cancelling signs) with 1-2 grams and
 *     tf-idf; text alone;
 *   - refused, each with its message and no file left behind: L1, a categorical column, a
 *     row past the last. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include <stratum.h>
#include <stratum/logreg_rowfile.h>

#include "test_util.h"

TEST_SCRATCH_DIR("stratum_text_rowfile_stream")

static char csv[512], rows_dir[512];

static const char *const words[] = {"patient", "pain", "chest", "fever", "denies", "stable",
                                    "troponin", "elevated", "home", "sepsis", "no", "the"};

/* 300 rows: id, age (some missing), w (row weight), ward (categorical), note, title,
 * label following "chest", "troponin", "sepsis". */
static int write_notes(void **state)
{
    if (make_tmpdir(state) != 0)
        return -1;
    snprintf(csv, sizeof csv, "%s/notes.csv", tmpdir);
    snprintf(rows_dir, sizeof rows_dir, "%s/rows", tmpdir);
    if (mkdir(rows_dir, 0700) != 0)
        return -1;
    FILE *fp = fopen(csv, "w");
    if (fp == NULL)
        return -1;
    unsigned long long s = 11;
    fprintf(fp, "id,age,w,ward,note,title,label\n");
    for (int i = 0; i < 300; i++) {
        double score = -1.0;
        fprintf(fp, "%d,", i);
        if (test_uniform(&s) < 0.1)
            fprintf(fp, ",");
        else
            fprintf(fp, "%d,", 20 + (int)(60 * test_uniform(&s)));
        fprintf(fp, "%.2f,%s,\"", 0.5 + test_uniform(&s), test_uniform(&s) < 0.5 ? "a" : "b");
        for (int t = 0; t < 2; t++) {
            int n = (t ? 1 : 4) + (int)((t ? 3 : 20) * test_uniform(&s));
            for (int k = 0; k < n; k++) {
                if (test_uniform(&s) < 0.4) {
                    fprintf(fp, "%st%d", k ? " " : "", (int)(150 * test_uniform(&s)));
                    continue;
                }
                size_t w = (size_t)(test_uniform(&s) * (sizeof words / sizeof *words));
                score += w == 2 ? 1.0 : w == 6 ? 1.5 : w == 9 ? 2.0 : 0;
                fprintf(fp, "%s%s", k ? " " : "", words[w]);
            }
            fprintf(fp, t ? "\"," : "\",\"");
        }
        fprintf(fp, "%d\n", test_uniform(&s) < 1 / (1 + exp(-score)));
    }
    return fclose(fp) == 0 ? 0 : -1;
}

static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)) != NULL)
        empty &= strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

static st_read_options read_opts(int with_ordinary)
{
    static const char *const ignore_some[] = {"id", "ward"};
    static const char *const ignore_all[] = {"id", "ward", "age"};
    st_read_options o = st_read_options_default();
    o.ignore = with_ordinary ? ignore_some : ignore_all, o.n_ignore = with_ordinary ? 2 : 3;
    o.weight = "w";
    return o;
}

/* The term entries of st_text_rows equal st_text_read_csv's term columns, row by row. */
static void rows_equal_columns(const st_text_options *to)
{
    st_read_options o = read_opts(1);
    const char *cols[] = {"note", "title"};
    st_dataset *ds = NULL, *others = NULL;
    st_text_featurizer *f[2] = {NULL, NULL}, *g[2] = {NULL, NULL};
    st_text_rows *rows = NULL;
    st_error e;
    assert_int_equal(st_text_read_csv(csv, &o, cols, 2, to, &ds, f, &e), ST_OK);
    assert_int_equal(st_text_rows_open(csv, &o, cols, 2, to, &others, g, &rows, &e), ST_OK);
    const size_t n = st_dataset_n_rows(ds), n_o = st_dataset_n_features(others);
    const size_t nt = st_text_rows_n_terms(rows);
    assert_int_equal(st_dataset_n_rows(others), n);
    assert_int_equal(n_o + nt, st_dataset_n_features(ds));
    assert_int_equal(nt, st_text_featurizer_n_terms(f[0]) + st_text_featurizer_n_terms(f[1]));
    for (size_t j = 0; j < nt; j++)
        assert_string_equal(st_text_rows_feature_name(rows, j),
                            st_dataset_feature_name(ds, n_o + j));
    assert_null(st_text_rows_feature_name(rows, nt));
    size_t *cur = calloc(nt, sizeof *cur), total = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *c;
        const float *v;
        size_t m;
        assert_int_equal(st_text_rows_next(rows, &c, &v, &m, &e), ST_OK);
        size_t q = 0;
        for (size_t j = 0; j < nt; j++) {
            const uint32_t *r;
            const float *x;
            size_t k;
            assert_int_equal(st_dataset_feature_entries(ds, n_o + j, &r, &x, &k, NULL), ST_OK);
            if (cur[j] < k && r[cur[j]] == i) {
                assert_true(q < m);
                assert_int_equal(c[q], j);
                assert_memory_equal(&v[q], &x[cur[j]], sizeof(float));
                q++, cur[j]++;
            }
        }
        assert_int_equal(q, m);
        total += m;
    }
    assert_true(total > n);
    const uint32_t *c;
    const float *v;
    size_t m;
    assert_int_equal(st_text_rows_next(rows, &c, &v, &m, &e), ST_ERR_INVALID_ARG);
    assert_string_equal(e.message, "st_text_rows_next: every row was read");
    free(cur);
    st_text_rows_free(rows);
    for (int k = 0; k < 2; k++)
        st_text_featurizer_free(f[k]), st_text_featurizer_free(g[k]);
    st_dataset_free(ds), st_dataset_free(others);
}

static void test_rows_vocabulary(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.min_df = 2, to.tfidf = 1;
    rows_equal_columns(&to);
}

static void test_rows_hashing(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.hash_bits = 6, to.ngram_max = 2, to.sublinear_tf = 1;
    rows_equal_columns(&to);
}

/* The model file of a row file, trained and saved; its entries and bytes. */
static char *trained(st_logreg_rowfile *rf, const char *name, uint64_t *entries,
                     uint64_t *bytes, size_t *len)
{
    st_logreg *m = NULL;
    st_error e;
    char path[600];
    *entries = st_logreg_rowfile_entries(rf), *bytes = st_logreg_rowfile_bytes(rf);
    assert_true(dir_is_empty(rows_dir));
    assert_int_equal(st_logreg_rowfile_train(rf, &m, &e), ST_OK);
    st_logreg_rowfile_free(rf);
    snprintf(path, sizeof path, "%s/%s.model", tmpdir, name);
    assert_int_equal(st_logreg_save(m, path, &e), ST_OK);
    st_logreg_free(m);
    return read_all_n(path, len);
}

static void same_model(const st_text_options *to, int n_text, int with_ordinary,
                       const st_logreg_params *p)
{
    st_read_options o = read_opts(with_ordinary);
    const char *cols[] = {"note", "title"};
    st_dataset *ds = NULL, *others = NULL;
    st_text_featurizer *f[2] = {NULL, NULL}, *g[2] = {NULL, NULL};
    st_text_rows *rows = NULL;
    st_logreg_rowfile *a = NULL, *b = NULL;
    st_error e;
    assert_int_equal(st_text_read_csv(csv, &o, cols, (size_t)n_text, to, &ds, f, &e), ST_OK);
    if (st_logreg_rowfile_write(ds, p, rows_dir, &a, &e) != ST_OK)
        fail_msg("%s", e.message);
    assert_int_equal(st_text_rows_open(csv, &o, cols, (size_t)n_text, to, &others, g, &rows,
                                       &e), ST_OK);
    assert_int_equal(st_dataset_n_features(others), with_ordinary ? 1 : 0);
    assert_int_equal(st_logreg_rowfile_write_text(others, rows, p, rows_dir, &b, &e), ST_OK);
    st_text_rows_free(rows);
    uint64_t ea, eb, ba, bb;
    size_t la, lb;
    char *ta = trained(a, "whole", &ea, &ba, &la), *tb = trained(b, "streamed", &eb, &bb, &lb);
    assert_true(ea > 1000);
    assert_int_equal(ea, eb);
    assert_int_equal(ba, bb);
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la);
    assert_non_null(strstr(ta, "row_sketch v2 300 "));
    free(ta), free(tb);
    for (int k = 0; k < 2; k++)
        st_text_featurizer_free(f[k]), st_text_featurizer_free(g[k]);
    st_dataset_free(ds), st_dataset_free(others);
}

static void test_same_model_vocabulary(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.min_df = 2, to.tfidf = 1;
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 1e-2, p.n_threads = 2; /* standardised */
    p.class_weight = ST_CLASS_WEIGHT_POSITIVE, p.positive_weight = 3;
    same_model(&to, 2, 1, &p);
}

static void test_same_model_hashing(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.hash_bits = 6, to.ngram_max = 2, to.tfidf = 1, to.sublinear_tf = 1;
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 1e-3, p.standardize = 0;
    same_model(&to, 2, 1, &p);
}

static void test_same_model_text_alone(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 1e-3, p.standardize = 0;
    same_model(&to, 2, 0, &p);
}

static void refused(const st_read_options *o, const st_logreg_params *p, const char *message)
{
    const char *cols[] = {"note"};
    st_dataset *others = NULL;
    st_text_featurizer *g[1] = {NULL};
    st_text_rows *rows = NULL;
    st_logreg_rowfile *rf = NULL;
    st_error e;
    st_text_options to = st_text_options_default();
    assert_int_equal(st_text_rows_open(csv, o, cols, 1, &to, &others, g, &rows, &e), ST_OK);
    assert_int_equal(st_logreg_rowfile_write_text(others, rows, p, rows_dir, &rf, &e),
                     ST_ERR_INVALID_ARG);
    assert_null(rf);
    assert_string_equal(e.message, message);
    assert_true(dir_is_empty(rows_dir));
    st_text_rows_free(rows);
    st_text_featurizer_free(g[0]);
    st_dataset_free(others);
}

static void test_refused(void **state)
{
    (void)state;
    st_read_options o = read_opts(1);
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 1e-3, p.alpha = 1;
    refused(&o, &p, "logistic regression: out-of-core training fits ridge only (--alpha 0): "
            "L1 and elastic-net need the data in memory (train without --out-of-core)");
    static const char *const ignore[] = {"id"};
    o.ignore = ignore, o.n_ignore = 1;
    p.alpha = 0;
    refused(&o, &p, "out-of-core training takes numeric columns only: 'ward' is categorical "
            "(drop it with --ignore, or train without --out-of-core)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_vocabulary),   cmocka_unit_test(test_rows_hashing),
        cmocka_unit_test(test_same_model_vocabulary), cmocka_unit_test(test_same_model_hashing),
        cmocka_unit_test(test_same_model_text_alone), cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, write_notes, remove_tmpdir);
}
