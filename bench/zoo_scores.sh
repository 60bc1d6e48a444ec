#!/bin/sh
# Learning results against rl-baselines3-zoo's: `a2c train --env ID --seed S`
# with no other flag (the zoo's settings and budget, then 100 greedy
# evaluation episodes), for each environment and seed, then the median of
# the seeds' evaluations beside the zoo's published score.
#
#   sh bench/zoo_scores.sh                    Acrobot-v1 and MountainCar-v0, seeds 0-4
#   SEEDS="0 1 2" sh bench/zoo_scores.sh CartPole-v1
#   A2C=path/to/a2c sh bench/zoo_scores.sh    another build of the command
#
# Prints one line per run (evaluation mean +/- std, training wall time),
# then a Markdown table row per environment for docs/zoo-results.md.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
a2c=${A2C:-$here/build/bin/a2c}
seeds=${SEEDS:-0 1 2 3 4}
[ $# -gt 0 ] || set -- Acrobot-v1 MountainCar-v0
[ -x "$a2c" ] || { echo "zoo_scores: build first (make), or set A2C" >&2; exit 2; }

# rl-baselines3-zoo's published A2C scores (benchmark.md), for the table
zoo_score() {
    case $1 in
    CartPole-v1) echo "500.000" ;;
    Acrobot-v1) echo "-83.353" ;;
    MountainCar-v0) echo "-111.263" ;;
    Pendulum-v1) echo "-162.965" ;;
    MountainCarContinuous-v0) echo "91.166" ;;
    *) echo "?" ;;
    esac
}

field() { # field NAME JSON -> the value of a flat JSON field
    printf '%s\n' "$2" | sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p"
}

rows=""
for env in "$@"; do
    means=""
    walls=""
    for s in $seeds; do
        json=$("$a2c" train --env "$env" --seed "$s" --json 2>/dev/null)
        mean=$(field eval_mean "$json")
        std=$(field eval_std "$json")
        wall=$(field wall_s "$json")
        steps=$(field timesteps "$json")
        printf '%s seed %s: %s steps, greedy %s +/- %s, trained in %s s\n' \
            "$env" "$s" "$steps" "$mean" "$std" "$wall"
        means="$means $mean"
        walls="$walls $wall"
    done
    median=$(printf '%s\n' $means | sort -g | awk '{v[NR]=$1} END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    wall_med=$(printf '%s\n' $walls | sort -g | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}')
    list=$(printf '%s\n' $means | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
    rows="$rows| $env | $list | $median | $(zoo_score "$env") | $wall_med s |
"
done
printf '\n| env | greedy mean per seed (%s) | median | zoo | median wall time |\n' \
    "$(echo $seeds | tr ' ' ',')"
printf '|---|---|---|---|---|\n%s' "$rows"
