/* Boosted trees on sparse data (src/gbdt/gbdt_bundle.c): the sparse and the dense form of
 * the same table give byte-identical models, predictions and SHAP values, on 1 and 2
 * threads; and the
 * bundles of a hand-made table, member by member and code by code. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include "gbdt/gbdt_bins.h"

TEST_SCRATCH_DIR("st_gbdt_sparse")

enum { N = 600, NF = 14 };

/* A table with sparse binary and count columns, explicit zeros, NaN entries, an all-zero
 * column and a column with an entry in most rows; y depends on a few of them. Dense in
 * x (column-major), and as CSR (entries: the non-zeros, the explicit zeros and the NaNs). */
typedef struct table {
    float x[N * NF], y[N];
    int64_t indptr[N + 1];
    int32_t indices[N * NF];
    float data[N * NF];
} table;

static void make_table(table *t)
{
    unsigned long long s = 20261206;
    size_t e = 0;
    t->indptr[0] = 0;
    for (size_t i = 0; i < N; i++) {
        double logit = -1;
        for (size_t j = 0; j < NF; j++) {
            const double u = test_uniform(&s);
            float v = 0;
            int stored = 0;
            if (j == 0) /* all zeros, never stored */
                v = 0;
            else if (j == 1) /* present in most rows, counts 0..5 */
                stored = u < 0.9, v = stored ? (float)(int)(u * 6) : 0.0f;
            else if (j < 7) /* binary, ~10% */
                v = u < 0.1 ? 1.0f : 0.0f, stored = v != 0;
            else if (j < 11) /* counts, ~8%, some NaN entries */
                v = u < 0.08 ? (float)(1 + (int)(u * 100) % 4) : 0.0f, stored = v != 0;
            else /* ~5% entries, some explicit zeros */
                v = u < 0.03 ? 2.5f : 0.0f, stored = u < 0.05;
            if (j >= 7 && j < 11 && u > 0.97)
                v = NAN, stored = 1;
            t->x[j * N + i] = v; /* column-major */
            if (stored) {
                t->indices[e] = (int32_t)j;
                t->data[e++] = v;
            }
            if (v == v)
                logit += (j == 2 || j == 8 ? 1.5 : j == 1 ? 0.3 : j == 12 ? -1.0 : 0.0) * v;
        }
        t->indptr[i + 1] = (int64_t)e;
        t->y[i] = test_uniform(&s) < 1 / (1 + exp(-logit)) ? 1.0f : 0.0f;
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    buf[*len] = 0;
    return buf;
}

/* SHAP values of ds under m on 1 and 2 threads: the same; into c (N * (NF + 1)). */
static void contrib(const st_gbdt *m, const st_dataset *ds, double *c)
{
    static double c2[N * (NF + 1)];
    st_error err = {0};
    assert_int_equal(st_gbdt_contrib(m, ds, 1, c, N * (NF + 1), &err), ST_OK);
    assert_int_equal(st_gbdt_contrib(m, ds, 2, c2, N * (NF + 1), &err), ST_OK);
    assert_memory_equal(c, c2, sizeof c2);
}

/* Trains on ds, saves the model to tmpdir/name and returns the raw scores of ds (and
 * with shap not NULL, the SHAP values). */
static void train_save(const st_dataset *ds, const st_gbdt_params *prm, const char *name,
                       double *scores, double *shap)
{
    st_error err = {0};
    st_gbdt *m = NULL;
    assert_int_equal(st_gbdt_train(ds, prm, &m, &err), ST_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, prm->n_threads, scores, N, &err),
                     ST_OK);
    if (shap != NULL)
        contrib(m, ds, shap);
    st_gbdt_free(m);
}

static void assert_same_file(const char *a, const char *b)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/%s", tmpdir, a);
    snprintf(pb, sizeof pb, "%s/%s", tmpdir, b);
    size_t la, lb;
    char *ta = slurp(pa, &la), *tb = slurp(pb, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la);
    free(ta);
    free(tb);
}

static void sparse_equals_dense(void **state)
{
    (void)state;
    static table t;
    make_table(&t);
    st_error err = {0};
    st_dataset *dense = NULL, *sparse = NULL;
    assert_int_equal(st_dataset_from_arrays(N, NF, t.x, t.y, NULL, NULL, &dense, &err), ST_OK);
    assert_int_equal(st_dataset_from_csr(N, NF, t.indptr, t.indices, t.data, t.y, NULL, NULL,
                                         &sparse, &err),
                     ST_OK);
    assert_true(st_dataset_feature_is_sparse(sparse, 3));
    assert_false(st_dataset_feature_is_sparse(dense, 3));
    /* the sparse form is bundled: fewer columns of codes than features */
    st_gbdt_params prm = st_gbdt_params_default();
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(sparse, &prm, 1, &b, &err), ST_OK);
    assert_non_null(b.col_of);
    assert_true(b.n_cols < NF);
    /* unbundled (as the distributed trainer does before coding its rows): the dense
       form's offsets and bounds */
    st__gbdt_bins bd;
    assert_int_equal(st__gbdt_bins_build(dense, &prm, 1, &bd, &err), ST_OK);
    assert_null(bd.col_of);
    assert_int_equal(st__gbdt_unbundle(&b, &err), ST_OK);
    assert_null(b.col_of);
    assert_null(b.codes);
    assert_int_equal(b.total_bins, bd.total_bins);
    assert_memory_equal(b.offset, bd.offset, (NF + 1) * sizeof *b.offset);
    assert_memory_equal(b.n_bins, bd.n_bins, NF * sizeof *b.n_bins);
    for (size_t k = 0; k < bd.total_bins; k++)
        if (!(isnan(bd.bounds[k]) && isnan(b.bounds[k])))
            assert_true(b.bounds[k] == bd.bounds[k]);
    st__gbdt_bins_free(&bd);
    st__gbdt_bins_free(&b);

    prm.num_trees = 30;
    prm.min_data_in_leaf = 3;
    prm.num_leaves = 15;
    prm.feature_fraction = 0.8; /* columns of a subset of the features */
    prm.bagging_fraction = 0.7;
    prm.bagging_freq = 1;       /* out-of-bag rows walk the bundled codes */
    static double sd[N], ss[N], s2[N], cd[N * (NF + 1)], cs[N * (NF + 1)];
    for (int threads = 1; threads <= 2; threads++) {
        prm.n_threads = threads;
        train_save(dense, &prm, "dense.model", sd, threads == 1 ? cd : NULL);
        train_save(sparse, &prm, threads == 1 ? "sparse1.model" : "sparse2.model",
                   threads == 1 ? ss : s2, threads == 1 ? cs : NULL);
        assert_same_file("dense.model", threads == 1 ? "sparse1.model" : "sparse2.model");
        assert_memory_equal(sd, threads == 1 ? ss : s2, sizeof sd);
    }
    assert_same_file("sparse1.model", "sparse2.model");
    /* SHAP values read the sparse rows without a dense copy: the same as the dense's */
    assert_memory_equal(cd, cs, sizeof cd);
    /* the trees did split on the sparse features */
    size_t len;
    char path[256];
    snprintf(path, sizeof path, "%s/sparse1.model", tmpdir);
    char *text = slurp(path, &len);
    assert_non_null(strstr(text, "f8"));
    free(text);
    st_dataset_free(dense);
    st_dataset_free(sparse);
}

/* Six rows; f0 non-zero in rows {0, 1}, f1 in {2, 3}, f2 in {1, 4} (meets f0 in row 1),
 * f3 in {5} with values 3 and NaN in row 0 (a missing bin of its own), f4 never. With
 * min_data_in_leaf 1, f4 alone is dropped (no non-default row: it can never split). */
static void bundles_of_a_hand_made_table(void **state)
{
    (void)state;
    const int64_t indptr[] = {0, 2, 4, 5, 6, 7, 8};
    const int32_t indices[] = {0, 3, 0, 2, 1, 1, 2, 3};
    const float data[] = {1, NAN, 2, 7, 1, 1, 7, 3};
    const float y[] = {0, 1, 0, 1, 0, 1};
    st_error err = {0};
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_csr(6, 5, indptr, indices, data, y, NULL, NULL, &ds, &err),
                     ST_OK);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.min_data_in_leaf = 1;
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(ds, &prm, 1, &b, &err), ST_OK);
    assert_non_null(b.col_of);
    /* greedy by decreasing non-default rows, ties by index: f0 (2 rows) opens bundle 0,
       f1 (2) joins it, f2 (2) meets f0 in row 1 and opens bundle 1, f3 (2: rows 0, 5)
       meets f0 in row 0, joins bundle 1; f4 (none) is dropped */
    assert_int_equal(b.n_cols, 2);
    assert_int_equal(b.col_of[0], 0);
    assert_int_equal(b.col_of[1], 0);
    assert_int_equal(b.col_of[2], 1);
    assert_int_equal(b.col_of[3], 1);
    assert_int_equal(b.col_of[4], UINT32_MAX);
    /* bins: f0 {0, 1, 2}: 3 bins, default 1 (the bin of 0); f1 {0, 1}; f2 {0, 7};
       f3 {0, 3} and NaN; f4 {0} */
    assert_int_equal(b.n_bins[0], 3);
    assert_int_equal(b.default_bin[0], 1);
    assert_int_equal(b.default_bin[1], 1);
    assert_int_equal(b.default_bin[3], 1);
    assert_int_equal(b.n_bins[4], 1);
    /* bundle 0's codes: 0 none, 1..2 f0's bins 2, 3, 3 f1's bin 2 (f4 has none);
       bundle 1's: 0 none, 1 f2's bin 2, 2 f3's missing bin, 3 f3's bin 2 */
    assert_int_equal(b.code_off[1] - b.code_off[0], 4);
    assert_int_equal(b.code_off[2] - b.code_off[1], 4);
    const uint8_t want[6][2] = {{1, 2}, {2, 1}, {3, 0}, {3, 0}, {0, 1}, {0, 3}};
    /* kept sparse: no dense codes (no single column), each bundle's non-zero codes by
       increasing row */
    assert_int_equal(b.n_single, 0);
    assert_int_equal(b.bcol_off[1] - b.bcol_off[0], 4); /* bundle 0: rows 0, 1, 2, 3 */
    assert_int_equal(b.bcol_off[2] - b.bcol_off[1], 4); /* bundle 1: rows 0, 1, 4, 5 */
    for (size_t e = b.bcol_off[1]; e + 1 < b.bcol_off[2]; e++)
        assert_true(b.bcol_row[e] < b.bcol_row[e + 1]);
    for (size_t i = 0; i < 6; i++)
        for (size_t c = 0; c < 2; c++)
            assert_int_equal(st__gbdt_bundle_code_at(&b, c, i), want[i][c]);
    /* decoding: feature bins of every row */
    const unsigned bins[6][4] = {{2, 1, 1, 0}, {3, 1, 2, 1}, {1, 2, 1, 1},
                                 {1, 2, 1, 1}, {1, 1, 2, 1}, {1, 1, 1, 2}};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 4; j++)
            assert_int_equal(st__gbdt_code_at(&b, j, i), bins[i][j]);
    /* the bundles' non-zeros row by row, as cells: row 1 has f0's bin 3 and f2's bin 2 */
    assert_non_null(b.bundle_row);
    assert_int_equal(b.bundle_row[6], 8); /* the non-zero codes of want[][] */
    assert_int_equal(b.bundle_row[2] - b.bundle_row[1], 2);
    assert_int_equal(b.bundle_cell[b.bundle_row[1]], b.offset[0] + 3);
    assert_int_equal(b.bundle_cell[b.bundle_row[1] + 1], b.offset[2] + 2);
    /* unbundled, f4 comes back with its bins (the dense form's layout) */
    assert_int_equal(st__gbdt_unbundle(&b, &err), ST_OK);
    assert_int_equal(b.offset[5], b.total_bins);
    assert_int_equal(b.n_bins[4], 1);
    st__gbdt_bins_free(&b);
    /* min_data_in_leaf 3: every feature has fewer non-default rows, all are dropped; a
       model trained so has no split, as that of the dense form */
    prm.min_data_in_leaf = 3;
    assert_int_equal(st__gbdt_bins_build(ds, &prm, 1, &b, &err), ST_OK);
    for (size_t j = 0; j < 5; j++)
        assert_int_equal(b.col_of[j], UINT32_MAX);
    assert_int_equal(b.n_cols, 0);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sparse_equals_dense),
        cmocka_unit_test(bundles_of_a_hand_made_table),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
