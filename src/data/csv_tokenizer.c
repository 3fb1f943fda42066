/* CSV records and fields. Fields point into the input where they can (unquoted, or quoted
 * without "" escapes), so the common case copies nothing. */
#include "csv_tokenizer.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void st__csv_tokenizer_init(st__csv_tokenizer *t, const char *data, size_t size, char delimiter,
                            const char *source)
{
    memset(t, 0, sizeof *t);
    t->p = data;
    t->end = data + size;
    t->delimiter = delimiter;
    t->source = source;
    t->line = 1;
    t->line_start = data;
}

void st__csv_tokenizer_free(st__csv_tokenizer *t)
{
    st__free(t->fields);
    st__free(t->scratch);
    t->fields = NULL;
    t->scratch = NULL;
}

static int push_field(st__csv_tokenizer *t, st__csv_field f)
{
    if (t->n_fields == t->fields_cap) {
        size_t cap = t->fields_cap == 0 ? 64 : t->fields_cap * 2;
        st__csv_field *fields = st__realloc_array(t->fields, cap, sizeof *fields);
        if (fields == NULL)
            return 0;
        t->fields = fields;
        t->fields_cap = cap;
    }
    t->fields[t->n_fields++] = f;
    return 1;
}

static int scratch_append(st__csv_tokenizer *t, const char *s, size_t len)
{
    if (t->scratch_len + len > t->scratch_cap) {
        size_t cap = t->scratch_cap == 0 ? 256 : t->scratch_cap;
        while (cap < t->scratch_len + len)
            cap *= 2;
        char *scratch = st__realloc(t->scratch, cap);
        if (scratch == NULL)
            return 0;
        t->scratch = scratch;
        t->scratch_cap = cap;
    }
    memcpy(t->scratch + t->scratch_len, s, len);
    t->scratch_len += len;
    return 1;
}

/* Counts the line ends in [from, to) so positions after a multi-line field stay right. */
static void advance_lines(st__csv_tokenizer *t, const char *from, const char *to)
{
    for (const char *q = from; q < to; q++) {
        if (*q == '\n') {
            t->line++;
            t->line_start = q + 1;
        }
    }
}

static int fail_nul(st__csv_tokenizer *t, const char *at, st_error *err)
{
    advance_lines(t, t->line_start, at); /* no-op unless at is past a line end */
    st__fail_at(err, ST_ERR_PARSE, t->source, t->line, (long)(at - t->line_start) + 1,
                "NUL byte in the data; expected text (is this a binary file?)");
    return -1;
}

/* Reads a quoted field starting at t->p (on the opening quote). The field's text ends up
 * in f->ptr/len, or, when it held "" escapes, at scratch offset stored in f->ptr as NULL
 * plus *scratch_offset. */
static int read_quoted(st__csv_tokenizer *t, st__csv_field *f, size_t *scratch_offset,
                       st_error *err)
{
    const char *seg = ++t->p;
    int escaped = 0;
    for (;;) {
        const char *q = memchr(t->p, '"', (size_t)(t->end - t->p));
        if (q == NULL) {
            st__fail_at(err, ST_ERR_PARSE, t->source, f->line, f->column,
                        "quoted field never closed; expected a closing '\"' before the end of "
                        "the file");
            return -1;
        }
        const char *nul = memchr(t->p, '\0', (size_t)(q - t->p));
        if (nul != NULL)
            return fail_nul(t, nul, err);
        advance_lines(t, t->p, q);
        if (q + 1 < t->end && q[1] == '"') {
            if (!escaped)
                *scratch_offset = t->scratch_len;
            if (!scratch_append(t, seg, (size_t)(q + 1 - seg)))
                goto nomem;
            escaped = 1;
            t->p = q + 2;
            seg = t->p;
            continue;
        }
        if (escaped) {
            if (!scratch_append(t, seg, (size_t)(q - seg)))
                goto nomem;
            f->ptr = NULL;
            f->len = t->scratch_len - *scratch_offset;
        } else {
            f->ptr = seg;
            f->len = (size_t)(q - seg);
        }
        t->p = q + 1;
        break;
    }
    if (t->p < t->end && *t->p != t->delimiter && *t->p != '\n' && *t->p != '\r') {
        char shown[64];
        st__quote_text(t->p, 1, shown, sizeof shown);
        st__fail_at(err, ST_ERR_PARSE, t->source, t->line, (long)(t->p - t->line_start) + 1,
                    "found '%s' after a closing quote; expected the delimiter or the end of "
                    "the line", shown);
        return -1;
    }
    return 0;
nomem:
    st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading a quoted field", t->source);
    return -1;
}

/* Where an unquoted field starting at q ends: the first delimiter, line end or NUL byte,
 * or `end`. This is the tokenizer's hot loop, so on little-endian GCC/Clang builds it tests
 * eight bytes at a time: zero_bytes(w ^ c) marks the bytes of w equal to c (the classic
 * "word has a zero byte" test; its lowest mark is always exact), and the lowest mark over
 * the four tests is the first stop byte. It looks at 16 bytes a step and picks the word
 * without a branch, as most fields end within 16 bytes but at no fixed place; the byte loop
 * finishes the last few bytes. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ST_WORD_SCAN 1
static const uint64_t ones = UINT64_C(0x0101010101010101);

static uint64_t zero_bytes(uint64_t w)
{
    return (w - ones) & ~w & UINT64_C(0x8080808080808080);
}

/* Marks (the high bit of a byte) the bytes of the eight at q that end a field. */
static uint64_t stop_marks(const char *q, uint64_t delims)
{
    uint64_t w;
    memcpy(&w, q, sizeof w);
    uint64_t line_ends = zero_bytes(w ^ (ones * '\n')) | zero_bytes(w ^ (ones * '\r'));
    return zero_bytes(w ^ delims) | line_ends | zero_bytes(w);
}
#endif

static const char *field_end(const char *q, const char *end, char delim)
{
#ifdef ST_WORD_SCAN
    const uint64_t delims = ones * (unsigned char)delim;
    while (end - q >= 16) {
        uint64_t first = stop_marks(q, delims), second = stop_marks(q + 8, delims);
        if ((first | second) != 0) {
            uint64_t in_second = first == 0;
            uint64_t marks = first | (second & (0 - in_second)); /* first ? first : second */
            return q + 8 * in_second + __builtin_ctzll(marks) / 8;
        }
        q += 16;
    }
#endif
    while (q < end && *q != delim && *q != '\n' && *q != '\r' && *q != '\0')
        q++;
    return q;
}

static int read_unquoted(st__csv_tokenizer *t, st__csv_field *f, st_error *err)
{
    const char *q = field_end(t->p, t->end, t->delimiter);
    if (q < t->end && *q == '\0')
        return fail_nul(t, q, err);
    f->ptr = t->p;
    f->len = (size_t)(q - t->p);
    t->p = q;
    return 0;
}

int st__csv_next(st__csv_tokenizer *t, st_error *err)
{
    t->n_fields = 0;
    t->scratch_len = 0;
    if (t->p >= t->end)
        return 0;
    t->record_line = t->line;
    size_t offsets_pending = 0;
    for (;;) {
        st__csv_field f = {NULL, 0, t->line, (long)(t->p - t->line_start) + 1, 0, 0};
        size_t scratch_offset = 0;
        int rc;
        if (t->p < t->end && *t->p == '"') {
            f.quoted = 1;
            rc = read_quoted(t, &f, &scratch_offset, err);
        } else {
            rc = read_unquoted(t, &f, err);
        }
        if (rc < 0)
            return -1;
        if (f.ptr == NULL) {
            /* the text is in scratch, which may still move: point into it at the end */
            f.scratch_offset = scratch_offset;
            offsets_pending = 1;
        }
        if (!push_field(t, f)) {
            st__fail(err, ST_ERR_NOMEM, "%s: out of memory splitting line %ld", t->source,
                     t->record_line);
            return -1;
        }
        if (t->p < t->end && *t->p == t->delimiter) {
            t->p++;
            continue;
        }
        if (t->p < t->end && *t->p == '\r')
            t->p++;
        if (t->p < t->end && *t->p == '\n')
            t->p++;
        t->line++;
        t->line_start = t->p;
        break;
    }
    if (offsets_pending) {
        for (size_t i = 0; i < t->n_fields; i++)
            if (t->fields[i].ptr == NULL)
                t->fields[i].ptr = t->scratch + t->fields[i].scratch_offset;
    }
    return 1;
}

char st__csv_detect_delimiter(const char *data, size_t size)
{
    static const char candidates[] = {',', ';', '\t', '|'};
    size_t counts[4] = {0, 0, 0, 0};
    int in_quotes = 0;
    for (size_t i = 0; i < size; i++) {
        char c = data[i];
        if (c == '"')
            in_quotes = !in_quotes;
        else if (!in_quotes && (c == '\n' || c == '\r'))
            break;
        else if (!in_quotes)
            for (int k = 0; k < 4; k++)
                counts[k] += c == candidates[k];
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (counts[k] > counts[best])
            best = k;
    return candidates[best];
}
