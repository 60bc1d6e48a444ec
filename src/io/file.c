/* Checkpoint files on disk (file.h).
 *
 * Reading refuses anything but a regular file before it reads a byte, and
 * hands the caller's check the header before it allocates, so a directory
 * is an I/O error rather than "corrupt" and a huge file that is not a
 * checkpoint costs a few bytes, not its size.
 *
 * Writing never opens the target itself: a fixed "PATH.tmp" could be a
 * symbolic link planted by someone else, or shared by two saves at once,
 * and writing the target in place would leave it truncated if the process
 * died.  So the bytes go to a fresh, exclusively created temporary beside
 * the target, are flushed to disk, and the temporary is renamed over the
 * target: on POSIX, readers then see the old checkpoint or the new one,
 * and after a crash the new one if the save returned A2C_OK. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, O_NOFOLLOW, O_DIRECTORY, lstat, strerror_r */
#endif
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE /* Apple's headers hide O_NOFOLLOW under a bare _POSIX_C_SOURCE */
#endif

#include "io/file.h"
#include "common/rng.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if (defined(__unix__) || defined(__APPLE__)) && !defined(A2C_FILE_PORTABLE)
#define FILE_POSIX 1
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
/* Both are extra care only: O_EXCL already refuses a symbolic link at the
 * temporary's name, and a directory opens without O_DIRECTORY. */
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif
#endif

/* At most this many bytes per read() or write(): macOS refuses a count
 * above INT_MAX, and Linux moves at most about 2 GiB per call anyway. */
#define IO_CHUNK ((size_t)1 << 30)
/* The target's name is cut to this many bytes inside the temporary's name,
 * so that the temporary's name stays below NAME_MAX (255) even for a
 * target whose name is at that limit. */
#define TMP_BASE_MAX 128
/* Creation attempts before giving up: a clash needs another process to
 * hold the same pid, counter and random suffix, or to guess them. */
#define TMP_ATTEMPTS 100
/* Room for the temporary's suffix: ".tmp-", two 20-digit numbers, two
 * dashes, the random characters and the NUL. */
#define TMP_SUFFIX_MAX 64
#define TMP_RANDOM_CHARS 6

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static a2c_status io_fail(const char *fn, int err, const char *fmt, ...);

/* The system's text for `err`, without strerror, whose buffer is shared
 * between threads. */
static const char *describe(int err, char *buf, size_t cap)
{
#if defined(FILE_POSIX) && defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(err, buf, cap); /* glibc's GNU flavour returns the text */
#elif defined(FILE_POSIX)
    if (strerror_r(err, buf, cap) == 0) return buf;
    snprintf(buf, cap, "system error");
    return buf;
#else
    (void)err; /* C11 has no thread-safe strerror: the number must do */
    snprintf(buf, cap, "system error");
    return buf;
#endif
}

/* Records "<what>: <system text> (errno N)" as an A2C_E_IO failure. */
static a2c_status io_fail(const char *fn, int err, const char *fmt, ...)
{
    char what[400], reason[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return a2c__fail(A2C_E_IO, fn, "%s: %s (errno %d)", what, describe(err, reason, sizeof reason),
                     err);
}

/* ---- temporary names ---- */

/* Bits that differ between processes, threads and calls: not secret (the
 * exclusive create is what keeps a temporary ours), only unlikely to clash
 * with another saver's choice. */
static uint64_t name_entropy(unsigned long pid, unsigned long count)
{
    int local;
    uint64_t state = ((uint64_t)pid << 32) ^ count ^ (uint64_t)(uintptr_t)&local;
    state ^= ((uint64_t)time(NULL) * 0x9E3779B97F4A7C15u) ^ (uint64_t)clock();
#if defined(FILE_POSIX)
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) == 0)
        state ^= ((uint64_t)now.tv_nsec << 20) ^ (uint64_t)now.tv_sec;
#endif
    return a2c__splitmix64(&state);
}

/* Where the last path component starts. */
static size_t base_offset(const char *path)
{
    const char *slash = strrchr(path, '/');
#if defined(_WIN32)
    const char *back = strrchr(path, '\\');
    if (back && (!slash || back > slash)) slash = back;
#endif
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* Writes "DIR/.NAME.tmp-PID-COUNT-XXXXXX" for the target `path` into
 * `out` (room for strlen(path) + TMP_SUFFIX_MAX + 2 bytes). */
/* The library keeps no global state, so no counter: the attempt number,
 * the clock and a stack address tell calls apart, and exclusive creation
 * retries on the rare clash. */
static void temp_name(char *out, size_t cap, const char *path, unsigned long pid,
                      unsigned long attempt)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    const size_t base = base_offset(path);
    size_t base_len = strlen(path + base);
    if (base_len > TMP_BASE_MAX) base_len = TMP_BASE_MAX;
    const unsigned long count = attempt;
    uint64_t bits = name_entropy(pid, count);
    char random[TMP_RANDOM_CHARS + 1];
    for (int k = 0; k < TMP_RANDOM_CHARS; k++) {
        random[k] = digits[bits % (sizeof digits - 1)];
        bits /= sizeof digits - 1;
    }
    random[TMP_RANDOM_CHARS] = '\0';
    snprintf(out, cap, "%.*s.%.*s.tmp-%lu-%lu-%s", (int)base, path, (int)base_len, path + base,
             pid, count, random);
}

/* The buffer for a temporary name beside `path`, and where the last path
 * component starts; a path that ends in a separator names a directory. */
static a2c_status temp_buffer(const char *path, const a2c_allocator *a, size_t *base,
                              char **tmp, size_t *cap, const char *fn)
{
    *base = base_offset(path);
    if (path[*base] == '\0')
        return a2c__fail(A2C_E_IO, fn, "'%s' names a directory, not a file", path);
    *cap = strlen(path) + TMP_SUFFIX_MAX + 2;
    *tmp = a2c__alloc(a, *cap);
    if (!*tmp) return a2c__fail(A2C_E_NOMEM, fn, "no memory for a temporary file name");
    return A2C_OK;
}

/* ---- reading, shared by both platforms ---- */

#if defined(FILE_POSIX)
typedef int handle;

/* Reads exactly n bytes; 0 with errno 0 at an early end of file, 0 with
 * errno set on an error. */
static int read_exact(handle fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        const ssize_t got = read(fd, p, n < IO_CHUNK ? n : IO_CHUNK);
        if (got < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        if (got == 0) {
            errno = 0;
            return 0;
        }
        p += got;
        n -= (size_t)got;
    }
    return 1;
}
#else
typedef FILE *handle;

static int read_exact(handle fp, unsigned char *p, size_t n)
{
    errno = 0;
    if (fread(p, 1, n, fp) == n) return 1;
    if (!ferror(fp)) errno = 0;
    else if (errno == 0) errno = EDOM; /* some error the C library did not name */
    return 0;
}
#endif

static a2c_status read_failed(const char *path, uint64_t file_size, const char *fn)
{
    if (errno != 0) return io_fail(fn, errno, "cannot read '%s'", path);
    return a2c__fail(A2C_E_IO, fn, "'%s' ended before its %llu bytes: it changed while being read",
                     path, (unsigned long long)file_size);
}

/* The head, the caller's check, then the rest into a buffer from `a`. */
static a2c_status read_checked(handle h, uint64_t file_size, const char *path, size_t head_bytes,
                               a2c__file_check check, const a2c_allocator *a, unsigned char **buf,
                               size_t *size, const char *fn)
{
    unsigned char head[A2C__FILE_HEAD_MAX];
    if (head_bytes > sizeof head) head_bytes = sizeof head;
    const size_t got = file_size < head_bytes ? (size_t)file_size : head_bytes;
    if (!read_exact(h, head, got)) return read_failed(path, file_size, fn);
    const a2c_status rc = check(head, got, file_size, path, fn);
    if (rc != A2C_OK) return rc;
    if (file_size > SIZE_MAX)
        return a2c__fail(A2C_E_NOMEM, fn, "'%s' (%llu bytes) does not fit in memory", path,
                         (unsigned long long)file_size);
    const size_t n = (size_t)file_size;
    unsigned char *p = a2c__alloc(a, n);
    if (!p) return a2c__fail(A2C_E_NOMEM, fn, "no memory to read '%s' (%zu bytes)", path, n);
    memcpy(p, head, got);
    if (!read_exact(h, p + got, n - got)) {
        const int err = errno;
        a2c__free(a, p, n);
        errno = err;
        return read_failed(path, file_size, fn);
    }
    *buf = p;
    *size = n;
    return A2C_OK;
}

#if defined(FILE_POSIX)

/* ---- POSIX ---- */

/* "a directory", "a FIFO", ...: what a non-regular file is. */
static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

a2c_status a2c__file_read(const char *path, size_t head_bytes, a2c__file_check check,
                          const a2c_allocator *a, unsigned char **buf, size_t *size,
                          const char *fn)
{
    *buf = NULL;
    *size = 0;
    /* stat before open: opening a FIFO waits for a writer, and opening a
     * device can have effects of its own. */
    struct stat st;
    if (stat(path, &st) != 0) return io_fail(fn, errno, "cannot open '%s'", path);
    if (!S_ISREG(st.st_mode))
        return a2c__fail(A2C_E_IO, fn, "'%s' is %s, not a checkpoint file", path,
                         kind_of(st.st_mode));
    int fd;
    do {
        /* O_NONBLOCK: should the path become a FIFO after the stat, the
         * open still returns, and the fstat below refuses it. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return io_fail(fn, errno, "cannot open '%s'", path);
    a2c_status rc;
    if (fstat(fd, &st) != 0) {
        rc = io_fail(fn, errno, "cannot inspect '%s'", path);
    } else if (!S_ISREG(st.st_mode)) {
        rc = a2c__fail(A2C_E_IO, fn, "'%s' is %s, not a checkpoint file", path,
                       kind_of(st.st_mode));
    } else {
        const int flags = fcntl(fd, F_GETFL);
        if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        rc = read_checked(fd, (uint64_t)st.st_size, path, head_bytes, check, a, buf, size, fn);
    }
    const int err = errno;
    close(fd); /* read-only: nothing to lose if this fails */
    errno = err;
    return rc;
}

/* Writes all n bytes, through partial writes and interruptions. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        const ssize_t put = write(fd, p, n < IO_CHUNK ? n : IO_CHUNK);
        if (put < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        if (put == 0) { /* no progress and no reason: do not spin */
            errno = EIO;
            return 0;
        }
        p += put;
        n -= (size_t)put;
    }
    return 1;
}

static int sync_fd(int fd)
{
    int r;
    do r = fsync(fd);
    while (r != 0 && errno == EINTR);
    return r;
}

/* Flushes the directory entry the rename made, so that the new name
 * survives a crash.  Best effort where the system cannot do it: a
 * directory we may write but not read cannot be opened, and some file
 * systems refuse fsync on directories (EINVAL, ENOTSUP). */
static a2c_status sync_dir(char *dir, const char *path, size_t dir_len, const char *fn)
{
    if (dir_len == 0) memcpy(dir, ".", 2);
    else dir[dir_len] = '\0';
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return A2C_OK;
    a2c_status rc = A2C_OK;
    if (sync_fd(fd) != 0 && errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP)
        rc = io_fail(fn, errno, "'%s' was replaced, but flushing its directory '%s' failed, so "
                                "the new name may not survive a crash", path, dir);
    const int err = errno;
    close(fd);
    errno = err;
    return rc;
}

a2c_status a2c__file_write_atomic(const char *path, const void *data, size_t size,
                                  const a2c_allocator *a, const char *fn)
{
    /* lstat, not stat: a symbolic link at the target is refused rather
     * than followed, and so is a device (saving to /dev/full must not
     * replace the device node with a file). */
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return a2c__fail(A2C_E_IO, fn, "'%s' is %s; checkpoints are saved only to regular "
                                           "files", path, kind_of(st.st_mode));
    } else if (errno != ENOENT) {
        return io_fail(fn, errno, "cannot inspect '%s'", path);
    }
    size_t base = 0, cap = 0;
    char *tmp = NULL;
    const a2c_status named = temp_buffer(path, a, &base, &tmp, &cap, fn);
    if (named != A2C_OK) return named;
    const unsigned long pid = (unsigned long)getpid();
    int fd = -1;
    for (int attempt = 0; attempt < TMP_ATTEMPTS && fd < 0; attempt++) {
        temp_name(tmp, cap, path, pid, (unsigned long)attempt);
        /* O_EXCL: a name that exists already, a planted symbolic link
         * included, is never opened; 0666 is narrowed by the umask. */
        do fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        while (fd < 0 && errno == EINTR);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        const int err = errno;
        const a2c_status rc = io_fail(fn, err, "cannot create a temporary file beside '%s' (%s)",
                                      path, tmp);
        a2c__free(a, tmp, cap);
        errno = err;
        return rc;
    }
    const char *failed = NULL;
    if (!write_all(fd, data, size)) failed = "write";
    else if (sync_fd(fd) != 0) failed = "flush to disk";
    int err = errno;
    /* close reports delayed write errors (NFS); EINTR leaves the
     * descriptor closed on Linux, and the data is on disk by then. */
    if (close(fd) != 0 && !failed && errno != EINTR) {
        failed = "close";
        err = errno;
    }
    a2c_status rc = A2C_OK;
    if (failed) {
        rc = io_fail(fn, err, "cannot %s '%s'", failed, tmp);
    } else if (rename(tmp, path) != 0) {
        err = errno;
        rc = io_fail(fn, err, "cannot rename '%s' to '%s'", tmp, path);
    }
    if (rc != A2C_OK) {
        unlink(tmp);
    } else {
        rc = sync_dir(tmp, path, base, fn);
        err = errno;
    }
    a2c__free(a, tmp, cap);
    errno = err;
    return rc;
}

#else /* !FILE_POSIX */

/* ---- plain C11: no file types, no descriptors, no fsync ---- */

a2c_status a2c__file_read(const char *path, size_t head_bytes, a2c__file_check check,
                          const a2c_allocator *a, unsigned char **buf, size_t *size,
                          const char *fn)
{
    *buf = NULL;
    *size = 0;
    errno = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return io_fail(fn, errno, "cannot open '%s'", path);
    a2c_status rc;
    long end = -1;
    errno = 0;
    if (fseek(fp, 0, SEEK_END) == 0) end = ftell(fp);
    if (end < 0 || fseek(fp, 0, SEEK_SET) != 0)
        rc = io_fail(fn, errno, "cannot find the size of '%s' (a directory?)", path);
    else
        rc = read_checked(fp, (uint64_t)end, path, head_bytes, check, a, buf, size, fn);
    const int err = errno;
    fclose(fp);
    errno = err;
    return rc;
}

a2c_status a2c__file_write_atomic(const char *path, const void *data, size_t size,
                                  const a2c_allocator *a, const char *fn)
{
    size_t base = 0, cap = 0;
    char *tmp = NULL;
    const a2c_status named = temp_buffer(path, a, &base, &tmp, &cap, fn);
    if (named != A2C_OK) return named;
    /* No process id in C11: the clock and an address stand in for it. */
    int local;
    const unsigned long id =
        (unsigned long)(name_entropy((unsigned long)(uintptr_t)&local, 0) & 0xffffffffu);
    FILE *fp = NULL;
    for (int attempt = 0; attempt < TMP_ATTEMPTS && !fp; attempt++) {
        temp_name(tmp, cap, path, id, (unsigned long)attempt);
        errno = 0;
        fp = fopen(tmp, "wbx"); /* C11's exclusive create */
#if defined(EEXIST)
        if (!fp && errno != 0 && errno != EEXIST) break;
#endif
    }
    if (!fp) {
        const int err = errno;
        const a2c_status rc = io_fail(fn, err, "cannot create a temporary file beside '%s' (%s)",
                                      path, tmp);
        a2c__free(a, tmp, cap);
        errno = err;
        return rc;
    }
    errno = 0;
    int ok = fwrite(data, 1, size, fp) == size && fflush(fp) == 0;
    int err = errno;
    if (fclose(fp) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    a2c_status rc = A2C_OK;
    if (!ok) {
        rc = io_fail(fn, err, "cannot write '%s'", tmp);
    } else if (rename(tmp, path) != 0) {
        /* where rename() does not replace an existing file (Windows), an
         * existing checkpoint stays and the save fails */
        err = errno;
        rc = io_fail(fn, err, "cannot rename '%s' to '%s'", tmp, path);
    }
    if (rc != A2C_OK) remove(tmp);
    a2c__free(a, tmp, cap);
    errno = err;
    return rc;
}

#endif /* FILE_POSIX */
