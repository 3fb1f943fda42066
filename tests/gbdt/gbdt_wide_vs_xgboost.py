#!/usr/bin/env python3
"""stratum's gradient-boosted trees with more than 255 bins (two-byte bin codes) against
XGBoost's hist method with the same max_bin, run by ctest with Debian's python3.

    gbdt_wide_vs_xgboost.py GBDT_FIT DATASETS_DIR

The split and the settings are those of gbdt_vs_xgboost.py (its helpers are reused)
except max_bin=1000 on both sides. wdbc and thyroid_sick have a feature with more than 255
distinct training values (checked), so stratum stores two-byte codes. With at most 1000
bins every distinct training value has a bin of its own on both sides, so both grow the
same trees on the training rows (thresholds may sit at different points between two
training values): the predicted probabilities of the training rows must agree within
TOL_TRAIN. Test ROC-AUCs are printed for information (on wdbc's 171 test rows they differ
by about as much as at max_bin 255, where thresholds between values matter).
"""
import os
import sys
import tempfile

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gbdt_vs_xgboost as base  # noqa: E402

MAX_BIN = 1000
TOL_TRAIN = 1e-3
DATASETS = [("wdbc", ["id"]), ("thyroid_sick", [])]


def xgboost(x_tr, y_tr, x_tests):
    params = {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31,
              "max_depth": 0, "eta": 0.1, "max_bin": MAX_BIN, "min_child_weight": 1e-3,
              "lambda": 0.0, "alpha": 0.0, "gamma": 0.0, "base_score": float(y_tr.mean()),
              "objective": "binary:logistic", "nthread": 1, "seed": 0}
    bst = xgb.train(params, xgb.DMatrix(x_tr, label=y_tr), num_boost_round=100)
    return [bst.predict(xgb.DMatrix(x)) for x in x_tests]


def main():
    fit_bin, datasets = sys.argv[1], sys.argv[2]
    failures = []
    wide_seen = False
    for name, ignore in DATASETS:
        with tempfile.TemporaryDirectory() as tmp:
            train_path, test_path = base.split_files(os.path.join(datasets, f"{name}.csv"), tmp)
            x_tr, y_tr, x_te, y_te = base.frames(train_path, test_path, ignore)
            distinct = max(len(np.unique(c[~np.isnan(c)])) for c in x_tr.T)
            wide_seen |= distinct > 255
            st_tr = base.stratum(fit_bin, train_path, train_path, ignore, max_bin=MAX_BIN,
                                 save=os.path.join(tmp, "model.txt"))
            st_te = base.stratum(fit_bin, train_path, test_path, ignore, max_bin=MAX_BIN)
            p_xgb_tr, p_xgb_te = xgboost(x_tr, y_tr, [x_tr, x_te])
        diff = np.max(np.abs(np.array(st_tr["prob"]) - p_xgb_tr))
        auc_st, auc_xgb = roc_auc_score(y_te, st_te["prob"]), roc_auc_score(y_te, p_xgb_te)
        ok = diff <= TOL_TRAIN
        print(f"{'ok  ' if ok else 'FAIL'} {name:16s} max_bin {MAX_BIN}, most distinct values "
              f"{distinct}: training rows max |p diff| {diff:.3g}; test AUC stratum "
              f"{auc_st:.4f}, xgboost {auc_xgb:.4f}")
        if not ok:
            failures.append(name)
    if not wide_seen:
        print("FAILED: no dataset has more than 255 distinct values in a feature")
        return 1
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
