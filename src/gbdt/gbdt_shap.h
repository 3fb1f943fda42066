/* Internal: TreeSHAP (gbdt_shap.c) shared by the contributions, the interaction values
 * (gbdt_shap_interactions.c) and their batch drivers (gbdt_shap_batch.c). */
#ifndef STRATUM_GBDT_SHAP_H
#define STRATUM_GBDT_SHAP_H

#include "gbdt_model.h"

/* One element of the path of Algorithm 2: a feature split on between the root and the
 * current node, the share of the training cover that follows the path when the feature is
 * unknown (zero) and whether the row itself follows it (one, 0 or 1), and the weight of
 * the subsets of path features of each size (w, indexed by position). */
typedef struct st__shap_path {
    double zero, one, w;
    int32_t feature; /* -1 for the root's placeholder */
} st__shap_path;

/* The stack of the traversal: one frame per internal node from the root down. */
typedef struct st__shap_frame {
    double iz, io;              /* zero and one fractions of this node's feature, if it was
                                   already on the path (then unwound), else 1 */
    double hot_frac, cold_frac; /* cover of each child / cover of the node */
    double hot_cond, cold_cond; /* the conditioning weight each child inherits */
    int32_t hot, cold, feature;
    int32_t ud;                 /* index of the last element of this frame's path */
    int stage;                  /* 0: hot child next, 1: cold child next, 2: done */
} st__shap_frame;

/* Working memory carved from the caller's scratch. */
typedef struct st__shap_work {
    st__shap_frame *frames;   /* max_depth + 1 */
    st__shap_path *path;      /* (max_depth + 2) segments of width elements */
    size_t width;
    double *mean;             /* expected value below each node of one tree */
    double *phi, *on, *off;   /* n_features + 1 each: for the interactions */
    int32_t *used;            /* the features one tree splits on */
    uint8_t *mark;            /* n_features flags */
    int have_bias;            /* bias below is set (batch: computed once for all rows) */
    double bias;              /* init_score + the sum of the trees' expected values */
} st__shap_work;

/* Bytes of scratch for m (0 on overflow), and carving it (0 when too small). */
size_t st__shap_scratch_size(const st_gbdt *m);
int st__shap_work_carve(const st_gbdt *m, void *scratch, size_t size, st__shap_work *w);

/* ST_ERR_INVALID_ARG when m cannot be explained (no covers); ST_OK otherwise. */
st_status st__shap_check_model(const st_gbdt *m, const char *fn, st_error *err);

/* Adds tree t's SHAP values for row x to phi[0..n_features). With cond = 0 the plain
 * values; with cond = +1 (-1) those of the game in which feature cfeat is always known
 * (always unknown); cfeat itself then gets nothing. */
void st__shap_tree(const st_gbdt *m, size_t t, const float *x, st__shap_work *w, double *phi,
                   int32_t cfeat, int cond);

/* init_score + the sum over trees of E[f_t], in tree order. */
double st__shap_bias(const st_gbdt *m, st__shap_work *w);

/* The row's contributions (out: n_features + 1, bias last) and interaction values (out:
 * (n_features + 1)^2). Arguments are not checked. */
void st__shap_contrib_row(const st_gbdt *m, const float *x, st__shap_work *w, double *out);
void st__shap_interactions_row(const st_gbdt *m, const float *x, st__shap_work *w,
                               double *out);

#endif
