/* The feature importance a boosted-trees training prints (train gbdt, in memory, from a
 * binned file or distributed). */
#include <stdio.h>
#include <stdlib.h>

#include "train_binned.h"

/* Feature importance (splits and total gain), one feature a line, in model order. JSON
 * also carries "fit_seconds" when fit_seconds >= 0: the training alone, as logistic
 * regression's does (benchmarks read it). */
void cli_gbdt_print_importance(const st_gbdt *m, cli_format format, double fit_seconds)
{
    const size_t n = st_gbdt_n_features(m);
    double *split = malloc((n ? n : 1) * sizeof *split), *gain = malloc((n ? n : 1) * sizeof *gain);
    if (split == NULL || gain == NULL ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_SPLIT, split, n, NULL) != ST_OK ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, gain, n, NULL) != ST_OK) {
        fprintf(stderr, "stratum: out of memory for the feature importance\n");
        free(split);
        free(gain);
        return;
    }
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
        printf(", \"importance\": [");
        for (size_t j = 0; j < n; j++) {
            printf("%s{\"feature\": ", j ? ", " : "");
            json_string(stdout, st_gbdt_feature_name(m, j));
            printf(", \"splits\": %.0f, \"gain\": ", split[j]);
            json_number(stdout, gain[j]);
            printf("}");
        }
        printf("]}\n");
        break;
    case FORMAT_CSV:
        printf("feature,splits,gain\n");
        for (size_t j = 0; j < n; j++) {
            putchar('"');
            for (const char *c = st_gbdt_feature_name(m, j); *c; c++)
                printf(*c == '"' ? "\"\"" : "%c", *c);
            printf("\",%.0f,%.17g\n", split[j], gain[j]);
        }
        break;
    case FORMAT_MARKDOWN:
        printf("| feature | splits | gain |\n|---|--:|--:|\n");
        for (size_t j = 0; j < n; j++)
            printf("| %s | %.0f | %.6g |\n", st_gbdt_feature_name(m, j), split[j], gain[j]);
        break;
    default:
        printf("%-32s %8s %14s\n", "feature", "splits", "gain");
        for (size_t j = 0; j < n; j++)
            printf("%-32s %8.0f %14.6g\n", st_gbdt_feature_name(m, j), split[j], gain[j]);
    }
    free(split);
    free(gain);
}
