/* Allocation failure: a whole read / train / save / load / predict cycle is run with the
 * Nth allocation failing, for N = 0, 1, 2, ... until the cycle succeeds. Every failing run
 * must return ST_ERR_NOMEM (never crash), leave no block allocated, leave its OUT pointer
 * NULL and leave an existing model file untouched (SQLite's malloc test loop). */
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

static const char csv[] =
    "age,sex,site,bp,label\n"
    "63,M,north,140,1\n45,F,south,,0\n51,F,\"east, upper\",130,0\n70,M,north,NA,1\n"
    "38,F,south,120,0\n59,M,east,150,1\n44,F,north,125,0\n66,M,south,,1\n"
    "52,F,north,135,0\n47,M,east,128,0\n71,F,south,145,1\n36,M,north,118,0\n";

static const char old_model[] = "an older model file that must survive failed saves\n";

/* Reads the file at path into buf (NUL-terminated). */
static void read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* One cycle; returns its status, which must be ST_OK or ST_ERR_NOMEM, and says whether the
 * save succeeded. */
static st_status cycle(const char *model_path, double alpha, int *saved)
{
    *saved = 0;
    st_error err;
    st_dataset *ds = (st_dataset *)1;
    st_logreg *m = (st_logreg *)1, *loaded = (st_logreg *)1;
    st_status rc = st_dataset_read_csv_buffer(csv, sizeof csv - 1, "oom.csv", NULL, &ds, &err);
    if (rc != ST_OK) {
        assert_null(ds);
        return rc;
    }
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05;
    prm.alpha = alpha;
    prm.missing_indicators = 1;
    prm.n_threads = 1;
    rc = st_logreg_train(ds, &prm, &m, &err);
    if (rc != ST_OK)
        assert_null(m);
    if (rc == ST_OK) {
        rc = st_logreg_save(m, model_path, &err);
        *saved = rc == ST_OK;
    }
    if (rc == ST_OK) {
        rc = st_logreg_load(model_path, &loaded, &err);
        if (rc != ST_OK)
            assert_null(loaded);
    }
    if (rc == ST_OK) {
        double p[12];
        rc = st_logreg_predict(loaded, ds, p, 12, &err);
        double c[12 * 5];
        if (rc == ST_OK)
            rc = st_logreg_contrib(loaded, ds, c, 12 * 5, &err);
        st_logreg_free(loaded);
    }
    if (rc != ST_OK)
        assert_int_equal(err.code, rc);
    if (m != (st_logreg *)1)
        st_logreg_free(m);
    st_dataset_free(ds);
    return rc;
}

static void write_old_model(const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(old_model, 1, sizeof old_model - 1, f), sizeof old_model - 1);
    assert_int_equal(fclose(f), 0);
}

static void run_until_success(double alpha)
{
    char path[] = "/tmp/stratum_oom_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_old_model(path);
    long baseline = st__fault_live_blocks();
    long n;
    for (n = 0; n < 100000; n++) {
        int saved;
        st__fault_fail_after(n);
        st_status rc = cycle(path, alpha, &saved);
        st__fault_fail_after(-1);
        assert_int_equal(st__fault_live_blocks(), baseline);
        if (rc == ST_OK)
            break;
        assert_int_equal(rc, ST_ERR_NOMEM);
        char now[256];
        read_file(path, now, sizeof now);
        if (!saved && strcmp(now, old_model) != 0)
            fail_msg("allocation %ld failed, the save did not succeed, yet the model file "
                     "changed", n);
        if (saved)
            write_old_model(path);
    }
    assert_true(n > 10); /* the cycle really allocates, so the loop really tested failures */
    assert_true(n < 100000);
    char now[256];
    read_file(path, now, sizeof now);
    assert_string_not_equal(now, old_model); /* the successful run did replace it */
    unlink(path);
}

/* Ridge (Newton solver) cycle under every allocation failure. */
static void test_ridge_cycle(void **state)
{
    (void)state;
    run_until_success(0.0);
}

/* Lasso (coordinate descent) cycle under every allocation failure. */
static void test_lasso_cycle(void **state)
{
    (void)state;
    run_until_success(1.0);
}

/* The other allocating entry points: LibSVM and file reading, arrays, atomic writes. */
static st_status other_entry_points(const char *dir)
{
    static const char svm[] = "1 1:0.5 3:2 # comment\n0 2:1\n-1 qid:3 1:1 2:2 3:3\n";
    static const float x[6] = {1, 2, 3, 4, 5, 6};
    static const float y[3] = {0, 1, 1};
    char csv_path[256], out_path[256];
    snprintf(csv_path, sizeof csv_path, "%s/in.csv", dir);
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    st_error err;
    st_dataset *ds = (st_dataset *)1;
    st_status rc = st_dataset_read_libsvm_buffer(svm, sizeof svm - 1, "oom.svm", NULL, &ds, &err);
    if (rc != ST_OK) {
        assert_null(ds);
        return rc;
    }
    st_dataset_free(ds);
    ds = (st_dataset *)1;
    if ((rc = st_dataset_from_arrays(3, 2, x, y, NULL, NULL, &ds, &err)) != ST_OK) {
        assert_null(ds);
        return rc;
    }
    st_dataset_free(ds);
    ds = (st_dataset *)1;
    if ((rc = st_dataset_from_arrays_borrowed(3, 2, x, y, y, NULL, &ds, &err)) != ST_OK) {
        assert_null(ds);
        return rc;
    }
    st_dataset_free(ds);
    ds = (st_dataset *)1;
    if ((rc = st_dataset_read(csv_path, NULL, &ds, &err)) != ST_OK) {
        assert_null(ds);
        return rc;
    }
    st_dataset_free(ds);
    char **texts = (char **)1;
    size_t n_texts = 0;
    if ((rc = st_csv_column_texts(csv_path, NULL, "site", &texts, &n_texts, &err)) != ST_OK) {
        assert_null(texts);
        return rc;
    }
    assert_int_equal(n_texts, 12);
    st_texts_free(texts, n_texts);
    return st_file_write_atomic(out_path, "p\n0.5\n", 6, &err);
}

/* LibSVM and file reading, arrays and atomic writes under every allocation failure. */
static void test_other_entry_points(void **state)
{
    (void)state;
    char dir[] = "/tmp/stratum_oom_dir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char csv_path[256];
    snprintf(csv_path, sizeof csv_path, "%s/in.csv", dir);
    FILE *f = fopen(csv_path, "w");
    assert_non_null(f);
    fputs(csv, f);
    fclose(f);
    long baseline = st__fault_live_blocks();
    long n;
    for (n = 0; n < 10000; n++) {
        st__fault_fail_after(n);
        st_status rc = other_entry_points(dir);
        st__fault_fail_after(-1);
        assert_int_equal(st__fault_live_blocks(), baseline);
        if (rc == ST_OK)
            break;
        assert_int_equal(rc, ST_ERR_NOMEM);
    }
    assert_true(n > 5 && n < 10000);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ridge_cycle),
        cmocka_unit_test(test_lasso_cycle),
        cmocka_unit_test(test_other_entry_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
