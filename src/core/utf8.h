/* Internal: UTF-8 validation of text fields and names. */
#ifndef STRATUM_UTF8_H
#define STRATUM_UTF8_H

#include <stddef.h>

/* Offset of the first byte of [s, s+len) that breaks UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included), or -1 when the text is valid. */
long st__utf8_invalid_at(const char *s, size_t len);

#endif
