/* The conventional reading of a PSI (stratum/drift.h), in the words every drift output
 * uses: the CLI's table, JSON and --fail-on messages, the report, Python's table. */
#include <math.h>

#include <stratum/drift.h>

const char *st_drift_band(double psi)
{
    return isnan(psi) ? "-" : psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "major";
}
