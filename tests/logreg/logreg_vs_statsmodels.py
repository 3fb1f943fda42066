#!/usr/bin/env python3
"""stratum's Wald statistics against statsmodels (Debian python3-statsmodels), run by ctest.

    logreg_vs_statsmodels.py LOGREG_FIT WDBC_CSV SEPSIS_CSV

Unpenalised fits (lambda = 0): coefficients, standard errors, z, p-values, 95% intervals
and odds ratios must match statsmodels to 1e-4 relative: estimates and interval ends
relative to their standard error (an estimate near 0 has no relative precision), p-values
relative to max(p, 1e-8), odds ratios and their intervals on the log scale.

Weights: stratum counts a row of weight w as w identical rows, so its covariance is
(sum_i w_i p_i (1 - p_i) x_i x_i^T)^-1: statsmodels GLM Binomial with freq_weights. (For the
binomial family, whose scale is fixed at 1, var_weights give the same estimates and
standard errors; they differ in the residual degrees of freedom and in what the deviance
means, where freq_weights are stratum's semantics.)

Ridge (lambda > 0, alpha = 0): statsmodels has no penalised-Hessian covariance, so the
reference is the formula computed here in numpy on the original scale: the inverse of
X^T diag(w p (1 - p)) X + (sum w) lambda diag(0, sd_1^2, ..., sd_p^2), with sd the weighted
(1/sum w) standard deviations by which stratum standardises.
"""
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps

TOL = 1e-4
failures = []


def stratum(fit_bin, data, **opts):
    # threads=1: the same bits for any count, and no idle spinning on a loaded machine
    args = [fit_bin, data, "stats=1", "tol=1e-13", "threads=1"] + \
        [f"{k}={v}" for k, v in opts.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    got = json.loads(r.stdout)
    return np.array(got["stats"], dtype=float), got["names"]


def compare(what, got, params, cov):
    """got: stratum's rows [est, se, z, p, lo, hi, or, or_lo, or_hi], intercept first;
    params, cov: the reference, intercept first."""
    se = np.sqrt(np.diag(cov))
    z = params / se
    p = 2 * sps.norm.sf(np.abs(z))
    q = sps.norm.ppf(0.975)
    lo, hi = params - q * se, params + q * se
    errs = {
        "estimate": np.max(np.abs(got[:, 0] - params) / np.maximum(np.abs(params), se)),
        "se": np.max(np.abs(got[:, 1] - se) / se),
        "z": np.max(np.abs(got[:, 2] - z) / np.maximum(np.abs(z), 1)),
        "p": np.max(np.abs(got[:, 3] - p) / np.maximum(p, 1e-8)),
        "ci": max(np.max(np.abs(got[:, 4] - lo) / se), np.max(np.abs(got[:, 5] - hi) / se)),
        "odds ratio": np.max(np.abs(np.log(got[:, 6:9]) - np.log(np.exp(
            np.column_stack([params, lo, hi])))) / se[:, None]),
    }
    worst = max(errs.values())
    ok = worst <= TOL
    print(f"{'ok' if ok else 'FAIL':4} {what}: " +
          ", ".join(f"{k} {v:.1e}" for k, v in errs.items()))
    if not ok:
        failures.append(what)
        print("     stratum se:", np.array2string(got[:, 1], precision=8))
        print("     reference: ", np.array2string(se, precision=8))


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(float(v)) for v in r) + "\n")


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def wdbc_subset(wdbc, tmp):
    """Four wdbc columns (the full 30 are nearly separable), rounded to float32."""
    data = np.genfromtxt(wdbc, delimiter=",", names=True)
    names = ["radius_mean", "texture_mean", "smoothness_mean", "symmetry_mean"]
    x = f32(np.column_stack([data[n] for n in names]))
    y = data["label"]
    path = os.path.join(tmp, "wdbc4.csv")
    write_csv(path, names + ["label"], np.column_stack([x, y]))
    return path, x, y


def weighted_problem(tmp):
    rng = np.random.default_rng(11)
    n = 3000
    x = f32(rng.normal(size=(n, 4)) * [1, 5, 0.2, 2] + [0, 50, 1, -3])
    w = f32(rng.choice([1, 2, 3], size=n) * rng.uniform(0.5, 1.5, n))
    eta = -1.5 + 0.7 * x[:, 0] - 0.04 * (x[:, 1] - 50) + 2 * (x[:, 2] - 1) + 0.1 * x[:, 3]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    path = os.path.join(tmp, "weighted.csv")
    write_csv(path, ["x0", "x1", "x2", "x3", "w", "label"], np.column_stack([x, w, y]))
    return path, x, y, w


def ridge_reference(x, y, w, lam, coef, intercept):
    """The penalised-Hessian covariance of the formula in the module comment."""
    c = w / w.sum()
    sd = np.sqrt(c @ (x - c @ x) ** 2)
    xx = np.column_stack([np.ones(len(y)), x])
    p = 1 / (1 + np.exp(-(xx @ np.concatenate([[intercept], coef]))))
    info = xx.T @ (xx * (w * p * (1 - p))[:, None])
    info += w.sum() * lam * np.diag(np.concatenate([[0], sd ** 2]))
    return np.linalg.inv(info)


def main(fit_bin, wdbc, sepsis):
    with tempfile.TemporaryDirectory() as tmp:
        path, x, y = wdbc_subset(wdbc, tmp)
        got, _ = stratum(fit_bin, path, **{"lambda": 0})
        with warnings.catch_warnings():  # statsmodels' tol is on the parameters' change
            warnings.simplefilter("ignore")
            ref = sm.Logit(y, sm.add_constant(x)).fit(method="newton", tol=1e-14,
                                                      maxiter=100, disp=0)
        compare("wdbc 4 columns, lambda=0 vs Logit", got, ref.params, ref.cov_params())

        data = np.genfromtxt(sepsis, delimiter=",", names=True)
        xs = np.column_stack([data[n] for n in data.dtype.names if n != "label"])
        got, _ = stratum(fit_bin, sepsis, **{"lambda": 0})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm.Logit(data["label"], sm.add_constant(xs)).fit(method="newton",
                                                                   tol=1e-14, maxiter=100,
                                                                   disp=0)
        compare("sepsis_survival, lambda=0 vs Logit", got, ref.params, ref.cov_params())

        path, x, y, w = weighted_problem(tmp)
        got, _ = stratum(fit_bin, path, weight="w", **{"lambda": 0})
        ref = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial(),
                     freq_weights=w).fit(tol=1e-14)
        compare("weighted, lambda=0 vs GLM freq_weights", got, ref.params, ref.cov_params())

        lam = 0.01
        got, _ = stratum(fit_bin, path, weight="w", **{"lambda": lam})
        cov = ridge_reference(x, y, w, lam, got[1:, 0], got[0, 0])
        compare(f"weighted, ridge lambda={lam} vs numpy formula", got, got[:, 0], cov)
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: logreg_vs_statsmodels.py LOGREG_FIT WDBC_CSV SEPSIS_CSV")
    sys.exit(main(*sys.argv[1:]))
