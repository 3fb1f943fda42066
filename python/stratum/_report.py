"""The library's HTML reports (stratum/report.h: st_report_evaluate, st_report_cv,
st_report_compare) for stratum.evaluate, stratum.cv and stratum.compare(..., report=PATH):
the same file the CLI's --report writes for the same data, options and seed
(docs/reports.md)."""
import ctypes
import os
from ctypes import POINTER, c_char_p, c_int, c_long, c_size_t, c_void_p

from ._lib import StError, StEval, StEvalParams, StratumError, check, lib


class StReportContext(ctypes.Structure):
    _fields_ = [("data_name", c_char_p), ("folds_how", c_char_p), ("rule_name", c_char_p),
                ("weight_names", POINTER(c_char_p)), ("warnings", POINTER(c_char_p)),
                ("n_warnings", c_size_t), ("compare_reference", c_long)]


class StReportEvaluation(ctypes.Structure):
    _fields_ = [("p", c_void_p), ("y", c_void_p), ("w", c_void_p), ("n", c_size_t),
                ("ev", POINTER(StEval)), ("prm", POINTER(StEvalParams)),
                ("scores_name", c_char_p), ("score_col", c_char_p), ("model_name", c_char_p),
                ("model_kind", c_char_p), ("threshold_from", c_char_p),
                ("group_column", c_char_p), ("groups", c_void_p), ("n_groups", c_size_t)]


lib.st_report_evaluate.restype = c_int
lib.st_report_evaluate.argtypes = [POINTER(StReportEvaluation), POINTER(StReportContext),
                                   c_char_p, c_void_p, c_void_p, POINTER(StError)]
lib.st_report_context_default.restype = StReportContext
lib.st_report_context_default.argtypes = []
for _name in ("st_report_cv", "st_report_compare"):
    _f = getattr(lib, _name)
    _f.restype = c_int
    # (dataset, params, result, context, path, html, size, error): params and result as
    # void pointers, so that this module needs no import of _cv or _compare
    _f.argtypes = [c_void_p, c_void_p, c_void_p, POINTER(StReportContext), c_char_p,
                   c_void_p, c_void_p, POINTER(StError)]


def check_path(report):
    """The path report= names, as bytes for the library (str or os.PathLike), or None."""
    if report is None:
        return None
    if not isinstance(report, (str, bytes, os.PathLike)):
        raise StratumError(f"report={report!r}: expected a path to an .html file")
    path = os.fsencode(report)
    if not path:
        raise StratumError("report='': expected a path to an .html file")
    return path


def write(kind, ds_handle, params, result, path, data_name, weight_names=None, reference=-1):
    """Writes the report of `kind` ('cv' or 'compare') to path (bytes), atomically: params
    and result are the ctypes objects given to and returned by st_cv_run or
    st_compare_run (a pointer), data_name the data's name in the report (None: "data"),
    weight_names compare's class-weight settings as the table names them, reference the
    row compare's paired differences are taken from (-1: each family's first weight)."""
    ctx = lib.st_report_context_default()
    ctx.compare_reference = reference
    keep = []
    if data_name is not None:
        ctx.data_name = os.fsencode(data_name) if isinstance(data_name, os.PathLike) \
            else str(data_name).encode()
    if weight_names is not None:
        arr = (c_char_p * max(len(weight_names), 1))(*[str(w).encode() for w in weight_names])
        keep.append(arr)
        ctx.weight_names = ctypes.cast(arr, POINTER(c_char_p))
    err = StError()
    fn = lib.st_report_cv if kind == "cv" else lib.st_report_compare
    check(fn(ds_handle, ctypes.addressof(params), ctypes.cast(result, c_void_p),
             ctypes.byref(ctx), path, None, None, ctypes.byref(err)), err)


def write_evaluation(scores, labels, w, ev, prm, path, scores_name, score_col):
    """Writes `stratum evaluate --scores`'s report of st_evaluate's ev (StEval) for the
    arrays given to it and its StEvalParams prm to path (bytes), atomically; the scores
    named scores_name (the file the CLI would read) and their column score_col."""
    ptr = ctypes.c_void_p
    e = StReportEvaluation(scores.ctypes.data_as(ptr), labels.ctypes.data_as(ptr),
                           None if w is None else w.ctypes.data_as(ptr), labels.shape[0],
                           ctypes.pointer(ev), ctypes.pointer(prm), str(scores_name).encode(),
                           str(score_col).encode(), None, None, None, None, None, 0)
    err = StError()
    check(lib.st_report_evaluate(ctypes.byref(e), None, path, None, None, ctypes.byref(err)),
          err)
