/* stratum tune as a user meets it: --help; bad options fail with exit 2 and one line naming
 * them; the best of a search scored on cv's folds is what `stratum cv` prints for its
 * parameters (read back from --table at 17 digits); the table and model are the same
 * bytes on 1 and 2 threads; a time budget stops a long search early and still writes the
 * model, and one spent inside the first candidate fails in one line; --group-col folds; --monotone holds for the search (its score is cv's with the
 * constraints) and the model; --brackets K is reported and repeatable; bad options
 * (--resource trees without --num-trees, --text-col) fail. The library's halving, nested estimate and groups are checked
 * in tests/fit/test_tune.c. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

static char scratch_dir[] = "/tmp/stratum_cli_tune_XXXXXX";

static int make_scratch(void **state)
{
    return mkdtemp(scratch_dir) == NULL ? -1 : 0;
}

static int remove_scratch(void **state)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *scratch(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch_dir, name);
    return buf;
}

/* A file's text in a new buffer (up to 1 MB). */
static char *read_all(const char *path)
{
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    slurp(path, buf, 1 << 20);
    return buf;
}

static const char *dataset(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", STRATUM_DATASETS, name);
    return buf;
}

static void help(void **state)
{
    run_result *r = run("tune", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "Usage: stratum tune logreg|gbdt DATA"));
    assert_non_null(strstr(r->out, "successive halving"));
    assert_non_null(strstr(r->out, "With --time-budget they do not"));
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "  tune "));
    free(r);
}

static void usage_error(const char *message, const char *a, const char *b, const char *c,
                        const char *d)
{
    char data[600];
    dataset(data, sizeof data, "hepatitis.csv");
    run_result *r = run("tune", a, data, b, c, d, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, message);
    free(r);
}

static void bad_options(void **state)
{
    usage_error("stratum tune: --metric 'auc': expected roc_auc, pr_auc, log_loss or brier",
                "logreg", "--metric", "auc", NULL);
    usage_error("stratum tune: --trials '0': expected a whole number from 1 to 100000",
                "logreg", "--trials", "0", NULL);
    usage_error("stratum tune: --time-budget '-1': expected a number of seconds > 0",
                "gbdt", "--time-budget", "-1", NULL);
    usage_error("stratum tune: --nested '1': expected a whole number from 2 to 1000",
                "gbdt", "--nested", "1", NULL);
    usage_error("stratum tune: --num-leaves '1': expected a whole number from 2 to 131072",
                "gbdt", "--num-leaves", "1", NULL);
    usage_error("stratum tune: --alpha '2': expected a number in [0, 1]", "logreg", "--alpha",
                "2", NULL);
    usage_error("stratum tune: unknown model kind 'svm': expected logreg or gbdt", "svm", NULL,
                NULL, NULL);
    usage_error("stratum tune: unknown option '--num-leaves'", "logreg", "--num-leaves", "4",
                NULL);
    usage_error("stratum tune: --text-col: text columns are not tuned yet", "logreg",
                "--text-col", "AGE", NULL);
    usage_error("stratum tune: --resource 'folds': expected rows or trees", "gbdt",
                "--resource", "folds", NULL);
    usage_error("stratum tune: --resource trees: expected 'tune gbdt' with --num-trees N",
                "gbdt", "--resource", "trees", NULL);
    usage_error("stratum tune: --brackets '0': expected a whole number from 1 to 10000",
                "logreg", "--brackets", "0", NULL);
    usage_error("stratum tune: --monotone 'NOPE:+1': no feature named 'NOPE'", "gbdt",
                "--monotone", "NOPE:+1", NULL);
    /* every searched parameter fixed: identical candidates, refused */
    char data[600];
    dataset(data, sizeof data, "hepatitis.csv");
    run_result *r = run("tune", "logreg", data, "--lambda", "0.1", "--alpha", "0.5",
                        "--class-weight", "none", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "stratum tune: every parameter of the space is fixed by an "
                             "option: nothing to search; 'stratum cv logreg' estimates that "
                             "one setting");
    free(r);
    r = run("tune", "logreg", data, "--lambda", "0.1", "--alpha", "0.5", "--trials", "2",
            "-q", NULL); /* one left free: searched */
    assert_int_equal(r->exit_code, 0);
    free(r);
}

/* Field `col` (0-based) of the line of `text` that starts with `start`, as a string. */
static void field(const char *text, const char *start, int col, char *out, size_t size)
{
    const char *line = text;
    while (line != NULL && strncmp(line, start, strlen(start)) != 0)
        line = (line = strchr(line, '\n')) != NULL ? line + 1 : NULL;
    assert_non_null(line);
    for (int i = 0; i < col; i++) {
        line = strchr(line, ',');
        assert_non_null(line);
        line++;
    }
    size_t n = strcspn(line, ",\n");
    assert_true(n < size);
    memcpy(out, line, n);
    out[n] = '\0';
}

/* Two candidates (one rung, all rows): the second's ROC-AUC (the first is the defaults) is
 * stratum cv's with its parameters. */
static void best_is_what_cv_prints(void **state)
{
    char data[600], table[600], lambda[64], alpha[64], weight[32], auc[64], cv_auc[64];
    dataset(data, sizeof data, "hepatitis.csv");
    scratch(table, sizeof table, "one.csv");
    run_result *r = run("tune", "logreg", data, "--trials", "2", "--table", table, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *text = read_all(table);
    field(text, "2,1,155,", 3, auc, sizeof auc);
    field(text, "2,1,155,", 12, lambda, sizeof lambda);
    field(text, "2,1,155,", 13, alpha, sizeof alpha);
    field(text, "2,1,155,", 14, weight, sizeof weight);
    free(text);
    r = run("cv", "logreg", data, "--lambda", lambda, "--alpha", alpha, "--class-weight", weight,
            "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    field(r->out, "roc_auc,", 1, cv_auc, sizeof cv_auc);
    assert_string_equal(auc, cv_auc);
    free(r);
}

static void same_bytes_on_one_and_two_threads(void **state)
{
    char data[600], t1[600], t2[600], m1[600], m2[600];
    dataset(data, sizeof data, "hepatitis.csv");
    scratch(t1, sizeof t1, "t1.csv"), scratch(t2, sizeof t2, "t2.csv");
    scratch(m1, sizeof m1, "m1.model"), scratch(m2, sizeof m2, "m2.model");
    run_result *a = run("tune", "gbdt", data, "--trials", "4", "--num-trees", "20", "--threads",
                        "1", "--table", t1, "-o", m1, NULL);
    run_result *b = run("tune", "gbdt", data, "--trials", "4", "--num-trees", "20", "--threads",
                        "2", "--table", t2, "-o", m2, NULL);
    assert_int_equal(a->exit_code, 0);
    assert_int_equal(b->exit_code, 0);
    char *ea = strstr(a->out, "Model written to "), *eb = strstr(b->out, "Model written to ");
    assert_non_null(ea);
    assert_non_null(eb);
    *ea = *eb = '\0'; /* the paths differ */
    assert_string_equal(a->out, b->out);
    assert_non_null(strstr(a->out, "defaults: ROC-AUC "));
    free(a), free(b);
    char *x = read_all(t1), *y = read_all(t2);
    assert_string_equal(x, y);
    assert_non_null(strstr(x, "candidate,rung,rows,roc_auc_mean,"));
    /* no budget here: every entry was scored to its end (stopped = 0) */
    assert_non_null(strstr(x, ",brier,promoted,stopped,num_leaves,"));
    assert_null(strstr(x, ",nan,"));
    free(x), free(y);
    x = read_all(m1), y = read_all(m2);
    assert_string_equal(x, y);
    assert_non_null(strstr(x, "stratum-model 1 gbdt"));
    free(x), free(y);
}

static void budget_stops_early_and_writes_the_model(void **state)
{
    char data[600], model[600];
    dataset(data, sizeof data, "wdbc.csv");
    scratch(model, sizeof model, "budget.model");
    run_result *r = run("tune", "gbdt", data, "--ignore", "id", "--trials", "243",
                        "--time-budget", "2", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "tune: time budget of 2 s spent in rung 1"));
    assert_non_null(strstr(r->out, "(time budget spent)"));
    assert_non_null(strstr(r->out, "Model written to "));
    free(r);
    char *text = read_all(model);
    assert_non_null(strstr(text, "stratum-model 1 gbdt"));
    free(text);
}

/* A budget spent before the first candidate finished (a million trees a fit): no model,
 * one line naming what was stopped, exit 1, soon after the budget (a fit that went on
 * would run for minutes: the test's timeout). */
static void budget_too_small_fails_clearly(void **state)
{
    char data[600], model[600];
    dataset(data, sizeof data, "wdbc.csv");
    scratch(model, sizeof model, "never.model");
    run_result *r = run("tune", "gbdt", data, "--ignore", "id", "--num-trees", "1000000",
                        "--time-budget", "0.5", "-q", "-o", model, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_string_equal(r->err, "stratum: tune: the time budget of 0.5 s was spent before "
                        "any candidate finished its cross-validation (candidate 1 on 55 rows "
                        "was stopped); give a larger budget\n");
    assert_string_equal(r->out, "");
    free(r);
    assert_int_equal(access(model, F_OK), -1);
}

static void group_col(void **state)
{
    char data[600];
    dataset(data, sizeof data, "hepatitis.csv");
    run_result *r = run("tune", "logreg", data, "--group-col", "AGE", "--trials", "3", "-q",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "5 folds (stratified, grouped by AGE), ROC-AUC;"));
    free(r);
}

/* --monotone: every candidate keeps the constraints, so a search of the defaults alone
 * scores what stratum cv gbdt prints with them (and not without), and the model keeps them. */
static void monotone_is_kept(void **state)
{
    char data[600], model[600], auc[64], cv_auc[64], free_auc[64];
    dataset(data, sizeof data, "hepatitis.csv");
    scratch(model, sizeof model, "monotone.model");
    run_result *r = run("tune", "gbdt", data, "--trials", "1", "--num-trees", "30",
                        "--monotone", "BILIRUBIN:-1,ALBUMIN:+1", "-q", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    const char *best = strstr(r->out, "\nBest: candidate 1:");
    assert_non_null(best);
    assert_int_equal(sscanf(strstr(best, "  ROC-AUC ") + 10, "%63s", auc), 1);
    free(r);
    r = run("cv", "gbdt", data, "--num-trees", "30", "--monotone", "BILIRUBIN:-1,ALBUMIN:+1",
            "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    field(r->out, "roc_auc,", 1, cv_auc, sizeof cv_auc);
    free(r);
    r = run("cv", "gbdt", data, "--num-trees", "30", "--format", "csv", "-q", NULL);
    field(r->out, "roc_auc,", 1, free_auc, sizeof free_auc);
    free(r);
    /* cv's csv has 17 digits, the report 4 */
    char rounded[64];
    snprintf(rounded, sizeof rounded, "%.4f", strtod(cv_auc, NULL));
    assert_string_equal(auc, rounded);
    snprintf(rounded, sizeof rounded, "%.4f", strtod(free_auc, NULL));
    assert_string_not_equal(auc, rounded);
    char *text = read_all(model);
    assert_non_null(strstr(text, "\nmonotone 13:-1 16:+1"));
    free(text);
}

/* --brackets K: K searches of --trials candidates, the report says so, and the same
 * options give the same bytes again (no clock involved). */
static void brackets(void **state)
{
    char data[600];
    dataset(data, sizeof data, "hepatitis.csv");
    run_result *a = run("tune", "logreg", data, "--trials", "3", "--brackets", "2", "--lambda",
                        "0.05", NULL);
    run_result *b = run("tune", "logreg", data, "--trials", "3", "--brackets", "2", "--lambda",
                        "0.05", "-q", NULL);
    assert_int_equal(a->exit_code, 0);
    assert_non_null(strstr(a->out, "; 3 candidates in each of 2 brackets, 2 of 2 rungs\n"));
    assert_non_null(strstr(a->err, "tune: bracket 2, rung 1 of 2: 3 candidates on "));
    assert_string_equal(a->out, b->out);
    free(a), free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help),
        cmocka_unit_test(bad_options),
        cmocka_unit_test(best_is_what_cv_prints),
        cmocka_unit_test(same_bytes_on_one_and_two_threads),
        cmocka_unit_test(budget_stops_early_and_writes_the_model),
        cmocka_unit_test(budget_too_small_fails_clearly),
        cmocka_unit_test(group_col),
        cmocka_unit_test(monotone_is_kept),
        cmocka_unit_test(brackets),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
