/* stratum cv --report, and what stratum compare's report shares with it: the setup, the
 * out-of-fold curves with each setting's operating point, the calibration plot, the
 * summary of every metric over the folds and the per-fold table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cli.h"


void report_cv_subtitle(const cv_setup *s, char *buf, size_t size)
{
    snprintf(buf, size, "%zu-fold %s cross-validation \xc3\x97 %zu repeat%s on %zu rows of %s",
             s->n_folds, s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s",
             st_dataset_n_rows(s->ds), s->data_path);
}

void report_cv_facts(report *rep, const cv_setup *s, const char *const *extra_terms,
                     const char *const *extra_values, size_t n_extra)
{
    const char *terms[16], *values[16];
    char rows[160], prev[64], folds[400], rule[300], ver[64], where[160];
    size_t n = st_dataset_n_rows(s->ds), pos = 0, k = 0;
    const float *y = st_dataset_labels(s->ds);
    for (size_t i = 0; i < n; i++)
        pos += y[i] == 1;
    terms[k] = "data", values[k++] = s->data_path;
    snprintf(rows, sizeof rows, "%zu (%zu positive, %zu negative)", n, pos, n - pos);
    terms[k] = "rows", values[k++] = rows;
    snprintf(prev, sizeof prev, "%.4f (unweighted)", n ? (double)pos / (double)n : NAN);
    terms[k] = "prevalence", values[k++] = prev;
    for (size_t i = 0; i < n_extra && k < 12; i++)
        terms[k] = extra_terms[i], values[k++] = extra_values[i];
    /* s->how reads "stratified", "stratified, grouped by COL," or "(folds given by COL)" */
    char how[320];
    snprintf(how, sizeof how, "%s", s->how[0] == '(' ? s->how + 1 : s->how);
    size_t len = strlen(how);
    if (len > 0 && (how[len - 1] == ',' || how[len - 1] == ')'))
        how[len - 1] = '\0';
    snprintf(folds, sizeof folds, "%zu, %s, \xc3\x97 %zu repeat%s, seed %llu", s->n_folds, how,
             s->n_repeats, s->n_repeats == 1 ? "" : "s", (unsigned long long)s->gprm.seed);
    terms[k] = "folds", values[k++] = folds;
    if (s->eval.rule == ST_THRESHOLD_FIXED)
        snprintf(rule, sizeof rule, "fixed at %g", s->eval.threshold);
    else
        snprintf(rule, sizeof rule, "%s%s", s->rule_word,
                 cv_threshold_where(s, where, sizeof where));
    terms[k] = "threshold", values[k++] = rule;
    terms[k] = "intervals", values[k++] = "95%, t-based for the mean over the folds where "
                                          "the metric is defined (optimistic: the folds share "
                                          "training rows)";
    terms[k] = "curves", values[k++] = "out-of-fold predictions pooled over the folds and "
                                       "repeats; marked: the mean over the folds of each "
                                       "fold's operating point";
    snprintf(ver, sizeof ver, "stratum %s", st_version());
    terms[k] = "program", values[k++] = ver;
    report_facts(rep, terms, values, k);
}

void report_oof_charts(report *rep, const report_oof *o, const char *const *names,
                       const int *colors, const int *dashed, size_t n)
{
    report_series *s = calloc(n ? n : 1, sizeof *s);
    double *cx = malloc((n ? n : 1) * ST_CALIBRATION_BINS * sizeof *cx);
    double *cy = malloc((n ? n : 1) * ST_CALIBRATION_BINS * sizeof *cy);
    char(*notes)[64] = malloc((n ? n : 1) * sizeof *notes);
    if (s == NULL || cx == NULL || cy == NULL || notes == NULL) {
        free(s), free(cx), free(cy), free(notes);
        report_paragraph(rep, "(charts left out: out of memory)", "note");
        return;
    }
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(o[i].mean_threshold))
            snprintf(notes[i], sizeof notes[i], "no threshold");
        else
            snprintf(notes[i], sizeof notes[i], "mean threshold %.3g", o[i].mean_threshold);
        s[i] = (report_series){names[i], o[i].roc.x, o[i].roc.y, o[i].roc.n, o[i].mark_fpr,
                               o[i].mark_recall, notes[i], colors[i], dashed[i], 0};
        for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
            cx[i * ST_CALIBRATION_BINS + b] = o[i].calibration[b].mean_predicted;
            cy[i * ST_CALIBRATION_BINS + b] = o[i].calibration[b].observed;
        }
        top = fmax(top, report_calibration_top(o[i].calibration));
    }
    const char *cap = "Out-of-fold predictions; the marked point is the mean over the folds "
                      "of each fold's operating point.";
    report_figures_begin(rep);
    report_chart roc = {"ROC curve (out of fold)", "false positive rate (1 - specificity)",
                        "true positive rate (recall)", 0, 1, 0, 1, 1, NAN, NULL, s, n, cap};
    report_line_chart(rep, &roc);
    for (size_t i = 0; i < n; i++) {
        s[i].x = o[i].pr.x, s[i].y = o[i].pr.y, s[i].n = o[i].pr.n;
        s[i].mark_x = o[i].mark_recall, s[i].mark_y = o[i].mark_precision;
    }
    char base[64];
    double prev = n ? o[0].prevalence : NAN;
    snprintf(base, sizeof base, "prevalence %.3f (no skill)", prev);
    report_chart pr = {"Precision-recall curve (out of fold)", "recall (sensitivity)",
                       "precision (PPV)", 0, 1, 0, 1, 0, prev, base, s, n, cap};
    report_line_chart(rep, &pr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (o[i].calibration[0].n_rows == 0)
            continue; /* fewer than 10 rows: no bins */
        s[m] = s[i];
        s[m].x = cx + i * ST_CALIBRATION_BINS, s[m].y = cy + i * ST_CALIBRATION_BINS;
        s[m].n = ST_CALIBRATION_BINS, s[m].dots = 1, s[m].mark_x = s[m].mark_y = NAN;
        m++;
    }
    report_chart cal = {"Calibration (out of fold)", "mean predicted probability",
                        "observed share positive", 0, top, 0, top, 2, NAN, NULL, s, m,
                        "Ten bins of equal row count of the out-of-fold predictions."};
    if (m > 0)
        report_line_chart(rep, &cal);
    report_figures_end(rep);
    free(s), free(cx), free(cy), free(notes);
}

/* Every metric over the folds: mean (95% interval), SD, folds where it is defined. */
static void summary_table(report *rep, const cv_setup *s, const cv_fold_result *res, size_t m)
{
    enum { COLS = 4, ROWS = ST_METRIC_COUNT + 1 };
    report_cell cells[ROWS * COLS];
    char names[ROWS][48];
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        cv_summary sm = cv_summarise(res, m, k);
        report_cell *row = cells + (k + 1) * COLS;
        if (k == ST_METRIC_FBETA)
            snprintf(names[k + 1], sizeof names[k + 1], "F-beta (beta %g)", s->eval.beta);
        else
            snprintf(names[k + 1], sizeof names[k + 1], "%s", k < 0 ? "threshold"
                     : st_metric_label((st_metric)k));
        row[0] = report_text_cell(names[k + 1]);
        row[1] = report_number_cell(sm.mean, sm.low, sm.high, 3);
        row[2] = report_number_cell(sm.sd, NAN, NAN, 3);
        row[3] = report_number_cell((double)sm.defined, NAN, NAN, 0);
    }
    static const char *const header[COLS] = {"metric", "mean (95% interval)", "SD", "folds"};
    report_table t = {NULL, COLS, ROWS, header, cells, 1,
                      "The threshold row: the thresholds the rule chose on the training parts."};
    report_table_write(rep, &t);
}

static const st_metric fold_metrics[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC,
                                         ST_METRIC_PRECISION, ST_METRIC_RECALL, ST_METRIC_F1,
                                         ST_METRIC_BRIER, ST_METRIC_LOG_LOSS};
#define N_FOLD_METRICS (sizeof fold_metrics / sizeof fold_metrics[0])

static int fold_table(report *rep, const cv_setup *s, const cv_fold_result *res, size_t m)
{
    enum { COLS = 3 + N_FOLD_METRICS };
    report_cell *cells = malloc(m * COLS * sizeof *cells);
    char(*ids)[2][24] = malloc(m * sizeof *ids);
    if (cells == NULL || ids == NULL) {
        free(cells), free(ids);
        fprintf(stderr, "stratum: out of memory for the report's fold table\n");
        return EXIT_FAILED;
    }
    for (size_t i = 0; i < m; i++) {
        report_cell *row = cells + i * COLS;
        snprintf(ids[i][0], sizeof ids[i][0], "%zu", i / s->n_folds + 1);
        snprintf(ids[i][1], sizeof ids[i][1], "%zu", i % s->n_folds + 1);
        row[0] = report_text_cell(ids[i][0]);
        row[1] = report_text_cell(ids[i][1]);
        row[2] = report_number_cell(res[i].threshold, NAN, NAN, 4);
        for (size_t c = 0; c < N_FOLD_METRICS; c++)
            row[3 + c] = report_number_cell(res[i].value[fold_metrics[c]], NAN, NAN, 3);
    }
    const char *header[COLS] = {"repeat", "fold", "threshold"};
    for (size_t c = 0; c < N_FOLD_METRICS; c++)
        header[3 + c] = st_metric_label(fold_metrics[c]);
    report_table t = {"Each fold (on its test part)", COLS, m, header, cells, 2, NULL};
    report_table_write(rep, &t);
    free(cells), free(ids);
    return EXIT_OK;
}

int report_cv(const char *path, const cv_setup *s, const cv_fold_result *res,
              const report_oof *oof)
{
    char title[64], subtitle[700], model[400];
    snprintf(title, sizeof title, "stratum cv %s", cv_model_name(s->model));
    report_cv_subtitle(s, subtitle, sizeof subtitle);
    report_model_text(s, s->model, 1, model, sizeof model);
    report rep;
    if (report_begin(&rep, title, subtitle) != 0)
        return EXIT_FAILED;
    const char *term = "model";
    const char *value = model;
    report_section(&rep, "Data and settings");
    report_cv_facts(&rep, s, &term, &value, 1);
    report_section(&rep, "Curves");
    const char *name = cv_model_name(s->model);
    int color = 0, dashed = 0;
    report_oof_charts(&rep, oof, &name, &color, &dashed, 1);
    report_section(&rep, "Metrics over the folds");
    size_t m = s->n_folds * s->n_repeats;
    summary_table(&rep, s, res, m);
    int status = fold_table(&rep, s, res, m);
    if (status != EXIT_OK) {
        report_discard(&rep);
        return status;
    }
    return report_end(&rep, path);
}
