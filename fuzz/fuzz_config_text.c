/* libFuzzer target: hyperparameters as text.
 *
 * The input is cut into a name and a value at its first NUL or '=' (no
 * separator: the whole input is the name and the value is empty), and
 * given to a2c_config_set_string; the name also goes to
 * a2c_param_from_name.  Only the statuses the header documents may come
 * back (A2C_OK or A2C_E_INVALID_ARG); a failed set must leave the config
 * as it was, and a value that was set must read back inside its bounds.
 * Build with -DFUZZ_ALLOW_NONFINITE to accept A2C_E_NONFINITE as a
 * failure too (a number too large for a double, "1e400", gives it today;
 * the header does not list it), to look for other bugs meanwhile.
 *
 * Uses the public header only. */
#include <a2c/a2c.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One more than the largest a2c_param value this build knows. */
#define PARAM_END (A2C_PARAM_N_THREADS + 1)

static void die(const char *what, const char *name, const char *value, a2c_status rc)
{
    fprintf(stderr, "fuzz_config_text: %s for name '%.80s' value '%.80s': %s (%s)\n", what,
            name, value, a2c_status_name(rc), a2c_last_error());
    abort();
}

/* Every parameter and net_arch of `cfg`, to compare before and after. */
typedef struct snapshot {
    double v[PARAM_END - A2C_PARAM_LEARNING_RATE];
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
} snapshot;

static void take(const a2c_config *cfg, snapshot *s)
{
    memset(s, 0, sizeof *s);
    for (int p = A2C_PARAM_LEARNING_RATE; p < PARAM_END; p++)
        a2c_config_get_double(cfg, (a2c_param)p, &s->v[p - A2C_PARAM_LEARNING_RATE]);
    a2c_config_get_net_arch(cfg, s->pi, &s->n_pi, s->vf, &s->n_vf);
}

static int same(const snapshot *a, const snapshot *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* name NUL value NUL in one buffer; a NUL inside the input ends the
     * value early, as it would for any C string */
    char *text = malloc(size + 2);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    const char *name = text, *value = text + size + 1;
    for (size_t k = 0; k < size; k++) {
        if (text[k] == '\0' || text[k] == '=') {
            text[k] = '\0';
            value = text + k + 1;
            break;
        }
    }

    a2c_param param;
    a2c_status rc = a2c_param_from_name(name, &param);
    if (rc != A2C_OK && rc != A2C_E_INVALID_ARG) die("param_from_name", name, value, rc);
    if (rc == A2C_OK && strcmp(a2c_param_name(param), name) != 0)
        die("param_from_name found another name", name, value, rc);

    a2c_config *cfg = NULL;
    if (a2c_config_create(&cfg, NULL) != A2C_OK) abort();
    snapshot before, after;
    take(cfg, &before);
    rc = a2c_config_set_string(cfg, name, value);
    take(cfg, &after);
    int documented = rc == A2C_OK || rc == A2C_E_INVALID_ARG;
#ifdef FUZZ_ALLOW_NONFINITE
    documented |= rc == A2C_E_NONFINITE;
#endif
    if (!documented) die("set_string returned an undocumented status", name, value, rc);
    if (rc != A2C_OK && !same(&before, &after))
        die("a failed set_string changed the config", name, value, rc);
    if (rc == A2C_OK && a2c_param_from_name(name, &param) == A2C_OK) {
        double v, lo, hi;
        a2c_config_get_double(cfg, param, &v);
        a2c_param_bounds(param, &lo, &hi);
        if (!isfinite(v) || v < lo || v > hi)
            die("set_string stored a value out of bounds", name, value, rc);
    }
    a2c_config_destroy(cfg);
    free(text);
    return 0;
}
