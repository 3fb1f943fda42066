#!/usr/bin/env python3
"""stratum's LightGBM model import against LightGBM's own outputs, run by ctest with
Debian's python3 (python3-pandas, python3-numpy, python3-sklearn).

    lightgbm_import.py STRATUM_CLI FIXTURES_DIR WORKDIR

FIXTURES_DIR (tests/fixtures/lightgbm, see its README.md) holds models LightGBM 4.6 trained on
our shipped datasets, the rows it predicted and its outputs: predictions (task=predict)
and SHAP contributions (predict_contrib=true). For each model, on those rows:

    stratum predict            equal to LightGBM's probabilities                within 1e-10
    stratum predict --contrib  equal to LightGBM's contributions (bias last),
                               times the objective's sigmoid S (stratum folds S
                               into the leaf values, so its log-odds are S * raw) within 1e-10
    stratum evaluate           ROC-AUC, log loss and Brier score equal to scikit-learn's
                               on LightGBM's probabilities                      within 1e-10
    stratum explain            split counts equal to the model file's feature_importances,
                               gains to the sum of its split_gain values, mean |contrib|
                               to the mean |LightGBM contribution| * S
    stratum compare --model    (one model) out-of-fold probabilities equal to LightGBM's,
                               fold means of ROC-AUC, Brier and log loss equal to
                               scikit-learn's on those folds

Both compute in double from the same decimal leaf values, so only the order of the sums
differs: 1e-10 is far below any leaf value, and one row routed differently fails. The
models cover LightGBM's missing types None (NaN read as 0; wdbc, whose prediction rows have
blanks where training had none), NaN (cervical, thyroid) and Zero (cervical_zero, trained
with zero_as_missing), categorical splits on integer codes with bitsets of one and three
words, fed negative, fractional, unseen and missing codes (thyroid), and sigmoid:0.5
(wdbc_sigmoid). A LightGBM regression model and cut copies of a model are refused with
one line on stderr.
"""
import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

TOL = 1e-10
# model, prediction rows, the objective's sigmoid
CASES = [
    ("wdbc", "wdbc_missing", 1.0),
    ("wdbc_sigmoid", "wdbc_missing", 0.5),
    ("cervical", "cervical_predict", 1.0),
    ("cervical_zero", "cervical_predict", 1.0),
    ("thyroid", "thyroid_predict", 1.0),
]
failures = 0


def run(args, expect=0):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != expect:
        sys.exit(f"{' '.join(args)}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def check(what, ok, detail):
    global failures
    print(f"{'ok' if ok else 'FAILED'}: {what}: {detail}")
    failures += not ok


def close(what, got, want, tol=TOL):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        check(what, False, f"shape {got.shape}, LightGBM's {want.shape}")
        return
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    check(what, err <= tol, f"max |stratum - expected| = {err:.3g} (tolerance {tol:g})")


def model_file_facts(path):
    """Feature names, LightGBM's split-count importances and the sum of split_gain per
    feature, read from the model file's own text."""
    text = open(path).read()
    head, rest = text.split("\nTree=0\n", 1)
    trees, tail = rest.split("\nend of trees\n", 1)
    names = dict(line.split("=", 1) for line in head.splitlines() if "=" in line)[
        "feature_names"].split(" ")
    gains = dict.fromkeys(names, 0.0)
    for block in ("Tree=0\n" + trees).split("\n\n"):
        keys = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if int(keys.get("num_leaves", "1")) > 1:
            for f, g in zip(keys["split_feature"].split(), keys["split_gain"].split()):
                gains[names[int(f)]] += float(g)
    splits = dict.fromkeys(names, 0)
    section = tail.split("feature_importances:\n", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        name, count = line.rsplit("=", 1)
        splits[name] = int(count)
    return names, splits, gains


def main():
    cli, fixtures, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for name, rows, sigmoid in CASES:
        model = os.path.join(fixtures, f"{name}.model.txt")
        data = os.path.join(fixtures, f"{rows}.csv")
        p_lgb = np.loadtxt(os.path.join(fixtures, f"{name}.pred.txt"), ndmin=1)
        c_lgb = np.loadtxt(os.path.join(fixtures, f"{name}.contrib.txt"), ndmin=2) * sigmoid
        y = pd.read_csv(data)["label"].to_numpy().astype(int)
        names, splits, gains = model_file_facts(model)

        out = run([cli, "predict", model, data]).stdout
        close(f"{name}: predict vs LightGBM's task=predict",
              pd.read_csv(io.StringIO(out))["p"], p_lgb)

        out = pd.read_csv(io.StringIO(run([cli, "predict", model, data, "--contrib"]).stdout))
        cols = [f"contrib_{n}" for n in names] + ["bias"]
        check(f"{name}: --contrib columns", list(out.columns) == ["p"] + cols,
              "p, contrib_ of every feature of the model in its order, bias")
        close(f"{name}: --contrib vs LightGBM's predict_contrib x {sigmoid:g}",
              out[cols].to_numpy(), c_lgb)

        ev = json.loads(run([cli, "evaluate", model, data, "--format", "json"]).stdout)
        metrics = ev["metrics"]
        close(f"{name}: evaluate ROC-AUC, log loss, Brier vs scikit-learn on LightGBM's p",
              [metrics[k]["value"] for k in ("roc_auc", "log_loss", "brier")],
              [roc_auc_score(y, p_lgb), log_loss(y, p_lgb, labels=[0, 1]),
               brier_score_loss(y, p_lgb)])

        ex = json.loads(run([cli, "explain", model, data, "--format", "json"]).stdout)
        by = {f["feature"]: f for f in ex["features"]}
        check(f"{name}: explain lists every feature", sorted(by) == sorted(names),
              f"{len(by)} features")
        check(f"{name}: explain split counts vs the file's feature_importances",
              all(by[n]["split"] == splits[n] for n in names), "split count of each feature")
        close(f"{name}: explain gains vs the sum of the file's split_gain",
              [by[n]["gain"] for n in names], [gains[n] for n in names], 1e-9)
        close(f"{name}: explain mean |contrib| vs LightGBM's",
              [by[n]["mean_abs_contrib"] for n in names],
              np.mean(np.abs(c_lgb[:, :-1]), axis=0))

    # compare --model: LightGBM's probabilities out of fold, and the folds' metrics
    name, rows, _ = CASES[2]
    model = os.path.join(fixtures, f"{name}.model.txt")
    data = os.path.join(fixtures, f"{rows}.csv")
    oof = os.path.join(work, "oof.csv")
    table = json.loads(run([cli, "compare", data, "--models", "none", "--model", model,
                            "--folds", "4", "--oof", oof, "--format", "json", "-q"]).stdout)
    row = table["settings"][0]
    o = pd.read_csv(oof).sort_values("row")
    p = o[os.path.basename(model)].to_numpy()
    close("compare --model: out-of-fold p vs LightGBM's",
          p, np.loadtxt(os.path.join(fixtures, f"{name}.pred.txt")))
    y, fold = o["label"].to_numpy().astype(int), o["fold"].to_numpy()
    want = {"roc_auc": [], "brier": [], "log_loss": []}
    for f in np.unique(fold):
        te = fold == f
        want["roc_auc"].append(roc_auc_score(y[te], p[te]))
        want["brier"].append(brier_score_loss(y[te], p[te]))
        want["log_loss"].append(log_loss(y[te], p[te], labels=[0, 1]))
    close("compare --model: fold means of ROC-AUC, Brier, log loss vs scikit-learn",
          [row[k]["mean"] for k in want], [np.mean(v) for v in want.values()])

    # refused: another objective, a file cut inside a tree and one cut before its end
    data = os.path.join(fixtures, "wdbc_missing.csv")
    reg = os.path.join(fixtures, "regression.model.txt")
    for cmd in (["predict", reg, data], ["evaluate", reg, data], ["explain", reg, data]):
        err = run([cli] + cmd, expect=1).stderr
        want = (f"stratum: {reg}:7: objective 'regression' is not supported: stratum imports "
                "LightGBM models with objective=binary and one tree per iteration\n")
        check(f"{cmd[0]} of a regression model", err == want, repr(err))
    text = open(os.path.join(fixtures, "wdbc.model.txt")).read()
    lines = text.split("\n")
    cut_tree = os.path.join(work, "cut_tree.txt")
    inside = lines.index("Tree=3") + 5  # the file ends within tree 3's lines
    with open(cut_tree, "w") as f:
        f.write("\n".join(lines[:inside]) + "\n")
    err = run([cli, "predict", cut_tree, data], expect=1).stderr
    check("a file cut inside a tree", err == f"stratum: {cut_tree}:{inside}: the file ends "
          "inside tree 3: truncated?\n", repr(err))
    cut_end = os.path.join(work, "cut_end.txt")
    last = lines.index("end of trees")  # keep the blank line after the last tree
    with open(cut_end, "w") as f:
        f.write("\n".join(lines[:last]) + "\n")
    err = run([cli, "predict", cut_end, data], expect=1).stderr
    n_trees = sum(line.startswith("Tree=") for line in lines)
    check("a file cut before 'end of trees'", err == f"stratum: {cut_end}:{last}: the file "
          f"ends after tree {n_trees - 1} without the 'end of trees' line: truncated?\n",
          repr(err))
    if failures:
        sys.exit(f"{failures} failures")
    print("all ok")


if __name__ == "__main__":
    main()
