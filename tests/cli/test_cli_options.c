/* How the commands read their options (tools/cli_getopt.c): whole names only (no prefix
 * matching), LightGBM's underscore spellings and aliases for the options that have them,
 * the nearest option suggested for an unknown one, train --help showing both families,
 * and swapped MODEL and DATA arguments named as such. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#define CLI_DATA STRATUM_TEST_DATA "/cli"
#define HEPATITIS STRATUM_DATASETS "/hepatitis.csv"

static const char *scratch(void)
{
    static char dir[] = "/tmp/stratum_cli_options_XXXXXX";
    static int made;
    if (!made) {
        assert_non_null(mkdtemp(dir));
        made = 1;
    }
    return dir;
}

static void scratch_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch(), name);
}

/* The whole file, NUL-terminated (malloc'd). */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void train_gbdt(const char *model, const char *a, const char *b, const char *c,
                       const char *d, const char *e, const char *f)
{
    run_result *r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "-q", a, "5", b, "0.3", c,
                        "5", d, "0.8", e, "1", f, "7", NULL);
    if (r->exit_code != 0)
        fail_msg("train gbdt %s ... failed: %s", a, r->err);
    free(r);
}

/* LightGBM's underscore spellings and its aliases give the model the canonical options
 * give, byte for byte; and the options took effect (the model differs from the one of
 * other values). */
static void test_lightgbm_spellings_same_model(void **state)
{
    char canon[512], under[512], alias[512], other[512];
    scratch_path(canon, sizeof canon, "canon.model");
    scratch_path(under, sizeof under, "under.model");
    scratch_path(alias, sizeof alias, "alias.model");
    scratch_path(other, sizeof other, "other.model");
    train_gbdt(canon, "--num-trees", "--learning-rate", "--min-data-in-leaf",
               "--bagging-fraction", "--bagging-freq", "--seed");
    train_gbdt(under, "--num_trees", "--learning_rate", "--min_data_in_leaf",
               "--bagging_fraction", "--bagging_freq", "--seed");
    train_gbdt(alias, "--n_estimators", "--eta", "--min_child_samples", "--subsample",
               "--subsample_freq", "--random_state");
    run_result *r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", other, "-q", "--num-trees", "6",
                        "--learning-rate", "0.3", "--min-data-in-leaf", "5",
                        "--bagging-fraction", "0.8", "--bagging-freq", "1", "--seed", "7", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *a = read_all(canon), *b = read_all(under), *c = read_all(alias), *d = read_all(other);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_true(strcmp(a, d) != 0);
    free(a), free(b), free(c), free(d);

    /* logistic regression: --max_iter is --max-iter; the =VALUE form as well */
    char l1[512], l2[512];
    scratch_path(l1, sizeof l1, "l1.model");
    scratch_path(l2, sizeof l2, "l2.model");
    r = run("train", "logreg", "--lambda", "1e-4", HEPATITIS, "-o", l1, "-q", "--max-iter", "3", "--lambda", "0.01",
            NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", HEPATITIS, "-o", l2, "-q", "--max_iter=3", "--lambda", "0.01",
            NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    a = read_all(l1), b = read_all(l2);
    assert_string_equal(a, b);
    free(a), free(b);
}

/* A prefix is not an option any more: --num-tree was taken for --num-trees. */
static void test_no_prefix_matching(void **state)
{
    char model[512];
    scratch_path(model, sizeof model, "prefix.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--num-tree", "5", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum train: unknown option '--num-tree'; did you mean "
                             "'--num-trees'?");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--num-tree=5", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option '--num-tree'; did you mean '--num-trees'?");
    free(r);
    r = run("info", "--lab", "label", HEPATITIS, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum info: unknown option '--lab'; did you mean '--label'?");
    free(r);
    assert_int_equal(access(model, F_OK), -1); /* nothing written */
}

/* Near misses get the nearest option (through aliases too); far ones none. */
static void test_suggestions(void **state)
{
    char model[512];
    scratch_path(model, sizeof model, "suggest.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--learning_rat", "0.1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option '--learning_rat'; did you mean '--learning-rate'?");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--n_estimator", "10", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option '--n_estimator'; did you mean '--num-trees'?");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", HEPATITIS, "--lamda", "0.1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum cv: unknown option '--lamda'; did you mean '--lambda'?");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--colourful", "1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum train: unknown option '--colourful' (see");
    assert_null(strstr(r->err, "did you mean"));
    free(r);
    /* a boosted-trees alias is no option of logistic regression */
    r = run("train", "logreg", "--lambda", "1e-4", HEPATITIS, "-o", model, "--n_estimators", "10", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option '--n_estimators'");
    assert_null(strstr(r->err, "did you mean"));
    free(r);
    assert_int_equal(access(model, F_OK), -1);
}

/* The other usage errors of options keep their words. */
static void test_other_option_errors(void **state)
{
    char model[512];
    scratch_path(model, sizeof model, "other_err.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--num-trees", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option or missing value '--num-trees'");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--quiet=1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--quiet takes no value");
    free(r);
    r = run("info", "-x", HEPATITIS, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum info: unknown option '-x'");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", model, "--num_trees", "0", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--num-trees '0'");
    free(r);
}

/* stratum train --help shows both families' options, and LightGBM's names. */
static void test_train_help_both_families(void **state)
{
    run_result *r = run("train", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const want[] = {"stratum train logreg DATA -o MODEL",
        "stratum train gbdt DATA -o MODEL", "--lambda L", "--alpha A", "--num-trees N",
        "--num-leaves N", "--learning-rate X", "--early-stopping-rounds", "--n_estimators",
        "--eta", "--label COL"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(r->out, want[i]) == NULL)
            fail_msg("train --help lacks '%s'", want[i]);
    free(r);
    r = run("train", "gbdt", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "--num-trees: --num_iterations"));
    assert_null(strstr(r->out, "--lambda L"));
    free(r);
}

/* --help still works for every command (a whole name, and -h). */
static void test_help_everywhere(void **state)
{
    static const char *const cmds[][2] = {{"info", NULL}, {"train", "logreg"}, {"train", "gbdt"},
        {"predict", NULL}, {"evaluate", NULL}, {"cv", NULL}, {"cv", "gbdt"}, {"compare", NULL},
        {"explain", NULL}, {"bin", NULL}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        for (int h = 0; h < 2; h++) {
            const char *flag = h ? "-h" : "--help";
            run_result *r = cmds[i][1] ? run(cmds[i][0], cmds[i][1], flag, NULL)
                                       : run(cmds[i][0], flag, NULL);
            if (r->exit_code != 0 || strstr(r->out, "Usage: stratum") == NULL)
                fail_msg("%s %s %s: exit %d", cmds[i][0], cmds[i][1] ? cmds[i][1] : "", flag,
                         r->exit_code);
            free(r);
        }
    run_result *r = run("info", "--he", NULL); /* a prefix of --help is no --help */
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown option '--he'; did you mean '--help'?");
    free(r);
}

/* predict/evaluate/explain DATA MODEL: the arguments are named as swapped; in the right
 * order they work. Data given twice is still the loader's error. */
static void test_wrong_order(void **state)
{
    char model[512];
    scratch_path(model, sizeof model, "order.model");
    run_result *r = run("train", "logreg", "--lambda", "1e-4", HEPATITIS, "-o", model, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    static const char *const cmds[] = {"predict", "evaluate", "explain"};
    for (size_t i = 0; i < 3; i++) {
        char want[160];
        snprintf(want, sizeof want, "stratum %s: the first argument is a data file, not a "
                 "model: stratum %s MODEL DATA", cmds[i], cmds[i]);
        r = run(cmds[i], HEPATITIS, model, NULL);
        assert_int_equal(r->exit_code, 2);
        assert_one_error_line(r, want);
        free(r);
        r = run(cmds[i], model, HEPATITIS, NULL);
        if (r->exit_code != 0)
            fail_msg("%s MODEL DATA: %s", cmds[i], r->err);
        free(r);
    }
    /* a gbdt model and an XGBoost-style JSON model count as models too */
    char gbdt[512];
    scratch_path(gbdt, sizeof gbdt, "order_gbdt.model");
    r = run("train", "gbdt", "--num-trees", "100", HEPATITIS, "-o", gbdt, "-q", "--num-trees", "3", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("predict", HEPATITIS, gbdt, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "the first argument is a data file, not a model");
    free(r);
    r = run("predict", CLI_DATA "/small.csv", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "not a model file: expected 'stratum-model 1 logreg' or "
                             "'stratum-model 1 gbdt'");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lightgbm_spellings_same_model),
        cmocka_unit_test(test_no_prefix_matching),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_other_option_errors),
        cmocka_unit_test(test_train_help_both_families),
        cmocka_unit_test(test_help_everywhere),
        cmocka_unit_test(test_wrong_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
