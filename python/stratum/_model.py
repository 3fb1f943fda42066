"""stratum.Model: a trained model of either family (logistic regression or boosted
trees), as the CLI reads and writes them. Read-only once built: any number of threads may
predict with one model at once."""
import ctypes
import os
import tempfile

import numpy as np

from ._data import as_dense_float32, is_dataframe, names_array, to_dataset
from ._lib import StDecisionThreshold, StError, StratumError, check, lib

LOGREG, GBDT = "logreg", "gbdt"
_GBDT_PROBABILITY, _GBDT_RAW = 0, 1
# the log-odds of a calibrated P of exactly 0 or 1 (an isotonic map's ends, a Platt map
# saturating): those of 2^-1075 and 1 - 2^-54, half a float64 step beyond the smallest and
# the largest P in (0, 1), whose log-odds are about -744.4 and 36.7. Finite (scikit-learn's
# scorers refuse infinities), and still below and above every other row's: the order of
# predict_proba, ties included.
_LOGIT_0, _LOGIT_1 = -1075 * np.log(2.0), 54 * np.log(2.0)


class Model:
    """A libstratum model handle (st_model, stratum/model.h). Build one with
    stratum.load(path), or get the one a fitted estimator holds (estimator.model_)."""

    def __init__(self, handle):
        self._model = handle  # st_model *, owned
        family = lib.st_model_family_of(handle)
        self.family = GBDT if family == 1 else LOGREG
        # the family's model, lent by the handle, for the family's own functions
        self._handle = (lib.st_model_gbdt_mut if self.family == GBDT else
                        lib.st_model_logreg_mut)(handle)
        n = lib.st_model_n_features(handle)
        self.feature_names = [lib.st_model_feature_name(handle, j).decode()
                              for j in range(n)]
        self._categorical = any(lib.st_model_n_levels(handle, j) for j in range(n))
        self.source = None  # the file it was read from (Model.load), else None

    @classmethod
    def _wrap(cls, family, trained):
        """A handle owning a model just trained (freed here if the handle cannot be made)."""
        out = ctypes.c_void_p()
        err = StError()
        wrap = lib.st_model_from_gbdt if family == GBDT else lib.st_model_from_logreg
        st = wrap(trained, ctypes.byref(out), ctypes.byref(err))
        if st != 0:
            (lib.st_gbdt_free if family == GBDT else lib.st_logreg_free)(trained)
        check(st, err)
        return cls(out)

    # ---- lifetime, files, pickling ----
    def __del__(self):
        h, self._model = getattr(self, "_model", None), None
        if h:
            lib.st_model_free(h)

    @classmethod
    def load(cls, path):
        """Reads a model file of either family (a stratum model, or an XGBoost JSON or
        LightGBM text model, which are boosted trees). StratumError on a file that is
        not a model, with the library's message."""
        out = ctypes.c_void_p()
        err = StError()
        check(lib.st_model_load(os.fspath(path).encode(), ctypes.byref(out),
                                ctypes.byref(err)), err)
        m = cls(out)
        m.source = os.fspath(path)  # how an explain report names the model by default
        return m

    def save(self, path):
        """Writes the model file (atomically), readable by the CLI and stratum.load."""
        err = StError()
        check(lib.st_model_save(self._model, os.fspath(path).encode(), ctypes.byref(err)),
              err)

    def to_bytes(self):
        with tempfile.TemporaryDirectory(prefix="stratum-") as d:
            p = os.path.join(d, "model")
            self.save(p)
            with open(p, "rb") as f:
                return f.read()

    @classmethod
    def from_bytes(cls, data):
        with tempfile.TemporaryDirectory(prefix="stratum-") as d:
            p = os.path.join(d, "model")
            with open(p, "wb") as f:
                f.write(data)
            m = cls.load(p)
            m.source = None
            return m

    def __reduce__(self):
        # the model file is exact: a model read back predicts bit-identically
        return (Model.from_bytes, (self.to_bytes(),))

    # ---- prediction ----
    def _names(self):
        # built once: encoding the names is a good part of a one-row prediction
        arr = getattr(self, "_names_arr", None)
        if arr is None:
            arr = self._names_arr = names_array(self.feature_names)
        return arr

    def _text(self):
        """The model's text featurizers (lent by it) and their columns' names, cached."""
        t = getattr(self, "_text_cache", None)
        if t is None:
            from ._text import model_featurizers
            t = self._text_cache = model_featurizers(self.family == GBDT, self._handle)
        return t

    def _raw_dataset(self, X):
        """X as the model reads it before featurizing: a text model's text columns raw (as
        the CLI reads --text-col's), which st_model_explain featurizes itself."""
        cols = self._text()[1]
        if cols:
            self._check_width(X)
            return to_dataset(self._read_columns(X), names=None, text=tuple(cols))
        # a frame's columns are matched by name when they have names (strings); an
        # array's, and a frame's with default (integer) labels, by position
        by_name = is_dataframe(X) and all(isinstance(c, str) for c in X.columns)
        if by_name:
            return to_dataset(self._read_columns(X), names=None)
        return to_dataset(X, names=self._names())

    def _read_columns(self, X):
        """Frame X's columns the model reads by name (its features, its text columns): as
        the CLI, the model ignores any other column, whatever it holds (an id, a date)."""
        wanted = self.__dict__.get("_wanted")
        if wanted is None:
            wanted = self._wanted = set(self.feature_names) | set(self._text()[1])
        keep = X.columns.isin(wanted)
        return X if keep.all() else X.loc[:, keep]

    def _dataset(self, X):
        fs, cols = self._text()
        if cols:  # a model of text columns: X's raw texts through its featurizers
            from ._text import transform
            with self._raw_dataset(X) as raw:
                return transform(raw, fs)
        return self._raw_dataset(X)

    def _check_width(self, X):
        cols = self._text()[1]
        if cols and not is_dataframe(X):
            raise StratumError(f"the model featurizes the text column(s) "
                               f"{', '.join(cols)}: X must be a pandas DataFrame holding them")
        d = X.shape[1] if hasattr(X, "shape") and len(X.shape) == 2 else None
        if d is not None and d != len(self.feature_names) and not (
                is_dataframe(X) and all(isinstance(c, str) for c in X.columns)):
            raise StratumError(f"X has {d} features, but the model is expecting "
                               f"{len(self.feature_names)} features as input")

    def _row_path(self):
        """Whether one-row arrays may go through st_model_predict_row: not for a model with
        categorical features (an array cannot give levels by name) or text columns."""
        ok = self.__dict__.get("_row_ok")
        if ok is None:
            ok = self._row_ok = not self._categorical and not self._text()[1]
        return ok

    def _one_row(self, X):
        """P(y = 1) of a 1-row numeric array through st_model_predict_row (no dataset is
        built), or None when that path does not apply (several rows, a frame or sparse
        matrix, a model with categorical features or text columns). The fast path of
        one-row latency (bench/python_overhead.py): a float32 row is passed as it is, the
        result written straight into the returned array, and the error struct is only
        built to fetch the message of a failure."""
        if (type(X) is not np.ndarray or X.ndim != 2 or X.shape[0] != 1 or
                X.dtype.kind not in "fiub" or not self._row_path()):
            return None
        n = len(self.feature_names)
        if X.shape[1] != n:
            self._check_width(X)
        if X.dtype == np.float32 and X.flags.c_contiguous:
            if np.isinf(X).any():
                as_dense_float32(X)  # raises, naming the cell
            row = X
        else:
            row = np.ascontiguousarray(as_dense_float32(X))
        out = np.empty(1)
        if lib.st_model_predict_row(self._model, row.ctypes.data, n, out.ctypes.data,
                                    None) != 0:
            p = ctypes.c_double()
            err = StError()
            check(lib.st_model_predict_row(self._model, row.ctypes.data, n,
                                           ctypes.addressof(p), ctypes.addressof(err)), err)
        return out

    def _gbdt_raw(self, X, n_threads):
        self._check_width(X)
        with self._dataset(X) as ds:
            n = ds.n_rows
            out = np.empty(n)
            err = StError()
            check(lib.st_gbdt_predict(self._handle, ds.handle, _GBDT_RAW, n_threads,
                                      out.ctypes.data_as(ctypes.c_void_p), n,
                                      ctypes.byref(err)), err)
            return out

    def predict_proba(self, X, n_threads=0):
        """P(y = 1) for each row of X (through the model's calibration map, if any)."""
        p = self._one_row(X)
        if p is not None:
            return p
        self._check_width(X)
        with self._dataset(X) as ds:
            n = ds.n_rows
            out = np.empty(n)
            err = StError()
            if self.family == GBDT:
                st = lib.st_gbdt_predict(self._handle, ds.handle, _GBDT_PROBABILITY,
                                         n_threads, out.ctypes.data_as(ctypes.c_void_p), n,
                                         ctypes.byref(err))
            else:
                st = lib.st_logreg_predict(self._handle, ds.handle,
                                           out.ctypes.data_as(ctypes.c_void_p), n,
                                           ctypes.byref(err))
            check(st, err)
            return out

    def decision_function(self, X, n_threads=0):
        """Log-odds: the trees' raw score F(x) for boosted trees, logit(P(y = 1)) for
        logistic regression; with a calibration map, of either family, the log-odds of the
        calibrated P(y = 1) (_calibrated_logit), so that it ranks the rows as
        predict_proba does."""
        if self._calibration() is not None:
            return _calibrated_logit(self.predict_proba(X, n_threads))
        if self.family == GBDT:
            return self._gbdt_raw(X, n_threads)
        if np.isfinite(lib.st_logreg_bias(self._handle)):
            # the linear predictor itself, finite where P(y = 1) rounds to 0 or 1: the
            # contributions and the bias sum to it (stratum/logreg.h)
            return self.explain(X, n_threads).sum(axis=1)
        p = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(p) - np.log1p(-p)

    def _calibration(self):
        """The model's calibration map (a pointer, lent by the model), or None."""
        return (lib.st_gbdt_calibration if self.family == GBDT else
                lib.st_logreg_calibration)(self._handle)

    @property
    def threshold(self):
        """The decision threshold stored in the model, or None."""
        t = lib.st_model_threshold(self._model)
        return None if np.isnan(t) else float(t)

    @property
    def positive_class(self):
        """The label text of the positive class the model records (st_model_positive_class:
        one the CLI's default rule would not pick, such as 'died'), or None."""
        t = lib.st_model_positive_class(self._model)
        return None if t is None else t.decode()

    def set_threshold(self, value):
        """Stores a fixed decision threshold in [0, 1] (None removes it). Only while the
        model is not shared between threads."""
        t = None
        if value is not None:
            t = StDecisionThreshold(float(value), 0, float("nan"))
        err = StError()
        fn = lib.st_logreg_set_threshold if self.family == LOGREG else lib.st_gbdt_set_threshold
        check(fn(self._handle, None if t is None else ctypes.byref(t), ctypes.byref(err)), err)

    def set_class_texts(self, positive, negative):
        """Records the texts of the classes y = 1 and y = 0 stand for (an estimator's
        classes_[1] and classes_[0]), as training from a file does, when the CLI's default
        label rule (1/true/yes positive) would not read them so: `stratum evaluate` then
        reads a file of those labels for this model without --positive. Only while the
        model is not shared between threads."""
        err = StError()
        fn = (lib.st_logreg_set_class_texts if self.family == LOGREG else
              lib.st_gbdt_set_class_texts)
        check(fn(self._handle, str(positive).encode(), str(negative).encode(),
                 ctypes.byref(err)), err)

    def predict(self, X, n_threads=0):
        """1 where P(y = 1) >= the stored threshold, as `stratum predict` labels rows;
        without one, where P(y = 1) > 0.5 (scikit-learn's rule: a tie goes to class 0, as
        the sign of decision_function says)."""
        t = self.threshold
        p = self.predict_proba(X, n_threads)
        return (p > 0.5 if t is None else p >= t).astype(int)

    def explain(self, X, n_threads=0):
        """Per-row contributions on the log-odds scale: an array of n_rows x (n_features
        + 1), feature j's contribution in column j and the bias last; each row sums to the
        row's log-odds. TreeSHAP for boosted trees, w_k (x_k - mean_k) for logistic
        regression (stratum/gbdt.h, stratum/logreg.h)."""
        self._check_width(X)
        with self._dataset(X) as ds:
            n, d = ds.n_rows, len(self.feature_names) + 1
            out = np.empty((n, d))
            err = StError()
            ptr = out.ctypes.data_as(ctypes.c_void_p)
            if self.family == GBDT:
                st = lib.st_gbdt_contrib(self._handle, ds.handle, n_threads, ptr, n * d,
                                         ctypes.byref(err))
            else:
                st = lib.st_logreg_contrib(self._handle, ds.handle, ptr, n * d,
                                           ctypes.byref(err))
            check(st, err)
            return out

    # ---- what the model is ----
    def coefficients(self):
        """Logistic regression: (names of the expanded columns, coefficients, intercept)."""
        if self.family != LOGREG:
            raise StratumError("coefficients: a boosted-trees model has none")
        h = self._handle
        k = lib.st_logreg_n_coefs(h)
        coefs = np.ctypeslib.as_array(lib.st_logreg_coefs(h), shape=(k,)).copy() if k else \
            np.zeros(0)
        names = [lib.st_logreg_coef_name(h, i).decode() for i in range(k)]
        return names, coefs, float(lib.st_logreg_intercept(h))

    def coef_features(self):
        h = self._handle
        return [lib.st_logreg_coef_feature(h, i) for i in range(lib.st_logreg_n_coefs(h))]

    def feature_importance(self, kind="gain"):
        """Boosted trees: each feature's total split gain ("gain") or split count
        ("split")."""
        if self.family != GBDT:
            raise StratumError("feature_importance: only boosted trees have it")
        kinds = {"split": 0, "gain": 1}
        if kind not in kinds:
            raise StratumError(f"importance kind {kind!r}: expected 'split' or 'gain'")
        d = len(self.feature_names)
        out = np.empty(d)
        err = StError()
        check(lib.st_gbdt_feature_importance(self._handle, kinds[kind],
                                             out.ctypes.data_as(ctypes.c_void_p), d,
                                             ctypes.byref(err)), err)
        return out

    @property
    def n_trees(self):
        return lib.st_gbdt_n_trees(self._handle) if self.family == GBDT else 0

    def __repr__(self):
        return f"<stratum.Model {self.family}, {len(self.feature_names)} features>"


def _calibrated_logit(p):
    """logit(p), p in [0, 1], finite: _LOGIT_0 and _LOGIT_1 at 0 and 1."""
    with np.errstate(divide="ignore"):
        z = np.log(p) - np.log1p(-p)
    z[p == 0] = _LOGIT_0
    z[p == 1] = _LOGIT_1
    return z


def load(path):
    """A model file of either family (stratum.Model); see Model.load."""
    return Model.load(path)
