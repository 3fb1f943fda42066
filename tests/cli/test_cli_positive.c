/* A model remembers a positive class the default label rule would not pick
 * (st_model_positive_class, the model file's positive_class line), and the commands that
 * read labelled data for it read the labels as in training:
 *   - trained with --positive 0 on 0/1 labels, evaluate without --positive gives the
 *     ROC-AUC of evaluate with --positive 0, not its mirror (1 - AUC);
 *   - trained on died/"passed away" labels (a text with a space) with --positive, predict,
 *     evaluate, explain and drift --model read the file without --positive;
 *   - a --positive naming the other class is obeyed, with a warning; the same class spelt
 *     another way ("0.0" for "0") is not warned about (st_label_is_positive);
 *   - the default rule's models carry no such line (their files are unchanged) and the
 *     class survives saving and loading through the library. */
#define _POSIX_C_SOURCE 200809L
#define CLI_RUN_OUT_SIZE (1 << 18)
#include "cli_run.h"
#include "test_util.h"

#include <stratum.h>

static char dir[] = "/tmp/stratum_cli_positive_XXXXXX";
static char numbers[600], words[600], flip[600], plain[600], died[600];

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(numbers, sizeof numbers, "%s/numbers.csv", dir);
    snprintf(words, sizeof words, "%s/words.csv", dir);
    snprintf(flip, sizeof flip, "%s/flip.model", dir);
    snprintf(plain, sizeof plain, "%s/plain.model", dir);
    snprintf(died, sizeof died, "%s/died.model", dir);
    FILE *a = fopen(numbers, "w"), *b = fopen(words, "w");
    if (a == NULL || b == NULL)
        return -1;
    fprintf(a, "x1,x2,label\n");
    fprintf(b, "x1,x2,label\n");
    for (int i = 0; i < 150; i++) {
        const int x1 = i % 13, x2 = (i * 7) % 11, y = (x1 + (i % 4) > 9) ^ (i % 9 == 0);
        fprintf(a, "%d,%d,%d\n", x1, x2, y);
        fprintf(b, "%d,%d,%s\n", x1, x2, y ? "died" : "passed away");
    }
    fclose(a);
    fclose(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(numbers), remove(words), remove(flip), remove(plain), remove(died);
    rmdir(dir);
    return 0;
}

/* The ROC-AUC line of `evaluate` text output. */
static double auc_of(const run_result *r)
{
    const char *p = strstr(r->out, "\nROC-AUC");
    assert_non_null(p);
    p += strlen("\nROC-AUC");
    return strtod(p, NULL);
}

static double evaluate_auc(const char *model, const char *data, const char *positive)
{
    run_result *r = positive != NULL
                        ? run("evaluate", model, data, "--bootstrap", "0", "--positive", positive, NULL)
                        : run("evaluate", model, data, "--bootstrap", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    const double auc = auc_of(r);
    free(r);
    return auc;
}

static void test_inverted_numbers(void **state)
{
    (void)state;
    run_result *r = run("train", "logreg", numbers, "--positive", "0", "--lambda", "0.01",
                        "-o", flip, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("train", "logreg", numbers, "--lambda", "0.01", "-o", plain, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    char text[1 << 16];
    slurp(flip, text, sizeof text);
    assert_non_null(strstr(text, "\npositive_class 0\n"));
    slurp(plain, text, sizeof text);
    assert_null(strstr(text, "positive_class"));
    const double implicit = evaluate_auc(flip, numbers, NULL);
    const double explicit = evaluate_auc(flip, numbers, "0");
    assert_true(implicit > 0.7);
    assert_close(implicit, explicit, 1e-12);
    /* the plain model read with the other class positive: obeyed, with a warning */
    r = run("evaluate", plain, numbers, "--bootstrap", "0", "--positive", "0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "warning: "));
    assert_non_null(strstr(r->err, "trained with 1/true/yes as the positive class"));
    assert_true(auc_of(r) < 0.3);
    free(r);
    /* the same class spelt another way (numbers by value) is no other class: no warning */
    r = run("evaluate", flip, numbers, "--bootstrap", "0", "--positive", "0.0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->err, "warning"));
    assert_close(auc_of(r), explicit, 1e-12);
    free(r);
    r = run("evaluate", plain, numbers, "--bootstrap", "0", "--positive", "1.0", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_null(strstr(r->err, "warning"));
    free(r);
    st_model *m = NULL;
    st_error err;
    assert_int_equal(st_model_load(flip, &m, &err), ST_OK);
    assert_string_equal(st_model_positive_class(m), "0");
    st_model_free(m);
    assert_int_equal(st_model_load(plain, &m, &err), ST_OK);
    assert_null(st_model_positive_class(m));
    st_model_free(m);
}

static void test_text_classes(void **state)
{
    (void)state;
    run_result *r = run("train", "gbdt", words, "--positive", "died", "--num-trees", "20",
                        "-o", died, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    /* without --positive the default rule refuses these labels: the model's class is used */
    r = run("predict", died, words, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    const double implicit = evaluate_auc(died, words, NULL);
    assert_true(implicit > 0.7);
    assert_close(implicit, evaluate_auc(died, words, "died"), 1e-12);
    r = run("explain", died, words, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("drift", words, words, "--model", died, NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    r = run("evaluate", died, words, "--bootstrap", "0", "--positive", "passed away", NULL);
    assert_int_equal(r->exit_code, 0);
    assert_non_null(strstr(r->err, "trained with 'died' as the positive class"));
    assert_close(auc_of(r), 1 - implicit, 1e-9);
    free(r);
    /* the label text survives the model file's escaping: a saved copy says the same */
    st_model *m = NULL;
    st_error err;
    char copy[620];
    snprintf(copy, sizeof copy, "%s/copy.model", dir);
    r = run("train", "logreg", words, "--positive", "passed away", "--lambda", "0.1", "-o",
            copy, "-q", NULL);
    assert_int_equal(r->exit_code, 0);
    free(r);
    assert_int_equal(st_model_load(copy, &m, &err), ST_OK);
    assert_string_equal(st_model_positive_class(m), "passed away");
    assert_int_equal(st_model_save(m, copy, &err), ST_OK);
    st_model_free(m);
    assert_int_equal(st_model_load(copy, &m, &err), ST_OK);
    assert_string_equal(st_model_positive_class(m), "passed away");
    st_model_free(m);
    remove(copy);
}

/* The label rule as the public API states it. */
static void test_label_is_positive(void **state)
{
    (void)state;
    assert_true(st_label_is_positive("1", NULL));
    assert_true(st_label_is_positive(" 1.0 ", NULL));
    assert_true(st_label_is_positive("TRUE", NULL));
    assert_true(st_label_is_positive("Yes", NULL));
    assert_false(st_label_is_positive("0", NULL));
    assert_false(st_label_is_positive("-1", NULL));
    assert_false(st_label_is_positive("2", NULL));
    assert_false(st_label_is_positive("died", NULL));
    assert_false(st_label_is_positive(NULL, NULL));
    assert_true(st_label_is_positive("0", "0.0"));
    assert_true(st_label_is_positive("1e0", "1"));
    assert_false(st_label_is_positive("1", "0"));
    assert_true(st_label_is_positive("died", "died"));
    assert_true(st_label_is_positive(" died\t", "died"));
    assert_false(st_label_is_positive("Died", "died"));
    assert_true(st_label_is_positive("passed away", "passed away"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inverted_numbers),
        cmocka_unit_test(test_text_classes),
        cmocka_unit_test(test_label_is_positive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
