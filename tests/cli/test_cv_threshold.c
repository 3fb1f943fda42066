/* stratum cv: a threshold rule is applied to out-of-fold predictions of an inner
 * cross-validation of each training part, never to the training part's own predictions
 * nor to the test fold. The test rebuilds that procedure from the public C API (the outer
 * folds read back from --oof, the inner ones from st_folds_make with --seed, stratified,
 * 3 folds as documented) and checks the mean threshold stratum reports. With --group-col
 * the inner folds must keep each group together too (rebuilt with st_folds_make's groups),
 * or rows of one patient would sit on both sides of an inner split. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#include <math.h>

#include <stratum.h>

#define DATA STRATUM_DATASETS "/wdbc.csv"

/* The outer fold (0-based) of each row, from the --oof file; returns the number of rows. */
static size_t read_folds(const char *path, int *fold, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f)); /* row,fold,repeat,label,p */
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        long row, k;
        assert_int_equal(sscanf(line, "%ld,%ld", &row, &k), 2);
        assert_true(n < cap && row == (long)n + 1);
        fold[n++] = (int)k - 1;
    }
    fclose(f);
    return n;
}

/* The F1 threshold chosen on 3 inner stratified folds (seed 7) of the training part tr,
 * grouped by groups[0..n) when not NULL. */
static double inner_f1_threshold(const st_dataset *tr, const double *groups,
                                 const st_logreg_params *prm)
{
    const size_t n = st_dataset_n_rows(tr);
    st_error err;
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = 3;
    fp.seed = 7;
    fp.groups = groups;
    int *inner = malloc(n * sizeof *inner);
    size_t *rows_in = malloc(n * sizeof *rows_in), *rows_out = malloc(n * sizeof *rows_out);
    double *oof = malloc(n * sizeof *oof), *p = malloc(n * sizeof *p);
    size_t k = 0;
    assert_int_equal(st_folds_make(st_dataset_labels(tr), n, &fp, inner, n, &k, &err), ST_OK);
    assert_int_equal(k, 3);
    for (int f = 0; f < 3; f++) {
        size_t a = 0, b = 0;
        for (size_t i = 0; i < n; i++)
            if (inner[i] == f)
                rows_out[b++] = i;
            else
                rows_in[a++] = i;
        st_dataset *fit = NULL, *held = NULL;
        st_logreg *m = NULL;
        assert_int_equal(st_dataset_subset(tr, rows_in, a, &fit, &err), ST_OK);
        assert_int_equal(st_dataset_subset(tr, rows_out, b, &held, &err), ST_OK);
        assert_int_equal(st_logreg_train(fit, prm, &m, &err), ST_OK);
        assert_int_equal(st_logreg_predict(m, held, p, b, &err), ST_OK);
        for (size_t i = 0; i < b; i++)
            oof[rows_out[i]] = p[i];
        st_logreg_free(m);
        st_dataset_free(fit);
        st_dataset_free(held);
    }
    st_eval_params ep = st_eval_params_default();
    ep.rule = ST_THRESHOLD_MAX_F1;
    ep.n_bootstrap = 0;
    st_eval ev;
    assert_int_equal(st_evaluate(oof, st_dataset_labels(tr), st_dataset_weights(tr), n, &ep,
                                 &ev, &err), ST_OK);
    free(inner), free(rows_in), free(rows_out), free(oof), free(p);
    return ev.threshold;
}

/* DATA with a column "patient": rows 3k, 3k+1, 3k+2 belong to patient k. */
static void write_grouped(const char *path)
{
    FILE *in = fopen(DATA, "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[4096];
    for (long i = -1; fgets(line, sizeof line, in) != NULL; i++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (i < 0)
            fprintf(out, "%s,patient\n", line);
        else
            fprintf(out, "%s,%ld\n", line, i / 3);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* The mean threshold stratum cv reports against the rebuilt procedure; grouped: with
 * --group-col patient. Returns the reported threshold. */
static double check_inner_oof_threshold(int grouped)
{
    char oof_path[] = "/tmp/stratum_cv_threshold_XXXXXX";
    int fd = mkstemp(oof_path);
    assert_true(fd >= 0);
    close(fd);
    char data[] = "/tmp/stratum_cv_grouped_XXXXXX";
    fd = mkstemp(data);
    assert_true(fd >= 0);
    close(fd);
    if (grouped)
        write_grouped(data);
    const char *path = grouped ? data : DATA;
    run_result *r = grouped
        ? run("cv", "logreg", "--lambda", "1e-4", path, "--ignore", "id", "--lambda", "0.01", "--group-col",
              "patient", "--threshold-rule", "f1", "--folds", "3", "--seed", "7", "--oof",
              oof_path, "--format", "csv", "-q", NULL)
        : run("cv", "logreg", "--lambda", "1e-4", path, "--ignore", "id", "--lambda", "0.01",
              "--threshold-rule", "f1", "--folds", "3", "--seed", "7", "--oof",
              oof_path, "--format", "csv", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    double reported = NAN;
    const char *line = strstr(r->out, "\nthreshold,");
    assert_non_null(line);
    assert_int_equal(sscanf(line, "\nthreshold,%lf", &reported), 1);
    free(r);

    static int fold[1000];
    const size_t n = read_folds(oof_path, fold, 1000);
    unlink(oof_path);
    st_read_options opt = st_read_options_default();
    const char *ignore[] = {"id"};
    opt.ignore = ignore;
    opt.n_ignore = 1;
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read(DATA, &opt, &ds, &err), ST_OK);
    assert_int_equal(st_dataset_n_rows(ds), n);
    unlink(data);
    /* the patient ids as numbers (the CLI takes the column out of the features) */
    double *patient = malloc(n * sizeof *patient), *tr_patient = malloc(n * sizeof *patient);
    for (size_t i = 0; i < n; i++)
        patient[i] = (double)(i / 3);
    if (grouped) /* the outer folds keep patients together */
        for (size_t i = 0; i < n; i++)
            assert_int_equal(fold[i], fold[i - i % 3]);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.01;
    size_t *rows = malloc(n * sizeof *rows);
    double sum = 0;
    for (int f = 0; f < 3; f++) {
        size_t a = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != f) {
                tr_patient[a] = patient[i];
                rows[a++] = i;
            }
        st_dataset *tr = NULL;
        assert_int_equal(st_dataset_subset(ds, rows, a, &tr, &err), ST_OK);
        sum += inner_f1_threshold(tr, grouped ? tr_patient : NULL, &prm);
        st_dataset_free(tr);
    }
    free(rows), free(patient), free(tr_patient);
    st_dataset_free(ds);
    if (!(fabs(reported - sum / 3) <= 1e-12))
        fail_msg("stratum reports %.17g, the inner out-of-fold thresholds average %.17g",
                 reported, sum / 3);
    return reported;
}

static void test_inner_oof_threshold(void **state)
{
    (void)state;
    const double reported = check_inner_oof_threshold(0);

    /* --threshold-folds 0 applies the rule in-sample instead: a different threshold */
    run_result *r;
    const char *line;
    r = run("cv", "logreg", "--lambda", "1e-4", DATA, "--ignore", "id", "--lambda", "0.01", "--threshold-rule",
            "f1", "--folds", "3", "--seed", "7", "--threshold-folds", "0", "--format", "csv",
            "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    double in_sample = NAN;
    line = strstr(r->out, "\nthreshold,");
    assert_non_null(line);
    assert_int_equal(sscanf(line, "\nthreshold,%lf", &in_sample), 1);
    assert_true(fabs(in_sample - reported) > 1e-6);
    free(r);
}

static void test_inner_oof_threshold_grouped(void **state)
{
    (void)state;
    check_inner_oof_threshold(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_inner_oof_threshold),
                                       cmocka_unit_test(test_inner_oof_threshold_grouped)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
