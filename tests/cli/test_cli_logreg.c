/* stratum train logreg's statistics and lambda path as a user meets them: the Wald
 * columns in every format, the 30-largest cut in text output, and --lambda-path to
 * stdout and to a file. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE 262144 /* --lambda-path tables */
#include "cli_run.h"

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

#define WDBC STRATUM_DATASETS "/wdbc.csv"

/* A ridge fit shows se, z, p_value, intervals and odds ratios, in text (aligned: every
 * line as long as the header), CSV and JSON; a lasso fit shows values only. */
static void test_train_stats_columns(void **state)
{
    (void)state;
    char model[] = "/tmp/stratum_lr_model_XXXXXX";
    int fd = mkstemp(model);
    assert_true(fd >= 0);
    close(fd);
    run_result *r = run("train", "logreg", "--lambda", "1e-4", "-q", WDBC, "--ignore", "id", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "p_value"));
    assert_non_null(strstr(r->out, "odds_ratio"));
    /* the order line, then the table, every line of one width */
    const char *table = strchr(r->out, '\n') + 1;
    assert_int_equal(strncmp(r->out, "coefficients, largest |coefficient x training SD| first "
                                     "(the standardised scale; values on the original scale)\n",
                             table - r->out), 0);
    size_t width = (size_t)(strchr(table, '\n') - table);
    for (const char *line = table; *line; line = strchr(line, '\n') + 1)
        assert_int_equal((size_t)(strchr(line, '\n') - line), width);
    assert_int_equal(count_lines(r->out), 33); /* order, header, intercept, 30 coefficients */
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", "--format", "csv", WDBC, "--ignore", "id", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "name,coefficient,se,z,p_value,ci_low,ci_high,odds_ratio,"
                               "or_low,or_high\n(intercept),"));
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", "--format", "json", WDBC, "--ignore", "id", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"intercept_stats\": {"));
    assert_non_null(strstr(r->out, "\"or_high\": "));
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", WDBC, "--ignore", "id", "-o", model, "--alpha", "1",
            "--lambda", "0.01", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "p_value"));
    assert_string_equal(r->err, "");
    free(r);
    unlink(model);
}

/* More than 30 coefficients: text shows the 30 largest and says how many are left out;
 * --all and --format csv show every one. */
static void test_train_top_coefficients(void **state)
{
    (void)state;
    char data[] = "/tmp/stratum_lr_wide_XXXXXX", model[] = "/tmp/stratum_lr_wm_XXXXXX";
    int fd = mkstemp(data), fm = mkstemp(model);
    assert_true(fd >= 0 && fm >= 0);
    close(fm);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    for (int j = 0; j < 40; j++)
        fprintf(f, "x%d,", j);
    fprintf(f, "label\n");
    unsigned s = 1;
    for (int i = 0; i < 200; i++) {
        for (int j = 0; j < 40; j++) {
            s = s * 1103515245u + 12345u;
            fprintf(f, "%d,", (int)(s >> 16) % 100);
        }
        fprintf(f, "%d\n", i % 3 == 0);
    }
    fclose(f);
    run_result *r = run("train", "logreg", "--lambda", "1e-4", "-q", data, "-o", model, "--lambda", "0.1", NULL);
    assert_int_equal(r->exit_code, 0);
    /* the order line, header, intercept, 30, the note */
    assert_int_equal(count_lines(r->out), 34);
    assert_non_null(strstr(r->out, "\n(10 more coefficients, smaller on that scale, not shown; "
                                   "--all shows every one, as do --format csv and json)\n"));
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", "--all", data, "-o", model, "--lambda", "0.1", NULL);
    assert_int_equal(count_lines(r->out), 43);
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", "--format", "csv", data, "-o", model, "--lambda", "0.1",
            NULL);
    assert_int_equal(count_lines(r->out), 42);
    free(r);
    unlink(data);
    unlink(model);
}

/* --lambda-path: a table of n_lambda rows to stdout, or CSV written to -o, with lambda,
 * df, dev_ratio, intercept and each coefficient; -o is optional; bad values are usage
 * errors. */
static void test_train_lambda_path(void **state)
{
    (void)state;
    run_result *r = run("train", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--lambda-path",
                        "--n-lambda", "7", "--alpha", "1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(count_lines(r->out), 8);
    assert_non_null(strstr(r->out, "dev_ratio"));
    assert_non_null(strstr(r->err, "lambda path on 569 rows: 7 lambdas"));
    free(r);
    char out[] = "/tmp/stratum_lr_path_XXXXXX";
    int fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", WDBC, "--ignore", "id", "--lambda-path", "-o", out,
            "--lambda-min-ratio", "0.01", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->out, "");
    slurp(out, r->out, sizeof r->out);
    assert_int_equal(count_lines(r->out), 101);
    assert_int_equal(strncmp(r->out, "lambda,df,dev_ratio,(intercept),\"radius_mean\",", 46), 0);
    free(r);
    unlink(out);
    r = run("train", "logreg", "--lambda", "1e-4", WDBC, "--lambda-path", "--n-lambda", "0", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", WDBC, "--lambda-path", "--lambda-min-ratio", "1.5", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_stats_columns),
        cmocka_unit_test(test_train_top_coefficients),
        cmocka_unit_test(test_train_lambda_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
