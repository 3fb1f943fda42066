/* Internal: locale-independent decimal number parsing for the readers' hot loops. */
#ifndef STRATUM_NUMBER_PARSE_H
#define STRATUM_NUMBER_PARSE_H

#include <stddef.h>

/* Parses all of [s, s+len) as a number: optional spaces, an optional sign, digits with an
 * optional '.', an optional exponent, optional spaces; or inf / infinity / nan in any case.
 * Hexadecimal, thousands separators and trailing text are not numbers. Returns 1 and
 * stores the value on success, 0 otherwise (out untouched).
 *
 * Up to 19 significant digits are exact; beyond that digits are dropped (below double
 * precision). With at most 15 digits and |exponent| <= 22 the result is correctly rounded
 * (Clinger's fast path); otherwise the scaling is done in long double and is within one
 * unit in the last place of the double result. Out-of-range values become +-inf or 0. */
int st__parse_number(const char *s, size_t len, double *out);

#endif
