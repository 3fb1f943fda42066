/* src/report/: what stratum drift's report (report_drift.c) shares with its model
 * sections (report_drift_model.c) and the map of st_drift_compare_model's result onto
 * them (report_drift_map.c). */
#ifndef STRATUM_REPORT_DRIFT_SECTIONS_H
#define STRATUM_REPORT_DRIFT_SECTIONS_H

#include <stratum/report.h>

/* The model's section: its facts and, when labelled, its metrics on both files. */
void st__report_drift_model(st_report *rep, const st_report_drift_model *m);

/* A text model's text column: its facts and the table of its terms (shares of texts over
 * n_reference and n_new rows). 0, or -1 when out of memory. */
int st__report_drift_text(st_report *rep, const st_report_drift_text *t, size_t n_reference,
                          size_t n_new);

/* out for st_drift_compare_model's result r, the model named name (NULL: "model"); its
 * text columns are new arrays (st__report_drift_unmap frees them), pointing into r. */
st_status st__report_drift_map(const st_drift_model_result *r, const char *name,
                               st_report_drift_model *out, st_error *err);
void st__report_drift_unmap(st_report_drift_model *out);

#endif
