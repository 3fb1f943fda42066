#!/usr/bin/env bash
# Data-loading benchmark: how long `stratum info` takes to read a 1,000,000 x 28 HIGGS-like
# file, as CSV and as LibSVM, next to pandas.read_csv on the same CSV.
#
#   bench/bench_load.sh                      # uses ./build; prints a Markdown report
#   BUILD_DIR=build-release RUNS=9 bench/bench_load.sh > report.md
#
# Environment: BUILD_DIR (default build, relative to the repository), ROWS (1000000),
# COMMIT (the commit the report names; default: git rev-parse --short HEAD),
# RUNS (5), SEED (42), PYTHON (/usr/bin/python3). The data files are generated once with
# stratum-gen and cached in bench/out/ (git-ignored); delete them to regenerate.
# Progress goes to stderr, the report to stdout.
set -euo pipefail

NAME=bench_load
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
SEED=${SEED:-42}
need_gnu_time
command -v jq > /dev/null || die "jq is missing; install it: apt-get install -y jq"

CSV=$OUT/higgs_${ROWS}_seed${SEED}.csv
SVM=$OUT/higgs_${ROWS}_seed${SEED}.svm
gen_higgs "$CSV" "$ROWS" "$SEED" csv
gen_higgs "$SVM" "$ROWS" "$SEED" libsvm

# timed_run LOG CMD...: runs CMD under GNU time -v, its stdout to $LOG.stdout.
timed_run() {
    local log=$1
    shift
    "$TIME" -v -o "$log" "$@" > "$log.stdout"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -g | head -n 1; }

# bench NAME FILE VALUES MEMORY_CMD CMD...: RUNS timed runs of CMD; prints one table row.
# MEMORY_CMD reads the last run's stdout and prints the bytes the loaded table holds.
bench() {
    local name=$1 file=$2 values=$3 memory_cmd=$4
    shift 4
    local walls=() rss=() log=$OUT/time.log
    cat "$file" > /dev/null # warm the page cache: every run reads from memory
    for ((i = 1; i <= RUNS; i++)); do
        timed_run "$log" "$@" || die "failed: $*"
        walls+=("$(wall_seconds "$log")")
        rss+=("$(peak_rss_mb "$log")")
        say "$name run $i: ${walls[-1]} s, ${rss[-1]} MB"
    done
    local med min peak mem size
    med=$(printf '%s\n' "${walls[@]}" | median)
    min=$(printf '%s\n' "${walls[@]}" | minimum)
    peak=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
    mem=$($memory_cmd < "$log.stdout")
    size=$(file_mb "$file" 1)
    awk -v name="$name" -v file="$(basename "$file")" -v size="$size" -v med="$med" \
        -v min="$min" -v rows="$ROWS" -v peak="$peak" -v mem="$mem" -v values="$values" 'BEGIN {
        printf "| %s | %s | %s | %.2f | %.2f | %.2f M | %.0f | %s | %.1f | %.2f |\n",
               name, file, size, med, min, rows / med / 1e6, size / med, peak,
               mem / 1e6, mem / values }'
}

stratum_memory() { jq -r .memory_bytes; }
python_memory() { awk '/^memory_bytes/ { print $2 }'; }

PANDAS_SCRIPT='
import sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
print("read_seconds", time.perf_counter() - t)
print("memory_bytes", int(df.memory_usage(deep=True, index=False).sum()))
print("shape", df.shape[0], df.shape[1])'

VALUES=$((ROWS * 28)) # feature values; the label column is not counted

say "timing $RUNS runs each"
ROW_CSV=$(bench "stratum info (CSV)" "$CSV" "$VALUES" stratum_memory \
    "$STRATUM" info "$CSV" --format json)
ROW_SVM=$(bench "stratum info (LibSVM)" "$SVM" "$VALUES" stratum_memory \
    "$STRATUM" info "$SVM" --format json)
ROW_PD=$(bench "pandas.read_csv (whole process)" "$CSV" "$((VALUES + ROWS))" python_memory \
    "$PYTHON" -c "$PANDAS_SCRIPT" "$CSV")
PANDAS_CALL=$(awk '/^read_seconds/ { printf "%.2f", $2 }' "$OUT/time.log.stdout")

# ---- report ---------------------------------------------------------------------------------
COMMIT=${COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo uncommitted)}
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
PANDAS_VERSION=$("$PYTHON" -c 'import pandas; print(pandas.__version__)')
cat << EOF
## Data loading

- Machine: $(nproc) CPUs, ${CPU:-unknown CPU}; $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Commit: $COMMIT
- Data: \`stratum-gen higgs --rows $ROWS --seed $SEED\`, CSV and LibSVM ($ROWS rows x 28 features + label)
- Each loader ran $RUNS times under \`/usr/bin/time -v\` with the file in the page cache;
  wall time is the median (and the fastest) run, peak RSS the largest.
- Commands:
  - \`stratum-gen higgs --rows $ROWS --seed $SEED --format csv -o $(basename "$CSV")\`
  - \`stratum-gen higgs --rows $ROWS --seed $SEED --format libsvm -o $(basename "$SVM")\`
  - \`stratum info $(basename "$CSV") --format json > /dev/null\`
  - \`stratum info $(basename "$SVM") --format json > /dev/null\`
  - \`python3 -c 'import pandas as pd; pd.read_csv("$(basename "$CSV")")'\` (pandas $PANDAS_VERSION)

| Loader | File | Size (MB) | Median wall (s) | Fastest (s) | Rows/s | MB/s | Peak RSS (MB) | Table memory (MB) | Bytes/value |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|
$ROW_CSV
$ROW_SVM
$ROW_PD

Table memory is \`memory_bytes\` from \`stratum info --format json\` (features, labels,
names), and for pandas \`DataFrame.memory_usage(deep=True)\` (float64 columns, int64 label).
Bytes/value divides it by the $VALUES feature values (pandas: also the label column).
The pandas row counts the whole process, including starting Python and importing pandas;
the \`read_csv\` call alone took $PANDAS_CALL s in the last run.
EOF
