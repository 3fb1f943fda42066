#!/usr/bin/env bash
# TreeSHAP benchmark: stratum's st_gbdt_contrib against XGBoost's pred_contribs on the same
# model, a 500-tree, 31-leaf XGBoost model (hist, lossguide) trained on a HIGGS-like
# 100,000 x 28 table and imported by stratum from its JSON file; also interaction values
# (st_gbdt_interactions vs pred_interactions) on the first 2,000 rows. Both use 2 threads
# and only the explaining is timed (not loading the data or the model). Prints a Markdown
# report with medians and the ratio stratum / XGBoost (below 1: stratum faster).
#
#   bench/bench_shap.sh                       # uses ./build (Release)
#   BUILD_DIR=build-release RUNS=5 bench/bench_shap.sh
#
# Environment: BUILD_DIR (default build), ROWS (100000), TREES (500), LEAVES (31),
# THREADS (2), RUNS (3), INTER_ROWS (2000), SEED (42), PYTHON (/usr/bin/python3). Data and
# model are cached in bench/out/ (git-ignored).
set -euo pipefail

NAME=bench_shap
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-100000}
TREES=${TREES:-500}
LEAVES=${LEAVES:-31}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
INTER_ROWS=${INTER_ROWS:-2000}
SEED=${SEED:-42}
CSV=$OUT/higgs_${ROWS}_seed${SEED}.csv
MODEL=$OUT/shap_xgb_${ROWS}_${TREES}x${LEAVES}.json
TIMER=$OUT/shap_time

gen_higgs "$CSV" "$ROWS" "$SEED"
build_timer "$REPO/bench/shap_time.c" "$TIMER"
xgb_model "$CSV" "$MODEL" "$TREES" "$LEAVES" "$THREADS"

# XGBoost times its own explaining on the same rows.
xgb_json=$("$PYTHON" - "$CSV" "$MODEL" "$THREADS" "$RUNS" "$INTER_ROWS" <<'PY'
import json, sys, time
import numpy as np, pandas as pd, xgboost as xgb
csv, model, threads, runs, inter_rows = sys.argv[1:6]
threads, runs, inter_rows = int(threads), int(runs), int(inter_rows)
df = pd.read_csv(csv, keep_default_na=False, na_values=[""])
df.pop("label")
x = df.to_numpy(np.float64).astype(np.float32)
names = list(df.columns)
bst = xgb.Booster(model_file=model)
bst.set_param({"nthread": threads})
dm = xgb.DMatrix(x, feature_names=names, nthread=threads)
dm_head = xgb.DMatrix(x[:inter_rows], feature_names=names, nthread=threads)
contrib, inter = [], []
for _ in range(runs):
    t0 = time.perf_counter(); c = bst.predict(dm, pred_contribs=True); contrib.append(time.perf_counter() - t0)
for _ in range(runs):
    t0 = time.perf_counter(); bst.predict(dm_head, pred_interactions=True); inter.append(time.perf_counter() - t0)
print(json.dumps({"contrib_seconds": contrib, "interactions_seconds": inter,
                  "checksum": float(c.astype(np.float64).sum()), "version": xgb.__version__}))
PY
)
say "timing stratum"
st_json=$("$TIMER" "$MODEL" "$CSV" "$THREADS" "$RUNS" "$INTER_ROWS")

"$PYTHON" - "$xgb_json" "$st_json" "$ROWS" "$TREES" "$LEAVES" "$THREADS" "$INTER_ROWS" <<'PY'
import json, os, statistics, sys
x, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows, trees, leaves, threads, inter_rows = sys.argv[3:8]
med = statistics.median
load = os.getloadavg()[0]
print(f"## TreeSHAP: stratum vs XGBoost {x['version']}\n")
print(f"{trees}-tree, {leaves}-leaf XGBoost model (hist, lossguide) on HIGGS-like data, imported "
      f"by stratum from its JSON file; {threads} threads; median of {len(s['contrib_seconds'])} "
      f"runs; 1-minute load average at the end {load:.2f}.\n")
print("| task | rows | stratum (s) | XGBoost (s) | stratum / XGBoost |")
print("|---|--:|--:|--:|--:|")
for key, n, what in (("contrib_seconds", rows, "contributions (pred_contribs)"),
                     ("interactions_seconds", inter_rows, "interaction values (pred_interactions)")):
    a, b = med(s[key]), med(x[key])
    print(f"| {what} | {int(n):,} | {a:.2f} | {b:.2f} | {a / b:.2f} |")
print(f"\nSum of all contributions: stratum {s['checksum']:.6g}, XGBoost {x['checksum']:.6g}.")
PY
