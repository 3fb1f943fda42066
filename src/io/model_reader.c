/* Reading stratum's text model files: see model_reader.h. The steps are those of
 * logreg_model_load.c, made independent of the model kind. */
#include "model_reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model_text.h"
#include "core/number_parse.h"

st_status st__mr_bad(st__mreader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return st__fail_at(r->err, ST_ERR_FORMAT, r->path, r->line, 0, "%s", msg);
}

int st__mr_next(st__mreader *r)
{
    if (r->p >= r->end)
        return 0;
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    r->text = r->p;
    r->len = nl != NULL ? (size_t)(nl - r->p) : (size_t)(r->end - r->p);
    r->p = nl != NULL ? nl + 1 : r->end;
    r->line++;
    return 1;
}

st_status st__mr_keyed(st__mreader *r, const char *key, const char **val, size_t *vlen)
{
    size_t k = strlen(key);
    if (!st__mr_next(r)) {
        r->line++;
        return st__mr_bad(r, "the model ends early: expected '%s ...'", key);
    }
    if (r->len <= k || memcmp(r->text, key, k) != 0 || r->text[k] != ' ') {
        char q[64];
        st__quote_text(r->text, r->len, q, sizeof q);
        return st__mr_bad(r, "found '%s'; expected '%s ...'", q, key);
    }
    *val = r->text + k + 1;
    *vlen = r->len - k - 1;
    return ST_OK;
}

int st__mr_field(const char **s, size_t *len, const char **f, size_t *flen)
{
    const char *sp = memchr(*s, ' ', *len);
    if (sp == NULL)
        return 0;
    *f = *s;
    *flen = (size_t)(sp - *s);
    *len -= *flen + 1;
    *s = sp + 1;
    return 1;
}

st_status st__mr_number(st__mreader *r, const char *what, const char *s, size_t len, double *v)
{
    if (!st__parse_number(s, len, v)) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return st__mr_bad(r, "%s '%s' is not a number", what, q);
    }
    return ST_OK;
}

st_status st__mr_integer(st__mreader *r, const char *what, const char *s, size_t len, long lo,
                         long hi, long *v)
{
    size_t i = len > 0 && s[0] == '-' ? 1 : 0;
    long x = 0;
    int ok = len > i && len - i <= 18;
    for (size_t k = i; ok && k < len; k++) {
        ok = s[k] >= '0' && s[k] <= '9';
        x = x * 10 + (s[k] - '0');
    }
    if (i == 1)
        x = -x;
    if (!ok || x < lo || x > hi) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return st__mr_bad(r, "%s '%s': expected a whole number from %ld to %ld", what, q, lo, hi);
    }
    *v = x;
    return ST_OK;
}

st_status st__mr_u64(st__mreader *r, const char *what, const char *s, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    int ok = len > 0 && len <= 20;
    for (size_t k = 0; ok && k < len; k++) {
        ok = s[k] >= '0' && s[k] <= '9' &&
             x <= (UINT64_MAX - (uint64_t)(s[k] - '0')) / 10;
        x = x * 10 + (uint64_t)(s[k] - '0');
    }
    if (!ok) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return st__mr_bad(r, "%s '%s': expected a whole number from 0 to %llu", what, q,
                          (unsigned long long)UINT64_MAX);
    }
    *v = x;
    return ST_OK;
}

st_status st__mr_name(st__mreader *r, const char *what, const char *s, size_t len, char **out)
{
    int nomem;
    *out = st__name_unescape(s, len, &nomem);
    if (*out != NULL)
        return ST_OK;
    if (nomem)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    return st__mr_bad(r, "bad escape in %s: expected \\\\, \\n, \\r or \\xNN", what);
}

st_status st__mr_key_number(st__mreader *r, const char *key, double *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = st__mr_keyed(r, key, &s, &len);
    return rc != ST_OK ? rc : st__mr_number(r, key, s, len, v);
}

st_status st__mr_key_integer(st__mreader *r, const char *key, long lo, long hi, long *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = st__mr_keyed(r, key, &s, &len);
    return rc != ST_OK ? rc : st__mr_integer(r, key, s, len, lo, hi, v);
}

st_status st__mr_key_u64(st__mreader *r, const char *key, uint64_t *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = st__mr_keyed(r, key, &s, &len);
    return rc != ST_OK ? rc : st__mr_u64(r, key, s, len, v);
}

st_status st__mr_key_word(st__mreader *r, const char *key, const char *const *words, long n,
                          long *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = st__mr_keyed(r, key, &s, &len);
    if (rc != ST_OK)
        return rc;
    for (long i = 0; i < n; i++)
        if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0) {
            *v = i;
            return ST_OK;
        }
    char q[64];
    st__quote_text(s, len, q, sizeof q);
    return st__mr_bad(r, "%s '%s': expected %s or %s%s", key, q, words[0], n > 2 ? "... " : "",
                      words[n - 1]);
}

/* Line 1: "stratum-model VERSION kind". */
static st_status check_header(st__mreader *r, const char *kind)
{
    static const char magic[] = ST__MODEL_MAGIC " ";
    if (r->p >= r->end) {
        r->line = 1;
        return st__mr_bad(r, "the file is empty; expected a stratum model file");
    }
    if (!st__mr_next(r) || r->len < sizeof magic - 1 ||
        memcmp(r->text, magic, sizeof magic - 1) != 0)
        return st__mr_bad(r, "not a stratum model file: expected '%s %d %s' on the first line",
                          ST__MODEL_MAGIC, ST__MODEL_VERSION, kind);
    const char *s = r->text + sizeof magic - 1, *v;
    size_t len = r->len - (sizeof magic - 1), vlen;
    long version;
    if (!st__mr_field(&s, &len, &v, &vlen))
        return st__mr_bad(r, "expected '%s VERSION KIND' on the first line", ST__MODEL_MAGIC);
    st_status rc = st__mr_integer(r, "model format version", v, vlen, 1, 1000000, &version);
    if (rc != ST_OK)
        return rc;
    if (version > ST__MODEL_VERSION)
        return st__mr_bad(r, "model format version %ld is newer than this stratum (%d); "
                          "upgrade stratum", version, ST__MODEL_VERSION);
    if (len != strlen(kind) || memcmp(s, kind, len) != 0) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return st__mr_bad(r, "the model is a '%s' model; expected a '%s' model", q, kind);
    }
    return ST_OK;
}

/* Finds the last line, "checksum HEX", checks it against the bytes before it and leaves
 * r->end at its start. */
static st_status check_checksum(st__mreader *r, const char *data, size_t size)
{
    long lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (size == 0 || data[size - 1] != '\n') {
        r->line = lines + 1;
        return st__mr_bad(r, "the file is truncated: it does not end with a 'checksum' line");
    }
    const char *last = data + size - 1;
    while (last > data && last[-1] != '\n')
        last--;
    r->line = lines;
    static const char key[] = "checksum ";
    size_t len = (size_t)(data + size - 1 - last);
    if (len != sizeof key - 1 + 16 || memcmp(last, key, sizeof key - 1) != 0)
        return st__mr_bad(r, "the file is truncated: expected 'checksum HEX' as the last line");
    uint64_t want = 0;
    for (size_t i = sizeof key - 1; i < len; i++) {
        char c = last[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return st__mr_bad(r, "expected 16 lower-case hexadecimal digits after 'checksum'");
        want = want << 4 | (uint64_t)d;
    }
    uint64_t got = st__fnv1a64(data, (size_t)(last - data));
    if (got != want)
        return st__mr_bad(r, "checksum mismatch (file says %016llx, content gives %016llx): "
                          "the file is corrupt or was edited", (unsigned long long)want,
                          (unsigned long long)got);
    r->end = last;
    r->line = 0;
    return ST_OK;
}

st_status st__mr_open(st__mreader *r, const char *path, const char *data, size_t size,
                      const char *kind, st_error *err)
{
    *r = (st__mreader){.path = path, .p = data, .end = data + size, .err = err};
    st_status rc = check_header(r, kind);
    if (rc != ST_OK)
        return rc;
    st__mreader whole = *r;
    if ((rc = check_checksum(&whole, data, size)) != ST_OK)
        return rc;
    r->end = whole.end;
    return ST_OK;
}
