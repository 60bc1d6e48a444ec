# liba2c's source list, for this Makefile and for any other build system
# (CMake, Meson, a game engine's own): include it, or read it, and compile
# every file of A2C_SOURCES with -Iinclude -Isrc.  On x86-64,
# A2C_AVX2_SOURCES are compiled a second time with -mavx2 -DA2C_KERNELS_AVX2
# and A2C_AVX512_SOURCES a third time with -mavx512f -mavx512vl
# -DA2C_KERNELS_AVX512 (each into its own object; keep -ffp-contract=off on
# all three), and the whole library with -DA2C_HAVE_AVX2_KERNELS
# -DA2C_HAVE_AVX512_KERNELS; see docs/design.md and docs/kernels.md.
A2C_SOURCES := \
    src/common/alloc.c \
    src/common/config.c \
    src/common/codec.c \
    src/common/error.c \
    src/common/presets.c \
    src/common/rms.c \
    src/common/rng.c \
    src/common/status.c \
    src/common/vector.c \
    src/kernels/kernels.c \
    src/nn/activation.c \
    src/nn/init.c \
    src/nn/linear.c \
    src/nn/net.c \
    src/policy/categorical.c \
    src/policy/dist.c \
    src/policy/gaussian.c \
    src/algo/eval.c \
    src/algo/loss.c \
    src/algo/monitor.c \
    src/algo/optimizer.c \
    src/algo/rollout.c \
    src/algo/trainer.c \
    src/algo/pool.c \
    src/algo/worker.c \
    src/envs/acrobot.c \
    src/envs/builtin.c \
    src/envs/cartpole.c \
    src/envs/mountain_car.c \
    src/envs/mountain_car_continuous.c \
    src/envs/pendulum.c \
    src/envs/registry.c \
    src/envs/vecenv.c \
    src/io/file.c \
    src/io/checkpoint.c \
    src/io/export.c

A2C_AVX2_SOURCES := src/kernels/kernels.c
A2C_AVX512_SOURCES := src/kernels/kernels.c

# The a2c command-line tool (a user of the public API only).
A2C_CLI_SOURCES := $(wildcard tools/a2c/*.c)
