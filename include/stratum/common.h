/* stratum/common.h: status codes, error reports and the export macro shared by every part
 * of the API. Include <stratum.h> rather than this file. */
#ifndef STRATUM_COMMON_H
#define STRATUM_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ST_API __attribute__((visibility("default")))
#else
#define ST_API
#endif

#define ST_VERSION_MAJOR 0
#define ST_VERSION_MINOR 1
#define ST_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
ST_API const char *st_version(void);

/* Every fallible call returns one of these. The numbers are stable. */
typedef enum st_status {
    ST_OK = 0,              /* success */
    ST_ERR_NOMEM = 1,       /* an allocation failed */
    ST_ERR_INVALID_ARG = 2, /* the caller passed a NULL handle, a bad size or a bad option */
    ST_ERR_IO = 3,          /* a file could not be opened, read or written */
    ST_ERR_PARSE = 4,       /* input text is malformed (the error names line and column) */
    ST_ERR_DATA = 5,        /* input is well formed but unusable (one class, bad label, ...) */
    ST_ERR_FORMAT = 6,      /* a model file is corrupt or of an unknown version */
    ST_ERR_NUMERIC = 7,     /* the numbers went wrong: NaN, divergence */
    ST_ERR_CANCELLED = 8    /* a caller's callback asked to stop (a progress callback or
                               should_stop, below; nothing was produced) */
} st_status;

/* A caller's request to stop a long computation early (the should_stop fields of
 * st_gbdt_params, st_logreg_params and st_cv_params): called with its user_data on the
 * calling thread between units of work (before each tree, each solver iteration of a
 * logistic regression, hence each lambda of a path, and each fold of a
 * cross-validation); nonzero stops: the computation then fails with ST_ERR_CANCELLED
 * and a message saying how far it got, and produces nothing. Keep it cheap (a clock read,
 * a flag set by another thread). It is only asked: a computation it lets finish gives
 * the same result, byte for byte, as one without it. */
typedef int (*st_should_stop_fn)(void *user_data);

/* A static, human-readable name for a status ("out of memory", "parse error", ...). */
ST_API const char *st_status_str(st_status status);

/* What went wrong, filled by a failing call. Every fallible function takes an
 * `st_error *err` as its last argument; pass NULL when you only need the status.
 * The struct is plain data owned by the caller, so there is no hidden global or
 * thread-local state: each thread keeps its own st_error. */
#define ST_ERROR_MESSAGE_SIZE 768
typedef struct st_error {
    st_status code; /* same as the returned status; ST_OK when nothing failed */
    long line;      /* 1-based line of the input where the problem is, 0 if not about a line */
    long column;    /* 1-based byte column in that line, 0 if unknown */
    char message[ST_ERROR_MESSAGE_SIZE]; /* "path:line:column: what was found, what was expected" */
} st_error;

/* Resets *err to "no error". NULL-safe. */
ST_API void st_error_clear(st_error *err);

/* The class weights of both families (st_logreg_params.class_weight and
 * st_gbdt_params.class_weight, each with its positive_weight), of cross-validation,
 * compare and tune. A class weight multiplies the row weights of the class's rows. */
typedef enum st_class_weight {
    ST_CLASS_WEIGHT_NONE = 0,     /* every class weighs 1 */
    ST_CLASS_WEIGHT_BALANCED = 1, /* class c weighs n_rows / (2 * rows of class c) */
    ST_CLASS_WEIGHT_POSITIVE = 2  /* positives weigh positive_weight, negatives 1 */
} st_class_weight;

/* The seed every default uses: the params structs' seeds (st_gbdt_params.seed,
 * st_logreg_params.cv_seed, st_cv_params.seed, st_folds_params.seed,
 * st_eval_params.seed, st_cv_post_params.seed), the CLI's --seed and the Python
 * package's random_state. */
#define ST_DEFAULT_SEED 42

/* OpenBLAS and LAPACKE are opened (dlopen) the first time a computation needs them: an
 * exact-Newton logistic-regression fit of 151 coefficients or more (intercept included),
 * or its standard errors. When they cannot be opened (not installed; or the environment
 * variable STRATUM_NO_BLAS is set to anything but "" or "0" at that moment), those
 * computations run on stratum's hand-written Cholesky kernels instead: the same model to
 * rounding, slower, and not the same bits as with LAPACK. st_blas_state() says which
 * happened in this process so far, without loading anything: ST_BLAS_MISSING means at
 * least one such computation ran on the fallback. Thread-safe. */
typedef enum st_blas_state_t {
    ST_BLAS_NOT_NEEDED = 0, /* nothing has needed them yet */
    ST_BLAS_LOADED = 1,     /* opened: LAPACK ran */
    ST_BLAS_MISSING = 2     /* could not be opened: the hand-written kernels ran */
} st_blas_state_t;
ST_API st_blas_state_t st_blas_state(void);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_COMMON_H */
