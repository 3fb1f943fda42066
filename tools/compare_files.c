/* stratum compare's files: --oof (every row's out-of-fold probabilities as CSV) and the
 * curves of --report, from the library's st_compare_result. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "explain.h" /* csv_field */
#include "report_cli.h"

int compare_write_oof(const cv_setup *s, const compare_row *rows,
                      const st_compare_result *cmp, const char *path)
{
    const size_t n_rows = cmp->n_settings;
    size_t n = st_dataset_n_rows(s->ds);
    const float *y = st_dataset_labels(s->ds);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (mem == NULL) {
        fprintf(stderr, "stratum: out of memory for the out-of-fold predictions\n");
        return EXIT_FAILED;
    }
    fprintf(mem, "row,fold,repeat,label");
    for (size_t k = 0; k < n_rows; k++) {
        /* A --model row is named by its file's base name, which may hold a comma or a
         * quote: every name goes out as a CSV field. */
        char name[512];
        if (rows[k].file != NULL)
            snprintf(name, sizeof name, "%s", compare_file_name(rows[k].file));
        else
            snprintf(name, sizeof name, "%s_%s%s%s", cv_model_name(rows[k].model),
                     rows[k].weight,
                     rows[k].calibration != NULL && strcmp(rows[k].calibration, "none") != 0
                         ? "_" : "",
                     rows[k].calibration != NULL && strcmp(rows[k].calibration, "none") != 0
                         ? rows[k].calibration : "");
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

int compare_report_oofs(const cv_setup *s, const st_compare_result *cmp, report_oof *oofs)
{
    const size_t m = cmp->n_folds * cmp->n_repeats;
    cv_fold_result *res = calloc(m ? m : 1, sizeof *res);
    if (res == NULL) {
        fprintf(stderr, "stratum: out of memory for %zu fold results\n", m);
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    for (size_t i = 0; status == EXIT_OK && i < cmp->n_settings; i++) {
        for (size_t k = 0; k < m; k++) {
            memcpy(res[k].value, cmp->rows[i].folds[k].value, sizeof res[k].value);
            res[k].threshold = cmp->rows[i].folds[k].threshold;
        }
        status = report_oof_make(s, res, cmp->rows[i].oof, &oofs[i]);
    }
    free(res);
    return status;
}
