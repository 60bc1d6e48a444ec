/* liba2c_mpi: data-parallel training over MPI through liba2c's gradient
 * reducer hook (a2c_trainer_set_reducer).  A user of liba2c's public API
 * only; it is not part of liba2c (sources.mk does not list it), so the core
 * never depends on MPI.  See include/a2c/a2c_mpi.h and docs/mpi.md. */
#include <a2c/a2c_mpi.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct a2c_mpi {
    MPI_Comm comm; /* a duplicate of the host's: the reducer's messages stay apart */
    int rank, size;
    a2c_trainer *tr;
    size_t n_params;
    size_t obs_dim;
    int normalizes;     /* the net carries observation statistics */
    float *params;      /* n_params: rank 0's parameters as received */
    double *obs_stats;  /* 2 * obs_dim + 2: means, variances, count, clip_obs */
};

/* ---- errors: one message per thread, as liba2c keeps its own ---- */

static _Thread_local char last_message[512];

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static a2c_status fail(a2c_status rc, const char *fn, const char *fmt, ...)
{
    int used = snprintf(last_message, sizeof last_message, "%s: ", fn);
    if (used < 0) used = 0;
    if ((size_t)used < sizeof last_message) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(last_message + used, sizeof last_message - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* A failed MPI call, named with MPI's own words for its error code. */
static a2c_status fail_mpi(const char *fn, const char *call, int code)
{
    char text[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "?");
    return fail(A2C_E_ENV, fn, "%s failed: %s (MPI error %d)", call, text, code);
}

A2C_API const char *a2c_mpi_last_error(void)
{
    return last_message;
}

/* ---- the reducer ---- */

/* The mean over the ranks, in place: one sum of the gradient and one of
 * the loss terms, then the same division on every rank.  MPI_Allreduce
 * hands every rank the same sum (see the header), so every rank's result
 * has the same bits.  With one rank nothing changes.  n_grads 0 (only
 * statistics) is accepted too, should the trainer ever reduce a statistic
 * on its own. */
static int reduce_mean(float *grads, size_t n_grads, double *stats, size_t n_stats, void *user)
{
    static const char fn[] = "a2c_mpi reducer";
    a2c_mpi *m = user;
    if ((n_grads != m->n_params && n_grads != 0) || n_stats > INT_MAX) {
        fail(A2C_E_STATE, fn, "the trainer hands %zu gradients and %zu statistics; "
             "attached with %zu parameters", n_grads, n_stats, m->n_params);
        return 1;
    }
    int rc = MPI_Allreduce(MPI_IN_PLACE, grads, (int)n_grads, MPI_FLOAT, MPI_SUM, m->comm);
    if (rc == MPI_SUCCESS)
        rc = MPI_Allreduce(MPI_IN_PLACE, stats, (int)n_stats, MPI_DOUBLE, MPI_SUM, m->comm);
    if (rc != MPI_SUCCESS) {
        fail_mpi(fn, "MPI_Allreduce", rc);
        return 1;
    }
    if (m->size == 1) return 0;
    const float nf = (float)m->size;
    for (size_t k = 0; k < n_grads; k++) grads[k] /= nf;
    for (size_t k = 0; k < n_stats; k++) stats[k] /= (double)m->size;
    return 0;
}

/* ---- rank 0's values to every rank ---- */

/* Agrees on one outcome: A2C_OK on every rank if `rc` is A2C_OK on every
 * rank; otherwise each failed rank keeps its status and message, and the
 * others fail with A2C_E_ENV naming the first rank that failed. */
static a2c_status agree(MPI_Comm comm, a2c_status rc, const char *fn)
{
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    int first_failed = rc == A2C_OK ? INT_MAX : rank;
    const int mpi_rc = MPI_Allreduce(MPI_IN_PLACE, &first_failed, 1, MPI_INT, MPI_MIN, comm);
    if (mpi_rc != MPI_SUCCESS) return fail_mpi(fn, "MPI_Allreduce", mpi_rc);
    if (rc != A2C_OK || first_failed == INT_MAX) return rc;
    return fail(A2C_E_ENV, fn, "rank %d failed (its a2c_mpi_last_error says why)", first_failed);
}

/* Rank 0's parameters, and observation statistics if the net keeps
 * them, to every other rank.  Every rank takes part in every collective
 * whatever happened before, and the outcome is agreed at the end. */
static a2c_status broadcast(a2c_mpi *m, const char *fn)
{
    a2c_net *net = a2c_trainer_net(m->tr);
    float *data = m->rank == 0 ? a2c_net_params(net) : m->params;
    int rc = MPI_Bcast(data, (int)m->n_params, MPI_FLOAT, 0, m->comm);
    if (rc != MPI_SUCCESS) return fail_mpi(fn, "MPI_Bcast of the parameters", rc);
    a2c_status status = A2C_OK;
    if (m->rank != 0) {
        status = a2c_net_set_params(net, m->params, m->n_params);
        if (status != A2C_OK)
            fail(status, fn, "cannot set rank 0's parameters: %s", a2c_last_error());
    }
    if (m->normalizes) {
        const size_t d = m->obs_dim;
        double *s = m->obs_stats;
        if (m->rank == 0) {
            status = a2c_net_get_obs_norm(net, s, s + d, d, s + 2 * d, s + 2 * d + 1);
            if (status != A2C_OK)
                fail(status, fn, "cannot read the observation statistics: %s", a2c_last_error());
        }
        rc = MPI_Bcast(s, (int)(2 * d + 2), MPI_DOUBLE, 0, m->comm);
        if (rc != MPI_SUCCESS) return fail_mpi(fn, "MPI_Bcast of the observation statistics", rc);
        if (m->rank != 0 && status == A2C_OK) {
            status = a2c_net_set_obs_norm(net, s, s + d, d, s[2 * d], s[2 * d + 1]);
            if (status != A2C_OK)
                fail(status, fn, "cannot set rank 0's observation statistics: %s",
                     a2c_last_error());
        }
    }
    return agree(m->comm, status, fn);
}

/* ---- the handle ---- */

static void free_handle(a2c_mpi *m)
{
    if (!m) return;
    free(m->params);
    free(m->obs_stats);
    free(m);
}

/* This rank's handle, its buffers allocated and the reducer installed. */
static a2c_status make_handle(a2c_trainer *tr, a2c_mpi **out, const char *fn)
{
    if (!tr) return fail(A2C_E_INVALID_ARG, fn, "tr is NULL");
    a2c_net *net = a2c_trainer_net(tr);
    const size_t n = a2c_net_param_count(net), d = a2c_net_obs_dim(net);
    if (n > INT_MAX || 2 * d + 2 > INT_MAX)
        return fail(A2C_E_INVALID_ARG, fn, "the net has %zu parameters, more than MPI's "
                    "int counts (%d) in one message", n, INT_MAX);
    a2c_mpi *m = calloc(1, sizeof *m);
    if (!m) return fail(A2C_E_NOMEM, fn, "out of memory");
    m->tr = tr;
    m->n_params = n;
    m->obs_dim = d;
    m->normalizes = a2c_net_normalizes_obs(net);
    m->comm = MPI_COMM_NULL;
    m->params = malloc(n * sizeof *m->params);
    m->obs_stats = calloc(2 * d + 2, sizeof *m->obs_stats);
    if (!m->params || !m->obs_stats) {
        free_handle(m);
        return fail(A2C_E_NOMEM, fn, "out of memory");
    }
    const a2c_status rc = a2c_trainer_set_reducer(tr, reduce_mean, m);
    if (rc != A2C_OK) {
        free_handle(m);
        return fail(rc, fn, "cannot install the reducer: %s", a2c_last_error());
    }
    *out = m;
    return A2C_OK;
}

static a2c_status mpi_running(const char *fn)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized)
        return fail(A2C_E_STATE, fn, "MPI is %s", finalized ? "finalized" : "not initialised");
    return A2C_OK;
}

A2C_API a2c_status a2c_mpi_attach(a2c_trainer *tr, MPI_Comm comm, a2c_mpi **out)
{
    static const char fn[] = "a2c_mpi_attach";
    if (out) *out = NULL;
    a2c_status rc = mpi_running(fn);
    if (rc != A2C_OK) return rc;
    if (comm == MPI_COMM_NULL) return fail(A2C_E_INVALID_ARG, fn, "comm is MPI_COMM_NULL");

    /* Everything that can fail on one rank alone is done before the first
     * collective, whose outcome every rank then shares: no rank is left
     * waiting for one that gave up. */
    a2c_mpi *m = NULL;
    rc = out ? make_handle(tr, &m, fn) : fail(A2C_E_INVALID_ARG, fn, "out is NULL");
    /* minima of: success, the parameter count and its negation (the
     * maximum), the same of the normalisation switch and the input size */
    long long v[7] = {rc == A2C_OK, 0, 0, 0, 0, 0, 0};
    if (m) {
        v[1] = (long long)m->n_params, v[2] = -v[1];
        v[3] = m->normalizes, v[4] = -v[3];
        v[5] = (long long)m->obs_dim, v[6] = -v[5];
    }
    int mpi_rc = MPI_Allreduce(MPI_IN_PLACE, v, 7, MPI_LONG_LONG, MPI_MIN, comm);
    /* a rank that failed keeps its own message */
    if (mpi_rc != MPI_SUCCESS) {
        rc = fail_mpi(fn, "MPI_Allreduce", mpi_rc);
    } else if (rc == A2C_OK && v[0] == 0) {
        rc = fail(A2C_E_ENV, fn, "another rank failed to attach (its a2c_mpi_last_error says why)");
    } else if (rc == A2C_OK && v[1] != -v[2]) {
        rc = fail(A2C_E_INVALID_ARG, fn, "the ranks' nets differ: %lld to %lld parameters", v[1],
                  -v[2]);
    } else if (rc == A2C_OK && v[5] != -v[6]) {
        rc = fail(A2C_E_INVALID_ARG, fn, "the ranks' nets differ: %lld to %lld observations",
                  v[5], -v[6]);
    } else if (rc == A2C_OK && v[3] != -v[4]) {
        rc = fail(A2C_E_INVALID_ARG, fn, "the ranks' nets differ: some normalise observations "
                  "(A2C_PARAM_NORM_OBS), some do not");
    }
    if (rc == A2C_OK) {
        mpi_rc = MPI_Comm_dup(comm, &m->comm);
        if (mpi_rc != MPI_SUCCESS) rc = fail_mpi(fn, "MPI_Comm_dup", mpi_rc);
    }
    if (rc == A2C_OK) {
        MPI_Comm_rank(m->comm, &m->rank);
        MPI_Comm_size(m->comm, &m->size);
        rc = broadcast(m, fn);
    }
    /* several ranks share their observation statistics as well (one rank
     * keeps VecNormalize's step-by-step updates, so that it trains as
     * without MPI) */
    if (rc == A2C_OK && m->size > 1) rc = a2c_trainer_set_reducer_flags(tr, A2C_REDUCE_OBS_NORM);
    if (rc != A2C_OK) {
        if (m) {
            a2c_trainer_set_reducer(tr, NULL, NULL);
            a2c_trainer_set_reducer_flags(tr, 0);
            if (m->comm != MPI_COMM_NULL) MPI_Comm_free(&m->comm);
            free_handle(m);
        }
        return rc;
    }
    *out = m;
    return A2C_OK;
}

A2C_API void a2c_mpi_detach(a2c_mpi *m)
{
    if (!m) return;
    a2c_trainer_set_reducer(m->tr, NULL, NULL);
    a2c_trainer_set_reducer_flags(m->tr, 0);
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&m->comm);
    free_handle(m);
}

A2C_API int a2c_mpi_rank(const a2c_mpi *m)
{
    return m ? m->rank : -1;
}

A2C_API int a2c_mpi_size(const a2c_mpi *m)
{
    return m ? m->size : 0;
}

A2C_API uint64_t a2c_mpi_rank_seed(uint64_t seed, int rank)
{
    /* 2^64 / the golden ratio, odd: rank -> rank * K is a bijection */
    const uint64_t spread = UINT64_C(0x9E3779B97F4A7C15);
    return (seed + (uint64_t)(unsigned)rank * spread) & UINT64_C(0x7FFFFFFFFFFFFFFF);
}

A2C_API a2c_status a2c_mpi_params_equal(a2c_mpi *m, int *equal)
{
    static const char fn[] = "a2c_mpi_params_equal";
    if (!m || !equal) return fail(A2C_E_INVALID_ARG, fn, "%s is NULL", m ? "equal" : "m");
    *equal = 0;
    float *mine = a2c_net_params(a2c_trainer_net(m->tr));
    float *data = m->rank == 0 ? mine : m->params;
    int rc = MPI_Bcast(data, (int)m->n_params, MPI_FLOAT, 0, m->comm);
    if (rc != MPI_SUCCESS) return fail_mpi(fn, "MPI_Bcast", rc);
    int same = m->rank == 0 || memcmp(m->params, mine, m->n_params * sizeof *mine) == 0;
    rc = MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, m->comm);
    if (rc != MPI_SUCCESS) return fail_mpi(fn, "MPI_Allreduce", rc);
    *equal = same;
    return A2C_OK;
}

A2C_API a2c_status a2c_mpi_broadcast_params(a2c_mpi *m)
{
    static const char fn[] = "a2c_mpi_broadcast_params";
    if (!m) return fail(A2C_E_INVALID_ARG, fn, "m is NULL");
    return broadcast(m, fn);
}
