/* Internal: a small strict JSON reader (RFC 8259) that builds a tree of values, for
 * importing models other libraries save as JSON (XGBoost's Booster.save_model).
 *
 * Strict: one value, optionally surrounded by whitespace (a leading UTF-8 byte-order mark
 * is skipped); no comments, trailing commas, single quotes, leading zeros, NaN or
 * Infinity; strings are valid UTF-8 without raw control characters, escapes are the
 * standard ones (\u with proper surrogate pairs; \u0000 is refused since names are C
 * strings); numbers must fit a double. Nesting is limited to ST__JSON_MAX_DEPTH levels
 * so hostile input cannot exhaust the stack. Every error is ST_ERR_PARSE with
 * "name:line:column: what was found, what was expected" (column in bytes, from 1).
 * Allocations go through st__malloc; out of memory is ST_ERR_NOMEM. */
#ifndef STRATUM_JSON_READER_H
#define STRATUM_JSON_READER_H

#include <stddef.h>
#include <stratum/common.h>

#define ST__JSON_MAX_DEPTH 64

typedef enum st__json_type {
    ST__JSON_NULL = 0,
    ST__JSON_FALSE,
    ST__JSON_TRUE,
    ST__JSON_NUMBER,
    ST__JSON_STRING,
    ST__JSON_ARRAY,
    ST__JSON_OBJECT
} st__json_type;

typedef struct st__json {
    st__json_type type;
    long line, column;       /* where the value starts in the text */
    double number;           /* NUMBER */
    char *string;            /* STRING: decoded, NUL-terminated (len bytes before it) */
    size_t len;
    size_t n;                /* ARRAY items, OBJECT members */
    struct st__json *items;  /* ARRAY items, OBJECT member values, in text order */
    char **keys;             /* OBJECT member names (decoded), parallel to items */
} st__json;

/* Parses data[0..size) into *out; on failure *out is an empty null value. name is used in
 * messages only. */
st_status st__json_parse(const char *data, size_t size, const char *name, st__json *out,
                         st_error *err);

/* Frees what *v holds (not v itself) and leaves it a null value. */
void st__json_free(st__json *v);

/* The value of member key of an object (the first one when a key repeats); NULL when v is
 * not an object or has no such member. */
const st__json *st__json_get(const st__json *v, const char *key);

/* "null", "false", "true", "a number", "a string", "an array", "an object". */
const char *st__json_type_name(st__json_type t);

#endif
