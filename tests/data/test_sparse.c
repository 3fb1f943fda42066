/* Sparse features (stratum/dataset.h, "Storage"): st_dataset_from_csr and _from_csc against
 * st_dataset_from_arrays on the same matrix, through every accessor and as training data
 * (the same model files byte for byte); subsets; LibSVM columns stored sparse; the errors. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <unistd.h>

#include "gbdt/gbdt_bins.h"

TEST_SCRATCH_DIR("stratum_sparse")

/* 8 rows x 4 features, column-major. Column 0: sparse with an explicit zero (row 2) and a
 * missing value (row 5); column 1: no entry at all; column 2: every row; column 3: one
 * negative entry. `stored` marks the entries of the compressed forms. */
enum { R = 8, F = 4 };
static const float dense8x4[F][R] = {
    {1.5f, 0, 0, 0, 2.0f, NAN, 0, 0},
    {0, 0, 0, 0, 0, 0, 0, 0},
    {1, 2, 3, 4, 5, 6, 7, 8},
    {0, 0, 0, -4.25f, 0, 0, 0, 0},
};
static const int stored8x4[F][R] = {
    {1, 0, 1, 0, 1, 1, 0, 0},
    {0, 0, 0, 0, 0, 0, 0, 0},
    {1, 1, 1, 1, 1, 1, 1, 1},
    {0, 0, 0, 1, 0, 0, 0, 0},
};
static const float labels8[R] = {0, 1, 0, 1, 1, 0, 0, 1};
static const float weights8[R] = {1, 2, 1, 0.5f, 1, 1, 3, 1};

/* A compressed matrix: CSR (by rows) or CSC (by columns) of a dense column-major x. */
typedef struct compressed {
    int64_t indptr[4096];
    int32_t indices[65536];
    float data[65536];
} compressed;

static void compress(const float *x, const int *stored, size_t n_rows, size_t n_features,
                     int by_rows, compressed *c)
{
    const size_t n_major = by_rows ? n_rows : n_features, n_minor = by_rows ? n_features : n_rows;
    size_t p = 0;
    c->indptr[0] = 0;
    for (size_t a = 0; a < n_major; a++) {
        for (size_t b = 0; b < n_minor; b++) {
            const size_t i = by_rows ? a : b, j = by_rows ? b : a;
            if (stored != NULL ? stored[j * n_rows + i] : x[j * n_rows + i] != 0) {
                c->indices[p] = (int32_t)b;
                c->data[p++] = x[j * n_rows + i];
            }
        }
        c->indptr[a + 1] = (int64_t)p;
    }
}

static st_dataset *from(int kind, const float *x, const int *stored, size_t n_rows,
                        size_t n_features, const float *labels, const float *weights)
{
    static compressed c;
    st_dataset *ds = NULL;
    st_error err;
    st_status rc;
    if (kind == 0) {
        rc = st_dataset_from_arrays(n_rows, n_features, x, labels, weights, NULL, &ds, &err);
    } else {
        compress(x, stored, n_rows, n_features, kind == 1, &c);
        rc = (kind == 1 ? st_dataset_from_csr : st_dataset_from_csc)(
            n_rows, n_features, c.indptr, c.indices, c.data, labels, weights, NULL, &ds, &err);
    }
    if (rc != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static void assert_same_bits(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof *a) != 0 && !(isnan(a[i]) && isnan(b[i])))
            fail_msg("value %zu: %.9g and %.9g", i, (double)a[i], (double)b[i]);
}

/* CSR and CSC give the matrix's values through every accessor, as from_arrays does. */
static void test_csr_csc_accessors(void **state)
{
    (void)state;
    st_dataset *dense = from(0, &dense8x4[0][0], NULL, R, F, labels8, weights8);
    for (int kind = 1; kind <= 2; kind++) {
        st_dataset *ds = from(kind, &dense8x4[0][0], &stored8x4[0][0], R, F, labels8, weights8);
        assert_int_equal(st_dataset_n_rows(ds), R);
        assert_int_equal(st_dataset_n_features(ds), F);
        assert_memory_equal(st_dataset_labels(ds), labels8, sizeof labels8);
        assert_memory_equal(st_dataset_weights(ds), weights8, sizeof weights8);
        size_t total = 0;
        for (size_t j = 0; j < F; j++) {
            assert_string_equal(st_dataset_feature_name(ds, j), st_dataset_feature_name(dense, j));
            assert_int_equal(st_dataset_feature_type(ds, j), ST_FEATURE_NUMERIC);
            assert_true(st_dataset_feature_is_sparse(ds, j));
            assert_false(st_dataset_feature_is_sparse(dense, j));
            assert_null(st_dataset_feature_values(ds, j));
            float got[R];
            assert_int_equal(st_dataset_feature_copy(ds, j, got, NULL), ST_OK);
            assert_same_bits(got, dense8x4[j], R);
            const uint32_t *rows;
            const float *values;
            size_t n, e = 0;
            assert_int_equal(st_dataset_feature_entries(ds, j, &rows, &values, &n, NULL), ST_OK);
            for (size_t i = 0; i < R; i++) {
                assert_int_equal(st_dataset_entry_present(ds, j, i), stored8x4[j][i]);
                assert_int_equal(st_dataset_entry_present(dense, j, i), 1);
                if (!stored8x4[j][i])
                    continue;
                assert_true(e < n);
                assert_int_equal(rows[e], i);
                assert_same_bits(&values[e++], &dense8x4[j][i], 1);
            }
            assert_int_equal(e, n);
            /* not 0, stored or not, NaN counted: 1.5, 2, NaN | none | 8 | -4.25 */
            const size_t nonzeros[F] = {3, 0, 8, 1};
            assert_int_equal(st_dataset_feature_nonzeros(ds, j), nonzeros[j]);
            assert_int_equal(st_dataset_feature_nonzeros(dense, j), nonzeros[j]);
            total += nonzeros[j];
            st_column_summary s, d;
            assert_int_equal(st_dataset_column_summary(ds, j, &s, NULL), ST_OK);
            assert_int_equal(st_dataset_column_summary(dense, j, &d, NULL), ST_OK);
            assert_int_equal(s.n_present, d.n_present);
            assert_int_equal(s.n_missing, d.n_missing);
            assert_same_double(s.min, d.min);
            assert_same_double(s.max, d.max);
            assert_true(fabs(s.mean - d.mean) <= 1e-15 * (1 + fabs(d.mean)));
            assert_true(fabs(s.sd - d.sd) <= 1e-14 * (1 + d.sd));
            int id_s, id_d;
            assert_int_equal(st_dataset_column_is_id(ds, j, &id_s, NULL), ST_OK);
            assert_int_equal(st_dataset_column_is_id(dense, j, &id_d, NULL), ST_OK);
            assert_int_equal(id_s, id_d);
        }
        assert_int_equal(st_dataset_nonzeros(ds), total);
        assert_int_equal(st_dataset_nonzeros(dense), total);
        /* the dense feature is an error for the entries, not for the copy */
        const uint32_t *rows;
        const float *values;
        size_t n;
        st_error err;
        assert_int_equal(st_dataset_feature_entries(dense, 0, &rows, &values, &n, &err),
                         ST_ERR_INVALID_ARG);
        assert_string_equal(err.message, "st_dataset_feature_entries: feature 'f0' is stored "
                                         "dense; read it with st_dataset_feature_values");
        st_dataset_free(ds);
    }
    /* column 0 by hand: 1.5, 0, 0, 0, 2, (missing), 0, 0: 7 present, mean 3.5 / 7 */
    st_dataset *ds = from(1, &dense8x4[0][0], &stored8x4[0][0], R, F, NULL, NULL);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 0, &s, NULL), ST_OK);
    assert_int_equal(s.n_present, 7);
    assert_int_equal(s.n_missing, 1);
    assert_same_double(s.min, 0);
    assert_same_double(s.max, 2);
    assert_true(fabs(s.mean - 0.5) < 1e-15);
    /* sample variance: (1^2 + 1.5^2 + 5 * 0.5^2) / 6 = 4.5 / 6 */
    assert_true(fabs(s.sd - sqrt(4.5 / 6)) < 1e-15);
    assert_null(st_dataset_labels(ds));
    st_dataset_free(ds);
    st_dataset_free(dense);
}

/* A seeded table: n rows, nf features, most values 0, a few missing; labels from two of
 * the features so that the models have something to find. */
static void sparse_table(size_t n, size_t nf, float *x, float *y)
{
    unsigned long long s = 2024;
    for (size_t i = 0; i < n; i++) {
        double score = 0;
        for (size_t j = 0; j < nf; j++) {
            const double u = test_uniform(&s), v = test_uniform(&s);
            /* the last feature mostly non-zero, so that its zeros' count moves its bins */
            const double p = j == nf - 1 ? 0.7 : 0.15 + 0.1 * (double)(j % 3);
            float value = u < p ? (float)(1 + (int)(v * 5)) : 0.0f;
            if (u > 0.98)
                value = NAN;
            else if (u > 0.96)
                value = -0.0f; /* the dense form's -0, an implicit zero in CSR and CSC */
            x[j * n + i] = value;
            score += (j == 0 || j == 3 || j == nf - 1) && value == value ? value : 0;
        }
        y[i] = score + 3 * test_uniform(&s) > 6 ? 1.0f : 0.0f;
    }
}

static void read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    *buf = malloc(*len + 1);
    assert_non_null(*buf);
    assert_int_equal(fread(*buf, 1, *len, f), *len);
    fclose(f);
}

static void assert_same_files(const char *a, const char *b)
{
    char *x, *y;
    size_t nx, ny;
    read_file(a, &x, &nx);
    read_file(b, &y, &ny);
    assert_int_equal(nx, ny);
    assert_memory_equal(x, y, nx);
    free(x);
    free(y);
}

/* The same boosted trees and logistic regressions, byte for byte, from the dense and the
 * sparse forms, and the same predictions of each on both; the trees also with their bins
 * found on a sample of the rows (a sparse feature's sample is read from its entries). */
static void test_same_models(void **state)
{
    (void)state;
    enum { N = 400, NF = 6 };
    static float x[N * NF], y[N];
    static int stored[N * NF]; /* the non-zeros, and some zeros stored explicitly */
    sparse_table(N, NF, x, y);
    for (size_t k = 0; k < N * NF; k++)
        stored[k] = x[k] != 0 || k % 7 == 0;
    st_dataset *forms[3];
    for (int kind = 0; kind < 3; kind++)
        forms[kind] = from(kind, x, stored, N, NF, y, NULL);
    char path[3][3][sizeof tmpdir + 32];
    st_gbdt_params gp = st_gbdt_params_default();
    gp.num_trees = 20;
    gp.min_data_in_leaf = 5;
    st_logreg_params lp = st_logreg_params_default();
    lp.lambda = 0.01;
    lp.alpha = 0.5;
    static double ref[2][N], p[N]; /* the dense models' predictions on the dense form */
    for (int kind = 0; kind < 3; kind++) {
        st_error err;
        st_gbdt *g = NULL;
        st_logreg *l = NULL;
        snprintf(path[kind][0], sizeof path[kind][0], "%s/gbdt%d", tmpdir, kind);
        snprintf(path[kind][1], sizeof path[kind][1], "%s/logreg%d", tmpdir, kind);
        snprintf(path[kind][2], sizeof path[kind][2], "%s/gbdt_sampled%d", tmpdir, kind);
        st_gbdt_params sampled = gp;
        sampled.bin_sample_rows = 97;
        sampled.max_bin = 3;
        if (st_gbdt_train(forms[kind], &sampled, &g, &err) != ST_OK ||
            st_gbdt_save(g, path[kind][2], &err) != ST_OK)
            fail_msg("%s", err.message);
        st_gbdt_free(g);
        g = NULL;
        if (st_gbdt_train(forms[kind], &gp, &g, &err) != ST_OK ||
            st_gbdt_save(g, path[kind][0], &err) != ST_OK ||
            st_logreg_train(forms[kind], &lp, &l, &err) != ST_OK ||
            st_logreg_save(l, path[kind][1], &err) != ST_OK)
            fail_msg("%s", err.message);
        for (int other = 0; other < 3; other++) {
            assert_int_equal(st_gbdt_predict(g, forms[other], ST_GBDT_PROBABILITY, 0, p, N,
                                             NULL), ST_OK);
            if (kind == 0 && other == 0)
                memcpy(ref[0], p, sizeof p);
            assert_memory_equal(p, ref[0], sizeof p);
            assert_int_equal(st_logreg_predict(l, forms[other], p, N, NULL), ST_OK);
            if (kind == 0 && other == 0)
                memcpy(ref[1], p, sizeof p);
            assert_memory_equal(p, ref[1], sizeof p);
        }
        st_gbdt_free(g);
        st_logreg_free(l);
        if (kind > 0) {
            assert_same_files(path[0][0], path[kind][0]);
            assert_same_files(path[0][1], path[kind][1]);
            assert_same_files(path[0][2], path[kind][2]);
        }
    }
    for (int kind = 0; kind < 3; kind++)
        st_dataset_free(forms[kind]);
}

/* Boosted trees' bins (src/gbdt/gbdt_bin.c) of the sparse forms, found from their entries
 * and a count of zeros, are the dense form's: bounds and codes, with every row and with a
 * sample of them, with few bins (where the zeros' count moves the bounds) and many. */
static void test_same_bins(void **state)
{
    (void)state;
    enum { N = 400, NF = 6 };
    static float x[N * NF], y[N];
    static int stored[N * NF];
    sparse_table(N, NF, x, y);
    for (size_t k = 0; k < N * NF; k++)
        stored[k] = x[k] != 0 || k % 7 == 0;
    const int samples[] = {1000, 97, 31}, max_bins[] = {2, 3, 4, 255};
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 4; c++) {
            st_gbdt_params prm = st_gbdt_params_default();
            prm.bin_sample_rows = samples[a];
            prm.max_bin = max_bins[c];
            st__gbdt_bins want;
            st_dataset *dense = from(0, x, NULL, N, NF, y, NULL);
            assert_int_equal(st__gbdt_bins_build(dense, &prm, 1, &want, NULL), ST_OK);
            for (int kind = 1; kind < 5; kind++) { /* CSR, CSC; with explicit zeros, without */
                st_dataset *ds = from(2 - kind % 2, x, kind < 3 ? stored : NULL, N, NF, y, NULL);
                st__gbdt_bins got;
                assert_int_equal(st__gbdt_bins_build(ds, &prm, 2, &got, NULL), ST_OK);
                assert_memory_equal(got.n_bins, want.n_bins, NF * sizeof *got.n_bins);
                /* (sparse features are bundled, src/gbdt/gbdt_bundle.c: bounds and codes
                   compared feature by feature) */
                for (size_t j = 0; j < NF; j++)
                    for (size_t b = 0; b <= (size_t)want.n_bins[j]; b++)
                        assert_same_double(got.bounds[got.offset[j] + b],
                                           want.bounds[want.offset[j] + b]);
                for (size_t j = 0; j < NF; j++)
                    for (size_t i = 0; i < N; i++)
                        assert_int_equal(st__gbdt_code_at(&got, j, i),
                                         st__gbdt_code_at(&want, j, i));
                st__gbdt_bins_free(&got);
                st_dataset_free(ds);
            }
            st__gbdt_bins_free(&want);
            st_dataset_free(dense);
        }
}

/* A subset of a sparse dataset stays sparse and holds the rows' values, whatever the rows'
 * order and repeats, and with some features only. */
static void test_subset(void **state)
{
    (void)state;
    st_dataset *dense = from(0, &dense8x4[0][0], NULL, R, F, labels8, weights8);
    st_dataset *ds = from(2, &dense8x4[0][0], &stored8x4[0][0], R, F, labels8, weights8);
    const size_t ascending[] = {0, 2, 3, 5, 7}, shuffled[] = {5, 2, 2, 7, 0, 3, 3};
    const size_t *row_sets[] = {ascending, shuffled, NULL};
    const size_t n_rows[] = {5, 7, 0};
    const size_t features[] = {3, 0};
    for (int t = 0; t < 3; t++) {
        st_dataset *sub = NULL, *dsub = NULL;
        st_error err;
        if (st_dataset_select(ds, row_sets[t], n_rows[t], t == 2 ? features : NULL,
                              t == 2 ? 2 : 0, &sub, &err) != ST_OK ||
            st_dataset_select(dense, row_sets[t], n_rows[t], t == 2 ? features : NULL,
                              t == 2 ? 2 : 0, &dsub, &err) != ST_OK)
            fail_msg("%s", err.message);
        const size_t n = st_dataset_n_rows(sub);
        assert_int_equal(n, st_dataset_n_rows(dsub));
        assert_memory_equal(st_dataset_labels(sub), st_dataset_labels(dsub), n * sizeof(float));
        for (size_t j = 0; j < st_dataset_n_features(sub); j++) {
            assert_true(st_dataset_feature_is_sparse(sub, j));
            assert_string_equal(st_dataset_feature_name(sub, j), st_dataset_feature_name(dsub, j));
            float got[16];
            assert_int_equal(st_dataset_feature_copy(sub, j, got, NULL), ST_OK);
            assert_same_bits(got, st_dataset_feature_values(dsub, j), n);
            const uint32_t *rows;
            const float *values;
            size_t ne;
            assert_int_equal(st_dataset_feature_entries(sub, j, &rows, &values, &ne, NULL), ST_OK);
            for (size_t e = 1; e < ne; e++)
                assert_true(rows[e] > rows[e - 1]);
            /* an entry for each chosen row that had one, explicit zero included */
            const size_t src = t == 2 ? features[j] : j;
            size_t expected = 0;
            for (size_t i = 0; i < n; i++)
                expected += stored8x4[src][row_sets[t] != NULL ? row_sets[t][i] : i];
            assert_int_equal(ne, expected);
        }
        st_dataset_free(sub);
        st_dataset_free(dsub);
    }
    st_dataset_free(ds);
    st_dataset_free(dense);
}

/* The compressed forms' errors, each naming the row or column and the position. */
static void assert_compressed_fails(int by_rows, size_t n_rows, size_t n_features,
                                    const int64_t *indptr, const int32_t *indices,
                                    const char *message)
{
    const float data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    st_dataset *ds = UNSET_DATASET;
    st_error err;
    st_status rc = (by_rows ? st_dataset_from_csr : st_dataset_from_csc)(
        n_rows, n_features, indptr, indices, data, NULL, NULL, NULL, &ds, &err);
    assert_int_equal(rc, ST_ERR_DATA);
    assert_null(ds);
    assert_string_equal(err.message, message);
}

static void test_compressed_errors(void **state)
{
    (void)state;
    const int64_t indptr[] = {0, 2, 4};
    assert_compressed_fails(1, 2, 3, indptr, (const int32_t[]){0, 2, 2, 1},
                            "st_dataset_from_csr: row 1, position 3: index 1 after 2; expected "
                            "strictly ascending indices within a row (sort them, and sum or "
                            "drop repeated ones)");
    assert_compressed_fails(1, 2, 3, indptr, (const int32_t[]){1, 1, 0, 1},
                            "st_dataset_from_csr: row 0, position 1: index 1 after 1; expected "
                            "strictly ascending indices within a row (sort them, and sum or "
                            "drop repeated ones)");
    assert_compressed_fails(0, 5, 2, indptr, (const int32_t[]){0, 4, 3, 3},
                            "st_dataset_from_csc: column 1, position 3: index 3 after 3; "
                            "expected strictly ascending indices within a column (sort them, "
                            "and sum or drop repeated ones)");
    assert_compressed_fails(1, 2, 3, indptr, (const int32_t[]){0, 3, 0, 1},
                            "st_dataset_from_csr: row 0, position 1: index 3, expected 0 to 2");
    assert_compressed_fails(0, 5, 2, indptr, (const int32_t[]){0, -1, 0, 1},
                            "st_dataset_from_csc: column 0, position 1: index -1, expected 0 "
                            "to 4");
    assert_compressed_fails(1, 2, 3, (const int64_t[]){0, 3, 2}, (const int32_t[]){0, 1, 2, 0},
                            "st_dataset_from_csr: indptr[2] is 2, below indptr[1] = 3; "
                            "expected non-decreasing offsets");
    assert_compressed_fails(1, 2, 3, (const int64_t[]){1, 2, 3}, (const int32_t[]){0, 1, 2, 0},
                            "st_dataset_from_csr: indptr[0] is 1, expected 0");
    st_dataset *ds = UNSET_DATASET;
    st_error err;
    assert_int_equal(st_dataset_from_csr(2, 3, indptr, (const int32_t[]){0, 1, 0, 1},
                                         (const float[]){1, 2, 3, 4}, (const float[]){0, 2},
                                         NULL, NULL, &ds, &err), ST_ERR_DATA);
    assert_null(ds);
    assert_string_equal(err.message, "st_dataset_from_csr: labels[1] is 2, expected 0 or 1");
    assert_int_equal(st_dataset_from_csc(0, 3, indptr, NULL, NULL, NULL, NULL, NULL, &ds, &err),
                     ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_dataset_from_csc: expected at least one row and one "
                                     "feature, got 0 rows and 3 features");
}

/* A LibSVM file: a column with entries in at least half the rows is dense as before, any
 * other sparse, its "k:0" entries present with 0, NaN entries missing, absent rows 0. */
static void test_libsvm_storage(void **state)
{
    (void)state;
    const char text[] = "1 1:5 3:0\n"
                        "0 1:2\n"
                        "0 1:0 2:7\n"
                        "1 1:1 3:nan\n"
                        "0 4:2.5\n"
                        "1 1:3\n";
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_libsvm_buffer(text, sizeof text - 1, "t.svm", NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(st_dataset_n_features(ds), 4); /* f1 .. f4 */
    /* f1: 5 of 6 rows, dense; f2: 1; f3: 2 ("3:0" and "3:nan"); f4: 1 */
    const int sparse[4] = {0, 1, 1, 1};
    const float expected[4][6] = {
        {5, 2, 0, 1, 0, 3}, {0, 0, 7, 0, 0, 0}, {0, 0, 0, NAN, 0, 0}, {0, 0, 0, 0, 2.5f, 0}};
    const int present[4][6] = {
        {1, 1, 1, 1, 0, 1}, {0, 0, 1, 0, 0, 0}, {1, 0, 0, 1, 0, 0}, {0, 0, 0, 0, 1, 0}};
    for (size_t j = 0; j < 4; j++) {
        assert_int_equal(st_dataset_feature_is_sparse(ds, j), sparse[j]);
        float got[6];
        assert_int_equal(st_dataset_feature_copy(ds, j, got, NULL), ST_OK);
        assert_floats(got, expected[j], 6);
        for (size_t i = 0; i < 6; i++)
            assert_int_equal(st_dataset_entry_present(ds, j, i), present[j][i]);
    }
    assert_int_equal(st_dataset_nonzeros(ds), 4 + 1 + 1 + 1);
    st_column_summary s;
    assert_int_equal(st_dataset_column_summary(ds, 2, &s, NULL), ST_OK);
    assert_int_equal(s.n_missing, 1);
    assert_int_equal(s.n_present, 5);
    assert_same_double(s.max, 0);
    /* the sparse columns hold their 4 entries (8 bytes each), not 3 x 6 floats: 40 bytes
     * less than the same table dense, less the bitmap of f1's "1:0" (one 32-bit word) */
    st_dataset *dense = NULL;
    float x[4 * 6];
    const float y[6] = {1, 0, 0, 1, 0, 1};
    for (size_t j = 0; j < 4; j++)
        memcpy(x + j * 6, expected[j], sizeof expected[j]);
    assert_int_equal(st_dataset_from_arrays(6, 4, x, y, NULL, NULL, &dense, NULL), ST_OK);
    assert_int_equal(st_dataset_memory_bytes(ds) + 72 - 32 - 4, st_dataset_memory_bytes(dense));
    st_dataset_free(dense);
    st_dataset_free(ds);
}

/* Feature j's entries are exactly rows[] with values vals[] (m of them). */
static void assert_entries(const st_dataset *ds, size_t j, const uint32_t *rows,
                           const float *vals, size_t m)
{
    const uint32_t *r;
    const float *v;
    size_t n;
    assert_int_equal(st_dataset_feature_entries(ds, j, &r, &v, &n, NULL), ST_OK);
    assert_int_equal(n, m);
    for (size_t e = 0; e < m; e++) {
        assert_int_equal(r[e], rows[e]);
        assert_same_double(v[e], vals[e]);
    }
}

/* The reader stages every entry once and fills the columns after: a file whose values are
 * all 1 shares one array of ones among its sparse columns (as many as the longest column
 * has entries), one whose first value other than 1 comes late gets every value stored;
 * both read as the same columns would written out, and subsets copy them. */
static void test_libsvm_shared_entries(void **state)
{
    (void)state;
    const char ones[] = "1 1:1 2:1\n0 1:1 3:1\n0 1:1\n1 1:1 2:1 4:1\n0 3:1\n";
    const char late[] = "1 1:1 2:1\n0 1:1 3:1\n0 1:1\n1 1:1 2:1 4:1\n0 3:2\n";
    st_dataset *a = NULL, *b = NULL, *sub = NULL;
    st_error err;
    if (st_dataset_read_libsvm_buffer(ones, sizeof ones - 1, "a.svm", NULL, &a, &err) != ST_OK ||
        st_dataset_read_libsvm_buffer(late, sizeof late - 1, "b.svm", NULL, &b, &err) != ST_OK)
        fail_msg("%s", err.message);
    /* f1: 4 of 5 rows, dense; f2 rows 0 and 3, f3 rows 1 and 4, f4 row 3: sparse */
    const float f1[5] = {1, 1, 1, 1, 0};
    for (int k = 0; k < 2; k++) {
        const st_dataset *ds = k == 0 ? a : b;
        assert_int_equal(st_dataset_n_features(ds), 4);
        assert_int_equal(st_dataset_feature_is_sparse(ds, 0), 0);
        assert_floats(st_dataset_feature_values(ds, 0), f1, 5);
        assert_entries(ds, 1, (const uint32_t[]){0, 3}, (const float[]){1, 1}, 2);
        assert_entries(ds, 2, (const uint32_t[]){1, 4}, (const float[]){1, k == 0 ? 1 : 2}, 2);
        assert_entries(ds, 3, (const uint32_t[]){3}, (const float[]){1}, 1);
        assert_floats(st_dataset_labels(ds), (const float[]){1, 0, 0, 1, 0}, 5);
    }
    /* b stores its 5 sparse values, a the 2 ones its longest columns need */
    assert_int_equal(st_dataset_memory_bytes(b) - st_dataset_memory_bytes(a), (5 - 2) * 4);
    const size_t rows[] = {4, 3};
    assert_int_equal(st_dataset_subset(a, rows, 2, &sub, &err), ST_OK);
    assert_entries(sub, 2, (const uint32_t[]){0}, (const float[]){1}, 1);
    assert_entries(sub, 3, (const uint32_t[]){1}, (const float[]){1}, 1);
    st_dataset_free(sub);
    st_dataset_free(a);
    st_dataset_free(b);
}

static void assert_libsvm_fails(const char *text, const char *message)
{
    st_dataset *ds = UNSET_DATASET;
    st_error err;
    assert_int_equal(st_dataset_read_libsvm_buffer(text, strlen(text), "bad.svm", NULL, &ds,
                                                   &err), ST_ERR_PARSE);
    assert_null(ds);
    assert_string_equal(err.message, message);
}

/* Unsorted or repeated indices in a line: an error naming the file, line and column. */
static void test_libsvm_index_order(void **state)
{
    (void)state;
    assert_libsvm_fails("1 1:1 2:1\n0 3:1 2:5\n",
                        "bad.svm:2:7: '2:5': feature indices must increase along a line; "
                        "index 2 comes after 3");
    assert_libsvm_fails("1 1:1 1:2\n",
                        "bad.svm:1:7: '1:2': feature indices must increase along a line; "
                        "index 1 is repeated");
}

/* A big sparse LibSVM table costs its entries: 2000 rows x 20000 features with 3 entries
 * a row would be 160 MB dense. */
static void test_libsvm_memory(void **state)
{
    (void)state;
    size_t cap = 2000 * 40, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < 2000; i++)
        len += (size_t)snprintf(text + len, cap - len, "%zu %zu:1 %zu:1 %zu:2\n", i % 2,
                                1 + i % 7, 100 + (i * 13) % 9000, 9100 + (i * 7919) % 10900);
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_libsvm_buffer(text, len, "big.svm", NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(st_dataset_n_rows(ds), 2000);
    assert_true(st_dataset_n_features(ds) > 19000);
    assert_int_equal(st_dataset_nonzeros(ds), 6000);
    assert_true(st_dataset_memory_bytes(ds) < 20u << 20);
    free(text);
    st_dataset_free(ds);
}

/* Non-zeros of a CSV table: numbers other than 0 (a missing value counts), and every row
 * of a categorical column (level "0" included: a level is not the number 0). */
static void test_nonzeros_dense(void **state)
{
    (void)state;
    const char text[] = "a,c,label\n0,x,1\n2,0,0\n,x,1\n-0,y,0\n";
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(text, sizeof text - 1, "t.csv", NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(st_dataset_feature_type(ds, 1), ST_FEATURE_CATEGORICAL);
    assert_int_equal(st_dataset_feature_nonzeros(ds, 0), 2);
    assert_int_equal(st_dataset_feature_nonzeros(ds, 1), 4);
    assert_int_equal(st_dataset_nonzeros(ds), 6);
    assert_int_equal(st_dataset_feature_nonzeros(ds, 2), 0); /* no such feature */
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csr_csc_accessors),
        cmocka_unit_test(test_same_models),
        cmocka_unit_test(test_same_bins),
        cmocka_unit_test(test_subset),
        cmocka_unit_test(test_compressed_errors),
        cmocka_unit_test(test_libsvm_storage),
        cmocka_unit_test(test_libsvm_shared_entries),
        cmocka_unit_test(test_libsvm_index_order),
        cmocka_unit_test(test_libsvm_memory),
        cmocka_unit_test(test_nonzeros_dense),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
