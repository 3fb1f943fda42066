/* Saving a logistic regression model as a text file. The layout, one item per line:
 *
 *     stratum-model 1 logreg
 *     lambda 0.0001                    training parameters (n_threads is not kept)
 *     alpha 0  standardize 1  impute mean|median  missing_indicators 0|1
 *     class_weight none|balanced|positive  positive_weight 1  tol 1e-08  max_iter 100
 *     features N
 *     feature numeric|categorical FILL COL INDICATOR N_LEVELS NAME
 *     level TEXT                       N_LEVELS lines after a categorical feature
 *     coefs K
 *     coef VALUE NAME                  K lines, original scale
 *     intercept  iterations  converged  objective  gap
 *     column_moments K                 (optional; files before it lack the section)
 *     moment MEAN SD                   K lines: training mean and SD of each coefficient's
 *                                      column, for contributions (logreg_contrib.c)
 *     calibration ... / threshold ...  optional, only when set (src/eval/calibration_impl.h)
 *     row_sketch N D K HASH...         the training-rows fingerprint (src/data/row_sketch.h);
 *                                      models trained from a dataset only; files from
 *                                      before it load without one
 *     text_featurizer ...              the text featurizers, when the model has text
 *                                      columns (text/text_io.h); optional
 *     checksum HEX                     FNV-1a 64 of every byte before this line
 *
 * The model keeps coefficients on the original scale, so no centring or scaling is
 * stored: FILL (the imputed value) is all the transformation a numeric feature needs.
 * Names are the rest of their line, escaped by st__text_name. Loading is in
 * logreg_model_load.c. */
#include "logreg_impl.h"

#include <stratum/files.h>

#include <inttypes.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/model_text.h"

static const char *impute_name(st_impute i)
{
    return i == ST_IMPUTE_MEDIAN ? "median" : "mean";
}

static const char *class_weight_name(st_class_weight c)
{
    return c == ST_CLASS_WEIGHT_BALANCED ? "balanced"
         : c == ST_CLASS_WEIGHT_POSITIVE ? "positive" : "none";
}

/* "key NUMBER\n"; *exact becomes 0 if the number would not read back exactly. */
static void number_line(st__text *t, const char *key, double v, int *exact)
{
    st__text_puts(t, key);
    st__text_put(t, " ", 1);
    *exact &= st__text_number(t, v);
    st__text_put(t, "\n", 1);
}

static void write_model(st__text *t, const st_logreg *m, int *exact)
{
    const st_logreg_params *p = &m->params;
    st__text_printf(t, "%s %d logreg\n", ST__MODEL_MAGIC, ST__MODEL_VERSION);
    number_line(t, "lambda", p->lambda, exact);
    number_line(t, "alpha", p->alpha, exact);
    st__text_printf(t, "standardize %d\n", p->standardize);
    st__text_printf(t, "impute %s\n", impute_name(p->impute));
    st__text_printf(t, "missing_indicators %d\n", p->missing_indicators);
    st__text_printf(t, "class_weight %s\n", class_weight_name(p->class_weight));
    number_line(t, "positive_weight", p->positive_weight, exact);
    number_line(t, "tol", p->tol, exact);
    st__text_printf(t, "max_iter %d\n", p->max_iter);
    st__text_printf(t, "features %zu\n", m->n_features);
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        st__text_puts(t, f->type == ST_FEATURE_CATEGORICAL ? "feature categorical "
                                                           : "feature numeric ");
        *exact &= st__text_number(t, f->fill);
        st__text_put(t, " ", 1); /* " %zu %ld %zu ": every value below LONG_MAX */
        st__text_long(t, (long)f->col);
        st__text_put(t, " ", 1);
        st__text_long(t, f->indicator);
        st__text_put(t, " ", 1);
        st__text_long(t, (long)f->n_levels);
        st__text_put(t, " ", 1);
        st__text_name(t, f->name);
        st__text_put(t, "\n", 1);
        for (size_t l = 0; l < f->n_levels; l++) {
            st__text_put(t, "level ", 6);
            st__text_name(t, f->levels[l]);
            st__text_put(t, "\n", 1);
        }
    }
    st__text_printf(t, "coefs %zu\n", m->n_coefs);
    for (size_t k = 0; k < m->n_coefs; k++) {
        st__text_put(t, "coef ", 5);
        *exact &= st__text_number(t, m->coefs[k]);
        st__text_put(t, " ", 1);
        st__text_name(t, m->coef_names[k]);
        st__text_put(t, "\n", 1);
    }
    number_line(t, "intercept", m->intercept, exact);
    st__text_printf(t, "iterations %d\n", m->iterations);
    st__text_printf(t, "converged %d\n", m->converged);
    number_line(t, "objective", m->objective, exact);
    number_line(t, "gap", m->gap, exact);
    if (m->col_mean != NULL && m->col_sd != NULL) {
        st__text_printf(t, "column_moments %zu\n", m->n_coefs);
        for (size_t k = 0; k < m->n_coefs; k++) {
            st__text_put(t, "moment ", 7);
            *exact &= st__text_number(t, m->col_mean[k]);
            st__text_put(t, " ", 1);
            *exact &= st__text_number(t, m->col_sd[k]);
            st__text_put(t, "\n", 1);
        }
    }
    st__post_write(t, &m->post, exact); /* optional calibration and threshold lines */
    st__row_sketch_write(t, &m->sketch);  /* optional training-rows fingerprint */
    st__lr_text_write(t, m, exact);       /* optional text featurizers */
}

st_status st_logreg_save(const st_logreg *m, const char *path, st_error *err)
{
    if (m == NULL || path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_save: %s is NULL",
                        m == NULL ? "model" : "path");
    st__text t = {0};
    int exact = 1;
    /* some 40 bytes a feature line, 60 a coefficient and 45 its moments: one allocation
       for most models instead of a dozen doublings, each copying the text */
    st__text_reserve(&t, 4096 + 48 * m->n_features + 112 * m->n_coefs);
    write_model(&t, m, &exact);
    return st__text_seal_write(&t, exact, path, "the model", "a coefficient", err);
}
