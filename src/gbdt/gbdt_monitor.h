/* Internal: watching a validation set while gradient-boosted trees train
 * (gbdt_monitor.c). */
#ifndef STRATUM_GBDT_MONITOR_H
#define STRATUM_GBDT_MONITOR_H

#include "gbdt_model.h"

/* ---- validation (gbdt_monitor.c) ---- */
typedef struct st__gbdt_monitor st__gbdt_monitor;

/* Starts watching prm->metric on valid (may be NULL) for a model whose features are
 * already set; cb may be NULL. The training metric, when cb asks for it, is computed on
 * the rows of labels ty and row weights tw (NULL = 1), tn of them. *out NULL when there
 * is nothing to watch or report. */
st_status st__gbdt_monitor_new(const st_gbdt *m, const float *ty, const float *tw, size_t tn,
                               const st_dataset *valid, const st_gbdt_params *prm,
                               const st_gbdt_train_callbacks *cb, int n_threads,
                               st__gbdt_monitor **out, st_error *err);
/* After tree t (0-based) was appended to m and the training raw scores train_score
 * updated: updates the validation scores, the best iteration and calls the callback.
 * *stop is set when early stopping says so. */
st_status st__gbdt_monitor_step(st__gbdt_monitor *mon, st_gbdt *m, const double *train_score,
                                int t, int *stop, st_error *err);
/* Records the best iteration in m and, under early stopping, drops the trees after it. */
void st__gbdt_monitor_finish(const st__gbdt_monitor *mon, st_gbdt *m);
void st__gbdt_monitor_free(st__gbdt_monitor *mon);

#endif
