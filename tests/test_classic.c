/* Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0 and Pendulum-v1:
 * replay of Gymnasium's recorded transitions, the ENVS.md 6.2 cases, the
 * time limits, reset ranges and statistics, step_all against step, bad
 * input, the registry, allocation failure; and, for all five built-ins
 * (CartPole too), state save/restore: a bit-exact round trip and the
 * refusal of corrupt bytes. */
#include "harness.h"
#include "whitebox.h"
#include "fail_alloc.h"

#include <stdlib.h>
#include <string.h>

#define FIXTURE_DIR A2C_SOURCE_DIR "/tests/fixtures/gym/"

/* A single step from a set state agrees with Gymnasium to ~1e-16 relative
 * (libm vs NumPy sin/cos); ENVS.md 6.3 says assert at 1e-12. */
#define STATE_RTOL 1e-12
#define STATE_ATOL 1e-15
/* float32(state) may land one float ulp away when the doubles differ by an
 * ulp next to a rounding boundary. */
#define OBS_RTOL 1.2e-7

#define PI 3.14159265358979323846
#define MAX_S 4 /* state components */
#define MAX_O 6 /* observation components */

typedef void (*get_fn)(const a2c_env *env, uint32_t index, double *state);
typedef void (*set_fn)(a2c_env *env, uint32_t index, const double *state);

typedef struct env_desc {
    const char *id;
    uint32_t state_dim, obs_dim;
    uint32_t n_actions;    /* discrete: number of actions; 0 for a box */
    double act_lo, act_hi; /* box bounds */
    uint32_t limit;        /* registered max_episode_steps */
    get_fn get;
    set_fn set;
    uint32_t state_size;
    const char *tag; /* the saved state's first four bytes */
} env_desc;

enum { CP, AC, MC, MCC, PE, N_ENVS };

static const env_desc envs[N_ENVS] = {
    {"CartPole-v1", 4, 4, 2, 0, 0, 500, a2c__cartpole_get_state, a2c__cartpole_set_state, 48,
     "CP01"},
    {"Acrobot-v1", 4, 6, 3, 0, 0, 500, a2c__acrobot_get_state, a2c__acrobot_set_state, 44,
     "AC01"},
    {"MountainCar-v0", 2, 2, 3, 0, 0, 200, a2c__mountain_car_get_state,
     a2c__mountain_car_set_state, 28, "MC01"},
    {"MountainCarContinuous-v0", 2, 2, 0, -1, 1, 999, a2c__mountain_car_continuous_get_state,
     a2c__mountain_car_continuous_set_state, 28, "MCC1"},
    {"Pendulum-v1", 2, 3, 0, -2, 2, 200, a2c__pendulum_get_state, a2c__pendulum_set_state, 28,
     "PE01"},
};

static a2c_env *make(const env_desc *d, uint32_t n)
{
    a2c_env *env = NULL;
    CHECK(a2c_env_make(&env, d->id, n, NULL) == A2C_OK);
    return env;
}

static void reset(a2c_env *env, uint32_t index, uint64_t seed)
{
    float obs[MAX_O];
    CHECK_EQ_INT(env->reset(env->user, index, seed, obs), 0);
}

/* Reset (clearing the counters), then overwrite the state. */
static void start_at(const env_desc *d, a2c_env *env, uint32_t index, const double *s)
{
    reset(env, index, 12345);
    d->set(env, index, s);
}

typedef struct step_out {
    float obs[MAX_O];
    double reward;
    int terminated, truncated;
    double state[MAX_S];
} step_out;

/* One step with `action`: the index of a discrete env, the float value of
 * a box env's one component. */
static int step(const env_desc *d, a2c_env *env, uint32_t index, double action, step_out *o)
{
    const float box = (float)action;
    const int discrete = d->n_actions > 0;
    memset(o, 0, sizeof *o); /* components past the env's dimensions compare equal */
    const int rc = env->step(env->user, index, discrete ? (int32_t)action : 0,
                             discrete ? NULL : &box, o->obs, &o->reward, &o->terminated,
                             &o->truncated);
    d->get(env, index, o->state);
    return rc;
}

static int is_float(double x)
{
    return (double)(float)x == x;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- Gymnasium fixture replay ---- */

typedef struct row {
    char kind[8];
    long ep, t;
    double before[MAX_S], action, after[MAX_S];
    float obs[MAX_O];
    double reward;
    int terminated, truncated;
} row;

/* One CSV line into `r`: kind, ep, t, the state before, the action, the
 * state after, the observation, reward, terminated, truncated.  0 if it is
 * malformed. */
static int parse_row(const env_desc *d, char *line, row *r)
{
    char *p = line, *end;
    size_t k = strcspn(p, ",");
    if (p[k] != ',' || k >= sizeof r->kind) return 0;
    memcpy(r->kind, p, k);
    r->kind[k] = '\0';
    p += k + 1;
    const size_t S = d->state_dim, O = d->obs_dim;
    const size_t obs_at = 3 + 2 * S, n = 6 + 2 * S + O;
    double v[6 + 2 * MAX_S + MAX_O];
    for (size_t i = 0; i < n; i++) {
        if (i >= obs_at && i < obs_at + O) {
            r->obs[i - obs_at] = strtof(p, &end); /* exact: 9 digits round-trip a float */
            v[i] = 0.0;
        } else {
            v[i] = strtod(p, &end);
        }
        if (end == p) return 0;
        if (i + 1 < n && *end != ',') return 0;
        p = end + 1;
    }
    r->ep = (long)v[0];
    r->t = (long)v[1];
    for (size_t i = 0; i < S; i++) {
        r->before[i] = v[2 + i];
        r->after[i] = v[3 + S + i];
    }
    r->action = v[2 + S];
    r->reward = v[n - 3];
    r->terminated = (int)v[n - 2];
    r->truncated = (int)v[n - 1];
    return 1;
}

typedef struct replay_stats {
    long rows, n_rand, n_ep, bad_lines, flag_fail;
    long state_inexact, obs_inexact, reward_inexact;
    double worst_abs, worst_rel, worst_obs_rel;
} replay_stats;

/* Replays every row of tests/fixtures/gym/<id>.csv from its recorded
 * `before` state: rand rows on sub-env 0 (a reset, then the state), the
 * episodes on sub-env 1, reset at t = 0 and teacher-forced to the recorded
 * state at every step, so the env's own counter reports truncation. */
static void replay(const env_desc *d, const char *header, replay_stats *st)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s.csv", FIXTURE_DIR, d->id);
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (!CHECK(f != NULL)) return;
    a2c_env *env = make(d, 2);
    if (!env) {
        fclose(f);
        return;
    }
    const uint32_t S = d->state_dim, O = d->obs_dim;
    char line[1024];
    long lines = 0, prev_ep = -2, prev_t = -1;
    double prev_after[MAX_S] = {0};
    int chained = 1, floats = 1;
    while (fgets(line, sizeof line, f)) {
        lines++;
        if (lines == 1) {
            CHECK(strncmp(line, "# gymnasium,1.4.0,numpy,1.24.2", 30) == 0);
            continue;
        }
        if (lines == 2) {
            CHECK(strncmp(line, header, strlen(header)) == 0);
            continue;
        }
        row r;
        if (!parse_row(d, line, &r)) {
            st->bad_lines++;
            continue;
        }
        /* a box action was recorded from a float32: it must survive the
         * trip through float */
        if (d->n_actions == 0) CHECK(is_float(r.action));
        uint32_t index;
        if (strcmp(r.kind, "rand") == 0) {
            index = 0;
            reset(env, 0, (uint64_t)lines);
            st->n_rand++;
        } else if (strcmp(r.kind, "ep") == 0) {
            index = 1;
            if (r.t == 0) reset(env, 1, (uint64_t)r.ep);
            else {
                chained &= r.ep == prev_ep && r.t == prev_t + 1;
                for (uint32_t k = 0; k < S; k++) chained &= r.before[k] == prev_after[k];
            }
            prev_ep = r.ep;
            prev_t = r.t;
            memcpy(prev_after, r.after, sizeof prev_after);
            st->n_ep++;
        } else {
            st->bad_lines++;
            continue;
        }
        d->set(env, index, r.before);
        step_out o;
        CHECK_EQ_INT(step(d, env, index, r.action, &o), 0);
        for (uint32_t k = 0; k < S; k++) {
            const double diff = fabs(o.state[k] - r.after[k]);
            st->state_inexact += !same_bits(o.state[k], r.after[k]);
            const double rel = r.after[k] != 0.0 ? diff / fabs(r.after[k]) : diff;
            st->worst_abs = diff > st->worst_abs ? diff : st->worst_abs;
            st->worst_rel = rel > st->worst_rel ? rel : st->worst_rel;
            if (!(diff <= STATE_RTOL * fabs(r.after[k]) + STATE_ATOL)) {
                printf("%s line %ld: state[%u] %.17g vs %.17g\n", d->id, lines, k, o.state[k],
                       r.after[k]);
                CHECK(0);
            }
            if (d == &envs[MCC]) floats &= is_float(o.state[k]);
        }
        for (uint32_t k = 0; k < O; k++) {
            if (o.obs[k] == r.obs[k]) continue;
            st->obs_inexact++;
            const double orel = fabs((double)o.obs[k] - r.obs[k]) / fabs(r.obs[k]);
            st->worst_obs_rel = orel > st->worst_obs_rel ? orel : st->worst_obs_rel;
            CHECK_CLOSE(o.obs[k], r.obs[k], OBS_RTOL, 0.0);
        }
        st->reward_inexact += !same_bits(o.reward, r.reward);
        /* truncation applies to the episodes only (a rand row's counter is
         * at 1 of the limit) */
        if (o.reward != r.reward || o.terminated != r.terminated ||
            (index == 1 && o.truncated != r.truncated) || (index == 0 && o.truncated)) {
            printf("%s line %ld: reward %.17g/%.17g terminated %d/%d truncated %d/%d\n", d->id,
                   lines, o.reward, r.reward, o.terminated, r.terminated, o.truncated,
                   r.truncated);
            st->flag_fail++;
        }
    }
    fclose(f);
    a2c_env_close(env);
    st->rows = st->n_rand + st->n_ep;
    CHECK_EQ_INT(st->bad_lines, 0);
    CHECK_EQ_INT(st->flag_fail, 0);
    CHECK(chained);
    CHECK(floats); /* MountainCarContinuous stores float32 after every step */
    printf("%s fixture: %ld rows (%ld rand, %ld episode); state: %ld of %ld components "
           "bit-equal, worst %.3g abs / %.3g rel; observation: %ld of %ld bit-equal (worst "
           "%.3g rel); reward: %ld of %ld bit-equal\n",
           d->id, st->rows, st->n_rand, st->n_ep, S * st->rows - st->state_inexact,
           S * st->rows, st->worst_abs, st->worst_rel, O * st->rows - st->obs_inexact,
           O * st->rows, st->worst_obs_rel, st->rows - st->reward_inexact, st->rows);
}

static void test_fixtures(void)
{
    replay_stats st;
    replay(&envs[AC], "kind,ep,t,theta1_before,theta2_before,dtheta1_before", &st);
    CHECK_EQ_INT(st.n_rand, 400);
    CHECK_EQ_INT(st.n_ep, 3000);
    replay(&envs[MC], "kind,ep,t,position_before,velocity_before,action", &st);
    CHECK_EQ_INT(st.n_rand, 400);
    CHECK_EQ_INT(st.n_ep, 1200);
    replay(&envs[MCC], "kind,ep,t,position_before,velocity_before,action", &st);
    CHECK_EQ_INT(st.n_rand, 400);
    CHECK_EQ_INT(st.n_ep, 5994);
    replay(&envs[PE], "kind,ep,t,theta_before,theta_dot_before,action", &st);
    CHECK_EQ_INT(st.n_rand, 400);
    CHECK_EQ_INT(st.n_ep, 1200);
}

/* ---- ENVS.md 6.2 cases ---- */

/* One step from the current state; the state must match `want` (exactly
 * if `exact`, else to STATE_RTOL) and the observation must be the
 * env's own rounding of it. */
static void expect_step(const env_desc *d, a2c_env *env, double action, const double *want,
                        int exact, step_out *o, int line)
{
    harness_check(step(d, env, 0, action, o) == 0, __FILE__, line, "step");
    for (uint32_t k = 0; k < d->state_dim; k++) {
        if (exact) {
            if (!harness_check(same_bits(o->state[k], want[k]), __FILE__, line,
                               "state bit-equal"))
                printf("  state[%u] %.17g vs %.17g\n", k, o->state[k], want[k]);
        } else {
            harness_check_close(o->state[k], want[k], STATE_RTOL, STATE_ATOL, __FILE__, line,
                                "state", "expected");
        }
    }
}

static void test_acrobot_cases(void)
{
    const env_desc *d = &envs[AC];
    a2c_env *env = make(d, 1);
    if (!env) return;
    static const double rest[4] = {0, 0, 0, 0};
    step_out o;

    /* torque sign, and the observation built from the new state */
    static const double up[4] = {-0.013262967177227795, 0.03428722934738544,
                                 -0.12866185280996106, 0.33450108998660194};
    start_at(d, env, 0, rest);
    expect_step(d, env, 2, up, 0, &o, __LINE__);
    CHECK(o.reward == -1.0 && !o.terminated && !o.truncated);
    const float obs[6] = {(float)cos(o.state[0]), (float)sin(o.state[0]), (float)cos(o.state[1]),
                          (float)sin(o.state[1]), (float)o.state[2], (float)o.state[3]};
    CHECK(memcmp(obs, o.obs, sizeof obs) == 0);
    /* antisymmetry: the other torque flips every sign */
    const double down[4] = {-up[0], -up[1], -up[2], -up[3]};
    start_at(d, env, 0, rest);
    expect_step(d, env, 0, down, 0, &o, __LINE__);
    /* No torque from rest: cos(-pi/2) is not 0 in double, so the state
     * drifts by ~1e-17 (sin(theta) in its place would leave it at 0).  The
     * drift is pinned bit for bit: it involves only cos(-pi/2), correctly
     * rounded in every libm, and sin/cos of tiny angles, so it does not
     * vary across machines, and it changes with any regrouping of the
     * gravity terms or of the RK4 sum.  (A Gymnasium-style Python port
     * gives the same bits.) */
    start_at(d, env, 0, rest);
    expect_step(d, env, 1,
                (const double[4]){-0x1.18c95465248a2p-57, 0x1.affaa9392485ep-58,
                                  -0x1.5efba97e6dacbp-54, 0x1.0dfca9c3b6d3bp-54},
                1, &o, __LINE__);
    /* upright with no velocity, the drift is below half an ulp of pi: the
     * angle stays exactly at -pi or pi, which the wrap leaves alone */
    start_at(d, env, 0, (const double[4]){-PI, 0, 0, 0});
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(o.state[0] == -PI && fabs(o.state[1]) < 1e-15);
    CHECK(o.terminated && o.reward == 0.0);
    start_at(d, env, 0, (const double[4]){PI, 0, 0, 0});
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(o.state[0] == PI);

    /* gravity sign */
    start_at(d, env, 0, (const double[4]){0.5, 0, 0, 0});
    expect_step(d, env, 1,
                (const double[4]){0.4416339922310727, 0.04427604800950319, -0.5712936531304784,
                                  0.426802655561206},
                0, &o, __LINE__);
    /* the book dynamics (NIPS would give 0.4737440152368755,
     * 0.3622595132958187, 0.7039980446560825, -0.834019061031605) */
    start_at(d, env, 0, (const double[4]){0.3, 0.5, 1.0, -0.5});
    expect_step(d, env, 0,
                (const double[4]){0.47612903608390367, 0.3560017059532582, 0.7241775332550846,
                                  -0.8873445641482836},
                0, &o, __LINE__);
    CHECK(fabs(o.state[3] - -0.834019061031605) > 1e-2);
    CHECK(o.reward == -1.0 && !o.terminated);
    /* the angle wraps, and the tip is above the bar */
    start_at(d, env, 0, (const double[4]){3.1, 0, 2.0, 0});
    expect_step(d, env, 1,
                (const double[4]){-2.7719362846676403, -0.008629148029294374,
                                  2.1972583347367203, -0.1521741621389046},
                0, &o, __LINE__);
    CHECK(o.reward == 0.0 && o.terminated && !o.truncated);
    /* velocity bound: exactly 4 pi */
    start_at(d, env, 0, (const double[4]){0, 0, 12.5, 28.0});
    expect_step(d, env, 2,
                (const double[4]){-2.1670403520433723, -2.2844715212555875, 4 * PI,
                                  24.14129592326819},
                0, &o, __LINE__);
    CHECK(o.state[2] == 4 * PI);
    CHECK(o.reward == -1.0 && !o.terminated);
    /* the lower bound too, and the second link's */
    start_at(d, env, 0, (const double[4]){0, 0, -12.5, -28.0});
    CHECK_EQ_INT(step(d, env, 0, 0, &o), 0);
    CHECK(o.state[2] == -4 * PI);
    start_at(d, env, 0, (const double[4]){0, 0, 0, 28.2});
    CHECK_EQ_INT(step(d, env, 0, 2, &o), 0);
    CHECK(o.state[3] == 9 * PI);
    /* terminal height */
    start_at(d, env, 0, (const double[4]){3.0, 0, 0, 0});
    expect_step(d, env, 1,
                (const double[4]){2.982057837208604, 0.01400267051831374, -0.18343726539567606,
                                  0.14511760679397961},
                0, &o, __LINE__);
    CHECK(o.reward == 0.0 && o.terminated);
    /* terminated is no end of the simulation: a further step goes on */
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(o.state[0] != 2.982057837208604);
    /* angles are wrapped into [-pi, pi] by whole turns, however far out */
    start_at(d, env, 0, (const double[4]){3.0 + 6 * PI, -3.0 - 4 * PI, 0, 0});
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(fabs(o.state[0]) <= PI && fabs(o.state[1]) <= PI);
    a2c_env_close(env);
}

static void test_mountain_car_cases(void)
{
    const env_desc *d = &envs[MC];
    a2c_env *env = make(d, 1);
    if (!env) return;
    static const double valley[2] = {-0.5, 0};
    step_out o;

    /* push sign and gravity sign */
    start_at(d, env, 0, valley);
    expect_step(d, env, 2, (const double[2]){-0.49917684300416926, 0.0008231569958307428}, 1,
                &o, __LINE__);
    CHECK(o.reward == -1.0 && !o.terminated && !o.truncated);
    CHECK(o.obs[0] == (float)o.state[0] && o.obs[1] == (float)o.state[1]);
    start_at(d, env, 0, valley);
    expect_step(d, env, 1, (const double[2]){-0.5001768430041692, -0.00017684300416925727}, 1,
                &o, __LINE__);
    /* a sequence */
    start_at(d, env, 0, valley);
    CHECK_EQ_INT(step(d, env, 0, 2, &o), 0);
    CHECK_EQ_INT(step(d, env, 0, 2, &o), 0);
    CHECK_EQ_INT(step(d, env, 0, 0, &o), 0);
    expect_step(d, env, 1, (const double[2]){-0.49684550006784745, 0.0002462968644999427}, 1,
                &o, __LINE__);
    /* the velocity is clipped before it moves the car */
    start_at(d, env, 0, (const double[2]){-0.5, 0.0695});
    expect_step(d, env, 2, (const double[2]){-0.5 + 0.07, 0.07}, 1, &o, __LINE__);
    CHECK(fabs(o.state[0] - -0.43) < 1e-15);
    start_at(d, env, 0, (const double[2]){-0.5, -0.0695});
    expect_step(d, env, 0, (const double[2]){-0.5 - 0.07, -0.07}, 1, &o, __LINE__);
    /* the left wall stops the car */
    start_at(d, env, 0, (const double[2]){-1.19, -0.02});
    expect_step(d, env, 0, (const double[2]){-1.2, 0.0}, 1, &o, __LINE__);
    CHECK(!signbit(o.state[1]));
    CHECK(o.reward == -1.0 && !o.terminated);
    /* on the right the position is clipped and the velocity kept */
    start_at(d, env, 0, (const double[2]){0.59, 0.05});
    expect_step(d, env, 2, (const double[2]){0.6, 0.05149472203652278}, 1, &o, __LINE__);
    CHECK(o.reward == -1.0 && o.terminated && !o.truncated);
    /* the goal: reward -1 on the terminating step too */
    start_at(d, env, 0, (const double[2]){0.49, 0.02});
    expect_step(d, env, 1, (const double[2]){0.5097484356665327, 0.01974843566653267}, 1, &o,
                __LINE__);
    CHECK(o.reward == -1.0 && o.terminated);
    /* Grouping: the push and the slope are summed before the velocity is
     * added.  At p = 0 the slope term is exactly -0.0025 (cos 0 = 1 in
     * every libm), and these velocities round differently under the other
     * grouping. */
    for (int32_t a = 0; a <= 2; a += 2) {
        const double v0 = a == 2 ? 0.0006 : -0.0006, push = a == 2 ? 0.001 : -0.001;
        const double v1 = v0 + (push + 1.0 * -0.0025);
        CHECK(v1 != (v0 + push) + 1.0 * -0.0025); /* the case tells them apart */
        start_at(d, env, 0, (const double[2]){0.0, v0});
        expect_step(d, env, a, (const double[2]){0.0 + v1, v1}, 1, &o, __LINE__);
    }
    /* past the goal position but rolling back: not terminated */
    start_at(d, env, 0, (const double[2]){0.55, -0.01});
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(o.state[0] >= 0.5 && o.state[1] < 0 && !o.terminated);
    a2c_env_close(env);
}

static void test_mountain_car_continuous_cases(void)
{
    const env_desc *d = &envs[MCC];
    a2c_env *env = make(d, 1);
    if (!env) return;
    static const double valley[2] = {-0.5, 0};
    step_out o;

    /* force sign, then two more steps: the state is float32 from the
     * first step on */
    start_at(d, env, 0, valley);
    expect_step(d, env, 1.0, (const double[2]){-0.4986768364906311, 0.0013231569901108742}, 1,
                &o, __LINE__);
    CHECK(o.reward == -0.1 && !o.terminated && !o.truncated);
    CHECK(is_float(o.state[0]) && is_float(o.state[1]));
    CHECK(o.obs[0] == (float)o.state[0] && o.obs[1] == (float)o.state[1]);
    expect_step(d, env, 1.0, (const double[2]){-0.4960404336452484, 0.002636416582390666}, 1,
                &o, __LINE__);
    CHECK_EQ_INT(step(d, env, 0, -0.3, &o), 0);
    CHECK(o.state[0] == -0.4940604567527771);
    CHECK(o.reward == -0.009000000715255752); /* 0.1 * float(-0.3)^2 in double */
    CHECK(is_float(o.state[0]) && is_float(o.state[1]));
    /* the penalty takes the action as given, the push is clipped */
    start_at(d, env, 0, valley);
    expect_step(d, env, 2.0, (const double[2]){-0.4986768364906311, 0.0013231569901108742}, 1,
                &o, __LINE__);
    CHECK(o.reward == -0.4);
    start_at(d, env, 0, valley);
    CHECK_EQ_INT(step(d, env, 0, -2.0, &o), 0);
    CHECK(o.reward == -0.4 && o.state[1] < 0);
    /* the goal at 0.45 pays 100 */
    start_at(d, env, 0, (const double[2]){0.44, 0.02});
    expect_step(d, env, 0.0, (const double[2]){0.45937955379486084, 0.01937956176698208}, 1,
                &o, __LINE__);
    CHECK(o.reward == 100.0 && o.terminated && !o.truncated);
    start_at(d, env, 0, (const double[2]){0.44, 0.02});
    CHECK_EQ_INT(step(d, env, 0, 0.5, &o), 0);
    CHECK(o.reward == 100.0 - 0.25 * 0.1 && o.terminated);
    /* the left wall: float(-1.2) lies beyond -1.2 */
    start_at(d, env, 0, (const double[2]){-1.19, -0.02});
    expect_step(d, env, -1.0, (const double[2]){(float)-1.2, 0.0}, 1, &o, __LINE__);
    CHECK(o.state[0] == -1.2000000476837158);
    CHECK(o.reward == -0.1 && !o.terminated);
    /* the goal test sees the double position, not its float rounding:
     * 0.45 + 1e-9 rounds down to float(0.45) < 0.45.  Start where one
     * coasting step lands there (a fixed point of the step). */
    const double target = 0.45 + 1e-9, v0 = 0.02;
    CHECK((double)(float)target < 0.45);
    double p0 = target - v0;
    for (int k = 0; k < 20; k++) p0 = target - (v0 + (0.0 * 0.0015 - 0.0025 * cos(3 * p0)));
    start_at(d, env, 0, (const double[2]){p0, v0});
    CHECK_EQ_INT(step(d, env, 0, 0.0, &o), 0);
    CHECK(o.state[0] == (float)target && o.state[0] < 0.45 && o.state[1] > 0);
    CHECK(o.terminated && o.reward == 100.0);
    /* the velocity is clipped before it moves the car */
    start_at(d, env, 0, (const double[2]){-0.5, 0.0695});
    expect_step(d, env, 1.0, (const double[2]){(float)(-0.5 + 0.07), (float)0.07}, 1, &o,
                __LINE__);
    a2c_env_close(env);
}

static void test_pendulum_cases(void)
{
    const env_desc *d = &envs[PE];
    a2c_env *env = make(d, 1);
    if (!env) return;
    step_out o;

    /* equilibrium: nothing moves, the reward is -0.0 */
    start_at(d, env, 0, (const double[2]){0, 0});
    expect_step(d, env, 0.0, (const double[2]){0, 0}, 1, &o, __LINE__);
    CHECK(o.reward == 0.0 && signbit(o.reward));
    CHECK(!o.terminated && !o.truncated);
    CHECK(o.obs[0] == 1.0f && o.obs[1] == 0.0f && o.obs[2] == 0.0f);
    /* the reward comes from the state before the step */
    start_at(d, env, 0, (const double[2]){0, 0});
    expect_step(d, env, 2.0, (const double[2]){0.015000000000000003, 0.30000000000000004}, 0,
                &o, __LINE__);
    CHECK(o.reward == -0.004);
    /* gravity sign, semi-implicit Euler */
    start_at(d, env, 0, (const double[2]){1, 0});
    expect_step(d, env, 0.0, (const double[2]){1.031555161930296, 0.6311032386059224}, 0, &o,
                __LINE__);
    CHECK(o.reward == -1.0);
    CHECK((float)cos(o.state[0]) == o.obs[0] && (float)sin(o.state[0]) == o.obs[1]);
    /* the torque is clipped, in the dynamics and in the cost */
    start_at(d, env, 0, (const double[2]){1, 0});
    expect_step(d, env, 5.0, (const double[2]){1.0465551619302962, 0.9311032386059225}, 0, &o,
                __LINE__);
    CHECK(o.reward == -1.004);
    start_at(d, env, 0, (const double[2]){1, 0});
    CHECK_EQ_INT(step(d, env, 0, -5.0, &o), 0);
    CHECK(o.reward == -1.004);
    /* the speed is clipped before it moves the angle */
    start_at(d, env, 0, (const double[2]){1, 7.9});
    expect_step(d, env, 2.0, (const double[2]){1.4, 8.0}, 0, &o, __LINE__);
    CHECK(o.state[1] == 8.0);
    CHECK_CLOSE(o.reward, -7.245, 1e-15, 0.0);
    start_at(d, env, 0, (const double[2]){-1, -7.9});
    CHECK_EQ_INT(step(d, env, 0, -2.0, &o), 0);
    CHECK(o.state[1] == -8.0);
    /* the cost normalises the angle (floor modulo), the state does not */
    start_at(d, env, 0, (const double[2]){4.0, 0});
    expect_step(d, env, 0.0, (const double[2]){3.9716199064259525, -0.5676018714809463}, 0, &o,
                __LINE__);
    CHECK(o.reward == -5.212935146920741);
    start_at(d, env, 0, (const double[2]){-4.0, 0});
    CHECK_EQ_INT(step(d, env, 0, 0.0, &o), 0);
    CHECK(o.reward == -5.212935146920741); /* fmod alone would give -(4 + pi)^2 */
    /* -pi and +pi both normalise to -pi */
    start_at(d, env, 0, (const double[2]){-PI, 0});
    CHECK_EQ_INT(step(d, env, 0, 0.0, &o), 0);
    CHECK(o.state[0] == -PI);
    CHECK(o.reward == -9.869604401089358);
    start_at(d, env, 0, (const double[2]){PI, 0});
    CHECK_EQ_INT(step(d, env, 0, 0.0, &o), 0);
    CHECK(o.reward == -9.869604401089358);
    /* far from the origin the angle is still normalised for the cost */
    start_at(d, env, 0, (const double[2]){4.0 + 20 * PI, 0});
    CHECK_EQ_INT(step(d, env, 0, 0.0, &o), 0);
    CHECK_CLOSE(o.reward, -5.212935146920741, 1e-12, 0.0);
    CHECK(o.state[0] > 60.0);
    /* Grouping of the cost: (an^2 + 0.1 thdot^2) + 0.001 u^2, with these
     * values rounding differently under the other grouping (no trig in
     * the cost: it is the same on every machine) */
    {
        const double th = 0.003, thdot = 0.0111, u = (float)0.0033;
        const double an = fmod(th + PI, 2 * PI) - PI;
        const double cost = an * an + 0.1 * (thdot * thdot) + 0.001 * (u * u);
        CHECK(cost != an * an + (0.1 * (thdot * thdot) + 0.001 * (u * u)));
        start_at(d, env, 0, (const double[2]){th, thdot});
        CHECK_EQ_INT(step(d, env, 0, (float)0.0033, &o), 0);
        CHECK(same_bits(o.reward, -cost));
    }
    /* a general pair of steps */
    start_at(d, env, 0, (const double[2]){2.5, -3.0});
    expect_step(d, env, -1.5, (const double[2]){2.3611927054038984, -2.7761458919220328}, 0, &o,
                __LINE__);
    CHECK(o.reward == -7.15225);
    expect_step(d, env, 0.7, (const double[2]){2.254019049150574, -2.1434731250664907}, 0, &o,
                __LINE__);
    CHECK(o.reward == -6.346419593359446);
    a2c_env_close(env);
}

/* ---- the time limits ---- */

/* Steps sub-env 0 `limit` times from `start` with `action`, then once
 * more: truncated exactly from the limit on, never terminated. */
static void check_limit(const env_desc *d, const double *start, double action)
{
    a2c_env *env = make(d, 1);
    if (!env) return;
    CHECK_EQ_INT(env->max_episode_steps, d->limit);
    start_at(d, env, 0, start);
    step_out o;
    int early = 0, term = 0;
    for (uint32_t t = 1; t < d->limit; t++) {
        CHECK_EQ_INT(step(d, env, 0, action, &o), 0);
        early |= o.truncated;
        term |= o.terminated;
    }
    CHECK(!early && !term);
    CHECK_EQ_INT(step(d, env, 0, action, &o), 0);
    CHECK(!o.terminated && o.truncated);
    /* without a reset it keeps simulating, still truncated */
    double before[MAX_S];
    memcpy(before, o.state, sizeof before);
    CHECK_EQ_INT(step(d, env, 0, action, &o), 0);
    CHECK(o.truncated);
    /* a reset clears the counter */
    start_at(d, env, 0, start);
    CHECK_EQ_INT(step(d, env, 0, action, &o), 0);
    CHECK(!o.truncated);
    a2c_env_close(env);
}

static void test_truncation(void)
{
    static const double rest[4] = {0, 0, 0, 0}, valley[2] = {-0.5, 0};
    check_limit(&envs[AC], rest, 1);      /* no torque: hangs still */
    check_limit(&envs[MC], valley, 1);    /* coasting: (F, F) at 199, (F, T) at 200 */
    check_limit(&envs[MCC], valley, 0.0); /* coasting, 999 steps */
    check_limit(&envs[PE], rest, 2.0);    /* spinning up: never terminates */

    /* both flags on the same step: MountainCar reaching the goal on its
     * 200th step */
    const env_desc *d = &envs[MC];
    a2c_env *env = make(d, 1);
    if (!env) return;
    start_at(d, env, 0, valley);
    step_out o;
    for (int t = 1; t < 200; t++) CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(!o.terminated && !o.truncated);
    d->set(env, 0, (const double[2]){0.49, 0.02});
    CHECK_EQ_INT(step(d, env, 0, 1, &o), 0);
    CHECK(o.terminated && o.truncated);
    a2c_env_close(env);
}

/* ---- reset ---- */

typedef struct range {
    double lo, hi; /* [lo, hi), or exactly lo when lo == hi */
} range;

static void check_reset(const env_desc *d, const range *want)
{
    a2c_env *env = make(d, 3);
    if (!env) return;
    enum { N = 20000 };
    const uint32_t S = d->state_dim;
    double sum[MAX_S] = {0}, sq[MAX_S] = {0}, lo[MAX_S], hi[MAX_S];
    for (uint32_t k = 0; k < S; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    int in_range = 1, obs_ok = 1, floats = 1, not_floats = 0;
    for (uint64_t seed = 0; seed < N; seed++) {
        float obs[MAX_O];
        double s[MAX_S];
        CHECK_EQ_INT(env->reset(env->user, 2, seed * 0x9E3779B97F4A7C15u, obs), 0);
        d->get(env, 2, s);
        for (uint32_t k = 0; k < S; k++) {
            if (want[k].lo == want[k].hi) in_range &= s[k] == want[k].lo && !signbit(s[k]);
            else if (d == &envs[AC]) /* float rounding may reach the open end */
                in_range &= s[k] >= (float)want[k].lo && s[k] <= (float)want[k].hi;
            else in_range &= s[k] >= want[k].lo && s[k] < want[k].hi;
            floats &= is_float(s[k]);
            not_floats += !is_float(s[k]);
            sum[k] += s[k];
            sq[k] += s[k] * s[k];
            lo[k] = s[k] < lo[k] ? s[k] : lo[k];
            hi[k] = s[k] > hi[k] ? s[k] : hi[k];
        }
        if (d == &envs[AC]) {
            obs_ok &= obs[0] == (float)cos(s[0]) && obs[1] == (float)sin(s[0]) &&
                      obs[2] == (float)cos(s[1]) && obs[3] == (float)sin(s[1]) &&
                      obs[4] == (float)s[2] && obs[5] == (float)s[3];
        } else if (d == &envs[PE]) {
            obs_ok &= obs[0] == (float)cos(s[0]) && obs[1] == (float)sin(s[0]) &&
                      obs[2] == (float)s[1];
        } else {
            obs_ok &= obs[0] == (float)s[0] && obs[1] == (float)s[1];
        }
    }
    CHECK(in_range);
    CHECK(obs_ok);
    /* Acrobot keeps its reset draws as float32; the others keep theirs
     * in double */
    if (d == &envs[AC]) CHECK(floats);
    else CHECK(not_floats > N / 2);
    /* U[lo, hi): mean (lo + hi) / 2 and variance w^2 / 12, each within five
     * standard deviations of its estimate (w / sqrt(12 N) and
     * w^2 / sqrt(180 N)); the whole range covered */
    for (uint32_t k = 0; k < S; k++) {
        const double w = want[k].hi - want[k].lo;
        if (w == 0.0) continue;
        const double mean = sum[k] / N, var = sq[k] / N - mean * mean;
        CHECK_NEAR(mean, (want[k].lo + want[k].hi) / 2, 5 * w / sqrt(12.0 * N));
        CHECK_NEAR(var, w * w / 12, 5 * w * w / sqrt(180.0 * N));
        CHECK(lo[k] < want[k].lo + 1e-3 * w && hi[k] > want[k].hi - 1e-3 * w);
    }
    /* same seed, same state; another seed, another state; sub-envs apart */
    double a[MAX_S] = {0}, b[MAX_S] = {0}, c[MAX_S] = {0}, other[MAX_S] = {0},
           other2[MAX_S] = {0};
    reset(env, 0, 7);
    d->get(env, 0, other);
    reset(env, 1, 42);
    d->get(env, 1, a);
    reset(env, 1, 43);
    d->get(env, 1, b);
    reset(env, 1, 42);
    d->get(env, 1, c);
    d->get(env, 0, other2);
    CHECK(memcmp(a, c, sizeof a) == 0);
    CHECK(a[0] != b[0]);
    CHECK(memcmp(other, other2, sizeof other) == 0);
    /* a reset clears the counter: a fresh episode is not truncated on its
     * first step */
    step_out o;
    CHECK_EQ_INT(step(d, env, 1, d->n_actions ? 1 : 0.0, &o), 0);
    CHECK(!o.truncated);
    a2c_env_close(env);
}

static void test_reset(void)
{
    check_reset(&envs[AC], (const range[4]){{-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}});
    check_reset(&envs[MC], (const range[2]){{-0.6, -0.4}, {0, 0}});
    check_reset(&envs[MCC], (const range[2]){{-0.6, -0.4}, {0, 0}});
    check_reset(&envs[PE], (const range[2]){{-PI, PI}, {-1, 1}});
}

/* ---- step_all against step ---- */

static double random_action(const env_desc *d, a2c__rng *rng)
{
    if (d->n_actions) return (double)(a2c__rng_next(rng) % d->n_actions);
    /* beyond the bounds now and then: the env clips what it must */
    const double w = d->act_hi - d->act_lo;
    return (double)(float)(d->act_lo - 0.25 * w + 1.5 * w * a2c__rng_uniform(rng));
}

static void check_step_all(const env_desc *d)
{
    enum { N = 4, STEPS = 520 };
    a2c_env *all = make(d, N), *one = make(d, N);
    if (!all || !one) {
        a2c_env_close(all);
        a2c_env_close(one);
        return;
    }
    CHECK(all->step_all != NULL);
    const uint32_t O = d->obs_dim, S = d->state_dim;
    a2c__rng rng;
    a2c__rng_seed(&rng, 2024, 0);
    float obs_a[N * MAX_O], obs_b[N * MAX_O];
    for (uint32_t i = 0; i < N; i++) {
        CHECK_EQ_INT(all->reset(all->user, i, 100 + i, obs_a + O * i), 0);
        CHECK_EQ_INT(one->reset(one->user, i, 100 + i, obs_b + O * i), 0);
    }
    int same = 1, dones = 0;
    for (int t = 0; t < STEPS; t++) {
        int32_t act[N];
        float box[N];
        double ra[N], rb[N];
        int ta[N], tb[N], ua[N], ub[N];
        for (uint32_t i = 0; i < N; i++) {
            const double a = random_action(d, &rng);
            act[i] = (int32_t)a;
            box[i] = (float)a;
        }
        /* a box env is given no discrete actions, as the library does */
        CHECK_EQ_INT(all->step_all(all->user, d->n_actions ? act : NULL,
                                   d->n_actions ? NULL : box, obs_a, ra, ta, ua),
                     0);
        for (uint32_t i = 0; i < N; i++)
            CHECK_EQ_INT(one->step(one->user, i, act[i], d->n_actions ? NULL : &box[i],
                                   obs_b + O * i, &rb[i], &tb[i], &ub[i]),
                         0);
        same &= memcmp(obs_a, obs_b, N * O * sizeof(float)) == 0;
        for (uint32_t i = 0; i < N; i++) {
            double sa[MAX_S], sb[MAX_S];
            d->get(all, i, sa);
            d->get(one, i, sb);
            same &= memcmp(sa, sb, S * sizeof(double)) == 0;
            same &= same_bits(ra[i], rb[i]) && ta[i] == tb[i] && ua[i] == ub[i];
            if (ta[i] || ua[i]) {
                dones++;
                const uint64_t seed = (uint64_t)t * N + i;
                CHECK_EQ_INT(all->reset(all->user, i, seed, obs_a + O * i), 0);
                CHECK_EQ_INT(one->reset(one->user, i, seed, obs_b + O * i), 0);
            }
        }
    }
    CHECK(same);
    /* every env but MountainCarContinuous (999 steps) hits its limit */
    if (d != &envs[MCC]) CHECK(dones >= N);
    a2c_env_close(all);
    a2c_env_close(one);
}

static void test_step_all(void)
{
    for (int e = AC; e < N_ENVS; e++) check_step_all(&envs[e]);
}

/* ---- bad input ---- */

static void check_bad_input(const env_desc *d)
{
    a2c_env *env = make(d, 2);
    if (!env) return;
    const int discrete = d->n_actions > 0;
    const float ok_box = 0.5f, nan_box = NAN;
    const float *box = discrete ? NULL : &ok_box;
    const int32_t ok_act = discrete ? 1 : 0;
    float obs[2 * MAX_O];
    double r[2];
    int te[2], tr[2];
    /* stepping before the first reset is refused (Gymnasium's
     * OrderEnforcing) */
    CHECK(env->step(env->user, 0, ok_act, box, obs, r, te, tr) != 0);
    reset(env, 0, 1);
    double s0[MAX_S], s1[MAX_S];
    d->get(env, 0, s0);
    if (discrete) {
        CHECK(env->step(env->user, 0, (int32_t)d->n_actions, NULL, obs, r, te, tr) != 0);
        CHECK(env->step(env->user, 0, -1, NULL, obs, r, te, tr) != 0);
        CHECK(env->step(env->user, 0, INT32_MAX, NULL, obs, r, te, tr) != 0);
        CHECK(env->step(env->user, 0, INT32_MIN, NULL, obs, r, te, tr) != 0);
    } else {
        CHECK(env->step(env->user, 0, 0, NULL, obs, r, te, tr) != 0);
        CHECK(env->step(env->user, 0, 0, &nan_box, obs, r, te, tr) != 0);
    }
    d->get(env, 0, s1);
    CHECK(memcmp(s0, s1, d->state_dim * sizeof(double)) == 0); /* refused: nothing moved */
    CHECK(env->step(env->user, 2, ok_act, box, obs, r, te, tr) != 0);
    CHECK(env->step(env->user, UINT32_MAX, ok_act, box, obs, r, te, tr) != 0);
    CHECK(env->step(env->user, 0, ok_act, box, NULL, r, te, tr) != 0);
    CHECK(env->step(env->user, 0, ok_act, box, obs, NULL, te, tr) != 0);
    CHECK(env->step(env->user, 0, ok_act, box, obs, r, NULL, tr) != 0);
    CHECK(env->step(env->user, 0, ok_act, box, obs, r, te, NULL) != 0);
    CHECK(env->step(NULL, 0, ok_act, box, obs, r, te, tr) != 0);
    CHECK(env->reset(env->user, 2, 1, obs) != 0);
    CHECK(env->reset(env->user, 0, 1, NULL) != 0);
    CHECK(env->reset(NULL, 0, 1, obs) != 0);
    CHECK_EQ_INT(env->step(env->user, 0, ok_act, box, obs, r, te, tr), 0);
    /* extreme but finite box actions are clipped (the penalty may then be
     * huge, as in Gymnasium) */
    if (!discrete) {
        const float big = 3e38f;
        CHECK_EQ_INT(env->step(env->user, 0, 0, &big, obs, r, te, tr), 0);
        CHECK(isfinite(obs[0]) && isfinite(obs[1]));
    }

    /* step_all: refused while any sub-env has never been reset, or for any
     * bad action, and then nobody moves */
    int32_t acts[2] = {ok_act, ok_act};
    float boxes[2] = {0.5f, -0.5f};
    const int32_t *pa = discrete ? acts : NULL;
    const float *pb = discrete ? NULL : boxes;
    d->get(env, 0, s0);
    CHECK(env->step_all(env->user, pa, pb, obs, r, te, tr) != 0);
    reset(env, 1, 2);
    d->get(env, 1, s1);
    if (discrete) {
        acts[1] = (int32_t)d->n_actions;
        CHECK(env->step_all(env->user, pa, pb, obs, r, te, tr) != 0);
        acts[1] = -1;
        CHECK(env->step_all(env->user, pa, pb, obs, r, te, tr) != 0);
        acts[1] = ok_act;
        CHECK(env->step_all(env->user, NULL, NULL, obs, r, te, tr) != 0);
    } else {
        boxes[1] = NAN;
        CHECK(env->step_all(env->user, pa, pb, obs, r, te, tr) != 0);
        boxes[1] = -0.5f;
        CHECK(env->step_all(env->user, acts, NULL, obs, r, te, tr) != 0);
    }
    double t0[MAX_S], t1[MAX_S];
    d->get(env, 0, t0);
    d->get(env, 1, t1);
    CHECK(memcmp(s0, t0, d->state_dim * sizeof(double)) == 0);
    CHECK(memcmp(s1, t1, d->state_dim * sizeof(double)) == 0);
    CHECK(env->step_all(env->user, pa, pb, NULL, r, te, tr) != 0);
    CHECK(env->step_all(env->user, pa, pb, obs, NULL, te, tr) != 0);
    CHECK(env->step_all(env->user, pa, pb, obs, r, NULL, tr) != 0);
    CHECK(env->step_all(env->user, pa, pb, obs, r, te, NULL) != 0);
    CHECK(env->step_all(NULL, pa, pb, obs, r, te, tr) != 0);
    CHECK_EQ_INT(env->step_all(env->user, pa, pb, obs, r, te, tr), 0);
    /* the test hooks ignore bad indices */
    double keep[MAX_S] = {7, 7, 7, 7};
    d->get(env, 2, keep);
    CHECK(keep[0] == 7 && keep[1] == 7);
    d->set(env, 2, keep);
    a2c_env_close(env);

    /* make: bad arguments leave *out NULL; the largest table works */
    static a2c_env dummy;
    a2c_env *sentinel = &dummy;
    env = sentinel;
    CHECK(a2c_env_make(&env, d->id, 0, NULL) == A2C_E_INVALID_ARG);
    CHECK(env == NULL);
    env = sentinel;
    CHECK(a2c_env_make(&env, d->id, 65537, NULL) == A2C_E_INVALID_ARG);
    CHECK(env == NULL);
    a2c_allocator broken = {0};
    env = sentinel;
    CHECK(a2c_env_make(&env, d->id, 1, &broken) == A2C_E_INVALID_ARG);
    CHECK(env == NULL);
    CHECK(a2c_env_make(NULL, d->id, 1, NULL) == A2C_E_INVALID_ARG);
    env = NULL;
    CHECK(a2c_env_make(&env, d->id, 65536, NULL) == A2C_OK);
    if (env) {
        reset(env, 65535, 9);
        step_out o;
        CHECK_EQ_INT(step(d, env, 65535, discrete ? 1 : 0.0, &o), 0);
        a2c_env_close(env);
    }
}

static void test_bad_input(void)
{
    for (int e = AC; e < N_ENVS; e++) check_bad_input(&envs[e]);
    CHECK(a2c__acrobot_make(NULL, 1, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c__mountain_car_make(NULL, 1, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c__mountain_car_continuous_make(NULL, 1, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c__pendulum_make(NULL, 1, NULL) == A2C_E_INVALID_ARG);
}

/* ---- the tables and the registry ---- */

static void test_tables(void)
{
    for (int e = 0; e < N_ENVS; e++) {
        const env_desc *d = &envs[e];
        a2c_env *env = make(d, 3);
        if (!env) continue;
        CHECK_EQ_INT(env->version, A2C_ENV_V3);
        CHECK_EQ_INT(env->flags, A2C_ENV_CONCURRENT_STEP);
        CHECK_EQ_INT(env->num_envs, 3);
        CHECK_EQ_INT(env->obs_dim, d->obs_dim);
        CHECK_EQ_INT(env->action_kind, d->n_actions ? A2C_SPACE_DISCRETE : A2C_SPACE_BOX);
        CHECK_EQ_INT(env->action_dim, d->n_actions ? d->n_actions : 1);
        CHECK_EQ_INT(env->max_episode_steps, d->limit);
        CHECK(env->obs_low && env->obs_high && env->user);
        CHECK(env->reset && env->step && env->step_all && env->close);
        CHECK_EQ_INT(env->state_size, d->state_size);
        CHECK(env->save_state && env->load_state);
        if (d->n_actions) {
            CHECK(env->action_low == NULL && env->action_high == NULL);
        } else if (CHECK(env->action_low && env->action_high)) {
            CHECK(env->action_low[0] == (float)d->act_lo);
            CHECK(env->action_high[0] == (float)d->act_hi);
        }
        a2c_env_close(env);
    }

    /* Gymnasium's observation spaces, as float32 */
    a2c_env *env = make(&envs[AC], 1);
    if (env) {
        static const float high[6] = {1, 1, 1, 1, 12.566371f, 28.274334f};
        for (int k = 0; k < 6; k++)
            CHECK(env->obs_high[k] == high[k] && env->obs_low[k] == -high[k]);
        CHECK(env->obs_high[4] == (float)(4 * PI) && env->obs_high[5] == (float)(9 * PI));
        a2c_env_close(env);
    }
    for (int e = MC; e <= MCC; e++) {
        env = make(&envs[e], 1);
        if (!env) continue;
        CHECK(env->obs_low[0] == -1.2f && env->obs_low[1] == -0.07f);
        CHECK(env->obs_high[0] == 0.6f && env->obs_high[1] == 0.07f);
        a2c_env_close(env);
    }
    env = make(&envs[PE], 1);
    if (env) {
        static const float high[3] = {1, 1, 8};
        for (int k = 0; k < 3; k++)
            CHECK(env->obs_high[k] == high[k] && env->obs_low[k] == -high[k]);
        a2c_env_close(env);
    }

    /* the registry lists the five in order */
    size_t n = 0;
    while (a2c_env_name(n)) n++;
    CHECK_EQ_INT(n, N_ENVS);
    for (int e = 0; e < N_ENVS; e++)
        CHECK(a2c_env_name((size_t)e) && strcmp(a2c_env_name((size_t)e), envs[e].id) == 0);
    CHECK(a2c_env_name(N_ENVS) == NULL);
    CHECK(a2c_env_name((size_t)-1) == NULL);

    static const double thresholds[N_ENVS - 1] = {475.0, -100.0, -110.0, 90.0};
    for (int e = 0; e < PE; e++) {
        double thr = 0.5;
        CHECK(a2c_env_reward_threshold(envs[e].id, &thr) == A2C_OK);
        CHECK(thr == thresholds[e]);
    }
    /* Gymnasium registers no threshold for Pendulum-v1 */
    double thr = 0.5;
    CHECK(a2c_env_reward_threshold("Pendulum-v1", &thr) == A2C_E_INVALID_ARG);
    CHECK(thr == 0.5);
    const char *msg = a2c_last_error();
    CHECK(msg && strstr(msg, "Pendulum-v1") != NULL);
    CHECK(a2c_env_reward_threshold("Pendulum-v0", &thr) == A2C_E_INVALID_ARG);
    CHECK(a2c_env_reward_threshold("Acrobot-v1", NULL) == A2C_E_INVALID_ARG);
    CHECK(thr == 0.5);
    /* an unknown id lists every known one */
    env = &(a2c_env){0};
    CHECK(a2c_env_make(&env, "MountainCar-v1", 1, NULL) == A2C_E_INVALID_ARG);
    CHECK(env == NULL);
    msg = a2c_last_error();
    for (int e = 0; e < N_ENVS; e++) CHECK(msg && strstr(msg, envs[e].id) != NULL);
}

/* ---- state save/restore ---- */

typedef struct trace {
    float obs[MAX_O];
    double reward, state[MAX_S];
    int terminated, truncated;
} trace;

/* Steps sub-envs 0..n-1 of `env` m times with actions and reset seeds
 * drawn from `rng`, resetting each episode as it ends; records every
 * output. */
static void run(const env_desc *d, a2c_env *env, uint32_t n, a2c__rng *rng, int m, trace *out)
{
    for (int t = 0; t < m; t++) {
        for (uint32_t i = 0; i < n; i++) {
            trace *o = &out[(size_t)t * n + i];
            step_out s;
            CHECK_EQ_INT(step(d, env, i, random_action(d, rng), &s), 0);
            memcpy(o->obs, s.obs, sizeof o->obs);
            memcpy(o->state, s.state, sizeof o->state);
            o->reward = s.reward;
            o->terminated = s.terminated;
            o->truncated = s.truncated;
            const uint64_t seed = a2c__rng_next(rng);
            if (s.terminated || s.truncated) reset(env, i, seed);
        }
    }
}

/* Saves sub-env `index` into buf (state_size bytes). */
static void save(a2c_env *env, uint32_t index, unsigned char *buf)
{
    CHECK_EQ_INT(env->save_state(env->user, index, buf), 0);
}

static void check_round_trip(const env_desc *d)
{
    enum { N = 3, K = 37, M = 1000 }; /* k + m past every limit */
    a2c_env *a = make(d, N + 1), *b = make(d, N + 1);
    if (!a || !b) {
        a2c_env_close(a);
        a2c_env_close(b);
        return;
    }
    const size_t size = a->state_size;
    unsigned char buf[N + 1][64], again[64];
    if (!CHECK(size <= sizeof again)) goto done;
    a2c__rng rng;
    a2c__rng_seed(&rng, 77, 0);
    for (uint32_t i = 0; i < N; i++) reset(a, i, 500 + i); /* sub-env N is never reset */
    trace *first = malloc(sizeof(trace) * K * (N + 1)), *want = malloc(sizeof(trace) * M * N),
          *got = malloc(sizeof(trace) * M * N);
    if (!CHECK(first && want && got)) goto free_traces;
    /* k steps on sub-envs 0..N-1 only (sub-env N stays unstarted) */
    run(d, a, N, &rng, K, first);
    for (uint32_t i = 0; i <= N; i++) save(a, i, buf[i]);
    for (uint32_t i = 0; i <= N; i++) CHECK(memcmp(buf[i], d->tag, 4) == 0);
    a2c__rng rng_b = rng;
    run(d, a, N, &rng, M, want);
    /* a fresh table: load, then the same m steps */
    for (uint32_t i = 0; i <= N; i++) CHECK_EQ_INT(b->load_state(b->user, i, buf[i]), 0);
    for (uint32_t i = 0; i <= N; i++) {
        save(b, i, again);
        CHECK(memcmp(again, buf[i], size) == 0); /* loaded exactly what was saved */
    }
    run(d, b, N, &rng_b, M, got);
    CHECK(memcmp(want, got, sizeof(trace) * M * N) == 0);
    int ended = 0;
    for (size_t k = 0; k < (size_t)M * N; k++) ended += want[k].terminated || want[k].truncated;
    CHECK(ended > 0); /* the m steps cross episode ends */
    /* the never-reset sub-env comes back never reset */
    step_out o;
    CHECK(step(d, b, N, d->n_actions ? 1 : 0.0, &o) != 0);
    reset(b, N, 1);
    CHECK_EQ_INT(b->load_state(b->user, N, buf[N]), 0);
    CHECK(step(d, b, N, d->n_actions ? 1 : 0.0, &o) != 0);
    /* the layout: the tag, then the first state component, little-endian */
    double s0[MAX_S];
    d->get(a, 0, s0);
    save(a, 0, again);
    uint64_t bits;
    memcpy(&bits, &s0[0], sizeof bits);
    int le = 1;
    for (int k = 0; k < 8; k++) le &= again[4 + k] == (unsigned char)(bits >> (8 * k));
    CHECK(le);
    /* bad arguments */
    CHECK(a->save_state(a->user, N + 1, again) != 0);
    CHECK(a->save_state(a->user, 0, NULL) != 0);
    CHECK(a->save_state(NULL, 0, again) != 0);
    CHECK(b->load_state(b->user, N + 1, buf[0]) != 0);
    CHECK(b->load_state(b->user, 0, NULL) != 0);
    CHECK(b->load_state(NULL, 0, buf[0]) != 0);
free_traces:
    free(first);
    free(want);
    free(got);
done:
    a2c_env_close(a);
    a2c_env_close(b);
}

/* The counter and CartPole's fall survive a save: a sub-env saved one
 * step before its limit truncates on the next step after the load. */
static void check_counters_saved(const env_desc *d)
{
    a2c_env *a = make(d, 1), *b = make(d, 1);
    unsigned char buf[64];
    if (!a || !b) goto done;
    static const double rest[4] = {0, 0, 0, 0}, valley[2] = {-0.5, 0};
    start_at(d, a, 0, d == &envs[MC] || d == &envs[MCC] ? valley : rest);
    step_out o;
    const double act = d == &envs[CP] ? 0 : d->n_actions ? 1 : 0.0;
    for (uint32_t t = 1; t < d->limit; t++) {
        CHECK_EQ_INT(step(d, a, 0, act, &o), 0);
        if (d == &envs[CP]) d->set(a, 0, rest); /* hold the pole up */
    }
    CHECK(!o.truncated);
    save(a, 0, buf);
    reset(b, 0, 3);
    CHECK_EQ_INT(b->load_state(b->user, 0, buf), 0);
    step_out oa, ob;
    CHECK_EQ_INT(step(d, a, 0, act, &oa), 0);
    CHECK_EQ_INT(step(d, b, 0, act, &ob), 0);
    CHECK(oa.truncated && ob.truncated);
    CHECK(memcmp(&oa, &ob, sizeof oa) == 0);
done:
    a2c_env_close(a);
    a2c_env_close(b);
}

static void test_cartpole_fall_saved(void)
{
    const env_desc *d = &envs[CP];
    a2c_env *a = make(d, 1), *b = make(d, 1);
    unsigned char buf[64];
    if (!a || !b) goto done;
    start_at(d, a, 0, (const double[4]){2.39, 1.0, 0, 0});
    step_out o;
    CHECK_EQ_INT(step(d, a, 0, 1, &o), 0);
    CHECK(o.terminated && o.reward == 1.0);
    save(a, 0, buf);
    reset(b, 0, 3);
    CHECK_EQ_INT(b->load_state(b->user, 0, buf), 0);
    /* a further terminal step pays 0.0 only if the fall was restored */
    CHECK_EQ_INT(step(d, b, 0, 1, &o), 0);
    CHECK(o.terminated && o.reward == 0.0);
done:
    a2c_env_close(a);
    a2c_env_close(b);
}

/* Writes a little-endian u32 / f64 into a saved state. */
static void poke_u32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}

static void poke_f64(unsigned char *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    for (int k = 0; k < 8; k++) p[k] = (unsigned char)(bits >> (8 * k));
}

/* Loading `bad` into sub-env 0 must fail and leave it as it was. */
static void expect_refused(a2c_env *env, const unsigned char *bad, int line)
{
    unsigned char before[64], after[64];
    const size_t size = env->state_size;
    harness_check(env->save_state(env->user, 0, before) == 0, __FILE__, line, "save");
    harness_check(env->load_state(env->user, 0, bad) != 0, __FILE__, line, "load refused");
    harness_check(env->save_state(env->user, 0, after) == 0, __FILE__, line, "save");
    harness_check(memcmp(before, after, size) == 0, __FILE__, line, "sub-env unchanged");
}

/* A copy of `good` with the double at state component k replaced. */
static void with_double(unsigned char *out, const unsigned char *good, size_t size, int k,
                        double v)
{
    memcpy(out, good, size);
    poke_f64(out + 4 + 8 * k, v);
}

static void check_corrupt(const env_desc *d)
{
    a2c_env *env = make(d, 1), *other = NULL;
    if (!env) return;
    const size_t size = env->state_size;
    const uint32_t S = d->state_dim;
    const size_t at_elapsed = 4 + 8 * (size_t)S, at_started = at_elapsed + 4;
    unsigned char good[64], bad[64];
    /* a valid state some steps into an episode, then another loaded sub-env */
    reset(env, 0, 5);
    step_out o;
    for (int t = 0; t < 5; t++) CHECK_EQ_INT(step(d, env, 0, d->n_actions ? 1 : 0.3, &o), 0);
    save(env, 0, good);
    reset(env, 0, 6);

    /* the tag */
    memcpy(bad, good, size);
    bad[0] ^= 1;
    expect_refused(env, bad, __LINE__);
    /* non-finite state components */
    for (uint32_t k = 0; k < S; k++) {
        with_double(bad, good, size, (int)k, NAN);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, (int)k, INFINITY);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, (int)k, -INFINITY);
        expect_refused(env, bad, __LINE__);
    }
    /* the counter: the limit is fine, past it is not */
    memcpy(bad, good, size);
    poke_u32(bad + at_elapsed, d->limit);
    CHECK_EQ_INT(env->load_state(env->user, 0, bad), 0);
    reset(env, 0, 6);
    poke_u32(bad + at_elapsed, d->limit + 1);
    expect_refused(env, bad, __LINE__);
    poke_u32(bad + at_elapsed, UINT32_MAX);
    expect_refused(env, bad, __LINE__);
    /* the flags */
    memcpy(bad, good, size);
    poke_u32(bad + at_started, 2);
    expect_refused(env, bad, __LINE__);
    poke_u32(bad + at_started, 0); /* never reset, yet steps behind it */
    expect_refused(env, bad, __LINE__);
    if (d == &envs[CP]) {
        memcpy(bad, good, size);
        poke_u32(bad + at_started + 4, 2);
        expect_refused(env, bad, __LINE__);
        poke_u32(bad + at_started + 4, 1);
        poke_u32(bad + at_elapsed, 0); /* fallen without a step */
        expect_refused(env, bad, __LINE__);
    }
    /* states no reset or step can leave */
    if (d == &envs[AC]) {
        with_double(bad, good, size, 0, 3.2);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 1, -3.2);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 2, 12.6);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 3, -28.3);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 0, PI); /* the wrap leaves +-pi alone */
        CHECK_EQ_INT(env->load_state(env->user, 0, bad), 0);
    } else if (d == &envs[MC] || d == &envs[MCC]) {
        with_double(bad, good, size, 0, 0.61);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 0, -1.21);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 1, 0.071);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 1, -0.071);
        expect_refused(env, bad, __LINE__);
    } else if (d == &envs[PE]) {
        with_double(bad, good, size, 1, 8.01);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 0, 1e6); /* the angle is never wrapped */
        CHECK_EQ_INT(env->load_state(env->user, 0, bad), 0);
    }
    if (d == &envs[MCC]) {
        /* once stepped, the state is float32; fresh from a reset the
         * position is any double and the velocity 0 */
        with_double(bad, good, size, 0, -0.5 + 1e-12);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 1, 0.01);
        expect_refused(env, bad, __LINE__);
        with_double(bad, good, size, 0, (float)-1.2); /* the wall, as stored */
        CHECK_EQ_INT(env->load_state(env->user, 0, bad), 0);
        with_double(bad, good, size, 0, -0.5 + 1e-12);
        poke_f64(bad + 12, 0.0);
        poke_u32(bad + at_elapsed, 0);
        CHECK_EQ_INT(env->load_state(env->user, 0, bad), 0);
        poke_f64(bad + 12, (float)0.01);
        expect_refused(env, bad, __LINE__);
    }
    /* another env's bytes of the same size */
    for (int e = 0; e < N_ENVS; e++) {
        if (&envs[e] == d || envs[e].state_size != d->state_size) continue;
        if (a2c_env_make(&other, envs[e].id, 1, NULL) != A2C_OK) continue;
        reset(other, 0, 5);
        save(other, 0, bad);
        expect_refused(env, bad, __LINE__);
        a2c_env_close(other);
        other = NULL;
    }
    /* every single-bit flip is either refused, leaving the sub-env alone,
     * or accepted and saved back unchanged */
    int canonical = 1, refused = 0;
    for (size_t k = 0; k < size * 8; k++) {
        memcpy(bad, good, size);
        bad[k / 8] ^= (unsigned char)(1u << (k % 8));
        unsigned char before[64], after[64];
        save(env, 0, before);
        if (env->load_state(env->user, 0, bad) != 0) {
            refused++;
            save(env, 0, after);
            canonical &= memcmp(before, after, size) == 0;
        } else {
            save(env, 0, after);
            canonical &= memcmp(bad, after, size) == 0;
        }
    }
    CHECK(canonical);
    CHECK(refused > 0);
    a2c_env_close(env);
}

static void test_state(void)
{
    for (int e = 0; e < N_ENVS; e++) {
        check_round_trip(&envs[e]);
        check_counters_saved(&envs[e]);
        check_corrupt(&envs[e]);
    }
    test_cartpole_fall_saved();
}

/* ---- allocation through the host's hooks ---- */

static void test_alloc(void)
{
    for (int e = AC; e < N_ENVS; e++) {
        const env_desc *d = &envs[e];
        fail_alloc fa;
        for (long n = 0;; n++) {
            fail_after(&fa, n);
            static a2c_env dummy;
            a2c_env *env = &dummy;
            a2c_status rc = a2c_env_make(&env, d->id, 16, &fa.hooks);
            CHECK(rc == (fa.tripped ? A2C_E_NOMEM : A2C_OK));
            if (rc == A2C_OK) {
                CHECK(env != NULL);
                CHECK_EQ_INT(fa.calls, 1); /* the whole env is one block */
                CHECK_EQ_INT(fa.live, 1);
                reset(env, 15, 3);
                step_out o;
                CHECK_EQ_INT(step(d, env, 15, d->n_actions ? 0 : 0.1, &o), 0);
                a2c_env_close(env);
            } else {
                CHECK(env == NULL);
            }
            CHECK_EQ_INT(fa.live, 0);       /* no leak on either path */
            CHECK_EQ_INT(fa.live_bytes, 0); /* free got the size alloc was asked for */
            if (!fa.tripped) break;
        }
    }
}

int main(void)
{
    test_fixtures();
    test_acrobot_cases();
    test_mountain_car_cases();
    test_mountain_car_continuous_cases();
    test_pendulum_cases();
    test_truncation();
    test_reset();
    test_step_all();
    test_bad_input();
    test_tables();
    test_state();
    test_alloc();
    return harness_report();
}
