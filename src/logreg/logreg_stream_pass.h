/* Internal: the state of a streamed logistic-regression fit (logreg_stream.c) and the
 * passes over its source: reading blocks, accumulating each pass's per-block records in
 * block order (logreg_stream.h, st__lr_reducer), and a block's standardised design
 * (logreg_stream_pass.c); the preprocessing pass (logreg_stream_stats.c). */
#ifndef STRATUM_LOGREG_STREAM_PASS_H
#define STRATUM_LOGREG_STREAM_PASS_H

#include <math.h>

#include "logreg_stream.h"

typedef struct st__lr_stream {
    const st__lr_source *src;
    size_t p, cap;
    int n_threads;
    double l1, l2;
    float *xr, *yr, *wr;          /* the raw block, as the source filled it */
    double *xb, *yb, *cb;         /* the block's design (column-major, nb rows), y, c */
    double *eta, *deta, *prob, *work, *partial;
    double *gram_scratch;
    double *rec, *tot;            /* a block's record and the pass's total (rec_max each) */
    double *recs;                 /* with a reducer: this process's records of the pass */
    size_t rec_max, recs_cap, n_recs, rec_n;
    st__lr_combine combine;       /* the pass's */
    size_t *cols;
    double *fill, *mean, *scale;  /* preprocessing, per feature */
    double cw[2], total;          /* class weights; total weight of the rows */
    size_t n_rows, passes;
} st__lr_stream;
typedef st__lr_stream stream;

static inline float raw(const stream *s, size_t i, size_t j)
{
    return s->src->layout == ST__LR_ROW_MAJOR ? s->xr[i * s->p + j] : s->xr[j * s->cap + i];
}

static inline double row_weight(const stream *s, size_t i)
{
    return (double)s->wr[i] * s->cw[s->yr[i] > 0.5f];
}

static inline double value(const stream *s, size_t i, size_t j)
{
    float v = raw(s, i, j);
    return isnan(v) ? s->fill[j] : v;
}

/* Counts a pass and rewinds the source. */
st_status st__lr_stream_rewind(stream *s, st_error *err);

/* The next block into s->xr, yr, wr; *nb rows (0 at the end). */
st_status st__lr_stream_next(stream *s, size_t *nb, st_error *err);

/* Accumulation of a pass (logreg_stream.h, st__lr_reducer): s->tot gets the identity
 * from the caller, each block fills s->rec and calls acc_add, acc_end completes the
 * total. */
void st__lr_stream_acc_begin(stream *s, size_t n, st__lr_combine combine);
st_status st__lr_stream_acc_add(stream *s, st_error *err);
st_status st__lr_stream_acc_end(stream *s, st_error *err);

/* Adds record to total, element by element. */
void st__lr_stream_combine_sum(double *total, const double *record, size_t n,
                               const void *cctx);

/* The block's design, labels and normalised weights; returns the block problem. */
st__lr_problem st__lr_stream_block(stream *s, size_t nb);

/* The buffers of s for blocks of s->cap rows of s->p features and records of rec_max
 * doubles; 0, or -1 when out of memory (st__lr_stream_free frees what was allocated). */
int st__lr_stream_alloc(stream *s, size_t rec_max);
void st__lr_stream_free(stream *s);

/* Doubles in a record of the preprocessing pass. */
size_t st__lr_stream_stats_size(size_t p);

/* The one preprocessing pass: rows, classes, each feature's imputation value, weighted
 * mean and standard deviation after imputation (into s->fill, mean, scale, cw, total);
 * *ybar gets the weighted share of positives. Checks the values. */
st_status st__lr_stream_stats(stream *s, const st_logreg_params *prm, double *ybar,
                              st_error *err);

#endif
