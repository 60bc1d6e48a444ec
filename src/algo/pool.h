/* The trainer's worker threads (pool.c): the calling thread and up to
 * n_threads - 1 helpers run the parts of one task at once.  A value type:
 * the trainer embeds one; only pool.c touches its fields.
 *
 * A task is split into `parts` by the caller, who decides which part does
 * what; part 0 always runs on the calling thread.  The split never changes
 * a result: every task divides work whose outputs do not depend on how it
 * is divided (rows of a matrix product, ranges of an element-wise update),
 * so training is bit-identical for every thread count. */
#ifndef A2C_ALGO_POOL_H
#define A2C_ALGO_POOL_H

#include "algo/worker.h"
#include "common/common.h"

typedef void (*a2c__task)(void *arg, unsigned part, unsigned parts);

typedef struct a2c__pool_slot {
    a2c__task task;
    void *arg;
    unsigned part, parts;
} a2c__pool_slot;

typedef struct a2c__pool {
    a2c_allocator alloc;
    a2c__worker *workers; /* capacity of them, started by a2c_trainer_learn (for
                           * the call) or a push trainer's first push_start (for
                           * its life) */
    a2c__pool_slot *slots;
    unsigned capacity;    /* helpers allowed (n_threads - 1) */
    unsigned running;     /* helpers started */
    int one_pending;      /* a2c__pool_start_one's task may still run */
} a2c__pool;

/* Room for `helpers` helper threads (none started).  A2C_E_NOMEM. */
a2c_status a2c__pool_init(a2c__pool *p, const a2c_allocator *alloc, unsigned helpers);
void a2c__pool_release(a2c__pool *p);
/* Starts the helpers; returns how many run (fewer if a thread could not be
 * made: the rest of the work is then done by fewer threads). */
unsigned a2c__pool_start(a2c__pool *p);
void a2c__pool_stop(a2c__pool *p);
/* Threads a task can be split over now: 1 + the running helpers. */
unsigned a2c__pool_threads(const a2c__pool *p);
/* Runs task(arg, k, parts) for k < parts (at most a2c__pool_threads),
 * part 0 here and part k on helper k - 1, and returns when all are done. */
void a2c__pool_run(a2c__pool *p, unsigned parts, a2c__task task, void *arg);
/* Starts task(arg, 1, 2) on the first helper (which must run) and returns
 * at once, so that the calling thread can work beside it; a2c__pool_join
 * waits for it (and so do a2c__pool_run, a2c__pool_start_one and
 * a2c__pool_stop before they hand the helper anything else). */
void a2c__pool_start_one(a2c__pool *p, a2c__task task, void *arg);
void a2c__pool_join(a2c__pool *p);

#endif /* A2C_ALGO_POOL_H */
