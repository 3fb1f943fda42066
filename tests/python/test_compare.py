#!/usr/bin/env python3
"""stratum.compare (the library's st_compare_run through ctypes) against the CLI's
`stratum compare --format json` on shipped datasets: the same options and seed give the
same table, every number equal (the JSON prints %.17g, which round-trips; null where
undefined), the same best marks and folds_defined; bad input raises StratumError with the
library's message.

    test_compare.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def read(name):
    df = pd.read_csv(os.path.join(DATASETS, name), float_precision="round_trip")
    return df.drop(columns=["label"]), df["label"].to_numpy()


def cli_compare(path, args):
    out = subprocess.run([CLI, "compare", path, "--format", "json", "-q"] + args, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def same(py, cli):
    """The DataFrame holds the JSON's settings: names, every number, best and folds."""
    settings = cli["settings"]
    assert len(py) == len(settings), (len(py), len(settings))
    assert py.attrs["rows"] == cli["rows"] and py.attrs["folds"] == cli["folds"]
    assert py.attrs["repeats"] == cli["repeats"]
    assert py.attrs["threshold_rule"] == cli["threshold_rule"]
    for i, s in enumerate(settings):
        row = py.iloc[i]
        for key in ("model", "weight", "calibration"):
            if key in s:
                assert row[key] == s[key], (i, key, row[key], s[key])
        metrics = [k for k, v in s.items() if isinstance(v, dict) and k != "difference"]
        assert len(metrics) == 7, metrics
        diff = s["difference"]  # from another row, paired over the folds
        assert row["diff_from"] == (None if diff is None else diff["from"]), (i, row["diff_from"])
        for m in metrics:
            for part in ("mean", "ci_low", "ci_high"):
                a = row[f"{m}_diff_{part}"]
                b = None if diff is None else diff[m][part]
                assert (b is None and np.isnan(a)) or a == b, (i, m, "diff", part, a, b)
        for m in metrics:
            for part in ("mean", "ci_low", "ci_high"):
                a, b = row[f"{m}_{part}"], s[m][part]
                assert (b is None and np.isnan(a)) or a == b, (i, m, part, a, b)
            assert row[f"{m}_folds_defined"] == s[m]["folds_defined"], (i, m)
            assert bool(row[f"{m}_best"]) == s[m]["best"], (i, m)
    metric_cols = [c for c in py.columns if c.endswith("_mean") and "_diff_" not in c]
    assert [c[:-5] for c in metric_cols] == [m for m in settings[0] if
                                             isinstance(settings[0][m], dict)
                                             and m != "difference"]


@case
def both_families_hepatitis():
    """logreg at a fixed lambda and 20 trees, three weights, the default F1 rule."""
    X, y = read("hepatitis.csv")
    py = stratum.compare(X, y, weights=["none", "balanced", 5],
                         logreg=stratum.LogisticRegression(lam=0.05),
                         gbdt=stratum.GBDTClassifier(num_trees=20), folds=4, seed=7)
    same(py, cli_compare(os.path.join(DATASETS, "hepatitis.csv"),
                         ["--weights", "none,balanced,5", "--lambda", "0.05",
                          "--num-trees", "20", "--folds", "4", "--seed", "7"]))
    assert list(py["model"]) == ["logreg"] * 3 + ["gbdt"] * 3
    assert list(py["weight"]) == ["none", "balanced", "5"] * 2
    assert list(py["diff_from"]) == [None, "logreg_none", "logreg_none", None, "gbdt_none",
                                     "gbdt_none"]
    # one row the reference of all, as --reference
    py = stratum.compare(X, y, weights=["none", "balanced", 5],
                         logreg=stratum.LogisticRegression(lam=0.05),
                         gbdt=stratum.GBDTClassifier(num_trees=20), folds=4, seed=7,
                         reference="gbdt_balanced")
    same(py, cli_compare(os.path.join(DATASETS, "hepatitis.csv"),
                         ["--weights", "none,balanced,5", "--lambda", "0.05",
                          "--num-trees", "20", "--folds", "4", "--seed", "7",
                          "--reference", "gbdt_balanced"]))
    assert py["diff_from"].iloc[4] is None and py["diff_from"].iloc[0] == "gbdt_balanced"


@case
def logreg_recalibrated_repeats_wdbc():
    """logreg with its own inner lambda, Platt recalibration, a fixed threshold, two
    repeats."""
    X, y = read("wdbc.csv")
    py = stratum.compare(X.drop(columns=["id"]), y, family="logreg", weights=["none", "2.5"],
                         recalibrate="platt", calibration_folds=3, rule="fixed", repeats=2,
                         folds=3)
    same(py, cli_compare(os.path.join(DATASETS, "wdbc.csv"),
                         ["--ignore", "id", "--models", "logreg", "--weights", "none,2.5",
                          "--recalibrate", "platt", "--calibration-folds", "3",
                          "--threshold-rule", "fixed", "--repeats", "2", "--folds", "3"]))
    assert list(py["calibration"]) == ["none", "platt"] * 2
    assert list(py["weight"]) == ["none", "none", "2.5", "2.5"]
    # a calibrated row against the same setting uncalibrated; the others the first weight
    assert list(py["diff_from"]) == [None, "logreg_none", "logreg_none", "logreg_2.5"]


@case
def bad_input_raises():
    X, y = read("hepatitis.csv")
    raises(lambda: stratum.compare(X, y, folds=1), stratum.StratumError,
           "folds=1: expected 2 or more (or fold_ids)")
    raises(lambda: stratum.compare(X, y, weights=["none", 0]), stratum.StratumError,
           "weights: 0: expected 'none', 'balanced' or a number > 0")
    raises(lambda: stratum.compare(X, y, family="svm"), stratum.StratumError,
           "family='svm': expected 'logreg', 'gbdt' or a list of them")
    raises(lambda: stratum.compare(X, y, family=[]), stratum.StratumError,
           "st_compare_run: nothing to compare")
    raises(lambda: stratum.compare(X, y, recalibrate="beta"), stratum.StratumError,
           "recalibrate='beta'")
    raises(lambda: stratum.compare(X, y, fixed={"m": [0.5] * 3}), stratum.StratumError,
           "fixed['m'] has 3 predictions, X has 155 rows")
    y3 = y.copy()
    y3[0] = 2
    raises(lambda: stratum.compare(X, y3), stratum.StratumError, "needs exactly 2")


@case
def fixed_model_row():
    """A fixed model's predictions scored on the settings' folds: a separating score gets
    ROC-AUC 1 in every fold and the best mark."""
    X, y = read("hepatitis.csv")
    p = np.where(y == 1, 0.9, 0.1)
    py = stratum.compare(X, y, family="logreg", weights=["none"],
                         logreg=stratum.LogisticRegression(lam=0.05), fixed={"oracle": p})
    assert list(py["model"]) == ["logreg", "oracle"] and py["weight"].iloc[1] == "(fixed)"
    assert py["roc_auc_mean"].iloc[1] == 1.0 and py["roc_auc_best"].iloc[1]
    assert py["roc_auc_folds_defined"].iloc[1] == 5
    assert py["diff_from"].iloc[1] == "logreg_none" and py["roc_auc_diff_mean"].iloc[1] > 0
    try:
        stratum.compare(X, y, family="logreg", weights=["none"], fixed={"oracle": p},
                        reference="gbdt_none")
    except stratum.StratumError as e:
        assert "reference='gbdt_none' is not a row of the table; expected one of: " \
               "logreg_none, oracle" in str(e), str(e)
    else:
        raise AssertionError("an unknown reference was accepted")


finish()
