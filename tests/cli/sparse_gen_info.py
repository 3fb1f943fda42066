"""Checks `stratum-gen sparse` and `stratum info` on its files against scipy/scikit-learn.

usage: sparse_gen_info.py STRATUM STRATUM_GEN SCRATCH_DIR

stratum-gen sparse: the same seed gives the same bytes and another seed other bytes; every
line has --entries distinct 1-based indices in increasing order within --features; values
are 1 (or counts 1..9 with --values count); code frequencies are skewed (one code in many
rows, the median code in very few); the positive rate is the one asked for; the planted
signal is shared by two seeds (a scikit-learn logistic regression fitted on one file ranks
the other's rows well). stratum info --format json: the table's and each column's
non-zeros, density, min, mean and max equal scipy's on the same file (sklearn's
load_svmlight_file), and a column is stored sparse exactly when it has entries in fewer
than half of the rows. The text summary's non-zeros line, and the usage errors.
"""
import json
import os
import subprocess
import sys

import numpy as np
from sklearn.datasets import load_svmlight_file
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROWS, FEATURES, ENTRIES = 4000, 3000, 30


def run(args, expect=0):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != expect:
        raise SystemExit(f"{args}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def gen(binary, path, seed, *extra):
    run([binary, "sparse", "--rows", str(ROWS), "--features", str(FEATURES), "--entries",
         str(ENTRIES), "--seed", str(seed), "-o", path, *extra])
    with open(path, "rb") as f:
        return f.read()


def check_lines(data, counts):
    for n, line in enumerate(data.decode().splitlines(), 1):
        fields = line.split()
        assert fields[0] in ("0", "1"), f"line {n}: label {fields[0]}"
        pairs = [f.split(":") for f in fields[1:]]
        idx = [int(k) for k, _ in pairs]
        vals = [int(v) for _, v in pairs]
        assert len(idx) == ENTRIES, f"line {n}: {len(idx)} entries"
        assert all(1 <= k <= FEATURES for k in idx), f"line {n}: index out of range"
        assert all(a < b for a, b in zip(idx, idx[1:])), f"line {n}: indices not increasing"
        if counts:
            assert all(1 <= v <= 9 for v in vals), f"line {n}: {vals}"
        else:
            assert all(v == 1 for v in vals), f"line {n}: {vals}"


def main():
    stratum, stratum_gen, scratch = sys.argv[1:4]
    os.makedirs(scratch, exist_ok=True)
    train, again, test = (os.path.join(scratch, n) for n in ("a.svm", "b.svm", "c.svm"))
    a = gen(stratum_gen, train, 1)
    assert gen(stratum_gen, again, 1) == a, "same seed, other bytes"
    c = gen(stratum_gen, test, 2)
    assert c != a, "another seed, same bytes"
    check_lines(a, counts=False)
    counted = gen(stratum_gen, os.path.join(scratch, "n.svm"), 1, "--values", "count")
    check_lines(counted, counts=True)
    assert b":2" in counted and b":1" in counted

    X, y = load_svmlight_file(train, n_features=FEATURES, zero_based=False)
    Xt, yt = load_svmlight_file(test, n_features=FEATURES, zero_based=False)
    rows_per_code = np.sort(np.asarray((X != 0).sum(axis=0)).ravel())[::-1]
    assert rows_per_code[0] > 0.2 * ROWS, f"most frequent code in {rows_per_code[0]} rows"
    assert np.median(rows_per_code) < 0.01 * ROWS, f"median code in {np.median(rows_per_code)}"
    rate = y.mean()
    assert abs(rate - 0.1) < 0.02, f"positive rate {rate}"
    model = LogisticRegression(C=0.5, max_iter=2000).fit(X, y)
    auc = roc_auc_score(yt, model.predict_proba(Xt)[:, 1])
    assert auc > 0.62, f"held-out AUC {auc}: no shared signal"

    info = json.loads(run([stratum, "info", train, "--format", "json"]).stdout)
    n_features = info["n_features"]
    used = X[:, :n_features]  # the file's columns f1 .. f<largest index>
    assert info["rows"] == ROWS
    assert info["nonzeros"] == X.nnz
    assert abs(info["density"] - X.nnz / (ROWS * n_features)) < 1e-15
    per_code = np.asarray((used != 0).sum(axis=0)).ravel()
    col_min = used.min(axis=0).toarray().ravel()
    col_max = used.max(axis=0).toarray().ravel()
    col_mean = np.asarray(used.mean(axis=0)).ravel()
    for j, f in enumerate(info["features"]):
        assert f["name"] == f"f{j + 1}", f["name"]
        assert f["nonzeros"] == per_code[j], (f["name"], f["nonzeros"], per_code[j])
        assert abs(f["density"] - per_code[j] / ROWS) < 1e-15
        assert f["sparse"] == bool(2 * per_code[j] < ROWS), f["name"]
        assert f["missing"] == 0
        assert f["min"] == col_min[j] and f["max"] == col_max[j], f["name"]
        assert abs(f["mean"] - col_mean[j]) <= 1e-12, (f["name"], f["mean"], col_mean[j])
    assert any(f["sparse"] for f in info["features"])
    assert any(not f["sparse"] for f in info["features"])  # the most frequent code
    # modest memory: the entries and a small record per column, not rows x columns
    assert info["memory_bytes"] < 8 * X.nnz + 1000 * n_features + 4 * ROWS * 4

    text = run([stratum, "info", train]).stdout.splitlines()
    pct = 100 * X.nnz / (ROWS * n_features)  # two decimals, two digits below 1%
    shown = f"{pct:.2f}" if pct >= 1 else f"{pct:.2g}"
    expected = f"non-zeros {X.nnz} of {ROWS * n_features} values (density {shown}%)"
    assert expected in text, f"no line '{expected}' in {text[:8]}"

    r = run([stratum_gen, "sparse", "--rows", "5", "--format", "csv"], expect=2)
    assert r.stderr == ("stratum-gen: the sparse data set is written as LibSVM only "
                        "(see stratum-gen --help)\n"), r.stderr
    r = run([stratum_gen, "sparse", "--rows", "5", "--features", "100", "--entries", "51"],
            expect=2)
    assert r.stderr == ("stratum-gen: --entries 51: at most half of --features (50) "
                        "(see stratum-gen --help)\n"), r.stderr
    r = run([stratum_gen, "higgs", "--rows", "5", "--entries", "3"], expect=2)
    assert "--features, --entries and --values are for the sparse data set" in r.stderr
    print(f"ok: {ROWS} x {FEATURES} x {ENTRIES}, {X.nnz} entries, positive rate {rate:.3f}, "
          f"held-out AUC {auc:.3f}, {n_features} columns in info")


if __name__ == "__main__":
    main()
