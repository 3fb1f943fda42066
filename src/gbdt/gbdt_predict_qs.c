/* Gradient-boosted trees: batch prediction by QuickScorer (see gbdt_predict_qs.h for the
 * method and why its sums are the tree walk's). */
#include "gbdt_predict_qs.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

enum { QS_MAX_LEAVES = 64 };

/* Leaves lo .. hi - 1 (hi <= 64) as bits. */
static uint64_t bits_between(unsigned lo, unsigned hi)
{
    const uint64_t below_hi = hi >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1;
    return below_hi & ~(((uint64_t)1 << lo) - 1);
}

/* One tree's walk in order (left subtree, node, right subtree): numbers its leaves left to
 * right into leaf_at (the model's leaf index of each position) and gives each node the mask
 * of the leaves outside its left subtree. 0, or -1 when the tree does not qualify (more
 * than 64 leaves, a node reached twice or out of range, a leaf out of range). */
typedef struct tree_walk {
    const st__gbdt_flat_node *fn;
    size_t n_nodes, n_leaves;
    unsigned pos;
    int32_t leaf_at[QS_MAX_LEAVES];
    uint64_t *mask;      /* n_nodes */
    unsigned char *seen; /* n_nodes */
} tree_walk;

static int walk(tree_walk *w, int32_t k, int depth)
{
    if (k < 0) {
        if (w->pos >= QS_MAX_LEAVES || (size_t)~k >= w->n_leaves)
            return -1;
        w->leaf_at[w->pos++] = ~k;
        return 0;
    }
    if ((size_t)k >= w->n_nodes || w->seen[k] || depth >= QS_MAX_LEAVES)
        return -1;
    w->seen[k] = 1;
    const unsigned lo = w->pos;
    if (walk(w, w->fn[k].left, depth + 1) != 0)
        return -1;
    w->mask[k] = ~bits_between(lo, w->pos);
    return walk(w, w->fn[k].right, depth + 1);
}

/* Feature order, then threshold ascending, then tree: a fixed order (the result does not
 * depend on it; the scan needs the thresholds sorted). */
static int by_threshold(const void *a, const void *b)
{
    const st__gbdt_qs_node *x = a, *y = b;
    if (x->threshold != y->threshold)
        return x->threshold < y->threshold ? -1 : 1;
    return (x->tree > y->tree) - (x->tree < y->tree);
}

/* The nodes of features' lists (nan: only those a missing value fails), grouped by
 * feature into start[0 .. n_features] and sorted within each feature. */
static int list_nodes(const st_gbdt *m, const st__gbdt_flat_node *flat, const uint64_t *mask,
                      int nan, size_t **start, st__gbdt_qs_node **out)
{
    const size_t nf = m->n_features, n = m->node_start[m->n_trees];
    size_t *s = st__calloc(nf + 2, sizeof *s);
    st__gbdt_qs_node *nodes = st__malloc_array(n ? n : 1, sizeof *nodes);
    *start = s;
    *out = nodes;
    if (s == NULL || nodes == NULL)
        return -1;
    for (size_t k = 0; k < n; k++)
        if (!nan || !(flat[k].feature & ST__GBDT_FLAT_DEFAULT_LEFT))
            s[(flat[k].feature & ST__GBDT_FLAT_FEATURE) + 2]++;
    for (size_t f = 2; f < nf + 2; f++)
        s[f] += s[f - 1];
    for (size_t t = 0; t < m->n_trees; t++)
        for (size_t k = m->node_start[t]; k < m->node_start[t + 1]; k++) {
            if (nan && (flat[k].feature & ST__GBDT_FLAT_DEFAULT_LEFT))
                continue;
            const size_t at = s[(flat[k].feature & ST__GBDT_FLAT_FEATURE) + 1]++;
            nodes[at] = (st__gbdt_qs_node){flat[k].threshold, (uint32_t)t, mask[k]};
        }
    for (size_t f = 0; f < nf; f++)
        qsort(nodes + s[f], s[f + 1] - s[f], sizeof *nodes, by_threshold);
    return 0;
}

/* 1 when every node is a threshold split on a feature of the model with a threshold that
 * is not NaN, and the trees are few enough for 32-bit tree numbers. */
static int nodes_qualify(const st_gbdt *m, const st__gbdt_flat_node *flat)
{
    if (m->n_trees > UINT32_MAX)
        return 0;
    for (size_t k = 0; k < m->node_start[m->n_trees]; k++)
        if ((flat[k].feature & ST__GBDT_FLAT_CAT) || flat[k].threshold != flat[k].threshold ||
            (flat[k].feature & ST__GBDT_FLAT_FEATURE) >= m->n_features)
            return 0;
    return 1;
}

/* The masks of every node and the leaf values left to right; 1, 0 (does not qualify) or
 * -1 (out of memory). */
static int number_leaves(const st_gbdt *m, const st__gbdt_flat_node *flat, uint64_t *mask,
                         st__gbdt_qs *q)
{
    const size_t n = m->node_start[m->n_trees];
    unsigned char *seen = st__calloc(n ? n : 1, 1);
    q->leaves = st__malloc_array(m->leaf_start[m->n_trees] ? m->leaf_start[m->n_trees] : 1,
                                 sizeof *q->leaves);
    if (seen == NULL || q->leaves == NULL) {
        st__free(seen);
        return -1;
    }
    int ok = 1;
    for (size_t t = 0; ok && t < m->n_trees; t++) {
        const size_t k0 = m->node_start[t], n_leaves = m->leaf_start[t + 1] - m->leaf_start[t];
        const double *values = m->leaf_values + m->leaf_start[t];
        if (m->node_start[t + 1] == k0) { /* a single leaf: position 0, never cleared */
            ok = n_leaves >= 1;
            if (ok)
                q->leaves[m->leaf_start[t]] = values[0];
            continue;
        }
        tree_walk w = {flat + k0, m->node_start[t + 1] - k0, n_leaves, 0, {0}, mask + k0,
                       seen + k0};
        ok = walk(&w, 0, 0) == 0 && w.pos <= n_leaves; /* a leaf reached twice: no room */
        for (unsigned p = 0; ok && p < w.pos; p++)
            q->leaves[m->leaf_start[t] + p] = values[w.leaf_at[p]];
        for (size_t k = 0; ok && k < w.n_nodes; k++)
            ok = w.seen[k]; /* every node reached from the root */
    }
    st__free(seen);
    return ok;
}

int st__gbdt_qs_build(const st_gbdt *m, const st__gbdt_flat_node *flat, st__gbdt_qs *q)
{
    memset(q, 0, sizeof *q);
    if (!nodes_qualify(m, flat))
        return 0;
    const size_t n = m->node_start[m->n_trees];
    uint64_t *mask = st__malloc_array(n ? n : 1, sizeof *mask);
    if (mask == NULL)
        return -1;
    int rc = number_leaves(m, flat, mask, q);
    if (rc == 1 && (list_nodes(m, flat, mask, 0, &q->node_start, &q->nodes) != 0 ||
                    list_nodes(m, flat, mask, 1, &q->nan_start, &q->nan_nodes) != 0))
        rc = -1;
    st__free(mask);
    if (rc != 1) {
        st__gbdt_qs_free(q);
        return rc;
    }
    q->n_features = m->n_features;
    q->n_trees = m->n_trees;
    q->leaf_start = m->leaf_start;
    return 1;
}

void st__gbdt_qs_free(st__gbdt_qs *q)
{
    st__free(q->node_start);
    st__free(q->nodes);
    st__free(q->nan_start);
    st__free(q->nan_nodes);
    st__free(q->leaves);
    memset(q, 0, sizeof *q);
}

/* Clears in reach (one word a tree) the leaves of the nodes of feature f that value v
 * fails. */
static inline void fail_nodes(const st__gbdt_qs *q, size_t f, float v, uint64_t *reach)
{
    if (v == v) { /* fails the nodes of threshold < v, the first ones of the list */
        const st__gbdt_qs_node *nd = q->nodes + q->node_start[f];
        const st__gbdt_qs_node *end = q->nodes + q->node_start[f + 1];
        for (; nd < end && nd->threshold < v; nd++)
            reach[nd->tree] &= nd->mask;
    } else { /* missing: fails the nodes that send it right */
        const st__gbdt_qs_node *nd = q->nan_nodes + q->nan_start[f];
        const st__gbdt_qs_node *end = q->nan_nodes + q->nan_start[f + 1];
        for (; nd < end; nd++)
            reach[nd->tree] &= nd->mask;
    }
}

double st__gbdt_qs_score(const st__gbdt_qs *q, double init, const float *x, uint64_t *reach)
{
    double s;
    st__gbdt_qs_score_rows(q, init, x, 1, q->n_features, reach, &s);
    return s;
}

void st__gbdt_qs_score_rows(const st__gbdt_qs *q, double init, const float *x, size_t n,
                            size_t stride, uint64_t *reach, double *scores)
{
    const size_t nt = q->n_trees;
    memset(reach, 0xff, n * nt * sizeof *reach);
    /* feature by feature, every row: the feature's nodes stay in L1 across the rows */
    for (size_t f = 0; f < q->n_features; f++)
        for (size_t r = 0; r < n; r++)
            fail_nodes(q, f, x[r * stride + f], reach + r * nt);
    for (size_t r = 0; r < n; r++)
        scores[r] = init;
    /* tree by tree, every row: each row's sum in tree order, the rows' sums side by side */
    for (size_t t = 0; t < nt; t++) {
        const double *leaves = q->leaves + q->leaf_start[t];
        for (size_t r = 0; r < n; r++)
            scores[r] += leaves[__builtin_ctzll(reach[r * nt + t])];
    }
}
