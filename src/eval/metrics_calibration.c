/* Calibration: the table of mean predicted against observed risk in equal-count bins, and
 * the logistic recalibration y ~ a + b logit(p) (Cox 1958): a = 0 and b = 1 for perfectly
 * calibrated scores, b < 1 when they are too extreme (overfitting). */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "metrics_impl.h"

int st__cal_groups_alloc(st__cal_groups *g, size_t n)
{
    g->n = 0;
    g->x = st__malloc_array(n ? 3 * n : 3, sizeof *g->x);
    g->w1 = g->x != NULL ? g->x + n : NULL;
    g->w0 = g->x != NULL ? g->x + 2 * n : NULL;
    return g->x != NULL;
}

void st__cal_groups_free(st__cal_groups *g)
{
    st__free(g->x);
    g->x = g->w1 = g->w0 = NULL;
}

/* The fit's sums over the groups of tied scores (each costs one exp, and one log1p for the
 * log-likelihood: with the heavy ties of clinical scores that is most of the saving).
 * with_ll 0 leaves the log-likelihood out (its log1p is half the work, and Newton's method
 * needs it only to check a doubtful step): returns 0 then. g is the gradient, h the
 * negated Hessian (h[0] aa, h[1] ab, h[2] bb). */
static double loglik(const st__cal_groups *gr, double a, double b, double g[2], double h[3],
                     int with_ll)
{
    double ll = 0, g0 = 0, g1 = 0, h0 = 0, h1 = 0, h2 = 0;
    for (size_t i = 0; i < gr->n; i++) {
        double x = gr->x[i], w1 = gr->w1[i], w = w1 + gr->w0[i];
        /* log(1 + e^eta) and the logistic mu from one exp, without overflow */
        double eta = a + b * x, e = exp(-fabs(eta));
        if (with_ll)
            ll += w1 * eta - w * ((eta > 0 ? eta : 0) + log1p(e));
        double mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
        double r = w1 - w * mu, v = w * mu * (1 - mu);
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

/* Whether Newton's full step d from (a, b) to (na, nb) can be taken without comparing
 * log-likelihoods: the log-likelihood is concave, so along d it rises all the way to the
 * new point when its slope there, ng . d, is still >= 0; and a step already small (1e-4
 * relative) is inside the region of quadratic convergence, where the new point is
 * closer to the maximum than the old. Otherwise the caller compares the two. */
static int step_sure(const double ng[2], double da, double db, double a, double b)
{
    return ng[0] * da + ng[1] * db >= 0 ||
           (fabs(da) <= 1e-4 * (1 + fabs(a)) && fabs(db) <= 1e-4 * (1 + fabs(b)));
}

/* Whether the maximum-likelihood (a, b) exists. It does not exactly when the classes are
 * (quasi-)completely separated, i.e. some (a, b) != 0 has a + b x >= 0 on every positive
 * and <= 0 on every negative (Albert and Anderson 1984): then the likelihood keeps rising
 * towards its supremum as |b| grows, and any finite (a, b) at which Newton's method stops
 * is an artefact of its tolerances (statsmodels raises PerfectSeparationError). With one
 * covariate, and both classes present, that is when the lowest positive logit is at or
 * above the highest negative one, or the reverse: the MLE exists iff the two classes'
 * logits overlap on both sides. Only rows of non-zero weight count. */
static int calibration_mle_exists(const st__cal_groups *g)
{
    double pos_lo = INFINITY, pos_hi = -INFINITY, neg_lo = INFINITY, neg_hi = -INFINITY;
    for (size_t k = 0; k < g->n; k++) {
        double x = g->x[k];
        if (g->w1[k] > 0) {
            pos_lo = fmin(pos_lo, x);
            pos_hi = fmax(pos_hi, x);
        }
        if (g->w0[k] > 0) {
            neg_lo = fmin(neg_lo, x);
            neg_hi = fmax(neg_hi, x);
        }
    }
    return pos_lo < neg_hi && neg_lo < pos_hi;
}

/* Newton's method with step halving: at most 100 steps, stopping when Newton's step would
 * change neither coefficient by more than 1e-10 relative (that last step is taken). A step
 * is checked against the log-likelihood only when step_sure cannot vouch for it, so a
 * bootstrap resample, warm-started near its answer, costs a few passes of one exp per
 * distinct score and none of log1p. Separable data have no finite maximum
 * (calibration_mle_exists, checked first) and a constant logit makes the Hessian singular:
 * both report no convergence. */
int st__calibration_fit(const st__cal_groups *s, const double start[2], double out[2])
{
    double a = start[0], b = start[1], g[2], h[3], ng[2], nh[3];
    out[0] = out[1] = NAN;
    if (!calibration_mle_exists(s))
        return 0;
    if (!isfinite(a) || !isfinite(b))
        a = 0, b = 1;
    loglik(s, a, b, g, h, 0);
    for (int iter = 0; iter < 100; iter++) {
        double det = h[0] * h[2] - h[1] * h[1];
        if (!(det > 1e-12 * h[0] * h[2]))
            return 0;
        double da = (h[2] * g[0] - h[1] * g[1]) / det, db = (h[0] * g[1] - h[1] * g[0]) / det;
        double na = a + da, nb = b + db;
        if (fabs(da) <= 1e-10 * (1 + fabs(a)) && fabs(db) <= 1e-10 * (1 + fabs(b))) {
            out[0] = na; /* converged: this last, tiny step needs no check */
            out[1] = nb;
            return isfinite(na) && isfinite(nb) && fabs(nb) <= 1e6;
        }
        loglik(s, na, nb, ng, nh, 0);
        if (!step_sure(ng, da, db, a, b)) { /* halve the step until it does not fall */
            double ll = loglik(s, a, b, g, h, 1), step = 1;
            double nll = loglik(s, na, nb, ng, nh, 1);
            while (!(nll >= ll - 1e-12 * fabs(ll)) && step > 1e-10) {
                step /= 2;
                na = a + step * da;
                nb = b + step * db;
                nll = loglik(s, na, nb, ng, nh, 1);
            }
        }
        a = na;
        b = nb;
        if (!isfinite(a) || !isfinite(b) || fabs(b) > 1e6)
            return 0;
        memcpy(g, ng, sizeof g[0] * 2);
        memcpy(h, nh, sizeof h[0] * 3);
    }
    return 0;
}

/* The same Newton's method in the intercept alone: with b fixed at 1, the a-parts of
 * loglik's gradient and Hessian are those of the offset model. */
int st__calibration_in_the_large(const st__cal_groups *s, double start, double *out)
{
    double a = isfinite(start) ? start : 0, g[2], h[3], ng[2], nh[3];
    *out = NAN;
    loglik(s, a, 1, g, h, 0);
    for (int iter = 0; iter < 100; iter++) {
        if (!(h[0] > 0))
            return 0;
        double da = g[0] / h[0], na = a + da;
        if (fabs(da) <= 1e-10 * (1 + fabs(a))) {
            *out = na; /* converged: this last, tiny step needs no check */
            return isfinite(na) && fabs(na) <= 1e6;
        }
        loglik(s, na, 1, ng, nh, 0);
        if (!step_sure(ng, da, 0, a, 1)) { /* halve the step until it does not fall */
            double ll = loglik(s, a, 1, g, h, 1), step = 1;
            double nll = loglik(s, na, 1, ng, nh, 1);
            while (!(nll >= ll - 1e-12 * fabs(ll)) && step > 1e-10) {
                step /= 2;
                na = a + step * da;
                nll = loglik(s, na, 1, ng, nh, 1);
            }
        }
        a = na;
        if (!isfinite(a) || fabs(a) > 1e6)
            return 0;
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
