"""a2c: Python binding of liba2c (ctypes; numpy in and out).

    from a2c import A2C
    model = A2C("CartPole-v1", seed=0).learn(500_000)
    print(model.evaluate(n_episodes=10))      # (500.0, 0.0)
"""
from ._env import VecEnvFromList
from ._lib import (A2CError, A2CIOError, EnvError, FormatError, InvalidArgumentError,
                   NonFiniteError, OutOfMemoryError, StateError)
from ._lib import path as library_path
from ._lib import lib as _clib
from .model import A2C, builtin_envs

__version__ = "0.2.0"
library_version = _clib.a2c_version_string().decode()

__all__ = ["A2C", "VecEnvFromList", "builtin_envs", "A2CError", "InvalidArgumentError",
           "OutOfMemoryError", "NonFiniteError", "FormatError", "A2CIOError", "EnvError",
           "StateError", "library_path", "library_version"]
