#!/bin/sh
# liba2c's training speed against a plain-PyTorch loop doing the same
# numeric work, cell by cell, and (optionally) against Stable-Baselines3.
#
#   sh bench/scale.sh [ROUNDS [RUNS]] [--envs N] [--width W] [--threads T]
#                     [--seconds S]
#   make bench-scale                      # the defaults, about 7 minutes
#
# Each of ROUNDS rounds (default 3) runs bench/scale (the liba2c matrix and
# its busy-wait environment case) and bench/torch_loop.py (the same cells,
# torch with 1 and 2 threads), and, when SB3_SRC and GYM_SRC are set,
# bench/sb3_cartpole.py; every other round reverses the order, so that a
# drift of the machine's speed falls on every side alike.  Each program reports
# per cell the median of RUNS timed runs (default 3) of about S seconds
# (default 0.5); this script prints the median over the rounds, per cell:
# liba2c's env steps/s, torch's, their ratio, and liba2c's 2-thread /
# 1-thread ratio ("vs 1 thread").  --envs/--width/--threads pick one value
# of a dimension for both (a quick look: `sh bench/scale.sh 1 1 --envs 8
# --width 64`).
#
# Environment: SCALE, the bench/scale program (default build/bench/scale;
# `make bench-scale` builds it); PYTHON, a python with Debian's
# python3-torch (default /usr/bin/python3); SB3_SRC and GYM_SRC, sources of
# Stable-Baselines3 and Gymnasium (see bench/sb3_cartpole.py); SB3_STEPS
# (default 30000) and SB3_THREADS (default "1 2": the faster one counts,
# which is the harder comparison for liba2c); SCALE_KEEP, a folder to copy
# every program's raw output into (per-run spreads, versions).
# Progress goes to stderr, the tables to stdout.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
scale=${SCALE:-$root/build/bench/scale}
python=${PYTHON:-/usr/bin/python3}
sb3_steps=${SB3_STEPS:-30000}
sb3_threads=${SB3_THREADS:-1 2}

die() {
    echo "scale.sh: $*" >&2
    exit 1
}

whole() {
    case $2 in '' | *[!0-9]* | 0) die "$1 must be a positive whole number, not '$2'" ;; esac
}

rounds=3
runs=3
seconds=0.5
envs=8,64,256
widths=64,256
threads=1,2
scale_sel=
[ $# -gt 0 ] && case $1 in -*) ;; *) rounds=$1; shift ;; esac
[ $# -gt 0 ] && case $1 in -*) ;; *) runs=$1; shift ;; esac
whole ROUNDS "$rounds"
whole RUNS "$runs"
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || die "$1 needs a value"
    case $1 in
        --envs) whole "$1" "$2"; envs=$2; scale_sel="$scale_sel $1 $2" ;;
        --width) whole "$1" "$2"; widths=$2; scale_sel="$scale_sel $1 $2" ;;
        --threads) whole "$1" "$2"; threads=$2; scale_sel="$scale_sel $1 $2" ;;
        --seconds) seconds=$2 ;;
        *) die "unknown option $1" ;;
    esac
    shift 2
done

[ -x "$scale" ] || die "$scale is missing: run 'make build/bench/scale' (or make bench-scale)"
torch=yes
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "scale.sh: $python cannot import torch (Debian: apt-get install python3-torch);" \
        "liba2c only" >&2
    torch=no
fi
sb3=no
if [ -n "${SB3_SRC:-}" ] && [ -n "${GYM_SRC:-}" ]; then
    sb3=yes
    whole SB3_STEPS "$sb3_steps"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# run SIDE ROUND: one program's whole share of a round, into $tmp/SIDE.ROUND.
run() {
    echo "scale.sh: round $2/$rounds, $1" >&2
    case $1 in
        liba2c)
            # shellcheck disable=SC2086 # scale_sel is a list of words
            "$scale" --runs "$runs" --seconds "$seconds" $scale_sel >"$tmp/liba2c.$2" ||
                die "$scale failed"
            ;;
        torch)
            "$python" "$root/bench/torch_loop.py" --envs "$envs" --width "$widths" \
                --threads "$threads" --runs "$runs" --seconds "$seconds" >"$tmp/torch.$2" ||
                die "torch_loop.py failed"
            ;;
        sb3)
            # A manual extra: its failure costs the SB3 line, not the rest.
            [ "$sb3" = yes ] || return 0
            for t in $sb3_threads; do
                "$python" "$root/bench/sb3_cartpole.py" --runs "$runs" --timesteps "$sb3_steps" \
                    --threads "$t" >>"$tmp/sb3.$2" || {
                    echo "scale.sh: sb3_cartpole.py failed; no SB3 figures" >&2
                    sb3=failed
                    return 0
                }
            done
            ;;
    esac
}

sides=liba2c
[ "$torch" = yes ] && sides="$sides torch"
[ "$sb3" = yes ] && sides="$sides sb3"
reversed=$(echo "$sides" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
r=1
while [ "$r" -le "$rounds" ]; do
    if [ $((r % 2)) -eq 1 ]; then order=$sides; else order=$reversed; fi
    for side in $order; do run "$side" "$r"; done
    r=$((r + 1))
done

if [ -n "${SCALE_KEEP:-}" ]; then
    { mkdir -p "$SCALE_KEEP" && cp "$tmp"/* "$SCALE_KEEP"/; } || die "cannot copy to $SCALE_KEEP"
fi

# The first round's headers say what was measured (versions, BLAS).
head -n 2 "$tmp/liba2c.1"
if [ "$torch" = yes ]; then grep '^#' "$tmp/torch.1" || true; fi
if [ "$sb3" = yes ]; then grep '^#' "$tmp/sb3.1" || true; fi
echo

# Rows of bench/scale: kind envs net threads steps median min max spread.
# Rows of torch_loop.py and sb3_cartpole.py: "torch envs E width W threads
# T median M ..." and "sb3 envs 8 threads T median M ...".  Every figure is
# keyed by side and cell and gathered over the rounds; the table shows
# medians over the rounds.
awk -v rounds="$rounds" -v runs="$runs" -v have_torch="$torch" -v have_sb3="$sb3" '
    FNR == 1 { side = FILENAME; sub(/.*\//, "", side); sub(/\..*/, "", side) }
    side == "liba2c" && ($1 == "cartpole" || $1 == "busy") && $6 ~ /^[0-9]/ {
        w = $3; sub(/x.*/, "", w)
        add($1, $2 " " w " " $4, $6)
        if ($1 == "cartpole" && !(($2 " " w) in seen)) { seen[$2 " " w] = 1; cells[++n] = $2 " " w }
    }
    side == "torch" && $1 == "torch" { add("torch", $3 " " $5 " " $7, $9) }
    side == "sb3" && $1 == "sb3" { add("sb3", $5, $7) }
    function add(kind, key, v) { vals[kind, key, ++cnt[kind, key]] = v + 0 }
    function med(kind, key,    m, k, j, x, a) {
        m = cnt[kind, key]
        if (!m) return ""
        for (k = 1; k <= m; k++) {
            x = vals[kind, key, k]
            for (j = k - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
            a[j + 1] = x
        }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    function fmt(v) { return v == "" ? "-" : sprintf("%.0f", v) }
    function ratio(a, b) { return (a == "" || b == "" || b <= 0) ? "-" : sprintf("%.2f", a / b) }
    END {
        printf "env steps/s, median over %d rounds of medians of %d runs\n\n", rounds, runs
        printf "%5s %8s %7s %12s %12s %13s %13s\n", "envs", "net", "threads", "liba2c/s",
               "torch/s", "liba2c/torch", "vs 1 thread"
        for (i = 1; i <= n; i++) {
            split(cells[i], c, " ")
            for (t = 1; t <= 256; t++) {
                key = cells[i] " " t
                a = med("cartpole", key)
                if (a == "") continue
                q = med("torch", key)
                printf "%5d %8s %7d %12s %12s %13s %13s\n", c[1], c[2] "x" c[2], t, fmt(a),
                       fmt(q), ratio(a, q),
                       (t > 1 ? ratio(a, med("cartpole", cells[i] " 1")) : "")
            }
        }
        b1 = med("busy", "8 64 1"); b2 = med("busy", "8 64 2")
        if (b1 != "")
            printf "\nbusy-wait env (8 envs, 20 us per step, 64x64): 1 thread %s/s, " \
                   "2 threads %s/s, 2t/1t %s\n", fmt(b1), fmt(b2), ratio(b2, b1)
        if (have_sb3 == "yes") {
            best = ""
            for (t = 1; t <= 64; t++) {
                s = med("sb3", t)
                if (s == "") continue
                printf "SB3 A2C, CartPole-v1 zoo settings, %d torch thread%s: %s/s\n", t,
                       (t > 1 ? "s" : ""), fmt(s)
                if (best == "" || s > best) best = s
            }
            for (t = 1; t <= 2; t++) {
                a = med("cartpole", "8 64 " t)
                if (a != "")
                    printf "liba2c (8 envs, 64x64, %d thread%s) / SB3 (its faster setting): " \
                           "%sx\n", t, (t > 1 ? "s" : ""), ratio(a, best)
            }
        }
    }
' "$tmp"/*
