/* The note evaluate, compare --model and their HTML reports give when the rows scored are
 * (or contain) the model's training rows (st_gbdt_training_overlap,
 * st_logreg_training_overlap). */
#include <string.h>

#include "cli.h"

/* Below this estimated share of training rows no note is given: a few held-out rows may
 * equal training rows, and an estimate from the 256-row sample is that coarse. */
#define NOTE_MIN_SHARE 0.05
/* At or above this share the rows "are" the training rows. */
#define NOTE_ALL_SHARE 0.995

/* n with thousands separators: 3,772. */
static void with_commas(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), out = 0;
    for (int i = 0; i < len && (size_t)out + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
}

int cli_overlap_note(const st_training_overlap *o, char *buf, size_t size)
{
    if (o == NULL || !o->available || !(o->scored_share >= NOTE_MIN_SHARE)) {
        if (size > 0)
            buf[0] = '\0';
        return 0;
    }
    char rows[32], train[32];
    with_commas(o->scored_rows, rows, sizeof rows);
    with_commas(o->training_rows, train, sizeof train);
    if (o->scored_share >= NOTE_ALL_SHARE && o->training_share >= NOTE_ALL_SHARE)
        snprintf(buf, size, "these %s rows are the model's training rows", rows);
    else if (o->scored_share >= NOTE_ALL_SHARE)
        snprintf(buf, size, "these %s rows are all training rows of the model (%s%.0f%% of "
                 "its %s)", rows, o->exact ? "" : "about ", 100 * o->training_share, train);
    else
        snprintf(buf, size, "%s%.0f%% of these %s rows were used to train the model",
                 o->exact ? "" : "about ", 100 * o->scored_share, rows);
    return 1;
}

void cli_overlap_json(FILE *f, const st_training_overlap *o)
{
    if (o == NULL || !o->available) {
        fprintf(f, "null");
        return;
    }
    fprintf(f, "{\"training_rows\": %zu, \"scored_rows\": %zu, \"scored_share\": %.17g, "
            "\"training_share\": %.17g, \"exact\": %s}", o->training_rows, o->scored_rows,
            o->scored_share, o->training_share, o->exact ? "true" : "false");
}
