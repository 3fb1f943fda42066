#!/usr/bin/python3
"""What the Python package (python/, ctypes) costs on top of libstratum.

    PYTHONPATH=python bench/python_overhead.py [--build build] [--rows 1000000] [--runs 3]
                                               [--predict-only]

1. Training boosted trees (100 trees, the defaults) and logistic regression on
   `stratum-gen higgs --rows N --seed 42` (28 numeric features) from a float32 numpy array:
   the wall time of est.fit(X, y) (input checks, the st_dataset over the array, training)
   against the CLI's own fit_seconds (`stratum train ... --format json`: the fit alone,
   reading the CSV excluded) on the same file, RUNS times each, interleaved; medians, and the ratio of the fastest runs. The
   two models must predict the first 20000 rows identically (their files differ only in
   the feature names: f0.. from an array, the CSV header's for the CLI).
2. One-row prediction: the time of one call from Python (estimator.predict_proba on a
   1 x 28 array, and the model handle's Model.predict_proba), against the model's own time
   per row (st_gbdt_predict / st_logreg_predict over 100000 rows, divided by the rows).
   The difference is the overhead of a call from Python, in microseconds: in wall time
   (all threads for the batch), and in CPU time (process_time; one thread for the batch),
   which a loaded machine's waits for a core do not inflate.

Prints a markdown table; nothing is written to the repository (data in bench/out/data).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))
import stratum  # noqa: E402


# The measured fits keep the old defaults (100 trees, lambda 1e-4) explicitly: the
# automatic choices (inner CV, early stopping) would time many fits, not one.
FIXED = {"gbdt": (["--num-trees", "100"], {"num_trees": 100}),
         "logreg": (["--lambda", "1e-4"], {"lam": 1e-4})}


def cli_fit_seconds(cli, kind, data, model):
    out = subprocess.run([cli, "train", kind, data, "-o", model, "-q", "--format", "json"]
                         + FIXED[kind][0],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["fit_seconds"]


def per_call_us(fn, calls, clock=time.perf_counter):
    fn()
    t = clock()
    for _ in range(calls):
        fn()
    return (clock() - t) / calls * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--predict-only", action="store_true",
                    help="skip the fits: time one-row predictions of the CLI's models of a "
                         "previous run (bench/out/data/py_overhead)")
    a = ap.parse_args()
    cli = os.path.join(a.build, "tools", "stratum")
    gen = os.path.join(a.build, "tools", "stratum-gen")
    data_dir = os.path.join(REPO, "bench", "out", "data")
    os.makedirs(data_dir, exist_ok=True)
    data = os.path.join(data_dir, f"higgs_{a.rows}_seed42.csv")
    if not os.path.exists(data):
        subprocess.run([gen, "higgs", "--rows", str(a.rows), "--seed", "42", "-o",
                        data + ".tmp"], check=True)
        os.replace(data + ".tmp", data)
    df = pd.read_csv(data, float_precision="round_trip")
    y = df.pop("label").to_numpy()
    X = np.asfortranarray(df.to_numpy(np.float32))
    X.flags.writeable = False
    print(f"library {stratum.LIBRARY_PATH}; {a.rows} x {X.shape[1]} float32 "
          f"(Fortran order), {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}\n",
          flush=True)

    print("| fit | CLI fit_seconds (median) | Python fit() (median) | ratio | ratio of the "
          "fastest runs | same predictions |")
    print("|---|---|---|---|---|---|")
    work = os.path.join(data_dir, "py_overhead")
    os.makedirs(work, exist_ok=True)
    models, runs_seen = {}, []
    if a.predict_only:
        for kind, make in (("gbdt", stratum.GBDTClassifier),
                           ("logreg", stratum.LogisticRegression)):
            est = make()
            est.model_ = stratum.load(os.path.join(work, f"cli_{kind}"))
            est.classes_, est.n_features_in_ = np.array([0, 1]), X.shape[1]
            models[kind] = est
    for kind, make in (() if a.predict_only else
                       (("gbdt", stratum.GBDTClassifier),
                        ("logreg", stratum.LogisticRegression))):
        c_times, p_times = [], []
        for _ in range(a.runs):
            c_times.append(cli_fit_seconds(cli, kind, data, os.path.join(work, f"cli_{kind}")))
            est = make(**FIXED[kind][1])
            t = time.perf_counter()
            est.fit(X, y)
            p_times.append(time.perf_counter() - t)
        cli_model = stratum.load(os.path.join(work, f"cli_{kind}"))
        same = np.array_equal(cli_model.predict_proba(df.iloc[:20000]),
                              est.predict_proba(X[:20000])[:, 1])
        c, p = statistics.median(c_times), statistics.median(p_times)
        # the fastest runs too: run-to-run noise only adds time, and a fit of under a
        # second moves by more than the 5% being measured from one run to the next
        print(f"| {kind} | {c:.3f} s | {p:.3f} s | {p / c:.3f} | "
              f"{min(p_times) / min(c_times):.3f} | {'yes' if same else 'NO'} |", flush=True)
        runs_seen.append(f"{kind}: CLI {', '.join(f'{t:.3f}' for t in c_times)}; Python "
                         f"{', '.join(f'{t:.3f}' for t in p_times)} (s, in run order)")
        models[kind] = est

    for line in runs_seen:
        print(line)
    # wall time, and CPU time (process_time): on a loaded machine the wall time of a call
    # is mostly waiting for a core, the CPU time what the call costs; the model's own time
    # per row of CPU is measured on one thread
    print("\n| one-row predict | clock | model's own time per row | estimator.predict_proba "
          "| overhead | Model.predict_proba | overhead |")
    print("|---|---|---|---|---|---|---|")
    batch = X[:100000]
    row = np.ascontiguousarray(X[:1])
    for kind, est in models.items():
        for clock, threads in ((time.perf_counter, 0), (time.process_time, 1)):
            t = clock()
            for _ in range(3):
                est.model_.predict_proba(batch, threads)
            own = (clock() - t) / 3 / len(batch) * 1e6
            e_us = per_call_us(lambda: est.predict_proba(row), a.calls, clock)
            m_us = per_call_us(lambda: est.model_.predict_proba(row), a.calls, clock)
            print(f"| {kind} | {'wall' if threads == 0 else 'CPU'} | {own:.2f} us | "
                  f"{e_us:.1f} us | {e_us - own:.1f} us | {m_us:.1f} us | {m_us - own:.1f} us |",
                  flush=True)


if __name__ == "__main__":
    main()
