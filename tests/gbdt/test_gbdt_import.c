/* Importing XGBoost JSON models: a hand-written two-split model predicts and explains as
 * worked out by hand; XGBoost's "x < c goes left" equals stratum's "x <= threshold" for
 * every float tried; unsupported models and broken trees are refused with a message
 * naming the file; every allocation failure is clean (fault-injection build). */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <float.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "gbdt/gbdt_model.h"
#include "gbdt/gbdt_rand.h"

TEST_SCRATCH_DIR("stratum_import")

/* A model as XGBoost 1.7 saves it: node 0 sends a < 0.5 (and missing a) to node 1, else
 * to a leaf of 0.25; node 1 sends b < 1.5 to a leaf of -0.125, else (and missing b) to a
 * leaf of 0.375. Covers 10 = 6 + 4 and 6 = 2 + 4; base_score 0.25. */
static const char model[] =
    "{\"learner\":{\"attributes\":{},\"feature_names\":[\"a\",\"b\"],\"feature_types\":"
    "[\"float\",\"float\"],\"gradient_booster\":{\"model\":{\"gbtree_model_param\":"
    "{\"num_parallel_tree\":\"1\",\"num_trees\":\"1\",\"size_leaf_vector\":\"0\"},"
    "\"tree_info\":[0],\"trees\":[{\"base_weights\":[9,9,9,9,9],\"categories\":[],"
    "\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],"
    "\"default_left\":[1,0,0,0,0],\"id\":0,\"left_children\":[1,3,-1,-1,-1],"
    "\"loss_changes\":[2.5,1.5,0,0,0],\"parents\":[2147483647,0,0,1,1],"
    "\"right_children\":[2,4,-1,-1,-1],\"split_conditions\":[0.5,1.5,0.25,-0.125,0.375],"
    "\"split_indices\":[0,1,0,0,0],\"split_type\":[0,0,0,0,0],"
    "\"sum_hessian\":[10,6,4,2,4],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":"
    "\"2\",\"num_nodes\":\"5\",\"size_leaf_vector\":\"0\"}}]},\"name\":\"gbtree\"},"
    "\"learner_model_param\":{\"base_score\":\"2.5E-1\",\"boost_from_average\":\"1\","
    "\"num_class\":\"0\",\"num_feature\":\"2\",\"num_target\":\"1\"},\"objective\":"
    "{\"name\":\"binary:logistic\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}},"
    "\"version\":[1,7,4]}";

/* The model with the first occurrence of from replaced by to, written to a file. */
static const char *model_file(const char *from, const char *to)
{
    static char path[512];
    static char text[sizeof model + 256];
    const char *at = from != NULL ? strstr(model, from) : NULL;
    if (from != NULL && at == NULL)
        fail_msg("'%s' is not in the model text", from);
    if (at == NULL)
        snprintf(text, sizeof text, "%s", model);
    else
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - model), model, to, at + strlen(from));
    snprintf(path, sizeof path, "%s/m.json", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Predictions, importance and SHAP values of the hand model, derived by hand. */
static void test_hand_model(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file(NULL, NULL), &m, &err), ST_OK);
    assert_int_equal(st_gbdt_n_features(m), 2);
    assert_string_equal(st_gbdt_feature_name(m, 0), "a");
    assert_string_equal(st_gbdt_feature_name(m, 1), "b");
    assert_int_equal(st_gbdt_n_trees(m), 1);
    assert_close(st_gbdt_init_score(m), log(0.25 / 0.75), 1e-15);
    const float below = nextafterf(0.5f, 0), nan = NAN;
    const float rows[][2] = {{0.4f, 1}, {0.5f, 1}, {below, 1.5f}, {nan, nan}, {0.6f, nan}};
    const double leaf[] = {-0.125, 0.25, 0.375, 0.375, 0.25};
    for (int i = 0; i < 5; i++)
        assert_close(test_gbdt_row(m, rows[i], ST_GBDT_RAW_SCORE),
                     log(0.25 / 0.75) + leaf[i], 1e-15);
    double imp[2];
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, imp, 2, &err), ST_OK);
    assert_close(imp[0], 2.5, 0);
    assert_close(imp[1], 1.5, 0);
    /* row (0.4, 1): v() = 0.6 (2/6 (-0.125) + 4/6 0.375) + 0.4 (0.25) = 0.225,
     * v(a) = 0.208333.., v(b) = 0.6 (-0.125) + 0.4 (0.25) = 0.025, v(a, b) = -0.125 */
    const double v0 = 0.225, va = 0.25 / 1.2, vb = 0.025, vab = -0.125;
    size_t size = st_gbdt_shap_scratch_size(m);
    void *scratch = malloc(size);
    double c[3], I[9];
    assert_int_equal(st_gbdt_contrib_row(m, rows[0], scratch, size, c, 3, &err), ST_OK);
    assert_close(c[0], ((va - v0) + (vab - vb)) / 2, 1e-15);
    assert_close(c[1], ((vb - v0) + (vab - va)) / 2, 1e-15);
    assert_close(c[2], log(0.25 / 0.75) + v0, 1e-15);
    assert_int_equal(st_gbdt_interactions_row(m, rows[0], scratch, size, I, 9, &err), ST_OK);
    const double ab = (vab - va - vb + v0) / 2;
    assert_close(I[1], ab, 1e-15);
    assert_close(I[3], ab, 1e-15);
    assert_close(I[0], c[0] - ab, 1e-15);
    assert_close(I[4], c[1] - ab, 1e-15);
    free(scratch);
    /* saved as a stratum model and loaded back: the same thresholds and covers */
    char path[512];
    snprintf(path, sizeof path, "%s/m.model", tmpdir);
    st_gbdt *back = NULL;
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    for (int i = 0; i < 5; i++)
        assert_same_double(test_gbdt_row(back, rows[i], ST_GBDT_PROBABILITY),
                           test_gbdt_row(m, rows[i], ST_GBDT_PROBABILITY));
    st_gbdt_free(back);
    st_gbdt_free(m);
}

/* Unnamed features get XGBoost's names f0, f1, ... */
static void test_unnamed_features(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("\"feature_names\":[\"a\",\"b\"]",
                                             "\"feature_names\":[]"), &m, &err), ST_OK);
    assert_string_equal(st_gbdt_feature_name(m, 0), "f0");
    assert_string_equal(st_gbdt_feature_name(m, 1), "f1");
    st_gbdt_free(m);
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* For split value c, XGBoost sends v left when v < c; the import's threshold is the float
 * below c, and stratum's test (through st__gbdt_goes_left) agrees for every v tried: the
 * floats around c, zeros, infinities, extremes and random ones. */
static void test_threshold_exact(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    for (int trial = 0; trial < 200000; trial++) {
        float c;
        do
            c = from_bits((uint32_t)st__gbdt_rand(&rng));
        while (!isfinite(c));
        if (trial < 4)
            c = (const float[]){0.0f, -0.0f, FLT_MIN, -FLT_MAX}[trial];
        const st__gbdt_node nd = {.threshold = nextafterf(c, -INFINITY), .feature = 0,
                                  .left = ~0, .right = ~1, .default_left = 0};
        float vs[16] = {0.0f, -0.0f, INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, c};
        int n = 7;
        for (int k = -3; k <= 3; k++)
            if (k != 0)
                vs[n++] = from_bits(bits(c) + (uint32_t)k);
        vs[n++] = from_bits((uint32_t)st__gbdt_rand(&rng));
        for (int i = 0; i < n; i++) {
            if (isnan(vs[i]))
                continue;
            const int xgb_left = vs[i] < c;
            if (st__gbdt_goes_left(NULL, &nd, vs[i]) != xgb_left)
                fail_msg("split %a, value %a: XGBoost goes %s", (double)c, (double)vs[i],
                         xgb_left ? "left" : "right");
        }
    }
}

/* Each unsupported or broken model is refused with ST_ERR_FORMAT (ST_ERR_PARSE for bad
 * JSON), a message naming the file and what is wrong. */
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"binary:logistic", "binary:logitraw", "objective 'binary:logitraw' is not supported"},
        {"binary:logistic", "reg:squarederror", "objective 'reg:squarederror' is not supported"},
        {"\"num_class\":\"0\"", "\"num_class\":\"3\"", "a multi-class model is not supported"},
        {"\"num_target\":\"1\"", "\"num_target\":\"2\"", "a multi-target model is not supported"},
        {"\"name\":\"gbtree\"", "\"name\":\"dart\"", "booster 'dart' is not supported"},
        {"\"name\":\"gbtree\"", "\"name\":\"gblinear\"", "booster 'gblinear' is not supported"},
        {"\"split_type\":[0,0", "\"split_type\":[1,0", "a categorical split (split_type 1)"},
        {"\"categories\":[]", "\"categories\":[3]", "a categorical split (categories)"},
        {"[\"float\",\"float\"]", "[\"float\",\"c\"]", "a categorical feature"},
        /* the bare words NaN and Infinity (XGBoost writes them) read as numbers */
        {"\"split_conditions\":[0.5", "\"split_conditions\":[NaN",
         "split_conditions[0] is nan; expected a finite number"},
        {"\"split_conditions\":[0.5,1.5,0.25", "\"split_conditions\":[0.5,1.5,Infinity",
         "split_conditions[2] is inf; expected a finite number"},
        {"\"loss_changes\":[2.5", "\"loss_changes\":[NaN", "loss_changes[0] is nan; expected"},
        {"\"left_children\":[1,3,", "\"left_children\":[1,0,", "node 0 is reached twice"},
        {"\"left_children\":[1,3,", "\"left_children\":[1,7,", "expected two node numbers below 5"},
        {"\"left_children\":[1,3,", "\"left_children\":[1,-1,", "expected two node numbers"},
        {"\"split_indices\":[0,1,", "\"split_indices\":[0,2,", "splits on feature 2; the model has 2"},
        {"\"sum_hessian\":[10,6,4,2,4]", "\"sum_hessian\":[10,6,4,2]", "sum_hessian has 4 entries"},
        {"\"sum_hessian\":[10,6,4,2,4]", "\"sum_hessian\":[10,6,4,-2,4]", "sum_hessian[3] is negative"},
        {"\"split_conditions\":[0.5", "\"split_conditions\":[1e39", "is not a finite float"},
        {"\"split_conditions\":[0.5", "\"split_conditions\":[\"x\"", "split_conditions[0] is a string"},
        {"\"base_score\":\"2.5E-1\"", "\"base_score\":\"1\"", "base_score 1 is not a probability"},
        {"\"feature_names\":[\"a\",\"b\"]", "\"feature_names\":[\"a\",\"a\"]", "feature name 'a' appears twice"},
        {"\"feature_names\":[\"a\",\"b\"]", "\"feature_names\":[\"a\"]", "an array of num_feature (2) names"},
        {"\"trees\":[{", "\"trees\":[], \"x\":[{", "the model has no trees"},
        {"{\"learner\":", "{\"learnr\":", "has no 'learner' (an object)"},
        {"\"objective\":", "\"objective\":1,\"x\":", "'objective' is a number; expected an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st_gbdt *m = (st_gbdt *)(uintptr_t)1;
        st_error err;
        const char *path = model_file(cases[i].from, cases[i].to);
        assert_int_equal(st_gbdt_load(path, &m, &err), ST_ERR_FORMAT);
        assert_null(m);
        assert_contains(err.message, path);
        assert_contains(err.message, cases[i].message);
    }
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("\"version\":[1,7,4]}", "\"version\":[1,7,4]"),
                                  &m, &err), ST_ERR_PARSE);
    assert_contains(err.message, "m.json:1:");
    assert_contains(err.message, "expected ',' or '}'");
}

/* XGBoost 1.7 saves a categorical node's split condition as the bare word NaN: such a
 * model is refused for its categorical feature, not as a JSON syntax error ("found 'N',
 * expected a value"). */
static void test_categorical_nan(void **state)
{
    (void)state;
    const char *path = model_file("\"split_conditions\":[0.5", "\"split_conditions\":[NaN");
    static char text[sizeof model + 256];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *types = strstr(text, "[\"float\",\"float\"]");
    assert_non_null(types);
    memcpy(types, "[\"float\",\"c\"    ]", strlen("[\"float\",\"float\"]"));
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(path, &m, &err), ST_ERR_FORMAT);
    assert_contains(err.message, "a categorical feature (feature_types \"c\") is not supported");
}

/* A model XGBoost trained on an array names its features f0, f1, ...: data whose columns
 * have other names is refused with the way out, not only "feature 'f0' is not in the
 * dataset". */
static void test_default_names_hint(void **state)
{
    (void)state;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("\"feature_names\":[\"a\",\"b\"]",
                                             "\"feature_names\":[]"), &m, &err), ST_OK);
    static const char csv[] = "label,age,sbp\n1,0.2,1\n0,0.7,2\n";
    st_dataset *ds = NULL;
    st_read_options opt = st_read_options_default();
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "mem.csv", &opt, &ds,
                                                &err), ST_OK);
    double p[2];
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, p, 2, &err), ST_ERR_DATA);
    assert_contains(err.message, "feature 'f0' of the model is not in the dataset: the model's "
                    "features are f0 to f1, XGBoost's names for a model trained without "
                    "column names");
    st_dataset_free(ds);
    st_gbdt_free(m);
    /* named features: the plain message */
    assert_int_equal(st_gbdt_load(model_file(NULL, NULL), &m, &err), ST_OK);
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "mem.csv", &opt, &ds,
                                                &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, p, 2, &err), ST_ERR_DATA);
    assert_string_equal(err.message, "feature 'a' of the model is not in the dataset");
    st_dataset_free(ds);
    st_gbdt_free(m);
}

/* An imported model reads an entry absent from a LibSVM row as missing, as XGBoost's
 * DMatrix does (a stratum model would read it as 0), an explicit "k:0" as 0, and a feature
 * "f2" a file never reaches as missing in every row; the rule survives saving. Leaves by
 * hand: node 0 sends f1 < 0.5 and missing left; node 1 sends f2 < 1.5 left, missing
 * right; leaves -0.125 (left, left), 0.375 (left, right), 0.25 (right). */
static void test_absent_libsvm_entries(void **state)
{
    (void)state;
    st_gbdt *m = NULL, *back = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(model_file("\"feature_names\":[\"a\",\"b\"]",
                                             "\"feature_names\":[\"f1\",\"f2\"]"), &m, &err),
                     ST_OK);
    assert_int_equal(st_gbdt_absent_is_missing(m), 1);
    char path[512];
    snprintf(path, sizeof path, "%s/absent.model", tmpdir);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    assert_int_equal(st_gbdt_absent_is_missing(back), 1);
    /* rows: nothing (f1, f2 missing); f1 = 0 written, f2 absent; f1 = 0, f2 = 1; f2 = 2 */
    static const char text[] = "0\n1 1:0\n0 1:0 2:1\n1 2:2\n";
    const double leaf[] = {0.375, 0.375, -0.125, 0.375};
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read_libsvm_buffer(text, sizeof text - 1, "t.svm", NULL, &ds,
                                                   &err), ST_OK);
    double raw[4];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(st_gbdt_predict(k ? back : m, ds, ST_GBDT_RAW_SCORE, 1, raw, 4, &err),
                         ST_OK);
        for (int i = 0; i < 4; i++)
            assert_close(raw[i], log(0.25 / 0.75) + leaf[i], 1e-15);
    }
    st_dataset_free(ds);
    /* a file that never reaches index 2: f2 is missing in every row */
    static const char short_text[] = "0 1:0.2\n";
    assert_int_equal(st_dataset_read_libsvm_buffer(short_text, sizeof short_text - 1, "s.svm",
                                                   NULL, &ds, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, raw, 1, &err), ST_OK);
    assert_close(raw[0], log(0.25 / 0.75) + 0.375, 1e-15);
    double c[3];
    assert_int_equal(st_gbdt_contrib(m, ds, 1, c, 3, &err), ST_OK);
    assert_close(c[0] + c[1] + c[2], raw[0], 1e-12);
    st_dataset_free(ds);
    /* the same values as CSV: an empty field is missing, 0 is 0 */
    static const char csv[] = "label,f1,f2\n1,0.2,\n0,0,\n";
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "t.csv", NULL, &ds, &err),
                     ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, raw, 2, &err), ST_OK);
    assert_close(raw[0], log(0.25 / 0.75) + 0.375, 1e-15);
    assert_close(raw[1], log(0.25 / 0.75) + 0.375, 1e-15);
    st_dataset_free(ds);
    st_gbdt_free(back);
    st_gbdt_free(m);
}

/* best_iteration from the learner attributes, iteration ranges and UBJSON files. */
static void test_iterations_and_ubjson(void **state)
{
    (void)state;
    st_gbdt *m = (st_gbdt *)(uintptr_t)1;
    st_error err;
    const char *path = model_file("\"attributes\":{}", "\"attributes\":{\"best_iteration\":\"1\"}");
    assert_int_equal(st_gbdt_load(path, &m, &err), ST_ERR_FORMAT);
    assert_null(m);
    assert_contains(err.message, "best_iteration 1 is not one of the model's 1 iterations (0 to 0)");
    path = model_file("\"attributes\":{}", "\"attributes\":{\"best_iteration\":\"0\"}");
    assert_int_equal(st_gbdt_load(path, &m, &err), ST_OK);
    int b = -1, e = -1, t = -1;
    assert_int_equal(st_gbdt_loaded_iterations(m, &b, &e, &t), 0); /* the last: no cut */
    assert_int_equal(b, 0);
    assert_int_equal(e, 1);
    assert_int_equal(t, 1);
    st_gbdt_free(m);
    st_gbdt_load_options o = st_gbdt_load_options_default();
    o.iteration_begin = 0;
    o.iteration_end = 2;
    assert_int_equal(st_gbdt_load_ex(path, &o, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    char want[600];
    snprintf(want, sizeof want, "%s: iteration range 0:2 is not within the model's 1 "
             "iterations; expected A:B with 0 <= A < B <= 1", path);
    assert_string_equal(err.message, want);
    /* XGBoost 2's UBJSON: '{', then the first key's length as an int64 ('L') */
    char ubj[512];
    snprintf(ubj, sizeof ubj, "%s/m.ubj", tmpdir);
    FILE *f = fopen(ubj, "wb");
    assert_non_null(f);
    fwrite("{L\0\0\0\0\0\0\0\7learner{", 1, 18, f);
    fclose(f);
    assert_int_equal(st_gbdt_load(ubj, &m, &err), ST_ERR_FORMAT);
    snprintf(want, sizeof want, "%s: UBJSON is not supported: save the model as .json", ubj);
    assert_string_equal(err.message, want);
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
        st_status rc = st__gbdt_import_xgboost(model, sizeof model - 1, "m.json", &m, &err);
        st__fault_fail_after(-1);
        if (rc == ST_OK) {
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
        cmocka_unit_test(test_unnamed_features),
        cmocka_unit_test(test_threshold_exact),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_categorical_nan),
        cmocka_unit_test(test_default_names_hint),
        cmocka_unit_test(test_absent_libsvm_entries),
        cmocka_unit_test(test_iterations_and_ubjson),
        cmocka_unit_test(test_import_oom),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
