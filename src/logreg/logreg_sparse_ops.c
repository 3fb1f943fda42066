/* The operations of the sparse design (logreg_sparse.h), with standardisation folded in:
 * for x_std = (x - mu) / s,
 *     X_std b        = sum_k (b_k / s_k) x_k  -  sum_k b_k mu_k / s_k      (a constant)
 *     X_std^T v      = (X^T v - mu sum v) / s
 *     X_std^T V X_std = (X^T V X - mu (X^T V 1)^T - (X^T V 1) mu^T + mu mu^T 1^T V 1) / s s^T
 * so each costs a pass over the stored entries.
 *
 * Threads: X b gives each thread a block of rows and adds each row's terms in column
 * order; the column-wise reductions give each column to one thread. Every sum is formed in
 * a fixed order: nothing depends on the number of threads. */
#include "logreg_sparse.h"

#include <math.h>
#include <omp.h>
#include <string.h>

/* sum_e vals_e v[rows_e] over a column's entries. */
static double col_dot(const st__lr_scol *col, const double *v)
{
    double s = 0;
    if (col->rows == NULL) {
#pragma omp simd reduction(+ : s)
        for (size_t i = 0; i < col->nnz; i++)
            s += col->vals[i] * v[i];
    } else if (col->vals == NULL) {
        for (size_t e = 0; e < col->nnz; e++)
            s += v[col->rows[e]];
    } else {
        for (size_t e = 0; e < col->nnz; e++)
            s += col->vals[e] * v[col->rows[e]];
    }
    return s;
}

/* Columns per grab of the column-wise loops: about 64 grabs a thread. A code's one-hot
 * columns cost their rows and a number's column all n, and the numbers sit together (in
 * the file's order), so grabs of 64 columns left one thread all the numbers of a
 * 248-column design; p / 128 still keeps a 1,000,000-column table's grabs few. */
static long chunk_of(long p, int n_threads)
{
    const long c = p / (64L * (n_threads > 0 ? n_threads : 1));
    return c > 1 ? c : 1;
}

/* Rows [i0, i1) of X_std b: each row's value a, then its terms in column order, as on one
 * thread; a sparse column's entries in the range found by bisection (its rows ascend). */
static void margins_rows(const st__lr_sparse *sp, double a, const double *b, double *eta,
                         size_t i0, size_t i1)
{
    for (size_t i = i0; i < i1; i++)
        eta[i] = a;
    for (size_t k = 0; k < sp->p; k++) {
        const st__lr_scol *col = &sp->cols[k];
        if (b[k] == 0 || !(col->s > 0))
            continue;
        const double beta = b[k] / col->s;
        if (col->rows == NULL) {
            for (size_t i = i0; i < i1; i++)
                eta[i] += beta * col->vals[i];
            continue;
        }
        size_t lo = 0, hi = col->nnz; /* the first entry of row i0 or later */
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (col->rows[mid] < i0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (col->vals == NULL)
            for (size_t e = lo; e < col->nnz && col->rows[e] < i1; e++)
                eta[col->rows[e]] += beta;
        else
            for (size_t e = lo; e < col->nnz && col->rows[e] < i1; e++)
                eta[col->rows[e]] += beta * col->vals[e];
    }
}

void st__lr_sp_margins(const st__lr_sparse *sp, double b0, const double *b, double *eta,
                       int n_threads)
{
    double a = b0;
    for (size_t k = 0; k < sp->p; k++)
        if (b[k] != 0 && sp->cols[k].s > 0)
            a -= b[k] * sp->cols[k].mu / sp->cols[k].s;
    if (n_threads <= 1 || sp->nnz <= 65536) { /* no OpenMP region for one thread */
        margins_rows(sp, a, b, eta, 0, sp->n);
        return;
    }
#pragma omp parallel num_threads(n_threads)
    {
        const size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        margins_rows(sp, a, b, eta, sp->n * t / nt, sp->n * (t + 1) / nt);
    }
}

void st__lr_sp_xt(const st__lr_sparse *sp, const double *v, double sum_v, double *out,
                  int n_threads)
{
    const long p = (long)sp->p;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, chunk_of(p, n_threads)) \
    if (sp->nnz > 65536)
    for (long k = 0; k < p; k++) {
        const st__lr_scol *col = &sp->cols[k];
        out[k] = col->s > 0 ? (col_dot(col, v) - col->mu * sum_v) / col->s : 0;
    }
}

void st__lr_sp_moments(const st__lr_sparse *sp, const double *v, double *xv1, double *xv2,
                       int n_threads)
{
    const long p = (long)sp->p;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, chunk_of(p, n_threads)) \
    if (sp->nnz > 65536)
    for (long k = 0; k < p; k++) {
        const st__lr_scol *col = &sp->cols[k];
        double s1 = 0, s2 = 0;
        if (col->rows == NULL) {
            for (size_t i = 0; i < col->nnz; i++) {
                double xv = col->vals[i] * v[i];
                s1 += xv;
                s2 += xv * col->vals[i];
            }
        } else if (col->vals == NULL) {
            for (size_t e = 0; e < col->nnz; e++)
                s1 += v[col->rows[e]];
            s2 = s1;
        } else {
            for (size_t e = 0; e < col->nnz; e++) {
                double xv = col->vals[e] * v[col->rows[e]];
                s1 += xv;
                s2 += xv * col->vals[e];
            }
        }
        xv1[k] = s1, xv2[k] = s2;
    }
}

void st__lr_sp_hessian(const st__lr_problem *pb, const st__lr_sparse *sp, const double *prob,
                       double *h, double *work)
{
    const size_t n = sp->n, p = sp->p, m = p + 1;
    double sv = 0;
    for (size_t i = 0; i < n; i++) {
        work[i] = pb->c[i] * prob[i] * (1 - prob[i]);
        sv += work[i];
    }
    /* raw sums first: h[0][k] = sum v x_k, h[k][l] = sum v x_k x_l, by scattering column
     * k's weighted values into a dense row vector (zero elsewhere) and dotting every later
     * column with it: a sparse column through its entries; a dense one, when column k is
     * sparse, through k's entries only (a one-hot column against the numbers costs its
     * rows, not n: most of the cost of a code of a few hundred levels beside a few dozen
     * numbers) */
    double *wk = work + n; /* the caller's work has 2 n doubles */
    h[0] = sv;
    for (size_t k = 0; k < p; k++)
        h[1 + k] = h[(1 + k) * m] = col_dot(&sp->cols[k], work);
    memset(wk, 0, n * sizeof *wk);
    for (size_t k = 0; k < p; k++) {
        const st__lr_scol *ck = &sp->cols[k];
        for (size_t e = 0; e < ck->nnz; e++) {
            size_t i = ck->rows != NULL ? ck->rows[e] : e;
            wk[i] = work[i] * (ck->vals != NULL ? ck->vals[e] : 1.0);
        }
        for (size_t l = k; l < p; l++) {
            const st__lr_scol *cl = &sp->cols[l];
            double v = 0;
            if (ck->rows == NULL || cl->rows != NULL) {
                v = col_dot(cl, wk);
            } else {
                for (size_t e = 0; e < ck->nnz; e++)
                    v += wk[ck->rows[e]] * cl->vals[ck->rows[e]];
            }
            h[(1 + l) * m + 1 + k] = v;
        }
        if (ck->rows == NULL) /* back to zeros */
            memset(wk, 0, n * sizeof *wk);
        else
            for (size_t e = 0; e < ck->nnz; e++)
                wk[ck->rows[e]] = 0;
    }
    /* then centred and scaled: (H_kl - mu_k a_l - mu_l a_k + mu_k mu_l sv) / (s_k s_l) */
    for (size_t k = 0; k < p; k++) {
        const st__lr_scol *ck = &sp->cols[k];
        for (size_t l = k; l < p; l++) {
            const st__lr_scol *cl = &sp->cols[l];
            double v = 0;
            if (ck->s > 0 && cl->s > 0)
                v = (h[(1 + l) * m + 1 + k] - ck->mu * h[1 + l] - cl->mu * h[1 + k] +
                     ck->mu * cl->mu * sv) / (ck->s * cl->s);
            h[(1 + l) * m + 1 + k] = h[(1 + k) * m + 1 + l] = v;
        }
    }
    for (size_t k = 0; k < p; k++) {
        const st__lr_scol *ck = &sp->cols[k];
        double a = ck->s > 0 ? (h[1 + k] - ck->mu * sv) / ck->s : 0;
        h[1 + k] = h[(1 + k) * m] = a;
        h[(1 + k) * m + 1 + k] += pb->l2;
    }
}

double st__lr_sp_duality_gap(const st__lr_problem *pb, const st__lr_sparse *sp, const double *prob,
                          double f, double *work, double *work_p)
{
    if (pb->l1 <= 0 && pb->l2 <= 0)
        return INFINITY;
    double ybar, pbar;
    st__lr_dual_point(pb, prob, work, &ybar, &pbar);
    st__lr_sp_xt(sp, work, st__lr_sum(pb, work), work_p, pb->n_threads);
    return st__lr_gap_from_xt(pb, prob, f, ybar, pbar, work_p);
}

/* The three gathers of one column in one read of its entries (st__lr_sp_sweep). Each sum
 * is formed as col_dot and st__lr_sp_moments form it, in the same order. */
static void col_sweep(const st__lr_scol *col, const double *u, const double *t,
                      const double *v, double *su, double *st, double *s1, double *s2)
{
    double a = 0, b = 0, c = 0, d = 0;
    if (col->rows == NULL) { /* dense: col_dot's vector order, and the moments' loop */
        a = col_dot(col, u), b = col_dot(col, t);
        for (size_t i = 0; i < col->nnz; i++) {
            const double xv = col->vals[i] * v[i];
            c += xv;
            d += xv * col->vals[i];
        }
    } else if (col->vals == NULL) {
        for (size_t e = 0; e < col->nnz; e++) {
            const uint32_t i = col->rows[e];
            a += u[i], b += t[i], c += v[i];
        }
        d = c;
    } else {
        for (size_t e = 0; e < col->nnz; e++) {
            const uint32_t i = col->rows[e];
            const double x = col->vals[e], xv = x * v[i];
            a += x * u[i], b += x * t[i], c += xv, d += xv * x;
        }
    }
    *su = a, *st = b, *s1 = c, *s2 = d;
}

void st__lr_sp_sweep(const st__lr_sparse *sp, const double *u, double sum_u, const double *t,
                     double sum_t, const double *v, double *out_u, double *out_t,
                     double *xv1, double *xv2, int n_threads)
{
    const long p = (long)sp->p;
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, chunk_of(p, n_threads)) \
    if (sp->nnz > 65536)
    for (long k = 0; k < p; k++) {
        const st__lr_scol *col = &sp->cols[k];
        double su, st, s1, s2;
        col_sweep(col, u, t, v, &su, &st, &s1, &s2);
        out_u[k] = col->s > 0 ? (su - col->mu * sum_u) / col->s : 0;
        out_t[k] = col->s > 0 ? (st - col->mu * sum_t) / col->s : 0;
        xv1[k] = s1, xv2[k] = s2;
    }
}
