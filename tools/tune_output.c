/* stratum tune's output: the table of entries tried and the report (tune_output.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tune_output.h"

/* A candidate's parameters as text: "lambda 0.0123, alpha 0.5, class weight balanced". */
static void params_text(const st_tune_result *r, const st_tune_candidate *c, char *buf,
                        size_t size)
{
    if (r->family == ST_CV_LOGREG) {
        const st_logreg_params *p = &c->logreg;
        char lambda[40] = "chosen by inner CV";
        if (p->lambda != ST_LOGREG_LAMBDA_CV)
            snprintf(lambda, sizeof lambda, "%.4g", p->lambda);
        snprintf(buf, size, "lambda %s, alpha %.3g, class weight %s", lambda, p->alpha,
                 p->class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced"
                 : p->class_weight == ST_CLASS_WEIGHT_POSITIVE ? "positive" : "none");
        return;
    }
    const st_gbdt_params *p = &c->gbdt;
    char trees[40] = ""; /* the resource: the entry's trees */
    if (r->resource == ST_TUNE_RESOURCE_TREES)
        snprintf(trees, sizeof trees, "num trees %d, ", p->num_trees);
    snprintf(buf, size, "%snum leaves %d, min data in leaf %d, learning rate %.3g, feature "
             "fraction %.3g, bagging fraction %.3g, lambda l2 %.3g, class weight %s", trees,
             p->num_leaves, p->min_data_in_leaf, p->learning_rate, p->feature_fraction,
             p->bagging_fraction, p->lambda_l2,
             p->class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced"
             : p->class_weight == ST_CLASS_WEIGHT_POSITIVE ? "positive" : "none");
}


int tune_write_table(const char *path, const st_tune_result *r)
{
    char *buf;
    size_t size;
    FILE *f = cli_open_memstream(&buf, &size, "--table");
    if (f == NULL)
        return EXIT_FAILED;
    const int lr = r->family == ST_CV_LOGREG;
    const int trees = r->resource == ST_TUNE_RESOURCE_TREES;
    fprintf(f, "candidate,rung,rows,%s_mean,%s_low,%s_high,roc_auc,pr_auc,log_loss,brier,"
            "promoted,stopped,%s%s\n", st_metric_name(r->metric), st_metric_name(r->metric),
            st_metric_name(r->metric),
            lr ? "lambda,alpha,class_weight"
               : "num_leaves,min_data_in_leaf,learning_rate,feature_fraction,"
                 "bagging_fraction,lambda_l2,class_weight", trees ? ",num_trees" : "");
    for (size_t i = 0; i < r->n_tried; i++) {
        const st_tune_candidate *c = &r->tried[i];
        fprintf(f, "%zu,%zu,%zu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%d,", c->id + 1,
                c->rung + 1, c->n_rows, c->score.mean, c->score.low, c->score.high,
                c->summary[ST_METRIC_ROC_AUC].mean, c->summary[ST_METRIC_PR_AUC].mean,
                c->summary[ST_METRIC_LOG_LOSS].mean, c->summary[ST_METRIC_BRIER].mean,
                c->promoted, c->stopped);
        if (lr)
            fprintf(f, c->logreg.lambda == ST_LOGREG_LAMBDA_CV ? "cv," : "%.17g,",
                    c->logreg.lambda);
        if (lr)
            fprintf(f, "%.17g,%s\n", c->logreg.alpha,
                    c->logreg.class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced"
                    : c->logreg.class_weight == ST_CLASS_WEIGHT_POSITIVE ? "positive" : "none");
        if (!lr)
            fprintf(f, "%d,%d,%.17g,%.17g,%.17g,%.17g,%s", c->gbdt.num_leaves,
                    c->gbdt.min_data_in_leaf, c->gbdt.learning_rate, c->gbdt.feature_fraction,
                    c->gbdt.bagging_fraction, c->gbdt.lambda_l2,
                    c->gbdt.class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced"
                    : c->gbdt.class_weight == ST_CLASS_WEIGHT_POSITIVE ? "positive" : "none");
        if (!lr && trees)
            fprintf(f, ",%d", c->gbdt.num_trees);
        if (!lr)
            fputc('\n', f);
    }
    return cli_write_memstream(f, &buf, &size, path, "--table");
}

/* The metric tuned, then whichever of ROC-AUC and PR-AUC it is not, with intervals. */
static void print_scores(const st_tune_result *r, const st_cv_summary *sum)
{
    const st_metric order[3] = {r->metric, r->metric == ST_METRIC_ROC_AUC ? ST_METRIC_PR_AUC
                                                                          : ST_METRIC_ROC_AUC,
                                ST_METRIC_PR_AUC};
    const size_t shown = r->metric == ST_METRIC_ROC_AUC || r->metric == ST_METRIC_PR_AUC ? 2 : 3;
    for (size_t i = 0; i < shown; i++)
        printf("%s%s %.4f [%.4f, %.4f]", i ? ", " : "", st_metric_label(order[i]),
               sum[order[i]].mean, sum[order[i]].low, sum[order[i]].high);
}

/* Entries idx[0..m) sorted best first by the metric (NaN last), ties by candidate. */
static void sort_by_score(const st_tune_result *r, size_t *idx, size_t m)
{
    const int max = r->metric == ST_METRIC_ROC_AUC || r->metric == ST_METRIC_PR_AUC;
    for (size_t i = 1; i < m; i++) {
        size_t v = idx[i], j = i;
        for (; j > 0; j--) {
            const double a = r->tried[v].score.mean, b = r->tried[idx[j - 1]].score.mean;
            const int better = !isnan(a) && (isnan(b) || (max ? a > b : a < b));
            const int tie = a == b || (isnan(a) && isnan(b));
            if (!better && !(tie && r->tried[v].id < r->tried[idx[j - 1]].id))
                break;
            idx[j] = idx[j - 1];
        }
        idx[j] = v;
    }
}

void tune_print_report(const st_tune_result *r, size_t top, int table,
                       const char *data, const char *how)
{
    const size_t n_trials = r->n_trials;
    char brackets[60] = "";
    if (r->n_brackets_run > 1)
        snprintf(brackets, sizeof brackets, " in each of %zu brackets", r->n_brackets_run);
    const char *label = st_metric_label(r->metric);
    char text[400], folds[300];
    snprintf(folds, sizeof folds, "%s", how);
    if (folds[0] != '\0' && folds[strlen(folds) - 1] == ',')
        folds[strlen(folds) - 1] = '\0'; /* cv's "stratified, grouped by COL," */
    printf("Tuned %s on %s: %zu rows, %zu folds (%s), %s; %zu candidate%s%s, %zu of %zu rungs"
           "%s\n", r->family == ST_CV_GBDT ? "gbdt" : "logreg", data, r->n_rows, r->n_folds, folds,
           label, n_trials, n_trials == 1 ? "" : "s", brackets, r->n_rungs_run,
           r->n_rungs_planned, r->budget_spent ? " (time budget spent)" : "");
    size_t *idx = malloc((r->n_tried ? r->n_tried : 1) * sizeof *idx), shown = 0;
    size_t rungs = 0; /* the rungs with entries: those run, and one whose only entry the
                         budget stopped */
    for (size_t i = 0; i < r->n_tried; i++)
        if (r->tried[i].rung + 1 > rungs)
            rungs = r->tried[i].rung + 1;
    printf("\n  cand  rung   rows  %-26s parameters\n", label);
    for (size_t rung = rungs; idx != NULL && rung-- > 0 && shown < top;) {
        size_t m = 0;
        for (size_t i = 0; i < r->n_tried; i++)
            if (r->tried[i].rung == rung)
                idx[m++] = i;
        sort_by_score(r, idx, m);
        for (size_t i = 0; i < m && shown < top; i++, shown++) {
            const st_tune_candidate *c = &r->tried[idx[i]];
            params_text(r, c, text, sizeof text);
            if (c->stopped) {
                printf("  %4zu  %4zu  %5zu  %-24s   %s (not ranked)\n", c->id + 1,
                       c->rung + 1, c->n_rows, "stopped at the budget", text);
                continue;
            }
            printf("  %4zu  %4zu  %5zu  %.4f [%.4f, %.4f]   %s%s\n", c->id + 1, c->rung + 1,
                   c->n_rows, c->score.mean, c->score.low, c->score.high, text,
                   c->promoted ? " (went on)" : "");
        }
    }
    free(idx);
    if (r->n_tried > shown)
        printf("  (%zu more entries%s)\n", r->n_tried - shown, table ? " in --table" : "");
    const st_tune_candidate *b = &r->tried[r->best];
    params_text(r, b, text, sizeof text);
    printf("\nBest: candidate %zu: %s\n", b->id + 1, text);
    printf("  ");
    print_scores(r, b->summary);
    printf(" (%zu-fold CV on %s%zu rows)\n", r->n_folds, b->n_rows == r->n_rows ? "all " : "",
           b->n_rows);
    if (r->has_defaults) {
        printf("  defaults: ");
        print_scores(r, r->defaults);
        printf(" on the same folds\n");
    } else if (r->budget_spent) {
        printf("  defaults: not cross-validated on all rows: the time budget was spent "
               "first\n");
    }
    if (r->nested_folds > 0) {
        const st_cv_summary *a = &r->nested[ST_METRIC_ROC_AUC], *p = &r->nested[ST_METRIC_PR_AUC];
        printf("Nested %zu-fold estimate of the tuned procedure: ROC-AUC %.4f [%.4f, %.4f], "
               "PR-AUC %.4f [%.4f, %.4f]\n", r->nested_folds, a->mean, a->low, a->high,
               p->mean, p->low, p->high);
    }
}

