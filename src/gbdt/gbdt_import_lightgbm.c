/* Importing a model saved by LightGBM as text (the CLI's output_model, Booster.save_model
 * in Python; format versions v2 to v4, checked against LightGBM 4.6's program): a gbdt
 * model with objective=binary and one tree per iteration. Anything else (other
 * objectives, multi-class models, random forests (average_output), linear trees) is
 * refused with a message naming the file, the line and what is not supported.
 *
 * The file: a header of key=value lines, starting with "tree" and "version=vN"; then one
 * block per tree, "Tree=K" followed by key=value lines holding space-separated arrays;
 * then "end of trees" and the feature importances and parameters, which are not read.
 * Each tree's internal nodes are numbered 0..num_leaves-2 (0 the root, a child after its
 * parent); left_child/right_child hold a node number, or ~leaf (negative) for a leaf.
 *
 * Semantics, as LightGBM's Tree::NumericalDecision / CategoricalDecision
 * (include/LightGBM/tree.h) route a row, with decision_type's bits: 0 categorical,
 * 1 default_left, 2-3 the missing type (0 None, 1 Zero, 2 NaN):
 *   - numeric split: v <= threshold (a double) goes left.
 *     Missing type NaN: NaN goes to the default side.
 *     Missing type Zero: NaN is read as 0, and |v| <= kZeroThreshold (1e-35f) goes to the
 *     default side: a node of kind ST__GBDT_ZERO_MISSING (gbdt_model.h).
 *     Missing type None: NaN is read as 0, so NaN goes where 0 goes: default_left is set
 *     to (0 <= threshold) and the node is an ordinary threshold split.
 *   - categorical split: threshold is the index of the node's bitset in cat_boundaries /
 *     cat_threshold (32 codes a word, low bit first). The value is truncated to an int;
 *     NaN and negative values go right, a code whose bit is on goes left, any other
 *     right. stratum reads a column of integer codes as a numeric feature (a column is
 *     categorical in stratum only when its values are not all numbers), so every feature
 *     of an imported model is numeric and such a split becomes a category set over
 *     integer codes on a numeric feature (gbdt_model.h), default_left 0.
 *   - the prediction is the sum of the leaf values (shrinkage is already applied;
 *     boost_from_average is in the first tree's leaves, so init_score is 0), and
 *     objective "binary sigmoid:S" gives P(y = 1) = 1 / (1 + exp(-S * sum)). stratum's
 *     probability is the plain logistic of its raw score, so for S != 1 every leaf value
 *     is multiplied by S: the raw score (and --contrib's contributions, which add up to
 *     it) is then S times LightGBM's raw score (and its predict_contrib).
 *   - covers for TreeSHAP are the row counts (internal_count, leaf_count), which
 *     LightGBM's Tree::TreeSHAP and ExpectedValue use, so contributions match its
 *     predict_contrib; gains are split_gain, for gain importance.
 * stratum keeps feature values as floats: a value is compared as the float nearest the
 * number in the data file, where LightGBM compares the double. LightGBM's thresholds are
 * often training values themselves (-0.5925539999999999, the double of "-0.592554"), which
 * its own comparison sends left; the float of that number lies above the double, so each
 * threshold is moved to its nearest float (as_float_threshold): a value equal to the
 * threshold then goes left in both, and the two disagree only for a number within half a
 * float's precision above a threshold (on 250,000 higgs-like test rows, 51 rows routed
 * differently, by up to 0.021 in probability, before this rounding). The training parameters of an imported model are stratum's defaults, except
 * num_trees and num_leaves (its largest tree). */
#include "gbdt_model.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/number_parse.h"

#define MAX_LEAVES 131072 /* as in stratum's model files */
#define MAX_FEATURES 1000000

typedef struct reader {
    const char *name;
    const char *p, *end; /* unread text */
    long line;           /* number of the line last read */
    const char *text;    /* that line, without its line end */
    size_t len;
    st_error *err;
} reader;

static st_status bad_at(reader *r, long line, long column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static st_status bad_at(reader *r, long line, long column, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return st__fail_at(r->err, ST_ERR_FORMAT, r->name, line, column, "%s", msg);
}

static st_status unsupported(reader *r, long line, const char *what)
{
    return bad_at(r, line, 0, "%s is not supported: stratum imports LightGBM models with "
                  "objective=binary and one tree per iteration", what);
}

static st_status nomem(reader *r)
{
    return st__fail(r->err, ST_ERR_NOMEM, "out of memory importing %s", r->name);
}

static int next_line(reader *r)
{
    if (r->p >= r->end)
        return 0;
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    const char *e = nl != NULL ? nl : r->end;
    r->text = r->p;
    r->len = (size_t)(e - r->p);
    if (r->len > 0 && r->text[r->len - 1] == '\r')
        r->len--;
    r->p = nl != NULL ? nl + 1 : r->end;
    r->line++;
    return 1;
}

static int line_is(const reader *r, const char *s)
{
    return r->len == strlen(s) && memcmp(r->text, s, r->len) == 0;
}

static int line_starts(const reader *r, const char *s)
{
    return r->len >= strlen(s) && memcmp(r->text, s, strlen(s)) == 0;
}

/* The value of a "key=value" line, where it was found (line 0: absent). */
typedef struct field {
    const char *v;
    size_t len;
    long line;
    long col; /* column of the value's first byte */
} field;

/* Stores the current line's value in the slot of its key, when the key is one of keys. */
static void keep_field(const reader *r, const char *const *keys, size_t n_keys, field *slots)
{
    const char *eq = memchr(r->text, '=', r->len);
    const size_t klen = eq != NULL ? (size_t)(eq - r->text) : r->len;
    for (size_t i = 0; i < n_keys; i++)
        if (strlen(keys[i]) == klen && memcmp(keys[i], r->text, klen) == 0) {
            slots[i].v = eq != NULL ? eq + 1 : r->text + r->len;
            slots[i].len = eq != NULL ? r->len - klen - 1 : 0;
            slots[i].line = r->line;
            slots[i].col = (long)klen + 2;
            return;
        }
}

/* ---- arrays ---- */

/* Exactly n space-separated numbers from f into out; key names f in messages. */
static st_status numbers(reader *r, const field *f, const char *key, size_t n, double *out)
{
    const char *s = f->v, *end = f->v + f->len;
    size_t i = 0;
    while (s < end) {
        const char *t = memchr(s, ' ', (size_t)(end - s));
        const char *e = t != NULL ? t : end;
        const long col = f->col + (long)(s - f->v);
        if (e == s)
            return bad_at(r, f->line, col, "%s: expected numbers separated by one space", key);
        if (i == n)
            return bad_at(r, f->line, col, "%s: more than the %zu numbers expected", key, n);
        if (!st__parse_number(s, (size_t)(e - s), &out[i]) || isnan(out[i])) {
            char q[64];
            st__quote_text(s, (size_t)(e - s), q, sizeof q);
            return bad_at(r, f->line, col, "%s: '%s' is not a number", key, q);
        }
        i++;
        s = t != NULL ? t + 1 : end;
        if (t != NULL && s == end)
            return bad_at(r, f->line, f->col + (long)f->len, "%s: a space ends the line", key);
    }
    if (i != n)
        return bad_at(r, f->line, f->col + (long)f->len, "%s: %zu numbers; expected %zu", key,
                      i, n);
    return ST_OK;
}

/* The same, each a whole number in [lo, hi]. */
static st_status integers(reader *r, const field *f, const char *key, size_t n, double lo,
                          double hi, double *out)
{
    st_status rc = numbers(r, f, key, n, out);
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        if (!(out[i] >= lo && out[i] <= hi) || out[i] != floor(out[i]))
            return bad_at(r, f->line, 0, "%s: entry %zu is %.17g; expected a whole number in "
                          "[%.0f, %.0f]", key, i, out[i], lo, hi);
    return rc;
}

static st_status one_integer(reader *r, const field *f, const char *key, double lo, double hi,
                             long *v)
{
    double x = 0;
    st_status rc = integers(r, f, key, 1, lo, hi, &x);
    *v = rc == ST_OK ? (long)x : 0; /* (x may be out of long's range otherwise) */
    return rc;
}

/* ---- the header ---- */

enum { H_VERSION, H_NUM_CLASS, H_PER_ITER, H_MAX_FEATURE, H_OBJECTIVE, H_AVERAGE, H_NAMES,
       H_KEYS };
static const char *const header_keys[H_KEYS] = {
    "version", "num_class", "num_tree_per_iteration", "max_feature_idx", "objective",
    "average_output", "feature_names"};

static st_status require(reader *r, const field *f, const char *key)
{
    if (f->line == 0)
        return bad_at(r, r->line, 0, "no %s line before the first tree: not a complete "
                      "LightGBM model file", key);
    return ST_OK;
}

/* "binary sigmoid:S": S, > 0. */
static st_status read_objective(reader *r, const field *f, double *sigmoid)
{
    const char *sp = memchr(f->v, ' ', f->len);
    const size_t wl = sp != NULL ? (size_t)(sp - f->v) : f->len;
    if (wl != 6 || memcmp(f->v, "binary", 6) != 0) {
        char what[160], q[100];
        st__quote_text(f->v, wl, q, sizeof q);
        snprintf(what, sizeof what, "objective '%s'", q);
        return unsupported(r, f->line, what);
    }
    *sigmoid = 1;
    const char *s = f->v + wl, *end = f->v + f->len;
    while (s < end) {
        s++; /* the space */
        const char *t = memchr(s, ' ', (size_t)(end - s));
        const char *e = t != NULL ? t : end;
        if (e - s > 8 && memcmp(s, "sigmoid:", 8) == 0 &&
            (!st__parse_number(s + 8, (size_t)(e - s - 8), sigmoid) || !(*sigmoid > 0) ||
             isinf(*sigmoid)))
            return bad_at(r, f->line, f->col + (long)(s - f->v), "objective: sigmoid must be "
                          "a number > 0");
        s = e;
    }
    return ST_OK;
}

/* Names separated by single spaces (LightGBM turns a space inside a name into '_'). */
static st_status read_names(reader *r, const field *f, st_gbdt *m)
{
    const char *s = f->v, *end = f->v + f->len;
    for (size_t j = 0; j < m->n_features; j++) {
        const long col = f->col + (long)(s - f->v);
        const char *t = s < end ? memchr(s, ' ', (size_t)(end - s)) : NULL;
        const char *e = t != NULL ? t : end;
        if (e == s)
            return bad_at(r, f->line, col, "feature_names: feature %zu has no name; expected "
                          "max_feature_idx + 1 = %zu names separated by one space", j,
                          m->n_features);
        if (j + 1 == m->n_features && t != NULL)
            return bad_at(r, f->line, col, "feature_names: more than max_feature_idx + 1 = "
                          "%zu names", m->n_features);
        char *name = st__malloc((size_t)(e - s) + 1);
        if (name == NULL)
            return nomem(r);
        memcpy(name, s, (size_t)(e - s));
        name[e - s] = '\0';
        m->features[j].name = name;
        m->features[j].type = ST_FEATURE_NUMERIC;
        for (size_t k = 0; k < j; k++)
            if (strcmp(m->features[k].name, name) == 0)
                return bad_at(r, f->line, col, "feature_names: '%s' appears twice", name);
        s = t != NULL ? t + 1 : end;
    }
    return ST_OK;
}

/* The header lines up to the first "Tree=" line (left as the current line). */
static st_status read_header(reader *r, st_gbdt *m, double *sigmoid)
{
    field h[H_KEYS] = {{0}};
    if (!next_line(r) || !line_is(r, "tree"))
        return bad_at(r, 1, 0, "expected 'tree' on the first line of a LightGBM model file");
    int found_tree = 0;
    while (next_line(r)) {
        if (line_starts(r, "Tree=") || line_is(r, "end of trees")) {
            found_tree = 1;
            break;
        }
        keep_field(r, header_keys, H_KEYS, h);
    }
    if (!found_tree)
        return bad_at(r, r->line, 0, "the file ends before its first 'Tree=' line: truncated?");
    st_status rc;
    long v;
    if ((rc = require(r, &h[H_VERSION], "version")) != ST_OK)
        return rc;
    const field *ver = &h[H_VERSION];
    if (ver->len != 2 || ver->v[0] != 'v' || ver->v[1] < '2' || ver->v[1] > '4') {
        char q[64];
        st__quote_text(ver->v, ver->len, q, sizeof q);
        return bad_at(r, ver->line, 0, "model format version '%s': stratum reads LightGBM's "
                      "formats v2 to v4", q);
    }
    if ((rc = require(r, &h[H_NUM_CLASS], "num_class")) != ST_OK ||
        (rc = one_integer(r, &h[H_NUM_CLASS], "num_class", 1, 1e9, &v)) != ST_OK)
        return rc;
    if (v != 1)
        return unsupported(r, h[H_NUM_CLASS].line, "a multi-class model (num_class > 1)");
    if (h[H_PER_ITER].line != 0) {
        if ((rc = one_integer(r, &h[H_PER_ITER], "num_tree_per_iteration", 1, 1e9, &v)) != ST_OK)
            return rc;
        if (v != 1)
            return unsupported(r, h[H_PER_ITER].line, "more than one tree per iteration");
    }
    if (h[H_AVERAGE].line != 0)
        return unsupported(r, h[H_AVERAGE].line, "a random forest (average_output)");
    if (h[H_OBJECTIVE].line == 0)
        return unsupported(r, r->line, "a model without an objective line (a custom "
                           "objective)");
    if ((rc = read_objective(r, &h[H_OBJECTIVE], sigmoid)) != ST_OK ||
        (rc = require(r, &h[H_MAX_FEATURE], "max_feature_idx")) != ST_OK ||
        (rc = one_integer(r, &h[H_MAX_FEATURE], "max_feature_idx", 0, MAX_FEATURES - 1,
                          &v)) != ST_OK ||
        (rc = require(r, &h[H_NAMES], "feature_names")) != ST_OK)
        return rc;
    if ((m->features = st__calloc((size_t)v + 1, sizeof *m->features)) == NULL)
        return nomem(r);
    m->n_features = (size_t)v + 1;
    return read_names(r, &h[H_NAMES], m);
}

/* ---- trees ---- */

enum { T_LEAVES, T_NUM_CAT, T_FEATURE, T_GAIN, T_THRESHOLD, T_DECISION, T_LEFT, T_RIGHT,
       T_VALUE, T_LEAF_COUNT, T_INTERNAL_COUNT, T_CAT_BOUNDS, T_CAT_BITS, T_LINEAR, T_KEYS };
static const char *const tree_keys[T_KEYS] = {
    "num_leaves", "num_cat", "split_feature", "split_gain", "threshold", "decision_type",
    "left_child", "right_child", "leaf_value", "leaf_count", "internal_count",
    "cat_boundaries", "cat_threshold", "is_linear"};

/* The arrays of one tree, as doubles. */
typedef struct tree_arrays {
    double *feature, *gain, *threshold, *decision, *left, *right, *value, *leaf_count,
        *internal_count;
} tree_arrays;

/* Every node but the root and every leaf is the child of exactly one node, which comes
 * before it (so the walk from the root reaches each once and ends). seen: 2 * n_leaves. */
static st_status check_shape(reader *r, long line, size_t t, const st__gbdt_node *nodes,
                             size_t n_leaves, int *seen)
{
    const size_t n_nodes = n_leaves - 1;
    memset(seen, 0, 2 * n_leaves * sizeof *seen);
    for (size_t k = 0; k < n_nodes; k++) {
        const int32_t c[2] = {nodes[k].left, nodes[k].right};
        for (int i = 0; i < 2; i++) {
            if (c[i] >= 0 && (size_t)c[i] <= k)
                return bad_at(r, line, 0, "tree %zu: node %zu has node %d as a child; a "
                              "child comes after its parent", t, k, (int)c[i]);
            seen[c[i] >= 0 ? (size_t)c[i] : n_leaves + (size_t)~c[i]]++;
        }
    }
    for (size_t k = 1; k < n_nodes; k++)
        if (seen[k] != 1)
            return bad_at(r, line, 0, "tree %zu: node %zu is the child of %d nodes; expected 1",
                          t, k, seen[k]);
    for (size_t l = 0; l < n_leaves && n_nodes > 0; l++)
        if (seen[n_leaves + l] != 1)
            return bad_at(r, line, 0, "tree %zu: leaf %zu is the child of %d nodes; expected 1",
                          t, l, seen[n_leaves + l]);
    return ST_OK;
}

/* The float-valued threshold that routes the floats of decimal numbers as LightGBM routes
 * their doubles: t's nearest float, except that a tiny negative t that rounds to zero
 * becomes the negative float closest to zero (0 must still go right of it). */
static double as_float_threshold(double t)
{
    if (!(fabs(t) <= FLT_MAX)) /* (and NaN) beyond every float: as it is */
        return t;
    const float f = (float)t;
    if (f == 0.0f && t < 0)
        return -(double)FLT_TRUE_MIN;
    return (double)f;
}

/* Node k's category set: bitset cat_idx of cat_boundaries / cat_threshold (read into
 * bounds and bits), copied into the model as a set over integer codes. */
static st_status categorical_node(reader *r, st_gbdt *m, const field *tf, size_t t, size_t k,
                                  double idx, const double *bounds, size_t n_cat,
                                  const double *bits, st__gbdt_node *nd)
{
    if (!(idx >= 0 && idx < (double)n_cat) || idx != floor(idx))
        return bad_at(r, tf[T_THRESHOLD].line, 0, "tree %zu: categorical node %zu has "
                      "threshold %.17g; expected a bitset index below num_cat = %zu", t, k, idx,
                      n_cat);
    const size_t c = (size_t)idx;
    const size_t w0 = (size_t)bounds[c], n_words = (size_t)bounds[c + 1] - w0;
    const int64_t at = st__gbdt_add_cat_set(m, n_words);
    if (at == 0)
        return nomem(r);
    for (size_t w = 0; w < n_words; w++)
        m->cat_bits[(size_t)at - 1 + w] = (uint32_t)bits[w0 + w];
    nd->cat_set = at;
    nd->threshold = 32.0 * (double)n_words; /* the codes the set covers */
    nd->default_left = 0;                   /* NaN and codes outside the set go right */
    return ST_OK;
}

/* The category bitsets of a tree with n_cat > 0: bounds (n_cat + 1 word offsets, from 0,
 * increasing) and *bits (their words, allocated here). */
static st_status read_cat_sets(reader *r, const field *tf, size_t t, size_t n_cat,
                               double *bounds, double **bits)
{
    if (tf[T_CAT_BOUNDS].line == 0 || tf[T_CAT_BITS].line == 0)
        return bad_at(r, tf[T_NUM_CAT].line, 0, "tree %zu has num_cat = %zu but no %s line", t,
                      n_cat, tf[T_CAT_BOUNDS].line == 0 ? "cat_boundaries" : "cat_threshold");
    const field *bf = &tf[T_CAT_BITS];
    /* n words take at least 2n - 1 bytes: bounds the allocation by the file's size */
    st_status rc = integers(r, &tf[T_CAT_BOUNDS], "cat_boundaries", n_cat + 1, 0,
                            (double)bf->len / 2 + 1, bounds);
    if (rc != ST_OK)
        return rc;
    for (size_t c = 0; c < n_cat; c++)
        if (bounds[c + 1] < bounds[c] || (c == 0 && bounds[0] != 0))
            return bad_at(r, tf[T_CAT_BOUNDS].line, 0, "cat_boundaries: expected increasing "
                          "word offsets from 0");
    const size_t n_words = (size_t)bounds[n_cat];
    if ((*bits = st__malloc_array(n_words ? n_words : 1, sizeof **bits)) == NULL)
        return nomem(r);
    return integers(r, bf, "cat_threshold", n_words, 0, 4294967295.0, *bits);
}

/* The arrays of the internal nodes of a tree of nl > 1 leaves, and its leaf counts. */
static st_status read_split_arrays(reader *r, const field *tf, double n_features, size_t nl,
                                   const tree_arrays *a)
{
    const size_t nn = nl - 1;
    const double big = 2147483647.0, lo = -(double)nl, hi = (double)nn - 1;
    st_status rc;
    memset(a->gain, 0, nn * sizeof *a->gain); /* no split_gain line: no gains */
    if ((rc = integers(r, &tf[T_FEATURE], "split_feature", nn, 0, n_features - 1,
                       a->feature)) != ST_OK ||
        (tf[T_GAIN].line != 0 &&
         (rc = numbers(r, &tf[T_GAIN], "split_gain", nn, a->gain)) != ST_OK) ||
        (rc = numbers(r, &tf[T_THRESHOLD], "threshold", nn, a->threshold)) != ST_OK ||
        (rc = integers(r, &tf[T_DECISION], "decision_type", nn, 0, 15, a->decision)) != ST_OK ||
        (rc = integers(r, &tf[T_LEFT], "left_child", nn, lo, hi, a->left)) != ST_OK ||
        (rc = integers(r, &tf[T_RIGHT], "right_child", nn, lo, hi, a->right)) != ST_OK ||
        (rc = integers(r, &tf[T_LEAF_COUNT], "leaf_count", nl, 0, big, a->leaf_count)) != ST_OK)
        return rc;
    return integers(r, &tf[T_INTERNAL_COUNT], "internal_count", nn, 0, big, a->internal_count);
}

/* The nodes of one tree from its arrays. */
static st_status build_nodes(reader *r, st_gbdt *m, const field *tf, size_t t, size_t n_leaves,
                             const tree_arrays *a, const double *bounds, size_t n_cat,
                             const double *bits, st__gbdt_node *nodes)
{
    for (size_t k = 0; k + 1 < n_leaves; k++) {
        st__gbdt_node *nd = &nodes[k];
        const int dt = (int)a->decision[k];
        const int missing = (dt >> 2) & 3;
        if (missing == 3)
            return bad_at(r, tf[T_DECISION].line, 0, "tree %zu: decision_type %d of node %zu "
                          "has missing type 3; expected 0 (None), 1 (Zero) or 2 (NaN)", t, dt,
                          k);
        *nd = (st__gbdt_node){.feature = (int32_t)a->feature[k], .gain = a->gain[k],
                              .left = (int32_t)a->left[k], .right = (int32_t)a->right[k],
                              .cover = a->internal_count[k],
                              .threshold = as_float_threshold(a->threshold[k]),
                              .default_left = (dt >> 1) & 1};
        if (dt & 1) {
            st_status rc = categorical_node(r, m, tf, t, k, a->threshold[k], bounds, n_cat,
                                            bits, nd);
            if (rc != ST_OK)
                return rc;
        } else if (missing == 0) {
            nd->default_left = 0.0 <= a->threshold[k]; /* NaN is read as 0 */
        } else if (missing == 1) {
            nd->cat_set = ST__GBDT_ZERO_MISSING;
        }
    }
    return ST_OK;
}

/* The lines of the tree block after "Tree=K" into tf, up to a blank line or the next
 * block; 0 when the file ends first (LightGBM ends every block with a blank line, and the
 * trees with "end of trees": the file was cut). */
static int read_tree_fields(reader *r, field *tf)
{
    memset(tf, 0, T_KEYS * sizeof *tf);
    const char *p = r->p;
    long line = r->line;
    while (next_line(r)) {
        if (r->len == 0 || line_starts(r, "Tree=") || line_is(r, "end of trees")) {
            r->p = p; /* leave it unread */
            r->line = line;
            return 1;
        }
        keep_field(r, tree_keys, T_KEYS, tf);
        p = r->p;
        line = r->line;
    }
    return 0;
}

/* The tree whose "Tree=K" line is the current one, appended to m. */
static st_status read_tree(reader *r, st_gbdt *m, size_t t, double sigmoid, size_t *leaves)
{
    const long head = r->line;
    double k = -1;
    if (!st__parse_number(r->text + 5, r->len - 5, &k) || k != (double)t)
        return bad_at(r, head, 0, "expected 'Tree=%zu'", t);
    field tf[T_KEYS];
    if (!read_tree_fields(r, tf))
        return bad_at(r, r->line, 0, "the file ends inside tree %zu: truncated?", t);
    long n_leaves = 0, n_cat = 0, linear = 0;
    st_status rc;
    for (int key = T_LEAVES; key <= T_NUM_CAT; key++)
        if (tf[key].line == 0)
            return bad_at(r, head, 0, "tree %zu has no %s line", t, tree_keys[key]);
    if ((rc = one_integer(r, &tf[T_LEAVES], "num_leaves", 1, MAX_LEAVES, &n_leaves)) != ST_OK ||
        (rc = one_integer(r, &tf[T_NUM_CAT], "num_cat", 0, (double)n_leaves - 1,
                          &n_cat)) != ST_OK ||
        (tf[T_LINEAR].line != 0 &&
         (rc = one_integer(r, &tf[T_LINEAR], "is_linear", 0, 1, &linear)) != ST_OK))
        return rc;
    if (linear)
        return unsupported(r, tf[T_LINEAR].line, "a linear tree (is_linear=1)");
    const size_t nl = (size_t)n_leaves, nn = nl - 1;
    const int splits = nl > 1;
    for (int key = T_FEATURE; key <= T_INTERNAL_COUNT; key++)
        if (tf[key].line == 0 && (key == T_VALUE || (splits && key != T_GAIN)))
            return bad_at(r, head, 0, "tree %zu has no %s line", t, tree_keys[key]);
    /* 9 arrays of up to nl numbers; nodes; bounds; the shape check's counts */
    double *buf = st__malloc_array(9 * nl + (size_t)n_cat + 1, sizeof *buf);
    st__gbdt_node *nodes = st__malloc_array(nn ? nn : 1, sizeof *nodes);
    int *seen = st__malloc_array(2 * nl, sizeof *seen);
    double *bits = NULL;
    if (buf == NULL || nodes == NULL || seen == NULL) {
        st__free(buf);
        st__free(nodes);
        st__free(seen);
        return nomem(r);
    }
    const tree_arrays a = {buf, buf + nl, buf + 2 * nl, buf + 3 * nl, buf + 4 * nl,
                           buf + 5 * nl, buf + 6 * nl, buf + 7 * nl, buf + 8 * nl};
    double *bounds = buf + 9 * nl;
    rc = numbers(r, &tf[T_VALUE], "leaf_value", nl, a.value);
    if (rc == ST_OK && splits)
        rc = read_split_arrays(r, tf, (double)m->n_features, nl, &a);
    if (rc == ST_OK && n_cat > 0)
        rc = read_cat_sets(r, tf, t, (size_t)n_cat, bounds, &bits);
    if (rc == ST_OK && splits)
        rc = build_nodes(r, m, tf, t, nl, &a, bounds, (size_t)n_cat, bits, nodes);
    if (rc == ST_OK && splits)
        rc = check_shape(r, tf[T_LEFT].line, t, nodes, nl, seen);
    for (size_t l = 0; rc == ST_OK && l < nl; l++) {
        if (sigmoid != 1) /* stratum's probability is the logistic of the raw score */
            a.value[l] *= sigmoid;
        if (isinf(a.value[l]))
            rc = bad_at(r, tf[T_VALUE].line, 0, "tree %zu: leaf value %zu is infinite", t, l);
    }
    /* a single leaf has no split: its count is not needed (LightGBM's ExpectedValue is
     * its value) */
    if (rc == ST_OK && !splits)
        a.leaf_count[0] = 0;
    if (rc == ST_OK && !st__gbdt_append_tree_covers(m, nodes, a.value, a.leaf_count, nl))
        rc = nomem(r);
    *leaves = nl;
    st__free(buf);
    st__free(nodes);
    st__free(seen);
    st__free(bits);
    return rc;
}

/* "Tree=" lines in the text: how many trees to make room for. */
static size_t count_trees(const char *data, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i + 5 <= size; i++)
        if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, "Tree=", 5) == 0)
            n++;
    return n;
}

static st_status read_trees(reader *r, st_gbdt *m, double sigmoid, size_t n_trees)
{
    m->tree_cap = n_trees + 1;
    m->node_start = st__calloc(m->tree_cap, sizeof *m->node_start);
    m->leaf_start = st__calloc(m->tree_cap, sizeof *m->leaf_start);
    if (m->node_start == NULL || m->leaf_start == NULL)
        return nomem(r);
    size_t t = 0, most = 2;
    /* the current line is the first "Tree=" or "end of trees" line */
    for (;;) {
        if (line_is(r, "end of trees"))
            break;
        if (!line_starts(r, "Tree="))
            return bad_at(r, r->line, 0, "expected 'Tree=%zu' or 'end of trees'", t);
        size_t leaves = 0;
        st_status rc = read_tree(r, m, t, sigmoid, &leaves);
        if (rc != ST_OK)
            return rc;
        most = leaves > most ? leaves : most;
        t++;
        do {
            if (!next_line(r))
                return bad_at(r, r->line, 0, "the file ends after tree %zu without the 'end of "
                              "trees' line: truncated?", t - 1);
        } while (r->len == 0);
    }
    if (t == 0)
        return bad_at(r, r->line, 0, "the model has no trees");
    m->params.num_trees = (int)(t < 2147483647 ? t : 2147483647);
    m->params.num_leaves = (int)most;
    return ST_OK;
}

st_status st__gbdt_import_lightgbm(const char *data, size_t size, const char *name,
                                   st_gbdt **out, st_error *err)
{
    *out = NULL;
    reader r = {.name = name, .p = data, .end = data + size, .err = err};
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    st_gbdt *m = st__calloc(1, sizeof *m);
    if (m == NULL)
        return nomem(&r);
    m->params = st_gbdt_params_default();
    m->params.seed = 0; /* not trained here: the seed its files have always shown */
    double sigmoid = 1;
    st_status rc = read_header(&r, m, &sigmoid);
    if (rc == ST_OK)
        rc = read_trees(&r, m, sigmoid, count_trees(data, size));
    if (rc != ST_OK) {
        st_gbdt_free(m);
        return rc;
    }
    m->init_score = 0;
    *out = m;
    return ST_OK;
}

int st__gbdt_is_lightgbm(const char *data, size_t size)
{
    size_t i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (size - i < 5 || memcmp(data + i, "tree", 4) != 0)
        return 0;
    i += 4;
    if (data[i] == '\r')
        i++;
    return i < size && data[i] == '\n' && size - i - 1 >= 9 &&
           memcmp(data + i + 1, "version=v", 9) == 0;
}
