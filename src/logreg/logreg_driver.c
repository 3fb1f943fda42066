/* The proximal-Newton driver (logreg_driver.h): the outer loop, the line search, the
 * separability check and the convergence report of every logistic-regression fit.
 *
 * One iteration at the current point (b0, b), F = L + penalty:
 *   1. F there (finite, or the fit fails), the gradient when the step solver wants it;
 *   2. a certificate when the step solver asks for one (the duality gap, relative to F:
 *      at most tol ends the fit, converged); unpenalised, a separable design fails;
 *   3. progress, and the caller's should_stop; the iteration limit;
 *   4. the step d from the step solver's quadratic model, with its predicted decrease
 *      (the proximal Newton decrement), which stands for the gap when the model was solved
 *      and is smaller; relative to F at most tol (from an exact model) ends the fit, and
 *      so does a step that does not descend (double precision is exhausted);
 *   5. the line search: the longest t of 1, 1/2, 1/4, ... with
 *          F(b + t d) <= F(b) + 1e-4 t descent
 *      (descent the first-order change of F along d, penalty included: Lee, Sun and
 *      Saunders 2014); the data form evaluates the lengths, as many per call as it
 *      forms at once. None good enough: the step solver may change its mode and redo the
 *      iteration, else the fit stops where it is (rounding has swamped the decrease).
 * Every quantity the decisions use is formed in a fixed order, so the driver adds nothing
 * that depends on the thread count. */
#include "logreg_driver.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

double st__lr_penalty_of(double l1, double l2, const double *b, size_t p)
{
    double a1 = 0, a2 = 0;
    for (size_t j = 0; j < p; j++) {
        a1 += fabs(b[j]);
        a2 += b[j] * b[j];
    }
    return l1 * a1 + 0.5 * l2 * a2;
}

/* Step lengths the line search evaluates at most (st__lr_data.max_tries). */
#define MAX_TRIES 64

/* The line search along (d0, d) from (*b0, b) with F = f there; on success moves the
 * point, the data form's with it, and sets *t and *loss (L at the new point). *t = 0 when
 * no length decreased F enough. */
static st_status line_search(const st__lr_drive *dr, const st__lr_data *data, int want_next,
                             double *b0, double *b, double d0, const double *d, double f,
                             double descent, double *trial, double *t, double *loss,
                             st_error *err)
{
    const size_t p = data->p;
    const int max_tries = data->max_tries < MAX_TRIES ? data->max_tries : MAX_TRIES;
    double losses[MAX_TRIES], tk = 1;
    *t = 0;
    for (int tried = 0; tried < max_tries;) {
        size_t k = 0;
        st_status rc = data->try_steps(data->ctx, *b0, b, d0, d, tk,
                                       (size_t)(max_tries - tried), want_next, losses, &k, err);
        if (rc != ST_OK)
            return rc;
        if (k == 0)
            return st__fail(err, ST_ERR_NUMERIC, "%s: the line search formed no step", dr->what);
        for (size_t q = 0; q < k && tried < max_tries; q++, tried++, tk *= 0.5) {
            for (size_t j = 0; j < p; j++)
                trial[j] = b[j] + tk * d[j];
            double ft = losses[q] + st__lr_penalty_of(dr->l1, dr->l2, trial, p);
            if (ft <= f + 1e-4 * tk * descent) {
                *t = tk;
                *loss = losses[q];
                *b0 += tk * d0;
                memcpy(b, trial, p * sizeof *b);
                return data->accept(data->ctx, tk, *b0, b, loss, err);
            }
        }
    }
    return ST_OK;
}

st_status st__lr_drive_run(const st__lr_drive *dr, const st__lr_data *data,
                           const st__lr_step *step, double *b0, double *b,
                           st__lr_info *info, st_error *err)
{
    const size_t p = data->p, pa = p > 0 ? p : 1;
    double *d = st__malloc_array(pa, sizeof *d), *trial = st__malloc_array(pa, sizeof *trial);
    double *ng = step->wants_gradient ? st__malloc_array(pa, sizeof *ng) : NULL;
    memset(info, 0, sizeof *info);
    if (d == NULL || trial == NULL || (step->wants_gradient && ng == NULL)) {
        st__free(d), st__free(trial), st__free(ng);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu coefficients", p);
    }
    const int penalised = dr->l1 > 0 || dr->l2 > 0;
    double loss = 0, f = NAN, last_predicted = INFINITY, last_t = 1;
    st_status rc = data->at(data->ctx, *b0, b, &loss, err);
    for (int it = 0; rc == ST_OK; it++) {
        if (step->refresh && it > 0 && (rc = data->at(data->ctx, *b0, b, &loss, err)) != ST_OK)
            break;
        const double pen = st__lr_penalty_of(dr->l1, dr->l2, b, p);
        f = loss + pen;
        if (!isfinite(f)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "%s: objective is %g after %d %s", dr->what, f,
                          it, step->iterations);
            break;
        }
        info->iterations = it;
        info->objective = f;
        st__lr_point pt = {.it = it, .max_iter = dr->max_iter, .tol = dr->tol, .l1 = dr->l1,
                           .l2 = dr->l2, .b0 = *b0, .b = b, .ng = ng, .f = f, .pen = pen,
                           .gap = INFINITY, .last_predicted = last_predicted,
                           .last_t = last_t};
        if (step->wants_gradient &&
            (rc = data->gradient(data->ctx, &pt.ng0, ng, err)) != ST_OK)
            break;
        const int cert = data->certificate != NULL && step->wants_certificate != NULL &&
                         step->wants_certificate(step->ctx, &pt);
        if (cert) {
            pt.gap = data->certificate(data->ctx, f, ng != NULL ? &pt.ng0 : NULL, ng);
            info->gap = pt.gap / fmax(f, 1e-300);
            if (info->gap <= dr->tol) {
                info->converged = 1;
                break;
            }
        } else if (!step->keep_gap) {
            info->gap = INFINITY;
        }
        if (!penalised && data->separated != NULL && data->separated(data->ctx)) {
            rc = st__fail(err, ST_ERR_NUMERIC, "logistic regression: the classes are linearly "
                          "separable, so with lambda = 0 the coefficients are infinite; set "
                          "lambda > 0");
            break;
        }
        if (dr->progress != NULL)
            st__lr_progress(dr->progress, it, dr->max_iter);
        if (dr->progress != NULL && dr->progress->should_stop != NULL &&
            dr->progress->should_stop(dr->progress->should_stop_data)) {
            rc = st__fail(err, ST_ERR_CANCELLED, "%s: stopped by should_stop after %d %s",
                          dr->what, it, step->iterations);
            break;
        }
        if (it >= dr->max_iter)
            break;

        double d0 = 0;
        st__lr_step_result res = {0};
        if ((rc = step->step(step->ctx, data, &pt, &d0, d, &res, err)) != ST_OK)
            break;
        const double rel = res.predicted / fmax(f, 1e-300);
        if (res.trusted && (!cert || rel < info->gap))
            info->gap = rel;
        if (res.retry)
            continue;
        last_predicted = res.predicted;
        if ((res.exact && info->gap <= dr->tol) || !(res.descent < 0)) {
            info->converged = res.exact && info->gap <= dr->tol;
            break;
        }
        double t = 0;
        rc = line_search(dr, data, !step->refresh, b0, b, d0, d, f, res.descent, trial, &t,
                         &loss, err);
        if (rc != ST_OK)
            break;
        if (t == 0) {
            if (step->searched != NULL && step->searched(step->ctx, 0))
                continue;
            break;
        }
        if (step->searched != NULL)
            step->searched(step->ctx, t);
        last_t = t;
    }
    if (rc == ST_OK && isfinite(f) && data->done != NULL)
        data->done(data->ctx, f - st__lr_penalty_of(dr->l1, dr->l2, b, p));
    st__free(d), st__free(trial), st__free(ng);
    return rc;
}
