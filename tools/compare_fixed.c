/* stratum compare --model FILE: an existing model (a stratum model of either family, an
 * XGBoost JSON model or a LightGBM text model) scored on the same folds as the cross-validated settings. It is not
 * refitted, so its probabilities do not depend on the fold: the whole dataset is scored
 * once and each fold takes its rows. The threshold rule is applied, as for the settings, to
 * the training part's predictions and the threshold it picks is used on the test part. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_train_gbdt.h"
#include "compare.h"

const char *compare_file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

const char *compare_row_model(const compare_row *row)
{
    return row->file != NULL ? compare_file_name(row->file) : cv_model_name(row->model);
}

int compare_overlap_note(const compare_row *row, char *buf, size_t size)
{
    char what[256];
    if (row->file == NULL || !cli_overlap_note(&row->overlap, what, sizeof what)) {
        buf[0] = '\0';
        return 0;
    }
    snprintf(buf, size, "note: --model %s: %s: its metrics are optimistic; evaluate on "
             "held-out data", compare_row_model(row), what);
    return 1;
}

int compare_fixed_predict(const cv_setup *s, const char *path, double *p,
                          st_training_overlap *overlap)
{
    size_t n = st_dataset_n_rows(s->ds);
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "stratum: --model %s: cannot open the file\n", path);
        return EXIT_FAILED;
    }
    fclose(f);
    if (cli_model_is_gbdt(path)) { /* stratum, XGBoost or LightGBM gbdt model */
        st_gbdt *m = NULL;
        rc = st_gbdt_load(path, &m, &err);
        if (rc == ST_OK)
            rc = st_gbdt_predict(m, s->ds, ST_GBDT_PROBABILITY, s->gprm.n_threads, p, n, &err);
        if (rc == ST_OK)
            rc = st_gbdt_training_overlap(m, s->ds, overlap, &err);
        st_gbdt_free(m);
    } else { /* st_logreg_load says what is wrong with a file that is no model */
        st_logreg *m = NULL;
        rc = st_logreg_load(path, &m, &err);
        if (rc == ST_OK)
            rc = st_logreg_predict(m, s->ds, p, n, &err);
        if (rc == ST_OK)
            rc = st_logreg_training_overlap(m, s->ds, overlap, &err);
        st_logreg_free(m);
    }
    if (rc != ST_OK) {
        const char *msg = err.message[0] ? err.message : st_status_str(rc);
        /* a load error already names the file; a prediction error (a missing feature) not */
        if (strstr(msg, path) != NULL)
            fprintf(stderr, "stratum: --model: %s\n", msg);
        else
            fprintf(stderr, "stratum: --model %s: %s\n", path, msg);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

/* Copies p, the labels and the weights (when the data has them) of rows idx[0..k). */
static void gather(const cv_setup *s, const double *p, const size_t *idx, size_t k,
                   double *pp, float *yy, float *ww)
{
    const float *y = st_dataset_labels(s->ds), *w = st_dataset_weights(s->ds);
    for (size_t i = 0; i < k; i++) {
        pp[i] = p[idx[i]];
        yy[i] = y[idx[i]];
        if (w != NULL)
            ww[i] = w[idx[i]];
    }
}

/* One fold: the threshold from the training rows (unless the rule is fixed), the metrics
 * on the test rows. */
static st_status one_fold(const cv_setup *s, const double *p, const size_t *train,
                          size_t n_train, const size_t *test, size_t n_test, double *pp,
                          float *yy, float *ww, cv_fold_result *res, st_error *err)
{
    const int weighted = st_dataset_weights(s->ds) != NULL;
    st_eval_params ep = s->eval;
    ep.n_bootstrap = 0;
    st_eval ev;
    st_status rc = ST_OK;
    if (ep.rule != ST_THRESHOLD_FIXED) {
        gather(s, p, train, n_train, pp, yy, ww);
        rc = st_evaluate(pp, yy, weighted ? ww : NULL, n_train, &ep, &ev, err);
        if (rc == ST_OK) {
            ep.rule = ST_THRESHOLD_FIXED;
            ep.threshold = ev.threshold;
        }
    }
    if (rc == ST_OK) {
        gather(s, p, test, n_test, pp, yy, ww);
        rc = st_evaluate(pp, yy, weighted ? ww : NULL, n_test, &ep, &ev, err);
    }
    if (rc == ST_OK) {
        memset(res, 0, sizeof *res);
        memcpy(res->value, ev.value, sizeof res->value);
        res->threshold = ev.threshold;
        for (int k = 0; k < ST_METRIC_COUNT; k++)
            res->value_cal[k] = NAN;
        res->threshold_cal = NAN;
    }
    return rc;
}

int compare_fixed_folds(const cv_setup *s, const char *path, const double *p,
                        cv_fold_result *res, double *oof)
{
    size_t n = st_dataset_n_rows(s->ds);
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *pp = malloc(n * sizeof *pp);
    float *yy = malloc(n * sizeof *yy), *ww = malloc(n * sizeof *ww);
    int status = EXIT_OK;
    if (!train || !test || !pp || !yy || !ww) {
        fprintf(stderr, "stratum: out of memory for scoring %zu rows\n", n);
        status = EXIT_FAILED;
    }
    for (size_t r = 0; status == EXIT_OK && r < s->n_repeats; r++) {
        for (size_t f = 0; status == EXIT_OK && f < s->n_folds; f++) {
            size_t n_train, n_test;
            cv_split(s, r, f, train, &n_train, test, &n_test);
            st_error err;
            memset(&err, 0, sizeof err);
            st_status rc = n_test == 0 ? ST_ERR_DATA
                         : one_fold(s, p, train, n_train, test, n_test, pp, yy, ww,
                                    &res[r * s->n_folds + f], &err);
            if (rc != ST_OK) {
                fprintf(stderr, "stratum: --model %s, fold %zu of repeat %zu: %s\n", path,
                        f + 1, r + 1, n_test == 0 ? "the test part is empty"
                        : err.message[0] ? err.message : st_status_str(rc));
                status = EXIT_FAILED;
            }
            for (size_t i = 0; oof != NULL && status == EXIT_OK && i < n_test; i++)
                oof[r * n + test[i]] = p[test[i]];
        }
    }
    free(train), free(test), free(pp), free(yy), free(ww);
    return status;
}
