/* Checkpoint files on disk (src/io/file.c): what a save refuses (symbolic
 * links, devices, FIFOs, directories), that it never follows a planted
 * link or leaves a temporary behind, that concurrent saves to one path
 * all succeed and leave one whole checkpoint, and what a load refuses
 * before reading or allocating much (directories, devices, sparse
 * multi-gigabyte files, files too short for a header).
 *
 * POSIX only: it plants links, devices and FIFOs.  Everything happens in a
 * fresh directory under build/, removed at the end. */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink, mkfifo, mknod, ftruncate */

#include "harness.h"

#include "a2c/a2c.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if !defined(__STDC_NO_THREADS__) && !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
#include <threads.h>
#define HAVE_THREADS 1
#endif

static char scratch[64]; /* this run's directory */

/* scratch/name, in a static buffer per call site's needs */
static const char *in_scratch(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", scratch, name);
    return buf;
}
#define AT(name) in_scratch((char[256]){0}, 256, (name))

/* Entries of `dir` that look like a temporary of a save: ours are
 * ".NAME.tmp-*", 0.2's were "NAME.tmp". */
static int temporaries_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp")) n++;
    }
    closedir(d);
    return n;
}

/* Number of entries of `dir` besides . and .. */
static int entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    }
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (!fp) return;
    CHECK(fwrite(text, 1, strlen(text), fp) == strlen(text));
    CHECK(fclose(fp) == 0);
}

/* The whole file, malloc'd; NULL if it cannot be read. */
static unsigned char *read_all(const char *path, size_t *size)
{
    *size = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            unsigned char *bigger = realloc(buf, cap);
            if (!bigger) break;
            buf = bigger;
        }
        const size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) break;
    }
    fclose(fp);
    *size = n;
    return buf;
}

static int file_is(const char *path, const char *text)
{
    size_t size;
    unsigned char *buf = read_all(path, &size);
    const int same = buf && size == strlen(text) && memcmp(buf, text, size) == 0;
    free(buf);
    return same;
}

static unsigned char *net_bytes(const a2c_net *net, size_t *size)
{
    CHECK(a2c_net_save_size(net, size) == A2C_OK);
    unsigned char *buf = malloc(*size);
    CHECK(buf && a2c_net_save_to_buffer(net, buf, *size, NULL) == A2C_OK);
    return buf;
}

/* A net whose parameters depend on `seed`; `arch` NULL keeps [64, 64]. */
static a2c_net *make_net_arch(int64_t seed, const char *arch)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, seed) == A2C_OK);
    if (arch) CHECK(a2c_config_set_string(cfg, "net_arch", arch) == A2C_OK);
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    a2c_config_destroy(cfg);
    return net;
}

static a2c_net *make_net(int64_t seed)
{
    return make_net_arch(seed, NULL);
}

static a2c_trainer *make_trainer(a2c_env **env)
{
    CHECK(a2c_env_make(env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, *env) == A2C_OK);
    a2c_config_destroy(cfg);
    return tr;
}

static int message_has(const char *text)
{
    return strstr(a2c_last_error(), text) != NULL;
}

/* ---- saving ---- */

/* Round trips through files, replacing a file, a name without a folder,
 * and the umask deciding the new file's mode. */
static void test_save_and_replace(void)
{
    a2c_net *a = make_net(1), *b = make_net(2);
    size_t size_a, size_b, size;
    unsigned char *bytes_a = net_bytes(a, &size_a), *bytes_b = net_bytes(b, &size_b);
    CHECK(size_a == size_b && memcmp(bytes_a, bytes_b, size_a) != 0);
    const char *path = AT("net.a2c");
    CHECK(a2c_net_save(a, path) == A2C_OK);
    unsigned char *disk = read_all(path, &size);
    CHECK(disk && size == size_a && memcmp(disk, bytes_a, size) == 0);
    free(disk);
    CHECK_EQ_INT(temporaries_in(scratch), 0);
    /* saving again replaces the file */
    CHECK(a2c_net_save(b, path) == A2C_OK);
    disk = read_all(path, &size);
    CHECK(disk && size == size_b && memcmp(disk, bytes_b, size) == 0);
    free(disk);
    a2c_net *back = NULL;
    CHECK(a2c_net_load(&back, path, NULL) == A2C_OK);
    CHECK(back && memcmp(a2c_net_params(back), a2c_net_params(b),
                         a2c_net_param_count(b) * sizeof(float)) == 0);
    a2c_net_destroy(back);
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    /* the new file gets 0666 narrowed by the umask */
    const mode_t old_mask = umask(027);
    CHECK(a2c_net_save(a, path) == A2C_OK);
    umask(old_mask);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);

    /* a bare name: the temporary goes to the current directory */
    char cwd[4096];
    if (CHECK(getcwd(cwd, sizeof cwd) != NULL) && CHECK(chdir(scratch) == 0)) {
        CHECK(a2c_net_save(a, "bare.a2c") == A2C_OK);
        CHECK(a2c_net_load(&back, "bare.a2c", NULL) == A2C_OK);
        a2c_net_destroy(back);
        CHECK_EQ_INT(temporaries_in("."), 0);
        CHECK(remove("bare.a2c") == 0);
        CHECK(chdir(cwd) == 0);
    }

    /* trainers go the same way */
    a2c_env *env;
    a2c_trainer *tr = make_trainer(&env);
    const char *tpath = AT("trainer.a2c");
    CHECK(a2c_trainer_save(tr, tpath) == A2C_OK);
    CHECK(a2c_trainer_load(tr, tpath) == A2C_OK);
    CHECK_EQ_INT(temporaries_in(scratch), 0);
    CHECK(remove(tpath) == 0);
    CHECK(remove(path) == 0);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    free(bytes_a), free(bytes_b);
    a2c_net_destroy(a), a2c_net_destroy(b);
}

/* A symbolic link at the target is refused, whatever it points to; one
 * planted at 0.2's fixed temporary name is never written through. */
static void test_symlink_target(void)
{
    a2c_net *net = make_net(3);
    write_text(AT("victim"), "precious");
    const char *link = AT("link.a2c");
    CHECK(symlink("victim", link) == 0);
    CHECK(a2c_net_save(net, link) == A2C_E_IO);
    CHECK(message_has("symbolic link") && message_has(link));
    CHECK(file_is(AT("victim"), "precious"));
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    a2c_env *env;
    a2c_trainer *tr = make_trainer(&env);
    CHECK(a2c_trainer_save(tr, link) == A2C_E_IO);
    CHECK(file_is(AT("victim"), "precious"));
    a2c_trainer_destroy(tr);
    a2c_env_close(env);

    /* a dangling link would create its destination if followed */
    const char *dangling = AT("dangling.a2c");
    CHECK(symlink("created-through-link", dangling) == 0);
    CHECK(a2c_net_save(net, dangling) == A2C_E_IO);
    CHECK(access(AT("created-through-link"), F_OK) != 0);
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    /* the audit's attack: a link planted at "PATH.tmp" */
    write_text(AT("victim2"), "also precious");
    CHECK(symlink("victim2", AT("plain.a2c.tmp")) == 0);
    CHECK(a2c_net_save(net, AT("plain.a2c")) == A2C_OK);
    CHECK(file_is(AT("victim2"), "also precious"));
    CHECK(lstat(AT("plain.a2c"), &st) == 0 && S_ISREG(st.st_mode));
    a2c_net *back = NULL;
    CHECK(a2c_net_load(&back, AT("plain.a2c"), NULL) == A2C_OK);
    a2c_net_destroy(back);
    CHECK(lstat(AT("plain.a2c.tmp"), &st) == 0 && S_ISLNK(st.st_mode));
    remove(AT("plain.a2c.tmp"));
    remove(AT("plain.a2c")), remove(AT("victim2"));
    remove(dangling), remove(link), remove(AT("victim"));
    CHECK_EQ_INT(temporaries_in(scratch), 0);
    a2c_net_destroy(net);
}

/* Device nodes and FIFOs are refused as targets and left as they were.  A
 * node made here comes first; /dev/full itself is tried only if that
 * passed or we are not root, so that a regression cannot replace the
 * system's node with a file. */
static void test_device_and_fifo_targets(void)
{
    a2c_net *net = make_net(4);
    struct stat dev, st;
    int own_node_refused = 0;
    const char *node = AT("device.a2c");
    if (stat("/dev/full", &dev) != 0 && stat("/dev/null", &dev) != 0) {
        printf("  device targets: skipped (no /dev/full or /dev/null)\n");
    } else if (mknod(node, S_IFCHR | 0666, dev.st_rdev) != 0) {
        printf("  device target in the scratch directory: skipped (mknod: %s)\n",
               strerror(errno));
    } else {
        own_node_refused = CHECK(a2c_net_save(net, node) == A2C_E_IO);
        CHECK(message_has("character device"));
        CHECK(lstat(node, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev.st_rdev);
        CHECK_EQ_INT(temporaries_in(scratch), 0);
        CHECK(remove(node) == 0);
    }
    if (stat("/dev/full", &dev) != 0 || !S_ISCHR(dev.st_mode)) {
        printf("  /dev/full: skipped (not here)\n");
    } else if (geteuid() == 0 && !own_node_refused) {
        printf("  /dev/full: skipped (root, and a device target was not refused)\n");
    } else {
        const int before = temporaries_in("/dev");
        CHECK(a2c_net_save(net, "/dev/full") == A2C_E_IO);
        CHECK(lstat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode) &&
              st.st_rdev == dev.st_rdev && st.st_ino == dev.st_ino);
        CHECK_EQ_INT(temporaries_in("/dev"), before);
    }

    const char *fifo = AT("fifo.a2c");
    if (mkfifo(fifo, 0600) != 0) {
        printf("  FIFO target: skipped (mkfifo: %s)\n", strerror(errno));
    } else {
        CHECK(a2c_net_save(net, fifo) == A2C_E_IO);
        CHECK(message_has("FIFO"));
        CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
        CHECK_EQ_INT(temporaries_in(scratch), 0);
        CHECK(remove(fifo) == 0);
    }
    a2c_net_destroy(net);
}

/* A directory at the target, a missing or read-only parent: A2C_E_IO, and
 * nothing left behind. */
static void test_directory_and_parent(void)
{
    a2c_net *net = make_net(5);
    const char *dir = AT("dir.a2c");
    CHECK(mkdir(dir, 0700) == 0);
    CHECK(a2c_net_save(net, dir) == A2C_E_IO);
    CHECK(message_has("directory"));
    struct stat st;
    CHECK(lstat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_EQ_INT(entries_in(dir), 0);
    CHECK_EQ_INT(temporaries_in(scratch), 0);
    /* a trailing slash names a directory too, existing or not */
    char slashed[300];
    snprintf(slashed, sizeof slashed, "%s/", dir);
    CHECK(a2c_net_save(net, slashed) == A2C_E_IO);
    CHECK(a2c_net_save(net, AT("no-such-dir/")) == A2C_E_IO);
    CHECK_EQ_INT(entries_in(dir), 0);
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    /* missing parent: the message names the path and the reason, and
     * errno is left as the system set it */
    const char *missing = AT("missing/x.a2c");
    errno = 0;
    CHECK(a2c_net_save(net, missing) == A2C_E_IO);
    CHECK_EQ_INT(errno, ENOENT);
    CHECK(message_has(missing));
    char number[32];
    snprintf(number, sizeof number, "errno %d", ENOENT);
    CHECK(message_has(number));
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    const char *ro = AT("read-only");
    CHECK(mkdir(ro, 0700) == 0);
    if (geteuid() == 0) {
        printf("  read-only parent: skipped (root ignores permissions)\n");
    } else if (CHECK(chmod(ro, 0500) == 0)) {
        char target[300];
        snprintf(target, sizeof target, "%s/x.a2c", ro);
        CHECK(a2c_net_save(net, target) == A2C_E_IO);
        CHECK(message_has(target));
        CHECK_EQ_INT(entries_in(ro), 0);
        /* an existing file in a read-only folder stays as it was */
        CHECK(chmod(ro, 0700) == 0);
        write_text(target, "old");
        CHECK(chmod(ro, 0500) == 0);
        CHECK(a2c_net_save(net, target) == A2C_E_IO);
        CHECK(file_is(target, "old"));
        CHECK_EQ_INT(entries_in(ro), 1);
        CHECK(chmod(ro, 0700) == 0);
        remove(target);
    }
    rmdir(ro);
    rmdir(dir);
    a2c_net_destroy(net);
}

#if defined(HAVE_THREADS)
typedef struct saver {
    const a2c_net *net;
    const char *path;
    /* saves begun by both threads: each waits for the other before each
     * save, so that the two saves overlap as much as they can */
    atomic_int *arrived;
    int failures;
    char first_error[512];
} saver;

#define SAVES_PER_THREAD 50

static int save_often(void *arg)
{
    saver *s = arg;
    for (int k = 0; k < SAVES_PER_THREAD; k++) {
        atomic_fetch_add(s->arrived, 1);
        while (atomic_load(s->arrived) < 2 * (k + 1)) thrd_yield();
        if (a2c_net_save(s->net, s->path) != A2C_OK && s->failures++ == 0)
            snprintf(s->first_error, sizeof s->first_error, "%s", a2c_last_error());
    }
    return 0;
}
#endif

/* Two threads save different nets to one path, 50 times each: every save
 * succeeds, and the file ends up bit-identical to one of the two.  (With
 * one fixed temporary name they truncate each other's temporary, one's
 * rename finds it gone, and the file can end up a mix of both.)  The
 * race is timing-dependent; the deterministic half of it is below: a
 * temporary that another saver holds is left alone. */
static void test_concurrent_saves(void)
{
#if defined(HAVE_THREADS)
    a2c_net *a = make_net_arch(6, "[256, 256]"), *b = make_net_arch(7, "[256, 256]");
    size_t size_a, size_b;
    unsigned char *bytes_a = net_bytes(a, &size_a), *bytes_b = net_bytes(b, &size_b);
    const char *path = AT("shared.a2c");
    CHECK(a2c_net_save(a, path) == A2C_OK);
    atomic_int arrived = 0;
    saver sa = {a, path, &arrived, 0, ""}, sb = {b, path, &arrived, 0, ""};
    thrd_t ta, tb;
    const int started_a = thrd_create(&ta, save_often, &sa) == thrd_success;
    const int started_b = thrd_create(&tb, save_often, &sb) == thrd_success;
    /* a lone saver must not wait for a partner that never came */
    if (!CHECK(started_a && started_b)) atomic_store(&arrived, 4 * SAVES_PER_THREAD);
    if (started_a) thrd_join(ta, NULL);
    if (started_b) thrd_join(tb, NULL);
    CHECK_EQ_INT(sa.failures, 0);
    CHECK_EQ_INT(sb.failures, 0);
    if (sa.failures) printf("  first failure: %s\n", sa.first_error);
    if (sb.failures) printf("  first failure: %s\n", sb.first_error);
    size_t size;
    unsigned char *disk = read_all(path, &size);
    CHECK(disk && ((size == size_a && memcmp(disk, bytes_a, size) == 0) ||
                   (size == size_b && memcmp(disk, bytes_b, size) == 0)));
    a2c_net *back = NULL;
    CHECK(a2c_net_load(&back, path, NULL) == A2C_OK);
    a2c_net_destroy(back);
    CHECK_EQ_INT(temporaries_in(scratch), 0);

    /* another saver's temporary under 0.2's fixed name */
    const char *foreign = AT("shared.a2c.tmp");
    write_text(foreign, "another saver is writing this");
    CHECK(a2c_net_save(a, path) == A2C_OK);
    CHECK(file_is(foreign, "another saver is writing this"));
    free(disk);
    disk = read_all(path, &size);
    CHECK(disk && size == size_a && memcmp(disk, bytes_a, size) == 0);
    CHECK_EQ_INT(temporaries_in(scratch), 1);
    remove(foreign);
    remove(path);
    free(disk), free(bytes_a), free(bytes_b);
    a2c_net_destroy(a), a2c_net_destroy(b);
#else
    printf("  concurrent saves: skipped (no C11 threads)\n");
#endif
}

/* ---- loading ---- */

/* Allocation hooks that track live and peak bytes. */
typedef struct tally {
    size_t live, peak;
} tally;

static void *t_alloc(void *ctx, size_t size, size_t align)
{
    tally *t = ctx;
    void *p = aligned_alloc(align, (size + align - 1) / align * align);
    if (p) {
        t->live += size;
        if (t->live > t->peak) t->peak = t->live;
    }
    return p;
}

static void t_free(void *ctx, void *p, size_t size)
{
    ((tally *)ctx)->live -= size;
    free(p);
}

/* Directories, devices and FIFOs are I/O errors, not corrupt files. */
static void test_load_non_regular(void)
{
    a2c_env *env;
    a2c_trainer *tr = make_trainer(&env);
    a2c_net *out = NULL;
    const char *dir = AT("a-directory");
    CHECK(mkdir(dir, 0700) == 0);
    CHECK(a2c_net_load(&out, dir, NULL) == A2C_E_IO && out == NULL);
    CHECK(message_has("directory") && message_has(dir));
    CHECK(a2c_trainer_load(tr, dir) == A2C_E_IO);
    CHECK(message_has("directory"));
    rmdir(dir);
    CHECK(a2c_net_load(&out, ".", NULL) == A2C_E_IO);

    static const char *const devices[] = {"/dev/zero", "/dev/full", "/dev/null"};
    for (size_t k = 0; k < sizeof devices / sizeof *devices; k++) {
        struct stat st;
        if (stat(devices[k], &st) != 0) continue;
        CHECK(a2c_net_load(&out, devices[k], NULL) == A2C_E_IO && out == NULL);
        CHECK(message_has("character device"));
        CHECK(a2c_trainer_load(tr, devices[k]) == A2C_E_IO);
    }

    /* a FIFO with no writer: opening it for reading would wait forever;
     * the alarm turns such a hang into a failure */
    const char *fifo = AT("fifo");
    if (mkfifo(fifo, 0600) != 0) {
        printf("  FIFO load: skipped (mkfifo: %s)\n", strerror(errno));
    } else {
        alarm(20);
        CHECK(a2c_net_load(&out, fifo, NULL) == A2C_E_IO && out == NULL);
        CHECK(message_has("FIFO"));
        CHECK(a2c_trainer_load(tr, fifo) == A2C_E_IO);
        alarm(0);
        remove(fifo);
    }
    /* a missing file names the path and the reason */
    const char *missing = AT("missing.a2c");
    errno = 0;
    CHECK(a2c_net_load(&out, missing, NULL) == A2C_E_IO && out == NULL);
    CHECK_EQ_INT(errno, ENOENT);
    CHECK(message_has(missing));
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
}

/* Makes a sparse file of `size` bytes starting with `head` (`n` bytes);
 * 0 if the file system will not. */
static int make_sparse(const char *path, off_t size, const void *head, size_t n)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 0;
    int ok = ftruncate(fd, size) == 0;
    if (ok && n) ok = write(fd, head, n) == (ssize_t)n;
    ok &= close(fd) == 0;
    if (!ok) remove(path);
    return ok;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int k = 0; k < bytes; k++) p[k] = (unsigned char)(v >> (8 * k));
}

/* Huge files are refused from their header and size, without reading
 * them or allocating for them. */
static void test_load_huge(void)
{
    const char *path = AT("huge.a2c");
    const off_t three_gb = (off_t)3 << 30, one_and_half_gb = (off_t)3 << 29;
    if (sizeof(off_t) < 8) {
        printf("  huge files: skipped (32-bit off_t)\n");
        return;
    }
    tally t = {0, 0};
    const a2c_allocator hooks = {A2C_ALLOCATOR_V1, t_alloc, t_free, &t};
    a2c_env *env;
    a2c_trainer *tr = make_trainer(&env);
    a2c_net *out = NULL;

    /* 3 GB of zeros */
    if (!make_sparse(path, three_gb, NULL, 0)) {
        printf("  3 GB sparse file: skipped (%s)\n", strerror(errno));
    } else {
        CHECK(a2c_net_load(&out, path, &hooks) == A2C_E_FORMAT && out == NULL);
        CHECK(t.peak < ((size_t)1 << 20));
        CHECK(a2c_trainer_load(tr, path) == A2C_E_FORMAT);
    }
    /* 3 GB whose header is a checkpoint's, its body size matching */
    unsigned char header[24] = {0x89, 'A', '2', 'C', '\r', '\n', 0x1a, '\n'};
    put_le(header + 8, 2, 4);
    put_le(header + 12, 1, 4);
    put_le(header + 16, (uint64_t)three_gb - 28, 8);
    t.peak = 0;
    if (make_sparse(path, three_gb, header, sizeof header)) {
        CHECK(a2c_net_load(&out, path, &hooks) == A2C_E_FORMAT && out == NULL);
        CHECK(message_has("larger than any checkpoint"));
        CHECK(t.peak < ((size_t)1 << 20));
    }
    /* 1.5 GB (below the 2 GiB bound) whose first 24 bytes are garbage */
    static const char garbage[24] = "this is not a2c at all!";
    t.peak = 0;
    if (!make_sparse(path, one_and_half_gb, garbage, sizeof garbage)) {
        printf("  1.5 GB sparse file: skipped (%s)\n", strerror(errno));
    } else {
        CHECK(a2c_net_load(&out, path, &hooks) == A2C_E_FORMAT && out == NULL);
        CHECK(message_has("no magic number"));
        CHECK(t.peak < ((size_t)1 << 20));
        CHECK(a2c_trainer_load(tr, path) == A2C_E_FORMAT);
        /* a checkpoint's header, but a body size that is not the file's */
        put_le(header + 16, 1000, 8);
        int fd = open(path, O_WRONLY);
        CHECK(fd >= 0 && write(fd, header, sizeof header) == (ssize_t)sizeof header);
        if (fd >= 0) close(fd);
        t.peak = 0;
        CHECK(a2c_net_load(&out, path, &hooks) == A2C_E_FORMAT && out == NULL);
        CHECK(t.peak < ((size_t)1 << 20));
    }
    CHECK_EQ_INT(t.live, 0);
    remove(path);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
}

/* Files too short for a header, or a byte too long. */
static void test_load_short(void)
{
    a2c_env *env;
    a2c_trainer *tr = make_trainer(&env);
    a2c_net *out = NULL;
    const char *path = AT("short.a2c");
    write_text(path, "");
    CHECK(a2c_net_load(&out, path, NULL) == A2C_E_FORMAT && out == NULL);
    CHECK(a2c_trainer_load(tr, path) == A2C_E_FORMAT);
    write_text(path, "0123456789");
    CHECK(a2c_net_load(&out, path, NULL) == A2C_E_FORMAT && out == NULL);
    CHECK(a2c_trainer_load(tr, path) == A2C_E_FORMAT);
    /* a whole checkpoint and one byte more */
    a2c_net *net = make_net(8);
    CHECK(a2c_net_save(net, path) == A2C_OK);
    FILE *fp = fopen(path, "ab");
    CHECK(fp && fputc(0, fp) == 0 && fclose(fp) == 0);
    CHECK(a2c_net_load(&out, path, NULL) == A2C_E_FORMAT && out == NULL);
    CHECK(message_has("body bytes"));
    remove(path);
    a2c_net_destroy(net);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
}

/* Removes the scratch directory; each test cleans up after itself, so
 * anything left is reported. */
static void remove_scratch(void)
{
    DIR *d = opendir(scratch);
    if (!d) return;
    const struct dirent *e;
    int left = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        printf("  left behind: %s\n", e->d_name);
        left++;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", scratch, e->d_name);
        if (remove(path) != 0) {
            chmod(path, 0700);
            rmdir(path);
        }
    }
    closedir(d);
    CHECK_EQ_INT(left, 0);
    CHECK(rmdir(scratch) == 0);
}

/* Runs one group and says how it went. */
static void run(const char *name, void (*group)(void))
{
    const int passed = harness_passed, failed = harness_failed;
    group();
    printf("%-30s %4d passed, %3d failed\n", name, harness_passed - passed,
           harness_failed - failed);
}

int main(void)
{
    /* line by line, so that the results so far survive the alarm */
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(scratch, sizeof scratch, "build/test_files-XXXXXX");
    if (!mkdtemp(scratch)) {
        printf("cannot make a scratch directory under build/: %s\n", strerror(errno));
        return 1;
    }
    run("test_save_and_replace", test_save_and_replace);
    run("test_symlink_target", test_symlink_target);
    run("test_device_and_fifo_targets", test_device_and_fifo_targets);
    run("test_directory_and_parent", test_directory_and_parent);
    run("test_concurrent_saves", test_concurrent_saves);
    run("test_load_non_regular", test_load_non_regular);
    run("test_load_huge", test_load_huge);
    run("test_load_short", test_load_short);
    remove_scratch();
    return harness_report();
}
