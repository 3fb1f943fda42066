/* Saving a gradient-boosted trees model as a text file. The layout, one item per line:
 *
 *     stratum-model 1 gbdt
 *     num_trees 100 ... seed 0          training parameters, one per line, in the order of
 *                                       st_gbdt_params (n_threads is not kept)
 *     features N
 *     feature numeric|categorical N_LEVELS NAME
 *     level TEXT                        N_LEVELS lines after a categorical feature
 *     max_cat_to_onehot N ... max_cat_levels N
 *                                       the six categorical parameters, only when some
 *                                       feature is categorical (so files of numeric
 *                                       models are as before)
 *     monotone J:+1 K:-1                only with monotone constraints (gbdt_monotone_model.c)
 *     init_score X
 *     trees T
 *     tree N_LEAVES                     then N_LEAVES - 1 node lines and N_LEAVES leaf lines
 *     node FEATURE THRESHOLD DEFAULT_LEFT LEFT RIGHT GAIN COVER
 *     node FEATURE cats DEFAULT_LEFT LEFT RIGHT GAIN COVER   a categorical split, followed
 *     cats N CODE_1 ... CODE_N                          by the level codes going left
 *     leaf VALUE COVER                  COVER: the Hessian sum of the training rows that
 *                                       reached the node or leaf (for TreeSHAP)
 *     valid_metric logloss|auc|pr-auc   these four lines only for a model trained with a
 *     early_stopping_rounds K           validation set (st_gbdt_train_ex): the metric, the
 *     best_iteration N                  early stopping rounds (0 = off), the best
 *     best_score X                      iteration (1-based) and its validation score
 *     absent_entries missing            only for a model imported from XGBoost: an entry
 *                                       absent from a LibSVM row is missing to it
 *     calibration ... / threshold ...   optional, only when set (src/eval/calibration_impl.h)
 *     row_sketch N D K HASH...          the training-rows fingerprint (src/data/row_sketch.h);
 *                                       models trained from a dataset only; files from
 *                                       before it load without one
 *     checksum HEX                      FNV-1a 64 of every byte before this line
 *
 * A node's children are node indices (>= 0, always greater than the node's own) or leaves
 * (~leaf, < 0), as in LightGBM's model files. Numbers are written to read back exactly,
 * so a loaded model predicts bit-identically. Loading is in gbdt_model_load.c.
 *
 * COVER, the Hessian sum of the training rows that reached the node or leaf (for
 * TreeSHAP), came later within version 1: files without it still load (their models
 * cannot be explained), and such a model is saved again without it. */
#include "gbdt_model.h"

#include <stratum/files.h>

#include <inttypes.h>

#include "core/error.h"
#include "io/model_text.h"

static void number_line(st__text *t, const char *key, double v, int *exact)
{
    st__text_printf(t, "%s ", key);
    *exact &= st__text_number(t, v);
    st__text_printf(t, "\n");
}

static void write_params(st__text *t, const st_gbdt_params *p, int *exact)
{
    st__text_printf(t, "num_trees %d\nnum_leaves %d\nmax_depth %d\n", p->num_trees,
                    p->num_leaves, p->max_depth);
    number_line(t, "learning_rate", p->learning_rate, exact);
    st__text_printf(t, "max_bin %d\nmin_data_in_leaf %d\n", p->max_bin, p->min_data_in_leaf);
    number_line(t, "min_sum_hessian_in_leaf", p->min_sum_hessian_in_leaf, exact);
    number_line(t, "lambda_l1", p->lambda_l1, exact);
    number_line(t, "lambda_l2", p->lambda_l2, exact);
    number_line(t, "min_gain_to_split", p->min_gain_to_split, exact);
    number_line(t, "feature_fraction", p->feature_fraction, exact);
    number_line(t, "bagging_fraction", p->bagging_fraction, exact);
    st__text_printf(t, "bagging_freq %d\n", p->bagging_freq);
    number_line(t, "scale_pos_weight", p->scale_pos_weight, exact);
    st__text_printf(t, "class_weight %s\n",
                    p->class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced" : "none");
    st__text_printf(t, "bin_sample_rows %d\nseed %" PRIu64 "\n", p->bin_sample_rows, p->seed);
    /* only when used, so that the files of full-precision models are as they were */
    if (p->quantized_grad)
        st__text_printf(t, "quantized_grad %d\n", p->num_grad_quant_bins);
}

/* "cats N CODE..." for a categorical node: the level codes of its left set. */
static void write_cats(st__text *t, const st_gbdt *m, const st__gbdt_node *nd)
{
    const size_t n_levels = m->features[nd->feature].n_levels;
    const st__gbdt_node probe = {.cat_set = nd->cat_set, .feature = nd->feature};
    size_t n = 0;
    for (size_t c = 0; c < n_levels; c++)
        n += (size_t)st__gbdt_goes_left(m, &probe, (float)c);
    st__text_printf(t, "cats %zu", n);
    for (size_t c = 0; c < n_levels; c++)
        if (st__gbdt_goes_left(m, &probe, (float)c))
            st__text_printf(t, " %zu", c);
    st__text_printf(t, "\n");
}

static void write_tree(st__text *t, const st_gbdt *m, size_t k, int *exact)
{
    const size_t n0 = m->node_start[k], n1 = m->node_start[k + 1];
    const size_t l0 = m->leaf_start[k], l1 = m->leaf_start[k + 1];
    st__text_printf(t, "tree %zu\n", l1 - l0);
    for (size_t i = n0; i < n1; i++) {
        const st__gbdt_node *nd = &m->nodes[i];
        st__text_printf(t, "node %d ", (int)nd->feature);
        if (nd->cat_set != 0)
            st__text_printf(t, "cats");
        else
            *exact &= st__text_number(t, nd->threshold);
        st__text_printf(t, " %d %d %d ", (int)nd->default_left, (int)nd->left, (int)nd->right);
        *exact &= st__text_number(t, nd->gain);
        if (!m->covers_missing) {
            st__text_printf(t, " ");
            *exact &= st__text_number(t, nd->cover);
        }
        st__text_printf(t, "\n");
        if (nd->cat_set != 0)
            write_cats(t, m, nd);
    }
    for (size_t i = l0; i < l1; i++) {
        st__text_printf(t, "leaf ");
        *exact &= st__text_number(t, m->leaf_values[i]);
        if (!m->covers_missing) {
            st__text_printf(t, " ");
            *exact &= st__text_number(t, m->leaf_covers[i]);
        }
        st__text_printf(t, "\n");
    }
}

static void write_model(st__text *t, const st_gbdt *m, int *exact)
{
    st__text_printf(t, "%s %d gbdt\n", ST__MODEL_MAGIC, ST__MODEL_VERSION);
    write_params(t, &m->params, exact);
    st__text_printf(t, "features %zu\n", m->n_features);
    for (size_t j = 0; j < m->n_features; j++) {
        const st__gbdt_feature *f = &m->features[j];
        st__text_printf(t, "feature %s %zu ",
                        f->type == ST_FEATURE_CATEGORICAL ? "categorical" : "numeric",
                        f->n_levels);
        st__text_name(t, f->name);
        st__text_printf(t, "\n");
        for (size_t l = 0; l < f->n_levels; l++) {
            st__text_printf(t, "level ");
            st__text_name(t, f->levels[l]);
            st__text_printf(t, "\n");
        }
    }
    int any_cat = 0;
    for (size_t j = 0; j < m->n_features; j++)
        any_cat |= m->features[j].type == ST_FEATURE_CATEGORICAL;
    if (any_cat) {
        const st_gbdt_params *p = &m->params;
        st__text_printf(t, "max_cat_to_onehot %d\nmax_cat_threshold %d\n", p->max_cat_to_onehot,
                        p->max_cat_threshold);
        number_line(t, "cat_l2", p->cat_l2, exact);
        number_line(t, "cat_smooth", p->cat_smooth, exact);
        st__text_printf(t, "min_data_per_group %d\nmax_cat_levels %d\n", p->min_data_per_group,
                        p->max_cat_levels);
    }
    st__gbdt_monotone_write(t, m);
    number_line(t, "init_score", m->init_score, exact);
    st__text_printf(t, "trees %zu\n", m->n_trees);
    for (size_t k = 0; k < m->n_trees; k++)
        write_tree(t, m, k, exact);
    if (m->best_iteration > 0) {
        st__text_printf(t, "valid_metric %s\nearly_stopping_rounds %d\nbest_iteration %d\n",
                        st_gbdt_metric_name(m->params.metric), m->params.early_stopping_rounds,
                        m->best_iteration);
        number_line(t, "best_score", m->best_score, exact);
    }
    if (m->absent_missing) /* an XGBoost import: an absent LibSVM entry is missing */
        st__text_printf(t, "absent_entries missing\n");
    st__post_write(t, &m->post, exact); /* optional calibration and threshold lines */
    st__row_sketch_write(t, &m->sketch);  /* optional training-rows fingerprint */
    st__gbdt_text_write(t, m, exact);      /* optional text featurizers */
}

/* A node of the kinds only a LightGBM import has (gbdt_model.h), which the file format
 * has no line for: its index, or SIZE_MAX when there is none. */
static size_t lightgbm_only_node(const st_gbdt *m)
{
    const size_t n_nodes = m->node_start != NULL ? m->node_start[m->n_trees] : 0;
    for (size_t k = 0; k < n_nodes; k++) {
        const st__gbdt_node *nd = &m->nodes[k];
        if (nd->cat_set == ST__GBDT_ZERO_MISSING ||
            (nd->cat_set > 0 && m->features[nd->feature].type == ST_FEATURE_NUMERIC))
            return k;
    }
    return SIZE_MAX;
}

st_status st_gbdt_save(const st_gbdt *m, const char *path, st_error *err)
{
    if (m == NULL || path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_save: %s is NULL",
                        m == NULL ? "model" : "path");
    const size_t odd = lightgbm_only_node(m);
    if (odd != SIZE_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: not saved: the model (imported from "
                        "LightGBM) has a %s split, which stratum's model files cannot hold; "
                        "use the LightGBM file itself", path,
                        m->nodes[odd].cat_set == ST__GBDT_ZERO_MISSING
                            ? "zero-as-missing" : "categorical");
    st__text t = {0};
    int exact = 1;
    write_model(&t, m, &exact);
    return st__text_seal_write(&t, exact, path, "the model", "a number", err);
}
