/* The passes of a streamed fit over its source (logreg_stream_pass.h): reading blocks,
 * accumulating records in block order, a block's standardised design, the buffers. */
#include "logreg_stream_pass.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

st_status st__lr_stream_rewind(stream *s, st_error *err)
{
    s->passes++;
    return s->src->rewind(s->src->ctx, err);
}

st_status st__lr_stream_next(stream *s, size_t *nb, st_error *err)
{
    *nb = 0;
    st_status rc = s->src->next(s->src->ctx, s->xr, s->yr, s->wr, nb, err);
    if (rc == ST_OK && *nb > s->cap)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression: the source "
                        "gave a block of %zu rows, more than its %zu", *nb, s->cap);
    return rc;
}

void st__lr_stream_acc_begin(stream *s, size_t n, st__lr_combine combine)
{
    s->rec_n = n, s->combine = combine, s->n_recs = 0;
}

st_status st__lr_stream_acc_add(stream *s, st_error *err)
{
    if (s->src->reducer == NULL) {
        s->combine(s->tot, s->rec, s->rec_n, NULL);
        return ST_OK;
    }
    int of = 0;
    size_t need = st__mul_size(s->n_recs + 1, s->rec_n, &of);
    if (!of && need > s->recs_cap) {
        size_t cap = s->recs_cap * 2 > need ? s->recs_cap * 2 : need;
        double *grown = st__realloc_array(s->recs, cap, sizeof *grown);
        if (grown == NULL)
            of = 1;
        else
            s->recs = grown, s->recs_cap = cap;
    }
    if (of)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu block sums of %zu values",
                        s->n_recs + 1, s->rec_n);
    memcpy(s->recs + s->n_recs * s->rec_n, s->rec, s->rec_n * sizeof *s->rec);
    s->n_recs++;
    return ST_OK;
}

st_status st__lr_stream_acc_end(stream *s, st_error *err)
{
    const st__lr_reducer *r = s->src->reducer;
    if (r == NULL)
        return ST_OK;
    return r->fold(r->ctx, s->tot, s->recs, s->n_recs, s->rec_n, s->combine, NULL, err);
}

void st__lr_stream_combine_sum(double *total, const double *record, size_t n, const void *cctx)
{
    (void)cctx;
    for (size_t k = 0; k < n; k++)
        total[k] += record[k];
}

st__lr_problem st__lr_stream_block(stream *s, size_t nb)
{
    const size_t p = s->p;
    const long np = (long)p;
#pragma omp parallel for num_threads(s->n_threads) schedule(static) if (nb * p > 65536)
    for (long jj = 0; jj < np; jj++) {
        size_t j = (size_t)jj;
        double *x = s->xb + j * nb;
        if (!(s->scale[j] > 0)) {
            memset(x, 0, nb * sizeof *x);
            continue;
        }
        for (size_t i = 0; i < nb; i++)
            x[i] = (value(s, i, j) - s->mean[j]) / s->scale[j];
    }
    for (size_t i = 0; i < nb; i++) {
        s->yb[i] = s->yr[i] > 0.5f ? 1 : 0;
        s->cb[i] = row_weight(s, i) / s->total;
    }
    st__lr_problem bp = {.n = nb, .p = p, .x = s->xb, .y = s->yb, .c = s->cb, .l1 = s->l1,
                         .l2 = s->l2, .n_threads = s->n_threads, .partial = s->partial};
    return bp;
}

void st__lr_stream_free(stream *s)
{
    st__free(s->xr), st__free(s->yr), st__free(s->wr);
    st__free(s->xb), st__free(s->yb), st__free(s->cb);
    st__free(s->eta), st__free(s->deta), st__free(s->prob), st__free(s->work);
    st__free(s->partial), st__free(s->gram_scratch);
    st__free(s->rec), st__free(s->tot), st__free(s->recs);
    st__free(s->cols);
}

int st__lr_stream_alloc(stream *s, size_t rec_max)
{
    const size_t p = s->p, cap = s->cap, m = p + 1;
    int of = 0;
    size_t cells = st__mul_size(cap, p, &of);
    if (of)
        return -1;
    s->xr = st__malloc_array(cells, sizeof *s->xr);
    s->yr = st__malloc_array(cap, sizeof *s->yr);
    s->wr = st__malloc_array(cap, sizeof *s->wr);
    s->xb = st__malloc_array(cells, sizeof *s->xb);
    s->yb = st__malloc_array(cap, sizeof *s->yb);
    s->cb = st__malloc_array(cap, sizeof *s->cb);
    s->eta = st__malloc_array(cap, sizeof *s->eta);
    s->deta = st__malloc_array(cap, sizeof *s->deta);
    s->prob = st__malloc_array(cap, sizeof *s->prob);
    s->work = st__malloc_array(cap, sizeof *s->work);
    s->partial = st__malloc_array(st__lr_partial_size(cap), sizeof *s->partial);
    s->gram_scratch = st__malloc_array(st__lr_gram_scratch_size(m), sizeof *s->gram_scratch);
    s->cols = st__malloc_array(p, sizeof *s->cols);
    s->rec_max = rec_max;
    s->rec = st__malloc_array(s->rec_max, sizeof *s->rec);
    s->tot = st__malloc_array(s->rec_max, sizeof *s->tot);
    if (!s->xr || !s->yr || !s->wr || !s->xb || !s->yb || !s->cb || !s->eta || !s->deta ||
        !s->prob || !s->work || !s->partial || !s->gram_scratch ||
        !s->cols || !s->rec || !s->tot)
        return -1;
    for (size_t j = 0; j < p; j++)
        s->cols[j] = j;
    return 0;
}
