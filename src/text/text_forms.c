/* Hashing mode's surface forms (text_impl.h, st__text_form_counts): which terms of the
 * fitting texts each bucket holds, so that an explanation can say "tumor | tumour" where
 * the model only knows bucket 12345. Counted while the fit analyses its texts (the
 * analyzer calls st__text_forms_count), kept once the columns are known: for each column,
 * the ST__TEXT_MAX_FORMS terms in the most fitting texts, ties in byte order (the same
 * forms whatever the order of the texts). Also the labels built from them and the lookup
 * of a term's column (for the spans of st_text_spans). */
#include "text_impl.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

st_status st__text_forms_count(st__text_form_counts *c, const char *grams, const size_t *off,
                               const size_t *len, size_t n_terms)
{
    if (c->text == UINT32_MAX)
        return ST_ERR_NOMEM; /* 2^32 - 1 texts: the stamps would wrap */
    c->text++;
    for (size_t t = 0; t < n_terms; t++) {
        long k = st__tmap_intern(&c->terms, grams + off[t], len[t]);
        if (k < 0)
            return ST_ERR_NOMEM;
        if ((size_t)k >= c->cap) {
            size_t cap = c->cap == 0 ? 1024 : 2 * c->cap;
            uint32_t *df = st__realloc_array(c->df, cap, sizeof *df);
            if (df == NULL)
                return ST_ERR_NOMEM;
            c->df = df;
            uint32_t *last = st__realloc_array(c->last, cap, sizeof *last);
            if (last == NULL)
                return ST_ERR_NOMEM;
            c->last = last;
            memset(c->df + c->cap, 0, (cap - c->cap) * sizeof *c->df);
            memset(c->last + c->cap, 0, (cap - c->cap) * sizeof *c->last);
            c->cap = cap;
        }
        if (c->last[k] != c->text) {
            c->last[k] = c->text;
            c->df[k]++;
        }
    }
    return ST_OK;
}

void st__text_form_counts_free(st__text_form_counts *c)
{
    if (c == NULL)
        return;
    st__tmap_free(&c->terms);
    st__free(c->df);
    st__free(c->last);
    memset(c, 0, sizeof *c);
}

long st__text_bucket_column(const st_text_featurizer *f, uint32_t b)
{
    size_t lo = 0, hi = f->n_terms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->buckets[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n_terms && f->buckets[lo] == b ? (long)lo : -1;
}

long st__text_column_of(const st_text_featurizer *f, const char *s, size_t len, int *sign)
{
    *sign = 1;
    if (f->buckets == NULL)
        return st__tmap_find(&f->terms, s, len);
    return st__text_bucket_column(f, st__text_bucket(s, len, f->opt.hash_bits, sign));
}

typedef struct form_candidate {
    size_t column;
    uint32_t df;
    const char *key;
    size_t len;
} form_candidate;

/* By column, then the most texts first, then byte order. */
static int compare_candidates(const void *a, const void *b)
{
    const form_candidate *x = a, *y = b;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static st_status oom(st_error *err, const char *col)
{
    return st__fail(err, ST_ERR_NOMEM, "out of memory keeping the terms of text column '%s'",
                    col);
}

st_status st__text_forms_keep(st_text_featurizer *f, const st__text_form_counts *c,
                              st_error *err)
{
    if (f->buckets == NULL || f->n_terms == 0)
        return ST_OK;
    form_candidate *cand = st__malloc_array(c->terms.n + 1, sizeof *cand);
    f->form_off = st__calloc(f->n_terms + 1, sizeof *f->form_off);
    f->form_seen = st__calloc(f->n_terms + 1, sizeof *f->form_seen);
    if (cand == NULL || f->form_off == NULL || f->form_seen == NULL) {
        st__free(cand);
        return oom(err, f->column);
    }
    size_t n = 0;
    for (size_t k = 0; k < c->terms.n; k++) {
        int sign;
        long col = st__text_column_of(f, c->terms.keys[k], c->terms.lens[k], &sign);
        if (col >= 0)
            cand[n++] = (form_candidate){(size_t)col, c->df[k], c->terms.keys[k],
                                         c->terms.lens[k]};
    }
    qsort(cand, n, sizeof *cand, compare_candidates);
    for (size_t i = 0; i < n; i++)
        f->form_seen[cand[i].column]++;
    for (size_t k = 0; k < f->n_terms; k++) /* column k keeps its first MAX candidates */
        f->form_off[k + 1] = f->form_off[k] + (f->form_seen[k] < ST__TEXT_MAX_FORMS
                                               ? f->form_seen[k] : ST__TEXT_MAX_FORMS);
    f->forms = st__calloc(f->form_off[f->n_terms] + 1, sizeof *f->forms);
    if (f->forms == NULL) {
        st__free(cand);
        return oom(err, f->column);
    }
    for (size_t i = 0, rank = 0; i < n; i++) {
        const size_t col = cand[i].column;
        rank = i > 0 && cand[i - 1].column == col ? rank + 1 : 0;
        if (rank >= ST__TEXT_MAX_FORMS)
            continue;
        char **slot = &f->forms[f->form_off[col] + rank];
        if ((*slot = st__strndup(cand[i].key, cand[i].len)) == NULL) {
            st__free(cand);
            return oom(err, f->column);
        }
    }
    st__free(cand);
    return st__text_forms_labels(f) == ST_OK ? ST_OK : oom(err, f->column);
}

st_status st__text_forms_labels(st_text_featurizer *f)
{
    if (f->form_off == NULL)
        return ST_OK;
    f->labels = st__calloc(f->n_terms + 1, sizeof *f->labels);
    if (f->labels == NULL)
        return ST_ERR_NOMEM;
    const size_t cl = strlen(f->column);
    for (size_t k = 0; k < f->n_terms; k++) {
        const size_t a = f->form_off[k], b = f->form_off[k + 1];
        if (a == b)
            continue; /* no form: the feature name */
        size_t bytes = cl + 1 + 1;
        for (size_t i = a; i < b; i++)
            bytes += strlen(f->forms[i]) + 3;
        bytes += f->form_seen[k] > b - a ? 6 : 0;
        char *s = st__malloc(bytes);
        if (s == NULL)
            return ST_ERR_NOMEM;
        size_t o = 0;
        memcpy(s, f->column, cl), o += cl;
        s[o++] = ':';
        for (size_t i = a; i < b; i++) {
            if (i > a)
                memcpy(s + o, " | ", 3), o += 3;
            size_t l = strlen(f->forms[i]);
            memcpy(s + o, f->forms[i], l), o += l;
        }
        if (f->form_seen[k] > b - a)
            memcpy(s + o, " | ...", 6), o += 6; /* more terms than kept share the bucket */
        s[o] = '\0';
        f->labels[k] = s;
    }
    return ST_OK;
}
