/* Loading a gradient-boosted trees model file written by gbdt_model_io.c, through the
 * line reader of model_reader.h. Besides the syntax of each line, the trees are checked
 * to be trees, so that prediction on a loaded model always terminates and stays in
 * bounds: every feature index exists, every child of node k is a node > k or a leaf, and
 * every node but the root and every leaf is reached exactly once. */
#include "gbdt_model.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/model_reader.h"

static st_status nomem(st__mreader *r)
{
    return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
}

static st_status read_int(st__mreader *r, const char *key, long lo, long hi, int *v)
{
    long x = 0;
    st_status rc = st__mr_key_integer(r, key, lo, hi, &x);
    *v = (int)x;
    return rc;
}

/* 1 when the next line starts with key and a space: an optional line is there. The reader
 * does not move. */
static int next_line_is(const st__mreader *r, const char *key)
{
    st__mreader peek = *r;
    const size_t n = strlen(key);
    return st__mr_next(&peek) && peek.len > n && memcmp(peek.text, key, n) == 0 &&
           peek.text[n] == ' ';
}

/* "quantized_grad BINS", present only in files of models trained with quantized gradients
 * (else the defaults stay: off). */
static st_status read_quantized(st__mreader *r, st_gbdt_params *p)
{
    if (!next_line_is(r, "quantized_grad"))
        return ST_OK;
    p->quantized_grad = 1;
    return read_int(r, "quantized_grad", 2, ST_GBDT_GRAD_QUANT_BINS_MAX, &p->num_grad_quant_bins);
}

static st_status read_params(st__mreader *r, st_gbdt_params *p)
{
    static const char *const cw[] = {"none", "balanced"};
    const long big = 2147483647L;
    long v = 0;
    st_status rc;
    *p = st_gbdt_params_default();
    if ((rc = read_int(r, "num_trees", 1, big, &p->num_trees)) != ST_OK ||
        (rc = read_int(r, "num_leaves", 2, 131072, &p->num_leaves)) != ST_OK ||
        (rc = read_int(r, "max_depth", -big, big, &p->max_depth)) != ST_OK ||
        (rc = st__mr_key_number(r, "learning_rate", &p->learning_rate)) != ST_OK ||
        (rc = read_int(r, "max_bin", 2, 65535, &p->max_bin)) != ST_OK ||
        (rc = read_int(r, "min_data_in_leaf", 1, big, &p->min_data_in_leaf)) != ST_OK ||
        (rc = st__mr_key_number(r, "min_sum_hessian_in_leaf", &p->min_sum_hessian_in_leaf)) != ST_OK ||
        (rc = st__mr_key_number(r, "lambda_l1", &p->lambda_l1)) != ST_OK ||
        (rc = st__mr_key_number(r, "lambda_l2", &p->lambda_l2)) != ST_OK ||
        (rc = st__mr_key_number(r, "min_gain_to_split", &p->min_gain_to_split)) != ST_OK ||
        (rc = st__mr_key_number(r, "feature_fraction", &p->feature_fraction)) != ST_OK ||
        (rc = st__mr_key_number(r, "bagging_fraction", &p->bagging_fraction)) != ST_OK ||
        (rc = read_int(r, "bagging_freq", 0, big, &p->bagging_freq)) != ST_OK ||
        (rc = st__mr_key_number(r, "scale_pos_weight", &p->scale_pos_weight)) != ST_OK ||
        (rc = st__mr_key_word(r, "class_weight", cw, 2, &v)) != ST_OK ||
        (rc = read_int(r, "bin_sample_rows", 1, big, &p->bin_sample_rows)) != ST_OK ||
        (rc = st__mr_key_u64(r, "seed", &p->seed)) != ST_OK ||
        (rc = read_quantized(r, p)) != ST_OK)
        return rc;
    p->class_weight = v == 1 ? ST_CLASS_WEIGHT_BALANCED : ST_CLASS_WEIGHT_NONE;
    const char *why = st_gbdt_params_check(p);
    return why != NULL ? st__mr_bad(r, "invalid parameters: %s", why) : ST_OK;
}

/* "feature TYPE N_LEVELS NAME" and its level lines. */
static st_status read_feature(st__mreader *r, st__gbdt_feature *f, long max_items)
{
    const char *s, *t[2];
    size_t len, tl[2];
    st_status rc = st__mr_keyed(r, "feature", &s, &len);
    if (rc != ST_OK)
        return rc;
    if (!st__mr_field(&s, &len, &t[0], &tl[0]) || !st__mr_field(&s, &len, &t[1], &tl[1]))
        return st__mr_bad(r, "expected 'feature TYPE N_LEVELS NAME'");
    if (tl[0] == 7 && memcmp(t[0], "numeric", 7) == 0)
        f->type = ST_FEATURE_NUMERIC;
    else if (tl[0] == 11 && memcmp(t[0], "categorical", 11) == 0)
        f->type = ST_FEATURE_CATEGORICAL;
    else
        return st__mr_bad(r, "feature type: expected numeric or categorical");
    long n_levels;
    if ((rc = st__mr_integer(r, "level count", t[1], tl[1], 0, max_items, &n_levels)) != ST_OK)
        return rc;
    if (f->type == ST_FEATURE_NUMERIC && n_levels != 0)
        return st__mr_bad(r, "a numeric feature has no levels");
    if ((rc = st__mr_name(r, "the feature name", s, len, &f->name)) != ST_OK)
        return rc;
    if (n_levels == 0)
        return ST_OK;
    if ((f->levels = st__calloc((size_t)n_levels, sizeof *f->levels)) == NULL)
        return nomem(r);
    f->n_levels = (size_t)n_levels;
    for (size_t l = 0; l < f->n_levels; l++) {
        if ((rc = st__mr_keyed(r, "level", &s, &len)) != ST_OK ||
            (rc = st__mr_name(r, "a level", s, len, &f->levels[l])) != ST_OK)
            return rc;
        if (l > 0 && strcmp(f->levels[l - 1], f->levels[l]) >= 0)
            return st__mr_bad(r, "levels must be in strictly increasing byte order");
    }
    return ST_OK;
}

/* The next space-separated field of [*s, *s + *len), the last one included. */
static int next_field(const char **s, size_t *len, const char **f, size_t *flen)
{
    if (st__mr_field(s, len, f, flen))
        return 1;
    if (*len == 0)
        return 0;
    *f = *s;
    *flen = *len;
    *s += *len;
    *len = 0;
    return 1;
}

/* "cats N CODE..." after the node line of a categorical split on feature f: strictly
 * increasing level codes of f, stored as the node's left set. */
static st_status read_cats(st__mreader *r, st_gbdt *m, st__gbdt_node *nd)
{
    const st__gbdt_feature *f = &m->features[nd->feature];
    if (f->type != ST_FEATURE_CATEGORICAL)
        return st__mr_bad(r, "a category set on numeric feature %d", (int)nd->feature);
    const char *s, *t;
    size_t len, tl;
    long n, c, prev = -1;
    st_status rc = st__mr_keyed(r, "cats", &s, &len);
    if (rc != ST_OK)
        return rc;
    if (!next_field(&s, &len, &t, &tl))
        return st__mr_bad(r, "expected 'cats N CODE...'");
    if ((rc = st__mr_integer(r, "level count", t, tl, 0, (long)f->n_levels, &n)) != ST_OK)
        return rc;
    const int64_t at = st__gbdt_add_cat_set(m, st__gbdt_set_words(f->n_levels));
    if (at == 0)
        return nomem(r);
    nd->cat_set = at;
    uint32_t *set = m->cat_bits + (at - 1);
    for (long i = 0; i < n; i++) {
        if (!next_field(&s, &len, &t, &tl))
            return st__mr_bad(r, "expected %ld level codes, found %ld", n, i);
        if ((rc = st__mr_integer(r, "level code", t, tl, 0, (long)f->n_levels - 1, &c)) != ST_OK)
            return rc;
        if (c <= prev)
            return st__mr_bad(r, "level codes must be strictly increasing");
        set[c / 32] |= 1u << (c % 32);
        prev = c;
    }
    if (len > 0)
        return st__mr_bad(r, "more than %ld level codes", n);
    return ST_OK;
}

/* The last number of a line, "... X [COVER]": X, and the cover when there is one
 * (*has_cover); a cover is finite and >= 0. */
static st_status read_last(st__mreader *r, const char *what, const char *s, size_t len,
                           double *x, double *cover, int *has_cover)
{
    const char *t;
    size_t tl;
    st_status rc;
    *has_cover = 0;
    *cover = 0;
    if (memchr(s, ' ', len) == NULL)
        return st__mr_number(r, what, s, len, x);
    if (!st__mr_field(&s, &len, &t, &tl))
        return st__mr_bad(r, "expected a %s", what);
    if ((rc = st__mr_number(r, what, t, tl, x)) != ST_OK ||
        (rc = st__mr_number(r, "cover", s, len, cover)) != ST_OK)
        return rc;
    if (!(*cover >= 0) || isinf(*cover))
        return st__mr_bad(r, "a cover is a finite number >= 0");
    *has_cover = 1;
    return ST_OK;
}

/* "node FEATURE THRESHOLD DEFAULT_LEFT LEFT RIGHT GAIN [COVER]" for node k of a tree of
 * n_leaves; THRESHOLD "cats" for a categorical split, whose "cats" line follows. */
static st_status read_node(st__mreader *r, st_gbdt *m, long k, long n_leaves,
                           st__gbdt_node *nd, int *has_cover)
{
    const char *s, *t[5];
    size_t len, tl[5];
    st_status rc = st__mr_keyed(r, "node", &s, &len);
    if (rc != ST_OK)
        return rc;
    for (int i = 0; i < 5; i++)
        if (!st__mr_field(&s, &len, &t[i], &tl[i]))
            return st__mr_bad(r, "expected 'node FEATURE THRESHOLD DEFAULT_LEFT LEFT RIGHT GAIN'");
    long f, dl, left, right;
    const long n_nodes = n_leaves - 1;
    const int is_cat = tl[1] == 4 && memcmp(t[1], "cats", 4) == 0;
    nd->threshold = 0;
    nd->cat_set = 0;
    if ((rc = st__mr_integer(r, "feature", t[0], tl[0], 0, (long)m->n_features - 1, &f)) != ST_OK ||
        (!is_cat && (rc = st__mr_number(r, "threshold", t[1], tl[1], &nd->threshold)) != ST_OK) ||
        (rc = st__mr_integer(r, "default_left", t[2], tl[2], 0, 1, &dl)) != ST_OK ||
        (rc = st__mr_integer(r, "left", t[3], tl[3], -n_leaves, n_nodes - 1, &left)) != ST_OK ||
        (rc = st__mr_integer(r, "right", t[4], tl[4], -n_leaves, n_nodes - 1, &right)) != ST_OK ||
        (rc = read_last(r, "gain", s, len, &nd->gain, &nd->cover, has_cover)) != ST_OK)
        return rc;
    if (isnan(nd->threshold))
        return st__mr_bad(r, "a threshold is a number, not nan");
    if ((left >= 0 && left <= k) || (right >= 0 && right <= k))
        return st__mr_bad(r, "node %ld: a child node must come after its parent", k);
    nd->feature = (int32_t)f;
    nd->default_left = (int32_t)dl;
    nd->left = (int32_t)left;
    nd->right = (int32_t)right;
    return is_cat ? read_cats(r, m, nd) : ST_OK;
}

/* Every node but the root and every leaf is the child of exactly one node. */
static st_status check_tree(st__mreader *r, const st__gbdt_node *nodes, long n_leaves,
                            int *seen_node, int *seen_leaf)
{
    const long n_nodes = n_leaves - 1;
    memset(seen_node, 0, (size_t)n_leaves * sizeof *seen_node);
    memset(seen_leaf, 0, (size_t)n_leaves * sizeof *seen_leaf);
    for (long k = 0; k < n_nodes; k++) {
        const int32_t c[2] = {nodes[k].left, nodes[k].right};
        for (int i = 0; i < 2; i++)
            *(c[i] >= 0 ? &seen_node[c[i]] : &seen_leaf[~c[i]]) += 1;
    }
    for (long k = 1; k < n_nodes; k++)
        if (seen_node[k] != 1)
            return st__mr_bad(r, "node %ld is the child of %d nodes; expected 1", k, seen_node[k]);
    for (long l = 0; l < n_leaves; l++)
        if (seen_leaf[l] != 1 && n_nodes > 0)
            return st__mr_bad(r, "leaf %ld is the child of %d nodes; expected 1", l, seen_leaf[l]);
    return ST_OK;
}

static st_status read_tree(st__mreader *r, st_gbdt *m, st__gbdt_node *nodes, double *values,
                           double *covers, int *seen)
{
    const long max_leaves = 131072;
    long n_leaves;
    st_status rc = st__mr_key_integer(r, "tree", 1, max_leaves, &n_leaves);
    if (rc != ST_OK)
        return rc;
    long n_covers = 0; /* lines with a cover: none or all of them */
    int has;
    for (long k = 0; k < n_leaves - 1; k++) {
        if ((rc = read_node(r, m, k, n_leaves, &nodes[k], &has)) != ST_OK)
            return rc;
        n_covers += has;
    }
    const char *s;
    size_t len;
    for (long l = 0; l < n_leaves; l++) {
        if ((rc = st__mr_keyed(r, "leaf", &s, &len)) != ST_OK ||
            (rc = read_last(r, "leaf value", s, len, &values[l], &covers[l], &has)) != ST_OK)
            return rc;
        n_covers += has;
        if (n_covers != 0 && n_covers != n_leaves + l)
            return st__mr_bad(r, "either every node and leaf of a tree has a cover or none");
    }
    if ((rc = check_tree(r, nodes, n_leaves, seen, seen + max_leaves)) != ST_OK)
        return rc;
    return st__gbdt_append_tree_covers(m, nodes, values, n_covers ? covers : NULL,
                                       (size_t)n_leaves) ? ST_OK : nomem(r);
}

/* The optional validation lines after the trees (gbdt_model_io.c). */
static st_status read_validation(st__mreader *r, st_gbdt *m)
{
    static const char *const metrics[] = {"logloss", "auc", "pr-auc"};
    static const char key[] = "valid_metric ";
    if ((size_t)(r->end - r->p) < sizeof key - 1 || memcmp(r->p, key, sizeof key - 1) != 0)
        return ST_OK;
    long metric = 0, best = 0;
    st_status rc;
    if ((rc = st__mr_key_word(r, "valid_metric", metrics, 3, &metric)) != ST_OK ||
        (rc = read_int(r, "early_stopping_rounds", 0, 2147483647L,
                       &m->params.early_stopping_rounds)) != ST_OK ||
        (rc = st__mr_key_integer(r, "best_iteration", 1, (long)m->n_trees, &best)) != ST_OK ||
        (rc = st__mr_key_number(r, "best_score", &m->best_score)) != ST_OK)
        return rc;
    m->params.metric = (st_gbdt_metric)metric;
    m->best_iteration = (int)best;
    return ST_OK;
}

/* The optional "absent_entries missing" line (a model imported from XGBoost). */
static st_status read_absent(st__mreader *r, st_gbdt *m)
{
    static const char *const rules[] = {"zero", "missing"};
    static const char key[] = "absent_entries ";
    if ((size_t)(r->end - r->p) < sizeof key - 1 || memcmp(r->p, key, sizeof key - 1) != 0)
        return ST_OK;
    long rule = 0;
    st_status rc = st__mr_key_word(r, "absent_entries", rules, 2, &rule);
    m->absent_missing = (int)rule;
    return rc;
}

/* The categorical parameters, present only in files of models with a categorical
 * feature (else the defaults stay). */
static st_status read_cat_params(st__mreader *r, st_gbdt_params *p)
{
    if (!next_line_is(r, "max_cat_to_onehot"))
        return ST_OK;
    const long big = 2147483647L;
    st_status rc;
    if ((rc = read_int(r, "max_cat_to_onehot", 1, big, &p->max_cat_to_onehot)) != ST_OK ||
        (rc = read_int(r, "max_cat_threshold", 1, big, &p->max_cat_threshold)) != ST_OK ||
        (rc = st__mr_key_number(r, "cat_l2", &p->cat_l2)) != ST_OK ||
        (rc = st__mr_key_number(r, "cat_smooth", &p->cat_smooth)) != ST_OK ||
        (rc = read_int(r, "min_data_per_group", 1, big, &p->min_data_per_group)) != ST_OK ||
        (rc = read_int(r, "max_cat_levels", 0, big, &p->max_cat_levels)) != ST_OK)
        return rc;
    const char *why = st_gbdt_params_check(p);
    return why != NULL ? st__mr_bad(r, "invalid parameters: %s", why) : ST_OK;
}

static st_status read_body(st__mreader *r, st_gbdt *m)
{
    /* each feature and tree needs a line of text: bounds the allocations */
    const size_t left = (size_t)(r->end - r->p);
    const long max_items = (long)(left < 1000000000 ? left : 1000000000);
    long n;
    st_status rc;
    if ((rc = read_params(r, &m->params)) != ST_OK ||
        (rc = st__mr_key_integer(r, "features", 0, max_items, &n)) != ST_OK)
        return rc;
    if ((m->features = st__calloc(n ? (size_t)n : 1, sizeof *m->features)) == NULL)
        return nomem(r);
    m->n_features = (size_t)n;
    for (size_t j = 0; j < m->n_features; j++)
        if ((rc = read_feature(r, &m->features[j], max_items)) != ST_OK)
            return rc;
    if ((rc = read_cat_params(r, &m->params)) != ST_OK ||
        (rc = st__gbdt_monotone_read(r, m)) != ST_OK ||
        (rc = st__mr_key_number(r, "init_score", &m->init_score)) != ST_OK ||
        (rc = st__mr_key_integer(r, "trees", 0, max_items, &n)) != ST_OK)
        return rc;
    m->tree_cap = (size_t)n + 1;
    m->node_start = st__calloc(m->tree_cap, sizeof *m->node_start);
    m->leaf_start = st__calloc(m->tree_cap, sizeof *m->leaf_start);
    /* scratch for one tree of the largest size */
    st__gbdt_node *nodes = st__malloc_array(131072, sizeof *nodes);
    double *values = st__malloc_array(2 * 131072, sizeof *values); /* and the covers */
    int *seen = st__malloc_array(2 * 131072, sizeof *seen);
    if (m->node_start == NULL || m->leaf_start == NULL || nodes == NULL || values == NULL ||
        seen == NULL)
        rc = nomem(r);
    for (long k = 0; rc == ST_OK && k < n; k++)
        rc = read_tree(r, m, nodes, values, values + 131072, seen);
    st__free(nodes);
    st__free(values);
    st__free(seen);
    if (rc == ST_OK)
        rc = read_validation(r, m);
    if (rc == ST_OK)
        rc = read_absent(r, m);
    if (rc == ST_OK) /* optional calibration and threshold lines */
        rc = st__post_read(r, &m->post);
    if (rc == ST_OK) /* optional training-rows fingerprint */
        rc = st__row_sketch_read(r, &m->sketch);
    if (rc == ST_OK) /* optional text featurizers */
        rc = st__gbdt_text_read(r, m);
    if (rc == ST_OK && st__mr_next(r))
        rc = st__mr_bad(r, "unexpected line after the last tree; expected the checksum line");
    return rc;
}

st_status st__gbdt_load_buffer(const char *data, size_t size, const char *name, st_gbdt **out,
                               st_error *err)
{
    *out = NULL;
    st__mreader r;
    st_status rc = st__mr_open(&r, name, data, size, "gbdt", err);
    if (rc != ST_OK)
        return rc;
    st_gbdt *m = st__calloc(1, sizeof *m);
    if (m == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory reading %s", name);
    if ((rc = read_body(&r, m)) != ST_OK) {
        st_gbdt_free(m);
        return rc;
    }
    *out = m;
    return ST_OK;
}
