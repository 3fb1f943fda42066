/* src/io/: files in and out, above core/ only: a whole file read into memory
 * (file_buffer.h), every output written to a temporary and renamed into place
 * (st_file_write_atomic, with the rules for links, devices and FIFOs in output_path.h), the
 * text model format shared by both model families (this file and model_reader.h), and the
 * small JSON reader that XGBoost models are imported through (json_reader.h).
 *
 * This file: the pieces of stratum's text model files that do not depend on the model
 * kind: a growing text buffer, the FNV-1a checksum, numbers that read back exactly and
 * names that survive any bytes. */
#ifndef STRATUM_MODEL_TEXT_H
#define STRATUM_MODEL_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stratum/common.h>

#define ST__MODEL_MAGIC "stratum-model"
#define ST__MODEL_VERSION 1

typedef struct st__text {
    char *data;
    size_t size, cap;
    int failed; /* an allocation failed: the text is incomplete */
} st__text;

void st__text_printf(st__text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for bytes more in one allocation, so that appends up to that size do not move
 * the text again; a failure marks the text failed, as an append's would. */
void st__text_reserve(st__text *t, size_t bytes);
/* Appends n bytes of s, or the C string s, as they are (no formatting). */
void st__text_put(st__text *t, const char *s, size_t n);
void st__text_puts(st__text *t, const char *s);
/* Appends v in decimal, as "%ld" prints it (a feature line has three integers: printf
 * for each was a fifth of the time of saving a model of 50,000 columns). */
void st__text_long(st__text *t, long v);
/* Appends s with '\\', newline, carriage return and other control bytes escaped as \\, \n,
 * \r and \xNN, so a name fits on one line and keeps leading and trailing spaces. */
void st__text_name(st__text *t, const char *s);
/* Appends v in the shortest of %.15g, %.16g, %.17g that st__parse_number reads back as
 * the same bits; 0 when none does (never seen, but then the file could not be exact). */
int st__text_number(st__text *t, double v);
void st__text_free(st__text *t);

uint64_t st__fnv1a64(const void *data, size_t size);

/* Seals and writes the text t of a model file: appends its checksum line (the FNV-1a of
 * what comes before) and writes it to path atomically (st_file_write_atomic); frees t
 * either way. Fails with ST_ERR_NOMEM when an append failed ("out of memory writing WHAT
 * for PATH"), with ST_ERR_NUMERIC when exact is 0, a number having no exact decimal form
 * ("PATH: INEXACT has no exact decimal form ...; WHAT was not saved"), else as
 * st_file_write_atomic. */
st_status st__text_seal_write(st__text *t, int exact, const char *path, const char *what,
                              const char *inexact, st_error *err);

/* Undoes st__text_name on [s, s+len): a new string, or NULL on a bad escape (*nomem = 0)
 * or when out of memory (*nomem = 1). */
char *st__name_unescape(const char *s, size_t len, int *nomem);

#endif
