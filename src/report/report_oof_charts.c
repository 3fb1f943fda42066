/* The out-of-fold charts of the reports of cv and compare: one ROC, precision-recall and
 * calibration line per setting, each with its mean operating point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "report_impl.h"

void st__report_oof_charts(st_report *rep, const st__report_oof *o, const char *const *names,
                           const int *colors, const int *dashed, size_t n)
{
    st_report_series *s = st__calloc(n ? n : 1, sizeof *s);
    double *cx = st__malloc((n ? n : 1) * ST_CALIBRATION_BINS * sizeof *cx);
    double *cy = st__malloc((n ? n : 1) * ST_CALIBRATION_BINS * sizeof *cy);
    char(*notes)[64] = st__malloc((n ? n : 1) * sizeof *notes);
    if (s == NULL || cx == NULL || cy == NULL || notes == NULL) {
        st__free(s), st__free(cx), st__free(cy), st__free(notes);
        st_report_paragraph(rep, "(charts left out: out of memory)", "note");
        return;
    }
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(o[i].mean_threshold))
            snprintf(notes[i], sizeof notes[i], "no threshold");
        else
            snprintf(notes[i], sizeof notes[i], "mean threshold %.3g", o[i].mean_threshold);
        s[i] = (st_report_series){names[i], o[i].roc.x, o[i].roc.y, o[i].roc.n, o[i].mark_fpr,
                                  o[i].mark_recall, notes[i], colors[i], dashed[i], 0};
        for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
            cx[i * ST_CALIBRATION_BINS + b] = o[i].calibration[b].mean_predicted;
            cy[i * ST_CALIBRATION_BINS + b] = o[i].calibration[b].observed;
        }
        top = fmax(top, st_report_calibration_top(o[i].calibration));
    }
    const char *cap = "Out-of-fold predictions; the marked point is the mean over the folds "
                      "of each fold's operating point.";
    st_report_figures_begin(rep);
    st_report_chart roc = {"ROC curve (out of fold)", "false positive rate (1 - specificity)",
                           "true positive rate (recall)", 0, 1, 0, 1, 1, NAN, NULL, s, n, cap};
    st_report_line_chart(rep, &roc);
    for (size_t i = 0; i < n; i++) {
        s[i].x = o[i].pr.x, s[i].y = o[i].pr.y, s[i].n = o[i].pr.n;
        s[i].mark_x = o[i].mark_recall, s[i].mark_y = o[i].mark_precision;
    }
    char base[64];
    double prev = n ? o[0].prevalence : NAN;
    snprintf(base, sizeof base, "prevalence %.3f (no skill)", prev);
    st_report_chart pr = {"Precision-recall curve (out of fold)", "recall (sensitivity)",
                          "precision (PPV)", 0, 1, 0, 1, 0, prev, base, s, n, cap};
    st_report_line_chart(rep, &pr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (o[i].calibration[0].n_rows == 0)
            continue; /* fewer than 10 rows: no bins */
        s[m] = s[i];
        s[m].x = cx + i * ST_CALIBRATION_BINS, s[m].y = cy + i * ST_CALIBRATION_BINS;
        s[m].n = ST_CALIBRATION_BINS, s[m].dots = 1, s[m].mark_x = s[m].mark_y = NAN;
        m++;
    }
    st_report_chart cal = {"Calibration (out of fold)", "mean predicted probability",
                           "observed share positive", 0, top, 0, top, 2, NAN, NULL, s, m,
                           "Ten bins of equal row count of the out-of-fold predictions."};
    if (m > 0)
        st_report_line_chart(rep, &cal);
    st_report_figures_end(rep);
    st__free(s), st__free(cx), st__free(cy), st__free(notes);
}

