/* liba2c_mpi under mpirun (tests/mpi/run.sh starts it with -np 2):
 *
 *   1. the reducer over one rank (MPI_COMM_SELF) is the identity: a run
 *      with it gives the same parameters and statistics, bit for bit, as a
 *      run without it;
 *      (with 1 to 4 threads);
 *   2. attach's failures are shared by every rank (nets of different sizes,
 *      a NULL trainer on one rank), so none is left waiting;
 *   3. a2c_mpi_params_equal sees one changed float, and
 *      a2c_mpi_broadcast_params repairs it; attach also copies rank 0's
 *      observation statistics;
 *   4. CartPole-v1 with the zoo's settings over all ranks, each with its
 *      own seed: after EVERY update every rank holds the same parameters and
 *      the same reduced losses, bit for bit, and the greedy evaluation at the
 *      end gives 500 on every rank;
 *   5. the divergence guard rolls back alike on every rank;
 *   6. Acrobot-v1 with the zoo's settings (VecNormalize): after every
 *      update every rank holds the same observation statistics too, which
 *      take every rank's observations (A2C_REDUCE_OBS_NORM).
 *
 * Any failure prints "test_mpi: FAIL (rank R): ..." and aborts the whole
 * job; rank 0 ends with "mpi: N checks passed". */
#include <a2c/a2c_mpi.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENV_ID "CartPole-v1"
#define SEED 3u

static int rank, size, checks;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "test_mpi: FAIL (rank %d): ", rank);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

static void expect(int ok, const char *what)
{
    checks++;
    if (!ok) fail("%s", what);
}

static void expect_ok(a2c_status rc, const char *what)
{
    checks++;
    if (rc != A2C_OK)
        fail("%s: %s (%s; %s)", what, a2c_status_name(rc), a2c_last_error(),
             a2c_mpi_last_error());
}

/* The zoo's CartPole-v1 settings with `seed`, on `threads` threads;
 * `width` 0 keeps the preset's net. */
static a2c_config *make_config(uint64_t seed, int32_t width, int threads)
{
    a2c_config *cfg = NULL;
    uint64_t n_timesteps = 0;
    expect_ok(a2c_config_create(&cfg, NULL), "a2c_config_create");
    expect_ok(a2c_config_apply_preset(cfg, ENV_ID, &n_timesteps), "apply_preset");
    expect_ok(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed), "set seed");
    expect_ok(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads), "set n_threads");
    if (width) {
        const int32_t arch[2] = {width, width};
        expect_ok(a2c_config_set_net_arch(cfg, arch, 2, arch, 2), "set_net_arch");
    }
    return cfg;
}

typedef struct run {
    a2c_config *cfg;
    a2c_env *env;
    a2c_trainer *tr;
} run;

/* A trainer and its environments of `id` for `cfg`, which the run then
 * owns. */
static run make_run_env(const char *id, a2c_config *cfg)
{
    run r = {cfg, NULL, NULL};
    int64_t n_envs = 0;
    expect_ok(a2c_config_get_int(r.cfg, A2C_PARAM_N_ENVS, &n_envs), "get n_envs");
    expect_ok(a2c_env_make(&r.env, id, (uint32_t)n_envs, NULL), "a2c_env_make");
    expect_ok(a2c_trainer_create(&r.tr, r.cfg, r.env), "a2c_trainer_create");
    return r;
}

static run make_run_from(a2c_config *cfg)
{
    return make_run_env(ENV_ID, cfg);
}

static run make_run_threads(uint64_t seed, int32_t width, int threads)
{
    return make_run_from(make_config(seed, width, threads));
}

static run make_run(uint64_t seed, int32_t width)
{
    return make_run_threads(seed, width, 1);
}

static void free_run(run *r)
{
    a2c_trainer_destroy(r->tr);
    a2c_env_close(r->env);
    a2c_config_destroy(r->cfg);
}

/* ---- 1: one rank's reducer changes nothing ---- */

/* The statistics that the reducer path recomputes, update by update. */
typedef struct trace {
    double *values;
    size_t n, cap;
} trace;

static int record(const a2c_train_stats *s, void *user)
{
    trace *t = user;
    const double v[] = {s->policy_loss, s->value_loss, s->entropy_loss, s->total_loss,
                        s->grad_norm, s->actor_grad_norm, s->critic_grad_norm};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 1024;
            t->values = realloc(t->values, t->cap * sizeof *t->values);
            if (!t->values) fail("out of memory");
        }
        t->values[t->n++] = v[k];
    }
    return 0;
}

/* With several threads the plain run measures the gradient's norm in
 * parts on its threads, the reducer path again after the reduction: they
 * must agree. */
static void test_identity(int threads)
{
    const uint64_t steps = 20000, seed = SEED + (uint64_t)rank;
    run plain = make_run_threads(seed, 0, threads), reduced = make_run_threads(seed, 0, threads);
    a2c_mpi *alone = NULL;
    expect_ok(a2c_mpi_attach(reduced.tr, MPI_COMM_SELF, &alone), "attach to MPI_COMM_SELF");
    expect(a2c_mpi_rank(alone) == 0 && a2c_mpi_size(alone) == 1, "MPI_COMM_SELF: rank 0 of 1");
    trace a = {0}, b = {0};
    expect_ok(a2c_trainer_learn(plain.tr, steps, record, &a), "learn without the reducer");
    expect_ok(a2c_trainer_learn(reduced.tr, steps, record, &b), "learn with the reducer");
    expect(a.n == b.n && a.n > 0 && memcmp(a.values, b.values, a.n * sizeof *a.values) == 0,
           "one rank's reducer: the update statistics differ from a run without it");
    const size_t n = a2c_net_param_count(a2c_trainer_net(plain.tr));
    expect(memcmp(a2c_net_params(a2c_trainer_net(plain.tr)),
                  a2c_net_params(a2c_trainer_net(reduced.tr)), n * sizeof(float)) == 0,
           "one rank's reducer: the parameters differ from a run without it");
    a2c_mpi_detach(alone);
    free(a.values);
    free(b.values);
    free_run(&plain);
    free_run(&reduced);
}

/* ---- 2 and 3: failures every rank sees, and the equality check ---- */

static void test_failures(void)
{
    a2c_mpi *m = NULL;
    a2c_status rc;
    if (size > 1) { /* rank 0's net is 64x64, the others' 32x32 */
        run odd = make_run(SEED, rank == 0 ? 0 : 32);
        m = (a2c_mpi *)&odd; /* must be cleared on failure */
        rc = a2c_mpi_attach(odd.tr, MPI_COMM_WORLD, &m);
        expect(rc == A2C_E_INVALID_ARG && m == NULL && strstr(a2c_mpi_last_error(), "differ"),
               "nets of different sizes: attach fails alike on every rank");
        free_run(&odd);
    }

    run one = make_run(SEED, 0);
    rc = a2c_mpi_attach(rank == size - 1 ? NULL : one.tr, MPI_COMM_WORLD, &m);
    expect(rank == size - 1 ? rc == A2C_E_INVALID_ARG : rc == A2C_E_ENV,
           "a NULL trainer on one rank: attach fails on every rank");
    expect(m == NULL, "a failed attach leaves *out NULL");

    expect_ok(a2c_mpi_attach(one.tr, MPI_COMM_WORLD, &m), "attach");
    int equal = 0;
    expect_ok(a2c_mpi_params_equal(m, &equal), "params_equal");
    expect(equal == 1, "after attach every rank holds rank 0's parameters");
    if (rank == size - 1) a2c_net_params(a2c_trainer_net(one.tr))[7] += 1.0f;
    expect_ok(a2c_mpi_params_equal(m, &equal), "params_equal");
    expect(equal == (size == 1), "params_equal sees one float changed on the last rank");
    expect_ok(a2c_mpi_broadcast_params(m), "broadcast_params");
    expect_ok(a2c_mpi_params_equal(m, &equal), "params_equal");
    expect(equal == 1, "broadcast_params makes the parameters equal again");
    a2c_mpi_detach(m);
    free_run(&one);

    /* observation statistics travel with the parameters */
    a2c_config *cfg = make_config(SEED, 0, 1);
    expect_ok(a2c_config_set_int(cfg, A2C_PARAM_NORM_OBS, 1), "set norm_obs");
    run norm = make_run_from(cfg);
    a2c_net *net = a2c_trainer_net(norm.tr);
    double mean[4] = {rank + 0.5, 1, 2, 3}, var[4] = {1, 2, 3, rank + 4.0}, count = rank + 7.0;
    expect_ok(a2c_net_set_obs_norm(net, mean, var, 4, count, 10.0), "set_obs_norm");
    expect_ok(a2c_mpi_attach(norm.tr, MPI_COMM_WORLD, &m), "attach with norm_obs");
    double got[4 + 4 + 2];
    expect_ok(a2c_net_get_obs_norm(net, got, got + 4, 4, got + 8, got + 9), "get_obs_norm");
    expect(got[0] == 0.5 && got[7] == 4.0 && got[8] == 7.0 && got[9] == 10.0,
           "attach gives every rank rank 0's observation statistics");
    a2c_mpi_detach(m);
    free_run(&norm);
}

/* ---- 4: CartPole over every rank ---- */

typedef struct watch {
    a2c_mpi *m;
    uint64_t updates;
} watch;

static int check_update(const a2c_train_stats *s, void *user)
{
    watch *w = user;
    int equal = 0;
    if (a2c_mpi_params_equal(w->m, &equal) != A2C_OK) fail("%s", a2c_mpi_last_error());
    if (!equal)
        fail("the ranks' parameters differ after update %llu", (unsigned long long)s->updates);
    /* the reduced losses are the same everywhere too */
    double losses[3] = {s->policy_loss, s->value_loss, s->entropy_loss}, root[3];
    memcpy(root, losses, sizeof root);
    MPI_Bcast(root, 3, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (memcmp(root, losses, sizeof root) != 0)
        fail("the ranks' reduced losses differ after update %llu",
             (unsigned long long)s->updates);
    w->updates++;
    return 0;
}

static void test_cartpole(void)
{
    /* the zoo's budget, 500000 steps, over all ranks */
    const uint64_t per_rank = 500000 / (uint64_t)size;
    run r = make_run(a2c_mpi_rank_seed(SEED, rank), 0);
    watch w = {NULL, 0};
    expect_ok(a2c_mpi_attach(r.tr, MPI_COMM_WORLD, &w.m), "attach");
    expect_ok(a2c_trainer_learn(r.tr, per_rank, check_update, &w), "learn");
    checks += (int)w.updates;
    expect(w.updates > 1000, "CartPole: more than 1000 updates checked");

    a2c_env *eval_env = NULL;
    double mean = 0.0, std = 0.0;
    expect_ok(a2c_env_make(&eval_env, ENV_ID, 10, NULL), "eval env");
    expect_ok(a2c_evaluate(a2c_trainer_net(r.tr), eval_env, 10, 1, SEED, &mean, &std, NULL),
              "a2c_evaluate");
    if (rank == 0)
        printf("CartPole-v1, %d ranks x %llu steps: %llu updates with equal parameters, "
               "greedy evaluation %.1f +/- %.1f\n", size, (unsigned long long)per_rank,
               (unsigned long long)w.updates, mean, std);
    expect(mean == 500.0, "CartPole: greedy evaluation of 500");
    a2c_env_close(eval_env);
    a2c_mpi_detach(w.m);
    free_run(&r);
}

/* ---- 5: the divergence guard decides alike on every rank ----
 * A learning rate of 0.5 makes the guard roll back often, for loss jumps
 * that each rank measures on its own batch; the reducer passes their mean,
 * so the ranks roll back together and their parameters stay equal. */
typedef struct guard_watch {
    watch w;
    uint64_t rollbacks;
} guard_watch;

static int check_guarded_update(const a2c_train_stats *s, void *user)
{
    guard_watch *g = user;
    check_update(s, &g->w);
    uint64_t mine[2] = {s->rollbacks, s->rollback}, root[2];
    memcpy(root, mine, sizeof root);
    MPI_Bcast(root, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (memcmp(root, mine, sizeof root) != 0)
        fail("the ranks' rollbacks differ after update %llu", (unsigned long long)s->updates);
    g->rollbacks = s->rollbacks;
    return 0;
}

static void test_guard(void)
{
    a2c_config *cfg = make_config(a2c_mpi_rank_seed(SEED, rank), 0, 1);
    expect_ok(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, 0.5), "set learning_rate");
    expect_ok(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, 1000), "set max_rollbacks");
    run r = make_run_from(cfg);
    guard_watch g = {{NULL, 0}, 0};
    expect_ok(a2c_mpi_attach(r.tr, MPI_COMM_WORLD, &g.w.m), "attach");
    expect_ok(a2c_trainer_learn(r.tr, 20000 / (uint64_t)size, check_guarded_update, &g),
              "learn at learning rate 0.5 with the guard");
    checks += (int)g.w.updates;
    if (rank == 0)
        printf("guard at learning rate 0.5: %llu rollbacks, decided alike on %d ranks\n",
               (unsigned long long)g.rollbacks, size);
    expect(g.rollbacks > 0, "the guard rolled back at learning rate 0.5");
    a2c_mpi_detach(g.w.m);
    free_run(&r);
}

/* ---- 6: observation statistics over every rank ---- */

#define OBS_ENV "Acrobot-v1"

typedef struct obs_watch {
    watch w;
    const a2c_net *net;
    size_t dim;
    double stats[2 * 32 + 1]; /* means, variances, count */
    double first_count, last_count;
} obs_watch;

static int check_obs_update(const a2c_train_stats *s, void *user)
{
    obs_watch *o = user;
    check_update(s, &o->w);
    const size_t d = o->dim;
    double mine[2 * 32 + 1];
    if (a2c_net_get_obs_norm(o->net, mine, mine + d, d, mine + 2 * d, NULL) != A2C_OK)
        fail("a2c_net_get_obs_norm: %s", a2c_last_error());
    double root[2 * 32 + 1];
    memcpy(root, mine, (2 * d + 1) * sizeof *mine);
    MPI_Bcast(root, (int)(2 * d + 1), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (memcmp(root, mine, (2 * d + 1) * sizeof *mine) != 0)
        fail("the ranks' observation statistics differ after update %llu",
             (unsigned long long)s->updates);
    if (o->w.updates == 1) o->first_count = mine[2 * d];
    o->last_count = mine[2 * d];
    memcpy(o->stats, mine, (2 * d + 1) * sizeof *mine);
    return 0;
}

static void test_obs_stats(void)
{
    a2c_config *cfg = NULL;
    expect_ok(a2c_config_create(&cfg, NULL), "a2c_config_create");
    expect_ok(a2c_config_apply_preset(cfg, OBS_ENV, NULL), "apply_preset " OBS_ENV);
    expect_ok(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)a2c_mpi_rank_seed(SEED, rank)),
              "set seed");
    int64_t norm = 0, n_envs = 0, n_steps = 0;
    expect_ok(a2c_config_get_int(cfg, A2C_PARAM_NORM_OBS, &norm), "get norm_obs");
    expect(norm == 1, OBS_ENV "'s preset normalises observations");
    expect_ok(a2c_config_get_int(cfg, A2C_PARAM_N_ENVS, &n_envs), "get n_envs");
    expect_ok(a2c_config_get_int(cfg, A2C_PARAM_N_STEPS, &n_steps), "get n_steps");
    run r = make_run_env(OBS_ENV, cfg);
    obs_watch o;
    memset(&o, 0, sizeof o);
    o.net = a2c_trainer_net(r.tr);
    o.dim = r.env->obs_dim;
    expect(o.dim <= 32, "observation size fits the test's buffers");
    expect_ok(a2c_mpi_attach(r.tr, MPI_COMM_WORLD, &o.w.m), "attach");
    expect_ok(a2c_trainer_learn(r.tr, 30000 / (uint64_t)size, check_obs_update, &o),
              "learn " OBS_ENV);
    checks += (int)o.w.updates;
    /* every update merges one batch of the mean rank's rows */
    const double rows = (double)(n_envs * n_steps);
    const double grown = o.last_count - o.first_count, want = rows * (double)(o.w.updates - 1);
    if (fabs(grown - want) > 1e-9 * want) /* the count starts at 1e-4 */
        fail("the statistics' count grew by %.6f over %llu updates, not %.0f", grown,
             (unsigned long long)o.w.updates - 1, want);
    checks++;
    if (rank == 0)
        printf(OBS_ENV ", %d ranks: %llu updates with equal parameters and observation "
               "statistics (count %.0f, first mean %.4f)\n", size,
               (unsigned long long)o.w.updates, o.last_count, o.stats[0]);
    a2c_mpi_detach(o.w.m);
    free_run(&r);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    expect(a2c_mpi_rank_seed(SEED, 0) == SEED, "rank 0 keeps the seed");
    expect(a2c_mpi_rank_seed(SEED, 1) != a2c_mpi_rank_seed(SEED, 2), "ranks' seeds differ");
    expect(a2c_mpi_rank_seed(UINT64_MAX, 5) <= (uint64_t)INT64_MAX, "seeds fit A2C_PARAM_SEED");
    double lo = 1.0, hi = 1.0; /* the thread counts this library allows, up to 4 */
    expect_ok(a2c_param_bounds(A2C_PARAM_N_THREADS, &lo, &hi), "n_threads bounds");
    for (int threads = 1; threads <= 4 && threads <= hi; threads++) test_identity(threads);
    test_failures();
    test_guard();
    test_obs_stats();
    test_cartpole();

    int total = checks;
    MPI_Reduce(&checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi: %d checks passed on %d ranks\n", total, size);
    MPI_Finalize();
    return 0;
}
