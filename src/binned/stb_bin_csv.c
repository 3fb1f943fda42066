/* stratum bin: a CSV file to a binned file in bounded memory.
 *
 * Pass 1 reads every record once, deciding each column's type as st_dataset_read_csv
 * does (a column with a present value that is not a number is categorical), pushing the
 * numbers of numeric columns into a quantile sketch and interning the texts of categorical
 * ones in a dictionary with a count per level. A column that turns categorical after
 * numbers were read has those rows' texts re-read by a short extra pass over the rows
 * before the switch (as the in-memory reader does). The dictionaries are then sorted in
 * byte order and the bins computed by the in-memory rules (stb_bounds.c,
 * st__gbdt_level_bins). Pass 2 reads the records again and hands them block by block to
 * the writer (stb_write.c), which codes them. Labels and weights are checked in pass 1,
 * with file:line:column in every message. */
#include "stb_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "data/category_dict.h"
#include "data/csv_header.h"
#include "core/error.h"
#include "data/label_rule.h"
#include "data/na_values.h"
#include "data/weight_file.h"
#include "core/number_parse.h"
#include "core/utf8.h"

enum {
    ROLE_FEATURE = ST__CSV_FEATURE,
    ROLE_LABEL = ST__CSV_LABEL,
    ROLE_WEIGHT = ST__CSV_WEIGHT,
    ROLE_IGNORED = ST__CSV_IGNORED
};

typedef struct column {
    int categorical;
    size_t switch_row;     /* first row read as categorical */
    long switch_line;      /* its line: the first cell that is not a number */
    st__qsketch sk;        /* numeric */
    st__category_dict dict;
    size_t *counts;        /* per level code (sorted after pass 1) */
    size_t counts_cap;
} column;

typedef struct binner {
    const char *path;
    const st_read_options *opt;
    const st_bin_options *bo;
    st__csv_stream cs;
    st__na_set na;
    st__label_rule labels;
    size_t n_cols, nf;
    unsigned char *role;
    size_t *feature_of;
    column *col;
    st__stb_meta meta;
    size_t n_rows, rows_skipped, blank_lines, last_switch;
    size_t n_seen;         /* rows returned by next_row in this pass */
    uint64_t bytes_read;
    int passes;
    st__weight_file wf;    /* opt->weight_file, opened for each pass */
    float wf_weight;       /* its weight of the row next_row returned */
    int first_is_data;     /* no header: the record in the stream is the first row, unread */
    int header_numeric;    /* every header field a number (st_bin_report.header_is_numeric) */
    char delimiter;        /* the file's (given or detected) */
    st_error *err;
} binner;

static st_status nomem(binner *b)
{
    return st__fail(b->err, ST_ERR_NOMEM, "%s: out of memory at line %ld", b->path,
                    b->cs.tok.record_line);
}

static const char *column_name(const binner *b, size_t c)
{
    if (b->role[c] == ROLE_FEATURE)
        return b->meta.names[b->feature_of[c]];
    return b->role[c] == ROLE_LABEL ? b->meta.label_name : b->meta.weight_name;
}

static st_status fail_field(binner *b, const st__csv_field *f, size_t c, const char *fmt,
                            const char *text, size_t len)
{
    char shown[200], what[400];
    st__quote_text(text, len, shown, sizeof shown);
    snprintf(what, sizeof what, fmt, shown);
    return st__fail_at(b->err, ST_ERR_DATA, b->path, f->line, f->column, "field %zu (%s): %s",
                       c + 1, column_name(b, c), what);
}

/* ---- header ---- */

/* Reads the header record (after blank lines); pass says whether to set up the columns. */
static st_status read_header(binner *b, int setup)
{
    st__csv_tokenizer *t = &b->cs.tok;
    int got;
    while ((got = st__csv_stream_next(&b->cs, b->err)) == 1 && st__csv_record_is_blank(t))
        ;
    if (got < 0)
        return b->err != NULL ? b->err->code : ST_ERR_PARSE;
    if (got == 0)
        return st__fail_at(b->err, ST_ERR_DATA, b->path, 1, 0, "the file is empty; expected %s",
                           b->opt->has_header ? "a header line naming the columns"
                                              : "lines of data");
    /* without a header the record just read is the first row: next_row starts with it */
    b->first_is_data = !b->opt->has_header;
    if (!setup)
        return t->n_fields == b->n_cols ? ST_OK
                                        : st__fail(b->err, ST_ERR_DATA, "%s: the header changed "
                                                   "between passes", b->path);
    const st_read_options *o = b->opt;
    b->n_cols = t->n_fields;
    b->role = st__calloc(b->n_cols, 1);
    b->feature_of = st__calloc(b->n_cols, sizeof *b->feature_of);
    if (b->role == NULL || b->feature_of == NULL)
        return nomem(b);
    long label_col, weight_col;
    st_status rc = st__csv_header_roles(t, o, 1, "the label; choose it with --label; binning "
                                        "needs labels", b->path, b->role, &label_col,
                                        &weight_col, b->err);
    if (rc != ST_OK)
        return rc;
    for (size_t c = 0; c < b->n_cols; c++)
        if (b->role[c] == ROLE_FEATURE)
            b->feature_of[c] = b->nf++;
    b->col = st__calloc(b->nf ? b->nf : 1, sizeof *b->col);
    if (b->col == NULL || !st__stb_meta_alloc(&b->meta, b->nf))
        return nomem(b);
    b->meta.has_weights = weight_col >= 0 || o->weight_file != NULL;
    for (size_t c = 0; c < b->n_cols; c++) {
        char buf[32];
        size_t len;
        const char *name = st__csv_column_name(t, o, c, buf, &len);
        char *copy = st__strndup(name, len);
        if (copy == NULL)
            return nomem(b);
        if (b->role[c] == ROLE_FEATURE)
            b->meta.names[b->feature_of[c]] = copy;
        else if (b->role[c] == ROLE_LABEL)
            b->meta.label_name = copy;
        else if (b->role[c] == ROLE_WEIGHT)
            b->meta.weight_name = copy;
        else
            st__free(copy);
    }
    if (o->weight_file != NULL && (b->meta.weight_name = st__strdup(o->weight_file)) == NULL)
        return nomem(b);
    b->header_numeric = st__csv_header_is_numeric(t, o);
    for (size_t j = 0; j < b->nf; j++) {
        st__category_dict_init(&b->col[j].dict);
        if (!st__qsketch_init(&b->col[j].sk, b->bo->sketch_size))
            return nomem(b);
    }
    return ST_OK;
}

/* ---- one record ---- */

static st_status check_shape(binner *b)
{
    const st__csv_tokenizer *t = &b->cs.tok;
    if (t->n_fields == b->n_cols)
        return ST_OK;
    const st__csv_field *last = &t->fields[t->n_fields - 1];
    const st__csv_field *at = t->n_fields > b->n_cols ? &t->fields[b->n_cols] : last;
    long at_col = t->n_fields > b->n_cols ? at->column
                                          : last->column + (long)last->len + 2 * last->quoted;
    return st__fail_at(b->err, ST_ERR_PARSE, b->path, at->line, at_col,
                       "found %zu fields; expected %zu, as in the header", t->n_fields, b->n_cols);
}

/* The label of the record: *cls 0/1, or *skip when missing and skipped. */
static st_status read_label(binner *b, float *cls_out, int *skip)
{
    const st__csv_tokenizer *t = &b->cs.tok;
    *skip = 0;
    for (size_t c = 0; c < b->n_cols; c++) {
        if (b->role[c] != ROLE_LABEL)
            continue;
        const st__csv_field *f = &t->fields[c];
        if (st__is_na(&b->na, f->ptr, f->len)) {
            if (b->opt->skip_missing_labels) {
                *skip = 1;
                return ST_OK;
            }
            return fail_field(b, f, c, "the label is missing ('%s'); expected a class value, "
                              "or skip such rows with --skip-missing-labels", f->ptr, f->len);
        }
        int cls = st__label_rule_classify(&b->labels, f->ptr, f->len);
        if (cls == ST__LABEL_NOMEM)
            return nomem(b);
        if (cls == ST__LABEL_OTHER) {
            char rule[300], fmt[400];
            st__label_rule_describe(&b->labels, rule, sizeof rule);
            snprintf(fmt, sizeof fmt, "label '%%s' is not a class: %s", rule);
            return fail_field(b, f, c, fmt, f->ptr, f->len);
        }
        *cls_out = (float)cls;
    }
    return ST_OK;
}

static st_status read_weight(binner *b, size_t c, float *out)
{
    const st__csv_field *f = &b->cs.tok.fields[c];
    double w;
    if (st__is_na(&b->na, f->ptr, f->len))
        return fail_field(b, f, c, "the weight is missing ('%s'); expected a number >= 0",
                          f->ptr, f->len);
    if (!st__parse_number(f->ptr, f->len, &w))
        return fail_field(b, f, c, "weight '%s' is not a number; expected a number >= 0",
                          f->ptr, f->len);
    if (!(w >= 0.0) || isinf(w))
        return fail_field(b, f, c, "weight '%s' is negative, infinite or NaN; expected a "
                          "finite number >= 0", f->ptr, f->len);
    if (isinf((float)w)) /* weights are 32-bit floats */
        return fail_field(b, f, c, "weight '%s' is beyond a 32-bit float's range (3.4e38); "
                          "expected a smaller number >= 0 (only the weights' ratios matter)",
                          f->ptr, f->len);
    *out = (float)w;
    return ST_OK;
}

/* Interns a level text and counts it. */
static st_status count_level(binner *b, column *col, size_t c)
{
    const st__csv_field *f = &b->cs.tok.fields[c];
    long bad = st__utf8_invalid_at(f->ptr, f->len);
    if (bad >= 0)
        return st__fail_at(b->err, ST_ERR_PARSE, b->path, f->line, f->column + f->quoted + bad,
                           "invalid UTF-8 byte 0x%02X; expected UTF-8 text",
                           (unsigned char)f->ptr[bad]);
    long code = st__category_dict_intern(&col->dict, f->ptr, f->len);
    if (code == -1)
        return nomem(b);
    if (code == -2)
        return fail_field(b, f, c, "'%s' would be one level too many: a categorical column "
                          "holds at most 16777216 levels", f->ptr, f->len);
    if ((size_t)code >= col->counts_cap) {
        size_t cap = col->counts_cap ? col->counts_cap * 2 : 64;
        size_t *p = st__realloc_array(col->counts, cap, sizeof *p);
        if (p == NULL)
            return nomem(b);
        memset(p + col->counts_cap, 0, (cap - col->counts_cap) * sizeof *p);
        col->counts = p;
        col->counts_cap = cap;
    }
    col->counts[code]++;
    return ST_OK;
}

/* Pass 1 on a feature field of row `row`. */
static st_status scan_feature(binner *b, size_t c, size_t row)
{
    const st__csv_field *f = &b->cs.tok.fields[c];
    column *col = &b->col[b->feature_of[c]];
    if (!col->categorical) { /* the order of st_dataset_read_csv's read_feature */
        double v;
        if (b->na.values != NULL && st__is_na(&b->na, f->ptr, f->len))
            return ST_OK;
        if (st__parse_number(f->ptr, f->len, &v))
            return st__qsketch_push(&col->sk, (float)v) ? ST_OK : nomem(b);
        if (st__is_na(&b->na, f->ptr, f->len))
            return ST_OK;
        col->categorical = 1;
        col->switch_row = row;
        col->switch_line = b->cs.tok.record_line;
        if (row > b->last_switch)
            b->last_switch = row;
        st__qsketch_free(&col->sk);
    } else if (st__is_na(&b->na, f->ptr, f->len)) {
        return ST_OK;
    }
    return count_level(b, col, c);
}

/* The next kept record: 1, 0 at the end, -1 on error (rc set). y filled. */
static int next_row(binner *b, float *y, st_status *rc)
{
    int got;
    while ((got = b->first_is_data ? 1 : st__csv_stream_next(&b->cs, b->err)) == 1) {
        b->first_is_data = 0;
        if (st__csv_record_is_blank(&b->cs.tok)) {
            b->blank_lines++;
            continue;
        }
        int skip;
        if ((*rc = check_shape(b)) != ST_OK || (*rc = read_label(b, y, &skip)) != ST_OK)
            return -1;
        if (skip && b->wf.f != NULL) {
            *rc = st__fail_at(b->err, ST_ERR_INVALID_ARG, b->path, b->cs.tok.record_line, 0,
                              "the row is skipped for a missing label, so the lines of the "
                              "weight file %s cannot be paired with the rows", b->wf.path);
            return -1;
        }
        if (skip) {
            b->rows_skipped++;
            continue;
        }
        if (b->wf.f != NULL) {
            const size_t row = b->n_seen++;
            int w = st__weight_file_next(&b->wf, &b->wf_weight, b->err);
            if (w <= 0) {
                *rc = w < 0 ? (b->err != NULL ? b->err->code : ST_ERR_DATA)
                            : st__fail(b->err, ST_ERR_DATA, "%s: the weight file ends after %zu "
                                       "lines, before row %zu of %s; expected one line per row",
                                       b->wf.path, row, row + 1, b->path);
                return -1;
            }
        }
        return 1;
    }
    if (got < 0)
        *rc = b->err != NULL ? b->err->code : ST_ERR_PARSE;
    if (got == 0 && b->wf.f != NULL &&
        (*rc = st__weight_file_finish(&b->wf, b->n_seen, b->path, b->err)) != ST_OK)
        return -1;
    return got;
}

static st_status open_pass(binner *b, int setup)
{
    st__csv_stream_close(&b->cs);
    st__weight_file_close(&b->wf);
    b->blank_lines = b->rows_skipped = b->n_seen = 0;
    b->passes++;
    st_status rc = st__csv_stream_open(&b->cs, b->path, b->opt->delimiter, b->bo->chunk_bytes,
                                       b->err);
    b->cs.progress = b->bo->progress, b->cs.progress_data = b->bo->progress_data;
    b->cs.pass = b->passes;
    if (rc == ST_OK && b->opt->weight_file != NULL) /* read again with each pass's rows */
        rc = st__weight_file_open(&b->wf, b->opt->weight_file, b->err);
    return rc != ST_OK ? rc : read_header(b, setup);
}

static void close_pass(binner *b)
{
    b->bytes_read += b->cs.bytes_read;
    st__csv_stream_close(&b->cs);
    st__weight_file_close(&b->wf);
}

static st_status pass1(binner *b)
{
    st_status rc = open_pass(b, 1);
    if (rc != ST_OK)
        return rc;
    b->delimiter = b->cs.delimiter;
    float y, w;
    int got;
    while ((got = next_row(b, &y, &rc)) == 1) {
        for (size_t c = 0; c < b->n_cols && rc == ST_OK; c++) {
            if (b->role[c] == ROLE_FEATURE)
                rc = scan_feature(b, c, b->n_rows);
            else if (b->role[c] == ROLE_WEIGHT)
                rc = read_weight(b, c, &w);
        }
        if (rc != ST_OK)
            return rc;
        b->n_rows++;
    }
    if (got < 0)
        return rc;
    if (b->n_rows == 0)
        return st__fail_at(b->err, ST_ERR_DATA, b->path, b->cs.tok.line > 1 ? b->cs.tok.line - 1 : 1,
                           0, "no data rows%s%s; expected at least one row",
                           b->opt->has_header ? " after the header" : "",
                           b->rows_skipped ? " (every row's label is missing)" : "");
    close_pass(b);
    return ST_OK;
}

/* The texts of rows before a column's switch to categorical. */
static st_status pass_early_texts(binner *b)
{
    st_status rc = open_pass(b, 0);
    float y;
    size_t row = 0;
    while (rc == ST_OK && row < b->last_switch && next_row(b, &y, &rc) == 1) {
        for (size_t c = 0; c < b->n_cols && rc == ST_OK; c++) {
            if (b->role[c] != ROLE_FEATURE)
                continue;
            column *col = &b->col[b->feature_of[c]];
            const st__csv_field *f = &b->cs.tok.fields[c];
            if (col->categorical && row < col->switch_row && !st__is_na(&b->na, f->ptr, f->len))
                rc = count_level(b, col, c);
        }
        row++;
    }
    close_pass(b);
    return rc;
}

/* ---- the bins ---- */

/* Sorts each dictionary, fills meta's levels and the bins (no codes). */
static st_status make_bins(binner *b, st__gbdt_bins *bins, st_bin_report *rep)
{
    const size_t nf = b->nf;
    const int max_bin = b->bo->max_bin, max_cat = b->bo->max_cat_levels;
    st__stb_bins_build bb;
    st_status rc = ST_OK;
    if (!st__stb_bins_build_start(&bb, bins, b->n_rows, nf)) {
        rc = nomem(b);
        goto done;
    }
    size_t total_levels = 0;
    for (size_t j = 0; j < nf && rc == ST_OK; j++) {
        column *col = &b->col[j];
        b->meta.exact[j] = 1;
        bins->level_off[j] = total_levels;
        if (!col->categorical) {
            st__qsummary s;
            if (!st__qsketch_finish(&col->sk, &s)) {
                rc = nomem(b);
                break;
            }
            if (!st__stb_bins_build_numeric(&bb, j, &s, max_bin, &b->meta.exact[j], rep))
                rc = nomem(b);
            st__qsummary_free(&s);
            continue;
        }
        /* levels in byte order, counts with them */
        const size_t k = col->dict.n_levels;
        uint32_t *remap = NULL;
        size_t *sorted = st__calloc(k ? k : 1, sizeof *sorted);
        b->meta.type[j] = ST_FEATURE_CATEGORICAL;
        b->meta.n_levels[j] = k;
        b->meta.levels[j] = st__calloc(k ? k : 1, sizeof **b->meta.levels);
        if (sorted == NULL || b->meta.levels[j] == NULL || !st__category_dict_sort(&col->dict, &remap)) {
            st__free(sorted);
            rc = nomem(b);
            break;
        }
        for (size_t c = 0; c < k; c++)
            sorted[remap[c]] = col->counts[c];
        st__free(remap);
        st__free(col->counts);
        col->counts = sorted;
        st__stb_note_mostly_numeric(rep, b->meta.names[j], &col->dict, col->counts,
                                    col->switch_line, b->delimiter);
        for (size_t c = 0; c < k && rc == ST_OK; c++)
            if ((b->meta.levels[j][c] = st__strdup(st__category_dict_level(&col->dict, c))) == NULL)
                rc = nomem(b);
        if (max_cat > 0 && k > (size_t)max_cat) { /* ordered codes, binned as numbers */
            if (!st__stb_bins_build_ordered(&bb, j, col->counts, k, max_bin))
                rc = nomem(b);
            continue;
        }
        bins->is_cat[j] = 1;
        total_levels += k;
    }
    if (rc != ST_OK)
        goto done;
    bins->level_off[nf] = total_levels;
    bins->level_bin = st__malloc_array(total_levels ? total_levels : 1, 1);
    if (bins->level_bin == NULL) {
        rc = nomem(b);
        goto done;
    }
    for (size_t j = 0; j < nf && rc == ST_OK; j++) {
        if (!bins->is_cat[j])
            continue;
        const int nb = st__gbdt_level_bins(b->col[j].counts, b->meta.n_levels[j], max_bin,
                                           bins->level_bin + bins->level_off[j]);
        if (nb < 0)
            rc = nomem(b);
        bins->n_bins[j] = nb;
    }
    if (rc == ST_OK && !st__stb_bins_build_finish(&bb))
        rc = nomem(b);
done:
    st__stb_bins_build_free(&bb);
    return rc;
}

/* ---- pass 2: rows for the writer ---- */

static st_status pass2_rows(void *ctx, float *x, float *y, float *w, size_t max_rows,
                            size_t *got_out, st_error *err)
{
    binner *b = ctx;
    (void)err;
    st_status rc = ST_OK;
    size_t got = 0;
    while (got < max_rows) {
        int r = next_row(b, &y[got], &rc);
        if (r < 0)
            return rc;
        if (r == 0)
            break;
        float *row = x + got * b->nf;
        if (b->wf.f != NULL)
            w[got] = b->wf_weight;
        for (size_t c = 0; c < b->n_cols; c++) {
            const st__csv_field *f = &b->cs.tok.fields[c];
            if (b->role[c] == ROLE_WEIGHT) {
                if ((rc = read_weight(b, c, &w[got])) != ST_OK)
                    return rc;
                continue;
            }
            if (b->role[c] != ROLE_FEATURE)
                continue;
            const size_t j = b->feature_of[c];
            column *col = &b->col[j];
            double v;
            if (st__is_na(&b->na, f->ptr, f->len) &&
                (col->categorical || b->na.values != NULL || !st__parse_number(f->ptr, f->len, &v))) {
                row[j] = NAN;
            } else if (!col->categorical) {
                if (!st__parse_number(f->ptr, f->len, &v))
                    return fail_field(b, f, c, "'%s' is not a number, but was in the first "
                                      "pass: did the file change while it was binned?",
                                      f->ptr, f->len);
                row[j] = (float)v;
            } else {
                const size_t before = col->dict.n_levels;
                long code = st__category_dict_intern(&col->dict, f->ptr, f->len);
                if (code < 0)
                    return nomem(b);
                if ((size_t)code >= before)
                    return fail_field(b, f, c, "level '%s' was not in the first pass: did the "
                                      "file change while it was binned?", f->ptr, f->len);
                row[j] = (float)code;
            }
        }
        got++;
    }
    *got_out = got;
    return ST_OK;
}

/* ---- entry point ---- */

st_status st__stb_bin_csv(const char *path, const st_read_options *opt, const st_bin_options *bo,
                          const char *out_path, st_bin_report *rep, st_error *err)
{
    binner b;
    memset(&b, 0, sizeof b);
    b.path = path;
    b.opt = opt;
    b.bo = bo;
    b.err = err;
    b.cs.fd = -1;
    b.wf.f = NULL;
    b.na.values = opt->na_values;
    b.na.n = opt->n_na_values;
    st__label_rule_init(&b.labels, opt->positive);
    st__gbdt_bins bins = {0};
    st_status rc = pass1(&b);
    if (rc == ST_OK && b.last_switch > 0)
        rc = pass_early_texts(&b);
    if (rc == ST_OK)
        rc = make_bins(&b, &bins, rep);
    if (rc == ST_OK) {
        b.meta.n_rows = b.n_rows;
        b.meta.max_bin = bo->max_bin;
        b.meta.max_cat_levels = bo->max_cat_levels;
        b.meta.has_values = bo->store_values;
        for (int k = 0; k < 2; k++)
            if ((b.meta.class_name[k] = st__strdup(b.labels.seen[k] != NULL ? b.labels.seen[k] : "")) == NULL)
                rc = nomem(&b);
    }
    if (rc == ST_OK)
        rc = open_pass(&b, 0);
    if (rc == ST_OK) {
        /* pass 2 re-reads labels: the rule has learned its classes, and gives the same */
        rc = st__stb_write(out_path, &b.meta, &bins, pass2_rows, &b, bo->block_rows,
                           &rep->bytes_written, err);
        rep->rows_skipped = b.rows_skipped;
        rep->blank_lines = b.blank_lines;
        close_pass(&b);
    }
    if (rc == ST_OK) {
        rep->n_rows = b.n_rows;
        rep->n_features = b.nf;
        for (size_t j = 0; j < b.nf; j++)
            rep->total_bins += (size_t)bins.n_bins[j];
        rep->bytes_read = b.bytes_read;
        rep->passes = b.passes;
        rep->header_is_numeric = b.header_numeric;
    }
    st__csv_stream_close(&b.cs);
    st__weight_file_close(&b.wf);
    st__label_rule_free(&b.labels);
    for (size_t j = 0; b.col != NULL && j < b.nf; j++) {
        st__qsketch_free(&b.col[j].sk);
        st__category_dict_free(&b.col[j].dict);
        st__free(b.col[j].counts);
    }
    st__free(b.col);
    st__free(b.role);
    st__free(b.feature_of);
    st__stb_meta_free(&b.meta);
    st__gbdt_bins_free(&bins);
    return rc;
}
