/* stratum explain's output: per-row reasons and the global ranking, as text, CSV, JSON or
 * Markdown. Contributions are on the log-odds scale: positive raises the risk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* Chosen row k's contributions (the bias last). */
static const double *contrib(const st_explanation *ex, size_t k)
{
    return ex->contrib + k * (ex->n_features + 1);
}

static double log_odds(const st_explanation *ex, size_t k)
{
    double s = 0;
    for (size_t j = 0; j <= ex->n_features; j++)
        s += contrib(ex, k)[j];
    return s;
}

/* Before the log-odds of a calibrated model's row: its p is after the map, the
 * contributions and their log-odds before it ("calibrated; before calibration 0.32%, "). */
static const char *calibrated_words(const st_explanation *ex, size_t k, char *buf, size_t size)
{
    if (ex->p_uncalibrated == NULL)
        return "";
    char risk[32];
    st_report_format_risk(risk, sizeof risk, ex->p_uncalibrated[k]);
    snprintf(buf, size, "calibrated; before calibration %s, ", risk);
    return buf;
}

static const char *family(const st_explanation *ex)
{
    return ex->family == ST_MODEL_GBDT ? "gbdt" : "logreg";
}

static void md_text(FILE *f, const char *s)
{
    for (; *s; s++)
        fprintf(f, *s == '|' ? "\\|" : "%c", *s);
}

static void print_row_text(FILE *f, const st_explanation *ex, size_t i, size_t top,
                           size_t *order)
{
    const size_t nf = ex->n_features;
    const double *c = contrib(ex, i);
    char risk[32], before[80];
    st_report_format_risk(risk, sizeof risk, ex->p[i]);
    fprintf(f, "row %zu: predicted risk %s (%slog-odds %+.3g; the model's baseline, the bias, "
            "is %+.3g)\n", ex->rows[i] + 1, risk, calibrated_words(ex, i, before, sizeof before),
            log_odds(ex, i), c[nf]);
    for (int up = 1; up >= 0; up--) {
        size_t n = st_explanation_pushing(ex, i, up, top, order);
        fprintf(f, "  pushing the risk %s:%s\n", up ? "up" : "down", n ? "" : " nothing");
        for (size_t k = 0; k < n; k++) {
            size_t j = order[k];
            /* the verb carries the sign: "lowers the log-odds by 0.426", not "by -0.426" */
            fprintf(f, "    %s = %s %s the log-odds by %.3g\n", ex->labels[j],
                    ex->values[i * nf + j], up ? "raises" : "lowers", fabs(c[j]));
        }
    }
}

static void print_row_json(FILE *f, const st_explanation *ex, size_t i, size_t top,
                           size_t *order)
{
    const size_t nf = ex->n_features;
    const double *c = contrib(ex, i);
    fprintf(f, "{\"row\": %zu, \"p\": ", ex->rows[i] + 1);
    json_number(f, ex->p[i]);
    if (ex->p_uncalibrated != NULL) {
        fprintf(f, ", \"p_uncalibrated\": ");
        json_number(f, ex->p_uncalibrated[i]);
    }
    fprintf(f, ", \"log_odds\": ");
    json_number(f, log_odds(ex, i));
    fprintf(f, ", \"bias\": ");
    json_number(f, c[nf]);
    for (int up = 1; up >= 0; up--) {
        size_t n = st_explanation_pushing(ex, i, up, top, order);
        fprintf(f, ", \"%s\": [", up ? "up" : "down");
        for (size_t k = 0; k < n; k++) {
            fprintf(f, "%s{\"feature\": ", k ? ", " : "");
            json_string(f, ex->labels[order[k]]);
            fprintf(f, ", \"value\": ");
            json_string(f, ex->values[i * nf + order[k]]);
            fprintf(f, ", \"contribution\": ");
            json_number(f, c[order[k]]);
            fputc('}', f);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

void explain_print_rows(FILE *f, const st_explanation *ex, size_t top, cli_format format)
{
    const size_t nf = ex->n_features;
    size_t *order = malloc((nf ? nf : 1) * sizeof *order);
    if (order == NULL)
        return;
    if (format == FORMAT_CSV)
        fprintf(f, "row,p,%slog_odds,bias,direction,rank,feature,value,contribution\n",
                ex->p_uncalibrated != NULL ? "p_uncalibrated," : "");
    if (format == FORMAT_JSON)
        fprintf(f, "{\"family\": \"%s\", \"rows\": [", family(ex));
    for (size_t i = 0; i < ex->n_rows; i++) {
        const double *c = contrib(ex, i);
        if (format == FORMAT_TEXT) {
            fputs(i ? "\n" : "", f);
            print_row_text(f, ex, i, top, order);
            continue;
        }
        if (format == FORMAT_JSON) {
            fputs(i ? ", " : "", f);
            print_row_json(f, ex, i, top, order);
            continue;
        }
        char risk[32], before[80];
        st_report_format_risk(risk, sizeof risk, ex->p[i]);
        if (format == FORMAT_MARKDOWN)
            fprintf(f, "%s### Row %zu: predicted risk %s (%slog-odds %+.3g, bias %+.3g)\n\n"
                    "| direction | feature | value | contribution |\n|---|---|---|---:|\n",
                    i ? "\n" : "", ex->rows[i] + 1, risk,
                    calibrated_words(ex, i, before, sizeof before), log_odds(ex, i), c[nf]);
        for (int up = 1; up >= 0; up--) {
            size_t n = st_explanation_pushing(ex, i, up, top, order);
            for (size_t k = 0; k < n; k++) {
                size_t j = order[k];
                if (format == FORMAT_MARKDOWN) {
                    fprintf(f, "| %s | ", up ? "up" : "down");
                    md_text(f, ex->labels[j]);
                    fputs(" | ", f);
                    md_text(f, ex->values[i * nf + j]);
                    fprintf(f, " | %+.4g |\n", c[j]);
                    continue;
                }
                fprintf(f, "%zu,%.17g,", ex->rows[i] + 1, ex->p[i]);
                if (ex->p_uncalibrated != NULL)
                    fprintf(f, "%.17g,", ex->p_uncalibrated[i]);
                fprintf(f, "%.17g,%.17g,%s,%zu,", log_odds(ex, i), c[nf], up ? "up" : "down",
                        k + 1);
                csv_field(f, ex->labels[j]);
                fputc(',', f);
                csv_field(f, ex->values[i * nf + j]);
                fprintf(f, ",%.17g\n", c[j]);
            }
        }
    }
    if (format == FORMAT_JSON)
        fputs("]}\n", f);
    free(order);
}

/* The family's own importance columns: names and value of feature j. */
static size_t own_columns(const st_explanation *g, const char **names)
{
    if (g->split != NULL) {
        names[0] = "split", names[1] = "gain";
        return 2;
    }
    names[0] = "abs_std_coef";
    return 1;
}

/* A mean for display: what is below display precision shows as 0, not as -3e-17 (on the
 * training data a logistic regression's mean contributions are 0 up to rounding). */
static double shown_mean(double v) { return fabs(v) < 5e-4 ? 0 : v; }

static double own_value(const st_explanation *g, size_t c, size_t j)
{
    return g->split != NULL ? (c == 0 ? g->split[j] : g->gain[j]) : g->std_coef[j];
}

void explain_print_global(FILE *f, const st_explanation *g, size_t top, cli_format format,
                          const char *data_path)
{
    const size_t nf = g->n_features;
    size_t *order = malloc((nf ? nf : 1) * sizeof *order);
    if (order == NULL)
        return;
    st_explanation_ranking(g, order);
    double total = 0;
    for (size_t j = 0; j < nf; j++)
        total += g->mean_abs[j];
    const char *own[2];
    size_t n_own = own_columns(g, own), shown = top > 0 && top < nf ? top : nf;
    if (format == FORMAT_TEXT) {
        fprintf(f, "Features of the %s model ranked by mean |contribution| to the log-odds over "
                "the %zu rows of %s\n", family(g), g->n_global_rows, data_path);
        fprintf(f, "(share: of the summed mean |contribution|; mean: the signed mean; %s)\n\n",
                g->split != NULL ? "split: splits on the feature, gain: their total gain"
                                 : "|std coef|: largest |coefficient x training SD| of its "
                                   "columns");
        int width = 7;
        for (size_t j = 0; j < nf; j++) {
            int len = cli_text_width(g->labels[j]);
            width = len > width ? len : width;
        }
        fprintf(f, "%4s  %-*s  %15s  %6s  %10s", "rank", width, "feature", "mean |contrib|",
                "share", "mean");
        if (g->split != NULL)
            fprintf(f, "  %8s  %12s\n", "split", "gain");
        else
            fprintf(f, "  %10s\n", "|std coef|");
        for (size_t k = 0; k < shown; k++) {
            size_t j = order[k];
            fprintf(f, "%4zu  ", k + 1);
            cli_put_padded(f, g->labels[j], width);
            fprintf(f, "  %15.4g  %5.1f%%  %+10.3f", g->mean_abs[j],
                    total > 0 ? 100 * g->mean_abs[j] / total : 0, shown_mean(g->mean[j]));
            if (g->split != NULL)
                fprintf(f, "  %8.0f  %12.4g\n", g->split[j], g->gain[j]);
            else
                fprintf(f, "  %10.4g\n", g->std_coef[j]);
        }
        if (shown < nf)
            fprintf(f, "(%zu more; --top 0 lists every feature)\n", nf - shown);
    } else if (format == FORMAT_CSV) {
        fputs("rank,feature,mean_abs_contrib,share,mean_contrib", f);
        for (size_t c = 0; c < n_own; c++)
            fprintf(f, ",%s", own[c]);
        fputc('\n', f);
        for (size_t k = 0; k < shown; k++) {
            size_t j = order[k];
            fprintf(f, "%zu,", k + 1);
            csv_field(f, g->labels[j]);
            fprintf(f, ",%.17g,%.17g,%.17g", g->mean_abs[j],
                    total > 0 ? g->mean_abs[j] / total : 0, g->mean[j]);
            for (size_t c = 0; c < n_own; c++)
                fprintf(f, ",%.17g", own_value(g, c, j));
            fputc('\n', f);
        }
    } else if (format == FORMAT_JSON) {
        fprintf(f, "{\"family\": \"%s\", \"n_rows\": %zu, \"features\": [", family(g),
                g->n_global_rows);
        for (size_t k = 0; k < shown; k++) {
            size_t j = order[k];
            fprintf(f, "%s{\"rank\": %zu, \"feature\": ", k ? ", " : "", k + 1);
            json_string(f, g->labels[j]);
            fprintf(f, ", \"mean_abs_contrib\": ");
            json_number(f, g->mean_abs[j]);
            fprintf(f, ", \"share\": ");
            json_number(f, total > 0 ? g->mean_abs[j] / total : 0);
            fprintf(f, ", \"mean_contrib\": ");
            json_number(f, g->mean[j]);
            for (size_t c = 0; c < n_own; c++) {
                fprintf(f, ", \"%s\": ", own[c]);
                json_number(f, own_value(g, c, j));
            }
            fputc('}', f);
        }
        fputs("]}\n", f);
    } else {
        fprintf(f, "| rank | feature | mean \\|contribution\\| | share | mean |%s\n"
                "|---:|---|---:|---:|---:|%s\n",
                g->split != NULL ? " split | gain |" : " \\|std coef\\| |",
                g->split != NULL ? "---:|---:|" : "---:|");
        for (size_t k = 0; k < shown; k++) {
            size_t j = order[k];
            fprintf(f, "| %zu | ", k + 1);
            md_text(f, g->labels[j]);
            fprintf(f, " | %.4g | %.1f%% | %+.3f |", g->mean_abs[j],
                    total > 0 ? 100 * g->mean_abs[j] / total : 0, shown_mean(g->mean[j]));
            for (size_t c = 0; c < n_own; c++)
                fprintf(f, " %.4g |", own_value(g, c, j));
            fputc('\n', f);
        }
    }
    free(order);
}
