/* Histograms in 16-byte cells (src/gbdt/gbdt_hist_narrow.c) and the fixed-point scale
 * that makes room for their row count (src/gbdt/gbdt_fixed.c). Checked here: the count
 * bits and the scale against values derived by hand; at that scale n rows of the largest
 * Hessian, shifted and counted, still fit in the 64-bit word (so no sum carries into the
 * Hessian bits); a narrow histogram equals the plain sums of its rows (one- and two-byte
 * codes, all rows or a subset, every cell or the live ones only) and the wide kernel's
 * cells, with gradients of both signs and Hessians at their bound. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gbdt/gbdt_bins.h"
#include "gbdt/gbdt_hist.h"
#include "gbdt/gbdt_rand.h"
#include "gbdt/gbdt_train_core.h"
#include "gbdt_hist_check.h"

static void test_count_bits(void **state)
{
    (void)state;
    /* by hand: n <= 2^k rows take k + 1 count bits while the Hessian keeps 62 - 2k >= 20
       bits, i.e. up to k = 21 (2,097,152 rows) */
    assert_int_equal(st__gbdt_narrow_count_bits(1), 1);
    assert_int_equal(st__gbdt_narrow_count_bits(1000), 11);
    assert_int_equal(st__gbdt_narrow_count_bits(1024), 11);
    assert_int_equal(st__gbdt_narrow_count_bits(1025), 12);
    assert_int_equal(st__gbdt_narrow_count_bits(1000000), 21);
    assert_int_equal(st__gbdt_narrow_count_bits(2097152), 22);
    assert_int_equal(st__gbdt_narrow_count_bits(2097153), 0);
    assert_int_equal(st__gbdt_narrow_count_bits(16000000), 0);
}

static void test_scale(void **state)
{
    (void)state;
    /* by hand: max 0.25 = 2^-2 < 2^-1 (e = -1), n = 1000 <= 2^10: the plain scale is
       62 + 1 - 10 = 53; with 11 count bits, 53 + 1 - 11 = 43 */
    assert_int_equal(st__gbdt_fixed_scale(0.25, 1000), 53);
    assert_int_equal(st__gbdt_fixed_scale_counted(0.25, 1000, 11), 43);
    assert_int_equal(st__gbdt_fixed_scale_counted(0.25, 1000, 0), 53);
    assert_int_equal(st__gbdt_fixed_scale_counted(0, 1000, 11), 0);
    assert_int_equal(st__gbdt_fixed_scale_counted(0x1p1000, 1000000, 21), INT_MIN);
    /* n rows at the largest Hessian: (n q << cb) + n fits in 64 bits, for every n up to
       the last narrow row count, and maxima just under and at powers of two */
    static const double maxima[] = {0.25, 0.4999999, 0.5, 1.25, 3.0, 1e-3, 1e6};
    static const uint64_t ns[] = {1, 2, 3, 1000, 1024, 1025, 65536, 1000000, 1048576, 2097152};
    for (size_t a = 0; a < sizeof maxima / sizeof maxima[0]; a++)
        for (size_t q = 0; q < sizeof ns / sizeof ns[0]; q++) {
            const uint64_t n = ns[q];
            const int cb = st__gbdt_narrow_count_bits(n);
            assert_true(cb > 0);
            const int s = st__gbdt_fixed_scale_counted(maxima[a], n, cb);
            assert_int_equal(s, st__gbdt_fixed_scale(maxima[a], n) + 1 - cb);
            const int64_t hq = st__gbdt_to_fixed(maxima[a], s);
            assert_true(hq > 0);
            const unsigned __int128 word =
                ((unsigned __int128)hq * n << cb) + (unsigned __int128)n;
            assert_true(word < ((unsigned __int128)1 << 64));
            assert_true(n < ((uint64_t)1 << cb));
            /* and the Hessian keeps at least 20 bits of its bound */
            assert_true(hq >= ((int64_t)1 << 19));
        }
}

/* Random codes (max_bin bins), gradients of both signs and Hessians up to their bound at
 * the counted scale for N rows; the narrow histogram against the plain sums and against
 * the wide kernel, all rows, every third row, and the live cells of two features. */
static void narrow_vs_direct(int max_bin)
{
    enum { N = 3000, NF = 4 };
    float *x = malloc(sizeof(float) * N * NF), y[N];
    st__gbdt_gh gh[N];
    uint64_t rng = 91;
    const int cb = st__gbdt_narrow_count_bits(N);
    const int sh = st__gbdt_fixed_scale_counted(0.25, N, cb);
    const int sg = st__gbdt_fixed_scale(1.0, N);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < NF; j++) {
            const double u = st__gbdt_rand_unit(&rng);
            x[j * N + i] = u < 0.05 ? NAN : (float)floor(u * 1000);
        }
        y[i] = (float)(i % 2);
        /* (every fifth row at the bounds: |g| = 1, h = 0.25) */
        const double g = i % 5 == 0 ? (i % 2 ? 1.0 : -1.0) : 2 * st__gbdt_rand_unit(&rng) - 1;
        const double h = i % 5 == 0 ? 0.25 : 0.25 * st__gbdt_rand_unit(&rng);
        gh[i].g = st__gbdt_to_fixed(g, sg);
        gh[i].h = st__gbdt_to_fixed(h, sh);
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
    st__gbdt_hist_cell *wide = calloc(b.total_bins, sizeof *wide);
    st__gbdt_hist_cell16 *nw = calloc(b.total_bins, sizeof *nw);
    const uint32_t feats[NF] = {0, 1, 2, 3};
    uint32_t rows[N];
    size_t n = 0;
    for (int i = 0; i < N; i++)
        rows[i] = (uint32_t)i;
    st__gbdt_hist_build_narrow(&b, feats, NF, NULL, 0, N, gh, cb, nw, hist, NULL, 0);
    assert_hist_is_direct_sum(&b, rows, N, gh, hist);
    for (int i = 0; i < N; i += 3)
        rows[n++] = (uint32_t)i;
    memset(nw, 0xa5, b.total_bins * sizeof *nw); /* (stale cells: zeroed by the build) */
    st__gbdt_hist_build_narrow(&b, feats, NF, rows, 0, n, gh, cb, nw, hist, NULL, 0);
    assert_hist_is_direct_sum(&b, rows, n, gh, hist);
    /* the live cells of features 1 and 3 only, rows [n/2, n) of the subset: as the wide
       kernel's, and the other cells untouched */
    const size_t live[4] = {b.offset[1], b.offset[2], b.offset[3], b.offset[4]};
    memset(hist, 0x5a, b.total_bins * sizeof *hist);
    memset(wide, 0x5a, b.total_bins * sizeof *wide);
    st__gbdt_hist_build_narrow(&b, feats, NF, rows, n / 2, n, gh, cb, nw, hist, live, 2);
    st__gbdt_hist_build_live(&b, feats, NF, rows + n / 2, n - n / 2, gh, wide, live, 2);
    for (size_t q = 0; q < 2; q++)
        for (size_t k = live[2 * q]; k < live[2 * q + 1]; k++) {
            assert_int_equal(hist[k].g, wide[k].g);
            assert_int_equal(hist[k].h, wide[k].h);
            assert_int_equal(hist[k].n, wide[k].n);
        }
    for (size_t k = b.offset[0]; k < b.offset[1]; k++)
        assert_int_equal(hist[k].n, (int64_t)0x5a5a5a5a5a5a5a5aLL);
    free(hist);
    free(wide);
    free(nw);
    free(x);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
}

static void test_narrow_hist(void **state)
{
    (void)state;
    narrow_vs_direct(255);
    narrow_vs_direct(600); /* two-byte codes */
    narrow_vs_direct(16);
}

/* Threads' histograms side by side start on cache lines of their own: by hand, 2,638
 * cells (the clinical benchmark's) become 2,640, a multiple of 16 cells stays. */
static void test_hist_stride(void **state)
{
    (void)state;
    static const size_t tbs[] = {1, 15, 16, 17, 2638, 6160, 7169};
    static const size_t want[] = {16, 16, 16, 32, 2640, 6160, 7184};
    for (size_t q = 0; q < sizeof tbs / sizeof tbs[0]; q++) {
        const st__gbdt_bins b = {.total_bins = tbs[q]};
        const size_t s = st__gbdt_hist_stride(&b);
        assert_int_equal(s, want[q]);
        /* 8-, 16- and 32-byte cells: whole pairs of 64-byte lines */
        assert_int_equal(s * sizeof(uint64_t) % 128, 0);
        assert_int_equal(s * sizeof(st__gbdt_hist_cell16) % 128, 0);
        assert_int_equal(s * sizeof(st__gbdt_hist_cell) % 128, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_bits),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_narrow_hist),
        cmocka_unit_test(test_hist_stride),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
