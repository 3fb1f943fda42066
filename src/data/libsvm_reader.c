/* LibSVM / SVMlight text to dataset. The first pass checks every line, finds the size and
 * counts each index's entries; the second fills the columns: dense ones (an entry in at
 * least half the rows) as n_rows values, sparse ones as their entries, allocated to the
 * exact count. Memory is the dataset and the counts, nothing more. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "dataset_impl.h"
#include "core/error.h"
#include "csv_cells.h"
#include "label_rule.h"
#include "libsvm_line.h"
#include "libsvm_tokens.h"
#include "core/number_parse.h"

/* Where the next entry of a sparse column goes, by index slot (NULL: not sparse). The
 * second pass writes each entry through these 16 bytes instead of the column's feature
 * (136 bytes away in a table of a million), a cache miss fewer per entry. */
typedef struct libsvm_fill {
    uint32_t *rows;
    float *values;
} libsvm_fill;

typedef struct libsvm_reader {
    const char *data, *end, *source;
    st__label_rule labels;
    long max_index, min_index;
    long index_cap;                /* the largest index allowed (st__libsvm_index_cap) */
    size_t n_rows;
    st_error *err;
    int cls;                       /* the class of the last line scanned */
    st__libsvm_pair_fn on_pair;    /* when set, called per pair in a scan without ds */
    void *pair_ctx;
    int counting;                  /* first pass of the reader: count entries per index */
    size_t *counts, counts_cap;    /* counts[index]: lines with an entry for index */
    libsvm_fill *fill;             /* second pass: by index - base */
} libsvm_reader;

static st_status fail_token(libsvm_reader *r, st_status code, long line, const char *line_start,
                            const libsvm_token *tok, const char *what)
{
    char shown[64];
    st__quote_text(tok->ptr, tok->len, shown, sizeof shown);
    return st__fail_at(r->err, code, r->source, line, (long)(tok->ptr - line_start) + 1,
                       "'%s': %s", shown, what);
}

/* Sets bit `row` of f's zero_entries (allocated on the first such entry, for n_rows). */
static int mark_zero_entry(st__feature *f, size_t n_rows, size_t row)
{
    if (f->zero_entries == NULL &&
        (f->zero_entries = st__calloc((n_rows + 31) / 32, sizeof *f->zero_entries)) == NULL)
        return 0;
    f->zero_entries[row / 32] |= 1u << (row % 32);
    return 1;
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

/* One line: its label class (through the rule) and pairs; calls back per pair when ds set.
 * Indices below base are refused (base 1: the file is read as one-based). */
static st_status scan_line(libsvm_reader *r, long line, const char *p, const char *e,
                           st_dataset *ds, const size_t *feature_of, long base)
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
    if (ds != NULL && ds->labels != NULL)
        ds->labels[r->n_rows] = (float)cls;
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
        if (ds != NULL) {
            libsvm_fill *to = &r->fill[index - base];
            size_t j;
            if (to->rows != NULL) { /* a sparse column (room was made for every entry) */
                *to->rows++ = (uint32_t)r->n_rows;
                *to->values++ = (float)value;
            } else if ((j = feature_of[index - base]) != (size_t)-1) {
                st__feature *f = &ds->features[j];
                f->values[r->n_rows] = (float)value;
                /* an entry whose value is 0 is stored as an absent one is: mark it, so that
                   models reading absent entries as missing (XGBoost's) can tell them apart */
                if ((float)value == 0 && !mark_zero_entry(f, ds->row_cap, r->n_rows))
                    return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
            }
        } else {
            if (index > r->max_index)
                r->max_index = index;
            if (index < r->min_index)
                r->min_index = index;
            if (r->counting && !count_entry(r, index))
                return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
            if (r->on_pair != NULL) {
                st_status rc = r->on_pair(r->pair_ctx, index, value);
                if (rc != ST_OK)
                    return rc;
            }
        }
    }
    return ST_OK;
}

/* Runs scan_line over every non-blank line. */
static st_status scan_all(libsvm_reader *r, st_dataset *ds, const size_t *feature_of, long base)
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
            st_status rc = scan_line(r, line, p, e, ds, feature_of, base);
            if (rc != ST_OK)
                return rc;
            r->n_rows++;
        }
        p = next;
    }
    return ST_OK;
}

static size_t entries_of(const libsvm_reader *r, long index)
{
    return (size_t)index < r->counts_cap ? r->counts[index] : 0;
}

static size_t total_entries(const libsvm_reader *r)
{
    size_t n = 0;
    for (size_t k = 0; k < r->counts_cap; k++)
        n += r->counts[k];
    return n;
}

static st_status build(libsvm_reader *r, const st_read_options *opt, st_dataset **out)
{
    long base = opt->libsvm_zero_based == 1 ? 0
              : opt->libsvm_zero_based == 0 ? 1
              : (r->min_index == 0 ? 0 : 1);
    size_t n_slots = r->max_index < base ? 0 : (size_t)(r->max_index - base + 1);
    size_t *feature_of = st__malloc_array(n_slots == 0 ? 1 : n_slots, sizeof *feature_of);
    if (feature_of == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
    size_t n_features = 0;
    for (size_t s = 0; s < n_slots; s++) {
        char name[32];
        snprintf(name, sizeof name, "f%ld", (long)s + base);
        feature_of[s] = st__libsvm_ignored(opt, name) ? (size_t)-1 : n_features++;
    }
    st_status rc = ST_OK;
    if (r->n_rows > UINT32_MAX) { /* a sparse column's rows are 32-bit */
        st__free(feature_of);
        return st__fail(r->err, ST_ERR_DATA, "%s: %zu data lines; at most %lu are supported",
                        r->source, r->n_rows, (unsigned long)UINT32_MAX);
    }
    st_dataset *ds = st__dataset_new(n_features, 1, 1, 0);
    /* a column with entries in fewer than half the rows is stored sparse, before the
       dense ones get their rows */
    for (size_t s = 0; ds != NULL && s < n_slots; s++) {
        const size_t j = feature_of[s], n = entries_of(r, (long)s + base);
        if (j != (size_t)-1 && n < r->n_rows - n &&
            !st__feature_make_sparse(&ds->features[j], n)) {
            st_dataset_free(ds);
            ds = NULL;
        }
    }
    if (ds == NULL || !st__dataset_reserve_rows(ds, r->n_rows)) {
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory for %zu rows x %zu features "
                      "(%zu entries)", r->source, r->n_rows, n_features, total_entries(r));
        goto done;
    }
    for (size_t s = 0; s < n_slots; s++) {
        char name[32];
        int len = snprintf(name, sizeof name, "f%ld", (long)s + base);
        if (feature_of[s] != (size_t)-1 &&
            !st__dataset_set_name(ds, feature_of[s], name, (size_t)len)) {
            rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
            goto done;
        }
    }
    for (size_t j = 0; j < n_features; j++)
        if (!ds->features[j].sparse)
            memset(ds->features[j].values, 0, r->n_rows * sizeof(float));
    if ((r->fill = st__calloc(n_slots ? n_slots : 1, sizeof *r->fill)) == NULL) {
        rc = st__fail(r->err, ST_ERR_NOMEM, "%s: out of memory", r->source);
        goto done;
    }
    for (size_t s = 0; s < n_slots; s++)
        if (feature_of[s] != (size_t)-1 && ds->features[feature_of[s]].sparse) {
            st__feature *f = &ds->features[feature_of[s]];
            r->fill[s].rows = f->entry_rows;
            r->fill[s].values = f->entry_values;
            f->n_entries = entries_of(r, (long)s + base); /* what the scan below writes */
        }
    rc = scan_all(r, ds, feature_of, base);
    if (rc != ST_OK)
        goto done;
    ds->n_rows = r->n_rows;
    ds->libsvm = 1;
    ds->libsvm_first = base;
    ds->libsvm_last = r->max_index < base ? base - 1 : r->max_index;
    if (ds->labels != NULL) {
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
    }
    *out = ds;
    ds = NULL;
done:
    st_dataset_free(ds);
    st__free(feature_of);
    st__free(r->fill);
    r->fill = NULL;
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
    st_status rc = scan_line(&r, line, p, e, NULL, NULL, base);
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
    r.counting = 1;
    /* a file forced one-based is checked for index 0 here, where the line is known */
    st_status rc = scan_all(&r, NULL, NULL, opt->libsvm_zero_based == 0 ? 1 : 0);
    if (rc == ST_OK && r.n_rows == 0)
        rc = st__fail(err, ST_ERR_DATA, "%s: no data lines; expected lines of the form "
                      "'label index:value ...'", source);
    if (rc == ST_OK) {
        /* the second pass must classify labels the same way: start the rule afresh */
        st__label_rule_free(&r.labels);
        st__label_rule_init(&r.labels, opt->positive);
        r.counting = 0;
        rc = build(&r, opt, out);
    }
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
    return st__dataset_read_file(path, st_dataset_read_libsvm_buffer, opt, out, err);
}
