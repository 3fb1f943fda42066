/* stratum info DATA: what a user checks before training. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char info_help[] =
    "Usage: stratum info DATA [options]\n"
    "\n"
    "Summarises a CSV or LibSVM file as stratum reads it: rows, each column's type\n"
    "(numeric or categorical), missing share, range and levels, and the label's\n"
    "class balance. Check it before training. A column with a different value in\n"
    "(almost) every row (an identifier or row number; see st_dataset_column_is_id in\n"
    "include/stratum/dataset.h) gets a note after the table (json: \"looks_like_id\"),\n"
    "and train, cv and compare warn about it: leave it out with --ignore COL.\n"
    "A column of numbers that a few cells of text ('abc', 'pending', '<0.005',\n"
    "'1,00') made categorical gets a note too, naming the first such cell and the\n"
    "fixes: --numeric COL, --categorical COL, --censored, --decimal ,\n"
    "(json: \"cells\": counts of numbers, censored values, decimal commas and text).\n"
    "Non-zeros are the values other than 0 (a missing value counts): for the table,\n"
    "with the density (their share of the values), and per column for a LibSVM file\n"
    "(json, csv and markdown: always). A LibSVM file's columns with an entry in\n"
    "fewer than half of the rows are stored sparse, their entries only (json:\n"
    "\"sparse\"), so a table of EHR codes costs its entries, not rows x columns.\n"
    "In the text table, a name or level that is empty, starts or ends with a space, or\n"
    "holds a line end, tab or other control character is shown in double quotes with\n"
    "C's escapes (\\n, \\r, \\t, \\\", \\\\, \\xHH), so every column stays one row and\n"
    "'Age ' is told from 'Age'; json, csv and markdown carry the texts themselves.\n"
    "\n"
    "Options:\n"
    "  --levels N             levels shown per categorical column in text output\n"
    "                         (default: 5; json lists them all, up to 1000)\n";

typedef struct level_count {
    const char *text;
    size_t count;
} level_count;

static int by_count_desc(const void *a, const void *b)
{
    const level_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

/* Levels of feature j, most frequent first; NULL when out of memory. */
static level_count *sorted_levels(const st_dataset *ds, size_t j, size_t *n)
{
    *n = st_dataset_n_levels(ds, j);
    size_t *counts = calloc(*n + 1, sizeof *counts);
    level_count *levels = calloc(*n + 1, sizeof *levels);
    if (counts == NULL || levels == NULL ||
        st_dataset_level_counts(ds, j, counts, *n, NULL) != ST_OK) {
        free(counts);
        free(levels);
        return NULL;
    }
    for (size_t k = 0; k < *n; k++) {
        levels[k].text = st_dataset_level(ds, j, k);
        levels[k].count = counts[k];
    }
    free(counts);
    qsort(levels, *n, sizeof *levels, by_count_desc);
    return levels;
}

/* Whether the text table shows s in double quotes: a text that is empty, starts or ends
 * with a space, starts with a quote, or holds a control character (a quoted field's line
 * end, a tab) would otherwise break the table's rows or look like another text ("Age "
 * like Age). */
static int needs_quotes(const char *s, size_t len)
{
    if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[0] == '"')
        return 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* s[0..len) as the text table shows it, into a new string (NULL when out of memory): as
 * is, or quoted with C's escapes (\n, \r, \t, \", \\, \xHH) when needs_quotes; `cut`
 * (the full text was longer) adds "..." after it. */
static char *shown_text(const char *s, size_t len, int quote, int cut)
{
    char *out = malloc(4 * len + 8), *o = out;
    if (out == NULL)
        return NULL;
    if (quote)
        *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        const char *esc = !quote ? NULL : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t'
                          ? "\\t" : c == '"' ? "\\\"" : c == '\\' ? "\\\\" : NULL;
        if (esc != NULL) {
            memcpy(o, esc, 2);
            o += 2;
        } else if (quote && (c < 0x20 || c == 0x7f)) {
            o += sprintf(o, "\\x%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    if (quote)
        *o++ = '"';
    if (cut)
        memcpy(o, "...", 3), o += 3;
    *o = '\0';
    return out;
}

/* A name (column, label, class) as the text output shows it (shown_text); NULL when out
 * of memory. */
static char *shown_name(const char *s)
{
    return shown_text(s, strlen(s), needs_quotes(s, strlen(s)), 0);
}

/* One level in the text table, cut to 40 bytes (at a UTF-8 character boundary) so that a
 * stray 10 MB field cannot flood the terminal, and shown by shown_text. */
static int print_level(const char *text, size_t count, int first)
{
    const size_t max_shown = 40;
    size_t len = strlen(text), shown = len;
    if (len > max_shown) {
        shown = max_shown;
        while (shown > 0 && ((unsigned char)text[shown] & 0xC0) == 0x80)
            shown--;
    }
    char *t = shown_text(text, shown, needs_quotes(text, len), shown < len);
    if (t == NULL)
        return 0;
    printf("%s %s (%zu)", first ? "" : ",", t, count);
    free(t);
    return 1;
}

static const char *type_name(st_feature_type t)
{
    return t == ST_FEATURE_CATEGORICAL ? "categorical" : "numeric";
}

static const char *delimiter_name(char d)
{
    switch (d) {
    case ',': return ",";
    case ';': return ";";
    case '\t': return "tab";
    case '|': return "|";
    default: return "";
    }
}

static double share(size_t part, size_t whole) { return whole ? (double)part / (double)whole : 0.0; }

/* A density as a percentage, with enough digits for the sparse tables' small ones. */
static const char *density_text(size_t part, size_t whole, char buf[32])
{
    const double pct = 100.0 * share(part, whole);
    snprintf(buf, 32, pct == 0 || pct >= 1 ? "%.2f%%" : "%.2g%%", pct);
    return buf;
}

static void print_number_cell(double v, int width)
{
    if (isnan(v))
        printf("  %*s", width, "");
    else
        printf("  %*.6g", width, v);
}

/* Characters a UTF-8 name shows as (its bytes but continuation bytes). */
static int shown_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* s, then spaces up to width shown characters: columns stay aligned whatever the names. */
static void print_padded(const char *s, int width)
{
    printf("%s%*s", s, width - shown_width(s) > 0 ? width - shown_width(s) : 0, "");
}

static int any_sparse(const st_dataset *ds)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++)
        if (st_dataset_feature_is_sparse(ds, j))
            return 1;
    return 0;
}

static int print_text(const char *path, const st_dataset *ds, size_t levels_shown)
{
    size_t n_rows = st_dataset_n_rows(ds), n_features = st_dataset_n_features(ds);
    size_t n_cat = 0;
    for (size_t j = 0; j < n_features; j++)
        n_cat += st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL;
    size_t mem = st_dataset_memory_bytes(ds);
    printf("file      %s\n", path);
    printf("rows      %zu", n_rows);
    if (st_dataset_rows_skipped(ds) > 0)
        printf(" (%zu row%s with a missing label skipped)", st_dataset_rows_skipped(ds),
               st_dataset_rows_skipped(ds) == 1 ? "" : "s");
    printf("\nfeatures  %zu (%zu numeric, %zu categorical)\n", n_features, n_features - n_cat, n_cat);
    if (st_dataset_labels(ds) != NULL) {
        st_label_summary ls;
        st_dataset_label_summary(ds, &ls, NULL);
        char *label = shown_name(st_dataset_label_name(ds));
        char *pos = shown_name(st_dataset_class_name(ds, 1));
        char *neg = shown_name(st_dataset_class_name(ds, 0));
        if (label != NULL && pos != NULL && neg != NULL)
            printf("label     %s: %zu positive ('%s'), %zu negative ('%s'); positive rate "
                   "%.2f%%\n", label, ls.n_positive, pos, ls.n_negative, neg,
                   100.0 * ls.positive_rate);
        free(label), free(pos), free(neg);
        if (label == NULL || pos == NULL || neg == NULL)
            return EXIT_FAILED;
        if (st_dataset_weights(ds) != NULL)
            printf("weights   %s: weighted positive rate %.2f%%\n", st_dataset_weight_name(ds),
                   100.0 * ls.weighted_positive_rate);
    } else {
        printf("label     none (no column named as the label)\n");
    }
    const char *unit = mem >= 1000000 ? "MB" : "kB";
    printf("memory    %.1f %s (%.2f bytes per value)\n", (double)mem / (mem >= 1000000 ? 1e6 : 1e3),
           unit, share(mem, n_rows * (n_features ? n_features : 1)));
    const size_t nonzeros = st_dataset_nonzeros(ds);
    char density[32];
    printf("non-zeros %zu of %zu values (density %s)\n", nonzeros, n_rows * n_features,
           density_text(nonzeros, n_rows * n_features, density));
    int name_width = 6; /* "column", or the longest name */
    for (size_t j = 0; j < n_features; j++) {
        char *name = shown_name(st_dataset_feature_name(ds, j));
        if (name == NULL)
            return EXIT_FAILED;
        if (shown_width(name) > name_width)
            name_width = shown_width(name);
        free(name);
    }
    printf("\n%4s  ", "#");
    print_padded("column", name_width);
    /* a column of non-zeros for the tables where zeros are the rule (LibSVM, sparse
       columns); a CSV file's table keeps its columns */
    const int show_nonzeros = st_dataset_is_libsvm(ds) || any_sparse(ds);
    printf("  %-11s  %17s  %12s  %12s  %12s  ", "type", "missing", "min", "mean", "max");
    if (show_nonzeros)
        printf("%17s  ", "non-zeros");
    printf("levels\n");
    for (size_t j = 0; j < n_features; j++) {
        st_column_summary s;
        st_dataset_column_summary(ds, j, &s, NULL);
        printf("%4zu  ", j + 1);
        char *name = shown_name(st_dataset_feature_name(ds, j));
        if (name == NULL)
            return EXIT_FAILED;
        print_padded(name, name_width);
        free(name);
        printf("  %-11s  %8zu (%5.1f%%)", type_name(st_dataset_feature_type(ds, j)), s.n_missing,
               100.0 * share(s.n_missing, n_rows));
        print_number_cell(s.min, 12);
        print_number_cell(s.mean, 12);
        print_number_cell(s.max, 12);
        const size_t nz = st_dataset_feature_nonzeros(ds, j);
        if (show_nonzeros)
            printf("  %8zu (%5.1f%%)", nz, 100.0 * share(nz, n_rows));
        if (st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL) {
            size_t n;
            level_count *lv = sorted_levels(ds, j, &n);
            if (lv == NULL)
                return EXIT_FAILED;
            printf("  %zu:", n);
            for (size_t k = 0; k < n && k < levels_shown; k++)
                if (!print_level(lv[k].text, lv[k].count, k == 0)) {
                    free(lv);
                    return EXIT_FAILED;
                }
            if (n > levels_shown)
                printf(", ...");
            free(lv);
        }
        printf("\n");
    }
    /* after the table, so that its columns stay as they are */
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        int is_id = 0;
        if (st_dataset_column_is_id(ds, j, &is_id, NULL) != ST_OK)
            return EXIT_FAILED;
        char *name = is_id ? shown_name(st_dataset_feature_name(ds, j)) : NULL;
        if (is_id && name == NULL)
            return EXIT_FAILED;
        if (is_id)
            printf("note: '%s' has a different value in (almost) every row: an identifier or "
                   "row number? If so, train with --ignore %s\n", name, name);
        free(name);
    }
    cli_info_cell_notes(ds);
    return EXIT_OK;
}

static int print_json(const char *path, const st_dataset *ds)
{
    size_t n_rows = st_dataset_n_rows(ds), n_features = st_dataset_n_features(ds);
    printf("{\"file\": ");
    json_string(stdout, path);
    printf(", \"rows\": %zu, \"rows_skipped\": %zu, \"blank_lines\": %zu, \"n_features\": %zu",
           n_rows, st_dataset_rows_skipped(ds), st_dataset_blank_lines(ds), n_features);
    printf(", \"delimiter\": ");
    json_string(stdout, delimiter_name(st_dataset_delimiter(ds)));
    printf(", \"memory_bytes\": %zu, \"nonzeros\": %zu, \"density\": ",
           st_dataset_memory_bytes(ds), st_dataset_nonzeros(ds));
    json_number(stdout, share(st_dataset_nonzeros(ds), n_rows * n_features));
    printf(", \"label\": ");
    if (st_dataset_labels(ds) != NULL) {
        st_label_summary ls;
        st_dataset_label_summary(ds, &ls, NULL);
        printf("{\"name\": ");
        json_string(stdout, st_dataset_label_name(ds));
        printf(", \"positive_class\": ");
        json_string(stdout, st_dataset_class_name(ds, 1));
        printf(", \"negative_class\": ");
        json_string(stdout, st_dataset_class_name(ds, 0));
        printf(", \"n_positive\": %zu, \"n_negative\": %zu, \"positive_rate\": ", ls.n_positive,
               ls.n_negative);
        json_number(stdout, ls.positive_rate);
        printf(", \"weighted_positive_rate\": ");
        json_number(stdout, ls.weighted_positive_rate);
        printf("}");
    } else {
        printf("null");
    }
    printf(", \"weight\": ");
    if (st_dataset_weights(ds) != NULL)
        json_string(stdout, st_dataset_weight_name(ds));
    else
        printf("null");
    printf(", \"features\": [");
    for (size_t j = 0; j < n_features; j++) {
        st_column_summary s;
        st_dataset_column_summary(ds, j, &s, NULL);
        printf("%s\n  {\"name\": ", j ? "," : "");
        json_string(stdout, st_dataset_feature_name(ds, j));
        printf(", \"type\": \"%s\", \"missing\": %zu, \"missing_share\": ",
               type_name(st_dataset_feature_type(ds, j)), s.n_missing);
        json_number(stdout, share(s.n_missing, n_rows));
        printf(", \"min\": ");
        json_number(stdout, s.min);
        printf(", \"max\": ");
        json_number(stdout, s.max);
        printf(", \"mean\": ");
        json_number(stdout, s.mean);
        printf(", \"sd\": ");
        json_number(stdout, s.sd);
        const size_t nz = st_dataset_feature_nonzeros(ds, j);
        printf(", \"nonzeros\": %zu, \"density\": ", nz);
        json_number(stdout, share(nz, n_rows));
        printf(", \"sparse\": %s", st_dataset_feature_is_sparse(ds, j) ? "true" : "false");
        int is_id = 0;
        if (st_dataset_column_is_id(ds, j, &is_id, NULL) != ST_OK)
            return EXIT_FAILED;
        printf(", \"n_levels\": %zu, \"looks_like_id\": %s", s.n_levels, is_id ? "true" : "false");
        cli_info_cells_json(ds, j);
        if (st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL) {
            size_t n;
            level_count *lv = sorted_levels(ds, j, &n);
            if (lv == NULL)
                return EXIT_FAILED;
            printf(", \"levels\": [");
            for (size_t k = 0; k < n && k < 1000; k++) {
                printf("%s{\"value\": ", k ? ", " : "");
                json_string(stdout, lv[k].text);
                printf(", \"count\": %zu}", lv[k].count);
            }
            printf("]");
            free(lv);
        }
        printf("}");
    }
    printf("\n]}\n");
    return EXIT_OK;
}

/* One row per column, for csv and markdown. */
static int print_table(const st_dataset *ds, cli_format format)
{
    const char *sep = format == FORMAT_CSV ? "," : " | ";
    const char *open = format == FORMAT_CSV ? "" : "| ", *close = format == FORMAT_CSV ? "" : " |";
    size_t n_rows = st_dataset_n_rows(ds);
    printf("%scolumn%stype%smissing%smissing_share%smin%smean%smax%ssd%slevels%snonzeros%s"
           "density%s\n", open, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, close);
    if (format == FORMAT_MARKDOWN)
        printf("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_summary s;
        st_dataset_column_summary(ds, j, &s, NULL);
        fputs(open, stdout);
        if (format == FORMAT_CSV) /* names may hold the delimiter */
            csv_field(stdout, st_dataset_feature_name(ds, j));
        else
            markdown_cell(stdout, st_dataset_feature_name(ds, j));
        printf("%s%s%s%zu%s%.6g", sep, type_name(st_dataset_feature_type(ds, j)), sep,
               s.n_missing, sep, share(s.n_missing, n_rows));
        double stats[4] = {s.min, s.mean, s.max, s.sd};
        for (int k = 0; k < 4; k++) {
            if (isnan(stats[k]))
                printf("%s", sep);
            else
                printf("%s%.10g", sep, stats[k]);
        }
        const size_t nz = st_dataset_feature_nonzeros(ds, j);
        printf("%s%zu%s%zu%s%.6g%s\n", sep, s.n_levels, sep, nz, sep, share(nz, n_rows), close);
    }
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS, {"levels", required_argument, NULL, 2001}, {NULL, 0, NULL, 0}};
    cli_common common;
    cli_common_init(&common);
    long levels_shown = 5;
    int code;
    optind = 1;
    while ((code = cli_getopt("info", argc, argv, "qh", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s\n%s", info_help, cli_common_help);
            return EXIT_OK;
        }
        if (code == 2001) {
            char *end;
            levels_shown = strtol(optarg, &end, 10);
            if (*end != '\0' || levels_shown < 0)
                return cli_usage_error("info", "--levels '%s': expected a whole number >= 0",
                                       optarg);
            continue;
        }
        return cli_usage_error("info", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage_error("info", "expected one DATA file, got %d", argc - optind);
    if (cli_common_check("info", &common) != EXIT_OK)
        return EXIT_USAGE;
    const char *path = cli_data_path(argv[optind]); /* "-": standard input */
    st_read_options opt = cli_read_options(&common);
    opt.label_required = common.label_given;
    st_error err;
    st_dataset *ds = NULL;
    st_status rc = st_dataset_read(path, &opt, &ds, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_data(ds, path);
    if (cli_warn_lossy_numbers(ds, path) != EXIT_OK) {
        st_dataset_free(ds);
        return EXIT_FAILED;
    }
    int status;
    switch (common.format) {
    case FORMAT_JSON: status = print_json(path, ds); break;
    case FORMAT_CSV:
    case FORMAT_MARKDOWN: status = print_table(ds, common.format); break;
    default: status = print_text(path, ds, (size_t)levels_shown); break;
    }
    st_dataset_free(ds);
    if (status != EXIT_OK)
        fprintf(stderr, "stratum: out of memory while printing the summary\n");
    return status;
}
