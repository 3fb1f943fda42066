/* stratum explain's report (st_report_explain, stratum/report.h) from an explanation
 * (stratum/explain.h): for chosen rows, each row's risk and a bar chart of the features
 * pushing it up (right) and down (left) with their values, and a text model's texts with
 * the deciding terms marked (report_explain_text.c); over a dataset, bar charts of the
 * features ranked by mean |contribution| beside the model's own importance (gain for gbdt,
 * |standardised coefficient| for logreg), and the table of all of them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_explain.h"

static void setting_facts(st_report *rep, const st_report_explain_input *in)
{
    const char *terms[3] = {"model", "data", "contributions"};
    const char *values[3] = {in->model_name, in->data_name,
                             in->ex->family == ST_MODEL_GBDT
                                 ? "exact TreeSHAP (path-dependent), on the log-odds scale"
                                 : "coefficient x (value - training mean), a categorical "
                                   "feature's levels and missing indicator summed; log-odds"};
    st_report_facts(rep, terms, values, 3);
}

/* Working memory of the rows' sections: at most 2 * ST__REPORT_MAX_BARS bars a row. */
typedef struct row_scratch {
    char (*labels)[300];
    const char **label_ptrs;
    double *values;
    st_report_cell *cells;
    size_t *order;
} row_scratch;

/* Chosen row k: the features pushing up and down, largest first, as signed bars and a
 * table. */
static void row_section(st_report *rep, const st_explanation *ex, size_t k, size_t top,
                        row_scratch *s)
{
    const size_t nf = ex->n_features;
    const double *c = ex->contrib + k * (nf + 1);
    char *const *v = ex->values + k * nf;
    double log_odds = 0;
    for (size_t j = 0; j <= nf; j++)
        log_odds += c[j];
    char title[200], text[600], risk[32], before[32] = "";
    st_report_format_risk(risk, sizeof risk, ex->p[k]);
    snprintf(title, sizeof title, "Row %zu: predicted risk %s", ex->rows[k] + 1, risk);
    st_report_section(rep, title);
    if (ex->p_uncalibrated != NULL) /* the map moves p; the contributions are before it */
        st_report_format_risk(before, sizeof before, ex->p_uncalibrated[k]);
    snprintf(text, sizeof text, "%s%s%sLog-odds %+.3f = the model's bias %+.3f plus the "
             "contributions of the features. Right of zero: raises the risk; left: lowers it.",
             before[0] ? "The risk is calibrated; before the calibration map it is " : "",
             before, before[0] ? ", the risk these log-odds give. " : "", log_odds, c[nf]);
    st_report_paragraph(rep, text, NULL);
    size_t n = 0;
    const size_t shown = top < ST__REPORT_MAX_BARS ? top : ST__REPORT_MAX_BARS;
    for (int up = 1; up >= 0; up--) { /* up, largest first; then down, largest first */
        size_t m = st_explanation_pushing(ex, k, up, shown, s->order);
        for (size_t i = 0; i < m; i++) {
            size_t j = s->order[i];
            snprintf(s->labels[n], sizeof s->labels[n], "%s = %s", ex->labels[j], v[j]);
            s->label_ptrs[n] = s->labels[n];
            s->values[n] = c[j];
            s->cells[n * 3 + 0] = st_report_text_cell(ex->labels[j]);
            s->cells[n * 3 + 1] = st_report_text_cell(v[j]);
            s->cells[n * 3 + 2] = st_report_number_cell(c[j], NAN, NAN, 4);
            n++;
        }
    }
    st_report_bars bars = {"Features pushing the risk up and down", "contribution to the log-odds",
                           s->label_ptrs, s->values, n, 3, NULL};
    st_report_bar_chart(rep, &bars);
    const char *header[3] = {"feature", "value", "contribution"};
    st_report_table t = {NULL, 3, n, header, s->cells, 2, NULL};
    st_report_table_write(rep, &t);
}

static st_status rows_sections(st_report *rep, const st_report_explain_input *in, size_t top,
                               st_error *err)
{
    const st_explanation *ex = in->ex;
    const size_t slots = 2 * ST__REPORT_MAX_BARS, nf = ex->n_features;
    row_scratch s = {st__malloc_array(slots, sizeof *s.labels),
                     st__malloc_array(slots, sizeof *s.label_ptrs),
                     st__malloc_array(slots, sizeof *s.values),
                     st__malloc_array(slots * 3, sizeof *s.cells),
                     st__malloc_array(nf ? nf : 1, sizeof *s.order)};
    st_status rc = ST_OK;
    if (s.labels == NULL || s.label_ptrs == NULL || s.values == NULL || s.cells == NULL ||
        s.order == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    for (size_t k = 0; k < ex->n_rows && rc == ST_OK; k++) {
        row_section(rep, ex, k, top, &s);
        if (ex->n_texts > 0)
            rc = st__report_explain_texts(rep, in->model, ex, k,
                                          top < ST__REPORT_MAX_BARS ? top : ST__REPORT_MAX_BARS,
                                          err);
    }
    st__free(s.labels), st__free(s.label_ptrs), st__free(s.values), st__free(s.cells);
    st__free(s.order);
    return rc;
}

/* The ranking of every feature: two bar charts and the table of the `top` first. */
static st_status global_section(st_report *rep, const st_explanation *ex, size_t top,
                                st_error *err)
{
    const size_t nf = ex->n_features, slots = nf ? nf : 1;
    const size_t shown = top > 0 && top < nf ? top : nf;
    const size_t bars_n = shown < ST__REPORT_MAX_BARS ? shown : ST__REPORT_MAX_BARS;
    const int gbdt = ex->split != NULL;
    const size_t cols = gbdt ? 6 : 5;
    size_t *order = st__malloc_array(slots, sizeof *order);
    const char **names = st__malloc_array(slots, sizeof *names);
    double *v1 = st__malloc_array(slots, sizeof *v1), *v2 = st__malloc_array(slots, sizeof *v2);
    st_report_cell *cells = st__malloc_array(slots * cols, sizeof *cells);
    if (order == NULL || names == NULL || v1 == NULL || v2 == NULL || cells == NULL) {
        st__free(order), st__free((void *)names), st__free(v1), st__free(v2), st__free(cells);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    }
    st_explanation_ranking(ex, order);
    double total = 0;
    for (size_t j = 0; j < nf; j++)
        total += ex->mean_abs[j];
    for (size_t k = 0; k < shown; k++) {
        size_t j = order[k];
        names[k] = ex->labels[j];
        v1[k] = ex->mean_abs[j];
        v2[k] = gbdt ? ex->gain[j] : ex->std_coef[j];
        st_report_cell *row = cells + k * cols;
        row[0] = st_report_text_cell(names[k]);
        row[1] = st_report_number_cell(ex->mean_abs[j], NAN, NAN, 4);
        row[2] = st_report_number_cell(total > 0 ? 100 * ex->mean_abs[j] / total : 0, NAN, NAN,
                                       1);
        /* below display precision shows as 0, not as -3e-17 */
        row[3] = st_report_number_cell(fabs(ex->mean[j]) < 5e-4 ? 0 : ex->mean[j], NAN, NAN, 3);
        if (gbdt) {
            row[4] = st_report_number_cell(ex->split[j], NAN, NAN, 0);
            row[5] = st_report_number_cell(ex->gain[j], NAN, NAN, 4);
        } else {
            row[4] = st_report_number_cell(ex->std_coef[j], NAN, NAN, 4);
        }
    }
    char note[300];
    snprintf(note, sizeof note, "Features ranked by mean |contribution|%s.",
             bars_n < nf ? "; the charts show the first of them" : "");
    st_report_section(rep, "Feature importance");
    st_report_figures_begin(rep);
    st_report_bars a = {"Mean |contribution| to the log-odds", "mean |contribution|", names, v1,
                        bars_n, 3, note};
    st_report_bar_chart(rep, &a);
    st_report_bars b = {gbdt ? "Gain importance (total gain of the feature's splits)"
                             : "|Standardised coefficient| (largest of its columns)",
                        gbdt ? "gain" : "|coefficient x training SD|", names, v2, bars_n, 3,
                        "In the order of the mean |contribution| ranking."};
    st_report_bar_chart(rep, &b);
    st_report_figures_end(rep);
    const char *header_gb[6] = {"feature", "mean |contribution|", "share (%)", "mean",
                                "split", "gain"};
    const char *header_lr[5] = {"feature", "mean |contribution|", "share (%)", "mean",
                                "|std coef|"};
    st_report_table t = {NULL, cols, shown, gbdt ? header_gb : header_lr, cells, 1,
                         "share: of the summed mean |contribution|; mean: the signed mean "
                         "contribution."};
    st_report_table_write(rep, &t);
    st__free(order), st__free((void *)names), st__free(v1), st__free(v2), st__free(cells);
    return ST_OK;
}

static void subtitle(const st_report_explain_input *in, char *buf, size_t size)
{
    const st_explanation *ex = in->ex;
    const char *family = ex->family == ST_MODEL_GBDT ? "gbdt" : "logreg";
    const size_t n = ex->n_rows;
    if (n > 0 && ex->mean_abs == NULL)
        snprintf(buf, size, "why the %s model %s gives %zu row%s of %s %s risk", family,
                 in->model_name, n, n == 1 ? "" : "s", in->data_name, n == 1 ? "its" : "their");
    else if (n == 0)
        snprintf(buf, size, "which features the %s model %s relies on over the %zu rows of %s",
                 family, in->model_name, ex->n_global_rows, in->data_name);
    else
        snprintf(buf, size, "why the %s model %s gives %zu row%s of %s %s risk, and which "
                 "features it relies on over all %zu rows", family, in->model_name, n,
                 n == 1 ? "" : "s", in->data_name, n == 1 ? "its" : "their",
                 ex->n_global_rows);
}

st_status st_report_explain(const st_report_explain_input *r, const char *path, char **html,
                            size_t *size, st_error *err)
{
    if (html != NULL)
        *html = NULL;
    if (r == NULL || r->model == NULL || r->ex == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_explain: %s is NULL",
                        r == NULL ? "the input" : r->model == NULL ? "model" : "ex");
    if (r->ex->n_rows == 0 && r->ex->mean_abs == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_explain: the explanation has "
                        "neither chosen rows nor the global part");
    if (r->ex->n_features != st_model_n_features(r->model) ||
        r->ex->n_texts != st_model_n_text_featurizers(r->model))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_explain: the explanation is of "
                        "another model (%zu features, the model %zu)", r->ex->n_features,
                        st_model_n_features(r->model));
    st_report_explain_input in = *r;
    if (in.model_name == NULL)
        in.model_name = "model";
    if (in.data_name == NULL)
        in.data_name = "data";
    char sub[700];
    subtitle(&in, sub, sizeof sub);
    st_report *rep = NULL;
    st_status rc = st_report_begin("stratum explain", sub, &rep, err);
    if (rc != ST_OK)
        return rc;
    st_report_section(rep, "Model and data");
    setting_facts(rep, &in);
    if (in.ex->n_rows > 0)
        rc = rows_sections(rep, &in, in.top > 0 ? in.top : SIZE_MAX, err);
    if (rc == ST_OK && in.ex->mean_abs != NULL)
        rc = global_section(rep, in.ex, in.top_global, err);
    if (rc != ST_OK) {
        st_report_discard(rep);
        return rc;
    }
    return st_report_end(rep, path, html, size, err);
}

char *st_report_format_risk(char *buf, size_t size, double p)
{
    const double pct = 100 * p;
    if (pct != pct)
        snprintf(buf, size, "undefined");
    else if (pct >= 99.95) /* "100.0%" would claim a certainty no model has */
        snprintf(buf, size, ">99.9%%");
    else if (pct >= 1)
        snprintf(buf, size, "%.1f%%", pct);
    else if (pct >= 0.1)
        snprintf(buf, size, "%.2f%%", pct);
    else
        snprintf(buf, size, "<0.1%%");
    return buf;
}
