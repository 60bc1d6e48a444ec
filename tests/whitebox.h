/* The module headers of src/, for the white-box tests: every a2c__
 * function they call is declared in its module's header.  No struct of an
 * object (net, trainer, optimizer, rollout, config) is visible here. */
#ifndef A2C_TESTS_WHITEBOX_H
#define A2C_TESTS_WHITEBOX_H

#include "algo/loss.h"
#include "algo/optimizer.h"
#include "algo/rollout.h"
#include "algo/trainer.h"
#include "common/codec.h"
#include "common/common.h"
#include "common/config.h"
#include "common/rms.h"
#include "common/rng.h"
#include "envs/envs.h"
#include "envs/vecenv.h"
#include "kernels/kernels.h"
#include "nn/layers.h"
#include "nn/net.h"
#include "policy/categorical.h"
#include "policy/dist.h"

#endif /* A2C_TESTS_WHITEBOX_H */
