/* Out-of-core logistic regression (stratum/logreg_rowfile.h, `train logreg --text-col ...
 * --out-of-core`) against the in-memory fit it stands for, on a seeded CSV of notes beside
 * two ordinary columns (one with missing values), with a vocabulary and with fewer hashed
 * buckets than words (collisions, cancelling signs), wide enough that st_logreg_train
 * fits them sparse by truncated Newton (on narrow designs it takes exact Newton, whose
 * solution agrees to the solvers' tolerance only):
 *   - the objective agrees with st_logreg_train's to 1e-6 relative, and the objective the
 *     model reports is the one its coefficients give (recomputed here from its predicted
 *     probabilities: the mean log loss plus lambda / 2 ||b||^2, text models not
 *     standardising);
 *   - the coefficients agree to 1e-6 relative (to max(1, |b|)): both take the same
 *     truncated-Newton steps (the iteration counts are checked equal) and differ only in
 *     the order of their sums, which the CG solves amplify by at most the condition number
 *     of the ridge Hessian (below 1e4 at lambda 1e-3 on unit-length rows) from about 1e-16;
 *     what is seen is about 1e-13;
 *   - on a narrow design (18 columns), where st_logreg_train takes exact Newton instead,
 *     both fitted to tol 1e-12: the objective to 1e-6, the coefficients within the
 *     distance their duality gaps allow, the standard errors to 1e-4;
 *   - the model is byte for byte the same file for 1 and 2 threads;
 *   - predict on the raw training file (featurized again by the model's featurizer) gives
 *     the scores of the model on the rows it trained on, bit for bit;
 *   - the temporary file is never seen in its directory (unlinked when created);
 *   - refused: L1, lambda by cross-validation, median imputation, categorical columns, a
 *     directory that cannot take the file, an infinite value, and on the command line --out-of-core without
 *     text columns or with --lambda-path; each with its message. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20)
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include <stratum.h>

#include "cli/cli_run.h"
#include "test_util.h"

TEST_SCRATCH_DIR("stratum_text_rowfile")

static char csv[512], rows_dir[512];

static const char *const words[] = {"patient", "pain", "chest", "fever", "denies", "stable",
                                    "troponin", "elevated", "home", "discharged", "cough",
                                    "sepsis", "no", "with", "and", "the", "mild", "severe"};

/* 800 notes of 6 to 30 words, half of them from 1,200 filler words (t0 .. t1199, so that
 * the design is wide: more than 512 term columns, which st_logreg_train fits sparse, by
 * the same truncated Newton); the label follows "chest", "troponin", "sepsis", "home". */
static int write_notes(void **state)
{
    if (make_tmpdir(state) != 0)
        return -1;
    snprintf(csv, sizeof csv, "%s/notes.csv", tmpdir);
    snprintf(rows_dir, sizeof rows_dir, "%s/rows", tmpdir);
    if (mkdir(rows_dir, 0700) != 0)
        return -1;
    FILE *fp = fopen(csv, "w");
    if (fp == NULL)
        return -1;
    unsigned long long s = 7;
    fprintf(fp, "id,age,lab,note,label\n");
    for (int i = 0; i < 800; i++) {
        double score = -1.5;
        fprintf(fp, "%d,", i);
        if (test_uniform(&s) < 0.1)
            fprintf(fp, ",");
        else
            fprintf(fp, "%d,", 20 + (int)(60 * test_uniform(&s)));
        double lab = 4 * test_uniform(&s) - 2;
        score += 0.5 * lab;
        fprintf(fp, "%.3f,\"", lab);
        int n = 6 + (int)(25 * test_uniform(&s));
        for (int k = 0; k < n; k++) {
            if (test_uniform(&s) < 0.5) {
                fprintf(fp, "%st%d", k ? " " : "", (int)(1200 * test_uniform(&s)));
                continue;
            }
            size_t w = (size_t)(test_uniform(&s) * (sizeof words / sizeof *words));
            score += w == 2 ? 1.0 : w == 6 ? 1.5 : w == 11 ? 2.0 : w == 8 ? -1.0 : 0;
            fprintf(fp, "%s%s", k ? " " : "", words[w]);
        }
        fprintf(fp, "\",%d\n", test_uniform(&s) < 1 / (1 + exp(-score)));
    }
    return fclose(fp) == 0 ? 0 : -1;
}

static st_read_options read_opts(void)
{
    static const char *const ignore[] = {"id"};
    st_read_options o = st_read_options_default();
    o.ignore = ignore, o.n_ignore = 1;
    return o;
}

static double fit_tol = 1e-8; /* st_logreg_params' default */

static st_logreg_params text_params(int threads)
{
    st_logreg_params p = st_logreg_params_default();
    p.standardize = 0, p.lambda = 1e-3, p.n_threads = threads, p.tol = fit_tol;
    return p;
}

static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)) != NULL)
        empty &= strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

static st_logreg *train_out_of_core(const st_dataset *ds, int threads)
{
    st_logreg_params p = text_params(threads);
    st_logreg_rowfile *rf = NULL;
    st_logreg *m = NULL;
    st_error e;
    assert_int_equal(st_logreg_rowfile_write(ds, &p, rows_dir, &rf, &e), ST_OK);
    assert_true(st_logreg_rowfile_entries(rf) > 0);
    assert_true(st_logreg_rowfile_bytes(rf) >= 8 * st_logreg_rowfile_entries(rf));
    assert_true(dir_is_empty(rows_dir)); /* unlinked already */
    assert_int_equal(st_logreg_rowfile_train(rf, &m, &e), ST_OK);
    st_logreg_rowfile_free(rf);
    return m;
}

/* tol: the coefficients' (relative to max(1, |b|)); narrow: few columns, which
 * st_logreg_train fits by exact Newton and gives standard errors for. */
static void agrees(const st_text_options *to, double tol, int narrow)
{
    st_read_options o = read_opts();
    const char *cols[] = {"note"};
    st_dataset *ds = NULL, *raw = NULL, *again = NULL;
    st_text_featurizer *f[1] = {NULL};
    st_logreg *mem = NULL;
    st_error e;
    assert_int_equal(st_text_read_csv(csv, &o, cols, 1, to, &ds, f, &e), ST_OK);
    st_logreg_params p = text_params(1);
    assert_int_equal(st_logreg_train(ds, &p, &mem, &e), ST_OK);
    st_logreg *oc = train_out_of_core(ds, 1), *oc2 = train_out_of_core(ds, 2);

    assert_true(st_logreg_converged(oc));
    if (!narrow) /* the same solver: the same steps */
        assert_int_equal(st_logreg_iterations(oc), st_logreg_iterations(mem));
    assert_int_equal(st_logreg_has_coef_stats(oc), narrow);
    assert_int_equal(st_logreg_has_coef_stats(mem), narrow);
    double fm = st_logreg_objective(mem), fo = st_logreg_objective(oc);
    assert_true(fabs(fm - fo) <= 1e-6 * fm);
    const size_t k = st_logreg_n_coefs(oc);
    assert_int_equal(k, st_logreg_n_coefs(mem));
    const double *bm = st_logreg_coefs(mem), *bo = st_logreg_coefs(oc);
    /* F is lambda-strongly convex in b: a point of duality gap g is within
     * sqrt(2 g / lambda) of the optimum, so the two within the sum of theirs */
    const double near = sqrt(2 * st_logreg_gap(mem) / 1e-3) + sqrt(2 * st_logreg_gap(oc) / 1e-3);
    for (size_t j = 0; j < k; j++) {
        assert_string_equal(st_logreg_coef_name(oc, j), st_logreg_coef_name(mem, j));
        if (!(fabs(bm[j] - bo[j]) <= (narrow ? near : tol * fmax(1, fabs(bm[j])))))
            fail_msg("%s: %.17g in memory, %.17g out of core", st_logreg_coef_name(oc, j),
                     bm[j], bo[j]);
    }
    /* the intercept on the original scale moves with the coefficients times the means */
    double shift = 1;
    for (size_t j = 0; j < k; j++)
        shift += fabs(st_logreg_col_means(mem)[j]);
    assert_true(fabs(st_logreg_intercept(mem) - st_logreg_intercept(oc)) <=
                (narrow ? near * shift : tol * fmax(1, fabs(st_logreg_intercept(mem)))));
    if (narrow) { /* the Wald standard errors from the Hessian at either solution */
        st_logreg_coef_stat *sm = calloc(k + 1, sizeof *sm), *so = calloc(k + 1, sizeof *so);
        assert_int_equal(st_logreg_coef_stats(mem, 0.95, sm, k + 1, &e), ST_OK);
        assert_int_equal(st_logreg_coef_stats(oc, 0.95, so, k + 1, &e), ST_OK);
        for (size_t j = 0; j <= k; j++)
            assert_true(fabs(sm[j].se - so[j].se) <= 1e-4 * sm[j].se);
        free(sm), free(so);
    }

    /* the reported objective from the predictions: mean log loss + lambda/2 ||b||^2 */
    const size_t n = st_dataset_n_rows(ds);
    double *pr = malloc(n * sizeof *pr), *pr2 = malloc(n * sizeof *pr2);
    assert_int_equal(st_logreg_predict(oc, ds, pr, n, &e), ST_OK);
    const float *y = st_dataset_labels(ds);
    double loss = 0, pen = 0;
    for (size_t i = 0; i < n; i++)
        loss -= y[i] > 0.5f ? log(pr[i]) : log1p(-pr[i]);
    for (size_t j = 0; j < k; j++)
        pen += bo[j] * bo[j];
    assert_close(loss / (double)n + 1e-3 / 2 * pen, fo, 1e-9 * fo);

    /* 1 and 2 threads: the same file */
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/one.model", tmpdir);
    snprintf(b, sizeof b, "%s/two.model", tmpdir);
    assert_int_equal(st_logreg_save(oc, a, &e), ST_OK);
    assert_int_equal(st_logreg_save(oc2, b, &e), ST_OK);
    size_t na, nb;
    char *ta = read_all_n(a, &na), *tb = read_all_n(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ta, tb, na);
    free(ta), free(tb);

    /* the raw training file featurized again by the featurizer: the same scores */
    assert_int_equal(st_dataset_read(csv, &o, &raw, &e), ST_OK);
    const st_text_featurizer *fs[1] = {f[0]};
    assert_int_equal(st_text_transform(fs, 1, raw, &again, &e), ST_OK);
    assert_int_equal(st_logreg_predict(oc, again, pr2, n, &e), ST_OK);
    assert_memory_equal(pr, pr2, n * sizeof *pr);

    free(pr), free(pr2);
    st_logreg_free(mem), st_logreg_free(oc), st_logreg_free(oc2);
    st_text_featurizer_free(f[0]);
    st_dataset_free(ds), st_dataset_free(raw), st_dataset_free(again);
}

static void test_vocabulary_agrees(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.ngram_max = 2, to.min_df = 2, to.sublinear_tf = 1, to.tfidf = 1;
    agrees(&to, 1e-6, 0);
}

static void test_hashing_agrees(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.hash_bits = 10, to.min_df = 1; /* 1,024 buckets for 1,218 words: collisions */
    agrees(&to, 1e-6, 0);
}

/* 16 buckets and the two ordinary columns: 18 columns, which st_logreg_train fits by
 * exact Newton, stopping at another point than truncated Newton (at the default tol, 1e-8,
 * the coefficients differed by 2.4e-4 with objectives equal to 1e-9). Both fitted to tol
 * 1e-12, the coefficients are checked against the bound their duality gaps give (each
 * within sqrt(2 gap / lambda) of the optimum; about 1e-5 here, 7e-7 seen), the
 * intercept against that bound times 1 + the sum of the columns' |means|. */
static void test_narrow_agrees(void **state)
{
    (void)state;
    st_text_options to = st_text_options_default();
    to.hash_bits = 4, to.min_df = 1;
    fit_tol = 1e-12;
    agrees(&to, 1e-6, 1);
    fit_tol = 1e-8;
}

static void refused(const st_dataset *ds, const st_logreg_params *p, const char *dir,
                    st_status code, const char *message)
{
    st_logreg_rowfile *rf = (st_logreg_rowfile *)1;
    st_error e;
    assert_int_equal(st_logreg_rowfile_write(ds, p, dir, &rf, &e), code);
    assert_null(rf);
    assert_string_equal(e.message, message);
}

static void test_refused(void **state)
{
    (void)state;
    st_read_options o = read_opts();
    const char *cols[] = {"note"};
    st_dataset *ds = NULL, *cat = NULL;
    st_text_featurizer *f[1] = {NULL};
    st_error e;
    st_text_options to = st_text_options_default();
    assert_int_equal(st_text_read_csv(csv, &o, cols, 1, &to, &ds, f, &e), ST_OK);
    st_logreg_params p = text_params(1);
    p.alpha = 0.5;
    refused(ds, &p, rows_dir, ST_ERR_INVALID_ARG, "logistic regression: out-of-core "
            "training fits ridge only (--alpha 0): L1 and elastic-net need the data in "
            "memory (train without --out-of-core)");
    p = text_params(1);
    p.lambda = ST_LOGREG_LAMBDA_CV;
    refused(ds, &p, rows_dir, ST_ERR_INVALID_ARG, "logistic regression: out-of-core "
            "training needs a given lambda (pass --lambda, e.g. --lambda 0.0001): choosing "
            "it by cross-validation needs the data in memory");
    p = text_params(1);
    p.impute = ST_IMPUTE_MEDIAN;
    refused(ds, &p, rows_dir, ST_ERR_INVALID_ARG, "logistic regression: out-of-core "
            "training imputes the mean without missing indicators (drop --impute median "
            "and --missing-indicators, or train without --out-of-core)");
    p = text_params(1);
    refused(ds, &p, "/nonexistent/stratum", ST_ERR_IO, "cannot create a temporary row file "
            "in /nonexistent/stratum: No such file or directory");
    /* the note read as a categorical column: no text featurizer */
    o.categorical = cols, o.n_categorical = 1;
    assert_int_equal(st_dataset_read(csv, &o, &cat, &e), ST_OK);
    refused(cat, &p, rows_dir, ST_ERR_INVALID_ARG, "out-of-core training takes numeric "
            "columns only: 'note' is categorical (drop it with --ignore, or train without "
            "--out-of-core)");
    assert_true(dir_is_empty(rows_dir));
    st_text_featurizer_free(f[0]);
    st_dataset_free(ds), st_dataset_free(cat);
}

static void test_cli(void **state)
{
    (void)state;
    char model[600];
    snprintf(model, sizeof model, "%s/cli.model", tmpdir);
    setenv("TMPDIR", rows_dir, 1);
    run_result *r = run("train", "logreg", "-q", csv, "--ignore", "id", "--text-col", "note",
                        "--lambda", "0.001", "--out-of-core", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_true(dir_is_empty(rows_dir));
    r = run("predict", model, csv, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "p\n", 2), 0);
    free(r);
    r = run("train", "logreg", csv, "--ignore", "id", "--out-of-core", "-o", model, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--out-of-core trains on text columns: name them with "
                             "--text-col");
    free(r);
    r = run("train", "logreg", csv, "--ignore", "id", "--text-col", "note", "--alpha", "1",
            "--out-of-core", "-o", model, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "out-of-core training fits ridge only (--alpha 0)");
    free(r);
    r = run("train", "logreg", csv, "--ignore", "id", "--text-col", "note", "--lambda-path",
            "--out-of-core", "-o", model, NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--out-of-core fits one model from a file: --lambda-path, "
                             "--recalibrate and thresholds need the data in memory");
    free(r);
    /* an infinite value: named as in memory */
    char inf[600];
    snprintf(inf, sizeof inf, "%s/inf.csv", tmpdir);
    FILE *fp = fopen(inf, "w");
    assert_non_null(fp);
    fputs("age,note,label\n30,chest pain,1\ninf,no pain,0\n40,pain,0\n50,chest,1\n", fp);
    fclose(fp);
    r = run("train", "logreg", inf, "--text-col", "note", "--min-df", "1", "--out-of-core",
            "-o", model, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "feature 'age' is +infinity in data row 2 (its first infinite "
                             "cell in the file: line 3, character 1, 'inf' or a number "
                             "beyond even a double's range, such as 1e400); logistic "
                             "regression needs finite values");
    free(r);
    assert_true(dir_is_empty(rows_dir));
    /* text alone, no ordinary column (st_dataset_select failed on it): the scores of the
     * in-memory fit, to the default tolerance's reach (7 columns: there exact Newton, here
     * truncated Newton; seen 1e-5 apart) */
    char only[600], mem[600];
    snprintf(only, sizeof only, "%s/only.csv", tmpdir);
    snprintf(mem, sizeof mem, "%s/mem.model", tmpdir);
    fp = fopen(only, "w");
    assert_non_null(fp);
    fputs("note,label\nchest pain,1\nno pain,0\npain at rest,0\nchest pressure,1\n"
          "rest,0\nchest pain again,1\n", fp);
    fclose(fp);
    r = run("train", "logreg", "-q", only, "--text-col", "note", "--min-df", "1", "--lambda",
            "0.01", "--out-of-core", "-o", model, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "logreg", "-q", only, "--text-col", "note", "--min-df", "1", "--lambda",
            "0.01", "-o", mem, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    run_result *a = run("predict", model, only, NULL), *b = run("predict", mem, only, NULL);
    assert_int_equal(a->exit_code, 0);
    assert_int_equal(b->exit_code, 0);
    const char *pa = strchr(a->out, '\n'), *pb = strchr(b->out, '\n');
    for (int i = 0; i < 6; i++) {
        char *ea, *eb;
        const double va = strtod(pa + 1, &ea), vb = strtod(pb + 1, &eb);
        assert_true(ea != pa + 1 && eb != pb + 1);
        assert_true(fabs(va - vb) < 1e-4);
        pa = strchr(ea, '\n'), pb = strchr(eb, '\n');
    }
    free(a), free(b);
    assert_true(dir_is_empty(rows_dir));
    unsetenv("TMPDIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary_agrees),
        cmocka_unit_test(test_hashing_agrees),
        cmocka_unit_test(test_narrow_agrees),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, write_notes, remove_tmpdir);
}
