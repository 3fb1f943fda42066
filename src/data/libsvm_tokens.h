/* Internal: the tokens of a LibSVM line (libsvm_reader.c): line bounds without comment,
 * blank-separated tokens, "index:value" pairs. Inline: they run once per entry. */
#ifndef STRATUM_LIBSVM_TOKENS_H
#define STRATUM_LIBSVM_TOKENS_H

#include <stddef.h>
#include <string.h>

#include "core/number_parse.h"

typedef struct libsvm_token {
    const char *ptr;
    size_t len;
} libsvm_token;

static inline int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The line [p, end-of-line) without its comment and line end; returns the next line start. */
static inline const char *line_bounds(const char *p, const char *end, const char **line_end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl != NULL ? nl : end;
    const char *hash = memchr(p, '#', (size_t)(stop - p));
    const char *e = hash != NULL ? hash : stop;
    while (e > p && (e[-1] == '\r' || is_blank(e[-1])))
        e--;
    *line_end = e;
    return nl != NULL ? nl + 1 : end;
}

static inline const char *next_token(const char *p, const char *end, libsvm_token *tok)
{
    while (p < end && is_blank(*p))
        p++;
    const char *q = p;
    while (q < end && !is_blank(*q))
        q++;
    tok->ptr = p;
    tok->len = (size_t)(q - p);
    return q;
}

/* Splits "index:value"; index must be a non-negative integer. */
static inline int split_pair(const libsvm_token *tok, long *index, double *value)
{
    const char *colon = memchr(tok->ptr, ':', tok->len);
    if (colon == NULL || colon == tok->ptr)
        return 0;
    long idx = 0;
    for (const char *c = tok->ptr; c < colon; c++) {
        if (*c < '0' || *c > '9' || idx > 2147483647L / 10)
            return 0;
        idx = idx * 10 + (*c - '0');
    }
    size_t vlen = tok->len - (size_t)(colon + 1 - tok->ptr);
    if (vlen == 1 && colon[1] == '1') /* the value of most binary codes: what the parse gives */
        *value = 1.0;
    else if (!st__parse_number(colon + 1, vlen, value))
        return 0;
    *index = idx;
    return 1;
}

static inline int is_qid(const libsvm_token *tok)
{
    return tok->len > 4 && tok->ptr[0] == 'q' && memcmp(tok->ptr, "qid:", 4) == 0;
}

#endif
