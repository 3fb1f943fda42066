/* stratum predict --contrib/--interactions and stratum explain as a user meets them: every
 * row's contributions sum to the log-odds of its predicted probability (logreg and gbdt,
 * parsed from the CSV), the right top feature with the right sign on a hand-built cohort,
 * --where on an ignored id column, the formats, and the errors with their exit codes. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"
#include "test_util.h"

#include <math.h>
#include <sys/stat.h>

#define WDBC STRATUM_DATASETS "/wdbc.csv"
#define THYROID STRATUM_DATASETS "/thyroid_sick.csv"

static char scratch_dir[] = "/tmp/stratum_cli_explain_XXXXXX";
static char data_path[600], lr_model[600], gb_model[600], wdbc_model[600], thy_model[600];
static char out_path[600];

/* 200 rows: 'dose' drives the risk (positives have higher doses), 'noise' does not, 'site'
 * a little; 'pid' an id the models ignore. Row 1 has the highest dose, row 2 the lowest. */
static int make_scratch(void **state)
{
    (void)state;
    if (mkdtemp(scratch_dir) == NULL)
        return -1;
    snprintf(data_path, sizeof data_path, "%s/cohort.csv", scratch_dir);
    snprintf(lr_model, sizeof lr_model, "%s/lr.model", scratch_dir);
    snprintf(gb_model, sizeof gb_model, "%s/gb.model", scratch_dir);
    snprintf(wdbc_model, sizeof wdbc_model, "%s/wdbc.model", scratch_dir);
    snprintf(thy_model, sizeof thy_model, "%s/thy.model", scratch_dir);
    snprintf(out_path, sizeof out_path, "%s/out.csv", scratch_dir);
    FILE *f = fopen(data_path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "pid,dose,noise,site,label\n");
    unsigned long long s = 987654321;
    for (int i = 0; i < 200; i++) {
        double u[3];
        for (int k = 0; k < 3; k++)
            u[k] = test_uniform(&s);
        double dose = i == 0 ? 10.0 : i == 1 ? 0.0 : 1 + 8 * u[0];
        int y = i == 0 ? 1 : i == 1 ? 0 : u[1] < 1 / (1 + exp(-(dose - 5)));
        fprintf(f, "ID%05d,%.3f,%.3f,%s,%d\n", 1000 + i, dose, u[2], i % 2 ? "a" : "b", y);
    }
    if (fclose(f) != 0)
        return -1;
    run_result *r[4] = {
        run("train", "logreg", "--lambda", "1e-4", data_path, "--ignore", "pid", "--lambda", "0.001", "-o",
            lr_model, "-q", NULL),
        run("train", "gbdt", "--num-trees", "100", data_path, "--ignore", "pid", "--num-trees", "30",
            "--min-data-in-leaf", "5", "-o", gb_model, "-q", NULL),
        run("train", "logreg", "--lambda", "1e-4", WDBC, "--ignore", "id", "--lambda", "0.01", "-o", wdbc_model,
            "-q", NULL),
        run("train", "gbdt", "--num-trees", "100", THYROID, "--num-trees", "20", "-o", thy_model, "-q", NULL)};
    return all_succeeded(r, 4) ? 0 : -1;
}

static int remove_scratch(void **state)
{
    (void)state;
    const char *files[] = {data_path, lr_model, gb_model, wdbc_model, thy_model, out_path};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        unlink(files[k]);
    return rmdir(scratch_dir);
}


static size_t count_fields(const char *line)
{
    size_t n = 1;
    int quoted = 0;
    for (; *line && *line != '\n'; line++) {
        quoted ^= *line == '"';
        n += !quoted && *line == ',';
    }
    return n;
}

/* Runs predict with `flag` into out_path and checks the table: the header's first field is
 * p and it has `fields` fields; every line's values after p sum to log(p / (1 - p)) within
 * 1e-9 (plus what a probability stored as a double can hold of the log-odds, 2^-53 / (p (1 -
 * p))). Returns the number of rows. */
static size_t check_sums(const char *model, const char *data, const char *flag, size_t fields,
                         const char *first_column)
{
    run_result *r = run("predict", flag, model, data, "-o", out_path, NULL);
    if (r->exit_code != 0)
        fail_msg("predict %s failed: %s", flag, r->err);
    free(r);
    char *text = read_all(out_path), *line = text;
    assert_int_equal(strncmp(line, "p,", 2), 0);
    assert_int_equal(count_fields(line), fields);
    assert_int_equal(strncmp(line + 2, first_column, strlen(first_column)), 0);
    size_t rows = 0, moved = 0;
    for (line = strchr(line, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
        char *end;
        double p = strtod(line, &end), sum = 0, last = 0;
        size_t n = 1;
        while (*end == ',') {
            last = strtod(end + 1, &end);
            sum += last;
            n++;
        }
        assert_int_equal(*end, '\n');
        assert_int_equal(n, fields);
        double logit = log(p) - log1p(-p), tol = 1e-9 + 4 * 0x1.0p-53 / (p * (1 - p));
        if (!(fabs(sum - logit) <= tol))
            fail_msg("%s %s row %zu: values sum to %.17g, log-odds of p %.17g", model, flag,
                     rows + 1, sum, logit);
        moved += fabs(sum - last) > 0.1; /* not a table of zeros and a bias */
    }
    assert_true(moved > rows / 10);
    free(text);
    return rows;
}

/* logreg on wdbc (30 numeric features) and on the cohort; gbdt on thyroid_sick (categorical
 * and missing values) and on the cohort: every row sums to the log-odds. */
static void contrib_rows_sum_to_log_odds(void **state)
{
    (void)state;
    assert_int_equal(check_sums(wdbc_model, WDBC, "--contrib", 32, "contrib_radius_mean"), 569);
    assert_int_equal(check_sums(lr_model, data_path, "--contrib", 5, "contrib_dose"), 200);
    assert_int_equal(check_sums(thy_model, THYROID, "--contrib", 31, "contrib_age"), 3772);
    assert_int_equal(check_sums(gb_model, data_path, "--contrib", 5, "contrib_dose"), 200);
    /* interactions: (3 + 1)^2 values per row, which sum to the log-odds as well */
    assert_int_equal(check_sums(gb_model, data_path, "--interactions", 17, "dose:dose"), 200);

    /* 70,000 rows: more than one block of the streamed output (65,536 rows) */
    char big[700];
    snprintf(big, sizeof big, "%s/big.csv", scratch_dir);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    fprintf(f, "dose,noise,site\n");
    for (int i = 0; i < 70000; i++)
        fprintf(f, "%.3f,%.3f,%s\n", (i % 1000) / 100.0, (i % 7) / 7.0,
                i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(check_sums(lr_model, big, "--contrib", 5, "contrib_dose"), 70000);
    unlink(big);
}

/* The last header field is bias; the interaction header ends with bias:bias. */
static void contrib_headers(void **state)
{
    (void)state;
    run_result *r = run("predict", "--contrib", lr_model, data_path, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "p,contrib_dose,contrib_noise,contrib_site,bias\n", 46), 0);
    free(r);
    r = run("predict", "--interactions", gb_model, data_path, NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, ",site:bias,bias:dose,bias:noise,bias:site,bias:bias\n"));
    free(r);
}

/* Row 1 (dose 10, the highest) has dose first among the features raising its risk; row 2
 * (dose 0) has it first among those lowering it; for both families. The number printed is
 * the row's dose column of predict --contrib. */
static void explain_top_feature_and_sign(void **state)
{
    (void)state;
    const char *models[2] = {lr_model, gb_model};
    for (int k = 0; k < 2; k++) {
        run_result *c = run("predict", "--contrib", models[k], data_path, NULL);
        assert_int_equal(c->exit_code, 0);
        const char *row1 = strchr(c->out, '\n') + 1, *row2 = strchr(row1, '\n') + 1;
        double dose1 = strtod(strchr(row1, ',') + 1, NULL);
        double dose2 = strtod(strchr(row2, ',') + 1, NULL);
        assert_true(dose1 > 0.5 && dose2 < -0.5);

        run_result *r = run("explain", models[k], data_path, "--rows", "1,2", "--top", "1",
                            "--format", "json", NULL);
        assert_int_equal(r->exit_code, 0);
        char expect[512];
        snprintf(expect, sizeof expect, "{\"row\": 1, \"p\": ");
        assert_non_null(strstr(r->out, expect));
        const char *up1 = strstr(r->out, "\"up\": [{\"feature\": \"dose\", \"value\": \"10\", "
                                         "\"contribution\": ");
        assert_non_null(up1);
        double shown = strtod(strstr(up1, "\"contribution\": ") + 16, NULL);
        assert_true(fabs(shown - dose1) <= 1e-12 * (1 + fabs(dose1)));
        const char *row2_json = strstr(r->out, "{\"row\": 2,");
        assert_non_null(row2_json);
        assert_non_null(strstr(row2_json, "\"down\": [{\"feature\": \"dose\", \"value\": \"0\""));
        free(r);

        r = run("explain", models[k], data_path, "--rows", "2", NULL);
        assert_int_equal(r->exit_code, 0);
        assert_non_null(strstr(r->out, "row 2: predicted risk "));
        /* the verb carries the sign: "lowers the log-odds by 7.01", never "by -7.01" */
        const char *dose = strstr(r->out, "dose = 0 lowers the log-odds by ");
        if (dose == NULL || !(dose[32] >= '0' && dose[32] <= '9'))
            fail_msg("text output lacks the dose sentence:\n%s", r->out);
        free(r);
        free(c);
    }
}

/* --where on the id column the model ignores (read as text, so wdbc's 8-digit ids match
 * exactly; as 32-bit floats 84348301 would be 84348304); csv and markdown name the row. */
static void explain_where_id(void **state)
{
    (void)state;
    run_result *r = run("explain", lr_model, data_path, "--ignore", "pid", "--where",
                        "pid=ID01001", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "row,p,log_odds,bias,direction,rank,feature,value,"
                                     "contribution\n2,", 60), 0);
    free(r);
    r = run("explain", wdbc_model, WDBC, "--ignore", "id", "--where", "id=84348301", "--format",
            "markdown", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "### Row 4: predicted risk ", 26), 0);
    free(r);
    /* without --ignore the id is an extra column of the data, which the model skips */
    r = run("explain", wdbc_model, WDBC, "--where", "id=84348301", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "row 4: ", 7), 0);
    free(r);
}

/* Without rows: every feature ranked by mean |contribution|; dose first for both families,
 * beside |std coef| (logreg) or split and gain (gbdt). */
static void explain_global_ranking(void **state)
{
    (void)state;
    run_result *r = run("explain", lr_model, data_path, "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "rank,feature,mean_abs_contrib,share,mean_contrib,"
                                     "abs_std_coef\n1,dose,", 61), 0);
    free(r);
    r = run("explain", gb_model, data_path, "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "\"n_rows\": 200, \"features\": [{\"rank\": 1, "
                                   "\"feature\": \"dose\""));
    assert_non_null(strstr(r->out, "\"split\": "));
    assert_non_null(strstr(r->out, "\"gain\": "));
    free(r);
    r = run("explain", gb_model, data_path, "--top", "2", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "(1 more; --top 0 lists every feature)"));
    free(r);
}

/* A calibrated model's risk is after its map while the contributions explain the log-odds
 * before it: every format says so and gives the probability those log-odds make (the line
 * read "predicted risk <0.1% (log-odds -5.74 ...)", two numbers that disagreed). */
static void explain_calibrated(void **state)
{
    (void)state;
    char model[700];
    snprintf(model, sizeof model, "%s/platt.model", scratch_dir);
    run_result *r = run("train", "logreg", data_path, "--ignore", "pid", "--lambda", "0.001",
                        "--recalibrate", "platt", "-o", model, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("explain", model, data_path, "--rows", "1", "--top", "1", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "(calibrated; before calibration "));
    free(r);
    r = run("explain", model, data_path, "--rows", "1", "--top", "1", "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_int_equal(strncmp(r->out, "row,p,p_uncalibrated,log_odds,bias,", 35), 0);
    free(r);
    r = run("explain", model, data_path, "--rows", "1", "--top", "1", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    const char *pu = strstr(r->out, "\"p_uncalibrated\": ");
    const char *lo = strstr(r->out, "\"log_odds\": ");
    assert_non_null(pu);
    assert_non_null(lo);
    const double p_uncalibrated = strtod(pu + 18, NULL), log_odds = strtod(lo + 12, NULL);
    assert_close(p_uncalibrated, 1 / (1 + exp(-log_odds)), 1e-12);
    free(r);
    /* an uncalibrated model: nothing of the kind */
    r = run("explain", lr_model, data_path, "--rows", "1", "--top", "1", "--format", "json", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "p_uncalibrated"));
    free(r);
    r = run("explain", lr_model, data_path, "--rows", "1", "--top", "1", NULL);
    assert_null(strstr(r->out, "calibrated"));
    free(r);
    unlink(model);
    /* a feature the data lacks: the message names the data, as predict's does */
    r = run("explain", lr_model, WDBC, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_non_null(strstr(r->err, WDBC ": feature 'dose' of the model is not in the dataset"));
    free(r);
}

/* Errors: one line, exit 2 for a usage error, 1 for what the data or model says. */
static void errors(void **state)
{
    (void)state;
    struct {
        const char *args[8];
        int code;
        const char *message;
    } cases[] = {
        {{"explain", lr_model, data_path, "--where", "nope=1"}, 1, "no column 'nope'"},
        {{"explain", lr_model, data_path, "--where", "pid=ID99999"}, 1,
         "no row of"},
        {{"explain", lr_model, data_path, "--rows", "3,201"}, 1,
         "--rows 201 is past the end"},
        {{"explain", lr_model, data_path, "--rows", "0"}, 2, "numbered from 1"},
        {{"explain", lr_model, data_path, "--rows", "2,x"}, 2, "'x' is not a row number"},
        {{"explain", lr_model, data_path, "--where", "pid"}, 2, "expected COLUMN=VALUE"},
        {{"explain", lr_model, data_path, "--rows", "1", "--where", "pid=ID01000"}, 2,
         "not both"},
        {{"explain", lr_model}, 2, "expected MODEL and DATA"},
        {{"predict", "--interactions", lr_model, data_path}, 2,
         "--interactions needs a gbdt model"},
        {{"predict", "--contrib", "--interactions", gb_model, data_path}, 2, "choose one"},
        {{"predict", "--contrib", lr_model, THYROID}, 1, "feature 'dose' of the model"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *const *a = cases[k].args;
        run_result *r = run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
        if (r->exit_code != cases[k].code)
            fail_msg("case %zu: exit %d, expected %d: %s", k, r->exit_code, cases[k].code, r->err);
        assert_one_error_line(r, cases[k].message);
        assert_string_equal(r->out, "");
        free(r);
    }
}

/* -o never replaces an input, and a failed run leaves an existing output untouched. */
static void output_file_safety(void **state)
{
    (void)state;
    run_result *r = run("predict", "--contrib", lr_model, data_path, "-o", data_path, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
    FILE *f = fopen(out_path, "w");
    fputs("old\n", f);
    fclose(f);
    r = run("predict", "--contrib", lr_model, THYROID, "-o", out_path, NULL);
    assert_int_equal(r->exit_code, 1);
    free(r);
    char *text = read_all(out_path);
    assert_string_equal(text, "old\n");
    free(text);
}

/* The streamed table of predict --contrib goes where -o says as st_file_write_atomic
 * would: a new file gets 0666 less the umask (not mkstemp's 0600); through a symbolic
 * link into the file it names, the link kept; into a FIFO, whose reader gets it whole,
 * the FIFO kept; a directory or a link to nothing is an error that creates nothing. */
static void output_destinations(void **state)
{
    (void)state;
    char plain[640], target[640], link[640], fifo[640], got[640], dangling[640];
    snprintf(plain, sizeof plain, "%s/plain.csv", scratch_dir);
    snprintf(target, sizeof target, "%s/target.csv", scratch_dir);
    snprintf(link, sizeof link, "%s/link.csv", scratch_dir);
    snprintf(fifo, sizeof fifo, "%s/contrib.fifo", scratch_dir);
    snprintf(got, sizeof got, "%s/from_fifo.csv", scratch_dir);
    snprintf(dangling, sizeof dangling, "%s/dangling.csv", scratch_dir);
    mode_t old_mask = umask(022);
    run_result *r = run("predict", "--contrib", lr_model, data_path, "-o", plain, NULL);
    umask(old_mask);
    assert_int_equal(r->exit_code, 0);
    free(r);
    struct stat st;
    assert_int_equal(stat(plain, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *want = read_all(plain);
    assert_true(strlen(want) > 100);

    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fputs("old\n", f);
    fclose(f);
    assert_int_equal(symlink("target.csv", link), 0);
    r = run("predict", "--contrib", lr_model, data_path, "-o", link, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *text = read_all(target);
    assert_string_equal(text, want);
    free(text);

    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t reader = fifo_reader_start(fifo, got);
    r = run("predict", "--contrib", lr_model, data_path, "-o", fifo, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_true(fifo_reader_done(reader));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    text = read_all(got);
    assert_string_equal(text, want);
    free(text);

    r = run("predict", "--contrib", lr_model, data_path, "-o", scratch_dir, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is a directory");
    free(r);
    assert_int_equal(symlink("nothing.csv", dangling), 0);
    r = run("predict", "--contrib", lr_model, data_path, "-o", dangling, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "symbolic link to a file that does not exist");
    free(r);
    char nothing[640];
    snprintf(nothing, sizeof nothing, "%s/nothing.csv", scratch_dir);
    assert_int_equal(access(nothing, F_OK), -1);
    assert_int_equal(lstat(dangling, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    free(want);
    const char *made[] = {plain, target, link, fifo, got, dangling};
    for (size_t k = 0; k < sizeof made / sizeof made[0]; k++)
        unlink(made[k]);
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *s = text; (s = strstr(s, what)) != NULL; s++)
        n++;
    return n;
}

/* --report: rows give one bar per listed feature (dose raising row 1's risk); the ranking
 * two bar charts (mean |contribution| and gain) of every feature; an input is never the
 * report. */
static void explain_report(void **state)
{
    (void)state;
    char html[700];
    snprintf(html, sizeof html, "%s/explain.html", scratch_dir);
    run_result *r = run("explain", gb_model, data_path, "--rows", "1", "--top", "1",
                        "--report", html, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char *text = read_all(html);
    assert_non_null(strstr(text, "Row 1: predicted risk"));
    assert_non_null(strstr(text, "dose = 10"));
    assert_true(count(text, "<rect class=\"bar\"") >= 1 && count(text, "<rect class=\"bar\"") <= 2);
    free(text);
    r = run("explain", lr_model, data_path, "--report", html, "--format", "csv", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    text = read_all(html);
    assert_non_null(strstr(text, "Mean |contribution| to the log-odds"));
    assert_non_null(strstr(text, "|Standardised coefficient|"));
    assert_int_equal(count(text, "<rect class=\"bar\""), 2 * 3);
    free(text);
    unlink(html);
    r = run("explain", lr_model, data_path, "--report", data_path, NULL);
    assert_int_equal(r->exit_code, 1);
    assert_one_error_line(r, "is an input file");
    free(r);
}

/* --help of both commands documents the new options. */
static void help(void **state)
{
    (void)state;
    run_result *r = run("explain", "--help", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->out, "--rows LIST"));
    assert_non_null(strstr(r->out, "numbered from 1"));
    assert_non_null(strstr(r->out, "--where COL=VALUE"));
    free(r);
    r = run("predict", "--help", NULL);
    assert_non_null(strstr(r->out, "--contrib"));
    assert_non_null(strstr(r->out, "--interactions"));
    free(r);
    r = run("--help", NULL);
    assert_non_null(strstr(r->out, "explain"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contrib_rows_sum_to_log_odds),
        cmocka_unit_test(contrib_headers),
        cmocka_unit_test(explain_top_feature_and_sign),
        cmocka_unit_test(explain_where_id),
        cmocka_unit_test(explain_global_ranking),
        cmocka_unit_test(errors),
        cmocka_unit_test(output_file_safety),
        cmocka_unit_test(output_destinations),
        cmocka_unit_test(explain_report),
        cmocka_unit_test(explain_calibrated),
        cmocka_unit_test(help),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
