/* The training-rows fingerprint (stratum/dataset.h, "Training-rows fingerprint") as a user
 * meets it: datasets/thyroid_sick.csv is split by row number into a training file (rows
 * i % 10 < 7: 2,641 of the 3,772) and a held-out file (the other 1,131); both families are
 * trained on the first. Then:
 *   - evaluate on the training file prints the exact note, in text, markdown, the HTML
 *     report and (the CSV table having no room) on stderr; JSON gives the shares;
 *   - evaluate on the held-out file gives no note;
 *   - a file of 600 training and 600 held-out rows gives shares within tolerance of the
 *     true ones, counted here from the file's text (a held-out row whose features equal a
 *     training row's counts as a training row, as the fingerprint sees it);
 *   - compare --model gives its note;
 *   - a model file without the row_sketch line (as saved before it existed) loads, scores
 *     and gives no note; a damaged row_sketch line is an error naming the line.
 * The shares come from the API (st_gbdt_training_overlap, st_logreg_training_overlap) too. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 20)
#include "cli_run.h"
#include "test_util.h"

#include <inttypes.h>
#include <sys/stat.h>

#define THYROID STRATUM_DATASETS "/thyroid_sick.csv"
#define N_LINES 3772 /* data lines of thyroid_sick.csv */
#define MAX_LINE 1024

static char dir[] = "/tmp/stratum_cli_trows_XXXXXX";
static char train_csv[600], held_csv[600], mix_csv[600], gbdt_model[600], logreg_model[600],
    old_model[600], bad_model[600], report_html[600];
static char *lines[N_LINES];  /* the data lines, without their newline */
static char header[MAX_LINE];
static size_t n_train, n_held;

/* The features of a line: all but the last field (the label). */
static size_t feature_len(const char *line)
{
    return (size_t)(strrchr(line, ',') - line);
}

static int is_train(size_t i)
{
    return i % 10 < 7;
}

static void write_rows(const char *path, int which, size_t max) /* 1 train, 0 held-out */
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", header);
    size_t k = 0;
    for (size_t i = 0; i < N_LINES && k < max; i++)
        if (is_train(i) == which) {
            fprintf(f, "%s\n", lines[i]);
            k++;
        }
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(train_csv, sizeof train_csv, "%s/train.csv", dir);
    snprintf(held_csv, sizeof held_csv, "%s/held.csv", dir);
    snprintf(mix_csv, sizeof mix_csv, "%s/mix.csv", dir);
    snprintf(gbdt_model, sizeof gbdt_model, "%s/gbdt.model", dir);
    snprintf(logreg_model, sizeof logreg_model, "%s/logreg.model", dir);
    snprintf(old_model, sizeof old_model, "%s/old.model", dir);
    snprintf(bad_model, sizeof bad_model, "%s/bad.model", dir);
    snprintf(report_html, sizeof report_html, "%s/r.html", dir);
    FILE *f = fopen(THYROID, "r");
    if (f == NULL || fgets(header, sizeof header, f) == NULL)
        return -1;
    header[strcspn(header, "\r\n")] = '\0';
    char buf[MAX_LINE];
    for (size_t i = 0; i < N_LINES; i++) {
        if (fgets(buf, sizeof buf, f) == NULL)
            return -1;
        buf[strcspn(buf, "\r\n")] = '\0';
        lines[i] = strdup(buf);
        n_train += is_train(i);
    }
    fclose(f);
    n_held = N_LINES - n_train;
    write_rows(train_csv, 1, N_LINES);
    write_rows(held_csv, 0, N_LINES);
    FILE *m = fopen(mix_csv, "w");
    fprintf(m, "%s\n", header);
    fclose(m);
    /* the mix: the first 600 training rows, then the first 600 held-out ones */
    m = fopen(mix_csv, "a");
    for (size_t i = 0, k = 0; k < 600; i++)
        if (is_train(i))
            fprintf(m, "%s\n", lines[i]), k++;
    for (size_t i = 0, k = 0; k < 600; i++)
        if (!is_train(i))
            fprintf(m, "%s\n", lines[i]), k++;
    fclose(m);
    run_result *r = run("train", "gbdt", "--num-trees", "100", train_csv, "--num-trees", "20", "-q", "-o", gbdt_model,
                        NULL);
    int ok = r->exit_code == 0;
    free(r);
    r = run("train", "logreg", "--lambda", "1e-4", train_csv, "-q", "-o", logreg_model, NULL);
    ok &= r->exit_code == 0;
    free(r);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {train_csv, held_csv, mix_csv, gbdt_model, logreg_model, old_model,
                           bad_model, report_html};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
        remove(files[k]);
    rmdir(dir);
    for (size_t i = 0; i < N_LINES; i++)
        free(lines[i]);
    return 0;
}

#define NOTE_TRAIN "note: these 2,641 rows are the model's training rows: the metrics below " \
    "are optimistic; evaluate on held-out data\n"

static void split_sizes(void **state)
{
    (void)state;
    /* 3,772 = 377 x 10 + 2: 377 x 7 + 2 rows have i % 10 < 7 */
    assert_int_equal(n_train, 2641);
    assert_int_equal(n_held, 1131);
}

static void training_file_gets_the_note(void **state)
{
    (void)state;
    const char *models[] = {gbdt_model, logreg_model};
    for (int k = 0; k < 2; k++) {
        run_result *r = run("evaluate", models[k], train_csv, "--bootstrap", "0", NULL);
        assert_int_equal(r->exit_code, 0);
        /* right after the header lines, before the metrics */
        assert_contains(r->out, "bootstrap 0)\n\n" NOTE_TRAIN "\nmetric ");
        free(r);
        r = run("evaluate", models[k], train_csv, "--bootstrap", "0", "--format", "markdown",
                NULL);
        assert_contains(r->out, "\n\n" NOTE_TRAIN "\n| metric |");
        free(r);
        r = run("evaluate", models[k], train_csv, "--bootstrap", "0", "--format", "csv", NULL);
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->err, "stratum: " NOTE_TRAIN);
        assert_int_equal(strncmp(r->out, "metric,value,ci_low,ci_high\n", 28), 0);
        free(r);
        r = run("evaluate", models[k], train_csv, "--bootstrap", "0", "--format", "json", NULL);
        assert_contains(r->out, "\"training_rows\": {\"training_rows\": 2641, \"scored_rows\": "
                                "2641, \"scored_share\": 1, \"training_share\": 1, \"exact\": "
                                "false},\n");
        free(r);
    }
    run_result *r = run("evaluate", gbdt_model, train_csv, "--bootstrap", "0", "--report",
                        report_html, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    static char html[1 << 20];
    slurp(report_html, html, sizeof html);
    assert_contains(html, "<p class=\"warn\">note: these 2,641 rows are the model&#39;s training "
                          "rows: the metrics below are optimistic; evaluate on held-out data");
}

static void held_out_file_gets_none(void **state)
{
    (void)state;
    const char *models[] = {gbdt_model, logreg_model};
    for (int k = 0; k < 2; k++) {
        run_result *r = run("evaluate", models[k], held_csv, "--bootstrap", "0", NULL);
        assert_int_equal(r->exit_code, 0);
        assert_null(strstr(r->out, "note:"));
        assert_string_equal(r->err, "");
        free(r);
        r = run("evaluate", models[k], held_csv, "--bootstrap", "0", "--format", "json", NULL);
        /* thyroid_sick.csv repeats a few rows' features (61 of 3,772), so a held-out row
           may equal a training row: a share near 0, under the note's 5% */
        const char *at = strstr(r->out, "\"scored_rows\": 1131, \"scored_share\": ");
        assert_non_null(at);
        double share = -1;
        assert_int_equal(sscanf(at, "\"scored_rows\": 1131, \"scored_share\": %lf", &share), 1);
        assert_true(share >= 0 && share < 0.05);
        free(r);
    }
}

/* The true shares of the mix, from the text of the rows' features. */
static void true_shares(double *scored, double *training)
{
    size_t in_train = 0, n_mix = 0;
    char buf[MAX_LINE];
    FILE *f = fopen(mix_csv, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    char **mix = calloc(1200, sizeof *mix);
    while (fgets(buf, sizeof buf, f) != NULL) {
        buf[strcspn(buf, "\r\n")] = '\0';
        mix[n_mix++] = strdup(buf);
    }
    fclose(f);
    assert_int_equal(n_mix, 1200);
    for (size_t q = 0; q < n_mix; q++) {
        const size_t len = feature_len(mix[q]);
        for (size_t i = 0; i < N_LINES; i++)
            if (is_train(i) && feature_len(lines[i]) == len && memcmp(lines[i], mix[q], len) == 0) {
                in_train++;
                break;
            }
    }
    /* distinct training feature vectors, and those the mix holds */
    size_t distinct = 0, found = 0;
    for (size_t i = 0; i < N_LINES; i++) {
        if (!is_train(i))
            continue;
        const size_t len = feature_len(lines[i]);
        int repeat = 0;
        for (size_t j = 0; j < i && !repeat; j++)
            repeat = is_train(j) && feature_len(lines[j]) == len &&
                     memcmp(lines[j], lines[i], len) == 0;
        if (repeat)
            continue;
        distinct++;
        for (size_t q = 0; q < n_mix; q++)
            if (feature_len(mix[q]) == len && memcmp(mix[q], lines[i], len) == 0) {
                found++;
                break;
            }
    }
    for (size_t q = 0; q < n_mix; q++)
        free(mix[q]);
    free(mix);
    *scored = (double)in_train / (double)n_mix;
    *training = (double)found / (double)distinct;
}

static void mixed_file_is_estimated(void **state)
{
    (void)state;
    double scored, training;
    true_shares(&scored, &training);
    assert_true(scored >= 0.5 && scored < 0.6); /* 600 training rows and a few equal ones */
    st_read_options opt = st_read_options_default();
    st_dataset *ds = NULL;
    st_error err;
    assert_int_equal(st_dataset_read_csv(mix_csv, &opt, &ds, &err), ST_OK);
    st_gbdt *g = NULL;
    st_logreg *l = NULL;
    assert_int_equal(st_gbdt_load(gbdt_model, &g, &err), ST_OK);
    assert_int_equal(st_logreg_load(logreg_model, &l, &err), ST_OK);
    st_training_overlap og, ol;
    assert_int_equal(st_gbdt_training_overlap(g, ds, &og, &err), ST_OK);
    assert_int_equal(st_logreg_training_overlap(l, ds, &ol, &err), ST_OK);
    /* both families hash the same features of the same rows */
    assert_memory_equal(&og, &ol, sizeof og);
    assert_int_equal(og.available, 1);
    assert_int_equal(og.training_rows, 2641);
    assert_int_equal(og.scored_rows, 1200);
    assert_int_equal(og.exact, 0);
    /* The scored share comes from the mix rows whose hash is at most the sketch's largest,
     * about 1200 x 256 / 2641 = 116 of them: binomial SE sqrt(0.25 / 116) = 0.046, so 3 SE
     * = 0.14. The training share from the 256 sketch hashes: SE sqrt(0.23 x 0.77 / 256) =
     * 0.026, 3 SE = 0.08. */
    assert_close(og.scored_share, scored, 0.14);
    assert_close(og.training_share, training, 0.08);
    assert_int_equal(st_gbdt_training_overlap(NULL, ds, &og, &err), ST_ERR_INVALID_ARG);
    assert_string_equal(err.message, "st_gbdt_training_overlap: model is NULL");
    st_gbdt_free(g);
    st_logreg_free(l);
    st_dataset_free(ds);

    run_result *r = run("evaluate", gbdt_model, mix_csv, "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    int pct = -1;
    const char *note = strstr(r->out, "\nnote: about ");
    assert_non_null(note);
    assert_int_equal(sscanf(note, "\nnote: about %d%%", &pct), 1);
    char expect[200];
    snprintf(expect, sizeof expect, "\nnote: about %d%% of these 1,200 rows were used to train "
             "the model: the metrics below are optimistic; evaluate on held-out data\n", pct);
    assert_contains(r->out, expect);
    assert_close(pct / 100.0, scored, 0.145);
    free(r);
}

static void compare_model_gets_the_note(void **state)
{
    (void)state;
    run_result *r = run("compare", "--lambda", "1e-4", "--num-trees", "100", train_csv, "--models", "none", "--model", gbdt_model,
                        "--model", logreg_model, "--folds", "3", "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_contains(r->out, "\n\nnote: --model gbdt.model: these 2,641 rows are the model's "
                            "training rows: its metrics are optimistic; evaluate on held-out "
                            "data\nnote: --model logreg.model: these 2,641 rows are the model's "
                            "training rows: its metrics are optimistic; evaluate on held-out "
                            "data\n");
    free(r);
    r = run("compare", "--lambda", "1e-4", "--num-trees", "100", held_csv, "--models", "none", "--model", gbdt_model, "--folds", "3", "-q",
            NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->out, "note:"));
    free(r);
}

/* FNV-1a 64, the model files' checksum. */
static uint64_t fnv1a64(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h;
}

/* Copies the model at from to to with its row_sketch line replaced by `line` (NULL: left
 * out), and a checksum to match. Returns the replaced line's number. */
static int rewrite_model(const char *from, const char *to, const char *line)
{
    static char text[1 << 20], out[1 << 20];
    slurp(from, text, sizeof text);
    char *sk = strstr(text, "\nrow_sketch ");
    assert_non_null(sk);
    sk++;
    int line_no = 1;
    for (const char *c = text; c < sk; c++)
        line_no += *c == '\n';
    char *after = strchr(sk, '\n') + 1;
    char *sum = strstr(after, "checksum ");
    assert_non_null(sum);
    size_t n = (size_t)(sk - text);
    memcpy(out, text, n);
    if (line != NULL)
        n += (size_t)sprintf(out + n, "%s\n", line);
    memcpy(out + n, after, (size_t)(sum - after));
    n += (size_t)(sum - after);
    n += (size_t)sprintf(out + n, "checksum %016" PRIx64 "\n", fnv1a64(out, n));
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    fwrite(out, 1, n, f);
    fclose(f);
    return line_no;
}

static void old_model_without_fingerprint(void **state)
{
    (void)state;
    const char *models[] = {gbdt_model, logreg_model};
    for (int k = 0; k < 2; k++) {
        rewrite_model(models[k], old_model, NULL);
        run_result *r = run("evaluate", old_model, train_csv, "--bootstrap", "0", NULL);
        assert_int_equal(r->exit_code, 0);
        assert_null(strstr(r->out, "note:"));
        free(r);
        r = run("evaluate", old_model, train_csv, "--bootstrap", "0", "--format", "json", NULL);
        assert_contains(r->out, "\"training_rows\": null,\n");
        free(r);
        /* the same scores as the model with its fingerprint */
        run_result *a = run("predict", old_model, held_csv, NULL);
        run_result *b = run("predict", models[k], held_csv, NULL);
        assert_int_equal(a->exit_code, 0);
        assert_string_equal(a->out, b->out);
        free(a);
        free(b);
    }
    st_gbdt *g = NULL;
    st_error err;
    rewrite_model(gbdt_model, old_model, NULL);
    assert_int_equal(st_gbdt_load(old_model, &g, &err), ST_OK);
    st_dataset *ds = NULL;
    assert_int_equal(st_dataset_read_csv(held_csv, NULL, &ds, &err), ST_OK);
    st_training_overlap o;
    memset(&o, 0xff, sizeof o);
    assert_int_equal(st_gbdt_training_overlap(g, ds, &o, &err), ST_OK);
    assert_int_equal(o.available, 0);
    assert_int_equal(o.training_rows, 0);
    st_dataset_free(ds);
    st_gbdt_free(g);
}

static void damaged_fingerprint_is_an_error(void **state)
{
    (void)state;
    int line = rewrite_model(gbdt_model, bad_model, "row_sketch 2641 2641 256 00000000000000ff");
    run_result *r = run("evaluate", bad_model, train_csv, NULL);
    assert_int_equal(r->exit_code, 1);
    char expect[900];
    snprintf(expect, sizeof expect, "stratum: %s:%d: row_sketch: expected 256 hashes\n",
             bad_model, line);
    assert_string_equal(r->err, expect);
    free(r);
    line = rewrite_model(logreg_model, bad_model, "row_sketch 10 20 10 00000000000000ff");
    r = run("evaluate", bad_model, train_csv, NULL);
    snprintf(expect, sizeof expect, "stratum: %s:%d: row_sketch: 10 hashes of 20 distinct rows "
             "of 10; expected min(256, distinct) hashes of 1 row or more\n", bad_model, line);
    assert_string_equal(r->err, expect);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_sizes),
        cmocka_unit_test(training_file_gets_the_note),
        cmocka_unit_test(held_out_file_gets_none),
        cmocka_unit_test(mixed_file_is_estimated),
        cmocka_unit_test(compare_model_gets_the_note),
        cmocka_unit_test(old_model_without_fingerprint),
        cmocka_unit_test(damaged_fingerprint_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
