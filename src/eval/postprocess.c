/* The post-processing both model families carry (calibration map and decision
 * threshold): setting it, and its optional lines in the model files (calibration_impl.h). */
#include "calibration_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/label_rule.h"

/* Indexed by st_threshold_rule; the words of stratum evaluate --threshold-rule. */
static const char *const rule_words[] = {"fixed", "f1", "fbeta", "youden", "min-recall",
                                         "min-precision"};

static int rule_has_param(st_threshold_rule r)
{
    return r == ST_THRESHOLD_MAX_FBETA || r == ST_THRESHOLD_MIN_RECALL ||
           r == ST_THRESHOLD_MIN_PRECISION;
}

void st__post_free(st__post *p)
{
    st_calibration_free(p->cal);
    st__free(p->positive_class);
    memset(p, 0, sizeof *p);
}

st_status st__post_set_positive_class(st__post *p, const st_dataset *ds, st_error *err)
{
    return st__post_set_positive_texts(p, st_dataset_class_name(ds, 1),
                                       st_dataset_class_name(ds, 0), err);
}

st_status st__post_set_positive_texts(st__post *p, const char *pos, const char *neg,
                                      st_error *err)
{
    st__free(p->positive_class);
    p->positive_class = NULL;
    if (pos == NULL || *pos == '\0')
        return ST_OK; /* no label texts: arrays */
    if (st__label_default_class(pos, strlen(pos)) == 1 &&
        (neg == NULL || *neg == '\0' || st__label_default_class(neg, strlen(neg)) == 0))
        return ST_OK; /* the default rule reads them so */
    if ((p->positive_class = st__strdup(pos)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the positive class's text");
    return ST_OK;
}

st_status st__post_set_calibration(st__post *p, const st_calibration *c, st_error *err)
{
    st_calibration *copy = NULL;
    st_status rc = st_calibration_copy(c, &copy, err);
    if (rc != ST_OK)
        return rc;
    st_calibration_free(p->cal);
    p->cal = copy;
    return ST_OK;
}

st_status st__post_set_threshold(st__post *p, const st_decision_threshold *t, st_error *err)
{
    if (t == NULL) {
        p->has_threshold = 0;
        return ST_OK;
    }
    const char *why = st_decision_threshold_check(t);
    if (why != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "decision threshold: %s", why);
    p->threshold = *t;
    if (!rule_has_param(t->rule))
        p->threshold.rule_param = NAN;
    p->has_threshold = 1;
    return ST_OK;
}

static void write_threshold(st__text *t, const st__post *p, int *exact)
{
    st__text_printf(t, "threshold ");
    *exact &= st__text_number(t, p->threshold.value);
    st__text_printf(t, "\nthreshold_rule %s", rule_words[p->threshold.rule]);
    if (rule_has_param(p->threshold.rule)) {
        st__text_printf(t, " ");
        *exact &= st__text_number(t, p->threshold.rule_param);
    }
    st__text_printf(t, "\n");
}

void st__post_write(st__text *t, const st__post *p, int *exact)
{
    const st_calibration *c = p->cal;
    if (c != NULL && c->method == ST_CALIBRATION_PLATT) {
        st__text_printf(t, "calibration platt ");
        *exact &= st__text_number(t, c->a);
        st__text_printf(t, " ");
        *exact &= st__text_number(t, c->b);
        st__text_printf(t, "\n");
    } else if (c != NULL && c->method == ST_CALIBRATION_ISOTONIC) {
        st__text_printf(t, "calibration isotonic %zu\n", c->n);
        for (size_t k = 0; k < c->n; k++) {
            st__text_printf(t, "calibration_point ");
            *exact &= st__text_number(t, c->x[k]);
            st__text_printf(t, " ");
            *exact &= st__text_number(t, c->y[k]);
            st__text_printf(t, "\n");
        }
    }
    if (p->has_threshold)
        write_threshold(t, p, exact);
    if (p->positive_class != NULL) {
        st__text_printf(t, "positive_class ");
        st__text_name(t, p->positive_class);
        st__text_printf(t, "\n");
    }
}

/* 1 when the next line starts with "key " (r is left where it was). */
static int next_is(const st__mreader *r, const char *key)
{
    size_t k = strlen(key), left = (size_t)(r->end - r->p);
    return left > k && memcmp(r->p, key, k) == 0 && r->p[k] == ' ';
}

/* Two numbers "X Y" from [s, s + len). */
static st_status two_numbers(st__mreader *r, const char *what, const char *s, size_t len,
                             double *x, double *y)
{
    const char *f;
    size_t fl;
    if (!st__mr_field(&s, &len, &f, &fl))
        return st__mr_bad(r, "expected two numbers after '%s'", what);
    st_status rc = st__mr_number(r, what, f, fl, x);
    return rc != ST_OK ? rc : st__mr_number(r, what, s, len, y);
}

static st_status read_isotonic(st__mreader *r, const char *s, size_t len, st_calibration **out)
{
    long n;
    const size_t left = (size_t)(r->end - r->p);
    st_status rc = st__mr_integer(r, "breakpoint count", s, len, 1,
                                  (long)(left < 1000000000 ? left : 1000000000), &n);
    if (rc != ST_OK)
        return rc;
    double *x = st__malloc_array((size_t)n, sizeof *x), *y = st__malloc_array((size_t)n, sizeof *y);
    if (x == NULL || y == NULL)
        rc = st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    for (long k = 0; rc == ST_OK && k < n; k++) {
        const char *v;
        size_t vl;
        rc = st__mr_keyed(r, "calibration_point", &v, &vl);
        if (rc == ST_OK)
            rc = two_numbers(r, "calibration_point", v, vl, &x[k], &y[k]);
        if (rc == ST_OK && (!(x[k] >= 0 && x[k] <= 1) || !(y[k] >= 0 && y[k] <= 1)))
            rc = st__mr_bad(r, "a calibration point must lie in [0, 1] x [0, 1]");
        if (rc == ST_OK && k > 0 && !(x[k] > x[k - 1]))
            rc = st__mr_bad(r, "calibration points: x must be strictly increasing");
        if (rc == ST_OK && k > 0 && !(y[k] >= y[k - 1]))
            rc = st__mr_bad(r, "calibration points: y must be non-decreasing");
    }
    if (rc == ST_OK) {
        st_error e;
        rc = st_calibration_make_isotonic(x, y, (size_t)n, out, &e);
        if (rc != ST_OK) /* only out of memory is left */
            rc = st__fail(r->err, rc, "out of memory reading %s", r->path);
    }
    st__free(x), st__free(y);
    return rc;
}

static st_status read_calibration(st__mreader *r, st__post *p)
{
    const char *s, *f;
    size_t len, fl;
    st_status rc = st__mr_keyed(r, "calibration", &s, &len);
    if (rc != ST_OK)
        return rc;
    if (!st__mr_field(&s, &len, &f, &fl))
        return st__mr_bad(r, "expected 'calibration platt A B' or 'calibration isotonic N'");
    st_calibration *c = NULL;
    if (fl == 5 && memcmp(f, "platt", 5) == 0) {
        double a, b;
        if ((rc = two_numbers(r, "calibration platt", s, len, &a, &b)) != ST_OK)
            return rc;
        if (!isfinite(a) || !isfinite(b))
            return st__mr_bad(r, "Platt calibration: a and b must be finite");
        st_error e;
        if (st_calibration_make_platt(a, b, &c, &e) != ST_OK)
            return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    } else if (fl == 8 && memcmp(f, "isotonic", 8) == 0) {
        if ((rc = read_isotonic(r, s, len, &c)) != ST_OK)
            return rc;
    } else {
        return st__mr_bad(r, "calibration method: expected platt or isotonic");
    }
    p->cal = c;
    return ST_OK;
}

static st_status read_threshold(st__mreader *r, st__post *p)
{
    st_decision_threshold t = {NAN, ST_THRESHOLD_FIXED, NAN};
    const char *s, *f;
    size_t len, fl;
    st_status rc = st__mr_key_number(r, "threshold", &t.value);
    if (rc != ST_OK)
        return rc;
    if (!(t.value >= 0 && t.value <= 1))
        return st__mr_bad(r, "the threshold must be in [0, 1]");
    if ((rc = st__mr_keyed(r, "threshold_rule", &s, &len)) != ST_OK)
        return rc;
    int has_field = st__mr_field(&s, &len, &f, &fl);
    if (!has_field)
        f = s, fl = len;
    long rule = -1;
    for (long i = 0; i < 6; i++)
        if (strlen(rule_words[i]) == fl && memcmp(rule_words[i], f, fl) == 0)
            rule = i;
    if (rule < 0)
        return st__mr_bad(r, "threshold rule: expected fixed, f1, fbeta, youden, min-recall "
                          "or min-precision");
    t.rule = (st_threshold_rule)rule;
    if (rule_has_param(t.rule) != has_field)
        return st__mr_bad(r, "threshold rule %s %s", rule_words[rule],
                          has_field ? "takes no parameter" : "needs a parameter");
    if (has_field && (rc = st__mr_number(r, "the rule's parameter", s, len, &t.rule_param)) != ST_OK)
        return rc;
    const char *why = st_decision_threshold_check(&t);
    if (why != NULL)
        return st__mr_bad(r, "%s", why);
    p->threshold = t;
    p->has_threshold = 1;
    return ST_OK;
}

st_status st__post_read(st__mreader *r, st__post *p)
{
    st_status rc;
    if (next_is(r, "calibration") && (rc = read_calibration(r, p)) != ST_OK)
        return rc;
    if (next_is(r, "threshold") && (rc = read_threshold(r, p)) != ST_OK)
        return rc;
    if (next_is(r, "positive_class")) {
        const char *v;
        size_t vl;
        int nomem = 0;
        if ((rc = st__mr_keyed(r, "positive_class", &v, &vl)) != ST_OK)
            return rc;
        if ((p->positive_class = st__name_unescape(v, vl, &nomem)) == NULL)
            return nomem ? st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path)
                         : st__mr_bad(r, "a bad escape in the positive class's text");
        if (*p->positive_class == '\0')
            return st__mr_bad(r, "an empty positive class text");
    }
    return ST_OK;
}

double st__post_threshold(const st__post *p)
{
    return p->has_threshold ? p->threshold.value : NAN;
}

int st__post_threshold_info(const st__post *p, st_decision_threshold *t)
{
    if (!p->has_threshold)
        return 0;
    if (t != NULL)
        *t = p->threshold;
    return 1;
}
