"""stratum.tune: the library's successive-halving search (stratum/tune.h, st_tune_run),
`stratum tune`'s table and best model, as pandas objects and a fitted estimator."""
import ctypes
import time
from ctypes import POINTER, c_double, c_int, c_size_t, c_uint, c_void_p

import numpy as np

from . import _interrupt
from ._cv import StCvParams, StCvSummary, _prepare
from ._data import to_dataset
from ._lib import (CLASS_WEIGHT_BALANCED, CLASS_WEIGHT_POSITIVE, DEFAULT_SEED, ST_METRIC_COUNT,
                   StError, StGbdtParams, StLogregParams, StratumError, check, lib)
from ._model import Model

_CLOCK = ctypes.CFUNCTYPE(c_double, c_void_p)


class StTuneParams(ctypes.Structure):
    _fields_ = [("cv", StCvParams), ("metric", c_int), ("fixed", c_uint),
                ("n_trials", c_size_t), ("start_from_defaults", c_int), ("eta", c_size_t),
                ("min_rows", c_size_t), ("time_budget", c_double), ("clock", _CLOCK),
                ("clock_data", c_void_p), ("nested_folds", c_size_t),
                ("score_defaults", c_int), ("progress", c_void_p),
                ("progress_data", c_void_p), ("n_brackets", c_size_t), ("resource", c_int)]


class StTuneCandidate(ctypes.Structure):
    _fields_ = [("id", c_size_t), ("rung", c_size_t), ("n_rows", c_size_t),
                ("logreg", StLogregParams), ("gbdt", StGbdtParams), ("score", StCvSummary),
                ("summary", StCvSummary * ST_METRIC_COUNT), ("promoted", c_int),
                ("stopped", c_int)]


class StTuneResult(ctypes.Structure):
    _fields_ = [("family", c_int), ("metric", c_int), ("n_rows", c_size_t),
                ("n_folds", c_size_t), ("fold_of", POINTER(c_int)), ("n_tried", c_size_t),
                ("tried", POINTER(StTuneCandidate)), ("n_rungs_planned", c_size_t),
                ("n_rungs_run", c_size_t), ("budget_spent", c_int), ("best", c_size_t),
                ("model", c_void_p), ("has_defaults", c_int),
                ("defaults", StCvSummary * ST_METRIC_COUNT), ("nested_folds", c_size_t),
                ("nested", StCvSummary * ST_METRIC_COUNT), ("n_trials", c_size_t),
                ("n_brackets_run", c_size_t), ("resource", c_int)]


lib.st_tune_params_default.restype = StTuneParams
lib.st_tune_params_default.argtypes = []
lib.st_tune_run.restype = c_int
lib.st_tune_run.argtypes = [c_void_p, POINTER(StTuneParams), POINTER(POINTER(StTuneResult)),
                            POINTER(StError)]
lib.st_tune_result_free.restype = None
lib.st_tune_result_free.argtypes = [POINTER(StTuneResult)]

_METRICS = {"roc_auc": 0, "pr_auc": 1, "log_loss": 2, "brier": 3}

# the st_tune_param bit of each searched estimator parameter (the CLI's options that fix it)
_LOGREG_BITS = {"lam": 1 << 0, "alpha": 1 << 1, "class_weight": 1 << 2}
_GBDT_BITS = {"class_weight": 1 << 2, "scale_pos_weight": 1 << 2, "num_leaves": 1 << 3,
              "min_data_in_leaf": 1 << 4, "learning_rate": 1 << 5,
              "feature_fraction": 1 << 6, "bagging_fraction": 1 << 7, "bagging_freq": 1 << 7,
              "lambda_l2": 1 << 8}


class TuneResult:
    """What stratum.tune returns:
    best_estimator_: the best candidate's parameters on an estimator of the model's class,
        fitted: its model is the best refitted on all rows (st_tune_result.model), the file
        `stratum tune --out` writes for the same options and seed;
    best_params_: those parameters (the searched ones), a dict;
    trials: a DataFrame, one row per candidate and rung it ran in, in the order scored:
        `stratum tune --table`'s columns (candidate and rung 1-based, rows, the metric's
        mean, low and high, roc_auc, pr_auc, log_loss, brier, promoted, stopped, the
        parameters; logreg's lambda NaN where it was chosen by the inner cross-validation);
    best: the best entry's row of trials; best_summary, defaults, nested: DataFrames of
        every metric (mean, sd, ci_low, ci_high, folds_defined) for the best on all rows,
        the defaults on the same folds and the nested estimate (None when not asked);
    budget_spent, n_rungs_run, n_rungs_planned, n_brackets_run; fold_of: each row's test fold (0-based)."""

    def __repr__(self):
        return (f"TuneResult(best_params_={self.best_params_}, "
                f"best={self.best[self.metric + '_mean']:.4f})")


def _summary_frame(sums, pd):
    metrics = [lib.st_metric_name(m).decode() for m in range(ST_METRIC_COUNT)]
    return pd.DataFrame({"mean": [s.mean for s in sums], "sd": [s.sd for s in sums],
                         "ci_low": [s.low for s in sums], "ci_high": [s.high for s in sums],
                         "folds_defined": [int(s.defined) for s in sums]},
                        index=pd.Index(metrics, name="metric"))


def _class_weight_word(kind):
    return {CLASS_WEIGHT_BALANCED: "balanced", CLASS_WEIGHT_POSITIVE: "positive"}.get(kind,
                                                                                      "none")


def _trials_frame(r, gbdt, metric, pd):
    rows = []
    for i in range(r.n_tried):
        c = r.tried[i]
        row = {"candidate": c.id + 1, "rung": c.rung + 1, "rows": c.n_rows,
               f"{metric}_mean": c.score.mean, f"{metric}_low": c.score.low,
               f"{metric}_high": c.score.high}
        for k, name in ((0, "roc_auc"), (1, "pr_auc"), (2, "log_loss"), (3, "brier")):
            row[name] = c.summary[k].mean
        row["promoted"] = c.promoted
        row["stopped"] = c.stopped
        if gbdt:
            g = c.gbdt
            row.update(num_leaves=g.num_leaves, min_data_in_leaf=g.min_data_in_leaf,
                       learning_rate=g.learning_rate, feature_fraction=g.feature_fraction,
                       bagging_fraction=g.bagging_fraction, lambda_l2=g.lambda_l2,
                       class_weight=_class_weight_word(g.class_weight))
            if r.resource == 1:  # trees: the entry's rung's trees, as the CLI's table
                row["num_trees"] = g.num_trees
        else:
            lr = c.logreg
            row.update(**{"lambda": np.nan if lr.lambda_ < 0 else lr.lambda_,
                          "alpha": lr.alpha,
                          "class_weight": _class_weight_word(lr.class_weight)})
        rows.append(row)
    return pd.DataFrame(rows)


def _best_params(c, gbdt, fixed_names, model):
    """The searched parameters of candidate c as estimator parameters (a fixed one keeps
    the model's value)."""
    def weight(kind):
        if "class_weight" in fixed_names or "scale_pos_weight" in fixed_names:
            return model.class_weight
        return "balanced" if kind == CLASS_WEIGHT_BALANCED else None
    if gbdt:
        g = c.gbdt
        return {"num_leaves": g.num_leaves, "min_data_in_leaf": g.min_data_in_leaf,
                "learning_rate": g.learning_rate, "feature_fraction": g.feature_fraction,
                "bagging_fraction": g.bagging_fraction, "bagging_freq": g.bagging_freq,
                "lambda_l2": g.lambda_l2, "class_weight": weight(g.class_weight)}
    lr = c.logreg
    return {"lam": None if lr.lambda_ < 0 else lr.lambda_, "alpha": lr.alpha,
            "class_weight": weight(lr.class_weight)}


def _same(v, d):
    """v is the default d: the same None or string, or an equal number."""
    if v is None or d is None or isinstance(v, (str, dict)) or isinstance(d, str):
        return v is d or (isinstance(v, str) and v == d)
    return isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and v == d


def _fixed(model, fixed, bits):
    """The names fixed: those given, and every searched parameter the model sets to other
    than its class's default (as the CLI fixes the options it is given)."""
    names = set(fixed)
    unknown = names - set(bits)
    if unknown:
        raise StratumError(f"fixed: {sorted(unknown)} are not searched by tune; searched: "
                           f"{sorted(bits)}")
    defaults = model.__class__().get_params()
    params = model.get_params()
    for name in bits:
        if not _same(params[name], defaults[name]):
            names.add(name)
    return names


def tune(X, y, model=None, *, fixed=(), metric="roc_auc", trials=None, eta=3, min_rows=0,
         start_from_defaults=True, score_defaults=True, time_budget=None, nested_folds=0,
         brackets=None, resource="rows", sample_weight=None, folds=5, groups=None,
         seed=DEFAULT_SEED, n_threads=0):
    """Searches the parameters of `model` (an unfitted stratum.LogisticRegression, the
    default, or stratum.GBDTClassifier) on X, y as `stratum tune` does (docs/tune.md):
    `trials` candidates, the first the model's own parameters (start_from_defaults), the
    others drawn from the family's space (stratum/tune.h), halved by `eta` over rungs of
    growing row samples, each scored by `folds`-fold cross-validation on `metric`
    (roc_auc, pr_auc, log_loss, brier) with the folds of stratum.cv for the same folds,
    groups and seed. A searched parameter is fixed (not searched; the model's value) when
    named in `fixed` or when the model sets it to other than its default, as the CLI fixes
    the options it is given (logreg: lam, alpha, class_weight; gbdt: num_leaves,
    min_data_in_leaf, learning_rate, feature_fraction, bagging_fraction (and
    bagging_freq), lambda_l2, class_weight (and scale_pos_weight)). seed is the CLI's
    --seed: the folds, the draws and the fits (the model's random_state is not used).
    time_budget: seconds after which the search stops, the candidate running included (a
    trials row with NaN scores; then the best is refitted; None: none); nested_folds >= 2
    also runs the whole search in each of that many outer folds. trials: the candidates of
    a bracket (None: 27); brackets: that many searches one after another (None: 1, or, as
    the CLI's --time-budget without --trials or --brackets, brackets until the budget is
    spent); resource: "rows" (default) or "trees" (GBDTClassifier with num_trees set: the
    rungs grow in trees on all rows). The same data, options
    and seed give `stratum tune`'s table and model file, byte for byte. Returns a
    TuneResult; raises StratumError on bad input."""
    import pandas as pd
    from ._estimators import GBDTClassifier, LogisticRegression, _labels
    if model is None:
        model = LogisticRegression()
    if not isinstance(model, (LogisticRegression, GBDTClassifier)):
        raise StratumError(f"model={type(model).__name__}: expected a "
                           "stratum.LogisticRegression or stratum.GBDTClassifier")
    from ._calibration import check_threshold
    check_threshold(model)  # stored in the best model: checked before the search
    if isinstance(fixed, str):
        fixed = (fixed,)
    gbdt = isinstance(model, GBDTClassifier)
    bits = _GBDT_BITS if gbdt else _LOGREG_BITS
    fixed_names = _fixed(model, fixed, bits)
    if metric not in _METRICS:
        raise StratumError(f"metric={metric!r}: expected one of {', '.join(_METRICS)}")
    budget_alone = time_budget is not None and trials is None and brackets is None
    trials = 27 if trials is None else trials
    brackets = 1 if brackets is None else brackets
    if resource not in ("rows", "trees"):
        raise StratumError(f"resource={resource!r}: expected 'rows' or 'trees'")
    if resource == "trees" and not (gbdt and model.num_trees):
        raise StratumError("resource='trees': expected a GBDTClassifier with num_trees set "
                           "(the last rung's trees); without it the number of trees is chosen "
                           "inside every fit, so the rows are the resource")
    for name, v, low in (("trials", trials, 1), ("eta", eta, 2), ("min_rows", min_rows, 0),
                         ("nested_folds", nested_folds, 0), ("seed", seed, 0),
                         ("brackets", brackets, 1)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < low:
            raise StratumError(f"{name}={v!r}: expected a whole number >= {low}")
    if time_budget is not None and not (isinstance(time_budget, (int, float)) and
                                        time_budget > 0 and np.isfinite(time_budget)):
        raise StratumError(f"time_budget={time_budget!r}: expected seconds > 0, or None")
    cvp, y01, ds_args, keep = _prepare(X, y, model, sample_weight, folds, 1, groups, None,
                                       seed, n_threads)
    cvp.logreg.cv_seed = cvp.gbdt.seed = int(seed)  # the CLI's --seed seeds every draw
    tp = lib.st_tune_params_default()
    tp.cv = cvp
    tp.metric = _METRICS[metric]
    tp.fixed = 0
    for name in fixed_names:
        tp.fixed |= bits[name]
    tp.n_trials, tp.eta, tp.min_rows = int(trials), int(eta), int(min_rows)
    tp.start_from_defaults = 1 if start_from_defaults else 0
    tp.score_defaults = 1 if score_defaults else 0
    tp.nested_folds = int(nested_folds)
    tp.n_brackets = 0 if budget_alone else int(brackets)
    tp.resource = 1 if resource == "trees" else 0
    clock = None
    if time_budget is not None:
        clock = _CLOCK(lambda _data: time.monotonic())
        tp.time_budget, tp.clock = float(time_budget), clock
    res = POINTER(StTuneResult)()
    err = StError()
    with _interrupt.interruptible(tp.cv), to_dataset(*ds_args) as ds:
        check(lib.st_tune_run(ds.handle, ctypes.byref(tp), ctypes.byref(res),
                              ctypes.byref(err)), err)
    try:
        r = res.contents
        out = TuneResult()
        out.metric = metric
        out.trials = _trials_frame(r, gbdt, metric, pd)
        out.best = out.trials.iloc[r.best]
        best = r.tried[r.best]
        out.best_summary = _summary_frame(list(best.summary), pd)
        out.defaults = _summary_frame(list(r.defaults), pd) if r.has_defaults else None
        out.nested = _summary_frame(list(r.nested), pd) if r.nested_folds else None
        out.budget_spent = bool(r.budget_spent)
        out.n_rungs_run, out.n_rungs_planned = r.n_rungs_run, r.n_rungs_planned
        out.n_brackets_run = r.n_brackets_run
        out.fold_of = np.ctypeslib.as_array(r.fold_of, shape=(r.n_rows,)).copy()
        out.best_params_ = _best_params(best, gbdt, fixed_names, model)
        handle, r.model = r.model, None  # the estimator's model owns it from here
    finally:
        lib.st_tune_result_free(res)
    est = model.__class__(**{**model.get_params(), **out.best_params_})
    est._validate_X(X, reset=True)
    est.classes_, _ = _labels(y)
    est.model_ = Model(handle)
    if est.threshold is not None:
        est.model_.set_threshold(est.threshold)
    est._fitted(est.model_)
    out.best_estimator_ = est
    del keep, clock
    return out
