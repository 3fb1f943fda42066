/* --roc-curve and --pr-curve of `stratum evaluate`: the curve's points as CSV. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdlib.h>

#include "evaluate_output.h"

static void csv_number(FILE *f, double v)
{
    if (isnan(v))
        return; /* empty field: undefined */
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", f);
    else
        fprintf(f, "%.17g", v);
}

int eval_write_curve(const char *path, int pr, const double *p, const float *y, const float *w,
                     size_t n)
{
    st_error err;
    size_t m = 0;
    st_status rc = pr ? st_pr_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, &err)
                      : st_roc_curve(p, y, w, n, NULL, NULL, NULL, 0, &m, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    double *a = malloc((m ? m : 1) * sizeof *a), *b = malloc((m ? m : 1) * sizeof *b);
    double *t = malloc((m ? m : 1) * sizeof *t);
    char *text = NULL;
    size_t size = 0;
    FILE *f = a != NULL && b != NULL && t != NULL ? open_memstream(&text, &size) : NULL;
    if (f == NULL) {
        free(a), free(b), free(t);
        fprintf(stderr, "stratum: out of memory for a curve of %zu points\n", m);
        return EXIT_FAILED;
    }
    rc = pr ? st_pr_curve(p, y, w, n, a, b, t, m, &m, &err)
            : st_roc_curve(p, y, w, n, a, b, t, m, &m, &err);
    fputs(pr ? "threshold,precision,recall\n" : "threshold,fpr,tpr\n", f);
    for (size_t i = 0; rc == ST_OK && i < m; i++) {
        csv_number(f, t[i]);
        fputc(',', f);
        csv_number(f, a[i]);
        fputc(',', f);
        csv_number(f, b[i]);
        fputc('\n', f);
    }
    free(a), free(b), free(t);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        fprintf(stderr, "stratum: out of memory for a curve of %zu points\n", m);
        return EXIT_FAILED;
    }
    if (rc == ST_OK)
        rc = st_file_write_atomic(path, text, size, &err);
    free(text);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
