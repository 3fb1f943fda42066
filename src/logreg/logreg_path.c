/* The regularisation path of elastic-net logistic regression: lambda_max, the lambda
 * sequence, warm-started fits from the largest lambda down, and the path's accessors. */
#include <stratum/logreg_path.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "logreg_impl.h"
#include "logreg_path_run.h"
#include "logreg_solver.h"
#include "logreg_sparse.h"
#include "core/parallel.h"

struct st_logreg_path {
    size_t n_lambda, n_coefs;
    char **coef_names;
    double lambda_max;
    double *lambda, *intercept, *dev_ratio;
    double *coefs; /* n_lambda rows of n_coefs, original scale */
    size_t *df;
    int *converged;
    size_t n_features;
    st__lr_feature *features; /* the feature transformation, for st_logreg_path_predict */
};

st_logreg_path_options st_logreg_path_options_default(void)
{
    st_logreg_path_options o = {.n_lambda = 100, .lambda_min_ratio = 0, .lambda = NULL,
                               .glmnet_exit = 0};
    return o;
}

void st_logreg_path_free(st_logreg_path *path)
{
    if (path == NULL)
        return;
    st__lr_names_free(path->coef_names, path->n_coefs);
    st__lr_features_free(path->features, path->n_features);
    st__free(path->lambda), st__free(path->intercept), st__free(path->dev_ratio);
    st__free(path->coefs), st__free(path->df), st__free(path->converged);
    st__free(path);
}

static const char *options_check(const st_logreg_path_options *o)
{
    if (o->n_lambda < 1)
        return "n_lambda must be >= 1";
    if (o->lambda == NULL && !(o->lambda_min_ratio >= 0 && o->lambda_min_ratio <= 1))
        return "lambda_min_ratio must be in (0, 1], or 0 for the default";
    if (o->lambda != NULL)
        for (size_t l = 0; l < o->n_lambda; l++)
            if (!(o->lambda[l] > 0) || !isfinite(o->lambda[l]))
                return "every lambda must be finite and > 0";
    return NULL;
}

/* lambda_max as glmnet computes it: the largest |gradient| of the loss at b = 0 over the
 * columns, divided by max(alpha, 0.001). work has n doubles, work_p has p. */
static double lambda_max(const st__lr_problem *pb, const st__lr_sparse *sp, double alpha,
                         double *work, double *work_p)
{
    double ybar = 0;
    for (size_t i = 0; i < pb->n; i++)
        ybar += pb->c[i] * pb->y[i];
    for (size_t i = 0; i < pb->n; i++)
        work[i] = pb->c[i] * (pb->y[i] - ybar);
    if (sp != NULL)
        st__lr_sp_xt(sp, work, st__lr_sum(pb, work), work_p, pb->n_threads);
    else
        st__lr_xt(pb, work, work_p);
    double g = 0;
    for (size_t j = 0; j < pb->p; j++)
        g = fmax(g, fabs(work_p[j]));
    return g / fmax(alpha, 1e-3);
}

static st_logreg_path *path_alloc(size_t nl, size_t p)
{
    int overflow = 0;
    size_t cells = st__mul_size(nl, p > 0 ? p : 1, &overflow);
    st_logreg_path *path = st__calloc(1, sizeof *path);
    if (path == NULL)
        return NULL;
    path->n_lambda = nl;
    path->lambda = st__malloc_array(nl, sizeof *path->lambda);
    path->intercept = st__malloc_array(nl, sizeof *path->intercept);
    path->dev_ratio = st__malloc_array(nl, sizeof *path->dev_ratio);
    path->coefs = overflow ? NULL : st__malloc_array(cells, sizeof *path->coefs);
    path->df = st__malloc_array(nl, sizeof *path->df);
    path->converged = st__malloc_array(nl, sizeof *path->converged);
    if (!path->lambda || !path->intercept || !path->dev_ratio || !path->coefs || !path->df ||
        !path->converged) {
        st_logreg_path_free(path);
        return NULL;
    }
    return path;
}

/* Records fit l: coefficients back on the original scale, df and the deviance ratio
 * (null_loss: the loss of the intercept-only fit; objective: the solver's at the fit). */
static void record(st_logreg_path *path, size_t l, const st__lr_problem *pb,
                   const st__lr_design *d, double b0, const double *b, double null_loss,
                   double objective)
{
    double *coef = path->coefs + l * d->n_cols, intercept = b0;
    size_t df = 0;
    for (size_t k = 0; k < d->n_cols; k++) {
        coef[k] = d->scale[k] > 0 ? b[k] / d->scale[k] : 0;
        intercept -= coef[k] * d->mean[k];
        df += coef[k] != 0;
    }
    path->intercept[l] = intercept;
    path->df[l] = df;
    /* The loss at the fit is the solver's objective less the penalty. >= 0 in exact
     * arithmetic: the fit is at least as good as the intercept alone. */
    double loss = objective - st__lr_penalty(pb, b);
    path->dev_ratio[l] = fmax(0, 1 - loss / null_loss);
}

/* With run->valid: scores fit l on it; 1 when the path should stop there (run's
 * patience: that many fits in a row since the lowest deviance). */
static int score_fit(st_logreg_path *path, size_t l, st__lr_path_run *run, size_t *best,
                     st_status *rc, st_error *err)
{
    if (run == NULL || run->valid == NULL)
        return 0;
    const size_t n = st_dataset_n_rows(run->valid);
    if ((*rc = st_logreg_path_predict(path, run->valid, l, run->p, n, err)) != ST_OK)
        return 1;
    run->dev[l] = st__lr_cv_deviance(run->p, st_dataset_labels(run->valid),
                                     st_dataset_weights(run->valid), n, &run->weight,
                                     run->se != NULL ? &run->se[l] : NULL);
    if (l == 0 || run->dev[l] < run->dev[*best])
        *best = l;
    return run->patience > 0 && l - *best >= run->patience;
}

/* Fits every lambda of path->lambda in order, warm-starting each fit from the last, with
 * the solver st_logreg_train would choose (exact Newton for ridge up to
 * ST__LR_CD_GRAM_MAX_COLS columns: along a path down to tiny lambdas the coordinate
 * descent steps of wider ridge fits converge slowly on nearly singular Hessians), up to
 * glmnet's exit when glmnet_exit is set, or run's early stop. */
static st_status fit_all(st_logreg_path *path, st__lr_problem *pb, const st__lr_design *d,
                         const st_logreg_params *prm, int glmnet_exit, st__lr_path_run *run,
                         st_error *err)
{
    size_t best = 0;
    double ybar = 0;
    for (size_t i = 0; i < pb->n; i++)
        ybar += pb->c[i] * pb->y[i];
    double b0 = log(ybar / (1 - ybar));
    const double null_loss = -(ybar * log(ybar) + (1 - ybar) * log1p(-ybar));
    double *b = st__calloc(d->n_cols > 0 ? d->n_cols : 1, sizeof *b);
    st__lr_cd_work *work = NULL;
    if (d->sp == NULL && d->n_cols <= ST__LR_CD_GRAM_MAX_COLS && prm->alpha > 0 &&
        (work = st__lr_cd_work_new(pb)) == NULL) {
        st__free(b);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for coordinate descent on %zu rows",
                        pb->n);
    }
    if (b == NULL) {
        st__lr_cd_work_free(work);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu coefficients", d->n_cols);
    }
    st_status rc = ST_OK;
    for (size_t l = 0; l < path->n_lambda && rc == ST_OK; l++) {
        st__lr_info info;
        pb->l1 = path->lambda[l] * prm->alpha;
        pb->l2 = path->lambda[l] * (1 - prm->alpha);
        int have_h = 0;
        if (d->sp != NULL)
            rc = st__lr_sparse_fit(pb, d->sp, prm->tol, prm->max_iter, &b0, b, NULL, &have_h,
                                   &info, err);
        else if (pb->l1 == 0 && d->n_cols <= ST__LR_CD_GRAM_MAX_COLS)
            rc = st__lr_newton(pb, &b0, b, prm->tol, prm->max_iter, &info, err);
        else if (work != NULL) /* the same solver as st__lr_cd, warm between lambdas */
            rc = st__lr_cd_gram_warm(pb, work, &b0, b, prm->tol, prm->max_iter, &info, err);
        else
            rc = st__lr_cd(pb, &b0, b, prm->tol, prm->max_iter, &info, err);
        if (rc != ST_OK) {
            char msg[ST_ERROR_MESSAGE_SIZE];
            snprintf(msg, sizeof msg, "%s", err != NULL ? err->message : "");
            rc = st__fail(err, rc, "lambda path, fit %zu of %zu (lambda %g): %s", l + 1,
                          path->n_lambda, path->lambda[l], msg);
            break;
        }
        path->converged[l] = info.converged;
        record(path, l, pb, d, b0, b, null_loss, info.objective);
        if (score_fit(path, l, run, &best, &rc, err)) {
            path->n_lambda = l + 1;
            break;
        }
        if (glmnet_exit && l + 1 >= 5 && l + 1 < path->n_lambda &&
            (path->dev_ratio[l] > 0.999 ||
             path->dev_ratio[l] - path->dev_ratio[l - 1] < 1e-5 * path->dev_ratio[l])) {
            path->n_lambda = l + 1; /* the arrays keep their size; only the count shrinks */
            break;
        }
        pb->at.lambda = l + 1;
        st__lr_progress(pb, 0, prm->max_iter); /* between two fits: no iteration yet */
    }
    st__free(b);
    st__lr_cd_work_free(work);
    return rc;
}

/* Builds the lambda sequence: the caller's, or n_lambda from lambda_max down. */
static st_status make_lambdas(st_logreg_path *path, const st_logreg_path_options *opt,
                              size_t n_rows, size_t n_cols, st_error *err)
{
    if (opt->lambda != NULL) {
        memcpy(path->lambda, opt->lambda, path->n_lambda * sizeof *path->lambda);
        return ST_OK;
    }
    if (!(path->lambda_max > 0))
        return st__fail(err, ST_ERR_DATA, "lambda path: lambda_max is 0: no column varies "
                        "over the rows of positive weight or is correlated with the label, "
                        "so every lambda gives all-zero coefficients");
    double ratio = opt->lambda_min_ratio > 0 ? opt->lambda_min_ratio
                 : n_cols > n_rows            ? 1e-2
                                              : 1e-4;
    const size_t nl = path->n_lambda;
    for (size_t l = 0; l < nl; l++)
        path->lambda[l] = nl == 1 ? path->lambda_max
                        : path->lambda_max * exp(log(ratio) * (double)l / (double)(nl - 1));
    return ST_OK;
}

st_status st_logreg_path_fit(const st_dataset *ds, const st_logreg_params *prm,
                             const st_logreg_path_options *opt, st_logreg_path **out,
                             st_error *err)
{
    return st__lr_path_fit_run(ds, prm, opt, NULL, out, err);
}

st_status st__lr_path_fit_run(const st_dataset *ds, const st_logreg_params *prm_in,
                              const st_logreg_path_options *opt_in, st__lr_path_run *run,
                              st_logreg_path **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_path_fit: %s is NULL",
                        ds == NULL ? "dataset" : "out");
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    st_logreg_path_options opt = opt_in != NULL ? *opt_in : st_logreg_path_options_default();
    const char *bad = st_logreg_params_check(&prm);
    if (bad == NULL)
        bad = options_check(&opt);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "lambda path: %s", bad);
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;

    const size_t n = st_dataset_n_rows(ds);
    st__lr_design d = {0};
    st_logreg_path *path = NULL;
    double total = 0, *y = st__malloc_array(n, sizeof *y), *c = st__malloc_array(n, sizeof *c);
    double *eta = st__malloc_array(n, sizeof *eta), *work_p = NULL, *xcs = NULL;
    double *partial = st__malloc_array(st__lr_partial_size(n), sizeof *partial);
    if (y == NULL || c == NULL || eta == NULL || partial == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", n);
        goto done;
    }
    if ((rc = st__lr_row_weights(ds, &prm, y, c, &total, err)) != ST_OK ||
        (rc = st__lr_design_build(ds, c, &prm, &d, err)) != ST_OK)
        goto done;
    path = path_alloc(opt.n_lambda, d.n_cols);
    work_p = st__malloc_array(d.n_cols > 0 ? d.n_cols : 1, sizeof *work_p);
    xcs = st__malloc_array(d.n_cols > 0 ? 2 * d.n_cols : 1, sizeof *xcs);
    if (path == NULL || work_p == NULL || xcs == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a path of %zu lambdas and %zu "
                      "coefficients", opt.n_lambda, d.n_cols);
        goto done;
    }
    st__lr_problem pb = {
        .n = n, .p = d.n_cols, .x = d.x, .y = y, .c = c,
        .n_threads = st__n_threads(prm.n_threads), .partial = partial,
        .progress = prm.progress, .progress_data = prm.progress_data,
        .should_stop = prm.should_stop, .should_stop_data = prm.should_stop_data,
        .at = {.n_lambda = opt.n_lambda, .inner_fold = run != NULL ? run->fold : 0,
               .n_inner_folds = run != NULL ? run->n_folds : 0},
    };
    path->lambda_max = lambda_max(&pb, d.sp, prm.alpha, eta, work_p);
    if (d.sp == NULL) { /* fixed over the path: the dense solvers' X^T c and X^T (c y) */
        for (size_t i = 0; i < n; i++)
            eta[i] = c[i];
        st__lr_xt(&pb, eta, xcs);
        for (size_t i = 0; i < n; i++)
            eta[i] = c[i] * y[i];
        st__lr_xt(&pb, eta, xcs + d.n_cols);
        pb.xc = xcs, pb.xcy = xcs + d.n_cols;
    }
    /* the path owns the names and the transformation from here: scoring a fit predicts
     * with them */
    path->n_coefs = d.n_cols;
    path->coef_names = d.col_names;
    d.col_names = NULL;
    path->n_features = d.n_features;
    path->features = d.features;
    d.features = NULL;
    if ((rc = make_lambdas(path, &opt, n, d.n_cols, err)) != ST_OK ||
        (rc = fit_all(path, &pb, &d, &prm, opt.glmnet_exit, run, err)) != ST_OK)
        goto done;
    *out = path;
    path = NULL;
done:
    st_logreg_path_free(path);
    st__lr_design_free(&d);
    st__free(y), st__free(c), st__free(eta), st__free(work_p), st__free(partial), st__free(xcs);
    return rc;
}

size_t st_logreg_path_n_lambda(const st_logreg_path *p) { return p ? p->n_lambda : 0; }
size_t st_logreg_path_n_coefs(const st_logreg_path *p) { return p ? p->n_coefs : 0; }
double st_logreg_path_lambda_max(const st_logreg_path *p) { return p ? p->lambda_max : NAN; }
const double *st_logreg_path_lambdas(const st_logreg_path *p) { return p ? p->lambda : NULL; }
const size_t *st_logreg_path_df(const st_logreg_path *p) { return p ? p->df : NULL; }

const double *st_logreg_path_intercepts(const st_logreg_path *p)
{
    return p ? p->intercept : NULL;
}

const double *st_logreg_path_dev_ratios(const st_logreg_path *p)
{
    return p ? p->dev_ratio : NULL;
}

const char *st_logreg_path_coef_name(const st_logreg_path *p, size_t k)
{
    return p != NULL && k < p->n_coefs ? p->coef_names[k] : NULL;
}

const double *st_logreg_path_coefs(const st_logreg_path *p, size_t l)
{
    return p != NULL && l < p->n_lambda ? p->coefs + l * p->n_coefs : NULL;
}

int st_logreg_path_converged(const st_logreg_path *p, size_t l)
{
    return p != NULL && l < p->n_lambda ? p->converged[l] : 0;
}

st_status st_logreg_path_predict(const st_logreg_path *path, const st_dataset *ds, size_t l,
                                 double *out, size_t n_out, st_error *err)
{
    if (path == NULL || l >= path->n_lambda)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_path_predict: %s",
                        path == NULL ? "path is NULL" : "lambda index out of range");
    /* a model that borrows fit l's coefficients and the path's transformation */
    struct st_logreg view = {
        .n_features = path->n_features, .features = path->features,
        .n_coefs = path->n_coefs, .coef_names = path->coef_names,
        .coefs = path->coefs + l * path->n_coefs, .intercept = path->intercept[l],
    };
    return st_logreg_predict(&view, ds, out, n_out, err);
}
