#!/usr/bin/python3
"""Stable-Baselines3's A2C on CartPole-v1 with rl-baselines3-zoo's settings,
timed on this machine, for bench/scale.sh's liba2c / SB3 ratio.

A manual benchmark: it needs SB3 and Gymnasium sources, which a clean
clone's CI cannot fetch.  To reproduce (Debian 12, as root):

    apt-get install python3-torch python3-numpy python3-cloudpickle \
        python3-pandas python3-matplotlib libopenblas0-pthread
    D=$(mktemp -d)      # a fresh folder: /tmp is shared on these machines
    git clone --depth 1 --branch v2.4.1 \
        https://github.com/DLR-RM/stable-baselines3 $D/sb3
    git clone --depth 1 --branch v1.0.0 \
        https://github.com/Farama-Foundation/Gymnasium $D/gym
    SB3_SRC=$D/sb3 GYM_SRC=$D/gym /usr/bin/python3 bench/sb3_cartpole.py
    # or, for the whole comparison:
    SB3_SRC=$D/sb3 GYM_SRC=$D/gym make bench-scale

From bare mirrors instead of clones (what was done on the reference
machine; that Gymnasium snapshot lacks some documentation media, so only
the package is extracted):

    mkdir $D/sb3 $D/gym
    git --git-dir=$SB3_MIRROR archive v2.4.1 | tar -x -C $D/sb3
    git --git-dir=$GYM_MIRROR archive v1.0.0 gymnasium | tar -x -C $D/gym

Why these versions: SB3 2.4.1 is the last release that accepts torch 1.13,
Debian 12's python3-torch (2.5 and later want torch >= 2.3), and Gymnasium
1.0.0 is within its range (>= 0.29.1, < 1.1).  Nothing is installed with
pip: both packages are pure Python and are put on sys.path from SB3_SRC
and GYM_SRC.  Gymnasium's optional farama_notifications is not needed.

The settings are the zoo's hyperparams/a2c.yml row for CartPole-v1:
n_envs 8 (make_vec_env, so DummyVecEnv and Monitor), policy MlpPolicy,
ent_coef 0.0, everything else SB3's A2C defaults; device cpu.  Each run
times model.learn(total_timesteps) of a fresh model (building the model
and its environments is not timed, as in bench/scale) after one short
warm-up run, and the script prints the median env steps/s of --runs runs:

    sb3 envs 8 threads 1 median 11300 min 11000 max 11500 timesteps 30000

--threads sets torch.set_num_threads (default: leave torch's default).
"""

import argparse
import os
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timesteps", type=int, default=30000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--quiet", action="store_true", help="no version report")
    args = ap.parse_args()

    for var in ("GYM_SRC", "SB3_SRC"):
        path = os.environ.get(var)
        if path:
            if not os.path.isdir(path):
                sys.exit("sb3_cartpole: %s=%s is not a directory" % (var, path))
            sys.path.insert(0, path)
    if args.threads:
        # OpenBLAS's pthread pool is sized when it is loaded, not by torch.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))

    import gymnasium
    import stable_baselines3
    import torch
    from stable_baselines3 import A2C
    from stable_baselines3.common.env_util import make_vec_env

    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.quiet:
        print("# stable-baselines3 %s (%s), gymnasium %s (%s), torch %s, %d torch threads"
              % (stable_baselines3.__version__, os.path.dirname(stable_baselines3.__file__),
                 gymnasium.__version__, os.path.dirname(gymnasium.__file__),
                 torch.__version__, torch.get_num_threads()))
        sys.stdout.flush()

    def rate(timesteps, seed):
        env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
        model = A2C("MlpPolicy", env, ent_coef=0.0, device="cpu", seed=seed, verbose=0)
        t0 = time.perf_counter()
        model.learn(total_timesteps=timesteps)
        elapsed = time.perf_counter() - t0
        env.close()
        return model.num_timesteps / elapsed

    rate(2000, 1000)  # first calls import and allocate
    rates = sorted(rate(args.timesteps, seed) for seed in range(args.runs))
    print("sb3 envs 8 threads %d median %.0f min %.0f max %.0f timesteps %d"
          % (torch.get_num_threads(), statistics.median(rates), rates[0], rates[-1],
             args.timesteps))


if __name__ == "__main__":
    main()
