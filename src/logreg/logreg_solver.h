/* Internal: the numerical core of logistic regression. A problem is a dense design, labels
 * and normalised weights; the objective kernels evaluate the loss and its derivatives, and
 * the solvers (configurations of the one driver of logreg_driver.h, each with its step
 * solver, over the dense data form of logreg_data_dense.h) minimise
 *
 *     F(b0, b) = sum_i c_i * logloss(y_i, b0 + x_i . b) + l1 * ||b||_1 + l2 / 2 * ||b||^2
 *
 * with sum_i c_i = 1 and the intercept b0 unpenalised. */
#ifndef STRATUM_LOGREG_SOLVER_H
#define STRATUM_LOGREG_SOLVER_H

#include <stddef.h>
#include <stratum/common.h>
#include <stratum/logreg.h>

/* Rows per block of every reduction over rows. Sums are formed per block and the block
 * sums added in block order, so results do not depend on the number of threads. */
#define ST__LR_BLOCK 4096

typedef struct st__lr_problem {
    size_t n, p;
    const double *x; /* n x p, column-major (column j at x + j * n) */
    const double *y; /* n labels, each 0 or 1 */
    const double *c; /* n weights >= 0 summing to 1 */
    double l1, l2;   /* lambda * alpha, lambda * (1 - alpha) */
    int n_threads;   /* >= 1 */
    double *partial; /* scratch: one double per row block, see st__lr_partial_size */
    /* Optional, for the coordinate-descent solver; NULL: it computes them. X^T c and
     * X^T (c y) do not depend on the coefficients, so a caller fitting many lambdas on
     * one design computes them once (st__lr_xt). */
    const double *xc, *xcy;
    /* Optional progress report after each iteration (st_logreg_params.progress): NULL
     * for none; `at` holds the lambda fields, the solver sets the iterations. */
    st_logreg_progress_fn progress;
    void *progress_data;
    st_logreg_progress at;
    /* Optional (st_logreg_params.should_stop): asked by the driver where it tells
     * progress; nonzero stops the fit with ST_ERR_CANCELLED. */
    st_should_stop_fn should_stop;
    void *should_stop_data;
} st__lr_problem;

/* Tells pb's progress callback, if any, that iteration `it` of max_iter is done. */
void st__lr_progress(const st__lr_problem *pb, int it, int max_iter);

/* What a solver reports besides the coefficients. */
typedef struct st__lr_info {
    int iterations;
    double objective; /* F at the solution */
    double gap;       /* relative duality gap (or Newton decrement) at the solution */
    int converged;    /* gap <= tol */
} st__lr_info;

/* The proximal map of t * |.|: u shrunk towards 0 by l, 0 within [-l, l]. Every
 * coordinate-descent step (in memory, on Gram matrices, streamed) takes its L1 part
 * through it. */
static inline double st__lr_soft_threshold(double u, double l)
{
    return u > l ? u - l : u < -l ? u + l : 0;
}

/* Length of the `partial` scratch for n rows. */
size_t st__lr_partial_size(size_t n);

/* eta = b0 + X b. */
void st__lr_margins(const st__lr_problem *pb, double b0, const double *b, double *eta);

/* sum_i c_i * logloss(y_i, eta_i + t * deta_i); deta may be NULL (then t is ignored).
 * When prob is not NULL it receives P(y_i = 1) at those margins. */
double st__lr_loss(const st__lr_problem *pb, const double *eta, const double *deta, double t,
                   double *prob);

/* l1 * ||b||_1 + l2 / 2 * ||b||^2. */
double st__lr_penalty(const st__lr_problem *pb, const double *b);

/* out_j = sum_i x_ij v_i for every column j. */
void st__lr_xt(const st__lr_problem *pb, const double *v, double *out);

/* sum_i v_i, blocked. */
double st__lr_sum(const st__lr_problem *pb, const double *v);

/* One pass over X for a full (t = 1) step d0, d (p values; zeros skipped) from margins
 * eta: deta = d0 + X d, and at eta + deta the probabilities (into prob), r_i =
 * c_i (y_i - p_i), minus the loss gradient (*g0 for the intercept, grad for the columns)
 * and, returned, the loss. Blocked so that nothing depends on the thread count; parts has
 * st__lr_full_step_parts(n, p) doubles. */
size_t st__lr_full_step_parts(size_t n, size_t p);
double st__lr_full_step(const st__lr_problem *pb, const double *eta, double d0,
                        const double *d, double *deta, double *prob, double *r, double *g0,
                        double *grad, double *parts);

/* Gradient of the smooth part (loss + ridge) at margins eta: g[0] for b0, g[1 + j] for b_j.
 * prob holds P(y = 1) at eta (from st__lr_loss); work has n doubles. */
void st__lr_gradient(const st__lr_problem *pb, const double *prob, const double *b, double *g,
                     double *work);

/* Hessian of the smooth part times s (s[0] for b0, s[1 + j] for b_j) into out. */
void st__lr_hessvec(const st__lr_problem *pb, const double *prob, const double *s, double *out,
                    double *work);

/* The Hessian of the smooth part, (p + 1) x (p + 1) column-major, both triangles filled
 * (st__lr_gram over every column, plus the ridge term). work has n doubles. Returns 0,
 * or -1 when out of memory for the kernel's scratch (16 (p + 1)^2 doubles). */
int st__lr_hessian(const st__lr_problem *pb, const double *prob, double *h, double *work);

/* st__lr_hessian estimated from a fixed subsample of about n / every rows (see
 * st__lr_gram_sub); every <= 1 is st__lr_hessian. */
int st__lr_hessian_sub(const st__lr_problem *pb, const double *prob, size_t every, double *h,
                       double *work);

/* Duality gap P - D >= 0 at a point with probabilities prob and primal value f. Needs l1 > 0 or l2 > 0;
 * returns INFINITY otherwise. work has n doubles, work_p has p. */
double st__lr_duality_gap(const st__lr_problem *pb, const double *prob, double f,
                          double *work, double *work_p);

/* The dual point both gaps are formed at: theta_i = c_i (s_i - y_i) (n values into theta),
 * s the fitted probabilities prob rescaled so that their weighted mean is ybar, the
 * weighted label mean (*ybar_out; *pbar_out the probabilities' own mean). */
void st__lr_dual_point(const st__lr_problem *pb, const double *prob, double *theta,
                       double *ybar_out, double *pbar_out);

/* The same gap from X^T theta (p values) for theta_i = c_i (s_i - y_i), s_i the fitted
 * probabilities rescaled so that their weighted mean is ybar (the weighted label mean;
 * pbar is the probabilities'), as st__lr_duality_gap forms it: for callers that get
 * X^T theta without a pass over X. */
double st__lr_gap_from_xt(const st__lr_problem *pb, const double *prob, double f, double ybar,
                          double pbar, const double *xt_theta);

/* 1 when every row of positive weight is on the right side of eta = 0, i.e. the classes
 * are linearly separable and the unpenalised optimum is at infinity. */
int st__lr_separated(const st__lr_problem *pb, const double *eta);

/* Doubles of scratch st__lr_gram needs for an m x m result (m = a + 1). */
size_t st__lr_gram_scratch_size(size_t m);

/* g = [1 X_S]^T diag(v) [1 X_S], the full symmetric (a + 1) x (a + 1) matrix,
 * column-major, for the a columns S = cols[0..a) of the design (row/column 0 is the
 * intercept's column of ones). Blocked so that it does not depend on the thread count. */
void st__lr_gram(const st__lr_problem *pb, const double *v, const size_t *cols, size_t a,
                 double *g, double *scratch);

/* st__lr_gram on a fixed subsample of the rows: the first GRAM_ROWS-row chunk of every
 * `every` chunks of each stripe (all rows when every <= 1). Returns n / (rows used), the
 * factor that makes the sums estimate the full ones (g is not scaled). */
double st__lr_gram_sub(const st__lr_problem *pb, const double *v, const size_t *cols, size_t a,
                       size_t every, double *g, double *scratch);

/* H = U^T U for the upper triangle of the m x m column-major h, U written over it (the
 * strict lower triangle is left alone). Returns 0, or -1 when H is not numerically
 * positive definite. Below ST__LR_LAPACK_MIN_M a plain loop (st__lr_cholesky_hand),
 * from it on LAPACKE_dpotrf on one OpenBLAS thread (st__la_cholesky); neither result
 * depends on a thread count. */
int st__lr_cholesky(double *h, size_t m);

/* Solves U^T U x = b in place (b becomes x), U from st__lr_cholesky (the same choice
 * by m: st__lr_cholesky_solve_hand or LAPACKE_dpotrs). */
void st__lr_cholesky_solve(const double *u, size_t m, double *b);

/* The hand-written kernels behind the two, for any m (benchmarks and tests). */
int st__lr_cholesky_hand(double *h, size_t m);
void st__lr_cholesky_solve_hand(const double *u, size_t m, double *b);

/* The order m = p + 1 from which Cholesky factor, solve and inverse go to LAPACKE: the
 * measured crossover, bench/RESULTS.md, "BLAS and LAPACK against the hand-written
 * kernels" (factor + solve: hand faster at 100 columns, LAPACK 2.5 times faster at 200). */
#define ST__LR_LAPACK_MIN_M 151

/* Standard errors of the intercept and coefficients on the original scale, into
 * se[0..p] (intercept first): the square roots of the diagonal of A H^-1 A^T / total,
 * where H is the Hessian of F (with its ridge term) at (b0, b) on the solver's scale,
 * total the sum of the weights before normalising, and A maps the solver's scale to
 * the original one (column j was (value - mean[j]) / scale[j]). A column with scale 0
 * gets NaN. Returns ST_OK, ST_ERR_NOMEM, or ST_ERR_NUMERIC when H is singular. */
st_status st__lr_standard_errors(const st__lr_problem *pb, double b0, const double *b,
                                 const double *mean, const double *scale, double total,
                                 double *se);

/* The same from h, the Hessian of F at (b0, b) already formed (st__lr_newton_h). */
st_status st__lr_standard_errors_h(const st__lr_problem *pb, const double *h,
                                   const double *mean, const double *scale, double total,
                                   double *se);

/* Damped exact Newton for l1 = 0 (see logreg_newton.c). b0 and b hold a starting point on
 * entry and the solution on return. */
st_status st__lr_newton(const st__lr_problem *pb, double *b0, double *b, double tol,
                        int max_iter, st__lr_info *info, st_error *err);

/* st__lr_newton that also hands back the Hessian of the smooth part at the returned
 * point, (p + 1) x (p + 1) as st__lr_hessian forms it, into h_final when it has formed
 * it there (then *have_h_final = 1; otherwise 0): the standard errors need exactly that
 * matrix, and the last Newton iteration (the one whose decrement says "converged") has
 * just formed it. h_final NULL: as st__lr_newton. */
st_status st__lr_newton_h(const st__lr_problem *pb, double *b0, double *b, double tol,
                          int max_iter, double *h_final, int *have_h_final,
                          st__lr_info *info, st_error *err);

/* Coordinate descent on proximal Newton steps, any l1, l2 (see logreg_cd.c; at most
 * ST__LR_CD_GRAM_MAX_COLS columns: st__lr_cd_gram). Same contract as st__lr_newton. */
st_status st__lr_cd(const st__lr_problem *pb, double *b0, double *b, double tol, int max_iter,
                    st__lr_info *info, st_error *err);

/* The coordinate-descent solver with its quadratic models held as Gram matrices of the
 * working set (see logreg_cd_gram.c), for p <= ST__LR_CD_GRAM_MAX_COLS; st__lr_cd calls
 * it there. Same contract as st__lr_cd. */
#define ST__LR_CD_GRAM_MAX_COLS 512
st_status st__lr_cd_gram(const st__lr_problem *pb, double *b0, double *b, double tol,
                         int max_iter, st__lr_info *info, st_error *err);

/* The same solver's buffers, kept between fits on one design (a lambda path): its
 * working set carries over, and the margins, probabilities and loss at the returned
 * coefficients are reused when the next fit starts from them. */
typedef struct st__lr_cd_work st__lr_cd_work;

/* Buffers for fits on pb (borrowed: it must outlive them; its l1 and l2 may change
 * between fits). NULL when out of memory; pb->p <= ST__LR_CD_GRAM_MAX_COLS. */
st__lr_cd_work *st__lr_cd_work_new(const st__lr_problem *pb);
void st__lr_cd_work_free(st__lr_cd_work *w);

/* st__lr_cd_gram with buffers w. Fits after the first must start from the (b0, b) the
 * previous one returned (pb may differ in l1 and l2 only). */
st_status st__lr_cd_gram_warm(const st__lr_problem *pb, st__lr_cd_work *w, double *b0,
                              double *b, double tol, int max_iter, st__lr_info *info,
                              st_error *err);

#endif
