/* Gradient-boosted trees: the compact copy of the trees that batch prediction walks
 * (see gbdt_flat.h for why). */
#include "gbdt_flat.h"

#include <math.h>

#include "core/alloc.h"

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

/* Node k's child for row xi (nodes: the model's nodes of the tree, read for categorical
 * nodes only). */
static inline int32_t flat_step(const st_gbdt *m, const st__gbdt_flat_node *fn,
                                const st__gbdt_node *nodes, int32_t k, const float *xi)
{
    const st__gbdt_flat_node *nd = &fn[k];
    const uint32_t f = nd->feature;
    const float v = xi[f & ST__GBDT_FLAT_FEATURE];
    int left;
    if (__builtin_expect((f & ST__GBDT_FLAT_CAT) != 0, 0))
        left = st__gbdt_goes_left(m, &nodes[k], v);
    else
        left = (v <= nd->threshold) | ((v != v) & (int)(f >> 31));
    return left ? nd->left : nd->right;
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
    size_t i = 0;
    /* two rows side by side while both are in the tree: independent chains of loads */
    for (; i + 2 <= n; i += 2) {
        const float *x0 = x + i * nf, *x1 = x0 + nf;
        int32_t k0 = 0, k1 = 0;
        do {
            k0 = flat_step(m, fn, nodes, k0, x0);
            k1 = flat_step(m, fn, nodes, k1, x1);
        } while ((k0 | k1) >= 0);
        while (k0 >= 0)
            k0 = flat_step(m, fn, nodes, k0, x0);
        while (k1 >= 0)
            k1 = flat_step(m, fn, nodes, k1, x1);
        scores[i] += leaves[~k0];
        scores[i + 1] += leaves[~k1];
    }
    for (; i < n; i++) {
        int32_t k = 0;
        do
            k = flat_step(m, fn, nodes, k, x + i * nf);
        while (k >= 0);
        scores[i] += leaves[~k];
    }
}
