/* One CSV record into one row of the dataset: the label first (it decides whether the row
 * is kept), then each feature as its column's type and the read options say, the weight,
 * and the tallies of cells that are not numbers. Shared by the reader in turn
 * (csv_reader.c) and the readers of a large file's chunks (csv_reader_chunks.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/utf8.h"
#include "csv_cells.h"
#include "csv_reader_impl.h"
#include "dataset_impl.h"

st_status st__csv_nomem(csv_reader *r)
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
        return st__csv_nomem(r);
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
    if (!(w >= 0.0) || isinf(w))
        return fail_field(r, f, col, "weight '%s' is negative, infinite or NaN; expected a "
                          "finite number >= 0", f->ptr, f->len);
    if (isinf((float)w)) /* weights are 32-bit floats */
        return fail_field(r, f, col, "weight '%s' is beyond a 32-bit float's range (3.4e38); "
                          "expected a smaller number >= 0 (only the weights' ratios matter)",
                          f->ptr, f->len);
    r->ds->weights[r->ds->n_rows] = (float)w;
    return ST_OK;
}

st_status st__csv_intern_level(csv_reader *r, st__feature *feat, const st__csv_field *f,
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
        return st__csv_nomem(r);
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
        if (r->in_chunk) /* not a failure: the record is left to the reader in turn */
            return ST_ERR_DATA;
        size_t row = r->ds->n_rows;
        feat->type = ST_FEATURE_CATEGORICAL;
        /* the rows before get their texts back (recover_early_texts), missing ones too */
        feat->cells->n_made_missing = 0;
        r->switch_row[r->feature_of[col]] = row;
        r->any_late_switch |= row > 0;
    }
    return st__csv_intern_level(r, feat, f, col, slot);
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
            if (fabs(v) > ST__FLOAT_EXACT_MAX) /* (one compare for the usual cell) */
                st__cells_note_lossy(feat->cells, v, f->line, f->column);
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
        return st__csv_intern_level(r, feat, f, col, slot);
    }
    return read_non_number(r, feat, f, col, slot);
}

st_status st__csv_read_record(csv_reader *r, int *kept)
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
