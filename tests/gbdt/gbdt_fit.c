/* Test helper: trains gradient-boosted trees on a CSV file with options from the command
 * line, predicts another CSV and prints one JSON object, for tests/gbdt/gbdt_vs_xgboost.py.
 *
 *     gbdt_fit TRAIN TEST [num_trees=N] [num_leaves=N] [max_depth=N] [learning_rate=X]
 *              [max_bin=N] [min_data_in_leaf=N] [min_sum_hessian_in_leaf=X]
 *              [lambda_l1=X] [lambda_l2=X] [min_gain_to_split=X] [feature_fraction=X]
 *              [bagging_fraction=X] [bagging_freq=N] [scale_pos_weight=X]
 *              [class_weight=none|balanced] [seed=N] [threads=N] [label=NAME]
 *              [weight=NAME] [ignore=A,B,...] [save=PATH] [max_cat_to_onehot=N]
 *              [max_cat_threshold=N] [cat_l2=X] [cat_smooth=X] [min_data_per_group=N]
 *              [max_cat_levels=N]
 *              [na=A,B,...]
 *
 * Output: {"train_seconds": t, "predict_seconds": t, "trees": n, "init_score": x,
 * "prob": [...]}. With save=PATH the model is saved, loaded back and the loaded model
 * predicts (so the comparison also covers the model file). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stratum.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int usage(const char *arg)
{
    fprintf(stderr, "gbdt_fit: bad argument '%s'\n", arg);
    return 2;
}

static int fail(const char *what, const st_error *err)
{
    fprintf(stderr, "gbdt_fit: %s: %s\n", what, err->message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage("(too few)");
    st_gbdt_params prm = st_gbdt_params_default();
    st_read_options ro = st_read_options_default();
    const char *ignore[64];
    size_t n_ignore = 0;
    const char *save = NULL;
    const char *na[64];
    size_t n_na = 0;
    for (int a = 3; a < argc; a++) {
        char *eq = strchr(argv[a], '=');
        if (eq == NULL)
            return usage(argv[a]);
        *eq = '\0';
        const char *k = argv[a];
        char *v = eq + 1;
        if (!strcmp(k, "num_trees")) prm.num_trees = atoi(v);
        else if (!strcmp(k, "num_leaves")) prm.num_leaves = atoi(v);
        else if (!strcmp(k, "max_depth")) prm.max_depth = atoi(v);
        else if (!strcmp(k, "learning_rate")) prm.learning_rate = atof(v);
        else if (!strcmp(k, "max_bin")) prm.max_bin = atoi(v);
        else if (!strcmp(k, "min_data_in_leaf")) prm.min_data_in_leaf = atoi(v);
        else if (!strcmp(k, "min_sum_hessian_in_leaf")) prm.min_sum_hessian_in_leaf = atof(v);
        else if (!strcmp(k, "lambda_l1")) prm.lambda_l1 = atof(v);
        else if (!strcmp(k, "lambda_l2")) prm.lambda_l2 = atof(v);
        else if (!strcmp(k, "min_gain_to_split")) prm.min_gain_to_split = atof(v);
        else if (!strcmp(k, "feature_fraction")) prm.feature_fraction = atof(v);
        else if (!strcmp(k, "bagging_fraction")) prm.bagging_fraction = atof(v);
        else if (!strcmp(k, "bagging_freq")) prm.bagging_freq = atoi(v);
        else if (!strcmp(k, "scale_pos_weight")) prm.scale_pos_weight = atof(v);
        else if (!strcmp(k, "class_weight"))
            prm.class_weight = strcmp(v, "balanced") ? ST_CLASS_WEIGHT_NONE
                                                     : ST_CLASS_WEIGHT_BALANCED;
        else if (!strcmp(k, "max_cat_to_onehot")) prm.max_cat_to_onehot = atoi(v);
        else if (!strcmp(k, "max_cat_threshold")) prm.max_cat_threshold = atoi(v);
        else if (!strcmp(k, "cat_l2")) prm.cat_l2 = atof(v);
        else if (!strcmp(k, "cat_smooth")) prm.cat_smooth = atof(v);
        else if (!strcmp(k, "min_data_per_group")) prm.min_data_per_group = atoi(v);
        else if (!strcmp(k, "max_cat_levels")) prm.max_cat_levels = atoi(v);
        else if (!strcmp(k, "seed")) prm.seed = strtoull(v, NULL, 10);
        else if (!strcmp(k, "threads")) prm.n_threads = atoi(v);
        else if (!strcmp(k, "label")) ro.label = v;
        else if (!strcmp(k, "weight")) ro.weight = v;
        else if (!strcmp(k, "save")) save = v;
        else if (!strcmp(k, "na")) { /* na= alone: only the empty field is missing */
            na[n_na++] = v;
            for (char *c = strchr(v, ','); c != NULL && n_na < 64; c = strchr(c + 1, ',')) {
                *c = '\0';
                na[n_na++] = c + 1;
            }
            ro.na_values = na;
            ro.n_na_values = n_na;
        }
        else if (!strcmp(k, "ignore")) {
            for (char *t = strtok(v, ","); t != NULL && n_ignore < 64; t = strtok(NULL, ","))
                ignore[n_ignore++] = t;
        } else
            return usage(k);
    }
    ro.ignore = ignore;
    ro.n_ignore = n_ignore;
    st_error err;
    st_dataset *train = NULL, *test = NULL;
    if (st_dataset_read(argv[1], &ro, &train, &err) != ST_OK)
        return fail(argv[1], &err);
    ro.label_required = 0;
    if (st_dataset_read(argv[2], &ro, &test, &err) != ST_OK)
        return fail(argv[2], &err);
    st_gbdt *m = NULL;
    double t0 = now();
    if (st_gbdt_train(train, &prm, &m, &err) != ST_OK)
        return fail("train", &err);
    double t1 = now();
    if (save != NULL) {
        st_gbdt *back = NULL;
        if (st_gbdt_save(m, save, &err) != ST_OK || st_gbdt_load(save, &back, &err) != ST_OK)
            return fail(save, &err);
        st_gbdt_free(m);
        m = back;
    }
    size_t n = st_dataset_n_rows(test);
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (p == NULL)
        return 1;
    double t2 = now();
    if (st_gbdt_predict(m, test, ST_GBDT_PROBABILITY, prm.n_threads, p, n, &err) != ST_OK)
        return fail("predict", &err);
    double t3 = now();
    printf("{\"train_seconds\": %.6f, \"predict_seconds\": %.6f, \"trees\": %zu, "
           "\"init_score\": %.17g, \"prob\": [", t1 - t0, t3 - t2, st_gbdt_n_trees(m),
           st_gbdt_init_score(m));
    for (size_t i = 0; i < n; i++)
        printf("%s%.17g", i ? ", " : "", p[i]);
    printf("]}\n");
    free(p);
    st_gbdt_free(m);
    st_dataset_free(train);
    st_dataset_free(test);
    return 0;
}
