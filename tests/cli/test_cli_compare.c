/* stratum compare as a user meets it: --help, exit codes (0 ok, 1 failed, 2 usage) with one
 * error line, one row per model x weight setting in each format, the best mean of each
 * column marked, and each row equal to 'stratum cv' of that setting on the same folds. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "cohort_csv.h"

#include <math.h>

#define N_ROWS 120
#define N_COLS 7

static char scratch_dir[] = "/tmp/stratum_cli_compare_XXXXXX";
static char data_path[600];

static const char *const metrics[N_COLS] = {"roc_auc", "pr_auc", "precision", "recall", "f1",
                                            "brier", "log_loss"};

/* 120 rows: two informative numeric columns, a categorical site, a patient id and a label
 * with about 30% positives (as in test_cli_cv.c). */
static int make_scratch(void **state)
{
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/cohort.csv", scratch_dir);
    return write_cohort_csv(data_path, N_ROWS, 0);
}

static int remove_scratch(void **state)
{
    unlink(data_path);
    return rmdir(scratch_dir);
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* Copies field k (0-based) of the CSV line starting at `line` into buf. */
static void field(const char *line, int k, char *buf, size_t size)
{
    for (; k > 0; k--) {
        line = strpbrk(line, ",\n");
        assert_true(line != NULL && *line == ',');
        line++;
    }
    size_t n = strcspn(line, ",\n");
    assert_true(n < size);
    memcpy(buf, line, n);
    buf[n] = '\0';
}

/* The line of a CSV text whose first field(s) are `key` (e.g. "logreg,none," or
 * "roc_auc,"); fails when absent. */
static const char *line_of(const char *csv, const char *key)
{
    for (const char *line = csv; *line; line = strchr(line, '\n') + 1)
        if (strncmp(line, key, strlen(key)) == 0)
            return line;
    fail_msg("no line '%s' in:\n%s", key, csv);
    return NULL;
}

/* --help lists the options and defaults; compare is in stratum --help. */
static void test_help(void **state)
{
    run_result *r = run("compare", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const expected[] = {"Usage: stratum compare DATA", "--models LIST",
        "(default: logreg,gbdt)", "--weights LIST", "(default: none,balanced,2,5,10,25)",
        "--threshold-rule R", "(default: f1)", "--scale-pos-weight", "--seed N"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strstr(r->out, expected[i]) == NULL)
            fail_msg("compare --help lacks '%s'", expected[i]);
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "\n  compare "));
    free(r);
}

/* Bad arguments are usage errors (2) with one line naming the problem; unusable input
 * fails (1). */
static void test_errors(void **state)
{
    static const char *const cases[][4] = {
        {"--models", "forest", NULL, "--models 'forest'"},
        {"--models", "gbdt,gbdt", NULL, "each at most once"},
        {"--weights", "none,0", NULL, "got '0'"},
        {"--weights", "heavy", NULL, "expected none, balanced or a number > 0"},
        {"--class-weight", "5", NULL, "--class-weight: expected no class weight option"},
        {"--scale-pos-weight", "5", NULL, "--scale-pos-weight: expected no class weight"},
        {"--num-leaves", "1", NULL, "stratum compare: --num-leaves '1'"},
        {"--alpha", "2", NULL, "stratum compare: --alpha '2'"},
        {"--threshold-rule", "best", NULL, "--threshold-rule 'best'"},
        {"--lambda-path", NULL, NULL, "unknown option"},
        {"--fold-col", "patient", "--folds", "--fold-col excludes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *c = cases[i];
        run_result *r = c[2] != NULL ? run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, c[0], c[1], c[2], "3", NULL)
                                     : run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, c[0], c[1], NULL);
        if (r->exit_code != 2)
            fail_msg("case %zu (%s): exit %d, expected 2", i, c[0], r->exit_code);
        assert_one_error_line(r, c[3]);
        free(r);
    }
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected one DATA file, got 0");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", "/nonexistent/d.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/d.csv");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--group-col", "nurse", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "no column named 'nurse' (--group-col)");
    free(r);
}

/* One row per setting, logreg's before gbdt's, weights in the order given: the default
 * 2 x 6 in CSV; 2 x 3 in text (title, rule, blank, header), Markdown and JSON. */
static void test_rows(void **state)
{
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "patient", "--num-trees", "10",
                        "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(count_lines(r->out), 1 + 12);
    assert_int_equal(count_lines(r->err), 12);
    const char *header = "model,weight,roc_auc_mean,roc_auc_ci_low,roc_auc_ci_high,"
                         "roc_auc_best,pr_auc_mean,";
    assert_true(strncmp(r->out, header, strlen(header)) == 0);
    static const char *const order[] = {"none", "balanced", "2", "5", "10", "25"};
    const char *line = strchr(r->out, '\n') + 1;
    for (int k = 0; k < 12; k++, line = strchr(line, '\n') + 1) {
        char key[64];
        snprintf(key, sizeof key, "%s,%s,", k < 6 ? "logreg" : "gbdt", order[k % 6]);
        assert_int_equal(strncmp(line, key, strlen(key)), 0);
    }
    free(r);
    const char *args[] = {"--weights", "none,balanced,3", "--num-trees", "10", "-q"};
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, args[0], args[1], args[2], args[3], args[4], NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    /* then the paired differences: blank, title, blank, header, the 4 rows not a family's
       first weight, each against it */
    assert_int_equal(count_lines(r->out), 4 + 6 + 4 + 4);
    assert_non_null(strstr(r->out, "\ngbdt     3          gbdt_none  "));
    assert_non_null(strstr(r->out, "\nlogreg   balanced   logreg_none  "));
    assert_non_null(strstr(r->out, "5-fold stratified cross-validation x 1 repeat on 120 rows"));
    assert_non_null(strstr(r->out, "threshold: f1, chosen on the out-of-fold predictions of a 3-fold inner "
                                "cross-validation of each training part"));
    assert_non_null(strstr(r->out, "\ngbdt     balanced   0."));
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, args[0], args[1], args[2], args[3], args[4], "--format",
            "markdown", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(count_lines(r->out), 2 + 6 + 5 + 4);
    assert_true(strncmp(r->out, "| model | weight | ROC-AUC |", 27) == 0);
    assert_non_null(strstr(r->out, "\n| model | weight | from | ROC-AUC |"));
    assert_non_null(strstr(r->out, "\n| gbdt | balanced | gbdt_none | "));
    assert_non_null(strstr(r->out, "\n| logreg | 3 | 0."));
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, args[0], args[1], args[2], args[3], args[4], "--format",
            "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(count_lines(r->out), 2 + 6);
    assert_non_null(strstr(r->out, "\"threshold_rule\": \"f1\""));
    assert_non_null(strstr(r->out, "{\"model\": \"gbdt\", \"weight\": \"3\", \"roc_auc\": "
                                   "{\"mean\": 0."));
    assert_non_null(strstr(r->out, "\"difference\": {\"from\": \"gbdt_none\", \"roc_auc\": "
                                   "{\"mean\": "));
    assert_non_null(strstr(r->out, "\"difference\": null")); /* the families' first rows */
    free(r);
    /* a --reference that names no row: refused before any training */
    r = run("compare", data_path, "--weights", "none,3", "--reference", "gbdt_5", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--reference gbdt_5 is not a row of the table; expected one of: "
                          "logreg_none, logreg_3, gbdt_none, gbdt_3");
    free(r);
}

/* In each column the rows marked best are exactly those with the highest mean (lowest for
 * Brier and log loss), at least one per column; the text table shows the marks. */
static void test_best_marked(void **state)
{
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "patient", "--weights",
                        "none,balanced,4,20", "--num-trees", "10", "--format", "csv", "-q",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    double mean[8][N_COLS];
    int best[8][N_COLS];
    const char *line = strchr(r->out, '\n') + 1;
    for (int i = 0; i < 8; i++, line = strchr(line, '\n') + 1)
        for (int k = 0; k < N_COLS; k++) {
            char buf[64];
            field(line, 2 + 4 * k, buf, sizeof buf);
            mean[i][k] = strtod(buf, NULL);
            field(line, 5 + 4 * k, buf, sizeof buf);
            best[i][k] = atoi(buf);
        }
    for (int k = 0; k < N_COLS; k++) {
        int lower = k >= 5, marked = 0;
        double top = mean[0][k];
        for (int i = 1; i < 8; i++)
            top = lower ? fmin(top, mean[i][k]) : fmax(top, mean[i][k]);
        for (int i = 0; i < 8; i++) {
            if (best[i][k] != (mean[i][k] == top))
                fail_msg("%s: row %d mean %.17g best %d, column best %.17g", metrics[k], i,
                         mean[i][k], best[i][k], top);
            marked += best[i][k];
        }
        assert_true(marked >= 1);
    }
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "patient", "--weights", "none,balanced,4,20",
            "--num-trees", "10", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    size_t stars = 0;
    for (const char *c = strchr(r->out, '\n') + 1; *c; c++)
        stars += *c == '*';
    assert_true(stars >= N_COLS + 1); /* the legend's and at least one per column */
    free(r);
}

/* Row (model, weight) of compare's CSV equals 'stratum cv' of that setting on the same seed
 * and folds: mean and interval of every column, to the last digit. */
/* A mean over fewer folds than all (the metric undefined in a test fold with no positive)
 * is marked '+', with a line saying so; the JSON's folds_defined is that count. */
static void test_partial_folds_marked(void **state)
{
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/three_positives.csv", scratch_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "x1,x2,label\n");
    for (int i = 0; i < 60; i++) {
        const int y = i == 5 || i == 20 || i == 41;
        fprintf(f, "%d.%d,%d,%d\n", (i * 7) % 10 + 3 * y, i % 3, (i * 11) % 13, y);
    }
    fclose(f);
    run_result *r = run("compare", path, "--models", "logreg", "--weights", "none",
                        "--folds", "5", "--lambda", "0.1", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "]+"));
    assert_non_null(strstr(r->out, "\n+ over fewer than the 5 folds: the metric is undefined "
                                   "in the others"));
    free(r);
    r = run("compare", path, "--models", "logreg", "--weights", "none", "--folds", "5",
            "--lambda", "0.1", "-q", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"folds_defined\": 3"));
    free(r);
    r = run("compare", data_path, "--models", "logreg", "--weights", "none", "--lambda",
            "0.1", "-q", NULL); /* every fold has both classes: no mark */
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "over fewer than"));
    free(r);
    unlink(path);
}

static void assert_row_equals_cv(const char *compare_csv, const char *key, const char *kind,
                                 const char *weight_opt, const char *weight)
{
    /* the family option compare was given (a default for logreg) */
    int gbdt = strcmp(kind, "gbdt") == 0;
    run_result *r = run("cv", kind, data_path, "--ignore", "patient", "--seed", "3", "--folds",
                        "4", "--repeats", "2", "--threshold-rule", "f1", "--format", "csv", "-q",
                        gbdt ? "--num-trees" : "--lambda", gbdt ? "10" : "1e-4", weight_opt,
                        weight, NULL);
    assert_int_equal(r->exit_code, 0);
    const char *row = line_of(compare_csv, key);
    for (int k = 0; k < N_COLS; k++) {
        char name[32], a[64], b[64];
        snprintf(name, sizeof name, "%s,", metrics[k]);
        const char *cv_line = line_of(r->out, name);
        static const int cv_field[3] = {1, 3, 4}; /* mean, ci_low, ci_high */
        for (int j = 0; j < 3; j++) {
            field(row, 2 + 4 * k + j, a, sizeof a);
            field(cv_line, cv_field[j], b, sizeof b);
            if (strcmp(a, b) != 0)
                fail_msg("%s %s field %d: compare %s, cv %s", key, metrics[k], j, a, b);
        }
    }
    free(r);
}

/* The 'none' rows are 'stratum cv logreg' and 'stratum cv gbdt' with the same seed and
 * folds, and a weight W is cv's --class-weight W (logreg) and --scale-pos-weight W (gbdt);
 * one thread gives the same table. */
static void test_rows_equal_cv(void **state)
{
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "patient", "--seed", "3", "--folds",
                        "4", "--repeats", "2", "--weights", "none,2", "--num-trees", "10",
                        "--max-iter", "100", "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_row_equals_cv(r->out, "logreg,none,", "logreg", "--class-weight", "none");
    assert_row_equals_cv(r->out, "logreg,2,", "logreg", "--class-weight", "2");
    assert_row_equals_cv(r->out, "gbdt,none,", "gbdt", "--class-weight", "none");
    assert_row_equals_cv(r->out, "gbdt,2,", "gbdt", "--scale-pos-weight", "2");
    run_result *one = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "patient", "--seed", "3",
                          "--folds", "4", "--repeats", "2", "--weights", "none,2",
                          "--num-trees", "10", "--max-iter", "100", "--format", "csv", "-q",
                          "--threads", "1", NULL);
    assert_int_equal(one->exit_code, 0);
    assert_string_equal(one->out, r->out); /* the same table on one thread */
    free(one);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_rows),        cmocka_unit_test(test_best_marked),
        cmocka_unit_test(test_rows_equal_cv),
        cmocka_unit_test(test_partial_folds_marked),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
