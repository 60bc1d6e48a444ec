"""Tests of the Python binding.  Run: A2C_LIBRARY=build/liba2c.so python3 -m pytest -q bindings/python/tests"""
import _thread
import ctypes
import math
import os
import sys
import threading
import time

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))  # the in-tree package

import a2c  # noqa: E402
from a2c import A2C  # noqa: E402

# ---- CartPole-v1 in pure Python (Gymnasium 1.x equations, Euler) -----------

G, MC, MP, L, FMAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
M, MPL = MP + MC, MP * L
THETA_THR, X_THR = 12 * 2 * math.pi / 360, 2.4


class PyCartPole:
    """One CartPole-v1 with Gymnasium's interface and its 500-step TimeLimit."""
    obs_dim = 4
    n_actions = 2

    def __init__(self):
        self.rng = np.random.default_rng()
        self.s = (0.0, 0.0, 0.0, 0.0)
        self.t = 0

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.s = tuple(float(v) for v in self.rng.uniform(-0.05, 0.05, 4))
        self.t = 0
        return np.array(self.s, dtype=np.float32), {}

    def step(self, action):
        x, x_dot, th, th_dot = self.s
        f = FMAG if action == 1 else -FMAG
        c, s = math.cos(th), math.sin(th)
        temp = (f + MPL * th_dot * th_dot * s) / M
        th_acc = (G * s - c * temp) / (L * (4.0 / 3.0 - MP * c * c / M))
        x_acc = temp - MPL * th_acc * c / M
        self.s = (x + TAU * x_dot, x_dot + TAU * x_acc, th + TAU * th_dot, th_dot + TAU * th_acc)
        self.t += 1
        x, _, th, _ = self.s
        terminated = x < -X_THR or x > X_THR or th < -THETA_THR or th > THETA_THR
        return np.array(self.s, dtype=np.float32), 1.0, terminated, self.t >= 500, {}


class VecPyCartPole:
    """n CartPoles stepped together in numpy: one Python call per step of all.
    step_all does not reset finished envs; the library calls reset_one."""
    obs_dim = 4
    n_actions = 2

    def __init__(self, n):
        self.num_envs = n
        self.s = np.zeros((n, 4))
        self.t = np.zeros(n, np.int64)

    def reset_one(self, index, seed=None):
        self.s[index] = np.random.default_rng(seed).uniform(-0.05, 0.05, 4)
        self.t[index] = 0
        return self.s[index].astype(np.float32)

    def step_all(self, actions):
        x, x_dot, th, th_dot = self.s.T
        f = np.where(actions == 1, FMAG, -FMAG)
        c, s = np.cos(th), np.sin(th)
        temp = (f + MPL * th_dot * th_dot * s) / M
        th_acc = (G * s - c * temp) / (L * (4.0 / 3.0 - MP * c * c / M))
        x_acc = temp - MPL * th_acc * c / M
        self.s = np.stack([x + TAU * x_dot, x_dot + TAU * x_acc, th + TAU * th_dot,
                           th_dot + TAU * th_acc], axis=1)
        self.t += 1
        x, th = self.s[:, 0], self.s[:, 2]
        term = (x < -X_THR) | (x > X_THR) | (th < -THETA_THR) | (th > THETA_THR)
        return self.s, np.ones(self.num_envs), term, self.t >= 500


def report(capsys, text):
    with capsys.disabled():
        print("\n  " + text, end="")


def best_mean(model, steps):
    """Trains; returns the best 100-episode mean return reported on the way.
    (A2C on CartPole with ent_coef 0 climbs, then sometimes dips for a
    while; over seeds 0-5 the best at 100k steps was 222-491, the built-in
    C CartPole's last at 100k 128-381.)"""
    means = []
    model.learn(steps, callback=lambda stats: means.append(stats["mean_return"]))
    return max(m for m in means if not math.isnan(m))


# ---- built-in environments ---------------------------------------------------

def test_builtin_cartpole_reaches_500(capsys):
    with A2C("CartPole-v1", seed=0) as model:
        assert model.preset_timesteps == 500_000
        t = time.perf_counter()
        model.learn(500_000)
        dt = time.perf_counter() - t
        assert model.num_timesteps == 500_000
        mean, std = model.evaluate(n_episodes=10)
        assert mean == 500.0 and std == 0.0
    report(capsys, "built-in C CartPole-v1: %.0f steps/s (500k steps, %.2f s)" % (5e5 / dt, dt))


def test_save_load_predict_round_trip(tmp_path):
    path = tmp_path / "cartpole.a2c"
    model = A2C("CartPole-v1", seed=3)
    model.learn(20_000)
    model.save(path)
    obs = np.random.default_rng(1).normal(0, 0.5, (256, 4)).astype(np.float32)
    want, state = model.predict(obs)
    assert state is None and want.dtype == np.int64 and want.shape == (256,)
    loaded = A2C.load(path)
    got, _ = loaded.predict(obs)
    np.testing.assert_array_equal(got, want)
    single, _ = loaded.predict(obs[5])
    assert np.shape(single) == () and single == want[5]
    assert loaded.evaluate(3, env="CartPole-v1")[0] > 0
    # with an env, the checkpoint becomes a trainer that continues
    resumed = A2C.load(path, env="CartPole-v1", seed=3)
    assert resumed.num_timesteps == 20_000
    np.testing.assert_array_equal(resumed.predict(obs)[0], want)
    resumed.learn(25_000)
    assert resumed.num_timesteps >= 25_000
    for m in (model, loaded, resumed):
        m.close()
    model.close()  # twice is fine


def test_box_predict_and_hyperparameters():
    model = A2C("Pendulum-v1", preset=False, n_envs=2, use_rms_prop=False,
                policy_kwargs={"net_arch": [16], "log_std_init": -1.0}, normalize=True)
    model.learn(200)
    act, _ = model.predict(np.zeros((5, 3)))
    assert act.dtype == np.float32 and act.shape == (5, 1)
    assert np.all(np.abs(act) <= 2.0)
    model.close()


def test_training_callback_stops_and_sees_stats():
    calls = []

    def cb(stats):
        calls.append(stats)
        return len(calls) < 3
    model = A2C("CartPole-v1").learn(100_000, callback=cb)
    assert len(calls) == 3 and model.num_timesteps == 3 * 40
    assert calls[-1]["updates"] == 3 and calls[-1]["timesteps"] == 120


# ---- errors ---------------------------------------------------------------

def test_bad_input_raises_library_errors(tmp_path):
    with pytest.raises(a2c.InvalidArgumentError, match="learning_rate"):
        A2C("CartPole-v1", learning_rate=-1)
    with pytest.raises(a2c.InvalidArgumentError, match="no_such_thing"):
        A2C("CartPole-v1", no_such_thing=1)
    with pytest.raises(a2c.InvalidArgumentError, match="Nope-v0"):
        A2C("Nope-v0")
    with pytest.raises(a2c.A2CIOError) as e:
        A2C.load(tmp_path / "missing.a2c")
    assert isinstance(e.value, a2c.A2CError) and isinstance(e.value, OSError)
    assert e.value.name == "A2C_E_IO" and "missing.a2c" in str(e.value)
    junk = tmp_path / "junk.a2c"
    junk.write_bytes(b"not a checkpoint" * 8)
    with pytest.raises(a2c.FormatError):
        A2C.load(junk)
    model = A2C("CartPole-v1")
    with pytest.raises(ValueError):
        model.predict(np.zeros(3))
    with pytest.raises(a2c.NonFiniteError):
        model.predict(np.array([0, np.nan, 0, 0]))


class Exploding(PyCartPole):
    def __init__(self, after, exc):
        super().__init__()
        self.left, self.exc = after, exc

    def step(self, action):
        self.left -= 1
        if self.left < 0:
            raise self.exc
        return super().step(action)


def test_env_exception_reraises_chained():
    model = A2C(Exploding(100, ZeroDivisionError("boom")), preset="CartPole-v1", n_envs=1)
    with pytest.raises(ZeroDivisionError, match="boom") as e:
        model.learn(10_000)
    assert isinstance(e.value.__cause__, a2c.EnvError)
    assert "step failed" in str(e.value.__cause__)
    # the trainer survives: a working env continues from where it stopped
    model._table.envs[0].left = 10**9
    model.learn(model.num_timesteps + 500)


def test_keyboard_interrupt_inside_env_callback():
    model = A2C([Exploding(50, KeyboardInterrupt()), PyCartPole()], preset=False)
    with pytest.raises(KeyboardInterrupt):
        model.learn(10_000)


def test_nan_from_env_raises_nonfinite():
    class NaNEnv(PyCartPole):
        def step(self, action):
            obs, r, te, tr, info = super().step(action)
            return obs, float("nan"), te, tr, info
    with pytest.raises(a2c.NonFiniteError, match="reward"):
        A2C(NaNEnv()).learn(100)


def test_ctrl_c_during_builtin_training():
    model = A2C("CartPole-v1")
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    t = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        model.learn(10**9)
    assert time.perf_counter() - t < 5
    timer.join()
    assert 0 < model.num_timesteps < 10**9


def test_training_callback_exception_reraises():
    def cb(stats):
        raise LookupError("from the callback")
    model = A2C("CartPole-v1")
    with pytest.raises(LookupError, match="from the callback"):
        model.learn(10_000, callback=cb)
    assert model.num_timesteps == 40  # stopped after the first update


def test_ctrl_c_during_python_env_training():
    model = A2C(VecPyCartPole(8), preset="CartPole-v1")
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.learn(10**9)
    timer.join()
    n = model.num_timesteps
    model.learn(n + 400)  # still usable afterwards
    assert model.num_timesteps >= n + 400


class Drive:
    """A one-dimensional continuous env: push x toward 0 with a in [-1, 1]."""
    obs_dim = 1
    action_dim = 1
    action_low, action_high = [-1.0], [1.0]
    max_episode_steps = 50
    seen = []

    def reset(self, seed=None):
        self.x = float(np.random.default_rng(seed).uniform(-1, 1))
        return [self.x], {}

    def step(self, action):
        Drive.seen.append(action)
        self.x += 0.1 * float(action[0])
        return [self.x], -abs(self.x), False, False, {}


def test_python_box_env():
    Drive.seen.clear()
    model = A2C(Drive, n_envs=2, n_steps=10, log_std_init=1.0)
    model.learn(1_000)
    assert len(Drive.seen) == 1_000
    a = np.array(Drive.seen)
    assert a.dtype == np.float32 and a.shape == (1_000, 1)
    assert a.min() >= -1.0 and a.max() <= 1.0 and len(np.unique(a)) > 100
    act, _ = model.predict([0.5])
    assert act.shape == (1,) and act.dtype == np.float32


# ---- Python environments ------------------------------------------------------

def test_python_cartpole_single_env_callbacks(capsys):
    model = A2C(PyCartPole, preset="CartPole-v1", seed=1)  # factory, 8 envs from the preset
    t = time.perf_counter()
    mean = best_mean(model, 100_000)
    dt = time.perf_counter() - t
    report(capsys, "pure-Python CartPole, step callback per env (8 envs): %.0f steps/s, "
           "best mean return %.1f in 100k" % (1e5 / dt, mean))
    assert mean > 200
    greedy, _ = model.evaluate(5)  # a fresh env from the factory
    assert greedy > 100


def test_python_cartpole_vectorised_step_all(capsys):
    model = A2C(VecPyCartPole(8), preset="CartPole-v1", seed=1)
    t = time.perf_counter()
    mean = best_mean(model, 100_000)
    dt = time.perf_counter() - t
    report(capsys, "pure-Python CartPole, numpy step_all (8 envs): %.0f steps/s, "
           "best mean return %.1f in 100k" % (1e5 / dt, mean))
    assert mean > 200
    greedy, _ = model.evaluate(5, env=VecPyCartPole(1))
    assert greedy > 100
    # numpy pays per call, not per env: wider batches go faster
    wide = A2C(VecPyCartPole(64), preset="CartPole-v1", n_envs=64)
    t = time.perf_counter()
    wide.learn(100_000)
    report(capsys, "pure-Python CartPole, numpy step_all (64 envs): %.0f steps/s"
           % (1e5 / (time.perf_counter() - t)))


def test_list_of_envs_through_vec_wrapper():
    vec = a2c.VecEnvFromList([PyCartPole() for _ in range(4)])
    model = A2C(vec, preset="CartPole-v1", seed=2)
    model.learn(2_000)
    assert model.num_timesteps >= 2_000


def test_gymnasium_like_spaces():
    class Space:
        def __init__(self, shape=None, n=None):
            self.shape, self.n = shape, n

    class Spaced(PyCartPole):
        observation_space = Space(shape=(4,))
        action_space = Space(n=2)
        obs_dim = n_actions = None  # hide the base class's attributes
    model = A2C(Spaced(), n_steps=8)
    model.learn(64)
    assert model.num_timesteps == 64


class Corridor:
    """README's example: walk from cell 0 to cell 5; each step costs a little."""
    obs_dim, n_actions, max_episode_steps = 1, 2, 50

    def reset(self, seed=None):
        self.x = 0
        return [self.x / 5], {}

    def step(self, action):
        self.x = max(0, self.x + (1 if action == 1 else -1))
        done = self.x == 5
        return [self.x / 5], (1.0 if done else -0.01), done, False, {}


def test_readme_corridor_example():
    model = A2C(Corridor, n_envs=4, preset=False)
    model.learn(20_000)
    assert model.evaluate(5) == pytest.approx((0.96, 0.0))


# ---- ABI: the ctypes mirrors match the C header -------------------------------

def test_struct_layouts_match_header(tmp_path):
    import shutil
    import subprocess
    from a2c import _lib
    include = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include")
    cc = shutil.which("cc")
    if not cc or not os.path.exists(os.path.join(include, "a2c", "a2c.h")):
        pytest.skip("needs a C compiler and the source tree's header")
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "a2c/a2c.h"',
             'int main(void) {']
    for cname, S in (("a2c_env", _lib.a2c_env), ("a2c_train_stats", _lib.train_stats)):
        for f, _ in S._fields_:
            lines.append('printf("%%zu\\n", offsetof(%s, %s));' % (cname, f))
        lines.append('printf("%%zu\\n", sizeof(%s));' % cname)
    lines.append("return 0; }")
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-I", include, str(src), "-o", str(exe)], check=True)
    got = [int(v) for v in subprocess.run([str(exe)], check=True, capture_output=True,
                                          text=True).stdout.split()]
    want = []
    for S in (_lib.a2c_env, _lib.train_stats):
        want += [getattr(S, f).offset for f, _ in S._fields_] + [ctypes.sizeof(S)]
    assert got == want


# ---- packaging: pip installs offline, and the README's first script works ----------

FIRST_STEPS = '''
from a2c import A2C

model = A2C("CartPole-v1", seed=0)
model.learn(500_000)
print(model.evaluate(n_episodes=10))
'''


def test_pip_install_offline_in_venv(tmp_path):
    import shutil
    import subprocess
    pytest.importorskip("ensurepip", reason="needs Debian's python3-venv")
    from a2c import _lib
    src = tmp_path / "src"
    shutil.copytree(os.path.join(os.path.dirname(__file__), ".."), src,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)],
                   check=True, capture_output=True)
    py = str(env_dir / "bin" / "python")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               A2C_LIBRARY=os.path.abspath(_lib.path))
    r = subprocess.run([py, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                        str(src)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([py, "-c", "import a2c; print(a2c.__file__)"], env=env,
                       capture_output=True, text=True, cwd=str(tmp_path))
    assert r.stdout.startswith(str(env_dir)), r.stdout + r.stderr
    script = tmp_path / "first.py"
    script.write_text(FIRST_STEPS)
    r = subprocess.run([py, str(script)], env=env, capture_output=True, text=True,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "(500.0, 0.0)"


def test_health_statistics_and_guard():
    """The health statistics reach Python, the struct mirrors C's, and the
    divergence guard's rollbacks are reported (learning_rate 1.0)."""
    from a2c import _lib
    seen = []
    with A2C("CartPole-v1", seed=0, learning_rate=1.0, max_rollbacks=30) as model:
        model.learn(4000, callback=lambda stats: seen.append(stats))
    assert all(s["approx_kl"] >= 0 or s["rollback"] for s in seen)
    assert abs(seen[-1]["entropy"] + seen[-1]["entropy_loss"]) < 1e-12
    rolled = [s for s in seen if s["rollback"]]
    assert rolled and rolled[-1]["rollbacks"] == len(rolled)
    assert seen[-1]["lr_scale"] == 0.5 ** len(rolled)
    sizes = []

    def size_of(stats_p, user):
        sizes.append(stats_p.contents.size)
        return 1

    cb = _lib.TRAIN_FN(size_of)
    with A2C("CartPole-v1", seed=0) as model:
        _lib.lib.a2c_trainer_learn(model._trainer, 40, cb, None)
    assert sizes == [ctypes.sizeof(_lib.train_stats)]
