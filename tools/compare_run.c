/* stratum compare over the library's st_compare_run: its parameters from the command's
 * options, the progress line and a line per row on stderr from its callback, and its rows
 * as the table's. */
#include <math.h>
#include <string.h>

#include "cli_progress.h"
#include "compare.h"
#include "post_fit.h"

/* What the library's progress callback needs of the command. */
typedef struct compare_run_state {
    const cv_setup *s;
    const compare_opts *co;
    size_t settings_done, n_settings; /* cross-validated settings */
} compare_run_state;

/* "0.9712" or "undefined": a row's mean ROC-AUC for its line on stderr. */
static void auc_text(const st_compare_row *row, char *buf, size_t size)
{
    snprintf(buf, size, "undefined");
    if (!isnan(row->summary[ST_METRIC_ROC_AUC].mean))
        snprintf(buf, size, "%.4f", row->summary[ST_METRIC_ROC_AUC].mean);
}

/* The progress line as the settings' folds run, and a line per row on stderr unless -q. */
static void on_progress(const st_compare_progress *p, void *data)
{
    compare_run_state *st = data;
    const cv_setup *s = st->s;
    const size_t m = s->n_folds * s->n_repeats;
    char auc[32];
    switch (p->event) {
    case ST_COMPARE_SETTING_START:
        cli_progress_label("setting %zu/%zu: %s, weight %s", p->setting + 1, p->n_settings,
                           st_compare_family_name(p->row->family),
                           st->co->weight[p->row->weight_index].text);
        break;
    case ST_COMPARE_FOLD_START:
        if (p->fold->n_repeats > 1)
            cli_progress_step("repeat %zu/%zu, fold %zu/%zu", p->fold->repeat + 1,
                              p->fold->n_repeats, p->fold->fold + 1, p->fold->n_folds);
        else
            cli_progress_step("fold %zu/%zu", p->fold->fold + 1, p->fold->n_folds);
        break;
    case ST_COMPARE_FOLD_DONE: cli_progress_advance(); break;
    case ST_COMPARE_ROW_DONE:
        auc_text(p->row, auc, sizeof auc);
        if (p->row->fixed >= 0) {
            if (!s->quiet)
                fprintf(stderr, "%s (fixed model): mean ROC-AUC %s over %zu of %zu folds\n",
                        compare_file_name(st->co->fixed[p->row->fixed]), auc,
                        p->row->summary[ST_METRIC_ROC_AUC].defined, m);
            break;
        }
        cli_progress_clear();
        if (!s->quiet)
            fprintf(stderr, "%s, weight %s: mean ROC-AUC %s over %zu of %zu folds\n",
                    st_compare_family_name(p->row->family),
                    st->co->weight[p->row->weight_index].text, auc,
                    p->row->summary[ST_METRIC_ROC_AUC].defined, m);
        if (++st->settings_done == st->n_settings)
            cli_progress_end();
        break;
    }
}

st_compare_params compare_params_of(const cv_setup *s, const compare_opts *co,
                                    const double *p_fixed, st_compare_weight *weights,
                                    st_compare_fixed *fixed, int keep_oof)
{
    st_compare_params cp = st_compare_params_default();
    cp.cv = cv_params_of(s);
    cp.logreg = co->use[CV_LOGREG], cp.gbdt = co->use[CV_GBDT];
    for (size_t w = 0; w < co->n_weights; w++)
        weights[w] = (st_compare_weight){co->weight[w].kind, co->weight[w].value};
    cp.weights = weights, cp.n_weights = co->n_weights;
    if (s->recal != NULL) {
        cp.recalibrate = s->recal->method;
        cp.calibration_folds = (size_t)s->recal->folds;
    }
    for (size_t k = 0; k < co->n_fixed; k++)
        fixed[k] = (st_compare_fixed){co->fixed[k], p_fixed + k * st_dataset_n_rows(s->ds)};
    cp.fixed = fixed, cp.n_fixed = co->n_fixed;
    cp.keep_oof = keep_oof;
    return cp;
}

void compare_table_rows(const cv_setup *s, const compare_opts *co,
                        const st_compare_result *cmp, compare_row *rows)
{
    const char *method = s->recal != NULL ? st_calibration_method_name(s->recal->method)
                                          : NULL;
    for (size_t i = 0; i < cmp->n_settings; i++) {
        const st_compare_row *lr = &cmp->rows[i];
        compare_row *row = &rows[i];
        memset(row, 0, sizeof *row);
        if (lr->fixed >= 0) {
            row->file = co->fixed[lr->fixed];
            row->overlap = co->fixed_overlap[lr->fixed];
            row->weight = "(fixed)";
            row->calibration = method != NULL ? "none" : NULL;
        } else {
            row->model = lr->family == ST_CV_GBDT ? CV_GBDT : CV_LOGREG;
            row->weight = co->weight[lr->weight_index].text;
            row->calibration = method == NULL ? NULL : lr->calibrated ? method : "none";
        }
        row->diff_from = st_compare_reference_of(cmp, co->reference_row, i);
        for (int k = 0; k < COMPARE_N_COLS; k++) {
            row->col[k] = lr->summary[compare_metrics[k]];
            row->best[k] = lr->best[compare_metrics[k]];
            row->diff[k] = st_compare_difference(cmp, i, row->diff_from < 0 ? cmp->n_settings
                                                 : (size_t)row->diff_from, compare_metrics[k]);
        }
    }
}

int compare_run(const cv_setup *s, const compare_opts *co, const double *p_fixed,
                       int keep_oof, st_compare_result **cmp)
{
    st_compare_weight weights[COMPARE_MAX_WEIGHTS];
    st_compare_fixed fixed[COMPARE_MAX_FIXED];
    st_compare_params cp = compare_params_of(s, co, p_fixed, weights, fixed, keep_oof);
    const size_t n_settings = (size_t)(co->use[CV_LOGREG] + co->use[CV_GBDT]) * co->n_weights;
    compare_run_state st = {s, co, 0, n_settings};
    cp.progress = on_progress;
    cp.progress_data = &st;
    st_error err;
    memset(&err, 0, sizeof err);
    cli_progress_begin("compare", n_settings * s->n_folds * s->n_repeats, "folds");
    st_status rc = st_compare_run(s->ds, &cp, cmp, &err);
    cli_progress_end();
    if (rc == ST_OK)
        return EXIT_OK;
    if (st.settings_done == n_settings) { /* a --model file's fold: its path leads err */
        fprintf(stderr, "stratum: --model %s\n", err.message[0] ? err.message
                                                                 : st_status_str(rc));
        return EXIT_FAILED;
    }
    return cli_fail(&err, rc);
}
