/* st_gbdt_train and st_gbdt_train_ex: the training at the caller's num_trees
 * (gbdt_train.c), or, by default (ST_GBDT_NUM_TREES_AUTO), at the number of trees early
 * stopping on held-out stratified folds of the training rows chooses, recorded in the
 * model (stratum/gbdt.h, "Choosing the number of trees"). */
#include "gbdt_train_core.h"

#include <stratum/folds.h>

#include <math.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/dataset_impl.h"
#include "eval/folds_impl.h"

/* Large data, log loss: the held-out rows weigh what they would weigh in training (their
 * own weight times their class's, computed on the training part tr as training computes
 * it), so that early stopping watches the loss the trees minimise. Without it a
 * class-weighted model's unweighted held-out log loss keeps falling for as long as more
 * trees pull its shifted probabilities back down (diabetes130, balanced: still falling at
 * 1000 trees, 0.685 to 0.490, while the weighted loss has its minimum far earlier). Below
 * ST_GBDT_AUTO_FOLD_ROWS the unweighted metric stays, so small cohorts' models do not
 * move. te is the held-out dataset, owned by the caller. */
static st_status weigh_held_out(const st_dataset *tr, st_dataset *te, const st_gbdt_params *prm,
                                st_error *err)
{
    const size_t n_tr = st_dataset_n_rows(tr), n_te = st_dataset_n_rows(te);
    const float *y_tr = st_dataset_labels(tr);
    double cw[2] = {1, prm->scale_pos_weight}, n_pos = 0;
    for (size_t i = 0; i < n_tr; i++)
        n_pos += y_tr[i] != 0;
    if (prm->class_weight == ST_CLASS_WEIGHT_BALANCED && n_pos > 0 && n_pos < (double)n_tr) {
        cw[0] *= (double)n_tr / (2.0 * ((double)n_tr - n_pos));
        cw[1] *= (double)n_tr / (2.0 * n_pos);
    }
    if (cw[0] == 1 && cw[1] == 1)
        return ST_OK;
    if (te->weights == NULL) {
        if ((te->weights = st__malloc_array(n_te > 0 ? n_te : 1, sizeof *te->weights)) == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu validation weights", n_te);
        for (size_t i = 0; i < n_te; i++)
            te->weights[i] = 1;
    }
    const float *y = st_dataset_labels(te);
    for (size_t i = 0; i < n_te; i++)
        te->weights[i] = (float)(te->weights[i] * cw[y[i] != 0]);
    return ST_OK;
}

/* Trains on the rows outside fold f with fold f as the validation set and early stopping;
 * *best gets the best iteration. */
static st_status one_validation(const st_dataset *ds, const st_gbdt_params *prm,
                                const int *fold, int f, size_t *train, size_t *test,
                                int *best, st_error *err)
{
    size_t n_train = 0, n_test = 0;
    st__folds_split(fold, st_dataset_n_rows(ds), f, train, &n_train, test, &n_test);
    st_gbdt_params p = *prm;
    p.num_trees = ST_GBDT_AUTO_MAX_TREES;
    p.early_stopping_rounds = ST_GBDT_AUTO_STOPPING_ROUNDS;
    st_dataset *tr = NULL, *te = NULL;
    st_gbdt *m = NULL;
    st_status rc = st_dataset_subset(ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, test, n_test, &te, err);
    if (rc == ST_OK && st_dataset_n_rows(ds) >= ST_GBDT_AUTO_FOLD_ROWS &&
        p.metric == ST_GBDT_METRIC_LOGLOSS)
        rc = weigh_held_out(tr, te, &p, err);
    if (rc == ST_OK)
        rc = st__gbdt_train_fixed(tr, te, &p, NULL, &m, err);
    if (rc == ST_OK)
        *best = st_gbdt_best_iteration(m);
    st_gbdt_free(m);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

/* The inner validation fits of a small cohort, side by side (st__run_fallible): fold f's
 * fit on one thread with its own row lists and error; the results are read in fold order
 * afterwards, so the choice is the one made fold after fold. */
typedef struct validation_jobs {
    const st_dataset *ds;
    st_gbdt_params prm; /* n_threads 1 */
    const int *fold;
    size_t *rows;       /* 2 n per fold: its training and test row lists */
    int *best;
} validation_jobs;

static st_status validation_task(void *ctx, size_t f, st_error *err)
{
    validation_jobs *j = ctx;
    const size_t n = st_dataset_n_rows(j->ds);
    size_t *train = j->rows + 2 * n * f, *test = train + n;
    return one_validation(j->ds, &j->prm, j->fold, (int)f, train, test, &j->best[f], err);
}

/* Whether the inner fits run side by side: with threads and several folds. Each fit is
 * small then (below ST_GBDT_AUTO_FOLD_ROWS rows there are folds), too small to share its
 * own work, and its model does not depend on its threads; the caller's should_stop is
 * asked through a relay (core/parallel.h), on the calling thread only. */
static int side_by_side(const st_gbdt_params *prm, int n_validations)
{
    return n_validations > 1 && st__n_threads(prm->n_threads) > 1;
}

/* The number of trees: the rounded mean best iteration over the held-out folds. */
static st_status choose_trees(const st_dataset *ds, const st_gbdt_params *prm,
                              st_gbdt_auto_trees_info *info, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    int *fold = st__malloc_array(n, sizeof *fold);
    validation_jobs jobs = {.ds = ds, .prm = *prm, .fold = fold, .best = info->best};
    st__stop_relay relay;
    st_status rc = ST_OK;
    if (fold == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory choosing the number of trees on %zu "
                      "rows", n);
        goto done;
    }
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = ST_GBDT_AUTO_FOLDS;
    fp.seed = prm->seed;
    size_t made = 0;
    if ((rc = st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &made, err)) != ST_OK)
        goto done;
    *info = (st_gbdt_auto_trees_info){0};
    info->n_validations = n < ST_GBDT_AUTO_FOLD_ROWS ? (int)made : 1;
    const size_t nv = (size_t)info->n_validations;
    const int together = side_by_side(prm, info->n_validations);
    int overflow = 0; /* row lists: one pair per fold side by side, one pair in turn */
    jobs.rows = st__malloc_array(st__mul_size(2 * n, together ? nv : 1, &overflow),
                                 sizeof *jobs.rows);
    if (overflow || jobs.rows == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory choosing the number of trees on %zu "
                      "rows", n);
        goto done;
    }
    if (together) {
        jobs.prm.n_threads = 1;
        st__stop_relay *stop = st__stop_relay_wrap(&relay, &jobs.prm.should_stop,
                                                   &jobs.prm.should_stop_data);
        rc = st__run_fallible(nv, st__n_threads(prm->n_threads), validation_task, &jobs, stop,
                              err);
    } else {
        for (size_t f = 0; f < nv && rc == ST_OK; f++)
            rc = one_validation(ds, prm, fold, (int)f, jobs.rows, jobs.rows + n,
                                &info->best[f], err);
    }
    if (rc == ST_OK) {
        double sum = 0;
        for (size_t f = 0; f < nv; f++)
            sum += info->best[f];
        info->num_trees = (int)fmax(1, floor(sum / info->n_validations + 0.5));
    }
done:
    st__free(fold);
    st__free(jobs.rows);
    return rc;
}

st_status st_gbdt_train_ex(const st_dataset *ds, const st_dataset *valid,
                           const st_gbdt_params *prm_in, const st_gbdt_train_callbacks *cb,
                           st_gbdt **out, st_error *err)
{
    st_gbdt_params prm = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    if (prm.num_trees != ST_GBDT_NUM_TREES_AUTO || ds == NULL || out == NULL)
        return st__gbdt_train_fixed(ds, valid, &prm, cb, out, err);
    *out = NULL;
    if (valid != NULL || prm.early_stopping_rounds > 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: with a validation set or "
                        "early_stopping_rounds, give num_trees > 0 (the most trees); "
                        "ST_GBDT_NUM_TREES_AUTO holds out its own folds");
    const char *why = st_gbdt_params_check(&prm);
    if (why != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %s", why);
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;
    prm = st__gbdt_params_canonical(prm); /* the held-out rows' class weights */
    st_gbdt_auto_trees_info info;
    if ((rc = choose_trees(ds, &prm, &info, err)) != ST_OK)
        return rc;
    prm.num_trees = info.num_trees;
    if ((rc = st__gbdt_train_fixed(ds, NULL, &prm, cb, out, err)) == ST_OK) {
        (*out)->trees_chosen = 1;
        (*out)->auto_trees = info;
    }
    return rc;
}

st_status st_gbdt_train(const st_dataset *ds, const st_gbdt_params *prm, st_gbdt **out,
                        st_error *err)
{
    return st_gbdt_train_ex(ds, NULL, prm, NULL, out, err);
}

int st_gbdt_auto_trees(const st_gbdt *m, st_gbdt_auto_trees_info *out)
{
    if (m == NULL || !m->trees_chosen)
        return 0;
    if (out != NULL)
        *out = m->auto_trees;
    return 1;
}
