#!/usr/bin/env python3
"""stratum train logreg DATA.stb (streamed from the binned file's raw values, made by
'stratum bin --values') against stratum train logreg DATA.csv (in memory): the same
coefficients to 1e-6 relative and the same predictions and contributions, for ridge,
lasso, elastic net, balanced class weights and row weights, on shipped datasets with
numeric and categorical columns and missing values; and the errors (a file without
values, median imputation, missing indicators).

usage: logreg_stb_vs_csv.py STRATUM DATASETS_DIR"""
import csv
import os
import subprocess
import sys
import tempfile

STRATUM, DATA = sys.argv[1], sys.argv[2]
failures = 0


def run(*args, ok=True):
    r = subprocess.run([STRATUM, *args], capture_output=True, text=True)
    if ok and r.returncode != 0:
        sys.exit(f"FAIL: stratum {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r


def table(path_or_text, is_text=False):
    lines = path_or_text.splitlines() if is_text else open(path_or_text).read().splitlines()
    return list(csv.reader(lines))


def close(a, b, rel=1e-6, abs_=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)


# --tol 1e-16: both solvers stop on a relative gap in the objective, and a gap of 1e-12
# still lets coefficients along a nearly flat direction (the two one-hot columns of a rare
# binary level, free to shift against the intercept under the lasso part) differ by 1e-5.
def compare(tmp, name, csv_path, stb_path, opts):
    before = failures
    tag = f"{name} {' '.join(opts)}"
    a = run("train", "logreg", csv_path, "-o", f"{tmp}/csv.model", "--format", "csv",
            "--tol", "1e-16", *opts)
    b = run("train", "logreg", stb_path, "-o", f"{tmp}/stb.model", "--format", "csv",
            "--tol", "1e-16", *opts)
    ca, cb = table(a.stdout, True), table(b.stdout, True)
    # rows come largest first, so near ties may be listed in either order: match by name
    check(sorted(r[0] for r in ca) == sorted(r[0] for r in cb), f"{tag}: coefficient names differ")
    by_name = {r[0]: r for r in cb[1:]}
    for ra in ca[1:]:
        rb = by_name.get(ra[0], [ra[0], "nan"])
        check(close(float(ra[1]), float(rb[1])),
              f"{tag}: {ra[0]} is {rb[1]} from the .stb, {ra[1]} from the CSV")
    for model in ("csv", "stb"):
        run("predict", f"{tmp}/{model}.model", csv_path, "-o", f"{tmp}/{model}.p")
        run("predict", f"{tmp}/{model}.model", csv_path, "--contrib", "-o",
            f"{tmp}/{model}.c")
    pa, pb = table(f"{tmp}/csv.p"), table(f"{tmp}/stb.p")
    check(len(pa) == len(pb) > 1, f"{tag}: prediction rows")
    worst = max(abs(float(x[0]) - float(y[0])) for x, y in zip(pa[1:], pb[1:]))
    check(worst <= 1e-6, f"{tag}: predictions differ by {worst}")
    ka, kb = table(f"{tmp}/csv.c"), table(f"{tmp}/stb.c")
    check(ka[0] == kb[0] and len(ka) == len(kb), f"{tag}: contribution tables differ in shape")
    worst = max(abs(float(x) - float(y)) for ra, rb in zip(ka[1:], kb[1:])
                for x, y in zip(ra, rb))
    check(worst <= 1e-6, f"{tag}: contributions differ by {worst}")
    if failures == before:
        print(f"ok {tag}: {len(ca) - 1} coefficients, {len(pa) - 1} predictions")


with tempfile.TemporaryDirectory() as tmp:
    sets = [("hepatitis", os.path.join(DATA, "hepatitis.csv")),
            ("thyroid_sick", os.path.join(DATA, "thyroid_sick.csv"))]
    for name, path in sets:
        stb = f"{tmp}/{name}.stb"
        run("bin", path, "-o", stb, "--values", "--quiet")
        for opts in (["--lambda", "0.01"],
                     ["--lambda", "0.005", "--alpha", "1"],
                     ["--lambda", "0.01", "--alpha", "0.5"],
                     ["--lambda", "0.02", "--class-weight", "balanced"],
                     ["--lambda", "0.01", "--no-standardize"]):
            compare(tmp, name, path, stb, opts)
    # weighted copies: row weights 1, 2, 3 in turn
    for (name, path), opts in zip(sets, (["--lambda", "0.01", "--alpha", "0.5"],
                                         ["--lambda", "0.01", "--class-weight", "balanced"])):
        rows = table(path)
        weighted = f"{tmp}/{name}_w.csv"
        with open(weighted, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(rows[0] + ["w"])
            for i, r in enumerate(rows[1:]):
                w.writerow(r + [str(1 + i % 3)])
        stb = f"{tmp}/{name}_w.stb"
        run("bin", weighted, "-o", stb, "--values", "--weight-col", "w", "--quiet")
        compare(tmp, name + " weighted", weighted, stb, opts + ["--weight-col", "w"])

    # errors: one clear line, no model written
    plain = f"{tmp}/plain.stb"
    run("bin", sets[0][1], "-o", plain, "--quiet")
    r = run("train", "logreg", plain, "-o", f"{tmp}/x.model", "--lambda", "1e-4", ok=False)
    check(r.returncode == 1 and "stratum bin --values" in r.stderr
          and r.stderr.count("\n") == 1 and not os.path.exists(f"{tmp}/x.model"),
          f"no values section: exit {r.returncode}, {r.stderr!r}")
    for opt in (["--impute", "median"], ["--missing-indicators"]):
        r = run("train", "logreg", f"{tmp}/hepatitis.stb", "-o", f"{tmp}/x.model", *opt,
                ok=False)
        check(r.returncode == 2 and "binned file" in r.stderr
              and not os.path.exists(f"{tmp}/x.model"),
              f"{opt}: exit {r.returncode}, {r.stderr!r}")
    # the default lambda (inner cross-validation) needs the rows in memory
    r = run("train", "logreg", f"{tmp}/hepatitis.stb", "-o", f"{tmp}/x.model", ok=False)
    check(r.returncode == 2 and r.stderr == "stratum train: a binned file needs --lambda: the "
          "default chooses lambda by cross-validation, which needs the CSV in memory (see "
          "'stratum train --help')\n" and not os.path.exists(f"{tmp}/x.model"),
          f"default lambda: exit {r.returncode}, {r.stderr!r}")
    print("ok errors")

sys.exit(1 if failures else 0)
