/* The drift API (stratum/drift.h) on values derived by hand: PSI of counts with an empty
 * bin and with shares below epsilon that are not 0, the chi-square survival function
 * against its closed forms (1 and 2 degrees of freedom), the 2 x 2 test with Yates's
 * correction, a KS statistic and p-value worked out from Smirnov's sum, small exact KS
 * p-values against SciPy's; st_drift_compare on small tables (bins, new levels, missing
 * shares, the same result for 1 and 2 threads, a column blank in every row of one file)
 * and its errors, with their exact texts. SciPy's own values are checked in
 * tests/eval/drift_vs_scipy.py. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

static void test_psi_counts(void **state)
{
    (void)state;
    const size_t ref[4] = {50, 30, 20, 0}, cur[4] = {40, 30, 20, 10};
    double psi;
    assert_int_equal(st_drift_psi_counts(ref, cur, 4, 1e-4, &psi, NULL), ST_OK);
    /* (0.4 - 0.5) ln(0.4 / 0.5) + 0 + 0 + (0.1 - 0.0001) ln(0.1 / 0.0001) */
    const double want = -0.1 * log(0.8) + 0.0999 * log(1000.0);
    assert_true(fabs(psi - want) < 1e-15);
    st_error err;
    assert_int_equal(st_drift_psi_counts(ref, cur, 4, 0.5, &psi, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "drift PSI: epsilon 0.5 is not in (0, 0.01]");
    const size_t zero[4] = {0, 0, 0, 0};
    assert_int_equal(st_drift_psi_counts(ref, zero, 4, 1e-4, &psi, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "drift PSI: the new counts are all 0");
    assert_true(isnan(psi));
    /* a share below epsilon but not 0 stays as it is: one row in 20000 (5e-5) moves from
     * one rare bin to another. Bin 1: p = 5e-5, q = 0 -> 1e-4; bin 2 the mirror image:
     * each adds (1e-4 - 5e-5) ln 2, so 1e-4 ln 2 (flooring every small share at 1e-4
     * would make it 0) */
    const size_t r3[3] = {19999, 1, 0}, c3[3] = {19999, 0, 1};
    assert_int_equal(st_drift_psi_counts(r3, c3, 3, 1e-4, &psi, NULL), ST_OK);
    assert_true(fabs(psi - 1e-4 * log(2.0)) < 1e-18);
    /* the recoding of docs/drift.md's motivation: 36000 rows alike, then 2000 codes of 2
     * rows each in the reference and 2000 other codes in the new file (5e-5 a code):
     * 4000 bins of (1e-4 - 5e-5) ln 2, 0.1386 (moderate) */
    size_t *rr = calloc(4001, sizeof *rr), *cc = calloc(4001, sizeof *cc);
    assert_non_null(rr);
    assert_non_null(cc);
    rr[0] = cc[0] = 36000;
    for (int k = 1; k <= 2000; k++)
        rr[k] = 2, cc[2000 + k] = 2;
    assert_int_equal(st_drift_psi_counts(rr, cc, 4001, 1e-4, &psi, NULL), ST_OK);
    assert_true(fabs(psi - 4000 * 5e-5 * log(2.0)) < 1e-12);
    free(rr);
    free(cc);
}

static void test_chi2(void **state)
{
    (void)state;
    /* closed forms: dof 2 is exp(-x/2), dof 1 is erfc(sqrt(x/2)) */
    for (double x = 0.01; x < 200; x *= 1.7) {
        assert_true(fabs(st_drift_chi2_sf(x, 2) - exp(-x / 2)) <= 1e-14 * exp(-x / 2) + 1e-300);
        const double e = erfc(sqrt(x / 2));
        assert_true(fabs(st_drift_chi2_sf(x, 1) - e) <= 1e-13 * e + 1e-300);
    }
    /* dof 4: Q(2, x/2) = (1 + x/2) exp(-x/2) */
    assert_true(fabs(st_drift_chi2_sf(10, 4) - 6 * exp(-5.0)) < 1e-15);
    assert_true(st_drift_chi2_sf(0, 3) == 1);
    /* 2 x 2 with Yates: expected 12.5 and 17.5 in each row, |o - e| = 2.5 corrected to 2 */
    const size_t a[2] = {10, 20}, b[2] = {15, 15};
    double chi2, p;
    size_t dof;
    assert_int_equal(st_drift_chi2_counts(a, b, 2, &chi2, &dof, &p, NULL), ST_OK);
    const double want = 2 * 4 / 12.5 + 2 * 4 / 17.5;
    assert_true(fabs(chi2 - want) < 1e-12);
    assert_int_equal(dof, 1);
    assert_true(fabs(p - erfc(sqrt(want / 2))) < 1e-14);
    /* a level that neither has is left out: still 1 degree of freedom */
    const size_t a3[3] = {10, 0, 20}, b3[3] = {15, 0, 15};
    double chi2b;
    assert_int_equal(st_drift_chi2_counts(a3, b3, 3, &chi2b, &dof, &p, NULL), ST_OK);
    assert_true(chi2b == chi2 && dof == 1);
}

static void test_ks(void **state)
{
    (void)state;
    const float a[5] = {1, 2, 3, 4, 5}, b[6] = {3, 4, 5, 6, 7, 8};
    double d, p;
    assert_int_equal(st_drift_ks_sorted(a, 5, b, 6, &d, &p, NULL), ST_OK);
    /* F_a - F_b at 5: 1 - 3/6 */
    assert_true(d == 0.5);
    /* samples this small get the exact distribution: of the C(11, 5) = 462 interleavings
     * of 5 and 6 values, 165 reach D >= 1/2 (counted by enumerating them): 5/14 */
    assert_true(fabs(p - 5.0 / 14) < 1e-14);
    /* the asymptotic one at n = round(30 / 11) = 3 and d = 0.5: p = 2 P(D+_3 >= 0.5) =
     * 2 * 0.5 (2 * 0.5^3 + 3 (1/6)^2) = 1/3 (Smirnov's sum, j = 0 and 1) */
    assert_true(fabs(st_drift_kolmogorov_sf(0.5, 3) - 1.0 / 3) < 1e-14);
    /* exact by enumeration: m = n = 2, D = 1 on 2 of 6 paths; m = 3, n = 5, D >= 3/5 on 26
     * of 56; m = 2, n = 1: D >= 1/2 on every path */
    assert_int_equal(st_drift_ks_exact_pvalue(2, 2, 1.0, &p, NULL), ST_OK);
    assert_true(fabs(p - 1.0 / 3) < 1e-14);
    assert_int_equal(st_drift_ks_exact_pvalue(3, 5, 0.6, &p, NULL), ST_OK);
    assert_true(fabs(p - 13.0 / 28) < 1e-14);
    assert_int_equal(st_drift_ks_exact_pvalue(5, 3, 0.6, &p, NULL), ST_OK);
    assert_true(fabs(p - 13.0 / 28) < 1e-14);
    assert_int_equal(st_drift_ks_exact_pvalue(2, 1, 0.5, &p, NULL), ST_OK);
    assert_true(p == 1);
    assert_int_equal(st_drift_ks_exact_pvalue(2, 1, 0.0, &p, NULL), ST_OK);
    assert_true(p == 1);
    assert_true(st_drift_kolmogorov_sf(0, 100) == 1 && st_drift_kolmogorov_sf(1, 100) == 0);
    /* the p-value falls as D grows */
    double last = 1;
    for (double x = 0.001; x < 1; x += 0.003) {
        double q = st_drift_kolmogorov_sf(x, 5000);
        assert_true(q <= last + 1e-15 && q >= 0);
        last = q;
    }
    st_error err;
    assert_int_equal(st_drift_ks_sorted(a, 0, b, 6, &d, &p, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "drift KS: a sample is empty (no present values)");
    assert_int_equal(st_drift_ks_exact_pvalue(0, 6, 0.5, &p, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "drift KS exact: sizes 0 and 6 must be in 1..10000 and "
                                     "D = 0.5 in [0, 1]");
}

/* The exact p-value where it is small, against SciPy 1.10's ks_2samp(method='exact')
 * (its _attempt_exact_2kssamp at D = h / lcm(m, n); m = n by its own closed-form sum):
 * to 1e-9 relative, down to p = 6e-297. Computed as 1 - P(inside), such p-values came
 * out 0 or orders of magnitude off. */
static void test_ks_exact_small(void **state)
{
    (void)state;
    static const struct {
        size_t m, n;
        long h, lcm;
        double p;
    } c[] = {
        {800, 800, 239, 800, 6.816823070117629e-32},
        {500, 700, 866, 3500, 3.6766077883527794e-16},
        {2000, 3000, 815, 6000, 9.674072282631955e-20},
        {37, 53, 1373, 1961, 8.1253000819801e-11},
        {9000, 9500, 11611, 171000, 5.681929011712444e-19},
        {10000, 10000, 600, 10000, 4.547968691838038e-16},
        {3000, 7000, 4200, 21000, 5.913538312497564e-74},
        {5000, 6000, 10500, 30000, 6.0072876162108493e-297},
        {37, 53, 490, 1961, 0.10663263344761942},
        {123, 4567, 56174, 561741, 0.16996966886875856},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        double p = NAN;
        assert_int_equal(st_drift_ks_exact_pvalue(c[k].m, c[k].n, (double)c[k].h /
                                                  (double)c[k].lcm, &p, NULL), ST_OK);
        if (!(fabs(p - c[k].p) <= 1e-9 * c[k].p))
            fail_msg("m %zu n %zu: p %.17g, SciPy %.17g", c[k].m, c[k].n, p, c[k].p);
    }
}

static void test_auc_test(void **state)
{
    (void)state;
    double z, p;
    st_drift_auc_test(0.80, 0.0004, 0.75, 0.0005, &z, &p);
    assert_true(fabs(z - (-0.05 / sqrt(0.0009))) < 1e-12);
    assert_true(fabs(p - erfc(fabs(z) / sqrt(2.0))) < 1e-15);
    st_drift_auc_test(0.8, NAN, 0.7, 0.001, &z, &p);
    assert_true(isnan(z) && isnan(p));
}

static st_dataset *csv(const char *text)
{
    st_read_options opt = st_read_options_default();
    opt.label_required = 0;
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(text, strlen(text), "t.csv", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    return ds;
}

static const char ref_csv[] =
    "x,code,label\n1,A,0\n2,A,0\n3,B,1\n4,B,0\n5,C,0\n6,,0\n7,A,1\n8,B,0\n9,C,0\n10,A,0\n";
static const char new_csv[] =
    "x,code,label\n5,A,1\n6,Z,0\n7,Z,1\n8,B,0\n,Y,0\n12,A,0\n";

static void test_compare(void **state)
{
    (void)state;
    st_dataset *ref = csv(ref_csv), *cur = csv(new_csv);
    st_drift_options opt = st_drift_options_default();
    opt.n_bins = 5;
    st_drift_result *r = NULL, *r1 = NULL;
    st_error err;
    assert_int_equal(st_drift_compare(ref, cur, &opt, &r, &err), ST_OK);
    assert_int_equal(r->n_features, 2);
    assert_int_equal(r->n_reference, 10);
    assert_int_equal(r->n_new, 6);
    assert_true(fabs(r->prevalence_reference - 0.2) < 1e-15 &&
                fabs(r->prevalence_new - 2.0 / 6) < 1e-15);
    const st_drift_feature *x = &r->features[0], *c = &r->features[1];
    assert_string_equal(x->name, "x");
    /* edges at sorted positions k 9 / 5 = 1, 3, 5, 7: values 2, 4, 6, 8; bins (-inf,2]
     * (2,4] (4,6] (6,8] (8,inf) missing: ref 2 2 2 2 2 0, new 0 0 2 2 1 1 */
    const double p = 0.2, q[6] = {0, 0, 2.0 / 6, 2.0 / 6, 1.0 / 6, 1.0 / 6};
    double want = 0;
    for (int b = 0; b < 6; b++) {
        const double pp = b < 5 ? p : 1e-4, qq = q[b] > 0 ? q[b] : 1e-4;
        want += (qq - pp) * log(qq / pp);
    }
    assert_true(fabs(x->psi - want) < 1e-14);
    assert_int_equal(x->n_bins, 6);
    assert_int_equal(x->n_shares, 6);
    for (int b = 0; b < 6; b++) {
        assert_true(x->share_reference[b] == (b < 5 ? 0.2 : 0.0));
        assert_true(fabs(x->share_new[b] - q[b]) < 1e-15);
    }
    for (int b = 0; b < 4; b++)
        assert_true(x->edges[b] == 2.0 * (b + 1));
    assert_null(x->levels);
    assert_true(x->missing_reference == 0 && fabs(x->missing_new - 1.0 / 6) < 1e-15);
    /* D: F_ref - F_new at 4 is 0.4 - 0, at 8: 0.8 - 0.8; at 10: 1 - 0.8; max 0.4 at 4 */
    assert_true(fabs(x->ks_statistic - 0.4) < 1e-15);
    assert_true(isnan(x->chi2));
    /* code: levels A B C in ref (4 3 2, one missing), new A B Y Z (2 1 1 2) */
    assert_int_equal(c->type, ST_FEATURE_CATEGORICAL);
    assert_true(isnan(c->ks_statistic));
    assert_int_equal(c->n_new_levels, 2);
    assert_string_equal(c->new_levels[0].text, "Z"); /* most frequent first */
    assert_int_equal(c->new_levels[0].count, 2);
    assert_string_equal(c->new_levels[1].text, "Y");
    assert_int_equal(c->new_level_rows, 3);
    assert_true(fabs(c->missing_reference - 0.1) < 1e-15 && c->missing_new == 0);
    assert_int_equal(c->chi2_dof, 4); /* A B C Y Z */
    assert_int_equal(c->n_shares, 6);
    static const char *const lv[5] = {"A", "B", "C", "Y", "Z"};
    static const double sr[6] = {0.4, 0.3, 0.2, 0, 0, 0.1};
    static const double sn[6] = {2.0 / 6, 1.0 / 6, 0, 1.0 / 6, 2.0 / 6, 0};
    for (int b = 0; b < 6; b++) {
        if (b < 5)
            assert_string_equal(c->levels[b], lv[b]);
        assert_true(fabs(c->share_reference[b] - sr[b]) < 1e-15);
        assert_true(fabs(c->share_new[b] - sn[b]) < 1e-15);
    }
    assert_null(c->edges);
    /* one thread gives the same numbers */
    opt.n_threads = 1;
    assert_int_equal(st_drift_compare(ref, cur, &opt, &r1, &err), ST_OK);
    for (size_t j = 0; j < 2; j++)
        assert_memory_equal(&r->features[j].psi, &r1->features[j].psi, sizeof(double));
    assert_true(r->features[1].chi2_pvalue == r1->features[1].chi2_pvalue);
    st_drift_result_free(r);
    st_drift_result_free(r1);
    st_dataset_free(ref);
    st_dataset_free(cur);
}

/* A column blank in every new row (read as numeric: no value says otherwise) against a
 * categorical one in the reference: compared as categorical, all missing in new. By
 * hand: reference levels A 2, B 1, missing 1 of 4; new missing 3 of 3. PSI = (1e-4 - 0.5)
 * ln(1e-4 / 0.5) + (1e-4 - 0.25) ln(1e-4 / 0.25) + (1 - 0.25) ln(1 / 0.25); no chi-square
 * (new has no level); and the other way round, a blank reference column. */
static void test_blank_column(void **state)
{
    (void)state;
    st_dataset *ref = csv("code,x\nA,1\nA,2\nB,3\n,4\n"), *cur = csv("code,x\n,1\n,2\n,5\n");
    assert_int_equal(st_dataset_feature_type(cur, 0), ST_FEATURE_NUMERIC);
    st_drift_result *r = NULL;
    st_error err;
    assert_int_equal(st_drift_compare(ref, cur, NULL, &r, &err), ST_OK);
    const st_drift_feature *c = &r->features[0];
    assert_int_equal(c->type, ST_FEATURE_CATEGORICAL);
    const double want = (1e-4 - 0.5) * log(1e-4 / 0.5) + (1e-4 - 0.25) * log(1e-4 / 0.25) +
                        0.75 * log(4.0);
    assert_true(fabs(c->psi - want) < 1e-12);
    assert_true(c->missing_reference == 0.25 && c->missing_new == 1);
    assert_true(isnan(c->chi2) && isnan(c->chi2_pvalue));
    assert_int_equal(c->n_new_levels, 0);
    st_drift_result_free(r);
    /* reversed: the reference blank, new categorical: its levels are all new */
    assert_int_equal(st_drift_compare(cur, ref, NULL, &r, &err), ST_OK);
    c = &r->features[0];
    assert_int_equal(c->type, ST_FEATURE_CATEGORICAL);
    assert_true(c->missing_reference == 1 && c->missing_new == 0.25);
    assert_int_equal(c->n_new_levels, 2);
    assert_int_equal(c->new_level_rows, 3);
    st_drift_result_free(r);
    st_dataset_free(ref);
    st_dataset_free(cur);
}

static void expect_error(const char *ref_text, const char *new_text, st_status code,
                         const char *message)
{
    st_dataset *ref = csv(ref_text), *cur = csv(new_text);
    st_drift_options opt = st_drift_options_default();
    opt.reference_name = "ref.csv";
    opt.new_name = "new.csv";
    st_drift_result *r = (st_drift_result *)&opt; /* must come back NULL */
    st_error err;
    assert_int_equal(st_drift_compare(ref, cur, &opt, &r, &err), code);
    assert_null(r);
    assert_string_equal(err.message, message);
    st_dataset_free(ref);
    st_dataset_free(cur);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a,b\n1,2\n", "a\n1\n", ST_ERR_DATA,
                 "new.csv: no column 'b', which ref.csv has: the two files must have the "
                 "same columns");
    expect_error("a\n1\n", "a,c\n1,2\n", ST_ERR_DATA,
                 "new.csv: column 'c' is not in ref.csv: the two files must have the same "
                 "columns (leave it out with ignore)");
    expect_error("a\n1\n", "a\nx\n", ST_ERR_DATA,
                 "new.csv: column 'a' is categorical (text), but numeric in ref.csv (a value "
                 "that is not a number makes a column categorical)");
    /* an empty NEW: the readers refuse a file without rows themselves (tested in
     * drift_vs_scipy.py), and no public call builds a dataset of 0 rows */
    st_dataset *ref = csv("a\n1\n");
    st_drift_options opt = st_drift_options_default();
    st_drift_result *r = NULL;
    st_error err;
    opt.n_bins = 1;
    assert_int_equal(st_drift_compare(ref, ref, &opt, &r, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "drift: n_bins 1 is not in 2..1000");
    assert_int_equal(st_drift_compare(NULL, ref, NULL, &r, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_drift_compare: NULL argument");
    st_drift_result_free(NULL);
    st_dataset_free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psi_counts), cmocka_unit_test(test_chi2),
        cmocka_unit_test(test_ks), cmocka_unit_test(test_auc_test),
        cmocka_unit_test(test_ks_exact_small), cmocka_unit_test(test_compare),
        cmocka_unit_test(test_blank_column), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
