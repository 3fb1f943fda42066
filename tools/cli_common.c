/* Options shared by every command, and error reporting. */
#include "cli.h"
#include "cli_progress.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char cli_common_help[] =
    "Data options (all commands):\n"
    "  --label COL            label column name, or #N for the 0-based column index (default: label)\n"
    "  --positive VALUE       label value of the positive class (default: 1, true or yes;\n"
    "                         0, false, no and -1 are then negative; a model trained with\n"
    "                         another records it, and the commands that read data for it\n"
    "                         use it)\n"
    "  --ignore COLS          comma-separated columns to leave out (ids, leaky columns);\n"
    "                         in any list, a name holding a comma goes in double quotes:\n"
    "                         --ignore '\"BP, systolic\",id'\n"
    "  --weight-col COL       column of non-negative row weights (default: none)\n"
    "  --weight-file FILE     row weights from FILE instead, one number >= 0 per line for\n"
    "                         each data row, as LightGBM's DATA.weight (default: none;\n"
    "                         never read unless given)\n"
    "  --delimiter C          CSV field separator: ',' ';' 'tab' or '|' (default: detected)\n"
    "  --no-header            the CSV has no header line (LightGBM, XGBoost text files):\n"
    "                         every line is data and columns are named by 0-based position\n"
    "                         0, 1, 2, ..., so e.g. --label 0 --weight-col 29 --ignore 3\n"
    "                         (default: the first line names the columns)\n"
    "  --na-values LIST       comma-separated texts meaning missing (default: empty, NA, N/A,\n"
    "                         n/a, NaN, nan, -nan, NULL, null, None, ?, #N/A, <NA>)\n"
    "  --numeric COLS         comma-separated columns read as numbers whatever they hold:\n"
    "                         a cell that is not a number becomes missing (a warning says\n"
    "                         how many). Default: a column is numeric when every cell is a\n"
    "                         number (or missing), so one word ('abc', 'pending') makes it\n"
    "                         categorical; train, cv and compare warn about such columns.\n"
    "                         Give predict, evaluate and explain the same column options\n"
    "                         as train: a model's numeric column read as categorical is\n"
    "                         an error naming the first cell that is not a number\n"
    "  --categorical COLS     comma-separated columns read as categories (codes such as\n"
    "                         ICD-9 diagnoses), which also silences that warning\n"
    "  --censored POLICY      cells such as <0.005, >500, <=1, >=2 (a result beyond a\n"
    "                         lab assay's limits) in columns of numbers: text (read as any\n"
    "                         word: the column turns categorical, or with --numeric the cell\n"
    "                         is missing), bound (the number: <0.005 is 0.005), missing, or\n"
    "                         error (stop at the first, naming it). Default: text\n"
    "  --decimal C            the decimal mark of numbers: '.' or ',' (1,00 is one, and\n"
    "                         1.5 is text); ',' needs a delimiter other than ','\n"
    "                         (default: '.')\n"
    "  --skip-missing-labels  skip rows whose label is missing and report how many\n"
    "                         (default: such rows are an error)\n"
    "  --libsvm-base 0|1      LibSVM files: 0 allows feature index 0, 1 makes it an error\n"
    "                         (default: 0 when some line has an index 0, else 1). Index k\n"
    "                         is feature 'fk' either way; a model feature 'fk' beyond the\n"
    "                         file's indices is absent in every row: 0 for stratum models,\n"
    "                         missing for XGBoost models (an absent entry, as XGBoost\n"
    "                         reads LibSVM)\n"
    "General options:\n"
    "  --threads N            worker threads, 0 = all cores (default: 0)\n"
    "  --seed N               random seed (default: 42)\n"
    "  --format F             output: text, json, csv or markdown (default: text)\n"
    "  -q, --quiet            no progress or notes on stderr (warnings still show)\n"
    "  --progress             draw the progress line of long work (which fold, which\n"
    "                         setting, trees done, elapsed time, ETA) on stderr even when\n"
    "                         it is not a terminal, or with -q\n"
    "  --no-progress          never draw it (default: drawn when stderr is a terminal,\n"
    "                         unless -q; never in a pipe or a log file)\n"
    "  -h, --help             this help\n"
    "A data file named '-' (DATA, REFERENCE, NEW, --valid, --scores, --weight-file) is\n"
    "standard input, which can be read once: two of them '-', or an option that reads DATA\n"
    "twice (predict --keep, explain --where, evaluate --scores), is refused. An output '-'\n"
    "is standard output where that output is what the command prints (predict -o, train\n"
    "--lambda-path -o); models, --oof, --report, curves and tables are files, so '-' is\n"
    "refused there. ./- names a file called '-'.\n";

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->label = "label";
    c->label_index = -1;
    c->seed = ST_DEFAULT_SEED;
    c->format = FORMAT_TEXT;
    c->libsvm_zero_based = -1;
    c->censored = ST_CENSORED_TEXT;
    c->decimal = '.';
    c->progress = -1;
    cli_progress_mode(c->progress, c->quiet);
}

const char cli_iteration_help[] =
    "  --iteration-range A:B  boosted trees: score with iterations A to B-1 only (XGBoost's\n"
    "                         iteration_range; an iteration is one tree of a stratum model,\n"
    "                         num_parallel_tree trees of an XGBoost one). Default: every\n"
    "                         iteration, except that an XGBoost model saved after early\n"
    "                         stopping uses 0 to its best_iteration, as predict_proba does\n"
    "                         (a note says so; give 0:N for all N)\n";

/* "A:B" with 0 <= A < B, both whole numbers. */
static int parse_range(const char *arg, int *a, int *b)
{
    const char *colon = strchr(arg, ':');
    char first[32];
    long x, y;
    if (colon == NULL || (size_t)(colon - arg) >= sizeof first)
        return 0;
    memcpy(first, arg, (size_t)(colon - arg));
    first[colon - arg] = '\0';
    if (!cli_parse_int(first, 0, 2147483646L, &x) || !cli_parse_int(colon + 1, 1, 2147483647L, &y) ||
        x >= y)
        return 0;
    *a = (int)x;
    *b = (int)y;
    return 1;
}

/* Copies arg into c->lists and splits it at commas into out[]. */
static int split_list(cli_common *c, const char *arg, const char **out, size_t max, size_t *n,
                      const char *what)
{
    size_t len = strlen(arg);
    if (c->lists_used + len + 1 > sizeof c->lists) {
        fprintf(stderr, "stratum: the %s list is too long\n", what);
        return -1;
    }
    char *w = c->lists + c->lists_used;
    c->lists_used += len + 1;
    return cli_split_names(arg, w, out, max, n, what);
}

int cli_split_names(const char *arg, char *w, const char **out, size_t max, size_t *n,
                    const char *what)
{
    /* items as CSV fields: "BP, systolic" (quoted, "" for a quote) names a column whose
       name holds a comma; the unquoted items are written into w as they are read */
    for (const char *p = arg;;) {
        char *item = w;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0') {
                    fprintf(stderr, "stratum: the %s list has an unclosed quote: %s\n", what,
                            arg);
                    return -1;
                }
                if (*p == '"' && p[1] != '"')
                    break;
                *w++ = *p;
                p += *p == '"'; /* "" is one quote */
            }
            p++;
            if (*p != ',' && *p != '\0') {
                fprintf(stderr, "stratum: the %s list has text after a closing quote: %s\n",
                        what, arg);
                return -1;
            }
        } else {
            while (*p != ',' && *p != '\0')
                *w++ = *p++;
        }
        *w++ = '\0';
        if (*n == max) {
            fprintf(stderr, "stratum: more than %zu %s\n", max, what);
            return -1;
        }
        out[(*n)++] = item;
        if (*p == '\0')
            break;
        p++; /* the comma */
    }
    return 1;
}

static int parse_long(const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno != 0 || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

int cli_parse_double(const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

int cli_parse_int(const char *arg, long lo, long hi, long *out)
{
    return parse_long(arg, lo, hi, out);
}

static int bad_value(const char *option, const char *arg, const char *expected)
{
    fprintf(stderr, "stratum: --%s '%s': expected %s\n", option, arg, expected);
    return -1;
}

int cli_common_option(cli_common *c, int code, const char *arg)
{
    long v;
    switch (code) {
    case 1001:
        c->label_given = 1;
        if (arg[0] == '#') {
            if (!parse_long(arg + 1, 0, 1000000000L, &v))
                return bad_value("label", arg, "a column name or #INDEX");
            c->label_index = v;
        } else {
            c->label = arg;
        }
        return 1;
    case 1002: c->positive = arg; return 1;
    case 1003:
        return split_list(c, arg, c->ignore, sizeof c->ignore / sizeof c->ignore[0],
                          &c->n_ignore, "ignored columns");
    case 1004: c->weight_col = arg; return 1;
    case 1005:
        if (!parse_long(arg, 0, 1024, &v))
            return bad_value("threads", arg, "a whole number from 0 to 1024");
        c->threads = (int)v;
        return 1;
    case 1006: {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(arg, &end, 10);
        if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-')
            return bad_value("seed", arg, "a whole number >= 0");
        c->seed = s;
        return 1;
    }
    case 1007:
        if (strcmp(arg, "text") == 0) c->format = FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0) c->format = FORMAT_JSON;
        else if (strcmp(arg, "csv") == 0) c->format = FORMAT_CSV;
        else if (strcmp(arg, "markdown") == 0) c->format = FORMAT_MARKDOWN;
        else return bad_value("format", arg, "text, json, csv or markdown");
        return 1;
    case 1008:
        if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0) c->delimiter = '\t';
        else if (strlen(arg) == 1 && strchr(",;\t|", arg[0]) != NULL) c->delimiter = arg[0];
        else return bad_value("delimiter", arg, "',', ';', 'tab' or '|'");
        return 1;
    case 1009:
        c->use_na_values = 1;
        return split_list(c, arg, c->na_values, sizeof c->na_values / sizeof c->na_values[0],
                          &c->n_na_values, "missing-value texts");
    case 1010: c->skip_missing_labels = 1; return 1;
    case 1181: c->no_header = 1; return 1;
    case 1183:
        return split_list(c, arg, c->numeric, sizeof c->numeric / sizeof c->numeric[0],
                          &c->n_numeric, "--numeric columns");
    case 1184:
        return split_list(c, arg, c->categorical,
                          sizeof c->categorical / sizeof c->categorical[0], &c->n_categorical,
                          "--categorical columns");
    case 1185:
        if (strcmp(arg, "text") == 0) c->censored = ST_CENSORED_TEXT;
        else if (strcmp(arg, "bound") == 0) c->censored = ST_CENSORED_BOUND;
        else if (strcmp(arg, "missing") == 0) c->censored = ST_CENSORED_MISSING;
        else if (strcmp(arg, "error") == 0) c->censored = ST_CENSORED_ERROR;
        else return bad_value("censored", arg, "text, bound, missing or error");
        return 1;
    case 1186:
        if (strcmp(arg, ".") == 0 || strcmp(arg, ",") == 0) c->decimal = arg[0];
        else return bad_value("decimal", arg, "'.' or ','");
        return 1;
    case 1182: /* "-": standard input (cli_data_path) */
        c->weight_file = strcmp(arg, "-") == 0 ? "/dev/stdin" : arg;
        return 1;
    case 1011:
        if (strcmp(arg, "0") == 0) c->libsvm_zero_based = 1;
        else if (strcmp(arg, "1") == 0) c->libsvm_zero_based = 0;
        else return bad_value("libsvm-base", arg, "0 or 1");
        return 1;
    case 1012:
        if (!parse_range(arg, &c->iter_begin, &c->iter_end))
            return bad_value("iteration-range", arg, "A:B, whole numbers with 0 <= A < B");
        return 1;
    case 'q':
    case 1190:
    case 1191:
        *(code == 'q' ? &c->quiet : &c->progress) = code != 1191;
        cli_progress_mode(c->progress, c->quiet);
        return 1;
    default: return 0;
    }
}

int cli_name_listed(const char *const *list, size_t n, const char *name)
{
    for (size_t k = 0; name != NULL && k < n; k++)
        if (strcmp(list[k], name) == 0)
            return 1;
    return 0;
}

int cli_common_check(const char *command, const cli_common *c)
{
    const char *label = c->label_index >= 0 ? NULL : c->label;
    if (c->weight_col != NULL && c->weight_file != NULL)
        return cli_usage_error(command, "--weight-col %s and --weight-file %s exclude each "
                               "other; give one", c->weight_col, c->weight_file);
    if (c->weight_col != NULL && label != NULL && strcmp(c->weight_col, label) == 0)
        return cli_usage_error(command, "--weight-col %s is the label column", label);
    if (cli_name_listed(c->ignore, c->n_ignore, label))
        return cli_usage_error(command, "--ignore %s: it is the label column; it cannot also "
                               "be ignored", label);
    if (cli_name_listed(c->ignore, c->n_ignore, c->weight_col))
        return cli_usage_error(command, "--ignore %s: it is the weight column; it cannot "
                               "also be ignored", c->weight_col);
    for (size_t k = 0; k < c->n_numeric; k++)
        if (cli_name_listed(c->categorical, c->n_categorical, c->numeric[k]))
            return cli_usage_error(command, "column '%s' is in both --numeric and "
                                   "--categorical; give it one type", c->numeric[k]);
    return EXIT_OK;
}

int cli_text_width(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80; /* every byte but a continuation byte */
    return n;
}

void cli_put_padded(FILE *f, const char *s, int width)
{
    fputs(s, f);
    for (int k = cli_text_width(s); k < width; k++)
        fputc(' ', f);
}

st_read_options cli_read_options(const cli_common *c)
{
    st_read_options o = st_read_options_default();
    o.delimiter = c->delimiter;
    o.label = c->label;
    o.label_index = c->label_index;
    o.positive = c->positive;
    o.weight = c->weight_col;
    o.ignore = c->ignore;
    o.n_ignore = c->n_ignore;
    if (c->use_na_values) {
        o.na_values = c->na_values;
        o.n_na_values = c->n_na_values;
    }
    o.skip_missing_labels = c->skip_missing_labels;
    o.has_header = !c->no_header;
    o.weight_file = c->weight_file;
    o.libsvm_zero_based = c->libsvm_zero_based;
    o.numeric = c->numeric;
    o.n_numeric = c->n_numeric;
    o.categorical = c->categorical;
    o.n_categorical = c->n_categorical;
    o.censored = c->censored;
    o.decimal = c->decimal;
    o.n_threads = c->threads;
    return o;
}

/* Whether categorical column j's levels read like free text (notes, reports): most of a
 * sample of them several words long. Such a column is unique per row as an id is, but
 * wants --text-col, not --ignore. */
static int looks_like_free_text(const st_dataset *ds, size_t j)
{
    const size_t n = st_dataset_n_levels(ds, j), step = n > 200 ? n / 200 : 1;
    size_t seen = 0, wordy = 0;
    for (size_t k = 0; k < n; k += step, seen++) {
        size_t spaces = 0;
        for (const char *s = st_dataset_level(ds, j, k); *s != '\0'; s++)
            spaces += *s == ' ';
        wordy += spaces >= 4;
    }
    return seen > 0 && 2 * wordy > seen;
}

/* Shown even with -q, as the header warning: a model that learns row ids is wrong, and
 * nothing else would tell. Returns EXIT_OK, or EXIT_FAILED when out of memory (printed). */
int cli_warn_identifiers(const st_dataset *ds, const char *path)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        int is_id = 0;
        st_error err;
        st_status rc = st_dataset_column_is_id(ds, j, &is_id, &err);
        if (rc != ST_OK)
            return cli_fail(&err, rc);
        if (is_id && st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL &&
            looks_like_free_text(ds, j))
            fprintf(stderr, "stratum: warning: %s: column '%s' holds a different text in "
                    "(almost) every row, words like free text: read it as text with --text-col "
                    "%s (or leave it out with --ignore %s)\n", path,
                    st_dataset_feature_name(ds, j), st_dataset_feature_name(ds, j),
                    st_dataset_feature_name(ds, j));
        else if (is_id)
            fprintf(stderr, "stratum: warning: %s: column '%s' has a different value in "
                    "(almost) every row, like a patient id or a row number, which a model can "
                    "learn rows by; if it is one, leave it out with --ignore %s\n", path,
                    st_dataset_feature_name(ds, j), st_dataset_feature_name(ds, j));
    }
    return EXIT_OK;
}

/* The library names a parameter as its C API spells it; the program's users know the
 * option that sets it. Each "(FIELD = " in a message becomes "(--OPTION ". */
static void print_with_options(const char *message)
{
    static const char *const field[][2] = {
        {"(st_cv_post_params.folds = ", "(--calibration-folds "},
        {"(st_cv_params.threshold_folds = ", "(--threshold-folds "}};
    while (*message != '\0') {
        size_t k = 0, n = sizeof field / sizeof *field;
        while (k < n && strncmp(message, field[k][0], strlen(field[k][0])) != 0)
            k++;
        if (k < n) {
            fputs(field[k][1], stderr);
            message += strlen(field[k][0]);
        } else
            fputc(*message++, stderr);
    }
}

void cli_name_file(st_error *err, const char *path)
{
    if (err->message[0] == '\0' || strstr(err->message, path) != NULL)
        return;
    st_error named = *err;
    snprintf(named.message, sizeof named.message, "%.200s: %.560s", path, err->message);
    *err = named;
}

int cli_fail(const st_error *err, st_status rc)
{
    if (err != NULL && err->message[0] != '\0') {
        fputs("stratum: ", stderr);
        print_with_options(err->message);
        fputc('\n', stderr);
    } else
        fprintf(stderr, "stratum: %s\n", st_status_str(rc));
    return EXIT_FAILED;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "stratum %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'stratum %s --help')\n", command);
    return EXIT_USAGE;
}

void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n;\t|") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void markdown_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *run = (const unsigned char *)s, *p = run;
    for (; *p != '\0'; p++) {
        if (*p != '"' && *p != '\\' && *p >= 0x20)
            continue; /* plain bytes go out a run at a time */
        fwrite(run, 1, (size_t)(p - run), f);
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else
            fprintf(f, "\\u%04x", *p);
        run = p + 1;
    }
    fwrite(run, 1, (size_t)(p - run), f);
    fputc('"', f);
}

void json_number(FILE *f, double v)
{
    char buf[64];
    if (isnan(v) || isinf(v))
        fputs("null", f);
    else if (st_format_g17(v, buf, sizeof buf) < (int)sizeof buf)
        fputs(buf, f); /* "%.17g", without printf's cost (50,000 coefficients) */
    else
        fprintf(f, "%.17g", v);
}
