"""scikit-learn estimators over libstratum: LogisticRegression and GBDTClassifier.

Both follow scikit-learn's conventions (fit / predict_proba / predict / decision_function,
get_params / set_params, classes_, n_features_in_, feature_names_in_) and take numpy
arrays, pandas DataFrames (categorical columns native) and scipy sparse matrices. The
hyper-parameters carry the CLI's names and defaults (`stratum train logreg --help`,
`stratum train gbdt --help`), so the same options and seed give the same model file."""
import ctypes
import numbers
import os

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d

from ._data import (check_finite, check_not_empty, dataframe_kinds, is_dataframe, is_sparse,
                    n_rows_of, to_dataset)
from ._lib import (CLASS_WEIGHT_BALANCED, CLASS_WEIGHT_NONE, CLASS_WEIGHT_POSITIVE, DEFAULT_SEED,
                   StError, StGbdtAutoTreesInfo, StLogregLambdaChoice, StratumError, check, lib)
from ._model import GBDT, LOGREG, Model
from . import _calibration, _interrupt, _text
from ._text import text_columns


def _labels(y):
    """classes_ and y as 0/1 floats: any two labels, the larger (np.unique's order) the
    positive class."""
    if y is None:
        raise StratumError("requires y to be passed, but the target y is None")
    try:
        y = column_or_1d(y, warn=True)
    except ValueError as e:
        raise StratumError(f"y: {e}") from None
    if y.dtype.kind == "f" and np.isnan(y).any():
        i = int(np.flatnonzero(np.isnan(y))[0])
        raise StratumError(f"y has a missing label (NaN) at row {i}: every row needs a "
                           "class")
    if y.dtype.kind == "O" and any(v is None for v in y):
        raise StratumError("y has a missing label (None): every row needs a class")
    two = _two_numeric_classes(y)
    if two is not None:
        return two
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise StratumError(f"Unknown label type: {kind!r}: stratum trains binary "
                           "classifiers, y must hold two classes")
    classes, y01 = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise StratumError(f"y has {len(classes)} class{'es' if len(classes) != 1 else ''} "
                           f"({', '.join(map(repr, classes[:5].tolist()))}"
                           f"{', ...' if len(classes) > 5 else ''}): stratum trains binary "
                           "classifiers and needs exactly 2")
    return classes, y01.astype(np.float32)


def _two_numeric_classes(y):
    """classes_ and 0/1 labels of numeric y holding exactly two whole values (what
    type_of_target calls binary), in two passes instead of np.unique's sort: a million
    labels in a few milliseconds (bench/python_overhead.py); None for any other y."""
    if y.dtype.kind not in "iubf" or y.size == 0:
        return None
    lo, hi = y.min(), y.max()
    if lo == hi or (y.dtype.kind == "f" and not (np.isfinite(lo) and np.isfinite(hi) and
                                                 lo == np.floor(lo) and hi == np.floor(hi))):
        return None
    pos = y == hi
    if not (pos | (y == lo)).all():
        return None
    return np.array([lo, hi], dtype=y.dtype), pos.astype(np.float32)


def _whole(v):
    """Whether v is a whole number (numpy's too; not a bool, nor a float such as 10.7,
    which int() would silently truncate)."""
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _count(est, name):
    """A count parameter as int, refused unless whole (_whole); its range is the library's
    check (st_gbdt_params_check, st_logreg_params_check)."""
    v = getattr(est, name)
    if not _whole(v):
        raise StratumError(f"{name}={v!r}: expected a whole number")
    return int(v)


def _seed(random_state):
    if random_state is None:
        return DEFAULT_SEED  # the CLI's default seed
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, numbers.Integral) and random_state >= 0:
        return int(random_state)
    raise StratumError(f"random_state={random_state!r}: expected a whole number >= 0, None "
                       "or a numpy RandomState")


class _StratumClassifier(ClassifierMixin, BaseEstimator):
    _family = None

    def _more_tags(self):
        return {"binary_only": True, "allow_nan": True,
                "_xfail_checks": self._xfail_checks()}

    def _xfail_checks(self):
        # scikit-learn calls this through _more_tags, also inside cross_val_score and
        # GridSearchCV before fit (where error_score applies): it must never raise, whatever
        # the parameters (a bad one is fit's to refuse, as StratumError)
        checks = {}
        if self.threshold is not None or self.threshold_rule not in (None, "fixed"):
            # as scikit-learn's own FixedThresholdClassifier and TunedThresholdClassifierCV
            checks["check_classifiers_train"] = (
                "with a stored threshold (threshold, threshold_rule) predict says "
                "classes_[1] where P >= threshold_, not where decision_function > 0: "
                "decision_function stays the log-odds, which ranking scorers and "
                "CalibratedClassifierCV read")
        if self.recalibrate in (None, "none") and self.threshold_rule in (None, "fixed"):
            return checks
        checks.update({  # with the CLI's inner cross-validation (recalibrate, threshold_rule)
            "check_sample_weights_invariance": (
                "the inner folds are drawn over all the rows: a row of weight 0 still "
                "moves the other rows' folds, so it is not the same as removing it"),
            "check_class_weight_classifiers": (
                "a class_weight dict whose negative class does not weigh 1 raises "
                "StratumError with recalibrate or threshold_rule: it would become row "
                "weights, which the map and the rule must not see")})
        return checks

    def __sklearn_is_fitted__(self):
        return getattr(self, "model_", None) is not None

    # ---- input ----
    def _validate_X(self, X, reset):
        if X is None:
            raise StratumError("X is None: expected a 2-D array, DataFrame or sparse matrix")
        if not (is_dataframe(X) or is_sparse(X)):
            X = np.asarray(X)
            if X.ndim != 2:
                raise StratumError(
                    f"Expected 2D array, got {'scalar' if X.ndim == 0 else f'{X.ndim}D'} "
                    "array instead: Reshape your data either using array.reshape(-1, 1) if "
                    "your data has a single feature or array.reshape(1, -1) if it contains "
                    "a single sample.")
            if X.dtype.kind == "c":
                raise StratumError("Complex data not supported: X has complex numbers")
            if X.dtype.kind == "O":
                X = X.astype(np.float64)  # numbers stored as objects; TypeError otherwise
            if X.dtype.kind not in "fiub":
                raise StratumError(f"X of dtype {X.dtype}: expected numbers (float32 or "
                                   "float64; NaN missing)")
        if is_dataframe(X):
            dataframe_kinds(X, text_columns(self, X))
        if len(X.shape) == 2:
            check_not_empty(X.shape)
        try:
            self._check_feature_names(X, reset=reset)
            self._check_n_features(X, reset=reset)
        except ValueError as e:
            raise StratumError(str(e)) from None
        if not reset and is_dataframe(X) and self.__dict__.get("feature_names_in_") is None:
            # fitted without feature names (an array): scikit-learn has just warned that X
            # has some, and its estimators then take the columns by position; so do we (a
            # frame without names, integer labels, is read by position: Model._raw_dataset)
            X = X.copy(deep=False)
            X.columns = range(X.shape[1])
        return X

    def _feature_names(self, X):
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return [str(n) for n in names]
        return [f"f{j}" for j in range(self.n_features_in_)]

    def _weights(self, X, y01, sample_weight):
        """Row weights, with class_weight folded in where the library's own class weight
        cannot express it; None when every row weighs 1 (as the CLI trains)."""
        n = n_rows_of(X)
        w = None
        if sample_weight is not None:
            try:
                w = _check_sample_weight(sample_weight, np.empty((n, 0)), dtype=np.float64)
            except (ValueError, TypeError) as e:
                raise StratumError(f"sample_weight: {e}") from None
            if not np.all(np.isfinite(w)) or (w < 0).any():
                raise StratumError("sample_weight must be finite and >= 0")
        cw = self.class_weight
        if isinstance(cw, dict):
            w0, w1 = self._class_weight_dict()
            if w0 != 1.0:
                w = np.ones(n) if w is None else w.copy()
                w *= np.where(y01 == 1, w1, w0)
        for c in (0, 1):  # (without weights, _labels found rows of both classes)
            if w is not None and not (w[y01 == c].sum() > 0):
                raise StratumError(f"class {self.classes_[c]!r} has no rows of positive "
                                   "weight: one class cannot train a binary classifier")
        if w is not None and np.all(w == 1):
            w = None
        return w

    def _class_weight_dict(self):
        """(w0, w1): the weights a class_weight dict gives classes_[0] and classes_[1] (1
        for a class it does not name), refusing a key that is not one of the classes (a
        {1: 10} meant for labels 'died'/'lived' would otherwise weigh nothing)."""
        cw = self.class_weight
        classes = self.classes_.tolist()
        known = set(classes)
        unknown = [k for k in cw if k not in known]
        if unknown:
            raise StratumError(
                f"class_weight={cw!r}: {', '.join(map(repr, unknown))} "
                f"{'is' if len(unknown) == 1 else 'are'} not among the classes "
                f"{classes} (classes_, as y holds them): name each class as y does")
        try:
            w0 = float(cw.get(self.classes_[0], 1.0))
            w1 = float(cw.get(self.classes_[1], 1.0))
        except (TypeError, ValueError):
            w0 = w1 = float("nan")
        if not (w0 > 0 and w1 > 0 and np.isfinite(w0) and np.isfinite(w1)):
            raise StratumError(f"class_weight={cw!r}: weights must be finite and > 0")
        return w0, w1

    def _class_weight_kind(self):
        """(kind, positive weight) of class_weight: none, balanced, a number (positive
        rows weigh it) or a dict whose negative class weighs 1; other dicts are folded
        into the row weights (_weights)."""
        cw = self.class_weight
        if cw is None or (isinstance(cw, str) and cw == "none"):
            return "none", 1.0
        if isinstance(cw, str) and cw == "balanced":
            return "balanced", 1.0
        if isinstance(cw, numbers.Real) and not isinstance(cw, bool):
            if not (cw > 0 and np.isfinite(cw)):
                raise StratumError(f"class_weight={cw!r}: expected a number > 0")
            return "positive", float(cw)
        if isinstance(cw, dict):
            w0, w1 = self._class_weight_dict()
            if w0 == 1.0:
                return "positive", w1
            return "none", 1.0
        raise StratumError(f"class_weight={cw!r}: expected None, 'balanced', a number "
                           "(the positive class's weight) or a dict {class: weight}")

    def _class_weight_c(self):
        """class_weight as st_class_weight (stratum/common.h) and its positive_weight, the
        same two fields in both families' parameters."""
        kind, pw = self._class_weight_kind()
        return {"none": CLASS_WEIGHT_NONE, "balanced": CLASS_WEIGHT_BALANCED,
                "positive": CLASS_WEIGHT_POSITIVE}[kind], pw

    def _fit_all_or_nothing(self, X, y, sample_weight, **kwargs):
        """The public fit's work, done on a copy of the estimator whose attributes replace
        this one's only when the whole fit succeeded: a failed fit (bad input, a refused
        parameter, Ctrl-C) leaves the estimator as it was, fitted or not, never a new
        model_ beside stale attributes. Ctrl-C stops the library's training within a tree
        or solver iteration (_interrupt.py) and raises KeyboardInterrupt."""
        work = object.__new__(type(self))
        work.__dict__.update(self.__dict__)
        with _interrupt.interruptible():
            work._fit(X, y, sample_weight, **kwargs)
        self.__dict__.clear()
        self.__dict__.update(work.__dict__)
        return self

    def _fit(self, X, y, sample_weight=None, **kwargs):
        threshold = _calibration.check_threshold(self)  # before any training
        X = self._validate_X(X, reset=True)
        self.classes_, y01 = _labels(y)
        if n_rows_of(X) != len(y01):
            raise StratumError(f"X has {n_rows_of(X)} rows but y has {len(y01)}")
        w = self._weights(X, y01, sample_weight)
        names = self._feature_names(X)
        post = _calibration.post_params(self)
        if post is not None:
            self._check_post(kwargs)
        seed = _seed(self.random_state)  # one draw: the inner folds' and the model's
        self.model_ = None
        self.calibration_ = self.inner_cv_ = None
        text = text_columns(self, X)
        # numpy's isinf over X is 18 ms of a 0.65 s fit at 1M x 28: a fit that refuses
        # infinities itself is left to, and its refusal gets _data's message
        lib_inf = isinstance(X, np.ndarray) and self._refuses_infinity(text)
        with to_dataset(X, y01, w, names, text, check_inf=not lib_inf) as ds:
            if not text:
                try:
                    self.model_ = self._train_post(ds, X, names, post, seed, **kwargs)
                except StratumError:
                    if lib_inf:
                        check_finite(X)
                    raise
            else:  # as the CLI's --text-col: featurizers fitted on these rows, in the model
                if kwargs.get("eval_set") is not None or getattr(self, "monotone", None):
                    raise StratumError("text_cols: not with eval_set or monotone yet")
                tds, fs = _text.fit_transform(ds, text, _text.text_options(self))
                try:
                    with tds:
                        self.model_ = self._train_post(tds, X, None, post, seed, text=True,
                                                       **kwargs)
                    _text.attach(self._family == GBDT, self.model_._handle, fs)
                finally:
                    _text.free(fs)
        if threshold is not None and post is None:
            self.model_.set_threshold(threshold)
        # the labels' texts, as a file's: a model of died/alive reads such a CSV in the CLI
        self.model_.set_class_texts(self.classes_[1], self.classes_[0])
        self.threshold_ = self.model_.threshold
        self._fitted(self.model_)

    def _check_post(self, kwargs):
        """What recalibrate and threshold_rule cannot go with (the CLI's rules, and one of
        Python's own: a class_weight dict folded into the row weights)."""
        cw = self.class_weight
        if isinstance(cw, dict) and self._class_weight_dict()[0] != 1.0:
            raise StratumError(
                f"class_weight={cw!r} with recalibrate or threshold_rule: a negative class "
                "weight other than 1 becomes row weights, and the calibration map and the "
                "threshold rule need the rows' own weights (they must give frequencies); "
                "give the positive class's weight as a number (class_weight=w1 / w0) or "
                "'balanced'")

    def _refuses_infinity(self, text):
        """Whether this family's training (its inner folds' too) refuses an infinite
        feature value itself (to_dataset's check_inf)."""
        return False

    def _train_post(self, ds, X, names, post, seed, **kwargs):
        """The model trained on ds; with post (st_cv_post_params), first the calibration map
        and threshold fitted on an inner cross-validation of ds, then stored in the model:
        the CLI's train --recalibrate / --threshold-rule, in its order."""
        if post is None:
            return self._train(ds, X, names, seed=seed, **kwargs)
        model, _keep = self._cv_model(names, seed, **kwargs)  # _keep: arrays model points into
        post.seed = seed  # the CLI's --seed seeds the inner folds too
        res = _calibration.fit(ds, model, post)
        try:
            m = self._train(ds, X, names, seed=seed, **kwargs)
            _calibration.store(self._family, m._handle, res)
            self.calibration_ = _calibration.calibration_of(res)
            self.inner_cv_ = _calibration.inner_cv_of(res)
        finally:
            _calibration.free(res)
        return m

    def _fitted(self, model):
        pass

    def _input(self, X):
        check_is_fitted(self)
        return self._validate_X(X, reset=False)

    def _one_row(self, X):
        """P(classes_[1]) of a 1-row array of the fitted width, through the model handle's
        one-row path, skipping scikit-learn's checks where they cannot fail (fitted, no
        feature names to compare, the width); None when that path does not apply."""
        m = self.__dict__.get("model_")
        if (m is None or type(X) is not np.ndarray or X.ndim != 2 or X.shape[0] != 1 or
                X.shape[1] != self.n_features_in_ or
                self.__dict__.get("feature_names_in_") is not None):
            return None
        return m._one_row(X)

    def predict_proba(self, X):
        """An n x 2 array: P(classes_[0]) and P(classes_[1])."""
        p = self._one_row(X)
        if p is not None:
            return np.array([[1.0 - p[0], p[0]]])
        X = self._input(X)
        p = self.model_.predict_proba(X, self.n_threads)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X):
        """The log-odds of classes_[1] (after the calibration map with recalibrate): a
        score that ranks the rows as predict_proba does, for scikit-learn's ranking
        scorers (roc_auc calls it) and CalibratedClassifierCV. With a stored threshold
        (threshold, threshold_rule) it is not shifted by it: predict says classes_[1]
        where P >= threshold_, i.e. where the log-odds >= logit(threshold_), not where
        this is > 0 (as scikit-learn's FixedThresholdClassifier; its check
        check_classifiers_train is marked expected-to-fail then). Without one, predict is
        classes_[1] exactly where this is > 0."""
        X = self._input(X)
        return self.model_.decision_function(X, self.n_threads)

    def predict(self, X):
        """classes_[1] where its probability is >= the stored threshold, or > 0.5 without
        one (scikit-learn's rule)."""
        X = self._input(X)
        return self.classes_[self.model_.predict(X, self.n_threads)]

    def save(self, path):
        """Writes the fitted model as a model file the CLI reads (`stratum predict`)."""
        check_is_fitted(self)
        self.model_.save(path)


class LogisticRegression(_StratumClassifier):
    """Elastic-net logistic regression (stratum/logreg.h; `stratum train logreg`).

    lam is the CLI's --lambda (lambda is a Python keyword): penalty strength >= 0, or
    None (the default, as the CLI's): chosen by an inner 5-fold cross-validation along the
    lambda path on the training rows (lambda_rule 'min': the lowest mean CV deviance, or
    '1se': cv.glmnet's lambda_1se), folds seeded by random_state (the CLI's --seed, default
    42); lambda_ and lambda_choice_ then say what was chosen.
    alpha: the L1 share in [0, 1] (0 ridge, 1 lasso). standardize: penalise standardised
    columns. impute: 'mean' or 'median' for missing numeric values. missing_indicators:
    add a 0/1 column per feature with missing training values. class_weight: None,
    'balanced', a number (positive rows weigh it) or {class: weight} naming classes as y
    holds them (a key that is not a class raises StratumError). tol, max_iter: the
    solver's stopping rule. threshold: a decision threshold in [0, 1] stored in the model
    (predict says classes_[1] where P >= it; None: where P > 0.5; decision_function stays
    the log-odds). n_threads: 0 = all; never changes the model. With text_cols,
    standardize is off and lam None is 1e-4, as the CLI's.
    text_cols: None, or columns of X (a DataFrame) holding str, each featurized as the
    CLI's --text-col (docs/text.md) by a featurizer fitted on the training rows and saved
    in the model, which applies it to the raw texts it scores; its options as the CLI's:
    ngrams (min, max) (--ngrams), hash_bits (0: a vocabulary), tfidf, sublinear_tf
    (default True), min_df (default 2), stop_words (None or 'english').
    out_of_core: fit as the CLI's --out-of-core (stratum/logreg_rowfile.h): the rows are
    written once to a private temporary file in temp_dir (None: $TMPDIR, else /tmp), then
    fitted from it block by block; ridge (alpha 0) at a given lam, mean imputation without
    missing indicators; the CLI's model to the bit.
    recalibrate (None, 'platt', 'isotonic'), calibration_folds (5), threshold_rule (None,
    'f1', 'fbeta', 'youden', 'min_recall', 'min_precision'), beta (2), min_recall (0.9),
    min_precision (0.5): the CLI's train --recalibrate and --threshold-rule (_calibration.py,
    docs/python.md); threshold_, calibration_ and inner_cv_ say what was chosen."""
    _family = LOGREG

    def __init__(self, lam=None, alpha=0.0, standardize=True, impute="mean",
                 missing_indicators=False, class_weight=None, tol=1e-8, max_iter=100,
                 threshold=None, lambda_rule="min", random_state=DEFAULT_SEED, n_threads=0,
                 text_cols=None, ngrams=(1, 1), hash_bits=0, tfidf=False, sublinear_tf=True,
                 min_df=2, stop_words=None, out_of_core=False, temp_dir=None,
                 recalibrate=None, calibration_folds=5, threshold_rule=None, beta=2.0,
                 min_recall=0.9, min_precision=0.5):
        self.recalibrate = recalibrate
        self.calibration_folds = calibration_folds
        self.threshold_rule = threshold_rule
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.out_of_core = out_of_core
        self.temp_dir = temp_dir
        self.text_cols = text_cols
        self.ngrams = ngrams
        self.hash_bits = hash_bits
        self.tfidf = tfidf
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.stop_words = stop_words
        self.lam = lam
        self.lambda_rule = lambda_rule
        self.random_state = random_state
        self.alpha = alpha
        self.standardize = standardize
        self.impute = impute
        self.missing_indicators = missing_indicators
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.threshold = threshold
        self.n_threads = n_threads

    def _params(self, text=False, seed=None):
        p = lib.st_logreg_params_default()
        lam = self.lam
        # None is the library's ST_LOGREG_LAMBDA_CV (-1), which no number given may become
        if lam is not None and not (isinstance(lam, numbers.Real) and
                                    not isinstance(lam, bool) and 0 <= lam < np.inf):
            raise StratumError(f"lam={lam!r}: expected a number >= 0 (the CLI's --lambda), "
                               "or None to choose it by cross-validation")
        p.lambda_ = -1.0 if lam is None else float(lam)
        if text and self.lam is None:
            p.lambda_ = _text.TEXT_LAMBDA  # the CLI's default with --text-col
        if self.lambda_rule not in ("min", "1se"):
            raise StratumError(f"lambda_rule={self.lambda_rule!r}: expected 'min' or '1se'")
        p.lambda_rule = 0 if self.lambda_rule == "min" else 1
        p.cv_seed = _seed(self.random_state) if seed is None else seed
        p.alpha = float(self.alpha)
        p.standardize = 1 if self.standardize else 0
        if self.impute not in ("mean", "median"):
            raise StratumError(f"impute={self.impute!r}: expected 'mean' or 'median'")
        p.impute = 0 if self.impute == "mean" else 1
        p.missing_indicators = 1 if self.missing_indicators else 0
        p.class_weight, p.positive_weight = self._class_weight_c()
        p.tol = float(self.tol)
        p.max_iter = _count(self, "max_iter")
        p.n_threads = _count(self, "n_threads")
        if text:
            p.standardize = 0  # term columns penalised as they are, as the CLI's
        msg = lib.st_logreg_params_check(ctypes.byref(p))
        if msg:
            raise StratumError(msg.decode())
        return p

    def _refuses_infinity(self, text):
        # the design build checks every value (st__lr_check_finite_feature), for one fit,
        # the lambda path and the inner folds; the out-of-core and text fits are other paths
        return not text and not self.out_of_core

    def _train(self, ds, X, names, text=False, seed=None):
        p = _interrupt.install(self._params(text, seed))
        out = ctypes.c_void_p()
        err = StError()
        if self.out_of_core:
            self._train_out_of_core(ds, p, out)
        else:
            check(lib.st_logreg_train(ds.handle, ctypes.byref(p), ctypes.byref(out),
                                      ctypes.byref(err)), err)
        return Model._wrap(LOGREG, out)

    def _cv_model(self, names, seed, text=False):
        """st_cv_params of this model for st_cv_post_fit (the CLI's cv_params_of)."""
        cp = _interrupt.install(lib.st_cv_params_default())
        cp.family = 0  # ST_CV_LOGREG
        cp.logreg = self._params(text, seed)
        cp.n_threads = int(self.n_threads)
        return cp, None

    def fit(self, X, y, sample_weight=None):
        """Fits the model on X (an array, DataFrame or sparse matrix; NaN is missing) and
        y (any two labels: classes_), with sample_weight (None, or one weight >= 0 per
        row) as row weights; lam None chooses lambda first by inner cross-validation
        (lambda_, lambda_choice_), recalibrate / threshold_rule fit their map and
        threshold on inner folds. Returns self. A failed fit raises StratumError (Ctrl-C:
        KeyboardInterrupt, within a solver iteration) and leaves the estimator as it was."""
        return self._fit_all_or_nothing(X, y, sample_weight)

    def _check_post(self, kwargs):
        super()._check_post(kwargs)
        if self.out_of_core:
            raise StratumError("out_of_core=True fits one model from a file: recalibrate "
                               "and threshold_rule need the data in memory (as the CLI's "
                               "--out-of-core)")

    def _train_out_of_core(self, ds, p, out):
        """As the CLI's --out-of-core (stratum/logreg_rowfile.h): the dataset's rows written
        once to a private temporary file in temp_dir (None: $TMPDIR, else /tmp), the
        dataset freed, the model fitted from the file a block at a time."""
        if self.lam is None and not self.text_cols:
            raise StratumError("out_of_core=True needs lam (a given lambda >= 0; the CLI's "
                               "--lambda): choosing it by cross-validation is in-memory only")
        if float(self.alpha) != 0:
            raise StratumError(f"out_of_core=True fits ridge only: alpha={self.alpha!r}, "
                               "expected 0")
        if self.impute != "mean" or self.missing_indicators:
            raise StratumError("out_of_core=True imputes the mean without missing "
                               "indicators: impute='mean', missing_indicators=False")
        why = lib.st_logreg_rowfile_unsupported(ctypes.byref(p))
        if why:
            raise StratumError(why.decode())
        temp = None if self.temp_dir is None else os.fsencode(self.temp_dir)
        rf = ctypes.c_void_p()
        err = StError()
        check(lib.st_logreg_rowfile_write(ds.handle, ctypes.byref(p), temp, ctypes.byref(rf),
                                          ctypes.byref(err)), err)
        try:
            ds.close()  # its entries are in the file now
            check(lib.st_logreg_rowfile_train(rf, ctypes.byref(out), ctypes.byref(err)), err)
        finally:
            lib.st_logreg_rowfile_free(rf)

    def _fitted(self, model):
        names, coefs, intercept = model.coefficients()
        self.coef_names_ = names
        self.coef_ = coefs.reshape(1, -1)
        self.intercept_ = np.array([intercept])
        self.n_iter_ = np.array([lib.st_logreg_iterations(model._handle)])
        self.converged_ = bool(lib.st_logreg_converged(model._handle))
        c = StLogregLambdaChoice()
        if lib.st_logreg_lambda_choice_of(model._handle, ctypes.byref(c)):
            self.lambda_ = c.lambda_
            self.lambda_choice_ = {"lambda": c.lambda_, "rule": ("min", "1se")[c.rule],
                                   "lambda_min": c.lambda_min, "lambda_1se": c.lambda_1se,
                                   "cv_deviance": c.cv_deviance, "cv_se": c.cv_se,
                                   "n_lambda": int(c.n_lambda), "n_folds": int(c.n_folds)}
        else:
            # lam None without a choice: text columns, the CLI's default lambda for them
            self.lambda_ = _text.TEXT_LAMBDA if self.lam is None else float(self.lam)
            self.lambda_choice_ = None


_METRICS = {"logloss": 0, "auc": 1, "pr-auc": 2}


class GBDTClassifier(_StratumClassifier):
    """Histogram gradient-boosted trees for binary log loss, grown leaf-wise
    (stratum/gbdt.h; `stratum train gbdt`, docs/train-gbdt.md), with LightGBM's parameter
    names and defaults; where LightGBM's scikit-learn API (LGBMClassifier) or its core
    name differs, it is given in brackets. The parameters are `stratum train gbdt`'s
    options (dashes for underscores; random_state is --seed, n_threads --threads,
    text_cols --text-col): the same options and seed give the same model file.

    num_trees (None): boosting rounds, a whole number from 1 to 100000000 [n_estimators,
        num_iterations]; None (as the CLI's default) chooses it by early stopping (20
        rounds) on 5 held-out stratified folds of the training rows (one from 10,000 rows
        on), then refits on all rows (n_trees_, auto_trees_ say what was chosen); 100 when
        fit gets an eval_set or early_stopping_rounds is set, as the CLI's --valid.
    num_leaves (31): most leaves per tree, 2 to 131072.
    max_depth (-1): deepest tree; <= 0 for no limit.
    learning_rate (0.1): shrinkage of each tree, > 0.
    max_bin (255): most histogram bins per feature besides the missing values' bin, 2 to
        65535.
    min_data_in_leaf (20): fewest rows in a leaf, >= 1 [min_child_samples].
    min_sum_hessian_in_leaf (1e-3): smallest Hessian sum in a leaf, >= 0
        [min_child_weight].
    lambda_l1 (0.0), lambda_l2 (0.0): L1 and L2 penalties on leaf values, >= 0
        [reg_alpha, reg_lambda].
    min_gain_to_split (0.0): smallest gain of a split, >= 0 [min_split_gain].
    feature_fraction (1.0): share of the features drawn for each tree, in (0, 1]
        [colsample_bytree].
    bagging_fraction (1.0): share of the rows drawn (each kept with this probability), in
        (0, 1] [subsample]; bagging_freq (0): redraw them every k trees, 0 = no bagging
        [subsample_freq].
    scale_pos_weight (1.0): extra weight of the positive rows, > 0 (multiplies what
        class_weight gives them).
    class_weight (None): None, 'balanced', a number (positive rows weigh it: the CLI's
        --class-weight W, stored as scale_pos_weight W) or {class: weight} naming classes
        as y holds them (a key that is not a class raises StratumError), as
        LogisticRegression's.
    monotone (None): monotone constraints, one of -1/0/+1 per feature (a list, or a dict
        {feature name: sign}) [monotone_constraints].
    max_cat_to_onehot (4): a categorical feature of at most this many levels is split one
        level against the rest, >= 1.
    max_cat_threshold (32): most levels put on one side of a gradient-sorted categorical
        split, >= 1.
    cat_l2 (10.0): extra L2 penalty in gradient-sorted categorical splits, >= 0.
    cat_smooth (10.0): added to a level's Hessian sum when sorting levels, >= 0.
    min_data_per_group (100): fewest rows per group of levels on each side of a
        categorical split, >= 1.
    max_cat_levels (255): a categorical feature of more levels is split as ordered level
        codes instead; 0 = no limit (stratum's own, not LightGBM's).
    bin_sample_rows (200000): rows sampled to find the bin bounds, > 0
        [bin_construct_sample_cnt].
    early_stopping_rounds (0): with fit(..., eval_set=(X_valid, y_valid)), stop when
        metric has not improved on it for this many trees and keep the trees up to the
        best (best_iteration_, best_score_); 0 = off [early_stopping_round].
    metric ('logloss'): what early stopping watches: 'logloss', 'auc' or 'pr-auc'
        [binary_logloss, auc, average_precision].
    threshold (None): a decision threshold in [0, 1] stored in the model: predict says
        classes_[1] where P >= it (None: where P > 0.5).
    random_state (42): the CLI's --seed (stratum.DEFAULT_SEED; None means 42 too), for
        the bin sample, bagging, feature_fraction and the folds of num_trees=None and of
        recalibrate / threshold_rule; a numpy RandomState draws one [seed].
    n_threads (0): OpenMP threads, 0 = all; never changes the model [n_jobs,
        num_threads].
    text_cols (None): None, or columns of X (a DataFrame) holding str, each featurized as
        the CLI's --text-col (docs/text.md) by a featurizer fitted on the training rows
        and saved in the model, which applies it to the raw texts it scores; its options
        as the CLI's: ngrams ((1, 1); --ngrams), hash_bits (0: a vocabulary), tfidf
        (False), sublinear_tf (True), min_df (2), stop_words (None or 'english').
    recalibrate (None), calibration_folds (5), threshold_rule (None), beta (2.0),
        min_recall (0.9), min_precision (0.5): as LogisticRegression's (the CLI's train
        --recalibrate and --threshold-rule).
    quantized_grad (False), num_grad_quant_bins (4): the split search reads gradients
        rounded to that many levels, the CLI's --quantized-grad and
        --num-grad-quant-bins (docs/train-gbdt.md) [use_quantized_grad].

    Fitted attributes: model_, classes_, n_features_in_, feature_names_in_ (a DataFrame's),
    n_trees_, auto_trees_, best_iteration_, best_score_, feature_importances_ (total split
    gain, summing to 1), threshold_, calibration_, inner_cv_ (docs/python.md)."""
    _family = GBDT

    def __init__(self, num_trees=None, num_leaves=31, max_depth=-1, learning_rate=0.1,
                 max_bin=255, min_data_in_leaf=20, min_sum_hessian_in_leaf=1e-3,
                 lambda_l1=0.0, lambda_l2=0.0, min_gain_to_split=0.0, feature_fraction=1.0,
                 bagging_fraction=1.0, bagging_freq=0, scale_pos_weight=1.0,
                 class_weight=None, monotone=None, max_cat_to_onehot=4,
                 max_cat_threshold=32, cat_l2=10.0, cat_smooth=10.0, min_data_per_group=100,
                 max_cat_levels=255, bin_sample_rows=200000, early_stopping_rounds=0,
                 metric="logloss", threshold=None, random_state=DEFAULT_SEED, n_threads=0,
                 text_cols=None, ngrams=(1, 1), hash_bits=0, tfidf=False, sublinear_tf=True,
                 min_df=2, stop_words=None, recalibrate=None, calibration_folds=5,
                 threshold_rule=None, beta=2.0, min_recall=0.9, min_precision=0.5,
                 quantized_grad=False, num_grad_quant_bins=4):
        self.recalibrate = recalibrate
        self.calibration_folds = calibration_folds
        self.threshold_rule = threshold_rule
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.text_cols = text_cols
        self.ngrams = ngrams
        self.hash_bits = hash_bits
        self.tfidf = tfidf
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.stop_words = stop_words
        self.quantized_grad = quantized_grad
        self.num_grad_quant_bins = num_grad_quant_bins
        self.num_trees = num_trees
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.max_bin = max_bin
        self.min_data_in_leaf = min_data_in_leaf
        self.min_sum_hessian_in_leaf = min_sum_hessian_in_leaf
        self.lambda_l1 = lambda_l1
        self.lambda_l2 = lambda_l2
        self.min_gain_to_split = min_gain_to_split
        self.feature_fraction = feature_fraction
        self.bagging_fraction = bagging_fraction
        self.bagging_freq = bagging_freq
        self.scale_pos_weight = scale_pos_weight
        self.class_weight = class_weight
        self.monotone = monotone
        self.max_cat_to_onehot = max_cat_to_onehot
        self.max_cat_threshold = max_cat_threshold
        self.cat_l2 = cat_l2
        self.cat_smooth = cat_smooth
        self.min_data_per_group = min_data_per_group
        self.max_cat_levels = max_cat_levels
        self.bin_sample_rows = bin_sample_rows
        self.early_stopping_rounds = early_stopping_rounds
        self.metric = metric
        self.threshold = threshold
        self.random_state = random_state
        self.n_threads = n_threads

    def _xfail_checks(self):
        checks = super()._xfail_checks()
        if _whole(self.min_data_in_leaf) and int(self.min_data_in_leaf) * 2 > 20:
            checks["check_classifiers_classes"] = (
                "it trains on 20 rows: with min_data_in_leaf > 10 (the default is 20, "
                "LightGBM's and the CLI's) no split is allowed and every row gets the "
                "same prediction; passes with min_data_in_leaf <= 10")
        return checks

    def _monotone(self, names):
        if self.monotone is None:
            return None
        if isinstance(self.monotone, dict):
            unknown = set(self.monotone) - set(names)
            if unknown:
                raise StratumError(f"monotone names features X does not have: "
                                   f"{sorted(unknown)}")
            m = [int(self.monotone.get(n, 0)) for n in names]
        else:
            m = [int(v) for v in self.monotone]
        if len(m) != len(names):
            raise StratumError(f"monotone has {len(m)} entries, X has {len(names)} features")
        return np.array(m, dtype=np.int8)

    def _params(self, names, seed=None):
        p = lib.st_gbdt_params_default()
        for f in ("num_leaves", "max_depth", "max_bin", "min_data_in_leaf",
                  "bagging_freq", "max_cat_to_onehot", "max_cat_threshold",
                  "min_data_per_group", "max_cat_levels", "bin_sample_rows",
                  "early_stopping_rounds", "n_threads", "num_grad_quant_bins"):
            setattr(p, f, _count(self, f))
        p.quantized_grad = 1 if self.quantized_grad else 0
        for f in ("learning_rate", "min_sum_hessian_in_leaf", "lambda_l1", "lambda_l2",
                  "min_gain_to_split", "feature_fraction", "bagging_fraction",
                  "scale_pos_weight", "cat_l2", "cat_smooth"):
            setattr(p, f, float(getattr(self, f)))
        # None: ST_GBDT_NUM_TREES_AUTO (0), which no number given may become; _train makes
        # it 100 with a validation set. The range is the CLI's --num-trees'.
        nt = self.num_trees
        if nt is not None and not (_whole(nt) and 1 <= nt <= 100000000):
            raise StratumError(f"num_trees={nt!r}: expected a whole number from 1 to "
                               "100000000 (the CLI's --num-trees), or None to choose it by "
                               "early stopping")
        p.num_trees = 0 if nt is None else int(nt)
        # a number w: scale_pos_weight w, as the CLI's --class-weight W sets it (the model
        # of class_weight POSITIVE with positive_weight w, byte for byte: stratum/gbdt.h)
        kind, pw = self._class_weight_c()
        if kind == CLASS_WEIGHT_POSITIVE:
            kind, p.scale_pos_weight = CLASS_WEIGHT_NONE, pw
        p.class_weight = kind
        if self.metric not in _METRICS:
            raise StratumError(f"metric={self.metric!r}: expected 'logloss', 'auc' or "
                               "'pr-auc'")
        p.metric = _METRICS[self.metric]
        p.seed = _seed(self.random_state) if seed is None else seed
        msg = lib.st_gbdt_params_check(ctypes.byref(p))
        if msg:
            raise StratumError(msg.decode())
        return p

    def _fit_params(self, names, eval_set, text, seed):
        """The parameters of the final fit (and of each inner fold's), and the monotone
        array they point into."""
        p = self._params(names, seed)
        mono = None if text else self._monotone(names)
        if mono is not None:
            p.monotone = mono.ctypes.data_as(ctypes.c_void_p)
        if p.num_trees == 0 and (eval_set is not None or self.early_stopping_rounds):
            p.num_trees = 100  # the user's own validation: the CLI's --valid does the same
        if eval_set is None and self.early_stopping_rounds:
            raise StratumError("early_stopping_rounds needs a validation set: "
                               "fit(X, y, eval_set=(X_valid, y_valid))")
        return p, mono

    def _cv_model(self, names, seed, eval_set=None, text=False):
        """st_cv_params of this model for st_cv_post_fit (the CLI's cv_params_of)."""
        p, mono = self._fit_params(names, eval_set, text, seed)
        cp = _interrupt.install(lib.st_cv_params_default())
        cp.family = 1  # ST_CV_GBDT
        cp.gbdt = p
        cp.n_threads = int(self.n_threads)
        return cp, mono

    def _check_post(self, kwargs):
        super()._check_post(kwargs)
        if kwargs.get("eval_set") is not None and self.early_stopping_rounds:
            raise StratumError("recalibrate and threshold_rule fit on an inner "
                               "cross-validation, whose folds cannot share eval_set for "
                               "early stopping (as the CLI's --valid FILE)")

    def _train(self, ds, X, names, eval_set=None, text=False, seed=None):
        p, mono = self._fit_params(names, eval_set, text, seed)
        _interrupt.install(p)
        valid = None
        if eval_set is not None:
            if isinstance(eval_set, list) and len(eval_set) == 1:
                eval_set = eval_set[0]
            Xv, yv = eval_set
            Xv = self._validate_X(Xv, reset=False)
            yv = column_or_1d(yv)
            if not np.isin(yv, self.classes_).all():
                raise StratumError("eval_set's y has labels that are not among y's "
                                   f"classes {self.classes_.tolist()}")
            by_name = is_dataframe(Xv) and self.__dict__.get("feature_names_in_") is not None
            valid = to_dataset(Xv, (yv == self.classes_[1]).astype(np.float32), None,
                               None if by_name else names)
        out = ctypes.c_void_p()
        err = StError()
        try:
            check(lib.st_gbdt_train_ex(ds.handle, valid.handle if valid else None,
                                       ctypes.byref(p), None, ctypes.byref(out),
                                       ctypes.byref(err)), err)
        finally:
            if valid is not None:
                valid.close()
        return Model._wrap(GBDT, out)

    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Trains on X (an array, DataFrame or sparse matrix; NaN is missing) and y (any
        two labels: classes_), with sample_weight (None, or one weight >= 0 per row) as
        row weights; eval_set=(X_valid, y_valid) is the validation set that
        early_stopping_rounds and metric watch (best_iteration_, best_score_). Returns
        self. A failed fit raises StratumError (Ctrl-C: KeyboardInterrupt, within a tree)
        and leaves the estimator as it was."""
        return self._fit_all_or_nothing(X, y, sample_weight, eval_set=eval_set)

    def _fitted(self, model):
        self.feature_importances_ = model.feature_importance("gain")
        total = self.feature_importances_.sum()
        if total > 0:
            self.feature_importances_ = self.feature_importances_ / total
        self.n_trees_ = model.n_trees
        a = StGbdtAutoTreesInfo()
        self.auto_trees_ = None
        if lib.st_gbdt_auto_trees(model._handle, ctypes.byref(a)):
            self.auto_trees_ = {"num_trees": a.num_trees,
                                "best_iterations": list(a.best[:a.n_validations])}
        self.best_iteration_ = lib.st_gbdt_best_iteration(model._handle) or None
        s = lib.st_gbdt_best_score(model._handle, None)
        self.best_score_ = None if np.isnan(s) else float(s)
