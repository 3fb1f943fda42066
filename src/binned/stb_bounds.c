/* Bins of the binned file from pass-1 statistics, by the rules of in-memory binning
 * (st__gbdt_find_bounds, gbdt_bin.c) on the distinct values with their counts. A numeric
 * column's counts come from its quantile summary: entry i stands for the weight between
 * the estimated cumulative weights of entries i - 1 and i, the estimate being the middle
 * of [rmin + wmin, rmax] (exactly rmax, the true cumulative count, when the summary is
 * exact, so the counts are then the true ones and the bounds those of in-memory binning
 * of all rows). */
#include "stb_impl.h"

#include "core/alloc.h"

int st__stb_bounds_from_summary(const st__qsummary *s, int max_bin, double *bounds)
{
    const size_t k = s->n;
    float *v = st__malloc_array(k ? k : 1, sizeof *v);
    double *c = st__malloc_array(k ? k : 1, sizeof *c);
    int nb = -1;
    if (v != NULL && c != NULL) {
        double prev = 0;
        for (size_t i = 0; i < k; i++) {
            const st__qentry *e = &s->e[i];
            const double cum = (e->rmin + e->wmin + e->rmax) / 2;
            v[i] = (float)e->value;
            c[i] = cum - prev;
            prev = cum;
        }
        nb = st__gbdt_find_bounds(v, c, k, max_bin, bounds);
    }
    st__free(v);
    st__free(c);
    return nb;
}

int st__stb_bounds_from_counts(const size_t *counts, size_t k, int max_bin, double *bounds)
{
    float *v = st__malloc_array(k ? k : 1, sizeof *v);
    double *c = st__malloc_array(k ? k : 1, sizeof *c);
    int nb = -1;
    if (v != NULL && c != NULL) {
        size_t m = 0;
        for (size_t i = 0; i < k; i++) {
            if (counts[i] == 0)
                continue;
            v[m] = (float)i;
            c[m++] = (double)counts[i];
        }
        nb = st__gbdt_find_bounds(v, c, m, max_bin, bounds);
    }
    st__free(v);
    st__free(c);
    return nb;
}
