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
    (void)err; /* st_cv_summarise_folds gives an empty summary when out of memory */
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        st_cv_summary s = st_cv_summarise_folds(row->folds, m, k);
        if (k < 0)
            row->threshold = s;
        else
            row->summary[k] = s;
    }
    return ST_OK;
}
