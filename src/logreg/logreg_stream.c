/* Logistic regression from a stream of row blocks (logreg_stream.h): proximal Newton with
 * the whole quadratic model held in memory, one pass over the data per model.
 *
 * Passes, each reading the blocks in their order:
 *   1. preprocessing, in one pass: rows and classes, the mean of each feature's present
 *      values (imputation), and the weighted mean and variance of each imputed feature
 *      (standardisation), each block's own moments merged into the running ones (Chan,
 *      Golub and LeVeque 1979), so that no sum of squares cancels on 1e6-scale columns;
 *   then per outer iteration, at the current (b0, b):
 *   2. the loss, its gradient X^T c (y - p) and the Gram matrix [1 X]^T diag(c p (1 - p))
 *      [1 X], each block's sums added to the totals in block order;
 *   3. the step: exact Newton (Cholesky of the (p + 1) x (p + 1) Hessian) without an L1
 *      part; otherwise cyclic coordinate descent on the penalised quadratic model (the
 *      model is exact in the Gram matrix, so no pass over the data is needed for it);
 *   4. the line search (Lee, Sun and Saunders, SIAM J. Optim. 2014, for the proximal
 *      case): one pass forms the model of step 2 at the full step b + d and the
 *      objective at b + d / 2, b + d / 4, b + d / 8; the longest step with sufficient
 *      decrease is taken. When it is the full one (as it is near the optimum) the next
 *      iteration needs no pass of its own: one pass per iteration. Otherwise the model
 *      is formed again at the point taken (shorter steps, rarely needed, get passes
 *      trying four lengths each).
 * Stop when the model's predicted decrease, relative to the objective, is at most tol
 * (for a smooth fit it is the Newton decrement g^T H^-1 g / 2, as st__lr_newton reports).
 *
 * Why a Gram matrix rather than Hessian-vector products: the matrix is p x p and costs
 * n p^2 / 2 multiply-adds per pass, while each pass over data that does not fit in
 * memory costs its reading; a method with more, cheaper passes (L-BFGS, Newton-CG) would
 * read the data several times as often.
 *
 * Determinism: the blocks come in a fixed order, every kernel inside a block is thread
 * independent (logreg_objective.c, logreg_gram.c), and each pass keeps one record of sums
 * per block (acc_*) and combines the records in block order, so the fit does not depend
 * on the thread count. It depends on the block size in the last bits only. With a
 * reducer (several processes, each with a consecutive run of the blocks) the records are
 * combined in the same order across processes, so the fit is the one-process fit. */
#include "logreg_stream.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

/* Step lengths tried per line-search pass: 1, 1/2, ..., 2^-(LS_PER_PASS - 1); further
 * passes continue the halving. */
#define LS_PER_PASS 4
#define LS_MAX_PASSES 15
/* Coordinate-descent sweeps on one quadratic model, at most. */
#define CD_MAX_SWEEPS 10000
/* Values of the model pass's record before the gradient: its loss and LS_PER_PASS - 1
 * shorter steps' losses. */
#define MODEL_HEAD LS_PER_PASS

typedef struct stream {
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
} stream;

static float raw(const stream *s, size_t i, size_t j)
{
    return s->src->layout == ST__LR_ROW_MAJOR ? s->xr[i * s->p + j] : s->xr[j * s->cap + i];
}

static st_status rewind_source(stream *s, st_error *err)
{
    s->passes++;
    return s->src->rewind(s->src->ctx, err);
}

static st_status next_block(stream *s, size_t *nb, st_error *err)
{
    *nb = 0;
    st_status rc = s->src->next(s->src->ctx, s->xr, s->yr, s->wr, nb, err);
    if (rc == ST_OK && *nb > s->cap)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression: the source "
                        "gave a block of %zu rows, more than its %zu", *nb, s->cap);
    return rc;
}

/* Accumulation of a pass (logreg_stream.h, st__lr_reducer): s->tot gets the identity
 * from the caller, each block fills s->rec and calls acc_add, acc_end completes the
 * total. */
static void acc_begin(stream *s, size_t n, st__lr_combine combine)
{
    s->rec_n = n, s->combine = combine, s->n_recs = 0;
}

static st_status acc_add(stream *s, st_error *err)
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

static st_status acc_end(stream *s, st_error *err)
{
    const st__lr_reducer *r = s->src->reducer;
    if (r == NULL)
        return ST_OK;
    return r->fold(r->ctx, s->tot, s->recs, s->n_recs, s->rec_n, s->combine, NULL, err);
}

static void combine_sum(double *total, const double *record, size_t n, const void *cctx)
{
    (void)cctx;
    for (size_t k = 0; k < n; k++)
        total[k] += record[k];
}

static double row_weight(const stream *s, size_t i)
{
    return (double)s->wr[i] * s->cw[s->yr[i] > 0.5f];
}

static double value(const stream *s, size_t i, size_t j)
{
    float v = raw(s, i, j);
    return isnan(v) ? s->fill[j] : v;
}

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

/* The one preprocessing pass: rows, classes, each feature's imputation value, weighted
 * mean and standard deviation after imputation (into s->fill, mean, scale, cw, total);
 * *ybar gets the weighted share of positives. Checks the values. */
static st_status pass_stats(stream *s, const st_logreg_params *prm, double *ybar, st_error *err)
{
    const size_t p = s->p;
    size_t local = 0, nb;
    stats_identity(s->tot, p);
    acc_begin(s, S_HEAD + p * F_SIZE, combine_stats);
    st_status rc = rewind_source(s, err);
    while (rc == ST_OK && (rc = next_block(s, &nb, err)) == ST_OK && nb > 0) {
        if ((rc = stats_block(s, nb, s->src->row0 + local, err)) == ST_OK)
            rc = acc_add(s, err);
        local += nb;
    }
    if (rc == ST_OK)
        rc = acc_end(s, err);
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

/* The block's design, labels and normalised weights; returns the block problem. */
static st__lr_problem build_block(stream *s, size_t nb)
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

/* Pass 2: the model at (b0, b) + (d0, d) (d NULL: at (b0, b)): the loss (into *loss),
 * minus its gradient (ng, intercept first, 1 + p values) and its Hessian h ((1 + p)^2,
 * full). With d, loss_short also gets the loss at (b0, b) + t (d0, d) for t = 1/2, 1/4,
 * ... (LS_PER_PASS - 1 values): the line search and the next model share one reading. */
static st_status pass_model(stream *s, double b0, const double *b, double d0, const double *d,
                            double *loss, double *loss_short, double *ng, double *h,
                            st_error *err)
{
    const size_t p = s->p, m = p + 1, n = MODEL_HEAD + m + m * m;
    /* record: loss, LS_PER_PASS - 1 shorter steps' losses, ng, h */
    memset(s->tot, 0, n * sizeof *s->tot);
    acc_begin(s, n, combine_sum);
    double *r = s->rec, *rg = r + MODEL_HEAD, *rh = rg + m;
    size_t nb;
    st_status rc = rewind_source(s, err);
    while (rc == ST_OK && (rc = next_block(s, &nb, err)) == ST_OK && nb > 0) {
        st__lr_problem bp = build_block(s, nb);
        st__lr_margins(&bp, b0, b, s->eta);
        memset(r, 0, MODEL_HEAD * sizeof *r);
        if (d != NULL) {
            st__lr_margins(&bp, d0, d, s->deta);
            double t = 0.5;
            for (int k = 0; k < LS_PER_PASS - 1; k++, t *= 0.5)
                r[1 + k] = st__lr_loss(&bp, s->eta, s->deta, t, NULL);
        }
        r[0] = st__lr_loss(&bp, s->eta, d != NULL ? s->deta : NULL, 1, s->prob);
        for (size_t i = 0; i < nb; i++)
            s->work[i] = s->cb[i] * (s->yb[i] - s->prob[i]);
        rg[0] = st__lr_sum(&bp, s->work);
        st__lr_xt(&bp, s->work, rg + 1);
        for (size_t i = 0; i < nb; i++)
            s->work[i] = s->cb[i] * s->prob[i] * (1 - s->prob[i]);
        st__lr_gram(&bp, s->work, s->cols, p, rh, s->gram_scratch);
        rc = acc_add(s, err);
    }
    if (rc == ST_OK)
        rc = acc_end(s, err);
    if (rc != ST_OK)
        return rc;
    *loss = s->tot[0];
    if (d != NULL)
        memcpy(loss_short, s->tot + 1, (LS_PER_PASS - 1) * sizeof *loss_short);
    memcpy(ng, s->tot + MODEL_HEAD, m * sizeof *ng);
    memcpy(h, s->tot + MODEL_HEAD + m, m * m * sizeof *h);
    return ST_OK;
}

/* Pass 4, for short steps: the loss at (b0, b) + t (d0, d) for t = t0, t0 / 2, ...
 * (LS_PER_PASS values) into loss_t. */
static st_status pass_line(stream *s, double b0, const double *b, double d0, const double *d,
                           double t0, double *loss_t, st_error *err)
{
    memset(s->tot, 0, LS_PER_PASS * sizeof *s->tot);
    acc_begin(s, LS_PER_PASS, combine_sum);
    size_t nb;
    st_status rc = rewind_source(s, err);
    while (rc == ST_OK && (rc = next_block(s, &nb, err)) == ST_OK && nb > 0) {
        st__lr_problem bp = build_block(s, nb);
        st__lr_margins(&bp, b0, b, s->eta);
        st__lr_margins(&bp, d0, d, s->deta);
        double t = t0;
        for (int k = 0; k < LS_PER_PASS; k++, t *= 0.5)
            s->rec[k] = st__lr_loss(&bp, s->eta, s->deta, t, NULL);
        rc = acc_add(s, err);
    }
    if (rc == ST_OK)
        rc = acc_end(s, err);
    if (rc == ST_OK)
        memcpy(loss_t, s->tot, LS_PER_PASS * sizeof *loss_t);
    return rc;
}

/* l1 ||z||_1 + l2 / 2 ||z||^2 over the p coefficients. */
static double penalty(const stream *s, const double *z)
{
    double a1 = 0, a2 = 0;
    for (size_t j = 0; j < s->p; j++)
        a1 += fabs(z[j]), a2 += z[j] * z[j];
    return s->l1 * a1 + 0.5 * s->l2 * a2;
}

/* The Newton step without an L1 part: (H + l2 I) d = ng - l2 [0; b] by Cholesky (u is
 * scratch of m^2). A column with scale 0 (all zeros) gets a unit diagonal: its gradient
 * is 0, so is its step. If H is singular (l2 = 0, collinear columns) a growing multiple
 * of its largest diagonal entry is added. Returns 0, or -1 when nothing helps. */
static int newton_step(const stream *s, const double *h, const double *ng, const double *b,
                       double *d, double *u)
{
    const size_t m = s->p + 1;
    double dmax = 0;
    for (size_t k = 0; k < m; k++)
        dmax = h[k * m + k] > dmax ? h[k * m + k] : dmax;
    double jitter = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
        memcpy(u, h, m * m * sizeof *u);
        for (size_t j = 0; j < s->p; j++) {
            double *ujj = &u[(1 + j) * m + 1 + j];
            *ujj = s->scale[j] > 0 ? *ujj + s->l2 : 1;
        }
        for (size_t k = 0; k < m; k++)
            u[k * m + k] += jitter;
        if (st__lr_cholesky(u, m) == 0) {
            d[0] = ng[0];
            for (size_t j = 0; j < s->p; j++)
                d[1 + j] = ng[1 + j] - s->l2 * b[j];
            st__lr_cholesky_solve(u, m, d);
            return 0;
        }
        jitter = jitter == 0 ? 1e-12 * (dmax > 0 ? dmax : 1) : jitter * 100;
    }
    return -1;
}

/* The proximal Newton step with an L1 part: minimises over d
 *     -ng . d + d^T H d / 2 + l1 ||b + d||_1 + l2 / 2 ||b + d||^2
 * (intercept unpenalised) by cyclic coordinate descent in closed form, keeping H d
 * (hd, m values) up to date. tol_abs bounds the last sweep's largest curvature-weighted
 * squared change. */
static void cd_step(const stream *s, const double *h, const double *ng, const double *b0b,
                    double *d, double *hd, double tol_abs)
{
    const size_t m = s->p + 1;
    memset(d, 0, m * sizeof *d);
    memset(hd, 0, m * sizeof *hd);
    for (int sweep = 0; sweep < CD_MAX_SWEEPS; sweep++) {
        double dmax = 0;
        for (size_t k = 0; k < m; k++) {
            const double *hk = h + k * m, hkk = hk[k];
            double grad = -ng[k] + hd[k], delta;
            if (k == 0) {
                if (!(hkk > 0))
                    continue;
                delta = -grad / hkk;
            } else {
                double a = hkk + s->l2;
                if (!(a > 0) || !(s->scale[k - 1] > 0))
                    continue;
                double z = b0b[k] + d[k];
                delta = st__lr_soft_threshold(hkk * z - grad, s->l1) / a - z;
            }
            if (delta == 0)
                continue;
            d[k] += delta;
            for (size_t r = 0; r < m; r++)
                hd[r] += delta * hk[r];
            double c = (k == 0 ? hkk : hkk + s->l2) * delta * delta;
            dmax = c > dmax ? c : dmax;
        }
        if (dmax <= tol_abs)
            break;
    }
}

static st_status check(const st__lr_source *src, const st_logreg_params *prm, st_error *err)
{
    if (src == NULL || src->next == NULL || src->rewind == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression: the source "
                        "or one of its callbacks is NULL");
    if (src->n_features == 0 || src->n_features > ST__LR_STREAM_MAX_FEATURES ||
        src->block_rows == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression: %zu features "
                        "(1 to %d) in blocks of %zu rows (> 0)", src->n_features,
                        ST__LR_STREAM_MAX_FEATURES, src->block_rows);
    if (src->layout != ST__LR_FEATURE_MAJOR && src->layout != ST__LR_ROW_MAJOR)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression: unknown layout");
    const char *bad = st_logreg_params_check(prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    if (prm->impute != ST_IMPUTE_MEAN || prm->missing_indicators)
        return st__fail(err, ST_ERR_INVALID_ARG, "streamed logistic regression imputes the "
                        "mean and adds no missing indicators");
    return ST_OK;
}

static void stream_free(stream *s)
{
    st__free(s->xr), st__free(s->yr), st__free(s->wr);
    st__free(s->xb), st__free(s->yb), st__free(s->cb);
    st__free(s->eta), st__free(s->deta), st__free(s->prob), st__free(s->work);
    st__free(s->partial), st__free(s->gram_scratch);
    st__free(s->rec), st__free(s->tot), st__free(s->recs);
    st__free(s->cols);
}

static int stream_alloc(stream *s)
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
    /* a record: the model pass's (p <= 2048: no overflow) or the preprocessing pass's */
    const size_t model_n = MODEL_HEAD + m + m * m, stats_n = S_HEAD + p * F_SIZE;
    s->rec_max = model_n > stats_n ? model_n : stats_n;
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

void st__lr_stream_fit_free(st__lr_stream_fit *fit)
{
    if (fit == NULL)
        return;
    st__free(fit->coefs), st__free(fit->fill), st__free(fit->mean), st__free(fit->scale);
    memset(fit, 0, sizeof *fit);
}

st_status st__lr_stream_train(const st__lr_source *src, const st_logreg_params *prm_in,
                              st__lr_stream_fit *out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st__lr_stream_train: out is NULL");
    memset(out, 0, sizeof *out);
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    st_status rc = check(src, &prm, err);
    if (rc != ST_OK)
        return rc;
    const size_t p = src->n_features, m = p + 1;
    stream s = {.src = src, .p = p, .cap = src->block_rows,
                .n_threads = st__n_threads(prm.n_threads),
                .l1 = prm.lambda * prm.alpha, .l2 = prm.lambda * (1 - prm.alpha)};
    double *b = st__calloc(m, sizeof *b); /* b[0] the intercept, b + 1 the coefficients */
    double *ng = st__malloc_array(m, sizeof *ng), *d = st__malloc_array(m, sizeof *d);
    double *hd = st__malloc_array(m, sizeof *hd), *h = st__malloc_array(m * m, sizeof *h);
    double *u = st__malloc_array(2 * m * m, sizeof *u);
    double *trial = st__malloc_array(2 * m, sizeof *trial);
    out->fill = st__malloc_array(p, sizeof *out->fill);
    out->mean = st__malloc_array(p, sizeof *out->mean);
    out->scale = st__malloc_array(p, sizeof *out->scale);
    out->coefs = st__malloc_array(p, sizeof *out->coefs);
    if (!b || !ng || !d || !hd || !h || !u || !trial || !out->fill || !out->mean ||
        !out->scale || !out->coefs || stream_alloc(&s) != 0) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for streamed logistic regression "
                      "(%zu features, blocks of %zu rows)", p, s.cap);
        goto done;
    }
    s.fill = out->fill, s.mean = out->mean, s.scale = out->scale;
    double ybar = 0;
    if ((rc = pass_stats(&s, &prm, &ybar, err)) != ST_OK)
        goto done;
    b[0] = log(ybar / (1 - ybar)); /* the intercept-only fit */
    st__lr_info *info = &out->info;
    /* The model at b; after a step, the model at b + d comes with the line search's
     * pass, and is the next model when the full step is taken (the usual case). */
    double loss, loss_next, loss_short[LS_PER_PASS - 1];
    double *ng_next = trial + m, *h_next = u + m * m; /* second halves of the buffers */
    if ((rc = pass_model(&s, b[0], b + 1, 0, NULL, &loss, NULL, ng, h, err)) != ST_OK)
        goto done;
    for (int it = 0;; it++) {
        const double f = loss + penalty(&s, b + 1);
        if (!isfinite(f)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "streamed logistic regression: objective is "
                          "%g after %d iterations", f, it);
            goto done;
        }
        info->iterations = it;
        info->objective = f;
        if (it >= prm.max_iter)
            break;
        if (s.l1 > 0) {
            cd_step(&s, h, ng, b, d, hd, 1e-3 * prm.tol * f);
        } else if (newton_step(&s, h, ng, b + 1, d, u) != 0) {
            rc = st__fail(err, ST_ERR_NUMERIC, "streamed logistic regression: the Hessian "
                          "is not positive definite even after regularisation");
            goto done;
        }
        /* descent: grad . d + h(b + d) - h(b); the model's decrease adds d^T H d / 2 */
        double gd = 0, dhd = 0;
        for (size_t k = 0; k < m; k++) {
            gd -= ng[k] * d[k];
            double hk = 0;
            for (size_t r = 0; r < m; r++)
                hk += h[k * m + r] * d[r];
            dhd += d[k] * hk;
        }
        for (size_t k = 0; k < m; k++)
            trial[k] = b[k] + d[k];
        const double descent = gd + penalty(&s, trial + 1) - penalty(&s, b + 1);
        const double predicted = -(descent + 0.5 * dhd);
        info->gap = predicted / fmax(f, 1e-300);
        if (info->gap <= prm.tol || !(descent < 0)) {
            info->converged = info->gap <= prm.tol;
            break;
        }
        if ((rc = pass_model(&s, b[0], b + 1, d[0], d + 1, &loss_next, loss_short, ng_next,
                             h_next, err)) != ST_OK)
            goto done;
        double t = 0;
        if (loss_next + penalty(&s, trial + 1) <= f + 1e-4 * descent) {
            t = 1; /* the model at b + d is already there */
            for (size_t k = 0; k < m; k++)
                b[k] += d[k];
            loss = loss_next;
            memcpy(ng, ng_next, m * sizeof *ng);
            memcpy(h, h_next, m * m * sizeof *h);
            continue;
        }
        double tk = 0.5;
        for (int k = 0; k < LS_PER_PASS - 1 && t == 0; k++, tk *= 0.5) {
            for (size_t j = 0; j < m; j++)
                trial[j] = b[j] + tk * d[j];
            if (loss_short[k] + penalty(&s, trial + 1) <= f + 1e-4 * tk * descent)
                t = tk;
        }
        double t0 = tk, loss_t[LS_PER_PASS]; /* shorter still: passes of their own */
        for (int pass = 0; pass < LS_MAX_PASSES && t == 0; pass++, t0 /= 1 << LS_PER_PASS) {
            if ((rc = pass_line(&s, b[0], b + 1, d[0], d + 1, t0, loss_t, err)) != ST_OK)
                goto done;
            tk = t0;
            for (int k = 0; k < LS_PER_PASS && t == 0; k++, tk *= 0.5) {
                for (size_t j = 0; j < m; j++)
                    trial[j] = b[j] + tk * d[j];
                if (loss_t[k] + penalty(&s, trial + 1) <= f + 1e-4 * tk * descent)
                    t = tk;
            }
        }
        if (t == 0)
            break; /* rounding has swamped the decrease: as close as double precision gets */
        for (size_t k = 0; k < m; k++)
            b[k] += t * d[k];
        if ((rc = pass_model(&s, b[0], b + 1, 0, NULL, &loss, NULL, ng, h, err)) != ST_OK)
            goto done;
    }
    /* back to the original scale */
    out->n_features = p;
    out->n_rows = s.n_rows;
    out->intercept = b[0];
    for (size_t j = 0; j < p; j++) {
        out->coefs[j] = s.scale[j] > 0 ? b[1 + j] / s.scale[j] : 0;
        out->intercept -= out->coefs[j] * s.mean[j];
    }
done:
    out->passes = s.passes;
    stream_free(&s);
    st__free(b), st__free(ng), st__free(d), st__free(hd), st__free(h), st__free(u);
    st__free(trial);
    if (rc != ST_OK)
        st__lr_stream_fit_free(out);
    return rc;
}
