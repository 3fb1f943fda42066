#!/usr/bin/env python3
"""stratum.compare, stratum.cv and stratum.evaluate(..., report=PATH) (the library's
st_report_compare, st_report_cv and st_report_evaluate through ctypes) against the CLI's
--report on shipped datasets and a scores file: the same data, options and seed write the
same HTML file, byte for byte. Nothing is masked: a report holds no date, time or host,
and the one thing only the caller knows, the data's name, is given as report_data (the
path the CLI was given). Bad report paths raise StratumError with the library's message,
and a failed report leaves no file.

    test_report.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises, same_report

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
    same_report(out, cli_report(["compare", path], ["--weights", "none,balanced,5",
                                                   "--lambda", "0.001", "--num-trees", "30"],
                               "compare"), b'class="curve"')


@case
def compare_recalibrated_wdbc():
    """logreg alone, Platt recalibration (a calibrated row per weight), two repeats, 3 folds,
    another seed, and the paired differences taken from the weight 2.5 (reference=)."""
    path = os.path.join(DATASETS, "wdbc.csv")
    X, y = read("wdbc.csv")
    out = os.path.join(TMP, "compare_recal_py.html")
    stratum.compare(X.drop(columns=["id"]), y, family="logreg", weights=["none", "2.5"],
                    logreg=stratum.LogisticRegression(lam=0.01), recalibrate="platt",
                    calibration_folds=3, repeats=2, folds=3, seed=11, report=out,
                    report_data=path, reference="logreg_2.5")
    same_report(out, cli_report(["compare", path],
                               ["--ignore", "id", "--models", "logreg", "--weights",
                                "none,2.5", "--lambda", "0.01", "--recalibrate", "platt",
                                "--calibration-folds", "3", "--repeats", "2", "--folds", "3",
                                "--seed", "11", "--reference", "logreg_2.5"],
                               "compare_recal"), b'>logreg_none_platt</th><th scope="row" class="label">logreg_2.5</th>')


@case
def cv_gbdt_hepatitis():
    """Boosted trees, the F1 rule on inner folds, two repeats (report_make.py's cv
    report)."""
    path = os.path.join(DATASETS, "hepatitis.csv")
    X, y = read("hepatitis.csv")
    out = os.path.join(TMP, "cv_py.html")
    stratum.cv(X, y, stratum.GBDTClassifier(num_trees=30), rule="max_f1", repeats=2,
               report=out, report_data=path)
    same_report(out, cli_report(["cv", "gbdt", path], ["--num-trees", "30",
                                                       "--threshold-rule", "f1",
                                                       "--repeats", "2"], "cv_gbdt"),
                b'class="curve"')


@case
def cv_logreg_wdbc():
    """logreg at a fixed lambda, a fixed threshold (cv's default)."""
    path = os.path.join(DATASETS, "wdbc.csv")
    X, y = read("wdbc.csv")
    out = os.path.join(TMP, "cv_lr_py.html")
    stratum.cv(X.drop(columns=["id"]), y, stratum.LogisticRegression(lam=0.01), report=out,
               report_data=path)
    same_report(out, cli_report(["cv", "logreg", path], ["--ignore", "id", "--lambda", "0.01"],
                               "cv_lr"), b'class="curve"')


@case
def evaluate_scores():
    """Scores from a file (with a name that needs escaping), the F1 rule, 200 bootstrap
    resamples: the CLI's `evaluate --scores`."""
    rng = np.random.default_rng(5)
    y = (rng.random(400) < 0.2).astype(int)
    p = np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1)
    path = os.path.join(TMP, "scores <&>.csv")
    pd.DataFrame({"label": y, "risk": p}).to_csv(path, index=False, float_format="%.17g")
    df = pd.read_csv(path, float_precision="round_trip")
    out = os.path.join(TMP, "evaluate_py.html")
    stratum.evaluate(df["label"], df["risk"], rule="max_f1", n_bootstrap=200, report=out,
                     report_data=path)
    same_report(out, cli_report(["evaluate", "--scores", path],
                               ["--score-col", "risk", "--label-col", "label",
                                "--threshold-rule", "f1", "--bootstrap", "200"], "evaluate"),
                b'class="curve"')


@case
def evaluate_separable_no_interval():
    """Separable scores (statsmodels: PerfectSeparationError): the calibration intercept and
    slope are NaN with NaN intervals, as the docstring's "NaN when undefined" says, and the
    report's cell for them carries no interval; the report names the bootstrap that ran,
    stratified only when asked."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError
    rng = np.random.default_rng(6)
    y = (rng.random(30) < 0.3).astype(int)
    p = np.round(np.where(y == 1, 0.9 + 0.09 * rng.random(30), 0.01 + 0.09 * rng.random(30)), 3)
    try:
        sm.Logit(y, sm.add_constant(np.log(p) - np.log1p(-p))).fit(disp=0)
        raise AssertionError("statsmodels fitted separable data")
    except PerfectSeparationError:
        pass
    out = os.path.join(TMP, "separable_py.html")
    df = stratum.evaluate(y, p, n_bootstrap=200, n_threads=1, report=out)
    for key in ("calibration_intercept", "calibration_slope"):
        assert df.loc[key].isna().all(), df.loc[key]
    assert not np.isnan(df.loc["calibration_in_the_large", "ci_low"])
    with open(out, encoding="utf-8") as f:
        page = f.read()
    os.unlink(out)
    slope = page[page.index("calibration slope"):]
    cell = slope[:slope.index("</td>")]
    assert "undefined" in cell and "data-low" not in cell, cell
    assert "200 bootstrap resamples" in page and "stratified" not in page
    stratum.evaluate(y, p, n_bootstrap=200, n_threads=1, report=out,
                     stratified_bootstrap=True)
    with open(out, encoding="utf-8") as f:
        page = f.read()
    os.unlink(out)
    assert "200 stratified bootstrap resamples" in page


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
