/* Checkpoints: bit-exact round trips, every truncation, flipped bytes,
 * corrupt fields behind a valid checksum, I/O errors, resuming, and the
 * version-1 files of liba2c 0.1 (tests/fixtures/v0.1). */
#include "harness.h"
#include "whitebox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 24

static unsigned char *save_net(const a2c_net *net, size_t *size)
{
    CHECK(a2c_net_save_size(net, size) == A2C_OK);
    unsigned char *buf = malloc(*size);
    size_t written = 0;
    CHECK(a2c_net_save_to_buffer(net, buf, *size, &written) == A2C_OK);
    CHECK_EQ_INT(written, *size);
    return buf;
}

static unsigned char *save_trainer(const a2c_trainer *tr, size_t *size)
{
    CHECK(a2c_trainer_save_size(tr, size) == A2C_OK);
    unsigned char *buf = malloc(*size);
    CHECK(a2c_trainer_save_to_buffer(tr, buf, *size, NULL) == A2C_OK);
    return buf;
}

/* Rewrites the trailing CRC after a deliberate edit, so that only the
 * field checks can catch it. */
static void reseal(unsigned char *buf, size_t size)
{
    const uint32_t crc = a2c__crc32(0, buf, size - 4);
    for (int k = 0; k < 4; k++) buf[size - 4 + k] = (unsigned char)(crc >> (8 * k));
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}

/* Bodies of a trainer checkpoint cut short every `stride` bytes but framed
 * as whole files (size and CRC fixed up): only the parser's length checks
 * stand between it and the end of the buffer, which is exactly as long as
 * the frame says.  1 if the net and trainer loaders refuse every one. */
static int reframed_bodies_refused(const unsigned char *buf, size_t size, size_t stride,
                                   a2c_trainer *into)
{
    int ok = 1;
    for (size_t body = 0; body + HEADER + 4 < size; body += stride) {
        unsigned char *cut = malloc(HEADER + body + 4);
        memcpy(cut, buf, HEADER + body);
        for (int k = 0; k < 8; k++) cut[16 + k] = (unsigned char)((uint64_t)body >> (8 * k));
        reseal(cut, HEADER + body + 4);
        a2c_net *net = NULL;
        ok &= a2c_net_load_from_buffer(&net, cut, HEADER + body + 4, NULL) == A2C_E_FORMAT;
        ok &= a2c_trainer_load_from_buffer(into, cut, HEADER + body + 4) == A2C_E_FORMAT;
        a2c_net_destroy(net);
        free(cut);
    }
    return ok;
}

/* A CartPole trainer; `arch` NULL keeps SB3's [64, 64]. */
static a2c_trainer *make_trainer_arch(uint64_t seed, a2c_env **env, const char *arch)
{
    CHECK(a2c_env_make(env, "CartPole-v1", 4, NULL) == A2C_OK);
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed) == A2C_OK);
    if (arch) CHECK(a2c_config_set_string(cfg, "net_arch", arch) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, *env) == A2C_OK);
    a2c_config_destroy(cfg);
    return tr;
}

static a2c_trainer *make_trainer(uint64_t seed, a2c_env **env)
{
    return make_trainer_arch(seed, env, NULL);
}

/* CRC-32 a bit at a time, straight from its definition. */
static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t k = 0; k < n; k++) {
        crc ^= p[k];
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void test_crc32(void)
{
    /* the standard check value of CRC-32/ISO-HDLC */
    CHECK(a2c__crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(a2c__crc32(0, "", 0) == 0);
    unsigned char bytes[300];
    for (int k = 0; k < 300; k++) bytes[k] = (unsigned char)(k * 151 + 7);
    CHECK(a2c__crc32(0, bytes, 300) == crc32_bitwise(bytes, 300));
    /* continuing a CRC over two pieces equals one pass */
    CHECK(a2c__crc32(a2c__crc32(0, bytes, 100), bytes + 100, 200) == crc32_bitwise(bytes, 300));
}

static void test_net_round_trip(void)
{
    a2c_env *env;
    a2c_trainer *tr = make_trainer(7, &env);
    CHECK(a2c_trainer_learn(tr, 4000, NULL, NULL) == A2C_OK);
    a2c_net *net = a2c_trainer_net(tr);
    size_t size;
    unsigned char *buf = save_net(net, &size);
    a2c_net *back = NULL;
    CHECK(a2c_net_load_from_buffer(&back, buf, size, NULL) == A2C_OK);
    if (back) {
        const size_t n = a2c_net_param_count(net);
        CHECK_EQ_INT(a2c_net_param_count(back), n);
        CHECK(memcmp(a2c_net_params(net), a2c_net_params(back), n * sizeof(float)) == 0);
        /* saving the loaded net gives the same bytes */
        size_t size2;
        unsigned char *buf2 = save_net(back, &size2);
        CHECK(size2 == size && memcmp(buf, buf2, size) == 0);
        free(buf2);
    }
    a2c_net_destroy(back);

    /* files */
    const char *path = "build/test_checkpoint_net.a2c";
    CHECK(a2c_net_save(net, path) == A2C_OK);
    CHECK(a2c_net_load(&back, path, NULL) == A2C_OK);
    size_t size3;
    unsigned char *buf3 = back ? save_net(back, &size3) : NULL;
    CHECK(buf3 && size3 == size && memcmp(buf, buf3, size) == 0);
    free(buf3);
    if (back) {
        /* the loaded net acts the same, sampling included */
        const float obs[8] = {0.01f, 0.2f, -0.03f, 0.1f, -0.1f, 0.0f, 0.05f, -0.2f};
        int32_t a1[2], a2[2];
        float v1[2], v2[2];
        CHECK(a2c_net_act(net, obs, 2, 0, a1, NULL, v1) == A2C_OK);
        CHECK(a2c_net_act(back, obs, 2, 0, a2, NULL, v2) == A2C_OK);
        CHECK(memcmp(a1, a2, sizeof a1) == 0 && memcmp(v1, v2, sizeof v1) == 0);
    }
    a2c_net_destroy(back);
    remove(path);
    CHECK(a2c_net_load(&back, "build/no/such/file.a2c", NULL) == A2C_E_IO && back == NULL);
    CHECK(a2c_net_save(net, "build/no/such/dir/x.a2c") == A2C_E_IO);
    CHECK(a2c_net_save(net, "") == A2C_E_INVALID_ARG);
    /* too small a buffer, NULLs */
    CHECK(a2c_net_save_to_buffer(net, buf, size - 1, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_save_to_buffer(net, NULL, size, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_save_size(NULL, &size3) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_save_size(net, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_load_from_buffer(NULL, buf, size, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_load_from_buffer(&back, NULL, size, NULL) == A2C_E_INVALID_ARG);
    /* a trainer checkpoint loads as a net too */
    size_t tsize;
    unsigned char *tbuf = save_trainer(tr, &tsize);
    CHECK(tsize > size);
    CHECK(a2c_net_load_from_buffer(&back, tbuf, tsize, NULL) == A2C_OK);
    if (back)
        CHECK(memcmp(a2c_net_params(net), a2c_net_params(back),
                     a2c_net_param_count(net) * sizeof(float)) == 0);
    a2c_net_destroy(back);
    /* but a net checkpoint cannot resume a trainer */
    CHECK(a2c_trainer_load_from_buffer(tr, buf, size) == A2C_E_FORMAT);
    free(tbuf);
    free(buf);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
}

/* Every prefix and every flipped byte of a checkpoint is refused, never a
 * crash.  `stride` > 1 flips only every stride-th byte (for big files:
 * each flip costs a full checksum pass). */
static void truncate_and_flip(const char *arch, size_t stride)
{
    a2c_env *env, *env2;
    a2c_trainer *tr = make_trainer_arch(8, &env, arch), *other = make_trainer_arch(9, &env2, arch);
    CHECK(a2c_trainer_learn(tr, 400, NULL, NULL) == A2C_OK);
    size_t nsize, tsize, osize;
    unsigned char *nbuf = save_net(a2c_trainer_net(tr), &nsize);
    unsigned char *tbuf = save_trainer(tr, &tsize);
    unsigned char *before = save_trainer(other, &osize);
    int trunc_ok = 1, flip_ok = 1;
    for (size_t len = 0; len < tsize; len++) {
        a2c_net *net = NULL;
        /* a copy of exactly `len` bytes, so a sanitizer sees any overread */
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, tbuf, len);
        trunc_ok &= a2c_net_load_from_buffer(&net, cut, len, NULL) == A2C_E_FORMAT && !net;
        trunc_ok &= a2c_trainer_load_from_buffer(other, cut, len) == A2C_E_FORMAT;
        if (len < nsize) {
            memcpy(cut, nbuf, len);
            trunc_ok &= a2c_net_load_from_buffer(&net, cut, len, NULL) == A2C_E_FORMAT;
        }
        free(cut);
    }
    size_t flips = 0;
    for (size_t k = 0; k < tsize; k += (k < HEADER ? 1 : stride)) {
        const unsigned char bit = (unsigned char)(1u << (k % 8));
        a2c_net *net = NULL;
        tbuf[k] ^= bit;
        flip_ok &= a2c_trainer_load_from_buffer(other, tbuf, tsize) == A2C_E_FORMAT;
        flip_ok &= a2c_net_load_from_buffer(&net, tbuf, tsize, NULL) == A2C_E_FORMAT;
        tbuf[k] ^= bit;
        flips++;
    }
    const int reframed_ok = reframed_bodies_refused(tbuf, tsize, stride, other);
    CHECK(trunc_ok);
    CHECK(flip_ok);
    CHECK(reframed_ok);
    /* the failed loads left the other trainer as it was */
    size_t asize;
    unsigned char *after = save_trainer(other, &asize);
    CHECK(asize == osize && memcmp(before, after, osize) == 0);
    printf("checkpoint %s: %zu bytes; all %zu truncations and %zu flipped bytes refused\n",
           arch ? arch : "[64, 64]", tsize, tsize, flips);
    free(after), free(before), free(nbuf), free(tbuf);
    a2c_trainer_destroy(other), a2c_trainer_destroy(tr);
    a2c_env_close(env2), a2c_env_close(env);
}

static void test_truncation_and_flips(void)
{
    truncate_and_flip("[8]", 1);  /* every byte */
    truncate_and_flip(NULL, 61); /* the zoo net: a spread of its bytes */
}

/* Corrupt fields under a correct checksum: the parser's own checks. */
static void test_corrupt_fields(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    size_t size;
    unsigned char *good = save_net(net, &size);
    unsigned char *buf = malloc(size + 8);
    /* layout: header 24; u32 section count 2; two table entries {u32 id,
     * u16 version, u16 flags, u64 size}; the configuration section
     * (A2C__PARAM_COUNT params x 16; n_pi, 2 widths; n_vf, 2 widths); the
     * network section (obs_dim, n_actions, u64 n_params, params, rng); crc */
    const size_t config_at = HEADER + 4 + 2 * 16;
    const size_t arch_at = config_at + 4 + A2C__PARAM_COUNT * 16;
    const size_t obs_at = arch_at + 4 + 8 + 4 + 8;
    struct {
        const char *what;
        size_t at;
        uint32_t value;
    } edits[] = {
        {"magic", 1, 0x43324142},
        {"format version", 8, 3},
        {"kind", 12, 3},
        {"body size", 16, 12},
        {"section count", HEADER, 3},
        {"section count huge", HEADER, 0x10000000},
        {"unknown required section", HEADER + 4, 77},
        {"section twice", HEADER + 4 + 16, 1},
        {"section version", HEADER + 8, 2 | 1u << 16},
        {"section size", HEADER + 12, 17},
        {"parameter count", config_at, 5000},
        {"unknown parameter id", config_at + 4, 99},
        {"parameter type", config_at + 8, 1},
        {"gamma out of range (2.0)", config_at + 4 + 2 * 16 + 12, 0x40000000},
        {"pi layers", arch_at, 9},
        {"vf width 0", arch_at + 16, 0},
        {"obs_dim 0", obs_at, 0},
        {"n_actions huge", obs_at + 4, 1u << 30},
        {"n_params", obs_at + 8, 9154},
        {"a NaN weight", obs_at + 16 + 40, 0x7fc00000},
        {"an infinite weight", obs_at + 16 + 44, 0x7f800000},
        {"a dead generator state", size - 4 - 32, 0},
    };
    /* each edit must change the byte it aims at (a stale offset would not) */
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        memcpy(buf, good, size);
        if (e == sizeof edits / sizeof edits[0] - 1) memset(buf + size - 4 - 32, 0, 32);
        else put32(buf + edits[e].at, edits[e].value);
        CHECK(memcmp(buf, good, size - 4) != 0);
        reseal(buf, size);
        a2c_net *back = NULL;
        const a2c_status rc = a2c_net_load_from_buffer(&back, buf, size, NULL);
        if (!CHECK(rc == A2C_E_FORMAT))
            printf("  edit '%s' gave %s\n", edits[e].what, a2c_strerror(rc));
        a2c_net_destroy(back);
    }
    /* trailing bytes after a net checkpoint */
    memcpy(buf, good, size - 4);
    memset(buf + size - 4, 0, 8);
    put32(buf + 16, (uint32_t)(size - 24)); /* body size grows by 4 */
    reseal(buf, size + 4);
    a2c_net *back = NULL;
    CHECK(a2c_net_load_from_buffer(&back, buf, size + 4, NULL) == A2C_E_FORMAT);
    /* the unedited buffer still loads */
    CHECK(a2c_net_load_from_buffer(&back, good, size, NULL) == A2C_OK);
    a2c_net_destroy(back);
    free(buf), free(good);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

static void test_trainer_resume(void)
{
    a2c_env *ea, *eb, *ec;
    a2c_trainer *a = make_trainer(21, &ea);
    CHECK(a2c_trainer_learn(a, 3000, NULL, NULL) == A2C_OK);
    size_t size;
    unsigned char *ckpt = save_trainer(a, &size);
    /* b is made like a; c has another seed, which the checkpoint overrides */
    a2c_trainer *b = make_trainer(21, &eb), *c = make_trainer(98, &ec);
    CHECK(a2c_trainer_load_from_buffer(b, ckpt, size) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(c, ckpt, size) == A2C_OK);
    /* round trip: the loaded trainer saves the same bytes */
    size_t size_b;
    unsigned char *again = save_trainer(b, &size_b);
    CHECK(size_b == size && memcmp(again, ckpt, size) == 0);
    free(again);
    CHECK_EQ_INT(a2c_trainer_timesteps(b), 3000);
    /* resuming is deterministic: two restored trainers train alike */
    CHECK(a2c_trainer_learn(b, 6000, NULL, NULL) == A2C_OK);
    CHECK(a2c_trainer_learn(c, 6000, NULL, NULL) == A2C_OK);
    const size_t n = a2c_net_param_count(a2c_trainer_net(b));
    CHECK(memcmp(a2c_net_params(a2c_trainer_net(b)), a2c_net_params(a2c_trainer_net(c)),
                 n * sizeof(float)) == 0);
    uint64_t steps_b, steps_c;
    float *state = malloc(a2c_optimizer_state_size(a2c__trainer_optimizer(b)) * sizeof *state);
    CHECK(a2c_optimizer_get_state(a2c__trainer_optimizer(b), state,
                                  a2c_optimizer_state_size(a2c__trainer_optimizer(b)),
                                  &steps_b) == A2C_OK);
    CHECK(a2c_optimizer_get_state(a2c__trainer_optimizer(c), state,
                                  a2c_optimizer_state_size(a2c__trainer_optimizer(c)),
                                  &steps_c) == A2C_OK);
    free(state);
    CHECK(a2c__trainer_episodes(b) == a2c__trainer_episodes(c) && steps_b == steps_c);
    /* files */
    const char *path = "build/test_checkpoint_trainer.a2c";
    CHECK(a2c_trainer_save(b, path) == A2C_OK);
    CHECK(a2c_trainer_load(c, path) == A2C_OK);
    CHECK(memcmp(a2c_net_params(a2c_trainer_net(b)), a2c_net_params(a2c_trainer_net(c)),
                 n * sizeof(float)) == 0);
    remove(path);
    CHECK(a2c_trainer_load(c, "build/no/such/file") == A2C_E_IO);
    CHECK(a2c_trainer_load(NULL, path) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_save(NULL, path) == A2C_E_INVALID_ARG);
    /* another architecture or optimizer refuses the checkpoint */
    a2c_env *ed;
    CHECK(a2c_env_make(&ed, "CartPole-v1", 4, NULL) == A2C_OK);
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "net_arch", "[32, 32]") == A2C_OK);
    a2c_trainer *d;
    CHECK(a2c_trainer_create(&d, cfg, ed) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(d, ckpt, size) == A2C_E_INVALID_ARG);
    a2c_trainer_destroy(d);
    CHECK(a2c_config_set_string(cfg, "net_arch", "[64, 64]") == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, 0) == A2C_OK);
    CHECK(a2c_trainer_create(&d, cfg, ed) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(d, ckpt, size) == A2C_E_INVALID_ARG);
    a2c_trainer_destroy(d);
    a2c_config_destroy(cfg);
    a2c_env_close(ed);
    free(ckpt);
    a2c_trainer_destroy(a), a2c_trainer_destroy(b), a2c_trainer_destroy(c);
    a2c_env_close(ea), a2c_env_close(eb), a2c_env_close(ec);
}

/* Loading under allocation failure: NOMEM, nothing leaked. */
typedef struct budget {
    long left, live;
    int tripped;
} budget;

static void *b_alloc(void *ctx, size_t size, size_t align)
{
    budget *b = ctx;
    if (b->left-- == 0) {
        b->tripped = 1;
        return NULL;
    }
    b->live++;
    return aligned_alloc(align, (size + align - 1) / align * align);
}

static void b_free(void *ctx, void *p, size_t size)
{
    (void)size;
    ((budget *)ctx)->live--;
    free(p);
}

static void test_load_out_of_memory(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    const char *path = "build/test_checkpoint_oom.a2c";
    CHECK(a2c_net_save(net, path) == A2C_OK);
    for (long n = 0;; n++) {
        budget b = {n, 0, 0};
        const a2c_allocator hooks = {A2C_ALLOCATOR_V1, b_alloc, b_free, &b};
        a2c_net *back = NULL;
        const a2c_status rc = a2c_net_load(&back, path, &hooks);
        CHECK(rc == (b.tripped ? A2C_E_NOMEM : A2C_OK));
        a2c_net_destroy(back);
        CHECK_EQ_INT(b.live, 0);
        if (!b.tripped) break;
    }
    remove(path);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++) p[k] = (unsigned char)(v >> (8 * k));
}

/* A section a reader does not know is skipped unless it is flagged
 * required: later versions can add optional data old readers ignore. */
static void test_unknown_sections(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    size_t size;
    unsigned char *good = save_net(net, &size);
    CHECK(good[HEADER] == 2); /* two sections */
    /* the same file with a third, unknown section of 5 bytes at the end */
    const size_t table_end = HEADER + 4 + 2 * 16, extra = 16 + 5, big = size + extra;
    unsigned char *buf = malloc(big);
    for (int flags = 0; flags < 2; flags++) {
        memcpy(buf, good, table_end);
        /* the entry: id 999, version 1, flags, 5 bytes */
        put32(buf + table_end, 999);
        put32(buf + table_end + 4, 1u | (uint32_t)flags << 16);
        put64(buf + table_end + 8, 5);
        memcpy(buf + table_end + 16, good + table_end, size - 4 - table_end);
        memset(buf + big - 4 - 5, 0xab, 5);
        put32(buf + HEADER, 3);
        put64(buf + 16, (uint64_t)(big - HEADER - 4));
        reseal(buf, big);
        a2c_net *back = NULL;
        const a2c_status rc = a2c_net_load_from_buffer(&back, buf, big, NULL);
        if (flags == 0) {
            CHECK(rc == A2C_OK);
            if (back) CHECK(memcmp(a2c_net_params(back), a2c_net_params(net),
                                   a2c_net_param_count(net) * sizeof(float)) == 0);
        } else {
            CHECK(rc == A2C_E_FORMAT && strstr(a2c_last_error(), "section 999") != NULL);
        }
        a2c_net_destroy(back);
    }
    free(buf), free(good);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!CHECK(fp != NULL)) return NULL;
    fseek(fp, 0, SEEK_END);
    *size = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *buf = malloc(*size);
    CHECK(fread(buf, 1, *size, fp) == *size);
    fclose(fp);
    return buf;
}

/* Version-1 checkpoints written by liba2c 0.1.0: they load (net and
 * trainer), a trainer restored from one saves a version-2 file that
 * restores the same state, and their truncations and flipped bytes are
 * refused like version 2's. */
static void test_version_1(void)
{
    size_t tsize, nsize;
    unsigned char *v1 = read_all(A2C_SOURCE_DIR "/tests/fixtures/v0.1/trainer.a2c", &tsize);
    unsigned char *v1_net = read_all(A2C_SOURCE_DIR "/tests/fixtures/v0.1/net.a2c", &nsize);
    if (!v1 || !v1_net) return;
    CHECK(v1[8] == 1 && v1_net[8] == 1); /* really version 1 */
    a2c_net *from_trainer = NULL, *from_net = NULL;
    CHECK(a2c_net_load_from_buffer(&from_trainer, v1, tsize, NULL) == A2C_OK);
    CHECK(a2c_net_load_from_buffer(&from_net, v1_net, nsize, NULL) == A2C_OK);
    const size_t n = a2c_net_param_count(from_net);
    CHECK(n == 4 * 64 + 64 + 64 * 64 + 64 + 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2 + 64 + 1);
    CHECK(memcmp(a2c_net_params(from_net), a2c_net_params(from_trainer), n * sizeof(float)) == 0);
    /* the trainer: the CLI's CartPole settings (8 envs) */
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_trainer *tr = NULL, *again = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_create(&again, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(tr, v1_net, nsize) == A2C_E_FORMAT); /* no training state */
    CHECK(a2c_trainer_load_from_buffer(tr, v1, tsize) == A2C_OK);
    CHECK(a2c_trainer_timesteps(tr) >= 20000);
    CHECK(memcmp(a2c_net_params(a2c_trainer_net(tr)), a2c_net_params(from_net),
                 n * sizeof(float)) == 0);
    size_t v2size;
    unsigned char *v2 = save_trainer(tr, &v2size);
    CHECK(v2[8] == 2);
    CHECK(a2c_trainer_load_from_buffer(again, v2, v2size) == A2C_OK);
    size_t v2again_size;
    unsigned char *v2again = save_trainer(again, &v2again_size);
    CHECK(v2again_size == v2size && memcmp(v2again, v2, v2size) == 0);
    /* every cut and flipped byte of the version-1 file is refused */
    int cut_ok = 1, flip_ok = 1;
    for (size_t k = 0; k < tsize; k += k < 64 ? 1 : 97) {
        a2c_net *net = NULL;
        cut_ok &= a2c_net_load_from_buffer(&net, v1, k, NULL) == A2C_E_FORMAT;
        cut_ok &= a2c_trainer_load_from_buffer(again, v1, k) == A2C_E_FORMAT;
        v1[k] ^= 0x10;
        flip_ok &= a2c_net_load_from_buffer(&net, v1, tsize, NULL) == A2C_E_FORMAT;
        flip_ok &= a2c_trainer_load_from_buffer(again, v1, tsize) == A2C_E_FORMAT;
        v1[k] ^= 0x10;
    }
    CHECK(cut_ok);
    CHECK(flip_ok);
    /* bodies cut short but framed as whole version-1 files */
    const int reframed_ok = reframed_bodies_refused(v1, tsize, 61, again);
    CHECK(reframed_ok);
    /* the failed loads left `again` as it was */
    size_t after_size;
    unsigned char *after = save_trainer(again, &after_size);
    CHECK(after_size == v2size && memcmp(after, v2, v2size) == 0);
    free(after), free(v2again), free(v2), free(v1), free(v1_net);
    a2c_net_destroy(from_trainer), a2c_net_destroy(from_net);
    a2c_trainer_destroy(tr), a2c_trainer_destroy(again);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

int main(void)
{
    test_crc32();
    test_net_round_trip();
    test_truncation_and_flips();
    test_corrupt_fields();
    test_trainer_resume();
    test_load_out_of_memory();
    test_unknown_sections();
    test_version_1();
    return harness_report();
}
