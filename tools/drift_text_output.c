/* stratum drift with a text model: the text columns' section in the text output and in
 * JSON (drift_text.c computes it; report_drift.c draws it). */
#include <math.h>
#include <string.h>

#include "drift.h"

/* A share of texts; NaN of none. */
static double of_texts(size_t part, size_t texts)
{
    return texts > 0 ? (double)part / (double)texts : NAN;
}

void drift_text_print(FILE *f, const drift_text *t, size_t n, size_t n_reference, size_t n_new)
{
    for (size_t k = 0; k < n; k++) {
        const drift_text *x = &t[k];
        fprintf(f, "\nText column '%s' (through the model's featurizer: %zu term columns):\n",
                x->column, x->n_terms);
        fprintf(f, "  words per text: mean %.2f in REFERENCE, %.2f in NEW; PSI %.4f (%s), KS D "
                "%.4f, p %.3g\n", x->words_mean_reference, x->words_mean_new, x->words_psi,
                drift_band(x->words_psi), x->words_ks, x->words_ks_pvalue);
        fprintf(f, "  empty texts (no word, or missing): %.4f in REFERENCE, %.4f in NEW\n",
                x->empty_reference, x->empty_new);
        fprintf(f, "  out of vocabulary (terms the model has no column for): %.4f in "
                "REFERENCE, %.4f in NEW\n", x->unseen_reference, x->unseen_new);
        fprintf(f, "  the text's importance %.4f, its contribution shift %+.4f (summed over "
                "its terms)\n", x->importance, x->shift);
        if (x->n_tokens == 0)
            continue;
        fprintf(f, "  terms moving the scores most (largest |contribution shift| first):\n");
        size_t w = 4;
        for (size_t i = 0; i < x->n_tokens; i++)
            if (strlen(x->tokens[i].label) > w)
                w = strlen(x->tokens[i].label);
        w = w > 48 ? 48 : w;
        fprintf(f, "  %-*s %10s %9s %8s %8s %7s %-8s %8s\n", (int)w, "term", "importance",
                "shift", "in ref", "in new", "PSI", "band", "chi2 p");
        for (size_t i = 0; i < x->n_tokens; i++) {
            const drift_token *o = &x->tokens[i];
            fprintf(f, "  %-*.*s", (int)w, (int)w, o->label);
            drift_num(f, 10, o->importance, 0);
            fprintf(f, " %+9.4f", o->shift);
            drift_num(f, 8, of_texts(o->with_reference, n_reference), 0);
            drift_num(f, 8, of_texts(o->with_new, n_new), 0);
            drift_num(f, 7, o->psi, 0);
            fprintf(f, " %-8s", drift_band(o->psi));
            drift_num(f, 8, o->chi2_pvalue, 1);
            fputc('\n', f);
        }
        fprintf(f, "  in ref, in new: share of texts with the term; PSI over the two bins "
                "with / without it; chi2 p: 2 x 2 test of homogeneity (Yates)\n");
    }
}

static void kv(FILE *f, const char *key, double v)
{
    fprintf(f, ", \"%s\": ", key);
    json_number(f, v);
}

void drift_text_json(FILE *f, const drift_text *t, size_t n)
{
    fprintf(f, ", \"text\": [");
    for (size_t k = 0; k < n; k++) {
        const drift_text *x = &t[k];
        fprintf(f, "%s\n  {\"column\": ", k ? "," : "");
        json_string(f, x->column);
        fprintf(f, ", \"n_terms\": %zu", x->n_terms);
        kv(f, "words_mean_reference", x->words_mean_reference);
        kv(f, "words_mean_new", x->words_mean_new);
        kv(f, "words_psi", x->words_psi);
        fprintf(f, ", \"words_band\": \"%s\"", drift_band(x->words_psi));
        kv(f, "words_ks_statistic", x->words_ks);
        kv(f, "words_ks_pvalue", x->words_ks_pvalue);
        kv(f, "empty_reference", x->empty_reference);
        kv(f, "empty_new", x->empty_new);
        kv(f, "unseen_reference", x->unseen_reference);
        kv(f, "unseen_new", x->unseen_new);
        kv(f, "importance", x->importance);
        kv(f, "contribution_shift", x->shift);
        fprintf(f, ", \"terms\": [");
        for (size_t i = 0; i < x->n_tokens; i++) {
            const drift_token *o = &x->tokens[i];
            fprintf(f, "%s\n   {\"term\": ", i ? "," : "");
            json_string(f, o->label);
            fprintf(f, ", \"texts_reference\": %zu, \"texts_new\": %zu", o->with_reference,
                    o->with_new);
            kv(f, "psi", o->psi);
            kv(f, "chi2", o->chi2);
            kv(f, "chi2_pvalue", o->chi2_pvalue);
            kv(f, "importance", o->importance);
            kv(f, "contribution_shift", o->shift);
            fprintf(f, "}");
        }
        fprintf(f, "]}");
    }
    fprintf(f, "\n ]");
}
