/* stratum train gbdt's progress on stderr: a metric line every --metric-freq trees when
 * there is a validation set (LightGBM's "[10] valid auc: ..." lines, metric_freq), and a
 * progress bar redrawn in place after every tree when stderr is a terminal. */
#include <math.h>
#include <unistd.h>

#include "train_progress.h"

#define BAR_WIDTH 30

void train_progress_init(train_progress *tp, int has_valid, int metric_freq,
                         st_gbdt_metric metric)
{
    tp->tty = isatty(fileno(stderr));
    tp->has_valid = has_valid;
    tp->freq = has_valid ? metric_freq : 0;
    tp->metric = st_gbdt_metric_name(metric);
    tp->bar_shown = 0;
    tp->last_iteration = 0;
}

static void clear_bar(train_progress *tp)
{
    if (tp->bar_shown)
        fputs("\r\033[K", stderr);
    tp->bar_shown = 0;
}

int train_progress_report(const st_gbdt_progress *p, void *user_data)
{
    train_progress *tp = user_data;
    tp->last_iteration = p->iteration;
    if (tp->freq > 0 && (p->iteration == 1 || p->iteration % tp->freq == 0)) {
        clear_bar(tp);
        fprintf(stderr, "[%d]", p->iteration);
        if (!isnan(p->train_metric))
            fprintf(stderr, " train %s %.6f", tp->metric, p->train_metric);
        fprintf(stderr, " valid %s %.6f (best %.6f at %d)\n", tp->metric, p->valid_metric,
                p->best_score, p->best_iteration);
    }
    if (tp->tty) {
        const int done = (int)((long long)BAR_WIDTH * p->iteration / p->num_trees);
        fprintf(stderr, "\r[%.*s%*s] %d/%d trees", done, "##############################",
                BAR_WIDTH - done, "", p->iteration, p->num_trees);
        if (tp->has_valid)
            fprintf(stderr, "  valid %s %.6f", tp->metric, p->valid_metric);
        fflush(stderr);
        tp->bar_shown = 1;
    }
    return 0;
}

void train_progress_done(train_progress *tp)
{
    clear_bar(tp);
}
