/* The stratum program as a user meets it: exit codes (0 ok, 1 failed, 2 usage), one clear
 * line on stderr for each failure, and output on stdout. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#include <sys/stat.h>

#define CLI_DATA STRATUM_TEST_DATA "/cli"

/* No command: usage on stderr, exit 2. */
static void test_no_command_is_usage_error(void **state)
{
    run_result *r = run(NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "Usage: stratum COMMAND"));
    free(r);
}

/* --help lists the commands on stdout and exits 0. */
static void test_help_lists_commands(void **state)
{
    run_result *r = run("--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "info"));
    assert_non_null(strstr(r->out, "Exit codes"));
    free(r);
}

/* --version prints the library version. */
static void test_version(void **state)
{
    run_result *r = run("--version", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->out, "stratum 0.1.0\n");
    free(r);
}

/* An unknown command is a usage error naming it. */
static void test_unknown_command(void **state)
{
    run_result *r = run("trian", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown command 'trian'");
    free(r);
}

/* info --help documents the command and the common options, with defaults. */
static void test_info_help(void **state)
{
    run_result *r = run("info", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "Usage: stratum info DATA"));
    assert_non_null(strstr(r->out, "--label COL"));
    assert_non_null(strstr(r->out, "(default: label)"));
    free(r);
}

/* Wrong argument counts and bad option values are usage errors (exit 2). */
static void test_info_usage_errors(void **state)
{
    run_result *r = run("info", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected one DATA file");
    free(r);
    r = run("info", CLI_DATA "/small.csv", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("info", "--format", "xml", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--format 'xml': expected text, json, csv or markdown");
    free(r);
    r = run("info", "--threads", "-1", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--threads '-1'");
    free(r);
    r = run("info", "--no-such-option", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
}

/* A missing file fails with exit 1 and the operating system's reason. */
static void test_info_missing_file(void **state)
{
    run_result *r = run("info", "/nonexistent/x.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/x.csv: cannot open: No such file or directory");
    free(r);
}

/* A ragged row fails with exit 1, naming file, line and column. */
static void test_info_ragged_file(void **state)
{
    run_result *r = run("info", CLI_DATA "/ragged.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "ragged.csv:3:5: found 2 fields; expected 3, as in the header");
    free(r);
}

/* Asking for a label column that is not there fails and lists the columns. */
static void test_info_unknown_label(void **state)
{
    run_result *r = run("info", "--label", "outcome", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "no column named 'outcome'");
    assert_non_null(strstr(r->err, "age, sex, bp, label"));
    free(r);
}

/* The text summary states rows, classes, types and missing counts. */
static void test_info_text_summary(void **state)
{
    run_result *r = run("info", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_non_null(strstr(r->out, "rows      5\n"));
    assert_non_null(strstr(r->out, "features  3 (2 numeric, 1 categorical)"));
    assert_non_null(strstr(r->out, "2 positive ('1'), 3 negative ('0'); positive rate 40.00%"));
    assert_non_null(strstr(r->out, "2: F (3), M (2)"));
    free(r);
}

/* JSON output is machine-readable and carries the same facts. */
static void test_info_json(void **state)
{
    run_result *r = run("info", "--format", "json", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(r->out[0], '{');
    assert_non_null(strstr(r->out, "\"rows\": 5,"));
    assert_non_null(strstr(r->out, "\"n_positive\": 2, \"n_negative\": 3"));
    assert_non_null(strstr(r->out, "{\"name\": \"bp\", \"type\": \"numeric\", \"missing\": 2,"));
    assert_non_null(strstr(r->out, "\"levels\": [{\"value\": \"F\", \"count\": 3}, "
                                   "{\"value\": \"M\", \"count\": 2}]"));
    free(r);
}

/* --ignore and --positive change what is read. */
static void test_info_ignore_and_positive(void **state)
{
    run_result *r = run("info", "--ignore", "sex,bp", "--format", "csv", CLI_DATA "/small.csv",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "sex"));
    assert_non_null(strstr(r->out, "age,numeric,0,0,38,53.4,70,"));
    free(r);
    r = run("info", "--positive", "0", "--format", "json", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"n_positive\": 3, \"n_negative\": 2"));
    free(r);
}

/* A scratch directory for model and prediction files, made once per run. */
static const char *scratch(void)
{
    static char dir[] = "/tmp/stratum_cli_models_XXXXXX";
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

/* train --help and predict --help list every option with its default. */
static void test_train_predict_help(void **state)
{
    run_result *r = run("train", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const train_opts[] = {"-o, --output MODEL", "--lambda L", "(default: chosen by an inner 5-fold", "--lambda-rule R",
        "--alpha A", "--class-weight W", "--no-standardize", "--impute M", "(default: mean)",
        "--missing-indicators", "--max-iter N", "(default: 100)", "--tol T", "(default: 1e-08)",
        "--label COL"};
    for (size_t i = 0; i < sizeof train_opts / sizeof train_opts[0]; i++)
        if (strstr(r->out, train_opts[i]) == NULL)
            fail_msg("train --help lacks '%s'", train_opts[i]);
    free(r);
    r = run("predict", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "Usage: stratum predict MODEL DATA"));
    assert_non_null(strstr(r->out, "-o, --output OUT"));
    assert_non_null(strstr(r->out, "(default, or '-': standard output"));
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "train"));
    assert_non_null(strstr(r->out, "predict"));
    free(r);
}

/* Training on small.csv succeeds, summarises on stderr and tabulates on stdout; predict
 * then writes a header and one probability in (0, 1) per row, to stdout or a file. */
static void test_train_then_predict(void **state)
{
    char model[512], out[512];
    scratch_path(model, sizeof model, "small.model");
    scratch_path(out, sizeof out, "p.csv");
    run_result *r = run("train", "logreg", "--lambda", "1e-4", CLI_DATA "/small.csv", "-o", model, "--lambda", "0.1",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "trained logreg on 5 rows (2 positive)"));
    assert_non_null(strstr(r->err, "converged yes"));
    assert_non_null(strstr(r->out, "(intercept)"));
    assert_non_null(strstr(r->out, "sex=F"));
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "--quiet", "--format", "csv", CLI_DATA "/small.csv", "-o", model,
            "--lambda", "0.1", "--class-weight", "balanced", "--impute", "median",
            "--missing-indicators", "--alpha", "0.5", "--max-iter", "50", "--tol", "1e-6", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_non_null(strstr(r->out, "name,coefficient\n(intercept),"));
    assert_non_null(strstr(r->out, "\"bp_missing\","));
    free(r);

    for (int to_file = 0; to_file < 2; to_file++) {
        r = to_file ? run("predict", model, CLI_DATA "/small.csv", "-o", out, NULL)
                    : run("predict", model, CLI_DATA "/small.csv", NULL);
        assert_int_equal(r->exit_code, 0);
        if (to_file) {
            assert_string_equal(r->out, "");
            slurp(out, r->out, sizeof r->out);
        }
        assert_int_equal(strncmp(r->out, "p\n", 2), 0);
        int lines = 0;
        for (char *line = r->out + 2; *line != '\0'; lines++) {
            char *end;
            double p = strtod(line, &end);
            assert_true(p > 0 && p < 1);
            assert_int_equal(*end, '\n');
            line = end + 1;
        }
        assert_int_equal(lines, 5);
        free(r);
    }
    unlink(out);
    unlink(model);
}

/* Data without the label column can still be scored. */
static void test_predict_unlabelled(void **state)
{
    char model[512], data[512];
    scratch_path(model, sizeof model, "u.model");
    scratch_path(data, sizeof data, "unlabelled.csv");
    FILE *f = fopen(data, "w");
    assert_non_null(f);
    fputs("bp,sex,age\n120,F,40\n,M,\n", f);
    fclose(f);
    run_result *r = run("train", "logreg", "--lambda", "1e-4", "-q", CLI_DATA "/small.csv", "-o", model, "--lambda",
                        "0.1", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("predict", model, data, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "p\n", 2), 0);
    free(r);
    unlink(data);
    unlink(model);
}

/* Bad option values and arguments are usage errors (2); an unknown model kind too. */
static void test_train_usage_errors(void **state)
{
    char model[512];
    scratch_path(model, sizeof model, "never.model");
    static const char *const bad[][2] = {
        {"--lambda", "-1"}, {"--lambda", "abc"}, {"--alpha", "1.5"}, {"--class-weight", "heavy"},
        {"--class-weight", "0"}, {"--impute", "mode"}, {"--max-iter", "0"}, {"--tol", "0"},
        {"--format", "xml"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_result *r = run("train", "logreg", "--lambda", "1e-4", CLI_DATA "/small.csv", "-o", model, bad[i][0],
                            bad[i][1], NULL);
        if (r->exit_code != 2)
            fail_msg("%s %s: exit %d, expected 2", bad[i][0], bad[i][1], r->exit_code);
        assert_one_error_line(r, bad[i][0]);
        free(r);
    }
    run_result *r = run("train", "logreg", "--lambda", "1e-4", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "-o MODEL is required");
    free(r);
    r = run("train", "forest", CLI_DATA "/small.csv", "-o", model, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown model kind 'forest': expected logreg or gbdt");
    free(r);
    r = run("train", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("predict", model, NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    assert_int_equal(access(model, F_OK), -1);
}

/* Missing files fail (1); so does writing over an input, which stays untouched. */
static void test_train_predict_failures(void **state)
{
    char model[512], copy[512];
    scratch_path(model, sizeof model, "f.model");
    scratch_path(copy, sizeof copy, "copy.csv");
    run_result *r = run("train", "logreg", "--lambda", "1e-4", "/nonexistent/x.csv", "-o", model, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/x.csv");
    free(r);
    r = run("predict", "/nonexistent/m.model", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/m.model");
    free(r);

    char original[4096], now[4096];
    slurp(CLI_DATA "/small.csv", original, sizeof original);
    FILE *f = fopen(copy, "w");
    assert_non_null(f);
    fputs(original, f);
    fclose(f);
    r = run("train", "logreg", "--lambda", "1e-4", copy, "-o", copy, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", "-q", copy, "-o", model, "--lambda", "0.1", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("predict", model, copy, "-o", copy, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    r = run("predict", model, copy, "-o", model, NULL);
    assert_int_equal(r->exit_code, 1);
    free(r);
    slurp(copy, now, sizeof now);
    assert_string_equal(now, original);
    r = run("predict", CLI_DATA "/small.csv", copy, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "not a model file: expected 'stratum-model 1 logreg' or "
                             "'stratum-model 1 gbdt'");
    free(r);
    unlink(copy);
    unlink(model);
    rmdir(scratch());
}

static int same_bytes(const char *a, const char *b)
{
    static char ta[65536], tb[65536];
    slurp(a, ta, sizeof ta);
    slurp(b, tb, sizeof tb);
    return ta[0] != '\0' && strcmp(ta, tb) == 0;
}

/* -o through a symbolic link replaces the file it names and keeps the link; -o FIFO
 * writes the model into the FIFO (a reader gets it whole) and leaves the FIFO a FIFO,
 * never a regular file; a link to the input is still the input and is refused. The
 * model trained to a plain file is the reference (training is deterministic). */
static void test_output_link_and_fifo(void **state)
{
    (void)state;
    char plain[512], target[512], link[512], fifo[512], got[512], copy[512], in_link[512];
    scratch_path(plain, sizeof plain, "plain.model");
    scratch_path(target, sizeof target, "v3.model");
    scratch_path(link, sizeof link, "current.model");
    scratch_path(fifo, sizeof fifo, "model.fifo");
    scratch_path(got, sizeof got, "from_fifo.model");
    scratch_path(copy, sizeof copy, "data.csv");
    scratch_path(in_link, sizeof in_link, "data_link.csv");
#define TRAIN(OUT) run("train", "gbdt", "--num-trees", "100", CLI_DATA "/small.csv", "--num-trees", "3", \
                       "--min-data-in-leaf", "2", "-q", "-o", OUT, NULL)
    run_result *r = TRAIN(plain);
    assert_int_equal(r->exit_code, 0);
    free(r);

    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fputs("old model\n", f);
    fclose(f);
    assert_int_equal(symlink("v3.model", link), 0);
    r = TRAIN(link);
    assert_int_equal(r->exit_code, 0);
    free(r);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_true(same_bytes(target, plain));

    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t reader = fifo_reader_start(fifo, got);
    r = TRAIN(fifo);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_true(fifo_reader_done(reader));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_true(same_bytes(got, plain));

    char original[4096], now[4096];
    slurp(CLI_DATA "/small.csv", original, sizeof original);
    f = fopen(copy, "w");
    assert_non_null(f);
    fputs(original, f);
    fclose(f);
    assert_int_equal(symlink("data.csv", in_link), 0);
    r = run("train", "gbdt", "--num-trees", "100", copy, "-q", "-o", in_link, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    slurp(copy, now, sizeof now);
    assert_string_equal(now, original);
    assert_int_equal(lstat(in_link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
#undef TRAIN
    const char *made[] = {plain, target, link, fifo, got, copy, in_link};
    for (size_t k = 0; k < sizeof made / sizeof made[0]; k++)
        unlink(made[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_command_is_usage_error),
        cmocka_unit_test(test_help_lists_commands),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_unknown_command),
        cmocka_unit_test(test_info_help),
        cmocka_unit_test(test_info_usage_errors),
        cmocka_unit_test(test_info_missing_file),
        cmocka_unit_test(test_info_ragged_file),
        cmocka_unit_test(test_info_unknown_label),
        cmocka_unit_test(test_info_text_summary),
        cmocka_unit_test(test_info_json),
        cmocka_unit_test(test_info_ignore_and_positive),
        cmocka_unit_test(test_train_predict_help),
        cmocka_unit_test(test_train_then_predict),
        cmocka_unit_test(test_predict_unlabelled),
        cmocka_unit_test(test_train_usage_errors),
        cmocka_unit_test(test_output_link_and_fifo),
        cmocka_unit_test(test_train_predict_failures), /* last: removes the scratch directory */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
