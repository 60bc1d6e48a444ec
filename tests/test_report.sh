#!/bin/sh
# Checks a2c report: its errors, the pages it writes, and (when Chromium
# and chromedriver are installed) that a real browser draws every figure.
#
#   sh tests/test_report.sh build/bin/a2c
#
# The runs come from a2c train --log-dir when the command has that flag
# (five CartPole seeds of 20000 steps), otherwise from the synthetic
# generator tests/report_sample.sh; hand-written runs cover the awkward
# cases (one row, all-equal values, 1e30, NaN and Inf cells, negative
# returns, columns in another order, unknown and missing columns).  Every
# error must be one "a2c: " line on stderr, exit status 2, nothing on
# stdout, and no file left at (or beside) the -o path.  Pages must hold the
# seven figures, reference nothing outside themselves, and stay under 2 MB
# for long runs.  The browser part runs tests/browser_check.py on three
# pages; without Chromium it is skipped with a message, unless
# REQUIRE_BROWSER=1.  Screenshots go to REPORT_SCREENSHOTS (a directory)
# when set.  Prints "report: N checks passed" on success.
set -eu

a2c=${1:?usage: sh tests/test_report.sh PATH/TO/a2c}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

checks=0
current=""
FIGURES="returns losses explained_variance grad_norms learning_rate entropy health"

check() {
    current=$1
    checks=$((checks + 1))
}

fail() {
    echo "report: FAIL [$current]: $*" >&2
    [ ! -s "$tmp/err" ] || { echo "--- stderr:" >&2; cat "$tmp/err" >&2; }
    exit 1
}

# Runs a2c report with the arguments; sets $status.
report() {
    status=0
    "$a2c" report "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
}

# The arguments must fail with one "a2c: " line containing $1, and leave
# $tmp/out.html as it was (absent, or holding "old").
expect_error() {
    want=$1
    shift
    report "$@"
    [ "$status" -eq 2 ] || fail "exit status $status, expected 2"
    [ ! -s "$tmp/out" ] || fail "printed on stdout: $(cat "$tmp/out")"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one line on stderr"
    grep -q "^a2c: .*$want" "$tmp/err" || fail "stderr lacks '$want': $(cat "$tmp/err")"
    if [ -e "$tmp/out.html" ] && [ "$(cat "$tmp/out.html")" != old ]; then
        fail "out.html was written"
    fi
    ! ls "$tmp" | grep -q '\.tmp' || fail "a temporary file was left behind"
}

# ---- the runs ----

check "sample runs"
if "$a2c" train --help 2>/dev/null | grep -q -- --log-dir; then
    source="a2c train --log-dir"
    mkdir -p "$tmp/runs"
    for seed in 0 1 2 3 4; do
        "$a2c" train --env CartPole-v1 -n 20000 --seed "$seed" --log-dir "$tmp/runs/s$seed" \
            >/dev/null 2>"$tmp/err" || fail "a2c train --log-dir failed"
        [ -s "$tmp/runs/s$seed/progress.csv" ] || fail "train wrote no progress.csv"
    done
else
    source="synthetic (a2c train has no --log-dir yet)"
    for seed in 0 1 2 3 4; do
        sh "$here/report_sample.sh" "$tmp/runs/s$seed" "$seed" 200000
    done
fi
sh "$here/report_sample.sh" "$tmp/guard" 1 100000 guard
sh "$here/report_sample.sh" "$tmp/pendulum" 2 100000 pendulum

# Hand-written runs for the edge cases.
mkdir -p "$tmp/edge/one" "$tmp/edge/odd" "$tmp/nocsv" "$tmp/badmon"
# Prints its arguments as one CSV line.
csv_line() {
    (IFS=,; echo "$*")
}
{
    csv_line time/total_timesteps rollout/ep_rew_mean train/policy_loss train/value_loss \
        train/entropy_loss train/explained_variance train/grad_norm train/learning_rate \
        health/entropy_fraction health/conditions
    echo 40,nan,0.5,3.25,-0.69,0.1,1.5,0.0007,0.99,entropy_collapsed
} >"$tmp/edge/one/progress.csv"
cat >"$tmp/edge/one/monitor.csv" <<'EOF'
#{"t_start": 1764480000.123456, "env_id": "CartPole-v1"}
r,l,t
23.0,23,0.012345
EOF
# columns shuffled, an unknown one, optional ones missing; all-equal,
# huge, NaN, Inf and negative values; a quoted cell; an unknown condition
{
    csv_line train/value_loss my/extra time/total_timesteps rollout/ep_rew_mean \
        train/policy_loss train/entropy_loss train/explained_variance train/grad_norm \
        health/actor_grad_norm train/learning_rate health/conditions guard/event \
        guard/rollbacks guard/lr_scale eval/mean_reward eval/std_reward
    cat <<'EOF'
1e30,7,100,-1500,-0.5,-1.2,-3,2,1e-3,0.001,"saturated_units my_new_condition",,0,1,,
1e29,7,200,-1450,nan,-1.2,-2,inf,1e-4,0.001,saturated_units,,0,1,,
5e28,7,300,nan,-0.25,-1.2,-1,3,,0.001,,loss_jump,1,0.5,,
,,300,,,,,,,,,,,,-1400,30
4e28,7,400,-1300,-0.5,-1.2,0.5,4,1e-3,0.001,,,1,0.5,,
EOF
} >"$tmp/edge/odd/progress.csv"
printf 'a,b,c\n1,2,3\n' >"$tmp/nocsv/progress.csv"
cp "$tmp/edge/one/progress.csv" "$tmp/badmon/progress.csv"
printf 'this is not a monitor file\n' >"$tmp/badmon/monitor.csv"
: >"$tmp/empty.csv"
printf 'time/total_timesteps\n1\0\n' >"$tmp/binary.csv"

# ---- errors ----

check "no -o"
expect_error "-o FILE is required" "$tmp/runs/s0"
check "no run"
expect_error "no run given" -o "$tmp/out.html"
check "missing run"
expect_error "run '$tmp/nope' does not exist" "$tmp/nope" -o "$tmp/out.html"
check "directory without progress.csv"
expect_error "has no progress.csv" "$tmp/edge" -o "$tmp/out.html"
check "CSV without time/total_timesteps"
expect_error "no time/total_timesteps column" "$tmp/nocsv" -o "$tmp/out.html"
check "empty CSV"
expect_error "is empty" "$tmp/empty.csv" -o "$tmp/out.html"
check "binary file"
expect_error "is not a text file" "$tmp/binary.csv" -o "$tmp/out.html"
check "bad monitor.csv"
expect_error "has no r and l columns" "$tmp/badmon" -o "$tmp/out.html"
check "more labels than runs"
expect_error "2 --label for 1 run" "$tmp/runs/s0" --label a --label b -o "$tmp/out.html"
check "unknown option"
expect_error "unknown option '--colour'" "$tmp/runs/s0" --colour -o "$tmp/out.html"
check "-o in a missing directory"
expect_error "does not exist" "$tmp/runs/s0" -o "$tmp/no/dir/out.html"
check "a bad run among good ones keeps the old page"
echo old >"$tmp/out.html"
expect_error "no time/total_timesteps column" "$tmp/runs/s0" "$tmp/nocsv" -o "$tmp/out.html"
if [ "$(id -u)" -ne 0 ]; then
    check "unreadable file"
    cp "$tmp/runs/s0/progress.csv" "$tmp/locked.csv"
    chmod 000 "$tmp/locked.csv"
    expect_error "cannot read progress file" "$tmp/locked.csv" -o "$tmp/out.html"
fi
rm -f "$tmp/out.html"

check "--help"
report --help
[ "$status" -eq 0 ] && grep -q "usage: a2c report RUN" "$tmp/out" || fail "no usage line"
"$a2c" --help | grep -q "a2c report" || fail "a2c --help does not list report"

# ---- pages ----

# The page must exist, hold every figure once, and reference nothing
# outside itself.
check_page() {
    page=$1
    [ -s "$page" ] || fail "$page not written"
    for figure in $FIGURES; do
        [ "$(grep -c "data-figure=\"$figure\"" "$page")" -eq 1 ] || fail "$page: no $figure"
    done
    ! grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:)?//' "$page" ||
        fail "$page references an external resource"
    ! grep -Eiq '<script[^>]*src|<img|<iframe|@import|url\(' "$page" ||
        fail "$page loads something"
}

check "single run"
report "$tmp/runs/s0" -o "$tmp/single.html"
[ "$status" -eq 0 ] || fail "exit status $status"
check_page "$tmp/single.html"
grep -q 'class="legend"' "$tmp/single.html" && fail "a single run has a legend"

check "five-run overlay"
report "$tmp/runs/s0" "$tmp/runs/s1" "$tmp/runs/s2" "$tmp/runs/s3" "$tmp/runs/s4/progress.csv" \
    --label seed0 --label seed1 --title 'Seeds 0-4 & <more>' -o "$tmp/overlay.html"
[ "$status" -eq 0 ] || fail "exit status $status"
check_page "$tmp/overlay.html"
for label in seed0 seed1 s2 s3 s4; do
    grep -q "class=\"legend\"[^>]*>$label<" "$tmp/overlay.html" || fail "no legend entry $label"
done
grep -q '<h1>Seeds 0-4 &amp; &lt;more&gt;</h1>' "$tmp/overlay.html" || fail "title not escaped"

check "rollbacks, negative returns, no monitor.csv"
report "$tmp/guard" "$tmp/pendulum" -o "$tmp/mixed.html"
[ "$status" -eq 0 ] || fail "exit status $status"
check_page "$tmp/mixed.html"
[ "$(grep -c 'class="rollback"' "$tmp/mixed.html")" -eq 6 ] ||
    fail "expected 2 rollbacks marked in 3 loss panels"
grep -q 'class="differs"' "$tmp/mixed.html" || fail "differing settings not highlighted"

check "edge cases"
report "$tmp/edge/one" "$tmp/edge/odd/progress.csv" -o "$tmp/edge.html"
[ "$status" -eq 0 ] || fail "exit status $status"
check_page "$tmp/edge.html"
grep -q '>my_new_condition<' "$tmp/edge.html" || fail "unknown condition has no lane"
grep -q 'No config.yml' "$tmp/edge.html" || fail "missing config.yml not said"
grep -Eo '(points|d)="[^"]*"' "$tmp/edge.html" | grep -Eiq 'nan|inf' &&
    fail "NaN or Inf reached the SVG coordinates"

check "no health condition"
awk -F, 'BEGIN { OFS = "," }
    NR == 1 { for (k = 1; k <= NF; k++) if ($k == "health/conditions") c = k }
    NR > 1 { $c = "" } { print }' "$tmp/pendulum/progress.csv" >"$tmp/healthy.csv"
report "$tmp/healthy.csv" -o "$tmp/healthy.html"
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q 'no health condition raised' "$tmp/healthy.html" || fail "no 'no health condition' text"

check "long runs stay small"
for seed in 0 1 2; do
    sh "$here/report_sample.sh" "$tmp/long/s$seed" "$seed" 1000000
done
report "$tmp/long/s0" "$tmp/long/s1" "$tmp/long/s2" -o "$tmp/long.html"
[ "$status" -eq 0 ] || fail "exit status $status"
size=$(wc -c <"$tmp/long.html")
[ "$size" -lt 2000000 ] || fail "3 runs of 1M steps made a page of $size bytes"

# ---- in a browser ----

if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ]; then
    shots=${REPORT_SCREENSHOTS:-$tmp}
    mkdir -p "$shots"
    python=$(command -v /usr/bin/python3 || command -v python3)
    for page in single overlay mixed; do
        check "browser: $page"
        # a healthy run's health figure is only the "no health condition
        # raised" text, with nothing drawn
        figures=$FIGURES
        ! grep -q 'no health condition raised' "$tmp/$page.html" ||
            figures=$(echo "$FIGURES" | sed 's/ health//')
        # shellcheck disable=SC2086 # the figure names are words
        "$python" "$here/browser_check.py" "$tmp/$page.html" "$shots/report-$page.png" \
            $figures >"$tmp/out" 2>"$tmp/err" || fail "browser check failed"
    done
    check "browser: edge cases"
    "$python" "$here/browser_check.py" "$tmp/edge.html" "$shots/report-edge.png" \
        returns losses explained_variance grad_norms learning_rate health \
        >"$tmp/out" 2>"$tmp/err" || fail "browser check failed"
    browser="checked in Chromium"
elif [ "${REQUIRE_BROWSER:-0}" = 1 ]; then
    current="browser"
    fail "chromium/chromedriver not installed and REQUIRE_BROWSER=1"
else
    echo "report browser test: skipped (chromium/chromedriver not installed)"
    browser="browser skipped"
fi

echo "report: $checks checks passed (runs: $source; $browser)"
