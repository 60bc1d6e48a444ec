#!/bin/sh
# Training throughput of a2c-mpi on CartPole-v1 with 1 and 2 ranks
# (docs/mpi.md): env steps per second of all ranks together, the median of
# REPEAT runs of STEPS steps in all, with the zoo's settings (8 envs a rank,
# one thread a rank), and plain a2c train (one thread) beside it.
#
#   make mpi && sh bench/mpi_bench.sh [BUILD]        (BUILD: build)
#
# STEPS (500000), REPEAT (3), RANKS ("1 2"), MPIRUN (mpirun) and ARGS (more
# a2c train flags, e.g. "--n-envs 64" for larger updates) may be set.
# Speed depends on the machine and on what else runs on it: on a machine
# with fewer free cores than ranks, the ranks wait for each other at every
# update.
set -eu

build=${1:-build}
mpirun=${MPIRUN:-mpirun}
steps=${STEPS:-500000}
repeat=${REPEAT:-3}
ranks=${RANKS:-1 2}
args=${ARGS:-}
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"

# the JSON line's steps_per_s
rate() {
    sed -n 's/.*"steps_per_s": \([0-9]*\).*/\1/p'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

measure() {
    k=0
    while [ "$k" -lt "$repeat" ]; do
        # $args unquoted on purpose: several flags
        # shellcheck disable=SC2086
        "$@" train --env CartPole-v1 -n "$steps" --threads 1 --eval-episodes 0 --json $args \
            2>/dev/null | rate
        k=$((k + 1))
    done | median
}

echo "CartPole-v1, $steps steps in all, 1 thread a rank${args:+, $args}, median of $repeat runs"
printf '  %-28s %10s steps/s\n' "a2c train (no MPI)" "$(measure "$build/bin/a2c")"
for n in $ranks; do
    printf '  %-28s %10s steps/s\n' "a2c-mpi, $n rank$([ "$n" = 1 ] || echo s)" \
        "$(measure "$mpirun" -np "$n" --oversubscribe "$build/bin/a2c-mpi")"
done
