#!/usr/bin/env python3
"""The estimators' calibration and threshold options (recalibrate, calibration_folds,
threshold_rule, beta, min_recall, min_precision) against the CLI's `stratum train
--recalibrate ... --threshold-rule ...` on shipped datasets (wdbc, hepatitis, thyroid_sick;
both families): byte-identical model files (cmp), the inner out-of-fold predictions of
`--oof` bit for bit, predict_proba and predict equal to `stratum predict` on that file.
The map and the rule checked against scikit-learn (IsotonicRegression, Platt's fit of
CalibratedClassifierCV, precision_recall_curve, roc_curve); bad values raise StratumError.

    test_calibration.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import filecmp
import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, precision_recall_curve, roc_curve

import stratum
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)
NA = ["", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A",
      "<NA>"]  # the library's default missing texts (stratum/dataset.h)


def read(name):
    """The dataset as the CLI reads it: text columns categorical, the id column ignored."""
    path = os.path.join(DATASETS, name)
    df = pd.read_csv(path, keep_default_na=False, na_values=NA, float_precision="round_trip")
    y = df.pop("label").to_numpy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("category")
    ignore = ["--ignore", "id"] if "id" in df.columns else []
    return path, df.drop(columns=["id"], errors="ignore"), y, ignore


WDBC, HEPATITIS, THYROID = read("wdbc.csv"), read("hepatitis.csv"), read("thyroid_sick.csv")
LR, GB = stratum.LogisticRegression, stratum.GBDTClassifier

# (data, family, estimator, the CLI's options)
CASES = [
    (WDBC, "logreg", LR(lam=0.01, recalibrate="platt", threshold_rule="f1"),
     ["--lambda", "0.01", "--recalibrate", "platt", "--threshold-rule", "f1"]),
    (WDBC, "gbdt", GB(num_trees=30, recalibrate="isotonic", threshold_rule="min_recall",
                      min_recall=0.95, random_state=3),
     ["--num-trees", "30", "--recalibrate", "isotonic", "--threshold-rule", "min-recall",
      "--min-recall", "0.95", "--seed", "3"]),
    # lambda and the number of trees chosen inside each inner fold, as the CLI's defaults
    (HEPATITIS, "logreg", LR(recalibrate="isotonic", calibration_folds=3,
                             threshold_rule="youden", class_weight="balanced"),
     ["--recalibrate", "isotonic", "--calibration-folds", "3", "--threshold-rule",
      "youden", "--class-weight", "balanced"]),
    (HEPATITIS, "gbdt", GB(min_data_in_leaf=5, recalibrate="platt", threshold_rule="fbeta",
                           beta=3.0),
     ["--min-data-in-leaf", "5", "--recalibrate", "platt", "--threshold-rule", "fbeta",
      "--beta", "3"]),
    (THYROID, "logreg", LR(lam=0.001, threshold_rule="min_precision", min_precision=0.6,
                           calibration_folds=4),
     ["--lambda", "0.001", "--threshold-rule", "min-precision", "--min-precision", "0.6",
      "--calibration-folds", "4"]),
    (THYROID, "gbdt", GB(num_trees=40, class_weight=3, recalibrate="platt", threshold=0.4),
     ["--num-trees", "40", "--class-weight", "3", "--recalibrate", "platt", "--threshold",
      "0.4"]),
]


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, f"stratum {' '.join(args)}: {r.stderr}"
    return r


def fitted(i):
    """Case i trained both ways once: (estimator, the CLI's model path, its --oof)."""
    if i not in _fitted:
        (path, X, y, ignore), kind, est, opts = CASES[i]
        cli_model = os.path.join(TMP, f"cli_{i}.model")
        oof = os.path.join(TMP, f"cli_{i}_oof.csv")
        cli("train", kind, path, *ignore, "-o", cli_model, "-q", "--oof", oof, *opts)
        _fitted[i] = (est.fit(X, y), cli_model, pd.read_csv(oof, float_precision="round_trip"))
    return _fitted[i]


_fitted = {}


@case
def same_options_same_model_file():
    for i, (_, kind, _, opts) in enumerate(CASES):
        est, cli_model, _ = fitted(i)
        py_model = os.path.join(TMP, f"py_{i}.model")
        est.save(py_model)
        assert filecmp.cmp(cli_model, py_model, shallow=False), f"case {i}: {kind} {opts}"


@case
def same_inner_cross_validation():
    # the inner folds and out-of-fold probabilities of `--oof`, bit for bit
    for i in range(len(CASES)):
        est, _, oof = fitted(i)
        ic = est.inner_cv_
        assert ic["n_rows"] == len(oof) and ic["n_folds"] == est.calibration_folds, i
        assert np.array_equal(ic["fold"], oof["fold"].to_numpy()), i
        assert np.array_equal(ic["p_raw"], oof["p_raw"].to_numpy()), i
        assert np.array_equal(ic["p"], oof["p"].to_numpy()), i
        assert set(ic["fold"]) == set(range(1, est.calibration_folds + 1)), i


@case
def predictions_are_the_cli_predict_of_that_file():
    for i, ((path, X, y, _), _, _, _) in enumerate(CASES):
        est, cli_model, _ = fitted(i)
        out = os.path.join(TMP, f"pred_{i}.csv")
        cli("predict", cli_model, path, "-o", out, "-q")
        want = pd.read_csv(out, float_precision="round_trip")
        p = est.predict_proba(X)[:, 1]
        assert np.array_equal(p, want["p"].to_numpy()), i
        # calibrated: the map applied to the trees' own probability (their raw score F(x),
        # which the TreeSHAP contributions sum to: the map is not in them)
        cal = est.calibration_
        if cal is not None and est.__class__ is GB:
            raw = est.model_.explain(X).sum(axis=1)
            if cal["method"] == "platt":  # logit(sigmoid(F)) = F
                mapped = 1 / (1 + np.exp(-(cal["a"] * raw + cal["b"])))
            else:  # linear between breakpoints, clipped outside
                mapped = np.interp(1 / (1 + np.exp(-raw)), cal["x"], cal["y"])
            assert np.allclose(p, mapped, rtol=0, atol=1e-9), (i, np.abs(p - mapped).max())
        # predict labels rows by the stored threshold, as the CLI's predicted_label column
        assert est.threshold_ is not None and est.model_.threshold == est.threshold_, i
        labels = est.predict(X)
        assert np.array_equal(labels, est.classes_[want["predicted_label"].to_numpy()]), i
        assert np.array_equal(labels, est.classes_[(p >= est.threshold_).astype(int)]), i


@case
def text_columns_same_model_file():
    # featurizers fitted on all the rows before the inner folds, as the CLI's --text-col
    data = os.path.join(TMP, "abstracts300.csv")
    pd.read_csv(os.path.join(DATASETS, "medical_abstracts.csv")).iloc[:300].to_csv(
        data, index=False)
    X = pd.read_csv(data)
    y = X.pop("label").to_numpy()
    X = X.drop(columns=["id"])
    for kind, est, opts in (
            ("logreg", LR(text_cols=["abstract"], lam=1e-3, recalibrate="platt",
                          threshold_rule="f1"),
             ["--lambda", "0.001", "--recalibrate", "platt", "--threshold-rule", "f1"]),
            ("gbdt", GB(text_cols=["abstract"], num_trees=20, recalibrate="isotonic",
                        calibration_folds=3),
             ["--num-trees", "20", "--recalibrate", "isotonic", "--calibration-folds", "3"])):
        cli_model = os.path.join(TMP, f"text_cli_{kind}.model")
        py_model = os.path.join(TMP, f"text_py_{kind}.model")
        cli("train", kind, data, "--ignore", "id", "--text-col", "abstract", "-o", cli_model,
            "-q", *opts)
        est.fit(X, y).save(py_model)
        assert est.calibration_ is not None, kind
        assert filecmp.cmp(cli_model, py_model, shallow=False), kind


@case
def row_weights_same_model_file():
    # sample_weight is the CLI's --weight-col: the inner models and the map both see it
    path, X, y, _ = HEPATITIS
    w = 0.5 + (np.arange(len(y)) % 4)
    data = os.path.join(TMP, "hepatitis_w.csv")
    X.assign(w=w, label=y).to_csv(data, index=False)
    for kind, est, opts in (
            ("logreg", LR(lam=0.02, recalibrate="platt", threshold_rule="youden"),
             ["--lambda", "0.02", "--recalibrate", "platt", "--threshold-rule", "youden"]),
            ("gbdt", GB(num_trees=20, min_data_in_leaf=5, recalibrate="isotonic",
                        threshold_rule="min_recall"),
             ["--num-trees", "20", "--min-data-in-leaf", "5", "--recalibrate", "isotonic",
              "--threshold-rule", "min-recall"])):
        cli_model = os.path.join(TMP, f"w_cli_{kind}.model")
        py_model = os.path.join(TMP, f"w_py_{kind}.model")
        cli("train", kind, data, "--weight-col", "w", "-o", cli_model, "-q", *opts)
        est.fit(X, y, sample_weight=w).save(py_model)
        assert filecmp.cmp(cli_model, py_model, shallow=False), kind
        unweighted = os.path.join(TMP, f"w_none_{kind}.model")
        clone(est).fit(X, y).save(unweighted)
        assert not filecmp.cmp(unweighted, py_model, shallow=False), kind


@case
def platt_map_is_the_minimum():
    """Platt's a, b on the out-of-fold probabilities minimise the log loss against Platt's
    smoothed targets (stratum/calibration.h): the hand-derived gradient is 0 there, and
    scikit-learn's own fit (_sigmoid_calibration, CalibratedClassifierCV's sigmoid:
    p' = 1 / (1 + exp(A f + B)), a = -A, b = -B) does no better; its BFGS stops short on
    wdbc's well-separated predictions (a 1.04 for the minimum's 1.25)."""
    eps = np.finfo(float).eps
    for i in range(len(CASES)):
        est, _, _ = fitted(i)
        cal = est.calibration_
        if cal is None or cal["method"] != "platt":
            continue
        ic = est.inner_cv_
        y01 = (CASES[i][0][2] == est.classes_[1]).astype(float)
        q = np.clip(ic["p_raw"], eps, 1 - eps)
        f = np.log(q / (1 - q))
        n1, n0 = y01.sum(), len(y01) - y01.sum()
        t = np.where(y01 == 1, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))

        def loss(a, b):
            z = a * f + b
            return np.sum(np.logaddexp(0, z) - t * z)

        r = 1 / (1 + np.exp(-(cal["a"] * f + cal["b"]))) - t
        grad = np.array([np.sum(r * f), np.sum(r)])
        assert np.abs(grad).max() < 1e-8 * len(f), (i, grad)
        A, B = _sigmoid_calibration(f, y01)
        assert loss(cal["a"], cal["b"]) <= loss(-A, -B) + 1e-9, (i, cal, -A, -B)
        mapped = 1 / (1 + np.exp(-(cal["a"] * f + cal["b"])))
        assert np.allclose(ic["p"], mapped, rtol=0, atol=1e-12), i


@case
def isotonic_map_is_scikit_learns():
    for i in range(len(CASES)):
        est, _, _ = fitted(i)
        cal = est.calibration_
        if cal is None or cal["method"] != "isotonic":
            continue
        ic = est.inner_cv_
        y01 = (CASES[i][0][2] == est.classes_[1]).astype(float)
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
        want = iso.fit(ic["p_raw"], y01).predict(ic["p_raw"])
        assert np.allclose(ic["p"], want, rtol=0, atol=1e-12), i
        assert np.all(np.diff(cal["x"]) > 0) and np.all(np.diff(cal["y"]) >= 0), i


@case
def threshold_rules_are_scikit_learns():
    """The rule's threshold on the calibrated out-of-fold probabilities: the best F1,
    F-beta or Youden's J over every cut, or the bound on recall or precision, from
    scikit-learn's curves; the metrics before and after the map from its Brier score."""
    for i in range(len(CASES)):
        est, _, _ = fitted(i)
        ic = est.inner_cv_
        y01 = (CASES[i][0][2] == est.classes_[1]).astype(int)
        p, t = ic["p"], est.threshold_
        assert ic["threshold"] == t and ic["rule"] == (est.threshold_rule or "fixed"), i
        assert abs(ic["before"]["brier"] - brier_score_loss(y01, ic["p_raw"])) < 1e-12, i
        assert abs(ic["after"]["brier"] - brier_score_loss(y01, p)) < 1e-12, i
        prec, rec, cuts = precision_recall_curve(y01, p)
        prec, rec = prec[:-1], rec[:-1]  # one value per cut, p >= cut
        rule = ic["rule"]
        if rule in ("f1", "fbeta"):
            b2 = 1.0 if rule == "f1" else est.beta ** 2
            assert ic["rule_param"] == (None if rule == "f1" else est.beta), i
            with np.errstate(invalid="ignore"):
                f = np.nan_to_num((1 + b2) * prec * rec / (b2 * prec + rec))
            mine = f[np.searchsorted(cuts, t)]
            assert t in cuts and abs(mine - f.max()) < 1e-12, (i, mine, f.max())
        elif rule == "youden":
            fpr, tpr, roc_cuts = roc_curve(y01, p, drop_intermediate=False)
            j = tpr - fpr
            assert t in roc_cuts and abs(j[list(roc_cuts).index(t)] - j.max()) < 1e-12, i
        elif rule == "min_recall":  # the highest cut keeping recall >= the bound
            assert t == cuts[rec >= est.min_recall].max(), i
            assert ic["after"]["recall"] >= est.min_recall and ic["rule_param"] == \
                est.min_recall, i
        elif rule == "min_precision":  # the lowest cut with precision >= the bound
            assert t == cuts[prec >= est.min_precision].min(), i
            assert ic["after"]["precision"] >= est.min_precision, i
        else:  # given: stored as it is
            assert t == est.threshold and ic["rule_param"] is None, i


@case
def without_options_nothing_changes():
    path, X, y, ignore = WDBC
    lr = LR(lam=0.01).fit(X, y)
    assert lr.calibration_ is None and lr.inner_cv_ is None and lr.threshold_ is None
    lr = LR(lam=0.01, threshold=0.3).fit(X, y)
    assert lr.threshold_ == 0.3 and lr.inner_cv_ is None
    # threshold_rule 'fixed' is the CLI's 'fixed': no rule; recalibrate 'none' no map
    g = GB(num_trees=5, threshold_rule="fixed", recalibrate="none").fit(X, y)
    assert g.calibration_ is None and g.inner_cv_ is None and g.threshold_ is None
    # a threshold rule alone: the out-of-fold probabilities unchanged, no map in the model
    g = GB(num_trees=5, threshold_rule="youden").fit(X, y)
    assert g.calibration_ is None and np.array_equal(g.inner_cv_["p"], g.inner_cv_["p_raw"])


@case
def decision_function_is_the_calibrated_log_odds():
    # with a map, decision_function is logit(predict_proba) (scipy's logit the oracle),
    # finite where P is exactly 0 or 1 (isotonic's ends): scikit-learn's roc_auc scorer,
    # which calls it first, then gives predict_proba's AUC on every fold, not NaN
    from scipy.special import logit
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    path, X, y, ignore = WDBC
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    for est in (LR(lam=0.01, recalibrate="isotonic"), LR(lam=0.01, recalibrate="platt"),
                GB(num_trees=30, recalibrate="isotonic"), GB(num_trees=30, recalibrate="platt")):
        what = f"{type(est).__name__} {est.recalibrate}"
        m = clone(est).fit(X, y)
        p, d = m.predict_proba(X)[:, 1], m.decision_function(X)
        assert np.isfinite(d).all(), what
        inside = (p > 0) & (p < 1)
        assert np.allclose(d[inside], logit(p[inside]), rtol=1e-13, atol=0), what
        if est.recalibrate == "isotonic":
            assert (p == 0).any() and (p == 1).any(), what  # the ends this case is about
        # the same order as p, ties kept: sorted by p, d never decreases and changes
        # exactly where p does
        o = np.argsort(p, kind="stable")
        assert (np.diff(d[o]) >= 0).all(), what
        assert np.array_equal(np.diff(d[o]) > 0, np.diff(p[o]) > 0), what
        assert np.array_equal(m.predict(X), m.classes_[(d > 0).astype(int)]), what
        scores = cross_val_score(clone(est), X, y, cv=cv, scoring="roc_auc")
        want = [roc_auc_score(y[te], clone(est).fit(X.iloc[tr], y[tr])
                              .predict_proba(X.iloc[te])[:, 1])
                for tr, te in cv.split(X, y)]
        assert np.array_equal(scores, want), (what, scores, want)


@case
def params_clone_pickle():
    est = LR(lam=0.01, recalibrate="isotonic", calibration_folds=4, threshold_rule="fbeta",
             beta=0.5, min_recall=0.8, min_precision=0.7)
    params = est.get_params()
    for k, v in (("recalibrate", "isotonic"), ("calibration_folds", 4),
                 ("threshold_rule", "fbeta"), ("beta", 0.5), ("min_recall", 0.8),
                 ("min_precision", 0.7)):
        assert params[k] == v, k
    defaults = GB().get_params()
    assert (defaults["recalibrate"], defaults["calibration_folds"], defaults["threshold_rule"],
            defaults["beta"], defaults["min_recall"], defaults["min_precision"]) == \
        (None, 5, None, 2.0, 0.9, 0.5)  # the CLI's defaults
    c = clone(est)
    assert c.get_params() == params
    _, X, y, _ = WDBC
    c.set_params(recalibrate="platt", threshold_rule=None).fit(X, y)
    assert c.calibration_["method"] == "platt" and c.threshold_ is None
    assert c.inner_cv_["n_folds"] == 4 and c.inner_cv_["threshold"] is None
    # a different seed: other inner folds
    d = clone(c).set_params(random_state=7).fit(X, y)
    assert not np.array_equal(d.inner_cv_["fold"], c.inner_cv_["fold"])
    # a numpy RandomState seeds the inner folds and the model with one draw, as --seed
    rs = clone(c).set_params(random_state=np.random.RandomState(0)).fit(X, y)
    seed = np.random.RandomState(0).randint(0, 2**31 - 1)
    e = clone(c).set_params(random_state=int(seed)).fit(X, y)
    assert np.array_equal(rs.inner_cv_["fold"], e.inner_cv_["fold"])
    a, b = os.path.join(TMP, "rs.model"), os.path.join(TMP, "seed.model")
    rs.save(a), e.save(b)
    assert filecmp.cmp(a, b, shallow=False)
    back = pickle.loads(pickle.dumps(fitted(1)[0]))
    X1 = CASES[1][0][1]
    assert np.array_equal(back.predict_proba(X1), fitted(1)[0].predict_proba(X1))
    assert back.threshold_ == fitted(1)[0].threshold_
    assert np.array_equal(back.calibration_["x"], fitted(1)[0].calibration_["x"])


@case
def scikit_learn_checks_with_the_options():
    """check_estimator with an inner cross-validation in every fit; two checks marked
    expected-to-fail with a reason (_xfail_checks): zero weights are not removed rows
    (the inner folds are drawn over all rows), and a class_weight dict with a negative
    weight other than 1 raises (bad_values_raise); with a threshold rule a third:
    check_classifiers_train, as predict cuts at the chosen threshold, not at
    decision_function 0 (test_sklearn_api.py, stored_threshold_xfails_one_check)."""
    import warnings
    from sklearn.utils.estimator_checks import check_estimator
    inner = {"check_sample_weights_invariance", "check_class_weight_classifiers"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for est, marked in ((LR(recalibrate="platt", threshold_rule="f1"),
                             inner | {"check_classifiers_train"}),
                            (GB(num_trees=10, min_data_in_leaf=5, recalibrate="isotonic",
                                calibration_folds=3), inner)):
            check_estimator(est)
            assert set(est._more_tags()["_xfail_checks"]) == marked, est
    assert LR()._more_tags()["_xfail_checks"] == {}


@case
def bad_values_raise():
    _, X, y, _ = HEPATITIS
    bad = [
        (LR(recalibrate="sigmoid"), "recalibrate='sigmoid': expected None, 'platt' or "
                                    "'isotonic'"),
        (GB(recalibrate=1), "recalibrate=1"),
        (LR(threshold_rule="max"), "threshold_rule='max': expected None, 'f1'"),
        (GB(threshold_rule=["f1"]), "threshold_rule=['f1']"),
        (LR(recalibrate="platt", calibration_folds=1),
         "calibration_folds=1: expected a whole number from 2 to 1000"),
        (GB(recalibrate="platt", calibration_folds=2.5), "calibration_folds=2.5"),
        (LR(threshold_rule="fbeta", beta=0), "beta=0: expected a number > 0"),
        (LR(threshold_rule="min_recall", min_recall=1.5),
         "min_recall=1.5: expected a number from 0 to 1"),
        (GB(threshold_rule="min_precision", min_precision="x"), "min_precision='x'"),
        (LR(threshold_rule="f1", threshold=0.3),
         "threshold=0.3 and threshold_rule='f1' exclude each other"),
        (LR(recalibrate="platt", threshold=1.5), "threshold=1.5: expected a number from 0 "
                                                 "to 1"),
        (LR(lam=0.1, recalibrate="platt", out_of_core=True),
         "out_of_core=True fits one model from a file"),
        (LR(recalibrate="isotonic", class_weight={0: 2.0, 1: 3.0}),
         "a negative class weight other than 1 becomes row weights"),
        # more inner folds than rows: the library's message, naming the argument as the
        # package spells it (the CLI says --calibration-folds)
        (LR(recalibrate="platt", calibration_folds=1000),
         "inner cross-validation (calibration_folds=1000): folds: 155 rows cannot make "
         "1000 folds"),
    ]
    for est, text in bad:
        raises(lambda: est.fit(X, y), stratum.StratumError, text)
        assert getattr(est, "model_", None) is None
    raises(lambda: GB(num_trees=10, early_stopping_rounds=3, recalibrate="platt")
           .fit(X, y, eval_set=(X, y)), stratum.StratumError,
           "cannot share eval_set for early stopping")
    # a rule no cut meets: the library's ST_ERR_DATA
    raises(lambda: GB(num_trees=1, num_leaves=2, threshold_rule="min_precision",
                      min_precision=1.0).fit(X, y), stratum.StratumError,
           "no threshold meets the rule")


finish()
