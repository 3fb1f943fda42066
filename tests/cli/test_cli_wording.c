/* The wording and order of the tables people read (issue 19):
 *   - train's importance (gbdt) and coefficient (logreg) tables come largest first, by
 *     total gain and by |coefficient x training SD|, ties in model order, in every format;
 *     the order is checked against the model's own numbers read through the API;
 *   - one metric naming: st_metric_label in text, markdown and HTML, st_metric_name as the
 *     key of JSON and CSV, the same in evaluate, cv and compare;
 *   - an undefined value has no interval and says why when the counts tell;
 *   - explain: "lowers the log-odds by 0.426", never "by -0.426"; risks as percentages;
 *   - info's columns stay aligned with a name longer than 24 characters. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20)
#include "cli_run.h"
#include "test_util.h"

#define THYROID STRATUM_DATASETS "/thyroid_sick.csv"
#define WDBC STRATUM_DATASETS "/wdbc.csv"

static char dir[] = "/tmp/stratum_cli_wording_XXXXXX";
static char gbdt_model[600], logreg_model[600], one_class[600];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(gbdt_model, sizeof gbdt_model, "%s/g.model", dir);
    snprintf(logreg_model, sizeof logreg_model, "%s/l.model", dir);
    snprintf(one_class, sizeof one_class, "%s/one.csv", dir);
    FILE *f = fopen(one_class, "w");
    fprintf(f, "p,label\n0.1,0\n0.7,0\n0.2,0\n");
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(gbdt_model), remove(logreg_model), remove(one_class);
    rmdir(dir);
    return 0;
}

/* The position of line `name` (a whole line's start: after "\n" + prefix) in text, or -1. */
static long line_at(const char *text, const char *prefix, const char *name, const char *after)
{
    char key[300];
    snprintf(key, sizeof key, "\n%s%s%s", prefix, name, after);
    const char *at = strstr(text, key);
    return at != NULL ? (long)(at - text) : -1;
}

static void gbdt_importance_by_gain(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "--num-trees", "100", THYROID, "--num-trees", "20", "-o", gbdt_model, "-q",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "features, largest total gain first\n"
                                     "feature                            splits           gain\n",
                             91), 0);
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_load(gbdt_model, &m, &err), ST_OK);
    const size_t n = st_gbdt_n_features(m);
    double gain[64];
    assert_true(n <= 64);
    assert_int_equal(st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, gain, n, &err),
                     ST_OK);
    /* every pair of features in the order of gain, equal gains in model order */
    run_result *j = run("train", "gbdt", "--num-trees", "100", THYROID, "--num-trees", "20", "-o", gbdt_model, "-q",
                        "--format", "json", NULL);
    assert_contains(j->out, "\"order\": \"gain\", \"importance\": [{\"feature\": ");
    run_result *c = run("train", "gbdt", "--num-trees", "100", THYROID, "--num-trees", "20", "-o", gbdt_model, "-q",
                        "--format", "csv", NULL);
    size_t zero_gain = 0;
    for (size_t a = 0; a < n; a++) {
        zero_gain += gain[a] == 0;
        for (size_t b = 0; b < n; b++) {
            if (a == b)
                continue;
            const int before = gain[a] > gain[b] || (gain[a] == gain[b] && a < b);
            const char *na = st_gbdt_feature_name(m, a), *nb = st_gbdt_feature_name(m, b);
            char ka[80], kb[80];
            snprintf(ka, sizeof ka, "%-32s ", na);
            snprintf(kb, sizeof kb, "%-32s ", nb);
            assert_int_equal(line_at(r->out, "", ka, "") < line_at(r->out, "", kb, ""), before);
            snprintf(ka, sizeof ka, "{\"feature\": \"%s\",", na);
            snprintf(kb, sizeof kb, "{\"feature\": \"%s\",", nb);
            assert_int_equal(strstr(j->out, ka) < strstr(j->out, kb), before);
            snprintf(ka, sizeof ka, "\"%s\",", na);
            snprintf(kb, sizeof kb, "\"%s\",", nb);
            assert_int_equal(line_at(c->out, "", ka, "") < line_at(c->out, "", kb, ""), before);
        }
    }
    assert_true(zero_gain >= 2); /* ties to break: features never split on */
    free(r), free(j), free(c);
    st_gbdt_free(m);
}

static void logreg_coefficients_by_standardised_size(void **state)
{
    (void)state;
    run_result *r = run("train", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--lambda", "0.01", "-o",
                        logreg_model, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    static const char head[] = "coefficients, largest |coefficient x training SD| first (the "
                               "standardised scale; values on the original scale)\ncoefficient ";
    assert_int_equal(strncmp(r->out, head, sizeof head - 1), 0);
    assert_contains(r->out, "\n(intercept) "); /* first, before the features */
    st_logreg *m = NULL;
    st_error err;
    assert_int_equal(st_logreg_load(logreg_model, &m, &err), ST_OK);
    const size_t n = st_logreg_n_coefs(m);
    const double *b = st_logreg_coefs(m), *sd = st_logreg_col_sds(m);
    assert_non_null(sd);
    run_result *j = run("train", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--lambda", "0.01", "-o",
                        logreg_model, "-q", "--format", "json", NULL);
    assert_contains(j->out, "\"order\": \"abs_standardised\", \"intercept\": ");
    int width = 11; /* the name column: "coefficient" or the longest name */
    for (size_t a = 0; a < n; a++)
        if ((int)strlen(st_logreg_coef_name(m, a)) > width)
            width = (int)strlen(st_logreg_coef_name(m, a));
    for (size_t a = 0; a < n; a++)
        for (size_t c = 0; c < n; c++) {
            if (a == c)
                continue;
            const double sa = fabs(b[a] * sd[a]), sc = fabs(b[c] * sd[c]);
            const int before = sa > sc || (sa == sc && a < c);
            char ka[80], kc[80];
            snprintf(ka, sizeof ka, "%-*s ", width, st_logreg_coef_name(m, a));
            snprintf(kc, sizeof kc, "%-*s ", width, st_logreg_coef_name(m, c));
            long pa = line_at(r->out, "", ka, ""), pc = line_at(r->out, "", kc, "");
            assert_true(pa > 0 && pc > 0);
            assert_int_equal(pa < pc, before);
            snprintf(ka, sizeof ka, "{\"name\": \"%s\",", st_logreg_coef_name(m, a));
            snprintf(kc, sizeof kc, "{\"name\": \"%s\",", st_logreg_coef_name(m, c));
            assert_int_equal(strstr(j->out, ka) < strstr(j->out, kc), before);
        }
    free(r), free(j);
    st_logreg_free(m);
}

/* Every metric's label in evaluate's text, its key in evaluate's JSON and CSV, and the
 * same label in cv's text and key in cv's CSV. */
static void one_metric_naming(void **state)
{
    (void)state;
    run_result *t = run("evaluate", logreg_model, WDBC, "--ignore", "id", "--bootstrap", "0",
                        NULL);
    run_result *j = run("evaluate", logreg_model, WDBC, "--ignore", "id", "--bootstrap", "0",
                        "--format", "json", NULL);
    run_result *c = run("evaluate", logreg_model, WDBC, "--ignore", "id", "--bootstrap", "0",
                        "--format", "csv", NULL);
    run_result *cv = run("cv", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--folds", "3", "-q", NULL);
    run_result *cvc = run("cv", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--folds", "3", "-q",
                          "--format", "csv", NULL);
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        const char *label = st_metric_label((st_metric)m), *key = st_metric_name((st_metric)m);
        assert_non_null(label);
        char k[120];
        snprintf(k, sizeof k, "%-28s ", label);
        if (m != ST_METRIC_FBETA) /* "F-beta (beta 2)" */
            assert_true(line_at(t->out, "", k, "") >= 0);
        snprintf(k, sizeof k, "%-26s ", label);
        assert_true(line_at(cv->out, "", k, "") >= 0);
        snprintf(k, sizeof k, "\"%s\": {\"value\": ", key);
        assert_contains(j->out, k);
        snprintf(k, sizeof k, "%s,", key);
        assert_true(line_at(c->out, "", k, "") >= 0);
        assert_true(line_at(cvc->out, "", k, "") >= 0);
    }
    assert_contains(t->out, "\nF-beta (beta 2)              0.");
    assert_string_equal(st_metric_label(ST_METRIC_BRIER), "Brier");
    assert_string_equal(st_metric_label(ST_METRIC_PR_AUC), "PR-AUC");
    assert_null(st_metric_label(ST_METRIC_COUNT));
    free(t), free(j), free(c), free(cv), free(cvc);
    /* compare's text header and evaluate --by's table use the same labels */
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", WDBC, "--ignore", "id", "--models", "logreg", "--weights",
                        "none", "--folds", "3", "-q", NULL);
    assert_contains(r->out, "\nmodel    weight     ROC-AUC                PR-AUC                 "
                            "precision              recall                 F1                "
                            "     Brier                  log loss\n");
    free(r);
    r = run("evaluate", gbdt_model, THYROID, "--by", "sex", "--bootstrap", "0", NULL);
    assert_contains(r->out, "\ngroup                rows positive  ROC-AUC                PR-AUC"
                            "                 recall                 specificity            "
                            "precision              Brier\n");
    free(r);
}

static void undefined_values_have_no_interval(void **state)
{
    (void)state;
    run_result *r = run("evaluate", "--scores", one_class, "--bootstrap", "20", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "\nROC-AUC                      undefined (only one class)\n"
                            "PR-AUC                       undefined (only one class)\n");
    assert_contains(r->out, "\nrecall                       undefined (only one class)\n");
    assert_contains(r->out, "\nspecificity                  0.6667     ");
    free(r);
    r = run("evaluate", "--scores", one_class, "--bootstrap", "0", "--format", "markdown", NULL);
    assert_contains(r->out, "\n| ROC-AUC | undefined (only one class) | - |\n");
    free(r);
    /* cv: above every probability nothing is predicted positive in any fold */
    r = run("cv", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--folds", "3", "--threshold", "1.5", "-q",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "\nprecision                  undefined in every fold\n");
    assert_null(strstr(r->out, "nan"));
    free(r);
}

/* The percentage the CLI prints, derived here from the probability. */
static void expected_risk(double p, char *buf, size_t size)
{
    if (p >= 0.9995)
        snprintf(buf, size, ">99.9%%");
    else if (p >= 0.01)
        snprintf(buf, size, "%.1f%%", 100 * p);
    else if (p >= 0.001)
        snprintf(buf, size, "%.2f%%", 100 * p);
    else
        snprintf(buf, size, "<0.1%%");
}

static void explain_reads_plainly(void **state)
{
    (void)state;
    st_logreg *m = NULL;
    st_error err;
    assert_int_equal(st_logreg_load(logreg_model, &m, &err), ST_OK);
    st_read_options opt = st_read_options_default();
    const char *ignore[] = {"id"};
    opt.ignore = ignore;
    opt.n_ignore = 1;
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read_csv(WDBC, &opt, &ds, &err), ST_OK);
    double p[569];
    assert_int_equal(st_logreg_predict(m, ds, p, 569, &err), ST_OK);
    /* row 1 is near certain, row 20 in between, row 72 near impossible */
    assert_true(p[0] >= 0.9995 && p[19] > 0.01 && p[19] < 0.99 && p[71] < 0.001);
    run_result *r = run("explain", logreg_model, WDBC, "--ignore", "id", "--rows", "1,20,72",
                        "--top", "3", NULL);
    assert_int_equal(r->exit_code, 0);
    char risk[32], line[100];
    const size_t rows[] = {1, 20, 72};
    for (int k = 0; k < 3; k++) {
        expected_risk(p[rows[k] - 1], risk, sizeof risk);
        snprintf(line, sizeof line, "row %zu: predicted risk %s (log-odds ", rows[k], risk);
        assert_contains(r->out, line);
    }
    assert_contains(r->out, "row 1: predicted risk >99.9% (log-odds ");
    assert_contains(r->out, "row 72: predicted risk <0.1% (log-odds ");
    assert_null(strstr(r->out, "by -"));
    assert_null(strstr(r->out, "by +"));
    assert_contains(r->out, " lowers the log-odds by 0.");
    free(r);
    st_dataset_free(ds);
    st_logreg_free(m);
    r = run("explain", logreg_model, WDBC, "--ignore", "id", "--rows", "20", "--top", "1",
            "--format", "markdown", NULL);
    assert_int_equal(r->exit_code, 0);
    expected_risk(p[19], risk, sizeof risk);
    snprintf(line, sizeof line, "### Row 20: predicted risk %s (log-odds ", risk);
    assert_contains(r->out, line);
    free(r);
}

static void info_columns_aligned(void **state)
{
    (void)state;
    run_result *r = run("info", THYROID, NULL);
    assert_int_equal(r->exit_code, 0);
    /* on_antithyroid_medication has 25 characters: the name column is that wide */
    assert_contains(r->out, "\n   #  column                     type                   missing   "
                            "        min          mean           max  levels\n"
                            "   1  age                        numeric             1 (  0.0%)   "
                            "          1       51.7359           455\n");
    assert_contains(r->out, "\n   5  on_antithyroid_medication  categorical         0 (  0.0%)");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gbdt_importance_by_gain),
        cmocka_unit_test(logreg_coefficients_by_standardised_size),
        cmocka_unit_test(one_metric_naming),
        cmocka_unit_test(undefined_values_have_no_interval),
        cmocka_unit_test(explain_reads_plainly),
        cmocka_unit_test(info_columns_aligned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
