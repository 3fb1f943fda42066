/* stratum train's coefficient table: values and, when the model has them, Wald statistics
 * (standard error, z, p-value, 95% interval, odds ratio with its interval). Values are on
 * the original scale; rows come largest first on the standardised scale, |coefficient x
 * the column's training SD| (the log-odds per SD, which compares features of different
 * units; as explain ranks them), ties in column order so output is deterministic; a model
 * file without the SDs (saved before they were stored) is sorted by |coefficient|. Text
 * output shows at most the CLI_TOP_COEFS largest unless asked for all. */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "cli_text.h"

#define CLI_TOP_COEFS 30

static const char *const stat_names[] = {"se", "z", "p_value", "ci_low", "ci_high",
                                         "odds_ratio", "or_low", "or_high"};
#define N_STATS (sizeof stat_names / sizeof stat_names[0])

static void stat_values(const st_logreg_coef_stat *s, double v[N_STATS])
{
    v[0] = s->se, v[1] = s->z, v[2] = s->p_value, v[3] = s->ci_low, v[4] = s->ci_high;
    v[5] = s->odds_ratio, v[6] = s->or_low, v[7] = s->or_high;
}

static void csv_name(FILE *out, const char *name)
{
    fputc('"', out); /* quoted, since a feature name may hold a comma */
    for (const char *c = name; *c; c++)
        fprintf(out, *c == '"' ? "\"\"" : "%c", *c);
    fputc('"', out);
}

/* One row: name k (-1 for the intercept), its value and, with st, its statistics. */
static void print_row(FILE *out, const st_logreg *m, long k, const st_logreg_coef_stat *st,
                      cli_format format, int width)
{
    const char *name = k < 0 ? "(intercept)"
                       : format == FORMAT_TEXT || format == FORMAT_MARKDOWN
                           ? cli_text_coef_label(m, (size_t)k) /* hashed terms by their words */
                           : st_logreg_coef_name(m, (size_t)k);
    double value = k < 0 ? st_logreg_intercept(m) : st_logreg_coefs(m)[k], v[N_STATS];
    if (st != NULL)
        stat_values(&st[k + 1], v);
    switch (format) {
    case FORMAT_JSON:
        fprintf(out, "{\"name\": ");
        json_string(out, name);
        fprintf(out, ", \"value\": ");
        json_number(out, value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++) {
            fprintf(out, ", \"%s\": ", stat_names[q]);
            json_number(out, v[q]);
        }
        fprintf(out, "}");
        break;
    case FORMAT_CSV:
        if (k < 0)
            fprintf(out, "%s", name);
        else
            csv_name(out, name);
        fprintf(out, ",%.17g", value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, ",%.17g", v[q]);
        fprintf(out, "\n");
        break;
    case FORMAT_MARKDOWN:
        fprintf(out, "| %s | %.6g |", name, value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, " %.4g |", v[q]);
        fprintf(out, "\n");
        break;
    default:
        cli_put_padded(out, name, width);
        fprintf(out, " %11.4g", value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, " %11.4g", v[q]);
        fprintf(out, "\n");
    }
}

static void print_header(FILE *out, const st_logreg_coef_stat *st, cli_format format, int width)
{
    switch (format) {
    case FORMAT_JSON:
        break;
    case FORMAT_CSV:
        fprintf(out, "name,coefficient");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, ",%s", stat_names[q]);
        fprintf(out, "\n");
        break;
    case FORMAT_MARKDOWN:
        fprintf(out, "| coefficient | value |");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, " %s |", stat_names[q]);
        fprintf(out, "\n|---|--:|");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, "--:|");
        fprintf(out, "\n");
        break;
    default:
        fprintf(out, "%-*s %11s", width, "coefficient", "value");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            fprintf(out, " %11s", stat_names[q]);
        fprintf(out, "\n");
    }
}

/* The sort key of a coefficient of size |value| (NaN: -1, last): larger sizes get smaller
 * keys, so ascending keys are the order; non-negative doubles order as their bits. */
static uint64_t size_key(double size)
{
    uint64_t bits;
    memcpy(&bits, &size, sizeof bits);
    return isnan(size) ? UINT64_MAX : ~(bits + 1);
}

/* The coefficients' order, largest first, ties by index (see the top of this file);
 * *standardised says which scale ranked them. A stable radix sort of the keys, 11 bits a
 * pass (the order qsort by size then index gives, at a fraction of its time for 50,000
 * coefficients). NULL when out of memory. */
static size_t *coef_order(const st_logreg *m, int *standardised)
{
    enum { BITS = 11, BUCKETS = 1 << BITS };
    const size_t n = st_logreg_n_coefs(m);
    const double *b = st_logreg_coefs(m), *sd = st_logreg_col_sds(m);
    uint64_t *key = malloc((n ? n : 1) * sizeof *key), *key2 = malloc((n ? n : 1) * sizeof *key2);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *order2 = malloc((n ? n : 1) * sizeof *order2);
    size_t *count = malloc(BUCKETS * sizeof *count);
    if (key == NULL || key2 == NULL || order == NULL || order2 == NULL || count == NULL) {
        free(key), free(key2), free(order), free(order2), free(count);
        return NULL;
    }
    *standardised = sd != NULL;
    for (size_t k = 0; k < n; k++) {
        key[k] = size_key(fabs(sd != NULL ? b[k] * sd[k] : b[k]));
        order[k] = k;
    }
    for (int shift = 0; shift < 64; shift += BITS) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t k = 0; k < n; k++)
            count[(key[k] >> shift) & (BUCKETS - 1)]++;
        if (n > 0 && count[(key[0] >> shift) & (BUCKETS - 1)] == n)
            continue; /* every key has this digit: the pass would move nothing */
        for (size_t d = 0, at = 0; d < BUCKETS; d++) {
            const size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t k = 0; k < n; k++) {
            const size_t to = count[(key[k] >> shift) & (BUCKETS - 1)]++;
            key2[to] = key[k];
            order2[to] = order[k];
        }
        uint64_t *kt = key; key = key2; key2 = kt;
        size_t *ot = order; order = order2; order2 = ot;
    }
    free(key), free(key2), free(order2), free(count);
    return order;
}

static const char *order_text(int standardised)
{
    return standardised ? "largest |coefficient x training SD| first (the standardised "
                          "scale; values on the original scale)"
                        : "largest |coefficient| first (values on the original scale; this "
                          "model file has no training SDs)";
}

void cli_coefs_note(const st_logreg *m, int quiet)
{
    st_error err;
    if (!quiet && !st_logreg_has_coef_stats(m) &&
        st_logreg_coef_stats(m, 0.95, NULL, 0, &err) != ST_OK &&
        strstr(err.message, "L1 penalty") == NULL)
        fprintf(stderr, "stratum: note: %s\n", err.message);
}

int cli_format_coefs(FILE *out, const st_logreg *m, cli_format format, int all,
                     double fit_seconds)
{
    const size_t n = st_logreg_n_coefs(m);
    st_logreg_coef_stat *st = NULL;
    st_error err;
    if (st_logreg_has_coef_stats(m)) {
        st = malloc((n + 1) * sizeof *st);
        if (st != NULL && st_logreg_coef_stats(m, 0.95, st, n + 1, &err) != ST_OK) {
            free(st);
            st = NULL;
        }
    }
    int standardised = 0;
    size_t *order = coef_order(m, &standardised);
    if (order == NULL) {
        free(st);
        return 0;
    }
    const size_t shown = format == FORMAT_TEXT && !all && n > CLI_TOP_COEFS ? CLI_TOP_COEFS : n;
    if (format == FORMAT_TEXT)
        fprintf(out, "coefficients, %s\n", order_text(standardised));
    else if (format == FORMAT_MARKDOWN)
        fprintf(out, "Coefficients, %s.\n\n", order_text(standardised));
    int width = 11; /* the text table's name column: as wide as the longest name */
    for (size_t k = 0; format == FORMAT_TEXT && k < n; k++)
        if (cli_text_width(cli_text_coef_label(m, k)) > width)
            width = cli_text_width(cli_text_coef_label(m, k));
    print_header(out, st, format, width);
    if (format == FORMAT_JSON) {
        fprintf(out, "{");
        if (fit_seconds >= 0)
            fprintf(out, "\"fit_seconds\": %.6f, ", fit_seconds);
        st_logreg_lambda_choice c;
        if (st_logreg_lambda_choice_of(m, &c)) {
            fprintf(out, "\"lambda_chosen\": {\"lambda\": ");
            json_number(out, c.lambda);
            fprintf(out, ", \"rule\": \"%s\", \"folds\": %zu, \"cv_deviance\": ",
                   c.rule == ST_LAMBDA_1SE ? "lambda_1se" : "lambda_min", c.n_folds);
            json_number(out, c.cv_deviance);
            fprintf(out, ", \"cv_se\": ");
            json_number(out, c.cv_se);
            fprintf(out, ", \"lambda_min\": ");
            json_number(out, c.lambda_min);
            fprintf(out, ", \"lambda_1se\": ");
            json_number(out, c.lambda_1se);
            fprintf(out, "}, ");
        }
        fprintf(out, "\"order\": \"%s\", \"intercept\": ",
               standardised ? "abs_standardised" : "abs_value");
        json_number(out, st_logreg_intercept(m));
        if (st != NULL)
            fprintf(out, ", \"confidence_level\": 0.95, \"intercept_stats\": ");
        if (st != NULL)
            print_row(out, m, -1, st, format, width);
        fprintf(out, ", \"coefficients\": [");
    } else {
        print_row(out, m, -1, st, format, width);
    }
    for (size_t q = 0; q < shown; q++) {
        if (format == FORMAT_JSON && q > 0)
            fprintf(out, ", ");
        print_row(out, m, (long)order[q], st, format, width);
    }
    if (format == FORMAT_JSON)
        fprintf(out, "]}\n");
    if (shown < n)
        fprintf(out, "(%zu more coefficients, smaller on that scale, not shown; --all shows every "
               "one, as do --format csv and json)\n", n - shown);
    free(order);
    free(st);
    return 1;
}

void cli_print_coefs(const st_logreg *m, cli_format format, int all, int quiet,
                     double fit_seconds)
{
    cli_coefs_note(m, quiet);
    if (!cli_format_coefs(stdout, m, format, all, fit_seconds))
        fprintf(stderr, "stratum: out of memory for the coefficient table\n");
}
