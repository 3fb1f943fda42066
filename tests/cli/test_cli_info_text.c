/* What info and train say about awkward texts and numbers (tools/cmd_info.c,
 * tools/cli_data_warnings.c, src/logreg/logreg_design.c):
 *   - every infinity of a numeric column is warned about, whatever its spelling ('inf',
 *     'Infinity', '-inf', 1e400, as 4e38 always was), by info and by train gbdt, and
 *     logistic regression's refusal names the file's line and character;
 *   - a column none of whose cells reads as a number (decimal commas read without
 *     --decimal ,) is not said to "hold numbers except in 200 of its 200 cells";
 *   - info's text table shows a level holding a line end, tab or quote escaped inside
 *     double quotes (one table row per column), and a name with leading or trailing spaces
 *     quoted; json and csv keep the texts themselves, escaped as those formats escape. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

static char dir[] = "/tmp/stratum_cli_info_text_XXXXXX";
static char inf_csv[600], comma_csv[600], quoted_csv[600], model[600];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(inf_csv, sizeof inf_csv, "%s/inf.csv", dir);
    snprintf(comma_csv, sizeof comma_csv, "%s/comma.csv", dir);
    snprintf(quoted_csv, sizeof quoted_csv, "%s/quoted.csv", dir);
    snprintf(model, sizeof model, "%s/m.model", dir);
    FILE *a = fopen(inf_csv, "w"), *b = fopen(comma_csv, "w"), *q = fopen(quoted_csv, "w");
    if (a == NULL || b == NULL || q == NULL)
        return -1;
    fprintf(a, "x,z,label\n");
    fprintf(b, "x;label\n");
    fprintf(q, "\"Age \",note,label\n");
    for (int i = 0; i < 40; i++) {
        /* line 7 (data row 6) holds the first infinity; -inf and Infinity follow */
        fprintf(a, "%s,%d,%d\n", i == 5 ? "inf" : i == 9 ? "-inf" : i == 12 ? "Infinity"
                : i == 20 ? "1e400" : i % 2 ? "1.5" : "0.25", i % 7, i % 3 == 0);
        fprintf(b, "%d,%d;%d\n", i % 9, i % 4, i % 3 == 0);
        fprintf(q, "%d,%s,%d\n", 20 + i, i % 2 ? "\"left\nright\"" : "\"a\tb\"", i % 3 == 0);
    }
    fclose(a), fclose(b), fclose(q);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(inf_csv), remove(comma_csv), remove(quoted_csv), remove(model);
    rmdir(dir);
    return 0;
}

static void test_infinities_warned(void **state)
{
    (void)state;
    run_result *r = run("info", inf_csv, NULL);
    assert_int_equal(r->exit_code, 0);
    if (strstr(r->err, "column 'x' (first at line 7, character 1): 4 cells infinite as "
                       "written") == NULL)
        fail_msg("info's stderr: %s", r->err);
    free(r);
    r = run("info", inf_csv, "--format", "json", NULL); /* counted in the JSON too */
    assert_int_equal(r->exit_code, 0);
    if (strstr(r->out, "\"rounded\": 0, \"overflow\": 0, \"infinite\": 4}") == NULL)
        fail_msg("info's JSON: %s", r->out);
    free(r);
    r = run("train", "gbdt", inf_csv, "--num-trees", "2", "--threads", "1", "-q", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "warning: "));
    assert_non_null(strstr(r->err, "4 cells infinite as written"));
    free(r);
    r = run("train", "logreg", inf_csv, "--lambda", "0.1", "--threads", "1", "-q", "-o", model,
            NULL);
    assert_int_equal(r->exit_code, 1);
    if (strstr(r->err, "feature 'x' is +infinity in data row 6 (its first infinite cell in "
                       "the file: line 7, character 1") == NULL)
        fail_msg("train logreg's stderr: %s", r->err);
    free(r);
}

static void test_no_number_at_all(void **state)
{
    (void)state;
    run_result *r = run("info", comma_csv, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "except in 40 of its 40"));
    if (strstr(r->out, "note: none of the 40 cells of column 'x' reads as a number") == NULL)
        fail_msg("info's notes: %s", r->out);
    assert_non_null(strstr(r->out, "read the file with --decimal ,"));
    free(r);
}

static void test_info_text_escapes(void **state)
{
    (void)state;
    run_result *r = run("info", quoted_csv, NULL);
    assert_int_equal(r->exit_code, 0);
    /* one line per column: the table's rows start "   N  " */
    const char *row2 = strstr(r->out, "\n   2  note");
    assert_non_null(row2);
    const char *end = strchr(row2 + 1, '\n');
    assert_non_null(end);
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)(end - row2 - 1), row2 + 1);
    if (strstr(line, "\"left\\nright\" (20)") == NULL || strstr(line, "\"a\\tb\" (20)") == NULL)
        fail_msg("row 2: '%s'", line);
    assert_non_null(strstr(r->out, "\n   1  \"Age \"  "));
    free(r);
    /* json and csv carry the texts themselves */
    r = run("info", quoted_csv, "--format", "json", NULL);
    assert_non_null(strstr(r->out, "\"name\": \"Age \""));
    assert_non_null(strstr(r->out, "\"value\": \"left\\nright\""));
    free(r);
    r = run("info", quoted_csv, "--format", "csv", NULL);
    assert_non_null(strstr(r->out, "\nAge ,numeric,"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_infinities_warned),
        cmocka_unit_test(test_no_number_at_all),
        cmocka_unit_test(test_info_text_escapes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
