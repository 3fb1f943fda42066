#!/usr/bin/env python3
"""stratum's gradient-boosted trees on sparse data (exclusive feature bundling,
src/gbdt/gbdt_bundle.c) against XGBoost's hist method on the same CSR matrix, run by
ctest with Debian's python3 (python3-xgboost, python3-scipy, python3-sklearn):

    gbdt_sparse_vs_xgboost.py STRATUM WORKDIR

The data are made here (numpy seed 20261206): 3000 training and 1000 test rows of 300
sparse columns, 200 binary (about 3% ones) and 100 counts (about 5% non-zero, 1..6),
the label drawn from a logistic model on a dozen of them; written by scikit-learn's
dump_svmlight_file (zero-based), so that stratum reads them sparse and bundles them.

Both grow 100 trees leaf-wise with at most 31 leaves, learning rate 0.1, at most 255 bins,
a minimum Hessian sum of MIN_HESS per leaf and no minimum row count (XGBoost has none), no
penalty, from the log-odds of the positive rate (the settings of gbdt_vs_xgboost.py but
for the Hessian).
Every column has fewer than 255 distinct values, so each value has a bin of its own on
both sides.

  1. XGBoost on the dense array of the same values (0 a value like any other) grows the
     same trees as stratum on the LibSVM file: the training rows' probabilities agree
     within TOL_SAME (thresholds sit at different points between two values, never
     between two training rows).
  2. XGBoost on the CSR matrix (scipy.sparse.csr_matrix), where an absent entry is
     missing: on the binary columns alone "absent" and "0" are the same partition of
     the rows, so the trees are again the same (TOL_SAME); with the count columns too,
     XGBoost may send the absent rows with any end of a count's range, which stratum
     (absent = 0, the lowest value) cannot: the test ROC-AUCs are printed for
     information (a different model, not an error: on this table XGBoost's reading
     gains about 0.01 of AUC).
"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp
import xgboost as xgb
from sklearn.datasets import dump_svmlight_file
from sklearn.metrics import roc_auc_score

TOL_SAME = 1e-3
# a Hessian sum of at least 2 per leaf (about 10 rows): leaves of one or two rows make
# ties of equal gain between features, which float32 (XGBoost) and double (stratum) sums
# break differently
MIN_HESS = 2.0
N_TRAIN, N_TEST, N_BIN, N_CNT = 3000, 1000, 200, 100


def make_data(rng):
    n = N_TRAIN + N_TEST
    x = np.zeros((n, N_BIN + N_CNT), np.float32)
    x[:, :N_BIN] = rng.random((n, N_BIN)) < 0.03
    nz = rng.random((n, N_CNT)) < 0.05
    x[:, N_BIN:] = np.where(nz, rng.integers(1, 7, (n, N_CNT)), 0)
    w = np.zeros(N_BIN + N_CNT)
    w[[0, 3, 7, 20, 50, 99]] = [1.5, -1.2, 1.0, 0.8, -0.9, 1.1]
    w[[N_BIN, N_BIN + 5, N_BIN + 17, N_BIN + 40]] = [0.5, -0.4, 0.3, 0.35]
    logit = -1.0 + x @ w
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


def run(args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r


def stratum(bin_path, work, name, x_tr, y_tr, x_te, y_te):
    """Trains on x_tr written as LibSVM; probabilities of the training and test rows."""
    train, test = os.path.join(work, f"{name}_train.svm"), os.path.join(work, f"{name}_test.svm")
    dump_svmlight_file(sp.csr_matrix(x_tr), y_tr, train, zero_based=True)
    dump_svmlight_file(sp.csr_matrix(x_te), y_te, test, zero_based=True)
    model = os.path.join(work, f"{name}.model")
    run([bin_path, "train", "gbdt", train, "-o", model, "--quiet", "--num-trees", 100,
         "--num-leaves", 31, "--max-depth", -1, "--learning-rate", 0.1, "--max-bin", 255,
         "--min-data-in-leaf", 1, "--min-sum-hessian-in-leaf", MIN_HESS, "--lambda-l1", 0,
         "--lambda-l2", 0, "--min-gain-to-split", 0, "--threads", 2])
    out = []
    for path in (train, test):
        pred = os.path.join(work, f"{name}_pred.csv")
        run([bin_path, "predict", model, path, "-o", pred, "--threads", 2])
        out.append(pd.read_csv(pred)["p"].to_numpy())
    return out


def xgboost(x_tr, y_tr, x_tests):
    params = {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31,
              "max_depth": 0, "eta": 0.1, "max_bin": 255, "min_child_weight": MIN_HESS,
              "lambda": 0.0, "alpha": 0.0, "gamma": 0.0, "base_score": float(y_tr.mean()),
              "objective": "binary:logistic", "nthread": 1, "seed": 0}
    bst = xgb.train(params, xgb.DMatrix(x_tr, label=y_tr), num_boost_round=100)
    return [bst.predict(xgb.DMatrix(x)) for x in x_tests]


def main():
    bin_path, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    x_tr, y_tr, x_te, y_te = make_data(np.random.default_rng(20261206))
    # distinct values per column stay below 255: one bin per value on both sides
    assert max(len(np.unique(x_tr[:, j])) for j in range(x_tr.shape[1])) < 255
    fails = []

    def same(what, ours, theirs):
        d = float(np.max(np.abs(ours - theirs)))
        ok = d <= TOL_SAME
        print(f"{'ok  ' if ok else 'FAIL'} {what}: max |p diff| on the training rows {d:.3g} "
              f"(tolerance {TOL_SAME})")
        if not ok:
            fails.append(what)

    st_tr, st_te = stratum(bin_path, work, "all", x_tr, y_tr, x_te, y_te)
    dense_tr, = xgboost(x_tr, y_tr, [x_tr])
    same("all columns, XGBoost on the dense array", st_tr, dense_tr)

    b_tr, b_te = x_tr[:, :N_BIN], x_te[:, :N_BIN]
    stb_tr, _ = stratum(bin_path, work, "binary", b_tr, y_tr, b_te, y_te)
    csr_b_tr, = xgboost(sp.csr_matrix(b_tr), y_tr, [sp.csr_matrix(b_tr)])
    same("binary columns, XGBoost on the CSR matrix", stb_tr, csr_b_tr)

    csr_te, = xgboost(sp.csr_matrix(x_tr), y_tr, [sp.csr_matrix(x_te)])
    auc_st, auc_x = roc_auc_score(y_te, st_te), roc_auc_score(y_te, csr_te)
    print(f"info all columns, XGBoost on the CSR matrix (absent = missing): test AUC "
          f"stratum {auc_st:.4f}, xgboost {auc_x:.4f} (diff {auc_st - auc_x:+.4f})")
    if fails:
        print("FAILED:", ", ".join(fails))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
