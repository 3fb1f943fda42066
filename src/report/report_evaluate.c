/* stratum evaluate's report (st_report_evaluate): the data and settings, ROC and
 * precision-recall curves with the operating point marked, the calibration plot, the
 * metrics with their intervals, the confusion matrix, the calibration table and, with
 * subgroups (--by), the subgroup table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* Fewer rows than this in a class (of all rows, or of a subgroup), and the bootstrap
 * intervals are flagged as too narrow, as `stratum evaluate` flags them in its text
 * (tools/evaluate_output.h, EVAL_FEW_FOR_INTERVALS): a bootstrap redraws those few, and
 * with one positive every resample that has a positive has only it. */
#define FEW_FOR_INTERVALS 10

static const char *rule_text(const st_eval_params *p, char *buf, size_t size)
{
    switch (p->rule) {
    case ST_THRESHOLD_FIXED: snprintf(buf, size, "fixed"); break;
    case ST_THRESHOLD_MAX_F1: snprintf(buf, size, "the score that maximises F1"); break;
    case ST_THRESHOLD_MAX_FBETA:
        snprintf(buf, size, "the score that maximises F-beta, beta %g", p->beta);
        break;
    case ST_THRESHOLD_YOUDEN: snprintf(buf, size, "the score that maximises Youden's J"); break;
    case ST_THRESHOLD_MIN_RECALL:
        snprintf(buf, size, "the highest score with recall >= %g", p->min_recall);
        break;
    case ST_THRESHOLD_MIN_PRECISION:
        snprintf(buf, size, "the lowest score with precision >= %g", p->min_precision);
        break;
    }
    return buf;
}

static void facts(st_report *rep, const st_report_evaluation *r, const char *data_name)
{
    const st_eval *ev = r->ev;
    char src[600], rows[160], prev[64], weights[128], thr[300], rule[160], ci[300], ver[64];
    const char *terms[8], *values[8];
    size_t k = 0;
    if (r->scores_name != NULL) {
        snprintf(src, sizeof src, "%s (score column %s)", r->scores_name, r->score_col);
        terms[k] = "scores", values[k++] = src;
    } else {
        snprintf(src, sizeof src, "%s (%s)", r->model_name, r->model_kind);
        terms[k] = "data", values[k++] = data_name;
        terms[k] = "model", values[k++] = src;
    }
    snprintf(rows, sizeof rows, "%zu (%zu positive, %zu negative)", ev->n_rows, ev->n_positive,
             ev->n_negative);
    terms[k] = "rows", values[k++] = rows;
    snprintf(prev, sizeof prev, "%.4f", ev->value[ST_METRIC_PREVALENCE]);
    terms[k] = "prevalence", values[k++] = prev;
    if (r->w != NULL) {
        snprintf(weights, sizeof weights, "%.6g positive, %.6g negative", ev->weight_positive,
                 ev->weight_negative);
        terms[k] = "row weights", values[k++] = weights;
    }
    if (r->threshold_from != NULL)
        snprintf(rule, sizeof rule, "%s", r->threshold_from);
    else
        rule_text(r->prm, rule, sizeof rule);
    if (isnan(ev->threshold))
        snprintf(thr, sizeof thr, "none meets the rule (%s)", rule);
    else
        snprintf(thr, sizeof thr, "%.6g (%s); positive when score >= threshold", ev->threshold,
                 rule);
    terms[k] = "threshold", values[k++] = thr;
    if (ev->n_bootstrap > 0) {
        int used = snprintf(ci, sizeof ci, "95%%, percentile, %d %sbootstrap resamples, seed "
                            "%llu", ev->n_bootstrap, r->prm->stratified ? "stratified " : "",
                            r->prm->seed);
        const size_t few = ev->n_positive < ev->n_negative ? ev->n_positive : ev->n_negative;
        if (few > 0 && few < FEW_FOR_INTERVALS && used > 0 && (size_t)used < sizeof ci)
            snprintf(ci + used, sizeof ci - (size_t)used, " (only %zu %s row%s: the intervals "
                     "understate the uncertainty, down to width 0)", few,
                     few == ev->n_positive ? "positive" : "negative", few == 1 ? "" : "s");
    } else
        snprintf(ci, sizeof ci, "none (--bootstrap 0)");
    terms[k] = "intervals", values[k++] = ci;
    snprintf(ver, sizeof ver, "stratum %s", st_version());
    terms[k] = "program", values[k++] = ver;
    st_report_facts(rep, terms, values, k);
}

static void charts(st_report *rep, const st_report_evaluation *r, const st_report_curve *roc,
                   const st_report_curve *pr, const char *name)
{
    const st_eval *ev = r->ev;
    char note[96], base[64];
    if (isnan(ev->threshold))
        snprintf(note, sizeof note, "no threshold meets the rule");
    else
        snprintf(note, sizeof note, "threshold %.4g", ev->threshold);
    st_report_series s = {name, roc->x, roc->y, roc->n, 1 - ev->value[ST_METRIC_SPECIFICITY],
                          ev->value[ST_METRIC_RECALL], note, 0, 0, 0};
    st_report_chart c = {"ROC curve", "false positive rate (1 - specificity)",
                         "true positive rate (recall)", 0, 1, 0, 1, 1, NAN, NULL, &s, 1,
                         "The marked point is the operating point at the threshold."};
    st_report_figures_begin(rep);
    st_report_line_chart(rep, &c);
    s.x = pr->x, s.y = pr->y, s.n = pr->n;
    s.mark_x = ev->value[ST_METRIC_RECALL], s.mark_y = ev->value[ST_METRIC_PRECISION];
    snprintf(base, sizeof base, "prevalence %.3f (no skill)", ev->value[ST_METRIC_PREVALENCE]);
    st_report_chart c2 = {"Precision-recall curve", "recall (sensitivity)", "precision (PPV)", 0, 1,
                          0, 1, 0, ev->value[ST_METRIC_PREVALENCE], base, &s, 1,
                          "The marked point is the operating point at the threshold."};
    st_report_line_chart(rep, &c2);
    if (ev->calibration[0].n_rows > 0) {
        double x[ST_CALIBRATION_BINS], y[ST_CALIBRATION_BINS];
        double top = st_report_calibration_top(ev->calibration);
        for (int b = 0; b < ST_CALIBRATION_BINS; b++)
            x[b] = ev->calibration[b].mean_predicted, y[b] = ev->calibration[b].observed;
        st_report_series cs = {name, x, y, ST_CALIBRATION_BINS, NAN, NAN, NULL, 0, 0, 1};
        st_report_chart c3 = {"Calibration", "mean predicted probability",
                              "observed share positive", 0, top, 0, top, 2, NAN, NULL, &cs, 1,
                              "Ten bins of equal row count, in ascending score."};
        st_report_line_chart(rep, &c3);
    }
    st_report_figures_end(rep);
}

/* " Recall, specificity have an interval of width 0: ... ." naming the metrics whose
 * interval has width 0 (st_eval_zero_width_note), as the text output's note under its
 * table; "" when none. */
static const char *zero_width_note(const st_eval *ev, const st_eval_params *prm, char *buf,
                                   size_t size)
{
    char note[700]; /* the names (400) and the sentence */
    buf[0] = '\0';
    if (st_eval_zero_width_note(ev, prm->stratified, note, sizeof note) > 0)
        snprintf(buf, size, " %c%s.", note[0] >= 'a' && note[0] <= 'z' ? note[0] - 'a' + 'A'
                 : note[0], note + 1);
    return buf;
}

static void metrics_table(st_report *rep, const st_report_evaluation *r)
{
    const st_eval *ev = r->ev;
    enum { ROWS = ST_METRIC_COUNT + 1 };
    st_report_cell cells[ROWS * 2];
    char names[ST_METRIC_COUNT][48];
    size_t k = 0;
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        if (m == ST_METRIC_FBETA)
            snprintf(names[m], sizeof names[m], "F-beta (beta %g)", r->prm->beta);
        else
            snprintf(names[m], sizeof names[m], "%s", st_metric_label((st_metric)m));
        cells[k++] = st_report_text_cell(names[m]);
        cells[k++] = st_report_number_cell(ev->value[m], ev->ci_low[m], ev->ci_high[m], 3);
        if (m == ST_METRIC_ROC_AUC) {
            cells[k++] = st_report_text_cell("ROC-AUC, DeLong interval");
            cells[k++] = st_report_number_cell(isnan(ev->delong_variance) ? NAN : ev->value[m],
                                               ev->delong_low, ev->delong_high, 3);
        }
    }
    static const char *const header[] = {"metric", "value (95% interval)"};
    char note[1400], zero[800];
    snprintf(note, sizeof note, "Intervals: %s. %s%s",
             ev->n_bootstrap == 0 ? "none (--bootstrap 0)"
             : r->prm->stratified ? "stratified bootstrap percentiles; DeLong's for ROC-AUC "
                                    "where marked"
                                  : "bootstrap percentiles; DeLong's for ROC-AUC where marked",
             isnan(ev->threshold) ? "No threshold meets the rule, so every metric at a "
                                    "threshold is undefined."
             : r->prm->rule == ST_THRESHOLD_FIXED ? "Metrics at the threshold use the fixed "
                                                    "threshold."
                                                  : "Metrics at the threshold use the "
                                                    "threshold the rule chose on all rows.",
             zero_width_note(ev, r->prm, zero, sizeof zero));
    st_report_table t = {NULL, 2, k / 2, header, cells, 1, note};
    st_report_table_write(rep, &t);
}

static void confusion_table(st_report *rep, const st_eval *ev)
{
    static const char *const header[] = {"", "predicted positive", "predicted negative"};
    st_report_cell cells[6] = {
        st_report_text_cell("actual positive"),
        st_report_number_cell(ev->confusion.tp, NAN, NAN, -1),
        st_report_number_cell(ev->confusion.fn, NAN, NAN, -1),
        st_report_text_cell("actual negative"),
        st_report_number_cell(ev->confusion.fp, NAN, NAN, -1),
        st_report_number_cell(ev->confusion.tn, NAN, NAN, -1)};
    st_report_table t = {"Confusion matrix (weighted counts)", 3, 2, header, cells, 1,
                         isnan(ev->threshold) ? "No threshold meets the rule, so no row is "
                                                "predicted either way." : NULL};
    st_report_table_write(rep, &t);
}

static void calibration_table(st_report *rep, const st_eval *ev)
{
    static const char *const header[] = {"bin", "rows", "lowest score", "highest score",
                                         "mean predicted", "observed"};
    st_report_cell cells[ST_CALIBRATION_BINS * 6];
    char bins[ST_CALIBRATION_BINS][8];
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        const st_calibration_bin *c = &ev->calibration[b];
        st_report_cell *row = cells + b * 6;
        snprintf(bins[b], sizeof bins[b], "%d", b + 1);
        row[0] = st_report_text_cell(bins[b]);
        row[1] = st_report_number_cell((double)c->n_rows, NAN, NAN, 0);
        row[2] = st_report_number_cell(c->score_min, NAN, NAN, 4);
        row[3] = st_report_number_cell(c->score_max, NAN, NAN, 4);
        row[4] = st_report_number_cell(c->mean_predicted, NAN, NAN, 4);
        row[5] = st_report_number_cell(c->observed, NAN, NAN, 4);
    }
    st_report_table t = {"Calibration table", 6, ST_CALIBRATION_BINS, header, cells, 1, NULL};
    st_report_table_write(rep, &t);
}

/* The columns of the subgroup table, as in the text output. */
static const st_metric group_metrics[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_RECALL,
                                          ST_METRIC_SPECIFICITY, ST_METRIC_PRECISION,
                                          ST_METRIC_BRIER};
#define N_GROUP_METRICS (sizeof group_metrics / sizeof group_metrics[0])

/* A group's intervals rest on a class of fewer than FEW_FOR_INTERVALS rows (one class
 * alone, or one row, included): they understate the uncertainty, down to width 0. */
static int few_rows(const st_eval *ev)
{
    return ev->n_bootstrap > 0 &&
           (ev->n_positive < FEW_FOR_INTERVALS || ev->n_negative < FEW_FOR_INTERVALS);
}

/* A group of enough rows with an interval of width 0 in the table's columns. */
static int width0_interval(const st_eval *ev)
{
    int width0 = 0;
    for (size_t c = 0; c < N_GROUP_METRICS; c++) {
        st_metric m = group_metrics[c];
        width0 |= !isnan(ev->value[m]) && !isnan(ev->ci_low[m]) &&
                  ev->ci_low[m] == ev->ci_high[m];
    }
    return !few_rows(ev) && width0;
}

/* The note under the subgroup table, as the text output's lines under its own: the
 * threshold, the groups of few rows and the groups with an interval of width 0 (named in
 * full). A new string, or NULL when out of memory. */
static char *subgroup_note(const st_report_evaluation *g)
{
    size_t size = 800, few = 0, zero = 0;
    for (size_t i = 0; i < g->n_groups; i++) {
        few += (size_t)few_rows(g->groups[i].ev);
        if (width0_interval(g->groups[i].ev))
            size += strlen(g->groups[i].name) + 2;
    }
    char *note = st__malloc(size);
    if (note == NULL)
        return NULL;
    size_t used;
    if (isnan(g->ev->threshold))
        used = (size_t)snprintf(note, size, "No threshold met the rule on all rows, so every "
                                "metric at a threshold is undefined in each group.");
    else
        used = (size_t)snprintf(note, size, "Each group at the threshold %.6g %s; intervals by "
                                "the same bootstrap within each group.", g->ev->threshold,
                                g->prm->rule == ST_THRESHOLD_FIXED ? "(fixed)"
                                                                   : "the rule chose on all rows");
    if (few > 0)
        used += (size_t)snprintf(note + used, size - used, " %zu group%s ha%s fewer than %d "
                                 "positive or negative rows: %s intervals understate the "
                                 "uncertainty, down to width 0.", few, few == 1 ? "" : "s",
                                 few == 1 ? "s" : "ve", FEW_FOR_INTERVALS,
                                 few == 1 ? "its" : "their");
    for (size_t i = 0; i < g->n_groups; i++)
        if (width0_interval(g->groups[i].ev))
            used += (size_t)snprintf(note + used, size - used, "%s%s", zero++ ? ", " :
                                     " Intervals of width 0 in group ", g->groups[i].name);
    if (zero > 0)
        snprintf(note + used, size - used, ": every resample gave the same value, as happens "
                 "when a count it rests on is 0 or all of its rows; that is no certainty.");
    return note;
}

static st_status subgroup_table(st_report *rep, const st_report_evaluation *g,
                                st_error *err)
{
    enum { COLS = 3 + N_GROUP_METRICS };
    st_report_cell *cells = st__malloc((g->n_groups ? g->n_groups : 1) * COLS * sizeof *cells);
    if (cells == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report's subgroup table");
    const char *header[COLS] = {"group", "rows", "positive"};
    for (size_t c = 0; c < N_GROUP_METRICS; c++)
        header[3 + c] = st_metric_label(group_metrics[c]);
    for (size_t i = 0; i < g->n_groups; i++) {
        const st_eval *ev = g->groups[i].ev;
        st_report_cell *row = cells + i * COLS;
        row[0] = st_report_text_cell(g->groups[i].name);
        row[1] = st_report_number_cell((double)ev->n_rows, NAN, NAN, 0);
        row[2] = st_report_number_cell((double)ev->n_positive, NAN, NAN, 0);
        for (size_t c = 0; c < N_GROUP_METRICS; c++)
            row[3 + c] = st_report_number_cell(ev->value[group_metrics[c]],
                                               ev->ci_low[group_metrics[c]],
                                               ev->ci_high[group_metrics[c]], 3);
    }
    /* the caption is the column's name whole: it is the caller's, of any length */
    size_t len = strlen(g->group_column) + sizeof "By ";
    char *caption = st__malloc(len), *note = subgroup_note(g);
    if (caption == NULL || note == NULL) {
        st__free(caption);
        st__free(note);
        st__free(cells);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report's subgroup table");
    }
    snprintf(caption, len, "By %s", g->group_column);
    st_report_table t = {caption, COLS, g->n_groups, header, cells, 1, note};
    st_report_table_write(rep, &t);
    st__free(caption);
    st__free(note);
    st__free(cells);
    return ST_OK;
}

static st_status write_report(const st_report_evaluation *r, const st_report_context *c,
                              const st_report_curve *roc, const st_report_curve *pr,
                              const char *path, char **html, size_t *size, st_error *err)
{
    char subtitle[700], name[300];
    if (r->scores_name != NULL) {
        snprintf(subtitle, sizeof subtitle, "scores %s", r->scores_name);
        snprintf(name, sizeof name, "%s", r->score_col);
    } else {
        snprintf(subtitle, sizeof subtitle, "%s model %s on %s", r->model_kind, r->model_name,
                 c->data_name);
        snprintf(name, sizeof name, "%s", r->model_kind);
    }
    st_report *rep = NULL;
    st_status rc = st_report_begin("stratum evaluate", subtitle, &rep, err);
    if (rc != ST_OK)
        return rc;
    st_report_section(rep, "Data and settings");
    for (size_t i = 0; i < c->n_warnings; i++)
        st_report_paragraph(rep, c->warnings[i], "warn");
    facts(rep, r, c->data_name);
    st_report_section(rep, "Curves");
    charts(rep, r, roc, pr, name);
    st_report_section(rep, "Metrics");
    metrics_table(rep, r);
    confusion_table(rep, r->ev);
    if (r->ev->calibration[0].n_rows > 0)
        calibration_table(rep, r->ev);
    if (r->group_column != NULL) {
        st_report_section(rep, "Subgroups");
        if ((rc = subgroup_table(rep, r, err)) != ST_OK) {
            st_report_discard(rep);
            return rc;
        }
    }
    return st_report_end(rep, path, html, size, err);
}

st_status st_report_evaluate(const st_report_evaluation *r, const st_report_context *ctx,
                             const char *path, char **html, size_t *size, st_error *err)
{
    if (html != NULL)
        *html = NULL;
    if (r == NULL || r->p == NULL || r->y == NULL || r->ev == NULL || r->prm == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_evaluate: %s is NULL",
                        r == NULL ? "the evaluation" : r->p == NULL ? "p" : r->y == NULL ? "y"
                        : r->ev == NULL ? "ev" : "prm");
    if (r->scores_name == NULL && (r->model_name == NULL || r->model_kind == NULL))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_evaluate: neither scores_name nor "
                        "model_name and model_kind are given");
    if (r->scores_name != NULL && r->score_col == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_evaluate: score_col is NULL");
    if (r->group_column != NULL && r->n_groups > 0 && r->groups == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_evaluate: groups is NULL");
    for (size_t i = 0; r->group_column != NULL && i < r->n_groups; i++)
        if (r->groups[i].name == NULL || r->groups[i].ev == NULL)
            return st__fail(err, ST_ERR_INVALID_ARG, "st_report_evaluate: group %zu has no "
                            "%s", i + 1, r->groups[i].name == NULL ? "name" : "ev");
    st_report_context c = ctx != NULL ? *ctx : st_report_context_default();
    if (c.data_name == NULL)
        c.data_name = "data";
    st_report_curve roc, pr;
    st_status rc = st_report_curve_make(0, r->p, r->y, r->w, r->n, &roc, err);
    if (rc != ST_OK)
        return rc;
    if ((rc = st_report_curve_make(1, r->p, r->y, r->w, r->n, &pr, err)) == ST_OK)
        rc = write_report(r, &c, &roc, &pr, path, html, size, err);
    st_report_curve_free(&roc);
    st_report_curve_free(&pr);
    return rc;
}
