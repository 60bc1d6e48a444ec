/* The pool of helper threads: an array of the worker module's one-helper
 * hand-overs.  Posting a part to each helper and waiting for each keeps the
 * synchronisation per helper (one atomic store to post, one load to see it
 * done): with one helper this is exactly the protocol the trainer used
 * before it had a pool. */
#include "algo/pool.h"

#include <string.h>

a2c_status a2c__pool_init(a2c__pool *p, const a2c_allocator *alloc, unsigned helpers)
{
    memset(p, 0, sizeof *p);
    p->alloc = *alloc;
    if (helpers == 0) return A2C_OK;
    p->workers = a2c__alloc(alloc, helpers * sizeof *p->workers);
    p->slots = a2c__alloc(alloc, helpers * sizeof *p->slots);
    if (!p->workers || !p->slots) {
        a2c__pool_release(p);
        return A2C_E_NOMEM;
    }
    memset(p->workers, 0, helpers * sizeof *p->workers);
    p->capacity = helpers;
    return A2C_OK;
}

void a2c__pool_release(a2c__pool *p)
{
    a2c__pool_stop(p);
    a2c__free(&p->alloc, p->workers, p->capacity * sizeof *p->workers);
    a2c__free(&p->alloc, p->slots, p->capacity * sizeof *p->slots);
    p->workers = NULL;
    p->slots = NULL;
    p->capacity = 0;
}

unsigned a2c__pool_start(a2c__pool *p)
{
    while (p->running < p->capacity && a2c__worker_start(&p->workers[p->running]))
        p->running++;
    return p->running;
}

void a2c__pool_stop(a2c__pool *p)
{
    a2c__pool_join(p);
    while (p->running > 0) a2c__worker_stop(&p->workers[--p->running]);
}

unsigned a2c__pool_threads(const a2c__pool *p)
{
    return 1 + p->running;
}

static void run_slot(void *arg)
{
    const a2c__pool_slot *s = arg;
    s->task(s->arg, s->part, s->parts);
}

void a2c__pool_run(a2c__pool *p, unsigned parts, a2c__task task, void *arg)
{
    if (parts > 1 + p->running) parts = 1 + p->running;
    if (parts == 0) parts = 1;
    if (parts > 1) a2c__pool_join(p);
    for (unsigned k = 1; k < parts; k++) {
        p->slots[k - 1] = (a2c__pool_slot){task, arg, k, parts};
        a2c__worker_post(&p->workers[k - 1], run_slot, &p->slots[k - 1]);
    }
    task(arg, 0, parts);
    for (unsigned k = 1; k < parts; k++) a2c__worker_wait(&p->workers[k - 1]);
}

void a2c__pool_start_one(a2c__pool *p, a2c__task task, void *arg)
{
    a2c__pool_join(p);
    p->slots[0] = (a2c__pool_slot){task, arg, 1, 2};
    a2c__worker_post(&p->workers[0], run_slot, &p->slots[0]);
    p->one_pending = 1;
}

void a2c__pool_join(a2c__pool *p)
{
    if (!p->one_pending) return;
    a2c__worker_wait(&p->workers[0]);
    p->one_pending = 0;
}
