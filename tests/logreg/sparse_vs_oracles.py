#!/usr/bin/env python3
"""Logistic regression on a sparse design against scikit-learn (CSR input), liblinear and
glmnet (a sparse Matrix), and against stratum's own dense design; run by ctest.

    sparse_vs_oracles.py LOGREG_FIT GLMNET_SPARSE_R LIBLINEAR_TRAIN WORKDIR

The table (seeded): 4,000 rows, three categorical columns of 300, 200 and 60 levels (the
last 5% missing: a missing level is all zeros in its one-hot columns) and two numeric
columns: 560-odd design columns of which about 5 a row are not 0, so stratum builds the
design sparse (more than ST__LR_SPARSE_MIN_COLS = 512 columns, at most a quarter of the
cells non-zero: src/logreg/logreg_design.h). The oracles get the same design as a
scipy CSR matrix (one-hot of the levels present, the numeric columns as float32 values,
which is what stratum stores).

stratum minimises F(b0, b) = sum_i c_i logloss(y_i, b0 + x_i.b) / sum_i c_i
+ lambda (alpha |s b|_1 + (1 - alpha) / 2 |s b|^2), the intercept unpenalised, s the
columns' weighted standard deviations (divisor sum c) with standardisation, 1 without.
  - scikit-learn lbfgs and newton-cg (intercept unpenalised) solve F without
    standardisation for ridge with C = 1 / (lambda sum c): F at their solutions must equal
    stratum's to 1e-6 relative and stratum's must not be higher; coefficients within 1e-5
    of newton-cg's (which converges tightly) and 2e-3 of lbfgs's (which stops with F
    still 3e-8 above the minimum, along the flat directions of rare levels).
  - liblinear -s 0 / -s 6 penalises its bias w_b; with a bias column of 100 (-B 100) that
    penalty is lambda (b0 / 100)^2 / 2 (L2), negligible, or lambda |b0| / 100 (L1). So:
    F at stratum's solution <= F at liblinear's (+1e-9 relative), the two within 1e-6
    relative for L2 and 1e-3 relative for L1; and liblinear's own objective G at its
    solution <= G at stratum's (+1e-9): each program is optimal for its own problem.
  - glmnet (standardised, thresh 1e-14) with a sparse dgCMatrix: lasso, elastic net and
    ridge at one lambda, with row weights, and the default path: F equal to 1e-6 relative,
    standardised coefficients (s b, the penalty's scale: a rare level's raw coefficient is
    its standardised one over a small s) to 1e-4 relative to the largest, lambda_max to
    1e-10.
  - bad input: an infinite entry in a sparse LibSVM column fails with the feature and row.
  - a narrower table (one 150-level code and two numbers: ~150 columns, 2% of the cells
    not 0), which stratum builds sparse for ridge (at most a fifth of the cells, more than
    ST__LR_SPARSE_RIDGE_MIN_COLS = 32 columns) and dense for the lasso (fewer than
    ST__LR_SPARSE_L1_MIN_COLS = 200 columns): ridge's final fit runs exact Newton on the
    sparse Hessian, so against the dense design (the one-hot written out) coefficients and
    standard errors agree to 1e-9 relative, the objective to 1e-12; the ridge path (truncated
    Newton) to 1e-5 relative; F at scikit-learn newton-cg's solution on CSR to 1e-6.
  - the same table with the one-hot columns written out as numeric 0/1 columns (a dense
    design: as many features as columns): the same objective to 1e-12 and coefficients to
    1e-9 for lasso and elastic net (coordinate descent on both designs); for ridge the
    sparse design runs truncated Newton, which stops one Newton step short of the optimum
    (the driver stops when the step's predicted decrease is below tol F), so 1e-6.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import scipy.io
import scipy.sparse as sps
from sklearn.linear_model import LogisticRegression

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def make_table(rng, n=4000):
    cats = {"a": 300, "b": 200, "c": 60}
    codes = {}
    for name, k in cats.items():
        p = 1.0 / (np.arange(k) + 40.0)
        codes[name] = rng.choice(k, size=n, p=p / p.sum())
    miss_c = rng.random(n) < 0.05
    x1 = rng.normal(size=n).astype(np.float32)
    x2 = (rng.gamma(2.0, 3.0, size=n) - 6).astype(np.float32)
    eff = {name: rng.normal(scale=0.8, size=k) for name, k in cats.items()}
    eta = -1.0 + 0.7 * x1 - 0.05 * x2 + eff["a"][codes["a"]] + eff["b"][codes["b"]]
    eta += np.where(miss_c, 0.3, eff["c"][codes["c"]])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    w = rng.choice([0.5, 1.0, 2.0, 3.0], size=n)
    return codes, miss_c, x1, x2, y, w


def design(codes, miss_c, x1, x2):
    """The one-hot + numeric design as stratum orders it (features in file order: a, b,
    c, x1, x2; levels in byte order), as CSR, with the column names."""
    n = len(x1)
    blocks, names = [], []
    for name in ("a", "b", "c"):
        present = sorted(set(codes[name][~miss_c] if name == "c" else codes[name]))
        col = {lv: k for k, lv in enumerate(present)}
        rows = np.arange(n) if name != "c" else np.flatnonzero(~miss_c)
        cols = np.array([col[v] for v in codes[name][rows]])
        blocks.append(sps.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(present))))
        names += [f"{name}=L{lv:03d}" for lv in present]
    blocks.append(sps.csr_matrix(np.column_stack([x1, x2]).astype(np.float64)))
    names += ["x1", "x2"]
    return sps.hstack(blocks).tocsr(), names


def write_csv(path, header, rows):
    with open(path, "w") as fh:
        fh.write(",".join(header) + "\n")
        for r in rows:
            fh.write(",".join(r) + "\n")


def stratum(fit_bin, data, **opts):
    args = [fit_bin, data] + [f"{k}={v}" for k, v in opts.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


def coefs_of(res, names):
    idx = {nm: k for k, nm in enumerate(res["names"])}
    assert set(idx) == set(names), "stratum's columns differ from the oracle's"
    return np.array([res["coef"][idx[nm]] for nm in names])


def objective(b0, b, X, y, c, lam, alpha, s):
    m = b0 + X @ b
    loss = np.sum(c * np.logaddexp(0.0, -np.where(y > 0, 1.0, -1.0) * m)) / np.sum(c)
    bs = b * s
    return loss + lam * (alpha * np.abs(bs).sum() + (1 - alpha) / 2 * (bs @ bs))


def wsd(X, c):
    """Weighted standard deviation of each column, divisor sum c (glmnet's, stratum's)."""
    cn = c / c.sum()
    mu = X.T @ cn
    ex2 = X.multiply(X).T @ cn
    return np.sqrt(np.maximum(ex2 - mu * mu, 0))


def liblinear(train, data, solver, c, work):
    model = os.path.join(work, "liblinear.model")
    subprocess.run([train, "-s", str(solver), "-c", repr(c), "-B", "100", "-e", "1e-10", "-q",
                    data, model], check=True)
    lines = open(model).read().split("\n")
    labels = next(l for l in lines if l.startswith("label ")).split()[1:]
    w = np.array([float(v) for v in lines[lines.index("w") + 1:] if v.strip()])
    if labels[0] != "1":
        w = -w
    return w[-1] * 100, w[:-1]


def narrow_design(fit_bin, work, rng, n=3000):
    """A ~150-column design (built sparse for ridge, dense for the lasso) against the same
    table with its one-hot written out (always dense) and scikit-learn newton-cg."""
    k = 150
    p = 1.0 / (np.arange(k) + 10.0)
    code = rng.choice(k, size=n, p=p / p.sum())
    x1 = rng.normal(size=n).astype(np.float32)
    x2 = rng.gamma(2.0, 2.0, size=n).astype(np.float32)
    eta = -2.0 + 0.8 * x1 - 0.1 * x2 + rng.normal(scale=0.7, size=k)[code]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    present = sorted(set(code))
    col = {lv: j for j, lv in enumerate(present)}
    X = sps.hstack([sps.csr_matrix((np.ones(n), (np.arange(n), [col[v] for v in code])),
                                   shape=(n, len(present))),
                    sps.csr_matrix(np.column_stack([x1, x2]).astype(np.float64))]).tocsr()
    names = [f"a=L{lv:03d}" for lv in present] + ["x1", "x2"]
    check(X.nnz <= X.shape[0] * X.shape[1] / 5 and 32 < X.shape[1] < 200,
          f"narrow table: {X.shape[1]} columns, {X.nnz} non-zeros")
    cat = os.path.join(work, "narrow_cat.csv")
    write_csv(cat, ["label", "a", "x1", "x2"],
              [[str(y[i]), f"L{code[i]:03d}", repr(float(x1[i])), repr(float(x2[i]))]
               for i in range(n)])
    Xd = X.toarray()
    onehot = os.path.join(work, "narrow_onehot.csv")
    write_csv(onehot, ["label"] + names,
              [[str(y[i])] + [str(int(v)) for v in Xd[i, :-2]] +
               [repr(float(v)) for v in Xd[i, -2:]] for i in range(n)])
    for alpha, lam in ((0.0, 1e-2), (0.0, 1e-4), (1.0, 2e-3)):
        a = stratum(fit_bin, cat, alpha=alpha, **{"lambda": lam}, tol=1e-14,
                    stats=1 if alpha == 0 else 0)
        d = stratum(fit_bin, onehot, alpha=alpha, **{"lambda": lam}, tol=1e-14,
                    stats=1 if alpha == 0 else 0)
        ba, bd = coefs_of(a, names), coefs_of(d, names)
        scale = max(1.0, np.abs(bd).max())
        diff = max(np.abs(ba - bd).max(), abs(a["intercept"] - d["intercept"])) / scale
        se_diff = 0.0
        if alpha == 0:  # the stats rows follow the model's column order: map by name
            ia = {nm: j for j, nm in enumerate(a["names"])}
            idd = {nm: j for j, nm in enumerate(d["names"])}
            se_a = np.array([a["stats"][1 + ia[nm]][1] for nm in names])
            se_d = np.array([d["stats"][1 + idd[nm]][1] for nm in names])
            se_diff = np.abs(se_a / se_d - 1).max()
        check(diff <= 1e-9 and se_diff <= 1e-9 and
              abs(a["objective"] - d["objective"]) <= 1e-12 * d["objective"],
              f"narrow design, alpha {alpha} lambda {lam}: relative coefficient difference "
              f"{diff:.2e}, standard errors {se_diff:.2e}, objectives {a['objective']:.15g} "
              f"{d['objective']:.15g}")
    a = stratum(fit_bin, cat, path=20, tol=1e-12)
    d = stratum(fit_bin, onehot, path=20, tol=1e-12)
    worst = 0.0
    for l in range(min(len(a["lambda"]), len(d["lambda"]))):
        ba = coefs_of({"names": a["names"], "coef": a["coef"][l]}, names)
        bd = coefs_of({"names": d["names"], "coef": d["coef"][l]}, names)
        worst = max(worst, np.abs(ba - bd).max() / max(1.0, np.abs(bd).max()))
    check(len(a["lambda"]) == len(d["lambda"]) and worst <= 1e-5,
          f"narrow design, ridge path: {len(a['lambda'])} and {len(d['lambda'])} lambdas, "
          f"worst relative coefficient difference {worst:.2e}")
    lam = 1e-3
    res = stratum(fit_bin, cat, standardize=0, tol=1e-13, **{"lambda": lam})
    b, b0 = coefs_of(res, names), res["intercept"]
    ones = np.ones(n)
    f_us = objective(b0, b, X, y, ones, lam, 0, 1)
    sk = LogisticRegression(C=1.0 / (lam * n), solver="newton-cg", tol=1e-10, max_iter=100)
    sk.fit(X, y)
    f_sk = objective(sk.intercept_[0], sk.coef_[0], X, y, ones, lam, 0, 1)
    diff = np.abs(b - sk.coef_[0]).max()
    check(f_us <= f_sk * (1 + 1e-9) and abs(f_us - f_sk) <= 1e-6 * f_sk and diff <= 1e-5,
          f"narrow design, sklearn newton-cg on CSR, ridge: F {f_us:.12g} vs {f_sk:.12g}, "
          f"max coefficient difference {diff:.2e}")


def main(fit_bin, glmnet_r, train, work):
    warnings.filterwarnings("ignore")  # sklearn's convergence notes; the checks decide
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(20261206)
    codes, miss_c, x1, x2, y, w = make_table(rng)
    X, names = design(codes, miss_c, x1, x2)
    n, p = X.shape
    print(f"table: {n} rows, {p} design columns, {X.nnz} non-zeros")
    lv = lambda name, i: "" if name == "c" and miss_c[i] else f"L{codes[name][i]:03d}"
    rows = [[str(y[i]), repr(float(w[i])), lv("a", i), lv("b", i), lv("c", i),
             repr(float(x1[i])), repr(float(x2[i]))] for i in range(n)]
    cat = os.path.join(work, "cat.csv")
    write_csv(cat, ["label", "w", "a", "b", "c", "x1", "x2"], rows)
    Xd = X.toarray()
    onehot = os.path.join(work, "onehot.csv")
    write_csv(onehot, ["label"] + names,
              [[str(y[i])] + [repr(float(v)) if k >= p - 2 else str(int(v))
                              for k, v in enumerate(Xd[i])] for i in range(n)])
    ones = np.ones(n)

    # the sparse design against the dense one, the same table
    for alpha, lam in ((0.0, 1e-2), (1.0, 2e-3), (0.5, 4e-3)):
        a = stratum(fit_bin, cat, ignore="w", alpha=alpha, **{"lambda": lam}, tol=1e-14)
        d = stratum(fit_bin, onehot, alpha=alpha, **{"lambda": lam}, tol=1e-14)
        ba, bd = coefs_of(a, names), coefs_of(d, names)
        diff = max(np.abs(ba - bd).max(), abs(a["intercept"] - d["intercept"]))
        # ridge runs truncated Newton on the sparse design, which stops (the driver's rule)
        # before its last step, of size up to sqrt(2 tol F / lambda): 1e-6 here
        limit = 1e-6 if alpha == 0 else 1e-9
        check(diff <= limit and abs(a["objective"] - d["objective"]) <= 1e-12 * d["objective"],
              f"sparse vs dense design, alpha {alpha} lambda {lam}: max coefficient "
              f"difference {diff:.2e}, objectives {a['objective']:.15g} {d['objective']:.15g}")

    # scikit-learn lbfgs on CSR, ridge without standardisation: plain, row weights, balanced
    cw_bal = np.where(y > 0, n / (2.0 * y.sum()), n / (2.0 * (n - y.sum())))
    for label, opts, sw in (("plain", {"ignore": "w"}, ones), ("row weights", {"weight": "w"}, w),
                            ("balanced", {"ignore": "w", "class_weight": "balanced"}, cw_bal)):
        lam = 1e-3
        res = stratum(fit_bin, cat, standardize=0, tol=1e-13, **{"lambda": lam}, **opts)
        b, b0 = coefs_of(res, names), res["intercept"]
        f_us = objective(b0, b, X, y, sw, lam, 0, 1)
        check(abs(f_us - res["objective"]) <= 1e-12 * f_us,
              f"sklearn {label}: stratum's reported objective is F at its coefficients")
        for solver in ("lbfgs", "newton-cg"):
            # newton-cg: its gradient test cannot reach 1e-12; 100 iterations are plenty
            sk = LogisticRegression(C=1.0 / (lam * sw.sum()), solver=solver,
                                    tol=1e-12 if solver == "lbfgs" else 1e-10,
                                    max_iter=100000 if solver == "lbfgs" else 100)
            sk.fit(X, y, sample_weight=sw)
            f_sk = objective(sk.intercept_[0], sk.coef_[0], X, y, sw, lam, 0, 1)
            diff = np.abs(b - sk.coef_[0]).max()
            check(f_us <= f_sk * (1 + 1e-9) and abs(f_us - f_sk) <= 1e-6 * f_sk and
                  diff <= (1e-5 if solver == "newton-cg" else 2e-3),
                  f"sklearn {solver} on CSR, ridge, {label}: F {f_us:.12g} vs {f_sk:.12g}, "
                  f"max coefficient difference {diff:.2e}")

    # liblinear on the same design as a LibSVM file
    svm = os.path.join(work, "design.svm")
    with open(svm, "w") as fh:
        for i in range(n):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            fh.write(str(y[i]) + "".join(f" {j + 1}:{v:.9g}" for j, v in
                                         zip(X.indices[lo:hi], X.data[lo:hi])) + "\n")
    for solver, alpha, lam, rel in ((0, 0.0, 1e-3, 1e-6), (6, 1.0, 2e-3, 1e-3)):
        res = stratum(fit_bin, cat, ignore="w", standardize=0, alpha=alpha, tol=1e-13,
                      **{"lambda": lam})
        b, b0 = coefs_of(res, names), res["intercept"]
        C = 1.0 / (lam * n)
        l0, lw = liblinear(train, svm, solver, C, work)
        f_us = objective(b0, b, X, y, ones, lam, alpha, 1)
        f_ll = objective(l0, lw, X, y, ones, lam, alpha, 1)

        def g(b0_, b_):  # liblinear's objective, bias column 100
            wb = np.append(b_, b0_ / 100)
            reg = np.abs(wb).sum() if alpha == 1 else wb @ wb / 2
            return C * np.sum(np.logaddexp(0.0, -np.where(y > 0, 1.0, -1.0) * (b0_ + X @ b_))) + reg
        check(f_us <= f_ll * (1 + 1e-9) and abs(f_us - f_ll) <= rel * f_ll,
              f"liblinear -s {solver}: F at stratum's {f_us:.12g}, at liblinear's {f_ll:.12g}")
        check(g(l0, lw) <= g(b0, b) * (1 + 1e-9),
              f"liblinear -s {solver}: its objective at its solution {g(l0, lw):.12g} <= at "
              f"stratum's {g(b0, b):.12g}")

    # glmnet with a sparse Matrix, standardised: lasso, elastic net, ridge (row weights)
    mtx = os.path.join(work, "x.mtx")
    scipy.io.mmwrite(mtx, X.tocoo(), precision=17)
    np.savetxt(os.path.join(work, "y.txt"), y, fmt="%d")
    np.savetxt(os.path.join(work, "w.txt"), w, fmt="%.17g")
    np.savetxt(os.path.join(work, "ones.txt"), ones, fmt="%g")
    cases = [("lasso", 1.0, 2e-3, "ones"), ("enet_w", 0.5, 1e-3, "w"), ("ridge_w", 0.0, 1e-3, "w"),
             ("path", 1.0, None, "ones")]
    args = ["Rscript", glmnet_r]
    for name, alpha, lam, wf in cases:
        args += [mtx, os.path.join(work, "y.txt"), os.path.join(work, wf + ".txt"), str(alpha),
                 "path" if lam is None else repr(lam), os.path.join(work, name)]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"Rscript failed: {r.stderr.strip()}")
    for name, alpha, lam, wf in cases:
        lams = np.loadtxt(os.path.join(work, name + ".lambda"), ndmin=1)
        gc = np.loadtxt(os.path.join(work, name + ".coef"), delimiter=",", ndmin=2)
        sw = w if wf == "w" else ones
        opts = {"weight": "w"} if wf == "w" else {"ignore": "w"}
        s = wsd(X, sw)
        if lam is not None:
            res = stratum(fit_bin, cat, alpha=alpha, tol=1e-13, **{"lambda": lam}, **opts)
            b, b0 = coefs_of(res, names), res["intercept"]
            f_us = objective(b0, b, X, y, sw, lam, alpha, s)
            f_gl = objective(gc[0, 0], gc[0, 1:], X, y, sw, lam, alpha, s)
            diff = np.abs((b - gc[0, 1:]) * s).max()  # on the penalty's scale
            scale = max(1.0, np.abs(gc[0, 1:] * s).max())
            check(f_us <= f_gl * (1 + 1e-9) and abs(f_us - f_gl) <= 1e-6 * f_gl and
                  diff <= 1e-4 * scale,
                  f"glmnet sparse {name}: F {f_us:.12g} vs {f_gl:.12g}, max coefficient "
                  f"difference {diff:.2e}")
        else:
            res = stratum(fit_bin, cat, alpha=alpha, tol=1e-13, path=12, **opts)
            check(abs(res["lambda_max"] - lams[0]) <= 1e-10 * lams[0],
                  f"glmnet sparse path: lambda_max {res['lambda_max']:.15g} vs {lams[0]:.15g}")
            worst = 0.0
            for l in range(min(len(lams), len(res["lambda"]))):
                b = coefs_of({"names": res["names"], "coef": res["coef"][l]}, names)
                diff = np.abs((b - gc[l, 1:]) * s).max()
                worst = max(worst, diff / max(1.0, np.abs(gc[l, 1:] * s).max()))
            check(worst <= 1e-4, f"glmnet sparse path: {len(lams)} lambdas, worst relative "
                  f"coefficient difference {worst:.2e}")

    narrow_design(fit_bin, work, rng)

    # prediction on the sparse design: the probabilities of the fitted coefficients
    res = stratum(fit_bin, cat, ignore="w", alpha=0.5, **{"lambda": 1e-3}, predict=1)
    b, b0 = coefs_of(res, names), res["intercept"]
    want = 1 / (1 + np.exp(-(b0 + X @ b)))
    diff = np.abs(np.array(res["prob"]) - want).max()
    check(diff <= 1e-12, f"prediction: max difference {diff:.2e} from the coefficients")

    # bad input: an infinite entry of a sparse LibSVM column, named with its row
    bad = os.path.join(work, "inf.svm")
    with open(bad, "w") as fh:
        for i in range(200):
            idx = sorted(rng.choice(np.arange(1, 700), 5, replace=False))
            vals = ["1e400" if (i, q) == (57, 2) else "1" for q in range(5)]
            fh.write(f"{i % 2} " + " ".join(f"{j}:{v}" for j, v in zip(idx, vals)) + "\n")
            if i == 57:
                feat = idx[2]
    r = subprocess.run([fit_bin, bad, "lambda=0.01"], capture_output=True, text=True)
    want = (f"logreg_fit: unusable data: feature 'f{feat}' is +infinity in data row 58 (a "
            f"number beyond the float range?); logistic regression needs finite values")
    check(r.returncode == 1 and r.stderr.strip() == want,
          f"an infinite sparse entry: {r.stderr.strip()!r}")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
