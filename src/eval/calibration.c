/* Calibration maps: Platt's sigmoid and isotonic regression (see stratum/calibration.h),
 * their application and accessors. */
#include "calibration_impl.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

const char *st_calibration_method_name(st_calibration_method m)
{
    switch (m) {
    case ST_CALIBRATION_NONE: return "none";
    case ST_CALIBRATION_PLATT: return "platt";
    case ST_CALIBRATION_ISOTONIC: return "isotonic";
    }
    return NULL;
}

/* Checks the fitting input; fills the class weights. */
static st_status check_input(const char *fn, const double *p, const float *labels,
                             const float *weights, size_t n, st_calibration **out, double *w_pos,
                             double *w_neg, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (p == NULL || labels == NULL || out == NULL || n == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %s", fn,
                        n == 0 ? "no rows" : "scores, labels or out is NULL");
    *w_pos = *w_neg = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return st__fail(err, ST_ERR_DATA, "%s: row %zu: score %g is not a probability in "
                            "[0, 1]", fn, i + 1, p[i]);
        if (labels[i] != 0 && labels[i] != 1)
            return st__fail(err, ST_ERR_DATA, "%s: row %zu: label %g is not 0 or 1", fn, i + 1,
                            (double)labels[i]);
        double w = weights != NULL ? (double)weights[i] : 1.0;
        if (!(w >= 0) || isinf(w))
            return st__fail(err, ST_ERR_DATA, "%s: row %zu: weight %g is not finite and >= 0",
                            fn, i + 1, w);
        *(labels[i] == 1 ? w_pos : w_neg) += w;
    }
    if (!(*w_pos > 0) || !(*w_neg > 0))
        return st__fail(err, ST_ERR_DATA, "%s: calibration needs both classes with positive "
                        "weight (positives %g, negatives %g)", fn, *w_pos, *w_neg);
    return ST_OK;
}

static double logit_clipped(double p)
{
    const double lo = DBL_EPSILON, hi = 1 - DBL_EPSILON;
    double q = p < lo ? lo : p > hi ? hi : p;
    return log(q / (1 - q));
}

static double sigmoid(double z)
{
    if (z >= 0)
        return 1 / (1 + exp(-z));
    double e = exp(z);
    return e / (1 + e);
}

/* Weighted loss of p' = sigmoid(a f + b) against target t, stably:
 * log(1 + e^-z) + (1 - t) z. */
static double platt_loss(const double *f, const double *t, const float *w, size_t n, double a,
                         double b)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double z = a * f[i] + b;
        double l = z >= 0 ? (1 - t[i]) * z + log1p(exp(-z)) : -t[i] * z + log1p(exp(z));
        sum += (w != NULL ? (double)w[i] : 1.0) * l;
    }
    return sum;
}

/* Newton's method with backtracking (Lin, Lin and Weng 2007) on Platt's objective. */
static int platt_newton(const double *f, const double *t, const float *w, size_t n, double *a,
                        double *b)
{
    const double ridge = 1e-12;
    double fx = platt_loss(f, t, w, n, *a, *b);
    for (int it = 0; it < 100; it++) {
        double ga = 0, gb = 0, haa = ridge, hab = 0, hbb = ridge;
        for (size_t i = 0; i < n; i++) {
            double wi = w != NULL ? (double)w[i] : 1.0;
            double s = sigmoid(*a * f[i] + *b), d = wi * (s - t[i]), h = wi * s * (1 - s);
            ga += d * f[i];
            gb += d;
            haa += h * f[i] * f[i];
            hab += h * f[i];
            hbb += h;
        }
        double det = haa * hbb - hab * hab;
        if (!(det > 0) || !isfinite(det))
            return 0;
        double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
        double slope = ga * da + gb * db, step = 1;
        if (!(slope < 0)) /* at the minimum to working precision */
            return 1;
        for (;;) {
            double na = *a + step * da, nb = *b + step * db;
            double fn = platt_loss(f, t, w, n, na, nb);
            if (fn <= fx + 1e-4 * step * slope) {
                *a = na, *b = nb, fx = fn;
                break;
            }
            step /= 2;
            if (step < 1e-10) /* no decrease left to find: converged as far as it can */
                return 1;
        }
        if (fabs(step * da) <= 1e-12 * (1 + fabs(*a)) && fabs(step * db) <= 1e-12 * (1 + fabs(*b)))
            return 1;
    }
    return 0;
}

static st_calibration *new_map(st_calibration_method method)
{
    st_calibration *c = st__calloc(1, sizeof *c);
    if (c != NULL) {
        c->method = method;
        c->a = c->b = NAN;
    }
    return c;
}

st_status st_calibration_fit_platt(const double *p, const float *labels, const float *weights,
                                   size_t n, st_calibration **out, st_error *err)
{
    double w_pos, w_neg;
    st_status rc = check_input("st_calibration_fit_platt", p, labels, weights, n, out, &w_pos,
                               &w_neg, err);
    if (rc != ST_OK)
        return rc;
    double *f = st__malloc_array(n, sizeof *f), *t = st__malloc_array(n, sizeof *t);
    st_calibration *c = new_map(ST_CALIBRATION_PLATT);
    if (f == NULL || t == NULL || c == NULL) {
        st__free(f), st__free(t), st_calibration_free(c);
        return st__fail(err, ST_ERR_NOMEM, "out of memory fitting a Platt calibration of %zu "
                        "rows", n);
    }
    const double hi = (w_pos + 1) / (w_pos + 2), lo = 1 / (w_neg + 2);
    for (size_t i = 0; i < n; i++) {
        f[i] = logit_clipped(p[i]);
        t[i] = labels[i] == 1 ? hi : lo;
    }
    double a = 0, b = log((w_pos + 1) / (w_neg + 1));
    int ok = platt_newton(f, t, weights, n, &a, &b) && isfinite(a) && isfinite(b);
    st__free(f), st__free(t);
    if (!ok) {
        st_calibration_free(c);
        return st__fail(err, ST_ERR_NUMERIC, "st_calibration_fit_platt: the fit did not "
                        "converge on %zu rows", n);
    }
    c->a = a, c->b = b;
    *out = c;
    return ST_OK;
}

/* Sorts row indices by score, ties by index (qsort with a context-free comparison). */
typedef struct scored_row {
    double p;
    size_t i;
} scored_row;

static int by_score(const void *x, const void *y)
{
    const scored_row *u = x, *v = y;
    if (u->p != v->p)
        return u->p < v->p ? -1 : 1;
    return u->i < v->i ? -1 : u->i > v->i;
}

/* Pool-adjacent-violators over m points (x, y, w), x increasing: y is replaced by the
 * fit. block: m entries of scratch (start of each block). */
static void pava(double *y, const double *w, size_t m, size_t *start, double *sy, double *sw)
{
    size_t nb = 0;
    for (size_t k = 0; k < m; k++) {
        start[nb] = k, sy[nb] = w[k] * y[k], sw[nb] = w[k];
        nb++;
        while (nb > 1 && sy[nb - 2] / sw[nb - 2] >= sy[nb - 1] / sw[nb - 1]) {
            sy[nb - 2] += sy[nb - 1], sw[nb - 2] += sw[nb - 1];
            nb--;
        }
    }
    for (size_t b = 0; b < nb; b++) {
        size_t end = b + 1 < nb ? start[b + 1] : m;
        double v = sy[b] / sw[b];
        for (size_t k = start[b]; k < end; k++)
            y[k] = v;
    }
}

st_status st_calibration_fit_isotonic(const double *p, const float *labels,
                                      const float *weights, size_t n, st_calibration **out,
                                      st_error *err)
{
    double w_pos, w_neg;
    st_status rc = check_input("st_calibration_fit_isotonic", p, labels, weights, n, out,
                               &w_pos, &w_neg, err);
    if (rc != ST_OK)
        return rc;
    scored_row *rows = st__malloc_array(n, sizeof *rows);
    double *x = st__malloc_array(n, sizeof *x), *y = st__malloc_array(n, sizeof *y);
    double *w = st__malloc_array(n, sizeof *w), *sy = st__malloc_array(n, sizeof *sy);
    double *sw = st__malloc_array(n, sizeof *sw);
    size_t *start = st__malloc_array(n, sizeof *start);
    st_calibration *c = new_map(ST_CALIBRATION_ISOTONIC);
    if (!rows || !x || !y || !w || !sy || !sw || !start || !c) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory fitting an isotonic calibration of "
                      "%zu rows", n);
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (weights == NULL || weights[i] > 0)
            rows[m].p = p[i], rows[m].i = i, m++;
    qsort(rows, m, sizeof *rows, by_score);
    size_t u = 0; /* distinct scores, labels pooled by weighted mean */
    for (size_t k = 0; k < m; k++) {
        double wk = weights != NULL ? (double)weights[rows[k].i] : 1.0;
        double yk = labels[rows[k].i];
        if (u > 0 && x[u - 1] == rows[k].p) {
            y[u - 1] += wk * yk; /* sums until the pooling below */
            w[u - 1] += wk;
        } else {
            x[u] = rows[k].p, y[u] = wk * yk, w[u] = wk;
            u++;
        }
    }
    for (size_t k = 0; k < u; k++)
        y[k] /= w[k];
    pava(y, w, u, start, sy, sw);
    /* keep the ends and every point whose value differs from a neighbour's */
    size_t kept = 0;
    for (size_t k = 0; k < u; k++)
        if (k == 0 || k + 1 == u || y[k] != y[k - 1] || y[k] != y[k + 1]) {
            x[kept] = x[k], sy[kept] = y[k];
            kept++;
        }
    c->x = st__malloc_array(kept, sizeof *c->x);
    c->y = st__malloc_array(kept, sizeof *c->y);
    if (c->x == NULL || c->y == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory fitting an isotonic calibration of "
                      "%zu rows", n);
        goto done;
    }
    for (size_t k = 0; k < kept; k++) /* a weighted mean of 0/1 labels: clamp the rounding */
        c->x[k] = x[k], c->y[k] = sy[k] < 0 ? 0 : sy[k] > 1 ? 1 : sy[k];
    c->n = kept;
    *out = c;
    c = NULL;
done:
    st_calibration_free(c);
    st__free(rows), st__free(x), st__free(y), st__free(w), st__free(sy), st__free(sw);
    st__free(start);
    return rc;
}

st_status st_calibration_make_platt(double a, double b, st_calibration **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_calibration_make_platt: out is NULL");
    *out = NULL;
    if (!isfinite(a) || !isfinite(b))
        return st__fail(err, ST_ERR_INVALID_ARG, "Platt calibration: a and b must be finite");
    st_calibration *c = new_map(ST_CALIBRATION_PLATT);
    if (c == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a calibration map");
    c->a = a, c->b = b;
    *out = c;
    return ST_OK;
}

st_status st_calibration_make_isotonic(const double *x, const double *y, size_t n,
                                       st_calibration **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_calibration_make_isotonic: out is NULL");
    *out = NULL;
    if (x == NULL || y == NULL || n == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "isotonic calibration: %s",
                        n == 0 ? "no breakpoints" : "x or y is NULL");
    for (size_t k = 0; k < n; k++) {
        if (!(x[k] >= 0 && x[k] <= 1) || !(y[k] >= 0 && y[k] <= 1))
            return st__fail(err, ST_ERR_INVALID_ARG, "isotonic calibration: breakpoint %zu "
                            "(%g, %g) is outside [0, 1]", k + 1, x[k], y[k]);
        if (k > 0 && !(x[k] > x[k - 1]))
            return st__fail(err, ST_ERR_INVALID_ARG, "isotonic calibration: breakpoint %zu: "
                            "x must be strictly increasing", k + 1);
        if (k > 0 && !(y[k] >= y[k - 1]))
            return st__fail(err, ST_ERR_INVALID_ARG, "isotonic calibration: breakpoint %zu: "
                            "y must be non-decreasing", k + 1);
    }
    st_calibration *c = new_map(ST_CALIBRATION_ISOTONIC);
    if (c != NULL) {
        c->x = st__malloc_array(n, sizeof *c->x);
        c->y = st__malloc_array(n, sizeof *c->y);
    }
    if (c == NULL || c->x == NULL || c->y == NULL) {
        st_calibration_free(c);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a calibration map");
    }
    memcpy(c->x, x, n * sizeof *x);
    memcpy(c->y, y, n * sizeof *y);
    c->n = n;
    *out = c;
    return ST_OK;
}

st_status st_calibration_copy(const st_calibration *c, st_calibration **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_calibration_copy: out is NULL");
    *out = NULL;
    if (c == NULL)
        return ST_OK;
    if (c->method == ST_CALIBRATION_PLATT)
        return st_calibration_make_platt(c->a, c->b, out, err);
    if (c->method == ST_CALIBRATION_ISOTONIC)
        return st_calibration_make_isotonic(c->x, c->y, c->n, out, err);
    st_calibration *d = new_map(ST_CALIBRATION_NONE);
    if (d == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a calibration map");
    *out = d;
    return ST_OK;
}

double st_calibration_apply(const st_calibration *c, double p)
{
    if (c == NULL || p != p)
        return p;
    if (c->method == ST_CALIBRATION_PLATT)
        return sigmoid(c->a * logit_clipped(p) + c->b);
    if (c->method != ST_CALIBRATION_ISOTONIC || c->n == 0)
        return p;
    const double *x = c->x, *y = c->y;
    if (p <= x[0])
        return y[0];
    if (p >= x[c->n - 1])
        return y[c->n - 1];
    size_t lo = 0, hi = c->n - 1; /* x[lo] < p < x[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= p)
            lo = mid;
        else
            hi = mid;
    }
    double slope = (y[lo + 1] - y[lo]) / (x[lo + 1] - x[lo]);
    return slope * (p - x[lo]) + y[lo];
}

st_calibration_method st_calibration_method_of(const st_calibration *c)
{
    return c == NULL ? ST_CALIBRATION_NONE : c->method;
}

double st_calibration_platt_a(const st_calibration *c)
{
    return c != NULL && c->method == ST_CALIBRATION_PLATT ? c->a : NAN;
}

double st_calibration_platt_b(const st_calibration *c)
{
    return c != NULL && c->method == ST_CALIBRATION_PLATT ? c->b : NAN;
}

size_t st_calibration_n_points(const st_calibration *c)
{
    return c != NULL && c->method == ST_CALIBRATION_ISOTONIC ? c->n : 0;
}

const double *st_calibration_points_x(const st_calibration *c)
{
    return c != NULL && c->method == ST_CALIBRATION_ISOTONIC ? c->x : NULL;
}

const double *st_calibration_points_y(const st_calibration *c)
{
    return c != NULL && c->method == ST_CALIBRATION_ISOTONIC ? c->y : NULL;
}

void st_calibration_free(st_calibration *c)
{
    if (c == NULL)
        return;
    st__free(c->x);
    st__free(c->y);
    st__free(c);
}

const char *st_decision_threshold_check(const st_decision_threshold *t)
{
    if (t == NULL)
        return "the threshold is NULL";
    if (!(t->value >= 0 && t->value <= 1))
        return "the threshold must be in [0, 1]";
    switch (t->rule) {
    case ST_THRESHOLD_FIXED:
    case ST_THRESHOLD_MAX_F1:
    case ST_THRESHOLD_YOUDEN: return NULL;
    case ST_THRESHOLD_MAX_FBETA:
        return t->rule_param > 0 && isfinite(t->rule_param) ? NULL : "beta must be > 0";
    case ST_THRESHOLD_MIN_RECALL:
    case ST_THRESHOLD_MIN_PRECISION:
        return t->rule_param >= 0 && t->rule_param <= 1 ? NULL
                                                        : "the rule's minimum must be in [0, 1]";
    }
    return "unknown threshold rule";
}
