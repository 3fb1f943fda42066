/* stratum evaluate --report: the library's st_report_evaluate (stratum/report.h) given the
 * command's names (the scores file and column, or the model and data paths), its subgroups
 * and its training-rows note. */
#include <stdlib.h>
#include <string.h>

#include "evaluate_output.h"

int eval_write_report(const char *path, const eval_report *r, const double *p, const float *y,
                      const float *w, size_t n)
{
    const eval_groups *g = r->groups;
    st_report_group *groups = NULL;
    if (g != NULL && (groups = calloc(g->n ? g->n : 1, sizeof *groups)) == NULL) {
        fprintf(stderr, "stratum: out of memory for the report's subgroup table\n");
        return EXIT_FAILED;
    }
    for (size_t i = 0; g != NULL && i < g->n; i++)
        groups[i] = (st_report_group){g->groups[i].name, &g->groups[i].ev};
    st_report_evaluation e = {p, y, w, n, r->ev, r->prm, r->scores_path, r->score_col,
                              r->model_path, r->model_kind, r->from_model,
                              g != NULL ? g->column : NULL, groups, g != NULL ? g->n : 0};
    char note[400];
    const char *warning = note;
    st_report_context ctx = st_report_context_default();
    ctx.data_name = r->data_path;
    if (eval_overlap_note(r, note, sizeof note))
        ctx.warnings = &warning, ctx.n_warnings = 1;
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_evaluate(&e, &ctx, path, NULL, NULL, &err);
    free(groups);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
