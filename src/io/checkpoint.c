/* Checkpoints: a frame around a table of typed sections
 * (docs/checkpoint-format.md).
 *
 *   header  magic "\x89A2C\r\n\x1a\n", u32 format version, u32 kind,
 *           u64 body size
 *   body    u32 section count, then {u32 id, u16 version, u16 flags,
 *           u64 size} per section, then the sections' bytes in that order
 *   trailer u32 CRC-32 of header and body
 *
 * This file owns the frame, the table and file I/O; each section's bytes
 * are written and read by the module that owns the state (config.c,
 * net.c, optimizer.c, trainer.c).  Reading checks the frame and the CRC,
 * then every section into temporary objects, and commits only when all of
 * it has passed.  Format version 1 (liba2c 0.1) had the same frame around
 * one unsectioned body; such files are cut into the same sections on
 * reading. */
#include "algo/optimizer.h"
#include "algo/trainer.h"
#include "common/codec.h"
#include "common/config.h"
#include "io/file.h"
#include "nn/net.h"

#include <stdio.h>
#include <string.h>

static const unsigned char MAGIC[8] = {0x89, 'A', '2', 'C', '\r', '\n', 0x1a, '\n'};
#define FORMAT_V1 1u /* liba2c 0.1: one unsectioned body */
#define FORMAT_V2 2u /* sectioned */
#define KIND_NET 1u
#define KIND_TRAINER 2u
#define HEADER_BYTES 24u
#define TRAILER_BYTES 4u
#define ENTRY_BYTES 16u
/* Files above this are refused unread: a net at the width and depth
 * limits is far smaller. */
#define MAX_FILE_BYTES ((size_t)1 << 31)

/* Section ids.  Append only. */
enum {
    SECTION_CONFIG = 1,
    SECTION_NET = 2,
    SECTION_OPTIMIZER = 3,
    SECTION_PROGRESS = 4,
    SECTION_OBS_NORM = 5,   /* nets that normalise observations; required */
    SECTION_ACTIONS = 6,    /* nets with continuous actions: the space; required */
    SECTION_COLLECTION = 7, /* trainers: reward normaliser, episodes in flight; optional */
    SECTION_GUARD = 8,      /* trainers after a rollback: the guard's state; optional */
    SECTION_IDS = 9         /* one past the largest id this version knows */
};
/* Section flag: a reader that does not know the id must refuse the file.
 * Without it an unknown section is skipped. */
#define FLAG_REQUIRED 1u

static const char *section_name(uint32_t id)
{
    switch (id) {
    case SECTION_CONFIG: return "configuration";
    case SECTION_NET: return "network";
    case SECTION_OPTIMIZER: return "optimizer";
    case SECTION_PROGRESS: return "progress";
    case SECTION_OBS_NORM: return "observation normaliser";
    case SECTION_ACTIONS: return "action space";
    case SECTION_COLLECTION: return "collection";
    case SECTION_GUARD: return "divergence guard";
    }
    return "unknown";
}

/* ---- writing ---- */

/* Writes one section's bytes (or, with w->p NULL, counts them); nonzero
 * if an environment could not save its state. */
static int put_section(a2c__writer *w, uint32_t id, const a2c_net *net, const a2c_trainer *tr)
{
    switch (id) {
    case SECTION_CONFIG: a2c__config_write(w, a2c__net_config(net)); break;
    case SECTION_NET: a2c__net_write(w, net); break;
    case SECTION_OPTIMIZER: a2c__optimizer_write(w, a2c__trainer_optimizer(tr)); break;
    case SECTION_PROGRESS: a2c__trainer_write_progress(w, tr); break;
    case SECTION_OBS_NORM: a2c__net_write_obs_norm(w, net); break;
    case SECTION_ACTIONS: a2c__net_write_action_space(w, net); break;
    case SECTION_COLLECTION: return a2c__trainer_write_collection(w, tr);
    case SECTION_GUARD: a2c__trainer_write_guard(w, tr); break;
    }
    return 0;
}

/* Writes (or with w->p NULL, sizes) a whole checkpoint of a net, or of a
 * trainer if tr is not NULL; nonzero if an environment could not save its
 * state (the bytes written are then not a valid checkpoint). */
static int put_checkpoint(a2c__writer *w, const a2c_net *net, const a2c_trainer *tr)
{
    uint32_t ids[8], n = 0;
    ids[n++] = SECTION_CONFIG;
    ids[n++] = SECTION_NET;
    if (a2c__net_norm_obs(net)) ids[n++] = SECTION_OBS_NORM;
    if (a2c__net_dist(net)->action_kind == A2C_SPACE_BOX) ids[n++] = SECTION_ACTIONS;
    if (tr) {
        ids[n++] = SECTION_OPTIMIZER;
        ids[n++] = SECTION_PROGRESS;
        ids[n++] = SECTION_COLLECTION;
        /* only after a rollback, so that other files stay as before */
        if (a2c__trainer_has_rollbacks(tr)) ids[n++] = SECTION_GUARD;
    }
    uint64_t sizes[8], body = 4 + (uint64_t)n * ENTRY_BYTES;
    for (uint32_t k = 0; k < n; k++) {
        a2c__writer count = {NULL, 0};
        put_section(&count, ids[k], net, tr);
        sizes[k] = count.len;
        body += count.len;
    }
    const size_t start = w->len;
    a2c__put_bytes(w, MAGIC, sizeof MAGIC);
    a2c__put_u32(w, FORMAT_V2);
    a2c__put_u32(w, tr ? KIND_TRAINER : KIND_NET);
    a2c__put_u64(w, body);
    a2c__put_u32(w, n);
    for (uint32_t k = 0; k < n; k++) {
        /* an older reader may resume without the collection state, as 0.1
         * did, so that one is optional */
        const uint32_t flags =
            ids[k] == SECTION_COLLECTION || ids[k] == SECTION_GUARD ? 0u : FLAG_REQUIRED;
        a2c__put_u32(w, ids[k]);
        a2c__put_u32(w, 1u | flags << 16); /* u16 version 1, u16 flags */
        a2c__put_u64(w, sizes[k]);
    }
    int failed = 0;
    for (uint32_t k = 0; k < n; k++) failed |= put_section(w, ids[k], net, tr);
    a2c__put_u32(w, w->p ? a2c__crc32(0, w->p + start, w->len - start) : 0);
    return failed;
}

static size_t checkpoint_size(const a2c_net *net, const a2c_trainer *tr)
{
    a2c__writer count = {NULL, 0};
    put_checkpoint(&count, net, tr);
    return count.len;
}

/* A checkpoint holds only finite numbers (loading refuses anything else),
 * so a save refuses a net whose parameters a host made non-finite through
 * a2c_net_params. */
static a2c_status check_finite(const a2c_net *net, const a2c_trainer *tr, const char *fn)
{
    if (!a2c__all_finite(a2c__net_const_params(net), a2c_net_param_count(net)))
        return a2c__fail(A2C_E_NONFINITE, fn, "the net holds a NaN or infinite parameter");
    if (tr && !a2c__optimizer_state_finite(a2c__trainer_optimizer(tr)))
        return a2c__fail(A2C_E_NONFINITE, fn, "the optimizer state holds a NaN or infinity");
    return A2C_OK;
}

static a2c_status save_to_buffer(const a2c_net *net, const a2c_trainer *tr, void *buf, size_t cap,
                                 size_t *written, const char *fn)
{
    const a2c_status finite = check_finite(net, tr, fn);
    if (finite != A2C_OK) return finite;
    const size_t size = checkpoint_size(net, tr);
    if (!buf) return a2c__fail(A2C_E_INVALID_ARG, fn, "buf is NULL");
    if (cap < size)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "cap is %zu, the checkpoint needs %zu bytes", cap,
                         size);
    a2c__writer w = {buf, 0};
    if (put_checkpoint(&w, net, tr))
        return a2c__fail(A2C_E_ENV, fn, "env->save_state failed; nothing valid was written");
    if (written) *written = w.len;
    return A2C_OK;
}

/* Writes to `path` through a fresh temporary file renamed into place
 * (io/file.c), so an interrupted save never leaves a truncated checkpoint
 * under that name, and a symbolic link or device there is refused. */
static a2c_status save_to_path(const a2c_net *net, const a2c_trainer *tr,
                               const a2c_allocator *a, const char *path, const char *fn)
{
    if (!path) return a2c__fail(A2C_E_INVALID_ARG, fn, "path is NULL");
    if (!path[0]) return a2c__fail(A2C_E_INVALID_ARG, fn, "path is empty");
    const a2c_status finite = check_finite(net, tr, fn);
    if (finite != A2C_OK) return finite;
    const size_t size = checkpoint_size(net, tr);
    unsigned char *buf = a2c__alloc(a, size);
    if (!buf) return a2c__fail(A2C_E_NOMEM, fn, "no memory for a %zu-byte checkpoint", size);
    a2c__writer w = {buf, 0};
    const a2c_status rc =
        put_checkpoint(&w, net, tr)
            ? a2c__fail(A2C_E_ENV, fn, "env->save_state failed; the file was not written")
            : a2c__file_write_atomic(path, buf, w.len, a, fn);
    a2c__free(a, buf, size);
    return rc;
}

/* ---- reading: the frame and the section table ---- */

typedef struct sections {
    uint32_t kind;
    const unsigned char *data[SECTION_IDS]; /* NULL: absent */
    size_t size[SECTION_IDS];
    /* a version-1 file's progress state, reassembled from its two parts */
    unsigned char progress[8 * 3 + 32 * 2 + 8 + 16 * A2C__WINDOW];
} sections;

/* Skips `n` bytes; marks the reader bad if they are not there. */
static void skip(a2c__reader *r, uint64_t n)
{
    if (n > r->left) r->bad = 1;
    else a2c__get_bytes(r, (size_t)n);
}

/* Cuts a version-1 body into sections: configuration, network and, for a
 * trainer, the optimizer state and the progress, whose two parts (before
 * and after the optimizer's) are joined into s->progress. */
static a2c_status split_v1(const unsigned char *body, size_t size, sections *s, const char *fn)
{
    a2c__reader r = {body, size, 0};
    const unsigned char *start = r.p;
    const uint32_t n_params_cfg = a2c__get_u32(&r);
    skip(&r, (uint64_t)n_params_cfg * 16);
    for (int arch = 0; arch < 2; arch++) {
        const uint32_t layers = a2c__get_u32(&r);
        if (layers > A2C_MAX_LAYERS) r.bad = 1;
        skip(&r, (uint64_t)layers * 4);
    }
    s->data[SECTION_CONFIG] = start;
    s->size[SECTION_CONFIG] = (size_t)(r.p - start);
    start = r.p;
    skip(&r, 8);
    const uint64_t n_params = a2c__get_u64(&r);
    skip(&r, n_params > r.left / 4 ? r.left + 1 : n_params * 4 + 32);
    s->data[SECTION_NET] = start;
    s->size[SECTION_NET] = (size_t)(r.p - start);
    if (s->kind == KIND_TRAINER) {
        const size_t head = 8 * 3 + 32 * 2, tail = sizeof s->progress - head;
        const unsigned char *progress_head = a2c__get_bytes(&r, head);
        start = r.p;
        skip(&r, 12);
        const uint64_t state_n = a2c__get_u64(&r);
        skip(&r, state_n > r.left / 4 ? r.left + 1 : state_n * 4);
        s->data[SECTION_OPTIMIZER] = start;
        s->size[SECTION_OPTIMIZER] = (size_t)(r.p - start);
        const unsigned char *progress_tail = a2c__get_bytes(&r, tail);
        if (!r.bad) {
            memcpy(s->progress, progress_head, head);
            memcpy(s->progress + head, progress_tail, tail);
            s->data[SECTION_PROGRESS] = s->progress;
            s->size[SECTION_PROGRESS] = sizeof s->progress;
        }
    }
    if (r.bad || r.left != 0)
        return a2c__fail(A2C_E_FORMAT, fn, "the version-1 checkpoint body is %s",
                         r.bad ? "truncated or corrupt" : "longer than its contents");
    return A2C_OK;
}

/* Reads the section table of a version-2 body. */
static a2c_status split_v2(const unsigned char *body, size_t size, sections *s, const char *fn)
{
    a2c__reader table = {body, size, 0};
    const uint32_t count = a2c__get_u32(&table);
    if (table.bad || count > (size - 4) / ENTRY_BYTES)
        return a2c__fail(A2C_E_FORMAT, fn, "the section table is truncated");
    a2c__reader payload = {body + 4 + (size_t)count * ENTRY_BYTES,
                           size - 4 - (size_t)count * ENTRY_BYTES, 0};
    for (uint32_t k = 0; k < count; k++) {
        const uint32_t id = a2c__get_u32(&table), word = a2c__get_u32(&table);
        const uint32_t version = word & 0xffffu, flags = word >> 16;
        const uint64_t bytes = a2c__get_u64(&table);
        if (bytes > payload.left)
            return a2c__fail(A2C_E_FORMAT, fn, "section %u is truncated", id);
        const unsigned char *data = a2c__get_bytes(&payload, (size_t)bytes);
        if (id == 0 || id >= SECTION_IDS) {
            if (flags & FLAG_REQUIRED)
                return a2c__fail(A2C_E_FORMAT, fn,
                                 "the checkpoint needs section %u, unknown to liba2c %s", id,
                                 A2C_VERSION_STRING);
            continue; /* optional and unknown: from a newer liba2c, skipped */
        }
        if (version != 1)
            return a2c__fail(A2C_E_FORMAT, fn, "%s section version %u is not supported",
                             section_name(id), version);
        if (s->data[id])
            return a2c__fail(A2C_E_FORMAT, fn, "the %s section appears twice",
                             section_name(id));
        s->data[id] = data;
        s->size[id] = (size_t)bytes;
    }
    if (payload.left != 0)
        return a2c__fail(A2C_E_FORMAT, fn, "%zu bytes follow the last section", payload.left);
    return A2C_OK;
}

/* Checks the frame (magic, version, kind, sizes, checksum) and finds the
 * sections, checking that the kind's sections are all there. */
static a2c_status open_frame(const void *buf, size_t size, sections *s, const char *fn)
{
    if (!buf) return a2c__fail(A2C_E_INVALID_ARG, fn, "buf is NULL");
    memset(s->data, 0, sizeof s->data);
    const unsigned char *p = buf;
    if (size < HEADER_BYTES + TRAILER_BYTES)
        return a2c__fail(A2C_E_FORMAT, fn, "%zu bytes are too few for a checkpoint", size);
    if (memcmp(p, MAGIC, sizeof MAGIC) != 0)
        return a2c__fail(A2C_E_FORMAT, fn, "not a liba2c checkpoint (no magic number)");
    a2c__reader h = {p + sizeof MAGIC, HEADER_BYTES - sizeof MAGIC, 0};
    const uint32_t version = a2c__get_u32(&h);
    s->kind = a2c__get_u32(&h);
    const uint64_t body = a2c__get_u64(&h);
    if (version != FORMAT_V1 && version != FORMAT_V2)
        return a2c__fail(A2C_E_FORMAT, fn, "checkpoint format version %u is not supported",
                         version);
    if (s->kind != KIND_NET && s->kind != KIND_TRAINER)
        return a2c__fail(A2C_E_FORMAT, fn, "unknown checkpoint kind %u", s->kind);
    if (body != (uint64_t)(size - HEADER_BYTES - TRAILER_BYTES))
        return a2c__fail(A2C_E_FORMAT, fn, "the header says %llu body bytes, the data holds %zu",
                         (unsigned long long)body, size - HEADER_BYTES - TRAILER_BYTES);
    a2c__reader t = {p + size - TRAILER_BYTES, TRAILER_BYTES, 0};
    if (a2c__get_u32(&t) != a2c__crc32(0, p, size - TRAILER_BYTES))
        return a2c__fail(A2C_E_FORMAT, fn, "checksum mismatch: the checkpoint is damaged");
    const a2c_status rc = version == FORMAT_V1
                              ? split_v1(p + HEADER_BYTES, (size_t)body, s, fn)
                              : split_v2(p + HEADER_BYTES, (size_t)body, s, fn);
    if (rc != A2C_OK) return rc;
    const int trainer = s->kind == KIND_TRAINER;
    for (uint32_t id = 1; id <= SECTION_PROGRESS; id++) {
        const int needed = id <= SECTION_NET || trainer;
        if (needed && !s->data[id])
            return a2c__fail(A2C_E_FORMAT, fn, "the %s section is missing", section_name(id));
    }
    return A2C_OK;
}

static a2c__reader section_reader(const sections *s, uint32_t id)
{
    return (a2c__reader){s->data[id], s->size[id], 0};
}

/* A section reader must have taken exactly the section's bytes. */
static a2c_status section_done(const a2c__reader *r, uint32_t id, const char *fn)
{
    if (r->bad || r->left != 0)
        return a2c__fail(A2C_E_FORMAT, fn, "the %s section is %s", section_name(id),
                         r->bad ? "truncated or holds invalid values" : "longer than expected");
    return A2C_OK;
}

/* The configuration and network sections, as a new net. */
static a2c_status read_net(const sections *s, const a2c_allocator *alloc, a2c_net **out,
                           const char *fn)
{
    *out = NULL;
    a2c_config *cfg = NULL;
    a2c_status rc = a2c_config_create(&cfg, alloc);
    if (rc != A2C_OK) return a2c__fail(rc, fn, "no memory for the configuration");
    a2c__reader r = section_reader(s, SECTION_CONFIG);
    a2c__config_read(&r, cfg);
    rc = section_done(&r, SECTION_CONFIG, fn);
    if (rc == A2C_OK) {
        r = section_reader(s, SECTION_NET);
        /* the action-space section makes a net continuous */
        const int kind = s->data[SECTION_ACTIONS] ? A2C_SPACE_BOX : A2C_SPACE_DISCRETE;
        rc = a2c__net_read(&r, cfg, kind, out);
        if (rc == A2C_OK) rc = section_done(&r, SECTION_NET, fn);
        else if (rc == A2C_E_NOMEM) a2c__fail(rc, fn, "no memory for the network");
        else a2c__fail(A2C_E_FORMAT, fn, "the network section is truncated or inconsistent");
    }
    /* the configuration says whether the net normalises; the statistics
     * must come with it, and only then */
    if (rc == A2C_OK && a2c__net_norm_obs(*out) != (s->data[SECTION_OBS_NORM] != NULL))
        rc = a2c__fail(A2C_E_FORMAT, fn, "the %s section is %s", section_name(SECTION_OBS_NORM),
                       s->data[SECTION_OBS_NORM] ? "there but norm_obs is off" : "missing");
    if (rc == A2C_OK && s->data[SECTION_OBS_NORM]) {
        r = section_reader(s, SECTION_OBS_NORM);
        a2c__net_read_obs_norm(&r, *out);
        rc = section_done(&r, SECTION_OBS_NORM, fn);
    }
    if (rc == A2C_OK && s->data[SECTION_ACTIONS]) {
        r = section_reader(s, SECTION_ACTIONS);
        a2c__net_read_action_space(&r, *out);
        rc = section_done(&r, SECTION_ACTIONS, fn);
    }
    a2c_config_destroy(cfg);
    if (rc != A2C_OK) {
        a2c_net_destroy(*out);
        *out = NULL;
    }
    return rc;
}

/* The optimizer and progress sections of a trainer checkpoint for a net
 * of n_params parameters, read and checked, nothing committed. */
static a2c_status read_training(const sections *s, size_t n_params, a2c__optimizer_section *opt,
                                a2c__progress *progress, const char *fn)
{
    a2c__reader r = section_reader(s, SECTION_OPTIMIZER);
    a2c__optimizer_read(&r, n_params, opt);
    a2c_status rc = section_done(&r, SECTION_OPTIMIZER, fn);
    if (rc != A2C_OK) return rc;
    r = section_reader(s, SECTION_PROGRESS);
    a2c__progress_read(&r, progress);
    return section_done(&r, SECTION_PROGRESS, fn);
}

static a2c_status load_net(a2c_net **out, const void *buf, size_t size,
                           const a2c_allocator *alloc, const char *fn)
{
    sections s;
    a2c_status rc = open_frame(buf, size, &s, fn);
    if (rc != A2C_OK) return rc;
    rc = read_net(&s, alloc, out, fn);
    if (rc != A2C_OK) return rc;
    /* acting needs no training state, but a damaged one makes the whole
     * file suspect */
    if (s.kind == KIND_TRAINER) {
        a2c__optimizer_section opt;
        a2c__progress progress;
        rc = read_training(&s, a2c_net_param_count(*out), &opt, &progress, fn);
    }
    if (rc != A2C_OK) {
        a2c_net_destroy(*out);
        *out = NULL;
    }
    return rc;
}

/* The header of a checkpoint file, checked before the rest is read or
 * any memory is allocated for it (the reading steps 1 and 2 of
 * docs/checkpoint-format.md), so that a large file that is not a
 * checkpoint costs HEADER_BYTES bytes.  open_frame checks the same again
 * on the whole buffer, with the CRC. */
static a2c_status check_head(const unsigned char *head, size_t got, uint64_t file_size,
                             const char *path, const char *fn)
{
    if (file_size < HEADER_BYTES + TRAILER_BYTES || got < HEADER_BYTES)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s' holds %llu bytes, too few for a checkpoint",
                         path, (unsigned long long)file_size);
    if (file_size > MAX_FILE_BYTES)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s' is larger than any checkpoint (%llu bytes)",
                         path, (unsigned long long)file_size);
    if (memcmp(head, MAGIC, sizeof MAGIC) != 0)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s' is not a liba2c checkpoint (no magic number)",
                         path);
    a2c__reader h = {head + sizeof MAGIC, HEADER_BYTES - sizeof MAGIC, 0};
    const uint32_t version = a2c__get_u32(&h);
    const uint32_t kind = a2c__get_u32(&h);
    const uint64_t body = a2c__get_u64(&h);
    if (version != FORMAT_V1 && version != FORMAT_V2)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s': checkpoint format version %u is not supported",
                         path, version);
    if (kind != KIND_NET && kind != KIND_TRAINER)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s': unknown checkpoint kind %u", path, kind);
    if (body != file_size - HEADER_BYTES - TRAILER_BYTES)
        return a2c__fail(A2C_E_FORMAT, fn, "'%s': the header says %llu body bytes, the file "
                                           "holds %llu", path, (unsigned long long)body,
                         (unsigned long long)(file_size - HEADER_BYTES - TRAILER_BYTES));
    return A2C_OK;
}

/* Reads a whole checkpoint file through the allocator, its header checked
 * first; the caller frees *buf with *size bytes. */
static a2c_status read_file(const char *path, const a2c_allocator *a, unsigned char **buf,
                            size_t *size, const char *fn)
{
    return a2c__file_read(path, HEADER_BYTES, check_head, a, buf, size, fn);
}

/* ---- public: nets ---- */

A2C_API a2c_status a2c_net_save_size(const a2c_net *net, size_t *size)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (!size) return a2c__fail(A2C_E_INVALID_ARG, __func__, "size is NULL");
    *size = checkpoint_size(net, NULL);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_save_to_buffer(const a2c_net *net, void *buf, size_t cap,
                                          size_t *written)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    return save_to_buffer(net, NULL, buf, cap, written, __func__);
}

A2C_API a2c_status a2c_net_save(const a2c_net *net, const char *path)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    return save_to_path(net, NULL, a2c__net_allocator(net), path, __func__);
}

A2C_API a2c_status a2c_net_load_from_buffer(a2c_net **out, const void *buf, size_t size,
                                            const a2c_allocator *alloc)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    a2c_allocator a;
    const a2c_status rc = a2c__allocator(alloc, &a, __func__);
    if (rc != A2C_OK) return rc;
    return load_net(out, buf, size, &a, __func__);
}

A2C_API a2c_status a2c_net_load(a2c_net **out, const char *path, const a2c_allocator *alloc)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    if (!path) return a2c__fail(A2C_E_INVALID_ARG, __func__, "path is NULL");
    a2c_allocator a;
    a2c_status rc = a2c__allocator(alloc, &a, __func__);
    if (rc != A2C_OK) return rc;
    unsigned char *buf;
    size_t size;
    rc = read_file(path, &a, &buf, &size, __func__);
    if (rc != A2C_OK) return rc;
    rc = load_net(out, buf, size, &a, __func__);
    a2c__free(&a, buf, size);
    return rc;
}

/* ---- public: trainers ---- */

A2C_API a2c_status a2c_trainer_save_size(const a2c_trainer *tr, size_t *size)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    if (!size) return a2c__fail(A2C_E_INVALID_ARG, __func__, "size is NULL");
    *size = checkpoint_size(a2c__trainer_const_net(tr), tr);
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_save_to_buffer(const a2c_trainer *tr, void *buf, size_t cap,
                                              size_t *written)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    return save_to_buffer(a2c__trainer_const_net(tr), tr, buf, cap, written, __func__);
}

A2C_API a2c_status a2c_trainer_save(const a2c_trainer *tr, const char *path)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    return save_to_path(a2c__trainer_const_net(tr), tr, a2c__trainer_allocator(tr), path,
                        __func__);
}

static a2c_status load_trainer(a2c_trainer *tr, const void *buf, size_t size, const char *fn)
{
    if (a2c__trainer_learning(tr))
        return a2c__fail(A2C_E_STATE, fn, "called from inside this trainer's own callback");
    sections s;
    a2c_status rc = open_frame(buf, size, &s, fn);
    if (rc != A2C_OK) return rc;
    if (s.kind != KIND_TRAINER)
        return a2c__fail(A2C_E_FORMAT, fn, "this is a net checkpoint: it holds the policy "
                                           "(a2c_net_load it to act or evaluate) but no "
                                           "optimizer state or progress to resume from");
    a2c_net *saved;
    rc = read_net(&s, a2c__trainer_allocator(tr), &saved, fn);
    if (rc != A2C_OK) return rc;
    a2c__optimizer_section opt;
    a2c__progress progress;
    rc = read_training(&s, a2c_net_param_count(saved), &opt, &progress, fn);
    a2c_net *net = a2c_trainer_net(tr);
    a2c_optimizer *own_opt = a2c__trainer_optimizer(tr);
    if (rc == A2C_OK && !a2c__net_same_architecture(saved, net))
        rc = a2c__fail(A2C_E_INVALID_ARG, fn, "the checkpoint's network architecture differs "
                                              "from the trainer's");
    if (rc == A2C_OK && opt.rms != a2c__optimizer_is_rmsprop(own_opt))
        rc = a2c__fail(A2C_E_INVALID_ARG, fn, "the checkpoint's optimizer (%s) differs from the "
                                              "trainer's", opt.rms ? "RMSprop" : "Adam");
    const int exact = s.data[SECTION_COLLECTION] != NULL;
    if (rc == A2C_OK && exact) {
        a2c__reader r = section_reader(&s, SECTION_COLLECTION);
        rc = a2c__trainer_read_collection(&r, tr, 0, fn);
        if (rc == A2C_OK) rc = section_done(&r, SECTION_COLLECTION, fn);
        else rc = a2c__fail(rc, fn, "the collection section is truncated or holds invalid "
                                    "values");
    }
    const int has_guard = s.data[SECTION_GUARD] != NULL;
    double lr_scale = 1.0;
    uint64_t rollbacks = 0;
    if (rc == A2C_OK && has_guard) {
        a2c__reader r = section_reader(&s, SECTION_GUARD);
        a2c__guard_read(&r, &lr_scale, &rollbacks);
        rc = r.bad ? a2c__fail(A2C_E_FORMAT, fn, "the divergence guard section holds invalid "
                                                 "values")
                   : section_done(&r, SECTION_GUARD, fn);
    }
    if (rc == A2C_OK) { /* everything checked: commit */
        a2c__optimizer_commit(own_opt, &opt);
        a2c__trainer_commit_guard(tr, has_guard, lr_scale, rollbacks);
        a2c__net_copy_state(net, saved);
        a2c__trainer_commit_progress(tr, &progress); /* new episodes, unless: */
        if (exact) {
            a2c__reader r = section_reader(&s, SECTION_COLLECTION);
            rc = a2c__trainer_read_collection(&r, tr, 1, fn);
        }
    }
    a2c_net_destroy(saved);
    return rc;
}

A2C_API a2c_status a2c_trainer_load_from_buffer(a2c_trainer *tr, const void *buf, size_t size)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    return load_trainer(tr, buf, size, __func__);
}

A2C_API a2c_status a2c_trainer_load(a2c_trainer *tr, const char *path)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    if (!path) return a2c__fail(A2C_E_INVALID_ARG, __func__, "path is NULL");
    const a2c_allocator *a = a2c__trainer_allocator(tr);
    unsigned char *buf;
    size_t size;
    a2c_status rc = read_file(path, a, &buf, &size, __func__);
    if (rc != A2C_OK) return rc;
    rc = load_trainer(tr, buf, size, __func__);
    a2c__free(a, buf, size);
    return rc;
}
