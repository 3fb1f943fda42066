/* The featurizer's options, accessors and end of life, the texts of a row, and the terms of
 * one text (st_text_terms). */
#include "text_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

st_text_options st_text_options_default(void)
{
    st_text_options o;
    memset(&o, 0, sizeof o);
    o.ngram_min = 1;
    o.ngram_max = 1;
    o.hash_bits = 0;
    o.min_df = 1;
    o.tfidf = 0;
    o.sublinear_tf = 0;
    o.l2_norm = 1;
    o.stop_words = ST_TEXT_STOP_NONE;
    return o;
}

st_status st__text_check_options(const st_text_options *o, const char *fn, st_error *err)
{
    if (o->ngram_min < 1 || o->ngram_max < o->ngram_min || o->ngram_max > 8)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: n-grams %d-%d; expected 1 <= min <= "
                        "max <= 8", fn, o->ngram_min, o->ngram_max);
    if (o->hash_bits < 0 || o->hash_bits > 24)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: hash_bits %d; expected 0 (a "
                        "vocabulary) or 1..24", fn, o->hash_bits);
    if (o->min_df < 1)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: min_df 0; expected at least 1", fn);
    if ((o->tfidf != 0 && o->tfidf != 1) || (o->sublinear_tf != 0 && o->sublinear_tf != 1) ||
        (o->l2_norm != 0 && o->l2_norm != 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: tfidf, sublinear_tf and l2_norm are 0 "
                        "or 1", fn);
    if (o->stop_words != ST_TEXT_STOP_NONE && o->stop_words != ST_TEXT_STOP_ENGLISH)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: unknown stop-word list %d", fn,
                        (int)o->stop_words);
    return ST_OK;
}

void st__text_source_get(const st__text_source *src, size_t i, const char **s, size_t *len)
{
    const char *t = NULL;
    if (src->texts != NULL) {
        t = src->texts[i];
    } else {
        float c = src->codes[i];
        if (!isnan(c))
            t = st_dataset_level(src->ds, src->j, (size_t)c);
    }
    *s = t;
    *len = t != NULL ? strlen(t) : 0;
}

st_status st__text_bad_utf8(st_error *err, const char *source, const char *col, size_t i,
                            size_t bad)
{
    if (source != NULL && source[0] != '\0')
        return st__fail(err, ST_ERR_PARSE, "%s: text column '%s', row %zu (1-based), byte "
                        "%zu (0-based): invalid UTF-8", source, col, i + 1, bad);
    return st__fail(err, ST_ERR_PARSE, "text column '%s', row %zu (1-based), byte %zu "
                    "(0-based): invalid UTF-8", col, i + 1, bad);
}

char *st__text_feature_name(const char *column, const char *term, size_t len, long bucket)
{
    size_t cl = strlen(column);
    char num[32];
    if (term == NULL) {
        len = (size_t)snprintf(num, sizeof num, "#%ld", bucket);
        term = num;
    }
    char *s = st__malloc(cl + 1 + len + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, column, cl);
    s[cl] = ':';
    memcpy(s + cl + 1, term, len);
    s[cl + 1 + len] = '\0';
    return s;
}

void st_text_featurizer_free(st_text_featurizer *f)
{
    if (f == NULL)
        return;
    if (f->names != NULL)
        for (size_t k = 0; k < f->n_terms; k++)
            st__free(f->names[k]);
    st__free(f->names);
    if (f->forms != NULL && f->form_off != NULL)
        for (size_t i = 0; i < f->form_off[f->n_terms]; i++)
            st__free(f->forms[i]);
    if (f->labels != NULL)
        for (size_t k = 0; k < f->n_terms; k++)
            st__free(f->labels[k]);
    st__free(f->forms);
    st__free(f->form_off);
    st__free(f->form_seen);
    st__free(f->labels);
    st__free(f->buckets);
    st__free(f->idf);
    st__tmap_free(&f->terms);
    st__free(f->column);
    st__free(f);
}

const char *st_text_featurizer_column(const st_text_featurizer *f)
{
    return f != NULL ? f->column : "";
}

st_text_options st_text_featurizer_options(const st_text_featurizer *f)
{
    return f != NULL ? f->opt : st_text_options_default();
}

size_t st_text_featurizer_n_terms(const st_text_featurizer *f)
{
    return f != NULL ? f->n_terms : 0;
}

size_t st_text_featurizer_n_fit_texts(const st_text_featurizer *f)
{
    return f != NULL ? f->n_fit : 0;
}

const char *st_text_featurizer_feature_name(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms ? f->names[k] : NULL;
}

const char *st_text_featurizer_term(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms && f->buckets == NULL ? f->terms.keys[k] : NULL;
}

long st_text_featurizer_bucket(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms && f->buckets != NULL ? (long)f->buckets[k] : -1;
}

double st_text_featurizer_idf(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms ? f->idf[k] : NAN;
}

size_t st_text_featurizer_n_forms(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms && f->form_off != NULL
               ? f->form_off[k + 1] - f->form_off[k] : 0;
}

const char *st_text_featurizer_form(const st_text_featurizer *f, size_t k, size_t i)
{
    return i < st_text_featurizer_n_forms(f, k) ? f->forms[f->form_off[k] + i] : NULL;
}

size_t st_text_featurizer_n_seen(const st_text_featurizer *f, size_t k)
{
    return f != NULL && k < f->n_terms && f->form_seen != NULL ? f->form_seen[k] : 0;
}

const char *st_text_featurizer_label(const st_text_featurizer *f, size_t k)
{
    if (f == NULL || k >= f->n_terms)
        return NULL;
    return f->labels != NULL && f->labels[k] != NULL ? f->labels[k] : f->names[k];
}

void st_text_terms_free(char **terms, size_t n_terms)
{
    if (terms == NULL)
        return;
    for (size_t k = 0; k < n_terms; k++)
        st__free(terms[k]);
    st__free(terms);
}

st_status st_text_terms(const char *text, size_t len, const st_text_options *opt,
                        char ***terms, size_t *n_terms, st_error *err)
{
    if (terms == NULL || n_terms == NULL || (text == NULL && len > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_terms: NULL argument");
    *terms = NULL;
    *n_terms = 0;
    st__analyzer a;
    memset(&a, 0, sizeof a);
    a.opt = opt != NULL ? *opt : st_text_options_default();
    st_status rc = st__text_check_options(&a.opt, "st_text_terms", err);
    if (rc != ST_OK)
        return rc;
    size_t bad = 0;
    rc = st__analyze(&a, text != NULL ? text : "", len, &bad);
    if (rc == ST_ERR_PARSE) {
        st__analyzer_free(&a);
        return st__fail(err, ST_ERR_PARSE, "byte %zu (0-based): invalid UTF-8", bad);
    }
    char **out = rc == ST_OK ? st__calloc(a.n_terms + 1, sizeof *out) : NULL;
    for (size_t k = 0; out != NULL && k < a.n_terms; k++) {
        out[k] = st__strndup(a.grams + a.term_off[k], a.term_len[k]);
        if (out[k] == NULL) {
            st_text_terms_free(out, k);
            out = NULL;
        }
    }
    size_t n = a.n_terms;
    st__analyzer_free(&a);
    if (out == NULL)
        return st__fail(err, ST_ERR_NOMEM, "st_text_terms: out of memory");
    *terms = out;
    *n_terms = n;
    return ST_OK;
}
