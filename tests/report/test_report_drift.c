/* st_report_drift (stratum/report.h) on a drift result built by hand: the columns ranked
 * by PSI (largest first, NaN last, ties by name), the bands, the text-column section with
 * its shares worked out by hand and its labels escaped, the model's facts without labels,
 * the same bytes twice, and its errors. The CLI's `drift --report` renders through it:
 * tests/cli's report checks compare that HTML with the JSON of the same run. */
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

static double share_r[3] = {0.5, 0.5, 0}, share_n[3] = {0.25, 0.75, 0};
static double edges[1] = {2.5};

static st_drift_feature feature(const char *name, double psi)
{
    st_drift_feature f;
    memset(&f, 0, sizeof f);
    f.name = (char *)name;
    f.type = ST_FEATURE_NUMERIC;
    f.psi = psi;
    f.ks_statistic = 0.25, f.ks_pvalue = 0.5;
    f.chi2 = f.chi2_pvalue = NAN;
    f.n_shares = 3;
    f.share_reference = share_r, f.share_new = share_n, f.edges = edges;
    return f;
}

/* The position in html of the table row naming column `name`. */
static const char *row_of(const char *html, const char *name)
{
    char needle[128];
    snprintf(needle, sizeof needle, "<tr><th scope=\"row\" class=\"label\">%s</th>", name);
    const char *p = strstr(html, needle);
    assert_non_null(p);
    return p;
}

static void test_ranked(void **state)
{
    (void)state;
    st_drift_feature f[4] = {feature("b_low", 0.05), feature("c_nan", NAN),
                             feature("a_major", 0.3), feature("a_low", 0.05)};
    st_drift_result r = {100, 80, 4, f, 0.25, 0.5};
    st_report_drift_input d = {&r, "ref.csv", "new.csv", NULL, NULL, NULL};
    char *html = NULL, *again = NULL;
    size_t size = 0, size2 = 0;
    assert_int_equal(st_report_drift(&d, NULL, &html, &size, NULL), ST_OK);
    assert_int_equal(strlen(html), size);
    /* 0.3 first, the tie at 0.05 by name, NaN last */
    const char *p1 = row_of(html, "a_major"), *p2 = row_of(html, "a_low"),
               *p3 = row_of(html, "b_low"), *p4 = row_of(html, "c_nan");
    assert_true(p1 < p2 && p2 < p3 && p3 < p4);
    /* bands: > 0.25 major, < 0.1 stable; the subtitle names NEW against REFERENCE */
    assert_non_null(strstr(p1, "<td data-value=\"0.29999999999999999\">0.3000</td><td>major"));
    assert_non_null(strstr(p2, ">0.0500</td><td>stable"));
    assert_non_null(strstr(html, "new.csv against ref.csv"));
    assert_non_null(strstr(html, "0.2500 in REFERENCE, 0.5000 in NEW"));
    assert_null(strstr(html, "<h2>The model</h2>"));
    /* the first bin's edge in the distribution's caption */
    assert_non_null(strstr(html, "1: &lt;= 2.5; 2: above;"));
    assert_int_equal(st_report_drift(&d, NULL, &again, &size2, NULL), ST_OK);
    assert_int_equal(size, size2);
    assert_memory_equal(html, again, size);
    st_report_html_free(html);
    st_report_html_free(again);
}

static void test_model_and_text(void **state)
{
    (void)state;
    st_drift_feature f[1] = {feature("x", 0.12)};
    st_drift_result r = {200, 50, 1, f, NAN, NAN};
    st_report_drift_term terms[2] = {{"note:<b>fever</b>", 20, 10, 0.2, 0.01, 0.3, -0.1},
                                     {"note:cough", 40, 5, 0.1, 0.2, 0.2, 0.05}};
    st_report_drift_text text = {"note", 12, 15, 0.3, 0.2, 0.001, 0.01, 0.02, 0.1, 0.2, 0.5,
                                 -0.05, terms, 2};
    st_report_drift_model m = {"m.model", 0.02, 0.1, 0.2, 0, NULL, NULL, NAN, NAN, &text, 1};
    st_report_drift_input d = {&r, NULL, NULL, &m, NULL, NULL};
    char *html = NULL;
    size_t size = 0;
    assert_int_equal(st_report_drift(&d, NULL, &html, &size, NULL), ST_OK);
    /* default names, no label */
    assert_non_null(strstr(html, "new against reference"));
    assert_non_null(strstr(html, "no label"));
    /* unlabelled: three facts, no metrics table */
    assert_non_null(strstr(html, "0.0200 (stable)"));
    assert_null(strstr(html, "ROC-AUC change"));
    assert_null(strstr(html, "The model on both files"));
    assert_non_null(strstr(html, "<h2>Text column note</h2>"));
    assert_non_null(strstr(html, "mean 12.00 in REFERENCE, 15.00 in NEW; PSI 0.3000 (major)"));
    /* the label escaped; shares 20 / 200 and 10 / 50 */
    const char *row = strstr(html, "note:&lt;b&gt;fever&lt;/b&gt;");
    assert_non_null(row);
    assert_null(strstr(html, "<b>fever"));
    assert_non_null(strstr(row, ">0.1000</td><td data-value=\"0.20000000000000001\">0.2000<"));
    st_report_html_free(html);
}

static void test_errors(void **state)
{
    (void)state;
    st_error err;
    char *html = NULL;
    assert_int_equal(st_report_drift(NULL, NULL, &html, NULL, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_report_drift: d is NULL");
    st_report_drift_input d = {NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(st_report_drift(&d, NULL, &html, NULL, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_report_drift: d->result is NULL");
    st_drift_result r = {10, 10, 0, NULL, NAN, NAN};
    st_report_drift_model m = {"m", 0, 0.1, 0.1, 1, NULL, NULL, 0, 1, NULL, 0};
    d = (st_report_drift_input){&r, NULL, NULL, &m, NULL, NULL};
    assert_int_equal(st_report_drift(&d, NULL, &html, NULL, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_report_drift: model->labelled is set but "
                                     "ev_reference or ev_new is NULL");
    assert_null(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranked),
        cmocka_unit_test(test_model_and_text),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
