/* When OpenBLAS/LAPACKE cannot be opened (here: STRATUM_NO_BLAS=1, the loader's documented
 * switch), an exact-Newton fit of 151 coefficients or more runs on the hand-written
 * Cholesky: `train` (and any other command that fits, such as `cv`) says so in one warning
 * line, and the model is the one LAPACK gives to
 * rounding (both fits converge to the same optimum: the check is the optimum, not our own
 * output). Without the switch, no warning. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#include <math.h>
#include <stratum.h>

#define ROWS 400
#define COLS 160 /* 161 coefficients: LAPACK's from ST__LR_LAPACK_MIN_M = 151 */

static const char *const WARNING =
    "stratum: warning: OpenBLAS/LAPACKE could not be opened (libopenblas0 and liblapacke, "
    "or STRATUM_NO_BLAS is set): the fit used stratum's hand-written Cholesky, slower from "
    "150 columns, and its model's last bits differ from one fitted with LAPACK\n";

static char csv_path[] = "/tmp/stratum_blas_XXXXXX";

/* A seeded table: COLS uniform columns, the label from a logistic model on the first 10. */
static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(csv_path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL)
        return -1;
    fprintf(f, "label");
    for (int j = 0; j < COLS; j++)
        fprintf(f, ",x%d", j);
    fprintf(f, "\n");
    unsigned long s = 12345;
    for (int i = 0; i < ROWS; i++) {
        double x[COLS], eta = 0;
        for (int j = 0; j < COLS; j++) {
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            x[j] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
            if (j < 10)
                eta += 2 * x[j];
        }
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        const double u = (double)(s >> 11) / 9007199254740992.0;
        fprintf(f, "%d", u < 1 / (1 + exp(-eta)));
        for (int j = 0; j < COLS; j++)
            fprintf(f, ",%.6f", x[j]);
        fprintf(f, "\n");
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(csv_path);
    return 0;
}

static run_result *train(const char *model, int no_blas)
{
    if (no_blas)
        setenv("STRATUM_NO_BLAS", "1", 1);
    run_result *r = run("train", "logreg", csv_path, "-o", model, "--lambda", "0.01",
                        "--alpha", "0", "--quiet", NULL);
    unsetenv("STRATUM_NO_BLAS");
    if (r->exit_code != 0)
        fprintf(stderr, "%s", r->err);
    assert_int_equal(r->exit_code, 0);
    return r;
}

static void test_fallback_stated(void **state)
{
    (void)state;
    char with[] = "/tmp/stratum_blas_with_XXXXXX", without[] = "/tmp/stratum_blas_no_XXXXXX";
    close(mkstemp(with));
    close(mkstemp(without));
    run_result *a = train(with, 0), *b = train(without, 1);
    assert_null(strstr(a->err, "OpenBLAS"));
    assert_string_equal(b->err, WARNING); /* the one line, and nothing else */
    st_logreg *ma = NULL, *mb = NULL;
    assert_int_equal(st_logreg_load(with, &ma, NULL), ST_OK);
    assert_int_equal(st_logreg_load(without, &mb, NULL), ST_OK);
    assert_int_equal(st_logreg_n_coefs(ma), COLS);
    assert_int_equal(st_logreg_n_coefs(mb), COLS);
    assert_true(fabs(st_logreg_intercept(ma) - st_logreg_intercept(mb)) < 1e-7);
    for (size_t k = 0; k < COLS; k++)
        assert_true(fabs(st_logreg_coefs(ma)[k] - st_logreg_coefs(mb)[k]) < 1e-7);
    st_logreg_free(ma);
    st_logreg_free(mb);
    unlink(with);
    unlink(without);
    free(a);
    free(b);
}

/* cv fits too: the same line, once, however many folds fell back. */
static void test_cv_states_it_once(void **state)
{
    (void)state;
    setenv("STRATUM_NO_BLAS", "1", 1);
    run_result *r = run("cv", "logreg", csv_path, "--lambda", "0.01", "--alpha", "0",
                        "--folds", "2", "--threshold-folds", "0", "-q", NULL);
    unsetenv("STRATUM_NO_BLAS");
    assert_int_equal(r->exit_code, 0);
    const char *first = strstr(r->err, WARNING);
    assert_non_null(first);
    assert_null(strstr(first + strlen(WARNING), "OpenBLAS"));
    free(r);
}

/* "0" and "" leave the libraries on. */
static void test_switch_values(void **state)
{
    (void)state;
    char model[] = "/tmp/stratum_blas_zero_XXXXXX";
    close(mkstemp(model));
    setenv("STRATUM_NO_BLAS", "0", 1);
    run_result *r = run("train", "logreg", csv_path, "-o", model, "--lambda", "0.01", "--alpha",
                        "0", "--quiet", NULL);
    unsetenv("STRATUM_NO_BLAS");
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->err, "OpenBLAS"));
    free(r);
    unlink(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fallback_stated),
        cmocka_unit_test(test_cv_states_it_once),
        cmocka_unit_test(test_switch_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
