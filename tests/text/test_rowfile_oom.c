/* Allocation failure in out-of-core logistic regression (stratum/logreg_rowfile.h): the
 * row file written from a featurized dataset (st_logreg_rowfile_write) and straight from a
 * CSV file's text (st_text_rows_open, st_logreg_rowfile_write_text), then trained from,
 * with the Nth allocation failing for N = 0, 1, 2, ... until the cycle succeeds, in both
 * text modes, beside an ordinary column with a missing value. Each failing run must
 * return ST_ERR_NOMEM, leave no block allocated and no file in the row file's directory
 * (the file is unlinked when it is created). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stratum.h>
#include <stratum/logreg_rowfile.h>

#include "core/alloc.h"

static char dir[] = "/tmp/st_rowfile_oom_XXXXXX";
static char csv_path[512];

static int write_csv(void)
{
    static const char *words[] = {"tumour", "benign", "cells", "Ki-67", "café", "the",
                                  "breast", "α", "2.5mg", "node"};
    snprintf(csv_path, sizeof csv_path, "%s/notes.csv", dir);
    FILE *fp = fopen(csv_path, "w");
    if (fp == NULL)
        return -1;
    fprintf(fp, "age,note,label\n");
    for (int i = 0; i < 40; i++) {
        if (i == 5)
            fprintf(fp, ",\"");
        else
            fprintf(fp, "%d,\"", 30 + i);
        for (int w = 0; w < 3 + i % 5; w++)
            fprintf(fp, "%s%s", w ? " " : "", words[(i * 3 + w * 7) % 10]);
        fprintf(fp, "\",%d\n", i % 3 == 0);
    }
    return fclose(fp);
}

/* Files in dir other than the CSV. */
static int stray_files(void)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
             strcmp(e->d_name, "notes.csv") != 0;
    closedir(d);
    return n;
}

static st_status cycle(int hash_bits, int streamed, st_error *e)
{
    const char *cols[1] = {"note"};
    st_text_options to = st_text_options_default();
    to.ngram_max = 2, to.tfidf = 1, to.hash_bits = hash_bits;
    st_logreg_params lp = st_logreg_params_default();
    lp.n_threads = 1, lp.standardize = 0, lp.lambda = 1e-3;
    st_dataset *ds = NULL;
    st_text_featurizer *f[1] = {NULL};
    st_text_rows *rows = NULL;
    st_logreg_rowfile *rf = NULL;
    st_logreg *m = NULL;
    st_status rc;
    if (streamed) {
        rc = st_text_rows_open(csv_path, NULL, cols, 1, &to, &ds, f, &rows, e);
        if (rc == ST_OK)
            rc = st_logreg_rowfile_write_text(ds, rows, &lp, dir, &rf, e);
    } else {
        rc = st_text_read_csv(csv_path, NULL, cols, 1, &to, &ds, f, e);
        if (rc == ST_OK)
            rc = st_logreg_rowfile_write(ds, &lp, dir, &rf, e);
    }
    st_text_rows_free(rows);
    if (rc == ST_OK)
        rc = st_logreg_rowfile_train(rf, &m, e);
    st_logreg_rowfile_free(rf);
    st_logreg_free(m);
    st_text_featurizer_free(f[0]);
    st_dataset_free(ds);
    return rc;
}

static void run_until_success(int hash_bits, int streamed)
{
    for (long n = 0;; n++) {
        st_error e;
        st__fault_fail_after(n);
        st_status rc = cycle(hash_bits, streamed, &e);
        st__fault_fail_after(-1);
        assert_int_equal(st__fault_live_blocks(), 0);
        assert_int_equal(stray_files(), 0);
        if (rc == ST_OK) {
            assert_true(n > 10); /* the cycle allocates */
            return;
        }
        if (rc != ST_ERR_NOMEM)
            fail_msg("allocation %ld failing gave status %d: %s", n, (int)rc, e.message);
    }
}

static void test_dataset_vocabulary(void **state) { (void)state; run_until_success(0, 0); }
static void test_dataset_hashing(void **state) { (void)state; run_until_success(8, 0); }
static void test_streamed_vocabulary(void **state) { (void)state; run_until_success(0, 1); }
static void test_streamed_hashing(void **state) { (void)state; run_until_success(8, 1); }

int main(void)
{
    if (mkdtemp(dir) == NULL || write_csv() != 0)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dataset_vocabulary),
                                       cmocka_unit_test(test_dataset_hashing),
                                       cmocka_unit_test(test_streamed_vocabulary),
                                       cmocka_unit_test(test_streamed_hashing)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(csv_path);
    rmdir(dir);
    return failed;
}
