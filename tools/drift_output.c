/* stratum drift's report: the columns ranked by PSI in text, JSON, CSV or Markdown, and
 * with --model the model's section. */
#include <math.h>
#include <string.h>

#include "drift.h"

static const char *type_word(st_feature_type t)
{
    return t == ST_FEATURE_NUMERIC ? "numeric" : "categorical";
}

/* A number for a table cell: empty when NaN; CSV at full precision (for programs),
 * Markdown rounded, its p-values below 0.001 in e-notation. */
static int csv_cells;

static void cell(FILE *f, double v, int is_p)
{
    if (isnan(v))
        return;
    if (csv_cells)
        fprintf(f, "%.17g", v);
    else if (is_p && v < 1e-3)
        fprintf(f, "%.2e", v);
    else
        fprintf(f, "%.4f", v);
}


static const char bins_note[] =
    "bins: REFERENCE's deciles (numeric), levels (categorical), missing values a bin of "
    "their own";

static void print_model_text(FILE *f, const st_drift_model_result *m, const char *model_path)
{
    fprintf(f, "\nModel %s (%s):\n", model_path, drift_family_word(m->family));
    fprintf(f, "  score PSI %.4f (%s); predicted prevalence (mean P) %.4f in REFERENCE, "
            "%.4f in NEW\n", m->score_psi, st_drift_band(m->score_psi), m->mean_p_reference,
            m->mean_p_new);
    const st_eval *ev[2] = {&m->ev_reference, &m->ev_new};
    const int lab[2] = {m->labelled_reference, m->labelled_new};
    const double mp[2] = {m->mean_p_reference, m->mean_p_new};
    static const st_metric show[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_BRIER,
                                     ST_METRIC_CALIBRATION_INTERCEPT,
                                     ST_METRIC_CALIBRATION_SLOPE};
    if (!lab[0] && !lab[1])
        return;
    fprintf(f, "  %-22s %-26s %-26s\n", "metric [95% CI]", "REFERENCE", "NEW");
    for (size_t k = 0; k < sizeof show / sizeof *show; k++) {
        fprintf(f, "  %-22s", st_metric_label(show[k]));
        for (int s = 0; s < 2; s++) {
            char buf[64] = "-";
            if (lab[s] && !isnan(ev[s]->ci_low[show[k]]))
                snprintf(buf, sizeof buf, "%.4f [%.4f, %.4f]", ev[s]->value[show[k]],
                         ev[s]->ci_low[show[k]], ev[s]->ci_high[show[k]]);
            else if (lab[s])
                snprintf(buf, sizeof buf, "%.4f", ev[s]->value[show[k]]);
            fprintf(f, " %-26s", buf);
        }
        fputc('\n', f);
    }
    fprintf(f, "  %-22s", "observed / expected");
    for (int s = 0; s < 2; s++) {
        char buf[64] = "-";
        if (lab[s])
            snprintf(buf, sizeof buf, "%.4f / %.4f", ev[s]->value[ST_METRIC_PREVALENCE], mp[s]);
        fprintf(f, " %-26s", buf);
    }
    fputc('\n', f);
    if (lab[0] && lab[1]) {
        const double d = ev[1]->value[ST_METRIC_ROC_AUC] - ev[0]->value[ST_METRIC_ROC_AUC];
        fprintf(f, "  ROC-AUC change %+.4f: DeLong z = %.3f, p = %.3g (unpaired)\n", d, m->auc_z,
                m->auc_p);
    }
}

/* The PSI two samples of one population average over `bins` bins at r's row counts,
 * (bins - 1) (1/n_ref + 1/n_new) (a chi-square statistic scaled by the sizes); 0 when it
 * cannot be said. */
static double sampling_psi(const st_drift_result *r, size_t bins)
{
    if (bins < 2 || r->n_reference == 0 || r->n_new == 0)
        return 0;
    return (double)(bins - 1) * (1.0 / (double)r->n_reference + 1.0 / (double)r->n_new);
}

static void print_text(FILE *f, const char *rp, const char *np, const st_drift_result *r,
                       const st_drift_model_result *m, const char *model_path,
                       const size_t *order, size_t n_shown, size_t levels_shown)
{
    fprintf(f, "Drift of %s (NEW, %zu rows) against %s (REFERENCE, %zu rows), %zu ", np,
            r->n_new, rp, r->n_reference, r->n_features);
    if (m != NULL && m->n_text > 0) /* the text columns are compared below, not as columns */
        fprintf(f, "ordinary column%s, %zu text column%s\n", r->n_features == 1 ? "" : "s",
                m->n_text, m->n_text == 1 ? "" : "s");
    else
        fprintf(f, "columns\n");
    fprintf(f, "PSI: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major; %s%s\n", bins_note,
            m != NULL && m->family == ST_MODEL_GBDT
                ? " (the model's split thresholds where it splits on a column)" : "");
    /* Two samples of one population still differ (sampling_psi), on a few hundred rows
     * reaching the 0.1 band by itself: saying so keeps small files from being read as
     * drift. */
    size_t bins = 0; /* the numeric columns' (a categorical column's are its levels) */
    for (size_t j = 0; j < r->n_features; j++)
        if (r->features[j].type != ST_FEATURE_CATEGORICAL && r->features[j].n_bins > bins)
            bins = r->features[j].n_bins;
    const double noise = sampling_psi(r, bins);
    if (noise > 0) {
        fprintf(f, "PSI from sampling alone (no drift): about %.2g for a numeric column's %zu "
                "bins at these row counts, (bins - 1) x (1/rows REFERENCE + 1/rows NEW), "
                "for a categorical column bins = levels%s\n", noise, bins,
                noise >= 0.05 ? "; too few rows for the bands to mean much" : "");
    }
    if (!isnan(r->prevalence_reference) || !isnan(r->prevalence_new)) {
        fprintf(f, "label prevalence:"); /* "-" for an unlabelled file, as elsewhere */
        drift_num(f, 0, r->prevalence_reference, 0);
        fprintf(f, " in REFERENCE%s,", isnan(r->prevalence_reference) ? " (unlabelled)" : "");
        drift_num(f, 0, r->prevalence_new, 0);
        fprintf(f, " in NEW%s\n", isnan(r->prevalence_new) ? " (unlabelled)" : "");
    }
    size_t w = 6;
    for (size_t j = 0; j < r->n_features; j++)
        if (strlen(r->features[j].name) > w)
            w = strlen(r->features[j].name);
    w = w > 40 ? 40 : w;
    fprintf(f, "\n%-*s %-11s %7s %-8s %7s %8s %9s %8s %8s %8s", (int)w, "column", "type", "PSI",
            "band", "KS D", "KS p", "chi2", "chi2 p", "miss ref", "miss new");
    if (m != NULL)
        fprintf(f, " %10s %9s %9s", "importance", "weighted", "shift");
    fprintf(f, "  new levels\n");
    for (size_t k = 0; k < n_shown; k++) {
        const size_t j = order[k];
        const st_drift_feature *c = &r->features[j];
        /* a long name is cut to the column, at a character's start (never inside a
         * UTF-8 sequence), and padded to it */
        size_t cut = strlen(c->name) < w ? strlen(c->name) : w;
        while (cut > 0 && cut < strlen(c->name) && ((unsigned char)c->name[cut] & 0xC0) == 0x80)
            cut--;
        fprintf(f, "%.*s%*s %-11s", (int)cut, c->name, (int)(w - cut), "", type_word(c->type));
        drift_num(f, 7, c->psi, 0);
        fprintf(f, " %-8s", st_drift_band(c->psi));
        drift_num(f, 7, c->ks_statistic, 0);
        drift_num(f, 8, c->ks_pvalue, 1);
        drift_num(f, 9, c->chi2, 0);
        drift_num(f, 8, c->chi2_pvalue, 1);
        drift_num(f, 8, c->missing_reference, 0);
        drift_num(f, 8, c->missing_new, 0);
        if (m != NULL) {
            drift_num(f, 10, m->importance[j], 0);
            drift_num(f, 9, m->weighted[j], 0);
            drift_num(f, 9, m->shift[j], 0);
        }
        fputs(" ", f);
        if (c->n_new_levels > 0) {
            fprintf(f, " %zu (%zu rows):", c->n_new_levels, c->new_level_rows);
            for (size_t l = 0; l < c->n_new_levels && l < levels_shown; l++)
                fprintf(f, "%s %s (%zu)", l ? "," : "", c->new_levels[l].text,
                        c->new_levels[l].count);
            if (c->n_new_levels > levels_shown)
                fprintf(f, ", ...");
        }
        fputc('\n', f);
    }
    if (n_shown < r->n_features)
        fprintf(f, "(%zu more columns with lower PSI; --top 0 shows all)\n",
                r->n_features - n_shown);
    for (size_t k = 0; k < n_shown; k++) { /* a column without a value in a file */
        const st_drift_feature *c = &r->features[order[k]];
        if (c->missing_new == 1 || c->missing_reference == 1)
            fprintf(f, "%s: no value in %s (every row missing; %.4f in %s): its PSI compares "
                    "the missing shares alone, and there is no %s test\n", c->name,
                    c->missing_new == 1 ? "NEW" : "REFERENCE",
                    c->missing_new == 1 ? c->missing_reference : c->missing_new,
                    c->missing_new == 1 ? "REFERENCE" : "NEW",
                    c->type == ST_FEATURE_NUMERIC ? "KS" : "chi-square");
    }
    for (size_t k = 0; k < n_shown; k++) { /* a categorical column of many levels */
        const st_drift_feature *c = &r->features[order[k]];
        const double level_noise = sampling_psi(r, c->n_bins);
        if (c->type == ST_FEATURE_CATEGORICAL && c->psi >= 0.1 && c->psi < 2 * level_noise)
            fprintf(f, "%s: its PSI %.3g is within what sampling alone gives its %zu bins at "
                    "these row counts (about %.2g), so its band is no evidence of drift; "
                    "chi-square p = %.3g tests it\n", c->name, c->psi, c->n_bins, level_noise,
                    c->chi2_pvalue);
    }
    if (m != NULL) {
        fprintf(f, "importance: mean |contribution| to the log-odds over %zu of REFERENCE's "
                "rows; weighted: PSI x importance / total importance; shift: mean contribution "
                "in NEW (%zu rows) - in REFERENCE\n", m->contrib_rows_reference,
                m->contrib_rows_new);
        print_model_text(f, m, model_path);
        drift_text_print(f, m->text, m->n_text, r->n_reference, r->n_new);
    }
}

static void json_eval(FILE *f, const st_eval *ev, double mean_p)
{
    static const st_metric show[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_BRIER,
                                     ST_METRIC_CALIBRATION_INTERCEPT,
                                     ST_METRIC_CALIBRATION_SLOPE, ST_METRIC_PREVALENCE};
    fprintf(f, "{");
    for (size_t k = 0; k < sizeof show / sizeof *show; k++) {
        fprintf(f, "%s\"%s\": {\"value\": ", k ? ", " : "", st_metric_name(show[k]));
        json_number(f, ev->value[show[k]]);
        fprintf(f, ", \"ci_low\": ");
        json_number(f, ev->ci_low[show[k]]);
        fprintf(f, ", \"ci_high\": ");
        json_number(f, ev->ci_high[show[k]]);
        fprintf(f, "}");
    }
    fprintf(f, ", \"roc_auc_delong_variance\": ");
    json_number(f, ev->delong_variance);
    fprintf(f, ", \"observed_prevalence\": ");
    json_number(f, ev->value[ST_METRIC_PREVALENCE]);
    fprintf(f, ", \"expected_prevalence\": ");
    json_number(f, mean_p);
    fprintf(f, "}");
}

static void kv(FILE *f, const char *key, double v)
{
    fprintf(f, ", \"%s\": ", key);
    json_number(f, v);
}

static void print_json(FILE *f, const char *rp, const char *np, const st_drift_result *r,
                       const st_drift_model_result *m, const char *model_path,
                       const size_t *order)
{
    fprintf(f, "{\"reference\": ");
    json_string(f, rp);
    fprintf(f, ", \"new\": ");
    json_string(f, np);
    fprintf(f, ", \"n_reference\": %zu, \"n_new\": %zu", r->n_reference, r->n_new);
    fprintf(f, ", \"psi_bands\": {\"stable_below\": 0.1, \"major_above\": 0.25}");
    fprintf(f, ", \"bins\": ");
    json_string(f, bins_note);
    kv(f, "prevalence_reference", r->prevalence_reference);
    kv(f, "prevalence_new", r->prevalence_new);
    fprintf(f, ",\n \"columns\": [");
    for (size_t k = 0; k < r->n_features; k++) {
        const size_t j = order[k];
        const st_drift_feature *c = &r->features[j];
        fprintf(f, "%s\n  {\"name\": ", k ? "," : "");
        json_string(f, c->name);
        fprintf(f, ", \"type\": \"%s\", \"n_bins\": %zu, \"model_bins\": %s",
                type_word(c->type), c->n_bins, c->model_bins ? "true" : "false");
        kv(f, "psi", c->psi);
        fprintf(f, ", \"band\": \"%s\"", st_drift_band(c->psi));
        kv(f, "ks_statistic", c->ks_statistic);
        kv(f, "ks_pvalue", c->ks_pvalue);
        kv(f, "chi2", c->chi2);
        fprintf(f, ", \"chi2_dof\": %zu", c->chi2_dof);
        kv(f, "chi2_pvalue", c->chi2_pvalue);
        kv(f, "missing_reference", c->missing_reference);
        kv(f, "missing_new", c->missing_new);
        kv(f, "mean_reference", c->mean_reference);
        kv(f, "mean_new", c->mean_new);
        if (m != NULL) {
            kv(f, "importance", m->importance[j]);
            kv(f, "weighted_psi", m->weighted[j]);
            kv(f, "contribution_shift", m->shift[j]);
        }
        fprintf(f, ", \"new_level_rows\": %zu, \"new_levels\": [", c->new_level_rows);
        for (size_t l = 0; l < c->n_new_levels; l++) {
            fprintf(f, "%s{\"level\": ", l ? ", " : "");
            json_string(f, c->new_levels[l].text);
            fprintf(f, ", \"count\": %zu}", c->new_levels[l].count);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "\n ]");
    if (m != NULL) {
        fprintf(f, ",\n \"model\": {\"path\": ");
        json_string(f, model_path);
        fprintf(f, ", \"family\": \"%s\"", drift_family_word(m->family));
        kv(f, "score_psi", m->score_psi);
        fprintf(f, ", \"score_band\": \"%s\"", st_drift_band(m->score_psi));
        kv(f, "predicted_prevalence_reference", m->mean_p_reference);
        kv(f, "predicted_prevalence_new", m->mean_p_new);
        fprintf(f, ", \"contrib_rows_reference\": %zu, \"contrib_rows_new\": %zu",
                m->contrib_rows_reference, m->contrib_rows_new);
        fprintf(f, ", \"reference\": ");
        if (m->labelled_reference)
            json_eval(f, &m->ev_reference, m->mean_p_reference);
        else
            fprintf(f, "null");
        fprintf(f, ", \"new\": ");
        if (m->labelled_new)
            json_eval(f, &m->ev_new, m->mean_p_new);
        else
            fprintf(f, "null");
        kv(f, "auc_change_z", m->auc_z);
        kv(f, "auc_change_pvalue", m->auc_p);
        fprintf(f, "}");
        if (m->n_text > 0)
            drift_text_json(f, m->text, m->n_text);
    }
    fprintf(f, "}\n");
}

/* The text holds a byte for which csv_field quotes a field. */
static int csv_needs_quotes(const char *s)
{
    return strpbrk(s, ",\"\r\n;\t|") != NULL;
}

/* A level's text in the field, CSV-quoted inside quotes or Markdown-escaped. */
static void level_text(FILE *f, cli_format fmt, int quoted, const char *s)
{
    if (fmt == FORMAT_MARKDOWN) {
        markdown_cell(f, s);
        return;
    }
    for (; *s != '\0'; s++) {
        if (quoted && *s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
}

/* The new levels as "text:count" separated by ';', one field, every one of them (the
 * list of a code column can run to thousands: written as it goes, never cut). */
static void new_levels_field(FILE *f, cli_format fmt, const st_drift_feature *c)
{
    int quoted = fmt == FORMAT_CSV && c->n_new_levels > 1; /* the ';' between them */
    for (size_t l = 0; fmt == FORMAT_CSV && l < c->n_new_levels && !quoted; l++)
        quoted = csv_needs_quotes(c->new_levels[l].text);
    if (quoted)
        fputc('"', f);
    for (size_t l = 0; l < c->n_new_levels; l++) {
        if (l > 0)
            fputc(';', f);
        level_text(f, fmt, quoted, c->new_levels[l].text);
        fprintf(f, ":%zu", c->new_levels[l].count);
    }
    if (quoted)
        fputc('"', f);
}

/* CSV and Markdown: one row per column. */
static void print_table(FILE *f, cli_format fmt, const st_drift_result *r, const st_drift_model_result *m,
                        const size_t *order)
{
    const char *sep = fmt == FORMAT_CSV ? "," : " | ";
    csv_cells = fmt == FORMAT_CSV;
    static const char *const head[] = {"column", "type", "psi", "band", "ks_statistic",
                                       "ks_pvalue", "chi2", "chi2_dof", "chi2_pvalue",
                                       "missing_reference", "missing_new", "new_level_rows",
                                       "new_levels"};
    const size_t nh = sizeof head / sizeof *head;
    if (fmt == FORMAT_MARKDOWN)
        fputs("| ", f);
    for (size_t k = 0; k < nh; k++)
        fprintf(f, "%s%s", k ? sep : "", head[k]);
    if (m != NULL)
        fprintf(f, "%simportance%sweighted_psi%scontribution_shift", sep, sep, sep);
    fputs(fmt == FORMAT_MARKDOWN ? " |\n|" : "\n", f);
    if (fmt == FORMAT_MARKDOWN) {
        for (size_t k = 0; k < nh + (m != NULL ? 3 : 0); k++)
            fputs(k < 2 || k == 3 || k == nh - 1 ? "---|" : "---:|", f);
        fputc('\n', f);
    }
    for (size_t k = 0; k < r->n_features; k++) {
        const size_t j = order[k];
        const st_drift_feature *c = &r->features[j];
        if (fmt == FORMAT_MARKDOWN)
            fputs("| ", f);
        if (fmt == FORMAT_CSV)
            csv_field(f, c->name);
        else
            markdown_cell(f, c->name);
        fprintf(f, "%s%s%s", sep, type_word(c->type), sep);
        cell(f, c->psi, 0);
        fprintf(f, "%s%s%s", sep, st_drift_band(c->psi), sep);
        cell(f, c->ks_statistic, 0);
        fputs(sep, f);
        cell(f, c->ks_pvalue, 1);
        fputs(sep, f);
        cell(f, c->chi2, 0);
        fputs(sep, f);
        if (c->type == ST_FEATURE_CATEGORICAL)
            fprintf(f, "%zu", c->chi2_dof);
        fputs(sep, f);
        cell(f, c->chi2_pvalue, 1);
        fputs(sep, f);
        cell(f, c->missing_reference, 0);
        fputs(sep, f);
        cell(f, c->missing_new, 0);
        fprintf(f, "%s%zu%s", sep, c->new_level_rows, sep);
        new_levels_field(f, fmt, c);
        if (m != NULL) {
            fputs(sep, f);
            cell(f, m->importance[j], 0);
            fputs(sep, f);
            cell(f, m->weighted[j], 0);
            fputs(sep, f);
            cell(f, m->shift[j], 0);
        }
        fputs(fmt == FORMAT_MARKDOWN ? " |\n" : "\n", f);
    }
}

void drift_print(FILE *f, cli_format format, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const st_drift_model_result *m,
                 const char *model_path, const size_t *order, size_t n_shown,
                 size_t levels_shown)
{
    switch (format) {
    case FORMAT_JSON: print_json(f, ref_path, new_path, r, m, model_path, order); break;
    case FORMAT_CSV:
    case FORMAT_MARKDOWN: print_table(f, format, r, m, order); break;
    default:
        print_text(f, ref_path, new_path, r, m, model_path, order, n_shown, levels_shown);
        break;
    }
}
