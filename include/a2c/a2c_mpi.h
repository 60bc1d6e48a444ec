/*
 * liba2c_mpi -- data-parallel A2C training over MPI, a companion of liba2c.
 *
 * This header is the companion's whole API and its reference; docs/mpi.md
 * explains its use.  liba2c itself stays C11 + libm: this library is
 * separate (liba2c_mpi.a / .so, pkg-config a2c_mpi), built by `make mpi`,
 * and a program that uses it is compiled with mpicc:
 *
 *   mpicc prog.c $(pkg-config --cflags --libs a2c_mpi) -lm
 *
 * It uses only liba2c's public API: the gradient reducer hook
 * (a2c_trainer_set_reducer) and the flat parameters of the trainer's net.
 *
 * How training runs on N ranks
 * - Every rank creates its own trainer with the same config, except the
 *   seed: a2c_mpi_rank_seed gives each rank its own, so that the ranks
 *   collect different episodes.
 * - a2c_mpi_attach copies rank 0's parameters to every rank and installs
 *   the reducer.  At every update each rank computes the gradient of its own
 *   rollout (n_envs x n_steps samples), and the reducer replaces it, and the
 *   three loss terms, by their mean over the ranks (MPI_Allreduce with
 *   MPI_SUM, then a division by N done alike on every rank).  With rollouts
 *   of equal size that mean is the gradient of the union of the batches.
 *   Every rank then clips and steps the same gradient from the same
 *   parameters with the same optimizer state, so the parameters stay
 *   identical, bit for bit.
 * - Each rank calls a2c_trainer_learn with the same total_timesteps (its
 *   own share: its env steps) and the same callback decisions: a rank that
 *   stops early leaves the others waiting in their next reduction.
 *
 * Bit-identical results need every rank to receive the same bits from
 * MPI_Allreduce.  The MPI standard recommends it (MPI-3.1, section 5.9.1,
 * advice to implementors) and Open MPI's algorithms do it (docs/mpi.md);
 * a2c_mpi_params_equal checks it (tests/mpi/test_mpi.c does after every
 * update).  With N = 1 the reducer is the identity: training gives
 * the same bits as without it.  Results depend on N (it sets the batch).
 *
 * Not reduced (each rank keeps its own): observation-normalisation
 * statistics (A2C_PARAM_NORM_OBS; rank 0's are the ones it saves), the
 * reward scaling of A2C_PARAM_NORM_REWARD, and each rank's statistics
 * other than the losses and gradient norms (episode returns, entropy, KL,
 * ...).  The divergence guard decides alike on every rank: its non-finite
 * tests see the reduced gradient and losses, and its loss-jump test
 * (A2C_PARAM_ROLLBACK_LOSS_JUMP with A2C_PARAM_MAX_ROLLBACKS > 0) the mean of
 * the ranks' jumps, which the core passes through the reducer too.
 *
 * Errors: functions return an a2c_status; a2c_mpi_last_error() then
 * says which function failed and why (per thread, like a2c_last_error).
 * An MPI error inside a collective is handled by the communicator's error
 * handler (MPI aborts the job by default).  With MPI_ERRORS_RETURN on the
 * communicator the reducer reports the failure instead, and learn returns
 * A2C_E_ENV; the other ranks may then wait forever in their next
 * collective, so a host should call MPI_Abort on any failure.
 *
 * Every function taking an a2c_mpi is called from the thread that called
 * MPI_Init (or with MPI_THREAD_MULTIPLE).  "Collective" functions must be
 * called by every rank of the communicator, in the same order.
 */
#ifndef A2C_A2C_MPI_H
#define A2C_A2C_MPI_H

#include <a2c/a2c.h>
#include <mpi.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One trainer's membership of a group of data-parallel workers. */
typedef struct a2c_mpi a2c_mpi;

/* Collective.  Joins `tr` (this rank's trainer, not learning) to the
 * ranks of `comm`: checks that every rank's net has as many parameters,
 * sets every rank's parameters (and observation statistics, if the net
 * normalises) to rank 0's, and installs the reducer.  The communicator is
 * duplicated, so the host's own messages on `comm` never mix with the
 * reducer's.  Allocates its buffers here, once: nothing is allocated per
 * update.  The trainer must outlive the handle.  Returns A2C_OK,
 * A2C_E_INVALID_ARG (NULL argument; a rank's net differs in size: every
 * rank then fails), A2C_E_NOMEM, A2C_E_STATE (MPI is not initialised;
 * called inside the trainer's callbacks) or A2C_E_ENV (an MPI call
 * failed); *out is NULL on failure. */
A2C_API a2c_status a2c_mpi_attach(a2c_trainer *tr, MPI_Comm comm, a2c_mpi **out);

/* Collective.  Removes the reducer from the trainer (which then trains
 * alone again) and frees the handle; NULL does nothing.  Call it before
 * destroying the trainer and before MPI_Finalize. */
A2C_API void a2c_mpi_detach(a2c_mpi *m);

/* This rank's number in the communicator (0 .. size - 1), and the number of
 * ranks; -1 and 0 for NULL. */
A2C_API int a2c_mpi_rank(const a2c_mpi *m);
A2C_API int a2c_mpi_size(const a2c_mpi *m);

/* The A2C_PARAM_SEED of `rank` for a run seeded `seed`:
 *   (seed + rank * 0x9E3779B97F4A7C15) mod 2^63
 * Rank 0 keeps `seed` (below 2^63), so a one-rank run trains as a plain one
 * with that seed; distinct ranks below 2^63 get distinct seeds (the
 * multiplier is odd), spread far apart. */
A2C_API uint64_t a2c_mpi_rank_seed(uint64_t seed, int rank);

/* Collective.  Sets *equal, on every rank, to 1 if every rank's parameters
 * equal rank 0's bit for bit, else 0.  Costs one broadcast of the
 * parameters; allocates nothing.  Returns A2C_OK, A2C_E_INVALID_ARG or
 * A2C_E_ENV (an MPI call failed). */
A2C_API a2c_status a2c_mpi_params_equal(a2c_mpi *m, int *equal);

/* Collective.  Copies rank 0's parameters (and observation statistics,
 * if the net normalises) to every rank, as attach does; for a host that
 * changed them on rank 0 (e.g. loaded a net there).  Not during learn.
 * Returns A2C_OK, A2C_E_INVALID_ARG, A2C_E_NONFINITE (rank 0's values are
 * not finite) or A2C_E_ENV. */
A2C_API a2c_status a2c_mpi_broadcast_params(a2c_mpi *m);

/* The message of this thread's last failure in this library
 * ("a2c_mpi_attach: the ranks' nets differ: 4611 to 9155 parameters");
 * "" if none.  Static storage, valid until the next failing call. */
A2C_API const char *a2c_mpi_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* A2C_A2C_MPI_H */
