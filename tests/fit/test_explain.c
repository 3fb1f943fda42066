/* Explanations (stratum/explain.h) and their report (st_report_explain): the orderings on a
 * hand-made explanation; on thyroid_sick (numbers, categoricals, missing values) with both
 * families, the chosen rows' risk and contributions against st_model_predict and the
 * family's contributions on the whole dataset (another path: no subset), their sum against
 * the log-odds, each value's text against the dataset, the global means against a sum done
 * here, the same bits on 1 and 2 threads, the progress callback; a model of a text column
 * (labels, raw texts, marked report); errors; and every allocation failing in turn (linked
 * against stratum_fault: ST_ERR_NOMEM, nothing leaked). */
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

#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"
#include "test_util.h"
#include "text_note_model.h"

/* Orderings on an explanation made by hand: ties to the lower index, zero and NaN never
 * pushing, NaN ranked last. */
static void test_orderings_by_hand(void **state)
{
    (void)state;
    double contrib[5] = {0.3, -0.7, 0.3, 0.0, 1.0}; /* four features, the bias last */
    double mean_abs[4] = {0.1, NAN, 0.4, 0.1};
    st_explanation ex;
    memset(&ex, 0, sizeof ex);
    ex.n_features = 4, ex.n_rows = 1, ex.contrib = contrib, ex.mean_abs = mean_abs;
    size_t order[4] = {9, 9, 9, 9};
    assert_int_equal(st_explanation_pushing(&ex, 0, 1, 10, order), 2);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 2);
    assert_int_equal(st_explanation_pushing(&ex, 0, 1, 1, order), 1);
    assert_int_equal(order[0], 0);
    assert_int_equal(st_explanation_pushing(&ex, 0, 0, 10, order), 1);
    assert_int_equal(order[0], 1);
    assert_int_equal(st_explanation_pushing(&ex, 1, 1, 10, order), 0); /* no row 1 */
    assert_int_equal(st_explanation_ranking(&ex, order), 4);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 0);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 1);
    ex.mean_abs = NULL; /* no global part */
    assert_int_equal(st_explanation_ranking(&ex, order), 0);
}

typedef struct progress_log {
    size_t calls, last_done, last_total;
    int decreasing;
} progress_log;

static void on_progress(size_t done, size_t total, void *data)
{
    progress_log *l = data;
    l->decreasing |= l->calls > 0 && done < l->last_done;
    l->calls++, l->last_done = done, l->last_total = total;
}

static st_model *train_thyroid(const st_dataset *ds, int gbdt)
{
    st_error err;
    st_model *m = NULL;
    if (gbdt) {
        st_gbdt_params p = st_gbdt_params_default();
        p.num_trees = 15;
        st_gbdt *g = NULL;
        assert_int_equal(st_gbdt_train(ds, &p, &g, &err), ST_OK);
        assert_int_equal(st_model_from_gbdt(g, &m, &err), ST_OK);
    } else {
        st_logreg_params p = st_logreg_params_default();
        p.lambda = 0.01;
        st_logreg *l = NULL;
        assert_int_equal(st_logreg_train(ds, &p, &l, &err), ST_OK);
        assert_int_equal(st_model_from_logreg(l, &m, &err), ST_OK);
    }
    return m;
}

/* Row i's value of model feature j as the explanation must write it, from the dataset. */
static void expected_value(const st_model *m, const st_dataset *ds, size_t j, size_t i,
                           char *buf, size_t size)
{
    const long src = st_dataset_find_feature(ds, st_model_feature_name(m, j));
    assert_true(src >= 0);
    const float v = st_dataset_feature_values(ds, (size_t)src)[i];
    if (isnan(v))
        snprintf(buf, size, "missing");
    else if (st_dataset_feature_type(ds, (size_t)src) == ST_FEATURE_CATEGORICAL)
        snprintf(buf, size, "%s", st_dataset_level(ds, (size_t)src, (size_t)v));
    else
        snprintf(buf, size, "%.7g", (double)v);
}

static void check_family(const st_dataset *ds, int gbdt)
{
    st_model *m = train_thyroid(ds, gbdt);
    const size_t n = st_dataset_n_rows(ds), nf = st_model_n_features(m);
    double *p = malloc(n * sizeof *p), *all = malloc(n * (nf + 1) * sizeof *all);
    st_error err;
    assert_int_equal(st_model_predict(m, ds, p, n, &err), ST_OK);
    if (gbdt)
        assert_int_equal(st_gbdt_contrib(st_model_gbdt(m), ds, 1, all, n * (nf + 1), &err),
                         ST_OK);
    else
        assert_int_equal(st_logreg_contrib(st_model_logreg(m), ds, all, n * (nf + 1), &err),
                         ST_OK);
    const size_t rows[4] = {0, 17, 17, n - 1};
    progress_log seen = {0, 0, 0, 0};
    st_explain_params ep = st_explain_params_default();
    ep.rows = rows, ep.n_rows = 4, ep.global = 1, ep.n_threads = 2;
    ep.progress = on_progress, ep.progress_data = &seen;
    st_explanation *ex = NULL, *one = NULL;
    assert_int_equal(st_model_explain(m, ds, &ep, &ex, &err), ST_OK);
    assert_int_equal(ex->family, gbdt ? ST_MODEL_GBDT : ST_MODEL_LOGREG);
    assert_int_equal(ex->n_features, nf);
    assert_int_equal(ex->n_rows, 4);
    assert_int_equal(ex->n_texts, 0);
    assert_null(ex->texts);
    for (size_t k = 0; k < 4; k++) {
        const size_t i = rows[k];
        assert_int_equal(ex->rows[k], i);
        assert_same_double(ex->p[k], p[i]);
        double sum = 0;
        for (size_t j = 0; j <= nf; j++) {
            assert_same_double(ex->contrib[k * (nf + 1) + j], all[i * (nf + 1) + j]);
            sum += ex->contrib[k * (nf + 1) + j];
        }
        if (!gbdt) /* no calibration map: the log-odds of P(y = 1) */
            assert_close(sum, log(p[i] / (1 - p[i])), 1e-9);
        for (size_t j = 0; j < nf; j++) {
            char want[64];
            expected_value(m, ds, j, i, want, sizeof want);
            assert_string_equal(ex->values[k * nf + j], want);
            assert_string_equal(ex->labels[j], st_model_feature_name(m, j));
        }
    }
    /* the global part: means over every row, summed here in row order */
    assert_int_equal(ex->n_global_rows, n);
    for (size_t j = 0; j < nf; j++) {
        double abs_sum = 0, sum = 0;
        for (size_t i = 0; i < n; i++)
            abs_sum += fabs(all[i * (nf + 1) + j]), sum += all[i * (nf + 1) + j];
        assert_close(ex->mean_abs[j], abs_sum / (double)n, 1e-12);
        assert_close(ex->mean[j], sum / (double)n, 1e-12);
    }
    if (gbdt) {
        double *gain = malloc(nf * sizeof *gain);
        assert_int_equal(st_gbdt_feature_importance(st_model_gbdt(m), ST_GBDT_IMPORTANCE_GAIN,
                                                    gain, nf, &err), ST_OK);
        for (size_t j = 0; j < nf; j++)
            assert_same_double(ex->gain[j], gain[j]);
        assert_null(ex->std_coef);
        free(gain);
    } else {
        assert_null(ex->split);
        for (size_t j = 0; j < nf; j++)
            assert_true(ex->std_coef[j] >= 0);
    }
    assert_true(seen.calls >= 2 && !seen.decreasing);
    assert_int_equal(seen.last_done, n);
    assert_int_equal(seen.last_total, n);
    /* the same bits on one thread, without a progress callback */
    ep.n_threads = 1, ep.progress = NULL;
    assert_int_equal(st_model_explain(m, ds, &ep, &one, &err), ST_OK);
    assert_memory_equal(one->contrib, ex->contrib, 4 * (nf + 1) * sizeof *ex->contrib);
    assert_memory_equal(one->mean_abs, ex->mean_abs, nf * sizeof *ex->mean_abs);
    /* its report, as a buffer: both parts */
    st_report_explain_input r = {m, ex, "thyroid.model", "thyroid <sick>.csv", 3, 0};
    char *html = NULL;
    size_t size = 0;
    assert_int_equal(st_report_explain(&r, NULL, &html, &size, &err), ST_OK);
    assert_int_equal(strlen(html), size);
    assert_contains(html, "Row 18: predicted risk");
    assert_contains(html, "thyroid &lt;sick&gt;.csv");
    assert_contains(html, "Feature importance");
    st_report_html_free(html);
    st_explanation_free(one);
    st_explanation_free(ex);
    st_model_free(m);
    free(p), free(all);
}

static void test_thyroid_logreg(void **state)
{
    (void)state;
    st_dataset *ds = test_read_shipped("thyroid_sick.csv");
    check_family(ds, 0);
    st_dataset_free(ds);
}

static void test_thyroid_gbdt(void **state)
{
    (void)state;
    st_dataset *ds = test_read_shipped("thyroid_sick.csv");
    check_family(ds, 1);
    st_dataset_free(ds);
}

static void test_text_model(void **state)
{
    (void)state;
    st_dataset *raw = test_oom_notes();
    st_model *m = NULL;
    st_error err;
    assert_int_equal(text_note_model(raw, &m, &err), ST_OK);
    const size_t rows[2] = {2, 8}; /* "fever and cough", "none" */
    st_explain_params ep = st_explain_params_default();
    ep.rows = rows, ep.n_rows = 2;
    st_explanation *ex = NULL;
    assert_int_equal(st_model_explain(m, raw, &ep, &ex, &err), ST_OK);
    assert_int_equal(ex->n_texts, 1);
    assert_string_equal(ex->texts[0], "fever and cough");
    assert_string_equal(ex->texts[1], "none");
    assert_null(ex->mean_abs);
    size_t terms = 0;
    for (size_t j = 0; j < ex->n_features; j++) {
        if (ex->text_featurizer[j] < 0) {
            assert_string_equal(ex->labels[j], "x");
            continue;
        }
        terms++;
        assert_int_equal(ex->text_featurizer[j], 0);
        assert_string_equal(ex->labels[j],
                            st_text_featurizer_label(st_model_text_featurizer(m, 0),
                                                     ex->text_term[j]));
    }
    assert_true(terms >= 5); /* fever, cough, pain, no, none, and ... */
    const char *labels[64];
    long feat[64];
    assert_int_equal(st_model_feature_labels(m, labels, feat, NULL, 64, &err), ST_OK);
    assert_memory_equal(feat, ex->text_featurizer, ex->n_features * sizeof *feat);
    st_report_explain_input r = {m, ex, NULL, NULL, 2, 0};
    char *html = NULL;
    size_t size = 0;
    assert_int_equal(st_report_explain(&r, NULL, &html, &size, &err), ST_OK);
    assert_contains(html, "Text of column &#39;note&#39;");
    assert_contains(html, "<mark");
    assert_contains(html, "the logreg model model gives 2 rows of data their risk");
    st_report_html_free(html);
    st_explanation_free(ex);
    st_model_free(m);
    st_dataset_free(raw);
}

static void test_errors(void **state)
{
    (void)state;
    st_dataset *raw = test_oom_notes();
    st_model *m = NULL;
    st_error err;
    assert_int_equal(text_note_model(raw, &m, &err), ST_OK);
    st_explain_params ep = st_explain_params_default();
    st_explanation *ex = (st_explanation *)(uintptr_t)1;
    assert_int_equal(st_model_explain(NULL, raw, &ep, &ex, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "model is NULL");
    const size_t past[2] = {3, 16};
    ep.rows = past, ep.n_rows = 2;
    assert_int_equal(st_model_explain(m, raw, &ep, &ex, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "rows[1] = 16 is past the end: the data has 16 rows, "
                                     "numbered from 0");
    assert_null(ex);
    ep.n_rows = 0; /* neither part: an explanation of labels only, and no report of it */
    assert_int_equal(st_model_explain(m, raw, &ep, &ex, &err), ST_OK);
    st_report_explain_input r = {m, ex, NULL, NULL, 5, 0};
    assert_int_equal(st_report_explain(&r, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    assert_contains(err.message, "neither chosen rows nor the global part");
    r.model = NULL;
    assert_int_equal(st_report_explain(&r, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    st_explanation_free(ex);
    st_explanation_free(NULL);
    /* data without the model's text column */
    static const char csv[] = "x,label\n1,0\n2,1\n";
    st_read_options ro = st_read_options_default();
    st_dataset *bare = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "bare", &ro, &bare, &err),
                     ST_OK);
    ep.global = 1;
    assert_int_not_equal(st_model_explain(m, bare, &ep, &ex, &err), ST_OK);
    assert_contains(err.message, "note");
    st_dataset_free(bare);
    st_model_free(m);
    st_dataset_free(raw);
}

/* Explaining and reporting with each allocation failing in turn. */
static st_model *oom_model;
static st_dataset *oom_data;

static st_status oom_cycle(void *unused)
{
    (void)unused;
    const size_t rows[2] = {0, 5};
    st_explain_params ep = st_explain_params_default();
    ep.rows = rows, ep.n_rows = 2, ep.global = 1, ep.n_threads = 1;
    st_explanation *ex = NULL;
    st_error err;
    st_status rc = st_model_explain(oom_model, oom_data, &ep, &ex, &err);
    if (rc != ST_OK) {
        assert_null(ex);
        return rc;
    }
    st_report_explain_input r = {oom_model, ex, "m", "d", 3, 0};
    char *html = NULL;
    size_t size;
    rc = st_report_explain(&r, NULL, &html, &size, &err);
    st_report_html_free(html);
    st_explanation_free(ex);
    return rc;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    st_error err;
    oom_data = test_oom_notes();
    assert_int_equal(text_note_model(oom_data, &oom_model, &err), ST_OK);
    assert_true(test_oom_sweep(oom_cycle, NULL, 100000) > 10);
    st_model_free(oom_model);
    st_dataset_free(oom_data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orderings_by_hand),
        cmocka_unit_test(test_thyroid_logreg),
        cmocka_unit_test(test_thyroid_gbdt),
        cmocka_unit_test(test_text_model),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
