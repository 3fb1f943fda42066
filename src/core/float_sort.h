/* Internal: sorting floats by their bits, for bin bounds and quantile sketches. */
#ifndef STRATUM_FLOAT_SORT_H
#define STRATUM_FLOAT_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts n non-NaN floats in place, ascending (-0 before +0), by an LSD radix sort (Knuth,
 * TAOCP vol. 3, 5.2.5) on order-preserving 32-bit keys: the sign bit flipped for positives,
 * every bit for negatives; four passes of 8 bits. k and t are scratch of n keys each, so
 * the sort itself never allocates. */
void st__sort_floats(float *v, size_t n, uint32_t *k, uint32_t *t);

#endif
