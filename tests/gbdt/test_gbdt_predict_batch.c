/* Gradient-boosted trees: batch prediction (st_gbdt_predict, which walks blocks of rows
 * through a compact float copy of the trees) gives, for every row, exactly what the
 * model's own one-row walk (st_gbdt_predict_row, double thresholds) gives, with 1, 2 and
 * 3 threads, on data of many blocks plus a partial one: missing values in both default
 * directions, a categorical column (including a level the model does not know), values
 * on both sides of every threshold (integer-valued columns, huge and tiny magnitudes). */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_rand.h"

enum { N = 5003 }; /* 39 blocks of 128 rows and a partial one; > 1024: parallel */

static const char *const levels[] = {"alpha", "beta", "delta", "gamma", "omega", "zeta"};

/* A CSV text of n rows: label, four numeric columns, one categorical; extra_level gives
 * every 97th row a level ("unseen") that is not in the training data. */
static char *csv_text(size_t n, uint64_t seed, int extra_level)
{
    size_t cap = 128 + n * 160, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "label,wide,count,tiny,noisy,kind\n");
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++) {
        double u[6];
        for (int k = 0; k < 6; k++)
            u[k] = st__gbdt_rand_unit(&rng);
        const int count = (int)(u[1] * 10);
        const int kind = (int)(u[4] * 6);
        const double wide = (u[0] - 0.5) * 1e30, tiny = (u[2] - 0.5) * 1e-30;
        const double z = (wide > 0) + 0.3 * count - 1.4 + (kind == 2 || kind == 5) +
                         (tiny < 0) * 0.5 + u[5] - 0.5;
        char w[40], t[40], q[40];
        snprintf(w, sizeof w, "%.9g", wide);
        snprintf(t, sizeof t, "%.9g", tiny);
        snprintf(q, sizeof q, "%.9g", u[3]);
        len += (size_t)snprintf(s + len, cap - len, "%d,%s,%s,%s,%s,%s\n", z > 0,
                                i % 11 == 3 ? "NA" : w, i % 13 == 5 ? "NA" : (char[]){
                                    (char)('0' + count), 0},
                                i % 7 == 1 ? "NA" : t, i % 5 == 2 ? "NA" : q,
                                extra_level && i % 97 == 0 ? "unseen"
                                : i % 17 == 4             ? "NA"
                                                          : levels[kind]);
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

/* Batch predictions of m on ds, for every thread count and output kind, equal to the bit
 * to the one-row walk on the same rows. */
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

static void test_batch_equals_row_walk(void **state)
{
    (void)state;
    char *train_text = csv_text(N, 7, 0), *test_text = csv_text(N, 8, 1);
    st_dataset *train = read_csv(train_text), *test = read_csv(test_text);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 40;
    p.num_leaves = 24;
    p.min_data_in_leaf = 3;
    p.n_threads = 2;
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(train, &p, &m, &err) != ST_OK)
        fail_msg("train: %s", err.message);
    /* the model must use what the test is about: categorical nodes, both defaults */
    size_t cat = 0, dl[2] = {0, 0};
    for (size_t k = 0; k < m->node_start[m->n_trees]; k++) {
        cat += m->nodes[k].cat_set != 0;
        dl[m->nodes[k].default_left != 0]++;
    }
    assert_true(cat > 0);
    assert_true(dl[0] > 0 && dl[1] > 0);
    batch_equals_rows(m, train);
    batch_equals_rows(m, test);
    st_gbdt_free(m);
    st_dataset_free(train);
    st_dataset_free(test);
    free(train_text);
    free(test_text);
}

/* Stumps whose thresholds are set by hand between two floats (0.1), on a float (0.5,
 * (double)0.1f), beyond every float (+-1e300) or infinite: values on both sides of and on
 * each threshold, infinities, NaN (both default directions) route as the one-row walk's
 * double comparison (double)v <= threshold. */
static void test_thresholds_between_floats(void **state)
{
    (void)state;
    const double thresholds[] = {0.1, 0.5, 1e300, -1e300, (double)0.1f, INFINITY, -INFINITY,
                                 (double)FLT_MAX, -(double)FLT_MAX};
    const float vals[] = {0.1f, nextafterf(0.1f, 0), nextafterf(0.1f, 1), 0.5f,
                          nextafterf(0.5f, 0), nextafterf(0.5f, 1), -0.f, 0.f,
                          FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, NAN, 1e-45f};
    const size_t nv = sizeof vals / sizeof *vals, n = 2000;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) {
        x[i] = vals[i % nv];
        y[i] = (float)(i % 3 == 0);
    }
    st_dataset *ds = NULL;
    const char *name = "v";
    st_error err;
    assert_int_equal(st_dataset_from_arrays(n, 1, x, y, NULL, &name, &ds, &err), ST_OK);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 3;
    p.num_leaves = 2;
    p.min_data_in_leaf = 1;
    st_gbdt *m = NULL;
    if (st_gbdt_train(ds, &p, &m, &err) != ST_OK)
        fail_msg("train: %s", err.message);
    assert_true(m->node_start[m->n_trees] > 0);
    for (size_t t = 0; t < sizeof thresholds / sizeof *thresholds; t++)
        for (int dl = 0; dl <= 1; dl++) {
            for (size_t k = 0; k < m->node_start[m->n_trees]; k++) {
                m->nodes[k].threshold = thresholds[t];
                m->nodes[k].default_left = dl;
            }
            batch_equals_rows(m, ds);
            /* the one-row walk is the rule itself (first tree) */
            const double *leaf = m->leaf_values;
            const st__gbdt_node *nd = &m->nodes[0];
            for (size_t i = 0; i < nv; i++) {
                const int left = vals[i] != vals[i] ? dl : (double)vals[i] <= thresholds[t];
                assert_same_double(st__gbdt_tree_value(m, 0, &vals[i]),
                                   leaf[~(left ? nd->left : nd->right)]);
            }
        }
    free(x);
    free(y);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_equals_row_walk),
        cmocka_unit_test(test_thresholds_between_floats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
