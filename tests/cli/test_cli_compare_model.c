/* stratum compare --model FILE as a user meets it: models trained with 'stratum train' on
 * half of wdbc, scored on the folds of all of it. Their --oof columns must be what 'stratum
 * predict' gives for every row (the model is not refitted), their table rows the mean over
 * the folds of each fold's ROC-AUC and Brier score computed here from those predictions and
 * the folds of the --oof file (a rank-sum AUC with ties); the rows appear in every format
 * and in --report, take part in the best marks, and a bad --model fails with one line. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "test_util.h"

#include <math.h>

#define N_COLS 7

static char scratch_dir[] = "/tmp/stratum_cli_compare_model_XXXXXX";
static char data_path[600], half_path[600], gbdt_path[600], logreg_path[600];

static const char *const metrics[N_COLS] = {"roc_auc", "pr_auc", "precision", "recall", "f1",
                                            "brier", "log_loss"};


static void scratch(char *buf, const char *name)
{
    snprintf(buf, 600, "%s/%s", scratch_dir, name);
}

/* half.csv: wdbc's header and every other row; a gbdt and a logreg model trained on it. */
static int setup(void **state)
{
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/wdbc.csv", STRATUM_DATASETS);
    scratch(half_path, "half.csv");
    scratch(gbdt_path, "trees.model");
    scratch(logreg_path, "linear.model");
    FILE *in = fopen(data_path, "r"), *out = fopen(half_path, "w");
    if (in == NULL || out == NULL)
        return -1;
    char line[8192];
    for (int i = 0; fgets(line, sizeof line, in) != NULL; i++)
        if (i % 2 == 0)
            fputs(line, out);
    fclose(in);
    if (fclose(out) != 0)
        return -1;
    run_result *r = run("train", "gbdt", "--num-trees", "100", half_path, "-o", gbdt_path, "--num-trees", "15",
                        "--num-leaves", "4", "--ignore", "id", "-q", NULL);
    int bad = r->exit_code != 0;
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", half_path, "-o", logreg_path, "--lambda", "0.05", "--ignore", "id",
            "-q", NULL);
    bad |= r->exit_code != 0;
    free(r);
    return bad ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd) == 0 ? 0 : -1;
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

static double number(const char *line, int k)
{
    char buf[64];
    field(line, k, buf, sizeof buf);
    return strtod(buf, NULL);
}

/* The line of a CSV text starting with `key`; fails when absent. */
static const char *line_of(const char *csv, const char *key)
{
    for (const char *line = csv; *line; line = strchr(line, '\n') + 1)
        if (strncmp(line, key, strlen(key)) == 0)
            return line;
    fail_msg("no line '%s' in:\n%s", key, csv);
    return NULL;
}

/* Column k's metric mean in compare's CSV line (model,weight, then 4 fields per metric). */
static double csv_mean(const char *line, int metric)
{
    return number(line, 2 + 4 * metric);
}

static int csv_best(const char *line, int metric)
{
    return (int)number(line, 2 + 4 * metric + 3);
}

/* ROC-AUC as the probability that a positive outranks a negative, ties counting half:
 * the hand-derived definition, by all pairs. */
static double auc_pairs(const double *p, const int *y, size_t n)
{
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; y[i] == 1 && j < n; j++)
            if (y[j] == 0) {
                pairs += 1;
                wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
            }
    return wins / pairs;
}

/* The predictions of 'stratum predict MODEL wdbc.csv', n of them. */
static double *predict(const char *model, size_t *n)
{
    char out[600];
    scratch(out, "p.csv");
    run_result *r = run("predict", model, data_path, "-o", out, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *text = read_all(out);
    double *p = malloc(1000 * sizeof *p);
    assert_non_null(p);
    *n = 0;
    const char *line = strchr(text, '\n') + 1; /* after the header 'p' */
    for (; *line; line = strchr(line, '\n') + 1) {
        assert_true(*n < 1000);
        p[(*n)++] = strtod(line, NULL);
    }
    free(text);
    return p;
}

/* --oof: each --model column equals 'stratum predict' of that model on every row; the
 * table's ROC-AUC and Brier of its row are the means over the folds of those computed
 * here; its model column is the file's base name, its weight "(fixed)". */
static void test_oof_and_metrics_match_predict(void **state)
{
    char oof_path[600];
    scratch(oof_path, "oof.csv");
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "logreg", "--weights", "none",
                        "--model", gbdt_path, "--model", logreg_path, "--folds", "4",
                        "--oof", oof_path, "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    char *oof = read_all(oof_path);
    assert_int_equal(strncmp(oof, "row,fold,repeat,label,logreg_none,trees.model,linear.model\n",
                             58), 0);
    const char *paths[2] = {gbdt_path, logreg_path};
    const char *keys[2] = {"trees.model,(fixed),", "linear.model,(fixed),"};
    for (int m = 0; m < 2; m++) {
        size_t n;
        double *want = predict(paths[m], &n);
        assert_int_equal(n, 569);
        double *p = malloc(n * sizeof *p);
        int *y = malloc(n * sizeof *y), *fold = malloc(n * sizeof *fold);
        assert_true(p && y && fold);
        const char *line = strchr(oof, '\n') + 1;
        for (size_t i = 0; i < n; i++, line = strchr(line, '\n') + 1) {
            assert_int_equal((size_t)number(line, 0), i + 1);
            fold[i] = (int)number(line, 1);
            y[i] = (int)number(line, 3);
            p[i] = number(line, 5 + m);
            if (p[i] != want[i])
                fail_msg("%s, row %zu: --oof %.17g, predict %.17g", keys[m], i + 1, p[i],
                         want[i]);
        }
        assert_int_equal(*line, '\0');
        double auc = 0, brier = 0;
        double *pf = malloc(n * sizeof *pf);
        int *yf = malloc(n * sizeof *yf);
        for (int f = 1; f <= 4; f++) {
            size_t k = 0;
            double sq = 0;
            for (size_t i = 0; i < n; i++)
                if (fold[i] == f) {
                    pf[k] = p[i], yf[k++] = y[i];
                    sq += (p[i] - y[i]) * (p[i] - y[i]);
                }
            assert_true(k > 100);
            auc += auc_pairs(pf, yf, k) / 4;
            brier += sq / (double)k / 4;
        }
        const char *row = line_of(r->out, keys[m]);
        assert_true(auc < 1); /* trained on half the rows: not perfect on the folds */
        assert_float_equal(csv_mean(row, 0), auc, 1e-12);
        assert_float_equal(csv_mean(row, 5), brier, 1e-12);
        free(pf), free(yf), free(p), free(y), free(fold), free(want);
    }
    free(oof);
    free(r);
}

/* The best marks of each column go to the best mean among all rows, --model rows too;
 * text and Markdown show the rows by file name; JSON gives the file as given. */
static void test_rows_in_every_format(void **state)
{
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "logreg,gbdt", "--weights",
                        "none", "--num-trees", "15", "--model", gbdt_path, "--model",
                        logreg_path, "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    const char *keys[4] = {"logreg,none,", "gbdt,none,", "trees.model,(fixed),",
                           "linear.model,(fixed),"};
    for (int k = 0; k < N_COLS; k++) {
        int lower = strcmp(metrics[k], "brier") == 0 || strcmp(metrics[k], "log_loss") == 0;
        double best = lower ? INFINITY : -INFINITY;
        for (int i = 0; i < 4; i++) {
            double v = csv_mean(line_of(r->out, keys[i]), k);
            best = lower ? fmin(best, v) : fmax(best, v);
        }
        for (int i = 0; i < 4; i++) {
            const char *line = line_of(r->out, keys[i]);
            assert_int_equal(csv_best(line, k), csv_mean(line, k) == best);
        }
    }
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "none", "--model", gbdt_path, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\nmodel        weight "));
    assert_non_null(strstr(r->out, "\ntrees.model  (fixed)    "));
    assert_non_null(strstr(r->out, "*")); /* a single row is the best of every column */
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "none", "--model", gbdt_path, "--format",
            "markdown", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\n| trees.model | (fixed) | "));
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "none", "--model", gbdt_path, "--format",
            "json", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    char want[800];
    snprintf(want, sizeof want, "{\"model\": \"trees.model\", \"weight\": \"(fixed)\", "
             "\"file\": \"%s\", \"roc_auc\": {\"mean\": ", gbdt_path);
    assert_non_null(strstr(r->out, want));
    free(r);
}

/* --report draws a curve per --model row and lists it in the table. */
static void test_report(void **state)
{
    char html_path[600];
    scratch(html_path, "r.html");
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--models", "none", "--model", gbdt_path,
                        "--model", logreg_path, "--report", html_path, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *html = read_all(html_path);
    assert_non_null(strstr(html, "trees.model (fixed model)"));
    assert_non_null(strstr(html, "linear.model (fixed model)"));
    assert_non_null(strstr(html, "never refitted"));
    free(html);
}

/* A missing file, a file that is no model, a model whose feature DATA lacks: exit 1 with
 * one line naming the file (and the feature); --ignore id, else the warning about wdbc's
 * id column would be a second line. Usage errors exit 2. An output path that is
 * a --model file is refused and the model left intact. */
static void test_errors(void **state)
{
    char missing[600];
    scratch(missing, "absent.model");
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--models", "none", "--model", missing, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "absent.model");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--models", "none", "--model", half_path, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "half.csv");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--model", logreg_path, "--ignore", "radius_mean", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "linear.model: feature 'radius_mean'");
    assert_null(strstr(r->err, "mean ROC-AUC")); /* before any setting is trained */
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--models", "none", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--models none leaves nothing to compare");
    free(r);
    char other[600];
    scratch(other, "x/trees.model");
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--model", gbdt_path, "--model", other, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "a model named 'trees.model' is already compared");
    free(r);
    /* nine distinct names (never opened: the count is a usage error) */
    static const char *const names[9] = {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"};
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--model", names[0], "--model", names[1], "--model",
            names[2], "--model", names[3], "--model", names[4], "--model", names[5], "--model",
            names[6], "--model", names[7], "--model", names[8], NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "expected at most 8 models");
    free(r);
    char *before = read_all(gbdt_path);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", data_path, "--ignore", "id", "--models", "none", "--model", gbdt_path, "--oof", gbdt_path,
            NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file (--model");
    free(r);
    char *after = read_all(gbdt_path);
    assert_string_equal(before, after);
    free(before), free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oof_and_metrics_match_predict),
        cmocka_unit_test(test_rows_in_every_format),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
