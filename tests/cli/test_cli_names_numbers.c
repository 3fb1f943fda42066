/* Column names and numbers a 32-bit float cannot hold, as users meet them:
 *   - whole numbers above 2^24 (record numbers, long codes) stored rounded and finite
 *     numbers beyond a float's range stored as infinity are counted with the first cell's
 *     position (st_column_cells: n_rounded, n_overflow), the same on 1 and 2 threads
 *     (a file large enough to be read in chunks), and the CLI warns in one line;
 *   - a column whose name holds a comma can be named in a list option in double quotes,
 *     the "no column" message quotes such names, and info's CSV table quotes them;
 *   - errors about a file's rows or columns found after reading name the file: a missing
 *     score (evaluate --scores), a model column the data lacks (gbdt predict), one class
 *     (train). */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 16)
#include "cli_run.h"
#include "test_util.h"

#include <stratum.h>

static char dir[] = "/tmp/stratum_cli_names_numbers_XXXXXX";
static char ids[600], big[600], names[600];

#define N_BIG 400000

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(ids, sizeof ids, "%s/ids.csv", dir);
    snprintf(big, sizeof big, "%s/big.csv", dir);
    snprintf(names, sizeof names, "%s/names.csv", dir);
    FILE *f = fopen(ids, "w");
    if (f == NULL)
        return -1;
    /* line 2 on: record numbers 10^15 + i (none a float), x, a huge value on line 5 */
    fprintf(f, "record,x,huge,label\n");
    for (int i = 0; i < 60; i++)
        fprintf(f, "%lld,%d,%s,%d\n", 1000000000000000LL + i, i % 7, i == 3 ? "1e39" : "2",
                (i % 3 == 0) ^ (i % 7 > 4));
    fclose(f);
    /* > 1 MB, so read in chunks on 2 threads: ids of 16,777,216 + i, of which the odd
       ones are not floats (from 2^24 to 2^25 floats are the even numbers) */
    if ((f = fopen(big, "w")) == NULL)
        return -1;
    fprintf(f, "id,x,label\n");
    for (long i = 0; i < N_BIG; i++)
        fprintf(f, "%ld,%ld,%ld\n", 16777216L + i, i % 11, i % 2);
    fclose(f);
    if ((f = fopen(names, "w")) == NULL)
        return -1;
    fprintf(f, "\"BP, systolic\",age,label\n");
    for (int i = 0; i < 40; i++)
        fprintf(f, "%d,%d,%d\n", 110 + i % 30, 40 + i % 17, i % 3 == 0);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(ids), remove(big), remove(names);
    rmdir(dir);
    return 0;
}

static void test_warnings(void **state)
{
    (void)state;
    run_result *r = run("info", ids, NULL);
    assert_int_equal(r->exit_code, 0);
    char want[4096];
    snprintf(want, sizeof want,
             "stratum: warning: %s: column 'record' (first at line 2, character 1): 60 whole "
             "numbers above 16,777,216 are stored rounded to 32-bit floats, so distinct values "
             "may have become equal (an identifier belongs in --ignore or --group-col, a code "
             "in --categorical)\n"
             "stratum: warning: %s: column 'huge' (first at line 5, character 20): 1 number "
             "beyond a 32-bit float's range (about 3.4e38) is read as infinity\n", ids, ids);
    assert_string_equal(r->err, want);
    free(r);
    /* an ignored column is not read as numbers: nothing to say */
    r = run("info", ids, "--ignore", "record,huge", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
}

static void read_big(int threads, st_column_cells *c)
{
    st_read_options o = st_read_options_default();
    o.n_threads = threads;
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv(big, &o, &ds, &err), ST_OK);
    assert_int_equal(st_dataset_column_cells(ds, 0, c, &err), ST_OK);
    st_column_cells x;
    assert_int_equal(st_dataset_column_cells(ds, 1, &x, &err), ST_OK);
    assert_int_equal(x.n_rounded + x.n_overflow, 0);
    assert_int_equal(x.lossy_line, 0);
    st_dataset_free(ds);
}

static void test_counts_on_threads(void **state)
{
    (void)state;
    long expected = 0; /* counted by hand: the ids whose float is another number */
    for (long i = 0; i < N_BIG; i++)
        expected += (double)(float)(16777216L + i) != (double)(16777216L + i);
    assert_int_equal(expected, N_BIG / 2);
    st_column_cells one, two;
    read_big(1, &one);
    read_big(2, &two);
    assert_int_equal(one.n_rounded, expected);
    assert_int_equal(two.n_rounded, expected);
    assert_int_equal(one.n_overflow + two.n_overflow, 0);
    assert_int_equal(one.lossy_line, 3); /* 16,777,217 */
    assert_int_equal(two.lossy_line, 3);
    assert_int_equal(one.lossy_column, 1);
}

static void test_names_with_commas(void **state)
{
    (void)state;
    run_result *r = run("info", names, "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\n\"BP, systolic\",numeric,0,"));
    free(r);
    r = run("info", names, "--ignore", "\"BP, systolic\"", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "systolic"));
    assert_non_null(strstr(r->out, "\nage,numeric,"));
    free(r);
    r = run("info", names, "--ignore", "BP, systolic", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "no column named 'BP' (asked to ignore it); the header has: \"BP, systolic\", "
                             "age, label");
    free(r);
    r = run("info", names, "--ignore", "\"BP, systolic", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_non_null(strstr(r->err, "unclosed quote"));
    free(r);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_errors_name_the_file(void **state)
{
    (void)state;
    char scores[620], one[620], model[620], want[1400];
    snprintf(scores, sizeof scores, "%s/scores.csv", dir);
    snprintf(one, sizeof one, "%s/one.csv", dir);
    snprintf(model, sizeof model, "%s/n.model", dir);
    write_text(scores, "p,label\n0.9,1\n0.2,0\n,1\n0.4,0\n");
    run_result *r = run("evaluate", "--scores", scores, NULL);
    assert_int_equal(r->exit_code, 1);
    snprintf(want, sizeof want, "%s: row 3 (of the rows read) has no score in column 'p'",
             scores);
    assert_one_error_line(r, want);
    free(r);
    write_text(one, "a,label\n1,1\n2,1\n3,1\n");
    const char *family[2] = {"logreg", "gbdt"};
    for (int k = 0; k < 2; k++) {
        r = run("train", family[k], one, "-o", model, NULL);
        assert_int_equal(r->exit_code, 1);
        snprintf(want, sizeof want, "stratum: %s: ", one);
        assert_true(strncmp(r->err, want, strlen(want)) == 0);
        free(r);
    }
    r = run("train", "gbdt", names, "--num-trees", "3", "-o", model, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("predict", model, ids, NULL);
    assert_int_equal(r->exit_code, 1);
    snprintf(want, sizeof want, "%s: feature 'BP, systolic' of the model is not in the dataset",
             ids);
    assert_one_error_line(r, want);
    free(r);
    remove(scores), remove(one), remove(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_counts_on_threads),
        cmocka_unit_test(test_names_with_commas),
        cmocka_unit_test(test_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
