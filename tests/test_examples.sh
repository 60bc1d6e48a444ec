#!/bin/sh
# Runs the example programs as a user would and checks what they print.
#
#   sh tests/test_examples.sh build/examples
#
# custom_env is run twice: briefly, to see every step (train, evaluate, save,
# reload, play) complete; then with its default budget, to see it learn
# (greedy score well above the random policy's).  Both runs take well under
# a second.  Then policy_controller plays a Pendulum-v1 policy that the a2c
# command trained with the zoo's settings (about 2 s), one observation at a
# time, and must allocate nothing while acting; and game_loop trains from its
# own frame loop through the push-style trainer.  Exits nonzero on the first
# failure.
set -eu

dir=${1:?usage: sh tests/test_examples.sh BUILD_DIR/examples}
exe=$dir/custom_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fail() {
    echo "examples: FAIL: $*" >&2
    exit 1
}

# Runs the example with the given arguments into $tmp/out; fails with the
# output shown if its exit status is not the expected one.
run() {
    want=$1
    shift
    got=0
    "$exe" "$@" >"$tmp/out" 2>&1 || got=$?
    if [ "$got" -ne "$want" ]; then
        cat "$tmp/out" >&2
        fail "custom_env $* exited with $got, expected $want"
    fi
}

[ -x "$exe" ] || fail "$exe is missing (run make first)"

# 1. A short run: every step completes and the model file is written.
run 0 --timesteps 2000 --model "$tmp/short.a2c" --quiet
[ -s "$tmp/short.a2c" ] || fail "no model written to $tmp/short.a2c"
for line in '^evaluation over [0-9]* episodes: greedy [-+][0-9.]* ' \
    '^trained: -*[0-9.]* random: -*[0-9.]*$' '^saved to ' '^reloaded ' '^played: '; do
    grep -q "$line" "$tmp/out" || fail "short run: no line matching '$line'"
done

# 2. Failures are reported and give a nonzero exit status.
run 2 --timesteps
run 2 --no-such-option
run 1 --timesteps 100 --model "$tmp/no/such/dir/x.a2c" --quiet
grep -q 'cannot save' "$tmp/out" || fail "an unwritable model path was not reported"

# 3. The default budget learns the game; not --quiet, so the progress lines
#    and the rendering run too.
run 0 --model "$tmp/full.a2c"
scores=$(sed -n 's/^trained: \(-*[0-9.]*\) random: \(-*[0-9.]*\)$/\1 \2/p' "$tmp/out")
[ -n "$scores" ] || fail "no 'trained: X random: Y' line"
trained=${scores% *}
random=${scores#* }
# A uniformly random paddle scores about -0.72 and a perfect one +1.
awk -v t="$trained" -v r="$random" 'BEGIN { exit !(t - r >= 1.0) }' ||
    fail "did not learn: greedy $trained vs random $random"
grep -q '^  timesteps ' "$tmp/out" || fail "no progress lines"
grep -q '^played: caught' "$tmp/out" || fail "the reloaded agent missed the ball"

echo "examples: custom_env trained ($trained vs random $random), saved, reloaded and played"

# 4. game_loop: the push-style trainer driven from a frame loop learns to
#    hover (a perfect drone scores 200 an episode; a random one about 20).
got=0
"$dir/game_loop" --quiet >"$tmp/out" 2>&1 || got=$?
[ "$got" -eq 0 ] || { cat "$tmp/out" >&2; fail "game_loop exited with $got"; }
scores=$(sed -n 's/^trained: \(-*[0-9.]*\) always-thrust: -*[0-9.]* random: \(-*[0-9.]*\)$/\1 \2/p' \
    "$tmp/out")
[ -n "$scores" ] || { cat "$tmp/out" >&2; fail "game_loop: no 'trained: ...' line"; }
awk -v t="${scores% *}" -v r="${scores#* }" 'BEGIN { exit !(t >= 150 && t - r >= 100) }' ||
    fail "game_loop did not learn to hover: $scores"
"$dir/game_loop" --frames 7 --quiet >/dev/null 2>&1 ||
    fail "game_loop --frames 7 (not a whole rollout) failed"
echo "examples: game_loop trained its drones from its own frame loop (greedy ${scores% *})"

# 5. policy_controller: a Pendulum-v1 policy saved by the a2c command (the
#    zoo's settings and budget: gSDE, normalised observations), acted on one
#    observation at a time with no allocation.
a2c=$dir/../bin/a2c
ctl=$dir/policy_controller
[ -x "$a2c" ] || fail "$a2c is missing (run make first)"
[ -x "$ctl" ] || fail "$ctl is missing (run make first)"
"$a2c" train --env Pendulum-v1 --seed 1 --eval-episodes 0 --save "$tmp/pendulum.a2c" \
    >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "a2c train --env Pendulum-v1 failed"; }
got=0
"$ctl" "$tmp/pendulum.a2c" 10 >"$tmp/out" 2>&1 || got=$?
[ "$got" -eq 0 ] || { cat "$tmp/out" >&2; fail "policy_controller exited with $got"; }
grep -q '^allocations: [1-9][0-9]* while loading, 0 while acting$' "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "policy_controller allocated while acting"; }
mean=$(sed -n 's/^mean return \(-*[0-9.]*\) over 10 episodes$/\1/p' "$tmp/out")
[ -n "$mean" ] || { cat "$tmp/out" >&2; fail "no 'mean return' line"; }
# a random torque scores about -1200; the zoo's agent about -160
awk -v m="$mean" 'BEGIN { exit !(m >= -400) }' ||
    fail "the deployed Pendulum policy scored $mean (a trained one scores above -400)"
"$ctl" "$tmp/out" >/dev/null 2>&1 && fail "policy_controller accepted a file that is not a policy"
echo "examples: policy_controller played the CLI's Pendulum-v1 policy: mean return $mean, no allocation while acting"
