/* stratum drift's report from st_drift_compare_model's result: its model part in the
 * structs the report draws (st_report_drift_model, its text columns and their terms),
 * pointing into the result. */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#include "report_drift_sections.h"

void st__report_drift_unmap(st_report_drift_model *out)
{
    for (size_t k = 0; out->text != NULL && k < out->n_text; k++)
        st__free((void *)out->text[k].terms);
    st__free((void *)out->text);
    memset(out, 0, sizeof *out);
}

st_status st__report_drift_map(const st_drift_model_result *r, const char *name,
                               st_report_drift_model *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    *out = (st_report_drift_model){name != NULL ? name : "model", r->score_psi,
                                   r->mean_p_reference, r->mean_p_new,
                                   r->labelled_reference && r->labelled_new, &r->ev_reference,
                                   &r->ev_new, r->auc_z, r->auc_p, NULL, 0};
    if (r->n_text == 0)
        return ST_OK;
    st_report_drift_text *t = st__calloc(r->n_text, sizeof *t);
    if (t == NULL)
        return st__fail(err, ST_ERR_NOMEM, "st_report_drift: out of memory");
    out->text = t;
    out->n_text = r->n_text;
    for (size_t k = 0; k < r->n_text; k++) {
        const st_drift_text *s = &r->text[k];
        st_report_drift_term *terms = st__calloc(s->n_terms + 1, sizeof *terms);
        if (terms == NULL) {
            st__report_drift_unmap(out);
            return st__fail(err, ST_ERR_NOMEM, "st_report_drift: out of memory");
        }
        for (size_t i = 0; i < s->n_terms; i++) {
            const st_drift_term *o = &s->terms[i];
            terms[i] = (st_report_drift_term){o->label, o->with_reference, o->with_new, o->psi,
                                              o->chi2_pvalue, o->importance, o->shift};
        }
        t[k] = (st_report_drift_text){s->column, s->words_mean_reference, s->words_mean_new,
                                      s->words_psi, s->words_ks, s->words_ks_pvalue,
                                      s->empty_reference, s->empty_new, s->unseen_reference,
                                      s->unseen_new, s->importance, s->shift, terms,
                                      s->n_terms};
    }
    return ST_OK;
}
