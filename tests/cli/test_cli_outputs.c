/* What the CLI refuses to write, before any work (tools/cli_files.c, cli_check_files):
 *   - an output that is any input: DATA, MODEL, --weight-file, --valid, --bins-from,
 *     compare's --model, drift's REFERENCE and NEW, evaluate's --scores; the input is left
 *     byte for byte as it was;
 *   - two outputs that are one file (also when spelt differently: ./name), which would
 *     leave only the second;
 *   - an output in a missing directory, or one that is a directory: refused up front, so
 *     the other outputs of the run are not written either;
 *   - an output to /dev/stdout on a pipe is written (it links to no path). */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include <sys/wait.h>
#include "test_util.h"

#define WDBC STRATUM_DATASETS "/wdbc.csv"

static char dir[] = "/tmp/stratum_cli_outputs_XXXXXX";
static char data[600], weights[600], model[600], bins[600], out[600], out2[600];

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    path_in(data, sizeof data, "data.csv");
    path_in(weights, sizeof weights, "w.txt");
    path_in(model, sizeof model, "m.model");
    path_in(bins, sizeof bins, "b.stb");
    path_in(out, sizeof out, "out.csv");
    path_in(out2, sizeof out2, "out2.csv");
    FILE *f = fopen(data, "w"), *w = fopen(weights, "w");
    if (f == NULL || w == NULL)
        return -1;
    fprintf(f, "x1,x2,label\n");
    for (int i = 0; i < 120; i++) {
        fprintf(f, "%d,%d,%d\n", i % 17, (i * 7) % 11, (i % 5 == 0) ^ (i % 17 > 12));
        fprintf(w, "1\n");
    }
    fclose(f);
    fclose(w);
    run_result *r = run("train", "logreg", data, "--lambda", "0.1", "-o", model, "-q", NULL);
    const int ok = r->exit_code == 0;
    free(r);
    r = run("bin", data, "-o", bins, "-q", NULL);
    const int ok2 = r->exit_code == 0;
    free(r);
    return ok && ok2 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    remove(data), remove(weights), remove(model), remove(bins), remove(out), remove(out2);
    rmdir(dir);
    return 0;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* Runs a command that must be refused with `words` in its one line, leaving `input` as it
 * was and `absent` (if given) not created. */
static void refused(const char *words, const char *input, const char *absent,
                    const char *const *argv)
{
    char before[16384], after[16384];
    slurp(input, before, sizeof before);
    run_result *r = run(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
                        argv[8], argv[9], argv[10], argv[11], NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, words);
    free(r);
    slurp(input, after, sizeof after);
    assert_string_equal(before, after);
    if (absent != NULL)
        assert_false(exists(absent));
}

#define REFUSED(words, input, absent, ...) \
    refused(words, input, absent, (const char *const[]){__VA_ARGS__, NULL, NULL, NULL, NULL, \
                                                        NULL, NULL, NULL, NULL, NULL, NULL,  \
                                                        NULL, NULL})

static void test_output_over_an_input(void **state)
{
    (void)state;
    REFUSED("is an input file (--weight-file", weights, NULL, "train", "logreg", data,
            "--lambda", "0.1", "--weight-file", weights, "-o", weights);
    REFUSED("is an input file (--weight-file", weights, NULL, "cv", "logreg", data,
            "--lambda", "0.1", "--weight-file", weights, "--oof", weights);
    REFUSED("is an input file (--weight-file", weights, NULL, "predict", model, data,
            "--weight-file", weights, "-o", weights);
    REFUSED("is an input file (--weight-file", weights, NULL, "evaluate", model, data,
            "--weight-file", weights, "--roc-curve", weights);
    REFUSED("is an input file (--valid", data, NULL, "train", "gbdt", WDBC, "--ignore", "id",
            "--valid", data, "-o", data);
    REFUSED("is an input file (--bins-from", bins, NULL, "train", "gbdt", data, "--bins-from",
            bins, "--num-trees", "3", "-o", bins);
    /* tune's table without -o: the first output not given must not end the check */
    REFUSED("is an input file (DATA", data, NULL, "tune", "logreg", data, "--trials", "2",
            "--table", data);
    REFUSED("is an input file (--model", model, NULL, "compare", data, "--model", model,
            "--report", model);
    REFUSED("is an input file (NEW", data, NULL, "drift", WDBC, data, "--report", data);
    REFUSED("is an input file (--scores", data, NULL, "evaluate", "--scores", data,
            "--score-col", "x1", "--pr-curve", data);
}

static void test_two_outputs_one_file(void **state)
{
    (void)state;
    char dotted[620];
    snprintf(dotted, sizeof dotted, "%s/./out.csv", dir);
    REFUSED("are the same file", data, out, "cv", "logreg", data, "--lambda", "0.1", "--oof",
            out, "--report", dotted);
    REFUSED("are the same file", data, out, "evaluate", model, data, "--roc-curve", out,
            "--pr-curve", out);
    REFUSED("are the same file", data, out, "tune", "logreg", data, "--trials", "2", "-o", out,
            "--table", out);
    REFUSED("are the same file", data, out, "train", "logreg", data, "--recalibrate", "platt",
            "-o", out, "--oof", out);
}

static void test_unwritable_output_writes_nothing(void **state)
{
    (void)state;
    /* the first output could be written, the second cannot: neither is */
    REFUSED("directory /nonexistent_stratum_dir does not exist", data, out, "cv", "logreg",
            data, "--lambda", "0.1", "--oof", out, "--report", "/nonexistent_stratum_dir/r.html");
    REFUSED("is a directory", data, out, "evaluate", model, data, "--roc-curve", out,
            "--pr-curve", dir);
    REFUSED("cannot be written", data, NULL, "predict", model, data, "-o",
            "/nonexistent_stratum_dir/p.csv");
    /* the same outputs, all writable: written */
    run_result *r = run("evaluate", model, data, "--roc-curve", out, "--pr-curve", out2, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_true(exists(out) && exists(out2));
    /* a device is written through, never replaced: two outputs may share /dev/null */
    r = run("evaluate", model, data, "--roc-curve", "/dev/null", "--pr-curve", "/dev/null",
            NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
}

/* Output of `stratum ARGS` run with its standard output a pipe, into buf; returns the exit
 * code. */
static int through_pipe(const char *args, char *buf, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", STRATUM_CLI, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(buf, 1, size - 1, p);
    buf[n] = '\0';
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* /dev/stdout on a pipe links to "pipe:[N]", which has no path to resolve: every way of
 * writing an output (the library's atomic write, the CLI's streamed tables) opens it
 * through its own name, as a device is. */
static void test_output_to_a_pipe(void **state)
{
    (void)state;
    char args[1400], got[1 << 14];
    snprintf(args, sizeof args, "predict %s %s -o /dev/stdout", model, data);
    assert_int_equal(through_pipe(args, got, sizeof got), 0);
    assert_int_equal(strncmp(got, "p\n", 2), 0);
    snprintf(args, sizeof args, "predict --contrib %s %s -o /dev/stdout", model, data);
    assert_int_equal(through_pipe(args, got, sizeof got), 0);
    assert_int_equal(strncmp(got, "p,contrib_x1,contrib_x2", 23), 0);
    snprintf(args, sizeof args, "train logreg %s --lambda 0.1 -q -o /dev/stdout", data);
    assert_int_equal(through_pipe(args, got, sizeof got), 0);
    assert_int_equal(strncmp(got, "stratum-model 1 logreg\n", 23), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_over_an_input),
        cmocka_unit_test(test_two_outputs_one_file),
        cmocka_unit_test(test_unwritable_output_writes_nothing),
        cmocka_unit_test(test_output_to_a_pipe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
