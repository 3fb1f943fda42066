/* Gradient-boosted trees: the boosting loop (Friedman, "Greedy function approximation: a
 * gradient boosting machine", 2001, with the second-order leaf values of XGBoost, Chen &
 * Guestrin 2016; LightGBM GBDT::TrainOneIter). Each round computes the log-loss gradients
 * at the current scores, draws the rows (bagging: each row kept with probability
 * bagging_fraction, by a hash of (seed, round, row), redrawn every bagging_freq rounds)
 * and the features (feature_fraction of them, at least one, per tree) from a generator
 * seeded by (seed, round), grows a tree and adds its leaf values to the scores: by leaf
 * for the rows it was grown on, by walking the binned tree for the rows left out of the
 * bag.
 *
 * The rows may be one process's part of a distributed training (gbdt_train_core.h).
 * Everything that reaches the model is then the same as in one process with all the rows:
 * a row's weight, gradient, bag membership and score depend only on the row, its global
 * index and values summed or maxed across processes (the class counts, the weight sums
 * of the initial score, the trees' histograms, in fixed point: gbdt_fixed.c), and the
 * feature draw only on (seed, round). */
#include "gbdt_train_core.h"
#include "gbdt_monitor.h"
#include "gbdt_rand.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

/* The row weights: each row's own weight times its class's weight (balanced: n / (2 n_c),
 * with the class counts n_c of all processes) times scale_pos_weight. */
static st_status row_weights(const st__gbdt_train_data *d, const st_gbdt_params *prm,
                             st__gbdt_row_weights *w, st_error *err)
{
    const size_t n = d->n_rows;
    const float *y = d->y;
    int64_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        n_pos += y[i] != 0;
    st_status rc = st__gbdt_reduce_sum(d->reducer, &n_pos, 1, err);
    if (rc != ST_OK)
        return rc;
    const double n_all = (double)d->n_rows_global;
    if (n_pos == 0 || (uint64_t)n_pos == d->n_rows_global)
        return st__fail(err, ST_ERR_DATA, "every training row is %s; training a classifier "
                        "needs rows of both classes", n_pos == 0 ? "negative" : "positive");
    w->rw = d->w;
    w->cw[0] = 1;
    w->cw[1] = prm->scale_pos_weight;
    if (prm->class_weight == ST_CLASS_WEIGHT_BALANCED) {
        w->cw[0] *= n_all / (2.0 * (n_all - (double)n_pos));
        w->cw[1] *= n_all / (2.0 * (double)n_pos);
    }
    return ST_OK;
}

/* splitmix64's output function: a 64-bit mix (Steele, Lea, Flood 2014). */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The bag of round t into rows (in order) and in_bag; returns its size. Row i is kept
 * when a hash of (seed, t, its global index row0 + i), uniform in [0, 1), is below
 * bagging_fraction: a row's fate does not depend on the other rows, so it is the same
 * however the rows are split across processes. */
static size_t draw_bag(const st_gbdt_params *prm, int t, uint64_t row0, size_t n,
                       uint32_t *rows, uint8_t *in_bag)
{
    const uint64_t key = mix64(prm->seed * 0x9e3779b97f4a7c15ULL +
                               (uint64_t)t * 0x632be59bd9b4e019ULL + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t z = mix64(key + (row0 + i) * 0x9e3779b97f4a7c15ULL);
        in_bag[i] = (double)(z >> 11) * 0x1.0p-53 < prm->bagging_fraction;
        if (in_bag[i])
            rows[k++] = (uint32_t)i;
    }
    return k;
}

/* The features of round t: max(1, round(nf * feature_fraction)) of them, by a partial
 * Fisher-Yates shuffle of perm. */
static void draw_features(const st_gbdt_params *prm, int t, size_t nf, size_t *perm,
                          uint8_t *use)
{
    uint64_t state = prm->seed * 0xd1b54a32d192ed03ULL + (uint64_t)t * 0x8cb92ba72f3d8dd7ULL + 7;
    size_t k = (size_t)floor((double)nf * prm->feature_fraction + 0.5);
    k = k < 1 ? 1 : k > nf ? nf : k;
    for (size_t j = 0; j < nf; j++) {
        perm[j] = j;
        use[j] = 0;
    }
    for (size_t j = 0; j < k; j++) {
        size_t r = j + (size_t)(st__gbdt_rand_unit(&state) * (double)(nf - j));
        size_t tmp = perm[j];
        perm[j] = perm[r < nf ? r : nf - 1];
        perm[r < nf ? r : nf - 1] = tmp;
        use[perm[j]] = 1;
    }
}

/* Below this many rows the scores are updated on one thread. */
#define UPDATE_PARALLEL_MIN 32768

/* Adds the tree's leaf value to the score of each row out of the bag, walking the tree
 * over the feature-major codes of type T (uint8_t, or uint16_t for more than 255 bins). */
#define DEFINE_OUT_OF_BAG(NAME, T)                                                        \
    static void NAME(const st__gbdt_grower *gr, const T *cols, const uint8_t *in_bag,     \
                     double *score, int nt, int par)                                      \
    {                                                                                     \
        const st__gbdt_bins *b = gr->bins;                                                \
        const long n = (long)b->n_rows;                                                   \
        _Pragma("omp parallel for num_threads(nt) schedule(static) if (par)")             \
        for (long i = 0; i < n; i++) {                                                    \
            if (in_bag[i])                                                                \
                continue;                                                                 \
            int32_t k = gr->n_leaves > 1 ? 0 : ~0;                                        \
            while (k >= 0) {                                                              \
                const st__gbdt_node *nd = &gr->nodes[k];                                  \
                const unsigned c = b->col_of != NULL                                      \
                    ? st__gbdt_code_at(b, (size_t)nd->feature, (size_t)i)                 \
                    : cols[(size_t)nd->feature * b->n_rows + (size_t)i];                  \
                const int left = st__gbdt_bin_goes_left(nd, gr->node_bin[k],             \
                                                        gr->node_set[k], c);              \
                k = left ? nd->left : nd->right;                                          \
            }                                                                             \
            score[i] += gr->values[~k];                                                   \
        }                                                                                 \
    }
DEFINE_OUT_OF_BAG(out_of_bag_u8, uint8_t)
DEFINE_OUT_OF_BAG(out_of_bag_u16, uint16_t)

/* Adds the new tree's leaf values to the scores of row segment s's rows. */
static void segment_scores(const st__gbdt_grower *gr, int s, double *score)
{
    const size_t S = (size_t)gr->n_seg;
    for (int l = 0; l < gr->n_leaves; l++) {
        const size_t q = (size_t)l * S + (size_t)s;
        const uint32_t *rows = gr->rows + gr->begin[q];
        const double v = gr->values[l];
        for (size_t i = 0; i < gr->count[q]; i++)
            score[rows[i]] += v;
    }
}

/* Adds the new tree's leaf values to the scores. */
static void update_scores(const st__gbdt_grower *gr, const uint8_t *in_bag, double *score,
                          int nt)
{
    const int S = gr->n_seg, par = nt > 1 && gr->bins->n_rows >= UPDATE_PARALLEL_MIN;
    /* A thread per row segment, each over its own (leaf, segment) row ranges: a segment's
       rows are its own blocks of rows (gbdt_grow.c), so the threads write the scores of
       disjoint blocks. Dealt by (leaf, segment) range instead, both threads wrote into
       the same cache lines of the scores all the time: the update took 3.5 times one
       thread's CPU on two (perf, higgs 1M). */
    if (par && S > 1) {
#pragma omp parallel for num_threads(S) schedule(static, 1)
        for (int s = 0; s < S; s++)
            segment_scores(gr, s, score);
    } else { /* (no parallel region: even one of one thread ends in a system call) */
        for (int s = 0; s < S; s++)
            segment_scores(gr, s, score);
    }
    if (in_bag == NULL)
        return;
    if (gr->bins->wide)
        out_of_bag_u16(gr, gr->bins->cols16, in_bag, score, nt, par);
    else
        out_of_bag_u8(gr, gr->bins->cols, in_bag, score, nt, par);
}

/* Working arrays of the loop: the scores, and the bag only when bagging. A row's weight
 * is computed when needed and its gradients go straight into the grower's fixed-point
 * arrays, so the loop keeps 8 bytes a row of its own (13 with bagging). */
typedef struct boost_work {
    double *score;
    uint32_t *bag;
    uint8_t *in_bag, *use;
    size_t *perm;
} boost_work;

static void work_free(boost_work *wk)
{
    st__free(wk->score);
    st__free(wk->bag);
    st__free(wk->in_bag);
    st__free(wk->use);
    st__free(wk->perm);
}

static int work_alloc(boost_work *wk, size_t n, size_t nf, int bagging)
{
    n = n ? n : 1;
    nf = nf ? nf : 1;
    wk->score = st__malloc_array(n, sizeof *wk->score);
    st__advise_huge_pages(wk->score, n * sizeof *wk->score); /* see gbdt_bundle.c */
    if (bagging) {
        wk->bag = st__malloc_array(n, sizeof *wk->bag);
        wk->in_bag = st__malloc_array(n, sizeof *wk->in_bag);
    }
    wk->use = st__malloc_array(nf, sizeof *wk->use);
    wk->perm = st__malloc_array(nf, sizeof *wk->perm);
    return wk->score && (!bagging || (wk->bag && wk->in_bag)) && wk->use && wk->perm;
}

static st_status boost(const st__gbdt_train_data *d, const st_gbdt_params *prm, int nt,
                       st__gbdt_grower *gr, boost_work *wk, st__gbdt_monitor *mon,
                       st_gbdt *m, st_error *err)
{
    const size_t n = d->n_rows, nf = d->schema->n_features;
    const float *y = d->y;
    const int bagging = prm->bagging_freq > 0 && prm->bagging_fraction < 1;
    const int sampling = prm->feature_fraction < 1;
    size_t n_bag = n;
    st__gbdt_row_weights w;
    double w_max; /* the largest row weight, which bounds every gradient */
    st_status rc = row_weights(d, prm, &w, err);
    if (rc != ST_OK ||
        (rc = st__gbdt_init_score(y, &w, n, d->n_rows_global, d->reducer, &m->init_score,
                                  &w_max, err)) != ST_OK)
        return rc;
    if (!isfinite(m->init_score))
        return st__fail(err, ST_ERR_DATA, "a class has zero total weight: the initial score "
                        "log(p / (1 - p)) is infinite");
    for (size_t i = 0; i < n; i++)
        wk->score[i] = m->init_score;
    for (int t = 0; t < prm->num_trees; t++) {
        /* the caller's stop, between trees; not in a distributed training, whose processes
         * would have to agree on it */
        if (prm->should_stop != NULL && d->reducer == NULL &&
            prm->should_stop(prm->should_stop_data))
            return st__fail(err, ST_ERR_CANCELLED, "boosted trees: stopped by should_stop "
                            "after %d of %d trees", t, prm->num_trees);
        if ((rc = st__gbdt_logloss_fixed(gr, wk->score, y, &w, w_max, err)) != ST_OK)
            return rc;
        if (gr->quant)
            st__gbdt_quantize_grad(gr, prm->seed, t, d->row0);
        if (bagging && t % prm->bagging_freq == 0)
            n_bag = draw_bag(prm, t, d->row0, n, wk->bag, wk->in_bag);
        if (sampling)
            draw_features(prm, t, nf, wk->perm, wk->use);
        if (bagging)
            memcpy(gr->rows, wk->bag, n_bag * sizeof *gr->rows);
        else
            for (size_t i = 0; i < n; i++)
                gr->rows[i] = (uint32_t)i;
        if ((rc = st__gbdt_grow(gr, n_bag, sampling ? wk->use : NULL, err)) != ST_OK)
            return rc;
        /* a leaf's cover is its Hessian sum, still in gr->sum_h */
        if (!st__gbdt_store_cat_sets(m, gr->bins, gr->nodes, (const uint32_t (*)[8])gr->node_set,
                                     (size_t)gr->n_leaves - 1) ||
            !st__gbdt_append_tree_covers(m, gr->nodes, gr->values, gr->sum_h,
                                         (size_t)gr->n_leaves))
            return st__fail(err, ST_ERR_NOMEM, "out of memory storing tree %d", t + 1);
        update_scores(gr, bagging ? wk->in_bag : NULL, wk->score, nt);
        int stop = 0;
        rc = mon != NULL ? st__gbdt_monitor_step(mon, m, wk->score, t, &stop, err)
                                   : ST_OK;
        if (rc != ST_OK)
            return rc;
        if (stop)
            break;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(wk->score[i]))
            return st__fail(err, ST_ERR_NUMERIC, "the score of row %llu is not finite",
                            (unsigned long long)(d->row0 + i + 1));
    return ST_OK;
}

/* The shape of d: its bins describe its rows and schema's features. */
static st_status check_data(const st__gbdt_train_data *d, st_error *err)
{
    if (d->schema == NULL || d->bins == NULL || d->y == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st__gbdt_train_core: no %s",
                        d->schema == NULL ? "schema" : d->bins == NULL ? "bins" : "labels");
    if (d->bins->n_rows != d->n_rows || d->bins->n_features != d->schema->n_features ||
        d->schema->n_features == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st__gbdt_train_core: %zu binned rows x %zu "
                        "features for %zu rows x %zu features", d->bins->n_rows,
                        d->bins->n_features, d->n_rows, d->schema->n_features);
    if (d->n_rows >= UINT32_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %zu rows; at most %u are "
                        "supported", d->n_rows, UINT32_MAX - 1);
    if (d->row0 + d->n_rows > d->n_rows_global || d->n_rows_global == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st__gbdt_train_core: local rows [%llu, %llu) "
                        "of %llu", (unsigned long long)d->row0,
                        (unsigned long long)(d->row0 + d->n_rows),
                        (unsigned long long)d->n_rows_global);
    return ST_OK;
}

st_status st__gbdt_train_core(const st__gbdt_train_data *d, const st_dataset *valid,
                              const st_gbdt_params *prm_in, const st_gbdt_train_callbacks *cb,
                              st_gbdt **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (d == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st__gbdt_train_core: %s is NULL",
                        d == NULL ? "data" : "out");
    const st_gbdt_params given = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    const char *why = st_gbdt_params_check(&given);
    if (why != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %s", why);
    const st_gbdt_params prm = st__gbdt_params_canonical(given);
    if (prm.num_trees == ST_GBDT_NUM_TREES_AUTO)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: the number of trees is "
                        "chosen by early stopping only on a dataset without a validation "
                        "set; give num_trees > 0");
    st_status rc = check_data(d, err);
    if (rc != ST_OK || (rc = st__gbdt_monotone_check(d->schema, prm.monotone, err)) != ST_OK)
        return rc;
    if (prm.quantized_grad && d->reducer != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: quantized_grad is not "
                        "supported in a distributed training; train without it");
    if (prm.quantized_grad && st__gbdt_monotone_any(prm.monotone, d->schema->n_features))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: quantized_grad is not "
                        "supported with monotone constraints; train without one of them");
    const size_t n = d->n_rows;
    const int nt = st__n_threads(prm.n_threads);
    st_gbdt *m = st__calloc(1, sizeof *m);
    st__gbdt_grower gr = {0};
    boost_work wk = {0};
    st__gbdt_monitor *mon = NULL;
    if (m == NULL || !work_alloc(&wk, n, d->schema->n_features,
                                     prm.bagging_freq > 0 && prm.bagging_fraction < 1)) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for training on %zu rows", n);
        goto done;
    }
    m->params = prm;
    m->params.n_threads = 0;
    m->params.should_stop = NULL; /* the caller's, not the model's */
    m->params.should_stop_data = NULL;
    m->tree_cap = (size_t)prm.num_trees + 1;
    m->node_start = st__calloc(m->tree_cap, sizeof *m->node_start);
    m->leaf_start = st__calloc(m->tree_cap, sizeof *m->leaf_start);
    if (m->node_start == NULL || m->leaf_start == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %d trees", prm.num_trees);
        goto done;
    }
    if ((rc = st__gbdt_copy_schema(d->schema, m, err)) != ST_OK ||
        (rc = st__gbdt_monotone_copy(m, prm.monotone, err)) != ST_OK ||
        (rc = st__gbdt_monitor_new(m, d->y, d->w, n, valid, &prm, cb, nt, &mon, err)) != ST_OK ||
        (rc = st__gbdt_grower_init(&gr, d->bins, &prm, d->reducer, d->n_rows_global, nt,
                                    err)) != ST_OK ||
        (rc = boost(d, &prm, nt, &gr, &wk, mon, m, err)) != ST_OK)
        goto done;
    st__gbdt_monitor_finish(mon, m);
    *out = m;
    m = NULL;
done:
    st__gbdt_monitor_free(mon);
    work_free(&wk);
    st__gbdt_grower_free(&gr);
    st_gbdt_free(m);
    return rc;
}
