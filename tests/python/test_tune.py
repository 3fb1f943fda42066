#!/usr/bin/env python3
"""stratum.tune, the out-of-core LogisticRegression, stratum.blas_info and the API's shared
conventions (one class-weight type, one default seed), against the CLI on
datasets/wdbc.csv: the same options and seed give `stratum tune`'s table (every number, to
the last bit) and its model file (cmp); `train logreg --out-of-core`'s model file; and
hostile input raises StratumError.

    test_tune.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import ctypes
import filecmp
import inspect
import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd

import stratum
from stratum import _lib
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)
WDBC = os.path.join(DATASETS, "wdbc.csv")
DF = pd.read_csv(WDBC, float_precision="round_trip")
Y = DF.pop("label").to_numpy()
X_DF = DF.drop(columns=["id"])
E = stratum.StratumError


def cli(*args):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, f"stratum {' '.join(args)}: {r.stderr}"
    return r.stdout


def cli_table(path):
    t = pd.read_csv(path, float_precision="round_trip")
    if "lambda" in t:  # "cv": chosen by the inner cross-validation; NaN in Python's
        t["lambda"] = [np.nan if v == "cv" else float(v) for v in t["lambda"].astype(str)]
    return t


# (family, estimator, stratum.tune's arguments, the CLI's options)
TUNES = [
    ("logreg", stratum.LogisticRegression(), dict(trials=9, seed=7),
     ["--trials", "9", "--seed", "7"]),
    ("logreg", stratum.LogisticRegression(alpha=1.0), dict(trials=4, metric="pr_auc", folds=4),
     ["--trials", "4", "--alpha", "1", "--metric", "pr_auc", "--folds", "4"]),
    ("gbdt", stratum.GBDTClassifier(num_leaves=8, class_weight=3, num_trees=40),
     dict(trials=5, metric="log_loss", seed=3),
     ["--trials", "5", "--num-leaves", "8", "--class-weight", "3", "--metric", "log_loss",
      "--seed", "3", "--num-trees", "40"]),
    # two brackets one after the other, candidates' rungs counted in trees, not rows
    ("gbdt", stratum.GBDTClassifier(num_leaves=6, num_trees=27), dict(trials=4, brackets=2,
                                                                     resource="trees"),
     ["--trials", "4", "--brackets", "2", "--resource", "trees", "--num-leaves", "6",
      "--num-trees", "27"]),
    ("logreg", stratum.LogisticRegression(), dict(trials=3, brackets=3, seed=11),
     ["--trials", "3", "--brackets", "3", "--seed", "11"]),
]


@case
def tune_is_the_clis_tune():
    for i, (kind, est, kw, opts) in enumerate(TUNES):
        cli_model = os.path.join(TMP, f"tune_cli_{i}.model")
        table = os.path.join(TMP, f"tune_cli_{i}.csv")
        cli("tune", kind, WDBC, "--ignore", "id", "-q", "-o", cli_model, "--table", table,
            *opts)
        res = stratum.tune(X_DF, Y, est, **kw)
        want = cli_table(table)
        got = res.trials
        assert list(got.columns) == list(want.columns), (list(got.columns), list(want.columns))
        for col in want.columns:
            a, b = got[col].to_numpy(), want[col].to_numpy()
            same = (np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f"
                    else np.array_equal(a.astype(str), b.astype(str)))
            assert same, (i, col, a[:5], b[:5])
        py_model = os.path.join(TMP, f"tune_py_{i}.model")
        res.best_estimator_.save(py_model)
        assert filecmp.cmp(cli_model, py_model, shallow=False), f"case {i}: {opts}"
        # the best's row is the top of the last rung; the estimator predicts as the file
        last = got[got["rung"] == got["rung"].max()]
        assert res.best["candidate"] in set(last["candidate"])
        m = stratum.load(cli_model)
        assert np.array_equal(m.predict_proba(X_DF),
                              res.best_estimator_.predict_proba(X_DF)[:, 1])
        assert res.defaults is not None and res.nested is None
        assert res.fold_of.shape == (len(Y),) and set(res.fold_of) == set(
            range(kw.get("folds", 5)))


@case
def tune_best_params_refit_to_the_same_model():
    # the best's parameters on a fresh estimator train the model tune refitted (the
    # lambda CV's and the early stopping's seeds: tune's seed, here 42 as the default)
    for est in (stratum.LogisticRegression(),
                stratum.GBDTClassifier(min_data_in_leaf=5, num_trees=30)):
        res = stratum.tune(X_DF, Y, est, trials=3)
        again = est.__class__(**{**est.get_params(), **res.best_params_}).fit(X_DF, Y)
        a, b = os.path.join(TMP, "best_a.model"), os.path.join(TMP, "best_b.model")
        res.best_estimator_.save(a)
        again.save(b)
        assert filecmp.cmp(a, b, shallow=False), res.best_params_
        assert pickle.loads(pickle.dumps(res.best_estimator_)).predict_proba(X_DF).shape == \
            (len(Y), 2)


@case
def tune_fixes_what_the_model_sets():
    res = stratum.tune(X_DF, Y, stratum.GBDTClassifier(learning_rate=0.05, num_trees=20),
                       trials=6)
    assert (res.trials["learning_rate"] == 0.05).all()
    assert res.trials["num_leaves"].nunique() > 1  # still searched
    res = stratum.tune(X_DF, Y, stratum.LogisticRegression(), trials=6, fixed=["alpha"])
    assert (res.trials["alpha"] == 0).all() and res.best_params_["alpha"] == 0


@case
def tune_refuses_hostile_input():
    raises(lambda: stratum.tune(X_DF, Y, trials=0), E, "trials=0: expected a whole number")
    raises(lambda: stratum.tune(X_DF, Y, metric="f1"), E, "metric='f1': expected one of")
    raises(lambda: stratum.tune(X_DF, Y, fixed=["max_bin"]), E, "not searched by tune")
    raises(lambda: stratum.tune(X_DF, Y, model=object()), E, "expected a stratum.")
    raises(lambda: stratum.tune(X_DF, Y, brackets=0), E, "brackets")
    # the threshold the best model would store, checked before the search
    raises(lambda: stratum.tune(X_DF, Y, model=stratum.LogisticRegression(threshold=2)), E,
           "threshold=2: expected a number from 0 to 1")
    raises(lambda: stratum.tune(X_DF, Y, resource="epochs"), E, "resource")
    # trees as the resource needs boosted trees with a number of trees set
    raises(lambda: stratum.tune(X_DF, Y, stratum.LogisticRegression(), resource="trees"), E,
           "resource='trees': expected a GBDTClassifier with num_trees set")
    raises(lambda: stratum.tune(X_DF, Y, stratum.GBDTClassifier(), resource="trees"), E,
           "resource='trees': expected a GBDTClassifier with num_trees set")
    raises(lambda: stratum.tune(X_DF, Y, time_budget=-1), E, "time_budget=-1")
    bad = Y.astype(float)
    bad[3] = np.nan
    raises(lambda: stratum.tune(X_DF, bad), E, "missing label (NaN) at row 3")
    raises(lambda: stratum.tune(X_DF, np.arange(len(Y)) % 3), E, "needs exactly 2")
    raises(lambda: stratum.tune(X_DF.iloc[:0], Y[:0]), E, "0 sample(s)")
    inf = X_DF.to_numpy(np.float64).copy()
    inf[2, 1] = np.inf
    raises(lambda: stratum.tune(inf, Y), E, "infinity at row 2, column 1")
    raises(lambda: stratum.tune(X_DF, Y[:-1]), E, "rows but y has")
    raises(lambda: stratum.tune(X_DF, Y, folds=1), E, "folds=1: expected 2 or more")


@case
def tune_with_a_time_budget_and_nested_folds():
    # spent at once: no candidate finished, so there is nothing to refit (stratum/tune.h)
    raises(lambda: stratum.tune(X_DF, Y, trials=9, time_budget=1e-9), E,
           "spent before any candidate finished its cross-validation")
    res = stratum.tune(X_DF, Y, trials=3, time_budget=1e6)  # not reached: a whole search
    assert not res.budget_spent and len(res.trials) == 3 + 2 and res.defaults is not None
    res = stratum.tune(X_DF, Y, trials=3, nested_folds=2)
    assert res.nested is not None and 0.5 < res.nested.loc["roc_auc", "mean"] <= 1


@case
def out_of_core_is_the_clis_out_of_core():
    # the CLI fits out of core with text columns (train logreg --text-col --out-of-core)
    data = os.path.join(TMP, "abstracts300.csv")
    pd.read_csv(os.path.join(DATASETS, "medical_abstracts.csv")).iloc[:300].to_csv(
        data, index=False)
    df = pd.read_csv(data)
    y = df.pop("label").to_numpy()
    x = df.drop(columns=["id"])
    for i, opts in enumerate(([], ["--class-weight", "balanced", "--ngrams", "1-2"])):
        est = stratum.LogisticRegression(lam=0.01, out_of_core=True, temp_dir=TMP,
                                         text_cols=["abstract"],
                                         class_weight="balanced" if opts else None,
                                         ngrams=(1, 2) if opts else (1, 1))
        cli_path = os.path.join(TMP, f"ooc_cli_{i}.model")
        cli("train", "logreg", data, "--ignore", "id", "--text-col", "abstract", "--lambda",
            "0.01", "--out-of-core", "-q", "-o", cli_path, *opts)
        py_path = os.path.join(TMP, f"ooc_py_{i}.model")
        est.fit(x, y).save(py_path)
        assert filecmp.cmp(cli_path, py_path, shallow=False), opts
        assert not [f for f in os.listdir(TMP) if f.startswith("stratum")]  # file removed
    # numeric data too: the in-memory fit's model to the solvers' tolerance (truncated
    # Newton from the file, exact Newton in memory; measured: coefficients within 2e-4 of
    # the largest, probabilities within 3e-5), and not the model of another lambda
    for kw in ({}, {"class_weight": "balanced", "standardize": False}):
        est = stratum.LogisticRegression(lam=0.01, out_of_core=True, **kw).fit(X_DF, Y)
        mem = stratum.LogisticRegression(lam=0.01, **kw).fit(X_DF, Y)
        other = stratum.LogisticRegression(lam=0.02, **kw).fit(X_DF, Y)
        scale = np.abs(mem.coef_).max()
        assert np.abs(est.coef_ - mem.coef_).max() < 1e-3 * scale, kw
        assert np.abs(other.coef_ - mem.coef_).max() > 1e-2 * scale, kw
        assert np.abs(est.predict_proba(X_DF) - mem.predict_proba(X_DF)).max() < 1e-4, kw
    raises(lambda: stratum.LogisticRegression(out_of_core=True).fit(X_DF, Y), E,
           "out_of_core=True needs lam")
    raises(lambda: stratum.LogisticRegression(lam=1, alpha=0.5, out_of_core=True).fit(X_DF, Y),
           E, "fits ridge only")
    raises(lambda: stratum.LogisticRegression(lam=1, impute="median",
                                              out_of_core=True).fit(X_DF, Y), E,
           "imputes the mean")
    raises(lambda: stratum.LogisticRegression(lam=1, out_of_core=True,
                                              temp_dir=os.path.join(TMP, "absent")).fit(X_DF, Y),
           E, "absent")


@case
def blas_info_says_what_ran():
    # a subprocess: the state is the process's, and this one may have loaded BLAS already
    code = ("import numpy as np, stratum; print(stratum.blas_info()); "
            "rng = np.random.default_rng(1); X = rng.normal(size=(400, 160)); "
            "y = (X[:, 0] + rng.normal(size=400) > 0).astype(int); "
            "stratum.LogisticRegression(lam=0.1).fit(X, y); print(stratum.blas_info())")
    for env, after in (({}, "loaded"), ({"STRATUM_NO_BLAS": "1"}, "missing")):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, **env}, check=True).stdout.split("\n")
        assert out[:2] == ["not needed", after], (env, out)


def lib_seed(fn, field):
    return getattr(getattr(_lib.lib, fn)(), field)


@case
def one_default_seed_everywhere():
    assert stratum.DEFAULT_SEED == 42
    # the C defaults (stratum/common.h's ST_DEFAULT_SEED) ...
    from stratum._cv import StCvParams  # noqa: F401 (declares st_cv_params_default)
    assert lib_seed("st_gbdt_params_default", "seed") == stratum.DEFAULT_SEED
    assert lib_seed("st_logreg_params_default", "cv_seed") == stratum.DEFAULT_SEED
    assert lib_seed("st_eval_params_default", "seed") == stratum.DEFAULT_SEED
    assert _lib.lib.st_cv_params_default().seed == stratum.DEFAULT_SEED
    assert _lib.lib.st_cv_params_default().gbdt.seed == stratum.DEFAULT_SEED
    from stratum._tune import StTuneParams  # noqa: F401
    assert _lib.lib.st_tune_params_default().cv.seed == stratum.DEFAULT_SEED
    # ... the CLI's --seed ...
    assert "--seed N               random seed (default: 42)" in cli("cv", "--help")
    # ... and every seed default of the package
    for fn, name in ((stratum.LogisticRegression, "random_state"),
                     (stratum.GBDTClassifier, "random_state"), (stratum.cv, "seed"),
                     (stratum.cv_path, "seed"), (stratum.evaluate, "seed"),
                     (stratum.compare, "seed"), (stratum.tune, "seed")):
        assert inspect.signature(fn).parameters[name].default == stratum.DEFAULT_SEED, fn
    # a C caller's default gbdt model is the CLI's default model, byte for byte (the seed
    # picks the early-stopping folds): the CLI's default equals the estimator's, which
    # sets every field, and the C default's seed is the same 42
    a, b = os.path.join(TMP, "seed_cli.model"), os.path.join(TMP, "seed_py.model")
    cli("train", "gbdt", WDBC, "--ignore", "id", "-q", "-o", a, "--bagging-fraction", "0.7",
        "--bagging-freq", "1")
    stratum.GBDTClassifier(bagging_fraction=0.7, bagging_freq=1).fit(X_DF, Y).save(b)
    assert filecmp.cmp(a, b, shallow=False)


@case
def one_class_weight_type():
    # boosted trees take logistic regression's st_class_weight: POSITIVE w with its
    # positive_weight is scale_pos_weight w, the model file byte for byte
    p = _lib.lib.st_gbdt_params_default()
    assert (p.class_weight, p.positive_weight, p.scale_pos_weight) == (0, 1.0, 1.0)
    p.class_weight, p.positive_weight = _lib.CLASS_WEIGHT_POSITIVE, 0.0
    assert _lib.lib.st_gbdt_params_check(ctypes.byref(p)) == b"positive_weight must be " \
        b"finite and > 0"
    p.class_weight = 3
    assert b"class_weight must be none, balanced or positive" in \
        _lib.lib.st_gbdt_params_check(ctypes.byref(p))
    # (that POSITIVE w trains scale_pos_weight w's model: tests/gbdt/test_gbdt_class_weight.c)
    # positives weighing w is rows weighing w (an independent form of the same weights)
    w = np.where(Y == 1, 4.0, 1.0)
    g1 = stratum.GBDTClassifier(num_trees=30, class_weight=4).fit(X_DF, Y)
    g2 = stratum.GBDTClassifier(num_trees=30).fit(X_DF, Y, sample_weight=w)
    assert np.allclose(g1.predict_proba(X_DF), g2.predict_proba(X_DF), rtol=0, atol=1e-12)


finish()
