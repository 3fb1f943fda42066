/* Fitting a featurizer (st_text_fit, st__text_fit_source): one pass over the texts counts
 * each term's (vocabulary mode) or bucket's (hashing mode) document frequency; the ones in
 * at least min_df texts become the columns, in byte or bucket order, with their IDF. */
#include "text_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

typedef struct term_df {
    const char *key;
    size_t len, df;
} term_df;

static int compare_terms(const void *a, const void *b)
{
    const term_df *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static double idf_of(const st_text_options *o, size_t n, size_t df)
{
    return o->tfidf ? log((1.0 + (double)n) / (1.0 + (double)df)) + 1.0 : 1.0;
}

static st_status oom(st_error *err, const char *col)
{
    return st__fail(err, ST_ERR_NOMEM, "out of memory fitting text column '%s'", col);
}

st_status st__text_keep_terms(st_text_featurizer *f, char *const *keys, const size_t *lens,
                              const size_t *df, size_t n, int sorted, st_error *err)
{
    size_t n_keep = 0;
    for (size_t k = 0; k < n; k++)
        n_keep += df[k] >= f->opt.min_df;
    term_df *keep = st__malloc_array(n_keep + 1, sizeof *keep);
    f->names = st__calloc(n_keep + 1, sizeof *f->names);
    f->idf = st__malloc_array(n_keep + 1, sizeof *f->idf);
    if (keep == NULL || f->names == NULL || f->idf == NULL) {
        st__free(keep);
        return oom(err, f->column);
    }
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (df[k] >= f->opt.min_df)
            keep[m++] = (term_df){keys[k], lens[k], df[k]};
    if (!sorted)
        qsort(keep, n_keep, sizeof *keep, compare_terms);
    for (size_t k = 0; k < n_keep; k++) {
        f->n_terms = k + 1; /* names[k] freed with the featurizer from here on */
        f->names[k] = st__text_feature_name(f->column, keep[k].key, keep[k].len, -1);
        if (f->names[k] == NULL || st__tmap_intern(&f->terms, keep[k].key, keep[k].len) < 0) {
            st__free(keep);
            return oom(err, f->column);
        }
        f->idf[k] = idf_of(&f->opt, f->n_fit, keep[k].df);
    }
    st__free(keep);
    return ST_OK;
}

/* Vocabulary mode: document frequencies of every term, then the kept ones. */
static st_status fit_vocabulary(st_text_featurizer *f, const st__text_source *src,
                                st__analyzer *a, const char *source_name, st_error *err)
{
    st__tmap all;
    memset(&all, 0, sizeof all);
    size_t *df = NULL, *last = NULL, cap = 0;
    st_status rc = ST_OK;
    for (size_t i = 0; i < src->n && rc == ST_OK; i++) {
        const char *s;
        size_t len, bad = 0;
        st__text_source_get(src, i, &s, &len);
        rc = st__analyze(a, s != NULL ? s : "", len, &bad);
        if (rc == ST_ERR_PARSE)
            rc = st__text_bad_utf8(err, source_name, f->column, i, bad);
        else if (rc != ST_OK)
            rc = oom(err, f->column);
        for (size_t t = 0; t < a->n_terms && rc == ST_OK; t++) {
            long k = st__tmap_intern(&all, a->grams + a->term_off[t], a->term_len[t]);
            if (k >= 0 && (size_t)k >= cap) {
                size_t c = cap == 0 ? 1024 : 2 * cap;
                size_t *d = st__realloc_array(df, c, sizeof *d);
                size_t *l = d != NULL ? st__realloc_array(last, c, sizeof *l) : NULL;
                if (d != NULL)
                    df = d;
                if (l != NULL) {
                    last = l;
                    memset(df + cap, 0, (c - cap) * sizeof *df);
                    memset(last + cap, 0, (c - cap) * sizeof *last);
                    cap = c;
                }
            }
            if (k < 0 || (size_t)k >= cap) {
                rc = oom(err, f->column);
            } else if (last[k] != i + 1) {
                last[k] = i + 1;
                df[k]++;
            }
        }
    }
    if (rc == ST_OK)
        rc = st__text_keep_terms(f, all.keys, all.lens, df, all.n, 0, err);
    st__free(df);
    st__free(last);
    st__tmap_free(&all);
    return rc;
}

st_status st__text_keep_buckets(st_text_featurizer *f, const uint32_t *df, size_t n_buckets,
                                st_error *err)
{
    size_t n_keep = 0;
    for (size_t b = 0; b < n_buckets; b++)
        n_keep += df[b] > 0 && df[b] >= f->opt.min_df;
    f->buckets = st__malloc_array(n_keep + 1, sizeof *f->buckets);
    f->idf = st__malloc_array(n_keep + 1, sizeof *f->idf);
    f->names = st__calloc(n_keep + 1, sizeof *f->names);
    if (f->buckets == NULL || f->idf == NULL || f->names == NULL)
        return oom(err, f->column);
    for (size_t b = 0; b < n_buckets; b++) {
        if (df[b] == 0 || df[b] < f->opt.min_df)
            continue;
        size_t k = f->n_terms;
        f->buckets[k] = (uint32_t)b;
        f->idf[k] = idf_of(&f->opt, f->n_fit, df[b]);
        f->names[k] = st__text_feature_name(f->column, NULL, 0, (long)b);
        f->n_terms++;
        if (f->names[k] == NULL)
            return oom(err, f->column);
    }
    return ST_OK;
}

st_status st__text_bucket_counts(int hash_bits, size_t n_texts, uint32_t **df,
                                 uint32_t **stamp)
{
    size_t nb = (size_t)1 << hash_bits;
    *df = st__calloc(nb, sizeof **df);
    *stamp = st__calloc(nb, sizeof **stamp);
    if (*df == NULL || *stamp == NULL || n_texts >= UINT32_MAX) {
        st__free(*df), st__free(*stamp);
        *df = *stamp = NULL;
        return n_texts >= UINT32_MAX ? ST_ERR_INVALID_ARG : ST_ERR_NOMEM;
    }
    return ST_OK;
}

/* Hashing mode: each bucket's document frequency, a text counting once for a bucket (the
 * stamp of the last text that reached it): 8 bytes a bucket, whatever the texts. */
static st_status fit_buckets(st_text_featurizer *f, const st__text_source *src,
                             st__analyzer *a, const char *source_name, st_error *err)
{
    uint32_t *df, *stamp;
    st__text_form_counts forms;
    memset(&forms, 0, sizeof forms);
    st_status rc = st__text_bucket_counts(f->opt.hash_bits, src->n, &df, &stamp);
    if (rc == ST_ERR_INVALID_ARG)
        return st__fail(err, rc, "text column '%s': %zu texts; at most 2^32 - 2", f->column,
                        src->n);
    if (rc != ST_OK)
        return oom(err, f->column);
    a->forms = &forms; /* the surface forms of the buckets, for explanations */
    for (size_t i = 0; i < src->n && rc == ST_OK; i++) {
        const char *s;
        size_t len, bad = 0;
        st__text_source_get(src, i, &s, &len);
        rc = st__analyze(a, s != NULL ? s : "", len, &bad);
        if (rc == ST_ERR_PARSE) {
            rc = st__text_bad_utf8(err, source_name, f->column, i, bad);
            break;
        }
        if (rc != ST_OK) {
            rc = oom(err, f->column);
            break;
        }
        for (size_t t = 0; t < a->n_terms; t++) {
            int sign;
            uint32_t b = st__text_bucket(a->grams + a->term_off[t], a->term_len[t],
                                         f->opt.hash_bits, &sign);
            if (stamp[b] != (uint32_t)(i + 1))
                stamp[b] = (uint32_t)(i + 1), df[b]++;
        }
    }
    st__free(stamp);
    if (rc == ST_OK)
        rc = st__text_keep_buckets(f, df, (size_t)1 << f->opt.hash_bits, err);
    if (rc == ST_OK)
        rc = st__text_forms_keep(f, &forms, err);
    st__free(df);
    st__text_form_counts_free(&forms);
    a->forms = NULL;
    return rc;
}

st_status st__text_featurizer_new(const char *column, const st_text_options *opt,
                                  size_t n_fit, st_text_featurizer **out, st_error *err)
{
    *out = NULL;
    st_text_featurizer *f = st__calloc(1, sizeof *f);
    if (f == NULL || (f->column = st__strdup(column)) == NULL) {
        st__free(f);
        return oom(err, column);
    }
    f->opt = *opt;
    f->n_fit = n_fit;
    *out = f;
    return ST_OK;
}

st_status st__text_fit_finish(st_text_featurizer *f, st_status rc, const char *source_name,
                              st_text_featurizer **out, st_error *err)
{
    *out = NULL;
    if (rc == ST_OK && f->n_terms == 0)
        rc = st__fail(err, ST_ERR_DATA, "%s%stext column '%s': no term is in at least %zu of "
                      "the %zu texts (min_df): nothing to learn from", source_name,
                      source_name[0] != '\0' ? ": " : "", f->column, f->opt.min_df, f->n_fit);
    if (rc != ST_OK) {
        st_text_featurizer_free(f);
        return rc;
    }
    *out = f;
    return ST_OK;
}

st_status st__text_fit_source(const st__text_source *src, const char *column,
                              const st_text_options *opt, const char *source_name,
                              st_text_featurizer **out, st_error *err)
{
    st_text_featurizer *f = NULL;
    st_status rc = st__text_featurizer_new(column, opt, src->n, &f, err);
    if (rc != ST_OK) {
        *out = NULL;
        return rc;
    }
    st__analyzer a;
    memset(&a, 0, sizeof a);
    a.opt = *opt;
    rc = opt->hash_bits > 0 ? fit_buckets(f, src, &a, source_name, err)
                            : fit_vocabulary(f, src, &a, source_name, err);
    st__analyzer_free(&a);
    return st__text_fit_finish(f, rc, source_name, out, err);
}

st_status st_text_fit(const char *const *texts, size_t n_texts, const char *column,
                      const st_text_options *opt, st_text_featurizer **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL || column == NULL || (texts == NULL && n_texts > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_fit: NULL argument");
    st_text_options o = opt != NULL ? *opt : st_text_options_default();
    st_status rc = st__text_check_options(&o, "st_text_fit", err);
    if (rc != ST_OK)
        return rc;
    st__text_source src = {texts, NULL, NULL, 0, n_texts};
    return st__text_fit_source(&src, column, &o, "", out, err);
}
