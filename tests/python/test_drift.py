#!/usr/bin/env python3
"""stratum.drift(reference, current, report=PATH) (the library's st_drift_compare and
st_report_drift through ctypes) against `stratum drift REF NEW`: the table equals the CLI's
--format csv (same columns in the same order, every number to the last bit, the same band
words) and the report is the CLI's --report byte for byte, nothing masked (the two files'
names are the paths the CLI was given). Two splits of shipped datasets: thyroid_sick
(categorical columns, labelled: prevalences) and wdbc at 5 bins. Bad input raises
StratumError and writes nothing.

    test_drift.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises, same_drift_table, same_report

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def split(name, new_row, drop=()):
    """datasets/name's rows into a reference and a new file (new_row(i, row) says which),
    both written under TMP without the columns drop; returns their paths."""
    df = pd.read_csv(os.path.join(DATASETS, name), dtype=str, keep_default_na=False)
    df = df.drop(columns=list(drop))
    is_new = np.array([new_row(i, r) for i, r in df.iterrows()])
    paths = []
    for part, tag in ((df[~is_new], "ref"), (df[is_new], "new")):
        paths.append(os.path.join(TMP, f"{tag}_{name}"))
        part.to_csv(paths[-1], index=False)
    return paths


def frame(path):
    """The file's features as a DataFrame (text columns as categories) and its labels, or
    None when it has none."""
    df = pd.read_csv(path, float_precision="round_trip")
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("category")
    if "label" not in df.columns:
        return df, None
    return df.drop(columns=["label"]), df["label"]


def cli(*args):
    return subprocess.run([CLI, "drift", *args, "-q"], check=True, capture_output=True).stdout


def same_table(df, csv_bytes):
    """The DataFrame against the CLI's --format csv of the same comparison."""
    same_drift_table(df, csv_bytes, ("psi", "ks_statistic", "ks_pvalue", "chi2", "chi2_pvalue",
                                     "chi2_dof", "missing_reference", "missing_new"),
                     ("band", "type", "new_level_rows"))


@case
def thyroid_categorical_labelled():
    ref, new = split("thyroid_sick.csv", lambda i, r: i % 3 == 2)
    a, ya = frame(ref)
    b, yb = frame(new)
    out = os.path.join(TMP, "thyroid_py.html")
    df = stratum.drift(a, b, ya, yb, report=out, report_reference=ref, report_new=new)
    html = os.path.join(TMP, "thyroid_cli.html")
    cli(ref, new, "--report", html)
    same_report(out, html, b"stratum drift")
    same_table(df, cli(ref, new, "--format", "csv"))
    assert df.attrs["n_reference"] + df.attrs["n_new"] == 3772
    assert df.attrs["prevalence_reference"] == ya.mean()  # a share of 0/1 labels


@case
def wdbc_five_bins_unlabelled():
    """Split by tumour radius, files without labels: a planted shift, which the ranking
    puts first."""
    ref, new = split("wdbc.csv", lambda i, r: float(r["radius_mean"]) >= 15,
                     drop=["id", "label"])
    a, ya = frame(ref)
    b, yb = frame(new)
    assert ya is None and yb is None
    out = os.path.join(TMP, "wdbc_py.html")
    df = stratum.drift(a, b, bins=5, report=out, report_reference=ref, report_new=new)
    html = os.path.join(TMP, "wdbc_cli.html")
    cli(ref, new, "--bins", "5", "--report", html)
    same_report(out, html, b"stratum drift")
    same_table(df, cli(ref, new, "--bins", "5", "--format", "csv"))
    assert df["band"].iloc[0] == "major", df.head(3)
    assert np.isnan(df.attrs["prevalence_reference"])


@case
def bad_input_raises():
    a, _ = frame(os.path.join(DATASETS, "hepatitis.csv"))
    a = a.iloc[:40]
    out = os.path.join(TMP, "bad.html")
    raises(lambda: stratum.drift(a, a, bins=1, report=out), stratum.StratumError,
           "bins=1: expected a whole number in 2..1000")
    raises(lambda: stratum.drift(a, a.drop(columns=[a.columns[0]]), report=out),
           stratum.StratumError, a.columns[0])
    raises(lambda: stratum.drift(a, a, report=5), stratum.StratumError,
           "report=5: expected a path")
    raises(lambda: stratum.drift(a, a, y_reference=[0, 1]), stratum.StratumError,
           "y_reference: y must hold one 0/1 label per row")
    y = np.zeros(40)
    y[[3, 7]] = 2
    raises(lambda: stratum.drift(a, a, y_reference=y, y_current=np.zeros(40)),
           stratum.StratumError, "y_reference[3] is 2: expected 0 or 1 (2 such values)")
    y[3] = np.nan
    raises(lambda: stratum.drift(a, a, y_reference=np.zeros(40), y_current=y),
           stratum.StratumError, "y_current[3] is nan: expected 0 or 1 (2 such values)")
    assert not os.path.exists(out)


finish()
