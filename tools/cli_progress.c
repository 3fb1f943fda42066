/* The progress line on stderr (cli_progress.h). */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli_progress.h"

/* Seconds between two drawings: at most five a second, except that a new setting, step
 * or first detail, and the last unit done, are drawn at once (a step that ends sooner
 * would never be seen). */
#define MIN_REDRAW 0.2

static struct {
    int on;
    int shown;              /* the line is on the screen */
    double start, last;     /* clock at begin and at the last drawing */
    int final_drawn;        /* the drawing with every unit done was made */
    const char *command, *unit;
    size_t total, done;
    char label[96], step[64], detail[96];
    size_t inner_fold;      /* the inner fold of the lambda choice last shown (0: none) */
} g;

void cli_progress_mode(int forced, int quiet)
{
    g.on = forced == 1 || (forced != 0 && !quiet && isatty(fileno(stderr)));
}

int cli_progress_on(void)
{
    return g.on;
}

/* "42s", "3m05s", "1h02m" */
static void duration(char *buf, size_t size, double s)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;
    if (t < 60)
        snprintf(buf, size, "%lds", t);
    else if (t < 3600)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
}

/* Columns of the terminal, so that the line never wraps (a wrapped line would not be
 * redrawn in place); 80 when unknown. */
static size_t width(void)
{
    struct winsize ws;
    if (ioctl(fileno(stderr), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

static void draw(int force)
{
    if (!g.on || g.command == NULL) /* nothing begun: e.g. a fit before the command's work */
        return;
    double now = cli_seconds();
    if (g.total > 0 && g.done >= g.total && !g.final_drawn)
        force = g.final_drawn = 1;
    if (!force && g.shown && now - g.last < MIN_REDRAW)
        return;
    g.last = now;
    char line[512], el[32], eta[32];
    size_t used = (size_t)snprintf(line, sizeof line, "stratum %s:", g.command);
    const char *parts[3] = {g.label, g.step, g.detail};
    int any = 0;
    for (int k = 0; k < 3; k++)
        if (parts[k][0] != '\0' && used < sizeof line) {
            used += (size_t)snprintf(line + used, sizeof line - used, "%s %s",
                                     any ? "," : "", parts[k]);
            any = 1;
        }
    duration(el, sizeof el, now - g.start);
    if (used < sizeof line) {
        if (g.total > 0)
            used += (size_t)snprintf(line + used, sizeof line - used, "%s %zu/%zu %s, %s",
                                     any ? " |" : "", g.done, g.total, g.unit, el);
        else
            used += (size_t)snprintf(line + used, sizeof line - used, "%s %s", any ? " |" : "",
                                     el);
    }
    if (g.total > 0 && g.done > 0 && g.done < g.total && used < sizeof line) {
        duration(eta, sizeof eta, (now - g.start) / (double)g.done * (double)(g.total - g.done));
        snprintf(line + used, sizeof line - used, ", ETA %s", eta);
    }
    size_t cols = width() - 1;
    if (strlen(line) > cols)
        line[cols] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    g.shown = 1;
}

void cli_progress_begin(const char *command, size_t total, const char *unit)
{
    g.command = command;
    g.unit = unit;
    g.total = total;
    g.done = 0;
    g.final_drawn = 0;
    g.label[0] = g.step[0] = g.detail[0] = '\0';
    g.inner_fold = 0;
    g.start = cli_seconds();
    draw(1);
}

static void set(char *buf, size_t size, const char *fmt, va_list ap)
{
    vsnprintf(buf, size, fmt, ap);
}

void cli_progress_label(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(g.label, sizeof g.label, fmt, ap);
    va_end(ap);
    g.step[0] = g.detail[0] = '\0';
    draw(1);
}

void cli_progress_step(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(g.step, sizeof g.step, fmt, ap);
    va_end(ap);
    g.detail[0] = '\0';
    draw(1);
}

void cli_progress_detail(const char *fmt, ...)
{
    const int first = g.detail[0] == '\0';
    va_list ap;
    va_start(ap, fmt);
    set(g.detail, sizeof g.detail, fmt, ap);
    va_end(ap);
    draw(first);
}

void cli_progress_total(size_t total)
{
    g.total = total;
    g.final_drawn = 0;
}

void cli_progress_done(size_t done)
{
    g.done = done;
    draw(0);
}

void cli_progress_advance(void)
{
    cli_progress_done(g.done + 1);
}

void cli_progress_clear(void)
{
    if (g.shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    g.shown = 0;
}

void cli_progress_end(void)
{
    cli_progress_clear();
    g.command = NULL;
}

void cli_progress_bin(int pass, uint64_t bytes_done, uint64_t bytes_total, void *data)
{
    (void)data;
    /* two passes over the file (a third, partial one re-reads early texts, rarely) */
    const size_t mib = (size_t)(bytes_total >> 20) + 1;
    const size_t done = (size_t)(pass - 1) * mib + (size_t)(bytes_done >> 20);
    cli_progress_total(2 * mib);
    static int shown_pass; /* a new pass is drawn at once, as a new fold is */
    if (pass != shown_pass)
        cli_progress_step("pass %d", pass);
    shown_pass = pass;
    cli_progress_detail("%zu of %zu MiB", (size_t)(bytes_done >> 20),
                        (size_t)(bytes_total >> 20));
    cli_progress_done(done < 2 * mib ? done : 2 * mib);
}

int cli_progress_gbdt(const st_gbdt_progress *p, void *user_data)
{
    (void)user_data;
    if (g.unit != NULL && strcmp(g.unit, "trees") == 0) {
        cli_progress_total((size_t)p->num_trees);
        cli_progress_done((size_t)p->iteration);
    }
    else
        cli_progress_detail("tree %d/%d", p->iteration, p->num_trees);
    return 0;
}

void cli_progress_logreg(const st_logreg_progress *p, void *user_data)
{
    (void)user_data;
    if (p->inner_fold != g.inner_fold) /* a new inner fold is drawn at once */
        g.detail[0] = '\0';
    g.inner_fold = p->inner_fold;
    if (p->n_lambda > 0 && p->inner_fold > 0) { /* choosing lambda: an inner fold's path */
        cli_progress_detail("choosing lambda, inner %s%zu/%zu, lambda %zu/%zu, iteration %d",
                            p->n_inner_folds > 1 ? "fold " : "split ", p->inner_fold,
                            p->n_inner_folds, p->lambda + (p->lambda < p->n_lambda),
                            p->n_lambda, p->iteration);
    } else if (p->n_lambda > 0) {
        if (g.unit != NULL && strcmp(g.unit, "lambdas") == 0)
            g.done = p->lambda;
        cli_progress_detail("lambda %zu/%zu, iteration %d", p->lambda + (p->lambda < p->n_lambda),
                            p->n_lambda, p->iteration);
    } else {
        cli_progress_detail("iteration %d", p->iteration);
    }
}

const st_gbdt_train_callbacks *cli_progress_gbdt_callbacks(void)
{
    static const st_gbdt_train_callbacks cb = {cli_progress_gbdt, NULL, 0};
    return g.on ? &cb : NULL;
}

void cli_progress_logreg_params(st_logreg_params *prm)
{
    prm->progress = g.on ? cli_progress_logreg : NULL;
    prm->progress_data = NULL;
}
