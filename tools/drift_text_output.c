/* stratum drift with a text model: the text columns' section in the text output and in
 * JSON (the library's st_drift_compare_model computes it and st_report_drift draws it). */
#include <math.h>
#include <string.h>

#include "drift.h"

/* A share of texts; NaN of none. */
static double of_texts(size_t part, size_t texts)
{
    return texts > 0 ? (double)part / (double)texts : NAN;
}

void drift_text_print(FILE *f, const st_drift_text *t, size_t n, size_t n_reference, size_t n_new)
{
    for (size_t k = 0; k < n; k++) {
        const st_drift_text *x = &t[k];
        fprintf(f, "\nText column '%s' (through the model's featurizer: %zu term columns):\n",
                x->column, x->n_term_columns);
        fprintf(f, "  words per text: mean %.2f in REFERENCE, %.2f in NEW; PSI %.4f (%s), KS D "
                "%.4f, p %.3g\n", x->words_mean_reference, x->words_mean_new, x->words_psi,
                st_drift_band(x->words_psi), x->words_ks, x->words_ks_pvalue);
        fprintf(f, "  empty texts (no word, or missing): %.4f in REFERENCE, %.4f in NEW\n",
                x->empty_reference, x->empty_new);
        fprintf(f, "  out of vocabulary (terms the model has no column for): %.4f in "
                "REFERENCE, %.4f in NEW\n", x->unseen_reference, x->unseen_new);
        fprintf(f, "  the text's importance %.4f, its contribution shift %+.4f (summed over "
                "its terms)\n", x->importance, x->shift);
        if (x->n_terms == 0)
            continue;
        fprintf(f, "  terms moving the scores most (largest |contribution shift| first):\n");
        size_t w = 4;
        for (size_t i = 0; i < x->n_terms; i++)
            if (strlen(x->terms[i].label) > w)
                w = strlen(x->terms[i].label);
        w = w > 48 ? 48 : w;
        fprintf(f, "  %-*s %10s %9s %8s %8s %7s %-8s %8s\n", (int)w, "term", "importance",
                "shift", "in ref", "in new", "PSI", "band", "chi2 p");
        for (size_t i = 0; i < x->n_terms; i++) {
            const st_drift_term *o = &x->terms[i];
            fprintf(f, "  %-*.*s", (int)w, (int)w, o->label);
            drift_num(f, 10, o->importance, 0);
            fprintf(f, " %+9.4f", o->shift);
            drift_num(f, 8, of_texts(o->with_reference, n_reference), 0);
            drift_num(f, 8, of_texts(o->with_new, n_new), 0);
            drift_num(f, 7, o->psi, 0);
            fprintf(f, " %-8s", st_drift_band(o->psi));
            drift_num(f, 8, o->chi2_pvalue, 1);
            fputc('\n', f);
        }
        fprintf(f, "  in ref, in new: share of texts with the term; PSI over the two bins "
                "with / without it; chi2 p: 2 x 2 test of homogeneity (Yates)\n");
    }
}

/* ", \"key\": value" for each of n keys and values. */
static void members(FILE *f, const char *const *key, const double *value, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, ", \"%s\": ", key[i]);
        json_number(f, value[i]);
    }
}

void drift_text_json(FILE *f, const st_drift_text *t, size_t n)
{
    static const char *const text_keys[] = {
        "words_mean_reference", "words_mean_new", "words_psi", "words_ks_statistic",
        "words_ks_pvalue", "empty_reference", "empty_new", "unseen_reference", "unseen_new",
        "importance", "contribution_shift"};
    static const char *const term_keys[] = {"psi", "chi2", "chi2_pvalue", "importance",
                                            "contribution_shift"};
    fprintf(f, ", \"text\": [");
    for (size_t k = 0; k < n; k++) {
        const st_drift_text *x = &t[k];
        fprintf(f, "%s\n  {\"column\": ", k ? "," : "");
        json_string(f, x->column);
        fprintf(f, ", \"n_terms\": %zu, \"words_band\": \"%s\"", x->n_term_columns,
                st_drift_band(x->words_psi));
        const double text_values[] = {
            x->words_mean_reference, x->words_mean_new, x->words_psi, x->words_ks,
            x->words_ks_pvalue, x->empty_reference, x->empty_new, x->unseen_reference,
            x->unseen_new, x->importance, x->shift};
        members(f, text_keys, text_values, sizeof text_keys / sizeof *text_keys);
        fprintf(f, ", \"terms\": [");
        for (size_t i = 0; i < x->n_terms; i++) {
            const st_drift_term *o = &x->terms[i];
            fprintf(f, "%s\n   {\"term\": ", i ? "," : "");
            json_string(f, o->label);
            fprintf(f, ", \"texts_reference\": %zu, \"texts_new\": %zu", o->with_reference,
                    o->with_new);
            const double term_values[] = {o->psi, o->chi2, o->chi2_pvalue, o->importance,
                                          o->shift};
            members(f, term_keys, term_values, sizeof term_keys / sizeof *term_keys);
            fprintf(f, "}");
        }
        fprintf(f, "]}");
    }
    fprintf(f, "\n ]");
}
