/* Drift through a model (st_drift_compare_model, stratum/drift.h) against independent
 * values: on thyroid_sick split in two, with both families, the score PSI against
 * st_drift_psi_values of st_model_predict's scores, the predicted prevalence against their
 * mean, each feature's importance and shift against st_model_explain's global means on each
 * part (and, with contrib_rows, against a mean over the chosen rows done here from the
 * family's own contributions), the weighted PSI from its definition, the metrics against
 * st_evaluate and the AUC test against st_drift_auc_test, the columns against
 * st_drift_compare with the trees' bins; the same bits on 1 and 2 threads; a model of a
 * text column on sixteen short notes, its words per text, term counts and empty texts
 * counted by hand; errors; and every allocation failing in turn, the report from the
 * result included (linked against stratum_fault: ST_ERR_NOMEM, nothing leaked). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

#include "core/alloc.h"
#include "oom_sweep.h"
#include "test_util.h"
#include "text_note_model.h"

static st_model *train(const st_dataset *ds, int gbdt, int trees)
{
    st_error err;
    st_model *m = NULL;
    if (gbdt) {
        st_gbdt_params p = st_gbdt_params_default();
        p.num_trees = trees;
        st_gbdt *g = NULL;
        assert_int_equal(st_gbdt_train(ds, &p, &g, &err), ST_OK);
        assert_int_equal(st_model_from_gbdt(g, &m, &err), ST_OK);
    } else {
        st_logreg_params p = st_logreg_params_default();
        p.lambda = 0.01;
        st_logreg *l = NULL;
        assert_int_equal(st_logreg_train(ds, &p, &l, &err), ST_OK);
        assert_int_equal(st_model_from_logreg(l, &m, &err), ST_OK);
    }
    return m;
}

/* The rows of ds with (i % 3 == 2) == is_new. */
static st_dataset *part(const st_dataset *ds, int is_new)
{
    const size_t n = st_dataset_n_rows(ds);
    size_t *rows = malloc(n * sizeof *rows), k = 0;
    for (size_t i = 0; i < n; i++)
        if ((i % 3 == 2) == is_new)
            rows[k++] = i;
    st_dataset *out = NULL;
    st_error err;
    assert_int_equal(st_dataset_subset(ds, rows, k, &out, &err), ST_OK);
    free(rows);
    return out;
}

static double mean_of(const double *p, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s / (double)n;
}

/* The mean |contribution| and mean contribution of each feature over the rows floor(i n /
 * k) of ds, i < k, from the family's contributions of every row. */
static void chosen_means(const st_model *m, const st_dataset *ds, size_t k, double *mean_abs,
                         double *mean)
{
    const size_t n = st_dataset_n_rows(ds), nf = st_model_n_features(m);
    double *c = malloc(n * (nf + 1) * sizeof *c);
    st_error err;
    if (st_model_gbdt(m) != NULL)
        assert_int_equal(st_gbdt_contrib(st_model_gbdt(m), ds, 1, c, n * (nf + 1), &err),
                         ST_OK);
    else
        assert_int_equal(st_logreg_contrib(st_model_logreg(m), ds, c, n * (nf + 1), &err),
                         ST_OK);
    for (size_t j = 0; j < nf; j++) {
        mean_abs[j] = mean[j] = 0;
        for (size_t i = 0; i < k; i++) {
            const size_t row = (size_t)((double)i * (double)n / (double)k);
            mean_abs[j] += fabs(c[row * (nf + 1) + j]);
            mean[j] += c[row * (nf + 1) + j];
        }
        mean_abs[j] /= (double)k, mean[j] /= (double)k;
    }
    free(c);
}

static void same_result(const st_drift_model_result *a, const st_drift_model_result *b)
{
    const size_t nres = a->columns->n_features, nf = a->n_model_features;
    assert_int_equal(nres, b->columns->n_features);
    assert_memory_equal(&a->score_psi, &b->score_psi, sizeof a->score_psi);
    assert_memory_equal(&a->mean_p_new, &b->mean_p_new, sizeof a->mean_p_new);
    for (size_t k = 0; k < nres; k++)
        assert_memory_equal(&a->columns->features[k].psi, &b->columns->features[k].psi,
                            sizeof(double));
    assert_memory_equal(a->importance, b->importance, nres * sizeof(double));
    assert_memory_equal(a->shift, b->shift, nres * sizeof(double));
    assert_memory_equal(a->feature_importance, b->feature_importance, nf * sizeof(double));
    assert_memory_equal(a->feature_shift, b->feature_shift, nf * sizeof(double));
    assert_memory_equal(a->ev_reference.value, b->ev_reference.value,
                        sizeof a->ev_reference.value);
    assert_memory_equal(a->ev_new.ci_low, b->ev_new.ci_low, sizeof a->ev_new.ci_low);
    assert_memory_equal(&a->auc_z, &b->auc_z, sizeof a->auc_z);
}

static void check_family(int gbdt)
{
    st_dataset *all = test_read_shipped("thyroid_sick.csv");
    st_dataset *ref = part(all, 0), *cur = part(all, 1);
    st_model *m = train(ref, gbdt, 15);
    const size_t nr = st_dataset_n_rows(ref), nc = st_dataset_n_rows(cur);
    const size_t nf = st_model_n_features(m);
    st_error err;
    st_drift_model_options o = st_drift_model_options_default();
    o.contrib_rows = 0, o.n_bootstrap = 50, o.columns.n_threads = 1;
    st_drift_model_result *d = NULL;
    assert_int_equal(st_drift_compare_model(ref, cur, m, &o, &d, &err), ST_OK);
    assert_int_equal(d->family, gbdt ? ST_MODEL_GBDT : ST_MODEL_LOGREG);
    assert_int_equal(d->n_text, 0);
    assert_null(d->text);

    /* scores */
    double *pr = malloc(nr * sizeof *pr), *pc = malloc(nc * sizeof *pc), psi;
    assert_int_equal(st_model_predict(m, ref, pr, nr, &err), ST_OK);
    assert_int_equal(st_model_predict(m, cur, pc, nc, &err), ST_OK);
    assert_int_equal(st_drift_psi_values(pr, nr, pc, nc, 10, 1e-4, &psi, &err), ST_OK);
    assert_true(d->score_psi == psi);
    assert_true(d->mean_p_reference == mean_of(pr, nr));
    assert_true(d->mean_p_new == mean_of(pc, nc));

    /* importance and shift: st_model_explain's means over every row of each part */
    st_explain_params ep = st_explain_params_default();
    ep.global = 1;
    st_explanation *er = NULL, *ec = NULL;
    assert_int_equal(st_model_explain(m, ref, &ep, &er, &err), ST_OK);
    assert_int_equal(st_model_explain(m, cur, &ep, &ec, &err), ST_OK);
    assert_int_equal(d->n_model_features, nf);
    assert_int_equal(d->contrib_rows_reference, nr);
    assert_int_equal(d->contrib_rows_new, nc);
    double total = 0;
    for (size_t j = 0; j < nf; j++) {
        assert_close(d->feature_importance[j], er->mean_abs[j], 1e-12);
        assert_close(d->feature_shift[j], ec->mean[j] - er->mean[j], 1e-12);
        total += er->mean_abs[j];
    }
    assert_true(total > 0);

    /* the columns: st_drift_compare's, with the trees' bins; each column its feature's */
    st_drift_options co = st_drift_options_default();
    co.model_gbdt = st_model_gbdt(m);
    st_drift_result *cols = NULL;
    assert_int_equal(st_drift_compare(ref, cur, &co, &cols, &err), ST_OK);
    assert_int_equal(d->columns->n_features, cols->n_features);
    size_t matched = 0;
    for (size_t k = 0; k < cols->n_features; k++) {
        const st_drift_feature *c = &cols->features[k];
        assert_string_equal(d->columns->features[k].name, c->name);
        assert_true(d->columns->features[k].psi == c->psi);
        assert_int_equal(d->columns->features[k].model_bins, c->model_bins);
        long j = -1;
        for (size_t f = 0; f < nf; f++)
            if (strcmp(st_model_feature_name(m, f), c->name) == 0)
                j = (long)f;
        if (j < 0) {
            assert_true(isnan(d->importance[k]) && isnan(d->shift[k]) &&
                        isnan(d->weighted[k]));
            continue;
        }
        matched++;
        assert_true(d->importance[k] == d->feature_importance[j]);
        assert_true(d->shift[k] == d->feature_shift[j]);
        assert_close(d->weighted[k], c->psi * er->mean_abs[j] / total, 1e-12);
    }
    assert_int_equal(matched, nf);

    /* metrics: st_evaluate of the scores with the same parameters, and the AUC test */
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = 50, prm.n_threads = 1;
    st_eval ev[2];
    assert_int_equal(st_evaluate(pr, st_dataset_labels(ref), st_dataset_weights(ref), nr,
                                 &prm, &ev[0], &err), ST_OK);
    assert_int_equal(st_evaluate(pc, st_dataset_labels(cur), st_dataset_weights(cur), nc,
                                 &prm, &ev[1], &err), ST_OK);
    assert_true(d->labelled_reference && d->labelled_new);
    assert_memory_equal(d->ev_reference.value, ev[0].value, sizeof ev[0].value);
    assert_memory_equal(d->ev_new.ci_high, ev[1].ci_high, sizeof ev[1].ci_high);
    double z, p;
    st_drift_auc_test(ev[0].value[ST_METRIC_ROC_AUC], ev[0].delong_variance,
                      ev[1].value[ST_METRIC_ROC_AUC], ev[1].delong_variance, &z, &p);
    assert_true(d->auc_z == z && d->auc_p == p);
    assert_true(d->auc_p > 0 && d->auc_p <= 1);

    /* 2 threads: the same bits */
    o.columns.n_threads = 2;
    st_drift_model_result *d2 = NULL;
    assert_int_equal(st_drift_compare_model(ref, cur, m, &o, &d2, &err), ST_OK);
    same_result(d, d2);
    st_drift_model_result_free(d2);

    /* contrib_rows: means over 100 evenly spaced rows of each part */
    o.contrib_rows = 100;
    assert_int_equal(st_drift_compare_model(ref, cur, m, &o, &d2, &err), ST_OK);
    assert_int_equal(d2->contrib_rows_reference, 100);
    assert_int_equal(d2->contrib_rows_new, 100);
    double *ma[2] = {malloc(nf * sizeof(double)), malloc(nf * sizeof(double))};
    double *me[2] = {malloc(nf * sizeof(double)), malloc(nf * sizeof(double))};
    chosen_means(m, ref, 100, ma[0], me[0]);
    chosen_means(m, cur, 100, ma[1], me[1]);
    for (size_t j = 0; j < nf; j++) {
        assert_close(d2->feature_importance[j], ma[0][j], 1e-12);
        assert_close(d2->feature_shift[j], me[1][j] - me[0][j], 1e-12);
    }
    assert_true(d2->score_psi == d->score_psi); /* the scores: every row still */
    st_drift_model_result_free(d2);

    /* the report drawn from the result: the model part and the columns */
    char *html = NULL;
    size_t size = 0;
    st_report_drift_input in = {NULL, "ref", "new", NULL, d, "thyroid.model"};
    assert_int_equal(st_report_drift(&in, NULL, &html, &size, &err), ST_OK);
    assert_non_null(strstr(html, "thyroid.model"));
    assert_non_null(strstr(html, "DeLong"));
    free(html);

    for (int s = 0; s < 2; s++)
        free(ma[s]), free(me[s]);
    st_drift_result_free(cols);
    st_explanation_free(er);
    st_explanation_free(ec);
    free(pr), free(pc);
    st_drift_model_result_free(d);
    st_model_free(m);
    st_dataset_free(ref), st_dataset_free(cur), st_dataset_free(all);
}

static void test_logreg(void **state)
{
    (void)state;
    check_family(0);
}

static void test_gbdt(void **state)
{
    (void)state;
    check_family(1);
}

/* Rows [from, from + 8) of ds, its columns cols (n_cols; 0: all). */
static st_dataset *rows8(const st_dataset *ds, size_t from, const size_t *cols, size_t n_cols)
{
    size_t rows[8];
    for (size_t i = 0; i < 8; i++)
        rows[i] = from + i;
    st_dataset *out = NULL;
    st_error err;
    if (n_cols == 0)
        assert_int_equal(st_dataset_subset(ds, rows, 8, &out, &err), ST_OK);
    else
        assert_int_equal(st_dataset_select(ds, rows, 8, cols, n_cols, &out, &err), ST_OK);
    return out;
}

/* The term column labelled "note:<word>", or -1. */
static long term_of(const st_drift_text *t, const char *label)
{
    for (size_t i = 0; i < t->n_terms; i++)
        if (strcmp(t->terms[i].label, label) == 0)
            return (long)i;
    return -1;
}

static void test_text_model(void **state)
{
    (void)state;
    st_dataset *raw = test_oom_notes();
    st_model *m = NULL;
    st_error err;
    assert_int_equal(text_note_model(raw, &m, &err), ST_OK);
    st_dataset *ref = rows8(raw, 0, NULL, 0), *cur = rows8(raw, 8, NULL, 0);
    st_drift_model_options o = st_drift_model_options_default();
    o.n_bootstrap = 0, o.top_terms = 1000, o.columns.n_bins = 2;
    st_drift_model_result *d = NULL;
    assert_int_equal(st_drift_compare_model(ref, cur, m, &o, &d, &err), ST_OK);
    /* the text column is not compared as a column: x only */
    assert_int_equal(d->columns->n_features, 1);
    assert_string_equal(d->columns->features[0].name, "x");
    assert_int_equal(d->n_text, 1);
    const st_drift_text *t = &d->text[0];
    assert_string_equal(t->column, "note");
    const size_t n_cols = st_text_featurizer_n_terms(st_model_text_featurizer(m, 0));
    assert_int_equal(t->n_term_columns, n_cols);
    assert_int_equal(t->n_terms, n_cols);
    /* words per text, counted by hand: rows 1-8 "chest pain", "no pain", "fever and
     * cough", "no fever", "cough", "pain", "fever", "cough and pain" (15 words); rows
     * 9-16 "none", "fever cough", "no cough", "fever", "pain", "cough", "none", "fever
     * pain" (11) */
    assert_close(t->words_mean_reference, 15.0 / 8, 1e-15);
    assert_close(t->words_mean_new, 11.0 / 8, 1e-15);
    assert_close(t->empty_reference, 0, 0);
    assert_close(t->unseen_reference, 0, 0); /* every term has a column */
    assert_close(t->unseen_new, 0, 0);
    /* texts with "pain": 4 of 8 and 2 of 8; with "fever": 3 and 3 */
    long pain = term_of(t, "note:pain"), fever = term_of(t, "note:fever");
    assert_true(pain >= 0 && fever >= 0);
    assert_int_equal(t->terms[pain].with_reference, 4);
    assert_int_equal(t->terms[pain].with_new, 2);
    assert_int_equal(t->terms[fever].with_reference, 3);
    assert_int_equal(t->terms[fever].with_new, 3);
    const size_t a[2] = {4, 4}, b[2] = {2, 6};
    double psi, chi2, p;
    size_t dof;
    assert_int_equal(st_drift_psi_counts(a, b, 2, 1e-4, &psi, &err), ST_OK);
    assert_int_equal(st_drift_chi2_counts(a, b, 2, &chi2, &dof, &p, &err), ST_OK);
    /* by hand: (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) */
    assert_close(psi, 0.25 * log(2) + 0.25 * log(1.5), 1e-15);
    assert_true(t->terms[pain].psi == psi && t->terms[pain].chi2_pvalue == p);
    assert_close(t->terms[fever].psi, 0, 0);
    /* each term's importance and shift: its feature's; the text's: their sums; ranked by
     * |shift| */
    long *fz = malloc(d->n_model_features * sizeof *fz);
    size_t *term = malloc(d->n_model_features * sizeof *term);
    assert_int_equal(st_model_feature_labels(m, NULL, fz, term, d->n_model_features, &err),
                     ST_OK);
    double imp = 0, shift = 0;
    for (size_t j = 0; j < d->n_model_features; j++) {
        if (fz[j] < 0)
            continue;
        const char *label = st_text_featurizer_label(st_model_text_featurizer(m, 0), term[j]);
        const long i = term_of(t, label);
        assert_true(i >= 0);
        assert_true(t->terms[i].importance == d->feature_importance[j]);
        assert_true(t->terms[i].shift == d->feature_shift[j]);
        imp += d->feature_importance[j], shift += d->feature_shift[j];
    }
    assert_close(t->importance, imp, 1e-12);
    assert_close(t->shift, shift, 1e-12);
    for (size_t i = 1; i < t->n_terms; i++)
        assert_true(fabs(t->terms[i - 1].shift) >= fabs(t->terms[i].shift));
    free(fz), free(term);
    st_drift_model_result_free(d);

    /* the texts alone (a model of the note only): no column compared, the prevalences
     * still; the model with x too needs x */
    const size_t note_only[1] = {1}; /* x, note: the note */
    st_dataset *tr = rows8(raw, 0, note_only, 1), *tc = rows8(raw, 8, note_only, 1);
    assert_int_equal(st_drift_compare_model(tr, tc, m, &o, &d, &err), ST_ERR_DATA);
    assert_string_equal(err.message, "reference: no column 'x', which the model model uses");
    st_dataset *notes = NULL;
    st_model *mt = NULL;
    assert_int_equal(st_dataset_select(raw, NULL, 0, note_only, 1, &notes, &err), ST_OK);
    assert_int_equal(text_note_model(notes, &mt, &err), ST_OK);
    assert_int_equal(st_drift_compare_model(tr, tc, mt, &o, &d, &err), ST_OK);
    assert_int_equal(d->columns->n_features, 0);
    assert_close(d->columns->prevalence_reference, 4.0 / 8, 0); /* rows 3, 5, 7, 8 */
    assert_close(d->columns->prevalence_new, 4.0 / 8, 0); /* rows 10, 12, 14, 16 */
    assert_int_equal(d->n_text, 1);
    assert_close(d->text[0].words_mean_new, 11.0 / 8, 1e-15);
    st_drift_model_result_free(d);
    st_model_free(mt);
    st_dataset_free(notes);

    /* a file without the text column: named, with the model */
    const size_t x_only[1] = {0};
    st_dataset *bare = rows8(raw, 8, x_only, 1);
    o.model_name = "notes.model";
    o.columns.new_name = "later.csv";
    assert_int_equal(st_drift_compare_model(ref, bare, m, &o, &d, &err), ST_ERR_DATA);
    assert_null(d);
    assert_string_equal(err.message, "later.csv: no text column 'note', which the model "
                                     "notes.model reads its text from");
    st_dataset_free(bare);
    st_dataset_free(tr), st_dataset_free(tc);
    st_dataset_free(ref), st_dataset_free(cur);
    st_model_free(m);
    st_dataset_free(raw);
}

/* New data without labels (x and the note, no label column): no metrics there, no AUC
 * test; the reference's metrics still. */
static void test_unlabelled(void **state)
{
    (void)state;
    st_dataset *raw = test_oom_notes();
    st_model *m = NULL;
    st_error err;
    assert_int_equal(text_note_model(raw, &m, &err), ST_OK);
    static const char csv[] = "x,note\n9,none\n10,fever cough\n11,no cough\n12,fever\n"
                              "13,pain\n14,cough\n15,none\n16,fever pain\n";
    st_read_options ro = st_read_options_default();
    ro.label_required = 0;
    st_dataset *bare = NULL;
    assert_int_equal(st_dataset_read_csv_buffer(csv, sizeof csv - 1, "bare", &ro, &bare, &err),
                     ST_OK);
    assert_null(st_dataset_labels(bare));
    st_dataset *ref = rows8(raw, 0, NULL, 0), *cur = rows8(raw, 8, NULL, 0);
    st_drift_model_options o = st_drift_model_options_default();
    o.n_bootstrap = 0;
    st_drift_model_result *d = NULL, *labelled = NULL;
    assert_int_equal(st_drift_compare_model(ref, bare, m, &o, &d, &err), ST_OK);
    assert_true(d->labelled_reference && !d->labelled_new);
    assert_true(isnan(d->auc_z) && isnan(d->auc_p));
    assert_true(isnan(d->columns->prevalence_new));
    /* the same rows with labels: the same scores and reference metrics */
    assert_int_equal(st_drift_compare_model(ref, cur, m, &o, &labelled, &err), ST_OK);
    assert_true(labelled->labelled_new);
    assert_true(d->score_psi == labelled->score_psi);
    assert_true(d->mean_p_new == labelled->mean_p_new);
    assert_memory_equal(d->ev_reference.value, labelled->ev_reference.value,
                        sizeof d->ev_reference.value);
    assert_memory_equal(d->feature_shift, labelled->feature_shift,
                        d->n_model_features * sizeof(double));
    st_drift_model_result_free(labelled);
    st_drift_model_result_free(d);
    st_dataset_free(ref), st_dataset_free(cur), st_dataset_free(bare);
    st_model_free(m);
    st_dataset_free(raw);
}

static void test_errors(void **state)
{
    (void)state;
    st_dataset *all = test_read_shipped("thyroid_sick.csv");
    st_model *m = train(all, 0, 0);
    st_error err;
    st_drift_model_result *d = (st_drift_model_result *)&err; /* set to NULL on failure */
    assert_int_equal(st_drift_compare_model(NULL, all, m, NULL, &d, &err), ST_ERR_INVALID_ARG);
    assert_null(d);
    assert_int_equal(st_drift_compare_model(all, all, NULL, NULL, &d, &err),
                     ST_ERR_INVALID_ARG);
    st_drift_model_options o = st_drift_model_options_default();
    o.n_bootstrap = -1;
    assert_int_equal(st_drift_compare_model(all, all, m, &o, &d, &err), ST_ERR_INVALID_ARG);
    /* a feature the model uses missing from the new data */
    const long t3 = st_dataset_find_feature(all, "T3");
    assert_true(t3 >= 0);
    const size_t nf = st_dataset_n_features(all);
    size_t *keep = malloc(nf * sizeof *keep), k = 0;
    for (size_t j = 0; j < nf; j++)
        if (j != (size_t)t3)
            keep[k++] = j;
    st_dataset *no_t3 = NULL;
    assert_int_equal(st_dataset_select(all, NULL, 0, keep, k, &no_t3, &err), ST_OK);
    o = st_drift_model_options_default();
    o.model_name = "m";
    assert_int_equal(st_drift_compare_model(all, no_t3, m, &o, &d, &err), ST_ERR_DATA);
    assert_null(d);
    assert_string_equal(err.message, "new: no column 'T3', which the model m uses");
    st_drift_model_result_free(NULL); /* harmless */
    free(keep);
    st_dataset_free(no_t3);
    st_model_free(m);
    st_dataset_free(all);
}

/* Every allocation failing in turn: a text model (its texts, the report's text sections)
 * and boosted trees (their bins and contributions). */
typedef struct oom_case {
    const st_model *m;
    const st_dataset *ref, *cur;
} oom_case;

static st_status oom_cycle(void *ctx)
{
    const oom_case *c = ctx;
    st_drift_model_options o = st_drift_model_options_default();
    o.n_bootstrap = 5;
    o.columns.n_threads = 1; /* the allocation counter counts one thread's */
    st_drift_model_result *d = NULL;
    st_error err;
    st_status rc = st_drift_compare_model(c->ref, c->cur, c->m, &o, &d, &err);
    if (rc != ST_OK) {
        assert_null(d);
        return rc;
    }
    char *html = NULL;
    size_t size = 0;
    st_report_drift_input in = {NULL, "r", "n", NULL, d, "m"};
    rc = st_report_drift(&in, NULL, &html, &size, &err);
    free(html);
    st_drift_model_result_free(d);
    return rc;
}

static void test_out_of_memory(void **state)
{
    (void)state;
    st_dataset *raw = test_oom_notes();
    st_model *m = NULL;
    st_error err;
    assert_int_equal(text_note_model(raw, &m, &err), ST_OK);
    oom_case c = {m, rows8(raw, 0, NULL, 0), rows8(raw, 8, NULL, 0)};
    assert_true(test_oom_sweep(oom_cycle, &c, 100000) > 20);
    st_dataset_free((st_dataset *)c.ref), st_dataset_free((st_dataset *)c.cur);
    st_model_free(m);
    st_dataset_free(raw);

    st_dataset *all = test_read_shipped("thyroid_sick.csv");
    size_t rows[300];
    for (size_t i = 0; i < 300; i++)
        rows[i] = i * 12;
    st_dataset *some = NULL;
    assert_int_equal(st_dataset_subset(all, rows, 300, &some, &err), ST_OK);
    st_dataset *ref = part(some, 0), *cur = part(some, 1);
    m = train(ref, 1, 3);
    c = (oom_case){m, ref, cur};
    assert_true(test_oom_sweep(oom_cycle, &c, 100000) > 20);
    st_model_free(m);
    st_dataset_free(ref), st_dataset_free(cur), st_dataset_free(some), st_dataset_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logreg),
        cmocka_unit_test(test_gbdt),
        cmocka_unit_test(test_unlabelled),
        cmocka_unit_test(test_text_model),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
