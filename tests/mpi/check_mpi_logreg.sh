#!/bin/sh
# stratum train logreg DATA.stb --distributed under mpirun:
#  - the model file is byte-identical (cmp) to the one-process `stratum train logreg
#    DATA.stb` on thyroid_sick (categorical columns, missing values; cut into 59 blocks) and
#    hepatitis (3 blocks: with 5 ranks some read no rows), ridge and elastic net with
#    balanced class weights, with 3 ranks (and 2 and 5 for one setting);
#  - failures, every rank exits non-zero within the timeout (no hang), one line on stderr,
#    no model: a .stb without raw values; rank 1 alone mapping a file without raw values
#    (the other ranks are already in the fit's first sum); an unwritable model path; a CSV.
# usage: check_mpi_logreg.sh MPIRUN STRATUM DATASETS_DIR WORK_DIR
set -eu
mpirun=$1 stratum=$2 datasets=$3 work=$4
model=logreg
. "$(dirname "$0")/mpi_cli_common.sh"
"$stratum" bin "$datasets/thyroid_sick.csv" --values -q -o "$work/thyroid.stb"
"$stratum" bin "$datasets/hepatitis.csv" --values -q -o "$work/hepatitis.stb"
"$stratum" bin "$datasets/thyroid_sick.csv" -q -o "$work/thyroid_novalues.stb"

for np in 3 2 5; do
    equal "thyroid, ridge, balanced, $np ranks" "$np" "$work/thyroid.stb" \
        --class-weight balanced --lambda 0.01
done
equal "thyroid, elastic net, balanced" 3 "$work/thyroid.stb" --class-weight balanced \
    --lambda 0.005 --alpha 0.5 --threads 2
equal "hepatitis, ridge, balanced" 3 "$work/hepatitis.stb" --class-weight balanced \
    --lambda 0.05
equal "hepatitis, elastic net, balanced, 5 ranks" 5 "$work/hepatitis.stb" \
    --class-weight balanced --lambda 0.02 --alpha 0.7

fails "a binned file without raw values" "^stratum: .*no raw values.*--values" \
    -np 3 "$stratum" train logreg "$work/thyroid_novalues.stb" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"
cat > "$work/rank1_novalues.sh" <<SH
#!/bin/sh
data="$work/thyroid.stb"
[ "\$OMPI_COMM_WORLD_RANK" = 1 ] && data="$work/thyroid_novalues.stb"
exec "$stratum" train logreg "\$data" --distributed --lambda 1e-4 -q -o "$work/bad.model"
SH
fails "rank 1's file has no raw values" "^stratum: rank 1: .*no raw values" \
    -np 3 sh "$work/rank1_novalues.sh"
fails "rank 0 cannot write the model" "^stratum: .*nodir" \
    -np 3 "$stratum" train logreg "$work/thyroid.stb" --distributed --lambda 1e-4 -q \
    -o "$work/nodir/bad.model"
fails "a CSV" "^stratum train: .*not a binned file.*stratum bin .*--values" \
    -np 3 "$stratum" train logreg "$datasets/hepatitis.csv" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"

finish
