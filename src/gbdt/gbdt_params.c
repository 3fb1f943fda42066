/* Gradient-boosted trees: the training options, named and defaulted as LightGBM's
 * (https://lightgbm.readthedocs.io/en/latest/Parameters.html), and their checks. */
#include "gbdt_model.h"

#include <math.h>

st_gbdt_params st_gbdt_params_default(void)
{
    st_gbdt_params p = {
        .num_trees = ST_GBDT_NUM_TREES_AUTO,
        .num_leaves = 31,
        .max_depth = -1,
        .learning_rate = 0.1,
        .max_bin = 255,
        .min_data_in_leaf = 20,
        .min_sum_hessian_in_leaf = 1e-3,
        .lambda_l1 = 0,
        .lambda_l2 = 0,
        .min_gain_to_split = 0,
        .feature_fraction = 1,
        .bagging_fraction = 1,
        .bagging_freq = 0,
        .scale_pos_weight = 1,
        .class_weight = ST_CLASS_WEIGHT_NONE,
        .positive_weight = 1,
        .bin_sample_rows = 200000,
        .seed = ST_DEFAULT_SEED,
        .n_threads = 0,
        .early_stopping_rounds = 0,
        .metric = ST_GBDT_METRIC_LOGLOSS,
        .monotone = NULL,
        .max_cat_to_onehot = 4,
        .max_cat_threshold = 32,
        .cat_l2 = 10,
        .cat_smooth = 10,
        .min_data_per_group = 100,
        .max_cat_levels = 255,
        .quantized_grad = 0,
        .num_grad_quant_bins = 4,
    };
    return p;
}

/* v is a finite number >= 0. */
static int nonneg(double v)
{
    return v >= 0 && isfinite(v);
}

const char *st_gbdt_params_check(const st_gbdt_params *p)
{
    if (p == NULL)
        return "the parameters are NULL";
    if (p->num_trees < 1 && p->num_trees != ST_GBDT_NUM_TREES_AUTO)
        return "num_trees must be > 0, or ST_GBDT_NUM_TREES_AUTO";
    if (p->num_leaves < 2 || p->num_leaves > 131072)
        return "num_leaves must be in [2, 131072]";
    if (!(p->learning_rate > 0) || !isfinite(p->learning_rate))
        return "learning_rate must be a finite number > 0";
    if (p->max_bin < 2 || p->max_bin > 65535)
        return "max_bin must be in [2, 65535]";
    if (p->min_data_in_leaf < 1)
        return "min_data_in_leaf must be >= 1";
    if (!nonneg(p->min_sum_hessian_in_leaf))
        return "min_sum_hessian_in_leaf must be a finite number >= 0";
    if (!nonneg(p->lambda_l1))
        return "lambda_l1 must be a finite number >= 0";
    if (!nonneg(p->lambda_l2))
        return "lambda_l2 must be a finite number >= 0";
    if (!nonneg(p->min_gain_to_split))
        return "min_gain_to_split must be a finite number >= 0";
    if (!(p->feature_fraction > 0 && p->feature_fraction <= 1))
        return "feature_fraction must be in (0, 1]";
    if (!(p->bagging_fraction > 0 && p->bagging_fraction <= 1))
        return "bagging_fraction must be in (0, 1]";
    if (p->bagging_freq < 0)
        return "bagging_freq must be >= 0";
    if (!(p->scale_pos_weight > 0) || !isfinite(p->scale_pos_weight))
        return "scale_pos_weight must be a finite number > 0";
    if (p->class_weight != ST_CLASS_WEIGHT_NONE && p->class_weight != ST_CLASS_WEIGHT_BALANCED &&
        p->class_weight != ST_CLASS_WEIGHT_POSITIVE)
        return "class_weight must be none, balanced or positive";
    if (p->class_weight == ST_CLASS_WEIGHT_POSITIVE &&
        (!(p->positive_weight > 0) || !isfinite(p->positive_weight)))
        return "positive_weight must be finite and > 0";
    if (p->bin_sample_rows < 1)
        return "bin_sample_rows must be > 0";
    if (p->n_threads < 0)
        return "n_threads must be >= 0";
    if (p->max_cat_to_onehot < 1)
        return "max_cat_to_onehot must be >= 1";
    if (p->max_cat_threshold < 1)
        return "max_cat_threshold must be >= 1";
    if (!nonneg(p->cat_l2))
        return "cat_l2 must be a finite number >= 0";
    if (!nonneg(p->cat_smooth))
        return "cat_smooth must be a finite number >= 0";
    if (p->min_data_per_group < 1)
        return "min_data_per_group must be >= 1";
    if (p->max_cat_levels < 0)
        return "max_cat_levels must be >= 0";
    if (p->early_stopping_rounds < 0)
        return "early_stopping_rounds must be >= 0";
    if (st_gbdt_metric_name(p->metric) == NULL)
        return "metric must be logloss, auc or pr-auc";
    if (p->quantized_grad != 0 && p->quantized_grad != 1)
        return "quantized_grad must be 0 or 1";
    if (p->num_grad_quant_bins < 2 || p->num_grad_quant_bins > ST_GBDT_GRAD_QUANT_BINS_MAX)
        return "num_grad_quant_bins must be in [2, 1024]";
    return NULL;
}

st_gbdt_params st__gbdt_params_canonical(st_gbdt_params p)
{
    if (p.class_weight == ST_CLASS_WEIGHT_POSITIVE) {
        /* 1 * w is w: the CLI's --class-weight W (scale_pos_weight W) to the bit */
        p.scale_pos_weight *= p.positive_weight;
        p.class_weight = ST_CLASS_WEIGHT_NONE;
    }
    p.positive_weight = 1;
    return p;
}

const char *st_gbdt_metric_name(st_gbdt_metric m)
{
    switch (m) {
    case ST_GBDT_METRIC_LOGLOSS: return "logloss";
    case ST_GBDT_METRIC_AUC: return "auc";
    case ST_GBDT_METRIC_PR_AUC: return "pr-auc";
    }
    return NULL;
}
