/* Texts analysed once, fitted many times (st_text_corpus, text_impl.h): cross-validation
 * fits a featurizer on every training part and featurizes its training and test rows; the
 * texts do not change between folds, only which rows fit. The corpus tokenises each text
 * (each level of the column) once and keeps its distinct term ids with their counts; a fit
 * counts document frequencies from those lists and keeps the same columns, with the same
 * IDF, as st__text_fit_source on the rows' texts would. */
#include "text_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static st_status oom(st_error *err, const char *col)
{
    return st__fail(err, ST_ERR_NOMEM, "out of memory analysing text column '%s'", col);
}

/* A hash to recognise a level's text in another dataset, eight bytes a step (every fold
 * checks its rows' texts: a byte-at-a-time hash cost more than the rest of the check). */
static uint64_t text_hash(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, len - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void st_text_corpus_free(st_text_corpus *c)
{
    if (c == NULL)
        return;
    st__free(c->column);
    st__tmap_free(&c->terms);
    st__free(c->keys);
    st__free(c->lens);
    st__free(c->bucket);
    st__free(c->sign);
    st__free(c->level_off);
    st__free(c->level_n);
    st__free(c->entries);
    st__free(c->analysed);
    st__free(c->level_hash);
    st__free(c->level_len);
    st__free(c);
}

/* Grows the per-term arrays (hashing mode) to cover the term ids of the map. */
static int grow_terms(st_text_corpus *c, size_t *cap)
{
    if (c->opt.hash_bits == 0 || c->terms.n <= *cap)
        return 1;
    size_t n = *cap < 1024 ? 1024 : 2 * *cap;
    while (n < c->terms.n)
        n *= 2;
    uint32_t *b = st__realloc_array(c->bucket, n, sizeof *b);
    if (b == NULL)
        return 0;
    c->bucket = b;
    signed char *s = st__realloc_array(c->sign, n, sizeof *s);
    if (s == NULL)
        return 0;
    c->sign = s;
    *cap = n;
    return 1;
}

/* Level lv's terms, from the analyzer, appended to c->entries as (id, count), in the order
 * first found (renumber sorts them): `seen` and `pos` say where a term of this level is. */
static st_status add_level(st_text_corpus *c, const st__analyzer *a, size_t lv,
                           size_t *n_entries, size_t *entry_cap, size_t *term_cap,
                           size_t **seen, size_t **pos, size_t *seen_cap)
{
    if (*n_entries + a->n_terms > *entry_cap) {
        size_t n = *entry_cap < 4096 ? 4096 : *entry_cap;
        while (n < *n_entries + a->n_terms)
            n *= 2;
        uint64_t *e = st__realloc_array(c->entries, n, sizeof *e);
        if (e == NULL)
            return ST_ERR_NOMEM;
        c->entries = e, *entry_cap = n;
    }
    uint64_t *mine = c->entries + *n_entries;
    size_t u = 0;
    for (size_t t = 0; t < a->n_terms; t++) {
        const char *term = a->grams + a->term_off[t];
        size_t before = c->terms.n;
        long id = st__tmap_intern(&c->terms, term, a->term_len[t]);
        if (id < 0 || !grow_terms(c, term_cap))
            return ST_ERR_NOMEM;
        if (c->terms.n > *seen_cap) {
            size_t n = *seen_cap < 4096 ? 4096 : 2 * *seen_cap;
            size_t *s = st__realloc_array(*seen, n, sizeof *s);
            if (s == NULL)
                return ST_ERR_NOMEM;
            *seen = s;
            size_t *p = st__realloc_array(*pos, n, sizeof *p);
            if (p == NULL)
                return ST_ERR_NOMEM;
            *pos = p;
            memset(*seen + *seen_cap, 0, (n - *seen_cap) * sizeof **seen);
            *seen_cap = n;
        }
        if (c->terms.n > before && c->opt.hash_bits > 0) {
            int sign;
            c->bucket[id] = st__text_bucket(term, a->term_len[t], c->opt.hash_bits, &sign);
            c->sign[id] = (signed char)sign;
        }
        if ((*seen)[id] == lv + 1) {
            mine[(*pos)[id]]++;
        } else {
            (*seen)[id] = lv + 1;
            (*pos)[id] = u;
            mine[u++] = (uint64_t)id << 32 | 1u;
        }
    }
    *n_entries += u;
    c->level_off[lv] = *n_entries - u;
    c->level_n[lv] = u;
    if (u > c->max_level_terms)
        c->max_level_terms = u;
    return ST_OK;
}

typedef struct term_ref {
    uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded: compared first */
    const char *key;
    size_t len;
    uint32_t id;
} term_ref;

static uint64_t prefix_of(const char *s, size_t len)
{
    uint64_t p = 0;
    for (size_t i = 0; i < 8; i++)
        p = p << 8 | (i < len ? (unsigned char)s[i] : 0u); /* terms hold no NUL byte */
    return p;
}

static int compare_terms(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* Term ids from the order found to byte order, once, for the terms that some fit could
 * keep: those in at least min_df of the rows the corpus was built from (a subset of them
 * has no more). A fit's vocabulary is then its kept terms in id order, nothing to sort.
 * The other terms come after, in the order found (a fit on rows repeated more often than
 * in the build, a bootstrap, may keep one of them: it sorts its terms then). */
static int renumber(st_text_corpus *c, const st__text_source *src, size_t n_src)
{
    size_t n = c->terms.n;
    size_t *df = st__calloc(n + 1, sizeof *df);
    term_ref *ref = st__malloc_array(n + 1, sizeof *ref);
    uint32_t *rank = st__malloc_array(n + 1, sizeof *rank);
    c->keys = st__malloc_array(n + 1, sizeof *c->keys);
    c->lens = st__malloc_array(n + 1, sizeof *c->lens);
    uint32_t *bucket = c->opt.hash_bits > 0 ? st__malloc_array(n + 1, sizeof *bucket) : NULL;
    signed char *sign = c->opt.hash_bits > 0 ? st__malloc_array(n + 1, sizeof *sign) : NULL;
    int ok = df != NULL && ref != NULL && rank != NULL && c->keys != NULL && c->lens != NULL &&
             (c->opt.hash_bits == 0 || (bucket != NULL && sign != NULL));
    for (size_t d = 0; ok && d < n_src; d++)
        for (size_t i = 0; i < src[d].n; i++) {
            float code = src[d].codes[i];
            size_t lv = isnan(code) ? 0 : (size_t)code;
            for (size_t p = 0; !isnan(code) && p < c->level_n[lv]; p++)
                df[c->entries[c->level_off[lv] + p] >> 32]++;
        }
    size_t n_sorted = 0, m = 0;
    for (size_t k = 0; ok && k < n; k++)
        n_sorted += df[k] >= c->opt.min_df;
    for (size_t k = 0; ok && k < n; k++) {
        size_t at = df[k] >= c->opt.min_df ? m++ : n_sorted + (k - m);
        ref[at] = (term_ref){prefix_of(c->terms.keys[k], c->terms.lens[k]), c->terms.keys[k],
                             c->terms.lens[k], (uint32_t)k};
    }
    if (ok)
        qsort(ref, n_sorted, sizeof *ref, compare_terms);
    c->n_sorted = n_sorted;
    for (size_t r = 0; ok && r < n; r++) {
        rank[ref[r].id] = (uint32_t)r;
        c->keys[r] = c->terms.keys[ref[r].id];
        c->lens[r] = ref[r].len;
        if (bucket != NULL)
            bucket[r] = c->bucket[ref[r].id], sign[r] = c->sign[ref[r].id];
    }
    for (size_t lv = 0; ok && lv < c->n_levels; lv++) {
        uint64_t *e = c->entries + c->level_off[lv];
        for (size_t t = 0; t < c->level_n[lv]; t++)
            e[t] = (uint64_t)rank[e[t] >> 32] << 32 | (e[t] & 0xffffffffu);
        qsort(e, c->level_n[lv], sizeof *e, compare_u64);
    }
    if (ok && bucket != NULL) {
        st__free(c->bucket), st__free(c->sign);
        c->bucket = bucket, c->sign = sign;
    } else {
        st__free(bucket), st__free(sign);
    }
    st__free(df);
    st__free(ref);
    st__free(rank);
    return ok;
}

st_status st__text_corpus_build_sources(const st__text_source *src, size_t n_src,
                                        const char *const *source_names, const char *column,
                                        const st_text_options *opt, st_text_corpus **out,
                                        st_error *err)
{
    *out = NULL;
    st_text_corpus *c = st__calloc(1, sizeof *c);
    size_t nl = st_dataset_n_levels(src[0].ds, src[0].j);
    if (c == NULL || (c->column = st__strdup(column)) == NULL) {
        st__free(c);
        return oom(err, column);
    }
    c->opt = *opt;
    c->n_levels = nl;
    c->level_off = st__calloc(nl + 1, sizeof *c->level_off);
    c->level_n = st__calloc(nl + 1, sizeof *c->level_n);
    c->analysed = st__calloc(nl + 1, 1);
    c->level_hash = st__calloc(nl + 1, sizeof *c->level_hash);
    c->level_len = st__calloc(nl + 1, sizeof *c->level_len);
    st__analyzer a;
    memset(&a, 0, sizeof a);
    a.opt = *opt;
    size_t n_entries = 0, entry_cap = 0, term_cap = 0, *seen = NULL, *pos = NULL, seen_cap = 0;
    st_status rc = c->level_off != NULL && c->level_n != NULL && c->analysed != NULL && c->level_hash != NULL &&
                           c->level_len != NULL
                       ? ST_OK
                       : ST_ERR_NOMEM;
    for (size_t d = 0; d < n_src && rc == ST_OK; d++) {
        if (st_dataset_n_levels(src[d].ds, src[d].j) != nl) {
            rc = st__fail(err, ST_ERR_INVALID_ARG, "st_text_corpus_build: the datasets' "
                          "column '%s' differ in their texts", column);
            break;
        }
        for (size_t i = 0; i < src[d].n && rc == ST_OK; i++) {
            float code = src[d].codes[i];
            if (isnan(code) || c->analysed[(size_t)code])
                continue;
            size_t lv = (size_t)code, len, bad = 0;
            const char *s;
            st__text_source_get(&src[d], i, &s, &len);
            rc = st__analyze(&a, s, len, &bad);
            if (rc == ST_ERR_PARSE)
                rc = st__text_bad_utf8(err, source_names[d], column, i, bad);
            else if (rc == ST_OK)
                rc = add_level(c, &a, lv, &n_entries, &entry_cap, &term_cap, &seen, &pos,
                               &seen_cap);
            c->analysed[lv] = 1;
            c->level_hash[lv] = text_hash(s, len);
            c->level_len[lv] = len;
        }
    }
    st__analyzer_free(&a);
    st__free(seen);
    st__free(pos);
    if (rc == ST_OK && !renumber(c, src, n_src))
        rc = ST_ERR_NOMEM;
    if (rc == ST_ERR_NOMEM)
        rc = oom(err, column);
    if (rc != ST_OK) {
        st_text_corpus_free(c);
        return rc;
    }
    *out = c;
    return ST_OK;
}

st_status st__text_corpus_check(const st_text_corpus *c, const st__text_source *src,
                                const char *fn, st_error *err)
{
    const char *why = NULL;
    if (strcmp(st_dataset_feature_name(src->ds, src->j), c->column) != 0)
        why = "another column";
    else if (st_dataset_n_levels(src->ds, src->j) != c->n_levels)
        why = "other texts";
    unsigned char *seen = why == NULL ? st__calloc(c->n_levels + 1, 1) : NULL;
    if (why == NULL && seen == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    for (size_t i = 0; why == NULL && i < src->n; i++) {
        float code = src->codes[i];
        if (isnan(code) || seen[(size_t)code])
            continue;
        size_t lv = (size_t)code, len;
        const char *s;
        st__text_source_get(src, i, &s, &len);
        if (!c->analysed[lv] || c->level_len[lv] != len || c->level_hash[lv] != text_hash(s, len))
            why = "other texts";
        seen[lv] = 1;
    }
    st__free(seen);
    if (why != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: text column '%s' of the data has %s "
                        "than the corpus (build it from this dataset or one it is a subset "
                        "of)", fn, c->column, why);
    return ST_OK;
}

/* Vocabulary mode: each term's document frequency over the rows' texts. */
static st_status fit_vocabulary(st_text_featurizer *f, const st_text_corpus *c,
                                const st__text_source *src, st_error *err)
{
    size_t *df = st__calloc(c->terms.n + 1, sizeof *df);
    if (df == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory fitting text column '%s'",
                        f->column);
    for (size_t i = 0; i < src->n; i++) {
        float code = src->codes[i];
        if (isnan(code))
            continue;
        size_t lv = (size_t)code;
        for (size_t p = c->level_off[lv]; p < c->level_off[lv] + c->level_n[lv]; p++)
            df[c->entries[p] >> 32]++;
    }
    int sorted = 1; /* no kept term past the sorted ones */
    for (size_t id = c->n_sorted; id < c->terms.n && sorted; id++)
        sorted = df[id] < f->opt.min_df;
    st_status rc = st__text_keep_terms(f, c->keys, c->lens, df, c->terms.n, sorted, err);
    st__free(df);
    return rc;
}

/* Hashing mode: each bucket's document frequency over the rows (text_fit.c's way). */
static st_status fit_buckets(st_text_featurizer *f, const st_text_corpus *c,
                             const st__text_source *src, st_error *err)
{
    uint32_t *df, *stamp;
    st_status rc = st__text_bucket_counts(c->opt.hash_bits, src->n, &df, &stamp);
    if (rc == ST_ERR_INVALID_ARG)
        return st__fail(err, rc, "text column '%s': %zu texts; at most 2^32 - 2", f->column,
                        src->n);
    if (rc != ST_OK)
        return st__fail(err, ST_ERR_NOMEM, "out of memory fitting text column '%s'",
                        f->column);
    for (size_t i = 0; i < src->n; i++) {
        if (isnan(src->codes[i]))
            continue;
        size_t lv = (size_t)src->codes[i];
        for (size_t p = c->level_off[lv]; p < c->level_off[lv] + c->level_n[lv]; p++) {
            uint32_t b = c->bucket[c->entries[p] >> 32];
            if (stamp[b] != (uint32_t)(i + 1))
                stamp[b] = (uint32_t)(i + 1), df[b]++;
        }
    }
    st__free(stamp);
    rc = st__text_keep_buckets(f, df, (size_t)1 << c->opt.hash_bits, err);
    st__free(df);
    return rc;
}

st_status st__text_fit_corpus_source(const st_text_corpus *c, const st__text_source *src,
                                     const char *source_name, st_text_featurizer **out,
                                     st_error *err)
{
    st_text_featurizer *f = NULL;
    st_status rc = st__text_corpus_check(c, src, "st_text_fit_corpus", err);
    if (rc == ST_OK)
        rc = st__text_featurizer_new(c->column, &c->opt, src->n, &f, err);
    if (rc != ST_OK) {
        *out = NULL;
        return rc;
    }
    rc = c->opt.hash_bits > 0 ? fit_buckets(f, c, src, err) : fit_vocabulary(f, c, src, err);
    return st__text_fit_finish(f, rc, source_name, out, err);
}
