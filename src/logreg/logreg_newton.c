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

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "linalg/linalg.h"

/* The ridge penalty at b + t * step[1..]. */
static double trial_penalty(const st__lr_problem *pb, const double *b, const double *step,
                            double t)
{
    double r = 0;
    for (size_t j = 0; j < pb->p; j++) {
        double bj = b[j] + t * step[1 + j];
        r += bj * bj;
    }
    return 0.5 * pb->l2 * r;
}

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

int st__lr_cholesky(double *h, size_t m)
{
    return m < ST__LR_LAPACK_MIN_M ? st__lr_cholesky_hand(h, m) : st__la_cholesky(h, m);
}

void st__lr_cholesky_solve(const double *u, size_t m, double *b)
{
    if (m < ST__LR_LAPACK_MIN_M)
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

/* Rows below which every Hessian is formed over all of them. */
#define SUB_MIN_ROWS 16384
/* The Hessian is formed over about n / SUB_MAX_EVERY rows at most, and over all of them
 * once the relative Newton decrement has fallen below SUB_UNTIL. */
#define SUB_MAX_EVERY 8
#define SUB_UNTIL 1e-2

st_status st__lr_newton_h(const st__lr_problem *pb, double *b0, double *b, double tol,
                          int max_iter, double *h_final, int *have_h_final,
                          st__lr_info *info, st_error *err)
{
    *have_h_final = 0;
    const size_t n = pb->n, p = pb->p, m = p + 1;
    st_status rc = ST_OK;
    double *eta = st__malloc_array(n, sizeof *eta), *prob = st__malloc_array(n, sizeof *prob);
    double *deta = st__malloc_array(n, sizeof *deta), *work = st__malloc_array(n, sizeof *work);
    double *prob_next = st__malloc_array(n, sizeof *prob_next);
    double *g = st__malloc_array(m, sizeof *g), *step = st__malloc_array(m, sizeof *step);
    double *diag = st__malloc_array(m, sizeof *diag), *wp = st__malloc_array(m, sizeof *wp);
    double *ng = st__malloc_array(m, sizeof *ng), *xcs = st__malloc_array(2 * m, sizeof *xcs);
    double *parts = st__malloc_array(st__lr_full_step_parts(n, p), sizeof *parts);
    int overflow = 0;
    size_t mm = st__mul_size(m, m, &overflow);
    double *h = overflow ? NULL : st__malloc_array(mm, sizeof *h);
    if (!eta || !prob || !deta || !work || !prob_next || !g || !step || !diag || !wp || !ng ||
        !xcs || !parts || !h) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns", m);
        goto done;
    }
    memset(info, 0, sizeof *info);
    /* X^T c and X^T (c y): with the gradient they give the duality gap's X^T theta */
    const double *xc = pb->xc, *xcy = pb->xcy;
    if ((xc == NULL || xcy == NULL) && pb->l2 > 0 && h_final == NULL) { /* else not used */
        for (size_t i = 0; i < n; i++)
            work[i] = pb->c[i];
        st__lr_xt(pb, work, xcs);
        for (size_t i = 0; i < n; i++)
            work[i] = pb->c[i] * pb->y[i];
        st__lr_xt(pb, work, xcs + m);
        xc = xcs, xcy = xcs + m;
    }
    for (size_t i = 0; i < n; i++)
        work[i] = pb->c[i] * pb->y[i];
    const double ybar = st__lr_sum(pb, work);
    st__lr_margins(pb, *b0, b, eta); /* then updated by each step */
    double f = st__lr_loss(pb, eta, NULL, 0, prob) + st__lr_penalty(pb, b), ng0 = 0;
    int have_grad = 0; /* ng0, ng: minus the loss gradient at (b0, b) */
    int full_from = 0;  /* 1 once Hessians are formed over every row */
    for (int it = 0;; it++) {
        if (!isfinite(f)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: objective is %g after %d "
                          "Newton iterations", f, it);
            goto done;
        }
        info->iterations = it;
        info->objective = f;
        if (!have_grad) {
            for (size_t i = 0; i < n; i++)
                work[i] = pb->c[i] * (pb->y[i] - prob[i]);
            ng0 = st__lr_sum(pb, work);
            st__lr_xt(pb, work, ng);
        }
        if (pb->l2 > 0 && h_final == NULL) {
            /* X^T theta from the gradient, as logreg_cd_gram.c forms it. (Not when the
             * caller wants the Hessian at the solution: the decrement, which comes with
             * that Hessian, then decides; the gap would cost a pass for nothing.) */
            double pbar = ybar - ng0;
            int down = pbar > ybar;
            double k = down ? ybar / pbar : pbar < ybar ? (1 - ybar) / (1 - pbar) : 1.0;
            for (size_t j = 0; j < p; j++)
                wp[j] = -k * ng[j] + (k - 1) * (down ? xcy[j] : xcy[j] - xc[j]);
            info->gap = st__lr_gap_from_xt(pb, prob, f, ybar, pbar, wp) / fmax(f, 1e-300);
            if (info->gap <= tol) {
                info->converged = 1;
                break;
            }
        } else if (pb->l2 <= 0 && st__lr_separated(pb, eta)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: the classes are linearly "
                          "separable, so with lambda = 0 the coefficients are infinite; set "
                          "lambda > 0");
            goto done;
        }
        st__lr_progress(pb, it, max_iter);
        if (it >= max_iter)
            break;

        g[0] = -ng0;
        for (size_t j = 0; j < p; j++)
            g[1 + j] = -ng[j] + pb->l2 * b[j];
        /* Far from the optimum (relative decrement above SUB_UNTIL) an exact Hessian buys
         * nothing: Newton is in its damped phase, and a Hessian estimated from a fixed
         * subsample of the rows, with the exact gradient, gives steps as good at a
         * fraction of the cost (subsampled Newton: Byrd, Chin, Neveitt and Nocedal,
         * SIAM J. Optim. 2011; Roosta-Khorasani and Mahoney, Math. Program. 2019).
         * Near the optimum the exact Hessian restores quadratic convergence; only an
         * exact one may declare convergence, and its decrement is what is reported. */
        size_t every = 1;
        if (full_from == 0 && n >= SUB_MIN_ROWS * 2) {
            every = n / SUB_MIN_ROWS;
            every = every > SUB_MAX_EVERY ? SUB_MAX_EVERY : every;
        }
        if (st__lr_hessian_sub(pb, prob, every, h, work) != 0) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns", m);
            goto done;
        }
        const int jittered = factorise(h, m, diag);
        if (jittered < 0) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: the Hessian is not "
                          "positive definite even after regularisation (%zu columns)", m);
            goto done;
        }
        if (every > 1 && jittered > 0) {
            /* singular on the subsample (a rare one-hot level it missed): the exact one */
            full_from = 1;
            continue;
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
        double rel_dec = 0.5 * dec / fmax(f, 1e-300);
        if (pb->l2 <= 0 || h_final != NULL || rel_dec < info->gap)
            info->gap = rel_dec;
        if (every > 1 && rel_dec < SUB_UNTIL)
            full_from = 1;
        if (every == 1) {
            if (info->gap <= tol) {
                info->converged = 1;
                if (h_final != NULL) { /* H as formed: factorise kept a copy below */
                    for (size_t k = 0; k < m; k++) {
                        for (size_t r = 0; r < k; r++)
                            h_final[k * m + r] = h_final[r * m + k] = h[r * m + k];
                        h_final[k * m + k] = diag[k];
                    }
                    *have_h_final = 1;
                }
                break;
            }
        }
        if (!(dec > 0)) {
            if (every == 1)
                break; /* no descent left at double precision */
            full_from = 1;
            continue;
        }

        /* the full step in one pass that also forms the gradient there (see
         * st__lr_full_step); shorter ones, rarely needed, from its deta */
        double t = 1;
        int ls = 0;
        double ft = st__lr_full_step(pb, eta, step[0], step + 1, deta, prob_next, work, &ng0,
                                     ng, parts) + trial_penalty(pb, b, step, 1);
        have_grad = ft <= f - 1e-4 * dec;
        for (ls = have_grad ? 0 : 1, t = have_grad ? 1 : 0.5; !have_grad && ls < 60;
             ls++, t *= 0.5) {
            ft = st__lr_loss(pb, eta, deta, t, prob_next) + trial_penalty(pb, b, step, t);
            if (ft <= f - 1e-4 * t * dec)
                break;
        }
        if (ls == 60) {
            if (every == 1)
                break; /* the same: rounding has swamped the decrease */
            full_from = 1; /* try again with the exact Hessian */
            continue;
        }
        if (every > 1 && t < 0.25)
            full_from = 1; /* the subsample misled the step: exact Hessians from now on */
        f = ft;
        double *swap = prob;
        prob = prob_next, prob_next = swap;
        *b0 += t * step[0];
        for (size_t j = 0; j < p; j++)
            b[j] += t * step[1 + j];
        for (size_t i = 0; i < n; i++)
            eta[i] += t * deta[i];
    }
done:
    st__free(eta), st__free(prob), st__free(deta), st__free(work), st__free(prob_next);
    st__free(ng), st__free(xcs), st__free(parts);
    st__free(g), st__free(step), st__free(diag), st__free(wp), st__free(h);
    return rc;
}
