/* stratum train's coefficient table: values and, when the model has them, Wald statistics
 * (standard error, z, p-value, 95% interval, odds ratio with its interval). Text output
 * shows at most the CLI_TOP_COEFS largest |coefficients| unless asked for all. */
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

/* keep[k] = 1 for the `top` largest |coefficients| (ties to the earlier column). */
static void choose_top(const st_logreg *m, size_t top, unsigned char *keep)
{
    size_t n = st_logreg_n_coefs(m);
    const double *b = st_logreg_coefs(m);
    for (size_t k = 0; k < n; k++) {
        size_t larger = 0; /* columns that rank before k */
        for (size_t j = 0; j < n && larger < top; j++)
            larger += fabs(b[j]) > fabs(b[k]) || (fabs(b[j]) == fabs(b[k]) && j < k);
        keep[k] = larger < top;
    }
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
    unsigned char *keep = NULL;
    size_t shown = n;
    if (format == FORMAT_TEXT && !all && n > CLI_TOP_COEFS && (keep = malloc(n)) != NULL) {
        choose_top(m, CLI_TOP_COEFS, keep);
        shown = CLI_TOP_COEFS;
    }
    int width = 11;
    for (size_t k = 0; k < n; k++)
        if ((int)strlen(st_logreg_coef_name(m, k)) > width)
            width = (int)strlen(st_logreg_coef_name(m, k));
    print_header(st, format, width);
    if (format == FORMAT_JSON) {
        if (fit_seconds >= 0)
            printf("{\"fit_seconds\": %.6f, \"intercept\": ", fit_seconds);
        else
            printf("{\"intercept\": ");
        json_number(stdout, st_logreg_intercept(m));
        if (st != NULL)
            printf(", \"confidence_level\": 0.95, \"intercept_stats\": ");
        if (st != NULL)
            print_row(m, -1, st, format, width);
        printf(", \"coefficients\": [");
    } else {
        print_row(m, -1, st, format, width);
    }
    for (size_t k = 0, first = 1; k < n; k++) {
        if (keep != NULL && !keep[k])
            continue;
        if (format == FORMAT_JSON && !first)
            printf(", ");
        first = 0;
        print_row(m, (long)k, st, format, width);
    }
    if (format == FORMAT_JSON)
        printf("]}\n");
    if (shown < n)
        printf("(%zu more coefficients with smaller |value| not shown; --all shows every "
               "one, as do --format csv and json)\n", n - shown);
    free(keep);
    free(st);
}
