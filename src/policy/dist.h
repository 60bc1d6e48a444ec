/* The policy-distribution interface (dist.c).  The actor's head produces
 * `head_width` numbers per row (logits for a categorical; means for a
 * Gaussian); a distribution turns them, with its own parameters (none for
 * a categorical; log_std for a Gaussian, stored in the net's flat vector)
 * and, for gSDE, the actor's latent features of the row and the
 * exploration matrices, into actions, log-probabilities, entropies and
 * their gradients.  The net
 * acts through it and the loss differentiates through it, so a new
 * distribution is one new ops table, not an edit of the net, the loss, the
 * trainer and the checkpoint.
 *
 * Actions travel as two arrays, one of which is used: `discrete` (one
 * int32 per row) for DISCRETE spaces and `box` (action_dim floats per row)
 * for BOX spaces; the other may be NULL. */
#ifndef A2C_POLICY_DIST_H
#define A2C_POLICY_DIST_H

#include "common/common.h"
#include "common/rng.h"

typedef struct a2c__dist a2c__dist;

typedef struct a2c__dist_ops {
    const char *name;
    /* Chooses the action of each of `rows` rows of head outputs (row
     * stride head_width): the mode if `deterministic`, else a draw from
     * `rng` (gSDE: from the exploration matrices `noise`, one per row if
     * n_noise equals rows, else the first for every row).  `latent` holds
     * the rows' latent features (stride latent_dim; NULL unless gSDE).
     * log_probs (may be NULL) receives log pi(action).  `scratch` holds
     * head_width floats.  A2C_E_NONFINITE if a row's outputs are not
     * finite. */
    a2c_status (*act)(const a2c__dist *d, const float *head, const float *params,
                      const float *latent, const float *noise, size_t n_noise, size_t rows,
                      int deterministic, a2c__rng *rng, int32_t *discrete, float *box,
                      float *log_probs, float *scratch);
    /* 1 if every one of `rows` actions lies in the action space. */
    int (*actions_valid)(const a2c__dist *d, const int32_t *discrete, const float *box,
                         size_t rows);
    /* One row of the policy loss: *log_prob = log pi(action of `row`) and
     * *entropy; writes to dhead (head_width floats) the gradient of
     * w_logp * log_prob + w_entropy * entropy with respect to the head
     * outputs, and adds its gradient with respect to the distribution's
     * parameters to dparams (n_params floats; unused when n_params is 0).
     * dhead may be the buffer the head row is read from only if the
     * distribution says so (categorical: yes). */
    void (*policy_row)(const a2c__dist *d, const float *head_row, const float *params,
                       const float *latent_row, size_t row, const int32_t *discrete,
                       const float *box, double w_logp, double w_entropy, float *dhead,
                       float *dparams, double *log_prob, double *entropy);
    /* Initial values of the distribution's own parameters. */
    void (*init_params)(const a2c__dist *d, float *params);
} a2c__dist_ops;

/* A value type: the net embeds the distribution of its action head. */
struct a2c__dist {
    const a2c__dist_ops *ops;
    int action_kind;   /* a2c_space_kind */
    size_t action_dim; /* DISCRETE: number of actions; BOX: components */
    size_t head_width; /* action-head outputs per row */
    size_t n_params;   /* the distribution's own parameters in the flat vector */
    int use_sde;       /* BOX: gSDE rather than a plain diagonal Gaussian */
    size_t latent_dim; /* gSDE: width of the latent features (the actor trunk's output) */
    double log_std_init;
};

/* How a BOX space's distribution is chosen (ignored for DISCRETE). */
typedef struct a2c__dist_options {
    int use_sde;
    size_t latent_dim;
    double log_std_init;
} a2c__dist_options;

/* The distribution for an action space: categorical over action_dim
 * actions for DISCRETE; for BOX a diagonal Gaussian over action_dim
 * components, or gSDE over a latent of opt->latent_dim features
 * (opt may be NULL for DISCRETE).  A2C_E_INVALID_ARG for sizes out of
 * range or an unknown kind. */
a2c_status a2c__dist_init(a2c__dist *d, int action_kind, size_t action_dim,
                          const a2c__dist_options *opt);

/* gSDE: draws n_noise exploration matrices (latent_dim x action_dim each)
 * from N(0, exp(log_std)), SB3's sample_weights. */
void a2c__gsde_draw_noise(const a2c__dist *d, const float *params, a2c__rng *rng, float *noise,
                          size_t n_noise);

extern const a2c__dist_ops a2c__categorical_ops;
extern const a2c__dist_ops a2c__gaussian_ops;

#endif /* A2C_POLICY_DIST_H */
