/* st_drift_compare_model (stratum/drift.h): two datasets seen through a model.
 *
 *   drift_model.c         the entry point: the options, the steps in order, the result's
 *                         destructor
 *   drift_model_prepare.c a text model's text columns checked and left out of the column
 *                         comparison, the datasets featurized, the model's features checked
 *   drift_model_scores.c  scores, their PSI, predicted prevalence, the contributions' means
 *                         (importance, shift) and with labels the metrics and DeLong's test
 *   drift_model_text.c    a text model's text columns: words per text, unseen terms, the
 *                         terms moving the scores
 * May call what drift.c may, and fit's model handle (stratum/model.h). */
#ifndef STRATUM_DRIFT_MODEL_IMPL_H
#define STRATUM_DRIFT_MODEL_IMPL_H

#include <stratum/drift.h>

/* The two datasets of a comparison: as given (raw), without a text model's text columns
 * (cols: what st_drift_compare compares; NULL when the texts are a dataset's only columns)
 * and featurized (feat: what the model scores). Without text columns cols and feat are
 * raw itself. */
typedef struct st__drift_sides {
    const st_dataset *raw[2], *cols[2], *feat[2];
    st_dataset *made[4]; /* the copies made (a text model's): st__drift_sides_free frees them */
} st__drift_sides;

/* Fills s for model m: checks that both datasets hold m's text columns, makes the copies,
 * and checks that every feature m uses (its term columns aside) is in both featurized
 * datasets. Messages name the datasets as opt->columns does and the model as
 * opt->model_name. On failure s holds what was made (st__drift_sides_free frees it). */
st_status st__drift_sides_make(const st_model *m, const st_drift_model_options *opt,
                               const st_dataset *ref, const st_dataset *cur,
                               st__drift_sides *s, st_error *err);
void st__drift_sides_free(st__drift_sides *s);

/* The column comparison of two datasets that hold only text columns: no feature, the
 * rows and the label prevalences. */
st_status st__drift_no_columns(const st_dataset *ref, const st_dataset *cur,
                               st_drift_result **out, st_error *err);

/* The scores, contributions and metrics of r (r->columns set) on the featurized datasets
 * feat[0] (reference) and feat[1]. */
st_status st__drift_model_scores(const st_model *m, const st_dataset *const feat[2],
                                 const st_drift_model_options *opt,
                                 st_drift_model_result *r, st_error *err);

/* r->text for a text model on the raw datasets, from r->feature_importance and
 * r->feature_shift. */
st_status st__drift_model_text(const st_model *m, const st_dataset *const raw[2],
                               const st_drift_model_options *opt, st_drift_model_result *r,
                               st_error *err);

#endif
