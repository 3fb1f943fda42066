/* Text columns with boosted trees through the program (--text-col on train gbdt, cv gbdt,
 * compare; the featurizer saved in the gbdt model): predict on the raw training file gives
 * the scores of the same trees trained by the library on the featurized rows; evaluate,
 * predict --contrib and explain take the raw text and name the terms; bad input. The
 * accuracy against XGBoost is text_gbdt_vs_xgboost.py. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 22) /* 2,888 probabilities, or contributions of a few rows */
#include <math.h>
#include <unistd.h>

#include <stratum.h>

#include "cli/cli_run.h"
#include "text_cli_setup.h"

static char model[] = "/tmp/stratum_text_gbdt_XXXXXX";

static int train_model(void **state)
{
    (void)state;
    if (text_model_temp(model) != 0)
        return -1;
    run_result *r = run("train", "gbdt", "-q", ABSTRACTS, "--ignore", "id", "--text-col",
                        "abstract", "--ngrams", "1-2", "--tfidf", "--min-df", "10", "--num-trees", "20", "-o",
                        model, "--format", "csv", NULL);
    return all_succeeded(&r, 1) ? 0 : -1;
}

static int remove_model(void **state)
{
    (void)state;
    unlink(model);
    return 0;
}

/* The same with the library: the text column read as text, the featurizer as the
 * program says (1-2 grams, min_df 10, sublinear tf, IDF, L2 rows), 20 trees with
 * the library's defaults and the program's seed, scored. */
static double *library_scores(size_t *n)
{
    st_dataset *raw = NULL;
    st_text_featurizer *f = NULL;
    st_dataset *ds = text_abstracts_featurized(10, &raw, &f);
    st_gbdt *m = NULL;
    st_error e;
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 20;
    p.seed = 42; /* the program's default --seed */
    assert_int_equal(st_gbdt_train(ds, &p, &m, &e), ST_OK);
    *n = st_dataset_n_rows(ds);
    double *s = malloc(*n * sizeof *s);
    assert_int_equal(st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, 0, s, *n, &e), ST_OK);
    st_gbdt_free(m);
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

/* evaluate, predict --contrib (contributions + bias = the log-odds of p, columns named by
 * their terms) and explain on the raw text. */
static void test_score_and_explain(void **state)
{
    (void)state;
    run_result *r = run("evaluate", model, ABSTRACTS, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"roc_auc\""));
    free(r);
    r = run("explain", model, ABSTRACTS, "--ignore", "id", "--rows", "3", "--top", "3", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "    abstract:"));
    free(r);
    char rows[] = "/tmp/stratum_text_gbdt_rows_XXXXXX";
    int fd = mkstemp(rows);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("id,abstract\n1,Acute lymphoblastic leukemia in childhood\n2,Heart failure\n", fp);
    fclose(fp);
    r = run("predict", model, rows, "--contrib", "--ignore", "id", NULL);
    unlink(rows);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, ",contrib_abstract:leukemia,"));
    const char *line = strchr(r->out, '\n') + 1;
    for (int k = 0; k < 2; k++) { /* p, then the contributions and the bias */
        char *end;
        double p = strtod(line, &end), z = 0;
        while (*end == ',')
            z += strtod(end + 1, &end);
        assert_true(fabs(1 / (1 + exp(-z)) - p) < 1e-9);
        line = end + 1;
    }
    free(r);
}

/* cv gbdt and compare with both families fit the featurizer on each training part. */
static void test_cv_and_compare(void **state)
{
    (void)state;
    run_result *r = run("cv", "gbdt", ABSTRACTS, "--ignore", "id", "--text-col", "abstract",
                        "--min-df", "20", "--num-trees", "10", "--folds", "3", "-q", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "roc_auc,"));
    free(r);
    r = run("compare", ABSTRACTS, "--ignore", "id", "--text-col", "abstract", "--min-df", "20",
            "--weights",
            "none", "--folds", "3", "--num-trees", "10", "--lambda", "0.0001", "-q",
            "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "logreg"));
    assert_non_null(strstr(r->out, "gbdt"));
    free(r);
}


/* A text model has thousands of term columns: the text table of train gbdt lists the 30
 * of largest gain and says how many more there are (csv and json list every one). */
static void test_importance_table_is_short(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "-q", ABSTRACTS, "--ignore", "id", "--text-col",
                        "abstract", "--min-df", "20", "--num-trees", "3", "-o",
                        "stratum_text_gbdt_short.model", NULL);
    assert_int_equal(r->exit_code, 0);
    size_t lines = 0;
    for (const char *c = r->out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 2 + 30 + 1); /* title, header, 30 features, the note */
    assert_non_null(strstr(r->out, "more features, smaller total gain, not shown; --format "
                                   "csv and json list every one)\n"));
    free(r);
}
static void test_bad_input(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", "-q", ABSTRACTS, "--text-col", "notes", "--num-trees",
                        "5", "-o", "/tmp/stratum_text_gbdt_never", NULL);
    assert_int_not_equal(r->exit_code, 0);
    assert_one_error_line(r, "text column 'notes' is not in the data");
    free(r);
    r = run("predict", model, STRATUM_DATASETS "/wdbc.csv", NULL);
    assert_int_not_equal(r->exit_code, 0);
    assert_one_error_line(r, "wdbc.csv: text column 'abstract' is not in the data");
    free(r);
    r = run("evaluate", model, STRATUM_DATASETS "/wdbc.csv", NULL);
    assert_int_not_equal(r->exit_code, 0);
    assert_one_error_line(r, "text column 'abstract' is not in the data");
    free(r);
    r = run("train", "gbdt", ABSTRACTS, "--text-col", "abstract", "--distributed",
            "--num-trees", "5", "-o", "/tmp/stratum_text_gbdt_never", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "--text-col: text columns need the CSV in one process, "
                                    "without --bins-from"));
    free(r);
    r = run("train", "gbdt", ABSTRACTS, "--ngrams", "1-2", "--num-trees", "5", "-o",
            "/tmp/stratum_text_gbdt_never", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "apply to text columns: name them with --text-col"));
    free(r);
    assert_int_not_equal(access("/tmp/stratum_text_gbdt_never", F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_raw_text_equals_training_scores),
        cmocka_unit_test(test_score_and_explain),
        cmocka_unit_test(test_cv_and_compare),
        cmocka_unit_test(test_importance_table_is_short),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, train_model, remove_model);
}
