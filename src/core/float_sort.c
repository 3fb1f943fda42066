/* Radix sorts of numbers by their bits (float_sort.h). */
#include "float_sort.h"

#include <string.h>

void st__sort_floats(float *v, size_t n, uint32_t *k, uint32_t *t)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], sizeof u);
        k[i] = (u & 0x80000000u) ? ~u : u | 0x80000000u;
    }
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((k[i] >> shift) & 255u) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            t[count[(k[i] >> shift) & 255u]++] = k[i];
        uint32_t *swap = k;
        k = t;
        t = swap;
    }
    for (size_t i = 0; i < n; i++) { /* four passes: the sorted keys are back in k */
        uint32_t u = (k[i] & 0x80000000u) ? k[i] & 0x7fffffffu : ~k[i];
        memcpy(&v[i], &u, sizeof u);
    }
}

void st__order_desc(const double *v, size_t n, size_t *order, uint64_t *k, uint64_t *t,
                    size_t *o)
{
    const uint64_t sign = (uint64_t)1 << 63;
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        const double x = v[i] + 0.0; /* -0 becomes +0: equal values, one key */
        uint64_t u;
        memcpy(&u, &x, sizeof u);
        k[i] = ~((u & sign) ? ~u : u | sign); /* ascending keys of descending values */
        order[i] = i;
        all_or |= k[i], all_and &= k[i];
    }
    for (int shift = 0; shift < 64; shift += 8) {
        if ((((all_or ^ all_and) >> shift) & 255u) == 0)
            continue; /* every key has this byte: the pass would not move a row */
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((k[i] >> shift) & 255u) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            const size_t at = count[(k[i] >> shift) & 255u]++;
            t[at] = k[i];
            o[at] = order[i];
        }
        memcpy(k, t, n * sizeof *k);
        memcpy(order, o, n * sizeof *order);
    }
}
