/* Radix sort of floats by their bits (float_sort.h). */
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
