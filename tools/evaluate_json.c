/* The metrics of st_evaluate as a JSON object, shared by `stratum evaluate`'s JSON report
 * (evaluate_output.c) and its per-group reports (evaluate_by.c). */
#include "evaluate_output.h"

void eval_json_key_number(FILE *f, const char *key, double v, const char *after)
{
    fprintf(f, "\"%s\": ", key);
    json_number(f, v);
    fputs(after, f);
}

void eval_json_metrics(FILE *f, const st_eval *ev, const char *indent)
{
    fputs("{\n", f);
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        fprintf(f, "%s  \"%s\": {", indent, st_metric_name((st_metric)m));
        eval_json_key_number(f, "value", ev->value[m], ", ");
        fprintf(f, "\"defined\": %s, ", st_eval_undefined(ev, (st_metric)m) ? "false" : "true");
        eval_json_key_number(f, "ci_low", ev->ci_low[m], ", ");
        eval_json_key_number(f, "ci_high", ev->ci_high[m], ", ");
        fprintf(f, "\"ci_resamples\": %d}%s\n", ev->ci_resamples[m],
                m + 1 < ST_METRIC_COUNT ? "," : "");
    }
    fprintf(f, "%s}", indent);
}
