/* Gradient-boosted trees with a validation set (st_gbdt_train_ex): the best iteration and
 * early stopping point checked against the metric recomputed independently (models
 * trained with num_trees = k, scored by st_gbdt_predict and st_evaluate), the truncated
 * model against one trained with num_trees = best, the progress callback and cancelling,
 * validation columns matched by name, model files; and two-byte bin codes (max_bin >
 * 255) on a split that only more than 255 bins can place. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "gbdt_hist_check.h"
#include "gbdt/gbdt_rand.h"
#include "gbdt/gbdt_train_core.h"
#include "io/model_text.h"

static st_dataset *arrays(size_t n, size_t nf, const float *x, const float *y)
{
    st_error err;
    st_dataset *ds = NULL;
    if (st_dataset_from_arrays(n, nf, x, y, NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("st_dataset_from_arrays: %s", err.message);
    return ds;
}

static st_dataset *csv(const char *text)
{
    st_error err;
    st_dataset *ds = NULL;
    st_read_options opt = st_read_options_default();
    if (st_dataset_read_csv_buffer(text, strlen(text), "test.csv", &opt, &ds, &err) != ST_OK)
        fail_msg("st_dataset_read_csv_buffer: %s", err.message);
    return ds;
}

/* n rows of 4 noisy features (column-major x), labels drawn from a weak signal, so that
 * boosting overfits within a few dozen trees. */
static st_dataset *noisy(size_t n, uint64_t seed)
{
    float *x = malloc(4 * n * sizeof *x), *y = malloc(n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < 4; j++) {
            double u = st__gbdt_rand_unit(&seed);
            x[j * n + i] = (float)(u * 10);
            s += j < 2 ? u : 0;
        }
        y[i] = st__gbdt_rand_unit(&seed) < 0.2 + 0.3 * s ? 1.0f : 0.0f;
    }
    st_dataset *ds = arrays(n, 4, x, y);
    free(x);
    free(y);
    return ds;
}

static st_gbdt *train_ok(const st_dataset *tr, const st_gbdt_params *prm)
{
    st_error err;
    st_gbdt *m = NULL;
    if (st_gbdt_train(tr, prm, &m, &err) != ST_OK)
        fail_msg("st_gbdt_train: %s", err.message);
    return m;
}

/* The metric of m's probabilities on ds, through the public evaluation API. */
static double metric_of(const st_gbdt *m, const st_dataset *ds, st_gbdt_metric metric)
{
    const size_t n = st_dataset_n_rows(ds);
    double *p = malloc(n * sizeof *p);
    assert_non_null(p);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, p, n, NULL), ST_OK);
    st_eval_params ep = st_eval_params_default();
    ep.n_bootstrap = 0;
    st_eval ev;
    assert_int_equal(st_evaluate(p, st_dataset_labels(ds), st_dataset_weights(ds), n, &ep, &ev,
                                 NULL),
                     ST_OK);
    free(p);
    return ev.value[metric == ST_GBDT_METRIC_AUC      ? ST_METRIC_ROC_AUC
                    : metric == ST_GBDT_METRIC_PR_AUC ? ST_METRIC_PR_AUC
                                                      : ST_METRIC_LOG_LOSS];
}

static int better(st_gbdt_metric metric, double a, double b)
{
    return metric == ST_GBDT_METRIC_LOGLOSS ? a < b : a > b;
}

/* Early stopping stops where the validation metric, recomputed from models trained with
 * num_trees = 1, 2, ..., was last improved R trees before; the model it keeps predicts
 * bit for bit as the one trained with num_trees = best iteration. */
static void test_early_stopping_point(void **state)
{
    (void)state;
    enum { N_TREES = 60, R = 8 };
    st_dataset *tr = noisy(300, 11), *va = noisy(300, 12);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_leaves = 16;
    prm.min_data_in_leaf = 2;
    prm.learning_rate = 0.3;
    for (int metric = 0; metric <= 2; metric++) {
        prm.metric = (st_gbdt_metric)metric;
        /* the metric after k trees, by independent models */
        double v[N_TREES + 1];
        for (int k = 1; k <= N_TREES; k++) {
            prm.num_trees = k;
            st_gbdt *mk = train_ok(tr, &prm);
            v[k] = metric_of(mk, va, prm.metric);
            st_gbdt_free(mk);
        }
        /* where early stopping with R rounds must stop, and its best iteration */
        int best = 1, stop = N_TREES;
        for (int k = 2; k <= N_TREES; k++) {
            if (better(prm.metric, v[k], v[best]))
                best = k;
            if (k - best >= R) {
                stop = k;
                break;
            }
        }
        assert_true(stop < N_TREES); /* the data overfits: early stopping does trigger */
        prm.num_trees = N_TREES;
        prm.early_stopping_rounds = R;
        st_error err;
        st_gbdt *m = NULL;
        assert_int_equal(st_gbdt_train_ex(tr, va, &prm, NULL, &m, &err), ST_OK);
        assert_int_equal(st_gbdt_best_iteration(m), best);
        assert_int_equal(st_gbdt_n_trees(m), (size_t)best);
        st_gbdt_metric which;
        assert_close(st_gbdt_best_score(m, &which), v[best], 1e-12);
        assert_int_equal(which, prm.metric);
        /* the same predictions as a model of `best` trees */
        prm.early_stopping_rounds = 0;
        prm.num_trees = best;
        st_gbdt *ref = train_ok(tr, &prm);
        double p[300], q[300];
        assert_int_equal(st_gbdt_predict(m, va, ST_GBDT_RAW_SCORE, 1, p, 300, NULL), ST_OK);
        assert_int_equal(st_gbdt_predict(ref, va, ST_GBDT_RAW_SCORE, 1, q, 300, NULL), ST_OK);
        assert_memory_equal(p, q, sizeof p);
        st_gbdt_free(ref);
        /* without early stopping every tree is kept, the best one still recorded */
        prm.num_trees = N_TREES;
        st_gbdt *all = NULL;
        assert_int_equal(st_gbdt_train_ex(tr, va, &prm, NULL, &all, &err), ST_OK);
        assert_int_equal(st_gbdt_n_trees(all), N_TREES);
        int best_all = 1;
        for (int k = 2; k <= N_TREES; k++)
            if (better(prm.metric, v[k], v[best_all]))
                best_all = k;
        assert_int_equal(st_gbdt_best_iteration(all), best_all);
        st_gbdt_free(all);
        st_gbdt_free(m);
    }
    st_dataset_free(tr);
    st_dataset_free(va);
}

typedef struct seen {
    int calls, cancel_at;
    int iteration[200];
    double train[200], valid[200];
    int best[200];
} seen;

static int record(const st_gbdt_progress *p, void *user_data)
{
    seen *s = user_data;
    s->iteration[s->calls] = p->iteration;
    s->train[s->calls] = p->train_metric;
    s->valid[s->calls] = p->valid_metric;
    s->best[s->calls] = p->best_iteration;
    s->calls++;
    return s->cancel_at > 0 && p->iteration == s->cancel_at;
}

/* The callback sees every iteration in order, the training metric at 1 and every k-th
 * (NaN between), and the values a model of that many trees gives; returning non-zero
 * cancels with ST_ERR_CANCELLED and no model. */
static void test_callback(void **state)
{
    (void)state;
    st_dataset *tr = noisy(200, 21), *va = noisy(150, 22);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 12;
    prm.metric = ST_GBDT_METRIC_AUC;
    seen s = {0};
    st_gbdt_train_callbacks cb = {record, &s, 5};
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train_ex(tr, va, &prm, &cb, &m, &err), ST_OK);
    assert_int_equal(s.calls, 12);
    for (int i = 0; i < 12; i++) {
        assert_int_equal(s.iteration[i], i + 1);
        assert_int_equal(isnan(s.train[i]), !(i == 0 || (i + 1) % 5 == 0));
    }
    assert_close(s.valid[11], metric_of(m, va, prm.metric), 1e-12);
    prm.num_trees = 10;
    st_gbdt *m10 = train_ok(tr, &prm);
    assert_close(s.train[9], metric_of(m10, tr, prm.metric), 1e-12);
    assert_close(s.valid[9], metric_of(m10, va, prm.metric), 1e-12);
    st_gbdt_free(m10);
    st_gbdt_free(m);

    /* a callback without a validation set: the metric is NaN, no best iteration */
    seen s2 = {0};
    st_gbdt_train_callbacks cb2 = {record, &s2, 0};
    prm.num_trees = 3;
    assert_int_equal(st_gbdt_train_ex(tr, NULL, &prm, &cb2, &m, &err), ST_OK);
    assert_int_equal(s2.calls, 3);
    assert_nan(s2.valid[2]);
    assert_nan(s2.train[2]);
    assert_int_equal(s2.best[2], 0);
    assert_int_equal(st_gbdt_best_iteration(m), 0);
    assert_nan(st_gbdt_best_score(m, NULL));
    st_gbdt_free(m);

    /* cancelling */
    seen s3 = {0};
    s3.cancel_at = 4;
    st_gbdt_train_callbacks cb3 = {record, &s3, 0};
    prm.num_trees = 50;
    m = (st_gbdt *)&s3; /* must be reset to NULL */
    assert_int_equal(st_gbdt_train_ex(tr, va, &prm, &cb3, &m, &err), ST_ERR_CANCELLED);
    assert_null(m);
    assert_int_equal(s3.calls, 4);
    assert_contains(err.message, "cancelled");
    assert_string_equal(st_status_str(ST_ERR_CANCELLED), "cancelled");
    st_dataset_free(tr);
    st_dataset_free(va);
}

/* The validation set's columns are found by name: another order and an extra column are
 * fine, an unseen level is missing, a missing feature is refused by name. Training
 * scores and validation scores on the training rows agree to the bit, with bagging too
 * (out-of-bag rows take the binned path), in one- and two-byte bin codes. */
static void test_valid_columns(void **state)
{
    (void)state;
    char tr_text[8192] = "a,b,c,label\n", va_text[8192] = "c,label,extra,b,a\n";
    uint64_t seed = 5;
    for (int i = 0; i < 120; i++) {
        const char *lv[] = {"x", "y", "z"};
        double a = st__gbdt_rand_unit(&seed), b = st__gbdt_rand_unit(&seed);
        int c = (int)(st__gbdt_rand_unit(&seed) * 3);
        int y = st__gbdt_rand_unit(&seed) < 0.3 + 0.4 * a;
        char line[128];
        snprintf(line, sizeof line, "%.4f,%.4f,%s,%d\n", a, b, lv[c], y);
        strcat(tr_text, line);
        snprintf(line, sizeof line, "%s,%d,7,%.4f,%.4f\n", i % 10 == 0 ? "w" : lv[c], y, b, a);
        strcat(va_text, line);
    }
    st_dataset *tr = csv(tr_text), *va = csv(va_text), *bad = csv("a,c,label\n1,x,0\n2,y,1\n");
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 15;
    prm.min_data_in_leaf = 3;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train_ex(tr, va, &prm, NULL, &m, &err), ST_OK);
    int best = st_gbdt_best_iteration(m);
    assert_true(best >= 1 && best <= 15);
    prm.num_trees = best;
    st_gbdt *ref = train_ok(tr, &prm);
    assert_close(st_gbdt_best_score(m, NULL), metric_of(ref, va, prm.metric), 1e-12);
    st_gbdt_free(ref);
    st_gbdt_free(m);
    prm.num_trees = 15;
    assert_int_equal(st_gbdt_train_ex(tr, bad, &prm, NULL, &m, &err), ST_ERR_DATA);
    assert_null(m);
    assert_contains(err.message, "validation set");
    assert_contains(err.message, "'b'");
    st_dataset_free(bad);
    st_dataset_free(va);

    for (int wide = 0; wide <= 1; wide++) {
        seen s = {0};
        st_gbdt_train_callbacks cb = {record, &s, 1};
        st_dataset *big = noisy(3000, 31); /* 3000 distinct values per feature */
        prm.max_bin = wide ? 1000 : 63;
        prm.bagging_fraction = 0.6;
        prm.bagging_freq = 2;
        prm.num_trees = 10;
        assert_int_equal(st_gbdt_train_ex(big, big, &prm, &cb, &m, &err), ST_OK);
        assert_int_equal(s.calls, 10);
        for (int i = 0; i < 10; i++)
            assert_same_double(s.train[i], s.valid[i]);
        st_gbdt_free(m);
        st_dataset_free(big);
    }
    st_dataset_free(tr);
}

/* Bad uses: early stopping without a validation set, a one-class validation set under
 * AUC, a validation set without labels, bad parameters. */
static void test_bad_valid(void **state)
{
    (void)state;
    st_dataset *tr = noisy(100, 41);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 5;
    prm.early_stopping_rounds = 3;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train_ex(tr, NULL, &prm, NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "validation set");
    assert_int_equal(st_gbdt_train(tr, &prm, &m, &err), ST_ERR_INVALID_ARG);
    const float x4[16] = {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
    st_dataset *one4 = arrays(4, 4, x4, y);
    prm.metric = ST_GBDT_METRIC_AUC;
    assert_int_equal(st_gbdt_train_ex(tr, one4, &prm, NULL, &m, &err), ST_ERR_DATA);
    assert_contains(err.message, "only negative");
    prm.metric = ST_GBDT_METRIC_LOGLOSS; /* log loss is defined on one class */
    assert_int_equal(st_gbdt_train_ex(tr, one4, &prm, NULL, &m, &err), ST_OK);
    st_gbdt_free(m);
    st_dataset *unlabelled = NULL;
    assert_int_equal(st_dataset_from_arrays(2, 4, x4, NULL, NULL, NULL, &unlabelled, &err),
                     ST_OK);
    assert_int_equal(st_gbdt_train_ex(tr, unlabelled, &prm, NULL, &m, &err), ST_ERR_DATA);
    assert_contains(err.message, "no labels");
    prm.early_stopping_rounds = -1;
    assert_non_null(st_gbdt_params_check(&prm));
    prm.early_stopping_rounds = 0;
    prm.metric = (st_gbdt_metric)7;
    assert_string_equal(st_gbdt_params_check(&prm), "metric must be logloss, auc or pr-auc");
    prm.metric = ST_GBDT_METRIC_LOGLOSS;
    prm.max_bin = 65536;
    assert_string_equal(st_gbdt_params_check(&prm), "max_bin must be in [2, 65535]");
    prm.max_bin = 65535;
    assert_null(st_gbdt_params_check(&prm));
    assert_string_equal(st_gbdt_metric_name(ST_GBDT_METRIC_PR_AUC), "pr-auc");
    assert_null(st_gbdt_metric_name((st_gbdt_metric)3));
    st_dataset_free(unlabelled);
    st_dataset_free(one4);
    st_dataset_free(tr);
}

/* The best iteration and score are saved and read back; a model trained without a
 * validation set has no validation lines. */
static void test_model_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/stratum_gbdt_valid_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], path2[128];
    snprintf(path, sizeof path, "%s/es.model", dir);
    snprintf(path2, sizeof path2, "%s/plain.model", dir);
    st_dataset *tr = noisy(300, 51), *va = noisy(200, 52);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 80;
    prm.learning_rate = 0.3;
    prm.min_data_in_leaf = 2;
    prm.early_stopping_rounds = 5;
    prm.metric = ST_GBDT_METRIC_PR_AUC;
    st_gbdt *m = NULL, *back = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train_ex(tr, va, &prm, NULL, &m, &err), ST_OK);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    assert_int_equal(st_gbdt_best_iteration(back), st_gbdt_best_iteration(m));
    st_gbdt_metric which;
    assert_same_double(st_gbdt_best_score(back, &which), st_gbdt_best_score(m, NULL));
    assert_int_equal(which, ST_GBDT_METRIC_PR_AUC);
    assert_int_equal(st_gbdt_n_trees(back), st_gbdt_n_trees(m));
    st_gbdt_free(back);
    FILE *f = fopen(path, "rb");
    char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_contains(text, "stratum-model 1 gbdt\n");
    assert_contains(text, "\nvalid_metric pr-auc\nearly_stopping_rounds 5\nbest_iteration ");
    /* a bad validation line is a format error naming it */
    static const struct {
        const char *from, *to, *message;
    } bad[] = {
        {"valid_metric pr-auc", "valid_metric f1", "valid_metric"},
        {"best_iteration ", "best_iteration 9999", "best_iteration"},
        {"early_stopping_rounds 5", "early_stopping_rounds -5", "early_stopping_rounds"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char edited[1 << 16];
        const char *at = strstr(text, bad[k].from);
        assert_non_null(at);
        size_t pre = (size_t)(at - text);
        const char *rest = at + strlen(bad[k].from);
        if (k == 1) /* replace the whole number */
            rest = strchr(rest, '\n');
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)pre, text, bad[k].to, rest);
        char *sum = strstr(edited, "checksum ");
        assert_non_null(sum);
        snprintf(sum, sizeof edited - (size_t)(sum - edited), "checksum %016llx\n",
                 (unsigned long long)st__fnv1a64(edited, (size_t)(sum - edited)));
        back = (st_gbdt *)&prm;
        assert_int_equal(st__gbdt_load_buffer(edited, strlen(edited), "edited.model", &back,
                                              &err),
                         ST_ERR_FORMAT);
        assert_null(back);
        assert_contains(err.message, bad[k].message);
    }
    st_gbdt_free(m);
    prm.early_stopping_rounds = 0;
    m = NULL;
    assert_int_equal(st_gbdt_train(tr, &prm, &m, &err), ST_OK);
    assert_int_equal(st_gbdt_save(m, path2, &err), ST_OK);
    f = fopen(path2, "rb");
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_null(strstr(text, "valid_metric"));
    st_gbdt_free(m);
    unlink(path);
    unlink(path2);
    rmdir(dir);
    st_dataset_free(tr);
    st_dataset_free(va);
}

/* max_bin > 255, by hand: x = 0 .. 299 and y = (x >= 41). With 255 bins the greedy
 * equal-count binning pairs the lowest values ({0, 1}, {2, 3}, ..., {40, 41}, ...: the
 * first 45 bins hold two values each since 300 / 255 > 1), so no bin bound lies between
 * 40 and 41 and a single split cannot separate the classes; with 1000 bins every value has
 * its own bin (codes stored in two bytes) and the stump splits at 40.5 exactly. */
static void test_wide_bins_split(void **state)
{
    (void)state;
    enum { N = 300 };
    float x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)((i * 7) % N); /* every value once, not in order */
        y[i] = x[i] >= 41 ? 1.0f : 0.0f;
    }
    st_dataset *ds = arrays(N, 1, x, y);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 1;
    prm.num_leaves = 2;
    prm.min_data_in_leaf = 1;
    st__gbdt_bins b;
    prm.max_bin = 255;
    assert_int_equal(st__gbdt_bins_build(ds, &prm, 1, &b, NULL), ST_OK);
    assert_int_equal(b.wide, 0);
    assert_int_equal(b.n_bins[0], 255);
    st__gbdt_bins_free(&b);
    st_gbdt *narrow = train_ok(ds, &prm);
    assert_true(narrow->nodes[0].threshold != 40.5);
    prm.max_bin = 1000;
    assert_int_equal(st__gbdt_bins_build(ds, &prm, 2, &b, NULL), ST_OK);
    assert_int_equal(b.wide, 1);
    assert_null(b.codes);
    assert_int_equal(b.n_bins[0], N);
    for (int i = 0; i < N; i++) { /* value v has code v + 1, in both layouts */
        assert_int_equal(b.codes16[i], (int)x[i] + 1);
        assert_int_equal(b.cols16[i], (int)x[i] + 1);
    }
    st__gbdt_bins_free(&b);
    st_gbdt *m = train_ok(ds, &prm);
    assert_int_equal(st_gbdt_n_trees(m), 1);
    assert_same_double(m->nodes[0].threshold, 40.5);
    double p[N];
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, p, N, NULL), ST_OK);
    for (int i = 0; i < N; i++) /* two leaves, one per class */
        assert_true(y[i] ? p[i] > st_gbdt_init_score(m) : p[i] < st_gbdt_init_score(m));
    st_gbdt_free(m);
    st_gbdt_free(narrow);
    st_dataset_free(ds);
}

/* Two-byte codes: histograms of the children built directly equal the parent's minus the
 * sibling's, and the partition agrees with the codes, as for one-byte codes. */
static void test_wide_hist_partition(void **state)
{
    (void)state;
    enum { N = 2000, NF = 3 };
    float *x = malloc(NF * N * sizeof *x), y[N];
    st__gbdt_gh gh[N]; /* gradients in fixed point, as the grower makes them */
    uint64_t rng = 9;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < NF; j++) {
            double u = st__gbdt_rand_unit(&rng);
            x[j * N + i] = u < 0.05 ? NAN : (float)(j == 2 ? floor(u * 5) : u * 1000);
        }
        y[i] = (float)(i % 2);
        gh[i].g = st__gbdt_to_fixed(st__gbdt_rand_unit(&rng) - 0.5, 50);
        gh[i].h = st__gbdt_to_fixed(st__gbdt_rand_unit(&rng), 50);
    }
    st_dataset *ds = arrays(N, NF, x, y);
    st_gbdt_params p = st_gbdt_params_default();
    p.max_bin = 700;
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(ds, &p, 2, &b, NULL), ST_OK);
    assert_int_equal(b.wide, 1);
    assert_int_equal(b.n_bins[0], 700);
    assert_int_equal(b.n_bins[2], 5);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < NF; j++) {
            int c = b.codes16[i * NF + j];
            float v = x[j * N + i];
            assert_int_equal(c, b.cols16[j * N + i]);
            assert_int_equal(c, st__gbdt_bin_of(&b, (size_t)j, v));
            if (isnan(v))
                assert_int_equal(c, 0);
            else
                assert_true(c >= 1 && c <= b.n_bins[j] && v <= b.bounds[b.offset[j] + c] &&
                            (c == 1 || v > b.bounds[b.offset[j] + c - 1]));
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
    size_t nl = st__gbdt_partition(rows, N, &b, 0, 400, 1, scratch);
    for (size_t i = 0; i < N; i++) {
        int c = b.codes16[rows[i] * NF];
        assert_int_equal(i < nl, c == 0 || c <= 400);
        assert_true(i == 0 || i == nl || rows[i - 1] < rows[i]);
    }
    st__gbdt_hist_build(&b, feats, NF, rows, nl, gh, left, NULL, 1);
    st__gbdt_hist_build(&b, feats, NF, rows + nl, N - nl, gh, right, work, 2);
    st__gbdt_hist_subtract(&b, feats, NF, parent, left);
    /* the right child's histogram is the plain sum of its rows, bin by bin */
    assert_hist_is_direct_sum(&b, rows + nl, N - nl, gh, right);
    double count = 0;
    for (size_t k = 0; k < b.total_bins; k++) {
        assert_int_equal(parent[k].g, right[k].g); /* exactly: integer sums */
        assert_int_equal(parent[k].h, right[k].h);
        assert_int_equal(parent[k].n, right[k].n);
        count += left[k].n;
    }
    assert_close(count, (double)nl * NF, 0);
    free(parent);
    free(left);
    free(right);
    free(work);
    free(x);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_early_stopping_point),
        cmocka_unit_test(test_callback),
        cmocka_unit_test(test_valid_columns),
        cmocka_unit_test(test_bad_valid),
        cmocka_unit_test(test_model_file),
        cmocka_unit_test(test_wide_bins_split),
        cmocka_unit_test(test_wide_hist_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
