/* Writers for the report of `stratum evaluate`: text, JSON, CSV and markdown. */
#include <math.h>
#include <string.h>

#include "evaluate_output.h"

static int has_ci(const eval_report *r, int m)
{
    return r->ev->n_bootstrap > 0 && !isnan(r->ev->ci_low[m]);
}

static const char *rule_text(const eval_report *r, char *buf, size_t size)
{
    const st_eval_params *p = r->prm;
    if (r->from_model != NULL) {
        snprintf(buf, size, "%s", r->from_model);
        return buf;
    }
    switch (p->rule) {
    case ST_THRESHOLD_FIXED: snprintf(buf, size, "fixed"); break;
    case ST_THRESHOLD_MAX_F1: snprintf(buf, size, "max F1"); break;
    case ST_THRESHOLD_MAX_FBETA: snprintf(buf, size, "max F-beta, beta %g", p->beta); break;
    case ST_THRESHOLD_YOUDEN: snprintf(buf, size, "max Youden's J"); break;
    case ST_THRESHOLD_MIN_RECALL:
        snprintf(buf, size, "highest with recall >= %g", p->min_recall);
        break;
    case ST_THRESHOLD_MIN_PRECISION:
        snprintf(buf, size, "lowest with precision >= %g", p->min_precision);
        break;
    }
    return buf;
}

/* Why metric m of r is undefined, when the counts tell: NULL otherwise. */
static const char *undefined_reason(const eval_report *r, int m)
{
    const st_eval *ev = r->ev;
    if (ev->n_positive == 0 || ev->n_negative == 0)
        return "only one class";
    if (!(ev->weight_positive > 0) || !(ev->weight_negative > 0)) /* (before the counts
                                                                      below, which weigh) */
        return ev->weight_positive > 0 ? "the negative rows' weights sum to 0"
               : ev->weight_negative > 0 ? "the positive rows' weights sum to 0"
                                         : "every weight is 0";
    if (isnan(ev->threshold) && m >= ST_METRIC_PRECISION && m <= ST_METRIC_MCC)
        return "no threshold meets the rule";
    if (m == ST_METRIC_PRECISION && ev->confusion.tp + ev->confusion.fp == 0)
        return "nothing predicted positive";
    if (m == ST_METRIC_NPV && ev->confusion.tn + ev->confusion.fn == 0)
        return "nothing predicted negative";
    if (r->n_outside > 0 && (m == ST_METRIC_LOG_LOSS || m == ST_METRIC_BRIER ||
                             m == ST_METRIC_CALIBRATION_INTERCEPT ||
                             m == ST_METRIC_CALIBRATION_SLOPE ||
                             m == ST_METRIC_CALIBRATION_IN_THE_LARGE))
        return "scores outside [0, 1]";
    if ((m == ST_METRIC_CALIBRATION_INTERCEPT || m == ST_METRIC_CALIBRATION_SLOPE) &&
        (ev->value[ST_METRIC_ROC_AUC] == 1 || ev->value[ST_METRIC_ROC_AUC] == 0))
        return "the scores separate the classes"; /* the fit's likelihood has no maximum */
    return NULL;
}

/* "undefined (only one class)", or "undefined" when the reason is not plain. */
static void undefined_text(char *buf, size_t size, const eval_report *r, int m)
{
    const char *why = undefined_reason(r, m);
    if (why != NULL)
        snprintf(buf, size, "undefined (%s)", why);
    else
        snprintf(buf, size, "undefined");
}

static void text_value(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "undefined");
    else
        snprintf(buf, size, "%.4f", v);
}

static void text_ci(char *buf, size_t size, double lo, double hi)
{
    if (isnan(lo))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.4f - %.4f", lo, hi);
}

static void write_header_lines(FILE *f, const eval_report *r, const char *prefix)
{
    const st_eval *ev = r->ev;
    char rule[128];
    if (r->scores_path != NULL)
        fprintf(f, "%sscores     %s (column %s)\n", prefix, r->scores_path, r->score_col);
    else
        fprintf(f, "%smodel      %s (%s) on %s\n", prefix, r->model_path, r->model_kind,
                r->data_path);
    fprintf(f, "%srows       %zu (%zu positive, %zu negative)\n", prefix, ev->n_rows,
            ev->n_positive, ev->n_negative);
    if (r->weighted)
        fprintf(f, "%sweights    %.6g positive, %.6g negative\n", prefix, ev->weight_positive,
                ev->weight_negative);
    if (isnan(ev->threshold))
        fprintf(f, "%sthreshold  none meets the rule (%s)\n", prefix,
                rule_text(r, rule, sizeof rule));
    else
        fprintf(f, "%sthreshold  %.6g (%s); positive when score >= threshold\n", prefix,
                ev->threshold, rule_text(r, rule, sizeof rule));
    if (ev->n_bootstrap > 0) {
        fprintf(f, "%sCIs        95%%, %d %sbootstrap resamples, seed %llu\n", prefix,
                ev->n_bootstrap, r->prm->stratified ? "stratified " : "", r->prm->seed);
        /* a bootstrap redraws a class of a few rows from those few: with one positive every
           resample that has it has only it, and an interval of width 0 is no certainty */
        const size_t few = ev->n_positive < ev->n_negative ? ev->n_positive : ev->n_negative;
        if (few > 0 && few < EVAL_FEW_FOR_INTERVALS)
            fprintf(f, "%s           (only %zu %s row%s: the intervals understate the "
                    "uncertainty, down to width 0)\n", prefix, few,
                    few == ev->n_positive ? "positive" : "negative", few == 1 ? "" : "s");
    } else
        fprintf(f, "%sCIs        none (--bootstrap 0)\n", prefix);
}

int eval_overlap_note(const eval_report *r, char *buf, size_t size)
{
    char what[256];
    if (!cli_overlap_note(r->overlap, what, sizeof what)) {
        buf[0] = '\0';
        return 0;
    }
    snprintf(buf, size, "note: %s: the metrics below are optimistic; evaluate on held-out "
             "data", what);
    return 1;
}

/* A line under the table naming the intervals of width 0 (st_eval_zero_width_note). */
static void write_zero_width_note(FILE *f, const eval_report *r)
{
    char note[1024];
    if (st_eval_zero_width_note(r->ev, r->prm->stratified, note, sizeof note) > 0)
        fprintf(f, "\nnote: %s\n", note);
}

void eval_write_text(FILE *f, const eval_report *r)
{
    const st_eval *ev = r->ev;
    char v[32], ci[48], note[400];
    write_header_lines(f, r, "");
    if (eval_overlap_note(r, note, sizeof note))
        fprintf(f, "\n%s\n", note);
    fprintf(f, "\n%-28s %-10s %s\n", "metric", "value", "95% CI");
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        char name[64];
        if (m == ST_METRIC_FBETA)
            snprintf(name, sizeof name, "F-beta (beta %g)", r->prm->beta);
        else
            snprintf(name, sizeof name, "%s", st_metric_label((st_metric)m));
        if (isnan(ev->value[m])) { /* no interval for an undefined value */
            char why[64];
            undefined_text(why, sizeof why, r, m);
            fprintf(f, "%-28s %s\n", name, why);
            continue;
        }
        text_value(v, sizeof v, ev->value[m]);
        text_ci(ci, sizeof ci, has_ci(r, m) ? ev->ci_low[m] : NAN, ev->ci_high[m]);
        fprintf(f, "%-28s %-10s %s\n", name, v, ci);
        if (m == ST_METRIC_ROC_AUC && !isnan(ev->delong_variance)) {
            text_ci(ci, sizeof ci, ev->delong_low, ev->delong_high);
            fprintf(f, "%-28s %-10s %s\n", "  ROC-AUC, DeLong", "", ci);
        }
    }
    write_zero_width_note(f, r);
    if (isnan(ev->threshold)) {
        fprintf(f, "\nconfusion matrix: none, as no threshold meets the rule\n");
    } else {
        fprintf(f, "\nconfusion matrix (weighted counts)\n");
        fprintf(f, "%-12s %14s %14s\n", "", "predicted 1", "predicted 0");
        fprintf(f, "%-12s %14.6g %14.6g\n", "actual 1", ev->confusion.tp, ev->confusion.fn);
        fprintf(f, "%-12s %14.6g %14.6g\n", "actual 0", ev->confusion.fp, ev->confusion.tn);
    }
    if (ev->calibration[0].n_rows == 0)
        return;
    fprintf(f, "\ncalibration (%d bins of equal row count, ascending score)\n",
            ST_CALIBRATION_BINS);
    fprintf(f, "%-4s %8s %23s %15s %10s\n", "bin", "rows", "score range", "mean predicted",
            "observed");
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        const st_calibration_bin *c = &ev->calibration[b];
        char mp[32], ob[32];
        text_value(mp, sizeof mp, c->mean_predicted);
        text_value(ob, sizeof ob, c->observed);
        fprintf(f, "%-4d %8zu %11.4g - %-9.4g %15s %10s\n", b + 1, c->n_rows, c->score_min,
                c->score_max, mp, ob);
    }
}

void eval_write_json(FILE *f, const eval_report *r)
{
    const st_eval *ev = r->ev;
    const st_eval_params *p = r->prm;
    fputs("{\n  \"schema\": \"stratum-evaluate 1\",\n  \"source\": {", f);
    if (r->scores_path != NULL) {
        fputs("\"scores\": ", f);
        json_string(f, r->scores_path);
        fputs(", \"score_col\": ", f);
        json_string(f, r->score_col);
    } else {
        fputs("\"model\": ", f);
        json_string(f, r->model_path);
        fputs(", \"model_kind\": ", f);
        json_string(f, r->model_kind);
        fputs(", \"data\": ", f);
        json_string(f, r->data_path);
    }
    fprintf(f, "},\n  \"rows\": %zu, \"n_positive\": %zu, \"n_negative\": %zu, ", ev->n_rows,
            ev->n_positive, ev->n_negative);
    fprintf(f, "\"weighted\": %s,\n  ", r->weighted ? "true" : "false");
    eval_json_key_number(f, "weight_positive", ev->weight_positive, ", ");
    eval_json_key_number(f, "weight_negative", ev->weight_negative, ",\n");
    fprintf(f, "  \"threshold\": {\"rule\": \"%s\", ", r->rule);
    eval_json_key_number(f, "value", ev->threshold, ", ");
    eval_json_key_number(f, "beta", p->beta, ", ");
    eval_json_key_number(f, "min_recall", p->min_recall, ", ");
    eval_json_key_number(f, "min_precision", p->min_precision, ", ");
    fprintf(f, "\"from_model\": %s},\n", r->from_model != NULL ? "true" : "false");
    if (r->model_path != NULL) {
        fputs("  \"training_rows\": ", f);
        cli_overlap_json(f, r->overlap);
        fputs(",\n", f);
    }
    fprintf(f, "  \"bootstrap\": {\"resamples\": %d, \"seed\": %llu, \"level\": 0.95, "
            "\"stratified\": %s},\n", ev->n_bootstrap, p->seed, p->stratified ? "true" : "false");
    fputs("  \"metrics\": ", f);
    eval_json_metrics(f, ev, "  ");
    fputs(",\n  \"delong\": {", f);
    eval_json_key_number(f, "variance", ev->delong_variance, ", ");
    eval_json_key_number(f, "se", sqrt(ev->delong_variance), ", ");
    eval_json_key_number(f, "ci_low", ev->delong_low, ", ");
    eval_json_key_number(f, "ci_high", ev->delong_high, "},\n");
    fputs("  \"confusion\": {", f);
    eval_json_key_number(f, "tp", ev->confusion.tp, ", ");
    eval_json_key_number(f, "fp", ev->confusion.fp, ", ");
    eval_json_key_number(f, "tn", ev->confusion.tn, ", ");
    eval_json_key_number(f, "fn", ev->confusion.fn, "},\n");
    if (r->groups != NULL)
        eval_groups_json(f, r->groups);
    fputs("  \"calibration\": [", f);
    int first = 1;
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        const st_calibration_bin *c = &ev->calibration[b];
        if (c->n_rows == 0)
            continue;
        fprintf(f, "%s\n    {\"bin\": %d, \"rows\": %zu, ", first ? "" : ",", b + 1, c->n_rows);
        eval_json_key_number(f, "weight", c->weight, ", ");
        eval_json_key_number(f, "score_min", c->score_min, ", ");
        eval_json_key_number(f, "score_max", c->score_max, ", ");
        eval_json_key_number(f, "mean_predicted", c->mean_predicted, ", ");
        eval_json_key_number(f, "observed", c->observed, "}");
        first = 0;
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", f);
}

/* CSV and markdown cells: %.17g for CSV (exact), %.4f for markdown; empty when undefined. */
static void cell(FILE *f, cli_format fmt, double v)
{
    if (isnan(v))
        fputs(fmt == FORMAT_CSV ? "" : "undefined", f);
    else if (fmt == FORMAT_CSV)
        fprintf(f, "%.17g", v);
    else
        fprintf(f, "%.4f", v);
}

/* undefined: the markdown text of an undefined v (NULL: "undefined") */
static void table_row(FILE *f, cli_format fmt, const char *name, double v, double lo, double hi,
                      const char *undefined)
{
    const char *sep = fmt == FORMAT_CSV ? "," : " | ";
    fputs(fmt == FORMAT_CSV ? "" : "| ", f);
    fputs(name, f);
    fputs(sep, f);
    if (fmt == FORMAT_MARKDOWN && isnan(v) && undefined != NULL)
        fputs(undefined, f);
    else
        cell(f, fmt, v);
    fputs(sep, f);
    if (fmt == FORMAT_MARKDOWN && (isnan(lo) || isnan(v))) {
        fputs("-", f);
    } else {
        cell(f, fmt, lo);
        fputs(fmt == FORMAT_CSV ? "," : " - ", f);
        cell(f, fmt, hi);
    }
    fputs(fmt == FORMAT_CSV ? "\n" : " |\n", f);
}

static void metric_rows(FILE *f, cli_format fmt, const eval_report *r)
{
    const st_eval *ev = r->ev;
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        const char *name = fmt == FORMAT_CSV ? st_metric_name((st_metric)m)
                                             : st_metric_label((st_metric)m);
        char why[64];
        undefined_text(why, sizeof why, r, m);
        table_row(f, fmt, name, ev->value[m], ev->ci_low[m], ev->ci_high[m], why);
        if (m == ST_METRIC_ROC_AUC)
            table_row(f, fmt, fmt == FORMAT_CSV ? "roc_auc_delong" : "ROC-AUC, DeLong CI",
                      isnan(ev->delong_variance) ? NAN : ev->value[m], ev->delong_low,
                      ev->delong_high, NULL);
    }
}

void eval_write_csv(FILE *f, const eval_report *r)
{
    const st_eval *ev = r->ev;
    char note[400];
    if (eval_overlap_note(r, note, sizeof note)) /* a CSV table has no room for it */
        fprintf(stderr, "stratum: %s\n", note);
    fputs("metric,value,ci_low,ci_high\n", f);
    metric_rows(f, FORMAT_CSV, r);
    table_row(f, FORMAT_CSV, "threshold", ev->threshold, NAN, NAN, NULL);
    table_row(f, FORMAT_CSV, "tp", ev->confusion.tp, NAN, NAN, NULL);
    table_row(f, FORMAT_CSV, "fp", ev->confusion.fp, NAN, NAN, NULL);
    table_row(f, FORMAT_CSV, "tn", ev->confusion.tn, NAN, NAN, NULL);
    table_row(f, FORMAT_CSV, "fn", ev->confusion.fn, NAN, NAN, NULL);
}

void eval_write_markdown(FILE *f, const eval_report *r)
{
    const st_eval *ev = r->ev;
    char note[400];
    write_header_lines(f, r, "    ");
    if (eval_overlap_note(r, note, sizeof note))
        fprintf(f, "\n%s\n", note);
    fputs("\n| metric | value | 95% CI |\n|---|---:|---:|\n", f);
    metric_rows(f, FORMAT_MARKDOWN, r);
    if (isnan(ev->threshold)) {
        fputs("\nconfusion matrix: none, as no threshold meets the rule\n", f);
    } else {
        fputs("\n| | predicted 1 | predicted 0 |\n|---|---:|---:|\n", f);
        fprintf(f, "| actual 1 | %.6g | %.6g |\n", ev->confusion.tp, ev->confusion.fn);
        fprintf(f, "| actual 0 | %.6g | %.6g |\n", ev->confusion.fp, ev->confusion.tn);
    }
    if (ev->calibration[0].n_rows == 0)
        return;
    fputs("\n| bin | rows | score range | mean predicted | observed |\n"
          "|---:|---:|---:|---:|---:|\n", f);
    for (int b = 0; b < ST_CALIBRATION_BINS; b++) {
        const st_calibration_bin *c = &ev->calibration[b];
        fprintf(f, "| %d | %zu | %.4g - %.4g | ", b + 1, c->n_rows, c->score_min, c->score_max);
        cell(f, FORMAT_MARKDOWN, c->mean_predicted);
        fputs(" | ", f);
        cell(f, FORMAT_MARKDOWN, c->observed);
        fputs(" |\n", f);
    }
}
