/* --monotone as a user meets it in stratum train gbdt, cv gbdt and compare: the help
 * lists it; a constrained model file carries its "monotone" line and predicts monotonically
 * through 'stratum predict' on a sweep file; NAME:0 is no constraint; every mistake (bad
 * sign, empty item, unknown, repeated or categorical feature, a cv group column, compare
 * without gbdt, cv logreg) is a usage error (exit 2) on one line naming the item. The
 * monotonicity itself is tested in depth by test_gbdt_monotone. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "test_util.h"

#include <math.h>

#define N_ROWS 400

static char scratch_dir[] = "/tmp/stratum_cli_mono_XXXXXX";
static char data_path[600], sweep_path[600];

/* x has a wavy effect, z a falling one; site is categorical; patient a group id. The
 * sweep file: 20 rows of (z, site) with x on 61 values from -0.2 to 1.2 each. */
static int make_scratch(void **state)
{
    (void)state;
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/cohort.csv", scratch_dir);
    snprintf(sweep_path, sizeof sweep_path, "%s/sweep.csv", scratch_dir);
    FILE *f = fopen(data_path, "w"), *g = fopen(sweep_path, "w");
    if (f == NULL || g == NULL)
        return -1;
    fprintf(f, "x,z,site,patient,label\n");
    unsigned long long s = 777;
    for (int i = 0; i < N_ROWS; i++) {
        double x = test_uniform(&s), z = test_uniform(&s), u = test_uniform(&s);
        double logit = 2 * sin(9 * x) - 1.5 * z;
        fprintf(f, "%.4f,%.4f,%s,P%02d,%d\n", x, z, i % 3 ? "north" : "south", i % 50,
                u < 1 / (1 + exp(-logit)));
    }
    fprintf(g, "x,z,site\n");
    for (int r = 0; r < 20; r++) {
        double z = test_uniform(&s);
        for (int k = 0; k <= 60; k++)
            fprintf(g, "%.4f,%.4f,%s\n", -0.2 + 1.4 * k / 60, z, r % 2 ? "north" : "south");
    }
    return fclose(f) == 0 && fclose(g) == 0 ? 0 : -1;
}

static int remove_scratch(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in_scratch(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch_dir, name);
}

/* The help of each command that trains gbdt lists --monotone. */
static void test_help(void **state)
{
    (void)state;
    const char *cmds[3][3] = {{"train", "gbdt", "--help"}, {"cv", "gbdt", "--help"},
                              {"compare", "--help", NULL}};
    for (int c = 0; c < 3; c++) {
        run_result *r = run(cmds[c][0], cmds[c][1], cmds[c][2], NULL);
        assert_int_equal(r->exit_code, 0);
        if (strstr(r->out, "--monotone NAME:+1,NAME2:-1") == NULL)
            fail_msg("stratum %s help lacks --monotone:\n%s", cmds[c][0], r->out);
        free(r);
    }
}

/* train reports the constraints and writes them into the model; predict on the sweep file rises with x
 * in every block of 61 rows; an unconstrained model on the same data does not. */
static void test_train_and_predict(void **state)
{
    (void)state;
    char model[700], free_model[700], text[65536];
    path_in_scratch(model, sizeof model, "mono.model");
    path_in_scratch(free_model, sizeof free_model, "free.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--ignore", "patient",
                        "--min-data-in-leaf", "5", "--monotone", "x:+1,z:-1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "\nmonotone: x:+1,z:-1\n"));
    free(r);
    slurp(model, text, sizeof text);
    assert_non_null(strstr(text, "\nmonotone 0:+1 1:-1\n"));
    r = run("train", "gbdt", "--num-trees", "100", data_path, "-o", free_model, "-q", "--ignore", "patient",
            "--min-data-in-leaf", "5", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    for (int constrained = 1; constrained >= 0; constrained--) {
        r = run("predict", constrained ? model : free_model, sweep_path, NULL);
        assert_int_equal(r->exit_code, 0);
        char *line = strchr(r->out, '\n'); /* after the header */
        size_t down = 0;
        for (int row = 0; row < 20; row++) {
            double prev = -1;
            for (int k = 0; k <= 60; k++) {
                assert_non_null(line);
                double p = strtod(line + 1, &line);
                if (k > 0 && p < prev)
                    down++;
                prev = p;
            }
        }
        if (constrained)
            assert_int_equal(down, 0);
        else
            assert_true(down > 20);
        free(r);
    }
}

/* x:0 constrains nothing: the model is the one trained without --monotone. */
static void test_zero_is_none(void **state)
{
    (void)state;
    char a[700], b[700];
    static char ta[1 << 21], tb[1 << 21];
    path_in_scratch(a, sizeof a, "zero.model");
    path_in_scratch(b, sizeof b, "none.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", data_path, "-o", a, "-q", "--monotone", "x:0", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", data_path, "-o", b, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    slurp(a, ta, sizeof ta);
    slurp(b, tb, sizeof tb);
    assert_true(strlen(ta) > 1000 && strlen(ta) < sizeof ta - 1);
    assert_string_equal(ta, tb);
}

/* cv gbdt and compare accept it and run. */
static void test_cv_and_compare(void **state)
{
    (void)state;
    run_result *r = run("cv", "gbdt", "--num-trees", "100", data_path, "-q", "--group-col", "patient",
                        "--num-trees", "10", "--monotone", "x:+1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nROC-AUC "));
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "-q", "--ignore", "patient", "--num-trees", "10",
            "--weights", "none", "--monotone", "z:-1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "gbdt"));
    free(r);
}

static void assert_usage(run_result *r, const char *message)
{
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, message);
    free(r);
}

/* Each mistake is a usage error naming the item. */
static void test_errors(void **state)
{
    (void)state;
    char model[700];
    path_in_scratch(model, sizeof model, "never.model");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "x:2", NULL),
                 "--monotone 'x:2': expected NAME:+1, NAME:-1 or NAME:0");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "x:+1,z", NULL),
                 "--monotone 'z': expected NAME:+1, NAME:-1 or NAME:0");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "x:+1,", NULL),
                 "--monotone 'x:+1,': an empty item");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "age:+1", NULL),
                 "--monotone 'age:+1': no feature named 'age'");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "label:+1", NULL),
                 "no feature named 'label'");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "x:+1,x:-1", NULL),
                 "--monotone 'x:-1': feature 'x' is given twice");
    assert_usage(run("train", "gbdt", "--num-trees", "100", data_path, "-o", model, "--monotone", "site:-1", NULL),
                 "--monotone 'site:-1': 'site' is categorical; only numeric features");
    assert_usage(run("cv", "gbdt", "--num-trees", "100", data_path, "--group-col", "patient", "--monotone",
                     "patient:+1", NULL), "stratum cv: --monotone 'patient:+1': no feature");
    assert_usage(run("cv", "gbdt", "--num-trees", "100", data_path, "--monotone", "z:+1,site:+1", NULL),
                 "stratum cv: --monotone 'site:+1': 'site' is categorical");
    assert_usage(run("cv", "logreg", "--lambda", "1e-4", data_path, "--monotone", "x:+1", NULL),
                 "stratum cv: unknown option '--monotone'");
    assert_usage(run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--monotone", "x:-2", NULL),
                 "stratum compare: --monotone 'x:-2': expected");
    assert_usage(run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--monotone", "w:+1", NULL),
                 "stratum compare: --monotone 'w:+1': no feature named 'w'");
    assert_usage(run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "logreg", "--monotone", "x:+1", NULL),
                 "--monotone constrains gbdt, which --models leaves out");
    assert_int_equal(access(model, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_train_and_predict),
        cmocka_unit_test(test_zero_is_none),
        cmocka_unit_test(test_cv_and_compare),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
