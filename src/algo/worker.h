/* One helper thread (worker.c).  A value type: the trainer's pool
 * (pool.c) holds an array of them; only worker.c touches their fields. */
#ifndef A2C_ALGO_WORKER_H
#define A2C_ALGO_WORKER_H

/* On POSIX systems the helper is a pthread, elsewhere a C11 thread (the
 * protocol is the same).  POSIX is the shipped path on Linux and macOS
 * because ThreadSanitizer sees pthreads but not glibc's C11 threads, which
 * call pthreads internally past its interceptors: `make tsan` checks the
 * code that ships. */
#if !defined(__STDC_NO_ATOMICS__) && (defined(__unix__) || defined(__APPLE__))
#define A2C__WORKER_PTHREAD 1
#elif !defined(__STDC_NO_THREADS__) && !defined(__STDC_NO_ATOMICS__)
#define A2C__WORKER_C11 1
#endif

#if defined(A2C__WORKER_PTHREAD) || defined(A2C__WORKER_C11)
#include <stdatomic.h>
#if defined(A2C__WORKER_PTHREAD)
#include <pthread.h>
#else
#include <threads.h>
#endif
typedef struct a2c__worker {
#if defined(A2C__WORKER_PTHREAD)
    pthread_t thread;
    pthread_mutex_t lock; /* only for sleeping: the fast path is the atomics */
    pthread_cond_t wake;
#else
    thrd_t thread;
    mtx_t lock;
    cnd_t wake;
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
