/* stratum tune's time budget (stratum/tune.h), on a fake clock that moves one second per
 * reading. The search reads the clock before each candidate and, through should_stop,
 * before each tree, solver iteration and fold of every cross-validation, so the readings
 * count the work and a budget of B readings cuts the search at a place that can be worked
 * out: the same search under a budget it never reaches says where each candidate and tree
 * ended. Then: the candidate running at reading B is stopped there (kept in the table,
 * unscored, not ranked), nothing reads the clock after it (no tree, iteration or fold ran
 * after the budget: only the refit, which does not read it), the candidates finished
 * before keep their scores, a budget inside the very first candidate fails with a clear
 * message, the defaults are scored on all rows only within the budget, a budget alone runs
 * whole brackets equal to that many brackets without it, and the caller's own
 * cv.should_stop fails the search (ST_ERR_CANCELLED) rather than ending it. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "test_util.h"

/* A clock that moves one second per reading. */
static double fake_clock(void *data)
{
    double *t = data;
    return (*t)++;
}

/* What the progress callbacks saw: the clock's count when each candidate finished, and
 * when each tree of the cross-validations was done. */
typedef struct watch {
    const double *t;
    double done_at[64];
    size_t n_done;
    double *tree_at;
    size_t n_trees, cap_trees;
} watch;

static void on_tune(const st_tune_progress *p, void *data)
{
    watch *w = data;
    if (p->event == ST_TUNE_CANDIDATE_DONE && w->n_done < 64)
        w->done_at[w->n_done++] = *w->t;
}

static int on_tree(const st_gbdt_progress *p, void *data)
{
    (void)p;
    watch *w = data;
    if (w->n_trees == w->cap_trees) {
        w->cap_trees = w->cap_trees ? 2 * w->cap_trees : 1024;
        w->tree_at = realloc(w->tree_at, w->cap_trees * sizeof *w->tree_at);
        assert_non_null(w->tree_at);
    }
    w->tree_at[w->n_trees++] = *w->t;
    return 0;
}

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
    p.cv.logreg.lambda = 0.01; /* candidate 1 without its inner CV: quick */
    return p;
}

static void assert_same_entry(const st_tune_candidate *a, const st_tune_candidate *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->rung, b->rung);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->stopped, 0);
    assert_int_equal(b->stopped, 0);
    assert_memory_equal(&a->score, &b->score, sizeof a->score);
}

/* A budget the search never reaches changes nothing (the entries of the search without
 * one); the clock's count when each candidate finished is where a budget would cut. */
static st_tune_result *uncut(const st_dataset *ds, st_tune_params p, watch *w)
{
    st_tune_result *plain = tune(ds, &p);
    double t = 0;
    w->t = &t;
    w->n_trees = 0; /* only the trees of the search under the budget */
    p.time_budget = 1e12;
    p.clock = fake_clock, p.clock_data = &t;
    p.progress = on_tune, p.progress_data = w;
    st_tune_result *res = tune(ds, &p);
    assert_int_equal(res->budget_spent, 0);
    assert_int_equal(res->n_tried, plain->n_tried);
    for (size_t i = 0; i < res->n_tried; i++)
        assert_same_entry(&res->tried[i], &plain->tried[i]);
    assert_int_equal(res->best, plain->best);
    assert_int_equal(w->n_done, res->n_tried);
    st_tune_result_free(plain);
    w->t = NULL;
    return res;
}

/* Logistic regression, 9 candidates: a budget that runs out inside candidate 5 of the
 * first rung stops it there; the four before keep their scores; the best is the top of
 * those four, on the first rung's rows; the clock is not read again. */
static void budget_stops_the_candidate_running(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(9);
    watch w = {0};
    st_tune_result *full = uncut(ds, p, &w);
    /* candidate 5 read the clock more than once per fold: at its solver's iterations */
    assert_true(w.done_at[4] - w.done_at[3] > 2 * 5);
    const double budget = floor((w.done_at[3] + w.done_at[4]) / 2); /* inside candidate 5 */
    assert_true(budget > w.done_at[3] && budget < w.done_at[4]);
    double t = 0;
    p.time_budget = budget;
    p.clock = fake_clock, p.clock_data = &t;
    st_tune_result *cut = tune(ds, &p);
    assert_int_equal(cut->budget_spent, 1);
    assert_int_equal(t, budget + 1); /* the reading at the budget stopped it: no other */
    assert_int_equal(cut->n_tried, 5);
    for (size_t i = 0; i < 4; i++)
        assert_same_entry(&cut->tried[i], &full->tried[i]);
    const st_tune_candidate *c = &cut->tried[4];
    assert_int_equal(c->id, 4);
    assert_int_equal(c->stopped, 1);
    assert_int_equal(c->promoted, 0);
    assert_true(isnan(c->score.mean));
    assert_int_equal(c->summary[ST_METRIC_ROC_AUC].defined, 0);
    assert_int_equal(cut->n_rungs_run, 1);
    size_t best = 0;
    for (size_t i = 1; i < 4; i++)
        if (cut->tried[i].score.mean > cut->tried[best].score.mean)
            best = i;
    assert_int_equal(cut->best, best);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(cut->tried[i].promoted, 0); /* no rung after */
    assert_non_null(cut->model); /* the refit, outside the budget */
    st_tune_result_free(cut);
    st_tune_result_free(full);
    st_dataset_free(ds);
}

/* Boosted trees of 200 trees a fit, every tree counted: under a budget that runs out in
 * the middle of candidate 2, exactly the trees the uncut search had grown before that
 * reading were grown, and not one more; the stopped candidate is in the table. */
static void a_slow_candidate_stops_at_the_next_tree(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    p.cv.family = ST_CV_GBDT;
    p.cv.gbdt.num_trees = 200;
    watch w = {0};
    st_gbdt_train_callbacks cb = {on_tree, &w, 0};
    p.cv.gbdt_callbacks = &cb;
    double t = 0;
    w.t = &t; /* the trees' readings of the uncut search */
    st_tune_result *full = uncut(ds, p, &w);
    /* candidate 2 read the clock once per tree at least (5 folds of 200), so the budget
     * can cut it between any two trees */
    assert_true(w.done_at[1] - w.done_at[0] >= 5 * 200);
    const double budget = floor((w.done_at[0] + w.done_at[1]) / 2);
    /* the trees the uncut search grew after a reading under the budget (a tree's count
     * is its question's reading + 1): those, and no more, are grown under it */
    size_t before = 0;
    while (before < w.n_trees && w.tree_at[before] - 1 < budget)
        before++;
    assert_true(before > 5 * 200 && before < 2 * 5 * 200); /* inside candidate 2 */
    w.n_trees = 0;
    w.n_done = 0;
    t = 0;
    w.t = &t;
    p.time_budget = budget;
    p.clock = fake_clock, p.clock_data = &t;
    p.progress = on_tune, p.progress_data = &w;
    st_error err;
    st_tune_result *cut = NULL;
    assert_int_equal(st_tune_run(ds, &p, &cut, &err), ST_OK);
    assert_int_equal(t, budget + 1);
    assert_int_equal(w.n_trees, before); /* (the refit is not given the callbacks) */
    assert_int_equal(cut->n_tried, 2);
    assert_same_entry(&cut->tried[0], &full->tried[0]);
    assert_int_equal(cut->tried[1].stopped, 1);
    assert_int_equal(cut->best, 0);
    assert_non_null(cut->model);
    free(w.tree_at);
    st_tune_result_free(cut);
    st_tune_result_free(full);
    st_dataset_free(ds);
}

/* A budget spent inside the first candidate: nothing to refit, a clear failure. */
static void nothing_finished_fails(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(9);
    double t = 0;
    p.time_budget = 3;
    p.clock = fake_clock, p.clock_data = &t;
    st_tune_result *res = (st_tune_result *)ds;
    st_error err;
    assert_int_equal(st_tune_run(ds, &p, &res, &err), ST_ERR_CANCELLED);
    assert_null(res);
    assert_int_equal(t, 4);
    test_assert_contains(err.message, "tune: the time budget of 3 s was spent before any "
                         "candidate finished its cross-validation (candidate 1 on ", __FILE__,
                         __LINE__);
    test_assert_contains(err.message, " rows was stopped); give a larger budget", __FILE__,
                         __LINE__);
    st_dataset_free(ds);
}

/* The defaults (not a candidate: start_from_defaults 0) are cross-validated on all rows
 * after the search, within the budget: a budget spent there leaves has_defaults 0. */
static void defaults_within_the_budget(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    p.start_from_defaults = 0;
    watch w = {0};
    st_tune_result *full = uncut(ds, p, &w);
    double t = 0;
    p.score_defaults = 1;
    p.time_budget = w.done_at[full->n_tried - 1] + 3; /* the search's end, then 2 readings */
    p.clock = fake_clock, p.clock_data = &t;
    st_tune_result *cut = tune(ds, &p);
    assert_int_equal(cut->n_tried, full->n_tried);
    assert_int_equal(cut->budget_spent, 1);
    assert_int_equal(cut->has_defaults, 0);
    assert_int_equal(t, p.time_budget + 1);
    assert_int_equal(cut->best, full->best);
    assert_non_null(cut->model);
    st_tune_result_free(cut);
    t = 0;
    p.time_budget = 1e12; /* the same defaults as without a budget */
    cut = tune(ds, &p);
    p.time_budget = 0, p.clock = NULL;
    st_tune_result *plain = tune(ds, &p);
    assert_int_equal(cut->has_defaults, 1);
    assert_memory_equal(cut->defaults, plain->defaults, sizeof cut->defaults);
    st_tune_result_free(plain);
    st_tune_result_free(cut);
    st_tune_result_free(full);
    st_dataset_free(ds);
}

static int bracket_started(const st_tune_progress *p, size_t b)
{
    return p->event == ST_TUNE_RUNG_START && p->rung == 0 && p->bracket == b;
}

/* The clock's count when bracket 3 (0-based) starts. */
typedef struct bracket_watch {
    const double *t;
    double at;
} bracket_watch;

static void on_bracket(const st_tune_progress *p, void *data)
{
    bracket_watch *w = data;
    if (bracket_started(p, 3))
        w->at = *w->t;
}

/* A budget alone (n_brackets 0) that runs out early in bracket 4: its first three brackets
 * are, entry for entry, the search of three brackets without a budget, and so is its best;
 * bracket 4's candidate running then is stopped. */
static void budget_alone_runs_brackets(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    double t = 0;
    bracket_watch bw = {&t, -1};
    p.n_brackets = 4;
    p.time_budget = 1e12;
    p.clock = fake_clock, p.clock_data = &t;
    p.progress = on_bracket, p.progress_data = &bw;
    st_tune_result *four = tune(ds, &p);
    assert_true(bw.at > 0);
    t = 0;
    p.n_brackets = 0;
    p.time_budget = bw.at + 2; /* two readings into bracket 4's first candidate */
    p.progress = NULL, p.progress_data = NULL;
    st_tune_result *cut = tune(ds, &p);
    assert_int_equal(cut->n_brackets_run, 4);
    assert_int_equal(cut->budget_spent, 1);
    p.time_budget = 0, p.clock = NULL;
    p.n_brackets = 3;
    st_tune_result *three = tune(ds, &p);
    assert_int_equal(cut->n_tried, three->n_tried + 1);
    for (size_t i = 0; i < three->n_tried; i++)
        assert_same_entry(&cut->tried[i], &three->tried[i]);
    const st_tune_candidate *c = &cut->tried[three->n_tried];
    assert_int_equal(c->stopped, 1);
    assert_int_equal(c->id, 9); /* bracket 4's first */
    assert_int_equal(cut->best, three->best);
    assert_int_equal(cut->n_rungs_run, three->n_rungs_run);
    st_tune_result_free(three);
    st_tune_result_free(cut);
    st_tune_result_free(four);
    st_dataset_free(ds);
}

static int stop_on(void *data)
{
    long *left = data;
    return --*left == 0;
}

/* The caller's cv.should_stop, with or without a budget: the search fails. */
static void callers_stop_fails_the_search(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_tune_params p = logreg_params(3);
    for (int budget = 0; budget < 2; budget++) {
        long left = 40;
        double t = 0;
        p.cv.should_stop = stop_on, p.cv.should_stop_data = &left;
        if (budget)
            p.time_budget = 1e12, p.clock = fake_clock, p.clock_data = &t;
        st_tune_result *res = (st_tune_result *)ds;
        st_error err;
        assert_int_equal(st_tune_run(ds, &p, &res, &err), ST_ERR_CANCELLED);
        assert_null(res);
        assert_int_equal(left, 0);
        test_assert_contains(err.message, "tune, candidate ", __FILE__, __LINE__);
        test_assert_contains(err.message, "stopped by should_stop", __FILE__, __LINE__);
    }
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(budget_stops_the_candidate_running),
        cmocka_unit_test(a_slow_candidate_stops_at_the_next_tree),
        cmocka_unit_test(nothing_finished_fails),
        cmocka_unit_test(defaults_within_the_budget),
        cmocka_unit_test(budget_alone_runs_brackets),
        cmocka_unit_test(callers_stop_fails_the_search),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
