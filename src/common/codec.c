/* The checkpoint byte codec (codec.h): little-endian integers, IEEE-754
 * values by their bit patterns, and CRC-32. */
#include "common/codec.h"

#include <string.h>

uint32_t a2c__crc32(uint32_t crc, const void *data, size_t n)
{
    /* Four bits at a time: the CRC of each nibble under the reflected
     * polynomial 0xEDB88320 (tests/test_checkpoint.c derives the table). */
    static const uint32_t nibble[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t k = 0; k < n; k++) {
        crc ^= p[k];
        crc = (crc >> 4) ^ nibble[crc & 15];
        crc = (crc >> 4) ^ nibble[crc & 15];
    }
    return ~crc;
}

/* ---- writing ---- */

void a2c__put_bytes(a2c__writer *w, const void *src, size_t n)
{
    if (w->p && n > 0) memcpy(w->p + w->len, src, n);
    w->len += n;
}

void a2c__put_u32(a2c__writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int k = 0; k < 4; k++) b[k] = (unsigned char)(v >> (8 * k));
    a2c__put_bytes(w, b, 4);
}

void a2c__put_u64(a2c__writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(v >> (8 * k));
    a2c__put_bytes(w, b, 8);
}

void a2c__put_f64(a2c__writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    a2c__put_u64(w, bits);
}

void a2c__put_floats(a2c__writer *w, const float *v, size_t n)
{
    if (!w->p) { /* counting: no need to walk the values */
        w->len += 4 * n;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t bits;
        memcpy(&bits, &v[k], sizeof bits);
        a2c__put_u32(w, bits);
    }
}

void a2c__put_rng(a2c__writer *w, const a2c__rng *r)
{
    for (int k = 0; k < 4; k++) a2c__put_u64(w, r->s[k]);
}

/* ---- reading ---- */

const unsigned char *a2c__get_bytes(a2c__reader *r, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

uint32_t a2c__get_u32(a2c__reader *r)
{
    const unsigned char *b = a2c__get_bytes(r, 4);
    if (!b) return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t a2c__get_u64(a2c__reader *r)
{
    const uint64_t lo = a2c__get_u32(r);
    return lo | (uint64_t)a2c__get_u32(r) << 32;
}

double a2c__get_f64(a2c__reader *r)
{
    const uint64_t bits = a2c__get_u64(r);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

float a2c__get_f32(a2c__reader *r)
{
    const uint32_t bits = a2c__get_u32(r);
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

void a2c__get_floats(a2c__reader *r, float *dst, size_t n)
{
    if (r->bad || n > r->left / 4) {
        r->bad = 1;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const float v = a2c__get_f32(r);
        if (dst) dst[k] = v;
    }
}

void a2c__get_rng(a2c__reader *r, a2c__rng *out)
{
    for (int k = 0; k < 4; k++) out->s[k] = a2c__get_u64(r);
    if (!(out->s[0] | out->s[1] | out->s[2] | out->s[3])) r->bad = 1;
}
