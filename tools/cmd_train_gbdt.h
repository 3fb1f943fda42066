/* stratum train gbdt and prediction with a gbdt model: the entry points the train and
 * predict commands dispatch to. */
#ifndef STRATUM_CMD_TRAIN_GBDT_H
#define STRATUM_CMD_TRAIN_GBDT_H

#include <stddef.h>

#include "cli.h"

/* stratum train gbdt DATA -o MODEL [options]; argv[0] is "gbdt". Returns an exit code. */
int cmd_train_gbdt(int argc, char **argv);
/* stratum train gbdt --help, on stdout. */
void train_gbdt_print_help(void);

/* 1 when the file at path is a gbdt model st_gbdt_load reads: it starts with
 * "stratum-model N gbdt", is a JSON object (XGBoost) or starts with the lines "tree" and
 * "version=v..." (LightGBM). */
int cli_model_is_gbdt(const char *path);

/* Loads the gbdt model, reads DATA and predicts: on success *p holds *n probabilities
 * (malloc'd, the caller frees), *threshold the model's decision threshold (NaN when it
 * has none) and EXIT_OK is returned; otherwise an exit code, with the message printed.
 * The same contract as cmd_predict.c's predict(). When data is not NULL, DATA as read is
 * handed over in *data (the caller frees it) instead of freed. */
int cli_predict_gbdt(const char *model_path, const char *data_path, const cli_common *common,
                     double **p, size_t *n, double *threshold, st_dataset **data);

#endif
