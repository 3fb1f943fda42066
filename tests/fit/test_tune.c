/* The search of stratum/tune.h on hand-checked facts: successive halving keeps exactly the
 * top ceil(m / eta) of each rung by the metric; the best's score on the last rung is what
 * st_cv_run gives its parameters on all rows (the same folds as stratum cv); the nested
 * estimate of a one-candidate search is st_cv_run of that candidate on the outer folds;
 * groups are never split across the folds the result reports; the same seed gives the
 * same table and model bytes on 1 and 2 threads; brackets continue the candidates' draws
 * (the time budget is test_tune_budget.c's); trees as the resource keep
 * every rung on all rows with N / eta^k trees; bad parameters fail with a message naming
 * the field. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stratum.h>

#include "test_util.h"

static st_tune_result *tune(const st_dataset *ds, const st_tune_params *p)
{
    st_tune_result *res = NULL;
    st_error err;
    if (st_tune_run(ds, p, &res, &err) != ST_OK)
        fail_msg("st_tune_run: %s", err.message);
    return res;
}

static st_tune_params logreg_params(size_t trials)
{
    st_tune_params p = st_tune_params_default();
    p.n_trials = trials;
    p.cv.n_threads = 1;
    p.score_defaults = 0;
    /* candidate 1 (the defaults) with a fixed lambda: its inner CV along the path on every
     * rung was most of this test's time (71 s under ASan); the drawn candidates still
     * draw lambda, and best_score_is_cv_of_its_parameters keeps the inner CV */
    p.cv.logreg.lambda = 0.01;
    return p;
}

static int better(st_metric m, double a, double b)
{
    return m == ST_METRIC_ROC_AUC || m == ST_METRIC_PR_AUC ? a > b : a < b;
}

/* Rung r's entries: each one promoted iff among the top ceil(m / eta) of its rung, and the
 * next rung's candidates are exactly those. */
static void check_halving(const st_tune_result *res, size_t eta)
{
    size_t expected_m = 0;
    for (size_t i = 0; i < res->n_tried; i++)
        expected_m += res->tried[i].rung == 0;
    for (size_t r = 0; r + 1 < res->n_rungs_run; r++) {
        size_t m = 0, promoted = 0, next = 0;
        for (size_t i = 0; i < res->n_tried; i++) {
            const st_tune_candidate *c = &res->tried[i];
            if (c->rung == r + 1)
                next++;
            if (c->rung != r)
                continue;
            m++;
            promoted += c->promoted;
            /* rank: entries strictly better, or as good with a lower id */
            size_t ahead = 0;
            for (size_t j = 0; j < res->n_tried; j++) {
                const st_tune_candidate *d = &res->tried[j];
                if (d->rung == r && j != i &&
                    (better(res->metric, d->score.mean, c->score.mean) ||
                     (d->score.mean == c->score.mean && d->id < c->id)))
                    ahead++;
            }
            assert_int_equal(c->promoted, ahead < (expected_m + eta - 1) / eta);
            /* the candidate runs on the next rung iff promoted */
            int found = 0;
            for (size_t j = 0; j < res->n_tried; j++)
                found |= res->tried[j].rung == r + 1 && res->tried[j].id == c->id;
            assert_int_equal(found, c->promoted);
        }
        assert_int_equal(m, expected_m);
        assert_int_equal(promoted, (m + eta - 1) / eta);
        assert_int_equal(next, promoted);
        expected_m = next;
    }
}

static void halving_keeps_the_top_third(void **state)
{
    st_dataset *ds = test_read_shipped("wdbc.csv");
    st_tune_params p = logreg_params(10); /* rungs of 10, 4, 2: ceil each time */
    p.start_from_defaults = 0;            /* plain halving: every candidate drawn */
    st_tune_result *res = tune(ds, &p);
    assert_int_equal(res->n_rungs_planned, 3);
    assert_int_equal(res->n_rungs_run, 3);
    assert_int_equal(res->n_tried, 10 + 4 + 2);
    check_halving(res, 3);
    /* rows grow by eta up to all of them: 569 / 9 (at least the automatic minimum,
     * max(50, 2 * 5 * 569 / 212) = 54), 569 / 3, 569; a (fold, class) cell's sample is
     * ceil(its rows / eta^k), so a rung has at most 10 rows more than n / eta^k */
    assert_true(res->tried[0].n_rows >= 63 && res->tried[0].n_rows <= 73);
    assert_true(res->tried[10].n_rows >= 189 && res->tried[10].n_rows <= 199);
    assert_int_equal(res->tried[14].n_rows, 569);
    assert_int_equal(res->tried[res->best].rung, 2);
    assert_non_null(res->model);
    st_tune_result_free(res);
    p.eta = 2, p.n_trials = 5; /* rungs of 5, 3, 2 */
    res = tune(ds, &p);
    assert_int_equal(res->n_rungs_planned, 3);
    check_halving(res, 2);
    st_tune_result_free(res);
    /* with the defaults as candidate 1: the same top ceil(m / eta) go on, and candidate 1
     * too when not among them */
    p.start_from_defaults = 1, p.eta = 3, p.n_trials = 10;
    res = tune(ds, &p);
    for (size_t r = 0; r < res->n_rungs_run; r++) {
        int found = 0;
        for (size_t i = 0; i < res->n_tried; i++)
            found += res->tried[i].rung == r && res->tried[i].id == 0;
        assert_int_equal(found, 1);
    }
    size_t per_rung[3] = {0, 0, 0}, top_drawn = 0;
    for (size_t i = 0; i < res->n_tried; i++)
        per_rung[res->tried[i].rung]++;
    for (size_t i = 0; i < res->n_tried; i++)
        top_drawn += res->tried[i].rung == 1 && res->tried[i].id != 0;
    assert_int_equal(per_rung[0], 10);
    assert_true(per_rung[1] == 4 || per_rung[1] == 5);
    assert_true(top_drawn == 3 || top_drawn == 4);
    assert_int_equal(per_rung[1], top_drawn + 1);
    st_tune_result_free(res);
    /* 27 candidates: at most 27, 9 + 1, 4 + 1, 2 + 1 entries (the default rungs) */
    p.n_trials = 27;
    res = tune(ds, &p);
    assert_int_equal(res->n_rungs_run, 4);
    assert_true(res->n_tried >= 27 + 9 + 3 + 1 && res->n_tried <= 27 + 10 + 5 + 3);
    st_tune_result_free(res);
    assert_int_equal(st_tune_n_rungs(27, 3), 4);
    assert_int_equal(st_tune_n_rungs(26, 3), 3);
    assert_int_equal(st_tune_n_rungs(1, 3), 1);
    st_dataset_free(ds);
}

/* The best's CV score on all rows is st_cv_run's with its parameters and cv's folds. */
static void best_score_is_cv_of_its_parameters(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(4);
    p.cv.logreg.lambda = ST_LOGREG_LAMBDA_CV; /* the real defaults: lambda by inner CV */
    p.metric = ST_METRIC_LOG_LOSS;
    p.score_defaults = 1;
    st_tune_result *res = tune(ds, &p);
    const st_tune_candidate *b = &res->tried[res->best];
    assert_int_equal(b->n_rows, 155);
    st_cv_params cp = st_cv_params_default();
    cp.logreg = b->logreg;
    cp.n_threads = 1;
    st_cv_result *cv = NULL;
    st_error err;
    assert_int_equal(st_cv_run(ds, &cp, &cv, &err), ST_OK);
    assert_true(b->score.mean == cv->summary[ST_METRIC_LOG_LOSS].mean);
    assert_true(b->score.low == cv->summary[ST_METRIC_LOG_LOSS].low);
    assert_true(b->summary[ST_METRIC_ROC_AUC].mean == cv->summary[ST_METRIC_ROC_AUC].mean);
    for (size_t i = 0; i < 155; i++)
        assert_int_equal(res->fold_of[i], cv->fold_of[i]);
    st_cv_result_free(cv);
    /* the defaults: cv's own parameters (lambda chosen by the inner CV) on the same folds;
     * candidate 1 is them, but need not reach the last rung: scored apart then */
    cp.logreg = st_logreg_params_default();
    assert_int_equal(st_cv_run(ds, &cp, &cv, &err), ST_OK);
    assert_int_equal(res->has_defaults, 1);
    assert_true(res->defaults[ST_METRIC_LOG_LOSS].mean == cv->summary[ST_METRIC_LOG_LOSS].mean);
    assert_true(res->tried[0].logreg.lambda == ST_LOGREG_LAMBDA_CV);
    st_cv_result_free(cv);
    p.start_from_defaults = 0;
    st_tune_result *drawn = tune(ds, &p);
    assert_true(drawn->tried[0].logreg.lambda > 0);
    assert_true(drawn->defaults[ST_METRIC_LOG_LOSS].mean == res->defaults[ST_METRIC_LOG_LOSS].mean);
    st_tune_result_free(drawn);
    /* the model is the best's parameters fitted on all rows */
    st_logreg_params lp = b->logreg;
    lp.n_threads = 1;
    st_logreg *m = NULL;
    assert_int_equal(st_logreg_train(ds, &lp, &m, &err), ST_OK);
    const size_t n = st_dataset_n_rows(ds);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
    assert_int_equal(st_logreg_predict(m, ds, p1, n, &err), ST_OK);
    assert_int_equal(st_model_predict(res->model, ds, p2, n, &err), ST_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(p1[i] == p2[i]);
    free(p1), free(p2);
    st_logreg_free(m);
    st_tune_result_free(res);
    st_dataset_free(ds);
}

/* One candidate, one rung on all rows: each outer fold's tuned model is that candidate
 * fitted on the fold's training part, so the estimate is st_cv_run's on those folds. */
static void nested_of_one_candidate_is_cv(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(1);
    p.nested_folds = 3;
    p.cv.n_folds = 4;
    st_tune_result *res = tune(ds, &p);
    assert_int_equal(res->nested_folds, 3);
    st_cv_params cp = st_cv_params_default();
    cp.logreg = res->tried[0].logreg;
    cp.n_folds = 3;
    cp.n_threads = 1;
    st_cv_result *cv = NULL;
    st_error err;
    assert_int_equal(st_cv_run(ds, &cp, &cv, &err), ST_OK);
    assert_true(fabs(res->nested[ST_METRIC_ROC_AUC].mean - cv->summary[ST_METRIC_ROC_AUC].mean) <
                1e-12);
    assert_true(fabs(res->nested[ST_METRIC_PR_AUC].high - cv->summary[ST_METRIC_PR_AUC].high) <
                1e-12);
    st_cv_result_free(cv);
    st_tune_result_free(res);
    st_dataset_free(ds);
}

static void groups_never_split(void **state)
{
    st_dataset *ds = test_read_shipped("wdbc.csv");
    const size_t n = st_dataset_n_rows(ds);
    double *groups = malloc(n * sizeof *groups);
    for (size_t i = 0; i < n; i++)
        groups[i] = (double)((i * 7) % 150); /* 150 "patients" of rows far apart */
    st_tune_params p = logreg_params(3);
    p.cv.groups = groups;
    st_tune_result *res = tune(ds, &p);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (groups[i] == groups[j])
                assert_int_equal(res->fold_of[i], res->fold_of[j]);
    assert_int_equal(res->n_folds, 5);
    st_tune_result_free(res);
    free(groups);
    st_dataset_free(ds);
}

static char *saved(const st_model *m, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/stratum_test_tune_%d_%s", (int)getpid(), name);
    st_error err;
    assert_int_equal(st_model_save(m, path, &err), ST_OK);
    char *text = read_all(path);
    remove(path);
    return text;
}

static void same_on_one_and_two_threads(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(4);
    p.cv.family = ST_CV_GBDT;
    p.cv.gbdt.num_trees = 30;
    st_tune_result *a = tune(ds, &p);
    p.cv.n_threads = 2;
    st_tune_result *b = tune(ds, &p);
    assert_int_equal(a->n_tried, b->n_tried);
    for (size_t i = 0; i < a->n_tried; i++) {
        assert_int_equal(a->tried[i].id, b->tried[i].id);
        assert_memory_equal(&a->tried[i].score, &b->tried[i].score, sizeof a->tried[i].score);
    }
    assert_int_equal(a->best, b->best);
    char *ta = saved(a->model, "1"), *tb = saved(b->model, "2");
    assert_string_equal(ta, tb);
    free(ta), free(tb);
    st_tune_result_free(a);
    st_tune_result_free(b);
    st_dataset_free(ds);
}

static void assert_same_entry(const st_tune_candidate *a, const st_tune_candidate *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->rung, b->rung);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_memory_equal(&a->score, &b->score, sizeof a->score);
}

/* Two brackets of 3: the first is the one-bracket search entry for entry; the second draws
 * candidates 4 to 6, the same draws as candidates 4 to 6 of a search of 6, and is a plain
 * halving (no defaults); the best is the top of the two last rungs. */
static void brackets_continue_the_draws(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    st_tune_result *one = tune(ds, &p);
    p.n_brackets = 2;
    st_tune_result *two = tune(ds, &p);
    assert_int_equal(two->n_brackets_run, 2);
    assert_int_equal(one->n_brackets_run, 1);
    assert_true(two->n_tried > one->n_tried);
    for (size_t i = 0; i < one->n_tried; i++)
        assert_same_entry(&two->tried[i], &one->tried[i]);
    size_t last[2] = {0, 0}, n_last = 0;
    for (size_t i = one->n_tried; i < two->n_tried; i++) {
        const st_tune_candidate *c = &two->tried[i];
        assert_true(c->id >= 3 && c->id < 6);
        if (c->rung + 1 == two->n_rungs_planned)
            last[n_last++] = i;
    }
    assert_int_equal(n_last, 1); /* 3 candidates, eta 3: rungs of 3 and 1, no defaults */
    last[1] = last[0], last[0] = one->best;
    const st_tune_candidate *a = &two->tried[last[0]], *b = &two->tried[last[1]];
    assert_int_equal(two->best, better(p.metric, b->score.mean, a->score.mean) ? last[1]
                                                                                : last[0]);
    /* the second bracket's first rung: candidates 4 to 6 as a search of 6 draws them */
    p.n_brackets = 1, p.n_trials = 6;
    st_tune_result *six = tune(ds, &p);
    for (size_t i = 0; i < 3; i++) {
        const st_tune_candidate *x = &two->tried[one->n_tried + i], *y = &six->tried[3 + i];
        assert_int_equal(x->id, y->id);
        assert_true(x->logreg.lambda == y->logreg.lambda);
        assert_true(x->logreg.alpha == y->logreg.alpha);
        assert_int_equal(x->logreg.class_weight, y->logreg.class_weight);
    }
    st_tune_result_free(six);
    st_tune_result_free(two);
    st_tune_result_free(one);
    st_dataset_free(ds);
}

/* Trees as the resource: every rung on all rows, rung r of R with N / eta^(R-1-r) trees;
 * the best's score on the last rung is st_cv_run's with N trees, and so is the defaults'. */
static void trees_as_the_resource(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(9); /* rungs of 9, 3 (+ the defaults), 1 (+ them) */
    p.cv.family = ST_CV_GBDT;
    p.cv.gbdt.num_trees = 20;
    p.resource = ST_TUNE_RESOURCE_TREES;
    p.score_defaults = 1;
    st_tune_result *res = tune(ds, &p);
    assert_int_equal(res->n_rungs_run, 3);
    const int trees[3] = {2, 6, 20}; /* floor(20 / 9), floor(20 / 3), 20 */
    for (size_t i = 0; i < res->n_tried; i++) {
        assert_int_equal(res->tried[i].n_rows, 155);
        assert_int_equal(res->tried[i].gbdt.num_trees, trees[res->tried[i].rung]);
    }
    size_t per_rung[3] = {0, 0, 0};
    for (size_t i = 0; i < res->n_tried; i++)
        per_rung[res->tried[i].rung]++;
    assert_int_equal(per_rung[0], 9);
    assert_true(per_rung[1] == 3 || per_rung[1] == 4); /* the defaults go on too */
    assert_true(per_rung[2] >= 1 && per_rung[2] <= 3); /* ceil(4 / 3) + the defaults */
    const st_tune_candidate *b = &res->tried[res->best];
    assert_int_equal(b->rung, 2);
    st_cv_params cp = st_cv_params_default();
    cp.family = ST_CV_GBDT;
    cp.gbdt = b->gbdt;
    cp.n_threads = 1;
    st_cv_result *cv = NULL;
    st_error err;
    assert_int_equal(st_cv_run(ds, &cp, &cv, &err), ST_OK);
    assert_true(b->score.mean == cv->summary[ST_METRIC_ROC_AUC].mean);
    st_cv_result_free(cv);
    cp.gbdt = st_gbdt_params_default();
    cp.gbdt.num_trees = 20;
    assert_int_equal(st_cv_run(ds, &cp, &cv, &err), ST_OK);
    assert_true(res->defaults[ST_METRIC_ROC_AUC].mean == cv->summary[ST_METRIC_ROC_AUC].mean);
    st_cv_result_free(cv);
    st_tune_result_free(res);
    st_dataset_free(ds);
}

static void expect_error(const st_dataset *ds, const st_tune_params *p, const char *message)
{
    st_tune_result *res = (st_tune_result *)ds; /* must become NULL */
    st_error err;
    assert_int_equal(st_tune_run(ds, p, &res, &err), ST_ERR_INVALID_ARG);
    assert_null(res);
    assert_string_equal(err.message, message);
}

static void bad_parameters(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    p.metric = ST_METRIC_F1;
    expect_error(ds, &p, "st_tune_run: metric 10: expected ST_METRIC_ROC_AUC, _PR_AUC, "
                 "_LOG_LOSS or _BRIER");
    p = logreg_params(0);
    expect_error(ds, &p, "st_tune_run: n_trials 0: expected 1 or more");
    p = logreg_params(3);
    p.time_budget = -1;
    expect_error(ds, &p, "st_tune_run: time_budget -1: expected a number of seconds >= 0 "
                 "(0: none)");
    p.time_budget = 2;
    expect_error(ds, &p, "st_tune_run: time_budget 2 needs a clock");
    p = logreg_params(3);
    p.eta = 1;
    expect_error(ds, &p, "st_tune_run: eta 1: expected 2 or more");
    p = logreg_params(3);
    p.n_brackets = 0;
    expect_error(ds, &p, "st_tune_run: n_brackets 0 (until the time budget is spent) needs a "
                 "time_budget > 0");
    p = logreg_params(3);
    p.resource = ST_TUNE_RESOURCE_TREES; /* logreg */
    expect_error(ds, &p, "st_tune_run: resource trees: expected family gbdt with "
                 "cv.gbdt.num_trees > 0 (the last rung's trees; the default number of trees "
                 "is chosen inside every fit, so the rows are the resource then)");
    p.cv.family = ST_CV_GBDT; /* the default number of trees: chosen by early stopping */
    expect_error(ds, &p, "st_tune_run: resource trees: expected family gbdt with "
                 "cv.gbdt.num_trees > 0 (the last rung's trees; the default number of trees "
                 "is chosen inside every fit, so the rows are the resource then)");
    p = logreg_params(3);
    p.nested_folds = 1;
    expect_error(ds, &p, "st_tune_run: nested_folds 1: expected 0 (none) or 2 or more");
    p = logreg_params(3);
    p.cv.family = (st_cv_family)7;
    expect_error(ds, &p, "st_tune_run: cv.family 7: expected ST_CV_LOGREG or ST_CV_GBDT");
    p = logreg_params(3);
    p.cv.n_repeats = 2;
    expect_error(ds, &p, "st_tune_run: cv: expected one repeat of folds made from cv.seed and "
                 "cv.groups (n_repeats 1, no fold_ids)");
    /* a fixed option out of its range is the trainer's message, through st_cv_run's */
    p = logreg_params(1);
    p.cv.family = ST_CV_GBDT;
    p.fixed = ST_TUNE_NUM_LEAVES;
    p.cv.gbdt.num_leaves = 1;
    st_tune_result *res = NULL;
    st_error err;
    assert_int_not_equal(st_tune_run(ds, &p, &res, &err), ST_OK);
    assert_null(res);
    assert_contains(err.message, "tune, candidate 1 on 155 rows: ");
    assert_contains(err.message, "num_leaves");
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(halving_keeps_the_top_third),
        cmocka_unit_test(best_score_is_cv_of_its_parameters),
        cmocka_unit_test(nested_of_one_candidate_is_cv),
        cmocka_unit_test(groups_never_split),
        cmocka_unit_test(same_on_one_and_two_threads),
        cmocka_unit_test(brackets_continue_the_draws),
        cmocka_unit_test(trees_as_the_resource),
        cmocka_unit_test(bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
