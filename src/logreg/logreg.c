/* src/logreg/: L1/L2/elastic-net logistic regression as glmnet defines it: the design
 * matrix (logreg_design.c: expansion, imputation, standardisation), the objective and its
 * kernels (logreg_objective.c, logreg_gram.c), the solvers (damped Newton, coordinate
 * descent on Gram matrices or plain, the streamed fit of a binned file; logreg_solver.h),
 * the lambda path, Wald statistics, contributions, prediction and model files. It calls
 * linalg/ (LAPACK's Cholesky from 150 columns), eval/, data/, io/ and core/.
 *
 * This file: options, training (weights, design, solver choice, back to the
 * original scale) and the model's accessors. Prediction is in logreg_predict.c. */
#include "logreg_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "logreg_solver.h"
#include "logreg_sparse.h"
#include "core/parallel.h"

st_logreg_params st_logreg_params_default(void)
{
    st_logreg_params p = {
        .lambda = ST_LOGREG_LAMBDA_CV,
        .alpha = 0,
        .standardize = 1,
        .impute = ST_IMPUTE_MEAN,
        .missing_indicators = 0,
        .class_weight = ST_CLASS_WEIGHT_NONE,
        .positive_weight = 1,
        .tol = 1e-8,
        .max_iter = 100,
        .n_threads = 0,
        .cv_folds = 5, .cv_seed = ST_DEFAULT_SEED, .lambda_rule = ST_LAMBDA_MIN,
    };
    return p;
}

const char *st_logreg_params_check(const st_logreg_params *p)
{
    if (p == NULL)
        return "params is NULL";
    if ((!(p->lambda >= 0) || !isfinite(p->lambda)) && p->lambda != ST_LOGREG_LAMBDA_CV)
        return "lambda must be finite and >= 0, or ST_LOGREG_LAMBDA_CV";
    if (p->lambda == ST_LOGREG_LAMBDA_CV && (p->cv_folds < 2 || (p->lambda_rule !=
        ST_LAMBDA_MIN && p->lambda_rule != ST_LAMBDA_1SE)))
        return "choosing lambda needs cv_folds >= 2 and lambda_rule ST_LAMBDA_MIN or _1SE";
    if (!(p->alpha >= 0 && p->alpha <= 1))
        return "alpha must be in [0, 1]";
    if (p->standardize != 0 && p->standardize != 1)
        return "standardize must be 0 or 1";
    if (p->impute != ST_IMPUTE_MEAN && p->impute != ST_IMPUTE_MEDIAN)
        return "impute must be ST_IMPUTE_MEAN or ST_IMPUTE_MEDIAN";
    if (p->missing_indicators != 0 && p->missing_indicators != 1)
        return "missing_indicators must be 0 or 1";
    if (p->class_weight != ST_CLASS_WEIGHT_NONE && p->class_weight != ST_CLASS_WEIGHT_BALANCED &&
        p->class_weight != ST_CLASS_WEIGHT_POSITIVE)
        return "class_weight must be ST_CLASS_WEIGHT_NONE, _BALANCED or _POSITIVE";
    if (p->class_weight == ST_CLASS_WEIGHT_POSITIVE &&
        (!(p->positive_weight > 0) || !isfinite(p->positive_weight)))
        return "positive_weight must be finite and > 0";
    if (!(p->tol > 0) || !isfinite(p->tol))
        return "tol must be finite and > 0";
    if (p->max_iter <= 0)
        return "max_iter must be > 0";
    if (p->n_threads < 0)
        return "n_threads must be >= 0 (0 = all)";
    return NULL;
}

st_status st__lr_row_weights(const st_dataset *ds, const st_logreg_params *prm, double *y,
                             double *c, double *total_out, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    const float *lab = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++)
        n_pos += lab[i] > 0.5f;
    double cw[2] = {1, 1};
    if (prm->class_weight == ST_CLASS_WEIGHT_BALANCED) {
        cw[0] = (double)n / (2.0 * (double)(n - n_pos));
        cw[1] = (double)n / (2.0 * (double)n_pos);
    } else if (prm->class_weight == ST_CLASS_WEIGHT_POSITIVE) {
        cw[1] = prm->positive_weight;
    }
    double total = 0, pos = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] = lab[i] > 0.5f ? 1 : 0;
        c[i] = (w != NULL ? w[i] : 1.0) * cw[(int)y[i]];
        total += c[i];
        pos += c[i] * y[i];
    }
    if (!(pos > 0) || !(pos < total) || !isfinite(total))
        return st__fail(err, ST_ERR_DATA, "logistic regression needs positive total weight "
                        "in both classes (positive %g of %g)", pos, total);
    for (size_t i = 0; i < n; i++)
        c[i] /= total;
    *total_out = total;
    return ST_OK;
}

/* Moves the fitted coefficients to the original scale and the design's description into
 * a new model. */
static st_logreg *make_model(st__lr_design *d, const double *b, double b0, const st__lr_info *info)
{
    st_logreg *m = st__calloc(1, sizeof *m);
    double *coefs = st__malloc_array(d->n_cols, sizeof *coefs);
    if (m == NULL || coefs == NULL) {
        st__free(m), st__free(coefs);
        return NULL;
    }
    double intercept = b0;
    for (size_t k = 0; k < d->n_cols; k++) {
        coefs[k] = d->scale[k] > 0 ? b[k] / d->scale[k] : 0;
        intercept -= coefs[k] * d->mean[k];
    }
    m->n_features = d->n_features;
    m->features = d->features;
    m->n_coefs = d->n_cols;
    m->coef_names = d->col_names;
    m->coefs = coefs;
    m->intercept = intercept;
    m->iterations = info->iterations;
    m->converged = info->converged;
    m->objective = info->objective;
    m->gap = info->gap;
    d->features = NULL;
    d->col_names = NULL;
    return m;
}

/* st__lr_standard_errors for a sparse design: its Hessian from the entries. */
static st_status sparse_standard_errors(const st__lr_problem *pb, const st__lr_design *d,
                                        double b0, const double *b, double total, double *se)
{
    const size_t n = pb->n, m = d->n_cols + 1;
    double *h = st__malloc_array(m * m, sizeof *h), *work = st__malloc_array(2 * n + 1, sizeof *work);
    double *prob = st__malloc_array(n + 1, sizeof *prob);
    st_status rc = ST_ERR_NOMEM;
    if (h != NULL && work != NULL && prob != NULL) {
        st__lr_sp_margins(d->sp, b0, b, work, pb->n_threads);
        st__lr_loss(pb, work, NULL, 0, prob);
        st__lr_sp_hessian(pb, d->sp, prob, h, work);
        rc = st__lr_standard_errors_h(pb, h, d->mean, d->scale, total, se);
    }
    st__free(h), st__free(work), st__free(prob);
    return rc;
}

/* Standard errors at the solution when the fit has no L1 part and is narrow enough;
 * otherwise *se stays NULL and *state says why. Fails only when out of memory. */
static st_status wald_errors(const st__lr_problem *pb, const st__lr_design *d, double b0,
                             const double *b, const double *h, double total, double **se,
                             int *state, st_error *err)
{
    *se = NULL;
    if (pb->l1 > 0) {
        *state = ST__LR_SE_LASSO;
        return ST_OK;
    }
    if (d->n_cols > ST__LR_SE_MAX_COLS) {
        *state = ST__LR_SE_TOO_WIDE;
        return ST_OK;
    }
    double *v = st__malloc_array(d->n_cols + 1, sizeof *v);
    st_status rc = v == NULL   ? ST_ERR_NOMEM
                   : h != NULL ? st__lr_standard_errors_h(pb, h, d->mean, d->scale, total, v)
                   : d->sp != NULL
                       ? sparse_standard_errors(pb, d, b0, b, total, v)
                       : st__lr_standard_errors(pb, b0, b, d->mean, d->scale, total, v);
    if (rc == ST_ERR_NOMEM) {
        st__free(v);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the standard errors of %zu "
                        "coefficients", d->n_cols);
    }
    if (rc != ST_OK) {
        st__free(v);
        *state = ST__LR_SE_SINGULAR;
        return ST_OK;
    }
    *se = v;
    *state = ST__LR_SE_OK;
    return ST_OK;
}

st_status st__lr_train_fixed(const st_dataset *ds, const st_logreg_params *prm_in,
                             st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_train: %s is NULL",
                        ds == NULL ? "dataset" : "out");
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    const char *bad = st_logreg_params_check(&prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;

    const size_t n = st_dataset_n_rows(ds);
    st__lr_design d = {0};
    double *se = NULL;
    int se_state = 0;
    double *y = st__malloc_array(n, sizeof *y), *c = st__malloc_array(n, sizeof *c);
    double *partial = st__malloc_array(st__lr_partial_size(n), sizeof *partial), *b = NULL;
    double *h = NULL;
    if (y == NULL || c == NULL || partial == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", n);
        goto done;
    }
    st__advise_huge_pages(y, n * sizeof *y); /* fresh pages: one fault per 2 MB */
    st__advise_huge_pages(c, n * sizeof *c);
    double total = 0;
    if ((rc = st__lr_row_weights(ds, &prm, y, c, &total, err)) != ST_OK)
        goto done;
    if ((rc = st__lr_design_build(ds, c, &prm, &d, err)) != ST_OK)
        goto done;
    if ((b = st__calloc(d.n_cols, sizeof *b)) == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu coefficients", d.n_cols);
        goto done;
    }
    st__lr_problem pb = {
        .n = n, .p = d.n_cols, .x = d.x, .y = y, .c = c,
        .l1 = prm.lambda * prm.alpha, .l2 = prm.lambda * (1 - prm.alpha),
        .n_threads = st__n_threads(prm.n_threads),
        .partial = partial,
        .progress = prm.progress, .progress_data = prm.progress_data,
        .should_stop = prm.should_stop, .should_stop_data = prm.should_stop_data,
    };
    /* start from the intercept-only fit: b = 0, b0 = logit of the weighted positive rate */
    double ybar = 0;
    for (size_t i = 0; i < n; i++)
        ybar += c[i] * y[i];
    double b0 = log(ybar / (1 - ybar));
    st__lr_info info;
    int have_h = 0;
    if (d.sp != NULL) {
        size_t m = d.n_cols + 1; /* exact Newton's Hessian for the standard errors */
        if (pb.l1 == 0 && d.n_cols <= ST__LR_NEWTON_MAX_COLS &&
            (h = st__malloc_array(m * m, sizeof *h)) == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns", m);
            goto done;
        }
        rc = st__lr_sparse_fit(&pb, d.sp, prm.tol, prm.max_iter, &b0, b, h, &have_h, &info,
                               err);
    } else if (pb.l1 == 0 && d.n_cols <= ST__LR_NEWTON_MAX_COLS) {
        /* Newton's last Hessian, at the solution, also gives the standard errors */
        size_t m = d.n_cols + 1;
        if ((h = st__malloc_array(m * m, sizeof *h)) == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a Hessian of %zu columns", m);
            goto done;
        }
        rc = st__lr_newton_h(&pb, &b0, b, prm.tol, prm.max_iter, h, &have_h, &info, err);
    } else {
        rc = st__lr_cd(&pb, &b0, b, prm.tol, prm.max_iter, &info, err);
    }
    if (rc != ST_OK)
        goto done;
    if ((rc = wald_errors(&pb, &d, b0, b, have_h ? h : NULL, total, &se, &se_state, err)) != ST_OK)
        goto done;
    if ((*out = make_model(&d, b, b0, &info)) == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the model");
    } else {
        (*out)->params = prm;
        (*out)->params.progress = NULL; /* the caller's, not the model's */
        (*out)->params.progress_data = NULL;
        (*out)->params.should_stop = NULL;
        (*out)->params.should_stop_data = NULL;
        (*out)->se = se;
        (*out)->se_state = se_state;
        se = NULL;
        if ((rc = st__lr_column_moments(*out, ds, d.mean, d.plain_sd, d.sp != NULL, err)) != ST_OK ||
            (rc = st__row_sketch_build(ds, pb.n_threads, &(*out)->sketch, err)) != ST_OK ||
            (rc = st__post_set_positive_class(&(*out)->post, ds, err)) != ST_OK) {
            st_logreg_free(*out);
            *out = NULL;
        }
    }
done:
    st__free(se);
    st__lr_design_free(&d);
    st__free(y), st__free(c), st__free(partial), st__free(b), st__free(h);
    return rc;
}

void st_logreg_free(st_logreg *m)
{
    if (m == NULL)
        return;
    st__lr_features_free(m->features, m->n_features);
    st__lr_names_free(m->coef_names, m->n_coefs);
    st__free(m->coefs);
    st__free(m->se);
    st__post_free(&m->post);
    st__free(m->col_mean), st__free(m->col_sd);
    st__row_sketch_free(&m->sketch);
    st__lr_text_free(m);
    st__free(m);
}

size_t st_logreg_n_coefs(const st_logreg *m) { return m != NULL ? m->n_coefs : 0; }
const double *st_logreg_coefs(const st_logreg *m) { return m != NULL ? m->coefs : NULL; }
double st_logreg_intercept(const st_logreg *m) { return m != NULL ? m->intercept : NAN; }
int st_logreg_iterations(const st_logreg *m) { return m != NULL ? m->iterations : 0; }
double st_logreg_objective(const st_logreg *m) { return m != NULL ? m->objective : NAN; }
double st_logreg_gap(const st_logreg *m) { return m != NULL ? m->gap : NAN; }
int st_logreg_converged(const st_logreg *m) { return m != NULL ? m->converged : 0; }

const char *st_logreg_coef_name(const st_logreg *m, size_t k)
{
    return m != NULL && k < m->n_coefs ? m->coef_names[k] : NULL;
}
