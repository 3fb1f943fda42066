#!/usr/bin/env bash
# Out-of-core benchmark: a HIGGS-like CSV of ROWS rows (20,000,000 by default, ~4.6 GB) is
# binned by `stratum bin` in bounded memory, then `stratum train gbdt big.stb` trains on the
# memory-mapped binned file under a memory limit several times smaller than the CSV.
# In-memory training on the same bins (`train gbdt big.csv --bins-from big.stb`) runs once
# under the same limit (to show that it cannot) and once without it, and its model must
# equal the out-of-core one byte for byte.
#
#   bench/bench_outofcore.sh                 # uses ./build; Markdown report on stdout
#   ROWS=1000000 TREES=20 bench/bench_outofcore.sh
#
# Environment: BUILD_DIR (default build), ROWS (20000000), TREES (20), SEED (42),
# LIMIT (cgroup, as or auto: cgroup when a child memory cgroup can be made, else as),
# LIMIT_MB (default: cgroup 60 bytes a row + 200 MB; as 2 x the binned file + 300 MB,
# decided after binning), WORK (directory for the big files; default
# bench/out/outofcore, removed at the end unless KEEP=1). Needs GNU time, and prlimit
# (util-linux) for LIMIT=as. Progress on stderr.
#
# The two limits:
# - cgroup (v1 memory controller; needs write access to this process's memory cgroup, e.g.
#   root in a container): a child cgroup with memory.limit_in_bytes = LIMIT_MB (and
#   memory.memsw.limit_in_bytes, so swap is no way out). It limits resident memory, as a
#   container's or a job scheduler's memory limit does: pages of the mapped binned file
#   count while resident but are page cache the kernel reclaims under pressure, so the
#   file may be larger than the limit. memory.max_usage_in_bytes (anonymous memory plus
#   the page cache charged to the cgroup) is reported beside GNU time's peak RSS.
# - as (prlimit --as, what `ulimit -v` sets): an address-space limit counts the whole
#   mapping of the binned file whether its pages are resident or not, so it is the strict
#   test: the binned file plus the training arrays, nothing else fits.
set -euo pipefail

NAME=bench_outofcore
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-20000000}
TREES=${TREES:-20}
SEED=${SEED:-42}
WORK=${WORK:-$REPO/bench/out/outofcore}
need_gnu_time

CG_PARENT=
if [ -r /proc/self/cgroup ] && grep -q '^[0-9]*:memory:' /proc/self/cgroup; then
    CG_PARENT=/sys/fs/cgroup/memory$(grep '^[0-9]*:memory:' /proc/self/cgroup | cut -d: -f3)
fi
CG=
LIMIT=${LIMIT:-auto}
if [ "$LIMIT" != as ]; then
    if [ -n "$CG_PARENT" ] && mkdir "$CG_PARENT/stratum_bench_$$" 2> /dev/null; then
        CG=$CG_PARENT/stratum_bench_$$
        LIMIT=cgroup
    elif [ "$LIMIT" = cgroup ]; then
        die "cannot create a memory cgroup under ${CG_PARENT:-(no cgroup v1 memory controller)}"
    else
        LIMIT=as
    fi
fi
[ "$LIMIT" = cgroup ] || command -v prlimit > /dev/null || die "prlimit is missing (util-linux)"
mkdir -p "$WORK"
# the CSV takes ~230 bytes a row, the binned file ~60
need_mb=$((ROWS * 300 / 1000000 + 500))
free_mb=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
((free_mb > need_mb)) || die "$WORK has $free_mb MB free; $need_mb MB needed"
cleanup() {
    [ -z "$CG" ] || rmdir "$CG" 2> /dev/null || say "could not remove the cgroup $CG"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

CSV=$WORK/big.csv
STB=$WORK/big.stb

say "$(date -u +%H:%M:%S) generating $ROWS rows"
"$TIME" -v -o "$WORK/gen.log" "$GEN" higgs --rows "$ROWS" --seed "$SEED" -o "$CSV"
say "$(date -u +%H:%M:%S) binning"
"$TIME" -v -o "$WORK/bin.log" "$STRATUM" bin "$CSV" -o "$STB" 2> "$WORK/bin.err" ||
    die "stratum bin failed: $(cat "$WORK/bin.err")"
if [ "$LIMIT" = cgroup ]; then
    LIMIT_MB=${LIMIT_MB:-$((ROWS * 60 / 1000000 + 200))}
    limit_name="cgroup memory limit ${LIMIT_MB}MB"
else
    LIMIT_MB=${LIMIT_MB:-$(($(stat -c %s "$STB") * 2 / 1000000 + 300))}
    limit_name="prlimit --as=${LIMIT_MB}MB"
fi
limit_bytes=$((LIMIT_MB * 1024 * 1024))
if [ -n "$CG" ]; then
    echo "$limit_bytes" > "$CG/memory.limit_in_bytes"
    [ ! -e "$CG/memory.memsw.limit_in_bytes" ] ||
        echo "$limit_bytes" > "$CG/memory.memsw.limit_in_bytes"
fi

# Pages of the binned file still cached from `stratum bin` are charged to the cgroup that
# wrote them, not to ours: write them out and drop them, so that training has to read them
# in (charged to its cgroup) again.
sync "$STB" && dd if="$STB" iflag=nocache count=0 status=none ||
    say "could not drop the binned file's cached pages"

# Runs a command under the limit: in the cgroup (its peak usage reset first, then read
# into cg_peak_mb), or under prlimit --as.
cg_peak_mb=
limited() {
    if [ -n "$CG" ]; then
        echo 0 > "$CG/memory.max_usage_in_bytes"
        local rc=0
        (echo "$BASHPID" > "$CG/cgroup.procs" && exec "$@") || rc=$?
        cg_peak_mb=$(awk '{ printf "%.0f", $1 / 1048576 }' "$CG/memory.max_usage_in_bytes")
        return $rc
    fi
    prlimit --as=$limit_bytes "$@"
}

say "$(date -u +%H:%M:%S) training on the binned file under the $limit_name"
limited "$TIME" -v -o "$WORK/stb.log" \
    "$STRATUM" train gbdt "$STB" -o "$WORK/stb.model" --num-trees "$TREES" -q > /dev/null ||
    die "out-of-core training failed under the limit"
stb_cg_mb=$cg_peak_mb

say "$(date -u +%H:%M:%S) in-memory training on the same bins under the same limit (expected to fail)"
limited_status=0
limited "$STRATUM" train gbdt "$CSV" --bins-from "$STB" \
    -o "$WORK/limited.model" --num-trees "$TREES" -q > /dev/null 2> "$WORK/limited.err" ||
    limited_status=$?
limited_cg_mb=$cg_peak_mb
# the kernel's OOM killer ends it at a cgroup limit (SIGKILL: exit 137), without a message
[ "$limited_status" != 137 ] || echo "killed by the kernel's OOM killer at the limit (SIGKILL)" > "$WORK/limited.err"

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
| train gbdt big.stb, $limit_name | $(wall_seconds "$WORK/stb.log") | $(peak_rss_mb "$WORK/stb.log") | |
| train gbdt big.csv --bins-from big.stb, no limit | $(wall_seconds "$WORK/mem.log") | $(peak_rss_mb "$WORK/mem.log") | |

- Limit: ${LIMIT_MB} MiB ($limit_name); the CSV is $(awk -v c="$csv_mb" -v l="$LIMIT_MB" 'BEGIN { printf "%.1f", c * 1e6 / (l * 1048576) }') times that.
EOF
[ -z "$CG" ] || cat << EOF
- cgroup peak usage (memory.max_usage_in_bytes: resident anonymous memory plus the page cache charged to the cgroup), MiB: out-of-core training ${stb_cg_mb}, in-memory training under the limit ${limited_cg_mb}.
EOF
cat << EOF
- stratum bin: $(cat "$WORK/bin.err")
- In-memory training under the same limit: exit $limited_status, "$(head -c 300 "$WORK/limited.err")"
- Out-of-core model equals the in-memory model on the same bins: **$same**
EOF
[ "$same" = yes ] || die "the models differ"
