/* The common layer: what every module of src/ may use.  Allocation through
 * the host's hooks, one-block buffer carving, overflow-checked sizes, the
 * finite check, the A2C_TRY idiom and the last-error recorder.
 *
 * Cross-file internal names carry the a2c__ prefix: hidden from the shared
 * library's exports and unlikely to collide inside a static link. */
#ifndef A2C_COMMON_COMMON_H
#define A2C_COMMON_COMMON_H

#include "a2c/a2c.h"
#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

/* Forward a failure to the function's single `fail:` label; the function
 * declares `a2c_status rc`. */
#define A2C_TRY(expr)                \
    do {                             \
        rc = (expr);                 \
        if (rc != A2C_OK) goto fail; \
    } while (0)

/* ---- allocation (alloc.c) ---- */

/* Alignment of every block the library asks for: one cache line, enough
 * for any SIMD load. */
#define A2C_ALIGN 64

/* The allocator to copy for `hooks`: the default (aligned malloc/free)
 * for NULL, else the host's after checking it (A2C_E_INVALID_ARG, with a
 * last-error message under the public function's name `fn` naming the
 * field at fault). */
a2c_status a2c__allocator(const a2c_allocator *hooks, a2c_allocator *out, const char *fn);
/* A zeroed, A2C_ALIGN-aligned block, or NULL. */
void *a2c__alloc(const a2c_allocator *a, size_t size);
void a2c__free(const a2c_allocator *a, void *ptr, size_t size);
/* *out = a * b; returns 0 on overflow. */
int a2c__mul_size(size_t a, size_t b, size_t *out);
/* Lays out buffers in one block: reserves a x b elements of `elem` bytes
 * at *used (rounded up to whole A2C_ALIGN lines) and returns their address
 * in `block`, or NULL while block is NULL (a sizing pass walks the same
 * calls first).  On overflow *used becomes SIZE_MAX and stays there. */
void *a2c__carve(size_t a, size_t b, size_t elem, unsigned char *block, size_t *used);

/* The most threads a trainer takes (A2C_PARAM_N_THREADS). */
#define A2C__MAX_THREADS 256

/* ---- flat vectors (vector.c) ---- */

/* Finite check over n floats: 1 if all are finite. */
int a2c__all_finite(const float *x, size_t n);
/* Where part `part` of `parts` starts when n items are split between
 * threads: about n / parts each, starts rounded up to multiples of
 * `align` (whole register blocks; 8 rows go to part 0 alone); part >=
 * parts gives n. */
size_t a2c__part_start(size_t n, unsigned part, unsigned parts, size_t align);

#endif /* A2C_COMMON_COMMON_H */
