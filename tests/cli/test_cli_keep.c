/* stratum predict --keep: DATA's columns copied before 'p' exactly as DATA spells them
 * (an id with leading zeros, one with a quoted comma), in row order, for both model
 * families and with --contrib; the evaluate round trip (evaluate --scores on the file gives
 * the ROC-AUC that evaluate MODEL DATA gives: one metric computed two ways); LibSVM; and
 * the errors, with their exact text. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "test_util.h"

#include <math.h>
#include <sys/stat.h>

#define N_ROWS 120

static char scratch_dir[] = "/tmp/stratum_cli_keep_XXXXXX";
static char data_path[600], lr_model[600], gb_model[600], thr_model[600], out_path[600];
static char svm_path[600], svm_model[600];
static char ids[N_ROWS][16]; /* the id texts as written (unquoted) */

/* id of row i: five digits with leading zeros, except row 3 "A,7" (quoted in the file) */
static int make_scratch(void **state)
{
    (void)state;
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/cohort.csv", scratch_dir);
    snprintf(lr_model, sizeof lr_model, "%s/lr.model", scratch_dir);
    snprintf(gb_model, sizeof gb_model, "%s/gb.model", scratch_dir);
    snprintf(thr_model, sizeof thr_model, "%s/thr.model", scratch_dir);
    snprintf(out_path, sizeof out_path, "%s/out.csv", scratch_dir);
    snprintf(svm_path, sizeof svm_path, "%s/cohort.svm", scratch_dir);
    snprintf(svm_model, sizeof svm_model, "%s/svm.model", scratch_dir);
    FILE *f = fopen(data_path, "w"), *g = fopen(svm_path, "w");
    if (f == NULL || g == NULL)
        return -1;
    fprintf(f, "pid,dose,noise,outcome\n");
    unsigned long long s = 12345;
    for (int i = 0; i < N_ROWS; i++) {
        double u[3];
        for (int k = 0; k < 3; k++)
            u[k] = test_uniform(&s);
        double dose = 8 * u[0];
        int y = u[1] < 1 / (1 + exp(-(dose - 4)));
        if (i == 3)
            snprintf(ids[i], sizeof ids[i], "A,7");
        else
            snprintf(ids[i], sizeof ids[i], "%05d", 7 * i);
        fprintf(f, i == 3 ? "\"%s\",%.3f,%.3f,%d\n" : "%s,%.3f,%.3f,%d\n", ids[i], dose, u[2], y);
        fprintf(g, "%d 1:%.3f 2:%.3f\n", y, dose, u[2]);
    }
    if (fclose(f) != 0 || fclose(g) != 0)
        return -1;
    run_result *r[4] = {
        run("train", "logreg", "--lambda", "1e-4", data_path, "--label", "outcome", "--ignore", "pid", "-o",
            lr_model, "-q", NULL),
        run("train", "gbdt", "--num-trees", "100", data_path, "--label", "outcome", "--ignore", "pid", "--num-trees",
            "20", "--min-data-in-leaf", "5", "-o", gb_model, "-q", NULL),
        run("train", "logreg", "--lambda", "1e-4", data_path, "--label", "outcome", "--ignore", "pid",
            "--threshold", "0.4", "-o", thr_model, "-q", NULL),
        run("train", "logreg", "--lambda", "1e-4", svm_path, "-o", svm_model, "-q", NULL)};
    return all_succeeded(r, 4) ? 0 : -1;
}

static int remove_scratch(void **state)
{
    (void)state;
    const char *files[] = {data_path, lr_model, gb_model, thr_model, out_path, svm_path,
                           svm_model};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        remove(files[k]);
    rmdir(scratch_dir);
    return 0;
}

static char file_text[1 << 20];

/* Checks out_path: header starting with want_header, then row i starting with the id of
 * row i (CSV-quoted when it holds a comma) and ','. */
static void check_ids(const char *want_header)
{
    slurp(out_path, file_text, sizeof file_text);
    assert_int_equal(strncmp(file_text, want_header, strlen(want_header)), 0);
    const char *line = strchr(file_text, '\n') + 1;
    for (int i = 0; i < N_ROWS; i++) {
        char want[32];
        snprintf(want, sizeof want, strchr(ids[i], ',') ? "\"%s\"," : "%s,", ids[i]);
        if (strncmp(line, want, strlen(want)) != 0)
            fail_msg("row %d: '%.40s' does not start with '%s'", i, line, want);
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    assert_int_equal(*line, '\0');
}

static void keep_id_and_label_logreg(void **state)
{
    (void)state;
    run_result *r = run("predict", lr_model, data_path, "--keep", "pid,outcome", "-o", out_path,
                        NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    check_ids("pid,outcome,p\n");
    /* the label's text is DATA's, and p is the same as without --keep */
    r = run("predict", lr_model, data_path, NULL);
    assert_int_equal(r->exit_code, 0);
    const char *plain = strchr(r->out, '\n') + 1, *kept = strchr(file_text, '\n') + 1;
    FILE *f = fopen(data_path, "r");
    char row[128];
    assert_non_null(fgets(row, sizeof row, f)); /* header */
    for (int i = 0; i < N_ROWS; i++) {
        assert_non_null(fgets(row, sizeof row, f));
        char want[4096];
        size_t plen = strcspn(plain, "\n");
        snprintf(want, sizeof want, "%s,%c,%.*s", strchr(ids[i], ',') ? "\"A,7\"" : ids[i],
                 row[strlen(row) - 2], (int)plen, plain);
        assert_int_equal(strncmp(kept, want, strlen(want)), 0);
        assert_int_equal(kept[strlen(want)], '\n');
        plain += plen + 1;
        kept = strchr(kept, '\n') + 1;
    }
    fclose(f);
    free(r);
}

static void keep_id_gbdt_and_contrib(void **state)
{
    (void)state;
    run_result *r = run("predict", gb_model, data_path, "--keep", "pid", "-o", out_path, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    check_ids("pid,p\n");
    r = run("predict", gb_model, data_path, "--keep", "pid", "--contrib", "-o", out_path, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    check_ids("pid,p,contrib_dose,contrib_noise,bias\n");
    r = run("predict", lr_model, data_path, "--keep", "pid", "--contrib", "-o", out_path, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    check_ids("pid,p,contrib_dose,contrib_noise,bias\n");
}

/* The ROC-AUC line of evaluate's text output. */
static void roc_auc_line(const char *out, char *line, size_t size)
{
    const char *s = strstr(out, "\nROC-AUC ");
    assert_non_null(s);
    s++;
    size_t len = strcspn(s, "\n");
    assert_true(len < size);
    memcpy(line, s, len);
    line[len] = '\0';
}

static void evaluate_round_trip(void **state)
{
    (void)state;
    const char *models[] = {lr_model, gb_model};
    for (int k = 0; k < 2; k++) {
        run_result *r = run("predict", models[k], data_path, "--keep", "pid,outcome", "-o",
                            out_path, NULL);
        assert_int_equal(r->exit_code, 0);
        free(r);
        run_result *a = run("evaluate", "--scores", out_path, "--score-col", "p", "--label-col",
                            "outcome", NULL);
        run_result *b = run("evaluate", models[k], data_path, "--label", "outcome", NULL);
        assert_int_equal(a->exit_code, 0);
        assert_int_equal(b->exit_code, 0);
        char la[256], lb[256];
        roc_auc_line(a->out, la, sizeof la);
        roc_auc_line(b->out, lb, sizeof lb);
        assert_string_equal(la, lb); /* value and bootstrap CI */
        free(a);
        free(b);
    }
}

/* The thresholded prediction is 'predicted_label', never 'label' (evaluate --scores would
 * read it as the outcome); a kept column named 'label' keeps its name. */
static void kept_label_moves_predicted_label(void **state)
{
    (void)state;
    run_result *r = run("predict", thr_model, data_path, "--keep", "outcome", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "outcome,p,predicted_label\n", 26), 0);
    free(r);
    r = run("predict", svm_model, svm_path, "--keep", "label", "--threshold", "0.5", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "label,p,predicted_label\n", 24), 0);
    /* LibSVM: the label kept as 0/1, the first field of each line */
    FILE *f = fopen(svm_path, "r");
    char row[128];
    const char *line = strchr(r->out, '\n') + 1;
    for (int i = 0; i < N_ROWS; i++) {
        assert_non_null(fgets(row, sizeof row, f));
        assert_int_equal(line[0], row[0]);
        assert_int_equal(line[1], ',');
        line = strchr(line, '\n') + 1;
    }
    fclose(f);
    free(r);
}

static void errors(void **state)
{
    (void)state;
    /* a column DATA lacks is the data's failure (1), as --ignore's; the usage errors
     * below (2) are told from the command line alone */
    run_result *r = run("predict", lr_model, data_path, "--keep", "pid,patient", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_string_equal(r->out, "");
    char want[1400];
    snprintf(want, sizeof want, "stratum: %s: --keep: no column 'patient'; its columns "
             "include 'pid', 'dose', 'noise', 'outcome'\n", data_path);
    assert_string_equal(r->err, want);
    free(r);
    r = run("predict", gb_model, data_path, "--keep", "nope", "--contrib", NULL);
    assert_int_equal(r->exit_code, 1);
    assert_string_equal(r->out, "");
    assert_one_error_line(r, "no column 'nope'");
    free(r);
    r = run("predict", svm_model, svm_path, "--keep", "f1", NULL);
    assert_int_equal(r->exit_code, 1);
    snprintf(want, sizeof want, "stratum: %s: --keep 'f1': a LibSVM file's rows have no "
             "named columns; only 'label' (the first field of each line) can be kept\n",
             svm_path);
    assert_string_equal(r->err, want);
    free(r);
    r = run("predict", lr_model, data_path, "--keep", "p", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_string_equal(r->err, "stratum predict: --keep 'p': the output already has a "
                                "column of that name (see 'stratum predict --help')\n");
    free(r);
    r = run("predict", lr_model, data_path, "--keep", ",", NULL);
    assert_int_equal(r->exit_code, 2);
    assert_one_error_line(r, "--keep ',': expected column names separated by commas");
    free(r);
}

static void help_says_how_to_evaluate(void **state)
{
    (void)state;
    run_result *r = run("predict", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "--keep COLS"));
    assert_non_null(strstr(r->out, "stratum evaluate --scores pred.csv --score-col p "
                                   "--label-col outcome\n"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keep_id_and_label_logreg),
        cmocka_unit_test(keep_id_gbdt_and_contrib),
        cmocka_unit_test(evaluate_round_trip),
        cmocka_unit_test(kept_label_moves_predicted_label),
        cmocka_unit_test(errors),
        cmocka_unit_test(help_says_how_to_evaluate),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
