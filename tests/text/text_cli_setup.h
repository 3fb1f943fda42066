/* Shared by the text tests of the program (test_cli_text.c, logistic regression;
 * test_cli_text_gbdt.c, boosted trees): the abstracts featurized by the library as the
 * program's options say, and the check that predict on the raw training file gives the
 * library's training-time scores. Include after cli/cli_run.h. */
#ifndef STRATUM_TEST_TEXT_CLI_SETUP_H
#define STRATUM_TEST_TEXT_CLI_SETUP_H

#include <stratum.h>

#define ABSTRACTS STRATUM_DATASETS "/medical_abstracts.csv"

/* A new temporary file's path into path (a mkstemp template): 0, or -1. */
static inline int text_model_temp(char *path)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* The abstracts with their text column read as text, and featurized as `--text-col
 * abstract --ngrams 1-2 --tfidf --min-df min_df` does (sublinear tf, L2 rows: the
 * program's defaults): *f the featurizer, *raw the data as read (both the caller's). */
static inline st_dataset *text_abstracts_featurized(size_t min_df, st_dataset **raw,
                                                    st_text_featurizer **f)
{
    st_read_options o = st_read_options_default();
    const char *ignore[] = {"id"}, *text[] = {"abstract"};
    o.ignore = ignore, o.n_ignore = 1;
    o.categorical = text, o.n_categorical = 1;
    st_dataset *ds = NULL;
    st_error e;
    assert_int_equal(st_dataset_read_csv(ABSTRACTS, &o, raw, &e), ST_OK);
    st_text_options to = st_text_options_default();
    to.ngram_max = 2, to.min_df = min_df, to.sublinear_tf = 1, to.tfidf = 1;
    assert_int_equal(st_text_fit_dataset(*raw, "abstract", &to, f, &e), ST_OK);
    const st_text_featurizer *fs[1] = {*f};
    assert_int_equal(st_text_transform(fs, 1, *raw, &ds, &e), ST_OK);
    return ds;
}

/* `stratum predict MODEL abstracts` prints exactly want[0..n-1] (the 2,888 rows). */
static inline void text_assert_predict_equals(const char *model, const double *want, size_t n)
{
    run_result *r = run("predict", model, ABSTRACTS, NULL);
    assert_int_equal(r->exit_code, 0);
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
    free(r);
}

#endif
