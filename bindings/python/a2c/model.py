"""The SB3-shaped model: A2C(env, ...).learn(), .predict(), .save(), A2C.load()."""
import ctypes
import os

import numpy as np

from . import _lib
from ._env import EnvTable, _Interrupt, is_vec_env
from ._lib import check, lib

_STAT_FIELDS = [f for f, _ in _lib.train_stats._fields_ if f not in ("size", "reserved0")]


def _fmt(value):
    """A Python value as the text a2c_config_set_string parses."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict):
        return "dict(" + ", ".join("%s=%s" % (k, _fmt(v)) for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    return str(value)


def builtin_envs():
    """The ids of the built-in environments ("CartPole-v1", ...)."""
    out, i = [], 0
    while lib.a2c_env_name(i):
        out.append(lib.a2c_env_name(i).decode())
        i += 1
    return out


def _preset_ids():
    out, i = set(), 0
    while lib.a2c_preset_name(i):
        out.add(lib.a2c_preset_name(i).decode())
        i += 1
    return out


class _Config:
    def __init__(self):
        p = ctypes.c_void_p()
        check(lib.a2c_config_create(ctypes.byref(p), None))
        self.p = p

    def set(self, name, value):
        check(lib.a2c_config_set_string(self.p, name.encode(), _fmt(value).encode()))

    def get_int(self, name):
        param, out = ctypes.c_int(), ctypes.c_int64()
        check(lib.a2c_param_from_name(name.encode(), ctypes.byref(param)))
        check(lib.a2c_config_get_int(self.p, param, ctypes.byref(out)))
        return out.value

    def close(self):
        if self.p:
            lib.a2c_config_destroy(self.p)
            self.p = None

    __del__ = close


class A2C:
    """Advantage Actor-Critic, as Stable-Baselines3's A2C, trained by liba2c.

    env: a built-in id ("CartPole-v1"); a Gymnasium-style env object; a
    list of them; a factory (called n_envs times); or a vectorised env
    (num_envs, reset_one(index, seed), step_all(actions)).
    preset: True applies rl-baselines3-zoo's settings when the id (or, for
    a Python env, the preset named by a string) has them; False skips them.
    Keyword arguments are SB3's hyperparameter names (learning_rate=7e-4,
    n_steps=5, ent_coef=0.0, use_rms_prop=True, ...)."""

    def __init__(self, env, seed=0, n_envs=None, policy_kwargs=None, normalize=None,
                 preset=True, max_episode_steps=None, **hyperparameters):
        self._trainer = None
        self._net = None
        self._owned_net = None
        self._builtin = None
        self._table = None
        self.env_id = None
        self.preset_timesteps = None
        self._factory = None
        cfg = _Config()
        try:
            preset_id = None
            if isinstance(env, str):
                self.env_id = env
                if preset is True and env in _preset_ids():
                    preset_id = env
            if isinstance(preset, str):
                preset_id = preset
            if preset_id is not None:
                n_ts = ctypes.c_uint64()
                check(lib.a2c_config_apply_preset(cfg.p, preset_id.encode(), ctypes.byref(n_ts)))
                self.preset_timesteps = n_ts.value
            for name, value in hyperparameters.items():
                cfg.set(name, value)
            for name, value in (policy_kwargs or {}).items():
                cfg.set(name, value)
            if normalize is not None:
                cfg.set("normalize", normalize)
            cfg.set("seed", int(seed))
            if n_envs is not None:
                cfg.set("n_envs", int(n_envs))
            n = cfg.get_int("n_envs")
            if isinstance(env, str):
                p = ctypes.POINTER(_lib.a2c_env)()
                check(lib.a2c_env_make(ctypes.byref(p), env.encode(), n, None))
                self._builtin = p
                env_ref = p
            else:
                if is_vec_env(env):
                    target = env
                elif isinstance(env, (list, tuple)):
                    target = list(env)
                elif isinstance(env, type) or (callable(env) and not hasattr(env, "step")):
                    self._factory = env
                    target = [env() for _ in range(n)]
                else:
                    target = [env]
                self._table = EnvTable(target, max_episode_steps)
                if n_envs is not None and self._table.num_envs != int(n_envs):
                    raise ValueError("n_envs=%d but the env gives %d sub-environments"
                                     % (n_envs, self._table.num_envs))
                env_ref = self._table.ref
            tr = ctypes.c_void_p()
            check(lib.a2c_trainer_create(ctypes.byref(tr), cfg.p, env_ref))
            self._trainer = tr
            self._net = ctypes.c_void_p(lib.a2c_trainer_net(tr))
        except BaseException:
            self.close()
            raise
        finally:
            cfg.close()

    # ---- training ---------------------------------------------------------

    @property
    def num_timesteps(self):
        return lib.a2c_trainer_timesteps(self._trainer) if self._trainer else 0

    def learn(self, total_timesteps, callback=None):
        """Trains until total_timesteps env steps in all, counted from the
        trainer's start (so after a first learn or a load, it continues:
        learn(model.num_timesteps + n) trains n more).  callback(stats: dict)
        runs after every update; returning False stops.  Exceptions from
        callbacks or envs, and Ctrl-C, stop training and re-raise here."""
        if not self._trainer:
            raise _lib.StateError("no trainer: load the model with an env to train it")
        box = {"error": None}

        def on_update(stats_p, user):
            # Also the place where Ctrl-C surfaces during a run of built-in envs.
            try:
                _Interrupt.check()
                if callback is None:
                    return 0
                s = stats_p.contents
                stats = {f: getattr(s, f) for f in _STAT_FIELDS}
                return 1 if callback(stats) is False else 0
            except BaseException as e:  # noqa: B902 -- re-raised below
                box["error"] = e
                return 1

        cb = _lib.TRAIN_FN(on_update)
        if self._table:
            self._table.error = None
        with _Interrupt():
            status = lib.a2c_trainer_learn(self._trainer, int(total_timesteps), cb, None)
            stored = (self._table.take_error() if self._table else None) or box["error"]
            if stored is None and _Interrupt.hit:  # Ctrl-C after the last callback
                _Interrupt.hit = False
                stored = KeyboardInterrupt()
        if stored is not None:
            try:
                if status != 0:
                    raise stored from _lib.error_for(status)
                raise stored
            finally:  # no cycle through this frame: the model dies by refcount
                stored = box = None
        check(status)
        return self

    # ---- acting -----------------------------------------------------------

    def predict(self, observation, state=None, episode_start=None, deterministic=True):
        """Actions for one observation or a batch: (actions, None).  Discrete
        nets give int64, box nets float32; a single observation gives a
        single action."""
        net = self._net
        obs_dim = lib.a2c_net_obs_dim(net)
        obs = np.ascontiguousarray(observation, dtype=np.float32)
        single = obs.ndim == 1
        if obs.ndim == 0 or obs.shape[-1] != obs_dim:
            raise ValueError("observation must have %d values per row, got shape %s"
                             % (obs_dim, obs.shape))
        obs = obs.reshape(-1, obs_dim)
        batch = obs.shape[0]
        if lib.a2c_net_action_kind(net) == _lib.SPACE_BOX:
            out = np.empty((batch, lib.a2c_net_n_actions(net)), np.float32)
            check(lib.a2c_net_act_box(net, obs.ctypes.data, batch, int(bool(deterministic)),
                                      out.ctypes.data, None, None))
        else:
            a = np.empty(batch, np.int32)
            check(lib.a2c_net_act(net, obs.ctypes.data, batch, int(bool(deterministic)),
                                  a.ctypes.data, None, None))
            out = a.astype(np.int64)
        return (out[0] if single else out), None

    def evaluate(self, n_episodes=10, deterministic=True, seed=0, env=None,
                 max_episode_steps=0, return_episode_rewards=False):
        """(mean, std) of n_episodes returns, as SB3's evaluate_policy.  env:
        a built-in id (default: the model's) or a Python env / list / vec env
        (a fresh one: never the env being trained)."""
        if env is None:
            env = self.env_id if self.env_id else (self._factory() if self._factory else None)
        if isinstance(env, type):
            env = env()
        if env is None:
            raise ValueError("evaluate needs env= (an id or a fresh env) for this model")
        builtin, table = None, None
        try:
            if isinstance(env, str):
                builtin = ctypes.POINTER(_lib.a2c_env)()
                check(lib.a2c_env_make(ctypes.byref(builtin), env.encode(), 1, None))
                ref = builtin
            else:
                table = EnvTable(env if is_vec_env(env) or isinstance(env, list) else [env])
                ref = table.ref
            mean, std = ctypes.c_double(), ctypes.c_double()
            rets = np.zeros(int(n_episodes), np.float64)
            with _Interrupt():
                status = lib.a2c_evaluate_capped(self._net, ref, int(n_episodes),
                                                 int(bool(deterministic)), int(seed),
                                                 int(max_episode_steps), ctypes.byref(mean),
                                                 ctypes.byref(std), rets.ctypes.data)
            stored = table.take_error() if table else None
            if stored is None and _Interrupt.hit:
                _Interrupt.hit = False
                stored = KeyboardInterrupt()
            if stored is not None:
                try:
                    raise stored from _lib.error_for(status)
                finally:
                    stored = None
            check(status)
            if return_episode_rewards:
                return rets
            return mean.value, std.value
        finally:
            if builtin:
                lib.a2c_env_close(builtin)

    # ---- files ------------------------------------------------------------

    def save(self, path):
        """Writes a trainer checkpoint (or a net checkpoint for a model
        loaded without an env)."""
        path = os.fspath(path).encode()
        if self._trainer:
            check(lib.a2c_trainer_save(self._trainer, path))
        else:
            check(lib.a2c_net_save(self._net, path))

    def export_c(self, path, prefix=None):
        """Writes the greedy policy as one dependency-free C file."""
        check(lib.a2c_net_export_c(self._net, os.fspath(path).encode(),
                                   prefix.encode() if prefix else None))

    @classmethod
    def load(cls, path, env=None, **kwargs):
        """Without env: a model that predicts (and evaluates with env=).
        With env: a trainer built as A2C(env, **kwargs) -- the same
        hyperparameters as the saved one -- that continues training."""
        bpath = os.fspath(path).encode()
        if env is not None:
            model = cls(env, **kwargs)
            try:
                check(lib.a2c_trainer_load(model._trainer, bpath))
            except BaseException:
                model.close()
                raise
            return model
        model = cls.__new__(cls)
        model._trainer = model._builtin = model._table = model._factory = None
        model.env_id = kwargs.get("env_id")
        model.preset_timesteps = None
        net = ctypes.c_void_p()
        model._net = model._owned_net = None
        check(lib.a2c_net_load(ctypes.byref(net), bpath, None))
        model._net = model._owned_net = net
        return model

    # ---- lifetime ---------------------------------------------------------

    def close(self):
        """Frees the C objects (the trainer before the env it uses)."""
        if getattr(self, "_trainer", None):
            lib.a2c_trainer_destroy(self._trainer)
            self._trainer = None
        if getattr(self, "_owned_net", None):
            lib.a2c_net_destroy(self._owned_net)
            self._owned_net = None
        self._net = None
        if getattr(self, "_builtin", None):
            lib.a2c_env_close(self._builtin)
            self._builtin = None
        if getattr(self, "_table", None) is not None:
            self._table = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
