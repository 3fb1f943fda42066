/* Text model file helpers: a growing buffer (plain text copied, not formatted: a model of
 * 50,000 coefficients is written in milliseconds), numbers that read back exactly
 * (number_g.c), escaped names and the checksum. */
#include "model_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <inttypes.h>
#include <stratum/files.h>

#include "core/alloc.h"
#include "core/error.h"
#include "number_g.h"

static int reserve(st__text *t, size_t extra)
{
    if (t->failed)
        return 0;
    if (t->size + extra + 1 <= t->cap)
        return 1;
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < t->size + extra + 1)
        cap *= 2;
    char *p = st__realloc(t->data, cap);
    if (p == NULL) {
        t->failed = 1;
        return 0;
    }
    t->data = p;
    t->cap = cap;
    return 1;
}

void st__text_reserve(st__text *t, size_t bytes)
{
    reserve(t, bytes);
}

void st__text_put(st__text *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->data + t->size, s, n);
    t->size += n;
    t->data[t->size] = '\0';
}

void st__text_puts(st__text *t, const char *s)
{
    st__text_put(t, s, strlen(s));
}

void st__text_long(st__text *t, long v)
{
    char digits[24];
    size_t n = 0;
    /* the magnitude as unsigned: -LONG_MIN does not fit a long */
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        digits[n++] = '-';
    if (!reserve(t, n))
        return;
    while (n > 0)
        t->data[t->size++] = digits[--n];
    t->data[t->size] = '\0';
}

void st__text_printf(st__text *t, const char *fmt, ...)
{
    /* Most pieces are short: format once into the stack and copy; only a long one is
     * measured first and formatted again into the buffer. */
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        st__text_put(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->size, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->size += (size_t)n;
}

void st__text_name(st__text *t, const char *s)
{
    const unsigned char *run = (const unsigned char *)s, *p = run;
    for (; *p != '\0'; p++) {
        if (*p != '\\' && *p != '\n' && *p != '\r' && *p >= 0x20 && *p != 0x7f)
            continue; /* plain bytes are copied a run at a time */
        st__text_put(t, (const char *)run, (size_t)(p - run));
        if (*p == '\\')
            st__text_put(t, "\\\\", 2);
        else if (*p == '\n')
            st__text_put(t, "\\n", 2);
        else if (*p == '\r')
            st__text_put(t, "\\r", 2);
        else
            st__text_printf(t, "\\x%02x", *p);
        run = p + 1;
    }
    st__text_put(t, (const char *)run, (size_t)(p - run));
}

int st__text_number(st__text *t, double v)
{
    char buf[ST__NUMBER_G_MAX];
    int exact;
    const int n = st__number_g(v, buf, &exact);
    st__text_put(t, buf, (size_t)n);
    return exact;
}

void st__text_free(st__text *t)
{
    st__free(t->data);
    memset(t, 0, sizeof *t);
}

uint64_t st__fnv1a64(const void *data, size_t size)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < size; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *st__name_unescape(const char *s, size_t len, int *nomem)
{
    *nomem = 0;
    char *out = st__malloc(len + 1);
    if (out == NULL) {
        *nomem = 1;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\') {
            out[n++] = s[i];
            continue;
        }
        if (i + 1 >= len)
            goto bad;
        char c = s[++i];
        if (c == '\\') {
            out[n++] = '\\';
        } else if (c == 'n') {
            out[n++] = '\n';
        } else if (c == 'r') {
            out[n++] = '\r';
        } else if (c == 'x' && i + 2 < len && hex_digit(s[i + 1]) >= 0 &&
                   hex_digit(s[i + 2]) >= 0) {
            int v = hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]);
            if (v == 0)
                goto bad; /* names are C strings */
            out[n++] = (char)v;
            i += 2;
        } else {
            goto bad;
        }
    }
    out[n] = '\0';
    return out;
bad:
    st__free(out);
    return NULL;
}

st_status st__text_seal_write(st__text *t, int exact, const char *path, const char *what,
                              const char *inexact, st_error *err)
{
    st__text_printf(t, "checksum %016" PRIx64 "\n", st__fnv1a64(t->data, t->size));
    st_status rc;
    if (t->failed)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory writing %s for %s", what, path);
    else if (!exact)
        rc = st__fail(err, ST_ERR_NUMERIC, "%s: %s has no exact decimal form this stratum "
                      "can read back; %s was not saved", path, inexact, what);
    else
        rc = st_file_write_atomic(path, t->data, t->size, err);
    st__text_free(t);
    return rc;
}
