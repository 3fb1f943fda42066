/* Gradient-boosted trees: the binary log loss objective (LightGBM
 * src/objective/binary_objective.hpp; Friedman, "Greedy function approximation", 2001).
 * For a raw score F and label y in {0, 1}, with p = 1 / (1 + e^-F):
 *     loss = -w (y log p + (1 - y) log(1 - p)),  dloss/dF = w (p - y),  d2loss/dF2 = w p (1 - p).
 * The initial score is the constant minimising the weighted loss: log(p / (1 - p)) with p
 * the weighted positive rate (LightGBM BoostFromScore), here log(W+ / W-) with the
 * weight sums W+, W- of each class in fixed point (gbdt_fixed.c) and summed across
 * processes, so that it does not depend on how the rows are split. */
#include "gbdt_train_core.h"

#include <float.h>
#include <limits.h>
#include <math.h>

#include "core/error.h"
#include "core/parallel.h"

/* One row's gradient and Hessian; the same expression wherever they are needed, so that
 * recomputing them gives the same bits. */
static inline void grad_at(double score, float y, double wi, double *g, double *h)
{
    const double p = 1 / (1 + exp(-score));
    *g = wi * (p - (double)y);
    *h = wi * (p * (1 - p));
}

void st__gbdt_logloss_grad(const double *score, const float *y, const double *w, size_t n,
                           double *g, double *h, int nt)
{
    const long nn = (long)n;
#pragma omp parallel for num_threads(nt) schedule(static) if (n >= 16384 && nt > 1)
    for (long i = 0; i < nn; i++)
        grad_at(score[i], y[i], w != NULL ? w[i] : 1, &g[i], &h[i]);
}

/* Below this many rows the gradients are computed on one thread; above, in blocks of
 * GRAD_BLOCK rows. */
#define GRAD_PARALLEL_MIN 32768
#define GRAD_BLOCK 4096

/* Rows [i0, i1) of st__gbdt_logloss_fixed: their gradients in fixed point into gh.
 * Returns the first row whose gradient is not finite (its pair is set to 0, since a NaN
 * must not reach the conversion to an integer), or LONG_MAX when there is none. */
static long fixed_rows(const double *score, const float *y, const st__gbdt_row_weights *w,
                       double mult_g, double mult_h, st__gbdt_gh *gh, long i0, long i1)
{
    long first_bad = LONG_MAX;
    for (long i = i0; i < i1; i++) {
        double g, h;
        grad_at(score[i], y[i], st__gbdt_row_weight(w, y, (size_t)i), &g, &h);
        const int row_bad = !(fabs(g) <= DBL_MAX) | !(h <= DBL_MAX);
        if (row_bad && first_bad == LONG_MAX)
            first_bad = i;
        gh[i].g = row_bad ? 0 : st__gbdt_to_fixed_mult(g, mult_g);
        gh[i].h = row_bad ? 0 : st__gbdt_to_fixed_mult(h, mult_h);
    }
    return first_bad;
}

/* Why one pass: the scales need only a bound on the magnitudes, and the log loss has one
 * known before computing anything: |g| = w |p - y| <= w and h = w p (1 - p) <= w / 4, so
 * with the largest row weight w_max (over all processes) the scales are fixed up front
 * and each row's gradient is computed once, straight into fixed point. (A first pass for
 * the exact maxima cost as much again, about 5% of the training time, and bought at most
 * one bit of a precision of about 2^-42.) */
st_status st__gbdt_logloss_fixed(st__gbdt_grower *gr, const double *score, const float *y,
                                 const st__gbdt_row_weights *w, double w_max, st_error *err)
{
    const size_t n = gr->bins->n_rows;
    const long nn = (long)n;
    const int nt = gr->n_threads;
    gr->scale_g = st__gbdt_fixed_scale(w_max, gr->n_rows_global);
    /* (with 16-byte histogram cells, the Hessians leave the row count its bits) */
    gr->count_bits = gr->narrow_bits;
    gr->scale_h = st__gbdt_fixed_scale_counted(0.25 * w_max, gr->n_rows_global, gr->count_bits);
    if (gr->scale_h == INT_MIN) { /* (a weight beyond 2^900: wide cells for this tree) */
        gr->count_bits = 0;
        gr->scale_h = st__gbdt_fixed_scale(0.25 * w_max, gr->n_rows_global);
    }
    const double mult_g = ldexp(1, gr->scale_g), mult_h = ldexp(1, gr->scale_h);
    st__gbdt_gh *gh = gr->gh;
    long first_bad = nn; /* the first row whose gradient is not a number (its score is not) */
    const long nb = (nn + GRAD_BLOCK - 1) / GRAD_BLOCK;
    if (nt > 1 && n >= GRAD_PARALLEL_MIN) {
#pragma omp parallel for num_threads(nt) schedule(static) reduction(min : first_bad)
        for (long k = 0; k < nb; k++) {
            const long bad = fixed_rows(score, y, w, mult_g, mult_h, gh, k * GRAD_BLOCK,
                                        k + 1 < nb ? (k + 1) * GRAD_BLOCK : nn);
            first_bad = bad < first_bad ? bad : first_bad;
        }
    } else { /* (no parallel region: even one of one thread ends in a system call) */
        first_bad = fixed_rows(score, y, w, mult_g, mult_h, gh, 0, nn);
    }
    if (first_bad < nn)
        return st__fail(err, ST_ERR_NUMERIC, "the gradient of local row %ld is not finite (its "
                        "score is %g); expected finite leaf values: raise lambda_l2 or "
                        "min_sum_hessian_in_leaf, or lower learning_rate", first_bad + 1,
                        score[first_bad]);
    return ST_OK;
}

st_status st__gbdt_init_score(const float *y, const st__gbdt_row_weights *w, size_t n,
                              uint64_t n_global, const st__gbdt_reducer *red, double *out,
                              double *w_max, st_error *err)
{
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        const double wi = st__gbdt_row_weight(w, y, i);
        max = wi > max ? wi : max;
    }
    st_status rc = st__gbdt_reduce_max(red, &max, 1, err);
    if (rc != ST_OK)
        return rc;
    *w_max = max;
    const int s = st__gbdt_fixed_scale(max, n_global);
    int64_t sum[2] = {0, 0}; /* positive rows, all rows */
    for (size_t i = 0; i < n; i++) {
        const int64_t q = st__gbdt_to_fixed(st__gbdt_row_weight(w, y, i), s);
        sum[0] += y[i] != 0 ? q : 0;
        sum[1] += q;
    }
    if ((rc = st__gbdt_reduce_sum(red, sum, 2, err)) != ST_OK)
        return rc;
    *out = log((double)sum[0] / (double)(sum[1] - sum[0]));
    return ST_OK;
}
