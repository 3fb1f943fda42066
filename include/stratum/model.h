/* stratum/model.h: one handle for a trained model of either family, for callers that need
 * not know which family a model file holds (the Python package, an embedding service).
 * Include <stratum.h> rather than this file.
 *
 *     st_model *m = NULL;
 *     if (st_model_load("risk.model", &m, &err) != ST_OK) { ... err.message ... }
 *     st_model_predict(m, ds, p, st_dataset_n_rows(ds), &err);      // P(y = 1)
 *     double q;
 *     st_model_predict_row(m, x, st_model_n_features(m), &q, &err); // one row, no allocation
 *     st_model_free(m);
 *
 * Every function gives what the family's own function gives, bit for bit (st_logreg_predict,
 * st_gbdt_predict with ST_GBDT_PROBABILITY: calibration map included). A model is read-only
 * once built: any number of threads may predict with it at once.
 *
 * Ownership: st_model_load and st_model_from_* return a new handle, freed by st_model_free,
 * which frees the family model inside. st_model_logreg / st_model_gbdt lend that model
 * (valid until st_model_free) for the family's other functions. */
#ifndef STRATUM_MODEL_H
#define STRATUM_MODEL_H

#include <stddef.h>
#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "logreg.h"
#include "text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_model_family {
    ST_MODEL_LOGREG = 0, /* st_logreg: logistic regression */
    ST_MODEL_GBDT = 1    /* st_gbdt: boosted trees (stratum's, or imported from XGBoost
                            or LightGBM) */
} st_model_family;

typedef struct st_model st_model;

/* Reads a model file of either family: a file whose first line is "stratum-model 1
 * logreg" with st_logreg_load, any other with st_gbdt_load (stratum's boosted trees,
 * XGBoost JSON, LightGBM text). A file that is none of these fails with ST_ERR_FORMAT and
 * "path:1: not a model file: expected 'stratum-model 1 logreg' or 'stratum-model 1 gbdt' on
 * the first line, or an XGBoost JSON or LightGBM text model"; other failures are the
 * family loader's (ST_ERR_IO when the file cannot be read). On failure *out is NULL. */
ST_API st_status st_model_load(const char *path, st_model **out /* OUT */, st_error *err);

/* A handle for a model the caller trained: on success the handle owns m (st_model_free
 * frees it); on failure (ST_ERR_INVALID_ARG for NULL, ST_ERR_NOMEM) *out is NULL and m
 * stays the caller's. */
ST_API st_status st_model_from_logreg(st_logreg *m, st_model **out /* OUT */, st_error *err);
ST_API st_status st_model_from_gbdt(st_gbdt *m, st_model **out /* OUT */, st_error *err);

/* The family, and the family model (NULL when m is of the other family, or NULL). */
ST_API st_model_family st_model_family_of(const st_model *m);
ST_API const st_logreg *st_model_logreg(const st_model *m);
ST_API const st_gbdt *st_model_gbdt(const st_model *m);
/* The same, modifiable: for the setters of calibration and threshold, which are for the
 * pipeline that builds the model, never while another thread uses it. */
ST_API st_logreg *st_model_logreg_mut(st_model *m);
ST_API st_gbdt *st_model_gbdt_mut(st_model *m);

/* The model's input features, in its order (names valid until st_model_free; NULL when j
 * is out of range), and the levels of categorical feature j (0 for a numeric one) and the
 * text of level k, for st_model_predict_row's codes. */
ST_API size_t st_model_n_features(const st_model *m);
ST_API const char *st_model_feature_name(const st_model *m, size_t j);
ST_API size_t st_model_n_levels(const st_model *m, size_t j);
ST_API const char *st_model_level(const st_model *m, size_t j, size_t k);

/* P(y = 1) for every row of ds into out[0..n_out-1]: st_logreg_predict, or st_gbdt_predict
 * with ST_GBDT_PROBABILITY on all threads. */
ST_API st_status st_model_predict(const st_model *m, const st_dataset *ds, double *out,
                                  size_t n_out, st_error *err);

/* P(y = 1) of one row into *p, without allocating: x holds n_x = st_model_n_features(m)
 * values in the model's feature order, NaN missing; a categorical feature's value is the
 * code k of its level st_model_level(m, j, k), and a code outside [0, n_levels) or not
 * whole is a level the model does not know (what st_logreg_predict and st_gbdt_predict do
 * with an unseen level's text). The same value as st_model_predict on a dataset holding
 * that row. ST_ERR_INVALID_ARG for NULL arguments or n_x other than the model's features. */
ST_API st_status st_model_predict_row(const st_model *m, const float *x, size_t n_x,
                                      double *p /* OUT */, st_error *err);

/* The decision threshold the model stores, NaN when none (st_logreg_threshold,
 * st_gbdt_threshold). */
ST_API double st_model_threshold(const st_model *m);

/* The label value the model was trained to predict as positive when reading labels by the
 * default rule (1/true/yes positive, 0/false/no/-1 negative) would not give its classes:
 * "died" of died/survived, "0" after training with positive "0"; NULL when the default
 * rule reads them so, or the training data kept no label texts (arrays, unless the caller
 * gave them: st_logreg_set_class_texts, st_gbdt_set_class_texts). Labelled data for this model (to evaluate or explain it) is read right with
 * st_read_options.positive set to it. Owned by the model. */
ST_API const char *st_model_positive_class(const st_model *m);

/* st_logreg_save or st_gbdt_save. */
ST_API st_status st_model_save(const st_model *m, const char *path, st_error *err);

/* ---- a model of text columns (`--text-col`, stratum/text.h) ----
 *
 * Such a model keeps the featurizers its training made (st_logreg_text_featurizer,
 * st_gbdt_text_featurizer); it reads data featurized by them, and each of their term columns
 * is one of its features. */

/* The model's featurizers (0 for a model without text columns), and featurizer k (lent by
 * the model; NULL when k is out of range). */
ST_API size_t st_model_n_text_featurizers(const st_model *m);
ST_API const st_text_featurizer *st_model_text_featurizer(const st_model *m, size_t k);

/* What outputs call each feature, into labels[0..n_features-1] (lent by the model): a term
 * column's st_text_featurizer_label ("abstract:tumor | tumour" where its name is
 * "abstract:#12345" in hashing mode), else the feature's name; and, for those of featurizer
 * and term that are not NULL, each feature's featurizer (-1: not a term column) and its
 * column there. n is the room of each array (at least st_model_n_features). Found at each
 * call (n log n in the features), so featurizers added to the family model after the handle
 * was made count. ST_ERR_INVALID_ARG (NULL model, every array NULL, n too small),
 * ST_ERR_NOMEM. */
ST_API st_status st_model_feature_labels(const st_model *m, const char **labels /* OUT */,
                                         long *featurizer /* OUT */, size_t *term /* OUT */,
                                         size_t n, st_error *err);

/* ds (its text columns raw, as read) featurized as the training did (st_text_transform with
 * the model's featurizers) into a new dataset *out, the caller's (st_dataset_free); *out is
 * NULL, and ST_OK returned, for a model without featurizers: read ds itself. */
ST_API st_status st_model_featurize(const st_model *m, const st_dataset *ds,
                                    st_dataset **out /* OUT */, st_error *err);

/* Frees the handle and its model. NULL is a harmless no-op. */
ST_API void st_model_free(st_model *m);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_MODEL_H */
