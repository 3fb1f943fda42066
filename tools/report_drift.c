/* stratum drift --report: the columns ranked by PSI (a bar chart and the full table), the
 * two distributions of the most drifted columns over the PSI's own bins, and with a model
 * its scores and metrics on both files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "report_cli.h"

#define REPORT_MAX_BARS 30 /* columns in the bar chart */
#define REPORT_MAX_PLOTS 6 /* distributions drawn */

static void facts(st_report *rep, const char *rp, const char *np, const st_drift_result *r)
{
    char rows_r[64], rows_n[64], prev[96], cols[32];
    snprintf(rows_r, sizeof rows_r, "%zu", r->n_reference);
    snprintf(rows_n, sizeof rows_n, "%zu", r->n_new);
    snprintf(cols, sizeof cols, "%zu", r->n_features);
    if (isnan(r->prevalence_reference) && isnan(r->prevalence_new))
        snprintf(prev, sizeof prev, "no label");
    else
        snprintf(prev, sizeof prev, "%.4f in REFERENCE, %.4f in NEW", r->prevalence_reference,
                 r->prevalence_new);
    const char *terms[] = {"REFERENCE", "rows", "NEW", "rows", "columns", "label prevalence",
                           "stratum", "PSI bands", "bins"};
    const char *values[] = {rp, rows_r, np, rows_n, cols, prev, st_version(),
                            "< 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift",
                            "REFERENCE's deciles (numeric; a gbdt model's split thresholds "
                            "with --model), levels (categorical), missing values a bin of "
                            "their own; an empty bin counts as a share of 0.0001"};
    st_report_facts(rep, terms, values, sizeof terms / sizeof *terms);
}

static void table(st_report *rep, const st_drift_result *r, const size_t *order)
{
    static const char *const head[] = {"column", "type", "PSI", "band", "KS D", "KS p",
                                       "chi-square p", "missing in REFERENCE",
                                       "missing in NEW", "rows with new levels"};
    enum { NC = 10 };
    st_report_cell *cells = calloc(r->n_features * NC + 1, sizeof *cells);
    char (*num)[32] = calloc(r->n_features + 1, sizeof *num);
    if (cells == NULL || num == NULL) {
        free(cells), free(num);
        return;
    }
    for (size_t k = 0; k < r->n_features; k++) {
        const st_drift_feature *c = &r->features[order[k]];
        st_report_cell *row = cells + k * NC;
        row[0] = st_report_text_cell(c->name);
        row[1] = st_report_text_cell(c->type == ST_FEATURE_NUMERIC ? "numeric" : "categorical");
        row[2] = st_report_number_cell(c->psi, NAN, NAN, 4);
        row[3] = st_report_text_cell(drift_band(c->psi));
        row[4] = st_report_number_cell(c->ks_statistic, NAN, NAN, 4);
        row[5] = st_report_number_cell(c->ks_pvalue, NAN, NAN, -1);
        row[6] = st_report_number_cell(c->chi2_pvalue, NAN, NAN, -1);
        row[7] = st_report_number_cell(c->missing_reference, NAN, NAN, 4);
        row[8] = st_report_number_cell(c->missing_new, NAN, NAN, 4);
        snprintf(num[k], sizeof num[k], "%zu", c->new_level_rows);
        row[9] = st_report_text_cell(num[k]);
        if (c->type == ST_FEATURE_NUMERIC)
            row[6] = st_report_text_cell("");
        else
            row[4] = row[5] = st_report_text_cell("");
    }
    st_report_table t = {"Every column, ranked by PSI", NC, r->n_features, head, cells, 1,
                         "p-values: two-sample Kolmogorov-Smirnov (numeric), chi-square test of "
                         "homogeneity (categorical); with samples this large, tiny shifts are "
                         "significant: read PSI for the size of a shift."};
    st_report_table_write(rep, &t);
    free(cells), free(num);
}

static void bars(st_report *rep, const st_drift_result *r, const size_t *order)
{
    const size_t n = r->n_features < REPORT_MAX_BARS ? r->n_features : REPORT_MAX_BARS;
    const char **labels = calloc(n + 1, sizeof *labels);
    double *values = calloc(n + 1, sizeof *values);
    if (labels != NULL && values != NULL) {
        for (size_t k = 0; k < n; k++) {
            labels[k] = r->features[order[k]].name;
            values[k] = r->features[order[k]].psi;
        }
        st_report_bars b = {"PSI of the most drifted columns", "PSI", labels, values, n, 3,
                            "0.1 and 0.25 are the conventional limits of a moderate and a major "
                            "shift."};
        st_report_bar_chart(rep, &b);
    }
    free(labels), free(values);
}

/* The two distributions of column c over its bins (x: bin number), and the bins named. */
static void distribution(st_report *rep, const st_drift_feature *c)
{
    const size_t k = c->n_shares;
    double *x = calloc(k + 1, sizeof *x);
    char *caption = calloc(2048, 1);
    if (x == NULL || caption == NULL) {
        free(x), free(caption);
        return;
    }
    double ymax = 0;
    for (size_t i = 0; i < k; i++) {
        x[i] = (double)(i + 1);
        ymax = fmax(ymax, fmax(c->share_reference[i], c->share_new[i]));
    }
    size_t used = (size_t)snprintf(caption, 2048, "Bins 1 to %zu (the last: missing). ", k);
    for (size_t i = 0; i + 1 < k && used < 1900; i++) {
        if (c->levels != NULL)
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: %.40s; ", i + 1,
                                     c->levels[i]);
        else if (i + 2 < k)
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: <= %.6g; ", i + 1,
                                     c->edges[i]);
        else
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: above; ", i + 1);
    }
    if (used >= 1900)
        snprintf(caption + 1900, 148, "...");
    char title[300];
    snprintf(title, sizeof title, "%.200s: PSI %.3f (%s)", c->name, c->psi, drift_band(c->psi));
    st_report_series s[2] = {
        {"REFERENCE", x, c->share_reference, k, NAN, NAN, NULL, 0, 0, 1},
        {"NEW", x, c->share_new, k, NAN, NAN, NULL, 1, 1, 1}};
    st_report_chart ch = {title, "bin", "share of rows", 0.5, (double)k + 0.5, 0,
                          ymax > 0 ? ymax * 1.05 : 1, 0, NAN, NULL, s, 2, caption};
    st_report_line_chart(rep, &ch);
    free(x), free(caption);
}

static void model_section(st_report *rep, const drift_model *m)
{
    st_report_section(rep, "The model");
    char psi[64], pp[96], z[128];
    snprintf(psi, sizeof psi, "%.4f (%s)", m->score_psi, drift_band(m->score_psi));
    snprintf(pp, sizeof pp, "%.4f in REFERENCE, %.4f in NEW", m->mean_p_reference,
             m->mean_p_new);
    snprintf(z, sizeof z, "z = %.3f, p = %.3g (unpaired DeLong)", m->auc_z, m->auc_p);
    const char *terms[] = {"model", "score PSI", "predicted prevalence", "ROC-AUC change"};
    const char *values[] = {m->path, psi, pp, z};
    st_report_facts(rep, terms, values, m->labelled_reference && m->labelled_new ? 4 : 3);
    if (!m->labelled_reference || !m->labelled_new)
        return;
    static const st_metric show[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_BRIER,
                                     ST_METRIC_CALIBRATION_INTERCEPT,
                                     ST_METRIC_CALIBRATION_SLOPE, ST_METRIC_PREVALENCE};
    enum { NM = sizeof show / sizeof *show };
    st_report_cell cells[(NM + 1) * 3];
    for (size_t k = 0; k < NM; k++) {
        const st_metric mm = show[k];
        cells[k * 3] = st_report_text_cell(st_metric_name(mm));
        cells[k * 3 + 1] = st_report_number_cell(m->ev_reference.value[mm],
                                                 m->ev_reference.ci_low[mm],
                                                 m->ev_reference.ci_high[mm], 4);
        cells[k * 3 + 2] = st_report_number_cell(m->ev_new.value[mm], m->ev_new.ci_low[mm],
                                                 m->ev_new.ci_high[mm], 4);
    }
    cells[NM * 3] = st_report_text_cell("predicted prevalence");
    cells[NM * 3 + 1] = st_report_number_cell(m->mean_p_reference, NAN, NAN, 4);
    cells[NM * 3 + 2] = st_report_number_cell(m->mean_p_new, NAN, NAN, 4);
    static const char *const head[] = {"metric (95% bootstrap interval)", "REFERENCE", "NEW"};
    st_report_table t = {"The model on both files", 3, NM + 1, head, cells, 1,
                         "prevalence is the observed share of positives, to set against the "
                         "predicted prevalence (mean P(y = 1))."};
    st_report_table_write(rep, &t);
}

/* A text model's text columns: the texts as a whole, and the terms that move the scores
 * (named by their words; escaped like every text here). */
static void text_section(st_report *rep, const drift_text *t, size_t n_reference, size_t n_new)
{
    char title[300], words[160], empty[96], unseen[96], weight[96];
    snprintf(title, sizeof title, "Text column %.200s", t->column);
    st_report_section(rep, title);
    snprintf(words, sizeof words, "mean %.2f in REFERENCE, %.2f in NEW; PSI %.4f (%s); KS D "
             "%.4f, p %.3g", t->words_mean_reference, t->words_mean_new, t->words_psi,
             drift_band(t->words_psi), t->words_ks, t->words_ks_pvalue);
    snprintf(empty, sizeof empty, "%.4f in REFERENCE, %.4f in NEW", t->empty_reference,
             t->empty_new);
    snprintf(unseen, sizeof unseen, "%.4f in REFERENCE, %.4f in NEW", t->unseen_reference,
             t->unseen_new);
    snprintf(weight, sizeof weight, "importance %.4f, contribution shift %+.4f", t->importance,
             t->shift);
    const char *terms[] = {"words per text", "empty texts (no word, or missing)",
                           "out of vocabulary (terms without a model column)",
                           "the text in the model (summed over its terms)"};
    const char *values[] = {words, empty, unseen, weight};
    st_report_facts(rep, terms, values, 4);
    enum { NC = 7 };
    st_report_cell *cells = calloc(t->n_tokens * NC + 1, sizeof *cells);
    if (cells == NULL)
        return;
    for (size_t i = 0; i < t->n_tokens; i++) {
        const drift_token *o = &t->tokens[i];
        st_report_cell *row = cells + i * NC;
        row[0] = st_report_text_cell(o->label);
        row[1] = st_report_number_cell(o->importance, NAN, NAN, 4);
        row[2] = st_report_number_cell(o->shift, NAN, NAN, 4);
        row[3] = st_report_number_cell((double)o->with_reference / (double)n_reference, NAN,
                                       NAN, 4);
        row[4] = st_report_number_cell((double)o->with_new / (double)n_new, NAN, NAN, 4);
        row[5] = st_report_number_cell(o->psi, NAN, NAN, 4);
        row[6] = st_report_number_cell(o->chi2_pvalue, NAN, NAN, -1);
    }
    static const char *const head[] = {"term (its words)", "importance", "contribution shift",
                                       "share of texts in REFERENCE", "share in NEW",
                                       "PSI (with / without)", "chi-square p"};
    st_report_table tab = {"The terms moving the scores most (largest |contribution shift| "
                           "first)", NC, t->n_tokens, head, cells, 1,
                           "importance: mean |contribution| over REFERENCE's rows; shift: mean "
                           "contribution in NEW - in REFERENCE; chi-square: the 2 x 2 test of "
                           "texts with and without the term (Yates's correction)."};
    st_report_table_write(rep, &tab);
    free(cells);
}

int report_drift(const char *path, const char *rp, const char *np, const st_drift_result *r,
                 const drift_model *m, const size_t *order)
{
    st_report *rep = NULL;
    char sub[1200];
    snprintf(sub, sizeof sub, "%.580s against %.580s", np, rp);
    if (report_cli_begin("stratum drift", sub, &rep) != 0)
        return EXIT_FAILED;
    st_report_section(rep, "Data and settings");
    facts(rep, rp, np, r);
    st_report_section(rep, "Columns ranked by PSI");
    bars(rep, r, order);
    table(rep, r, order);
    st_report_section(rep, "Distributions of the most drifted columns");
    st_report_paragraph(rep, "Each column's share of rows in each bin of its PSI, in REFERENCE "
                        "and in NEW.", "note");
    st_report_figures_begin(rep);
    for (size_t k = 0; k < r->n_features && k < REPORT_MAX_PLOTS; k++)
        distribution(rep, &r->features[order[k]]);
    st_report_figures_end(rep);
    if (m != NULL)
        model_section(rep, m);
    for (size_t k = 0; m != NULL && k < m->n_text; k++)
        text_section(rep, &m->text[k], r->n_reference, r->n_new);
    return report_cli_end(rep, path);
}
