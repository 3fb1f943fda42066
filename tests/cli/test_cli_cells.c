/* Columns of numbers with a few cells that are not numbers, as a user meets them, on three
 * files of tests/fixtures/csv cut from the shipped datasets with planted cells:
 *   stray_text.csv     150 rows of wdbc, 'abc' in texture_mean (line 11, character 7);
 *   censored_lab.csv   200 rows of thyroid_sick: TSH holds '<0.005' (lines 6, 18), '>500'
 *                      (line 41) and 'pending' (line 61); T3 holds '<0.2' (line 9);
 *   decimal_comma.csv  stray_text's rows, ';'-delimited, with decimal commas (17,99).
 * Each trap: the exact warning (train, cv, compare; even with -q) and info's note; the fix
 * gives the model of the file with those cells written as the option says (blanked for
 * --numeric and --censored missing, the bound for --censored bound, '.' for --decimal ,),
 * byte for byte; --categorical silences it and changes nothing; bad option values and
 * names get their exact error. Predicting with a model whose numeric column the data reads
 * as categorical names the file, line, column and cell. Positions and counts are counted
 * by hand in the files. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "test_util.h"

#include <sys/stat.h>

#define CSV_DIR STRATUM_TEST_DATA "/csv"
#define STRAY CSV_DIR "/stray_text.csv"
#define LAB CSV_DIR "/censored_lab.csv"
#define COMMA CSV_DIR "/decimal_comma.csv"

#define STRAY_WARNING "stratum: warning: " STRAY ": column 'texture_mean' holds numbers except " \
    "in 1 of its 150 cells (line 11, character 7: 'abc'), so it is read as categorical with 143 " \
    "levels; --numeric texture_mean reads it as numbers (those cells become missing); " \
    "--categorical texture_mean keeps it categorical\n"
#define LAB_WARNING_TSH "stratum: warning: " LAB ": column 'TSH' holds numbers except in 4 of " \
    "its 185 cells (line 6, character 6: '<0.005'; also '>500', 'pending'), 3 of them censored " \
    "values such as <x or >x, so it is read as categorical with 82 levels; --numeric TSH " \
    "reads it as numbers (those cells become missing), and --censored bound or missing " \
    "reads <x and >x as x or as missing (default: text); --categorical TSH keeps it " \
    "categorical\n"
#define LAB_WARNING_T3 "stratum: warning: " LAB ": column 'T3' holds numbers except in 1 of " \
    "its 155 cells (line 9, character 10: '<0.2'), 1 of them censored values such as <x or >x, " \
    "so it is read as categorical with 33 levels; --numeric T3 reads it as numbers (those " \
    "cells become missing), and --censored bound or missing reads <x and >x as x or as " \
    "missing (default: text); --categorical T3 keeps it categorical\n"
#define COMMA_WARNING "stratum: warning: " COMMA ": 5 columns ('radius_mean', " \
    "'texture_mean', 'smoothness_mean', ...) hold numbers written with a decimal comma " \
    "(line 2, character 1: '17,99'), so they are read as categorical; read the file with " \
    "--decimal ,\n"

static char dir[] = "/tmp/stratum_cli_cells_XXXXXX";
static char path_a[600], path_b[600], path_fixed[600];

static int make_scratch(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path_a, sizeof path_a, "%s/a.json", dir);
    snprintf(path_b, sizeof path_b, "%s/b.json", dir);
    snprintf(path_fixed, sizeof path_fixed, "%s/fixed.csv", dir);
    return 0;
}

static int remove_scratch(void **state)
{
    (void)state;
    remove(path_a);
    remove(path_b);
    remove(path_fixed);
    rmdir(dir);
    return 0;
}

/* Writes src to path_fixed with every `from` replaced by `to` (pairs, NULL-ended): the file
 * as it reads with the fix, written by hand, not by stratum. */
static void write_fixed(const char *src, ...)
{
    char *text = read_all(src);
    va_list ap;
    va_start(ap, src);
    for (const char *from; (from = va_arg(ap, const char *)) != NULL;) {
        const char *to = va_arg(ap, const char *);
        size_t nf = strlen(from), nt = strlen(to), n = 0;
        for (const char *p = text; (p = strstr(p, from)) != NULL; p += nf)
            n++;
        assert_true(n > 0);
        char *out = malloc(strlen(text) + n * nt + 1), *o = out;
        assert_non_null(out);
        const char *p = text;
        for (const char *q; (q = strstr(p, from)) != NULL; p = q + nf) {
            memcpy(o, p, (size_t)(q - p));
            o += q - p;
            memcpy(o, to, nt);
            o += nt;
        }
        strcpy(o, p);
        free(text);
        text = out;
    }
    va_end(ap);
    FILE *f = fopen(path_fixed, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
}

static void assert_same_file(const char *a, const char *b)
{
    char *x = read_all(a), *y = read_all(b);
    assert_true(strlen(x) > 100);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

static void expect(run_result *r, int code, const char *err)
{
    if (r->exit_code != code)
        fail_msg("exit %d, expected %d; stderr: %s", r->exit_code, code, r->err);
    assert_string_equal(r->err, err);
    free(r);
}

/* Trap 1: one 'abc' in texture_mean. */
static void stray_text(void **state)
{
    (void)state;
    expect(run("train", "logreg", "--lambda", "1e-4", STRAY, "-q", "-o", path_a, NULL), 0, STRAY_WARNING);
    expect(run("train", "gbdt", "--num-trees", "100", STRAY, "--num-trees", "3", "-q", "-o", path_a, NULL), 0,
           STRAY_WARNING);
    expect(run("cv", "logreg", "--lambda", "1e-4", STRAY, "--folds", "3", "-q", NULL), 0, STRAY_WARNING);
    expect(run("compare", "--lambda", "1e-4", "--num-trees", "100", STRAY, "--models", "logreg", "--weights", "none", "--folds", "3",
               "-q", NULL), 0, STRAY_WARNING);
    /* --numeric: the model of the file with the cell blanked, and a line saying so */
    expect(run("train", "logreg", "--lambda", "1e-4", STRAY, "--numeric", "texture_mean", "-q", "-o", path_a,
               NULL), 0,
           "stratum: warning: " STRAY ": column 'texture_mean' is read as numbers (--numeric "
           "texture_mean): its 1 cell that is not a number (line 11, character 7: 'abc') is read "
           "as missing\n");
    write_fixed(STRAY, ",abc,", ",,", NULL);
    expect(run("train", "logreg", "--lambda", "1e-4", path_fixed, "-q", "-o", path_b, NULL), 0, "");
    assert_same_file(path_a, path_b);
    /* --categorical: the model of the default reading; here, with a level for almost every
     * row, the column looks like an identifier, which is said instead */
    expect(run("train", "logreg", "--lambda", "1e-4", STRAY, "--categorical", "texture_mean", "-q", "-o", path_a,
               NULL), 0,
           "stratum: warning: " STRAY ": column 'texture_mean' has a different value in "
           "(almost) every row, like a patient id or a row number, which a model can learn "
           "rows by; if it is one, leave it out with --ignore texture_mean\n");
    expect(run("train", "logreg", "--lambda", "1e-4", STRAY, "-q", "-o", path_b, NULL), 0, STRAY_WARNING);
    assert_same_file(path_a, path_b);
    /* info: the note is the last line, and no identifier note for the column */
    run_result *r = run("info", STRAY, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    const char *note = "note: column 'texture_mean' holds numbers except in 1 of its 150 "
                       "cells (line 11, character 7: 'abc'): read it with --numeric "
                       "texture_mean, or --categorical texture_mean\n";
    size_t len = strlen(r->out), nlen = strlen(note);
    assert_true(len > nlen);
    assert_string_equal(r->out + len - nlen, note);
    assert_null(strstr(r->out, "identifier"));
    free(r);
    r = run("info", STRAY, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"cells\": {\"numbers\": 149, \"censored\": 0, "
                                   "\"decimal_comma\": 0, \"text\": 1, \"made_missing\": 0, "
                                   "\"first_line\": 11, \"first_column\": 7, \"examples\": "
                                   "[\"abc\"], \"forced\": null, \"mostly_numeric\": true, "
                                   "\"rounded\": 0, \"overflow\": 0, \"infinite\": 0}"));
    free(r);
}

/* Trap 2: censored lab values, with 'pending' beside them. */
static void censored(void **state)
{
    (void)state;
    expect(run("train", "logreg", "--lambda", "1e-4", LAB, "-q", "-o", path_a, NULL), 0,
           LAB_WARNING_TSH LAB_WARNING_T3);
    /* bound: the numbers; 'pending' still makes TSH categorical unless --numeric */
    expect(run("train", "logreg", "--lambda", "1e-4", LAB, "--censored", "bound", "--numeric", "TSH", "-q", "-o",
               path_a, NULL), 0,
           "stratum: warning: " LAB ": column 'TSH' is read as numbers (--numeric TSH): of "
           "its 4 cells that are not numbers (line 6, character 6: '<0.005'; also '>500', "
           "'pending'), 1 is read as missing and 3 censored values as their bound "
           "(--censored bound)\n"
           "stratum: warning: " LAB ": column 'T3' is read as numbers: its 1 cell that is not "
           "a number (line 9, character 10: '<0.2') is a censored value read as its bound "
           "(--censored bound)\n");
    write_fixed(LAB, ",<0.005,", ",0.005,", ",>500,", ",500,", ",pending,", ",,", ",<0.2,",
                ",0.2,", NULL);
    expect(run("train", "logreg", "--lambda", "1e-4", path_fixed, "-q", "-o", path_b, NULL), 0, "");
    assert_same_file(path_a, path_b);
    /* missing: blanked */
    expect(run("train", "gbdt", "--num-trees", "100", LAB, "--censored", "missing", "--numeric", "TSH",
               "--num-trees", "5", "-q", "-o", path_a, NULL), 0,
           "stratum: warning: " LAB ": column 'TSH' is read as numbers (--numeric TSH): its 4 "
           "cells that are not numbers (line 6, character 6: '<0.005'; also '>500', 'pending') "
           "are read as missing\n"
           "stratum: warning: " LAB ": column 'T3' is read as numbers: its 1 cell that is not "
           "a number (line 9, character 10: '<0.2') is read as missing\n");
    write_fixed(LAB, ",<0.005,", ",,", ",>500,", ",,", ",pending,", ",,", ",<0.2,", ",,",
                NULL);
    expect(run("train", "gbdt", "--num-trees", "100", path_fixed, "--num-trees", "5", "-q", "-o", path_b, NULL), 0,
           "");
    assert_same_file(path_a, path_b);
    /* --categorical: silent, and the model of the default reading */
    expect(run("train", "logreg", "--lambda", "1e-4", LAB, "--categorical", "TSH,T3", "-q", "-o", path_a, NULL),
           0, "");
    expect(run("train", "logreg", "--lambda", "1e-4", LAB, "-q", "-o", path_b, NULL), 0,
           LAB_WARNING_TSH LAB_WARNING_T3);
    assert_same_file(path_a, path_b);
    /* error: the first one, with its place */
    expect(run("info", LAB, "--censored", "error", NULL), 1,
           "stratum: " LAB ":6:6: field 3 (TSH): '<0.005' is a censored value (a bound, not a "
           "measurement) and the censored policy is 'error'; expected a number, or choose "
           "--censored bound or missing\n");
    /* info counts censored values apart from other text */
    run_result *r = run("info", LAB, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"cells\": {\"numbers\": 181, \"censored\": 3, "
                                   "\"decimal_comma\": 0, \"text\": 1, \"made_missing\": 0, "
                                   "\"first_line\": 6, \"first_column\": 6, \"examples\": "
                                   "[\"<0.005\", \">500\", \"pending\"], \"forced\": null, "
                                   "\"mostly_numeric\": true, \"rounded\": 0, \"overflow\": 0, "
                                   "\"infinite\": 0}"));
    free(r);
}

/* Trap 3: a ';' file with decimal commas. */
static void decimal_comma(void **state)
{
    (void)state;
    expect(run("train", "logreg", "--lambda", "1e-4", COMMA, "-q", "-o", path_a, NULL), 0, COMMA_WARNING);
    expect(run("train", "logreg", "--lambda", "1e-4", COMMA, "--decimal", ",", "-q", "-o", path_a, NULL), 0, "");
    write_fixed(COMMA, ",", ".", NULL); /* the file's only commas are decimal marks */
    expect(run("train", "logreg", "--lambda", "1e-4", path_fixed, "-q", "-o", path_b, NULL), 0, "");
    assert_same_file(path_a, path_b);
    expect(run("info", STRAY, "--decimal", ",", NULL), 1,
           "stratum: " STRAY ": --decimal , needs a field delimiter other than ',', and this "
           "file's is ',' (detected); a file with decimal commas separates its fields with ';' "
           "or tab (--delimiter)\n");
    expect(run("info", COMMA, "--delimiter", ",", "--decimal", ",", NULL), 1,
           "stratum: " COMMA ": --decimal , needs a field delimiter other than ',', and this "
           "file's is ',' (as given); a file with decimal commas separates its fields with ';' "
           "or tab (--delimiter)\n");
}

/* Trap 4: a model's numeric column that the data to score reads as categorical. */
static void predict_type_mismatch(void **state)
{
    (void)state;
    write_fixed(STRAY, ",abc,", ",,", NULL);
    const char *error = "stratum: feature 'texture_mean' is numeric in the model but "
                        "categorical in " STRAY ": line 11, character 7 holds 'abc', which is not "
                        "a number (1 such cell); read the column as the model does with "
                        "--numeric texture_mean (such cells become missing; add the "
                        "--censored policy of training, if it had one: the model does not "
                        "record it)\n";
    const char *families[] = {"logreg", "gbdt"};
    for (int k = 0; k < 2; k++) {
        expect(run("train", families[k], path_fixed, "-q", "-o", path_a, NULL), 0, "");
        expect(run("predict", path_a, STRAY, NULL), 1, error);
        expect(run("evaluate", path_a, STRAY, NULL), 1, error);
        /* with --numeric, as at training: the predictions of the blanked file */
        run_result *r = run("predict", path_a, STRAY, "--numeric", "texture_mean", "-q", NULL);
        run_result *b = run("predict", path_a, path_fixed, NULL);
        assert_int_equal(r->exit_code, 0);
        assert_int_equal(b->exit_code, 0);
        assert_true(strlen(b->out) > 150 * 2);
        assert_string_equal(r->out, b->out);
        free(r);
        free(b);
    }
    /* the other way round: a model trained with --categorical, data of numbers */
    expect(run("train", "logreg", "--lambda", "1e-4", LAB, "--categorical", "TSH,T3", "-q", "-o", path_a, NULL),
           0, "");
    write_fixed(LAB, ",<0.005,", ",,", ",>500,", ",,", ",pending,", ",,", ",<0.2,", ",,",
                NULL);
    char other[1200];
    snprintf(other, sizeof other, "stratum: feature 'TSH' is categorical in the "
             "model but numeric in %s (every value is a number); read the column as the "
             "model does with --categorical TSH\n", path_fixed);
    expect(run("predict", path_a, path_fixed, NULL), 1, other);
}

/* Option values and column names that cannot be right. */
static void bad_options(void **state)
{
    (void)state;
    expect(run("info", STRAY, "--numeric", "texture", NULL), 1,
           "stratum: " STRAY ": --numeric names column 'texture', which is not a feature "
           "column of the file (names are matched exactly; the label, weight and ignored "
           "columns are not features)\n");
    expect(run("train", "logreg", "--lambda", "1e-4", STRAY, "--categorical", "label", "-o", path_a, NULL), 1,
           "stratum: " STRAY ": --categorical names column 'label', which is not a feature "
           "column of the file (names are matched exactly; the label, weight and ignored "
           "columns are not features)\n");
    /* options contradicting each other are usage errors (2), told before the file is
     * read; a column the file lacks is the data's failure (1), as above */
    expect(run("info", STRAY, "--numeric", "radius_mean,texture_mean", "--categorical",
               "texture_mean", NULL), 2,
           "stratum info: column 'texture_mean' is in both --numeric and --categorical; "
           "give it one type (see 'stratum info --help')\n");
    expect(run("train", "logreg", STRAY, "--weight-col", "radius_mean", "--weight-file",
               "w.txt", "-o", path_a, NULL), 2,
           "stratum train: --weight-col radius_mean and --weight-file w.txt exclude each "
           "other; give one (see 'stratum train --help')\n");
    expect(run("cv", "gbdt", STRAY, "--ignore", "id,label", NULL), 2,
           "stratum cv: --ignore label: it is the label column; it cannot also be ignored "
           "(see 'stratum cv --help')\n");
    expect(run("predict", path_a, STRAY, "--weight-col", "w", "--ignore", "w", NULL), 2,
           "stratum predict: --ignore w: it is the weight column; it cannot also be ignored "
           "(see 'stratum predict --help')\n");
    expect(run("evaluate", path_a, STRAY, "--weight-col", "outcome", "--label", "outcome",
               NULL), 2,
           "stratum evaluate: --weight-col outcome is the label column (see 'stratum "
           "evaluate --help')\n");
    /* the label named by position is one column with its name: only the file can tell */
    expect(run("info", STRAY, "--label", "#5", "--ignore", "label", NULL), 1,
           "stratum: column 'label' is the label column; it cannot also be ignored\n");
    expect(run("info", STRAY, "--censored", "drop", NULL), 2,
           "stratum: --censored 'drop': expected text, bound, missing or error\n");
    expect(run("info", STRAY, "--decimal", ";", NULL), 2,
           "stratum: --decimal ';': expected '.' or ','\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stray_text),
        cmocka_unit_test(censored),
        cmocka_unit_test(decimal_comma),
        cmocka_unit_test(predict_type_mismatch),
        cmocka_unit_test(bad_options),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
