/* Gradient-boosted trees: sums in fixed point, so that they do not depend on the order of
 * their terms. A value v becomes the integer q = round(v 2^s) for a power-of-two scale s
 * chosen once for all the values to be summed (of one tree, or of the initial score):
 * integer addition is associative, so a histogram summed over the rows in any order, by
 * any number of threads, or per process and then across processes, is the same, and the
 * subtraction trick (parent - child) is exact. s is the largest scale at which n values
 * of magnitude at most max cannot overflow: with max < 2^e, n <= 2^k and s = 62 - e - k,
 * |v 2^s| < 2^(62-k), so |q| <= 2^(62-k) and any sum of at most n of them (a histogram
 * cell, a leaf, their differences) is at most 2^62 in magnitude, below int64's 2^63.
 * A value is then known to 2^-(62-k) of max (about 2^-42 of it for a million rows): far
 * below the rounding the double sums it replaces made in a long sum. */
#include "gbdt_train_core.h"

#include <limits.h>
#include <math.h>

#include "core/error.h"
#include "core/parallel.h"

/* Scales are kept where 2^s and 2^-s are normal doubles, so that a multiplication by them
 * is exact. */
#define SCALE_MAX 960

int st__gbdt_fixed_scale(double max, uint64_t n)
{
    if (!(max > 0) || !isfinite(max))
        return 0;
    int e, k = 0;
    (void)frexp(max, &e); /* max < 2^e */
    while (k < 63 && ((uint64_t)1 << k) < n)
        k++;
    const int s = 62 - e - k;
    return s > SCALE_MAX ? SCALE_MAX : s < -SCALE_MAX ? -SCALE_MAX : s;
}

/* The narrow cells' count takes k + 1 bits for n <= 2^k rows, which the Hessians' scale
 * gives up (st__gbdt_fixed_scale_counted): a row's Hessian keeps 62 - 2k bits of its
 * bound. With fewer bits than this (k > 21: more than 2^21 = 2,097,152 rows) the cells
 * stay wide, so that rows with a Hessian far below the bound (p near 0 or 1, or a small
 * weight beside a large one) are not rounded to a few units of the last place. At a
 * million rows the
 * bound (w_max / 4) is kept to 2^-22 of itself, 6e-8 w_max: as fine as a float's
 * mantissa (XGBoost's gradient pairs are floats). */
#define NARROW_MIN_BITS 20

int st__gbdt_narrow_count_bits(uint64_t n)
{
    int k = 0;
    while (k < 63 && ((uint64_t)1 << k) < n)
        k++;
    return 62 - 2 * k >= NARROW_MIN_BITS ? k + 1 : 0;
}

int st__gbdt_fixed_scale_counted(double max, uint64_t n, int count_bits)
{
    const int s = st__gbdt_fixed_scale(max, n);
    if (count_bits == 0 || !(max > 0) || !isfinite(max))
        return s;
    /* (s + 1 - count_bits is below s whenever count_bits > 1: never above the largest) */
    const int t = s + 1 - count_bits;
    return t < -SCALE_MAX ? INT_MIN : t;
}

static inline int64_t to_fixed(double v, double mult)
{
    return st__gbdt_to_fixed_mult(v, mult);
}

int64_t st__gbdt_to_fixed(double v, int s)
{
    return to_fixed(v, ldexp(1, s));
}

double st__gbdt_from_fixed(int64_t q, int s)
{
    return (double)q * ldexp(1, -s);
}

/* Below this many values they are quantized on one thread. */
#define QUANTIZE_PARALLEL_MIN 32768

void st__gbdt_quantize(const double *v, size_t n, int s, int64_t *q, int nt)
{
    const double mult = ldexp(1, s);
    const long nn = (long)n;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && n >= QUANTIZE_PARALLEL_MIN)
    for (long i = 0; i < nn; i++)
        q[i] = to_fixed(v[i], mult);
}

st_status st__gbdt_reduce_sum(const st__gbdt_reducer *red, int64_t *v, size_t n,
                              st_error *err)
{
    return red != NULL ? red->sum_i64(red->ctx, v, n, err) : ST_OK;
}

st_status st__gbdt_reduce_max(const st__gbdt_reducer *red, double *v, size_t n,
                              st_error *err)
{
    return red != NULL ? red->max_f64(red->ctx, v, n, err) : ST_OK;
}
