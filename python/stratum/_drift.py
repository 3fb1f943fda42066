"""stratum.drift: has new data moved away from a reference cohort? Column by column, as
`stratum drift REFERENCE NEW` compares two files (stratum/drift.h: st_drift_compare), with
report= the library's report (stratum/report.h: st_report_drift), the file `stratum drift
--report` writes for the same data."""
import ctypes
import numbers
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_size_t, c_void_p

import numpy as np

from ._data import to_dataset
from ._lib import StError, StratumError, check, lib


class StDriftOptions(ctypes.Structure):
    _fields_ = [("n_bins", c_int), ("epsilon", c_double), ("model_gbdt", c_void_p),
                ("reference_name", c_char_p), ("new_name", c_char_p), ("n_threads", c_int)]


class StDriftLevel(ctypes.Structure):
    _fields_ = [("text", c_char_p), ("count", c_size_t)]


class StDriftFeature(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("type", c_int), ("model_bins", c_int),
                ("n_bins", c_size_t), ("psi", c_double), ("ks_statistic", c_double),
                ("ks_pvalue", c_double), ("chi2", c_double), ("chi2_pvalue", c_double),
                ("chi2_dof", c_size_t), ("missing_reference", c_double),
                ("missing_new", c_double), ("mean_reference", c_double),
                ("mean_new", c_double), ("n_new_levels", c_size_t),
                ("new_level_rows", c_size_t), ("new_levels", POINTER(StDriftLevel)),
                ("n_shares", c_size_t), ("share_reference", POINTER(c_double)),
                ("share_new", POINTER(c_double)), ("edges", POINTER(c_double)),
                ("levels", POINTER(c_char_p))]


class StDriftResult(ctypes.Structure):
    _fields_ = [("n_reference", c_size_t), ("n_new", c_size_t), ("n_features", c_size_t),
                ("features", POINTER(StDriftFeature)), ("prevalence_reference", c_double),
                ("prevalence_new", c_double)]


class StReportDriftInput(ctypes.Structure):
    _fields_ = [("result", POINTER(StDriftResult)), ("reference_name", c_char_p),
                ("new_name", c_char_p), ("model", c_void_p)]


_err = POINTER(StError)
for _name, _res, _args in (
        ("st_drift_options_default", StDriftOptions, []),
        ("st_drift_compare", c_int, [c_void_p, c_void_p, POINTER(StDriftOptions),
                                     POINTER(POINTER(StDriftResult)), _err]),
        ("st_drift_result_free", None, [POINTER(StDriftResult)]),
        ("st_drift_band", c_char_p, [c_double]),
        ("st_report_drift", c_int, [POINTER(StReportDriftInput), c_char_p, c_void_p,
                                    c_void_p, _err])):
    getattr(lib, _name).restype = _res
    getattr(lib, _name).argtypes = _args

_CATEGORICAL = 1  # ST_FEATURE_CATEGORICAL (stratum/dataset.h)


def _frame(X, y, what):
    """X as a dataset: a DataFrame's columns by name (category columns as levels), y its
    0/1 outcome or None (then no prevalence)."""
    if y is not None:
        y = np.asarray(y)
        if y.dtype == bool:
            y = y.astype(np.float32)
        if y.dtype.kind not in "fiu" or y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise StratumError(f"{what}: y must hold one 0/1 label per row of its X")
        y = np.ascontiguousarray(y, dtype=np.float32)
    return to_dataset(X, y01=y)


def _table(r):
    """The result's columns as a DataFrame, largest PSI first (NaN last, ties by name), the
    order of the CLI's table."""
    import pandas as pd
    rows = []
    for j in range(r.n_features):
        f = r.features[j]
        levels = [(f.new_levels[k].text.decode(), f.new_levels[k].count)
                  for k in range(f.n_new_levels)]
        cat = f.type == _CATEGORICAL
        rows.append({"column": f.name.decode(), "type": "categorical" if cat else "numeric",
                     "psi": f.psi, "band": lib.st_drift_band(f.psi).decode(),
                     "ks_statistic": f.ks_statistic, "ks_pvalue": f.ks_pvalue,
                     "chi2": f.chi2, "chi2_dof": f.chi2_dof if cat else None,
                     "chi2_pvalue": f.chi2_pvalue, "missing_reference": f.missing_reference,
                     "missing_new": f.missing_new, "mean_reference": f.mean_reference,
                     "mean_new": f.mean_new, "new_level_rows": f.new_level_rows,
                     "new_levels": levels})
    rows.sort(key=lambda c: (np.isnan(c["psi"]), -c["psi"] if not np.isnan(c["psi"]) else 0,
                             c["column"].encode()))
    df = pd.DataFrame(rows, columns=["column", "type", "psi", "band", "ks_statistic",
                                     "ks_pvalue", "chi2", "chi2_dof", "chi2_pvalue",
                                     "missing_reference", "missing_new", "mean_reference",
                                     "mean_new", "new_level_rows", "new_levels"])
    df["chi2_dof"] = df["chi2_dof"].astype("Int64")
    df = df.set_index("column")
    df.attrs.update(n_reference=r.n_reference, n_new=r.n_new,
                    prevalence_reference=r.prevalence_reference,
                    prevalence_new=r.prevalence_new)
    return df


def drift(reference, current, y_reference=None, y_current=None, bins=10, report=None,
          report_reference=None, report_new=None, n_threads=0):
    """Compares current (new data) with reference (e.g. the training cohort), column by
    column, matched by name (pandas DataFrames with the same columns and types; category
    columns compared by their levels' text), as `stratum drift REFERENCE NEW` does: PSI
    over the reference's quantile bins (bins, 2..1000; missing values a bin of their own)
    with its band (stable < 0.1 <= moderate <= 0.25 < major), KS for numeric columns,
    chi-square and new levels for categorical ones, missing shares and means. Returns a
    DataFrame indexed by column, largest PSI first (the CLI's order); df.attrs holds the row
    counts and, with y_reference and y_current (0/1 outcomes), the prevalences.

    report: a path where the HTML report is written (atomically): the file `stratum drift
    REF NEW --report` writes for the same data (without --model), the two files named
    report_reference and report_new (default "reference" and "new")."""
    from ._report import check_path
    path = check_path(report)
    if not isinstance(bins, (numbers.Integral, np.integer)) or not 2 <= bins <= 1000:
        raise StratumError(f"bins={bins!r}: expected a whole number in 2..1000")
    names = [None if n is None else
             (os.fsencode(n) if isinstance(n, (bytes, os.PathLike)) else str(n).encode())
             for n in (report_reference, report_new)]
    opt = lib.st_drift_options_default()
    opt.n_bins, opt.n_threads = int(bins), int(n_threads)
    opt.reference_name = names[0] or b"reference"
    opt.new_name = names[1] or b"new"
    r = POINTER(StDriftResult)()
    err = StError()
    with _frame(reference, y_reference, "y_reference") as a, \
            _frame(current, y_current, "y_current") as b:
        check(lib.st_drift_compare(a.handle, b.handle, ctypes.byref(opt), ctypes.byref(r),
                                   ctypes.byref(err)), err)
    try:
        if path is not None:
            d = StReportDriftInput(r, names[0], names[1], None)
            check(lib.st_report_drift(ctypes.byref(d), path, None, None, ctypes.byref(err)),
                  err)
        return _table(r.contents)
    finally:
        lib.st_drift_result_free(r)
