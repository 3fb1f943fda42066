/* stratum compare's table: a row per setting; per metric the mean over the folds and its
 * 95% interval (corrected resampled t), the best mean of each column marked. */
#include <math.h>
#include <string.h>

#include "compare.h"
#include "post_fit.h"

const st_metric compare_metrics[COMPARE_N_COLS] = {
    ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_PRECISION, ST_METRIC_RECALL,
    ST_METRIC_F1, ST_METRIC_BRIER, ST_METRIC_LOG_LOSS};

/* "0.971 [0.960, 0.982]", "0.971" when there is no interval, "undefined". */
static void cell(char *buf, size_t size, const cv_summary *c)
{
    if (isnan(c->mean))
        snprintf(buf, size, "undefined");
    else if (isnan(c->low))
        snprintf(buf, size, "%.3f", c->mean);
    else
        snprintf(buf, size, "%.3f [%.3f, %.3f]", c->mean, c->low, c->high);
}

static void csv_number(double v)
{
    if (!isnan(v))
        printf("%.17g", v);
}

/* ",mean,low,high" (empty fields for NaN) */
static void csv_summary(const cv_summary *c)
{
    const double v[3] = {c->mean, c->low, c->high};
    for (int j = 0; j < 3; j++) {
        printf(",");
        csv_number(v[j]);
    }
}

static void print_csv(const compare_row *rows, size_t n)
{
    printf("model,weight%s", n > 0 && rows[0].calibration != NULL ? ",calibration" : "");
    for (int k = 0; k < COMPARE_N_COLS; k++) {
        const char *name = st_metric_name(compare_metrics[k]);
        printf(",%s_mean,%s_ci_low,%s_ci_high,%s_best", name, name, name, name);
    }
    printf(",diff_from"); /* then each row minus that row, paired over the folds */
    for (int k = 0; k < COMPARE_N_COLS; k++) {
        const char *name = st_metric_name(compare_metrics[k]);
        printf(",%s_diff_mean,%s_diff_ci_low,%s_diff_ci_high", name, name, name);
    }
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        printf("%s,%s", compare_row_model(&rows[i]), rows[i].weight);
        if (rows[i].calibration != NULL)
            printf(",%s", rows[i].calibration);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            csv_summary(&rows[i].col[k]);
            printf(",%d", rows[i].best[k]);
        }
        printf(",");
        if (rows[i].diff_from >= 0) {
            char name[512];
            compare_row_name(&rows[rows[i].diff_from], name, sizeof name);
            csv_field(stdout, name);
        }
        for (int k = 0; k < COMPARE_N_COLS; k++)
            csv_summary(&rows[i].diff[k]);
        printf("\n");
    }
}

/* "mean": m, "ci_low": l, "ci_high": h, "folds_defined": d (null for NaN) */
static void json_summary(const cv_summary *c)
{
    printf("\"mean\": ");
    json_number(stdout, c->mean);
    printf(", \"ci_low\": ");
    json_number(stdout, c->low);
    printf(", \"ci_high\": ");
    json_number(stdout, c->high);
    printf(", \"folds_defined\": %zu", c->defined);
}

static void print_json(const cv_setup *s, const compare_row *rows, size_t n)
{
    printf("{\"data\": ");
    json_string(stdout, s->data_path);
    printf(", \"rows\": %zu, \"folds\": %zu, \"repeats\": %zu, \"threshold_rule\": ",
           st_dataset_n_rows(s->ds), s->n_folds, s->n_repeats);
    json_string(stdout, s->rule_word);
    printf(", \"settings\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s\n  {\"model\": ", i ? "," : "");
        json_string(stdout, compare_row_model(&rows[i]));
        printf(", \"weight\": ");
        json_string(stdout, rows[i].weight);
        if (rows[i].file != NULL) { /* --model: the file as given */
            printf(", \"file\": ");
            json_string(stdout, rows[i].file);
        }
        if (rows[i].calibration != NULL)
            printf(", \"calibration\": \"%s\"", rows[i].calibration);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            printf(", \"%s\": {", st_metric_name(compare_metrics[k]));
            json_summary(&rows[i].col[k]);
            printf(", \"best\": %s}", rows[i].best[k] ? "true" : "false");
        }
        printf(", \"difference\": "); /* from row diff_from, paired over the folds */
        if (rows[i].diff_from >= 0) {
            char name[512];
            compare_row_name(&rows[rows[i].diff_from], name, sizeof name);
            printf("{\"from\": ");
            json_string(stdout, name);
        }
        for (int k = 0; k < COMPARE_N_COLS && rows[i].diff_from >= 0; k++) {
            printf(", \"%s\": {", st_metric_name(compare_metrics[k]));
            json_summary(&rows[i].diff[k]);
            printf("}");
        }
        printf(rows[i].diff_from < 0 ? "null" : "}");
        if (rows[i].file != NULL) { /* --model: how far DATA is its training rows */
            printf(", \"training_rows\": ");
            cli_overlap_json(stdout, &rows[i].overlap);
        }
        printf("}");
    }
    printf("\n]}\n");
}

/* One cell of column k: padded to cw in text (but the last), between bars in Markdown. */
static void put_cell(const char *text, int k, int cw, int markdown)
{
    if (markdown)
        printf(" | %s", text);
    else
        printf("  %-*s", k + 1 < COMPARE_N_COLS ? cw : 0, text);
}

/* width: of the model column in text (the longest name, --model files included) */
static void row_start(const char *model, const char *weight, const char *calibration,
                      int width, int markdown)
{
    if (markdown)
        printf("| %s | %s", model, weight);
    else
        printf("%-*s  %-9s", width, model, weight);
    if (calibration != NULL) /* --recalibrate: the column after weight */
        printf(markdown ? " | %s" : "  %-11s", calibration);
}

/* A table's header (and Markdown's rule): model, weight, calibration under --recalibrate,
 * a 'from' column of from_width when it is > 0, then the metrics' columns of width cw. */
static void header(int recal, int width, int from_width, int cw, int markdown)
{
    row_start("model", "weight", recal ? "calibration" : NULL, width, markdown);
    if (from_width > 0 && markdown)
        printf(" | from");
    else if (from_width > 0)
        printf("  %-*s", from_width, "from");
    for (int k = 0; k < COMPARE_N_COLS; k++)
        put_cell(st_metric_label(compare_metrics[k]), k, cw, markdown);
    if (markdown)
        printf(" |\n|---|---%s%s", recal ? "|---" : "", from_width > 0 ? "|---" : "");
    for (int k = 0; markdown && k < COMPARE_N_COLS; k++)
        printf("|--:");
    printf(markdown ? "|\n" : "\n");
}

/* "+0.012 [-0.003, +0.027]!" ('!': the interval excludes 0), "+0.012", "undefined". */
static void diff_cell(char *buf, size_t size, const cv_summary *d, int markdown)
{
    if (isnan(d->mean))
        snprintf(buf, size, "undefined");
    else if (isnan(d->low))
        snprintf(buf, size, "%+.3f", d->mean);
    else
        snprintf(buf, size, "%+.3f [%+.3f, %+.3f]%s", d->mean, d->low, d->high,
                 d->low > 0 || d->high < 0 ? (markdown ? " !" : "!") : "");
}

/* The second table: each row minus the row it is compared with, paired over the folds. */
static void print_differences(const compare_row *rows, size_t n, int width, int markdown)
{
    char from[512];
    int from_width = 4, any = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].diff_from >= 0) {
            compare_row_name(&rows[rows[i].diff_from], from, sizeof from);
            if ((int)strlen(from) > from_width)
                from_width = (int)strlen(from);
            any = 1;
        }
    if (!any)
        return;
    const int recal = rows[0].calibration != NULL;
    printf("\npaired differences: each row's value minus that of the row in 'from' on the "
           "same test fold, the mean over the folds and its 95%% interval (corrected "
           "resampled t); ! the interval excludes 0 (higher is better but for Brier and log "
           "loss)\n\n");
    const int cw = 24; /* "+0.971 [+0.960, +0.982]!" */
    header(recal, width, from_width, cw, markdown);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].diff_from < 0)
            continue;
        row_start(compare_row_model(&rows[i]), rows[i].weight, rows[i].calibration, width,
                  markdown);
        compare_row_name(&rows[rows[i].diff_from], from, sizeof from);
        if (markdown)
            printf(" | %s", from);
        else
            printf("  %-*s", from_width, from);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            char text[100];
            diff_cell(text, sizeof text, &rows[i].diff[k], markdown);
            put_cell(text, k, cw, markdown);
        }
        printf(markdown ? " |\n" : "\n");
    }
}

/* Text (aligned columns) or a Markdown table. */
static void print_table(const cv_setup *s, const compare_row *rows, size_t n, int markdown)
{
    char where[160];
    if (!markdown) {
        printf("%zu-fold %s cross-validation x %zu repeat%s on %zu rows of %s\n", s->n_folds,
               s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s", st_dataset_n_rows(s->ds),
               s->data_path);
        printf("threshold: %s%s; each cell: mean [95%% interval] over the folds; * best in "
               "its column (lowest for Brier and log loss)\n", s->rule_word,
               cv_threshold_where(s, where, sizeof where));
        int fixed = 0;
        for (size_t k = 0; k < n; k++)
            fixed |= rows[k].file != NULL;
        if (fixed && s->eval.rule != ST_THRESHOLD_FIXED)
            printf("threshold of the (fixed) --model rows: chosen on the model's own "
                   "predictions of each training part, since it is not refitted\n");
        if (s->recal != NULL)
            printf("calibration %s: fitted in each fold on a %ld-fold inner cross-validation "
                   "of its training part (the row's threshold on its calibrated out-of-fold "
                   "probabilities)\n", st_calibration_method_name(s->recal->method),
                   s->recal->folds);
        printf("\n");
    }
    const int recal = n > 0 && rows[0].calibration != NULL;
    const size_t all_folds = s->n_folds * s->n_repeats;
    int partial = 0; /* some cell's mean is over fewer folds ("+") */
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < COMPARE_N_COLS; k++)
            partial |= rows[i].col[k].defined > 0 && rows[i].col[k].defined < all_folds;
    const int cw = partial ? 22 : 21; /* "0.971 [0.960, 0.982]" and its marks */
    int width = 7;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(compare_row_model(&rows[i])) > width)
            width = (int)strlen(compare_row_model(&rows[i]));
    header(recal, width, 0, cw, markdown);
    for (size_t i = 0; i < n; i++) {
        row_start(compare_row_model(&rows[i]), rows[i].weight, rows[i].calibration, width,
                  markdown);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            char text[96], marked[100];
            cell(text, sizeof text, &rows[i].col[k]);
            const size_t m = rows[i].col[k].defined;
            snprintf(marked, sizeof marked, "%s%s%s", text,
                     m > 0 && m < all_folds ? "+" : "",
                     rows[i].best[k] ? (markdown ? " \\*" : "*") : "");
            put_cell(marked, k, cw, markdown);
        }
        printf(markdown ? " |\n" : "\n");
    }
    if (partial) /* a mean over fewer folds is of other test rows than its neighbours' */
        printf("\n+ over fewer than the %zu folds: the metric is undefined in the others (one "
               "class in the test fold, nothing predicted positive); JSON's folds_defined "
               "counts them\n", all_folds);
    char note[400];
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (compare_overlap_note(&rows[i], note, sizeof note)) {
            printf("%s%s\n", first ? "\n" : "", note);
            first = 0;
        }
    if (n > 1)
        print_differences(rows, n, width, markdown);
}

void compare_print(const cv_setup *s, const compare_row *rows, size_t n)
{
    switch (s->format) {
    case FORMAT_CSV: {
        char note[400]; /* a CSV table has no room for it */
        for (size_t i = 0; i < n; i++)
            if (compare_overlap_note(&rows[i], note, sizeof note))
                fprintf(stderr, "stratum: %s\n", note);
        print_csv(rows, n);
        break;
    }
    case FORMAT_JSON: print_json(s, rows, n); break;
    case FORMAT_MARKDOWN: print_table(s, rows, n, 1); break;
    default: print_table(s, rows, n, 0);
    }
}
