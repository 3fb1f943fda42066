"""Turning Python data (numpy arrays, pandas DataFrames, scipy sparse matrices) into
libstratum datasets.

- numpy: float32 and float64 (ints and bools are converted), C or Fortran order. The
  library stores features column-major as float32, so a float32 Fortran array is handed
  over as it is; any other layout is converted once. NaN is a missing value; infinity is
  an error.
- pandas: numeric, bool and nullable columns as numbers (pd.NA and NaN missing); columns
  of dtype "category" become the library's native categorical features (levels matched by
  their text, a whole number's the integer's: _level_text). Object columns are an error:
  convert them to "category" or to numbers.
- scipy.sparse: CSR and CSC matrices go to st_dataset_from_csr / st_dataset_from_csc
  without being densified (other formats are converted to CSR first).
"""
import ctypes
import numbers

import numpy as np

from ._lib import StCategoricalColumn, StError, StratumError, check, lib

try:  # pandas and scipy are optional at import time
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None
try:
    import scipy.sparse as sp
except ImportError:  # pragma: no cover
    sp = None


class Dataset:
    """An owned st_dataset handle, freed on close (use as a context manager). keep: the
    array a borrowed dataset's features are views of (st_dataset_from_arrays_borrowed),
    kept alive as long as the handle."""

    def __init__(self, handle, keep=None):
        self.handle = handle
        self._keep = keep

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.handle:
            lib.st_dataset_free(self.handle)
            self.handle = None
        self._keep = None

    def __del__(self):
        self.close()

    @property
    def n_rows(self):
        return lib.st_dataset_n_rows(self.handle)


def _ptr(a):
    return None if a is None else a.ctypes.data_as(ctypes.c_void_p)


class names_array:
    """Feature names as the C array of strings the library takes (kept alive with it)."""

    def __init__(self, names):
        self.encoded = [str(n).encode("utf-8") for n in names]
        self.array = (ctypes.c_char_p * len(self.encoded))(*self.encoded)
        self.names = list(names)

    def __iter__(self):
        return iter(self.names)

    def __getitem__(self, j):
        return self.names[j]

    def __len__(self):
        return len(self.names)


def _names_array(names):
    if names is None:
        return None, None
    if not isinstance(names, names_array):
        names = names_array(names)
    return names.array, names


def is_dataframe(X):
    return pd is not None and isinstance(X, pd.DataFrame)


def is_sparse(X):
    return sp is not None and sp.issparse(X)


def check_not_empty(shape):
    """scikit-learn's wording (its estimator checks look for it), then stratum's."""
    if shape[0] == 0:
        raise StratumError(f"Found array with 0 sample(s) (shape={tuple(shape)}) while a "
                           "minimum of 1 is required: stratum needs at least one row")
    if shape[1] == 0:
        raise StratumError(f"Found array with 0 feature(s) (shape={tuple(shape)}) while a "
                           "minimum of 1 is required: stratum needs at least one feature")


def check_finite(X):
    """StratumError naming X's first infinite value (row, column), if it has one."""
    if isinstance(X, np.ndarray) and X.dtype.kind == "f":
        _check_finite(X, "X")


def _check_finite(values, what):
    inf = np.isinf(values) if values.dtype.kind == "f" else None
    if inf is not None and inf.any():
        where = np.argwhere(inf)[0]
        at = f" at row {where[0]}, column {where[1]}" if len(where) == 2 else ""
        raise StratumError(f"{what} contains infinity{at}: stratum takes NaN as a missing "
                           "value, but an infinite value is not a number it can use")


def as_dense_float32(X, check_inf=True):
    """X as a float32 Fortran-ordered 2-D array (no copy when it already is one).
    check_inf False: the caller's library call refuses infinities itself (see to_dataset)."""
    if not (isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "fiub"):
        # anything but a 2-D array of numbers goes through scikit-learn's conversions
        # (lists, object arrays of numbers, its error messages); arrays of numbers skip
        # them, which one-row predictions would otherwise be dominated by
        from sklearn.utils import check_array
        try:
            X = check_array(X, dtype=(np.float32, np.float64), force_all_finite=False,
                            order=None, ensure_min_samples=1, ensure_min_features=1)
        except ValueError as e:
            raise StratumError(str(e)) from None
    check_not_empty(X.shape)
    if X.dtype.kind == "f" and check_inf:
        _check_finite(X, "X")
    with np.errstate(over="ignore"):  # a value beyond float32's range: refused just below
        X32 = np.asarray(X, dtype=np.float32, order="F")
    if X.dtype.kind == "f" and X.dtype != np.float32 and np.isinf(X32).any():
        _check_finite(X, "X")  # an infinity given is named as one (check_inf False)
        raise StratumError("X has a value beyond float32's range (about 3.4e38): stratum "
                           "stores features as 32-bit floats")
    return X32


def _frame_float32(to_numpy, what):
    """to_numpy(dtype) (a frame's or a column's numbers, NaN missing) as float32, refusing
    what as_dense_float32 refuses with its messages: an infinity, named, and a finite value
    that float32 cannot hold (it would become one)."""
    with np.errstate(over="ignore"):
        v = to_numpy(np.float32)
    if np.isinf(v).any():
        _check_finite(to_numpy(np.float64), what)
        raise StratumError(f"{what} has a value beyond float32's range (about 3.4e38): "
                           "stratum stores features as 32-bit floats")
    return v


def _labels_weights(y01, weights, n):
    y = None if y01 is None else np.ascontiguousarray(y01, dtype=np.float32)
    w = None if weights is None else np.ascontiguousarray(weights, dtype=np.float32)
    for a, what in ((y, "labels"), (w, "weights")):
        if a is not None and a.shape != (n,):
            raise StratumError(f"{what} have {a.shape[0]} rows, X has {n}")
    return y, w


def _from_dense(X, y01, weights, names, check_inf=True):
    X = as_dense_float32(X, check_inf)
    n, d = X.shape
    y, w = _labels_weights(y01, weights, n)
    name_arr, _keep = _names_array(names)
    out = ctypes.c_void_p()
    err = StError()
    # the features are views of X (float32, column-major: what as_dense_float32 returns),
    # not a copy: a million rows of 28 features are 112 MB neither copied nor faulted in
    st = lib.st_dataset_from_arrays_borrowed(n, d, _ptr(X), _ptr(y), _ptr(w), name_arr,
                                             ctypes.byref(out), ctypes.byref(err))
    check(st, err)
    return Dataset(out, keep=X)


def _from_sparse(X, y01, weights, names):
    if X.ndim != 2:
        raise StratumError("a sparse X must be 2-D")
    if X.format not in ("csr", "csc"):
        X = X.tocsr()
    n, d = X.shape
    check_not_empty(X.shape)
    if not X.has_sorted_indices or not getattr(X, "has_canonical_format", True):
        X = X.copy()
        X.sum_duplicates()
        X.sort_indices()
    if X.dtype.kind not in "fiub":
        raise StratumError(f"sparse X of dtype {X.dtype}: expected numbers")
    if X.dtype.kind == "f" and X.dtype != np.float32:
        data = _frame_float32(lambda dt: np.ascontiguousarray(X.data, dtype=dt), "X")
    else:
        data = np.ascontiguousarray(X.data, dtype=np.float32)
        _check_finite(data, "X")
    if X.indices.size and X.indices.max() > np.iinfo(np.int32).max:
        raise StratumError("sparse X has an index beyond 2^31 - 1")
    indices = np.ascontiguousarray(X.indices, dtype=np.int32)
    indptr = np.ascontiguousarray(X.indptr, dtype=np.int64)
    y, w = _labels_weights(y01, weights, n)
    name_arr, _keep = _names_array(names)
    fn = lib.st_dataset_from_csr if X.format == "csr" else lib.st_dataset_from_csc
    out = ctypes.c_void_p()
    err = StError()
    st = fn(n, d, _ptr(indptr), _ptr(indices), _ptr(data), _ptr(y), _ptr(w), name_arr,
            ctypes.byref(out), ctypes.byref(err))
    check(st, err)
    return Dataset(out)


def dataframe_kinds(df, text=()):
    """'numeric', 'categorical' or 'text' (the columns named in text: str cells, None or NaN
    missing) for each column; StratumError for any other dtype, or for a name that more
    than one column has (which of them would be the feature?)."""
    dup = list(dict.fromkeys(df.columns[df.columns.duplicated()]))
    if dup:
        raise StratumError(f"X has more than one column named {', '.join(map(repr, dup))}: "
                           "stratum reads columns by name; drop or rename the copies")
    kinds = []
    for name in df.columns:
        dt = df[name].dtype
        if str(name) in text:
            if not (pd.api.types.is_object_dtype(dt) or pd.api.types.is_string_dtype(dt)):
                raise StratumError(f"text column '{name}' has dtype {dt}: expected str")
            # pandas' check in C first; the loop only to name what else a column holds
            fine = pd.api.types.infer_dtype(df[name], skipna=True) in ("string", "empty")
            bad = [] if fine else [v for v in df[name] if not (
                isinstance(v, str) or v is None or v is pd.NA or
                (isinstance(v, float) and np.isnan(v)))]
            if bad:
                raise StratumError(f"text column '{name}' holds {type(bad[0]).__name__} "
                                   f"{bad[0]!r}: expected str (None or NaN missing)")
            kinds.append("text")
        elif isinstance(dt, pd.CategoricalDtype):
            kinds.append("categorical")
        elif pd.api.types.is_bool_dtype(dt) or pd.api.types.is_numeric_dtype(dt):
            if pd.api.types.is_complex_dtype(dt):
                raise StratumError(f"column '{name}' is complex: expected real numbers")
            kinds.append("numeric")
        else:
            raise StratumError(
                f"column '{name}' has dtype {dt}: stratum takes numbers (NaN missing) and "
                f"categorical columns; convert it with df['{name}'].astype('category') or "
                "pd.to_numeric")
    return kinds


def _empty_level_used(name, s):
    """StratumError when a row of category column s uses the empty string as its level."""
    empty = [k for k, c in enumerate(s.cat.categories) if str(c) == ""]
    if empty and np.isin(s.cat.codes.to_numpy(), empty).any():
        raise StratumError(f"column '{name}' has the empty string as a level: "
                           "stratum reads an empty field as missing")


def _level_text(c):
    """A category's level text, one for equal values as pandas compares them (2 == 2.0), at
    fit and predict alike: a whole number, int or float, as the integer ('2', as a CSV of
    codes writes it; a column of codes with a missing value is float in pandas), any other
    value as str() gives it ('2.5', 'a', and 'True': a bool is no number here)."""
    if isinstance(c, (bool, np.bool_)):
        return str(c)
    if isinstance(c, numbers.Integral):
        return str(int(c))
    if isinstance(c, (float, np.floating)) and float(c).is_integer() and abs(c) < 2.0**63:
        return str(int(c))
    return str(c)


def _levels(name, s, kind):
    """Codes (int32, -1 missing) and level texts of a category column, or of a text column
    (each distinct text a level, as the CSV reader keeps a text column's cells until the
    featurizer tokenises them; the empty text is missing, as an empty field is)."""
    if kind == "categorical":
        _empty_level_used(name, s)
        codes, texts = s.cat.codes.to_numpy(), [_level_text(c) for c in s.cat.categories]
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        texts = [str(u) for u in uniques]
        if "" in texts:
            codes[codes == texts.index("")] = -1
    for k, t in enumerate(texts):  # the library takes NUL-terminated texts
        rows = np.flatnonzero(codes == k) if "\0" in t else ()
        if len(rows):
            raise StratumError(f"{'text ' if kind == 'text' else ''}column '{name}' holds a "
                               f"NUL character in row {int(rows[0])}: expected text")
    return codes, texts


def _from_frame_with_levels(df, kinds, y01, weights, names):
    """A frame of numeric, "category" and text columns: the numeric ones as views of one
    float32 column-major array, each other column as its codes and level texts
    (st_dataset_from_arrays_categorical): the dataset the CSV reader makes of the same
    table, levels in byte order, without writing the table out as text."""
    n, d = df.shape
    y, w = _labels_weights(y01, weights, n)
    X = np.full((n, d), np.nan, dtype=np.float32, order="F")
    cats = (StCategoricalColumn * (d - kinds.count("numeric")))()
    keep = [X]
    k = 0
    for j, name in enumerate(df.columns):
        s = df.iloc[:, j]
        if kinds[j] == "numeric":
            X[:, j] = _frame_float32(lambda dt: s.to_numpy(dtype=dt, na_value=np.nan),
                                     f"column '{name}'")
            continue
        codes, texts = _levels(name, s, kinds[j])
        codes = np.ascontiguousarray(codes, dtype=np.int32)
        levels = (ctypes.c_char_p * max(len(texts), 1))(*[t.encode("utf-8") for t in texts])
        keep += [codes, levels]
        cats[k] = StCategoricalColumn(j, codes.ctypes.data, levels, len(texts))
        k += 1
    name_arr, names_keep = _names_array(names)
    out = ctypes.c_void_p()
    err = StError()
    st = lib.st_dataset_from_arrays_categorical(n, d, _ptr(X), _ptr(y), _ptr(w), name_arr,
                                                cats, len(cats), ctypes.byref(out),
                                                ctypes.byref(err))
    check(st, err)
    return Dataset(out, keep=X)


def to_dataset(X, y01=None, weights=None, names=None, text=(), check_inf=True):
    """A Dataset for X (see the module's docstring); y01 holds 0/1 labels or is None,
    weights row weights or None, names the feature names (None: f0, f1, ...); text names
    X's text columns (a DataFrame's), each read as the CSV reader reads --text-col's.
    check_inf False (a numpy array only): X's infinities are left for the library call
    the dataset is for, when it refuses them itself (logistic regression's design build
    does, in a pass it makes anyway); that call failing, check_finite(X) gives this
    module's message (LogisticRegression.fit)."""
    if is_sparse(X):
        return _from_sparse(X, y01, weights, names)
    if is_dataframe(X):
        check_not_empty(X.shape)
        kinds = dataframe_kinds(X, text)
        if names is None:
            names = [str(c) for c in X.columns]
        if "categorical" in kinds or "text" in kinds:
            return _from_frame_with_levels(X, kinds, y01, weights, names)
        X = _frame_float32(lambda dt: X.to_numpy(dtype=dt, na_value=np.nan), "X")
        check_inf = True
    return _from_dense(X, y01, weights, names, check_inf)


def n_rows_of(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)
