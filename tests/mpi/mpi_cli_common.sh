# Sourced by check_mpi_cli.sh and check_mpi_logreg.sh, which set mpirun, stratum, work and
# model (gbdt or logreg: `stratum train MODEL`) first. Empties WORK_DIR and defines:
#   run ARGS...        mpirun with the flags CI needs (root, 2 cores), killed after 120 s;
#   equal NAME NP DATA OPTIONS...
#                      the NP-rank `--distributed` model file must equal (cmp) the
#                      one-process model trained with the same options, but for the
#                      training-rows fingerprint (the row_sketch line, which only a model
#                      trained in one process from a dataset has) and so the checksum;
#   fails NAME EXPECTED MPIRUN_ARGS...
#                      the run must exit non-zero, not by the timeout, with exactly one line
#                      on stderr starting "stratum" and matching EXPECTED (grep), and leave
#                      no $work/bad.model;
#   refused NAME EXPECTED MPIRUN_ARGS...
#                      as fails, and the exit code must be 2 (a usage error);
#   on_rank1 DATA1 DATA OPTIONS...
#                      writes $work/on_rank1.sh: `stratum train MODEL DATA1 OPTIONS` on
#                      rank 1 and `stratum train MODEL DATA OPTIONS` on the others, as a
#                      cluster with a copy of the data on each node may give them;
#   finish             prints the counts; its status is the script's (0 when all passed).
rm -rf "$work"
mkdir -p "$work"
run() { timeout 120 "$mpirun" --allow-run-as-root --oversubscribe --bind-to none "$@"; }

passed=0 failed=0
equal() { # name, ranks, data, options...
    name=$1 np=$2 data=$3
    shift 3
    "$stratum" train "$model" "$data" "$@" -q -o "$work/one.model" > /dev/null
    rm -f "$work/dist.model"
    if ! run -np "$np" "$stratum" train "$model" "$data" --distributed "$@" -q \
            -o "$work/dist.model" > "$work/dist.out" 2> "$work/dist.err"; then
        echo "FAILED: $name: the distributed run failed:"
        cat "$work/dist.err"
        failed=$((failed + 1))
    elif grep -v '^row_sketch \|^checksum ' "$work/one.model" > "$work/one.body" &&
         grep -v '^row_sketch \|^checksum ' "$work/dist.model" > "$work/dist.body" &&
         cmp "$work/one.body" "$work/dist.body" &&
         { ! grep -q '^row_sketch ' "$work/dist.model" || cmp "$work/one.model" "$work/dist.model"; }; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name: the $np-rank model differs from the one-process model"
        diff "$work/one.model" "$work/dist.model" | head -5
        failed=$((failed + 1))
    fi
}

fails() { # name, expected text on stderr, mpirun arguments...
    want_code=any
    fails_with "$@"
}

refused() { # name, expected text on stderr, mpirun arguments...
    want_code=2
    fails_with "$@"
}

on_rank1() { # data on rank 1, data on the others, options...
    d1=$1 d=$2
    shift 2
    {
        echo '#!/bin/sh'
        echo "data='$d'"
        echo "[ \"\$OMPI_COMM_WORLD_RANK\" = 1 ] && data='$d1'"
        printf "exec '%s' train %s \"\$data\"" "$stratum" "$model"
        for a in "$@"; do printf " '%s'" "$a"; done
        echo
    } > "$work/on_rank1.sh"
}

fails_with() {
    name=$1 expect=$2
    shift 2
    rm -f "$work/bad.model"
    start=$(date +%s)
    set +e
    run "$@" > "$work/bad.out" 2> "$work/bad.err"
    code=$?
    set -e
    took=$(( $(date +%s) - start ))
    lines=$(grep -c '^stratum' "$work/bad.err" || true)
    if [ "$code" -ne 0 ] && [ "$code" -ne 124 ] && [ ! -e "$work/bad.model" ] &&
       { [ "$want_code" = any ] || [ "$code" -eq "$want_code" ]; } &&
       grep -q "$expect" "$work/bad.err" && [ "$lines" -eq 1 ]; then
        echo "ok: $name (exit $code after ${took}s)"
        passed=$((passed + 1))
    else
        echo "FAILED: $name: exit $code after ${took}s (124 = hung), model written:" \
             "$([ -e "$work/bad.model" ] && echo yes || echo no), stderr:"
        cat "$work/bad.err"
        failed=$((failed + 1))
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
