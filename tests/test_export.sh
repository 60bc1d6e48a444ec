#!/bin/sh
# Exports trained agents as C source (a2c export) and checks the files
# against the library.
#
#   sh tests/test_export.sh build/bin/a2c build/liba2c.a
#
# Three agents, trained by the a2c command: CartPole-v1 (default settings,
# 500000 steps), Acrobot-v1 (its preset, which normalises observations,
# 100000 steps) and Pendulum-v1 (continuous actions, gSDE, normalised
# observations, 100000 steps).  Each is exported, and the file is compiled
# on its own with `cc -std=c99 -Wall -Wextra -pedantic -Werror -c`: it
# needs no header and no library.  Then tests/export_driver.c, linked with
# that object and liba2c, compares it with the library on 10000
# observations (forward outputs bit for bit, greedy actions) and plays
# episodes with the exported policy choosing every action; the CartPole
# policy must score 500 in each of 10 episodes.  Where the compiler and the
# CPU support them, the files are also built with clang and with fused
# multiply-add enabled (-mfma): the results must not change.  A few
# seconds in all; prints one line per agent, exits nonzero on a failure.
set -eu

a2c=${1:?usage: sh tests/test_export.sh PATH/TO/a2c PATH/TO/liba2c.a}
lib=${2:?usage: sh tests/test_export.sh PATH/TO/a2c PATH/TO/liba2c.a}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

STRICT="-std=c99 -Wall -Wextra -pedantic -Werror"

fail() {
    echo "export: FAIL: $*" >&2
    exit 1
}

# Extra compilers for the exported file, when present: clang (which obeys
# the file's FP_CONTRACT pragma) and, on a CPU with FMA, both compilers
# allowed to fuse (the file must keep them from doing so).
# "cc" below stands for $CC, which may hold flags.
variants="cc"
if command -v clang >/dev/null 2>&1; then variants="$variants clang"; fi
if grep -qw fma /proc/cpuinfo 2>/dev/null && echo 'int x;' | $CC -mfma -x c -c -o /dev/null - \
        2>/dev/null; then
    variants="$variants cc:-mfma"
    if command -v clang >/dev/null 2>&1; then variants="$variants clang:-mfma"; fi
fi

# check NAME PREFIX BOX ENV EPISODES MIN_MEAN -- TRAIN_FLAGS...: trains
# $tmp/NAME.a2c on ENV, then check_file
check() {
    name=$1 prefix=$2 box=$3 env=$4 episodes=$5 min_mean=$6
    shift 7
    "$a2c" train --env "$env" --save "$tmp/$name.a2c" "$@" >"$tmp/train.out" 2>&1 ||
        { cat "$tmp/train.out" >&2; fail "training $name"; }
    check_file "$name" "$prefix" "$box" "$env" "$episodes" "$min_mean"
}

# check_file NAME PREFIX BOX ENV EPISODES MIN_MEAN: exports $tmp/NAME.a2c
# and runs the driver on it with every compiler variant (ENV "-": none)
check_file() {
    name=$1 prefix=$2 box=$3 env=$4 episodes=$5 min_mean=$6
    "$a2c" export --model "$tmp/$name.a2c" --c "$tmp/$name.c" --prefix "$prefix" \
        >"$tmp/export.out" 2>&1 || { cat "$tmp/export.out" >&2; fail "exporting $name"; }
    ! grep -q '^[[:space:]]*#[[:space:]]*include' "$tmp/$name.c" || fail "$name.c includes a header"
    # the driver: built once, linked with each build of the exported file
    $CC -std=c11 -O2 -Wall -Wextra -Werror -I"$root/include" -DPOLICY="$prefix" \
        -DPOLICY_BOX="$box" -c "$here/export_driver.c" -o "$tmp/driver.o" ||
        fail "compiling the driver for $name"
    also=""
    for variant in $variants; do
        cc=${variant%%:*}
        [ "$cc" != cc ] || cc=$CC
        extra=""
        case $variant in *:*) extra=${variant#*:} ;; esac
        # the exported file alone: no header, no library
        $cc $STRICT -O2 $extra -c "$tmp/$name.c" -o "$tmp/$name.o" ||
            fail "$name.c does not compile alone with $cc $STRICT $extra"
        $CC -o "$tmp/driver" "$tmp/driver.o" "$tmp/$name.o" "$lib" -lm -pthread ||
            fail "linking the driver for $name"
        "$tmp/driver" "$tmp/$name.a2c" "$tmp/$name.c" "$env" 10000 "$episodes" "$min_mean" \
            >"$tmp/driver.out" 2>&1 ||
            { cat "$tmp/driver.out" >&2; fail "$name built with $cc $extra"; }
        # the first build's report, then only which builds matched it
        if [ -e "$tmp/first.out" ]; then
            cmp -s "$tmp/first.out" "$tmp/driver.out" ||
                { cat "$tmp/driver.out" >&2; fail "$name differs when built with $cc $extra"; }
            also="$also, $cc${extra:+ $extra}"
        else
            cp "$tmp/driver.out" "$tmp/first.out"
            sed "s/^/  /" "$tmp/driver.out"
        fi
    done
    rm -f "$tmp/first.out"
    [ -z "$also" ] || echo "  $name: the same with ${also#, }"
}

check cartpole cartpole 0 CartPole-v1 10 500 -- -n 500000
check acrobot acrobot 0 Acrobot-v1 10 -500 -- -n 100000 --norm-obs True
grep -q acrobot_obs_mean "$tmp/acrobot.c" || fail "the Acrobot policy does not normalise"
check pendulum pendulum 1 Pendulum-v1 10 -2000 -- -n 100000 --use-sde True --norm-obs True
grep -q pendulum_obs_mean "$tmp/pendulum.c" || fail "the Pendulum policy does not normalise"
grep -q pendulum_act_box "$tmp/pendulum.c" || fail "the Pendulum policy has no act_box"

# untrained nets of the shapes the agents above do not have (export_driver.c,
# make_nets), compared on observations alone
$CC -std=c11 -O2 -Wall -Wextra -Werror -I"$root/include" "$here/export_driver.c" "$lib" -lm \
    -pthread -o "$tmp/make_nets" || fail "compiling export_driver --make"
"$tmp/make_nets" --make "$tmp" || fail "export_driver --make"
check_file wide wide 0 - 0 0
check_file shared shared 0 - 0 0
check_file linear linear 1 - 0 0
check_file gsde gsde 1 - 0 0
grep -q 'wide_head_w\[WIDE_ACTION_DIM \* 21\]' "$tmp/wide.c" || fail "wide.c's head"
grep -q -- '-0x1.fffffep+127f' "$tmp/linear.c" || fail "linear.c's unbounded component"

# the CLI's refusals: a bad prefix, a missing model
if "$a2c" export --model "$tmp/cartpole.a2c" --c "$tmp/x.c" --prefix 9x >/dev/null 2>&1; then
    fail "--prefix 9x was accepted"
fi
if "$a2c" export --model "$tmp/none.a2c" --c "$tmp/x.c" >/dev/null 2>&1; then
    fail "a missing model was accepted"
fi
[ ! -e "$tmp/x.c" ] || fail "a refused export left a file"
# --c - writes the same text to standard output
"$a2c" export --model "$tmp/cartpole.a2c" --c - --prefix cartpole >"$tmp/stdout.c"
cmp -s "$tmp/stdout.c" "$tmp/cartpole.c" || fail "--c - differs from the file"

echo "export: all checks passed"
