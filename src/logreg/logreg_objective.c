/* The weighted logistic loss and its derivatives over a dense design, the duality gap that
 * tells the solvers when to stop, and the matrix-vector kernels they share.
 *
 * The loss is computed as liblinear does, without overflow for any margin:
 * logloss(y, eta) = log(1 + exp(-m)) with m = +-eta, written max(-m, 0) + log1p(exp(-|m|)).
 *
 * Threads: every loop over rows runs on fixed blocks of ST__LR_BLOCK rows and every sum
 * over rows is formed per block and added in block order; loops over columns give each
 * column to one thread. No result depends on the number of threads. (The `omp simd`
 * reductions reorder a sum in a way fixed when the library is compiled, the same on
 * every thread.) Problems of one block
 * run on the calling thread alone: there, waking a team costs more than the work. */
#include "logreg_solver.h"

#include <math.h>

#include "core/alloc.h"
#include "core/vector_clones.h"

static size_t n_blocks(size_t n) { return (n + ST__LR_BLOCK - 1) / ST__LR_BLOCK; }

static size_t block_end(size_t lo, size_t n)
{
    return lo + ST__LR_BLOCK < n ? lo + ST__LR_BLOCK : n;
}

size_t st__lr_partial_size(size_t n) { return n_blocks(n) > 0 ? n_blocks(n) : 1; }

/* Whether a kernel's nb blocks are shared in a parallel region: only with threads to share
 * them and more than min blocks. Otherwise the kernel is a plain loop: even a region of one
 * thread ends in a system call (libgomp wakes its barrier), and a fit on a few thousand
 * rows calls these kernels tens of thousands of times. The blocks and the order of their
 * sums are the same either way. */
static int parallel_blocks(const st__lr_problem *pb, long nb, long min)
{
    return pb->n_threads > 1 && nb > min;
}

void st__lr_progress(const st__lr_problem *pb, int it, int max_iter)
{
    if (pb->progress == NULL)
        return;
    st_logreg_progress p = pb->at;
    p.iteration = it;
    p.max_iter = max_iter;
    pb->progress(&p, pb->progress_data);
}

static double logloss(double y, double eta)
{
    double m = y > 0.5 ? eta : -eta;
    return (m >= 0 ? 0.0 : -m) + log1p(exp(-fabs(m)));
}

/* logloss(y, eta), and P(y = 1) at eta into *prob, from one exponential. */
static double loss_and_prob(double y, double eta, double *prob)
{
    double e = exp(-fabs(eta));
    *prob = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    double m = y > 0.5 ? eta : -eta;
    return (m >= 0 ? 0.0 : -m) + log1p(e);
}

/* s log s + (1 - s) log(1 - s), the negative binary entropy, with 0 log 0 = 0. */
static double neg_entropy(double s)
{
    double a = s > 0 ? s * log(s) : 0.0;
    double b = s < 1 ? (1 - s) * log1p(-s) : 0.0;
    return a + b;
}

static double sum_partials(const st__lr_problem *pb)
{
    double s = 0;
    for (size_t k = 0; k < n_blocks(pb->n); k++)
        s += pb->partial[k];
    return s;
}

static void sum_block(const st__lr_problem *pb, const double *v, long k)
{
    size_t lo = (size_t)k * ST__LR_BLOCK, hi = block_end(lo, pb->n);
    double s = 0;
    for (size_t i = lo; i < hi; i++)
        s += v[i];
    pb->partial[k] = s;
}

double st__lr_sum(const st__lr_problem *pb, const double *v)
{
    const long nb = (long)n_blocks(pb->n);
    if (parallel_blocks(pb, nb, 1)) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < nb; k++)
            sum_block(pb, v, k);
    } else {
        for (long k = 0; k < nb; k++)
            sum_block(pb, v, k);
    }
    return sum_partials(pb);
}

/* y += a x over n values. */
ST__VECTOR_CLONES
static void axpy(double a, const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

/* out[q] = x_q . v for four columns at once, so that each load of v serves four. */
ST__VECTOR_CLONES
static void dot4(const double *x0, const double *x1, const double *x2, const double *x3,
                 const double *v, size_t n, double *out)
{
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#pragma omp simd reduction(+ : a0, a1, a2, a3)
    for (size_t i = 0; i < n; i++) {
        a0 += x0[i] * v[i];
        a1 += x1[i] * v[i];
        a2 += x2[i] * v[i];
        a3 += x3[i] * v[i];
    }
    out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3;
}

static void margins_block(const st__lr_problem *pb, double b0, const double *b, double *eta,
                          long k)
{
    const size_t n = pb->n, lo = (size_t)k * ST__LR_BLOCK, hi = block_end(lo, n);
    for (size_t i = lo; i < hi; i++)
        eta[i] = b0;
    for (size_t j = 0; j < pb->p; j++) {
        if (b[j] == 0)
            continue;
        axpy(b[j], pb->x + j * n + lo, eta + lo, hi - lo);
    }
}

void st__lr_margins(const st__lr_problem *pb, double b0, const double *b, double *eta)
{
    const long nb = (long)n_blocks(pb->n);
    if (parallel_blocks(pb, nb, 1)) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < nb; k++)
            margins_block(pb, b0, b, eta, k);
    } else {
        for (long k = 0; k < nb; k++)
            margins_block(pb, b0, b, eta, k);
    }
}

static void loss_block(const st__lr_problem *pb, const double *eta, const double *deta,
                       double t, double *prob, long k)
{
    size_t lo = (size_t)k * ST__LR_BLOCK, hi = block_end(lo, pb->n);
    double s = 0;
    for (size_t i = lo; i < hi; i++) {
        double e = deta != NULL ? eta[i] + t * deta[i] : eta[i];
        if (prob != NULL) {
            double l = loss_and_prob(pb->y[i], e, &prob[i]);
            if (pb->c[i] != 0)
                s += pb->c[i] * l;
        } else if (pb->c[i] != 0) {
            s += pb->c[i] * logloss(pb->y[i], e);
        }
    }
    pb->partial[k] = s;
}

double st__lr_loss(const st__lr_problem *pb, const double *eta, const double *deta, double t,
                   double *prob)
{
    const long nb = (long)n_blocks(pb->n);
    if (parallel_blocks(pb, nb, 1)) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < nb; k++)
            loss_block(pb, eta, deta, t, prob, k);
    } else {
        for (long k = 0; k < nb; k++)
            loss_block(pb, eta, deta, t, prob, k);
    }
    return sum_partials(pb);
}

double st__lr_penalty(const st__lr_problem *pb, const double *b)
{
    double a1 = 0, a2 = 0;
    for (size_t j = 0; j < pb->p; j++) {
        a1 += fabs(b[j]);
        a2 += b[j] * b[j];
    }
    return pb->l1 * a1 + 0.5 * pb->l2 * a2;
}

/* out[j] = x_j . v for the four columns of group k (a short last group repeats its first
 * column). */
static void xt_group(const st__lr_problem *pb, const double *v, double *out, long k)
{
    const size_t n = pb->n, p = pb->p, j = (size_t)k * 4;
    const double *x[4];
    for (size_t q = 0; q < 4; q++)
        x[q] = pb->x + (j + q < p ? j + q : j) * n;
    double s[4];
    dot4(x[0], x[1], x[2], x[3], v, n, s);
    for (size_t q = 0; q < 4 && j + q < p; q++)
        out[j + q] = s[q];
}

void st__lr_xt(const st__lr_problem *pb, const double *v, double *out)
{
    const long groups = (long)((pb->p + 3) / 4);
    if (pb->n_threads > 1 && pb->n > ST__LR_BLOCK && groups > 1) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < groups; k++)
            xt_group(pb, v, out, k);
    } else {
        for (long k = 0; k < groups; k++)
            xt_group(pb, v, out, k);
    }
}

/* Rows per block of st__lr_full_step: a block of every column stays in cache between
 * forming X d and X^T r on it. */
#define STEP_ROWS 2048

size_t st__lr_full_step_parts(size_t n, size_t p)
{
    return ((n + STEP_ROWS - 1) / STEP_ROWS + 1) * (p + 2);
}

/* Block k (STEP_ROWS rows) of st__lr_full_step: its X d, probabilities, residuals, and its
 * sums (loss, sum of r, X^T r) into part. */
static void full_step_block(const st__lr_problem *pb, const double *eta, double d0,
                            const double *d, double *deta, double *prob, double *r,
                            double *part, long k)
{
    const size_t n = pb->n, p = pb->p;
    size_t lo = (size_t)k * STEP_ROWS, hi = lo + STEP_ROWS < n ? lo + STEP_ROWS : n;
    for (size_t i = lo; i < hi; i++)
        deta[i] = d0;
    for (size_t j = 0; j < p; j++)
        if (d[j] != 0)
            axpy(d[j], pb->x + j * n + lo, deta + lo, hi - lo);
    double loss = 0, s0 = 0;
    for (size_t i = lo; i < hi; i++) {
        double l = loss_and_prob(pb->y[i], eta[i] + deta[i], &prob[i]);
        if (pb->c[i] != 0)
            loss += pb->c[i] * l;
        r[i] = pb->c[i] * (pb->y[i] - prob[i]);
        s0 += r[i];
    }
    part[0] = loss, part[1] = s0;
    for (size_t j = 0; j < p; j += 4) {
        const double *x[4];
        for (size_t q = 0; q < 4; q++)
            x[q] = pb->x + (j + q < p ? j + q : j) * n + lo;
        double s[4];
        dot4(x[0], x[1], x[2], x[3], r + lo, hi - lo, s);
        for (size_t q = 0; q < 4 && j + q < p; q++)
            part[2 + j + q] = s[q];
    }
}

double st__lr_full_step(const st__lr_problem *pb, const double *eta, double d0,
                        const double *d, double *deta, double *prob, double *r, double *g0,
                        double *grad, double *parts)
{
    const size_t n = pb->n, p = pb->p, w = p + 2;
    const long nb = (long)((n + STEP_ROWS - 1) / STEP_ROWS);
    if (parallel_blocks(pb, nb, 2)) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < nb; k++)
            full_step_block(pb, eta, d0, d, deta, prob, r, parts + (size_t)k * w, k);
    } else {
        for (long k = 0; k < nb; k++)
            full_step_block(pb, eta, d0, d, deta, prob, r, parts + (size_t)k * w, k);
    }
    double loss = 0, s0 = 0;
    for (size_t j = 0; j < p; j++)
        grad[j] = 0;
    for (long k = 0; k < nb; k++) { /* in block order */
        const double *part = parts + (size_t)k * w;
        loss += part[0], s0 += part[1];
        for (size_t j = 0; j < p; j++)
            grad[j] += part[2 + j];
    }
    *g0 = s0;
    return loss;
}

void st__lr_gradient(const st__lr_problem *pb, const double *prob, const double *b, double *g,
                     double *work)
{
    for (size_t i = 0; i < pb->n; i++)
        work[i] = pb->c[i] * (prob[i] - pb->y[i]);
    g[0] = st__lr_sum(pb, work);
    st__lr_xt(pb, work, g + 1);
    for (size_t j = 0; j < pb->p; j++)
        g[1 + j] += pb->l2 * b[j];
}

void st__lr_hessvec(const st__lr_problem *pb, const double *prob, const double *s, double *out,
                    double *work)
{
    st__lr_margins(pb, s[0], s + 1, work); /* work = [1 X] s */
    for (size_t i = 0; i < pb->n; i++)
        work[i] *= pb->c[i] * prob[i] * (1 - prob[i]);
    out[0] = st__lr_sum(pb, work);
    st__lr_xt(pb, work, out + 1);
    for (size_t j = 0; j < pb->p; j++)
        out[1 + j] += pb->l2 * s[1 + j];
}

int st__lr_hessian(const st__lr_problem *pb, const double *prob, double *h, double *work)
{
    return st__lr_hessian_sub(pb, prob, 1, h, work);
}

int st__lr_hessian_sub(const st__lr_problem *pb, const double *prob, size_t every, double *h,
                       double *work)
{
    const size_t n = pb->n, p = pb->p, m = p + 1;
    size_t *cols = st__malloc_array(m, sizeof *cols);
    double *scratch = st__malloc_array(st__lr_gram_scratch_size(m), sizeof *scratch);
    if (cols == NULL || scratch == NULL) {
        st__free(cols), st__free(scratch);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        work[i] = pb->c[i] * prob[i] * (1 - prob[i]);
    for (size_t j = 0; j < p; j++)
        cols[j] = j;
    double f = st__lr_gram_sub(pb, work, cols, p, every, h, scratch);
    if (f != 1.0)
        for (size_t k = 0; k < m * m; k++)
            h[k] *= f;
    for (size_t j = 1; j < m; j++)
        h[j * m + j] += pb->l2;
    st__free(cols), st__free(scratch);
    return 0;
}

/* Fenchel duality: logloss(y, eta) >= (s - y) eta - neg_entropy(s) for any s in [0,1], so
 * with theta_i = c_i (s_i - y_i), sum_i theta_i = 0 (the free intercept) and g the penalty,
 *     D(theta) = -sum_i c_i neg_entropy(s_i) - g*(-X^T theta) <= F(b0, b)   for all b0, b.
 * s starts at the fitted probabilities (the optimal dual point at the optimum), rescaled
 * toward 0 or 1 so that sum_i c_i s_i equals the weighted label mean; for the pure lasso
 * (l2 = 0, g* an indicator) theta is shrunk toward 0 until |X^T theta| <= l1. */
void st__lr_dual_point(const st__lr_problem *pb, const double *prob, double *theta,
                       double *ybar_out, double *pbar_out)
{
    const size_t n = pb->n;
    for (size_t i = 0; i < n; i++)
        theta[i] = pb->c[i] * pb->y[i];
    double ybar = st__lr_sum(pb, theta);
    for (size_t i = 0; i < n; i++)
        theta[i] = pb->c[i] * prob[i];
    double pbar = st__lr_sum(pb, theta);
    double lo_scale = pbar > ybar ? ybar / pbar : 1.0;
    double hi_scale = pbar < ybar ? (1 - ybar) / (1 - pbar) : 1.0;
    for (size_t i = 0; i < n; i++) {
        double s = pbar > ybar ? prob[i] * lo_scale : 1 - (1 - prob[i]) * hi_scale;
        theta[i] = pb->c[i] * (s - pb->y[i]);
    }
    *ybar_out = ybar;
    *pbar_out = pbar;
}

double st__lr_duality_gap(const st__lr_problem *pb, const double *prob, double f,
                          double *work, double *work_p)
{
    if (pb->l1 <= 0 && pb->l2 <= 0)
        return INFINITY;
    double ybar, pbar;
    st__lr_dual_point(pb, prob, work, &ybar, &pbar);
    st__lr_xt(pb, work, work_p);
    return st__lr_gap_from_xt(pb, prob, f, ybar, pbar, work_p);
}

/* Block k of the dual's entropy term (st__lr_gap_from_xt) into pb->partial[k]. */
static void entropy_block(const st__lr_problem *pb, const double *prob, int down, double scale,
                          double t, long k)
{
    size_t lo = (size_t)k * ST__LR_BLOCK, hi = block_end(lo, pb->n);
    double acc = 0;
    for (size_t i = lo; i < hi; i++) {
        if (pb->c[i] == 0)
            continue;
        /* the dual point s_i, scaled toward y_i by t */
        double s0 = down ? prob[i] * scale : 1 - (1 - prob[i]) * scale;
        double s = pb->y[i] + t * (s0 - pb->y[i]);
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        acc += pb->c[i] * neg_entropy(s);
    }
    pb->partial[k] = acc;
}

double st__lr_gap_from_xt(const st__lr_problem *pb, const double *prob, double f, double ybar,
                          double pbar, const double *xt_theta)
{
    if (pb->l1 <= 0 && pb->l2 <= 0)
        return INFINITY;
    double t = 1, gstar = 0;
    if (pb->l2 > 0) {
        for (size_t j = 0; j < pb->p; j++) {
            double e = fabs(xt_theta[j]) - pb->l1;
            if (e > 0)
                gstar += e * e;
        }
        gstar /= 2 * pb->l2;
    } else {
        double vmax = 0;
        for (size_t j = 0; j < pb->p; j++)
            vmax = fmax(vmax, fabs(xt_theta[j]));
        if (vmax > pb->l1)
            t = pb->l1 / vmax;
    }
    const int down = pbar > ybar;
    const double scale = down ? ybar / pbar : pbar < ybar ? (1 - ybar) / (1 - pbar) : 1.0;
    const long nb = (long)n_blocks(pb->n);
    if (parallel_blocks(pb, nb, 1)) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(static)
        for (long k = 0; k < nb; k++)
            entropy_block(pb, prob, down, scale, t, k);
    } else {
        for (long k = 0; k < nb; k++)
            entropy_block(pb, prob, down, scale, t, k);
    }
    double d = -sum_partials(pb) - gstar;
    double gap = f - d;
    return gap > 0 ? gap : 0;
}

int st__lr_separated(const st__lr_problem *pb, const double *eta)
{
    for (size_t i = 0; i < pb->n; i++) {
        if (pb->c[i] == 0)
            continue;
        if ((pb->y[i] > 0.5) != (eta[i] > 0) || eta[i] == 0)
            return 0;
    }
    return 1;
}
