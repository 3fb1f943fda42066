/* The orderings of an explanation (stratum/explain.h): a row's features pushing its risk up
 * or down, and the ranking by mean |contribution|; ties always go to the lower index, so
 * every output lists features in the same order. */
#include <math.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "explain_impl.h"

typedef struct keyed {
    double key;
    size_t index;
} keyed;

static int by_key_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

void st__explain_rank(const double *key, size_t n, size_t *order)
{
    keyed *k = st__malloc_array(n ? n : 1, sizeof *k);
    if (k == NULL) { /* unsorted rather than nothing */
        for (size_t j = 0; j < n; j++)
            order[j] = j;
        return;
    }
    for (size_t j = 0; j < n; j++)
        k[j].key = isnan(key[j]) ? -INFINITY : key[j], k[j].index = j;
    qsort(k, n, sizeof *k, by_key_desc);
    for (size_t j = 0; j < n; j++)
        order[j] = k[j].index;
    st__free(k);
}

size_t st_explanation_pushing(const st_explanation *ex, size_t k, int up, size_t top,
                              size_t *order)
{
    if (ex == NULL || order == NULL || k >= ex->n_rows)
        return 0;
    const size_t nf = ex->n_features;
    const double *c = ex->contrib + k * (nf + 1), dir = up ? 1 : -1;
    double *key = st__malloc_array(nf ? nf : 1, sizeof *key);
    size_t *all = st__malloc_array(nf ? nf : 1, sizeof *all), n = 0;
    if (key != NULL && all != NULL) {
        for (size_t j = 0; j < nf; j++)
            key[j] = dir * c[j];
        st__explain_rank(key, nf, all);
        while (n < nf && n < top && key[all[n]] > 0) {
            order[n] = all[n];
            n++;
        }
    }
    st__free(key), st__free(all);
    return n;
}

size_t st_explanation_ranking(const st_explanation *ex, size_t *order)
{
    if (ex == NULL || order == NULL || ex->mean_abs == NULL)
        return 0;
    st__explain_rank(ex->mean_abs, ex->n_features, order);
    return ex->n_features;
}
