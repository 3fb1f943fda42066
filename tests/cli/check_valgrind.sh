#!/bin/sh
# valgrind memcheck of the CLI's info / train / predict / evaluate / cv / compare / explain / drift on
# a shipped dataset and on malformed input: no invalid access, no use of uninitialised
# values, no definite or indirect leak. ("Possibly lost" blocks are libgomp's thread pool,
# alive until exit.)
# usage: check_valgrind.sh STRATUM PROJECT_DIR WORK_DIR [GROUP]
# GROUP (default: all) runs one group of steps, each group standing alone (it trains the
# models it uses), so that ctest runs the groups side by side: core (logistic regression,
# predict, evaluate), explain (explain, predict --contrib, bad input; its model trained
# outside valgrind, as core checks that training), cv, compare, gbdt (and drift with that
# model). Cross-validation and compare run on the first 1000 rows of the dataset (63 positives, the same columns, categoricals
# and missing values): the code paths are those of the whole file, at a quarter of the time
# under valgrind.
set -eu
stratum=$1 project=$2 work=$3 group=${4:-all}
rm -rf "$work"
mkdir -p "$work"
# both settings are given, so stratum does not re-execute itself (valgrind would not follow
# the exec; under valgrind the C library's malloc settings do not apply anyway)
export OMP_WAIT_POLICY=passive GLIBC_TUNABLES=
passed=0 failed=0
in_group() { [ "$group" = all ] || [ "$group" = "$1" ]; }
step() { # name, expected exit code, arguments...
    name=$1 want=$2
    shift 2
    set +e
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect "$stratum" "$@" > "$work/out.txt" 2> "$work/err.txt"
    got=$?
    set -e
    if [ "$got" -eq "$want" ]; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name (exit $got, expected $want)"
        cat "$work/err.txt"
        failed=$((failed + 1))
    fi
}
data="$project/datasets/thyroid_sick.csv" # categoricals, missing values, 6% positives
head -n 1001 "$data" > "$work/sample.csv"
sample="$work/sample.csv"
if in_group core; then
    step "info" 0 info "$data"
    step "train logreg, ridge with statistics" 0 train logreg "$data" --lambda 0.01 -o "$work/ridge.model" -q
    step "train logreg, lasso" 0 train logreg "$data" --lambda 0.001 --alpha 1 -o "$work/lasso.model" -q
    step "train logreg, lambda path" 0 train logreg "$data" --lambda-path --n-lambda 10 -o "$work/path.csv" -q
    step "predict" 0 predict "$work/ridge.model" "$data" -o "$work/p.csv"
    step "evaluate" 0 evaluate "$work/lasso.model" "$data" --bootstrap 50 --threshold-rule f1
fi
if in_group explain; then
    [ -f "$work/ridge.model" ] ||
        "$stratum" train logreg "$data" --lambda 0.01 -o "$work/ridge.model" -q
    step "predict --contrib" 0 predict --contrib "$work/ridge.model" "$data" -o "$work/c.csv"
    step "explain logreg, ranking with report" 0 explain "$work/ridge.model" "$data" --report "$work/r.html"
    step "explain, no matching row" 1 explain "$work/ridge.model" "$data" --where age=-5
    step "a malformed data file" 1 info "$project/tests/hostile/csv_unterminated_quote.csv"
    step "a corrupt model file" 1 predict "$project/tests/hostile/model_bad_checksum.model" "$data"
    step "predict --keep, then a usage error" 2 predict "$work/ridge.model" "$data" --keep age,sex \
        --threshold 2
fi
if in_group cv; then
    step "cv logreg, grouped, with out-of-fold file" 0 cv logreg "$sample" --lambda 0.01 --folds 3 \
        --group-col referral_source --oof "$work/oof.csv"
    step "cv logreg, lambda path" 0 cv logreg "$sample" --alpha 1 --lambda-path --n-lambda 20 \
        --folds 3 --seed 3
fi
if in_group compare; then
    step "compare" 0 compare "$sample" --weights none,5 --folds 3 --num-trees 10 --lambda 0.01
fi
if in_group gbdt; then
    step "train gbdt" 0 train gbdt "$data" --num-trees 20 -o "$work/gbdt.model" -q
    step "train gbdt, trees chosen by early stopping (the default)" 0 train gbdt \
        "$project/datasets/hepatitis.csv" -o "$work/gbdt_auto.model" -q
    step "train logreg, lambda chosen by inner cross-validation (the default)" 0 train logreg \
        "$project/datasets/hepatitis.csv" -o "$work/logreg_auto.model" -q
    step "predict gbdt" 0 predict "$work/gbdt.model" "$data" -o "$work/pg.csv"
    step "evaluate gbdt" 0 evaluate "$work/gbdt.model" "$data" --bootstrap 20
    step "explain gbdt, rows by --where" 0 explain "$work/gbdt.model" "$data" --where age=41 --format json
    step "drift with a gbdt model, report, a --fail-on rule that holds" 3 drift "$data" \
        "$data" --model "$work/gbdt.model" --bootstrap 20 --contrib-rows 300 \
        --report "$work/d.html" --fail-on 'psi>=0'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
