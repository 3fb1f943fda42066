#!/usr/bin/env python3
"""The default lambda of `stratum train logreg` (no --lambda: chosen by an inner 5-fold
cross-validation, st_logreg_choose_lambda) against R's cv.glmnet on the same folds and
lambdas, run by ctest.

    defaults_vs_glmnet.py STRATUM GLMNET_CV_R WDBC_CSV

The inner folds are st_folds_make's on all rows with --seed: the folds `stratum cv` makes
for the same seed, which its --oof file lists. cv.glmnet gets those folds as foldid=, the
path's lambdas (stratum's --lambda-path, 100 lambdas down to 1e-4 x lambda_max) as
lambda=, ridge (alpha 0, stratum's default) and type.measure deviance. The lambda train
keeps must be cv.glmnet's lambda.min, and with --lambda-rule 1se its lambda.1se; the CV
deviance and its standard error at them must agree to 1e-3 and 1e-2 relative. Data: wdbc
rounded to float32 (what stratum stores), without its id column."""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def main(cli, script, wdbc):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "wdbc.csv")
        with open(wdbc) as f, open(data, "w") as g:
            header = f.readline().strip().split(",")
            keep = [i for i, h in enumerate(header) if h != "id"]
            g.write(",".join(header[i] for i in keep) + "\n")
            for line in f:
                v = line.strip().split(",")
                g.write(",".join(repr(float(np.float32(v[i]))) for i in keep) + "\n")
        common = ["--seed", "7", "-q", "--threads", "1"]
        oof = os.path.join(tmp, "oof.csv")
        run([cli, "cv", "logreg", data, "--lambda", "0.01", "--folds", "5", "--oof", oof] + common)
        folds = {int(r["row"]): int(r["fold"]) for r in csv.DictReader(open(oof))}
        path = list(csv.DictReader(run([cli, "train", "logreg", data, "--lambda-path",
                                        "--lambda-min-ratio", "1e-7", "--format", "csv"] +
                                       common).splitlines()))
        lam = [float(r["lambda"]) for r in path]
        with_folds = os.path.join(tmp, "folds.csv")
        with open(data) as f, open(with_folds, "w") as g:
            g.write(f.readline().strip() + ",foldid\n")
            for i, line in enumerate(f, 1):
                g.write(line.strip() + f",{folds[i]}\n")
        lam_file = os.path.join(tmp, "lambda.txt")
        open(lam_file, "w").write("\n".join(repr(v) for v in lam) + "\n")
        prefix = os.path.join(tmp, "glmnet")
        r = subprocess.run(["Rscript", script, with_folds, lam_file, prefix, "deviance"],
                           capture_output=True, text=True, env=dict(os.environ, GLMNET_ALPHA="0"))
        if r.returncode != 0:
            raise RuntimeError(f"Rscript {script} failed: {r.stderr.strip()}")
        ref = np.loadtxt(f"{prefix}.deviance", delimiter=",", ndmin=2)
        i_min, i_1se = [int(v) - 1 for v in open(f"{prefix}.deviance.index").read().split()]
        for rule, want in (("min", i_min), ("1se", i_1se)):
            model = os.path.join(tmp, "m.model")
            out = json.loads(run([cli, "train", "logreg", data, "--lambda-rule", rule,
                                  "--format", "json", "-o", model] + common))
            got = out["lambda_chosen"]
            index = int(np.argmin(np.abs(np.array(lam) / got["lambda"] - 1)))
            dev_err = abs(got["cv_deviance"] - ref[want, 0]) / ref[want, 0]
            se_err = abs(got["cv_se"] - ref[want, 1]) / ref[want, 1]
            ok = (abs(lam[index] / got["lambda"] - 1) < 1e-12 and index == want and
                  dev_err <= 1e-3 and se_err <= 1e-2 and got["folds"] == 5)
            print(f"{'ok' if ok else 'FAIL':4} lambda_{rule}: stratum index {index + 1} "
                  f"(lambda {got['lambda']:.6g}), cv.glmnet {want + 1} (lambda {lam[want]:.6g}); "
                  f"CV deviance {got['cv_deviance']:.6f} vs {ref[want, 0]:.6f} "
                  f"({dev_err:.1e}), se {got['cv_se']:.6f} vs {ref[want, 1]:.6f} ({se_err:.1e})")
            if not ok:
                failures.append(rule)
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: defaults_vs_glmnet.py STRATUM GLMNET_CV_R WDBC_CSV")
    sys.exit(main(*sys.argv[1:]))
