#!/usr/bin/env bash
# Cross-validation on small cohorts: the wall time of `stratum cv gbdt` and `stratum cv
# logreg` with their defaults (5 folds; inside each training part the trees stop early on
# 5 inner folds and the logistic regression chooses lambda on 5 inner folds), on 1 and 2
# threads, for cohorts of a few hundred to a few thousand rows: the data most of
# stratum's users have, where a fit is thousands of small steps and what costs is the
# overhead of each (threads woken for little work, system calls, sorting). With BASE_DIR,
# a second build is timed beside the first, runs interleaved, and the table gives the
# ratio. Prints a Markdown table of medians.
#
#   bench/bench_small_cv.sh                              # ./build (Release)
#   BASE_DIR=/tmp/build-old bench/bench_small_cv.sh      # against an older build
#
# Environment: BUILD_DIR (default build), BASE_DIR (none), SHARED (../shared/datasets:
# COHORT/clean.csv with a label column), COHORTS (hepatitis heart_failure fetal_health
# sick_euthyroid thyroid_sick), FAMILIES (gbdt logreg), RUNS (3).
set -euo pipefail

NAME=bench_small_cv
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
need_gnu_time
SHARED=${SHARED:-$REPO/../shared/datasets}
COHORTS=${COHORTS:-hepatitis heart_failure fetal_health sick_euthyroid thyroid_sick}
FAMILIES=${FAMILIES:-gbdt logreg}
RUNS=${RUNS:-3}
BASE=""
if [[ -n ${BASE_DIR:-} ]]; then
    case $BASE_DIR in /*) ;; *) BASE_DIR=$REPO/$BASE_DIR ;; esac
    BASE=$BASE_DIR/tools/stratum
    [[ -x $BASE ]] || die "no $BASE"
fi

# Wall seconds of one cv run of build $1.
one_run() {
    local cli=$1 family=$2 csv=$3 threads=$4 log
    log=$(mktemp)
    "$TIME" -f %e -o "$log" "$cli" cv "$family" "$csv" --label label --threads "$threads" \
        -q > /dev/null
    cat "$log"
    rm -f "$log"
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

if [[ -n $BASE ]]; then
    echo "| cohort | rows | family | threads | before (s) | after (s) | after/before |"
    echo "|---|--:|---|--:|--:|--:|--:|"
else
    echo "| cohort | rows | family | threads | seconds |"
    echo "|---|--:|---|--:|--:|"
fi
for cohort in $COHORTS; do
    csv=$SHARED/$cohort/clean.csv
    [[ -f $csv ]] || die "no $csv"
    rows=$(($(wc -l < "$csv") - 1))
    for family in $FAMILIES; do
        for threads in 1 2; do
            new=() old=()
            for ((r = 0; r < RUNS; r++)); do
                new+=("$(one_run "$STRATUM" "$family" "$csv" "$threads")")
                [[ -z $BASE ]] || old+=("$(one_run "$BASE" "$family" "$csv" "$threads")")
            done
            n=$(printf '%s\n' "${new[@]}" | median)
            if [[ -n $BASE ]]; then
                o=$(printf '%s\n' "${old[@]}" | median)
                echo "| $cohort | $rows | $family | $threads | $o | $n | $(awk -v a="$n" -v b="$o" 'BEGIN {printf "%.2f", a / b}') |"
            else
                echo "| $cohort | $rows | $family | $threads | $n |"
            fi
        done
    done
done
