#!/usr/bin/env python3
"""stratum.cv (the library's st_cv_run through ctypes) against the CLI's `stratum cv` on
shipped datasets: the same options and seed give the same folds and the same numbers, bit
for bit (the CLI's --format csv and --oof print %.17g, which round-trips); bad input raises
StratumError with the library's message.

    test_cv.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import io
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


def cli_cv(family, path, args):
    """The CLI's summary table and out-of-fold predictions."""
    oof = os.path.join(TMP, "oof.csv")
    out = subprocess.run([CLI, "cv", family, path, "--format", "csv", "-q", "--oof", oof] +
                         args, check=True, capture_output=True, text=True).stdout
    summary = pd.read_csv(io.StringIO(out), index_col="metric", float_precision="round_trip")
    return summary, pd.read_csv(oof, float_precision="round_trip")


def same(py, summary, oof):
    """Every number equal (NaN where the CLI prints an empty field)."""
    assert list(py.summary.index) == list(summary.index), (py.summary.index, summary.index)
    for col in ("mean", "sd", "ci_low", "ci_high", "folds_defined"):
        a, b = py.summary[col].to_numpy(float), summary[col].to_numpy(float)
        assert np.array_equal(a, b, equal_nan=True), (col, a, b)
    for col in ("row", "fold", "repeat", "label"):
        assert np.array_equal(py.oof[col].to_numpy(), oof[col].to_numpy()), col
    assert np.array_equal(py.oof["p"].to_numpy(), oof["p"].to_numpy())


@case
def logreg_fixed_lambda_wdbc():
    X, y = read("wdbc.csv")
    py = stratum.cv(X.drop(columns=["id"]), y, stratum.LogisticRegression(lam=0.01))
    same(py, *cli_cv("logreg", os.path.join(DATASETS, "wdbc.csv"),
                     ["--ignore", "id", "--lambda", "0.01"]))
    assert len(py.folds) == 5 and py.folds["n_test"].sum() == len(y)
    # the summary is the folds' mean
    assert abs(py.summary.loc["roc_auc", "mean"] - py.folds["roc_auc"].mean()) < 1e-15


@case
def logreg_inner_lambda_rule_repeats_hepatitis():
    """lambda chosen inside each training part, an F1 threshold on 3 inner folds, two
    repeats, another seed."""
    X, y = read("hepatitis.csv")
    py = stratum.cv(X, y, stratum.LogisticRegression(alpha=0.5, random_state=7), repeats=2,
                    rule="max_f1", seed=7)
    same(py, *cli_cv("logreg", os.path.join(DATASETS, "hepatitis.csv"),
                     ["--alpha", "0.5", "--repeats", "2", "--threshold-rule", "f1",
                      "--seed", "7"]))
    assert len(py.folds) == 10


@case
def gbdt_groups_wdbc():
    """Boosted trees with rows grouped in threes (a group column for the CLI, groups= for
    Python) and a Youden threshold on the training parts' own predictions."""
    X, y = read("wdbc.csv")
    X = X.drop(columns=["id"])
    grp = np.arange(len(y)) // 3
    path = os.path.join(TMP, "wdbc_grp.csv")
    with open(os.path.join(DATASETS, "wdbc.csv")) as f:  # the file's own number texts
        lines = f.read().splitlines()
    with open(path, "w") as f:
        f.write("grp," + lines[0] + "\n")
        for i, line in enumerate(lines[1:]):
            f.write(f"{grp[i]},{line}\n")
    py = stratum.cv(X, y, stratum.GBDTClassifier(num_trees=20), groups=grp, rule="youden",
                    threshold_folds=0)
    same(py, *cli_cv("gbdt", path, ["--num-trees", "20", "--group-col", "grp", "--ignore",
                                   "id", "--threshold-rule", "youden",
                                   "--threshold-folds", "0"]))
    f = py.oof["fold"].to_numpy()
    assert all(len(set(f[grp == g])) == 1 for g in range(0, grp.max() + 1, 97))


@case
def groups_of_any_ids():
    """Patient ids as str (the CLI's --group-col of the same texts: the same folds and
    numbers) and as 18-digit ints that float64 cannot tell apart (10^17 + k for k < 16 is
    one float64): each id its own group, the folds of groups=k, which they order as."""
    X, y = read("wdbc.csv")
    X = X.drop(columns=["id"])
    pid = np.arange(len(y)) // 3  # 190 patients of 3 rows
    names = np.array([f"P{k:04d}" for k in pid])
    path = os.path.join(TMP, "wdbc_str_grp.csv")
    with open(os.path.join(DATASETS, "wdbc.csv")) as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        f.write("grp," + lines[0] + "\n")
        f.writelines(f"{names[i]},{line}\n" for i, line in enumerate(lines[1:]))
    lr = stratum.LogisticRegression(lam=0.01)
    py = stratum.cv(X, y, lr, groups=list(names))
    same(py, *cli_cv("logreg", path, ["--lambda", "0.01", "--group-col", "grp", "--ignore",
                                     "id"]))
    fold = py.oof["fold"].to_numpy()
    assert all(len(set(fold[pid == k])) == 1 for k in range(190))  # no patient split
    big = 10**17 + pid
    assert len(np.unique(big.astype(np.float64))) < 190 == len(np.unique(big))
    by_big, by_pid = stratum.cv(X, y, lr, groups=big), stratum.cv(X, y, lr, groups=pid)
    assert np.array_equal(by_big.oof["fold"], by_pid.oof["fold"])
    assert np.array_equal(by_big.oof["p"], by_pid.oof["p"])
    assert by_big.folds["n_test"].max() - by_big.folds["n_test"].min() <= 3
    missing = names.astype(object)
    missing[7] = None
    raises(lambda: stratum.cv(X, y, lr, groups=missing), stratum.StratumError,
           "groups has a missing id (None or NaN) at row 7")


@case
def lambda_path_hepatitis():
    """stratum.cv_path against `stratum cv logreg --lambda-path --format csv`."""
    X, y = read("hepatitis.csv")
    for measure, opt in (("auc", "auc"), ("deviance", "deviance")):
        py = stratum.cv_path(X, y, stratum.LogisticRegression(alpha=0.5), measure=measure,
                             n_lambda=20, repeats=2, seed=3)
        out = subprocess.run([CLI, "cv", "logreg", os.path.join(DATASETS, "hepatitis.csv"),
                              "--lambda-path", "--measure", opt, "--n-lambda", "20",
                              "--alpha", "0.5", "--repeats", "2", "--seed", "3", "--format",
                              "csv", "-q"], check=True, capture_output=True, text=True).stdout
        cli = pd.read_csv(io.StringIO(out), index_col="index", float_precision="round_trip",
                          keep_default_na=False)
        assert list(py.columns) == list(cli.columns), (py.columns, cli.columns)
        for col in ("lambda", "df", measure, "se", "folds"):
            assert np.array_equal(py[col].to_numpy(float), cli[col].to_numpy(float),
                                  equal_nan=True), col
        assert list(py["choice"]) == list(cli["choice"])
        assert py.attrs["lambda_min"] == py["lambda"][py["choice"].str.startswith("min")].iloc[0]


@case
def bad_input_raises():
    X, y = read("hepatitis.csv")
    raises(lambda: stratum.cv(X, y, folds=1), stratum.StratumError,
           "folds=1: expected 2 or more (or fold_ids)")
    raises(lambda: stratum.cv(X, y, repeats=0), stratum.StratumError,
           "repeats=0: expected 1 or more")
    raises(lambda: stratum.cv(X, y, rule="best"), stratum.StratumError, "rule='best'")
    raises(lambda: stratum.cv(X, y, groups=[1, 2, 3]), stratum.StratumError,
           "groups has 3 values, X has 155 rows")
    y3 = y.copy()
    y3[0] = 2
    raises(lambda: stratum.cv(X, y3), stratum.StratumError, "needs exactly 2")
    raises(lambda: stratum.cv(X, y, model="logreg"), stratum.StratumError,
           "expected a stratum.LogisticRegression or stratum.GBDTClassifier")
    raises(lambda: stratum.cv(X.iloc[:3], y[:3]), stratum.StratumError, "")
    raises(lambda: stratum.cv(X, y, folds=200), stratum.StratumError, "200")
    # the library's inner folds named by the package's argument, not the C field
    raises(lambda: stratum.cv(X, y, rule="max_f1", threshold_folds=500), stratum.StratumError,
           "fold 1 of repeat 1: inner cross-validation (threshold_folds=500): folds: 124 rows "
           "cannot make 500 folds")
    raises(lambda: stratum.cv_path(X, y, measure="brier"), stratum.StratumError,
           "measure='brier'")
    raises(lambda: stratum.cv_path(X, y, stratum.GBDTClassifier()), stratum.StratumError,
           "the lambda path is stratum.LogisticRegression's")


finish()
