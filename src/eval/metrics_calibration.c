/* Calibration: the table of mean predicted against observed risk in equal-count bins, and
 * the logistic recalibration y ~ a + b logit(p) (Cox 1958): a = 0 and b = 1 for perfectly
 * calibrated scores, b < 1 when they are too extreme (overfitting). */
#include <math.h>
#include <string.h>

#include "metrics_impl.h"

/* Weighted log-likelihood at (a, b), its gradient g and negated Hessian h (h[0] aa, h[1]
 * ab, h[2] bb). Tied scores share one logit, so each group of ties costs one exp and one
 * log1p: with the heavy ties of clinical scores that is most of the saving. */
static double loglik(const st__scored *s, const double *mult, double a, double b, double g[2],
                     double h[3])
{
    double ll = 0, g0 = 0, g1 = 0, h0 = 0, h1 = 0, h2 = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = st__group_end(s, i);
        double w1 = 0, w0 = 0;
        for (size_t k = i; k < end; k++) {
            double w = mult != NULL ? s->w[k] * mult[k] : s->w[k];
            if (s->y[k])
                w1 += w;
            else
                w0 += w;
        }
        double x = s->logit[i], w = w1 + w0;
        i = end;
        if (w == 0)
            continue;
        /* log(1 + e^eta) and the logistic mu from one exp, without overflow */
        double eta = a + b * x, e = exp(-fabs(eta));
        double softplus = (eta > 0 ? eta : 0) + log1p(e);
        double mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
        double r = w1 - w * mu, v = w * mu * (1 - mu);
        ll += w1 * eta - w * softplus;
        g0 += r;
        g1 += r * x;
        h0 += v;
        h1 += v * x;
        h2 += v * x * x;
    }
    g[0] = g0;
    g[1] = g1;
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    return ll;
}

/* Whether the maximum-likelihood (a, b) exists. It does not exactly when the classes are
 * (quasi-)completely separated, i.e. some (a, b) != 0 has a + b x >= 0 on every positive
 * and <= 0 on every negative (Albert and Anderson 1984): then the likelihood keeps rising
 * towards its supremum as |b| grows, and any finite (a, b) at which Newton's method stops
 * is an artefact of its tolerances (statsmodels raises PerfectSeparationError). With one
 * covariate, and both classes present, that is when the lowest positive logit is at or
 * above the highest negative one, or the reverse: the MLE exists iff the two classes'
 * logits overlap on both sides. Only rows of non-zero weight count. */
static int calibration_mle_exists(const st__scored *s, const double *mult)
{
    double pos_lo = INFINITY, pos_hi = -INFINITY, neg_lo = INFINITY, neg_hi = -INFINITY;
    for (size_t k = 0; k < s->n; k++) {
        double w = mult != NULL ? s->w[k] * mult[k] : s->w[k], x = s->logit[k];
        if (!(w > 0))
            continue;
        if (s->y[k]) {
            pos_lo = fmin(pos_lo, x);
            pos_hi = fmax(pos_hi, x);
        } else {
            neg_lo = fmin(neg_lo, x);
            neg_hi = fmax(neg_hi, x);
        }
    }
    return pos_lo < neg_hi && neg_lo < pos_hi;
}

/* Newton's method with step halving: at most 100 steps, stopping when a step changes
 * neither coefficient by more than 1e-10 relative. Separable data have no finite maximum
 * (calibration_mle_exists, checked first) and a constant logit makes the Hessian singular:
 * both report no convergence. */
int st__calibration_fit(const st__scored *s, const double *mult, const double start[2],
                        double out[2])
{
    double a = start[0], b = start[1], g[2], h[3], ng[2], nh[3];
    out[0] = out[1] = NAN;
    if (!calibration_mle_exists(s, mult))
        return 0;
    if (!isfinite(a) || !isfinite(b))
        a = 0, b = 1;
    double ll = loglik(s, mult, a, b, g, h);
    for (int iter = 0; iter < 100; iter++) {
        double det = h[0] * h[2] - h[1] * h[1];
        if (!(det > 1e-12 * h[0] * h[2]))
            return 0;
        double da = (h[2] * g[0] - h[1] * g[1]) / det, db = (h[0] * g[1] - h[1] * g[0]) / det;
        double step = 1, na = a + da, nb = b + db, nll = loglik(s, mult, na, nb, ng, nh);
        while (!(nll >= ll - 1e-12 * fabs(ll)) && step > 1e-10) {
            step /= 2;
            na = a + step * da;
            nb = b + step * db;
            nll = loglik(s, mult, na, nb, ng, nh);
        }
        int done = fabs(na - a) <= 1e-10 * (1 + fabs(a)) && fabs(nb - b) <= 1e-10 * (1 + fabs(b));
        a = na;
        b = nb;
        if (!isfinite(a) || !isfinite(b) || fabs(b) > 1e6)
            return 0;
        if (done) {
            out[0] = a;
            out[1] = b;
            return 1;
        }
        ll = nll;
        memcpy(g, ng, sizeof g[0] * 2);
        memcpy(h, nh, sizeof h[0] * 3);
    }
    return 0;
}

/* The same Newton's method in the intercept alone: with b fixed at 1, the a-parts of
 * loglik's gradient and Hessian are those of the offset model. */
int st__calibration_in_the_large(const st__scored *s, const double *mult, double start,
                                 double *out)
{
    double a = isfinite(start) ? start : 0, g[2], h[3], ng[2], nh[3];
    *out = NAN;
    double ll = loglik(s, mult, a, 1, g, h);
    for (int iter = 0; iter < 100; iter++) {
        if (!(h[0] > 0))
            return 0;
        double da = g[0] / h[0], step = 1, na = a + da, nll = loglik(s, mult, na, 1, ng, nh);
        while (!(nll >= ll - 1e-12 * fabs(ll)) && step > 1e-10) {
            step /= 2;
            na = a + step * da;
            nll = loglik(s, mult, na, 1, ng, nh);
        }
        int done = fabs(na - a) <= 1e-10 * (1 + fabs(a));
        a = na;
        if (!isfinite(a) || fabs(a) > 1e6)
            return 0;
        if (done) {
            *out = a;
            return 1;
        }
        ll = nll;
        g[0] = ng[0];
        h[0] = nh[0];
    }
    return 0;
}

void st__calibration_table(const st__scored *s, st_calibration_bin *bins)
{
    /* ascending score order is the sorted view read backwards */
    for (size_t b = 0; b < ST_CALIBRATION_BINS; b++) {
        st_calibration_bin *bin = &bins[b];
        size_t lo = s->n < ST_CALIBRATION_BINS ? 0 : b * s->n / ST_CALIBRATION_BINS;
        size_t hi = s->n < ST_CALIBRATION_BINS ? 0 : (b + 1) * s->n / ST_CALIBRATION_BINS;
        double w = 0, sp = 0, sy = 0;
        bin->n_rows = hi - lo;
        bin->score_min = bin->score_max = NAN;
        for (size_t r = lo; r < hi; r++) {
            size_t k = s->n - 1 - r;
            w += s->w[k];
            sp += s->w[k] * s->score[k];
            sy += s->y[k] ? s->w[k] : 0;
        }
        if (hi > lo) {
            bin->score_min = s->score[s->n - 1 - lo];
            bin->score_max = s->score[s->n - hi];
        }
        bin->weight = w;
        bin->mean_predicted = w > 0 ? sp / w : NAN;
        bin->observed = w > 0 ? sy / w : NAN;
    }
}
