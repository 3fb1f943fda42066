/* Out-of-core logistic regression (stratum/logreg_rowfile.h): the checks, the dataset
 * written to the row file (logreg_rowfile_write.c) with everything the model keeps of it,
 * then the ridge fit by truncated Newton over the row-file data form
 * (logreg_rowfile_form.c) and the coefficients moved to the original scale, as
 * st_logreg_train does (logreg.c). */
#include "logreg_impl.h"
#include "logreg_rowfile.h"
#include "logreg_sparse.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

const char *st_logreg_rowfile_unsupported(const st_logreg_params *p)
{
    if (p == NULL)
        return NULL;
    if (p->lambda == ST_LOGREG_LAMBDA_CV)
        return "out-of-core training needs a given lambda (pass --lambda, e.g. --lambda "
               "0.0001): choosing it by cross-validation needs the data in memory";
    if (p->alpha != 0)
        return "out-of-core training fits ridge only (--alpha 0): L1 and elastic-net need "
               "the data in memory (train without --out-of-core)";
    if (p->impute != ST_IMPUTE_MEAN || p->missing_indicators)
        return "out-of-core training imputes the mean without missing indicators (drop "
               "--impute median and --missing-indicators, or train without --out-of-core)";
    return NULL;
}

void st_logreg_rowfile_free(st_logreg_rowfile *r)
{
    if (r == NULL)
        return;
    st__lr_rowfile_close(&r->rf);
    st__free(r->y), st__free(r->c), st__free(r->mean), st__free(r->scale);
    st_logreg_free(r->m);
    st__free(r);
}

uint64_t st_logreg_rowfile_entries(const st_logreg_rowfile *r) { return r ? r->rf.nnz : 0; }

uint64_t st_logreg_rowfile_bytes(const st_logreg_rowfile *r)
{
    if (r == NULL || r->rf.fp == NULL)
        return 0;
    /* per block 12 bytes of header; per row 4; per entry 8 */
    long at = ftell(r->rf.fp);
    uint64_t size = 0;
    if (fseek(r->rf.fp, 0, SEEK_END) == 0) {
        long end = ftell(r->rf.fp);
        size = end > 0 ? (uint64_t)end : 0;
    }
    if (at >= 0)
        fseek(r->rf.fp, at, SEEK_SET);
    return size;
}

st_logreg_rowfile *st__lr_rowfile_new(size_t n, size_t p, const st_logreg_params *prm)
{
    st_logreg_rowfile *r = st__calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->n = n, r->p = p, r->prm = *prm;
    r->prm.progress = NULL, r->prm.progress_data = NULL; /* the model's copy */
    r->y = st__malloc_array(n ? n : 1, sizeof *r->y);
    r->c = st__malloc_array(n ? n : 1, sizeof *r->c);
    r->mean = st__malloc_array(p ? p : 1, sizeof *r->mean);
    r->scale = st__malloc_array(p ? p : 1, sizeof *r->scale);
    r->m = st__calloc(1, sizeof *r->m);
    if (r->m != NULL) {
        r->m->features = st__calloc(p ? p : 1, sizeof *r->m->features);
        r->m->n_features = r->m->features != NULL ? p : 0;
        r->m->coef_names = st__calloc(p ? p : 1, sizeof *r->m->coef_names);
        r->m->n_coefs = r->m->coef_names != NULL ? p : 0;
        r->m->params = r->prm;
    }
    if (r->y == NULL || r->c == NULL || r->mean == NULL || r->scale == NULL || r->m == NULL ||
        r->m->features == NULL || r->m->coef_names == NULL) {
        st_logreg_rowfile_free(r);
        return NULL;
    }
    return r;
}

st_status st__lr_rowfile_check(const st_logreg_params *prm, size_t n, size_t p, st_error *err)
{
    const char *bad = st_logreg_params_check(prm);
    if (bad == NULL)
        bad = st_logreg_rowfile_unsupported(prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    if (n > UINT32_MAX || p > UINT32_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "out-of-core training takes at most "
                        "2^32 - 1 rows and columns (%zu rows, %zu columns)", n, p);
    return ST_OK;
}

st_status st_logreg_rowfile_write(const st_dataset *ds, const st_logreg_params *params,
                                  const char *temp_dir, st_logreg_rowfile **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_rowfile_write: %s is NULL",
                        ds == NULL ? "dataset" : "out");
    st_logreg_params prm = params != NULL ? *params : st_logreg_params_default();
    const char *bad = st_logreg_params_check(&prm);
    if (bad == NULL)
        bad = st_logreg_rowfile_unsupported(&prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;
    const size_t n = st_dataset_n_rows(ds), p = st_dataset_n_features(ds);
    if (n > UINT32_MAX || p > UINT32_MAX)
        return st__fail(err, ST_ERR_INVALID_ARG, "out-of-core training takes at most "
                        "2^32 - 1 rows and columns (%zu rows, %zu columns)", n, p);
    st_logreg_rowfile *r = st__lr_rowfile_new(n, p, &prm);
    if (r == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows and %zu columns", n, p);
    if ((rc = st__lr_row_weights(ds, &r->prm, r->y, r->c, &r->total, err)) == ST_OK &&
        (rc = st__lr_rowfile_plan(ds, r, err)) == ST_OK &&
        (rc = st__lr_column_moments(r->m, ds, r->mean, NULL, 1, err)) == ST_OK &&
        (rc = st__row_sketch_build(ds, st__n_threads(r->prm.n_threads), &r->m->sketch,
                                    err)) == ST_OK &&
        (rc = st__post_set_positive_class(&r->m->post, ds, err)) == ST_OK)
        rc = st__lr_rowfile_write_rows(ds, r, temp_dir, err);
    if (rc != ST_OK) {
        st_logreg_rowfile_free(r);
        return rc;
    }
    *out = r;
    return ST_OK;
}

/* Standard errors for a design of at most ST__LR_SE_MAX_COLS columns, as st_logreg_train
 * gives them: the Hessian of F at the solution (where the data form is) from p + 1
 * Hessian-vector products, a pass each. */
static st_status standard_errors(st_logreg_rowfile *r, const st__lr_problem *pb,
                                 const st__lr_data *data, st_error *err)
{
    st_logreg *m = r->m;
    const size_t p = r->p, mm = p + 1;
    if (p > ST__LR_SE_MAX_COLS) {
        m->se_state = ST__LR_SE_TOO_WIDE;
        return ST_OK;
    }
    double *h = st__malloc_array(mm * mm, sizeof *h), *e = st__calloc(mm, sizeof *e);
    double *se = st__malloc_array(mm, sizeof *se);
    st_status rc = ST_ERR_NOMEM;
    if (h != NULL && e != NULL && se != NULL) {
        for (size_t k = 0; k < mm; k++) { /* column k of the Hessian, ridge term added */
            e[k] = 1;
            data->hessvec(data->ctx, e, h + k * mm);
            e[k] = 0;
            if (k > 0)
                h[k * mm + k] += pb->l2;
        }
        rc = st__lr_standard_errors_h(pb, h, r->mean, r->scale, r->total, se);
    }
    st__free(h), st__free(e);
    if (rc == ST_ERR_NOMEM) {
        st__free(se);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the standard errors of %zu "
                        "coefficients", p);
    }
    if (rc != ST_OK) {
        st__free(se);
        m->se_state = ST__LR_SE_SINGULAR;
        return ST_OK;
    }
    m->se = se;
    m->se_state = ST__LR_SE_OK;
    return ST_OK;
}

st_status st_logreg_rowfile_train(st_logreg_rowfile *r, st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (r == NULL || out == NULL || r->m == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_rowfile_train: %s",
                        r == NULL || out == NULL ? "an argument is NULL" : "trained already");
    const size_t n = r->n, p = r->p;
    double *b = st__calloc(p ? p : 1, sizeof *b);
    double *partial = st__malloc_array(st__lr_partial_size(n), sizeof *partial);
    double *coefs = st__malloc_array(p ? p : 1, sizeof *coefs);
    st__lr_problem pb = {
        .n = n, .p = p, .y = r->y, .c = r->c, .l1 = 0, .l2 = r->prm.lambda,
        .n_threads = st__n_threads(r->prm.n_threads), .partial = partial,
        .progress = r->prm.progress, .progress_data = r->prm.progress_data,
    };
    st__lr_rowfile_form *fm = b != NULL && partial != NULL && coefs != NULL
                                  ? st__lr_rowfile_form_new(&pb, &r->rf, r->mean, r->scale)
                                  : NULL;
    st__lr_tn_step *tn = fm != NULL ? st__lr_tn_step_new(p) : NULL;
    st_status rc;
    st__lr_info info;
    double b0 = 0;
    if (tn == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for out-of-core training on %zu rows "
                      "and %zu columns", n, p);
        goto done;
    }
    double ybar = 0; /* start from the intercept-only fit, as st_logreg_train */
    for (size_t i = 0; i < n; i++)
        ybar += r->c[i] * r->y[i];
    b0 = log(ybar / (1 - ybar));
    st__lr_data data = st__lr_rowfile_data(fm);
    st__lr_step step = st__lr_tn_step_solver(tn);
    st__lr_drive dr = {.what = "logistic regression", .l1 = 0, .l2 = pb.l2,
                       .tol = r->prm.tol, .max_iter = r->prm.max_iter, .progress = &pb};
    if ((rc = st__lr_drive_run(&dr, &data, &step, &b0, b, &info, err)) != ST_OK ||
        (rc = standard_errors(r, &pb, &data, err)) != ST_OK)
        goto done;
    st_logreg *m = r->m;
    double intercept = b0;
    for (size_t k = 0; k < p; k++) {
        coefs[k] = r->scale[k] > 0 ? b[k] / r->scale[k] : 0;
        intercept -= coefs[k] * r->mean[k];
    }
    m->coefs = coefs, coefs = NULL;
    m->intercept = intercept;
    m->iterations = info.iterations;
    m->converged = info.converged;
    m->objective = info.objective;
    m->gap = info.gap;
    *out = m;
    r->m = NULL;
done:
    st__lr_tn_step_free(tn);
    st__lr_rowfile_form_free(fm);
    st__free(b), st__free(partial), st__free(coefs);
    return rc;
}
