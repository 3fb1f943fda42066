#!/usr/bin/env python3
"""Models shared between stratum's Python package and its CLI, on datasets/wdbc.csv: the
same options and seed give byte-identical model files (cmp), each side reads the other's
files and predicts the same probabilities, bit for bit. stratum.evaluate against
scikit-learn's metrics; stratum.explain against hand-derived contributions.

    test_cli_models.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import filecmp
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import (average_precision_score, brier_score_loss, f1_score, log_loss,
                             precision_score, recall_score, roc_auc_score)

import stratum
from harness import case, finish

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)
WDBC = os.path.join(DATASETS, "wdbc.csv")
DF = pd.read_csv(WDBC, float_precision="round_trip")
Y = DF.pop("label").to_numpy()
X_DF = DF.drop(columns=["id"])

CASES = [
    ("logreg", stratum.LogisticRegression(), []),
    ("logreg", stratum.LogisticRegression(lam=0.01, alpha=0.5, class_weight="balanced",
                                          impute="median", threshold=0.3),
     ["--lambda", "0.01", "--alpha", "0.5", "--class-weight", "balanced", "--impute",
      "median", "--threshold", "0.3"]),
    ("logreg", stratum.LogisticRegression(lam=0.001, alpha=1, class_weight=4,
                                          standardize=False, max_iter=200),
     ["--lambda", "0.001", "--alpha", "1", "--class-weight", "4", "--no-standardize",
      "--max-iter", "200"]),
    ("logreg", stratum.LogisticRegression(lambda_rule="1se", random_state=3, alpha=1),
     ["--lambda-rule", "1se", "--seed", "3", "--alpha", "1"]),
    ("gbdt", stratum.GBDTClassifier(), []),
    ("gbdt", stratum.GBDTClassifier(random_state=5, learning_rate=0.3),
     ["--seed", "5", "--learning-rate", "0.3"]),
    ("gbdt", stratum.GBDTClassifier(num_trees=60, num_leaves=15, learning_rate=0.05,
                                    bagging_fraction=0.7, bagging_freq=1,
                                    feature_fraction=0.6, lambda_l2=1.0, random_state=7,
                                    class_weight=3, max_bin=63, threshold=0.6),
     ["--num-trees", "60", "--num-leaves", "15", "--learning-rate", "0.05",
      "--bagging-fraction", "0.7", "--bagging-freq", "1", "--feature-fraction", "0.6",
      "--lambda-l2", "1", "--seed", "7", "--class-weight", "3", "--max-bin", "63",
      "--threshold", "0.6"]),
    ("gbdt", stratum.GBDTClassifier(class_weight="balanced", min_data_in_leaf=5,
                                    monotone={"radius_mean": 1, "texture_mean": -1}),
     ["--class-weight", "balanced", "--min-data-in-leaf", "5", "--monotone",
      "radius_mean:+1,texture_mean:-1"]),
    ("gbdt", stratum.GBDTClassifier(num_trees=40, quantized_grad=True, num_grad_quant_bins=8),
     ["--num-trees", "40", "--quantized-grad", "--num-grad-quant-bins", "8"]),
]


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, f"stratum {' '.join(args)}: {r.stderr}"
    return r.stdout


def cli_probabilities(model, data):
    out = os.path.join(TMP, "pred.csv")
    cli("predict", model, data, "-o", out, "-q")
    return pd.read_csv(out, float_precision="round_trip")["p"].to_numpy()


@case
def label_rule_as_the_cli():
    # st_label_is_positive: the default rule (1/true/yes, numbers by value, any case) and a
    # named positive (numbers by value, texts exactly), as the CLI reads labels
    L = stratum.label_is_positive
    assert L("1") and L(" 1.0 ") and L("TRUE") and L("Yes") and L(1)
    assert not (L("0") or L("-1") or L("2") or L("died") or L(None))
    assert L("0", "0.0") and L("1e0", 1) and not L("1", "0")
    assert L("died", "died") and not L("Died", "died") and L("passed away", "passed away")


@case
def same_options_same_model_file():
    for i, (kind, est, opts) in enumerate(CASES):
        cli_path = os.path.join(TMP, f"cli_{i}.model")
        cli("train", kind, WDBC, "--ignore", "id", "-o", cli_path, "-q", *opts)
        py_path = os.path.join(TMP, f"py_{i}.model")
        est.fit(X_DF, Y).save(py_path)
        assert filecmp.cmp(cli_path, py_path, shallow=False), f"case {i}: {kind} {opts}"


@case
def text_labels_recorded_as_the_cli_records_them():
    """y of died/alive: the model records 'died' (classes_[1]) as the CLI's train
    --positive died on the same file does: the same model file, and the CLI evaluates it
    on that file without --positive, with scikit-learn's ROC-AUC of predict_proba. Labels
    the default rule reads (0/1) record nothing: the cases above compare those files."""
    words = np.where(Y == 1, "died", "alive")
    path = os.path.join(TMP, "words.csv")
    DF.assign(label=words).to_csv(path, index=False)
    for kind, est in (("logreg", stratum.LogisticRegression(lam=0.01)),
                      ("gbdt", stratum.GBDTClassifier(num_trees=30))):
        py_path = os.path.join(TMP, f"words_{kind}.model")
        est.fit(X_DF, words).save(py_path)
        assert list(est.classes_) == ["alive", "died"]
        assert stratum.load(py_path).positive_class == "died"
        cli_path = os.path.join(TMP, f"words_cli_{kind}.model")
        extra = ["--lambda", "0.01"] if kind == "logreg" else ["--num-trees", "30"]
        cli("train", kind, path, "--ignore", "id", "--positive", "died", "-o", cli_path, "-q",
            *extra)
        assert filecmp.cmp(cli_path, py_path, shallow=False), kind
        out = cli("evaluate", py_path, path, "--format", "json", "--bootstrap", "0")
        got = json.loads(out)["metrics"]["roc_auc"]["value"]
        want = roc_auc_score(words == "died", est.predict_proba(X_DF)[:, 1])
        assert abs(got - want) < 1e-12, (kind, got, want)
    est = stratum.LogisticRegression(lam=0.01).fit(X_DF, Y)
    assert est.model_.positive_class is None


@case
def each_side_reads_the_others_models():
    for i, (kind, est, opts) in enumerate(CASES):
        est.fit(X_DF, Y)
        py_path = os.path.join(TMP, f"py_{i}.model")
        est.save(py_path)
        want = est.predict_proba(X_DF)[:, 1]
        # the CLI reads the Python model: the same probabilities, to the last bit
        assert np.array_equal(cli_probabilities(py_path, WDBC), want), f"case {i}"
        # and Python reads the CLI's
        cli_path = os.path.join(TMP, f"cli_{i}.model")
        cli("train", kind, WDBC, "--ignore", "id", "-o", cli_path, "-q", *opts)
        m = stratum.load(cli_path)
        assert m.family == kind and m.feature_names == list(X_DF.columns)
        assert np.array_equal(m.predict_proba(X_DF), want)
        assert np.array_equal(m.predict_proba(X_DF.to_numpy(np.float32)), want)
        t = est.threshold
        assert m.threshold == t
        labels = m.predict(X_DF)
        assert np.array_equal(labels, (want >= t if t is not None else want > 0.5))


@case
def defaults_report_their_choices():
    # the CLI's defaults: lambda by inner CV (its choice lies between the path's ends and
    # is lambda_min or lambda_1se as asked), trees by early stopping (5 folds on 569 rows)
    for rule in ("min", "1se"):
        lr = stratum.LogisticRegression(lambda_rule=rule).fit(X_DF, Y)
        c = lr.lambda_choice_
        assert c["rule"] == rule and c["n_folds"] == 5 and c["lambda_1se"] >= c["lambda_min"]
        assert lr.lambda_ == c["lambda_" + rule] > 0
    assert stratum.LogisticRegression(lam=0.01).fit(X_DF, Y).lambda_choice_ is None
    g = stratum.GBDTClassifier().fit(X_DF, Y)
    a = g.auto_trees_
    assert len(a["best_iterations"]) == 5 and g.n_trees_ == a["num_trees"]
    assert a["num_trees"] == round(sum(a["best_iterations"]) / 5)
    assert stratum.GBDTClassifier(num_trees=7).fit(X_DF, Y).auto_trees_ is None
    try:
        stratum.LogisticRegression(lambda_rule="max").fit(X_DF, Y)
        raise AssertionError("lambda_rule='max' accepted")
    except stratum.StratumError as e:
        assert str(e) == "lambda_rule='max': expected 'min' or '1se'", str(e)


@case
def evaluate_matches_sklearn():
    lr = stratum.LogisticRegression(lam=0.1).fit(X_DF, Y)
    p = lr.predict_proba(X_DF)[:, 1]
    ev = stratum.evaluate(Y, p, n_bootstrap=200)
    pred = (p >= 0.5).astype(int)
    want = {"roc_auc": roc_auc_score(Y, p), "pr_auc": average_precision_score(Y, p),
            "log_loss": log_loss(Y, p), "brier": brier_score_loss(Y, p),
            "precision": precision_score(Y, pred), "recall": recall_score(Y, pred),
            "f1": f1_score(Y, pred), "prevalence": Y.mean()}
    for k, v in want.items():
        assert abs(ev.loc[k, "value"] - v) < 1e-9, (k, ev.loc[k, "value"], v)
        if k != "prevalence":
            assert ev.loc[k, "ci_low"] <= ev.loc[k, "value"] <= ev.loc[k, "ci_high"], k
    assert list(ev.columns) == ["value", "ci_low", "ci_high"] and len(ev) == 17
    c = ev.attrs["confusion"]
    assert c["tp"] == ((pred == 1) & (Y == 1)).sum() and c["fp"] == ((pred == 1) & (Y == 0)).sum()
    w = np.where(Y == 1, 2.0, 1.0)
    ev_w = stratum.evaluate(Y, p, sample_weight=w, n_bootstrap=0)
    assert abs(ev_w.loc["roc_auc", "value"] - roc_auc_score(Y, p, sample_weight=w)) < 1e-9
    assert np.isnan(ev_w.loc["roc_auc", "ci_low"])
    ev_f1 = stratum.evaluate(Y, p, rule="max_f1", n_bootstrap=0)
    t = ev_f1.attrs["threshold"]
    best = max(f1_score(Y, (p >= s).astype(int)) for s in np.unique(p))
    assert abs(ev_f1.loc["f1", "value"] - best) < 1e-12 and 0 < t < 1


@case
def evaluate_refuses_bad_input():
    try:
        stratum.evaluate([0, 1, 2], [0.1, 0.2, 0.3])
    except stratum.StratumError as e:
        assert "label" in str(e) and "row 2" in str(e), str(e)
    else:
        raise AssertionError("no error for a label of 2")
    y = pd.Series([0, 1, 0, 1, 1, 0, None, 1], dtype="Int64")
    for bad in (y, y.astype("boolean"), y.astype(float)):
        try:
            stratum.evaluate(bad, np.linspace(0.1, 0.9, 8), n_bootstrap=0)
        except stratum.StratumError as e:
            assert str(e) == ("y has a missing label (NaN or pd.NA) at row 6: every row "
                              "needs a 0/1 label"), (bad.dtype, str(e))
        else:
            raise AssertionError(f"no error for a missing label in {bad.dtype}")
    # every message numbers rows from 0, as the estimators' (numpy's index, iloc): the bad
    # value is at position 2 each time
    y8, p8 = np.array([0, 1, 0, 1, 0, 1, 0, 1.]), np.linspace(0.1, 0.9, 8)
    for yy, pp, w, text in (
            (np.r_[y8[:2], np.nan, y8[3:]], p8, None,
             "y has a missing label (NaN or pd.NA) at row 2: every row needs a 0/1 label"),
            (np.r_[y8[:2], 2, y8[3:]], p8, None,
             "y has the label 2 at row 2: expected 0/1 labels (or booleans)"),
            (np.r_[y8[:2], 0.5, y8[3:]], p8, None, "y has the label 0.5 at row 2"),
            (y8, np.r_[p8[:2], np.nan, p8[3:]], None,
             "p has the score nan at row 2: expected finite numbers"),
            (y8, np.r_[p8[:2], np.inf, p8[3:]], None, "p has the score inf at row 2"),
            (y8, p8, np.r_[1, 1, -1, 1, 1, 1, 1, 1],
             "sample_weight has the weight -1 at row 2: expected finite numbers >= 0"),
            (y8, p8, np.r_[1, 1, np.nan, 1, 1, 1, 1, 1], "sample_weight has the weight nan "
             "at row 2"),
            (y8, p8, np.r_[1, 1, 1e39, 1, 1, 1, 1, 1], "sample_weight has the weight 1e+39 at "
             "row 2: beyond float32's range")):
        try:
            stratum.evaluate(yy, pp, sample_weight=w, n_bootstrap=0)
        except stratum.StratumError as e:
            assert str(e).startswith(text), (text, str(e))
        else:
            raise AssertionError(f"no error: {text}")


@case
def evaluate_takes_nullable_labels():
    # pandas' nullable labels (as the estimators take them) score as their numpy ints
    lr = stratum.LogisticRegression(lam=0.1).fit(X_DF, Y)
    p = lr.predict_proba(X_DF)[:, 1]
    want = stratum.evaluate(Y, p, n_bootstrap=50)
    for y in (pd.Series(Y, dtype="Int64"), pd.Series(Y == 1, dtype="boolean"),
              pd.array(Y, dtype="Int64")):
        got = stratum.evaluate(y, p, n_bootstrap=50)
        assert got.equals(want) and got.attrs["confusion"] == want.attrs["confusion"], y.dtype
    assert abs(want.loc["roc_auc", "value"] - roc_auc_score(Y, p)) < 1e-9


@case
def explain_logreg_by_hand():
    """Contribution of feature j = coef_j (x_j - training mean of x_j), the bias the
    intercept plus coef . mean (stratum/logreg.h); rows sum to the log-odds."""
    X = X_DF.to_numpy(np.float32)
    lr = stratum.LogisticRegression(lam=0.01).fit(X, Y)
    mu = X.astype(np.float64).mean(axis=0)
    want = lr.coef_[0] * (X.astype(np.float64) - mu)
    got = stratum.explain(lr, X)
    assert got.shape == (len(Y), X.shape[1] + 1)
    assert np.allclose(got[:, :-1], want, rtol=1e-9, atol=1e-9)
    assert np.allclose(got[:, -1], lr.intercept_[0] + lr.coef_[0] @ mu, rtol=1e-9)
    assert np.allclose(got.sum(axis=1), lr.decision_function(X), atol=1e-9)


@case
def explain_one_split_by_hand():
    """One tree with one split: the split feature's SHAP value is the row's leaf value
    minus the cover-weighted mean of the two leaves, every other feature gets 0, and the
    bias is the initial score plus that mean."""
    X = X_DF.to_numpy(np.float32)
    g = stratum.GBDTClassifier(num_trees=1, num_leaves=2).fit(X, Y)
    phi = stratum.explain(g.model_, X)
    raw = g.decision_function(X)
    j = int(np.argmax(g.feature_importances_))
    assert np.all(np.delete(phi[:, :-1], j, axis=1) == 0)
    values = np.unique(raw)
    assert len(values) == 2
    # covers are the Hessian sums p (1 - p) at the initial score: equal per row, so the
    # expected value is the row-count-weighted mean of the two leaves
    left = raw == values[0]
    mean = (values[0] * left.sum() + values[1] * (~left).sum()) / len(raw)
    assert np.allclose(phi[:, j], raw - mean, atol=1e-9)
    assert np.allclose(phi[:, -1], mean, atol=1e-9)


finish()
