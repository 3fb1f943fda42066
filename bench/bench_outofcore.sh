#!/usr/bin/env bash
# Out-of-core benchmark: a HIGGS-like CSV of ROWS rows (20,000,000 by default, ~4.6 GB) is
# binned by `stratum bin` in bounded memory, then `stratum train gbdt big.stb` trains on the
# memory-mapped binned file under an address-space limit (prlimit --as) far below the
# memory in-memory training needs. In-memory training on the same bins
# (`train gbdt big.csv --bins-from big.stb`) runs once under the same limit (to show that it
# cannot) and once without it, and its model must equal the out-of-core one byte for byte.
#
#   bench/bench_outofcore.sh                 # uses ./build; Markdown report on stdout
#   ROWS=1000000 TREES=20 bench/bench_outofcore.sh
#
# Environment: BUILD_DIR (default build), ROWS (20000000), TREES (50), SEED (42),
# LIMIT_MB (the address-space limit; default: 2 x the binned file + 100 MB, decided after
# binning), WORK (directory for the big files; default bench/out/outofcore, removed at the
# end unless KEEP=1). Needs GNU time and prlimit (util-linux). Progress on stderr.
#
# Why prlimit --as: this machine offers no cgroup of our own (no systemd --user scope, and
# the cgroup v1 hierarchy belongs to the sandbox), and `ulimit -v` is the same limit set
# from the shell. An address-space limit counts the whole mapping of the binned file
# whether its pages are resident or not, so it is the stricter test: it bounds the binned
# file plus the training arrays, and nothing else fits.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$REPO/$BUILD_DIR ;; esac
ROWS=${ROWS:-20000000}
TREES=${TREES:-50}
SEED=${SEED:-42}
WORK=${WORK:-$REPO/bench/out/outofcore}
STRATUM=$BUILD_DIR/tools/stratum
GEN=$BUILD_DIR/tools/stratum-gen
TIME=/usr/bin/time

say() { echo "bench_outofcore: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x $STRATUM && -x $GEN ]] ||
    die "no $STRATUM or $GEN; build first: cmake -S . -B $BUILD_DIR -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD_DIR"
[ -x "$TIME" ] || die "$TIME is missing; install GNU time: apt-get install -y time"
command -v prlimit > /dev/null || die "prlimit is missing (util-linux)"
mkdir -p "$WORK"
# the CSV takes ~230 bytes a row, the binned file ~60
need_mb=$((ROWS * 300 / 1000000 + 500))
free_mb=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
((free_mb > need_mb)) || die "$WORK has $free_mb MB free; $need_mb MB needed"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

CSV=$WORK/big.csv
STB=$WORK/big.stb

wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]
        print s }' "$1"
}
peak_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
file_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1e6 }'; }

say "$(date -u +%H:%M:%S) generating $ROWS rows"
"$TIME" -v -o "$WORK/gen.log" "$GEN" higgs --rows "$ROWS" --seed "$SEED" -o "$CSV"
say "$(date -u +%H:%M:%S) binning"
"$TIME" -v -o "$WORK/bin.log" "$STRATUM" bin "$CSV" -o "$STB" 2> "$WORK/bin.err" ||
    die "stratum bin failed: $(cat "$WORK/bin.err")"
LIMIT_MB=${LIMIT_MB:-$(($(stat -c %s "$STB") * 2 / 1000000 + 100))}
limit_bytes=$((LIMIT_MB * 1024 * 1024))

say "$(date -u +%H:%M:%S) training on the binned file under prlimit --as=${LIMIT_MB}MB"
prlimit --as=$limit_bytes "$TIME" -v -o "$WORK/stb.log" \
    "$STRATUM" train gbdt "$STB" -o "$WORK/stb.model" --num-trees "$TREES" -q > /dev/null ||
    die "out-of-core training failed under the limit"

say "$(date -u +%H:%M:%S) in-memory training on the same bins under the same limit (expected to fail)"
limited_status=0
prlimit --as=$limit_bytes "$STRATUM" train gbdt "$CSV" --bins-from "$STB" \
    -o "$WORK/limited.model" --num-trees "$TREES" -q > /dev/null 2> "$WORK/limited.err" ||
    limited_status=$?

say "$(date -u +%H:%M:%S) in-memory training on the same bins, no limit"
"$TIME" -v -o "$WORK/mem.log" "$STRATUM" train gbdt "$CSV" --bins-from "$STB" \
    -o "$WORK/mem.model" --num-trees "$TREES" -q > /dev/null ||
    die "in-memory training failed"
same=no
cmp -s "$WORK/stb.model" "$WORK/mem.model" && same=yes
say "$(date -u +%H:%M:%S) done"

csv_mb=$(file_mb "$CSV")
stb_mb=$(file_mb "$STB")
cat << EOF
Out-of-core: $ROWS HIGGS-like rows x 28 features (stratum-gen higgs --seed $SEED), $TREES trees,
$(nproc) cores (shared), commit $(git -C "$REPO" rev-parse --short HEAD), $(date -u +%Y-%m-%d).

| step | wall (s) | peak RSS (MB) | file (MB) |
|---|--:|--:|--:|
| stratum-gen higgs (CSV) | $(wall_seconds "$WORK/gen.log") | $(peak_rss_mb "$WORK/gen.log") | $csv_mb |
| stratum bin (2 passes) | $(wall_seconds "$WORK/bin.log") | $(peak_rss_mb "$WORK/bin.log") | $stb_mb |
| train gbdt big.stb, prlimit --as=${LIMIT_MB}MB | $(wall_seconds "$WORK/stb.log") | $(peak_rss_mb "$WORK/stb.log") | |
| train gbdt big.csv --bins-from big.stb, no limit | $(wall_seconds "$WORK/mem.log") | $(peak_rss_mb "$WORK/mem.log") | |

- Limit: ${LIMIT_MB} MB of address space, $(awk -v c="$csv_mb" -v l="$LIMIT_MB" 'BEGIN { printf "%.1f", c / l }')x smaller than the CSV.
- stratum bin: $(cat "$WORK/bin.err")
- In-memory training under the same limit: exit $limited_status, "$(head -c 300 "$WORK/limited.err")"
- Out-of-core model equals the in-memory model on the same bins: **$same**
EOF
[ "$same" = yes ] || die "the models differ"
