"""stratum.cv: k-fold cross-validation in the library (stratum/cv.h, st_cv_run), the
numbers `stratum cv` prints, as pandas objects."""
import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_size_t, c_ulonglong, c_void_p

import numpy as np

from . import _interrupt
from ._data import to_dataset
from ._lib import (DEFAULT_SEED, ST_METRIC_COUNT, StError, StEvalParams, StGbdtParams,
                   StLogregParams, StratumError, check, lib)

_RULES = {"fixed": 0, "max_f1": 1, "max_fbeta": 2, "youden": 3, "min_recall": 4,
          "min_precision": 5}


class StTextOptions(ctypes.Structure):
    _fields_ = [("ngram_min", c_int), ("ngram_max", c_int), ("hash_bits", c_int),
                ("min_df", c_size_t), ("tfidf", c_int), ("sublinear_tf", c_int),
                ("l2_norm", c_int), ("stop_words", c_int)]


class StCvParams(ctypes.Structure):
    _fields_ = [("family", c_int), ("logreg", StLogregParams), ("gbdt", StGbdtParams),
                ("gbdt_callbacks", c_void_p), ("valid_fraction", c_double),
                ("n_threads", c_int), ("n_folds", c_size_t), ("n_repeats", c_size_t),
                ("seed", c_ulonglong), ("groups", c_void_p), ("fold_ids", c_void_p),
                ("eval", StEvalParams), ("threshold_folds", c_size_t),
                ("text_cols", POINTER(c_char_p)), ("n_text_cols", c_size_t),
                ("text", StTextOptions), ("progress", c_void_p), ("progress_data", c_void_p),
                ("on_part", c_void_p), ("part_data", c_void_p), ("should_stop", c_void_p),
                ("should_stop_data", c_void_p)]


class StCvSummary(ctypes.Structure):
    _fields_ = [("defined", c_size_t), ("mean", c_double), ("sd", c_double),
                ("low", c_double), ("high", c_double)]


class StCvFold(ctypes.Structure):
    _fields_ = [("repeat", c_size_t), ("fold", c_size_t), ("n_train", c_size_t),
                ("n_test", c_size_t), ("value", c_double * ST_METRIC_COUNT),
                ("threshold", c_double)]


class StCvResult(ctypes.Structure):
    _fields_ = [("family", c_int), ("n_rows", c_size_t), ("n_folds", c_size_t),
                ("n_repeats", c_size_t), ("folds", POINTER(StCvFold)),
                ("fold_of", POINTER(c_int)), ("oof", POINTER(c_double)),
                ("summary", StCvSummary * ST_METRIC_COUNT), ("threshold", StCvSummary)]


lib.st_cv_params_default.restype = StCvParams
lib.st_cv_params_default.argtypes = []
lib.st_cv_run.restype = c_int
lib.st_cv_run.argtypes = [c_void_p, POINTER(StCvParams), POINTER(POINTER(StCvResult)),
                          POINTER(StError)]
lib.st_cv_result_free.restype = None
lib.st_cv_result_free.argtypes = [POINTER(StCvResult)]


class StLogregPathOptions(ctypes.Structure):
    _fields_ = [("n_lambda", c_size_t), ("lambda_min_ratio", c_double),
                ("lambda_", c_void_p), ("glmnet_exit", c_int)]


class StCvPathResult(ctypes.Structure):
    _fields_ = [("n_rows", c_size_t), ("n_folds", c_size_t), ("n_repeats", c_size_t),
                ("n_lambda", c_size_t), ("lambda_", POINTER(c_double)),
                ("df", POINTER(c_size_t)), ("cvm", POINTER(c_double)),
                ("cvsd", POINTER(c_double)), ("defined", POINTER(c_size_t)),
                ("have_choice", c_int), ("i_min", c_size_t), ("i_1se", c_size_t),
                ("n_fits", c_size_t), ("n_unconverged", c_size_t),
                ("fold_of", POINTER(c_int))]


lib.st_logreg_path_options_default.restype = StLogregPathOptions
lib.st_logreg_path_options_default.argtypes = []
lib.st_cv_path_run.restype = c_int
lib.st_cv_path_run.argtypes = [c_void_p, POINTER(StCvParams), POINTER(StLogregPathOptions),
                               c_int, POINTER(POINTER(StCvPathResult)), POINTER(StError)]
lib.st_cv_path_result_free.restype = None
lib.st_cv_path_result_free.argtypes = [POINTER(StCvPathResult)]
_MEASURES = {"deviance": 0, "auc": 1, "pr_auc": 2}


class CVResult:
    """What stratum.cv returns (pandas objects):
    folds: a DataFrame, one row per fold and repeat (repeat, fold: 1-based, n_train,
        n_test, threshold, then every metric by its name, NaN where undefined);
    summary: a DataFrame indexed by metric ("threshold" first, then the metrics in the
        CLI's order) with mean, sd, ci_low, ci_high, folds_defined: `stratum cv --format
        csv`'s table;
    oof: a DataFrame of the out-of-fold predictions, `stratum cv --oof`'s columns (row
        1-based, fold, repeat, label, p), one line per row and repeat."""

    def __init__(self, folds, summary, oof):
        self.folds, self.summary, self.oof = folds, summary, oof

    def __repr__(self):
        return f"CVResult(summary=\n{self.summary})"


def _params(model, names, X, y01, text=False):
    from ._estimators import GBDTClassifier, LogisticRegression
    p = lib.st_cv_params_default()
    keep = []
    if isinstance(model, LogisticRegression):
        p.family = 0
        p.logreg = model._params(text)
    elif isinstance(model, GBDTClassifier):
        p.family = 1
        p.gbdt = model._params(names)
        mono = None if text else model._monotone(names)
        if mono is not None:
            keep.append(mono)
            p.gbdt.monotone = mono.ctypes.data_as(c_void_p)
    return p, model, keep


def _ids(v, n, what):
    """The ids (groups or fold_ids: any hashable values, e.g. patient ids as str or as
    18-digit ints) as the library's float64 ids: their codes 0, 1, ... in the ids'
    ascending order. Exact, where the ids themselves as float64 need not be (ints beyond
    2^53 would merge), and in the order the library numbers ids (stratum/folds.h:
    ascending; `stratum cv --group-col` numbers a column of text by its levels, in byte
    order: str's order too). None, NaN and pd.NA are missing, which no row may be."""
    if v is None:
        return None
    import pandas as pd
    a = (v.to_numpy() if hasattr(v, "to_numpy") else np.asarray(v)).ravel()
    if a.shape[0] != n:
        raise StratumError(f"{what} has {a.shape[0]} values, X has {n} rows")
    codes, _ = pd.factorize(a, sort=True)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        raise StratumError(f"{what} has a missing id (None or NaN) at row {i}: every row "
                           "needs one")
    return np.ascontiguousarray(codes, dtype=np.float64)


def cv(X, y, model=None, *, sample_weight=None, folds=5, repeats=1, groups=None,
       fold_ids=None, threshold=0.5, rule="fixed", beta=2.0, min_recall=0.9,
       min_precision=0.5, threshold_folds=3, valid_fraction=0.0, seed=DEFAULT_SEED,
       n_threads=0, text_cols=None, report=None, report_data=None):
    """Cross-validates `model` (an unfitted stratum.LogisticRegression or
    stratum.GBDTClassifier, whose parameters are used; default LogisticRegression()) on X, y
    as `stratum cv` does (docs/cv.md): `folds` stratified folds (groups: rows with one id
    stay in one fold; fold_ids: the folds given), `repeats` shuffles seeded by seed (the
    CLI's --seed, default 42), each fold evaluated at `threshold` or at the threshold
    `rule` (max_f1, max_fbeta, youden, min_recall, min_precision) picks on
    `threshold_folds` inner folds of its training part (0: its own predictions);
    valid_fraction: gbdt's held-out share of each training part for early stopping;
    text_cols: X's columns of str featurized per training part as the CLI's --text-col
    (default: the model's text_cols; its ngrams, hash_bits, tfidf, ... options);
    report: a path where the HTML report is written (atomically), the file `stratum cv
    --report` writes for the same data, options and seed, with the data named report_data
    (default "data").
    Returns a CVResult (folds, summary, oof DataFrames). Raises StratumError on bad input."""
    import pandas as pd
    from ._report import check_path, write as write_report
    report_path = check_path(report)
    p, y01, ds_args, keep = _prepare(X, y, model, sample_weight, folds, repeats, groups,
                                     fold_ids, seed, n_threads, text_cols)
    if rule not in _RULES:
        raise StratumError(f"rule={rule!r}: expected one of {', '.join(_RULES)}")
    if not isinstance(threshold_folds, (int, np.integer)) or threshold_folds < 0:
        raise StratumError(f"threshold_folds={threshold_folds!r}: expected a whole number "
                           ">= 0")
    p.threshold_folds = int(threshold_folds)
    p.valid_fraction = float(valid_fraction)
    if p.family == 1 and p.gbdt.num_trees == 0 and (p.valid_fraction > 0 or
                                                    p.gbdt.early_stopping_rounds > 0):
        p.gbdt.num_trees = 100  # the user's own validation, as the CLI's --valid-fraction
    p.eval.rule = _RULES[rule]
    p.eval.threshold = float("nan") if threshold is None else float(threshold)
    p.eval.beta, p.eval.min_recall = float(beta), float(min_recall)
    p.eval.min_precision = float(min_precision)
    res = POINTER(StCvResult)()
    err = StError()
    try:
        with _interrupt.interruptible(p), to_dataset(*ds_args) as ds:
            check(lib.st_cv_run(ds.handle, ctypes.byref(p), ctypes.byref(res),
                                ctypes.byref(err)), err)
            if report_path is not None:
                write_report("cv", ds.handle, p, res, report_path, report_data)
        return _frames(res.contents, y01, pd)
    finally:
        lib.st_cv_result_free(res)


def _prepare(X, y, model, sample_weight, folds, repeats, groups, fold_ids, seed, n_threads,
             text_cols=None):
    """The library's parameters, the 0/1 labels, to_dataset's arguments and the arrays the
    parameters point into (kept alive by the caller); text_cols (None: the model's) are
    featurized in each training part with the model's text options."""
    from ._estimators import _labels
    from ._data import n_rows_of
    from ._estimators import GBDTClassifier, LogisticRegression
    if model is None:
        model = LogisticRegression()
    if not isinstance(model, (LogisticRegression, GBDTClassifier)):
        raise StratumError(f"model={type(model).__name__}: expected a "
                           "stratum.LogisticRegression or stratum.GBDTClassifier")
    est = model.__class__(**model.get_params())  # a fresh copy to hold the input checks
    if text_cols is not None:
        est.set_params(text_cols=text_cols)
    X = est._validate_X(X, reset=True)
    est.classes_, y01 = _labels(y)
    n = n_rows_of(X)
    if n != len(y01):
        raise StratumError(f"X has {n} rows but y has {len(y01)}")
    w = est._weights(X, y01, sample_weight)
    names = est._feature_names(X)
    from ._text import text_columns, text_options
    text = text_columns(est, X)
    p, est, keep = _params(est, names, X, y01, bool(text))
    if text:
        arr = (c_char_p * len(text))(*[c.encode() for c in text])
        keep.append(arr)
        p.text_cols, p.n_text_cols = ctypes.cast(arr, POINTER(c_char_p)), len(text)
        p.text = text_options(est)
    for name, v in (("folds", folds), ("repeats", repeats), ("seed", seed),
                    ("n_threads", n_threads)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 0:
            raise StratumError(f"{name}={v!r}: expected a whole number >= 0")
    # (the library checks these too, in its own field names: n_folds, n_repeats)
    if fold_ids is None and folds < 2:
        raise StratumError(f"folds={folds!r}: expected 2 or more (or fold_ids)")
    if repeats < 1:
        raise StratumError(f"repeats={repeats!r}: expected 1 or more")
    p.n_folds, p.n_repeats, p.seed, p.n_threads = int(folds), int(repeats), int(seed), \
        int(n_threads)
    g, f = _ids(groups, n, "groups"), _ids(fold_ids, n, "fold_ids")
    if g is not None:
        keep.append(g)
        p.groups = g.ctypes.data_as(c_void_p)
    if f is not None:
        keep.append(f)
        p.fold_ids = f.ctypes.data_as(c_void_p)
        p.n_repeats = 1
    return p, y01, (X, y01, w, names, text), keep


def cv_path(X, y, model=None, *, measure="deviance", n_lambda=100, lambda_min_ratio=None,
            sample_weight=None, folds=5, repeats=1, groups=None, fold_ids=None,
            seed=DEFAULT_SEED, n_threads=0):
    """The lambda path of `model` (an unfitted stratum.LogisticRegression: alpha, class
    weights, standardisation; its lam is not used) cross-validated as R's cv.glmnet does,
    as `stratum cv logreg --lambda-path` (docs/cv.md). measure: deviance, auc or pr_auc.
    Returns a DataFrame indexed 1.. with lambda, df, the measure, se, folds and choice
    ("min", "1se", "min+1se" or ""), the CLI's --format csv table; df.attrs holds
    lambda_min and lambda_1se."""
    import pandas as pd
    from ._estimators import LogisticRegression
    if model is None:
        model = LogisticRegression()
    if not isinstance(model, LogisticRegression):
        raise StratumError(f"model={type(model).__name__}: the lambda path is "
                           "stratum.LogisticRegression's")
    if measure not in _MEASURES:
        raise StratumError(f"measure={measure!r}: expected deviance, auc or pr_auc")
    p, y01, ds_args, keep = _prepare(X, y, model, sample_weight, folds, repeats, groups,
                                     fold_ids, seed, n_threads)
    if ds_args[4]:
        raise StratumError("cv_path: no text columns yet (as the CLI's --lambda-path)")
    po = lib.st_logreg_path_options_default()
    po.n_lambda = int(n_lambda)
    if lambda_min_ratio is not None:
        po.lambda_min_ratio = float(lambda_min_ratio)
    res = POINTER(StCvPathResult)()
    err = StError()
    with _interrupt.interruptible(p), to_dataset(*ds_args) as ds:
        check(lib.st_cv_path_run(ds.handle, ctypes.byref(p), ctypes.byref(po),
                                 _MEASURES[measure], ctypes.byref(res), ctypes.byref(err)),
              err)
    try:
        r = res.contents
        nl = r.n_lambda
        choice = [""] * nl
        if r.have_choice:
            choice[r.i_min] = "min"
            choice[r.i_1se] = "min+1se" if r.i_1se == r.i_min else "1se"
        df = pd.DataFrame({"lambda": r.lambda_[:nl], "df": r.df[:nl], measure: r.cvm[:nl],
                           "se": r.cvsd[:nl], "folds": r.defined[:nl], "choice": choice},
                          index=pd.Index(range(1, nl + 1), name="index"))
        if r.have_choice:
            df.attrs.update(lambda_min=r.lambda_[r.i_min], lambda_1se=r.lambda_[r.i_1se])
        return df
    finally:
        lib.st_cv_path_result_free(res)


def _frames(r, y01, pd):
    metrics = [lib.st_metric_name(m).decode() for m in range(ST_METRIC_COUNT)]
    m = r.n_folds * r.n_repeats
    rows = []
    for k in range(m):
        fr = r.folds[k]
        rows.append([fr.repeat + 1, fr.fold + 1, fr.n_train, fr.n_test, fr.threshold] +
                    list(fr.value))
    folds = pd.DataFrame(rows, columns=["repeat", "fold", "n_train", "n_test", "threshold"] +
                         metrics)
    summ = [r.threshold] + [r.summary[k] for k in range(ST_METRIC_COUNT)]
    summary = pd.DataFrame({"mean": [s.mean for s in summ], "sd": [s.sd for s in summ],
                            "ci_low": [s.low for s in summ], "ci_high": [s.high for s in summ],
                            "folds_defined": [int(s.defined) for s in summ]},
                           index=pd.Index(["threshold"] + metrics, name="metric"))
    n, nr = r.n_rows, r.n_repeats
    fold_of = np.ctypeslib.as_array(r.fold_of, shape=(nr * n,)).copy()
    p = np.ctypeslib.as_array(r.oof, shape=(nr * n,)).copy()
    oof = pd.DataFrame({"row": np.tile(np.arange(1, n + 1), nr), "fold": fold_of + 1,
                        "repeat": np.repeat(np.arange(1, nr + 1), n),
                        "label": np.tile(y01.astype(np.int64), nr), "p": p})
    return CVResult(folds, summary, oof)
