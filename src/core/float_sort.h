/* Internal: sorting numbers by their bits: floats for bin bounds and quantile sketches,
 * scores for the metrics. */
#ifndef STRATUM_FLOAT_SORT_H
#define STRATUM_FLOAT_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts n non-NaN floats in place, ascending (-0 before +0), by an LSD radix sort (Knuth,
 * TAOCP vol. 3, 5.2.5) on order-preserving 32-bit keys: the sign bit flipped for positives,
 * every bit for negatives; four passes of 8 bits. k and t are scratch of n keys each, so
 * the sort itself never allocates. */
void st__sort_floats(float *v, size_t n, uint32_t *k, uint32_t *t);

/* The rows 0..n-1 in order of v descending, rows of equal value (-0 and +0 alike) in
 * ascending row order, into order[0..n): the order of a comparison sort by (score
 * descending, row ascending), by a stable LSD radix sort on order-preserving 64-bit keys,
 * skipping the passes whose byte is the same in every key (scores in [0, 1] share their
 * top bits). v has no NaN. k, t (n keys each) and o (n rows) are scratch. */
void st__order_desc(const double *v, size_t n, size_t *order, uint64_t *k, uint64_t *t,
                    size_t *o);

#endif
