/* An allocator for tests that fails the n-th allocation (0-based) and
 * counts what is live, so a test can fail every allocation of a call in
 * turn and check that nothing leaks (test_cartpole.c, test_classic.c). */
#ifndef A2C_TESTS_FAIL_ALLOC_H
#define A2C_TESTS_FAIL_ALLOC_H

#include "whitebox.h"

#include <string.h>

typedef struct fail_alloc {
    a2c_allocator hooks, base;
    long fail_at, calls;
    int tripped;
    long live;
    size_t live_bytes;
} fail_alloc;

static inline void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fail_alloc *fa = ctx;
    if (fa->calls++ == fa->fail_at) {
        fa->tripped = 1;
        return NULL;
    }
    void *p = fa->base.alloc(fa->base.ctx, size, align);
    if (p) {
        fa->live++;
        fa->live_bytes += size;
    }
    return p;
}

static inline void fa_free(void *ctx, void *ptr, size_t size)
{
    fail_alloc *fa = ctx;
    fa->live--;
    fa->live_bytes -= size;
    fa->base.free(fa->base.ctx, ptr, size);
}

static inline void fail_after(fail_alloc *fa, long n)
{
    memset(fa, 0, sizeof *fa);
    a2c__allocator(NULL, &fa->base, "test");
    fa->hooks.version = A2C_ALLOCATOR_V1;
    fa->hooks.alloc = fa_alloc;
    fa->hooks.free = fa_free;
    fa->hooks.ctx = fa;
    fa->fail_at = n;
}

#endif /* A2C_TESTS_FAIL_ALLOC_H */
