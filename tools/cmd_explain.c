/* stratum explain MODEL DATA: why the model gives a row its risk (--rows, --where), or
 * which features matter over a whole dataset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "explain.h"

static const char explain_help[] =
    "Usage: stratum explain MODEL DATA [--rows 17,42 | --where COLUMN=VALUE] [options]\n"
    "\n"
    "Explains the predictions of a model saved by 'stratum train' (or an XGBoost JSON or\n"
    "LightGBM text model, as 'stratum predict' takes) on DATA, through each feature's\n"
    "contribution to the row's log-odds (as 'stratum predict --contrib' writes them):\n"
    "positive raises the predicted risk, negative lowers it, and a row's\n"
    "contributions plus the model's bias add up to its log-odds. Logistic regression:\n"
    "coefficient x (value - training mean), a categorical feature's levels and its missing\n"
    "indicator summed; boosted trees: exact TreeSHAP.\n"
    "\n"
    "With --rows or --where, for each chosen row: the predicted risk and the features\n"
    "pushing it up and down most, with their values, e.g. 'predicted risk 12.3%' and\n"
    "'age = 81 raises the log-odds by 0.62'. Without them: every feature ranked by its mean |contribution| over the rows of\n"
    "DATA, beside split and gain importance (gbdt) or |standardised coefficient| (logreg).\n"
    "\n"
    "Options:\n"
    "      --rows LIST        data rows to explain, comma-separated, numbered from 1 = the\n"
    "                         first row after the header (blank lines not counted)\n"
    "      --where COL=VALUE  explain the rows whose column COL reads exactly VALUE (as\n"
    "                         text: an id column the model ignores works, e.g. --ignore id\n"
    "                         --where id=4411); CSV data only\n"
    "      --top K            features listed per direction for each row (default 5); for\n"
    "                         the ranking, the K most important (default: all; 0 = all)\n"
    "      --report FILE.html also write an HTML report with bar charts: each row's features\n"
    "                         pushing up and down, or the ranking beside gain (gbdt) or\n"
    "                         |standardised coefficient| (logreg); replaced atomically\n";

typedef struct explain_opts {
    size_t rows[1024];
    size_t n_rows;
    int rows_given;
    const char *where;
    long top;
    int top_given;
    const char *report_path;
    const char *model_path, *data_path;
} explain_opts;

/* "17,42" into 0-based rows; 0 when malformed (message printed). */
static int parse_rows(const char *arg, explain_opts *o)
{
    const char *s = arg;
    while (*s != '\0') {
        char item[32];
        size_t len = strcspn(s, ",");
        long v;
        if (len == 0 || len >= sizeof item || o->n_rows == sizeof o->rows / sizeof o->rows[0]) {
            cli_usage_error("explain", "--rows '%s': expected data row numbers such as 17,42 "
                            "(at most %zu)", arg, sizeof o->rows / sizeof o->rows[0]);
            return 0;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        if (!cli_parse_int(item, 1, 2000000000L, &v)) {
            cli_usage_error("explain", "--rows: '%s' is not a row number; rows are numbered "
                            "from 1, the first row after the header", item);
            return 0;
        }
        o->rows[o->n_rows++] = (size_t)(v - 1);
        s += len + (s[len] == ',');
    }
    if (o->n_rows == 0) {
        cli_usage_error("explain", "--rows needs at least one row number");
        return 0;
    }
    return 1;
}

/* The rows whose column reads VALUE into o->rows. Returns an exit code. */
static int find_where(const char *data_path, const st_dataset *ds, const cli_common *common,
                      explain_opts *o)
{
    const char *eq = strchr(o->where, '=');
    char column[512];
    size_t len = (size_t)(eq - o->where);
    if (len >= sizeof column)
        len = sizeof column - 1;
    memcpy(column, o->where, len);
    column[len] = '\0';
    const char *value = eq + 1;
    if (st_dataset_delimiter(ds) == 0) {
        fprintf(stderr, "stratum: --where reads a column of a CSV file; %s is not one (use "
                "--rows)\n", data_path);
        return EXIT_FAILED;
    }
    st_read_options opt = cli_read_options(common);
    opt.label_required = 0;
    char **texts = NULL;
    size_t n = 0;
    st_error err;
    st_status rc = st_csv_column_texts(data_path, &opt, column, &texts, &n, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    int status = EXIT_OK;
    if (n != st_dataset_n_rows(ds)) {
        fprintf(stderr, "stratum: %s: column '%s' has %zu rows but the data %zu\n", data_path,
                column, n, st_dataset_n_rows(ds));
        status = EXIT_FAILED;
    }
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        if (strcmp(texts[i], value) != 0)
            continue;
        if (o->n_rows == sizeof o->rows / sizeof o->rows[0]) {
            fprintf(stderr, "stratum: more than %zu rows of %s have %s = '%s'; choose rows "
                    "with --rows\n", o->n_rows, data_path, column, value);
            status = EXIT_FAILED;
        } else {
            o->rows[o->n_rows++] = i;
        }
    }
    st_texts_free(texts, n);
    if (status == EXIT_OK && o->n_rows == 0) {
        fprintf(stderr, "stratum: no row of %s has %s = '%s'\n", data_path, column, value);
        status = EXIT_FAILED;
    }
    return status;
}

/* Text of feature j's value in row i of ds. */
static char *value_text(const cli_model *m, const st_dataset *ds, size_t j, size_t i)
{
    const char *name = cli_model_feature_key(m, j);
    long src = st_dataset_find_feature_at(ds, name, j);
    char buf[64];
    const char *s = "missing";
    /* an absent LibSVM entry is missing to an XGBoost model, 0 to a stratum one */
    const int absent_missing = m->gb != NULL && st_gbdt_absent_is_missing(m->gb);
    if (src < 0 && !absent_missing && st_dataset_libsvm_unmentioned(ds, name))
        s = "0";
    if (src >= 0) {
        float v = cli_feature_value(ds, (size_t)src, i);
        if (isnan(v) || (absent_missing && !st_dataset_entry_present(ds, (size_t)src, i)))
            s = "missing";
        else if (st_dataset_feature_type(ds, (size_t)src) == ST_FEATURE_CATEGORICAL)
            s = st_dataset_level(ds, (size_t)src, (size_t)v);
        else
            snprintf(buf, sizeof buf, "%.7g", (double)v), s = buf;
    }
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (copy != NULL)
        memcpy(copy, s, len);
    return copy;
}

/* Row i's text in the column that featurizer f reads, as raw (the data before it was
 * featurized) holds it: NULL when missing. */
static const char *row_text(const st_dataset *raw, const st_text_featurizer *f, size_t i)
{
    long j = st_dataset_find_feature(raw, st_text_featurizer_column(f));
    if (j < 0 || st_dataset_feature_type(raw, (size_t)j) != ST_FEATURE_CATEGORICAL)
        return NULL;
    float v = cli_feature_value(raw, (size_t)j, i);
    return isnan(v) ? NULL : st_dataset_level(raw, (size_t)j, (size_t)v);
}

/* Explains the chosen rows. Returns an exit code. */
static int explain_rows(const cli_model *m, const st_dataset *raw, const st_dataset *ds,
                        const char *data_path, const cli_common *common, const explain_opts *o)
{
    const size_t n = st_dataset_n_rows(ds), nf = m->n_features;
    for (size_t k = 0; k < o->n_rows; k++)
        if (o->rows[k] >= n) {
            fprintf(stderr, "stratum: --rows %zu is past the end: %s has %zu data rows\n",
                    o->rows[k] + 1, data_path, n);
            return EXIT_FAILED;
        }
    st_error err;
    st_dataset *part = NULL;
    st_status rc = st_dataset_subset(ds, o->rows, o->n_rows, &part, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    double *p = malloc(o->n_rows * sizeof *p);
    double *c = malloc(o->n_rows * (nf + 1) * sizeof *c);
    explain_row *rows = calloc(o->n_rows, sizeof *rows);
    int status = EXIT_OK;
    if (p == NULL || c == NULL || rows == NULL) {
        fprintf(stderr, "stratum: out of memory for %zu rows\n", o->n_rows);
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK && ((rc = cli_model_predict(m, part, common->threads, p, &err)) != ST_OK ||
                              (rc = cli_model_contrib(m, part, common->threads, c, &err)) != ST_OK))
        status = cli_fail(&err, rc);
    for (size_t k = 0; k < o->n_rows && status == EXIT_OK; k++) {
        rows[k].row = o->rows[k];
        rows[k].p = p[k];
        rows[k].contrib = c + k * (nf + 1);
        if ((rows[k].values = calloc(nf ? nf : 1, sizeof *rows[k].values)) == NULL)
            status = EXIT_FAILED;
        for (size_t j = 0; j < nf && status == EXIT_OK; j++)
            if ((rows[k].values[j] = value_text(m, part, j, k)) == NULL)
                status = EXIT_FAILED;
        if (status == EXIT_OK && cli_model_n_text(m) > 0 &&
            (rows[k].texts = calloc(cli_model_n_text(m), sizeof *rows[k].texts)) == NULL)
            status = EXIT_FAILED;
        for (size_t t = 0; status == EXIT_OK && t < cli_model_n_text(m); t++)
            rows[k].texts[t] = row_text(raw, cli_model_text(m, t), o->rows[k]);
        if (status != EXIT_OK)
            fprintf(stderr, "stratum: out of memory for the values of row %zu\n", o->rows[k] + 1);
    }
    if (status == EXIT_OK)
        explain_print_rows(stdout, m, rows, o->n_rows, (size_t)o->top, common->format);
    if (status == EXIT_OK && o->report_path != NULL)
        status = report_explain_rows(o->report_path, m, o->model_path, o->data_path, rows,
                                     o->n_rows, (size_t)o->top);
    for (size_t k = 0; rows != NULL && k < o->n_rows; k++) {
        for (size_t j = 0; rows[k].values != NULL && j < nf; j++)
            free(rows[k].values[j]);
        free(rows[k].values);
        free(rows[k].texts);
    }
    free(rows), free(p), free(c);
    st_dataset_free(part);
    return status;
}

/* Mean |contribution| and mean contribution per feature over ds, a block of rows at a time
 * (summed in row order, so the result does not depend on the block size or threads). */
static st_status contribution_means(const cli_model *m, const st_dataset *ds, int threads,
                                    explain_global *g, st_error *err)
{
    /* 4,096 rows a block, fewer for wide models (a text model's tens of thousands of
     * term columns): at most 2^25 contributions (256 MB) at once */
    const size_t n = st_dataset_n_rows(ds), nf = m->n_features;
    const size_t wide = ((size_t)1 << 25) / (nf + 1), block = wide < 1 ? 1 : wide < 4096 ? wide : 4096;
    const size_t first = n < block ? n : block;
    double *c = malloc((first ? first : 1) * (nf + 1) * sizeof *c);
    size_t *rows = malloc((first ? first : 1) * sizeof *rows);
    st_status rc = ST_OK;
    if (c == NULL || rows == NULL) {
        free(c), free(rows);
        snprintf(err->message, sizeof err->message, "out of memory for %zu rows", first);
        return err->code = ST_ERR_NOMEM;
    }
    cli_progress_begin("explain", n, "rows");
    for (size_t start = 0; start < n && rc == ST_OK; start += block) {
        size_t len = n - start < block ? n - start : block;
        st_dataset *part = NULL;
        cli_progress_done(start);
        if (len < n) {
            for (size_t i = 0; i < len; i++)
                rows[i] = start + i;
            rc = st_dataset_subset(ds, rows, len, &part, err);
        }
        if (rc == ST_OK)
            rc = cli_model_contrib(m, part != NULL ? part : ds, threads, c, err);
        for (size_t i = 0; i < len && rc == ST_OK; i++)
            for (size_t j = 0; j < nf; j++) {
                g->mean_abs[j] += fabs(c[i * (nf + 1) + j]);
                g->mean[j] += c[i * (nf + 1) + j];
            }
        st_dataset_free(part);
    }
    if (rc == ST_OK)
        cli_progress_done(n);
    cli_progress_end();
    for (size_t j = 0; j < nf && n > 0; j++)
        g->mean_abs[j] /= (double)n, g->mean[j] /= (double)n;
    g->n_rows = n;
    free(c), free(rows);
    return rc;
}

/* Logistic regression: per feature, the largest |coefficient x training SD| of its columns. */
static void standardised_coefs(const st_logreg *m, double *out)
{
    const double *sd = st_logreg_col_sds(m), *w = st_logreg_coefs(m);
    for (size_t j = 0; j < st_logreg_n_features(m); j++)
        out[j] = 0;
    for (size_t k = 0; sd != NULL && k < st_logreg_n_coefs(m); k++) {
        long j = st_logreg_coef_feature(m, k);
        if (j >= 0 && fabs(w[k] * sd[k]) > out[j])
            out[j] = fabs(w[k] * sd[k]);
    }
}

static int explain_global_ranking(const cli_model *m, const st_dataset *ds, const char *data_path,
                                  const cli_common *common, const explain_opts *o)
{
    const size_t nf = m->n_features, slots = nf ? nf : 1;
    explain_global g = {0};
    g.mean_abs = calloc(slots, sizeof *g.mean_abs);
    g.mean = calloc(slots, sizeof *g.mean);
    double *own = calloc(2 * slots, sizeof *own);
    st_error err;
    st_status rc = ST_OK;
    if (g.mean_abs == NULL || g.mean == NULL || own == NULL) {
        snprintf(err.message, sizeof err.message, "out of memory for %zu features", nf);
        rc = ST_ERR_NOMEM;
    }
    if (rc == ST_OK)
        rc = contribution_means(m, ds, common->threads, &g, &err);
    if (rc == ST_OK && m->gb != NULL) {
        g.split = own, g.gain = own + slots;
        if ((rc = st_gbdt_feature_importance(m->gb, ST_GBDT_IMPORTANCE_SPLIT, g.split, nf,
                                             &err)) == ST_OK)
            rc = st_gbdt_feature_importance(m->gb, ST_GBDT_IMPORTANCE_GAIN, g.gain, nf, &err);
    } else if (rc == ST_OK) {
        g.std_coef = own;
        standardised_coefs(m->lr, g.std_coef);
    }
    int status = rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
    if (status == EXIT_OK)
        explain_print_global(stdout, m, &g, o->top_given ? (size_t)o->top : 0, common->format,
                             data_path);
    if (status == EXIT_OK && o->report_path != NULL)
        status = report_explain_global(o->report_path, m, o->model_path, data_path, &g,
                                       o->top_given ? (size_t)o->top : 0);
    free(g.mean_abs), free(g.mean), free(own);
    return status;
}

int cmd_explain(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS, CLI_ITERATION_OPTION, {"rows", required_argument, NULL, 2001},
        {"where", required_argument, NULL, 2002}, {"top", required_argument, NULL, 2003},
        {"report", required_argument, NULL, 2004}, {NULL, 0, NULL, 0}};
    cli_common common;
    cli_common_init(&common);
    explain_opts o;
    memset(&o, 0, sizeof o);
    o.top = 5;
    int code;
    optind = 1;
    while ((code = cli_getopt("explain", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        switch (code) {
        case 'h':
            printf("%s%s\n%s", explain_help, cli_iteration_help, cli_common_help);
            return EXIT_OK;
        case 2001:
            if (o.rows_given)
                return cli_usage_error("explain", "give --rows once, as a list: --rows 17,42");
            o.rows_given = 1;
            if (!parse_rows(optarg, &o))
                return EXIT_USAGE;
            break;
        case 2002:
            if (strchr(optarg, '=') == NULL || optarg[0] == '=')
                return cli_usage_error("explain", "--where '%s': expected COLUMN=VALUE, e.g. "
                                       "--where id=4411", optarg);
            o.where = optarg;
            break;
        case 2003:
            if (!cli_parse_int(optarg, 0, 1000000L, &o.top))
                return cli_usage_error("explain", "--top '%s': expected a whole number >= 0",
                                       optarg);
            o.top_given = 1;
            break;
        case 2004:
            o.report_path = optarg;
            break;
        default:
            return cli_usage_error("explain", "unknown option or missing value '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("explain", "expected MODEL and DATA, got %d arguments",
                               argc - optind);
    if (o.rows_given && o.where != NULL)
        return cli_usage_error("explain", "choose rows with --rows or --where, not both");
    if (o.top == 0 && (o.rows_given || o.where != NULL))
        o.top = 1000000; /* --top 0: every feature */
    const char *model_path = argv[optind], *data_path = argv[optind + 1];
    if (cli_check_model_first("explain", model_path, data_path) != EXIT_OK)
        return EXIT_USAGE;
    o.model_path = model_path, o.data_path = data_path;
    if (o.report_path != NULL &&
        (cli_same_file(o.report_path, model_path) || cli_same_file(o.report_path, data_path))) {
        fprintf(stderr, "stratum: --report %s is an input file; choose another path\n",
                o.report_path);
        return EXIT_FAILED;
    }
    cli_model m;
    int status = cli_model_load(model_path, &common, "explain", &m);
    if (status != EXIT_OK)
        return status;
    st_dataset *raw = NULL, *ds = NULL;
    if ((status = cli_read_data(data_path, &common, &raw)) == EXIT_OK) {
        st_error err;
        ds = raw; /* a text model: raw text in, featurized into a copy (raw keeps the texts) */
        st_status rc = cli_model_featurize(&m, &ds, 0, &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
        if (status == EXIT_OK && o.where != NULL)
            status = find_where(data_path, ds, &common, &o);
        if (status == EXIT_OK && (o.rows_given || o.where != NULL))
            status = explain_rows(&m, raw, ds, data_path, &common, &o);
        else if (status == EXIT_OK)
            status = explain_global_ranking(&m, ds, data_path, &common, &o);
    }
    if (ds != raw)
        st_dataset_free(ds);
    st_dataset_free(raw);
    cli_model_free(&m);
    return status;
}
