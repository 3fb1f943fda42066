/* Internal: a compact copy of a model's trees for batch prediction (gbdt_flat.c).
 * st__gbdt_node is 48 bytes, most of which (gain, cover, category set) a tree walk never
 * reads: 500 trees of 31 leaves take 720 KB, more than this machine's L2 cache. The flat
 * copy keeps what the walk needs in 12 bytes a node, and batch prediction walks a block
 * of rows through one tree at a time, so that the tree stays in L1 while the block's rows
 * go through it. The answers are those of st__gbdt_tree_value, to the bit. */
#ifndef STRATUM_GBDT_FLAT_H
#define STRATUM_GBDT_FLAT_H

#include "gbdt_model.h"

/* Node k of tree t is flat[node_start[t] + k], as in the model. Two rows go down a tree
 * side by side (two independent chains of loads), 20% faster than one at a time on 500
 * trees of 31 leaves; three, four or eight were slower (lossguide trees are uneven, and
 * the group waits for its deepest row). */
typedef struct st__gbdt_flat_node {
    /* The largest float <= the node's (double) threshold: for a float v, v <= threshold
     * exactly when (double)v <= the node's threshold, which is the model's rule. */
    float threshold;
    /* Bits 0..29: the feature; bit 30: a node with a nonzero cat_set, categorical or
     * LightGBM's zero-as-missing (routed by the model's node with st__gbdt_goes_left);
     * bit 31: default_left. */
    uint32_t feature;
    int32_t left, right; /* as st__gbdt_node: >= 0 a node, < 0 leaf ~child */
} st__gbdt_flat_node;

#define ST__GBDT_FLAT_FEATURE 0x3fffffffu
#define ST__GBDT_FLAT_CAT 0x40000000u
#define ST__GBDT_FLAT_DEFAULT_LEFT 0x80000000u

/* A flat copy of m's trees (st__malloc'd; NULL when out of memory). The caller frees it
 * with st__free. */
st__gbdt_flat_node *st__gbdt_flat_build(const st_gbdt *m);

/* scores[i] += the value of tree t for row i (x: n rows of m->n_features floats, in the
 * model's feature order), for i in [0, n). flat: st__gbdt_flat_build(m). */
void st__gbdt_flat_add_tree(const st_gbdt *m, const st__gbdt_flat_node *flat, size_t t,
                            const float *x, size_t n, double *scores);

#endif
