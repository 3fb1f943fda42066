/* The binned file (.stb), version 1, and its writer.
 *
 * Byte layout. Integers and floats are in the writing machine's byte order, which must be
 * little-endian to be read (the endianness word tells); floats are IEEE 754.
 *
 *   offset size  field
 *   0      8     magic "STRATSTB"
 *   8      4     u32 version (1)
 *   12     4     u32 endianness check 0x01020304 (reads 0x04030201 on a machine of the
 *                other byte order)
 *   16     8     u64 n_rows
 *   24     8     u64 n_features
 *   32     4     u32 flags: bit 0 weights present, bit 1 raw values present, bit 2 codes
 *                are u16 (some feature has more than 255 bins); other bits 0
 *   36     4     u32 max_bin the file was binned with
 *   40     4     u32 max_cat_levels the file was binned with
 *   44     4     u32 0
 *   48     8     u64 meta_size: bytes of the metadata block at offset 128
 *   56     8     u64 offset of the labels section
 *   64     8     u64 offset of the weights section (0 when none)
 *   72     8     u64 offset of the row-major codes section
 *   80     8     u64 offset of the feature-major codes section
 *   88     8     u64 offset of the raw values section (0 when none)
 *   96     8     u64 file size
 *   104    8     u64 checksum: FNV-1a 64 over bytes [0, 104) and the metadata block
 *   112    16    zeros
 *   128    meta_size bytes of metadata, where str = u32 length + that many bytes (UTF-8,
 *                no NUL):
 *                  str label column name, str class 0 text, str class 1 text,
 *                  str weight column name ("" when none)
 *                  per feature, in column order:
 *                    str name
 *                    u8 type (0 numeric, 1 categorical)
 *                    u8 binning (0 by bounds, 1 by level: categorical of at most
 *                       max_cat_levels levels)
 *                    u8 exact (1: bins equal in-memory binning of all rows)
 *                    u8 0
 *                    u32 n_bins (value bins; codes 1..n_bins, 0 = missing)
 *                    u64 n_levels (0 for numeric)
 *                    n_levels x str level text, in byte order (a value's level code is
 *                       its index here)
 *                    binning 0: n_bins x f64 upper bound of bins 1..n_bins (increasing,
 *                       the last +inf; a value v is in the first bin with v <= bound)
 *                    binning 1: n_levels x u8 bin of each level
 *   then sections, each at the next multiple of 64 bytes (zero padding between):
 *     labels   n_rows x f32 (0 or 1)
 *     weights  n_rows x f32 (finite, >= 0)           when flag bit 0
 *     codes    n_rows x n_features codes, row-major (row i at i * n_features)
 *     cols     n_features x n_rows codes, feature-major (feature j at j * n_rows)
 *                codes are u8, or u16 when flag bit 2
 *     values   n_features x n_rows x f32, feature-major (NaN = missing; categorical:
 *                level code)                        when flag bit 1
 *   and the file ends with the last section.
 *
 * The codes are stored twice because training reads them both ways (gbdt_impl.h,
 * st__gbdt_bins), and the mapping hands both to it without copying.
 *
 * The writer fixes the layout from n_rows before the rows come, then writes each block
 * of rows to its place in every section (pwrite), into a temporary next to path (output_path.h),
 * flushed (fsync) and renamed over path, so a reader sees the old file or the new one;
 * the temporary is removed on every failure. The path is resolved as output_path.h says:
 * a symbolic link's target is what gets replaced; an existing device (e.g. /dev/null) is
 * written into directly (no temporary, truncation, fsync or rename; the padding between
 * sections is not written there, and readers ignore it); a FIFO, socket or other device
 * that cannot seek is an error, since the sections are written out of order; so is a
 * directory. */
#define _POSIX_C_SOURCE 200809L
#include "stb_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "io/output_path.h"
#include "stb_format.h"

void st__stb_meta_free(st__stb_meta *m)
{
    if (m == NULL)
        return;
    for (size_t j = 0; j < m->n_features; j++) {
        if (m->names != NULL)
            st__free(m->names[j]);
        if (m->levels != NULL && m->levels[j] != NULL) {
            for (size_t k = 0; k < m->n_levels[j]; k++)
                st__free(m->levels[j][k]);
            st__free(m->levels[j]);
        }
    }
    st__free(m->names);
    st__free(m->type);
    st__free(m->exact);
    st__free(m->n_levels);
    st__free(m->levels);
    st__free(m->label_name);
    st__free(m->weight_name);
    st__free(m->class_name[0]);
    st__free(m->class_name[1]);
    memset(m, 0, sizeof *m);
}

int st__stb_meta_alloc(st__stb_meta *m, size_t nf)
{
    m->n_features = nf;
    m->names = st__calloc(nf ? nf : 1, sizeof *m->names);
    m->type = st__calloc(nf ? nf : 1, 1);
    m->exact = st__calloc(nf ? nf : 1, 1);
    m->n_levels = st__calloc(nf ? nf : 1, sizeof *m->n_levels);
    m->levels = st__calloc(nf ? nf : 1, sizeof *m->levels);
    return m->names && m->type && m->exact && m->n_levels && m->levels;
}

uint64_t st__stb_fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void st__stb_layout_of(st__stb_layout *l, uint64_t n_rows, uint64_t nf, uint64_t meta_size,
                       int wide, int weights, int values)
{
    const uint64_t cw = wide ? 2 : 1;
    uint64_t at = ST__STB_ALIGN(ST__STB_META_AT + meta_size);
    l->labels = at;
    at = ST__STB_ALIGN(at + n_rows * 4);
    l->weights = weights ? at : 0;
    if (weights)
        at = ST__STB_ALIGN(at + n_rows * 4);
    l->codes = at;
    at = ST__STB_ALIGN(at + n_rows * nf * cw);
    l->cols = at;
    at += n_rows * nf * cw;
    l->values = 0;
    if (values) {
        at = ST__STB_ALIGN(at);
        l->values = at;
        at += n_rows * nf * 4;
    }
    l->file_size = at;
}

/* ---- the metadata block, built in memory ---- */

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
    int nomem;
} bytes;

static void put(bytes *b, const void *src, size_t n)
{
    if (b->nomem || n == 0)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *p = st__realloc(b->p, cap);
        if (p == NULL) {
            b->nomem = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u8(bytes *b, uint8_t v) { put(b, &v, 1); }
static void put_u32(bytes *b, uint32_t v) { put(b, &v, 4); }
static void put_u64(bytes *b, uint64_t v) { put(b, &v, 8); }
static void put_str(bytes *b, const char *s)
{
    const size_t n = s != NULL ? strlen(s) : 0;
    put_u32(b, (uint32_t)n);
    put(b, s, n);
}

static void build_meta(bytes *b, const st__stb_meta *m, const st__gbdt_bins *bins)
{
    put_str(b, m->label_name);
    put_str(b, m->class_name[0]);
    put_str(b, m->class_name[1]);
    put_str(b, m->weight_name);
    for (size_t j = 0; j < m->n_features; j++) {
        put_str(b, m->names[j]);
        put_u8(b, m->type[j]);
        put_u8(b, bins->is_cat[j]);
        put_u8(b, m->exact[j]);
        put_u8(b, 0);
        put_u32(b, (uint32_t)bins->n_bins[j]);
        put_u64(b, (uint64_t)m->n_levels[j]);
        for (size_t k = 0; k < m->n_levels[j]; k++)
            put_str(b, m->levels[j][k]);
        if (bins->is_cat[j])
            put(b, bins->level_bin + bins->level_off[j], m->n_levels[j]);
        else
            put(b, bins->bounds + bins->offset[j] + 1, (size_t)bins->n_bins[j] * sizeof(double));
    }
}

#define io_fail st__output_io_fail

static int pwrite_all(int fd, const void *p, size_t n, uint64_t at)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = pwrite(fd, c, n, (off_t)at);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        c += w;
        n -= (size_t)w;
        at += (uint64_t)w;
    }
    return 1;
}

/* Codes of rows [0, n) of a block into row-major rc and feature-major fc (fc[j * n + i]). */
#define DEFINE_CODE(NAME, T)                                                               \
    static void NAME(const st__gbdt_bins *b, const float *x, size_t n, T *rc, T *fc)      \
    {                                                                                      \
        const size_t nf = b->n_features;                                                   \
        for (size_t i = 0; i < n; i++)                                                     \
            for (size_t j = 0; j < nf; j++)                                                \
                fc[j * n + i] = rc[i * nf + j] = (T)st__gbdt_bin_of(b, j, x[i * nf + j]);  \
    }
DEFINE_CODE(code_u8, uint8_t)
DEFINE_CODE(code_u16, uint16_t)

typedef struct writer {
    int fd;
    const char *name; /* the file written, for messages: the temporary or the device */
    st__stb_layout lay;
    float *x, *y, *w, *col;
    void *rc, *fc;
} writer;

static st_status write_rows(writer *wr, const st__stb_meta *m, const st__gbdt_bins *bins,
                            st__stb_rows rows, void *ctx, size_t block, st_error *err)
{
    const size_t nf = m->n_features, n = m->n_rows, cw = bins->wide ? 2 : 1;
    size_t done = 0;
    for (;;) {
        size_t got = 0;
        st_status rc = rows(ctx, wr->x, wr->y, wr->w, block, &got, err);
        if (rc != ST_OK)
            return rc;
        if (got == 0)
            break;
        if (done + got > n)
            return st__fail(err, ST_ERR_DATA, "the input gave more rows (%zu) than the first "
                            "pass counted (%zu): did the file change while it was binned?",
                            done + got, n);
        if (bins->wide)
            code_u16(bins, wr->x, got, wr->rc, wr->fc);
        else
            code_u8(bins, wr->x, got, wr->rc, wr->fc);
        int ok = pwrite_all(wr->fd, wr->y, got * 4, wr->lay.labels + done * 4) &&
                 (wr->lay.weights == 0 ||
                  pwrite_all(wr->fd, wr->w, got * 4, wr->lay.weights + done * 4)) &&
                 pwrite_all(wr->fd, wr->rc, got * nf * cw, wr->lay.codes + done * nf * cw);
        for (size_t j = 0; ok && j < nf; j++)
            ok = pwrite_all(wr->fd, (const char *)wr->fc + j * got * cw, got * cw,
                            wr->lay.cols + ((uint64_t)j * n + done) * cw);
        for (size_t j = 0; ok && wr->lay.values != 0 && j < nf; j++) {
            for (size_t i = 0; i < got; i++)
                wr->col[i] = wr->x[i * nf + j];
            ok = pwrite_all(wr->fd, wr->col, got * 4, wr->lay.values + ((uint64_t)j * n + done) * 4);
        }
        if (!ok)
            return io_fail(err, wr->name, "write", errno);
        done += got;
    }
    if (done != n)
        return st__fail(err, ST_ERR_DATA, "the input gave %zu rows; the first pass counted "
                        "%zu: did the file change while it was binned?", done, n);
    return ST_OK;
}

st_status st__stb_write(const char *path, const st__stb_meta *m, const st__gbdt_bins *bins,
                        st__stb_rows rows, void *ctx, size_t block, uint64_t *bytes_out,
                        st_error *err)
{
    const size_t nf = m->n_features, cw = bins->wide ? 2 : 1;
    block = block ? block : 65536;
    /* at most ~4M values a block (16 MB of floats), whatever the width of the table */
    const size_t max_block = ((size_t)1 << 22) / (nf ? nf : 1);
    block = block < max_block ? block : (max_block ? max_block : 1);
    bytes meta = {0};
    build_meta(&meta, m, bins);
    writer wr = {.fd = -1};
    st__output out = {0};
    char *tmp = NULL;
    int ovf = 0;
    const size_t cells = st__mul_size(block, nf ? nf : 1, &ovf);
    wr.x = ovf ? NULL : st__malloc_array(cells, sizeof *wr.x);
    wr.rc = ovf ? NULL : st__malloc_array(cells, cw);
    wr.fc = ovf ? NULL : st__malloc_array(cells, cw);
    wr.y = st__malloc_array(block, sizeof *wr.y);
    wr.w = st__malloc_array(block, sizeof *wr.w);
    wr.col = st__malloc_array(block, sizeof *wr.col);
    st_status rc = ST_OK;
    if (meta.nomem || wr.x == NULL || wr.rc == NULL || wr.fc == NULL ||
        wr.y == NULL || wr.w == NULL || wr.col == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory writing %s", path);
        goto done;
    }
    st__stb_layout_of(&wr.lay, m->n_rows, nf, meta.n, bins->wide, m->has_weights,
                      m->has_values);
    unsigned char head[ST__STB_META_AT];
    memset(head, 0, sizeof head);
    const uint32_t version = ST__STB_VERSION, endian = 0x01020304u, zero = 0;
    const uint32_t flags = (m->has_weights ? 1u : 0) | (m->has_values ? 2u : 0) |
                           (bins->wide ? 4u : 0);
    const uint32_t max_bin = (uint32_t)m->max_bin, max_cat = (uint32_t)m->max_cat_levels;
    const uint64_t n_rows = m->n_rows, n_feat = nf, meta_size = meta.n;
    memcpy(head, ST__STB_MAGIC, 8);
    memcpy(head + 8, &version, 4);
    memcpy(head + 12, &endian, 4);
    memcpy(head + 16, &n_rows, 8);
    memcpy(head + 24, &n_feat, 8);
    memcpy(head + 32, &flags, 4);
    memcpy(head + 36, &max_bin, 4);
    memcpy(head + 40, &max_cat, 4);
    memcpy(head + 44, &zero, 4);
    memcpy(head + 48, &meta_size, 8);
    memcpy(head + 56, &wr.lay.labels, 8);
    memcpy(head + 64, &wr.lay.weights, 8);
    memcpy(head + 72, &wr.lay.codes, 8);
    memcpy(head + 80, &wr.lay.cols, 8);
    memcpy(head + 88, &wr.lay.values, 8);
    memcpy(head + 96, &wr.lay.file_size, 8);
    uint64_t sum = st__stb_fnv1a(ST__STB_FNV_SEED, head, ST__STB_SUM_AT);
    sum = st__stb_fnv1a(sum, meta.p, meta.n);
    memcpy(head + ST__STB_SUM_AT, &sum, 8);

    if ((rc = st__output_resolve(path, &out, err)) != ST_OK)
        goto done;
    if (out.stream) { /* refused before opening: opening a FIFO would wait for a reader */
        rc = st__fail(err, ST_ERR_IO, "%s: is a FIFO or socket: a .stb file is written out of "
                      "order and needs a regular file (or a device that can seek)", path);
        goto done;
    }
    if (out.direct) {
        if ((rc = st__output_open_direct(&out, &wr.fd, err)) != ST_OK)
            goto done;
        wr.name = out.path;
        if (lseek(wr.fd, 0, SEEK_CUR) < 0) {
            rc = io_fail(err, out.path, "seek (a .stb file is written out of order)", errno);
            goto done;
        }
    } else {
        if ((rc = st__output_open_temp(&out, &tmp, &wr.fd, err)) != ST_OK)
            goto done;
        wr.name = tmp != NULL ? tmp : out.path; /* unnamed until published */
    }
    if (!pwrite_all(wr.fd, head, sizeof head, 0) ||
        !pwrite_all(wr.fd, meta.p, meta.n, ST__STB_META_AT) ||
        (!out.direct && ftruncate(wr.fd, (off_t)wr.lay.file_size) != 0)) {
        rc = io_fail(err, wr.name, "write", errno);
        goto done;
    }
    if ((rc = write_rows(&wr, m, bins, rows, ctx, block, err)) != ST_OK)
        goto done;
    if (!out.direct && fsync(wr.fd) != 0) {
        rc = io_fail(err, wr.name, "sync", errno);
        goto done;
    }
    if (!out.direct && (rc = st__output_publish(&out, tmp, wr.fd, err)) != ST_OK)
        goto done;
    int fd = wr.fd;
    wr.fd = -1;
    if (close(fd) != 0 && out.direct) { /* after fsync, a regular file's data are safe */
        rc = io_fail(err, wr.name, "close", errno);
        goto done;
    }
    if (bytes_out != NULL)
        *bytes_out = wr.lay.file_size;
done:
    if (wr.fd >= 0)
        close(wr.fd);
    if (rc != ST_OK && tmp != NULL)
        remove(tmp);
    st__free(tmp);
    st__output_free(&out);
    st__free(meta.p);
    st__free(wr.x);
    st__free(wr.rc);
    st__free(wr.fc);
    st__free(wr.y);
    st__free(wr.w);
    st__free(wr.col);
    return rc;
}
