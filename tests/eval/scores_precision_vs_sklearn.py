#!/usr/bin/python3
"""`stratum evaluate --scores FILE` reads scores at full double precision.

Usage: scores_precision_vs_sklearn.py STRATUM_BINARY

A score of 0.999999999 on a negative row costs -log(1e-9) = 20.72 of log loss; read as a
32-bit float it would be 1.0 and cost 36.04 (log of the clip, 2^-52). Checks, to 1e-12
relative, log loss, Brier score and ROC-AUC of scores within 1e-9 .. 1e-15 of 0 and 1
(weighted and not, with a header and without one: --no-header --score-col 1 --label 0)
against scikit-learn's log_loss, brier_score_loss and roc_auc_score on the same doubles,
and one file's log loss against its hand-derived value. Exits 1 on failure. Run it with
Debian's /usr/bin/python3 (python3-sklearn 1.2).
"""
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn import metrics as skm

REL = 1e-12


def evaluate(binary, path, *extra):
    args = [binary, "evaluate", "--scores", str(path), "--bootstrap", "0", "--format", "json",
            *extra]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)["metrics"]


def close(a, b):
    return abs(a - b) <= REL * max(1.0, abs(b))


def main(argv):
    binary = argv[1]
    failed = 0

    def check(name, ok, detail):
        nonlocal failed
        print(f"{'ok' if ok else 'FAIL'}: {name}: {detail}")
        failed += not ok

    with tempfile.TemporaryDirectory(prefix="stratum_scores_") as d:
        tmp = Path(d)
        # the case, with 0.5 on four other rows: hand-derived
        one = tmp / "one.csv"
        one.write_text("p,label\n0.999999999,0\n0.5,1\n0.5,0\n0.5,1\n0.5,0\n")
        got = evaluate(binary, one)["log_loss"]["value"]
        expected = (-math.log(1 - 0.999999999) + 4 * math.log(2)) / 5
        check("log loss of 0.999999999 on a negative row", close(got, expected),
              f"{got!r}, hand-derived {expected!r}, sklearn "
              f"{skm.log_loss([0, 1, 0, 1, 0], [0.999999999, .5, .5, .5, .5])!r}")

        rng = np.random.default_rng(7)
        n = 400
        y = (rng.random(n) < 0.3).astype(int)
        eps = 10.0 ** -rng.integers(9, 16, size=n)          # 1e-9 .. 1e-15
        near_one = rng.random(n) < 0.5
        p = np.where(near_one, 1 - eps, eps)
        p[:40] = rng.random(40)                             # some ordinary scores
        w = rng.choice([0.5, 1.0, 2.0, 3.25], size=n)
        texts = [repr(float(v)) for v in p]
        headed, plain = tmp / "scores.csv", tmp / "scores.tsv"
        headed.write_text("p,label,w\n" + "".join(f"{t},{yi},{wi}\n"
                                                  for t, yi, wi in zip(texts, y, w)))
        plain.write_text("".join(f"{yi}\t{t}\n" for t, yi in zip(texts, y)))
        p = np.array([float(t) for t in texts])              # the doubles the texts denote
        for name, m, sw in (
                ("unweighted", evaluate(binary, headed), None),
                ("weighted", evaluate(binary, headed, "--weight-col", "w"), w),
                ("no header", evaluate(binary, plain, "--no-header", "--score-col", "1",
                                       "--label", "0"), None)):
            for key, ref in (("log_loss", skm.log_loss(y, p, sample_weight=sw, labels=[0, 1])),
                             ("brier", skm.brier_score_loss(y, p, sample_weight=sw)),
                             ("roc_auc", skm.roc_auc_score(y, p, sample_weight=sw))):
                got = m[key]["value"]
                check(f"{name} {key}", close(got, ref), f"{got!r}, sklearn {ref!r}")
    print("all passed" if failed == 0 else f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
