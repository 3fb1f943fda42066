/* st_model_predict with a thread count, for the library's own callers that take one
 * (explain, drift with a model): the trees use n_threads (0 = all), logistic regression
 * ignores it. Defined in model.c. */
#ifndef STRATUM_FIT_MODEL_PREDICT_H
#define STRATUM_FIT_MODEL_PREDICT_H

#include <stratum/model.h>

st_status st__model_predict(const st_model *m, const st_dataset *ds, int n_threads,
                            double *out, size_t n_out, st_error *err);

#endif
