/* Test helper: trains a logistic regression on a CSV file with options from the command
 * line and prints the model as one JSON object, for tests/logreg/logreg_vs_sklearn.py,
 * logreg_vs_glmnet.py and logreg_vs_statsmodels.py.
 *
 *     logreg_fit FILE [lambda=X] [alpha=X] [standardize=0|1] [impute=mean|median]
 *                [indicators=0|1] [class_weight=none|balanced|W] [tol=X] [max_iter=N]
 *                [threads=N] [label=NAME] [weight=NAME] [ignore=NAME] [predict=1]
 *                [stats=1] [path=N] [lambdas=L1,L2,...]
 *
 * Output: {"names": [...], "coef": [...], "intercept": x, "iterations": n,
 * "objective": f, "gap": g, "converged": 0|1, "seconds": t[, "prob": [...]]
 * [, "stats": [[estimate, se, z, p, ci_low, ci_high, or, or_low, or_high], ...]]}
 * (stats: intercept first, level 0.95). With path=N (N lambdas, or the list in lambdas=)
 * it fits the lambda path instead and prints {"names": [...], "lambda_max": x,
 * "lambda": [...], "df": [...], "dev_ratio": [...], "intercept": [...], "coef": [[...]],
 * "converged": [...]}. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stratum.h>

static void print_array(const char *key, const double *v, size_t n)
{
    printf("\"%s\": [", key);
    for (size_t k = 0; k < n; k++)
        printf("%s%.17g", k ? ", " : "", v[k]);
    printf("]");
}

static int print_path(const st_dataset *ds, const st_logreg_params *prm, size_t n_lambda,
                      const char *lambdas)
{
    st_logreg_path_options opt = st_logreg_path_options_default();
    double given[1000];
    opt.n_lambda = n_lambda;
    if (lambdas != NULL) {
        size_t n = 0;
        for (const char *s = lambdas; *s && n < 1000; n++) {
            char *end;
            given[n] = strtod(s, &end);
            s = *end == ',' ? end + 1 : end;
        }
        opt.n_lambda = n;
        opt.lambda = given;
    }
    st_error err;
    st_logreg_path *path = NULL;
    if (st_logreg_path_fit(ds, prm, &opt, &path, &err) != ST_OK) {
        fprintf(stderr, "logreg_fit: path: %s\n", err.message);
        return 1;
    }
    size_t nl = st_logreg_path_n_lambda(path), p = st_logreg_path_n_coefs(path);
    printf("{\"names\": [");
    for (size_t k = 0; k < p; k++)
        printf("%s\"%s\"", k ? ", " : "", st_logreg_path_coef_name(path, k));
    printf("], \"lambda_max\": %.17g, ", st_logreg_path_lambda_max(path));
    print_array("lambda", st_logreg_path_lambdas(path), nl);
    printf(", \"df\": [");
    for (size_t l = 0; l < nl; l++)
        printf("%s%zu", l ? ", " : "", st_logreg_path_df(path)[l]);
    printf("], ");
    print_array("dev_ratio", st_logreg_path_dev_ratios(path), nl);
    printf(", ");
    print_array("intercept", st_logreg_path_intercepts(path), nl);
    printf(", \"coef\": [");
    for (size_t l = 0; l < nl; l++) {
        printf("%s[", l ? ", " : "");
        for (size_t k = 0; k < p; k++)
            printf("%s%.17g", k ? ", " : "", st_logreg_path_coefs(path, l)[k]);
        printf("]");
    }
    printf("], \"converged\": [");
    for (size_t l = 0; l < nl; l++)
        printf("%s%d", l ? ", " : "", st_logreg_path_converged(path, l));
    printf("]}\n");
    st_logreg_path_free(path);
    return 0;
}

static int usage(const char *arg)
{
    fprintf(stderr, "logreg_fit: bad argument '%s'\n", arg);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage("(none)");
    st_logreg_params prm = st_logreg_params_default();
    st_read_options ro = st_read_options_default();
    int predict = 0, stats = 0;
    long path = 0;
    const char *lambdas = NULL;
    const char *ignore[1] = {NULL};
    for (int a = 2; a < argc; a++) {
        char *eq = strchr(argv[a], '=');
        if (eq == NULL)
            return usage(argv[a]);
        *eq = '\0';
        const char *k = argv[a], *v = eq + 1;
        if (!strcmp(k, "lambda")) prm.lambda = atof(v);
        else if (!strcmp(k, "alpha")) prm.alpha = atof(v);
        else if (!strcmp(k, "standardize")) prm.standardize = atoi(v);
        else if (!strcmp(k, "impute"))
            prm.impute = strcmp(v, "median") ? ST_IMPUTE_MEAN : ST_IMPUTE_MEDIAN;
        else if (!strcmp(k, "indicators")) prm.missing_indicators = atoi(v);
        else if (!strcmp(k, "class_weight")) {
            if (!strcmp(v, "none")) prm.class_weight = ST_CLASS_WEIGHT_NONE;
            else if (!strcmp(v, "balanced")) prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
            else prm.class_weight = ST_CLASS_WEIGHT_POSITIVE, prm.positive_weight = atof(v);
        } else if (!strcmp(k, "tol")) prm.tol = atof(v);
        else if (!strcmp(k, "max_iter")) prm.max_iter = atoi(v);
        else if (!strcmp(k, "threads")) prm.n_threads = atoi(v);
        else if (!strcmp(k, "label")) ro.label = v;
        else if (!strcmp(k, "weight")) ro.weight = v;
        else if (!strcmp(k, "ignore")) ignore[0] = v, ro.ignore = ignore, ro.n_ignore = 1;
        else if (!strcmp(k, "predict")) predict = atoi(v);
        else if (!strcmp(k, "stats")) stats = atoi(v);
        else if (!strcmp(k, "path")) path = atol(v);
        else if (!strcmp(k, "lambdas")) lambdas = v, path = path > 0 ? path : 1;
        else return usage(k);
    }
    st_error err;
    st_dataset *ds = NULL;
    st_logreg *m = NULL;
    if (st_dataset_read(argv[1], &ro, &ds, &err) != ST_OK) {
        fprintf(stderr, "logreg_fit: %s\n", err.message);
        return 1;
    }
    if (path > 0) {
        int rc = print_path(ds, &prm, (size_t)path, lambdas);
        st_dataset_free(ds);
        return rc;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st_status rc = st_logreg_train(ds, &prm, &m, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != ST_OK) {
        fprintf(stderr, "logreg_fit: %s: %s\n", st_status_str(rc), err.message);
        st_dataset_free(ds);
        return 1;
    }
    size_t p = st_logreg_n_coefs(m);
    printf("{\"names\": [");
    for (size_t k = 0; k < p; k++) /* test data names need no JSON escaping */
        printf("%s\"%s\"", k ? ", " : "", st_logreg_coef_name(m, k));
    printf("], \"coef\": [");
    for (size_t k = 0; k < p; k++)
        printf("%s%.17g", k ? ", " : "", st_logreg_coefs(m)[k]);
    printf("], \"intercept\": %.17g, \"iterations\": %d, \"objective\": %.17g, \"gap\": %.17g, "
           "\"converged\": %d, \"seconds\": %.6f",
           st_logreg_intercept(m), st_logreg_iterations(m), st_logreg_objective(m),
           st_logreg_gap(m), st_logreg_converged(m),
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    if (predict) {
        size_t n = st_dataset_n_rows(ds);
        double *prob = malloc(n * sizeof *prob);
        if (prob == NULL || st_logreg_predict(m, ds, prob, n, &err) != ST_OK) {
            fprintf(stderr, "logreg_fit: predict failed\n");
            return 1;
        }
        printf(", \"prob\": [");
        for (size_t i = 0; i < n; i++)
            printf("%s%.17g", i ? ", " : "", prob[i]);
        printf("]");
        free(prob);
    }
    if (stats) {
        st_logreg_coef_stat *st = malloc((p + 1) * sizeof *st);
        if (st == NULL || st_logreg_coef_stats(m, 0.95, st, p + 1, &err) != ST_OK) {
            fprintf(stderr, "logreg_fit: stats: %s\n", st ? err.message : "out of memory");
            return 1;
        }
        printf(", \"stats\": [");
        for (size_t k = 0; k <= p; k++) {
            double v[9] = {st[k].estimate, st[k].se, st[k].z, st[k].p_value, st[k].ci_low,
                           st[k].ci_high, st[k].odds_ratio, st[k].or_low, st[k].or_high};
            printf("%s[", k ? ", " : "");
            for (int q = 0; q < 9; q++) /* NaN, inf are not JSON: null */
                printf(isfinite(v[q]) ? "%s%.17g" : "%snull", q ? ", " : "", v[q]);
            printf("]");
        }
        printf("]");
        free(st);
    }
    printf("}\n");
    st_logreg_free(m);
    st_dataset_free(ds);
    return 0;
}
