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
#include "logreg_driver.h"
#include "logreg_qmodel.h"
#include "logreg_stream_pass.h"


/* Step lengths tried per line-search pass: 1, 1/2, ..., 2^-(LS_PER_PASS - 1); further
 * passes continue the halving. */
#define LS_PER_PASS 4
#define LS_MAX_PASSES 15
/* Coordinate-descent sweeps on one quadratic model, at most. */
#define CD_MAX_SWEEPS 10000
/* Values of the model pass's record before the gradient: its loss and LS_PER_PASS - 1
 * shorter steps' losses. */
#define MODEL_HEAD LS_PER_PASS

/* The model at the current point and, after a full-step trial, at the point it tried. */
typedef struct held {
    stream *s;
    double loss, loss_next;
    double *ng, *h;           /* m, m^2: minus the loss gradient and [1 X]^T W [1 X] */
    double *ng_next, *h_next; /* the same at the full step */
    int have_next;            /* the last trial was the full step */
    double *bb, *d, *hd;      /* m each: the L1 step's */
} held;


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
    st__lr_stream_acc_begin(s, n, st__lr_stream_combine_sum);
    double *r = s->rec, *rg = r + MODEL_HEAD, *rh = rg + m;
    size_t nb;
    st_status rc = st__lr_stream_rewind(s, err);
    while (rc == ST_OK && (rc = st__lr_stream_next(s, &nb, err)) == ST_OK && nb > 0) {
        st__lr_problem bp = st__lr_stream_block(s, nb);
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
        rc = st__lr_stream_acc_add(s, err);
    }
    if (rc == ST_OK)
        rc = st__lr_stream_acc_end(s, err);
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
    st__lr_stream_acc_begin(s, LS_PER_PASS, st__lr_stream_combine_sum);
    size_t nb;
    st_status rc = st__lr_stream_rewind(s, err);
    while (rc == ST_OK && (rc = st__lr_stream_next(s, &nb, err)) == ST_OK && nb > 0) {
        st__lr_problem bp = st__lr_stream_block(s, nb);
        st__lr_margins(&bp, b0, b, s->eta);
        st__lr_margins(&bp, d0, d, s->deta);
        double t = t0;
        for (int k = 0; k < LS_PER_PASS; k++, t *= 0.5)
            s->rec[k] = st__lr_loss(&bp, s->eta, s->deta, t, NULL);
        rc = st__lr_stream_acc_add(s, err);
    }
    if (rc == ST_OK)
        rc = st__lr_stream_acc_end(s, err);
    if (rc == ST_OK)
        memcpy(loss_t, s->tot, LS_PER_PASS * sizeof *loss_t);
    return rc;
}

/* The proximal Newton step with an L1 part: minimises over d
 *     -ng . d + d^T H d / 2 + l1 ||b + d||_1 + l2 / 2 ||b + d||^2
 * (intercept unpenalised) by full cyclic sweeps of coordinate descent in closed form
 * (st__lr_qmodel_sweep) until the last one's largest curvature-weighted squared change
 * is at most tol_abs. A column with scale 0 (all zeros) has no curvature and a zero
 * gradient: it does not move. */
static void cd_step(const stream *s, const double *h, const double *ng, const double *b0b,
                    double *d, double *hd, double tol_abs)
{
    const size_t m = s->p + 1;
    st__lr_qmodel md = {.m = m, .h = h, .g = ng, .z = b0b, .l1 = s->l1, .l2 = s->l2,
                        .d = d, .hd = hd};
    memset(d, 0, m * sizeof *d);
    memset(hd, 0, m * sizeof *hd);
    for (int sweep = 0; sweep < CD_MAX_SWEEPS; sweep++)
        if (st__lr_qmodel_sweep(&md, NULL) <= tol_abs)
            break;
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

void st__lr_stream_fit_free(st__lr_stream_fit *fit)
{
    if (fit == NULL)
        return;
    st__free(fit->coefs), st__free(fit->fill), st__free(fit->mean), st__free(fit->scale);
    memset(fit, 0, sizeof *fit);
}

/* ---- the streamed data form of the driver ---- */

static st_status at(void *ctx, double b0, const double *b, double *loss, st_error *err)
{
    held *hm = ctx;
    st_status rc = pass_model(hm->s, b0, b, 0, NULL, &hm->loss, NULL, hm->ng, hm->h, err);
    *loss = hm->loss;
    return rc;
}

static st_status gradient(void *ctx, double *ng0, double *ng, st_error *err)
{
    held *hm = ctx;
    *ng0 = hm->ng[0];
    memcpy(ng, hm->ng + 1, hm->s->p * sizeof *ng);
    return ST_OK;
}

/* The full step's pass forms the model at b + d (the next one when it is taken, as it is
 * near the optimum) and the losses at three shorter steps; shorter ones still take passes
 * of LS_PER_PASS lengths each. */
static st_status try_steps(void *ctx, double b0, const double *b, double d0, const double *d,
                           double t0, size_t k, int want_next, double *loss, size_t *formed,
                           st_error *err)
{
    held *hm = ctx;
    st_status rc;
    if (t0 == 1) {
        rc = pass_model(hm->s, b0, b, d0, d, &hm->loss_next, loss + 1, hm->ng_next,
                        hm->h_next, err);
        loss[0] = hm->loss_next;
        hm->have_next = 1;
    } else {
        double loss_t[LS_PER_PASS];
        rc = pass_line(hm->s, b0, b, d0, d, t0, loss_t, err);
        memcpy(loss, loss_t, (k < LS_PER_PASS ? k : LS_PER_PASS) * sizeof *loss);
        hm->have_next = 0;
    }
    *formed = k < LS_PER_PASS ? k : LS_PER_PASS;
    return rc;
}

/* The full step: its model is there. A shorter one: the model at the point taken. */
static st_status accept(void *ctx, double t, double b0, const double *b, double *loss,
                        st_error *err)
{
    held *hm = ctx;
    const size_t m = hm->s->p + 1;
    if (t == 1 && hm->have_next) {
        hm->loss = hm->loss_next;
        memcpy(hm->ng, hm->ng_next, m * sizeof *hm->ng);
        memcpy(hm->h, hm->h_next, m * m * sizeof *hm->h);
        return ST_OK;
    }
    st_status rc = pass_model(hm->s, b0, b, 0, NULL, &hm->loss, NULL, hm->ng, hm->h, err);
    *loss = hm->loss;
    return rc;
}

/* The Hessian of the smooth part from the model held in memory (the whole (p + 1)^2
 * Gram matrix, formed by the pass) for the exact Newton step solver: the ridge term on
 * the diagonal, and a unit one for a column with scale 0 (all zeros: its gradient is 0,
 * so is its step). The stream has no subsample: every is ignored. */
static st_status hessian(void *ctx, size_t every, double *h, st_error *err)
{
    held *hm = ctx;
    const stream *s = hm->s;
    const size_t p = s->p, m = p + 1;
    memcpy(h, hm->h, m * m * sizeof *h);
    for (size_t j = 0; j < p; j++) {
        double *hjj = &h[(1 + j) * m + 1 + j];
        *hjj = s->scale[j] > 0 ? *hjj + s->l2 : 1;
    }
    return ST_OK;
}

/* The L1 step from the model held in memory, by coordinate descent on it. The predicted
 * decrease is the model's: -(descent + d^T H d / 2). */
static st_status held_step(void *ctx, const st__lr_data *data, const st__lr_point *pt,
                           double *d0, double *d, st__lr_step_result *res, st_error *err)
{
    held *hm = ctx;
    const stream *s = hm->s;
    const size_t p = s->p, m = p + 1;
    const double *ng = hm->ng, *h = hm->h;
    double *bb = hm->bb, *dd = hm->d;
    bb[0] = pt->b0;
    memcpy(bb + 1, pt->b, p * sizeof *bb);
    cd_step(s, h, ng, bb, dd, hm->hd, 1e-3 * pt->tol * pt->f);
    /* descent: grad . d + h(b + d) - h(b); the model's decrease adds d^T H d / 2 */
    double gd = 0, dhd = 0;
    for (size_t k = 0; k < m; k++) {
        gd -= ng[k] * dd[k];
        double hk = 0;
        for (size_t r = 0; r < m; r++)
            hk += h[k * m + r] * dd[r];
        dhd += dd[k] * hk;
    }
    for (size_t j = 0; j < p; j++)
        d[j] = dd[1 + j], bb[1 + j] = pt->b[j] + dd[1 + j];
    *d0 = dd[0];
    res->descent = gd + st__lr_penalty_of(s->l1, s->l2, bb + 1, p) - pt->pen;
    res->predicted = -(res->descent + 0.5 * dhd);
    res->trusted = 1;
    res->exact = 1;
    return ST_OK;
}

static void held_free(held *hm)
{
    st__free(hm->ng), st__free(hm->h), st__free(hm->ng_next), st__free(hm->h_next);
    st__free(hm->bb), st__free(hm->d), st__free(hm->hd);
}

static int held_alloc(held *hm, size_t m)
{
    hm->ng = st__malloc_array(m, sizeof *hm->ng);
    hm->h = st__malloc_array(m * m, sizeof *hm->h);
    hm->ng_next = st__malloc_array(m, sizeof *hm->ng_next);
    hm->h_next = st__malloc_array(m * m, sizeof *hm->h_next);
    hm->bb = st__malloc_array(m, sizeof *hm->bb);
    hm->d = st__malloc_array(m, sizeof *hm->d);
    hm->hd = st__malloc_array(m, sizeof *hm->hd);
    return hm->ng && hm->h && hm->ng_next && hm->h_next && hm->bb && hm->d && hm->hd ? 0 : -1;
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
    held hm = {.s = &s};
    st__lr_newton_step *newton = NULL;
    double *b = st__calloc(p, sizeof *b);
    out->fill = st__malloc_array(p, sizeof *out->fill);
    out->mean = st__malloc_array(p, sizeof *out->mean);
    out->scale = st__malloc_array(p, sizeof *out->scale);
    out->coefs = st__malloc_array(p, sizeof *out->coefs);
    /* a record: the model pass's (p <= 2048: no overflow) or the preprocessing pass's */
    const size_t model_n = MODEL_HEAD + m + m * m, stats_n = st__lr_stream_stats_size(p);
    if (!b || !out->fill || !out->mean || !out->scale || !out->coefs ||
        held_alloc(&hm, m) != 0 ||
        st__lr_stream_alloc(&s, model_n > stats_n ? model_n : stats_n) != 0) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for streamed logistic regression "
                      "(%zu features, blocks of %zu rows)", p, s.cap);
        goto done;
    }
    s.fill = out->fill, s.mean = out->mean, s.scale = out->scale;
    double ybar = 0;
    if ((rc = st__lr_stream_stats(&s, &prm, &ybar, err)) != ST_OK)
        goto done;
    double b0 = log(ybar / (1 - ybar)); /* the intercept-only fit */
    st__lr_data data = {.ctx = &hm, .p = p, .max_tries = LS_PER_PASS * (1 + LS_MAX_PASSES),
                        .at = at, .gradient = gradient, .try_steps = try_steps,
                        .accept = accept, .hessian = hessian};
    /* without an L1 part exact Newton on the held Hessian (no subsample: n = 0) */
    st__lr_step step = {.ctx = &hm, .iterations = "iterations", .keep_gap = 1,
                        .step = held_step};
    if (s.l1 <= 0) {
        if ((newton = st__lr_newton_step_new(0, p, NULL, NULL)) == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns", m);
            goto done;
        }
        step = st__lr_newton_step_solver(newton);
    }
    st__lr_drive dr = {.what = "streamed logistic regression", .l1 = s.l1, .l2 = s.l2,
                       .tol = prm.tol, .max_iter = prm.max_iter};
    if ((rc = st__lr_drive_run(&dr, &data, &step, &b0, b, &out->info, err)) != ST_OK)
        goto done;
    /* back to the original scale */
    out->n_features = p;
    out->n_rows = s.n_rows;
    out->intercept = b0;
    for (size_t j = 0; j < p; j++) {
        out->coefs[j] = s.scale[j] > 0 ? b[j] / s.scale[j] : 0;
        out->intercept -= out->coefs[j] * s.mean[j];
    }
done:
    out->passes = s.passes;
    st__lr_stream_free(&s);
    held_free(&hm);
    st__lr_newton_step_free(newton);
    st__free(b);
    if (rc != ST_OK)
        st__lr_stream_fit_free(out);
    return rc;
}
