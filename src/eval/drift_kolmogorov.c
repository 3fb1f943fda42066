/* The survival function of the two-sided one-sample Kolmogorov statistic D_n, which
 * scipy.stats.ks_2samp's asymptotic p-value evaluates at n = round(n1 n2 / (n1 + n2))
 * (kstwo.sf, scipy/stats/_ksstats.py, after Simard and L'Ecuyer 2011). The same case
 * split as SciPy's, so that the p-values agree: Ruben-Gambino's exact forms at the ends,
 * twice Smirnov's one-sided exact tail where that is accurate (n x^2 >= 2.2), the Durbin
 * matrix (exact) for small n or tiny x, else one minus Pelz-Good's approximation of the
 * CDF. SciPy's Pomeranz recursion (n <= 140, 0.75 < n x^2 <= 4) is exact as the Durbin
 * matrix is, which is used there instead. */
#include <math.h>
#include <string.h>

#include <stratum/drift.h>

#include "core/alloc.h"

#define PI 3.14159265358979323846

static double clip01(double p)
{
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* P(D+_n >= x), Smirnov's one-sided statistic, by the Birnbaum-Tingey sum
 * x sum_{j=0}^{floor(n(1-x))} C(n,j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1); every term is
 * positive, so summing them in logs is accurate. */
static double smirnov(double n, double x)
{
    if (x >= 1)
        return 0;
    if (x <= 0)
        return 1;
    const double jmax = floor(n * (1 - x));
    double log_c = 0, sum = 0; /* log C(n, j) */
    for (double j = 0; j <= jmax; j++) {
        const double a = 1 - x - j / n, b = x + j / n;
        if (a > 0) {
            double lt = log_c + (n - j) * log(a) + (j - 1) * log(b);
            if (lt > -745)
                sum += exp(lt);
        }
        log_c += log((n - j) / (j + 1));
    }
    return clip01(x * sum);
}

/* log(n! / n^n) by Stirling's series, as SciPy's _log_nfactorial_div_n_pow_n. */
static double log_nfact_div_npown(double n)
{
    static const double c[] = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
                               -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                               -5.952380952380952381e-4, 7.9365079365079365079e-4,
                               -2.7777777777777777778e-3, 8.3333333333333333333e-2};
    const double rn = 1.0 / n, t = rn / n;
    double poly = 0;
    for (int i = 0; i < 8; i++)
        poly = poly * t + c[i];
    return log(n) / 2 - n + log(2 * PI) / 2 + rn * poly;
}

/* Pelz-Good's approximation of P(D_n <= x) (SciPy's _kolmogn_PelzGood). */
static double pelz_good_cdf(double n, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double z = sqrt(n) * x, z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
    const double qlog = -PI * PI / 8 / z2;
    if (qlog < -708)
        return 0;
    double q = exp(qlog);
    const double pi2 = PI * PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
    const double k1a = -z2, k1b = pi2 / 4;
    const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4,
                 k2c = pi4 * (1 - 2 * z2) / 16;
    const double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16,
                 k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * z4 * z4;
    double k[4] = {0, 0, 0, 0};
    const int maxk = (int)ceil(16 * z / PI);
    for (int kk = maxk; kk > 0; kk--) {
        const double m = 2.0 * kk - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
        const double qp = pow(q, 8.0 * kk);
        const double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                             k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; i++)
            k[i] = k[i] * qp + c[i];
    }
    const double s2p = sqrt(2 * PI);
    const double div[4] = {z, 6 * z4, 72 * z6 * z, 6480 * z6 * z4};
    for (int i = 0; i < 4; i++)
        k[i] = k[i] * q * s2p / div[i];
    q = exp(-pi2 / 2 / z2);
    double k2extra = 0, k3extra = 0;
    const double sqrt3z = sqrt(3.0) * z;
    for (int kk = maxk; kk > 0; kk--) {
        const double ks2 = (double)kk * kk, qp = pow(q, ks2), kspi = PI * kk;
        k2extra += ks2 * qp;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    k[2] += k2extra * pi2 * s2p / (-36 * z3);
    k[3] += k3extra * pi2 * s2p / (216 * z6);
    return k[0] + k[1] / sqrt(n) + k[2] / n + k[3] / (n * sqrt(n));
}

/* P(D_n <= d) by Marsaglia, Tsang and Wang's form of Durbin's matrix (SciPy's
 * _kolmogn_DMTW): n!/n^n times entry (k, k) of H^n, H of order m = 2k - 1, with powers of
 * 2^128 taken out as the products grow. NaN when out of memory (the caller falls back). */
static double durbin_cdf(double n, double d)
{
    const double nd = n * d;
    if (nd <= 0.5)
        return 0;
    const size_t k = (size_t)ceil(nd), m = 2 * k - 1;
    const double h = (double)k - nd;
    double *H = st__calloc(m * m, sizeof *H), *P = st__calloc(m * m, sizeof *P);
    double *T = st__malloc_array(m * m, sizeof *T), *v = st__malloc_array(m, sizeof *v);
    double *w = st__malloc_array(m, sizeof *w);
    double p = NAN;
    if (H == NULL || P == NULL || T == NULL || v == NULL || w == NULL)
        goto done;
    double fac = 1;
    for (size_t j = 1; j <= m; j++) {
        w[j - 1] = fac;
        fac /= (double)j;
        v[j - 1] = (1 - pow(h, (double)j)) * fac;
    }
    const double tt = pow(2 * h - 1 > 0 ? 2 * h - 1 : 0, (double)m) - 2 * pow(h, (double)m);
    v[m - 1] = (1 + tt) * fac;
    for (size_t i = 1; i < m; i++)          /* H[i-1:, i] = w[:m-i+1] */
        for (size_t r = i - 1; r < m; r++)
            H[r * m + i] = w[r - (i - 1)];
    for (size_t r = 0; r < m; r++)
        H[r * m] = v[r];
    for (size_t c = 0; c < m; c++)
        H[(m - 1) * m + c] = v[m - 1 - c];
    for (size_t i = 0; i < m; i++)
        P[i * m + i] = 1;
    long nn = (long)n;
    int expnt = 0, hexpnt = 0;
    while (nn > 0) {
        if (nn % 2) { /* P = P H */
            for (size_t r = 0; r < m; r++)
                for (size_t c = 0; c < m; c++) {
                    double s = 0;
                    for (size_t t = 0; t < m; t++)
                        s += P[r * m + t] * H[t * m + c];
                    T[r * m + c] = s;
                }
            memcpy(P, T, m * m * sizeof *P);
            expnt += hexpnt;
        }
        for (size_t r = 0; r < m; r++) /* H = H H */
            for (size_t c = 0; c < m; c++) {
                double s = 0;
                for (size_t t = 0; t < m; t++)
                    s += H[r * m + t] * H[t * m + c];
                T[r * m + c] = s;
            }
        memcpy(H, T, m * m * sizeof *H);
        hexpnt *= 2;
        if (fabs(H[(k - 1) * m + k - 1]) > ldexp(1, 128)) {
            for (size_t i = 0; i < m * m; i++)
                H[i] = ldexp(H[i], -128);
            hexpnt += 128;
        }
        nn /= 2;
    }
    p = P[(k - 1) * m + k - 1];
    for (double i = 1; i <= n; i++) {
        p = i * p / n;
        if (fabs(p) < ldexp(1, -128)) {
            p = ldexp(p, 128);
            expnt -= 128;
        }
    }
    p = ldexp(p, expnt);
done:
    st__free(H), st__free(P), st__free(T), st__free(v), st__free(w);
    return p;
}

double st_drift_kolmogorov_sf(double x, double n)
{
    if (!(n >= 1) || x != x)
        return NAN;
    if (x >= 1)
        return 0;
    if (x <= 0)
        return 1;
    const double t = n * x;
    if (t <= 1) { /* Ruben-Gambino: 1/2n <= x <= 1/n */
        if (t <= 0.5)
            return 1;
        double prob;
        if (n <= 140) {
            prob = 1;
            for (double i = 1; i <= n; i++)
                prob *= i / n * (2 * t - 1);
        } else {
            prob = exp(log_nfact_div_npown(n) + n * log(2 * t - 1));
        }
        return clip01(1 - prob);
    }
    if (t >= n - 1)
        return clip01(2 * pow(1 - x, n));
    if (x >= 0.5)
        return clip01(2 * smirnov(n, x));
    const double nx2 = t * x;
    if (n <= 140) {
        if (nx2 > 4)
            return clip01(2 * smirnov(n, x));
        const double cdf = durbin_cdf(n, x);
        return clip01(1 - (cdf == cdf ? cdf : pelz_good_cdf(n, x)));
    }
    if (nx2 >= 370)
        return 0;
    if (nx2 >= 2.2)
        return clip01(2 * smirnov(n, x));
    if (nx2 < 18 && n <= 100000 && n * pow(x, 1.5) <= 1.4) {
        const double cdf = durbin_cdf(n, x);
        if (cdf == cdf)
            return clip01(1 - cdf);
    }
    return clip01(1 - pelz_good_cdf(n, x));
}
