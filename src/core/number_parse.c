/* Decimal number parsing. Plain strtod is avoided: it depends on the process locale (a
 * German locale reads "1.5" as 1) and is several times slower than this loop. Numbers the
 * fast path cannot round exactly go to strtod_l with a "C" locale object, which is correctly
 * rounded on every platform (a long double product is not where long double is double, as
 * on valgrind, MSVC or 32-bit ARM, and that broke exact model round trips there). */
#define _GNU_SOURCE /* strtod_l, newlocale */
#include "number_parse.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The "C" numeric locale, made once; it is never changed after, so sharing it between
 * threads is safe. (locale_t)0 if the C library could not make it. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* Does [p, end) spell word (lower case) in any case? */
static int spells(const char *p, const char *end, const char *word)
{
    for (; *word != '\0'; word++, p++)
        if (p >= end || lower(*p) != *word)
            return 0;
    return p == end;
}

static int parse_special(const char *p, const char *end, int negative, double *out)
{
    while (end > p && is_space(end[-1]))
        end--;
    if (spells(p, end, "inf") || spells(p, end, "infinity")) {
        *out = negative ? -INFINITY : INFINITY;
        return 1;
    }
    if (spells(p, end, "nan")) {
        *out = NAN;
        return 1;
    }
    return 0;
}

/* The careful digit loop, for numbers with more than 19 digits: leading zeros only move the
 * exponent, digits past the 19th significant one are dropped (integer-part ones still count
 * in the exponent). [p, end) holds digits and at most one '.'. */
static void read_long_digits(const char *p, const char *end, uint64_t *mantissa, long *exponent)
{
    uint64_t m = 0;
    int n_significant = 0;
    long e = 0;
    for (; p < end && is_digit(*p); p++) {
        if (m == 0 && *p == '0')
            continue;
        if (n_significant < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            n_significant++;
        } else {
            e++;
        }
    }
    if (p < end && *p == '.') {
        for (p++; p < end && is_digit(*p); p++) {
            if (m == 0 && *p == '0') {
                e--;
            } else if (n_significant < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                n_significant++;
                e--;
            }
        }
    }
    *mantissa = m;
    *exponent = e;
}

/* Appends the digits at p to *mantissa; returns where they stop. With at most 19 digits in
 * all the mantissa is exact (10^19 < 2^64); the caller checks the count. */
static const char *append_digits(const char *p, const char *end, uint64_t *mantissa)
{
    uint64_t m = *mantissa;
    for (; p < end && is_digit(*p); p++)
        m = m * 10 + (uint64_t)(*p - '0');
    *mantissa = m;
    return p;
}

/* Reads "e[+-]digits" at *pp into *exponent; returns 0 when the exponent has no digits. */
static int read_exponent(const char **pp, const char *end, long *exponent)
{
    const char *p = *pp + 1; /* past the 'e' */
    int exp_negative = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        exp_negative = *p == '-';
        p++;
    }
    if (p >= end || !is_digit(*p))
        return 0;
    long e = 0;
    for (; p < end && is_digit(*p); p++)
        if (e < 100000) /* far beyond any double; keeps the sum from overflowing */
            e = e * 10 + (*p - '0');
    *exponent += exp_negative ? -e : e;
    *pp = p;
    return 1;
}

/* mantissa * 10^exponent when that is exactly computable in double arithmetic (Clinger's
 * fast path: both factors exact, one rounding); returns 0 otherwise. */
static int scale_exactly(uint64_t mantissa, long exponent, double *out)
{
    if (mantissa == 0) {
        *out = 0.0;
        return 1;
    }
    if (mantissa > (UINT64_C(1) << 53) || exponent < -22 || exponent > 22)
        return 0;
    double value = (double)mantissa;
    *out = exponent < 0 ? value / exact_pow10[-exponent] : value * exact_pow10[exponent];
    return 1;
}

/* The correctly rounded value of the decimal text [p, end), already checked to be one. */
static double parse_rounded(const char *p, const char *end, uint64_t mantissa, long exponent)
{
    char buf[128];
    size_t len = (size_t)(end - p);
    pthread_once(&c_locale_once, make_c_locale);
    if (len < sizeof buf && c_locale != (locale_t)0) {
        memcpy(buf, p, len);
        buf[len] = '\0';
        return strtod_l(buf, NULL, c_locale);
    }
    /* a 128-character number, or no locale: within an ulp, by long double scaling */
    if (exponent > 400)
        return INFINITY;
    if (exponent < -400)
        return 0.0;
    return (double)((long double)mantissa * powl(10.0L, (long double)exponent));
}

int st__parse_number(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    while (p < end && is_space(*p))
        p++;
    const char *number = p;
    /* Branch-free sign: half the values of a column can be negative, in no order. */
    int negative = p < end && *p == '-';
    p += p < end && (*p == '-' || *p == '+');

    /* Fast path: take every digit into the mantissa, count them, and redo the digits with
     * the careful loop only when there are more than 19 (then some must be dropped). */
    const char *digits = p;
    uint64_t mantissa = 0;
    long exponent = 0; /* power of ten to apply to mantissa */
    p = append_digits(p, end, &mantissa);
    size_t n_digits = (size_t)(p - digits);
    if (p < end && *p == '.') {
        const char *fraction = ++p;
        p = append_digits(p, end, &mantissa);
        exponent = -(long)(p - fraction);
        n_digits += (size_t)(p - fraction);
    }
    if (n_digits == 0) { /* no digits: inf, infinity or nan, or not a number */
        int special = digits < end && (lower(*digits) == 'i' || lower(*digits) == 'n');
        return special ? parse_special(digits, end, negative, out) : 0;
    }
    if (n_digits > 19)
        read_long_digits(digits, p, &mantissa, &exponent);
    if (p < end && (*p == 'e' || *p == 'E') && !read_exponent(&p, end, &exponent))
        return 0;
    const char *number_end = p;
    while (p < end && is_space(*p))
        p++;
    if (p != end)
        return 0;
    double value;
    if (scale_exactly(mantissa, exponent, &value)) {
        /* never NaN, so times -1.0 is exactly negation, without a branch */
        *out = value * (negative ? -1.0 : 1.0);
        return 1;
    }
    value = parse_rounded(number, number_end, mantissa, exponent);
    *out = negative && value > 0 ? -value : value; /* strtod_l kept the sign already */
    return 1;
}
