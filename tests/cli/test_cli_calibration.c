/* Calibration and decision thresholds through the CLI, as a user meets them: train
 * --threshold-rule min-recall keeps recall >= 0.9 on its saved out-of-fold predictions
 * (checked here from the file, by hand) with the highest such threshold; predict's label
 * column is p >= threshold; evaluate uses the stored threshold; --recalibrate repairs the
 * calibration of a class-weighted model on held-out rows of a shipped cohort (a real
 * effect, asserted with a margin, for several seeds); compare --recalibrate and --oof;
 * every bad value exits 2 with one clear line. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#include <math.h>

static char dir[] = "/tmp/stratum_cli_calibration_XXXXXX";
static char train_csv[600], test_csv[600], small_csv[600];

static void path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* The shipped thyroid cohort (3772 rows, 6% positive), split by row: every third row is
 * held out. Also a 40-row file for the error cases. */
static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    path(train_csv, sizeof train_csv, "train.csv");
    path(test_csv, sizeof test_csv, "test.csv");
    path(small_csv, sizeof small_csv, "small.csv");
    FILE *in = fopen(STRATUM_DATASETS "/thyroid_sick.csv", "r");
    FILE *tr = fopen(train_csv, "w"), *te = fopen(test_csv, "w"), *sm = fopen(small_csv, "w");
    if (!in || !tr || !te || !sm)
        return -1;
    static char line[8192];
    for (long i = -1; fgets(line, sizeof line, in) != NULL; i++) {
        if (i < 0 || i % 3 != 0)
            fputs(line, tr);
        if (i < 0 || i % 3 == 0)
            fputs(line, te);
    }
    fprintf(sm, "x,label\n");
    for (int i = 0; i < 40; i++)
        fprintf(sm, "%d,%d\n", i, (i * 7) % 10 < 3);
    fclose(in), fclose(tr), fclose(te), fclose(sm);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"train.csv", "test.csv", "small.csv", "oof.csv",
                                        "m.model", "raw.model", "cal.model", "p.csv",
                                        "compare_oof.csv"};
    char p[700];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path(p, sizeof p, names[i]);
        unlink(p);
    }
    return rmdir(dir);
}

/* The value after "key " on its own line of a file's text. */
static double file_number(const char *text, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\n%s ", key);
    const char *at = strstr(text, pattern);
    assert_non_null(at);
    return strtod(at + strlen(pattern), NULL);
}

static char *read_file(const char *p)
{
    char *buf = malloc(1 << 22);
    assert_non_null(buf);
    slurp(p, buf, 1 << 22);
    return buf;
}

/* train --threshold-rule min-recall 0.9: on the out-of-fold file, rows with p >= the stored
 * threshold hold >= 90% of the positives, and no higher distinct p would; predict labels
 * exactly p >= threshold; evaluate reports the stored threshold. */
static void test_min_recall_rule(void **state)
{
    (void)state;
    char model[700], oof[700], pred[700];
    path(model, sizeof model, "m.model");
    path(oof, sizeof oof, "oof.csv");
    path(pred, sizeof pred, "p.csv");
    run_result *r = run("train", "logreg", "--lambda", "1e-4", train_csv, "-o", model, "--class-weight", "balanced",
                        "--recalibrate", "platt", "--threshold-rule", "min-recall",
                        "--min-recall", "0.9", "--oof", oof, "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "recalibration: platt"));
    assert_non_null(strstr(r->err, "chosen by min-recall 0.9"));
    free(r);
    char *text = read_file(model);
    assert_non_null(strstr(text, "\nthreshold_rule min-recall 0.9\n"));
    double t = file_number(text, "threshold");
    free(text);
    assert_true(t > 0 && t < 1);

    /* the out-of-fold file: row,fold,label,p_raw,p */
    text = read_file(oof);
    assert_int_equal(strncmp(text, "row,fold,label,p_raw,p\n", 23), 0);
    size_t n = 0, pos = 0, pos_kept = 0;
    double *p = malloc(4000 * sizeof *p);
    int *y = malloc(4000 * sizeof *y);
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        long row, fold;
        double raw;
        assert_int_equal(sscanf(line, "%ld,%ld,%d,%lf,%lf", &row, &fold, &y[n], &raw, &p[n]), 5);
        assert_int_equal(row, (long)n + 1);
        assert_true(fold >= 1 && fold <= 5);
        pos += y[n] == 1;
        pos_kept += y[n] == 1 && p[n] >= t;
        n++;
    }
    free(text);
    assert_true(n > 2000);
    assert_true((double)pos_kept >= 0.9 * (double)pos);
    /* the next distinct out-of-fold value above t keeps fewer than 90% */
    double next = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (p[i] > t && p[i] < next)
            next = p[i];
    size_t kept_next = 0;
    for (size_t i = 0; i < n; i++)
        kept_next += y[i] == 1 && p[i] >= next;
    assert_true((double)kept_next < 0.9 * (double)pos);
    free(p), free(y);

    /* predict: p,predicted_label with predicted_label = p >= threshold */
    r = run("predict", model, test_csv, "-o", pred, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    text = read_file(pred);
    assert_int_equal(strncmp(text, "p,predicted_label\n", 18), 0);
    size_t rows = 0, ones = 0;
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double q;
        int label;
        assert_int_equal(sscanf(line, "%lf,%d", &q, &label), 2);
        assert_int_equal(label, q >= t);
        ones += (size_t)label;
        rows++;
    }
    free(text);
    assert_int_equal(rows, 1258);
    assert_true(ones > 0 && ones < rows);
    /* --threshold overrides */
    r = run("predict", model, test_csv, "--threshold", "1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, ",1\n"));
    free(r);

    /* evaluate takes the stored threshold by default, and says so */
    r = run("evaluate", model, test_csv, "--bootstrap", "0", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"from_model\": true"));
    char want[64];
    snprintf(want, sizeof want, "\"value\": %.17g", t);
    assert_non_null(strstr(r->out, want));
    free(r);
    r = run("evaluate", model, test_csv, "--bootstrap", "0", NULL);
    assert_non_null(strstr(r->out, "stored in the model, chosen by min-recall 0.9"));
    free(r);
    r = run("evaluate", model, test_csv, "--bootstrap", "0", "--threshold", "0.5", "--format",
            "json", NULL);
    assert_non_null(strstr(r->out, "\"from_model\": false"));
    assert_non_null(strstr(r->out, "\"value\": 0.5,"));
    free(r);
}

/* Brier score and log loss of evaluate --format csv. */
static void held_out_scores(const char *model, double *brier, double *log_loss)
{
    run_result *r = run("evaluate", model, test_csv, "--bootstrap", "0", "--format", "csv",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    const char *b = strstr(r->out, "\nbrier,"), *l = strstr(r->out, "\nlog_loss,");
    assert_non_null(b);
    assert_non_null(l);
    *brier = strtod(b + 7, NULL);
    *log_loss = strtod(l + 10, NULL);
    free(r);
}

/* A balanced-weight logistic regression overstates the risk on held-out rows; recalibrated
 * with Platt or isotonic on out-of-fold predictions its Brier score and log loss drop by
 * a wide margin, whatever the seed of the inner folds. (On this split the weighted model
 * scores Brier about 0.07 and log loss 0.25; recalibrated, about 0.03 and 0.12.) */
static void test_recalibration_repairs_weighting(void **state)
{
    (void)state;
    char raw[700], cal[700];
    path(raw, sizeof raw, "raw.model");
    path(cal, sizeof cal, "cal.model");
    run_result *r = run("train", "logreg", "--lambda", "1e-4", train_csv, "-o", raw, "--class-weight", "balanced",
                        "-q", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    double b0, l0;
    held_out_scores(raw, &b0, &l0);
    static const char *const seeds[] = {"1", "7", "2024"};
    static const char *const methods[] = {"platt", "isotonic"};
    for (int m = 0; m < 2; m++)
        for (int s = 0; s < 3; s++) {
            r = run("train", "logreg", "--lambda", "1e-4", train_csv, "-o", cal, "--class-weight", "balanced",
                    "--recalibrate", methods[m], "--seed", seeds[s], "-q", "--format", "csv",
                    NULL);
            assert_int_equal(r->exit_code, 0);
            free(r);
            double b1, l1;
            held_out_scores(cal, &b1, &l1);
            if (!(b1 < b0 - 0.02 && l1 < l0 - 0.05))
                fail_msg("%s, seed %s: Brier %g -> %g, log loss %g -> %g", methods[m],
                         seeds[s], b0, b1, l0, l1);
        }
}

/* gbdt with isotonic recalibration and a fixed threshold: the model file carries both,
 * and predict labels at it. */
static void test_gbdt_fixed_threshold(void **state)
{
    (void)state;
    char model[700];
    path(model, sizeof model, "m.model");
    run_result *r = run("train", "gbdt", "--num-trees", "100", train_csv, "-o", model, "--num-trees", "30",
                        "--recalibrate", "isotonic", "--threshold", "0.3", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *text = read_file(model);
    assert_non_null(strstr(text, "\ncalibration isotonic "));
    assert_non_null(strstr(text, "\nthreshold 0.3\nthreshold_rule fixed\n"));
    free(text);
    r = run("predict", model, test_csv, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "p,predicted_label\n", 18), 0);
    for (char *line = strchr(r->out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double q;
        int label;
        assert_int_equal(sscanf(line, "%lf,%d", &q, &label), 2);
        assert_true(q >= 0 && q <= 1);
        assert_int_equal(label, q >= 0.3);
    }
    free(r);
    /* a model without a threshold predicts p only */
    r = run("train", "gbdt", "--num-trees", "100", train_csv, "-o", model, "--num-trees", "5", "-q", NULL);
    free(r);
    r = run("predict", model, test_csv, NULL);
    assert_int_equal(strncmp(r->out, "p\n", 2), 0);
    free(r);
}

/* compare --recalibrate: a calibrated row after each setting; its "none" rows are the
 * rows compare gives without it; the calibrated balanced row has a far better Brier
 * score; --oof has a column per row. */
static void test_compare(void **state)
{
    (void)state;
    char oof[700];
    path(oof, sizeof oof, "compare_oof.csv");
    run_result *plain = run("compare", "--lambda", "1e-4", "--num-trees", "100", train_csv, "--models", "logreg", "--weights",
                            "none,balanced", "--format", "csv", "-q", NULL);
    assert_int_equal(plain->exit_code, 0);
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", train_csv, "--models", "logreg", "--weights",
                        "none,balanced", "--recalibrate", "platt", "--format", "csv", "-q",
                        "--oof", oof, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "model,weight,calibration,roc_auc_mean", 37), 0);
    /* line k of plain (after the header) is line 2k-1 of r without ",none" */
    const char *pl = strchr(plain->out, '\n') + 1, *rl = strchr(r->out, '\n') + 1;
    double brier[4];
    for (int k = 0; k < 4; k++) {
        const char *end = strchr(rl, '\n');
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)(end - rl), rl);
        char *third = strchr(strchr(line, ',') + 1, ',');
        assert_int_equal(strncmp(third, k % 2 ? ",platt," : ",none,", k % 2 ? 7 : 6), 0);
        /* brier_mean is the 6th metric: 4 fields each after model,weight,calibration */
        const char *f = line;
        for (int c = 0; c < 3 + 5 * 4; c++)
            f = strchr(f, ',') + 1;
        brier[k] = strtod(f, NULL);
        if (k % 2 == 0) { /* every field but the best marks, which the new rows change */
            memmove(third, third + 5, strlen(third + 5) + 1); /* drop ",none" */
            const char *pend = strchr(pl, '\n'), *a = line, *b = pl;
            for (int idx = 0; idx < 2 + 7 * 4; idx++) {
                size_t la = strcspn(a, ",\n"), lb = strcspn(b, ",\n");
                if (idx < 2 || (idx - 2) % 4 != 3) {
                    assert_int_equal(la, lb);
                    assert_memory_equal(a, b, la);
                }
                a += la + 1, b += lb + 1;
            }
            pl = pend + 1;
        }
        rl = end + 1;
    }
    assert_true(brier[3] < brier[2] - 0.02); /* balanced: repaired */
    assert_true(fabs(brier[1] - brier[0]) < 0.01); /* unweighted: little to repair */
    free(plain), free(r);
    char *text = read_file(oof);
    assert_int_equal(strncmp(text, "row,fold,repeat,label,logreg_none,logreg_none_platt,"
                             "logreg_balanced,logreg_balanced_platt\n", 89), 0);
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 2514);
    free(text);
}

/* Bad values: one line on stderr, exit 2 (usage) or 1 (data). */
static void test_bad_values(void **state)
{
    (void)state;
    char model[700], oof[700];
    path(model, sizeof model, "m.model");
    path(oof, sizeof oof, "oof.csv");
    struct {
        const char *args[12];
        int code;
        const char *message;
    } cases[] = {
        {{"train", "logreg", small_csv, "-o", model, "--recalibrate", "sigmoid"}, 2,
         "--recalibrate 'sigmoid': expected platt, isotonic or none"},
        {{"train", "gbdt", small_csv, "-o", model, "--calibration-folds", "1"}, 2,
         "--calibration-folds '1'"},
        {{"train", "logreg", small_csv, "-o", model, "--threshold", "1.5"}, 2,
         "--threshold 1.5: expected a number from 0 to 1"},
        {{"train", "logreg", small_csv, "-o", model, "--threshold", "0.2", "--threshold-rule",
          "f1"}, 2, "exclude each other"},
        {{"train", "logreg", small_csv, "-o", model, "--threshold-rule", "best"}, 2,
         "--threshold-rule 'best'"},
        {{"train", "logreg", small_csv, "-o", model, "--min-recall", "1.1"}, 2,
         "--min-recall '1.1'"},
        {{"train", "logreg", small_csv, "-o", model, "--oof", oof}, 2,
         "it needs --recalibrate or --threshold-rule"},
        {{"train", "logreg", small_csv, "--lambda-path", "--recalibrate", "platt"}, 2,
         "--lambda-path fits a path"},
        {{"predict", model, small_csv, "--threshold", "-0.1"}, 2, "--threshold '-0.1'"},
        {{"compare", small_csv, "--recalibrate", "beta"}, 2, "--recalibrate 'beta'"},
        /* a parameter without what it parameterises would be dropped: refused */
        {{"train", "logreg", small_csv, "-o", model, "--beta", "3"}, 2,
         "--beta applies to --threshold-rule fbeta"},
        {{"train", "gbdt", small_csv, "-o", model, "--min-precision", "0.7", "--threshold-rule",
          "f1"}, 2, "--min-precision applies to --threshold-rule min-precision"},
        {{"train", "logreg", small_csv, "-o", model, "--calibration-folds", "3"}, 2,
         "--calibration-folds sets the inner cross-validation of --recalibrate or "
         "--threshold-rule; neither is given"},
        {{"train", "logreg", small_csv, "-o", model, "--lambda", "0.1", "--lambda-rule", "1se"},
         2, "--lambda-rule 1se chooses lambda by cross-validation; with --lambda 0.1 given"},
        {{"cv", "logreg", small_csv, "--lambda", "0.1", "--lambda-rule", "1se"}, 2,
         "--lambda-rule 1se chooses lambda"},
        {{"evaluate", model, small_csv, "--min-recall", "0.5"}, 2,
         "--min-recall applies to --threshold-rule min-recall"},
        {{"predict", model, small_csv, "--contrib", "--threshold", "0.3"}, 2,
         "--threshold labels the rows of the probabilities' table; the --contrib table has "
         "no label column"},
        {{"train", "logreg", small_csv, "-o", model, "--recalibrate", "platt",
          "--calibration-folds", "50"}, 1,
         "inner cross-validation (--calibration-folds 50): folds: 40 rows cannot make 50"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char **a = cases[i].args;
        run_result *r = run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
                            a[11], NULL);
        if (r->exit_code != cases[i].code)
            fail_msg("case %zu: exit %d, expected %d; stderr: %s", i, r->exit_code,
                     cases[i].code, r->err);
        assert_one_error_line(r, cases[i].message);
        free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_recall_rule),
        cmocka_unit_test(test_recalibration_repairs_weighting),
        cmocka_unit_test(test_gbdt_fixed_threshold),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
