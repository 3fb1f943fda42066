/* stratum cv logreg --lambda-path, as R's cv.glmnet does it: the library's st_cv_path_run
 * (stratum/cv.h says how the curve and the choices are made) with the progress line, a
 * line per fold on stderr, and the table printed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cv.h"

static const char *const measure_names[] = {"deviance", "auc", "pr_auc"};

static void on_progress(const st_cv_progress *p, void *data)
{
    const cv_setup *s = data;
    switch (p->event) {
    case ST_CV_ALL_ROWS_START: cli_progress_step("all rows"); break;
    case ST_CV_ALL_ROWS_DONE: cli_progress_advance(); break;
    case ST_CV_FOLD_START:
        cli_progress_step("repeat %zu/%zu, fold %zu/%zu", p->repeat + 1, p->n_repeats,
                          p->fold + 1, p->n_folds);
        break;
    case ST_CV_FOLD_DONE:
        cli_progress_clear();
        if (!s->quiet)
            fprintf(stderr, "fold %zu/%zu of repeat %zu/%zu: path of %zu lambdas fitted\n",
                    p->fold + 1, p->n_folds, p->repeat + 1, p->n_repeats, p->n_lambda);
        cli_progress_advance();
        break;
    }
}

static void print_curve(const cv_setup *s, const st_cv_path_result *res, cv_measure measure)
{
    const size_t nl = res->n_lambda, i_min = res->i_min, i_1se = res->i_1se;
    const int have = res->have_choice, csv = s->format == FORMAT_CSV;
    const double *lambda = res->lambda, *cvm = res->cvm, *cvsd = res->cvsd;
    const size_t *df = res->df;
    if (csv) {
        printf("index,lambda,df,%s,se,folds,choice\n", measure_names[measure]);
    } else {
        printf("logreg lambda path (alpha %g), %zu-fold %s cross-validation x %zu repeat%s on "
               "%zu rows of %s; measure %s (mean over folds, se as cv.glmnet)\n\n",
               s->prm.alpha, s->n_folds, s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s",
               st_dataset_n_rows(s->ds), s->data_path, measure_names[measure]);
        printf("%5s %12s %5s %12s %12s %6s\n", "index", "lambda", "df", measure_names[measure],
               "se", "choice");
    }
    for (size_t l = 0; l < nl; l++) {
        const char *choice = !have ? ""
                           : l == i_min && l == i_1se ? "min+1se"
                           : l == i_min ? "min" : l == i_1se ? "1se" : "";
        if (csv)
            printf("%zu,%.17g,%zu,%.17g,%.17g,%zu,%s\n", l + 1, lambda[l], df[l], cvm[l],
                   cvsd[l], res->defined[l], choice);
        else
            printf("%5zu %12.6g %5zu %12.6g %12.6g %6s\n", l + 1, lambda[l], df[l], cvm[l],
                   cvsd[l], choice);
    }
    if (!csv && have)
        printf("\nlambda_min %.6g (index %zu, %s %.6g, df %zu)\nlambda_1se %.6g (index %zu, "
               "%s %.6g, df %zu)\n", lambda[i_min], i_min + 1, measure_names[measure],
               cvm[i_min], df[i_min], lambda[i_1se], i_1se + 1, measure_names[measure],
               cvm[i_1se], df[i_1se]);
    else if (!have)
        fprintf(stderr, "stratum: the %s is undefined at every lambda (a class missing from "
                "every test fold?)\n", measure_names[measure]);
}

int cv_run_path(const cv_setup *s, const st_logreg_path_options *popt, cv_measure measure)
{
    st_error err;
    memset(&err, 0, sizeof err);
    st_cv_params p = cv_params_of(s);
    p.progress = on_progress;
    p.progress_data = (void *)s;
    cli_progress_begin("cv", s->n_folds * s->n_repeats + 1, "paths");
    st_cv_path_result *res = NULL;
    st_status rc = st_cv_path_run(s->ds, &p, popt, (st_cv_measure)measure, &res, &err);
    cli_progress_end();
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    if (res->n_unconverged > 0 && !s->quiet)
        fprintf(stderr, "note: %zu of the %zu path fits did not reach --tol within --max-iter "
                "iterations\n", res->n_unconverged, res->n_fits);
    print_curve(s, res, measure);
    int status = EXIT_OK;
    if (!res->have_choice)
        status = EXIT_FAILED;
    else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "stratum: cannot write the report to stdout\n");
        status = EXIT_FAILED;
    }
    st_cv_path_result_free(res);
    return status;
}
