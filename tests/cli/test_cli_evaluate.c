/* stratum evaluate as a user meets it: options and defaults in --help, exit codes (0 ok,
 * 1 failed, 2 usage), one error line on stderr, and the report in each format. The numbers
 * themselves are checked against scikit-learn by metrics_vs_sklearn.py. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#define CLI_DATA STRATUM_TEST_DATA "/cli"

/* The six rows of test_metrics.c: ROC-AUC 7/9, PR-AUC 29/36, at 0.5 tp 3 fp 2 tn 1 fn 0. */
static const char six_rows[] = "p,y,w\n0.9,1,1\n0.8,0,1\n0.7,1,1\n0.6,1,1\n0.5,0,1\n0.4,0,0\n";

static int starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static char scratch_dir[] = "/tmp/stratum_cli_eval_XXXXXX";

static int make_scratch(void **state)
{
    return mkdtemp(scratch_dir) != NULL ? 0 : -1;
}

static int remove_scratch(void **state)
{
    return rmdir(scratch_dir);
}

/* Writes text to a file in the scratch directory; returns its path in buf. */
static const char *scratch_file(char *buf, size_t size, const char *name, const char *text)
{
    snprintf(buf, size, "%s/%s", scratch_dir, name);
    FILE *f = fopen(buf, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return buf;
}

/* --help lists every option with its default; the command is in stratum --help. */
static void test_help(void **state)
{
    run_result *r = run("evaluate", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const expected[] = {"Usage: stratum evaluate --scores FILE",
        "stratum evaluate MODEL DATA", "--score-col COL", "(default: p)", "--label-col COL",
        "--threshold T", "(default: 0.5)", "--threshold-rule R", "min-precision",
        "--beta B", "(default: 2)", "--min-recall R", "(default: 0.9)", "--min-precision P",
        "--bootstrap N", "(default: 1000)", "--by COL", "--roc-curve FILE", "--pr-curve FILE", "--seed N", "--threads N", "--format F",
        "--weight-col COL"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strstr(r->out, expected[i]) == NULL)
            fail_msg("evaluate --help lacks '%s'", expected[i]);
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "evaluate"));
    free(r);
}

/* Bad arguments and option values are usage errors (2) with one line naming the problem. */
static void test_usage_errors(void **state)
{
    char path[512];
    scratch_file(path, sizeof path, "six.csv", six_rows);
    run_result *r = run("evaluate", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected MODEL and DATA, or --scores FILE");
    free(r);
    r = run("evaluate", "--scores", path, "extra.csv", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "takes no MODEL or DATA");
    free(r);
    static const char *const bad[][3] = {
        {"--threshold-rule", "best", "--threshold-rule 'best'"}, {"--beta", "0", "--beta '0'"},
        {"--bootstrap", "-1", "--bootstrap '-1'"}, {"--min-recall", "2", "--min-recall '2'"},
        {"--min-precision", "x", "--min-precision 'x'"}, {"--threshold", "abc", "--threshold"},
        {"--format", "xml", "--format 'xml'"}, {"--seed", "-3", "--seed '-3'"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run("evaluate", "--scores", path, "--label-col", "y", bad[i][0], bad[i][1], NULL);
        if (r->exit_code != 2)
            fail_msg("%s %s: exit %d, expected 2", bad[i][0], bad[i][1], r->exit_code);
        assert_one_error_line(r, bad[i][2]);
        free(r);
    }
    r = run("evaluate", "--scores", path, "--threshold", "0.3", "--threshold-rule", "f1", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "exclude each other");
    free(r);
    r = run("evaluate", "--scores", path, "--no-such-option", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    unlink(path);
}

/* Unreadable or unusable input fails (1) with one line saying why. */
static void test_failures(void **state)
{
    char path[512], model[512];
    run_result *r = run("evaluate", "--scores", "/nonexistent/s.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "/nonexistent/s.csv");
    free(r);
    scratch_file(path, sizeof path, "six.csv", six_rows);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--score-col", "q", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "no score column named 'q'");
    free(r);
    scratch_file(path, sizeof path, "nan.csv", "p,y\n0.5,1\nNA,0\n");
    r = run("evaluate", "--scores", path, "--label-col", "y", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "nan.csv: row 2 (of the rows read) has no score in column 'p'");
    free(r);
    unlink(path);
    scratch_file(model, sizeof model, "g.model", "stratum-model 1 gbdt\n");
    r = run("evaluate", model, CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "g.model:1: the file is truncated");
    free(r);
    unlink(model);
    r = run("evaluate", CLI_DATA "/small.csv", CLI_DATA "/small.csv", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "not a model file: expected 'stratum-model 1 logreg' or "
                             "'stratum-model 1 gbdt'");
    free(r);
}

/* The text report: the table with CIs, the confusion matrix; undefined values say so. */
static void test_text_report(void **state)
{
    char path[512];
    scratch_file(path, sizeof path, "six.csv", six_rows);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--bootstrap", "50",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    assert_non_null(strstr(r->out, "rows       6 (3 positive, 3 negative)"));
    assert_non_null(strstr(r->out, "threshold  0.5 (fixed)"));
    assert_non_null(strstr(r->out, "50 bootstrap resamples, seed 42\n"
                                   "           (only 3 positive rows: the intervals "
                                   "understate the uncertainty, down to width 0)\n"));
    assert_non_null(strstr(r->out, "\nROC-AUC                      0.7778     0."));
    assert_non_null(strstr(r->out, "\nPR-AUC                       0.8056"));
    assert_non_null(strstr(r->out, "actual 1                  3              0"));
    free(r);
    /* with weights the last row (weight 0) drops out; above every score nothing is
     * predicted positive, so precision is undefined */
    r = run("evaluate", "--scores", path, "--label-col", "y", "--weight-col", "w",
            "--threshold", "0.95", "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "weights    3 positive, 2 negative"));
    /* an undefined value gets its reason and no interval */
    assert_non_null(strstr(r->out, "\nprecision                    undefined (nothing predicted "
                                   "positive)\n"));
    assert_non_null(strstr(r->out, "CIs        none (--bootstrap 0)"));
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--threshold-rule", "min-recall",
            "--min-recall", "0.5", "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "threshold  0.7 (highest with recall >= 0.5)"));
    free(r);
    unlink(path);
}

/* JSON follows the documented schema; csv and markdown carry the same table. */
static void test_machine_formats(void **state)
{
    char path[512];
    scratch_file(path, sizeof path, "six.csv", six_rows);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--format", "json",
                        "--threshold-rule", "f1", "--bootstrap", "20", "--seed", "3", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char *const json[] = {"\"schema\": \"stratum-evaluate 1\"",
        "\"source\": {\"scores\": ", "\"score_col\": \"p\"}", "\"rows\": 6, \"n_positive\": 3",
        "\"threshold\": {\"rule\": \"f1\", \"value\": 0.59999999999999998",
        "\"bootstrap\": {\"resamples\": 20, \"seed\": 3, \"level\": 0.95, \"stratified\": "
        "false}",
        "\"roc_auc\": {\"value\": 0.77777777777777779, \"defined\": true, \"ci_low\": ",
        "\"calibration_slope\": {", "\"delong\": {\"variance\": 0.061728395061728",
        "\"confusion\": {\"tp\": 3, \"fp\": 1, \"tn\": 2, \"fn\": 0}", "\"calibration\": []"};
    for (size_t i = 0; i < sizeof json / sizeof json[0]; i++)
        if (strstr(r->out, json[i]) == NULL)
            fail_msg("JSON lacks '%s' in:\n%s", json[i], r->out);
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--format", "csv", "--bootstrap",
            "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_true(starts_with(r->out, "metric,value,ci_low,ci_high\nroc_auc,0.77777777777777779,,\n"));
    assert_non_null(strstr(r->out, "\ntp,3,,\n"));
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--format", "markdown",
            "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "| metric | value | 95% CI |"));
    assert_non_null(strstr(r->out, "| ROC-AUC | 0.7778 | - |"));
    free(r);
    unlink(path);
}

/* --roc-curve and --pr-curve write CSV files; an input file is never overwritten. */
static void test_curve_files(void **state)
{
    char path[512], roc[512], pr[512], text[4096];
    scratch_file(path, sizeof path, "six.csv", six_rows);
    snprintf(roc, sizeof roc, "%s/roc.csv", scratch_dir);
    snprintf(pr, sizeof pr, "%s/pr.csv", scratch_dir);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--bootstrap", "0",
                        "--roc-curve", roc, "--pr-curve", pr, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    slurp(roc, text, sizeof text);
    assert_true(starts_with(text, "threshold,fpr,tpr\ninf,0,0\n0.90000000000000002,0,0.333"));
    slurp(pr, text, sizeof text);
    assert_true(starts_with(text, "threshold,precision,recall\n0.90000000000000002,1,0.333"));
    r = run("evaluate", "--scores", path, "--label-col", "y", "--roc-curve", path, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    slurp(path, text, sizeof text);
    assert_string_equal(text, six_rows);
    unlink(roc);
    unlink(pr);
    unlink(path);
}

/* --by evaluates each level at the threshold chosen on all rows; missing values form their
 * own group; a missing column or one of too many values fails. */
static void test_by_group(void **state)
{
    char path[512];
    scratch_file(path, sizeof path, "groups.csv",
                 "p,y,sex\n0.9,1,F\n0.8,0,M\n0.7,1,F\n0.6,1,M\n0.5,0,\n0.4,0,F\n");
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "sex",
                        "--threshold-rule", "f1", "--bootstrap", "0", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    /* all rows: max F1 at 0.6; F = 0.9+ 0.7+ 0.4-: tp 2 fp 0 tn 1 fn 0 */
    static const char *const json[] = {
        "\"subgroups\": {\"column\": \"sex\", \"threshold\": 0.59999999999999998",
        "{\"value\": \"F\", \"rows\": 3, \"n_positive\": 2, \"n_negative\": 1",
        "\"confusion\": {\"tp\": 2, \"fp\": 0, \"tn\": 1, \"fn\": 0}",
        "{\"value\": \"M\", \"rows\": 2", "{\"value\": \"(missing)\", \"rows\": 1"};
    for (size_t i = 0; i < sizeof json / sizeof json[0]; i++)
        if (strstr(r->out, json[i]) == NULL)
            fail_msg("JSON lacks '%s' in:\n%s", json[i], r->out);
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "sex", "--bootstrap", "20",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "by sex, at threshold 0.5 (fixed)\n"));
    assert_non_null(strstr(r->out, "\nF                       3        2  1.000"));
    /* F (2 positive, 1 negative), M (1 and 1) and the missing group (one negative row,
     * whose Brier interval has width 0) all rest on too few rows: the one-class, one-row
     * group counts too */
    assert_non_null(strstr(r->out, "\n(3 groups with fewer than 10 positive or negative rows: "
                                   "their intervals understate the uncertainty, down to "
                                   "width 0)\n"));
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "site", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "--by site: no such column");
    free(r);
    char many[4096] = "p,y,id\n";
    for (int i = 0; i < 120; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "0.%d,%d,%d\n", i % 10, i % 2, i);
    scratch_file(path, sizeof path, "many.csv", many);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "id", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "more than 100 distinct values");
    free(r);
    unlink(path);
    snprintf(path, sizeof path, "%s/groups.csv", scratch_dir);
    unlink(path);
}

/* MODEL DATA: a logistic regression trained by stratum train is evaluated on its data. */
/* An undefined metric says why: scores of another scale than probabilities (warned about
 * once, naming the first), weights that sum to 0 (not "only one class"). */
static void test_undefined_reasons(void **state)
{
    (void)state;
    char path[512];
    scratch_file(path, sizeof path, "pct.csv", "label,p\n1,3.2\n0,-1.5\n1,0.7\n0,-2\n");
    run_result *r = run("evaluate", "--scores", path, "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    char want[1024];
    snprintf(want, sizeof want, "stratum: warning: %s: 3 scores outside [0, 1] (the first, "
             "row 1 of the rows read: 3.2): not probabilities, so log loss, Brier and "
             "calibration are undefined and a threshold applies to the scores as they are\n",
             path);
    assert_string_equal(r->err, want);
    assert_non_null(strstr(r->out, "\nlog loss                     undefined (scores outside "
                                   "[0, 1])\n"));
    assert_non_null(strstr(r->out, "\ncalibration slope            undefined (scores "
                                   "outside [0, 1])\n"));
    assert_non_null(strstr(r->out, "\nROC-AUC                      1.0000"));
    free(r);
    unlink(path);
    scratch_file(path, sizeof path, "w0.csv", "label,p,w\n1,0.9,0\n0,0.2,0\n1,0.6,2\n0,0.4,0\n");
    r = run("evaluate", "--scores", path, "--weight-col", "w", "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nROC-AUC                      undefined (the negative "
                                   "rows' weights sum to 0)\n"));
    assert_non_null(strstr(r->out, "\nprecision                    1.0000"));
    free(r);
    unlink(path);
}

static void test_model_and_data(void **state)
{
    char model[512];
    snprintf(model, sizeof model, "%s/small.model", scratch_dir);
    run_result *r = run("train", "logreg", "--lambda", "1e-4", "-q", CLI_DATA "/small.csv", "-o", model, "--lambda",
                        "0.1", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("evaluate", model, CLI_DATA "/small.csv", "--bootstrap", "30", "--threads", "2",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "(logreg) on "));
    assert_non_null(strstr(r->out, "rows       5 (2 positive, 3 negative)"));
    assert_non_null(strstr(r->out, "ROC-AUC"));
    free(r);
    r = run("evaluate", model, CLI_DATA "/small.csv", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"model_kind\": \"logreg\""));
    free(r);
    unlink(model);
}

/* The whole of a file, or "" (the tests' reports are far below size). */
static char *slurp_file(const char *path)
{
    enum { SIZE = 1 << 21 };
    char *buf = malloc(SIZE);
    assert_non_null(buf);
    slurp(path, buf, SIZE);
    return buf;
}

/* An interval of width 0 is named under the table (recall 0 of 20 positives found: every
 * resample agrees, which is no certainty); a table without one has no such line. */
static void test_zero_width_note(void **state)
{
    (void)state;
    char text[8192] = "p,y,g\n";
    size_t used = strlen(text);
    for (int i = 0; i < 200; i++) /* positives score 0.00-0.19, negatives 0.00-0.59 */
        used += (size_t)snprintf(text + used, sizeof text - used, "%.4f,%d,%c\n",
                                 i < 20 ? 0.01 * i : 0.003 * i, i < 20, "ab"[i % 2]);
    char path[512];
    scratch_file(path, sizeof path, "zero_width.csv", text);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--threshold", "0.7",
                        "--bootstrap", "100", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nnote: recall, specificity, "));
    assert_non_null(strstr(r->out, "an interval of width 0: every resample gave the same value"));
    free(r);
    /* --by says the same of its groups: a and b, 10 positives and 90 negatives each, find
     * none of their positives either */
    char html[600];
    snprintf(html, sizeof html, "%s/zero_width.html", scratch_dir);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--threshold", "0.7",
            "--bootstrap", "100", "--by", "g", "--report", html, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\n(intervals of width 0 in group a, b: every resample gave "
                                   "the same value"));
    free(r);
    char *page = slurp_file(html); /* and the report says the same */
    assert_non_null(strstr(page, "Intervals of width 0 in group a, b: every resample gave the "
                                 "same value"));
    assert_non_null(strstr(page, "Recall, specificity, "));
    free(page);
    unlink(html);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--threshold", "0.1",
            "--bootstrap", "100", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "width 0"));
    free(r);
    unlink(path);
}

/* The rows of the --by group named name in JSON, checking its "missing" flag. */
static long group_rows(const char *json, const char *name, int missing)
{
    char want[400];
    snprintf(want, sizeof want, "{\"value\": \"%s\", \"rows\": ", name);
    const char *at = strstr(json, want);
    if (at == NULL)
        fail_msg("JSON lacks '%s' in:\n%s", want, json);
    const char *flag = strstr(at, "\"missing\": ");
    assert_non_null(flag);
    assert_int_equal(strncmp(flag + 11, missing ? "true" : "false", missing ? 4 : 5), 0);
    return strtol(at + strlen(want), NULL, 10);
}

/* --by on a column of numbers groups the cells by their texts as written: ids above
 * 16,777,216 that a 32-bit float would merge (100000001 .. 100000004 are all 1e8 as
 * floats) stay four groups under their own names, and 0.1 is "0.1", not the float's
 * 0.100000001. The groups are in ascending order of value. */
static void test_by_numbers_as_written(void **state)
{
    (void)state;
    char text[8192] = "p,y,site,dose\n", path[512];
    size_t used = strlen(text);
    static const char *const doses[] = {"0.1", "0.2", "-0.5"};
    for (int i = 0; i < 40; i++) /* site 100000001 + i % 4, with i % 4 + 3 ... rows each */
        used += (size_t)snprintf(text + used, sizeof text - used, "0.%02d,%d,%d,%s\n",
                                 10 + 2 * i, i % 3 == 0, 100000001 + i % 4, doses[i % 3]);
    scratch_file(path, sizeof path, "sites.csv", text);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "site",
                        "--bootstrap", "0", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    const char *first = strstr(r->out, "\"value\": \"100000001\"");
    const char *last = strstr(r->out, "\"value\": \"100000004\"");
    assert_non_null(first);
    assert_non_null(last);
    assert_true(first < last);
    for (int k = 1; k <= 4; k++) {
        char name[16];
        snprintf(name, sizeof name, "10000000%d", k);
        assert_int_equal(group_rows(r->out, name, 0), 10);
    }
    assert_null(strstr(r->out, "\"value\": \"100000000\""));
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "dose", "--bootstrap",
            "0", NULL);
    assert_int_equal(r->exit_code, 0);
    const char *neg = strstr(r->out, "\n-0.5 "), *tenth = strstr(r->out, "\n0.1 ");
    assert_non_null(neg);
    assert_non_null(tenth);
    assert_true(neg < tenth); /* ascending by value */
    assert_non_null(strstr(r->out, "\n0.2 "));
    assert_null(strstr(r->out, "0.100000001"));
    free(r);
    unlink(path);
}

/* Group names are whole: levels of 300 bytes that differ only in their last byte stay
 * apart, a name of 128 bytes ending in a two-byte UTF-8 character keeps it whole (the
 * output stays valid UTF-8), a level written "(missing)" is not the group of missing
 * values, and markdown escapes a '|' in a name (and in the column's name). */
static void test_by_names_whole(void **state)
{
    (void)state;
    char a300[301], b300[301], utf[160], text[16384] = "p,y,\"g|rp\"\n", path[512];
    memset(a300, 'L', 300);
    a300[300] = '\0';
    memcpy(b300, a300, sizeof b300);
    b300[299] = 'M';
    memset(utf, 'a', 126);
    memcpy(utf + 126, "\xc3\xa9", 3); /* 126 bytes and an e-acute: 128 bytes */
    const char *names[] = {a300, b300, utf, "(missing)", "", "a|b"};
    size_t used = strlen(text);
    for (int i = 0; i < 36; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "0.%02d,%d,%s\n", 10 + 2 * i,
                                 i % 2, names[i % 6]);
    scratch_file(path, sizeof path, "names.csv", text);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "g|rp",
                        "--bootstrap", "0", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(group_rows(r->out, a300, 0), 6);
    assert_int_equal(group_rows(r->out, b300, 0), 6);
    assert_int_equal(group_rows(r->out, utf, 0), 6);
    assert_int_equal(group_rows(r->out, "(missing)", 0), 6);
    assert_int_equal(group_rows(r->out, "(missing value)", 1), 6);
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "g|rp", "--bootstrap",
            "0", "--format", "markdown", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nby g\\|rp, at threshold 0.5 (fixed)\n"));
    assert_non_null(strstr(r->out, "\n| a\\|b | 6 | 6 | ")); /* odd rows: positive */
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "g|rp", "--bootstrap",
            "0", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    char want[400];
    snprintf(want, sizeof want, "\nroc_auc[g|rp=%s],", b300);
    assert_non_null(strstr(r->out, want));
    free(r);
    unlink(path);
}

/* When no threshold meets the rule (precision 1 is reached at no score), nothing is shown
 * at one: no confusion matrix (not "every row negative"), precision says why it is
 * undefined, and the --by line names no threshold. */
static void test_no_threshold(void **state)
{
    (void)state;
    char path[512], html[600];
    scratch_file(path, sizeof path, "none.csv", "g,p,label\na,0.9,0\na,0.8,1\nb,0.7,0\n"
                                                "b,0.2,1\nb,0.1,0\n");
    snprintf(html, sizeof html, "%s/none.html", scratch_dir);
    run_result *r = run("evaluate", "--scores", path, "--by", "g", "--threshold-rule",
                        "min-precision", "--min-precision", "1", "--bootstrap", "0", "--report",
                        html, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nprecision                    undefined (no threshold "
                                   "meets the rule)\n"));
    assert_non_null(strstr(r->out, "\nconfusion matrix: none, as no threshold meets the "
                                   "rule\n"));
    assert_null(strstr(r->out, "actual 1"));
    assert_non_null(strstr(r->out, "\nby g, at no threshold: none meets the rule on all rows"));
    assert_null(strstr(r->out, "nan"));
    free(r);
    char *page = slurp_file(html);
    assert_non_null(strstr(page, "No threshold meets the rule, so no row is predicted"));
    assert_non_null(strstr(page, "No threshold meets the rule, so every metric at a "
                                 "threshold is undefined."));
    assert_null(strstr(page, "the threshold the rule chose on all rows"));
    free(page);
    unlink(html);
    r = run("evaluate", "--scores", path, "--by", "g", "--threshold-rule", "min-precision",
            "--min-precision", "1", "--bootstrap", "0", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"confusion\": {\"tp\": null, \"fp\": null, \"tn\": null, "
                                   "\"fn\": null}"));
    assert_null(strstr(r->out, "\"tn\": 3"));
    free(r);
    unlink(path);
}

/* The HTML report names the bootstrap that was run (by default rows drawn from all rows,
 * not stratified) and carries the text's caveats: too few positives, intervals of width 0,
 * and the --by groups of few rows. */
static void test_report_caveats(void **state)
{
    (void)state;
    char text[8192] = "p,y,grp\n", path[512], html[600];
    size_t used = strlen(text);
    for (int i = 0; i < 120; i++) /* 4 positives, scoring above every negative */
        used += (size_t)snprintf(text + used, sizeof text - used, "%.3f,%d,%c\n",
                                 i < 4 ? 0.9 + 0.01 * i : 0.001 * i, i < 4, "uv"[i % 2]);
    scratch_file(path, sizeof path, "few.csv", text);
    snprintf(html, sizeof html, "%s/few.html", scratch_dir);
    run_result *r = run("evaluate", "--scores", path, "--label-col", "y", "--by", "grp",
                        "--bootstrap", "100", "--threads", "1", "--report", html, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *page = slurp_file(html);
    assert_non_null(strstr(page, "100 bootstrap resamples, seed 42 (only 4 positive rows: the "
                                 "intervals understate the uncertainty, down to width 0)"));
    assert_null(strstr(page, "stratified"));
    assert_non_null(strstr(page, "Intervals: bootstrap percentiles"));
    assert_non_null(strstr(page, "ROC-AUC, PR-AUC"));
    assert_non_null(strstr(page, "an interval of width 0: every resample gave the same "
                                 "value"));
    assert_non_null(strstr(page, "2 groups have fewer than 10 positive or negative rows"));
    /* separable scores: the calibration fit has no maximum, so neither a value nor an
     * interval (no data-low on its "undefined" cell) */
    const char *slope = strstr(page, "calibration slope");
    assert_non_null(slope);
    const char *cell_end = strstr(slope, "</td>");
    assert_non_null(cell_end);
    const char *low = strstr(slope, "data-low");
    assert_true(low == NULL || low > cell_end);
    assert_non_null(strstr(slope, "undefined"));
    free(page);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--bootstrap", "100",
            "--stratified-bootstrap", "--threads", "1", "--report", html, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    page = slurp_file(html);
    assert_non_null(strstr(page, "100 stratified bootstrap resamples"));
    assert_non_null(strstr(page, "Intervals: stratified bootstrap percentiles"));
    free(page);
    unlink(html);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--bootstrap", "100",
            "--threads", "1", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"calibration_slope\": {\"value\": null, \"defined\": "
                                   "false, \"ci_low\": null, \"ci_high\": null, "
                                   "\"ci_resamples\": 0}"));
    free(r);
    r = run("evaluate", "--scores", path, "--label-col", "y", "--bootstrap", "100",
            "--threads", "1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\ncalibration slope            undefined (the scores "
                                   "separate the classes)\n"));
    free(r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_text_report),
        cmocka_unit_test(test_machine_formats),
        cmocka_unit_test(test_curve_files),
        cmocka_unit_test(test_by_group),
        cmocka_unit_test(test_model_and_data),
        cmocka_unit_test(test_undefined_reasons),
        cmocka_unit_test(test_zero_width_note),
        cmocka_unit_test(test_by_numbers_as_written),
        cmocka_unit_test(test_by_names_whole),
        cmocka_unit_test(test_no_threshold),
        cmocka_unit_test(test_report_caveats),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
