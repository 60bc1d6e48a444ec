#!/bin/sh
# Regenerates tests/fixtures/v0.1/: what release 0.1.0 (commit 198524e)
# prints and writes for a fixed set of a2c commands.  tests/test_compat.sh
# runs the same commands with the current build and compares.
#
#   sh tests/reference/make_v01_fixtures.sh [PATH/TO/0.1.0-TREE]
#
# With a path, that tree (an unpacked 0.1.0 source tree) is built if needed
# and used; without one, commit 198524e is unpacked from this repository
# with `git archive` into a temporary folder and built there.  Writes
# train.txt, train_logs.txt, checkpoints.txt, trainer.a2c and net.a2c
# (README.md and .gitignore there are written by hand and left alone).
# Idempotent: a second run writes the same bytes.  Takes about 10 seconds.
set -eu

REF=198524e
ENV=CartPole-v1

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/tests/fixtures/v0.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

die() {
    echo "make_v01_fixtures: $*" >&2
    exit 1
}

# The release's own default flags, whatever the caller's environment says.
unset CFLAGS EXTRA_CFLAGS LDFLAGS EXTRA_LDFLAGS

if [ $# -ge 1 ]; then
    tree=$(cd "$1" && pwd) || die "no such folder: $1"
else
    tree=$tmp/a2c-0.1.0
    mkdir -p "$tree"
    git -C "$root" archive "$REF" | tar -x -C "$tree"
fi
make -C "$tree" -j2 all >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; die "building $tree failed"; }

a2c=$tree/build/bin/a2c
case $("$a2c" --version) in
    *" 0.1.0") ;;
    *) die "$a2c is not release 0.1.0: $("$a2c" --version)" ;;
esac

# A net-only checkpoint in the 0.1 format: the CLI only writes trainer
# checkpoints, so this loads one as a net and saves the net alone.
cat >"$tmp/net_resave.c" <<'EOF'
#include <a2c/a2c.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    a2c_net *net;
    a2c_status rc;
    if (argc != 3) {
        fprintf(stderr, "usage: net_resave TRAINER_CHECKPOINT NET_CHECKPOINT\n");
        return 2;
    }
    if ((rc = a2c_net_load(&net, argv[1], NULL)) != A2C_OK) {
        fprintf(stderr, "net_resave: cannot load %s: %s\n", argv[1], a2c_strerror(rc));
        return 1;
    }
    rc = a2c_net_save(net, argv[2]);
    a2c_net_destroy(net);
    if (rc != A2C_OK) {
        fprintf(stderr, "net_resave: cannot save %s: %s\n", argv[2], a2c_strerror(rc));
        return 1;
    }
    return 0;
}
EOF
${CC:-cc} -std=c11 -Wall -Wextra -I"$tree/include" -o "$tmp/net_resave" "$tmp/net_resave.c" \
    "$tree/build/liba2c.a" -lm

# Everything is written here first and copied into place at the end, so a
# failed run leaves the old fixtures as they were.  The commands run inside
# it: eval's JSON holds the --model argument, which is then just the file
# name (test_compat.sh runs eval the same way).
new=$tmp/new
mkdir -p "$new"
cd "$new"

# Runs 0.1.0's a2c; prints the last line of its stdout (the JSON object)
# without the two timing fields.  The sed expressions are those of
# tests/test_cli.sh and tests/test_compat.sh.
run() {
    "$a2c" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || {
        cat "$tmp/err" >&2
        die "a2c $* failed"
    }
    tail -n 1 "$tmp/out" |
        sed -e 's/"wall_s": *[^,}]*,* *//' -e 's/"steps_per_s": *[^,}]*,* *//'
}

# record FILE KEY ARGS...: appends "KEY {json}" for `a2c ARGS...` to FILE.
# (The JSON goes through a variable, not straight into printf's arguments,
# so that set -e stops the script when the run fails.)
record() {
    file=$1
    key=$2
    shift 2
    json=$(run "$@")
    printf '%s %s\n' "$key" "$json" >>"$file"
}

# log_sum CSV: `cksum` ("CRC BYTES") of a --log file without its two timing
# columns.  The same awk as tests/test_compat.sh.
log_sum() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
                           if ($i != "steps_per_second" && $i != "elapsed_seconds") keep[++n] = i }
             { s = $keep[1]; for (j = 2; j <= n; j++) s = s "," $keep[j]; print s }' "$1" | cksum
}

# record_log FILE KEY CSV: appends "KEY CRC BYTES" for the log CSV to FILE.
record_log() {
    sum=$(log_sum "$3")
    printf '%s %s\n' "$2" "$sum" >>"$1"
}

# train.txt: "SEED THREADS {json}", the default budget (500000 steps).
# The JSON alone says little about the end of training: every run has
# solved CartPole long before, so its counts and means stop moving.  So each
# run also writes --log (one row per update: losses, gradient norm,
# explained variance to 6 digits), and train_logs.txt holds its checksum,
# "SEED THREADS CRC BYTES": a difference of one bit in the parameters soon
# shows there.  --log does not change the JSON.  (A checksum of the saved
# checkpoint would be stronger still, but it ties the check to the 0.1 file
# format.)
for seed in 0 1 2 3 4; do
    for threads in 1 2; do
        record train.txt "$seed $threads" train --env "$ENV" --seed "$seed" --threads "$threads" \
            --log run.csv --json
        record_log train_logs.txt "$seed $threads" run.csv
    done
done
rm -f run.csv

# checkpoints.txt: "NAME {json}" or, for NAME-log, the log's "CRC BYTES",
# one line per command below.  --threads 1 on the saving run because a
# trainer checkpoint records the thread count, and the default (the
# machine's CPU count, at most 2) would make the file's bytes depend on the
# machine that regenerates it.
record checkpoints.txt save train --env "$ENV" --seed 7 --timesteps 20000 --threads 1 \
    --save trainer.a2c --log save.csv --json
record_log checkpoints.txt save-log save.csv
# A net-only checkpoint of the same parameters.
"$tmp/net_resave" trainer.a2c net.a2c
for model in trainer net; do
    record checkpoints.txt "eval-$model" eval --model "$model.a2c" --env "$ENV" \
        --episodes 10 --seed 3 --json
    record checkpoints.txt "eval-$model-stochastic" eval --model "$model.a2c" --env "$ENV" \
        --episodes 10 --seed 3 --stochastic --json
done
# Resuming loads the optimizer state, the generators and the progress.
record checkpoints.txt resume train --env "$ENV" --seed 7 --resume trainer.a2c \
    --timesteps 40000 --log resume.csv --json
record_log checkpoints.txt resume-log resume.csv

mkdir -p "$out"
cp train.txt train_logs.txt checkpoints.txt trainer.a2c net.a2c "$out/"
echo "make_v01_fixtures: wrote train.txt train_logs.txt checkpoints.txt trainer.a2c net.a2c in $out"
