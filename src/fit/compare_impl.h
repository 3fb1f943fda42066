/* src/fit/compare*.c: stratum/compare.h. compare_run.c checks the parameters, makes the
 * rows in order and marks the best; compare_setting.c cross-validates one setting (and
 * calibrates each fold's model with recalibrate); compare_fixed.c scores a fixed model on
 * the folds; compare_row.c holds what both need (a row's room, its summaries, progress). */
#ifndef STRATUM_FIT_COMPARE_IMPL_H
#define STRATUM_FIT_COMPARE_IMPL_H

#include <stratum.h>

/* Tells prm's callback (if any) of an event. */
void st__compare_tell(const st_compare_params *prm, st_compare_event event, size_t setting,
                      size_t n_settings, const st_compare_row *row,
                      const st_cv_progress *fold);

/* Room for a row's folds (m of them) and, with keep_oof, its out-of-fold predictions (nr). */
st_status st__compare_row_alloc(st_compare_row *row, size_t m, size_t nr, int keep_oof,
                                st_error *err);

/* Each metric and the threshold of row's m folds summarised. */
st_status st__compare_summarise(st_compare_row *row, size_t m, st_error *err);

/* Cross-validates setting `setting` (of n_settings): cp is the setting's own parameters
 * (family and class weights set). Fills row (and row[1], the calibrated one, when
 * prm->recalibrate) and res's folds on first use (fold_of, n_folds when n_folds is 0). */
st_status st__compare_setting(const st_dataset *ds, const st_compare_params *prm,
                              const st_cv_params *cp, size_t setting, size_t n_settings,
                              st_compare_result *res, st_compare_row *row, st_error *err);

/* Scores fixed model k (prm->fixed[k]) on res's folds into row. */
st_status st__compare_fixed(const st_dataset *ds, const st_compare_params *prm, size_t k,
                            const st_compare_result *res, st_compare_row *row, st_error *err);

#endif
