/* Per-thread last-error messages and status names. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

/* One message per thread, in the manner of libgit2's git_error_last():
 * static storage, so recording an error can never itself fail. */
#if !defined(__STDC_NO_THREADS__) || defined(__GNUC__)
#define A2C__THREAD_LOCAL _Thread_local
#else
#define A2C__THREAD_LOCAL /* one message for the process */
#endif

#define MESSAGE_BYTES 512

static A2C__THREAD_LOCAL char last_message[MESSAGE_BYTES];

a2c_status a2c__fail(a2c_status rc, const char *fn, const char *fmt, ...)
{
    int used = snprintf(last_message, sizeof last_message, "%s: ", fn ? fn : "liba2c");
    if (used < 0) used = 0;
    if ((size_t)used < sizeof last_message) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(last_message + used, sizeof last_message - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return rc;
}

a2c_status a2c__fail_status(a2c_status rc, const char *fn)
{
    if (rc == A2C_OK) return rc;
    return a2c__fail(rc, fn, "%s", a2c_strerror(rc));
}

A2C_API const char *a2c_last_error(void)
{
    return last_message;
}

A2C_API const char *a2c_status_name(a2c_status status)
{
    switch (status) {
    case A2C_OK: return "A2C_OK";
    case A2C_E_INVALID_ARG: return "A2C_E_INVALID_ARG";
    case A2C_E_NOMEM: return "A2C_E_NOMEM";
    case A2C_E_NONFINITE: return "A2C_E_NONFINITE";
    case A2C_E_FORMAT: return "A2C_E_FORMAT";
    case A2C_E_IO: return "A2C_E_IO";
    case A2C_E_ENV: return "A2C_E_ENV";
    case A2C_E_STATE: return "A2C_E_STATE";
    }
    return "A2C_E_UNKNOWN";
}
