/* The strict JSON reader: values and escapes decoded as RFC 8259 defines them, every
 * malformed text refused with its line and column, nesting bounded, and every allocation
 * failure returning ST_ERR_NOMEM with nothing leaked (linked against the fault-injection
 * build of the library). */
#include "test_util.h"

#include "core/alloc.h"
#include "io/json_reader.h"

static st_status parse(const char *text, st__json *v, st_error *err)
{
    return st__json_parse(text, strlen(text), "t.json", v, err);
}

/* Objects, arrays, numbers, literals and strings, nested, with positions. */
static void test_values(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF {\"a\": [1, -2.5e3, 0, 0.125, 1E-1],\n"
                       " \"b\": {\"c\": null, \"d\": true, \"e\": false},\n"
                       " \"s\": \"x\\ty\\n\\\"\\\\\\/\\u00e9\\ud83d\\ude00\",\n"
                       " \"empty\": [], \"none\": {}, \"a\": 7}";
    st__json v;
    st_error err;
    assert_int_equal(parse(text, &v, &err), ST_OK);
    assert_int_equal(v.type, ST__JSON_OBJECT);
    assert_int_equal(v.n, 6);
    const st__json *a = st__json_get(&v, "a");
    assert_non_null(a);
    assert_int_equal(a->type, ST__JSON_ARRAY);
    assert_int_equal(a->n, 5);
    const double want[] = {1, -2500, 0, 0.125, 0.1};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(a->items[i].type, ST__JSON_NUMBER);
        assert_same_double(a->items[i].number, want[i]);
    }
    assert_int_equal(a->line, 1);
    assert_int_equal(a->column, 11);
    const st__json *b = st__json_get(&v, "b");
    assert_int_equal(b->line, 2);
    assert_int_equal(st__json_get(b, "c")->type, ST__JSON_NULL);
    assert_int_equal(st__json_get(b, "d")->type, ST__JSON_TRUE);
    assert_int_equal(st__json_get(b, "e")->type, ST__JSON_FALSE);
    assert_null(st__json_get(b, "f"));
    assert_null(st__json_get(a, "c"));
    const st__json *s = st__json_get(&v, "s");
    assert_int_equal(s->type, ST__JSON_STRING);
    assert_string_equal(s->string, "x\ty\n\"\\/\xC3\xA9\xF0\x9F\x98\x80");
    assert_int_equal(s->len, strlen(s->string));
    assert_int_equal(st__json_get(&v, "empty")->n, 0);
    assert_int_equal(st__json_get(&v, "none")->type, ST__JSON_OBJECT);
    st__json_free(&v);
    assert_int_equal(v.type, ST__JSON_NULL);
    /* the one extension: the bare words XGBoost (and Python's json) write for
       non-finite numbers */
    assert_int_equal(parse("[NaN, Infinity, -Infinity]", &v, &err), ST_OK);
    assert_int_equal(v.n, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(v.items[i].type, ST__JSON_NUMBER);
    assert_true(isnan(v.items[0].number));
    assert_true(isinf(v.items[1].number) && v.items[1].number > 0);
    assert_true(isinf(v.items[2].number) && v.items[2].number < 0);
    st__json_free(&v);
}

/* Each malformed text is refused at the right line and column. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"", "t.json:1:1: found the end of the text, expected a value"},
        {"[1, 2,]", "t.json:1:7: found ']', expected a value"},
        {"{\"a\": 1,}", "t.json:1:9: found '}', expected a member name"},
        {"{\"a\" 1}", "t.json:1:6: found '1', expected ':'"},
        {"[01]", "t.json:1:3: found '1', expected no leading zero"},
        {"[1.]", "t.json:1:4: found ']', expected a digit after the decimal point"},
        {"[1e]", "t.json:1:4: found ']', expected a digit in the exponent"},
        {"[Nan]", "t.json:1:2: found 'N', expected a value"},
        {"[-Inf]", "t.json:1:3: found 'I', expected a digit"},
        {"[1e999]", "t.json:1:2: the number is out of range"},
        {"{\n  \"a\": tru}", "t.json:2:8: found 't', expected a value"},
        {"[1] 2", "t.json:1:5: found '2', expected the end of the text"},
        {"[1 2]", "t.json:1:4: found '2', expected ',' or ']'"},
        {"\"abc", "t.json:1:1: unterminated string"},
        {"\"a\tb\"", "t.json:1:3: found '\\x09', expected no raw control character"},
        {"\"\\x\"", "t.json:1:2: found '\\', expected an escape"},
        {"\"\\u12g4\"", "t.json:1:2: found '\\', expected an escape"},
        {"\"\\ud800x\"", "t.json:1:2: found '\\', expected a high surrogate followed by"},
        {"\"\\udc00\"", "t.json:1:2: found '\\', expected no lone low surrogate"},
        {"\"\\u0000\"", "names cannot hold NUL"},
        {"\"\xC3\x28\"", "t.json:1:1: the string is not valid UTF-8"},
        {"{'a': 1}", "t.json:1:2: found ''', expected a member name"},
        {"[1] // c", "t.json:1:5: found '/', expected the end of the text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st__json v;
        st_error err;
        assert_int_equal(parse(cases[i].text, &v, &err), ST_ERR_PARSE);
        assert_contains(err.message, cases[i].message);
        assert_int_equal(v.type, ST__JSON_NULL);
    }
}

/* 64 levels are read; 65 are refused before the stack grows further. */
static void test_depth(void **state)
{
    (void)state;
    char text[300];
    for (int depth = 64; depth <= 65; depth++) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        text[2 * depth] = '\0';
        st__json v;
        st_error err;
        st_status rc = parse(text, &v, &err);
        if (depth == ST__JSON_MAX_DEPTH) {
            assert_int_equal(rc, ST_OK);
            st__json_free(&v);
        } else {
            assert_int_equal(rc, ST_ERR_PARSE);
            assert_contains(err.message, "t.json:1:65: nested deeper than 64 levels");
        }
    }
    /* very deep hostile input fails the same way without recursing further */
    static char deep[100001];
    memset(deep, '[', 100000);
    st__json v;
    st_error err;
    assert_int_equal(st__json_parse(deep, 100000, "t.json", &v, &err), ST_ERR_PARSE);
}

/* Every allocation failing in turn gives ST_ERR_NOMEM and leaks nothing. */
static void test_oom(void **state)
{
    (void)state;
    const char *text = "{\"trees\": [{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], \"name\": \"x\"},"
                       " {\"b\": \"\\u00e9\"}], \"k\": [[], {}, [null]]}";
    const long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        st__json v;
        st_error err;
        st_status rc = parse(text, &v, &err);
        st__fault_fail_after(-1);
        if (rc == ST_OK) {
            st__json_free(&v);
            assert_int_equal(st__fault_live_blocks(), baseline);
            return;
        }
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_int_equal(st__fault_live_blocks(), baseline);
        assert_true(n < 1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
