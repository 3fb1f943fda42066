"""stratum.explain: per-row contributions on the log-odds scale, and with report= the
library's explain report (stratum/explain.h: st_model_explain; stratum/report.h:
st_report_explain), the file `stratum explain --report` writes for the same model and
data."""
import ctypes
import numbers
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_long, c_size_t, c_void_p

import numpy as np

from ._lib import StError, StratumError, check, lib
from ._model import Model


class StExplainParams(ctypes.Structure):
    _fields_ = [("rows", POINTER(c_size_t)), ("n_rows", c_size_t), ("global_", c_int),
                ("n_threads", c_int), ("progress", c_void_p), ("progress_data", c_void_p)]


class StExplanation(ctypes.Structure):
    _fields_ = [("family", c_int), ("n_features", c_size_t), ("labels", POINTER(c_char_p)),
                ("text_featurizer", POINTER(c_long)), ("text_term", POINTER(c_size_t)),
                ("n_rows", c_size_t), ("rows", POINTER(c_size_t)), ("p", POINTER(c_double)),
                ("p_uncalibrated", POINTER(c_double)),
                ("contrib", POINTER(c_double)), ("values", POINTER(c_char_p)),
                ("n_texts", c_size_t), ("texts", POINTER(c_char_p)),
                ("n_global_rows", c_size_t), ("mean_abs", POINTER(c_double)),
                ("mean", POINTER(c_double)), ("split", POINTER(c_double)),
                ("gain", POINTER(c_double)), ("std_coef", POINTER(c_double))]


class StReportExplainInput(ctypes.Structure):
    _fields_ = [("model", c_void_p), ("ex", POINTER(StExplanation)), ("model_name", c_char_p),
                ("data_name", c_char_p), ("top", c_size_t), ("top_global", c_size_t)]


_err = POINTER(StError)
for _name, _res, _args in (
        ("st_explain_params_default", StExplainParams, []),
        ("st_model_explain", c_int, [c_void_p, c_void_p, POINTER(StExplainParams),
                                     POINTER(POINTER(StExplanation)), _err]),
        ("st_explanation_free", None, [POINTER(StExplanation)]),
        ("st_report_explain", c_int, [POINTER(StReportExplainInput), c_char_p, c_void_p,
                                      c_void_p, _err])):
    getattr(lib, _name).restype = _res
    getattr(lib, _name).argtypes = _args


def _rows(rows, n):
    """rows= as 0-based positions of X (a list of ints, or one int)."""
    if isinstance(rows, (numbers.Integral, np.integer)):
        rows = [rows]
    try:
        rows = list(rows)
    except TypeError:
        rows = None
    if not rows or not all(isinstance(r, (numbers.Integral, np.integer)) and
                           not isinstance(r, bool) for r in rows):
        raise StratumError(f"rows={rows!r}: expected row positions of X, e.g. [16, 41]")
    out = [int(r) for r in rows]
    for r in out:
        if not 0 <= r < n:
            raise StratumError(f"rows: {r} is not a row of X: it has {n} rows, numbered "
                               f"from 0")
    return out


def _top(top, rows_mode):
    if top is None:
        return 5 if rows_mode else 0  # the CLI's defaults: 5 a direction; every feature
    if not isinstance(top, (numbers.Integral, np.integer)) or isinstance(top, bool) or top < 0:
        raise StratumError(f"top={top!r}: expected a whole number >= 0 (0: every feature)")
    return int(top)


def _name(value, default):
    if value is None:
        return default.encode()
    return os.fsencode(value) if isinstance(value, (bytes, os.PathLike)) else \
        str(value).encode()


def write_report(model, X, path, rows, top, model_name, data_name, n_threads):
    """st_model_explain of X's rows (0-based, or every row ranked when rows is None), then
    st_report_explain to path (bytes), atomically."""
    with model._raw_dataset(X) as ds:
        prm = lib.st_explain_params_default()
        keep = None
        if rows is not None:
            rows = _rows(rows, ds.n_rows)
            keep = (c_size_t * len(rows))(*rows)
            prm.rows, prm.n_rows = ctypes.cast(keep, POINTER(c_size_t)), len(rows)
        else:
            prm.global_ = 1
        prm.n_threads = int(n_threads)
        ex = POINTER(StExplanation)()
        err = StError()
        check(lib.st_model_explain(model._model, ds.handle, ctypes.byref(prm),
                                   ctypes.byref(ex), ctypes.byref(err)), err)
    try:
        t = _top(top, rows is not None)
        r = StReportExplainInput(model._model, ex, _name(model_name, model.source or "model"),
                                 _name(data_name, "data"), t if rows is not None else 5,
                                 0 if rows is not None else t)
        check(lib.st_report_explain(ctypes.byref(r), path, None, None, ctypes.byref(err)),
              err)
    finally:
        lib.st_explanation_free(ex)


def explain(model, X, n_threads=0, report=None, rows=None, top=None, report_model=None,
            report_data=None):
    """Per-row contributions of a fitted estimator or a stratum.Model on the log-odds
    scale: an n_rows x (n_features + 1) array, feature j in column j (the model's feature
    order) and the bias last; each row sums to the row's log-odds. TreeSHAP for boosted
    trees; w_k (x_k - mean_k) summed per feature for logistic regression.

    report: a path where the HTML report is written (atomically): the file `stratum
    explain MODEL DATA --report` writes for the same model and data. With rows (0-based
    positions of X; the report numbers them from 1, as the CLI's --rows does): each row's
    risk, the `top` features pushing it up and down (default 5) and a text model's texts
    with the deciding terms marked; without: every feature ranked by mean |contribution|
    over X beside the model's own importance (top: how many in the table, default all).
    The report names the model report_model (default: the file a Model was loaded from,
    else "model") and the data report_data (default "data")."""
    from ._report import check_path
    path = check_path(report)
    if path is None and (rows is not None or top is not None):
        raise StratumError("rows= and top= choose what the report shows: give report= too")
    if not isinstance(model, Model):
        m = getattr(model, "model_", None)
        if m is None:
            raise StratumError("explain: expected a fitted stratum estimator or a "
                               "stratum.Model")
        X = model._input(X)
        model = m
    out = model.explain(X, n_threads)
    if path is not None:
        write_report(model, X, path, rows, top, report_model, report_data, n_threads)
    return out
