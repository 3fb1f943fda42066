/* stratum bin: a LibSVM file to a binned file in bounded memory.
 *
 * Lines are read one at a time and parsed by the rules of st_dataset_read_libsvm
 * (libsvm_line.h). Pass 1 checks every line, learns the classes and the largest index,
 * pushes each explicit value into its index's quantile sketch and counts the explicit
 * entries; an absent entry is 0 (as the in-memory reader stores it), so each feature's
 * summary then gets its implicit zeros as one entry of weight rows - explicit. The index
 * base is decided as the in-memory reader does, and the bounds by the in-memory rules
 * (stb_bounds.c). Pass 2 reads the lines again and hands them to the writer (stb_write.c)
 * block by block: memory is a block of rows and one sketch per feature. */
#define _POSIX_C_SOURCE 200809L
#include "stb_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/libsvm_line.h"

typedef struct svm_binner {
    const char *path;
    const st_read_options *opt;
    const st_bin_options *bo;
    FILE *f;
    char *buf;             /* read buffer (st__ allocations): bytes [start, len) unread */
    size_t buf_cap, start, len;
    int eof;
    long line_no;
    st__libsvm_line ln;
    long base;
    size_t n_idx;          /* sketch slots: indices 0 .. n_idx - 1 */
    st__qsketch **sk;      /* per index: NULL until the index has a value (wide files) */
    size_t *explicit_n;    /* per index: explicit entries */
    size_t *feature_of;    /* per index: feature, or (size_t)-1 (below base, ignored) */
    size_t nf, n_rows, blank_lines;
    float *row;            /* pass 2: the row being filled */
    uint64_t bytes_read, pass_bytes, file_size; /* all passes; this pass; the file */
    int passes;
    st_error *err;
} svm_binner;

static st_status nomem(svm_binner *b)
{
    return st__fail(b->err, ST_ERR_NOMEM, "%s: out of memory at line %ld", b->path, b->line_no);
}

static st_status open_pass(svm_binner *b)
{
    if (b->f != NULL)
        fclose(b->f);
    b->line_no = 0;
    b->blank_lines = 0;
    b->start = b->len = 0;
    b->eof = 0;
    b->passes++;
    b->pass_bytes = 0;
    b->f = fopen(b->path, "rb");
    if (b->f == NULL)
        return st__fail(b->err, ST_ERR_IO, "%s: cannot open: %s", b->path, strerror(errno));
    struct stat st;
    b->file_size = fstat(fileno(b->f), &st) == 0 ? (uint64_t)st.st_size : 0;
    return ST_OK;
}

/* The next raw line (with its '\n') in *line and *n: 1, 0 at the end, -1 on error. The
 * buffer grows to the longest line; a block of chunk_bytes is read at a time. */
static int raw_line(svm_binner *b, const char **line, size_t *n, st_status *rc)
{
    size_t scanned = 0;
    for (;;) {
        const char *from = b->buf + b->start + scanned;
        const char *nl = b->len > b->start + scanned
                             ? memchr(from, '\n', b->len - b->start - scanned) : NULL;
        if (nl != NULL || (b->eof && b->len > b->start)) {
            const size_t end = nl != NULL ? (size_t)(nl - b->buf) + 1 : b->len;
            *line = b->buf + b->start;
            *n = end - b->start;
            b->start = end;
            return 1;
        }
        if (b->eof)
            return 0;
        scanned = b->len - b->start;
        if (b->start > 0) { /* keep the partial line, at the front */
            memmove(b->buf, b->buf + b->start, scanned);
            b->len = scanned;
            b->start = 0;
        }
        const size_t chunk = b->bo->chunk_bytes < 4096 ? 4096 : b->bo->chunk_bytes;
        if (b->buf_cap - b->len < chunk) {
            char *p = st__realloc(b->buf, b->len + chunk);
            if (p == NULL) {
                *rc = nomem(b);
                return -1;
            }
            b->buf = p;
            b->buf_cap = b->len + chunk;
        }
        const size_t got = fread(b->buf + b->len, 1, b->buf_cap - b->len, b->f);
        if (got == 0) {
            if (ferror(b->f)) {
                *rc = st__fail(b->err, ST_ERR_IO, "%s: read error after line %ld: %s", b->path,
                               b->line_no, strerror(errno));
                return -1;
            }
            b->eof = 1;
        }
        b->len += got;
        b->bytes_read += got;
        b->pass_bytes += got;
        if (b->bo->progress != NULL)
            b->bo->progress(b->passes, b->pass_bytes, b->file_size, b->bo->progress_data);
    }
}

/* The next data line: 1 (parsed, pairs handed to on_pair), 0 at the end, -1 on error. */
static int next_line(svm_binner *b, long base, st_status *rc)
{
    for (;;) {
        const char *p;
        size_t got;
        const int r = raw_line(b, &p, &got, rc);
        if (r <= 0)
            return r;
        b->line_no++;
        const char *end = p + got, *e;
        st__libsvm_line_bounds(p, end, &e);
        const char *first = p;
        while (first < e && (*first == ' ' || *first == '\t'))
            first++;
        if (first == e) {
            b->blank_lines++;
            continue;
        }
        const char *nul = memchr(p, '\0', (size_t)(e - p));
        if (nul != NULL) {
            *rc = st__fail_at(b->err, ST_ERR_PARSE, b->path, b->line_no, (long)(nul - p) + 1,
                              "NUL byte in the data; expected text");
            return -1;
        }
        if ((*rc = st__libsvm_scan_line(&b->ln, b->line_no, p, e, base)) != ST_OK)
            return -1;
        return 1;
    }
}

/* ---- pass 1 ---- */

static st_status grow_slots(svm_binner *b, size_t need)
{
    size_t cap = b->n_idx ? b->n_idx : 16;
    while (cap < need)
        cap *= 2;
    if (cap > (size_t)ST__LIBSVM_MAX_INDEX + 1) /* no slot past the largest index allowed */
        cap = need > (size_t)ST__LIBSVM_MAX_INDEX + 1 ? need : (size_t)ST__LIBSVM_MAX_INDEX + 1;
    st__qsketch **sk = st__realloc_array(b->sk, cap, sizeof *sk);
    if (sk == NULL)
        return nomem(b);
    b->sk = sk;
    size_t *cnt = st__realloc_array(b->explicit_n, cap, sizeof *cnt);
    if (cnt == NULL)
        return nomem(b);
    b->explicit_n = cnt;
    for (size_t s = b->n_idx; s < cap; s++) {
        b->sk[s] = NULL;
        b->explicit_n[s] = 0;
    }
    b->n_idx = cap;
    return ST_OK;
}

static st_status pass1_pair(void *ctx, long index, double value)
{
    svm_binner *b = ctx;
    if ((size_t)index >= b->n_idx) {
        st_status rc = grow_slots(b, (size_t)index + 1);
        if (rc != ST_OK)
            return rc;
    }
    b->explicit_n[index]++;
    const float v = (float)value;
    if (isnan(v)) /* missing, as in the in-memory binning */
        return ST_OK;
    if (b->sk[index] == NULL) {
        if ((b->sk[index] = st__malloc(sizeof **b->sk)) == NULL)
            return nomem(b);
        st__qsketch_init(b->sk[index], b->bo->sketch_size);
    }
    return st__qsketch_push(b->sk[index], v) ? ST_OK : nomem(b);
}

static st_status pass1(svm_binner *b)
{
    st_status rc = open_pass(b);
    if (rc != ST_OK)
        return rc;
    b->ln.on_pair = pass1_pair;
    b->ln.pair_ctx = b;
    /* a file forced one-based is checked for index 0 here, as in the in-memory reader */
    const long check_base = b->opt->libsvm_zero_based == 0 ? 1 : 0;
    int got;
    while ((got = next_line(b, check_base, &rc)) == 1)
        b->n_rows++;
    if (got < 0)
        return rc;
    if (b->n_rows == 0)
        return st__fail(b->err, ST_ERR_DATA, "%s: no data lines; expected lines of the form "
                        "'label index:value ...'", b->path);
    return ST_OK;
}

/* The base, the features (names f<index>, ignored ones dropped) and meta. */
static st_status make_features(svm_binner *b)
{
    const st_read_options *o = b->opt;
    const long max_index = b->ln.max_index;
    b->base = o->libsvm_zero_based == 1 ? 0 : o->libsvm_zero_based == 0 ? 1
            : (b->ln.min_index == 0 ? 0 : 1);
    const size_t n_slots = max_index < 0 ? 0 : (size_t)max_index + 1;
    if (n_slots > b->n_idx) {
        st_status rc = grow_slots(b, n_slots);
        if (rc != ST_OK)
            return rc;
    }
    b->feature_of = st__malloc_array(n_slots ? n_slots : 1, sizeof *b->feature_of);
    if (b->feature_of == NULL)
        return nomem(b);
    for (size_t s = 0; s < n_slots; s++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu", s);
        b->feature_of[s] = (long)s < b->base || st__libsvm_ignored(o, name) ? (size_t)-1 : b->nf++;
    }
    return ST_OK;
}

static st_status make_bins(svm_binner *b, st__stb_meta *meta, st__gbdt_bins *bins,
                           st_bin_report *rep)
{
    const size_t nf = b->nf;
    const int max_bin = b->bo->max_bin;
    if (!st__stb_meta_alloc(meta, nf))
        return nomem(b);
    meta->n_rows = b->n_rows;
    meta->max_bin = max_bin;
    meta->max_cat_levels = b->bo->max_cat_levels;
    meta->has_values = b->bo->store_values;
    if ((meta->label_name = st__strdup("label")) == NULL ||
        (meta->weight_name = st__strdup("")) == NULL)
        return nomem(b);
    for (int k = 0; k < 2; k++)
        if ((meta->class_name[k] = st__strdup(b->ln.labels.seen[k] != NULL
                                              ? b->ln.labels.seen[k] : "")) == NULL)
            return nomem(b);
    st__stb_bins_build bb;
    st_status rc = ST_OK;
    const int started = st__stb_bins_build_start(&bb, bins, b->n_rows, nf);
    bins->level_bin = st__malloc_array(1, 1); /* no categorical features */
    if (!started || bins->level_bin == NULL) {
        rc = nomem(b);
        goto done;
    }
    const size_t n_slots = b->ln.max_index < 0 ? 0 : (size_t)b->ln.max_index + 1;
    for (size_t s = 0; s < n_slots && rc == ST_OK; s++) {
        const size_t j = b->feature_of[s];
        if (j == (size_t)-1)
            continue;
        char name[32];
        snprintf(name, sizeof name, "f%zu", s);
        meta->type[j] = ST_FEATURE_NUMERIC;
        if ((meta->names[j] = st__strdup(name)) == NULL) {
            rc = nomem(b);
            break;
        }
        st__qsummary part = {0}, zeros = {0}, s_all = {0};
        if (b->sk[s] != NULL && !st__qsketch_finish(b->sk[s], &part)) {
            rc = nomem(b);
            break;
        }
        /* the absent entries: zeros, each of weight 1 */
        const double zero = 0.0, n_zero = (double)(b->n_rows - b->explicit_n[s]);
        int ok = n_zero == 0 ? st__qsummary_merge(&s_all, &part, &zeros)
                             : st__qsummary_from_sorted(&zeros, &zero, &n_zero, 1) &&
                                   st__qsummary_merge(&s_all, &part, &zeros);
        st__qsummary_free(&part);
        st__qsummary_free(&zeros);
        if (!ok) {
            st__qsummary_free(&s_all);
            rc = nomem(b);
            break;
        }
        if (!st__stb_bins_build_numeric(&bb, j, &s_all, max_bin, &meta->exact[j], rep))
            rc = nomem(b);
        st__qsummary_free(&s_all);
    }
    if (rc == ST_OK && !st__stb_bins_build_finish(&bb))
        rc = nomem(b);
done:
    st__stb_bins_build_free(&bb);
    return rc;
}

/* ---- pass 2 ---- */

static st_status pass2_pair(void *ctx, long index, double value)
{
    svm_binner *b = ctx;
    if (index > b->ln.max_index || index < b->base)
        return st__fail_at(b->err, ST_ERR_DATA, b->path, b->line_no, 0, "feature index %ld "
                           "was not in the first pass: did the file change while it was "
                           "binned?", index);
    const size_t j = b->feature_of[index];
    if (j != (size_t)-1)
        b->row[j] = (float)value;
    return ST_OK;
}

static st_status pass2_rows(void *ctx, float *x, float *y, float *w, size_t max_rows,
                            size_t *got_out, st_error *err)
{
    svm_binner *b = ctx;
    (void)w;
    (void)err;
    st_status rc = ST_OK;
    size_t got = 0;
    while (got < max_rows) {
        b->row = x + got * b->nf;
        for (size_t j = 0; j < b->nf; j++)
            b->row[j] = 0.0f;
        const int r = next_line(b, b->base, &rc);
        if (r < 0)
            return rc;
        if (r == 0)
            break;
        y[got++] = (float)b->ln.cls;
    }
    *got_out = got;
    return ST_OK;
}

/* ---- entry point ---- */

st_status st__stb_bin_libsvm(const char *path, const st_read_options *opt,
                             const st_bin_options *bo, const char *out_path,
                             st_bin_report *rep, st_error *err);

st_status st__stb_bin_libsvm(const char *path, const st_read_options *opt,
                             const st_bin_options *bo, const char *out_path,
                             st_bin_report *rep, st_error *err)
{
    if (opt->weight != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: LibSVM files have no weight column; "
                        "weights need a CSV file", path);
    svm_binner b;
    memset(&b, 0, sizeof b);
    b.path = path;
    b.opt = opt;
    b.bo = bo;
    b.err = err;
    b.ln.source = path;
    b.ln.err = err;
    b.ln.max_index = -1;
    b.ln.min_index = LONG_MAX;
    st__label_rule_init(&b.ln.labels, opt->positive);
    st__stb_meta meta = {0};
    st__gbdt_bins bins = {0};
    st_status rc = pass1(&b);
    if (rc == ST_OK)
        rc = make_features(&b);
    if (rc == ST_OK)
        rc = make_bins(&b, &meta, &bins, rep);
    if (rc == ST_OK)
        rc = open_pass(&b);
    if (rc == ST_OK) {
        /* pass 2 re-reads labels: the rule has learned its classes, and gives the same */
        b.ln.on_pair = pass2_pair;
        b.ln.pair_ctx = &b;
        rc = st__stb_write(out_path, &meta, &bins, pass2_rows, &b, bo->block_rows,
                           &rep->bytes_written, err);
    }
    if (rc == ST_OK) {
        rep->n_rows = b.n_rows;
        rep->n_features = b.nf;
        for (size_t j = 0; j < b.nf; j++)
            rep->total_bins += (size_t)bins.n_bins[j];
        rep->blank_lines = b.blank_lines;
        rep->bytes_read = b.bytes_read;
        rep->passes = b.passes;
    }
    if (b.f != NULL)
        fclose(b.f);
    st__free(b.buf);
    st__label_rule_free(&b.ln.labels);
    for (size_t s = 0; s < b.n_idx; s++)
        if (b.sk[s] != NULL) {
            st__qsketch_free(b.sk[s]);
            st__free(b.sk[s]);
        }
    st__free(b.sk);
    st__free(b.explicit_n);
    st__free(b.feature_of);
    st__stb_meta_free(&meta);
    st__gbdt_bins_free(&bins);
    return rc;
}
