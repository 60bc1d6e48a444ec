/* Writes the checkpoint seeds of the loader fuzz targets: small nets and
 * trainers of a few shapes, saved by the current build (format version
 * 2).  Run by fuzz/make_corpus.sh; not a fuzz target.
 *
 *   make_seeds OUT_DIR
 *
 * Uses the public header only. */
#include <a2c/a2c.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *out_dir;

static void check(a2c_status rc, const char *what)
{
    if (rc == A2C_OK) return;
    fprintf(stderr, "make_seeds: %s: %s (%s)\n", what, a2c_strerror(rc), a2c_last_error());
    exit(1);
}

static void write_file(const char *name, const void *buf, size_t size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(buf, 1, size, fp) != size || fclose(fp) != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(1);
    }
}

/* A config: CartPole's 2 envs x 2 steps, net_arch `arch` (text as
 * a2c_config_set_string takes it), then `extra` name/value pairs. */
static a2c_config *make_config(const char *arch, const char *const *extra)
{
    a2c_config *cfg = NULL;
    check(a2c_config_create(&cfg, NULL), "config_create");
    check(a2c_config_set_string(cfg, "net_arch", arch), arch);
    check(a2c_config_set_string(cfg, "n_steps", "2"), "n_steps");
    check(a2c_config_set_string(cfg, "n_envs", "2"), "n_envs");
    check(a2c_config_set_string(cfg, "n_threads", "1"), "n_threads");
    for (size_t k = 0; extra && extra[k]; k += 2)
        check(a2c_config_set_string(cfg, extra[k], extra[k + 1]), extra[k]);
    return cfg;
}

/* Writes `net`'s checkpoint to `name`, then destroys the net. */
static void write_net(const char *name, a2c_net *net)
{
    size_t size = 0;
    check(a2c_net_save_size(net, &size), name);
    void *buf = malloc(size);
    if (!buf) exit(1);
    check(a2c_net_save_to_buffer(net, buf, size, NULL), name);
    write_file(name, buf, size);
    free(buf);
    a2c_net_destroy(net);
}

/* A CartPole-shaped net (4 inputs, 2 actions), saved. */
static void save_net(const char *name, const char *arch, const char *const *extra)
{
    a2c_config *cfg = make_config(arch, extra);
    a2c_net *net = NULL;
    check(a2c_net_create(&net, cfg, 4, 2), name);
    write_net(name, net);
    a2c_config_destroy(cfg);
}

/* A net with 3 inputs and 2 continuous actions (Gaussian, or gSDE with
 * `extra`), bounded as Pendulum's torque is, saved. */
static void save_box_net(const char *name, const char *const *extra)
{
    a2c_config *cfg = make_config("8", extra);
    a2c_net *net = NULL;
    check(a2c_net_create_box(&net, cfg, 3, 2), name);
    const float low[2] = {-2.0f, -1.0f}, high[2] = {2.0f, 1.0f};
    check(a2c_net_set_action_bounds(net, low, high, 2), name);
    write_net(name, net);
    a2c_config_destroy(cfg);
}

/* A CartPole trainer trained for `steps` env steps, saved. */
static void save_trainer(const char *name, const char *arch, const char *const *extra,
                         uint64_t steps)
{
    a2c_config *cfg = make_config(arch, extra);
    a2c_env *env = NULL;
    check(a2c_env_make(&env, "CartPole-v1", 2, NULL), "env_make");
    a2c_trainer *tr = NULL;
    check(a2c_trainer_create(&tr, cfg, env), name);
    if (steps) check(a2c_trainer_learn(tr, steps, NULL, NULL), name);
    size_t size = 0;
    check(a2c_trainer_save_size(tr, &size), name);
    void *buf = malloc(size);
    if (!buf) exit(1);
    check(a2c_trainer_save_to_buffer(tr, buf, size, NULL), name);
    write_file(name, buf, size);
    free(buf);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds OUT_DIR\n");
        return 2;
    }
    out_dir = argv[1];
    static const char *const shared[] = {"shared_trunk", "True", NULL};
    /* every setting away from its default, so the configuration section
     * holds values of every kind */
    static const char *const odd[] = {
        "learning_rate", "lin_1e-3", "gamma", "0.95", "gae_lambda", "0.9",
        "ent_coef", "0.01", "vf_coef", "0.25", "max_grad_norm", "1.5",
        "normalize_advantage", "True", "activation_fn", "relu", "ortho_init", "False",
        "seed", "12345", "value_loss", "huber", "huber_delta", "2", "max_batch", "16",
        "rms_prop_alpha", "0.9", "rms_prop_eps", "1e-6", NULL};
    /* VecNormalize's statistics (sections 5 and 7) and, once trained, the
     * episodes in flight with CartPole's own state bytes */
    static const char *const norm[] = {"normalize", "True", "clip_obs", "5", NULL};
    static const char *const adam[] = {"use_rms_prop", "False", "adam_beta1", "0.8",
                                       "adam_beta2", "0.99", "adam_eps", "1e-7", NULL};

    save_net("net-8", "8", NULL);
    save_net("net-8-shared", "8", shared);
    save_net("net-4-4", "4,4", NULL);
    save_net("net-4-4-shared", "4,4", shared);
    save_net("net-pi4-vf0", "dict(pi=[4], vf=[])", NULL);
    save_net("net-8-settings", "8", odd);
    save_net("net-8-normalized", "8", norm);
    static const char *const sde[] = {"use_sde", "True", "log_std_init", "-2", "normalize",
                                      "True", NULL};
    save_box_net("net-box-gaussian", NULL);
    save_box_net("net-box-gsde", sde);
    /* the first two have the fuzzed trainer's architecture and optimizer,
     * so they load into it; the others reach the later checks */
    save_trainer("trainer-8", "8", NULL, 0);
    save_trainer("trainer-8-trained", "8", NULL, 400);
    save_trainer("trainer-8-adam", "8", adam, 40);
    save_trainer("trainer-4-4-shared", "4,4", shared, 40);
    save_trainer("trainer-8-settings", "8", odd, 40);
    save_trainer("trainer-8-normalized", "8", norm, 40);
    /* the divergence guard's section 8: a rate of 1.0 is rolled back at
     * once */
    static const char *const guard[] = {"learning_rate", "1.0", "max_rollbacks", "30", NULL};
    save_trainer("trainer-8-rollbacks", "8", guard, 400);
    return 0;
}
