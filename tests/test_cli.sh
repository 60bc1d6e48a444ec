#!/bin/sh
# Runs the command-line tool as a user would and checks what it prints.
#
#   sh tests/test_cli.sh build/bin/a2c
#
# Covers --help/--version, the error path (one "a2c: " line on stderr,
# nothing on stdout, a nonzero status), train --json and its determinism,
# the plain progress lines when stderr is not a terminal, --save and eval,
# --log, --resume, the SB3-style hyperparameter flags, and the flags derived
# from the library's parameter table (every parameter listed in train --help
# and reaching the trainer, --flag=value, the aliases, unknown flags, bad
# values naming their flag).  Then rl-baselines3-zoo's habits: --help
# anywhere, -n, --algo, --hyperparams, --normalize and --policy-kwargs,
# -conf YAML files (the zoo's own a2c.yml shape, errors with file:line),
# --eval-freq rows, --save-freq files, --resume's refusals and its exact
# continuation (compared with cmp), and SIGINT/SIGTERM stopping a run
# cleanly (exit 130/143, a checkpoint that loads, a log whose every row
# parses; a second SIGINT quits at once).  The training runs are short
# (CartPole, at most 100000 steps each; the signalled runs are stopped
# within a second), so the whole script takes a few seconds.  Stops at the
# first failing check, naming it; prints "cli: N checks passed" on
# success.
set -eu

a2c=${1:?usage: sh tests/test_cli.sh PATH/TO/a2c}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=""  # a run in the background (section 17), killed if the script stops early
trap '[ -z "$pid" ] || kill -s KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

checks=0
current=""
CR=$(printf '\r')
ESC=$(printf '\033')
ENV=CartPole-v1

# Starts a named check; fail() names it.
check() {
    current=$1
    checks=$((checks + 1))
}

fail() {
    echo "cli: FAIL [$current]: $*" >&2
    exit 1
}

# Shows what the last run printed, to diagnose a failure.
show() {
    {
        echo "--- command: a2c $last_args (exit status $status)"
        echo "--- stdout:"
        cat "$tmp/out"
        echo "--- stderr:"
        cat "$tmp/err"
        echo "---"
    } >&2
}

# Runs the tool with the given arguments; stdout in $tmp/out, stderr in
# $tmp/err, exit status in $status.
run() {
    last_args=$*
    status=0
    "$a2c" "$@" <"/dev/null" >"$tmp/out" 2>"$tmp/err" || status=$?
}

# Runs the tool and fails the current check unless it exits 0.
run_ok() {
    run "$@"
    if [ "$status" -ne 0 ]; then
        show
        fail "exit status $status, expected 0"
    fi
}

# Number of lines of a file, counting an unterminated last line.
lines() {
    awk 'END { print NR }' "$1"
}

# run_failing WHAT COMMAND...: the command must fail, with a nonzero exit
# status that is not a signal, and print nothing on stdout.
run_failing() {
    check "error: $1"
    shift
    run "$@"
    if [ "$status" -eq 0 ] || [ "$status" -gt 125 ]; then
        show
        fail "exit status $status, expected a failure status (1..125)"
    fi
    if [ -s "$tmp/out" ]; then
        show
        fail "stdout is not empty"
    fi
}

# The error contract: a failure (as run_failing) with exactly one line on
# stderr, starting with "a2c: ".
expect_error() {
    run_failing "$@"
    if [ "$(lines "$tmp/err")" -ne 1 ]; then
        show
        fail "stderr has $(lines "$tmp/err") lines, expected exactly 1"
    fi
    if ! grep -q '^a2c: .' "$tmp/err"; then
        show
        fail "the stderr line does not start with 'a2c: '"
    fi
}

# The last line of stdout, which --json makes a JSON object.
json_line() {
    tail -n 1 "$tmp/out"
}

# json_value KEY LINE: the raw value of a top-level key of a flat JSON line
# (strings keep their quotes); empty if the key is absent.
json_value() {
    printf '%s\n' "$2" | sed -n "s/.*\"$1\": *\([^,}]*\).*/\1/p" | sed 's/ *$//'
}

require_json_object() {
    case $1 in
        "{"*"}") ;;
        *) show; fail "the last line of stdout is not a JSON object: $1" ;;
    esac
    if printf '%s\n' "$1" | grep -q '}[[:space:]]*,*[[:space:]]*{'; then
        show
        fail "the last line of stdout holds more than one JSON object: $1"
    fi
}

require_keys() {
    line=$1
    shift
    for key in "$@"; do
        printf '%s\n' "$line" | grep -q "\"$key\": *[^ ,}]" ||
            fail "key \"$key\" missing from the JSON line: $line"
    done
}

is_number() {
    printf '%s\n' "$1" | grep -Eq '^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$'
}

is_count() {
    printf '%s\n' "$1" | grep -Eq '^[0-9]+$'
}

# The JSON line with the run-time measurements taken out, for comparisons.
strip_timing() {
    printf '%s\n' "$1" | sed -e 's/"wall_s": *[^,}]*,* *//' -e 's/"steps_per_s": *[^,}]*,* *//'
}

[ -x "$a2c" ] || { echo "cli: FAIL: $a2c is missing or not executable (run make first)" >&2; exit 1; }

# ---- 1. --help, --version, no arguments ----

check "--help exits 0 and mentions train and eval"
run_ok --help
grep -q 'train' "$tmp/out" || { show; fail "--help does not mention 'train' on stdout"; }
grep -q 'eval' "$tmp/out" || { show; fail "--help does not mention 'eval' on stdout"; }

check "--version prints the version"
run_ok --version
want=""
header=$here/../include/a2c/a2c.h
if [ -r "$header" ]; then
    want=$(awk '/^#define A2C_VERSION_(MAJOR|MINOR|PATCH) / { v = v (v == "" ? "" : ".") $3 }
                END { print v }' "$header")
fi
[ "$(lines "$tmp/out")" -eq 1 ] || { show; fail "--version printed $(lines "$tmp/out") lines, expected 1"; }
if [ -n "$want" ]; then
    case $(cat "$tmp/out") in
        "a2c "*" $want") ;;
        *) show; fail "--version does not end with version $want (from $header)" ;;
    esac
else
    grep -Eq '^a2c .*[0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || { show; fail "--version prints no x.y.z version"; }
fi

check "no arguments exits nonzero with a message on stderr"
run
if [ "$status" -eq 0 ] || [ "$status" -gt 125 ]; then show; fail "exit status $status, expected 1..125"; fi
[ -s "$tmp/err" ] || { show; fail "nothing on stderr"; }

# ---- 2. errors ----

printf 'this is not an a2c model\n\000\001\002\377\376garbage garbage garbage\n' >"$tmp/garbage.a2c"
: >"$tmp/empty.a2c"

expect_error "bad flag" train --env "$ENV" --bogus 1
expect_error "unknown env" train --env NoSuchEnv-v0
expect_error "missing --env" train --timesteps 100
expect_error "flag without its value (train)" train --env "$ENV" --seed
expect_error "flag without its value (eval)" eval --env "$ENV" --model
expect_error "bad value --gamma 2" train --env "$ENV" --gamma 2
expect_error "bad value --n-envs 0" train --env "$ENV" --n-envs 0
expect_error "bad value --timesteps abc" train --env "$ENV" --timesteps abc
expect_error "bad value --activation sigmoid" train --env "$ENV" --activation sigmoid
expect_error "bad value --learning-rate foo" train --env "$ENV" --learning-rate foo
expect_error "bad value --episodes 0 (eval)" eval --model "$tmp/garbage.a2c" --env "$ENV" --episodes 0
expect_error "unknown command" frobnicate --env "$ENV"
expect_error "eval: missing model file" eval --model "$tmp/no-such-model.a2c" --env "$ENV"
expect_error "eval: garbage model file" eval --model "$tmp/garbage.a2c" --env "$ENV"
expect_error "eval: empty model file" eval --model "$tmp/empty.a2c" --env "$ENV"
expect_error "eval: missing --model" eval --env "$ENV"
expect_error "unwritable --log" train --env "$ENV" --timesteps 400 --log "$tmp/no/such/dir/log.csv"
# --save is checked before training: one line on stderr, no progress lines
expect_error "--save in a missing directory" train --env "$ENV" --timesteps 400 \
    --eval-episodes 0 --save "$tmp/no/such/dir/model.a2c"
grep -qF "directory '$tmp/no/such/dir' does not exist" "$tmp/err" ||
    { show; fail "the message does not name the missing directory"; }
mkdir "$tmp/a-dir"
expect_error "--save to an existing directory" train --env "$ENV" --timesteps 400 \
    --eval-episodes 0 --save "$tmp/a-dir"
grep -qF "'$tmp/a-dir' is a directory" "$tmp/err" ||
    { show; fail "the message does not say that '$tmp/a-dir' is a directory"; }
[ ! -e "$tmp/a-dir.tmp" ] || fail "$tmp/a-dir.tmp was left behind"
expect_error "--save with an empty name" train --env "$ENV" --timesteps 400 --eval-episodes 0 \
    --save ""
expect_error "--resume from a missing file" train --env "$ENV" --timesteps 400 \
    --resume "$tmp/no-such-checkpoint.a2c"

# ---- 3. train --json ----

train3="train --env $ENV --timesteps 20000 --seed 3 --eval-episodes 5 --json"

check "train --json exits 0"
# shellcheck disable=SC2086
run_ok $train3
cp "$tmp/err" "$tmp/progress.txt"
json3=$(json_line)

check "train --json: stdout is exactly one line"
[ "$(lines "$tmp/out")" -eq 1 ] || { show; fail "stdout has $(lines "$tmp/out") lines, expected 1"; }

check "train --json: the last line is one JSON object"
require_json_object "$json3"

check "train --json: all keys present"
require_keys "$json3" env seed timesteps wall_s steps_per_s first_solved_timestep \
    eval_mean eval_std eval_episodes

check "train --json: values"
[ "$(json_value env "$json3")" = "\"$ENV\"" ] || fail "\"env\" is not \"$ENV\": $json3"
[ "$(json_value seed "$json3")" = 3 ] || fail "\"seed\" is not 3: $json3"
[ "$(json_value eval_episodes "$json3")" = 5 ] || fail "\"eval_episodes\" is not 5: $json3"
ts=$(json_value timesteps "$json3")
is_count "$ts" || fail "\"timesteps\" is not a count: $json3"
[ "$ts" -ge 20000 ] || fail "\"timesteps\" is $ts, expected at least 20000: $json3"
for key in wall_s steps_per_s eval_mean eval_std; do
    is_number "$(json_value "$key" "$json3")" || fail "\"$key\" is not a number: $json3"
done
fst=$(json_value first_solved_timestep "$json3")
[ "$fst" = null ] || is_count "$fst" || fail "\"first_solved_timestep\" is neither null nor a count: $json3"

# ---- 4. determinism ----

check "determinism: the timing fields can be removed"
a=$(strip_timing "$json3")
case $a in
    *wall_s* | *steps_per_s*) fail "sed left a timing field in: $a" ;;
esac

check "determinism: the same command twice gives the same JSON"
# shellcheck disable=SC2086
run_ok $train3
b=$(strip_timing "$(json_line)")
[ "$a" = "$b" ] || fail "the two runs differ:
  $a
  $b"

check "determinism: --threads 1 gives the same JSON"
# shellcheck disable=SC2086
run_ok $train3 --threads 1
b=$(strip_timing "$(json_line)")
[ "$a" = "$b" ] || fail "--threads 1 differs:
  $a
  $b"

check "determinism: --threads 3 gives the same JSON"
# shellcheck disable=SC2086
run_ok $train3 --threads 3
b=$(strip_timing "$(json_line)")
[ "$a" = "$b" ] || fail "--threads 3 differs:
  $a
  $b"

check "determinism: another --seed gives a different result"
run_ok train --env "$ENV" --timesteps 20000 --seed 4 --eval-episodes 5 --json
c=$(strip_timing "$(json_line)")
[ "$(json_value seed "$c")" = 4 ] || fail "\"seed\" is not 4: $c"
# compare without the seed itself, so the results proper must differ
a_noseed=$(printf '%s\n' "$a" | sed 's/"seed": *[^,}]*//')
c_noseed=$(printf '%s\n' "$c" | sed 's/"seed": *[^,}]*//')
[ "$a_noseed" != "$c_noseed" ] || fail "seeds 3 and 4 give the same results: $c"

# ---- 5. progress lines when stderr is not a terminal ----

check "progress: periodic plain lines on stderr"
n=$(grep -c 'timesteps[ :=]*[0-9]' "$tmp/progress.txt" || true)
[ "$n" -ge 3 ] || { cat "$tmp/progress.txt" >&2; fail "$n periodic 'timesteps N' lines on stderr, expected at least 3"; }
# their step counts increase
sed -n 's/.*timesteps[ :=]*\([0-9][0-9]*\).*/\1/p' "$tmp/progress.txt" |
    awk 'NR > 1 && $1 <= prev { bad = 1 } { prev = $1 } END { exit bad }' ||
    { cat "$tmp/progress.txt" >&2; fail "the progress lines' step counts do not increase"; }

check "progress: no carriage returns or escape sequences"
if grep -q "$CR" "$tmp/progress.txt"; then fail "stderr holds a carriage return"; fi
if grep -q "$ESC" "$tmp/progress.txt"; then fail "stderr holds an escape character"; fi

# ---- 6. --save and eval ----

model=$tmp/model.a2c
check "train --save writes a file"
run_ok train --env "$ENV" --timesteps 20000 --seed 3 --eval-episodes 0 --save "$model" \
    --log "$tmp/log.csv"
[ -s "$model" ] || { show; fail "no model written to $model"; }

check "eval --json exits 0 with one JSON line"
run_ok eval --model "$model" --env "$ENV" --episodes 3 --json
[ "$(lines "$tmp/out")" -eq 1 ] || { show; fail "stdout has $(lines "$tmp/out") lines, expected 1"; }
je=$(json_line)
require_json_object "$je"

check "eval --json: values"
require_keys "$je" eval_mean eval_episodes
is_number "$(json_value eval_mean "$je")" || fail "\"eval_mean\" is not a number: $je"
[ "$(json_value eval_episodes "$je")" = 3 ] || fail "\"eval_episodes\" is not 3: $je"

check "eval without --json prints one human line"
run_ok eval --model "$model" --env "$ENV" --episodes 3
[ "$(lines "$tmp/out")" -eq 1 ] || { show; fail "stdout has $(lines "$tmp/out") lines, expected 1"; }
case $(cat "$tmp/out") in
    "{"*) show; fail "stdout is JSON without --json" ;;
    *[0-9]*) ;;
    *) show; fail "stdout holds no number" ;;
esac

# A normalised agent (Acrobot, the zoo's settings: normalize on, 16 envs)
# saved by train and played by eval: the statistics travel in the file, so
# eval reproduces train's final evaluation to the last digit when it plays
# the same episodes on as many envs.
check "eval reproduces train's final evaluation of a normalised Acrobot agent"
run_ok train --env Acrobot-v1 -n 100000 --seed 2 --save "$tmp/acrobot.a2c" --json
train_eval=$(json_value eval_mean "$(json_line)")
run_ok eval --model "$tmp/acrobot.a2c" --env Acrobot-v1 --seed 2 --n-envs 16 --json
[ "$(json_value eval_mean "$(json_line)")" = "$train_eval" ] ||
    { show; fail "eval gives $(json_value eval_mean "$(json_line)"), train gave $train_eval"; }
run_ok eval --model "$tmp/acrobot.a2c" --env Acrobot-v1 --seed 2 --n-envs 16 --stochastic --json
[ "$(json_value eval_mean "$(json_line)")" != "$train_eval" ] ||
    fail "sampled actions gave the greedy mean: the comparison above cannot fail"

# damaged copies of a real checkpoint
size=$(wc -c <"$model")
dd if="$model" of="$tmp/truncated.a2c" bs=$((size / 2)) count=1 2>/dev/null
cp "$model" "$tmp/flipped.a2c"
printf 'Z' | dd of="$tmp/flipped.a2c" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
if cmp -s "$model" "$tmp/flipped.a2c"; then
    printf 'Y' | dd of="$tmp/flipped.a2c" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
fi
expect_error "eval: truncated model file" eval --model "$tmp/truncated.a2c" --env "$ENV"
expect_error "eval: model file with a changed byte" eval --model "$tmp/flipped.a2c" --env "$ENV"
expect_error "--resume from a truncated checkpoint" train --env "$ENV" --timesteps 400 \
    --resume "$tmp/truncated.a2c"

# ---- 7. --log ----

check "--log: header"
log=$tmp/log.csv
[ -s "$log" ] || fail "no log written to $log"
header=$(head -n 1 "$log")
for col in timesteps mean_return; do
    printf '%s\n' "$header" | tr ',' '\n' | grep -qx "$col" || fail "no '$col' column in the header: $header"
done

check "--log: 500 data rows of the header's width"
rows=$(awk 'NR > 1' "$log" | wc -l | tr -d ' ')
[ "$rows" -eq 500 ] || fail "$rows data rows, expected 500 (20000 steps / (8 envs x 5 steps))"
awk -F, 'NR == 1 { w = NF } NF != w { print "line " NR " has " NF " fields, the header " w; bad = 1 }
         END { exit bad }' "$log" >&2 || fail "ragged CSV rows"

check "--log: the last row is at timestep 20000"
last=$(tail -n 1 "$log" | cut -d, -f1)
[ "$last" = 20000 ] || fail "the last row's first field is '$last', expected 20000"

# ---- 8. --resume ----

ckpt=$tmp/ckpt.a2c
check "--resume: the first part trains and saves"
run_ok train --env "$ENV" --timesteps 8000 --seed 3 --eval-episodes 0 --save "$ckpt"
[ -s "$ckpt" ] || { show; fail "no checkpoint written to $ckpt"; }

check "--resume: continues to 16000 timesteps"
run_ok train --env "$ENV" --resume "$ckpt" --timesteps 16000 --seed 3 --eval-episodes 2 \
    --json --log "$tmp/resume.csv"
jr=$(json_line)
require_json_object "$jr"
[ "$(json_value timesteps "$jr")" = 16000 ] || fail "\"timesteps\" is not 16000: $jr"

check "--resume: the count continues from the checkpoint"
first=$(sed -n '2p' "$tmp/resume.csv" | cut -d, -f1)
is_count "$first" || fail "no data row in the resumed run's log"
if [ "$first" -le 8000 ] || [ "$first" -gt 8040 ]; then
    fail "the resumed run's first update is at timestep $first, expected 8040"
fi
rows=$(awk 'NR > 1' "$tmp/resume.csv" | wc -l | tr -d ' ')
[ "$rows" -eq 200 ] || fail "the resumed run made $rows updates, expected 200 (8000 steps / 40)"

# ---- 9. SB3-style hyperparameter flags ----

check "hyperparameter flags with SB3 value syntax"
run_ok train --env "$ENV" --timesteps 20000 --eval-episodes 1 --learning-rate lin_7e-4 \
    --net-arch 32,32 --activation relu --normalize-advantage 1 --use-rms-prop 0 --json
require_json_object "$(json_line)"

check "--net-arch dict(pi=[..],vf=[..])"
run_ok train --env "$ENV" --timesteps 2000 --eval-episodes 1 --net-arch 'dict(pi=[32],vf=[16,16])' \
    --gamma 0.98 --gae-lambda 0.9 --ent-coef 0.01 --vf-coef 0.4 --max-grad-norm 0.7 \
    --rms-prop-eps 1e-4 --n-steps 8 --n-envs 4 --learning-rate 1e-3 --json
require_json_object "$(json_line)"

# ---- 10. flags derived from the library's parameter table ----

# The parameters as the public header declares them: A2C_PARAM_<NAME>,
# whose SB3 name is <name> and whose flag is --<name> with '-' for '_'.
check "the header's parameter table can be read"
api_header=$here/../include/a2c/a2c.h
[ -r "$api_header" ] || fail "cannot read $api_header"
params=$(sed -n '/^typedef enum a2c_param {/,/} a2c_param;/p' "$api_header" |
    sed -n 's/^ *A2C_PARAM_\([A-Z0-9_]*\) *= *[0-9].*/\1/p' | tr '[:upper:]' '[:lower:]')
n_params=$(printf '%s\n' "$params" | grep -c . || true)
[ "$n_params" -ge 24 ] || fail "found $n_params parameters in $api_header, expected at least 24"

check "train --help lists every parameter of the header, once"
run_ok train --help
listed=$(awk '/^hyperparameters/ { on = 1; next } on && /^$/ { on = 0 } on && /^  --/' "$tmp/out")
n_listed=$(printf '%s\n' "$listed" | grep -c . || true)
[ "$n_listed" -eq "$n_params" ] ||
    { show; fail "$n_listed flags listed, the header has $n_params parameters"; }
for name in $params; do
    flag=--$(printf '%s' "$name" | tr _ -)
    printf '%s\n' "$listed" | grep -q -- "^  $flag .* $name " ||
        { show; fail "no line for $flag with SB3 name $name"; }
done

check "train --help: types and defaults from the library"
for want in "--gamma X .* gamma .* float \[0, 1\] .* 0\.99\$" \
    "--rms-prop-alpha X .* rms_prop_alpha .* 0\.99\$" "--adam-eps X .* adam_eps .* 1e-05\$" \
    "--n-steps N .* n_steps .* int .* 5\$" "--use-rms-prop BOOL .* bool .* True\$" \
    "--value-loss mse|huber .* value_loss .* mse\$"; do
    printf '%s\n' "$listed" | grep -q -- "^  $want" || { show; fail "no line matching '$want'"; }
done

check "a2c --help also lists the parameters"
run_ok --help
grep -q -- '^  --huber-delta ' "$tmp/out" ||
    { show; fail "a2c --help does not list --huber-delta"; }

# A flag reaches the trainer if the run's results change with it.
short="train --env $ENV --timesteps 4000 --seed 3 --eval-episodes 2 --json"
# shellcheck disable=SC2086
run_ok $short
base=$(strip_timing "$(json_line)")
# results_with WHAT FLAGS...: the run's JSON, without timings, in $with.
results_with() {
    check "$1"
    shift
    # shellcheck disable=SC2086
    run_ok $short "$@"
    with=$(strip_timing "$(json_line)")
    require_json_object "$with"
}
must_differ() {
    [ "$with" != "$2" ] || fail "the results are the same as with $1: $with"
}

results_with "--rms-prop-alpha (not a hand-written flag) reaches the trainer" --rms-prop-alpha 0.9
must_differ "the default rms_prop_alpha" "$base"
results_with "--value-loss huber reaches the trainer" --value-loss huber
must_differ "the default value_loss" "$base"
huber=$with
results_with "--huber-delta reaches the trainer" --value-loss huber --huber-delta 2
must_differ "huber_delta 1" "$huber"
results_with "--use-rms-prop 0 reaches the trainer" --use-rms-prop 0
must_differ "RMSprop" "$base"
adam=$with
results_with "--adam-eps reaches the trainer" --use-rms-prop 0 --adam-eps 1e-3
must_differ "the default adam_eps" "$adam"

results_with "--gamma 0.98 reaches the trainer" --gamma 0.98
must_differ "the default gamma" "$base"
gamma=$with
results_with "--gamma=0.98 is --gamma 0.98" --gamma=0.98
[ "$with" = "$gamma" ] || fail "--gamma=0.98 and --gamma 0.98 differ: $with / $gamma"

results_with "--activation relu reaches the trainer" --activation relu
must_differ "tanh" "$base"
relu=$with
results_with "--activation-fn=relu is --activation relu" --activation-fn=relu
[ "$with" = "$relu" ] || fail "--activation-fn=relu and --activation relu differ: $with / $relu"

results_with "--n-envs=4 is --n-envs 4" --n-envs=4
must_differ "8 envs" "$base"
grep -q ' 4 envs,' "$tmp/err" || { show; fail "stderr does not report 4 envs"; }

results_with "--seed=7 sets the seed" --seed=7
[ "$(json_value seed "$with")" = 7 ] || fail "\"seed\" is not 7: $with"

results_with "--n-threads 1 is --threads 1" --n-threads 1
[ "$with" = "$base" ] || fail "one thread changed the results: $with / $base"
grep -q ', 1 thread$' "$tmp/err" || { show; fail "stderr does not report 1 thread"; }

results_with "--n-timesteps=2000 is --timesteps 2000" --n-timesteps=2000
[ "$(json_value timesteps "$with")" = 2000 ] || fail "\"timesteps\" is not 2000: $with"

check "eval --flag=value"
run_ok eval --model="$model" --env="$ENV" --episodes=3 --json
[ "$(json_line)" = "$je" ] || { show; fail "differs from the --flag value form: $je"; }

# expect_message WHAT TEXT ARGS...: an error (as expect_error) whose line
# contains TEXT.
expect_message() {
    what=$1
    text=$2
    shift 2
    expect_error "$what" "$@"
    grep -qF -- "$text" "$tmp/err" || { show; fail "the message does not contain \"$text\""; }
}
expect_message "unknown flag" "unknown option '--bogus'" train --env "$ENV" --bogus 1
expect_message "unknown flag with =value" "unknown option '--bogus'" train --env "$ENV" --bogus=1
expect_message "unknown flag without a value" "unknown option '--bogus'" train --env "$ENV" --bogus
expect_message "underscore spelling is unknown" "unknown option '--learning_rate'" \
    train --env "$ENV" --learning_rate 1e-3
expect_message "unknown eval flag" "unknown option '--gamma'" eval --model "$model" --gamma 1
expect_message "flag that takes no value" "--json" train --env "$ENV" --json=1
expect_message "bad value names the flag (--gamma)" "'2' for --gamma" train --env "$ENV" --gamma 2
expect_message "bad value names the flag (--gamma=)" "'2' for --gamma" train --env "$ENV" --gamma=2
expect_message "bad value names the flag (--rms-prop-alpha)" "'1.5' for --rms-prop-alpha" \
    train --env "$ENV" --rms-prop-alpha 1.5
expect_message "bad value names the flag (--value-loss)" "'l1' for --value-loss" \
    train --env "$ENV" --value-loss l1
expect_message "bad value names the flag (--huber-delta)" "'0' for --huber-delta" \
    train --env "$ENV" --huber-delta 0
expect_message "bad value names the flag (--n-threads)" "--n-threads must be between 1 and 256" \
    train --env "$ENV" --n-threads 257
expect_message "bad value names the flag (--n-envs=)" "--n-envs must be between" \
    train --env "$ENV" --n-envs=0


# ---- 11. --help anywhere, short flags, accurate errors ----

check "train --help after an unknown flag still prints the help"
run_ok train --env "$ENV" --bogus --help
grep -q '^usage: a2c train' "$tmp/out" || { show; fail "no train usage line on stdout"; }

check "train -h in the middle prints the help"
run_ok train --seed -h --timesteps 10
grep -q '^usage: a2c train' "$tmp/out" || { show; fail "no train usage line on stdout"; }
grep -q -- '--hyperparams' "$tmp/out" || { show; fail "train --help lacks --hyperparams"; }

check "eval --help after other flags prints eval's help"
run_ok eval --model "$tmp/no-such-model.a2c" --episodes 0 --help
grep -q '^usage: a2c eval' "$tmp/out" || { show; fail "no eval usage line on stdout"; }

expect_message "--help=x" "--help takes no value" train --env "$ENV" --help=1
expect_message "unknown short flag" "unknown option '-x'" train --env "$ENV" -x
expect_message "unknown flag in last position" "unknown option '--bogus'" \
    train --env "$ENV" --seed 3 --bogus
expect_message "a flag is not a value" "--seed needs a value" train --env "$ENV" --seed -n 5
expect_message "-n without its value" "-n needs a value" train --env "$ENV" -n
expect_message "--algo other than a2c" "only a2c" train --env "$ENV" --algo ppo

results_with "-n 2000 is --timesteps 2000" -n 2000
[ "$(json_value timesteps "$with")" = 2000 ] || fail "\"timesteps\" is not 2000: $with"
n2000=$with
results_with "-n=2000 and --algo a2c" -n=2000 --algo a2c
[ "$with" = "$n2000" ] || fail "-n=2000 --algo a2c differs from -n 2000: $with / $n2000"

# ---- 12. --hyperparams, --normalize, --policy-kwargs ----

results_with "--hyperparams gamma:0.98 n_envs:4" --hyperparams gamma:0.98 n_envs:4
must_differ "the defaults" "$base"
hp=$with
results_with "(the same as --gamma 0.98 --n-envs 4)" --gamma 0.98 --n-envs 4
[ "$with" = "$hp" ] || fail "--hyperparams and the flags differ: $hp / $with"
results_with "--hyperparams= and -params, applied in order with the flags" \
    --gamma 0.5 --hyperparams=gamma:0.7 n_envs:4 -params gamma:0.98
[ "$with" = "$hp" ] || fail "the last gamma did not win: $with / $hp"
results_with "--hyperparams n_timesteps and seed" --hyperparams n_timesteps:2000 seed:7
[ "$(json_value timesteps "$with")" = 2000 ] || fail "\"timesteps\" is not 2000: $with"
[ "$(json_value seed "$with")" = 7 ] || fail "\"seed\" is not 7: $with"

results_with "--normalize reaches the trainer" --normalize True
must_differ "no normalisation" "$base"
norm=$with
results_with "--hyperparams normalize:True is --normalize True" --hyperparams normalize:True
[ "$with" = "$norm" ] || fail "differs from --normalize True: $with / $norm"
results_with "a value holding ': ' and quotes in --hyperparams" \
    --hyperparams "normalize:\"{'norm_obs': True, 'norm_reward': False}\""
must_differ "--normalize True" "$norm"
obsnorm=$with
results_with "(the same as --normalize)" --normalize "{'norm_obs': True, 'norm_reward': False}"
[ "$with" = "$obsnorm" ] || fail "--hyperparams and --normalize differ: $obsnorm / $with"
results_with "--policy-kwargs reaches the trainer" --policy-kwargs "dict(ortho_init=False)"
must_differ "ortho_init" "$base"
pk=$with
results_with "policy_kwargs:\"dict(...)\" in --hyperparams" \
    --hyperparams 'policy_kwargs:"dict(ortho_init=False)"'
[ "$with" = "$pk" ] || fail "differs from --policy-kwargs: $with / $pk"
results_with "(the same as --ortho-init False)" --ortho-init False
[ "$with" = "$pk" ] || fail "differs from --policy-kwargs: $with / $pk"

expect_message "--hyperparams without a pair" "--hyperparams needs at least one name:value" \
    train --env "$ENV" --hyperparams --seed 3
expect_message "--hyperparams without ':'" "expects name:value, not 'gamma'" \
    train --env "$ENV" --hyperparams gamma
expect_message "--hyperparams with a bad value" "'2' for gamma in --hyperparams" \
    train --env "$ENV" --hyperparams gamma:2
expect_message "--hyperparams with an unknown name" "unknown setting 'bogus' in --hyperparams" \
    train --env "$ENV" --hyperparams bogus:1
expect_message "--hyperparams with a zoo-only key" "'frame_stack' in --hyperparams" \
    train --env "$ENV" --hyperparams frame_stack:4
expect_message "--hyperparams with another policy" "liba2c has only MlpPolicy" \
    train --env "$ENV" --hyperparams policy:CnnPolicy

# ---- 13. -conf: rl-baselines3-zoo's YAML files ----

# The zoo's own hyperparams/a2c.yml has entries this reader does not
# follow (a nested list, an anchor, merge keys); they must not get in the
# way of its CartPole-v1 entry, which equals the built-in preset.
zoo=$tmp/a2c.yml
{
    echo 'atari:'
    echo '  env_wrapper:'
    echo '    - stable_baselines3.common.atari_wrappers.AtariWrapper'
    echo '  frame_stack: 4'
    echo "  policy: 'CnnPolicy'"
    echo '  n_timesteps: !!float 1e7'
    echo '  policy_kwargs: "dict(optimizer_class=RMSpropTFLike, optimizer_kwargs=dict(eps=1e-5))"'
    echo ''
    echo 'CartPole-v1:'
    echo '  n_envs: 8'
    echo '  n_timesteps: !!float 5e5'
    echo "  policy: 'MlpPolicy'"
    echo '  ent_coef: 0.0'
    echo ''
    echo '# Tuned'
    echo 'HalfCheetahBulletEnv-v0: &pybullet-defaults'
    echo '  env_wrapper: sb3_contrib.common.wrappers.TimeFeatureWrapper'
    echo '  normalize: true'
    echo '  learning_rate: lin_0.00096   # Both work'
    echo ''
    echo 'AntBulletEnv-v0:'
    echo '  <<: *pybullet-defaults'
} >"$zoo"
results_with "-conf with the zoo's CartPole-v1 entry is the preset" -conf "$zoo"
[ "$with" = "$base" ] || fail "differs from the built-in preset: $with / $base"

conf=$tmp/conf.yml
{
    echo '---'
    echo '# a comment'
    echo 'CartPole-v1:   # another'
    echo '    n_envs: 4'
    echo "    'gamma': \"0.98\""
    echo '    policy: MlpPolicy'
    echo '    normalize_advantage: no'
    echo 'Acrobot-v1:'
    echo '  n_envs: 2'
} >"$conf"
results_with "--conf-file=: quotes, a YAML boolean, a document marker" --conf-file="$conf"
[ "$with" = "$hp" ] || fail "differs from --gamma 0.98 --n-envs 4: $with / $hp"
printf 'CartPole-v1:\n  gamma: 0.5\n  n_timesteps: 2000\n' >"$conf"
results_with "-conf replaces the preset, and the flags win over it" -conf "$conf" --gamma 0.98 \
    -n 4000
grep -q ' 1 envs,' "$tmp/err" || { show; fail "stderr does not report 1 env (the preset stayed)"; }
[ "$(json_value timesteps "$with")" = 4000 ] || fail "\"timesteps\" is not 4000: $with"

sed 's/^CartPole-v1:/NotThisOne-v0:/' "$zoo" >"$tmp/zoo2.yml"
expect_message "-conf without the env's entry lists its ids" \
    "no entry for $ENV (it has: atari, NotThisOne-v0, HalfCheetahBulletEnv-v0, AntBulletEnv-v0)" \
    train --env "$ENV" -conf "$tmp/zoo2.yml"
sed 's/^CartPole-v1:/Other-v0:/; s/^atari:/CartPole-v1:/' "$zoo" >"$tmp/zoo2.yml"
expect_message "-conf: a zoo key liba2c lacks, with its line" "'env_wrapper' at $tmp/zoo2.yml:2" \
    train --env "$ENV" -conf "$tmp/zoo2.yml"
printf 'CartPole-v1:\n  n_envs: 4\n  frame_stack: 4\n' >"$conf"
expect_message "-conf: frame_stack, with its line" "'frame_stack' at $conf:3" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1:\n  policy: CnnPolicy\n' >"$conf"
expect_message "-conf: another policy" "policy 'CnnPolicy' at $conf:2: liba2c has only MlpPolicy" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1:\n  n_envs: 4\n  gamma: "0.98\n' >"$conf"
expect_message "-conf: a syntax error gives file:line" "$conf:3: unterminated" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1:\n  gamma: 2\n' >"$conf"
expect_message "-conf: a bad value names the key and line" "'2' for gamma at $conf:2" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1:\n  net_arch:\n    - 64\n' >"$conf"
expect_message "-conf: nested YAML in the entry used" "$conf:2: 'net_arch': nested" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1: &defaults\n  gamma: 0.9\n' >"$conf"
expect_message "-conf: an anchor on the entry used" "$conf:1: 'CartPole-v1': YAML anchors" \
    train --env "$ENV" -conf "$conf"
printf 'CartPole-v1:\n\tgamma: 0.9\n' >"$conf"
expect_message "-conf: a tab in the indentation" "$conf:2: a tab" train --env "$ENV" -conf "$conf"
expect_message "-conf: a missing file" "cannot read -conf file '$tmp/none.yml'" \
    train --env "$ENV" -conf "$tmp/none.yml"

# ---- 14. --eval-freq ----

# csv_parses FILE: every row has the header's number of fields, and every
# field is a number (nan included), except kind, which is update or eval.
csv_parses() {
    awk -F, 'NR == 1 { w = NF; for (i = 1; i <= NF; i++) name[i] = $i; next }
             NF != w { print "line " NR ": " NF " fields, the header " w; bad = 1; next }
             { for (i = 1; i <= NF; i++) {
                   if (name[i] == "kind") ok = $i == "update" || $i == "eval"
                   else ok = $i ~ /^-?([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|nan|inf)$/
                   if (!ok) { print "line " NR ", " name[i] ": \"" $i "\""; bad = 1 }
             } }
             END { if (NR < 2) { print "no data rows"; bad = 1 }; exit bad }' "$1" >&2
}

check "--eval-freq: evaluations logged and printed; training unchanged"
run_ok train --env "$ENV" --timesteps 20000 --seed 3 --eval-episodes 5 --json \
    --eval-freq 5000 --log "$tmp/eval.csv"
[ "$(strip_timing "$(json_line)")" = "$(strip_timing "$json3")" ] ||
    fail "the run differs from the same run without --eval-freq"
[ "$(grep -c '^eval: timesteps [0-9]*, 5 greedy episodes: ' "$tmp/err")" -eq 4 ] ||
    { show; fail "expected 4 'eval:' lines on stderr"; }
head -n 1 "$tmp/eval.csv" | grep -q ',elapsed_seconds,kind,return_std$' ||
    fail "the header does not end with kind,return_std: $(head -n 1 "$tmp/eval.csv")"
csv_parses "$tmp/eval.csv" || fail "the --eval-freq log does not parse"
evals=$(awk -F, '$15 == "eval" { printf "%s ", $1 }' "$tmp/eval.csv")
[ "$evals" = "5000 10000 15000 20000 " ] || fail "eval rows at '$evals', expected 5000 ... 20000"
[ "$(awk -F, '$15 == "update"' "$tmp/eval.csv" | wc -l | tr -d ' ')" -eq 500 ] ||
    fail "expected 500 update rows"

check "--eval-freq: 5 episodes by default, every N steps counted over all envs"
run_ok train --env "$ENV" --timesteps 4000 --eval-freq 1000 --n-envs 4
[ "$(grep -c '^eval: timesteps [0-9]*000, 5 greedy episodes: ' "$tmp/err")" -eq 4 ] ||
    { show; fail "expected 4 'eval:' lines of 5 episodes on stderr"; }
run_ok train --env "$ENV" --timesteps 4000 --eval-freq -1 --save-freq 0
if grep -q '^eval:' "$tmp/err"; then show; fail "--eval-freq -1 evaluated"; fi

check "without --eval-freq the log keeps its 14 columns"
[ "$(head -n 1 "$tmp/log.csv" | awk -F, '{ print NF }')" -eq 14 ] || fail "the header changed"
expect_message "--eval-freq with --eval-episodes 0" "--eval-episodes of at least 1" \
    train --env "$ENV" --eval-freq 1000 --eval-episodes 0

# ---- 15. --save-freq ----

check "--save-freq: rolling checkpoints FILE.<timesteps>, the newest 3 kept"
run_ok train --env "$ENV" --timesteps 20000 --seed 3 --eval-episodes 0 --save "$tmp/roll.a2c" \
    --save-freq 3000
kept=$(cd "$tmp" && ls roll.a2c.* | sort -t. -k3 -n | tr '\n' ' ')
[ "$kept" = "roll.a2c.12000 roll.a2c.15000 roll.a2c.18000 " ] ||
    fail "kept '$kept', expected roll.a2c.12000, .15000 and .18000"
run_ok eval --model "$tmp/roll.a2c.15000" --env "$ENV" --episodes 2
expect_message "--save-freq without --save" "--save-freq needs --save" \
    train --env "$ENV" --save-freq 1000

# ---- 18. --log-dir, the health monitor, the divergence guard ----

# progress_parses FILE: SB3's progress.csv as --log-dir writes it: every row
# has the header's number of fields, each a number, "nan" or empty, except
# the text columns (the health conditions' names, the guard's event).
progress_parses() {
    awk -F, 'NR == 1 { w = NF; for (i = 1; i <= NF; i++) name[i] = $i; next }
             NF != w { print "line " NR ": " NF " fields, the header " w; bad = 1; next }
             { for (i = 1; i <= NF; i++) {
                   if (name[i] == "health/conditions") ok = $i ~ /^[a-z_ ]*$/
                   else if (name[i] == "guard/event") ok = $i ~ /^[a-z_]*$/
                   else ok = $i ~ /^(-?([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|nan|inf))?$/
                   if (!ok) { print "line " NR ", " name[i] ": \"" $i "\""; bad = 1 }
             } }
             END { if (NR < 2) { print "no data rows"; bad = 1 }; exit bad }' "$1" >&2
}

check "--log-dir: progress.csv (SB3's names), monitor.csv (SB3's Monitor), config.yml"
run_ok train --env "$ENV" --timesteps 20000 --seed 3 --eval-episodes 5 --json \
    --eval-freq 5000 --log-dir "$tmp/run"
jd=$(json_line)
[ "$(strip_timing "$jd")" = "$(strip_timing "$json3")" ] ||
    fail "the run differs from the same run without --log-dir"
progress_parses "$tmp/run/progress.csv" || fail "progress.csv does not parse"
header=$(head -n 1 "$tmp/run/progress.csv")
for col in time/total_timesteps time/iterations rollout/ep_rew_mean train/value_loss \
    train/entropy_loss train/explained_variance train/approx_kl health/conditions \
    guard/rollbacks eval/mean_reward; do
    printf '%s\n' "$header" | tr ',' '\n' | grep -qx "$col" || fail "no '$col' column"
done
# an evaluation's row fills eval/*, an update's train/* (columns 33, 10)
evals=$(awk -F, 'NR > 1 && $33 != "" && $10 == "" { printf "%s ", $1 }' "$tmp/run/progress.csv")
[ "$evals" = "5000 10000 15000 20000 " ] || fail "eval rows at '$evals', expected 5000 ... 20000"
[ "$(awk -F, 'NR > 1 && $33 == "" && $10 != ""' "$tmp/run/progress.csv" | wc -l | tr -d ' ')" \
    -eq 500 ] || fail "progress.csv has not 500 update rows"
head -n 1 "$tmp/run/monitor.csv" |
    grep -q '^#{"t_start": [0-9.]*, "env_id": "CartPole-v1"}$' ||
    fail "monitor.csv's first line: $(head -n 1 "$tmp/run/monitor.csv")"
[ "$(sed -n 2p "$tmp/run/monitor.csv")" = "r,l,t" ] || fail "monitor.csv has no r,l,t header"
episodes=$(json_value episodes "$jd")
[ "$(awk 'NR > 2' "$tmp/run/monitor.csv" | wc -l | tr -d ' ')" -eq "$episodes" ] ||
    fail "monitor.csv does not have one row per episode ($episodes)"
# CartPole's return is its length; t never decreases
awk -F, 'NR > 2 && ($1 + 0 != $2 + 0 || $3 + 0 < t) { bad = 1 } NR > 2 { t = $3 + 0 }
         END { exit bad }' "$tmp/run/monitor.csv" || fail "a monitor.csv row is wrong"
for key in "env_id: CartPole-v1" "seed: 3" "n_timesteps: 20000" "n_envs: 8" \
    "learning_rate: 0.0007" "activation_fn: tanh" "net_arch: [64, 64]" "max_rollbacks: 0"; do
    grep -qxF "$key" "$tmp/run/config.yml" || fail "config.yml lacks '$key'"
done
grep -q '^health: no condition raised$' "$tmp/err" || { show; fail "no health summary"; }
[ "$(json_value rollbacks "$jd")" = 0 ] || fail "\"rollbacks\" is not 0: $jd"
: >"$tmp/plainfile"
expect_message "--log-dir under a file" "cannot make the directory" \
    train --env "$ENV" --timesteps 400 --log-dir "$tmp/plainfile/run"

expect_message "--log-dir empty" "--log-dir is empty" train --env "$ENV" --timesteps 400 --log-dir=

check "--log-dir makes missing parent directories"
run_ok train --env "$ENV" --timesteps 400 --eval-episodes 0 --log-dir "$tmp/runs/a/b"
[ -s "$tmp/runs/a/b/progress.csv" ] || fail "no progress.csv in $tmp/runs/a/b"

check "health: vf_coef 0 raises critic_not_learning, on stderr and in the log"
run_ok train --env "$ENV" --timesteps 20000 --vf-coef 0 --eval-episodes 0 --json \
    --log-dir "$tmp/vf0"
grep -q '^health: critic_not_learning at timestep [0-9]* (update [0-9]*): ' "$tmp/err" ||
    { show; fail "critic_not_learning was not reported"; }
grep -q '^  remedies: check vf_coef' "$tmp/err" || { show; fail "no remedies printed"; }
[ "$(grep -c '^health: critic_not_learning at' "$tmp/err")" -eq 1 ] ||
    fail "the condition was printed more than once"
grep -q 'critic_not_learning' "$tmp/vf0/progress.csv" || fail "the log has no condition"
json_line | grep -q '"conditions": {"critic_not_learning": [0-9]*' ||
    fail "the JSON does not list the condition: $(json_line)"

check "guard: learning rate 1.0 with --max-rollbacks 30 rolls back, logs, recovers"
run_ok train --env "$ENV" --timesteps 40000 --learning-rate 1.0 --max-rollbacks 30 \
    --eval-episodes 0 --json --log-dir "$tmp/lr1" --save "$tmp/lr1.a2c"
jl=$(json_line)
n=$(json_value rollbacks "$jl")
[ "$n" -ge 3 ] || { show; fail "\"rollbacks\" is '$n', expected at least 3"; }
[ "$(grep -c '^guard: rollback [0-9]* at timestep [0-9]* (loss_jump)' "$tmp/err")" -eq "$n" ] ||
    { show; fail "not every rollback was printed"; }
[ "$(awk -F, 'NR > 1 && $32 == "loss_jump"' "$tmp/lr1/progress.csv" | wc -l | tr -d ' ')" \
    -eq "$n" ] || fail "the log does not show each rollback"
progress_parses "$tmp/lr1/progress.csv" || fail "the log of the guarded run does not parse"
run_ok eval --model "$tmp/lr1.a2c" --env "$ENV" --episodes 2

check "guard: exhausted, the run fails with the last good parameters saved"
run train --env "$ENV" --timesteps 40000 --learning-rate 1.0 --max-rollbacks 2 \
    --eval-episodes 0 --save "$tmp/lr1x.a2c" --log-dir "$tmp/lr1x"
[ "$status" -eq 2 ] || { show; fail "exit status $status, expected 2"; }
grep -q "training diverged; the last good parameters are saved in $tmp/lr1x.a2c" "$tmp/err" ||
    { show; fail "the saved checkpoint is not mentioned"; }
grep -q '^a2c: training failed: .*after [0-9]* updates and 2 rollbacks' "$tmp/err" ||
    { show; fail "the failure does not say why"; }
[ "$(awk -F, 'NR > 1 && $32 == "loss_jump"' "$tmp/lr1x/progress.csv" | wc -l | tr -d ' ')" \
    -eq 2 ] || fail "the log does not show the 2 rollbacks"
run_ok eval --model "$tmp/lr1x.a2c" --env "$ENV" --episodes 2

# ---- 16. --resume: refusals, explanations, exact continuation ----

expect_message "--resume to a target below the checkpoint's" "it holds 8000 already" \
    train --env "$ENV" --resume "$ckpt" --timesteps 6000
expect_message "--resume to the checkpoint's own count" "it holds 8000 already" \
    train --env "$ENV" --resume "$ckpt" -n 8000
expect_message "--resume from a net checkpoint" "is a net checkpoint (no optimizer state)" \
    train --env "$ENV" --resume "$here/fixtures/v0.1/net.a2c" -n 16000
expect_message "--resume with --ortho-init" "--ortho-init only shapes a new network" \
    train --env "$ENV" --resume "$ckpt" -n 16000 --ortho-init False
expect_message "--resume with another architecture names the flag" "given: --net-arch" \
    train --env "$ENV" --resume "$ckpt" -n 16000 --net-arch 32

check "--resume: says what it applies; reports this run apart from the total"
run_ok train --env "$ENV" --resume "$ckpt" --timesteps 16000 --seed 5 --gamma 0.98 \
    --eval-episodes 0
grep -q 'resuming from .* at timestep 8000.* --gamma' "$tmp/err" ||
    { show; fail "stderr does not say that --gamma is applied"; }
grep -q 'seed 5 only seeds the evaluations' "$tmp/err" ||
    { show; fail "stderr does not say what --seed does"; }
grep -q '^trained 8000 timesteps (8000 to 16000) in ' "$tmp/out" ||
    { show; fail "the summary does not report this run's 8000 steps apart from the total"; }

check "--resume is exact: 50000 + 50000 steps are one 100000-step run, bit for bit"
for norm in False True; do
    one="train --env $ENV --eval-episodes 0 --normalize $norm"
    # shellcheck disable=SC2086
    run_ok $one -n 100000 --save "$tmp/whole.a2c"
    # shellcheck disable=SC2086
    run_ok $one -n 50000 --save "$tmp/half.a2c"
    # shellcheck disable=SC2086
    run_ok $one -n 100000 --resume "$tmp/half.a2c" --save "$tmp/resumed.a2c"
    cmp -s "$tmp/whole.a2c" "$tmp/resumed.a2c" ||
        fail "with --normalize $norm, the resumed run's checkpoint differs from the whole run's"
done

check "--resume is exact with a linear schedule, from a --save-freq checkpoint"
lin="train --env $ENV --eval-episodes 0 --learning-rate lin_7e-4 -n 100000"
# shellcheck disable=SC2086
run_ok $lin --save "$tmp/lin.a2c" --save-freq 50000
# shellcheck disable=SC2086
run_ok $lin --resume "$tmp/lin.a2c.50000" --save "$tmp/lin-resumed.a2c"
cmp -s "$tmp/lin.a2c" "$tmp/lin-resumed.a2c" ||
    fail "resuming the 50000-step checkpoint with the same -n does not give the same agent"

# ---- 17. SIGINT and SIGTERM ----

# Background jobs of a non-interactive shell start with SIGINT ignored, and
# a2c (like Python) leaves an ignored SIGINT ignored, so the runs that must
# see it get the default disposition back first.
if env --default-signal=INT true 2>/dev/null; then
    sigint_by=env
elif command -v perl >/dev/null 2>&1; then
    sigint_by=perl
else
    sigint_by=""
fi
with_sigint() {
    if [ "$sigint_by" = env ]; then exec env --default-signal=INT "$@"; fi
    exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!\n"' "$@"
}

# wait_for WHAT SECONDS COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; after SECONDS, kills the run and fails the check.
wait_for() {
    what=$1
    tries=$(($2 * 10))
    shift 2
    while ! "$@"; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            kill -s KILL "$pid" 2>/dev/null || true
            cat "$tmp/err" >&2
            fail "timed out waiting for $what"
        fi
        sleep 0.1
    done
}
has_rows() { [ -f "$1" ] && [ "$(lines "$1")" -ge "$2" ]; }
has_exited() { ! kill -0 "$pid" 2>/dev/null; }
said() { grep -q "$1" "$tmp/err"; }

# stop_with SIGNAL: sends it and waits (20 s at most) for the run to end;
# its exit status in $status.
stop_with() {
    kill -s "$1" "$pid" 2>/dev/null || true
    wait_for "the run to end after SIG$1" 20 has_exited
    status=0
    wait "$pid" || status=$?
    pid=""
}

if [ -n "$sigint_by" ]; then
    check "SIGINT stops training, saves, logs whole rows and exits 130"
    (with_sigint "$a2c" train --env "$ENV" -n 5000000 --save "$tmp/int.a2c" --log "$tmp/int.csv" \
        --log-dir "$tmp/intdir" --json) </dev/null >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    last_args="train --env $ENV -n 5000000 --save int.a2c --log int.csv --json, then SIGINT"
    wait_for "log rows" 20 has_rows "$tmp/int.csv" 4
    stop_with INT
    [ "$status" -eq 130 ] || { show; fail "exit status $status, expected 130"; }
    grep -q '^interrupted by SIGINT at timestep [0-9]* of 5000000' "$tmp/err" ||
        { show; fail "the summary does not say the run was interrupted"; }
    ji=$(json_line)
    require_json_object "$ji"
    ti=$(json_value timesteps "$ji")
    [ "$ti" -lt 5000000 ] || fail "the run was not stopped early: $ji"
    [ "$(json_value eval_mean "$ji")" = null ] || fail "an interrupted run was evaluated: $ji"
    csv_parses "$tmp/int.csv" || fail "a row of the interrupted run's log does not parse"
    [ "$(tail -n 1 "$tmp/int.csv" | cut -d, -f1)" = "$ti" ] ||
        fail "the log's last row is not the last update's (timestep $ti)"
    progress_parses "$tmp/intdir/progress.csv" || fail "the interrupted run's progress.csv"
    [ "$(tail -n 1 "$tmp/intdir/progress.csv" | cut -d, -f1)" = "$ti" ] ||
        fail "progress.csv's last row is not the last update's (timestep $ti)"
    awk -F, 'NR > 2 && (NF != 3 || $2 !~ /^[0-9]+$/) { bad = 1 } END { exit bad }' \
        "$tmp/intdir/monitor.csv" || fail "the interrupted run's monitor.csv has a partial row"
    run_ok eval --model "$tmp/int.a2c" --env "$ENV" --episodes 2
    run_ok train --env "$ENV" --resume "$tmp/int.a2c" -n $((ti + 400)) --eval-episodes 0

    check "a second SIGINT quits at once"
    # the first arrives during a long evaluation (a million episodes); the
    # second must end the process there: no summary, no checkpoint, and
    # only whole rows in the log
    (with_sigint "$a2c" train --env "$ENV" -n 5000000 --eval-freq 40 --eval-episodes 1000000 \
        --log "$tmp/int2.csv" --save "$tmp/int2.a2c") </dev/null >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    last_args="train ... --eval-freq 40 --eval-episodes 1000000, then SIGINT twice"
    wait_for "the training to start" 20 said '^training A2C'
    sleep 0.5
    kill -s INT "$pid" 2>/dev/null || true
    wait_for "the first SIGINT's note" 10 said 'stopping after the current update'
    sleep 0.2
    stop_with INT
    if [ -s "$tmp/out" ] || said 'interrupted by'; then
        show
        fail "the run ended normally after a second SIGINT"
    fi
    [ ! -e "$tmp/int2.a2c" ] || fail "a checkpoint was written after a second SIGINT"
    csv_parses "$tmp/int2.csv" || fail "the log of a killed run has a partial row"

    check "SIGTERM exits 143; a SIGINT ignored from the start stays ignored"
    # no with_sigint: SIGINT is ignored, as for any background job
    "$a2c" train --env "$ENV" -n 5000000 --log "$tmp/term.csv" --json </dev/null \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    last_args="train --env $ENV -n 5000000 --log term.csv --json, then SIGINT and SIGTERM"
    wait_for "log rows" 20 has_rows "$tmp/term.csv" 4
    kill -s INT "$pid" 2>/dev/null || true
    sleep 0.3
    kill -0 "$pid" 2>/dev/null || { show; fail "a SIGINT ignored from the start stopped the run"; }
    stop_with TERM
    [ "$status" -eq 143 ] || { show; fail "exit status $status after SIGTERM, expected 143"; }
    grep -q '^interrupted by SIGTERM' "$tmp/err" ||
        { show; fail "the summary does not say SIGTERM interrupted the run"; }
    csv_parses "$tmp/term.csv" || fail "a row of the SIGTERM run's log does not parse"
else
    echo "cli: neither 'env --default-signal' nor perl: the signal checks are skipped" >&2
fi

echo "cli: $checks checks passed"
