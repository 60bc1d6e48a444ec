#!/bin/sh
# liba2c_mpi and a2c-mpi under mpirun (make mpicheck; docs/mpi.md).
#
#   sh tests/mpi/run.sh BUILD        (BUILD: the make tree, e.g. build)
#
# Runs tests/mpi/test_mpi.c on 2 ranks (identical parameters after every
# update, the one-rank reducer as the identity, attach's shared failures,
# CartPole-v1 to a greedy 500), then the a2c-mpi command: 2 ranks train
# CartPole-v1 to a greedy 500 with rank 0 alone printing, logging and saving
# (its checkpoint loads with a2c eval), 1 rank gives the same checkpoint as
# plain a2c train bit for bit, and failures (on every rank, or on rank 0
# alone) end the whole job quickly with a2c's message.  About 15-30 s on 2
# cores.  Stops at the first failing check; prints "mpi: N checks passed".
#
# MPIRUN picks the launcher (mpirun).  Open MPI refuses to run as root
# without its two variables, and inside containers its shared-memory
# transport's single-copy mode (CMA) may be forbidden: both are set here.
set -eu

build=${1:?usage: sh tests/mpi/run.sh BUILD}
mpirun=${MPIRUN:-mpirun}
test_mpi=$build/mpi/tests/test_mpi
a2c_mpi=$build/bin/a2c-mpi
a2c=$build/bin/a2c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

if ! command -v "$mpirun" >/dev/null 2>&1; then
    echo "mpi: '$mpirun' not found (Debian: apt-get install openmpi-bin)" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
# no fixed wait: a hung job is a failure, found by the timeout
limit=${MPI_TEST_TIMEOUT:-120}

checks=0
current=""

check() {
    current=$1
    checks=$((checks + 1))
}

fail() {
    echo "mpi: FAIL [$current]: $*" >&2
    for f in out err; do
        [ -f "$tmp/$f" ] && { echo "--- $f:"; cat "$tmp/$f"; } >&2
    done
    exit 1
}

# run NP PROGRAM ARGS...: under mpirun, into $tmp/out and $tmp/err
run() {
    np=$1
    shift
    status=0
    timeout "$limit" "$mpirun" -np "$np" --oversubscribe "$@" >"$tmp/out" 2>"$tmp/err" ||
        status=$?
    [ "$status" -ne 124 ] || fail "still running after $limit s (a rank waits forever?)"
}

# ---- the library ----

check "test_mpi on 2 ranks"
run 2 "$test_mpi"
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q '^mpi: [0-9]* checks passed on 2 ranks$' "$tmp/out" || fail "no summary"
grep -q 'greedy evaluation 500.0' "$tmp/out" || fail "CartPole did not reach 500"
sed -n 's/^/  /p' "$tmp/out"

# ---- a2c-mpi ----

check "a2c-mpi train on 2 ranks"
run 2 "$a2c_mpi" train --env CartPole-v1 --seed 0 --eval-episodes 10 --json \
    --save "$tmp/agent.a2c" --log-dir "$tmp/run"
[ "$status" -eq 0 ] || fail "exit status $status"
[ "$(grep -c '^training A2C on CartPole-v1: 500000 timesteps in all, 2 MPI ranks' \
    "$tmp/err")" -eq 1 ] || fail "rank 0 alone announces the run"
[ "$(grep -c '^trained 500000 timesteps' "$tmp/err")" -eq 1 ] || fail "one summary"
grep -q '^evaluation, 10 greedy episodes: 500.0 +/- 0.0$' "$tmp/err" ||
    fail "greedy evaluation of 500"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "stdout: one JSON line, from rank 0"
grep -q '"timesteps": 500000,.*"eval_mean": 500,' "$tmp/out" || fail "JSON: steps of all ranks"
sed -n 's/^/  /p' "$tmp/err" | grep -E '^  (training|trained|first|evaluation)'

check "rank 0's checkpoint loads with a2c eval"
"$a2c" eval --model "$tmp/agent.a2c" --env CartPole-v1 --episodes 10 >"$tmp/out" 2>"$tmp/err" ||
    fail "a2c eval failed"
grep -q '10 greedy episodes: 500.0 +/- 0.0' "$tmp/out" || fail "a2c eval: not 500"

check "rank 0's log counts the steps of all ranks"
[ "$(ls "$tmp/run")" = "$(printf 'config.yml\nmonitor.csv\nprogress.csv')" ] ||
    fail "$tmp/run holds: $(ls "$tmp/run")"
tail -n 1 "$tmp/run/progress.csv" | tr ',' '\n' | grep -qx 500000 ||
    fail "the last row of progress.csv is not at 500000 timesteps"

check "a2c-mpi on 1 rank trains as a2c train, bit for bit"
run 1 "$a2c_mpi" train --env CartPole-v1 -n 20000 --seed 5 --eval-episodes 0 \
    --save "$tmp/one.a2c"
[ "$status" -eq 0 ] || fail "exit status $status"
"$a2c" train --env CartPole-v1 -n 20000 --seed 5 --eval-episodes 0 --save "$tmp/plain.a2c" \
    >"$tmp/out" 2>"$tmp/err" || fail "a2c train failed"
cmp -s "$tmp/one.a2c" "$tmp/plain.a2c" || fail "the checkpoints differ"

check "an error on every rank ends the job"
run 2 "$a2c_mpi" train --env NoSuchEnv-v0
[ "$status" -ne 0 ] || fail "exit status 0"
grep -q "^a2c: unknown environment 'NoSuchEnv-v0'" "$tmp/err" || fail "no a2c: message"

check "an error on rank 0 alone ends the job"
run 2 "$a2c_mpi" train --env CartPole-v1 -n 20000 --save "$tmp/no/such/dir/agent.a2c"
[ "$status" -ne 0 ] || fail "exit status 0"
grep -q "^a2c: cannot write '$tmp/no/such/dir/agent.a2c'" "$tmp/err" || fail "no a2c: message"

check "--resume is refused"
run 2 "$a2c_mpi" train --env CartPole-v1 --resume "$tmp/agent.a2c"
[ "$status" -ne 0 ] || fail "exit status 0"
grep -q "^a2c: --resume: a2c-mpi cannot resume" "$tmp/err" || fail "no a2c: message"

check "the guard, with its loss-jump test decided on the ranks' mean, runs"
run 2 "$a2c_mpi" train --env CartPole-v1 -n 8000 --max-rollbacks 3 --eval-episodes 0
[ "$status" -eq 0 ] || fail "exit status $status"

echo "mpi: $checks checks passed"
