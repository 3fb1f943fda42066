/* Logistic regression model files: save + load gives back the same model bit for bit (and
 * the same predictions), every kind of bad file is refused with ST_ERR_FORMAT naming the
 * line, and a save that fails leaves nothing behind and any old file untouched. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <dirent.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "io/model_text.h"

static char tmpdir[] = "/tmp/stratum_model_io_XXXXXX";

static void path_in_tmp(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* 80 rows: a numeric feature with missing values, a categorical one with a missing value
 * and an id-like numeric, labels from a noisy rule so the classes overlap. */
static st_dataset *mixed_dataset(void)
{
    static char csv[8192];
    size_t n = (size_t)snprintf(csv, sizeof csv, "age,site name,bp,label\n");
    static const char *const sites[] = {"north", "south", "east west", ""};
    for (int i = 0; i < 80; i++) {
        char age[16];
        if (i % 7 == 3)
            snprintf(age, sizeof age, "NA");
        else
            snprintf(age, sizeof age, "%d.%d", 30 + (i * 37) % 50, i % 10);
        int label = ((i * 13) % 11 + (i % 4 == 0 ? 4 : 0)) > 6;
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%s,%s,%d,%d\n", age, sites[i % 4],
                              110 + (i * 29) % 60, label);
    }
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, n, "mixed", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static st_logreg *train(const st_dataset *ds, double lambda)
{
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = lambda;
    prm.alpha = 0.3;
    prm.impute = ST_IMPUTE_MEDIAN;
    prm.missing_indicators = 1;
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    st_logreg *m = NULL;
    st_error err;
    if (st_logreg_train(ds, &prm, &m, &err) != ST_OK)
        fail_msg("%s", err.message);
    return m;
}

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *size = fread(buf, 1, (1 << 20) - 1, f);
    buf[*size] = '\0';
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    DIR *d = opendir(tmpdir);
    if (d != NULL) {
        char p[512];
        for (struct dirent *e; (e = readdir(d)) != NULL;)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                path_in_tmp(p, sizeof p, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

/* The reloaded model has the same coefficients, names, diagnostics and predictions, bit
 * for bit, and saving it again gives the same bytes. */
static void test_round_trip(void **state)
{
    st_dataset *ds = mixed_dataset();
    st_logreg *m = train(ds, 0.01);
    char path[512], path2[512];
    path_in_tmp(path, sizeof path, "round.model");
    path_in_tmp(path2, sizeof path2, "round2.model");
    st_error err;
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    st_logreg *back = NULL;
    if (st_logreg_load(path, &back, &err) != ST_OK)
        fail_msg("%s", err.message);
    assert_int_equal(st_logreg_n_coefs(back), st_logreg_n_coefs(m));
    /* age, age_missing, 3 sites, site name_missing (empty is missing), bp */
    assert_int_equal(st_logreg_n_coefs(m), 7);
    for (size_t k = 0; k < st_logreg_n_coefs(m); k++) {
        assert_string_equal(st_logreg_coef_name(back, k), st_logreg_coef_name(m, k));
        assert_same_double(st_logreg_coefs(back)[k], st_logreg_coefs(m)[k]);
    }
    assert_same_double(st_logreg_intercept(back), st_logreg_intercept(m));
    assert_same_double(st_logreg_objective(back), st_logreg_objective(m));
    assert_same_double(st_logreg_gap(back), st_logreg_gap(m));
    assert_int_equal(st_logreg_iterations(back), st_logreg_iterations(m));
    assert_int_equal(st_logreg_converged(back), st_logreg_converged(m));

    size_t n = st_dataset_n_rows(ds);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
    assert_int_equal(st_logreg_predict(m, ds, p1, n, NULL), ST_OK);
    assert_int_equal(st_logreg_predict(back, ds, p2, n, NULL), ST_OK);
    assert_memory_equal(p1, p2, n * sizeof *p1);

    assert_int_equal(st_logreg_save(back, path2, &err), ST_OK);
    size_t s1, s2;
    char *b1 = slurp(path, &s1), *b2 = slurp(path2, &s2);
    assert_int_equal(s1, s2);
    assert_memory_equal(b1, b2, s1);
    assert_non_null(strstr(b1, "stratum-model 1 logreg\nlambda 0.01\nalpha 0.3\n"
                               "standardize 1\nimpute median\nmissing_indicators 1\n"
                               "class_weight balanced\n"));
    assert_non_null(strstr(b1, "\nlevel east west\n"));
    free(b1), free(b2), free(p1), free(p2);
    unlink(path2);
    st_logreg_free(back);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* Writes body plus a correct checksum line. */
static void write_with_checksum(const char *path, const char *body, size_t size)
{
    char *buf = malloc(size + 64);
    memcpy(buf, body, size);
    int n = snprintf(buf + size, 64, "checksum %016" PRIx64 "\n", st__fnv1a64(body, size));
    spit(path, buf, size + (size_t)n);
    free(buf);
}

static void assert_load_fails(const char *path, const char *fragment)
{
    st_logreg *m = (st_logreg *)(uintptr_t)1;
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_logreg_load(path, &m, &err);
    if (rc != ST_ERR_FORMAT || m != NULL || strstr(err.message, fragment) == NULL)
        fail_msg("status %d, message '%s'; expected ST_ERR_FORMAT with '%s'", (int)rc,
                 err.message, fragment);
}

/* Replaces the first occurrence of `from` in text by `to`; returns a new buffer. */
static char *replaced(const char *text, const char *from, const char *to, size_t *size)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - text), tail = strlen(at + strlen(from));
    char *out = malloc(head + strlen(to) + tail + 1);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcpy(out + head + strlen(to), at + strlen(from));
    *size = strlen(out);
    return out;
}

/* Without the checksum line. */
static size_t body_size(const char *text, size_t size)
{
    const char *c = strstr(text, "checksum ");
    assert_non_null(c);
    return (size_t)(c - text);
}

static void test_rejections(void **state)
{
    st_dataset *ds = mixed_dataset();
    st_logreg *m = train(ds, 0.01);
    char good[512], bad[512];
    path_in_tmp(good, sizeof good, "good.model");
    path_in_tmp(bad, sizeof bad, "bad.model");
    assert_int_equal(st_logreg_save(m, good, NULL), ST_OK);
    size_t size, n;
    char *text = slurp(good, &size), *v;

    v = replaced(text, "stratum-model", "stratum-modal", &n);
    spit(bad, v, n);
    assert_load_fails(bad, "bad.model:1: not a stratum model file");
    free(v);

    v = replaced(text, "stratum-model 1 ", "stratum-model 2 ", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "bad.model:1: model format version 2 is newer than this stratum "
                           "(1); upgrade stratum");
    free(v);

    spit(bad, text, size / 2);
    assert_load_fails(bad, "the file is truncated");
    spit(bad, text, body_size(text, size));
    assert_load_fails(bad, "the file is truncated");

    v = replaced(text, "\ncoef ", "\ncoef 1", &n);
    spit(bad, v, n);
    assert_load_fails(bad, "checksum mismatch");
    free(v);

    v = replaced(text, "impute median", "impute sometimes", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "bad.model:5: impute 'sometimes': expected mean or median");
    free(v);

    v = replaced(text, "alpha ", "alfa ", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "bad.model:3: found 'alfa 0.3'; expected 'alpha ...'");
    free(v);

    v = replaced(text, "\ncoef ", "\ncoef x", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "is not a number");
    free(v);

    v = replaced(text, "\nintercept ", "\ncoef 1 extra\nintercept ", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "expected 'intercept ...'");
    free(v);

    /* a file cut just before the checksum and re-summed: a line is missing, not the sum */
    v = replaced(text, "\ngap ", "\nnogap ", &n);
    write_with_checksum(bad, v, body_size(v, n));
    assert_load_fails(bad, "expected 'gap ...'");
    free(v);

    st_error err;
    st_logreg *out = NULL;
    assert_int_equal(st_logreg_load("/nonexistent/m.model", &out, &err), ST_ERR_IO);
    assert_null(out);
    free(text);
    unlink(bad);
    unlink(good);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* Saving into a directory that does not exist fails with ST_ERR_IO and creates nothing. */
static void test_save_into_missing_directory(void **state)
{
    st_dataset *ds = mixed_dataset();
    st_logreg *m = train(ds, 0.1);
    char path[512];
    path_in_tmp(path, sizeof path, "no/such/dir/m.model");
    int before = count_entries(tmpdir);
    st_error err;
    assert_int_equal(st_logreg_save(m, path, &err), ST_ERR_IO);
    assert_contains(err.message, "no/such/dir/m.model");
    assert_int_equal(count_entries(tmpdir), before);
    assert_int_equal(st_logreg_save(NULL, path, &err), ST_ERR_INVALID_ARG);
    st_logreg_free(m);
    st_dataset_free(ds);
}

/* A save that fails half-way (here: the file size limit stops the write) keeps the old
 * model file byte for byte and removes its temporary file. */
static void test_failed_save_keeps_old_file(void **state)
{
    st_dataset *ds = mixed_dataset();
    st_logreg *a = train(ds, 0.1), *b = train(ds, 0.02);
    char path[512];
    path_in_tmp(path, sizeof path, "keep.model");
    assert_int_equal(st_logreg_save(a, path, NULL), ST_OK);
    size_t old_size;
    char *old = slurp(path, &old_size);
    int before = count_entries(tmpdir);

    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 100; /* well below a model's size */
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    st_error err;
    st_status rc = st_logreg_save(b, path, &err);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, ST_ERR_IO);
    assert_contains(err.message, "keep.model: cannot write");

    size_t now_size;
    char *now = slurp(path, &now_size);
    assert_int_equal(now_size, old_size);
    assert_memory_equal(now, old, old_size);
    assert_int_equal(count_entries(tmpdir), before);
    free(old), free(now);
    unlink(path);
    st_logreg_free(a), st_logreg_free(b);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_save_into_missing_directory),
        cmocka_unit_test(test_failed_save_keeps_old_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
