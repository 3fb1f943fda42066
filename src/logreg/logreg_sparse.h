/* Internal: the sparse design of a logistic regression and the solver over it.
 *
 * A design column is stored by its entries only: one-hot and missing-indicator columns as
 * the rows where they are 1, sparse numeric columns as their entries (a missing entry
 * holding the fill), dense numeric columns as all n values. Standardisation is implicit,
 * as in glmnet's sparse fits: the solver's column is x_std = (x - mu) / s, but only x is
 * stored, and every operation folds mu and s in (X_std^T v = (X^T v - mu sum v) / s, and
 * so on), so nothing is ever densified. Time and memory follow the entries. */
#ifndef STRATUM_LOGREG_SPARSE_H
#define STRATUM_LOGREG_SPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stratum/common.h>

#include "logreg_driver.h"
#include "logreg_solver.h"

/* One column as the solver sees it. */
typedef struct st__lr_scol {
    size_t nnz;           /* entries; n for a dense column */
    const uint32_t *rows; /* ascending; NULL: a dense column, entry i is row i */
    const double *vals;   /* NULL: every entry is 1 (one-hot, indicator) */
    double mu, s;         /* x_std = (x - mu) / s; s = 0: a constant column, kept at 0.
                             A dense column is stored standardised already (mu 0, s 1) */
} st__lr_scol;

/* Owns rows and vals; cols point into them, or, for a sparse feature of the dataset, at
 * the dataset's own entry rows (which outlive the design). */
typedef struct st__lr_sparse {
    size_t n, p, nnz; /* rows, columns, stored entries */
    st__lr_scol *cols;
    uint32_t *rows;
    double *vals;
} st__lr_sparse;

void st__lr_sparse_free(st__lr_sparse *sp);

/* eta_i = b0 + sum_k b_k x_std_ik: a pass over the entries of the columns with b_k != 0,
 * the rows in n_threads blocks, each row's terms added in column order: the same bits on
 * any thread count. */
void st__lr_sp_margins(const st__lr_sparse *sp, double b0, const double *b, double *eta,
                       int n_threads);

/* out_k = sum_i x_std_ik v_i for every column (sum_v = sum_i v_i). Each column on one
 * thread, so nothing depends on the thread count. */
void st__lr_sp_xt(const st__lr_sparse *sp, const double *v, double sum_v, double *out,
                  int n_threads);

/* Per column, sum_i v_i x_ik and sum_i v_i x_ik^2 over the stored x (not standardised). */
void st__lr_sp_moments(const st__lr_sparse *sp, const double *v, double *xv1, double *xv2,
                       int n_threads);

/* st__lr_sp_xt of u and of t, and st__lr_sp_moments of v, in one read of the entries:
 * the same bits as the three calls (each sum formed in the same order), a third of the
 * index traffic. */
void st__lr_sp_sweep(const st__lr_sparse *sp, const double *u, double sum_u, const double *t,
                     double sum_t, const double *v, double *out_u, double *out_t,
                     double *xv1, double *xv2, int n_threads);

/* The Hessian of the smooth part at probabilities prob, (p + 1) x (p + 1) column-major,
 * intercept first, on the solver's scale (with the ridge term pb->l2), as st__lr_hessian
 * forms it for a dense design: p passes over the entries, for narrow designs only
 * (standard errors). work has n doubles. */
void st__lr_sp_hessian(const st__lr_problem *pb, const st__lr_sparse *sp, const double *prob,
                       double *h, double *work);

/* st__lr_duality_gap over the sparse design: P - D >= 0 at probabilities prob, F = f;
 * work has n doubles, work_p p. */
double st__lr_sp_duality_gap(const st__lr_problem *pb, const st__lr_sparse *sp,
                             const double *prob, double f, double *work, double *work_p);

/* The sparse data form of the driver (logreg_sparse_data.c) over pb (n, y, c, l1, l2,
 * threads; x unused) and sp, both borrowed: they must outlive it. Every operation of
 * st__lr_data, a pass over the entries each. NULL when out of memory. */
typedef struct st__lr_sparse_form st__lr_sparse_form;
st__lr_sparse_form *st__lr_sparse_form_new(const st__lr_problem *pb, const st__lr_sparse *sp);
void st__lr_sparse_form_free(st__lr_sparse_form *fm);
st__lr_data st__lr_sparse_data(st__lr_sparse_form *fm);

/* The truncated-Newton step solver (logreg_sparse_tn.c), for l1 = 0 over any data form
 * with gradient, hessvec and hess_diag: (H + l2 I) s = -g solved by conjugate gradients
 * preconditioned by the diagonal (liblinear's Newton/TRON inner solve; Hessian-vector
 * products, never the Hessian), p + 1 unknowns. NULL when out of memory. */
typedef struct st__lr_tn_step st__lr_tn_step;
st__lr_tn_step *st__lr_tn_step_new(size_t p);
void st__lr_tn_step_free(st__lr_tn_step *tn);
st__lr_step st__lr_tn_step_solver(st__lr_tn_step *tn);

/* Fits pb (l1, l2) on sp from the start (*b0, b) with the solver logreg_sparse_fit.c
 * chooses; h_final, (p + 1)^2 doubles or NULL: as st__lr_newton_h (the Hessian at the
 * solution, *have_h_final = 1, when exact Newton ran and converged). Same contract as
 * st__lr_cd otherwise. */
st_status st__lr_sparse_fit(const st__lr_problem *pb, const st__lr_sparse *sp, double tol,
                            int max_iter, double *b0, double *b, double *h_final,
                            int *have_h_final, st__lr_info *info, st_error *err);

#endif
