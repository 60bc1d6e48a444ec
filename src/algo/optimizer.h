/* a2c_optimizer internals (optimizer.c): the trainer's fused update and the
 * optimizer section of trainer checkpoints.  struct a2c_optimizer is
 * private to optimizer.c. */
#ifndef A2C_ALGO_OPTIMIZER_H
#define A2C_ALGO_OPTIMIZER_H

#include "common/codec.h"
#include "common/common.h"
#include "kernels/kernels.h"

/* The update split in parts: count the step once (A2C_E_STATE at the step
 * limit, 2^53), then update elements [begin, end) with that step's factors
 * (each element is independent, so ranges may run on two threads at once;
 * the ranges of one step must cover the whole vector, each once), using
 * grads * gscale and zeroing the used gradients.  apply_range returns
 * nonzero if it made a parameter or state value non-finite; the caller
 * then undoes the whole step (parameters, state, step count) once every
 * range has run. */
a2c_status a2c__optimizer_count_step(a2c_optimizer *opt);
int a2c__optimizer_apply_range(a2c_optimizer *opt, float *params, float *grads,
                               double progress_remaining, size_t begin, size_t end, float gscale);
void a2c__optimizer_undo_step(a2c_optimizer *opt, float *params);
/* The divergence guard's factor on the schedule's learning rate (1 by
 * default; exactly the schedule's rate then). */
void a2c__optimizer_set_lr_scale(a2c_optimizer *opt, double scale);
/* For the update just made, adds the sum of squares of (params - params
 * before it) over [begin, end) to *moved, and of the params before it to
 * *size: the update's size, one range at a time (each thread its own). */
void a2c__optimizer_step_sums(const a2c_optimizer *opt, const float *params, size_t begin,
                              size_t end, double *moved, double *size);
/* 1 if every state value is finite. */
int a2c__optimizer_state_finite(const a2c_optimizer *opt);
/* 1 for RMSprop, 0 for Adam. */
int a2c__optimizer_is_rmsprop(const a2c_optimizer *opt);
/* Tests: run the updates on another kernel table. */
void a2c__optimizer_use_kernels(a2c_optimizer *opt, const a2c__kernels *k);

/* The optimizer section: the kind, the step count and the state vector.
 * a2c__optimizer_read checks the section against `opt` (same kind, same
 * size, finite, second moments not negative) and stores nothing; the
 * reader is bad if anything is wrong.  a2c__optimizer_commit then
 * applies a section that a2c__optimizer_read accepted. */
void a2c__optimizer_write(a2c__writer *w, const a2c_optimizer *opt);
typedef struct a2c__optimizer_section {
    int rms;
    uint64_t steps;
    const unsigned char *state; /* state_n little-endian floats, checked */
    size_t state_n;
} a2c__optimizer_section;
void a2c__optimizer_read(a2c__reader *r, size_t n_params, a2c__optimizer_section *out);
void a2c__optimizer_commit(a2c_optimizer *opt, const a2c__optimizer_section *s);

#endif /* A2C_ALGO_OPTIMIZER_H */
