/* src/core/: what every other part of the library stands on, and which calls nothing of
 * stratum's: allocation through one hook (alloc.h, with failure injection for the
 * out-of-memory tests), error reports (this file), locale-independent number parsing,
 * UTF-8 checks, float sorting, and parallel.h, the one header that includes <omp.h>.
 *
 * This file: filling st_error reports. */
#ifndef STRATUM_ERROR_INTERNAL_H
#define STRATUM_ERROR_INTERNAL_H

#include <stratum/common.h>

/* Fills *err (if not NULL) with code and a printf-style message; returns code, so a
 * failing path reads `return st__fail(err, ST_ERR_INVALID_ARG, "n_rows is 0");`. */
st_status st__fail(st_error *err, st_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, for a position in an input: the message becomes "source:line:column: ...", or
 * "source:line: ..." when column is 0. */
st_status st__fail_at(st_error *err, st_status code, const char *source, long line, long column,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Renders up to `max` bytes of [s, s+len) for quoting inside a message: control bytes and
 * non-ASCII become \xNN, and a long text is cut with "...". Writes a NUL-terminated string
 * of at most out_size bytes. */
void st__quote_text(const char *s, size_t len, char *out, size_t out_size);

#endif
