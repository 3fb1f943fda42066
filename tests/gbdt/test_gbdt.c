/* Gradient-boosted trees: splits and leaf values derived by hand on tiny datasets, the
 * learned direction of missing values, histogram subtraction against direct construction,
 * the log-loss gradient against finite differences, model files that round-trip bit for
 * bit, the same model bytes whatever the thread count, and bad input refused; a value's
 * bin (the branch-free binary search) against a scan of the bounds. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "gbdt_hist_check.h"
#include "gbdt/gbdt_rand.h"
#include "gbdt/gbdt_train_core.h"

TEST_SCRATCH_DIR("stratum_gbdt")

static void path_in_tmp(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static st_dataset *arrays(size_t n, size_t nf, const float *x, const float *y)
{
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_from_arrays(n, nf, x, y, NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("st_dataset_from_arrays: %s", err.message);
    return ds;
}

static st_gbdt *train_ok(const st_dataset *ds, const st_gbdt_params *prm)
{
    st_error err;
    st_gbdt *m = NULL;
    if (st_gbdt_train(ds, prm, &m, &err) != ST_OK)
        fail_msg("st_gbdt_train: %s", err.message);
    return m;
}

/* The defaults are LightGBM's; each bad value is named. */
static void test_params(void **state)
{
    (void)state;
    st_gbdt_params p = st_gbdt_params_default();
    assert_int_equal(p.num_trees, ST_GBDT_NUM_TREES_AUTO); /* chosen by early stopping */
    assert_int_equal(p.num_leaves, 31);
    assert_int_equal(p.max_depth, -1);
    assert_close(p.learning_rate, 0.1, 0);
    assert_int_equal(p.max_bin, 255);
    assert_int_equal(p.min_data_in_leaf, 20);
    assert_close(p.min_sum_hessian_in_leaf, 1e-3, 0);
    assert_close(p.scale_pos_weight, 1, 0);
    assert_null(st_gbdt_params_check(&p));
    p.num_leaves = 1;
    assert_contains(st_gbdt_params_check(&p), "num_leaves");
    p = st_gbdt_params_default();
    p.feature_fraction = 0;
    assert_contains(st_gbdt_params_check(&p), "feature_fraction");
    p = st_gbdt_params_default();
    p.lambda_l2 = -1;
    assert_contains(st_gbdt_params_check(&p), "lambda_l2");
    p = st_gbdt_params_default();
    p.max_bin = 65536;
    assert_contains(st_gbdt_params_check(&p), "max_bin");

    const float x[4] = {1, 2, 3, 4}, y[4] = {0, 1, 0, 1};
    st_dataset *ds = arrays(4, 1, x, y);
    st_gbdt *m = (st_gbdt *)(uintptr_t)1;
    st_error err;
    p.max_bin = 65536;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_contains(err.message, "max_bin");
    st_dataset_free(ds);
}

/* y = x > 4 with p0 = 1/2: g = +-1/2, h = 1/4 on each row. The best split is x <= 4.5:
 * G_L = 2, H_L = 1, G_R = -2, H_R = 1. With lambda_l2 = 1 and learning rate 0.5 the leaf
 * values are -+2 / (1 + 1) * 0.5 = -+0.5 and the gain 4/2 + 4/2 - 0 = 4; with lambda_l1 = 1
 * as well, T(2) = 1 gives -+0.25 and gain 1/2 + 1/2 = 1. */
static void test_stump_by_hand(void **state)
{
    (void)state;
    const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    st_dataset *ds = arrays(8, 1, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 1;
    p.num_leaves = 2;
    p.min_data_in_leaf = 1;
    p.learning_rate = 0.5;
    p.lambda_l2 = 1;
    st_gbdt *m = train_ok(ds, &p);
    assert_close(st_gbdt_init_score(m), 0, 1e-15);
    assert_int_equal(m->node_start[1], 1);
    assert_close(m->nodes[0].threshold, 4.5, 0);
    assert_close(m->nodes[0].gain, 4, 1e-12);
    float row = 1;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), -0.5, 1e-12);
    row = 8;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), 0.5, 1e-12);
    assert_close(test_gbdt_row(m, &row, ST_GBDT_PROBABILITY), 1 / (1 + exp(-0.5)), 1e-15);
    row = NAN; /* no missing value in training: missing goes right, as in XGBoost */
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), 0.5, 1e-12);
    double imp[1];
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_SPLIT, imp, 1, NULL), ST_OK);
    assert_close(imp[0], 1, 0);
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, imp, 1, NULL), ST_OK);
    assert_close(imp[0], 4, 1e-12);
    st_gbdt_free(m);

    p.lambda_l1 = 1;
    m = train_ok(ds, &p);
    assert_close(m->nodes[0].gain, 1, 1e-12);
    row = 2;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), -0.25, 1e-12);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* x = 1 2 3 4 NaN NaN, y = 0 0 1 1 0 0: the best split is x <= 2.5 with the missing rows
 * sent left (a pure split). p0 = 1/3, init = log(1/2); rows with y = 0 have g = 1/3,
 * h = 2/9, those with y = 1 g = -2/3, h = 2/9. Left: G = 4/3, H = 8/9, value -3/2; right:
 * G = -4/3, H = 4/9, value 3 (learning rate 1, no penalty). */
static void test_missing_direction(void **state)
{
    (void)state;
    const float x[6] = {1, 2, 3, 4, NAN, NAN}, y[6] = {0, 0, 1, 1, 0, 0};
    st_dataset *ds = arrays(6, 1, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 1;
    p.num_leaves = 2;
    p.min_data_in_leaf = 1;
    p.learning_rate = 1;
    st_gbdt *m = train_ok(ds, &p);
    const double init = log(0.5);
    assert_close(st_gbdt_init_score(m), init, 1e-15);
    assert_int_equal(m->nodes[0].default_left, 1);
    float row = NAN;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), init - 1.5, 1e-12);
    row = 1;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), init - 1.5, 1e-12);
    row = 3;
    assert_close(test_gbdt_row(m, &row, ST_GBDT_RAW_SCORE), init + 3, 1e-12);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Leaf-wise growth stops at num_leaves, max_depth = 1 gives stumps, and min_data_in_leaf
 * larger than half the rows allows no split at all (the tree is one leaf: -G/H). */
static void test_growth_limits(void **state)
{
    (void)state;
    enum { N = 64 };
    float x[2 * N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)i;
        x[N + i] = (float)((i * 7) % 13);
        y[i] = (float)((i % 3 == 0) ^ (i > 40));
    }
    st_dataset *ds = arrays(N, 2, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 3;
    p.num_leaves = 5;
    p.min_data_in_leaf = 1;
    st_gbdt *m = train_ok(ds, &p);
    for (size_t t = 0; t < 3; t++)
        assert_int_equal(m->leaf_start[t + 1] - m->leaf_start[t], 5);
    st_gbdt_free(m);
    p.max_depth = 1;
    m = train_ok(ds, &p);
    for (size_t t = 0; t < 3; t++)
        assert_int_equal(m->leaf_start[t + 1] - m->leaf_start[t], 2);
    st_gbdt_free(m);
    p.max_depth = -1;
    p.min_data_in_leaf = N / 2 + 1;
    p.num_trees = 1;
    m = train_ok(ds, &p);
    assert_int_equal(m->leaf_start[1], 1);
    double pos = 0;
    for (int i = 0; i < N; i++)
        pos += y[i];
    const double p0 = pos / N;
    /* at the initial score every gradient sums to zero: the single leaf is 0 */
    assert_close(m->leaf_values[0], 0, 1e-12);
    assert_close(st_gbdt_init_score(m), log(p0 / (1 - p0)), 1e-12);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* The larger child's histogram as parent minus smaller child equals the one built from its
 * rows exactly (fixed-point sums), on one thread or two, and both are the direct sums of
 * its rows. */
static void test_hist_subtraction(void **state)
{
    (void)state;
    enum { N = 300, NF = 3 };
    float x[NF * N], y[N];
    st__gbdt_gh gh[N]; /* gradients in fixed point, as the grower makes them */
    uint64_t rng = 42;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < NF; j++) {
            double u = st__gbdt_rand_unit(&rng);
            x[j * N + i] = u < 0.1 ? NAN : (float)(j == 2 ? floor(u * 5) : u * 100);
        }
        y[i] = (float)(i % 2);
        gh[i].g = st__gbdt_to_fixed(st__gbdt_rand_unit(&rng) - 0.5, 50);
        gh[i].h = st__gbdt_to_fixed(st__gbdt_rand_unit(&rng), 50);
    }
    st_dataset *ds = arrays(N, NF, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.max_bin = 16;
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(ds, &p, 2, &b, NULL), ST_OK);
    assert_int_equal(b.n_bins[2], 5); /* five distinct values: one bin each */
    for (int i = 0; i < N; i++) /* every code agrees with the bounds */
        for (int j = 0; j < NF; j++) {
            int c = b.codes[i * NF + j];
            float v = x[j * N + i];
            if (isnan(v)) {
                assert_int_equal(c, 0);
            } else {
                assert_true(c >= 1 && c <= b.n_bins[j] && v <= b.bounds[b.offset[j] + c]);
                assert_true(c == 1 || v > b.bounds[b.offset[j] + c - 1]);
            }
        }
    st__gbdt_hist_cell *parent = calloc(b.total_bins, sizeof *parent);
    st__gbdt_hist_cell *left = calloc(b.total_bins, sizeof *left);
    st__gbdt_hist_cell *right = calloc(b.total_bins, sizeof *right);
    st__gbdt_hist_cell *work = calloc(b.total_bins, sizeof *work); /* a second thread's */
    uint32_t rows[N], scratch[N];
    const uint32_t feats[NF] = {0, 1, 2};
    for (int i = 0; i < N; i++)
        rows[i] = (uint32_t)i;
    st__gbdt_hist_build(&b, feats, NF, NULL, N, gh, parent, work, 2);
    size_t nl = st__gbdt_partition(rows, N, &b, 1, 4, 1, scratch);
    for (size_t i = 1; i < nl; i++) /* stable */
        assert_true(rows[i - 1] < rows[i]);
    for (size_t i = 0; i < N; i++) { /* feature 1 at bin 4, missing left */
        int c = b.codes[rows[i] * NF + 1];
        assert_int_equal(i < nl, c == 0 || c <= 4);
    }
    st__gbdt_hist_build(&b, feats, NF, rows, nl, gh, left, NULL, 1);
    st__gbdt_hist_build(&b, feats, NF, rows + nl, N - nl, gh, right, work, 2);
    st__gbdt_hist_subtract(&b, feats, NF, parent, left);
    /* the right child's histogram is the plain sum of its rows, bin by bin */
    assert_hist_is_direct_sum(&b, rows + nl, N - nl, gh, right);
    for (size_t k = 0; k < b.total_bins; k++) {
        assert_int_equal(parent[k].g, right[k].g); /* exactly: integer sums */
        assert_int_equal(parent[k].h, right[k].h);
        assert_int_equal(parent[k].n, right[k].n);
    }
    free(parent);
    free(left);
    free(right);
    free(work);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
}

static double logloss(double f, double y, double w)
{
    const double p = 1 / (1 + exp(-f));
    return -w * (y * log(p) + (1 - y) * log(1 - p));
}

/* g and h are the first and second derivatives of the weighted log loss. */
static void test_gradient_finite_differences(void **state)
{
    (void)state;
    const double score[6] = {-3, -0.5, 0, 0.2, 1.5, 4};
    const float y[6] = {0, 1, 1, 0, 1, 0};
    const double w[6] = {1, 2, 0.5, 3, 1, 1.5};
    double g[6], h[6], gp[6], hp[6], gm[6], hm[6], sp[6], sm[6];
    const double e = 1e-5;
    for (int i = 0; i < 6; i++) {
        sp[i] = score[i] + e;
        sm[i] = score[i] - e;
    }
    st__gbdt_logloss_grad(score, y, w, 6, g, h, 1);
    st__gbdt_logloss_grad(sp, y, w, 6, gp, hp, 1);
    st__gbdt_logloss_grad(sm, y, w, 6, gm, hm, 1);
    for (int i = 0; i < 6; i++) {
        double fd_g = (logloss(sp[i], y[i], w[i]) - logloss(sm[i], y[i], w[i])) / (2 * e);
        assert_close(g[i], fd_g, 1e-7 * (1 + fabs(fd_g)));
        assert_close(h[i], (gp[i] - gm[i]) / (2 * e), 1e-7);
    }
    /* the initial score zeroes the summed gradient */
    double init, s0[6];
    const float wf[6] = {1, 2, 0.5f, 3, 1, 1.5f}; /* w, as the row weights of a dataset */
    const st__gbdt_row_weights rw = {wf, {1, 1}};
    double w_max = 0;
    assert_int_equal(st__gbdt_init_score(y, &rw, 6, 6, NULL, &init, &w_max, NULL), ST_OK);
    assert_close(w_max, 3, 0); /* the largest row weight, which bounds every gradient */
    for (int i = 0; i < 6; i++)
        s0[i] = init;
    st__gbdt_logloss_grad(s0, y, w, 6, g, h, 1);
    double G = 0;
    for (int i = 0; i < 6; i++)
        G += g[i];
    assert_close(G, 0, 1e-12);
}

/* A dataset with numeric features (some missing), a categorical one and a noisy label. */
static st_dataset *mixed_dataset(size_t n, uint64_t seed)
{
    size_t cap = n * 64 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "a,b,site,c,label\n");
    static const char *const sites[] = {"north", "south", "east", "west", ""};
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++) {
        double a = st__gbdt_rand_unit(&rng) * 10, b = st__gbdt_rand_unit(&rng);
        int s = (int)(st__gbdt_rand_unit(&rng) * 5);
        double c = floor(st__gbdt_rand_unit(&rng) * 20);
        double z = (a - 5) * 0.6 + (s == 1 ? 1.5 : 0) - (b > 0.8 ? 2 : 0) +
                   2 * (st__gbdt_rand_unit(&rng) - 0.5);
        char av[32];
        if (st__gbdt_rand_unit(&rng) < 0.1)
            snprintf(av, sizeof av, "NA");
        else
            snprintf(av, sizeof av, "%.4f", a);
        len += (size_t)snprintf(csv + len, cap - len, "%s,%.5f,%s,%g,%d\n", av, b, sites[s], c,
                                z > 0.5);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, len, "mixed", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(csv);
    return ds;
}

static st_gbdt_params busy_params(void)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 20;
    p.num_leaves = 15;
    p.min_data_in_leaf = 5;
    p.lambda_l1 = 0.1;
    p.lambda_l2 = 1;
    p.feature_fraction = 0.75;
    p.bagging_fraction = 0.8;
    p.bagging_freq = 2;
    p.max_bin = 63;
    p.seed = 7;
    return p;
}

/* Save + load gives a model that predicts bit-identically and saves to the same bytes;
 * columns are found by name and levels by text in a dataset laid out differently. */
static void test_round_trip(void **state)
{
    (void)state;
    st_dataset *ds = mixed_dataset(600, 3);
    st_gbdt_params p = busy_params();
    st_gbdt *m = train_ok(ds, &p);
    char path[512], path2[512];
    path_in_tmp(path, sizeof path, "a.model");
    path_in_tmp(path2, sizeof path2, "b.model");
    st_error err;
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    st_gbdt *back = NULL;
    if (st_gbdt_load(path, &back, &err) != ST_OK)
        fail_msg("load: %s", err.message);
    assert_int_equal(st_gbdt_save(back, path2, &err), ST_OK);
    size_t s1, s2;
    char *t1 = read_all_n(path, &s1), *t2 = read_all_n(path2, &s2);
    assert_non_null(t1);
    assert_non_null(t2);
    assert_int_equal(s1, s2);
    assert_memory_equal(t1, t2, s1);
    assert_true(strncmp(t1, "stratum-model 1 gbdt\n", 21) == 0);
    const size_t n = st_dataset_n_rows(ds);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 2, p1, n, NULL), ST_OK);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_RAW_SCORE, 1, p2, n, NULL), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(p1[i], p2[i]);
    assert_int_equal(st_gbdt_n_features(back), 4);
    assert_string_equal(st_gbdt_feature_name(back, 2), "site");
    assert_int_equal(st_gbdt_n_levels(back, 2), 4);
    assert_string_equal(st_gbdt_level(back, 2, 0), "east");

    /* another layout: columns reordered, levels partly unknown ("up" is missing) */
    static const char other[] = "site,c,b,a\nsouth,3,0.5,7.5\nup,3,0.5,7.5\nnorth,19,0.9,NA\n";
    st_read_options opt = st_read_options_default();
    opt.label_required = 0;
    st_dataset *ds2 = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(other, sizeof other - 1, "other", &opt, &ds2, NULL),
                     ST_OK);
    double q[3];
    assert_int_equal(st_gbdt_predict(back, ds2, ST_GBDT_PROBABILITY, 0, q, 3, NULL), ST_OK);
    const float rows[3][4] = {{7.5f, 0.5f, 2 /* south */, 3}, {7.5f, 0.5f, NAN, 3},
                              {NAN, 0.9f, 1 /* north */, 19}};
    for (int i = 0; i < 3; i++)
        assert_same_double(q[i], test_gbdt_row(back, rows[i], ST_GBDT_PROBABILITY));
    free(t1);
    free(t2);
    free(p1);
    free(p2);
    st_dataset_free(ds2);
    st_gbdt_free(back);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Trains with 1, 2 and 3 threads and checks the model files are the same bytes. */
static void same_model_any_threads(const st_dataset *ds, st_gbdt_params p)
{
    char *text[3];
    size_t size[3];
    for (int k = 0; k < 3; k++) {
        p.n_threads = k + 1;
        st_gbdt *m = train_ok(ds, &p);
        char path[512];
        snprintf(path, sizeof path, "%s/threads%d.model", tmpdir, k + 1);
        assert_int_equal(st_gbdt_save(m, path, NULL), ST_OK);
        text[k] = read_all_n(path, &size[k]);
        assert_non_null(text[k]);
        st_gbdt_free(m);
    }
    for (int k = 1; k < 3; k++) {
        assert_int_equal(size[k], size[0]);
        assert_memory_equal(text[k], text[0], size[0]);
    }
    for (int k = 0; k < 3; k++)
        free(text[k]);
}

/* The model file is the same byte for byte with 1, 2 and 3 threads, on data large enough
 * for every parallel kernel to run in parallel: many rows (histograms, gradients, scores)
 * and many bins (split search). */
static void test_threads_same_model(void **state)
{
    (void)state;
    st_dataset *ds = mixed_dataset(100000, 11);
    same_model_any_threads(ds, busy_params());
    st_dataset_free(ds);

    enum { N = 3000, NF = 40 };
    float *x = malloc(sizeof(float) * N * NF), y[N];
    assert_non_null(x);
    uint64_t rng = 99;
    for (int i = 0; i < N; i++) {
        double z = 0;
        for (int j = 0; j < NF; j++) {
            double u = st__gbdt_rand_unit(&rng);
            x[(size_t)j * N + i] = u < 0.05 ? NAN : (float)u;
            z += j % 3 == 0 && u == u ? u - 0.5 : 0;
        }
        y[i] = (float)(z + st__gbdt_rand_unit(&rng) - 0.5 > 0);
    }
    ds = arrays(N, NF, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 8;
    p.bagging_fraction = 0.9;
    p.bagging_freq = 1;
    same_model_any_threads(ds, p);
    free(x);
    st_dataset_free(ds);
}

/* Bad files are refused with ST_ERR_FORMAT naming the line; bad calls with
 * ST_ERR_INVALID_ARG or ST_ERR_DATA; *out stays NULL. */
static void test_bad_input(void **state)
{
    (void)state;
    st_dataset *ds = mixed_dataset(200, 5);
    st_gbdt_params p = busy_params();
    p.num_trees = 3;
    st_gbdt *m = train_ok(ds, &p);
    char path[512], bad[512];
    path_in_tmp(path, sizeof path, "good.model");
    path_in_tmp(bad, sizeof bad, "bad.model");
    assert_int_equal(st_gbdt_save(m, path, NULL), ST_OK);
    size_t size;
    char *text = read_all_n(path, &size);
    assert_non_null(text);
    st_error err;
    st_gbdt *back = (st_gbdt *)(uintptr_t)1;

    char *leaf = strstr(text, "\nleaf ");
    assert_non_null(leaf);
    leaf[6] = leaf[6] == '1' ? '2' : '1'; /* an edit: the checksum no longer matches */
    assert_int_equal(st_file_write_atomic(bad, text, size, NULL), ST_OK);
    assert_int_equal(st_gbdt_load(bad, &back, &err), ST_ERR_FORMAT);
    assert_null(back);
    assert_contains(err.message, "checksum mismatch");

    assert_int_equal(st_file_write_atomic(bad, text, size / 2, NULL), ST_OK);
    assert_int_equal(st_gbdt_load(bad, &back, &err), ST_ERR_FORMAT);
    assert_contains(err.message, "truncated");

    static const char logreg[] = "stratum-model 1 logreg\nchecksum 0000000000000000\n";
    assert_int_equal(st_file_write_atomic(bad, logreg, sizeof logreg - 1, NULL), ST_OK);
    assert_int_equal(st_gbdt_load(bad, &back, &err), ST_ERR_FORMAT);
    assert_contains(err.message, "expected a 'gbdt' model");
    assert_int_equal(err.line, 1);

    path_in_tmp(bad, sizeof bad, "absent.model");
    assert_int_equal(st_gbdt_load(bad, &back, &err), ST_ERR_IO);

    /* a feature of the model missing from the data */
    static const char few[] = "a,b,c\n1,2,3\n";
    st_read_options opt = st_read_options_default();
    opt.label_required = 0;
    st_dataset *ds2 = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(few, sizeof few - 1, "few", &opt, &ds2, NULL), ST_OK);
    double out[4];
    assert_int_equal(st_gbdt_predict(m, ds2, ST_GBDT_PROBABILITY, 1, out, 4, &err), ST_ERR_DATA);
    assert_contains(err.message, "'site'");
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, out, 4, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_predict(NULL, ds, ST_GBDT_PROBABILITY, 1, out, 4, &err),
                     ST_ERR_INVALID_ARG);
    /* one row: NULL arguments, a row of another width, an unknown output kind */
    double one = 0;
    const float zeros[64] = {0};
    const size_t nf = st_gbdt_n_features(m);
    assert_true(nf >= 1 && nf < 64);
    assert_int_equal(st_gbdt_predict_row(m, NULL, nf, ST_GBDT_RAW_SCORE, &one, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_predict_row(m, zeros, nf, ST_GBDT_RAW_SCORE, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_predict_row(m, zeros, nf + 1, ST_GBDT_RAW_SCORE, &one, &err),
                     ST_ERR_INVALID_ARG);
    char expected[96];
    snprintf(expected, sizeof expected, "the row has %zu values, the model %zu features",
             nf + 1, nf);
    assert_contains(err.message, expected);
    assert_int_equal(st_gbdt_predict_row(m, zeros, nf, (st_gbdt_output)7, &one, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_gbdt_predict_row(m, zeros, nf, ST_GBDT_RAW_SCORE, &one, &err), ST_OK);
    assert_int_equal(st_gbdt_train(NULL, NULL, &back, &err), ST_ERR_INVALID_ARG);
    assert_null(back);
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, out, 2, &err),
                     ST_ERR_INVALID_ARG);
    /* unlabelled data cannot train */
    back = (st_gbdt *)(uintptr_t)1;
    assert_int_not_equal(st_gbdt_train(ds2, NULL, &back, &err), ST_OK);
    assert_null(back);
    st_gbdt_free(NULL);
    free(text);
    st_dataset_free(ds2);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Weights: scale_pos_weight = 3 equals repeating each positive row 3 times. */
static void test_weights(void **state)
{
    (void)state;
    enum { N = 40 };
    float x[N], y[N], x3[3 * N], y3[3 * N];
    size_t n3 = 0;
    for (int i = 0; i < N; i++) {
        x[i] = (float)((i * 17) % 23);
        y[i] = (float)((i * 5) % 7 < 3);
        for (int r = 0; r < (y[i] != 0 ? 3 : 1); r++) {
            x3[n3] = x[i];
            y3[n3++] = y[i];
        }
    }
    st_dataset *ds = arrays(N, 1, x, y), *ds3 = arrays(n3, 1, x3, y3);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 5;
    p.num_leaves = 4;
    p.min_data_in_leaf = 1;
    st_gbdt_params p3 = p;
    p.scale_pos_weight = 3;
    st_gbdt *m = train_ok(ds, &p), *m3 = train_ok(ds3, &p3);
    assert_close(st_gbdt_init_score(m), st_gbdt_init_score(m3), 1e-12);
    for (float v = 0; v < 23; v += 1)
        assert_close(test_gbdt_row(m, &v, ST_GBDT_RAW_SCORE),
                     test_gbdt_row(m3, &v, ST_GBDT_RAW_SCORE), 1e-9);
    st_gbdt_free(m);
    st_gbdt_free(m3);
    st_dataset_free(ds);
    st_dataset_free(ds3);
}

/* Infinite values, a constant feature, an all-missing one and bags that can be empty
 * still give a finite model that saves and loads. */
static void test_awkward_values(void **state)
{
    (void)state;
    enum { N = 8 };
    const float x[4 * N] = {-INFINITY, INFINITY, 1, 2, NAN, 3, -INFINITY, INFINITY,
                            5, 5, 5, 5, 5, 5, 5, 5,
                            NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
                            0, 1, 0, 1, 0, 1, 0, 1};
    const float y[N] = {0, 1, 0, 1, 1, 0, 0, 1};
    st_dataset *ds = arrays(N, 4, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 10;
    p.min_data_in_leaf = 1;
    p.bagging_fraction = 0.1;
    p.bagging_freq = 1;
    st_gbdt *m = train_ok(ds, &p);
    char path[512];
    path_in_tmp(path, sizeof path, "awkward.model");
    st_error err;
    if (st_gbdt_save(m, path, &err) != ST_OK)
        fail_msg("save: %s", err.message);
    st_gbdt *back = NULL;
    if (st_gbdt_load(path, &back, &err) != ST_OK)
        fail_msg("load: %s", err.message);
    double p1[N], p2[N];
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, p1, N, NULL), ST_OK);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_RAW_SCORE, 1, p2, N, NULL), ST_OK);
    for (int i = 0; i < N; i++) {
        assert_true(isfinite(p1[i]));
        assert_same_double(p1[i], p2[i]);
    }
    st_gbdt_free(back);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* st__gbdt_bin_in is the first bin whose bound is >= v: checked against a scan of the
 * bounds for every bin count from 1 to 70, at each bound, just under and over it, below
 * the first, at +-inf, and NaN (bin 0). */
static void test_bin_search(void **state)
{
    (void)state;
    double bd[72];
    for (int nb = 1; nb <= 70; nb++) {
        for (int k = 1; k < nb; k++)
            bd[k] = -3.0 + 0.37 * k * k; /* (ascending, unevenly spaced) */
        bd[nb] = INFINITY;
        float probes[3 * 72 + 3];
        size_t np = 0;
        for (int k = 1; k < nb; k++) {
            probes[np++] = (float)bd[k];
            probes[np++] = nextafterf((float)bd[k], -INFINITY);
            probes[np++] = nextafterf((float)bd[k], INFINITY);
        }
        probes[np++] = -1e30f;
        probes[np++] = -INFINITY;
        probes[np++] = INFINITY;
        for (size_t q = 0; q < np; q++) {
            unsigned want = 1;
            while (want < (unsigned)nb && bd[want] < (double)probes[q])
                want++;
            assert_int_equal(st__gbdt_bin_in(bd, nb, probes[q]), want);
        }
        assert_int_equal(st__gbdt_bin_in(bd, nb, NAN), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_stump_by_hand),
        cmocka_unit_test(test_missing_direction),
        cmocka_unit_test(test_growth_limits),
        cmocka_unit_test(test_hist_subtraction),
        cmocka_unit_test(test_gradient_finite_differences),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_threads_same_model),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_awkward_values),
        cmocka_unit_test(test_bin_search),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
