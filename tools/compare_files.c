/* stratum compare's files: --oof (every row's out-of-fold probabilities as CSV) and
 * --report (the library's st_report_compare), from the library's st_compare_result. */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "explain.h" /* csv_field */

int compare_write_oof(const cv_setup *s, const compare_row *rows,
                      const st_compare_result *cmp, const char *path)
{
    const size_t n_rows = cmp->n_settings;
    size_t n = st_dataset_n_rows(s->ds);
    const float *y = st_dataset_labels(s->ds);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = cli_open_memstream(&buf, &size, "the out-of-fold predictions");
    if (mem == NULL)
        return EXIT_FAILED;
    fprintf(mem, "row,fold,repeat,label");
    for (size_t k = 0; k < n_rows; k++) {
        /* A --model row is named by its file's base name, which may hold a comma or a
         * quote: every name goes out as a CSV field. */
        char name[512];
        compare_row_name(&rows[k], name, sizeof name);
        fputc(',', mem);
        csv_field(mem, name);
    }
    fputc('\n', mem);
    for (size_t r = 0; r < s->n_repeats; r++)
        for (size_t i = 0; i < n; i++) {
            fprintf(mem, "%zu,%d,%zu,%d", i + 1, s->fold[r * n + i] + 1, r + 1, (int)y[i]);
            for (size_t k = 0; k < n_rows; k++)
                fprintf(mem, ",%.17g", cmp->rows[k].oof[r * n + i]);
            fputc('\n', mem);
        }
    return cli_write_memstream(mem, &buf, &size, path, "the out-of-fold predictions");
}

int compare_write_report(const cv_setup *s, const compare_opts *co, const compare_row *rows,
                         const double *p_fixed, const st_compare_result *cmp,
                         const char *path)
{
    st_compare_weight weights[COMPARE_MAX_WEIGHTS];
    st_compare_fixed fixed[COMPARE_MAX_FIXED];
    st_compare_params cp = compare_params_of(s, co, p_fixed, weights, fixed, 1);
    const char *names[COMPARE_MAX_WEIGHTS];
    for (size_t w = 0; w < co->n_weights; w++)
        names[w] = co->weight[w].text;
    char notes[COMPARE_MAX_FIXED][400];
    const char *warnings[COMPARE_MAX_FIXED];
    size_t n_notes = 0;
    for (size_t i = 0; i < cmp->n_settings && n_notes < COMPARE_MAX_FIXED; i++)
        if (compare_overlap_note(&rows[i], notes[n_notes], sizeof notes[n_notes]))
            warnings[n_notes] = notes[n_notes], n_notes++;
    st_report_context ctx = cv_report_context(s);
    ctx.weight_names = names;
    ctx.warnings = warnings, ctx.n_warnings = n_notes;
    ctx.compare_reference = co->reference_row; /* -1 without --reference */
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_report_compare(s->ds, &cp, cmp, &ctx, path, NULL, NULL, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
