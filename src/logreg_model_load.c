/* Loading a logistic regression model file written by logreg_model_io.c. The checks run
 * from the cheapest, most helpful diagnosis to the most detailed: the magic and version
 * on line 1 (so a newer file says "upgrade" rather than "corrupt"), then the checksum line
 * (truncation, corruption), then each line in order. Every problem is ST_ERR_FORMAT with
 * "path:line: what was expected". */
#include "logreg_impl.h"
#include "logreg_model_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "file_buffer.h"
#include "model_text.h"
#include "number_parse.h"

typedef struct reader {
    const char *path;
    const char *p, *end; /* unread text; end is the start of the checksum line */
    long line;           /* number of the line last returned */
    const char *text;    /* that line, without its newline */
    size_t len;
    st_error *err;
} reader;

static st_status bad(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static st_status bad(reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return st__fail_at(r->err, ST_ERR_FORMAT, r->path, r->line, 0, "%s", msg);
}

static int next_line(reader *r)
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

/* Reads the next line, which must be "key VALUE"; VALUE is [*val, *val + *vlen). */
static st_status keyed(reader *r, const char *key, const char **val, size_t *vlen)
{
    size_t k = strlen(key);
    if (!next_line(r)) {
        r->line++;
        return bad(r, "the model ends early: expected '%s ...'", key);
    }
    if (r->len <= k || memcmp(r->text, key, k) != 0 || r->text[k] != ' ') {
        char q[64];
        st__quote_text(r->text, r->len, q, sizeof q);
        return bad(r, "found '%s'; expected '%s ...'", q, key);
    }
    *val = r->text + k + 1;
    *vlen = r->len - k - 1;
    return ST_OK;
}

static st_status number_at(reader *r, const char *what, const char *s, size_t len, double *v)
{
    if (!st__parse_number(s, len, v)) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return bad(r, "%s '%s' is not a number", what, q);
    }
    return ST_OK;
}

/* A whole number in [lo, hi], digits with an optional leading '-'. */
static st_status integer_at(reader *r, const char *what, const char *s, size_t len, long lo,
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
        return bad(r, "%s '%s': expected a whole number from %ld to %ld", what, q, lo, hi);
    }
    *v = x;
    return ST_OK;
}

static st_status key_number(reader *r, const char *key, double *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = keyed(r, key, &s, &len);
    return rc != ST_OK ? rc : number_at(r, key, s, len, v);
}

static st_status key_integer(reader *r, const char *key, long lo, long hi, long *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = keyed(r, key, &s, &len);
    return rc != ST_OK ? rc : integer_at(r, key, s, len, lo, hi, v);
}

/* key followed by one of the words; *v is its index. */
static st_status key_word(reader *r, const char *key, const char *const *words, long n, long *v)
{
    const char *s = NULL;
    size_t len = 0;
    st_status rc = keyed(r, key, &s, &len);
    if (rc != ST_OK)
        return rc;
    for (long i = 0; i < n; i++)
        if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0) {
            *v = i;
            return ST_OK;
        }
    char q[64];
    st__quote_text(s, len, q, sizeof q);
    return bad(r, "%s '%s': expected %s or %s%s", key, q, words[0], n > 2 ? "... " : "",
               words[n - 1]);
}

/* Splits off the next space-terminated field of [*s, *s + *len). */
static int field(const char **s, size_t *len, const char **f, size_t *flen)
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

static st_status name_at(reader *r, const char *what, const char *s, size_t len, char **out)
{
    int nomem;
    *out = st__name_unescape(s, len, &nomem);
    if (*out != NULL)
        return ST_OK;
    if (nomem)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    return bad(r, "bad escape in %s: expected \\\\, \\n, \\r or \\xNN", what);
}

static st_status read_params(reader *r, st_logreg_params *p)
{
    static const char *const impute[] = {"mean", "median"};
    static const char *const cw[] = {"none", "balanced", "positive"};
    long v = 0;
    st_status rc;
    *p = st_logreg_params_default();
    if ((rc = key_number(r, "lambda", &p->lambda)) != ST_OK ||
        (rc = key_number(r, "alpha", &p->alpha)) != ST_OK)
        return rc;
    if ((rc = key_integer(r, "standardize", 0, 1, &v)) != ST_OK)
        return rc;
    p->standardize = (int)v;
    if ((rc = key_word(r, "impute", impute, 2, &v)) != ST_OK)
        return rc;
    p->impute = v == 1 ? ST_IMPUTE_MEDIAN : ST_IMPUTE_MEAN;
    if ((rc = key_integer(r, "missing_indicators", 0, 1, &v)) != ST_OK)
        return rc;
    p->missing_indicators = (int)v;
    if ((rc = key_word(r, "class_weight", cw, 3, &v)) != ST_OK)
        return rc;
    p->class_weight = v == 1 ? ST_CLASS_WEIGHT_BALANCED
                    : v == 2 ? ST_CLASS_WEIGHT_POSITIVE : ST_CLASS_WEIGHT_NONE;
    if ((rc = key_number(r, "positive_weight", &p->positive_weight)) != ST_OK ||
        (rc = key_number(r, "tol", &p->tol)) != ST_OK ||
        (rc = key_integer(r, "max_iter", 1, 2147483647L, &v)) != ST_OK)
        return rc;
    p->max_iter = (int)v;
    const char *why = st_logreg_params_check(p);
    return why != NULL ? bad(r, "invalid parameters: %s", why) : ST_OK;
}

/* "feature TYPE FILL COL INDICATOR N_LEVELS NAME" and its level lines. */
static st_status read_feature(reader *r, st__lr_feature *f, size_t n_coefs_max)
{
    static const char *const types[] = {"numeric", "categorical"};
    const char *s, *t[5];
    size_t len, tl[5];
    st_status rc = keyed(r, "feature", &s, &len);
    if (rc != ST_OK)
        return rc;
    for (int i = 0; i < 5; i++)
        if (!field(&s, &len, &t[i], &tl[i]))
            return bad(r, "expected 'feature TYPE FILL COL INDICATOR N_LEVELS NAME'");
    long type = -1, col, ind, n_levels;
    for (long i = 0; i < 2; i++)
        if (strlen(types[i]) == tl[0] && memcmp(types[i], t[0], tl[0]) == 0)
            type = i;
    if (type < 0)
        return bad(r, "feature type: expected numeric or categorical");
    f->type = type == 1 ? ST_FEATURE_CATEGORICAL : ST_FEATURE_NUMERIC;
    const long max = (long)(n_coefs_max < 1000000000 ? n_coefs_max : 1000000000);
    if ((rc = number_at(r, "fill", t[1], tl[1], &f->fill)) != ST_OK ||
        (rc = integer_at(r, "column", t[2], tl[2], 0, max, &col)) != ST_OK ||
        (rc = integer_at(r, "indicator", t[3], tl[3], -1, max, &ind)) != ST_OK ||
        (rc = integer_at(r, "level count", t[4], tl[4], 0, max, &n_levels)) != ST_OK)
        return rc;
    if ((f->type == ST_FEATURE_NUMERIC) != (n_levels == 0))
        return bad(r, "a numeric feature has no levels and a categorical one at least one");
    f->col = (size_t)col;
    f->indicator = ind;
    if ((rc = name_at(r, "the feature name", s, len, &f->name)) != ST_OK)
        return rc;
    if (n_levels == 0)
        return ST_OK;
    if ((f->levels = st__calloc((size_t)n_levels, sizeof *f->levels)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    f->n_levels = (size_t)n_levels;
    for (size_t l = 0; l < f->n_levels; l++) {
        if ((rc = keyed(r, "level", &s, &len)) != ST_OK ||
            (rc = name_at(r, "a level", s, len, &f->levels[l])) != ST_OK)
            return rc;
        /* prediction finds levels by binary search */
        if (l > 0 && strcmp(f->levels[l - 1], f->levels[l]) >= 0)
            return bad(r, "levels must be in strictly increasing byte order");
    }
    return ST_OK;
}

/* Every column a feature points at exists. */
static st_status check_columns(reader *r, const st_logreg *m)
{
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        size_t width = f->type == ST_FEATURE_NUMERIC ? 1 : f->n_levels;
        if (f->col > m->n_coefs || width > m->n_coefs - f->col ||
            (f->indicator >= 0 && (size_t)f->indicator >= m->n_coefs))
            return bad(r, "feature '%s' refers to columns beyond the %zu coefficients",
                       f->name, m->n_coefs);
    }
    return ST_OK;
}

static st_status read_body(reader *r, st_logreg *m)
{
    st_status rc;
    long n, v;
    /* each feature and coefficient needs a line of text: bounds the allocations */
    const long max_items = (long)((size_t)(r->end - r->p) < 1000000000 ? r->end - r->p : 1000000000);
    if ((rc = read_params(r, &m->params)) != ST_OK ||
        (rc = key_integer(r, "features", 0, max_items, &n)) != ST_OK)
        return rc;
    if (n > 0 && (m->features = st__calloc((size_t)n, sizeof *m->features)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    m->n_features = (size_t)n;
    for (size_t j = 0; j < m->n_features; j++)
        if ((rc = read_feature(r, &m->features[j], (size_t)max_items)) != ST_OK)
            return rc;
    if ((rc = key_integer(r, "coefs", 0, max_items, &n)) != ST_OK)
        return rc;
    m->coef_names = st__calloc((size_t)n + 1, sizeof *m->coef_names);
    m->coefs = st__calloc((size_t)n + 1, sizeof *m->coefs);
    if (m->coef_names == NULL || m->coefs == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    m->n_coefs = (size_t)n;
    for (size_t k = 0; k < m->n_coefs; k++) {
        const char *s, *t;
        size_t len, tl;
        if ((rc = keyed(r, "coef", &s, &len)) != ST_OK)
            return rc;
        if (!field(&s, &len, &t, &tl))
            return bad(r, "expected 'coef VALUE NAME'");
        if ((rc = number_at(r, "coefficient", t, tl, &m->coefs[k])) != ST_OK ||
            (rc = name_at(r, "the coefficient name", s, len, &m->coef_names[k])) != ST_OK)
            return rc;
    }
    if ((rc = check_columns(r, m)) != ST_OK ||
        (rc = key_number(r, "intercept", &m->intercept)) != ST_OK ||
        (rc = key_integer(r, "iterations", 0, 2147483647L, &v)) != ST_OK)
        return rc;
    m->iterations = (int)v;
    if ((rc = key_integer(r, "converged", 0, 1, &v)) != ST_OK)
        return rc;
    m->converged = (int)v;
    if ((rc = key_number(r, "objective", &m->objective)) != ST_OK ||
        (rc = key_number(r, "gap", &m->gap)) != ST_OK)
        return rc;
    if (next_line(r))
        return bad(r, "unexpected line after 'gap'; expected the checksum line");
    return ST_OK;
}

/* Line 1: "stratum-model VERSION logreg". */
static st_status check_header(reader *r)
{
    static const char magic[] = ST__MODEL_MAGIC " ";
    if (r->p >= r->end) {
        r->line = 1;
        return bad(r, "the file is empty; expected a stratum model file");
    }
    if (!next_line(r) || r->len < sizeof magic - 1 || memcmp(r->text, magic, sizeof magic - 1) != 0)
        return bad(r, "not a stratum model file: expected '%s %d logreg' on the first line",
                   ST__MODEL_MAGIC, ST__MODEL_VERSION);
    const char *s = r->text + sizeof magic - 1, *v;
    size_t len = r->len - (sizeof magic - 1), vlen;
    long version;
    if (!field(&s, &len, &v, &vlen))
        return bad(r, "expected '%s VERSION KIND' on the first line", ST__MODEL_MAGIC);
    st_status rc = integer_at(r, "model format version", v, vlen, 1, 1000000, &version);
    if (rc != ST_OK)
        return rc;
    if (version > ST__MODEL_VERSION)
        return bad(r, "model format version %ld is newer than this stratum (%d); upgrade "
                   "stratum", version, ST__MODEL_VERSION);
    if (len != 6 || memcmp(s, "logreg", 6) != 0) {
        char q[64];
        st__quote_text(s, len, q, sizeof q);
        return bad(r, "the model is a '%s' model; expected a 'logreg' model", q);
    }
    return ST_OK;
}

/* Finds the last line, "checksum HEX", checks it against the bytes before it and leaves
 * r->end at its start. */
static st_status check_checksum(reader *r, const char *data, size_t size)
{
    long lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (size == 0 || data[size - 1] != '\n') {
        r->line = lines + 1;
        return bad(r, "the file is truncated: it does not end with a 'checksum' line");
    }
    const char *last = data + size - 1; /* walks back to the start of the last line */
    while (last > data && last[-1] != '\n')
        last--;
    r->line = lines;
    static const char key[] = "checksum ";
    size_t len = (size_t)(data + size - 1 - last);
    if (len != sizeof key - 1 + 16 || memcmp(last, key, sizeof key - 1) != 0)
        return bad(r, "the file is truncated: expected 'checksum HEX' as the last line");
    uint64_t want = 0;
    for (size_t i = sizeof key - 1; i < len; i++) {
        char c = last[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return bad(r, "expected 16 lower-case hexadecimal digits after 'checksum'");
        want = want << 4 | (uint64_t)d;
    }
    uint64_t got = st__fnv1a64(data, (size_t)(last - data));
    if (got != want)
        return bad(r, "checksum mismatch (file says %016llx, content gives %016llx): the "
                   "file is corrupt or was edited", (unsigned long long)want,
                   (unsigned long long)got);
    r->end = last;
    r->line = 0;
    return ST_OK;
}

st_status st__logreg_load_buffer(const char *data, size_t size, const char *name,
                                 st_logreg **out, st_error *err)
{
    *out = NULL;
    reader r = {.path = name, .p = data, .end = data + size, .err = err};
    st_logreg *m = NULL;
    st_status rc;
    if ((rc = check_header(&r)) != ST_OK)
        return rc;
    reader whole = r;
    if ((rc = check_checksum(&whole, data, size)) != ST_OK)
        return rc;
    r.end = whole.end;
    if ((m = st__calloc(1, sizeof *m)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory reading %s", name);
    if ((rc = read_body(&r, m)) != ST_OK) {
        st_logreg_free(m);
        return rc;
    }
    *out = m;
    return ST_OK;
}

st_status st_logreg_load(const char *path, st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_load: %s is NULL",
                        path == NULL ? "path" : "out");
    st__file_buffer buf = {0};
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    rc = st__logreg_load_buffer(buf.data, buf.size, path, out, err);
    st__file_buffer_free(&buf);
    return rc;
}
