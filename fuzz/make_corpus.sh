#!/bin/sh
# Regenerates the seed corpora of the fuzz targets, fuzz/corpus/<target>/:
#
#   sh fuzz/make_corpus.sh
#
# from the top of the tree.  The checkpoint seeds are written by the
# current build (fuzz/make_seeds.c, linked against a static library built
# in build/fuzz/seeds) plus 0.1.0's two files, tests/fixtures/v0.1; the
# text and command-line seeds are written here.  Every seed file is
# rewritten; any other file in those folders is left alone.
set -eu
cd "$(dirname "$0")/.."

lib=build/fuzz/seeds
make --no-print-directory BUILD="$lib" static
cc -std=c11 -O1 -Iinclude -o "$lib/make_seeds" fuzz/make_seeds.c "$lib/liba2c.a" -lm

net=fuzz/corpus/fuzz_net_load
trainer=fuzz/corpus/fuzz_trainer_load
config=fuzz/corpus/fuzz_config_text
cli=fuzz/corpus/fuzz_cli_flags
mkdir -p "$net" "$trainer" "$config" "$cli"

# ---- checkpoints ----

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
"$lib/make_seeds" "$seeds"
# net_load reads both kinds; trainer_load is given the trainers and one
# net, which it must refuse
cp "$seeds"/net-* "$seeds"/trainer-* "$net/"
cp "$seeds"/trainer-* "$seeds/net-8" "$trainer/"
for dir in "$net" "$trainer"; do
    cp tests/fixtures/v0.1/net.a2c "$dir/v01-net"
    cp tests/fixtures/v0.1/trainer.a2c "$dir/v01-trainer"
done

# ---- hyperparameters as text: name=value, or name NUL value ----

# seed NAME TEXT: writes TEXT (printf format, so \0 is a NUL) to NAME
seed() {
    # shellcheck disable=SC2059
    printf -- "$2" >"$config/$1"
}
seed learning_rate 'learning_rate=7e-4'
seed learning_rate-lin 'learning_rate=lin_7e-4'
seed n_steps 'n_steps=5'
seed gamma 'gamma=0.99'
seed gae_lambda 'gae_lambda=0.95'
seed ent_coef 'ent_coef=0.0'
seed vf_coef 'vf_coef=0.5'
seed max_grad_norm 'max_grad_norm=0.5'
seed rms_prop_eps 'rms_prop_eps=1e-5'
seed use_rms_prop 'use_rms_prop=True'
seed normalize_advantage 'normalize_advantage=False'
seed activation_fn 'activation_fn=nn.ReLU'
seed activation_fn-tanh 'activation_fn=tanh'
seed ortho_init 'ortho_init=1'
seed seed 'seed=9223372036854775807'
seed n_envs 'n_envs=8'
seed lr_schedule 'lr_schedule=linear'
seed rms_prop_alpha 'rms_prop_alpha=0.99'
seed adam_beta1 'adam_beta1=0.9'
seed adam_beta2 'adam_beta2=0.999'
seed adam_eps 'adam_eps=1e-8'
seed value_loss 'value_loss=huber'
seed huber_delta 'huber_delta=1.0'
seed shared_trunk 'shared_trunk=true'
seed max_batch 'max_batch=0'
seed n_threads 'n_threads=2'
seed net_arch 'net_arch=64,64'
seed net_arch-list 'net_arch=[64, 64]'
seed net_arch-dict 'net_arch=dict(pi=[64], vf=[32])'
seed net_arch-empty 'net_arch=[]'
seed nul-separator 'gamma\0000.98'
seed normalize 'normalize=True'
seed normalize-dict "normalize={'norm_obs': True, 'norm_reward': False}"
seed normalize-call 'normalize=dict(norm_reward=False, clip_obs=5.0)'
seed policy_kwargs 'policy_kwargs=dict(log_std_init=-2, ortho_init=False, net_arch=[64, 64])'
seed ent_coef-lin 'ent_coef=lin_0.01'
seed sde_sample_freq 'sde_sample_freq=-1'

# ---- a2c train command lines: argv[2..], NUL between arguments ----

# args NAME ARG...: writes the arguments to NAME, NUL-separated
args() {
    out=$cli/$1
    shift
    printf '%s' "$1" >"$out"
    shift
    for arg in "$@"; do printf '\0%s' "$arg"; done >>"$out"
}
args basic --env CartPole-v1 --seed 3
args help --help
args joined --env=CartPole-v1 --gamma=0.98 --n-envs=4 --threads=1
args sb3 --env CartPole-v1 --learning-rate lin_7e-4 --net-arch 'dict(pi=[32],vf=[16,16])' \
    --activation relu --normalize-advantage 1 --use-rms-prop 0
args files --env CartPole-v1 --timesteps 5e5 --save agent.a2c --resume half.a2c \
    --log train.csv --eval-episodes 0 --json
args every-param --env CartPole-v1 --learning-rate 1e-3 --n-steps 8 --gamma 0.98 \
    --gae-lambda 0.9 --ent-coef 0.01 --vf-coef 0.4 --max-grad-norm 0.7 --rms-prop-eps 1e-4 \
    --use-rms-prop True --normalize-advantage False --activation-fn nn.Tanh --ortho-init 0 \
    --seed 18446744073709551615 --n-envs 2 --lr-schedule linear --rms-prop-alpha 0.9 \
    --adam-beta1 0.8 --adam-beta2 0.99 --adam-eps 1e-7 --value-loss huber --huber-delta 2 \
    --shared-trunk True --max-batch 64 --n-threads 1 --n-timesteps 1000
args bad-value --env CartPole-v1 --gamma 2
args unknown --env CartPole-v1 --bogus 1
args zoo --algo a2c --env Acrobot-v1 -n 1e5 --hyperparams learning_rate:0.001 n_steps:8 \
    'policy_kwargs:dict(ortho_init=False)' normalize:True --eval-freq 10000 \
    --eval-episodes 5 --save-freq 20000 --save agent.a2c

# -conf files: an input starting with '#' is the YAML text, then the
# arguments after the first NUL (fuzz/fuzz_cli_flags.c)
conf() {
    out=$cli/$1
    shift
    printf '%s' "$1" >"$out"
    shift
    for arg in "$@"; do printf '\0%s' "$arg"; done >>"$out"
}
conf conf-small '# one entry
CartPole-v1:
  n_envs: 8
  n_timesteps: !!float 5e5
  policy: '"'"'MlpPolicy'"'"'
  ent_coef: 0.0
' --env CartPole-v1
conf conf-zoo '# the zoo'"'"'s rows for the built-ins
MountainCar-v0:
  normalize: true
  n_envs: 16
  n_timesteps: !!float 1e6
  policy: '"'"'MlpPolicy'"'"'
  ent_coef: .0

Pendulum-v1:
  normalize: True
  n_envs: 8
  n_timesteps: !!float 1e6
  policy: '"'"'MlpPolicy'"'"'
  learning_rate: lin_7e-4
  use_sde: True
  policy_kwargs: "dict(log_std_init=-2, ortho_init=False)"
' --env MountainCar-v0 --hyperparams n_steps:8

echo "fuzz corpora: $(find fuzz/corpus -type f | wc -l) files, $(du -sk fuzz/corpus | cut -f1) KiB"
