/* stratum drift --report: the library's st_report_drift (stratum/report.h) given what
 * drift_model.c and drift_text.c computed about the model. */
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "cli.h"

/* The text columns of dm as the report takes them (*out and its terms: free_texts). */
static int texts_for_report(const drift_model *dm, st_report_drift_text **out)
{
    st_report_drift_text *t = calloc(dm->n_text + 1, sizeof *t);
    if (t == NULL)
        return -1;
    *out = t;
    for (size_t k = 0; k < dm->n_text; k++) {
        const drift_text *s = &dm->text[k];
        st_report_drift_term *terms = calloc(s->n_tokens + 1, sizeof *terms);
        if (terms == NULL)
            return -1;
        for (size_t i = 0; i < s->n_tokens; i++) {
            const drift_token *o = &s->tokens[i];
            terms[i] = (st_report_drift_term){o->label, o->with_reference, o->with_new, o->psi,
                                              o->chi2_pvalue, o->importance, o->shift};
        }
        t[k] = (st_report_drift_text){s->column, s->words_mean_reference, s->words_mean_new,
                                      s->words_psi, s->words_ks, s->words_ks_pvalue,
                                      s->empty_reference, s->empty_new, s->unseen_reference,
                                      s->unseen_new, s->importance, s->shift, terms,
                                      s->n_tokens};
    }
    return 0;
}

static void free_texts(st_report_drift_text *t, size_t n)
{
    for (size_t k = 0; t != NULL && k < n; k++)
        free((void *)t[k].terms);
    free(t);
}

int report_drift(const char *path, const char *rp, const char *np, const st_drift_result *r,
                 const drift_model *m)
{
    st_report_drift_input d = {r, rp, np, NULL};
    st_report_drift_model model;
    st_report_drift_text *texts = NULL;
    if (m != NULL) {
        if (m->n_text > 0 && texts_for_report(m, &texts) != 0) {
            free_texts(texts, m->n_text);
            fprintf(stderr, "stratum: out of memory\n");
            return EXIT_FAILED;
        }
        model = (st_report_drift_model){m->path, m->score_psi, m->mean_p_reference,
                                        m->mean_p_new, m->labelled_reference && m->labelled_new,
                                        &m->ev_reference, &m->ev_new, m->auc_z, m->auc_p,
                                        texts, m->n_text};
        d.model = &model;
    }
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_drift(&d, path, NULL, NULL, &err);
    free_texts(texts, m != NULL ? m->n_text : 0);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
