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

# ---- a2c train command lines: argv[2..], one argument per NUL ----

args() {
    # shellcheck disable=SC2059
    printf -- "$2" >"$cli/$1"
}
args basic '--env\000CartPole-v1\000--seed\0003'
args help '--help'
args joined '--env=CartPole-v1\000--gamma=0.98\000--n-envs=4\000--threads=1'
args sb3 '--env\000CartPole-v1\000--learning-rate\000lin_7e-4\000--net-arch\000dict(pi=[32],vf=[16,16])\000--activation\000relu\000--normalize-advantage\0001\000--use-rms-prop\0000'
args files '--env\000CartPole-v1\000--timesteps\0005e5\000--save\000agent.a2c\000--resume\000half.a2c\000--log\000train.csv\000--eval-episodes\0000\000--json'
args every-param '--env\000CartPole-v1\000--learning-rate\0001e-3\000--n-steps\0008\000--gamma\0000.98\000--gae-lambda\0000.9\000--ent-coef\0000.01\000--vf-coef\0000.4\000--max-grad-norm\0000.7\000--rms-prop-eps\0001e-4\000--use-rms-prop\000True\000--normalize-advantage\000False\000--activation-fn\000nn.Tanh\000--ortho-init\0000\000--seed\00018446744073709551615\000--n-envs\0002\000--lr-schedule\000linear\000--rms-prop-alpha\0000.9\000--adam-beta1\0000.8\000--adam-beta2\0000.99\000--adam-eps\0001e-7\000--value-loss\000huber\000--huber-delta\0002\000--shared-trunk\000True\000--max-batch\00064\000--n-threads\0001\000--n-timesteps\0001000'
args bad-value '--env\000CartPole-v1\000--gamma\0002'
args unknown '--env\000CartPole-v1\000--bogus\0001'

echo "fuzz corpora: $(find fuzz/corpus -type f | wc -l) files, $(du -sk fuzz/corpus | cut -f1) KiB"
