/* stratum train's coefficient table: values and, when the model has them, Wald statistics
 * (standard error, z, p-value, 95% interval, odds ratio with its interval). Values are on
 * the original scale; rows come largest first on the standardised scale, |coefficient x
 * the column's training SD| (the log-odds per SD, which compares features of different
 * units; as explain ranks them), ties in column order so output is deterministic; a model
 * file without the SDs (saved before they were stored) is sorted by |coefficient|. Text
 * output shows at most the CLI_TOP_COEFS largest unless asked for all. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_TOP_COEFS 30

static const char *const stat_names[] = {"se", "z", "p_value", "ci_low", "ci_high",
                                         "odds_ratio", "or_low", "or_high"};
#define N_STATS (sizeof stat_names / sizeof stat_names[0])

static void stat_values(const st_logreg_coef_stat *s, double v[N_STATS])
{
    v[0] = s->se, v[1] = s->z, v[2] = s->p_value, v[3] = s->ci_low, v[4] = s->ci_high;
    v[5] = s->odds_ratio, v[6] = s->or_low, v[7] = s->or_high;
}

static void csv_name(const char *name)
{
    putchar('"'); /* quoted, since a feature name may hold a comma */
    for (const char *c = name; *c; c++)
        printf(*c == '"' ? "\"\"" : "%c", *c);
    putchar('"');
}

/* One row: name k (-1 for the intercept), its value and, with st, its statistics. */
static void print_row(const st_logreg *m, long k, const st_logreg_coef_stat *st,
                      cli_format format, int width)
{
    const char *name = k < 0 ? "(intercept)" : st_logreg_coef_name(m, (size_t)k);
    double value = k < 0 ? st_logreg_intercept(m) : st_logreg_coefs(m)[k], v[N_STATS];
    if (st != NULL)
        stat_values(&st[k + 1], v);
    switch (format) {
    case FORMAT_JSON:
        printf("{\"name\": ");
        json_string(stdout, name);
        printf(", \"value\": ");
        json_number(stdout, value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++) {
            printf(", \"%s\": ", stat_names[q]);
            json_number(stdout, v[q]);
        }
        printf("}");
        break;
    case FORMAT_CSV:
        if (k < 0)
            printf("%s", name);
        else
            csv_name(name);
        printf(",%.17g", value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(",%.17g", v[q]);
        printf("\n");
        break;
    case FORMAT_MARKDOWN:
        printf("| %s | %.6g |", name, value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(" %.4g |", v[q]);
        printf("\n");
        break;
    default:
        printf("%-*s %11.4g", width, name, value);
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(" %11.4g", v[q]);
        printf("\n");
    }
}

static void print_header(const st_logreg_coef_stat *st, cli_format format, int width)
{
    switch (format) {
    case FORMAT_JSON:
        break;
    case FORMAT_CSV:
        printf("name,coefficient");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(",%s", stat_names[q]);
        printf("\n");
        break;
    case FORMAT_MARKDOWN:
        printf("| coefficient | value |");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(" %s |", stat_names[q]);
        printf("\n|---|--:|");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf("--:|");
        printf("\n");
        break;
    default:
        printf("%-*s %11s", width, "coefficient", "value");
        for (size_t q = 0; st != NULL && q < N_STATS; q++)
            printf(" %11s", stat_names[q]);
        printf("\n");
    }
}

typedef struct ranked {
    double size; /* the sort key; -1 for NaN, which goes last */
    size_t k;
} ranked;

static int by_size(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* The coefficients' order, largest first (see the top of this file); *standardised says
 * which scale ranked them. NULL when out of memory. */
static size_t *coef_order(const st_logreg *m, int *standardised)
{
    const size_t n = st_logreg_n_coefs(m);
    const double *b = st_logreg_coefs(m), *sd = st_logreg_col_sds(m);
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (r == NULL || order == NULL) {
        free(r), free(order);
        return NULL;
    }
    *standardised = sd != NULL;
    for (size_t k = 0; k < n; k++) {
        const double size = fabs(sd != NULL ? b[k] * sd[k] : b[k]);
        r[k] = (ranked){isnan(size) ? -1 : size, k};
    }
    qsort(r, n, sizeof *r, by_size);
    for (size_t k = 0; k < n; k++)
        order[k] = r[k].k;
    free(r);
    return order;
}

static const char *order_text(int standardised)
{
    return standardised ? "largest |coefficient x training SD| first (the standardised "
                          "scale; values on the original scale)"
                        : "largest |coefficient| first (values on the original scale; this "
                          "model file has no training SDs)";
}

void cli_print_coefs(const st_logreg *m, cli_format format, int all, int quiet,
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
    } else if (!quiet && st_logreg_coef_stats(m, 0.95, NULL, 0, &err) != ST_OK &&
               strstr(err.message, "L1 penalty") == NULL) {
        fprintf(stderr, "stratum: note: %s\n", err.message);
    }
    int standardised = 0;
    size_t *order = coef_order(m, &standardised);
    if (order == NULL) {
        fprintf(stderr, "stratum: out of memory for the coefficient table\n");
        free(st);
        return;
    }
    const size_t shown = format == FORMAT_TEXT && !all && n > CLI_TOP_COEFS ? CLI_TOP_COEFS : n;
    if (format == FORMAT_TEXT)
        printf("coefficients, %s\n", order_text(standardised));
    else if (format == FORMAT_MARKDOWN)
        printf("Coefficients, %s.\n\n", order_text(standardised));
    int width = 11; /* the text table's name column: as wide as the longest name */
    for (size_t k = 0; format == FORMAT_TEXT && k < n; k++)
        if ((int)strlen(st_logreg_coef_name(m, k)) > width)
            width = (int)strlen(st_logreg_coef_name(m, k));
    print_header(st, format, width);
    if (format == FORMAT_JSON) {
        printf("{");
        if (fit_seconds >= 0)
            printf("\"fit_seconds\": %.6f, ", fit_seconds);
        st_logreg_lambda_choice c;
        if (st_logreg_lambda_choice_of(m, &c)) {
            printf("\"lambda_chosen\": {\"lambda\": ");
            json_number(stdout, c.lambda);
            printf(", \"rule\": \"%s\", \"folds\": %zu, \"cv_deviance\": ",
                   c.rule == ST_LAMBDA_1SE ? "lambda_1se" : "lambda_min", c.n_folds);
            json_number(stdout, c.cv_deviance);
            printf(", \"cv_se\": ");
            json_number(stdout, c.cv_se);
            printf(", \"lambda_min\": ");
            json_number(stdout, c.lambda_min);
            printf(", \"lambda_1se\": ");
            json_number(stdout, c.lambda_1se);
            printf("}, ");
        }
        printf("\"order\": \"%s\", \"intercept\": ",
               standardised ? "abs_standardised" : "abs_value");
        json_number(stdout, st_logreg_intercept(m));
        if (st != NULL)
            printf(", \"confidence_level\": 0.95, \"intercept_stats\": ");
        if (st != NULL)
            print_row(m, -1, st, format, width);
        printf(", \"coefficients\": [");
    } else {
        print_row(m, -1, st, format, width);
    }
    for (size_t q = 0; q < shown; q++) {
        if (format == FORMAT_JSON && q > 0)
            printf(", ");
        print_row(m, (long)order[q], st, format, width);
    }
    if (format == FORMAT_JSON)
        printf("]}\n");
    if (shown < n)
        printf("(%zu more coefficients, smaller on that scale, not shown; --all shows every "
               "one, as do --format csv and json)\n", n - shown);
    free(order);
    free(st);
}
