/* The proximal-Newton driver (src/logreg/logreg_driver.h) over a data form written here: a
 * separable quadratic "loss" L(b0, b) = (b0 - 1)^2 / 2 + sum_j (b_j - a_j)^2 / 2 whose
 * minimiser is known by hand. With the exact Newton step solver one step lands on it:
 * (b0, b) = (1, a) without a ridge, (1, a / 2) with l2 = 1 (F = sum_j a_j^2 / 4 there),
 * and the next iteration's decrement, 0, declares convergence. The line search asks the
 * form for the lengths 1, 1/2, 1/4, ... in order, as many per call as the form forms at
 * once, and stops after max_tries with the point unchanged; a form's failure, a
 * non-finite objective and the iteration limit end the fit as documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "logreg/logreg_driver.h"

#define P 3
static const double A[P] = {2, -4, 0.5};

typedef struct toy {
    double b0, b[P];  /* the current point */
    double l2;        /* the ridge its Hessian carries */
    size_t per_call;  /* lengths formed per try_steps call */
    int reject;       /* every trial's loss is +inf */
    int fail;         /* try_steps fails with ST_ERR_IO */
    int bad_loss;     /* the loss at the start is +inf */
    double t0s[64];   /* the first length of each try_steps call */
    int calls;
} toy;

static double toy_loss(double b0, const double *b)
{
    double s = 0.5 * (b0 - 1) * (b0 - 1);
    for (size_t j = 0; j < P; j++)
        s += 0.5 * (b[j] - A[j]) * (b[j] - A[j]);
    return s;
}

static st_status toy_at(void *ctx, double b0, const double *b, double *loss, st_error *err)
{
    toy *t = ctx;
    t->b0 = b0;
    memcpy(t->b, b, sizeof t->b);
    *loss = t->bad_loss ? INFINITY : toy_loss(b0, b);
    return ST_OK;
}

static st_status toy_gradient(void *ctx, double *ng0, double *ng, st_error *err)
{
    toy *t = ctx;
    *ng0 = -(t->b0 - 1);
    for (size_t j = 0; j < P; j++)
        ng[j] = -(t->b[j] - A[j]);
    return ST_OK;
}

static st_status toy_try(void *ctx, double b0, const double *b, double d0, const double *d,
                         double t0, size_t k, int want_next, double *loss, size_t *formed,
                         st_error *err)
{
    toy *t = ctx;
    if (t->fail)
        return st__fail(err, ST_ERR_IO, "toy: read failed");
    if (t->calls < 64)
        t->t0s[t->calls] = t0;
    t->calls++;
    *formed = k < t->per_call ? k : t->per_call;
    double tk = t0;
    for (size_t q = 0; q < *formed; q++, tk *= 0.5) {
        double bt[P];
        for (size_t j = 0; j < P; j++)
            bt[j] = b[j] + tk * d[j];
        loss[q] = t->reject ? INFINITY : toy_loss(b0 + tk * d0, bt);
    }
    return ST_OK;
}

static st_status toy_accept(void *ctx, double tt, double b0, const double *b, double *loss,
                            st_error *err)
{
    return toy_at(ctx, b0, b, loss, err);
}

static st_status toy_hessian(void *ctx, size_t every, double *h, st_error *err)
{
    toy *t = ctx;
    const size_t m = P + 1;
    for (size_t k = 0; k < m * m; k++)
        h[k] = 0;
    for (size_t k = 0; k < m; k++)
        h[k * m + k] = k == 0 ? 1 : 1 + t->l2;
    return ST_OK;
}

/* Runs the driver with the Newton step solver from b = 0. */
static st_status run(toy *t, double l2, int max_tries, int max_iter, double *b0, double *b,
                     st__lr_info *info, st_error *err)
{
    t->l2 = l2;
    st__lr_data data = {.ctx = t, .p = P, .max_tries = max_tries, .at = toy_at,
                        .gradient = toy_gradient, .try_steps = toy_try,
                        .accept = toy_accept, .hessian = toy_hessian};
    st__lr_newton_step *ns = st__lr_newton_step_new(0, P, NULL, NULL);
    assert_non_null(ns);
    st__lr_step step = st__lr_newton_step_solver(ns);
    st__lr_drive dr = {.what = "toy", .l2 = l2, .tol = 1e-12, .max_iter = max_iter};
    *b0 = 0;
    memset(b, 0, P * sizeof *b);
    st_status rc = st__lr_drive_run(&dr, &data, &step, b0, b, info, err);
    st__lr_newton_step_free(ns);
    return rc;
}

static void test_newton_lands(void **state)
{
    (void)state;
    toy t = {.per_call = 1};
    double b0, b[P];
    st__lr_info info;
    st_error err = {0};
    assert_int_equal(run(&t, 0, 60, 100, &b0, b, &info, &err), ST_OK);
    assert_true(b0 == 1);
    for (size_t j = 0; j < P; j++)
        assert_true(b[j] == A[j]);
    assert_int_equal(info.iterations, 1);
    assert_true(info.converged);
    assert_true(info.objective == 0);

    /* with the ridge: (1 + l2) b = a (the Cholesky factor of 2 is sqrt(2): within an
     * ulp or two of a / 2) */
    toy r = {.per_call = 4};
    assert_int_equal(run(&r, 1, 64, 100, &b0, b, &info, &err), ST_OK);
    assert_true(b0 == 1);
    for (size_t j = 0; j < P; j++)
        assert_true(fabs(b[j] - A[j] / 2) <= 4e-16 * fabs(A[j]));
    assert_int_equal(info.iterations, 1);
    assert_true(info.converged);
    assert_true(fabs(info.objective - (4 + 16 + 0.25) / 4) < 1e-14);
}

/* Every length rejected: 1, 1/2, ... in order, max_tries of them, the point unchanged. */
static void test_line_search_order(void **state)
{
    (void)state;
    double b0, b[P];
    st__lr_info info;
    st_error err = {0};
    toy one = {.per_call = 1, .reject = 1};
    assert_int_equal(run(&one, 0, 60, 100, &b0, b, &info, &err), ST_OK);
    assert_int_equal(one.calls, 60);
    for (int k = 0; k < 60; k++)
        assert_true(one.t0s[k] == ldexp(1, -k));
    toy four = {.per_call = 4, .reject = 1};
    assert_int_equal(run(&four, 0, 64, 100, &b0, b, &info, &err), ST_OK);
    assert_int_equal(four.calls, 16); /* 1, 1/16, 1/256, ...: four lengths a call */
    for (int k = 0; k < 16; k++)
        assert_true(four.t0s[k] == ldexp(1, -4 * k));
    assert_true(b0 == 0 && b[0] == 0 && b[1] == 0 && b[2] == 0);
    assert_int_equal(info.iterations, 0);
    assert_false(info.converged);
}

static void test_errors(void **state)
{
    (void)state;
    double b0, b[P];
    st__lr_info info;
    st_error err = {0};
    toy fail = {.per_call = 1, .fail = 1};
    assert_int_equal(run(&fail, 0, 60, 100, &b0, b, &info, &err), ST_ERR_IO);
    assert_string_equal(err.message, "toy: read failed");
    toy bad = {.per_call = 1, .bad_loss = 1};
    assert_int_equal(run(&bad, 0, 60, 100, &b0, b, &info, &err), ST_ERR_NUMERIC);
    assert_string_equal(err.message, "toy: objective is inf after 0 Newton iterations");
    /* the iteration limit: no step, not converged, the objective at the start */
    toy lim = {.per_call = 1};
    assert_int_equal(run(&lim, 0, 60, 0, &b0, b, &info, &err), ST_OK);
    assert_int_equal(lim.calls, 0);
    assert_int_equal(info.iterations, 0);
    assert_false(info.converged);
    assert_true(info.objective == toy_loss(0, b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newton_lands),
        cmocka_unit_test(test_line_search_order),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
