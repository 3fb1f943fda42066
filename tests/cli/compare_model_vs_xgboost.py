#!/usr/bin/env python3
"""stratum compare --model with an XGBoost JSON model, against XGBoost and scikit-learn,
run by ctest with Debian's python3.

    compare_model_vs_xgboost.py STRATUM DATA.csv WORKDIR

XGBoost (binary:logistic, numeric features) is trained on every other row of DATA and
saved with save_model as JSON. `stratum compare DATA --models none --model m.json` must
then give, in --oof, XGBoost's own predict_proba for every row and repeat (the model is
never refitted), and in its table, for each metric, the mean over the folds (the fold of
each row read from the --oof file) of the metric computed by scikit-learn from those
probabilities on that fold's test rows: ROC-AUC, Brier and log loss at any rule; precision, recall and F1 at the
threshold chosen on the fold's training rows, by the fixed rule (0.5) and by the F1 rule
(the distinct training score maximising F1, the highest on a tie; positive at p >= t).
"""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import (brier_score_loss, f1_score, log_loss, precision_score,
                             recall_score, roc_auc_score)

TOL_P = 1e-6
TOL_METRIC = 1e-9
FOLDS, REPEATS = 4, 2


def run(args, expect=0):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != expect:
        sys.exit(f"{' '.join(args)}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def f1_threshold(p, y):
    """The F1 rule: the distinct score maximising F1 of (p >= t), the highest on a tie."""
    best_t, best_f1 = None, -1.0
    for t in sorted(set(p), reverse=True):
        pred = p >= t
        tp = np.sum(pred & (y == 1))
        fp = np.sum(pred & (y == 0))
        fn = np.sum(~pred & (y == 1))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else 0.0
        if f1 > best_f1 + 1e-12:
            best_t, best_f1 = t, f1
    return best_t


def fold_metrics(p, y, fold, rule):
    """Per-fold metrics as scikit-learn computes them, averaged over the folds."""
    per = {k: [] for k in ("roc_auc", "brier", "log_loss", "precision", "recall", "f1")}
    for f in np.unique(fold):
        te, tr = fold == f, fold != f
        t = 0.5 if rule == "fixed" else f1_threshold(p[tr], y[tr])
        pred = (p[te] >= t).astype(int)
        per["roc_auc"].append(roc_auc_score(y[te], p[te]))
        per["brier"].append(brier_score_loss(y[te], p[te]))
        per["log_loss"].append(log_loss(y[te], p[te], labels=[0, 1]))
        per["precision"].append(precision_score(y[te], pred, zero_division=0))
        per["recall"].append(recall_score(y[te], pred))
        per["f1"].append(f1_score(y[te], pred))
    return per


def main():
    stratum, data, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    d = pd.read_csv(data)
    x = d.drop(columns=["label", "id"], errors="ignore")
    y = d["label"].to_numpy().astype(int)
    # a small model, trained on half the rows: not perfect on the rest, and with ties
    clf = xgb.XGBClassifier(n_estimators=8, max_depth=2, learning_rate=0.3, tree_method="hist",
                            n_jobs=1, random_state=0)
    clf.fit(x.iloc[::2], y[::2])
    model = os.path.join(work, "m.json")
    clf.save_model(model)
    p_xgb = clf.predict_proba(x)[:, 1]

    failures = 0
    for rule in ("fixed", "f1"):
        oof = os.path.join(work, f"oof_{rule}.csv")
        r = run([stratum, "compare", data, "--models", "none", "--model", model, "--folds",
                 str(FOLDS), "--repeats", str(REPEATS), "--threshold-rule", rule, "--oof", oof,
                 "--format", "json", "-q"])
        table = json.loads(r.stdout)
        assert len(table["settings"]) == 1, table
        row = table["settings"][0]
        assert row["model"] == "m.json" and row["weight"] == "(fixed)", row
        o = pd.read_csv(oof)
        assert list(o.columns) == ["row", "fold", "repeat", "label", "m.json"], list(o.columns)
        assert len(o) == REPEATS * len(d)
        means = {k: [] for k in ("roc_auc", "brier", "log_loss", "precision", "recall", "f1")}
        for rep in range(1, REPEATS + 1):
            part = o[o["repeat"] == rep].sort_values("row")
            assert list(part["row"]) == list(range(1, len(d) + 1))
            p = part["m.json"].to_numpy()
            err = np.max(np.abs(p - p_xgb))
            print(f"{rule}, repeat {rep}: max |p - xgboost predict_proba| = {err:.2e}")
            if err > TOL_P:
                failures += 1
            assert np.array_equal(part["label"].to_numpy(), y)
            # the metrics of these probabilities (equal to XGBoost's, checked above, but
            # within float rounding: ties and thresholds need the exact ones)
            per = fold_metrics(p, y, part["fold"].to_numpy(), rule)
            for k in means:
                means[k] += per[k]
        for k, v in means.items():
            ours, theirs = row[k]["mean"], float(np.mean(v))
            ok = abs(ours - theirs) <= TOL_METRIC
            print(f"{rule}: {k} mean over {len(v)} folds: stratum {ours:.12f}, "
                  f"scikit-learn {theirs:.12f}{'' if ok else '  MISMATCH'}")
            failures += not ok
            assert row[k]["folds_defined"] == FOLDS * REPEATS

    # errors: a JSON file that is not an XGBoost model; a feature missing from the data
    # (--ignore id: else wdbc's id column adds its warning line)
    bad = os.path.join(work, "bad.json")
    with open(bad, "w") as f:
        f.write('{"something": 1}\n')
    r = run([stratum, "compare", data, "--models", "none", "--model", bad, "-q", "--ignore", "id"], expect=1)
    assert r.stderr.count("\n") == 1 and "bad.json" in r.stderr, r.stderr
    fewer = os.path.join(work, "fewer.csv")
    d.drop(columns=[x.columns[0]]).to_csv(fewer, index=False)
    r = run([stratum, "compare", fewer, "--models", "none", "--model", model, "-q", "--ignore", "id"], expect=1)
    assert r.stderr.count("\n") == 1 and "m.json" in r.stderr and x.columns[0] in r.stderr, \
        r.stderr
    if failures:
        sys.exit(f"{failures} mismatches")
    print("ok")


if __name__ == "__main__":
    main()
