/* Internal: the trained logistic regression model, shared by training, prediction and the
 * accessors. Everything is on the original scale of the features, so prediction needs no
 * standardisation. */
#ifndef STRATUM_LOGREG_IMPL_H
#define STRATUM_LOGREG_IMPL_H

#include <stratum/logreg.h>
#include <stratum/text.h>

#include "data/row_sketch.h"
#include "eval/calibration_impl.h"
#include "logreg_design.h"

struct st_logreg {
    size_t n_features;
    st__lr_feature *features; /* how each dataset feature maps to coefficients */
    size_t n_coefs;
    char **coef_names;
    double *coefs;            /* original scale */
    double intercept;
    int iterations, converged;
    double objective, gap;
    st_logreg_params params; /* as trained (n_threads aside), so a saved model records them */
    double *se;              /* n_coefs + 1 standard errors, intercept first, original scale;
                                NULL when se_state is not ST__LR_SE_OK */
    int se_state;            /* why se is (not) there: one of the ST__LR_SE_* below */
    st__post post;           /* calibration map and decision threshold (none when zero) */
    double *col_mean;        /* n_coefs training means of the expanded columns, and */
    double *col_sd;          /* their standard deviations (row weights counted, class
                                weights not); both NULL in a model loaded from a file
                                saved before they were stored (logreg_contrib.c) */
    st__row_sketch sketch;   /* the training-rows fingerprint (none: n_rows 0) */
    st_text_featurizer **text; /* n_text featurizers of the model's text columns, owned
                                  (logreg_text.c); NULL and 0 for models without text */
    size_t n_text;
    int lambda_chosen;       /* 1: lambda_choice holds the inner CV's choice */
    st_logreg_lambda_choice lambda_choice;
};

/* st_logreg_train at prm->lambda, which must be >= 0 (logreg.c); st_logreg_train
 * (logreg_train_default.c) chooses it first when it is ST_LOGREG_LAMBDA_CV. */
st_status st__lr_train_fixed(const st_dataset *ds, const st_logreg_params *prm,
                             st_logreg **out /* OUT */, st_error *err);

/* The model's text featurizers (logreg_text.c): freed; written after the fingerprint
 * (nothing for a model without them, so such files do not change); read back when the
 * next lines are a featurizer's. */
void st__lr_text_free(st_logreg *m);
void st__lr_text_write(st__text *t, const st_logreg *m, int *exact);
st_status st__lr_text_read(st__mreader *r, st_logreg *m);

/* Up to this many expanded columns, ridge and unpenalised fits use exact Newton (whose
 * Hessian costs n p^2 / 2 per iteration); beyond, coordinate descent. */
#define ST__LR_NEWTON_MAX_COLS 256

/* Whether a model has standard errors. Zero, what a calloc'ed (e.g. loaded) model holds,
 * means it was not trained in this process. */
enum {
    ST__LR_SE_NOT_TRAINED = 0, /* loaded from a file: standard errors are not saved */
    ST__LR_SE_OK,              /* se holds them */
    ST__LR_SE_LASSO,           /* alpha > 0 and lambda > 0: no Wald statistics */
    ST__LR_SE_TOO_WIDE,        /* more than ST__LR_SE_MAX_COLS columns */
    ST__LR_SE_SINGULAR,        /* the (penalised) Hessian is singular: collinear columns */
    ST__LR_SE_STREAMED         /* streamed from a binned file: no standard errors */
};

/* Standard errors are computed up to this many expanded columns, where the Hessian costs
 * no more than one more Newton iteration. */
#define ST__LR_SE_MAX_COLS 256

/* Labels as doubles into y and row weights times class weights into c (n_rows each),
 * normalised to sum 1; *total gets their sum before normalising. Fails with ST_ERR_DATA
 * when either class has no weight. */
st_status st__lr_row_weights(const st_dataset *ds, const st_logreg_params *prm, double *y,
                             double *c, double *total, st_error *err);

/* Fills m->col_mean and m->col_sd from the training data ds (whose feature j is model
 * feature j). A column k with plain_sd != NULL and plain_sd[k] not NaN takes mean[k]
 * and plain_sd[k] instead, already computed (st__lr_design's plain_sd). one_pass: a
 * categorical feature's columns in one pass over its rows, the standard deviations in
 * closed form (equal to rounding; for sparse designs, whose features have many levels),
 * instead of a pass per level (whose bits the dense designs' models keep). Fails only
 * when out of memory (logreg_contrib.c). */
st_status st__lr_column_moments(st_logreg *m, const st_dataset *ds, const double *mean,
                                const double *plain_sd, int one_pass, st_error *err);

/* Dataset ds's column of model feature f, found by name and of the same type, into
 * *values; for a categorical feature, *map (freed and replaced; the caller frees the last)
 * takes each dataset level code to the model's level, or -1 for one the model does not
 * know. A numeric feature a LibSVM dataset never mentions (st_dataset_libsvm_unmentioned)
 * is all zeros, an absent LibSVM entry being 0 to a model stratum trained: *values is then
 * *zeros, n_rows zeros allocated on first need (the caller frees it), followed by room for
 * n_rows more where a sparse column is copied (*values then points there, valid until the
 * next call). ST_ERR_DATA naming
 * the feature when it is absent otherwise or of the other type (logreg_predict.c;
 * prediction and contributions read columns through it). */
st_status st__lr_feature_column(const st__lr_feature *f, const st_dataset *ds,
                                const float **values, long **map, float **zeros,
                                st_error *err);

#endif
