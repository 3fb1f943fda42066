/* Elastic-net logistic regression by proximal Newton with coordinate-descent inner solves,
 * the quadratic model held as the Gram matrix of a working set: for designs with many
 * more rows than columns (p <= ST__LR_CD_GRAM_MAX_COLS), where the covariance-free
 * updates of logreg_cd.c cost two passes over a column per coordinate and tens of sweeps
 * per model, while this solver's sweeps cost O(a^2) each, whatever n.
 *
 * One outer iteration, at the current (b0, b):
 *   1. the loss, the probabilities and the full gradient X^T c (y - p): one pass over X;
 *      the duality gap follows from the gradient without another pass (X^T theta is a
 *      combination of the gradient, X^T c and X^T (c y), the last two fixed);
 *   2. the working set: the coefficients that are non-zero or were ever in it, and the
 *      zero ones whose gradient violates the optimality condition |g_j| <= l1 (the
 *      set only grows, so a Gram matrix stays valid for it);
 *   3. the Gram matrix H = [1 X_S]^T diag(c p (1 - p)) [1 X_S] of the working set S;
 *   4. the penalised model -g . d + d^T H d / 2 + penalty(b + d) minimised over d by
 *      coordinate descent in closed form (soft thresholding), keeping H d up to date;
 *   5. a backtracking line search on the true objective along d (Lee, Sun and Saunders
 *      2014, proximal Newton), one pass over the working set's columns for X d.
 * Stopping is as in logreg_cd.c: the duality gap, or the model's predicted decrease (the
 * proximal Newton decrement) relative to F below tol.
 *
 * Coordinates outside the working set stay 0 in a step; step 2 of the next iteration
 * lets any of them in whose gradient asks for it, and the gap, computed over all
 * coordinates, certifies the result. */
#include "logreg_solver.h"
#include "logreg_data_dense.h"
#include "logreg_driver.h"
#include "logreg_qmodel.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Sweeps per model are capped: at most this many, and at most a multiple of the rows. */
#define GRAM_MAX_SWEEPS 100000

/* Outer iterations a Gram matrix may serve, across the fits of a path too (see below). */
#define GRAM_MAX_AGE 10


/* Gathers what the Gram matrix and the model need for the working set. */
typedef struct gram_state {
    size_t a;             /* working-set size */
    size_t *cols;         /* p: the working set, in column order */
    unsigned char *in;    /* p: 1 for columns in it */
    double *h;            /* (p + 1)^2 */
    double *g, *z, *d, *hd; /* p + 1 each, in the model's order */
    unsigned char *nz;    /* p + 1 */
} gram_state;

/* Adds to the working set the columns that are non-zero or, at zero, violate |g_j| <= l1
 * (g: minus the loss gradient). Returns 1 when the set changed. */
static int grow_working_set(gram_state *gs, size_t p, double l1, const double *b,
                            const double *grad)
{
    int changed = 0;
    for (size_t j = 0; j < p; j++) {
        if (gs->in[j])
            continue;
        if (b[j] != 0 || fabs(grad[j]) > l1) {
            gs->in[j] = 1;
            changed = 1;
        }
    }
    if (changed) {
        gs->a = 0;
        for (size_t j = 0; j < p; j++)
            if (gs->in[j])
                gs->cols[gs->a++] = j;
    }
    return changed;
}

/* The step solver (ctx: st__lr_cd_work, whose state carries along a path). */
struct st__lr_cd_work {
    size_t n, p;
    const st__lr_problem *pb; /* the form's problem */
    st__lr_dense *dense;      /* the data form, warm between the fits of a path */
    gram_state gs;
    double *step, *trial;     /* p each */
    int gram_age;             /* iterations since gs.h was formed, -1 for none */
};

void st__lr_cd_work_free(st__lr_cd_work *w)
{
    if (w == NULL)
        return;
    st__lr_dense_free(w->dense);
    st__free(w->step), st__free(w->trial);
    st__free(w->gs.cols), st__free(w->gs.in), st__free(w->gs.nz), st__free(w->gs.h);
    st__free(w->gs.g), st__free(w->gs.z), st__free(w->gs.d), st__free(w->gs.hd);
    st__free(w);
}

static st__lr_cd_work *work_new(const st__lr_problem *pb, int flags)
{
    const size_t n = pb->n, p = pb->p, m = p + 1; /* p <= ST__LR_CD_GRAM_MAX_COLS */
    st__lr_cd_work *w = st__calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->n = n, w->p = p, w->pb = pb, w->gram_age = -1;
    w->dense = st__lr_dense_new(pb, flags);
    w->step = st__malloc_array(m, 8), w->trial = st__malloc_array(m, 8);
    w->gs.cols = st__malloc_array(m, sizeof *w->gs.cols);
    w->gs.in = st__calloc(m, 1);
    w->gs.nz = st__malloc_array(m, 1);
    w->gs.h = st__malloc_array(m * m, sizeof *w->gs.h);
    w->gs.g = st__malloc_array(m, 8), w->gs.z = st__malloc_array(m, 8);
    w->gs.d = st__malloc_array(m, 8), w->gs.hd = st__malloc_array(m, 8);
    if (!w->dense || !w->step || !w->trial || !w->gs.cols || !w->gs.in || !w->gs.nz ||
        !w->gs.h || !w->gs.g || !w->gs.z || !w->gs.d || !w->gs.hd) {
        st__lr_cd_work_free(w);
        return NULL;
    }
    return w;
}

st__lr_cd_work *st__lr_cd_work_new(const st__lr_problem *pb)
{
    return work_new(pb, ST__LR_DENSE_NEXT | ST__LR_DENSE_WARM);
}

/* The lasso's gap is linear in the error of the gradient, and at a small l1 that error is
 * large relative to l1: it rarely certifies anything the predicted decrease does not, and
 * it costs two logarithms a row. It is still reported when the iterations run out. */
static int gram_wants_certificate(void *ctx, const st__lr_point *pt)
{
    return (pt->l1 > 0 || pt->l2 > 0) && (pt->l2 > 0 || pt->it >= pt->max_iter);
}

static st_status gram_step(void *ctx, const st__lr_data *data, const st__lr_point *pt,
                           double *d0, double *d, st__lr_step_result *res, st_error *err)
{
    st__lr_cd_work *w = ctx;
    gram_state *gs = &w->gs;
    const size_t n = w->n, p = w->p;
    const double f = pt->f, *b = pt->b;
    /* A Gram matrix formed at an earlier point (of this fit, or of the last fit of a
     * path) is kept while the working set stays, the last step was a full one (the
     * model predicted well), the last step's predicted decrease was small (far from
     * the optimum the curvature moves quickly) and it is at most GRAM_MAX_AGE
     * iterations old: between neighbouring points the weights p (1 - p) barely move, a
     * slightly stale curvature costs the step (a proximal quasi-Newton step, still
     * checked by the line search) little, and the predicted decrease that certifies
     * convergence changes by the same small factor, while forming H costs n a^2 / 2
     * multiply-adds. Measured on the 100k x 40 benchmark path: the objectives stay
     * within 1e-8 (relative) of those with a fresh matrix at every fit. */
    if (w->gram_age >= 0)
        w->gram_age++;
    if (grow_working_set(gs, p, pt->l1, b, pt->ng) || w->gram_age < 0 || pt->last_t < 1 ||
        w->gram_age > GRAM_MAX_AGE || pt->last_predicted > 1e-3 * f) {
        w->gram_age = -1; /* until formed */
        st_status rc = data->gram(data->ctx, gs->cols, gs->a, gs->h, err);
        if (rc != ST_OK)
            return rc;
        w->gram_age = 0;
    }
    st__lr_qmodel md = {.m = gs->a + 1, .h = gs->h, .g = gs->g, .z = gs->z, .l1 = pt->l1,
                .l2 = pt->l2, .d = gs->d, .hd = gs->hd};
    gs->g[0] = pt->ng0, gs->z[0] = 0;
    for (size_t k = 0; k < gs->a; k++)
        gs->g[k + 1] = pt->ng[gs->cols[k]], gs->z[k + 1] = b[gs->cols[k]];
    /* As in logreg_cd.c: to a small fraction of how far F still is from its minimum as
     * best known; sweeps are cheap here, so the fraction is smaller. */
    const long max_sweeps = n < GRAM_MAX_SWEEPS / 4 ? (n < 250 ? 1000 : 4 * (long)n)
                                                    : GRAM_MAX_SWEEPS;
    double thr = fmax(1e-5 * fmin(fmin(pt->gap, pt->last_predicted), f), 1e-4 * pt->tol * f);
    int solved = st__lr_qmodel_solve(&md, gs->nz, thr, max_sweeps) == 0;

    /* the step in full coordinates, and its predicted decrease */
    memset(d, 0, p * sizeof *d);
    double slope = -pt->ng0 * gs->d[0];
    for (size_t k = 0; k < gs->a; k++) {
        d[gs->cols[k]] = gs->d[k + 1];
        slope -= gs->g[k + 1] * gs->d[k + 1];
    }
    for (size_t j = 0; j < p; j++)
        w->trial[j] = b[j] + d[j];
    double delta = slope + st__lr_penalty_of(pt->l1, pt->l2, w->trial, p) - pt->pen;
    *d0 = gs->d[0];
    res->descent = delta;
    res->predicted = delta < 0 ? -delta : 0;
    res->trusted = solved;
    res->exact = 1;
    return ST_OK;
}

st_status st__lr_cd_gram(const st__lr_problem *pb, double *b0, double *b, double tol,
                         int max_iter, st__lr_info *info, st_error *err)
{
    st__lr_cd_work *w = work_new(pb, ST__LR_DENSE_NEXT);
    if (w == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for coordinate descent on %zu rows "
                        "and %zu columns", pb->n, pb->p);
    st_status rc = st__lr_cd_gram_warm(pb, w, b0, b, tol, max_iter, info, err);
    st__lr_cd_work_free(w);
    return rc;
}

st_status st__lr_cd_gram_warm(const st__lr_problem *pb, st__lr_cd_work *w, double *b0,
                              double *b, double tol, int max_iter, st__lr_info *info,
                              st_error *err)
{
    st__lr_data data = st__lr_dense_data(w->dense);
    st__lr_step step = {.ctx = w, .iterations = "coordinate descent iterations",
                        .wants_gradient = 1, .wants_certificate = gram_wants_certificate,
                        .step = gram_step};
    st__lr_drive dr = {.what = "logistic regression", .l1 = pb->l1, .l2 = pb->l2,
                       .tol = tol, .max_iter = max_iter, .progress = pb};
    return st__lr_drive_run(&dr, &data, &step, b0, b, info, err);
}
