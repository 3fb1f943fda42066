/* Calibration maps and decision thresholds carried by models: hand-derived isotonic and
 * Platt values, both model families' save/load round trip (bit-identical maps, thresholds
 * and predictions), prediction through the map, and every bad value refused (the setters
 * with ST_ERR_INVALID_ARG, a model file with ST_ERR_FORMAT naming the line). */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <float.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/model_text.h"

static char tmpdir[] = "/tmp/stratum_calibration_XXXXXX";

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"lr.model", "lr2.model", "gb.model", "gb2.model",
                                        "bad.model"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tmp_path(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return 0;
}

/* 200 rows, two numeric features, about 20% positive, classes overlapping. */
static st_dataset *dataset(void)
{
    static char csv[16384];
    size_t n = (size_t)snprintf(csv, sizeof csv, "x1,x2,label\n");
    for (int i = 0; i < 200; i++) {
        double x1 = (double)((i * 37) % 100) / 10.0, x2 = (double)((i * 53) % 71) / 7.0;
        int label = ((i * 31) % 17 + (int)x1) > 13;
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%.1f,%.4f,%d\n", x1, x2, label);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, n, "rows", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* PAVA by hand: (0.1, 0), (0.2, 1), (0.3, 0), (0.4, 1) pools the middle pair to 0.5. */
static void test_isotonic_by_hand(void **state)
{
    (void)state;
    const double p[] = {0.3, 0.1, 0.4, 0.2};
    const float y[] = {0, 0, 1, 1};
    st_calibration *c = NULL;
    st_error err;
    assert_int_equal(st_calibration_fit_isotonic(p, y, NULL, 4, &c, &err), ST_OK);
    assert_int_equal(st_calibration_method_of(c), ST_CALIBRATION_ISOTONIC);
    assert_int_equal(st_calibration_n_points(c), 4);
    const double want_x[] = {0.1, 0.2, 0.3, 0.4}, want_y[] = {0, 0.5, 0.5, 1};
    for (int k = 0; k < 4; k++) {
        assert_same_double(st_calibration_points_x(c)[k], want_x[k]);
        assert_same_double(st_calibration_points_y(c)[k], want_y[k]);
    }
    assert_same_double(st_calibration_apply(c, 0.05), 0);  /* clipped below */
    assert_close(st_calibration_apply(c, 0.15), 0.25, 1e-15);
    assert_close(st_calibration_apply(c, 0.25), 0.5, 1e-15);
    assert_close(st_calibration_apply(c, 0.35), 0.75, 1e-15);
    assert_same_double(st_calibration_apply(c, 0.9), 1);   /* clipped above */
    assert_nan(st_calibration_apply(c, NAN));
    assert_nan(st_calibration_platt_a(c));
    st_calibration_free(c);

    /* weights: (0.2, 1) of weight 3 against (0.3, 0) of weight 1 pools to 0.75; a
     * weight-0 row is dropped; tied scores pool first */
    const double p2[] = {0.1, 0.2, 0.3, 0.3, 0.5, 0.6};
    const float y2[] = {0, 1, 0, 0, 1, 0}, w2[] = {1, 3, 0.5, 0.5, 2, 0};
    assert_int_equal(st_calibration_fit_isotonic(p2, y2, w2, 6, &c, &err), ST_OK);
    assert_int_equal(st_calibration_n_points(c), 4);
    const double wx[] = {0.1, 0.2, 0.3, 0.5}, wy[] = {0, 0.75, 0.75, 1};
    for (int k = 0; k < 4; k++) {
        assert_same_double(st_calibration_points_x(c)[k], wx[k]);
        assert_close(st_calibration_points_y(c)[k], wy[k], 1e-15);
    }
    st_calibration_free(c);
}

/* Platt's fit sets the gradient of its smoothed objective to zero; the map is the
 * documented sigmoid of a logit(p) + b. */
static void test_platt_stationary(void **state)
{
    (void)state;
    enum { N = 300 };
    double p[N];
    float y[N], w[N];
    double wp = 0, wn = 0;
    for (int i = 0; i < N; i++) {
        p[i] = (double)((i * 97) % N + 1) / (N + 2);
        y[i] = (float)(((i * 97) % N) * 1.3 + (i % 11) * 25 > 360);
        w[i] = (float)(1 + i % 3);
        *(y[i] == 1 ? &wp : &wn) += w[i];
    }
    st_calibration *c = NULL;
    st_error err;
    assert_int_equal(st_calibration_fit_platt(p, y, w, N, &c, &err), ST_OK);
    double a = st_calibration_platt_a(c), b = st_calibration_platt_b(c), ga = 0, gb = 0;
    const double hi = (wp + 1) / (wp + 2), lo = 1 / (wn + 2);
    for (int i = 0; i < N; i++) {
        double f = log(p[i] / (1 - p[i])), q = 1 / (1 + exp(-(a * f + b)));
        ga += w[i] * (q - (y[i] == 1 ? hi : lo)) * f;
        gb += w[i] * (q - (y[i] == 1 ? hi : lo));
        assert_close(st_calibration_apply(c, p[i]), q, 1e-14);
    }
    assert_close(ga, 0, 1e-8);
    assert_close(gb, 0, 1e-8);
    assert_true(a > 0);
    /* p = 0 and 1 map through the clipped logit, to finite values inside (0, 1) */
    double f0 = log(DBL_EPSILON / (1 - DBL_EPSILON));
    assert_close(st_calibration_apply(c, 0), 1 / (1 + exp(-(a * f0 + b))), 1e-15);
    assert_close(st_calibration_apply(c, 1), 1 / (1 + exp(-(a * -f0 + b))), 1e-15);
    st_calibration_free(c);
}

static void test_bad_values(void **state)
{
    (void)state;
    st_calibration *c = NULL;
    st_error err;
    const double p[] = {0.2, 1.2, 0.4};
    const float y[] = {0, 1, 1}, y1[] = {1, 1, 1}, ybad[] = {0, 2, 1};
    assert_int_equal(st_calibration_fit_platt(p, y, NULL, 3, &c, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "row 2"));
    assert_null(c);
    const double ok[] = {0.2, 0.3, 0.4};
    assert_int_equal(st_calibration_fit_isotonic(ok, y1, NULL, 3, &c, &err), ST_ERR_DATA);
    assert_non_null(strstr(err.message, "both classes"));
    assert_int_equal(st_calibration_fit_isotonic(ok, ybad, NULL, 3, &c, &err), ST_ERR_DATA);
    assert_int_equal(st_calibration_fit_platt(ok, y, NULL, 0, &c, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_calibration_make_platt(INFINITY, 0, &c, &err), ST_ERR_INVALID_ARG);
    const double x_down[] = {0.5, 0.4}, y_up[] = {0.1, 0.2}, y_down[] = {0.3, 0.2};
    const double x_up[] = {0.4, 0.5}, y_big[] = {0.2, 1.5};
    assert_int_equal(st_calibration_make_isotonic(x_down, y_up, 2, &c, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "strictly increasing"));
    assert_int_equal(st_calibration_make_isotonic(x_up, y_down, 2, &c, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_calibration_make_isotonic(x_up, y_big, 2, &c, &err), ST_ERR_INVALID_ARG);
    assert_null(c);

    /* a bad threshold leaves the model as it was */
    st_dataset *ds = dataset();
    st_logreg *m = NULL;
    st_logreg_params lp = st_logreg_params_default();
    lp.lambda = 1e-4; /* the old default */
    assert_int_equal(st_logreg_train(ds, &lp, &m, &err), ST_OK);
    st_decision_threshold good = {0.3, ST_THRESHOLD_FIXED, NAN};
    assert_int_equal(st_logreg_set_threshold(m, &good, &err), ST_OK);
    const st_decision_threshold bad[] = {{1.5, ST_THRESHOLD_FIXED, NAN},
                                         {NAN, ST_THRESHOLD_MAX_F1, NAN},
                                         {0.2, ST_THRESHOLD_MIN_RECALL, 1.2},
                                         {0.2, ST_THRESHOLD_MAX_FBETA, 0},
                                         {0.2, (st_threshold_rule)17, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(st_logreg_set_threshold(m, &bad[i], &err), ST_ERR_INVALID_ARG);
        assert_same_double(st_logreg_threshold(m), 0.3);
    }
    assert_int_equal(st_logreg_set_threshold(NULL, &good, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_logreg_set_threshold(m, NULL, &err), ST_OK); /* removes it */
    assert_nan(st_logreg_threshold(m));
    assert_int_equal(st_logreg_threshold_info(m, NULL), 0);
    st_logreg_free(m);
    st_dataset_free(ds);
}

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *size = fread(buf, 1, (1 << 20) - 1, f);
    buf[*size] = '\0';
    fclose(f);
    return buf;
}

/* Logistic regression with a Platt map fitted on its own predictions and a min-recall
 * threshold: the file holds the additive lines; the reloaded model has the same map,
 * threshold and predictions bit for bit, and those are the map applied to the
 * uncalibrated ones. */
static void test_logreg_round_trip(void **state)
{
    (void)state;
    st_dataset *ds = dataset();
    const size_t n = st_dataset_n_rows(ds);
    st_logreg_params prm = st_logreg_params_default();
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    st_logreg *m = NULL, *back = NULL;
    st_calibration *c = NULL;
    st_error err;
    double *raw = malloc(n * sizeof *raw), *cal = malloc(n * sizeof *cal);
    double *again = malloc(n * sizeof *again);
    assert_int_equal(st_logreg_train(ds, &prm, &m, &err), ST_OK);
    assert_null(st_logreg_calibration(m));
    assert_nan(st_logreg_threshold(m));
    assert_int_equal(st_logreg_predict(m, ds, raw, n, &err), ST_OK);
    assert_int_equal(st_calibration_fit_platt(raw, st_dataset_labels(ds), NULL, n, &c, &err),
                     ST_OK);
    assert_int_equal(st_logreg_set_calibration(m, c, &err), ST_OK);
    assert_true(st_logreg_calibration(m) != c); /* a copy */
    st_decision_threshold t = {0.1234567890123, ST_THRESHOLD_MIN_RECALL, 0.9};
    assert_int_equal(st_logreg_set_threshold(m, &t, &err), ST_OK);
    assert_int_equal(st_logreg_predict(m, ds, cal, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(cal[i], st_calibration_apply(c, raw[i]));

    char path[512], path2[512];
    tmp_path(path, sizeof path, "lr.model");
    tmp_path(path2, sizeof path2, "lr2.model");
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    size_t size;
    char *text = slurp(path, &size);
    assert_non_null(strstr(text, "stratum-model 1 logreg\n"));
    assert_non_null(strstr(text, "\ncalibration platt "));
    assert_non_null(strstr(text, "\nthreshold 0.1234567890123\nthreshold_rule min-recall 0.9\n"));
    assert_int_equal(st_logreg_load(path, &back, &err), ST_OK);
    const st_calibration *cb = st_logreg_calibration(back);
    assert_int_equal(st_calibration_method_of(cb), ST_CALIBRATION_PLATT);
    assert_same_double(st_calibration_platt_a(cb), st_calibration_platt_a(c));
    assert_same_double(st_calibration_platt_b(cb), st_calibration_platt_b(c));
    st_decision_threshold tb;
    assert_int_equal(st_logreg_threshold_info(back, &tb), 1);
    assert_same_double(tb.value, t.value);
    assert_int_equal(tb.rule, t.rule);
    assert_same_double(tb.rule_param, t.rule_param);
    assert_int_equal(st_logreg_predict(back, ds, again, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(again[i], cal[i]);
    assert_int_equal(st_logreg_save(back, path2, &err), ST_OK);
    size_t size2;
    char *text2 = slurp(path2, &size2);
    assert_int_equal(size, size2);
    assert_memory_equal(text, text2, size);

    /* removing both gives back a file without the lines, predicting the raw values */
    assert_int_equal(st_logreg_set_calibration(back, NULL, &err), ST_OK);
    assert_int_equal(st_logreg_set_threshold(back, NULL, &err), ST_OK);
    assert_int_equal(st_logreg_save(back, path2, &err), ST_OK);
    free(text2);
    text2 = slurp(path2, &size2);
    assert_null(strstr(text2, "calibration"));
    assert_null(strstr(text2, "threshold"));
    assert_int_equal(st_logreg_predict(back, ds, again, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(again[i], raw[i]);
    free(text), free(text2), free(raw), free(cal), free(again);
    st_calibration_free(c);
    st_logreg_free(m);
    st_logreg_free(back);
    st_dataset_free(ds);
}

/* Boosted trees with an isotonic map and an f1 threshold: the same, and one-row
 * prediction applies the map to the probability but not to the raw score. */
static void test_gbdt_round_trip(void **state)
{
    (void)state;
    st_dataset *ds = dataset();
    const size_t n = st_dataset_n_rows(ds);
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 20;
    prm.min_data_in_leaf = 5;
    prm.n_threads = 1;
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    st_gbdt *m = NULL, *back = NULL;
    st_calibration *c = NULL;
    st_error err;
    double *raw = malloc(n * sizeof *raw), *cal = malloc(n * sizeof *cal);
    double *again = malloc(n * sizeof *again), *score = malloc(n * sizeof *score);
    assert_int_equal(st_gbdt_train(ds, &prm, &m, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 1, raw, n, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, score, n, &err), ST_OK);
    assert_int_equal(st_calibration_fit_isotonic(raw, st_dataset_labels(ds), NULL, n, &c, &err),
                     ST_OK);
    assert_true(st_calibration_n_points(c) >= 2);
    assert_int_equal(st_gbdt_set_calibration(m, c, &err), ST_OK);
    st_decision_threshold t = {0.5, ST_THRESHOLD_MAX_F1, NAN};
    assert_int_equal(st_gbdt_set_threshold(m, &t, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 2, cal, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(cal[i], st_calibration_apply(c, raw[i]));
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 2, again, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(again[i], score[i]);
    float x[2] = {(float)st_dataset_feature_values(ds, 0)[3],
                  (float)st_dataset_feature_values(ds, 1)[3]};
    assert_same_double(test_gbdt_row(m, x, ST_GBDT_PROBABILITY), cal[3]);
    assert_same_double(test_gbdt_row(m, x, ST_GBDT_RAW_SCORE), score[3]);

    char path[512], path2[512];
    tmp_path(path, sizeof path, "gb.model");
    tmp_path(path2, sizeof path2, "gb2.model");
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    assert_int_equal(st_gbdt_load(path, &back, &err), ST_OK);
    const st_calibration *cb = st_gbdt_calibration(back);
    assert_int_equal(st_calibration_n_points(cb), st_calibration_n_points(c));
    for (size_t k = 0; k < st_calibration_n_points(c); k++) {
        assert_same_double(st_calibration_points_x(cb)[k], st_calibration_points_x(c)[k]);
        assert_same_double(st_calibration_points_y(cb)[k], st_calibration_points_y(c)[k]);
    }
    st_decision_threshold tb;
    assert_int_equal(st_gbdt_threshold_info(back, &tb), 1);
    assert_same_double(tb.value, 0.5);
    assert_int_equal(tb.rule, ST_THRESHOLD_MAX_F1);
    assert_nan(tb.rule_param);
    assert_int_equal(st_gbdt_predict(back, ds, ST_GBDT_PROBABILITY, 1, again, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_same_double(again[i], cal[i]);
    assert_int_equal(st_gbdt_save(back, path2, &err), ST_OK);
    size_t s1, s2;
    char *t1 = slurp(path, &s1), *t2 = slurp(path2, &s2);
    assert_int_equal(s1, s2);
    assert_memory_equal(t1, t2, s1);
    free(t1), free(t2), free(raw), free(cal), free(again), free(score);
    st_calibration_free(c);
    st_gbdt_free(m);
    st_gbdt_free(back);
    st_dataset_free(ds);
}

/* Replaces the first line of the saved model starting with `from` by `to` (without its
 * newline), fixes the checksum, and expects loading to fail with ST_ERR_FORMAT and
 * `message`. */
static void assert_edit_refused(const char *model, int gbdt, const char *from, const char *to,
                                const char *message)
{
    size_t size;
    char *text = slurp(model, &size);
    char *at = strstr(text, from);
    assert_non_null(at);
    char *body = malloc(size + strlen(to) + 64);
    size_t head = (size_t)(at - text);
    memcpy(body, text, head);
    strcpy(body + head, to);
    strcat(body, strchr(at, '\n'));
    char *sum = strstr(body, "checksum ");
    assert_non_null(sum);
    size_t n = (size_t)(sum - body);
    n += (size_t)sprintf(sum, "checksum %016" PRIx64 "\n", st__fnv1a64(body, n));
    char bad[512];
    tmp_path(bad, sizeof bad, "bad.model");
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(body, 1, n, f), n);
    fclose(f);
    st_error err;
    st_status rc;
    if (gbdt) {
        st_gbdt *m = NULL;
        rc = st_gbdt_load(bad, &m, &err);
        assert_null(m);
    } else {
        st_logreg *m = NULL;
        rc = st_logreg_load(bad, &m, &err);
        assert_null(m);
    }
    assert_int_equal(rc, ST_ERR_FORMAT);
    if (strstr(err.message, message) == NULL)
        fail_msg("'%s' does not say '%s'", err.message, message);
    assert_non_null(strstr(err.message, "bad.model:"));
    free(text), free(body);
}

static void test_loader_validates(void **state)
{
    (void)state;
    char lr[512], gb[512];
    tmp_path(lr, sizeof lr, "lr.model");
    tmp_path(gb, sizeof gb, "gb.model");
    /* the round-trip tests wrote them; make sure, in case of a filtered run */
    if (access(lr, R_OK) != 0)
        test_logreg_round_trip(state);
    if (access(gb, R_OK) != 0)
        test_gbdt_round_trip(state);
    assert_edit_refused(lr, 0, "calibration platt ", "calibration platt nan 1",
                        "a and b must be finite");
    assert_edit_refused(lr, 0, "calibration platt ", "calibration sigmoid 1 2",
                        "expected platt or isotonic");
    assert_edit_refused(lr, 0, "threshold ", "threshold 1.5", "threshold must be in [0, 1]");
    assert_edit_refused(lr, 0, "threshold_rule ", "threshold_rule min-recall 3",
                        "minimum must be in [0, 1]");
    assert_edit_refused(lr, 0, "threshold_rule ", "threshold_rule best", "expected fixed, f1");
    assert_edit_refused(lr, 0, "threshold_rule ", "threshold_rule min-recall",
                        "needs a parameter");
    assert_edit_refused(lr, 0, "threshold_rule ", "", "expected 'threshold_rule ...'");
    assert_edit_refused(gb, 1, "calibration_point ", "calibration_point 1.5 0.5",
                        "must lie in [0, 1] x [0, 1]");
    assert_edit_refused(gb, 1, "calibration_point ", "calibration_point 0.9999999 0",
                        "x must be strictly increasing");
    assert_edit_refused(gb, 1, "threshold_rule ", "threshold_rule f1 2", "takes no parameter");
    assert_edit_refused(gb, 1, "calibration isotonic ", "calibration isotonic 9999",
                        "breakpoint count '9999'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isotonic_by_hand),
        cmocka_unit_test(test_platt_stationary),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_logreg_round_trip),
        cmocka_unit_test(test_gbdt_round_trip),
        cmocka_unit_test(test_loader_validates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
