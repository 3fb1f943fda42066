/* Cross-validation: the checks of st_cv_params and the folds they ask for, shared by
 * st_cv_run (cv_run.c) and st_cv_path_run (cv_path.c). */
#include <stdio.h>

#include "cv_impl.h"

/* NULL when prm can be run on ds, else what is wrong (a static or buf). */
const char *st__cv_check(const st_dataset *ds, const st_cv_params *p, char *buf,
                                size_t size)
{
    const char *eval_bad = st_eval_params_check(&p->eval);
    if (p->family != ST_CV_LOGREG && p->family != ST_CV_GBDT)
        snprintf(buf, size, "family %d: expected ST_CV_LOGREG or ST_CV_GBDT", (int)p->family);
    else if (st_dataset_labels(ds) == NULL)
        snprintf(buf, size, "the dataset has no labels: cross-validation needs them");
    else if (p->fold_ids == NULL && p->n_folds < 2)
        snprintf(buf, size, "n_folds %zu: expected 2 or more", p->n_folds);
    else if (p->n_repeats < 1 || (p->fold_ids != NULL && p->n_repeats != 1))
        snprintf(buf, size, "n_repeats %zu: expected 1 or more (1 with fold_ids)",
                 p->n_repeats);
    else if (p->groups != NULL && p->fold_ids != NULL)
        snprintf(buf, size, "groups and fold_ids exclude each other");
    else if (p->threshold_folds == 1)
        snprintf(buf, size, "threshold_folds 1: expected 0 (in-sample) or 2 or more");
    else if (!(p->valid_fraction >= 0 && p->valid_fraction < 1))
        snprintf(buf, size, "valid_fraction %g: expected 0 (none) or a number in (0, 1)",
                 p->valid_fraction);
    else if (p->n_threads < 0)
        snprintf(buf, size, "n_threads %d: expected 0 (all) or more", p->n_threads);
    else if (p->n_text_cols > ST__CV_MAX_TEXT_COLS || (p->n_text_cols && !p->text_cols))
        snprintf(buf, size, "n_text_cols %zu: expected at most %d names in text_cols",
                 p->n_text_cols, ST__CV_MAX_TEXT_COLS);
    else if (eval_bad != NULL)
        snprintf(buf, size, "eval: %s", eval_bad);
    else
        return NULL;
    return buf;
}

st_status st__cv_folds(const st_dataset *ds, const st_cv_params *p, int *fold_of,
                       size_t *n_folds, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = p->n_folds;
    fp.n_repeats = p->fold_ids != NULL ? 1 : p->n_repeats;
    fp.seed = p->seed;
    fp.groups = p->groups;
    fp.fold_ids = p->fold_ids;
    return st_folds_make(st_dataset_labels(ds), n, &fp, fold_of, n * fp.n_repeats, n_folds,
                         err);
}
