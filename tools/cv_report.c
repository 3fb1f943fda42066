/* stratum cv at one model setting: runs the folds (cv_folds.c), summarises each metric
 * across the folds (mean, standard deviation and a 95% interval for the mean by the
 * corrected resampled t, clipped to the metric's range, e.g. [0, 1] for ROC-AUC, [-1, 1]
 * for MCC), writes the out-of-fold predictions and the HTML report (st_report_cv) and prints the summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cv.h"

/* An undefined v is an empty CSV field, and "-" in text (an interval of one fold, say). */
static void print_number(FILE *f, double v, int csv)
{
    if (isnan(v))
        fprintf(f, csv ? "" : "%10s", "-");
    else
        fprintf(f, csv ? "%.17g" : "%10.4f", v);
}

/* Each metric's summary over the folds, as the library made it (st_cv_result.summary). */
static void print_summary(const cv_setup *s, const st_cv_result *cv)
{
    char where[160];
    int csv = s->format == FORMAT_CSV;
    if (csv) {
        printf("metric,mean,sd,ci_low,ci_high,folds_defined\n");
    } else {
        printf("%s, %zu-fold %s cross-validation x %zu repeat%s on %zu rows of %s\n",
               cv_model_name(s->model), s->n_folds, s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s",
               st_dataset_n_rows(s->ds), s->data_path);
        printf("threshold: %s%s; 95%% interval: corrected resampled t, mean -+ t(0.975, m-1) "
               "sd sqrt(1/m + n_test/n_train) over the m folds where the metric is defined\n\n",
               s->rule_word, cv_threshold_where(s, where, sizeof where));
        printf("%-26s %10s %10s %10s %10s %6s\n", "metric", "mean", "sd", "ci_low", "ci_high",
               "folds");
    }
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        const st_cv_summary sm = k < 0 ? cv->threshold : cv->summary[k];
        const char *name = k < 0 ? "threshold"
                           : csv ? st_metric_name((st_metric)k) : st_metric_label((st_metric)k);
        printf(csv ? "%s," : "%-26s ", name);
        if (!csv && isnan(sm.mean)) { /* no numbers, and no interval, for it */
            printf("undefined in every fold\n");
            continue;
        }
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
    FILE *mem = cli_open_memstream(&buf, &size, "the out-of-fold predictions");
    if (mem == NULL)
        return EXIT_FAILED;
    fprintf(mem, "row,fold,repeat,label,p\n");
    for (size_t r = 0; r < s->n_repeats; r++)
        for (size_t i = 0; i < n; i++)
            fprintf(mem, "%zu,%d,%zu,%d,%.17g\n", i + 1, s->fold[r * n + i] + 1, r + 1,
                    (int)y[i], oof[r * n + i]);
    return cli_write_memstream(mem, &buf, &size, s->oof_path, "the out-of-fold predictions");
}

int cv_run(const cv_setup *s)
{
    st_cv_result *cv = NULL;
    cli_progress_begin("cv", s->n_folds * s->n_repeats, "folds");
    int status = cv_run_folds(s, &cv, !s->quiet);
    cli_progress_end();
    if (status == EXIT_OK && s->oof_path != NULL)
        status = write_oof(s, cv->oof);
    if (status == EXIT_OK && s->report_path != NULL) {
        st_cv_params p = cv_params_of(s);
        st_report_context ctx = cv_report_context(s);
        st_error err;
        memset(&err, 0, sizeof err);
        st_status rc = st_report_cv(s->ds, &p, cv, &ctx, s->report_path, NULL, NULL, &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
    }
    if (status == EXIT_OK) {
        print_summary(s, cv);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the report to stdout\n");
            status = EXIT_FAILED;
        }
    }
    st_cv_result_free(cv);
    return status;
}
