/* stratum drift's words and numbers shared by its outputs (drift_output.c,
 * drift_text_output.c, drift_fail.c): the PSI band and a number in a
 * column of the text output. */
#include <math.h>

#include "drift.h"

const char *drift_band(double psi)
{
    return isnan(psi) ? "-" : psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "major";
}

void drift_num(FILE *f, int width, double v, int is_p)
{
    char buf[32] = "-";
    if (!isnan(v))
        snprintf(buf, sizeof buf, is_p && v < 1e-3 ? "%.1e" : "%.4f", v);
    fprintf(f, " %*s", width, buf);
}
