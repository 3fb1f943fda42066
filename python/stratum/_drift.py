"""stratum.drift: has new data moved away from a reference cohort? Column by column, as
`stratum drift REFERENCE NEW` compares two files (stratum/drift.h: st_drift_compare), and
with model= through the model as `stratum drift REFERENCE NEW --model M` does
(st_drift_compare_model); with report= the library's report (stratum/report.h:
st_report_drift), the file `stratum drift --report` writes for the same data."""
import ctypes
import numbers
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_size_t, c_void_p

import numpy as np

from ._data import is_dataframe, to_dataset
from ._lib import DEFAULT_SEED, StError, StEval, StratumError, check, lib
from ._model import Model


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


class StDriftModelOptions(ctypes.Structure):
    _fields_ = [("columns", StDriftOptions), ("model_name", c_char_p), ("n_bootstrap", c_int),
                ("seed", ctypes.c_ulonglong), ("contrib_rows", c_size_t),
                ("top_terms", c_size_t)]


class StDriftTerm(ctypes.Structure):
    _fields_ = [("label", c_char_p), ("with_reference", c_size_t), ("with_new", c_size_t),
                ("psi", c_double), ("chi2", c_double), ("chi2_pvalue", c_double),
                ("importance", c_double), ("shift", c_double)]


class StDriftText(ctypes.Structure):
    _fields_ = [("column", c_char_p), ("n_term_columns", c_size_t),
                ("words_mean_reference", c_double), ("words_mean_new", c_double),
                ("words_psi", c_double), ("words_ks", c_double), ("words_ks_pvalue", c_double),
                ("empty_reference", c_double), ("empty_new", c_double),
                ("unseen_reference", c_double), ("unseen_new", c_double),
                ("importance", c_double), ("shift", c_double), ("n_terms", c_size_t),
                ("terms", POINTER(StDriftTerm))]


class StDriftModelResult(ctypes.Structure):
    _fields_ = [("columns", POINTER(StDriftResult)), ("family", c_int),
                ("score_psi", c_double), ("mean_p_reference", c_double),
                ("mean_p_new", c_double), ("contrib_rows_reference", c_size_t),
                ("contrib_rows_new", c_size_t), ("importance", POINTER(c_double)),
                ("weighted", POINTER(c_double)), ("shift", POINTER(c_double)),
                ("n_model_features", c_size_t), ("feature_importance", POINTER(c_double)),
                ("feature_shift", POINTER(c_double)), ("labelled_reference", c_int),
                ("labelled_new", c_int), ("ev_reference", StEval), ("ev_new", StEval),
                ("auc_z", c_double), ("auc_p", c_double), ("n_text", c_size_t),
                ("text", POINTER(StDriftText))]


class StReportDriftInput(ctypes.Structure):
    _fields_ = [("result", POINTER(StDriftResult)), ("reference_name", c_char_p),
                ("new_name", c_char_p), ("model", c_void_p),
                ("model_result", POINTER(StDriftModelResult)), ("model_name", c_char_p)]


_err = POINTER(StError)
for _name, _res, _args in (
        ("st_drift_options_default", StDriftOptions, []),
        ("st_drift_compare", c_int, [c_void_p, c_void_p, POINTER(StDriftOptions),
                                     POINTER(POINTER(StDriftResult)), _err]),
        ("st_drift_result_free", None, [POINTER(StDriftResult)]),
        ("st_drift_band", c_char_p, [c_double]),
        ("st_drift_model_options_default", StDriftModelOptions, []),
        ("st_drift_compare_model", c_int, [c_void_p, c_void_p, c_void_p,
                                           POINTER(StDriftModelOptions),
                                           POINTER(POINTER(StDriftModelResult)), _err]),
        ("st_drift_model_result_free", None, [POINTER(StDriftModelResult)]),
        ("st_report_drift", c_int, [POINTER(StReportDriftInput), c_char_p, c_void_p,
                                    c_void_p, _err])):
    getattr(lib, _name).restype = _res
    getattr(lib, _name).argtypes = _args

_CATEGORICAL = 1  # ST_FEATURE_CATEGORICAL (stratum/dataset.h)


def _frame(X, y, what, text=()):
    """X as a dataset: a DataFrame's columns by name (category columns as levels; the
    columns named in text raw, as a text model reads them), y its 0/1 outcome or None (then
    no prevalence)."""
    if y is not None:
        y = np.asarray(y)
        if y.dtype == bool:
            y = y.astype(np.float32)
        if y.dtype.kind not in "fiu" or y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise StratumError(f"{what}: y must hold one 0/1 label per row of its X")
        y = np.ascontiguousarray(y, dtype=np.float32)
        bad = np.flatnonzero((y != 0) & (y != 1))  # NaN too
        if bad.size:
            raise StratumError(f"{what}[{bad[0]}] is {y[bad[0]]:g}: expected 0 or 1 "
                               f"({bad.size} such value{'s' if bad.size > 1 else ''})")
    return to_dataset(X, y01=y, text=text)


def _table(r, dm=None):
    """The result's columns as a DataFrame, largest PSI first (NaN last, ties by name), the
    order of the CLI's table; with dm (the model's part) its columns importance,
    weighted_psi and contribution_shift."""
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
        if dm is not None:
            rows[-1].update(importance=dm.importance[j], weighted_psi=dm.weighted[j],
                            contribution_shift=dm.shift[j])
    rows.sort(key=lambda c: (np.isnan(c["psi"]), -c["psi"] if not np.isnan(c["psi"]) else 0,
                             c["column"].encode()))
    df = pd.DataFrame(rows, columns=["column", "type", "psi", "band", "ks_statistic",
                                     "ks_pvalue", "chi2", "chi2_dof", "chi2_pvalue",
                                     "missing_reference", "missing_new", "mean_reference",
                                     "mean_new", "new_level_rows", "new_levels"] +
                      (["importance", "weighted_psi", "contribution_shift"]
                       if dm is not None else []))
    df["chi2_dof"] = df["chi2_dof"].astype("Int64")
    df = df.set_index("column")
    df.attrs.update(n_reference=r.n_reference, n_new=r.n_new,
                    prevalence_reference=r.prevalence_reference,
                    prevalence_new=r.prevalence_new)
    return df


# the metrics of the model's summary (df.attrs["model"]), as `drift --format json` lists them
_SHOWN = (0, 1, 3, 14, 15, 4)  # ROC-AUC, PR-AUC, Brier, calibration intercept and slope,
#                                prevalence (st_metric in stratum/metrics.h)


def _metrics(ev, mean_p):
    """One file's metrics: {name: {value, ci_low, ci_high}}, DeLong's variance, observed
    and expected prevalence (the CLI's JSON "reference" / "new" members)."""
    out = {lib.st_metric_name(m).decode(): {"value": ev.value[m], "ci_low": ev.ci_low[m],
                                            "ci_high": ev.ci_high[m]} for m in _SHOWN}
    out.update(roc_auc_delong_variance=ev.delong_variance,
               observed_prevalence=ev.value[4], expected_prevalence=mean_p)
    return out


def _texts(dm):
    """A text model's text columns as the CLI's JSON "text" member: a list of dicts, each
    with its terms (largest |contribution shift| first) as a list of dicts."""
    out = []
    for k in range(dm.n_text):
        t = dm.text[k]
        terms = [{"term": x.label.decode(), "texts_reference": x.with_reference,
                  "texts_new": x.with_new, "psi": x.psi, "chi2": x.chi2,
                  "chi2_pvalue": x.chi2_pvalue, "importance": x.importance,
                  "contribution_shift": x.shift}
                 for x in (t.terms[i] for i in range(t.n_terms))]
        out.append({"column": t.column.decode(), "n_terms": t.n_term_columns,
                    "words_band": lib.st_drift_band(t.words_psi).decode(),
                    "words_mean_reference": t.words_mean_reference,
                    "words_mean_new": t.words_mean_new, "words_psi": t.words_psi,
                    "words_ks_statistic": t.words_ks, "words_ks_pvalue": t.words_ks_pvalue,
                    "empty_reference": t.empty_reference, "empty_new": t.empty_new,
                    "unseen_reference": t.unseen_reference, "unseen_new": t.unseen_new,
                    "importance": t.importance, "contribution_shift": t.shift,
                    "terms": terms})
    return out


def _summary(dm, name):
    """The model's part as the CLI's JSON "model" member."""
    return {"path": name, "family": "gbdt" if dm.family == 1 else "logreg",
            "score_psi": dm.score_psi, "score_band": lib.st_drift_band(dm.score_psi).decode(),
            "predicted_prevalence_reference": dm.mean_p_reference,
            "predicted_prevalence_new": dm.mean_p_new,
            "contrib_rows_reference": dm.contrib_rows_reference,
            "contrib_rows_new": dm.contrib_rows_new,
            "reference": _metrics(dm.ev_reference, dm.mean_p_reference)
            if dm.labelled_reference else None,
            "new": _metrics(dm.ev_new, dm.mean_p_new) if dm.labelled_new else None,
            "auc_change_z": dm.auc_z, "auc_change_pvalue": dm.auc_p}


def _whole(value, what, lo, hi):
    if not isinstance(value, (numbers.Integral, np.integer)) or isinstance(value, bool) or \
            not lo <= value <= hi:
        raise StratumError(f"{what}={value!r}: expected a whole number in {lo}..{hi}")
    return int(value)


def _model_of(model):
    """A stratum.Model from model= (a Model, or a fitted stratum estimator's)."""
    if isinstance(model, Model):
        return model
    m = getattr(model, "model_", None)
    if not isinstance(m, Model):
        raise StratumError("drift: model= expects a fitted stratum estimator or a "
                           "stratum.Model")
    return m


def drift(reference, current, y_reference=None, y_current=None, bins=10, report=None,
          report_reference=None, report_new=None, n_threads=0, model=None, bootstrap=1000,
          seed=DEFAULT_SEED, contrib_rows=5000, terms=10, report_model=None):
    """Compares current (new data) with reference (e.g. the training cohort), column by
    column, matched by name (pandas DataFrames with the same columns and types; category
    columns compared by their levels' text), as `stratum drift REFERENCE NEW` does: PSI
    over the reference's quantile bins (bins, 2..1000; missing values a bin of their own)
    with its band (stable < 0.1 <= moderate <= 0.25 < major), KS for numeric columns,
    chi-square and new levels for categorical ones, missing shares and means. Returns a
    DataFrame indexed by column, largest PSI first (the CLI's order); df.attrs holds the row
    counts and, with y_reference and y_current (0/1 outcomes), the prevalences.

    model: a fitted stratum estimator or a stratum.Model (stratum.load): also what the
    model says, as `stratum drift REF NEW --model M` (the library's
    st_drift_compare_model): the frame gains the columns importance (mean |contribution|
    to the log-odds over the reference's rows, or contrib_rows of them evenly spaced; 0:
    all), weighted_psi (PSI x importance / total importance) and contribution_shift (mean
    contribution in current - in reference), NaN for columns the model does not use;
    df.attrs["model"] holds the score PSI and its band, the predicted prevalences and,
    for each labelled frame, ROC-AUC, PR-AUC, Brier, calibration intercept and slope with
    bootstrap intervals (bootstrap resamples, seed) and prevalence (observed and
    expected), and DeLong's unpaired test of the AUC change (auc_change_z, _pvalue):
    the keys of the CLI's --format json "model" member. A text model's text columns
    (str cells) are read through its featurizer and not compared as columns:
    df.attrs["text"] lists per text column words per text, empty and out-of-vocabulary
    shares and the `terms` terms moving the scores most (the JSON "text" member).

    report: a path where the HTML report is written (atomically): the file `stratum drift
    REF NEW --report` writes for the same data (with model, `--model M`'s), the two files
    named report_reference and report_new (default "reference" and "new") and the model
    report_model (default: the file a Model was loaded from, else "model")."""
    from ._report import check_path
    path = check_path(report)
    bins = _whole(bins, "bins", 2, 1000)
    names = [None if n is None else
             (os.fsencode(n) if isinstance(n, (bytes, os.PathLike)) else str(n).encode())
             for n in (report_reference, report_new)]
    if model is None:
        opt = lib.st_drift_options_default()
        opt.n_bins, opt.n_threads = bins, int(n_threads)
        opt.reference_name = names[0] or b"reference"
        opt.new_name = names[1] or b"new"
        r = POINTER(StDriftResult)()
        err = StError()
        with _frame(reference, y_reference, "y_reference") as a, \
                _frame(current, y_current, "y_current") as b:
            check(lib.st_drift_compare(a.handle, b.handle, ctypes.byref(opt),
                                       ctypes.byref(r), ctypes.byref(err)), err)
        try:
            if path is not None:
                d = StReportDriftInput(r, names[0], names[1], None, None, None)
                check(lib.st_report_drift(ctypes.byref(d), path, None, None,
                                          ctypes.byref(err)), err)
            return _table(r.contents)
        finally:
            lib.st_drift_result_free(r)
    return _drift_model(reference, current, y_reference, y_current, bins, path, names,
                        n_threads, _model_of(model), bootstrap, seed, contrib_rows, terms,
                        report_model)


def _drift_model(reference, current, y_reference, y_current, bins, path, names, n_threads,
                 model, bootstrap, seed, contrib_rows, terms, report_model):
    """drift(..., model=...): st_drift_compare_model, its report and its frame."""
    for X, what in ((reference, "reference"), (current, "current")):
        if not is_dataframe(X):
            raise StratumError(f"drift: {what} must be a pandas DataFrame (columns matched "
                               "by name)")
    opt = lib.st_drift_model_options_default()
    opt.columns.n_bins, opt.columns.n_threads = bins, int(n_threads)
    opt.columns.reference_name = names[0] or b"reference"
    opt.columns.new_name = names[1] or b"new"
    name = report_model if report_model is not None else (model.source or "model")
    name = os.fsencode(name) if isinstance(name, (bytes, os.PathLike)) else str(name).encode()
    opt.model_name = name
    opt.n_bootstrap = _whole(bootstrap, "bootstrap", 0, 100000)
    opt.seed = _whole(seed, "seed", 0, 2 ** 64 - 1)
    opt.contrib_rows = _whole(contrib_rows, "contrib_rows", 0, 2 ** 63 - 1)
    opt.top_terms = _whole(terms, "terms", 0, 2 ** 63 - 1)
    text = tuple(model._text()[1])
    dm = POINTER(StDriftModelResult)()
    err = StError()
    with _frame(reference, y_reference, "y_reference", text) as a, \
            _frame(current, y_current, "y_current", text) as b:
        check(lib.st_drift_compare_model(a.handle, b.handle, model._model, ctypes.byref(opt),
                                         ctypes.byref(dm), ctypes.byref(err)), err)
    try:
        if path is not None:
            d = StReportDriftInput(None, names[0], names[1], None, dm, name)
            check(lib.st_report_drift(ctypes.byref(d), path, None, None, ctypes.byref(err)),
                  err)
        df = _table(dm.contents.columns.contents, dm.contents)
        df.attrs["model"] = _summary(dm.contents, name.decode(errors="replace"))
        if dm.contents.n_text > 0:
            df.attrs["text"] = _texts(dm.contents)
        return df
    finally:
        lib.st_drift_model_result_free(dm)
