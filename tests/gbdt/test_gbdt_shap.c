/* TreeSHAP for boosted trees against brute force: Shapley values and Shapley interaction
 * values computed here from their definitions, by enumerating every subset of features
 * with the path-dependent conditional expectation E[F(x) | x_S] (follow the row at splits
 * on features in S, average the children by cover at the others). Also: contributions sum
 * to the raw score, interaction rows sum to the contributions, the values survive a save
 * and load bit for bit and do not depend on the thread count, and bad arguments are
 * refused. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_rand.h"
#include "io/model_text.h"

TEST_SCRATCH_DIR("stratum_shap")

/* n rows of 5 features (a with missing values, b, c, a categorical site, d) whose label
 * depends on a nonlinearly and on interactions, so trees split on one feature repeatedly
 * along a path. */
static st_dataset *dataset(size_t n, uint64_t seed)
{
    size_t cap = n * 80 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "a,b,c,site,d,label\n");
    static const char *const sites[] = {"north", "south", "east", ""};
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++) {
        double a = st__gbdt_rand_unit(&rng) * 10, b = st__gbdt_rand_unit(&rng);
        double c = floor(st__gbdt_rand_unit(&rng) * 6), d = st__gbdt_rand_unit(&rng);
        int s = (int)(st__gbdt_rand_unit(&rng) * 4);
        double z = sin(a) * 1.5 + (b > 0.5 && c > 2 ? 1.5 : -0.5) + (s == 1 ? 1 : 0) +
                   (a > 5 ? d : -d) + 1.5 * (st__gbdt_rand_unit(&rng) - 0.5);
        char av[32];
        if (st__gbdt_rand_unit(&rng) < 0.15)
            snprintf(av, sizeof av, "NA");
        else
            snprintf(av, sizeof av, "%.4f", a);
        len += (size_t)snprintf(csv + len, cap - len, "%s,%.5f,%g,%s,%.4f,%d\n", av, b, c,
                                sites[s], d, z > 0.3);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, len, "shap", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(csv);
    return ds;
}

static st_gbdt *train(const st_dataset *ds, int trees, int leaves)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = trees;
    p.num_leaves = leaves;
    p.min_data_in_leaf = 3;
    p.learning_rate = 0.3;
    p.lambda_l2 = 0.5;
    p.bagging_fraction = 0.8;
    p.bagging_freq = 1;
    p.max_bin = 31;
    p.seed = 3;
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(ds, &p, &m, &err) != ST_OK)
        fail_msg("st_gbdt_train: %s", err.message);
    return m;
}

/* ---- brute force, from the definitions ---- */

/* E[f_t(x) | x_S] below node k (leaf ~k) of tree t; S is a bit set of features. */
static double cond_expect(const st_gbdt *m, size_t t, int32_t k, const float *x, unsigned S)
{
    if (k < 0)
        return m->leaf_values[m->leaf_start[t] + (size_t)~k];
    const st__gbdt_node *nd = &m->nodes[m->node_start[t] + (size_t)k];
    if (S >> nd->feature & 1u) {
        /* the routing rule itself (numeric or category set) is the model's */
        const int left = st__gbdt_goes_left(m, nd, x[nd->feature]);
        return cond_expect(m, t, left ? nd->left : nd->right, x, S);
    }
    double cover[2];
    const int32_t c[2] = {nd->left, nd->right};
    for (int i = 0; i < 2; i++)
        cover[i] = c[i] >= 0 ? m->nodes[m->node_start[t] + (size_t)c[i]].cover
                             : m->leaf_covers[m->leaf_start[t] + (size_t)~c[i]];
    return (cover[0] * cond_expect(m, t, c[0], x, S) + cover[1] * cond_expect(m, t, c[1], x, S)) /
           nd->cover;
}

static double value(const st_gbdt *m, const float *x, unsigned S)
{
    double v = m->init_score;
    for (size_t t = 0; t < m->n_trees; t++)
        v += m->node_start[t + 1] == m->node_start[t] ? m->leaf_values[m->leaf_start[t]]
                                                       : cond_expect(m, t, 0, x, S);
    return v;
}

static double factorial(int n)
{
    double f = 1;
    for (int i = 2; i <= n; i++)
        f *= i;
    return f;
}

/* phi[0..M) and phi[M] = v(empty set). */
static void brute_contrib(const st_gbdt *m, const float *x, double *phi)
{
    const int M = (int)m->n_features;
    for (int i = 0; i < M; i++) {
        phi[i] = 0;
        for (unsigned S = 0; S < 1u << M; S++) {
            if (S >> i & 1u)
                continue;
            const int s = __builtin_popcount(S);
            const double w = factorial(s) * factorial(M - s - 1) / factorial(M);
            phi[i] += w * (value(m, x, S | 1u << i) - value(m, x, S));
        }
    }
    phi[M] = value(m, x, 0);
}

/* The Shapley interaction index of i != j, halved (Lundberg et al. 2018, eq. 8). */
static double brute_interaction(const st_gbdt *m, const float *x, int i, int j)
{
    const int M = (int)m->n_features;
    const unsigned bi = 1u << i, bj = 1u << j;
    double total = 0;
    for (unsigned S = 0; S < 1u << M; S++) {
        if (S & (bi | bj))
            continue;
        const int s = __builtin_popcount(S);
        const double w = factorial(s) * factorial(M - s - 2) / (2 * factorial(M - 1));
        total += w * (value(m, x, S | bi | bj) - value(m, x, S | bi) - value(m, x, S | bj) +
                      value(m, x, S));
    }
    return total;
}

/* ---- tests ---- */

/* Contributions and interaction values equal brute force on a few small models, row by
 * row, including rows with a missing value and an unseen level. */
static void test_brute_force(void **state)
{
    (void)state;
    st_dataset *ds = dataset(300, 11);
    const size_t n = st_dataset_n_rows(ds);
    const int shapes[][2] = {{1, 6}, {4, 8}, {6, 16}};
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
        st_gbdt *m = train(ds, shapes[sh][0], shapes[sh][1]);
        const size_t M = m->n_features, side = M + 1;
        assert_int_equal(M, 5);
        double *c = malloc(n * side * sizeof *c), *I = malloc(n * side * side * sizeof *I);
        assert_non_null(c);
        assert_non_null(I);
        st_error err;
        assert_int_equal(st_gbdt_contrib(m, ds, 2, c, n * side, &err), ST_OK);
        assert_int_equal(st_gbdt_interactions(m, ds, 2, I, n * side * side, &err), ST_OK);
        st__gbdt_columns cm = {0};
        assert_int_equal(st__gbdt_columns_map(m, ds, &cm, &err), ST_OK);
        float x[5];
        double phi[6];
        for (size_t r = 0; r < n; r += 7) {
            st__gbdt_columns_row(m, &cm, r, x);
            brute_contrib(m, x, phi);
            for (size_t j = 0; j < side; j++)
                assert_close(c[r * side + j], phi[j], 1e-9);
            const double *R = I + r * side * side;
            for (size_t i = 0; i < M; i++) {
                double off = 0;
                for (size_t j = 0; j < M; j++) {
                    if (j == i)
                        continue;
                    const double want = brute_interaction(m, x, (int)i, (int)j);
                    assert_close(R[i * side + j], want, 1e-9);
                    off += want;
                }
                assert_close(R[i * side + i], phi[i] - off, 1e-9);
                assert_same_double(R[i * side + M], 0);
                assert_same_double(R[M * side + i], 0);
            }
            assert_close(R[M * side + M], phi[M], 1e-9);
        }
        st__gbdt_columns_free(&cm);
        free(c);
        free(I);
        st_gbdt_free(m);
    }
    st_dataset_free(ds);
}

/* On a bigger model, every row's contributions sum to its raw score, every interaction row
 * sums to its contribution and the matrix is symmetric. */
static void test_sums(void **state)
{
    (void)state;
    st_dataset *ds = dataset(2000, 5);
    st_gbdt *m = train(ds, 60, 31);
    const size_t n = st_dataset_n_rows(ds), side = m->n_features + 1;
    double *c = malloc(n * side * sizeof *c), *raw = malloc(n * sizeof *raw);
    double *I = malloc(200 * side * side * sizeof *I);
    assert_non_null(c);
    assert_non_null(raw);
    assert_non_null(I);
    st_error err;
    assert_int_equal(st_gbdt_contrib(m, ds, 0, c, n * side, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 0, raw, n, &err), ST_OK);
    for (size_t r = 0; r < n; r++) {
        double s = 0;
        for (size_t j = 0; j < side; j++)
            s += c[r * side + j];
        assert_close(s, raw[r], 1e-9);
    }
    st_dataset *head = NULL;
    size_t rows[200];
    for (size_t r = 0; r < 200; r++)
        rows[r] = r;
    assert_int_equal(st_dataset_subset(ds, rows, 200, &head, &err), ST_OK);
    assert_int_equal(st_gbdt_interactions(m, head, 2, I, 200 * side * side, &err), ST_OK);
    for (size_t r = 0; r < 200; r++)
        for (size_t i = 0; i < side; i++) {
            double s = 0;
            for (size_t j = 0; j < side; j++) {
                s += I[(r * side + i) * side + j];
                assert_close(I[(r * side + i) * side + j], I[(r * side + j) * side + i], 1e-9);
            }
            assert_close(s, c[r * side + i], 1e-9);
        }
    st_dataset_free(head);
    free(c);
    free(raw);
    free(I);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* A saved and loaded model gives the same contributions bit for bit; 1 and 2 threads and
 * the single-row function agree bit for bit too. */
static void test_save_load_threads_row(void **state)
{
    (void)state;
    st_dataset *ds = dataset(500, 9);
    st_gbdt *m = train(ds, 20, 12);
    char path[512];
    snprintf(path, sizeof path, "%s/m.model", tmpdir);
    st_error err;
    st_gbdt *back = NULL;
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    const size_t n = st_dataset_n_rows(ds), side = m->n_features + 1;
    double *a = malloc(n * side * sizeof *a), *b = malloc(n * side * sizeof *b);
    double *ia = malloc(40 * side * side * sizeof *ia), *ib = malloc(40 * side * side * sizeof *ib);
    assert_true(a && b && ia && ib);
    assert_int_equal(st_gbdt_contrib(m, ds, 1, a, n * side, &err), ST_OK);
    assert_int_equal(st_gbdt_contrib(back, ds, 2, b, n * side, &err), ST_OK);
    for (size_t k = 0; k < n * side; k++)
        assert_same_double(a[k], b[k]);
    const size_t size = st_gbdt_shap_scratch_size(m);
    assert_true(size > 0);
    void *scratch = malloc(size);
    assert_non_null(scratch);
    st__gbdt_columns cm = {0};
    assert_int_equal(st__gbdt_columns_map(m, ds, &cm, &err), ST_OK);
    float x[5];
    double row[6], mat[36];
    for (size_t r = 0; r < 40; r++) {
        st__gbdt_columns_row(m, &cm, r, x);
        assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size, row, side, &err), ST_OK);
        for (size_t j = 0; j < side; j++)
            assert_same_double(row[j], a[r * side + j]);
        assert_int_equal(st_gbdt_interactions_row(back, x, scratch, size, mat, side * side,
                                                  &err), ST_OK);
        memcpy(ib + r * side * side, mat, sizeof mat);
    }
    st_dataset *head = NULL;
    size_t rows[40];
    for (size_t r = 0; r < 40; r++)
        rows[r] = r;
    assert_int_equal(st_dataset_subset(ds, rows, 40, &head, &err), ST_OK);
    assert_int_equal(st_gbdt_interactions(m, head, 2, ia, 40 * side * side, &err), ST_OK);
    for (size_t k = 0; k < 40 * side * side; k++)
        assert_same_double(ia[k], ib[k]);
    st_dataset_free(head);
    st__gbdt_columns_free(&cm);
    free(scratch);
    free(a);
    free(b);
    free(ia);
    free(ib);
    st_gbdt_free(back);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Rewrites a model file without its covers (as files were before them), with a fresh
 * checksum line. */
static void strip_covers(const char *path, const char *out)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[4096], *text = malloc(1 << 20);
    size_t len = 0;
    assert_non_null(text);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "checksum ", 9) == 0)
            break;
        if (strncmp(line, "node ", 5) == 0 || strncmp(line, "leaf ", 5) == 0)
            strcpy(strrchr(line, ' '), "\n");
        len += (size_t)snprintf(text + len, (1 << 20) - len, "%s", line);
    }
    fclose(f);
    len += (size_t)snprintf(text + len, (1 << 20) - len, "checksum %016llx\n",
                            (unsigned long long)st__fnv1a64(text, len));
    assert_int_equal(st_file_write_atomic(out, text, len, NULL), ST_OK);
    free(text);
}

/* NULL arguments, short outputs, short scratch and a model without covers are refused
 * with a message; an old model without covers still predicts as before. */
static void test_bad_arguments(void **state)
{
    (void)state;
    st_dataset *ds = dataset(200, 4);
    st_gbdt *m = train(ds, 3, 4);
    const size_t n = st_dataset_n_rows(ds), side = m->n_features + 1;
    double *c = malloc(n * side * side * sizeof *c);
    assert_non_null(c);
    st_error err;
    assert_int_equal(st_gbdt_contrib(NULL, ds, 1, c, n * side, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_contrib(m, NULL, 1, c, n * side, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_contrib(m, ds, 1, c, n * side - 1, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "out has room");
    assert_int_equal(st_gbdt_interactions(m, ds, 1, c, n * side, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_contrib(m, ds, -1, c, n * side, &err), ST_ERR_INVALID_ARG);
    const size_t size = st_gbdt_shap_scratch_size(m);
    assert_int_equal(st_gbdt_shap_scratch_size(NULL), 0);
    char *scratch = malloc(size);
    float x[5] = {1, 0.5f, 2, 0, 0.5f};
    assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size - 1, c, side, &err),
                     ST_ERR_INVALID_ARG);
    assert_contains(err.message, "st_gbdt_shap_scratch_size");
    assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size, c, side - 1, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_interactions_row(m, x, scratch, size, c, side * side - 1, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_contrib_row(m, NULL, scratch, size, c, side, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size, c, side, &err), ST_OK);

    /* a model file from before covers */
    char path[512], old[512];
    snprintf(path, sizeof path, "%s/new.model", tmpdir);
    snprintf(old, sizeof old, "%s/old.model", tmpdir);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    strip_covers(path, old);
    st_gbdt *back = NULL;
    assert_int_equal(st_gbdt_load(old, &back, &err), ST_OK);
    assert_int_equal(st_gbdt_contrib(back, ds, 1, c, n * side, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "no node covers");
    double p0[200], p1[200];
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, p0, 200, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_RAW_SCORE, 1, p1, 200, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(p0[i], p1[i]);
    st_gbdt_free(back);
    free(scratch);
    free(c);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_sums),
        cmocka_unit_test(test_save_load_threads_row),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
