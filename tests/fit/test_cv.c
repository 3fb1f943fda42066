/* Cross-validation in the library (stratum/cv.h) on hand-checked facts: the folds partition
 * the rows and are stratified; each out-of-fold prediction is what a model trained through
 * the public API on the other folds' rows predicts; a rule's threshold is the one chosen on
 * the inner out-of-fold predictions of the training part; groups are never split; the
 * summary is the mean and t interval of the folds' values; the result does not depend on
 * the thread count; bad parameters fail with a message naming the field. The lambda path
 * and the post-processing are in test_cv_pieces.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "test_util.h"

/* hepatitis.csv: 155 rows, 32 positives, missing values (imputed by logreg). */
static st_dataset *read_hepatitis(void) { return test_read_shipped("hepatitis.csv"); }

static st_cv_params logreg_params(void)
{
    st_cv_params p = st_cv_params_default();
    p.logreg.lambda = 0.05; /* fixed: no inner choice, so one fit per fold */
    p.n_threads = 1;
    return p;
}

static st_cv_result *run(const st_dataset *ds, const st_cv_params *p)
{
    st_cv_result *res = NULL;
    st_error err;
    if (st_cv_run(ds, p, &res, &err) != ST_OK)
        fail_msg("st_cv_run: %s", err.message);
    return res;
}

/* Rows of fold f in repeat r: test rows into test, the others into train. */
static void split(const st_cv_result *res, size_t r, size_t f, size_t *train, size_t *n_train,
                  size_t *test, size_t *n_test)
{
    *n_train = *n_test = 0;
    for (size_t i = 0; i < res->n_rows; i++) {
        if ((size_t)res->fold_of[r * res->n_rows + i] == f)
            test[(*n_test)++] = i;
        else
            train[(*n_train)++] = i;
    }
}

static void folds_partition_and_stratify(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    p.n_repeats = 2;
    st_cv_result *res = run(ds, &p);
    const size_t n = st_dataset_n_rows(ds), k = 5;
    const float *y = st_dataset_labels(ds);
    assert_int_equal(res->n_rows, n);
    assert_int_equal(res->n_folds, k);
    assert_int_equal(res->n_repeats, 2);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] != 0;
    for (size_t r = 0; r < 2; r++) {
        size_t rows[5] = {0}, pos_in[5] = {0};
        for (size_t i = 0; i < n; i++) {
            int f = res->fold_of[r * n + i];
            assert_true(f >= 0 && f < 5);
            rows[f]++;
            pos_in[f] += y[i] != 0;
        }
        for (size_t f = 0; f < k; f++) {
            const st_cv_fold *fr = &res->folds[r * k + f];
            assert_int_equal(fr->repeat, r);
            assert_int_equal(fr->fold, f);
            assert_int_equal(fr->n_test, rows[f]);
            assert_int_equal(fr->n_train + fr->n_test, n); /* a partition */
            /* within one row of the class counts / k */
            assert_true(pos_in[f] * k + k > pos && pos_in[f] * k < pos + k);
            assert_true((rows[f] - pos_in[f]) * k + k > n - pos &&
                        (rows[f] - pos_in[f]) * k < n - pos + k);
        }
    }
    /* a new shuffle per repeat */
    assert_memory_not_equal(res->fold_of, res->fold_of + n, n * sizeof *res->fold_of);
    st_cv_result_free(res);
    st_dataset_free(ds);
}

/* The out-of-fold predictions of every fold are those of a model trained by the caller
 * through st_logreg_train / st_gbdt_train on that fold's training rows. */
static void oof_equals_own_fit(st_cv_family family)
{
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    p.family = family;
    p.gbdt.num_trees = 15;
    p.gbdt.n_threads = 1;
    st_cv_result *res = run(ds, &p);
    const size_t n = res->n_rows;
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *mine = malloc(n * sizeof *mine);
    for (size_t f = 0; f < res->n_folds; f++) {
        size_t n_train, n_test;
        split(res, 0, f, train, &n_train, test, &n_test);
        st_dataset *tr = NULL, *te = NULL;
        st_error err;
        assert_int_equal(st_dataset_subset(ds, train, n_train, &tr, &err), ST_OK);
        assert_int_equal(st_dataset_subset(ds, test, n_test, &te, &err), ST_OK);
        if (family == ST_CV_LOGREG) {
            st_logreg *m = NULL;
            st_logreg_params lp = p.logreg;
            lp.n_threads = 1;
            assert_int_equal(st_logreg_train(tr, &lp, &m, &err), ST_OK);
            assert_int_equal(st_logreg_predict(m, te, mine, n_test, &err), ST_OK);
            st_logreg_free(m);
        } else {
            st_gbdt *m = NULL;
            assert_int_equal(st_gbdt_train(tr, &p.gbdt, &m, &err), ST_OK);
            assert_int_equal(st_gbdt_predict(m, te, ST_GBDT_PROBABILITY, 1, mine, n_test, &err),
                             ST_OK);
            st_gbdt_free(m);
        }
        for (size_t i = 0; i < n_test; i++)
            assert_memory_equal(&mine[i], &res->oof[test[i]], sizeof mine[i]);
        /* and st_cv_fit_predict, the piece each fold is made of, gives them too */
        double *piece = malloc(n_test * sizeof *piece);
        assert_int_equal(st_cv_fit_predict(&p, tr, te, NULL, piece, NULL, &err), ST_OK);
        assert_memory_equal(piece, mine, n_test * sizeof *piece);
        free(piece);
        /* and the fold's metrics are st_evaluate's on them at 0.5 */
        st_eval_params ep = st_eval_params_default();
        ep.n_bootstrap = 0;
        st_eval ev;
        assert_int_equal(st_evaluate(mine, st_dataset_labels(te), st_dataset_weights(te), n_test,
                                     &ep, &ev, &err), ST_OK);
        for (int m = 0; m < ST_METRIC_COUNT; m++)
            if (isnan(ev.value[m]))
                assert_true(isnan(res->folds[f].value[m]));
            else
                assert_true(ev.value[m] == res->folds[f].value[m]);
        assert_true(res->folds[f].threshold == 0.5);
        st_dataset_free(tr);
        st_dataset_free(te);
    }
    free(train), free(test), free(mine);
    st_cv_result_free(res);
    st_dataset_free(ds);
}

static void oof_logreg(void **state) { (void)state; oof_equals_own_fit(ST_CV_LOGREG); }
static void oof_gbdt(void **state) { (void)state; oof_equals_own_fit(ST_CV_GBDT); }

/* mean, SD and the corrected resampled t interval (Nadeau and Bengio 2003): mean -+
 * t(0.975, 4) sd sqrt(1/5 + n_test/n_train), t(0.975, 4) = 2.776445 (tables), clipped to
 * [0, 1] for ROC-AUC; st_cv_summarise alone is the plain t interval, sd / sqrt(5). And
 * repeats narrow the interval only as far as the data allow: 4 repeats of 5 folds give an
 * interval near one repeat's, where the plain t over 20 folds was half as wide. */
static void summary_is_t_interval(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    st_cv_result *res = run(ds, &p);
    double sum = 0, ss = 0;
    for (size_t f = 0; f < 5; f++)
        sum += res->folds[f].value[ST_METRIC_ROC_AUC];
    double mean = sum / 5;
    for (size_t f = 0; f < 5; f++) {
        double d = res->folds[f].value[ST_METRIC_ROC_AUC] - mean;
        ss += d * d;
    }
    double n_test = 0, n_train = 0;
    for (size_t f = 0; f < 5; f++)
        n_test += (double)res->folds[f].n_test, n_train += (double)res->folds[f].n_train;
    double sd = sqrt(ss / 4), half = 2.776445 * sd * sqrt(1 / 5.0 + n_test / n_train);
    assert_close(n_test / n_train, 0.25, 0.01); /* 5 folds: a test fold is 1/4 of the rest */
    const st_cv_summary *s = &res->summary[ST_METRIC_ROC_AUC];
    assert_int_equal(s->defined, 5);
    assert_close(s->mean, mean, 1e-15);
    assert_close(s->sd, sd, 1e-15);
    assert_close(s->low, fmax(0, mean - half), 1e-12);
    assert_close(s->high, fmin(1, mean + half), 1e-12);
    assert_close(res->threshold.mean, 0.5, 0);
    double v[5];
    for (size_t f = 0; f < 5; f++)
        v[f] = res->folds[f].value[ST_METRIC_ROC_AUC];
    const st_cv_summary plain = st_cv_summarise(v, 5, ST_METRIC_ROC_AUC);
    assert_close(plain.high - plain.mean, 2.776445 * sd / sqrt(5.0), 1e-12);
    const double width1 = s->high - s->low;
    st_cv_result_free(res);
    p.n_repeats = 4;
    res = run(ds, &p);
    const st_cv_summary *s4 = &res->summary[ST_METRIC_ROC_AUC];
    assert_int_equal(s4->defined, 20);
    if (!(s4->high - s4->low > 0.6 * width1))
        fail_msg("4 repeats: width %g against one repeat's %g", s4->high - s4->low, width1);
    assert_close(st_cv_t975(1), 12.706205, 1e-6);
    assert_true(isnan(st_cv_t975(0)));
    /* beyond the table: t(0.975, 60) = 2.000298 (tables) */
    assert_close(st_cv_t975(60), 2.000298, 2e-5);
    double one[1] = {0.7};
    st_cv_summary s1 = st_cv_summarise(one, 1, ST_METRIC_ROC_AUC);
    assert_int_equal(s1.defined, 1);
    assert_true(s1.mean == 0.7 && isnan(s1.sd) && isnan(s1.low) && isnan(s1.high));
    st_cv_result_free(res);
    st_dataset_free(ds);
}

/* With a rule and 3 inner folds, each fold's threshold is the rule's on st_cv_oof of its
 * training part (seeded by the same seed). */
static void rule_threshold_from_inner_folds(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    p.eval.rule = ST_THRESHOLD_MAX_F1;
    st_cv_result *res = run(ds, &p);
    const size_t n = res->n_rows;
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *oof = malloc(n * sizeof *oof);
    for (size_t f = 0; f < 2; f++) {
        size_t n_train, n_test;
        split(res, 0, f, train, &n_train, test, &n_test);
        st_dataset *tr = NULL;
        st_error err;
        assert_int_equal(st_dataset_subset(ds, train, n_train, &tr, &err), ST_OK);
        assert_int_equal(st_cv_oof(&p, tr, 3, p.seed, oof, &err), ST_OK);
        st_eval ev;
        st_eval_params ep = p.eval;
        assert_int_equal(st_evaluate(oof, st_dataset_labels(tr), st_dataset_weights(tr), n_train,
                                     &ep, &ev, &err),
                         ST_OK);
        assert_false(isnan(ev.threshold));
        assert_true(ev.threshold == res->folds[f].threshold);
        st_dataset_free(tr);
    }
    free(train), free(test), free(oof);
    st_cv_result_free(res);
    st_dataset_free(ds);
}

static void groups_never_split(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    const size_t n = st_dataset_n_rows(ds);
    double *groups = malloc(n * sizeof *groups);
    for (size_t i = 0; i < n; i++)
        groups[i] = (double)(i / 4); /* "patients" of 4 rows */
    st_cv_params p = logreg_params();
    p.groups = groups;
    p.eval.rule = ST_THRESHOLD_YOUDEN; /* the inner folds group too */
    st_cv_result *res = run(ds, &p);
    for (size_t i = 1; i < n; i++)
        if (groups[i] == groups[i - 1])
            assert_int_equal(res->fold_of[i], res->fold_of[i - 1]);
    st_cv_result_free(res);
    free(groups);
    st_dataset_free(ds);
}

static size_t progress_calls[2];
static void count_progress(const st_cv_progress *p, void *data)
{
    (void)data;
    progress_calls[p->event]++;
    if (p->event == ST_CV_FOLD_DONE)
        assert_non_null(p->value);
}

/* Threads 1 and 2 give the same bits (gbdt and logreg with its inner lambda choice). */
static void same_for_any_thread_count(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    for (int family = 0; family < 2; family++) {
        st_cv_params p = st_cv_params_default();
        p.family = (st_cv_family)family;
        p.gbdt.num_trees = 10;
        p.eval.rule = ST_THRESHOLD_MAX_F1;
        p.n_threads = 1;
        p.progress = count_progress;
        memset(progress_calls, 0, sizeof progress_calls);
        st_cv_result *one = run(ds, &p);
        assert_int_equal(progress_calls[ST_CV_FOLD_START], 5);
        assert_int_equal(progress_calls[ST_CV_FOLD_DONE], 5);
        p.n_threads = 2;
        st_cv_result *two = run(ds, &p);
        assert_memory_equal(one->oof, two->oof, one->n_rows * sizeof *one->oof);
        assert_memory_equal(one->folds, two->folds, 5 * sizeof *one->folds);
        assert_memory_equal(one->summary, two->summary, sizeof one->summary);
        st_cv_result_free(one);
        st_cv_result_free(two);
    }
    st_dataset_free(ds);
}

static void expect_error(const st_dataset *ds, const st_cv_params *p, st_status code,
                         const char *message)
{
    st_cv_result *res = (st_cv_result *)1;
    st_error err;
    assert_int_equal(st_cv_run(ds, p, &res, &err), code);
    assert_null(res);
    assert_string_equal(err.message, message);
}

static void bad_parameters(void **state)
{
    (void)state;
    st_dataset *ds = read_hepatitis();
    st_cv_params p = logreg_params();
    p.n_folds = 1;
    expect_error(ds, &p, ST_ERR_INVALID_ARG, "st_cv_run: n_folds 1: expected 2 or more");
    p = logreg_params();
    p.n_repeats = 0;
    expect_error(ds, &p, ST_ERR_INVALID_ARG,
                 "st_cv_run: n_repeats 0: expected 1 or more (1 with fold_ids)");
    p = logreg_params();
    p.threshold_folds = 1;
    expect_error(ds, &p, ST_ERR_INVALID_ARG,
                 "st_cv_run: threshold_folds 1: expected 0 (in-sample) or 2 or more");
    p = logreg_params();
    double ids[155] = {0};
    p.groups = ids, p.fold_ids = ids;
    expect_error(ds, &p, ST_ERR_INVALID_ARG, "st_cv_run: groups and fold_ids exclude each other");
    p = logreg_params();
    p.valid_fraction = 1;
    expect_error(ds, &p, ST_ERR_INVALID_ARG,
                 "st_cv_run: valid_fraction 1: expected 0 (none) or a number in (0, 1)");
    p = logreg_params();
    p.family = (st_cv_family)7;
    expect_error(ds, &p, ST_ERR_INVALID_ARG,
                 "st_cv_run: family 7: expected ST_CV_LOGREG or ST_CV_GBDT");
    p = logreg_params();
    p.groups = ids; /* one group: fewer groups than folds */
    st_cv_result *res = NULL;
    st_error err;
    assert_int_equal(st_cv_run(ds, &p, &res, &err), ST_ERR_DATA);
    assert_null(res);
    test_assert_contains(err.message, "group", __FILE__, __LINE__);
    /* a fold that fails names the family, fold and repeat */
    p = logreg_params();
    p.logreg.alpha = 2;
    assert_int_equal(st_cv_run(ds, &p, &res, &err), ST_ERR_INVALID_ARG);
    test_assert_contains(err.message, "logreg, fold 1 of repeat 1: ", __FILE__, __LINE__);
    assert_int_equal(st_cv_run(NULL, &p, &res, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_cv_run: ds and out must not be NULL");
    st_cv_result_free(NULL);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_partition_and_stratify),
        cmocka_unit_test(oof_logreg),
        cmocka_unit_test(oof_gbdt),
        cmocka_unit_test(summary_is_t_interval),
        cmocka_unit_test(rule_threshold_from_inner_folds),
        cmocka_unit_test(groups_never_split),
        cmocka_unit_test(same_for_any_thread_count),
        cmocka_unit_test(bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
