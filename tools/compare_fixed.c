/* stratum compare --model FILE: an existing model (a stratum model of either family, an
 * XGBoost JSON model or a LightGBM text model) scores the whole dataset once; the library's
 * st_compare_run then scores those predictions on the settings' folds (stratum/compare.h).
 * Also the names of the table's rows and the note on a model's training rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_train_gbdt.h"
#include "compare.h"

const char *compare_file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

const char *compare_row_model(const compare_row *row)
{
    return row->file != NULL ? compare_file_name(row->file) : cv_model_name(row->model);
}

int compare_overlap_note(const compare_row *row, char *buf, size_t size)
{
    char what[256];
    if (row->file == NULL || !cli_overlap_note(&row->overlap, what, sizeof what)) {
        buf[0] = '\0';
        return 0;
    }
    snprintf(buf, size, "note: --model %s: %s: its metrics are optimistic; evaluate on "
             "held-out data", compare_row_model(row), what);
    return 1;
}

int compare_fixed_predict(const cv_setup *s, const char *path, double *p,
                          st_training_overlap *overlap)
{
    size_t n = st_dataset_n_rows(s->ds);
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "stratum: --model %s: cannot open the file\n", path);
        return EXIT_FAILED;
    }
    fclose(f);
    if (cli_model_is_gbdt(path)) { /* stratum, XGBoost or LightGBM gbdt model */
        st_gbdt *m = NULL;
        rc = st_gbdt_load(path, &m, &err);
        if (rc == ST_OK)
            rc = st_gbdt_predict(m, s->ds, ST_GBDT_PROBABILITY, s->gprm.n_threads, p, n, &err);
        if (rc == ST_OK)
            rc = st_gbdt_training_overlap(m, s->ds, overlap, &err);
        st_gbdt_free(m);
    } else { /* st_logreg_load says what is wrong with a file that is no model */
        st_logreg *m = NULL;
        rc = cli_logreg_load(path, &m, &err);
        if (rc == ST_OK)
            rc = st_logreg_predict(m, s->ds, p, n, &err);
        if (rc == ST_OK)
            rc = st_logreg_training_overlap(m, s->ds, overlap, &err);
        st_logreg_free(m);
    }
    if (rc != ST_OK) {
        const char *msg = err.message[0] ? err.message : st_status_str(rc);
        /* a load error already names the file; a prediction error (a missing feature) not */
        if (strstr(msg, path) != NULL)
            fprintf(stderr, "stratum: --model: %s\n", msg);
        else
            fprintf(stderr, "stratum: --model %s: %s\n", path, msg);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}
