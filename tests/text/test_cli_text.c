/* Text columns through the program (--text-col, docs/text.md): the model keeps its
 * featurizer, so predict on the raw training file gives the scores of the model on the
 * featurized training rows, computed here with the library; and bad input: a text column
 * not in the data (at training and at scoring), bad option values, text options without a
 * text column. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20) /* 2,888 probabilities */
#include <unistd.h>

#include <stratum.h>

#include "cli/cli_run.h"

#define ABSTRACTS STRATUM_DATASETS "/medical_abstracts.csv"

static char model[] = "/tmp/stratum_text_model_XXXXXX";

static int train_model(void **state)
{
    (void)state;
    int fd = mkstemp(model);
    if (fd < 0)
        return -1;
    close(fd);
    run_result *r = run("train", "logreg", "-q", ABSTRACTS, "--ignore", "id", "--text-col",
                        "abstract", "--ngrams", "1-2", "--tfidf", "-o", model, NULL);
    return all_succeeded(&r, 1) ? 0 : -1;
}

static int remove_model(void **state)
{
    (void)state;
    unlink(model);
    return 0;
}

/* The same pipeline with the library: read with the text column as text, fit the
 * featurizer as the program's defaults say (1-2 grams, min_df 2, sublinear tf, IDF, L2
 * rows), train with its text defaults (no standardisation), score. */
static double *library_scores(size_t *n)
{
    st_read_options o = st_read_options_default();
    const char *ignore[] = {"id"}, *text[] = {"abstract"};
    o.ignore = ignore, o.n_ignore = 1;
    o.categorical = text, o.n_categorical = 1;
    st_dataset *raw = NULL, *ds = NULL;
    st_text_featurizer *f = NULL;
    st_logreg *m = NULL;
    st_error e;
    assert_int_equal(st_dataset_read_csv(ABSTRACTS, &o, &raw, &e), ST_OK);
    st_text_options to = st_text_options_default();
    to.ngram_max = 2, to.min_df = 2, to.sublinear_tf = 1, to.tfidf = 1;
    assert_int_equal(st_text_fit_dataset(raw, "abstract", &to, &f, &e), ST_OK);
    const st_text_featurizer *fs[1] = {f};
    assert_int_equal(st_text_transform(fs, 1, raw, &ds, &e), ST_OK);
    st_logreg_params p = st_logreg_params_default();
    p.standardize = 0;
    p.lambda = 1e-4; /* the CLI's lambda for text columns (tools/cli_logreg_options.h) */
    assert_int_equal(st_logreg_train(ds, &p, &m, &e), ST_OK);
    *n = st_dataset_n_rows(ds);
    double *s = malloc(*n * sizeof *s);
    assert_int_equal(st_logreg_predict(m, ds, s, *n, &e), ST_OK);
    st_logreg_free(m);
    st_text_featurizer_free(f);
    st_dataset_free(ds);
    st_dataset_free(raw);
    return s;
}

static void test_predict_raw_text_equals_training_scores(void **state)
{
    (void)state;
    run_result *r = run("predict", model, ABSTRACTS, NULL);
    assert_int_equal(r->exit_code, 0);
    size_t n = 0;
    double *want = library_scores(&n);
    assert_int_equal(n, 2888);
    const char *s = r->out;
    assert_int_equal(strncmp(s, "p\n", 2), 0);
    s += 2;
    for (size_t i = 0; i < n; i++) {
        char *end;
        double got = strtod(s, &end);
        assert_true(end != s && *end == '\n');
        if (got != want[i])
            fail_msg("row %zu: predict %.17g, training-time score %.17g", i, got, want[i]);
        s = end + 1;
    }
    assert_int_equal(*s, '\0');
    free(want);
    free(r);
}

static void test_evaluate_raw_text(void **state)
{
    (void)state;
    run_result *r = run("evaluate", model, ABSTRACTS, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"roc_auc\""));
    free(r);
}

/* compare: logistic regression on the text, the featurizer fitted per training part (both
 * families: test_cli_text_gbdt). */
static void test_compare(void **state)
{
    (void)state;
    run_result *r = run("compare", ABSTRACTS, "--ignore", "id", "--text-col", "abstract",
                        "--models", "logreg", "--weights", "none", "--folds", "3", "-q",
                        "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "logreg"));
    free(r);
}

static void test_bad_input(void **state)
{
    (void)state;
    run_result *r = run("train", "logreg", "-q", ABSTRACTS, "--text-col", "notes", "-o",
                        "/tmp/stratum_text_never", NULL);
    assert_int_not_equal(r->exit_code, 0);
    assert_one_error_line(r, "text column 'notes' is not in the data");
    free(r);
    /* a model of text scoring data without its text column */
    r = run("predict", model, STRATUM_DATASETS "/wdbc.csv", NULL);
    assert_int_not_equal(r->exit_code, 0);
    assert_one_error_line(r, "wdbc.csv: text column 'abstract' is not in the data");
    free(r);
    r = run("train", "logreg", ABSTRACTS, "--text-col", "abstract", "--ngrams", "2-1", "-o",
            "/tmp/stratum_text_never", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "--ngrams '2-1': expected A-B with 1 <= A <= B <= 8"));
    free(r);
    r = run("train", "logreg", ABSTRACTS, "--tfidf", "-o", "/tmp/stratum_text_never", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "apply to text columns: name them with --text-col"));
    free(r);
    r = run("train", "logreg", ABSTRACTS, "--text-col", "abstract", "--hash-bits", "30",
            "-o", "/tmp/stratum_text_never", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "--hash-bits '30': expected a whole number in [1, 24]"));
    free(r);
    assert_int_not_equal(access("/tmp/stratum_text_never", F_OK), 0);
    /* explaining a text model needs its text column too */
    r = run("predict", model, STRATUM_DATASETS "/wdbc.csv", "--contrib", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "wdbc.csv: text column 'abstract' is not in the data");
    free(r);
    r = run("explain", model, STRATUM_DATASETS "/wdbc.csv", "--rows", "1", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "wdbc.csv: text column 'abstract' is not in the data");
    free(r);
    /* not yet: drift with a text model */
    r = run("drift", ABSTRACTS, ABSTRACTS, "--model", model, "--ignore", "id", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, ": a model of text columns (--text-col): drift does not take it "
                             "yet; predict, evaluate and explain do");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_raw_text_equals_training_scores),
        cmocka_unit_test(test_evaluate_raw_text),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, train_model, remove_model);
}
