/* Gradient-boosted trees: QuickScorer (gbdt_predict_qs.h), the batch prediction of models
 * with threshold splits only and at most 64 leaves a tree. Its score of every row equals,
 * to the bit, the model's own one-row walk (st_gbdt_predict_row: double thresholds, node by
 * node), on lossguide trees of 31 and 64 leaves over integer-valued columns (values on
 * thresholds), missing values in both default directions, huge and tiny magnitudes,
 * infinities; so does st_gbdt_predict on 1, 2 and 3 threads. Models it must not take (65
 * leaves, a categorical split) are refused and still predicted by the tree walk, and a
 * model of single-leaf trees gives each tree's only leaf. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gbdt/gbdt_flat.h"
#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_predict_qs.h"
#include "gbdt/gbdt_rand.h"

enum { N = 5003 }; /* 39 blocks of 128 rows and a partial one; > 1024: parallel */

/* A CSV text of n rows: label, five numeric columns (one wide, one of small integers, one
 * tiny, one noisy, one of three values and infinities), each missing in some rows; with
 * kind, a sixth, categorical column. */
static char *csv_text(size_t n, uint64_t seed, int kind)
{
    size_t cap = 128 + n * 200, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "label,wide,count,tiny,noisy,step%s\n",
                            kind ? ",kind" : "");
    uint64_t rng = seed;
    static const char *const steps[] = {"-1", "0", "2.5", "inf", "-inf"};
    for (size_t i = 0; i < n; i++) {
        double u[7];
        for (int k = 0; k < 7; k++)
            u[k] = st__gbdt_rand_unit(&rng);
        const int count = (int)(u[1] * 10), step = (int)(u[6] * 5);
        const double wide = (u[0] - 0.5) * 1e30, tiny = (u[2] - 0.5) * 1e-30;
        const double z = (wide > 0) + 0.3 * count - 1.4 + (tiny < 0) * 0.5 + u[5] - 0.5 +
                         (step == 2) * 0.7 + (kind && u[4] > 0.5);
        char w[40], t[40], q[40];
        snprintf(w, sizeof w, "%.9g", wide);
        snprintf(t, sizeof t, "%.9g", tiny);
        snprintf(q, sizeof q, "%.9g", u[3]);
        len += (size_t)snprintf(s + len, cap - len, "%d,%s,%s,%s,%s,%s%s%s\n", z > 0,
                                i % 11 == 3 ? "NA" : w,
                                i % 13 == 5 ? "NA" : (char[]){(char)('0' + count), 0},
                                i % 7 == 1 ? "NA" : t, i % 5 == 2 ? "NA" : q,
                                i % 9 == 4 ? "NA" : steps[step], kind ? "," : "",
                                kind ? (u[4] > 0.5 ? "a" : "b") : "");
    }
    return s;
}

static st_dataset *read_csv(const char *text)
{
    st_read_options o = st_read_options_default();
    o.label_required = 0;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(text, strlen(text), "mem", &o, &ds, &err) != ST_OK)
        fail_msg("read: %s", err.message);
    return ds;
}

static st_gbdt *train(const st_dataset *ds, int trees, int leaves, int min_data)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = trees;
    p.num_leaves = leaves;
    p.min_data_in_leaf = min_data;
    p.n_threads = 2;
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(ds, &p, &m, &err) != ST_OK)
        fail_msg("train: %s", err.message);
    return m;
}

/* What st__gbdt_qs_build says of m (1 built, 0 refused); when built, QuickScorer's raw
 * score of every row of ds equals the one-row walk's. */
static int qs_equals_rows(const st_gbdt *m, const st_dataset *ds)
{
    const size_t n = st_dataset_n_rows(ds), nf = st_gbdt_n_features(m);
    float *x = malloc(n * nf * sizeof *x);
    uint64_t *reach = malloc((m->n_trees ? m->n_trees : 1) * sizeof *reach);
    st__gbdt_flat_node *flat = st__gbdt_flat_build(m);
    assert_non_null(x);
    assert_non_null(reach);
    assert_non_null(flat);
    assert_int_equal(st__gbdt_gather_rows(m, ds, x, NULL), ST_OK);
    st__gbdt_qs q;
    const int built = st__gbdt_qs_build(m, flat, &q);
    assert_true(built == 0 || built == 1);
    for (size_t i = 0; built && i < n; i++)
        assert_same_double(st__gbdt_qs_score(&q, m->init_score, x + i * nf, reach),
                           test_gbdt_row(m, x + i * nf, ST_GBDT_RAW_SCORE));
    st__gbdt_qs_free(&q);
    free(flat);
    free(reach);
    free(x);
    return built;
}

/* st_gbdt_predict on every thread count and output kind equals the one-row walk. */
static void batch_equals_rows(const st_gbdt *m, const st_dataset *ds)
{
    const size_t n = st_dataset_n_rows(ds), nf = st_gbdt_n_features(m);
    float *x = malloc(n * nf * sizeof *x);
    double *p = malloc(n * sizeof *p);
    assert_non_null(x);
    assert_non_null(p);
    assert_int_equal(st__gbdt_gather_rows(m, ds, x, NULL), ST_OK);
    const st_gbdt_output kinds[2] = {ST_GBDT_RAW_SCORE, ST_GBDT_PROBABILITY};
    for (int k = 0; k < 2; k++)
        for (int threads = 1; threads <= 3; threads++) {
            assert_int_equal(st_gbdt_predict(m, ds, kinds[k], threads, p, n, NULL), ST_OK);
            for (size_t i = 0; i < n; i++)
                assert_same_double(p[i], test_gbdt_row(m, x + i * nf, kinds[k]));
        }
    free(x);
    free(p);
}

/* The largest leaf count of m's trees, and whether its nodes send missing values both
 * ways. */
static size_t most_leaves(const st_gbdt *m, int *both_defaults)
{
    size_t most = 0, dl[2] = {0, 0};
    for (size_t t = 0; t < m->n_trees; t++) {
        const size_t l = m->leaf_start[t + 1] - m->leaf_start[t];
        most = l > most ? l : most;
    }
    for (size_t k = 0; k < m->node_start[m->n_trees]; k++)
        dl[m->nodes[k].default_left != 0]++;
    *both_defaults = dl[0] > 0 && dl[1] > 0;
    return most;
}

static void test_numeric_trees(void **state)
{
    (void)state;
    char *train_text = csv_text(N, 7, 0), *test_text = csv_text(N, 8, 0);
    st_dataset *tr = read_csv(train_text), *te = read_csv(test_text);
    const int leaves[] = {31, 64};
    for (int v = 0; v < 2; v++) {
        st_gbdt *m = train(tr, 30, leaves[v], 2);
        int both;
        /* the trees must be what the test is about: full size, missing values both ways */
        assert_int_equal(most_leaves(m, &both), (size_t)leaves[v]);
        assert_true(both);
        assert_int_equal(qs_equals_rows(m, tr), 1);
        assert_int_equal(qs_equals_rows(m, te), 1);
        batch_equals_rows(m, te);
        st_gbdt_free(m);
    }
    st_dataset_free(tr);
    st_dataset_free(te);
    free(train_text);
    free(test_text);
}

/* 65 leaves, or a categorical split: refused, and the tree walk predicts as before. */
static void test_refused_models(void **state)
{
    (void)state;
    char *num_text = csv_text(N, 7, 0), *cat_text = csv_text(N, 9, 1);
    st_dataset *num = read_csv(num_text), *cat = read_csv(cat_text);
    st_gbdt *m = train(num, 5, 65, 2);
    int both;
    assert_int_equal(most_leaves(m, &both), 65);
    assert_int_equal(qs_equals_rows(m, num), 0);
    batch_equals_rows(m, num);
    st_gbdt_free(m);
    m = train(cat, 10, 8, 2);
    size_t n_cat = 0;
    for (size_t k = 0; k < m->node_start[m->n_trees]; k++)
        n_cat += m->nodes[k].cat_set != 0;
    assert_true(n_cat > 0);
    assert_int_equal(qs_equals_rows(m, cat), 0);
    batch_equals_rows(m, cat);
    st_gbdt_free(m);
    st_dataset_free(num);
    st_dataset_free(cat);
    free(num_text);
    free(cat_text);
}

/* No split is allowed (a leaf needs more rows than there are): every tree is one leaf,
 * which QuickScorer finds at position 0 of a word never cleared. */
static void test_single_leaf_trees(void **state)
{
    (void)state;
    char *text = csv_text(N, 7, 0);
    st_dataset *ds = read_csv(text);
    st_gbdt *m = train(ds, 4, 31, N);
    assert_int_equal(m->node_start[m->n_trees], 0);
    assert_int_equal(qs_equals_rows(m, ds), 1);
    batch_equals_rows(m, ds);
    st_gbdt_free(m);
    st_dataset_free(ds);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_trees),
        cmocka_unit_test(test_refused_models),
        cmocka_unit_test(test_single_leaf_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
