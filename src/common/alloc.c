/* Allocation through the host's hooks, with an aligned malloc default. */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

/* The default hook over-allocates and stores the offset to the malloc'd
 * pointer just before the aligned block: aligned_alloc would do, but it
 * demands size % align == 0 and is missing from some C libraries. */
static void *default_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    if (size > SIZE_MAX - align - sizeof(size_t)) return NULL;
    unsigned char *raw = malloc(size + align + sizeof(size_t));
    if (!raw) return NULL;
    uintptr_t start = (uintptr_t)(raw + sizeof(size_t));
    uintptr_t aligned = (start + (align - 1)) & ~(uintptr_t)(align - 1);
    size_t offset = (size_t)(aligned - (uintptr_t)raw);
    memcpy((unsigned char *)aligned - sizeof(size_t), &offset, sizeof offset);
    return (void *)aligned;
}

static void default_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    size_t offset;
    memcpy(&offset, (unsigned char *)ptr - sizeof(size_t), sizeof offset);
    free((unsigned char *)ptr - offset);
}

a2c_status a2c__allocator(const a2c_allocator *hooks, a2c_allocator *out, const char *fn)
{
    if (!hooks) {
        out->version = A2C_ALLOCATOR_V1;
        out->alloc = default_alloc;
        out->free = default_free;
        out->ctx = NULL;
        return A2C_OK;
    }
    if (hooks->version != A2C_ALLOCATOR_V1)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "alloc->version is %u, expected A2C_ALLOCATOR_V1",
                         (unsigned)hooks->version);
    if (!hooks->alloc) return a2c__fail(A2C_E_INVALID_ARG, fn, "alloc->alloc is NULL");
    if (!hooks->free) return a2c__fail(A2C_E_INVALID_ARG, fn, "alloc->free is NULL");
    *out = *hooks;
    return A2C_OK;
}

void *a2c__alloc(const a2c_allocator *a, size_t size)
{
    if (size == 0) size = 1;
    void *p = a->alloc(a->ctx, size, A2C_ALIGN);
    if (!p) return NULL;
    if (((uintptr_t)p & (A2C_ALIGN - 1)) != 0) {
        /* A hook that ignores `align` would break the SIMD layout promise:
         * treat it as a failed allocation rather than run misaligned. */
        a->free(a->ctx, p, size);
        return NULL;
    }
    memset(p, 0, size);
    return p;
}

void a2c__free(const a2c_allocator *a, void *ptr, size_t size)
{
    if (!ptr) return;
    if (size == 0) size = 1;
    a->free(a->ctx, ptr, size);
}

int a2c__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}

void *a2c__carve(size_t a, size_t b, size_t elem, unsigned char *block, size_t *used)
{
    size_t n, bytes;
    if (*used == SIZE_MAX || !a2c__mul_size(a, b, &n) || !a2c__mul_size(n, elem, &bytes) ||
        bytes > SIZE_MAX / 2 - *used) {
        *used = SIZE_MAX;
        return NULL;
    }
    void *p = block ? block + *used : NULL;
    *used += (bytes + A2C_ALIGN - 1) / A2C_ALIGN * A2C_ALIGN;
    return p;
}
