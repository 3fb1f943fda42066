/* Importing LightGBM text models: a hand-written tree with each of LightGBM's routing
 * rules (missing types NaN, Zero and None; a categorical split over two words of codes)
 * predicts and explains as worked out by hand; thresholds at training values route those
 * values as LightGBM does; sigmoid:S scales the raw score; the file
 * is recognised with LF or CRLF line ends and a BOM; unsupported, broken and cut files are
 * refused with "file:line: what"; a model stratum's files cannot hold is not saved, one
 * they can is saved and loads back; every allocation failure is clean (fault-injection
 * build). The same import against LightGBM's own outputs: gbdt/lightgbm_import.py. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "gbdt/gbdt_model.h"

TEST_SCRATCH_DIR("stratum_lgbm")

/* One tree over features a, b, c, d, laid out as LightGBM 4.6 writes it:
 *   node 0: a <= 0.5, missing type NaN, default left (decision_type 2 | 8): left node 1,
 *           right node 2;
 *   node 1: b <= 1.5, missing type Zero, default right (4): left leaf 0 (0.1), right
 *           leaf 1 (-0.2);
 *   node 2: c categorical (1; default-left bit 2 set, which LightGBM ignores there), set 0
 *           = words 3 and 2^31 + 2 = codes {0, 1, 33, 63}: left leaf 2 (0.3), right node 3;
 *   node 3: d <= -2, missing type None (0; default-left bit set, ignored: NaN is 0 and goes
 *           right): left leaf 3 (-0.4), right leaf 4 (0.5).
 * Row counts: nodes 100, 40, 60, 30; leaves 10, 30, 30, 12, 18. Line numbers matter to
 * the messages checked below: "objective" is line 7, "Tree=0" line 12, "leaf_value" 21. */
static const char model[] =
    "tree\n"
    "version=v4\n"
    "num_class=1\n"
    "num_tree_per_iteration=1\n"
    "label_index=0\n"
    "max_feature_idx=3\n"
    "objective=binary sigmoid:1\n"
    "feature_names=a b c d\n"
    "feature_infos=[0:1] [0:2] 0:1:33:63 [-3:0]\n"
    "tree_sizes=400\n"
    "\n"
    "Tree=0\n"
    "num_leaves=5\n"
    "num_cat=1\n"
    "split_feature=0 1 2 3\n"
    "split_gain=4 3 2 1\n"
    "threshold=0.5 1.5 0 -2\n"
    "decision_type=10 4 3 2\n"
    "left_child=1 -1 -3 -4\n"
    "right_child=2 -2 3 -5\n"
    "leaf_value=0.1 -0.2 0.3 -0.4 0.5\n"
    "leaf_weight=1 3 3 1.2 1.8\n"
    "leaf_count=10 30 30 12 18\n"
    "internal_value=0 0 0 0\n"
    "internal_weight=10 4 6 3\n"
    "internal_count=100 40 60 30\n"
    "cat_boundaries=0 2\n"
    "cat_threshold=3 2147483650\n"
    "is_linear=0\n"
    "shrinkage=1\n"
    "\n"
    "\n"
    "end of trees\n"
    "\n"
    "feature_importances:\n"
    "a=1\n"
    "\n"
    "parameters:\n"
    "[boosting: gbdt]\n"
    "end of parameters\n";

/* The model with the first occurrence of from replaced by to (every '\n' by "\r\n" when
 * crlf), written to a file whose path is returned. */
static const char *model_file_as(const char *from, const char *to, int crlf, const char *name)
{
    static char path[512];
    static char text[2 * sizeof model + 256];
    char edited[sizeof model + 256];
    const char *at = from != NULL ? strstr(model, from) : NULL;
    if (from != NULL && at == NULL)
        fail_msg("'%s' is not in the model text", from);
    if (at == NULL)
        snprintf(edited, sizeof edited, "%s", model);
    else
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - model), model, to,
                 at + strlen(from));
    size_t n = 0;
    for (const char *p = edited; *p; p++) {
        if (crlf && *p == '\n')
            text[n++] = '\r';
        text[n++] = *p;
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, n, f);
    fclose(f);
    return path;
}

static const char *model_file(const char *from, const char *to)
{
    return model_file_as(from, to, 0, "model.txt");
}

/* The model up to the first occurrence of at, as a file cut there. */
static const char *cut_file(const char *at)
{
    static char path[512];
    const char *end = strstr(model, at);
    assert_non_null(end);
    snprintf(path, sizeof path, "%s/cut.txt", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(model, 1, (size_t)(end - model), f);
    fclose(f);
    return path;
}

/* Rows (a, b, c, d) and the leaf each reaches, by the rules above. */
#define N_ROWS 27
static const float rows[N_ROWS][4] = {
    {0.2f, 1.0f, 0, 0},    /* b <= 1.5: leaf 0 */
    {0.2f, 0.0f, 0, 0},    /* b zero: default, right */
    {0.2f, -0.0f, 0, 0},   /* -0 is zero too */
    {0.2f, 1e-36f, 0, 0},  /* |b| <= 1e-35: zero */
    {0.2f, -1e-35f, 0, 0}, /* the bound itself: zero */
    {0.2f, -2e-35f, 0, 0}, /* past it: a number <= 1.5, left */
    {0.2f, NAN, 0, 0},     /* missing: default, right */
    {0.2f, 2.0f, 0, 0},    /* > 1.5: right */
    {NAN, 1.0f, 0, 0},     /* a missing: default left */
    {0.5f, 1.0f, 0, 0},    /* a <= 0.5 */
    {0x1.000002p-1f, 1.0f, NAN, NAN}, /* a > 0.5; c missing: right; d missing is 0 > -2 */
    {1, 0, 0, 0},          /* code 0: left */
    {1, 0, 1, 0},          /* code 1 */
    {1, 0, -0.5f, 0},      /* truncated to 0 */
    {1, 0, 0.99f, 0},      /* truncated to 0 */
    {1, 0, 1.99f, 0},      /* truncated to 1 */
    {1, 0, 2, -3},         /* code 2: not in the set, right; d <= -2 */
    {1, 0, 33.5f, 0},      /* 33 */
    {1, 0, 63.9f, 0},      /* 63, the last code of the second word */
    {1, 0, 64, -3},        /* past the set: right */
    {1, 0, -1, -3},        /* negative: right */
    {1, 0, 32, 5},         /* not in the set; d > -2 */
    {1, 0, 1e10f, -2},     /* far past the set; d = -2 goes left */
    {1, 0, 2, -1.9f},      /* d > -2: right */
    {1, 0, 2, 0},
    {1, 0, 2, NAN},        /* missing type None: NaN is 0, right */
    {1, 0, -1e10f, -2.5f},
};
static const double leaf[5] = {0.1, -0.2, 0.3, -0.4, 0.5};
static const int want_leaf[N_ROWS] = {0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 4, 2, 2, 2, 2, 2, 3, 2,
                                      2, 3, 3, 4, 3, 4, 4, 4, 3};

/* Each row's raw score is its leaf's value (times S), and the probability its logistic. */
static void check_rows(const st_gbdt *m, double s)
{
    for (int i = 0; i < N_ROWS; i++) {
        const double raw = test_gbdt_row(m, rows[i], ST_GBDT_RAW_SCORE);
        if (raw != s * leaf[want_leaf[i]])
            fail_msg("row %d: raw score %.17g; expected leaf %d, %.17g", i, raw, want_leaf[i],
                     s * leaf[want_leaf[i]]);
        assert_close(test_gbdt_row(m, rows[i], ST_GBDT_PROBABILITY),
                     1 / (1 + exp(-s * leaf[want_leaf[i]])), 1e-15);
    }
}

/* E[f | the features in mask known] for row (a=1, b=0, c=5, d=-3), with the unknown
 * features' splits weighted by the row counts (which is what TreeSHAP computes). */
static double v_of(unsigned mask)
{
    const int ka = mask & 1, kb = mask & 2, kc = mask & 4, kd = mask & 8;
    const double n1 = kb ? -0.2 : (10 * 0.1 + 30 * -0.2) / 40.0; /* b = 0 goes right */
    const double n3 = kd ? -0.4 : (12 * -0.4 + 18 * 0.5) / 30.0; /* d = -3 goes left */
    const double n2 = kc ? n3 : (30 * 0.3 + 30 * n3) / 60.0;      /* c = 5 goes right */
    return ka ? n2 : (40 * n1 + 60 * n2) / 100.0;                 /* a = 1 goes right */
}

/* Shapley values of v_of, from their definition over the 16 subsets. */
static void shapley(double phi[4])
{
    static const double w[4] = {1 / 4.0, 1 / 12.0, 1 / 12.0, 1 / 4.0}; /* |S|!(3-|S|)!/4! */
    for (int j = 0; j < 4; j++) {
        phi[j] = 0;
        for (unsigned s = 0; s < 16; s++)
            if (!(s & (1u << j)))
                phi[j] += w[__builtin_popcount(s)] * (v_of(s | (1u << j)) - v_of(s));
    }
}

static void test_hand_model(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file(NULL, NULL), &m, &err), ST_OK);
    assert_int_equal(st_gbdt_n_features(m), 4);
    const char *names[] = {"a", "b", "c", "d"};
    for (size_t j = 0; j < 4; j++) {
        assert_string_equal(st_gbdt_feature_name(m, j), names[j]);
        assert_int_equal(st_gbdt_n_levels(m, j), 0); /* every feature numeric */
    }
    assert_int_equal(st_gbdt_n_trees(m), 1);
    assert_true(st_gbdt_init_score(m) == 0);
    check_rows(m, 1);
    double imp[4];
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, imp, 4, &err), ST_OK);
    for (int j = 0; j < 4; j++)
        assert_close(imp[j], 4 - j, 0);
    /* SHAP values against their definition; the bias is the count-weighted mean leaf */
    const float x[4] = {1, 0, 5, -3};
    size_t size = st_gbdt_shap_scratch_size(m);
    void *scratch = malloc(size);
    double c[5], phi[4];
    assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size, c, 5, &err), ST_OK);
    shapley(phi);
    for (int j = 0; j < 4; j++)
        assert_close(c[j], phi[j], 1e-15);
    assert_close(c[4], (10 * 0.1 + 30 * -0.2 + 30 * 0.3 + 12 * -0.4 + 18 * 0.5) / 100, 1e-15);
    assert_close(c[0] + c[1] + c[2] + c[3] + c[4], -0.4, 1e-15);
    free(scratch);
    st_gbdt_free(m);
}

/* Text in a column LightGBM splits on as categorical (feature c): the model takes
 * LightGBM's integer codes, so the message says so (the general advice, --numeric, would
 * make every cell missing); text in a numeric feature (d) gets the general message. */
static void test_codes_expected(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file(NULL, NULL), &m, &err), ST_OK);
    static const char c_text[] = "a,b,c,d\n1,0,x,-3\n", d_text[] = "a,b,c,d\n1,0,5,x\n";
    st_read_options opt = st_read_options_default();
    opt.label_required = ST_LABEL_IGNORED;
    st_dataset *ds = NULL;
    double p;
    assert_int_equal(st_dataset_read_csv_buffer(c_text, sizeof c_text - 1, "c.csv", &opt, &ds,
                                                &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, &p, 1, &err), ST_ERR_DATA);
    assert_contains(err.message, "feature 'c' is categorical in the model, which was imported "
                    "from LightGBM, so it takes the integer category codes LightGBM was "
                    "trained on; c.csv holds 'x' (line 2, character 5)");
    st_dataset_free(ds);
    assert_int_equal(st_dataset_read_csv_buffer(d_text, sizeof d_text - 1, "d.csv", &opt, &ds,
                                                &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, &p, 1, &err), ST_ERR_DATA);
    assert_contains(err.message, "feature 'd' is numeric in the model but categorical in d.csv");
    st_dataset_free(ds);
    st_gbdt_free(m);
}

/* sigmoid:S: P = 1 / (1 + exp(-S raw)), so the leaves are S times LightGBM's. */
static void test_sigmoid(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("sigmoid:1", "sigmoid:2.5"), &m, &err), ST_OK);
    check_rows(m, 2.5);
    st_gbdt_free(m);
    assert_int_equal(st_gbdt_load(model_file("objective=binary sigmoid:1",
                                             "objective=binary"), &m, &err), ST_OK);
    check_rows(m, 1); /* no sigmoid: 1 */
    st_gbdt_free(m);
}

/* LightGBM's thresholds are often training values: its double of "-0.592554" is
 * -0.5925539999999999, and a row holding -0.592554 goes left there, although that number's
 * float lies above the double. A tiny negative threshold still sends 0 right. */
static void test_thresholds_at_values(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("threshold=0.5 1.5 0 -2",
                                             "threshold=-0.5925539999999999 1.5 0 -1e-50"),
                                  &m, &err), ST_OK);
    const float at[4] = {-0.592554f, 0, 0, 0}, above[4] = {-0.592553f, 0, 0, 0};
    const float zero[4] = {1, 0, 5, 0}, below_zero[4] = {1, 0, 5, -1e-45f};
    assert_true((double)at[0] > -0.5925539999999999); /* the case being tested */
    assert_true(test_gbdt_row(m, at, ST_GBDT_RAW_SCORE) == -0.2);    /* left, b zero: right */
    assert_true(test_gbdt_row(m, above, ST_GBDT_RAW_SCORE) == 0.3);  /* right, code 0 left */
    assert_true(test_gbdt_row(m, zero, ST_GBDT_RAW_SCORE) == 0.5);   /* 0 > -1e-50: right */
    assert_true(test_gbdt_row(m, below_zero, ST_GBDT_RAW_SCORE) == -0.4);
    st_gbdt_free(m);
}

/* A tree of one leaf (no split) adds its value to every row and to the bias. */
static void test_single_leaf(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("\nTree=0\n", "\nTree=0\nnum_leaves=1\nnum_cat=0\n"
                                             "split_feature=\nsplit_gain=\nthreshold=\n"
                                             "leaf_value=0.25\nleaf_count=0\n\nTree=1\n"),
                                  &m, &err), ST_OK);
    assert_int_equal(st_gbdt_n_trees(m), 2);
    for (int i = 0; i < N_ROWS; i++)
        assert_close(test_gbdt_row(m, rows[i], ST_GBDT_RAW_SCORE),
                     0.25 + leaf[want_leaf[i]], 1e-15);
    const float x[4] = {1, 0, 5, -3};
    size_t size = st_gbdt_shap_scratch_size(m);
    void *scratch = malloc(size);
    double c[5];
    assert_int_equal(st_gbdt_contrib_row(m, x, scratch, size, c, 5, &err), ST_OK);
    assert_close(c[4], 0.25 + 0.082, 1e-15);
    free(scratch);
    st_gbdt_free(m);
}

/* Recognised and read the same with CRLF line ends and a UTF-8 BOM. */
static void test_line_ends(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file_as(NULL, NULL, 1, "crlf.txt"), &m, &err), ST_OK);
    check_rows(m, 1);
    st_gbdt_free(m);
    assert_int_equal(st_gbdt_load(model_file_as("tree\nversion", "\xEF\xBB\xBFtree\nversion",
                                                0, "bom.txt"), &m, &err), ST_OK);
    check_rows(m, 1);
    st_gbdt_free(m);
    static const struct {
        const char *text;
        int is;
    } heads[] = {{"tree\nversion=v4\n", 1}, {"tree\r\nversion=v3", 1},
                 {"\xEF\xBB\xBFtree\nversion=v2", 1}, {"tree\n", 0}, {"tree", 0},
                 {"trees\nversion=v4", 0}, {"tree\nversion=4", 0}, {"", 0},
                 {"stratum-model 1 gbdt\n", 0}, {"{\"learner\":{}}", 0}};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        assert_int_equal(st__gbdt_is_lightgbm(heads[i].text, strlen(heads[i].text)),
                         heads[i].is);
}

/* Unsupported and broken files: ST_ERR_FORMAT, "path:line[:column]: what". */
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"binary sigmoid:1", "regression", ":7: objective 'regression' is not supported: "
         "stratum imports LightGBM models with objective=binary and one tree per iteration"},
        {"binary sigmoid:1", "multiclass num_class:3",
         ":7: objective 'multiclass' is not supported"},
        {"binary sigmoid:1", "binary_logloss", ":7: objective 'binary_logloss' is not supported"},
        {"objective=binary sigmoid:1\n", "", ":11: a model without an objective line (a "
         "custom objective) is not supported"},
        {"sigmoid:1", "sigmoid:0", ":7:18: objective: sigmoid must be a number > 0"},
        {"sigmoid:1", "sigmoid:x", ":7:18: objective: sigmoid must be a number > 0"},
        {"num_class=1", "num_class=3", ":3: a multi-class model (num_class > 1) is not supported"},
        {"num_tree_per_iteration=1", "num_tree_per_iteration=2", ":4: more than one tree per "
         "iteration is not supported"},
        {"label_index=0", "average_output",
         ":5: a random forest (average_output) is not supported"},
        {"version=v4", "version=v5", ":2: model format version 'v5': stratum reads LightGBM's "
         "formats v2 to v4"},
        {"max_feature_idx=3\n", "", ":11: no max_feature_idx line before the first tree"},
        {"feature_names=a b c d\n", "", ":11: no feature_names line before the first tree"},
        {"feature_names=a b c d", "feature_names=a b c", ":8:20: feature_names: feature 3 has "
         "no name; expected max_feature_idx + 1 = 4 names"},
        {"feature_names=a b c d", "feature_names=a b c d e", ":8:21: feature_names: more than "
         "max_feature_idx + 1 = 4 names"},
        {"feature_names=a b c d", "feature_names=a b a d",
         ":8:19: feature_names: 'a' appears twice"},
        {"is_linear=0", "is_linear=1", ":29: a linear tree (is_linear=1) is not supported"},
        {"Tree=0", "Tree=1", ":12: expected 'Tree=0'"},
        {"num_leaves=5", "num_leaves=6", ":21:33: leaf_value: 5 numbers; expected 6"},
        {"num_cat=1\n", "", ":12: tree 0 has no num_cat line"},
        {"leaf_count=10 30 30 12 18\n", "", ":12: tree 0 has no leaf_count line"},
        {"leaf_value=0.1 -0.2 0.3 -0.4 0.5", "leaf_value=0.1 -0.2 0.3 -0.4",
         ":21:29: leaf_value: 4 numbers; expected 5"},
        {"leaf_value=0.1 -0.2", "leaf_value=0.1  -0.2", ":21:16: leaf_value: expected numbers "
         "separated by one space"},
        {"leaf_value=0.1", "leaf_value=inf", ":21: tree 0: leaf value 0 is infinite"},
        {"threshold=0.5 1.5", "threshold=0.5 x1.5", ":17:15: threshold: 'x1.5' is not a number"},
        {"threshold=0.5 1.5", "threshold=0.5 nan", ":17:15: threshold: 'nan' is not a number"},
        {"decision_type=10 4", "decision_type=10 12", ":18: tree 0: decision_type 12 of node 1 "
         "has missing type 3; expected 0 (None), 1 (Zero) or 2 (NaN)"},
        {"decision_type=10 4", "decision_type=10 16", ":18: decision_type: entry 1 is 16; "
         "expected a whole number in [0, 15]"},
        {"split_feature=0 1 2 3", "split_feature=0 1 2 4", ":15: split_feature: entry 3 is 4; "
         "expected a whole number in [0, 3]"},
        {"left_child=1 -1 -3 -4", "left_child=1 -1 -3 -3", ":19: tree 0: leaf 2 is the child "
         "of 2 nodes; expected 1"},
        {"left_child=1 -1 -3 -4", "left_child=1 0 -3 -4", ":19: tree 0: node 1 has node 0 as "
         "a child; a child comes after its parent"},
        {"left_child=1 -1 -3 -4", "left_child=1 -1 -3 -6", ":19: left_child: entry 3 is -6; "
         "expected a whole number in [-5, 3]"},
        {"threshold=0.5 1.5 0", "threshold=0.5 1.5 1", ":17: tree 0: categorical node 2 has "
         "threshold 1; expected a bitset index below num_cat = 1"},
        {"cat_boundaries=0 2", "cat_boundaries=0 3",
         ":28:27: cat_threshold: 2 numbers; expected 3"},
        {"cat_boundaries=0 2", "cat_boundaries=1 2", ":27: cat_boundaries: expected increasing "
         "word offsets from 0"},
        {"cat_threshold=3 2147483650", "cat_threshold=3 4294967296", ":28: cat_threshold: entry "
         "1 is 4294967296; expected a whole number in [0, 4294967295]"},
        {"cat_boundaries=0 2\n", "", ":14: tree 0 has num_cat = 1 but no cat_boundaries line"},
        {"end of trees", "end of tree", ":33: expected 'Tree=1' or 'end of trees'"},
        {"\nTree=0\n", "\nTree=0\nnum_leaves=1\nnum_cat=0\nleaf_value=0.5\n\nTree=2\n",
         ":17: expected 'Tree=1'"},
        /* cut: the text before the first occurrence of `from` */
        {"\nTree=0", NULL, ":10: the file ends before its first 'Tree=' line: truncated?"},
        {"internal_weight=", NULL, ":24: the file ends inside tree 0: truncated?"},
        {"end of trees", NULL, ":32: the file ends after tree 0 without the 'end of trees' "
         "line: truncated?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = cases[i].to != NULL ? model_file(cases[i].from, cases[i].to)
                                               : cut_file(cases[i].from);
        st_gbdt *m = (st_gbdt *)(uintptr_t)1;
        st_error err;
        if (st_gbdt_load(path, &m, &err) != ST_ERR_FORMAT)
            fail_msg("case %zu (%s): loaded, or another error: %s", i, cases[i].message,
                     err.message);
        assert_null(m);
        char want[700];
        snprintf(want, sizeof want, "%s%s", path, cases[i].message);
        assert_contains(err.message, want);
    }
    /* a first line other than "tree", given to the importer itself */
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st__gbdt_import_lightgbm("trees\nversion=v4\n", 17, "x.txt", &m, &err),
                     ST_ERR_FORMAT);
    assert_contains(err.message, "x.txt:1: expected 'tree' on the first line");
    /* (without "version=" second, st_gbdt_load does not take the file for LightGBM's) */
    assert_int_equal(st__gbdt_import_lightgbm("tree\nnum_class=1\nTree=0\n", 26, "x.txt", &m,
                                              &err), ST_ERR_FORMAT);
    assert_contains(err.message, "x.txt:3: no version line before the first tree");
}

/* Saving: refused for the splits stratum's files cannot hold, each named; a model of
 * ordinary threshold splits (missing types NaN and None) saves and loads back the same. */
static void test_save(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/saved.model", tmpdir);
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file(NULL, NULL), &m, &err), ST_OK);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "has a zero-as-missing split, which stratum's model files "
                    "cannot hold");
    assert_int_equal(access(path, F_OK), -1);
    st_gbdt_free(m);
    assert_int_equal(st_gbdt_load(model_file("decision_type=10 4", "decision_type=10 8"),
                                  &m, &err), ST_OK);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "has a categorical split");
    st_gbdt_free(m);
    /* node 2 as c <= 0 (missing type None) */
    assert_int_equal(st_gbdt_load(model_file("decision_type=10 4 3", "decision_type=10 8 2"),
                                  &m, &err), ST_OK);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    st_gbdt *back = NULL;
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    size_t size = st_gbdt_shap_scratch_size(m);
    void *scratch = malloc(size);
    for (int i = 0; i < N_ROWS; i++) {
        assert_same_double(test_gbdt_row(back, rows[i], ST_GBDT_RAW_SCORE),
                           test_gbdt_row(m, rows[i], ST_GBDT_RAW_SCORE));
        double c1[5], c2[5];
        assert_int_equal(st_gbdt_contrib_row(m, rows[i], scratch, size, c1, 5, &err), ST_OK);
        assert_int_equal(st_gbdt_contrib_row(back, rows[i], scratch, size, c2, 5, &err), ST_OK);
        for (int j = 0; j < 5; j++)
            assert_same_double(c1[j], c2[j]);
    }
    free(scratch);
    st_gbdt_free(back);
    st_gbdt_free(m);
}

/* The import fails cleanly at every allocation. */
static void test_import_oom(void **state)
{
    (void)state;
    const long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        st_gbdt *m = (st_gbdt *)(uintptr_t)1;
        st_error err;
        st_status rc = st__gbdt_import_lightgbm(model, sizeof model - 1, "m.txt", &m, &err);
        st__fault_fail_after(-1);
        if (rc == ST_OK) {
            check_rows(m, 1);
            st_gbdt_free(m);
            assert_int_equal(st__fault_live_blocks(), baseline);
            return;
        }
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_null(m);
        assert_int_equal(st__fault_live_blocks(), baseline);
        assert_true(n < 10000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_model),
        cmocka_unit_test(test_codes_expected),
        cmocka_unit_test(test_sigmoid),
        cmocka_unit_test(test_single_leaf),
        cmocka_unit_test(test_thresholds_at_values),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_save),
        cmocka_unit_test(test_import_oom),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
