/* Shared by the checkpoint-loader fuzz targets: give a mutated input the
 * frame it needs (body size and CRC-32) so that mutations reach the
 * sections instead of stopping at the checksum. */
#ifndef A2C_FUZZ_REFRAME_H
#define A2C_FUZZ_REFRAME_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The checkpoint frame (docs/checkpoint-format.md): a 24-byte header
 * whose body size sits at offset 16, the body, and a CRC-32 of everything
 * before it in the last 4 bytes. */
#define FRAME_BYTES 28u

/* CRC-32/ISO-HDLC (zlib's and the format's), by table. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
            table[i] = c;
        }
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = (c >> 8) ^ table[(c ^ p[i]) & 0xFFu];
    return ~c;
}

/* A copy of the input with its body size and CRC made to fit, or NULL if
 * they already do or the input is shorter than a frame.  Almost every
 * mutation of a checkpoint breaks its checksum, so without this the
 * fuzzer would hardly get past the frame to the sections. */
static uint8_t *reframe(const uint8_t *data, size_t size)
{
    if (size < FRAME_BYTES) return NULL;
    uint8_t *copy = malloc(size);
    if (!copy) abort();
    memcpy(copy, data, size);
    const uint64_t body = size - FRAME_BYTES;
    for (int k = 0; k < 8; k++) copy[16 + k] = (uint8_t)(body >> (8 * k));
    const uint32_t crc = crc32_of(copy, size - 4);
    for (int k = 0; k < 4; k++) copy[size - 4 + k] = (uint8_t)(crc >> (8 * k));
    if (memcmp(copy, data, size) == 0) {
        free(copy);
        return NULL;
    }
    return copy;
}

#endif /* A2C_FUZZ_REFRAME_H */
