#!/usr/bin/env python3
"""stratum's lambda path against R's glmnet (Debian r-cran-glmnet), run by ctest.

    logreg_vs_glmnet.py LOGREG_FIT GLMNET_PATH_R WDBC_CSV

glmnet's lognet minimises the same objective as stratum (weights normalised to sum 1,
columns standardised with the 1/sum w weighted standard deviation, intercept unpenalised).
For each case: glmnet's lambda_max (its first lambda) and its default lambda sequence (as
far as glmnet goes before stopping early) must equal stratum's to 1e-10 relative, and on glmnet's own lambda sequence the intercepts and coefficients must agree to
1e-4 relative to the largest of them at that lambda, the deviance ratios to 1e-6. glmnet
runs with thresh = 1e-14, stratum with tol = 1e-13. glmnet reads a copy of wdbc.csv with
every number rounded to float32, which is what stratum stores, so both fit the same data.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

TOL = 1e-4
failures = []


def stratum(fit_bin, data, **opts):
    args = [fit_bin, data] + [f"{k}={v}" for k, v in opts.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


def glmnet_all(script, cases, tmp):
    """Runs glmnet on every case (name, data, alpha, weight column or None) in one R
    process; returns {name: (lambdas, coefficient rows, deviance ratios)}."""
    args = ["Rscript", script]
    for name, data, alpha, weight in cases:
        args += [data, str(alpha), weight or "-", os.path.join(tmp, name)]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"Rscript {script} failed: {r.stderr.strip()}")
    out = {}
    for name, *_ in cases:
        p = os.path.join(tmp, name)
        out[name] = (np.loadtxt(p + ".lambda", ndmin=1),
                     np.loadtxt(p + ".coef", delimiter=",", ndmin=2),
                     np.loadtxt(p + ".devratio", ndmin=1))
    return out


def check_case(what, fit_bin, path, alpha, weight, glmnet_result, **opts):
    if weight:
        opts["weight"] = weight
    opts["threads"] = 1  # the same bits for any count; one avoids idle spinning under load
    lam, ref, ref_dev = glmnet_result
    # the default sequence and lambda_max, which do not depend on how tightly it is fitted
    first = stratum(fit_bin, path, path=100, alpha=alpha, tol=1e-3, **opts)
    lmax_err = abs(first["lambda_max"] - lam[0]) / lam[0]
    seq_err = np.max(np.abs(np.array(first["lambda"][:len(lam)]) - lam) / lam)
    got = stratum(fit_bin, path, alpha=alpha, tol=1e-13, max_iter=1000,
                  lambdas=",".join(f"{v:.17g}" for v in lam), **opts)
    ours = np.column_stack([got["intercept"], np.array(got["coef"])])
    scale = np.maximum(np.max(np.abs(ref), axis=1), 1e-12)
    err = np.max(np.abs(ours - ref), axis=1) / scale
    dev_err = np.abs(np.array(got["dev_ratio"]) - ref_dev)
    if alpha == 0:
        # glmnet fits its first lambda as lambda = infinity (all coefficients 0, 1e-37 in
        # its output) and only reports lambda_max there; compare from the second on
        null_ok = np.max(np.abs(ref[0, 1:])) < 1e-20
        err[0] = 0 if null_ok else np.inf
        dev_err[0] = 0
    dev_err = np.max(dev_err)
    ok = lmax_err <= 1e-10 and seq_err <= 1e-10 and np.max(err) <= TOL and dev_err <= 1e-6 and \
        all(got["converged"])
    print(f"{'ok' if ok else 'FAIL':4} {what}: lambda_max {first['lambda_max']:.10g} vs "
          f"glmnet {lam[0]:.10g} ({lmax_err:.1e}), sequence {seq_err:.1e}; {len(lam)} lambdas, coefficients max "
          f"relative difference {np.max(err):.1e} (at lambda #{int(np.argmax(err)) + 1}), "
          f"dev_ratio {dev_err:.1e}")
    if not ok:
        failures.append(what)
        worst = int(np.argmax(err))
        print("     stratum:", np.array2string(ours[worst], precision=6))
        print("     glmnet: ", np.array2string(ref[worst], precision=6))


def weighted_problem(tmp):
    """Six numeric columns of different scales, a row weight column, about 15% positive."""
    rng = np.random.default_rng(7)
    n = 1200
    x = rng.normal(size=(n, 6)) * [1, 10, 0.1, 3, 1, 50] + [0, 100, 1, -5, 2, 0]
    x = x.astype(np.float32).astype(np.float64)
    w = rng.uniform(0.2, 3, n).astype(np.float32).astype(np.float64)
    eta = -2 + 0.8 * x[:, 0] + 0.05 * (x[:, 1] - 100) - 3 * (x[:, 2] - 1) + 0.01 * x[:, 5]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    path = os.path.join(tmp, "weighted.csv")
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(6)] + ["w", "label"]) + "\n")
        for i in range(n):
            f.write(",".join([repr(float(v)) for v in x[i]] + [repr(float(w[i])), str(y[i])])
                    + "\n")
    return path


def float32_copy(path, tmp):
    """The CSV with every number rounded to float32, as stratum stores it, for glmnet."""
    out = os.path.join(tmp, "f32_" + os.path.basename(path))
    with open(path) as f, open(out, "w") as g:
        g.write(f.readline())
        for line in f:
            g.write(",".join(repr(float(np.float32(v))) for v in line.strip().split(",")) +
                    "\n")
    return out


def main(fit_bin, script, wdbc):
    with tempfile.TemporaryDirectory() as tmp:
        wdbc32 = float32_copy(wdbc, tmp)
        weighted = weighted_problem(tmp)
        cases = [(f"wdbc_{a}", wdbc, wdbc32, a, None, {"ignore": "id"}) for a in (1, 0.5, 0)]
        cases += [(f"weighted_{a}", weighted, weighted, a, "w", {}) for a in (1, 0.3, 0)]
        ref = glmnet_all(script, [(name, r_data, a, w) for name, _, r_data, a, w, _ in cases],
                         tmp)
        for name, data, _, alpha, weight, opts in cases:
            check_case(name.replace("_", " alpha="), fit_bin, data, alpha, weight, ref[name],
                       **opts)
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: logreg_vs_glmnet.py LOGREG_FIT GLMNET_PATH_R WDBC_CSV")
    sys.exit(main(*sys.argv[1:]))
