/* stratum drift --report: the library's st_report_drift of the columns, or of
 * st_drift_compare_model's result with --model. */
#include <string.h>

#include "drift.h"
#include "cli.h"

int report_drift(const char *path, const char *rp, const char *np, const st_drift_result *r,
                 const st_drift_model_result *m, const char *model_path)
{
    st_report_drift_input d = {r, rp, np, NULL, m, model_path};
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_drift(&d, path, NULL, NULL, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
