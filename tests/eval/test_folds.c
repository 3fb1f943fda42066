/* Cross-validation folds (st_folds_make) and row subsets (st_dataset_subset,
 * st_dataset_select): every row in one test fold per repeat, class balance within one row,
 * groups never split, the same seed giving the same folds, exact copies, and the
 * out-of-memory loop (this test links the fault-injection build of the library). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "core/alloc.h"

#define N 103

/* 17 positives among 103 rows, scattered. */
static void make_labels(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = (i * 7) % 6 == 1 ? 1.0f : 0.0f;
}

/* Each fold holds floor or ceil of n_c / k rows of each class, and every fold index is in
 * range (so each row is in exactly one test fold of the repeat). */
static void check_balanced(const float *y, size_t n, const int *fold, size_t k)
{
    size_t count[2][64] = {{0}}, n_c[2] = {0};
    for (size_t i = 0; i < n; i++) {
        assert_true(fold[i] >= 0 && (size_t)fold[i] < k);
        count[(int)y[i]][fold[i]]++;
        n_c[(int)y[i]]++;
    }
    for (int c = 0; c < 2; c++)
        for (size_t f = 0; f < k; f++) {
            double ideal = (double)n_c[c] / (double)k;
            if (fabs((double)count[c][f] - ideal) >= 1)
                fail_msg("class %d has %zu rows in fold %zu; ideal %.2f", c, count[c][f], f,
                         ideal);
        }
}

/* Stratified folds: balanced per class in every repeat, reproducible, repeats differ. */
static void test_stratified(void **state)
{
    float y[N];
    make_labels(y, N);
    for (size_t k = 2; k <= 10; k++) {
        st_folds_params p = st_folds_params_default();
        p.n_folds = k;
        p.n_repeats = 3;
        int fold[3 * N], again[3 * N];
        size_t nk = 0;
        assert_int_equal(st_folds_make(y, N, &p, fold, 3 * N, &nk, NULL), ST_OK);
        assert_int_equal(nk, k);
        for (int r = 0; r < 3; r++)
            check_balanced(y, N, fold + r * N, k);
        assert_int_equal(st_folds_make(y, N, &p, again, 3 * N, &nk, NULL), ST_OK);
        assert_memory_equal(fold, again, sizeof fold);
        assert_memory_not_equal(fold, fold + N, N * sizeof *fold);
        /* repeat 0 does not depend on the number of repeats */
        p.n_repeats = 1;
        assert_int_equal(st_folds_make(y, N, &p, again, N, &nk, NULL), ST_OK);
        assert_memory_equal(fold, again, N * sizeof *fold);
        p.seed = 7;
        assert_int_equal(st_folds_make(y, N, &p, again, N, &nk, NULL), ST_OK);
        assert_memory_not_equal(fold, again, N * sizeof *fold);
    }
}

/* Grouped folds: a group's rows share a fold in every repeat, every fold has rows, and the
 * groups holding positives are spread over the folds. */
static void test_groups(void **state)
{
    float y[N];
    double g[N];
    make_labels(y, N);
    for (size_t i = 0; i < N; i++)
        g[i] = (double)((i * 13) % 31) * 1.5 - 7; /* 31 groups of 3 or 4 rows */
    st_folds_params p = st_folds_params_default();
    p.groups = g;
    p.n_repeats = 2;
    int fold[2 * N];
    size_t k = 0;
    assert_int_equal(st_folds_make(y, N, &p, fold, 2 * N, &k, NULL), ST_OK);
    assert_int_equal(k, 5);
    for (int r = 0; r < 2; r++) {
        const int *f = fold + r * N;
        size_t rows[5] = {0}, pos[5] = {0};
        for (size_t i = 0; i < N; i++) {
            rows[f[i]]++;
            pos[f[i]] += y[i] == 1.0f;
            for (size_t j = 0; j < i; j++)
                if (g[j] == g[i] && f[j] != f[i])
                    fail_msg("repeat %d: group %g split over folds %d and %d", r, g[i], f[j],
                             f[i]);
        }
        for (int q = 0; q < 5; q++) {
            assert_true(rows[q] >= 15 && rows[q] <= 27);
            assert_true(pos[q] >= 1);
        }
    }
    int again[2 * N];
    assert_int_equal(st_folds_make(y, N, &p, again, 2 * N, &k, NULL), ST_OK);
    assert_memory_equal(fold, again, sizeof fold);
}

/* A caller's fold column: distinct values in ascending order are folds 0, 1, ... */
static void test_given(void **state)
{
    double ids[6] = {10, -2, 10, 3.5, -2, 3.5};
    int fold[6];
    size_t k = 0;
    st_folds_params p = st_folds_params_default();
    p.fold_ids = ids;
    assert_int_equal(st_folds_make(NULL, 6, &p, fold, 6, &k, NULL), ST_OK);
    assert_int_equal(k, 3);
    int want[6] = {2, 0, 2, 1, 0, 1};
    assert_memory_equal(fold, want, sizeof want);
}

/* Impossible requests are errors that say what was expected. */
static void test_errors(void **state)
{
    float y[N];
    double g[N];
    make_labels(y, N);
    int fold[2 * N];
    size_t k;
    st_error err;
    st_folds_params p = st_folds_params_default();
    p.n_folds = 1;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "expected from 2"));
    p.n_folds = 5;
    assert_int_equal(st_folds_make(y, 4, &p, fold, N, &k, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "at least as many rows as folds"));
    p.n_repeats = 2;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_INVALID_ARG);
    for (size_t i = 0; i < N; i++)
        g[i] = (double)(i % 3);
    p.n_repeats = 1;
    p.groups = g;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "3 groups cannot make 5 folds"));
    g[4] = NAN;
    p.n_folds = 2;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "row 5"));
    p.groups = NULL;
    p.fold_ids = g;
    g[4] = 1;
    p.n_repeats = 2;
    assert_int_equal(st_folds_make(y, N, &p, fold, 2 * N, &k, &err), ST_ERR_INVALID_ARG);
    p.n_repeats = 1;
    for (size_t i = 0; i < N; i++)
        g[i] = 4;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "1 distinct"));
    y[2] = 0.5f;
    p.fold_ids = NULL;
    assert_int_equal(st_folds_make(y, N, &p, fold, N, &k, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "row 3"));
}

static const char csv[] =
    "age,sex,site,w,outcome\n"
    "63,M,north,1,yes\n45,F,south,2,no\n51,F,\"east, upper\",0.5,no\n,M,north,1,yes\n"
    "38,F,,3,no\n";

static st_dataset *read_small(void)
{
    st_read_options o = st_read_options_default();
    o.label = "outcome";
    o.positive = "yes";
    o.weight = "w";
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "small", &o, &ds, NULL),
                     ST_OK);
    return ds;
}

static int same_float(float a, float b) { return (isnan(a) && isnan(b)) || a == b; }

/* A subset copies the chosen rows exactly, with every name and dictionary. */
static void test_subset(void **state)
{
    st_dataset *ds = read_small(), *sub = NULL;
    size_t rows[4] = {4, 0, 3, 0};
    assert_int_equal(st_dataset_subset(ds, rows, 4, &sub, NULL), ST_OK);
    assert_int_equal(st_dataset_n_rows(sub), 4);
    assert_int_equal(st_dataset_n_features(sub), st_dataset_n_features(ds));
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        assert_string_equal(st_dataset_feature_name(sub, j), st_dataset_feature_name(ds, j));
        assert_int_equal(st_dataset_feature_type(sub, j), st_dataset_feature_type(ds, j));
        assert_int_equal(st_dataset_n_levels(sub, j), st_dataset_n_levels(ds, j));
        for (size_t l = 0; l < st_dataset_n_levels(ds, j); l++)
            assert_string_equal(st_dataset_level(sub, j, l), st_dataset_level(ds, j, l));
        for (size_t i = 0; i < 4; i++)
            assert_true(same_float(st_dataset_feature_values(sub, j)[i],
                                   st_dataset_feature_values(ds, j)[rows[i]]));
    }
    for (size_t i = 0; i < 4; i++) {
        assert_true(st_dataset_labels(sub)[i] == st_dataset_labels(ds)[rows[i]]);
        assert_true(st_dataset_weights(sub)[i] == st_dataset_weights(ds)[rows[i]]);
    }
    assert_string_equal(st_dataset_label_name(sub), "outcome");
    assert_string_equal(st_dataset_weight_name(sub), "w");
    assert_string_equal(st_dataset_class_name(sub, 1), "yes");
    assert_string_equal(st_dataset_class_name(sub, 0), "no");
    st_dataset_free(sub);

    /* select: drop "sex", keep every row */
    size_t keep[2] = {2, 0};
    assert_int_equal(st_dataset_select(ds, NULL, 0, keep, 2, &sub, NULL), ST_OK);
    assert_int_equal(st_dataset_n_rows(sub), 5);
    assert_string_equal(st_dataset_feature_name(sub, 0), "site");
    assert_string_equal(st_dataset_feature_name(sub, 1), "age");
    assert_int_equal(st_dataset_find_feature(sub, "sex"), -1);
    st_dataset_free(sub);

    st_error err;
    size_t bad = 5;
    sub = (st_dataset *)1;
    assert_int_equal(st_dataset_subset(ds, &bad, 1, &sub, &err), ST_ERR_INVALID_ARG);
    assert_null(sub);
    assert_non_null(strstr(err.message, "below 5"));
    size_t twice[2] = {1, 1};
    assert_int_equal(st_dataset_select(ds, NULL, 0, twice, 2, &sub, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_subset(NULL, rows, 1, &sub, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_dataset_subset(ds, rows, 0, &sub, &err), ST_ERR_INVALID_ARG);
    st_dataset_free(ds);
}

/* One cycle of everything that allocates; ST_OK or ST_ERR_NOMEM. */
static st_status oom_cycle(const st_dataset *ds)
{
    float y[N];
    double g[N];
    make_labels(y, N);
    for (size_t i = 0; i < N; i++)
        g[i] = (double)(i % 11);
    int fold[2 * N];
    size_t k;
    st_error err;
    st_folds_params p = st_folds_params_default();
    p.n_repeats = 2;
    st_status rc = st_folds_make(y, N, &p, fold, 2 * N, &k, &err);
    p.groups = g;
    if (rc == ST_OK)
        rc = st_folds_make(y, N, &p, fold, 2 * N, &k, &err);
    p.groups = NULL;
    p.fold_ids = g;
    p.n_repeats = 1;
    if (rc == ST_OK)
        rc = st_folds_make(y, N, &p, fold, N, &k, &err);
    st_dataset *sub = (st_dataset *)1;
    size_t rows[3] = {2, 1, 2};
    if (rc == ST_OK) {
        rc = st_dataset_subset(ds, rows, 3, &sub, &err);
        if (rc != ST_OK)
            assert_null(sub);
        else
            st_dataset_free(sub);
    }
    size_t keep[2] = {1, 2};
    if (rc == ST_OK) {
        rc = st_dataset_select(ds, rows, 3, keep, 2, &sub, &err);
        if (rc != ST_OK)
            assert_null(sub);
        else
            st_dataset_free(sub);
    }
    if (rc != ST_OK)
        assert_int_equal(err.code, rc);
    return rc;
}

/* The Nth allocation failing gives ST_ERR_NOMEM and leaks nothing, for every N. */
static void test_oom(void **state)
{
    st_dataset *ds = read_small();
    long baseline = st__fault_live_blocks(), n;
    for (n = 0; n < 10000; n++) {
        st__fault_fail_after(n);
        st_status rc = oom_cycle(ds);
        st__fault_fail_after(-1);
        assert_int_equal(st__fault_live_blocks(), baseline);
        if (rc == ST_OK)
            break;
        assert_int_equal(rc, ST_ERR_NOMEM);
    }
    assert_true(n > 10 && n < 10000);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stratified), cmocka_unit_test(test_groups),
        cmocka_unit_test(test_given),      cmocka_unit_test(test_errors),
        cmocka_unit_test(test_subset),     cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
