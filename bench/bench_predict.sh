#!/usr/bin/env bash
# Batch prediction benchmark: stratum's st_gbdt_predict against XGBoost's predict() on the
# same model, a 500-tree, 31-leaf XGBoost model (hist, lossguide) trained on a HIGGS-like
# 100,000 x 28 table (the model of bench_shap.sh) and imported by stratum from its JSON
# file, predicting PRED_ROWS (200,000) other HIGGS-like rows. Both use 2 threads; only the
# prediction is timed (not loading data or model; XGBoost gets a new DMatrix every run,
# since a DMatrix caches its predictions). Prints a Markdown report with medians, user CPU
# and the ratio stratum / XGBoost (below 1: stratum faster), and the largest difference
# between the two tools' probabilities (XGBoost sums in float, stratum in double).
#
#   bench/bench_predict.sh                     # uses ./build (Release)
#
# Environment: BUILD_DIR (default build), ROWS (100000, training rows of the model), TREES
# (500), LEAVES (31), PRED_ROWS (200000), THREADS (2), RUNS (5), PYTHON (/usr/bin/python3).
set -euo pipefail

NAME=bench_predict
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-100000}
TREES=${TREES:-500}
LEAVES=${LEAVES:-31}
PRED_ROWS=${PRED_ROWS:-200000}
THREADS=${THREADS:-2}
RUNS=${RUNS:-5}
CSV=$OUT/higgs_${ROWS}_seed42.csv
PRED_CSV=$OUT/higgs_${PRED_ROWS}_seed7.csv
MODEL=$OUT/shap_xgb_${ROWS}_${TREES}x${LEAVES}.json
TIMER=$OUT/predict_time

gen_higgs "$CSV" "$ROWS" 42
gen_higgs "$PRED_CSV" "$PRED_ROWS" 7
build_timer "$REPO/bench/predict_time.c" "$TIMER"
xgb_model "$CSV" "$MODEL" "$TREES" "$LEAVES" "$THREADS"

xgb_json=$(OMP_WAIT_POLICY=PASSIVE "$PYTHON" - "$PRED_CSV" "$MODEL" "$THREADS" "$RUNS" \
    "$OUT/predict_xgb.txt" <<'PY'
import json, resource, sys, time
import numpy as np, pandas as pd, xgboost as xgb
pred_csv, model, threads, runs, out = sys.argv[1:6]
threads, runs = int(threads), int(runs)
df = pd.read_csv(pred_csv, keep_default_na=False, na_values=[""])
df.pop("label")
x, names = df.to_numpy(np.float64).astype(np.float32), list(df.columns)
bst = xgb.Booster(model_file=model)
bst.set_param({"nthread": threads})
secs, cpu = [], []
for _ in range(runs):
    dm = xgb.DMatrix(x, feature_names=names, nthread=threads)
    c0 = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    t0 = time.perf_counter(); p = bst.predict(dm); secs.append(time.perf_counter() - t0)
    cpu.append(resource.getrusage(resource.RUSAGE_SELF).ru_utime - c0)
np.savetxt(out, p.astype(np.float64), fmt="%.17g")
print(json.dumps({"predict_seconds": secs, "cpu_seconds": cpu, "version": xgb.__version__}))
PY
)
say "timing stratum"
st_json=$("$TIMER" "$MODEL" "$PRED_CSV" "$THREADS" "$RUNS" "$OUT/predict_stratum.txt")

"$PYTHON" - "$xgb_json" "$st_json" "$TREES" "$LEAVES" "$THREADS" "$PRED_ROWS" \
    "$OUT/predict_xgb.txt" "$OUT/predict_stratum.txt" <<'PY'
import json, os, statistics, sys
import numpy as np
x, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
trees, leaves, threads, rows = sys.argv[3:7]
px, ps = np.loadtxt(sys.argv[7]), np.loadtxt(sys.argv[8])
med = statistics.median
load = os.getloadavg()[0]
print(f"## Batch prediction: stratum vs XGBoost {x['version']}\n")
print(f"{trees}-tree, {leaves}-leaf XGBoost model (hist, lossguide) on HIGGS-like data, imported "
      f"by stratum from its JSON file; {int(rows):,} rows; {threads} threads; median of "
      f"{len(s['predict_seconds'])} runs; 1-minute load average at the end {load:.2f}.\n")
print("| tool | predict (s) | user CPU (s) | stratum / XGBoost (wall) |")
print("|---|--:|--:|--:|")
a, b = med(s["predict_seconds"]), med(x["predict_seconds"])
print(f"| stratum `st_gbdt_predict` | {a:.3f} | {med(s['cpu_seconds']):.3f} | {a / b:.2f} |")
print(f"| XGBoost `Booster.predict` | {b:.3f} | {med(x['cpu_seconds']):.3f} | |")
print(f"\nLargest |p_stratum - p_xgboost|: {np.max(np.abs(px - ps)):.2e}.")
PY
