/* The space stratum tune searches (stratum/tune.h) and the helpers its search and nested
 * estimate share: a candidate's draw, the metric's direction, a candidate's
 * cross-validation parameters. */
#include <math.h>

#include "tune_impl.h"

int st__tune_maximised(st_metric m)
{
    return m == ST_METRIC_ROC_AUC || m == ST_METRIC_PR_AUC;
}

int st__tune_better(st_metric m, double a, double b)
{
    if (isnan(a))
        return 0;
    if (isnan(b))
        return 1;
    return st__tune_maximised(m) ? a > b : a < b;
}

/* A uniform number in [0, 1) from the stream: the top 53 bits. */
static double uniform(uint64_t *s)
{
    return (double)(st__tune_splitmix(s) >> 11) * 0x1.0p-53;
}

static double log_uniform(uint64_t *s, double lo, double hi)
{
    return exp(log(lo) + uniform(s) * (log(hi) - log(lo)));
}

/* A whole number drawn log-uniformly in [lo, hi]: floor of a draw in [lo, hi + 1). */
static int log_int(uint64_t *s, int lo, int hi)
{
    int v = (int)floor(log_uniform(s, lo, hi + 1.0));
    return v > hi ? hi : v;
}

void st__tune_draw(const st_tune_params *prm, size_t id, st_tune_candidate *c)
{
    /* each candidate its own stream: (seed, id) mixed, then every parameter drawn in a
     * fixed order whether fixed or not, so fixing one leaves the others' draws alone */
    uint64_t s = (uint64_t)prm->cv.seed ^ (0xD1B54A32D192ED03ull * ((uint64_t)id + 1));
    st__tune_splitmix(&s);
    const unsigned fx = prm->fixed;
    c->logreg = prm->cv.logreg;
    c->gbdt = prm->cv.gbdt;
    const int balanced = uniform(&s) < 0.5;
    if (prm->cv.family == ST_CV_LOGREG) {
        const double lambda = log_uniform(&s, 1e-4, 1.0), alpha = uniform(&s);
        if (!(fx & ST_TUNE_LAMBDA))
            c->logreg.lambda = lambda;
        if (!(fx & ST_TUNE_ALPHA))
            c->logreg.alpha = alpha;
        if (!(fx & ST_TUNE_CLASS_WEIGHT))
            c->logreg.class_weight = balanced ? ST_CLASS_WEIGHT_BALANCED : ST_CLASS_WEIGHT_NONE;
        return;
    }
    const int leaves = log_int(&s, 4, 64), min_leaf = log_int(&s, 2, 100);
    const double rate = log_uniform(&s, 0.01, 0.3), ff = 0.5 + 0.5 * uniform(&s);
    const double bf = 0.5 + 0.5 * uniform(&s), l2 = log_uniform(&s, 1e-3, 10.0);
    if (!(fx & ST_TUNE_NUM_LEAVES))
        c->gbdt.num_leaves = leaves;
    if (!(fx & ST_TUNE_MIN_DATA_IN_LEAF))
        c->gbdt.min_data_in_leaf = min_leaf;
    if (!(fx & ST_TUNE_LEARNING_RATE))
        c->gbdt.learning_rate = rate;
    if (!(fx & ST_TUNE_FEATURE_FRACTION))
        c->gbdt.feature_fraction = ff;
    if (!(fx & ST_TUNE_BAGGING_FRACTION)) {
        c->gbdt.bagging_fraction = bf;
        c->gbdt.bagging_freq = 1;
    }
    if (!(fx & ST_TUNE_LAMBDA_L2))
        c->gbdt.lambda_l2 = l2;
    if (!(fx & ST_TUNE_CLASS_WEIGHT)) {
        c->gbdt.class_weight = balanced ? ST_CLASS_WEIGHT_BALANCED : ST_CLASS_WEIGHT_NONE;
        c->gbdt.scale_pos_weight = 1;
    }
}

st_cv_params st__tune_cv_params(const st_tune_params *prm, const st_tune_candidate *c)
{
    st_cv_params p = prm->cv;
    p.logreg = c->logreg;
    p.gbdt = c->gbdt;
    p.n_repeats = 1;
    p.eval = st_eval_params_default();
    p.eval.n_bootstrap = 0;
    p.threshold_folds = 0;
    p.progress = NULL, p.progress_data = NULL;
    p.on_part = NULL, p.part_data = NULL;
    return p;
}
