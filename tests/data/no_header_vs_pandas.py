#!/usr/bin/python3
"""Files without a header line and weight files, as LightGBM's examples ship them
(binary.train: tab-separated, label first, no header; binary.train.weight: one weight per
line), checked against pandas' and XGBoost's own readings of the same files.

Usage: no_header_vs_pandas.py STRATUM_BINARY DATASETS_DIR

Builds the files from DATASETS_DIR/wdbc.csv (label moved first, id dropped, the texts of
the numbers kept as written); its first row's values are all distinct, the case where a
header-less file read with a header silently loses its first row. Checks:
  - `info --no-header --label 0 --weight-file W`: rows, labels and feature values as pandas
    reads the file with header=None (and XGBoost's CSV reader, which has no header either),
    names by position, the weighted positive rate from the weight file;
  - without --no-header: one row fewer (as pandas with its default header=0) and the warning;
  - LightGBM's own case, a first row with repeated numbers: the error says --no-header;
  - train gbdt/logreg, bin, predict, evaluate and cv on the header-less file with the
    weight file give what the same commands give on the file with a header and a weight
    column: byte-identical models where the names agree, identical predictions and metrics;
  - a weight file of the wrong length fails naming both files.
Exits 1 on the first failure. Run with Debian's /usr/bin/python3.
"""
import csv
import filecmp
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

WARNING = ("stratum: warning: {path}: every name in the header line is a number, so the file "
           "most likely has no header and its first row was taken for column names (and is "
           "not among the rows); if so, read it with --no-header\n")


def run(binary, *args, ok=True):
    r = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
    if ok and r.returncode != 0:
        sys.exit(f"FAIL: stratum {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr}")
    return r


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")
    print(f"ok: {what}")


def checks(binary, datasets, tmp):
    with open(datasets / "wdbc.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    feats = [c for c in header if c not in ("id", "label")]
    li = header.index("label")
    fi = [header.index(c) for c in feats]
    table = [[r[li]] + [r[i] for i in fi] for r in body]
    assert len(set(table[0])) == len(table[0]), "the first row must hold distinct values"
    weights = [0.25 * (1 + i % 5) for i in range(len(table))]
    n, nf = len(table), len(feats)

    plain = tmp / "binary.train"                 # LightGBM's layout
    wfile = tmp / "binary.train.weight"
    with_w = tmp / "with_weight.tsv"             # the weights as a last column instead
    headed = tmp / "headed.csv"                  # the same data with names
    comma = tmp / "plain.csv"                    # for XGBoost's CSV reader (commas only)
    plain.write_text("".join("\t".join(r) + "\n" for r in table))
    wfile.write_text("".join(f"{w}\n" for w in weights))
    with_w.write_text("".join("\t".join(r + [str(w)]) + "\n" for r, w in zip(table, weights)))
    headed.write_text(",".join(["label"] + feats + ["w"]) + "\n" +
                      "".join(",".join(r + [str(w)]) + "\n" for r, w in zip(table, weights)))
    comma.write_text("".join(",".join(r) + "\n" for r in table))

    # --- reading: pandas header=None and XGBoost are the oracles -------------------------
    df = pd.read_csv(plain, sep="\t", header=None, float_precision="round_trip")
    r = run(binary, "info", plain, "--no-header", "--label", "0", "--weight-file", wfile,
            "--format", "json")
    info = json.loads(r.stdout)
    check(r.stderr == "", "no warning with --no-header")
    check(info["rows"] == len(df) == n, f"rows {info['rows']} == pandas header=None {len(df)}")
    check([c["name"] for c in info["features"]] == [str(j) for j in range(1, nf + 1)],
          "features named by position 1..30, the label '0'")
    check(info["label"]["name"] == "0", "label name '0'")
    y = df[0].to_numpy()
    check(info["label"]["n_positive"] == int((y == 1).sum()), "positives as pandas")
    for j, c in enumerate(info["features"], start=1):
        col = df[j].to_numpy(dtype=np.float32).astype(np.float64)
        if abs(c["mean"] - col.mean()) > 1e-6 * max(1.0, abs(col.mean())) or \
                c["min"] != col.min() or c["max"] != col.max():
            sys.exit(f"FAIL: column {j}: {c} against pandas mean {col.mean()}")
    print("ok: every column's min, max and mean as pandas reads it")
    w = np.array(weights)
    expected_rate = w[y == 1].sum() / w.sum()
    check(abs(info["label"]["weighted_positive_rate"] - expected_rate) < 1e-6,
          f"weighted positive rate {info['label']['weighted_positive_rate']} from the weight "
          f"file, {expected_rate} by numpy")
    check(info["weight"] == str(wfile), "the weights are named by their file")
    dm = xgb.DMatrix(f"{comma}?format=csv&label_column=0")
    r2 = json.loads(run(binary, "info", comma, "--no-header", "--label", "#0", "--format",
                        "json").stdout)
    check(dm.num_row() == r2["rows"] and dm.num_col() == len(r2["features"]),
          f"XGBoost's CSV reader: {dm.num_row()} x {dm.num_col()}, as --no-header --label '#0'")

    # --- the silent loss, now a warning ---------------------------------------------------
    r = run(binary, "info", plain, "--label", "#0", "--format", "json")
    lost = json.loads(r.stdout)
    check(lost["rows"] == len(pd.read_csv(plain, sep="\t")) == n - 1,
          "with a header the first row is lost, as pandas' header=0 loses it")
    check(r.stderr == WARNING.format(path=plain), "the warning names --no-header")
    dup = tmp / "dup.train"  # LightGBM's binary.train: its first row repeats 0.000
    first = table[0][:]
    first[2] = first[1]
    dup.write_text("\t".join(first) + "\n" + "".join("\t".join(r) + "\n" for r in table[1:]))
    r = run(binary, "info", dup, "--label", "#0", ok=False)
    check(r.returncode == 1 and r.stderr.endswith(
        "expected unique names; every name in this line is a number: if the file has no header "
        "line, read it with --no-header\n"), "a repeated number in the first line: " + r.stderr)
    check(json.loads(run(binary, "info", dup, "--no-header", "--label", "0", "--format",
                         "json").stdout)["rows"] == n, "... and --no-header reads every row")

    # --- every command: the weight file is the weight column -----------------------------
    m_file, m_col, m_head = tmp / "file.model", tmp / "col.model", tmp / "head.model"
    common = ["--no-header", "--label", "0"]
    for family, opts in (("gbdt", ["--num-trees", "20"]), ("logreg", ["--lambda", "0.01"])):
        run(binary, "train", family, plain, *common, "--weight-file", wfile, *opts, "-o", m_file,
            "--quiet")
        run(binary, "train", family, with_w, *common, "--weight-col", str(nf + 1), *opts, "-o",
            m_col, "--quiet")
        check(filecmp.cmp(m_file, m_col, shallow=False),
              f"train {family}: --weight-file gives the model of --weight-col, byte for byte")
        run(binary, "train", family, headed, "--weight-col", "w", *opts, "-o", m_head, "--quiet")
        p_file = run(binary, "predict", m_file, plain, *common).stdout
        p_head = run(binary, "predict", m_head, headed, "--weight-col", "w").stdout
        check(p_file == p_head and p_file.count("\n") == n + 1,
              f"predict {family}: a header-less model on a header-less file predicts as the "
              "named model on the named file")
        e_file = json.loads(run(binary, "evaluate", m_file, plain, *common, "--weight-file",
                                wfile, "--bootstrap", "0", "--format", "json").stdout)
        e_head = json.loads(run(binary, "evaluate", m_head, headed, "--weight-col", "w",
                                "--bootstrap", "0", "--format", "json").stdout)
        check(e_file["metrics"] == e_head["metrics"] and e_file["weighted"],
              f"evaluate {family}: weighted metrics equal")
    s_file, s_head = tmp / "file.stb", tmp / "head.stb"
    run(binary, "bin", plain, *common, "--weight-file", wfile, "-o", s_file, "--quiet")
    run(binary, "bin", headed, "--weight-col", "w", "-o", s_head, "--quiet")
    run(binary, "train", "gbdt", s_file, "--num-trees", "20", "-o", m_file, "--quiet")
    run(binary, "train", "gbdt", s_head, "--num-trees", "20", "-o", m_head, "--quiet")
    check(run(binary, "predict", m_file, plain, *common).stdout ==
          run(binary, "predict", m_head, headed).stdout,
          "bin: the binned header-less file with its weight file trains the same trees")
    cv = [run(binary, "cv", "gbdt", path, *opts, "--num-trees", "20", "--folds", "3",
              "--format", "csv").stdout
          for path, opts in ((plain, common + ["--weight-file", str(wfile)]),
                             (headed, ["--weight-col", "w"]))]
    check(cv[0] == cv[1] and cv[0].count("\n") > 3, "cv gbdt: the same fold metrics")

    # --- bad weight files -------------------------------------------------------------------
    short = tmp / "short.weight"
    short.write_text("".join(f"{x}\n" for x in weights[:-1]))
    r = run(binary, "info", plain, *common, "--weight-file", short, ok=False)
    check(r.returncode == 1 and r.stderr == f"stratum: {short}: {n - 1} weights for the {n} rows "
          f"of {plain}; expected one line per row\n", "a short weight file: " + r.stderr.strip())
    r = run(binary, "train", "gbdt", plain, *common, "--weight-file", wfile, "--valid", plain,
            "-o", m_file, "--quiet")
    check(r.returncode == 0, "--valid is not weighed by DATA's weight file")
    print("all passed")


def main():
    with tempfile.TemporaryDirectory(prefix="stratum_no_header_") as d:
        checks(sys.argv[1], Path(sys.argv[2]), Path(d))


if __name__ == "__main__":
    main()
