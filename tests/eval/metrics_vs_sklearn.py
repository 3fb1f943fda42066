#!/usr/bin/python3
"""Compares `stratum evaluate --scores FILE --format json` with scikit-learn's metrics.

Usage: metrics_vs_sklearn.py STRATUM_BINARY

Writes seeded random score/label/weight CSV files (heavily tied scores, 2-5% positives,
weights including zeros) to a temporary directory, runs stratum on each, and checks every
metric to 1e-9 against sklearn.metrics with sample_weight: roc_auc_score,
average_precision_score, log_loss, brier_score_loss, confusion_matrix, precision, recall,
specificity and NPV (recall/precision of class 0), accuracy, f1_score, fbeta_score,
balanced_accuracy_score and matthews_corrcoef. Also checks:
- each threshold rule against a brute-force search over the distinct scores;
- undefined cases (one class, nothing predicted positive): stratum reports null with
  "defined": false where scikit-learn raises, warns or returns 0 by convention;
- DeLong's variance against a direct O(n^2) implementation of DeLong et al. (1988);
- the calibration slope and intercept against an unpenalised scikit-learn
  LogisticRegression of y on logit(p) (to 1e-6: two iterative solvers),
  calibration-in-the-large against scipy's brentq root of its score equation, and the
  calibration table against numpy;
- that the bootstrap gives byte-identical output for 1 and 4 threads;
- --by: each subgroup's metrics against scikit-learn on that subset, at the threshold
  chosen on all rows; on a column of numbers, one group per cell text as written (ids above
  a float's 16,777,216 apart);
- separable scores: statsmodels raises PerfectSeparationError, and stratum's calibration
  intercept and slope are null with no interval;
- the --roc-curve and --pr-curve files against roc_curve(drop_intermediate=False) and
  precision_recall_curve.

Scores and weights are float32 values, which is what stratum stores, so both sides see
the same numbers. Prints one line per check and "N passed, M failed"; exits 1 on failure.
Run it with Debian's /usr/bin/python3 (python3-sklearn 1.2).
"""
import json
import math
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

TOL = 1e-9
failures = []
passes = 0


def check(name, ok, detail=""):
    global passes
    if ok:
        passes += 1
    else:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def close(a, b, tol=TOL):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def make_data(seed, n, prevalence, weighted, decimals=2):
    """Float32 scores rounded to `decimals` (heavy ties), labels, float32-exact weights."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    raw = 1 / (1 + np.exp(-(-3 + 1.5 * y + rng.standard_normal(n))))
    p = np.round(raw, decimals).astype(np.float32).astype(np.float64)
    w = rng.choice([0.0, 0.5, 1.0, 2.25, 3.0], size=n).astype(np.float64) if weighted else None
    return p, y, w


def write_csv(path, p, y, w):
    """id, p, y, [w,] and a group column g (A, B or C, by row number)."""
    with open(path, "w") as f:
        f.write("id,p,y" + (",w" if w is not None else "") + ",g\n")
        for i in range(len(p)):
            row = f"{i},{repr(float(p[i]))},{int(y[i])}"
            if w is not None:
                row += f",{repr(float(w[i]))}"
            f.write(row + f",{'ABC'[i * 7 % 3]}\n")


def run(binary, path, weighted, *extra):
    args = [binary, "evaluate", "--scores", str(path), "--score-col", "p", "--label-col", "y",
            "--ignore", "id,g", "--format", "json", *extra]
    if weighted:
        args += ["--weight-col", "w"]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return json.loads(r.stdout), r.stdout


def sklearn_threshold_metrics(y, p, w, t, beta):
    """The metrics at threshold t, None where scikit-learn would need zero_division."""
    pred = (p >= t).astype(int)
    cm = skm.confusion_matrix(y, pred, labels=[0, 1], sample_weight=w)
    tn, fp, fn, tp = cm.ravel()
    out = {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    kw = dict(sample_weight=w, zero_division=0)
    out["precision"] = skm.precision_score(y, pred, **kw) if tp + fp > 0 else None
    out["recall"] = skm.recall_score(y, pred, **kw) if tp + fn > 0 else None
    out["specificity"] = skm.recall_score(y, pred, pos_label=0, **kw) if tn + fp > 0 else None
    out["npv"] = skm.precision_score(y, pred, pos_label=0, **kw) if tn + fn > 0 else None
    out["accuracy"] = skm.accuracy_score(y, pred, sample_weight=w)
    out["f1"] = skm.f1_score(y, pred, **kw) if tp + fp + fn > 0 else None
    out["fbeta"] = skm.fbeta_score(y, pred, beta=beta, **kw) if tp + fp + fn > 0 else None
    both = tp + fn > 0 and tn + fp > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["balanced_accuracy"] = skm.balanced_accuracy_score(y, pred, sample_weight=w) \
            if both else None
    margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    out["mcc"] = skm.matthews_corrcoef(y, pred, sample_weight=w) if margins > 0 else None
    return out


def compare_all(name, got, y, p, w, t, beta):
    m = got["metrics"]
    pos = (y == 1)
    both = w is None and pos.any() and (~pos).any() or \
        w is not None and w[pos].sum() > 0 and w[~pos].sum() > 0
    expected = {
        "roc_auc": skm.roc_auc_score(y, p, sample_weight=w) if both else None,
        "pr_auc": skm.average_precision_score(y, p, sample_weight=w)
        if (w[pos].sum() if w is not None else pos.sum()) > 0 else None,
        "log_loss": skm.log_loss(y, p, sample_weight=w, labels=[0, 1]),
        "brier": skm.brier_score_loss(y, p, sample_weight=w, pos_label=1),
        "prevalence": np.average(y, weights=w),
    }
    at = sklearn_threshold_metrics(y, p, w, t, beta)
    for key in ("precision", "recall", "specificity", "npv", "accuracy", "f1", "fbeta",
                "balanced_accuracy", "mcc"):
        expected[key] = at[key]
    for key, want in expected.items():
        value = m[key]["value"]
        want = None if want is None else float(want)
        check(f"{name}: {key}", close(value, want) and m[key]["defined"] == (want is not None),
              f"stratum {value} (defined {m[key]['defined']}), sklearn {want}")
    for key in ("tp", "fp", "tn", "fn"):
        check(f"{name}: confusion {key}", close(got["confusion"][key], float(at[key])),
              f"stratum {got['confusion'][key]}, sklearn {at[key]}")


def brute_threshold(rule, y, p, w, beta, r):
    """The rule's threshold by trying every distinct score of rows with weight."""
    ww = np.ones(len(y)) if w is None else w
    cands = np.unique(p[ww > 0])[::-1]
    best, best_v = None, None
    pos, neg = ww[y == 1].sum(), ww[y == 0].sum()
    for t in cands:
        pred = p >= t
        tp = ww[pred & (y == 1)].sum()
        fp = ww[pred & (y == 0)].sum()
        if rule in ("f1", "fbeta"):
            b2 = 1.0 if rule == "f1" else beta * beta
            den = (1 + b2) * tp + b2 * (pos - tp) + fp
            v = (1 + b2) * tp / den if den > 0 else None
        elif rule == "youden":
            v = tp / pos + (neg - fp) / neg - 1 if pos > 0 and neg > 0 else None
        elif rule == "min-recall":
            if pos > 0 and tp / pos >= r:
                return t
            continue
        else:  # min-precision
            if tp / (tp + fp) >= r:
                best = t
            continue
        # stratum sums in another order: values within 1e-12 are ties, kept at the higher t
        if v is not None and (best_v is None or v > best_v + 1e-12):
            best, best_v = t, v
    return best


def delong_variance_direct(y, p):
    """DeLong, DeLong & Clarke-Pearson (1988) by the O(n^2) kernel psi."""
    x, z = p[y == 1], p[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return np.var(v10, ddof=1) / len(x) + np.var(v01, ddof=1) / len(z)


def calibration_direct(y, p, w):
    eps = np.finfo(np.float64).eps
    c = np.clip(p, eps, 1 - eps)
    x = (np.log(c) - np.log1p(-c)).reshape(-1, 1)
    m = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    m.fit(x, y, sample_weight=w)
    return m.intercept_[0], m.coef_[0][0]


def calibration_in_the_large_direct(y, p, w):
    """a with sum_i w_i (y_i - expit(a + logit p_i)) = 0, by bracketing."""
    eps = np.finfo(np.float64).eps
    c = np.clip(p, eps, 1 - eps)
    x = np.log(c) - np.log1p(-c)
    ww = np.ones(len(y)) if w is None else w
    return brentq(lambda a: float(np.sum(ww * (y - expit(a + x)))), -30, 30, xtol=1e-14)


def calibration_table_direct(y, p, w):
    n = len(p)
    ww = np.ones(n) if w is None else w
    order = np.lexsort((np.arange(n), -p))[::-1]  # stratum: descending score, ties by row
    rows = []
    for b in range(10):
        idx = order[b * n // 10:(b + 1) * n // 10]
        s = ww[idx].sum()
        rows.append((len(idx), s, (ww[idx] * p[idx]).sum() / s, (ww[idx] * y[idx]).sum() / s))
    return rows


def read_curve(path):
    """The three columns of a curve file as float arrays (empty field: NaN)."""
    rows = Path(path).read_text().splitlines()[1:]
    cols = [[float(v) if v else math.nan for v in row.split(",")] for row in rows]
    return np.array(cols).T


def compare_curves(name, tmp, binary, path, y, p, w):
    roc, pr = tmp / "roc.csv", tmp / "pr.csv"
    run(binary, path, w is not None, "--bootstrap", "0", "--roc-curve", str(roc),
        "--pr-curve", str(pr))
    t, fpr, tpr = read_curve(roc)
    sk_fpr, sk_tpr, sk_t = skm.roc_curve(y, p, sample_weight=w, drop_intermediate=False)
    # scikit-learn 1.2 starts at threshold max + 1; stratum at +inf
    ok = len(t) == len(sk_t) and math.isinf(t[0]) and np.array_equal(t[1:], sk_t[1:]) and \
        np.allclose(fpr, sk_fpr, rtol=0, atol=TOL) and np.allclose(tpr, sk_tpr, rtol=0, atol=TOL)
    check(f"{name}: ROC curve", ok, f"{len(t)} points, sklearn {len(sk_t)}")
    t, prec, rec = read_curve(pr)
    sk_prec, sk_rec, sk_t = skm.precision_recall_curve(y, p, sample_weight=w)
    ok = len(t) == len(sk_t) and np.array_equal(t, sk_t[::-1]) and \
        np.allclose(prec, sk_prec[:-1][::-1], rtol=0, atol=TOL) and \
        np.allclose(rec, sk_rec[:-1][::-1], rtol=0, atol=TOL)
    check(f"{name}: PR curve", ok, f"{len(t)} points, sklearn {len(sk_t)}")


def compare_subgroups(name, binary, path, y, p, w):
    args = [binary, "evaluate", "--scores", str(path), "--score-col", "p", "--label-col", "y",
            "--ignore", "id", "--format", "json", "--bootstrap", "0", "--threshold-rule", "f1",
            "--by", "g"] + (["--weight-col", "w"] if w is not None else [])
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        check(f"{name}: --by g runs", False, r.stderr.strip())
        return
    got = json.loads(r.stdout)
    t = got["threshold"]["value"]
    groups = np.array([["A", "B", "C"][i * 7 % 3] for i in range(len(p))])
    check(f"{name}: --by g threshold", got["subgroups"]["threshold"] == t)
    values = [g["value"] for g in got["subgroups"]["groups"]]
    check(f"{name}: --by g groups", values == ["A", "B", "C"], f"{values}")
    for g in got["subgroups"]["groups"]:
        sel = groups == g["value"]
        check(f"{name}: --by g={g['value']} rows", g["rows"] == int(sel.sum()))
        compare_all(f"{name} g={g['value']}", g, y[sel], p[sel],
                    None if w is None else w[sel], t, 2.0)


def check_separable(binary, tmp):
    """Scores that separate the classes: statsmodels finds no maximum of y ~ a + b logit(p)
    (PerfectSeparationError), so stratum's calibration intercept and slope are null with no
    interval (no resample gets one either), whatever its Newton steps reach; with one
    negative moved above the lowest positive the classes overlap and the fit matches
    scikit-learn's."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError
    rng = np.random.default_rng(6)
    y = (rng.random(30) < 0.3).astype(int)
    p = np.round(np.where(y == 1, 0.9 + 0.09 * rng.random(30), 0.01 + 0.09 * rng.random(30)), 3)
    x = sm.add_constant(np.log(p) - np.log1p(-p))
    try:
        sm.Logit(y, x).fit(disp=0)
        check("separable: statsmodels raises PerfectSeparationError", False)
    except PerfectSeparationError:
        check("separable: statsmodels raises PerfectSeparationError", True)
    path = tmp / "separable.csv"
    write_csv(path, p, y, None)
    got, _ = run(binary, path, False, "--bootstrap", "200", "--threads", "1")
    m = got["metrics"]
    for key in ("calibration_intercept", "calibration_slope"):
        check(f"separable: {key} undefined, no interval",
              m[key]["value"] is None and not m[key]["defined"] and m[key]["ci_low"] is None
              and m[key]["ci_high"] is None and m[key]["ci_resamples"] == 0, f"{m[key]}")
    citl = calibration_in_the_large_direct(y, p, None)
    check("separable: calibration-in-the-large still defined",
          close(m["calibration_in_the_large"]["value"], citl, 1e-9),
          f"{m['calibration_in_the_large']}, brentq {citl}")
    p[np.flatnonzero(y == 0)[0]] = 0.95  # a negative above the lowest positive
    write_csv(path, p, y, None)
    got, _ = run(binary, path, False, "--bootstrap", "0")
    cal_a, cal_b = calibration_direct(y, p, None)
    m = got["metrics"]
    check("overlapping: calibration slope", close(m["calibration_slope"]["value"], cal_b, 1e-6),
          f"stratum {m['calibration_slope']['value']}, sklearn {cal_b}")
    check("overlapping: calibration intercept",
          close(m["calibration_intercept"]["value"], cal_a, 1e-6),
          f"stratum {m['calibration_intercept']['value']}, sklearn {cal_a}")


def compare_number_subgroups(binary, tmp):
    """--by on a column of numbers: groups are the cells' texts as written (pandas reading
    the column as str), ids beyond a 32-bit float's 16,777,216 included, in ascending order
    of value; each group's metrics against scikit-learn on its rows."""
    import pandas as pd
    p, y, _ = make_data(7, 2000, 0.2, False)
    rng = np.random.default_rng(7)
    site = rng.choice(["100000001", "100000002", "100000003", "100000004", "0.1", "-0.0",
                       "0.0"], size=len(p))
    path = tmp / "sites.csv"
    with open(path, "w") as f:
        f.write("p,y,site\n")
        for i in range(len(p)):
            f.write(f"{repr(float(p[i]))},{int(y[i])},{site[i]}\n")
    texts = pd.read_csv(path, dtype={"site": str})["site"].to_numpy()
    args = [binary, "evaluate", "--scores", str(path), "--label-col", "y", "--by", "site",
            "--format", "json", "--bootstrap", "0"]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        check("--by site runs", False, r.stderr.strip())
        return
    got = json.loads(r.stdout)
    values = [g["value"] for g in got["subgroups"]["groups"]]
    want = sorted(set(texts), key=lambda t: (float(t), t))
    check("--by site: one group per text as written, ascending", values == want,
          f"{values}, want {want}")
    t = got["threshold"]["value"]
    for g in got["subgroups"]["groups"]:
        sel = texts == g["value"]
        check(f"--by site={g['value']} rows", g["rows"] == int(sel.sum()) and not g["missing"],
              f"{g['rows']} vs {int(sel.sum())}")
        compare_all(f"--by site={g['value']}", g, y[sel], p[sel], None, t, 2.0)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = argv[1]
    tmp = Path(tempfile.mkdtemp(prefix="stratum_metrics_"))
    cases = [("unweighted 3%", 1, 4000, 0.03, False), ("weighted 5%", 2, 3000, 0.05, True),
             ("weighted 2% fine ties", 3, 5000, 0.02, True)]
    for name, seed, n, prev, weighted in cases:
        p, y, w = make_data(seed, n, prev, weighted, decimals=2 if seed != 3 else 3)
        path = tmp / f"case{seed}.csv"
        write_csv(path, p, y, w)
        got, text1 = run(binary, path, weighted, "--threshold", "0.1", "--bootstrap", "200",
                         "--threads", "1")
        compare_all(f"{name} t=0.1", got, y, p, w, 0.1, 2.0)
        compare_curves(name, tmp, binary, path, y, p, w)
        compare_subgroups(name, binary, path, y, p, w)
        _, text4 = run(binary, path, weighted, "--threshold", "0.1", "--bootstrap", "200",
                       "--threads", "4")
        check(f"{name}: bootstrap identical for 1 and 4 threads", text1 == text4)
        for key, val in got["metrics"].items():
            if val["defined"] and key not in ("prevalence",):
                ok = val["ci_low"] is not None and val["ci_low"] <= val["ci_high"]
                check(f"{name}: {key} CI ordered", ok, f"{val}")
        for rule, extra, r in [("f1", [], 0), ("fbeta", ["--beta", "3"], 0), ("youden", [], 0),
                               ("min-recall", ["--min-recall", "0.8"], 0.8),
                               ("min-precision", ["--min-precision", "0.3"], 0.3)]:
            got, _ = run(binary, path, weighted, "--threshold-rule", rule, "--bootstrap", "0",
                         *extra)
            want = brute_threshold(rule, y, p, w, 3.0, r)
            t = got["threshold"]["value"]
            check(f"{name}: rule {rule}", close(t, None if want is None else float(want), 0),
                  f"stratum {t}, brute force {want}")
            if t is not None:
                compare_all(f"{name} rule {rule}", got, y, p, w, t, got["threshold"]["beta"])
        cal_a, cal_b = calibration_direct(y, p, w)
        m = got["metrics"]
        check(f"{name}: calibration intercept",
              close(m["calibration_intercept"]["value"], cal_a, 1e-6),
              f"stratum {m['calibration_intercept']['value']}, sklearn {cal_a}")
        check(f"{name}: calibration slope", close(m["calibration_slope"]["value"], cal_b, 1e-6),
              f"stratum {m['calibration_slope']['value']}, sklearn {cal_b}")
        citl = calibration_in_the_large_direct(y, p, w)
        got_citl = m["calibration_in_the_large"]["value"]
        check(f"{name}: calibration-in-the-large", close(got_citl, citl, 1e-9),
              f"stratum {got_citl}, brentq {citl}")
        for b, (rows, s, mp, ob) in enumerate(calibration_table_direct(y, p, w)):
            c = got["calibration"][b]
            ok = c["rows"] == rows and close(c["weight"], s) and close(c["mean_predicted"], mp) \
                and close(c["observed"], ob)
            check(f"{name}: calibration bin {b + 1}", ok, f"stratum {c}, numpy {(rows, s, mp, ob)}")
        if not weighted:
            var = delong_variance_direct(y, p)
            d = got["delong"]
            check(f"{name}: DeLong variance", close(d["variance"], var, 1e-12),
                  f"stratum {d['variance']}, direct {var}")
            auc = skm.roc_auc_score(y, p)
            half = 1.959963984540054 * math.sqrt(var)
            check(f"{name}: DeLong CI", close(d["ci_low"], max(0, auc - half)) and
                  close(d["ci_high"], min(1, auc + half)), f"{d}")
        else:
            check(f"{name}: no DeLong for weights", got["delong"]["variance"] is None)

    # Undefined cases: only negatives; nothing predicted positive.
    p, y, w = make_data(4, 500, 0.0, True)
    y[:] = 0
    path = tmp / "negatives.csv"
    write_csv(path, p, y, w)
    got, _ = run(binary, path, True, "--threshold", "0.05", "--bootstrap", "20")
    m = got["metrics"]
    try:
        skm.roc_auc_score(y, p, sample_weight=w)
        check("one class: sklearn roc_auc_score raises", False)
    except ValueError:
        check("one class: sklearn roc_auc_score raises", True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ap = skm.average_precision_score(y, p, sample_weight=w)
    check("one class: sklearn AP is 0 by convention", ap == 0.0, f"{ap}")
    for key in ("roc_auc", "pr_auc", "recall", "balanced_accuracy", "mcc", "calibration_slope"):
        check(f"one class: {key} undefined", m[key]["value"] is None and not m[key]["defined"]
              and m[key]["ci_low"] is None and m[key]["ci_resamples"] == 0, f"{m[key]}")
    compare_all("one class", got, y, p, w, 0.05, 2.0)
    p, y, w = make_data(5, 500, 0.05, False)
    path = tmp / "none_predicted.csv"
    write_csv(path, p, y, w)
    got, _ = run(binary, path, False, "--threshold", "2", "--bootstrap", "0")
    m = got["metrics"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        sk_precision = skm.precision_score(y, (p >= 2).astype(int))
    check("nothing predicted: sklearn precision is 0 by zero_division", sk_precision == 0.0)
    check("nothing predicted: precision undefined", m["precision"]["value"] is None and
          not m["precision"]["defined"], f"{m['precision']}")
    check("nothing predicted: mcc undefined (sklearn: 0)", m["mcc"]["value"] is None)
    compare_all("nothing predicted", got, y, p, w, 2.0, 2.0)

    check_separable(binary, tmp)
    compare_number_subgroups(binary, tmp)

    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    print(f"{passes} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
