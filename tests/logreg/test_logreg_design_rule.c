/* Which designs logistic regression builds sparse (st__lr_design_sparse,
 * src/logreg/logreg_design.h), on the cases whose timings chose the rule: a design is
 * sparse when it is mostly zeros and either wide (more than 512 columns, at most a quarter
 * of the cells not 0) or narrower with at most a fifth of the cells not 0, for ridge from
 * 33 columns and with an L1 part from 201. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "logreg/logreg_design.h"

/* nnz of n rows with `dense` numeric columns (every row) and `codes` one-hot codes (one
 * column a row each) */
static size_t nonzeros(size_t n, size_t dense, size_t codes)
{
    return n * (dense + codes);
}

static void test_wide_designs(void **state)
{
    (void)state;
    /* diabetes130: 2,463 columns, ~50 a row */
    assert_true(st__lr_design_sparse(101766, 2463, nonzeros(101766, 40, 10), 0));
    assert_true(st__lr_design_sparse(101766, 2463, nonzeros(101766, 40, 10), 1));
    /* 600 columns, exactly a quarter of the cells: sparse; one more entry: dense */
    assert_true(st__lr_design_sparse(1000, 600, 150000, 0.5));
    assert_false(st__lr_design_sparse(1000, 600, 150001, 0.5));
    /* more rows than a 32-bit row index holds: dense */
    assert_false(st__lr_design_sparse((size_t)UINT32_MAX + 1, 2000, 1, 0));
}

static void test_narrow_ridge(void **state)
{
    (void)state;
    /* 26 numbers, a 200-level code and a few more: 248 columns, ~13% of the cells */
    assert_true(st__lr_design_sparse(20000, 248, nonzeros(20000, 28, 5), 0));
    /* 5 numbers and three 20-level codes: 65 columns, 12% */
    assert_true(st__lr_design_sparse(20000, 65, nonzeros(20000, 5, 3), 0));
    /* 30 numbers and a 100-level code: 130 columns, 24%, more than a fifth: dense */
    assert_false(st__lr_design_sparse(200000, 130, nonzeros(200000, 30, 1), 0));
    /* exactly a fifth of the cells: sparse */
    assert_true(st__lr_design_sparse(1000, 100, 20000, 0));
    assert_false(st__lr_design_sparse(1000, 100, 20001, 0));
    /* 32 columns: too narrow to gain; 33: sparse */
    assert_false(st__lr_design_sparse(1000, 32, 1000, 0));
    assert_true(st__lr_design_sparse(1000, 33, 1000, 0));
}

static void test_narrow_l1(void **state)
{
    (void)state;
    /* the dense design's Gram-matrix coordinate descent wins below 201 columns */
    assert_false(st__lr_design_sparse(20000, 65, nonzeros(20000, 5, 3), 1));
    assert_false(st__lr_design_sparse(200000, 200, nonzeros(200000, 10, 1), 0.5));
    /* 26 numbers and a 200-level code, 226 columns, 12%: sparse for the lasso too */
    assert_true(st__lr_design_sparse(200000, 226, nonzeros(200000, 26, 1), 1));
    assert_true(st__lr_design_sparse(200000, 201, nonzeros(200000, 10, 1), 0.5));
    /* but not when more than a fifth of the cells are not 0 */
    assert_false(st__lr_design_sparse(200000, 300, nonzeros(200000, 70, 1), 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wide_designs),
        cmocka_unit_test(test_narrow_ridge),
        cmocka_unit_test(test_narrow_l1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
