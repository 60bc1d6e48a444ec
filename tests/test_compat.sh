#!/bin/sh
# Checks that training, evaluation and checkpoints stay bit-identical to
# release 0.1.0: runs the a2c commands of tests/fixtures/v0.1 (see its
# README.md) with the given build and compares with what 0.1.0 printed and
# wrote.
#
#   sh tests/test_compat.sh PATH/TO/a2c [FIXTURE_DIR]
#
# FIXTURE_DIR defaults to tests/fixtures/v0.1.  Compares, byte for byte,
# the --json line (without the timing fields wall_s and steps_per_s) and the
# checksum of the --log file (without its timing columns) of: ten
# default-budget training runs (seeds 0-4, 1 and 2 threads); a short run
# that saves a trainer; greedy and sampled evaluations of 0.1.0's trainer
# checkpoint and of its net-only checkpoint; resuming training from 0.1.0's
# trainer checkpoint; the evaluations again from the trainer checkpoint the
# current build saved (in its own file format, which need not be 0.1's),
# and resuming it, which since 0.2 must equal one uninterrupted run.  Takes about 8 seconds (the ten 500000-step runs).
# Stops at the first failing check, naming it; prints "compat: N checks
# passed" on success.
set -eu

usage="usage: sh tests/test_compat.sh PATH/TO/a2c [FIXTURE_DIR]"
a2c=${1:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=${2:-$here/fixtures/v0.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

checks=0
current=""
ENV=CartPole-v1

# Starts a named check; fail() names it.
check() {
    current=$1
    checks=$((checks + 1))
}

fail() {
    echo "compat: FAIL [$current]: $*" >&2
    exit 1
}

[ -x "$a2c" ] || { echo "compat: FAIL: $a2c is missing or not executable (run make first)" >&2; exit 1; }
[ -d "$fixtures" ] || { echo "compat: FAIL: no fixture folder $fixtures" >&2; exit 1; }
# Absolute paths: the runs below happen inside $tmp.
a2c=$(cd "$(dirname "$a2c")" && pwd)/$(basename "$a2c")
fixtures=$(cd "$fixtures" && pwd)

# Runs the tool with the given arguments in the current folder; stdout in
# $tmp/out, stderr in $tmp/err; fails the current check unless it exits 0.
run_ok() {
    last_args=$*
    status=0
    "$a2c" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || status=$?
    if [ "$status" -ne 0 ]; then
        {
            echo "--- command: a2c $last_args (exit status $status)"
            echo "--- stdout:"
            cat "$tmp/out"
            echo "--- stderr:"
            cat "$tmp/err"
            echo "---"
        } >&2
        fail "exit status $status, expected 0"
    fi
}

# The last line of stdout (the JSON object) without the run-time
# measurements; the same sed as tests/test_cli.sh and the fixture script.
# Keys added after 0.1 (from "rollbacks" on, 0.2) come after all of 0.1's
# and are cut here: 0.1's keys must be there, in their order, unchanged.
json_line() {
    tail -n 1 "$tmp/out" | sed -e 's/"wall_s": *[^,}]*,* *//' -e 's/"steps_per_s": *[^,}]*,* *//' \
        -e 's/, "rollbacks": .*}$/}/'
}

# log_sum CSV: `cksum` ("CRC BYTES") of a --log file without its two timing
# columns; the same awk as the fixture script.
log_sum() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
                           if ($i != "steps_per_second" && $i != "elapsed_seconds") keep[++n] = i }
             { s = $keep[1]; for (j = 2; j <= n; j++) s = s "," $keep[j]; print s }' "$1" | cksum
}

# fixture FILE KEY: the rest of FILE's line that starts with "KEY ".
fixture() {
    awk -v key="$2 " 'index($0, key) == 1 { print substr($0, length(key) + 1); exit }' \
        "$fixtures/$1"
}

# same WANT GOT: fails the current check unless both lines are equal.
same() {
    [ -n "$1" ] || fail "no fixture line for this check"
    [ "$1" = "$2" ] || fail "differs from 0.1.0:
  0.1.0:   $1
  current: $2
  command: a2c $last_args"
}

check "fixtures present"
for f in train.txt train_logs.txt checkpoints.txt trainer.a2c net.a2c; do
    [ -s "$fixtures/$f" ] || fail "$fixtures/$f is missing or empty"
done
for f in train.txt train_logs.txt; do
    n=$(awk 'END { print NR }' "$fixtures/$f")
    [ "$n" -eq 10 ] || fail "$fixtures/$f has $n lines, expected 10"
done

# The checkpoints are copied and used under their own names, because
# eval's JSON holds the --model argument as given.
cp "$fixtures/trainer.a2c" "$fixtures/net.a2c" "$tmp/"
cd "$tmp"

# ---- 1. default-budget training runs ----

# The JSON stops moving once CartPole is solved; the log's losses and
# gradient norms (6 digits, every update) catch a difference of one bit in
# the parameters late in training too.
for seed in 0 1 2 3 4; do
    for threads in 1 2; do
        check "train --seed $seed --threads $threads: JSON"
        run_ok train --env "$ENV" --seed "$seed" --threads "$threads" --log run.csv --json
        same "$(fixture train.txt "$seed $threads")" "$(json_line)"

        check "train --seed $seed --threads $threads: --log checksum"
        same "$(fixture train_logs.txt "$seed $threads")" "$(log_sum run.csv)"
    done
done

# ---- 2. 0.1.0's checkpoints ----

for model in trainer net; do
    check "eval of 0.1.0's $model.a2c, greedy"
    run_ok eval --model "$model.a2c" --env "$ENV" --episodes 10 --seed 3 --json
    same "$(fixture checkpoints.txt "eval-$model")" "$(json_line)"

    check "eval of 0.1.0's $model.a2c, --stochastic"
    run_ok eval --model "$model.a2c" --env "$ENV" --episodes 10 --seed 3 --stochastic --json
    same "$(fixture checkpoints.txt "eval-$model-stochastic")" "$(json_line)"
done

# Resuming loads the optimizer state, the generators and the progress.
check "train --resume 0.1.0's trainer.a2c: JSON"
run_ok train --env "$ENV" --seed 7 --resume trainer.a2c --timesteps 40000 --log resume.csv --json
same "$(fixture checkpoints.txt resume)" "$(json_line)"

check "train --resume 0.1.0's trainer.a2c: --log checksum"
same "$(fixture checkpoints.txt resume-log)" "$(log_sum resume.csv)"

# ---- 3. the same from a checkpoint the current build saves ----

# The file itself is not compared with 0.1.0's: the format may change.
# What it holds must not, so evaluating and resuming it must give 0.1.0's
# results.  In its own folder, not to overwrite the copy of 0.1.0's file.
mkdir new
cd new
check "train --seed 7 --timesteps 20000 --save: JSON"
run_ok train --env "$ENV" --seed 7 --timesteps 20000 --threads 1 --save trainer.a2c \
    --log save.csv --json
same "$(fixture checkpoints.txt save)" "$(json_line)"

check "train --seed 7 --timesteps 20000 --save: --log checksum"
same "$(fixture checkpoints.txt save-log)" "$(log_sum save.csv)"

check "eval of the current build's trainer.a2c, greedy"
run_ok eval --model trainer.a2c --env "$ENV" --episodes 10 --seed 3 --json
same "$(fixture checkpoints.txt eval-trainer)" "$(json_line)"

check "eval of the current build's trainer.a2c, --stochastic"
run_ok eval --model trainer.a2c --env "$ENV" --episodes 10 --seed 3 --stochastic --json
same "$(fixture checkpoints.txt eval-trainer-stochastic)" "$(json_line)"

# Since 0.2 a checkpoint of the current build also holds the episodes in
# flight, and resuming continues them (0.1 started new ones, as it still
# does for 0.1.0's file above): resuming to 40000 must give what one
# uninterrupted run to 40000 of the current build gives, the statistics of
# every update from the resume on included.
check "train --resume the current build's trainer.a2c: JSON"
run_ok train --env "$ENV" --seed 7 --timesteps 40000 --threads 1 --log whole.csv --json
whole=$(json_line)
run_ok train --env "$ENV" --seed 7 --resume trainer.a2c --timesteps 40000 --log resume.csv --json
[ "$(json_line)" = "$whole" ] || fail "differs from one uninterrupted run:
  whole:   $whole
  resumed: $(json_line)"

check "train --resume the current build's trainer.a2c: --log checksum"
awk -F, 'NR == 1 || $1 > 20000' whole.csv >whole-after.csv
same "$(log_sum whole-after.csv)" "$(log_sum resume.csv)"

echo "compat: $checks checks passed"
