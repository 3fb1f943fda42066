/* Internal: the characters words are made of and their lower case (include/stratum/text.h,
 * "Words"), from the table tools/gen_text_unicode_table.py generates
 * (text_unicode_table.c), and UTF-8 decoding. */
#ifndef STRATUM_TEXT_UNICODE_H
#define STRATUM_TEXT_UNICODE_H

#include <stddef.h>
#include <stdint.h>

extern const char st__text_unicode_version[];
extern const uint32_t st__text_word_ranges[][2]; /* inclusive, ascending */
extern const size_t st__text_n_word_ranges;
extern const uint32_t st__text_lower_pairs[][2]; /* {code point, its lower case}, ascending */
extern const size_t st__text_n_lower_pairs;

/* 1 when code point cp is a word character (general category L or N). */
int st__text_is_word(uint32_t cp);
/* cp's simple lower-case mapping (cp itself when it has none). */
uint32_t st__text_lower(uint32_t cp);

/* Decodes the code point starting at s[0] of the n > 0 bytes at s into *cp and returns its
 * length in bytes (1..4), or 0 when the bytes there are not valid UTF-8 (a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate, past U+10FFFF). */
size_t st__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Appends the UTF-8 form of cp (at most 4 bytes) at out; returns its length. */
size_t st__utf8_encode(uint32_t cp, char *out);

#endif
