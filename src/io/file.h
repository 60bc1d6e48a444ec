/* Checkpoint files on disk: a careful read and an atomic, durable write.
 *
 * On POSIX systems (__unix__ or __APPLE__) both go through file
 * descriptors: the reader refuses anything but a regular file and sizes it
 * from the open descriptor; the writer refuses a target that is a symbolic
 * link or not a regular file, writes a uniquely named temporary beside it
 * (O_EXCL | O_NOFOLLOW), flushes it to disk and renames it over the target.
 * Elsewhere only C11's stdio is used: an exclusive ("wbx") temporary and
 * rename(), with no durability guarantee (docs/checkpoint-format.md,
 * "Writing").  Defining A2C_FILE_PORTABLE selects the stdio version on
 * POSIX too, so that it can be built and tested there.
 *
 * Both record an A2C_E_IO message under the public function's name `fn`,
 * with the path and the system's reason, and leave errno as the failing
 * call set it. */
#ifndef A2C_IO_FILE_H
#define A2C_IO_FILE_H

#include "common/common.h"

/* The most head bytes a2c__file_read hands to its check. */
#define A2C__FILE_HEAD_MAX 64

/* Looks at the first `got` bytes of a file of `file_size` bytes (got is
 * the smaller of the two and the head size asked for) before anything
 * else is read or allocated.  Returns A2C_OK to read on, or a status whose
 * message it has recorded under `fn` to refuse the file. */
typedef a2c_status (*a2c__file_check)(const unsigned char *head, size_t got,
                                      uint64_t file_size, const char *path, const char *fn);

/* Reads the regular file `path` whole into *buf (*size bytes, from the
 * allocator `a`; the caller frees it with that size).  The first
 * `head_bytes` (at most A2C__FILE_HEAD_MAX) go to `check` first, so a file
 * that fails it costs only those bytes.  Returns A2C_OK, A2C_E_IO (missing,
 * unreadable, a directory or any other non-regular file, changed while
 * read), A2C_E_NOMEM, or what `check` returned; *buf is NULL on failure. */
a2c_status a2c__file_read(const char *path, size_t head_bytes, a2c__file_check check,
                          const a2c_allocator *a, unsigned char **buf, size_t *size,
                          const char *fn);

/* Replaces the file `path` (non-empty) with `size` bytes of `data`, through
 * a temporary ".NAME.tmp-*" in the same directory that is renamed over it,
 * so readers see the old file or the new one, never a mix.  The temporary
 * is removed on every failure.  Names for the temporary are allocated
 * through `a`.  Returns A2C_OK, A2C_E_IO or A2C_E_NOMEM. */
a2c_status a2c__file_write_atomic(const char *path, const void *data, size_t size,
                                  const a2c_allocator *a, const char *fn);

#endif /* A2C_IO_FILE_H */
