/* stratum cv's report (st_report_cv): the setup, the out-of-fold curves with the operating
 * point, the calibration plot, the summary of every metric over the folds and the table of
 * folds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* Every metric over the folds: mean (95% interval), SD, folds where it is defined. */
static void summary_table(st_report *rep, const st_cv_params *prm, const st_cv_fold *res,
                          size_t m)
{
    enum { COLS = 4, ROWS = ST_METRIC_COUNT + 1 };
    st_report_cell cells[ROWS * COLS];
    char names[ROWS][48];
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        st_cv_summary sm = st__report_fold_summary(res, m, k);
        st_report_cell *row = cells + (k + 1) * COLS;
        if (k == ST_METRIC_FBETA)
            snprintf(names[k + 1], sizeof names[k + 1], "F-beta (beta %g)", prm->eval.beta);
        else
            snprintf(names[k + 1], sizeof names[k + 1], "%s", k < 0 ? "threshold"
                     : st_metric_label((st_metric)k));
        row[0] = st_report_text_cell(names[k + 1]);
        row[1] = st_report_number_cell(sm.mean, sm.low, sm.high, 3);
        row[2] = st_report_number_cell(sm.sd, NAN, NAN, 3);
        row[3] = st_report_number_cell((double)sm.defined, NAN, NAN, 0);
    }
    static const char *const header[COLS] = {"metric", "mean (95% interval)", "SD", "folds"};
    st_report_table t = {NULL, COLS, ROWS, header, cells, 1,
                         "The threshold row: the thresholds the rule chose on the training parts."};
    st_report_table_write(rep, &t);
}

static const st_metric fold_metrics[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC,
                                         ST_METRIC_PRECISION, ST_METRIC_RECALL, ST_METRIC_F1,
                                         ST_METRIC_BRIER, ST_METRIC_LOG_LOSS};
#define N_FOLD_METRICS (sizeof fold_metrics / sizeof fold_metrics[0])

static st_status fold_table(st_report *rep, size_t n_folds, const st_cv_fold *res, size_t m,
                            st_error *err)
{
    enum { COLS = 3 + N_FOLD_METRICS };
    st_report_cell *cells = st__malloc(m * COLS * sizeof *cells);
    char(*ids)[2][24] = st__malloc(m * sizeof *ids);
    if (cells == NULL || ids == NULL) {
        st__free(cells), st__free(ids);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report's fold table");
    }
    for (size_t i = 0; i < m; i++) {
        st_report_cell *row = cells + i * COLS;
        snprintf(ids[i][0], sizeof ids[i][0], "%zu", i / n_folds + 1);
        snprintf(ids[i][1], sizeof ids[i][1], "%zu", i % n_folds + 1);
        row[0] = st_report_text_cell(ids[i][0]);
        row[1] = st_report_text_cell(ids[i][1]);
        row[2] = st_report_number_cell(res[i].threshold, NAN, NAN, 4);
        for (size_t c = 0; c < N_FOLD_METRICS; c++)
            row[3 + c] = st_report_number_cell(res[i].value[fold_metrics[c]], NAN, NAN, 3);
    }
    const char *header[COLS] = {"repeat", "fold", "threshold"};
    for (size_t c = 0; c < N_FOLD_METRICS; c++)
        header[3 + c] = st_metric_label(fold_metrics[c]);
    st_report_table t = {"Each fold (on its test part)", COLS, m, header, cells, 2, NULL};
    st_report_table_write(rep, &t);
    st__free(cells), st__free(ids);
    return ST_OK;
}

st_status st_report_cv(const st_dataset *ds, const st_cv_params *prm, const st_cv_result *res,
                       const st_report_context *ctx, const char *path, char **html,
                       size_t *size, st_error *err)
{
    if (html != NULL)
        *html = NULL;
    if (ds == NULL || prm == NULL || res == NULL || res->oof == NULL || res->folds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_cv: %s is NULL",
                        ds == NULL ? "ds" : prm == NULL ? "prm" : res == NULL ? "res"
                                                                  : "res's oof or folds");
    if (res->n_rows != st_dataset_n_rows(ds) || st_dataset_labels(ds) == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_cv: the result is of %zu rows, "
                        "the dataset has %zu%s", res->n_rows, st_dataset_n_rows(ds),
                        st_dataset_labels(ds) == NULL ? " and no labels" : "");
    st_report_context c;
    char how[64];
    st__report_context_fill(ctx, prm, &c, how, sizeof how);
    const char *name = st_compare_family_name(res->family);
    char title[64], subtitle[700], model[400];
    snprintf(title, sizeof title, "stratum cv %s", name);
    st__report_cv_subtitle(ds, res->n_folds, res->n_repeats, &c, subtitle, sizeof subtitle);
    st__report_model_text(prm, res->family, 1, model, sizeof model);
    st__report_oof oof;
    st_status rc = st__report_oof_make(ds, res->n_folds, res->n_repeats, res->folds, res->oof,
                                       &oof, err);
    if (rc != ST_OK)
        return rc;
    st_report *rep = NULL;
    if ((rc = st_report_begin(title, subtitle, &rep, err)) != ST_OK) {
        st__report_oof_free(&oof);
        return rc;
    }
    const char *term = "model";
    const char *value = model;
    st_report_section(rep, "Data and settings");
    for (size_t i = 0; i < c.n_warnings; i++)
        st_report_paragraph(rep, c.warnings[i], "warn");
    if ((rc = st__report_cv_facts(rep, ds, prm, res->n_folds, res->n_repeats, &c, &term,
                                  &value, 1, err)) != ST_OK) {
        st_report_discard(rep);
        st__report_oof_free(&oof);
        return rc;
    }
    st_report_section(rep, "Curves");
    int color = 0, dashed = 0;
    st__report_oof_charts(rep, &oof, &name, &color, &dashed, 1);
    st__report_oof_free(&oof);
    st_report_section(rep, "Metrics over the folds");
    size_t m = res->n_folds * res->n_repeats;
    summary_table(rep, prm, res->folds, m);
    if ((rc = fold_table(rep, res->n_folds, res->folds, m, err)) != ST_OK) {
        st_report_discard(rep);
        return rc;
    }
    return st_report_end(rep, path, html, size, err);
}
