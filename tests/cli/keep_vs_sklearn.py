#!/usr/bin/python3
"""`stratum predict --keep`: the kept columns join back to DATA and evaluate as scikit-learn does.

Usage: keep_vs_sklearn.py STRATUM_BINARY

Copies datasets/thoracic_surgery.csv with an id column in front ('pid': texts with leading
zeros, one holding a comma, written by Python's csv module), trains a logistic regression
and a gbdt on it (--ignore pid), predicts with --keep pid,label and checks, per model:
the kept ids read back (csv module) equal the ids written, row for row; the kept labels
equal DATA's; scikit-learn's roc_auc_score on (label, p) from the prediction file equals,
to 1e-12, the ROC-AUC of `stratum evaluate --scores` on that file and of `stratum evaluate
MODEL DATA`. Exits 1 on failure. Run it with Debian's /usr/bin/python3.
"""
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from sklearn.metrics import roc_auc_score

DATASET = Path(__file__).resolve().parents[2] / "datasets" / "thoracic_surgery.csv"


def run(*args):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def roc_auc(binary, *args):
    out = run(binary, "evaluate", *args, "--bootstrap", "0", "--format", "json")
    return json.loads(out)["metrics"]["roc_auc"]["value"]


def main(argv):
    binary = argv[1]
    with open(DATASET, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    ids = [f"{7 * i:06d}" if i % 50 else f"X,{i}" for i in range(len(body))]
    labels = [r[header.index("label")] for r in body]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "cohort.csv"
        with open(data, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["pid"] + header)
            for i, r in enumerate(body):
                w.writerow([ids[i]] + r)
        for family in ("logreg", "gbdt"):
            model, pred = Path(tmp) / f"{family}.json", Path(tmp) / f"{family}.csv"
            extra = ["--num-trees", "30"] if family == "gbdt" else []
            run(binary, "train", family, data, "--ignore", "pid", "-o", model, "-q", *extra)
            run(binary, "predict", model, data, "--keep", "pid,label", "-o", pred)
            with open(pred, newline="") as f:
                got = list(csv.DictReader(f))
            if [g["pid"] for g in got] != ids or [g["label"] for g in got] != labels:
                print(f"FAIL {family}: kept pid/label differ from DATA's")
                failures += 1
                continue
            sk = roc_auc_score([int(g["label"]) for g in got], [float(g["p"]) for g in got])
            via_file = roc_auc(binary, "--scores", pred, "--score-col", "p", "--label-col", "label")
            via_model = roc_auc(binary, model, data)
            ok = abs(sk - via_file) <= 1e-12 and abs(sk - via_model) <= 1e-12
            print(f"{'ok  ' if ok else 'FAIL'} {family}: sklearn {sk:.15f}, evaluate --scores "
                  f"{via_file:.15f}, evaluate MODEL DATA {via_model:.15f}")
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
