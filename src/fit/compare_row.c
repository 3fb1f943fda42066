/* The rows of st_compare_run: room for one, its summaries, and the progress callback. */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "compare_impl.h"

void st__compare_tell(const st_compare_params *prm, st_compare_event event, size_t setting,
                      size_t n_settings, const st_compare_row *row,
                      const st_cv_progress *fold)
{
    if (prm->progress == NULL)
        return;
    st_compare_progress p = {event, setting, n_settings, row, fold};
    prm->progress(&p, prm->progress_data);
}

st_status st__compare_row_alloc(st_compare_row *row, size_t m, size_t nr, int keep_oof,
                                st_error *err)
{
    row->folds = st__calloc(m ? m : 1, sizeof *row->folds);
    row->oof = keep_oof ? st__malloc_array(nr ? nr : 1, sizeof *row->oof) : NULL;
    if (row->folds == NULL || (keep_oof && row->oof == NULL))
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the results of %zu folds", m);
    return ST_OK;
}

st_status st__compare_summarise(st_compare_row *row, size_t m, st_error *err)
{
    double *v = st__malloc_array(m ? m : 1, sizeof *v);
    if (v == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu fold results", m);
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        for (size_t i = 0; i < m; i++)
            v[i] = k < 0 ? row->folds[i].threshold : row->folds[i].value[k];
        st_cv_summary s = st_cv_summarise(v, m, k);
        if (k < 0)
            row->threshold = s;
        else
            row->summary[k] = s;
    }
    st__free(v);
    return ST_OK;
}
