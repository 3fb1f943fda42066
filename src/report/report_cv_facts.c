/* What the reports of cv and compare say about their setup: the caller's context with its
 * defaults, the subtitle, the facts (data, text columns, folds, threshold rule, intervals)
 * and a model's options in a line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* The rules as the CLI's --threshold-rule spells them. */
static const char *const rule_words[] = {"fixed", "f1", "fbeta", "youden", "min-recall",
                                         "min-precision"};

st_report_context st_report_context_default(void)
{
    st_report_context c;
    memset(&c, 0, sizeof c);
    c.data_name = "data";
    c.compare_reference = -1;
    return c;
}

void st__report_context_fill(const st_report_context *ctx, const st_cv_params *prm,
                             st_report_context *out, char *how_buf, size_t how_size)
{
    *out = ctx != NULL ? *ctx : st_report_context_default();
    if (out->data_name == NULL)
        out->data_name = "data";
    if (out->folds_how == NULL) {
        snprintf(how_buf, how_size, "%s", prm->fold_ids != NULL ? "(folds given)"
                                          : prm->groups != NULL ? "stratified, grouped,"
                                                                : "stratified");
        out->folds_how = how_buf;
    }
    if (out->rule_name == NULL) {
        unsigned r = (unsigned)prm->eval.rule;
        out->rule_name = r < sizeof rule_words / sizeof rule_words[0] ? rule_words[r] : "?";
    }
}

void st__report_cv_subtitle(const st_dataset *ds, size_t n_folds, size_t n_repeats,
                            const st_report_context *ctx, char *buf, size_t size)
{
    snprintf(buf, size, "%zu-fold %s cross-validation \xc3\x97 %zu repeat%s on %zu rows of %s",
             n_folds, ctx->folds_how, n_repeats, n_repeats == 1 ? "" : "s",
             st_dataset_n_rows(ds), ctx->data_name);
}

/* Where the threshold rule is applied: ", chosen on the out-of-fold predictions of a
 * 3-fold inner cross-validation of each training part", or on its own predictions
 * (threshold_folds 0); "" for a fixed threshold. */
static const char *threshold_where(const st_cv_params *prm, char *buf, size_t size)
{
    if (prm->eval.rule == ST_THRESHOLD_FIXED)
        snprintf(buf, size, "%s", "");
    else if (prm->threshold_folds >= 2)
        snprintf(buf, size, ", chosen on the out-of-fold predictions of a %zu-fold inner "
                 "cross-validation of each training part", prm->threshold_folds);
    else
        snprintf(buf, size, "%s", ", chosen on each training part's own predictions");
    return buf;
}

/* The text columns and their featurizer's options, named as the model file's text_options
 * line and the CLI's options name them, so that a reader can tell free text was used and
 * run it again: "abstract; n-grams 1-2, tf-idf, sublinear tf, min-df 2, hash bits 12 (4096
 * buckets), no stop words, rows L2-normalised; fitted on each training part". A new
 * string (st__free), NULL when out of memory. */
static char *text_columns_text(const st_cv_params *prm)
{
    const st_text_options *o = &prm->text;
    size_t size = 400;
    /* (parameters that st_cv_run would refuse still make a report, not a crash) */
    const char *const *cols = prm->text_cols;
    for (size_t i = 0; i < prm->n_text_cols; i++)
        size += strlen(cols != NULL && cols[i] != NULL ? cols[i] : "?") + 2;
    char *buf = st__malloc(size), hashing[64];
    if (buf == NULL)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < prm->n_text_cols; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                                cols != NULL && cols[i] != NULL ? cols[i] : "?");
    if (o->hash_bits > 0 && o->hash_bits <= 30)
        snprintf(hashing, sizeof hashing, "hash bits %d (%ld buckets)", o->hash_bits,
                 1L << o->hash_bits);
    else if (o->hash_bits != 0)
        snprintf(hashing, sizeof hashing, "hash bits %d", o->hash_bits);
    else
        snprintf(hashing, sizeof hashing, "a vocabulary (no hashing)");
    snprintf(buf + len, size - len, "; n-grams %d-%d, %s, %s, min-df %zu, %s, %s, %s; fitted "
             "on each training part", o->ngram_min, o->ngram_max,
             o->tfidf ? "tf-idf" : "tf (no idf)", o->sublinear_tf ? "sublinear tf" : "raw tf",
             o->min_df, hashing,
             o->stop_words == ST_TEXT_STOP_ENGLISH ? "English stop words dropped"
                                                   : "no stop words",
             o->l2_norm ? "rows L2-normalised" : "rows not normalised");
    return buf;
}

st_status st__report_cv_facts(st_report *rep, const st_dataset *ds, const st_cv_params *prm,
                              size_t n_folds, size_t n_repeats, const st_report_context *ctx,
                              const char *const *extra_terms, const char *const *extra_values,
                              size_t n_extra, st_error *err)
{
    const char *terms[16], *values[16];
    char rows[160], prev[64], folds[400], rule[300], ver[64], where[160];
    size_t n = st_dataset_n_rows(ds), pos = 0, k = 0;
    const float *y = st_dataset_labels(ds);
    for (size_t i = 0; i < n; i++)
        pos += y[i] == 1;
    terms[k] = "data", values[k++] = ctx->data_name;
    snprintf(rows, sizeof rows, "%zu (%zu positive, %zu negative)", n, pos, n - pos);
    terms[k] = "rows", values[k++] = rows;
    snprintf(prev, sizeof prev, "%.4f (unweighted)", n ? (double)pos / (double)n : NAN);
    terms[k] = "prevalence", values[k++] = prev;
    for (size_t i = 0; i < n_extra && k < 11; i++)
        terms[k] = extra_terms[i], values[k++] = extra_values[i];
    char *text = NULL;
    if (prm->n_text_cols > 0) {
        if ((text = text_columns_text(prm)) == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the report's settings");
        terms[k] = prm->n_text_cols == 1 ? "text column" : "text columns", values[k++] = text;
    }
    /* folds_how reads "stratified", "stratified, grouped by COL," or "(folds given by COL)" */
    char how[320];
    snprintf(how, sizeof how, "%s", ctx->folds_how[0] == '(' ? ctx->folds_how + 1
                                                              : ctx->folds_how);
    size_t len = strlen(how);
    if (len > 0 && (how[len - 1] == ',' || how[len - 1] == ')'))
        how[len - 1] = '\0';
    snprintf(folds, sizeof folds, "%zu, %s, \xc3\x97 %zu repeat%s, seed %llu", n_folds,
             how, n_repeats, n_repeats == 1 ? "" : "s", (unsigned long long)prm->seed);
    terms[k] = "folds", values[k++] = folds;
    if (prm->eval.rule == ST_THRESHOLD_FIXED)
        snprintf(rule, sizeof rule, "fixed at %g", prm->eval.threshold);
    else
        snprintf(rule, sizeof rule, "%s%s", ctx->rule_name,
                 threshold_where(prm, where, sizeof where));
    terms[k] = "threshold", values[k++] = rule;
    terms[k] = "intervals", values[k++] = "95% for the mean over the folds where the metric "
                                          "is defined, by the corrected resampled t (Nadeau "
                                          "and Bengio 2003: the folds share training rows)";
    terms[k] = "curves", values[k++] = "out-of-fold predictions pooled over the folds and "
                                       "repeats; marked: the mean over the folds of each "
                                       "fold's operating point";
    snprintf(ver, sizeof ver, "stratum %s", st_version());
    terms[k] = "program", values[k++] = ver;
    st_report_facts(rep, terms, values, k);
    st__free(text);
    return ST_OK;
}

static const char *class_weight_text(st_class_weight k, double v, char *buf, size_t size)
{
    if (k == ST_CLASS_WEIGHT_NONE)
        return "none";
    if (k == ST_CLASS_WEIGHT_BALANCED)
        return "balanced";
    snprintf(buf, size, "%g", v);
    return buf;
}

void st__report_model_text(const st_cv_params *prm, st_cv_family family, int with_weights,
                           char *buf, size_t size)
{
    char cw[32], weights[96] = "";
    if (family == ST_CV_LOGREG) {
        const st_logreg_params *p = &prm->logreg;
        if (with_weights)
            snprintf(weights, sizeof weights, ", class weight %s",
                     class_weight_text(p->class_weight, p->positive_weight, cw, sizeof cw));
        char lambda[48];
        if (p->lambda == ST_LOGREG_LAMBDA_CV)
            snprintf(lambda, sizeof lambda, "lambda by inner %zu-fold CV", p->cv_folds);
        else
            snprintf(lambda, sizeof lambda, "lambda %g", p->lambda);
        snprintf(buf, size, "logreg, %s, alpha %g%s%s%s", lambda, p->alpha, weights,
                 p->standardize ? "" : ", not standardised",
                 p->missing_indicators ? ", missing indicators" : "");
    } else {
        const st_gbdt_params *g = &prm->gbdt;
        if (with_weights)
            snprintf(weights, sizeof weights, ", class weight %s, scale_pos_weight %g",
                     g->class_weight == ST_CLASS_WEIGHT_BALANCED ? "balanced" : "none",
                     g->scale_pos_weight *
                         (g->class_weight == ST_CLASS_WEIGHT_POSITIVE ? g->positive_weight : 1));
        char trees[48];
        if (g->num_trees == ST_GBDT_NUM_TREES_AUTO)
            snprintf(trees, sizeof trees, "trees by early stopping");
        else
            snprintf(trees, sizeof trees, "%d trees", g->num_trees);
        snprintf(buf, size, "gbdt, %s, %d leaves, learning rate %g, min data in leaf %d%s",
                 trees, g->num_leaves, g->learning_rate, g->min_data_in_leaf, weights);
    }
}
