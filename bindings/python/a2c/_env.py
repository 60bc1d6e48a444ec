"""Python environments behind liba2c's a2c_env callback table."""
import ctypes
import signal
import threading

import numpy as np

from . import _lib

_F32, _F64, _I32, _INT = np.float32, np.float64, np.int32, np.intc


def _dims(env):
    """(obs_dim, action_kind, action_dim, low, high) from an env's attributes,
    or from Gymnasium-like observation_space / action_space."""
    obs_dim = getattr(env, "obs_dim", None)
    if obs_dim is None:
        space = getattr(env, "single_observation_space", None) or getattr(
            env, "observation_space", None)
        if space is None or getattr(space, "shape", None) is None:
            raise TypeError("the environment needs obs_dim or observation_space.shape")
        obs_dim = int(np.prod(space.shape))
    n = getattr(env, "n_actions", None)
    if n is not None:
        return int(obs_dim), _lib.SPACE_DISCRETE, int(n), None, None
    dim = getattr(env, "action_dim", None)
    if dim is not None:
        low, high = getattr(env, "action_low", None), getattr(env, "action_high", None)
        return int(obs_dim), _lib.SPACE_BOX, int(dim), low, high
    space = getattr(env, "single_action_space", None) or getattr(env, "action_space", None)
    if space is not None and getattr(space, "n", None) is not None:
        return int(obs_dim), _lib.SPACE_DISCRETE, int(space.n), None, None
    if space is not None and getattr(space, "shape", None) is not None:
        return (int(obs_dim), _lib.SPACE_BOX, int(np.prod(space.shape)),
                getattr(space, "low", None), getattr(space, "high", None))
    raise TypeError("the environment needs n_actions (discrete), action_dim (box), "
                    "or action_space.n / action_space.shape")


class _Interrupt:
    """Ctrl-C while the library runs.  Python handles a signal when it next
    runs bytecode -- in a ctypes callback, at the function's first line,
    before any try: can catch it, so ctypes would print "Exception
    ignored" and hand the library an undefined result.  During a library
    call, SIGINT therefore only sets a flag; every callback checks it and
    fails cleanly, and the caller raises KeyboardInterrupt afterwards."""
    hit = False
    depth = 0
    saved = None

    @classmethod
    def _handler(cls, signum, frame):
        cls.hit = True

    @classmethod
    def __enter__(cls):
        if cls.depth == 0:
            cls.hit = False
            if (threading.current_thread() is threading.main_thread()
                    and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
                cls.saved = signal.signal(signal.SIGINT, cls._handler)
        cls.depth += 1
        return cls

    @classmethod
    def __exit__(cls, *exc):
        cls.depth -= 1
        if cls.depth == 0 and cls.saved is not None:
            signal.signal(signal.SIGINT, cls.saved)
            cls.saved = None

    @classmethod
    def check(cls):
        if cls.hit:
            cls.hit = False
            raise KeyboardInterrupt



def _split_reset(result):
    # Gymnasium's reset returns (obs, info); a bare observation is accepted too.
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        return result[0]
    return result


def is_vec_env(env):
    return hasattr(env, "step_all") and hasattr(env, "num_envs")


class VecEnvFromList:
    """Turns a list of single Gymnasium-style envs into a vectorised env.

    step_all(actions) steps every env and returns numpy arrays (obs,
    rewards, terminated, truncated) WITHOUT resetting finished envs: the
    library resets each one through reset_one(index, seed), keeping the last
    observation for its time-limit bootstrap."""

    def __init__(self, envs):
        self.envs = list(envs)
        if not self.envs:
            raise ValueError("VecEnvFromList needs at least one env")
        first = self.envs[0]
        self.num_envs = len(self.envs)
        self.obs_dim, kind, dim, low, high = _dims(first)
        if kind == _lib.SPACE_DISCRETE:
            self.n_actions = dim
        else:
            self.action_dim, self.action_low, self.action_high = dim, low, high
        self.max_episode_steps = getattr(first, "max_episode_steps", None)
        n = self.num_envs
        self._obs = np.zeros((n, self.obs_dim), _F32)
        self._rew = np.zeros(n, _F64)
        self._term = np.zeros(n, bool)
        self._trunc = np.zeros(n, bool)

    def reset_one(self, index, seed=None):
        return _split_reset(self.envs[index].reset(seed=seed))

    def reset_all(self, seeds=None):
        for i, env in enumerate(self.envs):
            self._obs[i] = _split_reset(env.reset(seed=None if seeds is None else seeds[i]))
        return self._obs.copy()

    def step_all(self, actions):
        obs, rew, term, trunc = self._obs, self._rew, self._term, self._trunc
        for i, env in enumerate(self.envs):
            o, r, te, tr, _ = env.step(actions[i])
            obs[i], rew[i], term[i], trunc[i] = o, r, te, tr
        return obs, rew, term, trunc

    def close(self):
        for env in self.envs:
            if hasattr(env, "close"):
                env.close()


class EnvTable:
    """An a2c_env table whose callbacks call Python.

    `target` is a list of single envs (the `step` callback, one call per
    env per step) or a vectorised env (`step_all`, one call per step of
    all envs).  The table and the CFUNCTYPE objects live as long as this
    object, which the model keeps for as long as its trainer.  An exception
    inside a callback (KeyboardInterrupt too) is stored in .error, the
    callback returns 1 so the library fails with A2C_E_ENV, and the caller
    re-raises it."""

    def __init__(self, target, max_episode_steps=None):
        self.error = None
        self.vec = is_vec_env(target)
        if self.vec:
            self.envs = target
            n = int(target.num_envs)
            probe = target
        else:
            self.envs = list(target)
            if not self.envs:
                raise ValueError("no environment given")
            n = len(self.envs)
            probe = self.envs[0]
        self.num_envs = n
        obs_dim, kind, dim, low, high = _dims(probe)
        self.obs_dim, self.kind, self.action_dim = obs_dim, kind, dim
        if max_episode_steps is None:
            max_episode_steps = getattr(probe, "max_episode_steps", None) or 0
        t = _lib.a2c_env()
        t.version = _lib.ENV_V1
        t.num_envs, t.obs_dim, t.action_kind, t.action_dim = n, obs_dim, kind, dim
        t.max_episode_steps = int(max_episode_steps)
        self._bounds = []
        if kind == _lib.SPACE_BOX:
            for name, value in (("action_low", low), ("action_high", high)):
                if value is not None:
                    arr = np.broadcast_to(np.asarray(value, _F32), (dim,)).copy()
                    self._bounds.append(arr)
                    setattr(t, name, arr.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        self._reset_cb = _lib.RESET_FN(self._reset)
        t.reset = self._reset_cb
        if self.vec:
            self._step_all_cb = _lib.STEP_ALL_FN(self._step_all)
            t.step_all = self._step_all_cb
        else:
            self._step_cb = _lib.STEP_FN(self._step)
            t.step = self._step_cb
        self.table = t
        self.ref = ctypes.pointer(t)
        self._views = {}

    def _view(self, ptr, ctype, dtype, shape):
        key = (ptr, dtype, shape)
        v = self._views.get(key)
        if v is None:
            if len(self._views) > 64:
                self._views.clear()
            size = int(np.prod(shape))
            v = np.frombuffer((ctype * size).from_address(ptr), dtype).reshape(shape)
            self._views[key] = v
        return v

    def _fail(self, exc):
        if self.error is None:
            self.error = exc
        return 1

    def _reset(self, user, index, seed, obs_ptr):
        try:
            _Interrupt.check()
            if self.vec:
                obs = _split_reset(self.envs.reset_one(index, seed=seed))
            else:
                obs = _split_reset(self.envs[index].reset(seed=seed))
            self._view(obs_ptr, ctypes.c_float, _F32, (self.obs_dim,))[:] = obs
            return 0
        except BaseException as e:  # noqa: B902 -- stored and re-raised by the caller
            return self._fail(e)

    def _step(self, user, index, action, box_ptr, obs_ptr, rew_ptr, term_ptr, trunc_ptr):
        try:
            _Interrupt.check()
            if self.kind == _lib.SPACE_BOX:
                action = self._view(box_ptr, ctypes.c_float, _F32, (self.action_dim,)).copy()
            obs, reward, terminated, truncated, _ = self.envs[index].step(action)
            self._view(obs_ptr, ctypes.c_float, _F32, (self.obs_dim,))[:] = obs
            ctypes.c_double.from_address(rew_ptr).value = reward
            ctypes.c_int.from_address(term_ptr).value = 1 if terminated else 0
            ctypes.c_int.from_address(trunc_ptr).value = 1 if truncated else 0
            return 0
        except BaseException as e:  # noqa: B902
            return self._fail(e)

    def _step_all(self, user, act_ptr, box_ptr, obs_ptr, rew_ptr, term_ptr, trunc_ptr):
        try:
            _Interrupt.check()
            n = self.num_envs
            if self.kind == _lib.SPACE_BOX:
                actions = self._view(box_ptr, ctypes.c_float, _F32, (n, self.action_dim)).copy()
            else:
                actions = self._view(act_ptr, ctypes.c_int32, _I32, (n,)).copy()
            obs, rewards, terminated, truncated = self.envs.step_all(actions)
            self._view(obs_ptr, ctypes.c_float, _F32, (n, self.obs_dim))[:] = obs
            self._view(rew_ptr, ctypes.c_double, _F64, (n,))[:] = rewards
            self._view(term_ptr, ctypes.c_int, _INT, (n,))[:] = terminated
            self._view(trunc_ptr, ctypes.c_int, _INT, (n,))[:] = truncated
            return 0
        except BaseException as e:  # noqa: B902
            return self._fail(e)

    def take_error(self):
        e, self.error = self.error, None
        return e

    def close(self):
        close = getattr(self.envs, "close", None)
        if self.vec and close:
            close()
        elif not self.vec:
            for env in self.envs:
                if hasattr(env, "close"):
                    env.close()
