/* One handle for either family (stratum/model.h): st_model_load picks the family from the
 * file, every prediction is the family's own bit for bit, st_model_predict_row on each row
 * of a dataset (numbers, missing values, categorical codes) equals st_model_predict on the
 * dataset, and a file that is not a model or a row of the wrong width is an error with a
 * message. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stratum.h>
#include <stratum/model.h>

#include "test_util.h"

TEST_SCRATCH_DIR("stratum_model")

static st_dataset *read_thyroid(void) { return test_read_shipped("thyroid_sick.csv"); }

static const char *scratch(const char *name)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

/* Row i of ds as the model's row: values in model order, a categorical level as the
 * model's code for the same text (-1 when the model does not know it). */
static void model_row(const st_model *m, const st_dataset *ds, size_t i, float *x)
{
    for (size_t j = 0; j < st_model_n_features(m); j++) {
        const long src = st_dataset_find_feature(ds, st_model_feature_name(m, j));
        assert_true(src >= 0);
        const float v = st_dataset_feature_values(ds, (size_t)src)[i];
        x[j] = v;
        if (st_model_n_levels(m, j) > 0 && !isnan(v)) {
            const char *text = st_dataset_level(ds, (size_t)src, (size_t)v);
            x[j] = -1;
            for (size_t k = 0; k < st_model_n_levels(m, j); k++)
                if (strcmp(st_model_level(m, j, k), text) == 0)
                    x[j] = (float)k;
        }
    }
}

/* Every row: st_model_predict_row == st_model_predict == the family's own, bit for bit. */
static void check_rows(const st_model *m, const st_dataset *ds, const double *family)
{
    const size_t n = st_dataset_n_rows(ds), d = st_model_n_features(m);
    double *p = malloc(n * sizeof *p);
    float *x = malloc(d * sizeof *x);
    st_error err;
    assert_int_equal(st_model_predict(m, ds, p, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i] == family[i]);
        model_row(m, ds, i, x);
        double q = -1;
        assert_int_equal(st_model_predict_row(m, x, d, &q, &err), ST_OK);
        if (q != p[i])
            fail_msg("row %zu: predict_row %.17g, predict %.17g", i, q, p[i]);
    }
    free(p);
    free(x);
}

static void logreg_rows(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    st_logreg_params prm = st_logreg_params_default();
    prm.missing_indicators = 1; /* missing values reach the indicator columns too */
    prm.lambda = 1e-3;
    st_logreg *lr = NULL;
    st_error err;
    assert_int_equal(st_logreg_train(ds, &prm, &lr, &err), ST_OK);
    st_calibration *cal = NULL; /* and through a calibration map */
    assert_int_equal(st_calibration_make_platt(0.8, 0.1, &cal, &err), ST_OK);
    assert_int_equal(st_logreg_set_calibration(lr, cal, &err), ST_OK);
    st_calibration_free(cal);
    const size_t n = st_dataset_n_rows(ds);
    double *want = malloc(n * sizeof *want);
    assert_int_equal(st_logreg_predict(lr, ds, want, n, &err), ST_OK);
    assert_int_equal(st_logreg_save(lr, scratch("lr.model"), &err), ST_OK);
    st_model *m = NULL;
    assert_int_equal(st_model_from_logreg(lr, &m, &err), ST_OK);
    assert_int_equal(st_model_family_of(m), ST_MODEL_LOGREG);
    assert_ptr_equal(st_model_logreg(m), lr);
    assert_null(st_model_gbdt(m));
    check_rows(m, ds, want);
    st_model_free(m);
    assert_int_equal(st_model_load(scratch("lr.model"), &m, &err), ST_OK);
    assert_int_equal(st_model_family_of(m), ST_MODEL_LOGREG);
    check_rows(m, ds, want);
    /* a code the model does not know (negative, fractional, too large) is an unseen level:
     * its one-hot is all zeros, whatever the code */
    const size_t d = st_model_n_features(m);
    float *x = malloc(d * sizeof *x);
    model_row(m, ds, 0, x);
    size_t j = 0;
    while (st_model_n_levels(m, j) == 0)
        j++;
    double q[3];
    const float unknown[3] = {-1.0f, 0.5f, 1e6f};
    for (int k = 0; k < 3; k++) {
        x[j] = unknown[k];
        assert_int_equal(st_model_predict_row(m, x, d, &q[k], &err), ST_OK);
    }
    assert_true(q[0] == q[1] && q[1] == q[2]);
    free(x);
    free(want);
    st_model_free(m);
    st_dataset_free(ds);
}

static void gbdt_rows(void **state)
{
    (void)state;
    st_dataset *ds = read_thyroid();
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 30;
    st_gbdt *gb = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(ds, &prm, &gb, &err), ST_OK);
    st_decision_threshold t = {0.25, ST_THRESHOLD_FIXED, NAN};
    assert_int_equal(st_gbdt_set_threshold(gb, &t, &err), ST_OK);
    const size_t n = st_dataset_n_rows(ds);
    double *want = malloc(n * sizeof *want);
    assert_int_equal(st_gbdt_predict(gb, ds, ST_GBDT_PROBABILITY, 1, want, n, &err), ST_OK);
    assert_int_equal(st_gbdt_save(gb, scratch("gb.model"), &err), ST_OK);
    st_gbdt_free(gb);
    st_model *m = NULL;
    assert_int_equal(st_model_load(scratch("gb.model"), &m, &err), ST_OK);
    assert_int_equal(st_model_family_of(m), ST_MODEL_GBDT);
    assert_null(st_model_logreg(m));
    assert_true(st_model_threshold(m) == 0.25);
    check_rows(m, ds, want);
    /* st_model_save writes the same file back */
    assert_int_equal(st_model_save(m, scratch("gb2.model"), &err), ST_OK);
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "cmp -s '%s/gb.model' '%s/gb2.model'", tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    free(want);
    st_model_free(m);
    st_dataset_free(ds);
}

static void errors(void **state)
{
    (void)state;
    st_error err;
    st_model *m = (st_model *)&err;
    FILE *f = fopen(scratch("text.model"), "w");
    fputs("hello\n", f);
    fclose(f);
    assert_int_equal(st_model_load(scratch("text.model"), &m, &err), ST_ERR_FORMAT);
    assert_null(m);
    char want[1400];
    snprintf(want, sizeof want, "%s:1: not a model file: expected 'stratum-model 1 logreg' or "
             "'stratum-model 1 gbdt' on the first line, or an XGBoost JSON or LightGBM text "
             "model", scratch("text.model"));
    assert_string_equal(err.message, want);
    /* a corrupt stratum model keeps its family loader's message */
    f = fopen(scratch("cut.model"), "w");
    fputs("stratum-model 1 logreg\nlambda 0.0001\n", f);
    fclose(f);
    assert_int_equal(st_model_load(scratch("cut.model"), &m, &err), ST_ERR_FORMAT);
    assert_non_null(strstr(err.message, scratch("cut.model")));
    assert_int_equal(st_model_load(scratch("absent.model"), &m, &err), ST_ERR_IO);
    assert_int_equal(st_model_load(NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_model_load: path is NULL");
    assert_int_equal(st_model_from_gbdt(NULL, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);

    st_dataset *ds = read_thyroid();
    st_logreg *lr = NULL;
    assert_int_equal(st_logreg_train(ds, NULL, &lr, &err), ST_OK);
    assert_int_equal(st_model_from_logreg(lr, &m, &err), ST_OK);
    float x[40] = {0};
    double p;
    assert_int_equal(st_model_predict_row(m, x, 3, &p, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_model_predict_row: the row has 3 values, the model "
                        "29 features");
    assert_int_equal(st_model_predict_row(m, NULL, 29, &p, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_model_predict_row: x is NULL");
    assert_null(st_model_feature_name(m, 29));
    assert_null(st_model_level(m, 0, 0)); /* age is numeric */
    st_model_free(m);
    st_model_free(NULL);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logreg_rows),
        cmocka_unit_test(gbdt_rows),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
