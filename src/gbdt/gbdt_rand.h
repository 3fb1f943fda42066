/* Internal: the random numbers of gradient-boosted trees (bagging, feature sampling,
 * the binning sample): splitmix64 (Steele, Lea, Flood 2014), seeded per use. */
#ifndef STRATUM_GBDT_RAND_H
#define STRATUM_GBDT_RAND_H

#include <stdint.h>

static inline uint64_t st__gbdt_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 bits. */
static inline double st__gbdt_rand_unit(uint64_t *state)
{
    return (double)(st__gbdt_rand(state) >> 11) * 0x1.0p-53;
}

#endif
