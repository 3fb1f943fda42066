/* stratum drift's words and numbers shared by its outputs (drift_output.c,
 * drift_text_output.c, drift_fail.c): a model's family, a number in a column of the text
 * output. (The PSI band's word is the library's st_drift_band.) */
#include <math.h>

#include "drift.h"

void drift_num(FILE *f, int width, double v, int is_p)
{
    char buf[32] = "-";
    if (!isnan(v))
        snprintf(buf, sizeof buf, is_p && v < 1e-3 ? "%.1e" : "%.4f", v);
    fprintf(f, " %*s", width, buf);
}

const char *drift_family_word(st_model_family family)
{
    return family == ST_MODEL_GBDT ? "gbdt" : "logreg";
}
