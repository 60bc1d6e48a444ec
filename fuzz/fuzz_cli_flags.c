/* libFuzzer target: the a2c train command line.
 *
 * The input is cut at every NUL byte into arguments, which follow "a2c
 * train" in argv, and train_parse (tools/a2c/train.c) reads them as the
 * command would: flags, values, the preset, the configuration.  Nothing
 * is trained and no file is touched.  The CLI is built with A2C_CLI_FUZZ,
 * so its fail() jumps back here instead of exiting; a failure must come
 * with a message.  A command line that parses must give a configuration
 * whose settings are inside the library's bounds and a known environment.
 *
 * Uses the public header and the CLI's own header, tools/a2c/cli.h. */
#include "cli.h"

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Static, not local: train_parse fills it between setjmp and longjmp. */
static train_request req;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_cli_flags: %s\n", what);
    abort();
}

/* Parses one command line and checks what came out; in a function of its
 * own so that nothing local lives across the setjmp. */
static void parse(int argc, char **argv)
{
    jmp_buf back;
    cli_fail_message[0] = '\0';
    cli_fail_jump = &back;
    if (setjmp(back) == 0) {
        train_parse(argc, argv, &req);
        cli_fail_jump = NULL;
        if (!req.help) {
            if (!req.cfg || !req.env_id) die("parsed without a config or an --env");
            if (req.n_envs < 1 || req.threads < 1 || req.threads > 2)
                die("parsed with n_envs or threads out of range");
            for (size_t k = 0; a2c_param_name((a2c_param)(A2C_PARAM_LEARNING_RATE + k)); k++) {
                const a2c_param param = (a2c_param)(A2C_PARAM_LEARNING_RATE + k);
                double v, lo, hi;
                if (a2c_config_get_double(req.cfg, param, &v) != A2C_OK ||
                    a2c_param_bounds(param, &lo, &hi) != A2C_OK || !isfinite(v) || v < lo ||
                    v > hi)
                    die("a parameter out of its bounds after parsing");
            }
            a2c_env *env = NULL;
            if (a2c_env_make(&env, req.env_id, 1, NULL) != A2C_OK)
                die("parsed with an --env the library does not know");
            a2c_env_close(env);
        }
    } else {
        cli_fail_jump = NULL;
        if (!cli_fail_message[0]) die("fail() without a message");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One writable copy: args_next cuts "--flag=value" in place, as the
     * command does with its own argv. */
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 2;
    for (size_t k = 0; k < size; k++) argc += text[k] == '\0';
    if (size > 0) argc++; /* the piece after the last NUL */
    char **argv = malloc(((size_t)argc + 1) * sizeof *argv);
    if (!argv) abort();
    static char prog[] = "a2c", command[] = "train";
    argv[0] = prog;
    argv[1] = command;
    int n = 2;
    if (size > 0) {
        argv[n++] = text;
        for (size_t k = 0; k < size; k++)
            if (text[k] == '\0') argv[n++] = text + k + 1;
    }
    argv[n] = NULL;

    parse(argc, argv);
    train_request_free(&req);
    free(argv);
    free(text);
    return 0;
}
