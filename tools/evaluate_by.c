/* --by COL of `stratum evaluate`: the metrics of each subgroup (each level of a column) at
 * the threshold chosen on all rows, so every group is judged at the same operating point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate_output.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The group keys of column j: level codes or distinct numbers, ascending, then NaN
 * (missing) when present. Returns the count, or -1 when there are too many. */
static long group_keys(const float *v, size_t n, double *keys, int *has_missing)
{
    size_t k = 0;
    *has_missing = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) {
            *has_missing = 1;
            continue;
        }
        size_t s = 0;
        while (s < k && keys[s] != (double)v[i])
            s++;
        if (s == k) {
            if (k == EVAL_MAX_GROUPS)
                return -1;
            keys[k++] = v[i];
        }
    }
    qsort(keys, k, sizeof *keys, cmp_double);
    return (long)k;
}

/* Evaluates the rows whose column value is key (NaN: missing) into g. */
static st_status evaluate_group(const st_dataset *ds, const float *v, double key, const double *p,
                                const st_eval_params *prm, eval_group *g, st_error *err)
{
    size_t n = st_dataset_n_rows(ds), m = 0;
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    double *gp = malloc((n ? n : 1) * sizeof *gp);
    float *gy = malloc((n ? n : 1) * sizeof *gy), *gw = malloc((n ? n : 1) * sizeof *gw);
    st_status rc = ST_ERR_NOMEM;
    if (gp != NULL && gy != NULL && gw != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (isnan(key) ? !isnan(v[i]) : (double)v[i] != key)
                continue;
            gp[m] = p[i];
            gy[m] = y[i];
            gw[m++] = w != NULL ? w[i] : 1.0f;
        }
        rc = st_evaluate(gp, gy, w != NULL ? gw : NULL, m, prm, &g->ev, err);
    } else {
        snprintf(err->message, sizeof err->message, "out of memory for a subgroup");
    }
    free(gp);
    free(gy);
    free(gw);
    return rc;
}

static int eval_by_column(const st_dataset *ds, const char *column, const float *v,
                          const double *p, const st_eval_params *prm, double threshold,
                          eval_groups *out);

int eval_by(const st_dataset *ds, const char *column, const double *p, const st_eval_params *prm,
            double threshold, eval_groups *out)
{
    memset(out, 0, sizeof *out);
    out->column = column;
    out->threshold = threshold;
    out->fixed = prm->rule == ST_THRESHOLD_FIXED;
    long j = st_dataset_find_feature(ds, column);
    if (j < 0) {
        fprintf(stderr, "stratum: --by %s: no such column (the label and weight columns "
                        "cannot be used)\n", column);
        return EXIT_FAILED;
    }
    float *v = cli_feature_copy(ds, (size_t)j);
    if (v == NULL)
        return EXIT_FAILED;
    int status = eval_by_column(ds, column, v, p, prm, threshold, out);
    free(v);
    return status;
}

/* eval_by with the column's values v in hand. */
static int eval_by_column(const st_dataset *ds, const char *column, const float *v,
                          const double *p, const st_eval_params *prm, double threshold,
                          eval_groups *out)
{
    const long j = st_dataset_find_feature(ds, column);
    int categorical = st_dataset_feature_type(ds, (size_t)j) == ST_FEATURE_CATEGORICAL;
    double keys[EVAL_MAX_GROUPS + 1];
    int has_missing;
    long k = group_keys(v, st_dataset_n_rows(ds), keys, &has_missing);
    if (k < 0) {
        fprintf(stderr, "stratum: --by %s: more than %d distinct values; choose a column of "
                        "groups\n", column, EVAL_MAX_GROUPS);
        return EXIT_FAILED;
    }
    if (has_missing)
        keys[k++] = NAN;
    if ((out->groups = calloc((size_t)k, sizeof *out->groups)) == NULL) {
        fprintf(stderr, "stratum: out of memory for %ld subgroups\n", k);
        return EXIT_FAILED;
    }
    st_eval_params gp = *prm;
    gp.rule = ST_THRESHOLD_FIXED;
    gp.threshold = threshold;
    for (long g = 0; g < k; g++) {
        eval_group *grp = &out->groups[g];
        if (isnan(keys[g]))
            snprintf(grp->name, sizeof grp->name, "(missing)");
        else if (categorical)
            snprintf(grp->name, sizeof grp->name, "%s",
                     st_dataset_level(ds, (size_t)j, (size_t)keys[g]));
        else
            snprintf(grp->name, sizeof grp->name, "%.9g", keys[g]);
        st_error err;
        memset(&err, 0, sizeof err);
        st_status rc = evaluate_group(ds, v, keys[g], p, &gp, grp, &err);
        out->n = (size_t)g + 1;
        if (rc != ST_OK) {
            fprintf(stderr, "stratum: --by %s, group %s: %s\n", column, grp->name,
                    err.message[0] != '\0' ? err.message : st_status_str(rc));
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

void eval_groups_free(eval_groups *g)
{
    if (g == NULL)
        return;
    free(g->groups);
    g->groups = NULL;
    g->n = 0;
}

/* The columns of the subgroup table: a few metrics that matter most per group. */
static const st_metric table_metrics[] = {ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_RECALL,
                                          ST_METRIC_SPECIFICITY, ST_METRIC_PRECISION,
                                          ST_METRIC_BRIER};
#define N_TABLE (sizeof table_metrics / sizeof table_metrics[0])

static void value_ci(char *buf, size_t size, const st_eval *ev, st_metric m)
{
    if (isnan(ev->value[m]))
        snprintf(buf, size, "undefined");
    else if (isnan(ev->ci_low[m]))
        snprintf(buf, size, "%.3f", ev->value[m]);
    else
        snprintf(buf, size, "%.3f (%.3f-%.3f)", ev->value[m], ev->ci_low[m], ev->ci_high[m]);
}

void eval_groups_table(FILE *f, const eval_groups *g, cli_format fmt)
{
    int md = fmt == FORMAT_MARKDOWN;
    fprintf(f, "\nby %s, at threshold %.6g %s\n", g->column, g->threshold,
            g->fixed ? "(fixed)" : "chosen on all rows");
    if (md) {
        fputs("\n| group | rows | positive |", f);
        for (size_t c = 0; c < N_TABLE; c++)
            fprintf(f, " %s |", st_metric_label(table_metrics[c]));
        fputs("\n|---|---:|---:|", f);
        for (size_t c = 0; c < N_TABLE; c++)
            fputs("---:|", f);
        fputc('\n', f);
    } else {
        fprintf(f, "%-16s %8s %8s", "group", "rows", "positive");
        for (size_t c = 0; c < N_TABLE; c++)
            fprintf(f, c + 1 < N_TABLE ? "  %-21s" : "  %s", st_metric_label(table_metrics[c]));
        fputc('\n', f);
    }
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        if (md)
            fprintf(f, "| %s | %zu | %zu |", g->groups[i].name, ev->n_rows, ev->n_positive);
        else
            fprintf(f, "%-16s %8zu %8zu", g->groups[i].name, ev->n_rows, ev->n_positive);
        for (size_t c = 0; c < N_TABLE; c++) {
            char buf[64];
            value_ci(buf, sizeof buf, ev, table_metrics[c]);
            fprintf(f, md ? " %s |" : c + 1 < N_TABLE ? "  %-21s" : "  %s", buf);
        }
        fputc('\n', f);
    }
    size_t few = 0; /* groups whose intervals a class of few rows makes too narrow */
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        few += ev->n_bootstrap > 0 && ev->n_positive > 0 && ev->n_negative > 0 &&
               (ev->n_positive < EVAL_FEW_FOR_INTERVALS ||
                ev->n_negative < EVAL_FEW_FOR_INTERVALS);
    }
    if (few > 0)
        fprintf(f, "(%zu group%s with fewer than %d positive or negative rows: %s intervals "
                "understate the uncertainty, down to width 0)\n", few, few == 1 ? "" : "s",
                EVAL_FEW_FOR_INTERVALS, few == 1 ? "its" : "their");
}

void eval_groups_json(FILE *f, const eval_groups *g)
{
    fputs("  \"subgroups\": {\"column\": ", f);
    json_string(f, g->column);
    fputs(", \"threshold\": ", f);
    json_number(f, g->threshold);
    fputs(", \"groups\": [", f);
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        fputs(i ? ",\n    {\"value\": " : "\n    {\"value\": ", f);
        json_string(f, g->groups[i].name);
        fprintf(f, ", \"rows\": %zu, \"n_positive\": %zu, \"n_negative\": %zu, ", ev->n_rows,
                ev->n_positive, ev->n_negative);
        fputs("\"weight_positive\": ", f);
        json_number(f, ev->weight_positive);
        fputs(", \"weight_negative\": ", f);
        json_number(f, ev->weight_negative);
        fputs(",\n     \"confusion\": {\"tp\": ", f);
        json_number(f, ev->confusion.tp);
        fputs(", \"fp\": ", f);
        json_number(f, ev->confusion.fp);
        fputs(", \"tn\": ", f);
        json_number(f, ev->confusion.tn);
        fputs(", \"fn\": ", f);
        json_number(f, ev->confusion.fn);
        fputs("},\n     \"delong\": {\"variance\": ", f);
        json_number(f, ev->delong_variance);
        fputs(", \"ci_low\": ", f);
        json_number(f, ev->delong_low);
        fputs(", \"ci_high\": ", f);
        json_number(f, ev->delong_high);
        fputs("},\n     \"metrics\": ", f);
        eval_json_metrics(f, ev, "     ");
        fputc('}', f);
    }
    fputs(g->n ? "\n  ]},\n" : "]},\n", f);
}

void eval_groups_csv(FILE *f, const eval_groups *g)
{
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        for (int m = 0; m < ST_METRIC_COUNT; m++) {
            /* metric[column=value], quoted as a CSV field when needed */
            char name[512];
            snprintf(name, sizeof name, "%s[%s=%s]", st_metric_name((st_metric)m), g->column,
                     g->groups[i].name);
            if (strpbrk(name, ",\"\n") != NULL) {
                fputc('"', f);
                for (const char *c = name; *c != '\0'; c++) {
                    if (*c == '"')
                        fputc('"', f);
                    fputc(*c, f);
                }
                fputc('"', f);
            } else {
                fputs(name, f);
            }
            double vals[3] = {ev->value[m], ev->ci_low[m], ev->ci_high[m]};
            for (int c = 0; c < 3; c++) {
                fputc(',', f);
                if (!isnan(vals[c]))
                    fprintf(f, "%.17g", vals[c]);
            }
            fputc('\n', f);
        }
    }
}
