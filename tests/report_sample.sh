#!/bin/sh
# Writes a synthetic training run in the layout of a2c train --log-dir
# (progress.csv, monitor.csv, config.yml), for testing a2c report without
# training.  The numbers follow the shapes of a real A2C run: returns that
# climb with noise, a value loss that rises and settles, entropy that
# decays, explained variance that climbs towards 1, evaluation rows every
# 10% of the run, a few health conditions and, with the "guard" variant,
# divergence-guard rollbacks.
#
#   sh tests/report_sample.sh DIR SEED STEPS [cartpole|pendulum|guard]
#
# "pendulum" has negative returns and no monitor.csv.  Deterministic for a
# given SEED.
set -eu

dir=${1:?usage: report_sample.sh DIR SEED STEPS [cartpole|pendulum|guard]}
seed=${2:?seed}
steps=${3:?steps}
kind=${4:-cartpole}
mkdir -p "$dir"

env_id=CartPole-v1
[ "$kind" = pendulum ] && env_id=Pendulum-v1
lr=0.0007
[ "$seed" -ge 3 ] && lr=0.001
cat > "$dir/config.yml" <<EOF
env_id: $env_id
seed: $seed
n_timesteps: $steps
n_envs: 8
liba2c_version: 0.2.0
learning_rate: $lr
n_steps: 5
gamma: 0.99
gae_lambda: 1.0
ent_coef: 0.0
vf_coef: 0.5
max_grad_norm: 0.5
normalize_advantage: False
net_arch: [64, 64]
EOF

awk -v seed="$seed" -v total="$steps" -v kind="$kind" -v lr="$lr" -v dir="$dir" '
function gauss() { return sqrt(-2 * log(rand() + 1e-12)) * cos(6.283185307 * rand()) }
function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v }
function num(v) { return v != v ? "nan" : sprintf("%.8g", v) }
# how far learning has got at progress p (0..1), different per seed
function skill(p) { return 1 / (1 + exp(-(p - 0.35 - 0.05 * (seed % 4)) * 9)) }
function episode_return(p, len) {
    if (kind == "pendulum") return -1400 + 1250 * skill(p) + 120 * gauss()
    return len
}
function episode_length(p) {
    if (kind == "pendulum") return 200
    return int(clamp(18 + 480 * skill(p) + 40 * gauss(), 8, 500))
}
BEGIN {
    srand(seed + 1)
    n_envs = 8; n_steps = 5; per_update = n_envs * n_steps
    updates = int(total / per_update)
    progress = dir "/progress.csv"
    monitor = dir "/monitor.csv"
    print "time/total_timesteps,time/iterations,time/episodes,time/fps,time/time_elapsed," \
        "rollout/ep_rew_mean,rollout/ep_len_mean,train/n_updates,train/learning_rate," \
        "train/policy_loss,train/value_loss,train/entropy_loss,train/loss," \
        "train/explained_variance,train/grad_norm,train/approx_kl,train/entropy," \
        "health/entropy_fraction,health/actor_grad_norm,health/critic_grad_norm," \
        "health/value_loss_ratio,health/return_std,health/advantage_mean," \
        "health/advantage_std,health/actor_saturation,health/critic_saturation," \
        "health/update_ratio,health/conditions,guard/rollbacks,guard/lr_scale,guard/event," \
        "eval/mean_reward,eval/std_reward,eval/mean_ep_length" > progress
    if (kind != "pendulum") {
        print "#{\"t_start\": 1764480000.123456, \"env_id\": \"CartPole-v1\"}" > monitor
        print "r,l,t" > monitor
    }
    for (e = 0; e < n_envs; e++) { left[e] = episode_length(0); run_len[e] = 0; ep_ret[e] = 0 }
    episodes = 0; rollbacks = 0; lr_scale = 1; fps = 2400 + 300 * rand()
    eval_every = int(updates / 10); if (eval_every < 1) eval_every = 1
    for (u = 1; u <= updates; u++) {
        t = u * per_update; p = t / total; elapsed = t / fps
        for (e = 0; e < n_envs; e++) {
            left[e] -= n_steps; run_len[e] += n_steps
            if (left[e] <= 0) {
                len = run_len[e]; ret = episode_return(p, len)
                hist[episodes % 100] = ret; lens[episodes % 100] = len; episodes++
                if (kind != "pendulum") printf "%.1f,%d,%.6f\n", ret, len, elapsed > monitor
                left[e] = episode_length(p); run_len[e] = 0
            }
        }
        n = episodes < 100 ? episodes : 100; rew = 0; elen = 0
        for (k = 0; k < n; k++) { rew += hist[k]; elen += lens[k] }
        rew_mean = n ? rew / n : "nan"; len_mean = n ? elen / n : "nan"
        ent_frac = clamp(1 - 0.7 * skill(p) + 0.03 * gauss(), 0.01, 1)
        entropy = 0.6931 * ent_frac
        value_loss = (kind == "pendulum" ? 4000 : 40) * (0.2 + skill(p) * (1 - p)) * \
            exp(0.6 * gauss())
        policy_loss = 0.4 * gauss() * (1 + 3 * skill(p) * (1 - p))
        ev = clamp(-0.6 + 1.5 * skill(p) + 0.12 * gauss(), -3, 0.999)
        actor = exp(log(0.8) + 0.5 * gauss()); critic = exp(log(20 * (1 - 0.6 * p)) + 0.6 * gauss())
        grad = sqrt(actor * actor + critic * critic)
        conditions = ""
        if (p < 0.08) conditions = "critic_not_learning"
        if (seed % 2 == 0 && p > 0.8) conditions = conditions (conditions ? " " : "") \
            "entropy_collapsed"
        if (seed % 3 == 1 && p > 0.5 && p < 0.53) conditions = conditions (conditions ? " " : "") \
            "value_loss_exploding"
        event = ""
        if (kind == "guard" && (u == int(updates * 0.3) || u == int(updates * 0.62))) {
            event = u == int(updates * 0.3) ? "loss_jump" : "nonfinite_loss"
            rollbacks++; lr_scale /= 2
        }
        printf "%d,%d,%d,%d,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s," \
            "%s,%s,%s,%s,%d,%s,%s,,,\n", \
            t, u, episodes, fps, num(elapsed), num(rew_mean), num(len_mean), u, \
            num(lr * lr_scale), num(policy_loss), num(value_loss), num(-entropy), \
            num(policy_loss + 0.5 * value_loss), num(ev), num(grad), \
            num(0.001 * exp(gauss())), num(entropy), num(ent_frac), num(actor), num(critic), \
            num(1 + 0.2 * gauss()), num(5 + 60 * skill(p)), num(0.1 * gauss()), \
            num(3 + 10 * skill(p)), num(0.02 * rand()), num(0.05 * rand()), \
            num(0.001 * exp(0.3 * gauss())), conditions, rollbacks, num(lr_scale), event \
            > progress
        if (u % eval_every == 0) {
            len = episode_length(p); r = episode_return(p, len)
            printf "%d,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,%s,%s,%s\n", t, num(r), \
                num(kind == "pendulum" ? 80 : 0.1 * r * rand()), num(len) > progress
        }
    }
}'
