"""Loading liba2c and declaring its functions (ctypes), plus the exceptions."""
import ctypes
import ctypes.util
import os

MAJOR = 0  # the ABI this binding is written for (A2C_VERSION_MAJOR)

c_status = ctypes.c_int
c_p = ctypes.c_void_p


def _candidates():
    env = os.environ.get("A2C_LIBRARY")
    if env:
        return [env]  # an explicit choice is never second-guessed
    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.normpath(os.path.join(here, "..", "..", "..", "build", "liba2c.so"))
    if os.path.exists(tree):
        out.append(tree)
    found = ctypes.util.find_library("a2c")
    if found:
        out.append(found)
    out.append("liba2c.so.%d" % MAJOR)
    return out


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("a2c: cannot load liba2c (set A2C_LIBRARY to the path of liba2c.so):\n  "
                      + "\n  ".join(errors))


lib, path = _load()

# Checked first: a library of another major version may lack what follows.
lib.a2c_version_number.restype = ctypes.c_uint
lib.a2c_version_number.argtypes = []
version = lib.a2c_version_number()
if version // 10000 != MAJOR:
    raise ImportError("a2c: %s is version %d.%d.%d, this binding needs major version %d"
                      % (path, version // 10000, version // 100 % 100, version % 100, MAJOR))


class a2c_env(ctypes.Structure):
    pass


ENV_V1 = 1
SPACE_DISCRETE = 0
SPACE_BOX = 1

RESET_FN = ctypes.CFUNCTYPE(ctypes.c_int, c_p, ctypes.c_uint32, ctypes.c_uint64, c_p)
STEP_FN = ctypes.CFUNCTYPE(ctypes.c_int, c_p, ctypes.c_uint32, ctypes.c_int32, c_p, c_p, c_p,
                           c_p, c_p)
STEP_ALL_FN = ctypes.CFUNCTYPE(ctypes.c_int, c_p, c_p, c_p, c_p, c_p, c_p, c_p)
CLOSE_FN = ctypes.CFUNCTYPE(None, c_p)
SAVE_STATE_FN = ctypes.CFUNCTYPE(ctypes.c_int, c_p, ctypes.c_uint32, c_p)
LOAD_STATE_FN = ctypes.CFUNCTYPE(ctypes.c_int, c_p, ctypes.c_uint32, c_p)

# Mirrors struct a2c_env in include/a2c/a2c.h field for field (v1, v2, v3).
a2c_env._fields_ = [
    ("version", ctypes.c_uint32),
    ("num_envs", ctypes.c_uint32),
    ("obs_dim", ctypes.c_uint32),
    ("action_kind", ctypes.c_int32),
    ("action_dim", ctypes.c_uint32),
    ("max_episode_steps", ctypes.c_uint32),
    ("obs_low", ctypes.POINTER(ctypes.c_float)),
    ("obs_high", ctypes.POINTER(ctypes.c_float)),
    ("action_low", ctypes.POINTER(ctypes.c_float)),
    ("action_high", ctypes.POINTER(ctypes.c_float)),
    ("user", c_p),
    ("reset", RESET_FN),
    ("step", STEP_FN),
    ("step_all", STEP_ALL_FN),
    ("close", CLOSE_FN),
    ("state_size", ctypes.c_uint32),
    ("save_state", SAVE_STATE_FN),
    ("load_state", LOAD_STATE_FN),
    ("flags", ctypes.c_uint32),
]


class train_stats(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_uint32),
        ("window_episodes", ctypes.c_uint32),
        ("timesteps", ctypes.c_uint64),
        ("episodes", ctypes.c_uint64),
        ("updates", ctypes.c_uint64),
        ("mean_return", ctypes.c_double),
        ("mean_length", ctypes.c_double),
        ("policy_loss", ctypes.c_double),
        ("value_loss", ctypes.c_double),
        ("entropy_loss", ctypes.c_double),
        ("total_loss", ctypes.c_double),
        ("explained_variance", ctypes.c_double),
        ("grad_norm", ctypes.c_double),
        ("learning_rate", ctypes.c_double),
        ("steps_per_second", ctypes.c_double),
        ("elapsed_seconds", ctypes.c_double),
        # since 0.2: training health and the divergence guard
        ("entropy", ctypes.c_double),
        ("entropy_fraction", ctypes.c_double),
        ("approx_kl", ctypes.c_double),
        ("actor_grad_norm", ctypes.c_double),
        ("critic_grad_norm", ctypes.c_double),
        ("value_loss_ratio", ctypes.c_double),
        ("return_mean", ctypes.c_double),
        ("return_std", ctypes.c_double),
        ("advantage_mean", ctypes.c_double),
        ("advantage_std", ctypes.c_double),
        ("actor_saturation", ctypes.c_double),
        ("critic_saturation", ctypes.c_double),
        ("update_ratio", ctypes.c_double),
        ("value_loss_jump", ctypes.c_double),
        ("lr_scale", ctypes.c_double),
        ("rollbacks", ctypes.c_uint64),
        ("rollback", ctypes.c_uint32),
        ("reserved0", ctypes.c_uint32),
    ]


TRAIN_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(train_stats), c_p)

_u32, _u64, _i64, _sz = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int64, ctypes.c_size_t
_d, _pd = ctypes.c_double, ctypes.POINTER(ctypes.c_double)
_s = ctypes.c_char_p
_pp = ctypes.POINTER(c_p)
_penv = ctypes.POINTER(a2c_env)

_PROTOS = {
    "a2c_version_number": (ctypes.c_uint, []),
    "a2c_version_string": (_s, []),
    "a2c_strerror": (_s, [c_status]),
    "a2c_status_name": (_s, [c_status]),
    "a2c_last_error": (_s, []),
    "a2c_config_create": (c_status, [_pp, c_p]),
    "a2c_config_destroy": (None, [c_p]),
    "a2c_config_set_string": (c_status, [c_p, _s, _s]),
    "a2c_config_get_double": (c_status, [c_p, ctypes.c_int, _pd]),
    "a2c_config_get_int": (c_status, [c_p, ctypes.c_int, ctypes.POINTER(_i64)]),
    "a2c_config_apply_preset": (c_status, [c_p, _s, ctypes.POINTER(_u64)]),
    "a2c_param_from_name": (c_status, [_s, ctypes.POINTER(ctypes.c_int)]),
    "a2c_preset_name": (_s, [_sz]),
    "a2c_env_make": (c_status, [ctypes.POINTER(_penv), _s, _u32, c_p]),
    "a2c_env_close": (None, [_penv]),
    "a2c_env_name": (_s, [_sz]),
    "a2c_env_reward_threshold": (c_status, [_s, _pd]),
    "a2c_trainer_create": (c_status, [_pp, c_p, _penv]),
    "a2c_trainer_destroy": (None, [c_p]),
    "a2c_trainer_learn": (c_status, [c_p, _u64, TRAIN_FN, c_p]),
    "a2c_trainer_net": (c_p, [c_p]),
    "a2c_trainer_timesteps": (_u64, [c_p]),
    "a2c_trainer_save": (c_status, [c_p, _s]),
    "a2c_trainer_load": (c_status, [c_p, _s]),
    "a2c_net_load": (c_status, [_pp, _s, c_p]),
    "a2c_net_save": (c_status, [c_p, _s]),
    "a2c_net_destroy": (None, [c_p]),
    "a2c_net_obs_dim": (_sz, [c_p]),
    "a2c_net_n_actions": (_sz, [c_p]),
    "a2c_net_action_kind": (ctypes.c_int, [c_p]),
    "a2c_net_act": (c_status, [c_p, c_p, _sz, ctypes.c_int, c_p, c_p, c_p]),
    "a2c_net_act_box": (c_status, [c_p, c_p, _sz, ctypes.c_int, c_p, c_p, c_p]),
    "a2c_net_export_c": (c_status, [c_p, _s, _s]),
    "a2c_evaluate_capped": (c_status, [c_p, _penv, _u32, ctypes.c_int, _u64, _u64, _pd, _pd,
                                       c_p]),
}

for _name, (_res, _args) in _PROTOS.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError:
        raise ImportError("a2c: %s has no %s: it is older than this binding (rebuild it "
                          "with `make shared`, or point A2C_LIBRARY at a newer one)"
                          % (path, _name)) from None
    _f.restype = _res
    _f.argtypes = _args



# ---- errors ---------------------------------------------------------------

class A2CError(Exception):
    """A liba2c call failed: .status is the code, .name its enumerator name."""
    status = None
    name = None


class InvalidArgumentError(A2CError, ValueError):
    pass


class OutOfMemoryError(A2CError, MemoryError):
    pass


class NonFiniteError(A2CError, ArithmeticError):
    pass


class FormatError(A2CError, ValueError):
    pass


class A2CIOError(A2CError, OSError):
    pass


class EnvError(A2CError):
    pass


class StateError(A2CError, RuntimeError):
    pass


_BY_NAME = {
    "A2C_E_INVALID_ARG": InvalidArgumentError,
    "A2C_E_NOMEM": OutOfMemoryError,
    "A2C_E_NONFINITE": NonFiniteError,
    "A2C_E_FORMAT": FormatError,
    "A2C_E_IO": A2CIOError,
    "A2C_E_ENV": EnvError,
    "A2C_E_STATE": StateError,
}
# The classes are found by the library's own names for its codes.
ERRORS = {}
for _code in range(1, 64):
    _nm = lib.a2c_status_name(_code).decode()
    if _nm in _BY_NAME:
        ERRORS[_code] = _BY_NAME[_nm]
        _BY_NAME[_nm].status = _code
        _BY_NAME[_nm].name = _nm


def error_for(status):
    """The exception for a failed call's status, with a2c_last_error()'s text."""
    cls = ERRORS.get(status, A2CError)
    msg = lib.a2c_last_error().decode(errors="replace")
    if not msg:
        msg = lib.a2c_strerror(status).decode()
    err = cls(msg)
    if cls is A2CError:
        err.status, err.name = status, lib.a2c_status_name(status).decode()
    return err


def check(status):
    if status != 0:
        raise error_for(status)
