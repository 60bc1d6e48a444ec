/* The trainer's helper thread (worker.c).  A value type: the trainer
 * embeds one; only worker.c touches its fields. */
#ifndef A2C_ALGO_WORKER_H
#define A2C_ALGO_WORKER_H

#if !defined(__STDC_NO_THREADS__) && !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
#include <threads.h>
#if defined(A2C_WORKER_PTHREAD)
#include <pthread.h>
#endif
typedef struct a2c__worker {
    thrd_t thread;
    mtx_t lock; /* only for sleeping: the fast path is the atomics */
    cnd_t wake;
#if defined(A2C_WORKER_PTHREAD)
    pthread_t pthread; /* make tsan only, see worker.c */
    pthread_mutex_t plock;
    pthread_cond_t pwake;
#endif
    atomic_uint posted, done; /* job sequence numbers */
    atomic_int sleepers;
    unsigned sequence;        /* the main thread's count of posted jobs */
    void (*job)(void *);
    void *arg;
    int running;
} a2c__worker;
#else
typedef struct a2c__worker {
    int running;
} a2c__worker;
#endif

/* Starts the helper; returns 0 (and the helper runs jobs inline) if no
 * thread could be made. */
int a2c__worker_start(a2c__worker *w);
/* Hands `job` to the helper (runs it at once without a helper). */
void a2c__worker_post(a2c__worker *w, void (*job)(void *), void *arg);
/* Waits until the posted job has finished. */
void a2c__worker_wait(a2c__worker *w);
/* Joins the helper. */
void a2c__worker_stop(a2c__worker *w);
/* 1 while the helper thread exists. */
int a2c__worker_running(const a2c__worker *w);

#endif /* A2C_ALGO_WORKER_H */
