/* st_text_rows: a CSV file's text featurized a row at a time (include/stratum/text.h), for
 * a caller that stores the rows itself (the out-of-core row file of logistic regression)
 * and so never needs the term columns in memory. The featurizers are fitted as
 * st_text_read_csv fits them (text_stream_pass.c: the passes that count the terms or
 * buckets, no pairs kept); then each st_text_rows_next reads one more row and gives its
 * term entries, every text column's in turn, with the values st__text_stream_values gives
 * the columns: the same weights, each row's squares summed in column order, the same
 * floats. Memory: the stream, a row's terms and entries, the featurizers. */
#include "text_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

struct st_text_rows {
    st__text_csv c;             /* the stream (its ds handed to the caller) */
    char *path;                 /* the stream's copy */
    size_t n_cols, n_rows, next;
    st__text_pass *pass;        /* per text column: its analyzer, keys and pairs */
    size_t *first;              /* per text column: its first column among all terms */
    size_t n_terms;
    uint32_t *cols;             /* the current row's entries */
    float *vals;
    size_t cap;
};

void st_text_rows_free(st_text_rows *r)
{
    if (r == NULL)
        return;
    for (size_t k = 0; r->pass != NULL && k < r->n_cols; k++)
        st__text_pass_free(&r->pass[k]);
    st__text_csv_close(&r->c);
    st__free(r->pass), st__free(r->first), st__free(r->cols), st__free(r->vals);
    st__free(r->path);
    st__free(r);
}

size_t st_text_rows_n_terms(const st_text_rows *r) { return r != NULL ? r->n_terms : 0; }

const char *st_text_rows_feature_name(const st_text_rows *r, size_t j)
{
    if (r == NULL || j >= r->n_terms)
        return NULL;
    size_t k = r->n_cols - 1;
    while (r->first[k] > j)
        k--;
    return r->pass[k].out->names[j - r->first[k]];
}

st_status st_text_rows_open(const char *path, const st_read_options *read_opt,
                            const char *const *cols, size_t n_cols, const st_text_options *opt,
                            st_dataset **others, st_text_featurizer **f, st_text_rows **out,
                            st_error *err)
{
    if (others != NULL)
        *others = NULL;
    if (out != NULL)
        *out = NULL;
    for (size_t k = 0; f != NULL && k < n_cols; k++)
        f[k] = NULL;
    if (path == NULL || others == NULL || f == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_rows_open: NULL argument");
    st_text_rows *r = st__calloc(1, sizeof *r);
    char *copy = st__strdup(path);
    if (r == NULL || copy == NULL) {
        st__free(r), st__free(copy);
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", path);
    }
    r->path = copy;
    r->n_cols = n_cols;
    st_status rc = st__text_csv_open(&r->c, r->path, read_opt, cols, n_cols, opt,
                                     "st_text_rows_open", err);
    if (rc == ST_OK) {
        r->pass = st__calloc(n_cols, sizeof *r->pass);
        r->first = st__malloc_array(n_cols, sizeof *r->first);
        if (r->pass == NULL || r->first == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t k = 0; rc == ST_OK && k < n_cols; k++)
        rc = st__text_stream_column(&r->c.s, (size_t)r->c.field[k], cols[k], &r->c.opt,
                                    r->c.forced[k], r->c.ds, ST__TEXT_FIT_ONLY, &f[k], err);
    for (size_t k = 0; rc == ST_OK && k < n_cols; k++) {
        st__text_pass *p = &r->pass[k];
        p->s = &r->c.s;
        p->col = (size_t)r->c.field[k];
        p->column = f[k]->column;
        p->a.opt = f[k]->opt;
        p->out = f[k];
        p->any_text = 1; /* checked by the fit */
        r->first[k] = r->n_terms;
        r->n_terms += f[k]->n_terms;
    }
    if (rc == ST_OK && r->n_terms > UINT32_MAX)
        rc = st__fail(err, ST_ERR_DATA, "%s: %zu term columns; at most 2^32 - 1", path,
                      r->n_terms);
    if (rc != ST_OK) {
        for (size_t k = 0; k < n_cols; k++) {
            st_text_featurizer_free(f[k]);
            f[k] = NULL;
        }
        st_text_rows_free(r);
        return rc;
    }
    st__csv_row_stream_rewind(&r->c.s);
    r->n_rows = r->c.ds->n_rows;
    *others = r->c.ds;
    r->c.ds = NULL;
    *out = r;
    return ST_OK;
}

/* Room for `need` entries in the row. */
static int reserve(st_text_rows *r, size_t need)
{
    if (need <= r->cap)
        return 1;
    size_t c = need > 2 * r->cap ? need : 2 * r->cap;
    uint32_t *cols = st__realloc_array(r->cols, c, sizeof *cols);
    if (cols != NULL)
        r->cols = cols;
    float *vals = cols != NULL ? st__realloc_array(r->vals, c, sizeof *vals) : NULL;
    if (vals == NULL)
        return 0;
    r->vals = vals, r->cap = c;
    return 1;
}

/* Text column k's entries of the current row (analysed into p->a) after the n already
 * in the row: its terms' columns, their tf, then the values as st__text_stream_values
 * computes them. Returns the row's entries, or (size_t)-1 when out of memory. */
static size_t row_entries(st_text_rows *r, size_t k, size_t n)
{
    st__text_pass *p = &r->pass[k];
    const st_text_featurizer *f = p->out;
    const st__analyzer *a = &p->a;
    size_t n_keys = 0;
    for (size_t t = 0; t < a->n_terms; t++) {
        int sign = 1;
        long col = st__text_column_of(f, a->grams + a->term_off[t], a->term_len[t], &sign);
        if (col >= 0) /* columns ascend with buckets: the same groups, in the same order */
            p->keys[n_keys++] = ((uint64_t)col * 2 + (sign < 0)) << 32 | 1u;
    }
    size_t m = st__text_stream_pairs(p->keys, n_keys, p->pairs);
    if (!reserve(r, n + m))
        return (size_t)-1;
    double sum_sq = 0; /* the row's squares in column order, as st__text_stream_values */
    for (size_t e = 0; e < m; e++) {
        double v = st__text_weight(f, p->pairs[e].id, p->pairs[e].tf);
        sum_sq += v * v;
    }
    double norm = f->opt.l2_norm && sum_sq > 0 ? sqrt(sum_sq) : 0;
    for (size_t e = 0; e < m; e++) {
        double v = st__text_weight(f, p->pairs[e].id, p->pairs[e].tf);
        r->cols[n + e] = (uint32_t)(r->first[k] + p->pairs[e].id);
        r->vals[n + e] = (float)(norm > 0 ? v / norm : v);
    }
    return n + m;
}

st_status st_text_rows_next(st_text_rows *r, const uint32_t **cols, const float **vals,
                            size_t *n, st_error *err)
{
    *n = 0;
    if (r == NULL || r->next >= r->n_rows)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_rows_next: %s",
                        r == NULL ? "NULL argument" : "every row was read");
    int got = st__csv_row_stream_next(&r->c.s, err);
    if (got < 0)
        return err != NULL ? err->code : ST_ERR_PARSE;
    if (got == 0)
        return st__fail(err, ST_ERR_DATA, "%s: the file changed while it was read (%zu rows, "
                        "then fewer)", r->path, r->n_rows);
    size_t m = 0;
    for (size_t k = 0; k < r->n_cols; k++) {
        r->pass[k].err = err;
        st_status rc = st__text_pass_analyse(&r->pass[k]);
        if (rc != ST_OK)
            return rc;
        if ((m = row_entries(r, k, m)) == (size_t)-1)
            return st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                            r->pass[k].column);
    }
    if (++r->next == r->n_rows) { /* the last row: the file must end here */
        got = st__csv_row_stream_next(&r->c.s, err);
        if (got < 0)
            return err != NULL ? err->code : ST_ERR_PARSE;
        if (got == 1)
            return st__fail(err, ST_ERR_DATA, "%s: the file changed while it was read (%zu "
                            "rows, then more)", r->path, r->n_rows);
    }
    *cols = r->cols, *vals = r->vals, *n = m;
    return ST_OK;
}
