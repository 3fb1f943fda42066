/* Damped exact Newton for ridge and unpenalised logistic regression.
 *
 * Why exact Newton rather than trust-region Newton-CG (TRON, Lin, Weng and Keerthi 2008,
 * liblinear's solver): clinical designs have tens to a few hundred expanded columns. The
 * Hessian then costs n (p+1)^2 / 2 multiply-adds, about what (p+1)/2 Hessian-vector
 * products cost, and a Cholesky solve of order p+1 is negligible, while Newton-CG needs
 * several such products per iteration and more iterations when the design is badly
 * conditioned (1e6-scale features with standardize off). Exact steps converge
 * quadratically, so the duality gap goes from 1e-3 to 1e-12 in two or three iterations.
 * Beyond ST__LR_NEWTON_MAX_P columns the caller uses coordinate descent instead, which
 * needs no p^2 memory.
 *
 * On many rows (n >= 2 SUB_MIN_ROWS) the first, damped iterations form the Hessian from a
 * fixed subsample of the rows (every 8th chunk of 256, at most): far from the optimum an
 * estimated Hessian with the exact gradient makes the same progress for an eighth of the
 * cost. From the first iteration whose decrement is below SUB_UNTIL on, every Hessian is
 * exact, and only an exact one declares convergence. On the 1M x 40 benchmark table this
 * replaces 5 of 7 full Hessians by subsampled ones without adding an iteration.
 *
 * BLAS and LAPACK (src/linalg, the only file that calls them): the Hessian comes from
 * our blocked kernel (logreg_gram.c; measured faster than dsyrk at every width), and the
 * factorisation and solve are LAPACKE_dpotrf / dpotrs from ST__LR_LAPACK_MIN_M on (below,
 * the plain loops st__lr_cholesky_hand / _solve_hand, faster there); the crossover is
 * measured in bench/RESULTS.md. OpenBLAS partitions dpotrf by its own
 * thread count and the last bits follow (dpotrf at p = 220 gave different coefficients
 * with OPENBLAS_NUM_THREADS=1 and 2), so the wrappers run it on one OpenBLAS thread: the
 * coefficients do not depend on any thread count. */
#include "logreg_solver.h"
#include "logreg_data_dense.h"
#include "logreg_driver.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "linalg/linalg.h"

int st__lr_cholesky_hand(double *h, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        double *uj = h + j * m;
        for (size_t i = 0; i < j; i++) {
            const double *ui = h + i * m;
            double s = uj[i];
            for (size_t k = 0; k < i; k++)
                s -= ui[k] * uj[k];
            uj[i] = s / ui[i];
        }
        double d = uj[j];
        for (size_t k = 0; k < j; k++)
            d -= uj[k] * uj[k];
        if (!(d > 0) || !isfinite(d))
            return -1;
        uj[j] = sqrt(d);
    }
    return 0;
}

void st__lr_cholesky_solve_hand(const double *u, size_t m, double *b)
{
    for (size_t i = 0; i < m; i++) { /* U^T z = b */
        const double *ui = u + i * m;
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= ui[k] * b[k];
        b[i] = s / ui[i];
    }
    for (size_t i = m; i-- > 0;) { /* U x = z */
        double s = b[i];
        for (size_t k = i + 1; k < m; k++)
            s -= u[i + k * m] * b[k];
        b[i] = s / u[i + i * m];
    }
}

/* LAPACK from ST__LR_LAPACK_MIN_M columns on, when it can be loaded (linalg.h). */
static int use_lapack(size_t m)
{
    return m >= ST__LR_LAPACK_MIN_M && st__la_available();
}

int st__lr_cholesky(double *h, size_t m)
{
    return use_lapack(m) ? st__la_cholesky(h, m) : st__lr_cholesky_hand(h, m);
}

void st__lr_cholesky_solve(const double *u, size_t m, double *b)
{
    if (!use_lapack(m))
        st__lr_cholesky_solve_hand(u, m, b);
    else
        st__la_cholesky_solve(u, m, b);
}

/* Factorises the Hessian in h (upper Cholesky). When it is not numerically positive
 * definite (l2 = 0 with collinear columns, e.g. full one-hot next to the intercept), adds
 * a growing multiple of the largest diagonal entry, a Levenberg-Marquardt step that is
 * still a descent direction. Returns how many times it added one (0: H itself was
 * factorised), or -1 when even that failed. */
static int factorise(double *h, size_t m, double *diag)
{
    double dmax = 0;
    for (size_t k = 0; k < m; k++) {
        diag[k] = h[k * m + k];
        dmax = fmax(dmax, diag[k]);
        for (size_t r = 0; r < k; r++) /* keep a copy of the upper triangle below */
            h[r * m + k] = h[k * m + r];
    }
    double jitter = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
        if (st__lr_cholesky(h, m) == 0)
            return attempt;
        /* the upper triangle is partly overwritten: restore it from the copy below */
        jitter = jitter == 0 ? 1e-12 * (dmax > 0 ? dmax : 1) : jitter * 100;
        for (size_t k = 0; k < m; k++) {
            for (size_t r = 0; r < k; r++)
                h[k * m + r] = h[r * m + k];
            h[k * m + k] = diag[k] + jitter;
        }
    }
    return -1;
}

/* Rows below which every Hessian is formed over all of them. */
#define SUB_MIN_ROWS 16384
/* The Hessian is formed over about n / SUB_MAX_EVERY rows at most, and over all of them
 * once the relative Newton decrement has fallen below SUB_UNTIL. */
#define SUB_MAX_EVERY 8
#define SUB_UNTIL 1e-2

/* The exact Newton step solver: the Hessian of the smooth part from the data form,
 * factorised (Cholesky, with a Levenberg-Marquardt shift when singular), and
 * H d = -g solved; l1 must be 0. */
struct st__lr_newton_step {
    size_t n, p;
    double *h, *diag, *g, *step; /* m^2, m, m, m (m = p + 1) */
    int full_from;     /* 1 once Hessians are formed over every row */
    size_t every;      /* the last step's subsampling */
    double *h_final;   /* the caller's, or NULL */
    int *have_h_final;
};
typedef st__lr_newton_step newton_step;

/* A certificate only for ridge and when the Hessian is not wanted: with it, the
 * decrement, which comes with that Hessian, decides; the gap would cost a pass for
 * nothing. */
static int newton_wants_certificate(void *ctx, const st__lr_point *pt)
{
    const newton_step *ns = ctx;
    return pt->l2 > 0 && ns->h_final == NULL;
}

static st_status newton_step_at(void *ctx, const st__lr_data *data, const st__lr_point *pt,
                                double *d0, double *d, st__lr_step_result *res,
                                st_error *err)
{
    newton_step *ns = ctx;
    const size_t n = ns->n, p = ns->p, m = p + 1;
    double *g = ns->g, *h = ns->h, *step = ns->step;
    g[0] = -pt->ng0;
    for (size_t j = 0; j < p; j++)
        g[1 + j] = -pt->ng[j] + pt->l2 * pt->b[j];
    /* Far from the optimum (relative decrement above SUB_UNTIL) an exact Hessian buys
     * nothing: Newton is in its damped phase, and a Hessian estimated from a fixed
     * subsample of the rows, with the exact gradient, gives steps as good at a
     * fraction of the cost (subsampled Newton: Byrd, Chin, Neveitt and Nocedal,
     * SIAM J. Optim. 2011; Roosta-Khorasani and Mahoney, Math. Program. 2019).
     * Near the optimum the exact Hessian restores quadratic convergence; only an
     * exact one may declare convergence, and its decrement is what is reported. */
    size_t every = 1;
    if (ns->full_from == 0 && n >= SUB_MIN_ROWS * 2) {
        every = n / SUB_MIN_ROWS;
        every = every > SUB_MAX_EVERY ? SUB_MAX_EVERY : every;
    }
    ns->every = every;
    st_status rc = data->hessian(data->ctx, every, h, err);
    if (rc != ST_OK)
        return rc;
    const int jittered = factorise(h, m, ns->diag);
    if (jittered < 0)
        return st__fail(err, ST_ERR_NUMERIC, "logistic regression: the Hessian is not "
                        "positive definite even after regularisation (%zu columns)", m);
    if (every > 1 && jittered > 0) {
        /* singular on the subsample (a rare one-hot level it missed): the exact one */
        ns->full_from = 1;
        res->retry = 1;
        return ST_OK;
    }
    for (size_t k = 0; k < m; k++)
        step[k] = -g[k];
    st__lr_cholesky_solve(h, m, step);
    double dec = 0; /* g^T H^-1 g */
    for (size_t k = 0; k < m; k++)
        dec -= g[k] * step[k];
    /* The decrement is affine invariant, so it stays accurate where the duality gap
     * cannot be evaluated well: 1e6-scale columns with standardize off amplify the
     * rounding in X^T theta by 1e6. */
    res->predicted = 0.5 * dec;
    res->descent = -dec;
    res->trusted = 1;
    res->exact = every == 1;
    double rel_dec = 0.5 * dec / fmax(pt->f, 1e-300);
    if (every > 1 && rel_dec < SUB_UNTIL)
        ns->full_from = 1;
    if (every == 1 && ns->h_final != NULL && rel_dec <= pt->tol) {
        /* converged (no certificate: the decrement is the gap): H as formed, factorise
         * kept a copy below */
        for (size_t k = 0; k < m; k++) {
            for (size_t r = 0; r < k; r++)
                ns->h_final[k * m + r] = ns->h_final[r * m + k] = h[r * m + k];
            ns->h_final[k * m + k] = ns->diag[k];
        }
        *ns->have_h_final = 1;
    }
    if (!(dec > 0) && every > 1) {
        ns->full_from = 1; /* no descent on the subsample: the exact Hessian */
        res->retry = 1;
        return ST_OK;
    }
    *d0 = step[0];
    memcpy(d, step + 1, p * sizeof *d);
    return ST_OK;
}

/* After the line search: a subsampled Hessian that misled the step (a short step, or
 * none) gives way to exact ones; an exact one that found no decrease ends the fit. */
static int newton_searched(void *ctx, double t)
{
    newton_step *ns = ctx;
    if (ns->every > 1 && t < 0.25)
        ns->full_from = 1;
    return t == 0 && ns->every > 1;
}

/* Damped exact Newton with backtracking (Armijo) line search, Boyd and Vandenberghe,
 * Convex Optimization, 2004, section 9.5, for the smooth problem
 *     min_{b0, b}  sum_i c_i logloss(y_i, b0 + x_i . b) + l2 / 2 * ||b||^2
 * Given: pb with l1 = 0; a starting point in (*b0, b); tol: stop when the duality gap
 *        (l2 > 0) or the Newton decrement g^T H^-1 g / 2, relative to F, is below it;
 *        at most max_iter Newton steps.
 * The solution is put in (*b0, b) and info. Returns ST_OK (info->converged tells whether
 * tol was reached), ST_ERR_NOMEM, or ST_ERR_NUMERIC when the objective is not finite or,
 * with l2 = 0, the classes turn out to be linearly separable. */
st_status st__lr_newton(const st__lr_problem *pb, double *b0, double *b, double tol,
                        int max_iter, st__lr_info *info, st_error *err)
{
    int unused;
    return st__lr_newton_h(pb, b0, b, tol, max_iter, NULL, &unused, info, err);
}

void st__lr_newton_step_free(st__lr_newton_step *ns)
{
    if (ns == NULL)
        return;
    st__free(ns->h), st__free(ns->diag), st__free(ns->g), st__free(ns->step);
    st__free(ns);
}

st__lr_newton_step *st__lr_newton_step_new(size_t n, size_t p, double *h_final,
                                           int *have_h_final)
{
    const size_t m = p + 1;
    int overflow = 0;
    size_t mm = st__mul_size(m, m, &overflow);
    newton_step *ns = st__calloc(1, sizeof *ns);
    if (ns == NULL)
        return NULL;
    ns->n = n, ns->p = p, ns->h_final = h_final, ns->have_h_final = have_h_final;
    ns->every = 1;
    ns->h = overflow ? NULL : st__malloc_array(mm, sizeof *ns->h);
    ns->diag = st__malloc_array(m, sizeof *ns->diag);
    ns->g = st__malloc_array(m, sizeof *ns->g);
    ns->step = st__malloc_array(m, sizeof *ns->step);
    if (ns->h == NULL || ns->diag == NULL || ns->g == NULL || ns->step == NULL) {
        st__lr_newton_step_free(ns);
        return NULL;
    }
    if (have_h_final != NULL)
        *have_h_final = 0;
    return ns;
}

st__lr_step st__lr_newton_step_solver(st__lr_newton_step *ns)
{
    st__lr_step step = {.ctx = ns, .iterations = "Newton iterations", .wants_gradient = 1,
                        .keep_gap = 1, .wants_certificate = newton_wants_certificate,
                        .step = newton_step_at, .searched = newton_searched};
    return step;
}

st_status st__lr_newton_h(const st__lr_problem *pb, double *b0, double *b, double tol,
                          int max_iter, double *h_final, int *have_h_final,
                          st__lr_info *info, st_error *err)
{
    *have_h_final = 0;
    newton_step *ns = st__lr_newton_step_new(pb->n, pb->p, h_final, have_h_final);
    st__lr_dense *dn = st__lr_dense_new(pb, ST__LR_DENSE_NEXT);
    st_status rc;
    if (ns == NULL || dn == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns",
                      pb->p + 1);
    } else {
        st__lr_data data = st__lr_dense_data(dn);
        st__lr_step step = st__lr_newton_step_solver(ns);
        st__lr_drive dr = {.what = "logistic regression", .l1 = pb->l1, .l2 = pb->l2,
                           .tol = tol, .max_iter = max_iter, .progress = pb};
        rc = st__lr_drive_run(&dr, &data, &step, b0, b, info, err);
    }
    st__lr_dense_free(dn);
    st__lr_newton_step_free(ns);
    return rc;
}
