/* Hyperparameters (config.c).  struct a2c_config is private to config.c;
 * other modules read a configuration through these calls and the public
 * getters. */
#ifndef A2C_COMMON_CONFIG_H
#define A2C_COMMON_CONFIG_H

#include "common/codec.h"
#include "common/common.h"

/* The parameter enum runs from A2C__PARAM_FIRST, without gaps. */
#define A2C__PARAM_FIRST 100
#define A2C__PARAM_COUNT 35

double a2c__cfg_double(const a2c_config *cfg, a2c_param p);
int64_t a2c__cfg_int(const a2c_config *cfg, a2c_param p);
/* The allocator every object made from `cfg` allocates through. */
const a2c_allocator *a2c__config_allocator(const a2c_config *cfg);
/* a2c_config_set_string of n name/value pairs in order, for public
 * function `fn` (presets): all of them, or none and the config unchanged. */
a2c_status a2c__config_set_texts(a2c_config *cfg, const char *const *names,
                                 const char *const *values, size_t n, const char *fn);
/* Locale-independent decimal parse of the whole string; 0 on failure. */
int a2c__parse_double(const char *s, double *out);

/* The configuration section of a checkpoint (docs/checkpoint-format.md):
 * every parameter with its id and type, then the architecture.  Reading
 * applies each entry to `cfg` (created with defaults) through the public
 * setters, so a file can set nothing a caller could not; an unknown id
 * (from a newer liba2c) or a refused value turns the reader bad. */
void a2c__config_write(a2c__writer *w, const a2c_config *cfg);
void a2c__config_read(a2c__reader *r, a2c_config *cfg);

#endif /* A2C_COMMON_CONFIG_H */
