/* --by COL of `stratum evaluate`: the metrics of each subgroup (each level of a column) at
 * the threshold chosen on all rows, so every group is judged at the same operating point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate_output.h"

/* Evaluates the rows of group g (row_group[i] == g) into grp. */
static st_status evaluate_group(const st_dataset *ds, const size_t *row_group, size_t g,
                                const double *p, const st_eval_params *prm, eval_group *grp,
                                st_error *err)
{
    size_t n = st_dataset_n_rows(ds), m = 0;
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    double *gp = malloc((n ? n : 1) * sizeof *gp);
    float *gy = malloc((n ? n : 1) * sizeof *gy), *gw = malloc((n ? n : 1) * sizeof *gw);
    st_status rc = ST_ERR_NOMEM;
    if (gp != NULL && gy != NULL && gw != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (row_group[i] != g)
                continue;
            gp[m] = p[i];
            gy[m] = y[i];
            gw[m++] = w != NULL ? w[i] : 1.0f;
        }
        rc = st_evaluate(gp, gy, w != NULL ? gw : NULL, m, prm, &grp->ev, err);
    } else {
        snprintf(err->message, sizeof err->message, "out of memory for a subgroup");
    }
    free(gp);
    free(gy);
    free(gw);
    return rc;
}

/* Evaluates each group of row_group (out's groups named) at threshold. */
static int evaluate_groups(const st_dataset *ds, const char *column, const size_t *row_group,
                           const double *p, const st_eval_params *prm, double threshold,
                           eval_groups *out)
{
    st_eval_params gp = *prm;
    gp.rule = ST_THRESHOLD_FIXED;
    gp.threshold = threshold;
    for (size_t g = 0; g < out->n; g++) {
        eval_group *grp = &out->groups[g];
        st_error err;
        memset(&err, 0, sizeof err);
        st_status rc = evaluate_group(ds, row_group, g, p, &gp, grp, &err);
        if (rc != ST_OK) {
            fprintf(stderr, "stratum: --by %s, group %s: %s\n", column, grp->name,
                    err.message[0] != '\0' ? err.message : st_status_str(rc));
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

int eval_by(const st_dataset *ds, const char *column, const char *path,
            const st_read_options *opt, const double *p, const st_eval_params *prm,
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
    size_t n = st_dataset_n_rows(ds);
    float *v = cli_feature_copy(ds, (size_t)j);
    size_t *row_group = v != NULL ? malloc((n ? n : 1) * sizeof *row_group) : NULL;
    int status = EXIT_FAILED;
    if (v != NULL && row_group == NULL)
        fprintf(stderr, "stratum: out of memory for the --by groups of %zu rows\n", n);
    if (row_group != NULL)
        status = eval_by_assign(ds, (size_t)j, column, path, opt, v, row_group, out);
    if (status == EXIT_OK)
        status = evaluate_groups(ds, column, row_group, p, prm, threshold, out);
    free(row_group);
    free(v);
    return status;
}

void eval_groups_free(eval_groups *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; g->groups != NULL && i < g->n; i++)
        free(g->groups[i].name);
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

/* The line above the table: the column and the threshold every group is judged at. */
static void table_caption(FILE *f, const eval_groups *g, int md)
{
    fputs("\nby ", f);
    if (md)
        markdown_cell(f, g->column);
    else
        fputs(g->column, f);
    if (isnan(g->threshold))
        fputs(", at no threshold: none meets the rule on all rows, so every metric at a "
              "threshold is undefined in each group\n", f);
    else
        fprintf(f, ", at threshold %.6g %s\n", g->threshold,
                g->fixed ? "(fixed)" : "chosen on all rows");
}

/* The notes under the table: the groups whose intervals rest on a class of few rows (one
 * class alone, or one row, included), and any other group with an interval of width 0 in
 * the table (every resample gave the same value, which is no certainty). */
static void table_notes(FILE *f, const eval_groups *g, int md)
{
    size_t few = 0, zero = 0;
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        few += ev->n_bootstrap > 0 && (ev->n_positive < EVAL_FEW_FOR_INTERVALS ||
                                       ev->n_negative < EVAL_FEW_FOR_INTERVALS);
    }
    if (few > 0)
        fprintf(f, "(%zu group%s with fewer than %d positive or negative rows: %s intervals "
                "understate the uncertainty, down to width 0)\n", few, few == 1 ? "" : "s",
                EVAL_FEW_FOR_INTERVALS, few == 1 ? "its" : "their");
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        if (ev->n_bootstrap == 0 || ev->n_positive < EVAL_FEW_FOR_INTERVALS ||
            ev->n_negative < EVAL_FEW_FOR_INTERVALS)
            continue;
        int width0 = 0;
        for (size_t c = 0; c < N_TABLE; c++) {
            st_metric m = table_metrics[c];
            width0 |= !isnan(ev->value[m]) && !isnan(ev->ci_low[m]) &&
                      ev->ci_low[m] == ev->ci_high[m];
        }
        if (!width0)
            continue;
        fputs(zero++ ? ", " : "(intervals of width 0 in group ", f);
        if (md)
            markdown_cell(f, g->groups[i].name);
        else
            fputs(g->groups[i].name, f);
    }
    if (zero > 0)
        fputs(": every resample gave the same value, as happens when a count it rests on is 0 "
              "or all of its rows; that is no certainty)\n", f);
}

void eval_groups_table(FILE *f, const eval_groups *g, cli_format fmt)
{
    int md = fmt == FORMAT_MARKDOWN;
    table_caption(f, g, md);
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
        if (md) {
            fputs("| ", f);
            markdown_cell(f, g->groups[i].name);
            fprintf(f, " | %zu | %zu |", ev->n_rows, ev->n_positive);
        } else {
            fprintf(f, "%-16s %8zu %8zu", g->groups[i].name, ev->n_rows, ev->n_positive);
        }
        for (size_t c = 0; c < N_TABLE; c++) {
            char buf[64];
            value_ci(buf, sizeof buf, ev, table_metrics[c]);
            fprintf(f, md ? " %s |" : c + 1 < N_TABLE ? "  %-21s" : "  %s", buf);
        }
        fputc('\n', f);
    }
    table_notes(f, g, md);
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
        fprintf(f, ", \"missing\": %s", g->groups[i].missing ? "true" : "false");
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

/* metric[column=value], whole whatever its length, quoted as a CSV field when it holds a
 * comma, quote or line end. */
static void csv_key(FILE *f, const char *metric, const char *column, const char *value)
{
    const char *parts[5] = {metric, "[", column, "=", value};
    int quote = strpbrk(column, ",\"\r\n") != NULL || strpbrk(value, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    for (int k = 0; k < 5; k++)
        for (const char *c = parts[k]; *c != '\0'; c++) {
            if (*c == '"')
                fputc('"', f);
            fputc(*c, f);
        }
    fputs(quote ? "]\"" : "]", f);
}

void eval_groups_csv(FILE *f, const eval_groups *g)
{
    for (size_t i = 0; i < g->n; i++) {
        const st_eval *ev = &g->groups[i].ev;
        for (int m = 0; m < ST_METRIC_COUNT; m++) {
            csv_key(f, st_metric_name((st_metric)m), g->column, g->groups[i].name);
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
