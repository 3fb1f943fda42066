/* src/binned/: data larger than memory. The binned file (.stb) of stratum bin and its
 * readers, above gbdt/ (whose binning rules and training core it reuses), data/, io/ and
 * core/; only fit/ and mpi/ call it. One file each:
 *
 *   stb_csv_stream.c  CSV records from a file read chunk by chunk (bounded memory)
 *   stb_bin_csv.c     stratum bin on a CSV: pass 1 (types, sketches, dictionaries), the
 *                     bins, pass 2 (rows to the writer)
 *   stb_bin_libsvm.c  stratum bin on a LibSVM file: the same two passes, line by line
 *   stb_bounds.c      bins from quantile summaries and level counts, by the in-memory rules
 *   stb_bins_build.c  those bins put together into the layout training reads
 *   stb_write.c       the file format (documented there byte by byte) and its writer
 *   stb_read.c        st_binned_open: mmap, checks, accessors
 *   stb_train.c       st_gbdt_train_binned and training in memory on a file's bins */
#ifndef STRATUM_STB_IMPL_H
#define STRATUM_STB_IMPL_H

#include <stratum/binned.h>

#include <stdint.h>

#include "data/category_dict.h"
#include "data/csv_tokenizer.h"
#include "gbdt/gbdt_bins.h"
#include "gbdt/gbdt_train_core.h"
#include "quantile_sketch.h"

/* ---- CSV in chunks (stb_csv_stream.c) ---- */

typedef struct st__csv_stream {
    int fd;
    const char *path;
    char *buf;
    size_t size, cap;   /* bytes in buf, and its size */
    int eof;
    long line;          /* line of buf[0] */
    char delimiter;
    uint64_t bytes_read;
    uint64_t file_size;
    /* st_bin_options.progress, told after each read (set after st__csv_stream_open) */
    void (*progress)(int pass, uint64_t bytes_done, uint64_t bytes_total, void *data);
    void *progress_data;
    int pass;
    st__csv_tokenizer tok;
} st__csv_stream;

/* Opens path and reads its first chunk (a UTF-8 BOM is dropped; delimiter 0 detects it
 * from the header line). Close with st__csv_stream_close, also after a failure. */
st_status st__csv_stream_open(st__csv_stream *s, const char *path, char delimiter,
                              size_t chunk, st_error *err);
/* As st__csv_next: 1 = a record in s->tok.fields (valid until the next call), 0 = end of
 * the file, -1 = error in err. */
int st__csv_stream_next(st__csv_stream *s, st_error *err);
void st__csv_stream_close(st__csv_stream *s);

/* ---- what a binned file describes besides its bins ---- */

typedef struct st__stb_meta {
    size_t n_rows, n_features;
    char **names;         /* n_features */
    uint8_t *type;        /* n_features: st_feature_type */
    uint8_t *exact;       /* n_features: 1 when the bins are those of in-memory binning of
                             all rows (the sketch was exact) */
    size_t *n_levels;     /* n_features */
    char ***levels;       /* n_features: NULL, or n_levels[j] strings in byte order */
    char *label_name, *weight_name, *class_name[2];
    int max_bin, max_cat_levels;
    int has_weights, has_values;
} st__stb_meta;

void st__stb_meta_free(st__stb_meta *m);
/* Allocates the per-feature arrays of an n_features meta (zeroed). 0 when out of memory. */
int st__stb_meta_alloc(st__stb_meta *m, size_t n_features);

/* ---- the writer (stb_write.c) ---- */

/* Fills the next block of at most max_rows rows: x row-major (row i's features at
 * x[i * n_features], NaN = missing, categorical values as codes into meta's levels), y and
 * w (w only when the file has weights); *got = rows filled, 0 at the end. */
typedef st_status (*st__stb_rows)(void *ctx, float *x, float *y, float *w, size_t max_rows,
                                  size_t *got, st_error *err);

/* Writes the binned file at path through a temporary file renamed into place: meta and
 * bins (bounds and level bins; no codes needed), then the rows from `rows`, which must
 * give exactly meta->n_rows rows. *bytes = the file's size. */
st_status st__stb_write(const char *path, const st__stb_meta *meta, const st__gbdt_bins *bins,
                        st__stb_rows rows, void *ctx, size_t block_rows, uint64_t *bytes,
                        st_error *err);

/* ---- bins from pass-1 statistics (stb_bounds.c) ---- */

/* Bins of feature j into b (n_bins[j], bounds from offset[j], level bins): the caller
 * fills b->offset and b->level_off from the counts these functions report first. */
/* Bounds of a numeric feature from its summary into bounds[1..nb] (room for
 * min(max(summary entries, 1), max_bin) + 1); returns nb, -1 when out of memory. */
int st__stb_bounds_from_summary(const st__qsummary *s, int max_bin, double *bounds);
/* Bounds of a categorical feature binned as ordered codes, from its level counts. */
int st__stb_bounds_from_counts(const size_t *counts, size_t k, int max_bin, double *bounds);

/* ---- the bins put together (stb_bins_build.c) ---- */

/* Bins being built: `bins` (not owned; free it with st__gbdt_bins_free) and, until
 * st__stb_bins_build_finish lays them out, the bounds of each numeric or ordered-code
 * feature (fb[j][1..n_bins[j]], owned; NULL for the others). */
typedef struct st__stb_bins_build {
    st__gbdt_bins *bins;
    double **fb;
    size_t nf;
} st__stb_bins_build;

/* Zeroes bins and allocates its per-feature arrays (n_bins, offset, is_cat, level_off) for
 * nf features of n_rows rows; level_bin is the caller's. 0 when out of memory. Free with
 * st__stb_bins_build_free, also after a failure. */
int st__stb_bins_build_start(st__stb_bins_build *bb, st__gbdt_bins *bins, size_t n_rows,
                             size_t nf);
/* Numeric feature j's bins from its summary; *exact = whether the summary was exact, which
 * rep's n_inexact and max_rank_error count. 0 when out of memory. */
int st__stb_bins_build_numeric(st__stb_bins_build *bb, size_t j, const st__qsummary *s,
                               int max_bin, uint8_t *exact, st_bin_report *rep);
/* Categorical feature j of k levels binned as ordered codes, from its level counts. 0 when
 * out of memory. */
int st__stb_bins_build_ordered(st__stb_bins_build *bb, size_t j, const size_t *counts,
                               size_t k, int max_bin);
/* With every n_bins[j] set (is_cat[j] features: their level bins): the offsets, total_bins,
 * wide and bounds (NaN for bin 0 and for categorical features). 0 when out of memory. */
int st__stb_bins_build_finish(st__stb_bins_build *bb);
/* Frees the bounds kept per feature (not bins). */
void st__stb_bins_build_free(st__stb_bins_build *bb);

/* ---- columns that are mostly numbers (stb_mostly_numeric.c) ---- */

/* Counts in rep a categorical column (name; its levels d with their counts) when most of
 * its present cells are numbers, as st_column_cells.mostly_numeric does, keeping its
 * facts while rep has room; first_line is the line of its first cell that is not one. */
void st__stb_note_mostly_numeric(st_bin_report *rep, const char *name,
                                 const st__category_dict *d, const size_t *counts,
                                 long first_line, char delimiter);

/* ---- the opened file (stb_read.c) ---- */

struct st_binned {
    char *path;
    void *map;
    size_t map_size;
    st__stb_meta meta;
    st__gbdt_bins bins;        /* codes point into the mapping (codes_borrowed) */
    const float *labels, *weights, *values;
    /* the schema the model copies, borrowing meta's strings */
    st__gbdt_schema schema;
};

#endif
