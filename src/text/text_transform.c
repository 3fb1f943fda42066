/* Texts to term columns (st__text_transform_source): each text's terms looked up (a
 * vocabulary's map, or a bucket among the fitted ones), counted, weighted (sublinear tf,
 * IDF) and normalised row by row into 8 bytes a non-zero (st_text_transform scatters them
 * into the columns, whose rows then come ascending). */
#include "text_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void st__text_rows_free(st__text_rows *r)
{
    st__free(r->row_ptr);
    st__free(r->cols);
    st__free(r->values);
    memset(r, 0, sizeof *r);
}

/* The rows being built: out's arrays, n entries of cap, and a row's values in double. */
typedef struct row_entries {
    st__text_rows *out;
    size_t n, cap;
    double *scratch;
    size_t scratch_cap;
} row_entries;

static int reserve(row_entries *e, size_t more)
{
    if (more > e->scratch_cap) {
        double *d = st__realloc_array(e->scratch, more, sizeof *d);
        if (d == NULL)
            return 0;
        e->scratch = d, e->scratch_cap = more;
    }
    if (e->n + more <= e->cap)
        return 1;
    size_t c = e->cap < 4096 ? 4096 : e->cap;
    while (c < e->n + more)
        c *= 2;
    uint32_t *col = st__realloc_array(e->out->cols, c, sizeof *col);
    if (col == NULL)
        return 0;
    e->out->cols = col;
    float *val = st__realloc_array(e->out->values, c, sizeof *val);
    if (val == NULL)
        return 0;
    e->out->values = val;
    e->cap = c;
    return 1;
}

/* Row i's entries from its terms: keys[t] = (column * 2 + (sign < 0)) << 32 | count, count
 * occurrences of the term (columns < 2^31). Each column's tf is the signed sum of its
 * counts; values are weighted and normalised in column order. */
static int add_row(const st_text_featurizer *f, row_entries *e, size_t i, uint64_t *keys,
                   size_t n_keys)
{
    size_t sorted = 1;
    while (sorted < n_keys && keys[sorted - 1] <= keys[sorted])
        sorted++;
    if (sorted < n_keys) /* a corpus's vocabulary-mode keys come in column order */
        qsort(keys, n_keys, sizeof *keys, compare_u64);
    if (!reserve(e, n_keys + 1))
        return 0;
    size_t first = e->n;
    double sum_sq = 0;
    for (size_t t = 0; t < n_keys;) {
        uint64_t col = keys[t] >> 33;
        long tf = 0;
        for (; t < n_keys && keys[t] >> 33 == col; t++) {
            long count = (long)(keys[t] & 0xffffffffu);
            tf += (keys[t] >> 32 & 1) ? -count : count;
        }
        if (tf == 0)
            continue; /* hashed terms that cancelled */
        double v = (double)tf;
        if (f->opt.sublinear_tf)
            v = tf > 0 ? 1.0 + log(v) : -(1.0 + log(-v));
        v *= f->idf[col];
        sum_sq += v * v;
        e->out->cols[e->n] = (uint32_t)col;
        e->scratch[e->n - first] = v;
        e->n++;
    }
    double norm = f->opt.l2_norm && sum_sq > 0 ? sqrt(sum_sq) : 0;
    for (size_t k = first; k < e->n; k++)
        e->out->values[k] = (float)(norm > 0 ? e->scratch[k - first] / norm
                                             : e->scratch[k - first]);
    e->out->row_ptr[i + 1] = e->n;
    return 1;
}

/* Starts out's rows: row_ptr for n rows. */
static int start_rows(row_entries *e, st__text_rows *out, size_t n)
{
    memset(e, 0, sizeof *e);
    memset(out, 0, sizeof *out);
    e->out = out;
    out->row_ptr = st__calloc(n + 1, sizeof *out->row_ptr);
    return out->row_ptr != NULL;
}

static st_status check_size(const st_text_featurizer *f, const st__text_source *src,
                            st_error *err)
{
    if (src->n > UINT32_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "text column '%s': %zu rows; at most "
                        "2^32 - 1", f->column, src->n);
    if (f->n_terms >= (size_t)1 << 31)
        return st__fail(err, ST_ERR_INVALID_ARG, "text column '%s': %zu term columns; at "
                        "most 2^31 - 1", f->column, f->n_terms);
    return ST_OK;
}

st_status st__text_transform_source(const st_text_featurizer *f, const st__text_source *src,
                                    const char *source_name, st__text_rows *out,
                                    st_error *err)
{
    memset(out, 0, sizeof *out);
    st_status rc = check_size(f, src, err);
    if (rc != ST_OK)
        return rc;
    st__analyzer a;
    memset(&a, 0, sizeof a);
    a.opt = f->opt;
    row_entries e;
    if (!start_rows(&e, out, src->n))
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                      f->column);
    uint64_t *keys = NULL;
    size_t key_cap = 0;
    for (size_t i = 0; i < src->n && rc == ST_OK; i++) {
        const char *s;
        size_t len, bad = 0;
        st__text_source_get(src, i, &s, &len);
        rc = st__analyze(&a, s != NULL ? s : "", len, &bad);
        if (rc == ST_ERR_PARSE) {
            rc = st__text_bad_utf8(err, source_name, f->column, i, bad);
            break;
        }
        if (rc == ST_OK && a.n_terms > key_cap) {
            uint64_t *k = st__realloc_array(keys, a.n_terms, sizeof *k);
            if (k == NULL)
                rc = ST_ERR_NOMEM;
            else
                keys = k, key_cap = a.n_terms;
        }
        size_t n_keys = 0;
        for (size_t t = 0; t < a.n_terms && rc == ST_OK; t++) {
            const char *term = a.grams + a.term_off[t];
            int sign = 1;
            long col = st__text_column_of(f, term, a.term_len[t], &sign);
            if (col >= 0)
                keys[n_keys++] = ((uint64_t)col * 2 + (sign < 0)) << 32 | 1u;
        }
        if (rc == ST_OK && !add_row(f, &e, i, keys, n_keys))
            rc = ST_ERR_NOMEM;
        if (rc == ST_ERR_NOMEM)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                          f->column);
    }
    st__analyzer_free(&a);
    st__free(keys);
    st__free(e.scratch);
    if (rc != ST_OK)
        st__text_rows_free(out);
    return rc;
}

/* The key (add_row's) of each corpus term under f, count 0, or NO_COLUMN. Vocabulary
 * mode: f's terms are, as a rule, some of the corpus's sorted ones, both in byte order, so
 * one merge finds them; else each term is looked up. */
#define NO_COLUMN UINT64_MAX
static void corpus_keys(const st_text_featurizer *f, const st_text_corpus *c, uint64_t *key_of)
{
    size_t k = 0;
    for (size_t id = 0; id < c->terms.n; id++) {
        long col = -1;
        int neg = 0;
        if (f->buckets != NULL) {
            col = st__text_bucket_column(f, c->bucket[id]);
            neg = c->sign[id] < 0;
        } else if (id < c->n_sorted && k < f->n_terms && f->terms.lens[k] == c->lens[id] &&
                   memcmp(f->terms.keys[k], c->keys[id], c->lens[id]) == 0) {
            col = (long)k++;
        }
        key_of[id] = col >= 0 ? ((uint64_t)col * 2 + (uint64_t)neg) << 32 : NO_COLUMN;
    }
    if (f->buckets == NULL && k < f->n_terms) /* f has terms the corpus lacks: look up */
        for (size_t id = 0; id < c->terms.n; id++) {
            long col = st__tmap_find(&f->terms, c->keys[id], c->lens[id]);
            key_of[id] = col >= 0 ? (uint64_t)col * 2 << 32 : NO_COLUMN;
        }
}

st_status st__text_transform_corpus_source(const st_text_featurizer *f,
                                           const st_text_corpus *c,
                                           const st__text_source *src, st__text_rows *out,
                                           st_error *err)
{
    memset(out, 0, sizeof *out);
    st_status rc = check_size(f, src, err);
    if (rc != ST_OK)
        return rc;
    uint64_t *key_of = st__malloc_array(c->terms.n + 1, sizeof *key_of);
    size_t key_cap = c->max_level_terms + 1;
    uint64_t *keys = st__malloc_array(key_cap, sizeof *keys);
    row_entries e;
    int ok = start_rows(&e, out, src->n) && key_of != NULL && keys != NULL;
    size_t most = 0; /* the entries at most: room for them at once, no growing copies */
    for (size_t i = 0; i < src->n; i++)
        most += isnan(src->codes[i]) ? 0 : c->level_n[(size_t)src->codes[i]];
    if (ok)
        ok = reserve(&e, most + 1);
    if (ok)
        corpus_keys(f, c, key_of);
    for (size_t i = 0; i < src->n && ok; i++) {
        size_t n_keys = 0;
        float code = src->codes[i];
        if (!isnan(code)) {
            size_t lv = (size_t)code;
            for (size_t p = c->level_off[lv]; p < c->level_off[lv] + c->level_n[lv]; p++) {
                uint64_t k = key_of[c->entries[p] >> 32];
                if (k != NO_COLUMN)
                    keys[n_keys++] = k | (c->entries[p] & 0xffffffffu);
            }
        }
        ok = add_row(f, &e, i, keys, n_keys);
    }
    st__free(key_of);
    st__free(keys);
    st__free(e.scratch);
    if (!ok) {
        st__text_rows_free(out);
        return st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                        f->column);
    }
    return ST_OK;
}
