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

#include "logreg_solver.h"

/* One column as the solver sees it. */
typedef struct st__lr_scol {
    size_t nnz;           /* entries; n for a dense column */
    const uint32_t *rows; /* ascending; NULL: a dense column, entry i is row i */
    const double *vals;   /* NULL: every entry is 1 (one-hot, indicator) */
    double mu, s;         /* x_std = (x - mu) / s; s = 0: a constant column, kept at 0.
                             A dense column is stored standardised already (mu 0, s 1) */
} st__lr_scol;

/* Owns rows and vals; cols point into them. */
typedef struct st__lr_sparse {
    size_t n, p, nnz; /* rows, columns, stored entries */
    st__lr_scol *cols;
    uint32_t *rows;
    double *vals;
} st__lr_sparse;

void st__lr_sparse_free(st__lr_sparse *sp);

/* eta_i = b0 + sum_k b_k x_std_ik: a pass over the entries of the columns with b_k != 0. */
void st__lr_sp_margins(const st__lr_sparse *sp, double b0, const double *b, double *eta);

/* out_k = sum_i x_std_ik v_i for every column (sum_v = sum_i v_i). Each column on one
 * thread, so nothing depends on the thread count. */
void st__lr_sp_xt(const st__lr_sparse *sp, const double *v, double sum_v, double *out,
                  int n_threads);

/* Per column, sum_i v_i x_ik and sum_i v_i x_ik^2 over the stored x (not standardised). */
void st__lr_sp_moments(const st__lr_sparse *sp, const double *v, double *xv1, double *xv2,
                       int n_threads);

/* The Hessian of the smooth part at probabilities prob, (p + 1) x (p + 1) column-major,
 * intercept first, on the solver's scale (with the ridge term pb->l2), as st__lr_hessian
 * forms it for a dense design: p passes over the entries, for narrow designs only
 * (standard errors). work has n doubles. */
void st__lr_sp_hessian(const st__lr_problem *pb, const st__lr_sparse *sp, const double *prob,
                       double *h, double *work);

/* Proximal Newton with coordinate descent over the sparse columns (logreg_sparse_cd.c):
 * the contract of st__lr_cd, for pb without a dense design (pb->x NULL; pb->p = sp->p). */
st_status st__lr_sparse_cd(const st__lr_problem *pb, const st__lr_sparse *sp, double *b0,
                           double *b, double tol, int max_iter, st__lr_info *info,
                           st_error *err);

#endif
