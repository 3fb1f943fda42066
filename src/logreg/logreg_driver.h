/* Internal: the one proximal-Newton driver of logistic regression, over data operations
 * written once per data form and step solvers written once per kind of step.
 *
 * The driver minimises
 *
 *     F(b0, b) = L(b0, b) + l1 * ||b||_1 + l2 / 2 * ||b||^2,
 *     L(b0, b) = sum_i c_i * logloss(y_i, b0 + x_i . b),   sum_i c_i = 1,
 *
 * (the intercept b0 unpenalised) by the outer loop every solver shares: at the current
 * point it evaluates F, asks the data form for a certificate (a duality gap) and, when
 * unpenalised, whether the classes are separable; reports progress; asks the step solver
 * for a step d from a quadratic model of L at the point; stops when the model's predicted
 * decrease (the proximal Newton decrement) relative to F is at most tol; otherwise
 * searches along d for sufficient decrease (Armijo, halving from t = 1: Lee, Sun and
 * Saunders, "Proximal Newton-type methods", SIAM J. Optim. 2014) and moves there. It owns
 * the convergence report (st__lr_info: iterations, objective, gap, converged) and the
 * progress callback. liblinear's `newton` over its `function` interface (fun, grad, Hv,
 * linesearch_and_update) is the model: as there, the data form keeps the row-space state
 * of the current point (margins, probabilities) and evaluates trial steps from X d, so
 * that a form which cannot hold the rows (a stream) evaluates several step lengths per
 * pass.
 *
 * Data forms (one st__lr_data each): dense in memory (logreg_data_dense.c, on an
 * st__lr_problem), streamed from row blocks (logreg_stream.c), sparse by column (CSC, with
 * centring and scaling applied implicitly: column j is (z_j - mean_j) / scale_j for a
 * sparse z_j). A form implements the operations its step solvers use and leaves the others
 * NULL. Step solvers (one st__lr_step each): exact Newton by Cholesky of the full Hessian
 * (logreg_step_newton.c), coordinate descent on the Gram matrix of a working set
 * (logreg_step_gram.c), covariance-free coordinate descent over the columns
 * (logreg_step_cd.c), and a truncated-Newton (conjugate gradients on Hessian-vector
 * products) step for sparse ridge fits.
 *
 * Coefficients: the driver holds (b0, b), p + 1 values, on the data form's scale (for the
 * dense and sparse forms the standardised one). "Minus the loss gradient" at a point is
 * ng0 = sum_i r_i and ng_j = sum_i x_ij r_i with r_i = c_i (y_i - p_i), p_i the fitted
 * probability; the Hessian of L is [1 X]^T diag(v) [1 X] with v_i = c_i p_i (1 - p_i).
 *
 * Determinism: every operation must give the same bits whatever the number of threads
 * (reductions over rows blocked in a fixed order: ST__LR_BLOCK, logreg_solver.h). The
 * driver itself runs on one thread and calls no BLAS. */
#ifndef STRATUM_LOGREG_DRIVER_H
#define STRATUM_LOGREG_DRIVER_H

#include <stddef.h>
#include <stratum/common.h>
#include <stratum/logreg.h>

#include "logreg_solver.h"

/* ---- Data operations ------------------------------------------------------------------ */

/* The operations of one data form. ctx is the form's own state (passed back to every
 * call); it holds the current point's margins eta_i = b0 + x_i . b and probabilities, set
 * by `at` and moved by `accept`. Operations that can fail return ST_OK or fail filling
 * err; the others cannot fail. */
typedef struct st__lr_data {
    void *ctx;
    size_t p;      /* columns (coefficients besides the intercept) */
    int max_tries; /* step lengths the line search may try, 1, 1/2, ... 2^-(max_tries - 1) */

    /* ---- the point (required) ---- */

    /* Makes (b0, b) the current point: margins, probabilities, and the loss L there into
     * *loss. A form that already holds this point (the end of the last fit of a path,
     * warm) may return it without a pass. */
    st_status (*at)(void *ctx, double b0, const double *b, double *loss, st_error *err);

    /* Minus the loss gradient at the current point: *ng0 and ng[0..p). The form may hand
     * back what it formed with the accepted step of the line search (want_next below). */
    st_status (*gradient)(void *ctx, double *ng0, double *ng, st_error *err);

    /* ---- the line search (required) ---- */

    /* The losses L at (b0, b) + t (d0, d) for t = t0, t0 / 2, t0 / 4, ... into loss[0..),
     * at most k of them, and into *formed how many it formed (>= 1: an in-memory form
     * forms one, a streamed form as many as one pass gives). (b0, b)
     * is the current point, passed because a streamed form has no margins to keep. d
     * holds p values, most of them often 0. With want_next, the form may also form what
     * the next iteration needs at the first length (the gradient there, the Gram matrix
     * of a stream) in the same pass, and keeps the probabilities of the last length
     * formed for `accept`. */
    st_status (*try_steps)(void *ctx, double b0, const double *b, double d0,
                           const double *d, double t0, size_t k, int want_next, double *loss,
                           size_t *formed, st_error *err);

    /* Moves the current point to (b0, b) + t (d0, d), t the last length try_steps
     * formed: margins eta + t X d, and the probabilities try_steps formed there. (b0, b)
     * are the coefficients after the move, as the driver formed them. *loss holds the
     * loss try_steps gave for t; a form that forms the new point afresh (a stream after a
     * short step, whose next model needs a pass anyway) may replace it by the loss it
     * found there. Returns ST_OK or fails. */
    st_status (*accept)(void *ctx, double t, double b0, const double *b, double *loss,
                        st_error *err);

    /* Optional: the slope of L along (d0, d) from the rows, -sum_i r_i (d0 + x_i . d),
     * for step solvers that do not form the gradient; the form keeps d0 + X d for the
     * try_steps (want_next 0) that follows with the same step. */
    double (*slope)(void *ctx, double d0, const double *d);

    /* Optional: the fit ended at the current point, whose loss the driver reckons as
     * loss (F less the penalty). A form that serves the next fit of a path from this
     * point (its `at` returning without a pass) keeps it; others ignore it. */
    void (*done)(void *ctx, double loss);

    /* ---- checks at the point (optional: NULL for none) ---- */

    /* The duality gap P - D >= 0 at the current point, F = f there (absolute, not
     * relative); ng0, ng: minus the loss gradient there when the driver has it (NULL
     * otherwise: the form forms X^T theta itself). INFINITY when it has none. */
    double (*certificate)(void *ctx, double f, const double *ng0, const double *ng);

    /* 1 when every row of positive weight is on its side of eta = 0 at the current
     * point (the unpenalised optimum is at infinity). */
    int (*separated)(void *ctx);

    /* ---- second-order information at the current point, for the step solvers ---- */

    /* The Hessian of the smooth part, L + l2 / 2 ||b||^2, (p + 1) x (p + 1) column-major,
     * both triangles, intercept first; from a fixed subsample of about 1 / every of the
     * rows when every > 1 (scaled to estimate the full one). */
    st_status (*hessian)(void *ctx, size_t every, double *h, st_error *err);

    /* The Gram matrix [1 X_S]^T diag(v) [1 X_S], (a + 1) x (a + 1), both triangles, for
     * the a columns S = cols[0..a) (ascending) of the design. */
    st_status (*gram)(void *ctx, const size_t *cols, size_t a, double *g, st_error *err);

    /* Hessian of L times s (s[0] the intercept's part, s[1 + j] column j's) into
     * out[0..p], without the ridge term: [1 X]^T (v .* ([1 X] s)). For truncated Newton
     * (conjugate gradients): the form may keep v from `at`. */
    void (*hessvec)(void *ctx, const double *s, double *out);

    /* The diagonal of the Hessian of L, p + 1 values (intercept first), without the
     * ridge term: a preconditioner for conjugate gradients. */
    void (*hess_diag)(void *ctx, double *out);

    /* X^T u into out[0..p) and sum_i u_i into *sum, for u of n rows the form's own
     * (from `rows`); for a centred sparse column, sum_i x_ij u_i = (z_j^T u - mean_j *
     * sum u) / scale_j, one pass over its entries. */
    void (*xt)(void *ctx, const double *u, double *sum, double *out);

    /* u = d0 + X d into u[0..n), d of p values (zeros skipped). */
    void (*xv)(void *ctx, double d0, const double *d, double *u);

    /* Rows n (for the size of u in xt and xv; 0 for a stream). */
    size_t (*rows)(void *ctx);

    /* ---- the covariance-free quadratic model, per column (coordinate descent) ---- */

    /* The quadratic model of L at the current point: weights v_i = c_i p_i (1 - p_i) and
     * the model's residual r_i = c_i (y_i - p_i) - v_i (deta_i), deta the change of
     * margins since (d = 0 here); the form keeps both (a sparse centred form may keep r as
     * r~ + k v with a scalar k, so that a column move costs its entries only). Returns
     * sum_i v_i (the intercept's curvature). */
    double (*cd_begin)(void *ctx);

    /* Column j's curvature in the model, sum_i v_i x_ij^2. */
    double (*cd_curv)(void *ctx, size_t j);

    /* The model's minus-gradient along column j, sum_i x_ij r_i (the intercept's, sum_i
     * r_i, for j = ST__LR_INTERCEPT). */
    double (*cd_dot)(void *ctx, size_t j);

    /* A move of delta along column j (or the intercept): r_i -= v_i x_ij delta. */
    void (*cd_move)(void *ctx, size_t j, double delta);
} st__lr_data;

/* The intercept's index in the per-column model operations. */
#define ST__LR_INTERCEPT ((size_t)-1)

/* ---- Step solvers -------------------------------------------------------------------- */

/* What the driver hands a step solver at the current point. */
typedef struct st__lr_point {
    int it, max_iter;
    double tol;
    double l1, l2;
    double b0;
    const double *b;      /* p */
    const double *ng;     /* minus the loss gradient, p (NULL unless the solver wants it) */
    double ng0;
    double f;             /* F at the point */
    double pen;           /* its penalty part */
    double gap;           /* the absolute certificate at the point, INFINITY if none */
    double last_predicted;/* the last step's predicted decrease, INFINITY before one */
    double last_t;        /* the last step length taken, 1 before one */
} st__lr_point;

/* What a step solver returns: the step d0, d (the driver's arrays), and how good it is. */
typedef struct st__lr_step_result {
    double descent;   /* the directional derivative of F along d to first order:
                         -ng . d + penalty(b + d) - penalty(b), the line search's slope */
    double predicted; /* the model's predicted decrease >= 0, the proximal Newton
                         decrement: the driver stops when predicted / F <= tol */
    int trusted;      /* predicted may stand for the gap (the model was solved to its
                         threshold) */
    int exact;        /* the model was exact (not subsampled): it may declare convergence */
    int retry;        /* no step: redo the iteration (the solver changed its own mode) */
} st__lr_step_result;

/* A step solver. ctx is its own state, kept across the fits of a path when it has some. */
typedef struct st__lr_step {
    void *ctx;
    const char *iterations; /* how its iterations are named in messages ("Newton
                               iterations") */
    int wants_gradient;     /* the step needs ng (the driver then forms it every iteration) */
    int refresh;            /* the point's margins are formed afresh at each iteration
                               (`at`) rather than moved by the accepted step */
    int keep_gap;           /* an iteration without a certificate keeps the last gap
                               (else it is INFINITY until the step's prediction) */
    /* Whether to ask the data form for a certificate at this point. */
    int (*wants_certificate)(void *ctx, const st__lr_point *pt);
    /* The step at pt into d0, d (p values) and res. */
    st_status (*step)(void *ctx, const st__lr_data *data, const st__lr_point *pt, double *d0,
                      double *d, st__lr_step_result *res, st_error *err);
    /* After the line search: t the length taken, 0 when none decreased F enough.
     * Returns 1 to redo the iteration (only when t == 0), 0 to go on (t > 0) or stop.
     * NULL: stop after a failed search. */
    int (*searched)(void *ctx, double t);
} st__lr_step;

/* The exact Newton step solver (logreg_newton.c): the data form's Hessian (`hessian`,
 * with the ridge term), factorised by Cholesky (a Levenberg-Marquardt shift when it is
 * singular), H d = -g solved; l1 must be 0. Far from the optimum on n >= 32768 rows the
 * Hessian comes from a subsample (every > 1; n = 0: never), and only an exact one may
 * declare convergence. With h_final, the Hessian at the returned point is copied there
 * when the fit converges (*have_h_final = 1), for the standard errors. NULL when out of
 * memory. */
typedef struct st__lr_newton_step st__lr_newton_step;
st__lr_newton_step *st__lr_newton_step_new(size_t n, size_t p, double *h_final,
                                           int *have_h_final);
void st__lr_newton_step_free(st__lr_newton_step *ns);
st__lr_step st__lr_newton_step_solver(st__lr_newton_step *ns);

/* The covariance-free coordinate-descent step solver (logreg_cd.c): the quadratic model
 * at the point minimised one coordinate at a time through the data form's per-column
 * operations (cd_begin, cd_curv, cd_dot, cd_move, slope), glmnet's active-set sweeps; any
 * l1, l2 (the ones given here and to the driver must agree). For dense designs wider than
 * ST__LR_CD_GRAM_MAX_COLS and for sparse designs. NULL when out of memory. */
typedef struct st__lr_cd_step st__lr_cd_step;
st__lr_cd_step *st__lr_cd_step_new(size_t p, double l1, double l2);
void st__lr_cd_step_free(st__lr_cd_step *cs);
st__lr_step st__lr_cd_step_solver(st__lr_cd_step *cs);

/* ---- The driver ---------------------------------------------------------------------- */

typedef struct st__lr_drive {
    const char *what;      /* message prefix: "logistic regression" */
    double l1, l2;
    double tol;
    int max_iter;
    /* progress after each iteration, and should_stop asked there (NULL for neither): pb's
     * callbacks and lambda fields */
    const st__lr_problem *progress;
} st__lr_drive;

/* Minimises F from the start (*b0, b) (p values) with the step solver over the data form.
 * The solution is put in (*b0, b) and info. Returns ST_OK (info->converged tells whether
 * tol was reached), ST_ERR_NOMEM, ST_ERR_NUMERIC when F is not finite or, unpenalised,
 * the classes are separable (forms with `separated`), or a data form's or step solver's
 * error. */
st_status st__lr_drive_run(const st__lr_drive *dr, const st__lr_data *data,
                           const st__lr_step *step, double *b0, double *b,
                           st__lr_info *info, st_error *err);

/* l1 ||b||_1 + l2 / 2 ||b||^2 over p coefficients (st__lr_penalty's arithmetic). */
double st__lr_penalty_of(double l1, double l2, const double *b, size_t p);

#endif
