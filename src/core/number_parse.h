/* Internal: locale-independent decimal number parsing for the readers' hot loops. */
#ifndef STRATUM_NUMBER_PARSE_H
#define STRATUM_NUMBER_PARSE_H

#include <stddef.h>

/* Parses all of [s, s+len) as a number: optional spaces, an optional sign, digits with an
 * optional '.', an optional exponent, optional spaces; or inf / infinity / nan in any case.
 * Hexadecimal, thousands separators and trailing text are not numbers. Returns 1 and
 * stores the value on success, 0 otherwise (out untouched).
 *
 * The result is the correctly rounded double: exactly computed in double arithmetic when
 * the digits and exponent allow (Clinger's fast path), otherwise by strtod_l in the "C"
 * locale. Out-of-range values become +-inf or 0. */
int st__parse_number(const char *s, size_t len, double *out);

#endif
