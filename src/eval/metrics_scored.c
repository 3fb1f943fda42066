/* The sorted view of scored rows that every metric kernel reads (see metrics_impl.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/float_sort.h"
#include "metrics_impl.h"

static st_status check_rows(const double *scores, const float *labels, const float *weights,
                            size_t n, st_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(scores[i]))
            return st__fail(err, ST_ERR_DATA, "row %zu: score %g is not a finite number", i + 1,
                            scores[i]);
        if (labels[i] != 0.0f && labels[i] != 1.0f)
            return st__fail(err, ST_ERR_DATA, "row %zu: label %g is not 0 or 1", i + 1,
                            (double)labels[i]);
        if (weights != NULL && !(weights[i] >= 0.0f && isfinite(weights[i])))
            return st__fail(err, ST_ERR_DATA, "row %zu: weight %g is not a finite number >= 0",
                            i + 1, (double)weights[i]);
    }
    return ST_OK;
}

/* p clipped to [eps, 1 - eps], eps = DBL_EPSILON, as scikit-learn 1.2's log_loss(eps="auto")
 * does for float64 input; the log loss and the calibration logit both use it. */
static double clip(double p)
{
    double eps = DBL_EPSILON;
    return p < eps ? eps : (p > 1 - eps ? 1 - eps : p);
}

st_status st__scored_build(const double *scores, const float *labels, const float *weights,
                           size_t n, st__scored *s, st_error *err)
{
    memset(s, 0, sizeof *s);
    if (scores == NULL || labels == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "scores and labels must not be NULL");
    if (n == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "no rows to evaluate");
    st_status rc = check_rows(scores, labels, weights, n, err);
    if (rc != ST_OK)
        return rc;
    /* the rows by score descending, ties by row: one total order, so one permutation */
    size_t *order = st__malloc_array(n, sizeof *order);
    size_t *order_t = st__malloc_array(n, sizeof *order_t);
    uint64_t *keys = st__malloc_array(n, sizeof *keys);
    uint64_t *keys_t = st__malloc_array(n, sizeof *keys_t);
    s->n = n;
    s->score = st__malloc_array(n, sizeof *s->score);
    s->y = st__malloc(n);
    s->w = st__malloc_array(n, sizeof *s->w);
    s->loss = st__malloc_array(n, sizeof *s->loss);
    s->logit = st__malloc_array(n, sizeof *s->logit);
    s->pos_rows = st__malloc_array(n, sizeof *s->pos_rows);
    s->neg_rows = st__malloc_array(n, sizeof *s->neg_rows);
    if (order == NULL || order_t == NULL || keys == NULL || keys_t == NULL ||
        s->score == NULL || s->y == NULL || s->w == NULL || s->loss == NULL ||
        s->logit == NULL || s->pos_rows == NULL || s->neg_rows == NULL) {
        st__free(order), st__free(order_t), st__free(keys), st__free(keys_t);
        st__scored_free(s);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu scored rows", n);
    }
    st__order_desc(scores, n, order, keys, keys_t, order_t);
    s->in_unit = 1;
    s->unit_weights = 1;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        double p = scores[i];
        s->score[k] = p;
        s->y[k] = labels[i] == 1.0f;
        s->w[k] = weights != NULL ? (double)weights[i] : 1.0;
        if (s->w[k] != 1.0)
            s->unit_weights = 0;
        if (p < 0 || p > 1)
            s->in_unit = 0;
        double c = clip(p);
        s->loss[k] = s->y[k] ? -log(c) : -log1p(-c);
        s->logit[k] = log(c) - log1p(-c);
        if (s->y[k])
            s->pos_rows[s->n_pos++] = k;
        else
            s->neg_rows[s->n_neg++] = k;
    }
    st__free(order), st__free(order_t), st__free(keys), st__free(keys_t);
    return ST_OK;
}

void st__scored_free(st__scored *s)
{
    if (s == NULL)
        return;
    st__free(s->score);
    st__free(s->y);
    st__free(s->w);
    st__free(s->loss);
    st__free(s->logit);
    st__free(s->pos_rows);
    st__free(s->neg_rows);
    memset(s, 0, sizeof *s);
}
