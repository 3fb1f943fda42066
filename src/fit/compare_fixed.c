/* A fixed model in st_compare_run: an existing model, not refitted, so its probabilities
 * do not depend on the fold; the caller scored every row once and each fold takes its
 * rows. As for the settings, the threshold rule is applied to the training part's
 * predictions and the threshold it picks is used on the test part. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "compare_impl.h"

/* Copies p, the labels and the weights (when ds has them) of rows idx[0..k). */
static void gather(const st_dataset *ds, const double *p, const size_t *idx, size_t k,
                   double *pp, float *yy, float *ww)
{
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    for (size_t i = 0; i < k; i++) {
        pp[i] = p[idx[i]];
        yy[i] = y[idx[i]];
        if (w != NULL)
            ww[i] = w[idx[i]];
    }
}

/* Scratch of one fold: its two parts' rows and their gathered predictions, labels and
 * weights. */
typedef struct fold_scratch {
    size_t *train, *test;
    double *pp;
    float *yy, *ww;
} fold_scratch;

/* One fold: the threshold from the training rows (unless the rule is fixed), the metrics
 * on the test rows. */
static st_status one_fold(const st_dataset *ds, const st_eval_params *eval, const double *p,
                          size_t n_train, size_t n_test, fold_scratch *sc, st_cv_fold *res,
                          st_error *err)
{
    const int weighted = st_dataset_weights(ds) != NULL;
    st_eval_params ep = *eval;
    ep.n_bootstrap = 0;
    st_eval ev;
    st_status rc = ST_OK;
    if (ep.rule != ST_THRESHOLD_FIXED) {
        gather(ds, p, sc->train, n_train, sc->pp, sc->yy, sc->ww);
        rc = st_evaluate(sc->pp, sc->yy, weighted ? sc->ww : NULL, n_train, &ep, &ev, err);
        if (rc == ST_OK) {
            ep.rule = ST_THRESHOLD_FIXED;
            ep.threshold = ev.threshold;
        }
    }
    if (rc == ST_OK) {
        gather(ds, p, sc->test, n_test, sc->pp, sc->yy, sc->ww);
        rc = st_evaluate(sc->pp, sc->yy, weighted ? sc->ww : NULL, n_test, &ep, &ev, err);
    }
    if (rc == ST_OK) {
        res->n_train = n_train, res->n_test = n_test;
        memcpy(res->value, ev.value, sizeof res->value);
        res->threshold = ev.threshold;
    }
    return rc;
}

st_status st__compare_fixed(const st_dataset *ds, const st_compare_params *prm, size_t k,
                            const st_compare_result *res, st_compare_row *row, st_error *err)
{
    const size_t n = res->n_rows, m = res->n_folds * res->n_repeats;
    const double *p = prm->fixed[k].p;
    const char *name = prm->fixed[k].name != NULL ? prm->fixed[k].name : "fixed model";
    fold_scratch sc = {st__malloc_array(n ? n : 1, sizeof *sc.train),
                       st__malloc_array(n ? n : 1, sizeof *sc.test),
                       st__malloc_array(n ? n : 1, sizeof *sc.pp),
                       st__malloc_array(n ? n : 1, sizeof *sc.yy),
                       st__malloc_array(n ? n : 1, sizeof *sc.ww)};
    st_status rc = st__compare_row_alloc(row, m, n * res->n_repeats, prm->keep_oof, err);
    if (rc == ST_OK && (!sc.train || !sc.test || !sc.pp || !sc.yy || !sc.ww))
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for scoring %zu rows", n);
    for (size_t r = 0; rc == ST_OK && r < res->n_repeats; r++)
        for (size_t f = 0; rc == ST_OK && f < res->n_folds; f++) {
            const int *fold = res->fold_of + r * n;
            size_t n_train = 0, n_test = 0;
            for (size_t i = 0; i < n; i++) {
                if ((size_t)fold[i] == f)
                    sc.test[n_test++] = i;
                else
                    sc.train[n_train++] = i;
            }
            st_cv_fold *fr = &row->folds[r * res->n_folds + f];
            fr->repeat = r, fr->fold = f;
            st_error inner;
            memset(&inner, 0, sizeof inner);
            rc = n_test == 0 ? st__fail(&inner, ST_ERR_DATA, "the test part is empty")
               : one_fold(ds, &prm->cv.eval, p, n_train, n_test, &sc, fr, &inner);
            if (rc != ST_OK) {
                st__fail(err, rc, "%s, fold %zu of repeat %zu: %.700s", name, f + 1, r + 1,
                         inner.message[0] ? inner.message : st_status_str(rc));
                break;
            }
            for (size_t i = 0; row->oof != NULL && i < n_test; i++)
                row->oof[r * n + sc.test[i]] = p[sc.test[i]];
        }
    if (rc == ST_OK)
        rc = st__compare_summarise(row, m, err);
    st__free(sc.train), st__free(sc.test), st__free(sc.pp), st__free(sc.yy), st__free(sc.ww);
    return rc;
}
