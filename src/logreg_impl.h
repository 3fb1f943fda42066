/* Internal: the trained logistic regression model, shared by training, prediction and the
 * accessors. Everything is on the original scale of the features, so prediction needs no
 * standardisation. */
#ifndef STRATUM_LOGREG_IMPL_H
#define STRATUM_LOGREG_IMPL_H

#include <stratum/logreg.h>

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
};

#endif
