/* The quantile summary (src/binned/quantile_sketch.c) against exact ranks computed by sorting:
 * exact while the distinct values fit, the stated rank-error bound otherwise (random and
 * heavy-tie data), merge of sketches of two halves, and serialisation. */
#include "test_util.h"

#include <stdlib.h>

#include "binned/quantile_sketch.h"

static uint64_t rng_state;

static double unit(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Weight below v and at or below v in sorted[0..n). */
static void true_ranks(const float *sorted, size_t n, double v, double *lt, double *le)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if ((double)sorted[m] < v) lo = m + 1; else hi = m;
    }
    *lt = (double)lo;
    hi = n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if ((double)sorted[m] <= v) lo = m + 1; else hi = m;
    }
    *le = (double)lo;
}

/* Every entry's bounds hold on the true ranks; every query over a grid of ranks lands
 * within e(S); e(S) <= eps * n. */
static void check_summary(const st__qsummary *s, const float *data, size_t n, double eps)
{
    float *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, data, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_float);
    assert_close(st__qsummary_weight(s), (double)n, 0);
    for (size_t i = 0; i < s->n; i++) {
        double lt, le;
        true_ranks(sorted, n, s->e[i].value, &lt, &le);
        assert_true(le > lt); /* every kept value is in the data */
        assert_true(s->e[i].rmin <= lt);
        assert_true(s->e[i].rmax >= le);
        assert_true(s->e[i].wmin <= le - lt);
    }
    const double e = st__qsummary_error(s);
    if (e > eps * (double)n)
        fail_msg("rank error %g is above the bound %g", e, eps * (double)n);
    for (int k = 0; k <= 1000; k++) {
        const double r = (double)n * k / 1000.0;
        double lt, le;
        true_ranks(sorted, n, st__qsummary_query(s, r), &lt, &le);
        if (!(lt - e <= r + 1e-9 && r <= le + e + 1e-9))
            fail_msg("rank %g: value of ranks [%g, %g], error bound %g", r, lt, le, e);
    }
    free(sorted);
}

static void sketch_of(const float *x, size_t n, size_t limit, st__qsummary *out, double *eps)
{
    st__qsketch sk;
    assert_true(st__qsketch_init(&sk, limit));
    for (size_t i = 0; i < n; i++)
        assert_true(st__qsketch_push(&sk, x[i]));
    *eps = st__qsketch_error_bound(&sk);
    assert_true(st__qsketch_finish(&sk, out));
    st__qsketch_free(&sk);
}

/* Few distinct values (heavy ties, NaN skipped): the summary is the exact distribution. */
static void test_exact_when_distinct_fit(void **state)
{
    (void)state;
    rng_state = 1;
    const size_t n = 100000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = unit() < 0.1 ? NAN : (float)(int)(unit() * unit() * 300) - 20.5f;
    st__qsummary s;
    double eps;
    sketch_of(x, n, 512, &s, &eps);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] == x[i])
            x[m++] = x[i];
    check_summary(&s, x, m, 0.0);
    assert_close(st__qsummary_error(&s), 0, 0);
    qsort(x, m, sizeof *x, cmp_float);
    for (size_t i = 0; i < s.n; i++) {
        double lt, le;
        true_ranks(x, m, s.e[i].value, &lt, &le);
        assert_close(s.e[i].rmin, lt, 0);
        assert_close(s.e[i].rmax, le, 0);
        assert_close(s.e[i].wmin, le - lt, 0);
    }
    size_t distinct = 0;
    for (size_t i = 0; i < m; i++)
        distinct += i == 0 || x[i] != x[i - 1];
    assert_int_equal(s.n, distinct);
    st__qsummary_free(&s);
    free(x);
}

/* Many distinct values: pruned, within the stated bound (and the bound is not loose by
 * orders of magnitude: it is above the error measured, which is nonzero). */
static void check_approx(float (*gen)(void))
{
    rng_state = 7;
    const size_t n = 300000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = gen();
    st__qsummary s;
    double eps;
    sketch_of(x, n, 200, &s, &eps);
    assert_true(s.n <= 200);
    assert_true(st__qsummary_error(&s) > 0);
    check_summary(&s, x, n, eps);
    st__qsummary_free(&s);
    free(x);
}

static float gen_uniform(void) { return (float)unit(); }
static float gen_heavy_ties(void) /* 40% at 0, 10% at 1, the rest lognormal-ish */
{
    double u = unit();
    if (u < 0.4) return 0.0f;
    if (u < 0.5) return 1.0f;
    return (float)exp(4 * (unit() - 0.5) + 2 * (unit() - 0.5));
}
static float gen_sorted_like(void) /* drifting values: order matters to a naive sketch */
{
    static double t = 0;
    t += unit();
    return (float)t;
}

static void test_bound_uniform(void **state) { (void)state; check_approx(gen_uniform); }
static void test_bound_heavy_ties(void **state) { (void)state; check_approx(gen_heavy_ties); }
static void test_bound_drifting(void **state) { (void)state; check_approx(gen_sorted_like); }

/* Two halves sketched apart, merged and pruned: error <= e(A) + e(B) + W / (b - 1). */
static void test_merge_halves(void **state)
{
    (void)state;
    rng_state = 11;
    const size_t n = 200000, b = 300;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = i < n / 2 ? (float)unit() : gen_heavy_ties();
    st__qsummary a, c, m = {0}, p = {0};
    double ea, ec;
    sketch_of(x, n / 2, b, &a, &ea);
    sketch_of(x + n / 2, n - n / 2, b, &c, &ec);
    assert_true(st__qsummary_merge(&m, &a, &c));
    assert_true(st__qsummary_prune(&p, &m, b));
    const double bound = ea * (double)(n / 2) + ec * (double)(n - n / 2) + (double)n / (b - 1);
    check_summary(&p, x, n, bound / (double)n);
    /* exact summaries merge exactly */
    st__qsummary_free(&a);
    st__qsummary_free(&c);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(int)(unit() * 50);
    sketch_of(x, n / 2, 64, &a, &ea);
    sketch_of(x + n / 2, n - n / 2, 64, &c, &ec);
    assert_true(st__qsummary_merge(&m, &a, &c));
    check_summary(&m, x, n, 0.0);
    st__qsummary_free(&a);
    st__qsummary_free(&c);
    st__qsummary_free(&m);
    st__qsummary_free(&p);
    free(x);
}

static void test_serialise(void **state)
{
    (void)state;
    rng_state = 3;
    const size_t n = 50000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = gen_heavy_ties();
    st__qsummary s, r;
    double eps;
    sketch_of(x, n, 100, &s, &eps);
    size_t size = st__qsummary_bytes(&s);
    unsigned char *buf = malloc(size);
    st__qsummary_write(&s, buf);
    st_error err;
    assert_int_equal(st__qsummary_read(buf, size, "s", &r, &err), ST_OK);
    assert_int_equal(r.n, s.n);
    assert_memory_equal(r.e, s.e, s.n * sizeof *s.e);
    st__qsummary_free(&r);
    /* truncated, wrong magic, wrong version, unsorted */
    assert_int_equal(st__qsummary_read(buf, size - 1, "s", &r, &err), ST_ERR_DATA);
    assert_contains(err.message, "entries");
    buf[0] = 'X';
    assert_int_equal(st__qsummary_read(buf, size, "s", &r, &err), ST_ERR_DATA);
    assert_contains(err.message, "not a quantile summary");
    buf[0] = 'Q';
    buf[4] = 9;
    assert_int_equal(st__qsummary_read(buf, size, "s", &r, &err), ST_ERR_DATA);
    assert_contains(err.message, "version 9");
    buf[4] = 1;
    memcpy(buf + 16 + 32, buf + 16, 8); /* entry 1's value = entry 0's */
    assert_int_equal(st__qsummary_read(buf, size, "s", &r, &err), ST_ERR_DATA);
    assert_contains(err.message, "entry 1 is invalid");
    st__qsummary_free(&s);
    free(buf);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_when_distinct_fit),
        cmocka_unit_test(test_bound_uniform),
        cmocka_unit_test(test_bound_heavy_ties),
        cmocka_unit_test(test_bound_drifting),
        cmocka_unit_test(test_merge_halves),
        cmocka_unit_test(test_serialise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
