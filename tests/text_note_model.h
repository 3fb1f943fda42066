/* A text model for the suites that need one (explain, drift with a model): logistic
 * regression (lambda 0.05) of a dataset's numbers and the term columns of its "note"
 * column, keeping its featurizer (min_df 1: every word of the notes has a column), fitted
 * over raw (the text as read). *out is the caller's (st_model_free). */
#ifndef STRATUM_TEST_TEXT_NOTE_MODEL_H
#define STRATUM_TEST_TEXT_NOTE_MODEL_H

#include <stratum.h>

static st_status text_note_model(const st_dataset *raw, st_model **out, st_error *err)
{
    st_text_options to = st_text_options_default();
    to.min_df = 1;
    st_text_featurizer *f = NULL;
    st_dataset *ds = NULL;
    st_logreg *l = NULL;
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 0.05;
    const st_text_featurizer *fs[1];
    st_status rc = st_text_fit_dataset(raw, "note", &to, &f, err);
    if (rc == ST_OK && ((fs[0] = f), (rc = st_text_transform(fs, 1, raw, &ds, err))) == ST_OK &&
        (rc = st_logreg_train(ds, &p, &l, err)) == ST_OK &&
        (rc = st_logreg_add_text_featurizer(l, f, err)) == ST_OK)
        f = NULL; /* the model's now */
    if (rc == ST_OK && (rc = st_model_from_logreg(l, out, err)) == ST_OK)
        l = NULL;
    st_logreg_free(l);
    st_text_featurizer_free(f);
    st_dataset_free(ds);
    return rc;
}

#endif
