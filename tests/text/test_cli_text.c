/* Text columns through the program (--text-col, docs/text.md): the model keeps its
 * featurizer, so predict on the raw training file gives the scores of the model on the
 * featurized training rows, computed here with the library; and bad input: a text column
 * not in the data (at training, at scoring, in drift's NEW file), bad option values, text
 * options without a text column. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20) /* 2,888 probabilities */
#include <unistd.h>

#include <stratum.h>

#include "cli/cli_run.h"
#include "text_cli_setup.h"

static char model[] = "/tmp/stratum_text_model_XXXXXX";

static int train_model(void **state)
{
    (void)state;
    if (text_model_temp(model) != 0)
        return -1;
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
    st_dataset *raw = NULL;
    st_text_featurizer *f = NULL;
    st_dataset *ds = text_abstracts_featurized(2, &raw, &f);
    st_logreg *m = NULL;
    st_error e;
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
    size_t n = 0;
    double *want = library_scores(&n);
    text_assert_predict_equals(model, want, n);
    free(want);
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
    /* drift with a text model (text_drift_vs_scipy.py checks its numbers): the raw texts
     * in both files, and NEW without the text column a clear error */
    r = run("drift", ABSTRACTS, ABSTRACTS, "--model", model, "--ignore", "id", "--bootstrap",
            "0", "--contrib-rows", "300", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "Text column 'abstract'"));
    free(r);
    r = run("drift", ABSTRACTS, STRATUM_DATASETS "/wdbc.csv", "--model", model, "--ignore",
            "id", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "wdbc.csv: no text column 'abstract', which the model ");
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
