#!/usr/bin/env python3
"""Text columns from Python against the CLI's --text-col on a 400-row slice of
datasets/medical_abstracts.csv: the estimators' text_cols (and the featurizer's options)
give the model file `stratum train ... --text-col abstract` writes with the same options
(cmp), predict_proba on raw text equals `stratum predict`, and stratum.cv / stratum.compare
with text_cols give the CLI's numbers to the last bit; bad input raises StratumError.

    test_text.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import filecmp
import io
import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)
DATA = os.path.join(TMP, "abstracts400.csv")
pd.read_csv(os.path.join(DATASETS, "medical_abstracts.csv")).iloc[:400].to_csv(DATA,
                                                                                index=False)
DF = pd.read_csv(DATA)
Y = DF.pop("label").to_numpy()
X = DF.drop(columns=["id"])


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, f"stratum {' '.join(args)}: {r.stderr}"
    return r.stdout


def cli_predict(model):
    out = os.path.join(TMP, "pred.csv")
    cli("predict", model, DATA, "-o", out, "-q")
    return pd.read_csv(out, float_precision="round_trip")["p"].to_numpy()


CASES = [
    ("logreg", stratum.LogisticRegression(text_cols=["abstract"]), []),
    ("logreg", stratum.LogisticRegression(text_cols="abstract", lam=1e-3, hash_bits=12,
                                          stop_words="english", sublinear_tf=False,
                                          class_weight="balanced"),
     ["--lambda", "1e-3", "--hash-bits", "12", "--stop-words", "english",
      "--no-sublinear-tf", "--class-weight", "balanced"]),
    ("gbdt", stratum.GBDTClassifier(text_cols=["abstract"], num_trees=20, ngrams=(1, 2),
                                    min_df=3, tfidf=True),
     ["--num-trees", "20", "--ngrams", "1-2", "--min-df", "3", "--tfidf"]),
]


@case
def same_model_file_and_predictions():
    for i, (kind, est, opts) in enumerate(CASES):
        cli_path = os.path.join(TMP, f"cli_{i}.model")
        cli("train", kind, DATA, "--ignore", "id", "--text-col", "abstract", "-o", cli_path,
            "-q", *opts)
        py_path = os.path.join(TMP, f"py_{i}.model")
        est.fit(X, Y).save(py_path)
        assert filecmp.cmp(cli_path, py_path, shallow=False), f"case {i}: {kind} {opts}"
        p = est.predict_proba(X)[:, 1]  # the raw texts through the model's featurizer
        assert np.array_equal(p, cli_predict(cli_path)), f"case {i}"
        assert np.array_equal(stratum.load(cli_path).predict_proba(X), p)
        again = pickle.loads(pickle.dumps(est))
        assert np.array_equal(again.predict_proba(X.iloc[:7])[:, 1], p[:7])


@case
def cv_and_compare_with_text():
    """stratum.cv and stratum.compare featurize each training part as the CLI's cv and
    compare do."""
    r = stratum.cv(X, Y, stratum.LogisticRegression(lam=1e-3), text_cols=["abstract"],
                   folds=3, rule="max_f1")
    out = cli("cv", "logreg", DATA, "--ignore", "id", "--text-col", "abstract", "--lambda",
              "1e-3", "--folds", "3", "--threshold-rule", "f1", "--format", "csv", "-q")
    cs = pd.read_csv(io.StringIO(out), index_col="metric", float_precision="round_trip")
    for col in ("mean", "sd", "ci_low", "ci_high"):
        assert np.array_equal(r.summary[col].to_numpy(float), cs[col].to_numpy(float),
                              equal_nan=True), col
    t = stratum.compare(X, Y, family="logreg", weights=["none", "balanced"], folds=3,
                        text_cols=["abstract"])
    js = json.loads(cli("compare", DATA, "--ignore", "id", "--text-col", "abstract",
                        "--models", "logreg", "--weights", "none,balanced", "--folds", "3",
                        "--format", "json", "-q"))
    for i, s in enumerate(js["settings"]):
        for m in ("roc_auc", "pr_auc", "f1", "brier", "log_loss"):
            assert t[f"{m}_mean"].iloc[i] == s[m]["mean"], (i, m)
            assert t[f"{m}_ci_low"].iloc[i] == s[m]["ci_low"], (i, m)


@case
def empty_and_missing_texts():
    """An empty text is missing, as an empty field of the CLI's file is; None too."""
    holes = X.copy()
    holes.loc[[1, 5, 9], "abstract"] = ""
    holes.loc[[2, 7], "abstract"] = None
    path = os.path.join(TMP, "holes.csv")
    holes.assign(label=Y).to_csv(path, index=False)
    cli_path = os.path.join(TMP, "holes_cli.model")
    cli("train", "logreg", path, "--text-col", "abstract", "--lambda", "1e-3", "-o", cli_path,
        "-q")
    py_path = os.path.join(TMP, "holes_py.model")
    stratum.LogisticRegression(text_cols=["abstract"], lam=1e-3).fit(holes, Y).save(py_path)
    assert filecmp.cmp(cli_path, py_path, shallow=False)


@case
def bad_input_raises():
    raises(lambda: stratum.LogisticRegression(text_cols=["note"]).fit(X, Y),
           stratum.StratumError, "text_cols: 'note' is not a column of X")
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"]).fit(
        np.zeros((400, 1)), Y), stratum.StratumError,
        "text_cols: X must be a pandas DataFrame holding the text columns")
    num = pd.DataFrame({"abstract": np.arange(400)})
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"]).fit(num, Y),
           stratum.StratumError, "text column 'abstract' has dtype int64: expected str")
    mixed = X.copy()
    mixed.loc[3, "abstract"] = 5
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"]).fit(mixed, Y),
           stratum.StratumError, "text column 'abstract' holds int 5: expected str")
    nul = X.copy()
    nul.loc[3, "abstract"] = "pain\0fever"
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"]).fit(nul, Y),
           stratum.StratumError, "text column 'abstract' holds a NUL character in row 3")
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"], ngrams=(2, 1)).fit(X, Y),
           stratum.StratumError, "ngrams=(2, 1): expected 1 <= min <= max <= 8")
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"], stop_words="french")
           .fit(X, Y), stratum.StratumError, "stop_words='french'")
    m = stratum.load(os.path.join(TMP, "cli_0.model"))
    raises(lambda: m.predict_proba(np.zeros((2, 1))), stratum.StratumError,
           "the model featurizes the text column(s) abstract: X must be a pandas DataFrame")
    raises(lambda: stratum.cv_path(X, Y, stratum.LogisticRegression(text_cols=["abstract"])),
           stratum.StratumError, "cv_path: no text columns yet")
    # fit's keywords with text columns: a mistyped one is fit's TypeError, not dropped (the
    # zero weights were silently not used); logistic regression takes no eval_set at all
    for est in (stratum.LogisticRegression(text_cols=["abstract"]),
                stratum.GBDTClassifier(text_cols=["abstract"], num_trees=5)):
        raises(lambda: est.fit(X, Y, sample_weights=np.zeros(len(Y))), TypeError,
               f"{type(est).__name__}.fit() got an unexpected keyword argument "
               "'sample_weights'")
        assert not hasattr(est, "model_")
    raises(lambda: stratum.LogisticRegression(text_cols=["abstract"]).fit(X, Y, eval_set=(X, Y)),
           TypeError, "LogisticRegression.fit() got an unexpected keyword argument 'eval_set'")
    raises(lambda: stratum.GBDTClassifier(text_cols=["abstract"], num_trees=5)
           .fit(X, Y, eval_set=(X, Y)), stratum.StratumError,
           "text_cols: not with eval_set or monotone yet")
    # and the weights given are used
    w = np.where(np.arange(len(Y)) % 2 == 0, 1.0, 3.0)
    for make in (lambda: stratum.LogisticRegression(text_cols=["abstract"]),
                 lambda: stratum.GBDTClassifier(text_cols=["abstract"], num_trees=5)):
        plain, weighted = make().fit(X, Y), make().fit(X, Y, sample_weight=w)
        assert not np.array_equal(plain.predict_proba(X), weighted.predict_proba(X))


finish()
