/* stratum explain MODEL DATA: why the model gives a row its risk (--rows, --where), or
 * which features matter over a whole dataset. */
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cmd_train_gbdt.h"
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

/* Loads MODEL, whichever family it is, into one handle: a boosted-trees model with the
 * iteration range of the common options. Returns an exit code (message printed). */
static int load_model(const char *path, const cli_common *common, st_model **out)
{
    st_error err;
    st_status rc;
    *out = NULL;
    if (cli_model_is_gbdt(path)) {
        st_gbdt *gb = NULL;
        if ((rc = cli_gbdt_load(path, common, &gb, &err)) == ST_OK &&
            (rc = st_model_from_gbdt(gb, out, &err)) != ST_OK)
            st_gbdt_free(gb);
    } else {
        if (cli_iteration_range_not_gbdt(common, "explain", path) != EXIT_OK)
            return EXIT_USAGE;
        st_logreg *lr = NULL;
        if ((rc = cli_logreg_load(path, &lr, &err)) == ST_OK &&
            (rc = st_model_from_logreg(lr, out, &err)) != ST_OK)
            st_logreg_free(lr);
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

static void progress(size_t rows_done, size_t rows_total, void *data)
{
    (void)rows_total, (void)data;
    cli_progress_done(rows_done);
}

/* Explains the chosen rows of ds, or ranks the features over all of them; prints and
 * writes the report. Returns an exit code. */
static int explain(const st_model *m, const st_dataset *ds, const char *data_path,
                   const cli_common *common, const explain_opts *o)
{
    const size_t n = st_dataset_n_rows(ds);
    const int by_rows = o->rows_given || o->where != NULL;
    for (size_t k = 0; by_rows && k < o->n_rows; k++)
        if (o->rows[k] >= n) {
            fprintf(stderr, "stratum: --rows %zu is past the end: %s has %zu data rows\n",
                    o->rows[k] + 1, data_path, n);
            return EXIT_FAILED;
        }
    st_explain_params ep = st_explain_params_default();
    ep.rows = by_rows ? o->rows : NULL;
    ep.n_rows = by_rows ? o->n_rows : 0;
    ep.global = !by_rows;
    ep.n_threads = common->threads;
    ep.progress = progress;
    st_explanation *ex = NULL;
    st_error err;
    if (!by_rows)
        cli_progress_begin("explain", n, "rows");
    st_status rc = st_model_explain(m, ds, &ep, &ex, &err);
    if (!by_rows)
        cli_progress_end();
    if (rc == ST_ERR_DATA)
        cli_name_file(&err, data_path); /* a feature the data lacks: say which data */
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    const size_t top_global = o->top_given ? (size_t)o->top : 0;
    if (by_rows)
        explain_print_rows(stdout, ex, (size_t)o->top, common->format);
    else
        explain_print_global(stdout, ex, top_global, common->format, data_path);
    if (o->report_path != NULL) {
        st_report_explain_input r = {m, ex, o->model_path, o->data_path, (size_t)o->top,
                                     top_global};
        if ((rc = st_report_explain(&r, o->report_path, NULL, NULL, &err)) != ST_OK)
            cli_fail(&err, rc);
    }
    st_explanation_free(ex);
    return rc == ST_OK ? EXIT_OK : EXIT_FAILED;
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
    if (cli_common_check("explain", &common) != EXIT_OK)
        return EXIT_USAGE;
    if (o.rows_given && o.where != NULL)
        return cli_usage_error("explain", "choose rows with --rows or --where, not both");
    if (o.top == 0 && (o.rows_given || o.where != NULL))
        o.top = 1000000; /* --top 0: every feature */
    const char *model_path = argv[optind], *data_path = cli_data_path(argv[optind + 1]);
    if (cli_check_model_first("explain", model_path, data_path) != EXIT_OK)
        return EXIT_USAGE;
    if (o.where != NULL && cli_check_reread("explain", "--where reads a column of DATA a "
                                            "second time", data_path) != EXIT_OK)
        return EXIT_USAGE;
    o.model_path = model_path, o.data_path = data_path;
    const cli_file in[] = {{"MODEL", model_path}, {"DATA", data_path},
                           {"--weight-file", common.weight_file}};
    const cli_file out[] = {{"--report", o.report_path}};
    const int checked = cli_check_files(in, 3, out, 1);
    if (checked != EXIT_OK)
        return checked;
    if (cli_positive_from_model(&common, model_path) != EXIT_OK)
        return EXIT_FAILED;
    st_model *m = NULL;
    int status = load_model(model_path, &common, &m);
    if (status != EXIT_OK)
        return status;
    st_dataset *ds = NULL;
    if ((status = cli_read_data(data_path, &common, &ds)) == EXIT_OK && o.where != NULL)
        status = find_where(data_path, ds, &common, &o);
    if (status == EXIT_OK)
        status = explain(m, ds, data_path, &common, &o);
    st_dataset_free(ds);
    st_model_free(m);
    return status;
}
