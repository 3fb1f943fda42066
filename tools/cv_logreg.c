/* stratum cv logreg at one lambda: train on each training part, predict its test fold,
 * evaluate that fold with st_evaluate (no bootstrap), then summarise each metric across
 * the folds: mean, standard deviation and a t-based 95% interval for the mean, clipped to
 * the metric's range (e.g. [0, 1] for ROC-AUC, [-1, 1] for MCC). A
 * threshold rule is applied to the training part's own (in-sample) predictions and the
 * threshold it picks is used on the test fold, which never influences it. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cv.h"

typedef struct fold_result {
    double value[ST_METRIC_COUNT]; /* NaN when undefined in that fold */
    double threshold;
} fold_result;

/* Fits the training part, picks the threshold on it and evaluates the test part; the
 * test predictions go to p_test. */
static st_status one_fold(const cv_setup *s, const size_t *train, size_t n_train,
                          const size_t *test, size_t n_test, double *p_test,
                          fold_result *res, st_error *err)
{
    st_dataset *tr = NULL, *te = NULL;
    st_logreg *m = NULL;
    double *p_train = NULL;
    st_eval ev;
    st_eval_params ep = s->eval;
    ep.n_bootstrap = 0;
    st_status rc = st_dataset_subset(s->ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(s->ds, test, n_test, &te, err);
    if (rc == ST_OK)
        rc = st_logreg_train(tr, &s->prm, &m, err);
    if (rc == ST_OK && ep.rule != ST_THRESHOLD_FIXED) {
        if ((p_train = malloc(n_train * sizeof *p_train)) == NULL)
            rc = ST_ERR_NOMEM;
        if (rc == ST_OK)
            rc = st_logreg_predict(m, tr, p_train, n_train, err);
        if (rc == ST_OK)
            rc = st_evaluate(p_train, st_dataset_labels(tr), st_dataset_weights(tr), n_train,
                             &ep, &ev, err);
        if (rc == ST_OK) {
            ep.rule = ST_THRESHOLD_FIXED;
            ep.threshold = ev.threshold;
        }
    }
    if (rc == ST_OK)
        rc = st_logreg_predict(m, te, p_test, n_test, err);
    if (rc == ST_OK)
        rc = st_evaluate(p_test, st_dataset_labels(te), st_dataset_weights(te), n_test, &ep,
                         &ev, err);
    if (rc == ST_OK) {
        memcpy(res->value, ev.value, sizeof res->value);
        res->threshold = ev.threshold;
    }
    free(p_train);
    st_logreg_free(m);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

typedef struct summary {
    size_t defined;
    double mean, sd, low, high;
} summary;

/* The range a metric can take, to which its interval is clipped. */
static void metric_range(int metric, double *lo, double *hi)
{
    *lo = -INFINITY, *hi = INFINITY;
    if (metric == ST_METRIC_MCC)
        *lo = -1, *hi = 1;
    else if (metric == ST_METRIC_LOG_LOSS)
        *lo = 0;
    else if (metric >= 0 && metric != ST_METRIC_CALIBRATION_INTERCEPT &&
             metric != ST_METRIC_CALIBRATION_SLOPE &&
             metric != ST_METRIC_CALIBRATION_IN_THE_LARGE)
        *lo = 0, *hi = 1;
}

static summary summarise(const fold_result *res, size_t m, int metric)
{
    summary s = {0, NAN, NAN, NAN, NAN};
    double sum = 0, ss = 0;
    for (size_t i = 0; i < m; i++) {
        double v = metric < 0 ? res[i].threshold : res[i].value[metric];
        if (!isnan(v)) {
            s.defined++;
            sum += v;
        }
    }
    if (s.defined == 0)
        return s;
    s.mean = sum / (double)s.defined;
    for (size_t i = 0; i < m; i++) {
        double v = metric < 0 ? res[i].threshold : res[i].value[metric];
        if (!isnan(v))
            ss += (v - s.mean) * (v - s.mean);
    }
    if (s.defined > 1) {
        s.sd = sqrt(ss / (double)(s.defined - 1));
        double half = cv_t975(s.defined - 1) * s.sd / sqrt((double)s.defined);
        double lo, hi;
        metric_range(metric, &lo, &hi);
        s.low = fmax(lo, s.mean - half);
        s.high = fmin(hi, s.mean + half);
    }
    return s;
}

static void print_number(FILE *f, double v, int csv)
{
    if (isnan(v))
        fprintf(f, csv ? "" : "%10s", "undefined");
    else
        fprintf(f, csv ? "%.17g" : "%10.4f", v);
}

static void print_summary(const cv_setup *s, const fold_result *res, size_t m)
{
    int csv = s->format == FORMAT_CSV;
    if (csv) {
        printf("metric,mean,sd,ci_low,ci_high,folds_defined\n");
    } else {
        printf("logreg, %zu-fold %s cross-validation x %zu repeat%s on %zu rows of %s\n",
               s->n_folds, s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s",
               st_dataset_n_rows(s->ds), s->data_path);
        printf("threshold: %s%s; 95%% interval: mean -+ t(0.975, m-1) sd / sqrt(m) over the "
               "m folds where the metric is defined\n\n", s->rule_word,
               s->eval.rule == ST_THRESHOLD_FIXED ? "" : ", chosen on each training part");
        printf("%-26s %10s %10s %10s %10s %6s\n", "metric", "mean", "sd", "ci_low", "ci_high",
               "folds");
    }
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        summary sm = summarise(res, m, k);
        const char *name = k < 0 ? "threshold" : st_metric_name((st_metric)k);
        printf(csv ? "%s," : "%-26s ", name);
        double v[4] = {sm.mean, sm.sd, sm.low, sm.high};
        for (int j = 0; j < 4; j++) {
            print_number(stdout, v[j], csv);
            printf(csv ? "," : " ");
        }
        printf(csv ? "%zu\n" : "%6zu\n", sm.defined);
    }
}

/* The out-of-fold predictions as CSV: row (1-based, in the order read), fold and repeat
 * (1-based), label, p; one line per row and repeat. */
static int write_oof(const cv_setup *s, const double *oof)
{
    size_t n = st_dataset_n_rows(s->ds);
    const float *y = st_dataset_labels(s->ds);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (mem == NULL) {
        fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
        return EXIT_FAILED;
    }
    fprintf(mem, "row,fold,repeat,label,p\n");
    for (size_t r = 0; r < s->n_repeats; r++)
        for (size_t i = 0; i < n; i++)
            fprintf(mem, "%zu,%d,%zu,%d,%.17g\n", i + 1, s->fold[r * n + i] + 1, r + 1,
                    (int)y[i], oof[r * n + i]);
    int bad = ferror(mem);
    fclose(mem);
    st_error err;
    st_status rc = bad ? ST_ERR_NOMEM : st_file_write_atomic(s->oof_path, buf, size, &err);
    free(buf);
    if (bad) {
        fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
        return EXIT_FAILED;
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

int cv_run_logreg(const cv_setup *s)
{
    size_t n = st_dataset_n_rows(s->ds), m = s->n_folds * s->n_repeats;
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *oof = malloc(n * s->n_repeats * sizeof *oof);
    double *p = malloc(n * sizeof *p);
    fold_result *res = calloc(m, sizeof *res);
    int status = EXIT_OK;
    if (!train || !test || !oof || !p || !res) {
        fprintf(stderr, "stratum: out of memory for cross-validation of %zu rows\n", n);
        status = EXIT_FAILED;
    }
    for (size_t r = 0; status == EXIT_OK && r < s->n_repeats; r++) {
        for (size_t f = 0; status == EXIT_OK && f < s->n_folds; f++) {
            size_t n_train, n_test;
            cv_split(s, r, f, train, &n_train, test, &n_test);
            st_error err;
            memset(&err, 0, sizeof err);
            st_status rc = n_test == 0 ? ST_ERR_DATA
                         : one_fold(s, train, n_train, test, n_test, p, &res[r * s->n_folds + f],
                                    &err);
            if (rc != ST_OK) {
                fprintf(stderr, "stratum: fold %zu of repeat %zu: %s\n", f + 1, r + 1,
                        n_test == 0 ? "the test part is empty"
                        : err.message[0] ? err.message : st_status_str(rc));
                status = EXIT_FAILED;
                break;
            }
            for (size_t i = 0; i < n_test; i++)
                oof[r * n + test[i]] = p[i];
            double auc = res[r * s->n_folds + f].value[ST_METRIC_ROC_AUC];
            char auc_text[64] = "undefined (one class in the test fold)";
            if (!isnan(auc))
                snprintf(auc_text, sizeof auc_text, "%.4f", auc);
            if (!s->quiet)
                fprintf(stderr, "fold %zu/%zu of repeat %zu/%zu: %zu training rows, %zu test "
                        "rows, ROC-AUC %s\n", f + 1, s->n_folds, r + 1, s->n_repeats,
                        n_train, n_test, auc_text);
        }
    }
    if (status == EXIT_OK && s->oof_path != NULL)
        status = write_oof(s, oof);
    if (status == EXIT_OK) {
        print_summary(s, res, m);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the report to stdout\n");
            status = EXIT_FAILED;
        }
    }
    free(train), free(test), free(oof), free(p), free(res);
    return status;
}
