#!/usr/bin/python3
"""A plain-PyTorch A2C update loop: the yardstick for bench/scale.

    /usr/bin/python3 bench/torch_loop.py --envs 8,64,256 --width 64,256 \
        --threads 1,2 [--runs 5] [--seconds 0.5]

It does the numeric work of one liba2c (or SB3) A2C update with
rl-baselines3-zoo's CartPole-v1 settings, for CartPole's shapes (4
observations, 2 actions), with no environment and no Stable-Baselines3:

  - n_steps (5) collection forwards of n_envs rows under torch.no_grad():
    actor logits, a Categorical sample and its log-probability, the
    critic's value.  The environment's step is replaced by the next rows
    of a precomputed tensor of random observations, reward 1, no episode
    ends;
  - the critic's value of the last observations, then the returns and
    advantages of GAE(gamma 0.99, lambda 1) for all envs at once (one
    small matrix product: without episode ends, GAE is a fixed linear map
    of the TD errors);
  - one forward pass over the n_steps * n_envs batch, SB3's A2C loss
    (policy -(adv * logp).mean(), value MSE times vf_coef, entropy times
    ent_coef), backward, clip_grad_norm_(0.5), RMSprop(lr 7e-4, alpha 0.99,
    eps 1e-5).

The networks are SB3's MlpPolicy with net_arch [W, W] for pi and vf:
separate actor and critic trunks of two tanh layers, then a linear action
head and a linear value head.  vf_coef is SB3's default 0.5 and ent_coef
0.0, as the zoo's CartPole row sets (the cost does not depend on them).
Two settings give torch its best speed here: torch.distributions'
argument validation is off, and OMP_WAIT_POLICY defaults to PASSIVE (see
below); nothing else is tuned.

For every cell (n_envs, width, threads) it warms up, sizes a run to about
--seconds, and prints the median env steps/s (n_envs * n_steps per update)
of --runs timed runs, one line per cell:

    torch envs 8 width 64 threads 1 median 20000 min 19000 max 21000 updates 100

It must run under Debian's python3 with python3-torch (/usr/bin/python3).
"""

import argparse
import ctypes
import os
import statistics
import sys
import time

N_STEPS = 5
OBS_DIM = 4
N_ACTIONS = 2
GAMMA = 0.99
GAE_LAMBDA = 1.0
VF_COEF = 0.5
ENT_COEF = 0.0
MAX_GRAD_NORM = 0.5
# Enough distinct observations that the loop does not replay a few rows
# that stay in the first-level cache.
OBS_BANK_ROWS = 1 << 16


def int_list(text):
    return [int(v) for v in text.split(",") if v]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--envs", type=int_list, default=[8, 64, 256])
    ap.add_argument("--width", type=int_list, default=[64, 256])
    ap.add_argument("--threads", type=int_list, default=[1, 2])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--quiet", action="store_true", help="no BLAS report")
    return ap.parse_args()


args = parse_args()
# OpenBLAS's pthread build keeps its own thread pool, which
# torch.set_num_threads does not size; it reads this when it is loaded.
# set_threads() below also resizes it at run time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(max(args.threads)))
# libgomp's threads spin while they wait for work; when another process
# holds the second core (as on these shared 2-vCPU machines) that made
# torch with 2 threads 3-10x slower than with 1 thread.  Sleeping instead
# is torch's better setting there, and the harder yardstick for liba2c.
# An OMP_WAIT_POLICY from the caller's environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402  (after the environment is set)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.distributions import Categorical  # noqa: E402


def loaded_blas():
    """Real paths of the BLAS libraries this process has mapped."""
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            name = os.path.basename(path)
            if ("blas" in name or "mkl" in name) and path not in found:
                found.append(path)
    return [os.path.realpath(p) for p in found]


def report_blas():
    # A matrix product first, so that a lazily loaded BLAS is mapped.
    a = torch.randn(64, 64)
    (a @ a).sum().item()
    info = [part.strip() for part in torch.__config__.show().replace("\n", ",").split(",")
            if "BLAS" in part]
    print("# torch %s; build: %s; OMP_WAIT_POLICY=%s"
          % (torch.__version__, "; ".join(info) or "no BLAS info", os.environ["OMP_WAIT_POLICY"]))
    libs = sorted(set(loaded_blas()))
    print("# BLAS libraries loaded: %s" % (", ".join(libs) or "none found"))
    alt = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    if os.path.exists(alt):
        print("# %s -> %s" % (alt, os.path.realpath(alt)))
    fast = [p for p in libs if "openblas" in p or "mkl" in p or "blis" in p]
    if not fast:
        # Debian's torch is built against the generic libblas.so.3; the
        # reference implementation behind it is many times slower than
        # OpenBLAS at these shapes, which would flatter liba2c.
        print("# WARNING: only the reference BLAS is loaded; install libopenblas0-pthread "
              "(it takes over libblas.so.3 through update-alternatives)", file=sys.stderr)
        print("# WARNING: reference BLAS")
    sys.stdout.flush()


def openblas_handle():
    """The OpenBLAS torch already uses, or None: RTLD_NOLOAD, so that a
    torch on the reference BLAS does not get OpenBLAS loaded beside it (and
    the check above is not fooled)."""
    try:
        return ctypes.CDLL("libopenblas.so.0", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except OSError:
        return None


OPENBLAS = None


def set_threads(n):
    torch.set_num_threads(n)
    if OPENBLAS is not None and hasattr(OPENBLAS, "openblas_set_num_threads"):
        OPENBLAS.openblas_set_num_threads(n)


def mlp(width):
    return nn.Sequential(nn.Linear(OBS_DIM, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh())


class Policy(nn.Module):
    """SB3's ActorCriticPolicy layout with separate pi and vf trunks."""

    def __init__(self, width):
        super().__init__()
        self.pi = mlp(width)
        self.vf = mlp(width)
        self.action_net = nn.Linear(width, N_ACTIONS)
        self.value_net = nn.Linear(width, 1)

    def logits(self, obs):
        return self.action_net(self.pi(obs))

    def value(self, obs):
        return self.value_net(self.vf(obs)).flatten()


class Loop:
    def __init__(self, n_envs, width, seed=0):
        torch.manual_seed(seed)
        self.n_envs = n_envs
        self.policy = Policy(width)
        self.params = list(self.policy.parameters())
        self.opt = torch.optim.RMSprop(self.params, lr=7e-4, alpha=0.99, eps=1e-5,
                                       weight_decay=0)
        self.bank = torch.randn(OBS_BANK_ROWS, OBS_DIM)
        self.pos = 0
        self.obs = torch.zeros(N_STEPS, n_envs, OBS_DIM)
        self.actions = torch.zeros(N_STEPS, n_envs, dtype=torch.long)
        self.values = torch.zeros(N_STEPS, n_envs)
        self.log_probs = torch.zeros(N_STEPS, n_envs)
        self.rewards = torch.ones(N_STEPS, n_envs)
        self.not_done = torch.ones(N_STEPS, n_envs)
        # disc[t, k] = (gamma * lambda)^(k - t) for k >= t: advantages =
        # disc @ td_errors when no episode ends inside the rollout.
        g = GAMMA * GAE_LAMBDA
        idx = torch.arange(N_STEPS)
        power = (idx[None, :] - idx[:, None]).clamp(min=0).float()
        self.disc = torch.where(idx[None, :] >= idx[:, None], g ** power,
                                torch.zeros(N_STEPS, N_STEPS))
        self.last_obs = self.next_obs()

    def next_obs(self):
        """Stands in for the environments' step: the next n_envs rows."""
        if self.pos + self.n_envs > OBS_BANK_ROWS:
            self.pos = 0
        rows = self.bank[self.pos:self.pos + self.n_envs]
        self.pos += self.n_envs
        return rows

    def update(self):
        pol = self.policy
        with torch.no_grad():
            for t in range(N_STEPS):
                obs = self.last_obs
                dist = Categorical(logits=pol.logits(obs))
                act = dist.sample()
                self.obs[t] = obs
                self.actions[t] = act
                self.values[t] = pol.value(obs)
                self.log_probs[t] = dist.log_prob(act)
                self.last_obs = self.next_obs()
            last_value = pol.value(self.last_obs)
            next_values = torch.cat([self.values[1:], last_value[None]], 0)
            deltas = self.rewards + GAMMA * next_values * self.not_done - self.values
            advantages = self.disc @ deltas
            returns = advantages + self.values
        obs = self.obs.reshape(-1, OBS_DIM)
        dist = Categorical(logits=pol.logits(obs))
        log_prob = dist.log_prob(self.actions.reshape(-1))
        values = pol.value(obs)
        policy_loss = -(advantages.reshape(-1) * log_prob).mean()
        value_loss = F.mse_loss(returns.reshape(-1), values)
        entropy_loss = -dist.entropy().mean()
        loss = policy_loss + ENT_COEF * entropy_loss + VF_COEF * value_loss
        self.opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.params, MAX_GRAD_NORM)
        self.opt.step()


def timed(loop, updates):
    t0 = time.perf_counter()
    for _ in range(updates):
        loop.update()
    return updates * loop.n_envs * N_STEPS / (time.perf_counter() - t0)


def run_cell(n_envs, width, threads, runs, seconds):
    set_threads(threads)
    loop = Loop(n_envs, width)
    timed(loop, 20)  # first calls allocate and pick kernels
    probe = timed(loop, 50)
    updates = max(10, int(probe * seconds / (n_envs * N_STEPS)))
    rates = sorted(timed(loop, updates) for _ in range(runs))
    print("torch envs %d width %d threads %d median %.0f min %.0f max %.0f updates %d"
          % (n_envs, width, threads, statistics.median(rates), rates[0], rates[-1], updates))
    sys.stdout.flush()


def main():
    global OPENBLAS
    OPENBLAS = openblas_handle()
    # Argument checks of torch.distributions cost Python time on every
    # call and guard nothing here: off, to give torch its best speed.
    torch.distributions.Distribution.set_default_validate_args(False)
    if not args.quiet:
        report_blas()
    for n_envs in args.envs:
        for width in args.width:
            for threads in args.threads:
                run_cell(n_envs, width, threads, args.runs, args.seconds)


if __name__ == "__main__":
    main()
