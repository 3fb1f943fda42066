#!/usr/bin/env python3
"""stratum.compare(..., report=PATH) and stratum.cv(..., report=PATH) (the library's
st_report_compare and st_report_cv through ctypes) against the CLI's --report on shipped
datasets: the same data, options and seed write the same HTML file, byte for byte. Nothing
is masked: a report holds no date, time or host, and the one thing only the caller knows,
the data's name, is given as report_data (the path the CLI was given). Bad report paths
raise StratumError with the library's message, and a failed report leaves no file.

    test_report.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import os
import subprocess
import sys

import pandas as pd

import stratum
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def read(name):
    df = pd.read_csv(os.path.join(DATASETS, name), float_precision="round_trip")
    return df.drop(columns=["label"]), df["label"].to_numpy()


def cli_report(command, args, name):
    html = os.path.join(TMP, name + "_cli.html")
    subprocess.run([CLI] + command + args + ["--report", html, "-q"], check=True,
                   capture_output=True)
    with open(html, "rb") as f:
        return f.read()


def same_bytes(py_path, cli_bytes):
    with open(py_path, "rb") as f:
        py = f.read()
    if py != cli_bytes:
        at = next((i for i, (a, b) in enumerate(zip(py, cli_bytes)) if a != b),
                  min(len(py), len(cli_bytes)))
        raise AssertionError(f"{py_path}: {len(py)} bytes, the CLI's {len(cli_bytes)}; "
                             f"first difference at byte {at}: {py[at - 40:at + 40]!r} vs "
                             f"{cli_bytes[at - 40:at + 40]!r}")
    assert b"<svg" in py and py.count(b'class="curve"') > 0  # a report, not an empty page


@case
def compare_hepatitis():
    """Both families, three weights, the F1 rule, 30 trees and a fixed lambda (the README's
    compare report, on a cohort of numbers only: Python would need thyroid's text columns
    as categoricals)."""
    path = os.path.join(DATASETS, "hepatitis.csv")
    X, y = read("hepatitis.csv")
    out = os.path.join(TMP, "compare_py.html")
    stratum.compare(X, y, weights=["none", "balanced", 5],
                    logreg=stratum.LogisticRegression(lam=0.001),
                    gbdt=stratum.GBDTClassifier(num_trees=30), report=out,
                    report_data=path)
    same_bytes(out, cli_report(["compare", path], ["--weights", "none,balanced,5",
                                                   "--lambda", "0.001", "--num-trees", "30"],
                               "compare"))


@case
def compare_recalibrated_wdbc():
    """logreg alone, Platt recalibration (a calibrated row per weight), two repeats, 3 folds,
    another seed."""
    path = os.path.join(DATASETS, "wdbc.csv")
    X, y = read("wdbc.csv")
    out = os.path.join(TMP, "compare_recal_py.html")
    stratum.compare(X.drop(columns=["id"]), y, family="logreg", weights=["none", "2.5"],
                    logreg=stratum.LogisticRegression(lam=0.01), recalibrate="platt",
                    calibration_folds=3, repeats=2, folds=3, seed=11, report=out,
                    report_data=path)
    same_bytes(out, cli_report(["compare", path],
                               ["--ignore", "id", "--models", "logreg", "--weights",
                                "none,2.5", "--lambda", "0.01", "--recalibrate", "platt",
                                "--calibration-folds", "3", "--repeats", "2", "--folds", "3",
                                "--seed", "11"], "compare_recal"))


@case
def cv_gbdt_hepatitis():
    """Boosted trees, the F1 rule on inner folds, two repeats (report_make.py's cv
    report)."""
    path = os.path.join(DATASETS, "hepatitis.csv")
    X, y = read("hepatitis.csv")
    out = os.path.join(TMP, "cv_py.html")
    stratum.cv(X, y, stratum.GBDTClassifier(num_trees=30), rule="max_f1", repeats=2,
               report=out, report_data=path)
    same_bytes(out, cli_report(["cv", "gbdt", path], ["--num-trees", "30",
                                                       "--threshold-rule", "f1",
                                                       "--repeats", "2"], "cv_gbdt"))


@case
def cv_logreg_wdbc():
    """logreg at a fixed lambda, a fixed threshold (cv's default)."""
    path = os.path.join(DATASETS, "wdbc.csv")
    X, y = read("wdbc.csv")
    out = os.path.join(TMP, "cv_lr_py.html")
    stratum.cv(X.drop(columns=["id"]), y, stratum.LogisticRegression(lam=0.01), report=out,
               report_data=path)
    same_bytes(out, cli_report(["cv", "logreg", path], ["--ignore", "id", "--lambda", "0.01"],
                               "cv_lr"))


@case
def bad_report_paths_raise():
    X, y = read("hepatitis.csv")
    lr = stratum.LogisticRegression(lam=0.05)
    raises(lambda: stratum.cv(X, y, lr, report=3), stratum.StratumError,
           "report=3: expected a path to an .html file")
    raises(lambda: stratum.compare(X, y, family="logreg", weights=["none"], logreg=lr,
                                   report=""), stratum.StratumError,
           "report='': expected a path to an .html file")
    missing = os.path.join(TMP, "no-such-dir", "r.html")
    raises(lambda: stratum.compare(X, y, family="logreg", weights=["none"], logreg=lr,
                                   report=missing), stratum.StratumError, missing)
    assert not os.path.exists(os.path.dirname(missing))
    # without report= the result is the same table
    a = stratum.compare(X, y, family="logreg", weights=["none"], logreg=lr)
    b = stratum.compare(X, y, family="logreg", weights=["none"], logreg=lr,
                        report=os.path.join(TMP, "hep.html"))
    pd.testing.assert_frame_equal(a, b)


finish()
