/* Decimal number parsing. strtod is avoided on purpose: it depends on the process locale
 * (a German locale reads "1.5" as 1) and is several times slower than this loop. */
#include "number_parse.h"

#include <math.h>
#include <stdint.h>

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

static double scale(uint64_t mantissa, long exponent)
{
    if (mantissa == 0)
        return 0.0;
    if (mantissa <= (UINT64_C(1) << 53) && exponent >= -22 && exponent <= 22) {
        double value = (double)mantissa;
        return exponent < 0 ? value / exact_pow10[-exponent] : value * exact_pow10[exponent];
    }
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
    while (p < end && is_space(*p))
        p++;
    if (p != end)
        return 0;
    /* scale() never returns NaN, so times -1.0 is exactly negation, without a branch */
    *out = scale(mantissa, exponent) * (negative ? -1.0 : 1.0);
    return 1;
}
