#!/usr/bin/env python3
"""stratum.explain(model, X, report=PATH, rows=...) (the library's st_model_explain and
st_report_explain through ctypes) against `stratum explain MODEL DATA --report` on shipped
datasets: the same model and data write the same HTML file, byte for byte, with nothing
masked (the report holds no date or host; the model's and the data's names are the paths
the CLI was given). Both families, chosen rows and the ranking over all rows, --top, missing
values, a model fitted in Python, and a hashed text model whose report marks the terms of
each row's text. The return value stays the contributions array, whose rows sum to the
log-odds of the model's P(y = 1). Bad arguments raise StratumError and leave no file.

    test_explain.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises, same_report

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def data(name):
    path = os.path.join(DATASETS, name)
    df = pd.read_csv(path, float_precision="round_trip")
    return path, df.drop(columns=["label"])


def cli(*args):
    subprocess.run([CLI, *args, "-q"], check=True, capture_output=True)


def train(family, name, *options):
    """A model file trained by the CLI on datasets/name."""
    out = os.path.join(TMP, f"{family}_{name}.model")
    if not os.path.exists(out):
        cli("train", family, os.path.join(DATASETS, name), *options, "-o", out)
    return out


def cli_explain(model, data_path, options, name):
    html = os.path.join(TMP, name + "_cli.html")
    cli("explain", model, data_path, *options, "--report", html)
    with open(html, "rb") as f:
        return f.read()


def sums_to_log_odds(model, X, contrib):
    """Each row's contributions and bias add up to logit(P(y = 1)) (docs/explain.md), on
    the rows where P(y = 1) is far enough from 0 and 1 for its logit to hold 1e-9."""
    p = model.predict_proba(X)
    assert contrib.shape == (len(X), len(model.feature_names) + 1)
    inside = (p > 1e-6) & (p < 1 - 1e-6)
    assert inside.sum() > len(p) / 2
    np.testing.assert_allclose(contrib.sum(axis=1)[inside],
                               (np.log(p) - np.log1p(-p))[inside], rtol=0, atol=1e-9)


@case
def logreg_wdbc_rows_and_ranking():
    """A CLI model read by stratum.load: its path names it in the report by default."""
    path, X = data("wdbc.csv")
    model_path = train("logreg", "wdbc.csv", "--ignore", "id", "--lambda", "0.01")
    m = stratum.load(model_path)
    X = X.drop(columns=["id"])
    out = os.path.join(TMP, "lr_rows_py.html")
    c = stratum.explain(m, X, report=out, rows=[0, 16, 41], report_data=path)
    same_report(out, cli_explain(model_path, path, ["--ignore", "id", "--rows", "1,17,42"],
                                "lr_rows"), b"stratum explain")
    sums_to_log_odds(m, X, c)
    np.testing.assert_array_equal(c, stratum.explain(m, X))  # report= changes nothing
    out = os.path.join(TMP, "lr_rank_py.html")
    stratum.explain(m, X, report=out, report_data=path)
    same_report(out, cli_explain(model_path, path, ["--ignore", "id"], "lr_rank"),
                b"stratum explain")


@case
def gbdt_fitted_in_python_wdbc():
    """An estimator fitted in Python, saved for the CLI; --top on both views."""
    path, X = data("wdbc.csv")
    X = X.drop(columns=["id"])
    y = pd.read_csv(path)["label"].to_numpy()
    est = stratum.GBDTClassifier(num_trees=40).fit(X, y)
    model_path = os.path.join(TMP, "gbdt_py.model")
    est.model_.save(model_path)
    out = os.path.join(TMP, "gb_rows_py.html")
    c = stratum.explain(est, X, report=out, rows=[2, 100], top=3, report_model=model_path,
                        report_data=path)
    same_report(out, cli_explain(model_path, path, ["--ignore", "id", "--rows", "3,101",
                                                   "--top", "3"], "gb_rows"), b"stratum explain")
    sums_to_log_odds(est.model_, X, c)
    out = os.path.join(TMP, "gb_rank_py.html")
    stratum.explain(est, X, report=out, top=7, report_model=model_path, report_data=path)
    same_report(out, cli_explain(model_path, path, ["--ignore", "id", "--top", "7"], "gb_rank"),
                b"stratum explain")


@case
def missing_values_hepatitis():
    """Missing values shown as "missing"; --top 0 lists every feature of a row."""
    path, X = data("hepatitis.csv")
    for family, opts in (("gbdt", ["--num-trees", "30"]), ("logreg", ["--lambda", "0.01"])):
        model_path = train(family, "hepatitis.csv", *opts)
        m = stratum.load(model_path)
        out = os.path.join(TMP, f"hep_{family}_py.html")
        stratum.explain(m, X, report=out, rows=[0, 4, 8], top=0, report_data=path)
        cli_bytes = cli_explain(model_path, path, ["--rows", "1,5,9", "--top", "0"],
                                f"hep_{family}")
        same_report(out, cli_bytes, b"stratum explain")
        assert b">missing<" in cli_bytes


@case
def hashed_text_model_abstracts():
    """A model of a text column (hashing, bigrams): X's raw texts featurized by the model's
    own featurizer, each row's text with its deciding terms marked."""
    path, X = data("medical_abstracts.csv")
    model_path = train("logreg", "medical_abstracts.csv", "--text-col", "abstract",
                       "--ignore", "id", "--lambda", "0.001", "--hash-bits", "12",
                       "--ngrams", "1-2")
    m = stratum.load(model_path)
    out = os.path.join(TMP, "text_py.html")
    stratum.explain(m, X, report=out, rows=[0, 6], report_data=path)
    cli_bytes = cli_explain(model_path, path, ["--ignore", "id", "--rows", "1,7"], "text")
    same_report(out, cli_bytes, b"stratum explain")
    assert cli_bytes.count(b"<mark") >= 10  # the marked terms of the two texts


@case
def bad_arguments_raise():
    path, X = data("wdbc.csv")
    X = X.drop(columns=["id"])
    m = stratum.load(train("logreg", "wdbc.csv", "--ignore", "id", "--lambda", "0.01"))
    out = os.path.join(TMP, "bad.html")
    raises(lambda: stratum.explain(m, X, report=out, rows=[569]), stratum.StratumError,
           "rows: 569 is not a row of X: it has 569 rows, numbered from 0")
    raises(lambda: stratum.explain(m, X, report=out, rows=["a"]), stratum.StratumError,
           "rows=['a']: expected row positions of X")
    raises(lambda: stratum.explain(m, X, report=out, top=-1), stratum.StratumError,
           "top=-1: expected a whole number >= 0")
    raises(lambda: stratum.explain(m, X, rows=[1]), stratum.StratumError,
           "give report= too")
    raises(lambda: stratum.explain(m, X, report=4), stratum.StratumError,
           "report=4: expected a path to an .html file")
    missing = os.path.join(TMP, "no-such-dir", "r.html")
    raises(lambda: stratum.explain(m, X, report=missing), stratum.StratumError, missing)
    raises(lambda: stratum.explain(m, X.drop(columns=["radius_mean"]), report=out),
           stratum.StratumError, "radius_mean")
    assert not os.path.exists(out) and not os.path.exists(os.path.dirname(missing))


finish()
