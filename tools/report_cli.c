/* The library's report builder (stratum/report.h) with the program's exit codes. */
#include <string.h>

#include "report_cli.h"

int report_cli_begin(const char *title, const char *subtitle, st_report **rep)
{
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_begin(title, subtitle, rep, &err);
    if (rc != ST_OK) {
        cli_fail(&err, rc);
        return -1;
    }
    return 0;
}

int report_cli_end(st_report *rep, const char *path)
{
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_end(rep, path, NULL, NULL, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
