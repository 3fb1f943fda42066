#!/bin/sh
# stratum train logreg DATA.stb --distributed under mpirun:
#  - the model file is byte-identical (cmp) to the one-process `stratum train logreg
#    DATA.stb` on thyroid_sick (categorical columns, missing values; cut into 59 blocks) and
#    hepatitis (3 blocks: with 5 ranks some read no rows), ridge and elastic net with
#    balanced class weights, with 3 ranks (and 2 and 5 for one setting);
#  - failures, every rank exits non-zero within the timeout (no hang), one line on stderr,
#    no model: a .stb without raw values; rank 1 alone mapping a file without raw values
#    (not rank 0's file, found when the ranks compare them); an unwritable model path
#    (refused before any work); a CSV; rank 1's copy missing, a CSV, or binned from data
#    with one more level (the same row and feature counts);
#  - no --lambda: exit 2, one line.
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
# (not rank 0's file: found before the fit, when the ranks compare their files)
fails "rank 1's file has no raw values" "^stratum: rank 1: the ranks' binned files differ" \
    -np 3 sh "$work/rank1_novalues.sh"
fails "rank 0 cannot write the model" \
    "^stratum: -o .*nodir/bad.model cannot be written: directory .*nodir does not exist" \
    -np 3 "$stratum" train logreg "$work/thyroid.stb" --distributed --lambda 1e-4 -q \
    -o "$work/nodir/bad.model"
# rank 1's copy missing, or a CSV: the ranks decide together that DATA is a binned file
on_rank1 "$work/missing.stb" "$work/thyroid.stb" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"
fails "rank 1 has no copy of the binned file" "^stratum: rank 1: .*missing.stb: cannot open" \
    -np 3 sh "$work/on_rank1.sh"
on_rank1 "$datasets/thyroid_sick.csv" "$work/thyroid.stb" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"
fails "rank 1 is given the CSV" "^stratum: rank 1: .*thyroid_sick.csv: not a binned file" \
    -np 3 sh "$work/on_rank1.sh"
# rank 1's file has the same rows and features, and one more level (the sums of the fit
# had another length on rank 1: MPI_ERR_TRUNCATE, or a hang)
awk 'NR == 2 { sub(/,SVHC,0$/, ",NEWREF,0") } { print }' "$datasets/thyroid_sick.csv" \
    > "$work/newlevel.csv"
"$stratum" bin "$work/newlevel.csv" --values -q -o "$work/newlevel.stb"
on_rank1 "$work/newlevel.stb" "$work/thyroid.stb" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"
fails "rank 1's binned file has another level" \
    "^stratum: rank 1: the ranks' binned files differ" -np 3 sh "$work/on_rank1.sh"
# a usage error found before MPI_Init: exit 2, one line (rank 0's)
refused "no --lambda" "^stratum train: --distributed needs --lambda" \
    -np 3 "$stratum" train logreg "$work/thyroid.stb" --distributed -q -o "$work/bad.model"
fails "a CSV" "^stratum train: .*not a binned file.*stratum bin .*--values" \
    -np 3 "$stratum" train logreg "$datasets/hepatitis.csv" --distributed --lambda 1e-4 -q \
    -o "$work/bad.model"

finish
