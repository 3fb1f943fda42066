/* Internal: reading stratum's text model files line by line, for model kinds whose loader
 * is written against it (every kind: logreg and gbdt).
 * Checks run from the cheapest, most helpful diagnosis to the most detailed: magic and
 * version on line 1, then the checksum line, then each line in order. Every problem is
 * ST_ERR_FORMAT with "path:line: what was expected". */
#ifndef STRATUM_MODEL_READER_H
#define STRATUM_MODEL_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stratum/common.h>

typedef struct st__mreader {
    const char *path;
    const char *p, *end; /* unread text; end is the start of the checksum line */
    long line;           /* number of the line last returned */
    const char *text;    /* that line, without its newline */
    size_t len;
    st_error *err;
} st__mreader;

/* Starts reading data[0..size): checks line 1 is "stratum-model VERSION kind" with a
 * version this stratum reads, and that the last line is a matching checksum line. */
st_status st__mr_open(st__mreader *r, const char *path, const char *data, size_t size,
                      const char *kind, st_error *err);

/* ST_ERR_FORMAT at the current line. */
st_status st__mr_bad(st__mreader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Next line into r->text/len; 0 at the end. */
int st__mr_next(st__mreader *r);
/* Next line, which must be "key VALUE"; VALUE is [*val, *val + *vlen). */
st_status st__mr_keyed(st__mreader *r, const char *key, const char **val, size_t *vlen);
/* Splits off the next space-terminated field of [*s, *s + *len); 0 when there is none. */
int st__mr_field(const char **s, size_t *len, const char **f, size_t *flen);
/* Values: a number (any double, "nan", "inf"), a whole number in [lo, hi], an unsigned
 * 64-bit number, a word among words (its index), an escaped name (new string). */
st_status st__mr_number(st__mreader *r, const char *what, const char *s, size_t len, double *v);
st_status st__mr_integer(st__mreader *r, const char *what, const char *s, size_t len, long lo,
                         long hi, long *v);
st_status st__mr_u64(st__mreader *r, const char *what, const char *s, size_t len, uint64_t *v);
st_status st__mr_name(st__mreader *r, const char *what, const char *s, size_t len, char **out);
/* "key VALUE" lines of the kinds above. */
st_status st__mr_key_number(st__mreader *r, const char *key, double *v);
st_status st__mr_key_integer(st__mreader *r, const char *key, long lo, long hi, long *v);
st_status st__mr_key_u64(st__mreader *r, const char *key, uint64_t *v);
st_status st__mr_key_word(st__mreader *r, const char *key, const char *const *words, long n,
                          long *v);

#endif
