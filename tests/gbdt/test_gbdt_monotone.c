/* Gradient-boosted trees with monotone constraints. On generated data whose true effect of
 * the constrained features goes up and down, the trained model, and every tree of it, is
 * monotone in them: for many rows (other features present or missing, as they are), a
 * sweep of the constrained feature over a grid spanning its range and containing every
 * split threshold on it never moves the prediction the wrong way; within every tree,
 * every leaf below a constrained split's low side is at most (for +1) every leaf below
 * its high side. The same sweep on an unconstrained model does find a wrong-way step, so
 * the check can fail. Also: the model file keeps the constraints, bad constraints and
 * bad model lines are refused, and the model is the same whatever the thread count. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_rand.h"
#include "io/model_text.h"

enum { F_AGE, F_DOSE, F_SITE, F_BP, N_FEATURES };

/* age: 1.5 sin((age - 20) / 8) goes up and down three times over [20, 90]; bp: a cosine,
 * down then up; dose acts only past age 50; site shifts the log-odds. About 8% of ages
 * and 10% of doses are missing. */
static st_dataset *wavy_dataset(size_t n, uint64_t seed)
{
    size_t cap = n * 80 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "age,dose,site,bp,label\n");
    static const char *const sites[] = {"a", "b", "c", "d", ""};
    static const double site_effect[] = {0, 0.8, -0.5, 0.3, 0};
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 11;
    for (size_t i = 0; i < n; i++) {
        double age = 20 + 70 * st__gbdt_rand_unit(&rng);
        double dose = st__gbdt_rand_unit(&rng);
        double bp = 80 + 100 * st__gbdt_rand_unit(&rng);
        int s = (int)(st__gbdt_rand_unit(&rng) * 5);
        double z = 1.5 * sin((age - 20) / 8) + 2 * (dose - 0.5) * (age > 50) +
                   site_effect[s] + 1.2 * cos((bp - 80) / 20);
        int y = st__gbdt_rand_unit(&rng) < 1 / (1 + exp(-z));
        char a[32] = "NA", d[32] = "NA";
        if (st__gbdt_rand_unit(&rng) >= 0.08)
            snprintf(a, sizeof a, "%.3f", age);
        if (st__gbdt_rand_unit(&rng) >= 0.10)
            snprintf(d, sizeof d, "%.4f", dose);
        len += (size_t)snprintf(csv + len, cap - len, "%s,%s,%s,%.2f,%d\n", a, d, sites[s], bp,
                                y);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, len, "wavy", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(csv);
    assert_int_equal(st_dataset_n_features(ds), N_FEATURES);
    assert_int_equal(st_dataset_feature_type(ds, F_SITE), ST_FEATURE_CATEGORICAL);
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

/* Sampling, depth limit and penalties on; or many leaves with few rows each. */
static st_gbdt_params params_set(int which, uint64_t seed)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.seed = seed;
    p.num_trees = 50;
    if (which == 0) {
        p.bagging_fraction = 0.7;
        p.bagging_freq = 1;
        p.feature_fraction = 0.75;
        p.max_depth = 5;
        p.min_data_in_leaf = 10;
        p.lambda_l2 = 1;
    } else {
        p.num_leaves = 63;
        p.min_data_in_leaf = 5;
        p.lambda_l1 = 0.5;
        p.learning_rate = 0.3;
        p.max_bin = 63;
    }
    return p;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* A sorted grid for feature f: 201 points from 10% below its smallest present value to
 * 10% above its largest, plus every threshold of m on f and its float neighbours, so that
 * every step of the piecewise-constant model is crossed. *n gets its length (free it). */
static float *sweep_grid(const st_gbdt *m, const st_dataset *ds, size_t f, size_t *n)
{
    const float *v = st_dataset_feature_values(ds, f);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < st_dataset_n_rows(ds); i++)
        if (!isnan(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    const size_t n_nodes = m->node_start[m->n_trees];
    float *grid = malloc((201 + 3 * n_nodes) * sizeof *grid);
    assert_non_null(grid);
    size_t k = 0;
    const double a = lo - 0.1 * (hi - lo), b = hi + 0.1 * (hi - lo);
    for (int i = 0; i <= 200; i++)
        grid[k++] = (float)(a + (b - a) * i / 200);
    for (size_t i = 0; i < n_nodes; i++)
        if ((size_t)m->nodes[i].feature == f && isfinite(m->nodes[i].threshold)) {
            float t = (float)m->nodes[i].threshold;
            grid[k++] = t;
            grid[k++] = nextafterf(t, -INFINITY);
            grid[k++] = nextafterf(t, INFINITY);
        }
    qsort(grid, k, sizeof *grid, cmp_float);
    *n = k;
    return grid;
}

typedef struct sweep_result {
    size_t wrong_way; /* steps against dir */
    size_t varying;   /* rows whose value changes along the sweep */
} sweep_result;

/* Sweeps feature f over the grid for the first n_rows rows of ds (their other features as
 * they are, missing ones included): the raw score of the model (tree < 0) or of tree
 * `tree`, compared exactly between neighbouring grid points. */
static sweep_result sweep(const st_gbdt *m, long tree, const st_dataset *ds, size_t f, int dir,
                          size_t n_rows)
{
    size_t n_grid;
    float *grid = sweep_grid(m, ds, f, &n_grid);
    sweep_result res = {0, 0};
    float x[N_FEATURES];
    for (size_t i = 0; i < n_rows && i < st_dataset_n_rows(ds); i++) {
        for (size_t j = 0; j < N_FEATURES; j++)
            x[j] = st_dataset_feature_values(ds, j)[i];
        double prev = 0, first = 0;
        int varies = 0;
        for (size_t k = 0; k < n_grid; k++) {
            x[f] = grid[k];
            double v = tree < 0 ? test_gbdt_row(m, x, ST_GBDT_RAW_SCORE)
                                : st__gbdt_tree_value(m, (size_t)tree, x);
            assert_true(isfinite(v));
            if (k == 0)
                first = v;
            else if (dir > 0 ? v < prev : v > prev)
                res.wrong_way++;
            varies |= v != first;
            prev = v;
        }
        res.varying += (size_t)varies;
    }
    free(grid);
    return res;
}

/* Every node of every tree splitting on a constrained feature has all the leaves below
 * its low side at most (+1) or at least (-1) all the leaves below its high side, found
 * from the subtrees' smallest and largest leaf (children come after their parent). */
static void assert_trees_nest(const st_gbdt *m, const signed char *dir)
{
    for (size_t t = 0; t < m->n_trees; t++) {
        const st__gbdt_node *nodes = m->nodes + m->node_start[t];
        const double *leaves = m->leaf_values + m->leaf_start[t];
        const long n_nodes = (long)(m->node_start[t + 1] - m->node_start[t]);
        double mn[256], mx[256];
        assert_true(n_nodes <= 256);
        for (long k = n_nodes - 1; k >= 0; k--) {
            const int32_t c[2] = {nodes[k].left, nodes[k].right};
            double lo[2], hi[2];
            for (int s = 0; s < 2; s++) {
                lo[s] = c[s] >= 0 ? mn[c[s]] : leaves[~c[s]];
                hi[s] = c[s] >= 0 ? mx[c[s]] : leaves[~c[s]];
            }
            mn[k] = fmin(lo[0], lo[1]);
            mx[k] = fmax(hi[0], hi[1]);
            const int d = dir[nodes[k].feature];
            if (d > 0 && hi[0] > lo[1])
                fail_msg("tree %zu node %ld (+1): left leaves up to %g > right leaves from %g",
                         t, k, hi[0], lo[1]);
            if (d < 0 && lo[0] < hi[1])
                fail_msg("tree %zu node %ld (-1): left leaves from %g < right leaves up to %g",
                         t, k, lo[0], hi[1]);
        }
    }
}

/* +1 and -1 on age, 3 seeds, 2 parameter sets: the model and every tree are monotone in
 * age over 300 rows, and the constrained model still uses age (values vary). */
static void test_sweep_monotone(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        st_dataset *ds = wavy_dataset(3000, seed);
        for (int which = 0; which < 2; which++)
            for (int dir = -1; dir <= 1; dir += 2) {
                signed char mono[N_FEATURES] = {0};
                mono[F_AGE] = (signed char)dir;
                st_gbdt_params p = params_set(which, seed);
                p.monotone = mono;
                st_gbdt *m = train_ok(ds, &p);
                sweep_result r = sweep(m, -1, ds, F_AGE, dir, 300);
                if (r.wrong_way != 0)
                    fail_msg("seed %d set %d dir %+d: %zu wrong-way steps", (int)seed, which,
                             dir, r.wrong_way);
                assert_true(r.varying > 150);
                assert_trees_nest(m, mono);
                for (size_t t = 0; t < m->n_trees; t += 7)
                    assert_int_equal(sweep(m, (long)t, ds, F_AGE, dir, 60).wrong_way, 0);
                st_gbdt_free(m);
            }
        st_dataset_free(ds);
    }
}

/* A feature whose every split puts the higher output on the left: under +1 no split is
 * valid (the root stays a leaf, of value -lr G / H = 0 as G = 0 at p = 1/2), under -1
 * the stump splits at 4.5 into outputs +-2 (G = -+2, H = 1 per side), scaled by 0.1. */
static void test_wrong_order_no_split(void **state)
{
    (void)state;
    const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8] = {1, 1, 1, 1, 0, 0, 0, 0};
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(8, 1, x, y, NULL, NULL, &ds, NULL), ST_OK);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 1;
    p.min_data_in_leaf = 1;
    signed char up = 1, down = -1;
    p.monotone = &up;
    st_gbdt *m = train_ok(ds, &p);
    assert_int_equal(m->node_start[1], 0);
    assert_close(m->leaf_values[0], 0, 0);
    st_gbdt_free(m);
    p.monotone = &down;
    m = train_ok(ds, &p);
    assert_int_equal(m->node_start[1], 1);
    assert_int_equal(m->leaf_start[1], 2);
    assert_close(m->nodes[0].threshold, 4.5, 1);
    assert_close(m->leaf_values[0], 0.2, 1e-15);
    assert_close(m->leaf_values[1], -0.2, 1e-15);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Two constraints at once, age +1 and bp -1, with every tree checked. */
static void test_two_constraints(void **state)
{
    (void)state;
    st_dataset *ds = wavy_dataset(3000, 4);
    const signed char mono[N_FEATURES] = {[F_AGE] = 1, [F_BP] = -1};
    for (int which = 0; which < 2; which++) {
        st_gbdt_params p = params_set(which, 9);
        p.monotone = mono;
        st_gbdt *m = train_ok(ds, &p);
        assert_int_equal(sweep(m, -1, ds, F_AGE, 1, 300).wrong_way, 0);
        assert_int_equal(sweep(m, -1, ds, F_BP, -1, 300).wrong_way, 0);
        assert_true(sweep(m, -1, ds, F_BP, -1, 300).varying > 150);
        assert_trees_nest(m, mono);
        for (size_t t = 0; t < m->n_trees; t++) {
            assert_int_equal(sweep(m, (long)t, ds, F_AGE, 1, 40).wrong_way, 0);
            assert_int_equal(sweep(m, (long)t, ds, F_BP, -1, 40).wrong_way, 0);
        }
        st_gbdt_free(m);
    }
    st_dataset_free(ds);
}

/* The same sweep finds steps both ways without constraints: the check can fail. */
static void test_unconstrained_is_not_monotone(void **state)
{
    (void)state;
    st_dataset *ds = wavy_dataset(3000, 1);
    for (int which = 0; which < 2; which++) {
        st_gbdt_params p = params_set(which, 1);
        st_gbdt *m = train_ok(ds, &p);
        assert_true(sweep(m, -1, ds, F_AGE, 1, 300).wrong_way > 100);
        assert_true(sweep(m, -1, ds, F_AGE, -1, 300).wrong_way > 100);
        st_gbdt_free(m);
    }
    st_dataset_free(ds);
}

static char *save_text(const st_gbdt *m, const char *name, size_t *size)
{
    char path[] = "/tmp/stratum_mono_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    st_error err;
    if (st_gbdt_save(m, path, &err) != ST_OK)
        fail_msg("%s: %s", name, err.message);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *s = malloc(1 << 22);
    assert_non_null(s);
    *size = fread(s, 1, (1 << 22) - 1, f);
    s[*size] = '\0';
    fclose(f);
    unlink(path);
    return s;
}

/* Files: the constraints are one "monotone" line that loads back (accessor, identical
 * predictions, same bytes when saved again); a model without constraints, or with all
 * zeros, has no such line and is the same model. */
static void test_model_file(void **state)
{
    (void)state;
    st_dataset *ds = wavy_dataset(1500, 5);
    const signed char mono[N_FEATURES] = {[F_AGE] = 1, [F_BP] = -1};
    st_gbdt_params p = params_set(0, 2);
    p.num_trees = 10;
    p.monotone = mono;
    st_gbdt *m = train_ok(ds, &p);
    assert_int_equal(st_gbdt_monotone(m, F_AGE), 1);
    assert_int_equal(st_gbdt_monotone(m, F_DOSE), 0);
    assert_int_equal(st_gbdt_monotone(m, F_BP), -1);
    assert_int_equal(st_gbdt_monotone(m, N_FEATURES), 0);
    assert_int_equal(st_gbdt_monotone(NULL, 0), 0);
    size_t size, size2;
    char *text = save_text(m, "constrained", &size);
    assert_non_null(strstr(text, "\nmonotone 0:+1 3:-1\ninit_score "));

    st_gbdt *back = NULL;
    st_error err;
    if (st__gbdt_load_buffer(text, size, "mem", &back, &err) != ST_OK)
        fail_msg("%s", err.message);
    for (size_t j = 0; j < N_FEATURES; j++)
        assert_int_equal(st_gbdt_monotone(back, j), mono[j]);
    char *again = save_text(back, "loaded", &size2);
    assert_int_equal(size, size2);
    assert_memory_equal(text, again, size);
    double p1[1500], p2[1500];
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, p1, 1500, NULL), ST_OK);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_RAW_SCORE, 1, p2, 1500, NULL), ST_OK);
    assert_memory_equal(p1, p2, sizeof p1);
    free(again);
    st_gbdt_free(back);
    free(text);
    st_gbdt_free(m);

    const signed char zeros[N_FEATURES] = {0};
    p.monotone = NULL;
    m = train_ok(ds, &p);
    text = save_text(m, "free", &size);
    assert_null(strstr(text, "monotone"));
    assert_int_equal(st_gbdt_monotone(m, F_AGE), 0);
    p.monotone = zeros;
    back = train_ok(ds, &p);
    again = save_text(back, "zeros", &size2);
    assert_int_equal(size, size2);
    assert_memory_equal(text, again, size);
    free(again);
    free(text);
    st_gbdt_free(back);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* The model text with its "monotone ..." line replaced by `line` and the checksum
 * recomputed, loaded: returns the status, with the message in *err. */
static st_status load_edited(const char *text, const char *line, st_error *err)
{
    const char *a = strstr(text, "\nmonotone ") + 1, *b = strchr(a, '\n') + 1;
    const char *c = strstr(text, "\nchecksum ") + 1;
    size_t cap = strlen(text) + strlen(line) + 64, len = (size_t)(a - text);
    char *s = malloc(cap);
    assert_non_null(s);
    memcpy(s, text, len);
    len += (size_t)snprintf(s + len, cap - len, "%s", line);
    memcpy(s + len, b, (size_t)(c - b));
    len += (size_t)(c - b);
    len += (size_t)snprintf(s + len, cap - len, "checksum %016llx\n",
                            (unsigned long long)st__fnv1a64(s, len));
    st_gbdt *m = (st_gbdt *)(uintptr_t)1;
    st_status rc = st__gbdt_load_buffer(s, len, "mem", &m, err);
    if (rc != ST_OK)
        assert_null(m);
    st_gbdt_free(m);
    free(s);
    return rc;
}

static void assert_bad_line(const char *text, const char *line, const char *message)
{
    st_error err;
    assert_int_equal(load_edited(text, line, &err), ST_ERR_FORMAT);
    assert_contains(err.message, message);
}

/* Bad constraints are refused by training, bad monotone lines by the loader (at their
 * line). */
static void test_bad_constraints(void **state)
{
    (void)state;
    st_dataset *ds = wavy_dataset(500, 6);
    st_gbdt_params p = params_set(1, 1);
    p.num_trees = 3;
    st_error err;
    st_gbdt *m = (st_gbdt *)(uintptr_t)1;
    const signed char two[N_FEATURES] = {[F_DOSE] = 2};
    p.monotone = two;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_contains(err.message, "monotone[1] (feature 'dose') is 2; expected -1, 0 or +1");
    const signed char cat[N_FEATURES] = {[F_SITE] = -1};
    p.monotone = cat;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "categorical feature 'site'");

    const signed char mono[N_FEATURES] = {[F_AGE] = 1, [F_BP] = -1};
    p.monotone = mono;
    m = train_ok(ds, &p);
    size_t size;
    char *text = save_text(m, "bad", &size);
    /* the edit itself is sound: an equivalent line loads */
    assert_int_equal(load_edited(text, "monotone 0:+1 3:-1\n", &err), ST_OK);
    assert_int_equal(load_edited(text, "monotone 1:-1\n", &err), ST_OK);
    assert_bad_line(text, "monotone 0:+2\n", "expected entries 'FEATURE:+1' or 'FEATURE:-1'");
    assert_bad_line(text, "monotone 0+1\n", "expected entries");
    assert_bad_line(text, "monotone 0:+1  3:-1\n", "expected entries");
    assert_bad_line(text, "monotone 0:+1 3:-1 \n", "expected entries");
    assert_bad_line(text, "monotone 4:+1\n", "monotone feature '4': expected a whole number "
                    "from 0 to 3");
    assert_bad_line(text, "monotone 3:-1 0:+1\n", "expected increasing feature indices");
    assert_bad_line(text, "monotone 0:+1 0:-1\n", "expected increasing feature indices");
    assert_bad_line(text, "monotone 2:+1\n", "feature 2 is categorical");
    assert_bad_line(text, "monotone \n", "expected at least one");
    assert_int_equal(load_edited(text, "monotone 2:+1\n", &err), ST_ERR_FORMAT);
    assert_contains(err.message, "mem:");
    assert_true(err.line > 1);
    free(text);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* The same constrained model, byte for byte, on 1 and 2 threads. */
static void test_threads(void **state)
{
    (void)state;
    st_dataset *ds = wavy_dataset(3000, 7);
    const signed char mono[N_FEATURES] = {[F_AGE] = -1, [F_BP] = 1};
    st_gbdt_params p = params_set(0, 3);
    p.monotone = mono;
    p.n_threads = 1;
    st_gbdt *m1 = train_ok(ds, &p);
    p.n_threads = 2;
    st_gbdt *m2 = train_ok(ds, &p);
    size_t s1, s2;
    char *t1 = save_text(m1, "1 thread", &s1), *t2 = save_text(m2, "2 threads", &s2);
    assert_int_equal(s1, s2);
    assert_memory_equal(t1, t2, s1);
    free(t1);
    free(t2);
    st_gbdt_free(m1);
    st_gbdt_free(m2);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_monotone),
        cmocka_unit_test(test_wrong_order_no_split),
        cmocka_unit_test(test_two_constraints),
        cmocka_unit_test(test_unconstrained_is_not_monotone),
        cmocka_unit_test(test_model_file),
        cmocka_unit_test(test_bad_constraints),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
