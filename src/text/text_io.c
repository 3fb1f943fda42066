/* A featurizer's lines in a model file (text_io.h) and its file of its own
 * (st_text_featurizer_save, st_text_featurizer_load: "stratum-model 1 text", the lines,
 * the checksum). */
#include "text_io.h"

#include <stratum/files.h>

#include <inttypes.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "text_impl.h"

void st__text_featurizer_write(st__text *t, const st_text_featurizer *f, int *exact)
{
    const st_text_options *o = &f->opt;
    st__text_printf(t, "text_featurizer ");
    st__text_name(t, f->column);
    st__text_printf(t, "\ntext_options ngrams %d %d hash_bits %d min_df %zu tfidf %d "
                    "sublinear_tf %d l2_norm %d stop_words %s\n", o->ngram_min, o->ngram_max,
                    o->hash_bits, o->min_df, o->tfidf, o->sublinear_tf, o->l2_norm,
                    o->stop_words == ST_TEXT_STOP_ENGLISH ? "english" : "none");
    st__text_printf(t, "text_fit_texts %zu\ntext_terms %zu\n", f->n_fit, f->n_terms);
    for (size_t k = 0; k < f->n_terms; k++) {
        st__text_printf(t, f->buckets != NULL ? "bucket " : "term ");
        *exact &= st__text_number(t, f->idf[k]);
        if (f->buckets != NULL) {
            st__text_printf(t, " %" PRIu32 "\n", f->buckets[k]);
        } else {
            st__text_printf(t, " ");
            st__text_name(t, f->terms.keys[k]);
            st__text_printf(t, "\n");
        }
    }
    if (f->form_off == NULL)
        return; /* vocabulary mode, or a featurizer read from a file without forms */
    st__text_printf(t, "text_forms %zu\n", f->form_off[f->n_terms]);
    for (size_t k = 0; k < f->n_terms; k++)
        for (size_t i = f->form_off[k]; i < f->form_off[k + 1]; i++) {
            st__text_printf(t, "form %zu %zu ", k, f->form_seen[k]);
            st__text_name(t, f->forms[i]);
            st__text_printf(t, "\n");
        }
}

int st__text_featurizer_next(st__mreader *r)
{
    static const char key[] = "text_featurizer ";
    const char *p = r->p;
    const long line = r->line;
    int yes = st__mr_next(r) && r->len >= sizeof key - 1 &&
              memcmp(r->text, key, sizeof key - 1) == 0;
    r->p = p;
    r->line = line;
    return yes;
}

/* The next field of [*s, *s + *len): up to a space or the end (st__mr_field needs the
 * space); 0 when nothing is left. */
static int next_field(const char **s, size_t *len, const char **f, size_t *flen)
{
    if (*len == 0)
        return 0;
    const char *sp = memchr(*s, ' ', *len);
    *f = *s;
    *flen = sp != NULL ? (size_t)(sp - *s) : *len;
    *len -= sp != NULL ? *flen + 1 : *flen;
    *s += sp != NULL ? *flen + 1 : *flen;
    return 1;
}

/* "text_options ..." into o. */
static st_status read_options(st__mreader *r, st_text_options *o)
{
    static const char *const keys[] = {"ngrams", "hash_bits", "min_df", "tfidf",
                                       "sublinear_tf", "l2_norm", "stop_words"};
    const char *s, *f;
    size_t len, fl;
    st_status rc = st__mr_keyed(r, "text_options", &s, &len);
    long v[8];
    size_t nv = 0;
    for (size_t k = 0; rc == ST_OK && k < sizeof keys / sizeof keys[0]; k++) {
        if (!next_field(&s, &len, &f, &fl) || fl != strlen(keys[k]) ||
            memcmp(f, keys[k], fl) != 0 || !next_field(&s, &len, &f, &fl))
            return st__mr_bad(r, "expected 'text_options ngrams MIN MAX hash_bits B min_df D "
                              "tfidf 0|1 sublinear_tf 0|1 l2_norm 0|1 stop_words none|english'");
        if (k == 6) {
            int english = fl == 7 && memcmp(f, "english", 7) == 0;
            if (!english && !(fl == 4 && memcmp(f, "none", 4) == 0))
                return st__mr_bad(r, "expected stop_words none or english");
            v[nv++] = english;
            continue;
        }
        rc = st__mr_integer(r, keys[k], f, fl, 0, 1L << 40, &v[nv++]);
        if (rc == ST_OK && k == 0) {
            if (!next_field(&s, &len, &f, &fl))
                return st__mr_bad(r, "expected 'ngrams MIN MAX'");
            rc = st__mr_integer(r, "ngrams", f, fl, 0, 1L << 40, &v[nv++]);
        }
    }
    if (rc == ST_OK && len > 0)
        return st__mr_bad(r, "unexpected text after stop_words");
    if (rc != ST_OK)
        return rc;
    o->ngram_min = (int)v[0], o->ngram_max = (int)v[1], o->hash_bits = (int)v[2];
    o->min_df = (size_t)v[3], o->tfidf = (int)v[4], o->sublinear_tf = (int)v[5];
    o->l2_norm = (int)v[6], o->stop_words = v[7] ? ST_TEXT_STOP_ENGLISH : ST_TEXT_STOP_NONE;
    st_error e;
    if (st__text_check_options(o, "text_options", &e) != ST_OK)
        return st__mr_bad(r, "%s", e.message);
    return ST_OK;
}

/* One "term IDF TERM" or "bucket IDF BUCKET" line into column k. */
static st_status read_term(st__mreader *r, st_text_featurizer *f, size_t k)
{
    const int hashed = f->buckets != NULL;
    const char *s, *t;
    size_t len, tl;
    st_status rc = st__mr_keyed(r, hashed ? "bucket" : "term", &s, &len);
    if (rc != ST_OK)
        return rc;
    if (!st__mr_field(&s, &len, &t, &tl))
        return st__mr_bad(r, hashed ? "expected 'bucket IDF BUCKET'" : "expected 'term IDF TERM'");
    if ((rc = st__mr_number(r, "the IDF", t, tl, &f->idf[k])) != ST_OK)
        return rc;
    if (!(f->idf[k] >= 1.0) || f->idf[k] > 1e6)
        return st__mr_bad(r, "expected an IDF of at least 1");
    if (hashed) {
        long b;
        if ((rc = st__mr_integer(r, "bucket", s, len, 0, (1L << f->opt.hash_bits) - 1, &b)) !=
            ST_OK)
            return rc;
        if (k > 0 && (uint32_t)b <= f->buckets[k - 1])
            return st__mr_bad(r, "buckets must be ascending");
        f->buckets[k] = (uint32_t)b;
        f->names[k] = st__text_feature_name(f->column, NULL, 0, b);
        return f->names[k] != NULL ? ST_OK : st__fail(r->err, ST_ERR_NOMEM, "out of memory");
    }
    char *term;
    if ((rc = st__mr_name(r, "the term", s, len, &term)) != ST_OK)
        return rc;
    size_t n = strlen(term);
    if (k > 0 && strcmp(f->terms.keys[k - 1], term) >= 0) {
        st__free(term);
        return st__mr_bad(r, "terms must be in ascending byte order, each once");
    }
    f->names[k] = st__text_feature_name(f->column, term, n, -1);
    long at = f->names[k] != NULL ? st__tmap_intern(&f->terms, term, n) : -1;
    st__free(term);
    return at == (long)k ? ST_OK : st__fail(r->err, ST_ERR_NOMEM, "out of memory");
}

/* 1 when the next line of r starts with key; r is not moved. */
static int next_is(st__mreader *r, const char *key)
{
    const size_t n = strlen(key);
    const char *p = r->p;
    const long line = r->line;
    int yes = st__mr_next(r) && r->len >= n && memcmp(r->text, key, n) == 0;
    r->p = p;
    r->line = line;
    return yes;
}

/* "text_forms M" and its M lines "form K SEEN TERM" (hashing mode's surface forms, in
 * column order, at most ST__TEXT_MAX_FORMS a column; files before them have none). */
static st_status read_form_lines(st__mreader *r, st_text_featurizer *f, long m)
{
    st_status rc = ST_OK;
    f->form_off = st__calloc(f->n_terms + 1, sizeof *f->form_off);
    f->form_seen = st__calloc(f->n_terms + 1, sizeof *f->form_seen);
    f->forms = st__calloc((size_t)m + 1, sizeof *f->forms);
    if (f->form_off == NULL || f->form_seen == NULL || f->forms == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    size_t prev = 0;
    for (size_t i = 0; i < (size_t)m; i++) {
        const char *s, *a, *b;
        size_t len, al, bl;
        long k, seen;
        if ((rc = st__mr_keyed(r, "form", &s, &len)) != ST_OK)
            return rc;
        if (!st__mr_field(&s, &len, &a, &al) || !st__mr_field(&s, &len, &b, &bl))
            return st__mr_bad(r, "expected 'form COLUMN SEEN TERM'");
        if ((rc = st__mr_integer(r, "column", a, al, (long)prev,
                                 (long)f->n_terms - 1, &k)) != ST_OK ||
            (rc = st__mr_integer(r, "terms seen", b, bl, 1, 1L << 40, &seen)) != ST_OK)
            return rc;
        size_t *count = &f->form_off[k + 1]; /* column k's forms so far; offsets below */
        if (*count >= ST__TEXT_MAX_FORMS || (size_t)seen <= *count ||
            (*count > 0 && (size_t)seen != f->form_seen[k]))
            return st__mr_bad(r, "expected at most %d forms a column, in column order, no "
                              "more than the terms it has seen", ST__TEXT_MAX_FORMS);
        if ((rc = st__mr_name(r, "the term", s, len, &f->forms[i])) != ST_OK)
            return rc;
        ++*count;
        f->form_seen[k] = (size_t)seen;
        prev = (size_t)k;
    }
    for (size_t k = 0; k < f->n_terms; k++) /* the columns' counts to offsets */
        f->form_off[k + 1] += f->form_off[k];
    return ST_OK;
}

/* "text_forms M" and its M lines "form K SEEN TERM" (hashing mode's surface forms, in
 * column order, at most ST__TEXT_MAX_FORMS a column; files before them have none). */
static st_status read_forms(st__mreader *r, st_text_featurizer *f)
{
    long m;
    st_status rc = st__mr_key_integer(r, "text_forms", 0,
                                      (long)(f->n_terms * ST__TEXT_MAX_FORMS), &m);
    if (rc == ST_OK)
        rc = read_form_lines(r, f, m);
    if (rc != ST_OK && f->forms != NULL) { /* the offsets are counts until the end */
        for (long i = 0; i < m; i++)
            st__free(f->forms[i]);
        st__free(f->forms);
        f->forms = NULL;
    }
    if (rc != ST_OK)
        return rc;
    return st__text_forms_labels(f) == ST_OK
               ? ST_OK : st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
}

st_status st__text_featurizer_read(st__mreader *r, st_text_featurizer **out)
{
    *out = NULL;
    st_text_featurizer *f = st__calloc(1, sizeof *f);
    if (f == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    const char *s;
    size_t len;
    long n_fit, n_terms;
    const long max_items = (long)((size_t)(r->end - r->p) < 1000000000 ? r->end - r->p
                                                                       : 1000000000);
    st_status rc = st__mr_keyed(r, "text_featurizer", &s, &len);
    if (rc == ST_OK)
        rc = st__mr_name(r, "the text column", s, len, &f->column);
    if (rc == ST_OK)
        rc = read_options(r, &f->opt);
    if (rc == ST_OK)
        rc = st__mr_key_integer(r, "text_fit_texts", 0, 1L << 40, &n_fit);
    if (rc == ST_OK)
        rc = st__mr_key_integer(r, "text_terms", 1, max_items, &n_terms);
    if (rc == ST_OK) {
        f->n_fit = (size_t)n_fit;
        f->names = st__calloc((size_t)n_terms, sizeof *f->names);
        f->idf = st__malloc_array((size_t)n_terms, sizeof *f->idf);
        if (f->opt.hash_bits > 0)
            f->buckets = st__malloc_array((size_t)n_terms, sizeof *f->buckets);
        if (f->names == NULL || f->idf == NULL || (f->opt.hash_bits > 0 && f->buckets == NULL))
            rc = st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
        else
            f->n_terms = (size_t)n_terms;
    }
    for (size_t k = 0; rc == ST_OK && k < f->n_terms; k++)
        rc = read_term(r, f, k);
    if (rc == ST_OK && f->buckets != NULL && next_is(r, "text_forms "))
        rc = read_forms(r, f);
    if (rc != ST_OK) {
        st_text_featurizer_free(f);
        return rc;
    }
    *out = f;
    return ST_OK;
}

st_status st_text_featurizer_save(const st_text_featurizer *f, const char *path,
                                  st_error *err)
{
    if (f == NULL || path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_featurizer_save: NULL argument");
    st__text t = {0};
    int exact = 1;
    st__text_printf(&t, "%s %d text\n", ST__MODEL_MAGIC, ST__MODEL_VERSION);
    st__text_featurizer_write(&t, f, &exact);
    return st__text_seal_write(&t, exact, path, "the featurizer", "an IDF", err);
}

st_status st_text_featurizer_load(const char *path, st_text_featurizer **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_featurizer_load: NULL argument");
    st__file_buffer buf = {0};
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    st__mreader r;
    rc = st__mr_open(&r, path, buf.data, buf.size, "text", err);
    if (rc == ST_OK)
        rc = st__text_featurizer_read(&r, out);
    if (rc == ST_OK && st__mr_next(&r)) {
        rc = st__mr_bad(&r, "unexpected line after the featurizer; expected the checksum");
        st_text_featurizer_free(*out);
        *out = NULL;
    }
    st__file_buffer_free(&buf);
    return rc;
}
