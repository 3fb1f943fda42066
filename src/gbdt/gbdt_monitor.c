/* Gradient-boosted trees: watching a validation set while training (LightGBM's valid
 * sets, metrics and early_stopping callback). The validation rows are gathered once in the
 * model's feature order; after each tree only that tree is walked for every row and added
 * to its raw score, in tree order, so the scores are bit for bit those st_gbdt_predict
 * gives for the trees so far. The metric comes from the kernels of st_evaluate
 * (metrics_kernel.c), so it is the number `stratum evaluate` reports. */
#include "gbdt_model.h"
#include "gbdt_monitor.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "eval/metrics_impl.h"
#include "core/parallel.h"

/* Below this many validation rows a tree is added on one thread. */
#define VALID_PARALLEL_MIN 8192

struct st__gbdt_monitor {
    st_gbdt_metric metric;
    int rounds, num_trees, nt;
    st_gbdt_progress_fn progress;
    void *user_data;
    /* the validation set (nv = 0 without one) */
    size_t nv;
    float *x;            /* nv * n_features, model feature order */
    double *raw, *prob;  /* nv each */
    const float *vy, *vw;
    /* the training rows, when their metric is asked for (tn = 0 otherwise) */
    size_t tn;
    int train_every;
    double *train_prob;  /* tn */
    const float *ty, *tw;
    int best_iteration;
    double best_score;
};

void st__gbdt_monitor_free(st__gbdt_monitor *mon)
{
    if (mon == NULL)
        return;
    st__free(mon->x);
    st__free(mon->raw);
    st__free(mon->prob);
    st__free(mon->train_prob);
    st__free(mon);
}

/* The metric of probabilities p against labels y and weights w (NULL: 1), through
 * st_evaluate's kernel; NaN when it is undefined. */
static st_status metric_of(st_gbdt_metric metric, const double *p, const float *y,
                           const float *w, size_t n, double *out, st_error *err)
{
    st__scored s;
    st_status rc = st__scored_build(p, y, w, n, &s, err);
    if (rc != ST_OK)
        return rc;
    double value[ST_METRIC_COUNT];
    unsigned undefined;
    st__metrics_compute(&s, NULL, NAN, 1, NULL, NULL, value, &undefined, NULL); /* no calibration fits */
    const st_metric which = metric == ST_GBDT_METRIC_AUC      ? ST_METRIC_ROC_AUC
                            : metric == ST_GBDT_METRIC_PR_AUC ? ST_METRIC_PR_AUC
                                                              : ST_METRIC_LOG_LOSS;
    *out = value[which];
    st__scored_free(&s);
    return ST_OK;
}

/* Labels of a validation set that can give the metric a value. */
static st_status check_valid(const st_dataset *valid, st_gbdt_metric metric, st_error *err)
{
    const float *y = st_dataset_labels(valid);
    if (y == NULL)
        return st__fail(err, ST_ERR_DATA, "the validation set has no labels");
    const size_t n = st_dataset_n_rows(valid);
    if (n == 0)
        return st__fail(err, ST_ERR_DATA, "the validation set has no rows");
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        n_pos += y[i] != 0;
    if (metric != ST_GBDT_METRIC_LOGLOSS && (n_pos == 0 || n_pos == n))
        return st__fail(err, ST_ERR_DATA, "the validation set has only %s rows: its %s is "
                        "undefined", n_pos == 0 ? "negative" : "positive",
                        st_gbdt_metric_name(metric));
    return ST_OK;
}

st_status st__gbdt_monitor_new(const st_gbdt *m, const float *ty, const float *tw, size_t tn,
                               const st_dataset *valid, const st_gbdt_params *prm,
                               const st_gbdt_train_callbacks *cb, int nt,
                               st__gbdt_monitor **out, st_error *err)
{
    *out = NULL;
    const int progress = cb != NULL && cb->progress != NULL;
    if (prm->early_stopping_rounds > 0 && valid == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "early stopping (early_stopping_rounds %d) "
                        "needs a validation set", prm->early_stopping_rounds);
    if (valid == NULL && !progress)
        return ST_OK;
    st_status rc = valid != NULL ? check_valid(valid, prm->metric, err) : ST_OK;
    if (rc != ST_OK)
        return rc;
    st__gbdt_monitor *mon = st__calloc(1, sizeof *mon);
    if (mon == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the validation set");
    mon->metric = prm->metric;
    mon->rounds = prm->early_stopping_rounds;
    mon->num_trees = prm->num_trees;
    mon->nt = nt;
    mon->progress = progress ? cb->progress : NULL;
    mon->user_data = progress ? cb->user_data : NULL;
    mon->best_score = NAN;
    if (valid != NULL) {
        const size_t nv = st_dataset_n_rows(valid), nf = m->n_features ? m->n_features : 1;
        int ovf = 0;
        const size_t nx = st__mul_size(nv, nf, &ovf);
        mon->nv = nv;
        mon->vy = st_dataset_labels(valid);
        mon->vw = st_dataset_weights(valid);
        mon->x = ovf ? NULL : st__malloc_array(nx, sizeof *mon->x);
        mon->raw = st__malloc_array(nv, sizeof *mon->raw);
        mon->prob = st__malloc_array(nv, sizeof *mon->prob);
        if (mon->x == NULL || mon->raw == NULL || mon->prob == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the validation set of %zu "
                          "rows", nv);
        else if ((rc = st__gbdt_gather_rows(m, valid, mon->x, err)) != ST_OK &&
                 rc != ST_ERR_NOMEM && err != NULL) {
            char why[ST_ERROR_MESSAGE_SIZE];
            memcpy(why, err->message, sizeof why);
            st__fail(err, rc, "the validation set: %.700s", why);
        }
    }
    if (rc == ST_OK && progress && cb->train_metric_every > 0) {
        mon->train_every = cb->train_metric_every;
        mon->tn = tn;
        mon->ty = ty;
        mon->tw = tw;
        if ((mon->train_prob = st__malloc_array(tn ? tn : 1, sizeof *mon->train_prob)) == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the training metric");
    }
    if (rc != ST_OK) {
        st__gbdt_monitor_free(mon);
        return rc;
    }
    *out = mon;
    return ST_OK;
}

/* Validation row i's raw score plus tree t (from the initial score at t = 0), and its
 * probability. */
static inline void add_tree_row(st__gbdt_monitor *mon, const st_gbdt *m, int t, long i)
{
    const double prev = t == 0 ? m->init_score : mon->raw[i];
    mon->raw[i] = prev + st__gbdt_tree_value(m, (size_t)t, mon->x + (size_t)i * m->n_features);
    mon->prob[i] = 1 / (1 + exp(-mon->raw[i]));
}

/* Adds tree t to the validation raw scores (starting from the initial score at t = 0)
 * and refreshes their probabilities. (Few rows: no parallel region at all, since even
 * one of one thread ends in a system call.) */
static void add_tree(st__gbdt_monitor *mon, const st_gbdt *m, int t)
{
    const long nv = (long)mon->nv;
    if (mon->nt > 1 && nv >= VALID_PARALLEL_MIN) {
#pragma omp parallel for num_threads(mon->nt) schedule(static)
        for (long i = 0; i < nv; i++)
            add_tree_row(mon, m, t, i);
    } else {
        for (long i = 0; i < nv; i++)
            add_tree_row(mon, m, t, i);
    }
}

st_status st__gbdt_monitor_step(st__gbdt_monitor *mon, st_gbdt *m, const double *train_score,
                                int t, int *stop, st_error *err)
{
    *stop = 0;
    st_gbdt_progress p = {t + 1, mon->num_trees, NAN, NAN, 0, NAN};
    st_status rc;
    if (mon->nv > 0) {
        add_tree(mon, m, t);
        if ((rc = metric_of(mon->metric, mon->prob, mon->vy, mon->vw, mon->nv, &p.valid_metric,
                            err)) != ST_OK)
            return rc;
        if (!isfinite(p.valid_metric))
            return st__fail(err, ST_ERR_NUMERIC, "the validation %s after %d trees is %g",
                            st_gbdt_metric_name(mon->metric), t + 1, p.valid_metric);
        const int better = mon->best_iteration == 0 ||
                           (mon->metric == ST_GBDT_METRIC_LOGLOSS ? p.valid_metric < mon->best_score
                                                                  : p.valid_metric > mon->best_score);
        if (better) {
            mon->best_iteration = t + 1;
            mon->best_score = p.valid_metric;
        }
        p.best_iteration = mon->best_iteration;
        p.best_score = mon->best_score;
        *stop = mon->rounds > 0 && t + 1 - mon->best_iteration >= mon->rounds;
    }
    if (mon->progress == NULL)
        return ST_OK;
    if (mon->train_prob != NULL && (t == 0 || (t + 1) % mon->train_every == 0)) {
        for (size_t i = 0; i < mon->tn; i++)
            mon->train_prob[i] = 1 / (1 + exp(-train_score[i]));
        if ((rc = metric_of(mon->metric, mon->train_prob, mon->ty, mon->tw, mon->tn,
                            &p.train_metric, err)) != ST_OK)
            return rc;
    }
    if (mon->progress(&p, mon->user_data) != 0)
        return st__fail(err, ST_ERR_CANCELLED, "training cancelled by the progress callback "
                        "after %d trees", t + 1);
    return ST_OK;
}

void st__gbdt_monitor_finish(const st__gbdt_monitor *mon, st_gbdt *m)
{
    if (mon == NULL || mon->best_iteration == 0)
        return;
    m->best_iteration = mon->best_iteration;
    m->best_score = mon->best_score;
    if (mon->rounds > 0 && (size_t)mon->best_iteration < m->n_trees)
        m->n_trees = (size_t)mon->best_iteration;
}
