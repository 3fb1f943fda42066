/* The feature importance a boosted-trees training prints (train gbdt, in memory, from a
 * binned file or distributed). */
#include <stdio.h>
#include <stdlib.h>

#include "train_binned.h"

/* The text table lists every feature up to this many, else the IMPORTANCE_TOP largest. */
#define IMPORTANCE_ALL_UP_TO 100
#define IMPORTANCE_TOP 30

static const double *sort_gain; /* by_gain's key, set just before the qsort */

/* Larger total gain first, then more splits, then model order: deterministic output. */
static int by_gain(const void *a, const void *b)
{
    const size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (sort_gain[i] != sort_gain[j])
        return sort_gain[i] > sort_gain[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Feature importance (splits and total gain), one feature a line, largest total gain first
 * (ties in model order). JSON also carries "fit_seconds" when fit_seconds >= 0: the
 * training alone, as logistic regression's does (benchmarks read it). */
void cli_gbdt_print_importance(const st_gbdt *m, cli_format format, double fit_seconds)
{
    const size_t n = st_gbdt_n_features(m);
    double *split = malloc((n ? n : 1) * sizeof *split), *gain = malloc((n ? n : 1) * sizeof *gain);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (split == NULL || gain == NULL || order == NULL ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_SPLIT, split, n, NULL) != ST_OK ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, gain, n, NULL) != ST_OK) {
        fprintf(stderr, "stratum: out of memory for the feature importance\n");
        free(split);
        free(gain);
        free(order);
        return;
    }
    for (size_t j = 0; j < n; j++)
        order[j] = j;
    sort_gain = gain;
    qsort(order, n, sizeof *order, by_gain);
    switch (format) {
    case FORMAT_JSON:
        printf("{");
        if (fit_seconds >= 0)
            printf("\"fit_seconds\": %.6f, ", fit_seconds);
        printf("\"trees\": %zu, \"init_score\": ", st_gbdt_n_trees(m));
        json_number(stdout, st_gbdt_init_score(m));
        if (st_gbdt_best_iteration(m) > 0) { /* trained with a validation set */
            st_gbdt_metric metric;
            const double best = st_gbdt_best_score(m, &metric);
            printf(", \"best_iteration\": %d, \"valid_metric\": \"%s\", \"best_score\": ",
                   st_gbdt_best_iteration(m), st_gbdt_metric_name(metric));
            json_number(stdout, best);
        }
        st_gbdt_auto_trees_info at;
        if (st_gbdt_auto_trees(m, &at)) { /* the number of trees chosen by early stopping */
            printf(", \"trees_chosen\": {\"trees\": %d, \"stopping_rounds\": %d, "
                   "\"best_iterations\": [", at.num_trees, ST_GBDT_AUTO_STOPPING_ROUNDS);
            for (int f = 0; f < at.n_validations; f++)
                printf("%s%d", f ? ", " : "", at.best[f]);
            printf("]}");
        }
        printf(", \"order\": \"gain\", \"importance\": [");
        for (size_t q = 0; q < n; q++) {
            const size_t j = order[q];
            printf("%s{\"feature\": ", q ? ", " : "");
            json_string(stdout, st_gbdt_feature_name(m, j));
            printf(", \"splits\": %.0f, \"gain\": ", split[j]);
            json_number(stdout, gain[j]);
            printf("}");
        }
        printf("]}\n");
        break;
    case FORMAT_CSV:
        printf("feature,splits,gain\n");
        for (size_t q = 0; q < n; q++) {
            const size_t j = order[q];
            putchar('"');
            for (const char *c = st_gbdt_feature_name(m, j); *c; c++)
                printf(*c == '"' ? "\"\"" : "%c", *c);
            printf("\",%.0f,%.17g\n", split[j], gain[j]);
        }
        break;
    case FORMAT_MARKDOWN:
        printf("Features, largest total gain first.\n\n| feature | splits | gain |\n"
               "|---|--:|--:|\n");
        for (size_t q = 0; q < n; q++)
            printf("| %s | %.0f | %.6g |\n", st_gbdt_feature_name(m, order[q]), split[order[q]],
                   gain[order[q]]);
        break;
    default: {
        /* a table a person reads: every feature of an ordinary table, the largest of a
           wide one (a text model's tens of thousands of terms) */
        const size_t shown = n > IMPORTANCE_ALL_UP_TO ? IMPORTANCE_TOP : n;
        printf("features, largest total gain first\n%-32s %8s %14s\n", "feature", "splits",
               "gain");
        for (size_t q = 0; q < shown; q++) {
            cli_put_padded(stdout, st_gbdt_feature_name(m, order[q]), 32);
            printf(" %8.0f %14.6g\n", split[order[q]], gain[order[q]]);
        }
        if (shown < n)
            printf("(%zu more features, smaller total gain, not shown; --format csv and json "
                   "list every one)\n", n - shown);
    }
    }
    free(order);
    free(split);
    free(gain);
}
