/* The row-file data form of the proximal-Newton driver (logreg_rowfile.h): the margins and
 * probabilities of the current point are kept in memory (a few vectors of n doubles), the
 * design is read block by block from the row file for every product with it, and the
 * centring and scaling are folded in as for the in-memory sparse design
 * (logreg_sparse_ops.c):
 *     X_std d    = sum_k (d_k / s_k) x_k - sum_k d_k mu_k / s_k
 *     X_std^T u  = (X^T u - mu sum u) / s.
 * It serves the truncated-Newton step solver (ridge): at, gradient, try_steps, accept,
 * hessvec, hess_diag, and the certificate (duality gap) and separation checks.
 *
 * Threads: one. A pass is bound by reading the file, and one thread adding entries in
 * file order gives the same bits for any thread count (the row sums over n go through
 * st__lr_sum and st__lr_loss, blocked in fixed order). */
#include "logreg_rowfile.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

struct st__lr_rowfile_form {
    const st__lr_problem *pb;
    st__lr_rowfile *rf;
    const double *mean, *scale;
    double *eta, *prob;    /* n: the current point */
    double *deta, *ptrial; /* n: d0 + X d of the last trial, probabilities there */
    double *u, *v;         /* n: scratch; the Hessian weights c p (1 - p) at the point */
    double *w;             /* p: scratch (d_k / s_k; sums) */
    int v_ok;              /* v is the current point's */
    st_status rc;          /* a failed pass, returned by the next fallible operation */
    st_error err;
};

static double scaled(const st__lr_rowfile_form *fm, const double *d, double d0, double *w)
{
    double a = d0;
    for (size_t k = 0; k < fm->rf->p; k++) {
        w[k] = fm->scale[k] > 0 && d[k] != 0 ? d[k] / fm->scale[k] : 0;
        a -= w[k] * fm->mean[k];
    }
    return a;
}

/* Starts a pass; 0 when a pass already failed. */
static int begin(st__lr_rowfile_form *fm)
{
    if (fm->rc == ST_OK)
        fm->rc = st__lr_rowfile_rewind(fm->rf, &fm->err);
    return fm->rc == ST_OK;
}

static int next(st__lr_rowfile_form *fm)
{
    int more = 0;
    if (fm->rc == ST_OK)
        fm->rc = st__lr_rowfile_next(fm->rf, &more, &fm->err);
    return fm->rc == ST_OK && more;
}

/* out_i = d0 + X_std d for every row, one pass. */
static void pass_xv(st__lr_rowfile_form *fm, double d0, const double *d, double *out)
{
    const double a = scaled(fm, d, d0, fm->w);
    const double *w = fm->w;
    size_t i = 0;
    if (!begin(fm))
        return;
    while (next(fm)) {
        const st__lr_rowfile *rf = fm->rf;
        size_t e = 0;
        for (size_t r = 0; r < rf->block_rows; r++, i++) {
            double s = a;
            for (size_t end = e + rf->len[r]; e < end; e++)
                s += w[rf->col[e]] * (double)rf->val[e];
            out[i] = s;
        }
    }
}

/* out_k = X_std^T u for every column k, sum_u = sum_i u_i; one pass. */
static void pass_xt(st__lr_rowfile_form *fm, const double *u, double sum_u, double *out)
{
    const size_t p = fm->rf->p;
    memset(out, 0, p * sizeof *out);
    size_t i = 0;
    if (begin(fm))
        while (next(fm)) {
            const st__lr_rowfile *rf = fm->rf;
            size_t e = 0;
            for (size_t r = 0; r < rf->block_rows; r++, i++) {
                const double ui = u[i];
                for (size_t end = e + rf->len[r]; e < end; e++)
                    out[rf->col[e]] += (double)rf->val[e] * ui;
            }
        }
    for (size_t k = 0; k < p; k++)
        out[k] = fm->scale[k] > 0 ? (out[k] - fm->mean[k] * sum_u) / fm->scale[k] : 0;
}

static void weights(st__lr_rowfile_form *fm)
{
    const st__lr_problem *pb = fm->pb;
    if (fm->v_ok)
        return;
    for (size_t i = 0; i < pb->n; i++)
        fm->v[i] = pb->c[i] * fm->prob[i] * (1 - fm->prob[i]);
    fm->v_ok = 1;
}

static st_status failed(st__lr_rowfile_form *fm, st_error *err)
{
    if (err != NULL)
        *err = fm->err;
    return fm->rc;
}

static st_status f_at(void *ctx, double b0, const double *b, double *loss, st_error *err)
{
    st__lr_rowfile_form *fm = ctx;
    pass_xv(fm, b0, b, fm->eta);
    if (fm->rc != ST_OK)
        return failed(fm, err);
    *loss = st__lr_loss(fm->pb, fm->eta, NULL, 0, fm->prob);
    fm->v_ok = 0;
    return ST_OK;
}

static st_status f_gradient(void *ctx, double *ng0, double *ng, st_error *err)
{
    st__lr_rowfile_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    for (size_t i = 0; i < pb->n; i++)
        fm->u[i] = pb->c[i] * (pb->y[i] - fm->prob[i]);
    *ng0 = st__lr_sum(pb, fm->u);
    pass_xt(fm, fm->u, *ng0, ng);
    return fm->rc != ST_OK ? failed(fm, err) : ST_OK;
}

static st_status f_try_steps(void *ctx, double b0, const double *b, double d0, const double *d,
                             double t0, size_t k, int want_next, double *loss, size_t *formed,
                             st_error *err)
{
    st__lr_rowfile_form *fm = ctx;
    (void)b0, (void)b, (void)k, (void)want_next;
    pass_xv(fm, d0, d, fm->deta);
    if (fm->rc != ST_OK)
        return failed(fm, err);
    loss[0] = st__lr_loss(fm->pb, fm->eta, fm->deta, t0, fm->ptrial);
    *formed = 1;
    return ST_OK;
}

static st_status f_accept(void *ctx, double t, double b0, const double *b, double *loss,
                          st_error *err)
{
    st__lr_rowfile_form *fm = ctx;
    (void)b0, (void)b, (void)loss;
    if (fm->rc != ST_OK)
        return failed(fm, err);
    for (size_t i = 0; i < fm->pb->n; i++)
        fm->eta[i] += t * fm->deta[i];
    double *tmp = fm->prob;
    fm->prob = fm->ptrial, fm->ptrial = tmp;
    fm->v_ok = 0;
    return ST_OK;
}

static double f_certificate(void *ctx, double f, const double *ng0, const double *ng)
{
    st__lr_rowfile_form *fm = ctx;
    const st__lr_problem *pb = fm->pb;
    (void)ng0, (void)ng; /* the gap's dual point is not the gradient: formed here */
    if (pb->l1 <= 0 && pb->l2 <= 0)
        return INFINITY;
    double ybar, pbar;
    st__lr_dual_point(pb, fm->prob, fm->u, &ybar, &pbar);
    pass_xt(fm, fm->u, st__lr_sum(pb, fm->u), fm->w);
    if (fm->rc != ST_OK)
        return INFINITY;
    return st__lr_gap_from_xt(pb, fm->prob, f, ybar, pbar, fm->w);
}

static int f_separated(void *ctx)
{
    st__lr_rowfile_form *fm = ctx;
    return st__lr_separated(fm->pb, fm->eta);
}

/* [1 X_std]^T (v .* ([1 X_std] s)): one pass, each block's rows formed then scattered. */
static void f_hessvec(void *ctx, const double *s, double *out)
{
    st__lr_rowfile_form *fm = ctx;
    weights(fm);
    pass_xv(fm, s[0], s + 1, fm->u);
    for (size_t i = 0; i < fm->pb->n; i++)
        fm->u[i] *= fm->v[i];
    out[0] = st__lr_sum(fm->pb, fm->u);
    pass_xt(fm, fm->u, out[0], out + 1);
}

/* sum_i v_i x_std_ik^2 = (sum_E v x^2 - 2 mu sum_E v x + mu^2 sum v) / s^2, one pass. */
static void f_hess_diag(void *ctx, double *out)
{
    st__lr_rowfile_form *fm = ctx;
    const size_t p = fm->rf->p;
    weights(fm);
    double *x1 = fm->w, *x2 = out + 1;
    memset(x1, 0, p * sizeof *x1);
    memset(x2, 0, p * sizeof *x2);
    const double sv = st__lr_sum(fm->pb, fm->v);
    size_t i = 0;
    if (begin(fm))
        while (next(fm)) {
            const st__lr_rowfile *rf = fm->rf;
            size_t e = 0;
            for (size_t r = 0; r < rf->block_rows; r++, i++) {
                const double vi = fm->v[i];
                for (size_t end = e + rf->len[r]; e < end; e++) {
                    const double x = rf->val[e], vx = vi * x;
                    x1[rf->col[e]] += vx;
                    x2[rf->col[e]] += vx * x;
                }
            }
        }
    out[0] = sv;
    for (size_t k = 0; k < p; k++) {
        const double mu = fm->mean[k], sc = fm->scale[k];
        out[1 + k] = sc > 0 ? (x2[k] - 2 * mu * x1[k] + mu * mu * sv) / (sc * sc) : 0;
    }
}

st__lr_rowfile_form *st__lr_rowfile_form_new(const st__lr_problem *pb, st__lr_rowfile *rf,
                                             const double *mean, const double *scale)
{
    st__lr_rowfile_form *fm = st__calloc(1, sizeof *fm);
    if (fm == NULL)
        return NULL;
    fm->pb = pb, fm->rf = rf, fm->mean = mean, fm->scale = scale;
    const size_t n = pb->n ? pb->n : 1;
    double **rows[] = {&fm->eta, &fm->prob, &fm->deta, &fm->ptrial, &fm->u, &fm->v};
    for (size_t q = 0; q < sizeof rows / sizeof *rows; q++)
        if ((*rows[q] = st__malloc_array(n, sizeof(double))) == NULL) {
            st__lr_rowfile_form_free(fm);
            return NULL;
        }
    if ((fm->w = st__malloc_array(rf->p ? rf->p : 1, sizeof *fm->w)) == NULL) {
        st__lr_rowfile_form_free(fm);
        return NULL;
    }
    return fm;
}

void st__lr_rowfile_form_free(st__lr_rowfile_form *fm)
{
    if (fm == NULL)
        return;
    st__free(fm->eta), st__free(fm->prob), st__free(fm->deta), st__free(fm->ptrial);
    st__free(fm->u), st__free(fm->v), st__free(fm->w);
    st__free(fm);
}

st__lr_data st__lr_rowfile_data(st__lr_rowfile_form *fm)
{
    st__lr_data d = {.ctx = fm, .p = fm->rf->p, .max_tries = 60,
                     .at = f_at, .gradient = f_gradient, .try_steps = f_try_steps,
                     .accept = f_accept, .certificate = f_certificate,
                     .separated = f_separated, .hessvec = f_hessvec,
                     .hess_diag = f_hess_diag};
    return d;
}
