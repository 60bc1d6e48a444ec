/* Choosing the distribution of an action space. */
#include "policy/dist.h"

a2c_status a2c__dist_init(a2c__dist *d, int action_kind, size_t action_dim,
                          const a2c__dist_options *opt)
{
    if (action_dim < 1 || action_dim > A2C_MAX_WIDTH) return A2C_E_INVALID_ARG;
    switch (action_kind) {
    case A2C_SPACE_DISCRETE:
        *d = (a2c__dist){&a2c__categorical_ops, action_kind, action_dim, action_dim, 0, 0, 0, 0.0};
        return A2C_OK;
    case A2C_SPACE_BOX: {
        const int sde = opt && opt->use_sde;
        const size_t latent = sde ? opt->latent_dim : 0;
        if (sde && (latent < 1 || latent > A2C_MAX_WIDTH)) return A2C_E_INVALID_ARG;
        /* log_std: one per component, or a latent_dim x action_dim matrix */
        const size_t n_params = sde ? latent * action_dim : action_dim;
        *d = (a2c__dist){&a2c__gaussian_ops, action_kind, action_dim, action_dim, n_params, sde,
                         latent, opt ? opt->log_std_init : 0.0};
        return A2C_OK;
    }
    default: return A2C_E_INVALID_ARG;
    }
}
