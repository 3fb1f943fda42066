/* The should_stop hook that stratum tune's time budget relies on (stratum/common.h), counted
 * call by call: boosted trees ask it before each tree (and in the early-stopping trainings
 * of the default number of trees), logistic regression wherever it tells progress (each
 * solver iteration, so each fit of a path and of choosing lambda), cross-validation before
 * each fold and through its fits. A hook that says stop on its k-th call fails the call
 * with ST_ERR_CANCELLED after exactly the work before that call (trees, iterations, folds
 * counted by the progress callbacks); a hook that never says stop is asked once per unit
 * of work and leaves the model byte for byte as without it. On two threads, where a
 * default fit's inner fits run side by side, it is asked on the calling thread only. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include <stratum.h>

#include "test_util.h"

/* Says stop on call number stop_at (1-based; 0: never). */
typedef struct counter {
    long calls, stop_at;
} counter;

static int count_stop(void *data)
{
    counter *c = data;
    return ++c->calls == c->stop_at;
}

/* Counts calls, says stop on call stop_at, and counts calls from a thread other than the
 * one that started the training (stratum/common.h: never). */
typedef struct thread_counter {
    counter c;
    thrd_t caller;
    long elsewhere;
} thread_counter;

static int count_stop_thread(void *data)
{
    thread_counter *t = data;
    t->elsewhere += !thrd_equal(thrd_current(), t->caller);
    return count_stop(&t->c);
}

static int count_tree(const st_gbdt_progress *p, void *data)
{
    (void)p;
    ++*(long *)data;
    return 0;
}

static void count_iteration(const st_logreg_progress *p, void *data)
{
    (void)p;
    ++*(long *)data;
}

static char *gbdt_text(const st_gbdt *m, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/stratum_test_tune_stop_%d_%s", (int)getpid(), name);
    st_error err;
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    char *text = read_all(path);
    remove(path);
    return text;
}

static char *logreg_text(const st_logreg *m, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/stratum_test_tune_stop_%d_%s", (int)getpid(), name);
    st_error err;
    assert_int_equal(st_logreg_save(m, path, &err), ST_OK);
    char *text = read_all(path);
    remove(path);
    return text;
}

/* 30 trees: asked 30 times, the same model; stopped on call 11: 10 trees were grown. */
static void gbdt_asks_before_each_tree(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 30;
    p.n_threads = 1;
    st_gbdt *plain = NULL, *asked = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(ds, &p, &plain, &err), ST_OK);
    counter c = {0, 0};
    p.should_stop = count_stop, p.should_stop_data = &c;
    long trees = 0;
    st_gbdt_train_callbacks cb = {count_tree, &trees, 0};
    assert_int_equal(st_gbdt_train_ex(ds, NULL, &p, &cb, &asked, &err), ST_OK);
    assert_int_equal(c.calls, 30);
    assert_int_equal(trees, 30);
    char *a = gbdt_text(plain, "a"), *b = gbdt_text(asked, "b");
    assert_string_equal(a, b);
    free(a), free(b);
    st_gbdt_free(asked);
    asked = NULL;
    c = (counter){0, 11};
    trees = 0;
    assert_int_equal(st_gbdt_train_ex(ds, NULL, &p, &cb, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(c.calls, 11);
    assert_int_equal(trees, 10);
    assert_int_equal(err.code, ST_ERR_CANCELLED);
    assert_string_equal(err.message, "boosted trees: stopped by should_stop after 10 of 30 "
                                     "trees");
    st_gbdt_free(plain);
    st_dataset_free(ds);
}

/* The trees a default training grows: each validation training best + 20 (early
 * stopping's patience), or ST_GBDT_AUTO_MAX_TREES, and the final one info.num_trees. */
static long trees_grown(const st_gbdt_auto_trees_info *info)
{
    long trees = info->num_trees;
    for (int f = 0; f < info->n_validations; f++) {
        const long grown = info->best[f] + ST_GBDT_AUTO_STOPPING_ROUNDS;
        trees += grown < ST_GBDT_AUTO_MAX_TREES ? grown : ST_GBDT_AUTO_MAX_TREES;
    }
    return trees;
}

/* The default number of trees: every tree of the early-stopping trainings and of the final
 * one asks (the trees the progress callback hears, of the final training alone, plus the
 * trainings' trees: at least one call per tree); the model is unchanged. On two threads,
 * where the early-stopping trainings run side by side, it is asked on the calling thread
 * only. */
static void gbdt_auto_trees_ask_too(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_gbdt_params p = st_gbdt_params_default();
    p.n_threads = 1;
    st_gbdt *plain = NULL, *asked = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(ds, &p, &plain, &err), ST_OK);
    st_gbdt_auto_trees_info info;
    assert_true(st_gbdt_auto_trees(plain, &info));
    counter c = {0, 0};
    p.should_stop = count_stop, p.should_stop_data = &c;
    assert_int_equal(st_gbdt_train(ds, &p, &asked, &err), ST_OK);
    assert_int_equal(c.calls, trees_grown(&info));
    char *a = gbdt_text(plain, "c"), *b = gbdt_text(asked, "d");
    assert_string_equal(a, b);
    free(a), free(b);
    st_gbdt_free(asked);
    asked = NULL;
    c = (counter){0, 3}; /* inside the first validation training */
    assert_int_equal(st_gbdt_train(ds, &p, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(c.calls, 3);
    /* two threads: the validation trainings side by side, the hook asked on the calling
     * thread only (fewer calls than trees grown), the same model; a stop on call 3 (the
     * calling thread's third tree) cancels the other thread's training too */
    thread_counter t = {{0, 0}, thrd_current(), 0};
    p.n_threads = 2;
    p.should_stop = count_stop_thread, p.should_stop_data = &t;
    assert_int_equal(st_gbdt_train(ds, &p, &asked, &err), ST_OK);
    assert_int_equal(t.elsewhere, 0);
    assert_true(t.c.calls >= info.num_trees && t.c.calls < trees_grown(&info));
    a = gbdt_text(plain, "g"), b = gbdt_text(asked, "h");
    assert_string_equal(a, b);
    free(a), free(b);
    st_gbdt_free(asked);
    asked = NULL;
    t = (thread_counter){{0, 3}, thrd_current(), 0};
    assert_int_equal(st_gbdt_train(ds, &p, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(t.c.calls, 3);
    assert_int_equal(t.elsewhere, 0);
    test_assert_contains(err.message, "stopped by should_stop after ", __FILE__, __LINE__);
    st_gbdt_free(plain);
    st_dataset_free(ds);
}

/* A path of 20 lambdas: asked exactly where progress is told (each iteration of each fit,
 * and between fits), the same coefficients; stopped on call k: the fits before it done. */
static void logreg_path_asks_at_each_iteration(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_logreg_params p = st_logreg_params_default();
    p.alpha = 0.5;
    p.n_threads = 1;
    st_logreg_path_options o = st_logreg_path_options_default();
    o.n_lambda = 20;
    st_logreg_path *plain = NULL, *asked = NULL;
    st_error err;
    assert_int_equal(st_logreg_path_fit(ds, &p, &o, &plain, &err), ST_OK);
    long told = 0;
    counter c = {0, 0};
    p.progress = count_iteration, p.progress_data = &told;
    p.should_stop = count_stop, p.should_stop_data = &c;
    assert_int_equal(st_logreg_path_fit(ds, &p, &o, &asked, &err), ST_OK);
    /* the driver's progress at each iteration is followed by the question; the path's own
     * progress after each fit is not (the next fit's iteration 0 asks) */
    assert_int_equal(c.calls, told - (long)o.n_lambda);
    assert_true(c.calls > (long)o.n_lambda);
    assert_int_equal(st_logreg_path_n_lambda(asked), 20);
    for (size_t l = 0; l < 20; l++)
        assert_memory_equal(st_logreg_path_coefs(plain, l), st_logreg_path_coefs(asked, l),
                            st_logreg_path_n_coefs(plain) * sizeof(double));
    st_logreg_path_free(asked);
    asked = NULL;
    const long k = c.calls / 2;
    c = (counter){0, k};
    assert_int_equal(st_logreg_path_fit(ds, &p, &o, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(c.calls, k);
    test_assert_contains(err.message, "lambda path, fit ", __FILE__, __LINE__);
    test_assert_contains(err.message, "stopped by should_stop after ", __FILE__, __LINE__);
    st_logreg_path_free(plain);
    st_dataset_free(ds);
}

/* The default lambda (inner cross-validation along the path): the same model file with a
 * hook that never stops, which is asked at least once per lambda of each inner path on one
 * thread; on two threads, where the inner paths run side by side, on the calling thread
 * only. */
static void logreg_default_lambda_unchanged(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_logreg_params p = st_logreg_params_default();
    p.n_threads = 1;
    st_logreg *plain = NULL, *asked = NULL;
    st_error err;
    assert_int_equal(st_logreg_train(ds, &p, &plain, &err), ST_OK);
    counter c = {0, 0};
    p.should_stop = count_stop, p.should_stop_data = &c;
    assert_int_equal(st_logreg_train(ds, &p, &asked, &err), ST_OK);
    st_logreg_lambda_choice ch;
    assert_true(st_logreg_lambda_choice_of(asked, &ch));
    assert_true(c.calls >= (long)(ch.n_folds * ch.n_lambda) / 2);
    char *a = logreg_text(plain, "e"), *b = logreg_text(asked, "f");
    assert_string_equal(a, b);
    free(a), free(b);
    st_logreg_free(asked);
    asked = NULL;
    /* two threads: the inner paths side by side, the hook asked on the calling thread
     * only (fewer calls than one thread's), the same model; a stop on call 3 cancels all */
    thread_counter t = {{0, 0}, thrd_current(), 0};
    p.n_threads = 2;
    p.should_stop = count_stop_thread, p.should_stop_data = &t;
    assert_int_equal(st_logreg_train(ds, &p, &asked, &err), ST_OK);
    assert_int_equal(t.elsewhere, 0);
    assert_true(t.c.calls > 0 && t.c.calls < c.calls);
    a = logreg_text(plain, "i"), b = logreg_text(asked, "j");
    assert_string_equal(a, b);
    free(a), free(b);
    st_logreg_free(asked);
    asked = NULL;
    t = (thread_counter){{0, 3}, thrd_current(), 0};
    assert_int_equal(st_logreg_train(ds, &p, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(t.c.calls, 3);
    assert_int_equal(t.elsewhere, 0);
    st_logreg_free(plain);
    st_dataset_free(ds);
}

static void count_fold(const st_cv_progress *p, void *data)
{
    if (p->event == ST_CV_FOLD_DONE)
        ++*(long *)data;
}

/* cv of 10 trees a fold: asked before each fold and each tree (11 calls a fold); stopped
 * on call 12, before fold 2: one fold done. The same result with a hook that never stops. */
static void cv_asks_before_each_fold(void **state)
{
    st_dataset *ds = test_read_shipped("hepatitis.csv");
    st_cv_params p = st_cv_params_default();
    p.family = ST_CV_GBDT;
    p.gbdt.num_trees = 10;
    p.n_threads = 1;
    st_cv_result *plain = NULL, *asked = NULL;
    st_error err;
    assert_int_equal(st_cv_run(ds, &p, &plain, &err), ST_OK);
    counter c = {0, 0};
    long folds = 0;
    p.should_stop = count_stop, p.should_stop_data = &c;
    p.progress = count_fold, p.progress_data = &folds;
    assert_int_equal(st_cv_run(ds, &p, &asked, &err), ST_OK);
    assert_int_equal(c.calls, 5 * 11);
    assert_memory_equal(plain->oof, asked->oof, plain->n_rows * sizeof *plain->oof);
    st_cv_result_free(asked);
    asked = NULL;
    c = (counter){0, 12};
    folds = 0;
    assert_int_equal(st_cv_run(ds, &p, &asked, &err), ST_ERR_CANCELLED);
    assert_null(asked);
    assert_int_equal(folds, 1);
    assert_string_equal(err.message, "gbdt, fold 2 of repeat 1: stopped by should_stop before "
                                     "the fold");
    c = (counter){0, 15}; /* fold 2's third tree */
    assert_int_equal(st_cv_run(ds, &p, &asked, &err), ST_ERR_CANCELLED);
    assert_string_equal(err.message, "gbdt, fold 2 of repeat 1: boosted trees: stopped by "
                                     "should_stop after 2 of 10 trees");
    /* a fit's own hook is its own: the cv's is not passed on over it */
    counter own = {0, 0};
    p.gbdt.should_stop = count_stop, p.gbdt.should_stop_data = &own;
    c = (counter){0, 0};
    assert_int_equal(st_cv_run(ds, &p, &asked, &err), ST_OK);
    assert_int_equal(c.calls, 5);
    assert_int_equal(own.calls, 5 * 10);
    st_cv_result_free(asked);
    st_cv_result_free(plain);
    st_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gbdt_asks_before_each_tree),
        cmocka_unit_test(gbdt_auto_trees_ask_too),
        cmocka_unit_test(logreg_path_asks_at_each_iteration),
        cmocka_unit_test(logreg_default_lambda_unchanged),
        cmocka_unit_test(cv_asks_before_each_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
