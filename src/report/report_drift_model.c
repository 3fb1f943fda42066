/* stratum drift's report, the model's part (st_report_drift with a model): its scores and
 * metrics on both files, and a text model's text columns. The numbers are the caller's
 * (the CLI's drift --model computes them); this file lays them out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report_drift_sections.h"

void st__report_drift_model(st_report *rep, const st_report_drift_model *m)
{
    st_report_section(rep, "The model");
    char psi[64], pp[96], z[128];
    snprintf(psi, sizeof psi, "%.4f (%s)", m->score_psi, st_drift_band(m->score_psi));
    snprintf(pp, sizeof pp, "%.4f in REFERENCE, %.4f in NEW", m->mean_p_reference,
             m->mean_p_new);
    snprintf(z, sizeof z, "z = %.3f, p = %.3g (unpaired DeLong)", m->auc_z, m->auc_p);
    const char *terms[] = {"model", "score PSI", "predicted prevalence", "ROC-AUC change"};
    const char *values[] = {m->name != NULL ? m->name : "model", psi, pp, z};
    st_report_facts(rep, terms, values, m->labelled ? 4 : 3);
    if (!m->labelled)
        return;
    static const st_metric show[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_BRIER,
                                     ST_METRIC_CALIBRATION_INTERCEPT,
                                     ST_METRIC_CALIBRATION_SLOPE, ST_METRIC_PREVALENCE};
    enum { NM = sizeof show / sizeof *show };
    st_report_cell cells[(NM + 1) * 3];
    const st_eval *er = m->ev_reference, *en = m->ev_new;
    for (size_t k = 0; k < NM; k++) {
        const st_metric mm = show[k];
        cells[k * 3] = st_report_text_cell(st_metric_name(mm));
        cells[k * 3 + 1] = st_report_number_cell(er->value[mm], er->ci_low[mm],
                                                 er->ci_high[mm], 4);
        cells[k * 3 + 2] = st_report_number_cell(en->value[mm], en->ci_low[mm],
                                                 en->ci_high[mm], 4);
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

/* The terms are named by their words; escaped like every text here. */
int st__report_drift_text(st_report *rep, const st_report_drift_text *t, size_t n_reference,
                          size_t n_new)
{
    char title[300], words[160], empty[96], unseen[96], weight[96];
    snprintf(title, sizeof title, "Text column %.200s", t->column);
    st_report_section(rep, title);
    snprintf(words, sizeof words, "mean %.2f in REFERENCE, %.2f in NEW; PSI %.4f (%s); KS D "
             "%.4f, p %.3g", t->words_mean_reference, t->words_mean_new, t->words_psi,
             st_drift_band(t->words_psi), t->words_ks, t->words_ks_pvalue);
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
    st_report_cell *cells = calloc(t->n_terms * NC + 1, sizeof *cells);
    if (cells == NULL)
        return -1;
    for (size_t i = 0; i < t->n_terms; i++) {
        const st_report_drift_term *o = &t->terms[i];
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
                           "first)", NC, t->n_terms, head, cells, 1,
                           "importance: mean |contribution| over REFERENCE's rows; shift: mean "
                           "contribution in NEW - in REFERENCE; chi-square: the 2 x 2 test of "
                           "texts with and without the term (Yates's correction)."};
    st_report_table_write(rep, &tab);
    free(cells);
    return 0;
}
