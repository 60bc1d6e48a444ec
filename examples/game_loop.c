/* Training from a game's own frame loop: the push-style trainer.
 *
 * A game engine owns its loop (Unity's FixedUpdate, Godot's
 * _physics_process) and cannot hand it to a2c_trainer_learn.  Here each
 * frame asks the trainer for the actions of every agent, moves the world
 * one tick, and reports rewards and episode ends; the trainer updates
 * itself whenever n_steps frames are in.  Nothing the engine does is
 * inverted: it keeps calling, the library keeps answering.
 *
 * The game: 16 hover drones, each holding a height of 5 m over flat
 * ground.  A drone sees its height and vertical speed and chooses, each
 * frame, between its rotors idling (falling at g) and full thrust
 * (accelerating upwards at g).  It earns up to 1 per frame the closer it
 * hovers to 5 m, and crashes (the episode ends) on the ground or above
 * 10 m; after 200 frames the episode is cut (truncated).
 *
 *   build/examples/game_loop [--frames N] [--quiet]
 *
 * Prints progress, then the greedy score of the trained drones against
 * always-thrust and random pilots.  Exits 1 if a library call fails, 2 on
 * bad arguments. */
#include <a2c/a2c.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRONES 16
#define DT 0.05f        /* seconds per frame */
#define GRAVITY 9.81f
#define TARGET 5.0f     /* metres */
#define CEILING 10.0f
#define FRAMES_PER_EPISODE 200

typedef struct drone {
    float height, speed;
    int frame;
    unsigned rng; /* the game's own randomness, for start heights */
} drone;

static float uniform(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f;
}

static void spawn(drone *d)
{
    d->height = 2.0f + 6.0f * uniform(&d->rng);
    d->speed = 0.0f;
    d->frame = 0;
}

static void observe(const drone *d, float *obs)
{
    obs[0] = d->height;
    obs[1] = d->speed;
}

/* One tick of one drone: the reward, and whether the episode crashed
 * (terminated) or ran out of time (truncated). */
static float tick(drone *d, int thrust, int *terminated, int *truncated)
{
    d->speed += (thrust ? GRAVITY : -GRAVITY) * DT;
    d->height += d->speed * DT;
    d->frame++;
    *terminated = d->height <= 0.0f || d->height >= CEILING;
    *truncated = !*terminated && d->frame >= FRAMES_PER_EPISODE;
    if (*terminated) return -10.0f;
    return 1.0f - fabsf(d->height - TARGET) / TARGET;
}

/* Average return of `episodes` episodes of one drone, flown by the
 * trained net (greedy), always-thrust (pilot 1) or at random (pilot 2). */
static double fly(a2c_net *net, int pilot, int episodes)
{
    drone d = {0};
    d.rng = 12345u;
    double total = 0.0;
    for (int e = 0; e < episodes; e++) {
        spawn(&d);
        int terminated = 0, truncated = 0;
        while (!terminated && !truncated) {
            float obs[2];
            observe(&d, obs);
            int32_t action = 1;
            if (pilot == 0 && a2c_net_act(net, obs, 1, 1, &action, NULL, NULL) != A2C_OK)
                return NAN;
            if (pilot == 2) action = uniform(&d.rng) < 0.5f;
            total += (double)tick(&d, action, &terminated, &truncated);
        }
    }
    return total / episodes;
}

typedef struct progress {
    int quiet;
} progress;

static int on_update(const a2c_train_stats *s, void *user)
{
    const progress *p = user;
    if (!p->quiet && s->updates % 500 == 0)
        printf("  frame %llu, mean episode return %.1f\n",
               (unsigned long long)(s->timesteps / DRONES), s->mean_return);
    return 0;
}

static int failed(const char *what)
{
    fprintf(stderr, "game_loop: %s: %s\n", what, a2c_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    long frames = 15000;
    progress p = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
            frames = atol(argv[++i]);
        } else if (strcmp(argv[i], "--quiet") == 0) {
            p.quiet = 1;
        } else {
            fprintf(stderr, "usage: game_loop [--frames N] [--quiet]\n");
            return 2;
        }
    }
    if (frames < 1) {
        fprintf(stderr, "game_loop: --frames must be at least 1\n");
        return 2;
    }
    /* What the trainer needs to know of the world: its shape.  The engine
     * keeps the callbacks; none is given. */
    a2c_env shape = {0};
    shape.version = A2C_ENV_V1;
    shape.num_envs = DRONES;
    shape.obs_dim = 2;
    shape.action_kind = A2C_SPACE_DISCRETE;
    shape.action_dim = 2;

    a2c_config *cfg = NULL;
    a2c_trainer *tr = NULL;
    if (a2c_config_create(&cfg, NULL) != A2C_OK) return failed("config");
    if (a2c_config_set_string(cfg, "normalize", "True") != A2C_OK) return failed("normalize");
    if (a2c_config_set_int(cfg, A2C_PARAM_SEED, 1) != A2C_OK) return failed("seed");
    if (a2c_trainer_create_push(&tr, cfg, &shape) != A2C_OK) return failed("trainer");

    drone drones[DRONES];
    float obs[DRONES * 2], final_obs[DRONES * 2];
    double rewards[DRONES];
    int32_t actions[DRONES];
    int terminated[DRONES], truncated[DRONES];
    for (int i = 0; i < DRONES; i++) {
        drones[i].rng = 1000u + (unsigned)i;
        spawn(&drones[i]);
        observe(&drones[i], obs + 2 * i);
    }
    if (a2c_trainer_push_start(tr, obs) != A2C_OK) return failed("push_start");
    /* end on a whole rollout (n_steps frames), so that the net is free to
     * act with afterwards */
    int64_t n_steps = 5;
    a2c_config_get_int(cfg, A2C_PARAM_N_STEPS, &n_steps);
    frames = (frames + n_steps - 1) / n_steps * n_steps;
    const uint64_t total = (uint64_t)frames * DRONES; /* for the schedules */
    if (!p.quiet) printf("training %d drones for %ld frames\n", DRONES, frames);

    /* the game's frame loop */
    for (long frame = 0; frame < frames; frame++) {
        if (a2c_trainer_push_act(tr, actions, NULL) != A2C_OK) return failed("push_act");
        for (int i = 0; i < DRONES; i++) {
            rewards[i] = tick(&drones[i], actions[i], &terminated[i], &truncated[i]);
            if (terminated[i] || truncated[i]) {
                /* the last view of the old episode, then a new one */
                observe(&drones[i], final_obs + 2 * i);
                spawn(&drones[i]);
            }
            observe(&drones[i], obs + 2 * i);
        }
        if (a2c_trainer_push_step(tr, rewards, terminated, truncated, obs, final_obs, total,
                                  on_update, &p) != A2C_OK)
            return failed("push_step");
    }

    /* the last frame completed a rollout: the net is free to act with */
    a2c_net *net = a2c_trainer_net(tr);
    const double trained = fly(net, 0, 20), thrust = fly(net, 1, 20), random = fly(net, 2, 20);
    if (isnan(trained)) return failed("act");
    printf("trained: %.1f always-thrust: %.1f random: %.1f\n", trained, thrust, random);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    return 0;
}
