/* stratum explain's output: per-row reasons and the global ranking, as text, CSV, JSON or
 * Markdown. Contributions are on the log-odds scale: positive raises the risk. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

typedef struct keyed {
    double key;
    size_t index;
} keyed;

static int by_key_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

void explain_rank(const double *key, size_t n, size_t *order)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (k == NULL) { /* unsorted rather than nothing */
        for (size_t j = 0; j < n; j++)
            order[j] = j;
        return;
    }
    for (size_t j = 0; j < n; j++)
        k[j].key = isnan(key[j]) ? -INFINITY : key[j], k[j].index = j;
    qsort(k, n, sizeof *k, by_key_desc);
    for (size_t j = 0; j < n; j++)
        order[j] = k[j].index;
    free(k);
}

/* The row's features pushing up (dir +1: positive contributions, largest first) or down
 * (-1: negative ones, most negative first), at most top of them; returns how many. */
static size_t pushing(const explain_row *r, size_t nf, int dir, size_t top, size_t *order)
{
    double *key = calloc(nf ? nf : 1, sizeof *key);
    size_t *all = malloc((nf ? nf : 1) * sizeof *all), n = 0;
    if (key == NULL || all == NULL) {
        free(key), free(all);
        return 0;
    }
    for (size_t j = 0; j < nf; j++)
        key[j] = dir * r->contrib[j];
    explain_rank(key, nf, all);
    while (n < nf && n < top && key[all[n]] > 0) {
        order[n] = all[n];
        n++;
    }
    free(key), free(all);
    return n;
}

static double log_odds(const explain_row *r, size_t nf)
{
    double s = 0;
    for (size_t j = 0; j <= nf; j++)
        s += r->contrib[j];
    return s;
}

static void md_text(FILE *f, const char *s)
{
    for (; *s; s++)
        fprintf(f, *s == '|' ? "\\|" : "%c", *s);
}

static void print_row_text(FILE *f, const cli_model *m, const explain_row *r, size_t top,
                           size_t *order)
{
    const size_t nf = m->n_features;
    char risk[32];
    cli_risk_text(r->p, risk, sizeof risk);
    fprintf(f, "row %zu: predicted risk %s (log-odds %+.3g; the model's baseline, the bias, "
            "is %+.3g)\n", r->row + 1, risk, log_odds(r, nf), r->contrib[nf]);
    for (int dir = 1; dir >= -1; dir -= 2) {
        size_t n = pushing(r, nf, dir, top, order);
        fprintf(f, "  pushing the risk %s:%s\n", dir > 0 ? "up" : "down", n ? "" : " nothing");
        for (size_t k = 0; k < n; k++) {
            size_t j = order[k];
            /* the verb carries the sign: "lowers the log-odds by 0.426", not "by -0.426" */
            fprintf(f, "    %s = %s %s the log-odds by %.3g\n", cli_model_feature_name(m, j),
                    r->values[j], dir > 0 ? "raises" : "lowers", fabs(r->contrib[j]));
        }
    }
}

static void print_row_json(FILE *f, const cli_model *m, const explain_row *r, size_t top,
                           size_t *order)
{
    const size_t nf = m->n_features;
    fprintf(f, "{\"row\": %zu, \"p\": ", r->row + 1);
    json_number(f, r->p);
    fprintf(f, ", \"log_odds\": ");
    json_number(f, log_odds(r, nf));
    fprintf(f, ", \"bias\": ");
    json_number(f, r->contrib[nf]);
    for (int dir = 1; dir >= -1; dir -= 2) {
        size_t n = pushing(r, nf, dir, top, order);
        fprintf(f, ", \"%s\": [", dir > 0 ? "up" : "down");
        for (size_t k = 0; k < n; k++) {
            fprintf(f, "%s{\"feature\": ", k ? ", " : "");
            json_string(f, cli_model_feature_name(m, order[k]));
            fprintf(f, ", \"value\": ");
            json_string(f, r->values[order[k]]);
            fprintf(f, ", \"contribution\": ");
            json_number(f, r->contrib[order[k]]);
            fputc('}', f);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

void explain_print_rows(FILE *f, const cli_model *m, const explain_row *rows, size_t n_rows,
                        size_t top, cli_format format)
{
    const size_t nf = m->n_features;
    size_t *order = malloc((nf ? nf : 1) * sizeof *order);
    if (order == NULL)
        return;
    if (format == FORMAT_CSV)
        fputs("row,p,log_odds,bias,direction,rank,feature,value,contribution\n", f);
    if (format == FORMAT_JSON)
        fprintf(f, "{\"family\": \"%s\", \"rows\": [", cli_model_family(m));
    for (size_t i = 0; i < n_rows; i++) {
        const explain_row *r = &rows[i];
        if (format == FORMAT_TEXT) {
            fputs(i ? "\n" : "", f);
            print_row_text(f, m, r, top, order);
            continue;
        }
        if (format == FORMAT_JSON) {
            fputs(i ? ", " : "", f);
            print_row_json(f, m, r, top, order);
            continue;
        }
        char risk[32];
        cli_risk_text(r->p, risk, sizeof risk);
        if (format == FORMAT_MARKDOWN)
            fprintf(f, "%s### Row %zu: predicted risk %s (log-odds %+.3g, bias %+.3g)\n\n"
                    "| direction | feature | value | contribution |\n|---|---|---|---:|\n",
                    i ? "\n" : "", r->row + 1, risk, log_odds(r, nf), r->contrib[nf]);
        for (int dir = 1; dir >= -1; dir -= 2) {
            size_t n = pushing(r, nf, dir, top, order);
            for (size_t k = 0; k < n; k++) {
                size_t j = order[k];
                if (format == FORMAT_MARKDOWN) {
                    fprintf(f, "| %s | ", dir > 0 ? "up" : "down");
                    md_text(f, cli_model_feature_name(m, j));
                    fputs(" | ", f);
                    md_text(f, r->values[j]);
                    fprintf(f, " | %+.4g |\n", r->contrib[j]);
                    continue;
                }
                fprintf(f, "%zu,%.17g,%.17g,%.17g,%s,%zu,", r->row + 1, r->p, log_odds(r, nf),
                        r->contrib[nf], dir > 0 ? "up" : "down", k + 1);
                csv_field(f, cli_model_feature_name(m, j));
                fputc(',', f);
                csv_field(f, r->values[j]);
                fprintf(f, ",%.17g\n", r->contrib[j]);
            }
        }
    }
    if (format == FORMAT_JSON)
        fputs("]}\n", f);
    free(order);
}

/* The family's own importance columns: names and value of feature j. */
static size_t own_columns(const explain_global *g, const char **names)
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

static double own_value(const explain_global *g, size_t c, size_t j)
{
    return g->split != NULL ? (c == 0 ? g->split[j] : g->gain[j]) : g->std_coef[j];
}

void explain_print_global(FILE *f, const cli_model *m, const explain_global *g, size_t top,
                          cli_format format, const char *data_path)
{
    const size_t nf = m->n_features;
    size_t *order = malloc((nf ? nf : 1) * sizeof *order);
    if (order == NULL)
        return;
    explain_rank(g->mean_abs, nf, order);
    double total = 0;
    for (size_t j = 0; j < nf; j++)
        total += g->mean_abs[j];
    const char *own[2];
    size_t n_own = own_columns(g, own), shown = top > 0 && top < nf ? top : nf;
    if (format == FORMAT_TEXT) {
        fprintf(f, "Features of the %s model ranked by mean |contribution| to the log-odds over "
                "the %zu rows of %s\n", cli_model_family(m), g->n_rows, data_path);
        fprintf(f, "(share: of the summed mean |contribution|; mean: the signed mean; %s)\n\n",
                g->split != NULL ? "split: splits on the feature, gain: their total gain"
                                 : "|std coef|: largest |coefficient x training SD| of its "
                                   "columns");
        int width = 7;
        for (size_t j = 0; j < nf; j++) {
            int len = (int)strlen(cli_model_feature_name(m, j));
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
            fprintf(f, "%4zu  %-*s  %15.4g  %5.1f%%  %+10.3f", k + 1, width,
                    cli_model_feature_name(m, j), g->mean_abs[j],
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
            csv_field(f, cli_model_feature_name(m, j));
            fprintf(f, ",%.17g,%.17g,%.17g", g->mean_abs[j],
                    total > 0 ? g->mean_abs[j] / total : 0, g->mean[j]);
            for (size_t c = 0; c < n_own; c++)
                fprintf(f, ",%.17g", own_value(g, c, j));
            fputc('\n', f);
        }
    } else if (format == FORMAT_JSON) {
        fprintf(f, "{\"family\": \"%s\", \"n_rows\": %zu, \"features\": [", cli_model_family(m),
                g->n_rows);
        for (size_t k = 0; k < shown; k++) {
            size_t j = order[k];
            fprintf(f, "%s{\"rank\": %zu, \"feature\": ", k ? ", " : "", k + 1);
            json_string(f, cli_model_feature_name(m, j));
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
            md_text(f, cli_model_feature_name(m, j));
            fprintf(f, " | %.4g | %.1f%% | %+.3f |", g->mean_abs[j],
                    total > 0 ? 100 * g->mean_abs[j] / total : 0, shown_mean(g->mean[j]));
            for (size_t c = 0; c < n_own; c++)
                fprintf(f, " %.4g |", own_value(g, c, j));
            fputc('\n', f);
        }
    }
    free(order);
}
