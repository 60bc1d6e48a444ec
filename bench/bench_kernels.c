/* Per-call cost of the hot kernels at the zoo CartPole shapes (median of
 * repeated timings).  A development tool: `make bench` runs the real
 * benchmark, this one explains it. */
#include "whitebox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define TIME(label, reps, stmt)                                                  \
    do {                                                                         \
        double t[9];                                                             \
        for (int r = 0; r < 9; r++) {                                            \
            const double s = now();                                              \
            for (long it_ = 0; it_ < (reps); it_++) { stmt; }                          \
            t[r] = (now() - s) / (double)(reps);                                 \
        }                                                                        \
        qsort(t, 9, sizeof t[0], cmp_double);                                           \
        printf("%-34s %9.1f ns\n", label, t[4] * 1e9);                           \
    } while (0)

int main(void)
{
    static float x[40 * 64], y[40 * 64], w[64 * 64], b[64], dw[64 * 64], db[64], dx[40 * 64], scr[64 * 128];
    for (int k = 0; k < 40 * 64; k++) x[k] = (float)((k * 37) % 100) / 100.0f - 0.5f;
    for (int k = 0; k < 64 * 64; k++) w[k] = (float)((k * 13) % 97) / 97.0f - 0.5f;
    memcpy(dx, x, sizeof dx);
    const a2c__kernels *kt = a2c__kernels_select();
    printf("kernels: %s\n", kt->name);
    TIME("forward  8 x 4 -> 64", 200000, a2c__linear_forward(kt, x, 8, 4, 64, w, b, y));
    TIME("forward  8 x 64 -> 64", 100000, a2c__linear_forward(kt, x, 8, 64, 64, w, b, y));
    TIME("forward  8 x 64 -> 2", 200000, a2c__linear_forward(kt, x, 8, 64, 2, w, b, y));
    TIME("forward  8 x 64 -> 1", 200000, a2c__linear_forward(kt, x, 8, 64, 1, w, b, y));
    TIME("tanh     8 x 64", 200000, a2c__activation_forward(kt, 0, y, 8 * 64));
    TIME("backward 40 x 4 -> 64 (no dx)", 20000, a2c__linear_backward(kt, x, y, 40, 4, 64, w, dw, db, NULL, scr));
    TIME("backward 40 x 64 -> 64", 20000, a2c__linear_backward(kt, x, y, 40, 64, 64, w, dw, db, dx, scr));
    TIME("backward 40 x 64 -> 2", 20000, a2c__linear_backward(kt, x, y, 40, 64, 2, w, dw, db, dx, scr));
    TIME("backward 40 x 64 -> 1", 20000, a2c__linear_backward(kt, x, y, 40, 64, 1, w, dw, db, dx, scr));
    TIME("tanh backward 40 x 64", 100000, a2c__activation_backward(kt, 0, x, dx, 40 * 64));

    a2c_config *cfg;
    a2c_config_create(&cfg, NULL);
    a2c_optimizer *opt;
    a2c_optimizer_create(&opt, cfg, 9155);
    float *p = calloc(9155, sizeof *p), *g = calloc(9155, sizeof *g);
    for (int k = 0; k < 9155; k++) g[k] = 1e-3f * (float)(k % 17);
    TIME("rmsprop step 9155", 20000, a2c_optimizer_step(opt, p, g, 9155, 1.0));
    TIME("clip_grad_norm 9155", 20000, a2c_clip_grad_norm(g, 9155, 1e9, NULL));
    free(p), free(g);
    a2c_optimizer_destroy(opt);
    a2c_config_destroy(cfg);
    return 0;
}
