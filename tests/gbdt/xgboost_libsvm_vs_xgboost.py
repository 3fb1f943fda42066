#!/usr/bin/env python3
"""Models and files XGBoost users have, scored by stratum against XGBoost's own output; run
by ctest with Debian's python3:

    xgboost_libsvm_vs_xgboost.py STRATUM WORKDIR

The data are made here, shaped like XGBoost's agaricus demo (rows of one-hot groups: a
binary sparse matrix), so CI needs no download: a training file whose largest index is
larger than the test file's, written zero-based by scikit-learn's dump_svmlight_file and
one-based by hand (as agaricus is).

  1. XGBoost trained from a one-based LibSVM file (feature f0 never present) and from a
     zero-based one: `stratum predict model.json test.svm` equals Booster.predict on the
     DMatrix of the same test file (absent entries missing, index k = feature fk), also
     for a test file whose lines hold explicit "k:0" entries (present zeros to XGBoost),
     and `predict --contrib` equals pred_contribs.
  2. XGBoost trained from a numpy array (with NaN) and from a pandas DataFrame: stratum on
     the same rows as CSV equals predict_proba.
  3. An early-stopped XGBClassifier: stratum's default equals predict_proba (which uses
     best_iteration), with a one-line note on stderr (none under --quiet);
     --iteration-range 0:N equals Booster.predict with every tree, A:B equals
     predict_proba(iteration_range=(A, B)); evaluate's log loss equals scikit-learn's on
     predict_proba.
  4. A stratum model trained on the long LibSVM file scores the short one exactly as the
     same rows written as a CSV with every column (absent = 0 for stratum's own models),
     for boosted trees and logistic regression.
  5. Errors: a UBJSON model, an iteration range outside the model, --iteration-range on a
     logistic model, bad --libsvm-base and --iteration-range values, an index 0 under
     --libsvm-base 1, a feature inside the file's range left out with --ignore.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.datasets import dump_svmlight_file, load_svmlight_file
from sklearn.metrics import log_loss

TOL = 2e-6          # probabilities: float32 sums in XGBoost vs double in stratum
TOL_CONTRIB = 1e-5  # contributions (log-odds)


def run(args, expect=0):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != expect:
        sys.exit(f"{' '.join(map(str, args))}: exit {r.returncode}, expected {expect}\n"
                 f"{r.stdout[-2000:]}\n{r.stderr}")
    return r


def read_p(path):
    return pd.read_csv(path)["p"].to_numpy()


def check(what, ours, theirs, tol=TOL):
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    if ours.shape != theirs.shape:
        sys.exit(f"{what}: shapes {ours.shape} and {theirs.shape}")
    gap = float(np.max(np.abs(ours - theirs)))
    if not gap <= tol:
        i = int(np.argmax(np.abs(ours - theirs)))
        sys.exit(f"{what}: stratum differs from XGBoost by {gap:.3g} (row {i}: {ours.flat[i]!r} "
                 f"vs {theirs.flat[i]!r}); tolerance {tol}")
    print(f"ok {what}: max gap {gap:.2g} over {ours.size} values")


def make_data(rng, n):
    """Agaricus-like rows: 20 groups of 6 levels, one level on per group (120 columns),
    the label a noisy function of a few levels."""
    groups, levels = 20, 6
    codes = rng.integers(0, levels, size=(n, groups))
    x = np.zeros((n, groups * levels), dtype=np.float32)
    for g in range(groups):
        x[np.arange(n), g * levels + codes[:, g]] = 1
    score = 1.5 * x[:, 3] - 1.2 * x[:, 10] + x[:, 20] * x[:, 27] - 0.8 * x[:, 40] + 0.5
    y = (score + rng.normal(0, 0.8, n) > 0.6).astype(int)
    return x, y


def write_one_based(path, x, y, explicit_zeros=()):
    """By hand, as agaricus is: index j + 1 for column j, only nonzero entries, plus an
    explicit "k:0" for each (row, column) in explicit_zeros."""
    extra = {}
    for i, j in explicit_zeros:
        extra.setdefault(i, set()).add(j)
    with open(path, "w") as f:
        for i in range(len(y)):
            cols = sorted(set(np.flatnonzero(x[i])) | extra.get(i, set()))
            pairs = " ".join(f"{j + 1}:{x[i, j]:g}" for j in cols)
            f.write(f"{y[i]} {pairs}\n")


def main():
    stratum, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    w = lambda name: os.path.join(work, name)
    rng = np.random.default_rng(7)
    x, y = make_data(rng, 3000)
    xtr, ytr, xte, yte = x[:2000], y[:2000], x[2000:].copy(), y[2000:]
    # the test file never reaches the last group's columns, nor column 0: its largest
    # index is smaller than the training file's, as in the issue
    xte[:, 114:] = 0
    xte[:, 0] = 0
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "seed": 1,
              "tree_method": "hist"}

    # ---- 1. models trained from LibSVM files, scored on LibSVM files ----
    write_one_based(w("train1.svm"), xtr, ytr)
    write_one_based(w("test1.svm"), xte, yte)
    # explicit zeros: columns the row does not have, written "k:0" (present to XGBoost)
    zeros = [(i, j) for i in range(0, len(yte), 3) for j in (3, 10, 40) if xte[i, j] == 0]
    write_one_based(w("test1z.svm"), xte, yte, zeros)
    dump_svmlight_file(xtr, ytr, w("train0.svm"), zero_based=True)
    dump_svmlight_file(xte, yte, w("test0.svm"), zero_based=True)
    for base, train, tests in (("one-based", "train1.svm", ("test1.svm", "test1z.svm")),
                               ("zero-based", "train0.svm", ("test0.svm",))):
        dtr = xgb.DMatrix(w(train) + "?format=libsvm")
        bst = xgb.train(params, dtr, 30)
        model = w(f"libsvm_{base}.json")
        bst.save_model(model)
        if base == "one-based":  # explicit k:0 entries are present zeros to XGBoost
            gap = np.max(np.abs(bst.predict(xgb.DMatrix(w("test1.svm") + "?format=libsvm")) -
                                bst.predict(xgb.DMatrix(w("test1z.svm") + "?format=libsvm"))))
            if gap < 1e-3:
                sys.exit("explicit zeros do not change XGBoost's predictions; the check is void")
        for test in tests:
            dte = xgb.DMatrix(w(test) + "?format=libsvm")
            if dte.num_col() >= dtr.num_col():
                sys.exit(f"{test}: expected fewer columns than {train}")
            run([stratum, "predict", model, w(test), "-o", w("p.csv")])
            theirs = bst.predict(dte)
            check(f"XGBoost from {base} LibSVM, predict {test}", read_p(w("p.csv")), theirs)
            # fed zeros for absent entries, XGBoost would differ: the test can fail
            dense = load_svmlight_file(w(test), zero_based=True,
                                       n_features=dtr.num_col())[0].toarray()
            zero_fed = bst.predict(xgb.DMatrix(dense, missing=np.nan))
            if np.max(np.abs(zero_fed - theirs)) < 1e-3:
                sys.exit(f"{test}: absent-as-zero would agree with XGBoost; the check is void")
            print(f"   (absent entries read as 0 would differ by "
                  f"{np.max(np.abs(zero_fed - theirs)):.3f})")
            # XGBoost 1.7 explains only a DMatrix of the model's width: the same file
            # as a sparse matrix of that width (which predicts as the file does)
            wide = xgb.DMatrix(load_svmlight_file(w(test), zero_based=True,
                                                  n_features=dtr.num_col())[0])
            check(f"   (XGBoost: {test} as a sparse matrix, as the file)", bst.predict(wide),
                  theirs, 0)
            run([stratum, "predict", "--contrib", model, w(test), "-o", w("c.csv")])
            ours = pd.read_csv(w("c.csv")).drop(columns=["p"]).to_numpy()
            check(f"XGBoost from {base} LibSVM, contributions on {test}", ours,
                  bst.predict(wide, pred_contribs=True), TOL_CONTRIB)
            # explain names an absent entry as XGBoost reads it: missing, not 0 (an
            # explicit k:0 in test1z.svm is 0)
            r = run([stratum, "explain", "-q", model, w(test), "--rows", "1", "--top", "50"])
            if "= missing" not in r.stdout or ((" = 0 " in r.stdout) != (test == "test1z.svm")):
                sys.exit(f"explain {test}: absent entries should read 'missing':\n{r.stdout}")

    # ---- 2. models trained from numpy and pandas, scored on CSV ----
    xn = xtr.copy()
    xn[rng.random(xn.shape) < 0.05] = np.nan
    xt = xte.copy()
    xt[rng.random(xt.shape) < 0.05] = np.nan
    clf = xgb.XGBClassifier(n_estimators=30, max_depth=4, learning_rate=0.3, random_state=1)
    clf.fit(xn, ytr)
    clf.save_model(w("numpy.json"))
    pd.DataFrame(xt, columns=[f"f{j}" for j in range(xt.shape[1])]).to_csv(
        w("numpy_test.csv"), index=False, na_rep="")
    run([stratum, "predict", w("numpy.json"), w("numpy_test.csv"), "-o", w("p.csv")])
    check("XGBClassifier from numpy, predict CSV", read_p(w("p.csv")),
          clf.predict_proba(xt)[:, 1])
    names = [f"g{j // 6}_level{j % 6}" for j in range(xtr.shape[1])]
    dtrain = pd.DataFrame(xn, columns=names)
    dtest = pd.DataFrame(xt, columns=names)
    clf_pd = xgb.XGBClassifier(n_estimators=30, max_depth=4, learning_rate=0.3, random_state=1)
    clf_pd.fit(dtrain, ytr)
    clf_pd.save_model(w("pandas.json"))
    dtest[names[::-1]].to_csv(w("pandas_test.csv"), index=False, na_rep="")  # any order
    run([stratum, "predict", w("pandas.json"), w("pandas_test.csv"), "-o", w("p.csv")])
    check("XGBClassifier from pandas, predict CSV", read_p(w("p.csv")),
          clf_pd.predict_proba(dtest)[:, 1])

    # ---- 3. early stopping ----
    flip = rng.random(len(ytr)) < 0.2  # noisy labels: the validation loss turns soon
    ynoisy = np.where(flip, 1 - ytr, ytr)
    es = xgb.XGBClassifier(n_estimators=200, max_depth=5, learning_rate=0.3, random_state=1,
                           early_stopping_rounds=5)
    es.fit(xn[:1500], ynoisy[:1500], eval_set=[(xn[1500:], ynoisy[1500:])], verbose=False)
    es.save_model(w("early.json"))
    n_trees = es.get_booster().num_boosted_rounds()
    best = es.best_iteration
    if not best + 1 < n_trees:
        sys.exit(f"early stopping kept every tree ({best + 1} of {n_trees}); the check is void")
    r = run([stratum, "predict", w("early.json"), w("numpy_test.csv"), "-o", w("p.csv")])
    proba = es.predict_proba(xt)[:, 1]
    check(f"early-stopped XGBClassifier (best_iteration {best} of {n_trees}), predict_proba",
          read_p(w("p.csv")), proba)
    note = (f"stratum: note: {w('early.json')}: XGBoost early stopping recorded best_iteration "
            f"{best}: scoring with iterations 0:{best + 1} of {n_trees}, as its predict_proba "
            f"does (--iteration-range 0:{n_trees} uses all)\n")
    if r.stderr != note:
        sys.exit(f"stderr is {r.stderr!r}; expected {note!r}")
    r = run([stratum, "predict", "--quiet", w("early.json"), w("numpy_test.csv"), "-o",
             w("p.csv")])
    if r.stderr != "":
        sys.exit(f"--quiet: stderr is {r.stderr!r}; expected nothing")
    every = es.get_booster().predict(xgb.DMatrix(xt), iteration_range=(0, n_trees))
    if np.max(np.abs(every - proba)) < 1e-3:
        sys.exit("every tree and the best iteration agree; the check is void")
    run([stratum, "predict", w("early.json"), w("numpy_test.csv"), "-o", w("p.csv"),
         "--iteration-range", f"0:{n_trees}"])
    check("early-stopped model, --iteration-range 0:N, Booster.predict", read_p(w("p.csv")),
          every)
    run([stratum, "predict", w("early.json"), w("numpy_test.csv"), "-o", w("p.csv"),
         "--iteration-range", "1:3"])
    check("--iteration-range 1:3, predict_proba(iteration_range=(1, 3))", read_p(w("p.csv")),
          es.predict_proba(xt, iteration_range=(1, 3))[:, 1])
    pd.DataFrame(xt, columns=[f"f{j}" for j in range(xt.shape[1])]).assign(label=yte).to_csv(
        w("numpy_test_y.csv"), index=False, na_rep="")
    r = run([stratum, "evaluate", "-q", w("early.json"), w("numpy_test_y.csv"), "--format",
             "json", "--bootstrap", "0"])
    ours = json.loads(r.stdout)["metrics"]["log_loss"]["value"]
    check("early-stopped model, evaluate log loss vs scikit-learn", [ours],
          [log_loss(yte, proba)], 1e-6)
    r = run([stratum, "explain", "-q", w("early.json"), w("numpy_test.csv"), "--format", "csv"])

    # ---- 4. stratum's own models on a shorter LibSVM file ----
    cols = [f"f{j + 1}" for j in range(xtr.shape[1])]
    pd.DataFrame(xte, columns=cols).assign(label=yte).to_csv(w("test1_full.csv"), index=False)
    for family, extra in (("gbdt", ["--num-trees", "20"]), ("logreg", ["--lambda", "0.01"])):
        model = w(f"own_{family}.model")
        run([stratum, "train", family, w("train1.svm"), "-q", "-o", model] + extra)
        run([stratum, "predict", model, w("test1.svm"), "-o", w("p_svm.csv")])
        run([stratum, "predict", model, w("test1_full.csv"), "-o", w("p_csv.csv")])
        a, b = read_p(w("p_svm.csv")), read_p(w("p_csv.csv"))
        if not np.array_equal(a, b):
            sys.exit(f"stratum {family}: the short LibSVM file and the full CSV differ by "
                     f"{np.max(np.abs(a - b))}")
        print(f"ok stratum {family} on the short LibSVM file = the full CSV, {len(a)} rows")

    # ---- 5. errors ----
    bst = xgb.train(params, xgb.DMatrix(w("train1.svm") + "?format=libsvm"), 3)
    bst.save_model(w("m.ubj"))
    expect_err = [
        ([stratum, "predict", w("m.ubj"), w("test1.svm")], 1,
         f"stratum: {w('m.ubj')}: UBJSON is not supported: save the model as .json\n"),
        ([stratum, "predict", w("early.json"), w("numpy_test.csv"), "--iteration-range",
          f"0:{n_trees + 1}"], 1,
         f"stratum: {w('early.json')}: iteration range 0:{n_trees + 1} is not within the "
         f"model's {n_trees} iterations; expected A:B with 0 <= A < B <= {n_trees}\n"),
        ([stratum, "predict", w("own_logreg.model"), w("test1.svm"), "--iteration-range",
          "0:2"], 2, None),
        ([stratum, "evaluate", w("own_logreg.model"), w("test1.svm"), "--iteration-range",
          "0:2"], 2, None),
        ([stratum, "predict", w("early.json"), w("numpy_test.csv"), "--iteration-range",
          "3:2"], 2,
         "stratum: --iteration-range '3:2': expected A:B, whole numbers with 0 <= A < B\n"),
        ([stratum, "predict", w("own_gbdt.model"), w("test0.svm"), "--libsvm-base", "2"], 2,
         "stratum: --libsvm-base '2': expected 0 or 1\n"),
    ]
    for args, code, text in expect_err:
        r = run(args, expect=code)
        if text is not None and r.stderr != text:
            sys.exit(f"{' '.join(map(str, args))}: stderr {r.stderr!r}; expected {text!r}")
    r = run([stratum, "predict", w("own_gbdt.model"), w("train0.svm"), "--libsvm-base", "1"], 1)
    if "feature index 0 in a file read as one-based" not in r.stderr:
        sys.exit(f"--libsvm-base 1 on a file with index 0: {r.stderr!r}")
    r = run([stratum, "predict", w("own_gbdt.model"), w("test1.svm"), "--ignore", "f4"], 1)
    if "feature 'f4' of the model is not in the dataset" not in r.stderr:
        sys.exit(f"--ignore f4: {r.stderr!r}")
    r = run([stratum, "predict", w("own_logreg.model"), w("test1.svm"), "--iteration-range",
             "0:2"], 2)
    if "--iteration-range applies to boosted-trees models" not in r.stderr:
        sys.exit(f"--iteration-range on a logistic model: {r.stderr!r}")
    print("ok errors")


if __name__ == "__main__":
    main()
