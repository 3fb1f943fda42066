#!/usr/bin/env python3
"""stratum.drift(reference, current, model=M, report=PATH) (the library's
st_drift_compare_model and st_report_drift through ctypes) against `stratum drift REF NEW
--model M`: the report is the CLI's --report byte for byte, nothing masked; the table's
columns (importance, weighted_psi, contribution_shift with the column statistics) equal the
CLI's --format csv to the last bit; df.attrs["model"] and df.attrs["text"] equal the
members "model" and "text" of the CLI's --format json, every number to the last of its 17
digits. Models: logistic regression trained by the CLI on wdbc (labelled new data, then
unlabelled), boosted trees fitted in Python (stratum.GBDTClassifier) on thyroid_sick
(categorical columns, binned by the trees' thresholds) and saved for the CLI, and a text
model of datasets/medical_abstracts.csv trained by the CLI (`--text-col abstract`) with a
numeric column beside the text. Bad input raises StratumError and writes nothing.

    test_drift_model.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises, same_drift_table, same_report

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def split(name, new_row, drop=(), out=None, extra=None):
    """datasets/name's rows into a reference and a new file under TMP (new_row(i) says
    which), without the columns drop; extra(df) may add columns first. Returns the paths."""
    df = pd.read_csv(os.path.join(DATASETS, name), dtype=str, keep_default_na=False)
    if extra is not None:
        df = extra(df)
    df = df.drop(columns=list(drop))
    is_new = np.array([new_row(i) for i in range(len(df))])
    paths = []
    for part, tag in ((df[~is_new], "ref"), (df[is_new], "new")):
        paths.append(os.path.join(TMP, f"{tag}_{out or name}"))
        part.to_csv(paths[-1], index=False)
    return paths


def frame(path, text=()):
    """The file's features as a DataFrame (text columns other than `text` as categories)
    and its labels, or None when it has none."""
    df = pd.read_csv(path, float_precision="round_trip")
    for c in df.columns:
        if df[c].dtype == object and c not in text:
            df[c] = df[c].astype("category")
    if "label" not in df.columns:
        return df, None
    return df.drop(columns=["label"]), df["label"]


def cli(*args, check=True):
    return subprocess.run([CLI, "drift", *args, "-q"], check=check, capture_output=True).stdout


def same_table(df, csv_bytes):
    """The DataFrame against the CLI's --format csv of the same comparison."""
    same_drift_table(df, csv_bytes, ("psi", "ks_statistic", "ks_pvalue", "chi2", "chi2_pvalue",
                                     "missing_reference", "missing_new", "importance",
                                     "weighted_psi", "contribution_shift"))


def same_json(ours, theirs, where="json"):
    """Equal structures: numbers bit for bit (the CLI prints %.17g; NaN as null)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and set(ours) == set(theirs), \
            (where, sorted(ours) if isinstance(ours, dict) else ours, sorted(theirs))
        for k in theirs:
            same_json(ours[k], theirs[k], f"{where}.{k}")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), (where, len(ours), len(theirs))
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same_json(a, b, f"{where}[{i}]")
    elif theirs is None:
        assert ours is None or (isinstance(ours, float) and math.isnan(ours)), (where, ours)
    elif isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        assert float(ours) == float(theirs), (where, ours, theirs)
    else:
        assert ours == theirs, (where, ours, theirs)


def against_cli(tag, ref, new, model_arg, ours_model, extra_cli=(), text=(), **kw):
    """stratum.drift with the model against the CLI's report, csv and json on the files."""
    a, ya = frame(ref, text)
    b, yb = frame(new, text)
    out = os.path.join(TMP, f"{tag}_py.html")
    df = stratum.drift(a, b, ya, yb, model=ours_model, report=out, report_reference=ref,
                       report_new=new, report_model=model_arg, **kw)
    html = os.path.join(TMP, f"{tag}_cli.html")
    args = [ref, new, "--model", model_arg, *extra_cli]
    cli(*args, "--report", html)
    same_report(out, html, b"stratum drift")
    same_table(df, cli(*args, "--format", "csv"))
    theirs = json.loads(cli(*args, "--format", "json"))
    same_json(df.attrs["model"], theirs["model"], "model")
    if "text" in theirs:
        same_json(df.attrs["text"], theirs["text"], "text")
    else:
        assert "text" not in df.attrs
    return df, theirs


@case
def wdbc_logreg_from_the_cli():
    ref, new = split("wdbc.csv", lambda i: i % 5 == 4, drop=["id"])
    path = os.path.join(TMP, "wdbc_lr.model")
    subprocess.run([CLI, "train", "logreg", ref, "--lambda", "0.01", "-o", path, "-q"],
                   check=True)
    m = stratum.load(path)
    df, theirs = against_cli("wdbc_lr", ref, new, path, m, ["--bootstrap", "200"],
                             bootstrap=200)
    assert df.attrs["model"]["family"] == "logreg"
    assert df.attrs["model"]["new"]["roc_auc"]["value"] > 0.9
    assert df["importance"].notna().all()  # every column is the model's
    # the means are over at most 5000 rows: all of these files'
    assert df.attrs["model"]["contrib_rows_reference"] == df.attrs["n_reference"]
    # without labels in the new file: no metrics there, no AUC test
    unlabelled = os.path.join(TMP, "new_wdbc_nolabel.csv")
    pd.read_csv(new, dtype=str, keep_default_na=False).drop(
        columns=["label"]).to_csv(unlabelled, index=False)
    df2, _ = against_cli("wdbc_lr_unlab", ref, unlabelled, path, m,
                         ["--bootstrap", "50", "--contrib-rows", "40"], bootstrap=50,
                         contrib_rows=40)
    assert df2.attrs["model"]["new"] is None
    assert df2.attrs["model"]["contrib_rows_new"] == 40
    assert math.isnan(df2.attrs["model"]["auc_change_z"])


@case
def thyroid_gbdt_fitted_in_python():
    ref, new = split("thyroid_sick.csv", lambda i: i % 3 == 2)
    a, ya = frame(ref)
    est = stratum.GBDTClassifier(num_trees=20).fit(a, ya)
    path = os.path.join(TMP, "thyroid_gb.model")
    est.model_.save(path)
    df, theirs = against_cli("thyroid_gb", ref, new, path, est,
                             ["--bootstrap", "100", "--seed", "7"], bootstrap=100, seed=7)
    assert df.attrs["model"]["family"] == "gbdt"
    # the columns the trees split on are binned by their thresholds
    assert any(c["model_bins"] for c in theirs["columns"])


@case
def abstracts_text_model():
    def with_length(df):  # a numeric column beside the text
        df["length"] = df["abstract"].str.len().astype(str)
        return df
    ref, new = split("medical_abstracts.csv", lambda i: i % 2 == 1, drop=["id"],
                     extra=with_length)
    path = os.path.join(TMP, "abstracts.model")
    subprocess.run([CLI, "train", "logreg", ref, "--text-col", "abstract", "-o", path, "-q"],
                   check=True)
    m = stratum.load(path)
    df, theirs = against_cli("abstracts", ref, new, path, m,
                             ["--bootstrap", "50", "--terms", "4"], text=("abstract",),
                             bootstrap=50, terms=4)
    assert list(df.index) == ["length"]  # the text is not compared as a column
    t = df.attrs["text"][0]
    assert t["column"] == "abstract" and len(t["terms"]) == 4
    assert t["words_mean_reference"] > 100


@case
def bad_input_raises():
    a, ya = frame(os.path.join(DATASETS, "wdbc.csv"))
    a = a.drop(columns=["id"]).iloc[:60]
    path = os.path.join(TMP, "wdbc_lr.model")  # from the first case
    model = stratum.load(path)
    out = os.path.join(TMP, "bad_model.html")
    raises(lambda: stratum.drift(a, a, model=object(), report=out), stratum.StratumError,
           "model= expects a fitted stratum estimator or a stratum.Model")
    raises(lambda: stratum.drift(a, a.drop(columns=["radius_mean"]), model=model,
                                 report=out),
           stratum.StratumError, "new: no column 'radius_mean', which the model")
    raises(lambda: stratum.drift(a, a, model=model, bootstrap=-1, report=out),
           stratum.StratumError, "bootstrap=-1: expected a whole number in 0..100000")
    raises(lambda: stratum.drift(a.to_numpy(), a, model=model), stratum.StratumError,
           "reference must be a pandas DataFrame")
    text_model = stratum.load(os.path.join(TMP, "abstracts.model"))
    raises(lambda: stratum.drift(a, a, model=text_model, report=out), stratum.StratumError,
           "no text column 'abstract', which the model")
    assert not os.path.exists(out)


finish()
