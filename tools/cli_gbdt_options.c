/* The gradient-boosted trees training options shared by train, cv and compare. */
#include <math.h>
#include <string.h>

#include "cli_gbdt_options.h"

const char cli_gbdt_help[] =
    "  --num-trees N                   boosting rounds (default: chosen by early stopping,\n"
    "                                  20 rounds, on 5 held-out folds of the training rows\n"
    "                                  (one on 10,000 rows or more, its log loss then\n"
    "                                  weighted by the class weights), then refitted on all\n"
    "                                  rows; 100 with --valid, --valid-fraction or\n"
    "                                  --early-stopping-rounds; needed for a binned file)\n"
    "  --num-leaves N                  max leaves per tree, 2..131072 (default: 31)\n"
    "  --max-depth N                   max depth; -1 or 0 no limit (default: -1)\n"
    "  --learning-rate X               shrinkage > 0 (default: 0.1)\n"
    "  --max-bin N                     bins per feature, 2..65535 (default: 255; more than\n"
    "                                  255 stores two-byte bin codes: twice the memory)\n"
    "  --min-data-in-leaf N            min rows per leaf >= 1 (default: 20)\n"
    "  --min-sum-hessian-in-leaf X     min Hessian per leaf >= 0 (default: 0.001)\n"
    "  --lambda-l1 X, --lambda-l2 X    penalties on leaf values >= 0 (default: 0)\n"
    "  --min-gain-to-split X           min split gain >= 0 (default: 0)\n"
    "  --feature-fraction X            features drawn per tree, (0, 1] (default: 1)\n"
    "  --bagging-fraction X            rows drawn, (0, 1] (default: 1)\n"
    "  --bagging-freq N                redraw rows every N trees; 0 = off (default: 0)\n"
    "  --scale-pos-weight X            weight of positive rows > 0 (default: 1)\n"
    "  --class-weight W                none, balanced, or a number: positive rows weigh W,\n"
    "                                  as with --scale-pos-weight W (default: none)\n"
    "  --monotone NAME:+1,NAME2:-1     monotone constraints: predictions never decrease (+1)\n"
    "                                  or never increase (-1) as that numeric feature rises,\n"
    "                                  the others fixed; missing values are not ordered\n"
    "                                  (default: none)\n"
    "  (--seed seeds bagging, feature_fraction and the bin sample)\n"
    "Categorical columns (split into a set of levels that goes left and the rest):\n"
    "  --max-cat-to-onehot N           at most N level bins: one-vs-rest splits >= 1\n"
    "                                  (default: 4)\n"
    "  --max-cat-threshold N           most levels on the left of a gradient-sorted\n"
    "                                  split >= 1 (default: 32)\n"
    "  --cat-l2 X                      extra L2 in gradient-sorted splits >= 0 (default: 10)\n"
    "  --cat-smooth X                  added to a level's Hessian when sorting; levels with\n"
    "                                  fewer rows stay right, >= 0 (default: 10)\n"
    "  --min-data-per-group N          min rows per group of levels >= 1 (default: 100)\n"
    "  --max-cat-levels N              columns of more levels are split as ordered level\n"
    "                                  codes; 0 = no limit (default: 255)\n"
    "Quantized gradients (LightGBM's use_quantized_grad):\n"
    "  --quantized-grad                split on gradients rounded to a few levels (faster\n"
    "                                  histograms), leaf values from the exact ones; the\n"
    "                                  rounding is seeded by --seed (default: off; not with\n"
    "                                  --monotone)\n"
    "  --num-grad-quant-bins N         levels with --quantized-grad, 2..1024 (default: 4)\n";

/* A number option into *out, or a usage error naming it. */
static int real_opt(const char *command, const char *name, const char *arg, double lo,
                    int lo_open, double hi, double *out)
{
    double v;
    if (!cli_parse_double(arg, &v) || !isfinite(v) || v < lo || (lo_open && v == lo) || v > hi)
        return cli_usage_error(command, "--%s '%s': expected a number %s %g%s", name, arg,
                               lo_open ? ">" : ">=", lo, hi == 1 ? " and <= 1" : ""), -1;
    *out = v;
    return 1;
}

static int int_opt(const char *command, const char *name, const char *arg, long lo, long hi,
                   int *out)
{
    long v;
    if (!cli_parse_int(arg, lo, hi, &v))
        return cli_usage_error(command, "--%s '%s': expected a whole number from %ld to %ld",
                               name, arg, lo, hi), -1;
    *out = (int)v;
    return 1;
}

int cli_gbdt_option(const char *command, st_gbdt_params *p, int code, const char *arg)
{
    const double big = 1e308;
    const char *c = command;
    double w;
    switch (code) {
    case OPT_GBDT_NUM_TREES: return int_opt(c, "num-trees", arg, 1, 100000000L, &p->num_trees);
    case OPT_GBDT_NUM_LEAVES: return int_opt(c, "num-leaves", arg, 2, 131072, &p->num_leaves);
    case OPT_GBDT_MAX_DEPTH: return int_opt(c, "max-depth", arg, -1, 100000, &p->max_depth);
    case OPT_GBDT_LEARNING_RATE:
        return real_opt(c, "learning-rate", arg, 0, 1, big, &p->learning_rate);
    case OPT_GBDT_MAX_BIN: return int_opt(c, "max-bin", arg, 2, 65535, &p->max_bin);
    case OPT_GBDT_MIN_DATA:
        return int_opt(c, "min-data-in-leaf", arg, 1, 2147483647L, &p->min_data_in_leaf);
    case OPT_GBDT_MIN_HESS:
        return real_opt(c, "min-sum-hessian-in-leaf", arg, 0, 0, big,
                        &p->min_sum_hessian_in_leaf);
    case OPT_GBDT_L1: return real_opt(c, "lambda-l1", arg, 0, 0, big, &p->lambda_l1);
    case OPT_GBDT_L2: return real_opt(c, "lambda-l2", arg, 0, 0, big, &p->lambda_l2);
    case OPT_GBDT_MIN_GAIN:
        return real_opt(c, "min-gain-to-split", arg, 0, 0, big, &p->min_gain_to_split);
    case OPT_GBDT_FEATURE_FRACTION:
        return real_opt(c, "feature-fraction", arg, 0, 1, 1, &p->feature_fraction);
    case OPT_GBDT_BAGGING_FRACTION:
        return real_opt(c, "bagging-fraction", arg, 0, 1, 1, &p->bagging_fraction);
    case OPT_GBDT_BAGGING_FREQ:
        return int_opt(c, "bagging-freq", arg, 0, 2147483647L, &p->bagging_freq);
    case OPT_GBDT_SCALE_POS:
        return real_opt(c, "scale-pos-weight", arg, 0, 1, big, &p->scale_pos_weight);
    case OPT_GBDT_CLASS_WEIGHT:
        if (strcmp(arg, "none") == 0)
            p->class_weight = ST_CLASS_WEIGHT_NONE;
        else if (strcmp(arg, "balanced") == 0)
            p->class_weight = ST_CLASS_WEIGHT_BALANCED;
        else if (cli_parse_double(arg, &w) && w > 0 && !isinf(w)) /* as logreg's W */
            p->class_weight = ST_CLASS_WEIGHT_NONE, p->scale_pos_weight = w;
        else
            return cli_usage_error(c, "--class-weight '%s': expected none, balanced or a "
                                   "number > 0", arg), -1;
        return 1;
    case OPT_GBDT_MAX_CAT_TO_ONEHOT:
        return int_opt(c, "max-cat-to-onehot", arg, 1, 2147483647L, &p->max_cat_to_onehot);
    case OPT_GBDT_MAX_CAT_THRESHOLD:
        return int_opt(c, "max-cat-threshold", arg, 1, 2147483647L, &p->max_cat_threshold);
    case OPT_GBDT_CAT_L2: return real_opt(c, "cat-l2", arg, 0, 0, big, &p->cat_l2);
    case OPT_GBDT_CAT_SMOOTH: return real_opt(c, "cat-smooth", arg, 0, 0, big, &p->cat_smooth);
    case OPT_GBDT_MIN_DATA_PER_GROUP:
        return int_opt(c, "min-data-per-group", arg, 1, 2147483647L, &p->min_data_per_group);
    case OPT_GBDT_MAX_CAT_LEVELS:
        return int_opt(c, "max-cat-levels", arg, 0, 2147483647L, &p->max_cat_levels);
    case OPT_GBDT_QUANTIZED_GRAD: p->quantized_grad = 1; return 1;
    case OPT_GBDT_NUM_GRAD_QUANT_BINS:
        return int_opt(c, "num-grad-quant-bins", arg, 2, ST_GBDT_GRAD_QUANT_BINS_MAX,
                       &p->num_grad_quant_bins);
    default: return 0;
    }
}

const char cli_gbdt_cv_valid_help[] =
    "  --valid-fraction F              hold out a stratified fraction F in (0, 1) of the\n"
    "                                  training rows (drawn with --seed) as a validation set;\n"
    "                                  the rows held out are not trained on\n"
    "  --early-stopping-rounds N       stop when the validation metric has not improved for\n"
    "                                  N trees and keep the trees up to its best iteration;\n"
    "                                  needs a validation set; 0 = off (default: 0)\n"
    "  --metric M                      validation metric: logloss, auc or pr-auc (average\n"
    "                                  precision) (default: logloss)\n";

const char cli_gbdt_valid_help[] =
    "  --valid FILE                    validation set: labelled, columns matched by name\n"
    "                                  (read with the same data options as DATA)\n"
    "  --valid-fraction F              hold out a stratified fraction F in (0, 1) of DATA's\n"
    "                                  rows (drawn with --seed) as the validation set; the\n"
    "                                  rows held out are not trained on\n"
    "  --early-stopping-rounds N       stop when the validation metric has not improved for\n"
    "                                  N trees and keep the trees up to its best iteration;\n"
    "                                  needs --valid or --valid-fraction; 0 = off (default: 0)\n"
    "  --metric M                      validation metric: logloss, auc or pr-auc (average\n"
    "                                  precision) (default: logloss)\n"
    "  --metric-freq N                 print the validation (and training) metric on stderr\n"
    "                                  every N trees; 0 = never (default: 10). When stderr is\n"
    "                                  a terminal a progress line is drawn too (trees done,\n"
    "                                  elapsed, ETA; see --progress); --quiet silences both\n";

cli_gbdt_valid cli_gbdt_valid_default(void)
{
    cli_gbdt_valid v = {NULL, 0, 10};
    return v;
}

int cli_gbdt_valid_option(const char *command, cli_gbdt_valid *v, st_gbdt_params *p, int code,
                          const char *arg)
{
    const char *c = command;
    double f;
    switch (code) {
    case OPT_GBDT_VALID: v->path = cli_data_path(arg); return 1; /* "-": stdin */
    case OPT_GBDT_VALID_FRACTION:
        if (!cli_parse_double(arg, &f) || !(f > 0 && f < 1))
            return cli_usage_error(c, "--valid-fraction '%s': expected a number > 0 and < 1",
                                   arg), -1;
        v->fraction = f;
        return 1;
    case OPT_GBDT_EARLY_STOPPING:
        return int_opt(c, "early-stopping-rounds", arg, 0, 100000000L, &p->early_stopping_rounds);
    case OPT_GBDT_METRIC:
        for (int m = 0; m <= 2; m++)
            if (strcmp(arg, st_gbdt_metric_name((st_gbdt_metric)m)) == 0) {
                p->metric = (st_gbdt_metric)m;
                return 1;
            }
        return cli_usage_error(c, "--metric '%s': expected logloss, auc or pr-auc", arg), -1;
    case OPT_GBDT_METRIC_FREQ:
        return int_opt(c, "metric-freq", arg, 0, 100000000L, &v->metric_freq);
    default: return 0;
    }
}

int cli_gbdt_valid_check(const char *command, const cli_gbdt_valid *v, st_gbdt_params *p)
{
    /* with the user's own validation, --num-trees keeps its old default, the most trees */
    if (p->num_trees == ST_GBDT_NUM_TREES_AUTO &&
        (v->path != NULL || v->fraction > 0 || p->early_stopping_rounds > 0))
        p->num_trees = 100;
    if (v->path != NULL && v->fraction > 0)
        return cli_usage_error(command, "--valid and --valid-fraction exclude each other");
    if (p->early_stopping_rounds > 0 && v->path == NULL && v->fraction == 0)
        return cli_usage_error(command, "--early-stopping-rounds needs a validation set: "
                               "%s--valid-fraction F",
                               strcmp(command, "train") == 0 ? "--valid FILE or " : "");
    return EXIT_OK;
}
