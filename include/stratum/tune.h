/* stratum/tune.h: hyperparameter search for logistic regression or boosted trees by
 * successive halving, scored by cross-validation on the folds `stratum cv` makes
 * (`stratum tune`, docs/tune.md). Include <stratum.h> rather than this file.
 *
 *     st_tune_params tp = st_tune_params_default();   // logreg, ROC-AUC, 27 trials, eta 3
 *     tp.cv.family = ST_CV_GBDT;                       // tp.cv: the folds and fixed options
 *     st_tune_result *res = NULL;
 *     if (st_tune_run(ds, &tp, &res, &err) != ST_OK) { puts(err.message); ... }
 *     const st_tune_candidate *b = &res->tried[res->best];
 *     printf("%.4f [%.4f, %.4f]\n", b->score.mean, b->score.low, b->score.high);
 *     st_model_save(res->model, "best.model", &err);
 *     st_tune_result_free(res);
 *
 * The search (scikit-learn's HalvingRandomSearchCV with resource = rows, or trees):
 * - n_trials candidates: the first is cv's own parameters (the family's defaults with the
 *   fixed options: logreg's lambda chosen by its inner cross-validation, gbdt's trees by
 *   early stopping) when start_from_defaults; the others are drawn from the space below,
 *   candidate i from its own stream (splitmix64 seeded by (cv.seed, i)), so the first
 *   candidates do not depend on n_trials. A parameter whose bit is set in `fixed` is not
 *   drawn: the value in cv.logreg or cv.gbdt is used.
 * - The rows are split once into cv.n_folds folds by st_folds_make with cv.seed and
 *   cv.groups (one repeat): exactly the folds of st_cv_run and `stratum cv`.
 * - Rung r of the R = 1 + floor(log_eta(n_trials)) rungs cross-validates each surviving
 *   candidate (st_cv_run) on a stratified sample of n_r = n / eta^(R-1-r) rows (at least
 *   min_rows; when n / eta^(R-1) is under min_rows, n_r = min_rows (n / min_rows)^(r / (R-1))
 *   instead, rows growing geometrically from min_rows to n), each row kept in its fold of the full split (so no group is ever in the
 *   train and test parts of a fold); the last rung uses all rows with cv.groups, which is
 *   `stratum cv` with those parameters. The top ceil(m / eta) of the m candidates of a
 *   rung by the metric's mean over the folds (ties: the lower candidate number) go on,
 *   and with start_from_defaults candidate 1 (the defaults) as well when not among them:
 *   so the best is never worse than the defaults on the last rung.
 * - With resource = ST_TUNE_RESOURCE_TREES (gbdt, num_trees N fixed) every rung uses all
 *   rows and the folds of cv.groups, and the rung's candidates train fewer trees instead
 *   (N / eta^(R-1-r)); with the default number of trees (early stopping inside every fit)
 *   the rows are the resource: the trees are already chosen per fit.
 * - The best is the top candidate of the last rung; it is refitted on all rows
 *   (st_logreg_fit, st_gbdt_fit) into res->model.
 * - Brackets (n_brackets != 1; Hyperband's brackets, all of one size): the search above
 *   run again with the next n_trials candidates (ids continuing), as many times as asked
 *   or, n_brackets = 0, until the time budget is spent. Every bracket ends on all rows with
 *   the same folds, so the best is the top of the brackets' last rungs (ties: the lower
 *   id). A run of K brackets the budget did not cut is reproduced by n_brackets = K.
 *
 * The space (each drawn independently; log = uniform in the logarithm):
 *   logreg: lambda log in [1e-4, 1]; alpha uniform in [0, 1]; class weight none or
 *           balanced (1/2 each).
 *   gbdt:   num_leaves log in [4, 64] (whole); min_data_in_leaf log in [2, 100] (whole);
 *           learning_rate log in [0.01, 0.3]; feature_fraction uniform in [0.5, 1];
 *           bagging_fraction uniform in [0.5, 1] (bagging_freq 1); lambda_l2 log in
 *           [1e-3, 10]; class weight none or balanced. num_trees is cv.gbdt's (default:
 *           chosen by early stopping inside each fit).
 *
 * The same data, parameters and seed give the same candidates, scores and model, byte for
 * byte, whatever the thread count. A time budget (time_budget > 0, read through the
 * caller's clock from the start of st_tune_run) is read before each candidate and, through
 * the should_stop of every cross-validation (stratum/common.h), before each fold, tree and
 * solver iteration. Once it is spent the candidate running stops there (its entry is kept
 * with stopped = 1 and no score, not ranked; ST_TUNE_BUDGET_SPENT tells it), no candidate,
 * rung or bracket starts, and the best is the top of the last rung that scored any
 * candidate, on that rung's rows (a rung's candidates run in the order of the previous
 * rung's ranking, so those scored are its leaders); nothing is left to run then but the
 * refit of the best on all rows, which is outside the budget (ST_TUNE_REFIT_START). So
 * the search ends within the budget plus one tree or one solver iteration (plus a fold's
 * setup), and st_tune_run within that plus the refit. The defaults' own score
 * (score_defaults, when candidate 1 did not reach all rows) is within the budget too: not
 * scored (has_defaults 0, budget_spent 1) when it is spent first. A budget spent before
 * any candidate finished leaves nothing to refit: ST_ERR_CANCELLED ("the time budget of
 * S s was spent before any candidate finished ..."). The caller's own cv.should_stop
 * fails the search with ST_ERR_CANCELLED. Which candidates ran under a budget depends on
 * the clock, never a finished candidate's score. Nothing is printed; progress goes to the
 * callback. */
#ifndef STRATUM_TUNE_H
#define STRATUM_TUNE_H

#include <stddef.h>

#include "common.h"
#include "cv.h"
#include "dataset.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The searched parameters, as bits of st_tune_params.fixed. */
typedef enum st_tune_param {
    ST_TUNE_LAMBDA = 1u << 0,           /* logreg */
    ST_TUNE_ALPHA = 1u << 1,            /* logreg */
    ST_TUNE_CLASS_WEIGHT = 1u << 2,     /* both */
    ST_TUNE_NUM_LEAVES = 1u << 3,       /* gbdt */
    ST_TUNE_MIN_DATA_IN_LEAF = 1u << 4, /* gbdt */
    ST_TUNE_LEARNING_RATE = 1u << 5,    /* gbdt */
    ST_TUNE_FEATURE_FRACTION = 1u << 6, /* gbdt */
    ST_TUNE_BAGGING_FRACTION = 1u << 7, /* gbdt (with bagging_freq) */
    ST_TUNE_LAMBDA_L2 = 1u << 8         /* gbdt */
} st_tune_param;

/* What the progress callback is told. */
typedef enum st_tune_event {
    ST_TUNE_RUNG_START = 0,   /* rung, n_rungs, n_candidates, n_rows */
    ST_TUNE_CANDIDATE_DONE = 1, /* and candidate: the entry just scored */
    ST_TUNE_RUNG_DONE = 2,    /* and best: the rung's top entry */
    ST_TUNE_BUDGET_SPENT = 3, /* the budget was found spent in rung (once); candidate: the
                                 entry it stopped (stopped = 1), or NULL when it was found
                                 spent between candidates */
    ST_TUNE_NESTED_FOLD_DONE = 4, /* fold, n_folds, value: that outer fold's ROC-AUC, PR-AUC */
    ST_TUNE_REFIT_START = 5    /* candidate: the best, refitted now on all n_rows rows (after
                                 the search and outside its time budget) */
} st_tune_event;

struct st_tune_candidate;

/* What a rung's size grows in (st_tune_params.resource). */
typedef enum st_tune_resource {
    ST_TUNE_RESOURCE_ROWS = 0, /* a rung cross-validates on a sample of the rows (default) */
    ST_TUNE_RESOURCE_TREES = 1 /* gbdt with cv.gbdt.num_trees = N > 0: every rung on all
                                  rows, rung r of R with max(1, floor(N / eta^(R-1-r)))
                                  trees, the last with N */
} st_tune_resource;

typedef struct st_tune_progress {
    st_tune_event event;
    size_t rung, n_rungs;        /* 0-based */
    size_t n_candidates, n_rows; /* of the rung */
    const struct st_tune_candidate *candidate; /* CANDIDATE_DONE, RUNG_DONE; else NULL */
    size_t fold, n_folds;        /* NESTED_FOLD_DONE (0-based fold) */
    double value[2];             /* NESTED_FOLD_DONE: ROC-AUC, PR-AUC of the outer fold */
    size_t bracket;              /* RUNG_START, RUNG_DONE, BUDGET_SPENT: the search's bracket
                                    (0-based; see n_brackets) */
    int n_trees;                 /* RUNG_START with resource trees: the rung's trees; else 0 */
} st_tune_progress;

/* Called on the calling thread; it only reads p. The result is the same with or without. */
typedef void (*st_tune_progress_fn)(const st_tune_progress *p, void *user_data);

/* Seconds since any fixed origin (e.g. CLOCK_MONOTONIC), for the time budget. */
typedef double (*st_tune_clock_fn)(void *user_data);

/* Start from st_tune_params_default(). Every pointer is borrowed for the call. */
typedef struct st_tune_params {
    st_cv_params cv;          /* family, the fixed options in logreg or gbdt, the folds
                                 (n_folds, seed, groups; n_repeats 1, no fold_ids, no text
                                 columns), n_threads; a fixed threshold (metrics at a
                                 threshold are not what is tuned) */
    st_metric metric;         /* ST_METRIC_ROC_AUC (default), _PR_AUC (both maximised),
                                 _LOG_LOSS or _BRIER (minimised) */
    unsigned fixed;           /* st_tune_param bits not searched (default 0) */
    size_t n_trials;          /* candidates, >= 1 (default 27) */
    int start_from_defaults;  /* 1 (default): candidate 1 is cv's own parameters and goes on
                                 to every rung; 0: every candidate is drawn, plain halving */
    size_t eta;               /* halving factor, >= 2 (default 3) */
    size_t min_rows;          /* rows of the first rung at least; 0 (default): the larger
                                 of 50 and 2 n_folds / (share of the rarer class), at most
                                 all rows */
    double time_budget;       /* seconds, >= 0; 0 = none (default); needs clock; the
                                 search stops when it is spent (above) */
    st_tune_clock_fn clock;   /* NULL (default) or the clock the budget is read from */
    void *clock_data;
    size_t nested_folds;      /* 0 (default) or >= 2: also estimate the tuned procedure by
                                 nested cross-validation (the whole search inside each of
                                 these outer folds, made as cv's folds with cv.seed; each
                                 inner search gets the same time budget, and its best's
                                 refit on the outer training part is outside it; an
                                 inner search the budget cut before any candidate
                                 finished fails the call, as the outer search would) */
    int score_defaults;       /* 1 (default): also cross-validate cv's own parameters (the
                                 family's defaults with the fixed options) on all rows and
                                 the same folds, into defaults[] (candidate 1's scores when
                                 it reached the last rung) */
    st_tune_progress_fn progress; /* NULL (default) */
    void *progress_data;
    size_t n_brackets;        /* 1 (default): one search of n_trials candidates; K > 1: K
                                 searches ("brackets") one after another, bracket b drawing
                                 candidates b n_trials .. (b+1) n_trials - 1 (the defaults
                                 only in bracket 0), the best the top of all brackets' last
                                 rungs; 0: brackets until the time budget is spent (needs
                                 time_budget > 0; none starts once it is) */
    st_tune_resource resource; /* ST_TUNE_RESOURCE_ROWS (default) or _TREES (gbdt with
                                 cv.gbdt.num_trees > 0) */
} st_tune_params;

ST_API st_tune_params st_tune_params_default(void);

/* One candidate scored at one rung. */
typedef struct st_tune_candidate {
    size_t id;                /* the draw, 0-based (its parameters' stream) */
    size_t rung, n_rows;      /* the rung and the rows cross-validated (the resource) */
    st_logreg_params logreg;  /* the candidate's parameters (family logreg) */
    st_gbdt_params gbdt;      /* (family gbdt; monotone is cv.gbdt's pointer) */
    st_cv_summary score;      /* the metric over the folds: mean and 95% interval */
    st_cv_summary summary[ST_METRIC_COUNT]; /* every metric, as st_cv_result's */
    int promoted;             /* 1 when it went on to the next rung */
    int stopped;              /* 1: the time budget ran out while it was cross-validated
                                 and stopped it (at its next tree or solver iteration):
                                 score and summary are NaN (defined 0), it is not ranked */
} st_tune_candidate;

/* What st_tune_run returns; owned by the caller, freed with st_tune_result_free. */
typedef struct st_tune_result {
    st_cv_family family;
    st_metric metric;
    size_t n_rows, n_folds;
    int *fold_of;             /* n_rows: the test fold of each row (0-based), every rung */
    size_t n_tried;           /* entries of tried: a candidate once per rung it ran in */
    st_tune_candidate *tried; /* rung-major, in the order scored */
    size_t n_rungs_planned, n_rungs_run;
    int budget_spent;         /* 1 when the time budget cut candidates */
    size_t best;              /* index into tried of the best entry */
    st_model *model;          /* the best refitted on all rows (owned; set it to NULL to
                                 keep it past st_tune_result_free) */
    int has_defaults;
    st_cv_summary defaults[ST_METRIC_COUNT]; /* score_defaults: cv's own parameters */
    size_t nested_folds;      /* 0 when not asked */
    st_cv_summary nested[ST_METRIC_COUNT];   /* the tuned procedure on the outer test
                                 folds (ROC-AUC, PR-AUC, log loss, Brier, ...) */
    size_t n_trials;          /* candidates a bracket draws (prm->n_trials): candidate id
                                 is in bracket id / n_trials */
    size_t n_brackets_run;    /* brackets run (1 unless n_brackets != 1) */
    st_tune_resource resource; /* the resource: with TREES an entry's gbdt.num_trees is its
                                 rung's trees, and n_rows is all rows on every rung */
} st_tune_result;

/* Searches prm's space on ds (labels required). On success *out is a new result; on
 * failure *out is NULL and err says why: a bad parameter (naming the field), rows that
 * cannot make the folds, or a failed fit ("tune, candidate 3 on 120 rows: " and
 * st_cv_run's message). prm may be NULL for the defaults. */
ST_API st_status st_tune_run(const st_dataset *ds, const st_tune_params *prm,
                             st_tune_result **out /* OUT */, st_error *err);
ST_API void st_tune_result_free(st_tune_result *res); /* NULL-safe; frees model too */

/* The rungs of a search of n_trials candidates with factor eta: 1 + floor(log_eta(n)). */
ST_API size_t st_tune_n_rungs(size_t n_trials, size_t eta);

#ifdef __cplusplus
}
#endif

#endif
