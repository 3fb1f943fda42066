/* A predicted probability as a clinician reads it: a percentage. */
#include "cli.h"

void cli_risk_text(double p, char *buf, size_t size)
{
    const double pct = 100 * p;
    if (pct != pct)
        snprintf(buf, size, "undefined");
    else if (pct >= 99.95) /* "100.0%" would claim a certainty no model has */
        snprintf(buf, size, ">99.9%%");
    else if (pct >= 1)
        snprintf(buf, size, "%.1f%%", pct);
    else if (pct >= 0.1)
        snprintf(buf, size, "%.2f%%", pct);
    else
        snprintf(buf, size, "<0.1%%");
}
