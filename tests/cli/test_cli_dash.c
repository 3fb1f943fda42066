/* "-" as a path (tools/cli_files.c, cli_data_path, cli_check_files; docs/data.md,
 * "Standard input and output"):
 *   - an output '-' is standard output where that output is what the command prints
 *     (predict -o, predict --contrib -o, train --lambda-path -o, stratum-gen -o): no file
 *     named '-' is created;
 *   - an output that is a file (a model, --oof, --report, --roc-curve, --pr-curve, tune's
 *     --table, bin -o) refuses '-' as a usage error, and ./- still names a file '-';
 *   - a data input '-' is standard input (info, train, predict, evaluate, --valid,
 *     --weight-file); a model '-' is refused; two inputs '-' (one pipe read twice), or an
 *     option that reads DATA twice from a pipe (predict --keep, evaluate --scores,
 *     explain --where), are usage errors. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[] = "/tmp/stratum_cli_dash_XXXXXX";
static char data[600], model[600], gbdt[600], dash[600];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(data, sizeof data, "%s/data.csv", dir);
    snprintf(model, sizeof model, "%s/m.model", dir);
    snprintf(gbdt, sizeof gbdt, "%s/g.model", dir);
    snprintf(dash, sizeof dash, "%s/-", dir);
    FILE *f = fopen(data, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "x1,x2,label\n");
    for (int i = 0; i < 120; i++)
        fprintf(f, "%d,%d,%d\n", i % 17, (i * 7) % 11, (i % 5 == 0) ^ (i % 17 > 12));
    fclose(f);
    run_result *r[2] = {
        run("train", "logreg", data, "--lambda", "0.1", "-o", model, "-q", NULL),
        run("train", "gbdt", data, "--num-trees", "3", "--threads", "1", "-o", gbdt, "-q",
            NULL)};
    return all_succeeded(r, 2) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    remove(data), remove(model), remove(gbdt), remove(dash);
    rmdir(dir);
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* `sh -c SCRIPT` in dir (STRATUM is the program, DATA the data file), stdout and stderr
 * into buf; returns the exit code. */
static int shell(const char *script, char *buf, size_t size)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && STRATUM='%s' DATA='%s' MODEL='%s' GBDT='%s'; %s 2>&1",
             dir, STRATUM_CLI, data, model, gbdt, script);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(buf, 1, size - 1, p);
    buf[n] = '\0';
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void expect(const char *script, int code, const char *starts, const char *contains)
{
    char got[1 << 15];
    const int rc = shell(script, got, sizeof got);
    if (rc != code)
        fail_msg("'%s' exited %d, not %d: %s", script, rc, code, got);
    if (starts != NULL && strncmp(got, starts, strlen(starts)) != 0)
        fail_msg("'%s' printed '%.300s', not starting '%s'", script, got, starts);
    if (contains != NULL && strstr(got, contains) == NULL)
        fail_msg("'%s' printed '%.300s', lacking '%s'", script, got, contains);
    if (exists(dash))
        fail_msg("'%s' created a file named '-'", script);
}

static void test_output_dash_is_stdout(void **state)
{
    (void)state;
    expect("$STRATUM predict $MODEL $DATA -o -", 0, "p\n0.", NULL);
    expect("$STRATUM predict $GBDT $DATA --output - | head -2", 0, "p\n0.", NULL);
    expect("$STRATUM predict --contrib $MODEL $DATA -o -", 0, "p,contrib_x1,contrib_x2", NULL);
    expect("$STRATUM train logreg $DATA --lambda-path --format csv -q -o -", 0,
           "lambda,df,dev_ratio", NULL);
    expect("$STRATUM-gen higgs --rows 2 -o - | wc -l", 0, "3", NULL);
}

static void test_file_outputs_refuse_dash(void **state)
{
    (void)state;
    const char *refused[] = {
        "$STRATUM train logreg $DATA --lambda 0.1 -q -o -",
        "$STRATUM train gbdt $DATA --num-trees 2 --threads 1 -q -o -",
        "$STRATUM train logreg $DATA --lambda 0.1 -q -o m2.model --recalibrate platt --oof -",
        "$STRATUM evaluate $MODEL $DATA --roc-curve -",
        "$STRATUM evaluate $MODEL $DATA --pr-curve -",
        "$STRATUM evaluate $MODEL $DATA --report -",
        "$STRATUM cv logreg $DATA --lambda 0.1 --oof -",
        "$STRATUM cv logreg $DATA --lambda 0.1 --report -",
        "$STRATUM explain $MODEL $DATA --report -",
        "$STRATUM drift $DATA $DATA --report -",
        "$STRATUM bin $DATA -o -",
        "$STRATUM tune logreg $DATA --trials 2 --table -",
    };
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++)
        expect(refused[k], 2, "stratum: ", " -: this output is written to a file");
    /* ./- is the file named '-' */
    char got[4096];
    assert_int_equal(shell("$STRATUM predict $MODEL $DATA -o ./- && head -1 ./-", got,
                           sizeof got), 0);
    assert_string_equal(got, "p\n");
    remove(dash);
}

static void test_data_dash_is_stdin(void **state)
{
    (void)state;
    expect("cat $DATA | $STRATUM info -", 0, "file      /dev/stdin\nrows      120\n", NULL);
    expect("cat $DATA | $STRATUM predict $MODEL - | wc -l", 0, "121", NULL);
    expect("cat $DATA | $STRATUM evaluate $MODEL - --format json", 0, "{", "\"rows\": 120");
    expect("cat $DATA | $STRATUM train logreg - --lambda 0.1 -q -o m3.model >/dev/null && "
           "head -c 22 m3.model && rm m3.model", 0, "stratum-model 1 logreg", NULL);
    expect("cat $DATA | $STRATUM train gbdt $DATA --valid - --num-trees 2 --threads 1 -q "
           "-o m4.model >/dev/null && rm m4.model", 0, NULL, NULL);
    expect("yes 1 | head -120 | $STRATUM info $DATA --weight-file - --format json", 0, "{",
           "\"weight\"");
}

static void test_stdin_read_once(void **state)
{
    (void)state;
    expect("cat $DATA | $STRATUM drift - -", 2, "stratum: ", "can be read only once");
    expect("cat $DATA | $STRATUM train gbdt - --valid - --num-trees 2 -q -o m5.model", 2,
           "stratum: ", "can be read only once");
    expect("cat $DATA | $STRATUM predict $MODEL - --keep label", 2, "stratum predict: ",
           "--keep reads");
    expect("$STRATUM predict $MODEL $DATA -o p.csv -q && cat p.csv | $STRATUM evaluate "
           "--scores - --score-col p --label-col label", 2, "stratum evaluate: ",
           "--scores reads");
    expect("cat $DATA | $STRATUM explain $MODEL - --where x1=3", 2, "stratum explain: ",
           "--where reads");
    /* a model is no data stream */
    expect("cat $MODEL | $STRATUM predict - $DATA", 2, "stratum: ",
           "MODEL -: only data is read from standard input");
    remove("p.csv");
    char p_csv[700];
    snprintf(p_csv, sizeof p_csv, "%s/p.csv", dir);
    remove(p_csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_dash_is_stdout),
        cmocka_unit_test(test_file_outputs_refuse_dash),
        cmocka_unit_test(test_data_dash_is_stdin),
        cmocka_unit_test(test_stdin_read_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
