"""stratum.compare: model families x class-weight settings cross-validated side by side on
the same folds in the library (stratum/compare.h, st_compare_run), the table `stratum
compare` prints, as a pandas DataFrame."""
import ctypes
import numbers
from ctypes import POINTER, c_char_p, c_double, c_int, c_long, c_size_t, c_void_p

import numpy as np

from . import _interrupt
from ._cv import _RULES, StCvFold, StCvParams, StCvSummary, _prepare
from ._lib import DEFAULT_SEED, ST_METRIC_COUNT, StError, StratumError, check, lib
from ._data import to_dataset
from ._report import check_path, write as write_report


class StCompareWeight(ctypes.Structure):
    _fields_ = [("kind", c_int), ("value", c_double)]


class StCompareFixed(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("p", POINTER(c_double))]


class StCompareParams(ctypes.Structure):
    _fields_ = [("cv", StCvParams), ("logreg", c_int), ("gbdt", c_int),
                ("weights", POINTER(StCompareWeight)), ("n_weights", c_size_t),
                ("recalibrate", c_int), ("calibration_folds", c_size_t),
                ("fixed", POINTER(StCompareFixed)), ("n_fixed", c_size_t),
                ("keep_oof", c_int), ("progress", c_void_p), ("progress_data", c_void_p)]


class StCompareRow(ctypes.Structure):
    _fields_ = [("fixed", c_int), ("family", c_int), ("weight_index", c_size_t),
                ("weight", StCompareWeight), ("calibrated", c_int),
                ("summary", StCvSummary * ST_METRIC_COUNT), ("threshold", StCvSummary),
                ("best", c_int * ST_METRIC_COUNT), ("folds", POINTER(StCvFold)),
                ("oof", POINTER(c_double))]


class StCompareResult(ctypes.Structure):
    _fields_ = [("n_rows", c_size_t), ("n_folds", c_size_t), ("n_repeats", c_size_t),
                ("fold_of", POINTER(c_int)), ("n_settings", c_size_t),
                ("rows", POINTER(StCompareRow))]


lib.st_compare_params_default.restype = StCompareParams
lib.st_compare_params_default.argtypes = []
lib.st_compare_run.restype = c_int
lib.st_compare_run.argtypes = [c_void_p, POINTER(StCompareParams),
                               POINTER(POINTER(StCompareResult)), POINTER(StError)]
lib.st_compare_result_free.restype = None
lib.st_compare_result_free.argtypes = [POINTER(StCompareResult)]
lib.st_compare_metrics.restype = c_size_t
lib.st_compare_metrics.argtypes = [POINTER(POINTER(c_int))]
lib.st_compare_difference.restype = StCvSummary
lib.st_compare_difference.argtypes = [POINTER(StCompareResult), c_size_t, c_size_t, c_int]
lib.st_compare_reference_of.restype = c_long
lib.st_compare_reference_of.argtypes = [POINTER(StCompareResult), c_long, c_size_t]

_CALIBRATIONS = {None: 0, "none": 0, "platt": 1, "isotonic": 2}
_RULE_WORDS = {"fixed": "fixed", "max_f1": "f1", "max_fbeta": "fbeta", "youden": "youden",
               "min_recall": "min-recall", "min_precision": "min-precision"}


def _weight(w):
    """(kind, value, name as the CLI's table shows it) of one weights= item."""
    if w is None or (isinstance(w, str) and w == "none"):
        return 0, 1.0, "none"
    if isinstance(w, str) and w == "balanced":
        return 1, 1.0, "balanced"
    text = w if isinstance(w, str) else None
    try:
        v = float(w) if isinstance(w, (str, numbers.Real)) and not isinstance(w, bool) \
            else float("nan")
    except ValueError:
        v = float("nan")
    if not (v > 0 and np.isfinite(v)):
        raise StratumError(f"weights: {w!r}: expected 'none', 'balanced' or a number > 0")
    return 2, v, text if text is not None else f"{v:g}"


def _families(family):
    fams = [family] if isinstance(family, str) else list(family)
    for f in fams:
        if f not in ("logreg", "gbdt"):
            raise StratumError(f"family={family!r}: expected 'logreg', 'gbdt' or a list of "
                               "them")
    if len(set(fams)) != len(fams):
        raise StratumError(f"family={family!r}: each family at most once")
    return "logreg" in fams, "gbdt" in fams


def compare(X, y, *, family=("logreg", "gbdt"),
            weights=("none", "balanced", 2, 5, 10, 25), logreg=None, gbdt=None,
            fixed=None, sample_weight=None, folds=5, repeats=1, groups=None, fold_ids=None,
            rule="max_f1", threshold=0.5, beta=2.0, min_recall=0.9, min_precision=0.5,
            threshold_folds=3, recalibrate=None, calibration_folds=5, seed=DEFAULT_SEED, n_threads=0,
            text_cols=None, report=None, report_data=None, reference=None):
    """Cross-validates each family (logreg, gbdt) with each class-weight setting on the same
    folds, as `stratum compare` does (docs/compare.md): weights are 'none', 'balanced' or
    numbers W > 0 (logreg's class weight W, gbdt's scale_pos_weight W); logreg and gbdt are
    unfitted stratum.LogisticRegression / GBDTClassifier whose other parameters are used
    (default: their defaults; a random_state of None takes seed); each fold is evaluated
    at the threshold `rule` picks on its training part (default max_f1, the CLI's f1; fixed
    uses `threshold`); recalibrate ('platt' or 'isotonic') adds each setting's calibrated
    row; fixed: a dict {name: P(y = 1) of every row} of existing models scored on the same
    folds (not refitted); text_cols: X's columns of str featurized in each training part
    as the CLI's --text-col (with the first family's estimator's ngrams, hash_bits, ...
    options); report: a path where the HTML report is written (atomically), the file
    `stratum compare --report` writes for the same data, options and seed, with the data
    named report_data (e.g. the CSV's path as the CLI was given it; default "data").
    Returns a DataFrame, one row per setting in the CLI's order, with
    the columns of its --json output: model, weight, calibration (with recalibrate), then
    per metric METRIC_mean, METRIC_ci_low, METRIC_ci_high, METRIC_folds_defined,
    METRIC_best; then diff_from and per metric METRIC_diff_mean, METRIC_diff_ci_low,
    METRIC_diff_ci_high: the row's paired difference from row diff_from (its value minus
    that row's on the same test fold, the mean and the corrected resampled t interval, as
    `stratum compare` prints; st_compare_difference). diff_from names a row as the CLI's
    --oof header does (MODEL_WEIGHT, MODEL_WEIGHT_METHOD, a fixed model's name): by default
    each setting's family's first weight, a calibrated row its setting uncalibrated, a
    fixed model's row the first row (st_compare_reference_of); reference=NAME makes that row the one every other is compared with. A row
    compared with none has diff_from None and NaN differences. df.attrs holds rows,
    folds, repeats and threshold_rule. Raises StratumError on bad input."""
    import pandas as pd
    from ._estimators import GBDTClassifier, LogisticRegression, _labels
    report_path = check_path(report)
    use_lr, use_gb = _families(family) if family is not None else (False, False)
    lr = logreg if logreg is not None else LogisticRegression()
    gb = gbdt if gbdt is not None else GBDTClassifier()
    if not isinstance(lr, LogisticRegression):
        raise StratumError(f"logreg={type(lr).__name__}: expected a stratum.LogisticRegression")
    if not isinstance(gb, GBDTClassifier):
        raise StratumError(f"gbdt={type(gb).__name__}: expected a stratum.GBDTClassifier")
    if rule not in _RULES:
        raise StratumError(f"rule={rule!r}: expected one of {', '.join(_RULES)}")
    if recalibrate not in _CALIBRATIONS:
        raise StratumError(f"recalibrate={recalibrate!r}: expected None, 'platt' or "
                           "'isotonic'")
    ws = [_weight(w) for w in ([weights] if isinstance(weights, str) else list(weights))]
    if (use_lr or use_gb) and not ws:
        raise StratumError("weights: expected at least one setting")
    if not isinstance(threshold_folds, (int, np.integer)) or threshold_folds < 0:
        raise StratumError(f"threshold_folds={threshold_folds!r}: expected a whole number "
                           ">= 0")
    # the folds and the data through the first family's estimator; both families' options
    first = lr if use_lr or not use_gb else gb
    first = first.__class__(**first.get_params())
    if first.random_state is None:
        first.set_params(random_state=seed)
    p, y01, ds_args, keep = _prepare(X, y, first, sample_weight, folds, repeats, groups,
                                     fold_ids, seed, n_threads, text_cols)
    names, text = ds_args[3], bool(ds_args[4])
    cp = lib.st_compare_params_default()
    lr = lr.__class__(**lr.get_params())
    gb = gb.__class__(**gb.get_params())
    classes = _labels(y)[0]  # y's own labels: a class_weight dict names them
    for est in (lr, gb):
        if est.random_state is None:
            est.set_params(random_state=seed)
        est.classes_ = classes
    p.logreg = lr._params(text)
    p.gbdt = gb._params(names)
    mono = None if text else gb._monotone(names)
    if mono is not None:
        keep.append(mono)
        p.gbdt.monotone = mono.ctypes.data_as(c_void_p)
    p.threshold_folds = int(threshold_folds)
    p.eval.rule = _RULES[rule]
    p.eval.threshold = float(threshold)
    p.eval.beta, p.eval.min_recall = float(beta), float(min_recall)
    p.eval.min_precision = float(min_precision)
    cp.cv = p
    cp.logreg, cp.gbdt = int(use_lr), int(use_gb)
    warr = (StCompareWeight * max(len(ws), 1))(*[StCompareWeight(k, v) for k, v, _ in ws])
    cp.weights, cp.n_weights = warr, len(ws)
    cp.recalibrate = _CALIBRATIONS[recalibrate]
    if not isinstance(calibration_folds, (int, np.integer)) or calibration_folds < 2:
        raise StratumError(f"calibration_folds={calibration_folds!r}: expected a whole "
                           "number >= 2")
    cp.calibration_folds = int(calibration_folds)
    fixed = dict(fixed or {})
    names_in_order = _row_names(use_lr, use_gb, ws, recalibrate, list(fixed))
    if reference is not None and reference not in names_in_order:
        raise StratumError(f"reference={reference!r} is not a row of the table; expected "
                           f"one of: {', '.join(names_in_order)}")
    n = len(y01)
    fixed_p = []
    for name, pr in fixed.items():
        a = np.ascontiguousarray(pr, dtype=np.float64).ravel()
        if a.shape[0] != n:
            raise StratumError(f"fixed[{name!r}] has {a.shape[0]} predictions, X has {n} "
                               "rows")
        fixed_p.append(a)
    farr = (StCompareFixed * max(len(fixed), 1))(
        *[StCompareFixed(str(k).encode(), a.ctypes.data_as(POINTER(c_double)))
          for k, a in zip(fixed, fixed_p)])
    cp.fixed, cp.n_fixed = farr, len(fixed)
    cp.keep_oof = int(report_path is not None)  # the report draws the out-of-fold curves
    res = POINTER(StCompareResult)()
    err = StError()
    try:
        with _interrupt.interruptible(cp.cv), to_dataset(*ds_args) as ds:
            check(lib.st_compare_run(ds.handle, ctypes.byref(cp), ctypes.byref(res),
                                     ctypes.byref(err)), err)
            if report_path is not None:
                write_report("compare", ds.handle, cp, res, report_path, report_data,
                             [name for _, _, name in ws],
                             -1 if reference is None else names_in_order.index(reference))
        df = _frame(res.contents, ws, list(fixed), recalibrate, rule, pd)
        return _with_differences(df, res, names_in_order, reference)
    finally:
        lib.st_compare_result_free(res)


def _row_names(use_lr, use_gb, ws, recalibrate, fixed_names):
    """The rows' names in st_compare_run's order, as the CLI's --oof header has them."""
    recal = recalibrate not in (None, "none")
    names = []
    for fam, use in (("logreg", use_lr), ("gbdt", use_gb)):
        for _, _, w in ws if use else []:
            names.append(f"{fam}_{w}")
            if recal:
                names.append(f"{fam}_{w}_{recalibrate}")
    return names + [str(k) for k in fixed_names]


def _with_differences(df, res, names, reference):
    """df with each row's paired differences from its reference row (st_compare_difference)."""
    cols = POINTER(c_int)()
    k = lib.st_compare_metrics(ctypes.byref(cols))
    r = res.contents
    ref = -1 if reference is None else names.index(reference)
    froms = []
    diffs = {}
    for i in range(r.n_settings):
        j = lib.st_compare_reference_of(res, ref, i)
        j = i if j < 0 else j
        froms.append(None if j == i else names[j])
        for m in (cols[t] for t in range(k)):
            name = lib.st_metric_name(m).decode()
            s = lib.st_compare_difference(res, i, r.n_settings if j == i else j, m)
            for part, v in (("mean", s.mean), ("ci_low", s.low), ("ci_high", s.high)):
                diffs.setdefault(f"{name}_diff_{part}", []).append(v)
    df["diff_from"] = froms
    for c, v in diffs.items():
        df[c] = v
    return df


def _frame(r, ws, fixed_names, recalibrate, rule, pd):
    cols = POINTER(c_int)()
    k = lib.st_compare_metrics(ctypes.byref(cols))
    metrics = [cols[i] for i in range(k)]
    recal = recalibrate not in (None, "none")
    records = []
    for i in range(r.n_settings):
        row = r.rows[i]
        if row.fixed >= 0:
            rec = {"model": fixed_names[row.fixed], "weight": "(fixed)"}
            cal = "none"
        else:
            rec = {"model": "gbdt" if row.family == 1 else "logreg",
                   "weight": ws[row.weight_index][2]}
            cal = recalibrate if row.calibrated else "none"
        if recal:
            rec["calibration"] = cal
        for m in metrics:
            name = lib.st_metric_name(m).decode()
            s = row.summary[m]
            rec.update({f"{name}_mean": s.mean, f"{name}_ci_low": s.low,
                        f"{name}_ci_high": s.high, f"{name}_folds_defined": int(s.defined),
                        f"{name}_best": bool(row.best[m])})
        records.append(rec)
    df = pd.DataFrame.from_records(records)
    df.attrs.update(rows=int(r.n_rows), folds=int(r.n_folds), repeats=int(r.n_repeats),
                    threshold_rule=_RULE_WORDS[rule])
    return df
