/* A strict JSON reader (RFC 8259) by recursive descent, bounded to ST__JSON_MAX_DEPTH
 * levels, with one extension: the bare words NaN, Infinity and -Infinity, which XGBoost
 * (as Python's json module) writes for non-finite numbers, read as numbers. Containers
 * grow their item arrays by doubling; a value that fails halfway is left in a state
 * st__json_free can release, so every error path frees everything. */
#include "json_reader.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/number_parse.h"
#include "core/utf8.h"

typedef struct parser {
    const char *p, *end;
    const char *line_start;
    long line;
    const char *name;
    st_error *err;
} parser;

static long column(const parser *ps, const char *at)
{
    return (long)(at - ps->line_start) + 1;
}

static st_status bad_at(parser *ps, const char *at, const char *what)
{
    char found[40];
    if (at >= ps->end)
        snprintf(found, sizeof found, "the end of the text");
    else {
        char q[24];
        st__quote_text(at, 1, q, sizeof q);
        snprintf(found, sizeof found, "'%s'", q);
    }
    return st__fail_at(ps->err, ST_ERR_PARSE, ps->name, ps->line, column(ps, at),
                       "found %s, expected %s", found, what);
}

static st_status nomem(parser *ps)
{
    return st__fail(ps->err, ST_ERR_NOMEM, "out of memory reading %s", ps->name);
}

static void skip_space(parser *ps)
{
    while (ps->p < ps->end) {
        const char c = *ps->p;
        if (c == '\n') {
            ps->line++;
            ps->line_start = ps->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        ps->p++;
    }
}

void st__json_free(st__json *v)
{
    if (v == NULL)
        return;
    st__free(v->string);
    for (size_t i = 0; i < v->n; i++) {
        st__json_free(&v->items[i]);
        if (v->keys != NULL)
            st__free(v->keys[i]);
    }
    st__free(v->items);
    st__free(v->keys);
    memset(v, 0, sizeof *v);
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        const char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The string starting at the opening quote ps->p, decoded into a new buffer. */
static st_status parse_string(parser *ps, char **out, size_t *out_len)
{
    const char *s = ps->p + 1, *q = s;
    while (q < ps->end && *q != '"') /* find the closing quote: the decoded text is shorter */
        q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
    if (q >= ps->end)
        return st__fail_at(ps->err, ST_ERR_PARSE, ps->name, ps->line, column(ps, ps->p),
                           "unterminated string");
    char *o = st__malloc((size_t)(q - s) + 1);
    if (o == NULL)
        return nomem(ps);
    size_t n = 0;
    for (const char *c = s; c < q;) {
        const unsigned char b = (unsigned char)*c;
        if (b < 0x20) {
            st__free(o);
            return bad_at(ps, c, "no raw control character in a string (escape it)");
        }
        if (b != '\\') {
            o[n++] = (char)b;
            c++;
            continue;
        }
        const char e = c[1];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *hit = e != '\0' ? strchr(from, e) : NULL;
        if (hit != NULL) {
            o[n++] = to[hit - from];
            c += 2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || q - c < 6 || !hex4(c + 2, &cp)) {
            st__free(o);
            return bad_at(ps, c, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits");
        }
        const char *at = c;
        c += 6;
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (q - c < 6 || c[0] != '\\' || c[1] != 'u' || !hex4(c + 2, &lo) || lo < 0xDC00 ||
                lo > 0xDFFF) {
                st__free(o);
                return bad_at(ps, at, "a high surrogate followed by a \\u low surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            c += 6;
        } else if ((cp >= 0xDC00 && cp < 0xE000) || cp == 0) {
            st__free(o);
            return bad_at(ps, at, cp == 0 ? "no \\u0000 (names cannot hold NUL)"
                                          : "no lone low surrogate");
        }
        n += put_utf8(o + n, cp);
    }
    o[n] = '\0';
    const long bad = st__utf8_invalid_at(o, n);
    if (bad >= 0) {
        st__free(o);
        return st__fail_at(ps->err, ST_ERR_PARSE, ps->name, ps->line, column(ps, ps->p),
                           "the string is not valid UTF-8 (byte %ld of its text)", bad + 1);
    }
    ps->p = q + 1;
    *out = o;
    *out_len = n;
    return ST_OK;
}

static int is_digit(const char *c, const char *end)
{
    return c < end && *c >= '0' && *c <= '9';
}

static st_status parse_number(parser *ps, double *out)
{
    const char *s = ps->p, *c = s;
    if (c < ps->end && *c == '-')
        c++;
    if (!is_digit(c, ps->end))
        return bad_at(ps, c, "a digit");
    if (*c == '0') {
        c++;
        if (is_digit(c, ps->end))
            return bad_at(ps, c, "no leading zero");
    } else {
        while (is_digit(c, ps->end))
            c++;
    }
    if (c < ps->end && *c == '.') {
        if (!is_digit(++c, ps->end))
            return bad_at(ps, c, "a digit after the decimal point");
        while (is_digit(c, ps->end))
            c++;
    }
    if (c < ps->end && (*c == 'e' || *c == 'E')) {
        c++;
        if (c < ps->end && (*c == '+' || *c == '-'))
            c++;
        if (!is_digit(c, ps->end))
            return bad_at(ps, c, "a digit in the exponent");
        while (is_digit(c, ps->end))
            c++;
    }
    if (!st__parse_number(s, (size_t)(c - s), out) || !isfinite(*out))
        return st__fail_at(ps->err, ST_ERR_PARSE, ps->name, ps->line, column(ps, s),
                           "the number is out of range of a double");
    ps->p = c;
    return ST_OK;
}

/* NaN, Infinity or -Infinity at ps->p: read as that number. XGBoost writes them (a
 * categorical node's split condition is NaN), so a model holding them reaches the importer,
 * which says what is wrong with it rather than "expected a value". */
static int non_finite_word(parser *ps, double *out)
{
    static const struct { const char *text; double value; } words[] = {
        {"NaN", NAN}, {"Infinity", INFINITY}, {"-Infinity", -INFINITY}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const size_t len = strlen(words[i].text);
        if ((size_t)(ps->end - ps->p) >= len && memcmp(ps->p, words[i].text, len) == 0) {
            ps->p += len;
            *out = words[i].value;
            return 1;
        }
    }
    return 0;
}

static st_status parse_value(parser *ps, st__json *v, int depth);

/* Room for one more item in v (and its key when an object). */
static int grow(st__json *v, size_t *cap)
{
    if (v->n < *cap)
        return 1;
    const size_t cap2 = *cap ? 2 * *cap : 8;
    st__json *items = st__realloc_array(v->items, cap2, sizeof *items);
    if (items == NULL)
        return 0;
    v->items = items;
    if (v->type == ST__JSON_OBJECT) {
        char **keys = st__realloc_array(v->keys, cap2, sizeof *keys);
        if (keys == NULL)
            return 0;
        v->keys = keys;
    }
    *cap = cap2;
    return 1;
}

/* '[' or '{' at ps->p: the items (and keys) up to the matching bracket. */
static st_status parse_container(parser *ps, st__json *v, int depth)
{
    const int object = *ps->p == '{';
    const char close = object ? '}' : ']';
    v->type = object ? ST__JSON_OBJECT : ST__JSON_ARRAY;
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return ST_OK;
    }
    size_t cap = 0;
    for (;;) {
        if (!grow(v, &cap))
            return nomem(ps);
        char *key = NULL;
        if (object) {
            size_t len;
            if (ps->p >= ps->end || *ps->p != '"')
                return bad_at(ps, ps->p, "a member name in double quotes");
            st_status rc = parse_string(ps, &key, &len);
            if (rc != ST_OK)
                return rc;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                st__free(key);
                return bad_at(ps, ps->p, "':' after the member name");
            }
            ps->p++;
            skip_space(ps);
            v->keys[v->n] = key;
        }
        memset(&v->items[v->n], 0, sizeof v->items[v->n]);
        v->n++; /* counted now so that a failure below frees it */
        st_status rc = parse_value(ps, &v->items[v->n - 1], depth + 1);
        if (rc != ST_OK)
            return rc;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_space(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return ST_OK;
        }
        return bad_at(ps, ps->p, object ? "',' or '}'" : "',' or ']'");
    }
}

static st_status parse_value(parser *ps, st__json *v, int depth)
{
    v->line = ps->line;
    v->column = column(ps, ps->p);
    if (ps->p >= ps->end)
        return bad_at(ps, ps->p, "a value");
    if (depth > ST__JSON_MAX_DEPTH)
        return st__fail_at(ps->err, ST_ERR_PARSE, ps->name, ps->line, column(ps, ps->p),
                           "nested deeper than %d levels", ST__JSON_MAX_DEPTH);
    static const struct { const char *text; st__json_type type; } words[] = {
        {"null", ST__JSON_NULL}, {"false", ST__JSON_FALSE}, {"true", ST__JSON_TRUE}};
    switch (*ps->p) {
    case '{':
    case '[':
        return parse_container(ps, v, depth);
    case '"':
        v->type = ST__JSON_STRING;
        return parse_string(ps, &v->string, &v->len);
    case 'n':
    case 'f':
    case 't':
        for (size_t i = 0; i < 3; i++) {
            const size_t len = strlen(words[i].text);
            if ((size_t)(ps->end - ps->p) >= len && memcmp(ps->p, words[i].text, len) == 0) {
                v->type = words[i].type;
                ps->p += len;
                return ST_OK;
            }
        }
        return bad_at(ps, ps->p, "a value (null, true or false?)");
    default:
        if (non_finite_word(ps, &v->number)) {
            v->type = ST__JSON_NUMBER;
            return ST_OK;
        }
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            v->type = ST__JSON_NUMBER;
            return parse_number(ps, &v->number);
        }
        return bad_at(ps, ps->p, "a value");
    }
}

st_status st__json_parse(const char *data, size_t size, const char *name, st__json *out,
                         st_error *err)
{
    memset(out, 0, sizeof *out);
    parser ps = {.p = data, .end = data + size, .line_start = data, .line = 1, .name = name,
                 .err = err};
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    skip_space(&ps);
    st_status rc = parse_value(&ps, out, 1);
    if (rc == ST_OK) {
        skip_space(&ps);
        if (ps.p < ps.end)
            rc = bad_at(&ps, ps.p, "the end of the text after the JSON value");
    }
    if (rc != ST_OK)
        st__json_free(out);
    return rc;
}

const st__json *st__json_get(const st__json *v, const char *key)
{
    if (v == NULL || v->type != ST__JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *st__json_type_name(st__json_type t)
{
    static const char *const names[] = {"null", "false", "true", "a number", "a string",
                                        "an array", "an object"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
