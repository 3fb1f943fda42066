# Sourced by the bench_*.sh scripts after they set NAME (their name, for messages) and the
# optional BUILD_DIR: resolves the build, checks it has the generator and the library, and
# defines the helpers the scripts share. Sets REPO, BUILD_DIR (absolute), OUT (bench/out,
# git-ignored cache of data and models), GEN (stratum-gen), STRATUM (the CLI), LIB
# (libstratum's folder), TIME (GNU time; need_gnu_time checks it is there) and PYTHON
# (default /usr/bin/python3, which has Debian's numpy, pandas and xgboost).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$REPO/$BUILD_DIR ;; esac
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=$REPO/bench/out
GEN=$BUILD_DIR/tools/stratum-gen
STRATUM=$BUILD_DIR/tools/stratum
LIB=$BUILD_DIR/src
TIME=/usr/bin/time

say() { echo "$NAME: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x $GEN && -x $STRATUM && -e $LIB/libstratum.so ]] ||
    die "no $GEN, $STRATUM or $LIB/libstratum.so; build first: cmake -S . -B $BUILD_DIR -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD_DIR"
mkdir -p "$OUT"

need_gnu_time() { [ -x "$TIME" ] || die "$TIME is missing; install GNU time: apt-get install -y time"; }

# Wall seconds and peak RSS in MB from a GNU time -v log.
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]
        print s }' "$1"
}
peak_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# file_mb FILE [DECIMALS]: the file's size in MB (1e6 bytes), with DECIMALS (0) decimals.
file_mb() { awk -v b="$(stat -c %s "$1")" -v d="${2:-0}" 'BEGIN { printf "%." d "f", b / 1e6 }'; }

# gen_higgs FILE ROWS SEED [FORMAT]: a HIGGS-like table (FORMAT csv, the default, or
# libsvm), generated once (through a temporary file, so an interrupted run leaves no
# half-written cache).
gen_higgs() {
    if [ ! -s "$1" ]; then
        say "generating $1"
        "$GEN" higgs --rows "$2" --seed "$3" --format "${4:-csv}" -o "$1.tmp"
        mv "$1.tmp" "$1"
    fi
}

# build_timer SOURCE OUTPUT: compiles a C timing program against the built libstratum.
build_timer() {
    say "building the timer"
    cc -O2 -std=c11 -I"$REPO/include" "$1" -L"$LIB" -lstratum -Wl,-rpath,"$LIB" -o "$2"
}

# xgb_model CSV MODEL TREES LEAVES THREADS: trains (once) the XGBoost model the prediction
# and TreeSHAP benchmarks share (hist, lossguide, max_leaves LEAVES, eta 0.1, seed 0) and
# saves it as JSON, which stratum imports.
xgb_model() {
    [ -s "$2" ] && return 0
    say "training XGBoost ($3 trees, $4 leaves)"
    OMP_WAIT_POLICY=PASSIVE "$PYTHON" - "$@" <<'PY'
import os, sys
import numpy as np, pandas as pd, xgboost as xgb
csv, model, trees, leaves, threads = sys.argv[1:6]
df = pd.read_csv(csv, keep_default_na=False, na_values=[""])
y = df.pop("label").to_numpy(np.float64)
x = df.to_numpy(np.float64).astype(np.float32)
prm = {"objective": "binary:logistic", "tree_method": "hist", "grow_policy": "lossguide",
       "max_leaves": int(leaves), "max_depth": 0, "eta": 0.1, "nthread": int(threads), "seed": 0}
bst = xgb.train(prm, xgb.DMatrix(x, label=y, feature_names=list(df.columns)), int(trees))
bst.save_model(model + ".tmp.json")
os.replace(model + ".tmp.json", model)
PY
}
