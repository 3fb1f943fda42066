/* st_binned_open: maps a binned file (format in stb_write.c) read-only and checks
 * everything training will trust: the header (magic, byte order, version, checksum), that
 * the sections are where the layout puts them and the file is exactly as long, the
 * metadata (lengths within the block, bounds increasing to +inf, levels in byte order,
 * level bins within the feature's bins), and then every bin code (in range, its two copies
 * equal), label, weight and raw value (in its code's bin), one pass over the file. A code past its feature's bins would index past a histogram, so no
 * file reaches training without this. */
#define _POSIX_C_SOURCE 200809L
#include "stb_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "data/category_dict.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "stb_format.h"

int st_binned_is_file(const char *path)
{
    /* Only a regular file can be a binned file (it is mapped); reading the first bytes of
     * a pipe such as /dev/stdin would take them from the CSV that follows. */
    struct stat st;
    if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char magic[8];
    const int is = fread(magic, 1, 8, f) == 8 && memcmp(magic, ST__STB_MAGIC, 8) == 0;
    fclose(f);
    return is;
}

static st_status corrupt(st_error *err, const char *path, const char *what)
{
    return st__fail(err, ST_ERR_DATA, "%s: corrupted binned file: %s", path, what);
}

/* A cursor over the metadata block. */
typedef struct cursor {
    const unsigned char *p, *end;
    int bad;
} cursor;

static const unsigned char *take(cursor *c, uint64_t n)
{
    if (c->bad || n > (uint64_t)(c->end - c->p)) {
        c->bad = 1;
        return NULL;
    }
    const unsigned char *at = c->p;
    c->p += n;
    return at;
}

static uint64_t get_u(cursor *c, int size)
{
    const unsigned char *p = take(c, (uint64_t)size);
    uint64_t v = 0;
    if (p != NULL)
        memcpy(&v, p, (size_t)size); /* little-endian host (checked) */
    return v;
}

/* A string of the block, copied (NULL and c->bad when it does not fit, holds a NUL, or out
 * of memory: *nomem tells). */
static char *get_str(cursor *c, int *nomem)
{
    const uint64_t n = get_u(c, 4);
    const unsigned char *p = take(c, n);
    if (p == NULL || memchr(p, '\0', (size_t)n) != NULL) {
        c->bad = 1;
        return NULL;
    }
    char *s = st__strndup((const char *)p, (size_t)n);
    if (s == NULL) {
        *nomem = 1;
        c->bad = 1;
    }
    return s;
}

/* The metadata block into meta and the bins (no codes). */
static st_status parse_meta(const char *path, cursor *c, st_binned *b, int wide, st_error *err)
{
    st__stb_meta *m = &b->meta;
    st__gbdt_bins *bins = &b->bins;
    const size_t nf = m->n_features;
    int nomem = 0;
    m->label_name = get_str(c, &nomem);
    m->class_name[0] = get_str(c, &nomem);
    m->class_name[1] = get_str(c, &nomem);
    m->weight_name = get_str(c, &nomem);
    bins->n_bins = st__calloc(nf, sizeof *bins->n_bins);
    bins->offset = st__calloc(nf + 1, sizeof *bins->offset);
    bins->is_cat = st__calloc(nf, 1);
    bins->level_off = st__calloc(nf + 1, sizeof *bins->level_off);
    if (nomem || bins->n_bins == NULL || bins->offset == NULL || bins->is_cat == NULL ||
        bins->level_off == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the header", path);
    if (c->bad)
        return corrupt(err, path, "the metadata ends early");
    /* first walk: names, types, levels; bounds and level bins are only located */
    const unsigned char **where = st__calloc(nf, sizeof *where);
    if (where == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the header", path);
    st_status rc = ST_OK;
    size_t total_bins = 0, total_levels = 0;
    char what[160];
    for (size_t j = 0; j < nf && rc == ST_OK; j++) {
        m->names[j] = get_str(c, &nomem);
        const uint64_t type = get_u(c, 1), binning = get_u(c, 1), exact = get_u(c, 1);
        (void)get_u(c, 1);
        const uint64_t nb = get_u(c, 4), nl = get_u(c, 8);
        if (nomem) {
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the header", path);
            break;
        }
        snprintf(what, sizeof what, "feature %zu: ", j + 1);
        const size_t w = strlen(what);
        if (c->bad)
            snprintf(what + w, sizeof what - w, "the metadata ends early");
        else if (type > 1 || binning > 1 || exact > 1 || (binning == 1 && type != 1))
            snprintf(what + w, sizeof what - w, "unknown type or binning");
        else if (nb < 1 || nb > 65535 || (nb > 255 && (!wide || binning == 1)))
            snprintf(what + w, sizeof what - w, "%llu bins", (unsigned long long)nb);
        else if ((type == 0 && nl != 0) || nl > ST__MAX_LEVELS || nl > (uint64_t)(c->end - c->p) / 4)
            snprintf(what + w, sizeof what - w, "%llu levels", (unsigned long long)nl);
        else
            what[0] = '\0';
        if (what[0] != '\0') {
            rc = corrupt(err, path, what);
            break;
        }
        m->type[j] = (uint8_t)type;
        m->exact[j] = (uint8_t)exact;
        bins->is_cat[j] = (uint8_t)binning;
        bins->n_bins[j] = (int)nb;
        m->n_levels[j] = (size_t)nl;
        if (type == 1 && (m->levels[j] = st__calloc(nl ? (size_t)nl : 1, sizeof **m->levels)) == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the levels", path);
            break;
        }
        for (size_t k = 0; k < nl && !c->bad; k++) {
            m->levels[j][k] = get_str(c, &nomem);
            if (!c->bad && k > 0 && strcmp(m->levels[j][k - 1], m->levels[j][k]) >= 0) {
                snprintf(what, sizeof what, "feature %zu: levels not in byte order", j + 1);
                rc = corrupt(err, path, what);
                break;
            }
        }
        if (rc != ST_OK)
            break;
        where[j] = take(c, binning ? nl : nb * 8);
        if (nomem)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the levels", path);
        else if (c->bad)
            rc = corrupt(err, path, "the metadata ends early");
        total_bins += (size_t)nb + 1;
        bins->level_off[j] = total_levels;
        total_levels += binning ? (size_t)nl : 0;
    }
    if (rc == ST_OK && c->p != c->end)
        rc = corrupt(err, path, "the metadata is longer than its features");
    if (rc == ST_OK) {
        bins->level_off[nf] = total_levels;
        bins->total_bins = total_bins;
        bins->bounds = st__malloc_array(total_bins ? total_bins : 1, sizeof *bins->bounds);
        bins->level_bin = st__malloc_array(total_levels ? total_levels : 1, 1);
        if (bins->bounds == NULL || bins->level_bin == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading the bins", path);
    }
    for (size_t j = 0; j < nf && rc == ST_OK; j++) {
        bins->offset[j + 1] = bins->offset[j] + (size_t)bins->n_bins[j] + 1;
        double *bd = bins->bounds + bins->offset[j];
        bd[0] = NAN;
        if (bins->is_cat[j]) {
            uint8_t *lb = bins->level_bin + bins->level_off[j];
            memcpy(lb, where[j], m->n_levels[j]);
            for (int k = 1; k <= bins->n_bins[j]; k++)
                bd[k] = NAN;
            for (size_t k = 0; k < m->n_levels[j] && rc == ST_OK; k++)
                if (lb[k] < 1 || lb[k] > bins->n_bins[j]) {
                    snprintf(what, sizeof what, "feature %zu: level %zu in bin %u of %d", j + 1,
                             k + 1, lb[k], bins->n_bins[j]);
                    rc = corrupt(err, path, what);
                }
            continue;
        }
        memcpy(bd + 1, where[j], (size_t)bins->n_bins[j] * sizeof *bd);
        for (int k = 1; k <= bins->n_bins[j] && rc == ST_OK; k++) {
            const int last = k == bins->n_bins[j];
            if (bd[k] != bd[k] || (k > 1 && !(bd[k] > bd[k - 1])) ||
                (last ? bd[k] != INFINITY : bd[k] == INFINITY)) {
                snprintf(what, sizeof what, "feature %zu: bounds not increasing to +inf", j + 1);
                rc = corrupt(err, path, what);
            }
        }
    }
    st__free(where);
    return rc;
}

/* Every code within its feature's bins, and the feature-major copy of the codes equal to
 * the row-major one (the writer stores each code twice: a byte changed in either section
 * no longer agrees). Rows go in blocks whose row-major codes stay in cache while each
 * feature's column is compared. Returns the first bad feature, -1 when none. */
#define CODE_BLOCK 4096
#define DEFINE_CHECK_CODES(NAME, T)                                                        \
    static long NAME(const T *codes, const T *cols, size_t n, size_t nf, const int *nb)    \
    {                                                                                      \
        for (size_t i = 0; i < n; i++)                                                     \
            for (size_t j = 0; j < nf; j++)                                                \
                if (codes[i * nf + j] > nb[j])                                             \
                    return (long)j;                                                        \
        for (size_t i0 = 0; i0 < n; i0 += CODE_BLOCK) {                                    \
            const size_t i1 = n - i0 < CODE_BLOCK ? n : i0 + CODE_BLOCK;                   \
            for (size_t j = 0; j < nf; j++) {                                              \
                unsigned differ = 0;                                                       \
                for (size_t i = i0; i < i1; i++)                                           \
                    differ |= (unsigned)(cols[j * n + i] != codes[i * nf + j]);            \
                if (differ)                                                                \
                    return (long)j;                                                        \
            }                                                                              \
        }                                                                                  \
        return -1;                                                                         \
    }
DEFINE_CHECK_CODES(check_u8, uint8_t)
DEFINE_CHECK_CODES(check_u16, uint16_t)

/* Every raw value (--values) in the bin its code names: the writer coded each value it
 * stored with st__gbdt_bin_of, so a value changed on disk (a lab result of 1e9 where the
 * code says 40 to 45) fails here; a categorical value must be one of the feature's level
 * codes. Returns the first bad feature (its row in *row), -1 when none. */
static long check_values(const st_binned *b, size_t *row)
{
    const st__gbdt_bins *bins = &b->bins;
    const size_t n = b->meta.n_rows, nf = b->meta.n_features;
    for (size_t j = 0; j < nf; j++) {
        const float *v = b->values + j * n;
        const int cat = bins->is_cat != NULL && bins->is_cat[j];
        const float n_levels = cat ? (float)(bins->level_off[j + 1] - bins->level_off[j]) : 0;
        for (size_t i = 0; i < n; i++) {
            const unsigned code = bins->wide ? bins->cols16[j * n + i] : bins->cols[j * n + i];
            if ((cat && v[i] == v[i] && !(v[i] >= 0 && v[i] < n_levels && v[i] == floorf(v[i])))
                || st__gbdt_bin_of(bins, j, v[i]) != code) {
                *row = i;
                return (long)j;
            }
        }
    }
    return -1;
}

static st_status check_data(const char *path, st_binned *b, st_error *err)
{
    const size_t n = b->meta.n_rows, nf = b->meta.n_features;
    char what[160];
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (b->labels[i] != 0 && b->labels[i] != 1) {
            snprintf(what, sizeof what, "row %zu: label %g; expected 0 or 1", i + 1,
                     (double)b->labels[i]);
            return corrupt(err, path, what);
        }
        n_pos += b->labels[i] == 1;
    }
    for (size_t i = 0; b->weights != NULL && i < n; i++)
        if (!(b->weights[i] >= 0) || isinf(b->weights[i])) {
            snprintf(what, sizeof what, "row %zu: weight %g; expected a finite number >= 0",
                     i + 1, (double)b->weights[i]);
            return corrupt(err, path, what);
        }
    const long bad = b->bins.wide ? check_u16(b->bins.codes16, b->bins.cols16, n, nf, b->bins.n_bins)
                                  : check_u8(b->bins.codes, b->bins.cols, n, nf, b->bins.n_bins);
    if (bad >= 0) {
        snprintf(what, sizeof what, "feature %ld: a bin code past its %d bins, or its two "
                 "copies of the codes differ", bad + 1, b->bins.n_bins[bad]);
        return corrupt(err, path, what);
    }
    size_t row = 0;
    const long bad_value = b->values != NULL ? check_values(b, &row) : -1;
    if (bad_value >= 0) {
        snprintf(what, sizeof what, "feature %ld, row %zu: raw value %g is not in the bin "
                 "its code names", bad_value + 1, row + 1,
                 (double)b->values[(size_t)bad_value * n + row]);
        return corrupt(err, path, what);
    }
    (void)n_pos;
    return ST_OK;
}

/* Header fields, in the order of stb_write.c. */
typedef struct header {
    uint32_t version, endian, flags, max_bin, max_cat, zero;
    uint64_t n_rows, nf, meta_size, file_size, sum;
    st__stb_layout lay;
} header;

static st_status parse_header(const char *path, const unsigned char *p, size_t size,
                              header *h, st_error *err)
{
    if (size < ST__STB_META_AT || memcmp(p, ST__STB_MAGIC, 8) != 0)
        return st__fail(err, ST_ERR_DATA, "%s: not a binned file (no \"STRATSTB\" magic; make "
                        "one with 'stratum bin')", path);
    memcpy(&h->version, p + 8, 4);
    memcpy(&h->endian, p + 12, 4);
    if (h->endian == 0x04030201u)
        return st__fail(err, ST_ERR_DATA, "%s: the binned file was written on a machine of the "
                        "other byte order; bin the data again here", path);
    if (h->endian != 0x01020304u)
        return corrupt(err, path, "bad byte-order word");
    if (h->version != ST__STB_VERSION)
        return st__fail(err, ST_ERR_DATA, "%s: binned file version %u; this stratum reads "
                        "version %u (bin the data again with this stratum)", path, h->version,
                        ST__STB_VERSION);
    memcpy(&h->n_rows, p + 16, 8);
    memcpy(&h->nf, p + 24, 8);
    memcpy(&h->flags, p + 32, 4);
    memcpy(&h->max_bin, p + 36, 4);
    memcpy(&h->max_cat, p + 40, 4);
    memcpy(&h->zero, p + 44, 4);
    memcpy(&h->meta_size, p + 48, 8);
    memcpy(&h->lay.labels, p + 56, 8);
    memcpy(&h->lay.weights, p + 64, 8);
    memcpy(&h->lay.codes, p + 72, 8);
    memcpy(&h->lay.cols, p + 80, 8);
    memcpy(&h->lay.values, p + 88, 8);
    memcpy(&h->file_size, p + 96, 8);
    memcpy(&h->sum, p + ST__STB_SUM_AT, 8);
    if (h->meta_size > size - ST__STB_META_AT)
        return st__fail(err, ST_ERR_DATA, "%s: truncated binned file: %zu bytes, shorter than "
                        "its header", path, size);
    uint64_t sum = st__stb_fnv1a(ST__STB_FNV_SEED, p, ST__STB_SUM_AT);
    sum = st__stb_fnv1a(sum, p + ST__STB_META_AT, (size_t)h->meta_size);
    if (sum != h->sum)
        return corrupt(err, path, "header checksum mismatch");
    if ((h->flags & ~7u) != 0 || h->zero != 0 || h->max_bin < 2 || h->max_bin > 65535 ||
        h->max_cat > 0x7fffffffu)
        return corrupt(err, path, "unknown flags or options");
    if (h->n_rows == 0 || h->n_rows >= UINT32_MAX || h->nf == 0 || h->nf > ((uint64_t)1 << 32))
        return corrupt(err, path, "row or feature count out of range");
    /* the layout these counts imply, computed without overflow */
    uint64_t cells, bytes;
    if (__builtin_mul_overflow(h->n_rows, h->nf, &cells) ||
        __builtin_mul_overflow(cells, (uint64_t)8, &bytes) || bytes > ((uint64_t)1 << 62))
        return corrupt(err, path, "row and feature counts overflow");
    st__stb_layout want;
    st__stb_layout_of(&want, h->n_rows, h->nf, h->meta_size, (h->flags & 4u) != 0,
                      (h->flags & 1u) != 0, (h->flags & 2u) != 0);
    if (memcmp(&want, &h->lay, sizeof want - sizeof want.file_size) != 0 ||
        want.file_size != h->file_size)
        return corrupt(err, path, "section offsets do not match the row and feature counts");
    if (h->file_size != size)
        return st__fail(err, ST_ERR_DATA, "%s: truncated or extended binned file: %zu bytes; "
                        "its header says %llu", path, size, (unsigned long long)h->file_size);
    return ST_OK;
}

st_status st_binned_open(const char *path, st_binned **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_binned_open: %s is NULL",
                        path == NULL ? "path" : "out");
    const uint32_t one = 1;
    unsigned char little;
    memcpy(&little, &one, 1);
    if (little != 1)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_binned_open: binned files are read on "
                        "little-endian machines only");
    char reason[128];
    const int fd = open(path, O_RDONLY);
    if (fd < 0)
        return st__fail(err, ST_ERR_IO, "%s: cannot open: %s", path,
                        st__errno_text(errno, reason, sizeof reason));
    struct stat stt;
    if (fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        const int e = errno;
        close(fd);
        return st__fail(err, ST_ERR_IO, "%s: %s", path,
                        S_ISREG(stt.st_mode) ? st__errno_text(e, reason, sizeof reason)
                                             : "not a regular file; a binned file is mapped");
    }
    const size_t size = (size_t)stt.st_size;
    if (size < ST__STB_META_AT) {
        close(fd);
        return st__fail(err, ST_ERR_DATA, "%s: not a binned file (%zu bytes, shorter than the "
                        "header)", path, size);
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    const int map_errno = errno;
    close(fd);
    if (map == MAP_FAILED)
        return st__fail(err, map_errno == ENOMEM ? ST_ERR_NOMEM : ST_ERR_IO,
                        "%s: cannot map %zu bytes: %s", path, size,
                        st__errno_text(map_errno, reason, sizeof reason));
    st_binned *b = st__calloc(1, sizeof *b);
    if (b == NULL) {
        munmap(map, size);
        return st__fail(err, ST_ERR_NOMEM, "out of memory opening %s", path);
    }
    b->map = map;
    b->map_size = size;
    b->bins.codes_borrowed = 1;
    const unsigned char *p = map;
    header h;
    st_status rc = parse_header(path, p, size, &h, err);
    if (rc != ST_OK)
        goto fail;
    if ((b->path = st__strdup(path)) == NULL || !st__stb_meta_alloc(&b->meta, (size_t)h.nf)) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory opening %s", path);
        goto fail;
    }
    const size_t n = (size_t)h.n_rows, nf = (size_t)h.nf;
    b->meta.n_rows = n;
    b->meta.max_bin = (int)h.max_bin;
    b->meta.max_cat_levels = (int)h.max_cat;
    b->meta.has_weights = (h.flags & 1u) != 0;
    b->meta.has_values = (h.flags & 2u) != 0;
    b->bins.n_rows = n;
    b->bins.n_features = nf;
    b->bins.wide = (h.flags & 4u) != 0;
    cursor c = {p + ST__STB_META_AT, p + ST__STB_META_AT + h.meta_size, 0};
    if ((rc = parse_meta(path, &c, b, b->bins.wide, err)) != ST_OK)
        goto fail;
    b->labels = (const float *)(p + h.lay.labels);
    b->weights = h.lay.weights ? (const float *)(p + h.lay.weights) : NULL;
    b->values = h.lay.values ? (const float *)(p + h.lay.values) : NULL;
    if (b->bins.wide) {
        b->bins.codes16 = (uint16_t *)(uintptr_t)(p + h.lay.codes);
        b->bins.cols16 = (uint16_t *)(uintptr_t)(p + h.lay.cols);
    } else {
        b->bins.codes = (uint8_t *)(uintptr_t)(p + h.lay.codes);
        b->bins.cols = (uint8_t *)(uintptr_t)(p + h.lay.cols);
    }
    if ((rc = check_data(path, b, err)) != ST_OK)
        goto fail;
    /* the schema the model copies */
    b->schema.n_features = nf;
    b->schema.names = (const char *const *)b->meta.names;
    b->schema.is_cat = b->meta.type;
    b->schema.n_levels = b->meta.n_levels;
    b->schema.levels = (const char *const *const *)b->meta.levels;
    *out = b;
    return ST_OK;
fail:
    st_binned_close(b);
    return rc;
}

void st_binned_close(st_binned *b)
{
    if (b == NULL)
        return;
    if (b->map != NULL)
        munmap(b->map, b->map_size);
    st__gbdt_bins_free(&b->bins);
    st__stb_meta_free(&b->meta);
    st__free(b->path);
    st__free(b);
}

size_t st_binned_n_rows(const st_binned *b) { return b->meta.n_rows; }
size_t st_binned_n_features(const st_binned *b) { return b->meta.n_features; }
const char *st_binned_feature_name(const st_binned *b, size_t j) { return b->meta.names[j]; }
st_feature_type st_binned_feature_type(const st_binned *b, size_t j)
{
    return (st_feature_type)b->meta.type[j];
}
size_t st_binned_n_levels(const st_binned *b, size_t j) { return b->meta.n_levels[j]; }
const char *st_binned_level(const st_binned *b, size_t j, size_t k) { return b->meta.levels[j][k]; }
int st_binned_n_bins(const st_binned *b, size_t j) { return b->bins.n_bins[j]; }
int st_binned_exact(const st_binned *b, size_t j) { return b->meta.exact[j]; }
int st_binned_max_bin(const st_binned *b) { return b->meta.max_bin; }
int st_binned_max_cat_levels(const st_binned *b) { return b->meta.max_cat_levels; }
const float *st_binned_labels(const st_binned *b) { return b->labels; }
const float *st_binned_weights(const st_binned *b) { return b->weights; }
const float *st_binned_values(const st_binned *b, size_t j)
{
    return b->values != NULL ? b->values + j * b->meta.n_rows : NULL;
}
const char *st_binned_label_name(const st_binned *b) { return b->meta.label_name; }
const char *st_binned_class_name(const st_binned *b, int cls) { return b->meta.class_name[cls != 0]; }
const char *st_binned_weight_name(const st_binned *b) { return b->meta.weight_name; }
uint64_t st_binned_file_bytes(const st_binned *b) { return (uint64_t)b->map_size; }
int st_binned_bin_of(const st_binned *b, size_t j, float v)
{
    if (b->bins.is_cat[j] && v == v &&
        !(v >= 0 && (double)v < (double)b->meta.n_levels[j] && (float)(size_t)v == v))
        return 0; /* not a level of the file: as missing */
    return st__gbdt_bin_of(&b->bins, j, v);
}
