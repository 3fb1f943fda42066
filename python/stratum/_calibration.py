"""The estimators' calibration and threshold options (recalibrate, calibration_folds,
threshold_rule, beta, min_recall, min_precision): the CLI's `stratum train --recalibrate`
and `--threshold-rule`, fitted by the library's st_cv_post_fit (stratum/cv.h) over ctypes
exactly as tools/post_fit.c calls it (the same inner folds and seed), then stored in the
model with st_logreg_set_calibration / st_gbdt_set_calibration and the threshold setters,
so that the model file is the CLI's to the byte."""
import ctypes
from ctypes import POINTER, c_double, c_int, c_size_t, c_ulonglong, c_void_p

import numpy as np

from ._cv import StCvParams
from ._lib import (ST_METRIC_COUNT, StDecisionThreshold, StError, StEval, StEvalParams,
                   StratumError, check, lib)
from ._model import GBDT


class StCvPostParams(ctypes.Structure):
    _fields_ = [("method", c_int), ("folds", c_size_t), ("eval", StEvalParams),
                ("threshold_given", c_int), ("seed", c_ulonglong)]


class StCvPostResult(ctypes.Structure):
    _fields_ = [("cal", c_void_p), ("has_threshold", c_int),
                ("threshold", StDecisionThreshold), ("n_rows", c_size_t),
                ("n_folds", c_size_t), ("fold", POINTER(c_int)),
                ("oof_raw", POINTER(c_double)), ("oof", POINTER(c_double)),
                ("before", StEval), ("after", StEval)]


_err = POINTER(StError)
for _name, _res, _args in (
        ("st_cv_post_params_default", StCvPostParams, []),
        ("st_cv_post_fit", c_int, [c_void_p, POINTER(StCvParams), POINTER(StCvPostParams),
                                   POINTER(POINTER(StCvPostResult)), _err]),
        ("st_cv_post_result_free", None, [POINTER(StCvPostResult)]),
        ("st_logreg_set_calibration", c_int, [c_void_p, c_void_p, _err]),
        ("st_gbdt_set_calibration", c_int, [c_void_p, c_void_p, _err]),
        ("st_calibration_method_of", c_int, [c_void_p]),
        ("st_calibration_platt_a", c_double, [c_void_p]),
        ("st_calibration_platt_b", c_double, [c_void_p]),
        ("st_calibration_n_points", c_size_t, [c_void_p]),
        ("st_calibration_points_x", POINTER(c_double), [c_void_p]),
        ("st_calibration_points_y", POINTER(c_double), [c_void_p])):
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args

# st_calibration_method (stratum/calibration.h); the CLI's --recalibrate words
_METHODS = {None: 0, "none": 0, "platt": 1, "isotonic": 2}
_METHOD_NAMES = {1: "platt", 2: "isotonic"}
# st_threshold_rule (stratum/metrics.h): the CLI's --threshold-rule words, with dashes or
# underscores, and stratum.cv's names (max_f1, max_fbeta)
_RULES = {None: 0, "fixed": 0, "f1": 1, "max_f1": 1, "fbeta": 2, "max_fbeta": 2,
          "youden": 3, "min_recall": 4, "min-recall": 4, "min_precision": 5,
          "min-precision": 5}
_RULE_NAMES = {0: "fixed", 1: "f1", 2: "fbeta", 3: "youden", 4: "min_recall",
               5: "min_precision"}


def _whole(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _number(est, name, ok, expected):
    v = getattr(est, name)
    try:
        x = float(v)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(v, bool) or not ok(x):
        raise StratumError(f"{name}={v!r}: expected {expected}")
    return x


def check_threshold(est):
    """est.threshold as a float in [0, 1], or None: checked before any training, with a
    message naming the parameter (`threshold='x'` is not float()'s bare ValueError)."""
    if est.threshold is None:
        return None
    return _number(est, "threshold", lambda x: 0 <= x <= 1, "a number from 0 to 1, or None")


def post_params(est):
    """st_cv_post_params of est's options (seed set by the caller), checked as the CLI
    checks --recalibrate, --calibration-folds, --threshold-rule, --beta, --min-recall,
    --min-precision and --threshold; None when they ask for nothing (no inner
    cross-validation: a fixed threshold is stored as it is)."""
    if not isinstance(est.recalibrate, (str, type(None))) or \
            est.recalibrate not in _METHODS:
        raise StratumError(f"recalibrate={est.recalibrate!r}: expected None, 'platt' or "
                           "'isotonic'")
    rule = est.threshold_rule
    if not isinstance(rule, (str, type(None))) or rule not in _RULES:
        raise StratumError(f"threshold_rule={rule!r}: expected None, 'f1', 'fbeta', "
                           "'youden', 'min_recall' or 'min_precision'")
    folds = est.calibration_folds
    if not _whole(folds) or not 2 <= folds <= 1000:
        raise StratumError(f"calibration_folds={folds!r}: expected a whole number from 2 "
                           "to 1000")
    pp = lib.st_cv_post_params_default()
    pp.method, pp.folds = _METHODS[est.recalibrate], int(folds)
    pp.eval.rule = _RULES[rule]
    pp.eval.beta = _number(est, "beta", lambda x: 0 < x <= 1e6, "a number > 0")
    pp.eval.min_recall = _number(est, "min_recall", lambda x: 0 <= x <= 1,
                                 "a number from 0 to 1")
    pp.eval.min_precision = _number(est, "min_precision", lambda x: 0 <= x <= 1,
                                    "a number from 0 to 1")
    if pp.eval.rule != 0 and est.threshold is not None:
        raise StratumError(f"threshold={est.threshold!r} and threshold_rule={rule!r} "
                           "exclude each other: a threshold is given or chosen, not both")
    if pp.method == 0 and pp.eval.rule == 0:
        return None
    if est.threshold is not None:  # stored as given, after the inner cross-validation
        pp.eval.threshold = check_threshold(est)
        pp.threshold_given = 1
    return pp


def fit(ds, model, pp):
    """st_cv_post_fit on the dataset ds (its handle) for the model parameters `model`
    (StCvParams); returns the result pointer, freed with free()."""
    res = POINTER(StCvPostResult)()
    err = StError()
    check(lib.st_cv_post_fit(ds.handle, ctypes.byref(model), ctypes.byref(pp),
                             ctypes.byref(res), ctypes.byref(err)), err)
    return res


def free(res):
    lib.st_cv_post_result_free(res)


def store(family, handle, res):
    """The map and threshold into the trained model, as the CLI's train does."""
    r = res.contents
    err = StError()
    if family == GBDT:
        set_cal, set_threshold = lib.st_gbdt_set_calibration, lib.st_gbdt_set_threshold
    else:
        set_cal, set_threshold = lib.st_logreg_set_calibration, lib.st_logreg_set_threshold
    check(set_cal(handle, r.cal, ctypes.byref(err)), err)
    if r.has_threshold:
        check(set_threshold(handle, ctypes.byref(r.threshold), ctypes.byref(err)), err)


def _metrics(ev):
    """st_eval's values by metric name (NaN where undefined)."""
    return {lib.st_metric_name(m).decode():
            (float("nan") if (ev.undefined >> m) & 1 else float(ev.value[m]))
            for m in range(ST_METRIC_COUNT)}


def calibration_of(res):
    """The map as a dict (the calibration_ attribute), or None."""
    cal = res.contents.cal
    if not cal:
        return None
    method = _METHOD_NAMES[lib.st_calibration_method_of(cal)]
    if method == "platt":  # p' = 1 / (1 + exp(-(a logit(p) + b)))
        return {"method": method, "a": float(lib.st_calibration_platt_a(cal)),
                "b": float(lib.st_calibration_platt_b(cal))}
    n = lib.st_calibration_n_points(cal)
    return {"method": method,
            "x": np.ctypeslib.as_array(lib.st_calibration_points_x(cal), shape=(n,)).copy(),
            "y": np.ctypeslib.as_array(lib.st_calibration_points_y(cal), shape=(n,)).copy()}


def inner_cv_of(res):
    """What the inner cross-validation found (the inner_cv_ attribute): its folds, the
    threshold and how it was chosen, the metrics of the out-of-fold probabilities before
    and after the map at that threshold, and those probabilities (`stratum train --oof`'s
    columns fold, p_raw, p)."""
    r = res.contents
    n = r.n_rows
    t = r.threshold
    return {"n_rows": int(n), "n_folds": int(r.n_folds),
            "threshold": float(t.value) if r.has_threshold else None,
            "rule": _RULE_NAMES[t.rule] if r.has_threshold else None,
            "rule_param": (None if not r.has_threshold or np.isnan(t.rule_param)
                           else float(t.rule_param)),
            "before": _metrics(r.before), "after": _metrics(r.after),
            "fold": np.ctypeslib.as_array(r.fold, shape=(n,)) + 1,
            "p_raw": np.ctypeslib.as_array(r.oof_raw, shape=(n,)).copy(),
            "p": np.ctypeslib.as_array(r.oof, shape=(n,)).copy()}
