#!/usr/bin/python3
"""Compares `stratum info --format json` with an independent pandas reading of the same CSV.

Usage: info_vs_pandas.py STRATUM_BINARY DATASETS_DIR [SHARED_DATASETS_DIR]

Checks every DATASETS_DIR/*.csv and, when SHARED_DATASETS_DIR exists, every
SHARED_DATASETS_DIR/*/clean.csv. For each file it compares the row count, the feature names
and their order, each feature's type and missing count, min/max/mean/sd of numeric features,
the levels and level counts of categorical features, and the label's class balance.

Prints one line per file (OK or its mismatches) and a last line "N passed, M failed"; exits
with status 1 when any file failed. Run it with Debian's /usr/bin/python3, which has
python3-pandas and python3-numpy.
"""
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

# stratum's default missing-value texts (include/stratum/dataset.h, st_read_options.na_values).
NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A",
             "<NA>"]
LABEL_COLUMN = "label"
# stratum's default label rule: these texts are positive / negative (numbers compare by value).
POSITIVE_WORDS = {"true", "yes"}
NEGATIVE_WORDS = {"false", "no"}
# Mean and sd are sums over up to ~10^5 rows, computed by stratum in one pass (Welford) and by
# numpy in two passes: they agree to far better than REL_TOL, but not bit for bit.
REL_TOL = 1e-6
# The rounding error of a sum scales with its largest term, not with the result: the means
# of mammography's standardised columns are ~1e-9 from values ~1, and the two readings differ
# in their 8th digit. So mean and sd may also differ by SUM_TOL times the largest |value|.
SUM_TOL = 1e-9


def run_stratum_info(binary, path):
    """The parsed JSON of `stratum info PATH --format json`; raises RuntimeError on failure."""
    result = subprocess.run([binary, "info", str(path), "--format", "json"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"stratum exited with {result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def read_with_pandas(path):
    """Two readings of the file: with pandas' type inference, and every field as text.

    The text reading gives the level strings exactly as written (pandas turns a column of
    True/False into bools, and stratum keeps them as the strings "True"/"False")."""
    common = dict(keep_default_na=False, na_values=NA_VALUES, low_memory=False)
    # round_trip: correctly rounded doubles, like stratum's parser (then both cast to float32)
    typed = pd.read_csv(path, float_precision="round_trip", **common)
    text = pd.read_csv(path, dtype=str, **common)
    return typed, text


def pandas_type(series):
    """stratum's name for the type pandas inferred for a column."""
    # pandas reads a column of only True/False as bool; stratum sees text: categorical.
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    return "categorical"


def same_float(expected, actual, rel_tol=0.0, abs_tol=0.0):
    """Does actual equal expected, within the tolerances of math.isclose?

    None (JSON null) matches only None, NaN or +-inf."""
    # JSON has no NaN or infinity: stratum's json_number (tools/cli_common.c) writes null for
    # both, so a column holding "inf" (a number to both readers) shows min/max null.
    if expected is None or not math.isfinite(expected):
        return actual is None
    if actual is None:
        return False
    return math.isclose(expected, actual, rel_tol=rel_tol, abs_tol=abs_tol)


def compare_numeric(name, series, feature):
    """Mismatches in min/max/mean/sd of a numeric column, on its float32 values."""
    # stratum stores float32: compare against the same values. min and max are single
    # values, so they must be equal; mean and sd are sums, equal within REL_TOL and SUM_TOL.
    # (values beyond float32's range become +-inf, as in stratum; numpy's warnings about
    # that and about inf - inf in the sums are silenced)
    with np.errstate(all="ignore"):
        values = series.dropna().to_numpy(dtype=np.float32).astype(np.float64)
        expected = {"min": None, "max": None, "mean": None, "sd": None}
        if len(values) > 0:
            expected["min"] = float(values.min())
            expected["max"] = float(values.max())
            expected["mean"] = float(values.mean())
        if len(values) > 1:
            expected["sd"] = float(values.std(ddof=1))
    problems = []
    largest = float(np.abs(values).max()) if len(values) > 0 else 0.0
    for stat, want in expected.items():
        got = feature[stat]
        if stat in ("min", "max"):
            same = same_float(want, got)
        else:
            same = same_float(want, got, rel_tol=REL_TOL, abs_tol=SUM_TOL * largest)
        if not same:
            problems.append(f"{name}: {stat} {got} != pandas {want}")
    return problems


def compare_categorical(name, text_series, feature):
    """Mismatches in the levels and level counts of a categorical column."""
    expected = text_series.dropna().value_counts().to_dict()
    problems = []
    if feature["n_levels"] != len(expected):
        problems.append(f"{name}: {feature['n_levels']} levels != pandas {len(expected)}")
    # the JSON lists at most 1000 levels (most frequent first); check those it lists
    listed = {level["value"]: level["count"] for level in feature.get("levels", [])}
    if len(listed) != min(len(expected), 1000):
        problems.append(f"{name}: {len(listed)} levels listed, pandas has {len(expected)}")
    for value, count in listed.items():
        if expected.get(value) != count:
            problems.append(f"{name}: level {value!r} count {count} != pandas "
                            f"{expected.get(value, 0)}")
    return problems


def label_class(text):
    """1, 0 or None (not a class) for a label text, by stratum's default rule."""
    text = text.strip(" \t")
    try:
        number = float(text)
    except ValueError:
        word = text.lower()
        if word in POSITIVE_WORDS:
            return 1
        if word in NEGATIVE_WORDS:
            return 0
        return None
    if number == 1.0:
        return 1
    if number in (0.0, -1.0):
        return 0
    return None


def compare_label(text_labels, label):
    """Mismatches in the class balance of the label column."""
    if label is None:
        return ["stratum found no label column"]
    classes = text_labels.map(label_class)
    n_positive = int((classes == 1).sum())
    n_negative = int((classes == 0).sum())
    problems = []
    if label["n_positive"] != n_positive:
        problems.append(f"label: n_positive {label['n_positive']} != pandas {n_positive}")
    if label["n_negative"] != n_negative:
        problems.append(f"label: n_negative {label['n_negative']} != pandas {n_negative}")
    rate = n_positive / len(classes) if len(classes) else None
    if not same_float(rate, label["positive_rate"]):  # both n_positive / n_rows in double
        problems.append(f"label: positive_rate {label['positive_rate']} != pandas {rate}")
    return problems


def compare_features(typed, text, features):
    """Mismatches in the feature list and in each feature's type, missing count and values."""
    names = [c for c in typed.columns if c != LABEL_COLUMN]
    stratum_names = [f["name"] for f in features]
    if stratum_names != names:
        return [f"feature names {stratum_names} != pandas {names}"]
    problems = []
    for name, feature in zip(names, features):
        kind = pandas_type(typed[name])
        if feature["type"] != kind:
            problems.append(f"{name}: type {feature['type']} != pandas {kind}")
            continue
        missing = int(typed[name].isna().sum())
        if feature["missing"] != missing:
            problems.append(f"{name}: missing {feature['missing']} != pandas {missing}")
        if kind == "numeric":
            problems += compare_numeric(name, typed[name], feature)
        else:
            problems += compare_categorical(name, text[name], feature)
    return problems


def check_dataset(binary, path):
    """All mismatches between stratum and pandas for one CSV file (empty when they agree)."""
    try:
        info = run_stratum_info(binary, path)
    except (RuntimeError, json.JSONDecodeError) as e:
        return [str(e)]
    typed, text = read_with_pandas(path)
    problems = []
    if info["rows"] != len(typed):
        problems.append(f"rows {info['rows']} != pandas {len(typed)}")
    if info["rows_skipped"] != 0:
        problems.append(f"rows_skipped {info['rows_skipped']} != 0")
    if LABEL_COLUMN not in typed.columns:
        problems.append(f"no '{LABEL_COLUMN}' column in the file")
    else:
        problems += compare_label(text[LABEL_COLUMN], info["label"])
    if info["rows"] == len(typed):
        problems += compare_features(typed, text, info["features"])
    return problems


def dataset_files(datasets_dir, shared_dir):
    """(name to print, path) for every file to check."""
    files = [(p.name, p) for p in sorted(Path(datasets_dir).glob("*.csv"))]
    if shared_dir is not None:
        if Path(shared_dir).is_dir():
            files += [(f"shared/{p.parent.name}", p)
                      for p in sorted(Path(shared_dir).glob("*/clean.csv"))]
        else:
            print(f"note: {shared_dir} does not exist; shared datasets skipped")
    return files


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary, datasets_dir = argv[1], argv[2]
    shared_dir = argv[3] if len(argv) == 4 else None
    if not Path(binary).is_file():
        print(f"no stratum program at {binary}", file=sys.stderr)
        return 2
    files = dataset_files(datasets_dir, shared_dir)
    if not files:
        print(f"no CSV files found in {datasets_dir}", file=sys.stderr)
        return 2
    passed = failed = 0
    for name, path in files:
        problems = check_dataset(binary, path)
        if problems:
            failed += 1
            print(f"{name}: FAILED: " + "; ".join(problems))
        else:
            passed += 1
            print(f"{name}: OK")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
