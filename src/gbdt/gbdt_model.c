/* Gradient-boosted trees: the model object: growing its tree arrays during training,
 * freeing it, its accessors and feature importance (LightGBM
 * GBDT::FeatureImportance: split counts or total gains of the splits on each feature). */
#include "gbdt_model.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void st_gbdt_free(st_gbdt *m)
{
    if (m == NULL)
        return;
    for (size_t j = 0; m->features != NULL && j < m->n_features; j++) {
        st__free(m->features[j].name);
        for (size_t k = 0; m->features[j].levels != NULL && k < m->features[j].n_levels; k++)
            st__free(m->features[j].levels[k]);
        st__free(m->features[j].levels);
    }
    st__free(m->features);
    st__free(m->node_start);
    st__free(m->leaf_start);
    st__free(m->nodes);
    st__free(m->leaf_values);
    st__post_free(&m->post);
    st__free(m->monotone);
    st__row_sketch_free(&m->sketch);
    st__gbdt_text_free(m);
    st__free(m->cat_bits);
    st__free(m->leaf_covers);
    st__free(m);
}

/* Makes room for `more` items in *arr of *cap; 0 when out of memory. */
static int grow(void **arr, size_t *cap, size_t used, size_t more, size_t item)
{
    if (used + more <= *cap)
        return 1;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < used + more)
        cap2 *= 2;
    void *p = st__realloc_array(*arr, cap2, item);
    if (p == NULL)
        return 0;
    *arr = p;
    *cap = cap2;
    return 1;
}

/* Depth of the deepest leaf of a tree whose children come after their parents (the
 * loader checks it; so does growth), in one forward pass; SIZE_MAX when out of memory. */
static size_t tree_depth(const st__gbdt_node *nodes, size_t n_nodes)
{
    if (n_nodes == 0)
        return 0;
    size_t *depth = st__malloc_array(n_nodes, sizeof *depth), deepest = 0;
    if (depth == NULL)
        return SIZE_MAX;
    depth[0] = 0;
    for (size_t k = 0; k < n_nodes; k++) {
        const int32_t c[2] = {nodes[k].left, nodes[k].right};
        for (int i = 0; i < 2; i++) {
            if (c[i] >= 0)
                depth[c[i]] = depth[k] + 1;
            else if (depth[k] + 1 > deepest)
                deepest = depth[k] + 1;
        }
    }
    st__free(depth);
    return deepest;
}

int st__gbdt_append_tree_covers(st_gbdt *m, const st__gbdt_node *nodes,
                                const double *values, const double *covers, size_t n_leaves)
{
    const size_t n_nodes = n_leaves - 1, t = m->n_trees;
    const size_t nn = m->node_start[t], nl = m->leaf_start[t];
    size_t leaf_cap = m->leaf_cap, depth = tree_depth(nodes, n_nodes);
    if (t + 1 >= m->tree_cap || depth == SIZE_MAX ||
        !grow((void **)&m->nodes, &m->node_cap, nn, n_nodes ? n_nodes : 1, sizeof *m->nodes) ||
        !grow((void **)&m->leaf_covers, &leaf_cap, nl, n_leaves, sizeof *m->leaf_covers) ||
        !grow((void **)&m->leaf_values, &m->leaf_cap, nl, n_leaves, sizeof *m->leaf_values))
        return 0;
    if (n_nodes > 0)
        memcpy(m->nodes + nn, nodes, n_nodes * sizeof *nodes);
    memcpy(m->leaf_values + nl, values, n_leaves * sizeof *values);
    for (size_t l = 0; l < n_leaves; l++)
        m->leaf_covers[nl + l] = covers != NULL ? covers[l] : 0;
    if (covers == NULL)
        m->covers_missing = 1;
    if (depth > m->max_depth)
        m->max_depth = depth;
    m->node_start[t + 1] = nn + n_nodes;
    m->leaf_start[t + 1] = nl + n_leaves;
    m->n_trees++;
    return 1;
}

int st__gbdt_append_tree(st_gbdt *m, const st__gbdt_node *nodes, const double *values,
                         size_t n_leaves)
{
    return st__gbdt_append_tree_covers(m, nodes, values, NULL, n_leaves);
}

int st__gbdt_keep_trees(st_gbdt *m, size_t t0, size_t t1)
{
    const size_t n0 = m->node_start[t0], l0 = m->leaf_start[t0];
    const size_t nn = m->node_start[t1] - n0, nl = m->leaf_start[t1] - l0;
    size_t deepest = 0;
    for (size_t t = t0; t < t1; t++) {
        const size_t d = tree_depth(m->nodes + m->node_start[t],
                                    m->node_start[t + 1] - m->node_start[t]);
        if (d == SIZE_MAX)
            return 0;
        if (d > deepest)
            deepest = d;
    }
    memmove(m->nodes, m->nodes + n0, nn * sizeof *m->nodes);
    memmove(m->leaf_values, m->leaf_values + l0, nl * sizeof *m->leaf_values);
    memmove(m->leaf_covers, m->leaf_covers + l0, nl * sizeof *m->leaf_covers);
    for (size_t t = t0; t <= t1; t++) {
        m->node_start[t - t0] = m->node_start[t] - n0;
        m->leaf_start[t - t0] = m->leaf_start[t] - l0;
    }
    m->n_trees = t1 - t0;
    m->max_depth = deepest;
    m->params.num_trees = (int)(m->n_trees < 2147483647 ? m->n_trees : 2147483647);
    if (m->best_iteration > m->params.num_trees) /* no longer a tree of this model */
        m->best_iteration = 0;
    return 1;
}

size_t st_gbdt_n_features(const st_gbdt *m)
{
    return m != NULL ? m->n_features : 0;
}

const char *st_gbdt_feature_name(const st_gbdt *m, size_t j)
{
    return m != NULL && j < m->n_features ? m->features[j].name : NULL;
}

size_t st_gbdt_n_levels(const st_gbdt *m, size_t j)
{
    return m != NULL && j < m->n_features ? m->features[j].n_levels : 0;
}

const char *st_gbdt_level(const st_gbdt *m, size_t j, size_t k)
{
    if (m == NULL || j >= m->n_features || k >= m->features[j].n_levels)
        return NULL;
    return m->features[j].levels[k];
}

size_t st_gbdt_n_trees(const st_gbdt *m)
{
    return m != NULL ? m->n_trees : 0;
}

double st_gbdt_init_score(const st_gbdt *m)
{
    return m != NULL ? m->init_score : NAN;
}

st_status st_gbdt_feature_importance(const st_gbdt *m, st_gbdt_importance kind, double *out,
                                     size_t n_out, st_error *err)
{
    if (m == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_feature_importance: %s is NULL",
                        m == NULL ? "model" : "out");
    if (n_out < m->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_feature_importance: out has room "
                        "for %zu values, the model has %zu features", n_out, m->n_features);
    if (kind != ST_GBDT_IMPORTANCE_SPLIT && kind != ST_GBDT_IMPORTANCE_GAIN)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_feature_importance: unknown kind %d",
                        (int)kind);
    for (size_t j = 0; j < m->n_features; j++)
        out[j] = 0;
    const size_t n_nodes = m->n_trees > 0 ? m->node_start[m->n_trees] : 0;
    for (size_t k = 0; k < n_nodes; k++)
        out[m->nodes[k].feature] += kind == ST_GBDT_IMPORTANCE_SPLIT ? 1 : m->nodes[k].gain;
    return ST_OK;
}

int st_gbdt_best_iteration(const st_gbdt *m)
{
    return m != NULL ? m->best_iteration : 0;
}

double st_gbdt_best_score(const st_gbdt *m, st_gbdt_metric *metric)
{
    if (metric != NULL)
        *metric = m != NULL ? m->params.metric : ST_GBDT_METRIC_LOGLOSS;
    return m != NULL && m->best_iteration > 0 ? m->best_score : NAN;
}
