/* libFuzzer target: a net checkpoint from untrusted bytes.
 *
 * Loads the input with a2c_net_load_from_buffer, then a copy of it with
 * the frame's body size and CRC set right (so that mutations reach the
 * sections).  A net that loads must act on a zero observation, save
 * again, and the saved bytes must load too (the round trip).  Every
 * allocation goes through a counting allocator: if the library ever holds
 * more than FUZZ_BYTES_PER_INPUT_BYTE times the input's size plus
 * FUZZ_BYTES_SLACK, the target aborts, so that a crafted checkpoint
 * costing far more memory than its own size is a crash libFuzzer
 * reports.  Build with -DFUZZ_NO_MEMORY_BOUND to count without the bound
 * (to look for other bugs while a known violation of it is open).
 *
 * Uses the public header only. */
#include <a2c/a2c.h>

#include "reframe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_BYTES_PER_INPUT_BYTE
#define FUZZ_BYTES_PER_INPUT_BYTE 64u
#endif
#ifndef FUZZ_BYTES_SLACK
#define FUZZ_BYTES_SLACK ((size_t)4 << 20)
#endif

typedef struct counter {
    size_t live, limit; /* bytes the library holds; the most it may */
} counter;

static void *count_alloc(void *ctx, size_t size, size_t align)
{
    counter *c = ctx;
#ifndef FUZZ_NO_MEMORY_BOUND
    if (size > c->limit || c->live > c->limit - size) {
        fprintf(stderr, "fuzz_net_load: %zu bytes live plus %zu asked exceed the bound of "
                        "%zu for this input\n", c->live, size, c->limit);
        abort();
    }
#endif
    /* aligned_alloc wants a size that is a multiple of the alignment */
    const size_t rounded = (size + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (!p) return NULL;
    c->live += size;
    return p;
}

static void count_free(void *ctx, void *ptr, size_t size)
{
    counter *c = ctx;
    if (size > c->live) {
        /* the library must free exactly what it asked for */
        fprintf(stderr, "fuzz_net_load: free of %zu bytes with %zu live\n", size, c->live);
        abort();
    }
    c->live -= size;
    free(ptr);
}

/* Aborts with a message: libFuzzer records the input as a crash. */
static void die(const char *what, a2c_status rc)
{
    fprintf(stderr, "fuzz_net_load: %s: %s (%s)\n", what, a2c_status_name(rc),
            a2c_last_error());
    abort();
}

/* Loads one checkpoint and, if it loads, acts, saves and reloads. */
static void one_input(const uint8_t *data, size_t size)
{
    counter c = {0, 0};
    c.limit = size <= (SIZE_MAX - FUZZ_BYTES_SLACK) / FUZZ_BYTES_PER_INPUT_BYTE
                  ? size * FUZZ_BYTES_PER_INPUT_BYTE + FUZZ_BYTES_SLACK
                  : SIZE_MAX;
    const a2c_allocator alloc = {A2C_ALLOCATOR_V1, count_alloc, count_free, &c};

    a2c_net *net = NULL;
    a2c_status rc = a2c_net_load_from_buffer(&net, data, size, &alloc);
    if (rc != A2C_OK) {
        /* only the statuses the header documents for this call */
        if (rc != A2C_E_FORMAT && rc != A2C_E_NOMEM && rc != A2C_E_INVALID_ARG)
            die("load returned an undocumented status", rc);
        if (net) die("a failed load left *out set", rc);
        if (c.live) die("a failed load leaked", rc);
        return;
    }

    /* Acting on a zero observation must work for any net that loads. */
    const size_t obs_dim = a2c_net_obs_dim(net);
    float *obs = calloc(obs_dim, sizeof *obs);
    if (!obs) abort();
    int32_t action = -1;
    float log_prob = 0.0f, value = 0.0f;
    if (a2c_net_action_kind(net) == A2C_SPACE_BOX) {
        /* continuous: greedy and sampled, each within the saved bounds
         * (a NaN would fail every comparison) */
        const size_t dim = a2c_net_n_actions(net);
        float *box = calloc(dim, sizeof *box);
        if (!box) abort();
        for (int deterministic = 1; deterministic >= 0; deterministic--) {
            rc = a2c_net_act_box(net, obs, 1, deterministic, box, &log_prob, &value);
            if (rc != A2C_OK && rc != A2C_E_NONFINITE) die("act_box", rc);
            for (size_t k = 0; rc == A2C_OK && k < dim; k++)
                if (box[k] != box[k]) die("act_box gave a NaN action", rc);
        }
        free(box);
    } else {
        rc = a2c_net_act(net, obs, 1, 1, &action, &log_prob, &value);
        /* The parameters may hold any finite floats, so the outputs may
         * overflow: NONFINITE is a clean answer, anything else is not. */
        if (rc != A2C_OK && rc != A2C_E_NONFINITE) die("act", rc);
        if (rc == A2C_OK && (action < 0 || (size_t)action >= a2c_net_n_actions(net)))
            die("act gave an action out of range", rc);
    }
    free(obs);

    /* Round trip: what a loaded net saves must load again, with the same
     * sizes and parameters. */
    size_t need = 0, written = 0;
    if ((rc = a2c_net_save_size(net, &need)) != A2C_OK) die("save_size", rc);
    void *buf = malloc(need ? need : 1);
    if (!buf) abort();
    if ((rc = a2c_net_save_to_buffer(net, buf, need, &written)) != A2C_OK) die("save", rc);
    if (written != need) die("save wrote another size than save_size said", rc);
    a2c_net *again = NULL;
    if ((rc = a2c_net_load_from_buffer(&again, buf, written, &alloc)) != A2C_OK)
        die("reloading a saved net", rc);
    const size_t n = a2c_net_param_count(net);
    if (a2c_net_param_count(again) != n || a2c_net_obs_dim(again) != obs_dim ||
        a2c_net_n_actions(again) != a2c_net_n_actions(net) ||
        memcmp(a2c_net_params(again), a2c_net_params(net), n * sizeof(float)) != 0)
        die("the reloaded net differs", A2C_OK);
    free(buf);
    a2c_net_destroy(again);
    a2c_net_destroy(net);
    if (c.live) die("destroy left memory live", A2C_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_input(data, size);
    uint8_t *fixed = reframe(data, size);
    if (fixed) {
        one_input(fixed, size);
        free(fixed);
    }
    return 0;
}
