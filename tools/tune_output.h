/* stratum tune's output (tune_output.c): the --table CSV and the report on stdout. */
#ifndef STRATUM_CLI_TUNE_OUTPUT_H
#define STRATUM_CLI_TUNE_OUTPUT_H

#include "cli.h"

/* --table: every entry tried, as CSV (candidate,rung,rows, the metric's mean and interval,
 * the four AUC and loss means, promoted, stopped, the parameters at 17 digits), written
 * atomically. Returns an exit code (a failure printed). */
int tune_write_table(const char *path, const st_tune_result *r);

/* The report: what was searched, the top `top` entries (the last rung's first, best first
 * within a rung; `table`: the rest are in --table), the best and the defaults beside it,
 * and the nested estimate when there is one. how: cv's description of the folds. */
void tune_print_report(const st_tune_result *r, size_t top, int table,
                       const char *data, const char *how);

#endif
