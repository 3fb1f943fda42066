/* stratum train gbdt's progress on stderr (train_progress.c). */
#ifndef STRATUM_TRAIN_PROGRESS_H
#define STRATUM_TRAIN_PROGRESS_H

#include "cli.h"

typedef struct train_progress {
    int has_valid;
    int freq;           /* metric line every freq trees; 0 = none */
    const char *metric; /* its name */
    int last_iteration; /* trees trained so far */
} train_progress;

/* Also begins the progress line (cli_progress.h) of `train` over the trees. */
void train_progress_init(train_progress *tp, int has_valid, int metric_freq,
                         st_gbdt_metric metric);
/* The st_gbdt_progress_fn; user_data is the train_progress. Never cancels. */
int train_progress_report(const st_gbdt_progress *p, void *user_data);
/* Erases the progress line, if drawn. */
void train_progress_done(train_progress *tp);

#endif
