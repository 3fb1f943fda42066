/* CSV to dataset. One pass over the text fills the columns (a large file's rest after its
 * first megabyte on the threads, csv_reader_chunks.c; each record by csv_record.c); a column
 * that turns out not to be numeric partway down is switched to categorical, and a short
 * second pass recovers the texts of the rows read before the switch. */
#include <string.h>

#include "core/alloc.h"
#include "csv_cells.h"
#include "csv_header.h"
#include "csv_reader_impl.h"
#include "csv_tokenizer.h"
#include "dataset_impl.h"
#include "core/error.h"
#include "core/parallel.h"
#include "label_rule.h"
#include "na_values.h"
#include "read_options_check.h"

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
        return st__csv_nomem(r);
    const st_read_options *o = r->opt;
    long label_col, weight_col;
    st_status rc = st__csv_header_roles(t, o, o->label_required > 0 && o->label != NULL,
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
        return st__csv_nomem(r);
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
            return st__csv_nomem(r);
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


/* Rows read in turn before a large file's rest is shared between threads: enough that the
 * columns' types are settled in most files. A chunk stops where a type would change (a
 * column of codes whose first letter comes late); the reader in turn goes on from there,
 * and after as many bytes again shares the rest anew, up to CSV_SHARE_TRIES times. */
#define CSV_HEAD_BYTES ((size_t)1 << 20)
#define CSV_SHARE_TRIES 8

static st_status read_rows(csv_reader *r, int n_threads)
{
    const char *start = r->tok.p;
    int tries = n_threads > 1 ? CSV_SHARE_TRIES : 0;
    int got;
    while ((got = r->first_is_data ? 1 : st__csv_next(&r->tok, r->err)) == 1) {
        r->first_is_data = 0;
        if (r->ds->n_rows == r->ds->row_cap &&
            !st__dataset_reserve_rows(r->ds, r->ds->row_cap * 2))
            return st__csv_nomem(r);
        int kept;
        st_status rc = st__csv_read_record(r, &kept);
        if (rc != ST_OK)
            return rc;
        r->ds->n_rows += (size_t)kept;
        if (tries > 0 && (size_t)(r->tok.p - start) >= CSV_HEAD_BYTES) {
            int again = 0;
            if ((rc = st__csv_read_chunks(r, n_threads, &again)) != ST_OK)
                return rc;
            tries = again ? tries - 1 : 0;
            start = r->tok.p;
        }
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
            rc = st__csv_intern_level(r, feat, &t.fields[c], c, &feat->values[row]);
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
    if (opt->n_threads < 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: n_threads %d is negative; expected 0 "
                        "(all) or a number of threads", r.source, opt->n_threads);
    st_status lists = st__read_options_check_lists(opt, r.source, err);
    if (lists != ST_OK)
        return lists;
    st__csv_tokenizer_init(&r.tok, data, size, delimiter, r.source);
    st_status rc = read_header(&r);
    if (rc == ST_OK)
        rc = read_rows(&r, st__n_threads(opt->n_threads));
    if (rc == ST_OK && r.any_late_switch)
        rc = recover_early_texts(&r, data, size);
    if (rc == ST_OK && !st__dataset_sort_levels(r.ds))
        rc = st__csv_nomem(&r);
    if (rc == ST_OK)
        rc = st__dataset_read_weight_file(r.ds, opt, r.source, err);
    if (rc == ST_OK) {
        copy_class_names(&r);
        r.ds->delimiter = delimiter;
        st__free(r.ds->source);
        r.ds->source = st__strdup(r.source);
        if (r.ds->source == NULL)
            rc = st__csv_nomem(&r);
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
    return st__dataset_read_file("st_dataset_read_csv", path, st_dataset_read_csv_buffer, opt,
                                 out, err);
}
