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
 * kernels (margins, loss, duality gap) use pb->n_threads. The sweeps reach the rows
 * through the data form's per-column model operations (cd_begin, cd_curv, cd_dot,
 * cd_move: logreg_driver.h), the outer loop is the driver's.
 *
 * Designs of at most ST__LR_CD_GRAM_MAX_COLS columns go to st__lr_cd_gram
 * (logreg_cd_gram.c) instead, whose sweeps work on the working set's Gram matrix and do
 * not touch the rows; these covariance-free sweeps remain for wider designs, where a
 * Gram matrix would not fit. */
#include "logreg_solver.h"
#include "logreg_data_dense.h"
#include "logreg_driver.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Sweeps through the whole quadratic model are capped per outer iteration. */
#define CD_MAX_SWEEPS 100000

typedef struct cd_state {
    const st__lr_data *data;
    size_t p;
    double l1, l2;
    double *z;    /* p: the coefficients as the sweeps move them (z0 the intercept) */
    double z0;
    double *xv;   /* p: the model's curvature along coordinate j */
    double sv;    /* its curvature along the intercept */
    unsigned char *active; /* p */
    long sweeps;
} cd_state;

/* One sweep over the intercept and over the coordinates j with active[j] (all when active
 * is NULL); returns the largest curvature-weighted squared change, a measure of how much
 * the model's value still moves. */
static double sweep(cd_state *st, const unsigned char *active)
{
    const st__lr_data *data = st->data;
    double dmax = 0;
    if (st->sv > 0) {
        double d = data->cd_dot(data->ctx, ST__LR_INTERCEPT) / st->sv;
        if (d != 0) {
            st->z0 += d;
            data->cd_move(data->ctx, ST__LR_INTERCEPT, d);
            dmax = st->sv * d * d;
        }
    }
    for (size_t j = 0; j < st->p; j++) {
        if ((active != NULL && !active[j]) || st->xv[j] + st->l2 <= 0)
            continue;
        double gj = data->cd_dot(data->ctx, j);
        double bj = st__lr_soft_threshold(gj + st->xv[j] * st->z[j], st->l1) /
                    (st->xv[j] + st->l2);
        double d = bj - st->z[j];
        if (d == 0)
            continue;
        st->z[j] = bj;
        data->cd_move(data->ctx, j, d);
        dmax = fmax(dmax, (st->xv[j] + st->l2) * d * d);
    }
    st->sweeps++;
    return dmax;
}

/* Minimises the quadratic model plus penalty to within thr, glmnet's active-set way. */
static void solve_model(cd_state *st, double thr)
{
    while (st->sweeps < CD_MAX_SWEEPS) {
        if (sweep(st, NULL) < thr)
            return;
        for (size_t j = 0; j < st->p; j++)
            st->active[j] = st->z[j] != 0;
        while (st->sweeps < CD_MAX_SWEEPS && sweep(st, st->active) >= thr) {
        }
    }
}

static int cd_wants_certificate(void *ctx, const st__lr_point *pt)
{
    return pt->l1 > 0 || pt->l2 > 0;
}

/* The step: the quadratic model at the point minimised by the sweeps, from the point. */
static st_status cd_step(void *ctx, const st__lr_data *data, const st__lr_point *pt,
                         double *d0, double *d, st__lr_step_result *res, st_error *err)
{
    cd_state *st = ctx;
    const size_t p = st->p;
    const double f = pt->f;
    st->data = data;
    st->sv = data->cd_begin(data->ctx);
    for (size_t j = 0; j < p; j++)
        st->xv[j] = data->cd_curv(data->ctx, j);
    st->z0 = pt->b0;
    memcpy(st->z, pt->b, p * sizeof *st->z);
    /* Solve the model to a small fraction of how far F still is from its minimum, as
     * best known (the lasso's duality gap overestimates it badly near the optimum;
     * the last step's predicted decrease does not): loosely while far from the
     * optimum, tightly near it, so the outer iteration keeps Newton's fast local
     * convergence. */
    double thr = fmax(1e-3 * fmin(fmin(pt->gap, pt->last_predicted), f), 1e-3 * pt->tol * f);
    st->sweeps = 0;
    solve_model(st, thr);
    *d0 = st->z0 - pt->b0;
    for (size_t j = 0; j < p; j++)
        d[j] = st->z[j] - pt->b[j];
    /* The decrease the model predicts, to first order: the proximal Newton decrement.
     * Like Newton's decrement it estimates how far F is from its minimum, and unlike
     * the lasso's duality gap (linear in the dual point's error, so stuck near 1e-11
     * at double precision) it shrinks quadratically. It is trusted only when the
     * model was solved to its threshold. */
    double delta = data->slope(data->ctx, *d0, d) +
                   st__lr_penalty_of(pt->l1, pt->l2, st->z, p) - pt->pen;
    res->descent = delta;
    res->predicted = delta < 0 ? -delta : 0;
    res->trusted = st->sweeps < CD_MAX_SWEEPS;
    res->exact = 1;
    return ST_OK;
}

struct st__lr_cd_step {
    cd_state st;
};

st__lr_cd_step *st__lr_cd_step_new(size_t p, double l1, double l2)
{
    st__lr_cd_step *cs = st__calloc(1, sizeof *cs);
    if (cs == NULL)
        return NULL;
    cs->st = (cd_state){.p = p, .l1 = l1, .l2 = l2};
    cs->st.z = st__malloc_array(p, sizeof *cs->st.z);
    cs->st.xv = st__malloc_array(p, sizeof *cs->st.xv);
    cs->st.active = st__malloc_array(p, 1);
    if (!cs->st.z || !cs->st.xv || !cs->st.active) {
        st__lr_cd_step_free(cs);
        return NULL;
    }
    return cs;
}

void st__lr_cd_step_free(st__lr_cd_step *cs)
{
    if (cs == NULL)
        return;
    st__free(cs->st.z), st__free(cs->st.xv), st__free(cs->st.active);
    st__free(cs);
}

st__lr_step st__lr_cd_step_solver(st__lr_cd_step *cs)
{
    return (st__lr_step){.ctx = &cs->st, .iterations = "coordinate descent iterations",
                         .refresh = 1, .wants_certificate = cd_wants_certificate,
                         .step = cd_step};
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
    st__lr_cd_step *cs = st__lr_cd_step_new(pb->p, pb->l1, pb->l2);
    st__lr_dense *dn = st__lr_dense_new(pb, ST__LR_DENSE_CD);
    st_status rc;
    if (cs == NULL || dn == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for coordinate descent on %zu rows",
                      pb->n);
    } else {
        st__lr_data data = st__lr_dense_data(dn);
        st__lr_step step = st__lr_cd_step_solver(cs);
        st__lr_drive dr = {.what = "logistic regression", .l1 = pb->l1, .l2 = pb->l2,
                           .tol = tol, .max_iter = max_iter, .progress = pb};
        rc = st__lr_drive_run(&dr, &data, &step, b0, b, info, err);
    }
    st__lr_dense_free(dn);
    st__lr_cd_step_free(cs);
    return rc;
}
