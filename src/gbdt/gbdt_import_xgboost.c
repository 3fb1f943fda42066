/* Importing a model saved by XGBoost's Booster.save_model("m.json") (JSON format of
 * XGBoost 1.x; checked against 1.7, Debian bookworm's python3-xgboost): a gbtree booster
 * of numeric splits with objective binary:logistic. Anything else (other objectives,
 * multi-class or multi-target models, dart or gblinear boosters, categorical splits,
 * vector leaves) is refused with a message naming the file and what is not supported.
 *
 * Mapping, per XGBoost's RegTree (include/xgboost/tree_model.h) and its JSON schema
 * (doc/model.schema):
 *   - a node j with left_children[j] == -1 is a leaf whose value (already multiplied by
 *     eta) is split_conditions[j]; base_weights holds the node's weight before eta and is
 *     not the prediction;
 *   - an internal node sends x < split_conditions[j] (a float compare) left and a missing
 *     value to default_left. stratum sends v <= threshold left; for float v and float c,
 *     v < c exactly when v <= the largest float below c (nextafterf(c, -inf)), so that is
 *     the threshold: the same rows go left for every float value;
 *   - covers are sum_hessian, gains loss_changes (the same quantity as stratum's gain:
 *     the sum of the children's G^2 / (H + lambda) minus the parent's);
 *   - the initial score is logit(base_score): XGBoost 1.7 keeps base_score as a
 *     probability (a string such as "5E-1") for binary:logistic and adds its log-odds;
 *   - feature names from learner.feature_names; when XGBoost was given none (a numpy
 *     array, a LibSVM file), its own names f0, f1, ..., f{num_feature - 1}: feature k is
 *     column k of the array, index k as written in the LibSVM file (XGBoost reads LibSVM
 *     indices as they are), which is the column stratum's LibSVM reader names "f<k>";
 *   - an entry absent from a LibSVM row is missing to XGBoost (a DMatrix is sparse and
 *     absent means missing), so the model reads it so (absent_missing);
 *   - learner.attributes.best_iteration (early stopping) and num_parallel_tree give the
 *     iterations st_gbdt_load_ex keeps by default, as XGBClassifier.predict_proba.
 * Nodes are renumbered breadth-first from the root (stratum needs children after their
 * parents; nodes XGBoost deleted while pruning are unreachable and dropped). The training
 * parameters of an imported model are stratum's defaults, except num_trees and num_leaves
 * (the largest tree). */
#include "gbdt_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/json_reader.h"
#include "core/number_parse.h"

#define MAX_LEAVES 131072 /* as in model files */

typedef struct importer {
    const char *name;
    st_error *err;
} importer;

static st_status bad(importer *im, const st__json *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static st_status bad(importer *im, const st__json *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at != NULL)
        return st__fail_at(im->err, ST_ERR_FORMAT, im->name, at->line, at->column, "%s", msg);
    return st__fail(im->err, ST_ERR_FORMAT, "%s: %s", im->name, msg);
}

static st_status unsupported(importer *im, const st__json *at, const char *what)
{
    return bad(im, at, "%s is not supported: stratum imports XGBoost gbtree models of "
               "numeric splits with objective binary:logistic", what);
}

static st_status nomem(importer *im)
{
    return st__fail(im->err, ST_ERR_NOMEM, "out of memory importing %s", im->name);
}

/* Member key of obj, of the given type; an error naming it when absent or of another. */
static st_status member(importer *im, const st__json *obj, const char *where, const char *key,
                        st__json_type type, const st__json **out)
{
    *out = st__json_get(obj, key);
    if (*out == NULL)
        return bad(im, obj, "%s has no '%s' (%s): not a model saved by XGBoost's save_model",
                   where, key, st__json_type_name(type));
    if ((*out)->type != type)
        return bad(im, *out, "%s '%s' is %s; expected %s", where, key,
                   st__json_type_name((*out)->type), st__json_type_name(type));
    return ST_OK;
}

/* XGBoost keeps parameters as strings: "0", "3E-1", or "[5E-1]" in later versions. */
static st_status string_number(importer *im, const st__json *obj, const char *where,
                               const char *key, double *v)
{
    const st__json *s;
    st_status rc = member(im, obj, where, key, ST__JSON_STRING, &s);
    if (rc != ST_OK)
        return rc;
    const char *t = s->string;
    size_t len = s->len;
    if (len >= 2 && t[0] == '[' && t[len - 1] == ']') {
        t++;
        len -= 2;
    }
    if (!st__parse_number(t, len, v) || !isfinite(*v))
        return bad(im, s, "%s '%s' is \"%s\"; expected a number", where, key, s->string);
    return ST_OK;
}

static st_status check_learner(importer *im, const st__json *learner, double *base_score,
                               size_t *nf)
{
    const st__json *obj, *name, *mp;
    st_status rc;
    if ((rc = member(im, learner, "learner", "objective", ST__JSON_OBJECT, &obj)) != ST_OK ||
        (rc = member(im, obj, "objective", "name", ST__JSON_STRING, &name)) != ST_OK)
        return rc;
    if (strcmp(name->string, "binary:logistic") != 0) {
        char what[160];
        snprintf(what, sizeof what, "objective '%.100s'", name->string);
        return unsupported(im, name, what);
    }
    double num_class = 0, num_target = 1, num_feature;
    if ((rc = member(im, learner, "learner", "learner_model_param", ST__JSON_OBJECT, &mp)) != ST_OK ||
        (rc = string_number(im, mp, "learner_model_param", "num_class", &num_class)) != ST_OK ||
        (rc = string_number(im, mp, "learner_model_param", "num_feature", &num_feature)) != ST_OK ||
        (rc = string_number(im, mp, "learner_model_param", "base_score", base_score)) != ST_OK)
        return rc;
    if (st__json_get(mp, "num_target") != NULL &&
        (rc = string_number(im, mp, "learner_model_param", "num_target", &num_target)) != ST_OK)
        return rc;
    if (num_class > 1)
        return unsupported(im, st__json_get(mp, "num_class"), "a multi-class model");
    if (num_target != 1)
        return unsupported(im, st__json_get(mp, "num_target"), "a multi-target model");
    if (!(num_feature >= 0) || num_feature != floor(num_feature))
        return bad(im, st__json_get(mp, "num_feature"), "num_feature must be a whole number");
    if (num_feature > 1000000) /* bounds what an unnamed model makes us allocate */
        return unsupported(im, st__json_get(mp, "num_feature"), "more than 1,000,000 features");
    *nf = (size_t)num_feature;
    /* XGBoost holds base_score as a float and adds its log-odds */
    const double p = (float)*base_score;
    if (!(p > 0 && p < 1))
        return bad(im, st__json_get(mp, "base_score"), "base_score %.17g is not a "
                   "probability in (0, 1)", *base_score);
    *base_score = p;
    return ST_OK;
}

/* Feature names and types: numeric features only. */
static st_status read_features(importer *im, const st__json *learner, st_gbdt *m, size_t nf)
{
    const st__json *names = st__json_get(learner, "feature_names");
    const st__json *types = st__json_get(learner, "feature_types");
    if (names != NULL && (names->type != ST__JSON_ARRAY || (names->n != 0 && names->n != nf)))
        return bad(im, names, "learner feature_names must be an array of num_feature (%zu) "
                   "names", nf);
    if (types != NULL && types->type == ST__JSON_ARRAY) {
        for (size_t j = 0; j < types->n; j++) {
            const st__json *t = &types->items[j];
            if (t->type != ST__JSON_STRING)
                return bad(im, t, "feature_types holds %s; expected strings",
                           st__json_type_name(t->type));
            if (strcmp(t->string, "c") == 0)
                return unsupported(im, t, "a categorical feature (feature_types \"c\")");
        }
    }
    if ((m->features = st__calloc(nf ? nf : 1, sizeof *m->features)) == NULL)
        return nomem(im);
    m->n_features = nf;
    for (size_t j = 0; j < nf; j++) {
        char own[32];
        const char *name = own;
        if (names == NULL || names->n == 0) {
            snprintf(own, sizeof own, "f%zu", j); /* XGBoost's names for unnamed features */
        } else if (names->items[j].type != ST__JSON_STRING || names->items[j].len == 0) {
            return bad(im, &names->items[j], "feature name %zu is not a non-empty string", j + 1);
        } else {
            name = names->items[j].string;
        }
        m->features[j].type = ST_FEATURE_NUMERIC;
        if ((m->features[j].name = st__malloc(strlen(name) + 1)) == NULL)
            return nomem(im);
        strcpy(m->features[j].name, name);
    }
    for (size_t j = 0; names != NULL && j < names->n; j++)
        for (size_t k = 0; k < j; k++)
            if (strcmp(m->features[j].name, m->features[k].name) == 0)
                return bad(im, &names->items[j], "feature name '%s' appears twice",
                           m->features[j].name);
    return ST_OK;
}

/* The per-node arrays of one tree. */
typedef struct tree_arrays {
    const st__json *left, *right, *feature, *cond, *dleft, *hess, *gain;
    size_t n;
} tree_arrays;

static st_status number_at(importer *im, const st__json *arr, size_t i, const char *what,
                           double *v)
{
    const st__json *e = &arr->items[i];
    if (e->type != ST__JSON_NUMBER)
        return bad(im, e, "%s[%zu] is %s; expected a number", what, i, st__json_type_name(e->type));
    if (!isfinite(e->number))
        return bad(im, e, "%s[%zu] is %g; expected a finite number", what, i, e->number);
    *v = e->number;
    return ST_OK;
}

static st_status tree_arrays_get(importer *im, const st__json *tree, size_t t, tree_arrays *a)
{
    char where[48];
    snprintf(where, sizeof where, "tree %zu", t);
    static const char *const keys[] = {"left_children", "right_children", "split_indices",
                                       "split_conditions", "default_left", "sum_hessian",
                                       "loss_changes"};
    const st__json **slots[] = {&a->left, &a->right, &a->feature, &a->cond, &a->dleft,
                                &a->hess, &a->gain};
    st_status rc;
    for (int k = 0; k < 7; k++)
        if ((rc = member(im, tree, where, keys[k], ST__JSON_ARRAY, slots[k])) != ST_OK)
            return rc;
    a->n = a->left->n;
    for (int k = 1; k < 7; k++)
        if ((*slots[k])->n != a->n)
            return bad(im, *slots[k], "tree %zu: %s has %zu entries, left_children %zu", t,
                       keys[k], (*slots[k])->n, a->n);
    if (a->n == 0)
        return bad(im, a->left, "tree %zu has no nodes", t);
    const st__json *st = st__json_get(tree, "split_type");
    for (size_t i = 0; st != NULL && st->type == ST__JSON_ARRAY && i < st->n; i++)
        if (st->items[i].type != ST__JSON_NUMBER || st->items[i].number != 0)
            return unsupported(im, &st->items[i], "a categorical split (split_type 1)");
    const st__json *cats = st__json_get(tree, "categories");
    if (cats != NULL && cats->type == ST__JSON_ARRAY && cats->n > 0)
        return unsupported(im, cats, "a categorical split (categories)");
    const st__json *tp = st__json_get(tree, "tree_param");
    const st__json *slv = st__json_get(tp, "size_leaf_vector");
    if (slv != NULL && slv->type == ST__JSON_STRING && strcmp(slv->string, "0") != 0 &&
        strcmp(slv->string, "1") != 0)
        return unsupported(im, slv, "a tree with vector leaves");
    return ST_OK;
}

/* Tree t, renumbered breadth-first from XGBoost's node 0, appended to m. order, nodes,
 * values, covers and index: scratch of a->n entries. */
static st_status import_tree(importer *im, st_gbdt *m, const st__json *tree, size_t t,
                             int32_t *order, int32_t *index, st__gbdt_node *nodes,
                             double *values, double *covers)
{
    tree_arrays a;
    st_status rc = tree_arrays_get(im, tree, t, &a);
    if (rc != ST_OK)
        return rc;
    for (size_t i = 0; i < a.n; i++)
        index[i] = INT32_MIN; /* not reached yet */
    /* breadth-first: order[] lists XGBoost nodes as reached; index[] their stratum child
     * code (node k >= 0 or leaf ~l) */
    size_t head = 0, tail = 0, n_nodes = 0, n_leaves = 0;
    order[tail++] = 0;
    index[0] = 0;
    while (head < tail) {
        const int32_t j = order[head++];
        double l = 0, r = 0;
        if ((rc = number_at(im, a.left, (size_t)j, "left_children", &l)) != ST_OK ||
            (rc = number_at(im, a.right, (size_t)j, "right_children", &r)) != ST_OK)
            return rc;
        if (l == -1 && r == -1) {
            if (n_leaves >= MAX_LEAVES)
                return bad(im, a.left, "tree %zu has more than %d leaves", t, MAX_LEAVES);
            double v = 0, h = 0;
            if ((rc = number_at(im, a.cond, (size_t)j, "split_conditions", &v)) != ST_OK ||
                (rc = number_at(im, a.hess, (size_t)j, "sum_hessian", &h)) != ST_OK)
                return rc;
            if (!(h >= 0))
                return bad(im, &a.hess->items[j], "tree %zu: sum_hessian[%d] is negative", t, j);
            values[n_leaves] = v;
            covers[n_leaves] = h;
            index[j] = ~(int32_t)n_leaves++;
            continue;
        }
        const double n = (double)a.n;
        if (!(l >= 0 && l < n && r >= 0 && r < n) || l != floor(l) || r != floor(r))
            return bad(im, &a.left->items[j], "tree %zu: node %d has children %g and %g; "
                       "expected two node numbers below %zu, or -1 and -1 for a leaf", t, j, l,
                       r, a.n);
        double f = 0, c = 0, d = 0, h = 0, g = 0;
        if ((rc = number_at(im, a.feature, (size_t)j, "split_indices", &f)) != ST_OK ||
            (rc = number_at(im, a.cond, (size_t)j, "split_conditions", &c)) != ST_OK ||
            (rc = number_at(im, a.dleft, (size_t)j, "default_left", &d)) != ST_OK ||
            (rc = number_at(im, a.hess, (size_t)j, "sum_hessian", &h)) != ST_OK ||
            (rc = number_at(im, a.gain, (size_t)j, "loss_changes", &g)) != ST_OK)
            return rc;
        if (!(f >= 0 && f < (double)m->n_features) || f != floor(f))
            return bad(im, &a.feature->items[j], "tree %zu: node %d splits on feature %g; the "
                       "model has %zu", t, j, f, m->n_features);
        const float cf = (float)c;
        if (!isfinite(cf))
            return bad(im, &a.cond->items[j], "tree %zu: split condition %g of node %d is not "
                       "a finite float", t, c, j);
        if (!(h >= 0))
            return bad(im, &a.hess->items[j], "tree %zu: sum_hessian[%d] is negative", t, j);
        nodes[n_nodes] = (st__gbdt_node){.threshold = nextafterf(cf, -INFINITY), .gain = g,
                                         .feature = (int32_t)f, .default_left = d != 0,
                                         .cover = h};
        index[j] = (int32_t)n_nodes++;
        const int32_t ch[2] = {(int32_t)l, (int32_t)r};
        for (int i = 0; i < 2; i++) {
            if (index[ch[i]] != INT32_MIN || ch[i] == 0)
                return bad(im, &a.left->items[j], "tree %zu: node %d is reached twice: not a "
                           "tree", t, ch[i]);
            index[ch[i]] = INT32_MAX; /* queued */
            order[tail++] = ch[i];
        }
    }
    /* children's codes are known once every node is numbered */
    for (size_t q = 0; q < tail; q++) {
        const int32_t j = order[q];
        if (index[j] < 0)
            continue;
        st__gbdt_node *nd = &nodes[index[j]];
        nd->left = index[(size_t)a.left->items[j].number];
        nd->right = index[(size_t)a.right->items[j].number];
    }
    if (n_leaves != n_nodes + 1)
        return bad(im, a.left, "tree %zu is not a binary tree", t);
    return st__gbdt_append_tree_covers(m, nodes, values, covers, n_leaves) ? ST_OK : nomem(im);
}

static st_status import_trees(importer *im, const st__json *learner, st_gbdt *m)
{
    const st__json *gb, *name, *model, *trees;
    st_status rc;
    if ((rc = member(im, learner, "learner", "gradient_booster", ST__JSON_OBJECT, &gb)) != ST_OK ||
        (rc = member(im, gb, "gradient_booster", "name", ST__JSON_STRING, &name)) != ST_OK)
        return rc;
    if (strcmp(name->string, "gbtree") != 0) {
        char what[160];
        snprintf(what, sizeof what, "booster '%.100s'", name->string);
        return unsupported(im, name, what);
    }
    if ((rc = member(im, gb, "gradient_booster", "model", ST__JSON_OBJECT, &model)) != ST_OK ||
        (rc = member(im, model, "model", "trees", ST__JSON_ARRAY, &trees)) != ST_OK)
        return rc;
    if (trees->n == 0)
        return bad(im, trees, "the model has no trees");
    size_t most = 1;
    for (size_t t = 0; t < trees->n; t++) {
        const st__json *lc = st__json_get(&trees->items[t], "left_children");
        if (trees->items[t].type != ST__JSON_OBJECT)
            return bad(im, &trees->items[t], "tree %zu is %s; expected an object", t,
                       st__json_type_name(trees->items[t].type));
        if (lc != NULL && lc->type == ST__JSON_ARRAY && lc->n > most)
            most = lc->n;
    }
    m->tree_cap = trees->n + 1;
    m->node_start = st__calloc(m->tree_cap, sizeof *m->node_start);
    m->leaf_start = st__calloc(m->tree_cap, sizeof *m->leaf_start);
    int32_t *order = st__malloc_array(most, sizeof *order);
    int32_t *index = st__malloc_array(most, sizeof *index);
    st__gbdt_node *nodes = st__malloc_array(most, sizeof *nodes);
    double *values = st__malloc_array(most, sizeof *values);
    double *covers = st__malloc_array(most, sizeof *covers);
    rc = m->node_start && m->leaf_start && order && index && nodes && values && covers
             ? ST_OK : nomem(im);
    size_t max_leaves = 2;
    for (size_t t = 0; rc == ST_OK && t < trees->n; t++) {
        rc = import_tree(im, m, &trees->items[t], t, order, index, nodes, values, covers);
        if (rc == ST_OK && m->leaf_start[t + 1] - m->leaf_start[t] > max_leaves)
            max_leaves = m->leaf_start[t + 1] - m->leaf_start[t];
    }
    st__free(order);
    st__free(index);
    st__free(nodes);
    st__free(values);
    st__free(covers);
    m->params.num_trees = (int)(trees->n < 2147483647 ? trees->n : 2147483647);
    m->params.num_leaves = (int)max_leaves;
    return rc;
}

/* Iterations: XGBoost grows num_parallel_tree trees per boosting round (1 unless it is a
 * random forest), and after early stopping its learner attributes hold best_iteration
 * (0-based), which XGBClassifier.predict_proba honours with iteration_range (0, best + 1);
 * st_gbdt_load_ex does the same (gbdt_load.c). */
static st_status read_iterations(importer *im, const st__json *learner, st_gbdt *m)
{
    const st__json *gb = st__json_get(learner, "gradient_booster");
    const st__json *mp = st__json_get(st__json_get(gb, "model"), "gbtree_model_param");
    double npt = 1, best = -1;
    st_status rc;
    if (st__json_get(mp, "num_parallel_tree") != NULL &&
        (rc = string_number(im, mp, "gbtree_model_param", "num_parallel_tree", &npt)) != ST_OK)
        return rc;
    if (!(npt >= 1 && npt == floor(npt) && fmod((double)m->n_trees, npt) == 0))
        return bad(im, st__json_get(mp, "num_parallel_tree"), "num_parallel_tree %g does not "
                   "divide the %zu trees into whole iterations", npt, m->n_trees);
    const double iters = (double)m->n_trees / npt;
    const st__json *attrs = st__json_get(learner, "attributes");
    if (st__json_get(attrs, "best_iteration") != NULL) {
        if ((rc = string_number(im, attrs, "attributes", "best_iteration", &best)) != ST_OK)
            return rc;
        if (!(best >= 0 && best < iters && best == floor(best)))
            return bad(im, st__json_get(attrs, "best_iteration"), "best_iteration %g is not "
                       "one of the model's %g iterations (0 to %g)", best, iters, iters - 1);
    }
    m->trees_per_iter = (int)npt;
    m->iter_total = (int)iters;
    m->iter_begin = 0;
    m->iter_end = m->iter_total;
    m->best_end = best >= 0 ? (int)best + 1 : 0;
    return ST_OK;
}

st_status st__gbdt_import_xgboost(const char *data, size_t size, const char *name,
                                  st_gbdt **out, st_error *err)
{
    *out = NULL;
    importer im = {.name = name, .err = err};
    st__json root;
    st_status rc = st__json_parse(data, size, name, &root, err);
    if (rc != ST_OK)
        return rc;
    st_gbdt *m = st__calloc(1, sizeof *m);
    const st__json *learner = NULL;
    double base_score = 0.5;
    size_t nf = 0;
    if (m == NULL)
        rc = nomem(&im);
    else if (root.type != ST__JSON_OBJECT)
        rc = bad(&im, &root, "the JSON text is %s; an XGBoost model is an object",
                 st__json_type_name(root.type));
    else
        rc = member(&im, &root, "the model", "learner", ST__JSON_OBJECT, &learner);
    if (rc == ST_OK) {
        m->params = st_gbdt_params_default();
        m->params.seed = 0; /* not trained here: the seed its files have always shown */
        rc = check_learner(&im, learner, &base_score, &nf);
    }
    if (rc == ST_OK)
        rc = read_features(&im, learner, m, nf);
    if (rc == ST_OK)
        rc = import_trees(&im, learner, m);
    if (rc == ST_OK)
        rc = read_iterations(&im, learner, m);
    st__json_free(&root);
    if (rc != ST_OK) {
        st_gbdt_free(m);
        return rc;
    }
    m->init_score = log(base_score / (1 - base_score));
    m->absent_missing = 1; /* XGBoost's DMatrix reads an absent LibSVM entry as missing */
    *out = m;
    return ST_OK;
}

int st__gbdt_is_json(const char *data, size_t size)
{
    size_t i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    return i < size && data[i] == '{';
}
