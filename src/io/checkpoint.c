/* Checkpoints: a versioned little-endian format (docs/checkpoint-format.md).
 *
 *   header  magic "\x89A2C\r\n\x1a\n", u32 version, u32 kind, u64 body size
 *   body    config, net, and for trainer checkpoints the training state
 *   trailer u32 CRC-32 of header and body
 *
 * Writing goes through one routine that either counts or stores bytes, so
 * the size query and the writer cannot disagree.  Reading checks every
 * length against what is left before touching it, then the checksum, then
 * every value; nothing is committed until all of it has passed. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const unsigned char MAGIC[8] = {0x89, 'A', '2', 'C', '\r', '\n', 0x1a, '\n'};
#define FORMAT_VERSION 1u
#define KIND_NET 1u
#define KIND_TRAINER 2u
#define HEADER_BYTES 24u
#define TRAILER_BYTES 4u
/* Files above this are refused unread: a net at the width and depth
 * limits is far smaller. */
#define MAX_FILE_BYTES ((size_t)1 << 31)

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

typedef struct writer {
    unsigned char *p; /* NULL: count only */
    size_t len;
} writer;

static void put_bytes(writer *w, const void *src, size_t n)
{
    if (w->p) memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void put_u32(writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int k = 0; k < 4; k++) b[k] = (unsigned char)(v >> (8 * k));
    put_bytes(w, b, 4);
}

static void put_u64(writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(v >> (8 * k));
    put_bytes(w, b, 8);
}

static void put_f64(writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(w, bits);
}

static void put_floats(writer *w, const float *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint32_t bits;
        memcpy(&bits, &v[k], sizeof bits);
        put_u32(w, bits);
    }
}

static void put_rng(writer *w, const a2c__rng *r)
{
    for (int k = 0; k < 4; k++) put_u64(w, r->s[k]);
}

static void put_config(writer *w, const a2c_config *cfg)
{
    put_u32(w, A2C__PARAM_COUNT);
    for (uint32_t k = 0; k < A2C__PARAM_COUNT; k++) {
        const a2c_param p = (a2c_param)(A2C__PARAM_FIRST + k);
        int is_int;
        a2c_param_is_integer(p, &is_int);
        put_u32(w, (uint32_t)p);
        put_u32(w, (uint32_t)is_int);
        if (is_int) put_u64(w, (uint64_t)cfg->i[k]);
        else put_f64(w, cfg->d[k]);
    }
    put_u32(w, (uint32_t)cfg->n_pi);
    for (size_t k = 0; k < cfg->n_pi; k++) put_u32(w, (uint32_t)cfg->pi[k]);
    put_u32(w, (uint32_t)cfg->n_vf);
    for (size_t k = 0; k < cfg->n_vf; k++) put_u32(w, (uint32_t)cfg->vf[k]);
}

static void put_net(writer *w, const a2c_net *net)
{
    put_config(w, &net->cfg);
    put_u32(w, (uint32_t)net->obs_dim);
    put_u32(w, (uint32_t)net->n_actions);
    put_u64(w, (uint64_t)net->n_params);
    put_floats(w, net->params, net->n_params);
    put_rng(w, &net->rng);
}

static void put_training(writer *w, const a2c_trainer *tr)
{
    put_u64(w, tr->timesteps);
    put_u64(w, tr->episodes);
    put_u64(w, tr->updates);
    put_rng(w, &tr->sample_rng);
    put_rng(w, &tr->reset_rng);
    put_u32(w, (uint32_t)tr->opt->rms);
    put_u64(w, tr->opt->steps);
    put_u64(w, (uint64_t)tr->opt->state_n);
    put_floats(w, tr->opt->state, tr->opt->state_n);
    put_u32(w, tr->win_count);
    put_u32(w, tr->win_next);
    for (int k = 0; k < A2C__WINDOW; k++) {
        put_f64(w, tr->win_return[k]);
        put_u64(w, tr->win_length[k]);
    }
}

/* Writes (or with w->p NULL, sizes) a whole checkpoint. */
static void put_checkpoint(writer *w, const a2c_net *net, const a2c_trainer *tr)
{
    writer body = {NULL, 0};
    put_net(&body, net);
    if (tr) put_training(&body, tr);
    const size_t start = w->len;
    put_bytes(w, MAGIC, sizeof MAGIC);
    put_u32(w, FORMAT_VERSION);
    put_u32(w, tr ? KIND_TRAINER : KIND_NET);
    put_u64(w, (uint64_t)body.len);
    put_net(w, net);
    if (tr) put_training(w, tr);
    put_u32(w, w->p ? a2c__crc32(0, w->p + start, w->len - start) : 0);
}

static a2c_status save_to_buffer(const a2c_net *net, const a2c_trainer *tr, void *buf, size_t cap,
                                 size_t *written)
{
    writer count = {NULL, 0};
    put_checkpoint(&count, net, tr);
    if (!buf || cap < count.len) return A2C_E_INVALID_ARG;
    writer w = {buf, 0};
    put_checkpoint(&w, net, tr);
    if (written) *written = w.len;
    return A2C_OK;
}

/* Writes to `path` through a temporary file renamed into place, so an
 * interrupted save never leaves a truncated checkpoint under that name. */
static a2c_status save_to_path(const a2c_net *net, const a2c_trainer *tr, const char *path)
{
    if (!path || !path[0]) return A2C_E_INVALID_ARG;
    const a2c_allocator *a = &net->alloc;
    writer count = {NULL, 0};
    put_checkpoint(&count, net, tr);
    const size_t plen = strlen(path);
    unsigned char *buf = a2c__alloc(a, count.len);
    char *tmp = a2c__alloc(a, plen + 5);
    a2c_status rc = A2C_E_NOMEM;
    if (buf && tmp) {
        writer w = {buf, 0};
        put_checkpoint(&w, net, tr);
        memcpy(tmp, path, plen);
        memcpy(tmp + plen, ".tmp", 5);
        rc = A2C_E_IO;
        FILE *fp = fopen(tmp, "wb");
        if (fp) {
            const int ok = fwrite(buf, 1, w.len, fp) == w.len;
            if (fclose(fp) == 0 && ok && rename(tmp, path) == 0) rc = A2C_OK;
            else remove(tmp);
        }
    }
    a2c__free(a, tmp, plen + 5);
    a2c__free(a, buf, count.len);
    return rc;
}

/* ---- reading ---- */

typedef struct reader {
    const unsigned char *p;
    size_t left;
    int bad; /* set once anything was missing; every later read gives 0 */
} reader;

static const unsigned char *get_bytes(reader *r, size_t n)
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

static uint32_t get_u32(reader *r)
{
    const unsigned char *b = get_bytes(r, 4);
    if (!b) return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get_u64(reader *r)
{
    const uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(reader *r)
{
    const uint64_t bits = get_u64(r);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static float get_f32(reader *r)
{
    const uint32_t bits = get_u32(r);
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static void get_rng(reader *r, a2c__rng *out)
{
    for (int k = 0; k < 4; k++) out->s[k] = get_u64(r);
    if (!(out->s[0] | out->s[1] | out->s[2] | out->s[3])) r->bad = 1; /* xoshiro's dead state */
}

/* Reads a config into *cfg (already created with defaults). */
static void get_config(reader *r, a2c_config *cfg)
{
    const uint32_t count = get_u32(r);
    if (count > 4096) r->bad = 1;
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        const a2c_param p = (a2c_param)get_u32(r);
        const uint32_t type = get_u32(r);
        const uint64_t raw = get_u64(r);
        int is_int;
        /* An unknown parameter comes from a newer liba2c: refuse rather
         * than train with a setting we cannot honour. */
        if (r->bad || a2c_param_is_integer(p, &is_int) != A2C_OK || type != (uint32_t)is_int) {
            r->bad = 1;
            break;
        }
        double v;
        memcpy(&v, &raw, sizeof v);
        const a2c_status rc = is_int ? a2c_config_set_int(cfg, p, (int64_t)raw)
                                     : a2c_config_set_double(cfg, p, v);
        if (rc != A2C_OK) r->bad = 1;
    }
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    const uint32_t n_pi = get_u32(r);
    for (uint32_t k = 0; k < n_pi && k < A2C_MAX_LAYERS; k++) pi[k] = (int32_t)get_u32(r);
    const uint32_t n_vf = get_u32(r);
    for (uint32_t k = 0; k < n_vf && k < A2C_MAX_LAYERS; k++) vf[k] = (int32_t)get_u32(r);
    if (r->bad || a2c_config_set_net_arch(cfg, pi, n_pi, vf, n_vf) != A2C_OK) r->bad = 1;
}

/* Checks the frame (magic, version, kind, sizes, checksum) and points *r
 * at the body. */
static a2c_status open_frame(const void *buf, size_t size, reader *r, uint32_t *kind)
{
    if (!buf) return A2C_E_INVALID_ARG;
    const unsigned char *p = buf;
    if (size < HEADER_BYTES + TRAILER_BYTES || memcmp(p, MAGIC, sizeof MAGIC) != 0)
        return A2C_E_FORMAT;
    reader h = {p + sizeof MAGIC, HEADER_BYTES - sizeof MAGIC, 0};
    const uint32_t version = get_u32(&h);
    *kind = get_u32(&h);
    const uint64_t body = get_u64(&h);
    if (version != FORMAT_VERSION || (*kind != KIND_NET && *kind != KIND_TRAINER) ||
        body != (uint64_t)(size - HEADER_BYTES - TRAILER_BYTES))
        return A2C_E_FORMAT;
    reader t = {p + size - TRAILER_BYTES, TRAILER_BYTES, 0};
    if (get_u32(&t) != a2c__crc32(0, p, size - TRAILER_BYTES)) return A2C_E_FORMAT;
    r->p = p + HEADER_BYTES;
    r->left = (size_t)body;
    r->bad = 0;
    return A2C_OK;
}

/* Reads the net section into a new net. */
static a2c_status get_net(reader *r, const a2c_allocator *alloc, a2c_net **out)
{
    *out = NULL;
    a2c_config *cfg = NULL;
    a2c_status rc = a2c_config_create(&cfg, alloc);
    if (rc != A2C_OK) return rc;
    get_config(r, cfg);
    const uint32_t obs_dim = get_u32(r), n_actions = get_u32(r);
    const uint64_t n_params = get_u64(r);
    if (r->bad) rc = A2C_E_FORMAT;
    else rc = a2c__net_create(out, cfg, obs_dim, n_actions, 0); /* weights come next */
    if (rc == A2C_E_INVALID_ARG) rc = A2C_E_FORMAT; /* sizes out of range */
    a2c_config_destroy(cfg);
    if (rc != A2C_OK) return rc;
    a2c_net *net = *out;
    if (n_params != net->n_params || n_params > r->left / 4) r->bad = 1;
    for (size_t k = 0; !r->bad && k < net->n_params; k++) net->params[k] = get_f32(r);
    get_rng(r, &net->rng);
    if (r->bad || !a2c__all_finite(net->params, net->n_params)) {
        a2c_net_destroy(net);
        *out = NULL;
        return A2C_E_FORMAT;
    }
    return A2C_OK;
}

/* A trainer checkpoint's training section, read and checked. */
typedef struct training {
    uint64_t timesteps, episodes, updates, opt_steps;
    a2c__rng sample_rng, reset_rng;
    int rms;
    const unsigned char *state; /* state_n little-endian floats, all checked */
    size_t state_n;
    uint32_t win_count, win_next;
    double win_return[A2C__WINDOW];
    uint64_t win_length[A2C__WINDOW];
} training;

/* Reads the training section of a net of n_params parameters, which must
 * end the body exactly. */
static a2c_status get_training(reader *r, size_t n_params, training *t)
{
    t->timesteps = get_u64(r);
    t->episodes = get_u64(r);
    t->updates = get_u64(r);
    get_rng(r, &t->sample_rng);
    get_rng(r, &t->reset_rng);
    const uint32_t rms = get_u32(r);
    t->rms = rms == 1;
    t->opt_steps = get_u64(r);
    const uint64_t state_n = get_u64(r);
    if (rms > 1 || state_n != (rms ? 1u : 2u) * (uint64_t)n_params) r->bad = 1;
    t->state_n = r->bad ? 0 : (size_t)state_n;
    t->state = r->bad || t->state_n > r->left / 4 ? NULL : get_bytes(r, t->state_n * 4);
    if (!t->state) r->bad = 1;
    /* finite, and square averages and second moments not negative */
    reader s = {t->state, t->state ? t->state_n * 4 : 0, 0};
    const size_t second = t->rms ? 0 : n_params;
    for (size_t k = 0; !r->bad && k < t->state_n; k++) {
        const float v = get_f32(&s);
        if (!isfinite(v) || (k >= second && v < 0.0f)) r->bad = 1;
    }
    t->win_count = get_u32(r);
    t->win_next = get_u32(r);
    for (int k = 0; k < A2C__WINDOW; k++) {
        t->win_return[k] = get_f64(r);
        t->win_length[k] = get_u64(r);
        if (!isfinite(t->win_return[k])) r->bad = 1;
    }
    if (t->win_count > A2C__WINDOW || t->win_next >= A2C__WINDOW || r->left != 0) r->bad = 1;
    return r->bad ? A2C_E_FORMAT : A2C_OK;
}

static a2c_status load_net(a2c_net **out, const void *buf, size_t size, const a2c_allocator *alloc)
{
    reader r;
    uint32_t kind;
    a2c_status rc = open_frame(buf, size, &r, &kind);
    if (rc != A2C_OK) return rc;
    rc = get_net(&r, alloc, out);
    if (rc != A2C_OK) return rc;
    /* acting needs no training section, but a damaged one makes the whole
     * file suspect */
    training t;
    if (kind == KIND_TRAINER) rc = get_training(&r, (*out)->n_params, &t);
    else if (r.left != 0) rc = A2C_E_FORMAT;
    if (rc != A2C_OK) {
        a2c_net_destroy(*out);
        *out = NULL;
    }
    return rc;
}

/* Reads a whole file through the allocator; the caller frees *buf with
 * *size bytes. */
static a2c_status read_file(const char *path, const a2c_allocator *a, unsigned char **buf,
                            size_t *size)
{
    *buf = NULL;
    *size = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return A2C_E_IO;
    a2c_status rc = A2C_E_IO;
    long end = -1;
    if (fseek(fp, 0, SEEK_END) == 0) end = ftell(fp);
    if (end >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        if ((unsigned long)end > MAX_FILE_BYTES) {
            rc = A2C_E_FORMAT;
        } else {
            *size = (size_t)end;
            *buf = a2c__alloc(a, *size);
            if (!*buf) rc = A2C_E_NOMEM;
            else if (fread(*buf, 1, *size, fp) == *size) rc = A2C_OK;
        }
    }
    fclose(fp);
    if (rc != A2C_OK) {
        a2c__free(a, *buf, *size);
        *buf = NULL;
    }
    return rc;
}

/* ---- public: nets ---- */

A2C_API a2c_status a2c_net_save_size(const a2c_net *net, size_t *size)
{
    if (!net || !size) return A2C_E_INVALID_ARG;
    writer w = {NULL, 0};
    put_checkpoint(&w, net, NULL);
    *size = w.len;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_save_to_buffer(const a2c_net *net, void *buf, size_t cap,
                                          size_t *written)
{
    if (!net) return A2C_E_INVALID_ARG;
    return save_to_buffer(net, NULL, buf, cap, written);
}

A2C_API a2c_status a2c_net_save(const a2c_net *net, const char *path)
{
    if (!net) return A2C_E_INVALID_ARG;
    return save_to_path(net, NULL, path);
}

A2C_API a2c_status a2c_net_load_from_buffer(a2c_net **out, const void *buf, size_t size,
                                            const a2c_allocator *alloc)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    a2c_allocator a;
    if (a2c__allocator(alloc, &a) != A2C_OK) return A2C_E_INVALID_ARG;
    return load_net(out, buf, size, alloc);
}

A2C_API a2c_status a2c_net_load(a2c_net **out, const char *path, const a2c_allocator *alloc)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    a2c_allocator a;
    if (!path || a2c__allocator(alloc, &a) != A2C_OK) return A2C_E_INVALID_ARG;
    unsigned char *buf;
    size_t size;
    a2c_status rc = read_file(path, &a, &buf, &size);
    if (rc != A2C_OK) return rc;
    rc = load_net(out, buf, size, alloc);
    a2c__free(&a, buf, size);
    return rc;
}

/* ---- public: trainers ---- */

A2C_API a2c_status a2c_trainer_save_size(const a2c_trainer *tr, size_t *size)
{
    if (!tr || !size) return A2C_E_INVALID_ARG;
    writer w = {NULL, 0};
    put_checkpoint(&w, tr->net, tr);
    *size = w.len;
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_save_to_buffer(const a2c_trainer *tr, void *buf, size_t cap,
                                              size_t *written)
{
    if (!tr) return A2C_E_INVALID_ARG;
    return save_to_buffer(tr->net, tr, buf, cap, written);
}

A2C_API a2c_status a2c_trainer_save(const a2c_trainer *tr, const char *path)
{
    if (!tr) return A2C_E_INVALID_ARG;
    return save_to_path(tr->net, tr, path);
}

static int same_architecture(const a2c_net *a, const a2c_net *b)
{
    if (a->obs_dim != b->obs_dim || a->n_actions != b->n_actions || a->n_params != b->n_params ||
        a->activation != b->activation || a->shared != b->shared || a->n_pi != b->n_pi ||
        a->n_vf != b->n_vf)
        return 0;
    for (size_t l = 0; l < a->n_pi; l++)
        if (a->pi[l].out != b->pi[l].out) return 0;
    for (size_t l = 0; l < a->n_vf; l++)
        if (a->vf[l].out != b->vf[l].out) return 0;
    return 1;
}

A2C_API a2c_status a2c_trainer_load_from_buffer(a2c_trainer *tr, const void *buf, size_t size)
{
    if (!tr) return A2C_E_INVALID_ARG;
    reader r;
    uint32_t kind;
    a2c_status rc = open_frame(buf, size, &r, &kind);
    if (rc != A2C_OK) return rc;
    if (kind != KIND_TRAINER) return A2C_E_FORMAT;
    a2c_net *saved;
    rc = get_net(&r, &tr->alloc, &saved);
    if (rc != A2C_OK) return rc;
    training t;
    rc = get_training(&r, saved->n_params, &t);
    if (rc == A2C_OK && (!same_architecture(saved, tr->net) || t.rms != tr->opt->rms))
        rc = A2C_E_INVALID_ARG;
    if (rc == A2C_OK) { /* everything checked: commit */
        a2c_optimizer *opt = tr->opt;
        reader s = {t.state, t.state_n * 4, 0};
        for (size_t k = 0; k < t.state_n; k++) opt->state[k] = get_f32(&s);
        opt->steps = t.opt_steps;
        memcpy(tr->net->params, saved->params, saved->n_params * sizeof(float));
        tr->net->rng = saved->rng;
        tr->net->cached = 0;
        memset(tr->net->grads, 0, tr->net->n_params * sizeof(float));
        tr->timesteps = t.timesteps;
        tr->episodes = t.episodes;
        tr->updates = t.updates;
        tr->sample_rng = t.sample_rng;
        tr->reset_rng = t.reset_rng;
        tr->win_count = t.win_count;
        tr->win_next = t.win_next;
        memcpy(tr->win_return, t.win_return, sizeof t.win_return);
        memcpy(tr->win_length, t.win_length, sizeof t.win_length);
        tr->need_reset = 1; /* environments start new episodes */
    }
    a2c_net_destroy(saved);
    return rc;
}

A2C_API a2c_status a2c_trainer_load(a2c_trainer *tr, const char *path)
{
    if (!tr || !path) return A2C_E_INVALID_ARG;
    unsigned char *buf;
    size_t size;
    a2c_status rc = read_file(path, &tr->alloc, &buf, &size);
    if (rc != A2C_OK) return rc;
    rc = a2c_trainer_load_from_buffer(tr, buf, size);
    a2c__free(&tr->alloc, buf, size);
    return rc;
}
