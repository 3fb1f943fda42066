/* Internal: batch prediction by QuickScorer (Lucchese et al., "QuickScorer: a fast algorithm
 * to rank documents with additive ensembles of regression trees", SIGIR 2015), for models
 * whose trees have at most 64 leaves and only threshold splits (gbdt_predict_qs.c).
 *
 * Why: walking a tree is a chain of dependent loads and hard-to-predict branches (about 7
 * cycles a node: 500 trees of 31 leaves cost ~29,000 cycles a row). QuickScorer never walks:
 * a tree's leaves are numbered left to right and a row keeps one 64-bit word per tree, the
 * leaves still reachable. Every node whose test the row fails (it goes right) clears the
 * leaves of its left subtree; the row's leaf in the tree is then the lowest bit left (the
 * paper's Theorem 1). The failed tests are found feature by feature: a feature's nodes
 * sorted by threshold, a row fails exactly those before the first threshold >= its value,
 * a forward scan with one mispredicted branch per feature. The order of the clearing does
 * not matter (an AND), and each row still adds its trees' leaf values in tree order from
 * the initial score, so the sums are those of the tree walk, to the bit. */
#ifndef STRATUM_GBDT_PREDICT_QS_H
#define STRATUM_GBDT_PREDICT_QS_H

#include "gbdt_flat.h"

/* A node as QuickScorer sees it: the row fails its test when threshold < the value. */
typedef struct st__gbdt_qs_node {
    float threshold; /* the flat node's (float) threshold */
    uint32_t tree;
    uint64_t mask;   /* the tree's leaves minus those of the node's left subtree */
} st__gbdt_qs_node;

typedef struct st__gbdt_qs {
    size_t n_features, n_trees;
    /* feature f's nodes, by threshold ascending: nodes[node_start[f] .. node_start[f + 1]) */
    size_t *node_start;
    st__gbdt_qs_node *nodes;
    /* the nodes a missing value fails (default right), feature by feature, the same way */
    size_t *nan_start;
    st__gbdt_qs_node *nan_nodes;
    /* tree t's leaf values left to right: leaves[leaf_start[t] + position] (copies of the
     * model's doubles) */
    const size_t *leaf_start; /* the model's */
    double *leaves;
} st__gbdt_qs;

/* Builds q for m from its flat copy. 1: built; 0: the model does not qualify (a tree of
 * more than 64 leaves, a categorical or zero-as-missing node, a NaN threshold), q left
 * empty; -1: out of memory. Free with st__gbdt_qs_free (also after 0 or -1). */
int st__gbdt_qs_build(const st_gbdt *m, const st__gbdt_flat_node *flat, st__gbdt_qs *q);
void st__gbdt_qs_free(st__gbdt_qs *q);

/* The raw score of row x (m->n_features floats in the model's order): init plus each
 * tree's leaf value in tree order. reach: room for q->n_trees words (overwritten). */
double st__gbdt_qs_score(const st__gbdt_qs *q, double init, const float *x, uint64_t *reach);

/* The same for n rows at x, x + stride, ... into scores[0 .. n); reach: room for n *
 * q->n_trees words. The rows go through a feature's nodes one after the other, so that
 * those nodes are read from L1 rather than L2. */
void st__gbdt_qs_score_rows(const st__gbdt_qs *q, double init, const float *x, size_t n,
                            size_t stride, uint64_t *reach, double *scores);

#endif
