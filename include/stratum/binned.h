/* stratum/binned.h: data larger than memory. Include <stratum.h> rather than this file.
 *
 * st_bin_file streams a CSV file of any size in bounded memory (a read buffer, a block of
 * rows, one quantile sketch per numeric column and one dictionary per categorical column;
 * never the whole table) and writes a binned file (.stb): every feature cut into at most
 * max_bin bins, one byte per value (two when a feature has more than 255 bins), with the
 * labels and weights. st_binned_open memory-maps such a file and st_gbdt_train_binned
 * trains boosted trees on it, so training needs about the binned size in memory, not the
 * CSV's.
 *
 * The bins follow the same rules as in-memory training (see gbdt.h: "bins"), applied to
 * all rows instead of a sample: numeric bounds from each column's quantile summary, which
 * is exact while a column has at most `sketch_size` distinct values; categorical bins from
 * the exact level counts. So when every column's summary is exact, the bins are those of
 * st_gbdt_train on the same file with bin_sample_rows >= its rows, and the models are
 * byte-identical. Otherwise a numeric column's bin boundaries are within the sketch's
 * rank error of the exact quantiles (see src/binned/quantile_sketch.h: eps <= (L + 2) /
 * (sketch_size - 1), L = ceil(log2(rows / sketch_size)) + 1); st_binned_exact says which
 * columns are exact. st_gbdt_train_with_bins trains in memory on the file's bins, which
 * gives the same model as st_gbdt_train_binned on the file in every case.
 *
 * LibSVM input is streamed the same way, line by line: features f<index> (from f0 when an
 * index 0 appears or libsvm_zero_based says so, as st_dataset_read_libsvm), an absent entry
 * being the value 0, with the same rules for exact bins; it has no weights.
 *
 * Ownership: st_binned_open returns a handle freed by st_binned_close; every pointer an
 * accessor returns belongs to the handle (into the mapping or its own arrays) and is valid
 * until it is closed. A handle is never changed after it is opened, so threads may share
 * it. The library reads the file once at open to check it (bin codes within their
 * feature's bins, labels 0 or 1, weights finite and >= 0): a corrupted, truncated or
 * hostile file is an error, never a crash. The file must not be truncated or rewritten in
 * place while it is open (a mapping of a shrunk file faults); stratum bin replaces files
 * by renaming, which is safe. */
#ifndef STRATUM_BINNED_H
#define STRATUM_BINNED_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "logreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How st_bin_file bins. Start from st_bin_options_default(). */
typedef struct st_bin_options {
    int max_bin;          /* bins per feature besides the missing bin, in [2, 65535]
                             (default 255, as st_gbdt_params) */
    int max_cat_levels;   /* categorical columns of more levels are binned as ordered level
                             codes, as st_gbdt_params.max_cat_levels; 0 = no limit
                             (default 255) */
    size_t sketch_size;   /* entries of each numeric column's quantile summary, >= 16:
                             columns with at most this many distinct values are binned
                             exactly (default 8192) */
    int store_values;     /* 1: also store each feature's raw float values (4 bytes a
                             value; for streaming logistic regression) (default 0) */
    size_t block_rows;    /* rows coded per block in the second pass (default 65536) */
    size_t chunk_bytes;   /* CSV or LibSVM read buffer (default 8 MiB; grows for a longer
                             record or line) */
    /* Optional (default NULL): called after each chunk of the input is read, for a
     * progress display: the pass over the file (1, 2, or 3 when early texts are re-read),
     * the bytes of the file read so far in that pass and the file's size. It must not call
     * st_bin_file; it cannot change the output. progress_data is passed back unchanged. */
    void (*progress)(int pass, uint64_t bytes_done, uint64_t bytes_total, void *progress_data);
    void *progress_data;
} st_bin_options;

ST_API st_bin_options st_bin_options_default(void);

/* A column binned as categorical though most of its present cells are numbers: a numeric
 * column with stray text ('pending', 'n/a' outside the missing texts, '<0.5', '1,5'), as
 * st_column_cells.mostly_numeric tells of a CSV read in memory. Binning has no --numeric:
 * list the texts in st_read_options.na_values to read them as missing. */
#define ST_BIN_MOSTLY_NUMERIC_MAX 8
typedef struct st_bin_mostly_numeric {
    char name[256];        /* the column's name (cut to 255 bytes) */
    size_t n_not_numbers;  /* present cells that are not numbers */
    size_t n_present;      /* present (not missing) cells */
    size_t n_levels;       /* distinct texts, numbers included: its levels */
    long first_line;       /* line of the first cell that is not a number */
    size_t n_examples;     /* up to 3 of those texts, the most frequent first (cut to 63 bytes) */
    char examples[3][64];
} st_bin_mostly_numeric;

/* What st_bin_file did. */
typedef struct st_bin_report {
    size_t n_rows, n_features;
    size_t total_bins;        /* value bins summed over the features */
    size_t n_inexact;         /* numeric features whose summary was not exact */
    double max_rank_error;    /* the largest rank error of those summaries, as a share of
                                 the column's present values (0 when all are exact): every
                                 bin boundary is within this many rows / n of where exact
                                 binning would put it */
    size_t rows_skipped, blank_lines;
    uint64_t bytes_read;      /* input bytes read, over all passes */
    uint64_t bytes_written;   /* size of the binned file */
    int passes;               /* passes over the input (2, or 3 when a column turned
                                 categorical after numbers: its early texts are re-read) */
    int header_is_numeric;    /* 1: every field of the CSV header line is a number, as
                                 st_dataset_header_is_numeric: most likely a file without a
                                 header (read it with has_header = 0) whose first row was
                                 lost as names */
    size_t n_mostly_numeric;  /* columns binned as categorical that are mostly numbers; the
                                 first ST_BIN_MOSTLY_NUMERIC_MAX of them, in column order: */
    st_bin_mostly_numeric mostly_numeric[ST_BIN_MOSTLY_NUMERIC_MAX];
} st_bin_report;

/* Bins the CSV (or LibSVM) file at data_path, read with ropt (NULL = defaults; a label
 * is required), into out_path, written through a temporary file renamed into place (as
 * st_file_write_atomic does, stratum/files.h: a symbolic link's target is replaced and
 * the link kept; an existing device such as /dev/null is written into; a directory or a
 * link to nothing is an error). The file is written out of order, so a FIFO, a socket
 * or a device that cannot seek is an error (ST_ERR_IO) and left untouched.
 * bopt NULL = defaults; report may be NULL. Errors name the file, line and column. */
ST_API st_status st_bin_file(const char *data_path, const st_read_options *ropt,
                             const st_bin_options *bopt, const char *out_path,
                             st_bin_report *report /* OUT */, st_error *err);

typedef struct st_binned st_binned;

/* 1 when the file at path starts with the binned file's magic ("STRATSTB"), else 0
 * (also when it cannot be read). */
ST_API int st_binned_is_file(const char *path);

/* Maps a binned file read-only and checks it (version, header checksum, sizes, every
 * bin code, label and weight). On failure *out is NULL and err says what is wrong. */
ST_API st_status st_binned_open(const char *path, st_binned **out /* OUT */, st_error *err);
/* Unmaps and frees. NULL is a harmless no-op. */
ST_API void st_binned_close(st_binned *b);

ST_API size_t st_binned_n_rows(const st_binned *b);
ST_API size_t st_binned_n_features(const st_binned *b);
ST_API const char *st_binned_feature_name(const st_binned *b, size_t j);
ST_API st_feature_type st_binned_feature_type(const st_binned *b, size_t j);
/* Levels of a categorical feature (0 for numeric ones), and level k's text. */
ST_API size_t st_binned_n_levels(const st_binned *b, size_t j);
ST_API const char *st_binned_level(const st_binned *b, size_t j, size_t k);
/* Value bins of feature j (codes 1..n; 0 = missing), and whether they are exact (equal to
 * in-memory binning of all rows). */
ST_API int st_binned_n_bins(const st_binned *b, size_t j);
ST_API int st_binned_exact(const st_binned *b, size_t j);
/* The binning options the file was made with. */
ST_API int st_binned_max_bin(const st_binned *b);
ST_API int st_binned_max_cat_levels(const st_binned *b);
/* n_rows labels (0/1); weights or NULL when unweighted; feature j's raw values or NULL
 * when the file has none (made without store_values). */
ST_API const float *st_binned_labels(const st_binned *b);
ST_API const float *st_binned_weights(const st_binned *b);
ST_API const float *st_binned_values(const st_binned *b, size_t j);
ST_API const char *st_binned_label_name(const st_binned *b);
ST_API const char *st_binned_class_name(const st_binned *b, int cls);
ST_API const char *st_binned_weight_name(const st_binned *b);
/* The file's size in bytes (what the mapping may bring into memory). */
ST_API uint64_t st_binned_file_bytes(const st_binned *b);
/* Bin code of value v (NaN = missing; a categorical feature's level index) of feature j. */
ST_API int st_binned_bin_of(const st_binned *b, size_t j, float v);

/* Trains boosted trees on the binned file, as st_gbdt_train_ex on its rows. prm's
 * max_bin, max_cat_levels and bin_sample_rows have no effect: the bins are the file's.
 * valid (may be NULL) is an in-memory dataset. On failure *out is NULL. */
ST_API st_status st_gbdt_train_binned(const st_binned *b, const st_dataset *valid,
                                      const st_gbdt_params *prm,
                                      const st_gbdt_train_callbacks *cb,
                                      st_gbdt **out /* OUT */, st_error *err);

/* Trains in memory on ds binned with the file's bins (bounds and level bins; features
 * found by name, categorical levels by text; a level the file does not know is an error):
 * the same model as st_gbdt_train_binned on a file made from the same rows. */
ST_API st_status st_gbdt_train_with_bins(const st_dataset *ds, const st_binned *bins,
                                         const st_dataset *valid, const st_gbdt_params *prm,
                                         const st_gbdt_train_callbacks *cb,
                                         st_gbdt **out /* OUT */, st_error *err);

/* Trains logistic regression on the binned file's raw values (the file must have been made
 * with store_values, `stratum bin --values`; otherwise ST_ERR_INVALID_ARG says so),
 * streaming them from the mapping in blocks of rows through a fitter that keeps only a
 * block and the p x p Gram matrix of the expanded columns (see src/logreg/logreg_stream.h), so
 * memory is about the file's mapped pages, never a design of all rows. The features are
 * expanded as st_logreg_train expands them (a numeric value imputed by the unweighted
 * mean of its present values; a categorical feature one 0/1 column per level of the
 * file, all zeros when missing), with the same objective, weights and class weights, so
 * the model is st_logreg_train's on the same rows to the solvers' tolerance (both stop at
 * a relative gap of tol). Unsupported, failing with ST_ERR_INVALID_ARG: impute =
 * ST_IMPUTE_MEDIAN and missing_indicators (train on the CSV for them); at most 2048
 * expanded columns. The model has no Wald statistics (st_logreg_has_coef_stats is 0) and
 * is otherwise like any other: predict, explain, save. On failure *out is NULL. */
ST_API st_status st_logreg_train_binned(const st_binned *b, const st_logreg_params *prm,
                                        st_logreg **out /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_BINNED_H */
