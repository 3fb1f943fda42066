"""Calibration maps against scikit-learn 1.2: Platt's a, b against
sklearn.calibration._sigmoid_calibration (which CalibratedClassifierCV(method="sigmoid")
uses, with logit(p) as the decision function), and the isotonic breakpoints and fitted
values against IsotonicRegression(out_of_bounds="clip"), with and without weights, with
tied scores, and with scores of exactly 0 and 1. Then through the CLI: the map that
`stratum train --recalibrate` stores in the model equals scikit-learn's fitted on the
out-of-fold predictions train saved (--oof), and the file's p column is that map applied.

    calibration_vs_sklearn.py CALIBRATION_FIT WORKDIR [STRATUM DATASET]
"""
import os
import subprocess
import sys

import numpy as np
from scipy.special import expit
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

TOL = 1e-6
EPS = np.finfo(float).eps


def run(tool, workdir, method, p, y, w, grid):
    data = os.path.join(workdir, "data.txt")
    gridf = os.path.join(workdir, "grid.txt")
    with open(data, "w") as f:
        for i in range(len(p)):
            f.write("%.17g %d %.9g\n" % (p[i], y[i], -1 if w is None else w[i]))
    with open(gridf, "w") as f:
        f.write("".join("%.17g\n" % g for g in grid))
    out = subprocess.run([tool, method, data, gridf], check=True, capture_output=True,
                         text=True).stdout.split("\n")
    head = out[0].split()
    if head[0] == "platt":
        return (float(head[1]), float(head[2])), np.array([float(v) for v in out[1:] if v])
    k = int(head[1])
    pts = np.array([[float(v) for v in line.split()] for line in out[1:1 + k]])
    return pts, np.array([float(v) for v in out[1 + k:] if v])


def cases():
    rng = np.random.default_rng(7)
    n = 3000
    x = rng.normal(size=n)
    y = (rng.random(n) < expit(1.2 * x - 2.0)).astype(int)       # about 15% positive
    p = expit(2.5 * x - 0.3)                                      # overconfident, shifted
    w = rng.uniform(0.2, 3.0, size=n).astype(np.float32).astype(float)
    yield "continuous", p, y, None
    yield "weighted", p, y, w
    yield "ties", np.round(p, 2), y, None
    yield "ties, weighted", np.round(p, 2), y, w
    w0 = w.copy()
    w0[::7] = 0                                                   # zero weights drop out
    yield "zero weights", np.round(p, 3), y, w0
    pe = p.copy()
    pe[:20] = 0.0
    pe[20:40] = 1.0                                               # logit clipped
    yield "scores 0 and 1", pe, y, None
    # a balanced-weight logistic model's probabilities on a 6% outcome
    x2 = rng.normal(size=(2000, 3))
    eta = x2 @ np.array([1.0, -0.7, 0.4]) - 3.2
    y2 = (rng.random(2000) < expit(eta)).astype(int)
    yield "class-weighted model", expit(eta + 2.7), y2, None


def model_lines(path):
    with open(path) as f:
        return [line.split() for line in f]


def check_cli(stratum, dataset, workdir):
    """train --recalibrate on DATASET, then the map against scikit-learn on its --oof file."""
    failures = 0
    for family, method, extra in (("logreg", "platt", ["--class-weight", "balanced"]),
                                  ("gbdt", "isotonic", ["--num-trees", "30",
                                                        "--class-weight", "balanced"])):
        model = os.path.join(workdir, family + ".model")
        oof = os.path.join(workdir, family + "_oof.csv")
        subprocess.run([stratum, "train", family, dataset, "-o", model, "--recalibrate", method,
                        "--oof", oof, "-q", "--format", "csv"] + extra, check=True,
                       capture_output=True)
        data = np.genfromtxt(oof, delimiter=",", names=True)
        y, raw, p = data["label"].astype(int), data["p_raw"], data["p"]
        lines = model_lines(model)
        if method == "platt":
            a, b = next((float(l[2]), float(l[3])) for l in lines
                        if l[:2] == ["calibration", "platt"])
            c = np.clip(raw, EPS, 1 - EPS)
            f = np.log(c / (1 - c))
            A, B = _sigmoid_calibration(f, y)
            want = expit(-(A * f + B))
            ok = abs(a + A) <= TOL * max(1, abs(A)) and abs(b + B) <= TOL * max(1, abs(B))
            detail = "a %.9f (sklearn %.9f), b %.9f (sklearn %.9f)" % (a, -A, b, -B)
        else:
            pts = np.array([[float(l[1]), float(l[2])] for l in lines
                            if l[0] == "calibration_point"])
            iso = IsotonicRegression(out_of_bounds="clip").fit(raw, y)
            want = iso.predict(raw)
            ok = (len(pts) == len(iso.X_thresholds_) and
                  np.array_equal(pts[:, 0], iso.X_thresholds_) and
                  np.max(np.abs(pts[:, 1] - iso.y_thresholds_)) <= TOL)
            detail = "%d breakpoints (sklearn %d)" % (len(pts), len(iso.X_thresholds_))
        dp = np.max(np.abs(p - want))
        ok = ok and dp <= TOL
        print("train %-6s --recalibrate %-8s %s, max |p - sklearn| %.2e %s"
              % (family, method, detail, dp, "ok" if ok else "FAIL"))
        failures += not ok
    return failures


def main():
    tool, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    grid = np.concatenate([np.linspace(0, 1, 201), [1e-12, 1 - 1e-12, 0.123456789]])
    failures = 0
    for name, p, y, w in cases():
        # Platt
        (a, b), applied = run(tool, workdir, "platt", p, y, w, grid)
        f = np.log(np.clip(p, EPS, 1 - EPS) / (1 - np.clip(p, EPS, 1 - EPS)))
        A, B = _sigmoid_calibration(f, y, sample_weight=w)
        g = np.clip(grid, EPS, 1 - EPS)
        want = expit(-(A * np.log(g / (1 - g)) + B))
        da, db = abs(a + A), abs(b + B)
        dp = np.max(np.abs(applied - want))
        ok = da <= TOL * max(1, abs(A)) and db <= TOL * max(1, abs(B)) and dp <= TOL
        print("%-22s platt    a %.9f (sklearn %.9f)  b %.9f (sklearn %.9f)  max |p'| diff %.2e %s"
              % (name, a, -A, b, -B, dp, "ok" if ok else "FAIL"))
        failures += not ok
        # isotonic
        pts, applied = run(tool, workdir, "isotonic", p, y, w, grid)
        iso = IsotonicRegression(out_of_bounds="clip").fit(p, y, sample_weight=w)
        X, Y = iso.X_thresholds_, iso.y_thresholds_
        same_x = len(X) == len(pts) and np.array_equal(X, pts[:, 0])
        dy = np.max(np.abs(Y - pts[:, 1])) if same_x else np.inf
        dp = np.max(np.abs(applied - iso.predict(grid)))
        ok = same_x and dy <= TOL and dp <= TOL
        print("%-22s isotonic %d breakpoints (sklearn %d)  max |y| diff %.2e  max |p'| diff "
              "%.2e %s" % (name, len(pts), len(X), dy, dp, "ok" if ok else "FAIL"))
        failures += not ok
    if len(sys.argv) > 4:
        failures += check_cli(sys.argv[3], sys.argv[4], workdir)
    if failures:
        print("%d comparisons failed" % failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
