/* A trained continuous-action policy as a controller: the shape of code that
 * ships inside a game or on a device, with no Python and no training code.
 *
 *   build/bin/a2c train --env Pendulum-v1 --save pendulum.a2c
 *   build/examples/policy_controller pendulum.a2c [EPISODES]
 *
 * The program loads the policy once (the only time memory is allocated),
 * then runs a control loop that hands the policy one observation at a time
 * and applies the action it returns, here to liba2c's own Pendulum-v1
 * standing in for the real system.  Every allocation goes through a
 * counting allocator, so the program can prove what it claims: after
 * loading, acting allocates nothing.  The saved policy carries its
 * observation statistics (VecNormalize) and its action bounds, so raw
 * observations go in and actions within the torque limits come out.
 *
 * Prints each episode's return and the allocation counts; exits 1 if
 * acting allocated, 2 on bad arguments or a file that is not a policy. */
#include <a2c/a2c.h>

#include <stdio.h>
#include <stdlib.h>

/* An allocator that counts: a device build would hand out a static arena
 * here instead. */
typedef struct counter {
    unsigned long allocations;
} counter;

static void *counting_alloc(void *ctx, size_t size, size_t align)
{
    counter *c = ctx;
    c->allocations++;
    /* aligned_alloc wants a size that is a multiple of the alignment */
    const size_t rounded = (size + align - 1) / align * align;
    return aligned_alloc(align, rounded ? rounded : align);
}

static void counting_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx, (void)size;
    free(ptr);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: policy_controller MODEL.a2c [EPISODES]\n");
        return 2;
    }
    const int episodes = argc == 3 ? atoi(argv[2]) : 5;
    if (episodes < 1) {
        fprintf(stderr, "policy_controller: EPISODES must be at least 1\n");
        return 2;
    }
    counter count = {0};
    const a2c_allocator alloc = {A2C_ALLOCATOR_V1, counting_alloc, counting_free, &count};
    a2c_net *policy = NULL;
    a2c_status rc = a2c_net_load(&policy, argv[1], &alloc);
    if (rc != A2C_OK) {
        fprintf(stderr, "policy_controller: %s\n", a2c_last_error());
        return 2;
    }
    if (a2c_net_action_kind(policy) != A2C_SPACE_BOX || a2c_net_obs_dim(policy) != 3 ||
        a2c_net_n_actions(policy) != 1) {
        fprintf(stderr, "policy_controller: %s is not a Pendulum-v1 policy (3 inputs, one "
                        "continuous action)\n", argv[1]);
        a2c_net_destroy(policy);
        return 2;
    }
    /* the system under control: one Pendulum-v1 */
    a2c_env *plant = NULL;
    if (a2c_env_make(&plant, "Pendulum-v1", 1, NULL) != A2C_OK) {
        fprintf(stderr, "policy_controller: %s\n", a2c_last_error());
        a2c_net_destroy(policy);
        return 2;
    }
    const unsigned long after_load = count.allocations;

    float obs[3], torque;
    double total = 0.0;
    for (int e = 0; e < episodes; e++) {
        plant->reset(plant->user, 0, 1000u + (unsigned)e, obs);
        double ret = 0.0;
        int terminated = 0, truncated = 0;
        while (!terminated && !truncated) {
            /* one observation in, one action out: greedy (the mean),
             * clipped to the policy's saved bounds [-2, 2] */
            rc = a2c_net_act_box(policy, obs, 1, 1, &torque, NULL, NULL);
            if (rc != A2C_OK) {
                fprintf(stderr, "policy_controller: %s\n", a2c_last_error());
                a2c_env_close(plant);
                a2c_net_destroy(policy);
                return 2;
            }
            double reward;
            plant->step(plant->user, 0, 0, &torque, obs, &reward, &terminated, &truncated);
            ret += reward;
        }
        printf("episode %d: return %.1f\n", e + 1, ret);
        total += ret;
    }
    const unsigned long while_acting = count.allocations - after_load;
    printf("mean return %.1f over %d episodes\n", total / episodes, episodes);
    printf("allocations: %lu while loading, %lu while acting\n", after_load, while_acting);
    a2c_env_close(plant);
    a2c_net_destroy(policy);
    return while_acting == 0 ? 0 : 1;
}
