/* Boosted trees take logistic regression's st_class_weight (stratum/common.h): class_weight
 * POSITIVE with positive_weight w trains the model of scale_pos_weight w (times
 * scale_pos_weight's own value), the same file byte for byte, with a fixed number of trees
 * and with trees chosen by early stopping; positives weighing w give, to rounding, the
 * model of unit class weights and row weights w on the positive rows (an independent
 * form of the same weights); bad values are refused by name. And one default seed,
 * ST_DEFAULT_SEED, in every params struct that has one. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stratum.h>

#include "test_util.h"

TEST_SCRATCH_DIR("stratum_gbdt_cw")

enum { N = 600, NF = 4 };

/* Seeded column-major features and labels (about 15% positive) and row weights w on the
 * positives. */
static st_dataset *cohort(double w)
{
    static float x[N * NF], y[N], rw[N];
    unsigned long long s = 20261206ULL;
    for (size_t i = 0; i < N; i++) {
        double eta = -2.2;
        for (size_t j = 0; j < NF; j++) {
            x[j * N + i] = (float)(2 * test_uniform(&s) - 1);
            eta += (j + 1) * 0.7 * x[j * N + i];
        }
        y[i] = test_uniform(&s) < 1 / (1 + exp(-eta)) ? 1.0f : 0.0f;
        rw[i] = y[i] != 0 ? (float)w : 1.0f;
    }
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_from_arrays(N, NF, x, y, w != 1 ? rw : NULL, NULL, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

/* The saved model file of a training of ds with prm. */
static char *model_file(const st_dataset *ds, const st_gbdt_params *prm, const char *name)
{
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(ds, prm, &m, &err) != ST_OK)
        fail_msg("st_gbdt_train: %s", err.message);
    char path[sizeof tmpdir + 64];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(st_gbdt_save(m, path, &err), ST_OK);
    st_gbdt_free(m);
    char *text = read_all(path);
    assert_non_null(text);
    return text;
}

static void positive_is_scale_pos_weight(void **state)
{
    (void)state;
    st_dataset *ds = cohort(1);
    for (int trees = 0; trees <= 40; trees += 40) { /* 0: chosen by early stopping */
        st_gbdt_params a = st_gbdt_params_default(), b = a, c = a, d = a;
        a.num_trees = b.num_trees = c.num_trees = d.num_trees = trees;
        a.class_weight = ST_CLASS_WEIGHT_POSITIVE, a.positive_weight = 5;
        b.scale_pos_weight = 5; /* the CLI's --class-weight 5 */
        c.class_weight = ST_CLASS_WEIGHT_POSITIVE, c.positive_weight = 2, c.scale_pos_weight = 3;
        d.scale_pos_weight = 6;
        char *fa = model_file(ds, &a, "a"), *fb = model_file(ds, &b, "b");
        char *fc = model_file(ds, &c, "c"), *fd = model_file(ds, &d, "d");
        assert_string_equal(fa, fb);
        assert_string_equal(fc, fd);
        assert_non_null(strstr(fa, "\nscale_pos_weight 5\nclass_weight none\n"));
        /* and it is not the unweighted model */
        st_gbdt_params e = a;
        e.class_weight = ST_CLASS_WEIGHT_NONE; /* positive_weight then plays no part */
        char *fe = model_file(ds, &e, "e");
        assert_true(strcmp(fa, fe) != 0);
        assert_non_null(strstr(fe, "\nscale_pos_weight 1\nclass_weight none\n"));
        free(fa), free(fb), free(fc), free(fd), free(fe);
    }
    st_dataset_free(ds);
}

static void positive_is_row_weights(void **state)
{
    (void)state;
    st_dataset *plain = cohort(1), *weighted = cohort(4);
    st_gbdt_params a = st_gbdt_params_default();
    a.num_trees = 30;
    st_gbdt_params b = a;
    a.class_weight = ST_CLASS_WEIGHT_POSITIVE, a.positive_weight = 4;
    st_gbdt *ma = NULL, *mb = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(plain, &a, &ma, &err), ST_OK);
    assert_int_equal(st_gbdt_train(weighted, &b, &mb, &err), ST_OK);
    double pa[N], pb[N];
    assert_int_equal(st_gbdt_predict(ma, plain, ST_GBDT_PROBABILITY, 1, pa, N, &err), ST_OK);
    assert_int_equal(st_gbdt_predict(mb, plain, ST_GBDT_PROBABILITY, 1, pb, N, &err), ST_OK);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < N; i++) {
        assert_close(pa[i], pb[i], 1e-12);
        lo = fmin(lo, pa[i]), hi = fmax(hi, pa[i]);
    }
    assert_true(hi - lo > 0.5); /* the trees did split */
    st_gbdt_free(ma), st_gbdt_free(mb);
    st_dataset_free(plain), st_dataset_free(weighted);
}

static void bad_class_weights_are_refused(void **state)
{
    (void)state;
    st_gbdt_params p = st_gbdt_params_default();
    p.class_weight = ST_CLASS_WEIGHT_POSITIVE;
    assert_null(st_gbdt_params_check(&p)); /* positive_weight 1 by default */
    const double bad[] = {0, -1, NAN, INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        p.positive_weight = bad[k];
        assert_string_equal(st_gbdt_params_check(&p), "positive_weight must be finite and > 0");
    }
    p.class_weight = ST_CLASS_WEIGHT_NONE; /* ignored without POSITIVE, as logreg's */
    assert_null(st_gbdt_params_check(&p));
    p.class_weight = (st_class_weight)3;
    assert_string_equal(st_gbdt_params_check(&p),
                        "class_weight must be none, balanced or positive");
    st_dataset *ds = cohort(1);
    st_gbdt *m = NULL;
    st_error err;
    assert_int_equal(st_gbdt_train(ds, &p, &m, &err), ST_ERR_INVALID_ARG);
    assert_null(m);
    assert_contains(err.message, "class_weight must be none, balanced or positive");
    st_dataset_free(ds);
    /* the deprecated names are the shared values */
    assert_int_equal(ST_GBDT_CLASS_WEIGHT_NONE, ST_CLASS_WEIGHT_NONE);
    assert_int_equal(ST_GBDT_CLASS_WEIGHT_BALANCED, ST_CLASS_WEIGHT_BALANCED);
}

static void one_default_seed(void **state)
{
    (void)state;
    assert_int_equal(ST_DEFAULT_SEED, 42);
    assert_true(st_gbdt_params_default().seed == ST_DEFAULT_SEED);
    assert_true(st_logreg_params_default().cv_seed == ST_DEFAULT_SEED);
    assert_true(st_folds_params_default().seed == ST_DEFAULT_SEED);
    assert_true(st_eval_params_default().seed == ST_DEFAULT_SEED);
    const st_cv_params cv = st_cv_params_default();
    assert_true(cv.seed == ST_DEFAULT_SEED && cv.gbdt.seed == ST_DEFAULT_SEED &&
                cv.logreg.cv_seed == ST_DEFAULT_SEED && cv.eval.seed == ST_DEFAULT_SEED);
    assert_true(st_cv_post_params_default().seed == ST_DEFAULT_SEED);
    assert_true(st_tune_params_default().cv.seed == ST_DEFAULT_SEED);
    assert_true(st_compare_params_default().cv.seed == ST_DEFAULT_SEED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positive_is_scale_pos_weight),
        cmocka_unit_test(positive_is_row_weights),
        cmocka_unit_test(bad_class_weights_are_refused),
        cmocka_unit_test(one_default_seed),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
