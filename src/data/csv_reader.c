/* CSV to dataset. One pass over the text fills the columns; a column that turns out not to
 * be numeric partway down is switched to categorical, and a short second pass recovers the
 * texts of the rows read before the switch. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "csv_cells.h"
#include "csv_header.h"
#include "csv_tokenizer.h"
#include "dataset_impl.h"
#include "core/error.h"
#include "label_rule.h"
#include "na_values.h"
#include "core/utf8.h"

enum column_role {
    ROLE_FEATURE = ST__CSV_FEATURE,
    ROLE_LABEL = ST__CSV_LABEL,
    ROLE_WEIGHT = ST__CSV_WEIGHT,
    ROLE_IGNORED = ST__CSV_IGNORED
};

typedef struct csv_reader {
    const st_read_options *opt;
    const char *source;
    st__csv_tokenizer tok;
    st__na_set na;
    st__label_rule labels;
    size_t n_cols;
    unsigned char *role;     /* per column */
    size_t *feature_of;      /* per column: feature index for ROLE_FEATURE */
    size_t *switch_row;      /* per feature: first row read as categorical (0: from the start) */
    int any_late_switch;
    int first_is_data;       /* no header: the record in tok is the first row, still unread */
    char decimal;            /* the decimal mark, '.' or ',' */
    st_dataset *ds;
    st_error *err;
} csv_reader;

static st_status nomem(csv_reader *r)
{
    return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory at line %ld", r->source,
                    r->tok.record_line);
}

static st_status fail_field(csv_reader *r, const st__csv_field *f, size_t col, const char *fmt,
                            const char *text, size_t len)
{
    char shown[200], what[400];
    st__quote_text(text, len, shown, sizeof shown);
    snprintf(what, sizeof what, fmt, shown);
    const char *name = col < r->n_cols && r->role[col] == ROLE_FEATURE
                           ? r->ds->features[r->feature_of[col]].name
                           : (r->role[col] == ROLE_LABEL ? r->ds->label_name : r->ds->weight_name);
    return st__fail_at(r->err, ST_ERR_DATA, r->source, f->line, f->column, "field %zu (%s): %s",
                       col + 1, name, what);
}

static st_status check_utf8(csv_reader *r, const st__csv_field *f)
{
    long bad = st__utf8_invalid_at(f->ptr, f->len);
    if (bad < 0)
        return ST_OK;
    /* a quoted field's text starts one byte after its opening quote */
    return st__fail_at(r->err, ST_ERR_PARSE, r->source, f->line, f->column + f->quoted + bad,
                       "invalid UTF-8 byte 0x%02X; expected UTF-8 text",
                       (unsigned char)f->ptr[bad]);
}

/* ---- header ---------------------------------------------------------------------------- */

static size_t count_lines(const char *p, const char *end)
{
    size_t n = 1;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

static st_status read_header(csv_reader *r)
{
    st__csv_tokenizer *t = &r->tok;
    int got = st__csv_next(t, r->err);
    while (got == 1 && st__csv_record_is_blank(t)) /* leading blank lines */
        got = st__csv_next(t, r->err);
    if (got < 0)
        return r->err != NULL ? r->err->code : ST_ERR_PARSE;
    if (got == 0)
        return st__fail_at(r->err, ST_ERR_DATA, r->source, 1, 0, "the file is empty; expected %s",
                           r->opt->has_header ? "a header line naming the columns"
                                              : "lines of data");
    r->n_cols = t->n_fields;
    r->role = st__calloc(r->n_cols, 1);
    r->feature_of = st__calloc(r->n_cols, sizeof *r->feature_of);
    if (r->role == NULL || r->feature_of == NULL)
        return nomem(r);
    const st_read_options *o = r->opt;
    long label_col, weight_col;
    st_status rc = st__csv_header_roles(t, o, o->label_required && o->label != NULL,
                                        "the label; choose it with --label", r->source,
                                        r->role, &label_col, &weight_col, r->err);
    if (rc != ST_OK)
        return rc;
    size_t n_features = 0;
    for (size_t c = 0; c < r->n_cols; c++)
        if (r->role[c] == ROLE_FEATURE)
            r->feature_of[c] = n_features++;
    size_t row_cap = count_lines(t->p, t->end) + !o->has_header;
    r->ds = st__dataset_new(n_features, row_cap, label_col >= 0, weight_col >= 0);
    r->switch_row = st__calloc(n_features == 0 ? 1 : n_features, sizeof *r->switch_row);
    if (r->ds == NULL || r->switch_row == NULL || !st__dataset_add_cell_facts(r->ds))
        return nomem(r);
    for (size_t c = 0; c < r->n_cols; c++) {
        char buf[32];
        size_t len;
        const char *name = st__csv_column_name(t, o, c, buf, &len);
        int ok = 1;
        if (r->role[c] == ROLE_FEATURE)
            ok = st__dataset_set_name(r->ds, r->feature_of[c], name, len);
        else if (r->role[c] == ROLE_LABEL || r->role[c] == ROLE_WEIGHT) {
            char **slot = r->role[c] == ROLE_LABEL ? &r->ds->label_name : &r->ds->weight_name;
            char *copy = st__strndup(name, len);
            ok = copy != NULL;
            if (ok) {
                st__free(*slot);
                *slot = copy;
            }
        }
        if (!ok)
            return nomem(r);
    }
    rc = st__cells_force_types(r->ds, o, r->source, r->err);
    if (rc != ST_OK)
        return rc;
    r->ds->header_numeric = st__csv_header_is_numeric(t, o);
    /* without a header the record just read is the first row: read_rows starts with it */
    r->first_is_data = !o->has_header;
    return ST_OK;
}

/* ---- rows ------------------------------------------------------------------------------ */

static st_status read_label(csv_reader *r, const st__csv_field *f, size_t col, int *skip)
{
    *skip = 0;
    if (st__is_na(&r->na, f->ptr, f->len)) {
        if (r->opt->skip_missing_labels) {
            *skip = 1;
            return ST_OK;
        }
        return fail_field(r, f, col, "the label is missing ('%s'); expected a class value, or "
                          "skip such rows with --skip-missing-labels", f->ptr, f->len);
    }
    int cls = st__label_rule_classify(&r->labels, f->ptr, f->len);
    if (cls == ST__LABEL_NOMEM)
        return nomem(r);
    if (cls == ST__LABEL_OTHER) {
        char rule[300], fmt[400];
        st__label_rule_describe(&r->labels, rule, sizeof rule);
        snprintf(fmt, sizeof fmt, "label '%%s' is not a class: %s", rule);
        return fail_field(r, f, col, fmt, f->ptr, f->len);
    }
    r->ds->labels[r->ds->n_rows] = (float)cls;
    return ST_OK;
}

static st_status read_weight(csv_reader *r, const st__csv_field *f, size_t col)
{
    double w;
    if (st__is_na(&r->na, f->ptr, f->len))
        return fail_field(r, f, col, "the weight is missing ('%s'); expected a number >= 0",
                          f->ptr, f->len);
    if (!st__cell_number(f->ptr, f->len, r->decimal, &w))
        return fail_field(r, f, col, "weight '%s' is not a number; expected a number >= 0",
                          f->ptr, f->len);
    if (!(w >= 0.0) || isinf(w) || isinf((float)w))
        return fail_field(r, f, col, "weight '%s' is negative, infinite or NaN; expected a "
                          "finite number >= 0", f->ptr, f->len);
    r->ds->weights[r->ds->n_rows] = (float)w;
    return ST_OK;
}

static st_status intern_level(csv_reader *r, st__feature *feat, const st__csv_field *f,
                              size_t col, float *slot)
{
    long code = st__category_dict_find(&feat->levels, f->ptr, f->len);
    if (code >= 0) { /* a level seen before: its text was checked then */
        *slot = (float)code;
        return ST_OK;
    }
    st_status rc = check_utf8(r, f);
    if (rc != ST_OK)
        return rc;
    code = st__category_dict_intern(&feat->levels, f->ptr, f->len);
    if (code == -1)
        return nomem(r);
    if (code == -2)
        return fail_field(r, f, col, "'%s' would be one level too many: a categorical column "
                          "holds at most 16777216 levels", f->ptr, f->len);
    *slot = (float)code;
    return ST_OK;
}

/* A present cell that is not a number: counted, then read as the column's type and the
 * censored policy say. A guessed numeric column turns categorical here, as it always has
 * (the cells' report lets the caller warn); a forced numeric one reads it as missing. */
static st_status read_non_number(csv_reader *r, st__feature *feat, const st__csv_field *f,
                                 size_t col, float *slot)
{
    double bound = 0.0;
    int kind = st__cell_kind(f->ptr, f->len, r->decimal, r->tok.delimiter, &bound);
    st__cells_note(feat->cells, kind, f->ptr, f->len, f->line, f->column);
    if (kind == ST__CELL_CENSORED && feat->cells->forced != ST__FORCED_CATEGORICAL) {
        st_censored_policy policy = r->opt->censored;
        if (policy == ST_CENSORED_ERROR)
            return fail_field(r, f, col, "'%s' is a censored value (a bound, not a "
                              "measurement) and the censored policy is 'error'; expected a "
                              "number, or choose --censored bound or missing", f->ptr, f->len);
        if (feat->type == ST_FEATURE_NUMERIC && policy == ST_CENSORED_BOUND) {
            *slot = (float)bound;
            return ST_OK;
        }
        if (feat->type == ST_FEATURE_NUMERIC && policy == ST_CENSORED_MISSING) {
            *slot = NAN;
            feat->cells->n_made_missing++;
            return ST_OK;
        }
    }
    if (feat->type == ST_FEATURE_NUMERIC) {
        if (feat->cells->forced == ST__FORCED_NUMERIC) {
            *slot = NAN;
            feat->cells->n_made_missing++;
            return ST_OK;
        }
        size_t row = r->ds->n_rows;
        feat->type = ST_FEATURE_CATEGORICAL;
        /* the rows before get their texts back (recover_early_texts), missing ones too */
        feat->cells->n_made_missing = 0;
        r->switch_row[r->feature_of[col]] = row;
        r->any_late_switch |= row > 0;
    }
    return intern_level(r, feat, f, col, slot);
}

static st_status read_feature(csv_reader *r, const st__csv_field *f, size_t col)
{
    size_t row = r->ds->n_rows;
    st__feature *feat = &r->ds->features[r->feature_of[col]];
    float *slot = &feat->values[row];
    double v;
    if (feat->type == ST_FEATURE_NUMERIC) {
        /* With the default missing texts, any number is a value (the "nan" texts parse to
         * NaN anyway), so the parse comes first; a custom list may name numbers as missing. */
        if (r->na.values != NULL && st__is_na(&r->na, f->ptr, f->len)) {
            *slot = NAN;
            return ST_OK;
        }
        if (st__cell_number(f->ptr, f->len, r->decimal, &v)) {
            feat->cells->n_numbers++;
            *slot = (float)v;
            return ST_OK;
        }
        if (st__is_na(&r->na, f->ptr, f->len)) {
            *slot = NAN;
            return ST_OK;
        }
    } else if (st__is_na(&r->na, f->ptr, f->len)) {
        *slot = NAN;
        return ST_OK;
    } else if (st__cell_number(f->ptr, f->len, r->decimal, &v)) {
        feat->cells->n_numbers++; /* counted for the report; the level is the text */
        return intern_level(r, feat, f, col, slot);
    }
    return read_non_number(r, feat, f, col, slot);
}

/* Reads one record into row ds->n_rows; *kept says whether it became a row. */
static st_status read_record(csv_reader *r, int *kept)
{
    const st__csv_tokenizer *t = &r->tok;
    *kept = 0;
    if (st__csv_record_is_blank(t)) {
        r->ds->blank_lines++;
        return ST_OK;
    }
    if (t->n_fields != r->n_cols) {
        const st__csv_field *last = &t->fields[t->n_fields - 1];
        /* point at the first extra field, or at the end of a short line; the line is that
         * field's own, as an earlier quoted field may span lines */
        const st__csv_field *at = t->n_fields > r->n_cols ? &t->fields[r->n_cols] : last;
        long column = t->n_fields > r->n_cols ? at->column
                                              : last->column + (long)last->len + 2 * last->quoted;
        return st__fail_at(r->err, ST_ERR_PARSE, r->source, at->line, column,
                           "found %zu fields; expected %zu, as in the header", t->n_fields,
                           r->n_cols);
    }
    /* the label decides whether the row is kept, so it goes first */
    for (size_t c = 0; c < r->n_cols; c++) {
        if (r->role[c] != ROLE_LABEL)
            continue;
        int skip;
        st_status rc = read_label(r, &t->fields[c], c, &skip);
        if (rc != ST_OK)
            return rc;
        if (skip) {
            r->ds->rows_skipped++;
            return ST_OK;
        }
    }
    for (size_t c = 0; c < r->n_cols; c++) /* the level lookups' slots, all at once */
        if (r->role[c] == ROLE_FEATURE) {
            const st__feature *feat = &r->ds->features[r->feature_of[c]];
            if (feat->type == ST_FEATURE_CATEGORICAL)
                st__category_dict_prefetch(&feat->levels, t->fields[c].ptr, t->fields[c].len);
        }
    for (size_t c = 0; c < r->n_cols; c++) {
        st_status rc = ST_OK;
        if (r->role[c] == ROLE_FEATURE)
            rc = read_feature(r, &t->fields[c], c);
        else if (r->role[c] == ROLE_WEIGHT)
            rc = read_weight(r, &t->fields[c], c);
        if (rc != ST_OK)
            return rc;
    }
    *kept = 1;
    return ST_OK;
}

static st_status read_rows(csv_reader *r)
{
    int got;
    while ((got = r->first_is_data ? 1 : st__csv_next(&r->tok, r->err)) == 1) {
        r->first_is_data = 0;
        if (r->ds->n_rows == r->ds->row_cap &&
            !st__dataset_reserve_rows(r->ds, r->ds->row_cap * 2))
            return nomem(r);
        int kept;
        st_status rc = read_record(r, &kept);
        if (rc != ST_OK)
            return rc;
        r->ds->n_rows += (size_t)kept;
    }
    if (got < 0)
        return r->err != NULL ? r->err->code : ST_ERR_PARSE;
    if (r->ds->n_rows == 0)
        return st__fail_at(r->err, ST_ERR_DATA, r->source, r->tok.line > 1 ? r->tok.line - 1 : 1,
                           0, "no data rows%s%s; expected at least one row",
                           r->opt->has_header ? " after the header" : "",
                           r->ds->rows_skipped ? " (every row's label is missing)" : "");
    return ST_OK;
}

/* Second pass: the rows before a column turned categorical were read as numbers; give them
 * their level codes. Row numbering repeats read_record's: blank and skipped rows don't count. */
static st_status recover_early_texts(csv_reader *r, const char *data, size_t size)
{
    size_t last = 0;
    for (size_t j = 0; j < r->ds->n_features; j++)
        if (r->switch_row[j] > last)
            last = r->switch_row[j];
    st__csv_tokenizer t;
    st__csv_tokenizer_init(&t, data, size, r->tok.delimiter, r->source);
    st_status rc = ST_OK;
    int got = 1;
    if (r->opt->has_header) { /* without one, the first record is row 0 */
        got = st__csv_next(&t, r->err);
        while (got == 1 && st__csv_record_is_blank(&t))
            got = st__csv_next(&t, r->err);
    }
    size_t row = 0;
    while (rc == ST_OK && row < last && (got = st__csv_next(&t, r->err)) == 1) {
        if (st__csv_record_is_blank(&t))
            continue;
        int skipped = 0;
        for (size_t c = 0; c < r->n_cols; c++)
            if (r->role[c] == ROLE_LABEL && st__is_na(&r->na, t.fields[c].ptr, t.fields[c].len))
                skipped = r->opt->skip_missing_labels;
        if (skipped)
            continue;
        for (size_t c = 0; c < r->n_cols && rc == ST_OK; c++) {
            if (r->role[c] != ROLE_FEATURE)
                continue;
            size_t j = r->feature_of[c];
            st__feature *feat = &r->ds->features[j];
            if (feat->type != ST_FEATURE_CATEGORICAL || row >= r->switch_row[j] ||
                st__is_na(&r->na, t.fields[c].ptr, t.fields[c].len))
                continue;
            rc = intern_level(r, feat, &t.fields[c], c, &feat->values[row]);
        }
        row++;
    }
    st__csv_tokenizer_free(&t);
    return rc;
}

static void copy_class_names(csv_reader *r)
{
    for (int k = 0; k < 2; k++) {
        if (r->labels.seen[k] != NULL) {
            st__free(r->ds->class_name[k]);
            r->ds->class_name[k] = r->labels.seen[k];
            r->labels.seen[k] = NULL;
        }
    }
}

st_status st_dataset_read_csv_buffer(const char *data, size_t size, const char *name,
                                     const st_read_options *opt, st_dataset **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read_csv_buffer: out is NULL");
    *out = NULL;
    if (data == NULL && size > 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read_csv_buffer: data is NULL");
    st_read_options defaults = st_read_options_default();
    if (opt == NULL)
        opt = &defaults;
    csv_reader r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.source = name != NULL ? name : "<buffer>";
    r.err = err;
    r.na.values = opt->na_values;
    r.na.n = opt->n_na_values;
    st__label_rule_init(&r.labels, opt->positive);
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 byte order mark */
        data += 3;
        size -= 3;
    }
    if (opt->delimiter != 0 && strchr(",;\t|", opt->delimiter) == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: delimiter '%c' is not supported; "
                        "expected ',', ';', tab or '|'", name != NULL ? name : "<buffer>",
                        opt->delimiter);
    char delimiter = opt->delimiter != 0 ? opt->delimiter : st__csv_detect_delimiter(data, size);
    r.decimal = opt->decimal == ',' ? ',' : '.';
    if (opt->decimal != 0 && opt->decimal != '.' && opt->decimal != ',')
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: decimal mark '%c' is not supported; "
                        "expected '.' or ','", r.source, opt->decimal);
    if (r.decimal == ',' && delimiter == ',')
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: --decimal , needs a field delimiter "
                        "other than ',', and this file's is ',' (%s); a file with decimal "
                        "commas separates its fields with ';' or tab (--delimiter)", r.source,
                        opt->delimiter != 0 ? "as given" : "detected");
    if ((unsigned)opt->censored > ST_CENSORED_ERROR)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: censored policy %d is not one of "
                        "ST_CENSORED_TEXT, _BOUND, _MISSING or _ERROR", r.source,
                        (int)opt->censored);
    st__csv_tokenizer_init(&r.tok, data, size, delimiter, r.source);
    st_status rc = read_header(&r);
    if (rc == ST_OK)
        rc = read_rows(&r);
    if (rc == ST_OK && r.any_late_switch)
        rc = recover_early_texts(&r, data, size);
    if (rc == ST_OK && !st__dataset_sort_levels(r.ds))
        rc = nomem(&r);
    if (rc == ST_OK)
        rc = st__dataset_read_weight_file(r.ds, opt, r.source, err);
    if (rc == ST_OK) {
        copy_class_names(&r);
        r.ds->delimiter = delimiter;
        st__free(r.ds->source);
        r.ds->source = st__strdup(r.source);
        if (r.ds->source == NULL)
            rc = nomem(&r);
    }
    if (rc == ST_OK) {
        st__dataset_shrink(r.ds);
        *out = r.ds;
        r.ds = NULL;
    }
    st_dataset_free(r.ds);
    st__csv_tokenizer_free(&r.tok);
    st__label_rule_free(&r.labels);
    st__free(r.role);
    st__free(r.feature_of);
    st__free(r.switch_row);
    return rc;
}

st_status st_dataset_read_csv(const char *path, const st_read_options *opt, st_dataset **out,
                              st_error *err)
{
    return st__dataset_read_file(path, st_dataset_read_csv_buffer, opt, out, err);
}
