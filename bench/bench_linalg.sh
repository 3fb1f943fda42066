#!/usr/bin/env bash
# BLAS and LAPACK against the hand-written kernels of logistic regression (bench/linalg_time.c):
# (a) the Hessian / weighted Gram, (b) Cholesky factor + solve, (c) the inverse behind the
# standard errors, on seeded random dense designs of ROWS x COLS, interleaved, medians of
# RUNS; then a whole ridge fit with standard errors (st_logreg_train, alpha 0), before
# (libstratum built from BASE, default d6729ea, the last commit without src/linalg) and after (this build),
# interleaved. Prints Markdown for RESULTS.md.
#
#   bench/bench_linalg.sh            # needs a Release build in ./build (BUILD_DIR)
#
# Environment: BUILD_DIR (build), ROWS (100000), COLS (40,200,300,400,2000), FIT_COLS
# (40 400 2000), RUNS (3), THREADS (2), LAMBDA (1e-4), BASE (d6729ea).
set -euo pipefail
NAME=bench_linalg
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-100000}
COLS=${COLS:-40,200,300,400,2000}
FIT_COLS=${FIT_COLS:-40 400 2000}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
LAMBDA=${LAMBDA:-1e-4}
# before = d6729ea, the last commit without src/linalg
BASE=${BASE:-d6729ea}
CFLAGS_T=(-O2 -std=c11 -fopenmp -I"$REPO/include")
LIBS=(-lopenblas -llapacke -lm)

say "building the timers"
cc "${CFLAGS_T[@]}" -I"$REPO/src" "$REPO/bench/linalg_time.c" "$LIB/libstratum.a" "${LIBS[@]}" \
    -o "$OUT/linalg_time"
if [ ! -e "$OUT/linalg_base_$BASE/build/src/libstratum.a" ]; then
    say "building libstratum at $BASE"
    rm -rf "$OUT/linalg_base_$BASE" && mkdir -p "$OUT/linalg_base_$BASE"
    git -C "$REPO" archive "$BASE" | tar -x -C "$OUT/linalg_base_$BASE"
    cmake -S "$OUT/linalg_base_$BASE" -B "$OUT/linalg_base_$BASE/build" \
        -DCMAKE_BUILD_TYPE=Release -DSTRATUM_BUILD_TESTS=OFF > /dev/null
    cmake --build "$OUT/linalg_base_$BASE/build" -j2 --target stratum_static > /dev/null
fi
cc "${CFLAGS_T[@]}" -DLINALG_TIME_FIT_ONLY "$REPO/bench/linalg_time.c" \
    "$OUT/linalg_base_$BASE/build/src/libstratum.a" "${LIBS[@]}" -o "$OUT/linalg_time_base"

echo "Kernels, $ROWS rows, $THREADS threads for the hand kernels, one OpenBLAS thread;"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$OUT/linalg_time" kernels "$ROWS" "$COLS" "$RUNS" "$THREADS"
echo
echo "Whole ridge fit with standard errors, lambda $LAMBDA, $THREADS threads, before = $BASE, after = $(git -C "$REPO" rev-parse --short HEAD)"
echo
echo "| shape | before s | after s | after / before | before: SE, iterations | after: SE, iterations |"
echo "|---|--:|--:|--:|---|---|"
for p in $FIT_COLS; do
    b=() a=()
    for ((r = 0; r < RUNS; r++)); do
        b+=("$("$OUT/linalg_time_base" fit "$ROWS" "$p" 1 "$THREADS" "$LAMBDA")")
        a+=("$("$OUT/linalg_time" fit "$ROWS" "$p" 1 "$THREADS" "$LAMBDA")")
    done
    "$PYTHON" - "$p" "$ROWS" "${b[@]}" -- "${a[@]}" <<'PY'
import json, statistics, sys
p, rows, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
k = rest.index("--")
b, a = [json.loads(s) for s in rest[:k]], [json.loads(s) for s in rest[k + 1:]]
mb = statistics.median(x["fit_seconds"] for x in b)
ma = statistics.median(x["fit_seconds"] for x in a)
d = lambda x: f"{'yes' if x['standard_errors'] else 'no'}, {x['iterations']}"
same = "same bits" if b[0]["checksum"] == a[0]["checksum"] else "different bits"
print(f"| {rows:,} x {p} | {mb:.3f} | {ma:.3f} | {ma / mb:.2f} | {d(b[0])} | {d(a[0])} ({same}) |")
PY
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
