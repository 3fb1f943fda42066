/* --report FILE.html of the command whose reports are still the program's own (explain:
 * report_explain*.c), written with the library's document builder (stratum/report.h), and
 * the two calls that open and close such a report with the program's exit codes
 * (report_cli.c); drift's (report_drift.c passes its model numbers on), evaluate's, cv's
 * and compare's reports are the library's (st_report_drift, st_report_evaluate,
 * st_report_cv, st_report_compare). */
#ifndef STRATUM_REPORT_CLI_H
#define STRATUM_REPORT_CLI_H

#include "cli.h"

/* st_report_begin: 0, or -1 with the message on stderr. */
int report_cli_begin(const char *title, const char *subtitle, st_report **rep);

/* st_report_end to path (frees rep): an exit code, with the message on stderr. */
int report_cli_end(st_report *rep, const char *path);

#endif
