#!/usr/bin/env python3
"""stratum cv --lambda-path against R's cv.glmnet (Debian r-cran-glmnet), run by ctest.

    cv_vs_glmnet.py STRATUM GLMNET_CV_R WDBC_CSV

Both get the same data (wdbc with every number rounded to float32, which is what stratum
stores), the same 10 folds (a "foldid" column: --fold-col for stratum, foldid= for
glmnet) and the same lambdas (stratum's own path, passed to cv.glmnet as lambda=), lasso
(alpha 1). For type.measure deviance and auc, the mean CV curve must agree to 1e-3
relative and the standard errors to 1e-2 relative at every lambda, and lambda_min and
lambda_1se must be the same indices. The path is cut to 50 lambdas down to 1e-3 x
lambda_max, which holds both choices, to keep the test short.
"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

failures = []


def with_folds(src, out, k=10):
    """The CSV rounded to float32, plus a foldid column 1..k (a fixed interleaving)."""
    with open(src) as f, open(out, "w") as g:
        g.write(f.readline().strip() + ",foldid\n")
        for i, line in enumerate(f):
            vals = line.strip().split(",")
            g.write(",".join(repr(float(np.float32(v))) for v in vals) +
                    f",{(i * 7) % k + 1}\n")


def stratum(cli, data, measure):
    args = [cli, "cv", "logreg", data, "--ignore", "id", "--fold-col", "foldid",
            "--alpha", "1", "--lambda-path", "--n-lambda", "50", "--lambda-min-ratio", "1e-3",
            "--measure", measure, "--tol", "1e-10", "--format", "csv", "-q", "--threads", "1"]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    return list(csv.DictReader(r.stdout.splitlines()))


def main(cli, script, wdbc):
    measures = {"deviance": "deviance", "auc": "auc"}
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "wdbc_folds.csv")
        with_folds(wdbc, data)
        ours = {m: stratum(cli, data, m) for m in measures}
        lam = os.path.join(tmp, "lambda.txt")
        with open(lam, "w") as f:
            f.write("\n".join(row["lambda"] for row in ours["deviance"]) + "\n")
        prefix = os.path.join(tmp, "glmnet")
        r = subprocess.run(["Rscript", script, data, lam, prefix] + list(measures.values()),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"Rscript {script} failed: {r.stderr.strip()}")
        for m, rm in measures.items():
            ref = np.loadtxt(f"{prefix}.{rm}", delimiter=",", ndmin=2)
            ref_index = [int(v) for v in open(f"{prefix}.{rm}.index").read().split()]
            rows = ours[m]
            cvm = np.array([float(x[m]) for x in rows])
            cvsd = np.array([float(x["se"]) for x in rows])
            idx_min = [int(x["index"]) for x in rows if "min" in x["choice"]]
            idx_1se = [int(x["index"]) for x in rows if "1se" in x["choice"]]
            m_err = np.max(np.abs(cvm - ref[:, 0]) / np.abs(ref[:, 0]))
            s_err = np.max(np.abs(cvsd - ref[:, 1]) / np.abs(ref[:, 1]))
            ok = (len(cvm) == len(ref) and m_err <= 1e-3 and s_err <= 1e-2 and
                  idx_min == [ref_index[0]] and idx_1se == [ref_index[1]])
            print(f"{'ok' if ok else 'FAIL':4} {m}: {len(cvm)} lambdas, mean curve max relative "
                  f"difference {m_err:.1e}, se {s_err:.1e}; lambda_min index {idx_min} vs "
                  f"glmnet {ref_index[0]}, lambda_1se {idx_1se} vs {ref_index[1]}")
            if not ok:
                failures.append(m)
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: cv_vs_glmnet.py STRATUM GLMNET_CV_R WDBC_CSV")
    sys.exit(main(*sys.argv[1:]))
