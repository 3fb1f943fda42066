/* Term columns built without the texts (text_stream.h): rows of (id, tf) pairs kept in
 * chunks, the columns allocated at their final size, filled row by row (so each column's
 * rows come ascending, as st_text_transform's do), and the values computed in place. */
#include "text_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

int st__text_tf_rows_add(st__text_tf_rows *r, const st__text_tf *row, size_t n)
{
    if (r->n_rows == r->rows_cap) {
        size_t c = r->rows_cap == 0 ? 4096 : 2 * r->rows_cap;
        uint32_t *p = st__realloc_array(r->row_n, c, sizeof *p);
        if (p == NULL)
            return 0;
        r->row_n = p, r->rows_cap = c;
    }
    if (n > UINT32_MAX)
        return 0;
    for (size_t k = 0; k < n; k++) {
        size_t at = r->n_pairs % ST__TEXT_CHUNK;
        if (at == 0 && r->n_pairs / ST__TEXT_CHUNK == r->n_chunks) {
            if (r->n_chunks == r->chunks_cap) {
                size_t c = r->chunks_cap == 0 ? 64 : 2 * r->chunks_cap;
                st__text_tf **p = st__realloc_array(r->chunks, c, sizeof *p);
                if (p == NULL)
                    return 0;
                r->chunks = p, r->chunks_cap = c;
            }
            r->chunks[r->n_chunks] = st__malloc_array(ST__TEXT_CHUNK, sizeof **r->chunks);
            if (r->chunks[r->n_chunks] == NULL)
                return 0;
            r->n_chunks++;
        }
        r->chunks[r->n_pairs / ST__TEXT_CHUNK][at] = row[k];
        r->n_pairs++;
    }
    r->row_n[r->n_rows++] = (uint32_t)n;
    return 1;
}

void st__text_tf_rows_free(st__text_tf_rows *r)
{
    for (size_t c = 0; c < r->n_chunks; c++)
        st__free(r->chunks[c]);
    st__free(r->chunks);
    st__free(r->row_n);
    memset(r, 0, sizeof *r);
}

st_status st__text_stream_add_columns(st_dataset *ds, size_t n_others,
                                      const st_text_featurizer *f, const size_t *count,
                                      st_error *err)
{
    for (size_t j = 0; j < n_others; j++)
        for (size_t k = 0; k < f->n_terms; k++)
            if (strcmp(ds->features[j].name, f->names[k]) == 0)
                return st__fail(err, ST_ERR_DATA, "text column '%s': its term column '%s' "
                                "has the name of another feature of the data", f->column,
                                f->names[k]);
    return st__text_add_term_columns(ds, f, count, err); /* filled by st__text_stream_put_row */
}

void st__text_stream_put_row(st_dataset *ds, size_t first, size_t row, const st__text_tf *p,
                             size_t n, const long *col_of)
{
    for (size_t k = 0; k < n; k++) {
        long col = col_of != NULL ? col_of[p[k].id] : (long)p[k].id;
        if (col < 0)
            continue;
        st__feature *c = &ds->features[first + (size_t)col];
        c->entry_rows[c->n_entries] = (uint32_t)row;
        memcpy(&c->entry_values[c->n_entries], &p[k].tf, sizeof p[k].tf);
        c->n_entries++;
    }
}

void st__text_stream_put_rows(st_dataset *ds, size_t first, st__text_tf_rows *r,
                              const long *col_of)
{
    size_t pos = 0; /* pairs put so far */
    for (size_t i = 0; i < r->n_rows; i++) {
        for (size_t left = r->row_n[i]; left > 0;) {
            size_t c = pos / ST__TEXT_CHUNK, at = pos % ST__TEXT_CHUNK;
            size_t take = ST__TEXT_CHUNK - at < left ? ST__TEXT_CHUNK - at : left;
            st__text_stream_put_row(ds, first, i, r->chunks[c] + at, take, col_of);
            pos += take, left -= take;
            if (pos % ST__TEXT_CHUNK == 0) { /* the chunk is used up */
                st__free(r->chunks[c]);
                r->chunks[c] = NULL;
            }
        }
    }
    st__text_tf_rows_free(r);
}

double st__text_weight(const st_text_featurizer *f, size_t col, int32_t tf)
{
    double v = (double)tf;
    if (f->opt.sublinear_tf)
        v = tf > 0 ? 1.0 + log(v) : -(1.0 + log(-v));
    return v * f->idf[col];
}

/* Column entry e's weighted value before the row's norm, from the tf its float holds. */
static double weighted(const st_text_featurizer *f, size_t col, float stored)
{
    int32_t tf;
    memcpy(&tf, &stored, sizeof tf);
    return st__text_weight(f, col, tf);
}

st_status st__text_stream_values(st_dataset *ds, size_t first, const st_text_featurizer *f,
                                 st_error *err)
{
    size_t n = ds->n_rows;
    double *sum_sq = st__calloc(n + 1, sizeof *sum_sq);
    if (sum_sq == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text column '%s'",
                        f->column);
    /* each row's squares summed in column order, as add_row sums them */
    for (size_t k = 0; k < f->n_terms; k++) {
        const st__feature *c = &ds->features[first + k];
        for (size_t e = 0; e < c->n_entries; e++) {
            double v = weighted(f, k, c->entry_values[e]);
            sum_sq[c->entry_rows[e]] += v * v;
        }
    }
    for (size_t i = 0; i < n; i++) /* the norm, or 0 for no scaling */
        sum_sq[i] = f->opt.l2_norm && sum_sq[i] > 0 ? sqrt(sum_sq[i]) : 0;
    for (size_t k = 0; k < f->n_terms; k++) {
        st__feature *c = &ds->features[first + k];
        for (size_t e = 0; e < c->n_entries; e++) {
            double v = weighted(f, k, c->entry_values[e]), norm = sum_sq[c->entry_rows[e]];
            c->entry_values[e] = (float)(norm > 0 ? v / norm : v);
        }
    }
    st__free(sum_sq);
    return ST_OK;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

size_t st__text_stream_pairs(uint64_t *keys, size_t n_keys, st__text_tf *out)
{
    size_t sorted = 1;
    while (sorted < n_keys && keys[sorted - 1] <= keys[sorted])
        sorted++;
    if (sorted < n_keys)
        qsort(keys, n_keys, sizeof *keys, compare_u64);
    size_t n = 0;
    for (size_t t = 0; t < n_keys;) {
        uint64_t id = keys[t] >> 33;
        long tf = 0;
        for (; t < n_keys && keys[t] >> 33 == id; t++) {
            long count = (long)(keys[t] & 0xffffffffu);
            tf += (keys[t] >> 32 & 1) ? -count : count;
        }
        if (tf != 0) /* hashed terms that cancelled have no entry */
            out[n++] = (st__text_tf){(uint32_t)id, (int32_t)tf};
    }
    return n;
}
