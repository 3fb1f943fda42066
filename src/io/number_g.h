/* Internal: a double as the model files spell it: the shortest of snprintf's "%.15g",
 * "%.16g" and "%.17g" that st__parse_number reads back to the same bits, byte for byte
 * what those calls print, without their cost (number_g.c). */
#ifndef STRATUM_NUMBER_G_H
#define STRATUM_NUMBER_G_H

/* Room for any spelling, with its NUL. */
#define ST__NUMBER_G_MAX 64

/* Writes v's spelling into buf (NUL-terminated) and returns its length; *exact is 0 when
 * no precision reads back (never seen for a finite double, then "%.17g" is written). NaN
 * is "nan" whatever its payload. */
int st__number_g(double v, char buf[ST__NUMBER_G_MAX], int *exact);

/* What snprintf's "%.17g" writes for v, byte for byte, from the same exact integer digits
 * (snprintf itself for what they do not decide); returns the length. */
int st__number_g17(double v, char buf[ST__NUMBER_G_MAX]);

#endif
