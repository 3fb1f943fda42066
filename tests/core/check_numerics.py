#!/usr/bin/env python3
"""Extreme but valid inputs train without NaN or infinite outputs: 1e30-scale features,
perfectly separable classes, duplicate rows with both labels, a 99.9%-missing column and a
constant column. For each model family, every saved coefficient or leaf value and every
predicted probability must be finite (probabilities within [0, 1]).

usage: check_numerics.py STRATUM WORK_DIR
"""
import csv
import math
import os
import random
import subprocess
import sys


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make_inputs(work):
    rng = random.Random(5)
    n = 2000
    cases = {}
    rows = []
    for i in range(n):
        y = int(rng.random() < 0.1)
        rows.append([f"{(rng.gauss(0, 1) + 2 * y) * 1e30:.6g}", f"{rng.gauss(0, 1):.6g}", y])
    cases["1e30-scale feature"] = (["big", "x", "label"], rows)
    rows = [[f"{i / n:.6f}", int(i >= n * 0.97)] for i in range(n)]  # 3% positives, separable
    cases["perfectly separable, 3% positive"] = (["x", "label"], rows)
    rows = [[1, 2, i % 2] for i in range(n)]  # every row identical, both labels
    cases["duplicate rows with both labels"] = (["a", "b", "label"], rows)
    rows = []
    for i in range(n):
        y = int(rng.random() < 0.05)
        sparse = f"{rng.gauss(y, 1):.4f}" if i < 2 else ""  # 99.9% missing
        rows.append([sparse, 7, f"{rng.gauss(y, 1):.4f}", y])
    cases["99.9% missing column and a constant one"] = (["sparse", "const", "x", "label"], rows)
    paths = {}
    for k, (name, (header, rows)) in enumerate(cases.items()):
        paths[name] = os.path.join(work, f"numerics_{k}.csv")
        write_csv(paths[name], header, rows)
    return paths


def numbers_in_model(path):
    """Every number on the value lines of a model file (coefficients, intercept, leaves)."""
    values = []
    with open(path) as f:
        for line in f:
            key, _, rest = line.partition(" ")
            if key in ("coef", "intercept", "leaf", "node", "init_score"):
                for tok in rest.split():
                    try:
                        values.append(float(tok))
                    except ValueError:
                        pass
    return values


def check(stratum, family, name, data, work):
    model = os.path.join(work, f"{family}.model")
    out = os.path.join(work, f"{family}_p.csv")
    extra = ["--lambda", "1e-3"] if family == "logreg" else ["--num-trees", "30"]
    r = subprocess.run([stratum, "train", family, data, "-o", model, "-q", *extra],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return f"train failed: {r.stderr.strip()}"
    bad = [v for v in numbers_in_model(model) if not math.isfinite(v)]
    if bad:
        return f"model holds non-finite values {bad[:5]}"
    r = subprocess.run([stratum, "predict", model, data, "-o", out], capture_output=True, text=True)
    if r.returncode != 0:
        return f"predict failed: {r.stderr.strip()}"
    with open(out) as f:
        probs = [float(line) for line in f.read().split()[1:]]
    bad = [p for p in probs if not (math.isfinite(p) and 0.0 <= p <= 1.0)]
    if bad or not probs:
        return f"{len(bad)} probabilities outside [0, 1] or not finite, e.g. {bad[:5]}"
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    stratum, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    families = ["logreg"]
    help_text = subprocess.run([stratum, "train", "--help"], capture_output=True, text=True).stdout
    if "train gbdt DATA" in help_text:
        families.append("gbdt")
    passed = failed = 0
    for name, data in make_inputs(work).items():
        for family in families:
            problem = check(stratum, family, name, data, work)
            print(f"{'FAILED' if problem else 'ok'}: {family}, {name}{': ' + problem if problem else ''}")
            passed += problem is None
            failed += problem is not None
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
