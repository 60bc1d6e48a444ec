/* Choosing the distribution of an action space. */
#include "policy/dist.h"

a2c_status a2c__dist_init(a2c__dist *d, int action_kind, size_t action_dim)
{
    if (action_dim < 1 || action_dim > A2C_MAX_WIDTH) return A2C_E_INVALID_ARG;
    switch (action_kind) {
    case A2C_SPACE_DISCRETE:
        *d = (a2c__dist){&a2c__categorical_ops, action_kind, action_dim, action_dim, 0};
        return A2C_OK;
    default: return A2C_E_INVALID_ARG;
    }
}
