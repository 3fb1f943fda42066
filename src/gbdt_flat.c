/* Gradient-boosted trees: the compact copy of the trees that batch prediction walks
 * (see gbdt_flat.h for why). */
#include "gbdt_flat.h"

#include <math.h>

#include "alloc.h"

/* The largest float <= t (NaN stays NaN, so that no value goes left, as with t). */
static float float_at_or_below(double t)
{
    float f = (float)t;
    if ((double)f > t)
        f = nextafterf(f, -INFINITY);
    return f;
}

st__gbdt_flat_node *st__gbdt_flat_build(const st_gbdt *m)
{
    const size_t n = m->node_start[m->n_trees];
    st__gbdt_flat_node *flat = st__malloc_array(n ? n : 1, sizeof *flat);
    if (flat == NULL)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        const st__gbdt_node *nd = &m->nodes[k];
        flat[k].threshold = float_at_or_below(nd->threshold);
        flat[k].feature = ((uint32_t)nd->feature & ST__GBDT_FLAT_FEATURE) |
                          (nd->cat_set != 0 ? ST__GBDT_FLAT_CAT : 0) |
                          (nd->default_left ? ST__GBDT_FLAT_DEFAULT_LEFT : 0);
        flat[k].left = nd->left;
        flat[k].right = nd->right;
    }
    return flat;
}

void st__gbdt_flat_add_tree(const st_gbdt *m, const st__gbdt_flat_node *flat, size_t t,
                            const float *x, size_t n, double *scores)
{
    const size_t nf = m->n_features;
    const double *leaves = m->leaf_values + m->leaf_start[t];
    if (m->node_start[t + 1] == m->node_start[t]) {
        for (size_t i = 0; i < n; i++)
            scores[i] += leaves[0];
        return;
    }
    const st__gbdt_flat_node *fn = flat + m->node_start[t];
    const st__gbdt_node *nodes = m->nodes + m->node_start[t];
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + i * nf;
        int32_t k = 0;
        do {
            const st__gbdt_flat_node *nd = &fn[k];
            const uint32_t f = nd->feature;
            const float v = xi[f & ST__GBDT_FLAT_FEATURE];
            int left;
            if (__builtin_expect((f & ST__GBDT_FLAT_CAT) != 0, 0))
                left = st__gbdt_goes_left(m, &nodes[k], v);
            else
                left = (v <= nd->threshold) | ((v != v) & (int)(f >> 31));
            k = left ? nd->left : nd->right;
        } while (k >= 0);
        scores[i] += leaves[~k];
    }
}
