/* st_report_explain's files: report_explain.c (the rows' sections, the ranking, the
 * document) and report_explain_text.c (a text model's texts with their deciding terms
 * marked). */
#ifndef STRATUM_REPORT_EXPLAIN_H
#define STRATUM_REPORT_EXPLAIN_H

#include <stratum/explain.h>
#include <stratum/report.h>

/* Rows of charts and tables are capped so that a 5,000-feature model stays readable. */
#define ST__REPORT_MAX_BARS 30

/* Each text of chosen row k of ex (a model m of text columns) with the terms that decided it
 * marked: the top present terms raising the risk most (red) and lowering it most (blue). */
st_status st__report_explain_texts(st_report *rep, const st_model *m, const st_explanation *ex,
                                   size_t k, size_t top, st_error *err);

#endif
