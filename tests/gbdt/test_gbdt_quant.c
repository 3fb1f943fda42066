/* Quantized-gradient training of boosted trees (src/gbdt/gbdt_quant.c,
 * gbdt_hist_packed.c). Checked here: the packed word's layout holds exactly the sums it
 * promises and not one row more (the switch between packed and ordinary cells); a
 * histogram of packed words equals the plain sums of the rows' levels, narrow and wide
 * codes, all rows or a subset; the model is byte-identical on 1 and 2 threads, and differs
 * from the full-precision one; a 2-leaf tree's leaf values are the exact full-precision
 * Newton steps (derived by hand below), not the quantized ones; bad parameters, monotone
 * constraints and a distributed training are refused with a message. The accuracy against
 * full precision on the shipped datasets is tests/gbdt/quantized_accuracy.py. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbdt/gbdt_bins.h"
#include "gbdt/gbdt_quant.h"
#include "gbdt/gbdt_rand.h"
#include "gbdt_hist_check.h"

/* The true sums of n rows of levels (g, h) against what the sum of their n packed words
 * unpacks to; n * word is that sum, modulo 2^64 as the additions are. */
static int sums_survive(int64_t g, int64_t h, uint64_t n, const st__gbdt_quant_layout *lay)
{
    const st__gbdt_hist_cell c = st__gbdt_quant_unpack(n * st__gbdt_quant_pack(g, h, lay), lay);
    return c.g == g * (int64_t)n && c.h == h * (int64_t)n && c.n == (int64_t)n;
}

static void test_layout_boundary(void **state)
{
    (void)state;
    /* by hand: with k count bits, 4 levels need k + 2 Hessian bits (4 (2^k - 1) < 2^(k+2))
       and k + 2 gradient bits (|2 (2^k - 1)| < 2^(k+1), and a sign): 3k + 4 <= 64 gives
       k = 20; 1024 levels: k + 10 and k + 10, 3k + 20 <= 64 gives k = 14 */
    assert_int_equal(st__gbdt_quant_layout_for(4).max_rows, (1u << 20) - 1);
    assert_int_equal(st__gbdt_quant_layout_for(1024).max_rows, (1u << 14) - 1);
    static const int bins[] = {2, 3, 4, 5, 16, 63, 255, 1024};
    for (size_t b = 0; b < sizeof bins / sizeof bins[0]; b++) {
        const int B = bins[b];
        const int64_t gl = (B + 1) / 2;
        const st__gbdt_quant_layout lay = st__gbdt_quant_layout_for(B);
        const uint64_t N = lay.max_rows;
        assert_true(N >= 1000); /* (a word is worth it) */
        /* at max_rows, every extreme survives */
        assert_true(sums_survive(-gl, B, N, &lay));
        assert_true(sums_survive(gl, B, N, &lay));
        assert_true(sums_survive(gl, 0, N, &lay));
        assert_true(sums_survive(-gl, 0, N, &lay));
        assert_true(sums_survive(0, 0, N, &lay));
        assert_true(sums_survive(-1, 1, 7, &lay));
        /* one row more and some extreme does not: the bound is tight */
        assert_false(sums_survive(-gl, B, N + 1, &lay) && sums_survive(gl, B, N + 1, &lay) &&
                     sums_survive(gl, 0, N + 1, &lay) && sums_survive(-gl, 0, N + 1, &lay));
    }
}

/* Random codes (max_bin bins) and random levels of B bins; the packed histogram of rows
 * (all of them, or every third) against the plain sums. */
static void packed_vs_direct(int max_bin, int B)
{
    enum { N = 3000, NF = 4 };
    float *x = malloc(sizeof(float) * N * NF), y[N];
    st__gbdt_gh gh[N];
    uint64_t packed[N], rng = 77;
    const st__gbdt_quant_layout lay = st__gbdt_quant_layout_for(B);
    const int64_t gl = (B + 1) / 2;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < NF; j++) {
            const double u = st__gbdt_rand_unit(&rng);
            x[j * N + i] = u < 0.05 ? NAN : (float)floor(u * 1000);
        }
        y[i] = (float)(i % 2);
        gh[i].g = (int64_t)(st__gbdt_rand_unit(&rng) * (double)(2 * gl + 1)) - gl;
        gh[i].h = (int64_t)(st__gbdt_rand_unit(&rng) * (double)(B + 1));
        packed[i] = st__gbdt_quant_pack(gh[i].g, gh[i].h, &lay);
    }
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_from_arrays(N, NF, x, y, NULL, NULL, &ds, &err), ST_OK);
    st_gbdt_params p = st_gbdt_params_default();
    p.max_bin = max_bin;
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(ds, &p, 1, &b, &err), ST_OK);
    assert_int_equal(b.wide, max_bin > 255);
    assert_null(b.col_of);
    st__gbdt_hist_cell *hist = calloc(b.total_bins, sizeof *hist);
    uint64_t *pw = calloc(b.total_bins, sizeof *pw);
    const uint32_t feats[NF] = {0, 1, 2, 3};
    uint32_t rows[N];
    size_t n = 0;
    for (int i = 0; i < N; i++)
        rows[i] = (uint32_t)i;
    st__gbdt_hist_build_packed(&b, feats, NF, NULL, 0, N, packed, pw, hist, NULL, 0, &lay);
    assert_hist_is_direct_sum(&b, rows, N, gh, hist);
    for (int i = 0; i < N; i += 3)
        rows[n++] = (uint32_t)i;
    memset(pw, 0xa5, b.total_bins * sizeof *pw); /* (stale words: zeroed by the build) */
    st__gbdt_hist_build_packed(&b, feats, NF, rows, 0, n, packed, pw, hist, NULL, 0, &lay);
    assert_hist_is_direct_sum(&b, rows, n, gh, hist);
    free(hist);
    free(pw);
    free(x);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
}

static void test_packed_hist(void **state)
{
    (void)state;
    packed_vs_direct(255, 4);
    packed_vs_direct(600, 4); /* two-byte codes */
    packed_vs_direct(64, 1024);
    packed_vs_direct(64, 3);
}

/* y depends on x0 and x1 through a logistic link; x2.. are noise; a few missing. */
static st_dataset *signal_dataset(size_t n, size_t nf, uint64_t seed)
{
    float *x = malloc(sizeof(float) * n * nf), *y = malloc(sizeof(float) * n);
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 5;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < nf; j++) {
            const double u = st__gbdt_rand_unit(&rng);
            x[j * n + i] = u < 0.03 ? NAN : (float)(u * 10);
        }
        const double x0 = isnan(x[i]) ? 5 : x[i], x1 = isnan(x[n + i]) ? 5 : x[n + i];
        const double z = 0.8 * (x0 - 5) + 1.5 * sin(x1) - 1.0;
        y[i] = st__gbdt_rand_unit(&rng) < 1 / (1 + exp(-z)) ? 1.0f : 0.0f;
    }
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_from_arrays(n, nf, x, y, NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(x);
    free(y);
    return ds;
}

/* The saved model file's bytes (malloc'd). */
static char *model_bytes(const st_gbdt *m, size_t *len)
{
    char path[] = "/tmp/stratum_quant_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    st_error err;
    if (st_gbdt_save(m, path, &err) != ST_OK)
        fail_msg("%s", err.message);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 24);
    *len = fread(buf, 1, 1 << 24, f);
    fclose(f);
    unlink(path);
    return buf;
}

static st_gbdt *train(const st_dataset *ds, const st_gbdt_params *p)
{
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(ds, p, &m, &err) != ST_OK)
        fail_msg("%s", err.message);
    return m;
}

/* 40,000 rows x 10: the root's histogram (400,000 row-features) and the large leaves run
 * on two threads. With 1024 levels a word holds 16,383 rows: on either thread count the
 * root is built in ordinary cells and the small leaves in packed ones. */
static void test_threads_identical(void **state)
{
    (void)state;
    st_dataset *ds = signal_dataset(40000, 10, 3);
    static const int bins[] = {4, 1024};
    for (size_t k = 0; k < 2; k++) {
        st_gbdt_params p = st_gbdt_params_default();
        p.num_trees = 15;
        p.num_leaves = 31;
        p.quantized_grad = 1;
        p.num_grad_quant_bins = bins[k];
        p.bagging_fraction = 0.8;
        p.bagging_freq = 1;
        p.seed = 9;
        p.n_threads = 1;
        st_gbdt *m1 = train(ds, &p);
        p.n_threads = 2;
        st_gbdt *m2 = train(ds, &p);
        p.quantized_grad = 0;
        st_gbdt *mf = train(ds, &p);
        size_t l1, l2, lf;
        char *b1 = model_bytes(m1, &l1), *b2 = model_bytes(m2, &l2), *bf = model_bytes(mf, &lf);
        assert_int_equal(l1, l2);
        assert_memory_equal(b1, b2, l1);
        assert_false(l1 == lf && memcmp(b1, bf, l1) == 0); /* the option changes the trees */
        free(b1);
        free(b2);
        free(bf);
        st_gbdt_free(m1);
        st_gbdt_free(m2);
        st_gbdt_free(mf);
    }
    st_dataset_free(ds);
}

/* The model file says "quantized_grad BINS" after the seed when the option was used, and
 * only then (full-precision files are as before); loading and saving again keeps it. */
static void test_model_file_records_it(void **state)
{
    (void)state;
    st_dataset *ds = signal_dataset(2000, 4, 5);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 5;
    p.quantized_grad = 1;
    p.num_grad_quant_bins = 16;
    st_gbdt *mq = train(ds, &p);
    p.quantized_grad = 0;
    st_gbdt *mf = train(ds, &p);
    size_t lq, lf, l2;
    char *bq = model_bytes(mq, &lq), *bf = model_bytes(mf, &lf);
    bq[lq] = bf[lf] = '\0'; /* model_bytes leaves room */
    assert_non_null(strstr(bq, "\nseed 42\nquantized_grad 16\nfeatures "));
    assert_null(strstr(bf, "quantized_grad"));
    char path[] = "/tmp/stratum_quant_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bq, lq), (ssize_t)lq);
    close(fd);
    st_gbdt *back = NULL;
    st_error err;
    if (st_gbdt_load(path, &back, &err) != ST_OK)
        fail_msg("%s", err.message);
    unlink(path);
    char *b2 = model_bytes(back, &l2);
    assert_int_equal(l2, lq);
    assert_memory_equal(b2, bq, lq);
    free(bq);
    free(bf);
    free(b2);
    st_gbdt_free(mq);
    st_gbdt_free(mf);
    st_gbdt_free(back);
    st_dataset_free(ds);
}

/* One tree of two leaves, no bagging, unit weights: every row starts at the initial score
 * F0 = log(P / (n - P)), p0 = P / n, with g = p0 - y and h = p0 (1 - p0); a leaf of m rows,
 * q of them positive, takes the Newton step -lr (m p0 - q) / (m p0 (1 - p0)). With 2
 * levels, the class with the smaller |g| has its gradient dithered between 0 and one
 * level, so only sums renewed from the exact gradients give these values to 1e-9. */
static void test_renewed_leaf_values(void **state)
{
    (void)state;
    enum { N = 5000 };
    st_dataset *ds = signal_dataset(N, 3, 11);
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 1;
    p.num_leaves = 2;
    p.quantized_grad = 1;
    p.num_grad_quant_bins = 2;
    st_gbdt *m = train(ds, &p);
    double *raw = malloc(N * sizeof *raw);
    st_error err;
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, 1, raw, N, &err), ST_OK);
    const float *y = st_dataset_labels(ds);
    double P = 0;
    for (int i = 0; i < N; i++)
        P += y[i];
    const double F0 = log(P / (N - P)), p0 = P / N;
    /* the two leaves: rows above and below F0 */
    double m_cnt[2] = {0, 0}, q_cnt[2] = {0, 0}, val[2] = {0, 0};
    for (int i = 0; i < N; i++) {
        const int side = raw[i] > F0;
        m_cnt[side]++;
        q_cnt[side] += y[i];
        val[side] = raw[i] - F0;
    }
    assert_true(m_cnt[0] > 0 && m_cnt[1] > 0);
    for (int s = 0; s < 2; s++) {
        const double want = -p.learning_rate * (m_cnt[s] * p0 - q_cnt[s]) /
                            (m_cnt[s] * p0 * (1 - p0));
        assert_true(fabs(val[s] - want) <= 1e-9 * (1 + fabs(want)));
    }
    free(raw);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

static void test_refusals(void **state)
{
    (void)state;
    st_gbdt_params p = st_gbdt_params_default();
    assert_int_equal(p.quantized_grad, 0);
    assert_int_equal(p.num_grad_quant_bins, 4);
    p.num_grad_quant_bins = 1;
    assert_string_equal(st_gbdt_params_check(&p), "num_grad_quant_bins must be in [2, 1024]");
    p.num_grad_quant_bins = 1025;
    assert_non_null(st_gbdt_params_check(&p));
    p.num_grad_quant_bins = 1024;
    assert_null(st_gbdt_params_check(&p));
    p.quantized_grad = 2;
    assert_string_equal(st_gbdt_params_check(&p), "quantized_grad must be 0 or 1");
    st_dataset *ds = signal_dataset(500, 3, 1);
    p = st_gbdt_params_default();
    p.num_trees = 2;
    p.quantized_grad = 1;
    const signed char mono[3] = {1, 0, 0};
    p.monotone = mono;
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_non_null(strstr(err.message, "quantized_grad is not supported with monotone"));
    p.num_grad_quant_bins = 0;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "num_grad_quant_bins"));
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_boundary),
        cmocka_unit_test(test_packed_hist),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_model_file_records_it),
        cmocka_unit_test(test_renewed_leaf_values),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
