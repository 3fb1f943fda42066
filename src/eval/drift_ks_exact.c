/* The exact two-sided p-value of the two-sample Kolmogorov-Smirnov statistic, as
 * scipy.stats.ks_2samp computes it by default when neither sample has more than 10000
 * values (method "exact").
 *
 * Under the null hypothesis (one continuous distribution, no ties) every interleaving of
 * the m and n sorted values is equally likely: a lattice path from (0, 0) to (m, n), one
 * step right per value of the first sample, one step up per value of the second. D < d
 * exactly when the path stays strictly inside the band |x/m - y/n| < d. With g = gcd(m, n)
 * and the statistic a multiple of 1/L, L = m n / g, the band is |x n/g - y m/g| < h for
 * the integer h = round(d L), so membership is decided in integers, not in floats.
 *
 * The p-value is the share of paths that leave the band somewhere, Q(m, n). It is
 * computed directly, not as 1 - (the share that stays inside): that difference loses every
 * digit once p falls below about 1e-15, while Q is a sum of positive terms and keeps its
 * relative precision down to the smallest doubles (SciPy's method too). Q(x, y) = 1 at a
 * point outside the band (every path to it has left), and inside Q(x, y) = (x Q(x-1, y) +
 * y Q(x, y-1)) / (x + y): the paths to (x, y) divided by the binomial C(x + y, x), so
 * every number stays in [0, 1]: no overflow, none of the rescaling that counting paths
 * would need. One column of the band is kept; the work is m times the band's height, at
 * most m n = 10^8 at the size where SciPy stops. */
#include <math.h>
#include <stdint.h>

#include <stratum/drift.h>

#include "core/alloc.h"
#include "core/error.h"

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        const uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

st_status st_drift_ks_exact_pvalue(size_t m, size_t n, double d, double *pvalue, st_error *err)
{
    if (pvalue != NULL)
        *pvalue = NAN;
    if (pvalue == NULL || m == 0 || n == 0 || m > ST_DRIFT_KS_EXACT_MAX ||
        n > ST_DRIFT_KS_EXACT_MAX || !(d >= 0 && d <= 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "drift KS exact: sizes %zu and %zu must be in "
                        "1..%d and D = %g in [0, 1]", m, n, ST_DRIFT_KS_EXACT_MAX, d);
    const uint64_t g = gcd64(m, n), mg = m / g, ng = n / g, lcm = mg * n;
    const int64_t h = (int64_t)llround(d * (double)lcm);
    if (h == 0) {
        *pvalue = 1.0;
        st_error_clear(err);
        return ST_OK;
    }
    double *col = st__calloc(n + 1, sizeof *col);
    if (col == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the exact KS distribution");
    /* x = 0: Q(0, y) = 0 while (0, y) is inside, i.e. m/g * y < h (1 above) */
    size_t lo = 0, hi = 0; /* the band of the current column, y in [lo, hi] */
    while (hi + 1 <= n && (int64_t)(mg * (hi + 1)) < h)
        hi++;
    for (size_t y = 0; y <= hi; y++)
        col[y] = 0.0;
    for (size_t x = 1; x <= m; x++) {
        const int64_t c = (int64_t)(ng * x);
        /* inside: c - h < m/g * y < c + h */
        size_t new_lo = c - h < 0 ? 0 : (size_t)((c - h) / (int64_t)mg + 1);
        int64_t top = (c + h - 1) / (int64_t)mg; /* largest y with m/g * y < c + h */
        size_t new_hi = top > (int64_t)n ? n : (size_t)top;
        if (new_lo > n || new_lo > new_hi) { /* no path gets through: D >= d surely */
            st__free(col);
            *pvalue = 1.0;
            st_error_clear(err);
            return ST_OK;
        }
        double below = 1; /* Q(x, y - 1): (x, new_lo - 1) is outside, below the band */
        for (size_t y = new_lo; y <= new_hi; y++) {
            const double left = (y >= lo && y <= hi) ? col[y] : 1; /* Q(x - 1, y) */
            below = ((double)x * left + (double)y * below) / (double)(x + y);
            col[y] = below;
        }
        lo = new_lo, hi = new_hi;
    }
    const double outside = hi == n ? col[n] : 1;
    st__free(col);
    *pvalue = outside < 0 ? 0 : outside > 1 ? 1 : outside;
    st_error_clear(err);
    return ST_OK;
}
