/* The binned file (.stb): stratum bin's bins and codes against in-memory binning of the
 * same file (st__gbdt_bins_build on all rows, the independent path training uses), models
 * trained on the mapped file against in-memory training byte for byte, the streaming reader
 * on awkward CSV (records cut by the read buffer, quoted newlines, a column turning
 * categorical late), approximate sketches, hostile files, and CLI errors. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* mknod */
#include "test_util.h"
#include "cli/cli_run.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "binned/stb_format.h"
#include "binned/stb_impl.h"

static const char *const datasets[] = {"thoracic_surgery", "hepatitis", "wdbc", "thyroid_sick",
                                       "cervical_cancer", "sepsis_survival", "diabetes130"};

static char *dataset_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s.csv", STRATUM_DATASETS, name);
    return path;
}

static void bin_ok(const char *csv, const char *out, const st_read_options *ro,
                   const st_bin_options *bo, st_bin_report *rep)
{
    st_error err;
    st_status rc = st_bin_file(csv, ro, bo, out, rep, &err);
    if (rc != ST_OK)
        fail_msg("st_bin_file %s: %s", csv, err.message);
}

static st_binned *open_ok(const char *path)
{
    st_binned *b = NULL;
    st_error err;
    if (st_binned_open(path, &b, &err) != ST_OK)
        fail_msg("st_binned_open %s: %s", path, err.message);
    return b;
}

static st_dataset *read_data(const char *path, const st_read_options *ro)
{
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read(path, ro, &ds, &err) != ST_OK)
        fail_msg("read %s: %s", path, err.message);
    return ds;
}

/* The file's bins and codes equal in-memory binning of the dataset's rows, all sampled. */
static void assert_same_bins(const st_binned *b, const st_dataset *ds, int max_bin)
{
    st_gbdt_params prm = st_gbdt_params_default();
    prm.max_bin = max_bin;
    prm.bin_sample_rows = (int)st_dataset_n_rows(ds);
    st__gbdt_bins mem;
    st_error err;
    assert_int_equal(st__gbdt_bins_build(ds, &prm, 1, &mem, &err), ST_OK);
    const st__gbdt_bins *fb = &b->bins;
    const size_t n = mem.n_rows, nf = mem.n_features;
    assert_int_equal(fb->n_rows, n);
    assert_int_equal(fb->n_features, nf);
    assert_int_equal(fb->wide, mem.wide);
    /* (in memory, sparse features are bundled, gbdt_bundle.c: cells and codes are then
       compared feature by feature; a binned file keeps one column per feature) */
    if (mem.col_of == NULL)
        assert_int_equal(fb->total_bins, mem.total_bins);
    for (size_t j = 0; j < nf; j++) {
        assert_string_equal(st_binned_feature_name(b, j), st_dataset_feature_name(ds, j));
        assert_int_equal(fb->n_bins[j], mem.n_bins[j]);
        assert_int_equal(fb->is_cat[j], mem.is_cat[j]);
        assert_int_equal(fb->level_off[j + 1] - fb->level_off[j],
                         mem.level_off[j + 1] - mem.level_off[j]);
        assert_memory_equal(fb->bounds + fb->offset[j], mem.bounds + mem.offset[j],
                            ((size_t)mem.n_bins[j] + 1) * sizeof(double));
        if (mem.is_cat[j])
            assert_memory_equal(fb->level_bin + fb->level_off[j], mem.level_bin + mem.level_off[j],
                                mem.level_off[j + 1] - mem.level_off[j]);
        assert_int_equal(st_binned_n_levels(b, j), st_dataset_n_levels(ds, j));
        for (size_t k = 0; k < st_dataset_n_levels(ds, j); k++)
            assert_string_equal(st_binned_level(b, j, k), st_dataset_level(ds, j, k));
    }
    const size_t cw = mem.wide ? 2 : 1;
    if (mem.col_of == NULL) {
        assert_memory_equal(mem.wide ? (void *)fb->codes16 : (void *)fb->codes,
                            mem.wide ? (void *)mem.codes16 : (void *)mem.codes, n * nf * cw);
        assert_memory_equal(mem.wide ? (void *)fb->cols16 : (void *)fb->cols,
                            mem.wide ? (void *)mem.cols16 : (void *)mem.cols, n * nf * cw);
    }
    /* (in memory, a sparse feature that can never split is dropped, gbdt_bundle.c: it has
       no codes there; the file's codes of every feature are checked below) */
    for (size_t j = 0; j < nf; j++)
        for (size_t i = 0; i < n && (mem.col_of == NULL || mem.col_of[j] != UINT32_MAX); i++)
            assert_int_equal(st__gbdt_code_at(fb, j, i), st__gbdt_code_at(&mem, j, i));
    /* and every code is the bin of its value (st__gbdt_bin_of) */
    for (size_t j = 0; j < nf; j++) {
        const float *x = test_feature_values(ds, j);
        for (size_t i = 0; i < n; i += 7) {
            const unsigned c = mem.wide ? fb->cols16[j * n + i] : fb->cols[j * n + i];
            assert_int_equal(c, st__gbdt_bin_of(fb, j, x[i]));
            assert_int_equal(c, (unsigned)st_binned_bin_of(b, j, x[i]));
        }
    }
    assert_memory_equal(st_binned_labels(b), st_dataset_labels(ds), n * sizeof(float));
    if (st_dataset_weights(ds) != NULL)
        assert_memory_equal(st_binned_weights(b), st_dataset_weights(ds), n * sizeof(float));
    else
        assert_null(st_binned_weights(b));
    st__gbdt_bins_free(&mem);
}

static void save_model(const st_gbdt *m, const char *path)
{
    st_error err;
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
}

/* Trains on the file, in memory, and in memory on the file's bins: all one model. */
static void assert_same_models(const st_binned *b, const st_dataset *ds, int expect_in_memory)
{
    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 15;
    prm.max_bin = st_binned_max_bin(b);
    prm.n_threads = 2;
    st_gbdt *a = NULL, *m = NULL, *w = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train_binned(b, NULL, &prm, NULL, &a, &err), ST_OK);
    assert_int_equal(st_gbdt_train_with_bins(ds, b, NULL, &prm, NULL, &w, &err), ST_OK);
    save_model(a, "stb_model_a.txt");
    save_model(w, "stb_model_w.txt");
    char *ta = read_all("stb_model_a.txt"), *tw = read_all("stb_model_w.txt");
    /* the same model but for the training-rows fingerprint, which the binned file alone
       cannot give (it holds no raw values) */
    assert_string_equal(model_text_without_sketch(ta), model_text_without_sketch(tw));
    if (expect_in_memory) {
        assert_int_equal(st_gbdt_train(ds, &prm, &m, &err), ST_OK);
        save_model(m, "stb_model_m.txt");
        char *tm = read_all("stb_model_m.txt");
        assert_string_equal(ta, model_text_without_sketch(tm));
        free(tm);
    }
    free(ta);
    free(tw);
    st_gbdt_free(a);
    st_gbdt_free(m);
    st_gbdt_free(w);
}

/* Every shipped dataset: exact bins, the same codes and the same model as in memory. The
 * read buffer is small, so records are cut by it all the time. */
static void test_shipped_datasets(void **state)
{
    (void)state;
    for (size_t d = 0; d < sizeof datasets / sizeof *datasets; d++) {
        st_bin_options bo = st_bin_options_default();
        bo.sketch_size = 131072; /* diabetes130's id columns have ~100k distinct values */
        bo.chunk_bytes = 4096;
        bo.block_rows = 1000;
        st_bin_report rep;
        bin_ok(dataset_path(datasets[d]), "stb_data.stb", NULL, &bo, &rep);
        st_dataset *ds = read_data(dataset_path(datasets[d]), NULL);
        assert_int_equal(rep.n_rows, st_dataset_n_rows(ds));
        assert_int_equal(rep.n_inexact, 0);
        st_binned *b = open_ok("stb_data.stb");
        for (size_t j = 0; j < st_binned_n_features(b); j++)
            assert_int_equal(st_binned_exact(b, j), 1);
        assert_same_bins(b, ds, 255);
        assert_same_models(b, ds, 1);
        st_binned_close(b);
        st_dataset_free(ds);
    }
}

/* A generated CSV that stresses the reader: quoted levels with commas, quotes and
 * newlines; a column numeric for 300 rows then text (re-read pass); custom NA texts;
 * weights; blank lines; CRLF; string labels with --positive. */
static void write_awkward_csv(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "id,x,\"city, region\",late,w,outcome\r\n");
    uint64_t s = 5;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned r = (unsigned)(s >> 33);
        const char *cities[] = {"\"Oslo, N\"", "\"Bergen\nwest\"", "\"Tromsø \"\"north\"\"\"",
                                "Lund", "missing?", "\"\""};
        char late[32];
        if (i < 300 || r % 5)
            snprintf(late, sizeof late, "%u", r % 13);
        else
            snprintf(late, sizeof late, "grade%u", r % 3);
        fprintf(f, "%zu,%s,%s,%s,%.3f,%s\r\n", i, r % 17 == 0 ? "missing?" : (r % 2 ? "1.5e0" : "-0.25"),
                cities[r % 6], late, (double)(r % 7) / 3.0, r % 3 == 0 ? "dead" : "alive");
        if (i % 97 == 0)
            fprintf(f, "\r\n");
    }
    fclose(f);
}

static void test_awkward_csv(void **state)
{
    (void)state;
    write_awkward_csv("stb_awkward.csv", 5000);
    st_read_options ro = st_read_options_default();
    ro.label = "outcome";
    ro.positive = "dead";
    ro.weight = "w";
    const char *na[] = {"missing?", ""};
    ro.na_values = na;
    ro.n_na_values = 2;
    const char *ignore[] = {"id"};
    ro.ignore = ignore;
    ro.n_ignore = 1;
    st_bin_options bo = st_bin_options_default();
    bo.chunk_bytes = 4096;
    bo.block_rows = 333;
    bo.store_values = 1;
    st_bin_report rep;
    bin_ok("stb_awkward.csv", "stb_awkward.stb", &ro, &bo, &rep);
    assert_int_equal(rep.passes, 3); /* 'late' turned categorical after numbers */
    assert_int_equal(rep.blank_lines, 52);
    st_dataset *ds = read_data("stb_awkward.csv", &ro);
    st_binned *b = open_ok("stb_awkward.stb");
    assert_int_equal(st_binned_feature_type(b, 2), ST_FEATURE_CATEGORICAL);
    assert_string_equal(st_binned_class_name(b, 1), "dead");
    assert_string_equal(st_binned_weight_name(b), "w");
    assert_same_bins(b, ds, 255);
    assert_same_models(b, ds, 1);
    /* the columns that are mostly numbers, as the in-memory reader tells them */
    size_t n_mostly = 0;
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        st_column_cells c;
        assert_int_equal(st_dataset_column_cells(ds, j, &c, NULL), ST_OK);
        if (!c.mostly_numeric)
            continue;
        assert_true(n_mostly < rep.n_mostly_numeric);
        const st_bin_mostly_numeric *m = &rep.mostly_numeric[n_mostly++];
        assert_string_equal(m->name, st_dataset_feature_name(ds, j));
        assert_int_equal(m->n_not_numbers, c.n_censored + c.n_decimal_comma + c.n_text);
        assert_int_equal(m->n_present, c.n_numbers + m->n_not_numbers);
        assert_int_equal(m->n_levels, st_dataset_n_levels(ds, j));
        assert_int_equal(m->first_line, c.first_line);
    }
    assert_int_equal(rep.n_mostly_numeric, n_mostly);
    assert_true(n_mostly > 0); /* 'late': numbers, then some 'grade1' */
    /* --values: the raw values as the in-memory reader has them (NaN = missing) */
    for (size_t j = 0; j < st_dataset_n_features(ds); j++)
        for (size_t i = 0; i < st_dataset_n_rows(ds); i++)
            assert_same_double(st_binned_values(b, j)[i], test_feature_values(ds, j)[i]);
    st_binned_close(b);
    st_dataset_free(ds);
}

/* More distinct values than the sketch holds: bins are approximate, but the file-trained
 * model equals in-memory training on the file's bins, and each of max_bin equal-count bins
 * holds n / max_bin rows within twice the sketch's stated rank error. Also two-byte codes. */
static void test_approximate_sketch(void **state)
{
    (void)state;
    const size_t n = 30000;
    FILE *f = fopen("stb_wide.csv", "wb");
    assert_non_null(f);
    fprintf(f, "u,v,label\n");
    uint64_t s = 9;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = (double)(s >> 11) * 0x1.0p-53;
        fprintf(f, "%.9g,%zu,%d\n", u, i % 1000, u + (double)(i % 7) / 10 > 0.7);
    }
    fclose(f);
    st_bin_options bo = st_bin_options_default();
    bo.sketch_size = 256;
    bo.max_bin = 20;
    st_bin_report rep;
    bin_ok("stb_wide.csv", "stb_wide.stb", NULL, &bo, &rep);
    assert_int_equal(rep.n_inexact, 2);
    st_dataset *ds = read_data("stb_wide.csv", NULL);
    st_binned *b = open_ok("stb_wide.stb");
    assert_int_equal(st_binned_exact(b, 0), 0);
    size_t count[32] = {0};
    for (size_t i = 0; i < n; i++)
        count[b->bins.cols[i]]++;
    assert_int_equal(st_binned_n_bins(b, 0), 20);
    /* the bound of quantile_sketch.h for n values */
    const double buffers = ceil((double)n / 256), levels = ceil(log2(buffers)) + 1;
    const double eps = (levels + 2) / 255.0;
    assert_true(rep.max_rank_error > 0 && rep.max_rank_error <= eps);
    for (int k = 1; k <= 20; k++)
        if (fabs((double)count[k] - (double)n / 20) > 2 * eps * (double)n + 1)
            fail_msg("bin %d holds %zu rows; expected %g within %g", k, count[k],
                     (double)n / 20, 2 * eps * (double)n);
    assert_same_models(b, ds, 0);
    st_binned_close(b);
    /* more than 255 bins: two-byte codes, exact (1000 distinct values fit the sketch) */
    bo.sketch_size = 2048;
    bo.max_bin = 1000;
    bin_ok("stb_wide.csv", "stb_wide16.stb", NULL, &bo, &rep);
    b = open_ok("stb_wide16.stb");
    assert_true(b->bins.wide);
    assert_int_equal(st_binned_n_bins(b, 1), 1000);
    assert_same_models(b, ds, 0);
    st_binned_close(b);
    st_dataset_free(ds);
}

/* LibSVM input (read in memory, binned by the in-memory rules). */
static void test_libsvm(void **state)
{
    (void)state;
    FILE *f = fopen("stb_data.svm", "wb");
    assert_non_null(f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "%d 1:%d 2:%.3f 4:%d\n", (i * 7) % 3 == 0, (i * 37) % 101,
                (double)((i * 13) % 17) / 7, i % 4);
    fclose(f);
    st_bin_report rep;
    bin_ok("stb_data.svm", "stb_svm.stb", NULL, NULL, &rep);
    assert_int_equal(rep.n_rows, 3000);
    assert_int_equal(rep.n_features, 4); /* f1..f4, f3 all zero */
    st_dataset *ds = read_data("stb_data.svm", NULL);
    st_binned *b = open_ok("stb_svm.stb");
    assert_same_bins(b, ds, 255);
    assert_same_models(b, ds, 1);
    st_binned_close(b);
    st_dataset_free(ds);
}

/* LibSVM streamed: a zero-based file (index 0 present) where f5 is absent (an implicit
 * zero) in the first 2000 rows, f3 never appears, values straddle zero, with comments,
 * blank lines and qid; binned in blocks of 97 rows (4096 bytes read at a time) with raw
 * values. The file's bins,
 * codes, labels and values equal in-memory binning of st_dataset_read_libsvm's dataset,
 * and the models are the same. */
static void test_libsvm_streamed(void **state)
{
    (void)state;
    FILE *f = fopen("stb_zero.svm", "wb");
    assert_non_null(f);
    fprintf(f, "# zero-based\n\n");
    for (int i = 0; i < 2600; i++) {
        fprintf(f, "%s qid:3", (i * 11) % 5 < 2 ? "+1" : "-1");
        if (i % 3 != 0)
            fprintf(f, " 0:%.2f", (double)((i * 29) % 211 - 100) / 10);
        if (i % 2 == 0)
            fprintf(f, " 1:%d", (i * 7) % 13 - 6);
        if (i % 5 == 1)
            fprintf(f, " 4:%g", (double)((i * 13) % 997) / 3);
        if (i >= 2000)
            fprintf(f, " 5:%d", i % 9 - 4);
        fprintf(f, "%s\n", i % 100 == 7 ? "  # a comment" : "");
        if (i % 500 == 3)
            fprintf(f, "\n");
    }
    fclose(f);
    st_bin_options bo = st_bin_options_default();
    bo.block_rows = 97;
    bo.store_values = 1;
    bo.chunk_bytes = 1; /* read in blocks of 4096 bytes: lines cross blocks */
    st_bin_report rep;
    bin_ok("stb_zero.svm", "stb_zero.stb", NULL, &bo, &rep);
    assert_int_equal(rep.n_rows, 2600);
    assert_int_equal(rep.n_features, 6); /* f0..f5 */
    assert_int_equal(rep.passes, 2);
    assert_int_equal(rep.n_inexact, 0);
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_libsvm("stb_zero.svm", NULL, &ds, &err), ST_OK);
    st_binned *b = open_ok("stb_zero.stb");
    assert_string_equal(st_binned_feature_name(b, 0), "f0");
    assert_string_equal(st_binned_feature_name(b, 5), "f5");
    assert_same_bins(b, ds, 255);
    for (size_t j = 0; j < 6; j++)
        assert_memory_equal(st_binned_values(b, j), test_feature_values(ds, j),
                            2600 * sizeof(float));
    assert_same_models(b, ds, 1);
    st_binned_close(b);
    st_dataset_free(ds);
    /* forced one-based: index 0 is refused with its place, as in the in-memory reader */
    st_read_options ro = st_read_options_default();
    ro.libsvm_zero_based = 0;
    remove("stb_zero1.stb");
    assert_int_equal(st_bin_file("stb_zero.svm", &ro, NULL, "stb_zero1.stb", NULL, &err),
                     ST_ERR_PARSE);
    assert_non_null(strstr(err.message, "stb_zero.svm:4:"));
    assert_non_null(strstr(err.message, "feature index 0 in a file read as one-based"));
    /* an ignored feature is dropped, as in memory */
    const char *ign[] = {"f1"};
    ro = st_read_options_default();
    ro.ignore = ign;
    ro.n_ignore = 1;
    bin_ok("stb_zero.svm", "stb_zero_ign.stb", &ro, NULL, &rep);
    assert_int_equal(rep.n_features, 5);
    assert_int_equal(st_dataset_read_libsvm("stb_zero.svm", &ro, &ds, &err), ST_OK);
    b = open_ok("stb_zero_ign.stb");
    assert_same_bins(b, ds, 255);
    st_binned_close(b);
    st_dataset_free(ds);
    /* a small sketch: approximate, but every feature's weight counts the implicit zeros */
    bo = st_bin_options_default();
    bo.sketch_size = 16;
    bin_ok("stb_zero.svm", "stb_zero_small.stb", NULL, &bo, &rep);
    assert_true(rep.n_inexact > 0);
    assert_true(rep.max_rank_error > 0 && rep.max_rank_error < 0.5);
}

/* ---- hostile files ---- */

static unsigned char *slurp_file(const char *path, size_t *size)
{
    return (unsigned char *)read_all_n(path, size);
}

static void spit(const char *path, const unsigned char *p, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, size, f), size);
    fclose(f);
}

/* FNV-1a 64 as the format documents it (stb_write.c), written out here. */
static void reseal(unsigned char *p)
{
    uint64_t meta, h = 0xcbf29ce484222325ULL;
    memcpy(&meta, p + 48, 8);
    for (size_t i = 0; i < 104; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    for (size_t i = 0; i < meta; i++)
        h = (h ^ p[128 + i]) * 0x100000001b3ULL;
    memcpy(p + 104, &h, 8);
}

static void expect_open_error(const unsigned char *p, size_t size, st_status code,
                              const char *fragment)
{
    spit("stb_bad.stb", p, size);
    st_binned *b = (st_binned *)1;
    st_error err;
    assert_int_equal(st_binned_open("stb_bad.stb", &b, &err), code);
    assert_null(b);
    if (strstr(err.message, fragment) == NULL)
        fail_msg("message '%s' lacks '%s'", err.message, fragment);
}

static void test_hostile_files(void **state)
{
    (void)state;
    bin_ok(dataset_path("thoracic_surgery"), "stb_good.stb", NULL, NULL, NULL);
    size_t size;
    unsigned char *good = slurp_file("stb_good.stb", &size);
    unsigned char *p = malloc(size + 16);
    uint64_t at;
#define FRESH() memcpy(p, good, size)
    FRESH();
    expect_open_error(p, 0, ST_ERR_DATA, "not a binned file");
    expect_open_error(p, 60, ST_ERR_DATA, "not a binned file");
    expect_open_error(p, size - 1, ST_ERR_DATA, "truncated");
    p[size] = 0;
    expect_open_error(p, size + 1, ST_ERR_DATA, "truncated or extended");
    expect_open_error(p, 200, ST_ERR_DATA, "truncated");
    p[0] = 'X';
    expect_open_error(p, size, ST_ERR_DATA, "not a binned file");
    FRESH();
    p[8] = 2; /* version 2 */
    expect_open_error(p, size, ST_ERR_DATA, "version 2");
    FRESH();
    const uint32_t swapped = 0x04030201u;
    memcpy(p + 12, &swapped, 4);
    expect_open_error(p, size, ST_ERR_DATA, "other byte order");
    FRESH();
    p[130] ^= 1; /* a byte of the label name: the checksum catches it */
    expect_open_error(p, size, ST_ERR_DATA, "checksum");
    FRESH();
    const uint64_t huge_rows = (uint64_t)1 << 40;
    memcpy(p + 16, &huge_rows, 8);
    reseal(p);
    expect_open_error(p, size, ST_ERR_DATA, "out of range");
    FRESH();
    const uint64_t rows = 1000;
    memcpy(p + 16, &rows, 8);
    reseal(p);
    expect_open_error(p, size, ST_ERR_DATA, "section offsets");
    FRESH();
    uint64_t meta_size;
    memcpy(&meta_size, p + 48, 8);
    meta_size += 1u << 20;
    memcpy(p + 48, &meta_size, 8);
    expect_open_error(p, size, ST_ERR_DATA, "truncated");
    /* a code past its feature's bins, in each copy of the codes */
    FRESH();
    memcpy(&at, p + 72, 8);
    p[at + 5] = 250;
    expect_open_error(p, size, ST_ERR_DATA, "bin code past");
    FRESH();
    memcpy(&at, p + 80, 8);
    p[at + 3 * 470 + 17] = 200;
    expect_open_error(p, size, ST_ERR_DATA, "bin code past");
    /* a code changed to another valid one in one copy only: the copies disagree */
    FRESH();
    memcpy(&at, p + 72, 8);
    p[at + 5] = p[at + 5] == 0 ? 1 : 0;
    expect_open_error(p, size, ST_ERR_DATA, "its two copies of the codes differ");
    FRESH();
    memcpy(&at, p + 56, 8);
    const float half = 0.5f;
    memcpy(p + at + 4 * 9, &half, 4);
    expect_open_error(p, size, ST_ERR_DATA, "row 10: label 0.5");
    /* metadata: feature 1's bin count zeroed (then resealed, so only the parser can tell) */
    FRESH();
    size_t off = 128;
    for (int k = 0; k < 4; k++) { /* label, two class names, weight name */
        uint32_t len;
        memcpy(&len, p + off, 4);
        off += 4 + len;
    }
    uint32_t len;
    memcpy(&len, p + off, 4); /* feature 1's name */
    const size_t nb_at = off + 4 + len + 4;
    const uint32_t zero = 0, many = 300;
    memcpy(p + nb_at, &zero, 4);
    reseal(p);
    expect_open_error(p, size, ST_ERR_DATA, "feature 1: 0 bins");
    FRESH();
    memcpy(p + nb_at, &many, 4);
    reseal(p);
    expect_open_error(p, size, ST_ERR_DATA, "feature 1: 300 bins");
    /* a string length past the block */
    FRESH();
    const uint32_t long_len = 1u << 30;
    memcpy(p + 128, &long_len, 4);
    reseal(p);
    expect_open_error(p, size, ST_ERR_DATA, "ends early");
    /* random byte flips in the metadata, resealed: an error or a valid file, never a crash */
    uint64_t meta_len;
    memcpy(&meta_len, good + 48, 8);
    for (int trial = 0; trial < 300; trial++) {
        FRESH();
        p[128 + (size_t)(trial * 7919) % (size_t)meta_len] ^= (unsigned char)(1 + trial % 255);
        reseal(p);
        spit("stb_bad.stb", p, size);
        st_binned *b = NULL;
        st_error err;
        if (st_binned_open("stb_bad.stb", &b, &err) == ST_OK)
            st_binned_close(b);
        else
            assert_true(strlen(err.message) > 0);
    }
    /* --values: a raw value changed on disk (a lab result of 1e9 where its code says
       otherwise) no longer lies in its code's bin, which was not checked */
    st_bin_options bo = st_bin_options_default();
    bo.store_values = 1;
    bin_ok(dataset_path("thoracic_surgery"), "stb_values.stb", NULL, &bo, NULL);
    free(good);
    good = slurp_file("stb_values.stb", &size);
    p = realloc(p, size + 16);
    FRESH();
    memcpy(&at, p + 88, 8);
    assert_true(at > 0);
    const float big = 1e9f;
    memcpy(p + at + 4 * 2, &big, 4); /* feature 1, row 3 */
    expect_open_error(p, size, ST_ERR_DATA, "feature 1, row 3: raw value 1e+09 is not in the "
                      "bin its code names");
    FRESH(); /* the file as written opens */
    spit("stb_values2.stb", p, size);
    st_binned_close(open_ok("stb_values2.stb"));
    /* not a file at all */
    st_binned *b = NULL;
    st_error err;
    assert_int_equal(st_binned_open("stb_no_such_file.stb", &b, &err), ST_ERR_IO);
    assert_contains(err.message, "cannot open");
    mkdir("stb_dir.stb", 0755);
    assert_int_equal(st_binned_open("stb_dir.stb", &b, &err), ST_ERR_IO);
    assert_contains(err.message, "not a regular file");
    assert_int_equal(st_binned_is_file("stb_good.stb"), 1);
    assert_int_equal(st_binned_is_file(dataset_path("wdbc")), 0);
    free(p);
    free(good);
}

/* A CSV piped in (`cat f.csv | stratum train logreg /dev/stdin`): asking whether the path is
 * a binned file must not consume the pipe's first bytes, which belong to the CSV header. */
static void test_is_file_leaves_pipes_alone(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "age,label\n", 10), 10);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    assert_int_equal(st_binned_is_file(path), 0);
    char head[16] = {0};
    assert_int_equal(read(fds[0], head, sizeof head), 10);
    assert_string_equal(head, "age,label\n");
    close(fds[0]);
}

/* ---- the command line ---- */

static void test_cli(void **state)
{
    (void)state;
    const char *csv = dataset_path("thyroid_sick");
    run_result *r = run("bin", csv, "-o", "stb_cli.stb", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "binned 3772 rows x 29 features");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", csv, "-o", "stb_cli_csv.model", "--num-trees", "20", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "stb_cli_stb.model", "--num-trees", "20", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "binned file stb_cli.stb");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", csv, "--bins-from", "stb_cli.stb", "-o", "stb_cli_bf.model",
            "--num-trees", "20", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "stb_cli_stb1.model", "--num-trees", "20",
            "--threads", "1", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *a = read_all("stb_cli_csv.model"), *b = read_all("stb_cli_stb.model"),
         *c = read_all("stb_cli_bf.model"), *d = read_all("stb_cli_stb1.model");
    /* the same models but for the training-rows fingerprint of those trained on the CSV */
    assert_string_equal(a, c); /* both from the CSV's rows */
    assert_string_equal(b, d); /* one thread or two: the same model */
    assert_string_equal(model_text_without_sketch(a), model_text_without_sketch(b));
    free(d);
    free(a);
    free(b);
    free(c);
    /* a binning option that differs from the file's is a warning, which --quiet does not
     * hide (it hides progress and notes); the file's own value or the default is not */
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "stb_cli_stb2.model", "--num-trees", "2",
            "--max-bin", "63", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "warning: --max-bin 63 is ignored");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "stb_cli_stb2.model", "--num-trees", "2",
            "--max-bin", "63", "--max-cat-levels", "7", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "warning: --max-bin 63 is ignored");
    assert_contains(r->err, "warning: --max-cat-levels 7 is ignored");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", csv, "--bins-from", "stb_cli.stb", "-o", "stb_cli_bf2.model",
            "--num-trees", "2", "--max-bin", "63", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "warning: --max-bin 63 is ignored");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "stb_cli_stb2.model", "--num-trees", "2",
            "--max-bin", "255", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
    /* detected by content, not by name */
    r = run("bin", dataset_path("hepatitis"), "-o", "stb_cli_noext", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "stb_cli_noext", "-o", "stb_cli_noext.model", "--num-trees",
            "100", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    /* the default number of trees (early stopping on held-out folds) needs the CSV */
    r = run("train", "gbdt", "stb_cli_noext", "-o", "stb_cli_noext.model", "-q", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "a binned file needs --num-trees: the default chooses the "
                          "number of trees on held-out folds, which needs the CSV in memory");
    free(r);
    r = run("bin", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "Usage: stratum bin");
    free(r);
    r = run("bin", csv, NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
    r = run("bin", "stb_cli.stb", "-o", "stb_cli.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.stb", "-o", "m", "--valid-fraction", "0.2", NULL);
    assert_int_equal(r->exit_code, 2);
    free(r);
}

/* A bad CSV: one error line with file:line:column, and no output left behind. */
static void test_cli_bad_csv(void **state)
{
    (void)state;
    FILE *f = fopen("stb_bad.csv", "wb");
    assert_non_null(f);
    fprintf(f, "a,b,label\n1,2,0\n3,x,1\n4,5,maybe\n");
    fclose(f);
    remove("stb_bad_out.stb");
    run_result *r = run("bin", "stb_bad.csv", "-o", "stb_bad_out.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "stb_bad.csv:4:5: field 3 (label): label 'maybe' is not a class");
    free(r);
    struct stat st;
    assert_int_not_equal(stat("stb_bad_out.stb", &st), 0);
    f = fopen("stb_bad.csv", "wb");
    fprintf(f, "a,b,label\n1,2,0\n3,4\n");
    fclose(f);
    r = run("bin", "stb_bad.csv", "-o", "stb_bad_out.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "stb_bad.csv:3:4: found 2 fields; expected 3");
    free(r);
    f = fopen("stb_bad.csv", "wb");
    fprintf(f, "a,b,label\n1,\"2,0\n");
    fclose(f);
    r = run("bin", "stb_bad.csv", "-o", "stb_bad_out.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "quoted field never closed");
    free(r);
    remove("stb_fifo.csv");
    assert_int_equal(mkfifo("stb_fifo.csv", 0600), 0); /* no writer: must not block */
    r = run("bin", "stb_fifo.csv", "-o", "stb_bad_out.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "not a regular file");
    free(r);
    remove("stb_fifo.csv");
    r = run("bin", "stb_no_such.csv", "-o", "stb_bad_out.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "stb_no_such.csv: cannot open");
    free(r);
    assert_int_not_equal(stat("stb_bad_out.stb", &st), 0);
}

/* LibSVM through the CLI: the binned file trains the model of `train gbdt X.svm` byte for
 * byte, and a bad line gives one error line with file:line:column and no output. */
static void test_cli_libsvm(void **state)
{
    (void)state;
    FILE *f = fopen("stb_cli.svm", "wb");
    assert_non_null(f);
    for (int i = 0; i < 1500; i++)
        fprintf(f, "%d 1:%.2f%s 3:%d\n", (i * 7) % 4 == 0, (double)((i * 31) % 173) / 7,
                i % 4 == 2 ? " 2:-1.5" : "", i % 6);
    fprintf(f, "1 1:3.5 3:2"); /* a last line without a line end */
    fclose(f);
    run_result *r = run("bin", "stb_cli.svm", "-o", "stb_cli_svm.stb", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->err, "binned 1501 rows x 3 features");
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli.svm", "-o", "stb_cli_svm.model", "--num-trees", "20",
            "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "--num-trees", "100", "stb_cli_svm.stb", "-o", "stb_cli_svmstb.model", "--num-trees",
            "20", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *a = read_all("stb_cli_svm.model"), *b = read_all("stb_cli_svmstb.model");
    assert_string_equal(model_text_without_sketch(a), model_text_without_sketch(b));
    free(a);
    free(b);
    f = fopen("stb_bad.svm", "wb");
    assert_non_null(f);
    fprintf(f, "1 1:2 2:3\n0 1:2.5 3\n");
    fclose(f);
    remove("stb_bad_svm.stb");
    r = run("bin", "stb_bad.svm", "-o", "stb_bad_svm.stb", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "stb_bad.svm:2:9: '3': expected index:value");
    free(r);
    struct stat st;
    assert_int_not_equal(stat("stb_bad_svm.stb", &st), 0);
    r = run("bin", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_true(strstr(r->out, "not streamed") == NULL);
    free(r);
}

/* st_logreg_train_binned: the model of st_logreg_train on the CSV (same names, levels,
 * imputation values, coefficients, column moments; predictions on the CSV), and its
 * errors: NULL arguments, a file without raw values, median imputation, indicators. */
static void test_logreg_binned(void **state)
{
    (void)state;
    st_bin_options bo = st_bin_options_default();
    bo.store_values = 1;
    bo.block_rows = 1000;
    bin_ok(dataset_path("thyroid_sick"), "stb_lr.stb", NULL, &bo, NULL);
    st_binned *b = open_ok("stb_lr.stb");
    st_dataset *ds = read_data(dataset_path("thyroid_sick"), NULL);
    st_logreg_params prm = st_logreg_params_default();
    prm.lambda = 0.01;
    prm.tol = 1e-16;
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    st_error err;
    st_logreg *a = NULL, *m = (st_logreg *)(uintptr_t)1;
    assert_int_equal(st_logreg_train(ds, &prm, &a, &err), ST_OK);
    if (st_logreg_train_binned(b, &prm, &m, &err) != ST_OK)
        fail_msg("st_logreg_train_binned: %s", err.message);
    size_t k = st_logreg_n_coefs(a);
    assert_int_equal(st_logreg_n_coefs(m), k);
    assert_int_equal(st_logreg_n_features(m), st_logreg_n_features(a));
    for (size_t c = 0; c < k; c++) {
        assert_string_equal(st_logreg_coef_name(m, c), st_logreg_coef_name(a, c));
        double x = st_logreg_coefs(a)[c], y = st_logreg_coefs(m)[c];
        assert_true(fabs(x - y) <= 1e-6 * fmax(fabs(x), fabs(y)) + 1e-12);
        assert_true(fabs(st_logreg_col_means(a)[c] - st_logreg_col_means(m)[c]) <= 1e-9);
        assert_true(fabs(st_logreg_col_sds(a)[c] - st_logreg_col_sds(m)[c]) <= 1e-9);
    }
    assert_true(fabs(st_logreg_intercept(a) - st_logreg_intercept(m)) <=
                1e-6 * fabs(st_logreg_intercept(a)));
    assert_int_equal(st_logreg_has_coef_stats(m), 0);
    size_t n = st_dataset_n_rows(ds);
    double *pa = malloc(n * sizeof *pa), *pm = malloc(n * sizeof *pm);
    assert_int_equal(st_logreg_predict(a, ds, pa, n, &err), ST_OK);
    assert_int_equal(st_logreg_predict(m, ds, pm, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(pa[i] - pm[i]) <= 1e-6);
    free(pa), free(pm);
    st_logreg_free(a), st_logreg_free(m);

    m = (st_logreg *)(uintptr_t)1;
    assert_int_equal(st_logreg_train_binned(NULL, &prm, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    prm.impute = ST_IMPUTE_MEDIAN;
    assert_int_equal(st_logreg_train_binned(b, &prm, &m, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "median"));
    prm.impute = ST_IMPUTE_MEAN, prm.missing_indicators = 1;
    assert_int_equal(st_logreg_train_binned(b, &prm, &m, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "missing indicators"));
    assert_null(m);
    st_binned_close(b);
    bo.store_values = 0;
    bin_ok(dataset_path("thyroid_sick"), "stb_lr.stb", NULL, &bo, NULL);
    b = open_ok("stb_lr.stb");
    prm.missing_indicators = 0;
    assert_int_equal(st_logreg_train_binned(b, &prm, &m, &err), ST_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "stratum bin --values"));
    assert_null(m);
    st_binned_close(b);
    st_dataset_free(ds);
    unlink("stb_lr.stb");
}

/* Where the .stb goes (output_path.h): through a symbolic link to its target, the link
 * kept; into an existing device (made with mknod here, root only); a FIFO (the writer
 * seeks) and a directory are errors that leave them as they were. */
static void test_output_destinations(void **state)
{
    (void)state;
    const char *csv = dataset_path("thoracic_surgery");
    unlink("stb_dest_link.stb");
    bin_ok(dataset_path("wdbc"), "stb_dest_target.stb", NULL, NULL, NULL);
    assert_int_equal(symlink("stb_dest_target.stb", "stb_dest_link.stb"), 0);
    bin_ok(csv, "stb_dest_link.stb", NULL, NULL, NULL);
    bin_ok(csv, "stb_dest_plain.stb", NULL, NULL, NULL);
    struct stat st;
    assert_int_equal(lstat("stb_dest_link.stb", &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    size_t n_via, n_plain;
    unsigned char *via = slurp_file("stb_dest_target.stb", &n_via);
    unsigned char *plain = slurp_file("stb_dest_plain.stb", &n_plain);
    assert_int_equal(n_via, n_plain);
    assert_memory_equal(via, plain, n_plain);
    free(via);
    free(plain);

    st_error err;
    unlink("stb_dest.fifo");
    assert_int_equal(mkfifo("stb_dest.fifo", 0600), 0);
    assert_int_equal(st_bin_file(csv, NULL, NULL, "stb_dest.fifo", NULL, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, "stb_dest.fifo: is a FIFO"));
    assert_int_equal(lstat("stb_dest.fifo", &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    rmdir("stb_dest_dir");
    assert_int_equal(mkdir("stb_dest_dir", 0700), 0);
    assert_int_equal(st_bin_file(csv, NULL, NULL, "stb_dest_dir", NULL, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, "stb_dest_dir: is a directory"));
    assert_int_equal(rmdir("stb_dest_dir"), 0); /* still an empty directory */

    unlink("stb_dest.null");
    if (geteuid() == 0 && mknod("stb_dest.null", S_IFCHR | 0666, makedev(1, 3)) == 0) {
        st_bin_report rep;
        bin_ok(csv, "stb_dest.null", NULL, NULL, &rep);
        assert_int_equal(lstat("stb_dest.null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(rep.bytes_written, n_plain);
        unlink("stb_dest.null");
    }
    unlink("stb_dest_link.stb");
    unlink("stb_dest_target.stb");
    unlink("stb_dest_plain.stb");
    unlink("stb_dest.fifo");
}

/* A binned file's rows, label and weights were read by stratum bin: training on it with
 * --weight-file, or another --weight-col or --label, is refused (the model would not be
 * weighted or labelled as asked), and the other CSV-reading options are said to do
 * nothing. */
static void test_cli_reading_options(void **state)
{
    (void)state;
    run_result *r = run("bin", dataset_path("hepatitis"), "-o", "stb_ro.stb", "--values", "-q",
                        NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    FILE *f = fopen("stb_ro_w.txt", "w");
    assert_non_null(f);
    for (int i = 0; i < 155; i++)
        fprintf(f, "%d\n", 1 + i % 3);
    fclose(f);
    r = run("train", "gbdt", "stb_ro.stb", "-o", "stb_ro.model", "--num-trees", "5",
            "--weight-file", "stb_ro_w.txt", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--weight-file stb_ro_w.txt: stb_ro.stb is a binned file, whose "
                          "rows are unweighted; the weights are read when the file is made: "
                          "give --weight-file to 'stratum bin'");
    free(r);
    r = run("train", "logreg", "stb_ro.stb", "-o", "stb_ro.model", "--lambda", "0.01",
            "--weight-col", "age", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--weight-col age: stb_ro.stb is a binned file, whose rows are "
                          "unweighted");
    free(r);
    r = run("train", "gbdt", "stb_ro.stb", "-o", "stb_ro.model", "--num-trees", "5", "--label",
            "outcome", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--label outcome: stb_ro.stb is a binned file whose label is "
                          "'label'");
    free(r);
    assert_int_equal(access("stb_ro.model", F_OK), -1); /* nothing written */
    /* the file's own label is fine; other reading options warn, also under --quiet */
    r = run("train", "gbdt", "stb_ro.stb", "-o", "stb_ro.model", "--num-trees", "5", "--label",
            "label", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
    r = run("train", "logreg", "stb_ro.stb", "-o", "stb_ro.model", "--lambda", "0.01",
            "--ignore", "age", "--na-values", "?", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "warning: --ignore and --na-values have no effect: stb_ro.stb "
                        "is a binned file, its rows read when it was made (give them to "
                        "'stratum bin')\n");
    free(r);
    /* a binned file made with the weights: the same --weight-file again is still refused
     * (it is the file's rows, not the CSV's, that are weighed), the model the file's */
    r = run("bin", dataset_path("hepatitis"), "-o", "stb_ro.stb", "--weight-file", "stb_ro_w.txt",
            "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "gbdt", "stb_ro.stb", "-o", "stb_ro.model", "--num-trees", "5",
            "--weight-file", "stb_ro_w.txt", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "whose rows are weighted by 'stb_ro_w.txt'");
    free(r);
    unlink("stb_ro.stb");
    unlink("stb_ro_w.txt");
    unlink("stb_ro.model");
}

/* A numeric column with a few stray texts is binned as categorical (binning guesses
 * types as the in-memory reader does, and has no --numeric): the report and a warning say
 * so, with the remedy, and a column half text is not called mostly numbers. */
static void test_mostly_numeric(void **state)
{
    (void)state;
    FILE *f = fopen("stb_mn.csv", "w");
    assert_non_null(f);
    fprintf(f, "lab,half,code,label\n");
    for (int i = 0; i < 200; i++) {
        const char *lab = i == 7 || i == 50 ? "pending" : i == 100 ? "<0.5" : NULL;
        if (lab != NULL)
            fprintf(f, "%s,", lab);
        else
            fprintf(f, "%d.5,", i % 17);
        if (i % 2)
            fprintf(f, "x,");
        else
            fprintf(f, "%d,", i % 5);
        fprintf(f, "C%d,%d\n", i % 9, i % 7 == 0);
    }
    fclose(f);
    st_bin_report rep;
    bin_ok("stb_mn.csv", "stb_mn.stb", NULL, NULL, &rep);
    assert_int_equal(rep.n_mostly_numeric, 1);
    const st_bin_mostly_numeric *m = &rep.mostly_numeric[0];
    assert_string_equal(m->name, "lab");
    assert_int_equal(m->n_not_numbers, 3);
    assert_int_equal(m->n_present, 200);
    assert_int_equal(m->n_levels, 17 + 2);
    assert_int_equal(m->first_line, 9); /* row 7, after the header line */
    assert_int_equal(m->n_examples, 2);
    assert_string_equal(m->examples[0], "pending"); /* the most frequent first */
    assert_string_equal(m->examples[1], "<0.5");
    run_result *r = run("bin", "stb_mn.csv", "-o", "stb_mn.stb", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "stratum: warning: stb_mn.csv: column 'lab' holds numbers "
                        "except in 3 of its 200 cells (line 9: 'pending'; also '<0.5'), so it "
                        "is binned as categorical with 19 levels; to bin it as numbers, clean "
                        "those cells or name their texts as missing with --na-values (which "
                        "replaces the default list: keep NA, ? and the others you need)\n");
    free(r);
    r = run("bin", "stb_mn.csv", "-o", "stb_mn.stb", "-q", "--na-values", "NA,pending,<0.5",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
    st_binned *b = open_ok("stb_mn.stb");
    assert_int_equal(st_binned_feature_type(b, 0), ST_FEATURE_NUMERIC);
    assert_int_equal(st_binned_feature_type(b, 1), ST_FEATURE_CATEGORICAL);
    st_binned_close(b);
    unlink("stb_mn.csv");
    unlink("stb_mn.stb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_datasets),
        cmocka_unit_test(test_awkward_csv),
        cmocka_unit_test(test_approximate_sketch),
        cmocka_unit_test(test_libsvm),
        cmocka_unit_test(test_libsvm_streamed),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_cli_bad_csv),
        cmocka_unit_test(test_is_file_leaves_pipes_alone),
        cmocka_unit_test(test_cli_libsvm),
        cmocka_unit_test(test_logreg_binned),
        cmocka_unit_test(test_output_destinations),
        cmocka_unit_test(test_cli_reading_options),
        cmocka_unit_test(test_mostly_numeric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
