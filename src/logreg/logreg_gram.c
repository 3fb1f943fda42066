/* The weighted Gram matrix [1 X_S]^T diag(v) [1 X_S] of a subset S of the design's
 * columns: the Hessian of the logistic loss restricted to S (with v_i = c_i p_i (1 - p_i)),
 * which the coordinate-descent solver's quadratic model needs.
 *
 * Why not BLAS dsyrk: measured against it (st__la_weighted_gram, src/linalg: dsyrk on
 * fixed blocks of weighted rows, on one OpenBLAS thread so that its bits do not depend on
 * a thread count), this kernel on 2 threads was faster at every width from 40 to 2,000
 * columns on 100,000 rows (bench/RESULTS.md, "BLAS and LAPACK against the hand-written
 * kernels"); the rows must also be weighted first, an n x |S| copy per call.
 *
 * Layout of the work: the rows are cut into GRAM_STRIPES fixed stripes (by n alone); each
 * stripe forms its own partial matrix, one chunk of GRAM_ROWS rows at a time, and the
 * partials are added in stripe order, so no result depends on the number of threads. A
 * stripe reads each design value once (a chunk of every column in S stays in cache),
 * and its inner kernel works on a tile of 4 x 2 entries, so that each value loaded
 * serves two to four products. */
#include "logreg_solver.h"

#include <string.h>

#include "core/vector_clones.h"

#define GRAM_ROWS 256
#define GRAM_STRIPES 16

size_t st__lr_gram_scratch_size(size_t m) { return GRAM_ROWS + GRAM_STRIPES * m * m; }

/* Column k of [1 X_S] on rows lo.. (k = 0: the ones). */
static const double *column(const st__lr_problem *pb, const size_t *cols, size_t k,
                            const double *ones, size_t lo)
{
    return k == 0 ? ones : pb->x + cols[k - 1] * pb->n + lo;
}

/* Four doubles as one value: GCC's vector extension, so that the tile's accumulators
 * stay in registers (with `omp simd reduction` GCC kept them in memory, and the kernel ran
 * at a fifth of the machine's multiply-add rate). Loads go through memcpy: columns start
 * at any multiple of 8 bytes. */
typedef double v4d __attribute__((vector_size(32)));
#define LOAD4(dst, src) memcpy(&(dst), (src), sizeof(dst))
/* (a[0] + a[1]) + (a[2] + a[3]): a fixed order, the same on every thread. */
#define HSUM(a) (((a)[0] + (a)[1]) + ((a)[2] + (a)[3]))

/* Adds the chunk's products to the upper triangle of the m x m partial p. */
ST__VECTOR_CLONES
static void gram_chunk(const st__lr_problem *pb, const size_t *cols, size_t m,
                       const double *v, const double *ones, size_t lo, size_t len, double *p)
{
    double vx[4][GRAM_ROWS];
    const size_t len4 = len & ~(size_t)3;
    for (size_t j0 = 0; j0 < m; j0 += 4) {
        const size_t nq = m - j0 < 4 ? m - j0 : 4;
        for (size_t q = 0; q < 4; q++) {
            if (q < nq) {
                const double *xj = column(pb, cols, j0 + q, ones, lo);
                for (size_t i = 0; i < len; i++)
                    vx[q][i] = v[lo + i] * xj[i];
            } else {
                memset(vx[q], 0, len * sizeof vx[q][0]);
            }
        }
        const size_t kend = j0 + nq; /* rows k of the block's columns: k <= j */
        for (size_t k = 0; k < kend; k += 2) {
            const double *x0 = column(pb, cols, k, ones, lo);
            const double *x1 = k + 1 < kend ? column(pb, cols, k + 1, ones, lo) : x0;
            v4d a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0};
            v4d a20 = {0}, a21 = {0}, a30 = {0}, a31 = {0};
            for (size_t i = 0; i < len4; i += 4) {
                v4d y0, y1, u0, u1, u2, u3;
                LOAD4(y0, x0 + i), LOAD4(y1, x1 + i);
                LOAD4(u0, vx[0] + i), LOAD4(u1, vx[1] + i);
                LOAD4(u2, vx[2] + i), LOAD4(u3, vx[3] + i);
                a00 += u0 * y0, a01 += u0 * y1;
                a10 += u1 * y0, a11 += u1 * y1;
                a20 += u2 * y0, a21 += u2 * y1;
                a30 += u3 * y0, a31 += u3 * y1;
            }
            double acc[4][2] = {{HSUM(a00), HSUM(a01)}, {HSUM(a10), HSUM(a11)},
                                {HSUM(a20), HSUM(a21)}, {HSUM(a30), HSUM(a31)}};
            for (size_t i = len4; i < len; i++)
                for (size_t q = 0; q < 4; q++)
                    acc[q][0] += vx[q][i] * x0[i], acc[q][1] += vx[q][i] * x1[i];
            for (size_t q = 0; q < nq; q++)
                for (size_t r = 0; r < 2 && k + r < kend; r++)
                    if (k + r <= j0 + q)
                        p[(j0 + q) * m + k + r] += acc[q][r];
        }
    }
}

void st__lr_gram(const st__lr_problem *pb, const double *v, const size_t *cols, size_t a,
                 double *g, double *scratch)
{
    st__lr_gram_sub(pb, v, cols, a, 1, g, scratch);
}

/* Stripe s of st__lr_gram_sub's rows: the Gram of its chunks (every `every`-th) into p. */
static void gram_stripe(const st__lr_problem *pb, const double *v, const size_t *cols,
                        size_t m, size_t every, const double *ones, double *p, long s)
{
    const size_t n = pb->n;
    size_t lo = n * (size_t)s / GRAM_STRIPES, hi = n * (size_t)(s + 1) / GRAM_STRIPES;
    memset(p, 0, m * m * sizeof *p);
    for (; lo < hi; lo += every * GRAM_ROWS)
        gram_chunk(pb, cols, m, v, ones, lo, hi - lo < GRAM_ROWS ? hi - lo : GRAM_ROWS, p);
}

double st__lr_gram_sub(const st__lr_problem *pb, const double *v, const size_t *cols, size_t a,
                       size_t every, double *g, double *scratch)
{
    const size_t n = pb->n, m = a + 1, mm = m * m;
    double *ones = scratch, *parts = scratch + GRAM_ROWS;
    for (size_t i = 0; i < GRAM_ROWS; i++)
        ones[i] = 1;
    if (every < 1)
        every = 1;
    const long ns = GRAM_STRIPES;
    if (pb->n_threads > 1 && n / every > ST__LR_BLOCK) {
#pragma omp parallel for num_threads(pb->n_threads) schedule(dynamic, 1)
        for (long s = 0; s < ns; s++)
            gram_stripe(pb, v, cols, m, every, ones, parts + (size_t)s * mm, s);
    } else { /* (no parallel region: even one of one thread ends in a system call) */
        for (long s = 0; s < ns; s++)
            gram_stripe(pb, v, cols, m, every, ones, parts + (size_t)s * mm, s);
    }
    /* rows used: the first chunk of every `every` in each stripe */
    size_t used = 0;
    for (size_t s = 0; s < GRAM_STRIPES; s++) {
        size_t lo = n * s / GRAM_STRIPES, hi = n * (s + 1) / GRAM_STRIPES;
        for (; lo < hi; lo += every * GRAM_ROWS)
            used += hi - lo < GRAM_ROWS ? hi - lo : GRAM_ROWS;
    }
    /* the stripes in order; then the lower triangle from the upper */
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k <= j; k++) {
            double s = 0;
            for (size_t t = 0; t < GRAM_STRIPES; t++)
                s += parts[t * mm + j * m + k];
            g[j * m + k] = s;
            g[k * m + j] = s;
        }
    return used > 0 ? (double)n / (double)used : 1.0;
}
