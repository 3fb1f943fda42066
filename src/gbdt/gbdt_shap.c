/* TreeSHAP: exact SHAP values of one tree for one row in polynomial time, Lundberg, Erion
 * and Lee, "Consistent individualized feature attribution for tree ensembles" (2018),
 * Algorithm 2.
 *
 * The value of a set S of known features is E[f(x) | x_S]: descend the tree, following
 * the row at splits on features in S and both children, weighted by their share of the
 * node's cover, at the others. Walking every root-to-leaf path once, the algorithm keeps
 * for the path's features (each once: a feature met again is first removed, "unwound")
 * the weights w[k] = sum over subsets of size k of the Shapley weight times the product
 * of the fractions of the path's features in and out of the subset. Entering a child
 * EXTENDs the path by the parent's feature with zero = (child cover / node cover, times
 * the share carried from an earlier split on the same feature) and one = 1 if the row
 * goes there (0 if not). At a leaf of value v, feature i of the path gets
 * (sum of the weights with i UNWOUND) * (one_i - zero_i) * v.
 *
 * The recursion of the paper runs here on an explicit stack (a loaded model may hold a
 * tree 131071 levels deep), with each level's path copied into its own segment so that
 * both children start from the same one. Subtrees reached with zero = one = 0 add
 * nothing and are skipped (their weights are all 0, and unwinding them would divide 0 by
 * 0). The tree's expected value, the bias, is computed bottom-up with the same fractions. */
#include "gbdt_shap.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Share of node nd's cover that went to the child c; half each when the node had none. */
static double child_fraction(const st_gbdt *m, size_t t, const st__gbdt_node *nd, int32_t c)
{
    const double cc = c >= 0 ? m->nodes[m->node_start[t] + (size_t)c].cover
                             : m->leaf_covers[m->leaf_start[t] + (size_t)~c];
    return nd->cover > 0 ? cc / nd->cover : 0.5;
}

/* Appends (feature, zero, one) to path[0..ud) as element ud and updates the weights. */
static void extend(st__shap_path *p, int32_t ud, double zero, double one, int32_t feature)
{
    p[ud] = (st__shap_path){.zero = zero, .one = one, .w = ud == 0 ? 1 : 0, .feature = feature};
    const double n = ud + 1;
    for (int32_t i = ud - 1; i >= 0; i--) {
        p[i + 1].w += one * p[i].w * (i + 1) / n;
        p[i].w = zero * p[i].w * (ud - i) / n;
    }
}

/* Removes element k from path[0..ud] (inverting its extension). */
static void unwind(st__shap_path *p, int32_t ud, int32_t k)
{
    const double one = p[k].one, zero = p[k].zero, n = ud + 1;
    double next = p[ud].w;
    for (int32_t j = ud - 1; j >= 0; j--) {
        if (one != 0) {
            const double t = p[j].w;
            p[j].w = next * n / ((j + 1) * one);
            next = t - p[j].w * zero * (ud - j) / n;
        } else {
            p[j].w = p[j].w * n / (zero * (ud - j));
        }
    }
    for (int32_t j = k; j < ud; j++) {
        p[j].zero = p[j + 1].zero;
        p[j].one = p[j + 1].one;
        p[j].feature = p[j + 1].feature;
    }
}

/* The sum of the weights that unwind(p, ud, k) would leave, without changing p. */
static double unwound_sum(const st__shap_path *p, int32_t ud, int32_t k)
{
    const double one = p[k].one, zero = p[k].zero, n = ud + 1;
    double next = p[ud].w, total = 0;
    for (int32_t j = ud - 1; j >= 0; j--) {
        if (one != 0) {
            const double w = next * n / ((j + 1) * one);
            total += w;
            next = p[j].w - w * zero * (ud - j) / n;
        } else {
            total += p[j].w * n / (zero * (ud - j));
        }
    }
    return total;
}

/* Sets up frame f for node k whose path (in place, last index ud) has just been extended:
 * unwinds the node's feature if it is already on the path and chooses hot and cold. */
static void enter_node(const st_gbdt *m, size_t t, const float *x, int32_t k,
                       st__shap_path *path, int32_t ud, double cond_frac, int32_t cfeat,
                       int cond, st__shap_frame *f)
{
    const st__gbdt_node *nd = &m->nodes[m->node_start[t] + (size_t)k];
    const int left = st__gbdt_goes_left(m, nd, x[nd->feature]);
    f->hot = left ? nd->left : nd->right;
    f->cold = left ? nd->right : nd->left;
    f->feature = nd->feature;
    f->hot_frac = child_fraction(m, t, nd, f->hot);
    f->cold_frac = child_fraction(m, t, nd, f->cold);
    f->iz = f->io = 1;
    for (int32_t i = 1; i <= ud; i++)
        if (path[i].feature == nd->feature) {
            f->iz = path[i].zero;
            f->io = path[i].one;
            unwind(path, ud, i);
            ud--;
            break;
        }
    f->ud = ud;
    f->hot_cond = f->cold_cond = cond_frac;
    if (cond != 0 && nd->feature == cfeat) {
        if (cond > 0) {
            f->cold_cond = 0;
        } else {
            f->hot_cond *= f->hot_frac;
            f->cold_cond *= f->cold_frac;
        }
    }
    f->stage = 0;
}

/* Leaf with value v reached by path[0..ud]: each path feature's share. */
static void at_leaf(const st__shap_path *path, int32_t ud, double v, double cond_frac,
                    double *phi)
{
    for (int32_t i = 1; i <= ud; i++) {
        const st__shap_path *e = &path[i];
        if (e->one == e->zero) /* adds nothing; 0 / 0 when both are 0 */
            continue;
        phi[e->feature] += unwound_sum(path, ud, i) * (e->one - e->zero) * v * cond_frac;
    }
}

void st__shap_tree(const st_gbdt *m, size_t t, const float *x, st__shap_work *w, double *phi,
                   int32_t cfeat, int cond)
{
    if (m->node_start[t + 1] == m->node_start[t])
        return; /* a single leaf: every feature gets 0 */
    const double *leaves = m->leaf_values + m->leaf_start[t];
    const size_t W = w->width;
    st__shap_frame *fr = w->frames;
    /* the root: a placeholder element for the empty path */
    w->path[0] = (st__shap_path){.zero = 1, .one = 1, .w = 1, .feature = -1};
    enter_node(m, t, x, 0, w->path, 0, 1, cfeat, cond, &fr[0]);
    long d = 0;
    while (d >= 0) {
        st__shap_frame *f = &fr[d];
        int32_t child;
        double zero, one, cf;
        if (f->stage == 0) {
            child = f->hot;
            zero = f->iz * f->hot_frac;
            one = f->io;
            cf = f->hot_cond;
        } else if (f->stage == 1) {
            child = f->cold;
            zero = f->iz * f->cold_frac;
            one = 0;
            cf = f->cold_cond;
        } else {
            d--;
            continue;
        }
        f->stage++;
        if (cf == 0 || (zero == 0 && one == 0))
            continue;
        const st__shap_path *src = w->path + (size_t)d * W;
        st__shap_path *dst = w->path + (size_t)(d + 1) * W;
        int32_t ud = f->ud;
        memcpy(dst, src, (size_t)(ud + 1) * sizeof *dst);
        if (cond == 0 || f->feature != cfeat)
            extend(dst, ++ud, zero, one, f->feature);
        if (child < 0) {
            at_leaf(dst, ud, leaves[~child], cf, phi);
            continue;
        }
        enter_node(m, t, x, child, dst, ud, cf, cfeat, cond, &fr[d + 1]);
        d++;
    }
}

/* E[f_t]: each leaf's value weighted by the product of the cover fractions above it,
 * bottom-up (children come after their parents). mean: the tree's node count. */
static double tree_expectation(const st_gbdt *m, size_t t, double *mean)
{
    const size_t n0 = m->node_start[t], n_nodes = m->node_start[t + 1] - n0;
    const double *leaves = m->leaf_values + m->leaf_start[t];
    if (n_nodes == 0)
        return leaves[0];
    for (size_t k = n_nodes; k-- > 0;) {
        const st__gbdt_node *nd = &m->nodes[n0 + k];
        const double l = nd->left >= 0 ? mean[nd->left] : leaves[~nd->left];
        const double r = nd->right >= 0 ? mean[nd->right] : leaves[~nd->right];
        mean[k] = child_fraction(m, t, nd, nd->left) * l + child_fraction(m, t, nd, nd->right) * r;
    }
    return mean[0];
}

double st__shap_bias(const st_gbdt *m, st__shap_work *w)
{
    double bias = m->init_score;
    for (size_t t = 0; t < m->n_trees; t++)
        bias += tree_expectation(m, t, w->mean);
    return bias;
}

void st__shap_contrib_row(const st_gbdt *m, const float *x, st__shap_work *w, double *out)
{
    const size_t nf = m->n_features;
    for (size_t j = 0; j < nf; j++)
        out[j] = 0;
    for (size_t t = 0; t < m->n_trees; t++)
        st__shap_tree(m, t, x, w, out, -1, 0);
    out[nf] = w->have_bias ? w->bias : st__shap_bias(m, w);
}

/* ---- scratch ---- */

static size_t round16(size_t n, int *ovf)
{
    if (n > SIZE_MAX - 15)
        *ovf = 1;
    return (n + 15) & ~(size_t)15;
}

/* Byte sizes of the scratch's parts, in carving order; their sum. */
static size_t parts(const st_gbdt *m, size_t sizes[7])
{
    int ovf = 0;
    const size_t D = m->max_depth, nf = m->n_features;
    size_t max_nodes = 1;
    for (size_t t = 0; t < m->n_trees; t++)
        if (m->node_start[t + 1] - m->node_start[t] > max_nodes)
            max_nodes = m->node_start[t + 1] - m->node_start[t];
    /* a path holds the placeholder and each distinct feature above the node once */
    const size_t width = (D < nf ? D : nf) + 2;
    sizes[0] = st__mul_size(D + 1, sizeof(st__shap_frame), &ovf);
    sizes[1] = st__mul_size(st__mul_size(D + 2, width, &ovf), sizeof(st__shap_path), &ovf);
    sizes[2] = st__mul_size(max_nodes, sizeof(double), &ovf);
    sizes[3] = st__mul_size(st__mul_size(nf + 1, 3, &ovf), sizeof(double), &ovf);
    sizes[4] = st__mul_size(nf + 1, sizeof(int32_t), &ovf);
    sizes[5] = nf + 1;
    sizes[6] = width;
    size_t total = 0;
    for (int i = 0; i < 6; i++) {
        sizes[i] = round16(sizes[i], &ovf);
        if (total > SIZE_MAX - sizes[i])
            ovf = 1;
        total += sizes[i];
    }
    return ovf ? 0 : total;
}

size_t st__shap_scratch_size(const st_gbdt *m)
{
    size_t sizes[7];
    return parts(m, sizes);
}

int st__shap_work_carve(const st_gbdt *m, void *scratch, size_t size, st__shap_work *w)
{
    size_t sizes[7];
    const size_t total = parts(m, sizes);
    if (total == 0 || size < total || scratch == NULL)
        return 0;
    char *p = scratch;
    w->frames = (st__shap_frame *)(void *)p;
    p += sizes[0];
    w->path = (st__shap_path *)(void *)p;
    p += sizes[1];
    w->mean = (double *)(void *)p;
    p += sizes[2];
    w->phi = (double *)(void *)p;
    w->on = w->phi + m->n_features + 1;
    w->off = w->on + m->n_features + 1;
    p += sizes[3];
    w->used = (int32_t *)(void *)p;
    p += sizes[4];
    w->mark = (uint8_t *)p;
    w->width = sizes[6];
    w->have_bias = 0;
    w->bias = 0;
    return 1;
}

st_status st__shap_check_model(const st_gbdt *m, const char *fn, st_error *err)
{
    if (m->covers_missing)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: the model has no node covers (its file "
                        "was written before stratum stored them); train it again to explain "
                        "it", fn);
    return ST_OK;
}
