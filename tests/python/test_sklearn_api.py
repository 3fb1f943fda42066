#!/usr/bin/env python3
"""stratum's estimators inside scikit-learn: its own estimator checks, Pipeline with
ColumnTransformer, GridSearchCV, cross_val_score, CalibratedClassifierCV, pickle and joblib,
many threads predicting at once, and the logistic regression against scikit-learn's.

    test_sklearn_api.py DATASETS_DIR TMP_DIR"""
import inspect
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import warnings

import joblib
import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import stratum
from harness import case, finish

DATASETS, TMP = sys.argv[1], sys.argv[2]
os.makedirs(TMP, exist_ok=True)


def wdbc():
    df = pd.read_csv(os.path.join(DATASETS, "wdbc.csv"), float_precision="round_trip")
    y = df.pop("label").to_numpy()
    return df.drop(columns=["id"]), y


X_DF, Y = wdbc()
X = X_DF.to_numpy(np.float32)
ESTIMATORS = [stratum.LogisticRegression(), stratum.GBDTClassifier(),
              stratum.GBDTClassifier(min_data_in_leaf=5)]


def run_checks(est):
    """Every check of check_estimator but those the estimator's _xfail_checks tag names
    (check_estimator turns them into SkipTest); returns that tag."""
    xfail = est._get_tags()["_xfail_checks"] or {}
    failed = []
    for e, chk in check_estimator(est, generate_only=True):
        inner = getattr(chk, "func", chk)  # partial(check, name)
        inner = getattr(inner, "__wrapped__", inner)  # an xfail check wrapped to SkipTest
        name = getattr(inner, "func", inner).__name__  # partial(check, readonly_memmap=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chk(e)
        except Exception as ex:  # noqa: BLE001
            if not (type(ex).__name__ == "SkipTest" and name in xfail):
                failed.append(f"{name}: {type(ex).__name__}: {str(ex)[:300]}")
    assert not failed, "\n".join(failed)
    return xfail


@case
def estimator_checks_logreg():
    assert run_checks(ESTIMATORS[0]) == {}


@case
def estimator_checks_gbdt_default():
    # one stated exception: 20 training rows and min_data_in_leaf 20 allow no split
    assert set(run_checks(ESTIMATORS[1])) == {"check_classifiers_classes"}


@case
def estimator_checks_gbdt_small_leaves():
    assert run_checks(ESTIMATORS[2]) == {}


@case
def xfailed_check_really_fails_by_default():
    from sklearn.utils.estimator_checks import check_classifiers_classes
    try:
        check_classifiers_classes("GBDTClassifier", stratum.GBDTClassifier())
    except AssertionError:
        return
    raise AssertionError("check_classifiers_classes passes: drop its xfail")


def mixed_frame():
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({"age": rng.normal(60, 10, n).round(1),
                       "sex": rng.choice(["F", "M"], n),
                       "ward": rng.choice(["icu", "med", "surg"], n)})
    logit = 0.08 * (df.age - 60) + (df.sex == "M") * 0.8 + (df.ward == "icu") * 1.2 - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return df, y


@case
def pipeline_with_column_transformer():
    df, y = mixed_frame()
    for est in (stratum.LogisticRegression(), stratum.GBDTClassifier(num_trees=30)):
        pre = ColumnTransformer([("num", StandardScaler(), ["age"]),
                                 ("cat", OneHotEncoder(), ["sex", "ward"])])
        pipe = Pipeline([("pre", pre), ("clf", est)]).fit(df, y)
        p = pipe.predict_proba(df)[:, 1]
        assert p.shape == (len(df),) and roc_auc_score(y, p) > 0.7, roc_auc_score(y, p)


@case
def grid_search_and_cross_val_score():
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    gs = GridSearchCV(stratum.LogisticRegression(), {"lam": [1e-3, 1e-1], "alpha": [0, 1]},
                      scoring="roc_auc", cv=cv).fit(X, Y)
    assert gs.best_score_ > 0.97, gs.best_score_
    assert set(gs.best_params_) == {"lam", "alpha"}
    s = cross_val_score(stratum.GBDTClassifier(num_trees=50), X_DF, Y, cv=cv,
                        scoring="roc_auc")
    assert s.shape == (5,) and s.mean() > 0.97, s


@case
def calibrated_classifier_cv():
    for est in (stratum.LogisticRegression(lam=0.01), stratum.GBDTClassifier(num_trees=30)):
        cal = CalibratedClassifierCV(est, method="isotonic", cv=3).fit(X, Y)
        p = cal.predict_proba(X)[:, 1]
        assert len(cal.calibrated_classifiers_) == 3
        assert roc_auc_score(Y, p) > 0.97 and np.all((p >= 0) & (p <= 1))


@case
def pickle_and_joblib_round_trips():
    for est in (stratum.LogisticRegression(lam=0.01), stratum.GBDTClassifier(num_trees=40)):
        est.fit(X_DF, Y)
        want = est.predict_proba(X_DF)
        back = pickle.loads(pickle.dumps(est))
        assert np.array_equal(back.predict_proba(X_DF), want)
        path = os.path.join(TMP, "est.joblib")
        joblib.dump(est, path)
        again = joblib.load(path)
        assert np.array_equal(again.predict_proba(X_DF), want)
        assert np.array_equal(again.decision_function(X_DF), est.decision_function(X_DF))
        assert list(again.feature_names_in_) == list(X_DF.columns)


@case
def many_threads_predict_at_once():
    """Models are read-only: 8 Python threads predicting with one model (ctypes releases
    the GIL) give exactly the serial answers."""
    for est in (stratum.LogisticRegression().fit(X, Y), stratum.GBDTClassifier().fit(X, Y)):
        want = est.predict_proba(X)
        rows = [est.predict_proba(X[i:i + 1]) for i in range(40)]
        results, errors = {}, []

        def work(k):
            try:
                for _ in range(20):
                    results[k] = est.predict_proba(X)
                    assert np.array_equal(est.predict_proba(X[k:k + 1]), rows[k])
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        for k in range(8):
            assert np.array_equal(results[k], want)


@case
def one_row_path_equals_batch():
    g = stratum.GBDTClassifier().fit(X, Y)
    batch = g.predict_proba(X[:50])
    one = np.vstack([g.predict_proba(X[i:i + 1]) for i in range(50)])
    assert np.array_equal(batch, one)


@case
def logreg_matches_sklearn():
    """Oracle: scikit-learn's LogisticRegression minimises the same ridge problem with
    C = 1 / (lambda n) (stratum's loss is a mean, sklearn's a sum); unstandardised, so
    both penalise the same coefficients. Tolerance as tests/logreg/logreg_vs_sklearn.py:
    1e-4 relative to the largest coefficient."""
    Xs = StandardScaler().fit_transform(X.astype(np.float64)).astype(np.float32)
    lam = 0.01
    ours = stratum.LogisticRegression(lam=lam, standardize=False).fit(Xs, Y)
    sk = SkLogisticRegression(C=1 / (lam * len(Y)), tol=1e-12, max_iter=10000).fit(
        Xs.astype(np.float64), Y)
    scale = np.abs(sk.coef_).max()
    assert np.abs(ours.coef_ - sk.coef_).max() < 1e-4 * scale, (ours.coef_, sk.coef_)
    assert abs(ours.intercept_[0] - sk.intercept_[0]) < 1e-4 * scale
    assert np.abs(ours.predict_proba(Xs) - sk.predict_proba(Xs)).max() < 1e-4


@case
def labels_any_two_values():
    ys = np.where(Y == 1, "malignant", "benign")
    est = stratum.LogisticRegression().fit(X, ys)
    assert list(est.classes_) == ["benign", "malignant"]
    p = est.predict_proba(X)[:, 1]
    assert np.array_equal(est.predict(X), np.where(p > 0.5, "malignant", "benign"))
    est2 = stratum.LogisticRegression().fit(X, Y)
    assert np.array_equal(est2.predict_proba(X)[:, 1], p)


@case
def fitted_attributes():
    lr = stratum.LogisticRegression().fit(X_DF, Y)
    assert lr.coef_.shape == (1, X.shape[1]) and lr.intercept_.shape == (1,)
    assert lr.n_features_in_ == X.shape[1]
    assert list(lr.feature_names_in_) == list(X_DF.columns)
    # the log-odds are the intercept plus coef . x
    z = lr.intercept_[0] + X.astype(np.float64) @ lr.coef_[0]
    assert np.allclose(lr.decision_function(X_DF), z, atol=1e-8, rtol=1e-8)
    g = stratum.GBDTClassifier(num_trees=20).fit(X_DF, Y)
    assert g.feature_importances_.shape == (X.shape[1],)
    assert abs(g.feature_importances_.sum() - 1) < 1e-12 and g.n_trees_ == 20


@case
def fitted_without_names_predicts_a_frame_by_position():
    # as scikit-learn's estimators: a warning that X has feature names, then its columns by
    # position, whatever their names (the array's predictions, not "no feature 'f0'")
    frame = X_DF.rename(columns=lambda c: c[::-1])  # names the model never saw
    for est in (stratum.LogisticRegression(lam=0.01), stratum.GBDTClassifier(num_trees=20)):
        est.fit(X, Y)
        for method in ("predict_proba", "decision_function", "predict"):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                got = getattr(est, method)(frame)
            assert any("fitted without feature names" in str(m.message) for m in w), method
            assert np.array_equal(got, getattr(est, method)(X)), method
    tr, va = np.arange(len(Y)) % 4 != 0, np.arange(len(Y)) % 4 == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = [stratum.GBDTClassifier(num_trees=50, early_stopping_rounds=5)
                  .fit(X[tr], Y[tr], eval_set=(v, Y[va])).model_.to_bytes()
                  for v in (X[va], frame[va])]
    assert models[0] == models[1]


@case
def early_stopping_with_eval_set():
    tr, va = np.arange(len(Y)) % 4 != 0, np.arange(len(Y)) % 4 == 0
    g = stratum.GBDTClassifier(num_trees=500, early_stopping_rounds=10, metric="auc")
    g.fit(X[tr], Y[tr], eval_set=(X[va], Y[va]))
    assert 0 < g.best_iteration_ == g.n_trees_ < 500
    assert abs(g.best_score_ - roc_auc_score(Y[va], g.predict_proba(X[va])[:, 1])) < 1e-12


@case
def stored_threshold():
    lr = stratum.LogisticRegression(threshold=0.9).fit(X, Y)
    p = lr.predict_proba(X)[:, 1]
    assert np.array_equal(lr.predict(X), (p >= 0.9).astype(int))
    assert lr.model_.threshold == 0.9


@case
def stored_threshold_xfails_one_check():
    """A stored threshold (given, or chosen by threshold_rule) moves predict off the sign of
    decision_function, which stays the log-odds (as scikit-learn's FixedThresholdClassifier
    keeps its estimator's): check_classifiers_train, which asks predict == (decision > 0),
    is marked expected-to-fail then, and really fails; every other check passes."""
    from sklearn.utils.estimator_checks import check_classifiers_train
    for est in (stratum.LogisticRegression(threshold=0.3),
                stratum.GBDTClassifier(threshold=0.3, min_data_in_leaf=5, num_trees=10)):
        assert set(run_checks(est)) == {"check_classifiers_train"}, est
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check_classifiers_train(type(est).__name__, est)
        except AssertionError:
            pass
        else:
            raise AssertionError(f"{est}: check_classifiers_train passes: drop its xfail")
    for est in (stratum.LogisticRegression(threshold_rule="youden"),
                stratum.GBDTClassifier(recalibrate="isotonic", threshold_rule="f1")):
        assert "check_classifiers_train" in est._get_tags()["_xfail_checks"], est
    for est in (stratum.LogisticRegression(recalibrate="platt"), stratum.GBDTClassifier(),
                stratum.LogisticRegression(threshold_rule="fixed")):
        assert "check_classifiers_train" not in est._get_tags()["_xfail_checks"], est
    # what the log-odds are for: ranking scorers and calibration ignore a threshold
    lr = stratum.LogisticRegression(lam=0.01, threshold=0.9).fit(X, Y)
    plain = stratum.LogisticRegression(lam=0.01).fit(X, Y)
    assert np.array_equal(lr.decision_function(X), plain.decision_function(X))
    z = lr.decision_function(X)
    assert np.array_equal(lr.predict(X) == 1, 1 / (1 + np.exp(-z)) >= 0.9)
    assert np.array_equal(plain.predict(X) == 1, z > 0)


@case
def tags_never_raise():
    """scikit-learn reads the tags (_more_tags, _xfail_checks) before fit, inside
    cross_val_score and GridSearchCV's splits, where error_score does not apply yet: a bad
    parameter must be fit's StratumError (error_score), not a TypeError from the tags."""
    for bad in ({"min_data_in_leaf": None}, {"min_data_in_leaf": "20"},
                {"min_data_in_leaf": 10.5}, {"threshold_rule": ["f1"]},
                {"recalibrate": {}}):
        est = stratum.GBDTClassifier(num_trees=5, **bad)
        est._get_tags()
        try:
            cross_val_score(est, X, Y, cv=2, error_score="raise")
        except stratum.StratumError:
            pass
        else:
            raise AssertionError(f"{bad}: no StratumError")
    gs = GridSearchCV(stratum.GBDTClassifier(num_trees=5),
                      {"min_data_in_leaf": [None, 5]}, cv=2, error_score=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gs.fit(X, Y)
    assert gs.best_params_ == {"min_data_in_leaf": 5}


@case
def fit_signatures():
    """fit(X, y, sample_weight=None), and GBDTClassifier's eval_set: a mistyped keyword is
    fit's TypeError (not a private method's), never silently dropped."""
    assert list(inspect.signature(stratum.LogisticRegression.fit).parameters) == [
        "self", "X", "y", "sample_weight"]
    assert list(inspect.signature(stratum.GBDTClassifier.fit).parameters) == [
        "self", "X", "y", "sample_weight", "eval_set"]
    w = np.ones(len(Y))
    for est in (stratum.LogisticRegression(), stratum.GBDTClassifier(num_trees=5)):
        for kw in ({"sample_weights": w}, {"eval_sets": (X, Y)}):
            try:
                est.fit(X, Y, **kw)
            except TypeError as e:
                assert f"{type(est).__name__}.fit() got an unexpected keyword" in str(e), e
            else:
                raise AssertionError(f"{est}.fit accepted {list(kw)}")
    try:
        stratum.LogisticRegression().fit(X, Y, eval_set=(X, Y))
    except TypeError as e:
        assert "LogisticRegression.fit() got an unexpected keyword argument 'eval_set'" in \
            str(e), e
    else:
        raise AssertionError("LogisticRegression.fit took eval_set")


@case
def docstrings():
    """help() documents every constructor parameter of both estimators and the public
    functions; GBDTClassifier's names LightGBM's scikit-learn names where they differ."""
    for cls in (stratum.LogisticRegression, stratum.GBDTClassifier):
        doc = cls.__doc__
        missing = [p for p in inspect.signature(cls).parameters if p not in doc]
        assert not missing, (cls.__name__, missing)
        assert cls.fit.__doc__ and "sample_weight" in cls.fit.__doc__, cls.__name__
    for lgbm in ("min_child_samples", "reg_alpha", "reg_lambda", "colsample_bytree",
                 "subsample", "bin_construct_sample_cnt", "n_estimators"):
        assert f"[{lgbm}" in stratum.GBDTClassifier.__doc__ or \
            f" {lgbm}]" in stratum.GBDTClassifier.__doc__, lgbm
    for name in stratum.__all__:
        obj = getattr(stratum, name)
        if callable(obj):
            assert obj.__doc__, name
    assert stratum.version() in ("0.1.0",) or stratum.version().count(".") == 2


# Ctrl-C: a child process fits, each phase announced on stdout; the parent sends SIGINT
# 0.3 s into it and times how long the KeyboardInterrupt takes. Each fit would run
# for minutes (100,000 trees; a lambda path of 200,000 rows takes 5 s on the 2-core machine)
INTERRUPTED = r"""
import signal
import numpy as np
import stratum
signal.signal(signal.SIGINT, signal.default_int_handler)  # a background child may ignore it
rng = np.random.default_rng(0)
X = rng.normal(size=(20000, 10)).astype(np.float32)
y = (X[:, 0] + rng.normal(size=len(X)) > 0).astype(int)
Xl = rng.normal(size=(200000, 30)).astype(np.float32)
yl = (Xl[:, 0] + rng.normal(size=len(Xl)) > 0).astype(int)
G, L = stratum.GBDTClassifier, stratum.LogisticRegression
phases = {
    "gbdt": lambda: G(num_trees=100000, n_threads=1).fit(X, y),
    "gbdt_auto_trees": lambda: G(learning_rate=1e-4, n_threads=2).fit(X[:5000], y[:5000]),
    "gbdt_eval_set": lambda: G(num_trees=100000, early_stopping_rounds=100000,
                               n_threads=1).fit(X, y, eval_set=(X[:500], y[:500])),
    "gbdt_recalibrate": lambda: G(num_trees=100000, recalibrate="platt",
                                  n_threads=1).fit(X, y),
    "logreg_auto_lambda": lambda: L(n_threads=1).fit(Xl, yl),
    "cv": lambda: stratum.cv(X, y, G(num_trees=100000), folds=2, n_threads=1),
    "compare": lambda: stratum.compare(X, y, family="gbdt", weights=["none"], folds=2,
                                       gbdt=G(num_trees=100000), n_threads=1),
    "tune": lambda: stratum.tune(X, y, G(num_trees=100000), trials=2, folds=2,
                                 n_threads=1),
    "cv_path": lambda: stratum.cv_path(Xl, yl, folds=2, n_threads=1),
}
for name, fn in phases.items():
    print("go", name, flush=True)
    try:
        fn()
        print("finished", name, flush=True)
    except KeyboardInterrupt as e:
        assert e.__cause__ is None and e.__suppress_context__, name
        print("interrupted", name, flush=True)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, name
# after them, fits are not stopped by the signals that stopped those
assert G(num_trees=20, n_threads=1).fit(X, y).n_trees_ == 20
"""


@case
def keyboard_interrupt_stops_a_fit():
    script = os.path.join(TMP, "interrupted.py")
    with open(script, "w") as f:
        f.write(INTERRUPTED)
    proc = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, text=True)
    took, sent, watchdog = {}, None, None
    try:
        for line in proc.stdout:
            word, name = line.split()
            if word == "go":
                time.sleep(0.3)  # into the library's work
                sent = time.monotonic()
                proc.send_signal(signal.SIGINT)
                # a fit the signal does not stop would run for minutes: end it
                watchdog = threading.Timer(10, proc.kill)
                watchdog.start()
            else:
                watchdog.cancel()
                took[name] = (word, round(time.monotonic() - sent, 2))
        assert proc.wait(timeout=60) == 0, (proc.returncode, took)
    finally:
        if watchdog is not None:
            watchdog.cancel()
        proc.kill()
        proc.wait()
    names = ["gbdt", "gbdt_auto_trees", "gbdt_eval_set", "gbdt_recalibrate",
             "logreg_auto_lambda", "cv", "compare", "tune", "cv_path"]
    print("     seconds from SIGINT to KeyboardInterrupt:", {k: v[1] for k, v in took.items()})
    assert list(took) == names, took
    for name in names:  # within a tree or solver iteration: well under a second
        assert took[name][0] == "interrupted" and took[name][1] < 1.5, (name, took)


@case
def interrupt_callback_on_the_calling_thread_only():
    """should_stop is installed for fits on the main thread, is called there (between
    trees, solver iterations, folds), and leaves the SIGINT handler as it found it; fits
    on other threads (GridSearchCV's, threads of one's own) install nothing and give the
    same models, byte for byte."""
    from stratum import _interrupt
    calls = []
    ask = _interrupt.interruptible._ask

    def spy(self, data):
        calls.append(threading.get_ident())
        return ask(self, data)
    _interrupt.interruptible._ask = spy
    try:
        handler = signal.getsignal(signal.SIGINT)
        makes = (lambda: stratum.GBDTClassifier(num_trees=20),
                 lambda: stratum.GBDTClassifier(),
                 lambda: stratum.LogisticRegression(),
                 lambda: stratum.LogisticRegression(lam=0.1, recalibrate="platt"))
        main = [m().fit(X, Y).model_.to_bytes() for m in makes]
        assert calls and set(calls) == {threading.get_ident()}, len(calls)
        assert signal.getsignal(signal.SIGINT) is handler
        calls.clear()
        out, errors = {}, []

        def work(k):
            try:
                out[k] = makes[k]().fit(X, Y).model_.to_bytes()
            except Exception as e:  # noqa: BLE001
                errors.append(e)
        threads = [threading.Thread(target=work, args=(k,)) for k in range(len(makes))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert [out[k] for k in range(len(makes))] == main
        assert not calls, len(calls)
        # SIGINT ignored: left ignored, nothing installed
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            assert makes[0]().fit(X, Y).model_.to_bytes() == main[0] and not calls
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        finally:
            signal.signal(signal.SIGINT, previous)
    finally:
        _interrupt.interruptible._ask = ask
    # a program's own SIGINT handler that does not raise (noting a shutdown, say) is called
    # during the fit and lets it finish: the same model, the handler back in place
    seen = []  # whether a fit was running when the handler was called
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(
        getattr(_interrupt._local, "active", None) is not None))
    rng = np.random.default_rng(0)
    Xb = rng.normal(size=(20000, 10)).astype(np.float32)
    yb = (Xb[:, 0] + rng.normal(size=len(Xb)) > 0).astype(int)
    try:
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        g = stratum.GBDTClassifier(num_trees=600, n_threads=1).fit(Xb, yb)  # about 1 s
        timer.join()
        assert seen == [True] and g.n_trees_ == 600, seen
        assert g.model_.to_bytes() == stratum.GBDTClassifier(num_trees=600).fit(Xb, yb) \
            .model_.to_bytes()
    finally:
        signal.signal(signal.SIGINT, previous)
    gs = GridSearchCV(stratum.GBDTClassifier(num_trees=10), {"num_leaves": [4, 8]}, cv=2,
                      n_jobs=2)
    import joblib as jl
    with jl.parallel_backend("threading", n_jobs=2):
        gs.fit(X, Y)
    assert gs.best_score_ > 0.9


finish()
