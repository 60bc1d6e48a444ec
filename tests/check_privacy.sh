#!/bin/sh
# Checks the module rule of docs/design.md: each object's struct is defined
# in exactly one file, the .c file of the module that owns it, and in no
# header, so any other file that touched its fields would not compile.  The
# embedded helper-thread state (a2c__worker) is declared in its header so
# the trainer can hold one, and only worker.c may name its fields.
#
#   sh tests/check_privacy.sh        (from the top of the tree)
set -eu
cd "$(dirname "$0")/.."

failed=0
# struct name, the one file allowed to define it
for pair in \
    a2c_config:src/common/config.c \
    a2c_net:src/nn/net.c \
    a2c_optimizer:src/algo/optimizer.c \
    a2c_rollout:src/algo/rollout.c \
    a2c_trainer:src/algo/trainer.c \
    a2c__vecenv:src/envs/vecenv.c \
    cartpole:src/envs/cartpole.c; do
    name=${pair%%:*}
    owner=${pair#*:}
    where=$(grep -rlE "^(typedef )?struct $name \{" src include || true)
    if [ "$where" != "$owner" ]; then
        echo "privacy: struct $name is defined in '${where:-nowhere}', expected only $owner" >&2
        failed=1
    fi
done
# nobody but worker.c reaches into a worker
if grep -rnE "worker(\.|->)[a-z]" src --include='*.c' | grep -v '#include' |
    grep -v '^src/algo/worker.c:'; then
    echo "privacy: a file other than src/algo/worker.c reads a2c__worker fields" >&2
    failed=1
fi
# the white-box tests see module headers only
if grep -ln '"internal.h"' src/*/*.c tests/*.c bench/*.c 2>/dev/null; then
    echo "privacy: a file includes the old internal.h" >&2
    failed=1
fi
[ $failed -eq 0 ] && echo "privacy: every object struct is private to its module"
exit $failed
