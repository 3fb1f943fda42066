/* stratum compare --report: the setup, one out-of-fold ROC, precision-recall and
 * calibration line per setting (colour by class weight, logreg solid and gbdt dashed; a
 * --model file solid, in the colours after the settings') with
 * each setting's operating point marked, and the comparison table with the best mean of
 * each column marked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cli.h"

static void comparison_table(report *rep, const compare_row *rows, const report_oof *oofs,
                             char (*weight_texts)[96], size_t n, report_cell *cells)
{
    enum { COLS = 3 + COMPARE_N_COLS };
    for (size_t i = 0; i < n; i++) {
        report_cell *row = cells + i * COLS;
        row[0] = report_text_cell(compare_row_model(&rows[i]));
        row[1] = report_text_cell(weight_texts[i]);
        row[2] = report_number_cell(oofs[i].mean_threshold, NAN, NAN, 3);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            const cv_summary *c = &rows[i].col[k];
            row[3 + k] = report_number_cell(c->mean, c->low, c->high, 3);
            row[3 + k].best = rows[i].best[k];
        }
    }
    const char *header[COLS] = {"model", "weight", "mean threshold"};
    for (int k = 0; k < COMPARE_N_COLS; k++)
        header[3 + k] = st_metric_label(compare_metrics[k]);
    report_table t = {NULL, COLS, n, header, cells, 2,
                      "Each cell: the mean over the folds (95% interval). \xe2\x98\x85 marks the "
                      "best mean of each column (the lowest for Brier and log loss). Precision, "
                      "recall and F1 at the threshold chosen on each training part; the mean "
                      "of those thresholds is shown."};
    report_table_write(rep, &t);
}

int report_compare(const char *path, const cv_setup *s, const compare_row *rows,
                   const report_oof *oofs, size_t n)
{
    char(*names)[160] = malloc((n ? n : 1) * sizeof *names);
    char(*weights)[96] = malloc((n ? n : 1) * sizeof *weights);
    const char **name_ptrs = malloc((n ? n : 1) * sizeof *name_ptrs);
    int *colors = malloc((n ? n : 1) * sizeof *colors);
    int *dashed = malloc((n ? n : 1) * sizeof *dashed);
    report_cell *cells = malloc((n ? n : 1) * (3 + COMPARE_N_COLS) * sizeof *cells);
    if (!names || !weights || !name_ptrs || !colors || !dashed || !cells) {
        free(names), free(weights), free(name_ptrs), free(colors), free(dashed), free(cells);
        fprintf(stderr, "stratum: out of memory for the report\n");
        return EXIT_FAILED;
    }
    int use[2] = {0, 0}, n_colors = 0;
    size_t n_fixed = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].file != NULL) { /* --model: after the settings, in the next colours */
            snprintf(weights[i], sizeof weights[i], "%s", rows[i].weight);
            snprintf(names[i], sizeof names[i], "%s (fixed model)", compare_row_model(&rows[i]));
            name_ptrs[i] = names[i];
            colors[i] = n_colors + (int)n_fixed++;
            dashed[i] = 0;
            continue;
        }
        /* compare --recalibrate: a calibrated row follows each setting */
        const int calibrated = rows[i].calibration != NULL &&
                               strcmp(rows[i].calibration, "none") != 0;
        snprintf(weights[i], sizeof weights[i], "%s%s%s", rows[i].weight,
                 calibrated ? " + " : "", calibrated ? rows[i].calibration : "");
        snprintf(names[i], sizeof names[i], "%s, weight %s", cv_model_name(rows[i].model),
                 weights[i]);
        name_ptrs[i] = names[i];
        /* the same weight gets the same colour in both families */
        colors[i] = 0;
        for (size_t j = 0; j < i; j++)
            colors[i] += rows[j].model == rows[i].model;
        dashed[i] = rows[i].model == CV_GBDT;
        use[rows[i].model] = 1;
        if (colors[i] + 1 > n_colors)
            n_colors = colors[i] + 1;
    }
    char subtitle[700], logreg[400], gbdt[400];
    report_cv_subtitle(s, subtitle, sizeof subtitle);
    report_model_text(s, CV_LOGREG, 0, logreg, sizeof logreg);
    report_model_text(s, CV_GBDT, 0, gbdt, sizeof gbdt);
    const char *terms[4], *values[4];
    size_t k = 0;
    if (use[CV_LOGREG])
        terms[k] = "logreg (solid lines)", values[k++] = logreg;
    if (use[CV_GBDT])
        terms[k] = "gbdt (dashed lines)", values[k++] = gbdt;
    if (use[CV_LOGREG] || use[CV_GBDT])
        terms[k] = "class weights", values[k++] = "per setting: a number W is logreg's "
                                                  "--class-weight W and gbdt's "
                                                  "--scale-pos-weight W";
    if (n_fixed > 0)
        terms[k] = "fixed models (solid lines)",
        values[k++] = "each --model file is scored as it is, never refitted: its threshold is "
                      "chosen on each training part's predictions; it may have been trained on "
                      "some of these rows, so its metrics can be optimistic";
    report rep;
    int status = EXIT_FAILED;
    if (report_begin(&rep, "stratum compare", subtitle) == 0) {
        report_section(&rep, "Data and settings");
        char note[400];
        for (size_t i = 0; i < n; i++)
            if (compare_overlap_note(&rows[i], note, sizeof note))
                report_paragraph(&rep, note, "warn");
        report_cv_facts(&rep, s, terms, values, k);
        report_section(&rep, "Curves");
        report_oof_charts(&rep, oofs, name_ptrs, colors, dashed, n);
        report_section(&rep, "Comparison");
        comparison_table(&rep, rows, oofs, weights, n, cells);
        status = report_end(&rep, path);
    }
    free(names), free(weights), free(name_ptrs), free(colors), free(dashed), free(cells);
    return status;
}
