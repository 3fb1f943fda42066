/* The preprocessing pass of a streamed fit (logreg_stream_pass.h): rows and classes, the
 * mean of each feature's present values (imputation), and the weighted mean and variance
 * of each imputed feature (standardisation), each block's own moments merged into the
 * running ones (Chan, Golub and LeVeque 1979), so that no sum of squares cancels on
 * 1e6-scale columns. */
#include "logreg_stream_pass.h"

#include <string.h>

#include "core/error.h"


/* Weighted moments of a set of values: total weight, mean, sum of squared deviations. */
typedef struct moments {
    double w, mean, m2;
} moments;

/* Adds the moments b to a (Chan, Golub and LeVeque 1979): exact, and no sum of squares
 * cancels however far the values are from 0. */
static void merge(moments *a, moments b)
{
    if (!(b.w > 0))
        return;
    double sum = a->w + b.w, delta = b.mean - a->mean;
    a->mean += delta * (b.w / sum);
    a->m2 += b.m2 + delta * delta * (a->w * b.w / sum);
    a->w = sum;
}

/* The record of the preprocessing pass: rows, positive rows, row weight per class, then
 * per feature what it gathers. The class weights are not known until the pass has counted
 * the classes, so the weighted moments are kept per class (with the row weights alone) and
 * combined afterwards; missing values, imputed by the mean of the present ones (also known
 * only at the end), enter as a mass at that value. */
enum {
    S_ROWS, S_POS, S_CW0, S_CW1, S_HEAD,
    F_M0 = 0,  /* present values of negative rows: weight, mean, squared deviations */
    F_M1 = 3,  /* the same for positive rows */
    F_MISS = 6, /* row weight of the missing values, negative and positive rows */
    F_SUM = 8, F_COUNT, /* unweighted sum and count of the present values (the fill) */
    F_LO, F_HI,         /* range of the present values of rows of positive weight */
    F_MW,               /* 1: a missing value in a row of positive weight */
    F_SIZE
};

size_t st__lr_stream_stats_size(size_t p) { return S_HEAD + p * F_SIZE; }

static void stats_identity(double *t, size_t p)
{
    memset(t, 0, (S_HEAD + p * F_SIZE) * sizeof *t);
    for (size_t j = 0; j < p; j++)
        t[S_HEAD + j * F_SIZE + F_LO] = INFINITY, t[S_HEAD + j * F_SIZE + F_HI] = -INFINITY;
}

static void combine_stats(double *t, const double *r, size_t n, const void *cctx)
{
    (void)cctx;
    for (size_t k = 0; k < S_HEAD; k++)
        t[k] += r[k];
    for (size_t at = S_HEAD; at + F_SIZE <= n; at += F_SIZE) {
        double *a = t + at;
        const double *b = r + at;
        for (int k = 0; k < 2; k++) {
            double *am = a + (k ? F_M1 : F_M0);
            const double *bm = b + (k ? F_M1 : F_M0);
            moments x = {am[0], am[1], am[2]};
            merge(&x, (moments){bm[0], bm[1], bm[2]});
            am[0] = x.w, am[1] = x.mean, am[2] = x.m2;
        }
        a[F_MISS] += b[F_MISS], a[F_MISS + 1] += b[F_MISS + 1];
        a[F_SUM] += b[F_SUM], a[F_COUNT] += b[F_COUNT];
        a[F_LO] = b[F_LO] < a[F_LO] ? b[F_LO] : a[F_LO];
        a[F_HI] = b[F_HI] > a[F_HI] ? b[F_HI] : a[F_HI];
        a[F_MW] = b[F_MW] > a[F_MW] ? b[F_MW] : a[F_MW];
    }
}

/* The block's record of the preprocessing pass into s->rec; checks the values. */
static st_status stats_block(stream *s, size_t nb, size_t row0, st_error *err)
{
    const size_t p = s->p;
    double *r = s->rec;
    stats_identity(r, p);
    for (size_t i = 0; i < nb; i++) {
        if (!(s->wr[i] >= 0) || isinf(s->wr[i]))
            return st__fail(err, ST_ERR_DATA, "row %zu has weight %g; weights must be "
                            "finite and >= 0", row0 + i + 1, (double)s->wr[i]);
        r[S_ROWS] += 1;
        r[S_POS] += s->yr[i] > 0.5f;
        r[s->yr[i] > 0.5f ? S_CW1 : S_CW0] += s->wr[i];
    }
    for (size_t j = 0; j < p; j++) {
        double *f = r + S_HEAD + j * F_SIZE;
        moments blk[2] = {{0, 0, 0}, {0, 0, 0}};
        for (size_t i = 0; i < nb; i++) {
            float v = raw(s, i, j);
            int k = s->yr[i] > 0.5f;
            double w = s->wr[i];
            if (isinf(v))
                return st__fail(err, ST_ERR_DATA, "feature %zu is infinite in row %zu; "
                                "logistic regression needs finite values", j + 1, row0 + i + 1);
            if (isnan(v)) {
                f[F_MISS + k] += w;
                if (w > 0)
                    f[F_MW] = 1;
                continue;
            }
            f[F_COUNT] += 1, f[F_SUM] += v;
            blk[k].w += w, blk[k].mean += w * v;
            if (w > 0) {
                f[F_LO] = v < f[F_LO] ? v : f[F_LO];
                f[F_HI] = v > f[F_HI] ? v : f[F_HI];
            }
        }
        for (int k = 0; k < 2; k++) /* the block's own moments */
            if (blk[k].w > 0)
                blk[k].mean /= blk[k].w;
        for (size_t i = 0; i < nb; i++) {
            float v = raw(s, i, j);
            int k = s->yr[i] > 0.5f;
            if (!isnan(v))
                blk[k].m2 += s->wr[i] * (v - blk[k].mean) * (v - blk[k].mean);
        }
        for (int k = 0; k < 2; k++) {
            double *m = f + (k ? F_M1 : F_M0);
            m[0] = blk[k].w, m[1] = blk[k].mean, m[2] = blk[k].m2;
        }
    }
    return ST_OK;
}

st_status st__lr_stream_stats(stream *s, const st_logreg_params *prm, double *ybar,
                              st_error *err)
{
    const size_t p = s->p;
    size_t local = 0, nb;
    stats_identity(s->tot, p);
    st__lr_stream_acc_begin(s, S_HEAD + p * F_SIZE, combine_stats);
    st_status rc = st__lr_stream_rewind(s, err);
    while (rc == ST_OK && (rc = st__lr_stream_next(s, &nb, err)) == ST_OK && nb > 0) {
        if ((rc = stats_block(s, nb, s->src->row0 + local, err)) == ST_OK)
            rc = st__lr_stream_acc_add(s, err);
        local += nb;
    }
    if (rc == ST_OK)
        rc = st__lr_stream_acc_end(s, err);
    if (rc != ST_OK)
        return rc;
    const double *t = s->tot;
    const size_t n = (size_t)t[S_ROWS], n_pos = (size_t)t[S_POS];
    const double class_w[2] = {t[S_CW0], t[S_CW1]};
    if (n == 0)
        return st__fail(err, ST_ERR_DATA, "streamed logistic regression: the source has no rows");
    s->cw[0] = s->cw[1] = 1; /* as st__lr_row_weights */
    if (prm->class_weight == ST_CLASS_WEIGHT_BALANCED && n_pos > 0 && n_pos < n) {
        s->cw[0] = (double)n / (2.0 * (double)(n - n_pos));
        s->cw[1] = (double)n / (2.0 * (double)n_pos);
    } else if (prm->class_weight == ST_CLASS_WEIGHT_POSITIVE) {
        s->cw[1] = prm->positive_weight;
    }
    double pos = s->cw[1] * class_w[1], total = s->cw[0] * class_w[0] + pos;
    if (!(pos > 0) || !(pos < total) || !isfinite(total))
        return st__fail(err, ST_ERR_DATA, "logistic regression needs positive total weight "
                        "in both classes (positive %g of %g)", pos, total);
    s->total = total;
    s->n_rows = n;
    *ybar = pos / total;
    for (size_t j = 0; j < p; j++) {
        const double *f = t + S_HEAD + j * F_SIZE;
        /* unweighted, as st_logreg_train imputes */
        s->fill[j] = f[F_COUNT] > 0 ? f[F_SUM] / f[F_COUNT] : 0;
        moments all = {0, 0, 0};
        for (int k = 0; k < 2; k++) { /* class weights scale a class's w and m2 */
            const double *m = f + (k ? F_M1 : F_M0);
            merge(&all, (moments){s->cw[k] * m[0], m[1], s->cw[k] * m[2]});
        }
        merge(&all, (moments){s->cw[0] * f[F_MISS] + s->cw[1] * f[F_MISS + 1], s->fill[j], 0});
        double lo = f[F_LO], hi = f[F_HI];
        if (f[F_MW] > 0) {
            lo = s->fill[j] < lo ? s->fill[j] : lo;
            hi = s->fill[j] > hi ? s->fill[j] : hi;
        }
        if (!(lo < hi)) { /* constant over the weighted rows: a column of zeros */
            s->mean[j] = lo < INFINITY ? lo : 0;
            s->scale[j] = 0;
            continue;
        }
        s->mean[j] = all.mean;
        double sd = prm->standardize ? sqrt(all.m2 / s->total) : 1.0;
        s->scale[j] = sd > 0 ? sd : 1.0;
    }
    return ST_OK;
}
