/* Helpers shared by the cmocka suites. Include after <cmocka.h>'s prerequisites. */
#ifndef STRATUM_TEST_UTIL_H
#define STRATUM_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stratum.h>

/* The next uniform double in [0, 1) of a 64-bit linear congruential generator (Knuth's
 * MMIX constants) with state *s: seeded test data that is the same on every machine. */
static inline double test_uniform(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1p-53;
}

/* st_gbdt_predict_row's value of a row as wide as the model (the test fails on an error). */
static inline double test_gbdt_row(const st_gbdt *m, const float *x, st_gbdt_output kind)
{
    double v = NAN;
    st_error err;
    if (st_gbdt_predict_row(m, x, st_gbdt_n_features(m), kind, &v, &err) != ST_OK)
        fail_msg("st_gbdt_predict_row: %s", err.message);
    return v;
}

/* A scratch directory for a test program: defines tmpdir ("/tmp/PREFIX_XXXXXX", made
 * unique by mkdtemp), and make_tmpdir / remove_tmpdir to pass to cmocka_run_group_tests as
 * its setup and teardown. Needs _POSIX_C_SOURCE >= 200809L (mkdtemp). */
#define TEST_SCRATCH_DIR(prefix)                                                             \
    static char tmpdir[] = "/tmp/" prefix "_XXXXXX";                                         \
    static int make_tmpdir(void **state)                                                     \
    {                                                                                        \
        (void)state;                                                                         \
        return mkdtemp(tmpdir) != NULL ? 0 : -1;                                             \
    }                                                                                        \
    static int remove_tmpdir(void **state)                                                   \
    {                                                                                        \
        (void)state;                                                                         \
        char cmd[sizeof tmpdir + 16];                                                        \
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);                                    \
        return system(cmd) == 0 ? 0 : -1;                                                    \
    }

/* A model file's text without its "row_sketch" line (the training-rows fingerprint, which
 * only a model trained from a dataset has) and its checksum line, in place: what models
 * trained from a binned file alone and from the dataset share. Returns text. */
static inline char *model_text_without_sketch(char *text)
{
    const char *drop[] = {"row_sketch ", "checksum "};
    for (int k = 0; k < 2; k++) {
        char *at = strncmp(text, drop[k], strlen(drop[k])) == 0 ? text : NULL;
        if (at == NULL) {
            char key[32];
            snprintf(key, sizeof key, "\n%s", drop[k]);
            if ((at = strstr(text, key)) != NULL)
                at++;
        }
        if (at != NULL) {
            char *nl = strchr(at, '\n');
            const size_t rest = nl != NULL ? strlen(nl + 1) : 0;
            memmove(at, nl != NULL ? nl + 1 : at, rest);
            at[rest] = '\0';
        }
    }
    return text;
}

/* cmocka 1.1.5 has no double comparison: |a - b| <= tol, NaN never close. */
#define assert_close(a, b, tol) \
    test_assert_close((double)(a), (double)(b), (double)(tol), #a, #b, __FILE__, __LINE__)

static inline void test_assert_close(double a, double b, double tol, const char *a_text,
                                     const char *b_text, const char *file, int line)
{
    if (fabs(a - b) <= tol)
        return;
    print_error("%s = %.17g and %s = %.17g differ by more than %g\n", a_text, a, b_text, b,
                tol);
    _fail(file, line);
}

/* Exact double equality that also accepts NaN == NaN and tells -0 from +0. */
#define assert_same_double(a, b) \
    test_assert_same_double((double)(a), (double)(b), #a, #b, __FILE__, __LINE__)

static inline void test_assert_same_double(double a, double b, const char *a_text,
                                           const char *b_text, const char *file, int line)
{
    int same = isnan(a) ? isnan(b) : (a == b && signbit(a) == signbit(b));
    if (same)
        return;
    print_error("%s = %.17g, expected %s = %.17g\n", a_text, a, b_text, b);
    _fail(file, line);
}

#define assert_nan(x) test_assert_nan((double)(x), #x, __FILE__, __LINE__)

static inline void test_assert_nan(double x, const char *text, const char *file, int line)
{
    if (isnan(x))
        return;
    print_error("%s = %.17g, expected NaN (missing)\n", text, x);
    _fail(file, line);
}

/* The text contains the fragment. */
#define assert_contains(text, fragment) \
    test_assert_contains((text), (fragment), __FILE__, __LINE__)

static inline void test_assert_contains(const char *text, const char *fragment, const char *file,
                                        int line)
{
    if (text != NULL && strstr(text, fragment) != NULL)
        return;
    print_error("\"%s\" does not contain \"%s\"\n", text != NULL ? text : "(null)", fragment);
    _fail(file, line);
}

/* Dense copies of sparse features made by test_feature_values, freed at exit. */
#define TEST_COPIES 256
static float *test_copies[TEST_COPIES];
static size_t test_n_copies;
static inline void test_free_copies(void)
{
    for (size_t k = 0; k < TEST_COPIES; k++)
        free(test_copies[k]);
}

/* Feature j's n_rows values whatever its storage (stratum/dataset.h): the dataset's own
 * array when dense, else a dense copy (st_dataset_feature_copy) kept until the program
 * ends, so that a LibSVM dataset's sparse columns read as they did when stored dense. */
static inline const float *test_feature_values(const st_dataset *ds, size_t j)
{
    const float *v = st_dataset_feature_values(ds, j);
    if (v != NULL || !st_dataset_feature_is_sparse(ds, j))
        return v;
    const size_t n = st_dataset_n_rows(ds), slot = test_n_copies++ % TEST_COPIES;
    if (test_n_copies == 1)
        atexit(test_free_copies);
    free(test_copies[slot]);
    test_copies[slot] = malloc((n ? n : 1) * sizeof(float));
    if (test_copies[slot] == NULL || st_dataset_feature_copy(ds, j, test_copies[slot], NULL) != ST_OK)
        fail_msg("no dense copy of feature %zu", j);
    return test_copies[slot];
}

/* The values of the feature called `name` (dense or sparse); fails the test when there is
 * none. */
static inline const float *column(const st_dataset *ds, const char *name)
{
    long j = st_dataset_find_feature(ds, name);
    if (j < 0)
        fail_msg("no feature named '%s'", name);
    return test_feature_values(ds, (size_t)j);
}

/* Each value equals the expected float exactly; NaN (missing) only where NaN is expected.
 * A function, not a macro, so that compound literals can be passed. */
static inline void assert_floats(const float *got, const float *expected, size_t n)
{
    assert_non_null(got);
    for (size_t i = 0; i < n; i++) {
        int same = isnan(expected[i]) ? isnan(got[i]) : got[i] == expected[i];
        if (!same)
            fail_msg("value %zu is %.9g, expected %.9g", i, (double)got[i], (double)expected[i]);
    }
}

/* A non-NULL *out before a call that must set it to NULL on failure. */
#define UNSET_DATASET ((st_dataset *)(uintptr_t)0x1)

/* Any st_dataset_read_*_buffer function. */
typedef st_status (*test_buffer_reader)(const char *data, size_t size, const char *name,
                                        const st_read_options *opt, st_dataset **out,
                                        st_error *err);

/* Reads a string literal (embedded NUL bytes included) that must parse. */
#define read_ok(reader, literal, opt) \
    test_read_ok((reader), (literal), sizeof(literal) - 1, (opt), __FILE__, __LINE__)

static inline st_dataset *test_read_ok(test_buffer_reader reader, const char *data, size_t size,
                                       const st_read_options *opt, const char *file, int line)
{
    st_error err;
    st_dataset *ds = NULL;
    st_status rc = reader(data, size, "input", opt, &ds, &err);
    if (rc != ST_OK || ds == NULL) {
        print_error("read failed with status %d: %s\n", (int)rc, err.message);
        _fail(file, line);
    }
    return ds;
}

/* Reads a string literal that must fail with this status at this line and column, with a
 * message holding `fragment`, and leave *out NULL. */
#define assert_read_fails(reader, literal, opt, status, line, column, fragment)                 \
    test_assert_read_fails((reader), (literal), sizeof(literal) - 1, (opt), (status), (line),   \
                           (column), (fragment), __FILE__, __LINE__)

static inline void test_assert_read_fails(test_buffer_reader reader, const char *data,
                                          size_t size, const st_read_options *opt,
                                          st_status status, long line, long column,
                                          const char *fragment, const char *file, int at)
{
    st_error err;
    st_dataset *ds = UNSET_DATASET;
    memset(&err, 0, sizeof err);
    st_status rc = reader(data, size, "input", opt, &ds, &err);
    int ok = rc == status && err.code == status && err.line == line && err.column == column &&
             strstr(err.message, fragment) != NULL && ds == NULL;
    if (ok)
        return;
    print_error("got status %d (err.code %d) at line %ld column %ld: \"%s\"%s\n"
                "expected status %d at line %ld column %ld with \"%s\"\n",
                (int)rc, (int)err.code, err.line, err.column, err.message,
                ds == NULL ? "" : " and *out not NULL", (int)status, line, column, fragment);
    if (rc == ST_OK && ds != UNSET_DATASET)
        st_dataset_free(ds);
    _fail(file, at);
}

/* Path of a file under tests/fixtures. */
static inline const char *test_data_path(const char *relative, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", STRATUM_TEST_DATA, relative);
    return buf;
}

/* The whole file at path as a NUL-terminated string (free it), its length (without the
 * NUL) in *size; fails the test when it cannot be read. */
static inline char *read_all_n(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n >= 0);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    *size = (size_t)n;
    return text;
}

/* read_all_n without the length. */
static inline char *read_all(const char *path)
{
    size_t size;
    return read_all_n(path, &size);
}

#ifdef STRATUM_DATASETS
/* The shipped dataset datasets/NAME (e.g. "hepatitis.csv") read with the default options;
 * fails the test if it cannot be read. The caller frees it (st_dataset_free). */
static inline st_dataset *test_read_shipped(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", STRATUM_DATASETS, name);
    st_read_options ro = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(path, &ro, &ds, &err) != ST_OK)
        fail_msg("read %s: %s", path, err.message);
    return ds;
}
#endif

#endif /* STRATUM_TEST_UTIL_H */
