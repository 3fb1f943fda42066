/* The text model format's pieces (src/io/model_text.c): numbers printed exactly as the
 * shortest of snprintf's %.15g, %.16g and %.17g that reads back to the same bits (the
 * oracle is that rule, run here with the C library's snprintf and strtod), and names with
 * their escapes, hand-written. */
#include "test_util.h"

#include <limits.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/number_parse.h"
#include "io/model_text.h"

/* The rule the model files have always followed, with the C library alone. */
static void reference_number(double v, char *out, size_t size)
{
    if (v != v) {
        snprintf(out, size, "nan");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, v);
        double back = strtod(out, NULL);
        if (memcmp(&back, &v, sizeof v) == 0)
            return;
    }
    snprintf(out, size, "%.17g", v);
}

static void check_number(double v)
{
    char want[64];
    reference_number(v, want, sizeof want);
    st__text t = {0};
    assert_int_equal(st__text_number(&t, v), 1);
    assert_false(t.failed);
    if (strcmp(t.data, want) != 0)
        fail_msg("%a: printed '%s', expected '%s'", v, t.data, want);
    double back; /* and the loader's reader takes it back to the same bits */
    assert_true(st__parse_number(t.data, t.size, &back));
    if (v == v && memcmp(&back, &v, sizeof v) != 0)
        fail_msg("%a: '%s' reads back as %a", v, t.data, back);
    st__text_free(&t);
}

static uint64_t next_random(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Hand-picked values where %g switches notation, rounds up to a new power of ten, stops at
 * 15, 16 or 17 digits, or sits on an exact decimal tie. */
static void test_number_edges(void **state)
{
    (void)state;
    const double v[] = {0.0, -0.0, 1, -1, 0.5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-4,
                        9.99999999999999e-5, 0.0001, 0.00012345, 1e-5, 1e15, 1e16, 1e17,
                        123456789012345.0, 1234567890123456.0, 12345678901234567.0,
                        999999999999999.9, 9999999999999998.0, 0.9999999999999999,
                        0.99999999999999989, 1e300, -1e-300, 5e-324, 2.2250738585072014e-308,
                        1.7976931348623157e308, 0.1 + 0.2, 100, 1e22, 1e23, 4.35, 2.675,
                        1.0000000000000002, 0.02548681031435672, 0.025486810314356716,
                        9007199254740993.0, 0.000123456789012345678, 3.0517578125e-05,
                        1.52587890625e-05, 12345.5, 0.125, 8.5e-5, 1e-7, 1e21};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        check_number(v[i]);
        check_number(-v[i]);
    }
    /* exact binary fractions whose decimal expansion ends in 5 at digits 16 to 18: the
       25 digits cannot tell these from their neighbours' roundings, snprintf decides */
    for (int k = 1; k < 2000; k++) {
        check_number(ldexp((double)k, -30));
        check_number(ldexp((double)k * 2 + 1, -60));
        check_number((double)k * 1e-3);
        check_number((double)k / 7.0);
    }
    /* powers of two, whose lower neighbour is half as far, and their neighbours */
    for (int k = -1074; k <= 1023; k++) {
        const double p2 = ldexp(1.0, k);
        check_number(p2);
        check_number(nextafter(p2, 0));
        check_number(nextafter(p2, INFINITY));
    }
    check_number(INFINITY);
    check_number(-INFINITY);
    check_number(NAN);
}

/* Random bit patterns (every exponent) and random values of a model's usual sizes. */
static void test_number_random(void **state)
{
    (void)state;
    uint64_t s = 20261206;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next_random(&s);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (v - v == 0) /* finite */
            check_number(v);
        double u = (double)(next_random(&s) >> 11) * 0x1p-53;
        check_number(u * pow(10.0, (double)(int)(next_random(&s) % 12) - 8.0));
    }
}

/* st_format_g17 writes what snprintf's "%.17g" writes, and returns its length. */
static void check_g17(double v)
{
    char want[64], got[64];
    const int n_want = snprintf(want, sizeof want, "%.17g", v);
    const int n = st_format_g17(v, got, sizeof got);
    if (n != n_want || strcmp(got, want) != 0)
        fail_msg("%a: st_format_g17 '%s' (%d), snprintf '%s' (%d)", v, got, n, want, n_want);
    char small[8]; /* truncated as snprintf truncates */
    assert_int_equal(st_format_g17(v, small, sizeof small), n_want);
    assert_int_equal(snprintf(want, sizeof small, "%.17g", v), n_want);
    assert_string_equal(small, want);
}

static void test_g17(void **state)
{
    (void)state;
    const double v[] = {0.0, -0.0, 1, 0.1, 1.0 / 3, 1e-4, 9.99999999999999e-5, 1e-5, 1e16,
                        1e17, 1e18, 12345678901234567.0, 0.99999999999999989, 1e300,
                        5e-324, 2.675, 12345.5, 0.125, 1e-14, 9.999999999999999e-15,
                        INFINITY, NAN};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        check_g17(v[i]);
        check_g17(-v[i]);
    }
    for (int k = 1; k < 2000; k++) { /* exact binary fractions: ties at digit 18 and on */
        check_g17(ldexp((double)k * 2 + 1, -60));
        check_g17(ldexp((double)k * 2 + 1, -57));
        check_g17((double)k / 7.0);
    }
    for (int k = -1074; k <= 1023; k++) {
        check_g17(ldexp(1.0, k));
        check_g17(nextafter(ldexp(1.0, k), 0));
    }
    uint64_t s = 20261207;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next_random(&s);
        double x;
        memcpy(&x, &bits, sizeof x);
        check_g17(x);
        double u = (double)(next_random(&s) >> 11) * 0x1p-53;
        check_g17(u * pow(10.0, (double)(int)(next_random(&s) % 20) - 12.0));
    }
}

static void check_name(const char *name, const char *want)
{
    st__text t = {0};
    st__text_name(&t, name);
    assert_false(t.failed);
    assert_non_null(t.data);
    assert_string_equal(t.data, want);
    int nomem = 1;
    char *back = st__name_unescape(t.data, t.size, &nomem);
    assert_non_null(back);
    assert_string_equal(back, name);
    st__free(back);
    st__text_free(&t);
}

static void test_names(void **state)
{
    (void)state;
    check_name("age", "age");
    check_name("g00=v0001", "g00=v0001");
    check_name(" lead and trail ", " lead and trail ");
    check_name("a\\b", "a\\\\b");
    check_name("two\nlines\r", "two\\nlines\\r");
    check_name("\x01x\x7f", "\\x01x\\x7f");
    check_name("\\\\", "\\\\\\\\");
    check_name("caf\xc3\xa9", "caf\xc3\xa9"); /* UTF-8 bytes are kept as they are */
}

/* Pieces appended with and without formatting, past the first buffer's size. */
static void test_text_append(void **state)
{
    (void)state;
    st__text t = {0};
    char want[5000] = "";
    for (int i = 0; i < 300; i++) {
        st__text_put(&t, "ab", 2);
        st__text_puts(&t, "c");
        st__text_printf(&t, "%d;", i);
        char piece[16];
        snprintf(piece, sizeof piece, "abc%d;", i);
        strcat(want, piece);
    }
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    st__text_printf(&t, "%s", big); /* longer than the formatting buffer on the stack */
    strcat(want, big);
    assert_false(t.failed);
    assert_int_equal(t.size, strlen(want));
    assert_string_equal(t.data, want);
    st__text_free(&t);
}

/* st__text_long prints what "%ld" does: edges and every power of ten either side. */
static void test_text_long(void **state)
{
    (void)state;
    st__text t = {0};
    char want[4096] = "";
    long values[64];
    size_t n = 0;
    values[n++] = 0, values[n++] = LONG_MIN, values[n++] = LONG_MAX, values[n++] = -1;
    for (long p = 1; p <= LONG_MAX / 10; p *= 10)
        values[n++] = p, values[n++] = p - 1, values[n++] = -p - 1;
    for (size_t k = 0; k < n; k++) {
        st__text_long(&t, values[k]);
        st__text_put(&t, ",", 1);
        char piece[32];
        snprintf(piece, sizeof piece, "%ld,", values[k]);
        strcat(want, piece);
    }
    assert_false(t.failed);
    assert_string_equal(t.data, want);
    st__text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_edges),
        cmocka_unit_test(test_number_random),
        cmocka_unit_test(test_g17),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_text_append),
        cmocka_unit_test(test_text_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
