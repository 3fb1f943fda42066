/* One successive-halving search of stratum tune (stratum/tune.h): the folds made once, a
 * stratified sample of rows per rung kept in those folds, each candidate cross-validated
 * by st_cv_run, the top 1/eta going on. The refit, the defaults and the nested estimate
 * are tune.c's and tune_nested.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "tune_impl.h"

size_t st_tune_n_rungs(size_t n_trials, size_t eta)
{
    size_t r = 1;
    if (eta < 2)
        return 1;
    for (size_t p = eta; p <= n_trials; r++) {
        if (p > ((size_t)-1) / eta)
            return r + 1;
        p *= eta;
    }
    return r;
}

/* A row in the order a rung's sample is taken from: by fold, then class, then a key drawn
 * from the seed; a rung takes the first rows of each (fold, class) cell. */
typedef struct sample_key {
    int fold, label;
    uint64_t key;
    size_t row;
} sample_key;

static int cmp_key(const void *a, const void *b)
{
    const sample_key *x = a, *y = b;
    if (x->fold != y->fold)
        return x->fold < y->fold ? -1 : 1;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The search's state: the full data's folds and sample order, and the rung's data. */
typedef struct search {
    const st_dataset *ds;
    const st_tune_params *prm;
    st_tune_result *res;
    sample_key *order;  /* n rows sorted by cmp_key */
    size_t *rows;       /* a rung's rows, ascending */
    double *fold_ids;   /* their folds, as st_cv_params.fold_ids */
    size_t *cur, *next; /* indices into res->tried of the rung's candidates, in order */
    st__tune_budget budget;
    size_t cap;         /* entries res->tried has room for */
    size_t cap_bracket; /* entries a bracket can make */
    size_t bracket;     /* the bracket running: its candidates' ids start at bracket n_trials */
    int trees;          /* resource trees: the rung's trees; else 0 */
} search;

/* The rows of a rung of about m of the n rows: from each (fold, class) cell of c rows, the
 * first ceil(c m / n) in the sample order. Returns how many. */
static size_t rung_rows(search *s, size_t m)
{
    const size_t n = s->res->n_rows;
    size_t got = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && s->order[b].fold == s->order[a].fold &&
               s->order[b].label == s->order[a].label)
            b++;
        const size_t take = (size_t)ceil((double)(b - a) * (double)m / (double)n);
        for (size_t i = a; i < a + take && i < b; i++)
            s->rows[got++] = s->order[i].row;
        a = b;
    }
    qsort(s->rows, got, sizeof *s->rows, cmp_size);
    for (size_t i = 0; i < got; i++)
        s->fold_ids[i] = s->res->fold_of[s->rows[i]];
    return got;
}

static void tell(const search *s, st_tune_event ev, size_t rung, size_t n_cand, size_t n_rows,
                 const st_tune_candidate *c)
{
    if (s->prm->progress == NULL)
        return;
    st_tune_progress p = {ev, rung, s->res->n_rungs_planned, n_cand, n_rows, c, 0, 0,
                          {NAN, NAN}, s->bracket, ev == ST_TUNE_RUNG_START ? s->trees : 0};
    s->prm->progress(&p, s->prm->progress_data);
}

/* Cross-validates entry c on data (all rows: the folds from the groups, as stratum cv;
 * else the rung's sample with its rows' folds given), stopped by the budget (then
 * ST_ERR_CANCELLED with s->budget.fired set). */
static st_status score(search *s, const st_dataset *data, int all_rows,
                       st_tune_candidate *c, st_error *err)
{
    st_cv_params p = st__tune_cv_params(s->prm, c);
    st__tune_budget_watch(&s->budget, &p);
    if (!all_rows)
        p.groups = NULL, p.fold_ids = s->fold_ids;
    st_cv_result *cv = NULL;
    st_status rc = st_cv_run(data, &p, &cv, err);
    if (rc != ST_OK) {
        st_error inner = *err;
        snprintf(err->message, sizeof err->message, "tune, candidate %zu on %zu rows: %.700s",
                 c->id + 1, c->n_rows, inner.message[0] ? inner.message : st_status_str(rc));
        err->code = rc;
        return rc;
    }
    memcpy(c->summary, cv->summary, sizeof c->summary);
    c->score = cv->summary[s->prm->metric];
    st_cv_result_free(cv);
    return ST_OK;
}

/* Sorts the rung's m entries (indices into tried) best first; ties by candidate id. */
static void rank(const search *s, size_t *idx, size_t m)
{
    const st_tune_candidate *t = s->res->tried;
    for (size_t i = 1; i < m; i++) {
        size_t v = idx[i], j = i;
        for (; j > 0; j--) {
            const st_tune_candidate *a = &t[v], *b = &t[idx[j - 1]];
            const int before = st__tune_better(s->prm->metric, a->score.mean, b->score.mean) ||
                               (!st__tune_better(s->prm->metric, b->score.mean, a->score.mean) &&
                                a->id < b->id);
            if (!before)
                break;
            idx[j] = idx[j - 1];
        }
        idx[j] = v;
    }
}

/* Ranks rung r's `done` entries, tells the top, and promotes the next rung's *m
 * candidates into s->cur; 0 after the last rung. */
static int promote(search *s, size_t r, size_t done, size_t *m)
{
    st_tune_result *res = s->res;
    const st_tune_params *p = s->prm;
    rank(s, s->cur, done);
    res->best = s->cur[0];
    tell(s, ST_TUNE_RUNG_DONE, r, done, res->tried[res->best].n_rows, &res->tried[res->best]);
    if (r + 1 == res->n_rungs_planned || res->budget_spent)
        return 0; /* the last rung, or the budget ends the search here */
    *m = (done + p->eta - 1) / p->eta;
    for (size_t i = 0; i < *m; i++)
        res->tried[s->cur[i]].promoted = 1;
    /* the defaults go on too, after the top: the last rung then compares the search's
     * best with them on all rows (small rungs are noisy enough to drop them) */
    for (size_t i = *m; p->start_from_defaults && i < done; i++)
        if (res->tried[s->cur[i]].id == 0) {
            res->tried[s->cur[i]].promoted = 1;
            s->cur[(*m)++] = s->cur[i];
            break;
        }
    return 1;
}

/* Entry c, stopped by the budget while it ran: no score (NaN), not ranked. */
static void mark_stopped(st_tune_candidate *c)
{
    const st_cv_summary none = {0, NAN, NAN, NAN, NAN};
    c->score = none;
    for (int k = 0; k < ST_METRIC_COUNT; k++)
        c->summary[k] = none;
    c->stopped = 1;
}

/* Rung r over m candidates (s->cur) on about n_r rows; *done gets how many finished. */
static st_status run_rung(search *s, size_t r, size_t m, size_t n_r, size_t *done,
                          st_error *err)
{
    st_tune_result *res = s->res;
    const int all_rows = n_r >= res->n_rows;
    st_dataset *sub = NULL;
    size_t rows = res->n_rows;
    if (!all_rows) {
        rows = rung_rows(s, n_r);
        st_status rc = st_dataset_subset(s->ds, s->rows, rows, &sub, err);
        if (rc != ST_OK)
            return rc;
    }
    tell(s, ST_TUNE_RUNG_START, r, m, rows, NULL);
    st_status rc = ST_OK;
    *done = 0;
    for (size_t i = 0; i < m && rc == ST_OK; i++) {
        /* once the budget is spent no candidate starts (the one running was stopped) */
        const size_t id = r == 0 ? s->bracket * s->prm->n_trials + i
                                 : res->tried[s->cur[i]].id;
        if (res->budget_spent || st__tune_budget_spent(&s->budget)) {
            if (!res->budget_spent)
                tell(s, ST_TUNE_BUDGET_SPENT, r, m, rows, NULL);
            res->budget_spent = 1;
            break;
        }
        if (res->n_tried == s->cap) { /* capacity() bounds what run() promotes */
            rc = st__fail(err, ST_ERR_INVALID_ARG, "st_tune_run: internal: more than %zu "
                          "entries", s->cap);
            break;
        }
        st_tune_candidate *c = &res->tried[res->n_tried];
        if (r == 0) {
            memset(c, 0, sizeof *c);
            c->id = id;
            if (id == 0 && s->prm->start_from_defaults)
                c->logreg = s->prm->cv.logreg, c->gbdt = s->prm->cv.gbdt;
            else
                st__tune_draw(s->prm, id, c);
        } else {
            *c = res->tried[s->cur[i]];
        }
        c->rung = r, c->n_rows = rows, c->promoted = 0;
        if (s->trees > 0)
            c->gbdt.num_trees = s->trees;
        rc = score(s, all_rows ? s->ds : sub, all_rows, c, err);
        if (rc == ST_OK) {
            s->cur[(*done)++] = res->n_tried++; /* *done <= i: cur[i] was read above */
            tell(s, ST_TUNE_CANDIDATE_DONE, r, m, rows, c);
        } else if (rc == ST_ERR_CANCELLED && s->budget.fired) {
            /* the budget ran out inside this candidate: kept in the table, unscored */
            mark_stopped(c);
            res->n_tried++;
            res->budget_spent = 1;
            tell(s, ST_TUNE_BUDGET_SPENT, r, m, rows, c);
            st_error_clear(err);
            rc = ST_OK;
            break;
        }
    }
    st_dataset_free(sub);
    return rc;
}

/* One bracket: rungs of n_trials, ceil(m / eta), ... candidates; res->best its top. */
static st_status run(search *s, st_error *err)
{
    st_tune_result *res = s->res;
    const st_tune_params *p = s->prm;
    const size_t n = res->n_rows, R = res->n_rungs_planned;
    size_t m = p->n_trials;
    for (size_t r = 0; r < R; r++) {
        /* n / eta^(R-1-r); when the first rung would be under min_rows, the rows grow
         * geometrically from min_rows to n instead, so no two rungs are the same size */
        const double first = (double)n / pow((double)p->eta, (double)(R - 1));
        size_t n_r = (size_t)floor((double)n / pow((double)p->eta, (double)(R - 1 - r)));
        if (first < (double)p->min_rows)
            n_r = R == 1 ? n : (size_t)floor((double)p->min_rows *
                                             pow((double)n / (double)p->min_rows,
                                                 (double)r / (double)(R - 1)));
        if (p->resource == ST_TUNE_RESOURCE_TREES) { /* all rows, N / eta^(R-1-r) trees */
            const double t = floor((double)p->cv.gbdt.num_trees /
                                   pow((double)p->eta, (double)(R - 1 - r)));
            s->trees = t < 1 ? 1 : (int)t;
            n_r = n;
        }
        size_t done = 0;
        st_status rc = run_rung(s, r, m, n_r, &done, err);
        if (rc != ST_OK)
            return rc;
        if (done == 0)
            break;
        res->n_rungs_run = r + 1;
        if (!promote(s, r, done, &m))
            break;
    }
    return ST_OK;
}

/* Brackets until n_brackets (0: until the budget is spent); res->best the top of their
 * last rungs, which all score on every row with the same folds. */
static st_status run_brackets(search *s, st_error *err)
{
    st_tune_result *res = s->res;
    const st_tune_params *p = s->prm;
    size_t best = 0, rungs = 0;
    for (size_t b = 0; p->n_brackets == 0 || b < p->n_brackets; b++) {
        if (b > 0 && (res->budget_spent || st__tune_budget_spent(&s->budget)))
            break; /* no bracket starts once the budget is spent */
        if (b > 0 && b > ((size_t)-1) / p->n_trials / 2)
            break; /* ids would overflow: not reachable in practice */
        if (res->n_tried + s->cap_bracket > s->cap) {
            st_tune_candidate *t = st__realloc_array(res->tried, s->cap + s->cap_bracket,
                                                     sizeof *t);
            if (t == NULL)
                return st__fail(err, ST_ERR_NOMEM, "out of memory for bracket %zu of a "
                                "search", b + 1);
            res->tried = t;
            s->cap += s->cap_bracket;
        }
        s->bracket = b;
        res->n_rungs_run = 0;
        st_status rc = run(s, err);
        if (rc != ST_OK)
            return rc;
        res->n_brackets_run = b + 1;
        if (res->n_rungs_run == 0 && b == 0) { /* nothing to refit: say what was cut */
            char what[80] = "before candidate 1 started";
            if (res->n_tried > 0)
                snprintf(what, sizeof what, "candidate %zu on %zu rows was stopped",
                         res->tried[0].id + 1, res->tried[0].n_rows);
            return st__fail(err, ST_ERR_CANCELLED, "tune: the time budget of %g s was spent "
                            "before any candidate finished its cross-validation (%s); give "
                            "a larger budget", p->time_budget, what);
        }
        if (res->n_rungs_run == 0)
            break;
        const st_tune_candidate *top = &res->tried[res->best], *was = &res->tried[best];
        if (b == 0 || (top->rung + 1 == res->n_rungs_planned &&
                       (st__tune_better(p->metric, top->score.mean, was->score.mean) ||
                        (top->score.mean == was->score.mean && top->id < was->id))))
            best = res->best;
        if (res->n_rungs_run > rungs)
            rungs = res->n_rungs_run;
    }
    res->best = best;
    res->n_rungs_run = rungs;
    return ST_OK;
}

/* Entries a full search can make: n_trials, then ceil(m / eta) per rung, and one more
 * when the defaults go on besides them (as run() promotes). */
static size_t capacity(const st_tune_params *p, size_t rungs)
{
    size_t total = 0, m = p->n_trials;
    for (size_t r = 0; r < rungs; r++) {
        total += m;
        size_t next = (m + p->eta - 1) / p->eta;
        m = p->start_from_defaults && next < m ? next + 1 : next;
    }
    return total;
}

static size_t auto_min_rows(const st_dataset *ds, size_t k)
{
    const size_t n = st_dataset_n_rows(ds);
    const float *y = st_dataset_labels(ds);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] == 1;
    const size_t rare = pos < n - pos ? pos : n - pos;
    size_t m = 50;
    if (rare > 0 && (size_t)ceil(2.0 * (double)k * (double)n / (double)rare) > m)
        m = (size_t)ceil(2.0 * (double)k * (double)n / (double)rare);
    return m;
}

st_status st__tune_search(const st_dataset *ds, const st_tune_params *prm, double t0,
                          st_tune_result *res, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    const float *y = st_dataset_labels(ds);
    search s = {ds, prm, res, NULL, NULL, NULL, NULL, NULL, st__tune_budget_make(prm, t0),
                0, 0, 0, 0};
    res->family = prm->cv.family;
    res->metric = prm->metric;
    res->n_rows = n;
    res->n_rungs_planned = st_tune_n_rungs(prm->n_trials, prm->eta);
    res->n_trials = prm->n_trials;
    res->resource = prm->resource;
    const size_t cap = s.cap = s.cap_bracket = capacity(prm, res->n_rungs_planned);
    res->fold_of = st__malloc_array(n, sizeof *res->fold_of);
    res->tried = st__calloc(cap, sizeof *res->tried);
    s.order = st__malloc_array(n, sizeof *s.order);
    s.rows = st__malloc_array(n, sizeof *s.rows);
    s.fold_ids = st__malloc_array(n, sizeof *s.fold_ids);
    s.cur = st__malloc_array(prm->n_trials, sizeof *s.cur);
    st_status rc = ST_OK;
    if (res->fold_of == NULL || res->tried == NULL || s.order == NULL || s.rows == NULL ||
        s.fold_ids == NULL || s.cur == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a search over %zu rows", n);
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = prm->cv.n_folds;
    fp.n_repeats = 1;
    fp.seed = prm->cv.seed;
    fp.groups = prm->cv.groups;
    if (rc == ST_OK)
        rc = st_folds_make(y, n, &fp, res->fold_of, n, &res->n_folds, err);
    if (rc == ST_OK) {
        uint64_t seed = (uint64_t)prm->cv.seed ^ 0x5851F42D4C957F2Dull;
        for (size_t i = 0; i < n; i++) {
            uint64_t st = seed ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull);
            s.order[i] = (sample_key){res->fold_of[i], y[i] == 1, st__tune_splitmix(&st), i};
        }
        qsort(s.order, n, sizeof *s.order, cmp_key);
        size_t min_rows = prm->min_rows ? prm->min_rows : auto_min_rows(ds, res->n_folds);
        st_tune_params p = *prm;
        p.min_rows = min_rows;
        s.prm = &p;
        rc = run_brackets(&s, err);
    }
    st__free(s.order);
    st__free(s.rows);
    st__free(s.fold_ids);
    st__free(s.cur);
    return rc;
}
