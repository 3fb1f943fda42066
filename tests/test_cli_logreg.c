/* stratum train logreg's statistics and lambda path as a user meets them: the Wald
 * columns in every format, the 30-largest cut in text output, and --lambda-path to
 * stdout and to a file. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct run_result {
    int exit_code;
    char out[262144];
    char err[8192];
} run_result;

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

/* Runs the CLI with the given arguments (NULL-terminated), capturing stdout and stderr. */
static run_result *run(const char *first, ...)
{
    const char *argv[32];
    int argc = 0;
    argv[argc++] = STRATUM_CLI;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    char out_path[] = "/tmp/stratum_lr_out_XXXXXX", err_path[] = "/tmp/stratum_lr_err_XXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    assert_true(out_fd >= 0 && err_fd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(out_fd);
    close(err_fd);
    run_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    slurp(out_path, r->out, sizeof r->out);
    slurp(err_path, r->err, sizeof r->err);
    unlink(out_path);
    unlink(err_path);
    return r;
}

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
    run_result *r = run("train", "logreg", "-q", WDBC, "--ignore", "id", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "p_value"));
    assert_non_null(strstr(r->out, "odds_ratio"));
    size_t width = (size_t)(strchr(r->out, '\n') - r->out);
    for (const char *line = r->out; *line; line = strchr(line, '\n') + 1)
        assert_int_equal((size_t)(strchr(line, '\n') - line), width);
    assert_int_equal(count_lines(r->out), 32); /* header, intercept, 30 coefficients */
    free(r);
    r = run("train", "logreg", "-q", "--format", "csv", WDBC, "--ignore", "id", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "name,coefficient,se,z,p_value,ci_low,ci_high,odds_ratio,"
                               "or_low,or_high\n(intercept),"));
    free(r);
    r = run("train", "logreg", "-q", "--format", "json", WDBC, "--ignore", "id", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"intercept_stats\": {"));
    assert_non_null(strstr(r->out, "\"or_high\": "));
    free(r);
    r = run("train", "logreg", "-q", WDBC, "--ignore", "id", "-o", model, "--alpha", "1",
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
    run_result *r = run("train", "logreg", "-q", data, "-o", model, "--lambda", "0.1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(count_lines(r->out), 33); /* header, intercept, 30, the note */
    assert_non_null(strstr(r->out, "(10 more coefficients with smaller |value| not shown"));
    free(r);
    r = run("train", "logreg", "-q", "--all", data, "-o", model, "--lambda", "0.1", NULL);
    assert_int_equal(count_lines(r->out), 42);
    free(r);
    r = run("train", "logreg", "-q", "--format", "csv", data, "-o", model, "--lambda", "0.1",
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
    run_result *r = run("train", "logreg", WDBC, "--ignore", "id", "--lambda-path",
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
    r = run("train", "logreg", "-q", WDBC, "--ignore", "id", "--lambda-path", "-o", out,
            "--lambda-min-ratio", "0.01", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->out, "");
    slurp(out, r->out, sizeof r->out);
    assert_int_equal(count_lines(r->out), 101);
    assert_int_equal(strncmp(r->out, "lambda,df,dev_ratio,(intercept),\"radius_mean\",", 46), 0);
    free(r);
    unlink(out);
    r = run("train", "logreg", WDBC, "--lambda-path", "--n-lambda", "0", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("train", "logreg", WDBC, "--lambda-path", "--lambda-min-ratio", "1.5", NULL);
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
