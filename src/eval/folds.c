/* Cross-validation folds: stratified by label, grouped, or given by the caller (see
 * include/stratum/folds.h for the rules). */
#include <stratum/folds.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "folds_impl.h"

st_folds_params st_folds_params_default(void)
{
    st_folds_params p = {.n_folds = 5, .n_repeats = 1, .seed = ST_DEFAULT_SEED, .groups = NULL,
                         .fold_ids = NULL};
    return p;
}

/* splitmix64 (Steele, Lea and Flood 2014). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* The stream of repeat r: its state is the seed mixed with r. */
static uint64_t repeat_state(unsigned long long seed, size_t r)
{
    uint64_t s = (uint64_t)seed ^ (0xD1B54A32D192ED03ULL * ((uint64_t)r + 1));
    next_random(&s);
    return s;
}

/* Fisher-Yates shuffle of a[0..n-1]. */
static void shuffle(size_t *a, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)((double)(next_random(state) >> 11) * 0x1p-53 * (double)i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Stratified: each class shuffled and dealt in turn, negatives continuing the deal. */
static void stratified(const float *labels, size_t n, size_t k, uint64_t state, size_t *idx,
                       int *fold)
{
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        if (labels[i] == 1.0f)
            idx[n_pos++] = i;
    size_t m = n_pos;
    for (size_t i = 0; i < n; i++)
        if (labels[i] != 1.0f)
            idx[m++] = i;
    shuffle(idx, n_pos, &state);
    shuffle(idx + n_pos, n - n_pos, &state);
    for (size_t j = 0; j < n; j++)
        fold[idx[j]] = (int)(j % k);
}

typedef struct keyed {
    double key;
    size_t pos, id;
} keyed;

static int by_key(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Numbers the distinct values of v (ascending) into code[i]; returns how many, and -1
 * (with err filled) for a non-finite value. keys is scratch of n entries. */
static long distinct_codes(const double *v, size_t n, const char *what, keyed *keys,
                           size_t *code, st_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            st__fail(err, ST_ERR_DATA, "folds: %s of row %zu is not a finite number; "
                     "expected a group or fold id", what, i + 1);
            return -1;
        }
        keys[i] = (keyed){v[i], i, i};
    }
    qsort(keys, n, sizeof *keys, by_key);
    long m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && keys[i].key != keys[i - 1].key)
            m++;
        code[keys[i].id] = (size_t)m;
    }
    return m + 1;
}

/* The fold of each group in one repeat (see the header). gsize/gpos: rows and positive
 * rows per group. */
static void assign_groups(size_t n_groups, const size_t *gsize, const size_t *gpos, size_t k,
                          uint64_t state, keyed *keys, size_t *order, size_t *rows_in,
                          size_t *pos_in, int *gfold)
{
    memset(rows_in, 0, k * sizeof *rows_in);
    memset(pos_in, 0, k * sizeof *pos_in);
    for (int stratum = 1; stratum >= 0; stratum--) {
        size_t m = 0;
        for (size_t g = 0; g < n_groups; g++)
            if ((gpos[g] > 0) == stratum)
                order[m++] = g;
        shuffle(order, m, &state);
        for (size_t a = 0; a < m; a++)
            keys[a] = (keyed){-(double)gsize[order[a]], a, order[a]};
        qsort(keys, m, sizeof *keys, by_key); /* largest first, ties in shuffled order */
        for (size_t a = 0; a < m; a++) {
            size_t g = keys[a].id, best = 0;
            for (size_t f = 1; f < k; f++) {
                int better = stratum ? (pos_in[f] < pos_in[best] ||
                                        (pos_in[f] == pos_in[best] && rows_in[f] < rows_in[best]))
                                     : rows_in[f] < rows_in[best];
                if (better)
                    best = f;
            }
            gfold[g] = (int)best;
            rows_in[best] += gsize[g];
            pos_in[best] += gpos[g];
        }
    }
}

static st_status grouped(const float *labels, size_t n, const st_folds_params *prm,
                         int *fold, st_error *err)
{
    const size_t k = prm->n_folds;
    keyed *keys = st__malloc_array(n, sizeof *keys);
    size_t *code = st__malloc_array(n, sizeof *code);
    size_t *gsize = st__calloc(n, sizeof *gsize), *gpos = st__calloc(n, sizeof *gpos);
    size_t *order = st__malloc_array(n, sizeof *order);
    size_t *counts = st__malloc_array(2 * k, sizeof *counts);
    int *gfold = st__malloc_array(n, sizeof *gfold);
    st_status rc = ST_OK;
    if (!keys || !code || !gsize || !gpos || !order || !counts || !gfold) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the folds of %zu rows", n);
        goto done;
    }
    long n_groups = distinct_codes(prm->groups, n, "the group id", keys, code, err);
    if (n_groups < 0) {
        rc = ST_ERR_DATA;
        goto done;
    }
    if ((size_t)n_groups < k) {
        rc = st__fail(err, ST_ERR_DATA, "folds: %ld groups cannot make %zu folds; expected at "
                      "least as many groups as folds", n_groups, k);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        gsize[code[i]]++;
        gpos[code[i]] += labels[i] == 1.0f;
    }
    for (size_t r = 0; r < prm->n_repeats; r++) {
        assign_groups((size_t)n_groups, gsize, gpos, k, repeat_state(prm->seed, r), keys,
                      order, counts, counts + k, gfold);
        for (size_t i = 0; i < n; i++)
            fold[r * n + i] = gfold[code[i]];
    }
done:
    st__free(keys), st__free(code), st__free(gsize), st__free(gpos);
    st__free(order), st__free(counts), st__free(gfold);
    return rc;
}

static st_status given(size_t n, const double *ids, int *fold, size_t *n_folds, st_error *err)
{
    keyed *keys = st__malloc_array(n, sizeof *keys);
    size_t *code = st__malloc_array(n, sizeof *code);
    st_status rc = ST_OK;
    if (keys == NULL || code == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the folds of %zu rows", n);
        goto done;
    }
    long k = distinct_codes(ids, n, "the fold id", keys, code, err);
    if (k < 0) {
        rc = ST_ERR_DATA;
    } else if (k < 2 || k > 1000000) {
        rc = st__fail(err, ST_ERR_DATA, "folds: the fold ids take %ld distinct values; "
                      "expected from 2 to 1000000", k);
    } else {
        for (size_t i = 0; i < n; i++)
            fold[i] = (int)code[i];
        *n_folds = (size_t)k;
    }
done:
    st__free(keys), st__free(code);
    return rc;
}

static st_status check(const float *labels, size_t n, const st_folds_params *p, int *fold,
                       size_t n_fold, size_t *n_folds, st_error *err)
{
    if (fold == NULL || n_folds == NULL || (labels == NULL && p->fold_ids == NULL))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: %s is NULL",
                        fold == NULL ? "fold" : n_folds == NULL ? "n_folds" : "labels");
    if (n == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: expected at least one row");
    if (p->groups != NULL && p->fold_ids != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: groups and fold_ids exclude "
                        "each other");
    if (p->fold_ids == NULL && (p->n_folds < 2 || p->n_folds > 1000000))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: n_folds is %zu; expected "
                        "from 2 to 1000000", p->n_folds);
    if (p->n_repeats < 1 || p->n_repeats > 1000000 || (p->fold_ids != NULL && p->n_repeats != 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: n_repeats is %zu; expected "
                        "%s", p->n_repeats, p->fold_ids != NULL ? "1 with fold_ids"
                                                                : "from 1 to 1000000");
    if (n_fold / p->n_repeats < n)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_folds_make: fold has room for %zu values; "
                        "expected n * n_repeats = %zu * %zu", n_fold, n, p->n_repeats);
    for (size_t i = 0; labels != NULL && i < n; i++)
        if (labels[i] != 0.0f && labels[i] != 1.0f)
            return st__fail(err, ST_ERR_DATA, "st_folds_make: the label of row %zu is %g; "
                            "expected 0 or 1", i + 1, (double)labels[i]);
    if (p->fold_ids == NULL && p->groups == NULL && n < p->n_folds)
        return st__fail(err, ST_ERR_DATA, "folds: %zu rows cannot make %zu folds; expected at "
                        "least as many rows as folds", n, p->n_folds);
    return ST_OK;
}

st_status st_folds_make(const float *labels, size_t n, const st_folds_params *prm_in,
                        int *fold, size_t n_fold, size_t *n_folds, st_error *err)
{
    st_folds_params prm = prm_in != NULL ? *prm_in : st_folds_params_default();
    st_status rc = check(labels, n, &prm, fold, n_fold, n_folds, err);
    if (rc != ST_OK)
        return rc;
    if (prm.fold_ids != NULL)
        return given(n, prm.fold_ids, fold, n_folds, err);
    if (prm.groups != NULL) {
        rc = grouped(labels, n, &prm, fold, err);
    } else {
        size_t *idx = st__malloc_array(n, sizeof *idx);
        if (idx == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the folds of %zu rows", n);
        for (size_t r = 0; r < prm.n_repeats; r++)
            stratified(labels, n, prm.n_folds, repeat_state(prm.seed, r), idx, fold + r * n);
        st__free(idx);
    }
    if (rc == ST_OK)
        *n_folds = prm.n_folds;
    return rc;
}

void st__folds_split(const int *fold, size_t n, int f, size_t *train, size_t *n_train,
                     size_t *test, size_t *n_test)
{
    size_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == f)
            test[b++] = i;
        else
            train[a++] = i;
    }
    *n_train = a;
    *n_test = b;
}
