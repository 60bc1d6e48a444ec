/* One helper thread for the trainer: the main thread posts a job, does its
 * own half of the work, then waits for the helper's half.
 *
 * Jobs are microseconds long (one layer stack over 8 rows), so waiting
 * starts by spinning on an atomic sequence number.  A wait that lasts
 * longer (a slow environment, or both threads sharing one core because the
 * machine is busy) blocks on a condition variable instead, so an idle or
 * starved thread never burns the CPU the other one needs.  The helper
 * exists inside a2c_trainer_learn, or for a push trainer's life.
 *
 * No wakeup is lost: a sleeper registers (sleepers++) and re-checks under
 * the lock before waiting; a notifier publishes its value and then looks at
 * sleepers, both sequentially consistent, so one of the two always sees the
 * other. */
/* sched_yield and the pthread calls: the library itself is C11. */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "algo/worker.h"

int a2c__worker_running(const a2c__worker *w)
{
    return w->running;
}

#if !defined(A2C__WORKER_PTHREAD) && !defined(A2C__WORKER_C11)

int a2c__worker_start(a2c__worker *w)
{
    w->running = 0;
    return 0; /* no threads here: the trainer works alone */
}

void a2c__worker_post(a2c__worker *w, void (*job)(void *), void *arg)
{
    (void)w;
    job(arg);
}

void a2c__worker_wait(a2c__worker *w)
{
    (void)w;
}

void a2c__worker_stop(a2c__worker *w)
{
    (void)w;
}

#else

#if defined(A2C__WORKER_PTHREAD)
#include <sched.h>
static void *pthread_main(void *arg);
#define CREATE(w) (pthread_create(&(w)->thread, NULL, pthread_main, (w)) == 0)
#define JOIN(w) pthread_join((w)->thread, NULL)
#define LOCK(w) pthread_mutex_lock(&(w)->lock)
#define UNLOCK(w) pthread_mutex_unlock(&(w)->lock)
#define WAIT(w) pthread_cond_wait(&(w)->wake, &(w)->lock)
#define BROADCAST(w) pthread_cond_broadcast(&(w)->wake)
#define YIELD() sched_yield()
#define SYNC_INIT(w)                                                                  \
    (pthread_mutex_init(&(w)->lock, NULL) == 0 &&                                     \
     (pthread_cond_init(&(w)->wake, NULL) == 0 || (pthread_mutex_destroy(&(w)->lock), 0)))
#define SYNC_DESTROY(w) (pthread_cond_destroy(&(w)->wake), pthread_mutex_destroy(&(w)->lock))
#else
#define CREATE(w) (thrd_create(&(w)->thread, worker_main, (w)) == thrd_success)
#define JOIN(w) thrd_join((w)->thread, NULL)
#define LOCK(w) mtx_lock(&(w)->lock)
#define UNLOCK(w) mtx_unlock(&(w)->lock)
#define WAIT(w) cnd_wait(&(w)->wake, &(w)->lock)
#define BROADCAST(w) cnd_broadcast(&(w)->wake)
#define YIELD() thrd_yield()
#define SYNC_INIT(w)                                                                  \
    (mtx_init(&(w)->lock, mtx_plain) == thrd_success &&                               \
     (cnd_init(&(w)->wake) == thrd_success || (mtx_destroy(&(w)->lock), 0)))
#define SYNC_DESTROY(w) (cnd_destroy(&(w)->wake), mtx_destroy(&(w)->lock))
#endif

/* A waiting thread spins, yielding every YIELD_EVERY spins in case the
 * other thread shares its core, and sleeps after BLOCK_AFTER spins (~0.4 ms
 * at ~25 ns a pause): training waits are microseconds, so only a slow
 * environment or callback puts the helper to sleep. */
#define YIELD_EVERY 1024
#define BLOCK_AFTER (16 * YIELD_EVERY)

static void pause_cpu(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_ia32_pause(); /* be gentle with the sibling hyperthread */
#endif
}

/* Waits until *value differs from `target` (want_change) or equals it. */
static unsigned wait_for(a2c__worker *w, atomic_uint *value, unsigned target, int want_change)
{
    unsigned v;
#define READY (v = atomic_load(value), want_change ? v != target : v == target)
    for (int k = 1; k <= BLOCK_AFTER; k++) {
        if (READY) return v;
        pause_cpu();
        if (k % YIELD_EVERY == 0) YIELD();
    }
    LOCK(w);
    atomic_fetch_add(&w->sleepers, 1);
    while (!READY) WAIT(w);
    atomic_fetch_sub(&w->sleepers, 1);
    UNLOCK(w);
#undef READY
    return v;
}

/* Publishes a new value and wakes whoever sleeps on it. */
static void publish(a2c__worker *w, atomic_uint *value, unsigned v)
{
    atomic_store(value, v);
    if (atomic_load(&w->sleepers) > 0) {
        LOCK(w);
        BROADCAST(w);
        UNLOCK(w);
    }
}

static int worker_main(void *arg)
{
    a2c__worker *w = arg;
    unsigned seen = 0;
    for (;;) {
        seen = wait_for(w, &w->posted, seen, 1);
        if (!w->job) break; /* the stop request */
        w->job(w->arg);
        publish(w, &w->done, seen);
    }
    return 0;
}

#if defined(A2C__WORKER_PTHREAD)
static void *pthread_main(void *arg)
{
    worker_main(arg);
    return NULL;
}
#endif

int a2c__worker_start(a2c__worker *w)
{
    atomic_init(&w->posted, 0u);
    atomic_init(&w->done, 0u);
    atomic_init(&w->sleepers, 0);
    w->sequence = 0;
    w->job = NULL;
    w->running = 0;
    if (!SYNC_INIT(w)) return 0;
    w->running = CREATE(w);
    if (!w->running) SYNC_DESTROY(w);
    return w->running;
}

void a2c__worker_post(a2c__worker *w, void (*job)(void *), void *arg)
{
    if (!w->running) {
        job(arg);
        return;
    }
    w->job = job;
    w->arg = arg;
    publish(w, &w->posted, ++w->sequence);
}

void a2c__worker_wait(a2c__worker *w)
{
    if (w->running) wait_for(w, &w->done, w->sequence, 0);
}

void a2c__worker_stop(a2c__worker *w)
{
    if (!w->running) return;
    w->job = NULL;
    publish(w, &w->posted, ++w->sequence);
    JOIN(w);
    SYNC_DESTROY(w);
    w->running = 0;
}

#endif
