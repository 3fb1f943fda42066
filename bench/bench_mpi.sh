#!/usr/bin/env bash
# Distributed training benchmark: `mpirun -np N stratum train gbdt DATA --distributed` for N
# = 1..4 ranks on this machine, on a HIGGS-like table: time per tree, bytes allreduced per
# tree, and whether the model equals the one-process model (cmp).
#
#   bench/bench_mpi.sh                       # uses ./build-mpi; prints a Markdown report
#   ROWS=200000 TREES=20 bench/bench_mpi.sh > report.md
#
# Needs a build with -DSTRATUM_MPI=ON (cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release
# -DSTRATUM_MPI=ON && cmake --build build-mpi -j2) and Open MPI (openmpi-bin).
# Environment: BUILD_DIR (default build-mpi), ROWS (1000000), TREES (100), RANKS ("1 2 3 4"),
# THREADS (OpenMP threads per rank, default 1), SEED (42), RUNS (1: each setting once; the
# report gives the median). The data file is generated once with stratum-gen and cached in
# bench/out/ (git-ignored). Every mpirun gets --oversubscribe --bind-to none (more ranks than
# cores is allowed, and no rank is pinned) and --allow-run-as-root.
# The numbers come from the "distributed:" line the CLI prints on rank 0: boosting seconds,
# allreduce calls and KB summed per tree by each rank (the size of the arrays passed to
# MPI_Allreduce; the MPI library moves about twice that per rank in a ring or tree
# algorithm). Progress goes to stderr, the report to stdout.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build-mpi}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$REPO/$BUILD_DIR ;; esac
ROWS=${ROWS:-1000000}
TREES=${TREES:-100}
RANKS=${RANKS:-1 2 3 4}
THREADS=${THREADS:-1}
SEED=${SEED:-42}
RUNS=${RUNS:-1}
OUT=$REPO/bench/out
STRATUM=$BUILD_DIR/tools/stratum
GEN=$BUILD_DIR/tools/stratum-gen
MPIRUN=${MPIRUN:-mpirun}

say() { echo "bench_mpi: $*" >&2; }
die() { say "$*"; exit 1; }

[[ -x $STRATUM && -x $GEN ]] ||
    die "no $STRATUM or $GEN; build first with -DSTRATUM_MPI=ON into $BUILD_DIR"
command -v "$MPIRUN" > /dev/null || die "no $MPIRUN; apt-get install -y openmpi-bin"
mkdir -p "$OUT"
CSV=$OUT/higgs_${ROWS}_seed${SEED}.csv
if [ ! -s "$CSV" ]; then
    say "generating $CSV"
    "$GEN" higgs --rows "$ROWS" --seed "$SEED" -o "$CSV.tmp" && mv "$CSV.tmp" "$CSV"
fi
WORK=$OUT/mpi
mkdir -p "$WORK"
OPTS=(--num-trees "$TREES" --num-leaves 31 --max-bin 255 --threads "$THREADS" --seed "$SEED")

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "one process: stratum train gbdt (reference model)"
start=$(date +%s.%N)
"$STRATUM" train gbdt "$CSV" "${OPTS[@]}" -q -o "$WORK/one.model" > /dev/null
one_wall=$(echo "$(date +%s.%N) - $start" | bc)

declare -A wall boost per_tree calls kb same
for n in $RANKS; do
    walls=() boosts=()
    for ((r = 1; r <= RUNS; r++)); do
        say "$n rank(s), run $r"
        start=$(date +%s.%N)
        "$MPIRUN" --allow-run-as-root --oversubscribe --bind-to none -np "$n" \
            "$STRATUM" train gbdt "$CSV" --distributed "${OPTS[@]}" -o "$WORK/dist$n.model" \
            > /dev/null 2> "$WORK/dist$n.err"
        walls+=("$(echo "$(date +%s.%N) - $start" | bc)")
        line=$(grep '^distributed:' "$WORK/dist$n.err")
        boosts+=("$(echo "$line" | sed -E 's/.* ([0-9.]+) s boosting.*/\1/')")
        calls[$n]=$(echo "$line" | sed -E 's/.*; ([0-9]+) allreduce calls.*/\1/')
        kb[$n]=$(echo "$line" | sed -E 's/.*calls, ([0-9.]+) KB summed.*/\1/')
    done
    wall[$n]=$(printf '%s\n' "${walls[@]}" | median)
    boost[$n]=$(printf '%s\n' "${boosts[@]}" | median)
    per_tree[$n]=$(echo "scale=4; ${boost[$n]} / $TREES" | bc)
    same[$n]=$(cmp -s "$WORK/one.model" "$WORK/dist$n.model" && echo yes || echo "**no**")
done

cores=$(nproc)
echo "Distributed training: $ROWS x 28 higgs-like rows, $TREES trees, 31 leaves, 255 bins,"
echo "$THREADS OpenMP thread(s) per rank, on this machine ($cores cores, shared; more ranks than"
echo "cores are oversubscribed), commit $(git -C "$REPO" rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS run(s). One process"
printf '(`stratum train gbdt --threads %s`, loading included): %.2f s.\n' "$THREADS" "$one_wall"
echo
echo "| ranks | wall s (incl. loading) | boosting s | s per tree | allreduce calls per tree | KB allreduced per tree per rank | model = one process |"
echo "|--:|--:|--:|--:|--:|--:|:-:|"
for n in $RANKS; do
    printf '| %s | %.2f | %.2f | %.4f | %.1f | %s | %s |\n' "$n" "${wall[$n]}" "${boost[$n]}" \
        "${per_tree[$n]}" "$(echo "scale=1; ${calls[$n]} / $TREES" | bc)" "${kb[$n]}" "${same[$n]}"
done
