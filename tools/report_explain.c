/* stratum explain --report: for chosen rows, each row's risk and a bar chart of the
 * features pushing it up (right) and down (left) with their values; for a dataset, bar
 * charts of the features ranked by mean |contribution| beside the model's own importance
 * (gain for gbdt, |standardised coefficient| for logreg), and the table of all of them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report_cli.h"

/* Rows of charts and tables are capped so that a 5,000-feature model stays readable. */
#define REPORT_MAX_BARS 30

static void setting_facts(st_report *rep, const cli_model *m, const char *model_path,
                          const char *data_path)
{
    const char *terms[3] = {"model", "data", "contributions"};
    const char *values[3] = {model_path, data_path,
                             m->gb != NULL
                                 ? "exact TreeSHAP (path-dependent), on the log-odds scale"
                                 : "coefficient x (value - training mean), a categorical "
                                   "feature's levels and missing indicator summed; log-odds"};
    st_report_facts(rep, terms, values, 3);
}

/* One row: the features pushing up and down, largest first, as signed bars and a table. */
static void row_section(st_report *rep, const cli_model *m, const explain_row *r, size_t top,
                        char (*labels)[300], const char **label_ptrs, double *values,
                        st_report_cell *cells)
{
    const size_t nf = m->n_features;
    double log_odds = 0;
    for (size_t j = 0; j <= nf; j++)
        log_odds += r->contrib[j];
    char title[200], text[400];
    char risk[32];
    cli_risk_text(r->p, risk, sizeof risk);
    snprintf(title, sizeof title, "Row %zu: predicted risk %s", r->row + 1, risk);
    st_report_section(rep, title);
    snprintf(text, sizeof text, "Log-odds %+.3f = the model's bias %+.3f plus the "
             "contributions of the features. Right of zero: raises the risk; left: lowers it.",
             log_odds, r->contrib[nf]);
    st_report_paragraph(rep, text, NULL);
    size_t *order = malloc((nf ? nf : 1) * sizeof *order), n = 0;
    double *key = malloc((nf ? nf : 1) * sizeof *key);
    if (order == NULL || key == NULL) {
        free(order), free(key);
        return;
    }
    for (int dir = 1; dir >= -1; dir -= 2) { /* up, largest first; then down, largest first */
        for (size_t j = 0; j < nf; j++)
            key[j] = dir * r->contrib[j];
        explain_rank(key, nf, order);
        for (size_t k = 0; k < nf && k < top && k < REPORT_MAX_BARS && key[order[k]] > 0; k++) {
            size_t j = order[k];
            snprintf(labels[n], sizeof labels[n], "%s = %s", cli_model_feature_name(m, j),
                     r->values[j]);
            label_ptrs[n] = labels[n];
            values[n] = r->contrib[j];
            cells[n * 3 + 0] = st_report_text_cell(cli_model_feature_name(m, j));
            cells[n * 3 + 1] = st_report_text_cell(r->values[j]);
            cells[n * 3 + 2] = st_report_number_cell(r->contrib[j], NAN, NAN, 4);
            n++;
        }
    }
    free(order), free(key);
    st_report_bars bars = {"Features pushing the risk up and down", "contribution to the log-odds",
                           label_ptrs, values, n, 3, NULL};
    st_report_bar_chart(rep, &bars);
    const char *header[3] = {"feature", "value", "contribution"};
    st_report_table t = {NULL, 3, n, header, cells, 2, NULL};
    st_report_table_write(rep, &t);
}

/* row_section, then the row's texts with their deciding terms marked (a text model). */
static int row_sections(st_report *rep, const cli_model *m, const explain_row *r, size_t top,
                        char (*labels)[300], const char **label_ptrs, double *values,
                        st_report_cell *cells)
{
    row_section(rep, m, r, top, labels, label_ptrs, values, cells);
    if (r->texts == NULL)
        return EXIT_OK;
    return report_explain_texts(rep, m, r, top < REPORT_MAX_BARS ? top : REPORT_MAX_BARS);
}

int report_explain_rows(const char *path, const cli_model *m, const char *model_path,
                        const char *data_path, const explain_row *rows, size_t n_rows,
                        size_t top)
{
    const size_t slots = 2 * REPORT_MAX_BARS;
    char(*labels)[300] = malloc(slots * sizeof *labels);
    const char **label_ptrs = malloc(slots * sizeof *label_ptrs);
    double *values = malloc(slots * sizeof *values);
    st_report_cell *cells = malloc(slots * 3 * sizeof *cells);
    st_report *rep = NULL;
    int status = EXIT_FAILED;
    char subtitle[700];
    snprintf(subtitle, sizeof subtitle, "why the %s model %s gives %zu row%s of %s %s risk",
             cli_model_family(m), model_path, n_rows, n_rows == 1 ? "" : "s", data_path,
             n_rows == 1 ? "its" : "their");
    if (labels == NULL || label_ptrs == NULL || values == NULL || cells == NULL)
        fprintf(stderr, "stratum: out of memory for the report\n");
    else if (report_cli_begin("stratum explain", subtitle, &rep) == 0) {
        st_report_section(rep, "Model and data");
        setting_facts(rep, m, model_path, data_path);
        status = EXIT_OK;
        for (size_t i = 0; i < n_rows && status == EXIT_OK; i++)
            status = row_sections(rep, m, &rows[i], top, labels, label_ptrs, values, cells);
        if (status == EXIT_OK)
            status = report_cli_end(rep, path);
        else
            st_report_discard(rep);
    }
    free(labels), free(label_ptrs), free(values), free(cells);
    return status;
}

int report_explain_global(const char *path, const cli_model *m, const char *model_path,
                          const char *data_path, const explain_global *g, size_t top)
{
    const size_t nf = m->n_features, slots = nf ? nf : 1;
    size_t shown = top > 0 && top < nf ? top : nf;
    size_t bars_n = shown < REPORT_MAX_BARS ? shown : REPORT_MAX_BARS;
    size_t *order = malloc(slots * sizeof *order);
    const char **names = malloc(slots * sizeof *names);
    double *v1 = malloc(slots * sizeof *v1), *v2 = malloc(slots * sizeof *v2);
    const size_t cols = g->split != NULL ? 6 : 5;
    st_report_cell *cells = malloc(slots * cols * sizeof *cells);
    st_report *rep = NULL;
    int status = EXIT_FAILED;
    if (order == NULL || names == NULL || v1 == NULL || v2 == NULL || cells == NULL) {
        fprintf(stderr, "stratum: out of memory for the report\n");
        goto done;
    }
    explain_rank(g->mean_abs, nf, order);
    double total = 0;
    for (size_t j = 0; j < nf; j++)
        total += g->mean_abs[j];
    for (size_t k = 0; k < shown; k++) {
        size_t j = order[k];
        names[k] = cli_model_feature_name(m, j);
        v1[k] = g->mean_abs[j];
        v2[k] = g->split != NULL ? g->gain[j] : g->std_coef[j];
        st_report_cell *row = cells + k * cols;
        row[0] = st_report_text_cell(names[k]);
        row[1] = st_report_number_cell(g->mean_abs[j], NAN, NAN, 4);
        row[2] = st_report_number_cell(total > 0 ? 100 * g->mean_abs[j] / total : 0, NAN, NAN, 1);
        row[3] = st_report_number_cell(fabs(g->mean[j]) < 5e-4 ? 0 : g->mean[j], NAN, NAN, 3);
        if (g->split != NULL) {
            row[4] = st_report_number_cell(g->split[j], NAN, NAN, 0);
            row[5] = st_report_number_cell(g->gain[j], NAN, NAN, 4);
        } else {
            row[4] = st_report_number_cell(g->std_coef[j], NAN, NAN, 4);
        }
    }
    char subtitle[700], note[300];
    snprintf(subtitle, sizeof subtitle, "which features the %s model %s relies on over the %zu "
             "rows of %s", cli_model_family(m), model_path, g->n_rows, data_path);
    snprintf(note, sizeof note, "Features ranked by mean |contribution|%s.",
             bars_n < nf ? "; the charts show the first of them" : "");
    if (report_cli_begin("stratum explain", subtitle, &rep) != 0)
        goto done;
    st_report_section(rep, "Model and data");
    setting_facts(rep, m, model_path, data_path);
    st_report_section(rep, "Feature importance");
    st_report_figures_begin(rep);
    st_report_bars a = {"Mean |contribution| to the log-odds", "mean |contribution|", names, v1,
                        bars_n, 3, note};
    st_report_bar_chart(rep, &a);
    st_report_bars b = {g->split != NULL ? "Gain importance (total gain of the feature's splits)"
                                      : "|Standardised coefficient| (largest of its columns)",
                     g->split != NULL ? "gain" : "|coefficient x training SD|", names, v2,
                     bars_n, 3, "In the order of the mean |contribution| ranking."};
    st_report_bar_chart(rep, &b);
    st_report_figures_end(rep);
    const char *header_gb[6] = {"feature", "mean |contribution|", "share (%)", "mean",
                                "split", "gain"};
    const char *header_lr[5] = {"feature", "mean |contribution|", "share (%)", "mean",
                                "|std coef|"};
    st_report_table t = {NULL, cols, shown, g->split != NULL ? header_gb : header_lr, cells, 1,
                         "share: of the summed mean |contribution|; mean: the signed mean "
                         "contribution."};
    st_report_table_write(rep, &t);
    status = report_cli_end(rep, path);
done:
    free(order), free(names), free(v1), free(v2), free(cells);
    return status;
}
