/* Logistic regression contributions (st_logreg_contrib): hand-derived values on tiny models
 * (numeric, one-hot, missing indicator, row weights, class weights), every row of real
 * cohorts summing to the log-odds of st_logreg_predict's probability, the same numbers
 * after a save and load, and the errors. Also st_csv_column_texts, with which stratum
 * explain --where finds rows by an id column the model ignores. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stratum.h>

/* cmocka 1.1.5 has no assert_double_equal. */
#define assert_close(a, b, tol)                                                                 \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!(fabs(a_ - b_) <= (tol)))                                                          \
            fail_msg("%s = %.17g, expected %.17g (tol %g)", #a, a_, b_, (double)(tol));         \
    } while (0)

static st_dataset *csv(const char *text, const char *weight)
{
    st_read_options opt = st_read_options_default();
    opt.weight = weight;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(text, strlen(text), "test.csv", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static st_logreg *train(const st_dataset *ds, const st_logreg_params *prm)
{
    st_logreg *m = NULL;
    st_error err;
    if (st_logreg_train(ds, prm, &m, &err) != ST_OK)
        fail_msg("%s", err.message);
    return m;
}

/* Coefficient of the expanded column called name. */
static double coef(const st_logreg *m, const char *name)
{
    for (size_t k = 0; k < st_logreg_n_coefs(m); k++)
        if (strcmp(st_logreg_coef_name(m, k), name) == 0)
            return st_logreg_coefs(m)[k];
    fail_msg("no coefficient %s", name);
    return NAN;
}

static double *contrib(const st_logreg *m, const st_dataset *ds)
{
    size_t n = st_dataset_n_rows(ds) * (st_logreg_n_features(m) + 1);
    double *c = malloc(n * sizeof *c);
    st_error err;
    assert_non_null(c);
    if (st_logreg_contrib(m, ds, c, n, &err) != ST_OK)
        fail_msg("%s", err.message);
    return c;
}

/* Ten rows: age present in eight (mean 5 by hand), sex F/M/U with shares 0.4/0.4/0.2.
 * Labels are mixed so the ridge fit is finite. */
static const char tiny[] =
    "age,sex,label\n"
    "1,F,0\n"
    "3,F,1\n"
    ",M,0\n"
    "5,M,1\n"
    "7,U,0\n"
    "9,F,1\n"
    ",M,1\n"
    "2,U,0\n"
    "8,F,0\n"
    "5,M,1\n";

/* Numeric and one-hot by hand: mean age 5 (missing imputed by 5, so the imputed column's
 * mean is 5 too); contribution of sex = w_level - (0.4 w_F + 0.4 w_M + 0.2 w_U). */
static void hand_derived_numeric_and_onehot(void **state)
{
    (void)state;
    st_dataset *ds = csv(tiny, NULL);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05;
    st_logreg *m = train(ds, &prm);
    assert_int_equal(st_logreg_n_features(m), 2);
    assert_string_equal(st_logreg_feature_name(m, 0), "age");
    assert_string_equal(st_logreg_feature_name(m, 1), "sex");
    assert_null(st_logreg_feature_name(m, 2));
    double wa = coef(m, "age"), wf = coef(m, "sex=F"), wm = coef(m, "sex=M"), wu = coef(m, "sex=U");
    assert_true(fabs(wa) > 1e-3); /* otherwise the test could not fail */
    double *c = contrib(m, ds);
    const double age[10] = {1, 3, 5, 5, 7, 9, 5, 2, 8, 5}; /* missing rows at the mean 5 */
    const double wsex[10] = {wf, wf, wm, wm, wu, wf, wm, wu, wf, wm};
    const double base = 0.4 * wf + 0.4 * wm + 0.2 * wu;
    for (size_t i = 0; i < 10; i++) {
        assert_close(c[i * 3 + 0], wa * (age[i] - 5), 1e-12);
        assert_close(c[i * 3 + 1], wsex[i] - base, 1e-12);
        assert_close(c[i * 3 + 2], st_logreg_intercept(m) + wa * 5 + base, 1e-12);
    }
    assert_close(st_logreg_bias(m), c[2], 0);
    free(c);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* With missing indicators, a missing age contributes w_age (5 - 5) + w_ind (1 - 0.2) and a
 * present one w_age (x - 5) + w_ind (0 - 0.2): the indicator adds into age. */
static void hand_derived_missing_indicator(void **state)
{
    (void)state;
    st_dataset *ds = csv(tiny, NULL);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05;
    prm.missing_indicators = 1;
    st_logreg *m = train(ds, &prm);
    double wa = coef(m, "age"), wi = coef(m, "age_missing");
    assert_true(fabs(wi) > 1e-3);
    double *c = contrib(m, ds);
    assert_close(c[0 * 3], wa * (1 - 5) + wi * (0 - 0.2), 1e-12);
    assert_close(c[2 * 3], wa * (5 - 5) + wi * (1 - 0.2), 1e-12);
    free(c);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* Row weights move the means (frequency weights); class weights do not. Weights 3,1,1,...
 * make the weighted mean of x (1*3 + 2 + 3 + 4 + 5 + 6) / 8 = 23/8. */
static void weighted_means(void **state)
{
    (void)state;
    static const char text[] = "x,w,label\n1,3,0\n2,1,1\n3,1,0\n4,1,1\n5,1,0\n6,1,1\n";
    st_dataset *ds = csv(text, "w");
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.01;
    prm.class_weight = ST_CLASS_WEIGHT_POSITIVE;
    prm.positive_weight = 7;
    st_logreg *m = train(ds, &prm);
    double wx = coef(m, "x");
    double *c = contrib(m, ds);
    for (size_t i = 0; i < 6; i++)
        assert_close(c[i * 2], wx * ((double)(i + 1) - 23.0 / 8), 1e-12);
    assert_close(st_logreg_col_means(m)[0], 23.0 / 8, 1e-15);
    /* weighted SD with divisor 8: sum w (x - 23/8)^2 / 8 */
    double var = 0;
    for (int i = 1; i <= 6; i++)
        var += (i == 1 ? 3 : 1) * (i - 23.0 / 8) * (i - 23.0 / 8);
    assert_close(st_logreg_col_sds(m)[0], sqrt(var / 8), 1e-14);
    free(c);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* |sum of a row - logit(p)| within 1e-9, plus what storing p as a double can lose: p holds
 * logit(p) only to about 2^-53 / (p (1 - p)). */
static void assert_rows_sum_to_logit(const st_logreg *m, const st_dataset *ds)
{
    const size_t n = st_dataset_n_rows(ds), nf = st_logreg_n_features(m);
    double *p = malloc(n * sizeof *p), *c = contrib(m, ds);
    st_error err;
    assert_non_null(p);
    assert_int_equal(st_logreg_predict(m, ds, p, n, &err), ST_OK);
    size_t far = 0;
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (size_t j = 0; j <= nf; j++)
            sum += c[i * (nf + 1) + j];
        double logit = log(p[i]) - log1p(-p[i]);
        double tol = 1e-9 + 4 * 0x1.0p-53 / (p[i] * (1 - p[i]));
        if (!(fabs(sum - logit) <= tol))
            fail_msg("row %zu: contributions sum to %.17g, logit(p) = %.17g", i + 1, sum, logit);
        far += fabs(sum - st_logreg_bias(m)) > 0.5;
    }
    assert_true(far > 0); /* the contributions are not all zero */
    free(p);
    free(c);
}

static st_dataset *shipped(const char *name, const char *ignore)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", STRATUM_DATASETS, name);
    st_read_options opt = st_read_options_default();
    const char *ig[1] = {ignore};
    opt.ignore = ig;
    opt.n_ignore = ignore != NULL;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(path, &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* Every row of wdbc (numeric) and thyroid_sick (categorical and missing values, with
 * indicators and median imputation) sums to logit(p). */
static void rows_sum_to_logit(void **state)
{
    (void)state;
    st_dataset *ds = shipped("wdbc.csv", "id");
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.01;
    st_logreg *m = train(ds, &prm);
    assert_rows_sum_to_logit(m, ds);
    st_logreg_free(m);
    st_dataset_free(ds);

    ds = shipped("thyroid_sick.csv", NULL);
    prm.missing_indicators = 1;
    prm.impute = ST_IMPUTE_MEDIAN;
    prm.alpha = 0.5;
    m = train(ds, &prm);
    assert_rows_sum_to_logit(m, ds);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* A saved and loaded model gives the same contributions, bit for bit; a model file from
 * before the column moments loads and predicts, but contributions fail, saying why. */
static void save_load_and_old_files(void **state)
{
    (void)state;
    st_dataset *ds = csv(tiny, NULL);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.05;
    prm.missing_indicators = 1;
    st_logreg *m = train(ds, &prm), *back = NULL;
    char path[] = "/tmp/stratum_contrib_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    st_error err;
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    assert_int_equal(st_logreg_load(path, &back, &err), ST_OK);
    double *a = contrib(m, ds), *b = contrib(back, ds);
    assert_memory_equal(a, b, 10 * 3 * sizeof *a);
    free(a), free(b);
    st_logreg_free(back);

    /* cut the column_moments section out and re-checksum, as an older stratum wrote it */
    FILE *f = fopen(path, "rb");
    char text[8192];
    size_t size = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[size] = '\0';
    char *cut = strstr(text, "column_moments ");
    assert_non_null(cut);
    *cut = '\0';
    uint64_t h = 14695981039346656037ULL; /* FNV-1a 64, as the model file's checksum line */
    for (const char *s = text; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    snprintf(cut, sizeof text - (size_t)(cut - text), "checksum %016llx\n", (unsigned long long)h);
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    if (st_logreg_load(path, &back, &err) != ST_OK)
        fail_msg("%s", err.message);
    double p[10], c[30];
    assert_int_equal(st_logreg_predict(back, ds, p, 10, &err), ST_OK);
    assert_null(st_logreg_col_means(back));
    assert_int_equal(st_logreg_contrib(back, ds, c, 30, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "train it again"));
    st_logreg_free(back);
    unlink(path);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* NULLs, a short output buffer and a dataset without the model's feature are errors. */
static void errors(void **state)
{
    (void)state;
    st_dataset *ds = csv(tiny, NULL);
    st_logreg *m = train(ds, NULL);
    double c[30];
    st_error err;
    assert_int_equal(st_logreg_contrib(NULL, ds, c, 30, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_contrib(m, NULL, c, 30, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_contrib(m, ds, NULL, 30, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_contrib(m, ds, c, 29, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "room for 29"));
    st_dataset *other = csv("age,label\n1,0\n2,1\n", NULL);
    assert_int_equal(st_logreg_contrib(m, other, c, 30, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "'sex'"));
    assert_int_equal(st_logreg_coef_feature(m, 0), 0);
    assert_int_equal(st_logreg_coef_feature(m, 3), 1);
    assert_int_equal(st_logreg_coef_feature(m, 4), -1);
    st_dataset_free(other);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* st_csv_column_texts: an ignored column's exact texts, numbered as the dataset's rows
 * (BOM, blank lines and, with skip_missing_labels, rows without a label skipped), quoted
 * fields unquoted; errors for an unknown column and a short row. */
static void test_column_texts(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBFid;x;label\n"
                               "100000000001;1;0\n"
                               "\n"
                               "\"a;b\";2;NA\n"
                               "100000000003;3;1\n"
                               "\"q\"\"\";4;0\n";
    char path[] = "/tmp/stratum_texts_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    st_read_options opt = st_read_options_default();
    const char *ignore[1] = {"id"};
    opt.ignore = ignore;
    opt.n_ignore = 1;
    opt.skip_missing_labels = 1;
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read(path, &opt, &ds, &err), ST_OK);
    char **t = NULL;
    size_t n = 0;
    assert_int_equal(st_csv_column_texts(path, &opt, "id", &t, &n, &err), ST_OK);
    assert_int_equal(n, st_dataset_n_rows(ds));
    assert_int_equal(n, 3);
    assert_string_equal(t[0], "100000000001");
    assert_string_equal(t[1], "100000000003");
    assert_string_equal(t[2], "q\"");
    assert_true(st_dataset_feature_values(ds, 0)[1] == 3.0f);
    st_texts_free(t, n);
    opt.skip_missing_labels = 0;
    assert_int_equal(st_csv_column_texts(path, &opt, "id", &t, &n, &err), ST_OK);
    assert_int_equal(n, 4);
    assert_string_equal(t[1], "a;b");
    st_texts_free(t, n);
    assert_int_equal(st_csv_column_texts(path, &opt, "nope", &t, &n, &err), ST_ERR_DATA);
    assert_null(t);
    assert_non_null(strstr(err.message, "no column 'nope'"));
    st_dataset_free(ds);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_derived_numeric_and_onehot),
        cmocka_unit_test(hand_derived_missing_indicator),
        cmocka_unit_test(weighted_means),
        cmocka_unit_test(rows_sum_to_logit),
        cmocka_unit_test(save_load_and_old_files),
        cmocka_unit_test(errors),
        cmocka_unit_test(test_column_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
