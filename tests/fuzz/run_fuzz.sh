#!/bin/sh
# Builds the libFuzzer harnesses with clang (AddressSanitizer + UBSan) and runs each for a
# short time from seed corpora taken from tests/. CI runs this as a smoke test; for a long
# run pass more seconds, e.g.  tests/fuzz/run_fuzz.sh . /tmp/fuzz 3600 build/tools/stratum
# A crash leaves its input as WORK/crash-* : add it to tests/hostile/ as a regression case.
# usage: run_fuzz.sh PROJECT_DIR WORK_DIR SECONDS_EACH STRATUM
set -eu
root=$1 work=$2 seconds=$3 stratum=$4
mkdir -p "$work"
for kind in csv libsvm model; do
    rm -rf "$work/seeds_$kind" "$work/corpus_$kind"
    mkdir -p "$work/seeds_$kind" "$work/corpus_$kind"
done
cp "$root"/tests/hostile/*.csv "$root"/tests/fixtures/csv/*.csv "$root"/tests/fixtures/cli/*.csv \
   "$work/seeds_csv/"
cp "$root"/tests/hostile/*.svm "$root"/tests/fixtures/libsvm/* "$work/seeds_libsvm/"
cp "$root"/tests/hostile/*.model "$root"/tests/fuzz/*.json "$work/seeds_model/"
# LightGBM models: numeric splits (sigmoid 0.5) and categorical ones
cp "$root"/tests/fixtures/lightgbm/wdbc_sigmoid.model.txt "$root"/tests/fixtures/lightgbm/thyroid.model.txt \
   "$work/seeds_model/"
# valid models without their checksum line: the harness seals each input itself
for alpha in 0 1; do
    "$stratum" train logreg "$root/tests/fixtures/cli/small.csv" --lambda 0.1 --alpha "$alpha" \
        --missing-indicators -o "$work/seed.model" -q > /dev/null
    grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_alpha$alpha.model"
done
"$stratum" train gbdt "$root/tests/fixtures/cli/small.csv" --num-trees 3 --min-data-in-leaf 1 \
    -o "$work/seed.model" -q > /dev/null
grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_gbdt.model"
# with the optional calibration and threshold lines
"$stratum" train logreg "$root/tests/fixtures/cli/small.csv" --lambda 0.1 --recalibrate platt \
    --threshold-rule min-recall --calibration-folds 2 -o "$work/seed.model" -q > /dev/null
grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_platt.model"
"$stratum" train gbdt "$root/tests/fixtures/cli/small.csv" --num-trees 3 --min-data-in-leaf 1 \
    --recalibrate isotonic --threshold-rule f1 --calibration-folds 2 -o "$work/seed.model" \
    -q > /dev/null
grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_isotonic.model"
"$stratum" train gbdt "$root/tests/fixtures/cli/small.csv" --num-trees 3 --min-data-in-leaf 1 \
    --monotone age:+1,bp:-1 -o "$work/seed.model" -q > /dev/null
grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_gbdt_monotone.model"
# with category sets (one-vs-rest and gradient-sorted)
"$stratum" train gbdt "$root/datasets/thoracic_surgery.csv" --num-trees 3 --num-leaves 6 \
    --min-data-per-group 5 --cat-smooth 1 -o "$work/seed.model" -q > /dev/null
grep -v '^checksum ' "$work/seed.model" > "$work/seeds_model/valid_gbdt_categorical.model"

# the library is compiled once, instrumented, and linked into each harness
# A smoke run (a minute or less a harness, as CI's 10 s) compiles without optimisation:
# compiling the ~200 files is most of its time, 40% less at -O0 (42 s against 70 s of CPU);
# a long run is worth -O1's faster executions.
opt=-O1
if [ "$seconds" -le 60 ]; then opt=-O0; fi
flags="-g $opt -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fopenmp -Wno-pass-failed"
rm -rf "$work/obj"
mkdir -p "$work/obj"
# every folder but mpi/; src/linalg (the only user of cblas.h and lapacke.h) needs
# OpenBLAS's header directory
blas_cflags=$(pkg-config --cflags openblas 2>/dev/null || true)
for c in "$root"/src/*/*.c; do
    case "$c" in */src/mpi/*) continue ;; esac
    sub=$(basename "$(dirname "$c")")
    # shellcheck disable=SC2086
    clang $flags $blas_cflags -I"$root/include" -I"$root/src" -c "$c" \
        -o "$work/obj/${sub}_$(basename "$c" .c).o"
done

passed=0 failed=0
for kind in csv libsvm model; do
    bin="$work/fuzz_$kind"
    clang -g -O1 -fsanitize=fuzzer,address,undefined -fopenmp -I"$root/include" -I"$root/src" \
        "$root/tests/fuzz/fuzz_$kind.c" "$work"/obj/*.o -lopenblas -llapacke -lm -o "$bin"
    if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$work/corpus_$kind" "$work/seeds_$kind" \
        > "$work/fuzz_$kind.log" 2>&1; then
        echo "ok: fuzz_$kind ($(grep -c . "$work/fuzz_$kind.log") log lines, $seconds s)"
        passed=$((passed + 1))
    else
        echo "FAILED: fuzz_$kind, see $work/fuzz_$kind.log:"
        tail -30 "$work/fuzz_$kind.log"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
