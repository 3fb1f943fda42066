/* stratum drift's report (st_report_drift): the columns ranked by PSI (a bar chart and the
 * full table), the two distributions of the most drifted columns over the PSI's own bins,
 * and with a model its part (report_drift_model.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "report_drift_sections.h"
#include "report_impl.h"

#define REPORT_MAX_BARS 30 /* columns in the bar chart */
#define REPORT_MAX_PLOTS 6 /* distributions drawn */

static void facts(st_report *rep, const char *rp, const char *np, const st_drift_result *r)
{
    char rows_r[64], rows_n[64], prev[96], cols[32];
    snprintf(rows_r, sizeof rows_r, "%zu", r->n_reference);
    snprintf(rows_n, sizeof rows_n, "%zu", r->n_new);
    snprintf(cols, sizeof cols, "%zu", r->n_features);
    if (isnan(r->prevalence_reference) && isnan(r->prevalence_new))
        snprintf(prev, sizeof prev, "no label");
    else { /* one file unlabelled (NEW's outcomes not known yet): "-", never "nan" */
        char a[32] = "- (unlabelled)", b[32] = "- (unlabelled)";
        if (!isnan(r->prevalence_reference))
            snprintf(a, sizeof a, "%.4f", r->prevalence_reference);
        if (!isnan(r->prevalence_new))
            snprintf(b, sizeof b, "%.4f", r->prevalence_new);
        snprintf(prev, sizeof prev, "%s in REFERENCE, %s in NEW", a, b);
    }
    const char *terms[] = {"REFERENCE", "rows", "NEW", "rows", "columns", "label prevalence",
                           "stratum", "PSI bands", "bins"};
    const char *values[] = {rp, rows_r, np, rows_n, cols, prev, st_version(),
                            "< 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift",
                            "REFERENCE's deciles (numeric; a gbdt model's split thresholds "
                            "with --model), levels (categorical), missing values a bin of "
                            "their own; an empty bin counts as a share of 0.0001"};
    st_report_facts(rep, terms, values, sizeof terms / sizeof *terms);
}

static int table(st_report *rep, const st_drift_result *r, const size_t *order)
{
    /* (a no-break space keeps "chi-square p" whole when the headers wrap) */
    static const char *const head[] = {"column", "type", "PSI", "band", "KS D", "KS p",
                                       "chi-square\xc2\xa0p", "missing in REFERENCE",
                                       "missing in NEW", "rows with new levels"};
    enum { NC = 10 };
    st_report_cell *cells = calloc(r->n_features * NC + 1, sizeof *cells);
    char (*num)[32] = calloc(r->n_features + 1, sizeof *num);
    if (cells == NULL || num == NULL) {
        free(cells), free(num);
        return -1;
    }
    for (size_t k = 0; k < r->n_features; k++) {
        const st_drift_feature *c = &r->features[order[k]];
        st_report_cell *row = cells + k * NC;
        row[0] = st_report_text_cell(c->name);
        row[1] = st_report_text_cell(c->type == ST_FEATURE_NUMERIC ? "numeric" : "categorical");
        row[2] = st_report_number_cell(c->psi, NAN, NAN, 4);
        row[3] = st_report_text_cell(st_drift_band(c->psi));
        row[4] = st_report_number_cell(c->ks_statistic, NAN, NAN, 4);
        row[5] = st_report_number_cell(c->ks_pvalue, NAN, NAN, -1);
        row[6] = st_report_number_cell(c->chi2_pvalue, NAN, NAN, -1);
        row[7] = st_report_number_cell(c->missing_reference, NAN, NAN, 4);
        row[8] = st_report_number_cell(c->missing_new, NAN, NAN, 4);
        snprintf(num[k], sizeof num[k], "%zu", c->new_level_rows);
        row[9] = st_report_text_cell(num[k]);
        if (c->type == ST_FEATURE_NUMERIC)
            row[6] = st_report_text_cell("");
        else
            row[4] = row[5] = st_report_text_cell("");
    }
    st_report_table t = {"Every column, ranked by PSI", NC, r->n_features, head, cells, 1,
                         "p-values: two-sample Kolmogorov-Smirnov (numeric), chi-square test of "
                         "homogeneity (categorical); with samples this large, tiny shifts are "
                         "significant: read PSI for the size of a shift."};
    st_report_table_write(rep, &t);
    free(cells), free(num);
    return 0;
}

static int bars(st_report *rep, const st_drift_result *r, const size_t *order)
{
    const size_t n = r->n_features < REPORT_MAX_BARS ? r->n_features : REPORT_MAX_BARS;
    const char **labels = calloc(n + 1, sizeof *labels);
    double *values = calloc(n + 1, sizeof *values);
    if (labels == NULL || values == NULL) {
        free(labels), free(values);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        labels[k] = r->features[order[k]].name;
        values[k] = r->features[order[k]].psi;
    }
    st_report_bars b = {"PSI of the most drifted columns", "PSI", labels, values, n, 3,
                        "0.1 and 0.25 are the conventional limits of a moderate and a major "
                        "shift."};
    st_report_bar_chart(rep, &b);
    free(labels), free(values);
    return 0;
}

/* The two distributions of column c over its bins (x: bin number), and the bins named. */
static int distribution(st_report *rep, const st_drift_feature *c)
{
    const size_t k = c->n_shares;
    double *x = calloc(k + 1, sizeof *x);
    char *caption = calloc(2048, 1);
    if (x == NULL || caption == NULL) {
        free(x), free(caption);
        return -1;
    }
    double ymax = 0;
    for (size_t i = 0; i < k; i++) {
        x[i] = (double)(i + 1);
        ymax = fmax(ymax, fmax(c->share_reference[i], c->share_new[i]));
    }
    size_t used = (size_t)snprintf(caption, 2048, "Bins 1 to %zu (the last: missing). ", k);
    for (size_t i = 0; i + 1 < k && used < 1900; i++) {
        if (c->levels != NULL)
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: %.40s; ", i + 1,
                                     c->levels[i]);
        else if (i + 2 < k)
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: <= %.6g; ", i + 1,
                                     c->edges[i]);
        else
            used += (size_t)snprintf(caption + used, 2048 - used, "%zu: above; ", i + 1);
    }
    if (used >= 1900)
        snprintf(caption + 1900, 148, "...");
    /* the PSI and its band are the point of the chart: a long name gives way to them,
     * shortened with an ellipsis so that the title fits (its full text is the chart's
     * <title>, the name whole in the table above) */
    char tail[64], title[300];
    snprintf(tail, sizeof tail, ": PSI %.3f (%s)", c->psi, st_drift_band(c->psi));
    const double room = st__report_line_title_em() - st__report_text_em(tail, sizeof tail);
    const size_t keep = st__report_fit(c->name, room > 1 ? room : 1);
    snprintf(title, sizeof title, "%.*s%s%s", (int)keep, c->name,
             keep < strlen(c->name) ? "\xe2\x80\xa6" : "", tail);
    st_report_series s[2] = {
        {"REFERENCE", x, c->share_reference, k, NAN, NAN, NULL, 0, 0, 1},
        {"NEW", x, c->share_new, k, NAN, NAN, NULL, 1, 1, 1}};
    st_report_chart ch = {title, "bin", "share of rows", 0.5, (double)k + 0.5, 0,
                          ymax > 0 ? ymax * 1.05 : 1, 0, NAN, NULL, s, 2, caption};
    st_report_line_chart(rep, &ch);
    free(x), free(caption);
    return 0;
}

/* Largest PSI first, NaN last, ties by name: qsort's comparator needs the result, and the
 * library keeps no global state, so the features are sorted through pointers. */
static int by_psi(const void *a, const void *b)
{
    const st_drift_feature *x = *(const st_drift_feature *const *)a;
    const st_drift_feature *y = *(const st_drift_feature *const *)b;
    const int nx = isnan(x->psi), ny = isnan(y->psi);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->psi != y->psi)
        return x->psi > y->psi ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* order[k]: the index of the feature ranked k-th; NULL when out of memory. */
static size_t *rank_by_psi(const st_drift_result *r)
{
    const st_drift_feature **p = calloc(r->n_features + 1, sizeof *p);
    size_t *order = calloc(r->n_features + 1, sizeof *order);
    if (p == NULL || order == NULL) {
        free(p), free(order);
        return NULL;
    }
    for (size_t j = 0; j < r->n_features; j++)
        p[j] = &r->features[j];
    qsort(p, r->n_features, sizeof *p, by_psi);
    for (size_t k = 0; k < r->n_features; k++)
        order[k] = (size_t)(p[k] - r->features);
    free(p);
    return order;
}

static int body(st_report *rep, const st_report_drift_input *d, const char *rp, const char *np,
                const size_t *order)
{
    const st_drift_result *r = d->result;
    st_report_section(rep, "Data and settings");
    facts(rep, rp, np, r);
    st_report_section(rep, "Columns ranked by PSI");
    if (bars(rep, r, order) != 0 || table(rep, r, order) != 0)
        return -1;
    st_report_section(rep, "Distributions of the most drifted columns");
    st_report_paragraph(rep, "Each column's share of rows in each bin of its PSI, in REFERENCE "
                        "and in NEW.", "note");
    st_report_figures_begin(rep);
    for (size_t k = 0; k < r->n_features && k < REPORT_MAX_PLOTS; k++)
        if (distribution(rep, &r->features[order[k]]) != 0)
            return -1;
    st_report_figures_end(rep);
    const st_report_drift_model *m = d->model;
    if (m != NULL)
        st__report_drift_model(rep, m);
    for (size_t k = 0; m != NULL && k < m->n_text; k++)
        if (st__report_drift_text(rep, &m->text[k], r->n_reference, r->n_new) != 0)
            return -1;
    return 0;
}

static st_status check(const st_report_drift_input *d, st_error *err)
{
    if (d == NULL || d->result == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_drift: %s is NULL",
                        d == NULL ? "d" : "d->result");
    const st_drift_result *r = d->result;
    if (r->n_features > 0 && r->features == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_drift: result->features is NULL");
    const st_report_drift_model *m = d->model;
    if (m != NULL && m->labelled && (m->ev_reference == NULL || m->ev_new == NULL))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_drift: model->labelled is set but "
                        "ev_reference or ev_new is NULL");
    if (m != NULL && m->n_text > 0 && m->text == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_drift: model->text is NULL");
    for (size_t k = 0; m != NULL && k < m->n_text; k++)
        if (m->text[k].column == NULL || (m->text[k].n_terms > 0 && m->text[k].terms == NULL))
            return st__fail(err, ST_ERR_INVALID_ARG, "st_report_drift: text column %zu has "
                            "no column name or no terms", k);
    return ST_OK;
}

static st_status render(const st_report_drift_input *d, const char *path, char **html,
                        size_t *size, st_error *err)
{
    st_status rc = check(d, err);
    if (rc != ST_OK)
        return rc;
    const char *rp = d->reference_name != NULL ? d->reference_name : "reference";
    const char *np = d->new_name != NULL ? d->new_name : "new";
    size_t *order = rank_by_psi(d->result);
    if (order == NULL)
        return st__fail(err, ST_ERR_NOMEM, "st_report_drift: out of memory");
    char sub[1200];
    snprintf(sub, sizeof sub, "%.580s against %.580s", np, rp);
    st_report *rep = NULL;
    rc = st_report_begin("stratum drift", sub, &rep, err);
    if (rc == ST_OK && body(rep, d, rp, np, order) != 0) {
        st_report_discard(rep);
        rc = st__fail(err, ST_ERR_NOMEM, "st_report_drift: out of memory");
    } else if (rc == ST_OK)
        rc = st_report_end(rep, path, html, size, err);
    free(order);
    return rc;
}

st_status st_report_drift(const st_report_drift_input *d, const char *path, char **html,
                          size_t *size, st_error *err)
{
    if (d == NULL || d->model_result == NULL)
        return render(d, path, html, size, err);
    st_report_drift_model model;
    st_status rc = st__report_drift_map(d->model_result, d->model_name, &model, err);
    if (rc != ST_OK)
        return rc;
    st_report_drift_input mapped = *d;
    mapped.result = d->result != NULL ? d->result : d->model_result->columns;
    mapped.model = &model;
    mapped.model_result = NULL;
    rc = render(&mapped, path, html, size, err);
    st__report_drift_unmap(&model);
    return rc;
}
