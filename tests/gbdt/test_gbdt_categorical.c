/* Gradient-boosted trees, categorical features: the category sets of one-vs-rest and
 * gradient-sorted splits with their gains and leaf values derived by hand, where levels
 * unknown to the model go, model files with category sets that round-trip bit for bit
 * and are validated when loaded, the same model bytes whatever the thread count, and
 * model files of numeric data free of anything categorical, and the CLI options. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_run.h"
#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_rand.h"
#include "io/model_text.h"

TEST_SCRATCH_DIR("stratum_gbdt_cat")

static st_dataset *csv(const char *text, int labelled)
{
    st_read_options opt = st_read_options_default();
    opt.label_required = labelled;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(text, strlen(text), "test.csv", &opt, &ds, &err) != ST_OK)
        fail_msg("read: %s", err.message);
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

/* The model file as a new string. */
static char *model_text(const st_gbdt *m, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    st_error err;
    if (st_gbdt_save(m, path, &err) != ST_OK)
        fail_msg("save: %s", err.message);
    return read_all(path);
}

static double raw(const st_gbdt *m, float code)
{
    return test_gbdt_row(m, &code, ST_GBDT_RAW_SCORE);
}

/* Levels A..F, 4 rows each; B and E all positive, the others all negative. p0 = 1/3 so
 * init = log(1/2); a negative row has g = 1/3, a positive one g = -2/3, both h = 2/9.
 * Per level: B, E: G = -8/3, H = 8/9; A, C, D, F: G = 4/3, H = 8/9; in all G = 0,
 * H = 16/3. Six levels > max_cat_to_onehot = 4: gradient-sorted. With cat_smooth = 1 the
 * keys are -24/17 (B, E) and 12/17 (others), so the order is B E A C D F (ties by bin),
 * and at most min(32, (6 + 1) / 2) = 3 levels go left. With lambda_l2 = 0, cat_l2 = 1
 * (children scored with L2 1, the parent with 0):
 *   {B}      64/17 + 64/49             = 5.07
 *   {B,E}    (16/3)^2/(16/9+1) + (16/3)^2/(32/9+1) = 256/25 + 256/41 = 16.48   best
 *   {B,E,A}  16/(8/3+1) * 2 = 96/11    = 8.73
 *   {F}, {F,D}, {F,D,C} from the other end: 1.27, 4.12, 8.73.
 * Leaf values (learning rate 1, L2 0 + 1): left -(-16/3)/(16/9+1) = 48/25, right
 * -(16/3)/(32/9+1) = -48/41. No threshold on the codes A < ... < F isolates {B, E}. */
static const char six_levels[] =
    "lvl,label\n"
    "A,0\nA,0\nA,0\nA,0\nB,1\nB,1\nB,1\nB,1\nC,0\nC,0\nC,0\nC,0\n"
    "D,0\nD,0\nD,0\nD,0\nE,1\nE,1\nE,1\nE,1\nF,0\nF,0\nF,0\nF,0\n";

static st_gbdt_params stump_params(void)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 1;
    p.num_leaves = 2;
    p.learning_rate = 1;
    p.min_data_in_leaf = 1;
    p.min_data_per_group = 1;
    p.cat_smooth = 1;
    p.cat_l2 = 1;
    return p;
}

/* The gradient-sorted split puts exactly {B, E} left, with the gain and values above;
 * missing values and levels the model does not know go right (where missing values
 * went: training had none). */
static void test_sorted_split_by_hand(void **state)
{
    (void)state;
    st_dataset *ds = csv(six_levels, 1);
    st_gbdt_params p = stump_params();
    st_gbdt *m = train_ok(ds, &p);
    assert_close(st_gbdt_init_score(m), log(0.5), 1e-15);
    assert_int_equal(m->node_start[1], 1);
    assert_true(m->nodes[0].cat_set != 0);
    assert_int_equal(m->nodes[0].default_left, 0);
    assert_close(m->nodes[0].gain, 256.0 / 25 + 256.0 / 41, 1e-12);
    const double in = log(0.5) + 48.0 / 25, out = log(0.5) - 48.0 / 41;
    const double want[6] = {out, in, out, out, in, out};
    for (int c = 0; c < 6; c++)
        assert_close(raw(m, (float)c), want[c], 1e-12);
    assert_close(raw(m, NAN), out, 1e-12);
    assert_close(raw(m, 6), out, 1e-12);    /* a code past the model's levels */
    assert_close(raw(m, -1), out, 1e-12);
    assert_close(raw(m, 1.5f), out, 1e-12); /* not a whole code */
    char *text = model_text(m, "sorted.model");
    assert_contains(text, "\nnode 0 cats 0 -1 -2 ");
    assert_contains(text, "\ncats 2 1 4\n");
    assert_contains(text, "\nmax_cat_to_onehot 4\nmax_cat_threshold 32\ncat_l2 1\ncat_smooth 1\n"
                          "min_data_per_group 1\nmax_cat_levels 255\ninit_score ");
    free(text);

    /* batch prediction matches levels by text: "G" is unknown, so goes right */
    st_dataset *other = csv("x,lvl\n1,E\n1,G\n1,A\n1,\n1,B\n", 0);
    double q[5];
    assert_int_equal(st_gbdt_predict(m, other, ST_GBDT_RAW_SCORE, 1, q, 5, NULL), ST_OK);
    const double want_q[5] = {in, out, out, out, in};
    for (int i = 0; i < 5; i++)
        assert_close(q[i], want_q[i], 1e-12);
    double imp[1];
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, imp, 1, NULL), ST_OK);
    assert_close(imp[0], 256.0 / 25 + 256.0 / 41, 1e-12);
    st_dataset_free(other);
    st_gbdt_free(m);

    /* max_cat_threshold = 1: only single levels may go left; {B} (tie with {E}: the
     * lower bin) scores 64/17 + 64/49 */
    p.max_cat_threshold = 1;
    m = train_ok(ds, &p);
    assert_close(m->nodes[0].gain, 64.0 / 17 + 64.0 / 49, 1e-12);
    text = model_text(m, "one.model");
    assert_contains(text, "\ncats 1 1\n");
    free(text);
    st_gbdt_free(m);

    /* min_data_per_group = 8: {B} alone (4 rows) is not scored, {B,E} is; the right side
     * keeps 16 rows. With 17 the right side can never keep enough: no split at all. */
    p.max_cat_threshold = 32;
    p.min_data_per_group = 8;
    m = train_ok(ds, &p);
    assert_close(m->nodes[0].gain, 256.0 / 25 + 256.0 / 41, 1e-12);
    st_gbdt_free(m);
    p.min_data_per_group = 17;
    m = train_ok(ds, &p);
    assert_int_equal(m->node_start[1], 0);
    st_gbdt_free(m);

    /* max_cat_levels = 5 < 6 levels: ordered codes A < ... < F, as a numeric feature
     * (no cat_l2). Prefix sums (G, H) after A..E: (4/3, 8/9) (-4/3, 16/9) (0, 24/9)
     * (4/3, 32/9) (-4/3, 40/9); gain G^2/H + G^2/(48/9 - H): 2.4, 1.5, 0, 1.5, 2.4.
     * The best threshold, 0.5 or 4.5 (equal gains up to rounding), isolates A or F, not
     * {B, E}: far below the set split's 16.48. */
    p.min_data_per_group = 1;
    p.max_cat_levels = 5;
    m = train_ok(ds, &p);
    assert_int_equal(m->nodes[0].cat_set, 0);
    assert_close(m->nodes[0].gain, 2.4, 1e-12);
    assert_true(m->nodes[0].threshold == 0.5 || m->nodes[0].threshold == 4.5);
    text = model_text(m, "ordinal.model");
    assert_null(strstr(text, " cats "));
    assert_contains(text, "max_cat_levels 5\n");
    free(text);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Levels X, Y, Z (3 <= max_cat_to_onehot): one-vs-rest. X: y = 0 0 1 1, Y: 1 1 1 1,
 * Z: 0 0 0 0, so p0 = 1/2, init 0, g = -+1/2, h = 1/4. X: G = 0, H = 1; Y: G = -2, H = 1;
 * Z: G = 2, H = 1. Gains (lambda_l2 = 0; cat_l2 plays no part): {X} 0, {Y} 4 + 2 = 6,
 * {Z} 6: a tie, which the lower bin, Y, wins; no threshold on the codes isolates Y.
 * Values: Y -(-2)/1 = 2, the rest -2/2 = -1. A missing value, never seen, goes right. */
static void test_one_vs_rest_by_hand(void **state)
{
    (void)state;
    st_dataset *ds = csv("lvl,label\nX,0\nX,0\nX,1\nX,1\nY,1\nY,1\nY,1\nY,1\n"
                         "Z,0\nZ,0\nZ,0\nZ,0\n", 1);
    st_gbdt_params p = stump_params();
    p.cat_l2 = 5;
    st_gbdt *m = train_ok(ds, &p);
    assert_close(st_gbdt_init_score(m), 0, 1e-15);
    assert_close(m->nodes[0].gain, 6, 1e-12);
    assert_close(raw(m, 0), -1, 1e-12);
    assert_close(raw(m, 1), 2, 1e-12);
    assert_close(raw(m, 2), -1, 1e-12);
    assert_close(raw(m, NAN), -1, 1e-12);
    char *text = model_text(m, "onehot.model");
    assert_contains(text, "\ncats 1 1\n");
    free(text);
    st_gbdt_free(m);

    /* with max_cat_to_onehot = 2 the same data is sorted: keys (cat_smooth 1) Y -1,
     * X 0, Z 1, at most 2 levels left: {Y} = 4/2 + 4/3 = 10/3, {Y,X} = 4/3 + 4/2 = 10/3
     * (later, not better), {Z} = 10/3 (later): {Y} with values 2/2 = 1 and -2/3 */
    p.max_cat_to_onehot = 2;
    p.cat_l2 = 1;
    m = train_ok(ds, &p);
    assert_close(m->nodes[0].gain, 10.0 / 3, 1e-12);
    assert_close(raw(m, 1), 1, 1e-12);
    assert_close(raw(m, 0), -2.0 / 3, 1e-12);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Missing values are a bin of their own and take part like a level: here only the
 * missing rows are positive, so the split sends missing alone left (an empty level set,
 * default_left). */
static void test_missing_as_a_level(void **state)
{
    (void)state;
    st_dataset *ds = csv("lvl,label\nA,0\nA,0\nB,0\nB,0\n,1\n,1\nC,0\nC,0\n", 1);
    st_gbdt_params p = stump_params();
    st_gbdt *m = train_ok(ds, &p);
    assert_int_equal(m->nodes[0].default_left, 1);
    char *text = model_text(m, "missing.model");
    assert_contains(text, "\nnode 0 cats 1 -1 -2 ");
    assert_contains(text, "\ncats 0\n");
    free(text);
    assert_true(raw(m, NAN) > 0);
    assert_true(raw(m, 0) < 0 && raw(m, 2) < 0);
    assert_close(raw(m, 9), raw(m, NAN), 0); /* unknown: as missing */
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* A noisy dataset: a 12-level categorical (some missing) whose levels carry scattered
 * effects, a numeric feature, and a 3-level one. */
static st_dataset *busy_dataset(size_t n)
{
    static const char *const lv[12] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
                                       "k", "l"};
    static const double effect[12] = {1.2, -0.8, 0.1, 1.5, -1.1, 0.3, -0.2, 0.9, -1.4, 0.6,
                                      -0.5, 0.0};
    char *text = malloc(n * 40 + 64);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "grp,x,tri,label\n");
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        const size_t g = (size_t)(st__gbdt_rand(&s) % 13); /* 12: missing */
        const double x = st__gbdt_rand_unit(&s) * 4 - 2, u = st__gbdt_rand_unit(&s);
        const size_t t = (size_t)(st__gbdt_rand(&s) % 3);
        const double f = (g < 12 ? effect[g] : 0.7) + 0.5 * x + (t == 1 ? 0.4 : 0);
        len += (size_t)sprintf(text + len, "%s,%.4f,%s,%d\n", g < 12 ? lv[g] : "", x,
                               t == 0 ? "p" : t == 1 ? "q" : "r", u < 1 / (1 + exp(-f)));
    }
    st_dataset *ds = csv(text, 1);
    free(text);
    return ds;
}

static st_gbdt_params busy_params(void)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 15;
    p.num_leaves = 8;
    p.min_data_per_group = 20;
    p.bagging_fraction = 0.8;
    p.bagging_freq = 1;
    p.feature_fraction = 0.7;
    return p;
}

/* Save + load predicts bit-identically and saves the same bytes; training scores on the
 * rows left out of the bag agree with the model's own walk (checked through the final
 * raw scores of st_gbdt_predict against st_gbdt_predict_row); any thread count gives
 * the same bytes. */
static void test_round_trip_and_threads(void **state)
{
    (void)state;
    st_dataset *ds = busy_dataset(3000);
    st_gbdt_params p = busy_params();
    p.n_threads = 1;
    st_gbdt *m = train_ok(ds, &p);
    char *t1 = model_text(m, "busy.model");
    assert_contains(t1, " cats ");
    char path[512];
    snprintf(path, sizeof path, "%s/busy.model", tmpdir);
    st_gbdt *back = NULL;
    st_error err;
    if (st_gbdt_load(path, &back, &err) != ST_OK)
        fail_msg("load: %s", err.message);
    char *t2 = model_text(back, "busy2.model");
    assert_string_equal(t1, t2);
    assert_int_equal(back->params.min_data_per_group, 20);
    const size_t n = st_dataset_n_rows(ds);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 2, p1, n, NULL), ST_OK);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_RAW_SCORE, 1, p2, n, NULL), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(p1[i], p2[i]);
    for (int threads = 2; threads <= 3; threads++) {
        p.n_threads = threads;
        st_gbdt *mt = train_ok(ds, &p);
        char *tt = model_text(mt, "threads.model");
        assert_string_equal(t1, tt);
        free(tt);
        st_gbdt_free(mt);
    }
    free(p1);
    free(p2);
    free(t1);
    free(t2);
    st_gbdt_free(back);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* text with `from` replaced by `to` once and the checksum line recomputed. */
static char *edited(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    const size_t n = strlen(text) + strlen(to) + 64;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    char *ck = strstr(s, "checksum ");
    assert_non_null(ck);
    snprintf(ck, 32, "checksum %016" PRIx64 "\n", st__fnv1a64(s, (size_t)(ck - s)));
    return s;
}

static void assert_load_fails(const char *text, const char *fragment)
{
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st__gbdt_load_buffer(text, strlen(text), "bad.model", &m, &err),
                     ST_ERR_FORMAT);
    assert_null(m);
    assert_contains(err.message, fragment);
}

/* The loader checks category sets: codes within the feature's levels, increasing, as many
 * as announced, on a categorical feature only. */
static void test_load_validates_sets(void **state)
{
    (void)state;
    st_dataset *ds = csv(six_levels, 1);
    st_gbdt_params p = stump_params();
    st_gbdt *m = train_ok(ds, &p);
    char *text = model_text(m, "valid.model");
    char *bad = edited(text, "cats 2 1 4\n", "cats 2 1 6\n");
    assert_load_fails(bad, "level code '6'");
    free(bad);
    bad = edited(text, "cats 2 1 4\n", "cats 2 4 1\n");
    assert_load_fails(bad, "strictly increasing");
    free(bad);
    bad = edited(text, "cats 2 1 4\n", "cats 3 1 4\n");
    assert_load_fails(bad, "expected 3 level codes");
    free(bad);
    bad = edited(text, "cats 2 1 4\n", "cats 1 1 4\n");
    assert_load_fails(bad, "more than 1 level codes");
    free(bad);
    bad = edited(text, "feature categorical 6 lvl\nlevel A\nlevel B\nlevel C\nlevel D\n"
                       "level E\nlevel F\n", "feature numeric 0 lvl\n");
    assert_load_fails(bad, "numeric feature");
    free(bad);
    bad = edited(text, "cat_l2 1\n", "cat_l2 -1\n");
    assert_load_fails(bad, "cat_l2");
    free(bad);
    /* an ordered-code split on a categorical feature (earlier files) still loads */
    char *old = edited(text, "node 0 cats 0", "node 0 2.5 0");
    char *o2 = edited(old, "cats 2 1 4\n", "");
    st_gbdt *mo = NULL;
    st_error err;
    if (st__gbdt_load_buffer(o2, strlen(o2), "old.model", &mo, &err) != ST_OK)
        fail_msg("old model: %s", err.message);
    assert_true(raw(mo, 2) > raw(mo, 3)); /* codes <= 2.5 left: A B C vs D E F */
    assert_same_double(raw(mo, 0), raw(mo, 2));
    assert_same_double(raw(mo, 5), raw(mo, 3));
    st_gbdt_free(mo);
    free(old);
    free(o2);
    free(text);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Numeric data: nothing categorical in the model file (no category sets, no categorical
 * parameters), so such files are as before native categorical splits. */
static void test_numeric_models_unchanged(void **state)
{
    (void)state;
    st_dataset *ds = csv("x,z,label\n1,5,0\n2,4,0\n3,,1\n4,2,0\n5,1,1\n6,0,1\n7,3,1\n8,9,0\n", 1);
    st_gbdt_params p = st_gbdt_params_default();
    p.min_data_in_leaf = 1;
    p.num_trees = 5;
    st_gbdt *m = train_ok(ds, &p);
    char *text = model_text(m, "numeric.model");
    assert_null(strstr(text, "cats"));
    assert_null(strstr(text, "cat_"));
    /* seed: ST_DEFAULT_SEED, the default since the C default became the CLI's */
    assert_non_null(strstr(text, "\nseed 42\nfeatures 2\nfeature numeric 0 x\n"
                                 "feature numeric 0 z\ninit_score "));
    free(text);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* Parameter checks name the parameter; the defaults are LightGBM's. */
static void test_cat_params(void **state)
{
    (void)state;
    st_gbdt_params p = st_gbdt_params_default();
    assert_int_equal(p.max_cat_to_onehot, 4);
    assert_int_equal(p.max_cat_threshold, 32);
    assert_close(p.cat_l2, 10, 0);
    assert_close(p.cat_smooth, 10, 0);
    assert_int_equal(p.min_data_per_group, 100);
    p.max_cat_to_onehot = 0;
    assert_contains(st_gbdt_params_check(&p), "max_cat_to_onehot");
    p = st_gbdt_params_default();
    p.max_cat_threshold = 0;
    assert_contains(st_gbdt_params_check(&p), "max_cat_threshold");
    p = st_gbdt_params_default();
    p.cat_l2 = NAN;
    assert_contains(st_gbdt_params_check(&p), "cat_l2");
    p = st_gbdt_params_default();
    p.cat_smooth = -1;
    assert_contains(st_gbdt_params_check(&p), "cat_smooth");
    p = st_gbdt_params_default();
    p.min_data_per_group = 0;
    assert_contains(st_gbdt_params_check(&p), "min_data_per_group");
    p = st_gbdt_params_default();
    assert_int_equal(p.max_cat_levels, 255);
    p.max_cat_levels = -1;
    assert_contains(st_gbdt_params_check(&p), "max_cat_levels");
}

/* More levels than max_bin: the max_bin - 1 most frequent keep a bin, the rest share the
 * "other" bin and so always go the same way. Levels a..f with 10, 9, 8, 1, 1, 1 rows and
 * max_bin 4: a, b, c keep bins; d, e, f share one. Only d, e, f rows are positive. */
static void test_many_levels_share_a_bin(void **state)
{
    (void)state;
    char text[1024] = "lvl,label\n";
    const char *lv = "abcdef";
    const int rows[6] = {10, 9, 8, 1, 1, 1};
    for (int k = 0; k < 6; k++)
        for (int i = 0; i < rows[k]; i++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%c,%d\n", lv[k], k >= 3);
    st_dataset *ds = csv(text, 1);
    st_gbdt_params p = stump_params();
    p.max_bin = 4;
    st_gbdt *m = train_ok(ds, &p);
    char *t = model_text(m, "other.model");
    /* 4 bins (3 + other) <= max_cat_to_onehot: one-vs-rest, the "other" bin alone left */
    assert_contains(t, "\ncats 3 3 4 5\n");
    free(t);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* The CLI options reach the library: the six-level data trained by `stratum train gbdt`
 * with the stump's settings gives the set {B, E}; bad values are usage errors (exit 2)
 * naming the option; --max-cat-levels 5 makes the column ordered codes. */
static void test_cli_options(void **state)
{
    (void)state;
    char data[512], model[512];
    snprintf(data, sizeof data, "%s/six.csv", tmpdir);
    snprintf(model, sizeof model, "%s/cli.model", tmpdir);
    FILE *f = fopen(data, "wb");
    assert_non_null(f);
    fputs(six_levels, f);
    fclose(f);
    run_result *r = run("train", "gbdt", data, "-o", model, "-q", "--num-trees", "1",
                        "--num-leaves", "2", "--learning-rate", "1", "--min-data-in-leaf", "1",
                        "--min-data-per-group", "1", "--cat-smooth", "1", "--cat-l2", "1",
                        "--max-cat-threshold", "32", "--max-cat-to-onehot", "4", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    st_gbdt *m = NULL;
    assert_int_equal(st_gbdt_load(model, &m, NULL), ST_OK);
    char *text = model_text(m, "cli_back.model");
    assert_contains(text, "\ncats 2 1 4\n");
    free(text);
    st_gbdt_free(m);
    r = run("train", "gbdt", data, "-o", model, "--max-cat-to-onehot", "0", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_contains(r->err, "--max-cat-to-onehot '0'");
    free(r);
    r = run("train", "gbdt", data, "-o", model, "--cat-smooth", "-1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_contains(r->err, "--cat-smooth '-1'");
    free(r);
    r = run("train", "gbdt", data, "-o", model, "-q", "--num-trees", "1", "--num-leaves", "2",
            "--min-data-in-leaf", "1", "--max-cat-levels", "5", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_int_equal(st_gbdt_load(model, &m, NULL), ST_OK);
    assert_int_equal(m->nodes[0].cat_set, 0);
    assert_int_equal(m->params.max_cat_levels, 5);
    st_gbdt_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_split_by_hand),
        cmocka_unit_test(test_one_vs_rest_by_hand),
        cmocka_unit_test(test_missing_as_a_level),
        cmocka_unit_test(test_round_trip_and_threads),
        cmocka_unit_test(test_load_validates_sets),
        cmocka_unit_test(test_numeric_models_unchanged),
        cmocka_unit_test(test_cat_params),
        cmocka_unit_test(test_many_levels_share_a_bin),
        cmocka_unit_test(test_cli_options),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
