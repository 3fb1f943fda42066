/* stratum compare's report (st_report_compare): the setup, one out-of-fold ROC,
 * precision-recall and calibration line per row (colour by class weight, logreg solid and
 * gbdt dashed; a fixed model solid, in the colours after the settings') with each row's
 * operating point marked, the comparison table with the best mean of each column
 * marked, and the paired differences (each row minus the row it is compared with, fold by
 * fold: st_compare_difference). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* The part of path after its last '/'. */
static const char *base_name(const char *path)
{
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    return slash != NULL ? slash + 1 : path != NULL ? path : "";
}

/* The table's model and weight columns of row i, its name in the charts' legends, and
 * its name as --oof's header and --reference write it (the paired differences' table). */
typedef struct row_names {
    char model[160], weight[96], legend[160], setting[200];
} row_names;

static void name_row(const st_compare_params *prm, const st_report_context *ctx,
                     const st_compare_row *row, row_names *out)
{
    if (row->fixed >= 0) {
        const char *file = base_name(prm->fixed[row->fixed].name);
        snprintf(out->model, sizeof out->model, "%s", file);
        snprintf(out->weight, sizeof out->weight, "(fixed)");
        snprintf(out->legend, sizeof out->legend, "%s (fixed model)", file);
        snprintf(out->setting, sizeof out->setting, "%s", file);
        return;
    }
    char w[64];
    if (ctx->weight_names != NULL)
        snprintf(w, sizeof w, "%s", ctx->weight_names[row->weight_index]);
    else if (row->weight.kind == ST_CLASS_WEIGHT_NONE)
        snprintf(w, sizeof w, "none");
    else if (row->weight.kind == ST_CLASS_WEIGHT_BALANCED)
        snprintf(w, sizeof w, "balanced");
    else
        snprintf(w, sizeof w, "%g", row->weight.value);
    /* recalibrate: a calibrated row follows each setting */
    snprintf(out->weight, sizeof out->weight, "%s%s%s", w, row->calibrated ? " + " : "",
             row->calibrated ? st_calibration_method_name(prm->recalibrate) : "");
    snprintf(out->model, sizeof out->model, "%s", st_compare_family_name(row->family));
    snprintf(out->legend, sizeof out->legend, "%s, weight %s", out->model, out->weight);
    snprintf(out->setting, sizeof out->setting, "%s_%s%s%s", out->model, w,
             row->calibrated ? "_" : "",
             row->calibrated ? st_calibration_method_name(prm->recalibrate) : "");
}

static void comparison_table(st_report *rep, const st_compare_result *res,
                             const st__report_oof *oofs, const row_names *names,
                             st_report_cell *cells)
{
    const st_metric *metrics = NULL;
    const size_t n_metrics = st_compare_metrics(&metrics), cols = 3 + n_metrics;
    const char *header[3 + ST_METRIC_COUNT] = {"model", "weight", "mean threshold"};
    for (size_t k = 0; k < n_metrics; k++)
        header[3 + k] = st_metric_label(metrics[k]);
    for (size_t i = 0; i < res->n_settings; i++) {
        st_report_cell *row = cells + i * cols;
        row[0] = st_report_text_cell(names[i].model);
        row[1] = st_report_text_cell(names[i].weight);
        row[2] = st_report_number_cell(oofs[i].mean_threshold, NAN, NAN, 3);
        for (size_t k = 0; k < n_metrics; k++) {
            const st_cv_summary *c = &res->rows[i].summary[metrics[k]];
            row[3 + k] = st_report_number_cell(c->mean, c->low, c->high, 3);
            row[3 + k].best = res->rows[i].best[metrics[k]];
        }
    }
    st_report_table t = {NULL, cols, res->n_settings, header, cells, 2,
                         "Each cell: the mean over the folds (95% interval). \xe2\x98\x85 marks "
                         "the best mean of each column (the lowest for Brier and log loss). "
                         "Precision, recall and F1 at the threshold chosen on each training "
                         "part; the mean of those thresholds is shown."};
    st_report_table_write(rep, &t);
}

/* Each row's paired differences from the row it is compared with
 * (st_compare_reference_of); none when every row is its own reference. */
static void differences_table(st_report *rep, const st_compare_result *res, long reference,
                              const row_names *names, st_report_cell *cells)
{
    const st_metric *metrics = NULL;
    const size_t n_metrics = st_compare_metrics(&metrics), cols = 2 + n_metrics;
    const char *header[2 + ST_METRIC_COUNT] = {"setting", "minus"};
    for (size_t k = 0; k < n_metrics; k++)
        header[2 + k] = st_metric_label(metrics[k]);
    size_t n = 0;
    for (size_t i = 0; i < res->n_settings; i++) {
        const long from = st_compare_reference_of(res, reference, i);
        if (from < 0)
            continue;
        st_report_cell *row = cells + n++ * cols;
        row[0] = st_report_text_cell(names[i].setting);
        row[1] = st_report_text_cell(names[from].setting);
        for (size_t k = 0; k < n_metrics; k++) {
            const st_cv_summary d = st_compare_difference(res, i, (size_t)from, metrics[k]);
            row[2 + k] = st_report_number_cell(d.mean, d.low, d.high, 3);
            /* the marker: the folds consistently favour one of the two rows */
            row[2 + k].best = d.low > 0 || d.high < 0;
            row[2 + k].title = "the interval excludes 0";
        }
    }
    if (n == 0)
        return;
    st_report_section(rep, "Paired differences");
    st_report_table t = {NULL, cols, n, header, cells, 2,
                         "Settings named as --oof and --reference name them. Each cell: this "
                         "row's value minus that of the row in \xe2\x80\x9cminus\xe2\x80\x9d "
                         "on the same test fold, the mean over the folds (95% interval, "
                         "corrected resampled t, Nadeau and Bengio 2003). The variation both "
                         "rows share cancels, so two rows whose own intervals overlap may still "
                         "differ. \xe2\x98\x85 marks an interval that excludes 0: the folds "
                         "consistently favour one row. Higher is better, except for Brier and "
                         "log loss."};
    st_report_table_write(rep, &t);
}

/* The settings' facts: each family's options, the class weights, the fixed models. */
static size_t settings_facts(const st_compare_params *prm, const st_compare_result *res,
                             char *logreg, char *gbdt, size_t size, const char **terms,
                             const char **values)
{
    int use[2] = {0, 0};
    size_t n_fixed = 0, k = 0;
    for (size_t i = 0; i < res->n_settings; i++) {
        if (res->rows[i].fixed >= 0)
            n_fixed++;
        else
            use[res->rows[i].family == ST_CV_GBDT] = 1;
    }
    st__report_model_text(&prm->cv, ST_CV_LOGREG, 0, logreg, size);
    st__report_model_text(&prm->cv, ST_CV_GBDT, 0, gbdt, size);
    if (use[0])
        terms[k] = "logreg (solid lines)", values[k++] = logreg;
    if (use[1])
        terms[k] = "gbdt (dashed lines)", values[k++] = gbdt;
    if (use[0] || use[1])
        terms[k] = "class weights", values[k++] = "per setting: a number W is logreg's "
                                                  "--class-weight W and gbdt's "
                                                  "--scale-pos-weight W";
    if (n_fixed > 0)
        terms[k] = "fixed models (solid lines)",
        values[k++] = "each --model file is scored as it is, never refitted: its threshold is "
                      "chosen on each training part's predictions; it may have been trained on "
                      "some of these rows, so its metrics can be optimistic";
    return k;
}

/* Colours and dashes of the rows' lines: the same weight gets the same colour in both
 * families; fixed models come after, in the next colours. */
static void line_styles(const st_compare_result *res, int *colors, int *dashed)
{
    int n_colors = 0, n_fixed = 0;
    for (size_t i = 0; i < res->n_settings; i++) {
        const st_compare_row *row = &res->rows[i];
        if (row->fixed >= 0) {
            colors[i] = n_colors + n_fixed++;
            dashed[i] = 0;
            continue;
        }
        colors[i] = 0;
        for (size_t j = 0; j < i; j++)
            colors[i] += res->rows[j].fixed < 0 && res->rows[j].family == row->family;
        dashed[i] = row->family == ST_CV_GBDT;
        if (colors[i] + 1 > n_colors)
            n_colors = colors[i] + 1;
    }
}

static st_status write_report(const st_dataset *ds, const st_compare_params *prm,
                              const st_compare_result *res, const st_report_context *c,
                              const st__report_oof *oofs, row_names *names,
                              const char **legends, int *colors, int *dashed,
                              st_report_cell *cells, const char *path, char **html,
                              size_t *size, st_error *err)
{
    for (size_t i = 0; i < res->n_settings; i++) {
        name_row(prm, c, &res->rows[i], &names[i]);
        legends[i] = names[i].legend;
    }
    line_styles(res, colors, dashed);
    char subtitle[700], logreg[400], gbdt[400];
    const char *terms[4], *values[4];
    size_t k = settings_facts(prm, res, logreg, gbdt, sizeof logreg, terms, values);
    st__report_cv_subtitle(ds, res->n_folds, res->n_repeats, c, subtitle, sizeof subtitle);
    st_report *rep = NULL;
    st_status rc = st_report_begin("stratum compare", subtitle, &rep, err);
    if (rc != ST_OK)
        return rc;
    st_report_section(rep, "Data and settings");
    for (size_t i = 0; i < c->n_warnings; i++)
        st_report_paragraph(rep, c->warnings[i], "warn");
    rc = st__report_cv_facts(rep, ds, &prm->cv, res->n_folds, res->n_repeats, c, terms,
                             values, k, err);
    if (rc != ST_OK) {
        st_report_discard(rep);
        return rc;
    }
    st_report_section(rep, "Curves");
    st__report_oof_charts(rep, oofs, legends, colors, dashed, res->n_settings);
    st_report_section(rep, "Comparison");
    comparison_table(rep, res, oofs, names, cells);
    differences_table(rep, res, c->compare_reference, names, cells);
    return st_report_end(rep, path, html, size, err);
}

st_status st_report_compare(const st_dataset *ds, const st_compare_params *prm,
                            const st_compare_result *res, const st_report_context *ctx,
                            const char *path, char **html, size_t *size, st_error *err)
{
    if (html != NULL)
        *html = NULL;
    if (ds == NULL || prm == NULL || res == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_compare: %s is NULL",
                        ds == NULL ? "ds" : prm == NULL ? "prm" : "res");
    if (res->n_rows != st_dataset_n_rows(ds) || st_dataset_labels(ds) == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_compare: the result is of %zu "
                        "rows, the dataset has %zu%s", res->n_rows, st_dataset_n_rows(ds),
                        st_dataset_labels(ds) == NULL ? " and no labels" : "");
    for (size_t i = 0; i < res->n_settings; i++)
        if (res->rows[i].oof == NULL || (res->rows[i].fixed >= 0 &&
                                         (size_t)res->rows[i].fixed >= prm->n_fixed))
            return st__fail(err, ST_ERR_INVALID_ARG, "st_report_compare: row %zu has no "
                            "out-of-fold predictions (run st_compare_run with keep_oof = 1 "
                            "and give the same parameters here)", i + 1);
    st_report_context c;
    char how[64];
    st__report_context_fill(ctx, &prm->cv, &c, how, sizeof how);
    if (c.compare_reference < -1 || c.compare_reference >= (long)res->n_settings)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_compare: compare_reference %ld is "
                        "not a row of the table (0 to %zu, or -1)", c.compare_reference,
                        res->n_settings - 1);
    const size_t n = res->n_settings ? res->n_settings : 1;
    st__report_oof *oofs = st__calloc(n, sizeof *oofs);
    row_names *names = st__malloc(n * sizeof *names);
    const char **legends = st__malloc(n * sizeof *legends);
    int *colors = st__malloc(n * sizeof *colors), *dashed = st__malloc(n * sizeof *dashed);
    st_report_cell *cells = st__malloc(n * (3 + ST_METRIC_COUNT) * sizeof *cells);
    st_status rc = ST_OK;
    if (!oofs || !names || !legends || !colors || !dashed || !cells)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    size_t made = 0;
    for (; rc == ST_OK && made < res->n_settings; made++)
        rc = st__report_oof_make(ds, res->n_folds, res->n_repeats, res->rows[made].folds,
                                 res->rows[made].oof, &oofs[made], err);
    if (rc == ST_OK)
        rc = write_report(ds, prm, res, &c, oofs, names, legends, colors, dashed, cells, path,
                          html, size, err);
    for (size_t i = 0; oofs != NULL && i < made; i++)
        st__report_oof_free(&oofs[i]);
    st__free(oofs), st__free(names), st__free(legends), st__free(colors), st__free(dashed);
    st__free(cells);
    return rc;
}
