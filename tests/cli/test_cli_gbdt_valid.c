/* stratum train gbdt and stratum cv gbdt with a validation set, as a user meets them:
 * --valid-fraction holds rows out of training, --early-stopping-rounds prints metric lines
 * and the best iteration and keeps that many trees in the model file, --quiet prints
 * nothing on stderr, no progress bar when stderr is not a terminal, and bad values are
 * usage errors (exit 2) with one line naming the option. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include "cli_run.h"

#define THYROID STRATUM_DATASETS "/thyroid_sick.csv"
#define WDBC STRATUM_DATASETS "/wdbc.csv"

static char dir[] = "/tmp/stratum_cli_gbdt_valid_XXXXXX";
static char model[128];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(model, sizeof model, "%s/m.model", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The number after `key` in text, or -1. */
static long number_after(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* --valid-fraction with early stopping on AUC: metric lines every --metric-freq trees,
 * the best iteration at the end, the rows held out not trained on, and a model file of
 * best-iteration trees that records it. */
static void test_valid_fraction_early_stopping(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "--num-trees", "100", THYROID, "-o", model, "--valid-fraction", "0.25",
                        "--early-stopping-rounds", "5", "--metric", "auc", "--num-trees", "400",
                        "--learning-rate", "0.3", "--metric-freq", "2", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "[1] train auc ");
    assert_contains(r->err, "\n[2] train auc ");
    assert_contains(r->err, " valid auc ");
    assert_null(strchr(r->err, '\r')); /* stderr is a file: no progress bar */
    long best = number_after(r->err, "best iteration ");
    long trained_rows = number_after(r->err, "trained gbdt on ");
    long valid_rows = number_after(r->err, "on ");
    const char *on = strstr(r->err, "best iteration ");
    assert_non_null(on);
    valid_rows = number_after(on, " on ");
    long stopped = number_after(r->err, "early stopping after ");
    assert_true(best >= 1);
    assert_true(stopped == best + 5); /* five trees without improvement, then stop */
    /* thyroid_sick has 3772 rows: about a quarter held out, none of them trained on */
    assert_int_equal(trained_rows + valid_rows, 3772);
    assert_true(valid_rows >= 940 && valid_rows <= 946);
    char keeps[64];
    snprintf(keeps, sizeof keeps, "the model keeps %ld)", best);
    assert_contains(r->err, keeps);
    char text[1 << 20];
    slurp(model, text, sizeof text);
    char line[64];
    snprintf(line, sizeof line, "\ntrees %ld\n", best);
    assert_contains(text, line);
    snprintf(line, sizeof line, "\nvalid_metric auc\nearly_stopping_rounds 5\nbest_iteration "
             "%ld\n", best);
    assert_contains(text, line);
    free(r);

    /* the same seed holds out the same rows: the same model; --quiet prints nothing */
    char model2[160];
    snprintf(model2, sizeof model2, "%s/m2.model", dir);
    r = run("train", "gbdt", "--num-trees", "100", THYROID, "-o", model2, "--valid-fraction", "0.25",
            "--early-stopping-rounds", "5", "--metric", "auc", "--num-trees", "400",
            "--learning-rate", "0.3", "--quiet", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    char text2[1 << 20];
    slurp(model2, text2, sizeof text2);
    assert_string_equal(text, text2);
    free(r);
}

/* --valid FILE: the metric lines every 10 trees by default, the best line; columns
 * matched by name, so a file lacking a feature fails naming it. */
static void test_valid_file(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, "--valid", WDBC, "--num-trees",
                        "20", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "[1] train logloss ");
    assert_contains(r->err, "\n[10] train logloss ");
    assert_contains(r->err, "\n[20] train logloss ");
    assert_contains(r->err, " valid logloss ");
    assert_null(strstr(r->err, "[2] "));
    assert_contains(r->err, "best iteration 20: valid logloss "); /* on its training rows */
    assert_contains(r->err, "(the model keeps 20 trees)");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, "--valid", WDBC, "--num-trees", "5",
            "--metric-freq", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->err, "[1]"));
    assert_contains(r->err, "best iteration 5: valid logloss ");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, "--valid", WDBC, "--num-trees", "5",
            "--format", "json", "-q", "--ignore", "id", NULL); /* else it warns about id */
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_contains(r->out, "\"best_iteration\": 5, \"valid_metric\": \"logloss\", "
                            "\"best_score\": 0.");
    free(r);

    char tr[160], va[160];
    snprintf(tr, sizeof tr, "%s/tr.csv", dir);
    snprintf(va, sizeof va, "%s/va.csv", dir);
    write_file(tr, "a,b,label\n1,5,0\n2,6,1\n3,7,0\n4,8,1\n5,9,0\n6,1,1\n");
    write_file(va, "a,label\n1,0\n2,1\n");
    r = run("train", "gbdt", "--num-trees", "100", tr, "-o", model, "--valid", va, "--min-data-in-leaf", "1", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "feature 'b' of the model is not in the dataset");
    free(r);
}

/* Bad values and combinations are usage errors, exit 2, one line naming the option. */
static void test_bad_options(void **state)
{
    (void)state;
    static const struct {
        const char *opt, *value, *message;
    } bad[] = {
        {"--valid-fraction", "0", "--valid-fraction '0': expected a number > 0 and < 1"},
        {"--valid-fraction", "1", "--valid-fraction '1'"},
        {"--valid-fraction", "x", "--valid-fraction 'x'"},
        {"--early-stopping-rounds", "-1", "--early-stopping-rounds '-1'"},
        {"--early-stopping-rounds", "5", "--early-stopping-rounds needs a validation set"},
        {"--metric", "accuracy", "--metric 'accuracy': expected logloss, auc or pr-auc"},
        {"--metric-freq", "-2", "--metric-freq '-2'"},
        {"--max-bin", "65536", "--max-bin '65536'"},
        {"--max-bin", "1", "--max-bin '1'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_result *r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, bad[i].opt, bad[i].value, NULL);
        assert_int_equal(r->exit_code, 2);
        assert_one_error_line(r, bad[i].message);
        free(r);
    }
    run_result *r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, "--valid", WDBC,
                        "--valid-fraction", "0.2", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--valid and --valid-fraction exclude each other");
    free(r);
    r = run("cv", "gbdt", "--num-trees", "100", WDBC, "--early-stopping-rounds", "3", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "needs a validation set: --valid-fraction F");
    free(r);
    r = run("cv", "gbdt", "--num-trees", "100", WDBC, "--valid", WDBC, NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("train", "gbdt", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "--early-stopping-rounds N");
    assert_contains(r->out, "the\n                                  rows held out are not trained on");
    assert_contains(r->out, "2..65535");
    free(r);
}

/* max_bin above 255 trains (two-byte codes) and the model loads and predicts. */
static void test_wide_bins(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "--num-trees", "100", WDBC, "-o", model, "--max-bin", "1000", "--num-trees",
                        "10", "-q", "--ignore", "id", NULL); /* else it warns about id */
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    char text[1 << 20];
    slurp(model, text, sizeof text);
    assert_contains(text, "\nmax_bin 1000\n");
    free(r);
    r = run("predict", model, WDBC, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "p\n", 2), 0);
    free(r);
}

/* stratum cv gbdt holds a fraction of each training fold out for early stopping. */
static void test_cv(void **state)
{
    (void)state;
    run_result *r = run("cv", "gbdt", "--num-trees", "100", WDBC, "--valid-fraction", "0.2", "--early-stopping-rounds",
                        "5", "--metric", "pr-auc", "--num-trees", "200", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "\nROC-AUC ");
    free(r);
    r = run("cv", "gbdt", "--help", NULL);
    assert_contains(r->out, "--valid-fraction F");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_fraction_early_stopping),
        cmocka_unit_test(test_valid_file),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_wide_bins),
        cmocka_unit_test(test_cv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
