/* The library's HTML report builder (stratum/report.h, src/report/): escaping, number
 * formats, curve simplification, the bar chart, the document returned in a buffer and
 * written to a file alike, and failures that return a status. */
#define _POSIX_C_SOURCE 200809L /* open_memstream, mkdtemp */
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"
#include "report/report_impl.h"

/* Everything st__report_escape writes for s. */
static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    st__report_escape(f, s);
    fclose(f);
    return buf;
}

/* Markup characters become entities and control characters spaces; UTF-8 passes. */
static void test_escape(void **state)
{
    (void)state;
    char *e = escaped("<a href=\"x\">&'\x01\tcaf\xc3\xa9");
    assert_string_equal(e, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;  caf\xc3\xa9");
    free(e);
}

/* "v (lo–hi)" with an en dash ("v (lo to hi)" when a bound is negative), v alone without
 * an interval, "undefined" for NaN. */
static void test_format_ci(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(st_report_format_ci(buf, sizeof buf, 0.8414, 0.8123, 0.87, 3),
                        "0.841 (0.812\xe2\x80\x93" "0.870)");
    assert_string_equal(st_report_format_ci(buf, sizeof buf, -0.11, -0.214, -0.006, 3),
                        "-0.110 (-0.214 to -0.006)");
    assert_string_equal(st_report_format_ci(buf, sizeof buf, 0.02, -0.01, 0.05, 2),
                        "0.02 (-0.01 to 0.05)");
    assert_string_equal(st_report_format_ci(buf, sizeof buf, 0.5, NAN, NAN, 2), "0.50");
    assert_string_equal(st_report_format_ci(buf, sizeof buf, NAN, 0.1, 0.2, 3), "undefined");
}

/* A staircase keeps exactly its corners, even with eps 0. */
static void test_simplify_staircase(void **state)
{
    (void)state;
    double x[] = {0, 0.1, 0.2, 0.2, 0.2, 0.6, 1};
    double y[] = {0, 0, 0, 0.5, 1, 1, 1};
    size_t n = st__report_simplify(x, y, 7, 1, 1, 0, 100);
    double ex[] = {0, 0.2, 0.2, 1}, ey[] = {0, 0, 1, 1};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_true(x[i] == ex[i]);
        assert_true(y[i] == ey[i]);
    }
}

/* A line folding back on itself keeps the turning point (the points are collinear but
 * the direction reverses). */
static void test_simplify_keeps_reversal(void **state)
{
    (void)state;
    double x[] = {0, 0.5, 1, 0.5}, y[] = {0, 0, 0, 0};
    assert_int_equal(st__report_simplify(x, y, 4, 1, 1, 0.001, 100), 3);
    assert_true(x[1] == 1 && x[2] == 0.5);
}

/* A smooth curve of 20,000 points: the kept points are original points in order, with both
 * ends; none of the dropped ones is farther than eps from the simplified line; and with a
 * small max_points the count is bounded. */
static void test_simplify_curve(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *x0 = malloc(N * sizeof *x0), *y0 = malloc(N * sizeof *y0);
    assert_true(x && y && x0 && y0);
    for (int i = 0; i < N; i++)
        x0[i] = x[i] = (double)i / (N - 1), y0[i] = y[i] = sqrt(x[i]) * (1 + 0.05 * sin(40 * x[i]));
    size_t n = st__report_simplify(x, y, N, 1, 1, 0.001, 100000);
    assert_true(n > 10 && n < N / 10);
    assert_true(x[0] == 0 && x[n - 1] == 1);
    size_t j = 0;
    for (int i = 0; i < N; i++) {
        if (j + 1 < n && x0[i] == x[j + 1])
            j++;
        assert_true(j + 1 < n || x0[i] == 1);
        if (j + 1 == n)
            break;
        /* the distance to the segment of the simplified line that spans point i */
        double dx = x[j + 1] - x[j], dy = y[j + 1] - y[j];
        double t = ((x0[i] - x[j]) * dx + (y0[i] - y[j]) * dy) / (dx * dx + dy * dy);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        assert_true(hypot(x[j] + t * dx - x0[i], y[j] + t * dy - y0[i]) <= 0.001 + 1e-12);
    }
    for (int i = 0; i < N; i++)
        x[i] = x0[i], y[i] = y0[i];
    n = st__report_simplify(x, y, N, 1, 1, 1e-9, 50);
    assert_true(n <= 50 && n >= 2);
    free(x), free(y), free(x0), free(y0);
}


static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

/* The bar chart: one bar per defined value, negative bars left of zero, labels escaped. */
static void test_bar_chart(void **state)
{
    (void)state;
    char dir[] = "/tmp/stratum_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/bars.html", dir);
    st_report *r = NULL;
    assert_int_equal(st_report_begin("bars", NULL, &r, NULL), ST_OK);
    const char *labels[] = {"age", "<sex>", "bmi"};
    double values[] = {0.5, -0.25, NAN};
    st_report_bars b = {"contributions", "log-odds", labels, values, 3, 2, NULL};
    st_report_bar_chart(r, &b);
    char *html = NULL;
    size_t size = 0;
    assert_int_equal(st_report_end(r, path, &html, &size, NULL), ST_OK);
    char *text = read_all(path);
    /* the buffer holds the bytes written to the file */
    assert_int_equal(size, strlen(text));
    assert_memory_equal(html, text, size);
    st_report_html_free(html);
    assert_int_equal(count(text, "class=\"bar\""), 2);
    assert_non_null(strstr(text, "&lt;sex&gt;"));
    assert_null(strstr(text, "<sex>"));
    assert_non_null(strstr(text, ">0.50</text>"));
    assert_non_null(strstr(text, ">-0.25</text>"));
    /* the negative bar ends where the positive one starts: at zero */
    const char *pos = strstr(text, "class=\"bar\" x=\""), *neg = strstr(pos + 1, "class=\"bar\"");
    double x_pos = atof(pos + strlen("class=\"bar\" x=\""));
    double x_neg = atof(neg + strlen("class=\"bar\" x=\""));
    const char *w = strstr(neg, "width=\"");
    assert_true(x_neg < x_pos);
    assert_close(x_neg + atof(w + strlen("width=\"")), x_pos, 0.011);
    free(text);
    unlink(path);
    rmdir(dir);
}

/* A report to a directory that does not exist fails with a message naming it, not a
 * crash, and returns no buffer; NULL arguments are refused. */
static void test_end_fails_cleanly(void **state)
{
    (void)state;
    st_report *r = NULL;
    assert_int_equal(st_report_begin("x", "y", &r, NULL), ST_OK);
    st_report_section(r, "s");
    st_error err;
    memset(&err, 0, sizeof err);
    char *html = (char *)"not set";
    size_t size = 1;
    assert_int_not_equal(st_report_end(r, "/nonexistent-dir/r.html", &html, &size, &err),
                         ST_OK);
    assert_non_null(strstr(err.message, "/nonexistent-dir/r.html"));
    assert_null(html);
    assert_int_equal(st_report_end(NULL, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_report_begin("x", NULL, NULL, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_report_cv(NULL, NULL, NULL, NULL, NULL, NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_report_compare(NULL, NULL, NULL, NULL, NULL, NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    assert_int_equal(st_report_evaluate(NULL, NULL, NULL, NULL, NULL, &err),
                     ST_ERR_INVALID_ARG);
    st_report_evaluation e;
    memset(&e, 0, sizeof e);
    double p[2] = {0.2, 0.8};
    float y[2] = {0, 1};
    st_eval ev;
    st_eval_params prm = st_eval_params_default();
    e.p = p, e.y = y, e.n = 2, e.ev = &ev, e.prm = &prm; /* neither scores nor a model named */
    assert_int_equal(st_report_evaluate(&e, NULL, NULL, NULL, NULL, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "scores_name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_format_ci),
        cmocka_unit_test(test_simplify_staircase),
        cmocka_unit_test(test_simplify_keeps_reversal),
        cmocka_unit_test(test_simplify_curve),
        cmocka_unit_test(test_bar_chart),
        cmocka_unit_test(test_end_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
