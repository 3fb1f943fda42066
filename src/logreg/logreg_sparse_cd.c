/* Elastic-net logistic regression by proximal Newton with coordinate descent over the
 * sparse design (logreg_sparse.h): the method of logreg_cd.c (glmnet's lognet: an outer
 * quadratic model, inner soft-thresholded coordinate steps, active-set sweeps, then a
 * backtracking line search on the true objective), with every step costing the entries of
 * its column instead of n.
 *
 * Centring without densifying. The quadratic model's residual in eta is
 * r_i = c_i (y_i - p_i) - v_i deta_i; a step d on standardised coordinate k changes it by
 * -v_i (x_ik - mu_k) d / s_k, which touches every row through mu_k. The rows' share is
 * kept as one number o, r_i = rs_i + v_i o (glmnet's sparse lognet does the same with its
 * intercept offset): the step updates rs on the column's entries and o by mu_k d / s_k,
 * and an intercept step d0 only moves o. The sums a coordinate needs follow:
 *     sum_i x_std_ik r_i = (sum_E x_ik rs_i + o sum_E v_i x_ik - mu_k (Rs + o sv)) / s_k
 * with Rs = sum_i rs_i and sv = sum_i v_i, and the curvature sum_i v_i x_std_ik^2 =
 * (sum_E v_i x_ik^2 - 2 mu_k sum_E v_i x_ik + mu_k^2 sv) / s_k^2, both per outer
 * iteration from st__lr_sp_moments.
 *
 * Sweeps are sequential and run on one thread; the kernels over rows (loss, sums, duality
 * gap) use pb->n_threads in fixed blocks and the column reductions give each column to one
 * thread, so the result does not depend on the thread count. */
#include "logreg_sparse.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#define CD_MAX_SWEEPS 100000

typedef struct sp_state {
    const st__lr_problem *pb;
    const st__lr_sparse *sp;
    double *v;        /* n: c_i p_i (1 - p_i) */
    double *rs;       /* n: the residual less v_i o */
    double o, rsum;   /* the offset o and Rs = sum_i rs_i */
    double sv;        /* sum_i v_i */
    double *xv1;      /* p: sum_E v_i x_ik */
    double *curv;     /* p: sum_i v_i x_std_ik^2 */
    long sweeps;
} sp_state;

/* One sweep over the intercept and the coordinates with active[k] (all when NULL); returns
 * the largest curvature-weighted squared change. */
static double sweep(sp_state *st, double *b0, double *b, const unsigned char *active)
{
    const st__lr_problem *pb = st->pb;
    double dmax = 0;
    if (st->sv > 0) {
        double d = (st->rsum + st->o * st->sv) / st->sv;
        if (d != 0) {
            *b0 += d;
            st->o -= d;
            dmax = st->sv * d * d;
        }
    }
    for (size_t k = 0; k < pb->p; k++) {
        const st__lr_scol *col = &st->sp->cols[k];
        const double a = st->curv[k] + pb->l2;
        if ((active != NULL && !active[k]) || !(col->s > 0) || a <= 0)
            continue;
        double xr = 0;
        if (col->rows == NULL) {
#pragma omp simd reduction(+ : xr)
            for (size_t i = 0; i < col->nnz; i++)
                xr += col->vals[i] * st->rs[i];
        } else if (col->vals == NULL) {
            for (size_t e = 0; e < col->nnz; e++)
                xr += st->rs[col->rows[e]];
        } else {
            for (size_t e = 0; e < col->nnz; e++)
                xr += col->vals[e] * st->rs[col->rows[e]];
        }
        double g = (xr + st->o * st->xv1[k] - col->mu * (st->rsum + st->o * st->sv)) / col->s;
        double bk = st__lr_soft_threshold(g + st->curv[k] * b[k], pb->l1) / a;
        double d = bk - b[k];
        if (d == 0)
            continue;
        b[k] = bk;
        const double ds = d / col->s;
        if (col->rows == NULL) {
            for (size_t i = 0; i < col->nnz; i++)
                st->rs[i] -= st->v[i] * col->vals[i] * ds;
        } else if (col->vals == NULL) {
            for (size_t e = 0; e < col->nnz; e++)
                st->rs[col->rows[e]] -= st->v[col->rows[e]] * ds;
        } else {
            for (size_t e = 0; e < col->nnz; e++)
                st->rs[col->rows[e]] -= st->v[col->rows[e]] * col->vals[e] * ds;
        }
        st->rsum -= st->xv1[k] * ds;
        st->o += col->mu * ds;
        dmax = fmax(dmax, a * d * d);
    }
    st->sweeps++;
    return dmax;
}

/* Minimises the quadratic model plus penalty to within thr, glmnet's active-set way. */
static void solve_model(sp_state *st, double *b0, double *b, unsigned char *active, double thr)
{
    const size_t p = st->pb->p;
    while (st->sweeps < CD_MAX_SWEEPS) {
        if (sweep(st, b0, b, NULL) < thr)
            return;
        for (size_t k = 0; k < p; k++)
            active[k] = b[k] != 0;
        while (st->sweeps < CD_MAX_SWEEPS && sweep(st, b0, b, active) >= thr) {
        }
    }
}

/* The quadratic model at probabilities prob: v, the residual (o = 0), and the sums. */
static void set_model(sp_state *st, const double *prob, double *work)
{
    const st__lr_problem *pb = st->pb;
    const st__lr_sparse *sp = st->sp;
    for (size_t i = 0; i < pb->n; i++) {
        st->v[i] = pb->c[i] * prob[i] * (1 - prob[i]);
        st->rs[i] = pb->c[i] * (pb->y[i] - prob[i]);
    }
    st->sv = st__lr_sum(pb, st->v);
    st->rsum = st__lr_sum(pb, st->rs);
    st->o = 0;
    st__lr_sp_moments(sp, st->v, st->xv1, work, pb->n_threads);
    for (size_t k = 0; k < pb->p; k++) {
        const st__lr_scol *col = &sp->cols[k];
        st->curv[k] = col->s > 0 ? (work[k] - 2 * col->mu * st->xv1[k] +
                                    col->mu * col->mu * st->sv) / (col->s * col->s)
                                 : 0;
        if (st->curv[k] < 0) /* rounding in the expansion: the curvature is >= 0 */
            st->curv[k] = 0;
    }
}

st_status st__lr_sparse_cd(const st__lr_problem *pb, const st__lr_sparse *sp, double *b0,
                           double *b, double tol, int max_iter, st__lr_info *info,
                           st_error *err)
{
    const size_t n = pb->n, p = pb->p;
    st_status rc = ST_OK;
    sp_state st = {.pb = pb, .sp = sp};
    double *eta = st__malloc_array(n ? n : 1, sizeof *eta);
    double *prob = st__malloc_array(n ? n : 1, sizeof *prob);
    double *work = st__malloc_array(n ? n : 1, sizeof *work);
    double *deta = st__malloc_array(n ? n : 1, sizeof *deta);
    double *bold = st__malloc_array(p + 1, sizeof *bold), *wp = st__malloc_array(p + 1, sizeof *wp);
    unsigned char *active = st__malloc_array(p + 1, 1);
    st.v = st__malloc_array(n ? n : 1, sizeof *st.v);
    st.rs = st__malloc_array(n ? n : 1, sizeof *st.rs);
    st.xv1 = st__malloc_array(p + 1, sizeof *st.xv1);
    st.curv = st__malloc_array(p + 1, sizeof *st.curv);
    if (!eta || !prob || !work || !deta || !bold || !wp || !active || !st.v || !st.rs ||
        !st.xv1 || !st.curv) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for sparse coordinate descent on %zu "
                      "rows and %zu columns", n, p);
        goto done;
    }
    memset(info, 0, sizeof *info);
    const int penalised = pb->l1 > 0 || pb->l2 > 0;
    double last_predicted = INFINITY;
    for (int it = 0;; it++) {
        st__lr_sp_margins(sp, *b0, b, eta); /* afresh, so rounding does not accumulate */
        double pen = st__lr_penalty(pb, b);
        double f = st__lr_loss(pb, eta, NULL, 0, prob) + pen;
        if (!isfinite(f)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: objective is %g after %d "
                          "coordinate descent iterations", f, it);
            goto done;
        }
        info->iterations = it;
        info->objective = f;
        double gap = penalised ? st__lr_sp_duality_gap(pb, sp, prob, f, work, wp) : INFINITY;
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

        set_model(&st, prob, wp);
        for (size_t i = 0; i < n; i++) /* minus the loss gradient in eta, for the slope */
            work[i] = pb->c[i] * (pb->y[i] - prob[i]);
        double b0old = *b0;
        memcpy(bold, b, p * sizeof *b);
        double thr = fmax(1e-3 * fmin(fmin(gap, last_predicted), f), 1e-3 * tol * f);
        st.sweeps = 0;
        solve_model(&st, b0, b, active, thr);
        for (size_t k = 0; k < p; k++)
            wp[k] = b[k] - bold[k];
        st__lr_sp_margins(sp, *b0 - b0old, wp, deta);

        double slope = 0;
        for (size_t i = 0; i < n; i++)
            slope -= work[i] * deta[i];
        double delta = slope + st__lr_penalty(pb, b) - pen;
        double predicted = delta < 0 ? -delta : 0;
        last_predicted = predicted;
        if (st.sweeps < CD_MAX_SWEEPS && predicted / fmax(f, 1e-300) < info->gap)
            info->gap = predicted / fmax(f, 1e-300);
        if (info->gap <= tol || delta == 0) {
            *b0 = b0old;
            memcpy(b, bold, p * sizeof *b);
            info->converged = info->gap <= tol;
            break;
        }
        double t = 1;
        int ls = 0;
        for (; ls < 60; ls++, t *= 0.5) {
            for (size_t k = 0; k < p; k++)
                wp[k] = bold[k] + t * (b[k] - bold[k]);
            double ft = st__lr_loss(pb, eta, deta, t, NULL) + st__lr_penalty(pb, wp);
            if (ft <= f + 1e-4 * t * delta)
                break;
        }
        if (ls == 60) {
            *b0 = b0old;
            memcpy(b, bold, p * sizeof *b);
            break;
        }
        *b0 = b0old + t * (*b0 - b0old);
        for (size_t k = 0; k < p; k++)
            b[k] = wp[k];
    }
done:
    st__free(eta), st__free(prob), st__free(work), st__free(bold), st__free(wp);
    st__free(active), st__free(st.v), st__free(st.rs), st__free(st.xv1), st__free(st.curv);
    st__free(deta);
    return rc;
}
