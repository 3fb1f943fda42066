/* src/report/: what stratum drift's report (report_drift.c) shares with its model
 * sections (report_drift_model.c). */
#ifndef STRATUM_REPORT_DRIFT_SECTIONS_H
#define STRATUM_REPORT_DRIFT_SECTIONS_H

#include <stratum/report.h>

/* The model's section: its facts and, when labelled, its metrics on both files. */
void st__report_drift_model(st_report *rep, const st_report_drift_model *m);

/* A text model's text column: its facts and the table of its terms (shares of texts over
 * n_reference and n_new rows). 0, or -1 when out of memory. */
int st__report_drift_text(st_report *rep, const st_report_drift_text *t, size_t n_reference,
                          size_t n_new);

#endif
