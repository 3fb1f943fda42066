/* The dense in-memory data form of the driver (logreg_data_dense.h).
 *
 * State of the current point: margins eta and probabilities prob (n each), the gradient
 * when formed (grad_ok), and, after a line-search trial, the change of margins deta of
 * the step and the probabilities prob_next at the last length tried. The full step
 * (t = 1, forms with NEXT) comes from st__lr_full_step, one pass that also forms the
 * gradient there, so that an accepted full step (the usual case near the optimum) costs
 * the next iteration no pass for its gradient; shorter lengths reuse deta. */
#include "logreg_data_dense.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

struct st__lr_dense {
    const st__lr_problem *pb;
    int flags;
    double *eta, *prob, *prob_next, *work, *deta; /* n each */
    double *v, *r;                                /* n each, CD: the model's weights, residual */
    double *grad, g0;                             /* p: minus the loss gradient */
    double *xt_theta;                             /* p */
    double *own;                                  /* 2 p: X^T c, X^T (c y) when pb lacks them */
    double *parts;                                /* st__lr_full_step_parts (NEXT) */
    double *gram_scratch;                         /* for p + 1 columns, formed on first use */
    const double *xc, *xcy;
    double ybar;
    int have_ybar;
    int grad_ok;   /* grad and g0 are at the current point */
    int deta_ok;   /* deta holds the step slope() was given */
    int full;      /* the last trial was the full step of st__lr_full_step */
    int next;      /* the last trial formed prob_next */
    int warm;      /* the point is the end of the last fit, with loss warm_loss */
    double warm_loss;
};

void st__lr_dense_free(st__lr_dense *dn)
{
    if (dn == NULL)
        return;
    st__free(dn->eta), st__free(dn->prob), st__free(dn->prob_next), st__free(dn->work);
    st__free(dn->deta), st__free(dn->v), st__free(dn->r), st__free(dn->grad);
    st__free(dn->xt_theta), st__free(dn->own), st__free(dn->parts);
    st__free(dn->gram_scratch);
    st__free(dn);
}

st__lr_dense *st__lr_dense_new(const st__lr_problem *pb, int flags)
{
    st__lr_dense *dn = st__calloc(1, sizeof *dn);
    if (dn == NULL)
        return NULL;
    const size_t n = pb->n > 0 ? pb->n : 1, p = pb->p > 0 ? pb->p : 1;
    dn->pb = pb, dn->flags = flags;
    dn->eta = st__malloc_array(n, sizeof *dn->eta);
    dn->prob = st__malloc_array(n, sizeof *dn->prob);
    dn->work = st__malloc_array(n, sizeof *dn->work);
    dn->deta = st__malloc_array(n, sizeof *dn->deta);
    dn->grad = st__malloc_array(p, sizeof *dn->grad);
    dn->xt_theta = st__malloc_array(p, sizeof *dn->xt_theta);
    if (pb->xc == NULL || pb->xcy == NULL)
        dn->own = st__malloc_array(2 * p, sizeof *dn->own);
    int ok = dn->eta && dn->prob && dn->work && dn->deta && dn->grad && dn->xt_theta &&
             (dn->own != NULL || (pb->xc != NULL && pb->xcy != NULL));
    if (ok && (flags & ST__LR_DENSE_NEXT)) {
        dn->prob_next = st__malloc_array(n, sizeof *dn->prob_next);
        dn->parts = st__malloc_array(st__lr_full_step_parts(pb->n, pb->p), sizeof *dn->parts);
        ok = dn->prob_next && dn->parts;
    }
    if (ok && (flags & ST__LR_DENSE_CD)) {
        dn->v = st__malloc_array(n, sizeof *dn->v);
        dn->r = st__malloc_array(n, sizeof *dn->r);
        ok = dn->v && dn->r;
    }
    if (!ok) {
        st__lr_dense_free(dn);
        return NULL;
    }
    /* fresh pages where malloc gives them (a Python process): one fault per 2 MB */
    double *per_row[] = {dn->eta, dn->prob, dn->work, dn->deta, dn->prob_next, dn->v, dn->r};
    for (size_t k = 0; k < sizeof per_row / sizeof per_row[0]; k++)
        st__advise_huge_pages(per_row[k], n * sizeof(double));
    return dn;
}

static st_status at(void *ctx, double b0, const double *b, double *loss, st_error *err)
{
    st__lr_dense *dn = ctx;
    dn->deta_ok = 0;
    if (dn->warm) { /* where the last fit of the path ended: nothing moved since */
        dn->warm = 0;
        *loss = dn->warm_loss;
        return ST_OK;
    }
    dn->grad_ok = 0;
    st__lr_margins(dn->pb, b0, b, dn->eta);
    *loss = st__lr_loss(dn->pb, dn->eta, NULL, 0, dn->prob);
    return ST_OK;
}

static st_status gradient(void *ctx, double *ng0, double *ng, st_error *err)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    if (!dn->grad_ok) {
        for (size_t i = 0; i < pb->n; i++)
            dn->work[i] = pb->c[i] * (pb->y[i] - dn->prob[i]);
        dn->g0 = st__lr_sum(pb, dn->work);
        st__lr_xt(pb, dn->work, dn->grad);
        dn->grad_ok = 1;
    }
    *ng0 = dn->g0;
    memcpy(ng, dn->grad, pb->p * sizeof *ng);
    return ST_OK;
}

static st_status try_steps(void *ctx, double b0, const double *b, double d0, const double *d,
                           double t0, size_t k, int want_next, double *loss, size_t *formed,
                           st_error *err)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    *formed = 1;
    dn->next = want_next && dn->prob_next != NULL;
    if (dn->next && t0 == 1) {
        /* the full step, and the gradient there into grad (valid once accepted) */
        dn->grad_ok = 0;
        dn->full = 1;
        loss[0] = st__lr_full_step(pb, dn->eta, d0, d, dn->deta, dn->prob_next, dn->work,
                                   &dn->g0, dn->grad, dn->parts);
        return ST_OK;
    }
    if (t0 == 1) {
        dn->full = 0;
        if (!dn->deta_ok)
            st__lr_margins(pb, d0, d, dn->deta);
        dn->deta_ok = 1;
    }
    loss[0] = st__lr_loss(pb, dn->eta, dn->deta, t0, dn->next ? dn->prob_next : NULL);
    return ST_OK;
}

static st_status accept(void *ctx, double t, double b0, const double *b, double *loss,
                        st_error *err)
{
    st__lr_dense *dn = ctx;
    dn->deta_ok = 0;
    if (!dn->next) { /* the next `at` forms the point afresh */
        dn->grad_ok = 0;
        return ST_OK;
    }
    dn->grad_ok = dn->full && t == 1;
    double *swap = dn->prob;
    dn->prob = dn->prob_next, dn->prob_next = swap;
    for (size_t i = 0; i < dn->pb->n; i++)
        dn->eta[i] += t * dn->deta[i];
    return ST_OK;
}

static double slope(void *ctx, double d0, const double *d)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    for (size_t i = 0; i < pb->n; i++)
        dn->work[i] = pb->c[i] * (pb->y[i] - dn->prob[i]);
    st__lr_margins(pb, d0, d, dn->deta);
    dn->deta_ok = 1;
    double s = 0;
    for (size_t i = 0; i < pb->n; i++)
        s -= dn->work[i] * dn->deta[i];
    return s;
}

static void done(void *ctx, double loss)
{
    st__lr_dense *dn = ctx;
    if (dn->flags & ST__LR_DENSE_WARM)
        dn->warm = 1, dn->warm_loss = loss;
}

/* The gap from the gradient when the driver has it: X^T theta is a combination of the
 * gradient, X^T c and X^T (c y) (see st__lr_duality_gap for theta), so no pass over X. */
static double certificate(void *ctx, double f, const double *ng0, const double *ng)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    const size_t n = pb->n, p = pb->p;
    if (ng0 == NULL)
        return st__lr_duality_gap(pb, dn->prob, f, dn->work, dn->xt_theta);
    if (!dn->have_ybar) {
        for (size_t i = 0; i < n; i++)
            dn->work[i] = pb->c[i] * pb->y[i];
        dn->ybar = st__lr_sum(pb, dn->work);
        dn->have_ybar = 1;
    }
    if (dn->xc == NULL) { /* X^T c and X^T (c y) do not depend on the coefficients */
        if (pb->xc != NULL && pb->xcy != NULL) {
            dn->xc = pb->xc, dn->xcy = pb->xcy;
        } else {
            for (size_t i = 0; i < n; i++)
                dn->work[i] = pb->c[i];
            st__lr_xt(pb, dn->work, dn->own);
            for (size_t i = 0; i < n; i++)
                dn->work[i] = pb->c[i] * pb->y[i];
            st__lr_xt(pb, dn->work, dn->own + p);
            dn->xc = dn->own, dn->xcy = dn->own + p;
        }
    }
    const double ybar = dn->ybar, pbar = ybar - *ng0;
    const int down = pbar > ybar;
    const double k = down ? ybar / pbar : pbar < ybar ? (1 - ybar) / (1 - pbar) : 1.0;
    for (size_t j = 0; j < p; j++)
        dn->xt_theta[j] = -k * ng[j] + (k - 1) * (down ? dn->xcy[j] : dn->xcy[j] - dn->xc[j]);
    return st__lr_gap_from_xt(pb, dn->prob, f, ybar, pbar, dn->xt_theta);
}

static int separated(void *ctx)
{
    st__lr_dense *dn = ctx;
    return st__lr_separated(dn->pb, dn->eta);
}

static st_status hessian(void *ctx, size_t every, double *h, st_error *err)
{
    st__lr_dense *dn = ctx;
    if (st__lr_hessian_sub(dn->pb, dn->prob, every, h, dn->work) != 0)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns",
                        dn->pb->p + 1);
    return ST_OK;
}

static st_status gram(void *ctx, const size_t *cols, size_t a, double *g, st_error *err)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    if (dn->gram_scratch == NULL &&
        (dn->gram_scratch = st__malloc_array(st__lr_gram_scratch_size(pb->p + 1),
                                             sizeof *dn->gram_scratch)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a Gram matrix of %zu columns",
                        pb->p + 1);
    for (size_t i = 0; i < pb->n; i++)
        dn->work[i] = pb->c[i] * dn->prob[i] * (1 - dn->prob[i]);
    st__lr_gram(pb, dn->work, cols, a, g, dn->gram_scratch);
    return ST_OK;
}

static size_t rows(void *ctx) { return ((st__lr_dense *)ctx)->pb->n; }

static void xt(void *ctx, const double *u, double *sum, double *out)
{
    st__lr_dense *dn = ctx;
    *sum = st__lr_sum(dn->pb, u);
    st__lr_xt(dn->pb, u, out);
}

static void xv(void *ctx, double d0, const double *d, double *u)
{
    st__lr_dense *dn = ctx;
    st__lr_margins(dn->pb, d0, d, u);
}

/* ---- the covariance-free model (logreg_cd.c's sweeps) ---- */

static double cd_begin(void *ctx)
{
    st__lr_dense *dn = ctx;
    const st__lr_problem *pb = dn->pb;
    for (size_t i = 0; i < pb->n; i++) {
        dn->v[i] = pb->c[i] * dn->prob[i] * (1 - dn->prob[i]);
        dn->r[i] = pb->c[i] * (pb->y[i] - dn->prob[i]);
    }
    return st__lr_sum(pb, dn->v);
}

static double cd_curv(void *ctx, size_t j)
{
    st__lr_dense *dn = ctx;
    const size_t n = dn->pb->n;
    const double *xj = dn->pb->x + j * n, *v = dn->v;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * xj[i] * xj[i];
    return s;
}

static double cd_dot(void *ctx, size_t j)
{
    st__lr_dense *dn = ctx;
    const size_t n = dn->pb->n;
    const double *r = dn->r;
    if (j == ST__LR_INTERCEPT) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += r[i];
        return s;
    }
    const double *xj = dn->pb->x + j * n;
    double gj = 0;
#pragma omp simd reduction(+ : gj)
    for (size_t i = 0; i < n; i++)
        gj += xj[i] * r[i];
    return gj;
}

static void cd_move(void *ctx, size_t j, double delta)
{
    st__lr_dense *dn = ctx;
    const size_t n = dn->pb->n;
    const double *v = dn->v;
    double *r = dn->r;
    if (j == ST__LR_INTERCEPT) {
        for (size_t i = 0; i < n; i++)
            r[i] -= v[i] * delta;
        return;
    }
    const double *xj = dn->pb->x + j * n;
    for (size_t i = 0; i < n; i++)
        r[i] -= v[i] * xj[i] * delta;
}

st__lr_data st__lr_dense_data(st__lr_dense *dn)
{
    const int cd = (dn->flags & ST__LR_DENSE_CD) != 0;
    st__lr_data data = {
        .ctx = dn, .p = dn->pb->p, .max_tries = 60,
        .at = at, .gradient = gradient, .try_steps = try_steps, .accept = accept,
        .slope = cd ? slope : NULL, .done = done,
        .certificate = certificate, .separated = separated,
        .hessian = hessian, .gram = gram, .xt = xt, .xv = xv, .rows = rows,
        .cd_begin = cd ? cd_begin : NULL, .cd_curv = cd ? cd_curv : NULL,
        .cd_dot = cd ? cd_dot : NULL, .cd_move = cd ? cd_move : NULL,
    };
    return data;
}
