/* Allocation failure in the text featurizer: reading a CSV with a text column, fitting
 * (vocabulary and hashing modes), transforming (from the texts and from a corpus), a
 * logistic regression keeping the featurizer, saved and loaded, run with the Nth
 * allocation failing for N = 0, 1, 2, ... until the cycle succeeds. Each failing run must
 * return ST_ERR_NOMEM and leave no block allocated. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stratum.h>

#include "core/alloc.h"

static char csv[8192];
static char path[] = "/tmp/st_text_oom_XXXXXX";

static void make_csv(void)
{
    static const char *words[] = {"tumour", "benign", "cells", "Ki-67", "café", "the",
                                  "breast", "α", "2.5mg", "node"};
    size_t len = (size_t)snprintf(csv, sizeof csv, "age,note,label\n");
    for (int i = 0; i < 40; i++) {
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%d,\"", 30 + i);
        for (int w = 0; w < 3 + i % 5; w++)
            len += (size_t)snprintf(csv + len, sizeof csv - len, "%s%s", w ? " " : "",
                                    words[(i * 3 + w * 7) % 10]);
        len += (size_t)snprintf(csv + len, sizeof csv - len, "\",%d\n", i % 3 == 0);
    }
}

static st_status cycle(int hash_bits)
{
    st_read_options o = st_read_options_default();
    const char *text[] = {"note"};
    o.categorical = text, o.n_categorical = 1;
    st_dataset *raw = NULL, *ds = NULL;
    st_text_featurizer *f = NULL, *g = NULL;
    st_logreg *m = NULL, *back = NULL;
    st_text_options to = st_text_options_default();
    to.ngram_max = 2, to.tfidf = 1, to.hash_bits = hash_bits;
    st_logreg_params lp = st_logreg_params_default();
    lp.n_threads = 1, lp.standardize = 0;
    lp.lambda = 1e-4; /* one fit, as before the inner cross-validation became the default */
    st_error e; /* given: with NULL, the reader says ST_ERR_PARSE for one failure (data/) */
    st_status rc = st_dataset_read_csv_buffer(csv, strlen(csv), "notes.csv", &o, &raw, &e);
    if (rc == ST_OK)
        rc = st_text_fit_dataset(raw, "note", &to, &f, NULL);
    const st_text_featurizer *fs[1] = {f};
    if (rc == ST_OK)
        rc = st_text_transform(fs, 1, raw, &ds, NULL);
    st_text_corpus *c = NULL; /* the same, texts analysed once (cv) */
    st_text_featurizer *fc = NULL;
    st_dataset *dc = NULL;
    if (rc == ST_OK)
        rc = st_text_corpus_build((const st_dataset *const[]){raw}, 1, "note", &to, &c, NULL);
    if (rc == ST_OK)
        rc = st_text_fit_corpus(c, raw, &fc, NULL);
    if (rc == ST_OK)
        rc = st_text_transform_corpus((const st_text_featurizer *const[]){fc},
                                      (const st_text_corpus *const[]){c}, 1, raw, &dc, NULL);
    st_dataset_free(dc);
    st_text_featurizer_free(fc);
    st_text_corpus_free(c);
    if (rc == ST_OK)
        rc = st_logreg_train(ds, &lp, &m, NULL);
    if (rc == ST_OK && (rc = st_logreg_add_text_featurizer(m, f, NULL)) == ST_OK)
        f = NULL; /* the model's now */
    if (rc == ST_OK)
        rc = st_logreg_save(m, path, NULL);
    if (rc == ST_OK)
        rc = st_logreg_load(path, &back, NULL);
    if (rc == ST_OK && st_logreg_n_text_featurizers(back) != 1)
        rc = ST_ERR_DATA;
    if (rc == ST_OK)
        rc = st_text_featurizer_save(st_logreg_text_featurizer(back, 0), path, NULL);
    if (rc == ST_OK)
        rc = st_text_featurizer_load(path, &g, NULL);
    st_text_featurizer_free(g);
    st_logreg_free(back);
    st_logreg_free(m);
    st_text_featurizer_free(f);
    st_dataset_free(ds);
    st_dataset_free(raw);
    return rc;
}

static void run_until_success(int hash_bits)
{
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        st_status rc = cycle(hash_bits);
        st__fault_fail_after(-1);
        assert_int_equal(st__fault_live_blocks(), 0);
        if (rc == ST_OK)
            return;
        if (rc != ST_ERR_NOMEM && rc != ST_ERR_IO)
            fail_msg("allocation %ld failing gave status %d", n, (int)rc);
    }
}

static void test_vocabulary(void **state)
{
    (void)state;
    run_until_success(0);
}

static void test_hashing(void **state)
{
    (void)state;
    run_until_success(8);
}

/* Text featurized while the CSV is read (st_text_read_csv), the CSV in a file of its own:
 * each allocation failing in turn, in both modes, beside the age column. */
static char stream_path[] = "/tmp/st_text_oom_csv_XXXXXX";

static void test_stream(void **state)
{
    (void)state;
    FILE *fp = fopen(stream_path, "w");
    assert_non_null(fp);
    fputs(csv, fp);
    fclose(fp);
    for (int bits = 0; bits <= 8; bits += 8) {
        st_text_options to = st_text_options_default();
        to.ngram_max = 2, to.tfidf = 1, to.hash_bits = bits;
        const char *cols[1] = {"note"};
        for (long n = 0;; n++) {
            st_dataset *ds = NULL;
            st_text_featurizer *f[1] = {NULL};
            st_error e;
            st__fault_fail_after(n);
            st_status rc = st_text_read_csv(stream_path, NULL, cols, 1, &to, &ds, f, &e);
            st__fault_fail_after(-1);
            if (rc == ST_OK)
                assert_int_equal(st_dataset_n_features(ds), 1 + st_text_featurizer_n_terms(f[0]));
            st_dataset_free(ds);
            st_text_featurizer_free(f[0]);
            assert_int_equal(st__fault_live_blocks(), 0);
            if (rc == ST_OK)
                break;
            if (rc != ST_ERR_NOMEM)
                fail_msg("allocation %ld failing gave status %d: %s", n, (int)rc, e.message);
        }
    }
    unlink(stream_path);
}

int main(void)
{
    make_csv();
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    if ((fd = mkstemp(stream_path)) < 0)
        return 1;
    close(fd);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_vocabulary),
                                       cmocka_unit_test(test_hashing),
                                       cmocka_unit_test(test_stream)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(path);
    return failed;
}
