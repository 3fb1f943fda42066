/* The sparse data form of the proximal-Newton driver (logreg_driver.h) over the sparse
 * design (logreg_sparse.h): every operation a pass over the stored entries, the
 * standardisation folded in (logreg_sparse_ops.c).
 *
 * Centring without densifying, in the per-column model (cd_*) that coordinate descent
 * sweeps (logreg_cd.c). The quadratic model's residual in eta is
 * r_i = c_i (y_i - p_i) - v_i deta_i; a step d on standardised coordinate k changes it by
 * -v_i (x_ik - mu_k) d / s_k, which touches every row through mu_k. The rows' share is
 * kept as one number o, r_i = rs_i + v_i o (glmnet's sparse lognet does the same with its
 * intercept offset): a move updates rs on the column's entries and o by mu_k d / s_k, and
 * an intercept move d0 only changes o. The sums a coordinate needs follow:
 *     sum_i x_std_ik r_i = (sum_E x_ik rs_i + o sum_E v_i x_ik - mu_k (Rs + o sv)) / s_k
 * with Rs = sum_i rs_i and sv = sum_i v_i, and the curvature sum_i v_i x_std_ik^2 =
 * (sum_E v_i x_ik^2 - 2 mu_k sum_E v_i x_ik + mu_k^2 sv) / s_k^2, both once per outer
 * iteration. */
#include "logreg_sparse.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

struct st__lr_sparse_form {
    const st__lr_problem *pb;
    const st__lr_sparse *sp;
    double *eta, *prob;    /* n: the current point */
    double *deta, *ptrial; /* n: d0 + X d of the last trial, probabilities there */
    double *u;             /* n: scratch (residuals, Hessian-vector products) */
    double *v, *rs;        /* n: model weights and residual less v o */
    double *xv1, *curv;    /* p: sum_E v x and the columns' model curvature */
    double *theta;         /* n: the certificate's dual point (st__lr_dual_point) */
    double *xt_theta;      /* p: X_std^T theta, formed with the gradient */
    double o, rsum, sv, ybar, pbar;
    int model_ok;          /* v, xv1, curv, sv are those of the current point */
    int cert_ok;           /* xt_theta, ybar, pbar are those of the current point */
};

/* v = c p (1 - p) and sv = sum v at the current point. */
static void model_weights(st__lr_sparse_form *fm)
{
    const st__lr_problem *pb = fm->pb;
    for (size_t i = 0; i < pb->n; i++)
        fm->v[i] = pb->c[i] * fm->prob[i] * (1 - fm->prob[i]);
    fm->sv = st__lr_sum(pb, fm->v);
}

/* The columns' model curvature on the solver's scale from the raw moments xv1, curv. */
static void model_curvature(st__lr_sparse_form *fm)
{
    for (size_t k = 0; k < fm->pb->p; k++) {
        const st__lr_scol *col = &fm->sp->cols[k];
        double c = col->s > 0 ? (fm->curv[k] - 2 * col->mu * fm->xv1[k] +
                                 col->mu * col->mu * fm->sv) / (col->s * col->s)
                              : 0;
        fm->curv[k] = c > 0 ? c : 0;
    }
    fm->model_ok = 1;
}

static double loss_at(st__lr_sparse_form *fm, const double *deta, double t, double *prob)
{
    return st__lr_loss(fm->pb, fm->eta, deta, t, prob);
}

static st_status f_at(void *ctx, double b0, const double *b, double *loss, st_error *err)
{
    st__lr_sparse_form *fm = ctx;
    (void)err;
    st__lr_sp_margins(fm->sp, b0, b, fm->eta, fm->pb->n_threads);
    *loss = loss_at(fm, NULL, 0, fm->prob);
    fm->model_ok = fm->cert_ok = 0;
    return ST_OK;
}

static st_status f_gradient(void *ctx, double *ng0, double *ng, st_error *err)
{
    st__lr_sparse_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    (void)err;
    for (size_t i = 0; i < pb->n; i++)
        fm->u[i] = pb->c[i] * (pb->y[i] - fm->prob[i]);
    *ng0 = st__lr_sum(pb, fm->u);
    if (!(pb->l1 > 0 || pb->l2 > 0)) { /* no certificate to form */
        st__lr_sp_xt(fm->sp, fm->u, *ng0, ng, pb->n_threads);
        return ST_OK;
    }
    /* What the rest of the iteration reads at this point, in the same read of the
     * entries: the certificate's X^T theta and the model's column moments (truncated
     * Newton's preconditioner). */
    st__lr_dual_point(pb, fm->prob, fm->theta, &fm->ybar, &fm->pbar);
    model_weights(fm);
    st__lr_sp_sweep(fm->sp, fm->u, *ng0, fm->theta, st__lr_sum(pb, fm->theta), fm->v, ng,
                    fm->xt_theta, fm->xv1, fm->curv, pb->n_threads);
    model_curvature(fm);
    fm->cert_ok = 1;
    return ST_OK;
}

static st_status f_try_steps(void *ctx, double b0, const double *b, double d0, const double *d,
                             double t0, size_t k, int want_next, double *loss, size_t *formed,
                             st_error *err)
{
    st__lr_sparse_form *fm = ctx;
    (void)b0, (void)b, (void)k, (void)want_next, (void)err;
    st__lr_sp_margins(fm->sp, d0, d, fm->deta, fm->pb->n_threads);
    loss[0] = loss_at(fm, fm->deta, t0, fm->ptrial);
    *formed = 1;
    return ST_OK;
}

static st_status f_accept(void *ctx, double t, double b0, const double *b, double *loss,
                          st_error *err)
{
    st__lr_sparse_form *fm = ctx;
    (void)b0, (void)b, (void)loss, (void)err;
    for (size_t i = 0; i < fm->pb->n; i++)
        fm->eta[i] += t * fm->deta[i];
    double *tmp = fm->prob;
    fm->prob = fm->ptrial, fm->ptrial = tmp;
    fm->model_ok = fm->cert_ok = 0;
    return ST_OK;
}

static double f_slope(void *ctx, double d0, const double *d)
{
    st__lr_sparse_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    st__lr_sp_margins(fm->sp, d0, d, fm->deta, fm->pb->n_threads);
    double s = 0;
    for (size_t i = 0; i < pb->n; i++)
        s -= pb->c[i] * (pb->y[i] - fm->prob[i]) * fm->deta[i];
    return s;
}

static double f_certificate(void *ctx, double f, const double *ng0, const double *ng)
{
    st__lr_sparse_form *fm = ctx;
    (void)ng0, (void)ng; /* the gap's dual point is not the gradient: formed here */
    if (fm->cert_ok)     /* with the gradient */
        return st__lr_gap_from_xt(fm->pb, fm->prob, f, fm->ybar, fm->pbar, fm->xt_theta);
    return st__lr_sp_duality_gap(fm->pb, fm->sp, fm->prob, f, fm->u, fm->xt_theta);
}

static int f_separated(void *ctx)
{
    st__lr_sparse_form *fm = ctx;
    return st__lr_separated(fm->pb, fm->eta);
}

/* v, xv1, curv and sv at the current point, once per point. */
static void model(st__lr_sparse_form *fm)
{
    if (fm->model_ok)
        return;
    model_weights(fm);
    st__lr_sp_moments(fm->sp, fm->v, fm->xv1, fm->curv, fm->pb->n_threads);
    model_curvature(fm);
}

static st_status f_hessian(void *ctx, size_t every, double *h, st_error *err)
{
    st__lr_sparse_form *fm = ctx;
    (void)every, (void)err; /* always exact: p passes over the entries, narrow designs */
    double *work = st__malloc_array(2 * fm->pb->n + 1, sizeof *work);
    if (work == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a sparse Hessian");
    st__lr_sp_hessian(fm->pb, fm->sp, fm->prob, h, work);
    st__free(work);
    return ST_OK;
}

static void f_hessvec(void *ctx, const double *s, double *out)
{
    st__lr_sparse_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    model(fm);
    st__lr_sp_margins(fm->sp, s[0], s + 1, fm->u, fm->pb->n_threads);
    for (size_t i = 0; i < pb->n; i++)
        fm->u[i] *= fm->v[i];
    out[0] = st__lr_sum(pb, fm->u);
    st__lr_sp_xt(fm->sp, fm->u, out[0], out + 1, pb->n_threads);
}

static void f_hess_diag(void *ctx, double *out)
{
    st__lr_sparse_form *fm = ctx;
    model(fm);
    out[0] = fm->sv;
    memcpy(out + 1, fm->curv, fm->pb->p * sizeof *out);
}

static double f_cd_begin(void *ctx)
{
    st__lr_sparse_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    model(fm);
    for (size_t i = 0; i < pb->n; i++)
        fm->rs[i] = pb->c[i] * (pb->y[i] - fm->prob[i]);
    fm->rsum = st__lr_sum(pb, fm->rs);
    fm->o = 0;
    return fm->sv;
}

static double f_cd_curv(void *ctx, size_t j)
{
    return ((st__lr_sparse_form *)ctx)->curv[j];
}

static double f_cd_dot(void *ctx, size_t j)
{
    st__lr_sparse_form *fm = ctx;
    const double r_all = fm->rsum + fm->o * fm->sv;
    if (j == ST__LR_INTERCEPT)
        return r_all;
    const st__lr_scol *col = &fm->sp->cols[j];
    if (!(col->s > 0))
        return 0;
    double xr = 0;
    if (col->rows == NULL)
        for (size_t i = 0; i < col->nnz; i++)
            xr += col->vals[i] * fm->rs[i];
    else if (col->vals == NULL)
        for (size_t e = 0; e < col->nnz; e++)
            xr += fm->rs[col->rows[e]];
    else
        for (size_t e = 0; e < col->nnz; e++)
            xr += col->vals[e] * fm->rs[col->rows[e]];
    return (xr + fm->o * fm->xv1[j] - col->mu * r_all) / col->s;
}

static void f_cd_move(void *ctx, size_t j, double delta)
{
    st__lr_sparse_form *fm = ctx;
    if (j == ST__LR_INTERCEPT) {
        fm->o -= delta;
        return;
    }
    const st__lr_scol *col = &fm->sp->cols[j];
    if (!(col->s > 0))
        return;
    const double ds = delta / col->s;
    if (col->rows == NULL)
        for (size_t i = 0; i < col->nnz; i++)
            fm->rs[i] -= fm->v[i] * col->vals[i] * ds;
    else if (col->vals == NULL)
        for (size_t e = 0; e < col->nnz; e++)
            fm->rs[col->rows[e]] -= fm->v[col->rows[e]] * ds;
    else
        for (size_t e = 0; e < col->nnz; e++)
            fm->rs[col->rows[e]] -= fm->v[col->rows[e]] * col->vals[e] * ds;
    fm->rsum -= fm->xv1[j] * ds;
    fm->o += col->mu * ds;
}

static void f_xt(void *ctx, const double *u, double *sum, double *out)
{
    st__lr_sparse_form *fm = ctx;
    *sum = st__lr_sum(fm->pb, u);
    st__lr_sp_xt(fm->sp, u, *sum, out, fm->pb->n_threads);
}

static void f_xv(void *ctx, double d0, const double *d, double *u)
{
    st__lr_sparse_form *fm = ctx;
    st__lr_sp_margins(fm->sp, d0, d, u, fm->pb->n_threads);
}

static size_t f_rows(void *ctx) { return ((st__lr_sparse_form *)ctx)->pb->n; }

st__lr_sparse_form *st__lr_sparse_form_new(const st__lr_problem *pb, const st__lr_sparse *sp)
{
    st__lr_sparse_form *fm = st__calloc(1, sizeof *fm);
    if (fm == NULL)
        return NULL;
    const size_t n = pb->n ? pb->n : 1, p = pb->p + 1;
    fm->pb = pb, fm->sp = sp;
    fm->eta = st__malloc_array(n, sizeof *fm->eta);
    fm->prob = st__malloc_array(n, sizeof *fm->prob);
    fm->deta = st__malloc_array(n, sizeof *fm->deta);
    fm->ptrial = st__malloc_array(n, sizeof *fm->ptrial);
    fm->u = st__malloc_array(n, sizeof *fm->u);
    fm->v = st__malloc_array(n, sizeof *fm->v);
    fm->rs = st__malloc_array(n, sizeof *fm->rs);
    fm->xv1 = st__malloc_array(p, sizeof *fm->xv1);
    fm->curv = st__malloc_array(p, sizeof *fm->curv);
    fm->theta = st__malloc_array(n, sizeof *fm->theta);
    fm->xt_theta = st__malloc_array(p, sizeof *fm->xt_theta);
    if (!fm->eta || !fm->prob || !fm->deta || !fm->ptrial || !fm->u || !fm->v || !fm->rs ||
        !fm->xv1 || !fm->curv || !fm->theta || !fm->xt_theta) {
        st__lr_sparse_form_free(fm);
        return NULL;
    }
    return fm;
}

void st__lr_sparse_form_free(st__lr_sparse_form *fm)
{
    if (fm == NULL)
        return;
    st__free(fm->eta), st__free(fm->prob), st__free(fm->deta), st__free(fm->ptrial);
    st__free(fm->u), st__free(fm->v), st__free(fm->rs), st__free(fm->xv1), st__free(fm->curv);
    st__free(fm->theta), st__free(fm->xt_theta);
    st__free(fm);
}

st__lr_data st__lr_sparse_data(st__lr_sparse_form *fm)
{
    st__lr_data d = {
        .ctx = fm, .p = fm->pb->p, .max_tries = 60,
        .at = f_at, .gradient = f_gradient, .try_steps = f_try_steps, .accept = f_accept,
        .slope = f_slope, .certificate = f_certificate, .separated = f_separated,
        .hessian = f_hessian, .hessvec = f_hessvec, .hess_diag = f_hess_diag,
        .xt = f_xt, .xv = f_xv, .rows = f_rows,
        .cd_begin = f_cd_begin, .cd_curv = f_cd_curv, .cd_dot = f_cd_dot, .cd_move = f_cd_move,
    };
    return d;
}
