/* Identifier columns as a user meets them: wdbc.csv's 'id' trains as a feature unless
 * ignored; train (logreg, gbdt), cv and compare warn with the exact line (even with -q),
 * not with --ignore id; info notes it after the table and in json; and among the shipped
 * datasets only their documented identifiers are flagged (wdbc's id, diabetes130's
 * encounter_id; its patient_nbr repeats, about 70% distinct, and is not). */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20)
#include "cli_run.h"
#include "test_util.h"

#include <sys/stat.h>

#define WDBC STRATUM_DATASETS "/wdbc.csv"
#define WARNING "stratum: warning: " WDBC ": column 'id' has a different value in (almost) " \
    "every row, like a patient id or a row number, which a model can learn rows by; if it " \
    "is one, leave it out with --ignore id\n"

static char scratch_dir[] = "/tmp/stratum_cli_ids_XXXXXX";
static char model_path[600];

static int make_scratch(void **state)
{
    (void)state;
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(model_path, sizeof model_path, "%s/m.json", scratch_dir);
    return 0;
}

static int remove_scratch(void **state)
{
    (void)state;
    remove(model_path);
    rmdir(scratch_dir);
    return 0;
}

static void train_warns_even_quiet(void **state)
{
    (void)state;
    const char *families[] = {"logreg", "gbdt"};
    for (int k = 0; k < 2; k++) {
        run_result *r = run("train", families[k], WDBC, "--num-trees", "5", "-q", "-o",
                            model_path, NULL);
        if (k == 0) { /* logreg has no --num-trees */
            free(r);
            r = run("train", families[k], WDBC, "-q", "-o", model_path, NULL);
        }
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->err, WARNING);
        free(r);
        r = run("train", families[k], WDBC, "--ignore", "id", "-q", "-o", model_path, NULL);
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->err, "");
        free(r);
    }
}

static void cv_and_compare_warn(void **state)
{
    (void)state;
    run_result *r = run("cv", "logreg", "--lambda", "1e-4", WDBC, "--folds", "3", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, WARNING);
    free(r);
    r = run("cv", "logreg", "--lambda", "1e-4", WDBC, "--folds", "3", "--ignore", "id", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", WDBC, "--models", "logreg", "--weights", "none", "--folds", "3", "-q",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, WARNING);
    free(r);
}

static void info_notes_it(void **state)
{
    (void)state;
    run_result *r = run("info", WDBC, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    const char *note = "note: 'id' has a different value in (almost) every row: an identifier "
                       "or row number? If so, train with --ignore id\n";
    size_t len = strlen(r->out), nlen = strlen(note);
    assert_true(len > nlen);
    assert_string_equal(r->out + len - nlen, note); /* the last line */
    free(r);
    r = run("info", WDBC, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    const char *t = strstr(r->out, "\"looks_like_id\": true");
    assert_non_null(t);
    assert_null(strstr(t + 1, "\"looks_like_id\": true"));
    const char *name = strstr(r->out, "{\"name\": \"id\"");
    assert_non_null(name);
    assert_true(name < t && strchr(name, '}') > t); /* in id's entry */
    free(r);
}

/* Every shipped dataset: the notes are exactly the documented identifiers. */
static void shipped_datasets(void **state)
{
    (void)state;
    static const char *const files[][2] = {
        {"cervical_cancer.csv", ""},
        {"diabetes130.csv", "encounter_id"},
        {"hepatitis.csv", ""},
        {"sepsis_survival.csv", ""},
        {"thoracic_surgery.csv", ""},
        {"thyroid_sick.csv", ""},
        {"wdbc.csv", "id"},
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[600], notes[256] = "", *p = notes;
        snprintf(path, sizeof path, "%s/%s", STRATUM_DATASETS, files[k][0]);
        run_result *r = run("info", path, NULL);
        assert_int_equal(r->exit_code, 0);
        for (const char *s = r->out; (s = strstr(s, "\nnote: '")) != NULL; s++) {
            s += 8;
            size_t n = strcspn(s, "'");
            p += snprintf(p, sizeof notes - (size_t)(p - notes), "%s%.*s", p == notes ? "" : ",",
                          (int)n, s);
        }
        if (strcmp(notes, files[k][1]) != 0)
            fail_msg("%s: flagged '%s', expected '%s'", files[k][0], notes, files[k][1]);
        free(r);
    }
}

/* A column of free text is unique per row as an id is: the warning points to --text-col
 * (medical_abstracts' abstracts), and to --ignore only as the other way. */
static void free_text_points_to_text_col(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/abstracts.csv", scratch_dir);
    FILE *in = fopen(STRATUM_DATASETS "/medical_abstracts.csv", "r"), *out = fopen(path, "w");
    assert_true(in != NULL && out != NULL);
    char line[1 << 16];
    for (int k = 0; k < 301 && fgets(line, sizeof line, in) != NULL; k++)
        fputs(line, out);
    fclose(in);
    fclose(out);
    run_result *r = run("train", "logreg", path, "--ignore", "id", "--lambda", "0.1", "-q",
                        "-o", model_path, NULL);
    assert_int_equal(r->exit_code, 0);
    char want[1400];
    snprintf(want, sizeof want, "stratum: warning: %s: column 'abstract' holds a different "
             "text in (almost) every row, words like free text: read it as text with "
             "--text-col abstract (or leave it out with --ignore abstract)\n", path);
    assert_string_equal(r->err, want);
    free(r);
    r = run("train", "logreg", path, "--ignore", "id", "--text-col", "abstract", "--lambda",
            "0.1", "-q", "-o", model_path, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_string_equal(r->err, "");
    free(r);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(train_warns_even_quiet),
        cmocka_unit_test(cv_and_compare_warn),
        cmocka_unit_test(info_notes_it),
        cmocka_unit_test(shipped_datasets),
        cmocka_unit_test(free_text_points_to_text_col),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
