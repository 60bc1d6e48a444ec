/* Little-endian byte codec for checkpoints (codec.c).  A writer either
 * counts (p == NULL) or stores bytes, so a size query and the save that
 * follows walk the same code and cannot disagree.  A reader checks every
 * length against what is left before touching it: once anything is
 * missing it turns `bad` and every later read gives 0, so a section
 * reader may read straight through and check `bad` once at the end. */
#ifndef A2C_COMMON_CODEC_H
#define A2C_COMMON_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"

typedef struct a2c__writer {
    unsigned char *p; /* NULL: count only */
    size_t len;
} a2c__writer;

void a2c__put_bytes(a2c__writer *w, const void *src, size_t n);
void a2c__put_u32(a2c__writer *w, uint32_t v);
void a2c__put_u64(a2c__writer *w, uint64_t v);
void a2c__put_f64(a2c__writer *w, double v);
void a2c__put_floats(a2c__writer *w, const float *v, size_t n);
void a2c__put_rng(a2c__writer *w, const a2c__rng *r);

typedef struct a2c__reader {
    const unsigned char *p;
    size_t left;
    int bad; /* set once anything was missing or invalid */
} a2c__reader;

const unsigned char *a2c__get_bytes(a2c__reader *r, size_t n);
uint32_t a2c__get_u32(a2c__reader *r);
uint64_t a2c__get_u64(a2c__reader *r);
double a2c__get_f64(a2c__reader *r);
float a2c__get_f32(a2c__reader *r);
/* Reads n floats into dst (or skips them with dst NULL); marks the reader
 * bad first if fewer than n are left, so a huge count costs nothing. */
void a2c__get_floats(a2c__reader *r, float *dst, size_t n);
/* A generator state; the all-zero state (xoshiro's dead state) is bad. */
void a2c__get_rng(a2c__reader *r, a2c__rng *out);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of n bytes, continuing from crc. */
uint32_t a2c__crc32(uint32_t crc, const void *data, size_t n);

#endif /* A2C_COMMON_CODEC_H */
