/* stratum/dataset.h: tables of features with a binary label, read from CSV or LibSVM files
 * or built from caller arrays. Include <stratum.h> rather than this file.
 *
 * Storage is column-major 32-bit float, one feature at a time, dense or sparse:
 *   - dense: one contiguous array of n_rows values, about 4 bytes per value
 *     (st_dataset_feature_values). CSV files, st_dataset_from_arrays, and the columns of a
 *     LibSVM file that have an entry in at least half of the rows are stored so;
 *   - sparse (numeric features only): the entries alone, row indices (uint32_t, strictly
 *     ascending) and their values, 8 bytes per entry (4 for a LibSVM file whose values are
 *     all 1: its columns share one array of ones); every row without an entry holds 0
 *     (st_dataset_feature_entries). The other columns of a LibSVM file, and every feature
 *     of st_dataset_from_csr / st_dataset_from_csc, are stored so.
 * A missing value is NaN, never zero: in a sparse feature a missing value is an entry
 * whose value is NaN, and an implicit zero (a row without an entry) is the value 0, never
 * missing. An entry may hold 0 (LibSVM "k:0", an explicit zero of a CSR matrix): it is
 * present (st_dataset_entry_present) with the value 0. Every function of the library
 * reads both storages and gives the same results for the same values; st_dataset_feature_copy
 * gives any feature as n_rows values. A column whose present values are not all numbers is
 * categorical, always dense: its values are level codes 0..n_levels-1 (stored as floats,
 * exact up to 2^24 levels) into a dictionary of the strings seen, sorted in byte order.
 *
 * Ownership: a st_dataset is created by one of the st_dataset_read* or
 * st_dataset_from_arrays functions and freed by st_dataset_free. Every pointer an accessor
 * returns is owned by the dataset and valid until it is freed. A dataset is never changed
 * after it is built, so any number of threads may read it at once. */
#ifndef STRATUM_DATASET_H
#define STRATUM_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_dataset st_dataset;

typedef enum st_feature_type {
    ST_FEATURE_NUMERIC = 0,    /* values are numbers; NaN = missing */
    ST_FEATURE_CATEGORICAL = 1 /* values are level codes; NaN = missing */
} st_feature_type;

/* What a CSV reader does with a censored value: a number after '<', '>', '<=' or '>='
 * ("<0.005", ">500", "<= 1e-3"), as laboratory exports write a result beyond an assay's
 * limit of detection. The default reads them as text, as it always has: they make a
 * column categorical unless the column is forced numeric (st_read_options.numeric), which
 * reads them as missing. The policy applies to columns read as numbers; a categorical
 * column keeps every cell's text as a level. */
typedef enum st_censored_policy {
    ST_CENSORED_TEXT = 0,    /* text, like any word (default) */
    ST_CENSORED_BOUND = 1,   /* the number: "<0.005" is 0.005, ">500" is 500 */
    ST_CENSORED_MISSING = 2, /* missing (NaN) */
    ST_CENSORED_ERROR = 3    /* an error naming the file, line and column; in any feature
                                column not forced categorical */
} st_censored_policy;

/* st_read_options.label_required. */
enum { ST_LABEL_IGNORED = -1, ST_LABEL_OPTIONAL = 0, ST_LABEL_REQUIRED = 1 };

/* How to read a file. Start from st_read_options_default() and change what you need; the
 * strings and arrays are borrowed for the duration of the read call only. */
typedef struct st_read_options {
    char delimiter;        /* CSV field separator: ',' ';' '\t' or '|'; 0 detects it from
                              the header line (default 0) */
    const char *label;     /* name of the label column (default "label"); NULL for data
                              without labels */
    long label_index;      /* >= 0: the label is the column at this 0-based index, whatever
                              its name (default -1: use `label`) */
    int label_required;    /* ST_LABEL_REQUIRED (1): no label column is an error;
                              ST_LABEL_OPTIONAL (0): without one, read the file unlabelled;
                              ST_LABEL_IGNORED (-1): a label column is left out unread,
                              neither labels nor a feature, so blank or unknown outcomes
                              of new rows to score are no error and no row is skipped (CSV;
                              a LibSVM line's label is read as usual). Default 1 */
    const char *positive;  /* label value of the positive class; NULL accepts 1/true/yes as
                              positive and 0/false/no/-1 as negative (default NULL). With a
                              value, the one other value seen is the negative class. */
    const char *weight;    /* name of a column of non-negative row weights, or NULL (default) */
    const char *const *ignore; /* names of columns to leave out (ids, leaky columns) */
    size_t n_ignore;
    const char *const *na_values; /* field texts that mean "missing"; NULL uses the default
                                     list: "" NA N/A n/a NaN nan -nan NULL null None ? #N/A <NA> */
    size_t n_na_values;
    int skip_missing_labels; /* 1: rows whose label is missing are skipped and counted in
                                st_dataset_rows_skipped; 0: they are an error (default 0) */
    int libsvm_zero_based;   /* LibSVM feature indices: -1 detect (0-based if any index is 0),
                                0 one-based (an index 0 is an error), 1 zero-based (default
                                -1). Either way index k is the feature "f<k>": the base
                                decides only whether index 0 is allowed and where the file's
                                index range starts (see "LibSVM datasets" below) */
    int has_header;          /* CSV: 1 the first line names the columns (default); 0 every
                                line is data (as LightGBM's and XGBoost's text files) and the
                                columns are named by their 0-based position: "0", "1", ...
                                so label, weight and ignore name columns by position ("0"
                                is the first); a model trained so matches columns by
                                position. */
    const char *weight_file; /* path of a file of row weights, one number per line, line i
                                for the i-th data row, as LightGBM's DATA.weight; NULL for
                                none (default). Never picked up unless named here. Excludes
                                `weight` and, when rows are skipped, skip_missing_labels (the
                                lines could not be paired with the rows); CSV or LibSVM. */
    /* Column types, CSV only. By default a column is numeric when every present cell is a
     * number and categorical otherwise, so one stray word makes a column of numbers
     * categorical (see st_dataset_column_cells, which reports such columns). */
    const char *const *numeric;     /* feature columns read as numbers whatever they hold:
                                       a cell that is not a number (nor a censored value
                                       the policy reads) is missing, and counted in
                                       st_column_cells.n_made_missing */
    size_t n_numeric;
    const char *const *categorical; /* feature columns read as categorical, every present
                                       cell's text a level, numbers included */
    size_t n_categorical;           /* A name in either list that is not a feature column
                                       of the file, or in both, is an error. A model keeps
                                       its features' types, not these lists: read the data
                                       it scores with the options it was trained with.
                                       Scoring a column of the other type is an error
                                       (st_logreg_predict, st_gbdt_predict) naming the file,
                                       and for numbers read as categorical the line, column
                                       and text of the first cell that is not a number. Not
                                       supported by st_bin_file or the distributed reader. */
    st_censored_policy censored;    /* default ST_CENSORED_TEXT */
    char decimal;                   /* the decimal mark of numbers: '.' (default; 0 means
                                       '.') or ',' ("1,00" is 1), which requires a field
                                       delimiter other than ','. With ',', "1.5" is text. */
    int n_threads;                  /* threads reading a CSV file's rows, 0 = all OpenMP
                                       offers (default 0). Files under a few megabytes, and
                                       files with quoted fields, are read by one. The
                                       dataset, and any error, are the same whatever the
                                       number. */
} st_read_options;

/* The defaults described above. */
ST_API st_read_options st_read_options_default(void);

/* Whether a label text is read as the positive class: 1 or 0. With positive NULL, the
 * default rule: 1, true and yes (texts in any case, numbers by value: "1.0" is 1); with a
 * positive value, the same value (numbers by value, texts exactly). Blanks around label are
 * ignored, as the readers ignore them. Lets a caller check, say, that a --positive given for
 * a saved model (st_model_positive_class) names the class it was trained on. label NULL is
 * 0. */
ST_API int st_label_is_positive(const char *label, const char *positive);

/* Reads a CSV file (RFC 4180: a header line unless opt->has_header is 0, quoted fields
 * with embedded delimiters, quotes and newlines, LF or CRLF line ends, optional UTF-8
 * BOM). Numbers are parsed without regard to the C locale. Blank lines are skipped. On
 * success *out is a new dataset; on failure *out is NULL and err says which file, line
 * and column and what was expected. opt may be NULL for the defaults. */
ST_API st_status st_dataset_read_csv(const char *path, const st_read_options *opt,
                                     st_dataset **out /* OUT */, st_error *err);

/* The same from memory. `name` is used in error messages only (may be NULL). */
ST_API st_status st_dataset_read_csv_buffer(const char *data, size_t size, const char *name,
                                            const st_read_options *opt,
                                            st_dataset **out /* OUT */, st_error *err);

/* Reads a LibSVM/SVMlight file: "label index:value ..." per line, indices strictly
 * increasing along a line (else an error naming the line and column), "qid:N" ignored, '#'
 * starts a comment. Absent features are 0 (the format is sparse), with names "f<index>" as
 * written in the file: one column for every index from the base (0 or 1, see
 * libsvm_zero_based) to the largest index in the file (at most 1000000 or the file's size
 * in bytes, whichever is larger: a column costs some 200 bytes). A column with an
 * entry in at least half of the rows is stored dense, any other sparse (its entries only,
 * "index:0" entries included): memory is proportional to the entries, never rows x
 * columns. The dataset remembers that it came from a LibSVM file, the index range, and
 * which zeros were written as "index:0" (st_dataset_entry_present): see "LibSVM datasets"
 * below. */
ST_API st_status st_dataset_read_libsvm(const char *path, const st_read_options *opt,
                                        st_dataset **out /* OUT */, st_error *err);
ST_API st_status st_dataset_read_libsvm_buffer(const char *data, size_t size, const char *name,
                                               const st_read_options *opt,
                                               st_dataset **out /* OUT */, st_error *err);

/* Reads CSV or LibSVM, chosen by the file's extension (.svm .libsvm .svmlight) or, failing
 * that, by whether its first line looks like "label index:value ...". */
ST_API st_status st_dataset_read(const char *path, const st_read_options *opt,
                                 st_dataset **out /* OUT */, st_error *err);

/* Builds a dataset of sparse numeric features from a caller's compressed sparse row matrix
 * (scipy.sparse.csr_matrix's layout), which is copied, never densified:
 * indptr:  n_rows + 1 offsets, indptr[0] = 0, non-decreasing; row i's entries are at
 *          positions indptr[i] .. indptr[i+1]-1 of indices and data;
 * indices: the entries' feature indices, 0 .. n_features-1, strictly ascending within a
 *          row (unsorted or repeated indices are ST_ERR_DATA naming the row and position:
 *          scipy's sort_indices() and sum_duplicates() fix them);
 * data:    the entries' values (NaN = missing; an entry holding 0 is present with 0).
 * labels, weights and names as st_dataset_from_arrays. Rows are at most 2^32 - 1. */
ST_API st_status st_dataset_from_csr(size_t n_rows, size_t n_features, const int64_t *indptr,
                                     const int32_t *indices, const float *data,
                                     const float *labels, const float *weights,
                                     const char *const *names, st_dataset **out /* OUT */,
                                     st_error *err);
/* The same from a compressed sparse column matrix (scipy.sparse.csc_matrix): indptr has
 * n_features + 1 offsets, indices are row indices strictly ascending within a column
 * (errors name the column and position). */
ST_API st_status st_dataset_from_csc(size_t n_rows, size_t n_features, const int64_t *indptr,
                                     const int32_t *indices, const float *data,
                                     const float *labels, const float *weights,
                                     const char *const *names, st_dataset **out /* OUT */,
                                     st_error *err);

/* Builds a dataset of numeric features from caller arrays, which are copied.
 * x:       n_rows * n_features floats, column-major (feature j at x[j * n_rows]); NaN = missing.
 * labels:  n_rows values, each 0 or 1; NULL for unlabelled data.
 * weights: n_rows finite values >= 0, or NULL for unit weights.
 * names:   n_features strings, or NULL for "f0", "f1", ... */
ST_API st_status st_dataset_from_arrays(size_t n_rows, size_t n_features, const float *x,
                                        const float *labels, const float *weights,
                                        const char *const *names,
                                        st_dataset **out /* OUT */, st_error *err);

/* The same without copying x: the dataset's features are views of x's columns, which stay
 * the caller's and must stay allocated and unchanged until st_dataset_free(*out); the
 * library never writes to them (labels, weights and names are copied). For bindings that
 * hold a column-major float32 array already (the Python package's numpy arrays): a
 * million rows of 28 features are 112 MB not copied, nor faulted in a second time. */
ST_API st_status st_dataset_from_arrays_borrowed(size_t n_rows, size_t n_features,
                                                 const float *x, const float *labels,
                                                 const float *weights,
                                                 const char *const *names,
                                                 st_dataset **out /* OUT */, st_error *err);

/* One categorical feature for st_dataset_from_arrays_categorical: a pandas "category"
 * column's codes and categories. */
typedef struct st_categorical_column {
    size_t feature;            /* the feature's 0-based index */
    const int32_t *codes;      /* n_rows codes: row i's level is levels[codes[i]]; -1 is
                                  missing */
    const char *const *levels; /* n_levels NUL-terminated UTF-8 texts */
    size_t n_levels;
} st_categorical_column;

/* Builds a dataset of numeric and categorical features: a table with categorical columns
 * (a pandas DataFrame with "category" columns) without writing it out as text. The numeric
 * features are views of x's columns as in st_dataset_from_arrays_borrowed (x stays the
 * caller's, allocated and unchanged until st_dataset_free(*out)); categorical[k] gives
 * feature categorical[k].feature, whose column of x is never read. Codes, levels, labels,
 * weights and names are copied. The dataset is the one reading the same table from a CSV
 * file gives: a categorical feature's levels are the texts some row has, each once (levels
 * of equal text are one), in byte order, and the dataset's codes index them. A code other
 * than -1 and 0 .. n_levels - 1, a used level that is NULL, empty (a CSV file's empty
 * field is missing, so such a level could not be scored from a file) or not UTF-8, more
 * than 16,777,216 levels, or a feature given twice is ST_ERR_DATA or ST_ERR_INVALID_ARG
 * naming the feature (and row or level). */
ST_API st_status st_dataset_from_arrays_categorical(
    size_t n_rows, size_t n_features, const float *x, const float *labels,
    const float *weights, const char *const *names, const st_categorical_column *categorical,
    size_t n_categorical, st_dataset **out /* OUT */, st_error *err);

/* Frees the dataset and everything it owns. NULL is a harmless no-op. */
ST_API void st_dataset_free(st_dataset *ds);

ST_API size_t st_dataset_n_rows(const st_dataset *ds);
ST_API size_t st_dataset_n_features(const st_dataset *ds);
ST_API const char *st_dataset_feature_name(const st_dataset *ds, size_t j);
ST_API st_feature_type st_dataset_feature_type(const st_dataset *ds, size_t j);
/* Index of the feature called `name`, or -1. */
ST_API long st_dataset_find_feature(const st_dataset *ds, const char *name);
/* The same, looking at position `hint` first, then outwards (hint + 1, hint - 1, ...): O(1)
 * when the feature is at or near hint, as when ds is laid out as the data a model was
 * trained on, give or take a column (scoring 60,000 term columns by name, one scan each,
 * would cost 60,000^2 / 2 comparisons); at worst a scan of every name. */
ST_API long st_dataset_find_feature_at(const st_dataset *ds, const char *name, size_t hint);
/* The n_rows values of a dense feature j (NaN = missing; level codes for categorical
 * features); NULL for a sparse feature (read it with st_dataset_feature_entries or
 * st_dataset_feature_copy). */
ST_API const float *st_dataset_feature_values(const st_dataset *ds, size_t j);
/* 1 when feature j is stored sparse (see the top of this file), 0 when dense. */
ST_API int st_dataset_feature_is_sparse(const st_dataset *ds, size_t j);
/* Sparse feature j's entries (borrowed, owned by ds): *n_entries row indices, strictly
 * ascending, and their values; every other row holds 0. ST_ERR_INVALID_ARG for a dense
 * feature. Time O(1). */
ST_API st_status st_dataset_feature_entries(const st_dataset *ds, size_t j,
                                            const uint32_t **rows /* OUT */,
                                            const float **values /* OUT */,
                                            size_t *n_entries /* OUT */, st_error *err);
/* Feature j's n_rows values, dense or sparse alike, into out (the caller's, room for n_rows
 * floats): the values st_dataset_feature_values gives for a dense feature. */
ST_API st_status st_dataset_feature_copy(const st_dataset *ds, size_t j, float *out,
                                         st_error *err);
/* Values that are not 0 (a missing value, NaN, counts), stored or not: of feature j, and
 * of the whole table. Every row of a categorical feature counts (a level is a value, never
 * the number 0). Time proportional to the stored values. */
ST_API size_t st_dataset_feature_nonzeros(const st_dataset *ds, size_t j);
ST_API size_t st_dataset_nonzeros(const st_dataset *ds);
/* Levels of a categorical feature (0 for numeric ones) and the text of level k. */
ST_API size_t st_dataset_n_levels(const st_dataset *ds, size_t j);
ST_API const char *st_dataset_level(const st_dataset *ds, size_t j, size_t k);

/* The n_rows labels, each 0 or 1, or NULL for unlabelled data. */
ST_API const float *st_dataset_labels(const st_dataset *ds);
/* The n_rows row weights, or NULL when every row weighs 1. */
ST_API const float *st_dataset_weights(const st_dataset *ds);
/* Name of the label column ("" when unlabelled) and the text of each class as found in the
 * file (cls 0 or 1; "" when that class was never seen). */
ST_API const char *st_dataset_label_name(const st_dataset *ds);
ST_API const char *st_dataset_class_name(const st_dataset *ds, int cls);
/* Name of the weight column (the path of the weight file when weights came from
 * st_read_options.weight_file), or "" when unweighted. */
ST_API const char *st_dataset_weight_name(const st_dataset *ds);
/* 1 when the CSV was read with a header line whose every field is a number (e.g.
 * "1,0.869,-0.635"): most likely the file has no header and its first row of data was
 * taken for the column names and is not among the rows; read it with has_header = 0.
 * 0 otherwise. The library does not print: the caller decides how to warn. */
ST_API int st_dataset_header_is_numeric(const st_dataset *ds);
/* Rows left out on purpose (see skip_missing_labels), and blank lines skipped. */
ST_API size_t st_dataset_rows_skipped(const st_dataset *ds);
ST_API size_t st_dataset_blank_lines(const st_dataset *ds);
/* Bytes held by the dataset: dense values, sparse entries, labels, weights, names and
 * level dictionaries. */
ST_API size_t st_dataset_memory_bytes(const st_dataset *ds);
/* The field delimiter found in a CSV file (0 for LibSVM or array-built datasets). */
ST_API char st_dataset_delimiter(const st_dataset *ds);

/* ---- LibSVM datasets ----
 * A LibSVM file names features by index, and a row lists only its nonzero entries, so a
 * file need not mention every feature a model was trained on (a test file whose largest
 * index is smaller than the training file's, a one-based file scoring a model whose
 * features start at f0). Scoring a LibSVM dataset (st_gbdt_predict, st_logreg_predict, the
 * contribution functions) therefore follows two rules:
 *   - a model feature "f<k>" (k in decimal, no leading zeros) whose index k lies outside
 *     the file's index range (below the base, or above the largest index in the file) is
 *     a feature every row leaves absent, not an error; a feature inside the range that
 *     has no column (left out with `ignore`) is still "not in the dataset";
 *   - an absent entry means what it meant to the model's trainer: 0 for models stratum
 *     trained (a LibSVM dataset stores it as 0 and they were trained so), missing for
 *     models imported from XGBoost, whose DMatrix reads an absent entry as missing
 *     (st_gbdt_absent_is_missing in stratum/gbdt.h). An entry written "k:0" is present
 *     with the value 0 under both rules.
 * Indices are the names whatever the base: index k is "f<k>" in a zero-based and in a
 * one-based file, which is also how XGBoost (which reads indices as written) numbers its
 * features f0, f1, ... */

/* 1 when ds was read from a LibSVM file (or is a subset of such a dataset). */
ST_API int st_dataset_is_libsvm(const st_dataset *ds);
/* 1 when ds is a LibSVM dataset and name is "f<k>" for an index k outside the file's
 * index range (a feature the file never mentions, whose every entry is absent); else 0. */
ST_API int st_dataset_libsvm_unmentioned(const st_dataset *ds, const char *name);
/* Whether row i has an entry for feature j: for a sparse feature, a stored entry (of any
 * value, 0 and NaN included; time O(log entries)); for a dense feature of a LibSVM dataset,
 * a value other than 0 or an explicit "index:0"; 1 for every value of a dense CSV or array
 * feature (a missing CSV value is NaN, not absent); 0 when j or i is out of range. */
ST_API int st_dataset_entry_present(const st_dataset *ds, size_t j, size_t i);

/* Describes one feature, over its present values. */
typedef struct st_column_summary {
    size_t n_present;  /* rows with a value */
    size_t n_missing;  /* rows without one */
    double min, max;   /* numeric features; NaN when no value is present */
    double mean, sd;   /* mean and sample standard deviation (n - 1); NaN when undefined */
    size_t n_levels;   /* categorical features: dictionary size; 0 for numeric ones */
} st_column_summary;

ST_API st_status st_dataset_column_summary(const st_dataset *ds, size_t j,
                                           st_column_summary *out /* OUT */, st_error *err);

/* Whether feature j looks like an identifier (a patient number, a row number) rather than
 * a measurement: *out = 1 when at least 50 rows and 90% of the rows have a value, and
 *   - numeric: every present value is an integer and at least 95% of them are distinct
 *     (row numbers 1, 2, 3, ... are such a column); 95%, not 100%, because values are
 *     32-bit floats, in which distinct ids above 2^24 (nine-digit ids) may coincide;
 *   - categorical: it has at least as many levels as 95% of its present rows (about one
 *     level per row), unless it is a column of numbers made categorical by a few cells
 *     (st_column_cells.mostly_numeric), which has a level per distinct number.
 * An id that repeats (a patient seen in several rows, e.g. diabetes130's patient_nbr,
 * about 70% distinct) is not flagged: it is a grouping column (see cv --group-col). Costs
 * one pass, and a sort of the column only when the integers' range could hold that many
 * distinct values. The caller decides what to do; nothing in the dataset changes. */
ST_API st_status st_dataset_column_is_id(const st_dataset *ds, size_t j, int *out /* OUT */,
                                         st_error *err);

/* What the CSV reader saw in feature j's present cells (missing texts excluded). A column
 * of numbers with a few cells of text ("abc", "pending", "<0.005", "1,00") is read as
 * categorical, one level per distinct text: the report tells such a column apart, for the
 * caller to warn and offer the fix (st_read_options.numeric or .categorical, .censored,
 * .decimal). Every count is 0 for LibSVM and array-built datasets. */
typedef struct st_column_cells {
    size_t n_numbers;       /* cells that are numbers, as written with the decimal mark */
    size_t n_censored;      /* '<x', '>x', '<=x', '>=x' with x a number */
    size_t n_decimal_comma; /* numbers written with ',' for the decimal mark ("1,00") in a
                               file read with '.' and a delimiter other than ',' */
    size_t n_text;          /* any other text: "abc", "pending", "1.5" read with ',' */
    size_t n_made_missing;  /* cells of a numeric column read as missing because they are
                               not numbers: forced numeric, or the censored policy MISSING */
    long first_line, first_column; /* 1-based line and character (byte) of the first cell that
                                      is not a number (censored, decimal comma or text);
                                      0 when there is none */
    size_t n_examples;      /* distinct texts of such cells, in file order, up to 3 */
    const char *examples[3];/* owned by the dataset; examples[0] is the first cell's text,
                               cut at 40 bytes (with "...") */
    int forced;             /* 1 forced numeric, 2 forced categorical, 0 the reader's guess */
    int mostly_numeric;     /* 1 when the guess made the column categorical although most
                               of it is numbers: more than half of the present cells are
                               numbers, censored values or decimal-comma numbers, and at
                               least one is a plain or decimal-comma number */
    /* Numbers of a numeric column that its 32-bit floats cannot hold: */
    size_t n_rounded;       /* whole numbers above 16,777,216 in magnitude that are not
                               floats (record numbers, long codes): stored rounded, so
                               distinct ones may become equal */
    size_t n_overflow;      /* finite numbers beyond a float's range (about 3.4e38): stored
                               as infinity */
    long lossy_line, lossy_column; /* the first such cell; 0 when there is none */
    /* Infinities in the text itself, counted apart from n_overflow (whose numbers are
     * finite, lost only to the float): */
    size_t n_infinite;      /* cells of a numeric column that are infinite as written:
                               'inf', '-inf', 'Infinity', or a number beyond even a
                               double's range ('1e400'); stored as +-infinity */
    long infinite_line, infinite_column; /* the first cell stored as infinity (one of
                                            n_infinite or of n_overflow); 0 when none */
} st_column_cells;

ST_API st_status st_dataset_column_cells(const st_dataset *ds, size_t j,
                                         st_column_cells *out /* OUT */, st_error *err);

/* The name of the file (or buffer) a CSV or LibSVM dataset was read from, as given to the
 * reader; "" for array-built datasets. Error messages about the data quote it. */
ST_API const char *st_dataset_source(const st_dataset *ds);

/* Row counts per level of categorical feature j into counts[0..n_levels-1]. */
ST_API st_status st_dataset_level_counts(const st_dataset *ds, size_t j, size_t *counts,
                                         size_t n_counts, st_error *err);

/* Class balance of a labelled dataset. */
typedef struct st_label_summary {
    size_t n_positive, n_negative;
    double positive_rate;          /* n_positive / n_rows */
    double weighted_positive_rate; /* share of the total weight on positive rows */
} st_label_summary;

ST_API st_status st_dataset_label_summary(const st_dataset *ds, st_label_summary *out /* OUT */,
                                          st_error *err);

/* Checks that a dataset can train a binary classifier: labelled, at least one row of each
 * class, positive total weight. Training functions call it themselves. */
ST_API st_status st_dataset_check_trainable(const st_dataset *ds, st_error *err);

/* The text of one column of a CSV file, one string per data row, numbered as
 * st_dataset_read_csv with the same options numbers its rows (blank lines, and with
 * skip_missing_labels rows without a label, are skipped): texts[i] belongs to dataset row
 * i. The column may be one opt ignores, which is its use: finding rows by an id column the
 * model never sees, with the id's exact text. Fields are unquoted; a missing value is its
 * text as written (e.g. "" or "NA"). On success *texts is a new array of *n_texts strings,
 * freed with st_texts_free; on failure it is NULL. opt may be NULL for the defaults. */
ST_API st_status st_csv_column_texts(const char *path, const st_read_options *opt,
                                     const char *column, char ***texts /* OUT */,
                                     size_t *n_texts /* OUT */, st_error *err);
/* Frees what st_csv_column_texts returned. NULL is a harmless no-op. */
ST_API void st_texts_free(char **texts, size_t n);

/* ---- Training-rows fingerprint ----
 * A model stratum trains from a dataset (st_gbdt_train, st_gbdt_train_ex,
 * st_gbdt_train_with_bins, st_logreg_train, and st_gbdt_fit / st_logreg_fit over a dataset)
 * keeps a fingerprint of its training rows, so that scoring those same rows later can be
 * told apart from scoring held-out data. Each training row is hashed (64 bits) over its
 * feature values as the model reads them: numeric values by their 32-bit float bits (every
 * missing value alike, -0 as 0), categorical values by their level text; not the label,
 * the weight or ignored columns. A numeric 0 adds nothing to the hash, so hashing costs
 * the non-zeros (entries + rows + features), dense and sparse storage alike. The model keeps the k = 256 smallest distinct hashes (a
 * bottom-k sketch: a uniform sample of the distinct training rows, about 4 KB of model
 * file whatever the row count) with the training row count. Models trained from a binned
 * file alone, distributed over MPI or imported from XGBoost or LightGBM have none.
 *
 * st_gbdt_training_overlap and st_logreg_training_overlap hash the rows of a dataset the
 * same way (features found by name) and estimate the two shares below. Rows are compared
 * by their feature values only: a held-out row identical to a training row counts as a
 * training row. With at most 256 distinct training rows the sketch holds them all and the
 * shares are exact (but for 64-bit hash collisions); beyond, each is estimated from about
 * 256 sampled rows (standard error at most about 0.03). */
typedef struct st_training_overlap {
    int available;          /* 0: the model keeps no fingerprint; the rest is then zero */
    size_t training_rows;   /* rows the model was trained on */
    size_t scored_rows;     /* rows of the dataset compared */
    double scored_share;    /* estimated share of the scored rows that are training rows */
    double training_share;  /* estimated share of the (distinct) training rows that are
                               among the scored rows */
    int exact;              /* 1 when both shares are exact (the sketch holds every
                               distinct training row) */
} st_training_overlap;

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_DATASET_H */
