/* A double as the model files spell it (number_g.h): the shortest of "%.15g", "%.16g" and
 * "%.17g" that reads back to the same bits. Asking snprintf for each precision and strtod
 * whether it reads back cost some 2 us a number, most of the time of writing a model of
 * 50,000 coefficients; here the digits come from integer arithmetic instead:
 *
 *   - |v| = m 2^e between 1e-14 and 1e18 (every coefficient, mean and SD seen): m 5^k fits
 *     in 128 bits for k <= 32, so q = floor(|v| 10^k), its 19 digits, and the remainder are
 *     exact; rounding q to 15, 16 or 17 digits is then exact, and whether that decimal D
 *     reads back is decided exactly too: |D - v| against half the gap to v's neighbour
 *     (a quarter of an ulp below a power of two), all scaled to integers;
 *   - any other finite number: its 25 digits from one snprintf, rounded the same way;
 *   - what neither decides (an exact decimal tie, whose rounding the C library rules, or
 *     D exactly halfway between two doubles) goes to snprintf and st__parse_number, as
 *     every number did before.
 * The output is byte for byte what the snprintf loop prints (tests/io/test_model_text.c
 * checks it against that loop on random bit patterns and hand-picked edges). */
#include "number_g.h"

#include <stratum/files.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/number_parse.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static const uint64_t pow10_u64[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000), UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)};

/* 5^k for 0 <= k <= 32 (5^27 is the largest power below 2^64). */
static u128 pow5(int k)
{
    static const uint64_t p5[28] = {
        UINT64_C(1), UINT64_C(5), UINT64_C(25), UINT64_C(125), UINT64_C(625),
        UINT64_C(3125), UINT64_C(15625), UINT64_C(78125), UINT64_C(390625),
        UINT64_C(1953125), UINT64_C(9765625), UINT64_C(48828125), UINT64_C(244140625),
        UINT64_C(1220703125), UINT64_C(6103515625), UINT64_C(30517578125),
        UINT64_C(152587890625), UINT64_C(762939453125), UINT64_C(3814697265625),
        UINT64_C(19073486328125), UINT64_C(95367431640625), UINT64_C(476837158203125),
        UINT64_C(2384185791015625), UINT64_C(11920928955078125),
        UINT64_C(59604644775390625), UINT64_C(298023223876953125),
        UINT64_C(1490116119384765625), UINT64_C(7450580596923828125)};
    return k <= 27 ? (u128)p5[k] : (u128)p5[27] * p5[k - 27];
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Writes what "%.{prec}g" prints for the number 0.d[0]..d[prec-1] x 10^(e+1) with the sign,
 * d its prec digits already rounded; returns the length. */
static int spell_g(int negative, const char *d, int prec, int e, char *out)
{
    int n_digits = prec;
    while (n_digits > 1 && d[n_digits - 1] == '0')
        n_digits--; /* %g drops trailing zeros (and the point with them) */
    char *o = out;
    if (negative)
        *o++ = '-';
    if (e < -4 || e >= prec) { /* d.ddde+XX, at least two exponent digits */
        *o++ = d[0];
        if (n_digits > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)n_digits - 1);
            o += n_digits - 1;
        }
        int a = e < 0 ? -e : e;
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    } else if (e < 0) { /* 0.000ddd */
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > e; i--)
            *o++ = '0';
        memcpy(o, d, (size_t)n_digits);
        o += n_digits;
    } else { /* ddd.ddd: e + 1 digits before the point, zeros padding short integers */
        for (int i = 0; i <= e; i++)
            *o++ = i < n_digits ? d[i] : '0';
        if (n_digits > e + 1) {
            *o++ = '.';
            memcpy(o, d + e + 1, (size_t)(n_digits - e - 1));
            o += n_digits - e - 1;
        }
    }
    *o = '\0';
    return (int)(o - out);
}

/* |v| = m 2^e = (q + r / 2^shift) 10^-k exactly, 10^18 <= q < 10^19, and 10^x <= |v|. */
typedef struct exact19 {
    uint64_t m, q;
    u128 r;
    int e, k, s, shift, x; /* s = k + e; shift = -s when s < 0, else 0 */
} exact19;

static int exact19_of(double v, exact19 *z)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const int biased = (int)(bits >> 52 & 0x7ff);
    const double a = fabs(v);
    if (biased == 0 || biased == 0x7ff || !(a >= 1e-14 && a < 1e18))
        return 0;
    z->m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    z->e = biased - 1075;
    int x = (int)floor(log10(a)); /* may be one off near a power of ten: corrected below */
    for (int attempt = 0; attempt < 3; attempt++) {
        const int k = 18 - x;
        if (k < 0 || k > 32)
            return 0;
        const u128 p = (u128)z->m * pow5(k); /* < 2^53 * 5^32 < 2^128 */
        const int s = k + z->e;
        u128 q;
        if (s >= 0) {
            if (s >= 64 || (p >> (64 - s)) != 0) { /* 2^64 or more: x was too small */
                x++;
                continue;
            }
            q = p << s;
            z->r = 0;
            z->shift = 0;
        } else {
            if (-s > 100) /* keeps D - v, scaled, inside 127 bits below */
                return 0;
            q = p >> -s;
            z->r = p & ((((u128)1) << -s) - 1);
            z->shift = -s;
        }
        if (q >= pow10_u64[19]) {
            x++;
            continue;
        }
        if (q < pow10_u64[18]) {
            x--;
            continue;
        }
        z->q = (uint64_t)q;
        z->k = k;
        z->s = s;
        z->x = x;
        return 1;
    }
    return 0;
}

/* z rounded to prec digits (15 to 17) into d, their exponent into *e, and into *reads_back
 * whether that decimal reads back as v (1 or 0; -1 when it lies exactly halfway between two
 * doubles); returns 0 on an exact decimal tie. */
static int round_exact(const exact19 *z, int prec, char *d, int *e, int *reads_back)
{
    const uint64_t div = pow10_u64[19 - prec], half = div / 2;
    const uint64_t kept = z->q / div, tail = z->q % div;
    uint64_t up;
    if (tail != half)
        up = tail > half;
    else if (z->r != 0)
        up = 1;
    else
        return 0;
    /* D - v scaled by 10^k 2^(shift+1), and half the gap to v's neighbour on that side
       scaled the same: 2^(e-1) 10^k 2^(shift+1) = 5^k 2^(s+shift) */
    const i128 diff = ((i128)((u128)(kept + up) * div) - (i128)z->q) *
                          ((i128)1 << (z->shift + 1)) - 2 * (i128)z->r;
    const u128 bound = pow5(z->k) << (z->s + z->shift);
    u128 mag = diff < 0 ? (u128)-diff : (u128)diff;
    if (diff < 0 && z->m == UINT64_C(1) << 52)
        mag *= 2; /* below a power of two the neighbour is half as far */
    *reads_back = mag == bound ? -1 : mag < bound;
    uint64_t digits = kept + up;
    *e = z->x;
    if (digits == pow10_u64[prec]) { /* 999... rounded up to 1000... */
        digits = pow10_u64[prec - 1];
        (*e)++;
    }
    for (int i = prec - 1; i >= 0; i--, digits /= 10)
        d[i] = (char)('0' + digits % 10);
    return 1;
}

/* v's 25 significant digits, correctly rounded by the C library. */
typedef struct digits25 {
    int negative, exponent; /* v = 0.d[0]d[1]...d[24] x 10^(exponent + 1) */
    char d[25];
} digits25;

static int digits25_of(double v, digits25 *x)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.24e", v); /* [-]d.ddd(24)e[+-]XX */
    const char *p = buf;
    if (n <= 0 || (size_t)n >= sizeof buf)
        return 0;
    x->negative = *p == '-';
    p += x->negative;
    x->d[0] = *p++;
    if (*p++ != '.')
        return 0;
    memcpy(x->d + 1, p, 24);
    p += 24;
    if (*p++ != 'e')
        return 0;
    int neg_exp = *p == '-', e = 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        e = e * 10 + (*p - '0');
    x->exponent = neg_exp ? -e : e;
    return *p == '\0';
}

/* x rounded to prec digits into d and *e; 0 when the 25 digits cannot decide the rounding
 * (the digits past prec read 5000...0: an exact tie or a value a hair either side). */
static int round25(const digits25 *x, int prec, char *d, int *e)
{
    memcpy(d, x->d, (size_t)prec);
    *e = x->exponent;
    const char *rest = x->d + prec;
    int up = rest[0] > '5';
    if (rest[0] == '5') {
        int beyond = 0;
        for (int i = prec + 1; i < 25; i++)
            beyond |= x->d[i] != '0';
        if (!beyond)
            return 0;
        up = 1;
    }
    if (up) {
        int i = prec - 1;
        for (; i >= 0 && d[i] == '9'; i--)
            d[i] = '0';
        if (i >= 0) {
            d[i]++;
        } else { /* 999... rounded to 1000...: one more power of ten */
            d[0] = '1';
            (*e)++;
        }
    }
    return 1;
}

int st__number_g(double v, char buf[ST__NUMBER_G_MAX], int *exact)
{
    *exact = 1;
    if (v != v) { /* one spelling for every NaN: its payload does not matter to a model */
        memcpy(buf, "nan", 4);
        return 3;
    }
    exact19 z;
    const int have_exact = exact19_of(v, &z);
    digits25 x;
    int have25 = -1; /* not asked yet */
    for (int prec = 15; prec <= 17; prec++) {
        char d[17];
        int e, n = 0, reads_back = -1;
        if (have_exact && round_exact(&z, prec, d, &e, &reads_back)) {
            n = spell_g(v < 0, d, prec, e, buf);
        } else {
            reads_back = -1;
            if (have25 < 0)
                have25 = v - v == 0 && digits25_of(v, &x); /* finite */
            if (have25 && round25(&x, prec, d, &e))
                n = spell_g(x.negative, d, prec, e, buf);
            else
                n = snprintf(buf, ST__NUMBER_G_MAX, "%.*g", prec, v);
        }
        if (reads_back < 0) {
            double back;
            reads_back = n > 0 && n < ST__NUMBER_G_MAX &&
                         st__parse_number(buf, (size_t)n, &back) && same_bits(back, v);
        }
        if (reads_back)
            return n;
    }
    *exact = 0;
    return snprintf(buf, ST__NUMBER_G_MAX, "%.17g", v);
}

int st__number_g17(double v, char buf[ST__NUMBER_G_MAX])
{
    exact19 z;
    char d[17];
    int e, reads_back;
    if (exact19_of(v, &z) && round_exact(&z, 17, d, &e, &reads_back))
        return spell_g(v < 0, d, 17, e, buf);
    return snprintf(buf, ST__NUMBER_G_MAX, "%.17g", v); /* 0, tiny, huge, inf, nan, a tie */
}

int st_format_g17(double v, char *buf, size_t size)
{
    char tmp[ST__NUMBER_G_MAX];
    const int n = st__number_g17(v, tmp);
    if (buf != NULL && size > 0) {
        const size_t k = (size_t)n < size ? (size_t)n : size - 1;
        memcpy(buf, tmp, k);
        buf[k] = '\0';
    }
    return n;
}
