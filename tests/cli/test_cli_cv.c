/* stratum cv as a user meets it: --help, exit codes (0 ok, 1 failed, 2 usage) with one
 * error line, the report's shape in text and CSV, the --oof file (every row once per
 * repeat, its fold, label and a probability), groups kept whole, a caller's fold column
 * obeyed, the same seed giving the same folds, and the --lambda-path table. The numbers of
 * --lambda-path are checked against R's cv.glmnet by cv_vs_glmnet.py. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "cohort_csv.h"

#include <math.h>

#define N_ROWS 120

static char scratch_dir[] = "/tmp/stratum_cli_cv_XXXXXX";
static char data_path[600];

/* 120 rows: two informative numeric columns, a categorical site, a patient id, a given
 * fold id (1..4) and a label with about 30% positives. */
static int make_scratch(void **state)
{
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/cohort.csv", scratch_dir);
    return write_cohort_csv(data_path, N_ROWS, 1);
}

static int remove_scratch(void **state)
{
    unlink(data_path);
    return rmdir(scratch_dir);
}

static const char *scratch(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch_dir, name);
    return buf;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* --help lists the options with their defaults; cv is in stratum --help. */
static void test_help(void **state)
{
    run_result *r = run("cv", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const expected[] = {"Usage: stratum cv logreg DATA", "--folds K",
        "(default: 5)", "--repeats R", "(default: 1)", "--group-col COL", "--fold-col COL",
        "--oof FILE", "--threshold-rule R", "--lambda-path", "--measure M",
        "(default: deviance)", "--lambda L", "--alpha A", "--seed N", "corrected resampled t",
        "stratum cv gbdt DATA", "--num-trees N", "--scale-pos-weight X"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strstr(r->out, expected[i]) == NULL)
            fail_msg("cv --help lacks '%s'", expected[i]);
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "\n  cv "));
    free(r);
}

/* Bad arguments are usage errors (2) with one line naming the problem. */
static void test_usage_errors(void **state)
{
    static const char *const cases[][6] = {
        {"--folds", "1", NULL, NULL, NULL, "--folds '1'"},
        {"--repeats", "0", NULL, NULL, NULL, "--repeats '0'"},
        {"--measure", "mse", "--lambda-path", NULL, NULL, "--measure 'mse'"},
        {"--measure", "auc", NULL, NULL, NULL, "--measure applies with --lambda-path"},
        {"--lambda-path", "--oof", "x.csv", NULL, NULL, "--lambda-path"},
        {"--threshold", "0.3", "--threshold-rule", "f1", NULL, "exclude each other"},
        {"--fold-col", "given_fold", "--folds", "3", NULL, "--fold-col excludes"},
        {"--format", "json", NULL, NULL, NULL, "expected text or csv"},
        {"--alpha", "2", NULL, NULL, NULL, "stratum cv: --alpha '2'"},
        {"--threshold-rule", "best", NULL, NULL, NULL, "--threshold-rule 'best'"},
        {"--no-such-option", NULL, NULL, NULL, NULL, "unknown option"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *c = cases[i];
        run_result *r = run("cv", "logreg", "--lambda", "1e-4", data_path, c[0], c[1], c[2], c[3], c[4], NULL);
        if (r->exit_code != 2)
            fail_msg("case %zu (%s): exit %d, expected 2", i, c[0], r->exit_code);
        assert_one_error_line(r, c[5]);
        free(r);
    }
    run_result *r = run("cv", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected a model kind");
    free(r);
    r = run("cv", "forest", data_path, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "unknown model kind 'forest': expected logreg or gbdt");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, data_path, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected one DATA file, got 2");
    free(r);
}

/* Unusable input fails (1) with one line saying why. */
static void test_failures(void **state)
{
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", "/nonexistent/d.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/d.csv");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--group-col", "nurse", "--ignore", "site", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "no column named 'nurse' (--group-col)");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--group-col", "site", "--ignore", "patient", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "2 groups cannot make 5 folds");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--folds", "121", "--ignore", "patient", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "120 rows cannot make 121 folds");
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--oof", data_path, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
}

/* The text report: a title, the rule, a header and one line per metric (and threshold);
 * CSV: a header and 18 lines of 6 fields. Progress goes to stderr, nothing with -q. */
static void test_report(void **state)
{
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold",
                        "--lambda", "0.01", "--threshold-rule", "youden", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "logreg, 5-fold stratified cross-validation x 1 repeat on "
                                    "120 rows"));
    assert_non_null(strstr(r->out, "threshold: youden, chosen on the out-of-fold predictions of a 3-fold inner "
                                "cross-validation of each training part"));
    assert_non_null(strstr(r->out, "\nROC-AUC "));
    assert_non_null(strstr(r->out, "\ncalibration-in-the-large "));
    /* the header names the interval the numbers are: the corrected resampled t (Nadeau and
     * Bengio), not the plain t's sd / sqrt(m) */
    assert_non_null(strstr(r->out, "95% interval: corrected resampled t, mean -+ t(0.975, m-1) "
                                   "sd sqrt(1/m + n_test/n_train) over the m folds"));
    /* Brier over 5 folds of 24 test and 96 training rows: mean -+ t(0.975, 4) sd
     * sqrt(1/5 + 120/480), t(0.975, 4) = 2.776445 (tables); printed to 4 decimals */
    const char *brier = strstr(r->out, "\nBrier ");
    assert_non_null(brier);
    double mean, sd, lo, hi;
    assert_int_equal(sscanf(brier + 7, "%lf %lf %lf %lf", &mean, &sd, &lo, &hi), 4);
    const double half = 2.776445 * sd * sqrt(1.0 / 5 + 120.0 / 480);
    assert_true(mean - half > 0);
    assert_true(fabs(lo - (mean - half)) < 3e-4 && fabs(hi - (mean + half)) < 3e-4);
    assert_int_equal(count_lines(r->out), 3 + 1 + 18);
    assert_int_equal(count_lines(r->err), 5);
    assert_non_null(strstr(r->err, "fold 5/5 of repeat 1/1"));
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold", "--format", "csv",
            "-q", "--repeats", "2", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_true(strncmp(r->out, "metric,mean,sd,ci_low,ci_high,folds_defined\n", 44) == 0);
    assert_int_equal(count_lines(r->out), 1 + 18);
    assert_non_null(strstr(r->out, "\nroc_auc,"));
    assert_non_null(strstr(r->out, ",10\n")); /* 5 folds x 2 repeats */
    free(r);
}

typedef struct oof_row {
    int row, fold, repeat, label;
    double p;
} oof_row;

/* Reads an --oof file; returns its line count (header excluded). */
static size_t read_oof(const char *path, oof_row *rows, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "row,fold,repeat,label,p\n");
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        assert_true(n < cap);
        oof_row *o = &rows[n++];
        assert_int_equal(sscanf(line, "%d,%d,%d,%d,%lf", &o->row, &o->fold, &o->repeat,
                                &o->label, &o->p), 5);
    }
    fclose(f);
    return n;
}

/* The label of data row i (1-based), from the file. */
static int label_of(int i)
{
    FILE *f = fopen(data_path, "r");
    char line[256];
    int y = -1;
    for (int k = 0; k <= i && fgets(line, sizeof line, f) != NULL; k++)
        y = line[strlen(line) - 2] - '0';
    fclose(f);
    return y;
}

/* --oof: every row once per repeat, folds 1..k each used, the row's label, p in (0, 1);
 * the same seed gives the same file, another seed other folds. */
static void test_oof(void **state)
{
    char oof[600], again[600];
    scratch(oof, sizeof oof, "oof.csv");
    scratch(again, sizeof again, "oof2.csv");
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold",
                        "--folds", "4", "--repeats", "2", "--seed", "9", "--oof", oof, "-q",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    static oof_row rows[2 * N_ROWS + 1];
    assert_int_equal(read_oof(oof, rows, 2 * N_ROWS + 1), 2 * N_ROWS);
    int seen[2][N_ROWS] = {{0}}, fold_rows[2][4] = {{0}};
    for (size_t k = 0; k < 2 * N_ROWS; k++) {
        const oof_row *o = &rows[k];
        assert_true(o->repeat >= 1 && o->repeat <= 2 && o->row >= 1 && o->row <= N_ROWS);
        assert_true(o->fold >= 1 && o->fold <= 4);
        assert_true(o->p > 0 && o->p < 1);
        seen[o->repeat - 1][o->row - 1]++;
        fold_rows[o->repeat - 1][o->fold - 1]++;
        if (k % 17 == 0)
            assert_int_equal(o->label, label_of(o->row));
    }
    for (int rep = 0; rep < 2; rep++) {
        for (int i = 0; i < N_ROWS; i++)
            assert_int_equal(seen[rep][i], 1);
        for (int f = 0; f < 4; f++)
            assert_int_equal(fold_rows[rep][f], 30);
    }
    char a[65536], b[65536];
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold", "--folds", "4",
            "--repeats", "2", "--seed", "9", "--oof", again, "-q", "--threads", "1", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    slurp(oof, a, sizeof a);
    slurp(again, b, sizeof b);
    assert_string_equal(a, b);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold", "--folds", "4",
            "--repeats", "2", "--seed", "10", "--oof", again, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    slurp(again, b, sizeof b);
    assert_string_not_equal(a, b);
    unlink(oof);
    unlink(again);
}

/* --group-col: a patient's rows share a fold in every repeat, and the column is not a
 * feature; --fold-col: the given folds, in ascending order of the value. */
static void test_groups_and_given(void **state)
{
    char oof[600];
    scratch(oof, sizeof oof, "groups.csv");
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "given_fold", "--group-col",
                        "patient", "--repeats", "3", "--oof", oof, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "grouped by patient"));
    free(r);
    static oof_row rows[3 * N_ROWS + 1];
    assert_int_equal(read_oof(oof, rows, 3 * N_ROWS + 1), 3 * N_ROWS);
    int fold_of[3][30];
    memset(fold_of, 0, sizeof fold_of);
    for (size_t k = 0; k < 3 * N_ROWS; k++) {
        const oof_row *o = &rows[k];
        int *g = &fold_of[o->repeat - 1][cohort_patient(o->row - 1)];
        if (*g == 0)
            *g = o->fold;
        else if (*g != o->fold)
            fail_msg("repeat %d: patient P%02d is in folds %d and %d", o->repeat,
                     cohort_patient(o->row - 1), *g, o->fold);
    }
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient", "--fold-col", "given_fold",
            "--oof", oof, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "4-fold (folds given by given_fold)"));
    free(r);
    assert_int_equal(read_oof(oof, rows, 3 * N_ROWS + 1), N_ROWS);
    for (size_t k = 0; k < N_ROWS; k++)
        assert_int_equal(rows[k].fold, (rows[k].row - 1) % 4 + 1);
    unlink(oof);
}

/* Writes 120 rows, 4 per patient, whose --group-col pid is printf(fmt, base + patient). */
static void write_ids(const char *path, const char *fmt, long long base, int blank_row)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "x1,x2,pid,label\n");
    for (int i = 0; i < 120; i++) {
        fprintf(f, "%d,%d,", i % 7, (i * 5) % 13);
        if (i != blank_row)
            fprintf(f, fmt, base + i / 4);
        fprintf(f, ",%d\n", (i % 3 == 0) ^ (i % 7 > 4));
    }
    fclose(f);
}

/* The folds column of an --oof file, one int per row. */
static void oof_folds(const char *oof, int *fold)
{
    static oof_row rows[N_ROWS + 1];
    assert_int_equal(read_oof(oof, rows, N_ROWS + 1), 120);
    for (int k = 0; k < 120; k++)
        fold[rows[k].row - 1] = rows[k].fold;
}

/* Group ids are read as texts: 18-digit record numbers, which 32-bit (and 64-bit) floats
 * cannot tell apart, stay 30 patients; numeric ids keep their numeric order (the folds of
 * 1..30 are those of 001..030); a row without an id is named. */
static void test_group_ids_as_texts(void **state)
{
    char ids[600], oof[600];
    scratch(ids, sizeof ids, "ids.csv");
    scratch(oof, sizeof oof, "ids_oof.csv");
    write_ids(ids, "%lld", 123456789012345000LL, -1);
    run_result *r = run("cv", "logreg", "--lambda", "0.1", ids, "--group-col", "pid", "--oof",
                        oof, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    int fold[120], used[6] = {0};
    oof_folds(oof, fold);
    for (int i = 0; i < 120; i++) {
        assert_int_equal(fold[i], fold[i - i % 4]); /* a patient's rows share a fold */
        used[fold[i]] = 1;
    }
    assert_int_equal(used[1] + used[2] + used[3] + used[4] + used[5], 5);
    int plain[120], padded[120];
    write_ids(ids, "%lld", 1, -1);
    r = run("cv", "logreg", "--lambda", "0.1", ids, "--group-col", "pid", "--oof", oof, "-q",
            NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    oof_folds(oof, plain);
    write_ids(ids, "%03lld", 1, -1);
    r = run("cv", "logreg", "--lambda", "0.1", ids, "--group-col", "pid", "--oof", oof, "-q",
            NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    oof_folds(oof, padded);
    assert_memory_equal(plain, padded, sizeof plain);
    write_ids(ids, "%lld", 1, 6);
    r = run("cv", "logreg", "--lambda", "0.1", ids, "--group-col", "pid", "-q", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "row 7 (of the rows read) has no --group-col 'pid' value");
    free(r);
    unlink(ids);
    unlink(oof);
}

/* --lambda-path: one line per lambda, exactly one "min" and one "1se" choice (or one
 * "min+1se"), and the two choices in the text report. */
static void test_lambda_path(void **state)
{
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold",
                        "--lambda-path", "--n-lambda", "20", "--alpha", "1", "--format", "csv",
                        "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_true(strncmp(r->out, "index,lambda,df,deviance,se,folds,choice\n", 41) == 0);
    assert_int_equal(count_lines(r->out), 21);
    int n_min = 0, n_1se = 0;
    for (const char *line = strchr(r->out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        const char *end = strchr(line, '\n'), *comma = end;
        while (comma[-1] != ',')
            comma--;
        n_min += strncmp(comma, "min", 3) == 0;
        n_1se += strstr(comma, "1se") != NULL && strstr(comma, "1se") < end;
    }
    assert_int_equal(n_min, 1);
    assert_int_equal(n_1se, 1);
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", data_path, "--ignore", "patient,given_fold", "--lambda-path",
            "--n-lambda", "10", "--measure", "pr-auc", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "measure pr_auc"));
    assert_non_null(strstr(r->out, "\nlambda_min "));
    assert_non_null(strstr(r->out, "\nlambda_1se "));
    free(r);
}

/* cv gbdt: its own options (logreg's and --lambda-path are unknown), the report titled
 * gbdt, and the shared cv options (folds, rule, --oof) as for logreg. */
static void test_gbdt(void **state)
{
    static const char *const cases[][4] = {
        {"--num-leaves", "1", NULL, "stratum cv: --num-leaves '1'"},
        {"--class-weight", "-2", NULL, "--class-weight '-2': expected none, balanced or a number > 0"},
        {"--lambda", "0.1", NULL, "unknown option"},
        {"--lambda-path", NULL, NULL, "unknown option"},
        {"--folds", "1", NULL, "--folds '1'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *c = cases[i];
        run_result *r = run("cv", "gbdt", "--num-trees", "100", data_path, c[0], c[1], c[2], NULL);
        if (r->exit_code != 2)
            fail_msg("case %zu (%s): exit %d, expected 2", i, c[0], r->exit_code);
        assert_one_error_line(r, c[3]);
        free(r);
    }
    run_result *r = run("cv", "gbdt", "--num-trees", "100", "/nonexistent/d.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/d.csv");
    free(r);
    r = run("cv", "gbdt", "--num-trees", "100", data_path, "--ignore", "patient,given_fold", "--num-trees", "20",
            "--threshold-rule", "f1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "gbdt, 5-fold stratified cross-validation x 1 repeat on "
                                    "120 rows"));
    assert_non_null(strstr(r->out, "threshold: f1, chosen on the out-of-fold predictions of a 3-fold inner "
                                "cross-validation of each training part"));
    assert_int_equal(count_lines(r->out), 3 + 1 + 18);
    assert_int_equal(count_lines(r->err), 5);
    free(r);
    r = run("cv", "gbdt", "--num-trees", "100", data_path, "--ignore", "patient,given_fold", "--num-trees", "20",
            "--format", "csv", "-q", "--repeats", "2", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_int_equal(count_lines(r->out), 1 + 18);
    assert_non_null(strstr(r->out, ",10\n"));
    free(r);
}

/* The same seed gives the same folds whatever the family: the --oof files of logreg and
 * gbdt list the same rows, folds, repeats and labels, with their own p; gbdt's file does
 * not depend on the thread count. */
static void test_same_folds_both_families(void **state)
{
    char lr[600], gb[600], gb1[600];
    scratch(lr, sizeof lr, "oof_lr.csv");
    scratch(gb, sizeof gb, "oof_gb.csv");
    scratch(gb1, sizeof gb1, "oof_gb1.csv");
    const char *kinds[3] = {"logreg", "gbdt", "gbdt"}, *paths[3] = {lr, gb, gb1};
    const char *threads[3] = {"2", "2", "1"};
    for (int k = 0; k < 3; k++) {
        run_result *r = run("cv", kinds[k], data_path, "--ignore", "patient,given_fold",
                            "--folds", "4", "--repeats", "2", "--seed", "5", "--oof",
                            paths[k], "--threads", threads[k], "-q", NULL);
        assert_int_equal(r->exit_code, 0);
        free(r);
    }
    static oof_row a[2 * N_ROWS + 1], b[2 * N_ROWS + 1];
    assert_int_equal(read_oof(lr, a, 2 * N_ROWS + 1), 2 * N_ROWS);
    assert_int_equal(read_oof(gb, b, 2 * N_ROWS + 1), 2 * N_ROWS);
    size_t differ = 0;
    for (size_t k = 0; k < 2 * N_ROWS; k++) {
        assert_int_equal(a[k].row, b[k].row);
        assert_int_equal(a[k].fold, b[k].fold);
        assert_int_equal(a[k].repeat, b[k].repeat);
        assert_int_equal(a[k].label, b[k].label);
        assert_true(b[k].p > 0 && b[k].p < 1);
        differ += a[k].p != b[k].p;
    }
    assert_true(differ > N_ROWS);
    static char x[65536], y[65536];
    slurp(gb, x, sizeof x);
    slurp(gb1, y, sizeof y);
    assert_string_equal(x, y);
    unlink(lr);
    unlink(gb);
    unlink(gb1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),   cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_failures), cmocka_unit_test(test_report),
        cmocka_unit_test(test_oof),    cmocka_unit_test(test_groups_and_given),
        cmocka_unit_test(test_group_ids_as_texts),
        cmocka_unit_test(test_lambda_path), cmocka_unit_test(test_gbdt),
        cmocka_unit_test(test_same_folds_both_families),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
