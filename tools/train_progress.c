/* stratum train gbdt's progress on stderr: a metric line every --metric-freq trees when
 * there is a validation set (LightGBM's "[10] valid auc: ..." lines, metric_freq), and the
 * progress line (cli_progress.h: trees done, the validation metric, elapsed time, ETA)
 * redrawn in place when stderr is a terminal. */
#include <math.h>

#include "cli_progress.h"
#include "train_progress.h"

void train_progress_init(train_progress *tp, int has_valid, int metric_freq,
                         st_gbdt_metric metric)
{
    tp->has_valid = has_valid;
    tp->freq = has_valid ? metric_freq : 0;
    tp->metric = st_gbdt_metric_name(metric);
    tp->last_iteration = 0;
    cli_progress_begin("train", 0, "trees");
}

int train_progress_report(const st_gbdt_progress *p, void *user_data)
{
    train_progress *tp = user_data;
    tp->last_iteration = p->iteration;
    if (tp->freq > 0 && (p->iteration == 1 || p->iteration % tp->freq == 0)) {
        cli_progress_clear();
        fprintf(stderr, "[%d]", p->iteration);
        if (!isnan(p->train_metric))
            fprintf(stderr, " train %s %.6f", tp->metric, p->train_metric);
        fprintf(stderr, " valid %s %.6f (best %.6f at %d)\n", tp->metric, p->valid_metric,
                p->best_score, p->best_iteration);
    }
    if (tp->has_valid)
        cli_progress_detail("valid %s %.6f", tp->metric, p->valid_metric);
    return cli_progress_gbdt(p, NULL);
}

void train_progress_done(train_progress *tp)
{
    (void)tp;
    cli_progress_end();
}
