/* Status strings and version queries. */
#include "common/common.h"

A2C_API unsigned a2c_version_number(void)
{
    return A2C_VERSION_NUMBER;
}

A2C_API const char *a2c_version_string(void)
{
    return A2C_VERSION_STRING;
}

A2C_API const char *a2c_strerror(a2c_status status)
{
    switch (status) {
    case A2C_OK: return "success";
    case A2C_E_INVALID_ARG: return "invalid argument";
    case A2C_E_NOMEM: return "out of memory";
    case A2C_E_NONFINITE: return "non-finite number (NaN or infinity)";
    case A2C_E_FORMAT: return "corrupt, truncated or unsupported data";
    case A2C_E_IO: return "input/output error";
    case A2C_E_ENV: return "environment callback failed";
    case A2C_E_STATE: return "call not valid in the object's current state";
    }
    return "unknown status code";
}
