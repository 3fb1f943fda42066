/* Cells that are not numbers in columns that mostly are: a stray word in a column of lab
 * values, "pending", censored results ("<0.005") and decimal commas ("1,00"). The reader
 * (csv_reader.c) counts them per column so that a caller can tell a column of numbers made
 * categorical by a few such cells from a real categorical one, and say where they are. */
#include "csv_cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/number_parse.h"
#include "core/utf8.h"

int st__cell_number(const char *s, size_t len, char decimal, double *out)
{
    if (decimal != ',')
        return st__parse_number(s, len, out);
    const char *comma = memchr(s, ',', len);
    if (memchr(s, '.', len) != NULL)
        return 0;
    if (comma == NULL)
        return st__parse_number(s, len, out);
    char buf[64];
    if (len >= sizeof buf || memchr(comma + 1, ',', len - (size_t)(comma + 1 - s)) != NULL)
        return 0;
    memcpy(buf, s, len);
    buf[comma - s] = '.';
    return st__parse_number(buf, len, out);
}

int st__cell_kind(const char *s, size_t len, char decimal, char delimiter, double *bound)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && (s[i] == '<' || s[i] == '>')) {
        i += 1 + (i + 1 < len && s[i + 1] == '=');
        /* "<-" or "< " then a number; "<NA>" and "<" alone are text */
        if (i < len && st__cell_number(s + i, len - i, decimal, bound))
            return ST__CELL_CENSORED;
        return ST__CELL_TEXT;
    }
    /* one ',' and no '.': a decimal comma, unless ',' separates the fields (then a quoted
     * "1,000" is a thousands separator, and --decimal , cannot apply anyway) */
    if (decimal != ',' && delimiter != ',' && memchr(s, ',', len) != NULL &&
        st__cell_number(s, len, ',', bound))
        return ST__CELL_DECIMAL_COMMA;
    return ST__CELL_TEXT;
}

/* The text as shown in a message: control bytes as \xNN (a quoted field may hold a line
 * break, and a warning is one line), and every byte >= 0x80 of text that is not UTF-8, cut after 40 bytes on a UTF-8 character boundary or
 * where the buffer ends, "..." marking the cut. */
static void copy_example(char *dst, const char *s, size_t len)
{
    const size_t max = 40, room = ST__CELL_EXAMPLE_BYTES - 4; /* "..." and NUL */
    const int bad_utf8 = st__utf8_invalid_at(s, len) >= 0; /* then every byte >= 0x80 too */
    size_t o = 0, i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t k = 1; /* the bytes of this character */
        while (!bad_utf8 && i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k++;
        int control = c < 0x20 || c == 0x7f || (bad_utf8 && c >= 0x80);
        size_t need = control ? 4 : k;
        if (i + k > max || o + need > room)
            break;
        if (control)
            snprintf(dst + o, 5, "\\x%02X", c);
        else
            memcpy(dst + o, s + i, k);
        o += need;
        i += k;
    }
    strcpy(dst + o, i < len ? "..." : "");
}

void st__cells_note(st__cell_facts *c, int kind, const char *s, size_t len, long line,
                    long column)
{
    if (kind == ST__CELL_CENSORED)
        c->n_censored++;
    else if (kind == ST__CELL_DECIMAL_COMMA)
        c->n_decimal_comma++;
    else
        c->n_text++;
    if (c->first_line == 0) {
        c->first_line = line;
        c->first_column = column;
    }
    if (c->n_examples == 3)
        return;
    char shown[ST__CELL_EXAMPLE_BYTES];
    copy_example(shown, s, len);
    for (size_t k = 0; k < c->n_examples; k++)
        if (strcmp(c->examples[k], shown) == 0)
            return;
    strcpy(c->examples[c->n_examples++], shown);
}

void st__cells_note_lossy(st__cell_facts *c, double v, long line, long column)
{
    const float x = (float)v;
    if (isinf(x) && c->infinite_line == 0) { /* an infinity as written, or made one */
        c->infinite_line = line;
        c->infinite_column = column;
    }
    if (isinf(v)) { /* 'inf', '1e400': infinite before the float */
        c->n_infinite++;
        return;
    }
    if (isinf(x))
        c->n_overflow++;
    else if ((double)x != v && v == nearbyint(v))
        c->n_rounded++;
    else
        return;
    if (c->lossy_line == 0) {
        c->lossy_line = line;
        c->lossy_column = column;
    }
}

static st_status force(st_dataset *ds, const char *const *names, size_t n, int how,
                       const char *option, const char *source, st_error *err)
{
    for (size_t k = 0; k < n; k++) {
        long j = st_dataset_find_feature(ds, names[k]);
        if (j < 0)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: %s names column '%s', which is not "
                            "a feature column of the file (names are matched exactly; the "
                            "label, weight and ignored columns are not features)", source,
                            option, names[k]);
        st__feature *f = &ds->features[j];
        if (f->cells->forced != ST__FORCED_NONE && f->cells->forced != how)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: column '%s' is named by both "
                            "--numeric and --categorical; expected one of them", source,
                            names[k]);
        f->cells->forced = how;
        if (how == ST__FORCED_CATEGORICAL)
            f->type = ST_FEATURE_CATEGORICAL;
    }
    return ST_OK;
}

st_status st__cells_force_types(st_dataset *ds, const st_read_options *o, const char *source,
                                st_error *err)
{
    st_status rc = force(ds, o->numeric, o->numeric != NULL ? o->n_numeric : 0,
                         ST__FORCED_NUMERIC, "--numeric", source, err);
    if (rc == ST_OK)
        rc = force(ds, o->categorical, o->categorical != NULL ? o->n_categorical : 0,
                   ST__FORCED_CATEGORICAL, "--categorical", source, err);
    return rc;
}

int st__read_options_retype(const st_read_options *o, const char **what)
{
    *what = o->numeric != NULL && o->n_numeric > 0           ? "--numeric"
            : o->categorical != NULL && o->n_categorical > 0 ? "--categorical"
            : o->censored != ST_CENSORED_TEXT                ? "--censored"
            : o->decimal != 0 && o->decimal != '.'           ? "--decimal"
                                                             : NULL;
    return *what != NULL;
}

/* The facts of a column no CSV reader saw (LibSVM, arrays): nothing seen. */
static const st__cell_facts no_cells;

st_status st_dataset_column_cells(const st_dataset *ds, size_t j, st_column_cells *out,
                                  st_error *err)
{
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_cells: %s is NULL",
                        ds == NULL ? "ds" : "out");
    if (j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_cells: feature %zu, "
                        "expected one below %zu", j, ds->n_features);
    const st__feature *f = &ds->features[j];
    const st__cell_facts *c = f->cells != NULL ? f->cells : &no_cells;
    memset(out, 0, sizeof *out);
    out->n_numbers = c->n_numbers;
    out->n_censored = c->n_censored;
    out->n_decimal_comma = c->n_decimal_comma;
    out->n_text = c->n_text;
    out->n_made_missing = c->n_made_missing;
    out->first_line = c->first_line;
    out->first_column = c->first_column;
    out->n_rounded = c->n_rounded;
    out->n_overflow = c->n_overflow;
    out->lossy_line = c->lossy_line;
    out->lossy_column = c->lossy_column;
    out->n_infinite = c->n_infinite;
    out->infinite_line = c->infinite_line;
    out->infinite_column = c->infinite_column;
    out->n_examples = c->n_examples;
    for (size_t k = 0; k < c->n_examples; k++)
        out->examples[k] = c->examples[k];
    out->forced = c->forced;
    size_t numberish = c->n_numbers + c->n_censored + c->n_decimal_comma;
    size_t present = numberish + c->n_text;
    out->mostly_numeric = f->type == ST_FEATURE_CATEGORICAL && c->forced == ST__FORCED_NONE &&
                          c->n_numbers + c->n_decimal_comma > 0 && 2 * numberish > present;
    return ST_OK;
}

st_status st__dataset_type_mismatch(const st_dataset *ds, size_t j, st_feature_type model_type,
                                     st_error *err)
{
    const st__feature *f = &ds->features[j];
    const st__cell_facts *c = f->cells != NULL ? f->cells : &no_cells;
    const char *model = model_type == ST_FEATURE_NUMERIC ? "numeric" : "categorical";
    const char *data = model_type == ST_FEATURE_NUMERIC ? "categorical" : "numeric";
    if (ds->source[0] == '\0' || ds->libsvm)
        return st__fail(err, ST_ERR_DATA, "feature '%s' is %s in the model but %s in the "
                        "dataset", f->name, model, data);
    if (c->forced != ST__FORCED_NONE)
        return st__fail(err, ST_ERR_DATA, "feature '%s' is %s in the model but %s in %s, as "
                        "--%s %s asks; read the column as the model does, without it", f->name,
                        model, data, ds->source, data, f->name);
    if (model_type == ST_FEATURE_CATEGORICAL)
        return st__fail(err, ST_ERR_DATA, "feature '%s' is categorical in the model but "
                        "numeric in %s (%s); read the column as the model does with "
                        "--categorical %s", f->name, ds->source, c->n_numbers > 0
                        ? "every value is a number" : "no value at all: every cell is empty "
                        "or missing", f->name);
    size_t n = c->n_censored + c->n_decimal_comma + c->n_text;
    return st__fail(err, ST_ERR_DATA, "feature '%s' is numeric in the model but categorical "
                    "in %s: line %ld, character %ld holds '%s', which is not a number (%zu such "
                    "cell%s); read the column as the model does with --numeric %s (such cells "
                    "become missing; add the --censored policy of training, if it had one: "
                    "the model does not record it)", f->name, ds->source, c->first_line,
                    c->first_column,
                    c->examples[0], n, n == 1 ? "" : "s", f->name);
}
