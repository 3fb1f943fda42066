/* A CSV header against the read options (csv_header.h). */
#include "csv_header.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "category_dict.h"
#include "core/error.h"
#include "core/number_parse.h"
#include "core/utf8.h"

static st_status nomem(const st__csv_tokenizer *t, const char *source, st_error *err)
{
    return st__fail(err, ST_ERR_NOMEM, "%s: out of memory at line %ld", source,
                    t->record_line);
}

/* Without a header a column's name is its 0-based position in decimal, written as
 * st__csv_column_name writes it: no sign, no leading zero. */
static long position_of(const st__csv_tokenizer *t, const char *name)
{
    size_t c = 0, len = strlen(name);
    if (len == 0 || len > 19 || (name[0] == '0' && len > 1))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        c = c * 10 + (size_t)(name[i] - '0');
    }
    return c < t->n_fields ? (long)c : -1;
}

long st__csv_find_column(const st__csv_tokenizer *t, const st_read_options *o,
                         const char *name)
{
    if (!o->has_header)
        return position_of(t, name);
    for (size_t c = 0; c < t->n_fields; c++)
        if (t->fields[c].len == strlen(name) && memcmp(t->fields[c].ptr, name, t->fields[c].len) == 0)
            return (long)c;
    return -1;
}

/* "a, b, \"c, d\"" listing of the header, cut to fit, for "no such column" messages. */
static void list_columns(const st__csv_tokenizer *t, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t c = 0; c < t->n_fields && o + 8 < size; c++) {
        /* a name holding a comma in quotes, as the CLI's lists take it */
        const char *q = memchr(t->fields[c].ptr, ',', t->fields[c].len) != NULL ? "\"" : "";
        int n = snprintf(out + o, size - o, "%s%s%.*s%s", c ? ", " : "", q,
                         (int)t->fields[c].len, t->fields[c].ptr, q);
        if (n < 0 || o + (size_t)n >= size) {
            snprintf(out + (o < size - 4 ? o : size - 4), 4, "...");
            return;
        }
        o += (size_t)n;
    }
}

static st_status fail_no_column(const st__csv_tokenizer *t, const st_read_options *o,
                                const char *source, const char *what, const char *name,
                                st_error *err)
{
    if (!o->has_header)
        return st__fail_at(err, ST_ERR_DATA, source, t->record_line, 0,
                           "no column named '%s' (%s); the file is read without a header, so "
                           "its %zu columns are named by position: 0 to %zu", name, what,
                           t->n_fields, t->n_fields - 1);
    char columns[300];
    list_columns(t, columns, sizeof columns);
    return st__fail_at(err, ST_ERR_DATA, source, t->record_line, 0,
                       "no column named '%s' (%s); the header has: %s", name, what, columns);
}

/* Header names must be valid UTF-8 and unique. Names are interned in a dictionary, so a
 * header of 100,000 columns is checked in linear time, not quadratic. */
static st_status check_names(const st__csv_tokenizer *t, const st_read_options *o,
                              const char *source, st_error *err)
{
    for (size_t c = 0; c < t->n_fields; c++) {
        const st__csv_field *f = &t->fields[c];
        long bad = st__utf8_invalid_at(f->ptr, f->len);
        if (bad >= 0) /* a quoted field's text starts one byte after its opening quote */
            return st__fail_at(err, ST_ERR_PARSE, source, f->line, f->column + f->quoted + bad,
                               "invalid UTF-8 byte 0x%02X; expected UTF-8 text",
                               (unsigned char)f->ptr[bad]);
    }
    st__category_dict seen;
    st__category_dict_init(&seen);
    size_t *first_column = st__malloc_array(t->n_fields, sizeof *first_column);
    st_status rc = first_column != NULL ? ST_OK : nomem(t, source, err);
    for (size_t c = 0; c < t->n_fields && rc == ST_OK; c++) {
        const st__csv_field *f = &t->fields[c];
        if (f->len == 0) /* empty names become "Unnamed: N": never a clash */
            continue;
        size_t before = seen.n_levels;
        long code = st__category_dict_intern(&seen, f->ptr, f->len);
        if (code < 0) {
            rc = nomem(t, source, err);
        } else if ((size_t)code < before) {
            char shown[200];
            st__quote_text(f->ptr, f->len, shown, sizeof shown);
            /* numbers repeat in a row of data: say what is most likely wrong */
            rc = st__fail_at(err, ST_ERR_DATA, source, f->line, f->column,
                             "duplicate column name '%s' (columns %zu and %zu); expected "
                             "unique names%s", shown, first_column[code] + 1, c + 1,
                             st__csv_header_is_numeric(t, o)
                                 ? "; every name in this line is a number: if the file has no "
                                   "header line, read it with --no-header"
                                 : "");
        } else {
            first_column[code] = c;
        }
    }
    st__category_dict_free(&seen);
    st__free(first_column);
    return rc;
}

st_status st__csv_header_roles(const st__csv_tokenizer *t, const st_read_options *o,
                               int label_needed, const char *label_why, const char *source,
                               unsigned char *role, long *label_col, long *weight_col,
                               st_error *err)
{
    if (o->has_header) { /* names by position are unique and plain */
        st_status rc = check_names(t, o, source, err);
        if (rc != ST_OK)
            return rc;
    }
    *label_col = -1;
    *weight_col = -1;
    if (o->label_index >= 0) {
        if ((size_t)o->label_index >= t->n_fields)
            return st__fail_at(err, ST_ERR_DATA, source, t->record_line, 0,
                               "label column index %ld is past the last column (the %s has "
                               "%zu columns, indices 0 to %zu)", o->label_index,
                               o->has_header ? "header" : "first line", t->n_fields,
                               t->n_fields - 1);
        *label_col = o->label_index;
    } else {
        const char *name = o->label != NULL ? o->label : "label";
        *label_col = o->label != NULL ? st__csv_find_column(t, o, name) : -1;
        if (*label_col < 0 && label_needed)
            return fail_no_column(t, o, source, label_why, name, err);
    }
    if (o->weight != NULL) {
        *weight_col = st__csv_find_column(t, o, o->weight);
        if (*weight_col < 0)
            return fail_no_column(t, o, source, "the weight column", o->weight, err);
        if (*weight_col == *label_col)
            return st__fail(err, ST_ERR_INVALID_ARG,
                            "the weight column '%s' is also the label column", o->weight);
    }
    for (size_t k = 0; k < o->n_ignore; k++) {
        long c = st__csv_find_column(t, o, o->ignore[k]);
        if (c < 0)
            return fail_no_column(t, o, source, "asked to ignore it", o->ignore[k], err);
        if (c == *label_col || c == *weight_col)
            return st__fail(err, ST_ERR_INVALID_ARG, "column '%s' is the %s column; it "
                            "cannot also be ignored", o->ignore[k],
                            c == *label_col ? "label" : "weight");
        role[c] = ST__CSV_IGNORED;
    }
    if (*label_col >= 0)
        role[*label_col] = o->label_required < 0 ? ST__CSV_IGNORED : ST__CSV_LABEL;
    if (o->label_required < 0)
        *label_col = -1; /* (checked against the weight and ignored columns above) */
    if (*weight_col >= 0)
        role[*weight_col] = ST__CSV_WEIGHT;
    return ST_OK;
}

const char *st__csv_column_name(const st__csv_tokenizer *t, const st_read_options *o, size_t c,
                                char buf[32], size_t *len)
{
    if (!o->has_header) {
        *len = (size_t)snprintf(buf, 32, "%zu", c);
        return buf;
    }
    if (t->fields[c].len == 0) { /* as pandas names an empty header cell */
        *len = (size_t)snprintf(buf, 32, "Unnamed: %zu", c);
        return buf;
    }
    *len = t->fields[c].len;
    return t->fields[c].ptr;
}

int st__csv_header_is_numeric(const st__csv_tokenizer *t, const st_read_options *o)
{
    if (!o->has_header || t->n_fields == 0)
        return 0;
    for (size_t c = 0; c < t->n_fields; c++) {
        double v;
        if (!st__parse_number(t->fields[c].ptr, t->fields[c].len, &v))
            return 0;
    }
    return 1;
}
