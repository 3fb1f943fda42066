"""Text columns from Python (stratum/text.h): pandas columns of str featurized by the
library's featurizer exactly as the CLI's --text-col does (docs/text.md): one featurizer
per column fitted on the training rows, the column replaced by its term columns, the
featurizers saved in the model, which applies them to the raw texts it scores."""
import ctypes
from ctypes import POINTER, c_char_p, c_int, c_size_t, c_void_p

import numpy as np

from ._cv import StTextOptions
from ._data import Dataset, is_dataframe
from ._lib import StError, StratumError, check, lib

_err = POINTER(StError)
for _name, _res, _args in (
        ("st_text_options_default", StTextOptions, []),
        ("st_text_fit_dataset", c_int, [c_void_p, c_char_p, POINTER(StTextOptions),
                                        POINTER(c_void_p), _err]),
        ("st_text_transform", c_int, [POINTER(c_void_p), c_size_t, c_void_p,
                                      POINTER(c_void_p), _err]),
        ("st_text_featurizer_free", None, [c_void_p]),
        ("st_text_featurizer_column", c_char_p, [c_void_p]),
        ("st_logreg_add_text_featurizer", c_int, [c_void_p, c_void_p, _err]),
        ("st_logreg_n_text_featurizers", c_size_t, [c_void_p]),
        ("st_logreg_text_featurizer", c_void_p, [c_void_p, c_size_t]),
        ("st_gbdt_add_text_featurizer", c_int, [c_void_p, c_void_p, _err]),
        ("st_gbdt_n_text_featurizers", c_size_t, [c_void_p]),
        ("st_gbdt_text_featurizer", c_void_p, [c_void_p, c_size_t])):
    getattr(lib, _name).restype = _res
    getattr(lib, _name).argtypes = _args

# the CLI's --text-col defaults (cli_text_init): words, min-df 2, sublinear tf, no IDF
_STOP_WORDS = {None: 0, "none": 0, "english": 1}
TEXT_LAMBDA = 1e-4  # logreg's lambda with text columns when lam is None, as the CLI's


def text_options(est):
    """The estimator's featurizer options (ngrams, hash_bits, tfidf, sublinear_tf, min_df,
    stop_words), as the CLI's --ngrams, --hash-bits, --tfidf, --sublinear-tf, --min-df and
    --stop-words."""
    o = lib.st_text_options_default()
    ng = est.ngrams
    try:
        lo, hi = (int(ng), int(ng)) if isinstance(ng, (int, np.integer)) else \
            (int(ng[0]), int(ng[1]))
    except (TypeError, ValueError, IndexError):
        raise StratumError(f"ngrams={ng!r}: expected (min, max) n-gram lengths") from None
    if not 1 <= lo <= hi <= 8:
        raise StratumError(f"ngrams={ng!r}: expected 1 <= min <= max <= 8")
    o.ngram_min, o.ngram_max = lo, hi
    hb = int(est.hash_bits)
    if not 0 <= hb <= 24:
        raise StratumError(f"hash_bits={est.hash_bits!r}: expected 0 (a vocabulary) to 24")
    o.hash_bits = hb
    if not isinstance(est.min_df, (int, np.integer)) or est.min_df < 1:
        raise StratumError(f"min_df={est.min_df!r}: expected a whole number >= 1")
    o.min_df = int(est.min_df)
    o.tfidf = 1 if est.tfidf else 0
    o.sublinear_tf = 1 if est.sublinear_tf else 0
    if est.stop_words not in _STOP_WORDS:
        raise StratumError(f"stop_words={est.stop_words!r}: expected None or 'english'")
    o.stop_words = _STOP_WORDS[est.stop_words]
    return o


def text_columns(est, X):
    """The estimator's text_cols checked against X (a DataFrame holding each as a column
    of str); () without text columns."""
    cols = est.text_cols
    if cols is None:
        return ()
    cols = [cols] if isinstance(cols, str) else list(cols)
    if not cols:
        return ()
    if not is_dataframe(X):
        raise StratumError("text_cols: X must be a pandas DataFrame holding the text columns")
    for c in cols:
        if c not in X.columns:
            raise StratumError(f"text_cols: '{c}' is not a column of X")
        if cols.count(c) > 1:
            raise StratumError(f"text_cols: '{c}' is given twice")
    return tuple(str(c) for c in cols)


def fit_transform(ds, cols, opt):
    """Fits a featurizer per text column on ds; returns (the featurized Dataset, the list of
    featurizer handles, owned by the caller until handed to a model)."""
    fs = []
    err = StError()
    try:
        for c in cols:
            f = c_void_p()
            check(lib.st_text_fit_dataset(ds.handle, c.encode(), ctypes.byref(opt),
                                          ctypes.byref(f), ctypes.byref(err)), err)
            fs.append(f.value)
        return transform(ds, fs), fs
    except Exception:
        free(fs)
        raise


def transform(ds, fs):
    """ds with the featurizers' text columns replaced by their term columns."""
    arr = (c_void_p * max(len(fs), 1))(*fs)
    out = c_void_p()
    err = StError()
    check(lib.st_text_transform(arr, len(fs), ds.handle, ctypes.byref(out),
                                ctypes.byref(err)), err)
    return Dataset(out)


def free(fs):
    for f in fs:
        if f:
            lib.st_text_featurizer_free(f)


def attach(family_gbdt, handle, fs):
    """Hands the featurizers to the trained model (which frees them from then on)."""
    add = lib.st_gbdt_add_text_featurizer if family_gbdt else lib.st_logreg_add_text_featurizer
    err = StError()
    try:
        while fs:
            check(add(handle, fs[0], ctypes.byref(err)), err)
            fs.pop(0)
    finally:
        free(fs)


def model_featurizers(family_gbdt, handle):
    """The model's featurizers (lent by it) and their text columns' names."""
    n_of = lib.st_gbdt_n_text_featurizers if family_gbdt else lib.st_logreg_n_text_featurizers
    get = lib.st_gbdt_text_featurizer if family_gbdt else lib.st_logreg_text_featurizer
    fs = [get(handle, k) for k in range(n_of(handle))]
    return fs, [lib.st_text_featurizer_column(f).decode() for f in fs]
