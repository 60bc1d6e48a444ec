/* Last-error messages (error.c): every failing public call records which
 * function failed and why, in a per-thread buffer that a2c_last_error()
 * returns.  Modules call a2c__fail at the point where they know the
 * argument or field at fault, and return what it returns:
 *
 *     if (!env) return a2c__fail(A2C_E_INVALID_ARG, __func__, "env is NULL");
 */
#ifndef A2C_COMMON_ERROR_H
#define A2C_COMMON_ERROR_H

#include "a2c/a2c.h"

/* Records "fn: <message>" as this thread's last error and returns `rc`.
 * The message is printf-formatted and cut to fit the buffer (a few hundred
 * bytes); nothing is allocated or printed. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
a2c_status a2c__fail(a2c_status rc, const char *fn, const char *fmt, ...);

/* For a status that came back from an internal call which may not have set
 * a message of its own: records "fn: <a2c_strerror(rc)>" unless `rc` is
 * A2C_OK.  Returns `rc`. */
a2c_status a2c__fail_status(a2c_status rc, const char *fn);

#endif /* A2C_COMMON_ERROR_H */
