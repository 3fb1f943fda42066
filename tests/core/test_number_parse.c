/* st__parse_number: the locale-independent decimal parser behind both readers. */
#include "test_util.h"

#include <float.h>
#include <stdlib.h>

#include "core/number_parse.h"

/* Parses a whole C string; fails the test when it is not a number. */
static double parse(const char *text)
{
    double value = 12345.0;
    if (!st__parse_number(text, strlen(text), &value))
        fail_msg("\"%s\" was rejected; expected a number", text);
    return value;
}

/* Fails the test when the text is accepted, and checks the output was left alone. */
static void assert_rejected(const char *text)
{
    double value = 12345.0;
    if (st__parse_number(text, strlen(text), &value))
        fail_msg("\"%s\" was read as %.17g; expected a rejection", text, value);
    assert_same_double(value, 12345.0);
}

/* Whole numbers with and without a sign. */
static void test_integers(void **state)
{
    (void)state;
    assert_same_double(parse("0"), 0.0);
    assert_same_double(parse("7"), 7.0);
    assert_same_double(parse("42"), 42.0);
    assert_same_double(parse("-17"), -17.0);
    assert_same_double(parse("+8"), 8.0);
    assert_same_double(parse("007"), 7.0);
    assert_same_double(parse("9007199254740992"), 9007199254740992.0); /* 2^53 */
    assert_same_double(parse("123456789012345"), 123456789012345.0);
}

/* Decimal points anywhere, including ".5" and "5.". */
static void test_decimals(void **state)
{
    (void)state;
    assert_same_double(parse("3.25"), 3.25);
    assert_same_double(parse("-0.125"), -0.125);
    assert_same_double(parse(".5"), 0.5);
    assert_same_double(parse("-.5"), -0.5);
    assert_same_double(parse("5."), 5.0);
    assert_same_double(parse("0.1"), 0.1);
    assert_same_double(parse("0.000001"), 1e-6);
    assert_same_double(parse("100.0000"), 100.0);
    assert_same_double(parse("2.718281828459045"), 2.718281828459045);
}

/* Exponents in either case, with and without a sign. */
static void test_exponents(void **state)
{
    (void)state;
    assert_same_double(parse("1e3"), 1000.0);
    assert_same_double(parse("1E3"), 1000.0);
    assert_same_double(parse("1e+2"), 100.0);
    assert_same_double(parse("2.5e-3"), 0.0025);
    assert_same_double(parse("-4.5E1"), -45.0);
    assert_same_double(parse(".5e1"), 5.0);
    assert_same_double(parse("5.e-1"), 0.5);
    assert_same_double(parse("0e10"), 0.0);
    assert_same_double(parse("1e22"), 1e22);
    assert_same_double(parse("1e-22"), 1e-22);
}

/* Spaces and tabs around the number are allowed. */
static void test_surrounding_spaces(void **state)
{
    (void)state;
    assert_same_double(parse(" 7"), 7.0);
    assert_same_double(parse("7 "), 7.0);
    assert_same_double(parse("  -1.5  "), -1.5);
    assert_same_double(parse("\t3\t"), 3.0);
    assert_same_double(parse(" inf "), INFINITY);
}

/* "-0" keeps its sign, as strtod does. */
static void test_negative_zero(void **state)
{
    (void)state;
    double z = parse("-0");
    assert_same_double(z, -0.0);
    assert_true(signbit(z));
    assert_true(signbit(parse("-0.000")));
    assert_false(signbit(parse("0")));
}

/* inf, infinity and nan in any case, with a sign. */
static void test_special_values(void **state)
{
    (void)state;
    assert_same_double(parse("inf"), INFINITY);
    assert_same_double(parse("INF"), INFINITY);
    assert_same_double(parse("Infinity"), INFINITY);
    assert_same_double(parse("+INFINITY"), INFINITY);
    assert_same_double(parse("-inf"), -INFINITY);
    assert_same_double(parse("-Infinity"), -INFINITY);
    assert_nan(parse("nan"));
    assert_nan(parse("NaN"));
    assert_nan(parse("NAN"));
    assert_nan(parse("-nan"));
}

/* Out of range: overflow to infinity, underflow to zero. */
static void test_out_of_range(void **state)
{
    (void)state;
    assert_same_double(parse("1e400"), INFINITY);
    assert_same_double(parse("-1e400"), -INFINITY);
    assert_same_double(parse("1e309"), INFINITY);
    assert_same_double(parse("1e-400"), 0.0);
    assert_same_double(parse("-1e-400"), -0.0);
    assert_same_double(parse("1e99999999999999999999"), INFINITY);
    assert_same_double(parse("1e-99999999999999999999"), 0.0);
}

/* The largest, the smallest normal and the smallest subnormal double, exactly. */
static void test_extreme_doubles(void **state)
{
    (void)state;
    assert_same_double(parse("1.7976931348623157e308"), 1.7976931348623157e308); /* DBL_MAX */
    assert_same_double(parse("4.9406564584124654e-324"), 4.9406564584124654e-324);
    assert_same_double(parse("2.2250738585072014e-308"), 2.2250738585072014e-308);
}

/* Mantissas of 20 and more digits round correctly, ties to even included. */
static void test_long_mantissas(void **state)
{
    (void)state;
    assert_same_double(parse("12345678901234567890123"), 12345678901234567890123.0);
    assert_same_double(parse("0.1000000000000000000000000001"), 0.1);
    assert_same_double(parse("3.14159265358979323846264338327950288"),
                       3.14159265358979323846264338327950288);
    assert_same_double(parse("100000000000000000000000"), 1e23);
    assert_same_double(parse("-98765432109876543210.5e-10"), -9876543210.98765432105);
    /* 2^53 + 1 is not a double: ties to even give 2^53 */
    assert_same_double(parse("9007199254740993"), 9007199254740992.0);
    /* just above the tie: must round up, which a long double product can get wrong */
    assert_same_double(parse("9007199254740993.0000000000000001"), 9007199254740994.0);
    assert_same_double(parse("0.00000000000000000000000000000000000000000000001"), 1e-47);
}

/* Only the given length is read, not up to a NUL. */
static void test_length_bounds_the_text(void **state)
{
    (void)state;
    double value = 0.0;
    assert_true(st__parse_number("12345", 3, &value));
    assert_same_double(value, 123.0);
    assert_true(st__parse_number("2e5x", 3, &value));
    assert_same_double(value, 200000.0);
    assert_false(st__parse_number("1e5", 2, &value));
}

/* Texts that are not numbers are rejected and leave the output alone. */
static void test_rejections(void **state)
{
    (void)state;
    static const char *const not_numbers[] = {
        "",   " ",    "-",      "+",     ".",    "-.",  "1e",   "1e+",  "1e-",   "e5",
        "0x1A", "1,234", "1.2.3", "abc", "12abc", "1 2", "--1", "+-1", "1e5.0", "1.5f",
        "in", "infinit", "infinityx", "nanx", "na", "- 1", "1e 5", "\n1",
    };
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
        assert_rejected(not_numbers[i]);
}

/* ---- against strtod ---------------------------------------------------------------------- */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r) /* xorshift64* */
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * UINT64_C(2685821657736338717);
}

static int rng_int(rng *r, int lo, int hi) { return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1)); }

/* A random decimal string and what the parser is promised to do with it. */
typedef struct random_number {
    char text[96];
    int n_digits;       /* significant digits (first one non-zero) */
    int power_of_ten;   /* value = digits * 10^power_of_ten */
} random_number;

static void append_char(random_number *n, size_t *len, char c)
{
    n->text[(*len)++] = c;
    n->text[*len] = '\0';
}

static void random_decimal(rng *r, random_number *n)
{
    size_t len = 0;
    n->text[0] = '\0';
    int sign = rng_int(r, 0, 2);
    if (sign)
        append_char(n, &len, sign == 1 ? '-' : '+');
    n->n_digits = rng_int(r, 0, 1) ? rng_int(r, 1, 15) : rng_int(r, 16, 28);
    int point_at = rng_int(r, 0, n->n_digits);   /* digits before the point */
    int zeros_after_point = point_at == 0 ? rng_int(r, 0, 4) : 0;
    if (point_at > 0 && rng_int(r, 0, 3) == 0)
        append_char(n, &len, '0');               /* a leading zero, not significant */
    if (point_at == 0) {
        append_char(n, &len, '0');
        append_char(n, &len, '.');
        for (int z = 0; z < zeros_after_point; z++)
            append_char(n, &len, '0');
    }
    for (int d = 0; d < n->n_digits; d++) {
        if (d == point_at && point_at > 0 && point_at < n->n_digits)
            append_char(n, &len, '.');
        append_char(n, &len, (char)('0' + (d == 0 ? rng_int(r, 1, 9) : rng_int(r, 0, 9))));
    }
    int exponent = 0;
    if (rng_int(r, 0, 1)) {
        exponent = rng_int(r, 0, 1) ? rng_int(r, -12, 12) : rng_int(r, -340, 320);
        len += (size_t)snprintf(n->text + len, sizeof n->text - len, "%c%+d",
                                rng_int(r, 0, 1) ? 'e' : 'E', exponent);
    }
    n->power_of_ten = exponent - (n->n_digits - point_at) - zeros_after_point;
}

/* Random decimals, short and long, small and huge: always exactly strtod's double (the C
 * library's strtod is correctly rounded, and the test runs in the "C" locale). */
static void test_agrees_with_strtod(void **state)
{
    (void)state;
    rng r = {UINT64_C(0x5eed5eed12345678)};
    int n_fast = 0, n_slow = 0;
    for (int i = 0; i < 200000; i++) {
        random_number n;
        random_decimal(&r, &n);
        double expected = strtod(n.text, NULL);
        double got = parse(n.text);
        int fast = n.n_digits <= 15 && n.power_of_ten >= -22 && n.power_of_ten <= 22;
        n_fast += fast;
        n_slow += !fast;
        if (!(got == expected && signbit(got) == signbit(expected)))
            fail_msg("\"%s\": got %.17g, strtod gives %.17g", n.text, got, expected);
    }
    /* both paths of the parser were exercised many times */
    assert_true(n_fast > 20000);
    assert_true(n_slow > 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_exponents),
        cmocka_unit_test(test_surrounding_spaces),
        cmocka_unit_test(test_negative_zero),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_extreme_doubles),
        cmocka_unit_test(test_long_mantissas),
        cmocka_unit_test(test_length_bounds_the_text),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_agrees_with_strtod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
