/* The row hashes of the training-rows fingerprint (src/data/row_hash.c, row_sketch.h):
 *   - version 2 is the formula row_sketch.h states, worked here by hand for small rows
 *     (it fixes the bytes of every model's row_sketch line);
 *   - a zero cell adds nothing, so the dense and the sparse form of the same values hash
 *     alike (both versions), and a row's hash does not depend on the columns' order in the
 *     dataset when a model names them (the names found through one table), a feature the
 *     dataset has not being missing in every row;
 *   - models saved before version 2 (fixtures/sketch_v1: a logistic regression and boosted
 *     trees saved by stratum before this change, with their "row_sketch N ..." line) load
 *     and their overlap with their own training rows, a changed copy and a half-changed
 *     mix is the true one, counted here;
 *   - allocation failure in the overlap check (the name table), the CSV reader's cell facts
 *     and a subset of a CSV dataset returns ST_ERR_NOMEM and leaks nothing. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include "core/alloc.h"
#include "data/row_sketch.h"

#define FIXTURE STRATUM_TEST_DATA "/sketch_v1/"
#define N_ROWS 48 /* data lines of rows.csv, all distinct */

TEST_SCRATCH_DIR("stratum_row_hash")

static uint64_t splitmix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t number_word(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return splitmix(((uint64_t)2 << 32) | bits);
}

/* Feature j's word in a row: splitmix(splitmix(4 << 32 ^ j) ^ value word). */
static uint64_t cell(uint64_t j, uint64_t value_word)
{
    return splitmix(splitmix(((uint64_t)4 << 32) ^ j) ^ value_word);
}

static uint64_t row_hash(uint64_t sum, size_t n_features)
{
    return splitmix(sum + splitmix(((uint64_t)5 << 32) ^ n_features));
}

static void hashes(const st_dataset *ds, int version, const void *model, size_t n,
                   st__sketch_name_fn name, uint64_t *h)
{
    st_error err;
    assert_int_equal(st__row_hashes(ds, version, model, n, name, 1, h, &err), ST_OK);
}

/* FNV-1a, 64 bits: a categorical value's word is splitmix(3 ^ fnv1a(level text)). */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Version 2 by hand: three numeric features, rows (0, 2.5, NaN), (0, 0, 0), (-0, 1, 0). */
static void version_2_by_hand(void **state)
{
    (void)state;
    const float nan = NAN;
    const float x[] = {0, 0, -0.0f, 2.5f, 0, 1, nan, 0, 0}; /* column-major */
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_from_arrays(3, 3, x, NULL, NULL, NULL, &ds, NULL), ST_OK);
    uint64_t h[3];
    hashes(ds, 2, NULL, 3, NULL, h);
    const uint64_t missing = splitmix(1);
    assert_true(h[0] == row_hash(cell(1, number_word(2.5f)) + cell(2, missing), 3));
    assert_true(h[1] == row_hash(0, 3));
    assert_true(h[2] == row_hash(cell(1, number_word(1.0f)), 3));
    st_dataset_free(ds);
}

/* Many rows (several blocks of the rows the library hashes at a time), with a categorical
 * column of many levels, zeros of both signs and missing values of both kinds: version 2's
 * hashes are the formula worked row by row here, on one thread and on three. */
static void many_rows_by_hand(void **state)
{
    (void)state;
    enum { N = 10007, LEVELS = 37 };
    char path[600];
    snprintf(path, sizeof path, "%s/many.csv", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "x,code,z,label\n");
    float x[N], z[N];
    int code[N]; /* -1: missing */
    for (int i = 0; i < N; i++) {
        x[i] = i % 5 == 0 ? 0.0f : i % 7 == 0 ? NAN : (float)(i % 101) * 0.25f - 3.0f;
        z[i] = i % 3 == 0 ? -0.0f : (float)(i % 13);
        code[i] = i % 11 == 0 ? -1 : (i * 7) % LEVELS;
        if (x[i] != x[i])
            fprintf(f, "NA,");
        else
            fprintf(f, "%.9g,", x[i]);
        if (code[i] >= 0)
            fprintf(f, "L%d", code[i]);
        fprintf(f, ",%.9g,%d\n", z[i], i % 2); /* -0 printed "-0" */
    }
    fclose(f);
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv(path, NULL, &ds, &err), ST_OK);
    assert_int_equal(st_dataset_feature_type(ds, 1), ST_FEATURE_CATEGORICAL);
    uint64_t *h1 = st__malloc_array(N, sizeof *h1), *h3 = st__malloc_array(N, sizeof *h3);
    assert_non_null(h1);
    assert_non_null(h3);
    assert_int_equal(st__row_hashes(ds, 2, NULL, 3, NULL, 1, h1, &err), ST_OK);
    assert_int_equal(st__row_hashes(ds, 2, NULL, 3, NULL, 3, h3, &err), ST_OK);
    const uint64_t missing = splitmix(1);
    for (int i = 0; i < N; i++) {
        char level[16];
        snprintf(level, sizeof level, "L%d", code[i]);
        uint64_t sum = code[i] < 0 ? cell(1, missing) : cell(1, splitmix(3u ^ fnv1a(level)));
        if (x[i] != 0)
            sum += cell(0, x[i] == x[i] ? number_word(x[i]) : missing);
        if (z[i] != 0)
            sum += cell(2, number_word(z[i]));
        if (h1[i] != row_hash(sum, 3) || h3[i] != h1[i])
            fail_msg("row %d: %016llx (3 threads %016llx), by hand %016llx", i,
                     (unsigned long long)h1[i], (unsigned long long)h3[i],
                     (unsigned long long)row_hash(sum, 3));
    }
    st__free(h1);
    st__free(h3);
    st_dataset_free(ds);
}

/* The same values dense (from_arrays) and sparse (from_csr, one explicit zero entry) hash
 * alike, in both versions; rows that differ in one cell hash apart. */
static void dense_and_sparse_alike(void **state)
{
    (void)state;
    enum { N = 6, P = 4 };
    const float nan = NAN;
    const float dense[P][N] = {{0, 1, 0, 0, 3, 0},
                               {0, 0, 0, 2, 0, 0},
                               {nan, 0, 0, 0, 0, 5},
                               {0, 0, 7, 0, 0, -1}};
    int64_t indptr[N + 1] = {0};
    int32_t idx[N * P];
    float val[N * P];
    size_t e = 0;
    for (size_t i = 0; i < N; i++) {
        for (int32_t j = 0; j < P; j++)
            if (dense[j][i] != 0 || (i == 1 && j == 3)) { /* (1, 3): an explicit 0 */
                idx[e] = j;
                val[e++] = dense[j][i];
            }
        indptr[i + 1] = (int64_t)e;
    }
    st_dataset *d = NULL, *s = NULL;
    assert_int_equal(st_dataset_from_arrays(N, P, &dense[0][0], NULL, NULL, NULL, &d, NULL),
                     ST_OK);
    assert_int_equal(st_dataset_from_csr(N, P, indptr, idx, val, NULL, NULL, NULL, &s, NULL),
                     ST_OK);
    assert_true(st_dataset_feature_is_sparse(s, 0));
    for (int version = 1; version <= 2; version++) {
        uint64_t hd[N], hs[N];
        hashes(d, version, NULL, P, NULL, hd);
        hashes(s, version, NULL, P, NULL, hs);
        for (size_t i = 0; i < N; i++) {
            assert_true(hd[i] == hs[i]);
            for (size_t k = 0; k < i; k++)
                assert_true(hd[i] != hd[k]);
        }
    }
    st_dataset_free(d);
    st_dataset_free(s);
}

typedef struct names {
    const char *const *name;
} names;

static const char *name_of(const void *model, size_t j)
{
    return ((const names *)model)->name[j];
}

/* A model's features found by name: columns (a, b, c, a) hashed for a model of (c, a, zz)
 * equal columns (c, a, zz) hashed in order, zz missing in every row (a repeated name is
 * its first column, as st_dataset_find_feature). */
static void features_found_by_name(void **state)
{
    (void)state;
    enum { N = 5 };
    const float nan = NAN;
    const float a[N] = {1, 0, 2, 0, 4}, b[N] = {9, 9, 0, 9, 9}, c[N] = {0, 3, 3, 0, nan};
    const float ignored[N] = {5, 5, 5, 5, 5}, all_missing[N] = {nan, nan, nan, nan, nan};
    float x1[4 * N], x2[3 * N];
    memcpy(x1, a, sizeof a), memcpy(x1 + N, b, sizeof b), memcpy(x1 + 2 * N, c, sizeof c);
    memcpy(x1 + 3 * N, ignored, sizeof ignored);
    memcpy(x2, c, sizeof c), memcpy(x2 + N, a, sizeof a);
    memcpy(x2 + 2 * N, all_missing, sizeof all_missing);
    const char *n1[] = {"a", "b", "c", "a"}, *n2[] = {"c", "a", "zz"};
    st_dataset *d1 = NULL, *d2 = NULL;
    assert_int_equal(st_dataset_from_arrays(N, 4, x1, NULL, NULL, n1, &d1, NULL), ST_OK);
    assert_int_equal(st_dataset_from_arrays(N, 3, x2, NULL, NULL, n2, &d2, NULL), ST_OK);
    const names model = {n2};
    for (int version = 1; version <= 2; version++) {
        uint64_t h1[N], h2[N];
        hashes(d1, version, &model, 3, name_of, h1);
        hashes(d2, version, NULL, 3, NULL, h2);
        for (size_t i = 0; i < N; i++)
            assert_true(h1[i] == h2[i]);
    }
    st_dataset_free(d1);
    st_dataset_free(d2);
}

/* rows.csv with the data lines i where change(i) has their first field (age) raised by
 * 1000: no training row has such an age. */
static void write_changed(const char *path, int (*change)(size_t))
{
    static char text[1 << 16];
    FILE *f = fopen(FIXTURE "rows.csv", "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    size_t i = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line != text && change(i++)) {
            char *comma = strchr(line, ',');
            fprintf(o, "%g%s\n", atof(line) + 1000, comma);
        } else
            fprintf(o, "%s\n", line);
    }
    fclose(o);
}

static int none(size_t i) { return (void)i, 0; }
static int all(size_t i) { return (void)i, 1; }
static int odd(size_t i) { return (int)(i % 2); }

/* The overlap of the model at mpath (logreg: a logistic regression, else boosted trees)
 * with rows.csv changed by change. */
static void overlap_of(const char *mpath, int logreg, int (*change)(size_t),
                       st_training_overlap *o)
{
    char path[600];
    snprintf(path, sizeof path, "%s/rows.csv", tmpdir);
    write_changed(path, change);
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv(path, NULL, &ds, &err), ST_OK);
    if (logreg) {
        st_logreg *m = NULL;
        assert_int_equal(st_logreg_load(mpath, &m, &err), ST_OK);
        assert_int_equal(st_logreg_training_overlap(m, ds, o, &err), ST_OK);
        st_logreg_free(m);
    } else {
        st_gbdt *m = NULL;
        assert_int_equal(st_gbdt_load(mpath, &m, &err), ST_OK);
        assert_int_equal(st_gbdt_training_overlap(m, ds, o, &err), ST_OK);
        st_gbdt_free(m);
    }
    st_dataset_free(ds);
}

/* Models saved with a version-1 line are compared with version-1 hashes: their own 48
 * training rows are all found, a copy with every age changed none, and one with every
 * other row changed half (the sketch holds every distinct row: exact). */
static void version_1_models_still_match(void **state)
{
    (void)state;
    const char *models[] = {FIXTURE "logreg.model", FIXTURE "gbdt.model"};
    for (int k = 0; k < 2; k++) {
        st_training_overlap o;
        overlap_of(models[k], k == 0, none, &o);
        assert_int_equal(o.available, 1);
        assert_int_equal(o.exact, 1);
        assert_int_equal(o.training_rows, N_ROWS);
        assert_true(o.training_share == 1.0 && o.scored_share == 1.0);
        overlap_of(models[k], k == 0, all, &o);
        assert_true(o.training_share == 0.0 && o.scored_share == 0.0);
        overlap_of(models[k], k == 0, odd, &o);
        assert_true(o.training_share == 0.5 && o.scored_share == 0.5);
    }
}

/* A model trained now carries version 2 and finds the same shares. */
static void version_2_models_match(void **state)
{
    (void)state;
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv(FIXTURE "rows.csv", NULL, &ds, &err), ST_OK);
    st_logreg_params p = st_logreg_params_default();
    p.lambda = 0.1;
    st_logreg *m = NULL;
    assert_int_equal(st_logreg_train(ds, &p, &m, &err), ST_OK);
    char path[600];
    snprintf(path, sizeof path, "%s/v2.model", tmpdir);
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    st_logreg_free(m);
    st_dataset_free(ds);
    FILE *f = fopen(path, "r");
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "\nrow_sketch v2 48 48 48 "));
    st_training_overlap o;
    overlap_of(path, 1, odd, &o);
    assert_int_equal(o.exact, 1);
    assert_true(o.training_share == 0.5 && o.scored_share == 0.5);
}

/* Allocation failure in what the fingerprint and the CSV cell facts allocate. */
static st_error oom_err;
static st_status oom_cycle(void)
{
    st_dataset *ds = NULL, *sub = NULL;
    st_logreg *m = NULL;
    st_training_overlap o;
    st_status rc = st_dataset_read_csv(FIXTURE "rows.csv", NULL, &ds, &oom_err);
    const size_t rows[] = {3, 1, 4, 1, 5};
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, rows, 5, &sub, &oom_err);
    if (rc == ST_OK)
        rc = st_logreg_load(FIXTURE "logreg.model", &m, &oom_err);
    if (rc == ST_OK)
        rc = st_logreg_training_overlap(m, sub, &o, &oom_err);
    if (rc == ST_OK)
        rc = st_logreg_training_overlap(m, ds, &o, &oom_err);
    st_logreg_free(m);
    st_dataset_free(sub);
    st_dataset_free(ds);
    return rc;
}

static void out_of_memory(void **state)
{
    (void)state;
    long baseline = st__fault_live_blocks();
    for (long n = 0;; n++) {
        st__fault_fail_after(n);
        st_status rc = oom_cycle();
        st__fault_fail_after(-1);
        if (st__fault_live_blocks() != baseline)
            fail_msg("allocation %ld failing leaks %ld blocks", n,
                     st__fault_live_blocks() - baseline);
        if (rc == ST_OK) {
            assert_true(n > 10);
            return;
        }
        if (rc != ST_ERR_NOMEM)
            fail_msg("allocation %ld failing: %s", n, oom_err.message);
        assert_true(n < 100000);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The bottom-k sketch of many hashes (the library sorts them by radix from 4,096 on) is
 * what qsort and dropping repeats give: every bit of the 64 matters (values across the
 * whole range, and pairs equal but for one high or low bit), repeats count once. */
static void sketch_of_many_hashes(void **state)
{
    (void)state;
    const size_t n = 50000;
    uint64_t *h = st__malloc_array(n, sizeof *h), *want = st__malloc_array(n, sizeof *want);
    assert_non_null(h);
    assert_non_null(want);
    for (size_t i = 0; i < n; i++) {
        const uint64_t z = splitmix(i % 30011); /* 19,989 values twice */
        h[i] = i % 7 == 0 ? z ^ ((uint64_t)1 << 63) : i % 11 == 0 ? z ^ 1 : z;
        if (i % 13 == 0)
            h[i] >>= 40; /* small values: the sketch's bottom */
    }
    memcpy(want, h, n * sizeof *h);
    qsort(want, n, sizeof *want, cmp_u64);
    size_t d = 1;
    for (size_t i = 1; i < n; i++)
        if (want[i] != want[d - 1])
            want[d++] = want[i];
    st__row_sketch s;
    st_error err;
    assert_int_equal(st__row_sketch_from_hashes(h, n, &s, &err), ST_OK);
    assert_int_equal(s.n_rows, n);
    assert_int_equal(s.n_distinct, d);
    assert_true(d > 30011 && d < n);
    assert_int_equal(s.k, ST__SKETCH_K);
    for (size_t q = 0; q < s.k; q++)
        assert_true(s.hash[q] == want[q]);
    st__row_sketch_free(&s);
    st__free(h);
    st__free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_2_by_hand),
        cmocka_unit_test(many_rows_by_hand),
        cmocka_unit_test(dense_and_sparse_alike),
        cmocka_unit_test(features_found_by_name),
        cmocka_unit_test(version_1_models_still_match),
        cmocka_unit_test(version_2_models_match),
        cmocka_unit_test(out_of_memory),
        cmocka_unit_test(sketch_of_many_hashes),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
