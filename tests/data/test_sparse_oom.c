/* Allocation failure with sparse features: st_dataset_from_csr and _from_csc, the LibSVM
 * reader storing columns sparse, a subset of a sparse dataset, and training and scoring on
 * one, run with the Nth allocation failing for N = 0, 1, 2, ... until the cycle succeeds.
 * Each failing run must return ST_ERR_NOMEM, leave no block allocated and its OUT pointers
 * NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"

enum { N = 60, NF = 5 };
static int64_t indptr[N + 1];
static int32_t indices[N * NF];
static float data[N * NF], labels[N];
static char svm[N * 64];

/* A CSR matrix (and the same rows as LibSVM text): feature 0 in every row (dense when read
 * from LibSVM), the others in a few rows, some entries holding 0. */
static void make_data(void)
{
    size_t p = 0, len = 0;
    for (size_t i = 0; i < N; i++) {
        labels[i] = (float)((i * 7) % 3 == 0);
        len += (size_t)snprintf(svm + len, sizeof svm - len, "%d", (int)labels[i]);
        for (int32_t j = 0; j < NF; j++) {
            if (j > 0 && (i + (size_t)j) % (2 + (size_t)j) != 0)
                continue;
            indices[p] = j;
            data[p] = (float)((i * (size_t)(j + 3)) % 5);
            len += (size_t)snprintf(svm + len, sizeof svm - len, " %d:%g", j, (double)data[p]);
            p++;
        }
        len += (size_t)snprintf(svm + len, sizeof svm - len, "\n");
        indptr[i + 1] = (int64_t)p;
    }
}

static st_status train_and_score(const st_dataset *ds)
{
    st_gbdt_params gp = st_gbdt_params_default();
    gp.num_trees = 2;
    gp.num_leaves = 4;
    gp.min_data_in_leaf = 5;
    gp.n_threads = 1;
    st_logreg_params lp = st_logreg_params_default();
    lp.n_threads = 1;
    lp.lambda = 1e-4; /* one fit, as before the inner cross-validation became the default */
    st_gbdt *g = (st_gbdt *)(uintptr_t)1;
    st_logreg *l = (st_logreg *)(uintptr_t)1;
    double p[N];
    st_status rc = st_gbdt_train(ds, &gp, &g, NULL);
    if (rc != ST_OK) {
        assert_null(g);
        return rc;
    }
    rc = st_gbdt_predict(g, ds, ST_GBDT_PROBABILITY, 1, p, N, NULL);
    st_gbdt_free(g);
    if (rc != ST_OK)
        return rc;
    rc = st_logreg_train(ds, &lp, &l, NULL);
    if (rc != ST_OK) {
        assert_null(l);
        return rc;
    }
    rc = st_logreg_predict(l, ds, p, N, NULL);
    st_logreg_free(l);
    return rc;
}

static st_status cycle(void *unused)
{
    (void)unused;
    st_dataset *csr = (st_dataset *)(uintptr_t)1, *csc = (st_dataset *)(uintptr_t)1;
    st_dataset *svm_ds = (st_dataset *)(uintptr_t)1, *sub = (st_dataset *)(uintptr_t)1;
    st_status rc = st_dataset_from_csr(N, NF, indptr, indices, data, labels, NULL, NULL, &csr,
                                       NULL);
    if (rc != ST_OK) {
        assert_null(csr);
        return rc;
    }
    /* the same matrix read by columns: feature j's entries are its CSR entries, in row
       order, so a CSC of the transpose is the CSR with rows and features swapped */
    rc = st_dataset_from_csc(NF, N, indptr, indices, data, NULL, NULL, NULL, &csc, NULL);
    if (rc != ST_OK)
        assert_null(csc);
    if (rc == ST_OK &&
        (rc = st_dataset_read_libsvm_buffer(svm, strlen(svm), "oom.svm", NULL, &svm_ds, NULL)) !=
            ST_OK)
        assert_null(svm_ds);
    const size_t rows[] = {7, 3, 3, 50, 0, 12, 40, 41, 42, 43, 1, 2, 5, 9, 11, 13, 17, 19, 23, 29};
    if (rc == ST_OK &&
        (rc = st_dataset_subset(csr, rows, sizeof rows / sizeof *rows, &sub, NULL)) != ST_OK)
        assert_null(sub);
    if (rc == ST_OK)
        rc = train_and_score(csr);
    if (rc == ST_OK)
        rc = train_and_score(svm_ds);
    st_dataset_free(csr);
    if (csc != (st_dataset *)(uintptr_t)1)
        st_dataset_free(csc);
    if (svm_ds != (st_dataset *)(uintptr_t)1)
        st_dataset_free(svm_ds);
    if (sub != (st_dataset *)(uintptr_t)1)
        st_dataset_free(sub);
    return rc;
}

static void test_sparse_oom(void **state)
{
    (void)state;
    make_data();
    /* the cycle allocates: the sweep did fail some */
    assert_true(test_oom_sweep(cycle, NULL, 100000) > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sparse_oom)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
