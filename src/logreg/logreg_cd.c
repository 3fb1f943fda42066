/* Elastic-net logistic regression by coordinate descent, as glmnet's lognet does: an outer
 * proximal Newton (IRLS) loop replaces the loss by its quadratic model at the current fit,
 * and an inner loop minimises that penalised weighted least-squares problem one
 * coordinate at a time in closed form (soft thresholding).
 *
 * Covariance-free ("naive") updates: the inner loop keeps the model's residual r up to
 * date, so a coordinate costs two passes over its column and nothing is p^2. Active
 * sets: after a sweep over all coordinates, sweeps go over the non-zero coefficients
 * only until they settle, then one full sweep checks whether any other coordinate wants
 * to enter. Unlike glmnet, the outer step is followed by a backtracking line search on
 * the true objective, so the iteration cannot diverge on separable data (Lee, Sun and
 * Saunders 2014, proximal Newton).
 *
 * The inner sweeps are sequential by nature and run on one thread; the per-iteration
 * kernels (margins, loss, duality gap) use pb->n_threads.
 *
 * Designs of at most ST__LR_CD_GRAM_MAX_COLS columns go to st__lr_cd_gram
 * (logreg_cd_gram.c) instead, whose sweeps work on the working set's Gram matrix and do
 * not touch the rows; these covariance-free sweeps remain for wider designs, where a
 * Gram matrix would not fit. */
#include "logreg_solver.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Sweeps through the whole quadratic model are capped per outer iteration. */
#define CD_MAX_SWEEPS 100000

typedef struct cd_state {
    const st__lr_problem *pb;
    double *v;    /* n: c_i p_i (1 - p_i), the quadratic model's row weights */
    double *r;    /* n: c_i (y_i - p_i) - v_i deta_i, minus the model's gradient in eta,
                     deta_i the change of margin i since the outer iteration began */
    double *xv;   /* p: sum_i v_i x_ij^2, the model's curvature along coordinate j */
    double sv;    /* sum_i v_i, its curvature along the intercept */
    long sweeps;
} cd_state;


/* One sweep over the intercept and over the coordinates j with active[j] (all when active
 * is NULL); returns the largest curvature-weighted squared change, a measure of how much
 * the model's value still moves. */
static double sweep(cd_state *st, double *b0, double *b, const unsigned char *active)
{
    const st__lr_problem *pb = st->pb;
    const size_t n = pb->n;
    double dmax = 0;
    if (st->sv > 0) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += st->r[i];
        double d = s / st->sv;
        if (d != 0) {
            *b0 += d;
            for (size_t i = 0; i < n; i++)
                st->r[i] -= st->v[i] * d;
            dmax = st->sv * d * d;
        }
    }
    for (size_t j = 0; j < pb->p; j++) {
        if ((active != NULL && !active[j]) || st->xv[j] + pb->l2 <= 0)
            continue;
        const double *xj = pb->x + j * n;
        double gj = 0;
#pragma omp simd reduction(+ : gj)
        for (size_t i = 0; i < n; i++)
            gj += xj[i] * st->r[i];
        double bj = st__lr_soft_threshold(gj + st->xv[j] * b[j], pb->l1) / (st->xv[j] + pb->l2);
        double d = bj - b[j];
        if (d == 0)
            continue;
        b[j] = bj;
        for (size_t i = 0; i < n; i++)
            st->r[i] -= st->v[i] * xj[i] * d;
        dmax = fmax(dmax, (st->xv[j] + pb->l2) * d * d);
    }
    st->sweeps++;
    return dmax;
}

/* Minimises the quadratic model plus penalty to within thr, glmnet's active-set way. */
static void solve_model(cd_state *st, double *b0, double *b, unsigned char *active, double thr)
{
    const size_t p = st->pb->p;
    while (st->sweeps < CD_MAX_SWEEPS) {
        if (sweep(st, b0, b, NULL) < thr)
            return;
        for (size_t j = 0; j < p; j++)
            active[j] = b[j] != 0;
        while (st->sweeps < CD_MAX_SWEEPS && sweep(st, b0, b, active) >= thr) {
        }
    }
}

/* Proximal Newton with coordinate descent inner solves (Friedman, Hastie and Tibshirani,
 * "Regularization paths for generalized linear models via coordinate descent", J. Stat.
 * Softw. 33(1), 2010, section 3) for
 *     min_{b0, b}  sum_i c_i logloss(y_i, b0 + x_i . b) + l1 ||b||_1 + l2 / 2 ||b||^2
 * Given: pb (any l1, l2 >= 0); a warm start in (*b0, b); tol: stop when the duality gap
 *        or the model's predicted decrease, relative to F, is below it; at most max_iter
 *        outer iterations.
 * The solution is put in (*b0, b) and info. Returns ST_OK (info->converged tells whether
 * tol was reached), ST_ERR_NOMEM, or ST_ERR_NUMERIC when the objective is not finite or,
 * unpenalised, the classes are linearly separable. */
st_status st__lr_cd(const st__lr_problem *pb, double *b0, double *b, double tol, int max_iter,
                    st__lr_info *info, st_error *err)
{
    if (pb->p <= ST__LR_CD_GRAM_MAX_COLS)
        return st__lr_cd_gram(pb, b0, b, tol, max_iter, info, err);
    const size_t n = pb->n, p = pb->p;
    st_status rc = ST_OK;
    cd_state st = {.pb = pb};
    double *eta = st__malloc_array(n, sizeof *eta), *prob = st__malloc_array(n, sizeof *prob);
    double *work = st__malloc_array(n, sizeof *work), *deta = st__malloc_array(n, sizeof *deta);
    double *bold = st__malloc_array(p + 1, sizeof *bold), *wp = st__malloc_array(p + 1, sizeof *wp);
    unsigned char *active = st__malloc_array(p + 1, 1);
    st.v = st__malloc_array(n, sizeof *st.v);
    st.r = st__malloc_array(n, sizeof *st.r);
    st.xv = st__malloc_array(p + 1, sizeof *st.xv);
    if (!eta || !prob || !work || !deta || !bold || !wp || !active || !st.v || !st.r || !st.xv) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for coordinate descent on %zu rows", n);
        goto done;
    }
    memset(info, 0, sizeof *info);
    const int penalised = pb->l1 > 0 || pb->l2 > 0;
    double last_predicted = INFINITY; /* the last outer step's predicted decrease */
    for (int it = 0;; it++) {
        st__lr_margins(pb, *b0, b, eta); /* afresh, so rounding does not accumulate */
        double pen = st__lr_penalty(pb, b);
        double f = st__lr_loss(pb, eta, NULL, 0, prob) + pen;
        if (!isfinite(f)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: objective is %g after %d "
                          "coordinate descent iterations", f, it);
            goto done;
        }
        info->iterations = it;
        info->objective = f;
        double gap = penalised ? st__lr_duality_gap(pb, prob, f, work, wp) : INFINITY;
        info->gap = gap / fmax(f, 1e-300);
        if (info->gap <= tol) {
            info->converged = 1;
            break;
        }
        if (!penalised && st__lr_separated(pb, eta)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: the classes are linearly "
                          "separable, so with lambda = 0 the coefficients are infinite; set "
                          "lambda > 0");
            goto done;
        }
        st__lr_progress(pb, it, max_iter);
        if (it >= max_iter)
            break;

        /* the quadratic model at the current fit */
        for (size_t i = 0; i < n; i++) {
            st.v[i] = pb->c[i] * prob[i] * (1 - prob[i]);
            st.r[i] = pb->c[i] * (pb->y[i] - prob[i]);
        }
        st.sv = st__lr_sum(pb, st.v);
        for (size_t j = 0; j < p; j++) {
            const double *xj = pb->x + j * n;
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += st.v[i] * xj[i] * xj[i];
            st.xv[j] = s;
        }
        /* slope of the loss along the step, needed by the line search */
        for (size_t i = 0; i < n; i++)
            work[i] = pb->c[i] * (pb->y[i] - prob[i]);
        double b0old = *b0;
        memcpy(bold, b, p * sizeof *b);
        /* Solve the model to a small fraction of how far F still is from its minimum, as
         * best known (the lasso's duality gap overestimates it badly near the optimum;
         * the last step's predicted decrease does not): loosely while far from the
         * optimum, tightly near it, so the outer iteration keeps Newton's fast local
         * convergence. */
        double thr = fmax(1e-3 * fmin(fmin(gap, last_predicted), f), 1e-3 * tol * f);
        st.sweeps = 0;
        solve_model(&st, b0, b, active, thr);
        for (size_t j = 0; j < p; j++)
            wp[j] = b[j] - bold[j];
        st__lr_margins(pb, *b0 - b0old, wp, deta); /* the step's change of margins */

        double slope = 0, predicted; /* directional derivative of the loss along deta */
        for (size_t i = 0; i < n; i++)
            slope -= work[i] * deta[i];
        /* The decrease the model predicts, to first order: the proximal Newton decrement.
         * Like Newton's decrement it estimates how far F is from its minimum, and unlike
         * the lasso's duality gap (linear in the dual point's error, so stuck near 1e-11
         * at double precision) it shrinks quadratically. It is trusted only when the
         * model was solved to its threshold. */
        double delta = slope + st__lr_penalty(pb, b) - pen;
        predicted = delta < 0 ? -delta : 0;
        last_predicted = predicted;
        if (st.sweeps < CD_MAX_SWEEPS && predicted / fmax(f, 1e-300) < info->gap)
            info->gap = predicted / fmax(f, 1e-300);
        if (info->gap <= tol || delta == 0) {
            *b0 = b0old; /* the gap was measured here */
            memcpy(b, bold, p * sizeof *b);
            info->converged = info->gap <= tol;
            break;
        }
        /* Backtracking: F is convex along the segment, so some t in (0, 1] decreases it
         * by a fixed share of the model's prediction. */
        double t = 1;
        int ls = 0;
        for (; ls < 60; ls++, t *= 0.5) {
            for (size_t j = 0; j < p; j++)
                wp[j] = bold[j] + t * (b[j] - bold[j]);
            double ft = st__lr_loss(pb, eta, deta, t, NULL) + st__lr_penalty(pb, wp);
            if (ft <= f + 1e-4 * t * delta)
                break;
        }
        if (ls == 60) {
            *b0 = b0old;
            memcpy(b, bold, p * sizeof *b);
            break; /* rounding has swamped the decrease */
        }
        *b0 = b0old + t * (*b0 - b0old);
        for (size_t j = 0; j < p; j++)
            b[j] = wp[j];
    }
done:
    st__free(eta), st__free(prob), st__free(work), st__free(bold), st__free(wp);
    st__free(active), st__free(st.v), st__free(st.r), st__free(st.xv), st__free(deta);
    return rc;
}
