/* Allocator hooks: every allocation goes through the host's hook, and a
 * failure at any one of them gives A2C_E_NOMEM and leaks nothing. */
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS 64

/* Wraps malloc: succeeds `budget` times, then fails once; tracks live
 * blocks and checks that free gets the size alloc was asked for. */
typedef struct fault {
    a2c_allocator hooks;
    long budget;
    int tripped, misalign;
    long calls, live, bad_frees;
    void *ptr[MAX_BLOCKS];
    size_t size[MAX_BLOCKS];
    void *raw[MAX_BLOCKS];
} fault;

static void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fault *f = ctx;
    f->calls++;
    if (f->budget-- == 0) {
        f->tripped = 1;
        return NULL;
    }
    for (int k = 0; k < MAX_BLOCKS; k++) {
        if (f->ptr[k]) continue;
        unsigned char *raw = malloc(size + 2 * align);
        if (!raw) return NULL;
        uintptr_t p = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
        if (f->misalign) p += 4; /* a broken hook that ignores align */
        f->raw[k] = raw;
        f->ptr[k] = (void *)p;
        f->size[k] = size;
        f->live++;
        return f->ptr[k];
    }
    return NULL;
}

static void fa_free(void *ctx, void *ptr, size_t size)
{
    fault *f = ctx;
    for (int k = 0; k < MAX_BLOCKS; k++) {
        if (f->ptr[k] != ptr) continue;
        if (f->size[k] != size) f->bad_frees++;
        free(f->raw[k]);
        f->ptr[k] = NULL;
        f->live--;
        return;
    }
    f->bad_frees++; /* not ours, or freed twice */
}

static void fault_init(fault *f, long budget)
{
    memset(f, 0, sizeof *f);
    f->hooks.version = A2C_ALLOCATOR_V1;
    f->hooks.alloc = fa_alloc;
    f->hooks.free = fa_free;
    f->hooks.ctx = f;
    f->budget = budget;
}

/* Creates and uses every object, destroys them all; returns the first
 * failure. */
static a2c_status everything(const a2c_allocator *hooks)
{
    a2c_config *cfg = NULL, *copy = NULL;
    a2c_net *net = NULL, *shared = NULL;
    a2c_optimizer *rms = NULL, *adam = NULL;
    a2c_status rc;
    A2C_TRY(a2c_config_create(&cfg, hooks));
    A2C_TRY(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 4));
    A2C_TRY(a2c_config_clone(cfg, &copy));
    A2C_TRY(a2c_net_create(&net, cfg, 4, 2));
    A2C_TRY(a2c_config_set_int(copy, A2C_PARAM_SHARED_TRUNK, 1));
    A2C_TRY(a2c_config_set_int(copy, A2C_PARAM_ORTHO_INIT, 0));
    A2C_TRY(a2c_net_create(&shared, copy, 4, 3));
    A2C_TRY(a2c_optimizer_create(&rms, cfg, a2c_net_param_count(net)));
    A2C_TRY(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, 0));
    A2C_TRY(a2c_optimizer_create(&adam, cfg, a2c_net_param_count(net)));
    const float obs[8] = {0.1f, 0.2f, -0.3f, 0.0f, 0.5f, -0.1f, 0.2f, 0.3f};
    const int32_t actions[2] = {1, 0};
    const float adv[2] = {1.0f, -0.5f}, ret[2] = {2.0f, 1.0f};
    A2C_TRY(a2c_net_forward(net, obs, 2, NULL, NULL));
    A2C_TRY(a2c_net_zero_grad(net));
    A2C_TRY(a2c_net_loss_backward(net, cfg, 2, actions, adv, ret, NULL, 0));
    A2C_TRY(a2c_clip_grad_norm(a2c_net_grads(net), a2c_net_param_count(net), 0.5, NULL));
    A2C_TRY(a2c_optimizer_step(rms, a2c_net_params(net), a2c_net_grads(net),
                               a2c_net_param_count(net), 1.0));
    A2C_TRY(a2c_optimizer_step(adam, a2c_net_params(net), a2c_net_grads(net),
                               a2c_net_param_count(net), 1.0));
fail:
    a2c_optimizer_destroy(adam);
    a2c_optimizer_destroy(rms);
    a2c_net_destroy(shared);
    a2c_net_destroy(net);
    a2c_config_destroy(copy);
    a2c_config_destroy(cfg);
    return rc;
}

static void test_every_allocation_fails_cleanly(void)
{
    long n;
    for (n = 0;; n++) { /* allocation number n fails */
        fault f;
        fault_init(&f, n);
        const a2c_status rc = everything(&f.hooks);
        CHECK_EQ_INT(rc, f.tripped ? A2C_E_NOMEM : A2C_OK);
        CHECK_EQ_INT(f.live, 0); /* no leak on either path */
        CHECK_EQ_INT(f.bad_frees, 0);
        if (!f.tripped) break; /* ran to the end: every allocation was covered */
    }
    printf("fault injection: %ld allocations, each failed once\n", n);
    CHECK(n >= 8); /* 2 configs, 2 nets (+ init scratch each), 2 optimizers */
}

static void test_hook_sees_everything(void)
{
    fault f;
    fault_init(&f, -1); /* never fails */
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, &f.hooks) == A2C_OK);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    /* the block is one cache line aligned */
    CHECK(((uintptr_t)a2c_net_params(net) & 63) == 0);
    a2c_config_destroy(cfg); /* the net keeps its own copy of the hooks */
    CHECK(f.live == 3);      /* the net struct, its configuration and its one block */
    const long before = f.calls;
    float obs[4] = {0}, logits[2];
    CHECK(a2c_net_forward(net, obs, 1, logits, NULL) == A2C_OK);
    CHECK(f.calls == before); /* forward never allocates */
    a2c_net_destroy(net);
    CHECK_EQ_INT(f.live, 0);
    CHECK_EQ_INT(f.bad_frees, 0);
}

static void test_bad_hooks(void)
{
    fault f;
    fault_init(&f, -1);
    f.misalign = 1;
    a2c_config *cfg = (a2c_config *)&f; /* must be overwritten with NULL */
    CHECK(a2c_config_create(&cfg, &f.hooks) == A2C_E_NOMEM);
    CHECK(cfg == NULL);
    CHECK_EQ_INT(f.live, 0);
    a2c_allocator bad = f.hooks;
    bad.version = 3;
    CHECK(a2c_config_create(&cfg, &bad) == A2C_E_INVALID_ARG && cfg == NULL);
    bad = f.hooks;
    bad.alloc = NULL;
    CHECK(a2c_config_create(&cfg, &bad) == A2C_E_INVALID_ARG);
    bad = f.hooks;
    bad.free = NULL;
    CHECK(a2c_config_create(&cfg, &bad) == A2C_E_INVALID_ARG);
}

int main(void)
{
    test_every_allocation_fails_cleanly();
    test_hook_sees_everything();
    test_bad_hooks();
    return harness_report();
}
