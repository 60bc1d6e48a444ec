#!/bin/sh
# Side-by-side speed of the current tree and an earlier commit.
#
#   sh bench/compare.sh [REF] [RUNS]
#
# REF (default 198524e, release 0.1.0) is unpacked with `git archive` into a
# temporary folder and built there; the current work tree, uncommitted
# changes included, is built in build/bench-cur.  Both with their Makefile's
# release flags.  Then the two bench/bench programs run alternately RUNS
# times (default 5), and for every figure they print (each already a median
# of several runs inside bench/bench) this prints the median over the RUNS
# of each side and the ratio current/ref: above 1 means the current tree is
# faster.  One bench/bench run takes about a minute, so the default takes
# about 10 minutes.  Progress goes to stderr, the table to stdout.
set -eu

ref=${1:-198524e}
runs=${2:-5}
case $runs in
    '' | *[!0-9]* | 0) echo "compare: RUNS must be a positive whole number, not '$runs'" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

die() {
    echo "compare: $*" >&2
    exit 1
}

# Both sides are built with the flags their own Makefile chooses for a
# release, not with whatever the caller's environment adds.
unset CFLAGS EXTRA_CFLAGS LDFLAGS EXTRA_LDFLAGS

ref_id=$(git -C "$root" rev-parse --short "$ref^{commit}") || die "no such commit: $ref"
cur_id=$(git -C "$root" describe --always --dirty)

# build NAME MAKE-ARGS...: runs make quietly, showing its output on failure.
build() {
    name=$1
    shift
    echo "compare: building $name" >&2
    make "$@" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; die "building $name failed"; }
}

mkdir "$tmp/ref"
git -C "$root" archive "$ref_id" | tar -x -C "$tmp/ref"
# bench/bench alone: the tree's `bench` target would also build and run
# bench_kernels.
build "$ref_id" -C "$tmp/ref" -j2 build/bench/bench
build "the current tree" -C "$root" -j2 BUILD=build/bench-cur build/bench-cur/bench/bench
ref_bench=$tmp/ref/build/bench/bench
cur_bench=$root/build/bench-cur/bench/bench

# Alternate, and swap which side goes first every round, so that a slow
# drift of the machine's speed (other jobs, heat) falls on both sides alike.
i=1
while [ "$i" -le "$runs" ]; do
    if [ $((i % 2)) -eq 1 ]; then order="ref cur"; else order="cur ref"; fi
    for side in $order; do
        echo "compare: run $i/$runs, $side" >&2
        if [ "$side" = ref ]; then exe=$ref_bench; else exe=$cur_bench; fi
        "$exe" >"$tmp/$side.$i" || die "$exe failed"
    done
    i=$((i + 1))
done

# The figures are bench/bench's table rows: a label padded to 40 columns,
# then the median per second, then other columns.  Labels have single
# spaces inside and numbers are right-aligned with at least two spaces
# before them, so splitting on two or more spaces gives label, figure, ...
# Rows whose second field is not a number (the title, the header) are
# skipped.
awk -F '  +' -v runs="$runs" -v ref_id="$ref_id" -v cur_id="$cur_id" '
    FNR == 1 { side = FILENAME; sub(/.*\//, "", side); sub(/\..*/, "", side) }
    NF >= 2 && $2 ~ /^[0-9]+(\.[0-9]+)?$/ {
        if (!(($1) in seen)) { seen[$1] = 1; order[++nlabels] = $1 }
        n[side, $1]++
        v[side, $1, n[side, $1]] = $2 + 0
    }
    # Median of the values of one side and label (insertion sort: few values).
    function median(s, label,    k, j, m, x, a) {
        m = n[s, label]
        if (m == 0) return ""
        for (k = 1; k <= m; k++) {
            x = v[s, label, k]
            for (j = k - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
            a[j + 1] = x
        }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
        printf "median of %d runs of bench/bench on each side (figures per second)\n\n", runs
        printf "%-40s %14s %14s %12s\n", "figure", "ref " ref_id, "current", "current/ref"
        for (k = 1; k <= nlabels; k++) {
            label = order[k]
            r = median("ref", label)
            c = median("cur", label)
            ratio = (r != "" && c != "" && r > 0) ? sprintf("%.3f", c / r) : "-"
            printf "%-40s %14s %14s %12s\n", label, r == "" ? "-" : sprintf("%.0f", r),
                   c == "" ? "-" : sprintf("%.0f", c), ratio
        }
        printf "\ncurrent = %s (work tree, built in build/bench-cur)\n", cur_id
    }
' "$tmp"/ref.* "$tmp"/cur.*
