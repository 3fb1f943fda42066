/* One text column featurized from a CSV row stream (text_stream.h): a featurizer fitted and
 * its term columns appended to the dataset of the file's other columns, the texts read
 * cell by cell and each analysed by the featurizer's own analyzer (st__analyze), never
 * kept. Hashing mode: one pass counts the buckets' document frequencies and keeps each
 * row's (bucket, tf) pairs; the buckets in min_df texts become the columns, which the
 * pairs then fill. Vocabulary mode: a first pass counts each term's document frequency, the
 * kept terms become the columns, sized by those frequencies, and a second pass fills them.
 * Either way the IDF and the row norms are applied at the end (st__text_stream_values). */
#include "text_stream.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/utf8.h"
#include "data/csv_cells.h"

typedef st__text_pass pass;

static st_status oom(pass *p)
{
    return st__fail(p->err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                    p->column);
}

st_status st__text_pass_analyse(pass *p)
{
    const st__csv_tokenizer *t = &p->s->tok;
    if (p->col >= t->n_fields)
        return st__fail_at(p->err, ST_ERR_PARSE, p->s->path, t->record_line, 0, "found %zu "
                           "fields; expected %zu, as in the header", t->n_fields,
                           p->s->n_cols);
    const st__csv_field *fl = &t->fields[p->col];
    const char *text = fl->ptr;
    size_t len = fl->len;
    if (st__is_na(&p->s->na, fl->ptr, fl->len)) {
        text = "", len = 0;
    } else {
        long bad = st__utf8_invalid_at(fl->ptr, fl->len);
        if (bad >= 0)
            return st__fail_at(p->err, ST_ERR_PARSE, p->s->path, fl->line,
                               fl->column + fl->quoted + bad, "invalid UTF-8 byte 0x%02X; "
                               "expected UTF-8 text", (unsigned char)fl->ptr[bad]);
        double v;
        if (!p->any_text && !st__cell_number(fl->ptr, fl->len, p->s->decimal, &v)) {
            /* the reader keeps a censored value ("<5") a number unless its policy is text */
            int kind = st__cell_kind(fl->ptr, fl->len, p->s->decimal, p->s->delimiter, &v);
            p->any_text = kind != ST__CELL_CENSORED || p->s->opt->censored == ST_CENSORED_TEXT;
        }
    }
    size_t bad_at = 0;
    st_status rc = st__analyze(&p->a, text, len, &bad_at);
    if (rc != ST_OK)
        return oom(p);
    if (p->a.n_terms > p->cap) {
        uint64_t *k = st__realloc_array(p->keys, p->a.n_terms, sizeof *k);
        if (k != NULL)
            p->keys = k;
        st__text_tf *q = k != NULL ? st__realloc_array(p->pairs, p->a.n_terms, sizeof *q)
                                   : NULL;
        if (q == NULL)
            return oom(p);
        p->pairs = q, p->cap = p->a.n_terms;
    }
    return ST_OK;
}

/* Runs one pass over the rows, calling row(p, i, ctx) after each row's analysis. */
typedef st_status (*row_fn)(pass *p, size_t i, void *ctx);
static st_status run_pass(pass *p, size_t n_rows, row_fn row, void *ctx)
{
    st__csv_row_stream_rewind(p->s);
    size_t i = 0;
    int got;
    st_status rc = ST_OK;
    while (rc == ST_OK && (got = st__csv_row_stream_next(p->s, p->err)) == 1) {
        if (i == n_rows)
            break;
        rc = st__text_pass_analyse(p);
        if (rc == ST_OK)
            rc = row(p, i, ctx);
        i++;
    }
    if (rc != ST_OK)
        return rc;
    if (got < 0)
        return p->err != NULL ? p->err->code : ST_ERR_PARSE;
    if (i != n_rows || got == 1)
        return st__fail(p->err, ST_ERR_DATA, "%s: the file changed while it was read (%zu "
                        "rows, then more or fewer)", p->s->path, n_rows);
    return ST_OK;
}

/* ---- hashing mode ---------------------------------------------------------------------- */

typedef struct hash_ctx {
    uint32_t *df, *stamp;   /* as text_fit.c's fit_buckets counts them */
    size_t *count;          /* pairs a bucket has; NULL: fit only, no pairs kept */
    st__text_tf_rows rows;
} hash_ctx;

static st_status hash_row(pass *p, size_t i, void *ctx)
{
    hash_ctx *h = ctx;
    const st__analyzer *a = &p->a;
    for (size_t t = 0; t < a->n_terms; t++) {
        int sign;
        uint32_t b = st__text_bucket(a->grams + a->term_off[t], a->term_len[t],
                                     p->f->opt.hash_bits, &sign);
        if (h->stamp[b] != (uint32_t)(i + 1))
            h->stamp[b] = (uint32_t)(i + 1), h->df[b]++;
        p->keys[t] = ((uint64_t)b * 2 + (sign < 0)) << 32 | 1u;
    }
    if (h->count == NULL)
        return ST_OK;
    size_t n = st__text_stream_pairs(p->keys, a->n_terms, p->pairs);
    for (size_t k = 0; k < n; k++)
        h->count[p->pairs[k].id]++;
    return st__text_tf_rows_add(&h->rows, p->pairs, n) ? ST_OK : oom(p);
}

/* The end of a pass that read every text: a column none of whose present cells is text
 * is one the CSV reader reads as numbers, which st_text_fit_dataset refuses. */
static st_status check_text(pass *p)
{
    if (p->any_text || p->forced_text)
        return ST_OK;
    return st__fail(p->err, ST_ERR_DATA, "%s: text column '%s' was read as numbers; read it "
                    "as text (st_read_options.categorical naming it; --categorical on the "
                    "command line)", p->s->path, p->column);
}

/* The fit's end: p->f becomes p->out, or is freed with the error. */
static st_status finish_fit(pass *p, st_status rc, const char *source)
{
    st_text_featurizer *f = p->f;
    p->f = NULL;
    return st__text_fit_finish(f, rc, source, &p->out, p->err);
}

static st_status hashing(pass *p, st_dataset *ds, size_t n_others, int fit_only)
{
    hash_ctx h;
    memset(&h, 0, sizeof h);
    int bits = p->f->opt.hash_bits;
    size_t nb = (size_t)1 << bits, first = ds->n_features;
    st_status rc = st__text_bucket_counts(bits, ds->n_rows, &h.df, &h.stamp);
    if (rc == ST_ERR_INVALID_ARG)
        rc = st__fail(p->err, rc, "text column '%s': %zu texts; at most 2^32 - 2",
                      p->column, ds->n_rows);
    else if (rc != ST_OK || (!fit_only && (h.count = st__calloc(nb, sizeof *h.count)) == NULL))
        rc = oom(p);
    st__text_form_counts forms; /* the buckets' surface forms, as fit_buckets keeps them */
    memset(&forms, 0, sizeof forms);
    p->a.forms = &forms;
    if (rc == ST_OK)
        rc = run_pass(p, ds->n_rows, hash_row, &h);
    p->a.forms = NULL;
    st__free(h.stamp);
    if (rc == ST_OK)
        rc = check_text(p);
    if (rc == ST_OK)
        rc = st__text_keep_buckets(p->f, h.df, nb, p->err);
    if (rc == ST_OK)
        rc = st__text_forms_keep(p->f, &forms, p->err);
    st__text_form_counts_free(&forms);
    st__free(h.df);
    rc = finish_fit(p, rc, ds->source);
    if (fit_only)
        return rc;
    const st_text_featurizer *f = p->out;
    long *col_of = NULL;
    size_t *count = NULL;
    if (rc == ST_OK) {
        col_of = st__malloc_array(nb, sizeof *col_of);
        count = st__malloc_array(f->n_terms + 1, sizeof *count);
        if (col_of == NULL || count == NULL)
            rc = st__fail(p->err, ST_ERR_NOMEM, "out of memory featurizing text column "
                          "'%s'", f->column);
    }
    if (rc == ST_OK) {
        for (size_t b = 0; b < nb; b++)
            col_of[b] = -1;
        for (size_t k = 0; k < f->n_terms; k++) {
            col_of[f->buckets[k]] = (long)k;
            count[k] = h.count[f->buckets[k]];
        }
        st__free(h.count);
        h.count = NULL;
        rc = st__text_stream_add_columns(ds, n_others, f, count, p->err);
    }
    if (rc == ST_OK)
        st__text_stream_put_rows(ds, first, &h.rows, col_of);
    if (rc == ST_OK)
        rc = st__text_stream_values(ds, first, f, p->err);
    st__free(col_of);
    st__free(count);
    st__free(h.count);
    st__text_tf_rows_free(&h.rows);
    return rc;
}

/* ---- vocabulary mode ------------------------------------------------------------------- */

typedef struct vocab_ctx {
    st__tmap all;           /* every term, as text_fit.c's fit_vocabulary counts them */
    size_t *df, *last, cap;
    st_dataset *ds;         /* second pass: the columns from ds->features[first] */
    size_t first;
} vocab_ctx;

static st_status count_row(pass *p, size_t i, void *ctx)
{
    vocab_ctx *v = ctx;
    const st__analyzer *a = &p->a;
    for (size_t t = 0; t < a->n_terms; t++) {
        long k = st__tmap_intern(&v->all, a->grams + a->term_off[t], a->term_len[t]);
        if (k >= 0 && (size_t)k >= v->cap) {
            size_t c = v->cap == 0 ? 1024 : 2 * v->cap;
            size_t *d = st__realloc_array(v->df, c, sizeof *d);
            size_t *l = d != NULL ? st__realloc_array(v->last, c, sizeof *l) : NULL;
            if (d != NULL)
                v->df = d;
            if (l == NULL)
                return oom(p);
            v->last = l;
            memset(v->df + v->cap, 0, (c - v->cap) * sizeof *v->df);
            memset(v->last + v->cap, 0, (c - v->cap) * sizeof *v->last);
            v->cap = c;
        }
        if (k < 0)
            return oom(p);
        if (v->last[k] != i + 1)
            v->last[k] = i + 1, v->df[k]++;
    }
    return ST_OK;
}

static st_status fill_row(pass *p, size_t i, void *ctx)
{
    vocab_ctx *v = ctx;
    const st__analyzer *a = &p->a;
    size_t n_keys = 0;
    for (size_t t = 0; t < a->n_terms; t++) {
        long col = st__tmap_find(&p->out->terms, a->grams + a->term_off[t], a->term_len[t]);
        if (col >= 0)
            p->keys[n_keys++] = (uint64_t)col * 2 << 32 | 1u;
    }
    size_t n = st__text_stream_pairs(p->keys, n_keys, p->pairs);
    st__text_stream_put_row(v->ds, v->first, i, p->pairs, n, NULL);
    return ST_OK;
}

static st_status vocabulary(pass *p, st_dataset *ds, size_t n_others, int fit_only)
{
    vocab_ctx v;
    memset(&v, 0, sizeof v);
    v.ds = ds;
    v.first = ds->n_features;
    st_status rc = run_pass(p, ds->n_rows, count_row, &v);
    if (rc == ST_OK)
        rc = check_text(p);
    if (rc == ST_OK)
        rc = st__text_keep_terms(p->f, v.all.keys, v.all.lens, v.df, v.all.n, 0, p->err);
    rc = finish_fit(p, rc, ds->source);
    if (fit_only) {
        st__tmap_free(&v.all);
        st__free(v.df);
        st__free(v.last);
        return rc;
    }
    /* a column's entries are the texts with its term: its document frequency */
    size_t *count = rc == ST_OK ? st__malloc_array(p->out->n_terms + 1, sizeof *count) : NULL;
    if (rc == ST_OK && count == NULL)
        rc = oom(p);
    for (size_t k = 0; rc == ST_OK && k < p->out->n_terms; k++)
        count[k] = v.df[st__tmap_find(&v.all, p->out->terms.keys[k], p->out->terms.lens[k])];
    st__tmap_free(&v.all);
    st__free(v.df);
    st__free(v.last);
    if (rc == ST_OK)
        rc = st__text_stream_add_columns(ds, n_others, p->out, count, p->err);
    if (rc == ST_OK)
        rc = run_pass(p, ds->n_rows, fill_row, &v);
    for (size_t k = 0; rc == ST_OK && k < p->out->n_terms; k++)
        if (ds->features[v.first + k].n_entries != count[k])
            rc = st__fail(p->err, ST_ERR_DATA, "%s: the file changed while it was read "
                          "(text column '%s')", p->s->path, p->out->column);
    st__free(count);
    if (rc == ST_OK)
        rc = st__text_stream_values(ds, v.first, p->out, p->err);
    return rc;
}

st_status st__text_stream_column(st__csv_row_stream *s, size_t col, const char *column,
                                 const st_text_options *opt, int forced_text, st_dataset *ds,
                                 size_t n_others, st_text_featurizer **out, st_error *err)
{
    *out = NULL;
    pass p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.col = col;
    p.column = column;
    p.forced_text = forced_text;
    p.err = err;
    p.a.opt = *opt;
    const int fit_only = n_others == ST__TEXT_FIT_ONLY;
    if (fit_only)
        n_others = ds->n_features;
    st_status rc = st__text_featurizer_new(column, opt, ds->n_rows, &p.f, err);
    if (rc == ST_OK)
        rc = opt->hash_bits > 0 ? hashing(&p, ds, n_others, fit_only)
                                : vocabulary(&p, ds, n_others, fit_only);
    st_text_featurizer_free(p.f);
    st__text_pass_free(&p);
    if (rc != ST_OK) {
        st_text_featurizer_free(p.out);
        return rc;
    }
    *out = p.out;
    return ST_OK;
}

void st__text_pass_free(pass *p)
{
    st__analyzer_free(&p->a);
    st__free(p->keys);
    st__free(p->pairs);
    p->keys = NULL, p->pairs = NULL, p->cap = 0;
}
