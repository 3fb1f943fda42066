#!/usr/bin/env python3
"""stratum's logistic regression against scikit-learn's, run by ctest with Debian's python3.

    logreg_vs_sklearn.py LOGREG_FIT SMALL_CSV [WDBC_CSV]
    logreg_vs_sklearn.py --bench LOGREG_FIT      (timings on 100000 x 40; not run by ctest)

stratum minimises (1/sum w) sum_i w_i logloss_i + lambda (alpha |b|_1 + (1-alpha)/2 |b|^2);
scikit-learn minimises C sum_i w_i logloss_i + l1_ratio |b|_1 + (1-l1_ratio)/2 |b|^2, the
same problem times 1/(lambda sum w) when C = 1 / (lambda sum w) and l1_ratio = alpha. Both
leave the intercept unpenalised (lbfgs, saga). Coefficients must agree to 1e-4 relative to
the largest one. Data are generated with a fixed seed and rounded to float32, which is what
stratum stores, so both libraries see the same numbers.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

TOL = 1e-4
failures = []


def fit(fit_bin, path, **opts):
    args = [fit_bin, path] + [f"{k}={v}" for k, v in opts.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


def sklearn_fit(x, y, lam, alpha, w=None, class_weight=None, tight=True):
    """scikit-learn's fit of stratum's problem; returns (coef, intercept)."""
    w = np.ones(len(y)) if w is None else w
    cw = np.ones(len(y))
    if class_weight == "balanced":
        cw = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    c = 1.0 / (lam * float(np.sum(w * cw)))
    if alpha == 0:
        m = LogisticRegression(penalty="l2", C=c, tol=1e-10 if tight else 1e-4,
                               max_iter=10000, class_weight=class_weight)
    else:
        m = LogisticRegression(penalty="elasticnet", l1_ratio=alpha, solver="saga", C=c,
                               tol=1e-12 if tight else 1e-4,
                               max_iter=200000 if tight else 100, class_weight=class_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(x, y, sample_weight=w)
    return m.coef_[0], m.intercept_[0]


def unpenalised_fit(x, y, w=None):
    m = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    return m.fit(x, y, sample_weight=w)


def compare(what, got, coef, intercept):
    a = np.array(got["coef"])
    scale = max(np.max(np.abs(coef)), abs(intercept), 1e-12)
    err = max(np.max(np.abs(a - coef)), abs(got["intercept"] - intercept)) / scale
    status = "ok" if err <= TOL and got["converged"] else "FAIL"
    print(f"{status:4} {what}: max relative difference {err:.2e}, {got['iterations']} "
          f"iterations, gap {got['gap']:.1e}")
    if status != "ok":
        failures.append(what)
        print("     stratum:", np.array2string(a, precision=6), got["intercept"])
        print("     sklearn:", np.array2string(coef, precision=6), intercept)


def write_csv(path, header, columns):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in zip(*columns):
            f.write(",".join(row) + "\n")


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def num_text(a):
    return ["" if np.isnan(v) else repr(float(np.float32(v))) for v in a]


def numeric_problem(tmp, rng):
    """Numeric features of different scales and means, no missing values."""
    n, p = 3000, 8
    scales = np.array([1, 2, 0.5, 3, 1, 1.5, 0.7, 1])
    x = f32(rng.normal(size=(n, p)) * scales + rng.normal(size=p))
    beta = np.array([1.0, -0.5, 0, 0.8, 0, 0, -1.2, 0.3])
    eta = -1.5 + (x - x.mean(0)) @ beta
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    path = os.path.join(tmp, "numeric.csv")
    names = [f"x{j}" for j in range(p)]
    write_csv(path, names + ["label"], [num_text(x[:, j]) for j in range(p)] +
              [[str(int(v)) for v in y]])
    return path, x, y


def mixed_problem(tmp, rng):
    """A categorical column, a column with missing values and row weights."""
    n = 2500
    age = f32(rng.normal(60, 12, n))
    bp = f32(rng.normal(130, 18, n))
    bp_miss = rng.uniform(size=n) < 0.12
    grp = rng.choice(["A", "B", "C"], size=n, p=[0.5, 0.3, 0.2])
    w = f32(rng.uniform(0.5, 2.0, n))
    eta = -2 + 0.04 * (age - 60) + 0.02 * (bp - 130) + np.select([grp == "B", grp == "C"],
                                                                  [0.5, -0.7], 0) + 0.6 * bp_miss
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    bp_raw = np.where(bp_miss, np.nan, bp)
    path = os.path.join(tmp, "mixed.csv")
    write_csv(path, ["age", "grp", "bp", "w", "label"],
              [num_text(age), list(grp), num_text(bp_raw), num_text(w),
               [str(int(v)) for v in y]])
    # the design stratum builds: age, grp=A, grp=B, grp=C, bp (median-imputed), bp_missing
    med = np.median(bp_raw[~bp_miss].astype(np.float32)).astype(np.float64)
    design = np.column_stack([age, grp == "A", grp == "B", grp == "C",
                              np.where(bp_miss, med, bp_raw), bp_miss]).astype(float)
    names = ["age", "grp=A", "grp=B", "grp=C", "bp", "bp_missing"]
    return path, design, y, w, names


def standardized_fit(x, y, lam, alpha, w=None):
    """scikit-learn on glmnet-standardised columns (weighted mean and 1/sum w standard
    deviation), coefficients moved back to the original scale."""
    c = (np.ones(len(y)) if w is None else w) / (len(y) if w is None else np.sum(w))
    mu = c @ x
    sd = np.sqrt(c @ (x - mu) ** 2)
    coef, b0 = sklearn_fit((x - mu) / sd, y, lam, alpha, w)
    coef = coef / sd
    return coef, b0 - coef @ mu


def read_wdbc(path):
    data = np.genfromtxt(path, delimiter=",", names=True)
    names = [n for n in data.dtype.names if n not in ("id", "label")]
    x = f32(np.column_stack([data[n] for n in names]))
    return x, data["label"].astype(float)


def check(fit_bin, small, wdbc):
    # smoke: the shipped example, with a categorical column and missing values
    got = fit(fit_bin, small)
    ok = got["names"] == ["age", "sex=F", "sex=M", "bp"] and got["converged"] and \
        all(np.isfinite(got["coef"]))
    print(f"{'ok' if ok else 'FAIL':4} smoke: {small}")
    if not ok:
        failures.append("smoke")

    rng = np.random.default_rng(20240611)
    with tempfile.TemporaryDirectory() as tmp:
        path, x, y = numeric_problem(tmp, rng)
        for lam, alpha in [(1e-3, 0), (1e-2, 0), (5e-3, 1), (1e-3, 1), (5e-3, 0.5)]:
            got = fit(fit_bin, path, **{"lambda": lam}, alpha=alpha, standardize=0, tol=1e-12)
            compare(f"numeric lambda={lam} alpha={alpha} standardize=0", got,
                    *sklearn_fit(x, y, lam, alpha))
        got = fit(fit_bin, path, **{"lambda": 0}, standardize=0, tol=1e-12)
        ref = unpenalised_fit(x, y)
        compare("numeric lambda=0", got, ref.coef_[0], ref.intercept_[0])
        got = fit(fit_bin, path, **{"lambda": 1e-3}, class_weight="balanced", standardize=0,
                  tol=1e-12)
        compare("numeric lambda=1e-3 class_weight=balanced", got,
                *sklearn_fit(x, y, 1e-3, 0, class_weight="balanced"))
        got = fit(fit_bin, path, **{"lambda": 2e-3}, alpha=1, tol=1e-12)
        compare("numeric lambda=2e-3 alpha=1 standardize=1", got,
                *standardized_fit(x, y, 2e-3, 1))

        # 200 columns: Newton with LAPACK's Cholesky (src/linalg; its own generator, so
        # that the cases below keep their data)
        r2 = np.random.default_rng(200)
        x2 = f32(r2.normal(size=(1500, 200)))
        y2 = (r2.uniform(size=1500) < 1 / (1 + np.exp(-x2[:, :10].sum(1) / 3))).astype(float)
        mid = os.path.join(tmp, "mid.csv")
        write_csv(mid, [f"x{j}" for j in range(200)] + ["label"],
                  [num_text(x2[:, j]) for j in range(200)] + [[str(int(v)) for v in y2]])
        got = fit(fit_bin, mid, **{"lambda": 1e-2}, standardize=0, tol=1e-12)
        compare("wide 1500 x 200 lambda=1e-2 alpha=0 (Newton, LAPACK Cholesky)", got,
                *sklearn_fit(x2, y2, 1e-2, 0))

        # more than 256 columns: ridge goes to coordinate descent instead of Newton
        xw = f32(rng.normal(size=(1500, 300)))
        yw = (rng.uniform(size=1500) < 1 / (1 + np.exp(-xw[:, :10].sum(1) / 3))).astype(float)
        wide = os.path.join(tmp, "wide.csv")
        write_csv(wide, [f"x{j}" for j in range(300)] + ["label"],
                  [num_text(xw[:, j]) for j in range(300)] + [[str(int(v)) for v in yw]])
        got = fit(fit_bin, wide, **{"lambda": 1e-2}, standardize=0, tol=1e-12)
        compare("wide 1500 x 300 lambda=1e-2 alpha=0 (coordinate descent)", got,
                *sklearn_fit(xw, yw, 1e-2, 0))

        path, design, y, w, names = mixed_problem(tmp, rng)
        got = fit(fit_bin, path, **{"lambda": 1e-3}, weight="w", impute="median", indicators=1,
                  tol=1e-12, predict=1)
        if got["names"] != names:
            failures.append("mixed names")
            print("FAIL mixed names:", got["names"])
        coef, b0 = standardized_fit(design, y, 1e-3, 0, w)
        compare("mixed (one-hot, median, indicator, weights) standardize=1", got, coef, b0)
        prob = 1 / (1 + np.exp(-(design @ coef + b0)))
        err = np.max(np.abs(np.array(got["prob"]) - prob))
        print(f"{'ok' if err < 1e-6 else 'FAIL':4} mixed predictions: max difference {err:.1e}")
        if err >= 1e-6:
            failures.append("mixed predictions")

        # unpenalised: the full one-hot is collinear with the intercept, so compare the
        # probabilities with scikit-learn's fit without grp=A (the same model)
        got = fit(fit_bin, path, **{"lambda": 0}, weight="w", impute="median", indicators=1,
                  tol=1e-12, predict=1)
        ref = unpenalised_fit(np.delete(design, 1, axis=1), y, w)
        prob = ref.predict_proba(np.delete(design, 1, axis=1))[:, 1]
        err = np.max(np.abs(np.array(got["prob"]) - prob))
        print(f"{'ok' if err < 1e-6 and got['converged'] else 'FAIL':4} mixed lambda=0 "
              f"predictions: max difference {err:.1e}, {got['iterations']} iterations")
        if err >= 1e-6 or not got["converged"]:
            failures.append("mixed lambda=0")

    if wdbc and os.path.exists(wdbc):
        x, y = read_wdbc(wdbc)
        for lam, alpha in [(1e-3, 0), (1e-2, 1), (1e-2, 0.5)]:
            got = fit(fit_bin, wdbc, ignore="id", **{"lambda": lam}, alpha=alpha, tol=1e-12)
            compare(f"wdbc lambda={lam} alpha={alpha} standardize=1", got,
                    *standardized_fit(x, y, lam, alpha))
    else:
        print("skip wdbc: not found")
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


def bench(fit_bin):
    """100000 x 40 standardised features, about 2% positives, lambda = 1/n (C = 1)."""
    rng = np.random.default_rng(1)
    n, p = 100000, 40
    x = f32(rng.normal(size=(n, p)))
    beta = rng.normal(size=p) * (rng.uniform(size=p) < 0.3)
    eta = -4.6 + x @ beta * 0.5
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    print(f"{n} x {p}, positives {y.mean():.3%}, lambda = 1/n")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.csv")
        write_csv(path, [f"x{j}" for j in range(p)] + ["label"],
                  [num_text(x[:, j]) for j in range(p)] + [[str(int(v)) for v in y]])
        for alpha, name in [(0, "L2"), (1, "L1")]:
            got = fit(fit_bin, path, **{"lambda": 1.0 / n}, alpha=alpha, standardize=0)
            print(f"stratum {name}: {got['seconds']:.3f} s, {got['iterations']} iterations, "
                  f"gap {got['gap']:.1e}")
            for tight in (False, True):
                t0 = time.perf_counter()
                coef, b0 = sklearn_fit(x, y, 1.0 / n, alpha, tight=tight)
                dt = time.perf_counter() - t0
                diff = np.max(np.abs(np.array(got["coef"]) - coef)) / np.max(np.abs(coef))
                print(f"sklearn {'lbfgs' if alpha == 0 else 'saga'} "
                      f"{'tol=1e-10/1e-12' if tight else 'default tol'}: {dt:.3f} s, "
                      f"relative difference from stratum {diff:.1e}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--bench":
        sys.exit(bench(sys.argv[2]))
    if len(sys.argv) < 3:
        sys.exit("usage: logreg_vs_sklearn.py LOGREG_FIT SMALL_CSV [WDBC_CSV]")
    sys.exit(check(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
