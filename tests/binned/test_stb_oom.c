/* Allocation failure in the out-of-core path: st_bin_file (CSV streamed, with a column
 * turning categorical late and a sketch small enough to prune; and LibSVM), st_binned_open
 * and training on the file, run with the Nth allocation failing for N = 0, 1, 2, ... until
 * the cycle succeeds. Each failing run must return ST_ERR_NOMEM, leave no block allocated,
 * its OUT pointers NULL and no temporary file behind. */
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

#include "core/alloc.h"

static char dir[] = "/tmp/stratum_stb_oom_XXXXXX";
static char csv[300], svm[300], out[300];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(csv, sizeof csv, "%s/d.csv", dir);
    snprintf(svm, sizeof svm, "%s/d.svm", dir);
    snprintf(out, sizeof out, "%s/d.stb", dir);
    FILE *f = fopen(csv, "wb"), *g = fopen(svm, "wb");
    if (f == NULL || g == NULL)
        return -1;
    fprintf(f, "x,site,late,w,label\n");
    for (int i = 0; i < 200; i++) {
        fprintf(f, "%d.5,\"s,%d\",%s,%d,%d\n", (i * 37) % 101, i % 5,
                i < 150 ? (i % 3 ? "1" : "") : "high", 1 + i % 3, (i * 7) % 3 == 0);
        fprintf(g, "%d 1:%d 3:%d\n", (i * 7) % 3 == 0, (i * 37) % 101, i % 4);
    }
    fclose(f);
    fclose(g);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(csv);
    unlink(svm);
    unlink(out);
    rmdir(dir);
    return 0;
}

/* Files in dir besides the inputs and the output: leftover temporaries. */
static int stray_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static st_status cycle(const char *data, const st_dataset *ds)
{
    st_read_options ro = st_read_options_default();
    ro.weight = strstr(data, ".csv") != NULL ? "w" : NULL;
    st_bin_options bo = st_bin_options_default();
    bo.sketch_size = 16; /* 101 distinct values: pruned */
    bo.block_rows = 64;
    bo.chunk_bytes = 4096;
    st_error err;
    st_status rc = st_bin_file(data, &ro, &bo, out, NULL, &err);
    if (rc != ST_OK && rc != ST_ERR_NOMEM)
        fail_msg("st_bin_file: %s", err.message);
    if (rc != ST_OK)
        return rc;
    st_binned *b = (st_binned *)(uintptr_t)1;
    if ((rc = st_binned_open(out, &b, &err)) != ST_OK) {
        assert_null(b);
        return rc;
    }
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 2;
    prm.num_leaves = 4;
    prm.min_data_in_leaf = 5;
    prm.n_threads = 1;
    st_gbdt *m = (st_gbdt *)(uintptr_t)1, *w = (st_gbdt *)(uintptr_t)1;
    rc = st_gbdt_train_binned(b, NULL, &prm, NULL, &m, &err);
    if (rc != ST_OK)
        assert_null(m);
    else
        st_gbdt_free(m);
    if (rc == ST_OK && ds != NULL) {
        rc = st_gbdt_train_with_bins(ds, b, NULL, &prm, NULL, &w, &err);
        if (rc != ST_OK)
            assert_null(w);
        else
            st_gbdt_free(w);
    }
    st_binned_close(b);
    return rc;
}

static void oom_loop(const char *data, const st_dataset *ds)
{
    long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        st_status rc = cycle(data, ds);
        st__fault_fail_after(-1);
        if (st__fault_live_blocks() != baseline)
            fail_msg("allocation %ld failing leaks %ld blocks", n, st__fault_live_blocks() - baseline);
        assert_int_equal(stray_files(), 0);
        if (rc == ST_OK)
            return;
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_true(n < 100000);
    }
}

static void test_csv_oom(void **state)
{
    (void)state;
    st_read_options ro = st_read_options_default();
    ro.weight = "w";
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read(csv, &ro, &ds, NULL), ST_OK);
    oom_loop(csv, ds);
    st_dataset_free(ds);
}

static void test_libsvm_oom(void **state)
{
    (void)state;
    oom_loop(svm, NULL);
}

/* st_logreg_train_binned with the Nth allocation failing (the file binned beforehand). */
static void test_logreg_binned_oom(void **state)
{
    (void)state;
    st_read_options ro = st_read_options_default();
    ro.weight = "w";
    st_bin_options bo = st_bin_options_default();
    bo.store_values = 1;
    st_error err;
    st_binned *b = NULL;
    assert_int_equal(st_bin_file(csv, &ro, &bo, out, NULL, &err), ST_OK);
    assert_int_equal(st_binned_open(out, &b, &err), ST_OK);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.01;
    prm.alpha = 0.5;
    prm.n_threads = 1;
    long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st_logreg *m = (st_logreg *)(uintptr_t)1;
        st__fault_fail_after(n);
        st_status rc = st_logreg_train_binned(b, &prm, &m, &err);
        st__fault_fail_after(-1);
        if (rc == ST_OK) {
            st_logreg_free(m);
            break;
        }
        assert_null(m);
        if (st__fault_live_blocks() != baseline)
            fail_msg("allocation %ld failing leaks %ld blocks", n, st__fault_live_blocks() - baseline);
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_true(n < 100000);
    }
    assert_int_equal(st__fault_live_blocks(), baseline);
    st_binned_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_oom),
        cmocka_unit_test(test_libsvm_oom),
        cmocka_unit_test(test_logreg_binned_oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
