/* SHAP interaction values (Lundberg, Erion and Lee 2018, section 4): for i != j,
 *
 *     Phi[i][j] = (phi_j with i always known - phi_j with i always unknown) / 2,
 *
 * the Shapley interaction index of Fujimoto, Kojadinovic and Marichal (2006) split evenly
 * between i and j, and Phi[i][i] = phi_i - sum_{j != i} Phi[i][j]. The conditioned phi_j
 * come from TreeSHAP with feature i taken off the path (st__shap_tree with cond = +1 or
 * -1). A tree that never splits on i gives the same phi_j both ways, so only the features
 * of each tree are conditioned on, tree by tree. */
#include "gbdt_shap.h"

void st__shap_interactions_row(const st_gbdt *m, const float *x, st__shap_work *w,
                               double *out)
{
    const size_t nf = m->n_features, side = nf + 1;
    st__shap_contrib_row(m, x, w, w->phi);
    for (size_t k = 0; k < side * side; k++)
        out[k] = 0;
    for (size_t j = 0; j < nf; j++)
        w->mark[j] = 0;
    for (size_t t = 0; t < m->n_trees; t++) {
        /* the features this tree splits on, in order of first use */
        size_t n_used = 0;
        for (size_t k = m->node_start[t]; k < m->node_start[t + 1]; k++) {
            const int32_t f = m->nodes[k].feature;
            if (!w->mark[f]) {
                w->mark[f] = 1;
                w->used[n_used++] = f;
            }
        }
        for (size_t a = 0; a < n_used; a++) {
            const int32_t i = w->used[a];
            for (size_t b = 0; b < n_used; b++)
                w->on[w->used[b]] = w->off[w->used[b]] = 0;
            st__shap_tree(m, t, x, w, w->on, i, +1);
            st__shap_tree(m, t, x, w, w->off, i, -1);
            double *row = out + (size_t)i * side;
            for (size_t b = 0; b < n_used; b++) {
                const int32_t j = w->used[b];
                if (j != i)
                    row[j] += (w->on[j] - w->off[j]) / 2;
            }
        }
        for (size_t a = 0; a < n_used; a++)
            w->mark[w->used[a]] = 0;
    }
    for (size_t i = 0; i < nf; i++) {
        double *row = out + i * side, rest = 0;
        for (size_t j = 0; j < nf; j++)
            if (j != i)
                rest += row[j];
        row[i] = w->phi[i] - rest;
    }
    out[nf * side + nf] = w->phi[nf];
}
