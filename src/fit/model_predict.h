/* What the library's own callers that take a thread count (explain, drift with a model)
 * ask of a model of either family. Defined in model.c (predictions) and model_contrib.c
 * (contributions). */
#ifndef STRATUM_FIT_MODEL_PREDICT_H
#define STRATUM_FIT_MODEL_PREDICT_H

#include <stratum/model.h>

/* st_model_predict with a thread count: the trees use n_threads (0 = all), logistic
 * regression ignores it. */
st_status st__model_predict(const st_model *m, const st_dataset *ds, int n_threads,
                            double *out, size_t n_out, st_error *err);

/* Contributions of every row of ds (featurized): n_rows(ds) x (n_features + 1) into out,
 * the bias last (st_gbdt_contrib, st_logreg_contrib). */
st_status st__model_contrib(const st_model *m, const st_dataset *ds, int n_threads,
                            double *out, st_error *err);

/* Each model feature's mean contribution, signed (mean) and absolute (mean_abs; n_features
 * each), over the rows of ds, or over max_rows of them evenly spaced (row floor(i n /
 * max_rows)) when max_rows > 0 and ds has more; *n_used gets the rows averaged. Summed in
 * row order a block of rows at a time, so the means depend neither on the block size nor
 * on the threads. progress, when not NULL, is called with (rows done, rows to do) before
 * each block and once at the end. */
st_status st__model_contrib_means(const st_model *m, const st_dataset *ds, int n_threads,
                                  size_t max_rows,
                                  void (*progress)(size_t, size_t, void *),
                                  void *progress_data, double *mean, double *mean_abs,
                                  size_t *n_used, st_error *err);

#endif
