/* What reading a data file suggests is wrong: a header line of numbers, and columns of
 * numbers with a few cells that are not numbers ("abc", "pending", "<0.005", "1,00"): the
 * warnings of the commands that train, the notes of stratum info, and the lines saying
 * which cells the read options (--numeric, --censored) changed. The facts come from
 * st_dataset_header_is_numeric and st_dataset_column_cells; nothing here decides a
 * column's type. */
#include <string.h>

#include "cli.h"

static void warn_numeric_header(const char *path)
{
    fprintf(stderr, "stratum: warning: %s: every name in the header line is a number, so the "
            "file most likely has no header and its first row was taken for column names "
            "(and is not among the rows); if so, read it with --no-header\n", path);
}

static const char *plural(size_t n) { return n == 1 ? "" : "s"; }

void cli_warn_data(const st_dataset *ds, const char *path)
{
    if (st_dataset_header_is_numeric(ds))
        warn_numeric_header(path);
    const size_t skipped = st_dataset_rows_skipped(ds);
    if (skipped > 0) /* (--skip-missing-labels: said, since every count after is short) */
        fprintf(stderr, "stratum: note: %s: %zu row%s with a missing label skipped\n", path,
                skipped, plural(skipped));
    cli_warn_cells_read(ds, path);
}

void cli_warn_binned(const st_bin_report *rep, const char *path)
{
    if (rep->header_is_numeric)
        warn_numeric_header(path);
    const size_t shown = rep->n_mostly_numeric < ST_BIN_MOSTLY_NUMERIC_MAX
                             ? rep->n_mostly_numeric : ST_BIN_MOSTLY_NUMERIC_MAX;
    for (size_t k = 0; k < shown; k++) {
        const st_bin_mostly_numeric *m = &rep->mostly_numeric[k];
        fprintf(stderr, "stratum: warning: %s: column '%s' holds numbers except in %zu of its "
                "%zu cells (line %ld: '%s'", path, m->name, m->n_not_numbers, m->n_present,
                m->first_line, m->n_examples > 0 ? m->examples[0] : "");
        for (size_t e = 1; e < m->n_examples; e++)
            fprintf(stderr, "%s'%s'", e == 1 ? "; also " : ", ", m->examples[e]);
        /* binning has no --numeric (it guesses types as it always has): missing texts are
           the way to read such a column as numbers */
        fprintf(stderr, "), so it is binned as categorical with %zu levels; to bin it as "
                "numbers, clean those cells or name their texts as missing with --na-values "
                "(which replaces the default list: keep NA, ? and the others you need)\n",
                m->n_levels);
    }
    if (rep->n_mostly_numeric > shown)
        fprintf(stderr, "stratum: warning: %s: %zu more columns like those (%zu in all) are "
                "binned as categorical though they are mostly numbers ('stratum info' on the "
                "CSV lists them)\n", path, rep->n_mostly_numeric - shown, rep->n_mostly_numeric);
}

static size_t not_numbers(const st_column_cells *c)
{
    return c->n_censored + c->n_decimal_comma + c->n_text;
}

/* "line 12, character 3: 'abc'; also 'pending', '<0.005'" into buf */
static void where(const st_column_cells *c, char *buf, size_t size)
{
    int n = snprintf(buf, size, "line %ld, character %ld: '%s'", c->first_line,
                     c->first_column, c->n_examples > 0 ? c->examples[0] : "");
    for (size_t k = 1; k < c->n_examples && n > 0 && (size_t)n < size; k++)
        n += snprintf(buf + n, size - (size_t)n, "%s'%s'", k == 1 ? "; also " : ", ",
                      c->examples[k]);
}

static int cells_of(const st_dataset *ds, size_t j, st_column_cells *c)
{
    st_error err;
    st_status rc = st_dataset_column_cells(ds, j, c, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

/* Numbers a column's 32-bit floats could not hold: record numbers and long codes that
 * may have merged (nothing else would tell: they no longer look unique), and numbers read
 * as infinity, whether the float made them so (4e38) or the text was one already ('inf',
 * '1e400'): every infinity a numeric column holds is told, however it was written. */
static void warn_lossy(const char *path, const char *name, const st_column_cells *c)
{
    if (c->n_rounded == 0 && c->n_overflow == 0 && c->n_infinite == 0)
        return;
    long line = c->lossy_line, column = c->lossy_column; /* the first cell of them all */
    if (c->infinite_line > 0 && (line == 0 || c->infinite_line < line ||
                                 (c->infinite_line == line && c->infinite_column < column)))
        line = c->infinite_line, column = c->infinite_column;
    fprintf(stderr, "stratum: warning: %s: column '%s' (first at line %ld, character %ld): ",
            path, name, line, column);
    if (c->n_rounded > 0)
        fprintf(stderr, "%zu whole number%s above 16,777,216 %s stored rounded to 32-bit "
                "floats, so distinct values may have become equal (an identifier belongs in "
                "--ignore or --group-col, a code in --categorical)%s", c->n_rounded,
                plural(c->n_rounded), c->n_rounded == 1 ? "is" : "are",
                c->n_overflow + c->n_infinite > 0 ? "; " : "");
    if (c->n_overflow > 0)
        fprintf(stderr, "%zu number%s beyond a 32-bit float's range (about 3.4e38) %s read as "
                "infinity%s", c->n_overflow, plural(c->n_overflow),
                c->n_overflow == 1 ? "is" : "are", c->n_infinite > 0 ? "; " : "");
    if (c->n_infinite > 0)
        fprintf(stderr, "%zu cell%s infinite as written ('inf', '-inf', 'Infinity', or a "
                "number beyond even a 64-bit double's range, such as 1e400) %s read as "
                "infinity", c->n_infinite, plural(c->n_infinite),
                c->n_infinite == 1 ? "is" : "are");
    fputc('\n', stderr);
}

static int warn_lossy_numbers(const st_dataset *ds, const char *path, int infinities)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        if (cells_of(ds, j, &c) != EXIT_OK)
            return EXIT_FAILED;
        if (!infinities) /* the fit refuses them, naming the first one's line */
            c.n_overflow = c.n_infinite = 0, c.infinite_line = 0;
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_NUMERIC ||
            c.n_rounded + c.n_overflow + c.n_infinite == 0)
            continue;
        /* a column still unique per row has its own warning (cli_warn_identifiers), with
           the same fix; this one is for ids that merged, or other numbers */
        int is_id = 0;
        st_error err;
        st_status rc = st_dataset_column_is_id(ds, j, &is_id, &err);
        if (rc != ST_OK)
            return cli_fail(&err, rc);
        if (!is_id || c.n_overflow > 0 || c.n_infinite > 0)
            warn_lossy(path, st_dataset_feature_name(ds, j), &c);
    }
    return EXIT_OK;
}

int cli_warn_lossy_numbers(const st_dataset *ds, const char *path)
{
    return warn_lossy_numbers(ds, path, 1);
}

int cli_warn_rounded_numbers(const st_dataset *ds, const char *path)
{
    return warn_lossy_numbers(ds, path, 0);
}

int cli_warn_cells_read(const st_dataset *ds, const char *path)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        if (cells_of(ds, j, &c) != EXIT_OK)
            return EXIT_FAILED;
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_NUMERIC || not_numbers(&c) == 0)
            continue;
        /* a numeric column with such cells: each was read as a bound or made missing */
        const char *name = st_dataset_feature_name(ds, j);
        size_t bound = not_numbers(&c) - c.n_made_missing;
        char at[300];
        where(&c, at, sizeof at);
        size_t n = not_numbers(&c);
        fprintf(stderr, "stratum: warning: %s: column '%s' is read as numbers%s%s%s: ", path,
                name, c.forced == 1 ? " (--numeric " : "", c.forced == 1 ? name : "",
                c.forced == 1 ? ")" : "");
        if (bound == 0 || c.n_made_missing == 0)
            fprintf(stderr, "its %zu cell%s that %s (%s) %s %s", n, plural(n),
                    n == 1 ? "is not a number" : "are not numbers", at, n == 1 ? "is" : "are",
                    bound == 0 ? "read as missing"
                               : n == 1 ? "a censored value read as its bound (--censored bound)"
                                        : "censored values read as their bound (--censored "
                                          "bound)");
        else
            fprintf(stderr, "of its %zu cells that are not numbers (%s), %zu %s read as missing "
                    "and %zu censored value%s as %s bound (--censored bound)", n, at,
                    c.n_made_missing, c.n_made_missing == 1 ? "is" : "are", bound,
                    plural(bound), bound == 1 ? "its" : "their");
        fputc('\n', stderr);
    }
    return EXIT_OK;
}

/* Every mostly-numeric column whose only cells that are not numbers are decimal commas,
 * in one line: a file written with decimal commas has many. */
static int warn_decimal_commas(const st_dataset *ds, const char *path)
{
    size_t n = 0;
    char names[400] = "";
    st_column_cells first;
    memset(&first, 0, sizeof first);
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        if (cells_of(ds, j, &c) != EXIT_OK)
            return EXIT_FAILED;
        if (!c.mostly_numeric || c.n_decimal_comma != not_numbers(&c))
            continue;
        if (n == 0)
            first = c;
        size_t used = strlen(names);
        if (n < 3)
            snprintf(names + used, sizeof names - used, "%s'%s'", n ? ", " : "",
                     st_dataset_feature_name(ds, j));
        else if (n == 3)
            snprintf(names + used, sizeof names - used, ", ...");
        n++;
    }
    if (n > 0)
        fprintf(stderr, "stratum: warning: %s: %zu column%s (%s) hold%s numbers written with a "
                "decimal comma (line %ld, character %ld: '%s'), so %s read as categorical; "
                "read the file with --decimal ,\n", path, n, plural(n), names, n == 1 ? "s" : "",
                first.first_line, first.first_column, first.examples[0],
                n == 1 ? "it is" : "they are");
    return EXIT_OK;
}

int cli_warn_mostly_numeric(const st_dataset *ds, const char *path)
{
    if (warn_decimal_commas(ds, path) != EXIT_OK)
        return EXIT_FAILED;
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        if (cells_of(ds, j, &c) != EXIT_OK)
            return EXIT_FAILED;
        if (!c.mostly_numeric || c.n_decimal_comma == not_numbers(&c))
            continue;
        const char *name = st_dataset_feature_name(ds, j);
        size_t bad = not_numbers(&c), present = bad + c.n_numbers;
        char at[300];
        where(&c, at, sizeof at);
        if (c.n_numbers > 0)
            fprintf(stderr, "stratum: warning: %s: column '%s' holds numbers except in %zu of "
                    "its %zu cells (%s)", path, name, bad, present, at);
        else /* not one number: "except in 200 of its 200" would say there are some */
            fprintf(stderr, "stratum: warning: %s: none of the %zu cells of column '%s' reads "
                    "as a number (%s)", path, present, name, at);
        if (c.n_censored > 0)
            fprintf(stderr, ", %zu of them censored values such as <x or >x", c.n_censored);
        if (c.n_decimal_comma > 0)
            fprintf(stderr, ", %zu with a decimal comma", c.n_decimal_comma);
        fprintf(stderr, ", so it is read as categorical with %zu levels; --numeric %s reads it "
                "as numbers (%s)", st_dataset_n_levels(ds, j), name,
                c.n_numbers > 0 ? "those cells become missing" : "every cell would be missing");
        if (c.n_censored > 0)
            fprintf(stderr, ", and --censored bound or missing reads <x and >x as x or as "
                    "missing (default: text)");
        if (c.n_decimal_comma > 0)
            fprintf(stderr, ", and --decimal , reads 1,5 as 1.5");
        fprintf(stderr, "; --categorical %s keeps it categorical\n", name);
    }
    return EXIT_OK;
}

void cli_info_cell_notes(const st_dataset *ds)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        if (st_dataset_column_cells(ds, j, &c, NULL) != ST_OK || !c.mostly_numeric)
            continue;
        const char *name = st_dataset_feature_name(ds, j);
        char at[300];
        where(&c, at, sizeof at);
        if (c.n_numbers > 0)
            printf("note: column '%s' holds numbers except in %zu of its %zu cells (%s", name,
                   not_numbers(&c), not_numbers(&c) + c.n_numbers, at);
        else /* not one number: "except in 200 of its 200" would say there are some */
            printf("note: none of the %zu cells of column '%s' reads as a number (%s",
                   not_numbers(&c), name, at);
        if (c.n_censored > 0)
            printf("; %zu censored", c.n_censored);
        if (c.n_decimal_comma > 0)
            printf("; %zu with a decimal comma: --decimal ,", c.n_decimal_comma);
        if (c.n_numbers > 0)
            printf("): read it with --numeric %s%s, or --categorical %s\n", name,
                   c.n_censored > 0 ? " and a --censored policy" : "", name);
        else /* --numeric alone would make every cell missing */
            printf("): read the file with %s (or keep the column categorical: --categorical "
                   "%s)\n", c.n_decimal_comma > 0 && c.n_censored > 0 ? "--decimal , and a "
                   "--censored policy" : c.n_decimal_comma > 0 ? "--decimal ," : c.n_censored > 0
                   ? "a --censored policy" : "--numeric (every cell becomes missing)", name);
    }
}

void cli_info_cells_json(const st_dataset *ds, size_t j)
{
    st_column_cells c;
    if (st_dataset_column_cells(ds, j, &c, NULL) != ST_OK)
        return;
    printf(", \"cells\": {\"numbers\": %zu, \"censored\": %zu, \"decimal_comma\": %zu, "
           "\"text\": %zu, \"made_missing\": %zu, \"first_line\": %ld, \"first_column\": %ld, "
           "\"examples\": [", c.n_numbers, c.n_censored, c.n_decimal_comma, c.n_text,
           c.n_made_missing, c.first_line, c.first_column);
    for (size_t k = 0; k < c.n_examples; k++) {
        printf("%s", k ? ", " : "");
        json_string(stdout, c.examples[k]);
    }
    printf("], \"forced\": %s, \"mostly_numeric\": %s, \"rounded\": %zu, \"overflow\": %zu, "
           "\"infinite\": %zu}",
           c.forced == 1 ? "\"numeric\"" : c.forced == 2 ? "\"categorical\"" : "null",
           c.mostly_numeric ? "true" : "false", c.n_rounded, c.n_overflow, c.n_infinite);
}
