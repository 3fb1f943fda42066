/* stratum drift DATA --time-col COL --window month|quarter|year: one file cut into periods
 * by a date column, each period compared with the first (the reference). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

/* The period of a date text "YYYY-MM..." (or "YYYY" for years) into key; 0 when the text
 * is not such a date. */
static int period_key(const char *t, const char *window, char key[16])
{
    for (int i = 0; i < 4; i++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    if (strcmp(window, "year") == 0) {
        memcpy(key, t, 4);
        key[4] = '\0';
        return 1;
    }
    if (t[4] != '-' && t[4] != '/')
        return 0;
    if (t[5] < '0' || t[5] > '1' || t[6] < '0' || t[6] > '9')
        return 0;
    const int month = (t[5] - '0') * 10 + (t[6] - '0');
    if (month < 1 || month > 12 || (t[7] != '\0' && t[7] != '-' && t[7] != '/' && t[7] != 'T' &&
                                    t[7] != ' '))
        return 0;
    if (strcmp(window, "quarter") == 0)
        snprintf(key, 16, "%.4s-Q%d", t, (month - 1) / 3 + 1);
    else
        snprintf(key, 16, "%.4s-%02d", t, month);
    return 1;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

typedef struct period {
    char key[16];
    size_t *rows, n_rows, cap;
    st_drift_result *r;
} period;

static void print_periods(FILE *f, cli_format fmt, const char *path, const char *window,
                          const period *p, size_t np)
{
    if (fmt == FORMAT_TEXT) {
        fprintf(f, "Drift over time of %s by %s, each period against the first, %s (%zu rows)\n"
                "PSI: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major; bins: the first period's "
                "deciles (numeric), levels (categorical), missing values a bin of their own\n\n",
                path, window, p[0].key, p[0].n_rows);
        fprintf(f, "%-8s %8s %10s %8s %-8s %-30s %9s %9s\n", "period", "rows", "prevalence",
                "max PSI", "band", "column", "moderate", "major");
        for (size_t k = 1; k < np; k++) {
            const st_drift_result *r = p[k].r;
            size_t best = 0, mod = 0, maj = 0;
            for (size_t j = 0; j < r->n_features; j++) {
                const double v = r->features[j].psi;
                if (!(r->features[best].psi >= v))
                    best = j;
                mod += v >= 0.1 && v <= 0.25;
                maj += v > 0.25;
            }
            char prev[32] = "-";
            if (!isnan(r->prevalence_new))
                snprintf(prev, sizeof prev, "%.4f", r->prevalence_new);
            fprintf(f, "%-8s %8zu %10s %8.4f %-8s %-30.30s %9zu %9zu\n", p[k].key, p[k].n_rows,
                    prev, r->n_features ? r->features[best].psi : NAN,
                    st_drift_band(r->n_features ? r->features[best].psi : NAN),
                    r->n_features ? r->features[best].name : "-", mod, maj);
        }
        fprintf(f, "(moderate, major: columns in each band; --format csv or json gives every "
                "column of every period)\n");
        return;
    }
    /* long format: one line per period and column */
    if (fmt == FORMAT_JSON) {
        fprintf(f, "{\"data\": ");
        json_string(f, path);
        fprintf(f, ", \"window\": \"%s\", \"reference_period\": \"%s\", \"reference_rows\": %zu, "
                "\"psi_bands\": {\"stable_below\": 0.1, \"major_above\": 0.25},\n \"periods\": [",
                window, p[0].key, p[0].n_rows);
    } else if (fmt == FORMAT_CSV) {
        fprintf(f, "period,rows,column,type,psi,band,ks_statistic,ks_pvalue,chi2_pvalue,"
                "missing_reference,missing_new,new_level_rows\n");
    } else {
        fprintf(f, "| period | rows | column | type | psi | band | ks_pvalue | chi2_pvalue | "
                "missing_new | new_level_rows |\n|---|---:|---|---|---:|---|---:|---:|---:|---:|\n");
    }
    for (size_t k = 1; k < np; k++) {
        const st_drift_result *r = p[k].r;
        if (fmt == FORMAT_JSON) {
            fprintf(f, "%s\n  {\"period\": \"%s\", \"rows\": %zu, \"prevalence\": ", k > 1 ? "," : "",
                    p[k].key, p[k].n_rows);
            json_number(f, r->prevalence_new);
            fprintf(f, ", \"columns\": [");
        }
        for (size_t j = 0; j < r->n_features; j++) {
            const st_drift_feature *c = &r->features[j];
            const char *type = c->type == ST_FEATURE_NUMERIC ? "numeric" : "categorical";
            if (fmt == FORMAT_JSON) {
                fprintf(f, "%s{\"name\": ", j ? ", " : "");
                json_string(f, c->name);
                fprintf(f, ", \"type\": \"%s\", \"psi\": ", type);
                json_number(f, c->psi);
                fprintf(f, ", \"band\": \"%s\", \"ks_statistic\": ", st_drift_band(c->psi));
                json_number(f, c->ks_statistic);
                fprintf(f, ", \"ks_pvalue\": ");
                json_number(f, c->ks_pvalue);
                fprintf(f, ", \"chi2_pvalue\": ");
                json_number(f, c->chi2_pvalue);
                fprintf(f, ", \"missing_reference\": ");
                json_number(f, c->missing_reference);
                fprintf(f, ", \"missing_new\": ");
                json_number(f, c->missing_new);
                fprintf(f, ", \"new_level_rows\": %zu}", c->new_level_rows);
            } else if (fmt == FORMAT_CSV) {
                fprintf(f, "%s,%zu,", p[k].key, p[k].n_rows);
                csv_field(f, c->name);
                fprintf(f, ",%s,%.17g,%s,", type, c->psi, st_drift_band(c->psi));
                if (!isnan(c->ks_statistic))
                    fprintf(f, "%.17g,%.17g", c->ks_statistic, c->ks_pvalue);
                else
                    fputc(',', f);
                fputc(',', f);
                if (!isnan(c->chi2_pvalue))
                    fprintf(f, "%.17g", c->chi2_pvalue);
                fprintf(f, ",%.17g,%.17g,%zu\n", c->missing_reference, c->missing_new,
                        c->new_level_rows);
            } else {
                fprintf(f, "| %s | %zu | %s | %s | %.4f | %s | ", p[k].key, p[k].n_rows, c->name,
                        type, c->psi, st_drift_band(c->psi));
                if (!isnan(c->ks_pvalue))
                    fprintf(f, "%.2e", c->ks_pvalue);
                fprintf(f, " | ");
                if (!isnan(c->chi2_pvalue))
                    fprintf(f, "%.2e", c->chi2_pvalue);
                fprintf(f, " | %.4f | %zu |\n", c->missing_new, c->new_level_rows);
            }
        }
        if (fmt == FORMAT_JSON)
            fprintf(f, "]}");
    }
    if (fmt == FORMAT_JSON)
        fprintf(f, "\n ]}\n");
}

int drift_over_time(const char *path, const char *time_col, const char *window, int n_bins,
                    const drift_rules *rules, cli_common *common)
{
    if (common->n_ignore == sizeof common->ignore / sizeof common->ignore[0])
        return cli_usage_error("drift", "too many --ignore columns");
    common->ignore[common->n_ignore++] = time_col; /* the date is not a feature */
    st_read_options ropt = cli_read_options(common);
    ropt.label_required = common->label_given;
    st_error err;
    st_dataset *ds = NULL;
    char **texts = NULL;
    size_t n_texts = 0, np = 0;
    period *p = NULL;
    char (*keys)[16] = NULL;
    int status = EXIT_OK;
    st_status rc = st_dataset_read(path, &ropt, &ds, &err);
    if (rc == ST_OK)
        rc = st_csv_column_texts(path, &ropt, time_col, &texts, &n_texts, &err);
    if (rc != ST_OK) {
        status = cli_fail(&err, rc);
        goto done;
    }
    cli_warn_data(ds, path);
    if ((status = cli_warn_lossy_numbers(ds, path)) != EXIT_OK) /* compared as 32-bit floats */
        goto done;
    const size_t n = st_dataset_n_rows(ds);
    keys = malloc((n + 1) * sizeof *keys);
    if (keys == NULL || n_texts != n) {
        fprintf(stderr, "stratum: %s\n", keys == NULL ? "out of memory" : "the time column's "
                "rows do not match the data's");
        status = EXIT_FAILED;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!period_key(texts[i], window, keys[i])) {
            fprintf(stderr, "stratum: %s: data row %zu: '%s' in column '%s' is not a date "
                    "YYYY-MM-DD (or YYYY-MM%s)\n", path, i + 1, texts[i], time_col,
                    strcmp(window, "year") == 0 ? ", YYYY" : "");
            status = EXIT_FAILED;
            goto done;
        }
    /* the distinct periods, in order */
    char (*sorted)[16] = malloc((n + 1) * sizeof *sorted);
    if (sorted == NULL) {
        status = EXIT_FAILED;
        goto done;
    }
    memcpy(sorted, keys, n * sizeof *keys);
    qsort(sorted, n, sizeof *sorted, cmp_key);
    for (size_t i = 0; i < n; i++)
        np += i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0;
    p = calloc(np + 1, sizeof *p);
    for (size_t i = 0, k = 0; p != NULL && i < n; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
            memcpy(p[k++].key, sorted[i], 16);
    free(sorted);
    if (p == NULL) {
        status = EXIT_FAILED;
        goto done;
    }
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        period *q = bsearch(keys[i], p, np, sizeof *p, cmp_key); /* key is the first field */
        if (q->n_rows == q->cap) {
            q->cap = q->cap ? 2 * q->cap : 64;
            size_t *grown = realloc(q->rows, q->cap * sizeof *grown);
            if (grown == NULL) {
                status = EXIT_FAILED;
                break;
            }
            q->rows = grown;
        }
        q->rows[q->n_rows++] = i;
    }
    if (status == EXIT_OK && np < 2) {
        fprintf(stderr, "stratum: %s: every row is in one %s (%s): nothing to compare with\n",
                path, window, p[0].key);
        status = EXIT_FAILED;
    }
    st_dataset *ref = NULL;
    if (status == EXIT_OK && (rc = st_dataset_subset(ds, p[0].rows, p[0].n_rows, &ref, &err))
        != ST_OK)
        status = cli_fail(&err, rc);
    size_t held = 0;
    for (size_t k = 1; k < np && status == EXIT_OK; k++) {
        st_dataset *part = NULL;
        char ref_name[600], new_name[600];
        snprintf(ref_name, sizeof ref_name, "%s [%s]", path, p[0].key);
        snprintf(new_name, sizeof new_name, "%s [%s]", path, p[k].key);
        st_drift_options opt = st_drift_options_default();
        opt.n_bins = n_bins;
        opt.reference_name = ref_name;
        opt.new_name = new_name;
        opt.n_threads = common->threads;
        rc = st_dataset_subset(ds, p[k].rows, p[k].n_rows, &part, &err);
        if (rc == ST_OK)
            rc = st_drift_compare(ref, part, &opt, &p[k].r, &err);
        st_dataset_free(part);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
    }
    st_dataset_free(ref);
    if (status == EXIT_OK) {
        print_periods(stdout, common->format, path, window, p, np);
        fflush(stdout);
        size_t unchecked = 0; /* none: model rules are refused without --model */
        for (size_t k = 1; k < np; k++)
            held += drift_rules_check(rules, p[k].r, NULL, p[k].key, &unchecked);
        if (held > 0)
            status = EXIT_DRIFT;
    }
    if (status == EXIT_FAILED && p == NULL)
        fprintf(stderr, "stratum: out of memory\n");
done:
    for (size_t k = 0; p != NULL && k < np; k++) {
        free(p[k].rows);
        st_drift_result_free(p[k].r);
    }
    free(p);
    free(keys);
    st_texts_free(texts, n_texts);
    st_dataset_free(ds);
    return status;
}
