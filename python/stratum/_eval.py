"""stratum.evaluate: the library's metrics (with their bootstrap intervals) as a pandas
DataFrame (stratum.explain is in _explain.py)."""
import ctypes

import numpy as np

from ._lib import DEFAULT_SEED, ST_METRIC_COUNT, StError, StEval, StratumError, check, lib

_RULES = {"fixed": 0, "max_f1": 1, "max_fbeta": 2, "youden": 3, "min_recall": 4,
          "min_precision": 5}


def _labels(y, pd):
    """y's 0/1 labels as float32: numbers or bools, pandas' nullable ones (Int64, boolean)
    too, as the estimators take them; a missing label (NaN, pd.NA) is an error."""
    dt = getattr(y, "dtype", None)
    if pd.api.types.is_extension_array_dtype(dt) and (pd.api.types.is_bool_dtype(dt) or
                                                       pd.api.types.is_numeric_dtype(dt)):
        y = y.to_numpy(dtype=np.float64, na_value=np.nan)
    y = np.asarray(y)
    if y.dtype == bool:
        y = y.astype(np.float32)
    if y.dtype.kind not in "fiu":
        raise StratumError(f"y of dtype {y.dtype}: expected 0/1 labels")
    with np.errstate(over="ignore", invalid="ignore"):  # refused just below
        labels = np.ascontiguousarray(y, dtype=np.float32).ravel()
    if np.isnan(labels).any():
        i = _first(np.isnan(labels))
        raise StratumError(f"y has a missing label (NaN or pd.NA) at row {i}: every row "
                           "needs a 0/1 label")
    bad = (labels != 0) & (labels != 1)
    if bad.any():
        i = _first(bad)
        raise StratumError(f"y has the label {float(labels[i]):g} at row {i}: "
                           "expected 0/1 labels (or booleans)")
    return labels


def _first(mask):
    """The first True position: the row the messages name, 0-based as the estimators'
    (numpy's index, a DataFrame's iloc), where the library's own messages count from 1."""
    return int(np.flatnonzero(mask)[0])


def _scores(p, n):
    """The scores p as float64, checked here rather than by the library, so that the
    messages number rows as the rest of the package does."""
    scores = np.ascontiguousarray(p, dtype=np.float64).ravel()
    if scores.shape[0] != n:
        raise StratumError(f"y has {n} rows but p has {scores.shape[0]}")
    bad = ~np.isfinite(scores)
    if bad.any():
        i = _first(bad)
        raise StratumError(f"p has the score {scores[i]:g} at row {i}: expected finite "
                           "numbers (NaN is not a missing score here)")
    return scores


def _weights(sample_weight, n):
    """sample_weight as float32 (the library's row weights), checked as _scores."""
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise StratumError(f"sample_weight has {w.shape[0]} rows, y has {n}")
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        i = _first(bad)
        raise StratumError(f"sample_weight has the weight {w[i]:g} at row {i}: expected "
                           "finite numbers >= 0")
    with np.errstate(over="ignore"):
        w32 = np.ascontiguousarray(w, dtype=np.float32)
    if np.isinf(w32).any():
        i = _first(np.isinf(w32))
        raise StratumError(f"sample_weight has the weight {w[i]:g} at row {i}: beyond "
                           "float32's range (about 3.4e38), the library's weights")
    return w32


def evaluate(y, p, sample_weight=None, threshold=0.5, rule="fixed", beta=2.0,
             min_recall=0.9, min_precision=0.5, n_bootstrap=1000, seed=DEFAULT_SEED,
             n_threads=0, report=None, report_data="scores", stratified_bootstrap=False):
    """Every metric of stratum/metrics.h (`stratum evaluate`) for labels y (0/1 or
    booleans) and scores p, as a pandas DataFrame indexed by metric name ("roc_auc",
    "pr_auc", "log_loss", ...) with columns value, ci_low and ci_high (bootstrap
    percentile intervals over n_bootstrap resamples of n rows drawn from all rows, so the
    number of positives varies as in another cohort; stratified_bootstrap=True draws the
    positives and negatives separately, for a case-control sample whose class counts the
    design fixed; NaN when undefined or with n_bootstrap=0). The threshold used (rule: fixed, max_f1, max_fbeta, youden,
    min_recall, min_precision) and the confusion matrix (NaN counts when no threshold meets
    the rule) are in df.attrs. report: a path
    where the HTML report is written (atomically), the file `stratum evaluate --scores
    FILE --score-col COL --report` writes for the same numbers, with the scores named
    report_data (the CLI's FILE) and their column p's name (a pandas Series's, else
    "p")."""
    import pandas as pd
    from ._report import check_path, write_evaluation
    report_path = check_path(report)
    score_col = getattr(p, "name", None)
    score_col = "p" if score_col is None else score_col
    labels = _labels(y, pd)
    n = labels.shape[0]
    scores = _scores(p, n)
    w = None if sample_weight is None else _weights(sample_weight, n)
    if rule not in _RULES:
        raise StratumError(f"rule={rule!r}: expected one of {', '.join(_RULES)}")
    prm = lib.st_eval_params_default()
    prm.rule = _RULES[rule]
    prm.threshold = float("nan") if threshold is None else float(threshold)
    prm.beta, prm.min_recall, prm.min_precision = float(beta), float(min_recall), \
        float(min_precision)
    prm.n_bootstrap, prm.seed, prm.n_threads = int(n_bootstrap), int(seed), int(n_threads)
    prm.stratified = 1 if stratified_bootstrap else 0
    out = StEval()
    err = StError()
    ptr = ctypes.c_void_p
    check(lib.st_evaluate(scores.ctypes.data_as(ptr), labels.ctypes.data_as(ptr),
                          None if w is None else w.ctypes.data_as(ptr), n,
                          ctypes.byref(prm), ctypes.byref(out), ctypes.byref(err)), err)
    if report_path is not None:
        write_evaluation(scores, labels, w, out, prm, report_path, report_data, score_col)
    names = [lib.st_metric_name(m).decode() for m in range(ST_METRIC_COUNT)]
    df = pd.DataFrame({"value": list(out.value), "ci_low": list(out.ci_low),
                       "ci_high": list(out.ci_high)}, index=pd.Index(names, name="metric"))
    c = out.confusion
    df.attrs.update(threshold=out.threshold, n_rows=out.n_rows, n_positive=out.n_positive,
                    n_negative=out.n_negative, n_bootstrap=out.n_bootstrap,
                    confusion={"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn},
                    delong=(out.delong_low, out.delong_high))
    return df
