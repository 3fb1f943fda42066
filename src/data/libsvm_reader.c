/* LibSVM / SVMlight text to dataset, in one pass over the text: every line is checked and
 * its entries appended, row after row, to a staging list (libsvm_stage.h) while each
 * index's entries are counted; then the columns are made from the list
 * (libsvm_columns.c), dense ones (an entry in at least half the rows) as n_rows values,
 * sparse ones as their entries, and the list is freed. Each number of the file is parsed
 * once; the columns are what reading the text twice (count, then fill) gave, entry for
 * entry. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "read_options_check.h"
#include "core/alloc.h"
#include "dataset_impl.h"
#include "core/error.h"
#include "csv_cells.h"
#include "label_rule.h"
#include "libsvm_line.h"
#include "libsvm_stage.h"
#include "libsvm_tokens.h"
#include "core/number_parse.h"

typedef struct libsvm_reader {
    const char *data, *end, *source;
    st__label_rule labels;
    long max_index, min_index;
    long index_cap;                /* the largest index allowed (st__libsvm_index_cap) */
    size_t n_rows;
    st_error *err;
    int cls;                       /* the class of the last line scanned */
    st__libsvm_pair_fn on_pair;    /* when set, called per pair */
    void *pair_ctx;
    st__libsvm_stage *stage;       /* when set, entries and labels are staged, and ... */
    size_t *counts, counts_cap;    /* ... counts[index]: lines with an entry for index */
} libsvm_reader;

static st_status fail_token(libsvm_reader *r, st_status code, long line, const char *line_start,
                            const libsvm_token *tok, const char *what)
{
    char shown[64];
    st__quote_text(tok->ptr, tok->len, shown, sizeof shown);
    return st__fail_at(r->err, code, r->source, line, (long)(tok->ptr - line_start) + 1,
                       "'%s': %s", shown, what);
}

/* One more entry for index in r->counts, grown as indices appear. */
static int count_entry(libsvm_reader *r, long index)
{
    if ((size_t)index >= r->counts_cap) {
        size_t cap = r->counts_cap == 0 ? 1024 : r->counts_cap;
        while (cap <= (size_t)index)
            cap *= 2;
        size_t *grown = st__realloc_array(r->counts, cap, sizeof *grown);
        if (grown == NULL)
            return 0;
        memset(grown + r->counts_cap, 0, (cap - r->counts_cap) * sizeof *grown);
        r->counts = grown;
        r->counts_cap = cap;
    }
    r->counts[index]++;
    return 1;
}

/* One line: its label class (through the rule) and pairs, staged when r->stage is set;
 * calls back per pair when r->on_pair is. Indices below base are refused (base 1: the file
 * is read as one-based). */
static st_status scan_line(libsvm_reader *r, long line, const char *p, const char *e, long base)
{
    const char *line_start = p;
    libsvm_token tok;
    p = next_token(p, e, &tok);
    int cls = st__label_rule_classify(&r->labels, tok.ptr, tok.len);
    if (cls == ST__LABEL_NOMEM)
        return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
    if (cls == ST__LABEL_OTHER) {
        char rule[300];
        st__label_rule_describe(&r->labels, rule, sizeof rule);
        /* a well-formed line whose label is not a class: unusable data, as in the CSV reader */
        return fail_token(r, ST_ERR_DATA, line, line_start, &tok, rule);
    }
    r->cls = cls;
    long previous = -1;
    for (;;) {
        p = next_token(p, e, &tok);
        if (tok.len == 0)
            break;
        if (is_qid(&tok))
            continue;
        long index;
        double value;
        if (!split_pair(&tok, &index, &value))
            return fail_token(r, ST_ERR_PARSE, line, line_start, &tok,
                              "expected index:value with a whole index and a number");
        if (index <= previous) {
            char what[160];
            if (index == previous)
                snprintf(what, sizeof what, "feature indices must increase along a line; "
                         "index %ld is repeated", index);
            else
                snprintf(what, sizeof what, "feature indices must increase along a line; "
                         "index %ld comes after %ld", index, previous);
            return fail_token(r, ST_ERR_PARSE, line, line_start, &tok, what);
        }
        if (index < base)
            return fail_token(r, ST_ERR_PARSE, line, line_start, &tok,
                              "feature index 0 in a file read as one-based; expected indices "
                              "from 1");
        if (index > r->index_cap) {
            char what[240];
            snprintf(what, sizeof what, "feature index above %ld, the largest this file may "
                     "use: stratum keeps a column for every index up to the largest, so "
                     "indices must stay at most 1000000 or the file's size in bytes, "
                     "whichever is larger", r->index_cap);
            return fail_token(r, ST_ERR_DATA, line, line_start, &tok, what);
        }
        previous = index;
        if (index > r->max_index)
            r->max_index = index;
        if (index < r->min_index)
            r->min_index = index;
        if (r->stage != NULL &&
            (!count_entry(r, index) || !st__libsvm_stage_entry(r->stage, index, value)))
            return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
        if (r->on_pair != NULL) {
            st_status rc = r->on_pair(r->pair_ctx, index, value);
            if (rc != ST_OK)
                return rc;
        }
    }
    return ST_OK;
}

/* Runs scan_line over every non-blank line. */
static st_status scan_all(libsvm_reader *r, long base)
{
    long line = 0;
    r->n_rows = 0;
    for (const char *p = r->data; p < r->end;) {
        const char *e;
        const char *next = line_bounds(p, r->end, &e);
        line++;
        const char *first = p;
        while (first < e && is_blank(*first))
            first++;
        if (first < e) {
            const char *nul = memchr(p, '\0', (size_t)(e - p));
            if (nul != NULL)
                return st__fail_at(r->err, ST_ERR_PARSE, r->source, line, (long)(nul - p) + 1,
                                   "NUL byte in the data; expected text");
            st_status rc = scan_line(r, line, p, e, base);
            if (rc != ST_OK)
                return rc;
            if (r->stage != NULL && !st__libsvm_stage_row(r->stage, r->cls))
                return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
            r->n_rows++;
        }
        p = next;
    }
    return ST_OK;
}

static st_status build(libsvm_reader *r, const st_read_options *opt, st_dataset **out)
{
    long base = opt->libsvm_zero_based == 1 ? 0
              : opt->libsvm_zero_based == 0 ? 1
              : (r->min_index == 0 ? 0 : 1);
    size_t n_slots = r->max_index < base ? 0 : (size_t)(r->max_index - base + 1);
    if (r->n_rows > UINT32_MAX) /* a sparse column's rows are 32-bit */
        return st__fail(r->err, ST_ERR_DATA, "%s: %zu data lines; at most %lu are supported",
                        r->source, r->n_rows, (unsigned long)UINT32_MAX);
    size_t *feature_of = st__malloc_array(n_slots == 0 ? 1 : n_slots, sizeof *feature_of);
    size_t *entries = st__malloc_array(n_slots == 0 ? 1 : n_slots, sizeof *entries);
    unsigned char *sparse = st__malloc_array(n_slots == 0 ? 1 : n_slots, sizeof *sparse);
    st_dataset *ds = NULL;
    st_status rc = ST_OK;
    if (feature_of == NULL || entries == NULL || sparse == NULL) {
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
        goto done;
    }
    size_t n_features = 0;
    for (size_t s = 0; s < n_slots; s++) {
        char name[32];
        int ignored = 0;
        if (opt->n_ignore > 0) {
            snprintf(name, sizeof name, "f%ld", (long)s + base);
            ignored = st__libsvm_ignored(opt, name);
        }
        feature_of[s] = ignored ? (size_t)-1 : n_features;
        if (ignored)
            continue;
        /* a column with entries in fewer than half the rows is stored sparse */
        const size_t index = s + (size_t)base, n = index < r->counts_cap ? r->counts[index] : 0;
        entries[n_features] = n;
        sparse[n_features] = n < r->n_rows - n;
        n_features++;
    }
    const st__libsvm_shape shape = {.n_slots = n_slots, .n_features = n_features,
                                    .base = base, .feature_of = feature_of,
                                    .entries = entries, .sparse = sparse};
    ds = st__dataset_new(0, 1, 1, 0);
    const int filled = ds != NULL ? st__libsvm_fill_dataset(ds, &shape, r->stage) : 0;
    if (filled == 0) {
        size_t total = 0;
        for (size_t k = 0; k < r->counts_cap; k++)
            total += r->counts[k];
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory for %zu rows x %zu features "
                      "(%zu entries)", r->source, r->n_rows, n_features, total);
        goto done;
    }
    if (filled < 0) {
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
        goto done;
    }
    st__libsvm_stage_free(r->stage); /* before the caller's fit allocates */
    ds->n_rows = r->n_rows;
    ds->libsvm = 1;
    ds->libsvm_first = base;
    ds->libsvm_last = r->max_index < base ? base - 1 : r->max_index;
    st__free(ds->label_name);
    ds->label_name = st__strdup("label");
    for (int k = 0; k < 2; k++)
        if (r->labels.seen[k] != NULL) {
            st__free(ds->class_name[k]);
            ds->class_name[k] = r->labels.seen[k];
            r->labels.seen[k] = NULL;
        }
    if (ds->label_name == NULL) {
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
        goto done;
    }
    *out = ds;
    ds = NULL;
done:
    st_dataset_free(ds);
    st__free(feature_of);
    st__free(entries);
    st__free(sparse);
    return rc;
}

const char *st__libsvm_line_bounds(const char *p, const char *end, const char **line_end)
{
    return line_bounds(p, end, line_end);
}

st_status st__libsvm_scan_line(st__libsvm_line *l, long line, const char *p, const char *e,
                               long base)
{
    libsvm_reader r;
    memset(&r, 0, sizeof r);
    r.source = l->source;
    r.labels = l->labels;
    r.max_index = l->max_index;
    r.min_index = l->min_index;
    r.index_cap = l->index_cap > 0 ? l->index_cap : ST__LIBSVM_MAX_INDEX;
    r.err = l->err;
    r.on_pair = l->on_pair;
    r.pair_ctx = l->pair_ctx;
    st_status rc = scan_line(&r, line, p, e, base);
    l->labels = r.labels; /* the rule may have learned a class */
    l->max_index = r.max_index;
    l->min_index = r.min_index;
    l->cls = r.cls;
    return rc;
}

st_status st_dataset_read_libsvm_buffer(const char *data, size_t size, const char *name,
                                        const st_read_options *opt, st_dataset **out,
                                        st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read_libsvm_buffer: out is NULL");
    *out = NULL;
    st_read_options defaults = st_read_options_default();
    if (opt == NULL)
        opt = &defaults;
    const char *source = name != NULL ? name : "<buffer>";
    st_status lists = st__read_options_check_lists(opt, source, err);
    if (lists != ST_OK)
        return lists;
    if (opt->weight != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: LibSVM files have no weight column; "
                        "weights need a CSV file", source);
    const char *retype;
    if (st__read_options_retype(opt, &retype))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %s applies to CSV files; a LibSVM file "
                        "holds only numbers", source, retype);
    libsvm_reader r;
    memset(&r, 0, sizeof r);
    r.data = data;
    r.end = data + size;
    r.source = source;
    r.err = err;
    r.max_index = -1;
    r.min_index = 2147483647L;
    r.index_cap = st__libsvm_index_cap(size);
    st__label_rule_init(&r.labels, opt->positive);
    st__libsvm_stage stage;
    memset(&stage, 0, sizeof stage);
    r.stage = &stage;
    /* every entry has a ':': room for that many, so the list is never copied to grow */
    size_t colons = 0;
    for (size_t k = 0; k < size; k++)
        colons += data[k] == ':';
    st_status rc = st__libsvm_stage_reserve(&stage, colons ? colons : 1) ? ST_OK
                 : st__fail(err, ST_ERR_NOMEM, "%s: out of memory", source);
    /* a file forced one-based is checked for index 0 here, where the line is known */
    if (rc == ST_OK)
        rc = scan_all(&r, opt->libsvm_zero_based == 0 ? 1 : 0);
    if (rc == ST_OK && r.n_rows == 0)
        rc = st__fail(err, ST_ERR_DATA, "%s: no data lines; expected lines of the form "
                      "'label index:value ...'", source);
    if (rc == ST_OK)
        rc = build(&r, opt, out);
    st__libsvm_stage_free(&stage);
    if (rc == ST_OK) {
        char *copy = st__strdup(source);
        if (copy == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", source);
        else {
            st__free((*out)->source);
            (*out)->source = copy;
        }
        if (rc != ST_OK) {
            st_dataset_free(*out);
            *out = NULL;
        }
    }
    if (rc == ST_OK && (rc = st__dataset_read_weight_file(*out, opt, source, err)) != ST_OK) {
        st_dataset_free(*out);
        *out = NULL;
    }
    st__label_rule_free(&r.labels);
    st__free(r.counts);
    return rc;
}

st_status st_dataset_read_libsvm(const char *path, const st_read_options *opt, st_dataset **out,
                                 st_error *err)
{
    return st__dataset_read_file("st_dataset_read_libsvm", path, st_dataset_read_libsvm_buffer, opt,
                                 out, err);
}
